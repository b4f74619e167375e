//! Reading submitted forms: [`Form`], axum's form extractor with the web layer's errors (a
//! Japanese 400 page instead of plain-text rejections).

use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::Error;

/// An `application/x-www-form-urlencoded` body deserialised into `T`. Unknown fields (such as
/// `_csrf`) are ignored; a body that is not such a form, or lacks a required field, is
/// [`Error::BadRequest`].
#[derive(Debug)]
pub struct Form<T>(pub T);

impl<T, S> FromRequest<S> for Form<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Form::<T>::from_request(request, state)
            .await
            .map(|axum::Form(value)| Form(value))
            .map_err(|_| Error::BadRequest)
    }
}
