//! The generated corpus: valid codes, consistent yearly series, a manifest whose findings are
//! what checking the written files finds, and every encoding reading back to the model.

use std::collections::HashMap;

use kaikaku_export::text::render;
use kaikaku_fixtures::generate::{SeriesShape, Shape, series};
use kaikaku_fixtures::{cp932_spelling, without_positions};
use kaikaku_model::{LocalGovernmentCode, Report, Status};
use kaikaku_reader::{ReadOptions, read};
use xtask::corpus::{CorpusSpec, Entry, FileEncoding, MANIFEST_HEADER, editions_of, generate};

fn spec(municipalities: usize, years: usize) -> CorpusSpec {
    CorpusSpec {
        municipalities,
        years,
        seed: 7,
        wrong_total_percent: 15,
        generic_name_percent: 0,
    }
}

fn read_bytes(bytes: &[u8]) -> Report {
    read(bytes, &ReadOptions::default()).expect("a generated file reads as a report")
}

/// What a file written in `encoding` from `report` must read back to: the report itself,
/// or for Shift_JIS and EUC-JP the report read from its CP932 spelling (`—` → `―`).
fn expected(report: &Report, encoding: FileEncoding) -> Report {
    match encoding {
        FileEncoding::Utf8 | FileEncoding::Utf8BomCrlf => report.clone(),
        FileEncoding::ShiftJis | FileEncoding::EucJp => {
            without_positions(read_bytes(cp932_spelling(&render(report)).as_bytes()))
        }
    }
}

#[test]
fn a_small_corpus_is_written_as_its_manifest_says() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let spec = spec(5, 2);
    let written = generate(&spec, dir.path(), 2, &|_| {}).expect("the corpus is written");
    assert_eq!(written.entries.len(), 10);

    // The manifest lists every file, as the entries say.
    let mut reader = csv::Reader::from_path(&written.manifest).expect("the manifest reads");
    let header: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, MANIFEST_HEADER);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a row")).collect();
    assert_eq!(rows.len(), written.entries.len());

    for (row, entry) in rows.iter().zip(&written.entries) {
        let cells: Vec<&str> = row.iter().collect();
        let code = LocalGovernmentCode::parse(cells[1]).expect("a valid code");
        assert_eq!(code, entry.municipality.code);
        assert_eq!(
            cells[0],
            format!("{:02}/{code}_{}.txt", code.prefecture(), cells[4])
        );
        assert_eq!(cells[2], entry.municipality.name);
        assert!(
            cells[3].contains(&entry.municipality.name),
            "the plan names the town: {}",
            cells[3]
        );
        assert_eq!(cells[5], entry.encoding.label());

        // What `kaikaku check FILE` does: decode (detected), read, check.
        let bytes = std::fs::read(dir.path().join(cells[0])).expect("the file exists");
        assert_eq!(bytes.len(), entry.bytes);
        let decoded = kaikaku_reader::decode(&bytes, None);
        assert!(!decoded.had_errors, "{}: decodes cleanly", cells[0]);
        let detected = match entry.encoding {
            FileEncoding::Utf8 | FileEncoding::Utf8BomCrlf => "UTF-8",
            FileEncoding::ShiftJis => "Shift_JIS",
            FileEncoding::EucJp => "EUC-JP",
        };
        assert_eq!(decoded.encoding.name(), detected, "{}", cells[0]);
        let back = kaikaku_reader::read_decoded(&decoded).expect("reads");
        assert_eq!(back.warnings, [], "{}: no warnings", cells[0]);
        let findings = kaikaku_check::check(&back).len();
        assert_eq!(cells[6], findings.to_string(), "{}: findings", cells[0]);
        assert_eq!(entry.findings, findings);
    }
    let with_findings = written.entries.iter().filter(|e| e.findings > 0).count();
    assert!(with_findings > 0, "some editions have wrong totals");
}

#[test]
fn the_written_files_read_back_to_the_generated_editions() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let spec = spec(5, 2);
    let written = generate(&spec, dir.path(), 1, &|_| {}).expect("the corpus is written");
    let towns = kaikaku_fixtures::municipalities::municipalities(5);
    let by_file: HashMap<&str, &Entry> = written
        .entries
        .iter()
        .map(|e| (e.file.as_str(), e))
        .collect();
    for (index, town) in towns.iter().enumerate() {
        for report in editions_of(&spec, index, town) {
            let year = report
                .report_fiscal_year
                .expect("a report year")
                .gregorian();
            let file = format!("{:02}/{}_{year}.txt", town.code.prefecture(), town.code);
            let entry = by_file[file.as_str()];
            let bytes = std::fs::read(dir.path().join(&file)).expect("the file exists");
            let back = without_positions(read_bytes(&bytes));
            assert_eq!(back, expected(&report, entry.encoding), "{file}");
        }
    }
}

#[test]
fn every_encoding_reads_back_to_the_model() {
    for seed in 0..6 {
        let report = &series(
            seed,
            &SeriesShape {
                shape: Shape::default(),
                town: "楓川町".to_owned(),
                editions: 1,
                generic_name_percent: 0,
            },
        )[0];
        for encoding in FileEncoding::ALL {
            let bytes = encoding.encode(&render(report)).expect("encodes");
            let back = without_positions(read_bytes(&bytes));
            assert_eq!(back.warnings, [], "seed {seed}, {}", encoding.label());
            assert_eq!(
                back,
                expected(report, encoding),
                "seed {seed}, {}",
                encoding.label()
            );
            // The CP932 spelling changes only how nothing is written, never a finding.
            assert_eq!(
                kaikaku_check::check(&back),
                kaikaku_check::check(report),
                "seed {seed}, {}",
                encoding.label()
            );
        }
    }
}

#[test]
fn encodings_are_mixed_in_the_stated_shares() {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for n in 0..10_000 {
        *counts
            .entry(FileEncoding::of_file(1, n).label())
            .or_default() += 1;
    }
    let share = |label: &str| counts.get(label).copied().unwrap_or(0) as f64 / 100.0;
    assert!((share("UTF-8") - 50.0).abs() < 3.0, "{counts:?}");
    assert!((share("UTF-8 BOM CRLF") - 15.0).abs() < 3.0, "{counts:?}");
    assert!((share("Shift_JIS") - 25.0).abs() < 3.0, "{counts:?}");
    assert!((share("EUC-JP") - 10.0).abs() < 3.0, "{counts:?}");
}

#[test]
fn a_series_is_one_plan_over_consecutive_years() {
    for seed in 0..16 {
        let editions = series(
            seed,
            &SeriesShape {
                shape: Shape::default(),
                town: "白沢市".to_owned(),
                editions: 4,
                generic_name_percent: 0,
            },
        );
        assert_eq!(editions.len(), 4);
        let first = &editions[0];
        assert!(first.plan_name.contains("白沢市"), "{}", first.plan_name);
        let start = first.report_fiscal_year.expect("a year").gregorian();
        for (i, edition) in editions.iter().enumerate() {
            let year = edition.report_fiscal_year.expect("a year");
            assert_eq!(
                year.gregorian(),
                start + i as i32,
                "seed {seed}: consecutive"
            );
            assert!(edition.fiscal_years.contains(&year), "inside the plan");
            assert!(edition.title.starts_with(&first.plan_name));
            assert!(
                edition.title.contains(&year.wareki_label()),
                "{}",
                edition.title
            );
            assert_eq!(edition.plan_name, first.plan_name);
            assert_eq!(edition.fiscal_years, first.fiscal_years);
            assert_eq!(edition.summary, first.summary);
            assert_eq!(edition.items.len(), first.items.len());
            for (item, same) in edition.items.iter().zip(&first.items) {
                assert_eq!(
                    (
                        &item.no,
                        &item.title,
                        &item.departments,
                        &item.reporting_department
                    ),
                    (
                        &same.no,
                        &same.title,
                        &same.departments,
                        &same.reporting_department
                    )
                );
                assert_eq!(
                    (&item.contents, &item.goal, &item.actions),
                    (&same.contents, &same.goal, &same.actions)
                );
                for narrative in &item.narratives {
                    assert!(narrative.fiscal_year >= year, "narratives of its year on");
                }
                if let Some(evaluation) = &item.evaluation {
                    assert_eq!(evaluation.fiscal_year, year);
                }
                // Values stay; their marks follow the report year.
                for (row, same_row) in item.effects.iter().zip(&same.effects) {
                    assert_eq!(row.fiscal_year, same_row.fiscal_year);
                    let values = |r: &kaikaku_model::EffectRow| {
                        r.quantities.iter().map(|q| q.value).collect::<Vec<_>>()
                    };
                    assert_eq!(values(row), values(same_row));
                    let Some(row_year) = row.fiscal_year else {
                        continue;
                    };
                    for quantity in &row.quantities {
                        let Some(status) = quantity.status else {
                            continue;
                        };
                        if row_year <= year {
                            assert_eq!(status, Status::Actual);
                        } else if row_year == year.next() {
                            assert_eq!(status, Status::Forecast);
                        } else {
                            assert!(matches!(status, Status::Plan | Status::Target));
                        }
                        assert!(row.text.contains(status.label()), "{}", row.text);
                    }
                }
            }
            // Each edition reads back from its text.
            let back = without_positions(read_bytes(render(edition).as_bytes()));
            assert_eq!(&back, edition, "seed {seed}, edition {i}");
        }
        assert_ne!(
            editions[0]
                .items
                .iter()
                .map(|i| &i.narratives)
                .collect::<Vec<_>>(),
            editions[1]
                .items
                .iter()
                .map(|i| &i.narratives)
                .collect::<Vec<_>>(),
            "seed {seed}: narratives are written anew each year"
        );
    }
}

#[test]
fn generic_plan_names_come_in_the_share_asked() {
    let names = |percent| {
        (0..64)
            .map(|seed| {
                series(
                    seed,
                    &SeriesShape {
                        shape: Shape {
                            items: 1..=2,
                            ..Shape::default()
                        },
                        town: "楓川町".to_owned(),
                        editions: 1,
                        generic_name_percent: percent,
                    },
                )[0]
                .plan_name
                .clone()
            })
            .collect::<Vec<_>>()
    };
    assert!(names(0).iter().all(|n| n.contains("楓川町")));
    assert!(
        names(100)
            .iter()
            .all(|n| !n.contains("楓川町") && n.contains("集中改革プラン"))
    );
}

#[test]
fn generation_is_deterministic() {
    let a = tempfile::tempdir().expect("a temporary folder");
    let b = tempfile::tempdir().expect("a temporary folder");
    let spec = spec(3, 2);
    let one = generate(&spec, a.path(), 1, &|_| {}).expect("written");
    let two = generate(&spec, b.path(), 2, &|_| {}).expect("written");
    assert_eq!(one.entries, two.entries);
    for entry in &one.entries {
        assert_eq!(
            std::fs::read(a.path().join(&entry.file)).expect("a"),
            std::fs::read(b.path().join(&entry.file)).expect("b"),
            "{}",
            entry.file
        );
    }
}
