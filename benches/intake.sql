-- pgbench baseline for benches/intake.sh: the very transaction that POST /api/v1/reports runs
-- (src/db/sellers.rs, brands.rs, listings.rs, reports.rs), with the same random spread of
-- sellers, brands and listings as benches/intake.lua.
\set seller random(1100000001, 1100010000)
\set brand random(1, 500)
\set item random(1, 1000000000)
begin;
with s as (
    insert into seller (marketplace, seller_key, name_based, display_name, store_url)
    values ('aliexpress', :seller::text, false, 'Store ' || :seller, 'https://www.aliexpress.com/store/' || :seller)
    on conflict on constraint seller_marketplace_key_unique do update
        set store_url = coalesce(seller.store_url, excluded.store_url)
    returning seller_id, display_name
), a as (
    insert into seller_alias (seller_id, name, folded_name)
    select seller_id, 'Store ' || :seller, 'store ' || :seller from s where ('Store ' || :seller)::text is not null
    on conflict on constraint seller_alias_unique do nothing
)
select seller_id, display_name from s \gset
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
insert into listing (marketplace, external_id, canonical_url, seller_id)
values ('aliexpress', (1005000000000000 + :item)::text,
        'https://www.aliexpress.com/item/' || (1005000000000000 + :item) || '.html', :seller_id)
on conflict on constraint listing_canonical_url_unique do update
    set seller_id = case
        when listing.seller_id <> excluded.seller_id
             and (select name_based from seller where seller_id = listing.seller_id)
             and not (select name_based from seller where seller_id = excluded.seller_id)
        then excluded.seller_id
        else listing.seller_id
    end
returning listing_id \gset
insert into report (public_id, listing_id, seller_id, brand_id, product_title,
                    price_amount, price_currency, order_date, reasons, description,
                    reporter_email, reporter_key, reporter_fingerprint, manage_token_hash)
values (md5(random()::text), :listing_id, :seller_id, :brand_id, 'Product ' || (1005000000000000 + :item),
        19.99, 'USD', date '2026-10-01', array['price_too_low', 'poor_quality'],
        'The logo is off-centre and the stitching is loose; the price was a tenth of retail.',
        null, null, sha256(random()::text::bytea), sha256(random()::text::bytea))
on conflict (listing_id, reporter_key) where status <> 'withdrawn' do update set
    seller_id = excluded.seller_id
returning report_id, public_id, (xmax = 0) as created;
commit;
