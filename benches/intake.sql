-- pgbench baseline for benches/intake.sh: the very transaction that POST /api/v1/reports runs
-- (src/db/listings.rs, sellers.rs, brands.rs, reports.rs), with the same random spread of
-- sellers, brands and listings as benches/intake.lua: each listing belongs to one store, as
-- intake now insists. Every report gives its own email address, so that each queues a
-- confirmation mail (db::confirmations::queue_mail), which the server's sender then writes
-- to its outbox directory while the benchmark runs.
\set item random(1, 1000000000)
-- :sellers (pgbench -D) is how many sellers the reports spread over: 10000, or 1 for a burst.
\set seller 1100000001 + :item % :sellers
\set brand random(1, 500)
-- The attempt counts against the client's limit first, in a statement of its own
-- (db::rate_limits::HIT_SQL): wrk's requests all come from 127.0.0.1, so they all bump one
-- counter row, as here.
with clock as (
    select extract(epoch from now())::float8 as now
), win as (
    select to_timestamp(floor(now / 3600::float8) * 3600::float8) as window_start,
           now - floor(now / 3600::float8) * 3600::float8 as elapsed
    from clock
), bump as (
    insert into rate_limit as r (bucket, client_key, window_start, expires_at, hits)
    select 'reports', sha256('127.0.0.1'), window_start, window_start + make_interval(secs => 2 * 3600::float8), 1 from win
    on conflict on constraint rate_limit_pkey do update set hits = r.hits + 1
    returning hits
)
select (select hits from bump)::int8 as current,
       coalesce((select r.hits from rate_limit r, win
                 where r.bucket = 'reports' and r.client_key = sha256('127.0.0.1')
                   and r.window_start = win.window_start - make_interval(secs => 3600::float8)),
                0)::int8 as previous,
       (select elapsed from win) as elapsed;
begin;
-- The listing and the seller it is recorded under (0 when new).
select coalesce(max(l.listing_id), 0) as known_listing
from listing l join seller s on s.seller_id = l.seller_id
where l.canonical_url = 'https://www.aliexpress.com/item/' || (1005000000000000 + :item) || '.html' \gset
with s as (
    insert into seller (marketplace, seller_key, name_based, display_name, store_url)
    values ('aliexpress', :seller::text, false, 'Store ' || :seller, 'https://www.aliexpress.com/store/' || :seller)
    on conflict on constraint seller_marketplace_key_unique do update
        set store_url = coalesce(seller.store_url, excluded.store_url)
    returning seller_id, display_name, store_url
), a as (
    insert into seller_alias (seller_id, name, folded_name)
    select seller_id, 'Store ' || :seller, 'store ' || :seller from s where ('Store ' || :seller)::text is not null
    on conflict on constraint seller_alias_name_unique do nothing
)
select seller_id, display_name, store_url from s \gset
with alias as (
    select b.brand_id, b.slug, b.display_name
    from brand_alias a
    join brand b on b.brand_id = a.brand_id
    where a.alias_slug = 'brand-' || :brand
), created as (
    insert into brand (slug, display_name)
    select 'brand-' || :brand, 'Brand ' || :brand where not exists (select 1 from alias)
    on conflict on constraint brand_slug_unique do update set slug = excluded.slug
    returning brand_id, slug, display_name
)
select brand_id, slug, display_name from alias
union all
select brand_id, slug, display_name from created \gset
-- (When two clients record the same new listing at once, the service starts the loser's
-- transaction over; pgbench would stop instead. Among 10^9 items it practically never happens.)
\if :known_listing = 0
insert into listing (marketplace, external_id, canonical_url, seller_id)
values ('aliexpress', (1005000000000000 + :item)::text,
        'https://www.aliexpress.com/item/' || (1005000000000000 + :item) || '.html', :seller_id)
on conflict on constraint listing_canonical_url_unique do nothing
returning listing_id \gset
\else
\set listing_id :known_listing
\endif
insert into report (public_id, listing_id, seller_id, brand_id, product_title,
                    price_amount, price_currency, order_date, reasons, description,
                    reporter_email, reporter_key, reporter_fingerprint, manage_token_hash,
                    seller_name, reporter_network)
values (md5(random()::text), :listing_id, :seller_id, :brand_id, 'Product ' || (1005000000000000 + :item),
        19.99, 'USD', date '2026-10-01', array['price_too_low', 'poor_quality'],
        'The logo is off-centre and the stitching is loose; the price was a tenth of retail.',
        'b' || :item || '@example.com', sha256(('b' || :item)::bytea),
        sha256(('b' || :item)::bytea), sha256(random()::text::bytea),
        'Store ' || :seller, sha256('127.0.0.1'))
returning report_id, public_id;
-- The shown name is recounted (db::sellers::refresh_shown_name); every report here spells its
-- store alike, so the name never changes and the update that would follow never runs.
select s.seller_key, s.name_based, s.display_name,
       coalesce(array_agg(a.name order by a.seller_alias_id)
                    filter (where a.seller_alias_id is not null), '{}') as names,
       coalesce(array_agg(a.folded_name order by a.seller_alias_id)
                    filter (where a.seller_alias_id is not null), '{}') as folded,
       coalesce(array_agg(a.live_reports order by a.seller_alias_id)
                    filter (where a.seller_alias_id is not null), '{}') as live_reports
from seller s
left join seller_alias a on a.seller_id = s.seller_id and a.live_reports > 0
where s.seller_id = :seller_id
group by s.seller_id;
-- The confirmation mail: a per-address lock, then the budget check and the queue rows.
select pg_advisory_xact_lock(hashtextextended(encode(sha256(('b' || :item)::bytea), 'hex'), 8));
with budget as (
    select count(*)
           + (select count(*) from confirmation_budget
              where budget_key = confirmation_budget_key(sha256(('b' || :item)::bytea))
                and counted_from > now() - interval '24 hours') as sent_today,
           count(*) filter (where sent_at is null) as waiting
    from email_confirmation
    where reporter_key = sha256(('b' || :item)::bytea) and created_at > now() - interval '24 hours'
), confirmation as (
    insert into email_confirmation (reporter_key)
    select sha256(('b' || :item)::bytea) from budget where sent_today < 5 and waiting = 0
    returning email_confirmation_id
)
insert into mail (kind, to_address, reporter_key, email_confirmation_id)
select 'confirmation', 'b' || :item || '@example.com', sha256(('b' || :item)::bytea),
       email_confirmation_id
from confirmation
returning mail_id;
commit;
