//! Error answers drawn for the session: an error response (one carrying an [`crate::http::error::ErrorView`])
//! becomes JSON under `/api/`, and the page of a logged-in user gets their header bar.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

use super::auth::CurrentUser;
use crate::http::error::{finish, is_api};

/// Middleware: an error response (one carrying an [`crate::http::error::ErrorView`]) becomes JSON under `/api/`,
/// and the page of a logged-in user gets their header bar. Headers such as `Retry-After` are
/// kept.
pub async fn render(user: CurrentUser, request: Request, next: Next) -> Response {
    let api = is_api(request.uri().path());
    let response = next.run(request).await;
    finish(response, api, user.bar())
}
