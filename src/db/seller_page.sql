-- The seller page's one statement (`db::seller_page`), also what benches/seller_page.sh
-- times in pgbench (printed by examples/seller_page_sql.rs). Parameters: marketplace, seller
-- key, limit and offset of the recent reports. Aggregates come from the summaries (migration
-- 0016), lists from their indexes: the cost does not grow with the seller's reports. The lists
-- name the seller as `(select seller_id from s)`, a value known before they run, so that each
-- walks its index in order and stops at its limit (a join would read every row, then sort).
with s as (
    select seller_id, marketplace, seller_key, display_name, name_based, store_url,
           created_at
    from seller
    -- A merged seller has no page: `merges::kept_seller` says where it went.
    where marketplace = $1 and seller_key = $2 and merged_into is null
), summary as (
    -- Kept current by every write (migration 0016): the page reads one row, not the reports.
    select coalesce(t.reports, 0) as reports,
           coalesce(t.distinct_reporters, 0) as distinct_reporters,
           coalesce(t.confirmed_reporters, 0) as confirmed_reporters,
           -- The decay, scaled to now (docs/reputation.md): never below zero from rounding.
           greatest(coalesce(t.reporter_growth, 0), 0) / reputation_growth(now())
               as weighted_reporters,
           coalesce(t.verified_reports, 0) as verified_reports,
           greatest(coalesce(t.verified_growth, 0), 0) / reputation_growth(now())
               as weighted_verified_reporters,
           coalesce(t.reporters_with_evidence, 0) as reporters_with_evidence,
           coalesce(t.confirmed_listings, 0) as confirmed_listings,
           coalesce(t.removed_listings, 0) as removed_listings,
           coalesce(t.genuine_listings, 0) as genuine_listings
    from s left join seller_summary t on t.seller_id = s.seller_id
), windows as (
    -- Whole UTC days from the summary, and the reports of the day the window starts in by
    -- index: the same count as "created in the last 30 days" over the reports.
    select w.days, w.since,
           coalesce((select sum(d.reports) from seller_day d
                     where d.seller_id = s.seller_id
                       and d.day > (w.since at time zone 'UTC')::date), 0)
           + (select count(*) from report r
              where r.seller_id = s.seller_id and r.status in ('unverified', 'verified')
                and r.created_at > w.since
                and r.created_at < ((w.since at time zone 'UTC')::date + 1)::timestamp
                                   at time zone 'UTC') as reports
    from s cross join (values (30, now() - interval '30 days'),
                              (365, now() - interval '365 days')) as w (days, since)
), latest as (
    select max(r.created_at) as last_reported_at
    from (select r.created_at from report r
          where r.seller_id = (select seller_id from s) and r.status in ('unverified', 'verified')
          order by r.created_at desc, r.report_id desc limit 1) r
), brands as (
    select coalesce(json_agg(json_build_object('slug', b.slug, 'name', b.display_name,
                                               'reports', t.reports)
                             order by t.reports desc, b.slug), '[]') as j
    from (select sb.brand_id, sb.reports from seller_brand sb
          where sb.seller_id = (select seller_id from s) and sb.reports > 0
          order by sb.reports desc, sb.brand_id limit 50) t
    join brand b on b.brand_id = t.brand_id
), listings as (
    select coalesce(json_agg(json_build_object('listing_id', l.external_id,
                                               'canonical_url', l.canonical_url,
                                               'reports', t.reports)
                             order by t.reports desc, l.canonical_url), '[]') as j
    from (select sl.listing_id, sl.reports from seller_listing sl
          where sl.seller_id = (select seller_id from s) and sl.reports > 0
          order by sl.reports desc, sl.listing_id limit 50) t
    join listing l on l.listing_id = t.listing_id
), timeline as (
    select coalesce(json_agg(json_build_object('month', to_char(m.month, 'YYYY-MM'),
                                               'reports', m.reports)
                             order by m.month), '[]') as j
    from seller_month m
    where m.seller_id = (select seller_id from s) and m.reports > 0
), recent as (
    -- Pick the page of reports first; only those rows are read in full.
    select coalesce(json_agg(json_build_object(
               'id', r.public_id, 'status', r.status, 'created_at', r.created_at,
               'counts', r.confirmed_at is not null or r.status = 'verified',
               'brand_slug', b.slug, 'brand_name', b.display_name,
               'product_title', r.product_title, 'reasons', r.reasons,
               'order_month', to_char(r.order_date, 'YYYY-MM'),
               'description', r.description, 'listing_id', l.external_id,
               'canonical_url', l.canonical_url,
               'disputed', coalesce(lb.outcome = 'genuine', false))
             order by t.created_at desc, t.report_id desc), '[]') as j
    from (select r.report_id, r.created_at from report r
          where r.seller_id = (select seller_id from s) and r.status in ('unverified', 'verified')
          order by r.created_at desc, r.report_id desc
          limit $3 offset $4) t
    join report r on r.report_id = t.report_id
    join brand b on b.brand_id = r.brand_id
    join listing l on l.listing_id = r.listing_id
    left join listing_brand lb
        on lb.listing_id = r.listing_id and lb.brand_id = r.brand_id
), outcomes as (
    select coalesce(json_agg(json_build_object(
               'listing_id', l.external_id, 'canonical_url', l.canonical_url,
               'brand_slug', b.slug, 'brand_name', b.display_name,
               'outcome', t.outcome, 'decided_at', t.outcome_at)
             order by t.outcome_at desc, t.listing_id), '[]') as j
    from (select lb.listing_id, lb.brand_id, lb.outcome, lb.outcome_at
          from listing_brand lb
          where lb.seller_id = (select seller_id from s) and lb.outcome is not null
          order by lb.outcome_at desc, lb.listing_id limit 50) t
    join listing l on l.listing_id = t.listing_id
    join brand b on b.brand_id = t.brand_id
), reply as (
    -- The published reply, if any: one row of seller_reply_one_approved. Nothing
    -- about its author but the statement.
    select coalesce(json_agg(json_build_object('id', r.public_id,
                                               'statement', r.statement,
                                               'approved_at', r.decided_at)), '[]') as j
    from seller_reply r join s on s.seller_id = r.seller_id
    where r.status = 'approved'
), aliases as (
    -- Spellings live reports gave, one per folded name (its most given), besides the
    -- name shown: what only withdrawn or rejected reports said is not repeated here.
    select coalesce(json_agg(t.name order by t.name), '[]') as j
    from (select distinct on (a.folded_name) a.name, a.folded_name
          from seller_alias a join s on s.seller_id = a.seller_id
          where a.live_reports > 0
          order by a.folded_name, a.live_reports desc, a.seller_alias_id) t
    where t.folded_name is distinct from (
              select x.folded_name from seller_alias x join s on x.seller_id = s.seller_id
              where x.name = s.display_name)
)
-- The quoted aliases tell sqlx's macros each column's Rust type and that it is never null:
-- a CTE's columns are not traced back to their tables.
select s.marketplace as "marketplace!: Marketplace", s.seller_key as "seller_key!",
       s.display_name as "display_name!", s.name_based as "name_based!", s.store_url,
       s.created_at as "first_seen!", latest.last_reported_at,
       summary.reports as "reports!", summary.distinct_reporters as "distinct_reporters!",
       summary.confirmed_reporters as "confirmed_reporters!",
       summary.weighted_reporters as "weighted_reporters!",
       summary.verified_reports as "verified_reports!",
       summary.weighted_verified_reporters as "weighted_verified_reporters!",
       summary.reporters_with_evidence as "reporters_with_evidence!",
       (select reports from windows where days = 30)::int8 as "last_30_days!",
       (select reports from windows where days = 365)::int8 as "last_365_days!",
       aliases.j as "aliases!: Json<Vec<String>>", brands.j as "brands!: Json<Vec<BrandCount>>",
       listings.j as "listings!: Json<Vec<ListingCount>>",
       timeline.j as "timeline!: Json<Vec<MonthCount>>",
       recent.j as "recent!: Json<Vec<ReportSummary>>",
       summary.confirmed_listings as "confirmed_listings!",
       summary.removed_listings as "removed_listings!",
       summary.genuine_listings as "genuine_listings!",
       outcomes.j as "outcomes!: Json<Vec<OutcomeEntry>>",
       reply.j as "replies!: Json<Vec<PublicReply>>"
from s, summary, latest, brands, listings, timeline, recent, aliases, outcomes, reply
