-- Who writes `listing_brand.changed_xid`, and who reads it. Incremental takedown exports are
-- only correct if every change to what an export row shows marks the row changed in the same
-- transaction; a new write path that forgets is a silent gap in brand owners' lists. This
-- list lives in the database (`\d+ listing_brand` shows it) because 0005, where the column is
-- made, cannot be edited once applied (sqlx checks every applied migration's checksum).
--
-- Writers (each sets it to pg_current_xact_id()):
--   triggers  report insert/update: listing_brand_touch_inserted/_updated (0005)
--             listing's seller or address changed: listing_brand_touch_listing (0005)
--             seller's name, store or key changed: listing_brand_touch_seller (0005)
--             evidence hidden or shown: listing_brand_touch_evidence (0012)
--   src/db    takedowns.rs  an outcome recorded for the listing
--             rights_holders.rs  a holder's IPR registration for the brand changed
--             curation.rs  a moderator renamed the brand
--             merges.rs  a brand merged into another (moved rows, and the kept brand's rows
--                        for holders new to it)
-- Reader: src/db/takedowns.rs, the export's `since`/`until` snapshot filter, through
-- listing_brand_changed_idx (brand_id, changed_xid).
comment on column listing_brand.changed_xid is
    'Last transaction that changed what an export row shows. Writers: report, listing, seller '
    'and evidence triggers (0005, 0012); src/db/takedowns.rs (outcomes), rights_holders.rs '
    '(IPR details), curation.rs (brand rename), merges.rs (brand merge). Reader: the takedown '
    'export''s since/until filter in src/db/takedowns.rs. See migrations/0015.';
