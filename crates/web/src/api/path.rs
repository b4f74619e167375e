//! The path parameters of the API: `{id}` (an edition), `{no}` (an item), and with
//! [`EditionKey`] `{plan_id}/{fiscal_year}`. Anything malformed is a 404, as on the pages
//! (`/api/v1/editions/01` and `/api/v1/editions/x` are not found, never a 400 or a 500).

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use kaikaku_model::ItemNo;

use crate::Error;
use crate::public::number;
use crate::views::EditionKey;

/// `{id}`: an edition (a report id).
#[derive(Clone, Copy, Debug)]
pub(crate) struct EditionId(pub i64);

/// `{id}/sheets/{no}`: one sheet of an edition.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SheetPath {
    /// The edition.
    pub report_id: i64,
    /// The item number.
    pub no: ItemNo,
}

/// `{id}/sheets/{no}/comments/{comment_id}`: one comment of a sheet.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CommentPath {
    /// The sheet.
    pub sheet: SheetPath,
    /// The comment id.
    pub comment_id: i64,
}

/// `{plan_id}/{fiscal_year}/items/{no}`: one item of a published edition.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PublishedItem {
    /// The edition.
    pub key: EditionKey,
    /// The item number.
    pub no: ItemNo,
}

impl<S: Send + Sync> FromRequestParts<S> for EditionId {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = params(parts, state).await?;
        id(&params).map(EditionId).ok_or(Error::NotFound)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for SheetPath {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = params(parts, state).await?;
        let report_id = id(&params).ok_or(Error::NotFound)?;
        let no = item_no(&params).ok_or(Error::NotFound)?;
        Ok(SheetPath { report_id, no })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CommentPath {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = params(parts, state).await?;
        let report_id = id(&params).ok_or(Error::NotFound)?;
        let no = item_no(&params).ok_or(Error::NotFound)?;
        let comment_id = param(&params, "comment_id")
            .and_then(number)
            .and_then(|n| i64::try_from(n).ok())
            .ok_or(Error::NotFound)?;
        Ok(CommentPath {
            sheet: SheetPath { report_id, no },
            comment_id,
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PublishedItem {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let key = EditionKey::from_request_parts(parts, state).await?;
        let params = params(parts, state).await?;
        let no = item_no(&params).ok_or(Error::NotFound)?;
        Ok(PublishedItem { key, no })
    }
}

async fn params<S: Send + Sync>(
    parts: &mut Parts,
    state: &S,
) -> Result<Vec<(String, String)>, Error> {
    Path::<Vec<(String, String)>>::from_request_parts(parts, state)
        .await
        .map(|Path(params)| params)
        .map_err(|_| Error::NotFound)
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

fn id(params: &[(String, String)]) -> Option<i64> {
    param(params, "id")
        .and_then(number)
        .and_then(|n| i64::try_from(n).ok())
}

fn item_no(params: &[(String, String)]) -> Option<ItemNo> {
    param(params, "no")
        .and_then(number)
        .and_then(|n| u32::try_from(n).ok())
        .map(ItemNo)
}
