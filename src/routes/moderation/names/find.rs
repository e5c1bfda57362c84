//! `GET /moderation/find?q=`: the seller or brand a moderator wants to act on. A seller's
//! `marketplace/seller_key`, a store or listing link, or a Fakewatch page address leads
//! straight to its moderation page; a name lists the sellers and brands it resembles.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::PgConnection;

use super::super::ModeratorSession;
use super::pages::{Link, brand_page_path, seller_page_path};
use crate::db;
use crate::domain::lookup::{Query as SearchQuery, parse_query};
use crate::domain::merge::{parse_brand_ref, parse_seller_ref};
use crate::error::AppError;
use crate::routes::sellers::view::seller_path;
use crate::state::AppState;

/// Results of each kind a name lists.
const RESULTS: i64 = 20;

/// A seller or brand found, with its live reports.
pub struct Hit {
    pub link: Link,
    pub detail: String,
    pub live_reports: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "moderation/find.html")]
pub struct FindPage {
    pub moderator: ModeratorSession,
    pub q: String,
    pub error: Option<String>,
    pub searched: bool,
    pub sellers: Vec<Hit>,
    pub brands: Vec<Hit>,
}

#[derive(Debug, Deserialize)]
pub struct FindQuery {
    q: Option<String>,
}

/// `GET /moderation/find?q=…`
#[tracing::instrument(skip_all)]
pub async fn find(
    State(state): State<AppState>,
    moderator: ModeratorSession,
    Query(query): Query<FindQuery>,
) -> Result<Response, AppError> {
    let q = query.q.unwrap_or_default();
    let mut page = FindPage {
        moderator,
        q: q.clone(),
        error: None,
        searched: false,
        sellers: Vec::new(),
        brands: Vec::new(),
    };
    let text = q.trim();
    if text.is_empty() {
        return Ok(page.into_response());
    }
    let mut conn = state.db.acquire().await?;
    if text.contains("/brands/")
        && let Ok(slug) = parse_brand_ref(text)
        && db::curation::brand(&mut conn, &slug).await?.is_some()
    {
        return Ok(Redirect::to(&brand_page_path(&slug)).into_response());
    }
    if let Ok(seller) = parse_seller_ref(text)
        && db::curation::seller_exists(&mut conn, &seller).await?
    {
        return Ok(Redirect::to(&seller_page_path(&seller)).into_response());
    }
    page.searched = true;
    match parse_query(text) {
        Err(e) => page.error = Some(e.to_string()),
        Ok(SearchQuery::Empty) => {}
        Ok(SearchQuery::Store(_)) => {
            page.error = Some("Nobody has reported a seller with this store link.".into());
        }
        Ok(SearchQuery::Listing(listing)) => {
            match db::search::seller_of_listing(&mut conn, &listing.canonical_url).await? {
                Some((marketplace, seller_key)) => {
                    let path = format!(
                        "/moderation{}",
                        seller_path(marketplace.as_str(), &seller_key)
                    );
                    return Ok(Redirect::to(&path).into_response());
                }
                None => page.error = Some("Nobody has reported this listing.".into()),
            }
        }
        Ok(SearchQuery::Name(folded)) => {
            (page.sellers, page.brands) = name_hits(&mut conn, &folded).await?;
        }
    }
    let status = if page.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, page).into_response())
}

/// The sellers and the brands whose names resemble `folded`, best first.
async fn name_hits(
    conn: &mut PgConnection,
    folded: &str,
) -> Result<(Vec<Hit>, Vec<Hit>), AppError> {
    let sellers = db::search::by_name(conn, folded, RESULTS, 0)
        .await?
        .into_iter()
        .map(|hit| Hit {
            detail: format!("{}/{}", hit.marketplace, hit.seller_key),
            link: Link {
                path: format!(
                    "/moderation{}",
                    seller_path(hit.marketplace.as_str(), &hit.seller_key)
                ),
                label: hit.name,
            },
            live_reports: hit.reports,
        })
        .collect();
    let brands = db::curation::find_brands(conn, folded, RESULTS)
        .await?
        .into_iter()
        .map(|hit| Hit {
            link: Link {
                path: brand_page_path(&hit.slug),
                label: hit.display_name,
            },
            detail: hit.slug,
            live_reports: hit.live_reports,
        })
        .collect();
    Ok((sellers, brands))
}
