//! What every handler can reach.

use std::sync::Arc;

use sqlx::PgPool;
use tokio::sync::Semaphore;

use crate::config::Config;
use crate::evidence::EvidenceService;
use crate::security::Secret;

/// Shared by all handlers through `State<AppState>`; cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: PgPool,
    pub config: Arc<Config>,
    pub secret: Arc<Secret>,
    pub evidence: EvidenceService,
    /// Takedown exports running at once. Each holds a database connection for as long as its
    /// client reads, so they get at most half the pool and the public pages keep the rest.
    pub exports: Arc<Semaphore>,
}

impl AppState {
    pub fn new(db: PgPool, config: Config, secret: Secret, evidence: EvidenceService) -> Self {
        let exports = usize::try_from(config.db_connections / 2)
            .unwrap_or(1)
            .max(1);
        AppState {
            db,
            config: Arc::new(config),
            secret: Arc::new(secret),
            evidence,
            exports: Arc::new(Semaphore::new(exports)),
        }
    }

    /// Cookies get the `Secure` flag when the public URL is https.
    pub fn secure_cookies(&self) -> bool {
        self.config.public_base().starts_with("https://")
    }
}
