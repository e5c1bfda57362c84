-- Summaries: what the public pages show about a seller, a brand and the whole site, kept
-- current by the triggers below in the same transaction as every write that changes them, so
-- that reading a page costs the same at ten reports or ten million.
--
-- One source of truth: each summary table has a view `fresh_<table>` here that recomputes it
-- from the base tables. `fakewatch summaries check` compares the two and `rebuild` (the
-- function `summaries_rebuild()`) replaces the tables with the views' rows. Tables whose rows
-- are added to (counts) keep rows that fell to zero; the views and the check leave those out.
--
-- What counts: live reports (unverified or verified), as everywhere (docs/reputation.md).
--
-- Locking: a statement that changes a seller's reports first locks the seller's
-- `seller_summary` row (intake holds the seller row already, so intake gains no new wait),
-- so that the per-reporter rows, which are recomputed rather than added to, are computed by
-- one transaction at a time and each sees the previous one's commit. Counters shared across
-- sellers (a brand, the whole site) are split over 64 slots, and each writing transaction
-- takes a slot no other running transaction holds (`summary_slot`), so that reports on
-- different sellers of one brand never queue behind one row, nor deadlock when a transaction
-- touches two brands; readers add the slots up. Every write path runs at read committed: a
-- repeatable-read writer would recompute from its old snapshot.

-- The decay of the reputation model, kept exactly in O(1): a reporter's weight is
-- 2^(-(now - t) / half-life) for t their latest counting report, which is
-- 2^((t - epoch) / half-life) / 2^((now - epoch) / half-life). Summaries add up the numerators
-- (`reputation_growth(t)`); pages divide by `reputation_growth(now())`. The half-life is
-- `domain::reputation::HALF_LIFE_DAYS`: a unit test checks that they agree, and changing it
-- means `fakewatch summaries rebuild`. With the epoch in 2020 the numbers stay near 2^7 for a
-- century, far from float8's limits.
create function reputation_growth(at timestamptz) returns float8
language sql immutable parallel safe
return power(2::float8, (extract(epoch from at) - 1577836800) / 86400 / 365);

-- The slot of the shared counters this transaction adds to: the first of the 64 that no other
-- running transaction holds (a transaction-level advisory lock, tried from a place that
-- depends on the connection so that writers do not all probe slot 0 first), kept for the rest
-- of the transaction. Only when all 64 are taken does it wait for one.
create function summary_slot() returns smallint
language plpgsql volatile as $$
declare
    held text := current_setting('fakewatch.summary_slot', true);
    first int := pg_backend_pid() % 64;
    candidate int;
begin
    if held <> '' then
        return held::smallint;
    end if;
    for step in 0..63 loop
        candidate := (first + step) % 64;
        -- 1179866961: 'FWSQ', this lock's class; the slot is the object.
        if pg_try_advisory_xact_lock(1179866961, candidate) then
            perform set_config('fakewatch.summary_slot', candidate::text, true);
            return candidate;
        end if;
    end loop;
    perform pg_advisory_xact_lock(1179866961, first);
    perform set_config('fakewatch.summary_slot', first::text, true);
    return first;
end;
$$;

-- The takedown rows and the seller page's outcomes are per seller: the listing's seller, kept
-- on the row by the triggers below, so that a seller's decided listings are found by index.
alter table listing_brand add column seller_id bigint references seller (seller_id);
update listing_brand lb set seller_id = l.seller_id from listing l where l.listing_id = lb.listing_id;
alter table listing_brand alter column seller_id set not null;
create index listing_brand_seller_outcome_idx on listing_brand (seller_id, outcome_at desc, listing_id)
    where outcome is not null;

create function listing_brand_set_seller() returns trigger
language plpgsql as $$
begin
    new.seller_id := (select seller_id from listing where listing_id = new.listing_id);
    return new;
end;
$$;
create trigger listing_brand_seller before insert on listing_brand
    for each row execute function listing_brand_set_seller();

create function listing_brand_follow_seller() returns trigger
language plpgsql as $$
begin
    update listing_brand set seller_id = new.seller_id where listing_id = new.listing_id;
    return null;
end;
$$;
create trigger listing_moves_listing_brand after update of seller_id on listing
    for each row when (old.seller_id is distinct from new.seller_id)
    execute function listing_brand_follow_seller();

-- Per seller and reporter: the reporter's live reports on the seller and what the reputation
-- model needs of them (docs/reputation.md). Recomputed for each pair a write touches, from
-- that reporter's reports (report_fingerprint_idx), never added to.
create table seller_reporter (
    seller_id            bigint not null references seller (seller_id),
    reporter_fingerprint bytea not null,
    live_reports         integer not null,
    verified_reports     integer not null,
    -- The latest live report that counts (address confirmed, or verified); null: none does.
    counting_at          timestamptz,
    -- The latest verified report; null: none.
    verified_at          timestamptz,
    -- A counting report of theirs has evidence no moderator hid.
    has_evidence         boolean not null,
    primary key (seller_id, reporter_fingerprint),
    constraint seller_reporter_live check (live_reports > 0)
);

-- Per seller: the sums of its `seller_reporter` rows, which are the reputation model's inputs,
-- and its listings' outcomes.
create table seller_summary (
    seller_id               bigint primary key references seller (seller_id),
    reports                 bigint not null default 0,
    verified_reports        bigint not null default 0,
    distinct_reporters      bigint not null default 0,
    confirmed_reporters     bigint not null default 0,
    reporters_with_evidence bigint not null default 0,
    -- Σ reputation_growth(counting_at) over confirmed reporters.
    reporter_growth         float8 not null default 0,
    -- Σ reputation_growth(verified_at) over reporters with a verified report.
    verified_growth         float8 not null default 0,
    -- Distinct listings whose latest outcome (for any brand) is this.
    confirmed_listings      bigint not null default 0,
    removed_listings        bigint not null default 0,
    genuine_listings        bigint not null default 0
);

-- Live reports per seller and UTC month (the timeline) and UTC day (the last 30 and 365 days).
create table seller_month (
    seller_id bigint not null references seller (seller_id),
    month     date not null,
    reports   integer not null,
    primary key (seller_id, month)
);
create table seller_day (
    seller_id bigint not null references seller (seller_id),
    day       date not null,
    reports   integer not null,
    primary key (seller_id, day)
);

-- Live reports per seller and listing: the seller page's most reported listings.
create table seller_listing (
    seller_id  bigint not null references seller (seller_id),
    listing_id bigint not null references listing (listing_id),
    reports    integer not null,
    primary key (seller_id, listing_id)
);
create index seller_listing_top_idx on seller_listing (seller_id, reports desc, listing_id)
    where reports > 0;

-- Live reports per seller and brand, and the people who filed them: the seller page's brands
-- and the brand page's sellers.
create table seller_brand (
    seller_id        bigint not null references seller (seller_id),
    brand_id         bigint not null references brand (brand_id),
    reports          integer not null,
    reporters        integer not null,
    last_reported_at timestamptz,
    primary key (seller_id, brand_id)
);
create index seller_brand_top_idx on seller_brand (seller_id, reports desc, brand_id)
    where reports > 0;
create index seller_brand_sellers_idx
    on seller_brand (brand_id, reporters desc, reports desc, seller_id)
    where reports > 0;

-- Counters of live reports per reporter, by which the distinct reporters of a (seller, brand)
-- and of a brand are kept: a counter going from 0 to 1 adds a reporter, from 1 to 0 removes
-- one. The upsert that moves a counter locks it, so concurrent reports count right.
create table seller_brand_reporter (
    seller_id            bigint not null,
    brand_id             bigint not null,
    reporter_fingerprint bytea not null,
    live_reports         integer not null,
    primary key (seller_id, brand_id, reporter_fingerprint)
);
create table brand_reporter (
    brand_id             bigint not null,
    reporter_fingerprint bytea not null,
    live_reports         integer not null,
    primary key (brand_id, reporter_fingerprint)
);

-- Per brand, in slots (see the top): live reports, distinct reporters, sellers with reports.
create table brand_summary (
    brand_id  bigint not null references brand (brand_id),
    slot      smallint not null,
    reports   bigint not null default 0,
    reporters bigint not null default 0,
    sellers   bigint not null default 0,
    primary key (brand_id, slot)
);
create table brand_marketplace (
    brand_id    bigint not null references brand (brand_id),
    marketplace text not null,
    slot        smallint not null,
    reports     bigint not null,
    primary key (brand_id, marketplace, slot)
);

-- The whole site, in slots: live reports, and sellers and brands not merged into another.
create table site_summary (
    slot    smallint primary key,
    reports bigint not null default 0,
    sellers bigint not null default 0,
    brands  bigint not null default 0
);
insert into site_summary (slot) select generate_series(0, 63);

-- The recomputations: what each table must hold.
create view fresh_seller_reporter as
select r.seller_id, r.reporter_fingerprint,
       count(*)::int as live_reports,
       count(*) filter (where r.status = 'verified')::int as verified_reports,
       max(r.created_at) filter (where r.confirmed_at is not null or r.status = 'verified')
           as counting_at,
       max(r.created_at) filter (where r.status = 'verified') as verified_at,
       coalesce(bool_or((r.confirmed_at is not null or r.status = 'verified')
                        and exists (select 1 from evidence e
                                    where e.report_id = r.report_id and e.hidden_at is null)),
                false) as has_evidence
from report r
where r.status in ('unverified', 'verified')
group by r.seller_id, r.reporter_fingerprint;

create view fresh_seller_summary as
select s.seller_id,
       coalesce(sum(sr.live_reports), 0)::int8 as reports,
       coalesce(sum(sr.verified_reports), 0)::int8 as verified_reports,
       count(sr.seller_id)::int8 as distinct_reporters,
       count(sr.counting_at)::int8 as confirmed_reporters,
       count(*) filter (where sr.has_evidence)::int8 as reporters_with_evidence,
       coalesce(sum(reputation_growth(sr.counting_at)), 0) as reporter_growth,
       coalesce(sum(reputation_growth(sr.verified_at)), 0) as verified_growth,
       coalesce(o.confirmed_listings, 0) as confirmed_listings,
       coalesce(o.removed_listings, 0) as removed_listings,
       coalesce(o.genuine_listings, 0) as genuine_listings
from seller s
left join fresh_seller_reporter sr on sr.seller_id = s.seller_id
left join lateral (
    select count(distinct lb.listing_id) filter (where lb.outcome = 'confirmed_counterfeit')::int8
               as confirmed_listings,
           count(distinct lb.listing_id) filter (where lb.outcome = 'removed')::int8
               as removed_listings,
           count(distinct lb.listing_id) filter (where lb.outcome = 'genuine')::int8
               as genuine_listings
    from listing_brand lb
    where lb.seller_id = s.seller_id and lb.outcome is not null
) o on true
group by s.seller_id, o.confirmed_listings, o.removed_listings, o.genuine_listings;

create view fresh_seller_month as
select seller_id, date_trunc('month', created_at, 'UTC')::date as month, count(*)::int as reports
from report where status in ('unverified', 'verified') group by 1, 2;

create view fresh_seller_day as
select seller_id, (created_at at time zone 'UTC')::date as day, count(*)::int as reports
from report where status in ('unverified', 'verified') group by 1, 2;

create view fresh_seller_listing as
select seller_id, listing_id, count(*)::int as reports
from report where status in ('unverified', 'verified') group by 1, 2;

create view fresh_seller_brand as
select seller_id, brand_id, count(*)::int as reports,
       count(distinct reporter_fingerprint)::int as reporters,
       max(created_at) as last_reported_at
from report where status in ('unverified', 'verified') group by 1, 2;

create view fresh_seller_brand_reporter as
select seller_id, brand_id, reporter_fingerprint, count(*)::int as live_reports
from report where status in ('unverified', 'verified') group by 1, 2, 3;

create view fresh_brand_reporter as
select brand_id, reporter_fingerprint, count(*)::int as live_reports
from report where status in ('unverified', 'verified') group by 1, 2;

create view fresh_brand_summary as
select b.brand_id, coalesce(t.reports, 0) as reports, coalesce(t.reporters, 0) as reporters,
       coalesce(t.sellers, 0) as sellers
from brand b
left join (select brand_id, count(*)::int8 as reports,
                  count(distinct reporter_fingerprint)::int8 as reporters,
                  count(distinct seller_id)::int8 as sellers
           from report where status in ('unverified', 'verified') group by brand_id) t
    on t.brand_id = b.brand_id;

create view fresh_brand_marketplace as
select r.brand_id, s.marketplace, count(*)::int8 as reports
from report r join seller s on s.seller_id = r.seller_id
where r.status in ('unverified', 'verified') group by 1, 2;

create view fresh_site_summary as
select (select count(*) from report where status in ('unverified', 'verified'))::int8 as reports,
       (select count(*) from seller where merged_into is null)::int8 as sellers,
       (select count(*) from brand where merged_into is null)::int8 as brands;

-- Replaces every summary with its recomputation. Blocks writes to what summaries count while
-- it runs (reads go on).
create function summaries_rebuild() returns void
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
end;
$$;

-- A change to what summaries count: one row per report that stopped counting (delta -1, as
-- it was) or started counting (delta +1, as it is now), or whose reputation inputs may have
-- changed without a change in the counts (delta 0: its evidence, say).
create type report_change as (
    seller_id            bigint,
    brand_id             bigint,
    listing_id           bigint,
    reporter_fingerprint bytea,
    created_at           timestamptz,
    delta                integer
);

-- The `seller_reporter` rows of the changes' (seller, reporter) pairs, recomputed from their
-- reports, and the seller summaries moved by the difference. Callers hold the sellers'
-- summary rows (`summaries_apply`).
create function summaries_refresh_reporters(changes report_change[])
returns void
language plpgsql as $$
begin
    with pair as (
        select distinct seller_id, reporter_fingerprint
        from unnest(changes)
        where reporter_fingerprint is not null
    ), fresh as (
        select p.seller_id, p.reporter_fingerprint, a.*
        from pair p
        cross join lateral (
            select count(*)::int as live_reports,
                   count(*) filter (where r.status = 'verified')::int as verified_reports,
                   max(r.created_at) filter (where r.confirmed_at is not null
                                                   or r.status = 'verified') as counting_at,
                   max(r.created_at) filter (where r.status = 'verified') as verified_at,
                   coalesce(bool_or((r.confirmed_at is not null or r.status = 'verified')
                                    and exists (select 1 from evidence e
                                                where e.report_id = r.report_id
                                                  and e.hidden_at is null)), false)
                       as has_evidence
            from report r
            where r.reporter_fingerprint = p.reporter_fingerprint
              and r.seller_id = p.seller_id and r.status in ('unverified', 'verified')
        ) a
    ), old as (
        select sr.* from seller_reporter sr
        join pair p using (seller_id, reporter_fingerprint)
    ), gone as (
        delete from seller_reporter sr using fresh f
        where sr.seller_id = f.seller_id and sr.reporter_fingerprint = f.reporter_fingerprint
          and f.live_reports = 0
    ), kept as (
        insert into seller_reporter
        select * from fresh where live_reports > 0
        order by seller_id, reporter_fingerprint
        on conflict (seller_id, reporter_fingerprint) do update set
            live_reports = excluded.live_reports,
            verified_reports = excluded.verified_reports,
            counting_at = excluded.counting_at,
            verified_at = excluded.verified_at,
            has_evidence = excluded.has_evidence
    ), change as (
        select seller_id, sum(sign * live_reports) as reports,
               sum(sign * verified_reports) as verified_reports,
               sum(sign) as distinct_reporters,
               sum(sign) filter (where counting_at is not null) as confirmed_reporters,
               sum(sign) filter (where has_evidence) as reporters_with_evidence,
               sum(sign * reputation_growth(counting_at)) as reporter_growth,
               sum(sign * reputation_growth(verified_at)) as verified_growth
        from (select 1 as sign, seller_id, live_reports, verified_reports, counting_at,
                     verified_at, has_evidence
              from fresh where live_reports > 0
              union all
              select -1, seller_id, live_reports, verified_reports, counting_at, verified_at,
                     has_evidence
              from old) v
        group by seller_id
    )
    update seller_summary s set
        reports = s.reports + c.reports,
        verified_reports = s.verified_reports + c.verified_reports,
        distinct_reporters = s.distinct_reporters + c.distinct_reporters,
        confirmed_reporters = s.confirmed_reporters + coalesce(c.confirmed_reporters, 0),
        reporters_with_evidence
            = s.reporters_with_evidence + coalesce(c.reporters_with_evidence, 0),
        -- Sums of floats: once nobody counts, the sum is exactly zero again, not a rounding
        -- error left over.
        reporter_growth = case when s.confirmed_reporters + coalesce(c.confirmed_reporters, 0) = 0
                               then 0 else s.reporter_growth + coalesce(c.reporter_growth, 0) end,
        verified_growth = case when s.verified_reports + c.verified_reports = 0
                               then 0 else s.verified_growth + coalesce(c.verified_growth, 0) end
    from change c
    where s.seller_id = c.seller_id;
end;
$$;


-- Moves every summary by these changes, in the writer's transaction.
create function summaries_apply(changes report_change[])
returns void
language plpgsql as $$
declare
    my_slot smallint := summary_slot();
begin
    if cardinality(changes) = 0 then
        return;
    end if;
    -- The sellers' summary rows, made if need be and locked in seller order (two writers
    -- touching the same sellers cannot deadlock): see the top of this file.
    insert into seller_summary (seller_id)
    select distinct seller_id from unnest(changes) order by 1
    on conflict (seller_id) do update set seller_id = excluded.seller_id;

    insert into seller_month as t (seller_id, month, reports)
    select seller_id, date_trunc('month', created_at, 'UTC')::date, sum(delta)
    from unnest(changes) group by 1, 2 having sum(delta) <> 0 order by 1, 2
    on conflict (seller_id, month) do update set reports = t.reports + excluded.reports;

    insert into seller_day as t (seller_id, day, reports)
    select seller_id, (created_at at time zone 'UTC')::date, sum(delta)
    from unnest(changes) group by 1, 2 having sum(delta) <> 0 order by 1, 2
    on conflict (seller_id, day) do update set reports = t.reports + excluded.reports;

    insert into seller_listing as t (seller_id, listing_id, reports)
    select seller_id, listing_id, sum(delta)
    from unnest(changes) group by 1, 2 having sum(delta) <> 0 order by 1, 2
    on conflict (seller_id, listing_id) do update set reports = t.reports + excluded.reports;

    -- Each (seller, brand)'s reports and latest report, and the sellers each brand has.
    with d as (
        select seller_id, brand_id, sum(delta)::int as n,
               max(created_at) filter (where delta > 0) as latest
        from unnest(changes) group by 1, 2 having sum(delta) <> 0
    ), up as (
        insert into seller_brand as t (seller_id, brand_id, reports, reporters, last_reported_at)
        select seller_id, brand_id, n, 0, latest from d order by 1, 2
        on conflict (seller_id, brand_id) do update set
            reports = t.reports + excluded.reports,
            last_reported_at = greatest(t.last_reported_at, excluded.last_reported_at)
        returning t.seller_id, t.brand_id, t.reports
    ), moved as (
        select up.brand_id,
               sum(case when up.reports > 0 and up.reports - d.n <= 0 then 1
                        when up.reports <= 0 and up.reports - d.n > 0 then -1
                        else 0 end) as sellers
        from up join d using (seller_id, brand_id)
        group by up.brand_id
    )
    insert into brand_summary as t (brand_id, slot, sellers)
    select brand_id, my_slot, sellers from moved where sellers <> 0 order by 1
    on conflict (brand_id, slot) do update set sellers = t.sellers + excluded.sellers;

    -- A report that stopped counting may have been its (seller, brand)'s latest.
    update seller_brand sb set last_reported_at = (
        select max(r.created_at) from report r
        where r.seller_id = sb.seller_id and r.brand_id = sb.brand_id
          and r.status in ('unverified', 'verified'))
    from (select distinct seller_id, brand_id from unnest(changes) where delta < 0) d
    where sb.seller_id = d.seller_id and sb.brand_id = d.brand_id;

    -- Distinct reporters per (seller, brand): a counter from 0 to 1 is one more.
    with d as (
        select seller_id, brand_id, reporter_fingerprint, sum(delta)::int as n
        from unnest(changes) where reporter_fingerprint is not null
        group by 1, 2, 3 having sum(delta) <> 0
    ), up as (
        insert into seller_brand_reporter as t
            (seller_id, brand_id, reporter_fingerprint, live_reports)
        select * from d order by 1, 2, 3
        on conflict (seller_id, brand_id, reporter_fingerprint) do update set
            live_reports = t.live_reports + excluded.live_reports
        returning t.seller_id, t.brand_id, t.reporter_fingerprint, t.live_reports
    )
    update seller_brand sb set reporters = sb.reporters + m.n
    from (select up.seller_id, up.brand_id,
                 sum(case when up.live_reports > 0 and up.live_reports - d.n <= 0 then 1
                          when up.live_reports <= 0 and up.live_reports - d.n > 0 then -1
                          else 0 end) as n
          from up join d using (seller_id, brand_id, reporter_fingerprint)
          group by 1, 2) m
    where sb.seller_id = m.seller_id and sb.brand_id = m.brand_id and m.n <> 0;

    delete from seller_brand_reporter t
    using (select distinct seller_id, brand_id, reporter_fingerprint from unnest(changes)
           where delta < 0) d
    where t.seller_id = d.seller_id and t.brand_id = d.brand_id
      and t.reporter_fingerprint = d.reporter_fingerprint and t.live_reports = 0;

    -- Reports and distinct reporters per brand.
    with d as (
        select brand_id, reporter_fingerprint, sum(delta)::int as n
        from unnest(changes) where reporter_fingerprint is not null
        group by 1, 2 having sum(delta) <> 0
    ), up as (
        insert into brand_reporter as t (brand_id, reporter_fingerprint, live_reports)
        select * from d order by 1, 2
        on conflict (brand_id, reporter_fingerprint) do update set
            live_reports = t.live_reports + excluded.live_reports
        returning t.brand_id, t.reporter_fingerprint, t.live_reports
    ), people as (
        select up.brand_id,
               sum(case when up.live_reports > 0 and up.live_reports - d.n <= 0 then 1
                        when up.live_reports <= 0 and up.live_reports - d.n > 0 then -1
                        else 0 end) as n
        from up join d using (brand_id, reporter_fingerprint)
        group by 1
    ), reports as (
        select brand_id, sum(delta) as n from unnest(changes) group by 1
    )
    insert into brand_summary as t (brand_id, slot, reports, reporters)
    select brand_id, my_slot, coalesce(r.n, 0), coalesce(p.n, 0)
    from reports r full join people p using (brand_id)
    where coalesce(r.n, 0) <> 0 or coalesce(p.n, 0) <> 0
    order by 1
    on conflict (brand_id, slot) do update set
        reports = t.reports + excluded.reports,
        reporters = t.reporters + excluded.reporters;

    delete from brand_reporter t
    using (select distinct brand_id, reporter_fingerprint from unnest(changes)
           where delta < 0) d
    where t.brand_id = d.brand_id and t.reporter_fingerprint = d.reporter_fingerprint
      and t.live_reports = 0;

    insert into brand_marketplace as t (brand_id, marketplace, slot, reports)
    select c.brand_id, s.marketplace, my_slot, sum(c.delta)
    from unnest(changes) c join seller s on s.seller_id = c.seller_id
    group by 1, 2 having sum(c.delta) <> 0 order by 1, 2
    on conflict (brand_id, marketplace, slot) do update set reports = t.reports + excluded.reports;

    update site_summary t set reports = t.reports + d.n
    from (select sum(delta) as n from unnest(changes)) d
    where t.slot = my_slot and d.n <> 0;

    perform summaries_refresh_reporters(changes);
end;
$$;

-- The report triggers: statement-level, so that a bulk change (a merge, a COPY) is one pass.
create function report_summarise_insert() returns trigger
language plpgsql as $$
begin
    perform summaries_apply(array(
        select row(seller_id, brand_id, listing_id, reporter_fingerprint, created_at, 1)
                   ::report_change
        from new_rows where status in ('unverified', 'verified')));
    return null;
end;
$$;

create function report_summarise_delete() returns trigger
language plpgsql as $$
begin
    perform summaries_apply(array(
        select row(seller_id, brand_id, listing_id, reporter_fingerprint, created_at, -1)
                   ::report_change
        from old_rows where status in ('unverified', 'verified')));
    return null;
end;
$$;

-- An update counts as the old row leaving and the new one arriving, for the reports where
-- anything a summary reads changed (an edited description moves nothing); a confirmation or
-- a verification leaves the counts as they were and refreshes the reporter's row.
create function report_summarise_update() returns trigger
language plpgsql as $$
begin
    perform summaries_apply(array(
        with moved as (
            select o.report_id from old_rows o join new_rows n using (report_id)
            where (o.status, o.confirmed_at is null, o.seller_id, o.brand_id, o.listing_id,
                   o.reporter_fingerprint, o.created_at)
                  is distinct from
                  (n.status, n.confirmed_at is null, n.seller_id, n.brand_id, n.listing_id,
                   n.reporter_fingerprint, n.created_at)
        )
        select row(o.seller_id, o.brand_id, o.listing_id, o.reporter_fingerprint,
                   o.created_at, -1)::report_change
        from old_rows o join moved using (report_id)
        where o.status in ('unverified', 'verified')
        union all
        select row(n.seller_id, n.brand_id, n.listing_id, n.reporter_fingerprint,
                   n.created_at, 1)::report_change
        from new_rows n join moved using (report_id)
        where n.status in ('unverified', 'verified')));
    return null;
end;
$$;

create trigger report_summarise_insert after insert on report
    referencing new table as new_rows
    for each statement execute function report_summarise_insert();
create trigger report_summarise_update after update on report
    referencing old table as old_rows new table as new_rows
    for each statement execute function report_summarise_update();
create trigger report_summarise_delete after delete on report
    referencing old table as old_rows
    for each statement execute function report_summarise_delete();

-- Evidence added, deleted, hidden or shown: its reporter's "attached evidence" may change.
create function evidence_summarise() returns trigger
language plpgsql as $$
begin
    perform summaries_apply(array(
        select row(r.seller_id, r.brand_id, r.listing_id, r.reporter_fingerprint,
                   r.created_at, 0)::report_change
        from report r
        where r.status in ('unverified', 'verified')
          and r.report_id in (select report_id from changed_evidence)));
    return null;
end;
$$;

create trigger evidence_summarise_insert after insert on evidence
    referencing new table as changed_evidence
    for each statement execute function evidence_summarise();
create trigger evidence_summarise_delete after delete on evidence
    referencing old table as changed_evidence
    for each statement execute function evidence_summarise();

create function evidence_summarise_update() returns trigger
language plpgsql as $$
begin
    perform summaries_apply(array(
        select row(r.seller_id, r.brand_id, r.listing_id, r.reporter_fingerprint,
                   r.created_at, 0)::report_change
        from report r
        where r.status in ('unverified', 'verified')
          and r.report_id in (select o.report_id from old_rows o join new_rows n
                              using (evidence_id)
                              where (o.hidden_at is null) <> (n.hidden_at is null)
                                 or o.report_id <> n.report_id)));
    return null;
end;
$$;

create trigger evidence_summarise_update after update on evidence
    referencing old table as old_rows new table as new_rows
    for each statement execute function evidence_summarise_update();

-- Outcomes: the seller's counts of decided listings, recomputed from its decided rows
-- (listing_brand_seller_outcome_idx) when an outcome or a listing's seller changes.
create function listing_brand_summarise() returns trigger
language plpgsql as $$
declare
    sellers bigint[];
begin
    if tg_op = 'INSERT' then
        sellers := array(select distinct seller_id from new_rows where outcome is not null);
    elsif tg_op = 'DELETE' then
        sellers := array(select distinct seller_id from old_rows where outcome is not null);
    else
        sellers := array(
            select o.seller_id from old_rows o join new_rows n using (listing_id, brand_id)
            where (o.outcome, o.seller_id) is distinct from (n.outcome, n.seller_id)
              and o.outcome is not null
            union
            select n.seller_id from old_rows o join new_rows n using (listing_id, brand_id)
            where (o.outcome, o.seller_id) is distinct from (n.outcome, n.seller_id)
              and n.outcome is not null);
    end if;
    if cardinality(sellers) = 0 then
        return null;
    end if;
    insert into seller_summary as t (seller_id, confirmed_listings, removed_listings,
                                     genuine_listings)
    select s, o.*
    from unnest(sellers) as s
    cross join lateral (
        select count(distinct lb.listing_id) filter (where lb.outcome = 'confirmed_counterfeit'),
               count(distinct lb.listing_id) filter (where lb.outcome = 'removed'),
               count(distinct lb.listing_id) filter (where lb.outcome = 'genuine')
        from listing_brand lb
        where lb.seller_id = s and lb.outcome is not null
    ) o
    order by s
    on conflict (seller_id) do update set
        confirmed_listings = excluded.confirmed_listings,
        removed_listings = excluded.removed_listings,
        genuine_listings = excluded.genuine_listings;
    return null;
end;
$$;

create trigger listing_brand_summarise_insert after insert on listing_brand
    referencing new table as new_rows
    for each statement execute function listing_brand_summarise();
create trigger listing_brand_summarise_update after update on listing_brand
    referencing old table as old_rows new table as new_rows
    for each statement execute function listing_brand_summarise();
create trigger listing_brand_summarise_delete after delete on listing_brand
    referencing old table as old_rows
    for each statement execute function listing_brand_summarise();

-- The site's sellers and brands: those not merged into another.
create function seller_summarise_site() returns trigger
language plpgsql as $$
declare
    n bigint;
begin
    if tg_op = 'INSERT' then
        n := (select count(*) from new_rows where merged_into is null);
    else
        n := (select count(*) filter (where n.merged_into is null)
                     - count(*) filter (where o.merged_into is null)
              from old_rows o join new_rows n using (seller_id));
    end if;
    if n <> 0 then
        update site_summary set sellers = sellers + n where slot = summary_slot();
    end if;
    return null;
end;
$$;

create function brand_summarise_site() returns trigger
language plpgsql as $$
declare
    n bigint;
begin
    if tg_op = 'INSERT' then
        n := (select count(*) from new_rows where merged_into is null);
    else
        n := (select count(*) filter (where n.merged_into is null)
                     - count(*) filter (where o.merged_into is null)
              from old_rows o join new_rows n using (brand_id));
    end if;
    if n <> 0 then
        update site_summary set brands = brands + n where slot = summary_slot();
    end if;
    return null;
end;
$$;

create trigger seller_summarise_insert after insert on seller
    referencing new table as new_rows
    for each statement execute function seller_summarise_site();
create trigger seller_summarise_update after update on seller
    referencing old table as old_rows new table as new_rows
    for each statement execute function seller_summarise_site();
create trigger brand_summarise_insert after insert on brand
    referencing new table as new_rows
    for each statement execute function brand_summarise_site();
create trigger brand_summarise_update after update on brand
    referencing old table as old_rows new table as new_rows
    for each statement execute function brand_summarise_site();

-- The summaries of what is already here.
select summaries_rebuild();

-- "nike" in the seller search offers the Nike brand page: brands are found as sellers are.
create index brand_display_name_trgm_idx on brand using gin (lower(display_name) gin_trgm_ops);
