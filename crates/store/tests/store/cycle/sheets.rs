//! The sheets of an open edition: a save bumps the version, journals every changed field and
//! clears the marks of what was carried over; the version guard lets exactly one of two
//! concurrent saves win; transitions carry comments and are journaled; waivers are kept per
//! sheet; the audit log is append-only; and a failed write changes nothing.

use kaikaku_model::workflow::{Field, Role, SheetState};
use kaikaku_model::{Item, ItemNo, Unit};
use kaikaku_store::{Cycle, StoreError};

use super::{Fixture, edited_no1, new_user, snapshot};
use crate::{assert_refused, quantity};

#[tokio::test]
async fn save_sheet_bumps_the_version_journals_and_clears_copied_marks() {
    let f = Fixture::open().await;
    let store = &f.db.store;
    let sheet = store.sheet(f.report_id, ItemNo(1)).await.expect("No.1");
    assert_eq!(sheet.version, 1);
    assert_eq!(
        sheet.copied,
        [
            Field::Departments,
            Field::Content(0),
            Field::Content(1),
            Field::Goal,
            Field::Actions,
            Field::Effect(0),
            Field::Effect(1),
            Field::Effect(2),
            Field::Effect(3),
        ]
    );

    let edited = edited_no1(&sheet.item, "・協働研修を3回開催した。");
    let version = store
        .save_sheet(
            f.report_id,
            ItemNo(1),
            1,
            &edited,
            SheetState::InProgress,
            f.editor,
        )
        .await
        .expect("save");
    assert_eq!(version, 2);

    let saved = store.sheet(f.report_id, ItemNo(1)).await.expect("No.1");
    assert_eq!(saved.item, edited);
    assert_eq!(saved.version, 2);
    assert_eq!(saved.state, SheetState::InProgress);
    assert_eq!(saved.updated_by.as_deref(), Some("machizukuri"));
    assert!(saved.updated_at.is_some());
    assert!(
        !saved.copied.contains(&Field::Content(0)),
        "edited: unmarked"
    );
    assert!(
        saved.copied.contains(&Field::Content(1)),
        "not edited: marked"
    );
    assert_eq!(saved.copied.len(), sheet.copied.len() - 1);

    let audit = store.audit(f.report_id, ItemNo(1)).await.expect("audit");
    let rows: Vec<(Field, &str, &str)> = audit
        .iter()
        .map(|a| (a.field, a.before.as_str(), a.after.as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            (
                Field::Content(0),
                "市民との協働による\nまちづくりの推進\n令和2年度: ①～⑤ ／ 令和3年度: ②③ ／ 令和4年度: ② (検討)",
                "市民との協働による\nまちづくりの推進\n令和2年度: ①～⑤ ／ 令和3年度: ②③ ／ 令和4年度: ② (実施)",
            ),
            (
                Field::Narrative(0),
                "",
                "【令和4年度（実績）】\n・協働研修を3回開催した。",
            ),
            (Field::State, "未着手", "入力中"),
        ]
    );
    assert!(
        audit
            .iter()
            .all(|a| a.user.as_deref() == Some("machizukuri"))
    );

    // A second save from the version the first one started from is refused, and changes
    // nothing.
    let before = snapshot(&f, 1).await;
    let stale = edited_no1(&sheet.item, "・別の人の書きかけ。");
    // Refused: stale version.
    let err = assert_refused(
        store
            .save_sheet(
                f.report_id,
                ItemNo(1),
                1,
                &stale,
                SheetState::InProgress,
                f.admin,
            )
            .await,
        |e| matches!(e, StoreError::Conflict { current_version: 2 }),
    );
    assert!(err.to_string().contains("他の人が更新しました"), "{err}");
    assert_eq!(snapshot(&f, 1).await, before);

    // The other sheets are untouched.
    let no3 = store.sheet(f.report_id, ItemNo(3)).await.expect("No.3");
    assert_eq!(no3.version, 1);
    assert!(
        store
            .audit(f.report_id, ItemNo(3))
            .await
            .expect("audit")
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_saves_of_one_sheet_exactly_one_wins() {
    let f = Fixture::open().await;
    let base =
        f.db.store
            .sheet(f.report_id, ItemNo(1))
            .await
            .expect("No.1");
    let mut version = base.version;
    let mut audit_rows = 0;
    for round in 0..4 {
        let items: Vec<Item> = ["甲", "乙"]
            .iter()
            .map(|who| edited_no1(&base.item, &format!("・{who}の記入（{round}回目）")))
            .collect();
        let tasks: Vec<_> = items
            .iter()
            .cloned()
            .map(|item| {
                let store = f.db.store.clone();
                let (report_id, by) = (f.report_id, f.editor);
                tokio::spawn(async move {
                    store
                        .save_sheet(
                            report_id,
                            ItemNo(1),
                            version,
                            &item,
                            SheetState::InProgress,
                            by,
                        )
                        .await
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.expect("task"));
        }

        let winners: Vec<usize> = (0..2).filter(|i| outcomes[*i].is_ok()).collect();
        assert_eq!(winners.len(), 1, "round {round}: {outcomes:?}");
        let winner = winners[0];
        let loser = 1 - winner;
        let new_version = *outcomes[winner].as_ref().expect("winner");
        assert_eq!(new_version, version + 1);
        assert!(
            matches!(outcomes[loser], Err(StoreError::Conflict { current_version }) if current_version == new_version),
            "round {round}: {:?}",
            outcomes[loser]
        );

        let sheet =
            f.db.store
                .sheet(f.report_id, ItemNo(1))
                .await
                .expect("No.1");
        assert_eq!(
            sheet.item, items[winner],
            "round {round}: the winner's content"
        );
        assert_eq!(sheet.version, new_version);

        // Only the winner's changes are journaled.
        let audit =
            f.db.store
                .audit(f.report_id, ItemNo(1))
                .await
                .expect("audit");
        let new_rows = &audit[audit_rows..];
        let winner_text = &items[winner].narratives.last().expect("narrative").text;
        let loser_text = &items[loser].narratives.last().expect("narrative").text;
        assert!(
            new_rows
                .iter()
                .any(|a| a.after.contains(winner_text.as_str())),
            "round {round}: {new_rows:?}"
        );
        assert!(
            audit.iter().all(|a| !a.after.contains(loser_text.as_str())),
            "round {round}: {audit:?}"
        );
        audit_rows = audit.len();
        version = new_version;
    }
}

#[tokio::test]
async fn transitions_carry_comments_and_are_journaled() {
    let f = Fixture::open().await;
    let store = &f.db.store;
    let no = ItemNo(1);
    let sheet = store.sheet(f.report_id, no).await.expect("No.1");
    let edited = edited_no1(&sheet.item, "・研修を開催した。");
    let v = store
        .save_sheet(
            f.report_id,
            no,
            1,
            &edited,
            SheetState::InProgress,
            f.editor,
        )
        .await
        .expect("save");
    let v = store
        .transition(f.report_id, no, v, SheetState::Submitted, f.editor, &[])
        .await
        .expect("submit");

    let remarks = [
        (
            Field::Content(0),
            "令和4年度は試行ではありませんか。".to_owned(),
        ),
        (
            Field::Narrative(0),
            "回数と参加人数を書いてください。".to_owned(),
        ),
    ];
    let v = store
        .transition(f.report_id, no, v, SheetState::Returned, f.admin, &remarks)
        .await
        .expect("return with comments");
    assert_eq!(v, 4);

    let comments = store.comments(f.report_id, no).await.expect("comments");
    let listed: Vec<(Field, &str, &str)> = comments
        .iter()
        .map(|c| (c.field, c.author.as_str(), c.body.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            (
                Field::Content(0),
                "seisaku",
                "令和4年度は試行ではありませんか。"
            ),
            (
                Field::Narrative(0),
                "seisaku",
                "回数と参加人数を書いてください。"
            ),
        ]
    );
    assert!(comments.iter().all(|c| c.resolved_at.is_none()));
    let board = store.sheets(f.report_id).await.expect("board");
    assert_eq!(board[0].no, no);
    assert_eq!(board[0].state, SheetState::Returned);
    assert_eq!(board[0].open_comments, 2);
    assert_eq!(board[0].updated_by.as_deref(), Some("seisaku"));
    assert_eq!(
        board[0].reporting_department.as_deref(),
        Some("まちづくり推進課")
    );

    store
        .resolve_comment(comments[0].id, f.editor)
        .await
        .expect("resolve");
    store
        .resolve_comment(comments[0].id, f.admin)
        .await
        .expect("resolving again changes nothing");
    let comments = store.comments(f.report_id, no).await.expect("comments");
    assert_eq!(comments[0].resolved_by.as_deref(), Some("machizukuri"));
    assert!(comments[0].resolved_at.is_some());
    assert_eq!(
        store.sheets(f.report_id).await.expect("board")[0].open_comments,
        1
    );
    // Refused: no such comment.
    assert_refused(store.resolve_comment(9999, f.admin).await, |e| {
        matches!(e, StoreError::CommentNotFound { id: 9999 })
    });

    // A reviewer's remark without a transition.
    let reviewer = store
        .create_user(&new_user("iinkai", Role::Reviewer, None))
        .await
        .expect("reviewer");
    store
        .add_comment(
            f.report_id,
            no,
            Field::Evaluation,
            reviewer,
            "総評が空です。",
        )
        .await
        .expect("comment");

    // Fix, resubmit, confirm.
    let mut fixed = edited.clone();
    fixed.narratives[0].text = "・研修を3回開催し、延べ120人が参加した。".into();
    let v = store
        .save_sheet(f.report_id, no, v, &fixed, SheetState::InProgress, f.editor)
        .await
        .expect("fix");
    let v = store
        .transition(f.report_id, no, v, SheetState::Submitted, f.editor, &[])
        .await
        .expect("resubmit");

    // Not every move is possible: a submitted sheet cannot go back to 未着手, nor be
    // submitted twice.
    for to in [SheetState::NotStarted, SheetState::Submitted] {
        // Refused: no such move.
        assert_refused(
            store.transition(f.report_id, no, v, to, f.admin, &[]).await,
            |e| matches!(e, StoreError::InvalidTransition { from: SheetState::Submitted, to: t, .. } if *t == to),
        );
    }
    // Refused: no such move, said in words.
    let err = assert_refused(
        store
            .transition(f.report_id, no, v, SheetState::NotStarted, f.admin, &[])
            .await,
        |e| matches!(e, StoreError::InvalidTransition { .. }),
    );
    assert_eq!(
        err.to_string(),
        "No.1: 「提出済」のシートを「未着手」にはできません"
    );

    let v = store
        .transition(f.report_id, no, v, SheetState::Confirmed, f.admin, &[])
        .await
        .expect("confirm");
    assert_eq!(v, 7);

    let states: Vec<(String, String, Option<String>)> = store
        .audit(f.report_id, no)
        .await
        .expect("audit")
        .into_iter()
        .filter(|a| a.field == Field::State)
        .map(|a| (a.before, a.after, a.user))
        .collect();
    let expected = [
        ("未着手", "入力中", "machizukuri"),
        ("入力中", "提出済", "machizukuri"),
        ("提出済", "差戻し", "seisaku"),
        ("差戻し", "入力中", "machizukuri"),
        ("入力中", "提出済", "machizukuri"),
        ("提出済", "確定", "seisaku"),
    ];
    let expected: Vec<(String, String, Option<String>)> = expected
        .iter()
        .map(|(b, a, u)| ((*b).to_owned(), (*a).to_owned(), Some((*u).to_owned())))
        .collect();
    assert_eq!(states, expected);
}

#[tokio::test]
async fn the_audit_log_cannot_be_updated_or_deleted() {
    let f = Fixture::open().await;
    let sheet =
        f.db.store
            .sheet(f.report_id, ItemNo(1))
            .await
            .expect("No.1");
    let edited = edited_no1(&sheet.item, "・開催した。");
    f.db.store
        .save_sheet(
            f.report_id,
            ItemNo(1),
            1,
            &edited,
            SheetState::InProgress,
            f.editor,
        )
        .await
        .expect("save");
    let audit =
        f.db.store
            .audit(f.report_id, ItemNo(1))
            .await
            .expect("audit");
    assert_eq!(audit.len(), 3);

    // Another connection to the same database, as anyone with access to it could open.
    for statement in [
        "UPDATE audit_log SET after_text = '改ざん'",
        "UPDATE audit_log SET user_id = NULL WHERE id = 1",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE id = 1",
    ] {
        let err = f.db.raw.execute(statement).await.expect_err(statement);
        assert!(
            err.to_string().contains("append-only"),
            "{statement}: {err}"
        );
    }
    // A report with history cannot be deleted either (nothing cascades into the log).
    let err =
        f.db.raw
            .execute(&format!("DELETE FROM reports WHERE id = {}", f.report_id))
            .await
            .expect_err("delete the edition");
    assert!(
        err.to_string().to_lowercase().contains("foreign key"),
        "{err}"
    );

    assert_eq!(
        f.db.store
            .audit(f.report_id, ItemNo(1))
            .await
            .expect("audit"),
        audit
    );
}

#[tokio::test]
async fn waivers_are_kept_per_sheet() {
    let f = Fixture::open().await;
    let store = &f.db.store;
    let id = store
        .waive(
            f.report_id,
            ItemNo(1),
            "total_mismatch:effects.3:削減額",
            "原本どおり",
            f.admin,
        )
        .await
        .expect("waive");
    // Refused: already waived.
    assert_refused(
        store
            .waive(
                f.report_id,
                ItemNo(1),
                "total_mismatch:effects.3:削減額",
                "again",
                f.admin,
            )
            .await,
        |e| matches!(e, StoreError::AlreadyWaived { .. }),
    );
    let waivers = store
        .waivers(f.report_id, ItemNo(1))
        .await
        .expect("waivers");
    assert_eq!(waivers.len(), 1);
    assert_eq!(waivers[0].id, id);
    assert_eq!(waivers[0].reason, "原本どおり");
    assert_eq!(waivers[0].user, "seisaku");
    assert!(
        store
            .waivers(f.report_id, ItemNo(3))
            .await
            .expect("none")
            .is_empty()
    );
    // Refused: no No.2.
    assert_refused(store.waivers(f.report_id, ItemNo(2)).await, |e| {
        matches!(e, StoreError::SheetNotFound { no: ItemNo(2), .. })
    });
}

#[tokio::test]
async fn failed_sheet_writes_leave_everything_as_it_was() {
    let f = Fixture::open().await;
    let store = &f.db.store;
    let no = ItemNo(1);
    let sheet = store.sheet(f.report_id, no).await.expect("No.1");
    let v = store
        .save_sheet(
            f.report_id,
            no,
            1,
            &edited_no1(&sheet.item, "・開催した。"),
            SheetState::InProgress,
            f.editor,
        )
        .await
        .expect("save");
    store
        .add_comment(
            f.report_id,
            no,
            Field::Goal,
            f.admin,
            "目標は据え置きですか。",
        )
        .await
        .expect("comment");
    let current = store.sheet(f.report_id, no).await.expect("No.1");
    let before = snapshot(&f, 1).await;
    let mut changed = current.item.clone();
    changed.goal = Some("新しい目標".into());
    changed.effects[0].text = "削減額 40,000千円（実績）".into();

    let mut other_department = changed.clone();
    other_department.reporting_department = Some("財政課".into());
    let mut renumbered = changed.clone();
    renumbered.no = ItemNo(2);
    let mut bad_unit = changed.clone();
    bad_unit.effects[0]
        .quantities
        .push(quantity("", "1", Unit::Count("ダース"), None));

    // Refused: stale version.
    assert_refused(
        store
            .save_sheet(
                f.report_id,
                no,
                v - 1,
                &changed,
                SheetState::InProgress,
                f.admin,
            )
            .await,
        |e| matches!(e, StoreError::Conflict { .. }),
    );
    // Refused: not a move.
    assert_refused(
        store
            .save_sheet(f.report_id, no, v, &changed, SheetState::Confirmed, f.admin)
            .await,
        |e| matches!(e, StoreError::InvalidTransition { .. }),
    );
    // Refused: other department.
    assert_refused(
        store
            .save_sheet(
                f.report_id,
                no,
                v,
                &other_department,
                SheetState::InProgress,
                f.admin,
            )
            .await,
        |e| {
            matches!(
                e,
                StoreError::FixedField {
                    field: "記入担当課",
                    ..
                }
            )
        },
    );
    // Refused: renumbered.
    assert_refused(
        store
            .save_sheet(
                f.report_id,
                no,
                v,
                &renumbered,
                SheetState::InProgress,
                f.admin,
            )
            .await,
        |e| {
            matches!(
                e,
                StoreError::FixedField {
                    field: "項目番号",
                    ..
                }
            )
        },
    );
    // Refused: unit.
    assert_refused(
        store
            .save_sheet(
                f.report_id,
                no,
                v,
                &bad_unit,
                SheetState::InProgress,
                f.admin,
            )
            .await,
        |e| matches!(e, StoreError::UnstorableUnit { .. }),
    );
    // Refused: unknown user.
    assert_refused(
        store
            .save_sheet(f.report_id, no, v, &changed, SheetState::InProgress, 9999)
            .await,
        |e| matches!(e, StoreError::UserNotFound { .. }),
    );
    // Refused: stale transition.
    assert_refused(
        store
            .transition(
                f.report_id,
                no,
                v - 1,
                SheetState::Submitted,
                f.editor,
                &[(Field::Goal, "x".into())],
            )
            .await,
        |e| matches!(e, StoreError::Conflict { .. }),
    );
    // Refused: no such sheet.
    assert_refused(
        store
            .save_sheet(
                f.report_id,
                ItemNo(2),
                1,
                &changed,
                SheetState::InProgress,
                f.admin,
            )
            .await,
        |e| matches!(e, StoreError::SheetNotFound { .. }),
    );
    assert_eq!(snapshot(&f, 1).await, before);

    // A failure late in the write, after the version guard passed and the old child rows
    // were deleted: a line number that does not fit its column.
    let mut late = changed.clone();
    late.narratives[0].line = usize::MAX;
    // Refused: line out of range.
    assert_refused(
        store
            .save_sheet(f.report_id, no, v, &late, SheetState::InProgress, f.admin)
            .await,
        |e| matches!(e, StoreError::OutOfRange { .. }),
    );
    assert_eq!(snapshot(&f, 1).await, before);

    // The same content saves once nothing is wrong with it.
    store
        .save_sheet(
            f.report_id,
            no,
            v,
            &changed,
            SheetState::InProgress,
            f.admin,
        )
        .await
        .expect("save");
}
