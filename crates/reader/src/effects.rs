//! Quantities of an effects row (取組による効果), whose cells come in several layouts:
//!
//! - one text cell with the quantities inside: `協働のまちづくりに関する市民満足度 32.3%（実績）`;
//! - a label cell, then value cells: `寄附受入（見込み）⇥27,075件⇥427,794,446円`;
//! - a value, then its status mark in the next cell: `61 点⇥【実績】`, `2 施設⇥（実績）`.
//!
//! When a row has value cells, the text cells before them are labels: the numbers inside a
//! label (`地域包括ケア病床増床（70床）による効果額`) are not the row's quantities.

use kaikaku_model::quantity::{Found, scan, split_status};
use kaikaku_model::text::is_space;
use kaikaku_model::{Quantity, Status};

/// The quantities stated by the value cells of one effects row (the cells after the fiscal
/// year), in order.
pub fn quantities(cells: &[&str]) -> Vec<Quantity> {
    let cells: Vec<&str> = cells
        .iter()
        .copied()
        .filter(|c| !c.trim().is_empty())
        .collect();
    let value_only: Vec<Option<Quantity>> = cells.iter().map(|c| value_cell(c)).collect();
    let mut out: Vec<Quantity> = Vec::new();
    let mut label: (String, Option<Status>) = (String::new(), None);
    let mut previous_cell_start = 0;
    for (i, cell) in cells.iter().enumerate() {
        if let Some(status) = Status::parse_mark(cell) {
            for quantity in &mut out[previous_cell_start..] {
                quantity.status.get_or_insert(status);
            }
            continue;
        }
        let start = out.len();
        if let Some(mut quantity) = value_only[i].clone() {
            quantity.label.clone_from(&label.0);
            quantity.status = quantity.status.or(label.1);
            out.push(quantity);
        } else if value_only[i + 1..].iter().any(Option::is_some) {
            label = split_status(cell);
        } else {
            out.extend(scan(cell).into_iter().map(|found| found.quantity));
        }
        previous_cell_start = start;
    }
    out
}

/// The quantity of a cell that holds nothing but one value (`27,075件`, `2 施設`,
/// `110,000千円`, `53,564千円（実績）`).
fn value_cell(cell: &str) -> Option<Quantity> {
    let found = scan(cell);
    let [Found { quantity, span }] = found.as_slice() else {
        return None;
    };
    let before = cell[..span.start].trim_matches(is_space);
    let after = cell[span.end..].trim_matches(is_space);
    (before.is_empty() && after.is_empty()).then(|| quantity.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(cells: &[&str]) -> Vec<String> {
        quantities(cells)
            .iter()
            .map(|q| {
                let status = q.status.map_or("-", Status::code);
                format!("{}|{}|{}|{}", q.label, q.value, q.unit, status)
            })
            .collect()
    }

    #[test]
    fn effect_row_layouts() {
        let cases: &[(&[&str], &[&str])] = &[
            (
                &["寄附受入（見込み）", "27,075件", "427,794,446円"],
                &[
                    "寄附受入|27075|件|forecast",
                    "寄附受入|427794446|円|forecast",
                ],
            ),
            (
                &["職員意識調査「自己成長」の満足度 61 点", "【実績】"],
                &["職員意識調査「自己成長」の満足度|61|点|actual"],
            ),
            (
                &["地域への譲与数", "2 施設", "（実績）"],
                &["地域への譲与数|2|施設|actual"],
            ),
            (
                &["地域への譲与数", "12 施設"],
                &["地域への譲与数|12|施設|-"],
            ),
            (
                &["地域包括ケア病床増床（70床）による効果額", "296,000千円"],
                &["地域包括ケア病床増床（70床）による効果額|296000|千円|-"],
            ),
            (
                &["", "53,564千円", "464,296千円"],
                &["|53564|千円|-", "|464296|千円|-"],
            ),
            (&["—"], &[]),
            (&["61,662,426 円"], &["|61662426|円|-"]),
            (&["年度末の振り返りが定着化 次年度事業の見直し促進"], &[]),
        ];
        for (cells, expected) in cases {
            assert_eq!(q(cells), *expected, "{cells:?}");
        }
    }
}
