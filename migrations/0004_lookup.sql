-- Public lookup: finding sellers by name, and the indexes the seller and brand pages read.

-- Trigram similarity for "find a seller by (part of) its name"; a trusted extension, so the
-- database owner may create it.
create extension if not exists pg_trgm;

create index seller_display_name_trgm_idx on seller using gin (lower(display_name) gin_trgm_ops);
create index seller_alias_name_trgm_idx on seller_alias using gin (lower(name) gin_trgm_ops);

-- Public pages count only live reports; these partial indexes hold just those. The seller
-- index carries what the seller page aggregates, so that even a seller with thousands of
-- reports is counted from the index alone, without reading report rows.
create index report_live_seller_idx on report (seller_id, created_at desc, report_id desc)
    include (status, reporter_fingerprint, listing_id, brand_id)
    where status in ('unverified', 'verified');
create index report_live_brand_idx on report (brand_id, created_at desc, report_id desc)
    where status in ('unverified', 'verified');
create index report_live_created_idx on report (created_at desc, report_id desc)
    where status in ('unverified', 'verified');
