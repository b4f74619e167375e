//! `kaikaku list`: the stored reports as a table (id, municipality, plan, 報告年度, items,
//! warnings, source, import time).

use std::io::{self, Write};

use anyhow::Context;
use kaikaku_store::Store;

use crate::database::{DbTarget, open_store};
use crate::outcome::Outcome;
use crate::render;
use crate::visible::Visible;

/// `kaikaku list`.
///
/// Fails when the database cannot be opened or read, or stdout is closed.
pub async fn list(db: &DbTarget) -> anyhow::Result<Outcome> {
    let store = open_store(db).await?;
    let reports = store
        .list_reports()
        .await
        .context("保存された報告の一覧を読めません")?;
    let mut out = Visible::new(io::stdout().lock());
    render::stored_reports(&mut out, &reports)?;
    out.flush()?;
    Ok(Outcome::Success)
}
