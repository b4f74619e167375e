//! Pins the published JSON format: field names, value types and the round trip through the
//! model, on a hand-built report and on the real sample.

use std::str::FromStr;

use kaikaku_check::{Explanation, Finding, FindingKind};
use kaikaku_interchange::{FindingJson, FindingsJson, ReportJson};
use kaikaku_model::{
    Action, ContentRow, Decimal, EffectRow, Evaluation, FiscalYear, Item, ItemNo,
    LocalGovernmentCode, Municipality, Narrative, NarrativeKind, Phase, Quantity, Report, Repost,
    ScheduleCell, Status, SummaryRow, Unit, Warning,
};
use serde_json::Value;

fn fy(year: i32) -> FiscalYear {
    FiscalYear::new(year).expect("year in range")
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).expect("decimal")
}

fn quantity(label: &str, value: &str, unit: Unit, status: Option<Status>) -> Quantity {
    Quantity {
        label: label.into(),
        value: dec(value),
        unit,
        status,
    }
}

/// A small report shaped like No.19 of the real sample.
fn hand_built() -> Report {
    let cell = |year, text: &str, actions: Vec<u8>, phase| ScheduleCell {
        fiscal_year: fy(year),
        text: text.into(),
        actions,
        phase,
    };
    Report {
        title: "第5次集中改革プラン取組実績一覧(令和3年度実績)".into(),
        plan_name: "第5次集中改革プラン".into(),
        municipality: Some(Municipality {
            code: LocalGovernmentCode::parse("999997").expect("a valid code"),
            name: "楓町".into(),
        }),
        report_fiscal_year: Some(fy(2021)),
        fiscal_years: vec![fy(2020), fy(2021), fy(2022)],
        summary: vec![SummaryRow {
            no: ItemNo(19),
            title: "ふるさと納税制度の活用".into(),
            reporting_department: "政策課".into(),
            line: 22,
        }],
        items: vec![Item {
            no: ItemNo(19),
            title: "ふるさと納税制度の活用".into(),
            reporting_department: Some("政策課".into()),
            departments: vec!["政策課".into(), "関係各課".into()],
            contents: vec![ContentRow {
                text: "ふるさと納税制度の促進".into(),
                schedule: vec![
                    cell(2020, "①②", vec![1, 2], None),
                    cell(2021, "② (検討)", vec![2], Some(Phase::Study)),
                    cell(2022, "", vec![], None),
                ],
                line: 386,
            }],
            goal: Some("自主財源確保に努める。".into()),
            actions: vec![
                Action {
                    no: 1,
                    text: "魅力的な返礼品の開発".into(),
                },
                Action {
                    no: 2,
                    text: "効果的なPR方法の研究と実施".into(),
                },
            ],
            narratives: vec![Narrative {
                fiscal_year: fy(2021),
                kind: NarrativeKind::Actual,
                text: "・ポータルサイトを2つ増設した。（No.3再掲）".into(),
                line: 390,
            }],
            effects: vec![
                EffectRow {
                    fiscal_year: Some(fy(2020)),
                    is_total: false,
                    text: "寄附受入（見込み） 27,075件 427,794,446円".into(),
                    quantities: vec![
                        quantity(
                            "寄附受入",
                            "27075",
                            Unit::Count("件"),
                            Some(Status::Forecast),
                        ),
                        quantity("", "427794446", Unit::Yen, Some(Status::Forecast)),
                    ],
                    line: 392,
                },
                EffectRow {
                    fiscal_year: Some(fy(2021)),
                    is_total: false,
                    text: "効果額 427,794,446千円（実績） 満足度 32.3%".into(),
                    quantities: vec![
                        quantity(
                            "効果額",
                            "427794446",
                            Unit::ThousandYen,
                            Some(Status::Actual),
                        ),
                        quantity("満足度", "32.3", Unit::Percent, None),
                    ],
                    line: 393,
                },
                EffectRow {
                    fiscal_year: None,
                    is_total: true,
                    text: "—".into(),
                    quantities: vec![],
                    line: 395,
                },
            ],
            evaluation: Some(Evaluation {
                fiscal_year: fy(2021),
                text: "前年度を大きく上回る結果となった。".into(),
                line: 396,
            }),
            reposts: vec![Repost { item_no: ItemNo(3) }],
            line: 379,
        }],
        warnings: vec![Warning {
            line: 400,
            message: "解釈できない行です".into(),
        }],
    }
}

/// The hand-built report in the published format, exactly.
const HAND_BUILT_JSON: &str = r#"{
  "title": "第5次集中改革プラン取組実績一覧(令和3年度実績)",
  "plan_name": "第5次集中改革プラン",
  "municipality": {
    "code": "999997",
    "name": "楓町"
  },
  "report_fiscal_year": 2021,
  "report_fiscal_year_label": "令和3年度",
  "fiscal_years": [
    2020,
    2021,
    2022
  ],
  "summary": [
    {
      "no": 19,
      "title": "ふるさと納税制度の活用",
      "reporting_department": "政策課",
      "line": 22
    }
  ],
  "items": [
    {
      "no": 19,
      "title": "ふるさと納税制度の活用",
      "reporting_department": "政策課",
      "departments": [
        "政策課",
        "関係各課"
      ],
      "contents": [
        {
          "text": "ふるさと納税制度の促進",
          "schedule": [
            {
              "fiscal_year": 2020,
              "actions": [
                1,
                2
              ],
              "phase": null,
              "text": "①②"
            },
            {
              "fiscal_year": 2021,
              "actions": [
                2
              ],
              "phase": "検討",
              "text": "② (検討)"
            },
            {
              "fiscal_year": 2022,
              "actions": [],
              "phase": null,
              "text": ""
            }
          ],
          "line": 386
        }
      ],
      "goal": "自主財源確保に努める。",
      "actions": [
        {
          "no": 1,
          "text": "魅力的な返礼品の開発"
        },
        {
          "no": 2,
          "text": "効果的なPR方法の研究と実施"
        }
      ],
      "narratives": [
        {
          "fiscal_year": 2021,
          "fiscal_year_label": "令和3年度",
          "kind": "actual",
          "text": "・ポータルサイトを2つ増設した。（No.3再掲）",
          "line": 390
        }
      ],
      "effects": [
        {
          "fiscal_year": 2020,
          "fiscal_year_label": "令和2年度",
          "is_total": false,
          "text": "寄附受入（見込み） 27,075件 427,794,446円",
          "quantities": [
            {
              "label": "寄附受入",
              "value": "27075",
              "unit": "件",
              "status": "forecast",
              "yen": null
            },
            {
              "label": "",
              "value": "427794446",
              "unit": "円",
              "status": "forecast",
              "yen": "427794446"
            }
          ],
          "line": 392
        },
        {
          "fiscal_year": 2021,
          "fiscal_year_label": "令和3年度",
          "is_total": false,
          "text": "効果額 427,794,446千円（実績） 満足度 32.3%",
          "quantities": [
            {
              "label": "効果額",
              "value": "427794446",
              "unit": "千円",
              "status": "actual",
              "yen": "427794446000"
            },
            {
              "label": "満足度",
              "value": "32.3",
              "unit": "%",
              "status": null,
              "yen": null
            }
          ],
          "line": 393
        },
        {
          "fiscal_year": null,
          "fiscal_year_label": null,
          "is_total": true,
          "text": "—",
          "quantities": [],
          "line": 395
        }
      ],
      "evaluation": {
        "fiscal_year": 2021,
        "fiscal_year_label": "令和3年度",
        "text": "前年度を大きく上回る結果となった。",
        "line": 396
      },
      "reposts": [
        {
          "item_no": 3
        }
      ],
      "line": 379
    }
  ],
  "warnings": [
    {
      "line": 400,
      "message": "解釈できない行です"
    }
  ]
}"#;

#[test]
fn hand_built_report_has_the_published_shape() {
    let json = serde_json::to_string_pretty(&ReportJson::from(&hand_built())).expect("serialises");
    assert_eq!(json, HAND_BUILT_JSON);
}

#[test]
fn compact_json_pins_value_types() {
    let json = serde_json::to_string(&ReportJson::from(&hand_built())).expect("serialises");
    for pinned in [
        r#""report_fiscal_year":2021"#,
        r#""fiscal_years":[2020,2021,2022]"#,
        r#""value":"427794446","unit":"円","status":"forecast","yen":"427794446""#,
        r#""value":"427794446","unit":"千円","status":"actual","yen":"427794446000""#,
        r#""value":"32.3","unit":"%","status":null,"yen":null"#,
        r#""fiscal_year":null,"fiscal_year_label":null,"is_total":true"#,
        r#""actions":[],"phase":null,"text":"""#,
    ] {
        assert!(json.contains(pinned), "missing {pinned} in {json}");
    }
}

#[test]
fn hand_built_report_round_trips() {
    let report = hand_built();
    assert_eq!(ReportJson::from(&report).into_model(), Ok(report));
}

#[test]
fn hand_built_report_round_trips_through_json_text() {
    let report = hand_built();
    let text = serde_json::to_string(&ReportJson::from(&report)).expect("serialises");
    let back: ReportJson = serde_json::from_str(&text).expect("deserialises");
    assert_eq!(back.into_model(), Ok(report));
}

#[test]
fn an_empty_report_round_trips() {
    let report = Report::default();
    let json = serde_json::to_string(&ReportJson::from(&report)).expect("serialises");
    assert_eq!(
        json,
        r#"{"title":"","plan_name":"","report_fiscal_year":null,"report_fiscal_year_label":null,"fiscal_years":[],"summary":[],"items":[],"warnings":[]}"#
    );
    assert_eq!(ReportJson::from(&report).into_model(), Ok(report));
}

/// Every JSON number in the document is an integer under a key that holds integers: exact
/// decimals are strings.
fn assert_numbers_are_integers_at_known_keys(value: &Value, key: &str) {
    const INTEGER_KEYS: [&str; 7] = [
        "no",
        "line",
        "fiscal_year",
        "report_fiscal_year",
        "fiscal_years",
        "actions",
        "item_no",
    ];
    match value {
        Value::Number(n) => {
            assert!(n.is_u64() || n.is_i64(), "{key}: {n} is not an integer");
            assert!(INTEGER_KEYS.contains(&key), "{key}: {n} is a JSON number");
        }
        Value::Array(list) => {
            for element in list {
                assert_numbers_are_integers_at_known_keys(element, key);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                assert_numbers_are_integers_at_known_keys(v, k);
            }
        }
        Value::Null | Value::Bool(_) | Value::String(_) => {}
    }
}

#[test]
fn decimals_never_become_json_numbers() {
    let value = serde_json::to_value(ReportJson::from(&hand_built())).expect("serialises");
    assert_numbers_are_integers_at_known_keys(&value, "");
    let quantity = &value["items"][0]["effects"][1]["quantities"][0];
    assert_eq!(quantity["value"], Value::String("427794446".into()));
    assert_eq!(quantity["yen"], Value::String("427794446000".into()));
}

#[test]
fn a_decimal_written_as_a_json_number_is_rejected() {
    let text = HAND_BUILT_JSON.replacen(r#""value": "27075""#, r#""value": 27075"#, 1);
    assert_ne!(text, HAND_BUILT_JSON);
    let error = serde_json::from_str::<ReportJson>(&text).expect_err("numbers are rejected");
    assert!(error.to_string().contains("invalid type"), "{error}");
}

#[test]
fn derived_and_positional_fields_are_optional_on_input() {
    let mut value = serde_json::to_value(ReportJson::from(&hand_built())).expect("serialises");
    let item = &mut value["items"][0];
    item.as_object_mut().expect("object").remove("line");
    let cell = &mut item["contents"][0]["schedule"][0];
    cell.as_object_mut().expect("object").remove("text");
    let quantity = &mut item["effects"][0]["quantities"][1];
    quantity.as_object_mut().expect("object").remove("yen");
    value
        .as_object_mut()
        .expect("object")
        .insert("a_field_from_the_future".into(), Value::Bool(true));
    let back: ReportJson = serde_json::from_value(value).expect("deserialises");
    let report = back.into_model().expect("converts");
    assert_eq!(report.items[0].line, 0);
    assert_eq!(report.items[0].contents[0].schedule[0].text, "");
    assert_eq!(report.items[0].contents[0].schedule[0].actions, vec![1, 2]);
    assert_eq!(report.items[0].effects, hand_built().items[0].effects);
}

#[test]
fn labels_and_yen_are_ignored_on_input() {
    let mut json = ReportJson::from(&hand_built());
    json.report_fiscal_year_label = Some("平成元年度".into());
    json.items[0].effects[0].quantities[1].yen = Some("1".into());
    assert_eq!(json.into_model(), Ok(hand_built()));
}

/// Spoils one field of a document.
type Spoil = fn(&mut ReportJson);

#[test]
fn conversion_errors_name_the_field() {
    let cases: [(Spoil, &str); 7] = [
        (
            |j| {
                if let Some(m) = j.municipality.as_mut() {
                    m.code = "999998".into();
                }
            },
            "municipality.code: 「999998」は地方公共団体コード（検査数字つき6桁）として読めません",
        ),
        (
            |j| j.items[0].effects[1].quantities[0].unit = "ドル".into(),
            "items[0].effects[1].quantities[0].unit: 「ドル」は単位として読めません",
        ),
        (
            |j| j.items[0].effects[0].quantities[1].value = "4.2.7".into(),
            "items[0].effects[0].quantities[1].value: 「4.2.7」は10進数として読めません",
        ),
        (
            |j| j.items[0].effects[0].quantities[0].status = Some("done".into()),
            "items[0].effects[0].quantities[0].status: 「done」は状態として読めません",
        ),
        (
            |j| j.items[0].narratives[0].kind = "result".into(),
            "items[0].narratives[0].kind: 「result」は記述の種類として読めません",
        ),
        (
            |j| j.items[0].contents[0].schedule[2].fiscal_year = 9999,
            "items[0].contents[0].schedule[2].fiscal_year: 9999は対応範囲外の年度です",
        ),
        (
            |j| j.fiscal_years[1] = 1000,
            "fiscal_years[1]: 1000は対応範囲外の年度です",
        ),
    ];
    for (spoil, expected) in cases {
        let mut json = ReportJson::from(&hand_built());
        spoil(&mut json);
        let error = json.into_model().expect_err("spoilt").to_string();
        assert!(error.starts_with(expected), "{error} / {expected}");
    }
}

fn finding(explained: bool) -> Finding {
    Finding {
        item_no: ItemNo(21),
        kind: FindingKind::TotalMismatch,
        label: String::new(),
        fiscal_year: None,
        unit: Unit::ThousandYen,
        stated: dec("464296"),
        computed: dec("410732.000"),
        difference: dec("53564.000"),
        line: 431,
        explanation: explained.then(|| Explanation {
            quantity: quantity("", "53564", Unit::ThousandYen, None),
            line: 431,
            place: "総計の行".into(),
        }),
    }
}

#[test]
fn findings_have_the_published_shape() {
    let findings = [finding(true)];
    let json = serde_json::to_string(&FindingsJson::from(&findings[..])).expect("serialises");
    let expected = format!(
        concat!(
            r#"{{"findings":[{{"item_no":21,"kind":"total_mismatch","kind_label":"総計の不一致","#,
            r#""unit":"千円","stated":"464296","computed":"410732","difference":"53564","#,
            r#""message":"{}","line":431,"label":"","fiscal_year":null,"fiscal_year_label":null,"#,
            r#""explanation":{{"value":"53564","unit":"千円","label":"","line":431,"place":"総計の行"}}}}]}}"#
        ),
        findings[0].message()
    );
    assert_eq!(json, expected);
}

#[test]
fn a_stated_sum_finding_carries_its_year_and_no_explanation() {
    let mut f = finding(false);
    f.kind = FindingKind::StatedSumMismatch;
    f.fiscal_year = Some(fy(2022));
    let json = FindingJson::from(&f);
    assert_eq!(json.kind, "stated_sum_mismatch");
    assert_eq!(json.fiscal_year, Some(2022));
    assert_eq!(json.fiscal_year_label.as_deref(), Some("令和4年度"));
    assert_eq!(json.explanation, None);
    let text = serde_json::to_string(&json).expect("serialises");
    assert!(text.contains(r#""explanation":null"#), "{text}");
}

// The real sample. These need the reader.

fn real_sample() -> Report {
    let bytes = kaikaku_fixtures::real_sample();
    kaikaku_reader::read(&bytes, &kaikaku_reader::ReadOptions::default())
        .expect("the real sample reads")
}

#[test]
fn real_sample_round_trips_through_json_text() {
    kaikaku_fixtures::skip_without_real_sample!();
    let report = real_sample();
    let value = serde_json::to_value(ReportJson::from(&report)).expect("serialises");
    assert_numbers_are_integers_at_known_keys(&value, "");
    let back: ReportJson = serde_json::from_value(value).expect("deserialises");
    assert_eq!(back.into_model(), Ok(report));
}

/// The example in docs/json-format.md: No.19, FY2020 has 27,075 件 and 427,794,446 円.
#[test]
fn real_sample_no19_fy2020_row() {
    kaikaku_fixtures::skip_without_real_sample!();
    let json = ReportJson::from(&real_sample());
    assert_eq!(json.items.len(), 22);
    assert_eq!(json.report_fiscal_year, Some(2021));
    assert_eq!(json.report_fiscal_year_label.as_deref(), Some("令和3年度"));
    assert_eq!(json.fiscal_years, vec![2020, 2021, 2022]);
    let item = json.items.iter().find(|i| i.no == 19).expect("No.19");
    let row = &item.effects[0];
    assert_eq!(row.fiscal_year, Some(2020));
    let values: Vec<(&str, &str, Option<&str>)> = row
        .quantities
        .iter()
        .map(|q| (q.value.as_str(), q.unit.as_str(), q.yen.as_deref()))
        .collect();
    assert_eq!(
        values,
        vec![
            ("27075", "件", None),
            ("427794446", "円", Some("427794446"))
        ]
    );
}
