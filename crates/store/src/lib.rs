//! Stores progress reports, one per plan and report fiscal year, in a normalised SQL schema:
//! SQLite embedded by default, with SQL written so that PostgreSQL can run it unchanged.
//!
//! [`Store`] is the interface; [`SqliteStore`] implements it over a SQLite file (WAL, foreign
//! keys on, busy timeout). A report is saved in one transaction and replaces any earlier report
//! of the same plan and fiscal year; [`Store::load_report`] gives back a [`Report`] equal to the
//! one saved.
//!
//! # Adding PostgreSQL
//!
//! Every statement lives in the `sql` module and is portable: runtime-checked queries,
//! `$1, $2 …` placeholders, `INSERT … RETURNING id`, `ON CONFLICT … DO UPDATE`, standard types
//! (INTEGER for `i32`, BIGINT for `i64`, TEXT, BOOLEAN) and decimals kept as TEXT. A PostgreSQL
//! backend is a second `impl Store for PgStore` over a `PgPool`: it enables sqlx's `postgres`
//! feature, embeds its own `migrations/postgres` (the SQLite migration with
//! `BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY` ids), begins its write transaction with a
//! plain `BEGIN` instead of `BEGIN IMMEDIATE`, and reuses the `sql` statements and the `codec`
//! conversions; only the thin executor code in `save` and `load` is repeated for the other
//! connection type.

mod codec;
mod load;
mod save;
mod sql;
mod sqlite;

use kaikaku_model::{FiscalYear, ItemNo, Report};

pub use sqlite::SqliteStore;

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

/// A stored report as listed: what it is, how big it is and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredReport {
    /// The report id, for [`Store::load_report`]; a re-import gives a new id.
    pub id: i64,
    /// The id of the plan, stable for the life of the database (plans are never deleted):
    /// with the fiscal year, the stable address of a report.
    pub plan_id: i64,
    /// The plan the report belongs to.
    pub plan_name: String,
    /// The fiscal year whose results the report gives (always present for stored reports).
    pub report_fiscal_year: Option<FiscalYear>,
    /// The document title.
    pub title: String,
    /// How many item sheets the report has.
    pub items: i64,
    /// How many warnings the reader left.
    pub warnings: i64,
    /// The source file name.
    pub source: String,
    /// When the report was stored, RFC 3339 in UTC (`2026-11-29T09:40:00Z`).
    pub imported_at: String,
}

/// Stores reports and reads them back.
#[allow(async_fn_in_trait)]
pub trait Store {
    /// Stores one report in ONE transaction; a report with the same plan name and report fiscal
    /// year is replaced (deleted and re-inserted) inside that same transaction. On any error
    /// nothing changes.
    async fn save_report(&self, report: &Report, source: &Source) -> Result<Saved, StoreError>;

    /// Succeeds when the database answers a trivial query (for `GET /healthz`).
    async fn ping(&self) -> Result<(), StoreError>;

    /// Every stored report, ordered by plan name, then report fiscal year.
    async fn list_reports(&self) -> Result<Vec<StoredReport>, StoreError>;

    /// The full report stored under `id`, equal (`==`) to the one saved.
    async fn load_report(&self, id: i64) -> Result<Report, StoreError>;

    /// Every stored report in full, in the order of [`Store::list_reports`].
    async fn load_all(&self) -> Result<Vec<Report>, StoreError>;
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
