//! The text layout's speed: rendering the real sample, generating editions from seeds, and
//! both together (what building a generated corpus does per edition; seed 2 has 22 items, seed
//! 42 has 39). Run with
//! `cargo bench -p kaikaku-export --bench text`; figures in BENCHMARKS.md.

use divan::counter::BytesCount;
use kaikaku_export::text::render;
use kaikaku_fixtures::{self as fixtures, generate};
use kaikaku_reader::{ReadOptions, read};

fn main() {
    divan::main();
}

#[divan::bench]
fn render_real_sample(bencher: divan::Bencher<'_, '_>) {
    let report = read(&fixtures::real_sample(), &ReadOptions::default()).expect("the sample reads");
    let bytes = render(&report).len();
    bencher
        .counter(BytesCount::new(bytes))
        .bench(|| render(divan::black_box(&report)));
}

#[divan::bench(args = [2, 42])]
fn generate_edition(seed: u64) -> kaikaku_model::Report {
    generate::report(divan::black_box(seed))
}

#[divan::bench(args = [2, 42])]
fn generate_and_render(seed: u64) -> String {
    render(&generate::report(divan::black_box(seed)))
}
