use super::*;

const ALI: Marketplace = Marketplace::Alibaba;
const CANONICAL: &str = "https://www.alibaba.com/product-detail/_1600123456789.html";

#[test]
fn product_links_give_the_product_id() {
    assert_listings(
        &[
            "https://www.alibaba.com/product-detail/Wireless-Earbuds-TWS-Bluetooth_1600123456789.html",
            "https://www.alibaba.com/product-detail/Wireless-Earbuds-TWS-Bluetooth_1600123456789.html?spm=a2700.galleryofferlist.normal_offer.d_title.1a2b3c&s=p",
            "https://www.alibaba.com/product-detail/New_Arrival_Custom_Logo_1600123456789.html",
            "https://www.alibaba.com/product-detail/_1600123456789.html",
            "https://www.alibaba.com/product-detail/1600123456789.html",
            "https://m.alibaba.com/product/1600123456789/Wireless-Earbuds.html",
            "https://m.alibaba.com/product/1600123456789.html?from=share",
            "http://WWW.ALIBABA.COM/product-detail/X_1600123456789.html",
            "alibaba.com/product-detail/X_1600123456789.html",
            "https://www.alibaba.com/product-detail/X_1600123456789.html#detail",
        ],
        ALI,
        "1600123456789",
        CANONICAL,
    );
}

#[test]
fn supplier_site_products_give_the_supplier_as_hint() {
    let input = "https://shenzhen-audio.en.alibaba.com/product/1600123456789-801234567/Wireless_Earbuds.html?spm=a2700.shop";
    assert_listing(input, ALI, "1600123456789", CANONICAL);
    assert_hint(
        input,
        Some(("shenzhen-audio", "https://shenzhen-audio.en.alibaba.com/")),
    );
    assert_hint(CANONICAL, None);
}

#[test]
fn supplier_subdomains_are_stores() {
    assert_stores(
        &[
            "https://shenzhen-audio.en.alibaba.com/",
            "https://shenzhen-audio.en.alibaba.com",
            "https://shenzhen-audio.en.alibaba.com/productlist.html?spm=a2700.shop_index",
            "https://shenzhen-audio.en.alibaba.com/company_profile.html#top-nav-bar",
            "https://Shenzhen-Audio.EN.alibaba.com/",
            "https://shenzhen-audio.m.en.alibaba.com/",
            "shenzhen-audio.en.alibaba.com/contactinfo.html",
        ],
        ALI,
        "shenzhen-audio",
        "https://shenzhen-audio.en.alibaba.com/",
    );
}

#[test]
fn other_alibaba_pages_are_refused() {
    assert_not_listing(
        &[
            "https://www.alibaba.com/",
            "https://www.alibaba.com/trade/search?SearchText=earbuds",
            "https://www.alibaba.com/product-detail/No-Id-Here.html",
            "https://shenzhen-audio.en.alibaba.com/",
            "https://sale.alibaba.com/p/rank/detail.html",
        ],
        ALI,
    );
    assert_not_store(
        &[
            CANONICAL,
            "https://www.alibaba.com/",
            "https://www.en.alibaba.com/",
            "https://m.en.alibaba.com/",
            "https://message.alibaba.com/msgsend/contact.htm",
        ],
        ALI,
    );
}

#[test]
fn other_alibaba_group_sites_are_not_alibaba_com() {
    assert_other(&["https://detail.1688.com/offer/612345678901.html"]);
}
