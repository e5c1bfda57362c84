use super::*;

const WISH: Marketplace = Marketplace::Wish;
const ID: &str = "5f1a2b3c4d5e6f7a8b9c0d1e";
const CANONICAL: &str = "https://www.wish.com/product/5f1a2b3c4d5e6f7a8b9c0d1e";

#[test]
fn product_links_give_the_product_id() {
    assert_listings(
        &[
            "https://www.wish.com/product/5f1a2b3c4d5e6f7a8b9c0d1e",
            "https://www.wish.com/product/5f1a2b3c4d5e6f7a8b9c0d1e?from_ad=goog_shopping&_display_country_code=US&_force_currency_code=USD&pid=5f1a2b3c4d5e6f7a8b9c0d1e&utm_source=google",
            "https://www.wish.com/c/5f1a2b3c4d5e6f7a8b9c0d1e",
            "https://www.wish.com/feed/tabbed_feed_latest/product/5f1a2b3c4d5e6f7a8b9c0d1e",
            "https://www.wish.com/search/earbuds/product/5f1a2b3c4d5e6f7a8b9c0d1e?source=search",
            "https://www.wish.com/?pid=5f1a2b3c4d5e6f7a8b9c0d1e&share=web",
            "https://wish.com/product/5F1A2B3C4D5E6F7A8B9C0D1E",
            "http://m.wish.com/product/5f1a2b3c4d5e6f7a8b9c0d1e/",
            "wish.com/c/5f1a2b3c4d5e6f7a8b9c0d1e",
            "https://www.wish.com/product/5f1a2b3c4d5e6f7a8b9c0d1e#reviews",
        ],
        WISH,
        ID,
        CANONICAL,
    );
}

#[test]
fn merchant_links_give_the_merchant() {
    assert_stores(
        &[
            "https://www.wish.com/merchant/gadgetworld",
            "https://www.wish.com/merchant/GadgetWorld?source=merchant",
            "https://wish.com/merchant/gadgetworld/",
        ],
        WISH,
        "gadgetworld",
        "https://www.wish.com/merchant/gadgetworld",
    );
    assert_store(
        "https://www.wish.com/merchant/5a1b2c3d4e5f6a7b8c9d0e1f",
        WISH,
        "5a1b2c3d4e5f6a7b8c9d0e1f",
        "https://www.wish.com/merchant/5a1b2c3d4e5f6a7b8c9d0e1f",
    );
}

#[test]
fn other_wish_pages_are_refused() {
    assert_not_listing(
        &[
            "https://www.wish.com/",
            "https://www.wish.com/search/earbuds",
            "https://www.wish.com/product/12345",
            "https://www.wish.com/product/5f1a2b3c4d5e6f7a8b9c0d1z",
            "https://www.wish.com/merchant/gadgetworld",
        ],
        WISH,
    );
    assert_not_store(&[CANONICAL, "https://www.wish.com/merchant/"], WISH);
}
