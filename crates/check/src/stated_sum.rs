//! `stated_sum_mismatch`: sums stated inside the yearly narratives and the evaluation (総評).
//!
//! Narratives state sums in three shapes, each within one segment of text (a line, a paragraph
//! or a bullet; segments are split at line ends, HTML block tags, bullets `・` and enumerators
//! `(1)`/`（1）`):
//!
//! 1. A total after its parts, `（合計 Q）`, `(合計Q)` or `計 Q`:
//!    `売却額 20,000,000 円 貸付額 32,000,000 円 （合計 57,000,000 円）` states 57,000,000円
//!    while its parts sum to 52,000,000円: a finding with a difference of 5,000,000円
//!    (Osaki City's FY2021 report, No.20, FY2022 forecast).
//! 2. A total followed by its breakdown, `…納付額合計 49,443,860円 災害援護資金貸付金
//!    1,508,253円（社会福祉課）、保育所保育料 1,449,920円（子ども保育課）、…` (No.18: the
//!    eleven parts sum to the total).
//! 3. A quantity immediately followed by a bracketed list of its parts:
//!    `55人（フルタイム51人、短時間4人）`,
//!    `宮城県市町村職員研修所（187 人）【階層別研修 157 人、専門研修 27 人、セミナー 3 人】`.
//!
//! Only additive units are summed (never % or 点), money in yen. The parts of a total are the
//! quantities of its family at its own bracket level: values in brackets after a part
//! (`1,508,253円（社会福祉課）`, `175 件（古川地域 38 件、…）`) annotate it and are not parts.
//!
//! The rule is conservative, because a false finding on a real document is worse than a missed
//! one. There is no finding when nothing states a total (`新規採用職員研修（前期 40 人・中期
//! 40 人・後期 38 人）`), when words separate a quantity from a bracketed list (`25人が再任用職員
//! となった（フルタイム23人、短時間2人）`), when a list sits on both sides of a `合計`, when the
//! words around the parts say they are not a breakdown (`うち`, `前年`, `比`, `目標`, `約`,
//! `以上`, arrows …), or when a shorter run of the parts adds up (a list that starts earlier in
//! the sentence than the sum).

use kaikaku_model::quantity::{Found, scan};
use kaikaku_model::text::{digit_value, is_space};
use kaikaku_model::{Decimal, FiscalYear, Item, ItemNo, Line, Status, Unit};

use crate::amount::{self, summable};
use crate::{Finding, FindingKind};

/// Words that name a total, longest first; `計` alone is handled apart (`設計`, `統計` are not
/// totals).
const TOTAL_WORDS: &[&str] = &["合計金額", "合計額", "総計額", "合計", "総計", "小計"];

/// Words around the parts of a list that say the values are not a breakdown of the total: a
/// subset, a comparison, a target, an estimate, a range, a change.
const NOT_A_BREAKDOWN: &[&str] = &[
    "うち",
    "内数",
    "前年",
    "前回",
    "前期比",
    "対前",
    "比",
    "目標",
    "計画",
    "予定",
    "見込",
    "平均",
    "最大",
    "最小",
    "最高",
    "最低",
    "約",
    "概ね",
    "およそ",
    "以上",
    "以下",
    "未満",
    "程度",
    "超",
    "累計",
    "増",
    "減",
    "→",
    "⇒",
    "～",
    "〜",
    "~",
    "から",
    "まで",
];

/// Words right after a number that make it approximate or a bound.
const APPROXIMATE_AFTER: &[&str] = &[
    "以上", "以下", "未満", "程度", "超", "前後", "余", "強", "弱", "増", "減",
];

/// Words right before a number that make it approximate.
const APPROXIMATE_BEFORE: &[&str] = &["約", "概ね", "およそ", "最大", "最小", "最低", "最高"];

/// Compares sums stated in narratives and in the evaluation with the amounts they sum.
pub(crate) fn check(item: &Item) -> Vec<Finding> {
    let mut findings = Vec::new();
    for narrative in &item.narratives {
        findings.extend(findings_in(
            item.no,
            narrative.fiscal_year,
            narrative.line,
            &narrative.text,
        ));
    }
    if let Some(evaluation) = &item.evaluation {
        findings.extend(findings_in(
            item.no,
            evaluation.fiscal_year,
            evaluation.line,
            &evaluation.text,
        ));
    }
    findings
}

fn findings_in(
    item_no: ItemNo,
    fiscal_year: FiscalYear,
    line: Line,
    text: &str,
) -> impl Iterator<Item = Finding> {
    mismatches(text).into_iter().filter_map(move |m| {
        Some(Finding {
            item_no,
            kind: FindingKind::StatedSumMismatch,
            difference: m.stated.checked_sub(m.computed)?,
            label: m.label,
            fiscal_year: Some(fiscal_year),
            unit: m.unit,
            stated: m.stated,
            computed: m.computed,
            line,
            explanation: None,
        })
    })
}

/// A sum stated in a text that differs from its parts.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Mismatch {
    /// The words that name the total (`合計`, or the words before it).
    label: String,
    /// The unit of `stated` and `computed`.
    unit: Unit,
    /// The total as written.
    stated: Decimal,
    /// The parts summed, in `unit`.
    computed: Decimal,
}

/// Every stated sum of `text` that differs from its parts, in text order.
fn mismatches(text: &str) -> Vec<Mismatch> {
    segments(text)
        .into_iter()
        .flat_map(|segment| Segment::new(segment).mismatches())
        .collect()
}

fn is_open(c: char) -> bool {
    matches!(
        c,
        '（' | '(' | '【' | '［' | '[' | '〔' | '｛' | '{' | '〈' | '《'
    )
}

fn is_close(c: char) -> bool {
    matches!(
        c,
        '）' | ')' | '】' | '］' | ']' | '〕' | '｝' | '}' | '〉' | '》'
    )
}

fn is_separator(c: char) -> bool {
    matches!(
        c,
        '、' | '，' | ',' | '・' | '。' | '；' | ';' | '：' | ':' | '＝' | '='
    )
}

/// Splits a text into segments: at line ends, HTML tags, and, outside brackets at the start of
/// a segment or after a space or `。`, at bullets `・` and enumerators `(1)`/`（1）`. Segments
/// are trimmed; empty ones are dropped.
fn segments(text: &str) -> Vec<&str> {
    fn push<'a>(segments: &mut Vec<&'a str>, segment: &'a str) {
        let segment = segment.trim_matches(is_space);
        if !segment.is_empty() {
            segments.push(segment);
        }
    }
    let mut segments = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    let mut depth = 0u32;
    let mut prev: Option<char> = None;
    while let Some(rest) = text.get(pos..) {
        let Some(c) = rest.chars().next() else {
            break;
        };
        let at_boundary = depth == 0 && prev.is_none_or(|p| is_space(p) || p == '。');
        let cut = match c {
            '\n' | '\r' => Some(c.len_utf8()),
            '<' => html_tag_len(rest),
            '・' if at_boundary => Some(c.len_utf8()),
            '(' | '（' if at_boundary => enumerator_len(rest),
            _ => None,
        };
        if let Some(len) = cut {
            push(&mut segments, text.get(start..pos).unwrap_or(""));
            pos += len;
            start = pos;
            depth = 0;
            prev = None;
            continue;
        }
        if is_open(c) {
            depth = depth.saturating_add(1);
        } else if is_close(c) {
            depth = depth.saturating_sub(1);
        }
        prev = Some(c);
        pos += c.len_utf8();
    }
    push(&mut segments, text.get(start..).unwrap_or(""));
    segments
}

/// The length of an HTML tag (`<p>`, `</li>`, `<ul style="…">`) at the start of `text`.
fn html_tag_len(text: &str) -> Option<usize> {
    let mut chars = text.char_indices();
    chars.next().filter(|(_, c)| *c == '<')?;
    let (_, first) = chars.next()?;
    if !(first.is_ascii_alphabetic() || first == '/' || first == '!') {
        return None;
    }
    for (i, c) in chars.take(300) {
        match c {
            '>' => return Some(i + 1),
            '<' | '\n' | '\r' => return None,
            _ => {}
        }
    }
    None
}

/// The length of an enumerator `(1)`, `（12）`, `（３）` at the start of `text`.
fn enumerator_len(text: &str) -> Option<usize> {
    let mut chars = text.char_indices();
    chars.next().filter(|(_, c)| matches!(c, '(' | '（'))?;
    let mut digits = 0;
    for (i, c) in chars {
        if digit_value(c).is_some() {
            digits += 1;
            if digits > 2 {
                return None;
            }
        } else if matches!(c, ')' | '）') && digits > 0 {
            return Some(i + c.len_utf8());
        } else {
            return None;
        }
    }
    None
}

/// A word naming a total before a quantity (`合計`, `（合計`, `…納付額合計`, `計`).
#[derive(Clone, Debug)]
struct TotalWord {
    /// The words before the quantity, trimmed of brackets and separators.
    label: String,
    /// True for `（合計 Q）`: the total is bracketed and sums what precedes the bracket.
    bracketed: bool,
    /// Where the total word starts in the segment.
    at: usize,
}

/// The total word at the end of `gap` (the text between the previous quantity and this one),
/// which starts at `offset` in its segment.
fn total_word(gap: &str, offset: usize) -> Option<TotalWord> {
    // Drop what may sit between the word and the number: spaces, `：`, `＝`, an opening
    // bracket, a status mark (`合計（見込み） 57円`).
    let mut end = gap.len();
    loop {
        let trimmed = gap.get(..end)?.trim_end_matches(|c: char| {
            is_space(c) || is_open(c) || matches!(c, '：' | ':' | '＝' | '=')
        });
        end = trimmed.len();
        let mark_start = trimmed
            .char_indices()
            .rev()
            .find(|(_, c)| is_open(*c))
            .map(|(i, _)| i);
        match mark_start.and_then(|i| Some((i, Status::match_mark(trimmed.get(i..)?)?))) {
            Some((i, (_, len))) if i + len == trimmed.len() => end = i,
            _ => break,
        }
    }
    let words = gap.get(..end)?;
    let word_len = TOTAL_WORDS
        .iter()
        .find(|w| words.ends_with(*w))
        .map(|w| w.len())
        .or_else(|| {
            let before = words.strip_suffix('計')?;
            before
                .chars()
                .next_back()
                .is_none_or(|c| is_space(c) || is_open(c) || is_separator(c))
                .then_some('計'.len_utf8())
        })?;
    let word_start = end - word_len;
    let bracketed = gap
        .get(..word_start)?
        .trim_end_matches(is_space)
        .ends_with(is_open);
    let label = words
        .trim_start_matches(|c: char| is_space(c) || is_open(c) || is_close(c) || is_separator(c))
        .to_owned();
    Some(TotalWord {
        label,
        bracketed,
        at: offset + word_start,
    })
}

/// Bracket depth before each byte of `text`, and at its end.
fn depths(text: &str) -> Vec<u32> {
    let mut depths = Vec::with_capacity(text.len() + 1);
    let mut depth = 0u32;
    for c in text.chars() {
        depths.extend(std::iter::repeat_n(depth, c.len_utf8()));
        if is_open(c) {
            depth = depth.saturating_add(1);
        } else if is_close(c) {
            depth = depth.saturating_sub(1);
        }
    }
    depths.push(depth);
    depths
}

/// How a shorter run of the parts may account for the total.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tolerance {
    /// Every part is meant: the list is delimited by brackets.
    Exact,
    /// The list may start later than found (the sum closes it): any run ending at the sum.
    Suffix,
    /// The list may end earlier than found (the sum opens it): any run starting at the sum.
    Prefix,
}

/// What follows a quantity.
#[derive(Debug)]
enum Bracket {
    /// No bracket with a list of two or more quantities.
    Absent,
    /// A bracketed list that is not a breakdown (other units, `うち`, `前年` …).
    NotABreakdown,
    /// The indices of the bracketed parts.
    Parts(Vec<usize>),
}

/// One segment of text with its quantities.
struct Segment<'a> {
    text: &'a str,
    found: Vec<Found>,
    depth: Vec<u32>,
    /// For each quantity, the total word before it, if any.
    words: Vec<Option<TotalWord>>,
}

impl<'a> Segment<'a> {
    fn new(text: &'a str) -> Segment<'a> {
        let found = scan(text);
        let words = (0..found.len())
            .map(|k| {
                let start = gap_start(&found, k);
                let gap = text.get(start..found[k].span.start).unwrap_or("");
                total_word(gap, start)
            })
            .collect();
        Segment {
            depth: depths(text),
            text,
            found,
            words,
        }
    }

    fn unit(&self, k: usize) -> Unit {
        self.found[k].quantity.unit
    }

    fn start(&self, k: usize) -> usize {
        self.found[k].span.start
    }

    fn end(&self, k: usize) -> usize {
        self.found[k].span.end
    }

    fn slice(&self, from: usize, to: usize) -> &'a str {
        self.text.get(from..to).unwrap_or("")
    }

    fn depth_at(&self, pos: usize) -> u32 {
        self.depth.get(pos).copied().unwrap_or(0)
    }

    /// The lowest bracket depth between two positions (both included).
    fn min_depth(&self, from: usize, to: usize) -> u32 {
        self.depth
            .get(from..=to)
            .and_then(|d| d.iter().min().copied())
            .unwrap_or(0)
    }

    fn mismatches(&self) -> Vec<Mismatch> {
        let mut mismatches = Vec::new();
        for k in 0..self.found.len() {
            let total = &self.found[k].quantity;
            if !total.unit.is_additive() || self.approximate(k) {
                continue;
            }
            match self.bracketed_parts(k) {
                Bracket::Parts(parts) => {
                    mismatches.extend(self.compare(k, &parts, Tolerance::Exact, &total.label));
                    continue;
                }
                Bracket::NotABreakdown => continue,
                Bracket::Absent => {}
            }
            let Some(word) = &self.words[k] else {
                continue;
            };
            // The bracket level of the list: that of the word, or outside its bracket for
            // `（合計 Q）`.
            let level = self
                .depth_at(word.at)
                .saturating_sub(u32::from(word.bracketed));
            let before = self.parts_before(k, word.at, level);
            let after = if word.bracketed {
                Vec::new()
            } else {
                self.parts_after(k, level)
            };
            let (parts, tolerance, hedged) = match (before.len() >= 2, after.len() >= 2) {
                (true, false) => {
                    let from = gap_start(&self.found, before[0]);
                    let hedged = self.hedged(from, &before, Some(self.start(k)), level);
                    (before, Tolerance::Suffix, hedged)
                }
                (false, true) => {
                    let hedged = self.hedged(self.end(k), &after, None, level);
                    (after, Tolerance::Prefix, hedged)
                }
                // No list, or a list on both sides: nothing to say for sure.
                _ => continue,
            };
            if !hedged {
                mismatches.extend(self.compare(k, &parts, tolerance, &word.label));
            }
        }
        mismatches
    }

    /// True when quantity `k` is approximate or a bound (`約100人`, `100人以上`).
    fn approximate(&self, k: usize) -> bool {
        let before = self
            .slice(gap_start(&self.found, k), self.start(k))
            .trim_end_matches(is_space);
        let after = self
            .slice(self.end(k), self.text.len())
            .trim_start_matches(is_space);
        APPROXIMATE_BEFORE.iter().any(|w| before.ends_with(w))
            || APPROXIMATE_AFTER.iter().any(|w| after.starts_with(w))
    }

    /// True when the words between `from`, the parts and `to`, at the list's bracket `level`,
    /// say the parts are not a plain breakdown, or a part is approximate. Words in deeper
    /// brackets annotate one part (`20円（うち 5円）`) and do not count.
    fn hedged(&self, from: usize, parts: &[usize], to: Option<usize>, level: u32) -> bool {
        let mut ranges = Vec::new();
        let mut pos = from;
        for &j in parts {
            ranges.push((pos, self.start(j)));
            pos = self.end(j);
        }
        if let Some(to) = to {
            ranges.push((pos, to));
        }
        let words_at_level = |(from, to): (usize, usize)| -> String {
            self.slice(from, to)
                .char_indices()
                .filter(|(i, _)| self.depth_at(from + i) <= level)
                .map(|(_, c)| c)
                .collect()
        };
        ranges
            .into_iter()
            .map(words_at_level)
            .any(|words| NOT_A_BREAKDOWN.iter().any(|w| words.contains(w)))
            || parts.iter().any(|&j| self.approximate(j))
    }

    /// The list in brackets right after quantity `k` (`55人（フルタイム51人、短時間4人）`).
    fn bracketed_parts(&self, k: usize) -> Bracket {
        let end = self.end(k);
        let rest = self.slice(end, self.text.len());
        let open_at = end + (rest.len() - rest.trim_start_matches(is_space).len());
        let Some(open) = self.slice(open_at, self.text.len()).chars().next() else {
            return Bracket::Absent;
        };
        if !is_open(open) {
            return Bracket::Absent;
        }
        let inner = open_at + open.len_utf8();
        let inner_depth = self.depth_at(inner);
        let close = self
            .slice(inner, self.text.len())
            .char_indices()
            .find(|(i, c)| is_close(*c) && self.depth_at(inner + i) == inner_depth)
            .map(|(i, _)| inner + i);
        let Some(close) = close else {
            return Bracket::Absent;
        };
        let children: Vec<usize> = (k + 1..self.found.len())
            .take_while(|&j| self.start(j) < close)
            .filter(|&j| self.depth_at(self.start(j)) == inner_depth)
            .collect();
        if children.len() < 2 {
            return Bracket::Absent;
        }
        let unit = self.unit(k);
        let close_end = close
            + self
                .slice(close, self.text.len())
                .chars()
                .next()
                .map_or(0, char::len_utf8);
        if children
            .iter()
            .any(|&j| !summable(unit, self.unit(j)) || self.end(j) > close_end)
            || self.hedged(inner, &children, Some(close), inner_depth)
        {
            return Bracket::NotABreakdown;
        }
        Bracket::Parts(children)
    }

    /// The parts of a total that closes a list (`A 20円 B 32円（合計 52円）`): the quantities of
    /// its family before it, at its bracket level, in the same sentence, after any earlier total.
    fn parts_before(&self, k: usize, word_at: usize, level: u32) -> Vec<usize> {
        let sentence_start = self
            .slice(0, word_at)
            .rfind('。')
            .map_or(0, |p| p + '。'.len_utf8());
        let unit = self.unit(k);
        let mut parts = Vec::new();
        for j in (0..k).rev() {
            let start = self.start(j);
            if start < sentence_start || self.words[j].is_some() {
                break;
            }
            let depth = self.depth_at(start);
            if depth < level || self.min_depth(start, word_at) < level {
                break;
            }
            if depth == level && summable(unit, self.unit(j)) {
                parts.push(j);
            }
        }
        parts.reverse();
        parts
    }

    /// The parts of a total that opens a list (`合計 52円 A 20円、B 32円`): the quantities of its
    /// family after it, at its bracket level, up to the end of the sentence or the next total.
    fn parts_after(&self, k: usize, level: u32) -> Vec<usize> {
        let end = self.end(k);
        let sentence_end = self
            .slice(end, self.text.len())
            .find('。')
            .map_or(self.text.len(), |p| end + p);
        let unit = self.unit(k);
        let mut parts = Vec::new();
        for j in k + 1..self.found.len() {
            let start = self.start(j);
            if start >= sentence_end || self.words[j].is_some() {
                break;
            }
            let depth = self.depth_at(start);
            if depth < level || self.min_depth(end, start) < level {
                break;
            }
            if depth == level && summable(unit, self.unit(j)) {
                parts.push(j);
            }
        }
        parts
    }

    /// The total `k` against `parts`; `None` when they agree (or a run allowed by `tolerance`
    /// does) or when the amounts cannot be computed.
    fn compare(
        &self,
        k: usize,
        parts: &[usize],
        tolerance: Tolerance,
        label: &str,
    ) -> Option<Mismatch> {
        let total = &self.found[k].quantity;
        let stated = amount::base(total)?;
        let bases: Vec<Decimal> = parts
            .iter()
            .map(|&j| amount::base(&self.found[j].quantity))
            .collect::<Option<_>>()?;
        let run_sum = |run: &[Decimal]| {
            run.iter()
                .try_fold(Decimal::ZERO, |acc, v| acc.checked_add(*v))
        };
        let computed = run_sum(&bases)?;
        if computed == stated {
            return None;
        }
        let shorter_run_agrees = match tolerance {
            Tolerance::Exact => false,
            Tolerance::Suffix => (1..bases.len()).any(|i| run_sum(&bases[i..]) == Some(stated)),
            Tolerance::Prefix => (1..bases.len()).any(|i| run_sum(&bases[..i]) == Some(stated)),
        };
        if shorter_run_agrees {
            return None;
        }
        Some(Mismatch {
            label: label.to_owned(),
            unit: total.unit,
            stated: total.value,
            computed: amount::in_unit(computed, total.unit)?,
        })
    }
}

/// Where the words before quantity `k` start: the end of the previous quantity.
fn gap_start(found: &[Found], k: usize) -> usize {
    match k.checked_sub(1) {
        Some(prev) => found.get(prev).map_or(0, |f| f.span.end),
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kaikaku_model::{Evaluation, Narrative, NarrativeKind};

    /// `label|stated|computed|unit` for each mismatch of `text`.
    fn sums(text: &str) -> Vec<String> {
        mismatches(text)
            .iter()
            .map(|m| format!("{}|{}|{}|{}", m.label, m.stated, m.computed, m.unit))
            .collect()
    }

    fn year(gregorian: i32) -> FiscalYear {
        FiscalYear::new(gregorian).expect("in range")
    }

    const NO18_FY2021: &str = "・各債権担当課への滞納整理業務に係る指導及び各債権担当課との連携を強化し、滞納整理強化月間（11月～12月）を設定し共同催告を実施した。また、定期的に連絡会議を開催し、各債権担当課の滞納整理状況を確認するとともに、各債権担当課において情報を共有し滞納整理手法の向上を図った。 ・令和3年度削減額 滞納整理強化月間（11月～12月）の納付額合計 49,443,860円 災害援護資金貸付金 1,508,253円（社会福祉課）、保育所保育料 1,449,920円（子ども保育課）、保育所延長保育料 182,000円（子ども保育課）、公立保育所給食費 105,380円（子ども保育課）、放課後児童クラブ保育料 406,000円（子育て支援課）、児童福祉扶助費返還金 56,000円（子育て支援課）、高齢者住宅整備資金貸付金 21,000円（高齢介護課）、法定外公共物使用料 58,924円（建設課）、市営住宅使用料 39,650,750円（建築住宅課）、市営住宅駐車場使用料 4,459,050円（建築住宅課）、学校給食費 1,546,583円（教育総務課）";

    const NO9_FY2021: &str = "(1) 定員管理計画の検証 令和3年4月1日時点の職員数（一般職+再任用フルタイム）は計画より2人少ない980人となった。 (2) 再任用職員の活用 令和3年度の再任用職員は55人（フルタイム51人、短時間4人）であり、令和2年度の定年退職者31人のうち、25人が再任用職員となった（フルタイム23人、短時間2人）。 (3) 定年延長制度への対応 令和3年6月の改正地方公務員法成立に伴い、新たな職員管理の制度設計や条例改正等の対応を検討した。";

    const NO9_FY2022: &str = "(1) 定員管理計画の検証 令和4年4月1日時点の職員数（一般職+再任用フルタイム）は計画より7人少ない977人となった。 (2) 再任用職員の活用 令和4年度の再任用職員は69人（フルタイム67人、短時間2人）であり、令和3年度の定年退職者40人のうち、38人が再任用職員となった（フルタイム38人、短時間0人）。 (3) 定年延長制度への対応 令和4年度中に条例等例規類の改正や職員への周知などを行い、令和5年4月1日より円滑に施行できるよう対応する。";

    const NO10_FY2021: &str = "(1) 職員意識調査（エンゲージメント調査） 正職員 970 人を対象に実施し、956 人から回答があった（回答率 98.6%）。総合点は 100 点満点中 65 点で、前年度より 1 ポイント上昇した。 (2) 職員研修（庁内研修） 新規採用職員研修（前期 40 人・中期 40 人・後期 38 人）、若手職員スキルアップ研修（37 人）、中堅職員スキルアップ研修（24 人）、政策形成研修（69 人）、メンタルヘルス研修（43 人）、ハラスマント研修（81 人）、DX研修（配信受講含め 67 人）、コミュニケーション研修（38 人）、評価者研修（63 人）、古川駅ピボット跡地利活用検討ワーキング研修（10 人）、地域経済再生担当政策アドバイザー講演会（54 人）、世界農業遺産推進に係る職員研修会（48 人） (3) 職員研修（派遣研修） 宮城県市町村職員研修所（187 人）【階層別研修 157 人、専門研修 27 人、セミナー 3 人】、東北自治研修所（8 人）、市町村アカデミー（3 人）、国土交通大学校（1 人）、その他研修機関等（5 人）";

    const NO20_FY2021: &str = "<p>【令和3年度（実績）】</p> <ul style=\"list-style-type: none\"> ・遊休資産の売却については、市ウェブサイトなどを活用し、公募型の一般競争入札による売却（原則）を進めた。 ・購入希望のある土地について、庁内関係課の調整を行い、次年度以降の売却を目指した取り組みを継続して行った。 ・市の資産について市ウェブサイトで公表するとともに、市の資産のうち遊休資産となる資産の洗い出しを継続して行った。 <p>売却額 20,172,240 円（公募型一般競争入札） 全体面積 1,205.56 m²（古川地域 3 件） 貸付額 38,008,910 円 有償貸付 175 件（古川地域 38 件、松山地域 9 件、三本木地域 20 件、鹿島台地域 8 件、岩出山地域 9 件、鳴子温泉地域 65 件、田尻地域 26 件）</p>";

    const NO20_FY2022: &str =
        "<p>売却額 20,000,000 円 貸付額 32,000,000 円 （合計 57,000,000 円）</p>";

    const NO17_EVALUATION: &str = "令和3年度の実績は、目標値である市税等の滞納整理による収納見込額の51,000,000円に対して38,353,000円と及ばなかった。感染症の影響が続き一層適正な滞納整理が求められるなか、預貯金差押や口座振替収納の配当額では前年度を上回るなど、取組による一定の効果をあげている。";

    #[test]
    fn sample_no20_forecast_does_not_add_up() {
        let expected = ["合計|57000000|52000000|円"];
        assert_eq!(sums(NO20_FY2022), expected);
        // The same with the HTML already removed by the reader, or with lines for paragraphs.
        assert_eq!(
            sums("売却額 20,000,000 円 貸付額 32,000,000 円 （合計 57,000,000 円）"),
            expected
        );
        assert_eq!(
            sums(
                "【令和4年度（見込み）】\n売却額 20,000,000 円 貸付額 32,000,000 円 （合計 57,000,000 円）\n"
            ),
            expected
        );
    }

    #[test]
    fn sample_narratives_that_add_up() {
        for (name, text) in [
            ("No.18 total then breakdown", NO18_FY2021),
            ("No.9 FY2021 55 = 51 + 4", NO9_FY2021),
            ("No.9 FY2022 69 = 67 + 2", NO9_FY2022),
            ("No.10 187 = 157 + 27 + 3", NO10_FY2021),
            (
                "No.20 FY2021 175 = 38 + 9 + 20 + 8 + 9 + 65 + 26",
                NO20_FY2021,
            ),
            ("No.17 evaluation", NO17_EVALUATION),
        ] {
            assert_eq!(sums(text), Vec::<String>::new(), "{name}");
        }
    }

    #[test]
    fn sample_narratives_with_one_part_changed_are_caught() {
        let cases = [
            (
                NO18_FY2021.replace("学校給食費 1,546,583円", "学校給食費 1,546,584円"),
                "令和3年度削減額 滞納整理強化月間（11月～12月）の納付額合計|49443860|49443861|円",
            ),
            (
                NO9_FY2021.replace("短時間4人", "短時間5人"),
                "再任用職員の活用 令和3年度の再任用職員は|55|56|人",
            ),
            (
                NO10_FY2021.replace("セミナー 3 人", "セミナー 4 人"),
                "職員研修（派遣研修） 宮城県市町村職員研修所|187|188|人",
            ),
            (
                NO20_FY2021.replace("田尻地域 26 件", "田尻地域 25 件"),
                "有償貸付|175|174|件",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(sums(&text), [expected], "{text}");
        }
    }

    #[test]
    fn shapes_of_stated_sums() {
        let cases: &[(&str, &[&str])] = &[
            // A total after its parts.
            ("A 10件、B 20件、計 30件", &[]),
            ("A 10件、B 20件、計 31件", &["計|31|30|件"]),
            ("A 10件、B 20件（計 29件）", &["計|29|30|件"]),
            ("A 10件 B 20件 小計 31件", &["小計|31|30|件"]),
            ("A 10件 B 20件 合計：31件", &["合計|31|30|件"]),
            ("A 10件 B 20件 (合計31件)", &["合計|31|30|件"]),
            ("A １０件 B ２０件（合計 ３１件）", &["合計|31|30|件"]),
            // A status mark between the word and the number.
            (
                "売却額 20円 貸付額 32円（合計（見込み） 57円）",
                &["合計|57|52|円"],
            ),
            // Money compares in yen and is reported in the total's unit.
            (
                "A 1,000千円 B 500,000円（合計 1,600千円）",
                &["合計|1600|1500|千円"],
            ),
            ("A 1,000千円 B 500,000円（合計 1,500,000円）", &[]),
            // A total followed by its breakdown.
            ("合計 100円 A 30円、B 50円", &["合計|100|80|円"]),
            ("合計 100円 A 30円、B 70円", &[]),
            // Several sums in one segment, each with its own list.
            (
                "A 1件 B 2件（合計 3件） C 4件 D 5件（合計 10件）",
                &["合計|10|9|件"],
            ),
            // A quantity followed by its parts in brackets.
            ("55人（フルタイム51人、短時間4人）", &[]),
            ("55人（フルタイム50人、短時間4人）", &["|55|54|人"]),
            (
                "研修所（187 人）【階層別研修 157 人、専門研修 27 人、セミナー 3 人】",
                &[],
            ),
            (
                "研修所（188 人）【階層別研修 157 人、専門研修 27 人、セミナー 3 人】",
                &["研修所|188|187|人"],
            ),
            // Mixed money units inside brackets.
            ("事業費 1,500千円（国費 1,000,000円、市費 500千円）", &[]),
        ];
        for (text, expected) in cases {
            assert_eq!(sums(text), *expected, "{text}");
        }
    }

    #[test]
    fn no_total_no_finding() {
        for text in [
            // A bracketed list after words, not after a total.
            "新規採用職員研修（前期 40 人・中期 40 人・後期 38 人）",
            // Words between the quantity and the list.
            "25人が再任用職員となった（フルタイム23人、短時間1人）",
            // Lists without a total word.
            "売却額 20円 貸付額 32円 貸付額 57円",
            "設計 30件 A 10件 B 10件",
            "統計 30件 A 10件 B 10件",
            "集計 30件 A 10件 B 10件",
            // One part is no list.
            "A 10件（合計 11件）",
            "全体面積 1,205.56 m²（古川地域 3 件）",
            "合計 100円 A 30円",
            // Percentages and scores are never summed.
            "A 20% B 30%（合計 60%）",
            "A 20点 B 30点（合計 60点）",
            "100%（A 60%、B 30%）",
            // Other units in the list.
            "175 件（古川地域 38 件、面積 100 ㎡）",
            "A 10件 B 20人（合計 31件）",
        ] {
            assert_eq!(sums(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn hedged_lists_give_no_finding() {
        for text in [
            // Subsets, comparisons and targets are not parts.
            "100人（うち女性 40人、うち新規 10人）",
            "55人（前年 50人、前々年 45人）",
            "55人（目標 60人、実績比 5人）",
            "550円（令和2年度 500円→令和3年度 550円）",
            "合計 100円となり、前年度の 90円、前々年度の 80円を上回った",
            // Approximate totals and parts.
            "約 100人（A 60人、B 30人）",
            "100人（A 60人以上、B 30人）",
            "A 10件 B 20件（合計 約 31件）",
            "A 10件 B 20件（合計 31件以上）",
        ] {
            assert_eq!(sums(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn parts_are_taken_at_the_totals_level_and_sentence() {
        let cases: &[(&str, &[&str])] = &[
            // Values in brackets annotate a part and are not summed.
            ("A 20円（前年 18円） B 32円（合計 52円）", &[]),
            ("A 20円（うち 5円） B 32円（合計 53円）", &["合計|53|52|円"]),
            // A list inside brackets.
            ("事業費（A 20円、B 32円、合計 52円） 市費 7円", &[]),
            (
                "事業費（A 20円、B 32円、合計 53円） 市費 7円",
                &["合計|53|52|円"],
            ),
            // A sentence ends the list.
            ("A 10件。B 20件 C 5件 計 26件", &["計|26|25|件"]),
            // A list that starts later than the sentence: a shorter run adds up.
            ("令和3年度は 5件を処理し、A 10件 B 20件（合計 30件）", &[]),
            // A list on both sides of the total: ambiguous, not reported.
            ("A 10円 B 20円 合計 31円 C 1円 D 2円", &[]),
            // Other units between the parts are skipped.
            ("売却 3件 20円 貸付 5件 32円（合計 52円）", &[]),
            ("売却 3件 20円 貸付 5件 32円（合計 8件）", &[]),
            ("売却 3件 20円 貸付 5件 32円（合計 9件）", &["合計|9|8|件"]),
        ];
        for (text, expected) in cases {
            assert_eq!(sums(text), *expected, "{text}");
        }
    }

    #[test]
    fn segments_split_at_lines_tags_bullets_and_enumerators() {
        let cases: &[(&str, &[&str])] = &[
            (
                "<p>【令和4年度（見込み）】</p> <p>売却額 20円 （合計 57円）</p>",
                &["【令和4年度（見込み）】", "売却額 20円 （合計 57円）"],
            ),
            (
                "(1) 定員 980人となった。 (2) 再任用 55人（A 51人） （３） 対応",
                &["定員 980人となった。", "再任用 55人（A 51人）", "対応"],
            ),
            (
                " ・A 10件 ・B 20件。・C\nD (E) F（1）",
                &["A 10件", "B 20件。", "C", "D (E) F（1）"],
            ),
            // `・` between words and enumerator-like text inside brackets do not split.
            (
                "研修（前期 40 人・中期 40 人 ・後期 38 人 (1)）",
                &["研修（前期 40 人・中期 40 人 ・後期 38 人 (1)）"],
            ),
            ("a < b > c\r\nd", &["a < b > c", "d"]),
            ("", &[]),
        ];
        for (text, expected) in cases {
            assert_eq!(segments(text), *expected, "{text}");
        }
    }

    #[test]
    fn total_words() {
        let word = |gap: &str| total_word(gap, 0).map(|w| (w.label, w.bracketed, w.at));
        assert_eq!(word(" （合計 "), Some(("合計".to_owned(), true, 4)));
        assert_eq!(word("(合計"), Some(("合計".to_owned(), true, 1)));
        assert_eq!(word("、計 "), Some(("計".to_owned(), false, 3)));
        assert_eq!(word("計"), Some(("計".to_owned(), false, 0)));
        assert_eq!(
            word("の納付額合計 "),
            Some(("の納付額合計".to_owned(), false, 12))
        );
        assert_eq!(word("合計（見込み） "), Some(("合計".to_owned(), false, 0)));
        assert_eq!(word("総計額："), Some(("総計額".to_owned(), false, 0)));
        for gap in ["設計 ", "統計", "集計", "合計で", "売却額", "", "（"] {
            assert!(word(gap).is_none(), "{gap:?}");
        }
    }

    #[test]
    fn findings_carry_the_year_and_line_of_their_section() {
        let item = Item {
            no: ItemNo(20),
            narratives: vec![
                Narrative {
                    fiscal_year: year(2021),
                    kind: NarrativeKind::Actual,
                    text: NO20_FY2021.to_owned(),
                    line: 407,
                },
                Narrative {
                    fiscal_year: year(2022),
                    kind: NarrativeKind::Forecast,
                    text: NO20_FY2022.to_owned(),
                    line: 408,
                },
            ],
            evaluation: Some(Evaluation {
                fiscal_year: year(2021),
                text: "A 1件 B 2件（合計 4件）".to_owned(),
                line: 413,
            }),
            ..Item::default()
        };
        let findings = check(&item);
        assert_eq!(findings.len(), 2);
        let f = &findings[0];
        assert_eq!(f.item_no, ItemNo(20));
        assert_eq!(f.kind, FindingKind::StatedSumMismatch);
        assert_eq!(f.label, "合計");
        assert_eq!(f.fiscal_year, Some(year(2022)));
        assert_eq!(f.unit, Unit::Yen);
        assert_eq!(f.stated, Decimal::from(57_000_000));
        assert_eq!(f.computed, Decimal::from(52_000_000));
        assert_eq!(f.difference, Decimal::from(5_000_000));
        assert_eq!(f.line, 408);
        assert_eq!(f.explanation, None);
        assert_eq!(
            f.message(),
            "No.20: 令和4年度の記述にある合計は57,000,000円と記載されていますが、内訳を合計すると52,000,000円です（差 5,000,000円）。"
        );
        let e = &findings[1];
        assert_eq!(
            (e.fiscal_year, e.line, e.stated, e.computed, e.difference),
            (
                Some(year(2021)),
                413,
                Decimal::from(4),
                Decimal::from(3),
                Decimal::from(1)
            )
        );
    }

    #[test]
    fn odd_text_does_not_panic() {
        for text in [
            "（（（合計 5円",
            "）））合計 5円 A 1円 B 1円",
            "<p",
            "<p>（",
            "合計（見込み",
            "（1",
            "(12345) 合計",
            "計計計 1円 2円 3円",
            "99999999999999999999999999億円 1億円（合計 2億円）",
            "【】（）・・(1)(2)\n\r",
        ] {
            let _ = sums(text);
        }
        assert_eq!(
            sums("99999999999999999999999999億円 1億円（合計 2億円）"),
            Vec::<String>::new()
        );
    }
}
