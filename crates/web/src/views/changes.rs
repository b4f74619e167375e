//! Changes as people read them: before and after with the runs of kept, removed and added
//! text, for a sheet's history, a correction's change list and the comparison of two years.

use kaikaku_model::workflow::FieldChange;
use similar::{Algorithm, ChangeTag, TextDiff};

/// One run of a readable diff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffSpan {
    /// `same`, `del` or `ins`.
    pub tag: &'static str,
    /// The text of the run, as written.
    pub text: String,
}

impl DiffSpan {
    /// True for removed text.
    pub fn is_del(&self) -> bool {
        self.tag == "del"
    }

    /// True for added text.
    pub fn is_ins(&self) -> bool {
        self.tag == "ins"
    }
}

/// The difference between two texts as runs of kept, removed and added text: line by line,
/// then character by character (Japanese has no spaces between words).
pub fn diff_spans(before: &str, after: &str) -> Vec<DiffSpan> {
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .timeout(std::time::Duration::from_millis(500))
        .diff_chars(before, after);
    let mut spans: Vec<DiffSpan> = Vec::new();
    for change in diff.iter_all_changes() {
        let tag = match change.tag() {
            ChangeTag::Equal => "same",
            ChangeTag::Delete => "del",
            ChangeTag::Insert => "ins",
        };
        match spans.last_mut() {
            Some(last) if last.tag == tag => last.text.push_str(change.value()),
            _ => spans.push(DiffSpan {
                tag,
                text: change.value().to_owned(),
            }),
        }
    }
    spans
}

/// Characters of a changed run shown before it is cut (the rest is on the page of the whole
/// value).
pub const SHOWN_CHARS: usize = 200;

/// Characters of unchanged text shown on each side of a long change.
const CONTEXT_CHARS: usize = 40;

/// What stands for text left out.
const ELLIPSIS: &str = "…";

/// One change, before and after, with the readable diff. However long the texts, what it
/// holds is bounded: a change of texts longer than [`SHOWN_CHARS`] shows the changed run (cut
/// to [`SHOWN_CHARS`] characters each side) between a little of the unchanged text around
/// it, and says how long the texts are.
#[derive(Clone, Debug)]
pub struct ChangeView {
    /// The part of the sheet (`取組内容 1`).
    pub label: String,
    /// The field path (`narratives.0`).
    pub path: String,
    /// The text before, its first [`SHOWN_CHARS`] characters.
    pub before: String,
    /// The text after, its first [`SHOWN_CHARS`] characters.
    pub after: String,
    /// The diff from before to after (a part of it when [`ChangeView::shortened`]).
    pub spans: Vec<DiffSpan>,
    /// True when some of the texts is left out of [`ChangeView::spans`].
    pub shortened: bool,
    /// `12,345`: the whole length of the text before, in characters.
    pub before_chars: String,
    /// `12,400`: the whole length of the text after, in characters.
    pub after_chars: String,
}

impl ChangeView {
    /// The view of one change.
    pub fn new(change: &FieldChange) -> ChangeView {
        let before_chars = change.before.chars().count() as u64;
        let after_chars = change.after.chars().count() as u64;
        ChangeView::excerpt(change, before_chars, after_chars)
    }

    /// The view of a change whose texts may be only the first characters of texts of
    /// `before_chars` and `after_chars` characters (a page of a history,
    /// `kaikaku_store::AuditExcerpt`).
    pub fn excerpt(change: &FieldChange, before_chars: u64, after_chars: u64) -> ChangeView {
        let before: Vec<char> = change.before.chars().collect();
        let after: Vec<char> = change.after.chars().collect();
        let before_whole = before.len() as u64 == before_chars;
        let after_whole = after.len() as u64 == after_chars;
        let short = |n: u64| n <= SHOWN_CHARS as u64;
        let (spans, shortened) =
            if before_whole && after_whole && short(before_chars) && short(after_chars) {
                (diff_spans(&change.before, &change.after), false)
            } else {
                bounded_spans(&before, &after, before_whole, after_whole)
            };
        ChangeView {
            label: change.field.label(),
            path: change.field.path(),
            spans,
            shortened,
            before: before.iter().take(SHOWN_CHARS).collect(),
            after: after.iter().take(SHOWN_CHARS).collect(),
            before_chars: grouped(before_chars),
            after_chars: grouped(after_chars),
        }
    }
}

/// The spans of a long change: the unchanged text around the changed run cut to
/// [`CONTEXT_CHARS`], the run itself diffed when both sides are short, else each side cut to
/// [`SHOWN_CHARS`]. A side that is not whole (`*_whole`) has no known end, so no common end is
/// looked for. Returns the spans and whether anything was left out.
fn bounded_spans(
    before: &[char],
    after: &[char],
    before_whole: bool,
    after_whole: bool,
) -> (Vec<DiffSpan>, bool) {
    let whole = before_whole && after_whole;
    let prefix = before.iter().zip(after).take_while(|(b, a)| b == a).count();
    let suffix = if whole {
        before[prefix..]
            .iter()
            .rev()
            .zip(after[prefix..].iter().rev())
            .take_while(|(b, a)| b == a)
            .count()
    } else {
        0
    };
    let before_mid = &before[prefix..before.len() - suffix];
    let after_mid = &after[prefix..after.len() - suffix];
    let mut spans: Vec<DiffSpan> = Vec::new();
    let mut left_out = false;
    if prefix > 0 {
        let kept = &before[..prefix];
        let text = if prefix > CONTEXT_CHARS {
            left_out = true;
            format!("{ELLIPSIS}{}", string(&kept[prefix - CONTEXT_CHARS..]))
        } else {
            string(kept)
        };
        push(&mut spans, "same", text);
    }
    if whole && before_mid.len() <= SHOWN_CHARS && after_mid.len() <= SHOWN_CHARS {
        for span in diff_spans(&string(before_mid), &string(after_mid)) {
            push(&mut spans, span.tag, span.text);
        }
    } else {
        for (tag, mid, side_whole) in [
            ("del", before_mid, before_whole),
            ("ins", after_mid, after_whole),
        ] {
            if mid.is_empty() {
                continue;
            }
            let cut = mid.len() > SHOWN_CHARS || !side_whole;
            left_out |= cut;
            let mut text = string(&mid[..mid.len().min(SHOWN_CHARS)]);
            if cut {
                text.push_str(ELLIPSIS);
            }
            push(&mut spans, tag, text);
        }
    }
    if suffix > 0 {
        let kept = &before[before.len() - suffix..];
        let text = if suffix > CONTEXT_CHARS {
            left_out = true;
            format!("{}{ELLIPSIS}", string(&kept[..CONTEXT_CHARS]))
        } else {
            string(kept)
        };
        push(&mut spans, "same", text);
    }
    (spans, left_out)
}

fn string(chars: &[char]) -> String {
    chars.iter().collect()
}

/// Appends `text` as a run of `tag`, joined to the last run when it has the same tag.
fn push(spans: &mut Vec<DiffSpan>, tag: &'static str, text: String) {
    match spans.last_mut() {
        Some(last) if last.tag == tag => last.text.push_str(&text),
        _ => spans.push(DiffSpan { tag, text }),
    }
}

/// `12345` → `12,345`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_are_runs_of_plain_text() {
        let spans = diff_spans("研修会を開催した。", "研修会を2回開催した。<b>");
        let tags: Vec<(&str, &str)> = spans.iter().map(|s| (s.tag, s.text.as_str())).collect();
        assert_eq!(
            tags,
            [
                ("same", "研修会を"),
                ("ins", "2回"),
                ("same", "開催した。"),
                ("ins", "<b>")
            ]
        );
        assert_eq!(
            diff_spans("", "新しい"),
            [DiffSpan {
                tag: "ins",
                text: "新しい".to_owned()
            }]
        );
    }

    fn change(before: &str, after: &str) -> FieldChange {
        FieldChange {
            field: kaikaku_model::workflow::Field::Goal,
            before: before.to_owned(),
            after: after.to_owned(),
        }
    }

    fn tags(view: &ChangeView) -> Vec<(&str, String)> {
        view.spans.iter().map(|s| (s.tag, s.text.clone())).collect()
    }

    #[test]
    fn a_short_change_is_shown_whole() {
        let view = ChangeView::new(&change("研修会を開催した。", "研修会を2回開催した。"));
        assert!(!view.shortened);
        assert_eq!(view.spans.len(), 3);
        assert_eq!(
            (view.before_chars.as_str(), view.after_chars.as_str()),
            ("9", "11")
        );
    }

    #[test]
    fn a_small_edit_in_a_long_text_shows_the_edit_between_some_context() {
        let before = format!(
            "{}研修会を開催した。{}",
            "あ".repeat(5_000),
            "い".repeat(5_000)
        );
        let after = format!(
            "{}研修会を2回開催した。{}",
            "あ".repeat(5_000),
            "い".repeat(5_000)
        );
        let view = ChangeView::new(&change(&before, &after));
        assert!(view.shortened);
        assert_eq!(
            tags(&view),
            [
                ("same", format!("…{}研修会を", "あ".repeat(36))),
                ("ins", "2回".to_owned()),
                ("same", format!("開催した。{}…", "い".repeat(35))),
            ]
        );
        assert_eq!(
            (view.before_chars.as_str(), view.after_chars.as_str()),
            ("10,009", "10,011")
        );
        assert_eq!(view.before.chars().count(), SHOWN_CHARS);
    }

    #[test]
    fn a_long_rewrite_is_cut_on_both_sides() {
        let view = ChangeView::new(&change(&"古".repeat(12_345), &"新".repeat(10_000)));
        assert!(view.shortened);
        assert_eq!(
            tags(&view),
            [
                ("del", format!("{}…", "古".repeat(SHOWN_CHARS))),
                ("ins", format!("{}…", "新".repeat(SHOWN_CHARS))),
            ]
        );
        let shown: usize = view.spans.iter().map(|s| s.text.chars().count()).sum();
        assert_eq!(shown, 2 * SHOWN_CHARS + 2);
    }

    #[test]
    fn texts_known_only_in_part_are_never_taken_for_whole() {
        // The first 300 characters of texts of 20,000 and 20,001 characters.
        let before = "同".repeat(300);
        let after = format!("{}違", "同".repeat(299));
        let view = ChangeView::excerpt(&change(&before, &after), 20_000, 20_001);
        assert!(view.shortened);
        assert_eq!(
            tags(&view),
            [
                ("same", format!("…{}", "同".repeat(CONTEXT_CHARS))),
                ("del", "同…".to_owned()),
                ("ins", "違…".to_owned()),
            ]
        );
        assert_eq!(view.after_chars, "20,001");
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(12_345), "12,345");
        assert_eq!(grouped(1_000_000), "1,000,000");
    }
}
