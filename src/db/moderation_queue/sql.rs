//! The queue's statements, built from fragments that each measure one thing about a waiting
//! report `r` (a flag's signal, a list of its neighbours), so that the flag filter and the page
//! share every fragment and every threshold. Constants of ours are written into the SQL; what
//! a moderator typed is always a bound parameter.

use sqlx::{Postgres, QueryBuilder};

use super::{FLAG_SCAN, PER_PAGE, QueueFilter};
use crate::domain::moderation::flags::{
    BURST_MIN_REPORTS, BURST_WINDOW_HOURS, COUNT_CAP, Flag, NETWORK_MIN_REPORTS,
    NETWORK_WINDOW_MINUTES, SIMILARITY_CANDIDATES, SIMILARITY_THRESHOLD, SIMILARITY_WINDOW_DAYS,
};

/// Other reports listed by name beside a report (the reporter's, the listing's, the seller's).
const OTHERS_LISTED: i64 = 5;
/// Other reports of the listing whose seller names are compared.
const NAMES_COMPARED: i64 = 50;

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

pub(super) fn page_query(filter: &QueueFilter) -> QueryBuilder<Postgres> {
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
pub(super) fn scan_end_query(filter: &QueueFilter) -> QueryBuilder<Postgres> {
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
        "select r.public_id, r.created_at, r.updated_at, l.marketplace, l.canonical_url as listing_url,
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
