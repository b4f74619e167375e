//! The dashboard of a published edition and the comparison of two, as JSON: the same figures
//! as the pages of [`crate::dashboard`], computed by `kaikaku-analysis`. Amounts are exact
//! decimal strings, fiscal years Gregorian with their 和暦 labels beside them.

use axum::Json;
use axum::extract::{RawQuery, State};
use kaikaku_analysis::dashboard::YearYen;
use kaikaku_analysis::{Comparison, EditionDashboard, EffectStatus};
use kaikaku_interchange::FindingJson;
use kaikaku_model::{Decimal, FiscalYear, ItemNo};
use serde::Serialize;

use super::ApiError;
use crate::AppState;
use crate::public::dashboard::{PlanId, compare_years, comparison, edition_figures};
use crate::views::EditionKey;
use crate::views::changes::diff_spans;

/// A label with the items it counts.
#[derive(Debug, Serialize)]
pub(crate) struct CountJson {
    label: String,
    count: usize,
    items: Vec<u32>,
}

/// The yen of one fiscal year, per class.
#[derive(Debug, Serialize)]
pub(crate) struct YearYenJson {
    fiscal_year: i32,
    fiscal_year_label: String,
    actual: String,
    plan: String,
    forecast: String,
    total: String,
    /// The items behind each class.
    items: ClassItemsJson,
}

/// The items behind each class of a [`YearYenJson`].
#[derive(Debug, Serialize)]
pub(crate) struct ClassItemsJson {
    actual: Vec<u32>,
    plan: Vec<u32>,
    forecast: Vec<u32>,
}

/// One item's yen.
#[derive(Debug, Serialize)]
pub(crate) struct ItemYenJson {
    no: u32,
    title: String,
    years: Vec<YearYenJson>,
}

/// Last year's forecast against this year's actual, one item and unit.
#[derive(Debug, Serialize)]
pub(crate) struct ForecastActualJson {
    no: u32,
    title: String,
    fiscal_year: i32,
    unit: String,
    forecast: Option<String>,
    actual: Option<String>,
    difference: Option<String>,
}

/// `GET /api/v1/plans/{plan_id}/{fiscal_year}/dashboard`.
#[derive(Debug, Serialize)]
pub(crate) struct DashboardJson {
    plan_id: i64,
    plan_name: String,
    fiscal_year: i32,
    fiscal_year_label: String,
    item_count: usize,
    by_state: Vec<CountJson>,
    by_department: Vec<CountJson>,
    yen_by_year: Vec<YearYenJson>,
    yen_by_item: Vec<ItemYenJson>,
    previous_fiscal_year: Option<i32>,
    forecast_vs_actual: Vec<ForecastActualJson>,
    findings: Vec<FindingJson>,
    /// How each figure is computed, in Japanese.
    rules: RulesJson,
}

/// The computation rules, as the page states them.
#[derive(Debug, Serialize)]
pub(crate) struct RulesJson {
    by_state: &'static str,
    yen: &'static str,
    forecast_vs_actual: &'static str,
}

const RULES: RulesJson = RulesJson {
    by_state: "報告年度の改善スケジュールの欄に書かれた段階（検討・試行・実施）で項目を数える。段階がなく取組番号だけの項目は「段階の記載なし」、欄が空の項目は「予定なし」。",
    yen: "取組による効果の年度の行にある金額（円・千円・万円・百万円・億円）を円に換算し、年度・区分ごとに合計する。総計の行は含まない。（目標）は計画に含め、区分の記載がない数値は報告年度までを実績、それより後を見込みとする。",
    forecast_vs_actual: "前年度の報告で報告年度の見込みとされた数値と、この報告で報告年度の実績とされた数値を、項目・単位ごとに合計する。金額は円に換算し、％・点は含めない。差は実績－見込み。",
};

fn numbers(items: &[ItemNo]) -> Vec<u32> {
    items.iter().map(|no| no.0).collect()
}

fn year_yen(row: &YearYen) -> YearYenJson {
    let items = |status: EffectStatus| {
        row.cells
            .iter()
            .find(|cell| cell.status == status)
            .map(|cell| numbers(&cell.items))
            .unwrap_or_default()
    };
    YearYenJson {
        fiscal_year: row.fiscal_year.gregorian(),
        fiscal_year_label: row.fiscal_year.wareki_label(),
        actual: row.yen(EffectStatus::Actual).to_string(),
        plan: row.yen(EffectStatus::Plan).to_string(),
        forecast: row.yen(EffectStatus::Forecast).to_string(),
        total: row.total().to_string(),
        items: ClassItemsJson {
            actual: items(EffectStatus::Actual),
            plan: items(EffectStatus::Plan),
            forecast: items(EffectStatus::Forecast),
        },
    }
}

fn dashboard_json(
    key: EditionKey,
    plan_name: String,
    dashboard: &EditionDashboard,
) -> DashboardJson {
    let decimal = |value: Option<Decimal>| value.map(|v| v.to_string());
    DashboardJson {
        plan_id: key.plan_id,
        plan_name,
        fiscal_year: key.fiscal_year.gregorian(),
        fiscal_year_label: key.fiscal_year.wareki_label(),
        item_count: dashboard.item_count,
        by_state: dashboard
            .by_state
            .iter()
            .map(|group| CountJson {
                label: group.state.label(),
                count: group.items.len(),
                items: numbers(&group.items),
            })
            .collect(),
        by_department: dashboard
            .by_department
            .iter()
            .map(|group| CountJson {
                label: group.label.clone(),
                count: group.items.len(),
                items: numbers(&group.items),
            })
            .collect(),
        yen_by_year: dashboard.yen_by_year.iter().map(year_yen).collect(),
        yen_by_item: dashboard
            .yen_by_item
            .iter()
            .map(|item| ItemYenJson {
                no: item.no.0,
                title: item.title.clone(),
                years: item.years.iter().map(year_yen).collect(),
            })
            .collect(),
        previous_fiscal_year: dashboard.previous_year.map(FiscalYear::gregorian),
        forecast_vs_actual: dashboard
            .forecast_vs_actual
            .iter()
            .map(|row| ForecastActualJson {
                no: row.item_no.0,
                title: row.title.clone(),
                fiscal_year: row.fiscal_year.gregorian(),
                unit: row.unit.symbol().to_owned(),
                forecast: decimal(row.forecast),
                actual: decimal(row.actual),
                difference: decimal(row.difference()),
            })
            .collect(),
        findings: dashboard.findings.iter().map(FindingJson::from).collect(),
        rules: RULES,
    }
}

/// `GET /api/v1/plans/{plan_id}/{fiscal_year}/dashboard`.
pub(crate) async fn edition_dashboard(
    State(state): State<AppState>,
    key: EditionKey,
) -> Result<Json<DashboardJson>, ApiError> {
    let (_, report, dashboard) = edition_figures(&state, key).await?;
    Ok(Json(dashboard_json(
        key,
        report.plan_name.clone(),
        &dashboard,
    )))
}

/// One run of a text diff.
#[derive(Debug, Serialize)]
pub(crate) struct DiffJson {
    /// `same`, `del` or `ins`.
    op: &'static str,
    text: String,
}

/// One field whose text differs.
#[derive(Debug, Serialize)]
pub(crate) struct FieldChangeJson {
    field: String,
    label: String,
    before: String,
    after: String,
    diff: Vec<DiffJson>,
}

/// One value that differs.
#[derive(Debug, Serialize)]
pub(crate) struct DeltaJson {
    label: String,
    fiscal_year: i32,
    fiscal_year_label: String,
    unit: String,
    from_status: Option<&'static str>,
    from: Option<String>,
    to_status: Option<&'static str>,
    to: Option<String>,
    delta: Option<String>,
}

/// One item across the editions.
#[derive(Debug, Serialize)]
pub(crate) struct ItemComparisonJson {
    no: u32,
    title: String,
    /// `both`, `added` or `removed`.
    presence: &'static str,
    state_from: Option<String>,
    state_to: Option<String>,
    state_changed: bool,
    changes: Vec<FieldChangeJson>,
    deltas: Vec<DeltaJson>,
}

/// `GET /api/v1/plans/{plan_id}/compare`.
#[derive(Debug, Serialize)]
pub(crate) struct ComparisonJson {
    plan_id: i64,
    plan_name: String,
    from: i32,
    from_label: String,
    to: i32,
    to_label: String,
    items: Vec<ItemComparisonJson>,
}

fn comparison_json(
    plan_id: i64,
    plan_name: String,
    (from, to): (FiscalYear, FiscalYear),
    comparison: &Comparison,
) -> ComparisonJson {
    ComparisonJson {
        plan_id,
        plan_name,
        from: from.gregorian(),
        from_label: from.wareki_label(),
        to: to.gregorian(),
        to_label: to.wareki_label(),
        items: comparison
            .items
            .iter()
            .map(|item| ItemComparisonJson {
                no: item.no.0,
                title: item.title.clone(),
                presence: item.presence.code(),
                state_from: item.state_from.as_ref().map(|s| s.label()),
                state_to: item.state_to.as_ref().map(|s| s.label()),
                state_changed: item.state_changed(),
                changes: item
                    .changes
                    .iter()
                    .map(|change| FieldChangeJson {
                        field: change.field.path(),
                        label: change.field.label(),
                        before: change.before.clone(),
                        after: change.after.clone(),
                        diff: diff_spans(&change.before, &change.after)
                            .into_iter()
                            .map(|span| DiffJson {
                                op: span.tag,
                                text: span.text,
                            })
                            .collect(),
                    })
                    .collect(),
                deltas: item
                    .deltas
                    .iter()
                    .map(|delta| DeltaJson {
                        label: delta.label.clone(),
                        fiscal_year: delta.fiscal_year.gregorian(),
                        fiscal_year_label: delta.fiscal_year.wareki_label(),
                        unit: delta.unit.symbol().to_owned(),
                        from_status: delta.from.map(|(s, _)| s.code()),
                        from: delta.from.map(|(_, v)| v.to_string()),
                        to_status: delta.to.map(|(s, _)| s.code()),
                        to: delta.to.map(|(_, v)| v.to_string()),
                        delta: delta.delta().map(|v| v.to_string()),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// `GET /api/v1/plans/{plan_id}/compare?from=Y1&to=Y2`: 400 without two Gregorian years, 404
/// when the plan has no published edition for either.
pub(crate) async fn compare(
    State(state): State<AppState>,
    PlanId(plan_id): PlanId,
    RawQuery(query): RawQuery,
) -> Result<Json<ComparisonJson>, ApiError> {
    let years = match compare_years(query.as_deref()) {
        Ok(Some(years)) => years,
        Ok(None) => {
            return Err(ApiError::bad_request(
                "比較する2つの年度（from と to）を西暦で指定してください（例：?from=2021&to=2022）。",
            ));
        }
        Err(message) => return Err(ApiError::bad_request(message)),
    };
    let (plan_name, result) = comparison(&state, plan_id, years.0, years.1).await?;
    Ok(Json(comparison_json(plan_id, plan_name, years, &result)))
}
