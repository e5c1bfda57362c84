//! `GET /moderation`: the queue of reports waiting for a moderator.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::routing::get;

use super::ModeratorSession;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/moderation", get(show))
}

#[derive(Template, WebTemplate)]
#[template(path = "moderation/queue.html")]
pub struct QueuePage {
    pub moderator: ModeratorSession,
}

async fn show(moderator: ModeratorSession) -> QueuePage {
    QueuePage { moderator }
}
