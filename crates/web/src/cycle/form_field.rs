//! The inputs of the sheet form, as a type: [`FormField`] is the one place an input name is
//! spelled. The form reader ([`super::form`]) reads a posted body with [`FormField::parse`]
//! and keys its errors by it, and the view models ([`super::views`]) give the template the
//! `name` and `id` strings made by [`FormField::name`] and [`FormField::id`], so adding an input
//! is a change the compiler follows from the reader to the page.
//!
//! A name is the [`Field::path`] of the part of the sheet the input edits (the address of its
//! comments, copy marks and findings), then the input within that part:
//!
//! | input | name |
//! |---|---|
//! | 項目名, 担当課 (one per line), 改善・推進目標, 総評 | `title`, `departments`, `goal`, `evaluation` |
//! | 改善・推進の内容 and its schedule cell of a Gregorian fiscal year, typed as written (`②③ (試行)`) | `contents.{i}.text`, `contents.{i}.cells.{year}` |
//! | 主な取組内容: the number (`1` → ①) and the text | `actions.{i}.no`, `actions.{i}.text` |
//! | a narrative: Gregorian year, `actual`/`forecast`/`plan`, text, `1` for a box with a fixed heading | `narratives.{i}.year`, `.kind`, `.text`, `.fixed` |
//! | an effects row: Gregorian year or `total` (総計), the row as written, `1` for a fixed heading | `effects.{i}.year`, `.text`, `.fixed` |
//! | a quantity of an effects row: label, value (`27,075`, `▲350`), unit symbol, `actual`/`plan`/`target`/`forecast` or empty | `effects.{i}.q.{k}.label`, `.value`, `.unit`, `.status` |
//!
//! Row numbers start at 0. The form sends no more than [`MAX_ROWS`] rows of a kind and
//! [`MAX_QUANTITIES`] quantities in an effects row: names past them are refused, so a body
//! cannot make the reader keep rows without bound.

use kaikaku_model::FiscalYear;
use kaikaku_model::workflow::Field;

/// The most rows of one kind a form may send.
pub const MAX_ROWS: usize = 300;
/// The most quantities one effects row may send.
pub const MAX_QUANTITIES: usize = 30;

/// One input of the sheet form. Ordered as the sheet reads (title first, 総評 last).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FormField {
    /// 項目名.
    Title,
    /// 担当課, one per line.
    Departments,
    /// An input of a content row (0-based).
    Content(usize, ContentPart),
    /// 改善・推進目標.
    Goal,
    /// An input of an action row (0-based).
    Action(usize, ActionPart),
    /// An input of a narrative box (0-based).
    Narrative(usize, NarrativePart),
    /// An input of an effects row (0-based).
    Effect(usize, EffectPart),
    /// 総評.
    Evaluation,
}

/// An input of a content row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ContentPart {
    /// 改善・推進の内容.
    Text,
    /// The schedule cell of a fiscal year.
    Cell(FiscalYear),
}

/// An input of an action row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ActionPart {
    /// The number as typed.
    No,
    /// The text.
    Text,
}

/// An input of a narrative box.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NarrativePart {
    /// The Gregorian year.
    Year,
    /// The kind's code.
    Kind,
    /// The text.
    Text,
    /// Sent as `1` by a box with a fixed heading.
    Fixed,
}

/// An input of an effects row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EffectPart {
    /// The Gregorian year, or `total`.
    Year,
    /// The row as written.
    Text,
    /// Sent as `1` by a row with a fixed heading.
    Fixed,
    /// An input of the row's quantity `k` (0-based).
    Quantity(usize, QuantityPart),
}

/// An input of a quantity of an effects row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QuantityPart {
    /// The label.
    Label,
    /// The value as typed.
    Value,
    /// The unit symbol.
    Unit,
    /// The status code, or empty.
    Status,
}

/// The word before a schedule cell's year.
const CELLS: &str = "cells";
/// The word before a quantity's number.
const QUANTITY: &str = "q";

impl ActionPart {
    const ALL: [ActionPart; 2] = [ActionPart::No, ActionPart::Text];

    fn word(self) -> &'static str {
        match self {
            ActionPart::No => "no",
            ActionPart::Text => "text",
        }
    }

    fn parse(word: &str) -> Option<ActionPart> {
        ActionPart::ALL.into_iter().find(|p| p.word() == word)
    }
}

impl NarrativePart {
    const ALL: [NarrativePart; 4] = [
        NarrativePart::Year,
        NarrativePart::Kind,
        NarrativePart::Text,
        NarrativePart::Fixed,
    ];

    fn word(self) -> &'static str {
        match self {
            NarrativePart::Year => "year",
            NarrativePart::Kind => "kind",
            NarrativePart::Text => "text",
            NarrativePart::Fixed => "fixed",
        }
    }

    fn parse(word: &str) -> Option<NarrativePart> {
        NarrativePart::ALL.into_iter().find(|p| p.word() == word)
    }
}

impl QuantityPart {
    const ALL: [QuantityPart; 4] = [
        QuantityPart::Label,
        QuantityPart::Value,
        QuantityPart::Unit,
        QuantityPart::Status,
    ];

    fn word(self) -> &'static str {
        match self {
            QuantityPart::Label => "label",
            QuantityPart::Value => "value",
            QuantityPart::Unit => "unit",
            QuantityPart::Status => "status",
        }
    }

    fn parse(word: &str) -> Option<QuantityPart> {
        QuantityPart::ALL.into_iter().find(|p| p.word() == word)
    }
}

impl ContentPart {
    fn name(self) -> String {
        match self {
            ContentPart::Text => "text".to_owned(),
            ContentPart::Cell(year) => format!("{CELLS}.{}", year.gregorian()),
        }
    }

    fn parse(name: &str) -> Option<ContentPart> {
        if name == ContentPart::Text.name() {
            return Some(ContentPart::Text);
        }
        let year = name.strip_prefix(CELLS)?.strip_prefix('.')?;
        year.parse::<i32>()
            .ok()
            .and_then(FiscalYear::new)
            .map(ContentPart::Cell)
    }
}

impl EffectPart {
    /// The parts that are one word.
    const WORDS: [EffectPart; 3] = [EffectPart::Year, EffectPart::Text, EffectPart::Fixed];

    fn name(self) -> String {
        match self {
            EffectPart::Year => "year".to_owned(),
            EffectPart::Text => "text".to_owned(),
            EffectPart::Fixed => "fixed".to_owned(),
            EffectPart::Quantity(k, part) => format!("{QUANTITY}.{k}.{}", part.word()),
        }
    }

    fn parse(name: &str) -> Option<EffectPart> {
        if let Some(part) = EffectPart::WORDS.into_iter().find(|p| p.name() == name) {
            return Some(part);
        }
        let (k, part) = name
            .strip_prefix(QUANTITY)?
            .strip_prefix('.')?
            .split_once('.')?;
        let k = k.parse::<usize>().ok().filter(|k| *k < MAX_QUANTITIES)?;
        Some(EffectPart::Quantity(k, QuantityPart::parse(part)?))
    }
}

impl FormField {
    /// The part of the sheet the input edits: the address of its comments, copy marks and
    /// findings (every action row edits [`Field::Actions`]).
    pub fn field(self) -> Field {
        match self {
            FormField::Title => Field::Title,
            FormField::Departments => Field::Departments,
            FormField::Content(i, _) => Field::Content(i),
            FormField::Goal => Field::Goal,
            FormField::Action(..) => Field::Actions,
            FormField::Narrative(i, _) => Field::Narrative(i),
            FormField::Effect(i, _) => Field::Effect(i),
            FormField::Evaluation => Field::Evaluation,
        }
    }

    /// The input's `name`: the path of [its field](FormField::field), then the input within
    /// it (`title`, `contents.0.cells.2021`, `actions.2.no`, `effects.1.q.0.value`).
    pub fn name(self) -> String {
        let path = self.field().path();
        match self {
            FormField::Title | FormField::Departments | FormField::Goal | FormField::Evaluation => {
                path
            }
            FormField::Content(_, part) => format!("{path}.{}", part.name()),
            FormField::Action(i, part) => format!("{path}.{i}.{}", part.word()),
            FormField::Narrative(_, part) => format!("{path}.{}", part.word()),
            FormField::Effect(_, part) => format!("{path}.{}", part.name()),
        }
    }

    /// The input's element `id`: `f-` and the name with dots made dashes (`f-actions-2-no`).
    pub fn id(self) -> String {
        format!("f-{}", self.name().replace('.', "-"))
    }

    /// The input a name from [`FormField::name`] names, or `None` for any other name (other
    /// inputs of the page such as `version`, and rows past [`MAX_ROWS`] or
    /// [`MAX_QUANTITIES`]).
    pub fn parse(name: &str) -> Option<FormField> {
        let Some((section, rest)) = name.split_once('.') else {
            return match Field::parse(name)? {
                Field::Title => Some(FormField::Title),
                Field::Departments => Some(FormField::Departments),
                Field::Goal => Some(FormField::Goal),
                Field::Evaluation => Some(FormField::Evaluation),
                _ => None,
            };
        };
        let (row, part) = rest.split_once('.')?;
        let field = if section == Field::Actions.path() {
            Field::Actions
        } else {
            Field::parse(&format!("{section}.{row}"))?
        };
        let i = row.parse::<usize>().ok().filter(|i| *i < MAX_ROWS)?;
        match field {
            Field::Content(_) => Some(FormField::Content(i, ContentPart::parse(part)?)),
            Field::Actions => Some(FormField::Action(i, ActionPart::parse(part)?)),
            Field::Narrative(_) => Some(FormField::Narrative(i, NarrativePart::parse(part)?)),
            Field::Effect(_) => Some(FormField::Effect(i, EffectPart::parse(part)?)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fy(year: i32) -> FiscalYear {
        FiscalYear::new(year).expect("a year")
    }

    /// Every kind of input, at the first row and at the last row the form may send.
    fn every_field() -> Vec<FormField> {
        let mut fields = vec![
            FormField::Title,
            FormField::Departments,
            FormField::Goal,
            FormField::Evaluation,
        ];
        for i in [0, 7, MAX_ROWS - 1] {
            fields.push(FormField::Content(i, ContentPart::Text));
            fields.push(FormField::Content(i, ContentPart::Cell(fy(2021))));
            fields.extend(ActionPart::ALL.map(|p| FormField::Action(i, p)));
            fields.extend(NarrativePart::ALL.map(|p| FormField::Narrative(i, p)));
            fields.extend(EffectPart::WORDS.map(|p| FormField::Effect(i, p)));
            for k in [0, MAX_QUANTITIES - 1] {
                fields.extend(
                    QuantityPart::ALL.map(|p| FormField::Effect(i, EffectPart::Quantity(k, p))),
                );
            }
        }
        fields
    }

    #[test]
    fn every_name_reads_back_as_its_field() {
        for field in every_field() {
            assert_eq!(FormField::parse(&field.name()), Some(field), "{field:?}");
        }
        let names: std::collections::BTreeSet<String> =
            every_field().iter().map(|f| f.name()).collect();
        assert_eq!(names.len(), every_field().len(), "two fields share a name");
    }

    #[test]
    fn names_and_ids_are_those_the_pages_have_always_sent() {
        let cases = [
            (FormField::Title, "title", "f-title"),
            (FormField::Departments, "departments", "f-departments"),
            (
                FormField::Content(0, ContentPart::Text),
                "contents.0.text",
                "f-contents-0-text",
            ),
            (
                FormField::Content(1, ContentPart::Cell(fy(2021))),
                "contents.1.cells.2021",
                "f-contents-1-cells-2021",
            ),
            (FormField::Goal, "goal", "f-goal"),
            (
                FormField::Action(2, ActionPart::No),
                "actions.2.no",
                "f-actions-2-no",
            ),
            (
                FormField::Narrative(0, NarrativePart::Fixed),
                "narratives.0.fixed",
                "f-narratives-0-fixed",
            ),
            (
                FormField::Effect(3, EffectPart::Year),
                "effects.3.year",
                "f-effects-3-year",
            ),
            (
                FormField::Effect(1, EffectPart::Quantity(0, QuantityPart::Status)),
                "effects.1.q.0.status",
                "f-effects-1-q-0-status",
            ),
            (FormField::Evaluation, "evaluation", "f-evaluation"),
        ];
        for (field, name, id) in cases {
            assert_eq!((field.name().as_str(), field.id().as_str()), (name, id));
        }
    }

    #[test]
    fn every_input_is_beside_its_sheet_field() {
        for field in every_field() {
            let path = field.field().path();
            assert!(field.name().starts_with(&path), "{field:?}");
        }
    }

    #[test]
    fn other_names_are_refused() {
        for name in [
            "",
            "version",
            "intent",
            "_csrf",
            "state",
            "actions",
            "title.0",
            "title.",
            "contents",
            "contents.0",
            "contents.0.",
            "contents.x.text",
            "contents.-1.text",
            "contents.300.text",
            "contents.0.cells",
            "contents.0.cells.x",
            "contents.0.cells.99999",
            "contents.0.no",
            "actions.0.year",
            "narratives.0.no",
            "narratives.0.text.more",
            "effects.0.q",
            "effects.0.q.0",
            "effects.0.q.30.value",
            "effects.0.q.0.text",
            "effects.0.kind",
            "comment.title",
            "Title",
        ] {
            assert_eq!(FormField::parse(name), None, "{name}");
        }
    }
}
