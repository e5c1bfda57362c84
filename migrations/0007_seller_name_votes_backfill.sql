-- Reports filed before 0006 kept no spelling of their seller's name, so they voted for none:
-- the first report or withdrawal after the upgrade would have recounted an established store's
-- name from that one report (or shown its bare id). Each such live report now votes for the
-- name its seller is shown under today, which is what it was shown under when the report was
-- filed or since. Which other aliases those reports gave is not known; those stay hidden until
-- a new report gives them again.

-- The shown name as a spelling, where it is one (a store shown under its id has none). The
-- folded form is approximated with lower(): `domain::fold` is Rust, and folded_name only groups
-- spellings for display.
insert into seller_alias (seller_id, name, folded_name)
select s.seller_id, s.display_name, lower(s.display_name)
from seller s
where s.display_name <> s.seller_key
  and exists (select 1 from report r
              where r.seller_id = s.seller_id and r.seller_name is null
                and r.status in ('unverified', 'verified'))
on conflict on constraint seller_alias_name_unique do nothing;

-- The statement trigger of 0006 counts these votes.
update report r
set seller_name = s.display_name
from seller s
where s.seller_id = r.seller_id
  and r.seller_name is null
  and r.status in ('unverified', 'verified')
  and s.display_name <> s.seller_key;
