//! The command line: subcommands, options and their help text (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use kaikaku_model::workflow::Role;
use kaikaku_reader::Encoding;

/// Reads Japanese municipal reform-plan progress reports (行政改革 集中改革プラン 取組実績),
/// checks their arithmetic and stores them.
#[derive(Debug, Parser)]
#[command(
    name = "kaikaku",
    version,
    propagate_version = true,
    after_help = "Exit status: 0 success (every total holds); 1 `check` found a difference \
                  (不一致); 2 a file could not be read, a database error, or a usage error.\n\
                  Database (import, list, export, serve, user): --db PATH, else $KAIKAKU_DB, else \
                  kaikaku.db in the working directory (embedded SQLite, created when missing).\n\
                  Logging goes to stderr; set RUST_LOG (e.g. RUST_LOG=debug) for more."
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
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
    },
    /// Read reports and save them in the database, one transaction per file.
    ///
    /// A report already stored for the same plan and fiscal year is replaced. A file that
    /// cannot be read is reported on stderr; the others are still imported, and the exit
    /// status is 2.
    Import {
        /// The report files.
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
        /// Database options.
        #[command(flatten)]
        db: DbArgs,
        /// Input options.
        #[command(flatten)]
        input: InputArgs,
    },
    /// List the stored reports: id, plan (計画), 報告年度, items, warnings, source, import time.
    List {
        /// Database options.
        #[command(flatten)]
        db: DbArgs,
    },
    /// Print every stored report as a JSON array in the interchange format.
    Export {
        /// Database options.
        #[command(flatten)]
        db: DbArgs,
        /// Output format (only `json` for now).
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
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
        /// The address to listen on; port 0 lets the system choose a free port.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
        /// Serve a fresh demo database with the bundled sample reports (楓町, 桜川市) and demo
        /// users (admin, editor-somu, editor-zaisei, reviewer), whose log-ins are printed.
        #[arg(long)]
        demo: bool,
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

/// Where the database is.
#[derive(Clone, Debug, Args)]
pub struct DbArgs {
    /// The SQLite database file; created when missing.
    #[arg(
        long,
        value_name = "PATH",
        env = "KAIKAKU_DB",
        default_value = "kaikaku.db"
    )]
    pub db: PathBuf,
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
    /// A JSON array of reports in the interchange format.
    Json,
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
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
