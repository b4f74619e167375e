//! 検索: full-text search over the sheets, as a page (`GET /search?q=…`) and as JSON
//! (`GET /api/v1/search?q=…`), both over [`kaikaku_store::Search`].
//!
//! Anonymous visitors search the published editions; logged-in users also the drafts (open
//! or locked editions), which link to their sheet in the cycle. `municipality=CODE` (a
//! 全国地方公共団体コード) keeps to that municipality's plans. Matches are marked by the
//! template from the snippet's segments (`<mark>`, escaped by askama like every other text).

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use kaikaku_model::municipality::LocalGovernmentCode;
use kaikaku_model::workflow::EditionState;
use kaikaku_store::{Search, SearchFilter, SearchHit, SearchQuery, SearchScope};
use serde::Serialize;

use crate::http::api_error::ApiError;
use crate::people::auth::CurrentUser;
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
    /// The municipality code as typed (empty: every municipality).
    municipality: String,
    /// `千代田区（131016）` when the search kept to one municipality, else empty.
    restricted_to: String,
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
    /// The plan's municipality; empty when not known.
    municipality_name: String,
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
            municipality_name: hit.municipality_name.clone(),
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

/// The parameter `name` (`q`, `municipality`), if given.
fn parameter(raw: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .find(|(given, _)| given == name)
        .map(|(_, value)| value.into_owned())
}

/// The filter of the `municipality` parameter: none when it is missing or blank, else a
/// valid 全国地方公共団体コード, or why it is not one (in Japanese).
fn filter_of(municipality: &str) -> Result<SearchFilter, String> {
    if municipality.trim().is_empty() {
        return Ok(SearchFilter::default());
    }
    LocalGovernmentCode::parse(municipality)
        .map(SearchFilter::municipality)
        .map_err(|error| format!("{error}。団体コードは6桁で入力してください（例: 131016）。"))
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
        municipality: parameter(raw.as_deref(), "municipality").unwrap_or_default(),
        restricted_to: String::new(),
        message: None,
        searched: false,
        with_drafts: user.is_logged_in(),
        hits: Vec::new(),
        more: false,
    };
    let Some(query) = parameter(raw.as_deref(), "q") else {
        return Ok(page);
    };
    let searched = filter_of(&page.municipality).and_then(|filter| {
        let parsed = SearchQuery::parse(&query).map_err(|error| error.to_string())?;
        Ok((parsed, filter))
    });
    match searched {
        Ok((parsed, filter)) => {
            let results = state
                .store()
                .search(&parsed, scope(&user), &filter, LIMIT)
                .await?;
            page.searched = true;
            page.more = results.more;
            page.hits = results.hits.iter().map(HitView::new).collect();
            if let Some(code) = filter.municipality {
                page.restricted_to = match results.hits.first() {
                    Some(hit) if !hit.municipality_name.is_empty() => {
                        format!("{}（{code}）", hit.municipality_name)
                    }
                    _ => format!("団体コード {code}"),
                };
            }
        }
        Err(message) => page.message = Some(message),
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
    /// The municipality searched (its code), or none for all.
    municipality: Option<String>,
    hits: Vec<HitJson>,
    /// More items matched than returned.
    more: bool,
}

#[derive(Debug, Serialize)]
struct HitJson {
    report_id: i64,
    plan_id: i64,
    plan_name: String,
    /// The plan's 全国地方公共団体コード and municipality name; empty when not known.
    municipality_code: String,
    municipality_name: String,
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
            municipality_code: hit.municipality_code.clone(),
            municipality_name: hit.municipality_name.clone(),
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

/// `GET /api/v1/search?q=…[&municipality=CODE]`: 400 with a Japanese message for an empty
/// or too long query, or a code that is not a 全国地方公共団体コード.
pub(crate) async fn api(
    State(state): State<AppState>,
    user: CurrentUser,
    RawQuery(raw): RawQuery,
) -> Result<Json<SearchJson>, ApiError> {
    let query = parameter(raw.as_deref(), "q").unwrap_or_default();
    let municipality = parameter(raw.as_deref(), "municipality").unwrap_or_default();
    let filter = filter_of(&municipality)
        .map_err(|message| ApiError::new(StatusCode::BAD_REQUEST, message))?;
    let parsed = SearchQuery::parse(&query)
        .map_err(|error| ApiError::new(StatusCode::BAD_REQUEST, error.to_string()))?;
    let results = state
        .store()
        .search(&parsed, scope(&user), &filter, LIMIT)
        .await
        .map_err(Error::from)?;
    Ok(Json(SearchJson {
        words: parsed.words().map(str::to_owned).collect(),
        with_drafts: user.is_logged_in(),
        municipality: filter.municipality.map(|code| code.to_string()),
        hits: results.hits.iter().map(HitJson::new).collect(),
        more: results.more,
    }))
}
