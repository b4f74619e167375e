//! The records the reporting cycle reads and writes through [`crate::Cycle`]: users and
//! sessions, editions, sheets, comments, audit entries and waivers.
//!
//! Timestamps are [`DateTime<Utc>`] to the second (stored as fixed-width RFC 3339 text,
//! `2026-11-29T09:40:00Z`, which the store writes and reads back strictly); dates (基準日,
//! 提出期限) are [`NaiveDate`]s.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use kaikaku_model::workflow::{EditionState, Field, Role, SheetState};
use kaikaku_model::{FiscalYear, Item, ItemNo};

/// Where an edition came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// Read from a published document by `kaikaku import`: a past published edition.
    Import,
    /// Made in kaikaku by the reporting cycle (a new year, or a correction).
    Cycle,
}

impl Origin {
    /// Every origin.
    pub const ALL: [Origin; 2] = [Origin::Import, Origin::Cycle];

    /// The stable code: `import`, `cycle`.
    pub fn code(self) -> &'static str {
        match self {
            Origin::Import => "import",
            Origin::Cycle => "cycle",
        }
    }

    /// The origin for a code from [`Origin::code`].
    pub fn from_code(code: &str) -> Option<Origin> {
        Origin::ALL.into_iter().find(|o| o.code() == code)
    }

    /// The Japanese name: 取込, 作成.
    pub fn label(self) -> &'static str {
        match self {
            Origin::Import => "取込",
            Origin::Cycle => "作成",
        }
    }
}

/// A person who logs in.
#[derive(Clone, PartialEq, Eq)]
pub struct User {
    /// The user id.
    pub id: i64,
    /// The log-in name, unique.
    pub name: String,
    /// What the user may do.
    pub role: Role,
    /// The department (記入担当課) of an editor.
    pub department: Option<String>,
    /// The password hash (a PHC string); the store never sees a password.
    pub password_hash: String,
    /// When the user was created.
    pub created_at: DateTime<Utc>,
}

impl fmt::Debug for User {
    /// Everything but the password hash, so that logging a user leaks nothing.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("role", &self.role)
            .field("department", &self.department)
            .field("password_hash", &"…")
            .field("created_at", &self.created_at)
            .finish()
    }
}

/// A user to create.
#[derive(Clone, PartialEq, Eq)]
pub struct NewUser {
    /// The log-in name; must not be taken.
    pub name: String,
    /// What the user may do.
    pub role: Role,
    /// The department (記入担当課) of an editor.
    pub department: Option<String>,
    /// The password hash (a PHC string).
    pub password_hash: String,
}

impl fmt::Debug for NewUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("name", &self.name)
            .field("role", &self.role)
            .field("department", &self.department)
            .field("password_hash", &"…")
            .finish()
    }
}

/// A log-in session.
#[derive(Clone, PartialEq, Eq)]
pub struct Session {
    /// A hash of the token in the cookie (the token itself is never stored).
    pub token_hash: String,
    /// Who is logged in.
    pub user_id: i64,
    /// The token forms must echo (CSRF protection).
    pub csrf_token: String,
    /// When the session ends; stored to the second.
    pub expires_at: DateTime<Utc>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("token_hash", &"…")
            .field("user_id", &self.user_id)
            .field("csrf_token", &"…")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// One edition (a plan's report for one fiscal year, one revision) as listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edition {
    /// The report id.
    pub report_id: i64,
    /// The plan id.
    pub plan_id: i64,
    /// The plan name.
    pub plan_name: String,
    /// The fiscal year whose results the edition gives.
    pub fiscal_year: FiscalYear,
    /// 1, then one more for each correction (訂正).
    pub revision: i32,
    /// 受付中, 確定（ロック） or 公開.
    pub status: EditionState,
    /// Imported or made in kaikaku.
    pub origin: Origin,
    /// The document title.
    pub title: String,
    /// How many sheets the edition has.
    pub items: i64,
    /// 提出期限 for the sheets.
    pub due_date: Option<NaiveDate>,
    /// 基準日, set when the edition is locked.
    pub base_date: Option<NaiveDate>,
    /// When the cycle opened the edition.
    pub opened_at: Option<DateTime<Utc>>,
    /// When the edition was locked (cleared when it is unlocked).
    pub locked_at: Option<DateTime<Utc>>,
    /// When the edition was published (imports: when they were imported).
    pub published_at: Option<DateTime<Utc>>,
    /// Why this correction was made (revision 2 and later).
    pub correction_note: Option<String>,
}

/// One item's sheet in an edition, with where it is in the cycle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sheet {
    /// The edition.
    pub report_id: i64,
    /// The item number.
    pub no: ItemNo,
    /// The edition's state ([`kaikaku_model::workflow::may`] needs it).
    pub edition_status: EditionState,
    /// The content.
    pub item: Item,
    /// Where the sheet is in the cycle.
    pub state: SheetState,
    /// The version a save or transition must name (bumped by each of them).
    pub version: i64,
    /// When the sheet was last saved or moved.
    pub updated_at: Option<DateTime<Utc>>,
    /// Who last saved or moved it (user name).
    pub updated_by: Option<String>,
    /// The parts carried over from last year and not edited since, in sheet order.
    pub copied: Vec<Field>,
}

/// One sheet on the progress board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetSummary {
    /// The item number.
    pub no: ItemNo,
    /// The item title.
    pub title: String,
    /// The department that fills in the sheet (記入担当課).
    pub reporting_department: Option<String>,
    /// Where the sheet is in the cycle.
    pub state: SheetState,
    /// The current version.
    pub version: i64,
    /// When the sheet was last saved or moved.
    pub updated_at: Option<DateTime<Utc>>,
    /// Who last saved or moved it (user name).
    pub updated_by: Option<String>,
    /// How many comments are not resolved.
    pub open_comments: i64,
}

/// A remark on one field of a sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// The comment id (for [`crate::Cycle::resolve_comment`]).
    pub id: i64,
    /// The part of the sheet it concerns.
    pub field: Field,
    /// Who wrote it (user name).
    pub author: String,
    /// The remark.
    pub body: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it was resolved, if it was.
    pub resolved_at: Option<DateTime<Utc>>,
    /// Who resolved it (user name).
    pub resolved_by: Option<String>,
}

/// One journaled change: who, when, which field, the readable text before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    /// The entry's id (its place in the log: a later change has a larger id).
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (user name); `None` when no person acted.
    pub user: Option<String>,
    /// Which part of the sheet; [`Field::State`] for a change of state (of the sheet, or of
    /// the edition in [`crate::Cycle::edition_history`]).
    pub field: Field,
    /// The text before (empty when the part is new).
    pub before: String,
    /// The text after (empty when the part was removed).
    pub after: String,
}

/// An entry of a history page ([`crate::Cycle::audit_page`]): the entry with its texts cut
/// to their first characters, and how long they are whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditExcerpt {
    /// The entry; `before` and `after` are the first characters of the texts only.
    pub entry: AuditEntry,
    /// The length of the whole text before, in characters.
    pub before_chars: u64,
    /// The length of the whole text after, in characters.
    pub after_chars: u64,
}

impl AuditExcerpt {
    /// True when `before` and `after` are the whole texts.
    pub fn is_whole(&self) -> bool {
        self.entry.before.chars().count() as u64 == self.before_chars
            && self.entry.after.chars().count() as u64 == self.after_chars
    }
}

/// The order of a history read a page at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryOrder {
    /// The latest change first (page 1 holds the newest).
    NewestFirst,
    /// The first change first (page 1 holds the oldest).
    OldestFirst,
}

/// One page of a history, in the order asked for, and the number of entries in all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditPage {
    /// The entries of the page, in the order asked for.
    pub entries: Vec<AuditExcerpt>,
    /// How many entries the history has in all.
    pub total: u64,
}

/// A check finding accepted with a reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiver {
    /// The waiver id.
    pub id: i64,
    /// The finding's stable key, as the web layer builds it.
    pub finding_key: String,
    /// Why it is accepted.
    pub reason: String,
    /// Who accepted it (user name).
    pub user: String,
    /// When.
    pub at: DateTime<Utc>,
}
