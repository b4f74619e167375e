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

/// One change, before and after, with the readable diff.
#[derive(Clone, Debug)]
pub struct ChangeView {
    /// The part of the sheet (`取組内容 1`).
    pub label: String,
    /// The field path (`narratives.0`).
    pub path: String,
    /// The text before.
    pub before: String,
    /// The text after.
    pub after: String,
    /// The diff from before to after.
    pub spans: Vec<DiffSpan>,
}

impl ChangeView {
    /// The view of one change.
    pub fn new(change: &FieldChange) -> ChangeView {
        ChangeView {
            label: change.field.label(),
            path: change.field.path(),
            spans: diff_spans(&change.before, &change.after),
            before: change.before.clone(),
            after: change.after.clone(),
        }
    }
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
}
