//! The one read of published data, for the public pages, the PDF and the JSON API: an edition
//! by its address ([`load_edition`]), the 訂正 box of a correction ([`correction_box`]) and the
//! changes a correction made ([`correction_changes`]). Drafts are invisible here: the store's
//! published listing is the only way in.

use kaikaku_model::workflow::FieldChange;
use kaikaku_model::{ItemNo, Report};
use kaikaku_store::{Cycle, Database, Edition, Store, StoredReport};

use crate::views::EditionKey;
use crate::views::changes::ChangeView;
use crate::views::edition::{CorrectionBox, CorrectionLine};
use crate::{AppState, Error};

/// The report published at `key`: found in the listing, then loaded.
///
/// Fails with [`Error::NotFound`] when no stored report has this plan and fiscal year, and
/// with [`Error::Store`] when the database fails.
pub(crate) async fn load_edition(
    state: &AppState,
    key: EditionKey,
) -> Result<(StoredReport, Report), Error> {
    let stored = state
        .store()
        .published(key.plan_id, key.fiscal_year)
        .await?
        .ok_or(Error::NotFound)?;
    let report = state.store().load_report(stored.id).await?;
    Ok((stored, report))
}

/// The 訂正 box of `stored` when it is a correction (revision 2 or later): the changes from
/// the revision before, all of them or those of item `only`.
pub(crate) async fn correction_box(
    state: &AppState,
    stored: &StoredReport,
    report: &Report,
    key: EditionKey,
    only: Option<ItemNo>,
) -> Result<Option<CorrectionBox>, Error> {
    if stored.revision <= 1 {
        return Ok(None);
    }
    let edition = state.store().edition(stored.id).await?;
    let changes = correction_changes(state.store(), &edition).await?;
    let title = |no: ItemNo| {
        report
            .item(no.0)
            .map_or_else(|| no.to_string(), |item| format!("{no} {}", item.title))
    };
    Ok(Some(CorrectionBox {
        revision: stored.revision,
        published: stored
            .published_at
            .map(crate::views::time::when)
            .unwrap_or_default(),
        note: stored.correction_note.clone().unwrap_or_default(),
        changes: changes
            .iter()
            .filter(|(no, _)| only.is_none_or(|only| only == *no))
            .map(|(no, change)| CorrectionLine {
                no: *no,
                item: title(*no),
                href: key.item_href(*no),
                change: ChangeView::new(change),
            })
            .collect(),
    }))
}

/// The earlier revision a correction corrects (revision − 1 of the same plan and year), if
/// the edition is a correction.
pub async fn corrected_revision(
    store: &Database,
    edition: &Edition,
) -> Result<Option<Edition>, Error> {
    if edition.revision <= 1 {
        return Ok(None);
    }
    Ok(store.list_editions().await?.into_iter().find(|e| {
        e.plan_id == edition.plan_id
            && e.fiscal_year == edition.fiscal_year
            && e.revision == edition.revision - 1
    }))
}

/// What a correction changed: the changes from the revision before it, item by item
/// ([`Cycle::changes_between`]); empty for a first revision.
pub async fn correction_changes(
    store: &Database,
    edition: &Edition,
) -> Result<Vec<(ItemNo, FieldChange)>, Error> {
    match corrected_revision(store, edition).await? {
        Some(previous) => Ok(store
            .changes_between(previous.report_id, edition.report_id)
            .await?),
        None => Ok(Vec::new()),
    }
}
