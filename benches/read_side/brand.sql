-- The bare lookup any brand page (and its Atom feed) must at least do, for
-- benches/read_side.sh: the brand's row by its slug and its 20 newest live reports through
-- report_live_brand_idx, each with the listing it is about, in one round trip.
select b.brand_id, b.display_name, r.public_id, r.status, r.created_at, r.product_title,
       r.reasons, r.order_date, r.description, l.external_id, l.canonical_url
from brand b
left join lateral (
    select * from report r
    where r.brand_id = b.brand_id and r.status in ('unverified', 'verified')
    order by r.created_at desc, r.report_id desc
    limit 20
) r on true
left join listing l on l.listing_id = r.listing_id
where b.slug = :slug;
