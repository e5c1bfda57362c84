-- Buyers' reports and their evidence files.

create table report (
    report_id            bigint generated always as identity primary key,
    -- What URLs and the API show: random, so ids can be neither guessed nor counted.
    public_id            text not null,
    listing_id           bigint not null references listing (listing_id),
    seller_id            bigint not null references seller (seller_id),
    brand_id             bigint not null references brand (brand_id),
    product_title        text,
    -- numeric, never float: money is exact. Scale checked against the currency in code.
    price_amount         numeric(18, 4),
    price_currency       text,
    order_date           date,
    reasons              text[] not null,
    description          text not null,
    -- Private: never selected by public queries.
    reporter_email       text,
    -- HMAC of the folded email: "the same reporter" for the one-report-per-listing rule.
    reporter_key         bytea,
    -- HMAC of the email, or of the network address when no email was given: lets later
    -- features count distinct reporters without keeping the address itself.
    reporter_fingerprint bytea not null,
    status               text not null default 'unverified',
    -- SHA-256 of the manage token; the token itself is shown once and never stored.
    manage_token_hash    bytea not null,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    constraint report_public_id_unique unique (public_id),
    constraint report_status_check
        check (status in ('unverified', 'verified', 'rejected', 'withdrawn')),
    constraint report_product_title_length check (length(product_title) between 1 and 300),
    constraint report_price_positive check (price_amount > 0),
    constraint report_price_currency_format check (price_currency ~ '^[A-Z]{3}$'),
    constraint report_price_complete check ((price_amount is null) = (price_currency is null)),
    constraint report_reasons_valid check (
        cardinality(reasons) between 1 and 8
        and reasons <@ array['price_too_low', 'logo_or_packaging_mismatch', 'poor_quality',
                             'missing_or_invalid_serial', 'marketed_as_replica', 'safety_hazard',
                             'brand_confirmed_fake', 'other']),
    constraint report_description_length check (length(description) between 1 and 5000),
    constraint report_reporter_email_length check (length(reporter_email) <= 254),
    constraint report_manage_token_hash_length check (octet_length(manage_token_hash) = 32)
);
create index report_listing_id_idx on report (listing_id);
create index report_seller_id_created_at_idx on report (seller_id, created_at desc);
create index report_brand_id_created_at_idx on report (brand_id, created_at desc);
-- One live report per reporter and listing: filing again updates it (ON CONFLICT target).
create unique index report_reporter_listing_unique on report (listing_id, reporter_key)
    where status <> 'withdrawn';
create trigger report_updated_at before update on report
    for each row execute function set_updated_at();

create table evidence (
    evidence_id bigint generated always as identity primary key,
    public_id   text not null,
    report_id   bigint not null references report (report_id) on delete cascade,
    sha256      bytea not null,
    media_type  text not null,
    byte_size   integer not null,
    width       integer,
    height      integer,
    -- Content-addressed key in the object store; shared by reports that upload the same file.
    storage_key text not null,
    created_at  timestamptz not null default now(),
    constraint evidence_public_id_unique unique (public_id),
    constraint evidence_sha256_length check (octet_length(sha256) = 32),
    constraint evidence_media_type_check
        check (media_type in ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
    constraint evidence_byte_size_positive check (byte_size > 0),
    constraint evidence_pixels_positive check (
        (width is null and height is null) or (width > 0 and height > 0)),
    constraint evidence_report_sha256_unique unique (report_id, sha256)
);
create index evidence_storage_key_idx on evidence (storage_key);
