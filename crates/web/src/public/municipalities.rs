//! The municipalities (地方公共団体) whose reports the site publishes.
//!
//! When the site publishes the plans of more than one municipality (a prefecture's or a
//! national service), the top page is a directory of them by prefecture ([`directory`]); each
//! has its page at `/municipalities/{code}` (全国地方公共団体コード) with its plans, a summary of
//! each plan's latest edition, a search restricted to it, and its open data: each CSV table
//! for all its published plans and years in one file
//! (`/municipalities/{code}/files/figures.csv`). A site of one municipality keeps the plan
//! list on its top page.

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, RawQuery, State};
use axum::http::header::HeaderMap;
use axum::http::request::Parts;
use axum::response::Response;
use kaikaku_analysis::EffectStatus;
use kaikaku_export::csv::{CsvOptions, Table};
use kaikaku_model::{LocalGovernmentCode, Municipality, Report};
use kaikaku_store::{Listing, MunicipalitySummary, Store, StoredReport};

use crate::http::extract::has_pair;
use crate::http::extract::{code_param, params};
use crate::http::files::{attachment, etag_value, not_modified};
use crate::people::auth::CurrentUser;
use crate::views::{self, Crumb, EditionKey, Layout, PlanGroup, TownLink};
use crate::{AppState, Error};

/// The top page's directory: the municipalities by prefecture.
#[derive(Debug, Default)]
pub(crate) struct Directory {
    pub prefectures: Vec<PrefectureGroup>,
    /// How many municipalities are listed.
    pub towns: usize,
}

/// The municipalities of one prefecture.
#[derive(Debug)]
pub(crate) struct PrefectureGroup {
    /// `北海道`, or `その他` for codes outside 01–47.
    pub name: &'static str,
    /// The prefecture's figures (`/prefectures/01`); `None` for その他.
    pub href: Option<String>,
    pub towns: Vec<TownRow>,
}

/// One municipality in the directory.
#[derive(Debug)]
pub(crate) struct TownRow {
    pub link: TownLink,
    pub plans: i64,
    pub editions: i64,
    /// `令和6年度（2024年度）`.
    pub latest: String,
}

/// Whether the top page should be a directory: more than one municipality (counting the plans
/// of no known municipality as one) has published editions.
pub(crate) fn needs_directory(summaries: &[MunicipalitySummary]) -> bool {
    summaries.len() > 1
}

/// The directory of `summaries` (ordered by code, so prefectures come in code order), and the
/// plans of no known municipality (the page lists them after the municipalities).
pub(crate) async fn directory(
    state: &AppState,
    summaries: &[MunicipalitySummary],
) -> Result<(Directory, Vec<PlanGroup>), Error> {
    let mut directory = Directory::default();
    let mut unassigned = Vec::new();
    for summary in summaries {
        let Some(town) = &summary.municipality else {
            let reports = state
                .store()
                .list_published(Listing::WithoutMunicipality)
                .await?;
            unassigned = views::plan_groups(&reports);
            continue;
        };
        let name = town.code.prefecture_name().unwrap_or("その他");
        let row = TownRow {
            link: TownLink::new(town),
            plans: summary.plans,
            editions: summary.editions,
            latest: summary.latest_fiscal_year.label(),
        };
        match directory.prefectures.last_mut() {
            Some(group) if group.name == name => group.towns.push(row),
            _ => directory.prefectures.push(PrefectureGroup {
                name,
                href: town
                    .code
                    .prefecture_name()
                    .map(|_| crate::views::prefecture_href(town.code.prefecture())),
                towns: vec![row],
            }),
        }
        directory.towns += 1;
    }
    Ok((directory, unassigned))
}

/// `GET /municipalities/{code}`.
#[derive(Debug, Template, WebTemplate)]
#[template(path = "municipality.html")]
pub(crate) struct MunicipalityPage {
    layout: Layout,
    town: TownLink,
    /// `北海道`, empty for codes outside 01–47.
    prefecture: &'static str,
    plans: Vec<PlanGroup>,
    latest: Vec<LatestRow>,
    downloads: Vec<TownDownload>,
}

/// A plan's latest published edition, summed up.
#[derive(Debug)]
pub(crate) struct LatestRow {
    plan_name: String,
    href: String,
    dashboard_href: String,
    year_label: String,
    items: usize,
    /// 実績 in yen in the report year, as the dashboard sums it (`274,693,474円`).
    actual_yen: String,
    /// How many stated totals disagree with their rows (the check's findings).
    findings: usize,
}

/// One CSV table of all the municipality's editions.
#[derive(Debug)]
pub(crate) struct TownDownload {
    href: String,
    bom_href: String,
    label: &'static str,
}

/// The municipality named by `{code}` in the path; anything that is not a valid code is a 404.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TownCode(LocalGovernmentCode);

impl<S: Send + Sync> FromRequestParts<S> for TownCode {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = params(parts, state).await?;
        code_param(&params, "code", 6)
            .and_then(|code| LocalGovernmentCode::parse(code).ok())
            .map(TownCode)
            .ok_or(Error::NotFound)
    }
}

/// The municipality as stored with the listing of its published editions; a 404 when it has
/// none.
fn town_of(listed: &[StoredReport]) -> Result<Municipality, Error> {
    listed
        .first()
        .and_then(|stored| stored.municipality.clone())
        .ok_or(Error::NotFound)
}

/// `GET /municipalities/{code}`.
pub(crate) async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    TownCode(code): TownCode,
) -> Result<MunicipalityPage, Error> {
    // Every edition of the town at once (one query per table), not one load per plan.
    let (reports, loaded): (Vec<StoredReport>, Vec<Report>) = state
        .store()
        .load_listed(Listing::Municipality(&code))
        .await?
        .into_iter()
        .unzip();
    let town = town_of(&reports)?;
    let link = TownLink::new(&town);
    let mut latest = Vec::new();
    for at in latest_of_each_plan(&reports) {
        let stored = &reports[at];
        let Some(key) = EditionKey::of(stored) else {
            continue;
        };
        let dashboard = kaikaku_analysis::edition(&loaded[at], None);
        let actual = dashboard
            .yen_by_year
            .iter()
            .find(|row| Some(row.fiscal_year) == dashboard.fiscal_year)
            .map(|row| row.yen(EffectStatus::Actual))
            .unwrap_or_default();
        latest.push(LatestRow {
            plan_name: stored.plan_name.clone(),
            href: key.href(),
            dashboard_href: format!("{}/dashboard", key.href()),
            year_label: key.fiscal_year.label(),
            items: dashboard.item_count,
            actual_yen: format!("{}円", kaikaku_model::quantity::format_decimal(actual)),
            findings: dashboard.findings.len(),
        });
    }
    let base = format!("{}/files", link.href);
    Ok(MunicipalityPage {
        layout: Layout {
            title: format!("{}の報告", town.name),
            crumbs: vec![
                Crumb::home(),
                Crumb {
                    label: town.name.clone(),
                    href: None,
                },
            ],
            paper_a3: false,
            session: user.bar(),
        },
        prefecture: code.prefecture_name().unwrap_or_default(),
        plans: views::plan_groups(&reports),
        latest,
        downloads: Table::ALL
            .into_iter()
            .map(|table| TownDownload {
                href: format!("{base}/{}", table.file_name()),
                bom_href: format!("{base}/{}?bom=1", table.file_name()),
                label: table.label(),
            })
            .collect(),
        town: link,
    })
}

/// Where the latest year of each plan is in `reports` (ordered by plan, then year), in plan
/// order.
fn latest_of_each_plan(reports: &[StoredReport]) -> Vec<usize> {
    let mut latest: Vec<usize> = Vec::new();
    for (at, stored) in reports.iter().enumerate() {
        match latest.last_mut() {
            Some(last) if reports[*last].plan_id == stored.plan_id => *last = at,
            _ => latest.push(at),
        }
    }
    latest
}

/// `GET /municipalities/{code}/files/{table}.csv`: one open-data table of every published plan
/// and year of the municipality (`?bom=1` for Excel).
pub(crate) async fn file(
    State(state): State<AppState>,
    TownCode(code): TownCode,
    table: TownTable,
    RawQuery(query): RawQuery,
    request_headers: HeaderMap,
) -> Result<Response, Error> {
    let listed = state
        .store()
        .list_published(Listing::Municipality(&code))
        .await?;
    town_of(&listed)?;
    let bom = has_pair(query.as_deref(), "bom=1");
    let etag_of = |listed: &[StoredReport]| {
        // Published editions never change; a new one, or a new revision, has a new id.
        let editions: Vec<String> = listed
            .iter()
            .map(|stored| format!("{}.{}", stored.id, stored.revision))
            .collect();
        let etag = format!(
            "\"town-{code}-{:016x}-{}{}\"",
            tag(&editions.join(",")),
            table.0.file_name(),
            if bom { "-bom" } else { "" }
        );
        etag_value(&etag)
    };
    let etag = etag_of(&listed)?;
    if let Some(kept) = not_modified(&request_headers, &etag) {
        return Ok(kept);
    }
    // Every edition at once (one query per table); the tag is of what was loaded, in case an
    // import came in between.
    let (listed, reports): (Vec<StoredReport>, Vec<Report>) = state
        .store()
        .load_listed(Listing::Municipality(&code))
        .await?
        .into_iter()
        .unzip();
    let town = town_of(&listed)?;
    let etag = etag_of(&listed)?;
    let body = kaikaku_export::csv::write_all(&reports, table.0, CsvOptions { bom })
        .map_err(|error| Error::Internal(error.to_string()))?;
    attachment(
        "text/csv; charset=utf-8",
        &format!("municipality{code}_{}", table.0.file_name()),
        &format!("{}_{}.csv", town.name, table.0.label()),
        etag,
        Bytes::from(body),
    )
}

/// The table named by `{file}`; anything else is a 404.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TownTable(Table);

impl<S: Send + Sync> FromRequestParts<S> for TownTable {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = params(parts, state).await?;
        params
            .iter()
            .find(|(name, _)| name == "file")
            .and_then(|(_, file)| Table::ALL.into_iter().find(|t| t.file_name() == file))
            .map(TownTable)
            .ok_or(Error::NotFound)
    }
}

/// A short tag for the set of editions in an ETag (stable while the server runs; a restart
/// only costs one full download).
fn tag(editions: &str) -> u64 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut hasher = DefaultHasher::new();
    editions.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::tag;

    #[test]
    fn the_edition_tag_follows_the_editions() {
        assert_eq!(tag("1.1,2.1"), tag("1.1,2.1"));
        assert_ne!(tag("1.1,2.1"), tag("1.1,3.1"));
    }
}
