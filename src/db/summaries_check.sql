-- Every difference between the summary tables and their recomputation (the `fresh_*` views of
-- migrations 0016 and 0017): one row per summary and key, with both sides as text. A row
-- missing on one side counts as zeros there; sums of floats may differ by rounding (one part in 10^9).
with seller_reporter_diff as (
    select 'seller_reporter' as summary,
           format('seller %s, reporter %s', coalesce(t.seller_id, f.seller_id),
                  left(encode(coalesce(t.reporter_fingerprint, f.reporter_fingerprint), 'hex'), 12))
               as key,
           row(t.live_reports, t.verified_reports, t.counting_at, t.verified_at, t.has_evidence)::text
               as stored,
           row(f.live_reports, f.verified_reports, f.counting_at, f.verified_at, f.has_evidence)::text
               as fresh
    from seller_reporter t
    full join fresh_seller_reporter f using (seller_id, reporter_fingerprint)
    where (t.live_reports, t.verified_reports, t.counting_at, t.verified_at, t.has_evidence)
          is distinct from
          (f.live_reports, f.verified_reports, f.counting_at, f.verified_at, f.has_evidence)
), seller_summary_diff as (
    select 'seller_summary', format('seller %s', coalesce(t.seller_id, f.seller_id)),
           row(t.reports, t.verified_reports, t.distinct_reporters, t.confirmed_reporters,
               t.reporters_with_evidence, t.reporter_growth, t.verified_growth,
               t.confirmed_listings, t.removed_listings, t.genuine_listings)::text,
           row(f.reports, f.verified_reports, f.distinct_reporters, f.confirmed_reporters,
               f.reporters_with_evidence, f.reporter_growth, f.verified_growth,
               f.confirmed_listings, f.removed_listings, f.genuine_listings)::text
    from seller_summary t
    full join fresh_seller_summary f using (seller_id)
    where (coalesce(t.reports, 0), coalesce(t.verified_reports, 0),
           coalesce(t.distinct_reporters, 0), coalesce(t.confirmed_reporters, 0),
           coalesce(t.reporters_with_evidence, 0), coalesce(t.confirmed_listings, 0),
           coalesce(t.removed_listings, 0), coalesce(t.genuine_listings, 0))
          is distinct from
          (coalesce(f.reports, 0), coalesce(f.verified_reports, 0),
           coalesce(f.distinct_reporters, 0), coalesce(f.confirmed_reporters, 0),
           coalesce(f.reporters_with_evidence, 0), coalesce(f.confirmed_listings, 0),
           coalesce(f.removed_listings, 0), coalesce(f.genuine_listings, 0))
       or abs(coalesce(t.reporter_growth, 0) - coalesce(f.reporter_growth, 0))
              > 1e-9 * greatest(1, abs(coalesce(f.reporter_growth, 0)))
       or abs(coalesce(t.verified_growth, 0) - coalesce(f.verified_growth, 0))
              > 1e-9 * greatest(1, abs(coalesce(f.verified_growth, 0)))
), seller_month_diff as (
    select 'seller_month', format('seller %s, %s', coalesce(t.seller_id, f.seller_id),
                                  to_char(coalesce(t.month, f.month), 'YYYY-MM')),
           t.reports::text, f.reports::text
    from (select * from seller_month where reports <> 0) t
    full join fresh_seller_month f using (seller_id, month)
    where t.reports is distinct from f.reports
), seller_day_diff as (
    select 'seller_day', format('seller %s, %s', coalesce(t.seller_id, f.seller_id),
                                coalesce(t.day, f.day)),
           t.reports::text, f.reports::text
    from (select * from seller_day where reports <> 0) t
    full join fresh_seller_day f using (seller_id, day)
    where t.reports is distinct from f.reports
), seller_listing_diff as (
    select 'seller_listing', format('seller %s, listing %s', coalesce(t.seller_id, f.seller_id),
                                    coalesce(t.listing_id, f.listing_id)),
           t.reports::text, f.reports::text
    from (select * from seller_listing where reports <> 0) t
    full join fresh_seller_listing f using (seller_id, listing_id)
    where t.reports is distinct from f.reports
), seller_brand_diff as (
    select 'seller_brand', format('seller %s, brand %s', coalesce(t.seller_id, f.seller_id),
                                  coalesce(t.brand_id, f.brand_id)),
           row(t.reports, t.reporters, t.last_reported_at)::text,
           row(f.reports, f.reporters, f.last_reported_at)::text
    from (select * from seller_brand where reports <> 0 or reporters <> 0) t
    full join fresh_seller_brand f using (seller_id, brand_id)
    where (t.reports, t.reporters, t.last_reported_at)
          is distinct from (f.reports, f.reporters, f.last_reported_at)
), seller_brand_reporter_diff as (
    select 'seller_brand_reporter',
           format('seller %s, brand %s, reporter %s', coalesce(t.seller_id, f.seller_id),
                  coalesce(t.brand_id, f.brand_id),
                  left(encode(coalesce(t.reporter_fingerprint, f.reporter_fingerprint), 'hex'), 12)),
           t.live_reports::text, f.live_reports::text
    from (select * from seller_brand_reporter where live_reports <> 0) t
    full join fresh_seller_brand_reporter f using (seller_id, brand_id, reporter_fingerprint)
    where t.live_reports is distinct from f.live_reports
), brand_reporter_diff as (
    select 'brand_reporter',
           format('brand %s, reporter %s', coalesce(t.brand_id, f.brand_id),
                  left(encode(coalesce(t.reporter_fingerprint, f.reporter_fingerprint), 'hex'), 12)),
           t.live_reports::text, f.live_reports::text
    from (select * from brand_reporter where live_reports <> 0) t
    full join fresh_brand_reporter f using (brand_id, reporter_fingerprint)
    where t.live_reports is distinct from f.live_reports
), brand_summary_diff as (
    select 'brand_summary', format('brand %s', coalesce(t.brand_id, f.brand_id)),
           row(t.reports, t.reporters, t.sellers)::text,
           row(f.reports, f.reporters, f.sellers)::text
    from (select brand_id, sum(reports)::int8 as reports, sum(reporters)::int8 as reporters,
                 sum(sellers)::int8 as sellers
          from brand_summary group by brand_id) t
    full join fresh_brand_summary f using (brand_id)
    where (coalesce(t.reports, 0), coalesce(t.reporters, 0), coalesce(t.sellers, 0))
          is distinct from (f.reports, f.reporters, f.sellers)
), brand_marketplace_diff as (
    select 'brand_marketplace', format('brand %s, %s', coalesce(t.brand_id, f.brand_id),
                                       coalesce(t.marketplace, f.marketplace)),
           t.reports::text, f.reports::text
    from (select brand_id, marketplace, sum(reports)::int8 as reports
          from brand_marketplace group by 1, 2 having sum(reports) <> 0) t
    full join fresh_brand_marketplace f using (brand_id, marketplace)
    where t.reports is distinct from f.reports
), site_summary_diff as (
    select 'site_summary', 'site',
           row(t.reports, t.sellers, t.brands)::text, row(f.reports, f.sellers, f.brands)::text
    from (select sum(reports)::int8 as reports, sum(sellers)::int8 as sellers,
                 sum(brands)::int8 as brands from site_summary) t,
         fresh_site_summary f
    where (t.reports, t.sellers, t.brands) is distinct from (f.reports, f.sellers, f.brands)
), listing_brand_summary_diff as (
    -- Migration 0017: what a takedown row shows of its listing's reports, on listing_brand.
    -- json has no equality; its text does, written the same way on both sides.
    select 'listing_brand_summary', format('listing %s, brand %s',
                                           coalesce(t.listing_id, f.listing_id),
                                           coalesce(t.brand_id, f.brand_id)),
           row(t.reports, t.distinct_reporters, t.verified_reports, t.first_reported,
               t.last_reported, t.product_title, t.lowest_price, t.price_currency,
               t.reasons::text, t.evidence::text)::text,
           row(f.reports, f.distinct_reporters, f.verified_reports, f.first_reported,
               f.last_reported, f.product_title, f.lowest_price, f.price_currency,
               f.reasons::text, f.evidence::text)::text
    from listing_brand t
    full join fresh_listing_brand_summary f using (brand_id, listing_id)
    where (t.reports, t.distinct_reporters, t.verified_reports, t.first_reported,
           t.last_reported, t.product_title, t.lowest_price, t.price_currency,
           t.reasons::text, t.evidence::text)
          is distinct from
          (f.reports, f.distinct_reporters, f.verified_reports, f.first_reported,
           f.last_reported, f.product_title, f.lowest_price, f.price_currency,
           f.reasons::text, f.evidence::text)
)
select summary as "summary!", key as "key!", stored, fresh from (
    select * from seller_reporter_diff
    union all select * from seller_summary_diff
    union all select * from seller_month_diff
    union all select * from seller_day_diff
    union all select * from seller_listing_diff
    union all select * from seller_brand_diff
    union all select * from seller_brand_reporter_diff
    union all select * from brand_reporter_diff
    union all select * from brand_summary_diff
    union all select * from brand_marketplace_diff
    union all select * from site_summary_diff
    union all select * from listing_brand_summary_diff
) d
order by 1, 2
