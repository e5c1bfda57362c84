//! What every handler can reach.

use std::sync::Arc;

use sqlx::PgPool;

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
}

impl AppState {
    /// Cookies get the `Secure` flag when the public URL is https.
    pub fn secure_cookies(&self) -> bool {
        self.config.public_base().starts_with("https://")
    }
}
