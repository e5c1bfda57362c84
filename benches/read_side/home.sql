-- The bare lookup the home page must at least do, for benches/read_side.sh: the 20 newest
-- live reports through report_live_created_idx, each with the listing it is about.
select r.public_id, r.status, r.created_at, r.product_title, r.reasons, r.order_date,
       r.description, l.external_id, l.canonical_url
from (
    select * from report
    where status in ('unverified', 'verified')
    order by created_at desc, report_id desc
    limit 20
) r
join listing l on l.listing_id = r.listing_id
order by r.created_at desc, r.report_id desc;
