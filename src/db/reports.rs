//! Reports: filing, the public view, and the reporter's own access through the manage token.

use rust_decimal::Decimal;
use sqlx::PgConnection;
use time::{Date, OffsetDateTime};

use crate::db::constraint::{OnConstraint, WriteError};
use crate::domain::Marketplace;
use crate::domain::moderation::RejectReason;
use crate::domain::order_month::OrderMonth;
use crate::domain::outcome::Outcome;
use crate::domain::reason::Reason;
use crate::domain::report::NewReport;
use crate::domain::report::edit::ReportContent;
use crate::domain::status::ReportStatus;

/// Everything needed to write a report besides the checked input.
#[derive(Debug)]
pub struct ReportWrite<'a> {
    pub public_id: &'a str,
    pub listing_id: i64,
    pub seller_id: i64,
    /// The reporter's spelling of the seller's name (a `seller_alias` of that seller).
    pub seller_name: Option<&'a str>,
    pub brand_id: i64,
    pub report: &'a NewReport,
    pub reporter_key: Option<&'a [u8]>,
    pub reporter_fingerprint: &'a [u8],
    /// Keyed hash of the client's network, for the moderation queue's network flag.
    pub reporter_network: Option<&'a [u8]>,
    pub manage_token_hash: &'a [u8],
}

/// A report just written.
#[derive(Debug)]
pub struct Inserted {
    pub report_id: i64,
    pub public_id: String,
}

/// Inserts a new report. Filing again on the same listing makes another report, whoever files
/// it: knowing someone's address must neither change their report nor reveal that it exists.
/// The newer report replaces the earlier one only when its reporter confirms the address
/// (`db::confirmations`).
#[tracing::instrument(
    skip_all,
    fields(listing_id = w.listing_id, seller_id = w.seller_id, brand_id = w.brand_id)
)]
pub async fn insert(conn: &mut PgConnection, w: &ReportWrite<'_>) -> Result<Inserted, WriteError> {
    let r = w.report;
    let inserted = sqlx::query_as!(
        Inserted,
        "insert into report (public_id, listing_id, seller_id, brand_id, product_title,
                             price_amount, price_currency, order_date, reasons, description,
                             reporter_email, reporter_key, reporter_fingerprint, manage_token_hash,
                             seller_name, reporter_network)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         returning report_id, public_id",
        w.public_id,
        w.listing_id,
        w.seller_id,
        w.brand_id,
        r.product_title.as_deref(),
        r.price.map(|p| p.amount()),
        r.price.map(|p| p.currency_code()),
        r.order_date,
        &r.reasons[..] as &[Reason],
        &r.description,
        r.email.as_ref().map(|e| e.as_str()),
        w.reporter_key,
        w.reporter_fingerprint,
        w.manage_token_hash,
        w.seller_name,
        w.reporter_network,
    )
    .fetch_one(conn)
    .await;
    content_limits(inserted)
}

/// The limits on a report's text that the database enforces too, as the field errors the
/// form shows: for the insert and for the reporter's edit, which write the same columns.
fn content_limits<T>(result: sqlx::Result<T>) -> Result<T, WriteError> {
    result
        .on_constraint(
            "report_product_title_length",
            "product_title",
            "The product title is too long",
        )
        .on_constraint(
            "report_description_length",
            "description",
            "The description is too long",
        )
}

/// A report as anyone may see it: no email, no fingerprints, no token hash.
#[derive(Debug, Clone)]
pub struct PublicReport {
    pub report_id: i64,
    pub public_id: String,
    pub status: ReportStatus,
    pub product_title: Option<String>,
    pub price_amount: Option<Decimal>,
    pub price_currency: Option<String>,
    /// The month of the order, never its day (see `domain::order_month`).
    pub order_month: Option<OrderMonth>,
    pub reasons: Vec<Reason>,
    /// Empty once erased.
    pub description: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// When the reporter's data was erased (by them, or by the retention purge); the report
    /// is then withdrawn and holds nothing they gave.
    pub erased_at: Option<OffsetDateTime>,
    pub marketplace: Marketplace,
    pub listing_external_id: String,
    pub canonical_url: String,
    pub seller_key: String,
    pub seller_name: String,
    pub seller_name_based: bool,
    pub store_url: Option<String>,
    pub brand_slug: String,
    pub brand_name: String,
    /// The brand owner's outcome for the listing, if any (`genuine` disputes the report).
    pub outcome: Option<Outcome>,
    /// Live (neither withdrawn nor rejected), and its reporter confirmed their address for it
    /// or a moderator verified it.
    pub counts: bool,
    /// Its reporter confirmed their address for it.
    pub confirmed: bool,
    /// Why a moderator rejected it, when rejected (not personal data: one of five reasons).
    pub rejection_reason: Option<RejectReason>,
}

#[tracing::instrument(skip_all, fields(public_id = public_id))]
pub async fn find_public(
    conn: &mut PgConnection,
    public_id: &str,
) -> sqlx::Result<Option<PublicReport>> {
    sqlx::query_as!(
        PublicReport,
        r#"select r.report_id, r.public_id, r.status as "status: ReportStatus",
                r.product_title, r.price_amount, r.price_currency,
                to_char(r.order_date, 'YYYY-MM') as "order_month: OrderMonth",
                r.reasons as "reasons: Vec<Reason>", r.description, r.created_at, r.updated_at,
                r.erased_at, l.marketplace as "marketplace: Marketplace",
                l.external_id as listing_external_id, l.canonical_url,
                s.seller_key, s.display_name as seller_name, s.name_based as seller_name_based,
                s.store_url,
                b.slug as brand_slug, b.display_name as brand_name,
                lb.outcome as "outcome?: Outcome",
                (r.status = 'verified'
                 or (r.status = 'unverified' and r.confirmed_at is not null)) as "counts!",
                r.confirmed_at is not null as "confirmed!",
                r.rejection_reason as "rejection_reason: RejectReason"
         from report r
         join listing l on l.listing_id = r.listing_id
         join seller s on s.seller_id = r.seller_id
         join brand b on b.brand_id = r.brand_id
         left join listing_brand lb
             on lb.listing_id = r.listing_id and lb.brand_id = r.brand_id
         where r.public_id = $1"#,
        public_id,
    )
    .fetch_optional(conn)
    .await
}

/// Whether a manage token opens a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Granted { report_id: i64 },
    WrongToken,
    NoSuchReport,
}

/// Checks a manage token by its hash. The hashes of 256-bit random tokens leak nothing
/// useful through comparison timing, so comparing them in SQL is safe.
#[tracing::instrument(skip_all, fields(public_id = public_id))]
pub async fn authorize(
    conn: &mut PgConnection,
    public_id: &str,
    token_hash: &[u8],
) -> sqlx::Result<Access> {
    let row = sqlx::query!(
        r#"select report_id, manage_token_hash = $2 as "matches!"
           from report where public_id = $1"#,
        public_id,
        token_hash,
    )
    .fetch_optional(conn)
    .await?;
    Ok(match row {
        Some(row) if row.matches => Access::Granted {
            report_id: row.report_id,
        },
        Some(_) => Access::WrongToken,
        None => Access::NoSuchReport,
    })
}

/// Marks the report withdrawn and returns its seller, whose name must be recounted in the
/// same transaction (`sellers::refresh_shown_name`); `None` when it was withdrawn already.
/// The seller row is locked first, in the order intake locks seller then report, so that the
/// recount never runs beside another of the seller's votes.
#[tracing::instrument(skip_all, fields(report_id = report_id))]
pub async fn withdraw(conn: &mut PgConnection, report_id: i64) -> sqlx::Result<Option<i64>> {
    loop {
        let seller_id = sqlx::query_scalar!(
            "with seller as (
                 select s.seller_id from report r join seller s on s.seller_id = r.seller_id
                 where r.report_id = $1
                 for update of s
             )
             update report set status = 'withdrawn'
             where report_id = $1 and status <> 'withdrawn'
               and seller_id = (select seller_id from seller)
             returning seller_id",
            report_id,
        )
        .fetch_optional(&mut *conn)
        .await?;
        if seller_id.is_some() {
            return Ok(seller_id);
        }
        // Nothing withdrawn: either it was withdrawn already, or a moderator's merge moved it
        // to another seller while this waited for the old one's lock (the statement then finds
        // its seller changed, and skips it). Then lock the new seller and try again; each
        // round needs another merge to have committed meanwhile.
        let live = sqlx::query_scalar!(
            r#"select exists (select 1 from report where report_id = $1 and status <> 'withdrawn')
                   as "live!""#,
            report_id,
        )
        .fetch_one(&mut *conn)
        .await?;
        if !live {
            return Ok(None);
        }
    }
}

/// What only the reporter sees, through the manage link: their address and the exact day
/// of the order (public pages show its month).
#[derive(Debug, Clone)]
pub struct PrivateFacts {
    pub reporter_email: Option<String>,
    pub order_date: Option<Date>,
}

#[tracing::instrument(skip_all, fields(report_id = report_id))]
pub async fn private_facts(conn: &mut PgConnection, report_id: i64) -> sqlx::Result<PrivateFacts> {
    sqlx::query_as!(
        PrivateFacts,
        "select reporter_email, order_date from report where report_id = $1",
        report_id,
    )
    .fetch_one(conn)
    .await
}

/// Replaces a live report's content with its reporter's edit, and returns whether it was live.
/// An edited report is unverified again (a moderator checked the old text); a withdrawn or
/// rejected one is left as it is.
#[tracing::instrument(skip_all, fields(report_id = report_id))]
pub async fn update_content(
    conn: &mut PgConnection,
    report_id: i64,
    content: &ReportContent,
) -> Result<bool, WriteError> {
    let updated = sqlx::query!(
        "update report set product_title = $2, price_amount = $3, price_currency = $4,
                           order_date = $5, reasons = $6, description = $7,
                           status = 'unverified'
         where report_id = $1 and status in ('unverified', 'verified')",
        report_id,
        content.product_title.as_deref(),
        content.price.map(|p| p.amount()),
        content.price.map(|p| p.currency_code()),
        content.order_date,
        &content.reasons[..] as &[Reason],
        &content.description,
    )
    .execute(conn)
    .await;
    Ok(content_limits(updated)?.rows_affected() == 1)
}
