//! The reporting cycle: opening a year from last year's edition, saving sheets under the
//! version guard (also concurrently), transitions with comments, the append-only audit log,
//! locking, publishing, corrections, users and sessions, and failed writes that change
//! nothing.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use kaikaku_model::workflow::{EditionState, Field, FieldChange, Role, SheetState};
use kaikaku_model::{Item, ItemNo, Narrative, NarrativeKind, Phase, Report, Unit};
use kaikaku_store::{Cycle, Database, Listing, NewUser, Origin, Session, Store, StoreError};

use super::{
    TempStore, assert_refused, cell, fy, quantity, rich_report, rich_report_for, row_counts,
    source, temp_store,
};

// ---------------------------------------------------------------------------------------------
// Helpers

pub(super) fn new_user(name: &str, role: Role, department: Option<&str>) -> NewUser {
    NewUser {
        name: name.to_owned(),
        role,
        department: department.map(str::to_owned),
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$salt${name}"),
    }
}

pub(super) fn date(text: &str) -> NaiveDate {
    text.parse().expect("an ISO date")
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("an RFC 3339 timestamp")
        .with_timezone(&Utc)
}

/// The rich report imported as FY2021, and FY2022 opened from it by an admin.
struct Fixture {
    db: TempStore,
    admin: i64,
    editor: i64,
    plan_id: i64,
    last_year: i64,
    report_id: i64,
}

async fn fixture() -> Fixture {
    let db = temp_store().await;
    let last_year = db
        .store
        .save_report(&rich_report(), &source("osaki_r3.txt"))
        .await
        .expect("import FY2021")
        .report_id();
    let admin = db
        .store
        .create_user(&new_user("seisaku", Role::Admin, Some("政策課")))
        .await
        .expect("create admin");
    let editor = db
        .store
        .create_user(&new_user(
            "machizukuri",
            Role::Editor,
            Some("まちづくり推進課"),
        ))
        .await
        .expect("create editor");
    let plan_id = db.store.list_reports().await.expect("list")[0].plan_id;
    let report_id = db
        .store
        .open_cycle(plan_id, fy(2022), Some(date("2022-05-31")), admin)
        .await
        .expect("open FY2022");
    Fixture {
        db,
        admin,
        editor,
        plan_id,
        last_year,
        report_id,
    }
}

/// Everything a failed write must leave as it was.
#[derive(Debug, PartialEq)]
struct Snapshot {
    sheet: kaikaku_store::Sheet,
    audit: Vec<kaikaku_store::AuditEntry>,
    comments: Vec<kaikaku_store::Comment>,
    edition: kaikaku_store::Edition,
    counts: std::collections::BTreeMap<&'static str, i64>,
}

async fn snapshot(f: &Fixture, no: u32) -> Snapshot {
    let store = &f.db.store;
    Snapshot {
        sheet: store.sheet(f.report_id, ItemNo(no)).await.expect("sheet"),
        audit: store.audit(f.report_id, ItemNo(no)).await.expect("audit"),
        comments: store
            .comments(f.report_id, ItemNo(no))
            .await
            .expect("comments"),
        edition: store.edition(f.report_id).await.expect("edition"),
        counts: row_counts(&f.db.raw).await,
    }
}

/// Takes every sheet of the edition to 確定 (save → submit → confirm).
pub(super) async fn confirm_all(store: &Database, report_id: i64, by: i64) {
    for summary in store.sheets(report_id).await.expect("sheets") {
        let mut version = summary.version;
        let mut state = summary.state;
        for to in [
            SheetState::InProgress,
            SheetState::Submitted,
            SheetState::Confirmed,
        ] {
            if state == SheetState::Confirmed || (state == to) {
                continue;
            }
            version = store
                .transition(report_id, summary.no, version, to, by, &[])
                .await
                .expect("move the sheet on");
            state = to;
        }
    }
}

/// No.1 of the rich report with this year's work written in: the 令和4年度 schedule cell moves
/// from 検討 to 実施 and a 実績 narrative is added.
fn edited_no1(sheet_item: &Item, text: &str) -> Item {
    let mut item = sheet_item.clone();
    item.contents[0].schedule[2] = cell(2022, "② (実施)", &[2], Some(Phase::Implementation));
    item.narratives.push(Narrative {
        fiscal_year: fy(2022),
        kind: NarrativeKind::Actual,
        text: text.to_owned(),
        line: 0,
    });
    item
}

// ---------------------------------------------------------------------------------------------
// Opening a year

#[tokio::test]
async fn open_cycle_carries_the_last_edition_over_into_its_9_sheets() {
    let db = temp_store().await;
    let report = kaikaku_reader::read(
        &kaikaku_fixtures::bundled("kaedemachi_r6.txt"),
        &Default::default(),
    )
    .expect("the reader reads the 楓町 sample");
    assert_eq!(report.report_fiscal_year, Some(fy(2024)));
    let imported = db
        .store
        .save_report(&report, &source("kaedemachi_r6.txt"))
        .await
        .expect("import FY2024")
        .report_id();
    let admin = db
        .store
        .create_user(&new_user("seisaku", Role::Admin, None))
        .await
        .expect("admin");
    let plan_id = db.store.list_reports().await.expect("list")[0].plan_id;

    let id = db
        .store
        .open_cycle(plan_id, fy(2025), Some(date("2025-05-31")), admin)
        .await
        .expect("open FY2025");

    let edition = db.store.edition(id).await.expect("edition");
    assert_eq!(edition.fiscal_year, fy(2025));
    assert_eq!(edition.revision, 1);
    assert_eq!(edition.status, EditionState::Open);
    assert_eq!(edition.origin, Origin::Cycle);
    assert_eq!(edition.items, 9);
    assert_eq!(edition.due_date, Some(date("2025-05-31")));
    assert_eq!(edition.base_date, None);
    assert_eq!(edition.published_at, None);
    assert!(edition.opened_at.is_some());
    assert_eq!(
        edition.title,
        "第3次楓町行政改革実施計画 取組実績報告書（令和7年度実績）"
    );

    let board = db.store.sheets(id).await.expect("sheets");
    assert_eq!(board.len(), 9);
    assert!(
        board
            .iter()
            .all(|s| s.state == SheetState::NotStarted && s.version == 1),
        "{board:?}"
    );
    assert!(
        board
            .iter()
            .all(|s| s.updated_by.is_none() && s.open_comments == 0)
    );

    let last = report.item(8).expect("No.8 in the sample");
    let sheet = db.store.sheet(id, ItemNo(8)).await.expect("No.8");
    assert!(!last.contents.is_empty() && !last.contents[0].schedule.is_empty());
    assert_eq!(
        sheet.item.contents, last.contents,
        "the schedule is carried over"
    );
    assert_eq!(sheet.item.actions, last.actions);
    assert_eq!(sheet.item.goal, last.goal);
    assert_eq!(sheet.item.title, last.title);
    assert!(!last.narratives.is_empty());
    assert!(
        sheet.item.narratives.is_empty(),
        "this year's narratives start empty"
    );
    assert_eq!(sheet.item.evaluation, None);
    assert_eq!(sheet.state, SheetState::NotStarted);
    assert_eq!(sheet.edition_status, EditionState::Open);
    assert!(
        sheet.copied.contains(&Field::Content(0)),
        "{:?}",
        sheet.copied
    );
    assert!(sheet.copied.contains(&Field::Actions));
    assert!(!sheet.copied.contains(&Field::Evaluation));

    // Last year's sheet is at hand for its 見込み.
    let previous = db
        .store
        .previous_item(id, ItemNo(8))
        .await
        .expect("previous")
        .expect("No.8 last year");
    assert_eq!(&previous, last);

    // The plan period and summary come along; the new edition is a draft.
    let draft = db.store.load_edition(id).await.expect("load the draft");
    assert_eq!(draft.fiscal_years, report.fiscal_years);
    assert_eq!(draft.summary.len(), report.summary.len());
    assert_refused(db.store.load_report(id).await, |e| {
        matches!(e, StoreError::NotFound { .. })
    });
    let public = db.store.list_reports().await.expect("list");
    assert_eq!(public.len(), 1);
    assert_eq!(public[0].id, imported);
    assert_eq!(db.store.list_editions().await.expect("editions").len(), 2);

    let history = db.store.edition_history(id).await.expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].user.as_deref(), Some("seisaku"));
    assert_eq!(history[0].after, "受付中");
}

#[tokio::test]
async fn open_cycle_refuses_what_it_cannot_carry_over() {
    let f = fixture().await;
    let store = &f.db.store;
    // Refused: FY2022 is open already.
    let err = assert_refused(
        store.open_cycle(f.plan_id, fy(2022), None, f.admin).await,
        |e| matches!(e, StoreError::EditionExists { .. }),
    );
    assert!(err.to_string().contains("令和4年度"), "{err}");

    // Refused: FY2021 is imported.
    assert_refused(
        store.open_cycle(f.plan_id, fy(2021), None, f.admin).await,
        |e| matches!(e, StoreError::EditionExists { .. }),
    );

    // Refused: nothing before FY2019.
    assert_refused(
        store.open_cycle(f.plan_id, fy(2019), None, f.admin).await,
        |e| matches!(e, StoreError::NoPreviousEdition { .. }),
    );

    // Refused: FY2022 is not published.
    assert_refused(
        store.open_cycle(f.plan_id, fy(2023), None, f.admin).await,
        |e| matches!(e, StoreError::PreviousNotPublished { year, .. } if *year == fy(2022)),
    );

    // Refused: no such plan.
    assert_refused(
        store
            .open_cycle(f.plan_id + 100, fy(2022), None, f.admin)
            .await,
        |e| matches!(e, StoreError::PlanNotFound { .. }),
    );

    // Refused: no such user.
    assert_refused(
        store.open_cycle(f.plan_id, fy(2024), None, 9999).await,
        |e| matches!(e, StoreError::UserNotFound { id: 9999 }),
    );
    assert_eq!(store.list_editions().await.expect("editions").len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Saving sheets

#[tokio::test]
async fn save_sheet_bumps_the_version_journals_and_clears_copied_marks() {
    let f = fixture().await;
    let store = &f.db.store;
    let sheet = store.sheet(f.report_id, ItemNo(1)).await.expect("No.1");
    assert_eq!(sheet.version, 1);
    assert_eq!(
        sheet.copied,
        [
            Field::Departments,
            Field::Content(0),
            Field::Content(1),
            Field::Goal,
            Field::Actions,
            Field::Effect(0),
            Field::Effect(1),
            Field::Effect(2),
            Field::Effect(3),
        ]
    );

    let edited = edited_no1(&sheet.item, "・協働研修を3回開催した。");
    let version = store
        .save_sheet(
            f.report_id,
            ItemNo(1),
            1,
            &edited,
            SheetState::InProgress,
            f.editor,
        )
        .await
        .expect("save");
    assert_eq!(version, 2);

    let saved = store.sheet(f.report_id, ItemNo(1)).await.expect("No.1");
    assert_eq!(saved.item, edited);
    assert_eq!(saved.version, 2);
    assert_eq!(saved.state, SheetState::InProgress);
    assert_eq!(saved.updated_by.as_deref(), Some("machizukuri"));
    assert!(saved.updated_at.is_some());
    assert!(
        !saved.copied.contains(&Field::Content(0)),
        "edited: unmarked"
    );
    assert!(
        saved.copied.contains(&Field::Content(1)),
        "not edited: marked"
    );
    assert_eq!(saved.copied.len(), sheet.copied.len() - 1);

    let audit = store.audit(f.report_id, ItemNo(1)).await.expect("audit");
    let rows: Vec<(Field, &str, &str)> = audit
        .iter()
        .map(|a| (a.field, a.before.as_str(), a.after.as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            (
                Field::Content(0),
                "市民との協働による\nまちづくりの推進\n令和2年度: ①～⑤ ／ 令和3年度: ②③ ／ 令和4年度: ② (検討)",
                "市民との協働による\nまちづくりの推進\n令和2年度: ①～⑤ ／ 令和3年度: ②③ ／ 令和4年度: ② (実施)",
            ),
            (
                Field::Narrative(0),
                "",
                "【令和4年度（実績）】\n・協働研修を3回開催した。",
            ),
            (Field::State, "未着手", "入力中"),
        ]
    );
    assert!(
        audit
            .iter()
            .all(|a| a.user.as_deref() == Some("machizukuri"))
    );

    // A second save from the version the first one started from is refused, and changes
    // nothing.
    let before = snapshot(&f, 1).await;
    let stale = edited_no1(&sheet.item, "・別の人の書きかけ。");
    // Refused: stale version.
    let err = assert_refused(
        store
            .save_sheet(
                f.report_id,
                ItemNo(1),
                1,
                &stale,
                SheetState::InProgress,
                f.admin,
            )
            .await,
        |e| matches!(e, StoreError::Conflict { current_version: 2 }),
    );
    assert!(err.to_string().contains("他の人が更新しました"), "{err}");
    assert_eq!(snapshot(&f, 1).await, before);

    // The other sheets are untouched.
    let no3 = store.sheet(f.report_id, ItemNo(3)).await.expect("No.3");
    assert_eq!(no3.version, 1);
    assert!(
        store
            .audit(f.report_id, ItemNo(3))
            .await
            .expect("audit")
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_saves_of_one_sheet_exactly_one_wins() {
    let f = fixture().await;
    let base =
        f.db.store
            .sheet(f.report_id, ItemNo(1))
            .await
            .expect("No.1");
    let mut version = base.version;
    let mut audit_rows = 0;
    for round in 0..4 {
        let items: Vec<Item> = ["甲", "乙"]
            .iter()
            .map(|who| edited_no1(&base.item, &format!("・{who}の記入（{round}回目）")))
            .collect();
        let tasks: Vec<_> = items
            .iter()
            .cloned()
            .map(|item| {
                let store = f.db.store.clone();
                let (report_id, by) = (f.report_id, f.editor);
                tokio::spawn(async move {
                    store
                        .save_sheet(
                            report_id,
                            ItemNo(1),
                            version,
                            &item,
                            SheetState::InProgress,
                            by,
                        )
                        .await
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.expect("task"));
        }

        let winners: Vec<usize> = (0..2).filter(|i| outcomes[*i].is_ok()).collect();
        assert_eq!(winners.len(), 1, "round {round}: {outcomes:?}");
        let winner = winners[0];
        let loser = 1 - winner;
        let new_version = *outcomes[winner].as_ref().expect("winner");
        assert_eq!(new_version, version + 1);
        assert!(
            matches!(outcomes[loser], Err(StoreError::Conflict { current_version }) if current_version == new_version),
            "round {round}: {:?}",
            outcomes[loser]
        );

        let sheet =
            f.db.store
                .sheet(f.report_id, ItemNo(1))
                .await
                .expect("No.1");
        assert_eq!(
            sheet.item, items[winner],
            "round {round}: the winner's content"
        );
        assert_eq!(sheet.version, new_version);

        // Only the winner's changes are journaled.
        let audit =
            f.db.store
                .audit(f.report_id, ItemNo(1))
                .await
                .expect("audit");
        let new_rows = &audit[audit_rows..];
        let winner_text = &items[winner].narratives.last().expect("narrative").text;
        let loser_text = &items[loser].narratives.last().expect("narrative").text;
        assert!(
            new_rows
                .iter()
                .any(|a| a.after.contains(winner_text.as_str())),
            "round {round}: {new_rows:?}"
        );
        assert!(
            audit.iter().all(|a| !a.after.contains(loser_text.as_str())),
            "round {round}: {audit:?}"
        );
        audit_rows = audit.len();
        version = new_version;
    }
}

#[tokio::test]
async fn transitions_carry_comments_and_are_journaled() {
    let f = fixture().await;
    let store = &f.db.store;
    let no = ItemNo(1);
    let sheet = store.sheet(f.report_id, no).await.expect("No.1");
    let edited = edited_no1(&sheet.item, "・研修を開催した。");
    let v = store
        .save_sheet(
            f.report_id,
            no,
            1,
            &edited,
            SheetState::InProgress,
            f.editor,
        )
        .await
        .expect("save");
    let v = store
        .transition(f.report_id, no, v, SheetState::Submitted, f.editor, &[])
        .await
        .expect("submit");

    let remarks = [
        (
            Field::Content(0),
            "令和4年度は試行ではありませんか。".to_owned(),
        ),
        (
            Field::Narrative(0),
            "回数と参加人数を書いてください。".to_owned(),
        ),
    ];
    let v = store
        .transition(f.report_id, no, v, SheetState::Returned, f.admin, &remarks)
        .await
        .expect("return with comments");
    assert_eq!(v, 4);

    let comments = store.comments(f.report_id, no).await.expect("comments");
    let listed: Vec<(Field, &str, &str)> = comments
        .iter()
        .map(|c| (c.field, c.author.as_str(), c.body.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            (
                Field::Content(0),
                "seisaku",
                "令和4年度は試行ではありませんか。"
            ),
            (
                Field::Narrative(0),
                "seisaku",
                "回数と参加人数を書いてください。"
            ),
        ]
    );
    assert!(comments.iter().all(|c| c.resolved_at.is_none()));
    let board = store.sheets(f.report_id).await.expect("board");
    assert_eq!(board[0].no, no);
    assert_eq!(board[0].state, SheetState::Returned);
    assert_eq!(board[0].open_comments, 2);
    assert_eq!(board[0].updated_by.as_deref(), Some("seisaku"));
    assert_eq!(
        board[0].reporting_department.as_deref(),
        Some("まちづくり推進課")
    );

    store
        .resolve_comment(comments[0].id, f.editor)
        .await
        .expect("resolve");
    store
        .resolve_comment(comments[0].id, f.admin)
        .await
        .expect("resolving again changes nothing");
    let comments = store.comments(f.report_id, no).await.expect("comments");
    assert_eq!(comments[0].resolved_by.as_deref(), Some("machizukuri"));
    assert!(comments[0].resolved_at.is_some());
    assert_eq!(
        store.sheets(f.report_id).await.expect("board")[0].open_comments,
        1
    );
    // Refused: no such comment.
    assert_refused(store.resolve_comment(9999, f.admin).await, |e| {
        matches!(e, StoreError::CommentNotFound { id: 9999 })
    });

    // A reviewer's remark without a transition.
    let reviewer = store
        .create_user(&new_user("iinkai", Role::Reviewer, None))
        .await
        .expect("reviewer");
    store
        .add_comment(
            f.report_id,
            no,
            Field::Evaluation,
            reviewer,
            "総評が空です。",
        )
        .await
        .expect("comment");

    // Fix, resubmit, confirm.
    let mut fixed = edited.clone();
    fixed.narratives[0].text = "・研修を3回開催し、延べ120人が参加した。".into();
    let v = store
        .save_sheet(f.report_id, no, v, &fixed, SheetState::InProgress, f.editor)
        .await
        .expect("fix");
    let v = store
        .transition(f.report_id, no, v, SheetState::Submitted, f.editor, &[])
        .await
        .expect("resubmit");

    // Not every move is possible: a submitted sheet cannot go back to 未着手, nor be
    // submitted twice.
    for to in [SheetState::NotStarted, SheetState::Submitted] {
        // Refused: no such move.
        assert_refused(
            store.transition(f.report_id, no, v, to, f.admin, &[]).await,
            |e| matches!(e, StoreError::InvalidTransition { from: SheetState::Submitted, to: t, .. } if *t == to),
        );
    }
    let err = store
        .transition(f.report_id, no, v, SheetState::NotStarted, f.admin, &[])
        .await
        .expect_err("no such move");
    assert_eq!(
        err.to_string(),
        "No.1: 「提出済」のシートを「未着手」にはできません"
    );

    let v = store
        .transition(f.report_id, no, v, SheetState::Confirmed, f.admin, &[])
        .await
        .expect("confirm");
    assert_eq!(v, 7);

    let states: Vec<(String, String, Option<String>)> = store
        .audit(f.report_id, no)
        .await
        .expect("audit")
        .into_iter()
        .filter(|a| a.field == Field::State)
        .map(|a| (a.before, a.after, a.user))
        .collect();
    let expected = [
        ("未着手", "入力中", "machizukuri"),
        ("入力中", "提出済", "machizukuri"),
        ("提出済", "差戻し", "seisaku"),
        ("差戻し", "入力中", "machizukuri"),
        ("入力中", "提出済", "machizukuri"),
        ("提出済", "確定", "seisaku"),
    ];
    let expected: Vec<(String, String, Option<String>)> = expected
        .iter()
        .map(|(b, a, u)| ((*b).to_owned(), (*a).to_owned(), Some((*u).to_owned())))
        .collect();
    assert_eq!(states, expected);
}

#[tokio::test]
async fn the_audit_log_cannot_be_updated_or_deleted() {
    let f = fixture().await;
    let sheet =
        f.db.store
            .sheet(f.report_id, ItemNo(1))
            .await
            .expect("No.1");
    let edited = edited_no1(&sheet.item, "・開催した。");
    f.db.store
        .save_sheet(
            f.report_id,
            ItemNo(1),
            1,
            &edited,
            SheetState::InProgress,
            f.editor,
        )
        .await
        .expect("save");
    let audit =
        f.db.store
            .audit(f.report_id, ItemNo(1))
            .await
            .expect("audit");
    assert_eq!(audit.len(), 3);

    // Another connection to the same database, as anyone with access to it could open.
    for statement in [
        "UPDATE audit_log SET after_text = '改ざん'",
        "UPDATE audit_log SET user_id = NULL WHERE id = 1",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE id = 1",
    ] {
        let err = f.db.raw.execute(statement).await.expect_err(statement);
        assert!(
            err.to_string().contains("append-only"),
            "{statement}: {err}"
        );
    }
    // A report with history cannot be deleted either (nothing cascades into the log).
    let err =
        f.db.raw
            .execute(&format!("DELETE FROM reports WHERE id = {}", f.report_id))
            .await
            .expect_err("delete the edition");
    assert!(
        err.to_string().to_lowercase().contains("foreign key"),
        "{err}"
    );

    assert_eq!(
        f.db.store
            .audit(f.report_id, ItemNo(1))
            .await
            .expect("audit"),
        audit
    );
}

// ---------------------------------------------------------------------------------------------
// Locking, publishing, corrections

#[tokio::test]
async fn lock_publish_and_correct() {
    let f = fixture().await;
    let store = &f.db.store;
    let id = f.report_id;

    // Lock is refused while sheets are not confirmed, and changes nothing.
    store
        .transition(id, ItemNo(3), 1, SheetState::InProgress, f.admin, &[])
        .await
        .expect("start No.3");
    // Refused: nothing confirmed.
    let err = assert_refused(
        store.lock_edition(id, date("2023-03-31"), f.admin).await,
        |e| {
            matches!(
                e,
                StoreError::NotAllConfirmed {
                    pending: 3,
                    total: 3
                }
            )
        },
    );
    assert!(
        err.to_string().contains("確定していないシートが3件"),
        "{err}"
    );
    let edition = store.edition(id).await.expect("edition");
    assert_eq!(edition.status, EditionState::Open);
    assert_eq!(edition.base_date, None);

    confirm_all(store, id, f.admin).await;
    store
        .lock_edition(id, date("2023-03-31"), f.admin)
        .await
        .expect("lock");
    let edition = store.edition(id).await.expect("edition");
    assert_eq!(edition.status, EditionState::Locked);
    assert_eq!(edition.base_date, Some(date("2023-03-31")));
    assert!(edition.locked_at.is_some());

    // Locked: sheets do not change, but reviewers may still comment.
    let sheet = store.sheet(id, ItemNo(1)).await.expect("No.1");
    // Refused: locked.
    assert_refused(
        store
            .save_sheet(
                id,
                ItemNo(1),
                sheet.version,
                &sheet.item,
                SheetState::Confirmed,
                f.admin,
            )
            .await,
        |e| {
            matches!(
                e,
                StoreError::EditionClosed {
                    state: EditionState::Locked,
                    ..
                }
            )
        },
    );
    store
        .add_comment(id, ItemNo(1), Field::Goal, f.admin, "委員会で確認済み")
        .await
        .expect("comment on a locked edition");

    store.unlock_edition(id, f.admin).await.expect("unlock");
    let unlocked = store.edition(id).await.expect("edition");
    assert_eq!(unlocked.status, EditionState::Open);
    assert_eq!(unlocked.base_date, None, "a 基準日 belongs to a lock");
    // Refused: open.
    assert_refused(store.publish_edition(id, f.admin).await, |e| {
        matches!(
            e,
            StoreError::EditionTransition {
                state: EditionState::Open,
                ..
            }
        )
    });
    store
        .lock_edition(id, date("2023-03-31"), f.admin)
        .await
        .expect("lock again");
    store.publish_edition(id, f.admin).await.expect("publish");

    // Published: public, and immutable.
    let edition = store.edition(id).await.expect("edition");
    assert_eq!(edition.status, EditionState::Published);
    assert!(edition.published_at.is_some());
    let public = store.list_reports().await.expect("list");
    let years: Vec<_> = public
        .iter()
        .map(|r| (r.report_fiscal_year, r.origin))
        .collect();
    assert_eq!(
        years,
        [
            (Some(fy(2021)), Origin::Import),
            (Some(fy(2022)), Origin::Cycle)
        ]
    );
    assert_eq!(public[1].base_date, Some(date("2023-03-31")));
    assert_eq!(public[1].source, "");
    let published = store.load_report(id).await.expect("public now");
    assert_eq!(published, store.load_edition(id).await.expect("same"));

    let sheet = store.sheet(id, ItemNo(1)).await.expect("No.1");
    let before = snapshot(&f, 1).await;
    let mut changed = sheet.item.clone();
    changed.title = "変えてはいけない".into();
    // Refused: published.
    let err = assert_refused(
        store
            .save_sheet(
                id,
                ItemNo(1),
                sheet.version,
                &changed,
                SheetState::Confirmed,
                f.admin,
            )
            .await,
        |e| {
            matches!(
                e,
                StoreError::EditionClosed {
                    state: EditionState::Published,
                    ..
                }
            )
        },
    );
    assert!(
        err.to_string().contains("「公開」のため変更できません"),
        "{err}"
    );
    for result in [
        store
            .transition(
                id,
                ItemNo(1),
                sheet.version,
                SheetState::InProgress,
                f.admin,
                &[],
            )
            .await,
        store
            .add_comment(id, ItemNo(1), Field::Goal, f.admin, "x")
            .await,
        store
            .waive(id, ItemNo(1), "total_mismatch:effects.3", "x", f.admin)
            .await,
    ] {
        assert!(
            matches!(result, Err(StoreError::EditionClosed { .. })),
            "{result:?}"
        );
    }
    for result in [
        store.lock_edition(id, date("2023-03-31"), f.admin).await,
        store.unlock_edition(id, f.admin).await,
        store.publish_edition(id, f.admin).await,
    ] {
        assert!(
            matches!(
                result,
                Err(StoreError::EditionTransition {
                    state: EditionState::Published,
                    ..
                })
            ),
            "{result:?}"
        );
    }
    assert_eq!(snapshot(&f, 1).await, before);

    // A correction: the next revision, open, every sheet 入力中.
    let corr = store
        .open_correction(id, "No.3の総評の誤記を訂正", f.admin)
        .await
        .expect("open a correction");
    let edition = store.edition(corr).await.expect("correction");
    assert_eq!(
        (edition.revision, edition.status, edition.origin),
        (2, EditionState::Open, Origin::Cycle)
    );
    assert_eq!(
        edition.correction_note.as_deref(),
        Some("No.3の総評の誤記を訂正")
    );
    assert_eq!(store.load_edition(corr).await.expect("copy"), published);
    assert!(
        store
            .sheets(corr)
            .await
            .expect("board")
            .iter()
            .all(|s| s.state == SheetState::InProgress && s.version == 1)
    );
    // Refused: a correction is open.
    assert_refused(store.open_correction(id, "二つ目", f.admin).await, |e| {
        matches!(e, StoreError::RevisionExists { revision: 2, .. })
    });
    // While the correction is open, the public still sees revision 1.
    assert_eq!(store.list_reports().await.expect("list")[1].id, id);

    let no3 = store.sheet(corr, ItemNo(3)).await.expect("No.3");
    let mut fixed = no3.item.clone();
    fixed.evaluation = Some(kaikaku_model::Evaluation {
        fiscal_year: fy(2022),
        text: "研修体系を見直した。".into(),
        line: 0,
    });
    store
        .save_sheet(
            corr,
            ItemNo(3),
            no3.version,
            &fixed,
            SheetState::InProgress,
            f.admin,
        )
        .await
        .expect("fix No.3");
    confirm_all(store, corr, f.admin).await;
    store
        .lock_edition(corr, date("2023-03-31"), f.admin)
        .await
        .expect("lock");
    store.publish_edition(corr, f.admin).await.expect("publish");

    let changes = store.changes_between(id, corr).await.expect("change list");
    assert_eq!(
        changes,
        [(
            ItemNo(3),
            FieldChange {
                field: Field::Evaluation,
                before: String::new(),
                after: "【令和4年度総評】\n研修体系を見直した。".into(),
            }
        )]
    );
    let public = store.list_reports().await.expect("list");
    assert_eq!(public.len(), 2, "one entry per plan and year: {public:?}");
    assert_eq!((public[1].id, public[1].revision), (corr, 2));
    assert_eq!(
        public[1].correction_note.as_deref(),
        Some("No.3の総評の誤記を訂正")
    );
    // The first revision stays readable, and every revision is in the editions list.
    assert_eq!(store.load_report(id).await.expect("revision 1"), published);
    assert_eq!(store.list_editions().await.expect("editions").len(), 3);
    let history: Vec<String> = store
        .edition_history(id)
        .await
        .expect("history")
        .into_iter()
        .map(|a| format!("{}→{}", a.before, a.after))
        .collect();
    assert_eq!(
        history,
        [
            "→受付中",
            "受付中→確定（ロック）",
            "確定（ロック）→受付中",
            "受付中→確定（ロック）",
            "確定（ロック）→公開",
        ]
    );
}

#[tokio::test]
async fn waivers_are_kept_per_sheet() {
    let f = fixture().await;
    let store = &f.db.store;
    let id = store
        .waive(
            f.report_id,
            ItemNo(1),
            "total_mismatch:effects.3:削減額",
            "原本どおり",
            f.admin,
        )
        .await
        .expect("waive");
    // Refused: already waived.
    assert_refused(
        store
            .waive(
                f.report_id,
                ItemNo(1),
                "total_mismatch:effects.3:削減額",
                "again",
                f.admin,
            )
            .await,
        |e| matches!(e, StoreError::AlreadyWaived { .. }),
    );
    let waivers = store
        .waivers(f.report_id, ItemNo(1))
        .await
        .expect("waivers");
    assert_eq!(waivers.len(), 1);
    assert_eq!(waivers[0].id, id);
    assert_eq!(waivers[0].reason, "原本どおり");
    assert_eq!(waivers[0].user, "seisaku");
    assert!(
        store
            .waivers(f.report_id, ItemNo(3))
            .await
            .expect("none")
            .is_empty()
    );
    // Refused: no No.2.
    assert_refused(store.waivers(f.report_id, ItemNo(2)).await, |e| {
        matches!(e, StoreError::SheetNotFound { no: ItemNo(2), .. })
    });
}

// ---------------------------------------------------------------------------------------------
// Failures change nothing

#[tokio::test]
async fn failed_sheet_writes_leave_everything_as_it_was() {
    let f = fixture().await;
    let store = &f.db.store;
    let no = ItemNo(1);
    let sheet = store.sheet(f.report_id, no).await.expect("No.1");
    let v = store
        .save_sheet(
            f.report_id,
            no,
            1,
            &edited_no1(&sheet.item, "・開催した。"),
            SheetState::InProgress,
            f.editor,
        )
        .await
        .expect("save");
    store
        .add_comment(
            f.report_id,
            no,
            Field::Goal,
            f.admin,
            "目標は据え置きですか。",
        )
        .await
        .expect("comment");
    let current = store.sheet(f.report_id, no).await.expect("No.1");
    let before = snapshot(&f, 1).await;
    let mut changed = current.item.clone();
    changed.goal = Some("新しい目標".into());
    changed.effects[0].text = "削減額 40,000千円（実績）".into();

    let mut other_department = changed.clone();
    other_department.reporting_department = Some("財政課".into());
    let mut renumbered = changed.clone();
    renumbered.no = ItemNo(2);
    let mut bad_unit = changed.clone();
    bad_unit.effects[0]
        .quantities
        .push(quantity("", "1", Unit::Count("ダース"), None));

    let attempts = [
        (
            "stale version",
            store
                .save_sheet(
                    f.report_id,
                    no,
                    v - 1,
                    &changed,
                    SheetState::InProgress,
                    f.admin,
                )
                .await,
        ),
        (
            "not a move",
            store
                .save_sheet(f.report_id, no, v, &changed, SheetState::Confirmed, f.admin)
                .await,
        ),
        (
            "other department",
            store
                .save_sheet(
                    f.report_id,
                    no,
                    v,
                    &other_department,
                    SheetState::InProgress,
                    f.admin,
                )
                .await,
        ),
        (
            "renumbered",
            store
                .save_sheet(
                    f.report_id,
                    no,
                    v,
                    &renumbered,
                    SheetState::InProgress,
                    f.admin,
                )
                .await,
        ),
        (
            "unit",
            store
                .save_sheet(
                    f.report_id,
                    no,
                    v,
                    &bad_unit,
                    SheetState::InProgress,
                    f.admin,
                )
                .await,
        ),
        (
            "unknown user",
            store
                .save_sheet(f.report_id, no, v, &changed, SheetState::InProgress, 9999)
                .await,
        ),
        (
            "stale transition",
            store
                .transition(
                    f.report_id,
                    no,
                    v - 1,
                    SheetState::Submitted,
                    f.editor,
                    &[(Field::Goal, "x".into())],
                )
                .await,
        ),
        (
            "no such sheet",
            store
                .save_sheet(
                    f.report_id,
                    ItemNo(2),
                    1,
                    &changed,
                    SheetState::InProgress,
                    f.admin,
                )
                .await,
        ),
    ];
    for (what, result) in &attempts {
        assert!(result.is_err(), "{what}: {result:?}");
    }
    let errors: Vec<String> = attempts
        .iter()
        .map(|(_, r)| format!("{:?}", r.as_ref().expect_err("failed")))
        .collect();
    assert!(errors[0].starts_with("Conflict"), "{errors:?}");
    assert!(errors[1].starts_with("InvalidTransition"), "{errors:?}");
    assert!(errors[2].contains("記入担当課"), "{errors:?}");
    assert!(errors[3].contains("項目番号"), "{errors:?}");
    assert!(errors[4].starts_with("UnstorableUnit"), "{errors:?}");
    assert!(errors[5].starts_with("UserNotFound"), "{errors:?}");
    assert!(errors[6].starts_with("Conflict"), "{errors:?}");
    assert!(errors[7].starts_with("SheetNotFound"), "{errors:?}");
    assert_eq!(snapshot(&f, 1).await, before);

    // A failure late in the write, after the version guard passed and the old child rows
    // were deleted: a line number that does not fit its column.
    let mut late = changed.clone();
    late.narratives[0].line = usize::MAX;
    // Refused: line out of range.
    assert_refused(
        store
            .save_sheet(f.report_id, no, v, &late, SheetState::InProgress, f.admin)
            .await,
        |e| matches!(e, StoreError::OutOfRange { .. }),
    );
    assert_eq!(snapshot(&f, 1).await, before);

    // The same content saves once nothing is wrong with it.
    store
        .save_sheet(
            f.report_id,
            no,
            v,
            &changed,
            SheetState::InProgress,
            f.admin,
        )
        .await
        .expect("save");

    // A closed edition refuses the whole write.
    confirm_all(store, f.report_id, f.admin).await;
    store
        .lock_edition(f.report_id, date("2023-03-31"), f.admin)
        .await
        .expect("lock");
    let locked = snapshot(&f, 1).await;
    let mut later = changed.clone();
    later.goal = Some("ロック後の変更".into());
    // Refused: locked.
    assert_refused(
        store
            .save_sheet(
                f.report_id,
                no,
                locked.sheet.version,
                &later,
                SheetState::Confirmed,
                f.admin,
            )
            .await,
        |e| matches!(e, StoreError::EditionClosed { .. }),
    );
    assert_eq!(snapshot(&f, 1).await, locked);
}

#[tokio::test]
async fn import_into_a_plan_year_in_the_cycle_is_refused() {
    let f = fixture().await;
    let counts = row_counts(&f.db.raw).await;
    let editions = f.db.store.list_editions().await.expect("editions");

    let err =
        f.db.store
            .save_report(&rich_report_for(2022), &source("r4.txt"))
            .await
            .expect_err("FY2022 is in the cycle");
    assert!(
        matches!(&err, StoreError::EditionInCycle { year, .. } if *year == fy(2022)),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("第5次集中改革プラン") && err.to_string().contains("令和4年度"),
        "{err}"
    );
    assert_eq!(row_counts(&f.db.raw).await, counts);
    assert_eq!(
        f.db.store.list_editions().await.expect("editions"),
        editions
    );

    // Last year, imported, can still be re-imported; the open year is untouched.
    let saved =
        f.db.store
            .save_report(&rich_report(), &source("osaki_r3_v2.txt"))
            .await
            .expect("re-import FY2021");
    assert!(matches!(saved, kaikaku_store::Saved::Replaced { .. }));
    assert_ne!(saved.report_id(), f.last_year, "ids are never reused");
    let list = f.db.store.list_reports().await.expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].source, "osaki_r3_v2.txt");
    assert_eq!(
        f.db.store.edition(f.report_id).await.expect("FY2022"),
        editions[1]
    );
}

// ---------------------------------------------------------------------------------------------
// Users and sessions

#[tokio::test]
async fn users_have_unique_names() {
    let db = temp_store().await;
    let store = &db.store;
    let id = store
        .create_user(&new_user("zaisei", Role::Editor, Some("財政課")))
        .await
        .expect("create");
    // Refused: taken.
    let err = assert_refused(
        store
            .create_user(&new_user("zaisei", Role::Admin, None))
            .await,
        |e| matches!(e, StoreError::DuplicateUser { name } if name == "zaisei"),
    );
    assert_eq!(
        err.to_string(),
        "ユーザー名「zaisei」はすでに使われています"
    );

    let user = store.user(id).await.expect("read").expect("exists");
    assert_eq!(user.name, "zaisei");
    assert_eq!(user.role, Role::Editor);
    assert_eq!(user.department.as_deref(), Some("財政課"));
    // Stored to the second, as written a moment ago.
    assert_eq!(user.created_at.timestamp_subsec_nanos(), 0);
    let age = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()) - user.created_at;
    assert!(
        age >= chrono::Duration::zero() && age < chrono::Duration::minutes(5),
        "{age}"
    );
    assert_eq!(
        store.user_by_name("zaisei").await.expect("read"),
        Some(user.clone())
    );
    assert_eq!(store.user_by_name("nobody").await.expect("read"), None);
    assert_eq!(store.user(id + 1).await.expect("read"), None);
    assert!(
        !format!("{user:?}").contains("argon2"),
        "the hash stays out of logs"
    );

    store
        .create_user(&new_user("admin", Role::Admin, None))
        .await
        .expect("create");
    let names: Vec<String> = store
        .list_users()
        .await
        .expect("list")
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(names, ["admin", "zaisei"]);

    store
        .set_password_hash(id, "$argon2id$new")
        .await
        .expect("change password");
    assert_eq!(
        store
            .user(id)
            .await
            .expect("read")
            .expect("exists")
            .password_hash,
        "$argon2id$new"
    );
    // Refused: no such user.
    assert_refused(store.set_password_hash(id + 100, "x").await, |e| {
        matches!(e, StoreError::UserNotFound { .. })
    });
}

#[tokio::test]
async fn sessions_expire() {
    let db = temp_store().await;
    let store = &db.store;
    let id = store
        .create_user(&new_user("seisaku", Role::Admin, None))
        .await
        .expect("user");
    let now = at("2026-11-29T09:00:00Z");
    let session = Session {
        token_hash: "hash-of-token".into(),
        user_id: id,
        csrf_token: "q8ZfT2xw".into(),
        expires_at: now + Duration::hours(8),
    };
    store.create_session(&session).await.expect("create");
    store
        .create_session(&Session {
            token_hash: "old".into(),
            expires_at: now - Duration::minutes(1),
            ..session.clone()
        })
        .await
        .expect("create an expired one");

    let (found, user) = store
        .session("hash-of-token", now)
        .await
        .expect("read")
        .expect("live");
    assert_eq!(found, session);
    assert_eq!(user.name, "seisaku");
    let logged = format!("{found:?}");
    assert!(
        !logged.contains("q8ZfT2xw") && !logged.contains("hash-of-token"),
        "tokens stay out of logs: {logged}"
    );
    assert_eq!(store.session("unknown", now).await.expect("read"), None);
    assert_eq!(store.session("old", now).await.expect("read"), None);
    assert_eq!(
        store
            .session("hash-of-token", now + Duration::hours(8))
            .await
            .expect("read"),
        None,
        "expired at its expiry time"
    );

    assert_eq!(store.delete_expired_sessions(now).await.expect("purge"), 1);
    assert!(
        store
            .session("hash-of-token", now)
            .await
            .expect("read")
            .is_some()
    );
    store
        .delete_session("hash-of-token")
        .await
        .expect("log out");
    store
        .delete_session("hash-of-token")
        .await
        .expect("twice is fine");
    assert_eq!(
        store.session("hash-of-token", now).await.expect("read"),
        None
    );

    store.create_session(&session).await.expect("log in again");
    assert_eq!(
        store.delete_user_sessions(id).await.expect("all of them"),
        1
    );

    // Refused: no such user.
    assert_refused(
        store
            .create_session(&Session {
                user_id: id + 1,
                ..session
            })
            .await,
        |e| matches!(e, StoreError::UserNotFound { .. }),
    );
}

#[tokio::test]
async fn store_reads_show_only_published_editions() {
    let f = fixture().await;
    // The draft is not public through any `Store` method.
    let public: Vec<Report> =
        f.db.store
            .load_listed(Listing::All)
            .await
            .expect("load all")
            .into_iter()
            .map(|(_, report)| report)
            .collect::<Vec<_>>();
    assert_eq!(public, vec![rich_report()]);
    assert_refused(
        f.db.store.load_report(f.report_id).await,
        |e| matches!(e, StoreError::NotFound { id } if *id == f.report_id),
    );
    let listed = f.db.store.list_reports().await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, f.last_year);
    assert_eq!(listed[0].revision, 1);
    assert_eq!(listed[0].origin, Origin::Import);
    assert_eq!(listed[0].published_at, Some(listed[0].imported_at));
}
