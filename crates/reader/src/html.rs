//! HTML fragments inside cells (`<p>…</p> <ul>…</ul>`) become plain text with their structure
//! kept: paragraphs and list items on their own lines, bullets kept as written.
//!
//! Only cells that contain block tags this family of documents uses are treated as HTML; any
//! other `<…>` (including `<script>`) is ordinary text and kept character for character.

use ego_tree::NodeRef;
use scraper::{Html, Node};

/// Tags whose presence makes a cell an HTML fragment.
const BLOCK_TAGS: &[&str] = &["p", "ul", "ol", "li", "br", "div"];

/// True when `cell` contains a block tag of [`BLOCK_TAGS`] (`<p>`, `<ul style=…>`, `<br/>` …).
pub fn is_fragment(cell: &str) -> bool {
    let lower = cell.to_ascii_lowercase();
    lower.match_indices('<').any(|(i, _)| {
        let rest = lower[i + 1..].trim_start_matches('/');
        BLOCK_TAGS.iter().any(|tag| {
            rest.strip_prefix(tag)
                .is_some_and(|after| after.starts_with(['>', ' ', '/', '\t']))
        })
    })
}

/// Converts an HTML fragment to text: blocks and list items on their own lines, text inside
/// lists split before each `・` bullet, entities decoded, spaces inside lines kept.
pub fn to_text(fragment: &str) -> String {
    let html = Html::parse_fragment(fragment);
    let mut lines = vec![String::new()];
    walk(html.tree.root(), false, &mut lines);
    lines
        .iter()
        .map(|line| line.trim())
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn walk(node: NodeRef<'_, Node>, in_list: bool, lines: &mut Vec<String>) {
    match node.value() {
        Node::Text(text) => {
            let text: &str = text;
            if in_list {
                for (i, part) in split_bullets(text).into_iter().enumerate() {
                    if i > 0 {
                        lines.push(String::new());
                    }
                    push_text(lines, part);
                }
            } else {
                push_text(lines, text);
            }
        }
        Node::Element(element) => {
            let name = element.name();
            let is_block = BLOCK_TAGS.contains(&name);
            if is_block {
                lines.push(String::new());
            }
            let in_list = in_list || matches!(name, "ul" | "ol");
            for child in node.children() {
                walk(child, in_list, lines);
            }
            if is_block {
                lines.push(String::new());
            }
        }
        _ => {
            for child in node.children() {
                walk(child, in_list, lines);
            }
        }
    }
}

/// Splits list text before each `・` that starts an entry: at the start of the text or after
/// any space (ASCII, full-width, no-break). The bullets stay with their entries.
fn split_bullets(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut previous: Option<char> = None;
    for (i, c) in text.char_indices() {
        if c == '・' && i > start && previous.is_some_and(kaikaku_model::text::is_space) {
            parts.push(&text[start..i]);
            start = i;
        }
        previous = Some(c);
    }
    parts.push(&text[start..]);
    parts
}

fn push_text(lines: &mut Vec<String>, text: &str) {
    match lines.last_mut() {
        Some(line) => line.push_str(text),
        None => lines.push(text.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_fragments() {
        assert!(is_fragment("<p>【令和3年度（実績）】</p>"));
        assert!(is_fragment("a<br/>b"));
        assert!(is_fragment(r#"<ul style="list-style-type: none"> ・a"#));
        assert!(!is_fragment("A<B かつ C>D"));
        assert!(!is_fragment("<script>alert(1)</script>"));
        assert!(!is_fragment("<pre>"));
    }

    #[test]
    fn keeps_paragraphs_and_list_items() {
        let cell = r#"<p>【令和3年度（実績）】</p> <ul style="list-style-type: none"> ・ポータルサイトを2つ増設した。 ・返礼品を募集した。 <p>売却額 20,000,000 円 &amp; 貸付額</p>"#;
        assert_eq!(
            to_text(cell),
            "【令和3年度（実績）】\n・ポータルサイトを2つ増設した。\n・返礼品を募集した。\n売却額 20,000,000 円 & 貸付額"
        );
        assert_eq!(to_text("<ul><li>・一</li><li>二</li></ul>"), "・一\n二");
        // Bullets after a full-width space, and a ・ inside a word, which is not a bullet.
        assert_eq!(
            to_text("<ul>・子ども・子育て支援。\u{3000}・次の項目。</ul>"),
            "・子ども・子育て支援。\n・次の項目。"
        );
    }
}
