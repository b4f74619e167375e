//! The checks on the real sample report (Osaki City, FY2021 results of its 5th intensive reform
//! plan), read by the reader: exactly two totals in it do not add up.

use kaikaku_check::{FindingKind, check};
use kaikaku_model::{Decimal, FiscalYear, ItemNo};

#[test]
fn the_real_sample_has_exactly_two_findings() {
    kaikaku_fixtures::skip_without_real_sample!();
    let bytes = kaikaku_fixtures::real_sample();
    let report = kaikaku_reader::read(&bytes, &Default::default()).expect("the sample reads");
    let findings = check(&report);
    let summary: Vec<String> = findings.iter().map(|f| f.message()).collect();
    assert_eq!(findings.len(), 2, "{summary:#?}");

    // No.20, FY2022 forecast: 売却額 20,000,000 円 貸付額 32,000,000 円 （合計 57,000,000 円）.
    let sum = &findings[0];
    assert_eq!(sum.item_no, ItemNo(20));
    assert_eq!(sum.kind.code(), "stated_sum_mismatch");
    assert_eq!(sum.kind, FindingKind::StatedSumMismatch);
    assert_eq!(sum.label, "合計");
    assert_eq!(sum.fiscal_year, FiscalYear::new(2022));
    assert_eq!(sum.unit.symbol(), "円");
    assert_eq!(sum.stated, Decimal::from(57_000_000));
    assert_eq!(sum.computed, Decimal::from(52_000_000));
    assert_eq!(sum.difference, Decimal::from(5_000_000));
    assert_eq!(sum.line, 408);
    assert_eq!(sum.explanation, None);

    // No.21: the 総計 row `⇥総計⇥⇥53,564千円⇥464,296千円⇥` against 110,000 + 4,732 + 296,000千円;
    // the difference is the 53,564千円 the extraction moved into the 総計 row.
    let total = &findings[1];
    assert_eq!(total.item_no, ItemNo(21));
    assert_eq!(total.kind.code(), "total_mismatch");
    assert_eq!(total.kind, FindingKind::TotalMismatch);
    assert_eq!(total.fiscal_year, None);
    assert_eq!(total.unit.symbol(), "千円");
    assert_eq!(total.stated, Decimal::from(464_296));
    assert_eq!(total.computed, Decimal::from(410_732));
    assert_eq!(total.difference, Decimal::from(53_564));
    assert_eq!(total.line, 433);
    let explanation = total
        .explanation
        .as_ref()
        .expect("the difference is explained");
    assert_eq!(explanation.quantity.value, Decimal::from(53_564));
    assert_eq!(explanation.quantity.unit.symbol(), "千円");
    assert_eq!(explanation.line, 433);
    assert_eq!(explanation.place, "総計の行");
}

#[test]
fn encoding_and_width_variants_of_the_sample_give_the_same_findings() {
    kaikaku_fixtures::skip_without_real_sample!();
    // No Shift_JIS variant: the sample holds characters CP932 cannot encode (`m²`, `增`).
    let text = kaikaku_fixtures::real_sample_text();
    let read = |bytes: &[u8]| {
        let report = kaikaku_reader::read(bytes, &Default::default()).expect("the sample reads");
        check(&report)
            .iter()
            .map(|f| {
                format!(
                    "{}|{}|{}|{}|{}|{}|{}",
                    f.item_no,
                    f.kind.code(),
                    f.unit,
                    f.stated,
                    f.computed,
                    f.difference,
                    f.line
                )
            })
            .collect::<Vec<_>>()
    };
    let expected = [
        "No.20|stated_sum_mismatch|円|57000000|52000000|5000000|408",
        "No.21|total_mismatch|千円|464296|410732|53564|433",
    ];
    assert_eq!(read(text.as_bytes()), expected, "UTF-8");
    assert_eq!(
        read(&kaikaku_fixtures::with_bom_and_crlf(&text)),
        expected,
        "BOM and CRLF"
    );
    assert_eq!(
        read(kaikaku_fixtures::with_full_width_labels(&text).as_bytes()),
        expected,
        "full-width labels"
    );
}

/// A finding as `(item, kind, unit, stated, computed, difference, line, explained)`.
type FindingRow<'a> = (
    u32,
    &'a str,
    &'a str,
    Decimal,
    Decimal,
    Decimal,
    usize,
    bool,
);

fn findings_of_bundled(name: &str) -> Vec<kaikaku_check::Finding> {
    let bytes = kaikaku_fixtures::bundled(name);
    let report = kaikaku_reader::read(&bytes, &Default::default()).expect("the sample reads");
    check(&report)
}

#[test]
fn kaedemachi_where_every_total_holds_has_no_findings() {
    let findings = findings_of_bundled("kaedemachi_r6.txt");
    let messages: Vec<String> = findings.iter().map(|f| f.message()).collect();
    assert_eq!(messages, Vec::<String>::new());
}

#[test]
fn sakuragawa_has_its_two_deliberate_slips() {
    let findings = findings_of_bundled("sakuragawa_h30.txt");
    let got: Vec<FindingRow<'_>> = findings
        .iter()
        .map(|f| {
            (
                f.item_no.0,
                f.kind.code(),
                f.unit.symbol(),
                f.stated,
                f.computed,
                f.difference,
                f.line,
                f.explanation.is_some(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                2,
                "total_mismatch",
                "千円",
                Decimal::from(99_849),
                Decimal::from(99_489),
                Decimal::from(360),
                48,
                false
            ),
            (
                3,
                "stated_sum_mismatch",
                "円",
                Decimal::from(21_770_000),
                Decimal::from(20_770_000),
                Decimal::from(1_000_000),
                63,
                false
            ),
        ]
    );
    assert_eq!(
        findings[0].message(),
        "No.2: 「収納対策による増収額」の総計は99,849千円と記載されていますが、内訳を合計すると99,489千円です（差 360千円）。"
    );
}
