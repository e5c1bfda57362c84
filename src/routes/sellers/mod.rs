//! Public lookup of sellers: the seller page, search by name or URL, the API and the feed;
//! and the seller's reply form.

mod feed;
pub mod reply;
pub mod search;
pub mod view;

use askama::Template;
use axum::extract::{Path, Query, State};
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

/// Loads a seller's view, or says there is no such seller.
async fn load(
    state: &AppState,
    marketplace: &str,
    seller_key: &str,
    page: i64,
) -> Result<(SellerView, bool), AppError> {
    let marketplace: Marketplace = marketplace.parse().map_err(|_| AppError::SellerNotFound)?;
    let (limit, offset) = paging::limit_offset(page);
    let mut conn = state.db.acquire().await?;
    let row = db::seller_page::load(&mut conn, marketplace, seller_key, limit, offset)
        .await?
        .ok_or(AppError::SellerNotFound)?;
    let mut view = SellerView::new(row, &state.config.public_base());
    let (recent, has_next) = paging::split_extra(std::mem::take(&mut view.recent_reports));
    view.recent_reports = recent;
    Ok((view, has_next))
}

/// `GET /sellers/{marketplace}/{seller_key}`
#[tracing::instrument(skip_all)]
pub async fn show(
    State(state): State<AppState>,
    Path((marketplace, seller_key)): Path<(String, String)>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let page = paging::page_number(query.page.as_deref())?;
    let (seller, has_next) = load(&state, &marketplace, &seller_key, page).await?;
    let path = seller_path(&seller.marketplace, &seller.seller_key);
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
              (status = 400, description = "A parameter given twice, or a path that is not UTF-8", body = Problem, content_type = "application/problem+json"),
              (status = 404, description = "Nobody has reported this seller", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "`page` is not a number from 1 to 500", body = Problem, content_type = "application/problem+json")))]
/// `GET /api/v1/sellers/{marketplace}/{seller_key}`
#[tracing::instrument(skip_all)]
pub async fn show_api(
    State(state): State<AppState>,
    ApiPath((marketplace, seller_key)): ApiPath<(String, String)>,
    ApiQuery(query): ApiQuery<PageQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let page = paging::api_page_number(query.page.as_deref())?;
    let (seller, _) = load(&state, &marketplace, &seller_key, page).await?;
    let body = serde_json::to_vec(&seller).map_err(AppError::internal)?;
    Ok(cache::public(&headers, cache::JSON, body))
}
