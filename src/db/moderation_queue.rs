//! The moderation queue: unverified reports, oldest first, each with what a moderator needs
//! beside it (evidence, the reporter's other reports, the listing's and the seller's) and the
//! signals its flags are raised from (`domain::moderation::flags`).
//!
//! A page is one statement. Every subquery is bounded (a `limit`, or a time window on an
//! index), so that a report of the largest seller or brand costs about what any other does.
//! Filtering by a flag evaluates the flag report by report, oldest first, over at most
//! [`FLAG_SCAN`] waiting reports per page: the page then says how far it looked.

use serde::Deserialize;
use sqlx::types::Json;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use time::OffsetDateTime;

use crate::domain::Marketplace;
use crate::domain::moderation::flags::{
    BURST_MIN_REPORTS, BURST_WINDOW_HOURS, COUNT_CAP, Flag, NETWORK_MIN_REPORTS,
    NETWORK_WINDOW_MINUTES, SIMILARITY_CANDIDATES, SIMILARITY_THRESHOLD, SIMILARITY_WINDOW_DAYS,
    Signals,
};
use crate::domain::reason::Reason;
use crate::domain::status::ReportStatus;

/// Reports on one page of the queue.
pub const PER_PAGE: i64 = 20;
/// Waiting reports a flag-filtered page looks through at most, oldest first: the page then
/// costs at most 0.25 s on the 100,000-report demo database (`routes::moderation::queue`).
pub const FLAG_SCAN: i64 = 200;
/// Other reports listed by name beside a report (the reporter's, the listing's, the seller's).
const OTHERS_LISTED: i64 = 5;
/// Other reports of the listing whose seller names are compared.
const NAMES_COMPARED: i64 = 50;

/// Which waiting reports a page shows.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub flag: Option<Flag>,
    pub marketplace: Option<Marketplace>,
    /// A brand's slug, or one of its aliases.
    pub brand_slug: Option<String>,
    /// Only reports after this one (its public id), in queue order.
    pub after: Option<String>,
}

/// Another report shown beside a queued one (never its reporter's address or fingerprint).
#[derive(Debug, Clone)]
pub struct OtherReport {
    pub public_id: String,
    pub status: ReportStatus,
    pub created_at: OffsetDateTime,
    pub seller_name: String,
    pub brand_name: String,
}

/// Some of a report's neighbours, and how many there are (stops at `flags::COUNT_CAP`).
#[derive(Debug, Clone)]
pub struct Others {
    pub count: i64,
    pub listed: Vec<OtherReport>,
}

/// One evidence file of a queued report.
#[derive(Debug, Clone, Deserialize)]
pub struct QueuedEvidence {
    pub id: String,
    pub media_type: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub hidden: bool,
}

/// A waiting report as the queue shows it.
#[derive(Debug, Clone)]
pub struct QueueItem {
    pub public_id: String,
    pub created_at: OffsetDateTime,
    pub marketplace: Marketplace,
    pub listing_url: String,
    pub seller_key: String,
    pub seller_name: String,
    pub brand_slug: String,
    pub brand_name: String,
    pub product_title: Option<String>,
    pub reasons: Vec<Reason>,
    pub description: String,
    /// Its reporter confirmed their address for it.
    pub confirmed: bool,
    /// When a moderator last decided on it (it was verified once, then edited by its reporter).
    pub moderated_at: Option<OffsetDateTime>,
    pub evidence: Vec<QueuedEvidence>,
    pub same_reporter: Others,
    pub same_listing: Others,
    pub same_seller: Others,
    pub signals: Signals,
}

/// A page of the queue.
#[derive(Debug, Clone)]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    /// The public id to continue after, when there is more to look at.
    pub next_after: Option<String>,
    /// With a flag filter: how many waiting reports this page looked through.
    pub scanned: Option<i64>,
}

/// One page of the queue.
#[tracing::instrument(skip_all, fields(flag = filter.flag.map(Flag::as_str)))]
pub async fn page(conn: &mut PgConnection, filter: &QueueFilter) -> sqlx::Result<QueuePage> {
    let rows: Vec<Row> = page_query(filter)
        .build_query_as()
        .fetch_all(&mut *conn)
        .await?;
    let mut items = rows
        .into_iter()
        .map(QueueItem::try_from)
        .collect::<sqlx::Result<Vec<_>>>()?;
    let more_matched = items.len() as i64 > PER_PAGE;
    items.truncate(PER_PAGE as usize);
    let last_shown = items.last().map(|i| i.public_id.clone());
    let (next_after, scanned) = match filter.flag {
        None => (last_shown.filter(|_| more_matched), None),
        Some(_) if more_matched => (last_shown, None),
        // Fewer than a page matched among the reports looked through: continue after the
        // last of those, if the scan stopped before the end of the queue.
        Some(_) => {
            let (scanned, last_scanned): (i64, Option<String>) = scan_end_query(filter)
                .build_query_as()
                .fetch_one(conn)
                .await?;
            let next = last_scanned.filter(|_| scanned >= FLAG_SCAN);
            (next, Some(scanned))
        }
    };
    Ok(QueuePage {
        items,
        next_after,
        scanned,
    })
}

/// The SQL of a page with `filter`'s values as parameters: for EXPLAIN and the benchmark
/// example, which must time exactly what the page runs.
pub fn page_sql(filter: &QueueFilter) -> String {
    page_query(filter).into_sql().as_str().to_owned()
}

/// Waiting reports in queue order, narrowed by marketplace, brand and position.
fn push_candidates(q: &mut QueryBuilder<Postgres>, filter: &QueueFilter, limit: i64) {
    q.push(
        "select r.report_id, r.created_at from report r
         where r.status = 'unverified'",
    );
    if let Some(marketplace) = filter.marketplace {
        q.push(
            " and exists (select 1 from listing l where l.listing_id = r.listing_id
                          and l.marketplace = ",
        )
        .push_bind(marketplace.as_str())
        .push(")");
    }
    if let Some(slug) = &filter.brand_slug {
        // An alias leads to the brand it names; else the slug itself.
        q.push(" and r.brand_id = coalesce((select a.brand_id from brand_alias a where a.alias_slug = ")
            .push_bind(slug.clone())
            .push("), (select b.brand_id from brand b where b.slug = ")
            .push_bind(slug.clone())
            .push("))");
    }
    if let Some(after) = &filter.after {
        q.push(
            " and (r.created_at, r.report_id) >
                  (select a.created_at, a.report_id from report a where a.public_id = ",
        )
        .push_bind(after.clone())
        .push(")");
    }
    q.push(" order by r.created_at, r.report_id limit ")
        .push_bind(limit);
}

fn page_query(filter: &QueueFilter) -> QueryBuilder<Postgres> {
    let mut q = QueryBuilder::new("with candidates as (");
    let scan = if filter.flag.is_some() {
        FLAG_SCAN
    } else {
        PER_PAGE + 1
    };
    push_candidates(&mut q, filter, scan);
    q.push("), page as (select c.report_id from candidates c join report r using (report_id)");
    if let Some(flag) = filter.flag {
        q.push(" where ").push(flag_condition(flag));
    }
    q.push(" order by c.created_at, c.report_id limit ")
        .push_bind(PER_PAGE + 1)
        .push(") ");
    q.push(details_sql());
    q
}

/// How many waiting reports a flag-filtered page looked through, and the last of them.
fn scan_end_query(filter: &QueueFilter) -> QueryBuilder<Postgres> {
    let mut q = QueryBuilder::new("with candidates as (");
    push_candidates(&mut q, filter, FLAG_SCAN);
    q.push(
        ") select count(*), (select r.public_id from candidates c join report r using (report_id)
                             order by c.created_at desc, c.report_id desc limit 1)
         from candidates",
    );
    q
}

/// The SQL condition under which report `r` has `flag`: the same thresholds as
/// `flags::raise`, over the same measurements as the page shows.
fn flag_condition(flag: Flag) -> String {
    match flag {
        Flag::Burst => format!(
            "({}) and ({}) >= {BURST_MIN_REPORTS}",
            first_time_sql(),
            burst_sql()
        ),
        Flag::Network => format!("({}) >= {NETWORK_MIN_REPORTS}", network_reports_sql()),
        Flag::NearIdentical => format!("cardinality(({})) > 0", similar_sql()),
        Flag::Contradiction => format!(
            "(({}) is not null or ({}) is not null)",
            listing_now_under_sql(),
            contradicted_name_sql()
        ),
    }
}

/// Whether `r`'s reporter had filed nothing before it.
fn first_time_sql() -> String {
    "select r.reporter_fingerprint is not null and not exists (
         select 1 from report e
         where e.reporter_fingerprint = r.reporter_fingerprint
           and (e.created_at, e.report_id) < (r.created_at, r.report_id))"
        .into()
}

/// Reports against `r`'s seller within the burst window whose reporters had filed nothing
/// before them.
fn burst_sql() -> String {
    format!(
        "select count(*) from (
             select 1 from report o
             where o.seller_id = r.seller_id
               and o.created_at between r.created_at - interval '{BURST_WINDOW_HOURS} hours'
                                    and r.created_at + interval '{BURST_WINDOW_HOURS} hours'
               and o.reporter_fingerprint is not null
               and not exists (
                   select 1 from report e
                   where e.reporter_fingerprint = o.reporter_fingerprint
                     and (e.created_at, e.report_id) < (o.created_at, o.report_id))
             limit {COUNT_CAP}) t"
    )
}

/// Reports sent from `r`'s network within the network window.
fn network_window_sql(select: &str) -> String {
    format!(
        "select {select} from (
             select o.reporter_fingerprint from report o
             where o.reporter_network = r.reporter_network
               and o.created_at between r.created_at - interval '{NETWORK_WINDOW_MINUTES} minutes'
                                    and r.created_at + interval '{NETWORK_WINDOW_MINUTES} minutes'
             limit {COUNT_CAP}) t"
    )
}

fn network_reports_sql() -> String {
    network_window_sql("count(*)")
}

fn network_reporters_sql() -> String {
    network_window_sql("count(distinct t.reporter_fingerprint)")
}

/// Public ids of other reporters' reports on `r`'s seller or brand, within the similarity
/// window, whose description is near-identical to `r`'s; most similar first.
fn similar_sql() -> String {
    let candidates = |column: &str| {
        format!(
            "(select o.public_id, o.description from report o
              where o.{column} = r.{column} and o.report_id <> r.report_id
                and o.created_at between r.created_at - interval '{SIMILARITY_WINDOW_DAYS} days'
                                     and r.created_at + interval '{SIMILARITY_WINDOW_DAYS} days'
                and o.reporter_fingerprint is distinct from r.reporter_fingerprint
                and o.description <> ''
              order by o.created_at desc
              limit {SIMILARITY_CANDIDATES})"
        )
    };
    format!(
        "select coalesce(array_agg(s.public_id order by s.similarity desc, s.public_id), '{{}}')
         from (select c.public_id, similarity(c.description, r.description) as similarity
               from ({} union {}) c) s
         where s.similarity > {SIMILARITY_THRESHOLD}",
        candidates("seller_id"),
        candidates("brand_id")
    )
}

/// The name of the seller `r`'s listing is recorded under, when that is not `r`'s seller.
fn listing_now_under_sql() -> String {
    "select ls.display_name from listing l join seller ls on ls.seller_id = l.seller_id
     where l.listing_id = r.listing_id and l.seller_id <> r.seller_id"
        .into()
}

/// The seller names (as `a.name`, folded `a.folded_name`) other live reports of `r`'s listing
/// typed, where `condition` holds.
fn other_names_sql(select: &str, condition: &str) -> String {
    format!(
        "select {select} from (
             select o.seller_id, o.seller_name from report o
             where o.listing_id = r.listing_id and o.report_id <> r.report_id
               and o.status in ('unverified', 'verified') and o.seller_name is not null
             limit {NAMES_COMPARED}) o
         join seller_alias a on a.seller_id = o.seller_id and a.name = o.seller_name
         where {condition}"
    )
}

/// The folded form of the seller name `r`'s reporter typed.
const OWN_FOLDED_NAME: &str = "(select ra.folded_name from seller_alias ra
                                where ra.seller_id = r.seller_id and ra.name = r.seller_name)";

/// `r`'s typed seller name, when other live reports of its listing typed names and none of
/// them folds to the same name as `r`'s.
fn contradicted_name_sql() -> String {
    format!(
        "select r.seller_name where r.seller_name is not null and exists ({}) and not exists ({})",
        other_names_sql("1", "true"),
        other_names_sql("1", &format!("a.folded_name = {OWN_FOLDED_NAME}"))
    )
}

/// A few of the names other live reports of `r`'s listing typed that differ from `r`'s.
fn other_names_listed_sql() -> String {
    other_names_sql(
        "coalesce((array_agg(distinct a.name))[1:3], '{}')",
        &format!("a.folded_name is distinct from {OWN_FOLDED_NAME}"),
    )
}

/// `r`'s neighbours: the reports matching `condition` (on `o`), which `r` itself matches too.
/// How many besides `r` (`{name}_count`), and the latest few (`{name}_listed`). Counting `r`
/// and taking it off again lets the count come from the index alone.
fn others_sql(name: &str, condition: &str) -> String {
    let cap = COUNT_CAP + 1;
    format!(
        "greatest((select count(*) from (select 1 from report o where {condition} limit {cap}) t)
                  - 1, 0) as {name}_count,
         (select coalesce(json_agg(json_build_object(
                     'public_id', o.public_id, 'status', o.status, 'created_at', o.created_at,
                     'seller_name', os.display_name, 'brand_name', ob.display_name)
                     order by o.created_at desc, o.report_id desc), '[]')
          from (select o.* from report o where {condition} and o.report_id <> r.report_id
                order by o.created_at desc, o.report_id desc limit {OTHERS_LISTED}) o
          join seller os on os.seller_id = o.seller_id
          join brand ob on ob.brand_id = o.brand_id) as {name}_listed"
    )
}

/// Everything the page shows of the reports in `page`, in queue order.
fn details_sql() -> String {
    format!(
        "select r.public_id, r.created_at, l.marketplace, l.canonical_url as listing_url,
                s.seller_key, s.display_name as seller_name, b.slug as brand_slug,
                b.display_name as brand_name, r.product_title, r.reasons, r.description,
                r.confirmed_at is not null as confirmed, r.moderated_at,
                (select coalesce(json_agg(json_build_object(
                            'id', e.public_id, 'media_type', e.media_type, 'width', e.width,
                            'height', e.height, 'hidden', e.hidden_at is not null)
                            order by e.created_at, e.evidence_id), '[]')
                 from evidence e where e.report_id = r.report_id) as evidence,
                {same_reporter},
                {same_listing},
                {same_seller},
                ({first_time}) as first_time,
                ({burst}) as burst_reports,
                ({network_reports}) as network_reports,
                ({network_reporters}) as network_reporters,
                ({similar}) as similar_reports,
                ({listing_now_under}) as listing_now_under,
                ({contradicted_name}) as contradicted_name,
                ({other_names}) as other_names
         from page p
         join report r on r.report_id = p.report_id
         join listing l on l.listing_id = r.listing_id
         join seller s on s.seller_id = r.seller_id
         join brand b on b.brand_id = r.brand_id
         order by r.created_at, r.report_id",
        same_reporter = others_sql(
            "same_reporter",
            "o.reporter_fingerprint = r.reporter_fingerprint"
        ),
        same_listing = others_sql("same_listing", "o.listing_id = r.listing_id"),
        same_seller = others_sql("same_seller", "o.seller_id = r.seller_id"),
        first_time = first_time_sql(),
        burst = burst_sql(),
        network_reports = network_reports_sql(),
        network_reporters = network_reporters_sql(),
        similar = similar_sql(),
        listing_now_under = listing_now_under_sql(),
        contradicted_name = contradicted_name_sql(),
        other_names = other_names_listed_sql(),
    )
}

/// A row of the page's statement (the three neighbour lists come as a count and JSON each).
#[derive(Debug, sqlx::FromRow)]
struct Row {
    public_id: String,
    created_at: OffsetDateTime,
    marketplace: Marketplace,
    listing_url: String,
    seller_key: String,
    seller_name: String,
    brand_slug: String,
    brand_name: String,
    product_title: Option<String>,
    reasons: Vec<String>,
    description: String,
    confirmed: bool,
    moderated_at: Option<OffsetDateTime>,
    evidence: Json<Vec<QueuedEvidence>>,
    same_reporter_count: i64,
    same_reporter_listed: Json<Vec<OtherJson>>,
    same_listing_count: i64,
    same_listing_listed: Json<Vec<OtherJson>>,
    same_seller_count: i64,
    same_seller_listed: Json<Vec<OtherJson>>,
    first_time: bool,
    burst_reports: i64,
    network_reports: i64,
    network_reporters: i64,
    similar_reports: Vec<String>,
    listing_now_under: Option<String>,
    contradicted_name: Option<String>,
    other_names: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct OtherJson {
    public_id: String,
    status: String,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    seller_name: String,
    brand_name: String,
}

fn others(count: i64, Json(listed): Json<Vec<OtherJson>>) -> sqlx::Result<Others> {
    let listed = listed
        .into_iter()
        .map(|o| {
            let status = o.status.parse().map_err(|_| {
                sqlx::Error::Decode(format!("{:?} is not a report status", o.status).into())
            })?;
            Ok(OtherReport {
                public_id: o.public_id,
                status,
                created_at: o.created_at,
                seller_name: o.seller_name,
                brand_name: o.brand_name,
            })
        })
        .collect::<sqlx::Result<Vec<_>>>()?;
    Ok(Others { count, listed })
}

impl TryFrom<Row> for QueueItem {
    type Error = sqlx::Error;

    fn try_from(row: Row) -> sqlx::Result<Self> {
        let contradicted_name = row.contradicted_name;
        Ok(QueueItem {
            public_id: row.public_id,
            created_at: row.created_at,
            marketplace: row.marketplace,
            listing_url: row.listing_url,
            seller_key: row.seller_key,
            seller_name: row.seller_name,
            brand_slug: row.brand_slug,
            brand_name: row.brand_name,
            product_title: row.product_title,
            reasons: row
                .reasons
                .iter()
                .map(|r| {
                    r.parse().map_err(|_| {
                        sqlx::Error::Decode(format!("{r:?} is not a report reason").into())
                    })
                })
                .collect::<sqlx::Result<Vec<_>>>()?,
            description: row.description,
            confirmed: row.confirmed,
            moderated_at: row.moderated_at,
            evidence: row.evidence.0,
            same_reporter: others(row.same_reporter_count, row.same_reporter_listed)?,
            same_listing: others(row.same_listing_count, row.same_listing_listed)?,
            same_seller: others(row.same_seller_count, row.same_seller_listed)?,
            signals: Signals {
                first_time_reporter: row.first_time,
                first_time_reports_on_seller: row.burst_reports,
                network_reports: row.network_reports,
                network_reporters: row.network_reporters,
                similar_reports: row.similar_reports,
                listing_now_under: row.listing_now_under,
                names_given_by_others: if contradicted_name.is_some() {
                    row.other_names
                } else {
                    Vec::new()
                },
                contradicted_name,
            },
        })
    }
}
