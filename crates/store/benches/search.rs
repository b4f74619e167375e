//! Search latency over a large generated corpus: the real sample and the bundled samples
//! imported under 400 plan names for three fiscal years each (1,200 published editions,
//! about 21,500 items), built once per run in a temporary directory. Each bench is one query
//! of the public search (published editions, at most 50 hits, snippets included). Run with
//! `cargo bench -p kaikaku-store --bench search`; figures in BENCHMARKS.md.

use std::sync::LazyLock;

use kaikaku_model::{FiscalYear, Report};
use kaikaku_store::{Search, SearchQuery, SearchScope, Source, SqliteStore, Store};
use tokio::runtime::Runtime;

/// How many plans the corpus has; each has editions for [`YEARS`].
const PLANS: usize = 400;
const YEARS: [i32; 3] = [2019, 2020, 2021];
/// As many hits as the search page shows.
const LIMIT: u32 = 50;

struct Corpus {
    runtime: Runtime,
    store: SqliteStore,
    _dir: tempfile::TempDir,
}

static CORPUS: LazyLock<Corpus> = LazyLock::new(build);

fn read(bytes: &[u8]) -> Report {
    kaikaku_reader::read(bytes, &Default::default()).expect("the sample reads")
}

/// Four plans in five are the real sample (22 items); the fifth alternates the bundled ones.
fn build() -> Corpus {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let samples = [
        read(&kaikaku_fixtures::real_sample()),
        read(&kaikaku_fixtures::bundled("kaedemachi_r6.txt")),
        read(&kaikaku_fixtures::bundled("sakuragawa_h30.txt")),
    ];
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
        for plan in 0..PLANS {
            let sample = match plan % 5 {
                4 if plan % 10 == 4 => &samples[1],
                4 => &samples[2],
                _ => &samples[0],
            };
            for year in YEARS {
                let mut report = sample.clone();
                report.plan_name = format!("{}（{plan:03}）", sample.plan_name);
                report.report_fiscal_year = FiscalYear::new(year);
                items += report.items.len();
                store.save_report(&report, &source).await.expect("import");
            }
        }
        eprintln!("corpus: {} editions, {items} items", PLANS * YEARS.len());
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
            .block_on(
                corpus
                    .store
                    .search(divan::black_box(&query), SearchScope::Published, LIMIT),
            )
            .expect("search")
    });
}

/// A frequent two-character word (職員: 9 of the real sample's 22 items).
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
