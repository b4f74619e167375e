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
use std::net::{IpAddr, SocketAddr};
use std::ops::Deref;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::HeaderName;
use axum::http::header::{CACHE_CONTROL, COOKIE, SET_COOKIE, VARY};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, Uri};
use axum::middleware::Next;
use axum::response::Response;
use chrono::Utc;
use ipnet::IpNet;
use kaikaku_auth::{Backoff, LoginThrottle, Token, token_hash};
use kaikaku_model::workflow::Role;
use kaikaku_store::{Cycle, Session};

use crate::views::SessionBar;
use crate::{AppState, Error};

/// The header a reverse proxy names the client in.
const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "kaikaku_session";
/// How long a session lasts from log-in.
pub const SESSION_HOURS: i64 = 8;
/// Failed log-ins of one name from one address that cost nothing ([`PAIR_FIRST_DELAY`]
/// after the next).
pub const FREE_FAILURES_PER_PAIR: u32 = 3;
/// The wait after the first costly failure of a (name, address) pair; it doubles with each
/// further failure, up to [`PAIR_MAX_DELAY`].
pub const PAIR_FIRST_DELAY: Duration = Duration::from_secs(5);
/// The longest wait of a (name, address) pair.
pub const PAIR_MAX_DELAY: Duration = Duration::from_secs(15 * 60);
/// Failed log-ins allowed per client address in [`THROTTLE_WINDOW`].
pub const FAILURES_PER_ADDRESS: usize = 20;
/// The window of the per-address throttle.
pub const THROTTLE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// The log-in throttles: progressive delays per (user name, client address) pair, and a
/// limit of failures per client address.
///
/// There is no lock per name: an attacker who knows a name and guesses from one address
/// slows only that pair, so the name's owner, from any address that has not failed, logs in
/// at once. The address is the peer of the TCP connection, or, when that peer is a trusted
/// reverse proxy ([`TrustedProxies`]), the client it names in `X-Forwarded-For`.
#[derive(Debug)]
pub struct Throttles {
    by_pair: Backoff,
    by_address: LoginThrottle,
}

impl Default for Throttles {
    fn default() -> Throttles {
        Throttles {
            by_pair: Backoff::new(FREE_FAILURES_PER_PAIR, PAIR_FIRST_DELAY, PAIR_MAX_DELAY),
            by_address: LoginThrottle::new(FAILURES_PER_ADDRESS, THROTTLE_WINDOW),
        }
    }
}

/// The key of a (name, address) pair: a line break cannot be part of either.
fn pair(name: &str, address: &str) -> String {
    format!("{address}\n{name}")
}

impl Throttles {
    /// `Ok` when the name may be tried from the address now; else how long to wait.
    pub(crate) fn check(&self, name: &str, address: &str, now: Instant) -> Result<(), Error> {
        let by_pair = self.by_pair.check(&pair(name, address), now);
        let by_address = self.by_address.check(address, now);
        match (by_pair, by_address) {
            (Ok(()), Ok(())) => Ok(()),
            (Err(wait), Ok(())) | (Ok(()), Err(wait)) => {
                Err(Error::TooManyAttempts { retry_after: wait })
            }
            (Err(a), Err(b)) => Err(Error::TooManyAttempts {
                retry_after: a.max(b),
            }),
        }
    }

    /// Records a failed attempt for the pair and the address.
    pub(crate) fn record_failure(&self, name: &str, address: &str, now: Instant) {
        self.by_pair.record_failure(&pair(name, address), now);
        self.by_address.record_failure(address, now);
    }

    /// Forgets the pair's failures after a successful log-in. The address keeps its count, so
    /// one valid account does not reset the limit of a client guessing others.
    pub(crate) fn record_success(&self, name: &str, address: &str) {
        self.by_pair.record_success(&pair(name, address));
    }
}

/// One trusted reverse proxy: an address (`10.0.0.5`, `::1`) or a CIDR range
/// (`10.0.0.0/24`). Parsed from the `--trusted-proxy` option and `KAIKAKU_TRUSTED_PROXIES`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrustedProxy(IpNet);

impl FromStr for TrustedProxy {
    type Err = String;

    fn from_str(text: &str) -> Result<TrustedProxy, String> {
        let text = text.trim();
        text.parse::<IpNet>()
            .or_else(|_| {
                text.parse::<IpAddr>()
                    .map(|ip| IpNet::from(ip.to_canonical()))
            })
            .map(TrustedProxy)
            .map_err(|_| format!("IPアドレスまたはCIDR表記の範囲ではありません: {text}"))
    }
}

impl std::fmt::Display for TrustedProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// The reverse proxies whose `X-Forwarded-For` is believed; none by default.
///
/// Only when the TCP peer is one of them is the header read, from the right: the right-most
/// address that is not itself a trusted proxy is the client (the left part of the header is
/// whatever the client sent, and proves nothing). An entry that is not an address ends the
/// walk at the last trusted hop. Without trusted proxies, or from any other peer, the header
/// is ignored and the peer is the client.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Vec<TrustedProxy>);

impl TrustedProxies {
    /// The proxies `proxies`.
    pub fn new(proxies: impl IntoIterator<Item = TrustedProxy>) -> TrustedProxies {
        TrustedProxies(proxies.into_iter().collect())
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|proxy| proxy.0.contains(&ip))
    }

    /// The client's address for a request from `peer` with `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.trusts(client) {
            return client;
        }
        let hops: Vec<&str> = headers
            .get_all(X_FORWARDED_FOR)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .collect();
        for hop in hops.iter().rev() {
            let Some(ip) = forwarded_ip(hop) else { break };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// One entry of `X-Forwarded-For`: an address, possibly with a port (`192.0.2.1:4711`,
/// `[2001:db8::1]:4711`).
fn forwarded_ip(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|socket| socket.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
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

/// The client's address for throttling: the peer address of the connection (or the client a
/// trusted proxy names, [`TrustedProxies::client`]), or `unknown` when the server was not
/// started with connect info.
pub(crate) fn client_address(
    state: &AppState,
    extensions: &axum::http::Extensions,
    headers: &HeaderMap,
) -> String {
    extensions.get::<ConnectInfo<SocketAddr>>().map_or_else(
        || "unknown".to_owned(),
        |info| {
            state
                .trusted_proxies()
                .client(info.0.ip(), headers)
                .to_string()
        },
    )
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
    fn only_a_trusted_peer_names_the_client() {
        let proxies = TrustedProxies::new(
            ["10.0.0.0/24", "::1", "127.0.0.1"]
                .map(|p| p.parse::<TrustedProxy>().expect("a proxy")),
        );
        let ip = |text: &str| text.parse::<IpAddr>().expect("an address");
        let forwarded = |values: &[&str]| {
            let mut headers = HeaderMap::new();
            for value in values {
                headers.append(
                    X_FORWARDED_FOR,
                    HeaderValue::from_str(value).expect("ASCII"),
                );
            }
            headers
        };
        let cases = [
            // (peer, X-Forwarded-For, client)
            ("10.0.0.7", &["192.0.2.1"][..], "192.0.2.1"),
            // The client's own claims on the left are not believed.
            ("10.0.0.7", &["6.6.6.6, 192.0.2.1"], "192.0.2.1"),
            ("10.0.0.7", &["6.6.6.6", "192.0.2.1, 10.0.0.3"], "192.0.2.1"),
            ("::ffff:10.0.0.7", &["192.0.2.1:4711"], "192.0.2.1"),
            ("::1", &["[2001:db8::5]:80"], "2001:db8::5"),
            // Garbage ends the walk at the last trusted hop.
            ("10.0.0.7", &["192.0.2.1, unknown"], "10.0.0.7"),
            ("10.0.0.7", &["192.0.2.1, 10.0.0.3, nonsense"], "10.0.0.7"),
            ("10.0.0.7", &["nonsense, 10.0.0.3"], "10.0.0.3"),
            ("10.0.0.7", &[], "10.0.0.7"),
            // Every hop trusted: the left-most.
            ("10.0.0.7", &["10.0.0.1, 10.0.0.2"], "10.0.0.1"),
            // An untrusted peer's header is ignored.
            ("192.0.2.9", &["10.0.0.1"], "192.0.2.9"),
            ("10.0.1.7", &["192.0.2.1"], "10.0.1.7"),
        ];
        for (peer, header, client) in cases {
            assert_eq!(
                proxies.client(ip(peer), &forwarded(header)),
                ip(client),
                "{peer} {header:?}"
            );
        }
        // No proxies: never read.
        assert_eq!(
            TrustedProxies::default().client(ip("127.0.0.1"), &forwarded(&["192.0.2.1"])),
            ip("127.0.0.1")
        );
        assert_eq!(
            "::ffff:127.0.0.1"
                .parse::<TrustedProxy>()
                .map(|p| p.to_string()),
            Ok("127.0.0.1/32".to_owned())
        );
        assert_eq!(
            "proxy.example".parse::<TrustedProxy>(),
            Err("IPアドレスまたはCIDR表記の範囲ではありません: proxy.example".to_owned())
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
