//! `cargo run -p xtask --release -- gen-corpus --municipalities 1741 --years 3 --out DIR`:
//! developer tasks (see the crate's library).

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::{Parser, Subcommand};
use kaikaku_model::municipality::LocalGovernmentCode;
use xtask::corpus::{CorpusSpec, generate};
use xtask::measure::{load, measure_all};
use xtask::search::measure as measure_search;

/// Developer tasks of kaikaku (not part of the product).
#[derive(Debug, Parser)]
#[command(name = "xtask")]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Generate a corpus of progress reports: per synthetic municipality (valid codes,
    /// invented names) the consecutive yearly editions of one plan, as
    /// OUT/<pref>/<code>_<year>.txt in a mix of encodings, and OUT/manifest.csv.
    GenCorpus {
        /// How many municipalities (1741 is the national count; at most 6000).
        #[arg(long, default_value_t = 1741)]
        municipalities: usize,
        /// How many consecutive yearly editions per municipality (1–10).
        #[arg(long, default_value_t = 3)]
        years: usize,
        /// The folder to write; created when missing. Keep it out of the repository
        /// (e.g. target/corpus).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The corpus seed; the same arguments give the same files.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Share of 総計 rows that do not add up, in percent.
        #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u8).range(0..=100))]
        wrong_total_percent: u8,
        /// Share of plans with a generic name such as 第5次集中改革プラン, in percent. Keep 0
        /// while the store keys plans by name alone: towns sharing a name would share a plan.
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=100))]
        generic_plan_names: u8,
        /// Worker threads; default: every core.
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Read every file of a corpus in memory, phase by phase (decode; decode+read;
    /// decode+read+check), on one thread and on every core, and print MB/s.
    MeasureRead {
        /// The corpus manifest (OUT/manifest.csv of gen-corpus).
        #[arg(long, value_name = "FILE")]
        manifest: PathBuf,
        /// Threads for the parallel runs; default: every core.
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Run a fixed list of public searches against a stored corpus, each RUNS times after a
    /// warm-up, and print p50/p95 per query.
    MeasureSearch {
        /// The database: an SQLite file or a postgres:// URL (migrated when behind).
        #[arg(long, value_name = "URL")]
        database_url: String,
        /// Measured runs per query.
        #[arg(long, default_value_t = 50)]
        runs: usize,
        /// Unmeasured runs per query first.
        #[arg(long, default_value_t = 3)]
        warmup: usize,
        /// Hits per search (the search page shows 50).
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// A 全国地方公共団体コード for the query restricted to one municipality (left out
        /// without it).
        #[arg(long, value_name = "CODE")]
        municipality: Option<String>,
        /// Optimise the search index first (what a bulk import should do at its end).
        #[arg(long)]
        optimize: bool,
    },
    /// Write a hostile workbook for `bench/hostile-xlsx`: about 1 MB of zip whose one shared
    /// string decompresses to MIB mebibytes (a "zip bomb").
    HostileXlsx {
        /// The file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The shared string's size in MiB (1024 = 1 GiB).
        #[arg(long, default_value_t = 1024)]
        mib: u64,
    },
    /// List the import circles between sibling modules of every crate (see the library's
    /// `cycles` module); exit status 1 when there is one. CI runs it.
    ModCycles,
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Task::HostileXlsx { out, mib } => {
            let file = std::io::BufWriter::new(std::fs::File::create(&out)?);
            let start = Instant::now();
            kaikaku_fixtures::workbooks::shared_string_bomb(file, mib << 20)?.flush()?;
            println!(
                "{}: {} bytes holding a shared string of {mib} MiB, in {:.1} s",
                out.display(),
                std::fs::metadata(&out)?.len(),
                start.elapsed().as_secs_f64()
            );
        }
        Task::ModCycles => {
            let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
            let circles = xtask::cycles::find(&root)?;
            for circle in &circles {
                println!("{circle}");
            }
            println!("{} import circle(s) between sibling modules", circles.len());
            if !circles.is_empty() {
                std::process::exit(1);
            }
        }
        Task::GenCorpus {
            municipalities,
            years,
            out,
            seed,
            wrong_total_percent,
            generic_plan_names,
            threads,
        } => {
            let spec = CorpusSpec {
                municipalities,
                years,
                seed,
                wrong_total_percent,
                generic_name_percent: generic_plan_names,
            };
            let start = Instant::now();
            let progress = |done: usize| {
                if done % 100 == 0 || done == municipalities {
                    eprint!("\r{done}/{municipalities} municipalities");
                    let _ = std::io::stderr().flush();
                }
            };
            let written = generate(&spec, &out, threads.unwrap_or_else(cores), &progress)?;
            let bytes: usize = written.entries.iter().map(|e| e.bytes).sum();
            let wrong = written.entries.iter().filter(|e| e.findings > 0).count();
            eprintln!();
            println!(
                "{} files, {:.1} MB, {} with findings ({:.1} %), in {:.1} s: {}",
                written.entries.len(),
                bytes as f64 / 1e6,
                wrong,
                100.0 * wrong as f64 / written.entries.len().max(1) as f64,
                start.elapsed().as_secs_f64(),
                written.manifest.display()
            );
        }
        Task::MeasureRead { manifest, threads } => {
            let files = load(&manifest)?;
            let threads = threads.unwrap_or_else(cores);
            println!("| phase | files | threads | files/s | MB/s | wall |");
            println!("|---|---|---|---|---|---|");
            for m in measure_all(&files, threads) {
                println!(
                    "| {} | {} ({}, {:.1} MB) | {} | {:.0} | {:.1} | {:.2} s |",
                    m.phase.name(),
                    m.files_of,
                    m.files,
                    m.bytes as f64 / 1e6,
                    m.threads,
                    m.files_per_s(),
                    m.mb_per_s(),
                    m.elapsed.as_secs_f64()
                );
            }
        }
        Task::MeasureSearch {
            database_url,
            runs,
            warmup,
            limit,
            municipality,
            optimize,
        } => {
            let municipality = municipality
                .map(|code| LocalGovernmentCode::parse(&code))
                .transpose()
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let measured = runtime.block_on(measure_search(
                &database_url,
                optimize,
                municipality,
                runs,
                warmup,
                limit,
            ))?;
            println!("| query | words | hits | p50 | p95 | max |");
            println!("|---|---|---|---|---|---|");
            let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
            for m in &measured {
                println!(
                    "| {} | {} | {}{} | {:.1} ms | {:.1} ms | {:.1} ms |",
                    m.case.name,
                    m.case.query,
                    m.hits,
                    if m.more { "+" } else { "" },
                    ms(m.percentile(50)),
                    ms(m.percentile(95)),
                    ms(m.times.last().copied().unwrap_or_default()),
                );
            }
        }
    }
    Ok(())
}
