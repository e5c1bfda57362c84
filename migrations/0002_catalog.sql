-- What reports point at: marketplaces' sellers, their listings, and the brands being faked.
-- Marketplace slugs mirror `domain::Marketplace::as_str`.

create table seller (
    seller_id    bigint generated always as identity primary key,
    marketplace  text not null,
    -- The marketplace's own stable id (store number, merchant id, user name) when a URL gave
    -- one; otherwise the buyer's seller name, folded (see name_based).
    seller_key   text not null,
    -- true when the key comes from a typed name rather than a URL: weaker identity, shown as such.
    name_based   boolean not null default false,
    display_name text not null,
    store_url    text,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    constraint seller_marketplace_check check (marketplace in (
        'aliexpress', 'amazon', 'ebay', 'temu', 'shein', 'dhgate', 'alibaba', 'wish', 'etsy',
        'walmart', 'shopee', 'lazada', 'mercadolibre', 'taobao', 'tmall', 'other')),
    constraint seller_key_length check (length(seller_key) between 1 and 600),
    constraint seller_display_name_length check (length(display_name) between 1 and 300),
    constraint seller_marketplace_key_unique unique (marketplace, seller_key)
);
create trigger seller_updated_at before update on seller
    for each row execute function set_updated_at();

-- Other names a seller has been reported under; moderators merge more later.
create table seller_alias (
    seller_alias_id bigint generated always as identity primary key,
    seller_id       bigint not null references seller (seller_id) on delete cascade,
    name            text not null,
    folded_name     text not null,
    created_at      timestamptz not null default now(),
    constraint seller_alias_name_length check (length(name) between 1 and 300),
    constraint seller_alias_unique unique (seller_id, folded_name)
);

create table brand (
    brand_id     bigint generated always as identity primary key,
    slug         text not null,
    display_name text not null,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    constraint brand_slug_format check (slug <> '' and slug = lower(slug) and length(slug) <= 120),
    constraint brand_display_name_length check (length(display_name) between 1 and 120),
    constraint brand_slug_unique unique (slug)
);
create trigger brand_updated_at before update on brand
    for each row execute function set_updated_at();

-- Spellings that resolve to an existing brand ("LV" -> louis-vuitton); filled by moderators.
create table brand_alias (
    alias_slug text primary key,
    brand_id   bigint not null references brand (brand_id) on delete cascade,
    created_at timestamptz not null default now()
);
create index brand_alias_brand_id_idx on brand_alias (brand_id);

create table listing (
    listing_id    bigint generated always as identity primary key,
    marketplace   text not null,
    -- The marketplace's listing id: AliExpress item id, ASIN, eBay item number, ...
    external_id   text not null,
    canonical_url text not null,
    seller_id     bigint not null references seller (seller_id),
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint listing_marketplace_check check (marketplace in (
        'aliexpress', 'amazon', 'ebay', 'temu', 'shein', 'dhgate', 'alibaba', 'wish', 'etsy',
        'walmart', 'shopee', 'lazada', 'mercadolibre', 'taobao', 'tmall', 'other')),
    constraint listing_external_id_length check (length(external_id) between 1 and 2100),
    -- Not (marketplace, external_id): ASINs and Shopee/Lazada/Walmart ids are per country
    -- site, and the canonical URL carries the site.
    constraint listing_canonical_url_unique unique (canonical_url)
);
create index listing_marketplace_external_id_idx on listing (marketplace, external_id);
create index listing_seller_id_idx on listing (seller_id);
create trigger listing_updated_at before update on listing
    for each row execute function set_updated_at();
