//! Search latency over a large generated corpus, built once per run in a temporary directory:
//! 1,200 published editions, nine in ten made by the seeded report generator
//! (`kaikaku_fixtures::generate`, 1–40 items each, its own vocabulary of towns, departments and
//! reform texts) and one in ten a copy of the real sample, so that the queries below have hits
//! of real wording among texts that differ from edition to edition. Each bench is one query of
//! the public search (published editions, at most 50 hits, snippets included). Run with
//! `cargo bench -p kaikaku-store --bench search`; figures in BENCHMARKS.md.

use std::sync::LazyLock;

use kaikaku_model::Report;
use kaikaku_store::{Search, SearchFilter, SearchQuery, SearchScope, Source, SqliteStore, Store};
use tokio::runtime::Runtime;

/// How many editions the corpus has.
const EDITIONS: u64 = 1_200;
/// As many hits as the search page shows.
const LIMIT: u32 = 50;

struct Corpus {
    runtime: Runtime,
    store: SqliteStore,
    _dir: tempfile::TempDir,
}

static CORPUS: LazyLock<Corpus> = LazyLock::new(build);

/// Edition `n` of the corpus, under a plan name of its own (generated plans may share names).
fn edition(n: u64, real_sample: &Report) -> Report {
    let mut report = if n % 10 == 0 {
        real_sample.clone()
    } else {
        kaikaku_fixtures::generate::report(n)
    };
    report.plan_name = format!("{}（{n:04}）", report.plan_name);
    report
}

fn build() -> Corpus {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let real_sample = kaikaku_reader::read(&kaikaku_fixtures::real_sample(), &Default::default())
        .expect("the sample reads");
    let dir = tempfile::tempdir().expect("temp dir");
    let store = runtime.block_on(async {
        let store = SqliteStore::open(&dir.path().join("corpus.db"))
            .await
            .expect("open the store");
        let source = Source {
            name: "corpus.txt".to_owned(),
            encoding: "UTF-8".to_owned(),
        };
        let mut items = 0;
        for n in 0..EDITIONS {
            let report = edition(n, &real_sample);
            items += report.items.len();
            store.save_report(&report, &source).await.expect("import");
        }
        eprintln!("corpus: {EDITIONS} editions, {items} items");
        store
    });
    Corpus {
        runtime,
        store,
        _dir: dir,
    }
}

fn main() {
    LazyLock::force(&CORPUS);
    divan::main();
}

/// Runs `query` as the public search page does.
fn search(bencher: divan::Bencher<'_, '_>, query: &str) {
    let corpus = &*CORPUS;
    let query = SearchQuery::parse(query).expect("a valid query");
    bencher.bench(|| {
        corpus
            .runtime
            .block_on(corpus.store.search(
                divan::black_box(&query),
                SearchScope::Published,
                &SearchFilter::default(),
                LIMIT,
            ))
            .expect("search")
    });
}

/// A frequent two-character word (職員: 9 of the real sample's 22 items, and generated texts).
#[divan::bench]
fn two_characters(bencher: divan::Bencher<'_, '_>) {
    search(bencher, "職員");
}

/// A one-character word (a prefix query on the bigrams).
#[divan::bench]
fn one_character(bencher: divan::Bencher<'_, '_>) {
    search(bencher, "譲");
}

/// A long phrase: 16 bigrams in a row.
#[divan::bench]
fn long_phrase(bencher: divan::Bencher<'_, '_>) {
    search(bencher, "職員意識調査「自己成長」の満足度");
}

/// Hiragana for katakana written in the documents.
#[divan::bench]
fn kana_folded(bencher: divan::Bencher<'_, '_>) {
    search(bencher, "まいなんばーかーど");
}

/// Two words (AND).
#[divan::bench]
fn two_words(bencher: divan::Bencher<'_, '_>) {
    search(bencher, "職員 デジタル");
}

/// Nothing matches.
#[divan::bench]
fn no_hit(bencher: divan::Bencher<'_, '_>) {
    search(bencher, "存在しない語句");
}
