//! What every handler can reach.

use std::sync::Arc;

use sqlx::PgPool;
use tokio::sync::{Notify, Semaphore};

use crate::config::Config;
use crate::evidence::EvidenceService;
use crate::limits::PerKeyLimit;
use crate::mail::Mailer;
use crate::security::Secret;

/// Shared by all handlers through `State<AppState>`; cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The primary: every write, and every read that must see what this visitor just wrote.
    pub db: PgPool,
    /// Public reads that may lag by a moment (home, seller and brand pages, search, feeds):
    /// the replica's pool when `FAKEWATCH_DATABASE_REPLICA_URL` is set, else the primary's.
    pub public_reads: PgPool,
    pub config: Arc<Config>,
    pub secret: Arc<Secret>,
    pub evidence: EvidenceService,
    /// Takedown exports running at once. Each holds a database connection while it reads its
    /// cursor, so they get at most half the pool (and searches a quarter: pages keep the rest).
    pub exports: Arc<Semaphore>,
    /// Exports per rights holder, so that one organisation's scripts can't take every slot.
    pub holder_exports: PerKeyLimit<i64>,
    /// Name searches running at once: a flood of them gets at most a quarter of the pool, so
    /// that with exports at their half, pages keep a quarter.
    pub searches: Arc<Semaphore>,
    /// Evidence bytes that uploads in progress hold in memory, one permit per byte.
    pub upload_memory: Arc<Semaphore>,
    /// Woken when a transaction that queued mail has committed, so that the mail goes out at
    /// once rather than at the sender's next poll.
    pub mail_waiting: Arc<Notify>,
    /// Where the mail sender sends mail (an SMTP server, or the outbox directory).
    pub mailer: Mailer,
    /// Moderators' passwords checked at once. Each argon2id check holds ~19 MiB and a core for
    /// tens of milliseconds, so a flood of sign-ins waits here rather than exhausting both.
    pub password_checks: Arc<Semaphore>,
}

impl AppState {
    pub fn new(
        db: PgPool,
        config: Config,
        secret: Secret,
        evidence: EvidenceService,
        mailer: Mailer,
    ) -> Self {
        let pool = config.db_connections;
        let share = |divisor: u32| usize::try_from(pool / divisor).unwrap_or(1).max(1);
        let upload_memory = config.upload_memory_bytes.min(Semaphore::MAX_PERMITS);
        AppState {
            public_reads: db.clone(),
            db,
            holder_exports: PerKeyLimit::new(config.exports_per_holder),
            config: Arc::new(config),
            secret: Arc::new(secret),
            evidence,
            exports: Arc::new(Semaphore::new(share(2))),
            searches: Arc::new(Semaphore::new(share(4))),
            upload_memory: Arc::new(Semaphore::new(upload_memory)),
            mail_waiting: Arc::new(Notify::new()),
            mailer,
            password_checks: Arc::new(Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            )),
        }
    }

    /// Sends public reads to `replica` rather than the primary.
    pub fn with_replica(self, replica: PgPool) -> Self {
        AppState {
            public_reads: replica,
            ..self
        }
    }

    /// Cookies get the `Secure` flag when the public URL is https.
    pub fn secure_cookies(&self) -> bool {
        self.config.public_base().starts_with("https://")
    }
}
