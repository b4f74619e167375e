//! Publishing: a locked edition becomes public (listed beside the imported years, readable as
//! a report), and a published edition refuses every change; its history lists every move.

use kaikaku_model::ItemNo;
use kaikaku_model::workflow::{EditionState, Field, SheetState};
use kaikaku_store::{Cycle, Origin, Store, StoreError};

use super::{BASE_DATE, Fixture, date, publish, snapshot};
use crate::{assert_refused, fy};

#[tokio::test]
async fn publishing_makes_the_edition_public() {
    let f = Fixture::locked().await;
    let store = &f.db.store;
    let id = f.report_id;
    store.publish_edition(id, f.admin).await.expect("publish");

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
}

#[tokio::test]
async fn a_published_edition_refuses_every_change() {
    let f = Fixture::published().await;
    let store = &f.db.store;
    let id = f.report_id;
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
    // Refused: published, for a move, a comment and a waiver alike.
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
        assert_refused(result, |e| matches!(e, StoreError::EditionClosed { .. }));
    }
    // Refused: no way out of 公開 but a correction.
    for result in [
        store.lock_edition(id, date(BASE_DATE), f.admin).await,
        store.unlock_edition(id, f.admin).await,
        store.publish_edition(id, f.admin).await,
    ] {
        assert_refused(result, |e| {
            matches!(
                e,
                StoreError::EditionTransition {
                    state: EditionState::Published,
                    ..
                }
            )
        });
    }
    assert_eq!(snapshot(&f, 1).await, before);
}

#[tokio::test]
async fn the_history_of_an_edition_lists_its_own_moves() {
    let f = Fixture::locked().await;
    let store = &f.db.store;
    let id = f.report_id;
    store.unlock_edition(id, f.admin).await.expect("unlock");
    store
        .lock_edition(id, date(BASE_DATE), f.admin)
        .await
        .expect("lock again");
    store.publish_edition(id, f.admin).await.expect("publish");
    // A correction, published: its moves are its own revision's, not in revision 1's history.
    let correction = store
        .open_correction(id, "No.3の総評の誤記を訂正", f.admin)
        .await
        .expect("open a correction");
    publish(store, correction, BASE_DATE, f.admin).await;

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
