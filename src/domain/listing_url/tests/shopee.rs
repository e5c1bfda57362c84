use super::*;

const SHOPEE: Marketplace = Marketplace::Shopee;

#[test]
fn product_links_give_shop_and_item_ids() {
    assert_listings(
        &[
            "https://shopee.sg/Wireless-Earbuds-Bluetooth-5.3-i.123456789.23456789012",
            "https://shopee.sg/Wireless-Earbuds-Bluetooth-5.3-i.123456789.23456789012?sp_atk=1a2b3c4d-5e6f&xptdk=1a2b3c4d-5e6f",
            "https://shopee.sg/%E8%80%B3%E6%9C%BA-i.123456789.23456789012",
            "https://shopee.sg/product/123456789/23456789012",
            "https://shopee.sg/product/123456789/23456789012/",
            "https://shopee.sg/product/123456789/23456789012?smtt=0.0.9",
            "https://shopee.sg/universal-link/product/123456789/23456789012?deep_and_deferred=1",
            "https://shopee.sg/i.123456789.23456789012",
            "http://SHOPEE.SG/Earbuds-i.123456789.23456789012",
            "https://www.shopee.sg/Earbuds-i.123456789.23456789012",
            "shopee.sg/Earbuds-i.123456789.23456789012#reviews",
        ],
        SHOPEE,
        "123456789.23456789012",
        "https://shopee.sg/product/123456789/23456789012",
    );
}

#[test]
fn every_shopee_country_keeps_its_tld() {
    for tld in [
        "sg", "com.my", "co.th", "ph", "vn", "co.id", "tw", "com.br", "com.mx", "cl", "com.co",
    ] {
        assert_listing(
            &format!("https://shopee.{tld}/x-i.1.2"),
            SHOPEE,
            "1.2",
            &format!("https://shopee.{tld}/product/1/2"),
        );
    }
}

#[test]
fn the_shop_is_the_seller_hint() {
    assert_hint(
        "https://shopee.co.id/Kaos-i.98765.4321",
        Some(("98765", "https://shopee.co.id/shop/98765")),
    );
}

#[test]
fn shop_links_give_the_shop_id_or_user_name() {
    assert_stores(
        &[
            "https://shopee.sg/shop/123456789",
            "https://shopee.sg/shop/123456789/search?shopCollection=1",
            "https://shopee.sg/shop/123456789?page=0",
            "https://shopee.sg/Earbuds-i.123456789.23456789012",
            // Looks like a user name, but is a product.
            "https://shopee.sg/i.123456789.23456789012",
            "https://shopee.sg/product/123456789/1",
        ],
        SHOPEE,
        "123456789",
        "https://shopee.sg/shop/123456789",
    );
    assert_stores(
        &[
            "https://shopee.sg/gadget.world_sg",
            "https://shopee.sg/Gadget.World_SG?categoryId=100013&entryPoint=ShopByPDP&itemId=23456789012",
            "https://shopee.sg/gadget.world_sg/",
        ],
        SHOPEE,
        "gadget.world_sg",
        "https://shopee.sg/gadget.world_sg",
    );
}

#[test]
fn other_shopee_pages_are_refused() {
    assert_not_listing(
        &[
            "https://shopee.sg/",
            "https://shopee.sg/search?keyword=earbuds",
            "https://shopee.sg/Mobile-Gadgets-cat.11013350",
            "https://shopee.sg/shop/123456789",
            "https://shopee.sg/gadget.world_sg",
            "https://shopee.sg/Earbuds-i.123456789",
            "https://shopee.sg/Earbuds-i.abc.def",
        ],
        SHOPEE,
    );
    assert_not_store(
        &[
            "https://shopee.sg/",
            "https://shopee.sg/cart",
            "https://shopee.sg/search?keyword=earbuds",
            "https://shopee.sg/Mobile-Gadgets-cat.11013350",
            "https://shopee.sg/flash_sale",
            "https://shopee.sg/a/b",
        ],
        SHOPEE,
    );
}

#[test]
fn short_links_are_other_websites() {
    assert_other(&["https://shope.ee/AbCdEf123", "https://s.shopee.sg/AbCdEf"]);
}
