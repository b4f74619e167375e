//! Stores progress reports, one edition per plan, report fiscal year and revision, in a
//! normalised SQL schema, on SQLite (embedded, the default) or PostgreSQL; and the yearly
//! reporting cycle that makes new editions.
//!
//! Three traits, implemented by [`SqliteStore`] (WAL, foreign keys on, busy timeout), by
//! [`PgStore`], and by [`Database`], the one handle the rest of kaikaku uses
//! ([`Database::connect`]: a `postgres://…` URL is PostgreSQL, anything else an SQLite file):
//!
//! - [`Store`]: imports and the public read side. A report is saved in one transaction and
//!   replaces any earlier *imported* report of the same plan and fiscal year;
//!   [`Store::load_report`] gives back a [`Report`] equal to the one saved. Reads through
//!   `Store` see published editions only, which is what anonymous visitors may see.
//! - [`Cycle`]: users and sessions, and the reporting cycle: opening a year from last year's
//!   edition, sheets with versions (a stale write is refused with [`StoreError::Conflict`]),
//!   state transitions, comments, waivers, locking, publishing, corrections, and an
//!   append-only audit log. Every write is ONE transaction and changes nothing when it fails.
//!   The store keeps the data consistent (edition states, sheet versions, transitions that
//!   [`kaikaku_model::workflow::SheetState::apply`] allows); *who* may do what is decided by
//!   the caller with [`kaikaku_model::workflow::may`] before it calls the store.
//! - [`Search`]: Japanese full-text search over the sheets (module [`search`]), indexed by the
//!   same transactions that write the sheets.
//!
//! # Editions and sheets
//!
//! An edition is a `reports` row, a sheet an `items` row. Imported reports are published
//! editions (revision 1, [`Origin::Import`]). [`Cycle::open_cycle`] makes an open edition of
//! origin [`Origin::Cycle`] whose sheets are [`kaikaku_model::workflow::carry_over`] of the
//! latest published edition before it; sheets go 未着手 → … → 確定; the edition is locked
//! with its 基準日 once every sheet is 確定, then published, after which it never changes. A
//! correction ([`Cycle::open_correction`]) is a copy of a published edition as the next
//! revision; [`Cycle::changes_between`] lists what it changed.
//!
//! # Two engines, one body of code
//!
//! Every statement lives in the `sql` module and is portable: runtime-checked queries,
//! `$1, $2 …` placeholders, `INSERT … RETURNING id`, `ON CONFLICT … DO UPDATE`, standard types
//! (INTEGER for `i32`, BIGINT for `i64`, TEXT, BOOLEAN), decimals kept as TEXT, timestamps as
//! fixed-width RFC 3339 text written in Rust. A report's rows are written with one multi-row
//! INSERT per table (`sql::Insert`, its text generated for the number of rows, values always
//! bound; anonymous `?` placeholders on SQLite, see `NUMBERED_PLACEHOLDERS`). Rows are read
//! into named structs (`rows`, one per statement of two columns or more) and decoded strictly
//! (`codec`) into the public records (`records`). The per-engine files are written once
//! against a connection type `Conn` and compiled twice, as the modules `on_sqlite` (`Conn` =
//! `SqliteConnection`) and `on_postgres` (`PgConnection`), each beside its own `engine` file.
//! The engine files (`sqlite.rs`, `postgres.rs`) hold everything that differs, each in one
//! place: opening and migrating (`migrations/sqlite` or `migrations/postgres`: identity ids, a
//! trigger function for the append-only audit log, a `tsvector` under GIN), how a write
//! transaction begins (`BEGIN IMMEDIATE` or a plain `BEGIN`; PostgreSQL reads use one
//! REPEATABLE READ snapshot, as SQLite's do) and the search index statements (FTS5 `MATCH` or
//! `@@` with phrase `tsquery`s over the same Rust-made tokens, see [`search`]). Unique
//! violations are recognised through sqlx's engine-independent `is_unique_violation`.
//!
//! # Where things are
//!
//! From the top down; each file imports only files after it in this list, so no file imports
//! one that imports it back:
//!
//! - `backend`: the three traits for one engine's store: each method opens the transaction it
//!   needs (read snapshot, write, or none), calls one operation and ends it (`tx::finish`).
//! - operations, each a function over `&mut Conn` inside its caller's transaction:
//!   `editions` (the cycle of an edition), `sheets` (a sheet, its comments and waivers),
//!   `save` (the import), `users` (users and sessions), `backlog` (work the migrations leave
//!   for when the store opens), `load` (reading reports back).
//! - helpers of the operations: `guard` (the acting user exists, the edition's state allows
//!   the write, the row locks writers take first), `audit` (the append-only log), `body`
//!   (writing an edition's rows), `index` (the search index's writes and the search itself),
//!   `insert` (the multi-row `INSERT`), `tx` (commit or roll back).
//! - `engine` (`sqlite.rs` / `postgres.rs`): the store type, opening and migrating, how a
//!   transaction begins, the statements that differ. It imports none of the above; once
//!   migrated, its opening calls the store's `catch_up` (in `backlog`, a method of the store).
//! - shared by both engines, not compiled twice: `sql` (every portable statement), `rows`,
//!   `codec`, `records`, [`search`] (queries and tokens), `database` ([`Database`]).
//!
//! # How to add an operation
//!
//! 1. Declare the method, with its documentation and how it fails, in its trait below
//!    ([`Store`], [`Cycle`] or [`Search`]). The traits are declared through
//!    `dispatched_trait!`, which implements them for [`Database`] too: nothing to add there.
//! 2. Write its statements in `sql.rs` (`$n` placeholders, portable SQL; a statement that
//!    cannot be portable goes into both engine files), naming every column a row struct
//!    reads; add the row struct to `rows.rs` when it reads two columns or more (one column is
//!    read with `query_scalar`).
//! 3. Write the operation as a `pub(crate) async fn` over `&mut Conn` in the file of its
//!    subject (`editions`, `sheets`, `users`, `save`, `load`), starting with its guards
//!    (`guard::require_user`, `guard::claim_open_edition` …) and journaling in `audit`.
//! 4. Implement the method in `backend.rs`: `begin_write` (or `begin_read` for a consistent
//!    read of several statements), the operation, `finish`.
//! 5. Test it in `tests/store/` on both engines (`scripts/test`, or
//!    `KAIKAKU_TEST_POSTGRES=URL cargo test -p kaikaku-store`).
//!
//! A signature is thus written three times: the trait (the contract, with its documentation),
//! `backend` (where the transaction is chosen, compiled per engine) and the operation (the work
//! on a connection, which other operations reuse inside their own transaction, e.g.
//! `open_cycle` loading the previous edition). Generating `backend` from the trait as well
//! would need each method to name its transaction kind and operation inside the trait's
//! declaration, and a few methods are more than one call (`save_reports`' batch, `load_report`'s
//! visibility check): the macro would hide more than it saves.
//!
//! Writers stay correct under PostgreSQL's READ COMMITTED without `SELECT … FOR UPDATE`:
//! every write to an edition's sheets first runs a guarded no-op `UPDATE reports … WHERE
//! status = 'open'`, which row-locks the edition, and locking it does its guarded `UPDATE`
//! before counting unconfirmed sheets; comments (added or resolved) run the same guard with
//! `status <> 'published'`, so a concurrent publish waits for them or refuses them; sheet
//! writes are guarded by `UPDATE items … WHERE version = $expected`; opening a year or a
//! correction first runs a no-op `UPDATE plans`, the row lock an import's upsert of the plan
//! takes too, so a re-import never deletes the revision a correction is copying, and two
//! openings of one year cannot both pass their checks. SQLite's `BEGIN IMMEDIATE` serialises
//! writers anyway.

pub mod backup;
mod codec;
#[macro_use]
mod database;
mod records;
mod rows;
pub mod search;
#[macro_use]
mod sql;

/// How long a statement runs before sqlx logs it as slow, and at what level: `info`, not
/// sqlx's default `warn`, because the log carries the whole statement — a migration that
/// rewrites a national-size table or a multi-row insert of thousands of rows is expected to
/// take seconds and would fill the terminal of every `kaikaku` command that opens the store
/// (`RUST_LOG=sqlx=info` shows them).
fn log_slow_statements<O: sqlx::ConnectOptions>(options: O) -> O {
    options.log_slow_statements(log::LevelFilter::Info, std::time::Duration::from_secs(1))
}

/// Whether a connection given back to the pool may be lent again: not when it is still inside
/// a transaction. That happens when a rollback failed — e.g. SQLite had already rolled the
/// transaction back itself after a full disk — and sqlx then keeps counting the transaction
/// as open: every later `BEGIN` on that connection would fail. The ping first runs the
/// rollback sqlx queues for a transaction dropped unfinished.
async fn reusable<C: sqlx::Connection>(conn: &mut C) -> Result<bool, sqlx::Error> {
    conn.ping().await?;
    Ok(!conn.is_in_transaction())
}

/// The store on SQLite: the shared operations (`editions`, `load`, `save`, `sheets`, `users`,
/// `index`, and the trait impls in `backend`) compiled over `SqliteConnection`, with the
/// SQLite `engine`.
#[path = "."]
#[allow(
    clippy::duplicate_mod,
    reason = "the shared files are compiled once per engine on purpose"
)]
mod on_sqlite {
    pub(crate) type Db = sqlx::Sqlite;
    pub(crate) type Conn = sqlx::SqliteConnection;
    pub(crate) type Row = sqlx::sqlite::SqliteRow;
    pub(crate) type Backend = engine::SqliteStore;

    #[path = "audit.rs"]
    mod audit;
    #[path = "backend.rs"]
    mod backend;
    #[path = "backlog.rs"]
    mod backlog;
    #[path = "body.rs"]
    mod body;
    #[path = "editions.rs"]
    mod editions;
    #[path = "sqlite.rs"]
    pub(crate) mod engine;
    #[path = "guard.rs"]
    mod guard;
    #[path = "index.rs"]
    mod index;
    #[path = "insert.rs"]
    mod insert;
    #[path = "load.rs"]
    mod load;
    #[path = "save.rs"]
    mod save;
    #[path = "sheets.rs"]
    mod sheets;
    #[path = "tx.rs"]
    mod tx;
    #[path = "users.rs"]
    mod users;
}

/// The store on PostgreSQL: the same files as [`on_sqlite`] compiled over `PgConnection`,
/// with the PostgreSQL `engine`.
#[path = "."]
#[allow(
    clippy::duplicate_mod,
    reason = "the shared files are compiled once per engine on purpose"
)]
mod on_postgres {
    pub(crate) type Db = sqlx::Postgres;
    pub(crate) type Conn = sqlx::PgConnection;
    pub(crate) type Row = sqlx::postgres::PgRow;
    pub(crate) type Backend = engine::PgStore;

    #[path = "audit.rs"]
    mod audit;
    #[path = "backend.rs"]
    mod backend;
    #[path = "backlog.rs"]
    mod backlog;
    #[path = "body.rs"]
    mod body;
    #[path = "editions.rs"]
    mod editions;
    #[path = "postgres.rs"]
    pub(crate) mod engine;
    #[path = "guard.rs"]
    mod guard;
    #[path = "index.rs"]
    mod index;
    #[path = "insert.rs"]
    mod insert;
    #[path = "load.rs"]
    mod load;
    #[path = "save.rs"]
    mod save;
    #[path = "sheets.rs"]
    mod sheets;
    #[path = "tx.rs"]
    mod tx;
    #[path = "users.rs"]
    mod users;
}

use chrono::{DateTime, NaiveDate, Utc};
use kaikaku_model::workflow::{EditionState, Field, FieldChange, SheetState};
use kaikaku_model::{FiscalYear, Item, ItemNo, LocalGovernmentCode, Municipality, Report};

pub use database::{Database, HeldConnection, PoolSettings};
pub use on_postgres::engine::PgStore;
pub use on_sqlite::engine::SqliteStore;
pub use records::{
    AuditEntry, AuditExcerpt, AuditPage, Comment, Edition, HistoryOrder, NewUser, Origin, Session,
    Sheet, SheetSummary, User, Waiver,
};
pub use search::{QueryError, SearchFilter, SearchHit, SearchQuery, SearchResults, SearchScope};

/// Where a stored report came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// The file name as given.
    pub name: String,
    /// The detected (or forced) encoding name, e.g. `UTF-8`, `Shift_JIS`.
    pub encoding: String,
}

/// What [`Store::save_report`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saved {
    /// No report of this plan and fiscal year was stored before.
    Inserted {
        /// The id of the new report.
        report_id: i64,
    },
    /// A report of this plan and fiscal year was stored before and has been replaced.
    Replaced {
        /// The id of the new report (the old id is gone).
        report_id: i64,
    },
}

impl Saved {
    /// The id of the report just stored.
    pub fn report_id(self) -> i64 {
        match self {
            Saved::Inserted { report_id } | Saved::Replaced { report_id } => report_id,
        }
    }
}

/// A published edition as listed: what it is, how big it is and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredReport {
    /// The report id, for [`Store::load_report`]; a re-import gives a new id (ids are never
    /// reused).
    pub id: i64,
    /// The id of the plan, stable for the life of the database (plans are never deleted):
    /// with the fiscal year, the stable address of a report.
    pub plan_id: i64,
    /// The plan the report belongs to.
    pub plan_name: String,
    /// The municipality of the plan, when known.
    pub municipality: Option<Municipality>,
    /// The fiscal year whose results the report gives (always present for stored reports).
    pub report_fiscal_year: Option<FiscalYear>,
    /// The document title.
    pub title: String,
    /// How many item sheets the report has.
    pub items: i64,
    /// How many warnings the reader left.
    pub warnings: i64,
    /// The source file name; empty for editions made in kaikaku.
    pub source: String,
    /// When the report was stored (to the second): the import, or the opening of a cycle
    /// edition.
    pub imported_at: DateTime<Utc>,
    /// 1, or the revision of the latest correction (訂正).
    pub revision: i32,
    /// Imported, or made in kaikaku.
    pub origin: Origin,
    /// When the edition was published (imports: when they were imported).
    pub published_at: Option<DateTime<Utc>>,
    /// 基準日, for editions made in kaikaku.
    pub base_date: Option<NaiveDate>,
    /// Why the correction was made, for revision 2 and later.
    pub correction_note: Option<String>,
}

/// Which published editions [`Store::list_published`] lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listing<'a> {
    /// Every plan and year of every municipality.
    All,
    /// Those of one municipality.
    Municipality(&'a LocalGovernmentCode),
    /// Those of the plans imported without a municipality.
    WithoutMunicipality,
    /// Those of one plan.
    Plan(i64),
    /// The one of a plan and year (none or one).
    Edition {
        /// The plan.
        plan_id: i64,
        /// The report fiscal year.
        fiscal_year: FiscalYear,
    },
}

/// See [`Store::publication_stamp`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PublicationStamp {
    /// How many editions are published (all revisions).
    pub published: i64,
    /// The largest id among them.
    pub latest_id: i64,
}

/// A municipality with published editions, as listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MunicipalitySummary {
    /// The municipality; `None` for the plans imported without one.
    pub municipality: Option<Municipality>,
    /// How many plans have published editions.
    pub plans: i64,
    /// How many plans and years are published (corrections not counted twice).
    pub editions: i64,
    /// The latest report fiscal year published.
    pub latest_fiscal_year: FiscalYear,
}

dispatched_trait! {
/// Imports reports and reads published editions back: what the CLI and the public pages use.
///
/// A plan is named within its municipality: two towns may both have a plan called
/// 「行政改革大綱」. An import with a municipality files the report under that municipality's
/// plan of that name (adopting a plan of that name stored before its municipality was known);
/// an import without one goes to the only plan of that name, and fails with
/// [`StoreError::AmbiguousPlan`] when several municipalities have one.
#[allow(async_fn_in_trait)]
pub trait Store {
    /// Stores one imported report as a published edition in ONE transaction; an imported
    /// report of the same plan (see above) and report fiscal year is replaced (deleted and
    /// re-inserted) inside that same transaction. On any error nothing changes.
    ///
    /// Fails with [`StoreError::EditionInCycle`] when the plan and year have an edition made
    /// in kaikaku (an open cycle or a correction): its history is not overwritten by a file.
    async fn save_report(&self, report: &Report, source: &Source) -> Result<Saved, StoreError>;

    /// Stores several imported reports in ONE transaction, each as [`Store::save_report`]
    /// would; the results are in the order of `reports`. A report refused before anything is
    /// written (no plan name, no year, a unit) gets its error in its place; when one fails
    /// after writing, the whole transaction is rolled back and every report of the batch is
    /// saved again in a transaction of its own, so that exactly the failing ones fail. Either
    /// every report given `Ok` is committed, or — when the outer result is an error (the
    /// commit failed) — none is. A bulk import writes in such batches: the engine's per-commit work
    /// (FTS5 writes each commit's index terms as a new segment and merges segments again and
    /// again; PostgreSQL flushes its WAL) is paid once per batch instead of once per report.
    async fn save_reports(
        &self,
        reports: &[(&Report, &Source)],
    ) -> Result<Vec<Result<Saved, StoreError>>, StoreError>;

    /// Succeeds when the database answers a trivial query (for `GET /healthz`).
    async fn ping(&self) -> Result<(), StoreError>;

    /// Every published plan and year, in its latest published revision, ordered by
    /// municipality code (plans of no known municipality first), plan name, then report fiscal
    /// year: what the public pages list. Editions in the cycle (open or locked) and superseded
    /// revisions are in [`Cycle::list_editions`].
    async fn list_reports(&self) -> Result<Vec<StoredReport>, StoreError> {
        self.list_published(Listing::All).await
    }

    /// Those of [`Store::list_reports`] that `which` selects, in the same order; one query
    /// whatever the size of the database.
    async fn list_published(&self, which: Listing<'_>) -> Result<Vec<StoredReport>, StoreError>;

    /// The latest published revision of a plan and year, if there is one.
    async fn published(
        &self,
        plan_id: i64,
        fiscal_year: FiscalYear,
    ) -> Result<Option<StoredReport>, StoreError> {
        let mut found = self
            .list_published(Listing::Edition {
                plan_id,
                fiscal_year,
            })
            .await?;
        Ok(found.pop())
    }

    /// The municipalities with published editions, ordered by code (plans of no known
    /// municipality first).
    async fn list_municipalities(&self) -> Result<Vec<MunicipalitySummary>, StoreError>;

    /// The published edition an import of `report` would replace (its plan, found as
    /// [`Store::save_report`] finds it, and its fiscal year), without writing anything: what
    /// a dry run compares with. Fails with [`StoreError::AmbiguousPlan`] as the import would.
    async fn import_target(&self, report: &Report) -> Result<Option<StoredReport>, StoreError>;

    /// A stamp of everything published: it differs whenever an edition is imported, replaced
    /// or published (by this process or any other), so a cache of public pages is fresh
    /// while the stamp it was made under is current. Published editions never change, and
    /// each of those writes adds a published row (a new id) or publishes one (the count
    /// grows), so (count, largest id) of the published rows covers them all.
    async fn publication_stamp(&self) -> Result<PublicationStamp, StoreError>;

    /// The full published edition stored under `id` (any revision), equal (`==`) to the one
    /// saved. Fails with [`StoreError::NotFound`] for an unknown id and for an edition that is
    /// not published, so that no draft reaches the public; drafts load with
    /// [`Cycle::load_edition`].
    async fn load_report(&self, id: i64) -> Result<Report, StoreError>;

    /// The editions of [`Store::list_published`]`(which)` in full, in that order, with their
    /// listing; one query per table for each run of neighbouring ids (a municipality's or a
    /// prefecture's editions imported together are one run), not one load per edition.
    async fn load_listed(
        &self,
        which: Listing<'_>,
    ) -> Result<Vec<(StoredReport, Report)>, StoreError>;
}
}

dispatched_trait! {
/// Users, sessions and the yearly reporting cycle.
///
/// Every method that writes runs ONE transaction and changes nothing when it fails. `by` is
/// the acting user's id ([`StoreError::UserNotFound`] when there is no such user); it is
/// written to the audit log. Methods that name a sheet by `(report_id, no)` fail with
/// [`StoreError::NotFound`] for an unknown edition and [`StoreError::SheetNotFound`] for an
/// unknown item number.
#[allow(async_fn_in_trait)]
pub trait Cycle {
    // Users and sessions.

    /// Creates a user and returns its id. Fails with [`StoreError::DuplicateUser`] when the
    /// name is taken.
    async fn create_user(&self, user: &NewUser) -> Result<i64, StoreError>;

    /// The user with this id, if any.
    async fn user(&self, id: i64) -> Result<Option<User>, StoreError>;

    /// The user with this log-in name, if any.
    async fn user_by_name(&self, name: &str) -> Result<Option<User>, StoreError>;

    /// Every user, ordered by name.
    async fn list_users(&self) -> Result<Vec<User>, StoreError>;

    /// Replaces a user's password hash. Fails with [`StoreError::UserNotFound`].
    async fn set_password_hash(&self, user_id: i64, hash: &str) -> Result<(), StoreError>;

    /// Stores a new session. Fails with [`StoreError::UserNotFound`] for an unknown user.
    async fn create_session(&self, session: &Session) -> Result<(), StoreError>;

    /// The session with this token hash and its user; `None` when there is none or it expired
    /// at or before `now`.
    async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Session, User)>, StoreError>;

    /// Ends a session (log-out); succeeds when there is none.
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;

    /// Ends every session of a user (after a password change); returns how many.
    async fn delete_user_sessions(&self, user_id: i64) -> Result<u64, StoreError>;

    /// Deletes the sessions expired at or before `now`; returns how many.
    async fn delete_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64, StoreError>;

    // Editions.

    /// Every edition, all revisions and states, ordered by plan name, fiscal year, revision.
    async fn list_editions(&self) -> Result<Vec<Edition>, StoreError>;

    /// One edition as listed.
    async fn edition(&self, report_id: i64) -> Result<Edition, StoreError>;

    /// One edition in full, in any state (drafts included).
    async fn load_edition(&self, report_id: i64) -> Result<Report, StoreError>;

    /// One edition without its item sheets (title, plan, plan period, summary, warnings): what
    /// a single sheet needs around it, without reading every other sheet.
    async fn edition_frame(&self, report_id: i64) -> Result<Report, StoreError>;

    /// Opens the reporting cycle of `fiscal_year` for a plan and returns the new edition's id:
    /// an open edition (revision 1, origin cycle) whose sheets are
    /// [`kaikaku_model::workflow::carry_over`] of the latest published edition of the plan's
    /// latest earlier year, each 未着手 at version 1 with its copied parts marked. The title is
    /// the previous title with the year replaced (else `{plan}（{和暦}実績）`); the plan
    /// period and the summary table are copied.
    ///
    /// Fails with [`StoreError::PlanNotFound`], [`StoreError::EditionExists`] (any edition of
    /// that plan and year), [`StoreError::NoPreviousEdition`], or
    /// [`StoreError::PreviousNotPublished`] when the latest earlier year is still in its cycle.
    async fn open_cycle(
        &self,
        plan_id: i64,
        fiscal_year: FiscalYear,
        due_date: Option<NaiveDate>,
        by: i64,
    ) -> Result<i64, StoreError>;

    /// Locks an open edition with its 基準日. Fails with [`StoreError::NotAllConfirmed`] while
    /// a sheet is not 確定, and [`StoreError::EditionTransition`] when the edition is not open.
    async fn lock_edition(
        &self,
        report_id: i64,
        base_date: NaiveDate,
        by: i64,
    ) -> Result<(), StoreError>;

    /// Takes a locked edition back to open. Fails with [`StoreError::EditionTransition`] when
    /// it is not locked.
    async fn unlock_edition(&self, report_id: i64, by: i64) -> Result<(), StoreError>;

    /// Publishes a locked edition; from then on it never changes. Fails with
    /// [`StoreError::EditionTransition`] when it is not locked.
    async fn publish_edition(&self, report_id: i64, by: i64) -> Result<(), StoreError>;

    /// Opens a correction (訂正) of a published edition and returns its id: a copy as the next
    /// revision, open, origin cycle, every sheet 入力中, with `note` saying why. Fails with
    /// [`StoreError::EditionTransition`] when the edition is not published and
    /// [`StoreError::RevisionExists`] when it already has a later revision.
    async fn open_correction(&self, report_id: i64, note: &str, by: i64)
    -> Result<i64, StoreError>;

    /// What changed from one edition to another (a correction's change list), item by item in
    /// the order of `new_report_id`, then items it no longer has; computed with
    /// [`kaikaku_model::workflow::diff_items`].
    async fn changes_between(
        &self,
        old_report_id: i64,
        new_report_id: i64,
    ) -> Result<Vec<(ItemNo, FieldChange)>, StoreError>;

    /// The edition's own history (opened, locked, unlocked, published), oldest first; each
    /// entry has [`Field::State`] and the edition states' labels.
    async fn edition_history(&self, report_id: i64) -> Result<Vec<AuditEntry>, StoreError>;

    // Sheets.

    /// The progress board: every sheet of an edition in document order.
    async fn sheets(&self, report_id: i64) -> Result<Vec<SheetSummary>, StoreError>;

    /// One sheet with its state, version and copy marks.
    async fn sheet(&self, report_id: i64, no: ItemNo) -> Result<Sheet, StoreError>;

    /// The same item in the latest published edition of the plan's latest earlier year (last
    /// year's sheet: its 見込み is shown beside the new 実績), if there is one.
    async fn previous_item(&self, report_id: i64, no: ItemNo) -> Result<Option<Item>, StoreError>;

    /// Saves a sheet's content and moves it to `new_state`; returns the new version.
    ///
    /// ONE transaction: refuses unless the edition is open ([`StoreError::EditionClosed`]) and
    /// the sheet is still at `expected_version` ([`StoreError::Conflict`] with the current
    /// version: someone else saved first); replaces the content (the sheet keeps its identity,
    /// so comments and marks stay attached); journals one audit row per field that differs
    /// from the stored content ([`kaikaku_model::workflow::diff_items`], computed here, inside
    /// the transaction) and one for the state when it changes; clears the copy marks of the
    /// changed fields.
    ///
    /// `new_state` must be the current state or one that an action allows from it
    /// ([`StoreError::InvalidTransition`]). The item number and the reporting department are
    /// the sheet's identity and cannot change here ([`StoreError::FixedField`]).
    async fn save_sheet(
        &self,
        report_id: i64,
        no: ItemNo,
        expected_version: i64,
        item: &Item,
        new_state: SheetState,
        by: i64,
    ) -> Result<i64, StoreError>;

    /// Moves a sheet to `to` (提出, 差戻し, 確定, 確定解除) and returns the new version: the
    /// same guards as [`Cycle::save_sheet`], an audit row for the state, and `comments` on
    /// the fields they concern (a 差戻し carries its remarks).
    async fn transition(
        &self,
        report_id: i64,
        no: ItemNo,
        expected_version: i64,
        to: SheetState,
        by: i64,
        comments: &[(Field, String)],
    ) -> Result<i64, StoreError>;

    /// A sheet's history, oldest first.
    async fn audit(&self, report_id: i64, no: ItemNo) -> Result<Vec<AuditEntry>, StoreError>;

    /// One page of a history in `order`: a sheet's (`no`) or, with `None`, the edition's
    /// own. At most `limit` entries after the first `offset`, each text cut to its first
    /// `clip` characters (with its whole length beside it, [`AuditExcerpt`]), and the number
    /// of entries in all, so that a page of a long history costs the same as a short one.
    /// Fails like [`Cycle::audit`] for an unknown edition or sheet; an offset past the end is
    /// an empty page.
    async fn audit_page(
        &self,
        report_id: i64,
        no: Option<ItemNo>,
        order: HistoryOrder,
        offset: u64,
        limit: u32,
        clip: u32,
    ) -> Result<AuditPage, StoreError>;

    /// One entry of a sheet's history, whole. Fails with [`StoreError::AuditEntryNotFound`]
    /// when the sheet has no entry `id` (an entry of another sheet included).
    async fn audit_entry(
        &self,
        report_id: i64,
        no: ItemNo,
        id: i64,
    ) -> Result<AuditEntry, StoreError>;

    /// A sheet's comments, oldest first.
    async fn comments(&self, report_id: i64, no: ItemNo) -> Result<Vec<Comment>, StoreError>;

    /// Adds a comment on one field and returns its id. Fails with
    /// [`StoreError::EditionClosed`] on a published edition.
    async fn add_comment(
        &self,
        report_id: i64,
        no: ItemNo,
        field: Field,
        by: i64,
        body: &str,
    ) -> Result<i64, StoreError>;

    /// Marks a comment resolved (a comment already resolved stays as it was). Fails with
    /// [`StoreError::CommentNotFound`], or [`StoreError::EditionClosed`] on a published
    /// edition.
    async fn resolve_comment(&self, id: i64, by: i64) -> Result<(), StoreError>;

    /// Accepts a check finding of a sheet with a reason and returns the waiver's id. Fails
    /// with [`StoreError::EditionClosed`] unless the edition is open, and
    /// [`StoreError::AlreadyWaived`].
    async fn waive(
        &self,
        report_id: i64,
        no: ItemNo,
        finding_key: &str,
        reason: &str,
        by: i64,
    ) -> Result<i64, StoreError>;

    /// A sheet's waivers, oldest first.
    async fn waivers(&self, report_id: i64, no: ItemNo) -> Result<Vec<Waiver>, StoreError>;
}
}

dispatched_trait! {
/// Full-text search over the texts of the sheets (titles, contents, goals, actions,
/// narratives, effects, evaluations): see [`search`].
#[allow(async_fn_in_trait)]
pub trait Search {
    /// The items in `scope` and `filter` whose texts hold every word of `query` (each word
    /// within one text, after folding width, kana and case), newest fiscal year first, then
    /// by plan name and item number; at most `limit`, with [`SearchResults::more`] telling
    /// whether there were more.
    async fn search(
        &self,
        query: &SearchQuery,
        scope: SearchScope,
        filter: &SearchFilter,
        limit: u32,
    ) -> Result<SearchResults, StoreError>;

    /// Merges the full-text index into as few pieces as the engine keeps (SQLite: FTS5's
    /// `optimize`; a bulk import leaves the index in many segments, each of which a query
    /// consults; PostgreSQL: the GIN index's pending entries). Seconds for the national
    /// corpus, after which searches are faster (BENCHMARKS.md); meant for the end of a bulk
    /// import. One write transaction.
    async fn optimize_search_index(&self) -> Result<(), StoreError>;
}
}

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file could not be opened or created.
    #[error("データベース {path} を開けません: {source}")]
    Open {
        /// The file, as given.
        path: String,
        /// What the driver said.
        #[source]
        source: sqlx::Error,
    },
    /// The schema could not be brought up to date.
    #[error("データベースのスキーマを更新できません: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Any other database failure.
    #[error("データベースのエラー: {0}")]
    Database(#[from] sqlx::Error),
    /// The report names no plan, so it cannot be filed.
    #[error("報告「{title}」に計画名がありません（報告は計画と年度ごとに保存します）")]
    MissingPlanName {
        /// The report title.
        title: String,
    },
    /// The report names no fiscal year, so it cannot be filed.
    #[error(
        "計画「{plan}」の報告「{title}」に報告年度がありません（報告は計画と年度ごとに保存します）"
    )]
    MissingFiscalYear {
        /// The plan name.
        plan: String,
        /// The report title.
        title: String,
    },
    /// Two item sheets have the same number.
    #[error("{no}が報告の中に二つあります（項目番号は重複できません）")]
    DuplicateItem {
        /// The repeated number.
        no: ItemNo,
    },
    /// A quantity has a unit whose symbol does not read back as the same unit.
    #[error("{item}: 単位「{symbol}」は保存できません（単位として読み戻せません）")]
    UnstorableUnit {
        /// The item whose effects hold the quantity.
        item: ItemNo,
        /// The unit symbol.
        symbol: String,
    },
    /// A number does not fit its column.
    #[error("{what} {value} は大きすぎて保存できません")]
    OutOfRange {
        /// What the number is (`line number`, `position` …).
        what: &'static str,
        /// The number.
        value: String,
    },
    /// No report has this id.
    #[error("ID {id} の報告は保存されていません")]
    NotFound {
        /// The id asked for.
        id: i64,
    },
    /// An import would replace an edition made in kaikaku.
    #[error(
        "計画「{plan}」の{year}は報告サイクルで作成された版があるため、取込で置き換えられません（訂正は訂正版で行います）"
    )]
    EditionInCycle {
        /// The plan name.
        plan: String,
        /// The report fiscal year.
        year: FiscalYear,
    },
    /// The plan and year already have an edition.
    #[error("計画「{plan}」の{year}の報告はすでにあります")]
    EditionExists {
        /// The plan name.
        plan: String,
        /// The report fiscal year.
        year: FiscalYear,
    },
    /// A correction of an edition that already has a later revision.
    #[error(
        "計画「{plan}」の{year}には第{revision}版がすでにあります（訂正は最新の版から行います）"
    )]
    RevisionExists {
        /// The plan name.
        plan: String,
        /// The report fiscal year.
        year: FiscalYear,
        /// The latest revision.
        revision: i32,
    },
    /// An import without a municipality names a plan that several municipalities have.
    #[error(
        "計画「{plan}」は複数の団体にあります（{municipalities}）。どの団体の報告か、団体コードを指定してください"
    )]
    AmbiguousPlan {
        /// The plan name.
        plan: String,
        /// The municipalities that have it (`999997 楓町、999989 桜川市`).
        municipalities: String,
    },
    /// No plan has this id.
    #[error("ID {id} の計画はありません")]
    PlanNotFound {
        /// The id asked for.
        id: i64,
    },
    /// A new year cannot be opened without an earlier edition to carry over.
    #[error("計画「{plan}」には{year}より前の報告がないため、引き継ぐシートがありません")]
    NoPreviousEdition {
        /// The plan name.
        plan: String,
        /// The year asked for.
        year: FiscalYear,
    },
    /// The latest earlier year has no published edition yet.
    #[error("計画「{plan}」の{year}の報告がまだ公開されていないため、次の年度を開始できません")]
    PreviousNotPublished {
        /// The plan name.
        plan: String,
        /// The earlier year still in its cycle.
        year: FiscalYear,
    },
    /// The edition has no sheet with this number.
    #[error("ID {report_id} の報告に{no}のシートはありません")]
    SheetNotFound {
        /// The edition.
        report_id: i64,
        /// The item number asked for.
        no: ItemNo,
    },
    /// The edition is not open, so its sheets cannot change.
    #[error("この報告は「{}」のため変更できません", state.label())]
    EditionClosed {
        /// The edition.
        report_id: i64,
        /// Its state.
        state: EditionState,
    },
    /// The edition's state does not allow the action (lock, unlock, publish, correct).
    #[error("この報告は「{}」のため{action}できません", state.label())]
    EditionTransition {
        /// The edition's state.
        state: EditionState,
        /// What was asked, in Japanese (確定（ロック）, ロック解除, 公開, 訂正).
        action: &'static str,
    },
    /// An edition cannot be locked while sheets are not confirmed.
    #[error(
        "確定していないシートが{pending}件あります（全{total}件）。すべて確定してからロックしてください"
    )]
    NotAllConfirmed {
        /// Sheets not 確定.
        pending: usize,
        /// Every sheet.
        total: usize,
    },
    /// Someone else saved or moved the sheet since it was read (a lost update prevented).
    #[error(
        "このシートは他の人が更新しました（現在の版 {current_version}）。最新の内容を読み込み直してください"
    )]
    Conflict {
        /// The sheet's version now.
        current_version: i64,
    },
    /// No action leads from the sheet's state to the one asked.
    #[error("{no}: 「{}」のシートを「{}」にはできません", from.label(), to.label())]
    InvalidTransition {
        /// The sheet.
        no: ItemNo,
        /// Its state.
        from: SheetState,
        /// The state asked.
        to: SheetState,
    },
    /// A save tried to change what identifies the sheet.
    #[error("{no}: {field}はシートの保存では変更できません")]
    FixedField {
        /// The sheet.
        no: ItemNo,
        /// 項目番号 or 記入担当課.
        field: &'static str,
    },
    /// The user name is taken.
    #[error("ユーザー名「{name}」はすでに使われています")]
    DuplicateUser {
        /// The name.
        name: String,
    },
    /// No user has this id.
    #[error("ID {id} のユーザーはいません")]
    UserNotFound {
        /// The id given.
        id: i64,
    },
    /// The sheet's history has no entry with this id.
    #[error("変更履歴に ID {id} の記録はありません")]
    AuditEntryNotFound {
        /// The id given.
        id: i64,
    },
    /// No comment has this id.
    #[error("ID {id} のコメントはありません")]
    CommentNotFound {
        /// The id given.
        id: i64,
    },
    /// The finding is already waived on this sheet.
    #[error("{no}: 指摘「{finding_key}」はすでに確認済みとして扱われています")]
    AlreadyWaived {
        /// The sheet.
        no: ItemNo,
        /// The finding's key.
        finding_key: String,
    },
    /// A stored row does not decode into the model (edited by hand, or written by a newer version).
    #[error("保存された行 {table} #{id} を読み戻せません: {detail}")]
    Corrupt {
        /// The table.
        table: &'static str,
        /// The row id.
        id: i64,
        /// What is wrong with it.
        detail: String,
    },
}
