//! The path parameters only the API has: `{plan_id}/{fiscal_year}/items/{no}` of a published
//! item (the edition, sheet and comment addresses are shared with the pages, in
//! [`crate::paths`]). Anything malformed is a 404.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use kaikaku_model::ItemNo;

use crate::Error;
use crate::http::extract::{param, params};
use crate::views::EditionKey;

/// `{plan_id}/{fiscal_year}/items/{no}`: one item of a published edition.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PublishedItem {
    /// The edition.
    pub key: EditionKey,
    /// The item number.
    pub no: ItemNo,
}

impl<S: Send + Sync> FromRequestParts<S> for PublishedItem {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let key = EditionKey::from_request_parts(parts, state).await?;
        let params = params(parts, state).await?;
        Ok(PublishedItem {
            key,
            no: ItemNo(param(&params, "no")?),
        })
    }
}
