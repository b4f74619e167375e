//! Figures across municipalities: for one report fiscal year (報告年度), the published editions
//! of that year summed per municipality, per prefecture and nationally.
//!
//! Each plan counts with its edition of the year (a plan is named within its municipality,
//! as the store keys it: municipality code and plan name). Its effects are the values of the
//! effects tables for the report year itself, classed by [`figures`] (実績 / 計画 / 見込み)
//! and converted to yen by the model ([`crate::Figure::yen`]), summed as exact decimals — the same
//! figure the edition dashboard gives for its report year. Findings are those of
//! [`kaikaku_check::check`] (published editions carry no waivers).
//!
//! Where a plan goes: a municipality whose code names a prefecture (01 北海道 … 47 沖縄県)
//! goes to that prefecture; a valid code outside 01–47 (demo and test codes such as 99) to
//! [`Area::OtherCodes`] 「その他」, as the top page's directory does; a plan stored without a
//! municipality to [`Area::NoMunicipality`] 「団体不明」, one row per plan, counted in 計画数
//! but not in 団体数 (it is no known municipality). Every total is the sum of the rows below it,
//! so the national total is the sum of the areas, and each area the sum of its rows.

use std::collections::{BTreeMap, BTreeSet};

use kaikaku_model::municipality::prefecture_name;
use kaikaku_model::{Decimal, FiscalYear, ItemNo, LocalGovernmentCode, Municipality, Report};

use crate::effects::{EffectStatus, figures};

/// Where a plan is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Area {
    /// A prefecture by its JIS X 0401 code, 1 (北海道) … 47 (沖縄県).
    Prefecture(u8),
    /// Municipalities whose code names no prefecture (outside 01–47).
    OtherCodes,
    /// Plans stored without a municipality.
    NoMunicipality,
}

impl Area {
    /// The area of a plan of `municipality`.
    pub fn of(municipality: Option<&Municipality>) -> Area {
        match municipality {
            None => Area::NoMunicipality,
            Some(town) => match town.code.prefecture() {
                code if prefecture_name(code).is_some() => Area::Prefecture(code),
                _ => Area::OtherCodes,
            },
        }
    }

    /// `北海道`, `その他`, `団体不明`.
    pub fn name(self) -> &'static str {
        match self {
            Area::Prefecture(code) => prefecture_name(code).unwrap_or("その他"),
            Area::OtherCodes => "その他",
            Area::NoMunicipality => "団体不明",
        }
    }

    /// The two-digit prefecture code (`01`), for a prefecture.
    pub fn code(self) -> Option<String> {
        match self {
            Area::Prefecture(code) => Some(format!("{code:02}")),
            Area::OtherCodes | Area::NoMunicipality => None,
        }
    }
}

/// Counts and sums of one row, one area or the nation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Municipalities with an edition of the year (a plan of no municipality counts 0).
    pub municipalities: usize,
    /// Plans with an edition of the year.
    pub plans: usize,
    /// Item sheets of those editions.
    pub items: usize,
    /// 実績 of the report year, in yen.
    pub actual: Decimal,
    /// 計画 (and 目標) of the report year, in yen.
    pub plan: Decimal,
    /// 見込み of the report year, in yen.
    pub forecast: Decimal,
    /// Check findings (stated totals that disagree with their rows).
    pub findings: usize,
    /// Items with at least one finding.
    pub items_with_findings: usize,
}

impl Totals {
    /// The yen of one class.
    pub fn yen(&self, status: EffectStatus) -> Decimal {
        match status {
            EffectStatus::Actual => self.actual,
            EffectStatus::Plan => self.plan,
            EffectStatus::Forecast => self.forecast,
        }
    }

    fn add(&mut self, other: &Totals) {
        self.municipalities += other.municipalities;
        self.plans += other.plans;
        self.items += other.items;
        self.actual += other.actual;
        self.plan += other.plan;
        self.forecast += other.forecast;
        self.findings += other.findings;
        self.items_with_findings += other.items_with_findings;
    }

    /// The totals of one edition for `year`.
    fn of_edition(report: &Report, year: FiscalYear) -> Totals {
        let mut totals = Totals {
            plans: 1,
            items: report.items.len(),
            ..Totals::default()
        };
        for figure in figures(report)
            .iter()
            .filter(|figure| figure.fiscal_year == year)
        {
            let Some(yen) = figure.yen() else {
                continue;
            };
            match figure.status {
                EffectStatus::Actual => totals.actual += yen,
                EffectStatus::Plan => totals.plan += yen,
                EffectStatus::Forecast => totals.forecast += yen,
            }
        }
        let findings = kaikaku_check::check(report);
        totals.findings = findings.len();
        totals.items_with_findings = findings
            .iter()
            .map(|finding| finding.item_no)
            .collect::<BTreeSet<ItemNo>>()
            .len();
        totals
    }
}

/// Who a row is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reporter {
    /// A municipality, with its plans of the year.
    Municipality(Municipality),
    /// A plan stored without a municipality, by its name.
    Plan(String),
}

/// One municipality (or one plan of no municipality) of an area.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Who.
    pub reporter: Reporter,
    /// Its figures; `municipalities` is 1 for a municipality, 0 for a plan.
    pub totals: Totals,
}

/// One area with its rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AreaSummary {
    /// The prefecture, その他 or 団体不明.
    pub area: Area,
    /// The sum of its rows.
    pub totals: Totals,
    /// Its municipalities by code (then plans of no municipality by name).
    pub rows: Vec<Row>,
}

/// The figures of one report fiscal year across every municipality.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Across {
    /// The report fiscal year.
    pub fiscal_year: FiscalYear,
    /// The areas with an edition of the year: prefectures by code, then その他, then 団体不明.
    pub areas: Vec<AreaSummary>,
    /// The sum of the areas.
    pub total: Totals,
}

impl Across {
    /// The summary of `area`, if it has an edition of the year.
    pub fn area(&self, area: Area) -> Option<&AreaSummary> {
        self.areas.iter().find(|summary| summary.area == area)
    }
}

/// The report fiscal years of `reports`, each once, oldest first.
pub fn report_years<'a>(reports: impl IntoIterator<Item = &'a Report>) -> Vec<FiscalYear> {
    reports
        .into_iter()
        .filter_map(|report| report.report_fiscal_year)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The figures of report fiscal year `year` across `reports` (published editions, in any
/// order; those of other years are left out). A plan — its municipality's code and its
/// name — should come once per year, as the store lists the latest published revision; if
/// it comes more than once, the last one given counts.
pub fn across<'a>(reports: impl IntoIterator<Item = &'a Report>, year: FiscalYear) -> Across {
    let mut tally = Tally::default();
    for report in reports {
        if report.report_fiscal_year == Some(year) {
            tally.add(report);
        }
    }
    tally.year(year)
}

/// Where an edition is counted: its year, area, municipality code and plan name, in the order
/// the rows are shown.
type EditionKey = (FiscalYear, Area, Option<LocalGovernmentCode>, String);

/// The figures of editions added one at a time, for every report year at once: each edition
/// is reduced to its [`Totals`] as it is added, so a caller may load a national corpus in
/// parts and drop each part.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    editions: BTreeMap<EditionKey, (Option<Municipality>, Totals)>,
}

impl Tally {
    /// Counts `report` in its report year (an edition without one is left out). The same plan
    /// and year added again replaces the one added before.
    pub fn add(&mut self, report: &Report) {
        let Some(year) = report.report_fiscal_year else {
            return;
        };
        let municipality = report.municipality.clone();
        let key = (
            year,
            Area::of(municipality.as_ref()),
            municipality.as_ref().map(|town| town.code),
            report.plan_name.clone(),
        );
        self.editions
            .insert(key, (municipality, Totals::of_edition(report, year)));
    }

    /// The report years counted, oldest first.
    pub fn years(&self) -> Vec<FiscalYear> {
        let years: BTreeSet<FiscalYear> = self.editions.keys().map(|key| key.0).collect();
        years.into_iter().collect()
    }

    /// The figures of `year` (empty when nothing of that year was added).
    pub fn year(&self, year: FiscalYear) -> Across {
        let mut areas: Vec<AreaSummary> = Vec::new();
        let of_year = self
            .editions
            .iter()
            .filter(|((edition_year, ..), _)| *edition_year == year);
        for ((_, area, code, plan_name), (municipality, edition)) in of_year {
            let summary = match areas.last_mut() {
                Some(summary) if summary.area == *area => summary,
                _ => {
                    areas.push(AreaSummary {
                        area: *area,
                        totals: Totals::default(),
                        rows: Vec::new(),
                    });
                    areas.last_mut().expect("just pushed")
                }
            };
            summary.totals.add(edition);
            let same_town = |row: &Row| match &row.reporter {
                Reporter::Municipality(town) => Some(town.code) == *code,
                Reporter::Plan(_) => false,
            };
            match summary.rows.last_mut() {
                Some(row) if same_town(row) => row.totals.add(edition),
                _ => {
                    let (reporter, municipalities) = match municipality {
                        Some(town) => (Reporter::Municipality(town.clone()), 1),
                        None => (Reporter::Plan(plan_name.clone()), 0),
                    };
                    summary.totals.municipalities += municipalities;
                    summary.rows.push(Row {
                        reporter,
                        totals: Totals {
                            municipalities,
                            ..edition.clone()
                        },
                    });
                }
            }
        }
        let mut total = Totals::default();
        for summary in &areas {
            total.add(&summary.totals);
        }
        Across {
            fiscal_year: year,
            areas,
            total,
        }
    }

    /// The figures of every report year counted, oldest first.
    pub fn all_years(&self) -> Vec<Across> {
        self.years()
            .into_iter()
            .map(|year| self.year(year))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn town(code: &str, name: &str) -> Option<Municipality> {
        Some(Municipality {
            code: LocalGovernmentCode::parse(code).expect("a valid code"),
            name: name.to_owned(),
        })
    }

    #[test]
    fn areas_are_prefectures_then_other_codes_then_no_municipality() {
        assert_eq!(
            Area::of(town("131016", "千代田区").as_ref()),
            Area::Prefecture(13)
        );
        assert_eq!(
            Area::of(town("011002", "札幌市").as_ref()),
            Area::Prefecture(1)
        );
        assert_eq!(
            Area::of(town("999989", "桜川市").as_ref()),
            Area::OtherCodes
        );
        assert_eq!(Area::of(None), Area::NoMunicipality);
        assert_eq!(Area::Prefecture(1).code().as_deref(), Some("01"));
        assert_eq!(Area::Prefecture(13).name(), "東京都");
        assert_eq!(Area::OtherCodes.code(), None);
        assert!(Area::Prefecture(47) < Area::OtherCodes);
        assert!(Area::OtherCodes < Area::NoMunicipality);
    }
}
