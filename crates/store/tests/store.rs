//! Integration tests of the store: exact round trips, replacement per plan and fiscal year,
//! atomic failure, ordering, persistence and concurrent writers; the reporting cycle is in the
//! `cycle` module (one file per state of an edition), full-text search in the `search` module.
//! Every test uses its own database (`kaikaku_testdb::TestDb`: a temporary SQLite file, or a
//! fresh PostgreSQL database when `KAIKAKU_TEST_POSTGRES` is set), so tests run in parallel and
//! on both engines.

#[path = "store/cycle/mod.rs"]
mod cycle;
#[path = "store/municipalities.rs"]
mod municipalities;
#[path = "store/schema.rs"]
mod schema;
#[path = "store/search.rs"]
mod search;

use std::collections::BTreeMap;
use std::str::FromStr;

use kaikaku_model::{
    Action, ContentRow, Decimal, EffectRow, Evaluation, FiscalYear, Item, ItemNo,
    LocalGovernmentCode, Municipality, Narrative, NarrativeKind, Phase, Quantity, Report, Repost,
    ScheduleCell, Status, SummaryRow, Unit, Warning,
};
use kaikaku_store::{Database, Listing, Saved, Source, SqliteStore, Store, StoreError};
use kaikaku_testdb::TestDb;

// ---------------------------------------------------------------------------------------------
// Helpers

/// A store over a fresh database that is deleted with it.
struct TempStore {
    store: Database,
    raw: TestDb,
}

async fn temp_store() -> TempStore {
    let raw = TestDb::new().await;
    let store = Database::connect(raw.target()).await.expect("open store");
    TempStore { store, raw }
}

/// Every table, with the statement that counts its rows.
const COUNTS: &[(&str, &str)] = &[
    ("plans", "SELECT COUNT(*) FROM plans"),
    ("reports", "SELECT COUNT(*) FROM reports"),
    (
        "report_fiscal_years",
        "SELECT COUNT(*) FROM report_fiscal_years",
    ),
    ("summary_rows", "SELECT COUNT(*) FROM summary_rows"),
    ("warnings", "SELECT COUNT(*) FROM warnings"),
    ("items", "SELECT COUNT(*) FROM items"),
    ("item_departments", "SELECT COUNT(*) FROM item_departments"),
    ("content_rows", "SELECT COUNT(*) FROM content_rows"),
    ("schedule_cells", "SELECT COUNT(*) FROM schedule_cells"),
    ("actions", "SELECT COUNT(*) FROM actions"),
    ("narratives", "SELECT COUNT(*) FROM narratives"),
    ("effect_rows", "SELECT COUNT(*) FROM effect_rows"),
    ("quantities", "SELECT COUNT(*) FROM quantities"),
    ("evaluations", "SELECT COUNT(*) FROM evaluations"),
    ("reposts", "SELECT COUNT(*) FROM reposts"),
    ("users", "SELECT COUNT(*) FROM users"),
    ("sessions", "SELECT COUNT(*) FROM sessions"),
    ("copied_fields", "SELECT COUNT(*) FROM copied_fields"),
    ("comments", "SELECT COUNT(*) FROM comments"),
    ("audit_log", "SELECT COUNT(*) FROM audit_log"),
    ("waivers", "SELECT COUNT(*) FROM waivers"),
    ("search_documents", "SELECT COUNT(*) FROM search_documents"),
    ("search_index", "SELECT COUNT(*) FROM search_index"),
];

/// The number of rows in every table, read through a connection of its own.
async fn row_counts(db: &TestDb) -> BTreeMap<&'static str, i64> {
    let mut counts = BTreeMap::new();
    for (table, query) in COUNTS {
        counts.insert(*table, db.count(query).await);
    }
    counts
}

/// Asserts that a store call was refused with the error `expected` accepts (usually a
/// `matches!`), and returns that error for a look at its message. Every expected refusal in
/// the store tests goes through here.
#[track_caller]
fn assert_refused<T: std::fmt::Debug>(
    result: Result<T, StoreError>,
    expected: impl FnOnce(&StoreError) -> bool,
) -> StoreError {
    match result {
        Ok(value) => panic!("expected a refusal, got Ok({value:?})"),
        Err(err) => {
            assert!(expected(&err), "refused with another error: {err:?}");
            err
        }
    }
}

fn fy(year: i32) -> FiscalYear {
    FiscalYear::new(year).expect("fiscal year in range")
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).expect("decimal")
}

fn quantity(label: &str, value: &str, unit: Unit, status: Option<Status>) -> Quantity {
    Quantity {
        label: label.to_owned(),
        value: dec(value),
        unit,
        status,
    }
}

fn source(name: &str) -> Source {
    Source {
        name: name.to_owned(),
        encoding: "UTF-8".to_owned(),
    }
}

fn cell(year: i32, text: &str, actions: &[u8], phase: Option<Phase>) -> ScheduleCell {
    ScheduleCell {
        fiscal_year: fy(year),
        text: text.to_owned(),
        actions: actions.to_vec(),
        phase,
    }
}

/// A report with every field populated: several items, schedules with every kind of phase,
/// quantities of several units and statuses, a 総計 row, reposts and warnings.
fn rich_report() -> Report {
    let item1 = Item {
        no: ItemNo(1),
        title: "多様な話し合いの場と環境づくり".into(),
        reporting_department: Some("まちづくり推進課".into()),
        departments: vec![
            "まちづくり推進課".into(),
            "地域振興課".into(),
            "関係各課".into(),
        ],
        contents: vec![
            ContentRow {
                text: "市民との協働による\nまちづくりの推進".into(),
                schedule: vec![
                    cell(2020, "①～⑤", &[1, 2, 3, 4, 5], None),
                    cell(2021, "②③", &[2, 3], None),
                    cell(2022, "② (検討)", &[2], Some(Phase::Study)),
                ],
                line: 12,
            },
            ContentRow {
                text: "地域自治組織の<p>支援</p>".into(),
                schedule: vec![
                    cell(2020, "", &[], None),
                    cell(2021, "④ (試行)", &[4], Some(Phase::Trial)),
                    cell(2022, "④ (実施)", &[4], Some(Phase::Implementation)),
                ],
                line: 14,
            },
        ],
        goal: Some("市民が主体的に参画できる環境を整える。".into()),
        actions: vec![
            Action {
                no: 1,
                text: "多様な話し合いの場と環境づくり".into(),
            },
            Action {
                no: 2,
                text: "地域自治組織への支援".into(),
            },
            Action {
                no: 3,
                text: "協働のまちづくり研修".into(),
            },
            Action {
                no: 4,
                text: "チャットポットの導入".into(),
            },
            Action {
                no: 5,
                text: String::new(),
            },
        ],
        narratives: vec![
            Narrative {
                fiscal_year: fy(2021),
                kind: NarrativeKind::Actual,
                text: "・地域づくり委員会を開催した。\n(1) 研修会 2回".into(),
                line: 20,
            },
            Narrative {
                fiscal_year: fy(2022),
                kind: NarrativeKind::Forecast,
                text: "・引き続き開催する見込み。".into(),
                line: 24,
            },
            Narrative {
                fiscal_year: fy(2022),
                kind: NarrativeKind::Plan,
                text: "・計画どおり実施".into(),
                line: 26,
            },
        ],
        effects: vec![
            EffectRow {
                fiscal_year: Some(fy(2020)),
                is_total: false,
                text: "削減額 38,353千円（実績）".into(),
                quantities: vec![quantity(
                    "削減額",
                    "38353",
                    Unit::ThousandYen,
                    Some(Status::Actual),
                )],
                line: 30,
            },
            EffectRow {
                fiscal_year: Some(fy(2021)),
                is_total: false,
                text: "2 施設（実績） 1,205.56 ㎡（見込み）".into(),
                quantities: vec![
                    quantity("", "2", Unit::Count("施設"), Some(Status::Actual)),
                    quantity("", "1205.56", Unit::SquareMetres, Some(Status::Forecast)),
                ],
                line: 31,
            },
            EffectRow {
                fiscal_year: Some(fy(2022)),
                is_total: false,
                text: "32.3%（目標） 80点（計画）".into(),
                quantities: vec![
                    quantity("達成率", "32.3", Unit::Percent, Some(Status::Target)),
                    quantity("満足度", "80.0", Unit::Points, Some(Status::Plan)),
                ],
                line: 32,
            },
            EffectRow {
                fiscal_year: None,
                is_total: true,
                text: "68,307,000円 ▲1,200千円".into(),
                quantities: vec![
                    quantity("削減額（増収額）", "68307000", Unit::Yen, None),
                    quantity("", "-1200", Unit::ThousandYen, None),
                ],
                line: 33,
            },
        ],
        evaluation: Some(Evaluation {
            fiscal_year: fy(2021),
            text: "おおむね順調に進んでいる。\n課題も残る。".into(),
            line: 35,
        }),
        reposts: vec![],
        line: 10,
    };

    let item3 = Item {
        no: ItemNo(3),
        title: "職員研修の充実".into(),
        reporting_department: None,
        departments: vec!["人事課".into()],
        contents: vec![ContentRow {
            text: "研修体系の見直し".into(),
            schedule: vec![
                cell(2020, "①", &[1], Some(Phase::Other("準備".into()))),
                // An `Other` phase that spells a named one must still read back as `Other`.
                cell(2021, "① (検討)", &[1], Some(Phase::Other("検討".into()))),
                cell(2022, "—", &[], None),
            ],
            line: 52,
        }],
        goal: None,
        actions: vec![Action {
            no: 1,
            text: "研修計画の策定".into(),
        }],
        narratives: vec![],
        effects: vec![EffectRow {
            fiscal_year: Some(fy(2021)),
            is_total: false,
            text: "—".into(),
            quantities: vec![],
            line: 60,
        }],
        evaluation: None,
        reposts: vec![],
        line: 50,
    };

    let item19 = Item {
        no: ItemNo(19),
        title: "公共施設の適正配置".into(),
        reporting_department: Some("財政課".into()),
        departments: vec!["財政課".into(), "関係各課".into()],
        contents: vec![],
        goal: Some(String::new()),
        actions: vec![],
        narratives: vec![Narrative {
            fiscal_year: fy(2021),
            kind: NarrativeKind::Actual,
            text: String::new(),
            line: 80,
        }],
        effects: vec![EffectRow {
            fiscal_year: Some(fy(2021)),
            is_total: false,
            text: "売却 3件 売却額 20,000,000円（見込み） 186百万円 1億円 4万円 0.001t 12km".into(),
            quantities: vec![
                quantity("売却", "3", Unit::Count("件"), None),
                quantity("売却額", "20000000", Unit::Yen, Some(Status::Forecast)),
                quantity("", "186", Unit::MillionYen, None),
                quantity("", "1", Unit::HundredMillionYen, None),
                quantity("", "4", Unit::TenThousandYen, None),
                quantity("", "0.001", Unit::Count("トン"), None),
                quantity("", "12", Unit::Count("km"), None),
            ],
            line: 90,
        }],
        evaluation: Some(Evaluation {
            fiscal_year: fy(2021),
            text: "売却を進めた。".into(),
            line: 95,
        }),
        reposts: vec![Repost { item_no: ItemNo(3) }, Repost { item_no: ItemNo(1) }],
        line: 70,
    };

    Report {
        title: "第5次集中改革プラン取組実績一覧(令和3年度実績)".into(),
        plan_name: "第5次集中改革プラン".into(),
        municipality: Some(Municipality {
            code: LocalGovernmentCode::parse("999997").expect("a valid code"),
            name: "楓町".into(),
        }),
        report_fiscal_year: Some(fy(2021)),
        fiscal_years: vec![fy(2020), fy(2021), fy(2022)],
        summary: vec![
            SummaryRow {
                no: ItemNo(1),
                title: "多様な話し合いの場と環境づくり".into(),
                reporting_department: "まちづくり推進課".into(),
                line: 3,
            },
            SummaryRow {
                no: ItemNo(3),
                title: "職員研修の充実".into(),
                reporting_department: String::new(),
                line: 4,
            },
            SummaryRow {
                no: ItemNo(19),
                title: "公共施設の適正配置".into(),
                reporting_department: "財政課".into(),
                line: 5,
            },
        ],
        items: vec![item1, item3, item19],
        warnings: vec![
            Warning {
                line: 7,
                message: "解釈できない行です: <ul><li>…</li></ul>".into(),
            },
            Warning {
                line: 99,
                message: "総計が各年度の合計と一致しません".into(),
            },
        ],
    }
}

/// The rich report, but for another fiscal year and with other content.
fn rich_report_for(year: i32) -> Report {
    let mut report = rich_report();
    report.report_fiscal_year = Some(fy(year));
    report.title = format!("第5次集中改革プラン取組実績一覧({year}年度実績)");
    report
}

// ---------------------------------------------------------------------------------------------
// Round trips

#[tokio::test]
async fn rich_report_round_trips_exactly() {
    let db = temp_store().await;
    let original = rich_report();

    let saved = db
        .store
        .save_report(&original, &source("osaki_r3.txt"))
        .await
        .expect("save");
    let Saved::Inserted { report_id } = saved else {
        panic!("a first save inserts, got {saved:?}");
    };

    let loaded = db.store.load_report(report_id).await.expect("load");
    assert_eq!(loaded, original);

    // Decimals come back with their scale, not only numerically equal.
    let scales = |r: &Report| -> Vec<(String, u32)> {
        r.items
            .iter()
            .flat_map(|i| &i.effects)
            .flat_map(|e| &e.quantities)
            .map(|q| (q.value.to_string(), q.value.scale()))
            .collect()
    };
    assert_eq!(scales(&loaded), scales(&original));
    assert!(scales(&loaded).contains(&("80.0".to_owned(), 1)));
    assert!(scales(&loaded).contains(&("1205.56".to_owned(), 2)));

    assert_eq!(
        db.store
            .load_listed(Listing::All)
            .await
            .expect("load all")
            .into_iter()
            .map(|(_, report)| report)
            .collect::<Vec<_>>(),
        vec![original]
    );

    let list = db.store.list_reports().await.expect("list");
    assert_eq!(list.len(), 1);
    let stored = &list[0];
    assert_eq!(stored.id, report_id);
    assert_eq!(stored.plan_name, "第5次集中改革プラン");
    assert_eq!(stored.report_fiscal_year, Some(fy(2021)));
    assert_eq!(
        stored.title,
        "第5次集中改革プラン取組実績一覧(令和3年度実績)"
    );
    assert_eq!(stored.items, 3);
    assert_eq!(stored.warnings, 2);
    assert_eq!(stored.source, "osaki_r3.txt");
    // Stored to the second (fixed-width RFC 3339 text), as written a moment ago.
    assert_eq!(stored.imported_at.timestamp_subsec_nanos(), 0);
    let age =
        chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()) - stored.imported_at;
    assert!(
        age >= chrono::Duration::zero() && age < chrono::Duration::minutes(5),
        "imported_at is the time of the import: {}",
        stored.imported_at
    );

    // Normalised: one row per model element.
    let counts = row_counts(&db.raw).await;
    assert_eq!(counts["items"], 3);
    assert_eq!(counts["schedule_cells"], 9);
    assert_eq!(counts["quantities"], 14);
    assert_eq!(counts["effect_rows"], 6);
    assert_eq!(counts["evaluations"], 2);
    assert_eq!(counts["reposts"], 2);
}

/// A report large enough that most tables need several INSERT statements (each holds at most
/// 32,766 placeholders: 3,600 items, 10,800 schedule cells, 16,800 quantities) comes back
/// exactly, every child under its own parent.
#[tokio::test]
async fn a_report_larger_than_one_statement_per_table_round_trips() {
    let db = temp_store().await;
    let mut original = rich_report();
    let items = std::mem::take(&mut original.items);
    for copy in 0..1200 {
        for item in &items {
            let mut item = item.clone();
            item.no = ItemNo(copy * 100 + item.no.0);
            item.title = format!("{} {copy}", item.title);
            if let Some(row) = item.effects.first_mut() {
                row.text = format!("{} {copy}", row.text);
            }
            if let Some(row) = item.contents.first_mut() {
                row.text = format!("{} {copy}", row.text);
            }
            original.items.push(item);
        }
    }
    let saved = db
        .store
        .save_report(&original, &source("large.txt"))
        .await
        .expect("save");
    let Saved::Inserted { report_id } = saved else {
        panic!("a first save inserts, got {saved:?}");
    };
    let loaded = db.store.load_report(report_id).await.expect("load");
    assert!(loaded == original, "the large report came back changed");
    let counts = row_counts(&db.raw).await;
    assert_eq!(counts["items"], 3600);
    assert_eq!(counts["schedule_cells"], 10_800);
    assert_eq!(counts["quantities"], 16_800);
    assert!(counts["search_index"] >= 3600);
}

#[tokio::test]
async fn in_memory_store_round_trips() {
    let store = SqliteStore::open_in_memory().await.expect("open");
    let original = rich_report();
    let id = store
        .save_report(&original, &source("memory.txt"))
        .await
        .expect("save")
        .report_id();
    assert_eq!(store.load_report(id).await.expect("load"), original);

    // Each in-memory store is its own database.
    let other = SqliteStore::open_in_memory().await.expect("open");
    assert!(other.list_reports().await.expect("list").is_empty());
}

#[tokio::test]
async fn minimal_report_round_trips() {
    let db = temp_store().await;
    let store = &db.store;
    let original = Report {
        title: String::new(),
        plan_name: "行政改革実施計画".into(),
        report_fiscal_year: Some(fy(2016)),
        items: vec![Item::default()],
        ..Report::default()
    };
    let id = store
        .save_report(&original, &source("empty.txt"))
        .await
        .expect("save")
        .report_id();
    assert_eq!(store.load_report(id).await.expect("load"), original);
}

#[tokio::test]
async fn data_survives_reopening_the_database() {
    let db = TestDb::new().await;
    let original = rich_report();
    let id = {
        let store = Database::connect(db.target()).await.expect("open");
        let id = store
            .save_report(&original, &source("a.txt"))
            .await
            .expect("save")
            .report_id();
        store.close().await;
        id
    };
    // Opening again runs the (already applied) migrations again without harm.
    let store = Database::connect(db.target()).await.expect("reopen");
    assert_eq!(store.load_report(id).await.expect("load"), original);
    assert_eq!(store.list_reports().await.expect("list").len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Replacement per plan and fiscal year

#[tokio::test]
async fn reimport_of_the_same_plan_and_year_replaces_it() {
    let db = temp_store().await;
    let first = rich_report();
    let first_id = db
        .store
        .save_report(&first, &source("first.txt"))
        .await
        .expect("save first")
        .report_id();

    // The corrected document: a new title, one item fewer, a changed quantity.
    let mut second = rich_report();
    second.title = "第5次集中改革プラン取組実績一覧(令和3年度実績)【訂正版】".into();
    second.items.remove(1);
    second.items[0].effects[0].quantities[0].value = dec("40000");
    second.warnings.clear();

    let saved = db
        .store
        .save_report(&second, &source("second.txt"))
        .await
        .expect("save second");
    let Saved::Replaced { report_id } = saved else {
        panic!("a second save of the same plan and year replaces, got {saved:?}");
    };

    let list = db.store.list_reports().await.expect("list");
    assert_eq!(list.len(), 1, "one copy per plan and year: {list:?}");
    assert_eq!(list[0].id, report_id);
    assert_eq!(list[0].source, "second.txt");
    assert_eq!(list[0].items, 2);
    assert_eq!(list[0].warnings, 0);
    assert_eq!(db.store.load_report(report_id).await.expect("load"), second);
    assert_ne!(first_id, report_id, "ids are never reused");
    assert!(matches!(
        db.store.load_report(first_id).await,
        Err(StoreError::NotFound { id }) if id == first_id
    ));

    // Nothing of the first version is left behind: the tables hold exactly what a database
    // with only the second version holds.
    let only_second = temp_store().await;
    only_second
        .store
        .save_report(&second, &source("second.txt"))
        .await
        .expect("save");
    assert_eq!(
        row_counts(&db.raw).await,
        row_counts(&only_second.raw).await
    );

    // Another fiscal year of the same plan is a second report.
    let next_year = rich_report_for(2022);
    let saved = db
        .store
        .save_report(&next_year, &source("r4.txt"))
        .await
        .expect("save next year");
    assert!(matches!(saved, Saved::Inserted { .. }), "{saved:?}");
    let list = db.store.list_reports().await.expect("list");
    let years: Vec<_> = list.iter().map(|r| r.report_fiscal_year).collect();
    assert_eq!(years, vec![Some(fy(2021)), Some(fy(2022))]);
    assert_eq!(
        db.store
            .load_listed(Listing::All)
            .await
            .expect("load all")
            .into_iter()
            .map(|(_, report)| report)
            .collect::<Vec<_>>(),
        vec![second, next_year]
    );
    assert_eq!(row_counts(&db.raw).await["plans"], 1);
}

#[tokio::test]
async fn reports_are_listed_by_plan_name_then_year() {
    let db = temp_store().await;
    let store = &db.store;
    let mut b_2021 = rich_report_for(2021);
    b_2021.plan_name = "第6次集中改革プラン".into();
    let a_2022 = rich_report_for(2022);
    let a_2021 = rich_report_for(2021);
    let a_2019 = rich_report_for(2019);
    for report in [&b_2021, &a_2022, &a_2021, &a_2019] {
        store
            .save_report(report, &source("x.txt"))
            .await
            .expect("save");
    }

    let list = store.list_reports().await.expect("list");
    let keys: Vec<_> = list
        .iter()
        .map(|r| {
            (
                r.plan_name.as_str(),
                r.report_fiscal_year.map(FiscalYear::gregorian),
            )
        })
        .collect();
    assert_eq!(
        keys,
        vec![
            ("第5次集中改革プラン", Some(2019)),
            ("第5次集中改革プラン", Some(2021)),
            ("第5次集中改革プラン", Some(2022)),
            ("第6次集中改革プラン", Some(2021)),
        ]
    );
    assert_eq!(
        store
            .load_listed(Listing::All)
            .await
            .expect("load all")
            .into_iter()
            .map(|(_, report)| report)
            .collect::<Vec<_>>(),
        vec![a_2019, a_2021, a_2022, b_2021]
    );
    // Each listed id loads the report the listing describes.
    for stored in &list {
        let report = store.load_report(stored.id).await.expect("load");
        assert_eq!(report.plan_name, stored.plan_name);
        assert_eq!(report.report_fiscal_year, stored.report_fiscal_year);
        assert_eq!(report.title, stored.title);
    }
}

// ---------------------------------------------------------------------------------------------
// Failures change nothing

#[tokio::test]
async fn failed_import_leaves_the_database_unchanged() {
    let db = temp_store().await;
    let good = rich_report();
    let good_id = db
        .store
        .save_report(&good, &source("good.txt"))
        .await
        .expect("save good");
    let list_before = db.store.list_reports().await.expect("list");
    let counts_before = row_counts(&db.raw).await;

    // Same plan and year, so the save first deletes the stored version; the duplicate item
    // number then fails on UNIQUE(report, item no), late in the transaction.
    let mut bad = rich_report();
    bad.title = "壊れた版".into();
    let mut twin = bad.items[2].clone();
    twin.title = "同じ番号の別項目".into();
    bad.items.push(twin);

    // Refused: a duplicate item number must fail.
    let err = assert_refused(db.store.save_report(&bad, &source("bad.txt")).await, |e| {
        matches!(e, StoreError::DuplicateItem { no: ItemNo(19) })
    });
    assert!(
        err.to_string().contains("No.19が報告の中に二つあります"),
        "{err}"
    );

    assert_eq!(db.store.list_reports().await.expect("list"), list_before);
    assert_eq!(
        db.store
            .load_report(good_id.report_id())
            .await
            .expect("the stored version is still there"),
        good
    );
    assert_eq!(row_counts(&db.raw).await, counts_before, "no orphan rows");

    // The store still works after the failure.
    let saved = db
        .store
        .save_report(&good, &source("again.txt"))
        .await
        .expect("save again");
    assert!(matches!(saved, Saved::Replaced { .. }));
}

#[tokio::test]
async fn duplicate_item_in_a_new_report_stores_nothing() {
    let db = temp_store().await;
    let mut bad = rich_report();
    bad.items.push(bad.items[0].clone());
    // Refused: duplicate item number.
    assert_refused(db.store.save_report(&bad, &source("bad.txt")).await, |e| {
        matches!(e, StoreError::DuplicateItem { no: ItemNo(1) })
    });
    assert!(row_counts(&db.raw).await.values().all(|n| *n == 0));
}

#[tokio::test]
async fn reports_without_plan_or_year_are_refused() {
    let db = temp_store().await;

    let mut no_year = rich_report();
    no_year.report_fiscal_year = None;
    // Refused: no fiscal year.
    let err = assert_refused(
        db.store.save_report(&no_year, &source("x.txt")).await,
        |e| matches!(e, StoreError::MissingFiscalYear { .. }),
    );
    assert!(err.to_string().contains("第5次集中改革プラン"), "{err}");

    let mut no_plan = rich_report();
    no_plan.plan_name = " \u{3000}".into();
    // Refused: no plan name.
    assert_refused(
        db.store.save_report(&no_plan, &source("x.txt")).await,
        |e| matches!(e, StoreError::MissingPlanName { .. }),
    );

    assert!(row_counts(&db.raw).await.values().all(|n| *n == 0));
}

#[tokio::test]
async fn units_that_cannot_be_read_back_are_refused() {
    let db = temp_store().await;
    let mut report = rich_report();
    report.items[2].effects[0]
        .quantities
        .push(quantity("", "1", Unit::Count("ダース"), None));
    // Refused: unknown unit.
    assert_refused(
        db.store.save_report(&report, &source("x.txt")).await,
        |e| matches!(e, StoreError::UnstorableUnit { item: ItemNo(19), symbol } if symbol == "ダース"),
    );
    assert!(row_counts(&db.raw).await.values().all(|n| *n == 0));
}

#[tokio::test]
async fn unknown_report_id_is_not_found() {
    let db = temp_store().await;
    let store = &db.store;
    // Refused: nothing stored.
    assert_refused(store.load_report(42).await, |e| {
        matches!(e, StoreError::NotFound { id: 42 })
    });
    assert!(
        store
            .load_listed(Listing::All)
            .await
            .expect("load all")
            .into_iter()
            .map(|(_, report)| report)
            .collect::<Vec<_>>()
            .is_empty()
    );
}

#[tokio::test]
async fn open_names_the_file_it_cannot_open() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("missing-folder").join("kaikaku.db");
    // Refused: parent folder missing.
    let err = assert_refused(SqliteStore::open(&path).await, |e| {
        matches!(e, StoreError::Open { .. })
    });
    assert!(err.to_string().contains("kaikaku.db"), "{err}");
}

#[tokio::test]
async fn connect_names_the_server_it_cannot_reach_without_its_password() {
    // Port 1 on the loopback address: nothing listens there.
    // Refused: no server.
    let err = assert_refused(
        Database::connect("postgres://kaikaku:secret@127.0.0.1:1/kaikaku").await,
        |e| matches!(e, StoreError::Open { .. }),
    );
    let message = err.to_string();
    assert!(message.contains("127.0.0.1:1/kaikaku"), "{message}");
    assert!(!message.contains("secret"), "{message}");
}

// ---------------------------------------------------------------------------------------------
// Concurrency

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_saves_to_one_file_all_succeed() {
    let db = temp_store().await;
    let store = db.store.clone();
    let mut tasks = Vec::new();
    for year in 2015..2023 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let report = rich_report_for(year);
            // Twice each: an insert and a replacement race with the other years.
            store
                .save_report(&report, &source("a.txt"))
                .await
                .expect("save");
            store
                .save_report(&report, &source("b.txt"))
                .await
                .expect("save again")
        }));
    }
    for task in tasks {
        let saved = task.await.expect("task");
        assert!(matches!(saved, Saved::Replaced { .. }), "{saved:?}");
    }
    let list = store.list_reports().await.expect("list");
    assert_eq!(list.len(), 8);
    assert!(list.iter().all(|r| r.source == "b.txt"));
    let expected: Vec<Report> = (2015..2023).map(rich_report_for).collect();
    assert_eq!(
        store
            .load_listed(Listing::All)
            .await
            .expect("load all")
            .into_iter()
            .map(|(_, report)| report)
            .collect::<Vec<_>>(),
        expected
    );
}

// ---------------------------------------------------------------------------------------------
// The real sample

#[tokio::test]
async fn real_sample_round_trips_with_22_items() {
    kaikaku_fixtures::skip_without_real_sample!();
    let bytes = kaikaku_fixtures::real_sample();
    let report = kaikaku_reader::read(&bytes, &Default::default())
        .expect("the reader reads the real sample");
    let db = temp_store().await;
    let id = db
        .store
        .save_report(
            &report,
            &Source {
                name: kaikaku_fixtures::REAL_SAMPLE.to_owned(),
                encoding: "UTF-8".to_owned(),
            },
        )
        .await
        .expect("save the real sample")
        .report_id();

    let loaded = db.store.load_report(id).await.expect("load");
    assert_eq!(loaded, report);
    assert_eq!(loaded.items.len(), 22);
    let list = db.store.list_reports().await.expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].items, 22);
    assert_eq!(row_counts(&db.raw).await["items"], 22);
}

#[tokio::test]
async fn ping_answers_when_the_database_does() {
    let db = temp_store().await;
    let store = &db.store;
    store.ping().await.expect("an open database answers");
}
