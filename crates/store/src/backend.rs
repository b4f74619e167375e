//! The three traits over one engine's store, written once: each method opens the transaction
//! it needs (`begin_write`/`begin_read` are the engine's), runs the shared operations on its
//! connection and commits, or rolls back on any error (`tx::finish`). The operations are in
//! the files named after their subject; this file only chooses their transactions.

use super::load::Parts;
use super::tx::finish;
use super::{Backend, body, editions, index, load, save, sheets, users};
use crate::codec::{corrupt, decode_edition_state, now_rfc3339};
use crate::rows::PublicationStampRow;
use crate::{
    AuditEntry, AuditPage, Comment, Cycle, Edition, HistoryOrder, Listing, MunicipalitySummary,
    NewUser, PublicationStamp, Saved, Search, SearchFilter, SearchQuery, SearchResults,
    SearchScope, Session, Sheet, SheetSummary, Source, Store, StoreError, StoredReport, User,
    Waiver, sql,
};
use chrono::{DateTime, NaiveDate, Utc};
use kaikaku_model::workflow::{EditionState, Field, FieldChange, SheetState};
use kaikaku_model::{FiscalYear, Item, ItemNo, Report};

impl Store for Backend {
    async fn save_report(&self, report: &Report, source: &Source) -> Result<Saved, StoreError> {
        let key = save::validate(report)?;
        let imported_at = now_rfc3339();
        let mut tx = self.begin_write().await?;
        let result = save::write_report(&mut tx, &key, report, source, &imported_at).await;
        finish(tx, result).await
    }

    async fn save_reports(
        &self,
        reports: &[(&Report, &Source)],
    ) -> Result<Vec<Result<Saved, StoreError>>, StoreError> {
        let imported_at = now_rfc3339();
        let mut tx = self.begin_write().await?;
        let mut results = Vec::with_capacity(reports.len());
        let mut bodies = Vec::with_capacity(reports.len());
        let mut failed = false;
        for &(report, source) in reports {
            let key = match save::validate(report) {
                Ok(key) => key,
                // Refused before writing anything: the batch goes on.
                Err(refused) => {
                    results.push(Err(refused));
                    continue;
                }
            };
            match save::write_edition(&mut tx, &key, report, source, &imported_at).await {
                Ok(saved) => {
                    bodies.push((saved.report_id(), report));
                    results.push(Ok(saved));
                }
                Err(_) => {
                    failed = true;
                    break;
                }
            }
        }
        // Every edition row first, then the bodies of all in one statement per table.
        if !failed
            && body::write_bodies(&mut tx, &bodies, SheetState::Confirmed)
                .await
                .is_ok()
        {
            tx.commit().await?;
            return Ok(results);
        }
        // A report failed after writing part of itself (or of the batch). No savepoint
        // (SQLite rolls a whole transaction back on some errors, and a savepoint then left
        // behind breaks the connection): the batch goes, and each report is saved again in
        // its own transaction, so that exactly the failing ones fail.
        let _ = tx.rollback().await;
        let mut results = Vec::with_capacity(reports.len());
        for &(report, source) in reports {
            results.push(self.save_report(report, source).await);
        }
        Ok(results)
    }

    async fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        sqlx::query(sql::PING).execute(&mut *conn).await?;
        Ok(())
    }

    async fn list_published(&self, which: Listing<'_>) -> Result<Vec<StoredReport>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        load::list(&mut conn, which).await
    }

    async fn list_municipalities(&self) -> Result<Vec<MunicipalitySummary>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        load::municipalities(&mut conn).await
    }

    async fn import_target(&self, report: &Report) -> Result<Option<StoredReport>, StoreError> {
        let Some(fiscal_year) = report.report_fiscal_year else {
            return Ok(None);
        };
        let mut tx = self.begin_read().await?;
        let Some(plan_id) =
            save::find_plan(&mut tx, &report.plan_name, report.municipality.as_ref()).await?
        else {
            return Ok(None);
        };
        let mut found = load::list(
            &mut tx,
            Listing::Edition {
                plan_id,
                fiscal_year,
            },
        )
        .await?;
        Ok(found.pop())
    }

    async fn publication_stamp(&self) -> Result<PublicationStamp, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let row: PublicationStampRow = sqlx::query_as(sql::PUBLICATION_STAMP)
            .fetch_one(&mut *conn)
            .await?;
        Ok(PublicationStamp {
            published: row.published,
            latest_id: row.latest_id,
        })
    }

    async fn load_report(&self, id: i64) -> Result<Report, StoreError> {
        let mut tx = self.begin_read().await?;
        let status: Option<String> = sqlx::query_scalar(sql::SELECT_REPORT_STATUS)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let published = match status {
            Some(code) => {
                decode_edition_state(&code).map_err(corrupt("reports", id))?
                    == EditionState::Published
            }
            None => false,
        };
        if !published {
            return Err(StoreError::NotFound { id });
        }
        let mut reports = load::load_range(&mut tx, id, id).await?;
        tx.commit().await?;
        match reports.pop() {
            Some((_, report)) => Ok(report),
            None => Err(StoreError::NotFound { id }),
        }
    }

    async fn load_listed(
        &self,
        which: Listing<'_>,
    ) -> Result<Vec<(StoredReport, Report)>, StoreError> {
        let mut tx = self.begin_read().await?;
        let listed = load::list(&mut tx, which).await?;
        let mut reports = std::collections::HashMap::with_capacity(listed.len());
        for (first, last) in load::id_runs(listed.iter().map(|stored| stored.id)) {
            reports.extend(load::load_range(&mut tx, first, last).await?);
        }
        tx.commit().await?;
        // A run may hold editions the listing does not show (superseded revisions, drafts):
        // only the listed ones are kept, in the listing's order.
        Ok(listed
            .into_iter()
            .filter_map(|stored| reports.remove(&stored.id).map(|report| (stored, report)))
            .collect())
    }
}

impl Cycle for Backend {
    async fn create_user(&self, user: &NewUser) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let result = users::create_user(&mut tx, user).await;
        finish(tx, result).await
    }

    async fn user(&self, id: i64) -> Result<Option<User>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        users::user(&mut conn, id).await
    }

    async fn user_by_name(&self, name: &str) -> Result<Option<User>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        users::user_by_name(&mut conn, name).await
    }

    async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        users::list_users(&mut conn).await
    }

    async fn set_password_hash(&self, user_id: i64, hash: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let result = users::set_password_hash(&mut tx, user_id, hash).await;
        finish(tx, result).await
    }

    async fn create_session(&self, session: &Session) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let result = users::create_session(&mut tx, session).await;
        finish(tx, result).await
    }

    async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Session, User)>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        users::session(&mut conn, token_hash, now).await
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        users::delete_session(&mut conn, token_hash).await
    }

    async fn delete_user_sessions(&self, user_id: i64) -> Result<u64, StoreError> {
        let mut conn = self.pool.acquire().await?;
        users::delete_user_sessions(&mut conn, user_id).await
    }

    async fn delete_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let mut conn = self.pool.acquire().await?;
        users::delete_expired_sessions(&mut conn, now).await
    }

    async fn list_editions(&self) -> Result<Vec<Edition>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        editions::list_editions(&mut conn).await
    }

    async fn edition(&self, report_id: i64) -> Result<Edition, StoreError> {
        let mut conn = self.pool.acquire().await?;
        editions::edition(&mut conn, report_id).await
    }

    async fn load_edition(&self, report_id: i64) -> Result<Report, StoreError> {
        let mut tx = self.begin_read().await?;
        let result = editions::load_edition(&mut tx, report_id, Parts::Whole).await;
        finish(tx, result).await
    }

    async fn edition_frame(&self, report_id: i64) -> Result<Report, StoreError> {
        let mut tx = self.begin_read().await?;
        let result = editions::load_edition(&mut tx, report_id, Parts::Frame).await;
        finish(tx, result).await
    }

    async fn open_cycle(
        &self,
        plan_id: i64,
        fiscal_year: FiscalYear,
        due_date: Option<NaiveDate>,
        by: i64,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let result = editions::open_cycle(&mut tx, plan_id, fiscal_year, due_date, by).await;
        finish(tx, result).await
    }

    async fn lock_edition(
        &self,
        report_id: i64,
        base_date: NaiveDate,
        by: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let result = editions::lock_edition(&mut tx, report_id, base_date, by).await;
        finish(tx, result).await
    }

    async fn unlock_edition(&self, report_id: i64, by: i64) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let result = editions::unlock_edition(&mut tx, report_id, by).await;
        finish(tx, result).await
    }

    async fn publish_edition(&self, report_id: i64, by: i64) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let result = editions::publish_edition(&mut tx, report_id, by).await;
        finish(tx, result).await
    }

    async fn open_correction(
        &self,
        report_id: i64,
        note: &str,
        by: i64,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let result = editions::open_correction(&mut tx, report_id, note, by).await;
        finish(tx, result).await
    }

    async fn changes_between(
        &self,
        old_report_id: i64,
        new_report_id: i64,
    ) -> Result<Vec<(ItemNo, FieldChange)>, StoreError> {
        let mut tx = self.begin_read().await?;
        let result = editions::changes_between(&mut tx, old_report_id, new_report_id).await;
        finish(tx, result).await
    }

    async fn edition_history(&self, report_id: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let mut tx = self.begin_read().await?;
        let result = editions::edition_history(&mut tx, report_id).await;
        finish(tx, result).await
    }

    async fn sheets(&self, report_id: i64) -> Result<Vec<SheetSummary>, StoreError> {
        let mut tx = self.begin_read().await?;
        let result = sheets::sheets(&mut tx, report_id).await;
        finish(tx, result).await
    }

    async fn sheet(&self, report_id: i64, no: ItemNo) -> Result<Sheet, StoreError> {
        let mut tx = self.begin_read().await?;
        let result = sheets::sheet(&mut tx, report_id, no).await;
        finish(tx, result).await
    }

    async fn previous_item(&self, report_id: i64, no: ItemNo) -> Result<Option<Item>, StoreError> {
        let mut tx = self.begin_read().await?;
        let result = editions::previous_item(&mut tx, report_id, no).await;
        finish(tx, result).await
    }

    async fn save_sheet(
        &self,
        report_id: i64,
        no: ItemNo,
        expected_version: i64,
        item: &Item,
        new_state: SheetState,
        by: i64,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let result = sheets::save_sheet(
            &mut tx,
            report_id,
            no,
            expected_version,
            item,
            new_state,
            by,
        )
        .await;
        finish(tx, result).await
    }

    async fn transition(
        &self,
        report_id: i64,
        no: ItemNo,
        expected_version: i64,
        to: SheetState,
        by: i64,
        comments: &[(Field, String)],
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let result =
            sheets::transition(&mut tx, report_id, no, expected_version, to, by, comments).await;
        finish(tx, result).await
    }

    async fn audit(&self, report_id: i64, no: ItemNo) -> Result<Vec<AuditEntry>, StoreError> {
        let mut tx = self.begin_read().await?;
        let result = sheets::audit(&mut tx, report_id, no).await;
        finish(tx, result).await
    }

    async fn audit_page(
        &self,
        report_id: i64,
        no: Option<ItemNo>,
        order: HistoryOrder,
        offset: u64,
        limit: u32,
        clip: u32,
    ) -> Result<AuditPage, StoreError> {
        let mut tx = self.begin_read().await?;
        let result = sheets::audit_page(&mut tx, report_id, no, order, offset, limit, clip).await;
        finish(tx, result).await
    }

    async fn audit_entry(
        &self,
        report_id: i64,
        no: ItemNo,
        id: i64,
    ) -> Result<AuditEntry, StoreError> {
        let mut tx = self.begin_read().await?;
        let result = sheets::audit_entry(&mut tx, report_id, no, id).await;
        finish(tx, result).await
    }

    async fn comments(&self, report_id: i64, no: ItemNo) -> Result<Vec<Comment>, StoreError> {
        let mut tx = self.begin_read().await?;
        let result = sheets::comments(&mut tx, report_id, no).await;
        finish(tx, result).await
    }

    async fn add_comment(
        &self,
        report_id: i64,
        no: ItemNo,
        field: Field,
        by: i64,
        body: &str,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let result = sheets::add_comment(&mut tx, report_id, no, field, by, body).await;
        finish(tx, result).await
    }

    async fn resolve_comment(&self, id: i64, by: i64) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let result = sheets::resolve_comment(&mut tx, id, by).await;
        finish(tx, result).await
    }

    async fn waive(
        &self,
        report_id: i64,
        no: ItemNo,
        finding_key: &str,
        reason: &str,
        by: i64,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let result = sheets::waive(&mut tx, report_id, no, finding_key, reason, by).await;
        finish(tx, result).await
    }

    async fn waivers(&self, report_id: i64, no: ItemNo) -> Result<Vec<Waiver>, StoreError> {
        let mut tx = self.begin_read().await?;
        let result = sheets::waivers(&mut tx, report_id, no).await;
        finish(tx, result).await
    }
}

impl Search for Backend {
    async fn search(
        &self,
        query: &SearchQuery,
        scope: SearchScope,
        filter: &SearchFilter,
        limit: u32,
    ) -> Result<SearchResults, StoreError> {
        let mut tx = self.begin_read().await?;
        let result = index::search(&mut tx, query, scope, filter, limit).await;
        finish(tx, result).await
    }

    async fn optimize_search_index(&self) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let result = index::optimize(&mut tx).await;
        finish(tx, result).await
    }
}
