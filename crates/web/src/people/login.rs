//! `GET /login` (the form), `POST /login` and `POST /logout`.
//!
//! A wrong password and an unknown name get the same page and the same work: an unknown name
//! is checked against [`kaikaku_auth::dummy_hash`], so neither the answer nor its timing says
//! whether the name exists. The typed name is normalised as names are stored (NFKC,
//! [`crate::people::users::login_name`]). Failures count against the (name, client address)
//! pair, with growing delays, and against the address
//! ([`crate::people::auth::Throttles`]); past a limit the answer is 429 with `Retry-After`.

use std::time::Instant;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{RawQuery, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use kaikaku_store::Cycle;
use serde::Deserialize;

use crate::http::forms::Form;
use crate::people::auth::{
    AuthUser, CurrentUser, clear_cookie, client_address, end_session, local_path, start_session,
};
use crate::people::users::{MAX_NAME_CHARS, login_name};
use crate::views::{Crumb, Layout};
use crate::{AppState, Error};

/// The message for any failed log-in, whatever went wrong.
pub const LOGIN_FAILED: &str = "ユーザー名またはパスワードが正しくありません。";

/// The log-in page.
#[derive(Debug, Template, WebTemplate)]
#[template(path = "login.html")]
pub(crate) struct LoginPage {
    layout: Layout,
    /// Where to go after logging in (a local path).
    next: String,
    /// Why the last attempt failed.
    error: Option<&'static str>,
}

/// `POST /login`.
#[derive(Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

fn login_page(user: &CurrentUser, next: &str, error: Option<&'static str>) -> LoginPage {
    LoginPage {
        layout: Layout {
            title: "ログイン".to_owned(),
            crumbs: vec![
                Crumb::home(),
                Crumb {
                    label: "ログイン".to_owned(),
                    href: None,
                },
            ],
            paper_a3: false,
            session: user.bar(),
        },
        next: local_path(next).unwrap_or("/").to_owned(),
        error,
    }
}

/// `GET /login?next=…`: the form.
pub(crate) async fn page(user: CurrentUser, RawQuery(query): RawQuery) -> LoginPage {
    let next = query
        .as_deref()
        .and_then(|query| {
            form_urlencoded::parse(query.as_bytes())
                .find(|(name, _)| name == "next")
                .map(|(_, value)| value.into_owned())
        })
        .unwrap_or_default();
    login_page(&user, &next, None)
}

/// `POST /login`: checks the name and password; on success starts a fresh session and goes
/// to `next` (a local path) or `/`.
pub(crate) async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    extensions: Extensions,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, Error> {
    let address = client_address(&state, &extensions, &headers);
    let now = Instant::now();
    // No real name is longer than this; a longer one must not become a huge throttle key.
    let typed: String = form.username.chars().take(MAX_NAME_CHARS * 4).collect();
    let name = login_name(&typed);
    let key: String = name.chars().take(MAX_NAME_CHARS + 1).collect();
    state.throttles().check(&key, &address, now)?;
    let found = match state.store().user_by_name(&name).await? {
        // A name stored before names were normalised is found as it was typed.
        None if name != typed => state.store().user_by_name(&typed).await?,
        found => found,
    };
    let hash = found.as_ref().map_or_else(
        || kaikaku_auth::dummy_hash().to_owned(),
        |user| user.password_hash.clone(),
    );
    let verified = verify_password(form.password, hash).await?;
    let Some(found) = found.filter(|_| verified) else {
        state.throttles().record_failure(&key, &address, now);
        tracing::info!(%address, "failed log-in");
        let page = login_page(&user, &form.next, Some(LOGIN_FAILED));
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    };
    state.throttles().record_success(&key, &address);
    // Never reuse the browser's session: end it and start a fresh one.
    if let Some(old) = user.user() {
        end_session(&state, old).await?;
    }
    state.store().delete_expired_sessions(Utc::now()).await?;
    let cookie = start_session(&state, found.id).await?;
    tracing::info!(user = %found.name, "logged in");
    let next = local_path(&form.next).unwrap_or("/");
    Ok(see_other(next, cookie))
}

/// `POST /logout`: deletes the session and clears the cookie.
pub(crate) async fn logout(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Response, Error> {
    end_session(&state, &user).await?;
    Ok(see_other("/", clear_cookie()))
}

/// A 303 to `location` that sets `cookie`.
pub(crate) fn see_other(location: &str, cookie: HeaderValue) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let Ok(location) = HeaderValue::from_str(location) {
        headers.insert(LOCATION, location);
    }
    headers.insert(SET_COOKIE, cookie);
    response
}

/// Checks a password against a PHC hash off the async threads (argon2 is slow on purpose).
///
/// Fails only when the blocking task cannot run to its end.
pub(crate) async fn verify_password(password: String, hash: String) -> Result<bool, Error> {
    tokio::task::spawn_blocking(move || kaikaku_auth::verify_password(&password, &hash))
        .await
        .map_err(|e| Error::Internal(e.to_string()))
}
