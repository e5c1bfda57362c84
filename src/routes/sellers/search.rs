//! `GET /sellers?q=` and the API's `sellers?q=` and `lookup?url=`: a store or listing URL
//! leads straight to its seller; a name finds sellers by similarity.

use std::net::IpAddr;

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::view::{SellerSummary, seller_path};
use crate::db;
use crate::domain::Marketplace;
use crate::domain::lookup::{Query as SearchQuery, parse_query};
use crate::domain::rate_limit::Bucket;
use crate::domain::validation::FieldErrors;
use crate::error::{ApiError, AppError, Problem};
use crate::routes::api::ApiQuery;
use crate::routes::cache;
use crate::routes::paging::{self, PageQuery, Pager};
use crate::routes::{ClientAddr, rate_limit};
use crate::state::AppState;

/// Where a URL query led.
enum Found {
    Seller {
        marketplace: Marketplace,
        seller_key: String,
    },
    /// A valid link, but nobody has reported its seller or listing yet.
    Unknown {
        what: &'static str,
        listing_url: Option<String>,
    },
}

async fn resolve_url(state: &AppState, query: &SearchQuery) -> Result<Found, AppError> {
    let mut conn = state.public_reads.acquire().await?;
    match query {
        SearchQuery::Store(store) => {
            // A merged store's link leads to the seller it was merged into.
            if let Some((marketplace, seller_key)) =
                db::search::find_seller(&mut conn, store.marketplace, &store.seller_key).await?
            {
                return Ok(Found::Seller {
                    marketplace,
                    seller_key,
                });
            }
            Ok(Found::Unknown {
                what: "seller",
                listing_url: None,
            })
        }
        SearchQuery::Listing(listing) => {
            if let Some((marketplace, seller_key)) =
                db::search::seller_of_listing(&mut conn, &listing.canonical_url).await?
            {
                return Ok(Found::Seller {
                    marketplace,
                    seller_key,
                });
            }
            Ok(Found::Unknown {
                what: "listing",
                listing_url: Some(listing.canonical_url.clone()),
            })
        }
        SearchQuery::Empty | SearchQuery::Name(_) => Ok(Found::Unknown {
            what: "seller",
            listing_url: None,
        }),
    }
}

#[derive(Template)]
#[template(path = "sellers/search.html")]
pub struct SearchPage {
    pub q: String,
    pub error: Option<String>,
    pub results: Vec<SellerSummary>,
    /// Brands whose name the query resembles, on the first page only.
    pub brands: Vec<BrandHit>,
    pub searched: bool,
    pub unknown: Option<&'static str>,
    pub report_link: String,
    pub pager: Pager,
}

/// A brand a name search found: a link to its page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BrandHit {
    pub slug: String,
    pub name: String,
    /// Live reports about the brand.
    pub reports: i64,
    /// The brand's page, `/brands/{slug}`.
    pub path: String,
}

impl From<db::search::BrandHit> for BrandHit {
    fn from(hit: db::search::BrandHit) -> Self {
        BrandHit {
            path: format!("/brands/{}", super::view::path_segment(&hit.slug)),
            slug: hit.slug,
            name: hit.name,
            reports: hit.reports,
        }
    }
}

/// Brands offered above the sellers of a name search.
const BRAND_HITS: i64 = 3;

/// How long a search waits for one of the search slots before it is answered 503.
const SEARCH_QUEUE: std::time::Duration = std::time::Duration::from_secs(2);

/// What a name search found: a page of sellers, whether there is a next, and on the first page
/// the brands the name resembles ("nike" offers the Nike brand page).
struct NameHits {
    sellers: Vec<SellerSummary>,
    has_next: bool,
    brands: Vec<BrandHit>,
}

async fn by_name(state: &AppState, folded: &str, page: i64) -> Result<NameHits, AppError> {
    let (limit, offset) = paging::limit_offset(page);
    // Ranking by similarity is the most expensive read a visitor can ask for: a flood of
    // searches gets a quarter of the pool (`AppState::searches`), and pages keep theirs.
    let _slot = tokio::time::timeout(SEARCH_QUEUE, state.searches.acquire())
        .await
        .map_err(|_| AppError::SearchesBusy)?;
    let mut conn = state.public_reads.acquire().await?;
    let hits = db::search::by_name(&mut conn, folded, limit, offset).await?;
    let (hits, has_next) = paging::split_extra(hits);
    let brands = if page == 1 {
        db::search::brands_by_name(&mut conn, folded, BRAND_HITS).await?
    } else {
        Vec::new()
    };
    Ok(NameHits {
        sellers: hits.into_iter().map(SellerSummary::from).collect(),
        has_next,
        brands: brands.into_iter().map(BrandHit::from).collect(),
    })
}

/// Counts a search that will ask the database (a name, a store or a listing link) against
/// the client's limit. Empty and unreadable queries ask nothing and do not count.
async fn spend_search(
    state: &AppState,
    ip: Option<IpAddr>,
    query: &SearchQuery,
) -> Result<(), AppError> {
    match query {
        SearchQuery::Empty => Ok(()),
        SearchQuery::Name(_) | SearchQuery::Store(_) | SearchQuery::Listing(_) => {
            rate_limit::spend(state, ip, Bucket::Searches).await
        }
    }
}

/// `GET /sellers?q=…`
#[tracing::instrument(skip_all)]
pub async fn search(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    Query(params): Query<PageQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let q = params.q.unwrap_or_default();
    let page = paging::page_number(params.page.as_deref())?;
    let base = format!("/sellers?q={}", super::view::path_segment(q.trim()));
    let mut view = SearchPage {
        q: q.clone(),
        error: None,
        results: Vec::new(),
        brands: Vec::new(),
        searched: false,
        unknown: None,
        report_link: "/reports/new".into(),
        pager: Pager::new(&base, page, false),
    };
    let parsed = parse_query(&q);
    if let Ok(query) = &parsed {
        match spend_search(&state, ip, query).await {
            Ok(()) => {}
            // The search page again, with the query kept and the message under it.
            Err(refusal @ AppError::RateLimited(_)) => {
                view.error = Some(refusal.to_string());
                let html = view.render().map_err(AppError::internal)?;
                let mut response = (
                    refusal.status(),
                    [(axum::http::header::CONTENT_TYPE, cache::HTML)],
                    html,
                )
                    .into_response();
                refusal.decorate(&mut response);
                return Ok(response);
            }
            Err(other) => return Err(other),
        }
    }
    match parsed {
        Err(e) => view.error = Some(e.to_string()),
        Ok(SearchQuery::Empty) => {}
        Ok(SearchQuery::Name(folded)) => {
            let hits = by_name(&state, &folded, page).await?;
            view.results = hits.sellers;
            view.brands = hits.brands;
            view.searched = true;
            view.pager = Pager::new(&base, page, hits.has_next);
        }
        Ok(query) => match resolve_url(&state, &query).await? {
            Found::Seller {
                marketplace,
                seller_key,
            } => {
                return Ok(
                    Redirect::to(&seller_path(marketplace.as_str(), &seller_key)).into_response(),
                );
            }
            Found::Unknown { what, listing_url } => {
                view.searched = true;
                view.unknown = Some(what);
                if let Some(url) = listing_url {
                    view.report_link = format!(
                        "/reports/new?listing_url={}",
                        super::view::path_segment(&url)
                    );
                }
            }
        },
    }
    let status = if view.error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let html = view.render().map_err(AppError::internal)?;
    if status.is_success() {
        Ok(cache::public(&headers, cache::HTML, html))
    } else {
        Ok((
            status,
            [(axum::http::header::CONTENT_TYPE, cache::HTML)],
            html,
        )
            .into_response())
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = SellerSearch)]
pub struct SearchJson {
    pub query: String,
    pub page: i64,
    pub results: Vec<SellerSummary>,
    /// Brands whose name resembles the query (first page of a name search only).
    pub brands: Vec<BrandHit>,
    pub next_page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/sellers", tag = "sellers",
    params(("q" = String, Query, min_length = 2, description = "Seller name (at least 2 characters), store URL or listing URL"),
           ("page" = Option<i64>, Query, minimum = 1, maximum = 500, description = "Page of results, from 1")),
    responses((status = 200, body = SearchJson),
              (status = 400, description = "A parameter given twice", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "`q` is missing, shorter than 2 characters, or a link that cannot be read; or `page` is not a number from 1 to 500", body = Problem, content_type = "application/problem+json"),
              (status = 429, description = "This client (IPv4 address or IPv6 /64) has made as many searches and lookups this past minute as it may", body = Problem, content_type = "application/problem+json",
                  headers(("Retry-After" = u64, description = "Seconds until it may search again")))))]
/// `GET /api/v1/sellers?q=…`: by name, or the seller a store/listing URL leads to.
#[tracing::instrument(skip_all)]
pub async fn search_api(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    ApiQuery(params): ApiQuery<PageQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let q = params.q.unwrap_or_default();
    let page = paging::api_page_number(params.page.as_deref())?;
    if q.trim().is_empty() {
        return Err(AppError::from(FieldErrors::single(
            "q",
            "Give a seller name (at least 2 characters), a store URL or a listing URL.",
        ))
        .into());
    }
    // Too short, or a link we cannot read: both are field errors on q.
    let parsed = parse_query(&q).map_err(|e| FieldErrors::single("q", e.to_string()))?;
    spend_search(&state, ip, &parsed).await?;
    let hits = match &parsed {
        // A name with no letters or digits in it, such as "!!", finds nobody.
        SearchQuery::Empty => NameHits {
            sellers: Vec::new(),
            has_next: false,
            brands: Vec::new(),
        },
        SearchQuery::Name(folded) => by_name(&state, folded, page).await?,
        query => match resolve_url(&state, query).await? {
            Found::Seller {
                marketplace,
                seller_key,
            } => {
                let (seller, _) = super::load(&state, marketplace, &seller_key, 1).await?;
                NameHits {
                    sellers: vec![seller.summary()],
                    has_next: false,
                    brands: Vec::new(),
                }
            }
            Found::Unknown { .. } => NameHits {
                sellers: Vec::new(),
                has_next: false,
                brands: Vec::new(),
            },
        },
    };
    let body = SearchJson {
        query: q,
        page,
        results: hits.sellers,
        brands: hits.brands,
        next_page: hits.has_next.then_some(page + 1),
    };
    let bytes = serde_json::to_vec(&body).map_err(AppError::internal)?;
    Ok(cache::public(&headers, cache::JSON, bytes))
}

#[derive(Debug, Deserialize)]
pub struct LookupQuery {
    url: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Lookup)]
pub struct LookupJson {
    pub seller: super::view::SellerView,
    pub listing: Option<LookupListing>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LookupListing {
    pub marketplace: &'static str,
    pub listing_id: String,
    pub canonical_url: String,
}

#[utoipa::path(get, path = "/api/v1/lookup", tag = "sellers",
    params(("url" = String, Query, min_length = 1, description = "A listing or store URL")),
    responses((status = 200, body = LookupJson),
              (status = 400, description = "A parameter given twice", body = Problem, content_type = "application/problem+json"),
              (status = 404, description = "Nobody has reported this seller or listing", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "`url` is missing, or not a listing or store URL", body = Problem, content_type = "application/problem+json"),
              (status = 429, description = "This client (IPv4 address or IPv6 /64) has made as many searches and lookups this past minute as it may", body = Problem, content_type = "application/problem+json",
                  headers(("Retry-After" = u64, description = "Seconds until it may look up again")))))]
/// `GET /api/v1/lookup?url=…`: the seller (and listing) a URL resolves to, or 404.
#[tracing::instrument(skip_all)]
pub async fn lookup_api(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    ApiQuery(params): ApiQuery<LookupQuery>,
) -> Result<Json<LookupJson>, ApiError> {
    let raw = params.url.unwrap_or_default();
    let not_a_link = || FieldErrors::single("url", "Give the address of a listing or a store");
    let parsed = parse_query(&raw).map_err(|e| FieldErrors::single("url", e.to_string()))?;
    let listing = match &parsed {
        SearchQuery::Listing(l) => Some(LookupListing {
            marketplace: l.marketplace.as_str(),
            listing_id: l.listing_id.clone(),
            canonical_url: l.canonical_url.clone(),
        }),
        SearchQuery::Store(_) => crate::domain::listing_url::parse_listing_url(&raw)
            .ok()
            .map(|l| LookupListing {
                marketplace: l.marketplace.as_str(),
                listing_id: l.listing_id,
                canonical_url: l.canonical_url,
            }),
        SearchQuery::Empty | SearchQuery::Name(_) => return Err(not_a_link().into()),
    };
    spend_search(&state, ip, &parsed).await?;
    match resolve_url(&state, &parsed).await? {
        Found::Seller {
            marketplace,
            seller_key,
        } => {
            let (seller, _) = super::load(&state, marketplace, &seller_key, 1).await?;
            Ok(Json(LookupJson { seller, listing }))
        }
        Found::Unknown { .. } => Err(AppError::SellerNotFound.into()),
    }
}
