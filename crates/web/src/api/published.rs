//! Published data, open to anyone: the same editions as the public pages, in the interchange
//! format. Reads go through [`Store`], which sees published editions only, so no draft ever
//! reaches an anonymous client.

use axum::Json;
use axum::extract::State;
use kaikaku_interchange::{FindingJson, ItemJson, ReportJson};
use kaikaku_model::Report;
use kaikaku_store::{Store, StoredReport};

use super::ApiError;
use super::wire::{PlansJson, PublishedEditionJson};
use crate::http::extract::ItemKey;
use crate::views::EditionKey;
use crate::{AppState, Error};

/// `GET /api/v1/plans`: every plan with its published editions.
pub(crate) async fn plans(State(state): State<AppState>) -> Result<Json<PlansJson>, ApiError> {
    let reports = state.store().list_reports().await.map_err(Error::from)?;
    Ok(Json(PlansJson::new(&reports)))
}

/// `GET /api/v1/plans/{plan_id}/{fiscal_year}`: the published edition (its latest revision).
pub(crate) async fn edition(
    State(state): State<AppState>,
    key: EditionKey,
) -> Result<Json<PublishedEditionJson>, ApiError> {
    let (stored, report) = load(&state, key).await?;
    let findings = kaikaku_check::check(&report);
    Ok(Json(PublishedEditionJson {
        report: ReportJson::from(&report),
        plan_id: stored.plan_id,
        revision: stored.revision,
        published_at: stored.published_at.map(super::wire::rfc3339),
        base_date: stored.base_date.map(|d| d.to_string()),
        correction_note: stored.correction_note,
        findings: findings.iter().map(FindingJson::from).collect(),
    }))
}

/// `GET /api/v1/plans/{plan_id}/{fiscal_year}/items/{no}`: one item of the published edition.
pub(crate) async fn item(
    State(state): State<AppState>,
    ItemKey { edition: key, no }: ItemKey,
) -> Result<Json<ItemJson>, ApiError> {
    let (_, report) = load(&state, key).await?;
    let item = report.item(no.0).ok_or(Error::NotFound)?;
    Ok(Json(ItemJson::from(item)))
}

/// The published edition at `key`, as listed and in full: the pages' loader, so pages and
/// API agree (an unknown plan or year, or an edition replaced meanwhile, is a 404).
async fn load(state: &AppState, key: EditionKey) -> Result<(StoredReport, Report), ApiError> {
    Ok(crate::public::service::load_edition(state, key).await?)
}
