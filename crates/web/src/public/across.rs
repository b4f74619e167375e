//! The figures of one report year across municipalities: 全国の集計 (a row per prefecture and
//! a national total) and a page per prefecture (a row per municipality), with the same tables
//! as open-data CSV. The figures are [`mod@kaikaku_analysis::across`] over the published editions
//! only, in exact yen.
//!
//! | route | page |
//! |---|---|
//! | `GET /dashboard?year=2024` | 全国の集計 (default: the latest report year published) |
//! | `GET /prefectures/{code}?year=2024` | one prefecture (`01`–`47`) by municipality |
//! | `GET /dashboard/files/{prefectures,municipalities}.csv?year=…&bom=1` | the national tables |
//! | `GET /prefectures/{code}/files/municipalities.csv?year=…&bom=1` | the prefecture's table |
//!
//! Loading every published edition of a national site takes a minute in a debug build (5,223
//! editions), so the figures of every year are computed once per [`PublicationStamp`] and kept
//! ([`AcrossCache`]): every page, year and CSV of this module reads them, and the page cache
//! keeps the rendered pages on top. They are loaded one municipality at a time
//! ([`Store::load_listed`]) and each part reduced to its totals ([`Tally`]) before the next,
//! so the memory is that of one town, not of the nation (about 0.9 GB for one `Listing::All`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, RawQuery, State};
use axum::http::StatusCode;
use axum::http::header::HeaderMap;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use kaikaku_analysis::{Across, Area, AreaSummary, Reporter, Row, Tally, Totals};
use kaikaku_export::csv::{Cell, CsvOptions};
use kaikaku_model::municipality::prefecture_name;
use kaikaku_model::{FiscalYear, LocalGovernmentCode};
use kaikaku_store::{Listing, PublicationStamp, Store};

use crate::http::extract::has_pair;
use crate::http::extract::{code_param, params};
use crate::http::files::{attachment, etag_value, not_modified};
use crate::people::auth::CurrentUser;
use crate::views::{Crumb, Layout, prefecture_href, yen_text};
use crate::{AppState, Error};

/// `/dashboard`.
pub(crate) const NATIONAL_HREF: &str = "/dashboard";

/// The figures of every report year, kept while the publications they were computed from are
/// current.
#[derive(Debug, Default)]
pub(crate) struct AcrossCache {
    /// Held while computing, so that concurrent requests compute once.
    kept: tokio::sync::Mutex<Option<Arc<Published>>>,
}

/// The figures of every report year published.
#[derive(Debug)]
pub(crate) struct Published {
    stamp: PublicationStamp,
    /// One per report year, oldest first.
    years: Vec<Across>,
    /// The plans of no municipality by name, with their plan ids (for links to editions).
    unassigned_plans: BTreeMap<String, i64>,
}

impl Published {
    fn year(&self, year: FiscalYear) -> Option<&Across> {
        self.years.iter().find(|across| across.fiscal_year == year)
    }

    /// The report years in which `area` has editions (`None`: any), oldest first.
    fn years_of(&self, area: Option<Area>) -> Vec<FiscalYear> {
        self.years
            .iter()
            .filter(|across| area.is_none_or(|area| across.area(area).is_some()))
            .map(|across| across.fiscal_year)
            .collect()
    }
}

/// The figures for the publications of now: kept ones while the store's stamp is the one they
/// were computed under, else computed from every published edition, one municipality at a
/// time (the totals on a blocking thread).
pub(crate) async fn published(state: &AppState) -> Result<Arc<Published>, Error> {
    // The stamp first: an import during the load is then seen by the next request.
    let stamp = state.store().publication_stamp().await?;
    let mut kept = state.across().kept.lock().await;
    if let Some(published) = kept.as_ref().filter(|p| p.stamp == stamp) {
        return Ok(Arc::clone(published));
    }
    let started = std::time::Instant::now();
    let listed = state.store().list_published(Listing::All).await?;
    let mut unassigned_plans = BTreeMap::new();
    let mut towns: BTreeSet<LocalGovernmentCode> = BTreeSet::new();
    for stored in &listed {
        match &stored.municipality {
            None => {
                unassigned_plans.insert(stored.plan_name.clone(), stored.plan_id);
            }
            Some(town) => {
                towns.insert(town.code);
            }
        }
    }
    let editions = listed.len();
    drop(listed);
    // One municipality at a time, then the plans of none: each part is reduced to its totals
    // and dropped, so memory stays that of one town.
    let mut parts: Vec<Option<LocalGovernmentCode>> = towns.into_iter().map(Some).collect();
    if !unassigned_plans.is_empty() {
        parts.push(None);
    }
    let mut tally = Tally::default();
    for part in parts {
        let listing = match &part {
            Some(code) => Listing::Municipality(code),
            None => Listing::WithoutMunicipality,
        };
        let loaded = state.store().load_listed(listing).await?;
        tally = tokio::task::spawn_blocking(move || {
            for (_, report) in &loaded {
                tally.add(report);
            }
            tally
        })
        .await
        .map_err(|error| Error::Internal(error.to_string()))?;
    }
    let published = Published {
        stamp,
        years: tally.all_years(),
        unassigned_plans,
    };
    tracing::info!(
        editions,
        years = published.years.len(),
        total_ms = started.elapsed().as_millis(),
        "computed the figures across municipalities"
    );
    let published = Arc::new(published);
    *kept = Some(Arc::clone(&published));
    Ok(published)
}

/// The year asked for by `?year=2024`: `Ok(None)` without one (or an empty one), `Err` with a
/// Japanese message when it is not a Gregorian year.
fn asked_year(query: Option<&str>) -> Result<Option<FiscalYear>, String> {
    let mut asked = None;
    for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if name == "year" {
            asked = Some(value.into_owned());
        }
    }
    match asked.filter(|text| !text.is_empty()) {
        None => Ok(None),
        Some(text) => crate::http::extract::number(&text)
            .and_then(|n| i32::try_from(n).ok())
            .and_then(FiscalYear::new)
            .map(Some)
            .ok_or_else(|| "報告年度は西暦の年（例：year=2024）で指定してください。".to_owned()),
    }
}

/// What `?year=` chooses among `years` (oldest first): the year, or the status and message of
/// the page when there is none to show (400 for a malformed year, 404 for a year without
/// editions). Without `?year=`, the latest year.
fn choose_year(
    query: Option<&str>,
    years: &[FiscalYear],
    whose: &str,
) -> Result<Option<FiscalYear>, (StatusCode, String)> {
    match asked_year(query) {
        Err(message) => Err((StatusCode::BAD_REQUEST, message)),
        Ok(None) => Ok(years.last().copied()),
        Ok(Some(year)) if years.contains(&year) => Ok(Some(year)),
        Ok(Some(year)) => Err((
            StatusCode::NOT_FOUND,
            format!(
                "{whose}{}の公開中の報告はありません。一覧から年度を選んでください。",
                year.label()
            ),
        )),
    }
}

/// `{code}` of `/prefectures/{code}`: two ASCII digits naming a prefecture (`01`–`47`);
/// anything else is a 404.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PrefectureCode(u8);

impl<S: Send + Sync> FromRequestParts<S> for PrefectureCode {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = params(parts, state).await?;
        code_param(&params, "code", 2)
            .and_then(|code| code.parse::<u8>().ok())
            .filter(|&code| prefecture_name(code).is_some())
            .map(PrefectureCode)
            .ok_or(Error::NotFound)
    }
}

/// One choice of the year selector.
#[derive(Debug)]
pub(crate) struct YearChoice {
    value: i32,
    /// `令和6年度（2024年度）`.
    label: String,
    selected: bool,
}

fn year_choices(years: &[FiscalYear], chosen: Option<FiscalYear>) -> Vec<YearChoice> {
    years
        .iter()
        .rev()
        .map(|&year| YearChoice {
            value: year.gregorian(),
            label: year.label(),
            selected: Some(year) == chosen,
        })
        .collect()
}

/// One row of a figures table.
#[derive(Debug)]
pub(crate) struct FigureRow {
    label: String,
    href: Option<String>,
    /// `13`, `131016`, or empty.
    code: String,
    municipalities: usize,
    plans: usize,
    items: usize,
    /// `159,133,138円`.
    actual: String,
    forecast: String,
    plan: String,
    findings: usize,
    items_with_findings: usize,
}

impl FigureRow {
    fn new(label: String, href: Option<String>, code: String, totals: &Totals) -> FigureRow {
        FigureRow {
            label,
            href,
            code,
            municipalities: totals.municipalities,
            plans: totals.plans,
            items: totals.items,
            actual: yen_text(totals.actual),
            forecast: yen_text(totals.forecast),
            plan: yen_text(totals.plan),
            findings: totals.findings,
            items_with_findings: totals.items_with_findings,
        }
    }
}

/// A table of rows and, for the national table, its total.
#[derive(Debug)]
pub(crate) struct FigureTable {
    rows: Vec<FigureRow>,
    total: Option<FigureRow>,
}

/// The rows of an area: municipalities to their pages, plans of no municipality to their
/// edition of the year.
fn reporter_rows(published: &Published, year: FiscalYear, rows: &[Row]) -> Vec<FigureRow> {
    rows.iter()
        .map(|row| match &row.reporter {
            Reporter::Municipality(town) => FigureRow::new(
                town.name.clone(),
                Some(crate::views::municipality_href(town.code)),
                town.code.to_string(),
                &row.totals,
            ),
            Reporter::Plan(name) => FigureRow::new(
                name.clone(),
                published
                    .unassigned_plans
                    .get(name)
                    .map(|id| format!("/plans/{id}/{}", year.gregorian())),
                String::new(),
                &row.totals,
            ),
        })
        .collect()
}

/// A table of the rows of an area outside the prefectures (その他, 団体不明), shown on the
/// national page.
#[derive(Debug)]
pub(crate) struct OtherArea {
    name: &'static str,
    note: &'static str,
    table: FigureTable,
}

/// A CSV download of the page's figures.
#[derive(Debug)]
pub(crate) struct AcrossDownload {
    href: String,
    bom_href: String,
    label: &'static str,
}

/// The tables of this module's CSV.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AcrossTable {
    /// A row per area (prefecture, その他, 団体不明).
    Prefectures,
    /// A row per municipality.
    Municipalities,
}

impl AcrossTable {
    fn file_name(self) -> &'static str {
        match self {
            AcrossTable::Prefectures => "prefectures.csv",
            AcrossTable::Municipalities => "municipalities.csv",
        }
    }

    fn label(self) -> &'static str {
        match self {
            AcrossTable::Prefectures => "都道府県別",
            AcrossTable::Municipalities => "団体別",
        }
    }
}

fn downloads(base: &str, tables: &[AcrossTable], year: FiscalYear) -> Vec<AcrossDownload> {
    tables
        .iter()
        .map(|table| {
            let href = format!(
                "{base}/files/{}?year={}",
                table.file_name(),
                year.gregorian()
            );
            AcrossDownload {
                bom_href: format!("{href}&bom=1"),
                href,
                label: table.label(),
            }
        })
        .collect()
}

/// `GET /dashboard`.
#[derive(Debug, Template, WebTemplate)]
#[template(path = "across_national.html")]
pub(crate) struct NationalPage {
    layout: Layout,
    /// `令和6年度（2024年度）`, empty when nothing is shown.
    year_label: String,
    years: Vec<YearChoice>,
    message: Option<String>,
    table: Option<FigureTable>,
    others: Vec<OtherArea>,
    downloads: Vec<AcrossDownload>,
}

/// `GET /dashboard?year=2024`: a row per prefecture and the national total. A malformed year
/// is a 400 and a year without editions a 404, both with the year selector and a message.
pub(crate) async fn national(
    State(state): State<AppState>,
    user: CurrentUser,
    RawQuery(query): RawQuery,
) -> Result<Response, Error> {
    let published = published(&state).await?;
    let years = published.years_of(None);
    let chosen = choose_year(query.as_deref(), &years, "");
    let (status, message, across) = match chosen {
        Err((status, message)) => (status, Some(message), None),
        Ok(year) => (
            StatusCode::OK,
            None,
            year.and_then(|year| published.year(year)),
        ),
    };
    let mut page = NationalPage {
        layout: Layout {
            title: "全国の集計".to_owned(),
            crumbs: vec![
                Crumb::home(),
                Crumb {
                    label: "全国の集計".to_owned(),
                    href: None,
                },
            ],
            paper_a3: false,
            session: user.bar(),
        },
        year_label: String::new(),
        years: year_choices(&years, across.map(|a| a.fiscal_year)),
        message,
        table: None,
        others: Vec::new(),
        downloads: Vec::new(),
    };
    if let Some(across) = across {
        let year = across.fiscal_year;
        page.layout.title = format!("全国の集計 {}", year.label());
        page.year_label = year.label();
        page.table = Some(FigureTable {
            rows: across
                .areas
                .iter()
                .map(|summary| {
                    let href = match summary.area {
                        Area::Prefecture(code) => Some(format!(
                            "{}?year={}",
                            prefecture_href(code),
                            year.gregorian()
                        )),
                        Area::OtherCodes | Area::NoMunicipality => None,
                    };
                    FigureRow::new(
                        summary.area.name().to_owned(),
                        href,
                        summary.area.code().unwrap_or_default(),
                        &summary.totals,
                    )
                })
                .collect(),
            total: Some(FigureRow::new(
                "全国".to_owned(),
                None,
                String::new(),
                &across.total,
            )),
        });
        page.others = across
            .areas
            .iter()
            .filter_map(|summary| {
                let note = match summary.area {
                    Area::Prefecture(_) => return None,
                    Area::OtherCodes => {
                        "地方公共団体コードの上2桁が都道府県コード（01～47）ではない団体です。"
                    }
                    Area::NoMunicipality => {
                        "地方公共団体が登録されていない計画です。計画ごとに数え、団体数には含めません。"
                    }
                };
                Some(OtherArea {
                    name: summary.area.name(),
                    note,
                    table: FigureTable {
                        rows: reporter_rows(&published, year, &summary.rows),
                        total: None,
                    },
                })
            })
            .collect();
        page.downloads = downloads(
            NATIONAL_HREF,
            &[AcrossTable::Prefectures, AcrossTable::Municipalities],
            year,
        );
    }
    Ok((status, page).into_response())
}

/// `GET /prefectures/{code}`.
#[derive(Debug, Template, WebTemplate)]
#[template(path = "across_prefecture.html")]
pub(crate) struct PrefecturePage {
    layout: Layout,
    /// `東京都`.
    name: &'static str,
    /// `13`.
    code: String,
    year_label: String,
    action: String,
    national_href: String,
    years: Vec<YearChoice>,
    message: Option<String>,
    /// The municipalities, with the prefecture's total.
    table: Option<FigureTable>,
    downloads: Vec<AcrossDownload>,
}

/// `GET /prefectures/{code}?year=2024`: a row per municipality of the prefecture and its
/// total; a 404 for a prefecture without published editions. The year defaults to the latest
/// one with editions of the prefecture; a malformed year is a 400 and a year without them a
/// 404, both with the year selector and a message.
pub(crate) async fn prefecture(
    State(state): State<AppState>,
    user: CurrentUser,
    PrefectureCode(code): PrefectureCode,
    RawQuery(query): RawQuery,
) -> Result<Response, Error> {
    let published = published(&state).await?;
    let area = Area::Prefecture(code);
    let years = published.years_of(Some(area));
    if years.is_empty() {
        return Err(Error::NotFound);
    }
    let name = area.name();
    let chosen = choose_year(query.as_deref(), &years, &format!("{name}には"));
    let (status, message, summary) = match chosen {
        Err((status, message)) => (status, Some(message), None),
        Ok(year) => (
            StatusCode::OK,
            None,
            year.and_then(|year| Some((year, published.year(year)?.area(area)?))),
        ),
    };
    let national_href = match summary {
        Some((year, _)) => format!("{NATIONAL_HREF}?year={}", year.gregorian()),
        None => NATIONAL_HREF.to_owned(),
    };
    let page = PrefecturePage {
        layout: Layout {
            title: match summary {
                Some((year, _)) => format!("{name}の集計 {}", year.label()),
                None => format!("{name}の集計"),
            },
            crumbs: vec![
                Crumb::home(),
                Crumb {
                    label: "全国の集計".to_owned(),
                    href: Some(national_href.clone()),
                },
                Crumb {
                    label: name.to_owned(),
                    href: None,
                },
            ],
            paper_a3: false,
            session: user.bar(),
        },
        name,
        code: format!("{code:02}"),
        year_label: summary.map(|(year, _)| year.label()).unwrap_or_default(),
        action: prefecture_href(code),
        national_href,
        years: year_choices(&years, summary.map(|(year, _)| year)),
        message,
        table: summary.map(|(year, summary): (FiscalYear, &AreaSummary)| FigureTable {
            rows: reporter_rows(&published, year, &summary.rows),
            total: Some(FigureRow::new(
                format!("{name}計"),
                None,
                String::new(),
                &summary.totals,
            )),
        }),
        downloads: summary
            .map(|(year, _)| {
                downloads(&prefecture_href(code), &[AcrossTable::Municipalities], year)
            })
            .unwrap_or_default(),
    };
    Ok((status, page).into_response())
}

/// `{file}` of the CSV routes; anything else is a 404.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AcrossFile(AcrossTable);

impl<S: Send + Sync> FromRequestParts<S> for AcrossFile {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = params(parts, state).await?;
        params
            .iter()
            .find(|(name, _)| name == "file")
            .and_then(|(_, file)| {
                [AcrossTable::Prefectures, AcrossTable::Municipalities]
                    .into_iter()
                    .find(|table| table.file_name() == file)
            })
            .map(AcrossFile)
            .ok_or(Error::NotFound)
    }
}

/// Column names of the CSV tables.
mod col {
    pub const YEAR: &str = "報告年度（西暦）";
    pub const YEAR_WAREKI: &str = "報告年度（和暦）";
    pub const PREFECTURE_CODE: &str = "都道府県コード";
    pub const PREFECTURE: &str = "都道府県名";
    pub const CODE: &str = "地方公共団体コード";
    pub const MUNICIPALITY: &str = "地方公共団体名";
    pub const MUNICIPALITIES: &str = "団体数";
    pub const PLANS: &str = "計画数";
    pub const ITEMS: &str = "項目数";
    pub const ACTUAL: &str = "実績額（円）";
    pub const FORECAST: &str = "見込額（円）";
    pub const PLAN: &str = "計画額（円）";
    pub const FINDINGS: &str = "検算の差異の数";
    pub const ITEMS_WITH_FINDINGS: &str = "差異のある項目数";
}

fn columns(table: AcrossTable) -> Vec<&'static str> {
    let keys: &[&str] = match table {
        AcrossTable::Prefectures => &[
            col::YEAR,
            col::YEAR_WAREKI,
            col::PREFECTURE_CODE,
            col::PREFECTURE,
            col::MUNICIPALITIES,
        ],
        AcrossTable::Municipalities => &[
            col::YEAR,
            col::YEAR_WAREKI,
            col::PREFECTURE_CODE,
            col::PREFECTURE,
            col::CODE,
            col::MUNICIPALITY,
        ],
    };
    let figures = [
        col::PLANS,
        col::ITEMS,
        col::ACTUAL,
        col::FORECAST,
        col::PLAN,
        col::FINDINGS,
        col::ITEMS_WITH_FINDINGS,
    ];
    keys.iter().copied().chain(figures).collect()
}

/// The figure cells of a CSV row: plain numbers, yen without separators.
fn figure_cells(totals: &Totals) -> [Cell; 7] {
    [
        Cell::number(totals.plans),
        Cell::number(totals.items),
        Cell::number(totals.actual),
        Cell::number(totals.forecast),
        Cell::number(totals.plan),
        Cell::number(totals.findings),
        Cell::number(totals.items_with_findings),
    ]
}

/// The records of `table` for the areas `areas` of `across`. The municipalities table leaves
/// out plans of no municipality (they are no municipality); the prefectures table has their
/// row, 団体不明.
fn records(across: &Across, areas: &[&AreaSummary], table: AcrossTable) -> Vec<Vec<Cell>> {
    let year = across.fiscal_year;
    let keys = |summary: &AreaSummary| {
        vec![
            Cell::number(year.gregorian()),
            Cell::text(year.wareki_label()),
            // Two digits, kept as text so that the leading zero stays.
            Cell::text(summary.area.code().unwrap_or_default()),
            Cell::text(summary.area.name()),
        ]
    };
    let mut records = Vec::new();
    for summary in areas {
        match table {
            AcrossTable::Prefectures => {
                let mut record = keys(summary);
                record.push(Cell::number(summary.totals.municipalities));
                record.extend(figure_cells(&summary.totals));
                records.push(record);
            }
            AcrossTable::Municipalities => {
                for row in &summary.rows {
                    let Reporter::Municipality(town) = &row.reporter else {
                        continue;
                    };
                    let mut record = keys(summary);
                    record.push(Cell::text(town.code.to_string()));
                    record.push(Cell::text(&town.name));
                    record.extend(figure_cells(&row.totals));
                    records.push(record);
                }
            }
        }
    }
    records
}

/// `GET /dashboard/files/{file}`: the national tables of a report year (`?year=`, default the
/// latest; `?bom=1` for Excel).
pub(crate) async fn national_file(
    State(state): State<AppState>,
    AcrossFile(table): AcrossFile,
    RawQuery(query): RawQuery,
    request_headers: HeaderMap,
) -> Result<Response, Error> {
    csv_file(&state, None, table, query.as_deref(), &request_headers).await
}

/// `GET /prefectures/{code}/files/municipalities.csv`: the prefecture's municipalities of a
/// report year (`?year=`, default the prefecture's latest; `?bom=1` for Excel).
pub(crate) async fn prefecture_file(
    State(state): State<AppState>,
    PrefectureCode(code): PrefectureCode,
    AcrossFile(table): AcrossFile,
    RawQuery(query): RawQuery,
    request_headers: HeaderMap,
) -> Result<Response, Error> {
    if table != AcrossTable::Municipalities {
        return Err(Error::NotFound);
    }
    csv_file(
        &state,
        Some(code),
        table,
        query.as_deref(),
        &request_headers,
    )
    .await
}

async fn csv_file(
    state: &AppState,
    prefecture: Option<u8>,
    table: AcrossTable,
    query: Option<&str>,
    request_headers: &HeaderMap,
) -> Result<Response, Error> {
    let published = published(state).await?;
    let area = prefecture.map(Area::Prefecture);
    let years = published.years_of(area);
    if area.is_some() && years.is_empty() {
        return Err(Error::NotFound);
    }
    let whose = area
        .map(|a| format!("{}には", a.name()))
        .unwrap_or_default();
    let year = choose_year(query, &years, &whose)
        .map_err(|(status, message)| Error::Unavailable { status, message })?;
    let Some(across) = year.and_then(|year| published.year(year)) else {
        return Err(Error::Unavailable {
            status: StatusCode::NOT_FOUND,
            message: "公開中の報告はまだありません。".to_owned(),
        });
    };
    let bom = has_pair(query, "bom=1");
    let scope = match prefecture {
        Some(code) => format!("prefecture{code:02}"),
        None => "national".to_owned(),
    };
    // The figures change only with the publications, which the stamp follows.
    let etag = format!(
        "\"across-{scope}-{}-{}-{}-{}{}\"",
        published.stamp.published,
        published.stamp.latest_id,
        across.fiscal_year.gregorian(),
        table.file_name(),
        if bom { "-bom" } else { "" }
    );
    let etag = etag_value(&etag)?;
    if let Some(kept) = not_modified(request_headers, &etag) {
        return Ok(kept);
    }
    let areas: Vec<&AreaSummary> = across
        .areas
        .iter()
        .filter(|summary| area.is_none_or(|area| summary.area == area))
        .collect();
    let body = kaikaku_export::csv::write_records(
        &columns(table),
        records(across, &areas, table),
        CsvOptions { bom },
    )
    .map_err(|error| Error::Internal(error.to_string()))?;
    let year = across.fiscal_year.gregorian();
    let stem = table.file_name().trim_end_matches(".csv");
    let whose = area.map_or("全国", Area::name);
    attachment(
        "text/csv; charset=utf-8",
        &format!("{scope}_{stem}_{year}.csv"),
        &format!("{whose}_{}集計_{year}年度.csv", table.label()),
        etag,
        Bytes::from(body),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_are_gregorian_numbers() {
        let year = |q: &str| asked_year(Some(q)).map(|y| y.map(FiscalYear::gregorian));
        assert_eq!(year("year=2024"), Ok(Some(2024)));
        assert_eq!(year("bom=1&year=2021"), Ok(Some(2021)));
        assert_eq!(year(""), Ok(None));
        assert_eq!(year("year="), Ok(None));
        assert!(year("year=令和6").is_err());
        assert!(year("year=02024").is_err());
        assert!(year("year=99999").is_err());
        assert_eq!(asked_year(None), Ok(None));
    }

    #[test]
    fn a_year_is_chosen_among_the_published_ones() {
        let fy = |y: i32| FiscalYear::new(y).expect("a year");
        let years = [fy(2021), fy(2024)];
        assert_eq!(choose_year(None, &years, ""), Ok(Some(fy(2024))));
        assert_eq!(
            choose_year(Some("year=2021"), &years, ""),
            Ok(Some(fy(2021)))
        );
        assert_eq!(
            choose_year(Some("year=2022"), &years, "東京都には").map_err(|e| e.0),
            Err(StatusCode::NOT_FOUND)
        );
        assert_eq!(
            choose_year(Some("year=x"), &years, "").map_err(|e| e.0),
            Err(StatusCode::BAD_REQUEST)
        );
        assert_eq!(choose_year(None, &[], ""), Ok(None));
    }
}
