//! The `kaikaku` command: parse, check, import, list and export reform-plan progress reports,
//! serve them on the web, and manage the users who log in.
//!
//! Exit status: 0 success, 1 a total does not hold (`check`), 2 unreadable input, database
//! error or usage error. Errors are printed as one `error: FILE: …` line with their cause
//! chain; a panic is caught by a hook that prints a short message and exits 2. Whatever comes
//! from a document or a file name is printed with its control characters escaped
//! ([`visible`]).

mod args;
mod backup;
mod check;
mod commands;
mod database;
mod export;
mod import;
mod input;
mod list;
mod outcome;
mod parse;
mod reference;
mod render;
mod serve;
mod users;
mod visible;

use std::io::{self, IsTerminal};
use std::process::ExitCode;

use clap::Parser;

use crate::args::Cli;

fn main() -> ExitCode {
    install_panic_hook();
    init_tracing();
    let cli = Cli::parse();
    match commands::run(cli.command) {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}", visible::visible(&format!("{error:#}")));
            ExitCode::from(2)
        }
    }
}

/// Replaces the default panic output (message and backtrace) by one line, and exits 2.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("");
        let place = info
            .location()
            .map(|l| format!("（{}:{}）", l.file(), l.line()))
            .unwrap_or_default();
        let message = visible::visible(message);
        eprintln!("error: 内部エラーのため処理を中断しました{place}: {message}");
        std::process::exit(2);
    }));
}

/// Logs to stderr, filtered by `RUST_LOG` (default: warnings and errors).
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    // A second initialisation cannot happen here; ignoring the error keeps `main` panic-free.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .with_target(false)
        .without_time()
        .try_init();
}

/// True when the error comes from writing to a closed pipe (`kaikaku parse x | head`): not a
/// failure of the command.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == Some(io::ErrorKind::BrokenPipe)
    })
}
