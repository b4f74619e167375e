//! Readers for single cells and labels: item headings, departments, action
//! lists, bracketed section headings (`【令和3年度（実績）】`, `【令和3年度総評】`) and repost
//! references (`（No.3再掲）`).

use kaikaku_model::calendar::scan_fiscal_years;
use kaikaku_model::text::{circled_number, fold_key, is_space};
use kaikaku_model::{Action, Era, FiscalYear, ItemNo, NarrativeKind};

/// Reads an item heading `No.1 多様な…`, `Ｎｏ．１ …`, `No 12 …`: the number and the title.
pub fn item_heading(line: &str) -> Option<(ItemNo, String)> {
    let rest = line.trim_start_matches(is_space);
    let (no, len) = ItemNo::parse_prefix(rest, false)?;
    let title = rest[len..].trim_matches(|c: char| is_space(c) || c == '\t');
    Some((no, title.to_owned()))
}

/// Reads `【担当課：まちづくり推進課・地域振興課・関係各課】` into department names.
pub fn departments(line: &str) -> Option<Vec<String>> {
    if !line.contains("担当") || crate::quoted::is_quoted(line) {
        return None;
    }
    let text = line.trim_matches(|c: char| is_space(c) || c == '\t');
    let inner = text
        .strip_prefix('【')
        .map(|t| t.strip_suffix('】').unwrap_or(t))
        .unwrap_or(text);
    let (label, list) = match inner.split_once(['：', ':']) {
        Some(split) => split,
        // `【担当課】政策課、財政課`
        None => text.strip_prefix('【')?.split_once('】')?,
    };
    if !fold_key(label).ends_with("担当課") {
        return None;
    }
    Some(split_departments(list))
}

fn split_departments(list: &str) -> Vec<String> {
    let separators: &[char] = if list.contains('、') || list.contains('，') || list.contains(',')
    {
        &['、', '，', ',']
    } else {
        &['・']
    };
    let mut names: Vec<String> = Vec::new();
    let mut pending = String::new();
    for part in list.split(separators) {
        let part = part.trim_matches(is_space);
        if part.is_empty() {
            continue;
        }
        if !pending.is_empty() {
            pending.push('・');
        }
        pending.push_str(part);
        if kaikaku_model::text::ends_like_organisation(&pending) {
            names.push(std::mem::take(&mut pending));
        }
    }
    if !pending.is_empty() {
        names.push(pending);
    }
    names
}

/// Splits a main-actions text `①… ②… ③…` into numbered actions. A circled number starts an
/// action at the start of the text or after a space; elsewhere it is part of the text.
/// Returns the text before the first number (normally empty) and the actions.
pub fn actions(text: &str) -> (String, Vec<Action>) {
    let mut preamble = String::new();
    let mut actions: Vec<Action> = Vec::new();
    let mut previous: Option<char> = None;
    for c in text.chars() {
        let starts_action = previous.is_none_or(is_space);
        match circled_number(c) {
            Some(no) if starts_action => actions.push(Action {
                no,
                text: String::new(),
            }),
            _ => match actions.last_mut() {
                Some(action) => action.text.push(c),
                None => preamble.push(c),
            },
        }
        previous = Some(c);
    }
    for action in &mut actions {
        action.text = action.text.trim_matches(is_space).to_owned();
    }
    (preamble.trim_matches(is_space).to_owned(), actions)
}

/// A bracketed section heading at the start of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Heading {
    /// `【令和3年度（実績）】`, `【令和4年度（見込み）】`, `【令和5年度（計画）】`.
    Narrative(FiscalYear, NarrativeKind),
    /// `【令和3年度総評】`, or `【総評】` without a year.
    Evaluation(Option<FiscalYear>),
}

/// Reads a heading `【…】` at the start of `text` (spaces allowed before it); returns the
/// heading and the byte offset just after `】`.
pub fn heading(text: &str, era: Option<Era>) -> Option<(Heading, usize)> {
    let trimmed = text.trim_start_matches(is_space);
    let offset = text.len() - trimmed.len();
    let inner_start = trimmed.strip_prefix('【')?;
    let close = inner_start.find('】')?;
    let inner = &inner_start[..close];
    let end = offset + '【'.len_utf8() + close + '】'.len_utf8();
    if fold_key(inner) == "総評" {
        return Some((Heading::Evaluation(None), end));
    }
    let mention = scan_fiscal_years(inner, era).into_iter().next()?;
    if !inner[..mention.span.start]
        .trim_matches(is_space)
        .is_empty()
    {
        return None;
    }
    let rest = fold_key(&inner[mention.span.end..]);
    let word = rest.trim_start_matches('(').trim_end_matches(')');
    let heading = match word {
        "総評" => Heading::Evaluation(Some(mention.year)),
        "実績" => Heading::Narrative(mention.year, NarrativeKind::Actual),
        "見込み" | "見込" | "見通し" => {
            Heading::Narrative(mention.year, NarrativeKind::Forecast)
        }
        "計画" | "目標" | "予定" => Heading::Narrative(mention.year, NarrativeKind::Plan),
        _ => return None,
    };
    Some((heading, end))
}

/// The item numbers of repost references in a text: `（No.3再掲）`, `（No.2 再掲）`,
/// `（Ｎｏ．５再掲）`, in order, without repeats.
pub fn reposts(text: &str) -> Vec<ItemNo> {
    if !text.contains("再掲") {
        return Vec::new();
    }
    let key = fold_key(text);
    let mut found: Vec<ItemNo> = Vec::new();
    for (pos, _) in key.match_indices("再掲") {
        let before = &key[..pos];
        // The reference ends right before 再掲: find where its `No` starts.
        let Some(start) = before.rfind(['N', 'n']) else {
            continue;
        };
        match ItemNo::parse_prefix(&before[start..], false) {
            Some((no, len)) if start + len == before.len() && !found.contains(&no) => {
                found.push(no)
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_headings() {
        let h = |s: &str| item_heading(s).map(|(no, title)| (no.0, title));
        assert_eq!(
            h("No.1 多様な話し合いの場と環境づくり"),
            Some((1, "多様な話し合いの場と環境づくり".into()))
        );
        assert_eq!(h("Ｎｏ．１２ 行政情報"), Some((12, "行政情報".into())));
        assert_eq!(
            h("No. 3\tアウトソーシング"),
            Some((3, "アウトソーシング".into()))
        );
        assert_eq!(h("No.7"), Some((7, String::new())));
        assert_eq!(h("Note"), None);
        assert_eq!(h("No.x"), None);
        assert_eq!(h("（No.3再掲）"), None);
    }

    #[test]
    fn department_lists() {
        let d = |s: &str| departments(s).unwrap_or_default();
        assert_eq!(
            d("【担当課：まちづくり推進課・地域振興課・関係各課】"),
            ["まちづくり推進課", "地域振興課", "関係各課"]
        );
        assert_eq!(
            d("【担当課：まちづくり推進課、各総合支所地域振興課、財政課、総務課、政策課】"),
            [
                "まちづくり推進課",
                "各総合支所地域振興課",
                "財政課",
                "総務課",
                "政策課"
            ]
        );
        assert_eq!(
            d("【担当課：経営管理部経営企画課】"),
            ["経営管理部経営企画課"]
        );
        assert_eq!(
            d("【担当課：子ども・子育て支援課・政策課】"),
            ["子ども・子育て支援課", "政策課"]
        );
        assert_eq!(d("【担当課】政策課、財政課"), ["政策課", "財政課"]);
        assert_eq!(departments("【令和3年度総評】"), None);
    }

    #[test]
    fn action_lists() {
        let (pre, list) =
            actions("①多様な話し合い ②きっかけづくり（計画期間：H19～H27） ③役割の明確化");
        assert_eq!(pre, "");
        let got: Vec<(u8, &str)> = list.iter().map(|a| (a.no, a.text.as_str())).collect();
        assert_eq!(
            got,
            [
                (1, "多様な話し合い"),
                (2, "きっかけづくり（計画期間：H19～H27）"),
                (3, "役割の明確化")
            ]
        );
        let (_, list) = actions("①A②を含む ②B");
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].text, "A②を含む");
    }

    #[test]
    fn headings() {
        let era = Some(Era::Reiwa);
        let h = |s: &str| heading(s, era).map(|(h, _)| h);
        let fy = |y| FiscalYear::new(y).expect("year");
        assert_eq!(
            h("【令和3年度（実績）】 ・協働"),
            Some(Heading::Narrative(fy(2021), NarrativeKind::Actual))
        );
        assert_eq!(
            h("【令和 4 年度（見込み）】"),
            Some(Heading::Narrative(fy(2022), NarrativeKind::Forecast))
        );
        assert_eq!(
            h("【令和3年度総評】 コロナ禍"),
            Some(Heading::Evaluation(Some(fy(2021))))
        );
        assert_eq!(
            h("【令和 3 年度総評】"),
            Some(Heading::Evaluation(Some(fy(2021))))
        );
        assert_eq!(h("【総評】"), Some(Heading::Evaluation(None)));
        assert_eq!(
            h("【3年度（実績）】"),
            Some(Heading::Narrative(fy(2021), NarrativeKind::Actual))
        );
        assert_eq!(h("【担当課：政策課】"), None);
        assert_eq!(h("【階層別研修 157 人】"), None);
        assert_eq!(
            heading("【令和3年度（実績）】 x", era).map(|(_, end)| end),
            Some("【令和3年度（実績）】".len())
        );
    }

    #[test]
    fn repost_references() {
        let r = |s: &str| reposts(s).into_iter().map(|n| n.0).collect::<Vec<_>>();
        assert_eq!(
            r("…となった。（No.3再掲） ・…。（No.5再掲） …（No.3再掲）"),
            [3, 5]
        );
        assert_eq!(r("（No.2 再掲）"), [2]);
        assert_eq!(r("（Ｎｏ．１５再掲）"), [15]);
        assert_eq!(r("再掲なし"), Vec::<u32>::new());
    }
}
