//! The seller's public facts, built once from the database row and rendered as a page, JSON
//! or a feed.

use serde::Serialize;
use time::OffsetDateTime;

use crate::db;
use crate::db::replies::PublicReply;
use crate::db::seller_page::{
    BrandCount, ListingCount, MonthCount, OutcomeEntry, ReportSummary, SellerPage,
};
use crate::domain::order_month::OrderMonth;
use crate::domain::outcome::Outcome;
use crate::domain::reason::Reason;
use crate::domain::reputation::{self, Reputation};
use crate::domain::timeline::{self, Month, Timeline};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = Reputation)]
pub struct ReputationJson {
    pub label: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    pub explanation: Vec<String>,
    /// 0–1: what buyers' reports say, after the prior (see docs/reputation.md).
    pub report_confidence: f64,
    /// 0–1: what brand owners and marketplaces did.
    pub outcome_score: f64,
}

impl From<&Reputation> for ReputationJson {
    fn from(r: &Reputation) -> Self {
        ReputationJson {
            label: r.label.as_str(),
            title: r.label.title(),
            summary: r.label.summary(),
            explanation: r.explanation.clone(),
            report_confidence: (r.report_confidence * 1000.0).round() / 1000.0,
            outcome_score: (r.outcome_score * 1000.0).round() / 1000.0,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Counts {
    pub reports: i64,
    pub verified: i64,
    /// Distinct reporters among the live reports, confirmed or not.
    pub distinct_reporters: i64,
    /// Of those, the ones who count in the reputation: they confirmed their email address,
    /// or a moderator verified their report.
    pub confirmed_reporters: i64,
    pub last_30_days: i64,
    pub last_365_days: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = BrandCount)]
pub struct BrandJson {
    pub slug: String,
    pub name: String,
    pub reports: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ListingCount)]
pub struct ListingJson {
    pub listing_id: String,
    pub canonical_url: String,
    pub reports: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = MonthCount)]
pub struct MonthJson {
    pub month: String,
    pub reports: i64,
}

/// A report in a seller's list: public fields, with labels for people.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportItem {
    pub id: String,
    pub status: &'static str,
    pub created_at: String,
    pub brand: BrandRef,
    pub product_title: Option<String>,
    #[schema(value_type = Vec<String>)]
    pub reasons: Vec<Reason>,
    #[serde(skip)]
    pub reason_labels: Vec<&'static str>,
    /// The month of the order, `YYYY-MM`; never its day.
    #[schema(
        value_type = Option<String>,
        pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$",
        example = "2026-03"
    )]
    pub order_month: Option<OrderMonth>,
    /// The first 280 characters of the description.
    pub excerpt: String,
    pub listing_id: String,
    pub canonical_url: String,
    /// The brand owner declared this listing genuine, disputing the report.
    pub disputed: bool,
    /// Whether the report counts in the reputation: its reporter confirmed their email
    /// address, or a moderator verified it. Reports that don't are shown, marked "email not
    /// confirmed".
    pub counted: bool,
}

/// What a brand owner recorded about one of the seller's listings.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OutcomeJson {
    pub listing_id: String,
    pub canonical_url: String,
    pub brand: BrandRef,
    /// `removed`, `confirmed_counterfeit`, `genuine` or `rejected_by_marketplace`.
    #[schema(value_type = String)]
    pub outcome: Outcome,
    /// The outcome in words, naming who decided.
    pub label: &'static str,
    pub decided_at: String,
}

impl OutcomeJson {
    /// `YYYY-MM-DD` of the decision.
    pub fn date(&self) -> &str {
        self.decided_at.get(..10).unwrap_or(&self.decided_at)
    }
}

/// The seller's published reply to the reports: the statement, and when a moderator approved
/// it, who had checked that its author controls the store. Nothing about the author.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = SellerReply)]
pub struct ReplyJson {
    pub id: String,
    pub statement: String,
    /// RFC 3339.
    pub approved_at: String,
}

impl ReplyJson {
    /// `YYYY-MM-DD` of the approval.
    pub fn date(&self) -> &str {
        self.approved_at.get(..10).unwrap_or(&self.approved_at)
    }

    /// The statement's paragraphs, for a page: its non-blank lines.
    pub fn paragraphs(&self) -> Vec<&str> {
        self.statement
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect()
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BrandRef {
    pub slug: String,
    pub name: String,
}

/// `GET /api/v1/sellers/{marketplace}/{seller_key}`, and what the page shows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = Seller)]
pub struct SellerView {
    pub marketplace: &'static str,
    #[serde(skip)]
    pub marketplace_name: &'static str,
    pub seller_key: String,
    pub name: String,
    /// Identified only by the name buyers typed, not by a store id.
    pub name_based: bool,
    pub store_url: Option<String>,
    pub aliases: Vec<String>,
    pub url: String,
    pub reputation: ReputationJson,
    pub counts: Counts,
    pub first_seen: String,
    pub last_reported: Option<String>,
    pub brands: Vec<BrandJson>,
    pub listings: Vec<ListingJson>,
    pub timeline: Vec<MonthJson>,
    pub recent_reports: Vec<ReportItem>,
    /// Brand owners' latest outcomes on this seller's listings (at most 50).
    pub outcomes: Vec<OutcomeJson>,
    /// The seller's own reply to the reports, once a moderator approved it: none, or the
    /// current one (a newer approved reply replaces it).
    pub replies: Vec<ReplyJson>,
    #[serde(skip)]
    pub chart: Timeline,
}

/// A seller as lists show it and as the API returns it in them (search results, a brand's
/// sellers): its name, marketplace and page, and its live reports and the people who filed
/// them, counted over what the list is about.
// The document keeps the name search results gave it first; a brand's seller extends it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = SellerHit)]
pub struct SellerSummary {
    pub marketplace: &'static str,
    #[serde(skip)]
    pub marketplace_name: &'static str,
    pub seller_key: String,
    pub name: String,
    pub name_based: bool,
    pub reports: i64,
    pub distinct_reporters: i64,
    pub path: String,
}

impl From<db::sellers::SellerSummary> for SellerSummary {
    fn from(s: db::sellers::SellerSummary) -> Self {
        SellerSummary {
            marketplace_name: s.marketplace.display_name(),
            path: seller_path(s.marketplace.as_str(), &s.seller_key),
            marketplace: s.marketplace.as_str(),
            seller_key: s.seller_key,
            name: s.name,
            name_based: s.name_based,
            reports: s.reports,
            distinct_reporters: s.distinct_reporters,
        }
    }
}

const EXCERPT_CHARS: usize = 280;

/// The seller page's path for a seller.
pub fn seller_path(marketplace: &str, seller_key: &str) -> String {
    format!("/sellers/{marketplace}/{}", path_segment(seller_key))
}

/// Keys may hold spaces (typed names) or slashes (unknown sites): encode them as one segment.
pub fn path_segment(text: &str) -> String {
    const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(text, SEGMENT).to_string()
}

impl SellerView {
    pub fn new(page: SellerPage, public_base: &str) -> Self {
        let reputation = reputation::assess(&page.signals());
        let now = OffsetDateTime::now_utc();
        let current = Month {
            year: now.year(),
            month: u8::from(now.month()),
        };
        let counts: Vec<(String, i64)> = page
            .timeline
            .iter()
            .map(|m| (m.month.clone(), m.reports))
            .collect();
        SellerView {
            marketplace_name: page.marketplace.display_name(),
            url: format!(
                "{public_base}{}",
                seller_path(page.marketplace.as_str(), &page.seller_key)
            ),
            reputation: ReputationJson::from(&reputation),
            counts: Counts {
                reports: page.reports,
                verified: page.verified_reports,
                distinct_reporters: page.distinct_reporters,
                confirmed_reporters: page.confirmed_reporters,
                last_30_days: page.last_30_days,
                last_365_days: page.last_365_days,
            },
            first_seen: page.first_seen.date().to_string(),
            last_reported: page.last_reported_at.map(|t| t.date().to_string()),
            brands: page.brands.0.into_iter().map(brand_json).collect(),
            listings: page.listings.0.into_iter().map(listing_json).collect(),
            timeline: page.timeline.0.into_iter().map(month_json).collect(),
            recent_reports: page.recent.0.into_iter().map(report_item).collect(),
            outcomes: page.outcomes.0.into_iter().map(outcome_json).collect(),
            replies: page.replies.0.into_iter().map(reply_json).collect(),
            chart: timeline::layout(&counts, current),
            aliases: page.aliases.0,
            marketplace: page.marketplace.as_str(),
            seller_key: page.seller_key,
            name: page.display_name,
            name_based: page.name_based,
            store_url: page.store_url,
        }
    }
}

impl SellerView {
    /// The seller as a list shows it (a search by its store's link finds it).
    pub fn summary(&self) -> SellerSummary {
        SellerSummary {
            marketplace: self.marketplace,
            marketplace_name: self.marketplace_name,
            seller_key: self.seller_key.clone(),
            name: self.name.clone(),
            name_based: self.name_based,
            reports: self.counts.reports,
            distinct_reporters: self.counts.distinct_reporters,
            path: seller_path(self.marketplace, &self.seller_key),
        }
    }
}

fn brand_json(b: BrandCount) -> BrandJson {
    BrandJson {
        slug: b.slug,
        name: b.name,
        reports: b.reports,
    }
}

fn listing_json(l: ListingCount) -> ListingJson {
    ListingJson {
        listing_id: l.listing_id,
        canonical_url: l.canonical_url,
        reports: l.reports,
    }
}

fn outcome_json(o: OutcomeEntry) -> OutcomeJson {
    OutcomeJson {
        listing_id: o.listing_id,
        canonical_url: o.canonical_url,
        brand: BrandRef {
            slug: o.brand_slug,
            name: o.brand_name,
        },
        outcome: o.outcome,
        label: o.outcome.public_label(),
        decided_at: o.decided_at,
    }
}

fn reply_json(r: PublicReply) -> ReplyJson {
    ReplyJson {
        id: r.id,
        statement: r.statement,
        approved_at: r.approved_at,
    }
}

fn month_json(m: MonthCount) -> MonthJson {
    MonthJson {
        month: m.month,
        reports: m.reports,
    }
}

pub fn report_item(r: ReportSummary) -> ReportItem {
    let excerpt = if r.description.chars().count() > EXCERPT_CHARS {
        let cut: String = r.description.chars().take(EXCERPT_CHARS).collect();
        format!("{}…", cut.trim_end())
    } else {
        r.description
    };
    ReportItem {
        reason_labels: r.reasons.iter().copied().map(Reason::label).collect(),
        id: r.id,
        status: r.status.as_str(),
        created_at: r.created_at,
        brand: BrandRef {
            slug: r.brand_slug,
            name: r.brand_name,
        },
        product_title: r.product_title,
        reasons: r.reasons,
        order_month: r.order_month,
        excerpt,
        listing_id: r.listing_id,
        canonical_url: r.canonical_url,
        counted: r.counts,
        disputed: r.disputed,
    }
}

impl ReportItem {
    /// `YYYY-MM-DD` of the report.
    pub fn date(&self) -> &str {
        self.created_at.get(..10).unwrap_or(&self.created_at)
    }
}
