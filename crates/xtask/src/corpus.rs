//! A corpus of generated progress reports: per synthetic municipality the consecutive yearly
//! editions of one plan, written as `DIR/<pref>/<code>_<year>.txt` in a mix of encodings,
//! and `DIR/manifest.csv` listing every file with its municipality and the number of findings
//! `kaikaku_check::check` gives on the generated edition.
//!
//! The manifest's columns (UTF-8, LF, one header row):
//! `file` (relative to the manifest, `/`-separated), `code` (全国地方公共団体コード), `municipality`
//! (団体名, invented), `plan`, `fiscal_year` (the report year, Gregorian), `encoding`
//! ([`FileEncoding::label`]), `findings`.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Context;
use kaikaku_fixtures::generate::{SeriesShape, Shape, series};
use kaikaku_fixtures::municipalities::municipalities;
use kaikaku_fixtures::{cp932_spelling, with_bom_and_crlf};
use kaikaku_model::Municipality;

/// The manifest's file name inside the corpus folder.
pub const MANIFEST: &str = "manifest.csv";

/// The manifest's header row.
pub const MANIFEST_HEADER: [&str; 7] = [
    "file",
    "code",
    "municipality",
    "plan",
    "fiscal_year",
    "encoding",
    "findings",
];

/// What to generate.
#[derive(Clone, Debug)]
pub struct CorpusSpec {
    /// How many municipalities (1,741 is the national count).
    pub municipalities: usize,
    /// How many consecutive yearly editions per municipality (1–10).
    pub years: usize,
    /// The corpus seed: the same spec gives the same files, byte for byte.
    pub seed: u64,
    /// The share of 総計 rows that do not add up, in percent.
    pub wrong_total_percent: u8,
    /// The share of plans with a generic name (`第5次集中改革プラン`), in percent.
    pub generic_name_percent: u8,
}

/// How a file is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileEncoding {
    /// UTF-8, LF, no BOM.
    Utf8,
    /// UTF-8 with a byte-order mark and CRLF line ends.
    Utf8BomCrlf,
    /// Shift_JIS (CP932), after [`cp932_spelling`].
    ShiftJis,
    /// EUC-JP, after [`cp932_spelling`].
    EucJp,
}

impl FileEncoding {
    /// All of them.
    pub const ALL: [FileEncoding; 4] = [
        FileEncoding::Utf8,
        FileEncoding::Utf8BomCrlf,
        FileEncoding::ShiftJis,
        FileEncoding::EucJp,
    ];

    /// The manifest's name of the encoding.
    pub fn label(self) -> &'static str {
        match self {
            FileEncoding::Utf8 => "UTF-8",
            FileEncoding::Utf8BomCrlf => "UTF-8 BOM CRLF",
            FileEncoding::ShiftJis => "Shift_JIS",
            FileEncoding::EucJp => "EUC-JP",
        }
    }

    /// The encoding of the `n`-th file of the corpus of `seed`: about half UTF-8, 15 % UTF-8
    /// with BOM and CRLF, a quarter Shift_JIS and a tenth EUC-JP.
    pub fn of_file(seed: u64, n: u64) -> FileEncoding {
        match mix(seed ^ mix(n)) % 100 {
            0..50 => FileEncoding::Utf8,
            50..65 => FileEncoding::Utf8BomCrlf,
            65..90 => FileEncoding::ShiftJis,
            _ => FileEncoding::EucJp,
        }
    }

    /// `text` encoded. Shift_JIS and EUC-JP get [`cp932_spelling`] first, as the tools that
    /// write them do.
    ///
    /// # Errors
    /// When a character has no code in the encoding even after that spelling.
    pub fn encode(self, text: &str) -> anyhow::Result<Vec<u8>> {
        let legacy = |encoding: &'static encoding_rs::Encoding| {
            let spelled = cp932_spelling(text);
            let (bytes, _, unmappable) = encoding.encode(&spelled);
            anyhow::ensure!(
                !unmappable,
                "a character has no code in {}",
                encoding.name()
            );
            Ok(bytes.into_owned())
        };
        match self {
            FileEncoding::Utf8 => Ok(text.as_bytes().to_vec()),
            FileEncoding::Utf8BomCrlf => Ok(with_bom_and_crlf(text)),
            FileEncoding::ShiftJis => legacy(encoding_rs::SHIFT_JIS),
            FileEncoding::EucJp => legacy(encoding_rs::EUC_JP),
        }
    }
}

/// SplitMix64's finaliser: a well-mixed 64-bit value from a counter.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// One generated file, as the manifest lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The path relative to the corpus folder, `/`-separated: `01/012017_2021.txt`.
    pub file: String,
    /// The municipality.
    pub municipality: Municipality,
    /// The plan name.
    pub plan: String,
    /// The report fiscal year (Gregorian).
    pub fiscal_year: i32,
    /// How the file is encoded.
    pub encoding: FileEncoding,
    /// The number of findings `kaikaku_check::check` gives on the generated edition.
    pub findings: usize,
    /// The file's size in bytes.
    pub bytes: usize,
}

/// What [`generate`] wrote.
#[derive(Debug)]
pub struct Written {
    /// Every file, in manifest order (by code, then year).
    pub entries: Vec<Entry>,
    /// The manifest's path.
    pub manifest: PathBuf,
}

/// The editions of municipality number `index` of the corpus of `spec`, with the
/// municipality: the same on every machine.
pub fn editions_of(
    spec: &CorpusSpec,
    index: usize,
    municipality: &Municipality,
) -> Vec<kaikaku_model::Report> {
    let shape = SeriesShape {
        shape: Shape {
            wrong_total_percent: spec.wrong_total_percent,
            ..Shape::default()
        },
        town: municipality.name.clone(),
        editions: spec.years,
        generic_name_percent: spec.generic_name_percent,
    };
    series(mix(spec.seed) ^ mix(index as u64 + 1), &shape)
}

/// Generates the corpus of `spec` into `dir` on `threads` threads (at least one), calling
/// `progress` with the number of municipalities done after each one.
///
/// # Errors
/// When `spec` asks for no years or more than ten, or a file cannot be written.
pub fn generate(
    spec: &CorpusSpec,
    dir: &Path,
    threads: usize,
    progress: &(dyn Fn(usize) + Sync),
) -> anyhow::Result<Written> {
    anyhow::ensure!(
        (1..=10).contains(&spec.years),
        "--years must be 1–10 (a plan runs at most ten years)"
    );
    anyhow::ensure!(
        spec.municipalities <= kaikaku_fixtures::municipalities::MAX,
        "--municipalities must be at most {}",
        kaikaku_fixtures::municipalities::MAX
    );
    std::fs::create_dir_all(dir).with_context(|| dir.display().to_string())?;
    let towns = municipalities(spec.municipalities);
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Vec<Entry>)>> = Mutex::new(Vec::with_capacity(towns.len()));
    let failure: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(town) = towns.get(index) else { break };
                    match write_municipality(spec, dir, index, town) {
                        Ok(entries) => lock(&results).push((index, entries)),
                        Err(error) => {
                            lock(&failure).get_or_insert(error);
                            break;
                        }
                    }
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1);
                }
            });
        }
    });
    if let Some(error) = lock(&failure).take() {
        return Err(error);
    }
    let mut results = std::mem::take(&mut *lock(&results));
    results.sort_by_key(|(index, _)| *index);
    let entries: Vec<Entry> = results.into_iter().flat_map(|(_, e)| e).collect();
    let manifest = dir.join(MANIFEST);
    write_manifest(&manifest, &entries)?;
    Ok(Written { entries, manifest })
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write_municipality(
    spec: &CorpusSpec,
    dir: &Path,
    index: usize,
    municipality: &Municipality,
) -> anyhow::Result<Vec<Entry>> {
    let prefecture = format!("{:02}", municipality.code.prefecture());
    let folder = dir.join(&prefecture);
    std::fs::create_dir_all(&folder).with_context(|| folder.display().to_string())?;
    let mut entries = Vec::with_capacity(spec.years);
    for (edition, report) in editions_of(spec, index, municipality)
        .into_iter()
        .enumerate()
    {
        let fiscal_year = report
            .report_fiscal_year
            .map(kaikaku_model::FiscalYear::gregorian)
            .context("a generated edition has a report year")?;
        let name = format!("{}_{fiscal_year}.txt", municipality.code);
        let encoding = FileEncoding::of_file(spec.seed, (index * 10 + edition) as u64);
        let text = kaikaku_export::text::render(&report);
        let bytes = encoding
            .encode(&text)
            .with_context(|| format!("{prefecture}/{name}"))?;
        let path = folder.join(&name);
        std::fs::write(&path, &bytes).with_context(|| path.display().to_string())?;
        entries.push(Entry {
            file: format!("{prefecture}/{name}"),
            municipality: municipality.clone(),
            plan: report.plan_name.clone(),
            fiscal_year,
            encoding,
            findings: kaikaku_check::check(&report).len(),
            bytes: bytes.len(),
        });
    }
    Ok(entries)
}

fn write_manifest(path: &Path, entries: &[Entry]) -> anyhow::Result<()> {
    let context = || path.display().to_string();
    let mut writer = csv::Writer::from_path(path).with_context(context)?;
    writer.write_record(MANIFEST_HEADER).with_context(context)?;
    for entry in entries {
        writer
            .write_record([
                entry.file.as_str(),
                &entry.municipality.code.to_string(),
                &entry.municipality.name,
                &entry.plan,
                &entry.fiscal_year.to_string(),
                entry.encoding.label(),
                &entry.findings.to_string(),
            ])
            .with_context(context)?;
    }
    writer.flush().with_context(context)?;
    Ok(())
}
