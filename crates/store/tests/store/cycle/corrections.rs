//! Corrections of a published edition: the next revision, open with every sheet 入力中 and a
//! copy of the published content; one at a time; the public reads the corrected revision until
//! the correction is published, then the correction, with the list of what it changed.

use kaikaku_model::workflow::{EditionState, Field, FieldChange, SheetState};
use kaikaku_model::{Evaluation, ItemNo};
use kaikaku_store::{Cycle, Origin, Store, StoreError};

use super::{BASE_DATE, Fixture, publish};
use crate::{assert_refused, fy};

/// The note of every correction here.
const NOTE: &str = "No.3の総評の誤記を訂正";

/// Opens a correction of the published FY2022 (revision 1): its id.
async fn open_correction(f: &Fixture) -> i64 {
    f.db.store
        .open_correction(f.report_id, NOTE, f.admin)
        .await
        .expect("open a correction")
}

#[tokio::test]
async fn a_correction_is_the_next_revision_open_with_every_sheet_in_progress() {
    let f = Fixture::published().await;
    let store = &f.db.store;
    let published = store.load_report(f.report_id).await.expect("revision 1");
    let corr = open_correction(&f).await;

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
}

#[tokio::test]
async fn a_second_correction_is_refused_while_one_is_open() {
    let f = Fixture::published().await;
    open_correction(&f).await;
    // Refused: a correction is open.
    assert_refused(
        f.db.store
            .open_correction(f.report_id, "二つ目", f.admin)
            .await,
        |e| matches!(e, StoreError::RevisionExists { revision: 2, .. }),
    );
}

#[tokio::test]
async fn the_public_reads_revision_1_while_the_correction_is_open() {
    let f = Fixture::published().await;
    open_correction(&f).await;
    assert_eq!(
        f.db.store.list_reports().await.expect("list")[1].id,
        f.report_id
    );
}

#[tokio::test]
async fn a_published_correction_replaces_revision_1_and_lists_its_changes() {
    let f = Fixture::published().await;
    let store = &f.db.store;
    let id = f.report_id;
    let published = store.load_report(id).await.expect("revision 1");
    let corr = open_correction(&f).await;

    let no3 = store.sheet(corr, ItemNo(3)).await.expect("No.3");
    let mut fixed = no3.item.clone();
    fixed.evaluation = Some(Evaluation {
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
    publish(store, corr, BASE_DATE, f.admin).await;

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
}
