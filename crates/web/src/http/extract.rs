//! Path parameters and queries, read in one place for the pages and the API: canonical
//! numbers only (`/editions/01` and `/editions/+1` are not found), and anything malformed is a
//! 404, never a 400 or a 500; the editions' and items' addresses ([`EditionKey`],
//! [`ItemKey`]); flags of a query string ([`has_pair`]).

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use kaikaku_model::{FiscalYear, ItemNo};

use crate::Error;
use crate::views::EditionKey;

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

/// The parameter `name` when it is exactly `digits` ASCII digits (a code: `13`, `131016`), so
/// that each code has one address (parsers of codes also read full-width digits; paths do not).
pub(crate) fn code_param<'a>(
    params: &'a [(String, String)],
    name: &str,
    digits: usize,
) -> Option<&'a str> {
    params
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
        .filter(|code| code.len() == digits && code.bytes().all(|b| b.is_ascii_digit()))
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

/// `…/sheets/{no}/history/{entry}`: one entry of a sheet's history.
#[derive(Clone, Copy, Debug)]
pub(crate) struct HistoryEntryKey {
    /// The sheet.
    pub sheet: SheetKey,
    /// The audit entry's id.
    pub entry: i64,
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

impl<S: Send + Sync> FromRequestParts<S> for HistoryEntryKey {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = params(parts, state).await?;
        Ok(HistoryEntryKey {
            sheet: SheetKey {
                report_id: param(&params, "id")?,
                no: ItemNo(param(&params, "no")?),
            },
            entry: param(&params, "entry")?,
        })
    }
}

/// The page number of a paginated list, `?page=N` (from 1; `1` without the parameter);
/// anything else (`0`, `abc`, a second `page`) is [`Error::NotFound`]: there is no such page.
pub(crate) fn page_number(query: Option<&str>) -> Result<u64, Error> {
    let mut pages = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .filter(|(key, _)| key == "page")
        .map(|(_, value)| value.into_owned());
    let page = match (pages.next(), pages.next()) {
        (None, _) => return Ok(1),
        (Some(page), None) => page,
        (Some(_), Some(_)) => return Err(Error::NotFound),
    };
    // Digits only: `+1` and ` 1` are not page numbers.
    if page.is_empty() || !page.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::NotFound);
    }
    match page.parse::<u64>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(Error::NotFound),
    }
}

/// True when the query string holds `pair` (`paper=a3`, `bom=1`), ignoring ASCII case.
pub(crate) fn has_pair(query: Option<&str>, pair: &str) -> bool {
    query.is_some_and(|query| query.split('&').any(|p| p.eq_ignore_ascii_case(pair)))
}

/// The address of one item of a published edition, `{plan_id}/{fiscal_year}/items/{no}`: the
/// item page and the API's item alike.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ItemKey {
    /// The edition.
    pub edition: EditionKey,
    /// The item number.
    pub no: ItemNo,
}

impl<S: Send + Sync> FromRequestParts<S> for EditionKey {
    type Rejection = Error;

    /// Reads `{plan_id}` and `{fiscal_year}`; anything malformed is a 404, never a 400 or 500.
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = params(parts, state).await?;
        edition_key(&params).ok_or(Error::NotFound)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ItemKey {
    type Rejection = Error;

    /// Reads `{plan_id}`, `{fiscal_year}` and `{no}`; anything malformed is a 404.
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = params(parts, state).await?;
        let edition = edition_key(&params).ok_or(Error::NotFound)?;
        let no = ItemNo(param(&params, "no")?);
        Ok(ItemKey { edition, no })
    }
}

/// The edition key of the path parameters `{plan_id}` and `{fiscal_year}`.
pub(crate) fn edition_key(params: &[(String, String)]) -> Option<EditionKey> {
    let plan_id = param(params, "plan_id").ok()?;
    let fiscal_year = param::<i32>(params, "fiscal_year")
        .ok()
        .and_then(FiscalYear::new)?;
    Some(EditionKey {
        plan_id,
        fiscal_year,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_are_digits_from_one() {
        assert_eq!(page_number(None).ok(), Some(1));
        assert_eq!(page_number(Some("")).ok(), Some(1));
        assert_eq!(page_number(Some("done=saved")).ok(), Some(1));
        assert_eq!(page_number(Some("page=2")).ok(), Some(2));
        assert_eq!(page_number(Some("a=1&page=12")).ok(), Some(12));
        for bad in [
            "page=",
            "page=0",
            "page=-1",
            "page=+1",
            "page=%201",
            "page=abc",
            "page=1.5",
            "page=99999999999999999999",
            "page=1&page=2",
        ] {
            assert!(
                matches!(page_number(Some(bad)), Err(Error::NotFound)),
                "{bad}"
            );
        }
    }

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

    #[test]
    fn edition_keys_need_a_fiscal_year_in_range() {
        let params = |plan: &str, year: &str| {
            vec![
                ("plan_id".to_owned(), plan.to_owned()),
                ("fiscal_year".to_owned(), year.to_owned()),
            ]
        };
        let key = edition_key(&params("1", "2021")).expect("a key");
        assert_eq!((key.plan_id, key.fiscal_year.gregorian()), (1, 2021));
        assert!(edition_key(&params("1", "3")).is_none());
        assert!(edition_key(&params("1", "令和3")).is_none());
        assert!(edition_key(&params("x", "2021")).is_none());
    }
}
