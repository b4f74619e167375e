//! Text helpers shared by every layer: matching keys, "nothing" marks, circled numbers.
//!
//! Stored text is never normalised. These helpers build *keys* to compare labels written in
//! different widths and spacings (`Ｎｏ．１`, `令和 3 年度`, `取組による 効果`).

use unicode_normalization::UnicodeNormalization;

/// Folds `text` into a matching key: NFKC (full-width → half-width, `（` → `(`, `～` → `~`),
/// wave dashes unified to `~`, and every whitespace character removed.
///
/// NFKC also turns circled numbers into digits (`①` → `1`), so never use a key where circled
/// numbers carry meaning (schedules, action lists).
pub fn fold_key(text: &str) -> String {
    text.nfkc()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '〜' | '～' | '∼' => '~',
            '－' | '−' | '‐' | '‑' | '–' => '-',
            other => other,
        })
        .collect()
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

    #[test]
    fn fold_key_unifies_width_and_spacing() {
        assert_eq!(fold_key("Ｎｏ．１"), "No.1");
        assert_eq!(fold_key("令和 3 年度"), "令和3年度");
        assert_eq!(fold_key("取組による 効果"), "取組による効果");
        assert_eq!(fold_key("令和2年度〜令和4年度"), "令和2年度~令和4年度");
        assert_eq!(fold_key("（実績）"), "(実績)");
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
