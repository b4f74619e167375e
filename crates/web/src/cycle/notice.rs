//! The notices of the cycle pages: what a successful POST redirects with (`?done=saved`) and
//! the page it lands on shows (保存しました。). [`Notice`] is the one place both directions and
//! the Japanese messages are spelled; a `done=` value that is not a notice shows nothing, so a
//! link cannot put text of its own on a page.

use kaikaku_model::workflow::SheetAction;

/// The query parameter that carries a notice.
const KEY: &str = "done";

/// What a successful POST did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Notice {
    /// A report year opened.
    Opened,
    /// A sheet saved.
    Saved,
    /// A sheet submitted.
    Submitted,
    /// A sheet returned.
    Returned,
    /// A sheet confirmed.
    Confirmed,
    /// A confirmed sheet reopened.
    Reopened,
    /// A comment added.
    Commented,
    /// A comment resolved.
    Resolved,
    /// A finding waived.
    Waived,
    /// An edition locked.
    Locked,
    /// An edition unlocked.
    Unlocked,
    /// An edition published.
    Published,
    /// A correction opened.
    Corrected,
}

impl Notice {
    /// Every notice.
    pub(crate) const ALL: [Notice; 13] = [
        Notice::Opened,
        Notice::Saved,
        Notice::Submitted,
        Notice::Returned,
        Notice::Confirmed,
        Notice::Reopened,
        Notice::Commented,
        Notice::Resolved,
        Notice::Waived,
        Notice::Locked,
        Notice::Unlocked,
        Notice::Published,
        Notice::Corrected,
    ];

    /// The word in the query.
    fn word(self) -> &'static str {
        match self {
            Notice::Opened => "opened",
            Notice::Saved => "saved",
            Notice::Submitted => "submitted",
            Notice::Returned => "returned",
            Notice::Confirmed => "confirmed",
            Notice::Reopened => "reopened",
            Notice::Commented => "commented",
            Notice::Resolved => "resolved",
            Notice::Waived => "waived",
            Notice::Locked => "locked",
            Notice::Unlocked => "unlocked",
            Notice::Published => "published",
            Notice::Corrected => "corrected",
        }
    }

    /// The Japanese message the page shows.
    pub(crate) fn message(self) -> &'static str {
        match self {
            Notice::Opened => "報告年度を開始しました。各課のシートが作成されています。",
            Notice::Saved => "保存しました。",
            Notice::Submitted => "提出しました。",
            Notice::Returned => "差し戻しました。",
            Notice::Confirmed => "確定しました。",
            Notice::Reopened => "確定を解除しました。",
            Notice::Commented => "コメントを追加しました。",
            Notice::Resolved => "コメントを解決済みにしました。",
            Notice::Waived => "指摘を確認済みにしました。",
            Notice::Locked => "基準日を設定してロックしました。",
            Notice::Unlocked => "ロックを解除しました。",
            Notice::Published => "公開しました。",
            Notice::Corrected => {
                "訂正版を作成しました。シートを修正して、確定・ロック・公開してください。"
            }
        }
    }

    /// The query that carries the notice: `done=saved`.
    pub(crate) fn as_query(self) -> String {
        format!("{KEY}={}", self.word())
    }

    /// The address `href` with the notice and then `anchor` (`#comments`, or empty).
    pub(crate) fn href(self, href: &str, anchor: &str) -> String {
        format!("{href}?{}{anchor}", self.as_query())
    }

    /// The notice of a query (the first `done=` parameter), or `None` when it has none or an
    /// unknown one.
    pub(crate) fn parse(query: Option<&str>) -> Option<Notice> {
        let word = query?.split('&').find_map(|pair| {
            pair.strip_prefix(KEY)
                .and_then(|rest| rest.strip_prefix('='))
        })?;
        Notice::ALL.into_iter().find(|n| n.word() == word)
    }

    /// The notice after a sheet transition.
    pub(crate) fn after(action: SheetAction) -> Notice {
        match action {
            SheetAction::Save | SheetAction::Submit => Notice::Submitted,
            SheetAction::Return => Notice::Returned,
            SheetAction::Confirm => Notice::Confirmed,
            SheetAction::Reopen => Notice::Reopened,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_notice_reads_back_from_its_query() {
        for notice in Notice::ALL {
            assert_eq!(Notice::parse(Some(&notice.as_query())), Some(notice));
        }
        assert_eq!(
            Notice::Waived.href("/editions/7/sheets/3", "#findings"),
            "/editions/7/sheets/3?done=waived#findings"
        );
    }

    #[test]
    fn notices_are_known_words_only() {
        let message = |query| Notice::parse(query).map(Notice::message);
        assert_eq!(message(Some("done=saved")), Some("保存しました。"));
        assert_eq!(
            message(Some("x=1&done=waived")),
            Some("指摘を確認済みにしました。")
        );
        assert_eq!(message(Some("done=<script>")), None);
        assert_eq!(message(Some("done=")), None);
        assert_eq!(message(Some("undone=saved")), None);
        assert_eq!(message(Some("done=Saved")), None);
        // The first notice decides.
        assert_eq!(message(Some("done=x&done=saved")), None);
        assert_eq!(message(None), None);
    }
}
