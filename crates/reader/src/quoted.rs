//! Quoted cells: how kaikaku's own text layout (`kaikaku_export::text`) writes text that
//! would otherwise read as structure (a heading, a label, an item number, markup, a TAB, spaces
//! at an edge, an empty line inside a text).
//!
//! A cell that begins with a backslash `\` is quoted: the rest of the cell is text, taken as
//! written and never read as a heading, label, year, number or markup. Inside it `\t` is a
//! TAB, `\n` a line break and `\\` a backslash; a `\` that ends the cell closes the text, so
//! that spaces before it count (`\ 字下げ \`). Published documents never begin a cell with
//! `\`, so they read as before. Quotes are read in UTF-8 text only (kaikaku writes its layout
//! in UTF-8): in Shift_JIS or EUC-JP the byte 0x5C is the yen sign, so a cell of such a
//! document that begins with it is text as written ([`literal`]). The cell `\数量` starts an
//! explicit quantity of an effects row (`⇥\数量⇥label⇥value⇥unit⇥status`).

/// The first character of a quoted cell.
pub const MARK: char = '\\';

/// The cell that starts an explicit quantity line of an effects row.
pub const QUANTITY: &str = "\\数量";

/// True when `cell` (trimmed) is quoted.
pub fn is_quoted(cell: &str) -> bool {
    cell.starts_with(MARK)
}

/// The text of a quoted cell, or `None` when `cell` is not quoted.
pub fn unquote(cell: &str) -> Option<String> {
    let rest = cell.strip_prefix(MARK)?;
    let mut text = String::with_capacity(rest.len());
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        if c != MARK {
            text.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => text.push('\t'),
            Some('n') => text.push('\n'),
            Some(MARK) => text.push(MARK),
            // A lone `\` at the end closes the text.
            None => break,
            Some(other) => {
                text.push(MARK);
                text.push(other);
            }
        }
    }
    Some(text)
}

/// The text of a cell: unquoted when quoted, else as written.
pub fn text_of(cell: &str) -> std::borrow::Cow<'_, str> {
    match unquote(cell) {
        Some(text) => std::borrow::Cow::Owned(text),
        None => std::borrow::Cow::Borrowed(cell),
    }
}

/// `text` with every cell that begins with `\` quoted, so that it reads as the text written:
/// for documents in a legacy encoding, where the byte 0x5C is the yen sign (`\1,000`), never
/// a quote. kaikaku writes its text layout in UTF-8, the only encoding whose quotes are read.
pub fn literal(text: &str) -> std::borrow::Cow<'_, str> {
    let starts_quoted = |cell: &str| cell.trim().starts_with(MARK);
    if !text.lines().any(|line| line.split('\t').any(starts_quoted)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        // A CR ending the line stays outside the last cell.
        let (body, cr) = match line.strip_suffix('\r') {
            Some(body) => (body, "\r"),
            None => (line, ""),
        };
        for (i, cell) in body.split('\t').enumerate() {
            if i > 0 {
                out.push('\t');
            }
            if starts_quoted(cell) {
                out.push(MARK);
                out.push_str(&cell.trim().replace(MARK, "\\\\"));
            } else {
                out.push_str(cell);
            }
        }
        out.push_str(cr);
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_backslashes_are_kept_as_written() {
        let text = "\t\\1,000千円\tその他\r\n\\a\\tb\n";
        let literal = literal(text);
        assert_eq!(literal, "\t\\\\\\1,000千円\tその他\r\n\\\\\\a\\\\tb\n");
        let cells: Vec<String> = literal
            .lines()
            .flat_map(|line| line.split('\t').map(|c| text_of(c.trim()).into_owned()))
            .collect();
        assert_eq!(cells, ["", "\\1,000千円", "その他", "\\a\\tb"]);
        assert!(matches!(
            super::literal("a\tb\n"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn quoted_cells() {
        assert_eq!(unquote("政策課"), None);
        assert_eq!(unquote("\\"), Some(String::new()));
        assert_eq!(
            unquote("\\【令和8年度（見込み）】 x"),
            Some("【令和8年度（見込み）】 x".into())
        );
        assert_eq!(unquote("\\a\\tb\\nc\\\\d"), Some("a\tb\nc\\d".into()));
        assert_eq!(unquote("\\  字下げ  \\"), Some("  字下げ  ".into()));
        assert_eq!(unquote("\\a\\\\"), Some("a\\".into()));
        assert_eq!(unquote("\\C:\\x"), Some("C:\\x".into()));
        assert_eq!(text_of("No.3"), "No.3");
    }
}
