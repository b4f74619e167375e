//! Reader + checks throughput: what `kaikaku check FILE` does per file, on the real sample
//! (60 KB, 22 items) and on the bundled 楓町 report. Checks alone are measured too.
//! Run with `cargo bench -p kaikaku-check`; figures in BENCHMARKS.md.

use divan::counter::BytesCount;
use kaikaku_fixtures as fixtures;
use kaikaku_reader::{ReadOptions, read};

fn main() {
    divan::main();
}

fn read_and_check(bytes: &[u8]) -> usize {
    match read(bytes, &ReadOptions::default()) {
        Ok(report) => kaikaku_check::check(&report).len(),
        Err(_) => usize::MAX,
    }
}

#[divan::bench]
fn real_sample(bencher: divan::Bencher<'_, '_>) {
    let bytes = fixtures::real_sample();
    bencher
        .counter(BytesCount::of_slice(&bytes))
        .bench(|| read_and_check(divan::black_box(&bytes)));
}

#[divan::bench]
fn kaedemachi(bencher: divan::Bencher<'_, '_>) {
    let bytes = fixtures::bundled("kaedemachi_r6.txt");
    bencher
        .counter(BytesCount::of_slice(&bytes))
        .bench(|| read_and_check(divan::black_box(&bytes)));
}

#[divan::bench]
fn checks_only(bencher: divan::Bencher<'_, '_>) {
    let report = read(&fixtures::real_sample(), &ReadOptions::default()).expect("reads");
    bencher.bench(|| kaikaku_check::check(divan::black_box(&report)).len());
}
