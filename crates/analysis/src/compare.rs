//! Two editions of a plan side by side, item by item: the fields whose text changed (the
//! model's [`diff_items`]), the values of the effects tables that changed, and the state of
//! each item in its edition's report year (`検討` → `実施`), with the items added and removed.

use kaikaku_model::text::fold_key;
use kaikaku_model::workflow::{FieldChange, diff_items};
use kaikaku_model::{Decimal, FiscalYear, Item, ItemNo, Report, Unit};

use crate::effects::{EffectStatus, Figure, figures};
use crate::state::ItemState;

/// Whether an item is in both editions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Presence {
    /// In both.
    Both,
    /// Only in the later edition.
    Added,
    /// Only in the earlier edition.
    Removed,
}

impl Presence {
    /// The stable code: `both`, `added`, `removed`.
    pub fn code(self) -> &'static str {
        match self {
            Presence::Both => "both",
            Presence::Added => "added",
            Presence::Removed => "removed",
        }
    }

    /// The Japanese label: 継続, 追加, 削除.
    pub fn label(self) -> &'static str {
        match self {
            Presence::Both => "継続",
            Presence::Added => "追加",
            Presence::Removed => "削除",
        }
    }
}

/// A value of an effects table that differs between the editions: the same label, fiscal
/// year and unit (money in yen), matched in order of appearance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumericDelta {
    /// The label as written (the later edition's when both have it).
    pub label: String,
    /// The fiscal year of the row.
    pub fiscal_year: FiscalYear,
    /// 円 for money; the unit itself otherwise.
    pub unit: Unit,
    /// The class and value in the earlier edition.
    pub from: Option<(EffectStatus, Decimal)>,
    /// The class and value in the later edition.
    pub to: Option<(EffectStatus, Decimal)>,
}

impl NumericDelta {
    /// `to - from` when both are there.
    pub fn delta(&self) -> Option<Decimal> {
        Some(self.to?.1 - self.from?.1)
    }
}

/// One item across the two editions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemComparison {
    /// The item number.
    pub no: ItemNo,
    /// The title (the later edition's when the item is in it).
    pub title: String,
    /// In both, added or removed.
    pub presence: Presence,
    /// The state in the earlier edition's report year.
    pub state_from: Option<ItemState>,
    /// The state in the later edition's report year.
    pub state_to: Option<ItemState>,
    /// The fields whose text differs (items in both editions only).
    pub changes: Vec<FieldChange>,
    /// The values that differ (items in both editions only).
    pub deltas: Vec<NumericDelta>,
}

impl ItemComparison {
    /// True when the state differs between the editions (an item in both).
    pub fn state_changed(&self) -> bool {
        self.presence == Presence::Both && self.state_from != self.state_to
    }

    /// True when nothing differs.
    pub fn is_unchanged(&self) -> bool {
        self.presence == Presence::Both
            && !self.state_changed()
            && self.changes.is_empty()
            && self.deltas.is_empty()
    }
}

/// The comparison of two editions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    /// The earlier edition's report year.
    pub from_year: Option<FiscalYear>,
    /// The later edition's report year.
    pub to_year: Option<FiscalYear>,
    /// Every item of either edition: the later edition's in its order, then the removed ones.
    pub items: Vec<ItemComparison>,
}

/// Compares edition `from` with edition `to`.
pub fn compare(from: &Report, to: &Report) -> Comparison {
    let from_figures = figures(from);
    let to_figures = figures(to);
    let state =
        |report: &Report, item: &Item| report.report_fiscal_year.map(|y| ItemState::of(item, y));
    let mut items: Vec<ItemComparison> = to
        .items
        .iter()
        .map(|after| match from.item(after.no.0) {
            Some(before) => ItemComparison {
                no: after.no,
                title: after.title.clone(),
                presence: Presence::Both,
                state_from: state(from, before),
                state_to: state(to, after),
                changes: diff_items(before, after),
                deltas: deltas(&from_figures, &to_figures, after.no),
            },
            None => ItemComparison {
                no: after.no,
                title: after.title.clone(),
                presence: Presence::Added,
                state_from: None,
                state_to: state(to, after),
                changes: Vec::new(),
                deltas: Vec::new(),
            },
        })
        .collect();
    items.extend(
        from.items
            .iter()
            .filter(|before| to.item(before.no.0).is_none())
            .map(|before| ItemComparison {
                no: before.no,
                title: before.title.clone(),
                presence: Presence::Removed,
                state_from: state(from, before),
                state_to: None,
                changes: Vec::new(),
                deltas: Vec::new(),
            }),
    );
    Comparison {
        from_year: from.report_fiscal_year,
        to_year: to.report_fiscal_year,
        items,
    }
}

/// A value keyed for matching: folded label, year, unit, and its place among equal keys.
struct Keyed<'a> {
    key: (String, FiscalYear, Unit, usize),
    figure: &'a Figure,
    value: Decimal,
}

fn keyed(figures: &[Figure], no: ItemNo) -> Vec<Keyed<'_>> {
    let mut out: Vec<Keyed<'_>> = Vec::new();
    for figure in figures.iter().filter(|f| f.item_no == no) {
        let (unit, value) = match figure.yen() {
            Some(yen) => (Unit::Yen, yen),
            None => (figure.quantity.unit, figure.quantity.value),
        };
        let label = fold_key(&figure.quantity.label);
        let nth = out
            .iter()
            .filter(|k| k.key.0 == label && k.key.1 == figure.fiscal_year && k.key.2 == unit)
            .count();
        out.push(Keyed {
            key: (label, figure.fiscal_year, unit, nth),
            figure,
            value,
        });
    }
    out
}

fn deltas(from: &[Figure], to: &[Figure], no: ItemNo) -> Vec<NumericDelta> {
    let before = keyed(from, no);
    let after = keyed(to, no);
    let mut deltas: Vec<NumericDelta> = Vec::new();
    for new in &after {
        let old = before.iter().find(|old| old.key == new.key);
        let from = old.map(|old| (old.figure.status, old.value));
        let to = Some((new.figure.status, new.value));
        if from != to {
            deltas.push(NumericDelta {
                label: new.figure.quantity.label.clone(),
                fiscal_year: new.figure.fiscal_year,
                unit: new.key.2,
                from,
                to,
            });
        }
    }
    for old in before
        .iter()
        .filter(|old| !after.iter().any(|new| new.key == old.key))
    {
        deltas.push(NumericDelta {
            label: old.figure.quantity.label.clone(),
            fiscal_year: old.figure.fiscal_year,
            unit: old.key.2,
            from: Some((old.figure.status, old.value)),
            to: None,
        });
    }
    deltas.sort_by_key(|d| d.fiscal_year);
    deltas
}
