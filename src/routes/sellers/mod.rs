//! Public lookup of sellers: the seller page, search by name or URL, the API and the feed;
//! and the seller's reply form.

mod feed;
pub mod reply;
pub mod search;
pub mod view;

use askama::Template;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;

use crate::db;
use crate::domain::Marketplace;
use crate::error::{ApiError, AppError, Problem};
use crate::routes::api::{ApiPath, ApiQuery};
use crate::routes::cache;
use crate::routes::paging::{self, PageQuery, Pager};
use crate::state::AppState;
pub use feed::{AtomFeed, feed};
pub use search::{lookup_api, search, search_api};
use view::{SellerView, seller_path};

#[derive(Template)]
#[template(path = "sellers/show.html")]
pub struct SellerPageView {
    pub seller: SellerView,
    pub pager: Pager,
    pub path: String,
}

impl SellerPageView {
    fn percent(value: &f64) -> String {
        format!("{:.0}%", value * 100.0)
    }
}

/// A seller's view (and whether more recent reports follow), or the page path of the seller
/// it was merged into.
enum Found {
    Page(Box<SellerView>, bool),
    Merged(String),
}

/// The marketplace a seller's address names: one we don't know has no sellers.
fn marketplace_of(segment: &str) -> Result<Marketplace, AppError> {
    segment.parse().map_err(|_| AppError::SellerNotFound)
}

/// Loads a seller's view, or says where it was merged into, or that there is no such seller.
/// A seller that exists costs one statement; only a missing page asks about merges.
async fn find(
    state: &AppState,
    marketplace: Marketplace,
    seller_key: &str,
    page: i64,
) -> Result<Found, AppError> {
    let (limit, offset) = paging::limit_offset(page);
    let mut conn = state.public_reads.acquire().await?;
    let Some(row) =
        db::seller_page::load(&mut conn, marketplace, seller_key, limit, offset).await?
    else {
        return match db::merges::kept_seller(&mut conn, marketplace, seller_key).await? {
            Some(kept) => Ok(Found::Merged(seller_path(
                kept.marketplace.as_str(),
                &kept.seller_key,
            ))),
            None => Err(AppError::SellerNotFound),
        };
    };
    let mut view = SellerView::new(row, &state.config.public_base());
    let (recent, has_next) = paging::split_extra(std::mem::take(&mut view.recent_reports));
    view.recent_reports = recent;
    Ok(Found::Page(Box::new(view), has_next))
}

/// Loads a seller's view, or says there is no such seller (nor a merged one: callers found
/// the key by following merges already).
async fn load(
    state: &AppState,
    marketplace: Marketplace,
    seller_key: &str,
    page: i64,
) -> Result<(SellerView, bool), AppError> {
    match find(state, marketplace, seller_key, page).await? {
        Found::Page(view, has_next) => Ok((*view, has_next)),
        Found::Merged(_) => Err(AppError::SellerNotFound),
    }
}

/// The query string to carry over to where a merged seller's or brand's address leads.
pub(crate) fn with_query(path: String, query: Option<&str>) -> String {
    match query {
        Some(query) if !query.is_empty() => format!("{path}?{query}"),
        _ => path,
    }
}

/// `GET /sellers/{marketplace}/{seller_key}`; a merged seller's page answers `301` to the
/// kept seller's.
#[tracing::instrument(skip_all)]
pub async fn show(
    State(state): State<AppState>,
    Path((marketplace, seller_key)): Path<(String, String)>,
    Query(query): Query<PageQuery>,
    RawQuery(raw_query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let page = paging::page_number(query.page.as_deref())?;
    let marketplace = marketplace_of(&marketplace)?;
    let (seller, has_next) = match find(&state, marketplace, &seller_key, page).await? {
        Found::Page(seller, has_next) => (*seller, has_next),
        Found::Merged(path) => {
            return Ok(cache::moved_permanently(&with_query(
                path,
                raw_query.as_deref(),
            )));
        }
    };
    let path = seller_path(seller.marketplace, &seller.seller_key);
    let view = SellerPageView {
        pager: Pager::new(&path, page, has_next),
        path,
        seller,
    };
    let html = view.render().map_err(AppError::internal)?;
    Ok(cache::public(&headers, cache::HTML, html))
}

#[utoipa::path(get, path = "/api/v1/sellers/{marketplace}/{seller_key}", tag = "sellers",
    params(("marketplace" = String, Path, description = "aliexpress, amazon, ebay, …"),
           ("seller_key" = String, Path),
           ("page" = Option<i64>, Query, minimum = 1, maximum = 500, description = "Page of recent reports, from 1")),
    responses((status = 200, body = SellerView),
              (status = 301, description = "A moderator merged this seller into another: `Location` is the kept seller's address, with the same query",
                  headers(("Location" = String, description = "/api/v1/sellers/{marketplace}/{seller_key} of the kept seller"))),
              (status = 400, description = "A parameter given twice, or a path that is not UTF-8", body = Problem, content_type = "application/problem+json"),
              (status = 404, description = "Nobody has reported this seller", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "`page` is not a number from 1 to 500", body = Problem, content_type = "application/problem+json")))]
/// `GET /api/v1/sellers/{marketplace}/{seller_key}`; a merged seller's answers `301` to the
/// kept seller's.
#[tracing::instrument(skip_all)]
pub async fn show_api(
    State(state): State<AppState>,
    ApiPath((marketplace, seller_key)): ApiPath<(String, String)>,
    ApiQuery(query): ApiQuery<PageQuery>,
    RawQuery(raw_query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let page = paging::api_page_number(query.page.as_deref())?;
    let marketplace = marketplace_of(&marketplace)?;
    let seller = match find(&state, marketplace, &seller_key, page).await? {
        Found::Page(seller, _) => seller,
        Found::Merged(path) => {
            let location = with_query(format!("/api/v1{path}"), raw_query.as_deref());
            return Ok(cache::moved_permanently(&location));
        }
    };
    let body = serde_json::to_vec(&seller).map_err(AppError::internal)?;
    Ok(cache::public(&headers, cache::JSON, body))
}
