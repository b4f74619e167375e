//! `GET /api/v1/session`: who is logged in, and the CSRF token an API client sends in the
//! `X-CSRF-Token` header with every write. A client logs in with `POST /login` (the form of
//! the log-in page), keeps the `kaikaku_session` cookie, and reads the token here.

use axum::Json;

use super::wire::SessionJson;
use crate::people::auth::AuthUser;

/// `GET /api/v1/session`.
pub(crate) async fn show(user: AuthUser) -> Json<SessionJson> {
    Json(SessionJson::from(&*user))
}
