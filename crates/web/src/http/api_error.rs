//! Errors of the API as JSON: `{"error": "…"}` with the status that says what happened, and
//! for some errors more fields beside `error` (a 409 of a stale save carries the sheet as it
//! is now).
//!
//! The web layer's errors ([`crate::Error`]: 401, 403, 404, 409, 422, 500, with the statuses
//! decided in `crate::error` for the pages and the API alike) are rendered by its middleware,
//! as JSON under `/api/`. What only the API answers is made here: 400 for malformed JSON, 413,
//! 415, 422 for an item that does not convert (with the field's path), and the 409 of a stale
//! version, which carries `current_version` and (from the sheet write handlers) `current`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kaikaku_interchange::InterchangeError;
use kaikaku_store::StoreError;
use serde_json::{Map, Value, json};

use crate::Error;

/// Why an API request was not done.
#[derive(Debug)]
pub(crate) enum ApiError {
    /// An error the whole site shares, rendered by the error middleware (JSON under `/api/`).
    Web(Error),
    /// A JSON answer of the API's own: a status and a body with at least `error`.
    Json(StatusCode, Map<String, Value>),
}

impl ApiError {
    /// `status` with `{"error": message}`.
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        let mut body = Map::new();
        body.insert("error".to_owned(), Value::String(message.into()));
        ApiError::Json(status, body)
    }

    /// 400: the body is not the JSON the route expects.
    pub(crate) fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 409: the request conflicts with the state of the data.
    pub(crate) fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, message)
    }

    /// 422: well-formed JSON whose content does not make a valid value.
    pub(crate) fn unprocessable(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    /// The same error with one more field in its body (no effect on [`ApiError::Web`]).
    pub(crate) fn with(mut self, name: &str, value: Value) -> ApiError {
        if let ApiError::Json(_, body) = &mut self {
            body.insert(name.to_owned(), value);
        }
        self
    }
}

impl From<Error> for ApiError {
    /// The web layer's error, rendered by its middleware (JSON under `/api/`). A stale version
    /// gets its `current_version` here; the sheet write handlers add the sheet as it is now
    /// (`current`).
    fn from(error: Error) -> ApiError {
        match error {
            Error::Conflict {
                current_version, ..
            }
            | Error::Store(StoreError::Conflict { current_version }) => {
                ApiError::conflict(StoreError::Conflict { current_version }.to_string())
                    .with("current_version", json!(current_version))
            }
            other => ApiError::Web(other),
        }
    }
}

impl From<InterchangeError> for ApiError {
    /// 422 naming the field that does not convert (`item.effects[0].quantities[1].unit`).
    fn from(error: InterchangeError) -> ApiError {
        let field = error.path.clone();
        ApiError::unprocessable(error.to_string()).with("field", Value::String(field))
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        ApiError::from(Error::Store(error))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Web(error) => error.into_response(),
            ApiError::Json(status, body) => (status, Json(Value::Object(body))).into_response(),
        }
    }
}
