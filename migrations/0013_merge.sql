-- Moderators' corrections to the catalogue: the name a seller is shown under, chosen by a
-- moderator, and merges of a seller or brand into another (two store records, or two
-- spellings of a brand, that are one).

-- When a moderator chose the seller's display name. While set, reporters' spellings no longer
-- change it (`db::sellers::refresh_shown_name` leaves it alone); null: the name comes from
-- the spellings live reports gave, as before.
alter table seller add column display_name_set_at timestamptz;

-- The seller this one was merged into. The merged seller keeps its row, with no reports,
-- listings or spellings left, so that its old key still resolves: its page and API answer a
-- redirect, and reports naming its store are filed under the kept one. Merges repoint the
-- sellers merged into the one being merged, so this always names a seller not itself merged:
-- one hop.
alter table seller
    add column merged_into bigint,
    add constraint seller_merged_into_fkey foreign key (merged_into) references seller (seller_id),
    add constraint seller_merged_into_not_self check (merged_into <> seller_id);
-- Finds the sellers merged into one (repointing them, listing them on its moderation page).
create index seller_merged_into_idx on seller (merged_into) where merged_into is not null;

-- The same for brands: the merged brand's slug also becomes a `brand_alias` of the kept one,
-- so that typing its name files under the kept brand.
alter table brand
    add column merged_into bigint,
    add constraint brand_merged_into_fkey foreign key (merged_into) references brand (brand_id),
    add constraint brand_merged_into_not_self check (merged_into <> brand_id);
create index brand_merged_into_idx on brand (merged_into) where merged_into is not null;
