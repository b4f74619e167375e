//! Path parameters, read in one place for the pages and the API: canonical numbers only
//! (`/editions/01` and `/editions/+1` are not found), and anything malformed is a 404, never
//! a 400 or a 500.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use kaikaku_model::ItemNo;

use crate::Error;

/// A positive number written canonically: ASCII digits, no sign, no leading zero, at most 18
/// digits. One address per page: `/plans/01/2021` and `/plans/+1/2021` are not found.
pub(crate) fn number(text: &str) -> Option<u64> {
    let canonical = !text.is_empty()
        && text.len() <= 18
        && text.bytes().all(|b| b.is_ascii_digit())
        && !text.starts_with('0');
    if !canonical {
        return None;
    }
    text.parse().ok()
}

/// Every `{name}` of the matched route with its value; a 404 when they cannot be read.
pub(crate) async fn params<S: Send + Sync>(
    parts: &mut Parts,
    state: &S,
) -> Result<Vec<(String, String)>, Error> {
    Path::<Vec<(String, String)>>::from_request_parts(parts, state)
        .await
        .map(|Path(params)| params)
        .map_err(|_| Error::NotFound)
}

/// The parameter `name` as a canonical number that fits `T`; a 404 otherwise.
pub(crate) fn param<T: TryFrom<u64>>(params: &[(String, String)], name: &str) -> Result<T, Error> {
    params
        .iter()
        .find(|(key, _)| key == name)
        .and_then(|(_, value)| number(value))
        .and_then(|n| T::try_from(n).ok())
        .ok_or(Error::NotFound)
}

/// `{id}` of `/editions/{id}…` and `/api/v1/editions/{id}…`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct EditionId(pub i64);

/// `{id}` and `{no}` of `…/editions/{id}/sheets/{no}…`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SheetKey {
    /// The edition.
    pub report_id: i64,
    /// The item number.
    pub no: ItemNo,
}

/// `…/sheets/{no}/comments/{comment_id}…`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CommentKey {
    /// The sheet.
    pub sheet: SheetKey,
    /// The comment.
    pub comment_id: i64,
}

impl<S: Send + Sync> FromRequestParts<S> for EditionId {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = params(parts, state).await?;
        Ok(EditionId(param(&params, "id")?))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for SheetKey {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = params(parts, state).await?;
        Ok(SheetKey {
            report_id: param(&params, "id")?,
            no: ItemNo(param(&params, "no")?),
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CommentKey {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = params(parts, state).await?;
        Ok(CommentKey {
            sheet: SheetKey {
                report_id: param(&params, "id")?,
                no: ItemNo(param(&params, "no")?),
            },
            comment_id: param(&params, "comment_id")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_paths_are_canonical() {
        assert_eq!(number("1"), Some(1));
        assert_eq!(number("2021"), Some(2021));
        for bad in [
            "",
            "0",
            "01",
            "+1",
            "-1",
            "1.0",
            "１",
            "x",
            "99999999999999999999",
            " 1",
        ] {
            assert_eq!(number(bad), None, "{bad:?}");
        }
    }
}
