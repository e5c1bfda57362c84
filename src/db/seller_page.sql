-- The seller page's one statement (`db::seller_page`), also what benches/seller_page.sh
-- times in pgbench (printed by examples/seller_page_sql.rs). Parameters: marketplace, seller
-- key, half-life in days, limit and offset of the recent reports.
with s as (
    select seller_id, marketplace, seller_key, display_name, name_based, store_url,
           created_at
    from seller
    -- A merged seller has no page: `merges::kept_seller` says where it went.
    where marketplace = $1 and seller_key = $2 and merged_into is null
), live as (
    -- Narrow on purpose: served from report_live_seller_idx alone.
    select r.report_id, r.listing_id, r.brand_id, r.status, r.reporter_fingerprint,
           r.created_at,
           -- Who counts in the reputation: an address confirmed for this report, or
           -- a moderator's verification (docs/reputation.md).
           (r.confirmed_at is not null or r.status = 'verified') as counts
    from report r
    join s on s.seller_id = r.seller_id
    where r.status in ('unverified', 'verified')
), per_reporter as (
    -- The reputation counts people, not reports (see docs/reputation.md).
    select count(*) as reports,
           bool_or(counts) as counts,
           count(*) filter (where status = 'verified') as verified_reports,
           extract(epoch from now() - max(created_at) filter (where counts))::float8
               / 86400 as age_days,
           extract(epoch from now() - max(created_at) filter (where status = 'verified'))::float8
               / 86400 as verified_age_days,
           bool_or(counts and exists (select 1 from evidence e
                                      where e.report_id = live.report_id
                                        and e.hidden_at is null))
               as has_evidence
    from live
    group by reporter_fingerprint
), stats as (
    select coalesce(sum(reports), 0)::int8 as reports,
           count(*)::int8 as distinct_reporters,
           count(*) filter (where counts)::int8 as confirmed_reporters,
           -- least(): power() raises an error on underflow.
           coalesce(sum(power(0.5::float8, least(greatest(age_days, 0) / $3, 1000)))
                        filter (where counts), 0)
               as weighted_reporters,
           coalesce(sum(verified_reports), 0)::int8 as verified_reports,
           coalesce(sum(power(0.5::float8, least(greatest(verified_age_days, 0) / $3, 1000)))
                        filter (where verified_age_days is not null), 0)
               as weighted_verified_reporters,
           count(*) filter (where has_evidence)::int8 as reporters_with_evidence
    from per_reporter
), windows as (
    select count(*) filter (where created_at > now() - interval '30 days')::int8
               as last_30_days,
           count(*) filter (where created_at > now() - interval '365 days')::int8
               as last_365_days,
           max(created_at) as last_reported_at
    from live
), brands as (
    -- Count by id first, then look up names for the top 50 only.
    select coalesce(json_agg(json_build_object('slug', b.slug, 'name', b.display_name,
                                               'reports', t.n)
                             order by t.n desc, b.slug), '[]') as j
    from (select brand_id, count(*) as n from live
          group by brand_id order by n desc, brand_id limit 50) t
    join brand b on b.brand_id = t.brand_id
), listings as (
    select coalesce(json_agg(json_build_object('listing_id', l.external_id,
                                               'canonical_url', l.canonical_url,
                                               'reports', t.n)
                             order by t.n desc, l.canonical_url), '[]') as j
    from (select listing_id, count(*) as n from live
          group by listing_id order by n desc, listing_id limit 50) t
    join listing l on l.listing_id = t.listing_id
), timeline as (
    select coalesce(json_agg(json_build_object('month', to_char(m, 'YYYY-MM'),
                                               'reports', n)
                             order by m), '[]') as j
    from (select date_trunc('month', created_at, 'UTC') as m, count(*) as n
          from live group by 1) t
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
    from (select report_id, created_at from live
          order by created_at desc, report_id desc
          limit $4 offset $5) t
    join report r on r.report_id = t.report_id
    join brand b on b.brand_id = r.brand_id
    join listing l on l.listing_id = r.listing_id
    left join listing_brand lb
        on lb.listing_id = r.listing_id and lb.brand_id = r.brand_id
), decided as (
    -- Rights holders' outcomes on this seller's listings (see docs/reputation.md).
    select lb.listing_id, lb.brand_id, lb.outcome, lb.outcome_at
    from listing l
    join s on s.seller_id = l.seller_id
    join listing_brand lb on lb.listing_id = l.listing_id
    where lb.outcome is not null
), outcome_counts as (
    select count(distinct listing_id) filter (where outcome = 'confirmed_counterfeit')::int8
               as confirmed_listings,
           count(distinct listing_id) filter (where outcome = 'removed')::int8
               as removed_listings,
           count(distinct listing_id) filter (where outcome = 'genuine')::int8
               as genuine_listings
    from decided
), outcomes as (
    select coalesce(json_agg(json_build_object(
               'listing_id', l.external_id, 'canonical_url', l.canonical_url,
               'brand_slug', b.slug, 'brand_name', b.display_name,
               'outcome', t.outcome, 'decided_at', t.outcome_at)
             order by t.outcome_at desc, t.listing_id), '[]') as j
    from (select * from decided order by outcome_at desc, listing_id limit 50) t
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
       s.created_at as "first_seen!", windows.last_reported_at,
       stats.reports as "reports!", stats.distinct_reporters as "distinct_reporters!",
       stats.confirmed_reporters as "confirmed_reporters!",
       stats.weighted_reporters as "weighted_reporters!",
       stats.verified_reports as "verified_reports!",
       stats.weighted_verified_reporters as "weighted_verified_reporters!",
       stats.reporters_with_evidence as "reporters_with_evidence!",
       windows.last_30_days as "last_30_days!", windows.last_365_days as "last_365_days!",
       aliases.j as "aliases!: Json<Vec<String>>", brands.j as "brands!: Json<Vec<BrandCount>>",
       listings.j as "listings!: Json<Vec<ListingCount>>",
       timeline.j as "timeline!: Json<Vec<MonthCount>>",
       recent.j as "recent!: Json<Vec<ReportSummary>>",
       outcome_counts.confirmed_listings as "confirmed_listings!",
       outcome_counts.removed_listings as "removed_listings!",
       outcome_counts.genuine_listings as "genuine_listings!",
       outcomes.j as "outcomes!: Json<Vec<OutcomeEntry>>",
       reply.j as "replies!: Json<Vec<PublicReply>>"
from s, stats, windows, brands, listings, timeline, recent, aliases, outcome_counts,
     outcomes, reply
