//! The reporting cycle, one file per state of an edition: `open` (opening a year from last
//! year's edition; an open edition is a draft), `sheets` (the work on the sheets of an open
//! edition: saves under the version guard, also concurrent, transitions with comments,
//! waivers, the append-only audit log, failed writes that change nothing), `locked`,
//! `published`, `corrections`, and `users` (users and sessions). Each test starts from an
//! edition in the state it needs: [`Fixture::open`], [`Fixture::all_confirmed`],
//! [`Fixture::locked`] or [`Fixture::published`].

mod corrections;
mod history;
mod locked;
mod open;
mod published;
mod sheets;
mod users;

use chrono::NaiveDate;
use kaikaku_model::workflow::{Role, SheetState};
use kaikaku_model::{Item, ItemNo, Narrative, NarrativeKind, Phase};
use kaikaku_store::{Cycle, Database, NewUser, Store};

use crate::{TempStore, cell, fy, rich_report, row_counts, source, temp_store};

// ---------------------------------------------------------------------------------------------
// Helpers

pub(super) fn new_user(name: &str, role: Role, department: Option<&str>) -> NewUser {
    NewUser {
        name: name.to_owned(),
        role,
        department: department.map(str::to_owned),
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$salt${name}"),
    }
}

fn date(text: &str) -> NaiveDate {
    text.parse().expect("an ISO date")
}

/// The 基準日 every fixture locks FY2022 with.
const BASE_DATE: &str = "2023-03-31";

/// The rich report imported as FY2021, and FY2022 opened from it by an admin.
struct Fixture {
    db: TempStore,
    admin: i64,
    editor: i64,
    plan_id: i64,
    last_year: i64,
    report_id: i64,
}

impl Fixture {
    /// FY2022 open: its 3 sheets carried over from FY2021, every one 未着手 at version 1.
    async fn open() -> Fixture {
        let db = temp_store().await;
        let last_year = db
            .store
            .save_report(&rich_report(), &source("osaki_r3.txt"))
            .await
            .expect("import FY2021")
            .report_id();
        let admin = db
            .store
            .create_user(&new_user("seisaku", Role::Admin, Some("政策課")))
            .await
            .expect("create admin");
        let editor = db
            .store
            .create_user(&new_user(
                "machizukuri",
                Role::Editor,
                Some("まちづくり推進課"),
            ))
            .await
            .expect("create editor");
        let plan_id = db.store.list_reports().await.expect("list")[0].plan_id;
        let report_id = db
            .store
            .open_cycle(plan_id, fy(2022), Some(date("2022-05-31")), admin)
            .await
            .expect("open FY2022");
        Fixture {
            db,
            admin,
            editor,
            plan_id,
            last_year,
            report_id,
        }
    }

    /// FY2022 open, every sheet 確定 (by the admin, content unchanged).
    async fn all_confirmed() -> Fixture {
        let f = Fixture::open().await;
        confirm_all(&f.db.store, f.report_id, f.admin).await;
        f
    }

    /// FY2022 locked with the 基準日 2023-03-31.
    async fn locked() -> Fixture {
        let f = Fixture::all_confirmed().await;
        f.db.store
            .lock_edition(f.report_id, date(BASE_DATE), f.admin)
            .await
            .expect("lock");
        f
    }

    /// FY2022 published (revision 1).
    async fn published() -> Fixture {
        let f = Fixture::locked().await;
        f.db.store
            .publish_edition(f.report_id, f.admin)
            .await
            .expect("publish");
        f
    }
}

/// Everything a failed write must leave as it was.
#[derive(Debug, PartialEq)]
struct Snapshot {
    sheet: kaikaku_store::Sheet,
    audit: Vec<kaikaku_store::AuditEntry>,
    comments: Vec<kaikaku_store::Comment>,
    edition: kaikaku_store::Edition,
    counts: std::collections::BTreeMap<&'static str, i64>,
}

async fn snapshot(f: &Fixture, no: u32) -> Snapshot {
    let store = &f.db.store;
    Snapshot {
        sheet: store.sheet(f.report_id, ItemNo(no)).await.expect("sheet"),
        audit: store.audit(f.report_id, ItemNo(no)).await.expect("audit"),
        comments: store
            .comments(f.report_id, ItemNo(no))
            .await
            .expect("comments"),
        edition: store.edition(f.report_id).await.expect("edition"),
        counts: row_counts(&f.db.raw).await,
    }
}

/// Takes every sheet of the edition to 確定 (save → submit → confirm).
async fn confirm_all(store: &Database, report_id: i64, by: i64) {
    for summary in store.sheets(report_id).await.expect("sheets") {
        let mut version = summary.version;
        let mut state = summary.state;
        for to in [
            SheetState::InProgress,
            SheetState::Submitted,
            SheetState::Confirmed,
        ] {
            if state == SheetState::Confirmed || (state == to) {
                continue;
            }
            version = store
                .transition(report_id, summary.no, version, to, by, &[])
                .await
                .expect("move the sheet on");
            state = to;
        }
    }
}

/// Takes an open edition to 公開: every sheet 確定, locked with `base_date`, published.
pub(super) async fn publish(store: &Database, report_id: i64, base_date: &str, by: i64) {
    confirm_all(store, report_id, by).await;
    store
        .lock_edition(report_id, date(base_date), by)
        .await
        .expect("lock");
    store.publish_edition(report_id, by).await.expect("publish");
}

/// No.1 of the rich report with this year's work written in: the 令和4年度 schedule cell moves
/// from 検討 to 実施 and a 実績 narrative is added.
fn edited_no1(sheet_item: &Item, text: &str) -> Item {
    let mut item = sheet_item.clone();
    item.contents[0].schedule[2] = cell(2022, "② (実施)", &[2], Some(Phase::Implementation));
    item.narratives.push(Narrative {
        fiscal_year: fy(2022),
        kind: NarrativeKind::Actual,
        text: text.to_owned(),
        line: 0,
    });
    item
}
