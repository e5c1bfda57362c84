//! Atom feeds of newly published reports, for a seller (with the seller's published reply)
//! and for a brand.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::view::{ReplyJson, ReportItem, seller_path};
use crate::error::AppError;
use crate::routes::cache;
use crate::state::AppState;

/// An Atom 1.0 feed; askama escapes every value for XML.
#[derive(Template)]
#[template(path = "feeds/atom.xml")]
pub struct AtomFeed {
    pub id: String,
    pub title: String,
    pub self_url: String,
    pub page_url: String,
    pub updated: String,
    pub base: String,
    pub entries: Vec<ReportItem>,
    /// The seller's published reply (seller feeds only), an entry of its own.
    pub replies: Vec<ReplyJson>,
}

impl AtomFeed {
    /// The feed of the page at `path` (absolute links from `base`), newest entry first.
    pub fn for_page(base: String, path: &str, title: String, entries: Vec<ReportItem>) -> Self {
        AtomFeed {
            id: format!("{base}{path}"),
            title,
            self_url: format!("{base}{path}/feed.atom"),
            page_url: format!("{base}{path}"),
            updated: updated_of(&entries),
            base,
            entries,
            replies: Vec::new(),
        }
    }

    /// Adds the seller's published reply as an entry; the feed is updated when it was approved,
    /// if that is later than the newest report.
    pub fn with_replies(mut self, replies: Vec<ReplyJson>) -> Self {
        if let Some(latest) = replies.iter().map(|r| &r.approved_at).max()
            && *latest > self.updated
        {
            self.updated = latest.clone();
        }
        self.replies = replies;
        self
    }

    pub fn render_response(self, headers: &HeaderMap) -> Result<Response, AppError> {
        let xml = self.render().map_err(AppError::internal)?;
        Ok(cache::public(headers, cache::ATOM, xml))
    }
}

/// The time of the newest entry, or the epoch for an empty feed (Atom requires one).
fn updated_of(entries: &[ReportItem]) -> String {
    entries.first().map_or_else(
        || "1970-01-01T00:00:00Z".to_owned(),
        |e| e.created_at.clone(),
    )
}

/// `GET /sellers/{marketplace}/{seller_key}/feed.atom`; a merged seller's feed answers `301`
/// to the kept seller's.
#[tracing::instrument(skip_all)]
pub async fn feed(
    State(state): State<AppState>,
    Path((marketplace, seller_key)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let marketplace = super::marketplace_of(&marketplace)?;
    let seller = match super::find(&state, marketplace, &seller_key, 1).await? {
        super::Found::Page(seller, _) => seller,
        super::Found::Merged(path) => {
            return Ok(cache::moved_permanently(&format!("{path}/feed.atom")));
        }
    };
    let base = state.config.public_base();
    let path = seller_path(seller.marketplace, &seller.seller_key);
    let title = format!("Fakewatch: reports about {}", seller.name);
    AtomFeed::for_page(base, &path, title, seller.recent_reports)
        .with_replies(seller.replies)
        .render_response(&headers)
}
