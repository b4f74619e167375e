//! The dashboard of an edition and of a plan across its published editions: items by state and
//! by reporting department, effects in yen per fiscal year and class, last year's forecast
//! against this year's actual, and the open check findings.
//!
//! Every figure keeps the items it was computed from, so pages can link each number to its
//! rows.

use std::collections::BTreeMap;

use kaikaku_check::Finding;
use kaikaku_model::{Decimal, FiscalYear, ItemNo, Report, Unit};

use crate::effects::{EffectStatus, Figure, figures};
use crate::state::ItemState;

/// Items that share a label (a department, a state).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// The label as shown.
    pub label: String,
    /// The items, in document order.
    pub items: Vec<ItemNo>,
}

/// The items of one state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateGroup {
    /// The state.
    pub state: ItemState,
    /// The items, in document order.
    pub items: Vec<ItemNo>,
}

/// One class of one fiscal year: the sum in yen and the items it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YenCell {
    /// 実績, 計画 or 見込み.
    pub status: EffectStatus,
    /// The exact sum in yen.
    pub yen: Decimal,
    /// The items with a value in it, in document order.
    pub items: Vec<ItemNo>,
}

/// The yen of one fiscal year, one cell per class in the order of [`EffectStatus::ALL`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearYen {
    /// The fiscal year.
    pub fiscal_year: FiscalYear,
    /// 実績, 計画, 見込み.
    pub cells: Vec<YenCell>,
}

impl YearYen {
    fn empty(fiscal_year: FiscalYear) -> YearYen {
        YearYen {
            fiscal_year,
            cells: EffectStatus::ALL
                .iter()
                .map(|&status| YenCell {
                    status,
                    yen: Decimal::ZERO,
                    items: Vec::new(),
                })
                .collect(),
        }
    }

    fn add(&mut self, status: EffectStatus, item: ItemNo, yen: Decimal) {
        if let Some(cell) = self.cells.iter_mut().find(|cell| cell.status == status) {
            cell.yen += yen;
            if !cell.items.contains(&item) {
                cell.items.push(item);
            }
        }
    }

    /// The sum of one class.
    pub fn yen(&self, status: EffectStatus) -> Decimal {
        self.cells
            .iter()
            .find(|cell| cell.status == status)
            .map_or(Decimal::ZERO, |cell| cell.yen)
    }

    /// The sum of every class.
    pub fn total(&self) -> Decimal {
        self.cells.iter().map(|cell| cell.yen).sum()
    }
}

/// One item's yen, per fiscal year and class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemYen {
    /// The item.
    pub no: ItemNo,
    /// Its title.
    pub title: String,
    /// The years of the dashboard, in order, each with the item's sums.
    pub years: Vec<YearYen>,
}

/// Last year's forecast of one item for a fiscal year against the actual reported this year,
/// in one unit (yen for money).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForecastActual {
    /// The item.
    pub item_no: ItemNo,
    /// Its title (this year's, else last year's).
    pub title: String,
    /// The fiscal year forecast and reported.
    pub fiscal_year: FiscalYear,
    /// 円 for money; the unit itself for counts and areas.
    pub unit: Unit,
    /// The sum of the item's 見込み for the year in the previous edition.
    pub forecast: Option<Decimal>,
    /// The sum of the item's 実績 for the year in this edition.
    pub actual: Option<Decimal>,
}

impl ForecastActual {
    /// `actual - forecast` when both are known.
    pub fn difference(&self) -> Option<Decimal> {
        Some(self.actual? - self.forecast?)
    }
}

/// The figures of one edition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditionDashboard {
    /// The report fiscal year.
    pub fiscal_year: Option<FiscalYear>,
    /// How many item sheets.
    pub item_count: usize,
    /// Items per reporting department (記入担当課), in order of first appearance.
    pub by_department: Vec<Group>,
    /// Items per state in the report year, in the order of [`ItemState::rank`].
    pub by_state: Vec<StateGroup>,
    /// Every classed value of the effects tables.
    pub figures: Vec<Figure>,
    /// Money per fiscal year and class, for the plan years and any other year with money.
    pub yen_by_year: Vec<YearYen>,
    /// Money per item (items with money only), over the same years.
    pub yen_by_item: Vec<ItemYen>,
    /// The report year of the previous edition compared, if one was given.
    pub previous_year: Option<FiscalYear>,
    /// Last year's forecast against this year's actual for the report year, per item and
    /// unit; empty without a previous edition.
    pub forecast_vs_actual: Vec<ForecastActual>,
    /// The check findings (published editions carry no waivers: all are open).
    pub findings: Vec<Finding>,
}

/// The label of items whose reporting department is not written.
pub const NO_DEPARTMENT: &str = "（記入担当課の記載なし）";

/// The dashboard of `report`; with `previous`, the edition of the year before, also last
/// year's forecast against this year's actual.
pub fn edition(report: &Report, previous: Option<&Report>) -> EditionDashboard {
    let figures = figures(report);
    let mut by_department: Vec<Group> = Vec::new();
    for item in &report.items {
        let label = item
            .reporting_department
            .clone()
            .unwrap_or_else(|| NO_DEPARTMENT.to_owned());
        match by_department.iter_mut().find(|group| group.label == label) {
            Some(group) => group.items.push(item.no),
            None => by_department.push(Group {
                label,
                items: vec![item.no],
            }),
        }
    }
    let mut by_state: Vec<StateGroup> = Vec::new();
    if let Some(year) = report.report_fiscal_year {
        for item in &report.items {
            let state = ItemState::of(item, year);
            match by_state.iter_mut().find(|group| group.state == state) {
                Some(group) => group.items.push(item.no),
                None => by_state.push(StateGroup {
                    state,
                    items: vec![item.no],
                }),
            }
        }
        by_state.sort_by(|a, b| {
            (a.state.rank(), a.state.label()).cmp(&(b.state.rank(), b.state.label()))
        });
    }
    let mut years: Vec<FiscalYear> = report.fiscal_years.clone();
    years.extend(
        figures
            .iter()
            .filter(|figure| figure.yen().is_some())
            .map(|figure| figure.fiscal_year),
    );
    years.sort();
    years.dedup();
    let yen_by_year = sum_by_year(&years, figures.iter());
    let yen_by_item = report
        .items
        .iter()
        .filter_map(|item| {
            let mine = figures.iter().filter(|f| f.item_no == item.no);
            if !mine.clone().any(|f| f.yen().is_some()) {
                return None;
            }
            Some(ItemYen {
                no: item.no,
                title: item.title.clone(),
                years: sum_by_year(&years, mine),
            })
        })
        .collect();
    let previous_year = previous.and_then(|previous| previous.report_fiscal_year);
    let forecast_vs_actual = match (previous, report.report_fiscal_year) {
        (Some(previous), Some(year)) => forecast_vs_actual(previous, report, year),
        _ => Vec::new(),
    };
    EditionDashboard {
        fiscal_year: report.report_fiscal_year,
        item_count: report.items.len(),
        by_department,
        by_state,
        figures,
        yen_by_year,
        yen_by_item,
        previous_year,
        forecast_vs_actual,
        findings: kaikaku_check::check(report),
    }
}

fn sum_by_year<'a>(
    years: &[FiscalYear],
    figures: impl Iterator<Item = &'a Figure>,
) -> Vec<YearYen> {
    let mut rows: Vec<YearYen> = years.iter().map(|&year| YearYen::empty(year)).collect();
    for figure in figures {
        let Some(yen) = figure.yen() else { continue };
        if let Some(row) = rows
            .iter_mut()
            .find(|r| r.fiscal_year == figure.fiscal_year)
        {
            row.add(figure.status, figure.item_no, yen);
        }
    }
    rows
}

/// Per item and unit: the 見込み for `year` in `previous` against the 実績 for `year` in
/// `current`. Money is compared in yen; ratios and scores (%, 点) do not add up and are left
/// out.
pub fn forecast_vs_actual(
    previous: &Report,
    current: &Report,
    year: FiscalYear,
) -> Vec<ForecastActual> {
    let sums = |report: &Report, status: EffectStatus| {
        let mut sums: BTreeMap<(ItemNo, &'static str), (Unit, Decimal)> = BTreeMap::new();
        for figure in figures(report) {
            if figure.fiscal_year != year || figure.status != status {
                continue;
            }
            let unit = figure.quantity.unit;
            let (unit, value) = match figure.yen() {
                Some(yen) => (Unit::Yen, yen),
                None if unit.is_money() || !unit.is_additive() => continue,
                None => (unit, figure.quantity.value),
            };
            let sum = sums
                .entry((figure.item_no, unit.symbol()))
                .or_insert((unit, Decimal::ZERO));
            sum.1 += value;
        }
        sums
    };
    let forecasts = sums(previous, EffectStatus::Forecast);
    let actuals = sums(current, EffectStatus::Actual);
    let mut order: Vec<ItemNo> = current.items.iter().map(|item| item.no).collect();
    order.extend(
        previous
            .items
            .iter()
            .map(|item| item.no)
            .filter(|no| current.item(no.0).is_none()),
    );
    let mut keys: Vec<(ItemNo, &'static str)> =
        forecasts.keys().chain(actuals.keys()).copied().collect();
    keys.sort_by_key(|(no, symbol)| {
        (
            order.iter().position(|n| n == no),
            *symbol != Unit::Yen.symbol(),
            *symbol,
        )
    });
    keys.dedup();
    keys.into_iter()
        .filter_map(|key| {
            let forecast = forecasts.get(&key);
            let actual = actuals.get(&key);
            let unit = forecast.or(actual)?.0;
            let title = current
                .item(key.0.0)
                .or_else(|| previous.item(key.0.0))
                .map(|item| item.title.clone())
                .unwrap_or_default();
            Some(ForecastActual {
                item_no: key.0,
                title,
                fiscal_year: year,
                unit,
                forecast: forecast.map(|f| f.1),
                actual: actual.map(|a| a.1),
            })
        })
        .collect()
}

/// The figures of a plan across its published editions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanDashboard {
    /// One dashboard per edition, oldest report year first; each compared with the edition
    /// of the year before when the plan has one.
    pub editions: Vec<EditionDashboard>,
}

/// A label with its items in each edition of a [`PlanDashboard`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrossRow {
    /// The label (a department, a state).
    pub label: String,
    /// The items, one list per edition in the order of [`PlanDashboard::editions`].
    pub per_edition: Vec<Vec<ItemNo>>,
}

impl PlanDashboard {
    /// Items per reporting department in each edition, departments in order of first
    /// appearance.
    pub fn departments(&self) -> Vec<CrossRow> {
        self.cross(|dashboard| {
            dashboard
                .by_department
                .iter()
                .map(|group| (group.label.clone(), group.items.clone()))
                .collect()
        })
    }

    /// Items per state in each edition (each in its own report year), in the order of
    /// [`ItemState::rank`].
    pub fn states(&self) -> Vec<CrossRow> {
        let mut rows = self.cross(|dashboard| {
            dashboard
                .by_state
                .iter()
                .map(|group| (group.state.label(), group.items.clone()))
                .collect()
        });
        let rank = |label: &str| {
            self.editions
                .iter()
                .flat_map(|d| d.by_state.iter())
                .find(|group| group.state.label() == label)
                .map_or(u8::MAX, |group| group.state.rank())
        };
        rows.sort_by_key(|row| rank(&row.label));
        rows
    }

    fn cross(
        &self,
        groups: impl Fn(&EditionDashboard) -> Vec<(String, Vec<ItemNo>)>,
    ) -> Vec<CrossRow> {
        let mut rows: Vec<CrossRow> = Vec::new();
        for (i, dashboard) in self.editions.iter().enumerate() {
            for (label, items) in groups(dashboard) {
                let row = match rows.iter().position(|row| row.label == label) {
                    Some(at) => &mut rows[at],
                    None => {
                        rows.push(CrossRow {
                            label,
                            per_edition: vec![Vec::new(); self.editions.len()],
                        });
                        let last = rows.len() - 1;
                        &mut rows[last]
                    }
                };
                row.per_edition[i] = items;
            }
        }
        rows
    }
}

/// The dashboard of a plan's editions (in any order; editions without a report year are left
/// out). Each edition is compared with the edition of the year before, when there is one.
pub fn plan(editions: &[Report]) -> PlanDashboard {
    let mut dated: Vec<(FiscalYear, &Report)> = editions
        .iter()
        .filter_map(|report| report.report_fiscal_year.map(|year| (year, report)))
        .collect();
    dated.sort_by_key(|(year, _)| *year);
    let dashboards = dated
        .iter()
        .map(|(year, report)| {
            let previous = dated
                .iter()
                .find(|(other, _)| other.next() == *year)
                .map(|(_, report)| *report);
            edition(report, previous)
        })
        .collect();
    PlanDashboard {
        editions: dashboards,
    }
}
