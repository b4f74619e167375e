//! Reading JSON request bodies: [`ApiJson`], with the API's answers for what is not JSON.
//!
//! - a `Content-Type` other than `application/json` (parameters such as `charset=utf-8`
//!   allowed) is a 415;
//! - a body larger than the server's body limit (`ServerSettings::max_body_bytes`, by default
//!   [`MAX_JSON_BYTES`]) is a 413, refused from `Content-Length` before it is read when the
//!   client declares it;
//! - a body that is not JSON, or not the shape the route expects, is a 400 whose Japanese
//!   message names the problem and where it is (`2行14列目`, or the field path
//!   `item.effects[0].quantities[1].value`).
//!
//! Unknown fields are ignored, as everywhere in the interchange format.

use axum::extract::{FromRequest, Request};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::error::Category;

use super::ApiError;
use crate::http::server::{BodyRules, ServerSettings};

/// The largest JSON body accepted by default (the server's body limit, a setting): a whole
/// sheet is a few kilobytes, the largest item of the real sample under 20 KB.
pub const MAX_JSON_BYTES: usize = ServerSettings::DEFAULT_MAX_BODY_BYTES;

/// A JSON body deserialised into `T`.
#[derive(Debug)]
pub(crate) struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(request.headers()) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "リクエストの本文は JSON で送ってください（Content-Type: application/json）。",
            ));
        }
        let limit = BodyRules::of(request.extensions()).max_bytes;
        let declared = request
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|length| length > limit as u64) {
            return Err(too_large(limit));
        }
        let bytes = axum::body::to_bytes(request.into_body(), limit)
            .await
            .map_err(|_| too_large(limit))?;
        parse(&bytes).map(ApiJson)
    }
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("リクエストの本文が大きすぎます（{}KBまで）。", limit / 1024),
    )
}

/// True for `application/json`, with or without parameters.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}

/// `bytes` as a `T`, or a 400 that says what is wrong and where.
pub(crate) fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        describe(error.inner(), &path)
    })?;
    deserializer.end().map_err(|error| describe(&error, "."))?;
    Ok(value)
}

/// A Japanese message for a JSON error at `path` (`.` for the whole document).
fn describe(error: &serde_json::Error, path: &str) -> ApiError {
    let at = format!("{}行{}列目", error.line(), error.column());
    let message = match error.classify() {
        Category::Eof if bytes_empty(error) => {
            "リクエストの本文が空です。JSON を送ってください。".to_owned()
        }
        Category::Eof => format!("JSON が途中で終わっています（{at}）。"),
        Category::Syntax => format!("JSON の書き方に誤りがあります（{at}）: {}", detail(error)),
        Category::Io => "リクエストの本文を読み取れませんでした。".to_owned(),
        Category::Data if path == "." => {
            format!("JSON の内容が正しくありません: {}", japanese(error))
        }
        Category::Data => format!("JSON の「{path}」が正しくありません: {}", japanese(error)),
    };
    ApiError::bad_request(message).with("field", serde_json::Value::String(path.to_owned()))
}

/// An end of input at the very start: nothing was sent.
fn bytes_empty(error: &serde_json::Error) -> bool {
    error.line() == 1 && error.column() == 0
}

/// serde's message without the position that [`describe`] gives in Japanese.
fn detail(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    text.strip_suffix(&suffix).unwrap_or(&text).to_owned()
}

/// The common shape errors in Japanese; anything else keeps serde's words after a Japanese
/// sentence.
fn japanese(error: &serde_json::Error) -> String {
    let text = detail(error);
    if let Some(name) = between(&text, "missing field `", "`") {
        return format!("必須の項目「{name}」がありません。");
    }
    if let Some(rest) = text.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return format!("型が違います（{found} ではなく {expected} を指定してください）。");
        }
    }
    if let Some(rest) = text.strip_prefix("unknown variant `") {
        if let Some((value, expected)) = rest.split_once("`, expected ") {
            return format!("「{value}」は指定できません（{expected}）。");
        }
    }
    if let Some(rest) = text.strip_prefix("invalid value: ") {
        return format!("値が正しくありません（{rest}）。");
    }
    format!("読み取れません（{text}）。")
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = text.strip_prefix(start)?;
    rest.split_once(end).map(|(inside, _)| inside)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        version: i64,
        inner: Inner,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        list: Vec<u8>,
    }

    fn message(bytes: &[u8]) -> (String, String) {
        match parse::<Body>(bytes) {
            Ok(body) => panic!("parsed: {body:?}"),
            Err(ApiError::Json(status, body)) => {
                assert_eq!(status, StatusCode::BAD_REQUEST);
                (
                    body["error"].as_str().unwrap_or_default().to_owned(),
                    body["field"].as_str().unwrap_or_default().to_owned(),
                )
            }
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn malformed_json_is_described_in_japanese() {
        let (text, _) = message(b"");
        assert_eq!(text, "リクエストの本文が空です。JSON を送ってください。");
        let (text, _) = message(b"{\"version\": 1,");
        assert!(
            text.starts_with("JSON が途中で終わっています（1行"),
            "{text}"
        );
        let (text, _) = message(b"{\"version\": 1,\n \"inner\": }");
        assert!(
            text.starts_with("JSON の書き方に誤りがあります（2行"),
            "{text}"
        );
        let (text, field) = message(b"{\"inner\": {\"list\": []}}");
        assert_eq!(
            text,
            "JSON の内容が正しくありません: 必須の項目「version」がありません。"
        );
        assert_eq!(field, ".");
        let (text, field) = message(b"{\"version\": 1, \"inner\": {\"list\": [1, \"x\"]}}");
        assert_eq!(field, "inner.list[1]");
        assert!(
            text.starts_with("JSON の「inner.list[1]」が正しくありません: 型が違います（"),
            "{text}"
        );
        let (text, _) = message(b"{\"version\": 1, \"inner\": {\"list\": []}} x");
        assert!(text.starts_with("JSON の書き方に誤りがあります"), "{text}");
    }

    #[test]
    fn a_good_body_parses_and_unknown_fields_are_ignored() {
        let body: Body = parse(b"{\"version\": 3, \"inner\": {\"list\": [1]}, \"extra\": true}")
            .expect("parses");
        assert_eq!(body.version, 3);
    }

    #[test]
    fn only_json_content_types() {
        let mut headers = HeaderMap::new();
        assert!(!is_json(&headers));
        for (value, json) in [
            ("application/json", true),
            ("application/json; charset=utf-8", true),
            ("Application/JSON", true),
            ("text/plain", false),
            ("application/x-www-form-urlencoded", false),
            ("application/jsonx", false),
        ] {
            headers.insert(CONTENT_TYPE, axum::http::HeaderValue::from_static(value));
            assert_eq!(is_json(&headers), json, "{value}");
        }
    }
}
