use super::*;

const LAZ: Marketplace = Marketplace::Lazada;

#[test]
fn product_links_give_the_item_id() {
    assert_listings(
        &[
            "https://www.lazada.sg/products/wireless-earbuds-bluetooth-53-i2345678901-s12345678901.html",
            "https://www.lazada.sg/products/wireless-earbuds-bluetooth-53-i2345678901-s12345678901.html?spm=a2o42.searchlist.list.1.1a2b3c&search=1&mp=1&c=fs&clickTrackInfo=query%3Aearbuds",
            "https://www.lazada.sg/products/wireless-earbuds-i2345678901.html",
            "https://www.lazada.sg/products/intel-core-i5-laptop-i2345678901-s12345678901.html",
            "https://www.lazada.sg/products/gaming-pc-i9000-bundle-i2345678901-s12345678901.html",
            "https://www.lazada.sg/products/pdp-i2345678901.html",
            "https://www.lazada.sg/products/i2345678901.html",
            "https://www.lazada.sg/products/i2345678901-s12345678901.html?urlFlag=true&mp=1",
            "https://lazada.sg/products/x-i2345678901-s1.html",
            "https://m.lazada.sg/products/x-i2345678901-s1.html",
            "HTTP://WWW.LAZADA.SG/PRODUCTS/X-I2345678901-S1.HTML",
            "www.lazada.sg/products/x-i2345678901.html#module_product_review",
        ],
        LAZ,
        "2345678901",
        "https://www.lazada.sg/products/i2345678901.html",
    );
}

#[test]
fn every_lazada_country_keeps_its_tld() {
    for tld in ["sg", "com.my", "co.th", "com.ph", "vn", "co.id"] {
        assert_listing(
            &format!("https://www.lazada.{tld}/products/x-i123456-s7.html"),
            LAZ,
            "123456",
            &format!("https://www.lazada.{tld}/products/i123456.html"),
        );
    }
}

#[test]
fn shop_links_give_the_shop_name() {
    assert_stores(
        &[
            "https://www.lazada.sg/shop/gadget-world/",
            "https://www.lazada.sg/shop/Gadget-World/?path=index.htm&tab=promotion",
            "https://www.lazada.sg/shop/gadget-world/?spm=a2o42.pdp_revamp.seller.1",
            "https://lazada.sg/shop/gadget-world",
        ],
        LAZ,
        "gadget-world",
        "https://www.lazada.sg/shop/gadget-world",
    );
}

#[test]
fn other_lazada_pages_are_refused() {
    assert_not_listing(
        &[
            "https://www.lazada.sg/",
            "https://www.lazada.sg/catalog/?q=earbuds",
            "https://www.lazada.sg/shop-mobiles/",
            "https://www.lazada.sg/shop/gadget-world/",
            "https://www.lazada.sg/products/wireless-earbuds.html",
        ],
        LAZ,
    );
    assert_not_store(
        &[
            "https://www.lazada.sg/products/x-i2345678901.html",
            "https://www.lazada.sg/shop/",
        ],
        LAZ,
    );
}

#[test]
fn short_links_are_other_websites() {
    assert_other(&[
        "https://s.lazada.sg/s.AbCd",
        "https://c.lazada.co.id/t/c.AbCd",
    ]);
}
