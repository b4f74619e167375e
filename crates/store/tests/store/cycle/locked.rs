//! Locking: refused until every sheet is 確定; a locked edition has its 基準日, refuses every
//! sheet write but still takes comments, and unlocking reopens it without the 基準日.

use kaikaku_model::ItemNo;
use kaikaku_model::workflow::{EditionState, Field, SheetState};
use kaikaku_store::{Cycle, StoreError};

use super::{BASE_DATE, Fixture, date, snapshot};
use crate::assert_refused;

#[tokio::test]
async fn lock_is_refused_while_sheets_are_not_confirmed_and_changes_nothing() {
    let f = Fixture::open().await;
    let store = &f.db.store;
    let id = f.report_id;
    store
        .transition(id, ItemNo(3), 1, SheetState::InProgress, f.admin, &[])
        .await
        .expect("start No.3");
    let before = snapshot(&f, 3).await;
    // Refused: nothing confirmed.
    let err = assert_refused(
        store.lock_edition(id, date(BASE_DATE), f.admin).await,
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
    assert_eq!(snapshot(&f, 3).await, before);
}

#[tokio::test]
async fn locking_a_confirmed_edition_sets_its_base_date() {
    let f = Fixture::all_confirmed().await;
    let store = &f.db.store;
    store
        .lock_edition(f.report_id, date(BASE_DATE), f.admin)
        .await
        .expect("lock");
    let edition = store.edition(f.report_id).await.expect("edition");
    assert_eq!(edition.status, EditionState::Locked);
    assert_eq!(edition.base_date, Some(date("2023-03-31")));
    assert!(edition.locked_at.is_some());
}

#[tokio::test]
async fn a_locked_edition_refuses_sheet_writes_but_takes_comments() {
    let f = Fixture::locked().await;
    let store = &f.db.store;
    let id = f.report_id;
    let sheet = store.sheet(id, ItemNo(1)).await.expect("No.1");
    let locked = snapshot(&f, 1).await;
    let mut later = sheet.item.clone();
    later.goal = Some("ロック後の変更".into());
    // Refused: locked, whether the save changes the content or not.
    for item in [&sheet.item, &later] {
        assert_refused(
            store
                .save_sheet(
                    id,
                    ItemNo(1),
                    sheet.version,
                    item,
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
    }
    assert_eq!(snapshot(&f, 1).await, locked);

    // Reviewers may still comment.
    store
        .add_comment(id, ItemNo(1), Field::Goal, f.admin, "委員会で確認済み")
        .await
        .expect("comment on a locked edition");
    assert_eq!(
        store.comments(id, ItemNo(1)).await.expect("comments").len(),
        1
    );
}

#[tokio::test]
async fn unlocking_reopens_the_edition_without_its_base_date() {
    let f = Fixture::locked().await;
    let store = &f.db.store;
    let id = f.report_id;
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
}
