//! Opening a year: the new edition carries last year's published edition over into its sheets
//! (schedules, actions, goals; this year's narratives start empty), what cannot be carried
//! over is refused, a year in the cycle cannot be imported over, and an open edition is a
//! draft that no public read shows.

use kaikaku_model::workflow::{EditionState, Field, Role, SheetState};
use kaikaku_model::{ItemNo, Report};
use kaikaku_store::{Cycle, Listing, Origin, Store, StoreError};

use super::{Fixture, date, new_user};
use crate::{assert_refused, fy, rich_report, rich_report_for, row_counts, source, temp_store};

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
    let f = Fixture::open().await;
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

#[tokio::test]
async fn import_into_a_plan_year_in_the_cycle_is_refused() {
    let f = Fixture::open().await;
    let counts = row_counts(&f.db.raw).await;
    let editions = f.db.store.list_editions().await.expect("editions");

    // Refused: FY2022 is in the cycle.
    let err = assert_refused(
        f.db.store
            .save_report(&rich_report_for(2022), &source("r4.txt"))
            .await,
        |e| matches!(e, StoreError::EditionInCycle { year, .. } if *year == fy(2022)),
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

#[tokio::test]
async fn store_reads_show_only_published_editions() {
    let f = Fixture::open().await;
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
