//! The public pages, open to anyone without logging in: the list of published editions (or the
//! directory of municipalities), each edition as a document that reads like the published PDF,
//! and each item sheet alone at a stable address.
//!
//! Only published editions are shown (imported reports, and editions of the reporting cycle
//! once published; drafts never), read through [`super::service`]. An edition is addressed by
//! its plan id and Gregorian report fiscal year (`/plans/1/2021`); an item by its number
//! (`/plans/1/2021/items/19`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{RawQuery, State};
use kaikaku_model::Item;
use kaikaku_store::Store;

use super::downloads;
use super::service::{correction_box, load_edition};
use crate::http::extract::{ItemKey, has_pair};
use crate::people::auth::CurrentUser;
use crate::public::municipalities::{self, Directory};
use crate::views::edition::{CorrectionBox, EditionArticle};
use crate::views::{
    self, Crumb, EditionHead, EditionKey, FindingView, Layout, PlanGroup, SheetView,
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
    article: EditionArticle,
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
    let correction = correction_box(&state, &stored, &report, key, None).await?;
    let article = EditionArticle::new(&report, key, correction, downloads::views(key));
    Ok(EditionPage {
        layout: Layout {
            title: report.title.clone(),
            crumbs: article.head.crumbs(true, []),
            paper_a3: wants_a3(query.as_deref()),
            session: user.bar(),
        },
        article,
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
    let item = report.item(no.0).ok_or(Error::NotFound)?;
    let correction = correction_box(&state, &stored, &report, key, Some(item.no)).await?;
    let head = EditionHead::new(key, &report);
    let sheet = SheetView::new(key, &report.fiscal_years, item);
    let findings: Vec<_> = kaikaku_check::check(&report)
        .into_iter()
        .filter(|finding| finding.item_no == item.no)
        .collect();
    let (previous, next) = views::neighbours(&report, no.0);
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

/// True when the query string asks for A3 paper (`paper=a3`). Any other query is ignored.
fn wants_a3(query: Option<&str>) -> bool {
    has_pair(query, "paper=a3")
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
}
