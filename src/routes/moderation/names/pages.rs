//! The moderator's page of one seller or brand: its record, with the forms that rename it and
//! merge it into another. The actions render it again (`422`) with their field's error.

use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::super::ModeratorSession;
use crate::db;
use crate::db::curation::{BrandRecord, SellerRecord};
use crate::domain::merge::SellerRef;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::routes::sellers::view::{path_segment, seller_path};
use crate::state::AppState;

/// A link to another seller's or brand's moderation page.
pub struct Link {
    pub label: String,
    pub path: String,
}

/// The moderation page's path of a seller.
pub fn seller_page_path(seller: &SellerRef) -> String {
    format!(
        "/moderation{}",
        seller_path(seller.marketplace.as_str(), &seller.seller_key)
    )
}

/// The moderation page's path of a brand.
pub fn brand_page_path(slug: &str) -> String {
    format!("/moderation/brands/{}", path_segment(slug))
}

/// What the forms were filled with when an action comes back with errors.
#[derive(Debug, Default)]
pub struct Filled {
    pub display_name: Option<String>,
    pub into: String,
    pub errors: FieldErrors,
}

impl Filled {
    /// A form that comes back with one error on `field`.
    pub fn error(field: &'static str, message: impl Into<String>) -> Self {
        Filled {
            errors: FieldErrors::single(field, message),
            ..Filled::default()
        }
    }
}

/// The rename and merge forms of a seller's or a brand's moderation page.
pub struct Forms {
    /// The page's path: the forms' actions start with it, and actions come back to it.
    pub path: String,
    /// The public page of the seller or brand.
    pub public_path: String,
    /// The forms' values.
    pub display_name: String,
    pub into: String,
    pub errors: FieldErrors,
    pub max_name_chars: usize,
}

impl Forms {
    /// The forms at `path` as `filled` left them; the name field shows `current_name` until a
    /// moderator typed another.
    fn new(
        path: String,
        public_path: String,
        max_name_chars: usize,
        filled: Filled,
        current_name: &str,
    ) -> Self {
        Forms {
            path,
            public_path,
            display_name: filled
                .display_name
                .unwrap_or_else(|| current_name.to_owned()),
            into: filled.into,
            errors: filled.errors,
            max_name_chars,
        }
    }
}

/// A seller, as its moderation page shows it.
pub struct SellerItem {
    /// `marketplace/seller_key`.
    pub reference: String,
    pub marketplace_name: &'static str,
    pub display_name: String,
    pub name_based: bool,
    /// The day a moderator chose the name, if one did.
    pub name_set_on: Option<String>,
    pub store_url: Option<String>,
    pub first_seen: String,
    pub merged_into: Option<Link>,
    pub all_reports: i64,
    pub live_reports: i64,
    pub verified_reports: i64,
    pub distinct_reporters: i64,
    pub listings: i64,
    pub spellings: Vec<(String, i64)>,
    pub merged: Vec<Link>,
}

impl From<SellerRecord> for SellerItem {
    fn from(r: SellerRecord) -> Self {
        SellerItem {
            reference: r.reference.to_string(),
            marketplace_name: r.reference.marketplace.display_name(),
            name_set_on: r.display_name_set_at.map(|at| at.date().to_string()),
            first_seen: r.created_at.date().to_string(),
            merged_into: r.merged_into.map(|kept| Link {
                label: kept.to_string(),
                path: seller_page_path(&kept),
            }),
            spellings: r
                .spellings
                .into_iter()
                .map(|s| (s.name, s.live_reports))
                .collect(),
            merged: r
                .merged
                .into_iter()
                .map(|m| Link {
                    label: format!("{} ({}/{})", m.display_name, m.marketplace, m.seller_key),
                    path: format!(
                        "/moderation{}",
                        seller_path(m.marketplace.as_str(), &m.seller_key)
                    ),
                })
                .collect(),
            display_name: r.display_name,
            name_based: r.name_based,
            store_url: r.store_url,
            all_reports: r.all_reports,
            live_reports: r.live_reports,
            verified_reports: r.verified_reports,
            distinct_reporters: r.distinct_reporters,
            listings: r.listings,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "moderation/seller.html")]
pub struct SellerPage {
    pub moderator: ModeratorSession,
    pub seller: SellerItem,
    pub forms: Forms,
}

/// The seller's moderation page, with the forms filled as `filled` says.
pub async fn seller_page(
    state: &AppState,
    moderator: ModeratorSession,
    seller: &SellerRef,
    filled: Filled,
) -> Result<SellerPage, AppError> {
    let mut conn = state.db.acquire().await?;
    let record = db::curation::seller(&mut conn, seller)
        .await?
        .ok_or(AppError::SellerNotFound)?;
    let forms = Forms::new(
        seller_page_path(seller),
        seller_path(seller.marketplace.as_str(), &seller.seller_key),
        crate::domain::seller::MAX_SELLER_NAME_CHARS,
        filled,
        &record.display_name,
    );
    Ok(SellerPage {
        moderator,
        forms,
        seller: SellerItem::from(record),
    })
}

/// A brand, as its moderation page shows it.
pub struct BrandItem {
    pub slug: String,
    pub display_name: String,
    pub first_seen: String,
    pub merged_into: Option<Link>,
    pub all_reports: i64,
    pub live_reports: i64,
    pub sellers: i64,
    pub listings: i64,
    pub aliases: Vec<String>,
    pub holders: Vec<String>,
    pub merged: Vec<Link>,
}

impl From<BrandRecord> for BrandItem {
    fn from(r: BrandRecord) -> Self {
        BrandItem {
            first_seen: r.created_at.date().to_string(),
            merged_into: r.merged_into.map(|slug| Link {
                path: brand_page_path(&slug),
                label: slug,
            }),
            merged: r
                .merged
                .0
                .into_iter()
                .map(|m| Link {
                    label: format!("{} ({})", m.display_name, m.slug),
                    path: brand_page_path(&m.slug),
                })
                .collect(),
            slug: r.slug,
            display_name: r.display_name,
            all_reports: r.all_reports,
            live_reports: r.live_reports,
            sellers: r.sellers,
            listings: r.listings,
            aliases: r.aliases,
            holders: r.holders,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "moderation/brand.html")]
pub struct BrandPage {
    pub moderator: ModeratorSession,
    pub brand: BrandItem,
    pub forms: Forms,
}

/// The brand's moderation page, with the forms filled as `filled` says.
pub async fn brand_page(
    state: &AppState,
    moderator: ModeratorSession,
    slug: &str,
    filled: Filled,
) -> Result<BrandPage, AppError> {
    let mut conn = state.db.acquire().await?;
    let record = db::curation::brand(&mut conn, slug)
        .await?
        .ok_or(AppError::BrandNotFound)?;
    let forms = Forms::new(
        brand_page_path(slug),
        format!("/brands/{}", path_segment(slug)),
        crate::domain::report::MAX_BRAND_CHARS,
        filled,
        &record.display_name,
    );
    Ok(BrandPage {
        moderator,
        forms,
        brand: BrandItem::from(record),
    })
}

/// A page sent back because a form had an error: nothing was changed.
pub fn unprocessable(page: impl IntoResponse) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}
