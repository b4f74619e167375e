//! The downloads of a published edition, `/plans/{plan_id}/{fiscal_year}/files/{file}`: PDF,
//! JSON, XLSX, text and the open-data CSV tables, with their types, Japanese names and tags.

use kaikaku_export::csv::{CsvOptions, Table, validate};
use kaikaku_model::Report;
use reqwest::{Method, StatusCode};

use crate::support::*;

/// 楓町's report with its municipality recorded (an invented code), as the open data needs.
fn kaede_of_kaedemachi() -> Report {
    kaede_as(town("999997", "楓町"), KAEDE_PLAN)
}

/// `GET path` with `headers`.
async fn fetch(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Page {
    let mut request = Request::get(path);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    app.send(request).await
}

/// `第3次楓町行政改革実施計画_令和6年度{suffix}` as `filename*` writes it.
fn utf8_name(suffix: &str) -> String {
    form_urlencoded::byte_serialize(
        format!("第3次楓町行政改革実施計画_令和6年度{suffix}").as_bytes(),
    )
    .collect()
}

#[tokio::test]
async fn every_download_of_a_published_edition_has_its_type_and_japanese_name() {
    let app = TestApp::with_reports(&[("kaedemachi_r6.txt", kaede_of_kaedemachi())]).await;
    let edition = app.edition(KAEDE_PLAN);
    let plan_id = &edition["/plans/".len()..edition.rfind('/').expect("a slash")];
    // (file, Content-Type, suffix of the saved name, what the body starts with)
    let mut expected: Vec<(&str, &str, String, &[u8])> = vec![
        ("report.pdf", "application/pdf", ".pdf".to_owned(), b"%PDF-"),
        (
            "report-a3.pdf",
            "application/pdf",
            "_A3.pdf".to_owned(),
            b"%PDF-",
        ),
        ("report.json", "application/json", ".json".to_owned(), b"{"),
        (
            "report.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ".xlsx".to_owned(),
            b"PK",
        ),
        (
            "report.txt",
            "text/plain; charset=utf-8",
            ".txt".to_owned(),
            "第3次楓町行政改革実施計画".as_bytes(),
        ),
    ];
    // Every open-data table, its header starting with 地方公共団体コード.
    for table in Table::ALL {
        expected.push((
            table.file_name(),
            "text/csv; charset=utf-8",
            format!("_{}.csv", table.label()),
            "地方公共団体コード".as_bytes(),
        ));
    }
    assert!(expected.iter().any(|(file, ..)| *file == "figures.csv"));
    for (file, content_type, suffix, start) in expected {
        let path = format!("{edition}/files/{file}");
        let got = fetch(&app, &path, &[]).await;
        assert_eq!(got.status, StatusCode::OK, "{path}: {}", got.body);
        assert_eq!(
            got.header("content-type").expect("the header"),
            content_type,
            "{path}"
        );
        assert_eq!(
            got.header("content-disposition").expect("the header"),
            format!(
                "attachment; filename=\"plan{plan_id}_2024_{file}\"; filename*=UTF-8''{}",
                utf8_name(&suffix).replace('+', "%20")
            ),
            "{path}"
        );
        assert!(
            got.bytes.starts_with(start),
            "{path} starts with {:?}",
            &got.body.chars().take(40).collect::<String>()
        );
        assert_eq!(
            got.header("cache-control").expect("the header"),
            "public, no-cache",
            "{path}"
        );
        assert!(
            got.header("etag").expect("the header").contains(file),
            "{path}"
        );
    }

    // JSON is the interchange format of the edition.
    let json = fetch(&app, &format!("{edition}/files/report.json"), &[]).await;
    let json: serde_json::Value = serde_json::from_slice(&json.bytes).expect("JSON");
    assert_eq!(json["items"].as_array().map(Vec::len), Some(9));

    // A CSV with a byte order mark for Excel, and a different tag.
    let plain = fetch(&app, &format!("{edition}/files/figures.csv"), &[]).await;
    let bom = fetch(&app, &format!("{edition}/files/figures.csv?bom=1"), &[]).await;
    assert!(bom.bytes.starts_with(b"\xef\xbb\xbf"));
    assert_eq!(&bom.bytes[3..], &plain.bytes[..]);
    assert_ne!(
        bom.header("etag").expect("the header"),
        plain.header("etag").expect("the header")
    );

    // A published edition never changes: its tag answers 304, without a body.
    let etag = fetch(&app, &format!("{edition}/files/report.pdf"), &[])
        .await
        .header("etag")
        .expect("an ETag")
        .to_owned();
    let again = fetch(
        &app,
        &format!("{edition}/files/report.pdf"),
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.bytes.is_empty());
    assert_eq!(again.header("etag").expect("the header"), etag);
}

#[tokio::test]
async fn the_edition_page_lists_every_download() {
    let app = TestApp::spawn().await;
    let edition = app.edition(KAEDE_PLAN);
    let body = app.page(&edition).await;
    assert_contains(
        &body,
        &[
            "<section class=\"downloads screen-only\" id=\"downloads\"",
            "ダウンロード（オープンデータ）",
            "PDF（A4横）",
            "PDF（A3横）",
            "Excel（XLSX）",
            "数値データ：二次利用できるオープンデータの表です",
            &format!(
                "<a class=\"download-bom\" href=\"{edition}/files/figures.csv?bom=1\" download>BOM付き</a>"
            ),
        ],
    );
    for file in [
        "report.pdf",
        "report-a3.pdf",
        "report.json",
        "figures.csv",
        "items.csv",
        "departments.csv",
        "report.xlsx",
        "report.txt",
    ] {
        assert_contains(&body, &[&format!("href=\"{edition}/files/{file}\"")]);
    }
    // An item page has no download box.
    let item = app.page(&format!("{edition}/items/2")).await;
    assert!(!item.contains("ダウンロード（オープンデータ）"));
}

#[tokio::test]
async fn unknown_files_and_editions_are_japanese_404_pages() {
    let app = TestApp::spawn().await;
    let edition = app.edition(KAEDE_PLAN);
    for path in [
        format!("{edition}/files/report.exe"),
        format!("{edition}/files/REPORT.PDF"),
        format!("{edition}/files/"),
        format!("{edition}/files/..%2Freport.pdf"),
        "/plans/999/2021/files/report.pdf".to_owned(),
        "/plans/1/1900/files/report.json".to_owned(),
        "/plans/01/2021/files/report.json".to_owned(),
    ] {
        let page = app.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert_contains(&page.body, &["ページが見つかりません"]);
    }
}

#[tokio::test]
async fn drafts_are_never_downloadable() {
    let app = TestApp::spawn().await;
    app.open_cycle(KAEDE_PLAN, 2025).await;
    let plan = app.plan_id(KAEDE_PLAN);
    let admin = app.login_as(Who::Admin).await.expect("the admin logs in");
    for file in ["report.json", "report.pdf", "figures.csv", "report.txt"] {
        let path = format!("/plans/{plan}/2025/files/{file}");
        let anonymous = app.call(Method::GET, &path, None, None).await;
        assert_eq!(anonymous.status, StatusCode::NOT_FOUND, "{path}");
        // Not even the policy division downloads a draft from the public pages.
        let logged_in = app.call(Method::GET, &path, Some(&admin), None).await;
        assert_eq!(logged_in.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn open_data_without_a_municipality_is_a_japanese_explanation() {
    let app = TestApp::spawn().await;
    let edition = app.edition(KAEDE_PLAN);
    let page = app.get(&format!("{edition}/files/figures.csv")).await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
    assert_contains(
        &page.body,
        &[
            "ファイルを作成できません",
            "この報告のCSVは作成できません。計画「",
            "」の地方公共団体コードと団体名が登録されていません",
        ],
    );
    // The formats that need no municipality are still there.
    let json = app.get(&format!("{edition}/files/report.json")).await;
    assert_eq!(json.status, StatusCode::OK);
}

// ---------------------------------------------------------------------------------------------
// Formula injection (OWASP "CSV Injection") in every CSV the site offers.

const HYPERLINK: &str = "=HYPERLINK(\"http://evil.example/\",\"詳細はこちら\")";
const AT_SUM: &str = "@SUM(1+1)*cmd|\" /C calc\"!A0";
const PLUS: &str = "+1+2";
const MINUS: &str = "-2+3+cmd|' /C calc'!A0";
/// A TAB begins the 総評, a multi-line field (which keeps TABs).
const TAB: &str = "\t=1+1";
const TOWN: &str = "=HYPERLINK(\"http://evil.example/\",\"楓町\")";

/// 楓町's report, filed under 千代田区's code (東京都) with a hostile name, whose texts begin
/// with every dangerous character: No.1's title (`=`), its first effect label (`@`) and effect
/// text (`-`), No.2's 記入担当課 (`+`) and 総評 (TAB). Stored through the store, as an import
/// is.
fn hostile_kaede() -> Report {
    let mut report = kaede_as(town("131016", TOWN), KAEDE_PLAN);
    let first = &mut report.items[0];
    first.title = HYPERLINK.to_owned();
    let effect = first.effects.first_mut().expect("an effects row");
    effect.quantities[0].label = AT_SUM.to_owned();
    effect.text = format!("{MINUS} {}", effect.text);
    let second = &mut report.items[1];
    second.reporting_department = Some(PLUS.to_owned());
    second
        .evaluation
        .as_mut()
        .expect("a 総評")
        .text
        .insert_str(0, TAB);
    report
}

/// Item No.5 of 楓町 alone (FY2024: ▲350千円 実績, so the year's 実績 is -350,000 yen), filed
/// under 中央区 (東京都).
fn minus_350() -> Report {
    let mut report = kaede_as(town("131024", "中央区"), "中央区行政改革実施計画");
    report.items.retain(|item| item.no.0 == 5);
    report
}

/// Every cell of a CSV, by column name.
fn csv_rows(bytes: &[u8]) -> Vec<Vec<(String, String)>> {
    let mut reader = csv::Reader::from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_owned)
        .collect();
    reader
        .records()
        .map(|record| {
            header
                .iter()
                .cloned()
                .zip(record.expect("a record").iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn every_csv_neutralises_texts_that_begin_like_formulas_and_keeps_numbers_plain() {
    let app = TestApp::with_reports(&[
        ("kaedemachi_r6.txt", hostile_kaede()),
        ("chuo.txt", minus_350()),
    ])
    .await;
    let edition = app.edition(KAEDE_PLAN);
    let mut paths: Vec<String> = Vec::new();
    for table in Table::ALL {
        paths.push(format!("{edition}/files/{}", table.file_name()));
        paths.push(format!(
            "/municipalities/131016/files/{}",
            table.file_name()
        ));
    }
    paths.extend([
        "/dashboard/files/prefectures.csv?year=2024".to_owned(),
        "/dashboard/files/municipalities.csv?year=2024".to_owned(),
        "/prefectures/13/files/municipalities.csv?year=2024".to_owned(),
    ]);
    let mut bodies = Vec::new();
    for path in &paths {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        assert_eq!(
            validate(&page.bytes, CsvOptions::default()),
            Vec::new(),
            "{path}"
        );
        for row in csv_rows(&page.bytes) {
            for (column, cell) in row {
                assert!(
                    !cell.starts_with(['=', '+', '@', '\t', '\r']),
                    "{path} {column}: {cell:?}"
                );
                if let Some(digits) = cell.strip_prefix('-') {
                    assert!(
                        digits.bytes().all(|b| b.is_ascii_digit() || b == b'.'),
                        "{path} {column}: {cell:?} is a plain negative number"
                    );
                }
            }
        }
        bodies.push((path.as_str(), page.body));
    }
    let body = |path: &str| {
        bodies
            .iter()
            .find(|(p, _)| p.starts_with(path))
            .map(|(_, body)| body.as_str())
            .unwrap_or_else(|| panic!("{path} fetched"))
    };
    // The texts, each behind its quote (and quoted by RFC 4180 where they hold quotes).
    let town = "\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"楓町\"\")\"";
    let title = "\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"詳細はこちら\"\")\"";
    let at_sum = "\"'@SUM(1+1)*cmd|\"\" /C calc\"\"!A0\"";
    for file in ["figures.csv", "items.csv", "departments.csv"] {
        for path in [
            format!("{edition}/files/{file}"),
            format!("/municipalities/131016/files/{file}"),
        ] {
            let csv = body(&path);
            assert!(
                csv.contains(&format!(
                    "\r\n131016,{town},{KAEDE_PLAN},2024,令和6年度,1,{title},"
                )),
                "{path}:\n{csv}"
            );
        }
    }
    let figures = body(&format!("{edition}/files/figures.csv"));
    assert!(
        figures.contains(&format!(",{at_sum},")) && figures.contains(",'-2+3+cmd|' /C calc'!A0 "),
        "{figures}"
    );
    // ▲350千円 (No.5, 令和6年度) is still the number -350, and -350,000 yen.
    assert!(
        figures
            .contains(",年度,2024,令和6年度,補助金等の見直しによる削減額,-350,千円,-350000,実績,"),
        "{figures}"
    );
    let items = body(&format!("{edition}/files/items.csv"));
    assert!(items.contains(",'+1+2,"), "{items}");
    assert!(items.contains(",'\t=1+1"), "{items}");
    // The figures across municipalities: the town's name quoted, 中央区's 実績 the plain
    // number -350000.
    let towns = body("/prefectures/13/files/municipalities.csv");
    assert!(
        towns.contains(&format!("\r\n2024,令和6年度,13,東京都,131016,{town},1,9,")),
        "{towns}"
    );
    assert!(
        towns.contains("\r\n2024,令和6年度,13,東京都,131024,中央区,1,1,-350000,"),
        "{towns}"
    );
    let national = body("/dashboard/files/municipalities.csv");
    assert!(national.contains(&format!(",131016,{town},")), "{national}");
}
