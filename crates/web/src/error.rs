//! The one error type of the web layer and how it becomes a response: a Japanese page with the
//! right status. Server errors show a generic page and log their cause; internal error text
//! never reaches the browser.

use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kaikaku_store::StoreError;

use crate::views::{Crumb, Layout};

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
    /// The store failed. A report that vanished between listing and loading (replaced by a
    /// re-import) is a 404; anything else is a 500.
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

/// The error page.
#[derive(Debug, Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: &'static str,
    message: &'static str,
}

impl Error {
    fn status(&self) -> StatusCode {
        match self {
            Error::NotFound | Error::Store(StoreError::NotFound { .. }) => StatusCode::NOT_FOUND,
            Error::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Error::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        let (heading, message) = match status {
            StatusCode::NOT_FOUND => (
                "ページが見つかりません",
                "お探しのページは見つかりませんでした。アドレスに誤りがないかご確認いただくか、公開中の報告の一覧からお探しください。",
            ),
            StatusCode::METHOD_NOT_ALLOWED => (
                "この操作はできません",
                "このページはこの方法では利用できません。公開中の報告の一覧からお探しください。",
            ),
            _ => {
                tracing::error!(error = %self, "request failed");
                (
                    "システムエラーが発生しました",
                    "ただいまページを表示できません。しばらく時間をおいてから、もう一度お試しください。",
                )
            }
        };
        let page = ErrorPage {
            layout: Layout {
                title: heading.to_owned(),
                crumbs: vec![
                    Crumb::home(),
                    Crumb {
                        label: heading.to_owned(),
                        href: None,
                    },
                ],
                paper_a3: false,
            },
            heading,
            message,
        };
        (status, page).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
