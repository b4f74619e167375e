//! The dispatcher: each subcommand of [`Command`] handed to the module named after it, on the
//! runtime it needs. No command's work is done here.

use std::future::Future;

use anyhow::Context;

use crate::args::Command;
use crate::export::ExportRequest;
use crate::import::{ImportOptions, ImportRequest};
use crate::outcome::Outcome;
use crate::{backup, check, export, import, list, parse, serve, users};

/// Runs a subcommand.
///
/// Fails when the command cannot go on at all (a single input that cannot be read, a database
/// that cannot be opened, stdout closed); problems with one of several files are printed and
/// end in [`Outcome::Unreadable`] instead.
pub fn run(command: Command) -> anyhow::Result<Outcome> {
    match command {
        Command::Parse {
            file,
            format,
            input,
            limits,
        } => parse::parse(&file, format, input.encoding, &limits.limits()),
        Command::Check {
            files,
            format,
            input,
            limits,
        } => check::check(&files, format, input.encoding, &limits.limits()),
        Command::Import {
            files,
            manifest,
            dry_run,
            municipality,
            db,
            input,
            limits,
        } => block_on(import::run(ImportRequest {
            files,
            manifest,
            municipality: municipality.municipality(),
            options: ImportOptions {
                dry_run,
                encoding: input.encoding,
                limits: limits.limits(),
            },
            db: db.target(),
        })),
        Command::List { db } => block_on(list::list(&db.target())),
        Command::Export {
            db,
            report,
            municipality,
            format,
            out,
            csv,
            paper,
        } => block_on(export::export(ExportRequest {
            db: db.target(),
            report,
            municipality,
            format,
            out,
            csv,
            paper,
        })),
        Command::Render {
            file,
            format,
            out,
            input,
        } => export::render(&file, format, out.as_deref(), input.encoding),
        Command::Serve {
            db,
            database_url,
            addr,
            demo,
            limits,
            network,
            proxies,
        } => serve::run(
            db.as_deref(),
            database_url.as_deref(),
            &addr,
            demo,
            limits.limits(),
            &network,
            &proxies.trusted_proxies,
        ),
        Command::Backup { db, out, force } => block_on(backup::backup(&db.target(), &out, force)),
        Command::Restore { file, db } => block_on(backup::restore(&file, &db.target())),
        Command::User { command } => block_on(users::run(command)),
    }
}

/// Runs a future on a single-threaded runtime: the commands do one thing at a time (`serve`
/// builds its own, multi-threaded).
fn block_on<F: Future<Output = anyhow::Result<Outcome>>>(future: F) -> anyhow::Result<Outcome> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("非同期ランタイムを起動できません")?
        .block_on(future)
}
