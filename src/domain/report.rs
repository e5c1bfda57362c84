//! A buyer's report: raw input as typed, and the checked form the rest of the code trusts.

use serde::{Deserialize, Serialize};
use time::Date;

use super::fold::{clean_display, slugify};
use super::listing_url::{Listing, parse_listing_url, parse_store_url};
use super::money::Money;
use super::reason::Reason;
pub use super::seller::{MAX_SELLER_NAME_CHARS, SellerIdentity};
use super::seller::{SellerConflict, resolve};
use super::validation::FieldErrors;

pub mod edit;

pub const MAX_BRAND_CHARS: usize = 100;
pub const MAX_PRODUCT_TITLE_CHARS: usize = 300;
pub const MIN_DESCRIPTION_CHARS: usize = 10;
pub const MAX_DESCRIPTION_CHARS: usize = 5000;
pub const MAX_EMAIL_CHARS: usize = 254;

/// A report exactly as submitted. The field names are the form's and the JSON API's.
/// Everything is optional here so that a missing field becomes a message next to that field,
/// not a parse failure of the whole body; the document still marks the fields a report needs.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = NewReport)]
#[serde(default, deny_unknown_fields)]
pub struct ReportInput {
    /// The listing's page on the marketplace.
    #[schema(required = true, min_length = 1)]
    pub listing_url: String,
    /// The seller's store page. The seller must be identified by this, `seller_name`, or a
    /// listing URL that names its seller.
    pub seller_url: Option<String>,
    /// The seller's name as the listing shows it.
    #[schema(max_length = 200)]
    pub seller_name: Option<String>,
    /// The brand being faked, e.g. Nike.
    #[schema(required = true, min_length = 1, max_length = 100)]
    pub brand: String,
    #[schema(max_length = 300)]
    pub product_title: Option<String>,
    pub price: Option<PriceInput>,
    /// When you ordered, `YYYY-MM-DD`; not in the future.
    pub order_date: Option<String>,
    /// Why you think it is fake: at least one.
    #[schema(required = true, min_items = 1, value_type = Vec<Reason>)]
    pub reasons: Vec<String>,
    /// What makes you think so, in your words.
    #[schema(required = true, min_length = 10, max_length = 5000)]
    pub description: String,
    /// Private: we mail a link to confirm it. Only reports whose address is confirmed (or that
    /// a moderator verified) count in a seller's reputation.
    #[schema(max_length = 254)]
    pub email: Option<String>,
}

/// `{"amount": "19.99", "currency": "USD"}`: the amount is a string so no float touches it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = PriceInput)]
#[serde(deny_unknown_fields)]
pub struct PriceInput {
    pub amount: String,
    pub currency: String,
}

/// A brand as typed, and the slug that makes "LOUIS VUITTON" and "Louis Vuitton" one brand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrandName {
    pub slug: String,
    pub display_name: String,
}

/// An email address checked for shape (no delivery check), kept private.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

/// Why a text is not an [`Email`]; each form words it for its own field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailProblem {
    TooLong,
    Malformed,
}

impl Email {
    /// Checks the shape of a trimmed address (one `@`, a dotted domain, no spaces) and
    /// lowercases its domain.
    pub fn parse(raw: &str) -> Result<Email, EmailProblem> {
        if raw.len() > MAX_EMAIL_CHARS {
            return Err(EmailProblem::TooLong);
        }
        let (local, domain) = raw.rsplit_once('@').ok_or(EmailProblem::Malformed)?;
        let shape_ok = !local.is_empty()
            && !local.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !raw.chars().any(|c| c.is_whitespace() || c.is_control());
        if !shape_ok {
            return Err(EmailProblem::Malformed);
        }
        Ok(Email(format!("{local}@{}", domain.to_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form used to recognise the same reporter: case-insensitive.
    pub fn folded(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A report that passed every check; built only by [`ReportInput::validate`].
#[derive(Debug, Clone)]
pub struct NewReport {
    pub listing: Listing,
    pub seller: SellerIdentity,
    pub brand: BrandName,
    pub product_title: Option<String>,
    pub price: Option<Money>,
    pub order_date: Option<Date>,
    pub reasons: Vec<Reason>,
    pub description: String,
    pub email: Option<Email>,
}

impl ReportInput {
    /// Checks every field and returns all problems at once. `today` bounds the order date.
    pub fn validate(&self, today: Date) -> Result<NewReport, FieldErrors> {
        let mut errors = FieldErrors::new();

        let listing = match parse_listing_url(&self.listing_url) {
            Ok(listing) => Some(listing),
            Err(e) => {
                errors.add("listing_url", e.to_string());
                None
            }
        };
        let store = match non_blank(&self.seller_url).map(parse_store_url) {
            Some(Ok(store)) => Some(store),
            Some(Err(e)) => {
                errors.add("seller_url", e.to_string());
                None
            }
            None => None,
        };
        let seller_name = non_blank(&self.seller_name).map(clean_display);
        if let Some(name) = &seller_name {
            if name.is_empty() {
                errors.add("seller_name", "The seller name has no visible characters");
            } else if name.chars().count() > MAX_SELLER_NAME_CHARS {
                errors.add(
                    "seller_name",
                    format!("Keep the seller name under {MAX_SELLER_NAME_CHARS} characters"),
                );
            }
        }
        let seller = listing.as_ref().and_then(|listing| {
            match resolve(
                listing,
                store,
                seller_name.clone().filter(|n| !n.is_empty()),
            ) {
                Ok(seller) => Some(seller),
                Err(SellerConflict { field, message }) => {
                    errors.add(field, message);
                    None
                }
            }
        });
        if listing.is_none() && non_blank(&self.seller_url).is_none() && seller_name.is_none() {
            errors.add("seller_name", "Give the store's link or the seller's name");
        }

        let brand = parse_brand(&self.brand)
            .map_err(|m| errors.add("brand", m))
            .ok();
        let product_title = optional_text(&self.product_title);
        if product_title
            .as_ref()
            .is_some_and(|t| t.chars().count() > MAX_PRODUCT_TITLE_CHARS)
        {
            errors.add(
                "product_title",
                format!("Keep the product title under {MAX_PRODUCT_TITLE_CHARS} characters"),
            );
        }
        let price = self
            .parse_price()
            .map_err(|(f, m)| errors.add(f, m))
            .ok()
            .flatten();
        let order_date = parse_order_date(self.order_date.as_deref(), today)
            .map_err(|m| errors.add("order_date", m))
            .ok()
            .flatten();
        let reasons = parse_reasons(&self.reasons)
            .map_err(|m| errors.add("reasons", m))
            .ok();
        let description = parse_description(&self.description)
            .map_err(|m| errors.add("description", m))
            .ok();
        let email = parse_email(self.email.as_deref())
            .map_err(|m| errors.add("email", m))
            .ok()
            .flatten();

        match (listing, seller, brand, reasons, description) {
            (Some(listing), Some(seller), Some(brand), Some(reasons), Some(description))
                if errors.is_empty() =>
            {
                Ok(NewReport {
                    listing,
                    seller,
                    brand,
                    product_title,
                    price,
                    order_date,
                    reasons,
                    description,
                    email,
                })
            }
            _ => Err(errors),
        }
    }

    fn parse_price(&self) -> Result<Option<Money>, (&'static str, String)> {
        let Some(price) = &self.price else {
            return Ok(None);
        };
        match (price.amount.trim(), price.currency.trim()) {
            ("", "") => Ok(None),
            ("", _) => Err((
                "price",
                "Enter the price you paid, or leave the currency empty".into(),
            )),
            (amount, currency) => Money::parse(amount, currency).map(Some).map_err(|e| {
                let field = match e {
                    super::money::MoneyError::UnknownCurrency => "currency",
                    _ => "price",
                };
                (field, e.to_string())
            }),
        }
    }
}

fn non_blank(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn optional_text(value: &Option<String>) -> Option<String> {
    non_blank(value)
        .map(clean_display)
        .filter(|v| !v.is_empty())
}

impl BrandName {
    /// A brand as a person typed it ("Acme Pro"), checked and given its slug.
    pub fn parse(raw: &str) -> Result<Self, String> {
        parse_brand(raw)
    }
}

fn parse_brand(raw: &str) -> Result<BrandName, String> {
    let display_name = clean_display(raw);
    if display_name.is_empty() {
        return Err("Name the brand being faked, e.g. Nike or Apple".into());
    }
    if display_name.chars().count() > MAX_BRAND_CHARS {
        return Err(format!("Keep the brand under {MAX_BRAND_CHARS} characters"));
    }
    let slug = slugify(&display_name);
    if slug.is_empty() {
        return Err("The brand needs at least one letter or digit".into());
    }
    // Unicode normalisation can lengthen text, so the slug gets its own bound.
    if slug.chars().count() > MAX_BRAND_CHARS {
        return Err(format!("Keep the brand under {MAX_BRAND_CHARS} characters"));
    }
    Ok(BrandName { slug, display_name })
}

fn parse_order_date(raw: Option<&str>, today: Date) -> Result<Option<Date>, String> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = Date::parse(raw, format)
        .map_err(|_| "Enter the order date as YYYY-MM-DD, e.g. 2026-03-31".to_owned())?;
    // A day of slack: the buyer's calendar may be ahead of ours.
    if date > today.next_day().unwrap_or(today) {
        return Err("The order date is in the future".into());
    }
    if date.year() < 1995 {
        return Err("The order date is too far in the past".into());
    }
    Ok(Some(date))
}

fn parse_reasons(raw: &[String]) -> Result<Vec<Reason>, String> {
    let mut reasons = Vec::with_capacity(raw.len());
    for value in raw.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
        let reason = value.parse::<Reason>().map_err(|_| {
            let known: Vec<_> = Reason::ALL.iter().map(|r| r.as_str()).collect();
            format!(
                "Unknown reason \"{value}\"; use one of: {}",
                known.join(", ")
            )
        })?;
        reasons.push(reason);
    }
    reasons.sort();
    reasons.dedup();
    if reasons.is_empty() {
        return Err("Tick at least one reason why you think it is fake".into());
    }
    Ok(reasons)
}

fn parse_description(raw: &str) -> Result<String, String> {
    // Keep line breaks: people write paragraphs. Only trim the ends.
    let text = raw.trim().replace("\r\n", "\n");
    let chars = text.chars().count();
    if chars < MIN_DESCRIPTION_CHARS {
        return Err(format!(
            "Describe what made you suspicious in at least {MIN_DESCRIPTION_CHARS} characters"
        ));
    }
    if chars > MAX_DESCRIPTION_CHARS {
        return Err(format!(
            "Keep the description under {MAX_DESCRIPTION_CHARS} characters (it has {chars})"
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err("The description contains control characters; paste it as plain text".into());
    }
    Ok(text)
}

fn parse_email(raw: Option<&str>) -> Result<Option<Email>, String> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    match Email::parse(raw) {
        Ok(email) => Ok(Some(email)),
        Err(EmailProblem::TooLong) => Err(format!(
            "Email addresses have at most {MAX_EMAIL_CHARS} characters"
        )),
        Err(EmailProblem::Malformed) => {
            Err("Enter an email address like name@example.com, or leave it empty".to_owned())
        }
    }
}

#[cfg(test)]
mod tests;
