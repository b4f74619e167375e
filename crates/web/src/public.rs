//! The public pages, open to anyone without logging in: the list of published editions, each
//! edition as a document that reads like the published PDF, and each item sheet alone at a
//! stable address.
//!
//! Every report stored (imported with `kaikaku import`) is a past published edition. An
//! edition is addressed by its plan id and Gregorian report fiscal year
//! (`/plans/1/2021`); an item by its number (`/plans/1/2021/items/19`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{FromRequestParts, RawQuery, State};
use axum::http::request::Parts;
use kaikaku_model::{FiscalYear, Item, ItemNo, Report};
use kaikaku_store::{Cycle, Store, StoredReport};

use crate::auth::CurrentUser;
use crate::cycle::views::ChangeView;
use crate::downloads::{self, DownloadView};
use crate::municipalities::{self, Directory};
use crate::paths::{param, params};
use crate::views::{
    self, Crumb, EditionHead, EditionKey, FindingView, Layout, PlanGroup, SheetView, SummaryRowView,
};
use crate::{AppState, Error};

/// `GET /`: 公開中の報告.
#[derive(Debug, Template, WebTemplate)]
#[template(path = "index.html")]
pub(crate) struct IndexPage {
    layout: Layout,
    /// The municipalities, when there are several.
    directory: Option<Directory>,
    plans: Vec<PlanGroup>,
}

/// `GET /plans/{plan_id}/{fiscal_year}`: an edition as a document.
#[derive(Debug, Template, WebTemplate)]
#[template(path = "edition.html")]
pub(crate) struct EditionPage {
    layout: Layout,
    head: EditionHead,
    summary: Vec<SummaryRowView>,
    findings: Vec<FindingView>,
    sheets: Vec<SheetView>,
    correction: Option<CorrectionBox>,
    /// The 「ダウンロード（オープンデータ）」 box.
    downloads: Vec<DownloadView>,
}

/// What an edition shows on its page and in its PDF (`pdf::EditionDocument`), built once.
#[derive(Debug)]
pub(crate) struct EditionParts {
    pub head: EditionHead,
    pub summary: Vec<SummaryRowView>,
    pub findings: Vec<FindingView>,
    pub sheets: Vec<SheetView>,
}

impl EditionParts {
    /// The parts of `report` published at `key`.
    pub(crate) fn new(report: &Report, key: EditionKey) -> EditionParts {
        EditionParts {
            head: EditionHead::new(key, report),
            summary: views::summary(report),
            findings: views::findings(&kaikaku_check::check(report)),
            sheets: report
                .items
                .iter()
                .map(|item| SheetView::new(key, &report.fiscal_years, item))
                .collect(),
        }
    }
}

/// `GET /plans/{plan_id}/{fiscal_year}/items/{no}`: one item sheet.
#[derive(Debug, Template, WebTemplate)]
#[template(path = "item.html")]
pub(crate) struct ItemPage {
    layout: Layout,
    head: EditionHead,
    sheet: SheetView,
    findings: Vec<FindingView>,
    /// The sheet's place on the edition page (`/plans/1/2021#no-19`).
    contents_href: String,
    previous: Option<ItemLink>,
    next: Option<ItemLink>,
    correction: Option<CorrectionBox>,
}

/// The 訂正 box of a corrected edition (revision 2 and later): why, when, and what changed
/// from the revision before.
#[derive(Debug)]
pub(crate) struct CorrectionBox {
    /// 第2版.
    pub(crate) revision: i32,
    /// When the correction was published (和暦).
    pub(crate) published: String,
    /// Why.
    pub(crate) note: String,
    /// The changes, item by item.
    pub(crate) changes: Vec<CorrectionLine>,
}

impl CorrectionBox {
    /// The box with each change linked to its sheet inside the document (`#no-2`), for the
    /// standalone document printed to PDF.
    pub(crate) fn linked_within_document(mut self) -> CorrectionBox {
        for line in &mut self.changes {
            line.href = format!("#no-{}", line.no.0);
        }
        self
    }
}

/// One change of a correction.
#[derive(Debug)]
pub(crate) struct CorrectionLine {
    /// The item changed.
    pub(crate) no: ItemNo,
    /// `No.2 事務事業の整理・統廃合の推進`.
    pub(crate) item: String,
    /// The item's address.
    pub(crate) href: String,
    /// The change, with its readable diff.
    pub(crate) change: ChangeView,
}

/// A link to a neighbouring item.
#[derive(Debug)]
struct ItemLink {
    href: String,
    /// `No.18 使用料等の収入確保`.
    label: String,
}

/// `GET /`: the plans and their editions, or, when the site publishes the reports of more
/// than one municipality, the directory of municipalities (and the plans of none).
pub(crate) async fn index(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<IndexPage, Error> {
    let summaries = state.store().list_municipalities().await?;
    let (directory, plans) = if municipalities::needs_directory(&summaries) {
        let (directory, unassigned) = municipalities::directory(&state, &summaries).await?;
        (Some(directory), unassigned)
    } else {
        let reports = state.store().list_reports().await?;
        (None, views::plan_groups(&reports))
    };
    Ok(IndexPage {
        layout: Layout {
            title: "公開中の報告".to_owned(),
            crumbs: vec![Crumb {
                label: "公開中の報告".to_owned(),
                href: None,
            }],
            paper_a3: false,
            session: user.bar(),
        },
        directory,
        plans,
    })
}

/// `GET /plans/{plan_id}/{fiscal_year}`.
pub(crate) async fn edition(
    State(state): State<AppState>,
    user: CurrentUser,
    key: EditionKey,
    RawQuery(query): RawQuery,
) -> Result<EditionPage, Error> {
    let (stored, report) = load_edition(&state, key).await?;
    let EditionParts {
        head,
        summary,
        findings,
        sheets,
    } = EditionParts::new(&report, key);
    let correction = correction_box(&state, &stored, &report, key, None).await?;
    Ok(EditionPage {
        correction,
        downloads: downloads::views(key),
        layout: Layout {
            title: report.title.clone(),
            crumbs: head.crumbs(true, []),
            paper_a3: wants_a3(query.as_deref()),
            session: user.bar(),
        },
        summary,
        findings,
        sheets,
        head,
    })
}

/// `GET /plans/{plan_id}/{fiscal_year}/items/{no}`.
pub(crate) async fn item(
    State(state): State<AppState>,
    user: CurrentUser,
    ItemKey { edition: key, no }: ItemKey,
    RawQuery(query): RawQuery,
) -> Result<ItemPage, Error> {
    let (stored, report) = load_edition(&state, key).await?;
    let item = report.item(no).ok_or(Error::NotFound)?;
    let correction = correction_box(&state, &stored, &report, key, Some(item.no)).await?;
    let head = EditionHead::new(key, &report);
    let sheet = SheetView::new(key, &report.fiscal_years, item);
    let findings: Vec<_> = kaikaku_check::check(&report)
        .into_iter()
        .filter(|finding| finding.item_no == item.no)
        .collect();
    let (previous, next) = views::neighbours(&report, no);
    let link = |item: &Item| ItemLink {
        href: key.item_href(item.no),
        label: format!("{} {}", item.no, item.title),
    };
    Ok(ItemPage {
        layout: Layout {
            title: format!("{} {}｜{}", item.no, item.title, report.title),
            crumbs: head.crumbs(
                false,
                [Crumb {
                    label: item.no.to_string(),
                    href: None,
                }],
            ),
            paper_a3: wants_a3(query.as_deref()),
            session: user.bar(),
        },
        contents_href: format!("{}#{}", head.href, sheet.anchor),
        findings: views::findings(&findings),
        previous: previous.map(link),
        next: next.map(link),
        correction,
        sheet,
        head,
    })
}

/// The report published at `key`: found in the listing, then loaded.
///
/// Fails with [`Error::NotFound`] when no stored report has this plan and fiscal year, and
/// with [`Error::Store`] when the database fails.
pub(crate) async fn load_edition(
    state: &AppState,
    key: EditionKey,
) -> Result<(StoredReport, Report), Error> {
    let stored = state
        .store()
        .published(key.plan_id, key.fiscal_year)
        .await?
        .ok_or(Error::NotFound)?;
    let report = state.store().load_report(stored.id).await?;
    Ok((stored, report))
}

/// The 訂正 box of `stored` when it is a correction (revision 2 or later): the changes from
/// the revision before, all of them or those of item `only`.
pub(crate) async fn correction_box(
    state: &AppState,
    stored: &StoredReport,
    report: &Report,
    key: EditionKey,
    only: Option<ItemNo>,
) -> Result<Option<CorrectionBox>, Error> {
    if stored.revision <= 1 {
        return Ok(None);
    }
    let edition = state.store().edition(stored.id).await?;
    let changes = crate::cycle::service::correction_changes(state.store(), &edition).await?;
    let title = |no: ItemNo| {
        report
            .item(no.0)
            .map_or_else(|| no.to_string(), |item| format!("{no} {}", item.title))
    };
    Ok(Some(CorrectionBox {
        revision: stored.revision,
        published: stored
            .published_at
            .map(crate::cycle::views::when)
            .unwrap_or_default(),
        note: stored.correction_note.clone().unwrap_or_default(),
        changes: changes
            .iter()
            .filter(|(no, _)| only.is_none_or(|only| only == *no))
            .map(|(no, change)| CorrectionLine {
                no: *no,
                item: title(*no),
                href: key.item_href(*no),
                change: ChangeView::new(change),
            })
            .collect(),
    }))
}

/// True when the query string asks for A3 paper (`paper=a3`). Any other query is ignored.
fn wants_a3(query: Option<&str>) -> bool {
    has_pair(query, "paper=a3")
}

/// True when the query string holds `pair` (`paper=a3`, `bom=1`), ignoring ASCII case.
pub(crate) fn has_pair(query: Option<&str>, pair: &str) -> bool {
    query.is_some_and(|query| query.split('&').any(|p| p.eq_ignore_ascii_case(pair)))
}

/// The item address `/plans/{plan_id}/{fiscal_year}/items/{no}`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ItemKey {
    edition: EditionKey,
    no: u32,
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
        let no = param(&params, "no")?;
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
    fn the_paper_query() {
        assert!(wants_a3(Some("paper=a3")));
        assert!(wants_a3(Some("x=1&paper=A3")));
        assert!(!wants_a3(Some("paper=a4")));
        assert!(!wants_a3(Some("paper=a3x")));
        assert!(!wants_a3(None));
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
