-- The bare lookup a name search must at least do, for benches/read_side.sh: the 20 sellers
-- whose names are most like the (folded) query, by trigram similarity through
-- seller_display_name_trgm_idx. No aliases, no counts.
select seller_id, marketplace, seller_key, display_name
from seller
where merged_into is null and lower(display_name) % :q
order by similarity(lower(display_name), :q) desc, seller_id
limit 20;
