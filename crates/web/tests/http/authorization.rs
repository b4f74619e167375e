//! The authorisation matrix: every route of `kaikaku_web::routes::table()` answered for each
//! role (anonymous, admin, editor, reviewer) as the matrix says; a route without a row fails.
//!
//! Every case is independent of the others: the shared [`World`] is only read, and a case that
//! changes something (a save, a transition, a lock…) first makes, for each role, the rows it
//! acts on (a fresh copy of 楓町's report, an edition opened on it…). Running the cases in
//! another order, or one alone, gives the same answers.
//!
//! To add a route: add a [`Case`] to [`matrix`] with its method and path as in the route table,
//! the expected [`Outcome`] for the four roles, and how to call it: [`Call::Path`] for a path
//! without parameters, [`Call::At`] for an address on the shared world, [`Call::Fresh`] for a
//! request that changes state, which makes what it needs with the `World` helpers.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;

use kaikaku_interchange::ItemJson;
use kaikaku_model::workflow::{Field, SheetState};
use kaikaku_model::{Decimal, FiscalYear, ItemNo};
use kaikaku_store::{Cycle, Database, Store, StoredReport};
use kaikaku_web::cycle::form::SheetForm;
use kaikaku_web::cycle::service;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::*;

/// The class of answer a role gets from a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// 2xx, or a redirect that is not to the log-in page.
    Allowed,
    /// A redirect to `/login` (401 JSON under `/api/`).
    Login,
    /// 403: logged in, but the role may not.
    Forbidden,
}

use Outcome::{Allowed as A, Forbidden as F, Login as L};

/// What a case of the matrix sends: an address and, for a write, its form fields (pages) or
/// its JSON body (the API). The session and its CSRF token are added by the test.
#[derive(Debug, Default)]
struct Prepared {
    url: String,
    form: Vec<(String, String)>,
    json: Option<Value>,
}

impl Prepared {
    fn at(url: impl Into<String>) -> Prepared {
        Prepared {
            url: url.into(),
            ..Prepared::default()
        }
    }

    fn form<K: ToString, V: ToString>(url: impl Into<String>, fields: &[(K, V)]) -> Prepared {
        Prepared {
            url: url.into(),
            form: fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            json: None,
        }
    }

    fn json(url: impl Into<String>, body: Value) -> Prepared {
        Prepared {
            url: url.into(),
            form: Vec::new(),
            json: Some(body),
        }
    }
}

type Preparing<'a> = Pin<Box<dyn Future<Output = Prepared> + 'a>>;

/// How a case calls its route.
enum Call {
    /// The route's path as it is (it has no parameters).
    Path,
    /// An address on the shared world, which no case changes.
    At(fn(&World) -> String),
    /// A request for one role on rows made for it alone (and for nobody else).
    Fresh(for<'a> fn(&'a World, Who) -> Preparing<'a>),
}

/// One row of the authorisation matrix: a route of the table, how to call it, and the
/// outcome for anonymous, admin, editor and reviewer, in that order.
struct Case {
    method: Method,
    path: &'static str,
    call: Call,
    expect: [Outcome; 4],
}

fn get(path: &'static str, call: Call, expect: [Outcome; 4]) -> Case {
    Case {
        method: Method::GET,
        path,
        call,
        expect,
    }
}

fn post(path: &'static str, call: Call, expect: [Outcome; 4]) -> Case {
    Case {
        method: Method::POST,
        path,
        call,
        expect,
    }
}

/// The expected outcome of every route for every role, keyed by (method, path). A route of
/// `kaikaku_web::routes::table` missing here fails
/// `every_route_answers_every_role_as_the_matrix_says`, and names the route.
fn matrix() -> Vec<Case> {
    use Call::{At, Fresh, Path};
    vec![
        // Published editions, municipalities, figures across them (public pages).
        get("/", Path, [A, A, A, A]),
        get(
            "/municipalities/{code}",
            At(|_| "/municipalities/999989".to_owned()),
            [A, A, A, A],
        ),
        get(
            "/municipalities/{code}/files/{file}",
            At(|_| "/municipalities/999989/files/items.csv".to_owned()),
            [A, A, A, A],
        ),
        get(
            "/plans/{plan_id}/{fiscal_year}",
            At(|w| w.app.edition(KAEDE_PLAN)),
            [A, A, A, A],
        ),
        get(
            "/plans/{plan_id}/{fiscal_year}/items/{no}",
            At(|w| format!("{}/items/2", w.app.edition(KAEDE_PLAN))),
            [A, A, A, A],
        ),
        get(
            "/plans/{plan_id}/{fiscal_year}/files/{file}",
            At(|w| format!("{}/files/report.json", w.app.edition(KAEDE_PLAN))),
            [A, A, A, A],
        ),
        get("/dashboard", Path, [A, A, A, A]),
        get(
            "/dashboard/files/{file}",
            At(|_| "/dashboard/files/prefectures.csv".to_owned()),
            [A, A, A, A],
        ),
        get(
            "/prefectures/{code}",
            At(|_| "/prefectures/13".to_owned()),
            [A, A, A, A],
        ),
        get(
            "/prefectures/{code}/files/{file}",
            At(|_| "/prefectures/13/files/municipalities.csv".to_owned()),
            [A, A, A, A],
        ),
        get(
            "/plans/{plan_id}/{fiscal_year}/dashboard",
            At(|w| format!("{}/dashboard", w.app.edition(KAEDE_PLAN))),
            [A, A, A, A],
        ),
        get(
            "/plans/{plan_id}/dashboard",
            At(|w| format!("/plans/{}/dashboard", w.app.plan_id(KAEDE_PLAN))),
            [A, A, A, A],
        ),
        get(
            "/plans/{plan_id}/compare",
            At(|w| format!("/plans/{}/compare", w.app.plan_id(KAEDE_PLAN))),
            [A, A, A, A],
        ),
        get(
            "/search",
            At(|_| "/search?q=%E7%A0%94%E4%BF%AE".to_owned()),
            [A, A, A, A],
        ),
        get(
            "/api/v1/search",
            At(|_| "/api/v1/search?q=%E7%A0%94%E4%BF%AE".to_owned()),
            [A, A, A, A],
        ),
        get("/healthz", Path, [A, A, A, A]),
        get("/assets/site.css", Path, [A, A, A, A]),
        get("/assets/print.css", Path, [A, A, A, A]),
        // Logging in and out, the account, the users.
        get("/login", Path, [A, A, A, A]),
        post(
            "/login",
            // Anonymous visitors log in as the admin; the others as themselves again.
            Fresh(|_, who| {
                Box::pin(async move {
                    let (name, password) = who
                        .credentials()
                        .or(Who::Admin.credentials())
                        .expect("credentials");
                    Prepared::form("/login", &[("username", name), ("password", password)])
                })
            }),
            [A, A, A, A],
        ),
        post("/logout", Path, [L, A, A, A]),
        get("/account", Path, [L, A, A, A]),
        post(
            "/account/password",
            // The same password again: it changes nothing another case relies on (every
            // request logs in afresh).
            Fresh(|_, who| {
                Box::pin(async move {
                    let password = who.credentials().map_or("whatever-password", |(_, p)| p);
                    Prepared::form(
                        "/account/password",
                        &[
                            ("current_password", password),
                            ("new_password", password),
                            ("new_password_confirm", password),
                        ],
                    )
                })
            }),
            [L, A, A, A],
        ),
        get("/admin/users", Path, [L, A, F, F]),
        post(
            "/admin/users",
            // A user name never used before.
            Fresh(|w, _| {
                Box::pin(async move {
                    let name = format!("matrix-{}", w.next());
                    Prepared::form(
                        "/admin/users",
                        &[
                            ("name", name.as_str()),
                            ("role", "editor"),
                            ("department", "財政課"),
                            ("password", "matrix-password"),
                        ],
                    )
                })
            }),
            [L, A, F, F],
        ),
        // The reporting cycle's pages.
        get("/cycle", Path, [L, A, A, A]),
        post(
            "/cycle",
            // A plan of its own, whose FY2025 is not opened.
            Fresh(|w, _| {
                Box::pin(async move {
                    let plan = w.fresh_report().await.plan_id;
                    Prepared::form(
                        "/cycle",
                        &[
                            ("plan_id", plan.to_string()),
                            ("fiscal_year", "2025".to_owned()),
                            ("due_date", "2026-05-31".to_owned()),
                        ],
                    )
                })
            }),
            [L, A, F, F],
        ),
        get(
            "/editions/{id}",
            At(|w| format!("/editions/{}", w.open)),
            [L, A, A, A],
        ),
        post(
            "/editions/{id}/unlock",
            Fresh(|w, _| {
                Box::pin(
                    async move { Prepared::at(format!("/editions/{}/unlock", w.locked().await)) },
                )
            }),
            [L, A, F, F],
        ),
        post(
            "/editions/{id}/lock",
            Fresh(|w, _| {
                Box::pin(async move {
                    let id = w.lockable().await;
                    Prepared::form(
                        format!("/editions/{id}/lock"),
                        &[("base_date", "2025-05-31")],
                    )
                })
            }),
            [L, A, F, F],
        ),
        post(
            "/editions/{id}/publish",
            Fresh(|w, _| {
                Box::pin(
                    async move { Prepared::at(format!("/editions/{}/publish", w.locked().await)) },
                )
            }),
            [L, A, F, F],
        ),
        post(
            "/editions/{id}/correction",
            Fresh(|w, _| {
                Box::pin(async move {
                    let id = w.fresh_report().await.id;
                    Prepared::form(format!("/editions/{id}/correction"), &[("note", "matrix")])
                })
            }),
            [L, A, F, F],
        ),
        get(
            "/editions/{id}/sheets/{no}",
            At(|w| format!("/editions/{}/sheets/2", w.open)),
            [L, A, A, A],
        ),
        post(
            "/editions/{id}/sheets/{no}",
            // Sheet 2 is 総務課's, the editor's; reviewers change nothing.
            Fresh(|w, _| {
                Box::pin(async move {
                    let id = w.fresh_edition().await;
                    let mut form = w.sheet_form(id, 2).await;
                    form.push(("intent".to_owned(), "save".to_owned()));
                    Prepared::form(format!("/editions/{id}/sheets/2"), &form)
                })
            }),
            [L, A, A, F],
        ),
        get(
            "/editions/{id}/sheets/{no}/history",
            At(|w| format!("/editions/{}/sheets/2/history", w.open)),
            [L, A, A, A],
        ),
        get(
            "/editions/{id}/sheets/{no}/history/{entry}",
            // One change of sheet 2 (its state, 未着手 → 入力中), shown whole: the same access
            // as the history.
            Fresh(|w, _| {
                Box::pin(async move {
                    let id = w.fresh_edition().await;
                    w.in_progress(id, 2).await;
                    let entry = w.store.audit(id, ItemNo(2)).await.expect("the history")[0].id;
                    Prepared::at(format!("/editions/{id}/sheets/2/history/{entry}"))
                })
            }),
            [L, A, A, A],
        ),
        post(
            "/editions/{id}/sheets/{no}/transition",
            // Sheet 1 is まちづくり推進課's, 入力中: the admin submits it, the editor of 総務課
            // may not touch it.
            Fresh(|w, _| {
                Box::pin(async move {
                    let id = w.fresh_edition().await;
                    let version = w.in_progress(id, 1).await;
                    Prepared::form(
                        format!("/editions/{id}/sheets/1/transition"),
                        &[
                            ("action", "submit".to_owned()),
                            ("version", version.to_string()),
                        ],
                    )
                })
            }),
            [L, A, F, F],
        ),
        post(
            "/editions/{id}/sheets/{no}/comments",
            Fresh(|w, _| {
                Box::pin(async move {
                    let id = w.fresh_edition().await;
                    Prepared::form(
                        format!("/editions/{id}/sheets/2/comments"),
                        &[("field", "goal"), ("body", "matrix")],
                    )
                })
            }),
            [L, A, F, A],
        ),
        post(
            "/editions/{id}/sheets/{no}/comments/{comment_id}/resolve",
            Fresh(|w, _| {
                Box::pin(async move {
                    let id = w.fresh_edition().await;
                    let comment = w.comment(id, 1).await;
                    Prepared::at(format!(
                        "/editions/{id}/sheets/1/comments/{comment}/resolve"
                    ))
                })
            }),
            [L, A, F, A],
        ),
        post(
            "/editions/{id}/sheets/{no}/waivers",
            Fresh(|w, _| {
                Box::pin(async move {
                    let id = w.fresh_edition().await;
                    let (no, key) = w.waivable(id).await;
                    Prepared::form(
                        format!("/editions/{id}/sheets/{no}/waivers"),
                        &[("finding", key.as_str()), ("reason", "matrix")],
                    )
                })
            }),
            [L, A, F, F],
        ),
        // The JSON API: published data, the session, the cycle.
        get("/api/v1/openapi.json", Path, [A, A, A, A]),
        get("/api/v1/session", Path, [L, A, A, A]),
        get("/api/v1/plans", Path, [A, A, A, A]),
        get(
            "/api/v1/plans/{plan_id}/{fiscal_year}",
            At(|w| format!("/api/v1{}", w.app.edition(KAEDE_PLAN))),
            [A, A, A, A],
        ),
        get(
            "/api/v1/plans/{plan_id}/{fiscal_year}/items/{no}",
            At(|w| format!("/api/v1{}/items/2", w.app.edition(KAEDE_PLAN))),
            [A, A, A, A],
        ),
        get(
            "/api/v1/plans/{plan_id}/{fiscal_year}/dashboard",
            At(|w| format!("/api/v1{}/dashboard", w.app.edition(KAEDE_PLAN))),
            [A, A, A, A],
        ),
        get(
            "/api/v1/plans/{plan_id}/compare",
            At(|w| {
                format!(
                    "/api/v1/plans/{}/compare?from=2024&to=2024",
                    w.app.plan_id(KAEDE_PLAN)
                )
            }),
            [A, A, A, A],
        ),
        get("/api/v1/editions", Path, [L, A, A, A]),
        get(
            "/api/v1/editions/{id}",
            At(|w| format!("/api/v1/editions/{}", w.open)),
            [L, A, A, A],
        ),
        get(
            "/api/v1/editions/{id}/sheets/{no}",
            At(|w| format!("/api/v1/editions/{}/sheets/2", w.open)),
            [L, A, A, A],
        ),
        get(
            "/api/v1/editions/{id}/sheets/{no}/history",
            At(|w| format!("/api/v1/editions/{}/sheets/2/history", w.open)),
            [L, A, A, A],
        ),
        Case {
            method: Method::PUT,
            path: "/api/v1/editions/{id}/sheets/{no}",
            // Sheet 2 (総務課's) saved as it is, from its version now.
            call: Fresh(|w, _| {
                Box::pin(async move {
                    let id = w.fresh_edition().await;
                    Prepared::json(
                        format!("/api/v1/editions/{id}/sheets/2"),
                        w.sheet_json(id, 2).await,
                    )
                })
            }),
            expect: [L, A, A, F],
        },
        post(
            "/api/v1/editions/{id}/sheets/{no}/transitions",
            // Sheet 6 (総務課's): the admin reopens it from 確定; the others submit it from
            // 入力中.
            Fresh(|w, who| {
                Box::pin(async move {
                    let id = w.fresh_edition().await;
                    let (action, version) = if who == Who::Admin {
                        ("reopen", w.confirmed(id, 6).await)
                    } else {
                        ("submit", w.in_progress(id, 6).await)
                    };
                    Prepared::json(
                        format!("/api/v1/editions/{id}/sheets/6/transitions"),
                        json!({ "action": action, "version": version }),
                    )
                })
            }),
            [L, A, A, F],
        ),
        post(
            "/api/v1/editions/{id}/sheets/{no}/comments",
            Fresh(|w, _| {
                Box::pin(async move {
                    let id = w.fresh_edition().await;
                    Prepared::json(
                        format!("/api/v1/editions/{id}/sheets/2/comments"),
                        json!({ "field": "goal", "body": "matrix" }),
                    )
                })
            }),
            [L, A, F, A],
        ),
        post(
            "/api/v1/editions/{id}/sheets/{no}/comments/{comment_id}/resolve",
            Fresh(|w, _| {
                Box::pin(async move {
                    let id = w.fresh_edition().await;
                    let comment = w.comment(id, 2).await;
                    Prepared::at(format!(
                        "/api/v1/editions/{id}/sheets/2/comments/{comment}/resolve"
                    ))
                })
            }),
            [L, A, F, A],
        ),
        post(
            "/api/v1/editions/{id}/sheets/{no}/waivers",
            Fresh(|w, _| {
                Box::pin(async move {
                    let id = w.fresh_edition().await;
                    let (no, key) = w.waivable(id).await;
                    Prepared::json(
                        format!("/api/v1/editions/{id}/sheets/{no}/waivers"),
                        json!({ "finding_key": key, "reason": "matrix" }),
                    )
                })
            }),
            [L, A, F, F],
        ),
        post(
            "/api/v1/cycle",
            Fresh(|w, _| {
                Box::pin(async move {
                    let plan = w.fresh_report().await.plan_id;
                    Prepared::json(
                        "/api/v1/cycle",
                        json!({ "plan_id": plan, "fiscal_year": 2025 }),
                    )
                })
            }),
            [L, A, F, F],
        ),
        post(
            "/api/v1/editions/{id}/lock",
            Fresh(|w, _| {
                Box::pin(async move {
                    let id = w.lockable().await;
                    Prepared::json(
                        format!("/api/v1/editions/{id}/lock"),
                        json!({ "base_date": "2025-05-31" }),
                    )
                })
            }),
            [L, A, F, F],
        ),
        post(
            "/api/v1/editions/{id}/publish",
            Fresh(|w, _| {
                Box::pin(async move {
                    Prepared::at(format!("/api/v1/editions/{}/publish", w.locked().await))
                })
            }),
            [L, A, F, F],
        ),
        post(
            "/api/v1/editions/{id}/correction",
            Fresh(|w, _| {
                Box::pin(async move {
                    let id = w.fresh_report().await.id;
                    Prepared::json(
                        format!("/api/v1/editions/{id}/correction"),
                        json!({ "note": "matrix" }),
                    )
                })
            }),
            [L, A, F, F],
        ),
        post(
            "/api/v1/editions/{id}/unlock",
            Fresh(|w, _| {
                Box::pin(async move {
                    Prepared::at(format!("/api/v1/editions/{}/unlock", w.locked().await))
                })
            }),
            [L, A, F, F],
        ),
    ]
}

/// What the matrix acts on: published editions of 楓町 (FY2024), 桜川市 (999989) and a plan of
/// 千代田区 (東京都, for `/prefectures/13`), and 楓町's FY2025 opened (`open`) for the cases
/// that read the cycle. No case changes any of it: the cases that write make their own rows
/// with the helpers below, through a second connection to the app's database (the store, not
/// the routes under test).
struct World {
    app: TestApp,
    store: Database,
    /// The admin's user id, who does what the store needs a user for.
    admin: i64,
    /// 楓町 FY2025, open: read, never written, by the cases.
    open: i64,
    /// The number of the next fresh row (plan names, user names).
    counter: Cell<u32>,
}

impl World {
    async fn build() -> World {
        let app = TestApp::with_reports(&[
            ("kaedemachi_r6.txt", kaedemachi()),
            ("sakuragawa_h30.txt", sakuragawa()),
            (
                "chiyoda.txt",
                kaede_as(town("131016", "千代田区"), CHIYODA_PLAN),
            ),
        ])
        .await;
        let store = app.store().await;
        let admin = app.admin_id().await;
        let open = app.open_cycle(KAEDE_PLAN, 2025).await;
        World {
            app,
            store,
            admin,
            open,
            counter: Cell::new(0),
        }
    }

    /// A number not given before.
    fn next(&self) -> u32 {
        let n = self.counter.get() + 1;
        self.counter.set(n);
        n
    }

    /// A fresh import of 楓町's FY2024 report as a plan of its own: published, nothing opened.
    async fn fresh_report(&self) -> StoredReport {
        let plan = format!("{KAEDE_PLAN}（表{}）", self.next());
        let saved = self
            .store
            .save_report(&kaede_as(None, &plan), &source("matrix.txt"))
            .await
            .expect("imports");
        self.store
            .list_reports()
            .await
            .expect("lists")
            .into_iter()
            .find(|r| r.id == saved.report_id())
            .expect("listed")
    }

    /// FY2025 of a fresh plan, open, every sheet 未着手.
    async fn fresh_edition(&self) -> i64 {
        let plan = self.fresh_report().await.plan_id;
        self.store
            .open_cycle(
                plan,
                FiscalYear::new(2025).expect("a year"),
                None,
                self.admin,
            )
            .await
            .expect("opens FY2025")
    }

    /// Sheet `no` of `edition` saved as it is, 入力中; its version now.
    async fn in_progress(&self, edition: i64, no: u32) -> i64 {
        let sheet = self
            .store
            .sheet(edition, ItemNo(no))
            .await
            .expect("a sheet");
        self.store
            .save_sheet(
                edition,
                ItemNo(no),
                sheet.version,
                &sheet.item,
                SheetState::InProgress,
                self.admin,
            )
            .await
            .expect("saves")
    }

    /// Sheet `no` of `edition` taken to 確定; its version now.
    async fn confirmed(&self, edition: i64, no: u32) -> i64 {
        let mut version = self.in_progress(edition, no).await;
        for to in [SheetState::Submitted, SheetState::Confirmed] {
            version = self
                .store
                .transition(edition, ItemNo(no), version, to, self.admin, &[])
                .await
                .expect("moves");
        }
        version
    }

    /// A comment of the admin on the goal of sheet `no`.
    async fn comment(&self, edition: i64, no: u32) -> i64 {
        self.store
            .add_comment(edition, ItemNo(no), Field::Goal, self.admin, "matrix")
            .await
            .expect("comments")
    }

    /// Sheet 7 of `edition` saved with a 総計 that does not add up (13 for 12): the sheet and
    /// the key of its finding.
    async fn waivable(&self, edition: i64) -> (u32, String) {
        let sheet = self.store.sheet(edition, ItemNo(7)).await.expect("sheet 7");
        let mut item = sheet.item.clone();
        let total = item
            .effects
            .iter_mut()
            .find(|row| row.is_total)
            .expect("a 総計 row");
        total.quantities[0].value = Decimal::from(13);
        self.store
            .save_sheet(
                edition,
                ItemNo(7),
                sheet.version,
                &item,
                SheetState::InProgress,
                self.admin,
            )
            .await
            .expect("saves sheet 7");
        let frame = self.store.load_edition(edition).await.expect("loads");
        let finding = service::check_item(&frame, &item)
            .into_iter()
            .next()
            .expect("the 総計 does not add up");
        (7, service::finding_key(&finding))
    }

    /// A correction of a fresh report with every sheet 確定: ready to lock.
    async fn lockable(&self) -> i64 {
        let report = self.fresh_report().await.id;
        let id = self
            .store
            .open_correction(report, "matrix", self.admin)
            .await
            .expect("corrects");
        for sheet in self.store.sheets(id).await.expect("the sheets") {
            self.confirmed(id, sheet.no.0).await;
        }
        id
    }

    /// A correction of a fresh report, locked: ready to publish or unlock.
    async fn locked(&self) -> i64 {
        let id = self.lockable().await;
        let base_date = chrono::NaiveDate::from_ymd_opt(2025, 5, 31).expect("a date");
        self.store
            .lock_edition(id, base_date, self.admin)
            .await
            .expect("locks");
        id
    }

    /// Sheet `no` of `edition` as its form sends it, with its version.
    async fn sheet_form(&self, edition: i64, no: u32) -> Vec<(String, String)> {
        let sheet = self
            .store
            .sheet(edition, ItemNo(no))
            .await
            .expect("a sheet");
        let frame = self.store.load_edition(edition).await.expect("loads");
        let mut form = SheetForm::from_item(&sheet.item, &frame).to_pairs();
        form.retain(|(name, _)| name != "version");
        form.push(("version".to_owned(), sheet.version.to_string()));
        form
    }

    /// Sheet `no` of `edition` as the API saves it: its version and its item.
    async fn sheet_json(&self, edition: i64, no: u32) -> Value {
        let sheet = self
            .store
            .sheet(edition, ItemNo(no))
            .await
            .expect("a sheet");
        json!({ "version": sheet.version, "item": ItemJson::from(&sheet.item) })
    }
}

/// The class of `page`, the answer to a request for `path`; `None` when it is none of them
/// (a 400, a 404, a CSRF refusal …).
fn observed(page: &Page, path: &str) -> Option<Outcome> {
    let to_login = page
        .location()
        .is_some_and(|l| l == "/login" || l.starts_with("/login?"));
    match page.status {
        s if s.is_success() => Some(Outcome::Allowed),
        s if s.is_redirection() && !to_login => Some(Outcome::Allowed),
        StatusCode::SEE_OTHER if to_login && !path.starts_with("/api/") => Some(Outcome::Login),
        StatusCode::UNAUTHORIZED if path.starts_with("/api/") => Some(Outcome::Login),
        StatusCode::FORBIDDEN if page.body.contains("この操作の権限がありません") => {
            Some(Outcome::Forbidden)
        }
        // The JSON of a route's access check says so in its message.
        StatusCode::FORBIDDEN
            if path.starts_with("/api/") && page.body.contains("役割では利用できません") =>
        {
            Some(Outcome::Forbidden)
        }
        _ => None,
    }
}

/// Sends `case` as `who` (a fresh session), on what the case prepares; the outcome and a line
/// saying what came back.
async fn answer(world: &World, case: &Case, who: Who) -> (Option<Outcome>, String) {
    let prepared = match &case.call {
        Call::Path => {
            assert!(
                !case.path.contains('{'),
                "{} {}: give the matrix entry an address",
                case.method,
                case.path
            );
            Prepared::at(case.path)
        }
        Call::At(url) => Prepared::at(url(world)),
        Call::Fresh(prepare) => prepare(world, who).await,
    };
    let login = world.app.login_as(who).await;
    let mut request = Request::new(case.method.clone(), &prepared.url).session(login.as_ref());
    if case.method != Method::GET {
        request = if case.path.starts_with("/api/") {
            // The API: a JSON body, the token in X-CSRF-Token.
            let request = request.csrf_header();
            match &prepared.json {
                Some(body) => request.json(body),
                None => request,
            }
        } else {
            // The pages: a form with its `_csrf` field.
            request.form(&prepared.form).csrf_field()
        };
    }
    let page = world.app.send(request).await;
    let got = observed(&page, &prepared.url);
    let seen = format!(
        "{} {:?} {}",
        page.status,
        page.location(),
        page.body.chars().take(300).collect::<String>()
    );
    (got, seen)
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_matrix_says() {
    let specs = kaikaku_web::routes::specs();
    let matrix = matrix();
    let missing: Vec<String> = specs
        .iter()
        .filter(|spec| {
            !matrix
                .iter()
                .any(|case| case.method == spec.method && case.path == spec.path)
        })
        .map(|spec| format!("{} {}", spec.method, spec.path))
        .collect();
    assert!(
        missing.is_empty(),
        "routes with no entry in the authorisation matrix of tests/http/authorization.rs: \
         {missing:?}"
    );
    let stale: Vec<String> = matrix
        .iter()
        .filter(|case| {
            !specs
                .iter()
                .any(|spec| case.method == spec.method && case.path == spec.path)
        })
        .map(|case| format!("{} {}", case.method, case.path))
        .collect();
    assert!(stale.is_empty(), "matrix entries for no route: {stale:?}");

    let world = World::build().await;
    let mut failures = Vec::new();
    for case in &matrix {
        // The four roles at once: each has rows of its own.
        let [anonymous, admin, editor, reviewer] = Who::ALL;
        let answers = tokio::join!(
            answer(&world, case, anonymous),
            answer(&world, case, admin),
            answer(&world, case, editor),
            answer(&world, case, reviewer),
        );
        let answers = [answers.0, answers.1, answers.2, answers.3];
        for ((who, expected), (got, seen)) in Who::ALL.into_iter().zip(case.expect).zip(answers) {
            if got != Some(expected) {
                failures.push(format!(
                    "{} {} as {who:?}: expected {expected:?}, got {got:?} ({seen})",
                    case.method, case.path
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
