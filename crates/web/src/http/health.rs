//! `GET /healthz`: whether the server can reach its database, for load balancers and
//! monitoring.

use axum::extract::State;
use axum::http::StatusCode;
use kaikaku_store::Store;

use crate::AppState;

/// 200 `ok` when the database answers, 503 otherwise (the cause is logged, not shown).
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.store().ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(error) => {
            tracing::error!(%error, "health check: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
        }
    }
}
