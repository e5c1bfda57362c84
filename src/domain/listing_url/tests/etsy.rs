use super::*;

const ETSY: Marketplace = Marketplace::Etsy;
const CANONICAL: &str = "https://www.etsy.com/listing/1234567890";

#[test]
fn listing_links_give_the_listing_id() {
    assert_listings(
        &[
            "https://www.etsy.com/listing/1234567890/handmade-silver-ring",
            "https://www.etsy.com/listing/1234567890/handmade-silver-ring?click_key=abc123&click_sum=def45&ref=hp_rv-1&pro=1&sts=1",
            "https://www.etsy.com/listing/1234567890/handmade-silver-ring?ga_order=most_relevant&ga_search_type=all&ga_view_type=gallery&ga_search_query=ring&ref=sr_gallery-1-3&frs=1&bes=1&content_source=abc",
            "https://www.etsy.com/listing/1234567890",
            "https://www.etsy.com/listing/1234567890/",
            "https://www.etsy.com/uk/listing/1234567890/handmade-silver-ring",
            "https://www.etsy.com/de/listing/1234567890/handgemachter-silberring",
            "https://www.etsy.com/de-en/listing/1234567890/handmade-silver-ring?ref=share",
            "https://www.etsy.com/fr/listing/1234567890/bague?variation0=123",
            "https://m.etsy.com/listing/1234567890",
            "https://etsy.com/listing/1234567890/x",
            "HTTP://WWW.ETSY.COM/LISTING/1234567890/X",
            "www.etsy.com/listing/1234567890/x#reviews",
        ],
        ETSY,
        "1234567890",
        CANONICAL,
    );
}

#[test]
fn listings_on_a_shop_subdomain_give_the_shop_as_hint() {
    let input = "https://silverstudio.etsy.com/listing/1234567890/handmade-silver-ring";
    assert_listing(input, ETSY, "1234567890", CANONICAL);
    assert_hint(
        input,
        Some(("silverstudio", "https://www.etsy.com/shop/silverstudio")),
    );
    assert_hint(CANONICAL, None);
}

#[test]
fn shop_links_give_the_lowercased_shop_name() {
    assert_stores(
        &[
            "https://www.etsy.com/shop/SilverStudio",
            "https://www.etsy.com/shop/silverstudio?ref=simple-shop-header-name&listing_id=1234567890",
            "https://www.etsy.com/uk/shop/SilverStudio",
            "https://www.etsy.com/shop/SilverStudio/reviews",
            "https://www.etsy.com/shop/SilverStudio#about",
            "https://silverstudio.etsy.com/",
            "https://SilverStudio.etsy.com",
            "etsy.com/shop/SilverStudio",
        ],
        ETSY,
        "silverstudio",
        "https://www.etsy.com/shop/silverstudio",
    );
}

#[test]
fn other_etsy_pages_are_refused() {
    assert_not_listing(
        &[
            "https://www.etsy.com/",
            "https://www.etsy.com/search?q=silver+ring",
            "https://www.etsy.com/c/jewelry/rings",
            "https://www.etsy.com/shop/SilverStudio",
            "https://www.etsy.com/listing/abc/x",
            "https://help.etsy.com/hc/en-us",
        ],
        ETSY,
    );
    assert_not_store(
        &[
            CANONICAL,
            "https://www.etsy.com/",
            "https://help.etsy.com/hc/en-us",
            "https://www.etsy.com/shop/",
        ],
        ETSY,
    );
}

#[test]
fn etsy_short_links_are_other_websites() {
    assert_other(&["https://etsy.me/3AbCdEf"]);
}
