//! Naming one stored report on the command line (`--report REF`): its id, PLAN/YEAR, or
//! CODE/PLAN/YEAR when several municipalities have a plan of that name.

use anyhow::bail;
use kaikaku_model::{FiscalYear, LocalGovernmentCode};
use kaikaku_store::StoredReport;

/// The stored report `reference` names among `reports`; without a reference, the only one.
///
/// A reference is a report id (`7`, as `kaikaku list` shows it), `PLAN/YEAR` or
/// `CODE/PLAN/YEAR`: PLAN is the plan's id or its name, YEAR the report fiscal year in any
/// form the model reads (`2021`, `令和3年度`, `R3`), CODE the municipality's
/// 全国地方公共団体コード (`999997/第5次集中改革プラン/2021`).
pub fn resolve<'a>(
    reports: &'a [StoredReport],
    reference: Option<&str>,
) -> anyhow::Result<&'a StoredReport> {
    let Some(reference) = reference.map(str::trim) else {
        return match reports {
            [] => bail!("保存されている報告はありません（kaikaku import で取り込んでください）"),
            [only] => Ok(only),
            _ => bail!(
                "保存されている報告が{}件あります。--report で id か 計画/年度 を指定してください\
                 （kaikaku list で一覧を表示できます）",
                reports.len()
            ),
        };
    };
    let found: Vec<&StoredReport> = match reference.rsplit_once('/') {
        None => match reference.parse::<i64>() {
            Ok(id) => reports.iter().filter(|r| r.id == id).collect(),
            Err(_) => bail!(
                "「{reference}」は報告の指定として読めません（id、または 計画/年度: 例 1/2021、\
                 第5次集中改革プラン/令和3年度）"
            ),
        },
        Some((plan, year)) => {
            let year = FiscalYear::parse(year.trim(), None)
                .map_err(|error| anyhow::anyhow!("--report {reference}: {error}"))?;
            let (code, plan) = match plan.split_once('/') {
                Some((code, plan)) => match LocalGovernmentCode::parse(code.trim()) {
                    Ok(code) => (Some(code), plan),
                    Err(error) => bail!("--report {reference}: {error}"),
                },
                None => (None, plan),
            };
            let plan = plan.trim();
            let plan_id = plan.parse::<i64>().ok();
            reports
                .iter()
                .filter(|r| r.report_fiscal_year == Some(year))
                .filter(|r| plan_id == Some(r.plan_id) || r.plan_name == plan)
                .filter(|r| {
                    code.is_none_or(|code| r.municipality.as_ref().map(|m| m.code) == Some(code))
                })
                .collect()
        }
    };
    match found.as_slice() {
        [one] => Ok(one),
        [] => bail!(
            "「{reference}」に当たる公開中の報告はありません（kaikaku list で一覧を表示できます）"
        ),
        _ => bail!(
            "「{reference}」に当たる報告が複数あります（{}）。id か 団体コード/計画/年度 で\
             指定してください",
            found
                .iter()
                .map(|r| match &r.municipality {
                    Some(m) => format!("id {} {} {}", r.id, m.code, m.name),
                    None => format!("id {} 団体未設定", r.id),
                })
                .collect::<Vec<_>>()
                .join("、")
        ),
    }
}

#[cfg(test)]
mod tests {
    use kaikaku_store::Origin;

    use super::*;

    fn stored(id: i64, plan_id: i64, plan: &str, year: i32) -> StoredReport {
        StoredReport {
            id,
            plan_id,
            plan_name: plan.into(),
            municipality: None,
            report_fiscal_year: FiscalYear::new(year),
            title: String::new(),
            items: 0,
            warnings: 0,
            source: String::new(),
            imported_at: chrono::DateTime::default(),
            revision: 1,
            origin: Origin::Import,
            published_at: None,
            base_date: None,
            correction_note: None,
        }
    }

    #[test]
    fn references_name_one_report() {
        let reports = [
            stored(3, 1, "第5次集中改革プラン", 2021),
            stored(8, 1, "第5次集中改革プラン", 2022),
            stored(9, 2, "第3次楓町行政改革実施計画", 2024),
        ];
        let id = |reference: &str| resolve(&reports, Some(reference)).map(|r| r.id).ok();
        assert_eq!(id("8"), Some(8));
        assert_eq!(id("1/2021"), Some(3));
        assert_eq!(id("第5次集中改革プラン/令和4年度"), Some(8));
        assert_eq!(id("2/R6"), Some(9));
        assert_eq!(id("4"), None);
        assert_eq!(id("1/2024"), None);
        assert_eq!(id("第5次/2021"), None);
        let error = resolve(&reports, None)
            .expect_err("three reports")
            .to_string();
        assert!(error.contains("3件"), "{error}");
        let error = resolve(&reports, Some("1/きのう"))
            .expect_err("not a year")
            .to_string();
        assert!(error.contains("年度として読めません"), "{error}");
        assert_eq!(resolve(&reports[2..], None).map(|r| r.id).ok(), Some(9));
        assert!(resolve(&[], None).is_err());
    }

    #[test]
    fn a_municipality_code_tells_plans_of_the_same_name_apart() {
        let town = |code: &str, name: &str| {
            Some(kaikaku_model::Municipality {
                code: LocalGovernmentCode::parse(code).expect("valid"),
                name: name.into(),
            })
        };
        let mut kaede = stored(3, 1, "行政改革大綱", 2021);
        kaede.municipality = town("999997", "楓町");
        let mut sakura = stored(4, 2, "行政改革大綱", 2021);
        sakura.municipality = town("999989", "桜川市");
        let reports = [kaede, sakura];
        let id = |reference: &str| resolve(&reports, Some(reference)).map(|r| r.id).ok();
        assert_eq!(id("999989/行政改革大綱/2021"), Some(4));
        assert_eq!(id("999997/1/R3"), Some(3));
        assert_eq!(id("999997/行政改革大綱/2022"), None);
        let error = resolve(&reports, Some("行政改革大綱/2021"))
            .expect_err("two towns")
            .to_string();
        assert_eq!(
            error,
            "「行政改革大綱/2021」に当たる報告が複数あります（id 3 999997 楓町、id 4 999989 桜川市）。\
             id か 団体コード/計画/年度 で指定してください"
        );
        let error = resolve(&reports, Some("999998/行政改革大綱/2021"))
            .expect_err("bad check digit")
            .to_string();
        assert!(
            error.starts_with("--report 999998/行政改革大綱/2021: "),
            "{error}"
        );
    }
}
