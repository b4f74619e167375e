//! 検索: full-text search over the sheets, as a page (`GET /search?q=…`) and as JSON
//! (`GET /api/v1/search?q=…`), both over [`kaikaku_store::Search`].
//!
//! Anonymous visitors search the published editions; logged-in users also the drafts (open
//! or locked editions), which link to their sheet in the cycle. Matches are marked by the
//! template from the snippet's segments (`<mark>`, escaped by askama like every other text).

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use kaikaku_model::workflow::EditionState;
use kaikaku_store::{Search, SearchHit, SearchQuery, SearchScope};
use serde::Serialize;

use crate::api::ApiError;
use crate::auth::CurrentUser;
use crate::views::{Crumb, EditionKey, Layout};
use crate::{AppState, Error};

/// How many items a search shows.
pub(crate) const LIMIT: u32 = 50;

/// `GET /search`: the form, and the results of `q`.
#[derive(Debug, Template, WebTemplate)]
#[template(path = "search.html")]
pub(crate) struct SearchPage {
    layout: Layout,
    /// The query as typed (empty before a search).
    query: String,
    /// Why the query was not searched, in Japanese.
    message: Option<String>,
    /// Whether a search ran (to say 「見つかりませんでした」).
    searched: bool,
    /// Whether drafts were searched too.
    with_drafts: bool,
    hits: Vec<HitView>,
    /// More items matched than [`LIMIT`].
    more: bool,
}

/// One hit as shown.
#[derive(Debug)]
struct HitView {
    plan_name: String,
    /// `令和3年度（2021年度）`.
    year_label: String,
    /// `No.11`.
    no_label: String,
    title: String,
    href: String,
    /// `第2版・入力中` for drafts and later revisions, else empty.
    edition_note: String,
    field_label: String,
    /// The snippet in pieces, each with whether it is a match.
    segments: Vec<(String, bool)>,
}

impl HitView {
    fn new(hit: &SearchHit) -> HitView {
        let draft = hit.edition_status != EditionState::Published;
        let mut notes = Vec::new();
        if hit.revision > 1 {
            notes.push(format!("第{}版", hit.revision));
        }
        if draft {
            notes.push(format!("{}（未公開）", hit.edition_status.label()));
        }
        HitView {
            plan_name: hit.plan_name.clone(),
            year_label: hit.fiscal_year.label(),
            no_label: format!("No.{}", hit.no.0),
            title: hit.title.clone(),
            href: hit_href(hit),
            edition_note: notes.join("・"),
            field_label: hit.field_label.clone(),
            segments: hit
                .snippet
                .segments()
                .into_iter()
                .map(|(text, marked)| (text.to_owned(), marked))
                .collect(),
        }
    }
}

/// The item's page: the public sheet of a published edition, the cycle's sheet of a draft.
fn hit_href(hit: &SearchHit) -> String {
    match hit.edition_status {
        EditionState::Published => EditionKey {
            plan_id: hit.plan_id,
            fiscal_year: hit.fiscal_year,
        }
        .item_href(hit.no),
        EditionState::Open | EditionState::Locked => {
            format!("/editions/{}/sheets/{}", hit.report_id, hit.no.0)
        }
    }
}

/// The `q` parameter, if given.
fn query_parameter(raw: Option<&str>) -> Option<String> {
    form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .find(|(name, _)| name == "q")
        .map(|(_, value)| value.into_owned())
}

fn scope(user: &CurrentUser) -> SearchScope {
    if user.is_logged_in() {
        SearchScope::WithDrafts
    } else {
        SearchScope::Published
    }
}

/// `GET /search?q=…`.
pub(crate) async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    RawQuery(raw): RawQuery,
) -> Result<SearchPage, Error> {
    let mut page = SearchPage {
        layout: Layout {
            title: "検索".to_owned(),
            crumbs: vec![
                Crumb::home(),
                Crumb {
                    label: "検索".to_owned(),
                    href: None,
                },
            ],
            paper_a3: false,
            session: user.bar(),
        },
        query: String::new(),
        message: None,
        searched: false,
        with_drafts: user.is_logged_in(),
        hits: Vec::new(),
        more: false,
    };
    let Some(query) = query_parameter(raw.as_deref()) else {
        return Ok(page);
    };
    match SearchQuery::parse(&query) {
        Ok(parsed) => {
            let results = state.store().search(&parsed, scope(&user), LIMIT).await?;
            page.searched = true;
            page.more = results.more;
            page.hits = results.hits.iter().map(HitView::new).collect();
        }
        Err(error) => page.message = Some(error.to_string()),
    }
    page.layout.title = format!("「{query}」の検索結果");
    page.query = query;
    Ok(page)
}

/// The answer of `GET /api/v1/search`.
#[derive(Debug, Serialize)]
pub(crate) struct SearchJson {
    /// The words searched, folded.
    words: Vec<String>,
    /// Whether drafts were searched (logged-in users).
    with_drafts: bool,
    hits: Vec<HitJson>,
    /// More items matched than returned.
    more: bool,
}

#[derive(Debug, Serialize)]
struct HitJson {
    report_id: i64,
    plan_id: i64,
    plan_name: String,
    fiscal_year: i32,
    fiscal_year_label: String,
    revision: i32,
    /// open, locked or published.
    status: &'static str,
    no: u32,
    title: String,
    /// The field path (`narratives.0`).
    field: String,
    field_label: String,
    /// The item's page.
    href: String,
    snippet: SnippetJson,
}

#[derive(Debug, Serialize)]
struct SnippetJson {
    text: String,
    /// `[start, end)` in characters of `text`.
    marks: Vec<[usize; 2]>,
}

impl HitJson {
    fn new(hit: &SearchHit) -> HitJson {
        let chars = |byte: usize| hit.snippet.text[..byte].chars().count();
        HitJson {
            report_id: hit.report_id,
            plan_id: hit.plan_id,
            plan_name: hit.plan_name.clone(),
            fiscal_year: hit.fiscal_year.gregorian(),
            fiscal_year_label: hit.fiscal_year.label(),
            revision: hit.revision,
            status: hit.edition_status.code(),
            no: hit.no.0,
            title: hit.title.clone(),
            field: hit.field.path(),
            field_label: hit.field_label.clone(),
            href: hit_href(hit),
            snippet: SnippetJson {
                text: hit.snippet.text.clone(),
                marks: hit
                    .snippet
                    .marks
                    .iter()
                    .map(|mark| [chars(mark.start), chars(mark.end)])
                    .collect(),
            },
        }
    }
}

/// `GET /api/v1/search?q=…`: 400 with a Japanese message for an empty or too long query.
pub(crate) async fn api(
    State(state): State<AppState>,
    user: CurrentUser,
    RawQuery(raw): RawQuery,
) -> Result<Json<SearchJson>, ApiError> {
    let query = query_parameter(raw.as_deref()).unwrap_or_default();
    let parsed = SearchQuery::parse(&query)
        .map_err(|error| ApiError::new(StatusCode::BAD_REQUEST, error.to_string()))?;
    let results = state
        .store()
        .search(&parsed, scope(&user), LIMIT)
        .await
        .map_err(Error::from)?;
    Ok(Json(SearchJson {
        words: parsed.words().map(str::to_owned).collect(),
        with_drafts: user.is_logged_in(),
        hits: results.hits.iter().map(HitJson::new).collect(),
        more: results.more,
    }))
}
