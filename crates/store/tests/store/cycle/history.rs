//! A history read a page at a time: newest first, with the number of entries in all, texts
//! cut to their first characters beside their whole lengths, and one entry read whole by its
//! id (only through its own sheet).

use kaikaku_model::ItemNo;
use kaikaku_model::workflow::{Field, SheetState};
use kaikaku_store::{Cycle, HistoryOrder, StoreError};

use super::Fixture;
use crate::assert_refused;

/// Saves No.1 `times` times, each with a goal of `length` characters ending in the save's
/// number, and returns the sheet's version.
async fn save_goals(f: &Fixture, times: usize, length: usize) -> i64 {
    let store = &f.db.store;
    let mut version = store
        .sheet(f.report_id, ItemNo(1))
        .await
        .expect("No.1")
        .version;
    for n in 0..times {
        let mut item = store
            .sheet(f.report_id, ItemNo(1))
            .await
            .expect("No.1")
            .item;
        let tail = format!("{n:03}");
        item.goal = Some(format!("{}{tail}", "目".repeat(length - tail.len())));
        version = store
            .save_sheet(
                f.report_id,
                ItemNo(1),
                version,
                &item,
                SheetState::InProgress,
                f.editor,
            )
            .await
            .expect("saves");
    }
    version
}

#[tokio::test]
async fn a_page_of_history_is_newest_first_with_the_total_and_cut_texts() {
    let f = Fixture::open().await;
    let store = &f.db.store;
    save_goals(&f, 5, 1_000).await;
    // The first save also journals the state (未着手 → 入力中): 6 entries.
    let all = store.audit(f.report_id, ItemNo(1)).await.expect("audit");
    assert_eq!(all.len(), 6);

    let first = store
        .audit_page(
            f.report_id,
            Some(ItemNo(1)),
            HistoryOrder::NewestFirst,
            0,
            2,
            10,
        )
        .await
        .expect("page 1");
    assert_eq!(first.total, 6);
    let ids: Vec<i64> = first.entries.iter().map(|e| e.entry.id).collect();
    assert_eq!(ids, [all[5].id, all[4].id]);
    let newest = &first.entries[0];
    assert_eq!(newest.entry.field, Field::Goal);
    assert_eq!(newest.entry.after, "目".repeat(10));
    assert_eq!(newest.entry.before, "目".repeat(10));
    assert_eq!((newest.before_chars, newest.after_chars), (1_000, 1_000));
    assert!(!newest.is_whole());
    assert_eq!(newest.entry.at, all[5].at);
    assert_eq!(newest.entry.user.as_deref(), Some("machizukuri"));

    let last = store
        .audit_page(
            f.report_id,
            Some(ItemNo(1)),
            HistoryOrder::NewestFirst,
            4,
            2,
            10,
        )
        .await
        .expect("page 3");
    let fields: Vec<Field> = last.entries.iter().map(|e| e.entry.field).collect();
    assert_eq!(fields.len(), 2);
    assert_eq!(last.entries[1].entry.id, all[0].id);
    // A short text comes whole.
    let state = last
        .entries
        .iter()
        .find(|e| e.entry.field == Field::State)
        .expect("the state change");
    assert_eq!(state.entry.after, "入力中");
    assert!(state.is_whole());

    let oldest = store
        .audit_page(
            f.report_id,
            Some(ItemNo(1)),
            HistoryOrder::OldestFirst,
            1,
            2,
            10,
        )
        .await
        .expect("oldest first");
    let ids: Vec<i64> = oldest.entries.iter().map(|e| e.entry.id).collect();
    assert_eq!((ids, oldest.total), (vec![all[1].id, all[2].id], 6));

    let past = store
        .audit_page(
            f.report_id,
            Some(ItemNo(1)),
            HistoryOrder::NewestFirst,
            6,
            2,
            10,
        )
        .await
        .expect("past the end");
    assert_eq!((past.entries.len(), past.total), (0, 6));

    // The edition's own history pages the same way (opened: one entry).
    let edition = store
        .audit_page(f.report_id, None, HistoryOrder::NewestFirst, 0, 20, 200)
        .await
        .expect("edition history");
    assert_eq!(edition.total, 1);
    assert_eq!(edition.entries[0].entry.field, Field::State);
}

#[tokio::test]
async fn one_entry_is_read_whole_through_its_own_sheet_only() {
    let f = Fixture::open().await;
    let store = &f.db.store;
    save_goals(&f, 2, 12_345).await;
    let page = store
        .audit_page(
            f.report_id,
            Some(ItemNo(1)),
            HistoryOrder::NewestFirst,
            0,
            1,
            200,
        )
        .await
        .expect("page");
    let id = page.entries[0].entry.id;
    assert_eq!(page.entries[0].entry.after.chars().count(), 200);

    let whole = store
        .audit_entry(f.report_id, ItemNo(1), id)
        .await
        .expect("the entry");
    assert_eq!(whole.after.chars().count(), 12_345);
    assert!(whole.after.ends_with("001"));
    assert!(whole.before.ends_with("000"));

    assert_refused(
        store.audit_entry(f.report_id, ItemNo(3), id).await,
        |e| matches!(e, StoreError::AuditEntryNotFound { id: i } if *i == id),
    );
    assert_refused(
        store.audit_entry(f.report_id, ItemNo(1), id + 1_000).await,
        |e| matches!(e, StoreError::AuditEntryNotFound { .. }),
    );
    assert_refused(
        store
            .audit_page(
                f.report_id,
                Some(ItemNo(99)),
                HistoryOrder::NewestFirst,
                0,
                20,
                200,
            )
            .await,
        |e| matches!(e, StoreError::SheetNotFound { .. }),
    );
    assert_refused(
        store
            .audit_page(9_999, None, HistoryOrder::NewestFirst, 0, 20, 200)
            .await,
        |e| matches!(e, StoreError::NotFound { id: 9_999 }),
    );
}
