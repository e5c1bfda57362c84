-- Rights holders: who may pull takedown lists for which brands, the outcomes they record, and
-- the per-(listing, brand) change tracking that makes incremental exports exact.

create table rights_holder (
    rights_holder_id bigint generated always as identity primary key,
    -- How the CLI names the holder ("acme-corp"); derived from the name.
    slug             text not null,
    name             text not null,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    constraint rights_holder_slug_format
        check (slug <> '' and slug = lower(slug) and length(slug) <= 120),
    constraint rights_holder_name_length check (length(name) between 1 and 200),
    constraint rights_holder_slug_unique unique (slug)
);
create trigger rights_holder_updated_at before update on rights_holder
    for each row execute function set_updated_at();

-- A holder's scope, with the IP-right details its complaints repeat on every row.
create table rights_holder_brand (
    rights_holder_id    bigint not null references rights_holder (rights_holder_id)
                            on delete cascade,
    brand_id            bigint not null references brand (brand_id),
    ipr_registration_no text,
    ipr_office          text,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    primary key (rights_holder_id, brand_id),
    constraint rights_holder_brand_ipr_registration_no_length
        check (length(ipr_registration_no) between 1 and 100),
    constraint rights_holder_brand_ipr_office_length check (length(ipr_office) between 1 and 100)
);
create index rights_holder_brand_brand_id_idx on rights_holder_brand (brand_id);
create trigger rights_holder_brand_updated_at before update on rights_holder_brand
    for each row execute function set_updated_at();

create table api_token (
    api_token_id     bigint generated always as identity primary key,
    -- The token's non-secret part ("fwt_<public_id>_<secret>"): finds the row, names the
    -- token in lists and revocations. Only the secret's SHA-256 is kept.
    public_id        text not null,
    rights_holder_id bigint not null references rights_holder (rights_holder_id)
                         on delete cascade,
    secret_hash      bytea not null,
    label            text,
    created_at       timestamptz not null default now(),
    last_used_at     timestamptz,
    revoked_at       timestamptz,
    constraint api_token_public_id_unique unique (public_id),
    constraint api_token_secret_hash_length check (octet_length(secret_hash) = 32),
    constraint api_token_label_length check (length(label) between 1 and 100)
);
create index api_token_rights_holder_id_idx on api_token (rights_holder_id);

-- One row per listing reported for a brand: what takedown lists are made of.
create table listing_brand (
    listing_id    bigint not null references listing (listing_id),
    brand_id      bigint not null references brand (brand_id),
    -- The last transaction that changed anything an export shows (a report filed, updated or
    -- withdrawn, an outcome). Exports hand out their snapshot as the cursor; the next export
    -- returns the rows whose change that snapshot could not see: each change exactly once,
    -- whatever order concurrent transactions commit in (which a sequence cannot promise).
    changed_xid   xid8 not null default pg_current_xact_id(),
    -- The rights holder's latest outcome (history in listing_outcome).
    outcome       text,
    outcome_at    timestamptz,
    created_at    timestamptz not null default now(),
    primary key (brand_id, listing_id),
    constraint listing_brand_outcome_check check (outcome in (
        'removed', 'confirmed_counterfeit', 'genuine', 'rejected_by_marketplace')),
    constraint listing_brand_outcome_complete check ((outcome is null) = (outcome_at is null))
);
create index listing_brand_changed_idx on listing_brand (brand_id, changed_xid);
create index listing_brand_listing_id_idx on listing_brand (listing_id);

-- A takedown row aggregates the live reports of one listing for one brand; without this the
-- planner may read every report of a big brand for each of its listings.
create index report_live_listing_brand_idx on report (listing_id, brand_id)
    where status in ('unverified', 'verified');

-- Every outcome ever recorded, with who and when.
create table listing_outcome (
    listing_outcome_id bigint generated always as identity primary key,
    listing_id         bigint not null,
    brand_id           bigint not null,
    outcome            text not null,
    note               text,
    rights_holder_id   bigint not null references rights_holder (rights_holder_id),
    api_token_id       bigint references api_token (api_token_id),
    created_at         timestamptz not null default now(),
    foreign key (brand_id, listing_id) references listing_brand (brand_id, listing_id),
    constraint listing_outcome_outcome_check check (outcome in (
        'removed', 'confirmed_counterfeit', 'genuine', 'rejected_by_marketplace')),
    constraint listing_outcome_note_length check (length(note) between 1 and 2000)
);
create index listing_outcome_listing_idx on listing_outcome (brand_id, listing_id, created_at);

-- Every export pulled: who, when, which brand, how many rows.
create table export_log (
    export_log_id    bigint generated always as identity primary key,
    rights_holder_id bigint not null references rights_holder (rights_holder_id)
                         on delete cascade,
    api_token_id     bigint references api_token (api_token_id),
    brand_id         bigint not null references brand (brand_id),
    format           text not null,
    preset           text,
    part             integer,
    incremental      boolean not null,
    -- Null until the last row has been sent; stays null when the client went away.
    row_count        bigint,
    created_at       timestamptz not null default now(),
    finished_at      timestamptz
);
create index export_log_holder_idx on export_log (rights_holder_id, created_at desc);

-- Reports mark their (listing, brand) changed. Statement-level, so that a bulk COPY does one
-- upsert rather than one per row.
create function listing_brand_touch_inserted() returns trigger
language plpgsql as $$
begin
    insert into listing_brand (listing_id, brand_id)
    select distinct listing_id, brand_id from new_rows
    on conflict (brand_id, listing_id) do update set changed_xid = pg_current_xact_id();
    return null;
end;
$$;

create function listing_brand_touch_updated() returns trigger
language plpgsql as $$
begin
    insert into listing_brand (listing_id, brand_id)
    select listing_id, brand_id from new_rows
    union
    select listing_id, brand_id from old_rows
    on conflict (brand_id, listing_id) do update set changed_xid = pg_current_xact_id();
    return null;
end;
$$;

create trigger report_touch_listing_brand_insert after insert on report
    referencing new table as new_rows
    for each statement execute function listing_brand_touch_inserted();
create trigger report_touch_listing_brand_update after update on report
    referencing old table as old_rows new table as new_rows
    for each statement execute function listing_brand_touch_updated();

-- Exports also show the listing's seller and the seller's name and store: a change to them
-- marks the listing's rows changed too. Row-level with WHEN, because intake's upserts touch
-- these rows without changing them.
create function listing_brand_touch_listing() returns trigger
language plpgsql as $$
begin
    update listing_brand set changed_xid = pg_current_xact_id()
    where listing_id = new.listing_id;
    return null;
end;
$$;

create function listing_brand_touch_seller() returns trigger
language plpgsql as $$
begin
    update listing_brand lb set changed_xid = pg_current_xact_id()
    from listing l
    where l.listing_id = lb.listing_id and l.seller_id = new.seller_id;
    return null;
end;
$$;

create trigger listing_touch_listing_brand after update on listing
    for each row
    when (old.seller_id is distinct from new.seller_id
          or old.canonical_url is distinct from new.canonical_url)
    execute function listing_brand_touch_listing();
create trigger seller_touch_listing_brand after update on seller
    for each row
    when (old.display_name is distinct from new.display_name
          or old.store_url is distinct from new.store_url
          or old.seller_key is distinct from new.seller_key)
    execute function listing_brand_touch_seller();

-- Reports filed before this migration.
insert into listing_brand (listing_id, brand_id)
select distinct listing_id, brand_id from report;
