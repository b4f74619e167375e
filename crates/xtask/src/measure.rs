//! Reading a corpus, phase by phase, against plain decoding of the same bytes: what
//! `kaikaku import` spends before the database, in MB/s.
//!
//! Every file the manifest lists is loaded into memory first, so no phase measures the disk.
//! Phases: `decode` (encoding detection and decoding only, `kaikaku_reader::decode`),
//! `decode+read` (and the reader, `read_decoded`), `decode+read+check` (and every check,
//! what the import workers do per file), each on one thread and then on `threads` threads.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;

/// A phase of reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Decoding only.
    Decode,
    /// Decoding and reading.
    DecodeRead,
    /// Decoding, reading and every check.
    DecodeReadCheck,
}

impl Phase {
    /// All phases, cheapest first.
    pub const ALL: [Phase; 3] = [Phase::Decode, Phase::DecodeRead, Phase::DecodeReadCheck];

    /// Its name in the table.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Decode => "decode",
            Phase::DecodeRead => "decode+read",
            Phase::DecodeReadCheck => "decode+read+check",
        }
    }

    /// Runs the phase on one file; returns a number that depends on the work (so it is not
    /// optimised away): characters, items, or items plus findings.
    fn run(self, bytes: &[u8]) -> usize {
        let decoded = kaikaku_reader::decode(bytes, None);
        if self == Phase::Decode {
            return decoded.text.len();
        }
        let Ok(report) = kaikaku_reader::read_decoded(&decoded) else {
            return 0;
        };
        if self == Phase::DecodeRead {
            return report.items.len();
        }
        report.items.len() + kaikaku_check::check(&report).len()
    }
}

/// One measured phase.
#[derive(Clone, Debug)]
pub struct Measured {
    /// The phase.
    pub phase: Phase,
    /// Which files: `all` or an encoding label of the manifest.
    pub files_of: String,
    /// Threads used.
    pub threads: usize,
    /// Files read.
    pub files: usize,
    /// Bytes read.
    pub bytes: usize,
    /// Wall time.
    pub elapsed: Duration,
}

impl Measured {
    /// Megabytes (10⁶ bytes) per second.
    pub fn mb_per_s(&self) -> f64 {
        self.bytes as f64 / 1e6 / self.elapsed.as_secs_f64()
    }

    /// Files per second.
    pub fn files_per_s(&self) -> f64 {
        self.files as f64 / self.elapsed.as_secs_f64()
    }
}

/// The files the manifest lists, loaded, with their manifest encoding label.
///
/// # Errors
/// When the manifest or a file cannot be read.
pub fn load(manifest: &Path) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let dir = manifest.parent().unwrap_or(Path::new("."));
    let mut reader =
        csv::Reader::from_path(manifest).with_context(|| manifest.display().to_string())?;
    let mut files = Vec::new();
    for record in reader.records() {
        let record = record.with_context(|| manifest.display().to_string())?;
        let (Some(file), Some(encoding)) = (record.get(0), record.get(5)) else {
            anyhow::bail!("{}: a line has too few columns", manifest.display());
        };
        let path = dir.join(file);
        let bytes = std::fs::read(&path).with_context(|| path.display().to_string())?;
        files.push((encoding.to_owned(), bytes));
    }
    Ok(files)
}

/// Runs `phase` over `files` on `threads` threads.
pub fn measure(phase: Phase, files: &[&[u8]], threads: usize, files_of: &str) -> Measured {
    let next = AtomicUsize::new(0);
    let sink = AtomicUsize::new(0);
    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                let mut local = 0;
                while let Some(bytes) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                    local += phase.run(bytes);
                }
                sink.fetch_add(local, Ordering::Relaxed);
            });
        }
    });
    let elapsed = start.elapsed();
    std::hint::black_box(sink.load(Ordering::Relaxed));
    Measured {
        phase,
        files_of: files_of.to_owned(),
        threads: threads.max(1),
        files: files.len(),
        bytes: files.iter().map(|b| b.len()).sum(),
        elapsed,
    }
}

/// Every phase over all files on one thread and on `threads`, then per encoding on one
/// thread.
pub fn measure_all(files: &[(String, Vec<u8>)], threads: usize) -> Vec<Measured> {
    let all: Vec<&[u8]> = files.iter().map(|(_, b)| b.as_slice()).collect();
    let mut results = Vec::new();
    for phase in Phase::ALL {
        results.push(measure(phase, &all, 1, "all"));
        if threads > 1 {
            results.push(measure(phase, &all, threads, "all"));
        }
    }
    let mut labels: Vec<&str> = files.iter().map(|(l, _)| l.as_str()).collect();
    labels.sort_unstable();
    labels.dedup();
    for label in labels {
        let of: Vec<&[u8]> = files
            .iter()
            .filter(|(l, _)| l == label)
            .map(|(_, b)| b.as_slice())
            .collect();
        for phase in [Phase::Decode, Phase::DecodeReadCheck] {
            results.push(measure(phase, &of, 1, label));
        }
    }
    results
}
