//! Nothing kaikaku ships or generates breaks a default limit (`kaikaku_model::limits`): the
//! bundled samples, the real sample and the generated reports, as read from their text.

use kaikaku_fixtures as fixtures;
use kaikaku_model::limits::check_report;
use kaikaku_model::{Limits, Report};
use kaikaku_reader::{ReadOptions, read};

fn violations(report: &Report) -> Vec<String> {
    check_report(report, &Limits::default())
        .iter()
        .map(|v| format!("{:?} {v}", v.line))
        .collect()
}

#[test]
fn the_bundled_samples_pass_the_default_limits() {
    for name in ["kaedemachi_r6.txt", "sakuragawa_h30.txt"] {
        let report = read(&fixtures::bundled(name), &ReadOptions::default()).expect("reads");
        assert!(!report.items.is_empty(), "{name}");
        assert_eq!(violations(&report), Vec::<String>::new(), "{name}");
    }
}

#[test]
fn the_real_sample_passes_the_default_limits() {
    fixtures::skip_without_real_sample!();
    let report = read(&fixtures::real_sample(), &ReadOptions::default()).expect("reads");
    assert_eq!(report.items.len(), 22);
    assert_eq!(violations(&report), Vec::<String>::new());
}

#[test]
fn generated_reports_pass_the_default_limits() {
    for seed in 0..40 {
        let report = fixtures::generate::report(seed);
        assert_eq!(violations(&report), Vec::<String>::new(), "seed {seed}");
    }
}
