//! CSRF protection, as a middleware around every route so that no handler can forget it.
//!
//! A state-changing request (POST, PUT, PATCH, DELETE) that comes with a session must carry
//! that session's CSRF token, in the header `X-CSRF-Token` or, for an
//! `application/x-www-form-urlencoded` body, in the field `_csrf` (the body is read here, up to
//! the server's body limit, `ServerSettings::max_body_bytes`, and handed on unchanged). Tokens are compared in constant time. A
//! request without a session has no credentials to abuse, so it goes on to the route's access
//! check, which sends it to the log-in page or refuses it.
//!
//! `POST /login` has no session to take a token from; instead, when the browser says where the
//! form came from (`Origin`, else `Referer`), it must be this site (no log-in CSRF).

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST, ORIGIN, REFERER};
use axum::http::{HeaderMap, Method, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kaikaku_auth::constant_time_eq;

use crate::Error;
use crate::http::server::BodyRules;
use crate::people::auth::CurrentUser;

/// The header that carries the CSRF token (for scripts and API clients).
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The form field that carries the CSRF token (every form has it, hidden).
pub const CSRF_FIELD: &str = "_csrf";
/// The routes that take no token (there is no session yet), but check where the form came from.
const TOKEN_EXEMPT: [&str; 1] = ["/login"];

/// The middleware.
pub(crate) async fn protect(user: CurrentUser, request: Request, next: Next) -> Response {
    if !changes_state(request.method()) {
        return next.run(request).await;
    }
    if TOKEN_EXEMPT.contains(&request.uri().path()) {
        if same_origin(request.headers(), request.uri()) {
            return next.run(request).await;
        }
        return Error::Csrf.into_response();
    }
    let Some(session) = user.user() else {
        return next.run(request).await;
    };
    if let Some(header) = request.headers().get(CSRF_HEADER) {
        let valid = header
            .to_str()
            .is_ok_and(|token| constant_time_eq(token, &session.csrf));
        return if valid {
            next.run(request).await
        } else {
            Error::Csrf.into_response()
        };
    }
    if !is_form(request.headers()) {
        return Error::Csrf.into_response();
    }
    let limit = BodyRules::of(request.extensions()).max_bytes;
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Error::PayloadTooLarge.into_response();
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return Error::BadRequest.into_response();
    };
    let valid = form_urlencoded::parse(&bytes)
        .find(|(name, _)| name == CSRF_FIELD)
        .is_some_and(|(_, token)| constant_time_eq(&token, &session.csrf));
    if !valid {
        return Error::Csrf.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// POST, PUT, PATCH, DELETE and any method that is not known to be safe.
fn changes_state(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| {
            mime.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// True unless the browser says the request comes from another origin: `Origin` (else
/// `Referer`), when present, must name this host. `Origin: null` (sandboxed frames, some
/// redirects) is another origin.
fn same_origin(headers: &HeaderMap, uri: &Uri) -> bool {
    let host = headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()));
    let from = headers
        .get(ORIGIN)
        .or_else(|| headers.get(REFERER))
        .map(|v| v.to_str().ok().and_then(authority_of));
    match from {
        None => true,
        Some(from) => {
            matches!((from, host), (Some(from), Some(host)) if from.eq_ignore_ascii_case(host))
        }
    }
}

/// `host:port` of an `http` or `https` URL.
fn authority_of(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))?;
    rest.split(['/', '?', '#']).next().filter(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(axum::http::HeaderName, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(name.clone(), HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn login_posts_must_come_from_this_site() {
        let uri = Uri::from_static("/login");
        let host = (HOST, "127.0.0.1:8080");
        assert!(same_origin(&headers(std::slice::from_ref(&host)), &uri));
        assert!(same_origin(
            &headers(&[host.clone(), (ORIGIN, "http://127.0.0.1:8080")]),
            &uri
        ));
        assert!(same_origin(
            &headers(&[
                host.clone(),
                (REFERER, "http://127.0.0.1:8080/login?next=/")
            ]),
            &uri
        ));
        for (name, value) in [
            (ORIGIN, "http://evil.example"),
            (ORIGIN, "null"),
            (ORIGIN, "http://127.0.0.1:8081"),
            (REFERER, "https://evil.example/127.0.0.1:8080"),
            (REFERER, "http://127.0.0.1:8080.evil.example/"),
        ] {
            assert!(
                !same_origin(&headers(&[host.clone(), (name, value)]), &uri),
                "{value}"
            );
        }
        // Origin wins over Referer.
        assert!(!same_origin(
            &headers(&[
                host,
                (ORIGIN, "http://evil.example"),
                (REFERER, "http://127.0.0.1:8080/login")
            ]),
            &uri
        ));
    }

    #[test]
    fn state_changing_methods() {
        for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
            assert!(changes_state(&method), "{method}");
        }
        for method in [Method::GET, Method::HEAD, Method::OPTIONS] {
            assert!(!changes_state(&method), "{method}");
        }
    }

    #[test]
    fn forms_are_recognised_with_a_charset() {
        assert!(is_form(&headers(&[(
            CONTENT_TYPE,
            "application/x-www-form-urlencoded; charset=UTF-8"
        )])));
        assert!(!is_form(&headers(&[(CONTENT_TYPE, "multipart/form-data")])));
        assert!(!is_form(&HeaderMap::new()));
    }
}
