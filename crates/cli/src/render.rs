//! Text output for people, in Japanese: the report summary of `parse`, the finding blocks of
//! `check`, the tables of `list`, `user list` and the demo log-ins, and the changes an
//! `import --dry-run` lists.

use std::io::{self, Write};

use kaikaku_check::Finding;
use kaikaku_model::quantity::format_decimal;
use kaikaku_model::text::action_mark;
use kaikaku_model::workflow::{ItemChange, diff_reports};
use kaikaku_model::{Decimal, FiscalYear, Item, ItemNo, Report, ScheduleCell, Unit};
use kaikaku_store::{StoredReport, User};

/// Writes the readable summary of a report.
///
/// Fails only when `out` fails.
pub fn report(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    writeln!(out, "{}", report.title)?;
    writeln!(out, "計画: {}", report.plan_name)?;
    writeln!(
        out,
        "報告年度: {}",
        year_or_unknown(report.report_fiscal_year)
    )?;
    if let (Some(first), Some(last)) = (report.fiscal_years.first(), report.fiscal_years.last()) {
        writeln!(out, "計画期間: {first}～{last}")?;
    }
    writeln!(
        out,
        "項目: {}件　警告: {}件",
        report.items.len(),
        report.warnings.len()
    )?;
    for item in &report.items {
        writeln!(out)?;
        self::item(out, item)?;
    }
    if !report.warnings.is_empty() {
        writeln!(out)?;
        writeln!(out, "警告（{}件）", report.warnings.len())?;
        for warning in &report.warnings {
            writeln!(out, "  {}行目: {}", warning.line, warning.message)?;
        }
    }
    Ok(())
}

fn item(out: &mut dyn Write, item: &Item) -> io::Result<()> {
    writeln!(out, "{} {}（{}行目）", item.no, item.title, item.line)?;
    let reporting = item.reporting_department.as_deref().unwrap_or("（不明）");
    writeln!(out, "  記入担当課: {reporting}")?;
    if !item.departments.is_empty() {
        writeln!(out, "  担当課: {}", item.departments.join("・"))?;
    }
    if !item.contents.is_empty() {
        writeln!(out, "  改善・推進の内容:")?;
        for content in &item.contents {
            writeln!(out, "    ・{}", content.text)?;
            let schedule: Vec<String> = content
                .schedule
                .iter()
                .map(|cell| {
                    format!(
                        "{} {}",
                        cell.fiscal_year.wareki_label(),
                        schedule_cell(cell)
                    )
                })
                .collect();
            if !schedule.is_empty() {
                writeln!(out, "      {}", schedule.join(" ／ "))?;
            }
        }
    }
    if let Some(goal) = &item.goal {
        writeln!(out, "  改善・推進目標: {goal}")?;
    }
    if !item.actions.is_empty() {
        writeln!(out, "  主な取組内容:")?;
        for action in &item.actions {
            writeln!(out, "    {}{}", action_mark(action.no), action.text)?;
        }
    }
    if !item.narratives.is_empty() {
        writeln!(out, "  取組内容:")?;
        for narrative in &item.narratives {
            writeln!(
                out,
                "    【{}（{}）】（{}行目）",
                narrative.fiscal_year.wareki_label(),
                narrative.kind.label(),
                narrative.line
            )?;
        }
    }
    if !item.effects.is_empty() {
        writeln!(out, "  取組による効果:")?;
        for row in &item.effects {
            let year = match row.fiscal_year {
                Some(year) if !row.is_total => year.wareki_label(),
                _ => "総計".to_owned(),
            };
            writeln!(out, "    {year}: {}", row.text)?;
            if !row.quantities.is_empty() {
                let quantities: Vec<String> =
                    row.quantities.iter().map(ToString::to_string).collect();
                writeln!(out, "      数量: {}", quantities.join(" ／ "))?;
            }
        }
    }
    if let Some(evaluation) = &item.evaluation {
        let first_line = evaluation
            .text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("");
        writeln!(
            out,
            "  総評【{}】: {first_line}",
            evaluation.fiscal_year.wareki_label()
        )?;
    }
    if !item.reposts.is_empty() {
        let reposts: Vec<String> = item.reposts.iter().map(|r| r.item_no.to_string()).collect();
        writeln!(out, "  再掲: {}", reposts.join("、"))?;
    }
    Ok(())
}

/// A schedule cell as written ([`ScheduleCell::written`]); `—` when empty.
fn schedule_cell(cell: &ScheduleCell) -> String {
    let text = cell.written();
    if text.trim().is_empty() {
        "—".to_owned()
    } else {
        text
    }
}

fn year_or_unknown(year: Option<FiscalYear>) -> String {
    year.map_or_else(|| "（不明）".to_owned(), |y| y.label())
}

/// Writes one block per finding, then the summary line of the file.
///
/// Fails only when `out` fails.
pub fn findings(out: &mut dyn Write, file: &str, findings: &[Finding]) -> io::Result<()> {
    for (i, finding) in findings.iter().enumerate() {
        let amount = |v: Decimal| amount(v, finding.unit);
        writeln!(
            out,
            "[{}] {} {}",
            i + 1,
            finding.item_no,
            finding.kind.label()
        )?;
        writeln!(out, "  {}", finding.message())?;
        writeln!(out, "  項目番号: {}", finding.item_no)?;
        writeln!(out, "  種類: {}", finding.kind.label())?;
        if !finding.label.is_empty() {
            writeln!(out, "  対象: {}", finding.label)?;
        }
        if let Some(year) = finding.fiscal_year {
            writeln!(out, "  年度: {year}")?;
        }
        writeln!(out, "  記載値: {}", amount(finding.stated))?;
        writeln!(out, "  再計算値: {}", amount(finding.computed))?;
        writeln!(out, "  差: {}", amount(finding.difference))?;
        writeln!(out, "  行: {}行目", finding.line)?;
        match &finding.explanation {
            Some(e) => writeln!(
                out,
                "  説明: 差額と一致する値 {}（{}、{}行目）",
                e.quantity, e.place, e.line
            )?,
            None => writeln!(out, "  説明: なし")?,
        }
        writeln!(out)?;
    }
    writeln!(out, "{}", summary_line(file, findings.len()))
}

/// `samples/x.txt: 2件の不一致`, or `samples/x.txt: すべての合計が一致しました`.
pub fn summary_line(file: &str, count: usize) -> String {
    if count == 0 {
        format!("{file}: すべての合計が一致しました")
    } else {
        format!("{file}: {count}件の不一致")
    }
}

fn amount(value: Decimal, unit: Unit) -> String {
    format!("{}{unit}", format_decimal(value))
}

/// Writes the table of stored reports.
///
/// Fails only when `out` fails.
pub fn stored_reports(out: &mut dyn Write, reports: &[StoredReport]) -> io::Result<()> {
    if reports.is_empty() {
        return writeln!(out, "保存されている報告はありません。");
    }
    let header = [
        "id",
        "団体",
        "計画",
        "報告年度",
        "項目",
        "警告",
        "取込元",
        "取込日時",
    ]
    .map(String::from);
    let rows: Vec<[String; 8]> = reports
        .iter()
        .map(|r| {
            [
                r.id.to_string(),
                r.municipality
                    .as_ref()
                    .map_or_else(|| "—".to_owned(), |m| format!("{} {}", m.code, m.name)),
                r.plan_name.clone(),
                year_or_unknown(r.report_fiscal_year),
                r.items.to_string(),
                r.warnings.to_string(),
                r.source.clone(),
                r.imported_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            ]
        })
        .collect();
    table(out, &header, &rows)
}

/// Writes the table of users: name, role (Japanese) and department; never the hash.
///
/// Fails only when `out` fails.
pub fn users(out: &mut dyn Write, users: &[User]) -> io::Result<()> {
    if users.is_empty() {
        return writeln!(out, "登録されているユーザーはいません。");
    }
    let header = ["ユーザー名", "役割", "課"].map(String::from);
    let rows: Vec<[String; 3]> = users
        .iter()
        .map(|u| {
            [
                u.name.clone(),
                u.role.label().to_owned(),
                u.department.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table(out, &header, &rows)
}

/// Writes rows in aligned columns, two spaces apart, counting East Asian wide characters as
/// two columns.
pub fn table<const N: usize>(
    out: &mut dyn Write,
    header: &[String; N],
    rows: &[[String; N]],
) -> io::Result<()> {
    let mut widths = header.clone().map(|h| width(&h));
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    for row in std::iter::once(header).chain(rows) {
        let mut line = String::new();
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            line.push_str(cell);
            if i + 1 < N {
                line.push_str(&" ".repeat(w - width(cell) + 2));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// The number of terminal columns `text` takes: 2 for East Asian wide and full-width
/// characters, 1 otherwise.
fn width(text: &str) -> usize {
    text.chars()
        .map(|c| {
            let wide = matches!(c as u32,
                0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
                | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
                | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD);
            if wide { 2 } else { 1 }
        })
        .sum()
}

/// What changes from `before` to `after`, one line per item added or removed and per field
/// changed (`No.3 取組による効果（令和3年度）: 「…」→「…」`).
pub fn report_changes(before: &Report, after: &Report) -> Vec<String> {
    let mut lines = Vec::new();
    // An import without a municipality keeps the one stored with the plan.
    if after.municipality.is_some() && before.municipality != after.municipality {
        let name = |report: &Report| {
            report.municipality.as_ref().map_or_else(
                || "（未登録）".to_owned(),
                |m| format!("{} {}", m.code, m.name),
            )
        };
        lines.push(format!("地方公共団体: {} → {}", name(before), name(after)));
    }
    for change in diff_reports(before, after) {
        match change {
            ItemChange::Added(no) => lines.push(format!("{no} {}: 追加されます", title(after, no))),
            ItemChange::Removed(no) => {
                lines.push(format!("{no} {}: 削除されます", title(before, no)));
            }
            ItemChange::Changed(no, fields) => {
                let Some(item) = after.item(no.0) else {
                    continue;
                };
                lines.extend(fields.into_iter().map(|change| {
                    format!(
                        "{no} {}: 「{}」→「{}」",
                        change.field.label_in(item),
                        one_line(&change.before),
                        one_line(&change.after)
                    )
                }));
            }
        }
    }
    lines
}

/// The title of item `no` of `report`.
fn title(report: &Report, no: ItemNo) -> &str {
    report.item(no.0).map_or("", |item| item.title.as_str())
}

/// `text` on one line, cut after 40 characters.
fn one_line(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kaikaku_model::{
        EffectRow, ItemNo, Narrative, NarrativeKind, Phase, Quantity, Status, Warning,
    };

    fn fy(year: i32) -> FiscalYear {
        FiscalYear::new(year).expect("year")
    }

    fn render(r: &Report) -> String {
        let mut out = Vec::new();
        report(&mut out, r).expect("writes");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn the_summary_shows_years_in_wareki_and_gregorian() {
        let r = Report {
            title: "第5次集中改革プラン取組実績一覧(令和3年度実績)".into(),
            plan_name: "第5次集中改革プラン".into(),
            report_fiscal_year: Some(fy(2021)),
            fiscal_years: vec![fy(2020), fy(2021), fy(2022)],
            items: vec![Item {
                no: ItemNo(19),
                title: "ふるさと納税制度の活用".into(),
                reporting_department: Some("政策課".into()),
                departments: vec!["政策課".into()],
                contents: vec![kaikaku_model::ContentRow {
                    text: "ふるさと納税制度の促進".into(),
                    schedule: vec![
                        ScheduleCell {
                            fiscal_year: fy(2020),
                            text: "①②".into(),
                            actions: vec![1, 2],
                            phase: None,
                        },
                        ScheduleCell {
                            fiscal_year: fy(2021),
                            text: String::new(),
                            actions: vec![2],
                            phase: Some(Phase::Study),
                        },
                        ScheduleCell {
                            fiscal_year: fy(2022),
                            text: String::new(),
                            actions: vec![],
                            phase: None,
                        },
                    ],
                    line: 386,
                }],
                narratives: vec![Narrative {
                    fiscal_year: fy(2021),
                    kind: NarrativeKind::Actual,
                    text: "・増設した。".into(),
                    line: 390,
                }],
                effects: vec![EffectRow {
                    fiscal_year: Some(fy(2020)),
                    is_total: false,
                    text: "寄附受入（見込み） 27,075件".into(),
                    quantities: vec![Quantity {
                        label: "寄附受入".into(),
                        value: Decimal::from(27_075),
                        unit: Unit::Count("件"),
                        status: Some(Status::Forecast),
                    }],
                    line: 392,
                }],
                line: 379,
                ..Item::default()
            }],
            warnings: vec![Warning {
                line: 400,
                message: "解釈できない行です".into(),
            }],
            ..Report::default()
        };
        let text = render(&r);
        for expected in [
            "報告年度: 令和3年度（2021年度）",
            "計画期間: 令和2年度（2020年度）～令和4年度（2022年度）",
            "No.19 ふるさと納税制度の活用（379行目）",
            "  記入担当課: 政策課",
            "令和2年度 ①② ／ 令和3年度 ② (検討) ／ 令和4年度 —",
            "    【令和3年度（実績）】（390行目）",
            "    令和2年度: 寄附受入（見込み） 27,075件",
            "      数量: 寄附受入 27,075件（見込み）",
            "  400行目: 解釈できない行です",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
    }

    #[test]
    fn summary_lines() {
        assert_eq!(summary_line("a.txt", 2), "a.txt: 2件の不一致");
        assert_eq!(
            summary_line("a.txt", 0),
            "a.txt: すべての合計が一致しました"
        );
    }

    #[test]
    fn wide_characters_take_two_columns() {
        assert_eq!(width("id"), 2);
        assert_eq!(width("令和3年度"), 9);
        assert_eq!(width("（2021年度）"), 12);
    }
}
