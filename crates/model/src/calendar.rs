//! Japanese eras (和暦), fiscal years (年度) and dates: the one place where they are parsed
//! and displayed.
//!
//! A fiscal year runs from 1 April to 31 March and is named by the year in which it starts:
//! 令和3年度 = FY2021 = 2021-04-01 … 2022-03-31. Years are stored in the Gregorian calendar and
//! shown in 和暦 where Japanese readers expect it.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::text::{digit_value, fold_key};

/// A Japanese era (元号).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Era {
    /// 明治 (1868–1912).
    Meiji,
    /// 大正 (1912–1926).
    Taisho,
    /// 昭和 (1926–1989).
    Showa,
    /// 平成 (1989–2019).
    Heisei,
    /// 令和 (2019–).
    Reiwa,
}

impl Era {
    /// Every era, oldest first.
    pub const ALL: [Era; 5] = [Era::Meiji, Era::Taisho, Era::Showa, Era::Heisei, Era::Reiwa];

    /// The era's name in kanji, e.g. `令和`.
    pub fn name(self) -> &'static str {
        match self {
            Era::Meiji => "明治",
            Era::Taisho => "大正",
            Era::Showa => "昭和",
            Era::Heisei => "平成",
            Era::Reiwa => "令和",
        }
    }

    /// The one-letter abbreviation used in tables, e.g. `R` in `R3`.
    pub fn letter(self) -> char {
        match self {
            Era::Meiji => 'M',
            Era::Taisho => 'T',
            Era::Showa => 'S',
            Era::Heisei => 'H',
            Era::Reiwa => 'R',
        }
    }

    /// The Gregorian year of the era's first year (元年).
    pub fn first_year(self) -> i32 {
        match self {
            Era::Meiji => 1868,
            Era::Taisho => 1912,
            Era::Showa => 1926,
            Era::Heisei => 1989,
            Era::Reiwa => 2019,
        }
    }

    /// The first day of the era.
    pub fn first_day(self) -> NaiveDate {
        let (y, m, d) = match self {
            Era::Meiji => (1868, 10, 23),
            Era::Taisho => (1912, 7, 30),
            Era::Showa => (1926, 12, 25),
            Era::Heisei => (1989, 1, 8),
            Era::Reiwa => (2019, 5, 1),
        };
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
    }

    /// The Gregorian year of year `n` of this era. Years past the era's end are accepted
    /// (`平成32年度` was written in plans adopted before 2019 and means FY2020).
    pub fn gregorian(self, n: u32) -> i32 {
        self.first_year() - 1 + i32::try_from(n).unwrap_or(i32::MAX - self.first_year())
    }

    fn from_name_prefix(key: &str) -> Option<(Era, &str)> {
        Era::ALL.iter().find_map(|era| {
            key.strip_prefix(era.name())
                .map(|rest| (*era, rest))
                .or_else(|| {
                    let mut chars = key.chars();
                    let first = chars.next()?;
                    let rest = chars.as_str();
                    let starts_number = rest.starts_with(|c: char| c.is_ascii_digit() || c == '元');
                    (first.to_ascii_uppercase() == era.letter() && starts_number)
                        .then_some((*era, rest))
                })
        })
    }

    /// The era in effect for a fiscal year, by the usage of Japanese public bodies: the era
    /// that began in or before the fiscal year's calendar year (FY2019 is 令和元年度).
    pub fn of_fiscal_year(year: i32) -> Era {
        Era::ALL
            .iter()
            .rev()
            .copied()
            .find(|era| era.first_year() <= year)
            .unwrap_or(Era::Meiji)
    }

    /// The era in effect on a calendar date.
    pub fn of_date(date: NaiveDate) -> Era {
        Era::ALL
            .iter()
            .rev()
            .copied()
            .find(|era| era.first_day() <= date)
            .unwrap_or(Era::Meiji)
    }
}

impl fmt::Display for Era {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A fiscal year (年度), stored as the Gregorian year in which it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FiscalYear(i32);

/// Why a text is not a fiscal year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum YearError {
    /// The text has no recognisable year.
    NotAYear(String),
    /// The text names a year without an era (`3年度`) and no era was implied.
    NoEra(String),
    /// The year is outside 1868…2200.
    OutOfRange(String),
}

impl fmt::Display for YearError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            YearError::NotAYear(t) => write!(f, "「{t}」は年度として読めません"),
            YearError::NoEra(t) => write!(f, "「{t}」には元号がなく、文書から元号を推定できません"),
            YearError::OutOfRange(t) => write!(f, "「{t}」は対応範囲外の年です"),
        }
    }
}

impl std::error::Error for YearError {}

impl FiscalYear {
    /// The earliest and latest Gregorian years accepted.
    pub const RANGE: std::ops::RangeInclusive<i32> = 1868..=2200;

    /// A fiscal year from its Gregorian starting year; `None` outside [`FiscalYear::RANGE`].
    pub fn new(gregorian: i32) -> Option<FiscalYear> {
        Self::RANGE
            .contains(&gregorian)
            .then_some(FiscalYear(gregorian))
    }

    /// The Gregorian year in which the fiscal year starts.
    pub fn gregorian(self) -> i32 {
        self.0
    }

    /// The fiscal year after this one.
    pub fn next(self) -> FiscalYear {
        FiscalYear(self.0 + 1)
    }

    /// 1 April of the starting year.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 4, 1).unwrap_or(NaiveDate::MIN)
    }

    /// 31 March of the following year.
    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0 + 1, 3, 31).unwrap_or(NaiveDate::MAX)
    }

    /// The fiscal year a date falls in.
    pub fn containing(date: NaiveDate) -> FiscalYear {
        let start = if date.month() >= 4 {
            date.year()
        } else {
            date.year() - 1
        };
        FiscalYear(start)
    }

    /// The era and year number for display, e.g. (令和, 3).
    pub fn wareki(self) -> (Era, u32) {
        let era = Era::of_fiscal_year(self.0);
        (
            era,
            u32::try_from(self.0 - era.first_year() + 1).unwrap_or(0),
        )
    }

    /// `令和3年度`, `令和元年度`.
    pub fn wareki_label(self) -> String {
        let (era, n) = self.wareki();
        format!("{}{}年度", era.name(), year_number(n))
    }

    /// `令和3年度（2021年度）`: 和暦 with the Gregorian year beside it.
    pub fn label(self) -> String {
        format!("{}（{}年度）", self.wareki_label(), self.0)
    }

    /// Parses a fiscal year as written in reports: `令和3年度`, `令和元年度`, `令和 3 年度`,
    /// `令和３年度`, `R3`, `R3年度`, `H28`, `平成32年度`, `2021年度`, or `3年度` when
    /// `implied_era` says which era the document counts in.
    ///
    /// Fails with [`YearError`] when the text is not a year, has no era and none is implied, or
    /// is out of range.
    pub fn parse(text: &str, implied_era: Option<Era>) -> Result<FiscalYear, YearError> {
        let key = fold_key(text);
        let body = key
            .strip_suffix("年度")
            .or_else(|| key.strip_suffix('年'))
            .unwrap_or(&key);
        let (era, number) = match Era::from_name_prefix(body) {
            Some((era, rest)) => (Some(era), rest),
            None => (None, body),
        };
        let n = if number == "元" {
            1
        } else if !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()) {
            number
                .parse::<u32>()
                .map_err(|_| YearError::OutOfRange(text.to_owned()))?
        } else {
            return Err(YearError::NotAYear(text.to_owned()));
        };
        let gregorian = match era {
            Some(era) => era.gregorian(n),
            None if number.len() == 4 => i32::try_from(n).unwrap_or(0),
            None => match implied_era {
                Some(era) => era.gregorian(n),
                None => return Err(YearError::NoEra(text.to_owned())),
            },
        };
        FiscalYear::new(gregorian).ok_or_else(|| YearError::OutOfRange(text.to_owned()))
    }

    /// The era a written fiscal year names explicitly (`令和3年度` → 令和), if any. Readers use
    /// it to learn the era a document counts in.
    pub fn explicit_era(text: &str) -> Option<Era> {
        Era::from_name_prefix(&fold_key(text)).map(|(era, _)| era)
    }
}

/// A fiscal year mentioned in a text, with the byte range of the mention.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearMention {
    /// The fiscal year.
    pub year: FiscalYear,
    /// Where the mention (`令和 3 年度`, `R3年度`, `3年度`) is, in bytes.
    pub span: std::ops::Range<usize>,
    /// True when the mention names its era.
    pub explicit: bool,
}

/// Finds every `…年度` mention in `text`: `令和3年度`, `令和 3 年度`, `令和元年度`, `R3年度`,
/// `H28年度`, `2021年度`, and `3年度` when `implied_era` is given. Mentions whose number
/// cannot be read are skipped.
pub fn scan_fiscal_years(text: &str, implied_era: Option<Era>) -> Vec<YearMention> {
    let mut mentions = Vec::new();
    let mut search_from = 0;
    while let Some(found) = text[search_from..].find("年度") {
        let suffix_start = search_from + found;
        let end = suffix_start + "年度".len();
        search_from = end;
        let start = mention_start(text, suffix_start);
        if start == suffix_start {
            continue;
        }
        let written = &text[start..end];
        if let Ok(year) = FiscalYear::parse(written, implied_era) {
            mentions.push(YearMention {
                year,
                span: start..end,
                explicit: FiscalYear::explicit_era(written).is_some(),
            });
        }
    }
    mentions
}

/// Walks back from `年度` over the number (digits or 元), spaces, and an era name or letter.
fn mention_start(text: &str, suffix_start: usize) -> usize {
    let before = &text[..suffix_start];
    let mut start = suffix_start;
    let mut seen_number = false;
    for (i, c) in before.char_indices().rev() {
        if digit_value(c).is_some() || c == '元' {
            seen_number = true;
            start = i;
        } else if crate::text::is_space(c) {
            continue;
        } else {
            break;
        }
    }
    if !seen_number {
        return suffix_start;
    }
    let head = before[..start].trim_end_matches(crate::text::is_space);
    for era in Era::ALL {
        if head.ends_with(era.name()) {
            return head.len() - era.name().len();
        }
        if let Some(c) = head.chars().next_back() {
            let letter = c.to_ascii_uppercase();
            let full_width = char::from_u32(era.letter() as u32 - 'A' as u32 + 'Ａ' as u32);
            let is_letter = letter == era.letter() || Some(c) == full_width;
            let standalone = head[..head.len() - c.len_utf8()]
                .chars()
                .next_back()
                .is_none_or(|p| !p.is_ascii_alphanumeric());
            if is_letter && standalone {
                return head.len() - c.len_utf8();
            }
        }
    }
    start
}

impl fmt::Display for FiscalYear {
    /// Shows `令和3年度（2021年度）`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

fn year_number(n: u32) -> String {
    if n == 1 {
        "元".to_owned()
    } else {
        n.to_string()
    }
}

/// Parses a date as written in reports: `R3.4.1`, `令和3年4月1日`, `令和 3 年 4 月 1 日`,
/// `令和元年5月1日`, `2021年4月1日`, `2021-04-01`, `2021/4/1`.
///
/// Returns `None` when the text is not a valid date.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let key = fold_key(text);
    let (era, rest) = match Era::from_name_prefix(&key) {
        Some((era, rest)) => (Some(era), rest),
        None => (None, key.as_str()),
    };
    let parts: Vec<&str> = rest
        .split(['.', '/', '-', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let number = |s: &str| -> Option<u32> {
        if s == "元" {
            Some(1)
        } else {
            s.chars().try_fold(0u32, |acc, c| {
                acc.checked_mul(10)?.checked_add(digit_value(c)?)
            })
        }
    };
    let year = match era {
        Some(era) => era.gregorian(number(y)?),
        None if y.len() == 4 => i32::try_from(number(y)?).ok()?,
        None => return None,
    };
    NaiveDate::from_ymd_opt(year, number(m)?, number(d)?)
}

/// Japan Standard Time (UTC+9, no daylight saving) of a UTC time: the one place the offset is
/// written, for the dates and times kaikaku shows and the dates it decides by (today's date for
/// a due date).
pub fn japan_time(utc: chrono::NaiveDateTime) -> chrono::NaiveDateTime {
    utc + chrono::Duration::hours(9)
}

/// Shows a date as Japanese users write it: `令和3年4月1日`.
pub fn wareki_date(date: NaiveDate) -> String {
    let era = Era::of_date(date);
    let n = u32::try_from(date.year() - era.first_year() + 1).unwrap_or(0);
    format!(
        "{}{}年{}月{}日",
        era.name(),
        year_number(n),
        date.month(),
        date.day()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fy(text: &str) -> i32 {
        FiscalYear::parse(text, Some(Era::Reiwa))
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .gregorian()
    }

    #[test]
    fn parses_the_forms_found_in_reports() {
        let cases = [
            ("令和3年度", 2021),
            ("令和元年度", 2019),
            ("令和 3 年度", 2021),
            ("令和３年度", 2021),
            ("R3", 2021),
            ("R3年度", 2021),
            ("r3", 2021),
            ("Ｒ３", 2021),
            ("H28", 2016),
            ("平成28年度", 2016),
            ("平成31年度", 2019),
            ("平成32年度", 2020),
            ("昭和64年", 1989),
            ("3年度", 2021),
            ("2年度", 2020),
            ("2021年度", 2021),
        ];
        for (text, year) in cases {
            assert_eq!(fy(text), year, "{text}");
        }
    }

    #[test]
    fn implied_era_is_needed_for_bare_numbers() {
        assert_eq!(
            FiscalYear::parse("3年度", None),
            Err(YearError::NoEra("3年度".into()))
        );
        assert_eq!(
            FiscalYear::parse("28年度", Some(Era::Heisei)).map(FiscalYear::gregorian),
            Ok(2016)
        );
        assert!(FiscalYear::parse("総計", Some(Era::Reiwa)).is_err());
        assert!(FiscalYear::parse("", Some(Era::Reiwa)).is_err());
        assert!(FiscalYear::parse("令和99999999999年度", None).is_err());
    }

    #[test]
    fn wareki_display() {
        let show = |y| FiscalYear::new(y).map(FiscalYear::wareki_label);
        assert_eq!(show(2021).as_deref(), Some("令和3年度"));
        assert_eq!(show(2019).as_deref(), Some("令和元年度"));
        assert_eq!(show(2018).as_deref(), Some("平成30年度"));
        assert_eq!(show(1989).as_deref(), Some("平成元年度"));
        assert_eq!(show(1988).as_deref(), Some("昭和63年度"));
        assert_eq!(
            FiscalYear::new(2021).map(|f| f.label()).as_deref(),
            Some("令和3年度（2021年度）")
        );
    }

    #[test]
    fn fiscal_year_bounds() {
        let year = FiscalYear::new(2021).expect("in range");
        assert_eq!(year.first_day().to_string(), "2021-04-01");
        assert_eq!(year.last_day().to_string(), "2022-03-31");
        let march = NaiveDate::from_ymd_opt(2022, 3, 31).expect("date");
        assert_eq!(FiscalYear::containing(march), year);
        let april = NaiveDate::from_ymd_opt(2022, 4, 1).expect("date");
        assert_eq!(FiscalYear::containing(april).gregorian(), 2022);
    }

    #[test]
    fn dates() {
        let d = |s: &str| parse_date(s).map(|d| d.to_string());
        assert_eq!(d("R3.4.1").as_deref(), Some("2021-04-01"));
        assert_eq!(d("令和3年4月1日").as_deref(), Some("2021-04-01"));
        assert_eq!(d("令和 3 年 4 月 1 日").as_deref(), Some("2021-04-01"));
        assert_eq!(d("令和元年5月1日").as_deref(), Some("2019-05-01"));
        assert_eq!(d("2021/4/1").as_deref(), Some("2021-04-01"));
        assert_eq!(d("R3.2.30"), None);
        assert_eq!(d("3.4.1"), None);
        let date = NaiveDate::from_ymd_opt(2019, 4, 30).expect("date");
        assert_eq!(wareki_date(date), "平成31年4月30日");
        let date = NaiveDate::from_ymd_opt(2019, 5, 1).expect("date");
        assert_eq!(wareki_date(date), "令和元年5月1日");
    }

    #[test]
    fn finds_year_mentions() {
        let text =
            "【令和 3 年度（実績）】 令和2年度～令和4年度の取組内容 R5年度 3年度 年度 2021年度";
        let found: Vec<(i32, &str, bool)> = scan_fiscal_years(text, Some(Era::Reiwa))
            .into_iter()
            .map(|m| (m.year.gregorian(), &text[m.span], m.explicit))
            .collect();
        assert_eq!(
            found,
            vec![
                (2021, "令和 3 年度", true),
                (2020, "令和2年度", true),
                (2022, "令和4年度", true),
                (2023, "R5年度", true),
                (2021, "3年度", false),
                (2021, "2021年度", false),
            ]
        );
        assert!(scan_fiscal_years("年度末の振り返り", None).is_empty());
    }

    proptest::proptest! {
        #[test]
        fn wareki_round_trips(year in 1869i32..2200) {
            let fy = FiscalYear::new(year).expect("in range");
            let back = FiscalYear::parse(&fy.wareki_label(), None).expect("parses");
            proptest::prop_assert_eq!(back, fy);
        }

        #[test]
        fn date_round_trips(days in 0i64..80_000) {
            let date = NaiveDate::from_ymd_opt(1927, 1, 1).expect("date") + chrono::Days::new(days as u64);
            proptest::prop_assert_eq!(parse_date(&wareki_date(date)), Some(date));
        }

        #[test]
        fn parse_never_panics(text in "\\PC{0,12}") {
            let _ = FiscalYear::parse(&text, Some(Era::Reiwa));
            let _ = parse_date(&text);
            for mention in scan_fiscal_years(&text, Some(Era::Reiwa)) {
                proptest::prop_assert!(text.get(mention.span).is_some());
            }
        }
    }
}
