//! Conversions between model values and column values, shared by every backend.
//!
//! Encoding never loses information and decoding is strict: a value that does not decode is
//! reported as [`StoreError::Corrupt`] by the caller rather than guessed.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use kaikaku_model::workflow::{EditionState, Field, Role, SheetState};
use kaikaku_model::{Decimal, FiscalYear, Line, NarrativeKind, Phase, Status, Unit};

use crate::{Origin, StoreError};

/// A `usize` (position, line number) as an `i32` column.
pub(crate) fn to_i32(value: usize, what: &'static str) -> Result<i32, StoreError> {
    i32::try_from(value).map_err(|_| StoreError::OutOfRange {
        what,
        value: value.to_string(),
    })
}

/// A line number as a BIGINT column.
pub(crate) fn line_to_i64(line: Line) -> Result<i64, StoreError> {
    i64::try_from(line).map_err(|_| StoreError::OutOfRange {
        what: "line number",
        value: line.to_string(),
    })
}

/// A BIGINT column as a line number.
pub(crate) fn line_from_i64(value: i64) -> Result<Line, String> {
    Line::try_from(value).map_err(|_| format!("line number {value} is negative or too large"))
}

/// An INTEGER column as a fiscal year.
pub(crate) fn fiscal_year_from_i32(value: i32) -> Result<FiscalYear, String> {
    FiscalYear::new(value).ok_or_else(|| format!("fiscal year {value} is out of range"))
}

/// A BIGINT column as an item number.
pub(crate) fn item_no_from_i64(value: i64) -> Result<u32, String> {
    u32::try_from(value).map_err(|_| format!("item number {value} is out of range"))
}

/// Turns a decoding failure into [`StoreError::Corrupt`] for a row.
pub(crate) fn corrupt(table: &'static str, id: i64) -> impl Fn(String) -> StoreError {
    move |detail| StoreError::Corrupt { table, id, detail }
}

/// An origin from its code.
pub(crate) fn decode_origin(code: &str) -> Result<Origin, String> {
    Origin::from_code(code).ok_or_else(|| format!("origin 「{code}」 is unknown"))
}

/// The action numbers of a schedule cell as text: `1,2,3`, or empty when there are none.
pub(crate) fn encode_actions(actions: &[u8]) -> String {
    actions
        .iter()
        .map(u8::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Action numbers from [`encode_actions`].
pub(crate) fn decode_actions(text: &str) -> Result<Vec<u8>, String> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(|n| {
            n.parse::<u8>()
                .map_err(|_| format!("action list 「{text}」 is not comma-separated numbers"))
        })
        .collect()
}

/// The stable code of a phase: `study`, `trial`, `implementation`, `other`.
pub(crate) fn phase_code(phase: &Phase) -> &'static str {
    match phase {
        Phase::Study => "study",
        Phase::Trial => "trial",
        Phase::Implementation => "implementation",
        Phase::Other(_) => "other",
    }
}

/// The phase from its code and word. The code decides the variant, so that even a
/// `Phase::Other` whose word is 検討 reads back as itself.
pub(crate) fn decode_phase(
    code: Option<&str>,
    word: Option<String>,
) -> Result<Option<Phase>, String> {
    match (code, word) {
        (None, None) => Ok(None),
        (Some("study"), Some(_)) => Ok(Some(Phase::Study)),
        (Some("trial"), Some(_)) => Ok(Some(Phase::Trial)),
        (Some("implementation"), Some(_)) => Ok(Some(Phase::Implementation)),
        (Some("other"), Some(word)) => Ok(Some(Phase::Other(word))),
        (code, word) => Err(format!(
            "phase code {code:?} with word {word:?} is not a phase"
        )),
    }
}

/// A narrative kind from its code.
pub(crate) fn decode_narrative_kind(code: &str) -> Result<NarrativeKind, String> {
    NarrativeKind::from_code(code).ok_or_else(|| format!("narrative kind 「{code}」 is unknown"))
}

/// A status from its code, `None` for NULL.
pub(crate) fn decode_status(code: Option<&str>) -> Result<Option<Status>, String> {
    code.map(|code| Status::from_code(code).ok_or_else(|| format!("status 「{code}」 is unknown")))
        .transpose()
}

/// A decimal as exact text, keeping its scale (`32.30` stays `32.30`).
pub(crate) fn encode_decimal(value: Decimal) -> String {
    value.to_string()
}

/// A decimal from [`encode_decimal`].
pub(crate) fn decode_decimal(text: &str) -> Result<Decimal, String> {
    Decimal::from_str(text).map_err(|e| format!("value 「{text}」 is not a decimal: {e}"))
}

/// The unit whose canonical symbol is exactly `symbol`. Counter words come back as the model's
/// own `&'static str`, found through [`Unit::parse`].
pub(crate) fn unit_from_symbol(symbol: &str) -> Option<Unit> {
    Unit::from_symbol(symbol)
}

/// True when `unit` survives a trip through its symbol.
pub(crate) fn unit_is_storable(unit: Unit) -> bool {
    unit_from_symbol(unit.symbol()) == Some(unit)
}

/// The current time as RFC 3339 in UTC, to the second.
pub(crate) fn now_rfc3339() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    encode_timestamp(DateTime::from_timestamp(now, 0).unwrap_or_default())
}

/// A timestamp as RFC 3339 in UTC to the second (`2026-11-29T09:40:00Z`): fixed width, so that
/// text order is time order in SQL comparisons.
pub(crate) fn encode_timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A timestamp from [`encode_timestamp`].
pub(crate) fn decode_timestamp(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|e| format!("timestamp 「{text}」 is not RFC 3339: {e}"))
}

/// An optional timestamp from [`encode_timestamp`] (NULL: `None`).
pub(crate) fn decode_optional_timestamp(
    text: Option<&str>,
) -> Result<Option<DateTime<Utc>>, String> {
    text.map(decode_timestamp).transpose()
}

/// A date as ISO 8601 (`2022-03-31`).
pub(crate) fn encode_date(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// A date from [`encode_date`].
pub(crate) fn decode_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|e| format!("date 「{text}」 is not YYYY-MM-DD: {e}"))
}

/// A role from its code.
pub(crate) fn decode_role(code: &str) -> Result<Role, String> {
    Role::from_code(code).ok_or_else(|| format!("role 「{code}」 is unknown"))
}

/// A sheet state from its code.
pub(crate) fn decode_sheet_state(code: &str) -> Result<SheetState, String> {
    SheetState::from_code(code).ok_or_else(|| format!("sheet state 「{code}」 is unknown"))
}

/// An edition state from its code.
pub(crate) fn decode_edition_state(code: &str) -> Result<EditionState, String> {
    EditionState::from_code(code).ok_or_else(|| format!("edition state 「{code}」 is unknown"))
}

/// A field from its path.
pub(crate) fn decode_field(path: &str) -> Result<Field, String> {
    Field::parse(path).ok_or_else(|| format!("field 「{path}」 is unknown"))
}

/// Where a field comes in a sheet, for listing fields in sheet order.
pub(crate) fn field_order(field: Field) -> (u8, usize) {
    match field {
        Field::Title => (0, 0),
        Field::Departments => (1, 0),
        Field::Content(i) => (2, i),
        Field::Goal => (3, 0),
        Field::Actions => (4, 0),
        Field::Narrative(i) => (5, i),
        Field::Effect(i) => (6, i),
        Field::Evaluation => (7, 0),
        Field::State => (8, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_round_trip() {
        for actions in [
            vec![],
            vec![1],
            vec![1, 2, 3, 4, 5],
            vec![2, 3],
            vec![50, 7],
        ] {
            let text = encode_actions(&actions);
            assert_eq!(decode_actions(&text), Ok(actions));
        }
        assert_eq!(encode_actions(&[1, 2, 3]), "1,2,3");
        assert!(decode_actions("1,,2").is_err());
        assert!(decode_actions("①").is_err());
    }

    #[test]
    fn phases_round_trip_by_code() {
        let phases = [
            Phase::Study,
            Phase::Trial,
            Phase::Implementation,
            Phase::Other("準備".into()),
            Phase::Other("検討".into()),
            Phase::Other(" 策定 ".into()),
        ];
        for phase in phases {
            let back = decode_phase(Some(phase_code(&phase)), Some(phase.word().to_owned()));
            assert_eq!(back, Ok(Some(phase)));
        }
        assert_eq!(decode_phase(None, None), Ok(None));
        assert!(decode_phase(Some("study"), None).is_err());
        assert!(decode_phase(Some("later"), Some("後".into())).is_err());
    }

    #[test]
    fn decimals_keep_value_and_scale() {
        for text in [
            "1205.56", "32.3", "32.30", "-1200", "0", "0.001", "68307000",
        ] {
            let value = decode_decimal(text).expect("decimal");
            let back = decode_decimal(&encode_decimal(value)).expect("decimal");
            assert_eq!(back, value);
            assert_eq!(back.scale(), value.scale(), "{text}");
            assert_eq!(encode_decimal(value), text);
        }
        assert!(decode_decimal("1,200").is_err());
    }

    #[test]
    fn every_unit_reads_back_from_its_symbol() {
        for unit in Unit::known() {
            assert!(unit_is_storable(unit), "{unit:?}");
            assert_eq!(unit_from_symbol(unit.symbol()), Some(unit));
        }
        assert_eq!(unit_from_symbol("施設"), Some(Unit::Count("施設")));
    }

    #[test]
    fn units_the_model_cannot_read_back_are_refused() {
        assert!(!unit_is_storable(Unit::Count("ダース")));
        assert_eq!(unit_from_symbol("ダース"), None);
        assert_eq!(unit_from_symbol(" 件"), None);
    }

    #[test]
    fn timestamps_and_dates_round_trip() {
        let at = decode_timestamp("2026-11-29T09:40:00Z").expect("timestamp");
        assert_eq!(encode_timestamp(at), "2026-11-29T09:40:00Z");
        assert!(decode_timestamp("2026-11-29").is_err());
        let date = decode_date("2022-03-31").expect("date");
        assert_eq!(encode_date(date), "2022-03-31");
        assert!(decode_date("2022/03/31").is_err());
    }

    #[test]
    fn fields_sort_in_sheet_order() {
        let mut fields = vec![
            Field::Effect(0),
            Field::Content(10),
            Field::Goal,
            Field::Content(2),
            Field::Departments,
        ];
        fields.sort_by_key(|f| field_order(*f));
        assert_eq!(
            fields,
            [
                Field::Departments,
                Field::Content(2),
                Field::Content(10),
                Field::Goal,
                Field::Effect(0)
            ]
        );
    }

    #[test]
    fn imported_at_is_rfc3339_utc() {
        let now = now_rfc3339();
        assert_eq!(now.len(), "2026-11-29T09:40:00Z".len(), "{now}");
        assert!(now.ends_with('Z'));
    }
}
