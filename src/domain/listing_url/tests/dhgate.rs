use super::*;

const DHG: Marketplace = Marketplace::DhGate;

#[test]
fn product_links_give_the_product_id() {
    assert_listings(
        &[
            "https://www.dhgate.com/product/wireless-earbuds-bluetooth/912345678.html",
            "https://www.dhgate.com/product/wireless-earbuds-bluetooth/912345678.html#s1-0-1b;searl|1234567890",
            "https://www.dhgate.com/product/wireless-earbuds-bluetooth/912345678.html?f=bm%7cGFHM%7cpla%7c123&utm_source=pla&utm_medium=GMC&utm_campaign=seller&gclid=Cj0KCQ",
            "https://m.dhgate.com/product/wireless-earbuds-bluetooth/912345678.html",
            "https://m.dhgate.com/product/912345678.html",
            "https://es.dhgate.com/product/auriculares/912345678.html",
            "https://dhgate.com/product/wireless-earbuds/912345678.html",
            "HTTP://WWW.DHGATE.COM/PRODUCT/X/912345678.HTML",
            "www.dhgate.com/product/x/912345678.html",
            "https://www.dhgate.com/product/x/912345678.html/",
        ],
        DHG,
        "912345678",
        "https://www.dhgate.com/product/912345678.html",
    );
}

#[test]
fn store_links_give_the_store_id() {
    assert_stores(
        &[
            "https://www.dhgate.com/store/21234567",
            "https://www.dhgate.com/store/21234567?f=bm%7c1",
            "https://www.dhgate.com/store/top-selling/21234567.html",
            "https://www.dhgate.com/store/21234567.html",
            "https://www.dhgate.com/store/products/21234567.html?pagenum=2",
            "https://m.dhgate.com/store/21234567",
        ],
        DHG,
        "21234567",
        "https://www.dhgate.com/store/21234567",
    );
}

#[test]
fn other_dhgate_pages_are_refused() {
    assert_not_listing(
        &[
            "https://www.dhgate.com/",
            "https://www.dhgate.com/wholesale/search.do?searchkey=earbuds",
            "https://www.dhgate.com/store/21234567",
            "https://www.dhgate.com/product/wireless-earbuds/",
            "https://www.dhgate.com/product/x/12.html",
        ],
        DHG,
    );
    assert_not_store(
        &[
            "https://www.dhgate.com/product/x/912345678.html",
            "https://www.dhgate.com/store/",
        ],
        DHG,
    );
}
