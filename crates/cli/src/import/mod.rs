//! `kaikaku import`: files read, decoded and checked on worker threads while one writer
//! stores them in order, several whole reports per transaction
//! ([`kaikaku_store::Store::save_reports`], a batch sized to take about [`BATCH_TIME`]); the
//! files come from the command line or from a manifest (`--manifest corpus/manifest.csv`,
//! module [`manifest`]) that gives each file's municipality. Module [`report`] saves one read
//! report, or says what saving it would change (`--dry-run`).

pub mod manifest;
pub mod report;

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use kaikaku_model::{Limits, Municipality, Report};
use kaikaku_reader::Encoding;
use kaikaku_store::{Database, Search as _, Source, Store as _};

use crate::database::{DbTarget, open_store};
use crate::input::{ReadFile, read_report};
use crate::outcome::Outcome;
use crate::visible::visible;
use report::{dry_run, saved_line, source_of};

/// What `kaikaku import` was asked for.
#[derive(Debug)]
pub struct ImportRequest {
    /// The files named on the command line.
    pub files: Vec<PathBuf>,
    /// `--manifest`: the files it lists instead, each with its municipality.
    pub manifest: Option<PathBuf>,
    /// `--municipality-code`/`--municipality-name`, for the files named.
    pub municipality: Option<Municipality>,
    /// `--dry-run`, `--encoding`.
    pub options: ImportOptions,
    /// The database.
    pub db: DbTarget,
}

/// `kaikaku import`: the files of the command line or of the manifest, imported by
/// [`import`]. A manifest is read whole, and refused with every wrong line named, before the
/// database is opened.
pub async fn run(request: ImportRequest) -> anyhow::Result<Outcome> {
    let jobs = match &request.manifest {
        Some(manifest) => manifest::jobs(manifest)?,
        None => request
            .files
            .into_iter()
            .map(|path| Job {
                path,
                municipality: request.municipality.clone(),
            })
            .collect(),
    };
    import(jobs, &request.db, &request.options).await
}

/// One file to import.
#[derive(Clone, Debug)]
pub struct Job {
    /// The file.
    pub path: PathBuf,
    /// The municipality to record with its plan.
    pub municipality: Option<Municipality>,
}

/// How `kaikaku import` treats its files.
#[derive(Debug)]
pub struct ImportOptions {
    /// Validate and compare only; store nothing.
    pub dry_run: bool,
    /// The encoding forced on text files.
    pub encoding: Option<&'static Encoding>,
    /// The limits every report is checked against before anything is stored.
    pub limits: Limits,
}

/// A file read on a worker thread.
struct Done {
    index: usize,
    bytes: u64,
    /// The time the worker spent reading, decoding and checking it.
    reading: Duration,
    result: anyhow::Result<(ReadFile, usize)>,
}

/// Reads, decodes and checks job `index` (a worker's part).
fn read_job(
    job: &Job,
    encoding: Option<&'static Encoding>,
    limits: &Limits,
) -> (u64, anyhow::Result<(ReadFile, usize)>) {
    let bytes = std::fs::metadata(&job.path).map_or(0, |m| m.len());
    let result = read_report(&job.path, encoding, limits).map(|mut read| {
        if let Some(municipality) = &job.municipality {
            read.report.municipality = Some(municipality.clone());
        }
        let findings = kaikaku_check::check(&read.report).len();
        (read, findings)
    });
    (bytes, result)
}

/// Imports `jobs` into the database `db`: worker threads (one per core) read, decode and
/// check the files while this thread stores them in the order given, in batches of one
/// transaction; a report that fails leaves the others whole (the store saves a batch with a
/// failing report again report by report). Prints one line per file on stdout once its batch
/// is committed, errors on stderr, a progress bar on stderr when it is a terminal, and a summary
/// line on stderr when there is more than one file.
async fn import(jobs: Vec<Job>, db: &DbTarget, options: &ImportOptions) -> anyhow::Result<Outcome> {
    let store = open_store(db).await?;
    let total = jobs.len();
    let jobs = Arc::new(jobs);
    let next = Arc::new(AtomicUsize::new(0));
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    let (sender, receiver) = mpsc::sync_channel::<Done>(MAX_BATCH);
    let handles: Vec<_> = (0..workers.min(total))
        .map(|_| {
            let (jobs, next, sender) = (Arc::clone(&jobs), Arc::clone(&next), sender.clone());
            let encoding = options.encoding;
            let limits = options.limits;
            std::thread::spawn(move || {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(index) else { break };
                    let reading = Instant::now();
                    let (bytes, result) = read_job(job, encoding, &limits);
                    let reading = reading.elapsed();
                    if sender
                        .send(Done {
                            index,
                            bytes,
                            reading,
                            result,
                        })
                        .is_err()
                    {
                        break; // The writer stopped.
                    }
                }
            })
        })
        .collect();
    drop(sender);

    let bar = progress_bar(total);
    let start = Instant::now();
    let mut stats = Stats::default();
    let mut pending = BTreeMap::new();
    // The files read and waiting to be stored in the next transaction, in the order given.
    let mut batch: Vec<Ready> = Vec::new();
    let mut writer = Writer {
        store: &store,
        jobs: &jobs,
        bar: &bar,
        outcome: Outcome::Success,
        batch_size: 1,
    };
    let mut next_file = 0;
    let mut written: anyhow::Result<()> = Ok(());
    let mut waited = Instant::now();
    'receive: loop {
        // Blocking on the channel is fine here: nothing else runs on this runtime meanwhile.
        // Before blocking, the reports ready are stored: a batch never waits for a reader.
        let done = match receiver.try_recv() {
            Ok(done) => done,
            Err(mpsc::TryRecvError::Empty) => {
                if let Err(error) = writer.store_batch(&mut batch, &mut stats, start).await {
                    written = Err(error);
                    break 'receive;
                }
                waited = Instant::now();
                match receiver.recv() {
                    Ok(done) => done,
                    Err(mpsc::RecvError) => break 'receive,
                }
            }
            Err(mpsc::TryRecvError::Disconnected) => break 'receive,
        };
        stats.waiting += waited.elapsed();
        pending.insert(done.index, done);
        while let Some(done) = pending.remove(&next_file) {
            next_file += 1;
            stats.reading += done.reading;
            let job = &jobs[done.index];
            match done.result {
                // The error's outermost context is already the file's name (`read_report`).
                Err(error) => writer.failed(&error, done.bytes, &mut stats, start),
                Ok((read, _)) if options.dry_run => {
                    let job_path = job.path.display().to_string();
                    match dry_run(&store, &read).await.context(job_path) {
                        Ok(lines) => {
                            stats.reports += 1;
                            if let Err(error) = writer.print(job, &lines) {
                                written = Err(error);
                                break 'receive;
                            }
                            writer.advance(done.bytes, &mut stats, start);
                        }
                        Err(error) => writer.failed(&error, done.bytes, &mut stats, start),
                    }
                }
                Ok((read, findings)) => batch.push(Ready {
                    index: done.index,
                    bytes: done.bytes,
                    read,
                    findings,
                }),
            }
            if batch.len() >= writer.batch_size {
                if let Err(error) = writer.store_batch(&mut batch, &mut stats, start).await {
                    written = Err(error);
                    break 'receive;
                }
            }
        }
        waited = Instant::now();
    }
    if written.is_ok() {
        written = writer.store_batch(&mut batch, &mut stats, start).await;
    }
    let outcome = writer.outcome;
    drop(receiver);
    for handle in handles {
        // A worker that panicked has already printed why (the panic hook exits the process).
        let _ = handle.join();
    }
    bar.finish_and_clear();
    written?;
    if stats.reports >= BULK_IMPORT {
        // Many reports leave the search index in many pieces (FTS5 segments, GIN's pending
        // list): merged once here, every later search is faster (BENCHMARKS.md).
        let merging = Instant::now();
        store
            .optimize_search_index()
            .await
            .context("検索索引を整理できません（取り込んだ報告は保存済みです）")?;
        stats.storing += merging.elapsed();
    }
    if total > 1 {
        eprintln!("{}", stats.summary(start.elapsed()));
        eprintln!("{}", stats.breakdown(workers.min(total)));
    }
    Ok(outcome)
}

/// A file read and checked, waiting in the writer's batch to be stored.
struct Ready {
    index: usize,
    bytes: u64,
    read: ReadFile,
    findings: usize,
}

/// How long the writer aims to keep one batch's transaction: long enough that the engine's
/// per-commit work is shared by many reports, short enough that a killed import loses little
/// and other writers (a server on the same database) wait little.
const BATCH_TIME: Duration = Duration::from_millis(250);

/// The most reports in one batch.
const MAX_BATCH: usize = 64;

/// The writer's side of an import: stores batches, prints what happened to each file.
struct Writer<'a> {
    store: &'a Database,
    jobs: &'a [Job],
    bar: &'a ProgressBar,
    outcome: Outcome,
    /// How many reports the next batch holds: sized from the last batch's time per report to
    /// take about [`BATCH_TIME`]; the first batch is one report.
    batch_size: usize,
}

impl Writer<'_> {
    /// Stores the batch's reports in one transaction (`Store::save_reports`), then prints a
    /// line per file: only after the commit, so that a line printed is a report stored.
    async fn store_batch(
        &mut self,
        batch: &mut Vec<Ready>,
        stats: &mut Stats,
        start: Instant,
    ) -> anyhow::Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let files = std::mem::take(batch);
        let sources: Vec<Source> = files
            .iter()
            .map(|file| source_of(&file_name(&self.jobs[file.index].path), &file.read))
            .collect();
        let reports: Vec<(&Report, &Source)> = files
            .iter()
            .zip(&sources)
            .map(|(file, source)| (&file.read.report, source))
            .collect();
        let storing = Instant::now();
        let saved = self.store.save_reports(&reports).await;
        let elapsed = storing.elapsed();
        stats.storing += elapsed;
        let per_report = elapsed / u32::try_from(files.len()).unwrap_or(u32::MAX);
        self.batch_size = usize::try_from(BATCH_TIME.as_nanos() / per_report.as_nanos().max(1))
            .unwrap_or(MAX_BATCH)
            .clamp(1, MAX_BATCH);
        match saved {
            Ok(results) => {
                for (file, result) in files.iter().zip(results) {
                    match result {
                        Ok(saved) => {
                            stats.reports += 1;
                            let line = format!(
                                "{}, {} findings",
                                saved_line(saved, &file.read),
                                file.findings
                            );
                            self.print(&self.jobs[file.index], &[line])?;
                            self.advance(file.bytes, stats, start);
                        }
                        Err(error) => {
                            let error = anyhow::Error::new(error)
                                .context("データベースに保存できません")
                                .context(self.jobs[file.index].path.display().to_string());
                            self.failed(&error, file.bytes, stats, start);
                        }
                    }
                }
            }
            Err(error) => {
                // The commit failed: none of the batch is stored.
                let error = anyhow::Error::new(error).context("データベースに保存できません");
                for file in &files {
                    let error = anyhow::anyhow!("{error:#}")
                        .context(self.jobs[file.index].path.display().to_string());
                    self.failed(&error, file.bytes, stats, start);
                }
            }
        }
        Ok(())
    }

    /// Prints `FILE: LINE` for each line on stdout (above the progress bar).
    fn print(&self, job: &Job, lines: &[String]) -> anyhow::Result<()> {
        let name = job.path.display().to_string();
        self.bar.suspend(|| {
            let mut out = io::stdout().lock();
            lines
                .iter()
                .try_for_each(|line| writeln!(out, "{}", visible(&format!("{name}: {line}"))))
        })?;
        Ok(())
    }

    /// A file that could not be stored: its error on stderr, the import's outcome marked.
    fn failed(&mut self, error: &anyhow::Error, bytes: u64, stats: &mut Stats, start: Instant) {
        self.bar
            .suspend(|| eprintln!("error: {}", visible(&format!("{error:#}"))));
        self.outcome = Outcome::Unreadable;
        self.advance(bytes, stats, start);
    }

    /// One more file handled.
    fn advance(&self, bytes: u64, stats: &mut Stats, start: Instant) {
        stats.files += 1;
        stats.bytes += bytes;
        self.bar.set_position(stats.files as u64);
        self.bar.set_message(stats.rates(start.elapsed()));
    }
}

/// The file's name without its folder, as the store records the source.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// From how many reports an import merges the search index at its end.
const BULK_IMPORT: usize = 100;

/// What has been imported so far.
#[derive(Debug, Default)]
struct Stats {
    /// Files handled (stored or failed).
    files: usize,
    /// Reports stored.
    reports: usize,
    /// Bytes of the files handled.
    bytes: u64,
    /// Time the workers spent reading, decoding and checking, summed over workers.
    reading: Duration,
    /// Time the writer spent storing (saving and committing).
    storing: Duration,
    /// Time the writer spent waiting for the workers.
    waiting: Duration,
}

impl Stats {
    fn rates(&self, elapsed: Duration) -> String {
        let seconds = elapsed.as_secs_f64().max(1e-9);
        format!(
            "{:.0} reports/s, {:.1} MB/s",
            self.files as f64 / seconds,
            self.bytes as f64 / 1e6 / seconds
        )
    }

    /// Where the time went: `内訳: 保存 40.1 s, 読み取り待ち 2.0 s（読み取り・検算 2 スレッドで計 30.5 s）`.
    fn breakdown(&self, workers: usize) -> String {
        format!(
            "内訳: 保存 {:.1} s, 読み取り待ち {:.1} s（読み取り・検算 {workers} スレッドで計 {:.1} s）",
            self.storing.as_secs_f64(),
            self.waiting.as_secs_f64(),
            self.reading.as_secs_f64()
        )
    }

    /// `5,223 reports, 412 MB in 48.2 s: 108 reports/s, 8.5 MB/s`
    fn summary(&self, elapsed: Duration) -> String {
        let seconds = elapsed.as_secs_f64().max(1e-9);
        format!(
            "{} reports, {:.0} MB in {:.1} s: {:.0} reports/s, {:.1} MB/s",
            thousands(self.reports),
            self.bytes as f64 / 1e6,
            seconds,
            self.reports as f64 / seconds,
            self.bytes as f64 / 1e6 / seconds
        )
    }
}

/// `5223` → `5,223`.
fn thousands(n: usize) -> String {
    kaikaku_model::quantity::format_decimal(kaikaku_model::Decimal::from(n))
}

/// A progress bar on stderr for several files when stderr is a terminal; hidden otherwise.
fn progress_bar(files: usize) -> ProgressBar {
    if files < 2 || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(
        Some(u64::try_from(files).unwrap_or(u64::MAX)),
        ProgressDrawTarget::stderr(),
    );
    if let Ok(style) =
        ProgressStyle::with_template("{bar:30} {pos}/{len} {elapsed_precise} {wide_msg}")
    {
        bar.set_style(style);
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_reads_like_the_issue_asks() {
        let stats = Stats {
            files: 5_223,
            reports: 5_223,
            bytes: 412_000_000,
            ..Stats::default()
        };
        assert_eq!(
            stats.summary(Duration::from_millis(48_200)),
            "5,223 reports, 412 MB in 48.2 s: 108 reports/s, 8.5 MB/s"
        );
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
