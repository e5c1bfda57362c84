//! The sender: a task beside the server that works through the mail queue in PostgreSQL.
//!
//! Each due mail is leased (`db::mail::claim_due`: instances sharing the database never send
//! the same mail at once), sent, and its outcome recorded. A mail the server took leaves the
//! queue; one it did not is tried again later, after `FAKEWATCH_MAIL_RETRY_SECS` doubled at
//! each failure, up to an hour. Nothing is lost while the server is down, and a sender that
//! dies mid-send leaves the mail to be tried again once its lease has run out (it may then
//! arrive twice; only the later link works). No database transaction or connection is held
//! while the mail server is talked to.

use std::time::Duration;

use sqlx::Postgres;
use sqlx::pool::PoolConnection;
use tokio::sync::oneshot;

use crate::db;
use crate::db::mail::{DueKind, DueMail};
use crate::mail::confirmation::{self, ComposeError, LINK_VALID_DAYS};
use crate::security::{hash_token, random_token};
use crate::state::AppState;

/// How often the queue is looked at when nothing wakes the sender sooner: for mail another
/// instance queued, or after a database error.
const POLL: Duration = Duration::from_secs(5);

/// How long a claimed mail is the sender's: well beyond the longest a send may take (a
/// minute, see `mail::Mailer::send`), so that no other instance takes it meanwhile.
const LEASE_SECS: u64 = 300;

/// The longest wait between attempts at one mail.
const MAX_RETRY_SECS: u64 = 3600;

/// Sends queued mail until `stop` fires (or its sender is dropped). Wakes when a request
/// queued mail (`state.mail_waiting`), when a retry comes due, and every [`POLL`].
pub async fn run(state: AppState, mut stop: oneshot::Receiver<()>) {
    loop {
        let wait = tokio::select! {
            _ = &mut stop => return,
            wait = send_due(&state) => wait,
        };
        tokio::select! {
            _ = &mut stop => return,
            () = state.mail_waiting.notified() => {}
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// Sends every mail that is due, then says how long to wait before looking again.
async fn send_due(state: &AppState) -> Duration {
    loop {
        match send_one(state).await {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                tracing::warn!(error = %e, "mail queue: database error; trying again shortly");
                return POLL;
            }
        }
    }
    let next = match state.db.acquire().await {
        Ok(mut conn) => db::mail::next_due_in(&mut conn).await,
        Err(e) => Err(e),
    };
    match next {
        Ok(Some(secs)) => Duration::try_from_secs_f64(secs).map_or(POLL, |due| due.min(POLL)),
        Ok(None) => POLL,
        Err(e) => {
            tracing::warn!(error = %e, "mail queue: database error; trying again shortly");
            POLL
        }
    }
}

/// Claims one due mail and sends it; `false` when none is due.
async fn send_one(state: &AppState) -> sqlx::Result<bool> {
    // One pooled connection up to the send, one after it: under a flood of requests each
    // acquisition waits its turn behind them.
    let mut conn = state.db.acquire().await?;
    let Some(mail) = db::mail::claim_due(&mut conn, LEASE_SECS).await? else {
        return Ok(false);
    };
    match &mail.kind {
        DueKind::Confirmation {
            email_confirmation_id,
            reporter_key,
        } => send_confirmation(state, conn, &mail, *email_confirmation_id, reporter_key).await?,
    }
    Ok(true)
}

#[tracing::instrument(skip_all, fields(mail_id = mail.mail_id, attempts = mail.attempts))]
async fn send_confirmation(
    state: &AppState,
    mut conn: PoolConnection<Postgres>,
    mail: &DueMail,
    email_confirmation_id: i64,
    reporter_key: &[u8],
) -> sqlx::Result<()> {
    let reports = db::confirmations::pending_reports(&mut conn, reporter_key).await?;
    if reports.is_empty() {
        tracing::info!("confirmation mail dropped unsent: no pending report left to confirm");
        return db::mail::discard_confirmation(&mut conn, mail, email_confirmation_id).await;
    }
    let token = random_token(32);
    let site = state.config.public_base();
    let link = format!("{site}/confirm/{token}");
    let from = state.mailer.from();
    let message = match confirmation::compose(from, &mail.to_address, &reports, &site, &link) {
        Ok(message) => message,
        Err(e @ ComposeError::BadAddress) => {
            tracing::warn!(error = %e, "confirmation mail dropped unsent");
            return db::mail::discard_confirmation(&mut conn, mail, email_confirmation_id).await;
        }
        Err(e @ ComposeError::Build(_)) => {
            drop(conn);
            return retry(state, mail, &e.to_string()).await;
        }
    };
    // Sent with no connection held: the server may take its time.
    drop(conn);
    if let Err(e) = state.mailer.send(message).await {
        return retry(state, mail, &e.to_string()).await;
    }
    let mut conn = state.db.acquire().await?;
    let hash = hash_token(&token);
    let stored = db::mail::confirmation_sent(
        &mut conn,
        mail,
        email_confirmation_id,
        &hash,
        LINK_VALID_DAYS,
    )
    .await?;
    if stored {
        tracing::info!(reports = reports.len(), "confirmation mail sent");
    } else {
        tracing::info!(
            "confirmation mail sent, but it left the queue meanwhile (erased or purged) or \
             another sender took it over: its link leads nowhere"
        );
    }
    Ok(())
}

/// Puts the mail back for later, saying why (`error` names no address) in the log and the row.
async fn retry(state: &AppState, mail: &DueMail, error: &str) -> sqlx::Result<()> {
    let delay = retry_delay_secs(state.config.mail_retry_secs, mail.attempts);
    tracing::warn!(
        mail_id = mail.mail_id,
        attempts = mail.attempts + 1,
        retry_in_secs = delay,
        error,
        "mail not sent; it stays queued"
    );
    let mut conn = state.db.acquire().await?;
    db::mail::retry_later(&mut conn, mail, delay, error).await
}

/// Seconds to wait after a mail's attempt failed, when `failed_before` attempts had failed
/// already: `base`, then twice that, and so on, up to an hour.
pub fn retry_delay_secs(base: u64, failed_before: i32) -> u64 {
    let doublings = u32::try_from(failed_before).unwrap_or(0).min(12);
    base.saturating_mul(1 << doublings).min(MAX_RETRY_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_an_hour() {
        let delays: Vec<u64> = (0..10).map(|n| retry_delay_secs(30, n)).collect();
        assert_eq!(delays, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
        assert_eq!(retry_delay_secs(30, i32::MAX), 3600);
        assert_eq!(retry_delay_secs(1, 0), 1);
        assert_eq!(retry_delay_secs(u64::MAX, 3), 3600);
    }
}
