//! Who is asking, decided on the server for every request: log-in sessions held in a cookie,
//! the extractors handlers use ([`CurrentUser`], [`AuthUser`], [`require`]), login throttling
//! and the CSRF token each session carries (checked by [`super::csrf`]).
//!
//! # Sessions
//!
//! Logging in makes two fresh random tokens ([`kaikaku_auth::Token`]): the session token,
//! whose secret goes to the browser in the cookie `kaikaku_session` (`HttpOnly; Secure;
//! SameSite=Strict; Path=/; Max-Age=28800`) and whose hash is the session row's key, and the
//! CSRF token. The CSRF token is stored as it is (not hashed) in the session row, because
//! every page must write it into its forms; it is worth nothing without the session cookie,
//! whose secret the database never holds. Sessions last [`SESSION_HOURS`] hours from log-in;
//! a log-in always makes a new session (and ends the one the browser had), a log-out deletes
//! the row and clears the cookie, and a password change ends every session of the user and
//! starts a new one for the browser that changed it.
//!
//! `load_session` (a middleware around every route) reads the cookie once per request,
//! looks the session up with [`Cycle::session`] and puts the [`CurrentUser`] in the request's
//! extensions, where the route table's access check ([`crate::routes`]), the CSRF check and
//! the handlers find it.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header::{CACHE_CONTROL, COOKIE, SET_COOKIE, VARY};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, Uri};
use axum::middleware::Next;
use axum::response::Response;
use chrono::Utc;
use kaikaku_auth::{LoginThrottle, Token, token_hash};
use kaikaku_model::workflow::Role;
use kaikaku_store::{Cycle, Session};

use crate::views::SessionBar;
use crate::{AppState, Error};

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "kaikaku_session";
/// How long a session lasts from log-in.
pub const SESSION_HOURS: i64 = 8;
/// Failed log-ins allowed per user name in [`THROTTLE_WINDOW`].
pub const FAILURES_PER_NAME: usize = 5;
/// Failed log-ins allowed per client address in [`THROTTLE_WINDOW`].
pub const FAILURES_PER_ADDRESS: usize = 20;
/// The window of the log-in throttles.
pub const THROTTLE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// The log-in throttles: failures per user name and per client address.
///
/// The address is the peer of the TCP connection (`ConnectInfo`); behind a reverse proxy
/// every client shares the proxy's address, so [`FAILURES_PER_ADDRESS`] then limits them all
/// together. Forwarding headers are not trusted.
#[derive(Debug)]
pub struct Throttles {
    by_name: LoginThrottle,
    by_address: LoginThrottle,
}

impl Default for Throttles {
    fn default() -> Throttles {
        Throttles {
            by_name: LoginThrottle::new(FAILURES_PER_NAME, THROTTLE_WINDOW),
            by_address: LoginThrottle::new(FAILURES_PER_ADDRESS, THROTTLE_WINDOW),
        }
    }
}

impl Throttles {
    /// `Ok` when both the name and the address may try now; else how long to wait.
    pub(crate) fn check(&self, name: &str, address: &str, now: Instant) -> Result<(), Error> {
        let by_name = self.by_name.check(name, now);
        let by_address = self.by_address.check(address, now);
        match (by_name, by_address) {
            (Ok(()), Ok(())) => Ok(()),
            (Err(wait), Ok(())) | (Ok(()), Err(wait)) => {
                Err(Error::TooManyAttempts { retry_after: wait })
            }
            (Err(a), Err(b)) => Err(Error::TooManyAttempts {
                retry_after: a.max(b),
            }),
        }
    }

    /// Records a failed attempt for the name and the address.
    pub(crate) fn record_failure(&self, name: &str, address: &str, now: Instant) {
        self.by_name.record_failure(name, now);
        self.by_address.record_failure(address, now);
    }

    /// Forgets the name's failures after a successful log-in. The address keeps its count, so
    /// one valid account does not reset the limit of a client guessing others.
    pub(crate) fn record_success(&self, name: &str) {
        self.by_name.record_success(name);
    }

    /// Checks the name only (a password change, where the user is known).
    pub(crate) fn check_name(&self, name: &str, now: Instant) -> Result<(), Error> {
        self.by_name
            .check(name, now)
            .map_err(|wait| Error::TooManyAttempts { retry_after: wait })
    }

    /// Records a failure for the name only.
    pub(crate) fn record_name_failure(&self, name: &str, now: Instant) {
        self.by_name.record_failure(name, now);
    }
}

/// A logged-in user, as the session found for the request says.
#[derive(Clone)]
pub struct SessionUser {
    /// The user id.
    pub id: i64,
    /// The log-in name.
    pub name: String,
    /// The role.
    pub role: Role,
    /// The department (記入担当課) of an editor; others may have one too.
    pub department: Option<String>,
    /// The session's CSRF token, which every state-changing request must carry.
    pub csrf: String,
    /// The hash of the session token (the session row's key).
    token_hash: String,
}

impl std::fmt::Debug for SessionUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionUser")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("role", &self.role)
            .field("department", &self.department)
            .field("csrf", &"…")
            .finish_non_exhaustive()
    }
}

impl SessionUser {
    /// The header bar for this user.
    pub(crate) fn bar(&self) -> SessionBar {
        SessionBar {
            name: self.name.clone(),
            role_label: self.role.label(),
            department: self.department.clone(),
            is_admin: self.role == Role::Admin,
            csrf: self.csrf.clone(),
        }
    }
}

/// Who sent the request: a logged-in user, or an anonymous visitor (`None`). An extractor
/// that never fails.
#[derive(Clone, Debug, Default)]
pub struct CurrentUser(Option<Arc<SessionUser>>);

impl CurrentUser {
    /// An anonymous visitor.
    pub fn anonymous() -> CurrentUser {
        CurrentUser(None)
    }

    /// The logged-in user, if any.
    pub fn user(&self) -> Option<&SessionUser> {
        self.0.as_deref()
    }

    /// True when someone is logged in.
    pub fn is_logged_in(&self) -> bool {
        self.0.is_some()
    }

    /// The role of the logged-in user; `None` when anonymous.
    pub fn role(&self) -> Option<Role> {
        self.0.as_ref().map(|user| user.role)
    }

    /// The header bar of the page.
    pub(crate) fn bar(&self) -> Option<SessionBar> {
        self.user().map(SessionUser::bar)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .unwrap_or_default())
    }
}

/// A logged-in user: the extractor of handlers that need one. Anonymous requests are refused
/// with [`Error::LoginRequired`] (a redirect to the log-in page, 401 under `/api/`).
#[derive(Clone, Debug)]
pub struct AuthUser(Arc<SessionUser>);

impl Deref for AuthUser {
    type Target = SessionUser;

    fn deref(&self) -> &SessionUser {
        &self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for AuthUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<CurrentUser>() {
            Some(CurrentUser(Some(user))) => Ok(AuthUser(Arc::clone(user))),
            _ => Err(Error::LoginRequired {
                next: return_to(&parts.method, &parts.uri),
            }),
        }
    }
}

/// `Ok` when `user` has one of `roles`, else [`Error::Forbidden`] (a Japanese 403 page, JSON
/// under `/api/`).
pub fn require(user: &SessionUser, roles: &[Role]) -> Result<(), Error> {
    if roles.contains(&user.role) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// Where to come back to after logging in: the path and query of a GET (or HEAD) request;
/// nothing for other methods, which cannot be replayed by a redirect.
pub(crate) fn return_to(method: &Method, uri: &Uri) -> Option<String> {
    if method != Method::GET && method != Method::HEAD {
        return None;
    }
    uri.path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .filter(|next| local_path(next).is_some())
}

/// `next` when it is a path on this site: it starts with one `/` (not `//`, which browsers
/// read as another host), has no backslash (which some browsers read as a slash) and no
/// control characters. Anything else (`https://…`, `//evil.example`, `/\evil.example`) is
/// `None`.
pub fn local_path(next: &str) -> Option<&str> {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
        && next.len() <= 2048;
    local.then_some(next)
}

/// The client's address for throttling: the peer address of the connection, or `unknown`
/// when the server was not started with connect info.
pub(crate) fn client_address(parts: &axum::http::Extensions) -> String {
    parts
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |info| info.0.ip().to_string())
}

/// The session secret from the `Cookie` headers, when it looks like one (64 hex digits).
pub(crate) fn session_secret(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|value| value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_owned)
}

/// The `Set-Cookie` value that gives the browser a session.
fn session_cookie(secret: &str) -> String {
    format!(
        "{SESSION_COOKIE}={secret}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age={}",
        SESSION_HOURS * 3600
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub(crate) fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static(
        "kaikaku_session=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0",
    )
}

/// Starts a new session for `user_id` with fresh session and CSRF tokens, and returns the
/// `Set-Cookie` value for it.
///
/// Fails when the system has no randomness or the store fails.
pub(crate) async fn start_session(state: &AppState, user_id: i64) -> Result<HeaderValue, Error> {
    let token = Token::generate().map_err(|e| Error::Internal(e.to_string()))?;
    let csrf = Token::generate().map_err(|e| Error::Internal(e.to_string()))?;
    let session = Session {
        token_hash: token.hash,
        user_id,
        csrf_token: csrf.secret,
        expires_at: Utc::now() + chrono::Duration::hours(SESSION_HOURS),
    };
    state.store().create_session(&session).await?;
    HeaderValue::from_str(&session_cookie(&token.secret))
        .map_err(|e| Error::Internal(e.to_string()))
}

/// Ends the session of `user` (log-out, or before a new log-in).
pub(crate) async fn end_session(state: &AppState, user: &SessionUser) -> Result<(), Error> {
    Ok(state.store().delete_session(&user.token_hash).await?)
}

/// Middleware around every route: finds the session of the cookie and puts the
/// [`CurrentUser`] in the request's extensions. Responses vary by cookie; a logged-in user's
/// are never stored by caches; a cookie whose session is gone (expired, logged out) is
/// cleared.
pub(crate) async fn load_session(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let secret = session_secret(request.headers());
    let user = match &secret {
        Some(secret) => match state.store().session(&token_hash(secret), Utc::now()).await {
            Ok(found) => found.map(|(session, user)| {
                Arc::new(SessionUser {
                    id: user.id,
                    name: user.name,
                    role: user.role,
                    department: user.department,
                    csrf: session.csrf_token,
                    token_hash: session.token_hash,
                })
            }),
            Err(error) => return Error::Store(error).respond_to(request.uri().path()),
        },
        None => None,
    };
    let stale = secret.is_some() && user.is_none();
    let current = CurrentUser(user);
    request.extensions_mut().insert(current.clone());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.append(VARY, HeaderValue::from_static("Cookie"));
    if current.is_logged_in() && !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if stale && !headers.contains_key(SET_COOKIE) {
        headers.append(SET_COOKIE, clear_cookie());
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        for good in ["/", "/account", "/plans/1/2021?paper=a3", "/login?next=%2F"] {
            assert_eq!(local_path(good), Some(good), "{good}");
        }
        for bad in [
            "",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "evil.example",
            "/\nLocation: x",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_session_cookie_is_read_among_others() {
        let secret = "ab".repeat(32);
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("a=1; b=2"));
        headers.append(
            COOKIE,
            HeaderValue::from_str(&format!("x=y; {SESSION_COOKIE}={secret}")).expect("ASCII"),
        );
        assert_eq!(session_secret(&headers), Some(secret));
        let mut bad = HeaderMap::new();
        bad.append(
            COOKIE,
            HeaderValue::from_static("kaikaku_session=not-a-token"),
        );
        assert_eq!(session_secret(&bad), None);
    }

    #[test]
    fn the_cookie_is_http_only_secure_and_strict() {
        let cookie = session_cookie("abc");
        assert_eq!(
            cookie,
            "kaikaku_session=abc; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=28800"
        );
    }

    #[test]
    fn only_get_requests_come_back_after_login() {
        let uri: Uri = "/admin/users?x=1".parse().expect("a URI");
        assert_eq!(
            return_to(&Method::GET, &uri).as_deref(),
            Some("/admin/users?x=1")
        );
        assert_eq!(return_to(&Method::POST, &uri), None);
    }
}
