//! `fakewatch summaries check|rebuild`: the operator's view of the summaries pages read.

use std::fmt::Write as _;
use std::time::Instant;

use sqlx::PgPool;

use super::AdminError;
use crate::config::SummariesCommand;
use crate::db;

/// Differences listed by `check`; the rest are counted.
const SHOWN: usize = 50;

pub async fn summaries(pool: &PgPool, command: SummariesCommand) -> Result<String, AdminError> {
    let started = Instant::now();
    let mut conn = pool.acquire().await?;
    match command {
        SummariesCommand::Check => {
            let checked = db::summaries::check(&mut conn, SHOWN).await?;
            let mut out = String::new();
            for d in &checked.first {
                let _ = writeln!(
                    out,
                    "{}: {}: stored {}, recomputed {}",
                    d.summary,
                    d.key,
                    d.stored.as_deref().unwrap_or("nothing"),
                    d.fresh.as_deref().unwrap_or("nothing"),
                );
            }
            if checked.differences == 0 {
                return Ok(format!(
                    "Summaries match the reports ({:.1} s).\n",
                    started.elapsed().as_secs_f64()
                ));
            }
            if checked.differences > SHOWN as u64 {
                let _ = writeln!(out, "… and {} more", checked.differences - SHOWN as u64);
            }
            Err(AdminError::SummariesDiffer {
                differences: checked.differences,
                listed: out,
            })
        }
        SummariesCommand::Rebuild => {
            let mut tx = sqlx::Acquire::begin(&mut *conn).await?;
            db::summaries::rebuild(&mut tx).await?;
            tx.commit().await?;
            Ok(format!(
                "Summaries rebuilt from the reports ({:.1} s).\n",
                started.elapsed().as_secs_f64()
            ))
        }
    }
}
