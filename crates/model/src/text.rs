//! Text helpers shared by every layer: matching keys, search folding and snippets, "nothing"
//! marks, circled numbers.
//!
//! Stored text is never normalised. These helpers build *keys* to compare labels written in
//! different widths and spacings (`Ｎｏ．１`, `令和 3 年度`, `取組による 効果`), and the folded
//! form of a text that full-text search indexes and matches ([`fold_search`]), with the way
//! back to the original text for highlighting ([`snippet`]).

use std::ops::{Range, RangeInclusive};

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// The matching key of a cell that may be a label (`改善・推進の内容`, `取組による 効果`):
/// [`fold_key`] of a short cell; labels are short, so a longer cell (a narrative, a goal) gets
/// an empty key and is never folded. The reader matches labels with it, and the text layout's
/// writer asks it whether a text would read as a label.
pub fn label_key(cell: &str) -> String {
    const LONGEST_LABEL: usize = 48;
    if cell.len() > LONGEST_LABEL * 3 || cell.chars().nth(LONGEST_LABEL).is_some() {
        return String::new();
    }
    fold_key(cell)
}

/// Folds `text` into a matching key: NFKC (full-width → half-width, `（` → `(`, `～` → `~`),
/// wave dashes unified to `~`, and every whitespace character removed.
///
/// NFKC also turns circled numbers into digits (`①` → `1`), so never use a key where circled
/// numbers carry meaning (schedules, action lists).
pub fn fold_key(text: &str) -> String {
    text.nfkc()
        .filter(|c| !c.is_whitespace())
        .map(unify_dash)
        .collect()
}

/// Wave dashes to `~` and hyphen-like dashes to `-`.
fn unify_dash(c: char) -> char {
    match c {
        '〜' | '～' | '∼' => '~',
        '－' | '−' | '‐' | '‑' | '–' => '-',
        other => other,
    }
}

/// A text folded for search, with where each folded character came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchFolded {
    /// The folded text.
    pub text: String,
    /// For each character of `text`, in order: its byte offset in `text` and the byte range
    /// of the original text it came from.
    origins: Vec<(usize, Range<usize>)>,
}

impl SearchFolded {
    /// The range of the original text that the folded byte range `folded` came from, widened
    /// to whole source characters (`ﾊﾞ` for `ば`). `None` unless `folded` starts and ends on
    /// characters of the folded text.
    pub fn original_range(&self, folded: Range<usize>) -> Option<Range<usize>> {
        let first = self
            .origins
            .binary_search_by_key(&folded.start, |(at, _)| *at)
            .ok()?;
        let end = if folded.end == self.text.len() {
            self.origins.len()
        } else {
            self.origins
                .binary_search_by_key(&folded.end, |(at, _)| *at)
                .ok()?
        };
        let last = end.checked_sub(1).filter(|last| *last >= first)?;
        Some(self.origins[first].1.start..self.origins[last].1.end)
    }

    /// The original byte ranges of every occurrence of `folded_term` (already folded) in the
    /// text, left to right, not overlapping.
    pub fn find_all(&self, folded_term: &str) -> Vec<Range<usize>> {
        if folded_term.is_empty() {
            return Vec::new();
        }
        self.text
            .match_indices(folded_term)
            .filter_map(|(at, term)| self.original_range(at..at + term.len()))
            .collect()
    }
}

/// Folds `text` for full-text search: NFKC (full-width ↔ half-width, `ﾏｲﾅﾝﾊﾞｰ` → `マイナンバー`),
/// katakana to hiragana (`マイナンバー` → `まいなんばー`), ASCII lower case, dashes unified as in
/// [`fold_key`], every whitespace character dropped. Index and query are folded alike, so
/// that any of these variants finds the others.
///
/// Folding goes one source character at a time (a base character together with the
/// combining marks after it, such as the half-width voiced mark `ﾞ`), so every folded
/// character knows the source characters it came from.
pub fn fold_search(text: &str) -> SearchFolded {
    let mut folded = SearchFolded {
        text: String::with_capacity(text.len()),
        origins: Vec::with_capacity(text.len() / 2),
    };
    fold_each(text, |source, c| {
        folded.origins.push((folded.text.len(), source));
        folded.text.push(c);
    });
    folded
}

/// The text of [`fold_search`] without the origins (what the search index stores).
pub fn fold_search_text(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    fold_each(text, |_, c| folded.push(c));
    folded
}

/// Calls `push` with each folded character of `text` and the source byte range it came from.
fn fold_each(text: &str, mut push: impl FnMut(Range<usize>, char)) {
    let mut chars = text.char_indices().peekable();
    while let Some((start, first)) = chars.next() {
        let mut end = start + first.len_utf8();
        while let Some(&(at, next)) = chars.peek() {
            if !starts_with_combining_mark(next) {
                break;
            }
            end = at + next.len_utf8();
            chars.next();
        }
        let mut fold = |c: char| {
            if !c.is_whitespace() {
                push(start..end, fold_char(c));
            }
        };
        // Most characters (kanji, kana, ASCII) are their own NFKC: skip the normaliser.
        if end == start + first.len_utf8() && is_own_nfkc(first) {
            fold(first);
        } else {
            text[start..end].nfkc().for_each(fold);
        }
    }
}

/// The blocks where every character is its own NFKC and no combining mark (checked for each
/// of them by a test): ASCII, hiragana and katakana without the voiced marks, and the CJK
/// unified ideographs — nearly every character of a report, answered without a table lookup.
const PLAIN_BLOCKS: [RangeInclusive<char>; 4] = [
    '\u{0020}'..='\u{007E}',
    '\u{3041}'..='\u{3096}',
    '\u{30A1}'..='\u{30FA}',
    '\u{4E00}'..='\u{9FFF}',
];

/// True when `c` is its own NFKC.
fn is_own_nfkc(c: char) -> bool {
    PLAIN_BLOCKS.iter().any(|block| block.contains(&c))
        || is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes
}

/// True when `c` is a combining mark, or normalises to one (the half-width voiced marks
/// `ﾞ` `ﾟ`): it belongs to the character before it.
fn starts_with_combining_mark(c: char) -> bool {
    if PLAIN_BLOCKS.iter().any(|block| block.contains(&c)) {
        return false;
    }
    canonical_combining_class(c) != 0 || matches!(c, '\u{FF9E}' | '\u{FF9F}')
}

/// One NFKC character to its search form: katakana to hiragana, ASCII lower case, dashes.
fn fold_char(c: char) -> char {
    match c {
        // ァ…ヶ and ヽヾ sit 0x60 above ぁ…ゖ and ゝゞ.
        'ァ'..='ヶ' | 'ヽ' | 'ヾ' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
        _ => unify_dash(c.to_ascii_lowercase()),
    }
}

/// A short excerpt of a text around a search match, with the matches marked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    /// The excerpt, with `…` where the text was cut.
    pub text: String,
    /// Byte ranges of `text` to highlight, in order, not overlapping.
    pub marks: Vec<Range<usize>>,
}

impl Snippet {
    /// The excerpt in pieces, each with whether it is highlighted, in order.
    pub fn segments(&self) -> Vec<(&str, bool)> {
        let mut segments = Vec::with_capacity(self.marks.len() * 2 + 1);
        let mut at = 0;
        for mark in &self.marks {
            if mark.start > at {
                segments.push((&self.text[at..mark.start], false));
            }
            segments.push((&self.text[mark.clone()], true));
            at = mark.end;
        }
        if at < self.text.len() {
            segments.push((&self.text[at..], false));
        }
        segments
    }
}

/// How many characters of context a snippet shows before the first match.
const SNIPPET_BEFORE: usize = 15;

/// An excerpt of `text` of about `width` characters around the first occurrence of any of
/// `folded_terms` (each folded with [`fold_search`]), with every occurrence inside it marked
/// and `…` where it is cut; line breaks read as spaces. Without any occurrence, the start of
/// the text without marks.
pub fn snippet(text: &str, folded_terms: &[&str], width: usize) -> Snippet {
    let folded = fold_search(text);
    let mut found: Vec<Range<usize>> = folded_terms
        .iter()
        .flat_map(|term| folded.find_all(term))
        .collect();
    found.sort_by_key(|range| (range.start, std::cmp::Reverse(range.end)));

    // Character boundaries of the text, so that the window counts characters.
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(at, _)| at)
        .chain([text.len()])
        .collect();
    let char_at = |byte: usize| bounds.partition_point(|b| *b < byte);
    let chars = bounds.len() - 1;
    let (first_char, match_end_char) = match found.first() {
        Some(range) => (char_at(range.start), char_at(range.end)),
        None => (0, 0),
    };
    let mut start = first_char.saturating_sub(SNIPPET_BEFORE);
    let end = (start + width).max(match_end_char).min(chars);
    if end - start < width {
        start = end.saturating_sub(width);
    }
    let (from, to) = (bounds[start], bounds[end]);

    let mut snippet = Snippet {
        text: String::with_capacity(to - from + 8),
        marks: Vec::new(),
    };
    if start > 0 {
        snippet.text.push('…');
    }
    let offset = snippet.text.len();
    snippet.text.extend(
        text[from..to]
            .chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c }),
    );
    for range in found {
        let (a, b) = (range.start.max(from), range.end.min(to));
        if a >= b {
            continue;
        }
        let mark = a - from + offset..b - from + offset;
        match snippet.marks.last_mut() {
            Some(last) if mark.start <= last.end => last.end = last.end.max(mark.end),
            _ => snippet.marks.push(mark),
        }
    }
    if end < chars {
        snippet.text.push('…');
    }
    snippet
}

/// True when `name` ends like the name of a department or other organisation (課, 室, 部,
/// センター …, or a closing parenthesis): where the reader ends a department in a
/// `・`-separated list (`総務課・財政課` is two; `子ども・子育て支援課` one), and where the text
/// layout's writer checks that a list reads back as written.
pub fn ends_like_organisation(name: &str) -> bool {
    const ENDINGS: &[&str] = &[
        "課",
        "室",
        "部",
        "局",
        "所",
        "署",
        "館",
        "センター",
        "会",
        "庁",
        "係",
        "班",
        "院",
        "園",
        "団",
        "）",
        ")",
    ];
    ENDINGS.iter().any(|ending| name.ends_with(ending))
}

/// Returns true when a cell says "nothing": empty, or only a dash-like mark
/// (`—` U+2014, `－` U+FF0D, `―` U+2015, `-`, `ー`, `‐`, `–`, `一` the kanji misread for a dash).
pub fn is_nothing(text: &str) -> bool {
    let trimmed = text.trim();
    trimmed.is_empty()
        || trimmed.chars().all(|c| {
            matches!(
                c,
                '—' | '－' | '―' | '-' | '‐' | '–' | '−' | 'ー' | '一' | '─' | '━' | '・'
            )
        }) && trimmed.chars().count() <= 3
}

/// The value of a circled number `①`…`⑳`, `㉑`…`㉟`, `㊱`…`㊿`, if `c` is one.
pub fn circled_number(c: char) -> Option<u8> {
    let n = c as u32;
    let value = match n {
        0x2460..=0x2473 => n - 0x2460 + 1,
        0x3251..=0x325F => n - 0x3251 + 21,
        0x32B1..=0x32BF => n - 0x32B1 + 36,
        _ => return None,
    };
    u8::try_from(value).ok()
}

/// The circled number character for `n` (1…50), the inverse of [`circled_number`].
pub fn circled(n: u8) -> Option<char> {
    let code = match n {
        1..=20 => 0x2460 + u32::from(n) - 1,
        21..=35 => 0x3251 + u32::from(n) - 21,
        36..=50 => 0x32B1 + u32::from(n) - 36,
        _ => return None,
    };
    char::from_u32(code)
}

/// The mark of action `n` as documents write it: `①` (1…50), else `(51)`.
pub fn action_mark(n: u8) -> String {
    circled(n).map_or_else(|| format!("({n})"), String::from)
}

/// The value of an ASCII or full-width decimal digit.
pub fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// True for spaces the documents put between words: ASCII, full-width and no-break spaces.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}'
}

/// True for characters that are wave dashes or tildes used for ranges (`①～⑤`, `H19～H27`).
pub fn is_range_dash(c: char) -> bool {
    matches!(c, '～' | '〜' | '~' | '∼')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Catches a block in the fast path that holds a character the normaliser would change or
    /// a combining mark: folding would then differ from NFKC.
    #[test]
    fn the_plain_blocks_are_their_own_nfkc_without_combining_marks() {
        for block in PLAIN_BLOCKS {
            for c in block {
                assert_eq!(
                    is_nfkc_quick(std::iter::once(c)),
                    IsNormalized::Yes,
                    "U+{:04X}",
                    c as u32
                );
                assert_eq!(canonical_combining_class(c), 0, "U+{:04X}", c as u32);
                assert_eq!(c.to_string().nfkc().collect::<String>(), c.to_string());
            }
        }
    }

    #[test]
    fn folding_the_text_alone_gives_the_same_text() {
        for text in [
            "ﾏｲﾅﾝﾊﾞｰ カード",
            "職員意識調査「自己成長」",
            "ガ\u{3099}ＡＢＣ－１",
        ] {
            assert_eq!(fold_search_text(text), fold_search(text).text, "{text}");
        }
        assert_eq!(fold_search_text("ﾏｲﾅﾝﾊﾞｰ カード"), "まいなんばーかーど");
    }

    #[test]
    fn fold_key_unifies_width_and_spacing() {
        assert_eq!(fold_key("Ｎｏ．１"), "No.1");
        assert_eq!(fold_key("令和 3 年度"), "令和3年度");
        assert_eq!(fold_key("取組による 効果"), "取組による効果");
        assert_eq!(fold_key("令和2年度〜令和4年度"), "令和2年度~令和4年度");
        assert_eq!(fold_key("（実績）"), "(実績)");
    }

    #[test]
    fn fold_search_unifies_width_kana_case_and_spacing() {
        assert_eq!(fold_search("ＤＸ推進").text, "dx推進");
        assert_eq!(fold_search("ﾏｲﾅﾝﾊﾞｰ").text, "まいなんばー");
        assert_eq!(
            fold_search("マイナンバー カード").text,
            "まいなんばーかーど"
        );
        assert_eq!(fold_search("ヴァ・ヶ所").text, "ゔぁ・ゖ所");
        assert_eq!(fold_search("１０～２０").text, "10~20");
        assert_eq!(fold_search("").text, "");
    }

    #[test]
    fn folded_ranges_lead_back_to_the_source() {
        let text = "全国ﾏｲﾅﾝﾊﾞｰ①件";
        let folded = fold_search(text);
        let found = folded.find_all("ばー");
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].clone()], "ﾊﾞｰ");
        // ① folds to one digit; the digit leads back to the whole circled number.
        assert_eq!(
            folded
                .find_all("1件")
                .iter()
                .map(|r| &text[r.clone()])
                .collect::<Vec<_>>(),
            ["①件"]
        );
        assert_eq!(folded.find_all("かーど"), Vec::<Range<usize>>::new());
    }

    #[test]
    fn snippets_cut_around_the_first_match_and_mark_every_term() {
        let text = format!("{}職員研修を実施した。{}", "あ".repeat(30), "い".repeat(60));
        let snippet = snippet(&text, &["研修", "職員"], 40);
        assert!(snippet.text.starts_with('…') && snippet.text.ends_with('…'));
        assert_eq!(snippet.text.chars().count(), 42);
        // 15 characters before the match, 40 in all.
        let after = format!("を実施した。{}…", "い".repeat(40 - 15 - 4 - 6));
        assert_eq!(
            snippet.segments(),
            [
                (format!("…{}", "あ".repeat(15)).as_str(), false),
                ("職員研修", true),
                (after.as_str(), false),
            ]
        );
        let short = super::snippet("ＤＸの推進\nDX", &["dx"], 40);
        assert_eq!(short.text, "ＤＸの推進 DX");
        assert_eq!(short.segments()[0], ("ＤＸ", true));
        assert_eq!(short.segments()[2], ("DX", true));
        let none = super::snippet("なにもない", &["研修"], 40);
        assert_eq!((none.text.as_str(), none.marks.len()), ("なにもない", 0));
    }

    #[test]
    fn nothing_marks() {
        for mark in ["—", "－", "―", "-", "一", "", "  ", " — "] {
            assert!(is_nothing(mark), "{mark:?} means nothing");
        }
        for text in ["一部", "32.3%", "公共施設", "一般職"] {
            assert!(!is_nothing(text), "{text:?} is content");
        }
    }

    #[test]
    fn circled_numbers_round_trip() {
        for n in 1..=50u8 {
            let c = circled(n).expect("1..=50 are circled numbers");
            assert_eq!(circled_number(c), Some(n));
        }
        assert_eq!(circled_number('⑤'), Some(5));
        assert_eq!(circled_number('5'), None);
        assert_eq!(circled(0), None);
    }
}
