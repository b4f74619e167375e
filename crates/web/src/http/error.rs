//! The one error type of the web layer and how it becomes a response: a Japanese page with the
//! right status, or under `/api/` a JSON body `{"error": "…"}`. Server errors show a generic
//! message and log their cause; internal error text never reaches the browser.
//!
//! [`Error::into_response`] renders the page for an anonymous visitor and attaches an
//! [`ErrorView`] to the response; the middleware `people::error_pages::render`, which knows who
//! is logged in and where the request went, renders it again with the header bar of the
//! session ([`ErrorView::page`]), or as JSON under `/api/` ([`ErrorView::json`]). So a handler
//! only returns an `Error`, whatever the route.

use std::time::Duration;

use askama::Template;
use askama_web::WebTemplate;
use axum::http::header::{LOCATION, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use kaikaku_model::workflow::Denied;
use kaikaku_store::{Sheet, StoreError};

use crate::views::{Crumb, Layout, SessionBar};

/// Why a request could not be answered with the page asked for.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No page at this address: an unknown route, plan, fiscal year or item, or a malformed
    /// path parameter.
    #[error("not found")]
    NotFound,
    /// The route exists but not for this HTTP method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The page needs a logged-in user and there is none: a 303 to `/login?next=…` (`next`
    /// is the local address to come back to, if any), or 401 under `/api/`.
    #[error("login required")]
    LoginRequired {
        /// Where to go after logging in (a local path with its query).
        next: Option<String>,
    },
    /// The user is logged in but their role may not do this.
    #[error("forbidden")]
    Forbidden,
    /// A state-changing request without the session's CSRF token, or a log-in posted from
    /// another site.
    #[error("CSRF check failed")]
    Csrf,
    /// Too many failed log-ins for this name or address; try again after the duration.
    #[error("too many attempts")]
    TooManyAttempts {
        /// How long until the next attempt is accepted.
        retry_after: Duration,
    },
    /// The user has as many expensive pages running as they may
    /// (`people::concurrency`); try again after the duration (429).
    #[error("busy")]
    TooManyAtOnce {
        /// How long to wait before trying again.
        retry_after: Duration,
    },
    /// The request body is not the form the route expects.
    #[error("bad request")]
    BadRequest,
    /// The request body is larger than a request may be (declared or sent).
    #[error("payload too large")]
    PayloadTooLarge,
    /// The request body did not arrive whole within the server's body timeout (408).
    #[error("request timeout")]
    RequestTimeout,
    /// Something inside the server failed (no randomness, a task that panicked).
    #[error("internal: {0}")]
    Internal(String),
    /// A rule of the reporting cycle ([`kaikaku_model::workflow::may`]) refused the action:
    /// the role or the department is a 403; a closed edition or a sheet state that does not
    /// allow it is a 409.
    #[error("denied: {0}")]
    Denied(Denied),
    /// A stale write: someone saved or moved the sheet since the client read it (409). Carries
    /// the sheet as it is now, so that both versions can be shown.
    #[error("conflict: the sheet is at version {current_version}")]
    Conflict {
        /// The sheet's version now.
        current_version: i64,
        /// The sheet as it is now.
        current: Box<Sheet>,
    },
    /// The action is not possible in the current state (409); the message says why, in
    /// Japanese (確定 while a check finding is open …).
    #[error("refused: {0}")]
    Refused(String),
    /// The request is well formed but a value is not acceptable (422); the message says which,
    /// in Japanese (an empty reason, a date that is not a date, a field the sheet does not
    /// have …).
    #[error("invalid: {0}")]
    Invalid(String),
    /// The store failed or refused. What the client asked for that does not exist is a 404;
    /// what the state of an edition or sheet does not allow (a stale version, a closed
    /// edition, an edition that exists already …) a 409 and a value the store cannot keep a
    /// 422, each with the store's Japanese message; no free connection within the pool's
    /// acquire timeout is a 503 with `Retry-After` ([`BUSY_MESSAGE`]); a database failure is a
    /// 500.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// A download of a published edition that cannot be made: the edition lacks what the
    /// format needs (409), the PDF cannot be printed now (503) or a writer failed (500). The
    /// message says so in Japanese, without internal detail (the cause is logged).
    #[error("download unavailable: {message}")]
    Unavailable {
        /// The status of the page.
        status: StatusCode,
        /// What the visitor reads.
        message: String,
    },
}

/// How the web layer answers a store error: see [`Error::Store`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StoreClass {
    NotFound,
    Conflict,
    Unprocessable,
    /// No pooled connection became free in time: 503, try again shortly.
    Busy,
    Failure,
}

fn store_class(error: &StoreError) -> StoreClass {
    use StoreError as E;
    match error {
        E::Database(_) if error.is_busy() => StoreClass::Busy,
        E::NotFound { .. }
        | E::SheetNotFound { .. }
        | E::PlanNotFound { .. }
        | E::CommentNotFound { .. }
        | E::AuditEntryNotFound { .. }
        | E::UserNotFound { .. } => StoreClass::NotFound,
        E::EditionInCycle { .. }
        | E::EditionExists { .. }
        | E::RevisionExists { .. }
        | E::NoPreviousEdition { .. }
        | E::PreviousNotPublished { .. }
        | E::EditionClosed { .. }
        | E::EditionTransition { .. }
        | E::NotAllConfirmed { .. }
        | E::Conflict { .. }
        | E::InvalidTransition { .. }
        | E::AlreadyWaived { .. }
        | E::DuplicateUser { .. } => StoreClass::Conflict,
        E::MissingPlanName { .. }
        | E::MissingFiscalYear { .. }
        | E::DuplicateItem { .. }
        | E::AmbiguousPlan { .. }
        | E::UnstorableUnit { .. }
        | E::OutOfRange { .. }
        | E::FixedField { .. } => StoreClass::Unprocessable,
        E::Open { .. } | E::Migrate(_) | E::Database(_) | E::Corrupt { .. } => StoreClass::Failure,
    }
}

/// True when a refusal is about the role or the department (403), not the state (409).
fn denied_by_role(denied: &Denied) -> bool {
    matches!(denied, Denied::Role | Denied::OtherDepartment)
}

/// A wait as people say it: seconds under a minute (`5秒`), else minutes rounded up (`15分`).
fn wait_text(wait: Duration) -> String {
    let seconds = wait.as_secs().max(1);
    if seconds < 60 {
        format!("{seconds}秒")
    } else {
        format!("{}分", seconds.div_ceil(60))
    }
}

/// The heading of a 403 page (the authorisation tests look for it).
const FORBIDDEN_HEADING: &str = "この操作の権限がありません";
/// What a user is told when they run too many expensive pages at once.
pub(crate) const TOO_MANY_AT_ONCE_MESSAGE: &str =
    "同時に開けるページの数を超えました。少し待ってから開き直してください。";
/// The heading of a 409 page.
const REFUSED_HEADING: &str = "この操作はいまは行えません";
/// The heading of a 422 page.
const INVALID_HEADING: &str = "入力内容を確認してください";
/// What a 503 for a busy database says.
pub const BUSY_MESSAGE: &str = "混み合っています。しばらくしてからもう一度お試しください。";
/// The `Retry-After` of a 503 for a busy database, in seconds.
pub const BUSY_RETRY_AFTER_SECS: u64 = 5;

/// The error page.
#[derive(Debug, Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    heading: &'a str,
    message: &'a str,
}

/// What an error response says, attached to the response so that `people::error_pages::render` can show it
/// again for the session, or as JSON under `/api/`.
#[derive(Clone, Debug)]
pub struct ErrorView {
    /// The status of the page (303 for a log-in redirect).
    pub(crate) status: StatusCode,
    /// The status under `/api/` (401 instead of the log-in redirect).
    api_status: StatusCode,
    heading: &'static str,
    message: String,
}

impl Error {
    /// The HTTP status of the error.
    pub fn status(&self) -> StatusCode {
        match self {
            Error::NotFound => StatusCode::NOT_FOUND,
            Error::Store(error) => match store_class(error) {
                StoreClass::NotFound => StatusCode::NOT_FOUND,
                StoreClass::Conflict => StatusCode::CONFLICT,
                StoreClass::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
                StoreClass::Busy => StatusCode::SERVICE_UNAVAILABLE,
                StoreClass::Failure => StatusCode::INTERNAL_SERVER_ERROR,
            },
            Error::Denied(denied) if denied_by_role(denied) => StatusCode::FORBIDDEN,
            Error::Denied(_) | Error::Conflict { .. } | Error::Refused(_) => StatusCode::CONFLICT,
            Error::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Error::LoginRequired { .. } => StatusCode::SEE_OTHER,
            Error::Forbidden | Error::Csrf => StatusCode::FORBIDDEN,
            Error::TooManyAttempts { .. } | Error::TooManyAtOnce { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            Error::BadRequest => StatusCode::BAD_REQUEST,
            Error::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Error::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Error::Unavailable { status, .. } => *status,
        }
    }

    /// The Japanese sentence that says what went wrong, as the error page shows it (for pages
    /// that show a refusal beside the form that caused it).
    pub fn message(&self) -> String {
        self.view().message
    }

    fn view(&self) -> ErrorView {
        let status = self.status();
        let not_found = || {
            (
                "ページが見つかりません",
                "お探しのページは見つかりませんでした。アドレスに誤りがないかご確認いただくか、公開中の報告の一覧からお探しください。".to_owned(),
            )
        };
        let (heading, message): (&'static str, String) = match self {
            Error::Store(error) if store_class(error) == StoreClass::Conflict => {
                (REFUSED_HEADING, error.to_string())
            }
            Error::Store(error) if store_class(error) == StoreClass::Unprocessable => {
                (INVALID_HEADING, error.to_string())
            }
            Error::Store(error) if store_class(error) == StoreClass::Busy => {
                tracing::warn!(%error, "no database connection became free in time: 503");
                ("混み合っています", BUSY_MESSAGE.to_owned())
            }
            Error::Denied(denied) if denied_by_role(denied) => {
                (FORBIDDEN_HEADING, format!("{denied}。"))
            }
            Error::Denied(denied) => (REFUSED_HEADING, format!("{denied}。")),
            Error::Conflict { current_version, .. } => (
                REFUSED_HEADING,
                StoreError::Conflict {
                    current_version: *current_version,
                }
                .to_string(),
            ),
            Error::Refused(message) => (REFUSED_HEADING, message.clone()),
            Error::Invalid(message) => (INVALID_HEADING, message.clone()),
            Error::Unavailable { message, .. } => ("ファイルを作成できません", message.clone()),
            // What the store did not find is the same page as an unknown address
            // (`store_class` decides which store errors those are).
            Error::NotFound => not_found(),
            Error::Store(_) if status == StatusCode::NOT_FOUND => not_found(),
            Error::MethodNotAllowed => (
                "この操作はできません",
                "このページはこの方法では利用できません。公開中の報告の一覧からお探しください。".to_owned(),
            ),
            Error::LoginRequired { .. } => (
                "ログインしてください",
                "このページを利用するにはログインが必要です。".to_owned(),
            ),
            Error::Forbidden => (
                FORBIDDEN_HEADING,
                "このページはお使いのユーザーの役割では利用できません。必要な場合は政策課にお問い合わせください。".to_owned(),
            ),
            Error::Csrf => (
                "送信を受け付けられませんでした",
                "フォームの有効期限が切れたか、別のサイトから送信された可能性があります。ページを読み込み直してから、もう一度お試しください。".to_owned(),
            ),
            Error::TooManyAttempts { retry_after } => (
                "ログインの試行回数が上限を超えました",
                format!(
                    "しばらくログインできません。約{}後にもう一度お試しください。",
                    wait_text(*retry_after)
                ),
            ),
            Error::TooManyAtOnce { .. } => (
                "ただいまページを開けません",
                TOO_MANY_AT_ONCE_MESSAGE.to_owned(),
            ),
            Error::BadRequest => (
                "送信内容を読み取れませんでした",
                "フォームの内容を読み取れませんでした。ページを読み込み直してから、もう一度お試しください。".to_owned(),
            ),
            Error::PayloadTooLarge => (
                "送信内容が大きすぎます",
                "送信された内容が大きすぎるため受け付けられませんでした。".to_owned(),
            ),
            Error::RequestTimeout => (
                "送信に時間がかかりすぎました",
                "送信内容を時間内に受け取れなかったため、受け付けられませんでした。通信環境をご確認のうえ、もう一度お試しください。".to_owned(),
            ),
            Error::Internal(_) | Error::Store(_) => {
                tracing::error!(error = %self, "request failed");
                (
                    "システムエラーが発生しました",
                    "ただいまページを表示できません。しばらく時間をおいてから、もう一度お試しください。".to_owned(),
                )
            }
        };
        let api_status = match self {
            Error::LoginRequired { .. } => StatusCode::UNAUTHORIZED,
            _ => status,
        };
        ErrorView {
            status,
            api_status,
            heading,
            message,
        }
    }
}

impl ErrorView {
    /// The HTML page, with the header bar of `session` (none for anonymous visitors).
    pub(crate) fn page(&self, session: Option<SessionBar>) -> Response {
        let page = ErrorPage {
            layout: Layout {
                title: self.heading.to_owned(),
                crumbs: vec![
                    Crumb::home(),
                    Crumb {
                        label: self.heading.to_owned(),
                        href: None,
                    },
                ],
                paper_a3: false,
                session,
            },
            heading: self.heading,
            message: &self.message,
        };
        (self.status, page).into_response()
    }

    /// The JSON body under `/api/`: `{"error": "…"}`.
    pub(crate) fn json(&self) -> Response {
        let body = serde_json::json!({ "error": self.message });
        (self.api_status, axum::Json(body)).into_response()
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let view = self.view();
        let mut response = match &self {
            Error::LoginRequired { next } => {
                let location = match next {
                    Some(next) => format!(
                        "/login?next={}",
                        form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
                    ),
                    None => "/login".to_owned(),
                };
                let mut response = StatusCode::SEE_OTHER.into_response();
                if let Ok(value) = HeaderValue::from_str(&location) {
                    response.headers_mut().insert(LOCATION, value);
                }
                response
            }
            _ => view.page(None),
        };
        let retry_after = match &self {
            Error::TooManyAttempts { retry_after } | Error::TooManyAtOnce { retry_after } => {
                Some(*retry_after)
            }
            Error::Store(error) if store_class(error) == StoreClass::Busy => {
                Some(Duration::from_secs(BUSY_RETRY_AFTER_SECS))
            }
            _ => None,
        };
        if let Some(retry_after) = retry_after {
            let seconds = retry_after.as_secs().max(1).to_string();
            if let Ok(value) = HeaderValue::from_str(&seconds) {
                response.headers_mut().insert(RETRY_AFTER, value);
            }
        }
        response.extensions_mut().insert(view);
        response
    }
}

impl Error {
    /// The answer to an anonymous visitor's request for `path`, for the layers outside the
    /// error rendering of `people::error_pages` (which knows the session).
    pub(crate) fn respond_to(self, path: &str) -> Response {
        finish(self.into_response(), is_api(path), None)
    }
}

/// Whether `path` is the JSON API's, whose errors are JSON.
pub(crate) fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// `response` as it leaves the site: when it carries an [`ErrorView`], JSON under `/api/`, or
/// the page with the header bar of `session` (a log-in redirect stays a redirect).
pub(crate) fn finish(response: Response, api: bool, session: Option<SessionBar>) -> Response {
    let Some(view) = response.extensions().get::<ErrorView>().cloned() else {
        return response;
    };
    let rendered = if api {
        view.json()
    } else if let Some(session) = session.filter(|_| view.status != StatusCode::SEE_OTHER) {
        view.page(Some(session))
    } else {
        return response;
    };
    let (mut parts, _) = response.into_parts();
    let (new_parts, body) = rendered.into_parts();
    parts.status = new_parts.status;
    for (name, value) in &new_parts.headers {
        parts.headers.insert(name.clone(), value.clone());
    }
    if api {
        parts.headers.remove(LOCATION);
    }
    Response::from_parts(parts, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_in_wait_is_said_in_seconds_under_a_minute() {
        let said = |seconds| wait_text(Duration::from_secs(seconds));
        assert_eq!(
            [said(0), said(5), said(59), said(60), said(61), said(900)],
            ["1秒", "5秒", "59秒", "1分", "2分", "15分"]
        );
    }

    #[test]
    fn a_report_that_vanished_is_not_found_and_other_store_errors_are_500() {
        assert_eq!(Error::NotFound.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            Error::Store(StoreError::NotFound { id: 3 }).status(),
            StatusCode::NOT_FOUND
        );
        let corrupt = StoreError::Corrupt {
            table: "items",
            id: 1,
            detail: "secret detail".to_owned(),
        };
        assert_eq!(
            Error::Store(corrupt).status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }

    #[test]
    fn what_the_store_did_not_find_is_the_not_found_page() {
        let missing = [
            StoreError::NotFound { id: 1 },
            StoreError::PlanNotFound { id: 1 },
            StoreError::SheetNotFound {
                report_id: 1,
                no: kaikaku_model::ItemNo(2),
            },
            StoreError::UserNotFound { id: 1 },
            StoreError::CommentNotFound { id: 1 },
        ];
        for error in missing {
            let error = Error::Store(error);
            assert_eq!(error.status(), StatusCode::NOT_FOUND, "{error}");
            assert_eq!(error.message(), Error::NotFound.message(), "{error}");
        }
    }

    #[tokio::test]
    async fn a_server_error_page_hides_the_cause() {
        let corrupt = StoreError::Corrupt {
            table: "items",
            id: 1,
            detail: "secret detail".to_owned(),
        };
        let response = Error::Store(corrupt).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        let body = String::from_utf8(body.to_vec()).expect("UTF-8");
        assert!(body.contains("システムエラーが発生しました"), "{body}");
        assert!(!body.contains("secret"), "{body}");
        assert!(!body.contains("保存された行"), "{body}");
    }

    #[test]
    fn login_required_redirects_with_the_address_to_come_back_to() {
        let response = Error::LoginRequired {
            next: Some("/admin/users?x=1&y=日本".to_owned()),
        }
        .into_response();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            response
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok()),
            Some("/login?next=%2Fadmin%2Fusers%3Fx%3D1%26y%3D%E6%97%A5%E6%9C%AC")
        );
        let view = response.extensions().get::<ErrorView>().expect("a view");
        assert_eq!(view.api_status, StatusCode::UNAUTHORIZED);
    }

    #[test]
    fn a_body_that_does_not_arrive_in_time_is_408() {
        let response = Error::RequestTimeout.into_response();
        assert_eq!(response.status(), StatusCode::REQUEST_TIMEOUT);
        let view = response.extensions().get::<ErrorView>().expect("a view");
        assert_eq!(view.heading, "送信に時間がかかりすぎました");
    }

    #[test]
    fn too_many_attempts_says_when_to_retry() {
        let response = Error::TooManyAttempts {
            retry_after: Duration::from_secs(61),
        }
        .into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok()),
            Some("61")
        );
    }
}
