//! Editions in the reporting cycle: listing them, opening a year from the last published
//! edition, locking, unlocking, publishing, corrections and their change lists, and an
//! edition's own history.
//!
//! Every function runs inside the transaction its caller opened (how a write transaction
//! begins is the engine's); a failed write is rolled back by the caller.

use std::collections::HashMap;

use chrono::NaiveDate;
use kaikaku_model::workflow::{EditionState, FieldChange, SheetState, carry_over, diff_items};
use kaikaku_model::{FiscalYear, Item, ItemNo, Report, calendar::scan_fiscal_years};

use super::audit::{audit_entries, journal_edition_state};
use super::body::{EditionRow, insert_edition, write_body};
use super::guard::{edition_key, lock_plan, require_user};
use super::load::{Parts, load_item, load_parts};
use super::{Conn, index};
use crate::codec::{
    corrupt, decode_date, decode_edition_state, decode_optional_timestamp, decode_origin,
    encode_date, fiscal_year_from_i32, now_rfc3339,
};
use crate::rows::EditionListRow;
use crate::{AuditEntry, Edition, Origin, StoreError, sql};

fn decode_edition(row: EditionListRow) -> Result<Edition, StoreError> {
    let bad = corrupt("reports", row.report_id);
    let date = |text: Option<String>| text.as_deref().map(decode_date).transpose();
    let time = |text: Option<String>| decode_optional_timestamp(text.as_deref());
    Ok(Edition {
        report_id: row.report_id,
        plan_id: row.plan_id,
        plan_name: row.plan_name,
        fiscal_year: fiscal_year_from_i32(row.report_fiscal_year).map_err(&bad)?,
        revision: row.revision,
        status: decode_edition_state(&row.status).map_err(&bad)?,
        origin: decode_origin(&row.origin).map_err(&bad)?,
        title: row.title,
        items: row.items,
        due_date: date(row.due_date).map_err(&bad)?,
        base_date: date(row.base_date).map_err(&bad)?,
        opened_at: time(row.opened_at).map_err(&bad)?,
        locked_at: time(row.locked_at).map_err(&bad)?,
        published_at: time(row.published_at).map_err(&bad)?,
        correction_note: row.correction_note,
    })
}

pub(crate) async fn list_editions(conn: &mut Conn) -> Result<Vec<Edition>, StoreError> {
    let rows: Vec<EditionListRow> = sqlx::query_as(sql::LIST_EDITIONS)
        .fetch_all(&mut *conn)
        .await?;
    rows.into_iter().map(decode_edition).collect()
}

pub(crate) async fn edition(conn: &mut Conn, report_id: i64) -> Result<Edition, StoreError> {
    let row: Option<EditionListRow> = sqlx::query_as(sql::SELECT_EDITION)
        .bind(report_id)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => decode_edition(row),
        None => Err(StoreError::NotFound { id: report_id }),
    }
}

/// One edition in full, any state.
pub(crate) async fn load_edition(
    conn: &mut Conn,
    report_id: i64,
    parts: Parts,
) -> Result<Report, StoreError> {
    match load_parts(conn, report_id, report_id, parts).await?.pop() {
        Some((_, report)) => Ok(report),
        None => Err(StoreError::NotFound { id: report_id }),
    }
}

/// The edition a new year (or a sheet of it) continues from: the latest published revision
/// of the plan's latest year before `year`.
enum Previous {
    /// The report id.
    Published(i64),
    /// The plan has no edition before `year`.
    None,
    /// The latest earlier year has no published revision yet.
    InCycle(FiscalYear),
}

async fn previous_edition(
    conn: &mut Conn,
    plan_id: i64,
    year: FiscalYear,
) -> Result<Previous, StoreError> {
    let earlier: Option<i32> = sqlx::query_scalar(sql::LATEST_EARLIER_YEAR)
        .bind(plan_id)
        .bind(year.gregorian())
        .fetch_one(&mut *conn)
        .await?;
    let Some(earlier) = earlier else {
        return Ok(Previous::None);
    };
    let published: Option<i64> = sqlx::query_scalar(sql::LATEST_PUBLISHED)
        .bind(plan_id)
        .bind(earlier)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(match published {
        Some(id) => Previous::Published(id),
        None => Previous::InCycle(fiscal_year_from_i32(earlier).map_err(|detail| {
            StoreError::Corrupt {
                table: "plans",
                id: plan_id,
                detail,
            }
        })?),
    })
}

/// The same item in the edition the sheet's year continues from, if any.
pub(crate) async fn previous_item(
    conn: &mut Conn,
    report_id: i64,
    no: ItemNo,
) -> Result<Option<Item>, StoreError> {
    let key = edition_key(conn, report_id).await?;
    match previous_edition(conn, key.plan_id, key.year).await? {
        Previous::Published(previous) => {
            Ok(load_item(conn, previous, no).await?.map(|(_, item)| item))
        }
        Previous::None | Previous::InCycle(_) => Ok(None),
    }
}

/// The title of the new year's edition: the previous title with its report year replaced by
/// the new one (the last mention of that year, as the title usually ends with it), or
/// `{plan}（{和暦}実績）` when the previous title does not name its year.
fn next_title(previous: &Report, plan: &str, year: FiscalYear) -> String {
    if let Some(last_year) = previous.report_fiscal_year {
        let era = Some(last_year.wareki().0);
        let mention = scan_fiscal_years(&previous.title, era)
            .into_iter()
            .rev()
            .find(|m| m.year == last_year);
        if let Some(mention) = mention {
            let mut title = previous.title.clone();
            title.replace_range(mention.span, &year.wareki_label());
            return title;
        }
    }
    format!("{plan}（{}実績）", year.wareki_label())
}

pub(crate) async fn open_cycle(
    conn: &mut Conn,
    plan_id: i64,
    year: FiscalYear,
    due_date: Option<NaiveDate>,
    by: i64,
) -> Result<i64, StoreError> {
    require_user(conn, by).await?;
    // The plan's row lock first: every later read sees the plan's editions as they are once
    // no import or other opening of the plan is in flight.
    let Some(plan) = lock_plan(conn, plan_id).await? else {
        return Err(StoreError::PlanNotFound { id: plan_id });
    };
    let existing: i64 = sqlx::query_scalar(sql::COUNT_EDITIONS)
        .bind(plan_id)
        .bind(year.gregorian())
        .fetch_one(&mut *conn)
        .await?;
    if existing > 0 {
        return Err(StoreError::EditionExists { plan, year });
    }
    let previous_id = match previous_edition(conn, plan_id, year).await? {
        Previous::Published(id) => id,
        Previous::None => return Err(StoreError::NoPreviousEdition { plan, year }),
        Previous::InCycle(earlier) => {
            return Err(StoreError::PreviousNotPublished {
                plan,
                year: earlier,
            });
        }
    };
    let previous = load_edition(conn, previous_id, Parts::Whole).await?;

    let carried: Vec<(Item, Vec<String>)> = previous.items.iter().map(carry_over).collect();
    let report = Report {
        title: next_title(&previous, &plan, year),
        plan_name: plan.clone(),
        municipality: previous.municipality.clone(),
        report_fiscal_year: Some(year),
        fiscal_years: previous.fiscal_years.clone(),
        summary: previous
            .summary
            .iter()
            .map(|row| kaikaku_model::SummaryRow {
                line: 0,
                ..row.clone()
            })
            .collect(),
        items: carried.iter().map(|(item, _)| item.clone()).collect(),
        warnings: Vec::new(),
    };

    let now = now_rfc3339();
    let row = EditionRow {
        plan_id,
        fiscal_year: year,
        revision: 1,
        status: EditionState::Open,
        origin: Origin::Cycle,
        title: &report.title,
        source: None,
        created_at: &now,
        due_date: due_date.map(encode_date),
        opened_at: Some(&now),
        published_at: None,
        correction_note: None,
    };
    let report_id = match insert_edition(conn, &row).await {
        Ok(id) => id,
        // Another admin opened the same year a moment earlier.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(StoreError::EditionExists { plan, year });
        }
        Err(e) => return Err(e.into()),
    };
    let item_ids = write_body(conn, report_id, &report, SheetState::NotStarted).await?;
    for (item_id, (_, copied)) in item_ids.iter().zip(&carried) {
        for path in copied {
            sqlx::query(sql::INSERT_COPIED)
                .bind(item_id)
                .bind(path)
                .execute(&mut *conn)
                .await?;
        }
    }
    journal_edition_state(conn, report_id, by, &now, None, EditionState::Open).await?;
    Ok(report_id)
}

pub(crate) async fn lock_edition(
    conn: &mut Conn,
    report_id: i64,
    base_date: NaiveDate,
    by: i64,
) -> Result<(), StoreError> {
    require_user(conn, by).await?;
    let now = now_rfc3339();
    // The guarded update comes first: on PostgreSQL it waits for any sheet write holding the
    // edition's row, so the count below sees that write.
    let locked: Option<i64> = sqlx::query_scalar(sql::LOCK_EDITION)
        .bind(report_id)
        .bind(encode_date(base_date))
        .bind(&now)
        .fetch_optional(&mut *conn)
        .await?;
    if locked.is_none() {
        let key = edition_key(conn, report_id).await?;
        return Err(StoreError::EditionTransition {
            state: key.status,
            action: "確定（ロック）",
        });
    }
    let states: Vec<String> = sqlx::query_scalar(sql::SELECT_SHEET_STATES)
        .bind(report_id)
        .fetch_all(&mut *conn)
        .await?;
    let pending = states
        .iter()
        .filter(|s| s.as_str() != SheetState::Confirmed.code())
        .count();
    if pending > 0 {
        return Err(StoreError::NotAllConfirmed {
            pending,
            total: states.len(),
        });
    }
    journal_edition_state(
        conn,
        report_id,
        by,
        &now,
        Some(EditionState::Open),
        EditionState::Locked,
    )
    .await
}

pub(crate) async fn unlock_edition(
    conn: &mut Conn,
    report_id: i64,
    by: i64,
) -> Result<(), StoreError> {
    require_user(conn, by).await?;
    let unlocked: Option<i64> = sqlx::query_scalar(sql::UNLOCK_EDITION)
        .bind(report_id)
        .fetch_optional(&mut *conn)
        .await?;
    if unlocked.is_none() {
        let key = edition_key(conn, report_id).await?;
        return Err(StoreError::EditionTransition {
            state: key.status,
            action: "ロック解除",
        });
    }
    let now = now_rfc3339();
    journal_edition_state(
        conn,
        report_id,
        by,
        &now,
        Some(EditionState::Locked),
        EditionState::Open,
    )
    .await
}

pub(crate) async fn publish_edition(
    conn: &mut Conn,
    report_id: i64,
    by: i64,
) -> Result<(), StoreError> {
    require_user(conn, by).await?;
    let now = now_rfc3339();
    let published: Option<i64> = sqlx::query_scalar(sql::PUBLISH_EDITION)
        .bind(report_id)
        .bind(&now)
        .fetch_optional(&mut *conn)
        .await?;
    if published.is_none() {
        let key = edition_key(conn, report_id).await?;
        return Err(StoreError::EditionTransition {
            state: key.status,
            action: "公開",
        });
    }
    index::refresh_latest_published(conn, report_id).await?;
    journal_edition_state(
        conn,
        report_id,
        by,
        &now,
        Some(EditionState::Locked),
        EditionState::Published,
    )
    .await
}

pub(crate) async fn open_correction(
    conn: &mut Conn,
    report_id: i64,
    note: &str,
    by: i64,
) -> Result<i64, StoreError> {
    require_user(conn, by).await?;
    // The plan's row lock first (an import of the plan waits, or has finished and is seen),
    // then the edition read again under it.
    let plan_id = edition_key(conn, report_id).await?.plan_id;
    lock_plan(conn, plan_id).await?;
    let key = edition_key(conn, report_id).await?;
    if key.status != EditionState::Published {
        return Err(StoreError::EditionTransition {
            state: key.status,
            action: "訂正",
        });
    }
    let latest: Option<i32> = sqlx::query_scalar(sql::MAX_REVISION)
        .bind(key.plan_id)
        .bind(key.year.gregorian())
        .fetch_one(&mut *conn)
        .await?;
    let revision_exists = |revision| StoreError::RevisionExists {
        plan: key.plan.clone(),
        year: key.year,
        revision,
    };
    if let Some(latest) = latest.filter(|latest| *latest > key.revision) {
        return Err(revision_exists(latest));
    }
    let report = load_edition(conn, report_id, Parts::Whole).await?;

    let now = now_rfc3339();
    let revision = key.revision + 1;
    let row = EditionRow {
        plan_id: key.plan_id,
        fiscal_year: key.year,
        revision,
        status: EditionState::Open,
        origin: Origin::Cycle,
        title: &report.title,
        source: None,
        created_at: &now,
        due_date: None,
        opened_at: Some(&now),
        published_at: None,
        correction_note: Some(note),
    };
    let new_id = match insert_edition(conn, &row).await {
        Ok(id) => id,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(revision_exists(revision));
        }
        Err(e) => return Err(e.into()),
    };
    write_body(conn, new_id, &report, SheetState::InProgress).await?;
    journal_edition_state(conn, new_id, by, &now, None, EditionState::Open).await?;
    Ok(new_id)
}

pub(crate) async fn changes_between(
    conn: &mut Conn,
    old_report_id: i64,
    new_report_id: i64,
) -> Result<Vec<(ItemNo, FieldChange)>, StoreError> {
    let old = load_edition(conn, old_report_id, Parts::Whole).await?;
    let new = load_edition(conn, new_report_id, Parts::Whole).await?;
    let mut old_items: HashMap<ItemNo, &Item> = old.items.iter().map(|i| (i.no, i)).collect();
    let mut changes = Vec::new();
    for item in &new.items {
        let before = old_items.remove(&item.no).cloned().unwrap_or_else(|| Item {
            no: item.no,
            ..Item::default()
        });
        changes.extend(diff_items(&before, item).into_iter().map(|c| (item.no, c)));
    }
    // Items the new edition no longer has, in the old edition's order.
    for item in old.items.iter().filter(|i| old_items.contains_key(&i.no)) {
        let after = Item {
            no: item.no,
            ..Item::default()
        };
        changes.extend(diff_items(item, &after).into_iter().map(|c| (item.no, c)));
    }
    Ok(changes)
}

pub(crate) async fn edition_history(
    conn: &mut Conn,
    report_id: i64,
) -> Result<Vec<AuditEntry>, StoreError> {
    edition_key(conn, report_id).await?;
    audit_entries(conn, sql::SELECT_EDITION_AUDIT, report_id, None).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fy(year: i32) -> FiscalYear {
        FiscalYear::new(year).expect("a year")
    }

    fn report(title: &str, year: i32) -> Report {
        Report {
            title: title.to_owned(),
            report_fiscal_year: Some(fy(year)),
            ..Report::default()
        }
    }

    #[test]
    fn the_title_names_the_new_year() {
        let cases = [
            (
                "第5次集中改革プラン取組実績一覧(令和3年度実績)",
                2021,
                "第5次集中改革プラン取組実績一覧(令和4年度実績)",
            ),
            // 元年, and the era implied by the previous year.
            (
                "進捗状況一覧（令和元年度実績）",
                2019,
                "進捗状況一覧（令和2年度実績）",
            ),
            (
                "進捗状況一覧（3年度実績）",
                2021,
                "進捗状況一覧（令和4年度実績）",
            ),
            // Only the report year is replaced, not the plan period's first year.
            (
                "計画（令和2年度～令和4年度）令和3年度実績",
                2021,
                "計画（令和2年度～令和4年度）令和4年度実績",
            ),
            // Into a new era.
            ("平成30年度実績", 2018, "令和元年度実績"),
        ];
        for (title, year, expected) in cases {
            assert_eq!(
                next_title(&report(title, year), "計画", fy(year + 1)),
                expected,
                "{title}"
            );
        }
        assert_eq!(
            next_title(
                &report("取組実績一覧", 2021),
                "第5次集中改革プラン",
                fy(2022)
            ),
            "第5次集中改革プラン（令和4年度実績）"
        );
    }
}
