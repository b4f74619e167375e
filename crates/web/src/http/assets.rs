//! Static assets compiled into the binary: the screen and print stylesheets. The server needs
//! no files beside it.

use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

/// Typography, layout and the document's tables, for every medium.
pub(crate) const SITE_CSS: &str = include_str!("../../assets/site.css");
/// Print rules: A4 landscape (A3 with `?paper=a3`), one item sheet per page, no navigation.
pub(crate) const PRINT_CSS: &str = include_str!("../../assets/print.css");

/// `GET /assets/site.css`.
pub(crate) async fn site_css() -> Response {
    css(SITE_CSS)
}

/// `GET /assets/print.css`.
pub(crate) async fn print_css() -> Response {
    css(PRINT_CSS)
}

fn css(body: &'static str) -> Response {
    (
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        body,
    )
        .into_response()
}
