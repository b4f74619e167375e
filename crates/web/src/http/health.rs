//! `GET /healthz`: whether the server can reach its database, for load balancers and
//! monitoring.

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::RETRY_AFTER;
use axum::response::{IntoResponse, Response};
use kaikaku_store::Store;

use super::error::BUSY_RETRY_AFTER_SECS;
use crate::AppState;

/// 200 `ok` when the database answers, 503 otherwise (the cause is logged, not shown); when
/// no pooled connection became free within the pool's acquire timeout, 503 `busy` with
/// `Retry-After`.
pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.store().ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(error) if error.is_busy() => {
            tracing::warn!(%error, "health check: no database connection became free in time");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(RETRY_AFTER, BUSY_RETRY_AFTER_SECS.to_string())],
                "busy",
            )
                .into_response()
        }
        Err(error) => {
            tracing::error!(%error, "health check: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "unavailable").into_response()
        }
    }
}
