-- Per-listing summaries: what a takedown row shows of a listing's reports for a brand (counts,
-- confirmed reporters, verified, first and last reported, product title, lowest price, reasons,
-- evidence links), kept current in the same transaction as every write that changes it, so
-- that an export reads one row per listing instead of aggregating its reports. Before this,
-- the largest brand's export at 10 M reports took 22.5 s against 2.0 s for reading its bare
-- rows.
--
-- A pair's summary is recomputed from its live reports (report_live_listing_brand_idx), not
-- added to: the lowest price in the most used currency, the first and last report and the
-- latest product title cannot be moved by a delta. The recomputation is a function, used by
-- the triggers and by the `fresh_listing_brand_summary` view that `fakewatch summaries check`
-- compares with and `summaries_rebuild()` copies from: one definition.
--
-- changed_xid (migration 0015): the report triggers of 0005 go on marking every pair a report
-- statement touches, as before; a recomputation marks a row only when its summary changed,
-- which adds the writes that change an export row without changing a report (evidence added
-- or removed, a report deleted) and never marks a row whose summary stayed the same.
--
-- Locking: a recomputation first locks its pairs' listing_brand rows (the report triggers'
-- upsert holds them already), then reads the reports in a statement of its own, so that two
-- writers of one pair recompute one after the other and the second sees the first's commit
-- (every write path runs at read committed, as 0016 says).

-- Columns on listing_brand rather than a table of their own: on the 1,000,000-report demo
-- database the largest brand's export read them in 0.54 s (best of 9; median 0.67 s), against
-- 0.68 s (median 0.96 s) joining a listing_brand_summary table by its primary key, and 2.2 s
-- (median 3.3 s) aggregating the reports at read time. Defaults are the summary of a pair
-- with no live reports.
alter table listing_brand
    add column reports            integer not null default 0,
    -- Reporters who confirmed their address or were verified: made-up addresses must not
    -- pass a brand owner's min_reporters filter.
    add column distinct_reporters integer not null default 0,
    add column verified_reports   integer not null default 0,
    add column first_reported     timestamptz,
    add column last_reported      timestamptz,
    -- The latest live report's title, of those that gave one.
    add column product_title      text,
    -- Mixed currencies cannot be compared: the lowest price in the most used currency.
    add column lowest_price       numeric(18, 4),
    add column price_currency     text,
    -- [{reason, reports}], most given first.
    add column reasons            json not null default '[]',
    -- [{id, sha256, bytes, media_type, uploaded_at}] of the live reports' files no moderator
    -- hid, oldest first; uploaded_at in UTC whatever the writer's session time zone.
    add column evidence           json not null default '[]';

create type listing_brand_key as (
    listing_id bigint,
    brand_id   bigint
);

-- What the summary of (listing, brand) must be, from its live reports.
create function listing_brand_summary_of(p_listing_id bigint, p_brand_id bigint)
returns table (
    reports            integer,
    distinct_reporters integer,
    verified_reports   integer,
    first_reported     timestamptz,
    last_reported      timestamptz,
    product_title      text,
    lowest_price       numeric(18, 4),
    price_currency     text,
    reasons            json,
    evidence           json
)
language sql stable
begin atomic
    select a.reports::int, a.distinct_reporters::int, a.verified_reports::int,
           a.first_reported, a.last_reported, a.product_title,
           p.lowest_price, p.price_currency,
           coalesce(rs.j, '[]'), coalesce(ev.j, '[]')
    from (
        select count(*) as reports,
               count(distinct r.reporter_fingerprint)
                   filter (where r.confirmed_at is not null or r.status = 'verified')
                   as distinct_reporters,
               count(*) filter (where r.status = 'verified') as verified_reports,
               min(r.created_at) as first_reported, max(r.created_at) as last_reported,
               (array_agg(r.product_title order by r.created_at desc)
                    filter (where r.product_title is not null))[1] as product_title
        from report r
        where r.listing_id = p_listing_id and r.brand_id = p_brand_id
          and r.status in ('unverified', 'verified')
    ) a
    left join lateral (
        select min(r.price_amount) as lowest_price, r.price_currency
        from report r
        where r.listing_id = p_listing_id and r.brand_id = p_brand_id
          and r.status in ('unverified', 'verified') and r.price_amount is not null
        group by r.price_currency
        order by count(*) desc, r.price_currency
        limit 1
    ) p on true
    left join lateral (
        select json_agg(json_build_object('reason', t.reason, 'reports', t.n)
                        order by t.n desc, t.reason) as j
        from (select reason, count(*) as n
              from report r, unnest(r.reasons) as reason
              where r.listing_id = p_listing_id and r.brand_id = p_brand_id
                and r.status in ('unverified', 'verified')
              group by reason) t
    ) rs on true
    left join lateral (
        select json_agg(json_build_object(
                   'id', e.public_id, 'sha256', encode(e.sha256, 'hex'),
                   'bytes', e.byte_size, 'media_type', e.media_type,
                   'uploaded_at',
                   to_char(e.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
               order by e.created_at, e.evidence_id) as j
        from report r join evidence e on e.report_id = r.report_id
        where r.listing_id = p_listing_id and r.brand_id = p_brand_id
          and r.status in ('unverified', 'verified')
          and e.hidden_at is null
    ) ev on true;
end;

create view fresh_listing_brand_summary as
select lb.brand_id, lb.listing_id, f.*
from listing_brand lb
cross join lateral listing_brand_summary_of(lb.listing_id, lb.brand_id) f;

-- Recomputes the summaries of these pairs (those with a listing_brand row) and marks the rows
-- whose summary changed as changed for incremental exports.
create function listing_brand_refresh(pairs listing_brand_key[])
returns void
language plpgsql as $$
begin
    if coalesce(cardinality(pairs), 0) = 0 then
        return;
    end if;
    -- In key order, so that two writers of the same pairs cannot deadlock.
    perform 1 from listing_brand lb
    where (lb.listing_id, lb.brand_id) in (select p.listing_id, p.brand_id from unnest(pairs) p)
    order by lb.brand_id, lb.listing_id
    for no key update;

    update listing_brand lb set
        reports = f.reports,
        distinct_reporters = f.distinct_reporters,
        verified_reports = f.verified_reports,
        first_reported = f.first_reported,
        last_reported = f.last_reported,
        product_title = f.product_title,
        lowest_price = f.lowest_price,
        price_currency = f.price_currency,
        reasons = f.reasons,
        evidence = f.evidence,
        changed_xid = pg_current_xact_id()
    from (select distinct listing_id, brand_id from unnest(pairs)) p
    cross join lateral listing_brand_summary_of(p.listing_id, p.brand_id) f
    where lb.listing_id = p.listing_id and lb.brand_id = p.brand_id
      -- json has no equality: its text, which the same function wrote the same way.
      and (lb.reports, lb.distinct_reporters, lb.verified_reports, lb.first_reported,
           lb.last_reported, lb.product_title, lb.lowest_price, lb.price_currency,
           lb.reasons::text, lb.evidence::text)
          is distinct from
          (f.reports, f.distinct_reporters, f.verified_reports, f.first_reported,
           f.last_reported, f.product_title, f.lowest_price, f.price_currency,
           f.reasons::text, f.evidence::text);
end;
$$;

-- New rows (a report's first for the brand, a merge's copies) get their summary at once, so
-- that every listing_brand row has one.
create function listing_brand_summary_created() returns trigger
language plpgsql as $$
begin
    perform listing_brand_refresh(array(
        select row(listing_id, brand_id)::listing_brand_key from new_rows));
    return null;
end;
$$;

create trigger listing_brand_summary_created after insert on listing_brand
    referencing new table as new_rows
    for each statement execute function listing_brand_summary_created();

-- The report triggers of 0005, which mark every pair a statement touches as changed, now also
-- recompute the pairs whose summary may have changed.
create or replace function listing_brand_touch_inserted() returns trigger
language plpgsql as $$
declare
    existing listing_brand_key[];
begin
    with touched as (
        insert into listing_brand (listing_id, brand_id)
        select distinct listing_id, brand_id from new_rows
        on conflict (brand_id, listing_id) do update set changed_xid = pg_current_xact_id()
        -- xmax is 0 only for a freshly inserted row version: a new row got its summary from
        -- listing_brand_summary_created already, which a bulk load would otherwise compute
        -- twice.
        returning listing_id, brand_id, xmax = 0 as created
    )
    select array_agg(row(t.listing_id, t.brand_id)::listing_brand_key) into existing
    from touched t
    where not t.created
      and exists (select 1 from new_rows n
                  where n.listing_id = t.listing_id and n.brand_id = t.brand_id
                    and n.status in ('unverified', 'verified'));
    perform listing_brand_refresh(existing);
    return null;
end;
$$;

-- Only the reports where something a summary reads changed: an edited description moves
-- nothing (the row is still marked changed, as before).
create or replace function listing_brand_touch_updated() returns trigger
language plpgsql as $$
begin
    insert into listing_brand (listing_id, brand_id)
    select listing_id, brand_id from new_rows
    union
    select listing_id, brand_id from old_rows
    on conflict (brand_id, listing_id) do update set changed_xid = pg_current_xact_id();
    perform listing_brand_refresh(array(
        select distinct row(k.listing_id, k.brand_id)::listing_brand_key
        from old_rows o join new_rows n using (report_id)
        cross join lateral (values (o.listing_id, o.brand_id), (n.listing_id, n.brand_id))
            as k (listing_id, brand_id)
        where (o.status, o.confirmed_at is null, o.reporter_fingerprint, o.created_at,
               o.product_title, o.price_amount, o.price_currency, o.reasons,
               o.listing_id, o.brand_id)
              is distinct from
              (n.status, n.confirmed_at is null, n.reporter_fingerprint, n.created_at,
               n.product_title, n.price_amount, n.price_currency, n.reasons,
               n.listing_id, n.brand_id)));
    return null;
end;
$$;

create function listing_brand_touch_deleted() returns trigger
language plpgsql as $$
begin
    perform listing_brand_refresh(array(
        select distinct row(listing_id, brand_id)::listing_brand_key from old_rows
        where status in ('unverified', 'verified')));
    return null;
end;
$$;

create trigger report_touch_listing_brand_delete after delete on report
    referencing old table as old_rows
    for each statement execute function listing_brand_touch_deleted();

-- Evidence added, deleted, hidden or shown changes the links of its report's pair.
create function evidence_refresh_listing_brand() returns trigger
language plpgsql as $$
begin
    perform listing_brand_refresh(array(
        select distinct row(r.listing_id, r.brand_id)::listing_brand_key
        from report r
        where r.report_id in (select report_id from changed_evidence)));
    return null;
end;
$$;

create trigger evidence_refresh_listing_brand_insert after insert on evidence
    referencing new table as changed_evidence
    for each statement execute function evidence_refresh_listing_brand();
create trigger evidence_refresh_listing_brand_delete after delete on evidence
    referencing old table as changed_evidence
    for each statement execute function evidence_refresh_listing_brand();

create function evidence_refresh_listing_brand_update() returns trigger
language plpgsql as $$
begin
    perform listing_brand_refresh(array(
        select distinct row(r.listing_id, r.brand_id)::listing_brand_key
        from report r
        where r.report_id in (
            select k.report_id
            from old_rows o join new_rows n using (evidence_id)
            cross join lateral (values (o.report_id), (n.report_id)) as k (report_id)
            where (o.report_id, o.hidden_at is null, o.public_id, o.sha256, o.byte_size,
                   o.media_type, o.created_at)
                  is distinct from
                  (n.report_id, n.hidden_at is null, n.public_id, n.sha256, n.byte_size,
                   n.media_type, n.created_at))));
    return null;
end;
$$;

create trigger evidence_refresh_listing_brand_update after update on evidence
    referencing old table as old_rows new table as new_rows
    for each statement execute function evidence_refresh_listing_brand_update();

-- 0016's rebuild, and the per-listing columns.
create or replace function summaries_rebuild() returns void
language plpgsql as $$
begin
    lock table report, evidence, listing_brand, seller, brand in share mode;
    truncate seller_reporter, seller_summary, seller_month, seller_day, seller_listing,
             seller_brand, seller_brand_reporter, brand_reporter, brand_summary,
             brand_marketplace;
    insert into seller_reporter select * from fresh_seller_reporter;
    insert into seller_summary select * from fresh_seller_summary;
    insert into seller_month select * from fresh_seller_month;
    insert into seller_day select * from fresh_seller_day;
    insert into seller_listing select * from fresh_seller_listing;
    insert into seller_brand select * from fresh_seller_brand;
    insert into seller_brand_reporter select * from fresh_seller_brand_reporter;
    insert into brand_reporter select * from fresh_brand_reporter;
    insert into brand_summary (brand_id, slot, reports, reporters, sellers)
    select brand_id, 0, reports, reporters, sellers from fresh_brand_summary;
    insert into brand_marketplace (brand_id, marketplace, slot, reports)
    select brand_id, marketplace, 0, reports from fresh_brand_marketplace;
    update site_summary set reports = 0, sellers = 0, brands = 0;
    update site_summary t set reports = f.reports, sellers = f.sellers, brands = f.brands
    from fresh_site_summary f where t.slot = 0;
    -- A repaired row shows something new: its next incremental export carries it.
    update listing_brand lb set
        reports = f.reports,
        distinct_reporters = f.distinct_reporters,
        verified_reports = f.verified_reports,
        first_reported = f.first_reported,
        last_reported = f.last_reported,
        product_title = f.product_title,
        lowest_price = f.lowest_price,
        price_currency = f.price_currency,
        reasons = f.reasons,
        evidence = f.evidence,
        changed_xid = pg_current_xact_id()
    from fresh_listing_brand_summary f
    where lb.brand_id = f.brand_id and lb.listing_id = f.listing_id
      and (lb.reports, lb.distinct_reporters, lb.verified_reports, lb.first_reported,
           lb.last_reported, lb.product_title, lb.lowest_price, lb.price_currency,
           lb.reasons::text, lb.evidence::text)
          is distinct from
          (f.reports, f.distinct_reporters, f.verified_reports, f.first_reported,
           f.last_reported, f.product_title, f.lowest_price, f.price_currency,
           f.reasons::text, f.evidence::text);
end;
$$;

-- The summaries of what is already here (rows keep their changed_xid: nothing an export
-- shows changed).
update listing_brand lb
set (reports, distinct_reporters, verified_reports, first_reported, last_reported,
     product_title, lowest_price, price_currency, reasons, evidence)
    = (select * from listing_brand_summary_of(lb.listing_id, lb.brand_id))
where exists (select 1 from report r
              where r.listing_id = lb.listing_id and r.brand_id = lb.brand_id
                and r.status in ('unverified', 'verified'));

comment on column listing_brand.changed_xid is
    'Last transaction that changed what an export row shows. Writers: report, listing, seller '
    'and evidence triggers (0005, 0012); listing_brand_refresh() when a row''s summary '
    'changed (0017: evidence added or deleted, a report deleted); src/db/takedowns.rs '
    '(outcomes), rights_holders.rs (IPR details), curation.rs (brand rename), merges.rs '
    '(brand merge). Reader: the takedown export''s since/until filter in '
    'src/db/takedowns.rs. See migrations/0015 and 0017.';
