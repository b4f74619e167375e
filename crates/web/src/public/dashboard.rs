//! The dashboards and the comparison of published editions, open to anyone: figures computed
//! by `kaikaku-analysis`, each linked to the item rows it comes from, with a chart (SVG from
//! [`crate::chart`]) and a table of the same figures.
//!
//! | route | page |
//! |---|---|
//! | `GET /plans/{plan_id}/{fiscal_year}/dashboard` | one edition |
//! | `GET /plans/{plan_id}/dashboard` | the plan across its published editions |
//! | `GET /plans/{plan_id}/compare?from=2021&to=2022` | two editions side by side (a form without a query) |

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{FromRequestParts, RawQuery, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use kaikaku_analysis::{
    Basis, Comparison, EditionDashboard, EffectStatus, ForecastActual, PlanDashboard, Presence,
    YearYen,
};
use kaikaku_check::Finding;
use kaikaku_model::quantity::format_decimal;
use kaikaku_model::{Decimal, FiscalYear, ItemNo, Report, Unit};
use kaikaku_store::{Listing, Store, StoredReport};

use crate::http::extract::{param, params};
use crate::people::auth::CurrentUser;
use crate::views::changes::ChangeView;
use crate::views::chart::{Arrangement, Chart, Group, LegendEntry, Segment};
use crate::views::{Crumb, EditionHead, EditionKey, Layout, yen_text};
use crate::{AppState, Error};

/// `{plan_id}` of `/plans/{plan_id}/…`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PlanId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for PlanId {
    type Rejection = Error;

    /// Reads `{plan_id}`; anything malformed is a 404.
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = params(parts, state).await?;
        Ok(PlanId(param(&params, "plan_id")?))
    }
}

/// `/plans/1/dashboard`.
pub(crate) fn plan_dashboard_href(plan_id: i64) -> String {
    format!("/plans/{plan_id}/dashboard")
}

/// `/plans/1/compare`.
pub(crate) fn compare_href(plan_id: i64) -> String {
    format!("/plans/{plan_id}/compare")
}

/// `/plans/1/2021/dashboard`.
pub(crate) fn edition_dashboard_href(key: EditionKey) -> String {
    format!("{}/dashboard", key.href())
}

/// Where the effects table of an item is: `/plans/1/2021/items/19#no-19-effects`.
fn effects_href(key: EditionKey, no: ItemNo) -> String {
    format!("{}#no-{}-effects", key.item_href(no), no.0)
}

fn amount_text(value: Decimal, unit: Unit) -> String {
    format!("{}{}", format_decimal(value), unit.symbol())
}

fn class_of(status: EffectStatus) -> &'static str {
    match status {
        EffectStatus::Actual => "bar-actual",
        EffectStatus::Plan => "bar-plan",
        EffectStatus::Forecast => "bar-forecast",
    }
}

fn status_legend() -> Vec<LegendEntry> {
    EffectStatus::ALL
        .iter()
        .map(|&status| LegendEntry {
            class: class_of(status),
            label: status.label().to_owned(),
        })
        .collect()
}

/// The published editions of plan `plan_id`, oldest report year first; a 404 when it has
/// none.
pub(crate) async fn plan_editions(
    state: &AppState,
    plan_id: i64,
) -> Result<Vec<(EditionKey, StoredReport)>, Error> {
    let mut editions: Vec<(EditionKey, StoredReport)> = state
        .store()
        .list_published(Listing::Plan(plan_id))
        .await?
        .into_iter()
        .filter_map(|stored| EditionKey::of(&stored).map(|key| (key, stored)))
        .collect();
    if editions.is_empty() {
        return Err(Error::NotFound);
    }
    editions.sort_by_key(|(key, _)| key.fiscal_year);
    Ok(editions)
}

/// The edition at `key` with its dashboard, compared with the plan's edition of the year
/// before when one is published.
pub(crate) async fn edition_figures(
    state: &AppState,
    key: EditionKey,
) -> Result<(StoredReport, Report, EditionDashboard), Error> {
    let (stored, report) = crate::public::service::load_edition(state, key).await?;
    let editions = plan_editions(state, key.plan_id).await?;
    let previous = match editions
        .iter()
        .find(|(other, _)| other.fiscal_year.next() == key.fiscal_year)
    {
        Some((_, stored)) => Some(state.store().load_report(stored.id).await?),
        None => None,
    };
    let dashboard = kaikaku_analysis::edition(&report, previous.as_ref());
    Ok((stored, report, dashboard))
}

/// The years asked for by `?from=Y1&to=Y2` (Gregorian): `Ok(None)` without them, `Err` with a
/// Japanese message when they are not years.
pub(crate) fn compare_years(
    query: Option<&str>,
) -> Result<Option<(FiscalYear, FiscalYear)>, String> {
    let mut from = None;
    let mut to = None;
    for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match name.as_ref() {
            "from" => from = Some(value.into_owned()),
            "to" => to = Some(value.into_owned()),
            _ => {}
        }
    }
    let year = |text: &str| {
        crate::http::extract::number(text)
            .and_then(|n| i32::try_from(n).ok())
            .and_then(FiscalYear::new)
    };
    match (from, to) {
        (None, None) => Ok(None),
        (Some(from), Some(to)) => match (year(&from), year(&to)) {
            (Some(from), Some(to)) => Ok(Some((from, to))),
            _ => Err(
                "比較する年度は西暦の年（例：from=2021&to=2022）で指定してください。".to_owned(),
            ),
        },
        _ => Err("比較する2つの年度（from と to）を両方指定してください。".to_owned()),
    }
}

/// The comparison of the editions of `from` and `to` of plan `plan_id`: the plan name and
/// the comparison; a 404 when either is not a published edition of the plan.
pub(crate) async fn comparison(
    state: &AppState,
    plan_id: i64,
    from: FiscalYear,
    to: FiscalYear,
) -> Result<(String, Comparison), Error> {
    let editions = plan_editions(state, plan_id).await?;
    let find = |year: FiscalYear| {
        editions
            .iter()
            .find(|(key, _)| key.fiscal_year == year)
            .map(|(_, stored)| stored.id)
            .ok_or(Error::NotFound)
    };
    let before = state.store().load_report(find(from)?).await?;
    let after = state.store().load_report(find(to)?).await?;
    let plan_name = after.plan_name.clone();
    Ok((plan_name, kaikaku_analysis::compare(&before, &after)))
}

/// A link to an item.
#[derive(Clone, Debug)]
pub(crate) struct ItemRef {
    /// `No.19`.
    pub label: String,
    /// Its rows.
    pub href: String,
}

fn item_refs(items: &[ItemNo], href: impl Fn(ItemNo) -> String) -> Vec<ItemRef> {
    items
        .iter()
        .map(|&no| ItemRef {
            label: no.to_string(),
            href: href(no),
        })
        .collect()
}

/// A count with the items counted.
#[derive(Clone, Debug)]
pub(crate) struct CountRow {
    pub label: String,
    pub count: usize,
    pub items: Vec<ItemRef>,
}

/// One class of one year in the yen table.
#[derive(Clone, Debug)]
pub(crate) struct YenCellView {
    pub amount: String,
    pub items: Vec<ItemRef>,
}

/// One year of the yen table.
#[derive(Clone, Debug)]
pub(crate) struct YenRow {
    /// `yen-2021`.
    pub anchor: String,
    /// `令和3年度（2021年度）`.
    pub year_label: String,
    /// 実績, 計画, 見込み.
    pub cells: Vec<YenCellView>,
    pub total: String,
}

fn yen_row(key: EditionKey, row: &YearYen) -> YenRow {
    YenRow {
        anchor: format!("yen-{}", row.fiscal_year.gregorian()),
        year_label: row.fiscal_year.label(),
        cells: row
            .cells
            .iter()
            .map(|cell| YenCellView {
                amount: yen_text(cell.yen),
                items: item_refs(&cell.items, |no| effects_href(key, no)),
            })
            .collect(),
        total: yen_text(row.total()),
    }
}

fn yen_group(anchor_prefix: &str, label: String, row: &YearYen) -> Group {
    Group {
        label: label.clone(),
        segments: row
            .cells
            .iter()
            .filter(|cell| !cell.yen.is_zero())
            .map(|cell| Segment {
                value: cell.yen,
                class: class_of(cell.status),
                title: format!("{label} {}：{}", cell.status.label(), yen_text(cell.yen)),
                href: format!("#{anchor_prefix}{}", row.fiscal_year.gregorian()),
            })
            .collect(),
    }
}

/// One item's yen, a cell per year listing its classes.
#[derive(Clone, Debug)]
pub(crate) struct ItemYenRow {
    pub item: ItemRef,
    pub title: String,
    pub years: Vec<Vec<String>>,
}

/// Last year's forecast against this year's actual, one row.
#[derive(Clone, Debug)]
pub(crate) struct ForecastRow {
    pub item: ItemRef,
    pub title: String,
    pub forecast: String,
    pub actual: String,
    pub difference: String,
}

fn forecast_rows(key: EditionKey, rows: &[ForecastActual]) -> Vec<ForecastRow> {
    let text = |value: Option<Decimal>, unit: Unit| {
        value.map_or_else(|| "—".to_owned(), |v| amount_text(v, unit))
    };
    rows.iter()
        .map(|row| ForecastRow {
            item: ItemRef {
                label: row.item_no.to_string(),
                href: effects_href(key, row.item_no),
            },
            title: row.title.clone(),
            forecast: text(row.forecast, row.unit),
            actual: text(row.actual, row.unit),
            difference: text(row.difference(), row.unit),
        })
        .collect()
}

fn forecast_chart(id: &str, key: EditionKey, rows: &[ForecastActual]) -> Option<Chart> {
    let groups: Vec<Group> = rows
        .iter()
        .filter(|row| row.unit == Unit::Yen)
        .map(|row| {
            let segment = |value: Option<Decimal>, class: &'static str, what: &str| Segment {
                value: value.unwrap_or_default(),
                class,
                title: format!(
                    "{} {what}：{}",
                    row.item_no,
                    value.map_or_else(|| "記載なし".to_owned(), yen_text)
                ),
                href: effects_href(key, row.item_no),
            };
            Group {
                label: row.item_no.to_string(),
                segments: vec![
                    segment(row.forecast, "bar-forecast", "前年度の見込み"),
                    segment(row.actual, "bar-actual", "今年度の実績"),
                ],
            }
        })
        .collect();
    (!groups.is_empty()).then(|| {
        Chart::new(
            id,
            format!(
                "{}の効果額：前年度の報告の見込みと今年度の報告の実績（項目別）",
                key.fiscal_year.wareki_label()
            ),
            Arrangement::SideBySide,
            &groups,
            "円",
            vec![
                LegendEntry {
                    class: "bar-forecast",
                    label: "前年度の報告の見込み".to_owned(),
                },
                LegendEntry {
                    class: "bar-actual",
                    label: "今年度の報告の実績".to_owned(),
                },
            ],
        )
    })
}

/// A check finding with a link to its item.
#[derive(Clone, Debug)]
pub(crate) struct FindingLink {
    pub item: ItemRef,
    pub message: String,
}

fn finding_links(key: EditionKey, findings: &[Finding]) -> Vec<FindingLink> {
    findings
        .iter()
        .map(|finding| FindingLink {
            item: ItemRef {
                label: finding.item_no.to_string(),
                href: key.item_href(finding.item_no),
            },
            message: finding.message(),
        })
        .collect()
}

/// The section of last year's forecast against this year's actual.
#[derive(Clone, Debug)]
pub(crate) struct ForecastSection {
    /// `令和2年度（2020年度）`.
    pub previous_label: String,
    pub previous_href: String,
    pub rows: Vec<ForecastRow>,
    pub chart: Option<Chart>,
}

/// `GET /plans/{plan_id}/{fiscal_year}/dashboard`.
#[derive(Debug, Template, WebTemplate)]
#[template(path = "dashboard.html")]
pub(crate) struct EditionDashboardPage {
    layout: Layout,
    head: EditionHead,
    plan_dashboard_href: String,
    compare_href: String,
    item_count: usize,
    year_label: String,
    departments: Vec<CountRow>,
    states: Vec<CountRow>,
    years: Vec<String>,
    yen_chart: Chart,
    yen_rows: Vec<YenRow>,
    item_rows: Vec<ItemYenRow>,
    by_year_count: usize,
    forecast: Option<ForecastSection>,
    findings: Vec<FindingLink>,
}

/// `GET /plans/{plan_id}/{fiscal_year}/dashboard`.
pub(crate) async fn edition_dashboard(
    State(state): State<AppState>,
    user: CurrentUser,
    key: EditionKey,
) -> Result<EditionDashboardPage, Error> {
    let (_, report, dashboard) = edition_figures(&state, key).await?;
    let head = EditionHead::new(key, &report);
    let item_href = |no: ItemNo| key.item_href(no);
    let count_rows = |groups: Vec<(String, &[ItemNo])>| {
        groups
            .into_iter()
            .map(|(label, items)| CountRow {
                label,
                count: items.len(),
                items: item_refs(items, item_href),
            })
            .collect::<Vec<_>>()
    };
    let departments = count_rows(
        dashboard
            .by_department
            .iter()
            .map(|g| (g.label.clone(), g.items.as_slice()))
            .collect(),
    );
    let states = count_rows(
        dashboard
            .by_state
            .iter()
            .map(|g| (g.state.label(), g.items.as_slice()))
            .collect(),
    );
    let groups: Vec<Group> = dashboard
        .yen_by_year
        .iter()
        .map(|row| yen_group("yen-", row.fiscal_year.wareki_label(), row))
        .collect();
    let yen_chart = Chart::new(
        "yen-chart",
        format!(
            "{}の報告に記載された効果額（年度別・実績／計画／見込み）",
            head.year_label
        ),
        Arrangement::Stacked,
        &groups,
        "円",
        status_legend(),
    );
    let item_rows = dashboard
        .yen_by_item
        .iter()
        .map(|item| ItemYenRow {
            item: ItemRef {
                label: item.no.to_string(),
                href: effects_href(key, item.no),
            },
            title: item.title.clone(),
            years: item
                .years
                .iter()
                .map(|year| {
                    year.cells
                        .iter()
                        .filter(|cell| !cell.items.is_empty())
                        .map(|cell| format!("{} {}", cell.status.label(), yen_text(cell.yen)))
                        .collect()
                })
                .collect(),
        })
        .collect();
    let forecast = match dashboard.previous_year {
        Some(previous) => Some(ForecastSection {
            previous_label: previous.label(),
            previous_href: EditionKey {
                plan_id: key.plan_id,
                fiscal_year: previous,
            }
            .href(),
            chart: forecast_chart("forecast-chart", key, &dashboard.forecast_vs_actual),
            rows: forecast_rows(key, &dashboard.forecast_vs_actual),
        }),
        None => None,
    };
    Ok(EditionDashboardPage {
        layout: Layout {
            title: format!("集計｜{}", report.title),
            crumbs: head.crumbs(
                false,
                [Crumb {
                    label: "集計".to_owned(),
                    href: None,
                }],
            ),
            paper_a3: false,
            session: user.bar(),
        },
        plan_dashboard_href: plan_dashboard_href(key.plan_id),
        compare_href: compare_href(key.plan_id),
        item_count: dashboard.item_count,
        year_label: key.fiscal_year.wareki_label(),
        departments,
        states,
        years: dashboard
            .yen_by_year
            .iter()
            .map(|row| row.fiscal_year.wareki_label())
            .collect(),
        yen_chart,
        yen_rows: dashboard
            .yen_by_year
            .iter()
            .map(|row| yen_row(key, row))
            .collect(),
        item_rows,
        by_year_count: dashboard
            .figures
            .iter()
            .filter(|f| f.basis == Basis::ByYear && f.yen().is_some())
            .count(),
        forecast,
        findings: finding_links(key, &dashboard.findings),
        head,
    })
}

/// A column of the plan dashboard: one edition.
#[derive(Clone, Debug)]
pub(crate) struct EditionColumn {
    /// `令和3年度`.
    pub year_label: String,
    pub href: String,
    pub dashboard_href: String,
}

/// A label counted in every edition.
#[derive(Clone, Debug)]
pub(crate) struct CrossRowView {
    pub label: String,
    pub cells: Vec<CountRow>,
}

/// One edition's findings.
#[derive(Clone, Debug)]
pub(crate) struct EditionFindings {
    pub year_label: String,
    pub findings: Vec<FindingLink>,
}

/// One edition's forecast against actual.
#[derive(Clone, Debug)]
pub(crate) struct EditionForecast {
    pub year_label: String,
    pub previous_label: String,
    pub rows: Vec<ForecastRow>,
}

/// `GET /plans/{plan_id}/dashboard`.
#[derive(Debug, Template, WebTemplate)]
#[template(path = "plan_dashboard.html")]
pub(crate) struct PlanDashboardPage {
    layout: Layout,
    plan_name: String,
    compare_href: String,
    editions: Vec<EditionColumn>,
    departments: Vec<CrossRowView>,
    states: Vec<CrossRowView>,
    yen_chart: Chart,
    yen_rows: Vec<YenRow>,
    forecasts: Vec<EditionForecast>,
    findings: Vec<EditionFindings>,
}

/// `GET /plans/{plan_id}/dashboard`.
pub(crate) async fn plan_dashboard(
    State(state): State<AppState>,
    user: CurrentUser,
    PlanId(plan_id): PlanId,
) -> Result<PlanDashboardPage, Error> {
    let editions = plan_editions(&state, plan_id).await?;
    let mut reports = Vec::with_capacity(editions.len());
    for (_, stored) in &editions {
        reports.push(state.store().load_report(stored.id).await?);
    }
    let plan_name = reports
        .last()
        .map(|report| report.plan_name.clone())
        .unwrap_or_default();
    let dashboards: PlanDashboard = kaikaku_analysis::plan(&reports);
    let keys: Vec<EditionKey> = editions.iter().map(|(key, _)| *key).collect();
    let cross = |rows: Vec<kaikaku_analysis::dashboard::CrossRow>| {
        rows.into_iter()
            .map(|row| CrossRowView {
                label: row.label,
                cells: row
                    .per_edition
                    .iter()
                    .zip(&keys)
                    .map(|(items, key)| CountRow {
                        label: key.fiscal_year.wareki_label(),
                        count: items.len(),
                        items: item_refs(items, |no| key.item_href(no)),
                    })
                    .collect(),
            })
            .collect::<Vec<_>>()
    };
    // Each edition's own report year: what it reports as done that year.
    let own_years: Vec<(EditionKey, &YearYen)> = dashboards
        .editions
        .iter()
        .zip(&keys)
        .filter_map(|(dashboard, key)| {
            dashboard
                .yen_by_year
                .iter()
                .find(|row| row.fiscal_year == key.fiscal_year)
                .map(|row| (*key, row))
        })
        .collect();
    let groups: Vec<Group> = own_years
        .iter()
        .map(|(_, row)| yen_group("yen-", row.fiscal_year.wareki_label(), row))
        .collect();
    Ok(PlanDashboardPage {
        layout: Layout {
            title: format!("集計（年度比較）｜{plan_name}"),
            crumbs: vec![
                Crumb::home(),
                Crumb {
                    label: format!("{plan_name} 集計"),
                    href: None,
                },
            ],
            paper_a3: false,
            session: user.bar(),
        },
        compare_href: compare_href(plan_id),
        editions: keys
            .iter()
            .map(|key| EditionColumn {
                year_label: key.fiscal_year.wareki_label(),
                href: key.href(),
                dashboard_href: edition_dashboard_href(*key),
            })
            .collect(),
        departments: cross(dashboards.departments()),
        states: cross(dashboards.states()),
        yen_chart: Chart::new(
            "plan-yen-chart",
            format!("{}：各年度の報告に記載された、その年度の効果額", plan_name),
            Arrangement::Stacked,
            &groups,
            "円",
            status_legend(),
        ),
        yen_rows: own_years
            .iter()
            .map(|(key, row)| yen_row(*key, row))
            .collect(),
        forecasts: dashboards
            .editions
            .iter()
            .zip(&keys)
            .filter_map(|(dashboard, key)| {
                let previous = dashboard.previous_year?;
                Some(EditionForecast {
                    year_label: key.fiscal_year.label(),
                    previous_label: previous.label(),
                    rows: forecast_rows(*key, &dashboard.forecast_vs_actual),
                })
            })
            .collect(),
        findings: dashboards
            .editions
            .iter()
            .zip(&keys)
            .map(|(dashboard, key)| EditionFindings {
                year_label: key.fiscal_year.label(),
                findings: finding_links(*key, &dashboard.findings),
            })
            .collect(),
        plan_name,
    })
}

/// A year to choose in the comparison form.
#[derive(Clone, Debug)]
pub(crate) struct YearOption {
    pub value: i32,
    pub label: String,
    pub from_selected: bool,
    pub to_selected: bool,
}

/// A value that differs, as shown.
#[derive(Clone, Debug)]
pub(crate) struct DeltaView {
    pub label: String,
    pub year_label: String,
    pub from: String,
    pub to: String,
    pub delta: String,
}

/// One item that differs.
#[derive(Clone, Debug)]
pub(crate) struct CompareItemView {
    pub item: ItemRef,
    pub title: String,
    pub presence: &'static str,
    pub presence_code: &'static str,
    pub state_from: String,
    pub state_to: String,
    pub state_changed: bool,
    pub changes: Vec<ChangeView>,
    pub deltas: Vec<DeltaView>,
}

/// The result part of the comparison page.
#[derive(Clone, Debug)]
pub(crate) struct CompareView {
    pub from_label: String,
    pub to_label: String,
    pub from_href: String,
    pub to_href: String,
    pub items: Vec<CompareItemView>,
    pub unchanged: usize,
}

fn status_value(value: Option<(EffectStatus, Decimal)>, unit: Unit) -> String {
    value.map_or_else(
        || "—".to_owned(),
        |(status, v)| format!("{}（{}）", amount_text(v, unit), status.label()),
    )
}

fn compare_view(plan_id: i64, comparison: &Comparison) -> Option<CompareView> {
    let from = EditionKey {
        plan_id,
        fiscal_year: comparison.from_year?,
    };
    let to = EditionKey {
        plan_id,
        fiscal_year: comparison.to_year?,
    };
    let state_label = |state: &Option<kaikaku_analysis::ItemState>| {
        state.as_ref().map_or_else(|| "—".to_owned(), |s| s.label())
    };
    let items: Vec<CompareItemView> = comparison
        .items
        .iter()
        .filter(|item| !item.is_unchanged())
        .map(|item| {
            let key = if item.presence == Presence::Removed {
                from
            } else {
                to
            };
            CompareItemView {
                item: ItemRef {
                    label: item.no.to_string(),
                    href: key.item_href(item.no),
                },
                title: item.title.clone(),
                presence: item.presence.label(),
                presence_code: item.presence.code(),
                state_from: state_label(&item.state_from),
                state_to: state_label(&item.state_to),
                state_changed: item.state_changed(),
                changes: item.changes.iter().map(ChangeView::new).collect(),
                deltas: item
                    .deltas
                    .iter()
                    .map(|d| DeltaView {
                        label: d.label.clone(),
                        year_label: d.fiscal_year.wareki_label(),
                        from: status_value(d.from, d.unit),
                        to: status_value(d.to, d.unit),
                        delta: d.delta().map_or_else(
                            || "—".to_owned(),
                            |v| {
                                let sign = if v > Decimal::ZERO { "+" } else { "" };
                                format!("{sign}{}", amount_text(v, d.unit))
                            },
                        ),
                    })
                    .collect(),
            }
        })
        .collect();
    Some(CompareView {
        from_label: from.fiscal_year.label(),
        to_label: to.fiscal_year.label(),
        from_href: from.href(),
        to_href: to.href(),
        unchanged: comparison.items.len() - items.len(),
        items,
    })
}

/// `GET /plans/{plan_id}/compare`.
#[derive(Debug, Template, WebTemplate)]
#[template(path = "compare.html")]
pub(crate) struct ComparePage {
    layout: Layout,
    plan_name: String,
    action: String,
    plan_dashboard_href: String,
    years: Vec<YearOption>,
    message: Option<String>,
    result: Option<CompareView>,
}

/// `GET /plans/{plan_id}/compare?from=Y1&to=Y2`: the form, and the comparison when two
/// published years are given. Years that are not numbers are a 400 and years the plan has no
/// edition for a 404, both with the form and a message.
pub(crate) async fn compare(
    State(state): State<AppState>,
    user: CurrentUser,
    PlanId(plan_id): PlanId,
    RawQuery(query): RawQuery,
) -> Result<Response, Error> {
    let editions = plan_editions(&state, plan_id).await?;
    let plan_name = editions
        .last()
        .map(|(_, stored)| stored.plan_name.clone())
        .unwrap_or_default();
    let asked = compare_years(query.as_deref());
    let (status, message, result, chosen) = match asked {
        Err(message) => (StatusCode::BAD_REQUEST, Some(message), None, None),
        Ok(None) => (StatusCode::OK, None, None, None),
        Ok(Some((from, to))) => {
            let published = |year: FiscalYear| editions.iter().any(|(k, _)| k.fiscal_year == year);
            match [from, to].into_iter().find(|year| !published(*year)) {
                Some(missing) => (
                    StatusCode::NOT_FOUND,
                    Some(format!(
                        "この計画には{}の公開中の報告がありません。一覧から年度を選んでください。",
                        missing.label()
                    )),
                    None,
                    Some((from, to)),
                ),
                None => {
                    let (_, comparison) = comparison(&state, plan_id, from, to).await?;
                    (
                        StatusCode::OK,
                        None,
                        compare_view(plan_id, &comparison),
                        Some((from, to)),
                    )
                }
            }
        }
    };
    let default_from = editions
        .len()
        .checked_sub(2)
        .and_then(|i| editions.get(i))
        .or(editions.first())
        .map(|(key, _)| key.fiscal_year);
    let default_to = editions.last().map(|(key, _)| key.fiscal_year);
    let (from, to) = chosen.map_or((default_from, default_to), |(f, t)| (Some(f), Some(t)));
    let page = ComparePage {
        layout: Layout {
            title: format!("年度比較｜{plan_name}"),
            crumbs: vec![
                Crumb::home(),
                Crumb {
                    label: format!("{plan_name} 集計"),
                    href: Some(plan_dashboard_href(plan_id)),
                },
                Crumb {
                    label: "年度比較".to_owned(),
                    href: None,
                },
            ],
            paper_a3: false,
            session: user.bar(),
        },
        action: compare_href(plan_id),
        plan_dashboard_href: plan_dashboard_href(plan_id),
        years: editions
            .iter()
            .map(|(key, _)| YearOption {
                value: key.fiscal_year.gregorian(),
                label: key.fiscal_year.label(),
                from_selected: Some(key.fiscal_year) == from,
                to_selected: Some(key.fiscal_year) == to,
            })
            .collect(),
        message,
        result,
        plan_name,
    };
    Ok((status, page).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compare_years_are_gregorian_numbers() {
        let years = |q: &str| {
            compare_years(Some(q)).map(|y| y.map(|(a, b)| (a.gregorian(), b.gregorian())))
        };
        assert_eq!(years("from=2021&to=2022"), Ok(Some((2021, 2022))));
        assert_eq!(years(""), Ok(None));
        assert!(years("from=令和3&to=2022").is_err());
        assert!(years("from=2021").is_err());
        assert!(years("from=02021&to=2022").is_err());
        assert!(years("from=99999&to=2022").is_err());
    }
}
