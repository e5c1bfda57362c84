-- The bare lookup any seller page must at least do, for benches/read_side.sh: the seller's row
-- by its key and its 20 newest live reports through report_live_seller_idx, each with the
-- listing it is about, in one round trip. No counts: what the page adds on top of this is
-- what the benchmark measures.
select s.seller_id, s.display_name, r.public_id, r.status, r.created_at, r.product_title,
       r.reasons, r.order_date, r.description, l.external_id, l.canonical_url
from seller s
left join lateral (
    select * from report r
    where r.seller_id = s.seller_id and r.status in ('unverified', 'verified')
    order by r.created_at desc, r.report_id desc
    limit 20
) r on true
left join listing l on l.listing_id = r.listing_id
where s.marketplace = :marketplace and s.seller_key = :seller_key;
