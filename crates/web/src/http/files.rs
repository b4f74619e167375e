//! Files to save and conditional answers: every download (an edition's files, a town's and
//! the national CSVs) is an [`attachment`] tagged with an ETag, and a request that names that
//! tag again gets a 304 ([`not_modified`]) instead of the file. The page cache revalidates
//! kept downloads with the same [`matches_etag`].

use axum::body::Bytes;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, ETAG, HeaderMap, IF_NONE_MATCH,
};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::Error;

/// How a download may be kept: by anyone, revalidated with its ETag before each use.
const DOWNLOAD_CACHE: &str = "public, no-cache";

/// A download's tag as a header value.
pub(crate) fn etag_value(etag: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(etag).map_err(|e| Error::Internal(e.to_string()))
}

/// 304 Not Modified when the request's `If-None-Match` names `etag`; else `None`, and the
/// caller makes the file ([`attachment`]).
pub(crate) fn not_modified(request_headers: &HeaderMap, etag: &HeaderValue) -> Option<Response> {
    matches_etag(request_headers, etag).then(|| {
        (
            StatusCode::NOT_MODIFIED,
            [
                (ETAG, etag.clone()),
                (CACHE_CONTROL, HeaderValue::from_static(DOWNLOAD_CACHE)),
            ],
        )
            .into_response()
    })
}

/// A file to save: `body` of `content_type`, named `name` (`fallback` in ASCII, see
/// [`content_disposition`]), tagged `etag`.
pub(crate) fn attachment(
    content_type: &'static str,
    fallback: &str,
    name: &str,
    etag: HeaderValue,
    body: Bytes,
) -> Result<Response, Error> {
    let disposition = content_disposition(fallback, name);
    Ok((
        [
            (CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).map_err(|e| Error::Internal(e.to_string()))?,
            ),
            (ETAG, etag),
            (CACHE_CONTROL, HeaderValue::from_static(DOWNLOAD_CACHE)),
        ],
        body,
    )
        .into_response())
}

/// True when `If-None-Match` names `etag` (or `*`).
pub(crate) fn matches_etag(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    let Ok(etag) = etag.to_str() else {
        return false;
    };
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
}

/// What RFC 5987 lets stand unescaped in `filename*` (its `attr-char`).
const ATTR_CHAR_ESCAPES: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `Content-Disposition` (RFC 6266) of an attachment saved as `name`, with the ASCII
/// `fallback` for clients that do not read `filename*`.
pub(crate) fn content_disposition(fallback: &str, name: &str) -> String {
    format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        utf8_percent_encode(name, ATTR_CHAR_ESCAPES)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_disposition_has_an_ascii_fallback_and_the_utf8_name() {
        assert_eq!(
            content_disposition("plan1_2021_report.pdf", "改革 プラン_令和3年度.pdf"),
            "attachment; filename=\"plan1_2021_report.pdf\"; \
             filename*=UTF-8''%E6%94%B9%E9%9D%A9%20%E3%83%97%E3%83%A9%E3%83%B3_%E4%BB%A4%E5%92%8C3%E5%B9%B4%E5%BA%A6.pdf"
        );
    }

    #[test]
    fn etags_match_one_of_a_list_weak_or_strong() {
        let etag = HeaderValue::from_static("\"7-1-report.pdf\"");
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(IF_NONE_MATCH, HeaderValue::from_static(value));
            headers
        };
        assert!(matches_etag(&with("\"x\", W/\"7-1-report.pdf\""), &etag));
        assert!(matches_etag(&with("*"), &etag));
        assert!(!matches_etag(&with("\"7-2-report.pdf\""), &etag));
        assert!(!matches_etag(&HeaderMap::new(), &etag));
    }
}
