//! (Being built: see `moderation/mod.rs` for what lives here.)

use axum::Router;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
