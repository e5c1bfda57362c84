//! Public brand pages: which sellers are reported for faking a brand, and where.

use askama::Template;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;

use crate::db;
use crate::db::brand_page::BrandSeller;
use crate::error::{ApiError, AppError, Problem};
use crate::routes::api::{ApiPath, ApiQuery};
use crate::routes::cache;
use crate::routes::paging::{self, PageQuery, Pager};
use crate::routes::sellers::view::{ReportItem, SellerSummary, path_segment, report_item};
use crate::routes::sellers::{AtomFeed, with_query};
use crate::state::AppState;

/// One of a brand's sellers: its counts are of that brand's live reports.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = BrandSeller)]
pub struct SellerRow {
    #[serde(flatten)]
    pub seller: SellerSummary,
    pub last_reported: String,
}

impl From<BrandSeller> for SellerRow {
    fn from(row: BrandSeller) -> Self {
        SellerRow {
            seller: SellerSummary::from(row.seller),
            last_reported: row.last_reported,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = MarketplaceCount)]
pub struct MarketplaceRow {
    pub marketplace: &'static str,
    #[serde(skip)]
    pub marketplace_name: &'static str,
    pub reports: i64,
}

/// `GET /api/v1/brands/{slug}`, and what the page shows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = Brand)]
pub struct BrandView {
    pub slug: String,
    pub name: String,
    pub url: String,
    pub reports: i64,
    pub distinct_reporters: i64,
    pub sellers_count: i64,
    pub marketplaces: Vec<MarketplaceRow>,
    pub sellers: Vec<SellerRow>,
    #[serde(skip)]
    pub recent: Vec<ReportItem>,
}

async fn load(
    state: &AppState,
    slug: &str,
    page: i64,
    recent: i64,
) -> Result<(BrandView, bool), AppError> {
    let (limit, offset) = paging::limit_offset(page);
    let mut conn = state.public_reads.acquire().await?;
    let row = db::brand_page::load(&mut conn, slug, limit, offset, recent)
        .await?
        .ok_or(AppError::BrandNotFound)?;
    let (sellers, has_next) = paging::split_extra(row.sellers.0);
    let view = BrandView {
        url: format!(
            "{}/brands/{}",
            state.config.public_base(),
            path_segment(&row.slug)
        ),
        marketplaces: row
            .marketplaces
            .0
            .into_iter()
            .map(|m| MarketplaceRow {
                marketplace_name: m.marketplace.display_name(),
                marketplace: m.marketplace.as_str(),
                reports: m.reports,
            })
            .collect(),
        sellers: sellers.into_iter().map(SellerRow::from).collect(),
        recent: row.recent.0.into_iter().map(report_item).collect(),
        slug: row.slug,
        name: row.display_name,
        reports: row.reports,
        distinct_reporters: row.distinct_reporters,
        sellers_count: row.sellers_count,
    };
    Ok((view, has_next))
}

#[derive(Template)]
#[template(path = "brands/show.html")]
pub struct BrandPageView {
    pub brand: BrandView,
    pub pager: Pager,
}

/// Where the address of a brand reached by another spelling leads: the brand's own page.
/// A merged brand's slug is such a spelling (a `brand_alias` of the kept brand), and so are
/// the aliases moderators add; each brand has one address.
fn canonical(
    brand: &BrandView,
    slug: &str,
    prefix: &str,
    suffix: &str,
    query: Option<&str>,
) -> Option<Response> {
    (brand.slug != slug).then(|| {
        let path = format!("{prefix}/brands/{}{suffix}", path_segment(&brand.slug));
        cache::moved_permanently(&with_query(path, query))
    })
}

/// `GET /brands/{slug}`; another spelling's (a merged brand's) page answers `301`.
#[tracing::instrument(skip_all)]
pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<PageQuery>,
    RawQuery(raw_query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let page = paging::page_number(query.page.as_deref())?;
    let (brand, has_next) = load(&state, &slug, page, 5).await?;
    if let Some(moved) = canonical(&brand, &slug, "", "", raw_query.as_deref()) {
        return Ok(moved);
    }
    let pager = Pager::new(
        &format!("/brands/{}", path_segment(&brand.slug)),
        page,
        has_next,
    );
    let html = BrandPageView { brand, pager }
        .render()
        .map_err(AppError::internal)?;
    Ok(cache::public(&headers, cache::HTML, html))
}

#[utoipa::path(get, path = "/api/v1/brands/{slug}", tag = "brands",
    params(("slug" = String, Path, description = "The brand's slug, as in its page's address"),
           ("page" = Option<i64>, Query, minimum = 1, maximum = 500, description = "Page of sellers, from 1")),
    responses((status = 200, body = BrandView),
              (status = 301, description = "The slug is another spelling of a brand, such as a brand a moderator merged into another: `Location` is the brand's own address, with the same query",
                  headers(("Location" = String, description = "/api/v1/brands/{slug} of the brand"))),
              (status = 400, description = "A parameter given twice, or a path that is not UTF-8", body = Problem, content_type = "application/problem+json"),
              (status = 404, description = "Nobody has reported this brand", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "`page` is not a number from 1 to 500", body = Problem, content_type = "application/problem+json")))]
/// `GET /api/v1/brands/{slug}`; another spelling's (a merged brand's) answers `301`.
#[tracing::instrument(skip_all)]
pub async fn show_api(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
    RawQuery(raw_query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let page = paging::api_page_number(query.page.as_deref())?;
    let (brand, _) = load(&state, &slug, page, 0).await?;
    if let Some(moved) = canonical(&brand, &slug, "/api/v1", "", raw_query.as_deref()) {
        return Ok(moved);
    }
    let body = serde_json::to_vec(&brand).map_err(AppError::internal)?;
    Ok(cache::public(&headers, cache::JSON, body))
}

/// `GET /brands/{slug}/feed.atom`; another spelling's (a merged brand's) answers `301`.
#[tracing::instrument(skip_all)]
pub async fn feed(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (brand, _) = load(&state, &slug, 1, 50).await?;
    if let Some(moved) = canonical(&brand, &slug, "", "/feed.atom", None) {
        return Ok(moved);
    }
    let base = state.config.public_base();
    let path = format!("/brands/{}", path_segment(&brand.slug));
    let title = format!("Fakewatch: reports of fake {}", brand.name);
    AtomFeed::for_page(base, &path, title, brand.recent).render_response(&headers)
}
