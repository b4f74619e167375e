//! The command line: subcommands, options and their help text (clap derive).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use kaikaku_export::csv::Table;
use kaikaku_model::workflow::Role;
use kaikaku_model::{Limits, LocalGovernmentCode, Municipality};
use kaikaku_reader::Encoding;
use kaikaku_web::people::auth::TrustedProxy;

use crate::database::{DEFAULT_DB, DbTarget};

/// Reads Japanese municipal reform-plan progress reports (行政改革 集中改革プラン 取組実績),
/// checks their arithmetic and stores them.
#[derive(Debug, Parser)]
#[command(
    name = "kaikaku",
    version,
    propagate_version = true,
    after_help = "Exit status: 0 success (every total holds); 1 `check` found a difference \
                  (不一致); 2 a file could not be read, a database error, or a usage error.\n\
                  Database (import, list, export, serve, user, backup, restore): --database-url URL or \
                  $KAIKAKU_DATABASE_URL for PostgreSQL (postgres://…); else --db PATH, else \
                  $KAIKAKU_DB, else kaikaku.db in the working directory (embedded SQLite, \
                  created when missing).\n\
                  Logging goes to stderr; set RUST_LOG (e.g. RUST_LOG=debug) for more."
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Which reverse proxies `serve` believes about the client's address.
#[derive(Debug, Args)]
pub struct ProxyArgs {
    /// A reverse proxy whose X-Forwarded-For header names the client (an address such as
    /// 127.0.0.1, or a CIDR range such as 10.0.0.0/24); repeat for several. Only requests
    /// whose TCP peer is one of them have the header read (the right-most address that is not
    /// a trusted proxy is the client, for log-in throttling); otherwise it is ignored.
    /// Default: $KAIKAKU_TRUSTED_PROXIES (comma-separated), else none.
    #[arg(
        long = "trusted-proxy",
        value_name = "ADDR",
        env = "KAIKAKU_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<TrustedProxy>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read one report and print it as JSON (the interchange format) or as a Japanese summary.
    ///
    /// The text summary shows the title, the plan, 報告年度 in 和暦 and Gregorian, then per
    /// item: No, title, 記入担当課, 担当課, 改善・推進の内容 with the schedule per year,
    /// 主な取組内容, the narrative headings, 取組による効果 with quantities, the first line of
    /// the 総評, and the reader's warnings with line numbers.
    Parse {
        /// The report file (UTF-8 with or without BOM, or Shift_JIS/CP932).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ParseFormat::Json)]
        format: ParseFormat,
        /// Input options.
        #[command(flatten)]
        input: InputArgs,
        /// Limits on what a report may hold.
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Recompute every stated total (総計, 合計) and show each difference.
    ///
    /// Checks every file given, even when one cannot be read. Exit status 0 when every total
    /// holds, 1 when something differs, 2 when a file could not be read.
    Check {
        /// The report files.
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
        /// Output format: `text` (Japanese, one block per finding and a summary line per file)
        /// or `json` (an array with one `{"file", "error", "findings"}` object per file).
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// Input options.
        #[command(flatten)]
        input: InputArgs,
        /// Limits on what a report may hold.
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Read reports and save them in the database, each report whole or not at all.
    ///
    /// Takes progress reports (text or HTML, any encoding) and XLSX workbooks written by
    /// `kaikaku export --format xlsx` (a workbook is refused whole, with every cell that is
    /// wrong named, unless all of it is valid). A report already stored for the same plan and
    /// fiscal year is replaced. A file that cannot be read is reported on stderr; the others
    /// are still imported, and the exit status is 2. Files are read and checked on every core
    /// while one writer stores them in the order given; with several files a progress bar
    /// (reports/s, MB/s) and a summary line go to stderr.
    Import {
        /// The report files (`.txt`, `.html`, `.xlsx`).
        #[arg(value_name = "FILE", required_unless_present = "manifest")]
        files: Vec<PathBuf>,
        /// Import the files a manifest lists instead, each with its municipality: a CSV with
        /// a header row and the columns `file` (relative to the manifest), `code`
        /// (地方公共団体コード) and `municipality` (団体名), as `xtask gen-corpus` writes it. A
        /// wrong line is named and nothing is imported.
        #[arg(
            long,
            value_name = "CSV",
            conflicts_with_all = ["files", "municipality_code", "municipality_name"]
        )]
        manifest: Option<PathBuf>,
        /// Read and validate every file and say what would change, but store nothing.
        #[arg(long)]
        dry_run: bool,
        /// The municipality the plans belong to.
        #[command(flatten)]
        municipality: MunicipalityArgs,
        /// Database options.
        #[command(flatten)]
        db: DbArgs,
        /// Input options.
        #[command(flatten)]
        input: InputArgs,
        /// Limits on what a report may hold.
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// List the stored reports: id, plan (計画), 報告年度, items, warnings, source, import time.
    List {
        /// Database options.
        #[command(flatten)]
        db: DbArgs,
    },
    /// Write one stored report (the latest published edition) as JSON, open-data CSV, an XLSX
    /// workbook, the document's text layout or a PDF.
    ///
    /// Without --report and with exactly one stored report, that report; `--format json`
    /// and `--format csv` without --report write every stored report (of --municipality) as
    /// one JSON array or one CSV table. Binary formats (xlsx, pdf) need --out when stdout is a
    /// terminal.
    Export {
        /// Database options.
        #[command(flatten)]
        db: DbArgs,
        /// Which report: its id (`kaikaku list`), PLAN/YEAR where PLAN is the plan's id or
        /// name and YEAR the report fiscal year (`2021`, `令和3年度`, `R3`), or CODE/PLAN/YEAR
        /// with the municipality's code when several have a plan of that name.
        #[arg(long, value_name = "REF")]
        report: Option<String>,
        /// Only the reports of this municipality (全国地方公共団体コード, e.g. 999997).
        #[arg(long, value_name = "CODE", value_parser = parse_code)]
        municipality: Option<LocalGovernmentCode>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
        /// Where to write; default stdout.
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
        /// Options of the open-data CSV.
        #[command(flatten)]
        csv: CsvArgs,
        /// PDF paper: A4 or A3, landscape.
        #[arg(long, value_enum, default_value_t = PaperArg::A4)]
        paper: PaperArg,
    },
    /// Read one report file and write it again in the document's own text layout (reading
    /// the output back gives the same report).
    Render {
        /// The report file (text, HTML or an XLSX workbook of `export --format xlsx`).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Output format (`text`: the document's layout).
        #[arg(long, value_enum, default_value_t = RenderFormat::Text)]
        format: RenderFormat,
        /// Where to write; default stdout.
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
        /// Input options.
        #[command(flatten)]
        input: InputArgs,
    },
    /// Start the web server: the published editions (公開中の報告) as pages that read like the
    /// original documents, with stable per-item addresses, until Ctrl-C or SIGTERM.
    ///
    /// Prints `listening on http://ADDR/` once the address is bound (with `--addr
    /// 127.0.0.1:0`, the port the system chose). `GET /healthz` answers `ok` while the
    /// database is reachable.
    Serve {
        /// The SQLite database file; created when missing. Default: $KAIKAKU_DB, else
        /// kaikaku.db in the working directory. With --demo: a new temporary directory,
        /// removed when the server stops; a file given here is deleted first and rebuilt.
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
        /// A PostgreSQL database instead (`postgres://…`); default: $KAIKAKU_DATABASE_URL.
        /// Takes precedence over --db; not with --demo (the demo is always SQLite).
        #[arg(long, value_name = "URL", conflicts_with = "demo")]
        database_url: Option<String>,
        /// The address to listen on; port 0 lets the system choose a free port.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
        /// Serve a fresh demo database with the bundled sample reports (楓町, 桜川市) and demo
        /// users (admin, editor-somu, editor-zaisei, reviewer), whose log-ins are printed.
        #[arg(long)]
        demo: bool,
        /// Limits on what a sheet may hold.
        #[command(flatten)]
        limits: LimitArgs,
        /// The server's timeouts and connection limits.
        #[command(flatten)]
        network: ServeLimits,
        /// Reverse-proxy options.
        #[command(flatten)]
        proxies: ProxyArgs,
    },
    /// Write a consistent snapshot of the database to a file, also while the server runs.
    ///
    /// SQLite: a copy made with `VACUUM INTO`; PostgreSQL: a `pg_dump --format=custom`
    /// archive (pg_dump must be installed). Written through a temporary file beside FILE and
    /// renamed, so a failed backup leaves nothing half-written.
    Backup {
        /// Database options.
        #[command(flatten)]
        db: DbArgs,
        /// The backup file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Replace FILE when it exists (refused otherwise).
        #[arg(long)]
        force: bool,
    },
    /// Restore a backup of `kaikaku backup` into an empty database, then bring its schema up
    /// to date.
    ///
    /// The file is verified first (SQLite: `PRAGMA integrity_check` and the migration table;
    /// PostgreSQL: `pg_restore --list` and a full read), and a damaged file changes nothing.
    /// A target that holds data is refused; a missing SQLite file is created.
    Restore {
        /// The backup file (SQLite for --db, a pg_dump archive for --database-url).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Database options: the target.
        #[command(flatten)]
        db: DbArgs,
    },
    /// Manage the users who log in to the web server: add, list, change a password.
    User {
        /// What to do.
        #[command(subcommand)]
        command: UserCommand,
    },
}

/// The subcommands of `kaikaku user`.
///
/// Passwords are asked twice without echo when stdin is a terminal; otherwise one line is read
/// from stdin (`echo "$PASSWORD" | kaikaku user add …`). They need at least 10 characters.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user: an admin (政策課), an editor of one department (記入担当課) or a reviewer
    /// (行政改革推進委員会).
    Add {
        /// The log-in name (no spaces, at most 64 characters).
        #[arg(value_name = "NAME")]
        name: String,
        /// What the user may do.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The department (課名), required for editors: they edit the sheets whose 記入担当課
        /// it is.
        #[arg(long, value_name = "課名")]
        department: Option<String>,
        /// Database options.
        #[command(flatten)]
        db: DbArgs,
    },
    /// List the users: name, role (役割) and department (課). Password hashes are never shown.
    List {
        /// Database options.
        #[command(flatten)]
        db: DbArgs,
    },
    /// Set a new password for a user and end their log-in sessions.
    Passwd {
        /// The log-in name.
        #[arg(value_name = "NAME")]
        name: String,
        /// Database options.
        #[command(flatten)]
        db: DbArgs,
    },
}

/// The roles, as `--role` takes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    /// 管理者（政策課）: plans, users, the reporting cycle, review, publication.
    Admin,
    /// 記入担当課: edits the sheets of its department, reads the others.
    Editor,
    /// 査読者（行政改革推進委員会）: reads drafts and comments, changes nothing.
    Reviewer,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Role {
        match role {
            RoleArg::Admin => Role::Admin,
            RoleArg::Editor => Role::Editor,
            RoleArg::Reviewer => Role::Reviewer,
        }
    }
}

/// How input files are decoded.
#[derive(Clone, Copy, Debug, Args)]
pub struct InputArgs {
    /// Decode input with this encoding instead of detecting it: utf-8, shift_jis, cp932,
    /// euc-jp, or any WHATWG encoding label.
    #[arg(long, value_name = "ENCODING", value_parser = parse_encoding)]
    pub encoding: Option<&'static Encoding>,
}

/// Limits on what a user can store (`kaikaku_model::limits`), each a flag with an environment
/// variable; the defaults are `Limits::default()`. Character limits above 32,767 (an Excel
/// cell) count as 32,767.
#[derive(Clone, Copy, Debug, Args)]
pub struct LimitArgs {
    /// The most characters of an item's title (項目名).
    #[arg(long, value_name = "N", env = "KAIKAKU_MAX_TITLE_CHARS", default_value_t = Limits::default().title_chars)]
    pub max_title_chars: usize,
    /// The most characters of a department's name (担当課, 記入担当課).
    #[arg(long, value_name = "N", env = "KAIKAKU_MAX_DEPARTMENT_CHARS", default_value_t = Limits::default().department_chars)]
    pub max_department_chars: usize,
    /// The most characters of a single-line field (a schedule cell, an action, a quantity's label).
    #[arg(long, value_name = "N", env = "KAIKAKU_MAX_LINE_CHARS", default_value_t = Limits::default().line_chars)]
    pub max_line_chars: usize,
    /// The most characters of a multi-line field (a content row, 改善・推進目標, a narrative, an
    /// effects row, 総評).
    #[arg(long, value_name = "N", env = "KAIKAKU_MAX_TEXT_CHARS", default_value_t = Limits::default().text_chars)]
    pub max_text_chars: usize,
    /// The most rows of one part of a sheet (contents, actions, narratives, effects).
    #[arg(long, value_name = "N", env = "KAIKAKU_MAX_ROWS", default_value_t = Limits::default().rows)]
    pub max_rows: usize,
    /// The most items of a report.
    #[arg(long, value_name = "N", env = "KAIKAKU_MAX_REPORT_ITEMS", default_value_t = Limits::default().report_items)]
    pub max_report_items: usize,
    /// The most lines of a report's text; a longer one is not read.
    #[arg(long, value_name = "N", env = "KAIKAKU_MAX_REPORT_LINES", default_value_t = Limits::default().report_lines)]
    pub max_report_lines: usize,
    /// The most bytes of a file read (a report or a workbook); a larger one is not read past it.
    #[arg(long, value_name = "BYTES", env = "KAIKAKU_MAX_FILE_BYTES", default_value_t = Limits::default().file_bytes)]
    pub max_file_bytes: u64,
}

impl LimitArgs {
    /// The limits these options set.
    pub fn limits(&self) -> Limits {
        Limits {
            title_chars: self.max_title_chars,
            department_chars: self.max_department_chars,
            line_chars: self.max_line_chars,
            text_chars: self.max_text_chars,
            rows: self.max_rows,
            report_items: self.max_report_items,
            report_lines: self.max_report_lines,
            file_bytes: self.max_file_bytes,
        }
    }
}

/// Where the database is.
#[derive(Clone, Debug, Args)]
pub struct DbArgs {
    /// The SQLite database file; created when missing.
    #[arg(
        long,
        value_name = "PATH",
        env = "KAIKAKU_DB",
        default_value = DEFAULT_DB
    )]
    pub db: PathBuf,
    /// A PostgreSQL database instead (`postgres://USER:PASSWORD@HOST:PORT/DATABASE`); its
    /// schema is created or brought up to date. Takes precedence over --db.
    #[arg(long, value_name = "URL", env = "KAIKAKU_DATABASE_URL")]
    pub database_url: Option<String>,
}

impl DbArgs {
    /// The database these options name ([`DbTarget::choose`]): the URL when one is given,
    /// else the SQLite file.
    pub fn target(&self) -> DbTarget {
        DbTarget::choose(self.database_url.as_deref(), &self.db)
    }
}

/// Output formats of `parse`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ParseFormat {
    /// The interchange format, pretty-printed.
    Json,
    /// A readable summary in Japanese.
    Text,
}

/// Output formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Japanese, one block per finding.
    Text,
    /// JSON: one `{file, error, findings}` object, or an array of them for several files.
    Json,
}

/// Output formats of `export`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// The interchange format (docs/json-format.md).
    Json,
    /// Open data (総務省 統一ルール, docs/open-data.md): one table, chosen with --table.
    Csv,
    /// A workbook: a summary sheet and one sheet per item; `import` reads it back.
    Xlsx,
    /// The document's own text layout.
    Text,
    /// A PDF that reads like the published document (printed by headless Chromium).
    Pdf,
}

/// Output formats of `render`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RenderFormat {
    /// The document's own text layout.
    Text,
}

/// PDF paper sizes (always landscape).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PaperArg {
    /// A4 landscape.
    A4,
    /// A3 landscape.
    A3,
}

/// Options of `export --format csv`.
#[derive(Clone, Debug, Args)]
pub struct CsvArgs {
    /// Which open-data table: figures (数値データ) or items (項目一覧).
    #[arg(long, value_name = "TABLE", default_value = "figures", value_parser = parse_table)]
    pub table: Table,
    /// Start the CSV with a UTF-8 byte order mark, so that Excel reads it as UTF-8.
    #[arg(long)]
    pub bom: bool,
}

/// `--municipality-code` and `--municipality-name`, given together or not at all.
#[derive(Clone, Debug, Args)]
pub struct MunicipalityArgs {
    /// The 全国地方公共団体コード (six digits with check digit, e.g. 131016) of the plans'
    /// municipality, kept with each plan; open data needs it.
    #[arg(
        long,
        value_name = "CODE",
        value_parser = parse_code,
        requires = "municipality_name"
    )]
    pub municipality_code: Option<LocalGovernmentCode>,
    /// The municipality's name (e.g. 千代田区).
    #[arg(long, value_name = "NAME", requires = "municipality_code")]
    pub municipality_name: Option<String>,
}

impl MunicipalityArgs {
    /// The municipality given, if any.
    pub fn municipality(&self) -> Option<Municipality> {
        let code = self.municipality_code?;
        let name = self.municipality_name.as_deref()?.trim();
        Some(Municipality {
            code,
            name: name.to_owned(),
        })
    }
}

/// The timeouts and limits of `kaikaku serve`, each an option or an environment variable
/// (the option wins). Behind a reverse proxy every connection comes from the proxy's address:
/// raise --max-connections-per-peer to --max-connections there.
#[derive(Debug, Args)]
pub struct ServeLimits {
    /// Seconds a request's head (request line and headers) may take to arrive, counted from
    /// the connection or the request's first byte; the connection is closed after it.
    #[arg(long, value_name = "SECONDS", env = "KAIKAKU_HEADER_TIMEOUT", default_value = "10", value_parser = parse_seconds)]
    pub header_timeout: Duration,
    /// Seconds a request's whole body may take to arrive; 408 after it.
    #[arg(long, value_name = "SECONDS", env = "KAIKAKU_BODY_TIMEOUT", default_value = "30", value_parser = parse_seconds)]
    pub body_timeout: Duration,
    /// Seconds a kept-alive connection may wait for its next request before it is closed.
    #[arg(long, value_name = "SECONDS", env = "KAIKAKU_IDLE_TIMEOUT", default_value = "30", value_parser = parse_seconds)]
    pub idle_timeout: Duration,
    /// Connections served at once; more are closed as soon as they are accepted.
    #[arg(long, value_name = "N", env = "KAIKAKU_MAX_CONNECTIONS", default_value = "1024", value_parser = parse_count)]
    pub max_connections: usize,
    /// Connections from one address at once; more are closed as soon as they are accepted.
    /// Behind a reverse proxy every connection comes from the proxy: give it the value of
    /// --max-connections there.
    #[arg(long, value_name = "N", env = "KAIKAKU_MAX_CONNECTIONS_PER_PEER", default_value = "128", value_parser = parse_count)]
    pub max_connections_per_peer: usize,
    /// The largest request body in bytes; 413 above it (refused before reading when declared).
    #[arg(long, value_name = "BYTES", env = "KAIKAKU_MAX_BODY_BYTES", default_value = "2097152", value_parser = parse_count)]
    pub max_body_bytes: usize,
    /// Seconds a request waits for a database connection; 503 with Retry-After after it.
    #[arg(long, value_name = "SECONDS", env = "KAIKAKU_DB_ACQUIRE_TIMEOUT", default_value = "5", value_parser = parse_seconds)]
    pub db_acquire_timeout: Duration,
    /// Expensive pages (a sheet, its history, the progress board, search, PDFs, dashboards)
    /// one logged-in user may have running at once; 429 beyond.
    #[arg(long, value_name = "N", env = "KAIKAKU_MAX_HEAVY_PER_USER", default_value = "2", value_parser = parse_count)]
    pub max_heavy_per_user: usize,
    /// Expensive pages the anonymous visitors of one address may have running at once; 429
    /// beyond (behind a trusted reverse proxy, the forwarded client's address).
    #[arg(long, value_name = "N", env = "KAIKAKU_MAX_HEAVY_PER_ADDRESS", default_value = "8", value_parser = parse_count)]
    pub max_heavy_per_address: usize,
}

/// The longest timeout an option takes: a day.
const MAX_TIMEOUT_SECS: f64 = 86_400.0;

/// A timeout in seconds, for clap: a number above 0 and at most a day, decimals allowed
/// (`10`, `0.5`).
fn parse_seconds(text: &str) -> Result<Duration, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|seconds| *seconds > 0.0 && *seconds <= MAX_TIMEOUT_SECS)
        .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
        .ok_or_else(|| format!("「{text}」は秒数として使えません（0より大きく86400以下の数）"))
}

/// A count, for clap: a whole number of 1 or more.
fn parse_count(text: &str) -> Result<usize, String> {
    text.trim()
        .parse::<usize>()
        .ok()
        .filter(|count| *count > 0)
        .ok_or_else(|| format!("「{text}」は個数として使えません（1以上の整数）"))
}

/// A 地方公共団体コード, for clap: [`LocalGovernmentCode::parse`], the one place codes are read.
fn parse_code(text: &str) -> Result<LocalGovernmentCode, String> {
    LocalGovernmentCode::parse(text).map_err(|error| error.to_string())
}

/// An open-data table by its file name without `.csv` (`figures`).
fn parse_table(name: &str) -> Result<Table, String> {
    Table::ALL
        .into_iter()
        .find(|table| table.file_name().strip_suffix(".csv") == Some(name))
        .ok_or_else(|| {
            let names: Vec<&str> = Table::ALL
                .iter()
                .filter_map(|table| table.file_name().strip_suffix(".csv"))
                .collect();
            format!("「{name}」という表はありません（{}）", names.join(", "))
        })
}

/// The encoding a label names, for clap: any WHATWG label, plus `cp932`/`ms932`
/// ([`kaikaku_reader::encoding_for_label`], the one place labels are understood).
///
/// Fails with a message naming the label when it is unknown, or when it names WHATWG's
/// `replacement` encoding, which decodes every document to nothing.
pub fn parse_encoding(label: &str) -> Result<&'static Encoding, String> {
    kaikaku_reader::encoding_for_label(label)
        .filter(|encoding| encoding.name() != "replacement")
        .ok_or_else(|| {
            format!("「{label}」は文字コード名として知られていません（例: utf-8, shift_jis, cp932, euc-jp）")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_labels() {
        let name = |label: &str| parse_encoding(label).map(|e| e.name());
        assert_eq!(name("utf-8"), Ok("UTF-8"));
        assert_eq!(name("UTF8"), Ok("UTF-8"));
        assert_eq!(name("shift_jis"), Ok("Shift_JIS"));
        assert_eq!(name("cp932"), Ok("Shift_JIS"));
        assert_eq!(name("CP932"), Ok("Shift_JIS"));
        assert_eq!(name("euc-jp"), Ok("EUC-JP"));
        assert!(parse_encoding("klingon").is_err());
        assert!(parse_encoding("iso-2022-kr").is_err());
    }

    #[test]
    fn the_limits_default_to_the_model_s_and_are_flags() {
        let cli = Cli::try_parse_from(["kaikaku", "parse", "x.txt"]).expect("parses");
        let Command::Parse { limits, .. } = cli.command else {
            panic!("not parse");
        };
        assert_eq!(limits.limits(), Limits::default());
        let cli = Cli::try_parse_from([
            "kaikaku",
            "import",
            "--max-title-chars",
            "10",
            "--max-file-bytes",
            "1024",
            "x.txt",
        ])
        .expect("parses");
        let Command::Import { limits, .. } = cli.command else {
            panic!("not import");
        };
        let limits = limits.limits();
        assert_eq!((limits.title_chars, limits.file_bytes), (10, 1024));
        assert_eq!(limits.rows, 200);
    }

    #[test]
    fn timeouts_and_counts() {
        assert_eq!(parse_seconds("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_seconds(" 0.5 "), Ok(Duration::from_millis(500)));
        assert_eq!(parse_seconds("86400"), Ok(Duration::from_secs(86_400)));
        for bad in ["0", "-1", "86401", "NaN", "inf", "10s", ""] {
            assert!(parse_seconds(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_count("1024"), Ok(1024));
        for bad in ["0", "-3", "1.5", "many"] {
            assert!(parse_count(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_count("0"),
            Err("「0」は個数として使えません（1以上の整数）".to_owned())
        );
    }

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
