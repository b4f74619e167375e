//! Search latency over a stored corpus: a fixed list of public searches
//! (`kaikaku_store::Search` through [`Database`], as the search page runs them: published
//! editions, at most 50 hits, snippets included), each run `runs` times after a warm-up,
//! with p50/p95 per query. `bench/search` runs it against the national corpus.

use std::time::{Duration, Instant};

use anyhow::Context;
use kaikaku_model::municipality::LocalGovernmentCode;
use kaikaku_store::{Database, Search, SearchFilter, SearchQuery, SearchScope};

/// One query of the list.
#[derive(Clone, Debug)]
pub struct Case {
    /// Its name in the table.
    pub name: &'static str,
    /// The query as typed.
    pub query: &'static str,
    /// Whether it is restricted to the municipality given to [`measure`].
    pub in_municipality: bool,
}

/// The queries measured: the words of the search bench (`crates/store/benches/search.rs`),
/// which the generated corpus holds too.
pub const CASES: &[Case] = &[
    Case {
        name: "two_characters",
        query: "職員",
        in_municipality: false,
    },
    Case {
        name: "one_character",
        query: "譲",
        in_municipality: false,
    },
    Case {
        name: "long_phrase",
        query: "職員意識調査「自己成長」の満足度",
        in_municipality: false,
    },
    Case {
        name: "kana_folded",
        query: "まいなんばーかーど",
        in_municipality: false,
    },
    Case {
        name: "two_words",
        query: "職員 デジタル",
        in_municipality: false,
    },
    Case {
        name: "no_hit",
        query: "存在しない語句",
        in_municipality: false,
    },
    Case {
        name: "in_municipality",
        query: "職員",
        in_municipality: true,
    },
];

/// What one query gave.
#[derive(Clone, Debug)]
pub struct Measured {
    /// The query.
    pub case: Case,
    /// Hits returned by the last run, and whether more matched.
    pub hits: usize,
    /// More items matched than the limit.
    pub more: bool,
    /// Every run's wall time, sorted.
    pub times: Vec<Duration>,
}

impl Measured {
    /// The `p`-th percentile (nearest rank), `p` in 0..=100.
    pub fn percentile(&self, p: usize) -> Duration {
        let n = self.times.len();
        if n == 0 {
            return Duration::ZERO;
        }
        let rank = (p * n).div_ceil(100).clamp(1, n);
        self.times[rank - 1]
    }
}

/// Runs every case `warmup` times unmeasured, then `runs` times measured, one case after the
/// other, against `database` (an SQLite path or a PostgreSQL URL), first optimising its index
/// when `optimize` (`Search::optimize_search_index`); the cases restricted to a municipality
/// only when `municipality` is given.
pub async fn measure(
    database: &str,
    optimize: bool,
    municipality: Option<LocalGovernmentCode>,
    runs: usize,
    warmup: usize,
    limit: u32,
) -> anyhow::Result<Vec<Measured>> {
    let db = Database::connect(database)
        .await
        .with_context(|| format!("opening {database}"))?;
    if optimize {
        db.optimize_search_index().await?;
    }
    let mut measured = Vec::new();
    for case in CASES {
        let filter = match (case.in_municipality, municipality) {
            (false, _) => SearchFilter::default(),
            (true, Some(code)) => SearchFilter::municipality(code),
            (true, None) => continue,
        };
        let query = SearchQuery::parse(case.query)?;
        let mut times = Vec::with_capacity(runs);
        let mut last = None;
        for i in 0..warmup + runs {
            let start = Instant::now();
            let results = db
                .search(&query, SearchScope::Published, &filter, limit)
                .await?;
            let elapsed = start.elapsed();
            if i >= warmup {
                times.push(elapsed);
            }
            last = Some(results);
        }
        times.sort();
        let last = last.unwrap_or_default();
        measured.push(Measured {
            case: case.clone(),
            hits: last.hits.len(),
            more: last.more,
            times,
        });
    }
    db.close().await;
    Ok(measured)
}
