//! Reader throughput on the real sample (60 KB, 22 items): decoding plus reading, for UTF-8
//! and Shift_JIS input. Run with `cargo bench -p kaikaku-reader`; figures in BENCHMARKS.md.

use divan::counter::BytesCount;
use kaikaku_fixtures as fixtures;
use kaikaku_reader::{ReadOptions, read};

fn main() {
    divan::main();
}

#[divan::bench]
fn utf8(bencher: divan::Bencher<'_, '_>) {
    let bytes = fixtures::real_sample();
    bencher
        .counter(BytesCount::of_slice(&bytes))
        .bench(|| read(divan::black_box(&bytes), &ReadOptions::default()));
}

#[divan::bench]
fn shift_jis(bencher: divan::Bencher<'_, '_>) {
    let bytes = fixtures::as_shift_jis(&fixtures::cp932_spelling(&fixtures::real_sample_text()));
    bencher
        .counter(BytesCount::of_slice(&bytes))
        .bench(|| read(divan::black_box(&bytes), &ReadOptions::default()));
}
