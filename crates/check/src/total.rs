//! `total_mismatch`: the fiscal-year rows of an effects table (取組による効果) against its 総計
//! row.
//!
//! For every metric of the 総計 row, the same metric is summed over the fiscal-year rows and
//! compared with the stated total. Only additive units take part (not % or 点); money compares
//! in yen, so `4,732千円` and `4,732,000円` are the same amount, and the finding is given in the
//! unit the total is written in.
//!
//! Metrics are grouped by unit family (件 with 件, money with money). When the 総計 row holds
//! several labelled quantities of one family (`売却額 … 貸付額 …`), each is matched with the
//! fiscal-year quantities of the same label instead. When it holds several unlabelled
//! quantities of one family and none of them equals the sum, the largest is taken as the stated
//! total and the others may explain the difference.
//!
//! Example, from Osaki City's FY2021 report (No.21, cells separated by `⇥`):
//!
//! ```text
//! 取組による効果⇥令和2年度⇥分院・診療所等の医業収支改善額⇥110,000千円
//! ⇥令和3年度⇥地域包括ケア病床増床（16床）による効果額⇥4,732千円
//! ⇥令和4年度⇥医療の質改善による入院患者数の増及び効果額⇥1,825人
//! ⇥⇥地域包括ケア病床増床（70床）による効果額⇥296,000千円
//! ⇥総計⇥⇥53,564千円⇥464,296千円
//! ```
//!
//! The fiscal years sum to 110,000 + 4,732 + 296,000 = 410,732千円; the 総計 states 464,296千円:
//! a difference of 53,564千円, which is exactly the other value of the 総計 row (a value the PDF
//! extraction moved out of its row). The finding carries that value as its [`Explanation`].
//! The 人 and 床 quantities have no stated total and are not checked.
//!
//! Not checked: a 総計 that states nothing of a family (`—`), a family no fiscal-year row
//! states, and running figures whose labels say so (`累計`, `時点`, `現在`, `平均`): they are
//! not sums of the years.

use kaikaku_model::text::fold_key;
use kaikaku_model::{Decimal, EffectRow, Item, Quantity, Unit};

use crate::amount::{self, summable};
use crate::{Explanation, Finding, FindingKind};

/// Words in a label that mark a figure which is not the sum of the years: a cumulative count,
/// a count at a date, an average.
const RUNNING_FIGURE_WORDS: &[&str] = &["累計", "時点", "現在", "平均"];

/// A quantity of the effects table with the row it sits in.
#[derive(Clone, Copy, Debug)]
struct Cell<'a> {
    /// Index of the row in `Item::effects`.
    row: usize,
    /// Index of the quantity in `EffectRow::quantities`.
    index: usize,
    quantity: &'a Quantity,
}

impl Cell<'_> {
    fn is(&self, other: &Cell<'_>) -> bool {
        self.row == other.row && self.index == other.index
    }
}

/// Compares, per metric, the sum of the fiscal-year rows with the 総計 row.
pub(crate) fn check(item: &Item) -> Vec<Finding> {
    let cells: Vec<Cell<'_>> = item
        .effects
        .iter()
        .enumerate()
        .flat_map(|(row, effect)| {
            effect
                .quantities
                .iter()
                .enumerate()
                .map(move |(index, quantity)| Cell {
                    row,
                    index,
                    quantity,
                })
        })
        .collect();
    let years: Vec<Cell<'_>> = cells
        .iter()
        .filter(|c| !item.effects[c.row].is_total && c.quantity.unit.is_additive())
        .copied()
        .collect();

    let mut findings = Vec::new();
    for (row_index, row) in item.effects.iter().enumerate() {
        if !row.is_total {
            continue;
        }
        let stated: Vec<Cell<'_>> = cells
            .iter()
            .filter(|c| c.row == row_index && c.quantity.unit.is_additive())
            .copied()
            .collect();
        for family in families(&stated) {
            let stated: Vec<Cell<'_>> = in_family(&stated, family);
            let parts: Vec<Cell<'_>> = in_family(&years, family);
            if by_label(&stated) {
                for total in &stated {
                    let key = fold_key(&total.quantity.label);
                    let matched: Vec<Cell<'_>> = parts
                        .iter()
                        .filter(|p| fold_key(&p.quantity.label) == key)
                        .copied()
                        .collect();
                    findings.extend(compare(item, &cells, row, &[*total], &matched));
                }
            } else {
                findings.extend(compare(item, &cells, row, &stated, &parts));
            }
        }
    }
    findings
}

/// One unit per family, in order of first appearance.
fn families(cells: &[Cell<'_>]) -> Vec<Unit> {
    let mut units: Vec<Unit> = Vec::new();
    for cell in cells {
        if !units.iter().any(|u| u.same_family(cell.quantity.unit)) {
            units.push(cell.quantity.unit);
        }
    }
    units
}

fn in_family<'a>(cells: &[Cell<'a>], family: Unit) -> Vec<Cell<'a>> {
    cells
        .iter()
        .filter(|c| summable(c.quantity.unit, family))
        .copied()
        .collect()
}

/// True when the stated totals of one family are several, all labelled, with distinct labels:
/// then each names its own metric.
fn by_label(stated: &[Cell<'_>]) -> bool {
    if stated.len() < 2 {
        return false;
    }
    let keys: Vec<String> = stated.iter().map(|c| fold_key(&c.quantity.label)).collect();
    keys.iter().all(|k| !k.is_empty())
        && keys
            .iter()
            .enumerate()
            .all(|(i, k)| keys[..i].iter().all(|other| other != k))
}

/// Compares one metric: `stated` holds the candidate totals of the 総計 row (one of which must
/// equal the sum), `parts` the fiscal-year quantities summed.
fn compare(
    item: &Item,
    cells: &[Cell<'_>],
    row: &EffectRow,
    stated: &[Cell<'_>],
    parts: &[Cell<'_>],
) -> Option<Finding> {
    if parts.is_empty() {
        return None;
    }
    if stated.iter().chain(parts).any(|c| {
        RUNNING_FIGURE_WORDS
            .iter()
            .any(|w| c.quantity.label.contains(w))
    }) {
        return None;
    }
    let computed_base = amount::sum(parts.iter().map(|c| c.quantity))?;
    let mut main: Option<(Cell<'_>, Decimal)> = None;
    for total in stated {
        let base = amount::base(total.quantity)?;
        if base == computed_base {
            return None;
        }
        if main.is_none_or(|(_, largest)| base.abs() > largest.abs()) {
            main = Some((*total, base));
        }
    }
    let (main, main_base) = main?;
    let unit = main.quantity.unit;
    let computed = amount::in_unit(computed_base, unit)?;
    let difference = main.quantity.value.checked_sub(computed)?;
    let difference_base = main_base.checked_sub(computed_base)?;
    Some(Finding {
        item_no: item.no,
        kind: FindingKind::TotalMismatch,
        label: main.quantity.label.clone(),
        fiscal_year: None,
        unit,
        stated: main.quantity.value,
        computed,
        difference,
        line: row.line,
        explanation: explain(item, cells, main, parts, difference_base),
    })
}

/// A quantity of the table, not summed and not the stated total, of the same family, whose
/// value equals the difference. Values in 総計 rows are preferred, then the rows in order.
fn explain(
    item: &Item,
    cells: &[Cell<'_>],
    main: Cell<'_>,
    parts: &[Cell<'_>],
    difference_base: Decimal,
) -> Option<Explanation> {
    if difference_base.is_zero() {
        return None;
    }
    let candidates = || {
        cells.iter().filter(|c| {
            summable(c.quantity.unit, main.quantity.unit)
                && !c.is(&main)
                && !parts.iter().any(|p| p.is(c))
                && amount::base(c.quantity) == Some(difference_base)
        })
    };
    let in_total = candidates().find(|c| item.effects[c.row].is_total);
    let cell = in_total.or_else(|| candidates().next())?;
    let row = &item.effects[cell.row];
    Some(Explanation {
        quantity: cell.quantity.clone(),
        line: row.line,
        place: place(row),
    })
}

/// The row's name for people: `総計の行`, `令和4年度の行`.
fn place(row: &EffectRow) -> String {
    if row.is_total {
        "総計の行".to_owned()
    } else if let Some(year) = row.fiscal_year {
        format!("{}の行", year.wareki_label())
    } else {
        "取組による効果の表".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kaikaku_model::quantity::{scan, split_status};
    use kaikaku_model::{FiscalYear, ItemNo};

    /// Effects rows: (fiscal year, is 総計, text).
    type Rows<'a> = &'a [(Option<i32>, bool, &'a str)];

    fn year(gregorian: i32) -> FiscalYear {
        FiscalYear::new(gregorian).expect("in range")
    }

    fn d(value: i64) -> Decimal {
        Decimal::from(value)
    }

    /// An effects row whose quantities are scanned from its text, as the reader does.
    fn row(fiscal_year: Option<i32>, is_total: bool, text: &str, line: usize) -> EffectRow {
        let quantities: Vec<_> = scan(text).into_iter().map(|f| f.quantity).collect();
        // A case whose numbers were not read would pass every "no finding" check vacuously.
        assert!(
            !quantities.is_empty() || !text.chars().any(|c| c.is_ascii_digit()),
            "no quantity read from {text:?}"
        );
        EffectRow {
            fiscal_year: fiscal_year.map(year),
            is_total,
            text: text.to_owned(),
            quantities,
            line,
        }
    }

    /// An effects row from a label cell and value cells (`寄附受入（見込み）⇥27,075件⇥…`): every
    /// quantity takes its label and status from the label cell.
    fn cells_row(
        fiscal_year: Option<i32>,
        is_total: bool,
        label: &str,
        values: &[&str],
        line: usize,
    ) -> EffectRow {
        let (label, status) = split_status(label);
        let mut quantities = Vec::new();
        for value in values {
            for found in scan(value) {
                quantities.push(Quantity {
                    label: label.clone(),
                    status: found.quantity.status.or(status),
                    ..found.quantity
                });
            }
        }
        EffectRow {
            fiscal_year: fiscal_year.map(year),
            is_total,
            text: format!("{label} {}", values.join(" ")),
            quantities,
            line,
        }
    }

    /// An item whose effects table has one row per entry: (fiscal year, is 総計, text); lines
    /// count from 100.
    fn item(effects: &[(Option<i32>, bool, &str)]) -> Item {
        let rows = effects
            .iter()
            .enumerate()
            .map(|(i, (fy, total, text))| row(*fy, *total, text, 100 + i))
            .collect();
        item_with(rows)
    }

    fn item_with(effects: Vec<EffectRow>) -> Item {
        Item {
            no: ItemNo(7),
            effects,
            ..Item::default()
        }
    }

    /// `label|stated|computed|difference|unit|line|explanation` for each finding.
    fn summary(item: &Item) -> Vec<String> {
        check(item)
            .iter()
            .map(|f| {
                let explanation = f.explanation.as_ref().map_or("-".to_owned(), |e| {
                    format!("{}@{}:{}", e.quantity.value, e.line, e.place)
                });
                format!(
                    "{}|{}|{}|{}|{}|{}|{}",
                    f.label, f.stated, f.computed, f.difference, f.unit, f.line, explanation
                )
            })
            .collect()
    }

    /// No.21 of the real sample, with FY2022's continuation row merged into the FY2022 row.
    fn sample_no21() -> Item {
        item(&[
            (
                Some(2020),
                false,
                "分院・診療所等の医業収支改善額 110,000千円",
            ),
            (
                Some(2021),
                false,
                "地域包括ケア病床増床（16床）による効果額 4,732千円",
            ),
            (
                Some(2022),
                false,
                "医療の質改善による入院患者数の増及び効果額 1,825人 地域包括ケア病床増床（70床）による効果額 296,000千円",
            ),
            (None, true, "53,564千円 464,296千円"),
        ])
    }

    #[test]
    fn sample_no21_total_is_off_by_a_value_moved_into_the_total_row() {
        let item = sample_no21();
        let findings = check(&item);
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!(f.item_no, ItemNo(7));
        assert_eq!(f.kind, FindingKind::TotalMismatch);
        assert_eq!(f.label, "");
        assert_eq!(f.fiscal_year, None);
        assert_eq!(f.unit, Unit::ThousandYen);
        assert_eq!(f.stated, d(464_296));
        assert_eq!(f.computed, d(410_732));
        assert_eq!(f.difference, d(53_564));
        assert_eq!(f.line, 103);
        let e = f.explanation.as_ref().expect("explained");
        assert_eq!(e.quantity.value, d(53_564));
        assert_eq!(e.quantity.unit, Unit::ThousandYen);
        assert_eq!(e.line, 103);
        assert_eq!(e.place, "総計の行");
        assert_eq!(
            f.message(),
            "No.7: 総計は464,296千円と記載されていますが、内訳を合計すると410,732千円です（差 53,564千円）。\
             差額は総計の行（103行目）にある 53,564千円 と一致します。抽出時に行がずれた値の可能性があります。"
        );
    }

    #[test]
    fn sample_no21_with_the_continuation_row_kept_apart() {
        // If the reader keeps the continuation row as its own row without a fiscal year, its
        // amount is still a fiscal-year amount.
        let item = item(&[
            (
                Some(2020),
                false,
                "分院・診療所等の医業収支改善額 110,000千円",
            ),
            (
                Some(2021),
                false,
                "地域包括ケア病床増床（16床）による効果額 4,732千円",
            ),
            (
                Some(2022),
                false,
                "医療の質改善による入院患者数の増及び効果額 1,825人",
            ),
            (
                None,
                false,
                "地域包括ケア病床増床（70床）による効果額 296,000千円",
            ),
            (None, true, "53,564千円 464,296千円"),
        ]);
        assert_eq!(
            summary(&item),
            ["|464296|410732|53564|千円|104|53564@104:総計の行"]
        );
    }

    #[test]
    fn sample_items_that_add_up() {
        let cases: &[(&str, Item)] = &[
            (
                "No.12 236+152+20=408件",
                item(&[
                    (
                        Some(2020),
                        false,
                        "オープンデータとして大崎市の避難所等一覧表（236件）を公開",
                    ),
                    (
                        Some(2021),
                        false,
                        "オープンデータとして大崎市の文化財一覧（152件）を公開",
                    ),
                    (Some(2022), false, "オープンデータ新規登録データ数 20件"),
                    (None, true, "オープンデータ登録データ数 408件"),
                ]),
            ),
            (
                "No.11 0+2=2件",
                item(&[
                    (
                        Some(2020),
                        false,
                        "介護ワンストップサービスに加入、申請内容の検討実施",
                    ),
                    (
                        Some(2021),
                        false,
                        "マイナンバーカードを活用した電子申請サービス 0件",
                    ),
                    (
                        Some(2022),
                        false,
                        "マイナンバーカードを活用した電子申請サービス 2件",
                    ),
                    (
                        None,
                        true,
                        "マイナンバーカードを活用した電子申請サービス 2件",
                    ),
                ]),
            ),
            (
                "No.16 2+0+10=12施設",
                item(&[
                    (Some(2020), false, "地域への譲与数 2 施設 （実績）"),
                    (Some(2021), false, "地域への譲与数 0 施設 （実績）"),
                    (Some(2022), false, "地域への譲与数 10 施設 （計画）"),
                    (None, true, "地域への譲与数 12 施設"),
                ]),
            ),
            (
                "No.19 件 and 円 in one row",
                item(&[
                    (
                        Some(2020),
                        false,
                        "寄附受入（見込み） 27,075件 427,794,446円",
                    ),
                    (
                        Some(2021),
                        false,
                        "寄附受入（見込み） 35,958件 568,051,833円",
                    ),
                    (
                        Some(2022),
                        false,
                        "寄附受入（見込み） 21,500件 307,500,000円",
                    ),
                    (None, true, "寄附受入（見込み） 84,533件 1,303,346,279円"),
                ]),
            ),
            (
                "No.20",
                item(&[
                    (Some(2020), false, "61,662,426 円"),
                    (Some(2021), false, "58,181,150 円"),
                    (Some(2022), false, "57,000,000 円"),
                    (None, true, "176,843,576 円"),
                ]),
            ),
            (
                "No.22",
                item(&[
                    (Some(2020), false, "6,409,595円"),
                    (Some(2021), false, "8,423,128円"),
                    (Some(2022), false, "7,611,721円"),
                    (None, true, "22,444,444円"),
                ]),
            ),
            (
                "No.18 総計 says —",
                item(&[
                    (Some(2020), false, "削減額（增收額） 28,314,453円"),
                    (Some(2021), false, "削減額（增收額） 49,443,860円"),
                    (Some(2022), false, "—"),
                    (None, true, "—"),
                ]),
            ),
            (
                "No.17 総計 says —",
                item(&[
                    (Some(2020), false, "削減額（増収額）68,307,000円"),
                    (Some(2021), false, "削減額（増収額）38,353,000円"),
                    (Some(2022), false, "—"),
                    (None, true, "—"),
                ]),
            ),
            (
                "No.10 points are not summed",
                item(&[
                    (
                        Some(2020),
                        false,
                        "職員意識調査「自己成長」の満足度 61 点 【実績】",
                    ),
                    (
                        Some(2021),
                        false,
                        "職員意識調査「自己成長」の満足度 61 点 【実績】",
                    ),
                    (
                        Some(2022),
                        false,
                        "職員意識調査「自己成長」の満足度 62 点 【計画】",
                    ),
                    // A score total that a sum would contradict: points are never summed.
                    (None, true, "職員意識調査「自己成長」の満足度 62 点"),
                ]),
            ),
            (
                "No.1 percentages are not summed",
                item(&[
                    (
                        Some(2020),
                        false,
                        "協働のまちづくりに関する市民満足度 32.3%（実績）",
                    ),
                    (Some(2021), false, "—"),
                    (
                        Some(2022),
                        false,
                        "協働のまちづくりに関する市民満足度 37%（計画）",
                    ),
                    // 32.3 + 37 would be 69.3: a stated 37% must not be compared with it.
                    (None, true, "協働のまちづくりに関する市民満足度 37%"),
                ]),
            ),
        ];
        for (name, item) in cases {
            assert_eq!(summary(item), Vec::<String>::new(), "{name}");
        }
    }

    #[test]
    fn sample_no19_with_labels_from_the_label_cell() {
        let rows = vec![
            cells_row(
                Some(2020),
                false,
                "寄附受入（見込み）",
                &["27,075件", "427,794,446円"],
                390,
            ),
            cells_row(
                Some(2021),
                false,
                "寄附受入（見込み）",
                &["35,958件", "568,051,833円"],
                391,
            ),
            cells_row(
                Some(2022),
                false,
                "寄附受入（見込み）",
                &["21,500件", "307,500,000円"],
                392,
            ),
            cells_row(
                None,
                true,
                "寄附受入（見込み）",
                &["84,533件", "1,303,346,279円"],
                393,
            ),
        ];
        assert_eq!(summary(&item_with(rows.clone())), Vec::<String>::new());

        // One digit off in each total: one finding per metric, in the total's unit and label.
        let mut wrong = rows;
        wrong[3] = cells_row(
            None,
            true,
            "寄附受入（見込み）",
            &["84,534件", "1,303,346,278円"],
            393,
        );
        assert_eq!(
            summary(&item_with(wrong)),
            [
                "寄附受入|84534|84533|1|件|393|-",
                "寄附受入|1303346278|1303346279|-1|円|393|-",
            ]
        );
    }

    #[test]
    fn differences_in_each_family() {
        // (rows, expected findings)
        let cases: &[(Rows<'_>, &[&str])] = &[
            // A plain count that does not add up.
            (
                &[
                    (Some(2020), false, "譲与数 2 施設"),
                    (Some(2021), false, "譲与数 3 施設"),
                    (None, true, "譲与数 6 施設"),
                ],
                &["譲与数|6|5|1|施設|102|-"],
            ),
            // 千円 and 円 compare in yen; the finding is in the total's unit.
            (
                &[
                    (Some(2020), false, "効果額 1,500,000円"),
                    (Some(2021), false, "効果額 2,000千円"),
                    (None, true, "効果額 3,000千円"),
                ],
                &["効果額|3000|3500|-500|千円|102|-"],
            ),
            (
                &[
                    (Some(2020), false, "効果額 1,500,000円"),
                    (Some(2021), false, "効果額 2,000千円"),
                    (None, true, "効果額 3,500千円"),
                ],
                &[],
            ),
            // A total in 円 against parts in 千円.
            (
                &[
                    (Some(2020), false, "1,200千円"),
                    (Some(2021), false, "800千円"),
                    (None, true, "2,100,000円"),
                ],
                &["|2100000|2000000|100000|円|102|-"],
            ),
            // A decrease (▲) is negative and sums as such.
            (
                &[
                    (Some(2020), false, "▲1,200千円"),
                    (Some(2021), false, "3,000千円"),
                    (None, true, "1,800千円"),
                ],
                &[],
            ),
            // No fiscal-year row states an amount: nothing to recompute.
            (
                &[
                    (Some(2020), false, "検討"),
                    (Some(2021), false, "実施"),
                    (None, true, "5件"),
                ],
                &[],
            ),
            // Running figures are not sums of the years.
            (
                &[
                    (Some(2020), false, "登録者数（累計） 100人"),
                    (Some(2021), false, "登録者数（累計） 150人"),
                    (None, true, "登録者数（累計） 150人"),
                ],
                &[],
            ),
            // Another family in the rows does not disturb the metric that is totalled.
            (
                &[
                    (Some(2020), false, "研修 3回 参加者 40人"),
                    (Some(2021), false, "研修 2回 参加者 35人"),
                    (None, true, "参加者 75人"),
                ],
                &[],
            ),
        ];
        for (rows, expected) in cases {
            assert_eq!(summary(&item(rows)), *expected, "{rows:?}");
        }
    }

    #[test]
    fn several_totals_of_one_family() {
        // One of them equals the sum: it holds.
        let holds = item(&[
            (Some(2020), false, "100千円"),
            (Some(2021), false, "200千円"),
            (None, true, "50千円 300千円"),
        ]);
        assert_eq!(summary(&holds), Vec::<String>::new());
        // None does: the largest is the stated total, and the other explains the difference.
        let moved = item(&[
            (Some(2020), false, "100千円"),
            (Some(2021), false, "200千円"),
            (None, true, "50千円 350千円"),
        ]);
        assert_eq!(summary(&moved), ["|350|300|50|千円|102|50@102:総計の行"]);
        // None does and nothing explains the difference.
        let unexplained = item(&[
            (Some(2020), false, "100千円"),
            (Some(2021), false, "200千円"),
            (None, true, "40千円 350千円"),
        ]);
        assert_eq!(summary(&unexplained), ["|350|300|50|千円|102|-"]);
        // A negative largest value is still the largest.
        let negative = item(&[
            (Some(2020), false, "▲100千円"),
            (Some(2021), false, "▲200千円"),
            (None, true, "5千円 ▲350千円"),
        ]);
        assert_eq!(summary(&negative), ["|-350|-300|-50|千円|102|-"]);
    }

    #[test]
    fn labelled_totals_are_matched_by_label() {
        let rows: &[(Option<i32>, bool, &str)] = &[
            (Some(2020), false, "売却額 10,000円 貸付額 2,000円"),
            (Some(2021), false, "売却額 20,000円 貸付額 3,000円"),
            (Some(2022), false, "売却額 30,000円 貸付額 4,000円"),
            (None, true, "売却額 60,000円 貸付額 9,000円"),
        ];
        assert_eq!(summary(&item(rows)), Vec::<String>::new());

        // Labels compare by key: width and spacing do not matter.
        let spaced: &[(Option<i32>, bool, &str)] = &[
            (Some(2020), false, "売却額 10,000円 貸付額 2,000円"),
            (Some(2021), false, "売却額 20,000円 貸付額 3,000円"),
            (None, true, "売 却 額 30,000円 貸付額 5,000円"),
        ];
        assert_eq!(summary(&item(spaced)), Vec::<String>::new());

        // The 貸付額 total is off by the value of FY2021's 売却額: a value of another metric.
        let wrong: &[(Option<i32>, bool, &str)] = &[
            (Some(2020), false, "売却額 10,000円 貸付額 2,000円"),
            (Some(2021), false, "売却額 20,000円 貸付額 3,000円"),
            (Some(2022), false, "売却額 30,000円 貸付額 4,000円"),
            (None, true, "売却額 60,000円 貸付額 29,000円"),
        ];
        assert_eq!(
            summary(&item(wrong)),
            ["貸付額|29000|9000|20000|円|103|20000@101:令和3年度の行"]
        );
    }

    #[test]
    fn explanation_from_a_fiscal_year_row() {
        // A value of another metric that was not summed sits in FY2022's row.
        let rows: &[(Option<i32>, bool, &str)] = &[
            (Some(2020), false, "売却額 1,000千円 貸付額 100千円"),
            (Some(2021), false, "売却額 2,000千円 貸付額 100千円"),
            (Some(2022), false, "売却額 3,000千円 貸付額 500千円"),
            (None, true, "売却額 6,500千円 貸付額 700千円"),
        ];
        assert_eq!(
            summary(&item(rows)),
            ["売却額|6500|6000|500|千円|103|500@102:令和4年度の行"]
        );
    }

    #[test]
    fn huge_values_give_no_finding_and_no_panic() {
        let huge = format!("{}億円", "9".repeat(28));
        let rows: Vec<(Option<i32>, bool, &str)> = vec![
            (Some(2020), false, &huge),
            (Some(2021), false, "5億円"),
            (None, true, "1億円"),
        ];
        // The amounts cannot be converted to yen: no finding rather than a wrong one or a panic.
        assert_eq!(summary(&item(&rows)), Vec::<String>::new());
        assert_eq!(summary(&item_with(Vec::new())), Vec::<String>::new());
    }
}
