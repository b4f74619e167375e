//! Quantities (数量): exact values with a unit, a label and a status mark — the one place where
//! numbers, units and marks are parsed out of report text.
//!
//! `削減額（増収額）68,307,000円`, `38,353千円`, `▲1,200千円`, `32.3%（実績）`, `2 施設`,
//! `1,205.56 m²`, `1億2,000万円`. Values are [`Decimal`]s, never floats. Numbers that belong to
//! dates (`R2.4.1`, `令和3年4月1日`), ordinals (`第2次`, `No.3`) or identifiers (`H28`) are not
//! quantities, nor are numbers without a unit (`(1)`, `13分類`).

use std::fmt;
use std::ops::Range;

use rust_decimal::Decimal;

use crate::text::{digit_value, is_space};

/// A unit of measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unit {
    /// 円.
    Yen,
    /// 千円 (×1,000 yen).
    ThousandYen,
    /// 万円 (×10,000 yen).
    TenThousandYen,
    /// 百万円 (×1,000,000 yen).
    MillionYen,
    /// 億円 (×100,000,000 yen).
    HundredMillionYen,
    /// %.
    Percent,
    /// 点 (a score).
    Points,
    /// ㎡.
    SquareMetres,
    /// A counter word (助数詞) such as 件, 人, 施設, 床; the canonical spelling.
    Count(&'static str),
}

/// Spellings of units as they appear in documents, mapped to the unit. Longest first wins.
const UNIT_SPELLINGS: &[(&str, Unit)] = &[
    ("百万円", Unit::MillionYen),
    ("億円", Unit::HundredMillionYen),
    ("千円", Unit::ThousandYen),
    ("万円", Unit::TenThousandYen),
    ("円", Unit::Yen),
    ("パーセント", Unit::Percent),
    ("%", Unit::Percent),
    ("％", Unit::Percent),
    ("平方メートル", Unit::SquareMetres),
    ("㎡", Unit::SquareMetres),
    ("m²", Unit::SquareMetres),
    ("m2", Unit::SquareMetres),
    ("ｍ²", Unit::SquareMetres),
    ("点", Unit::Points),
];

/// Counter words recognised after a number, with their canonical spelling.
const COUNTERS: &[(&str, &str)] = &[
    ("件", "件"),
    ("人日", "人日"),
    ("人", "人"),
    ("名", "名"),
    ("施設", "施設"),
    ("床", "床"),
    ("回", "回"),
    ("校", "校"),
    ("園", "園"),
    ("台", "台"),
    ("箇所", "箇所"),
    ("か所", "箇所"),
    ("ヶ所", "箇所"),
    ("カ所", "箇所"),
    ("ケ所", "箇所"),
    ("社", "社"),
    ("団体", "団体"),
    ("世帯", "世帯"),
    ("戸", "戸"),
    ("棟", "棟"),
    ("館", "館"),
    ("時間", "時間"),
    ("日間", "日間"),
    ("週間", "週間"),
    ("か月", "か月"),
    ("ヶ月", "か月"),
    ("カ月", "か月"),
    ("本", "本"),
    ("冊", "冊"),
    ("枚", "枚"),
    ("種類", "種類"),
    ("地区", "地区"),
    ("路線", "路線"),
    ("基", "基"),
    ("頭", "頭"),
    ("事業", "事業"),
    ("業務", "業務"),
    ("項目", "項目"),
    ("ポイント", "ポイント"),
    ("ページ", "ページ"),
    ("km", "km"),
    ("㎞", "km"),
    ("kWh", "kWh"),
    ("トン", "トン"),
];

impl Unit {
    /// The canonical spelling: `円`, `千円`, `%`, `㎡`, `件` ….
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Yen => "円",
            Unit::ThousandYen => "千円",
            Unit::TenThousandYen => "万円",
            Unit::MillionYen => "百万円",
            Unit::HundredMillionYen => "億円",
            Unit::Percent => "%",
            Unit::Points => "点",
            Unit::SquareMetres => "㎡",
            Unit::Count(word) => word,
        }
    }

    /// The unit written exactly as `text` (any known spelling, surrounding spaces ignored).
    pub fn parse(text: &str) -> Option<Unit> {
        let text = text.trim();
        match Unit::match_prefix(text) {
            Some((unit, len)) if len == text.len() => Some(unit),
            _ => None,
        }
    }

    /// The unit whose canonical symbol ([`Unit::symbol`]) is exactly `symbol`; other
    /// spellings (`％`, `m²`, `か所`) are refused. Storage and wire formats read units back
    /// with it.
    pub fn from_symbol(symbol: &str) -> Option<Unit> {
        Unit::parse(symbol).filter(|unit| unit.symbol() == symbol)
    }

    /// Every unit the scanner can produce, each once.
    pub fn known() -> impl Iterator<Item = Unit> {
        let mut units: Vec<Unit> = UNIT_SPELLINGS.iter().map(|(_, unit)| *unit).collect();
        units.extend(COUNTERS.iter().map(|(_, canonical)| Unit::Count(canonical)));
        let mut seen = Vec::with_capacity(units.len());
        units.retain(|unit| {
            let new = !seen.contains(unit);
            seen.push(*unit);
            new
        });
        units.into_iter()
    }

    /// The longest unit spelling at the start of `text`, with its length in bytes.
    pub fn match_prefix(text: &str) -> Option<(Unit, usize)> {
        let spelled = UNIT_SPELLINGS
            .iter()
            .filter(|(spelling, _)| text.starts_with(spelling))
            .map(|(spelling, unit)| (*unit, spelling.len()));
        let counted = COUNTERS
            .iter()
            .filter(|(spelling, _)| text.starts_with(spelling))
            .map(|(spelling, canonical)| (Unit::Count(canonical), spelling.len()));
        spelled.chain(counted).max_by_key(|(_, len)| *len)
    }

    /// How many yen one of this unit is worth; `None` for units that are not money.
    pub fn yen_factor(self) -> Option<Decimal> {
        match self {
            Unit::Yen => Some(Decimal::ONE),
            Unit::ThousandYen => Some(Decimal::from(1_000)),
            Unit::TenThousandYen => Some(Decimal::from(10_000)),
            Unit::MillionYen => Some(Decimal::from(1_000_000)),
            Unit::HundredMillionYen => Some(Decimal::from(100_000_000)),
            _ => None,
        }
    }

    /// True for money units.
    pub fn is_money(self) -> bool {
        self.yen_factor().is_some()
    }

    /// True when values of this unit add up to a total (money, counts, areas); false for
    /// ratios and scores (%, 点).
    pub fn is_additive(self) -> bool {
        !matches!(self, Unit::Percent | Unit::Points)
    }

    /// A value in the family's base unit (yen for money, the unit itself otherwise) expressed in
    /// this unit: 410,732,000 (yen) → 410,732 for 千円. `None` on overflow.
    pub fn from_base(self, base: Decimal) -> Option<Decimal> {
        match self.yen_factor() {
            Some(factor) => base.checked_div(factor).map(|v| v.normalize()),
            None => Some(base),
        }
    }

    /// True when values of `self` and `other` can be compared: the same unit, or both money.
    pub fn same_family(self, other: Unit) -> bool {
        self == other || (self.is_money() && other.is_money())
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// The status mark of a value: （実績）, （計画）, （目標）, （見込み）.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// 実績: an actual result.
    Actual,
    /// 計画 / 予定: planned.
    Plan,
    /// 目標: a target.
    Target,
    /// 見込み: a forecast.
    Forecast,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 4] = [
        Status::Actual,
        Status::Plan,
        Status::Target,
        Status::Forecast,
    ];

    /// The stable code used in data: `actual`, `plan`, `target`, `forecast`.
    pub fn code(self) -> &'static str {
        match self {
            Status::Actual => "actual",
            Status::Plan => "plan",
            Status::Target => "target",
            Status::Forecast => "forecast",
        }
    }

    /// The status for a code from [`Status::code`].
    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The Japanese word: 実績, 計画, 目標, 見込み.
    pub fn label(self) -> &'static str {
        match self {
            Status::Actual => "実績",
            Status::Plan => "計画",
            Status::Target => "目標",
            Status::Forecast => "見込み",
        }
    }

    /// The status a word names: 実績, 計画, 予定, 目標, 見込み, 見込, 見通し.
    pub fn from_word(word: &str) -> Option<Status> {
        let word: String = word.chars().filter(|c| !is_space(*c)).collect();
        match word.as_str() {
            "実績" | "実績値" => Some(Status::Actual),
            "計画" | "予定" | "計画値" => Some(Status::Plan),
            "目標" | "目標値" => Some(Status::Target),
            "見込み" | "見込" | "見通し" | "見込値" => Some(Status::Forecast),
            _ => None,
        }
    }

    /// A bracketed mark at the start of `text` (`（実績）`, `【実績】`, `(計画)`, `［目標］`),
    /// with its length in bytes. Leading spaces are skipped and counted.
    pub fn match_mark(text: &str) -> Option<(Status, usize)> {
        let trimmed = text.trim_start_matches(is_space);
        let skipped = text.len() - trimmed.len();
        let mut chars = trimmed.char_indices();
        let (_, open) = chars.next()?;
        let close = closing_bracket(open)?;
        let (end, _) = chars.find(|(_, c)| *c == close)?;
        let status = Status::from_word(&trimmed[open.len_utf8()..end])?;
        Some((status, skipped + end + close.len_utf8()))
    }

    /// The status of a cell that holds nothing but a mark, such as `【実績】`.
    pub fn parse_mark(text: &str) -> Option<Status> {
        let text = text.trim_matches(is_space);
        match Status::match_mark(text) {
            Some((status, len)) if len == text.len() => Some(status),
            _ => None,
        }
    }
}

fn closing_bracket(open: char) -> Option<char> {
    match open {
        '（' => Some('）'),
        '(' => Some(')'),
        '【' => Some('】'),
        '［' => Some('］'),
        '[' => Some(']'),
        '〔' => Some('〕'),
        '《' => Some('》'),
        _ => None,
    }
}

/// Splits a trailing status mark off a label: `寄附受入（見込み）` → (`寄附受入`, forecast).
pub fn split_status(label: &str) -> (String, Option<Status>) {
    let trimmed = label.trim_end_matches(is_space);
    for (start, c) in trimmed.char_indices().rev() {
        if closing_bracket(c).is_some() {
            if let Some((status, len)) = Status::match_mark(&trimmed[start..]) {
                if start + len == trimmed.len() {
                    return (trimmed[..start].trim_end().to_owned(), Some(status));
                }
            }
        }
    }
    (label.trim().to_owned(), None)
}

/// An exact value with its unit, the words that name it and its status mark.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quantity {
    /// The words before the number, as written (`売却額`), possibly empty.
    pub label: String,
    /// The exact value; negative for `▲`/`△`.
    pub value: Decimal,
    /// The unit.
    pub unit: Unit,
    /// The status mark beside the value or inside its label.
    pub status: Option<Status>,
}

impl Quantity {
    /// The value in yen for money, `None` for other units.
    /// `None` also when the value in yen would overflow.
    pub fn yen(&self) -> Option<Decimal> {
        let factor = self.unit.yen_factor()?;
        self.value.checked_mul(factor).map(|v| v.normalize())
    }

    /// The value in its family's base unit: yen for money, the value itself otherwise, so
    /// that 38,353千円 and 38,353,000円 compare equal. `None` when yen would overflow.
    pub fn base_value(&self) -> Option<Decimal> {
        match self.unit.yen_factor() {
            Some(_) => self.yen(),
            None => Some(self.value),
        }
    }
}

impl fmt::Display for Quantity {
    /// `売却額 20,000,000円（見込み）`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.label.is_empty() {
            write!(f, "{} ", self.label)?;
        }
        write!(f, "{}{}", format_decimal(self.value), self.unit)?;
        if let Some(status) = self.status {
            write!(f, "（{}）", status.label())?;
        }
        Ok(())
    }
}

/// Formats a decimal with thousands separators: `1234567.5` → `1,234,567.5`, `-53564` →
/// `-53,564`.
pub fn format_decimal(value: Decimal) -> String {
    let plain = value.normalize().to_string();
    let (sign, digits) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain.as_str()),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(frac) => format!("{sign}{grouped}.{frac}"),
        None => format!("{sign}{grouped}"),
    }
}

/// The most significant digits a value keeps ([`Decimal`]'s precision): a number with more is
/// refused, never rounded.
pub const MAX_DIGITS: u32 = 28;

/// Why a typed value is not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueError {
    /// Not a number at all (units, words, two numbers).
    NotANumber,
    /// A number with more digits than a value keeps ([`MAX_DIGITS`]).
    TooPrecise,
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueError::NotANumber => f.write_str("数値として読めません。"),
            ValueError::TooPrecise => write!(f, "桁数が多すぎます（{MAX_DIGITS}桁まで）。"),
        }
    }
}

/// Parses a value typed into a form: `27,075`, `１２，３４５`, `1205.56`, `▲350`, `△ 5`, `-3`.
/// Surrounding spaces are allowed; anything else (units, words, two numbers) is refused, and so
/// is a number with more digits than a [`Decimal`] keeps (never rounded).
pub fn read_value(text: &str) -> Result<Decimal, ValueError> {
    let text = text.trim_matches(is_space);
    let (negative, digits) = match text.strip_prefix(['-', '－']) {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let number = number_at(digits, 0).ok_or(ValueError::NotANumber)?;
    if number.end != digits.len() {
        return Err(ValueError::NotANumber);
    }
    let value = exact(&number.digits).ok_or(ValueError::TooPrecise)?;
    Ok(if negative != number.negative {
        -value
    } else {
        value
    })
}

/// [`read_value`], without saying why a value is refused.
pub fn parse_value(text: &str) -> Option<Decimal> {
    read_value(text).ok()
}

/// The exact value of plain digits with an optional point (`1205.56`), or `None` when a
/// [`Decimal`] cannot hold it without rounding. Zeros ending a fraction are not digits kept.
fn exact(digits: &str) -> Option<Decimal> {
    let digits = match digits.split_once('.') {
        Some((int, frac)) => {
            let frac = frac.trim_end_matches('0');
            if frac.is_empty() {
                int.to_owned()
            } else {
                format!("{int}.{frac}")
            }
        }
        None => digits.to_owned(),
    };
    Decimal::from_str_exact(&digits).ok()
}

/// The numbers written with a unit in `text` that have more digits than a value keeps, as
/// written: [`scan`] leaves them out (a value is never rounded), and a reader says so.
pub fn too_precise(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        let Some(c) = text[pos..].chars().next() else {
            break;
        };
        if let Some(number) = number_at(text, pos) {
            let after = skip_spaces(text, number.end);
            if exact(&number.digits).is_none() && Unit::match_prefix(&text[after..]).is_some() {
                out.push(&text[number.start..number.end]);
            }
            pos = number.end.max(pos + c.len_utf8());
            continue;
        }
        pos += c.len_utf8();
    }
    out
}

/// A quantity found in a text, with the byte range it covers (number, unit and mark).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The quantity.
    pub quantity: Quantity,
    /// Where the number starts and the unit (or mark) ends, in bytes.
    pub span: Range<usize>,
}

/// Finds every quantity in `text`, in order. Labels are the words between the previous
/// quantity (or the start) and the number, trimmed of separators.
pub fn scan(text: &str) -> Vec<Found> {
    let mut found = Vec::new();
    let mut label_start = 0;
    let mut pos = 0;
    while pos < text.len() {
        let Some(c) = text[pos..].chars().next() else {
            break;
        };
        if let Some(number) = number_at(text, pos) {
            if let Some((value, unit, mut end)) = quantity_after(text, &number) {
                let mut status = None;
                if let Some((mark, len)) = Status::match_mark(&text[end..]) {
                    status = Some(mark);
                    end += len;
                }
                let raw_label = &text[label_start..number.start];
                let opened = raw_label.trim_end_matches(is_space).ends_with(['（', '(']);
                if opened && text[end..].starts_with(['）', ')']) {
                    end += text[end..].chars().next().map_or(0, char::len_utf8);
                }
                let (label, label_status) = split_status(clean_label(raw_label));
                found.push(Found {
                    quantity: Quantity {
                        label,
                        value: if number.negative { -value } else { value },
                        unit,
                        status: status.or(label_status),
                    },
                    span: number.start..end,
                });
                label_start = end;
                pos = end;
                continue;
            }
            pos = number.end;
            continue;
        }
        pos += c.len_utf8();
    }
    found
}

fn clean_label(raw: &str) -> &str {
    raw.trim_matches(|c: char| is_space(c) || matches!(c, '、' | '，' | ',' | '・' | '；' | ';'))
        .trim_end_matches(['（', '('])
        .trim_end_matches(is_space)
}

/// A number found at a position: its digits (without separators) and where it ends.
#[derive(Debug)]
struct Number {
    start: usize,
    end: usize,
    negative: bool,
    digits: String,
}

/// Reads a number starting at `pos`, or `None` when `pos` does not start a number that may be a
/// quantity (it continues an identifier, a date or an ordinal).
fn number_at(text: &str, pos: usize) -> Option<Number> {
    let rest = &text[pos..];
    let first = rest.chars().next()?;
    let (negative, digits_start) = if matches!(first, '▲' | '△' | '−') {
        let after = pos + first.len_utf8();
        let skipped = text[after..].len() - text[after..].trim_start_matches(is_space).len();
        (true, after + skipped)
    } else {
        (false, pos)
    };
    let d0 = text[digits_start..].chars().next()?;
    digit_value(d0)?;
    if !negative && !may_start_quantity(text[..pos].chars().next_back()) {
        return None;
    }
    let mut digits = String::new();
    let mut end = digits_start;
    let mut seen_point = false;
    let mut iter = text[digits_start..].char_indices().peekable();
    while let Some((offset, c)) = iter.next() {
        if let Some(d) = digit_value(c) {
            digits.push(char::from_digit(d, 10).unwrap_or('0'));
            end = digits_start + offset + c.len_utf8();
        } else if matches!(c, ',' | '，') && !seen_point {
            // A group separator is followed by exactly three digits.
            let after = &text[digits_start + offset + c.len_utf8()..];
            let group: Vec<char> = after.chars().take(4).collect();
            let three = group.len() >= 3 && group[..3].iter().all(|c| digit_value(*c).is_some());
            let fourth_digit = group.get(3).is_some_and(|c| digit_value(*c).is_some());
            if !three || fourth_digit {
                break;
            }
        } else if matches!(c, '.' | '．') && !seen_point {
            match iter.peek() {
                Some((_, next)) if digit_value(*next).is_some() => {
                    seen_point = true;
                    digits.push('.');
                }
                _ => break,
            }
        } else {
            break;
        }
    }
    // A second point makes a dotted date (`2.4.1`): not a quantity.
    if seen_point && text[end..].starts_with(['.', '．']) {
        return None;
    }
    Some(Number {
        start: pos,
        end,
        negative,
        digits,
    })
}

/// True when a number preceded by `prev` may be a quantity: not part of an identifier (`H28`,
/// `AI2`), a dotted date or number (`No.3`, `2.4`) or an ordinal (`第2`).
fn may_start_quantity(prev: Option<char>) -> bool {
    match prev {
        None => true,
        Some(c) => {
            !(c.is_ascii_alphanumeric()
                || ('Ａ'..='Ｚ').contains(&c)
                || ('ａ'..='ｚ').contains(&c)
                || digit_value(c).is_some()
                || matches!(
                    c,
                    '.' | '．' | '第' | '-' | '－' | '_' | '#' | '＃' | '/' | '／'
                ))
        }
    }
}

/// The unit after a number (with `億`/`万` compounds such as `1億2,000万円`), the value and
/// where the unit ends.
fn quantity_after(text: &str, number: &Number) -> Option<(Decimal, Unit, usize)> {
    let value = exact(&number.digits)?;
    let after_number = skip_spaces(text, number.end);
    if let Some((unit, len)) = Unit::match_prefix(&text[after_number..]) {
        return Some((value, unit, after_number + len));
    }
    // Compounds: N億[M万][K]円, N万[K]円.
    let mut total = Decimal::ZERO;
    let mut value = value;
    let mut pos = number.end;
    for (mark, factor) in [('億', 100_000_000i64), ('万', 10_000)] {
        if text[pos..].starts_with(mark) {
            total = total.checked_add(value.checked_mul(Decimal::from(factor))?)?;
            pos += mark.len_utf8();
            if text[pos..].starts_with('円') {
                return Some((total, Unit::Yen, pos + '円'.len_utf8()));
            }
            let next = number_at_unchecked(text, pos)?;
            value = exact(&next.digits)?;
            pos = next.end;
        }
    }
    if total.is_zero() {
        return None;
    }
    text[pos..]
        .starts_with('円')
        .then(|| Some((total.checked_add(value)?, Unit::Yen, pos + '円'.len_utf8())))
        .flatten()
}

fn number_at_unchecked(text: &str, pos: usize) -> Option<Number> {
    let first = text[pos..].chars().next()?;
    digit_value(first)?;
    // The previous character is a kanji numeral marker, which `number_at` accepts.
    number_at(text, pos)
}

fn skip_spaces(text: &str, pos: usize) -> usize {
    text[pos..]
        .char_indices()
        .find(|(_, c)| !is_space(*c))
        .map_or(text.len(), |(offset, _)| pos + offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn q(text: &str) -> Vec<String> {
        scan(text)
            .into_iter()
            .map(|f| {
                let q = f.quantity;
                let status = q.status.map_or("-", Status::code);
                format!("{}|{}|{}|{}", q.label, q.value, q.unit, status)
            })
            .collect()
    }

    #[test]
    fn quantities_in_effect_rows() {
        let cases: &[(&str, &[&str])] = &[
            (
                "削減額（増収額）68,307,000円",
                &["削減額（増収額）|68307000|円|-"],
            ),
            (
                "協働のまちづくりに関する市民満足度 32.3%（実績）",
                &["協働のまちづくりに関する市民満足度|32.3|%|actual"],
            ),
            (
                "R2.4.1 時点職員数（一般職+再任用フルタイム）986人【実績】",
                &["R2.4.1 時点職員数（一般職+再任用フルタイム）|986|人|actual"],
            ),
            (
                "オープンデータとして大崎市の避難所等一覧表（236件）を公開",
                &["オープンデータとして大崎市の避難所等一覧表|236|件|-"],
            ),
            (
                "試験導入 1 件、本格導入 2 件による従事時間の削減",
                &["試験導入|1|件|-", "本格導入|2|件|-"],
            ),
            (
                "ペーパーレス化による印刷コストの削減 対前年比1.6%減",
                &["ペーパーレス化による印刷コストの削減 対前年比|1.6|%|-"],
            ),
            ("110,000千円", &["|110000|千円|-"]),
            ("▲1,200 千円", &["|-1200|千円|-"]),
            ("△ 5件", &["|-5|件|-"]),
            ("全体面積 1,205.56 m²", &["全体面積|1205.56|㎡|-"]),
            ("１２３，４５６円", &["|123456|円|-"]),
            ("1億2,000万円", &["|120000000|円|-"]),
            ("3億円", &["|3|億円|-"]),
            ("186百万円", &["|186|百万円|-"]),
            (
                "寄附受入（見込み） 27,075件",
                &["寄附受入|27075|件|forecast"],
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(q(text), *expected, "{text}");
        }
    }

    #[test]
    fn numbers_that_are_not_quantities() {
        for text in [
            "R3.4.1",
            "令和3年4月1日時点",
            "第2次大崎市公立保育施設民営化計画",
            "（No.3再掲）",
            "AI-OCR",
            "(1) 定員管理計画の検証",
            "13分類ごとに",
            "H28～R2",
            "11月～12月",
            "3号配水池",
            "5年連続の黒字",
        ] {
            assert_eq!(q(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn values_typed_into_forms() {
        let v = |s: &str| parse_value(s).map(|d| d.to_string());
        assert_eq!(v("27,075").as_deref(), Some("27075"));
        assert_eq!(v(" １２，３４５ ").as_deref(), Some("12345"));
        assert_eq!(v("1205.56").as_deref(), Some("1205.56"));
        assert_eq!(v("▲350").as_deref(), Some("-350"));
        assert_eq!(v("△ 5").as_deref(), Some("-5"));
        assert_eq!(v("-3").as_deref(), Some("-3"));
        for bad in ["", "12件", "1 2", "abc", "1,23", "R3", "--3"] {
            assert_eq!(parse_value(bad), None, "{bad}");
        }
    }

    #[test]
    fn values_with_more_digits_than_kept_are_refused_never_rounded() {
        assert_eq!(
            read_value("1.00000000000000000000000000001"),
            Err(ValueError::TooPrecise)
        );
        assert_eq!(
            read_value("99,999,999,999,999,999,999,999,999,999"),
            Err(ValueError::TooPrecise)
        );
        assert_eq!(read_value("十二"), Err(ValueError::NotANumber));
        // 28 digits, and zeros that end a fraction, are kept.
        assert_eq!(
            read_value("1.000000000000000000000000001").map(|d| d.to_string()),
            Ok("1.000000000000000000000000001".to_owned())
        );
        assert_eq!(
            read_value("1.5000000000000000000000000000000").map(|d| d.to_string()),
            Ok("1.5".to_owned())
        );
        assert_eq!(
            ValueError::TooPrecise.to_string(),
            "桁数が多すぎます（28桁まで）。"
        );
        // In a text: the number is not taken, and `too_precise` names it.
        let text = "削減額 1.00000000000000000000000000001千円、件数 3件";
        assert_eq!(
            q(text),
            ["削減額 1.00000000000000000000000000001千円、件数|3|件|-"]
        );
        assert_eq!(too_precise(text), ["1.00000000000000000000000000001"]);
        assert_eq!(
            too_precise("12345678901234567890123456789012345 番"),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn yen_conversion() {
        let found = scan("4,732千円");
        let quantity = &found[0].quantity;
        assert_eq!(quantity.yen(), Some(Decimal::from(4_732_000)));
        assert_eq!(
            Unit::ThousandYen.from_base(quantity.base_value().expect("fits")),
            Some(Decimal::from(4_732))
        );
        let count = &scan("2 施設")[0].quantity;
        assert_eq!(count.yen(), None);
        assert_eq!(count.unit, Unit::Count("施設"));
        assert_eq!(count.base_value(), Some(Decimal::from(2)));
    }

    #[test]
    fn every_canonical_symbol_parses_back() {
        assert_eq!(Unit::known().count(), 8 + 37);
        for unit in Unit::known() {
            assert_eq!(Unit::from_symbol(unit.symbol()), Some(unit), "{unit:?}");
        }
        assert_eq!(Unit::from_symbol("％"), None);
        assert_eq!(Unit::from_symbol("か所"), None);
        assert_eq!(Unit::from_symbol("ダース"), None);
    }

    #[test]
    fn huge_values_do_not_overflow() {
        let huge = "79,228,162,514,264,337,593,543,950,335億円";
        let found = scan(huge);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].quantity.yen(), None);
        // The compound overflows, so only `1万円` is read; nothing panics.
        let parts = scan("79228162514264337593543950335億1万円");
        let values: Vec<Decimal> = parts.iter().map(|f| f.quantity.value).collect();
        assert_eq!(values, [Decimal::ONE]);
    }

    #[test]
    fn marks_and_labels() {
        assert_eq!(Status::parse_mark("【実績】"), Some(Status::Actual));
        assert_eq!(Status::parse_mark(" （計画） "), Some(Status::Plan));
        assert_eq!(Status::parse_mark("（目標）"), Some(Status::Target));
        assert_eq!(Status::parse_mark("(見込)"), Some(Status::Forecast));
        assert_eq!(Status::parse_mark("（実績）です"), None);
        assert_eq!(
            split_status("寄附受入（見込み）"),
            ("寄附受入".to_owned(), Some(Status::Forecast))
        );
        assert_eq!(
            split_status("削減額（増収額）"),
            ("削減額（増収額）".to_owned(), None)
        );
    }

    #[test]
    fn decimal_formatting() {
        let d = |s: &str| format_decimal(Decimal::from_str(s).expect("decimal"));
        assert_eq!(d("1303346279"), "1,303,346,279");
        assert_eq!(d("-53564"), "-53,564");
        assert_eq!(d("1205.560"), "1,205.56");
        assert_eq!(d("0"), "0");
        assert_eq!(d("999"), "999");
    }

    proptest::proptest! {
        #[test]
        fn scan_never_panics_and_spans_are_in_order(text in "\\PC{0,40}") {
            let found = scan(&text);
            let mut last = 0;
            for f in &found {
                proptest::prop_assert!(f.span.start >= last && f.span.end <= text.len());
                last = f.span.end;
            }
        }

        #[test]
        fn money_round_trips_through_text(value in 0i64..10_000_000_000, unit in 0usize..5) {
            let unit = [Unit::Yen, Unit::ThousandYen, Unit::TenThousandYen, Unit::MillionYen, Unit::HundredMillionYen][unit];
            let text = format!("効果額 {}{}", format_decimal(Decimal::from(value)), unit);
            let found = scan(&text);
            proptest::prop_assert_eq!(found.len(), 1);
            proptest::prop_assert_eq!(found[0].quantity.value, Decimal::from(value));
            proptest::prop_assert_eq!(found[0].quantity.unit, unit);
        }
    }
}
