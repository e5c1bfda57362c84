use super::*;

const AE: Marketplace = Marketplace::AliExpress;
const ID: &str = "1005005123456789";
const CANONICAL: &str = "https://www.aliexpress.com/item/1005005123456789.html";

#[test]
fn item_links_with_tracking_junk_give_the_item_id() {
    assert_listings(
        &[
            "https://www.aliexpress.com/item/1005005123456789.html",
            "https://www.aliexpress.com/item/1005005123456789.html?spm=a2g0o.productlist.main.1.5f2a3c&algo_pvid=3e1d-41&algo_exp_id=3e1d-41-0&pdp_npi=4%40dis%21EUR%2112.34%2110.00%21%21%21&curPageLogUid=Xyz",
            "https://www.aliexpress.com/item/1005005123456789.html?aff_fcid=abc&aff_fsk=_DmNx&aff_platform=link-c-tool&sk=_DmNx&aff_trace_key=def&terminal_id=9f8e&afSmartRedirect=y",
            "https://www.aliexpress.com/item/1005005123456789.html?gatewayAdapt=glo2esp&_randl_currency=EUR&_randl_shipto=ES",
            "https://www.aliexpress.com/item/1005005123456789.html#nav-review",
            "https://www.aliexpress.com/item/1005005123456789.html?pvid=1d2c&scm=1007.1234&scm_id=1007.1234",
        ],
        AE,
        ID,
        CANONICAL,
    );
}

#[test]
fn every_country_and_mobile_subdomain_maps_to_www() {
    for sub in [
        "es", "fr", "de", "pt", "ru", "ja", "ko", "ar", "he", "it", "nl", "pl", "tr", "th", "vi",
        "id", "m", "www",
    ] {
        assert_listing(
            &format!("https://{sub}.aliexpress.com/item/{ID}.html?gatewayAdapt=glo2{sub}"),
            AE,
            ID,
            CANONICAL,
        );
    }
}

#[test]
fn us_and_russian_domains_share_the_item_ids() {
    assert_listings(
        &[
            "https://www.aliexpress.us/item/1005005123456789.html?gatewayAdapt=glo2usa4itemAdapt",
            "https://m.aliexpress.us/item/1005005123456789.html",
            "https://aliexpress.ru/item/1005005123456789.html?sku_id=12000033311234567",
            "https://m.aliexpress.ru/item/1005005123456789.html",
            "https://aliexpress.us/item/1005005123456789.html",
        ],
        AE,
        ID,
        CANONICAL,
    );
}

#[test]
fn short_item_paths_and_title_slugs_are_understood() {
    assert_listings(
        &[
            "https://www.aliexpress.com/i/1005005123456789.html",
            "https://www.aliexpress.com/item/Wireless-Earbuds-Bluetooth-5-3/1005005123456789.html",
            "https://www.aliexpress.com/item/1005005123456789.html/",
            "https://www.aliexpress.com/item/1005005123456789",
            "https://m.aliexpress.com/app/web/item/detail.html?productId=1005005123456789",
        ],
        AE,
        ID,
        CANONICAL,
    );
}

#[test]
fn case_scheme_port_and_spacing_do_not_matter() {
    assert_listings(
        &[
            "HTTPS://WWW.ALIEXPRESS.COM/ITEM/1005005123456789.HTML",
            "http://aliexpress.com/item/1005005123456789.html",
            "https://www.aliexpress.com:443/item/1005005123456789.html",
            "https://www.aliexpress.com./item/1005005123456789.html",
            "  https://www.aliexpress.com/item/1005005123456789.html \n",
            "www.aliexpress.com/item/1005005123456789.html",
            "aliexpress.com/item/1005005123456789.html?spm=x",
            "//es.aliexpress.com/item/1005005123456789.html",
        ],
        AE,
        ID,
        CANONICAL,
    );
}

#[test]
fn old_eleven_digit_item_ids_are_kept() {
    assert_listing(
        "https://www.aliexpress.com/item/32912345678.html?spm=2114.12010612",
        AE,
        "32912345678",
        "https://www.aliexpress.com/item/32912345678.html",
    );
}

#[test]
fn legacy_store_product_links_give_item_and_store() {
    let input = "https://www.aliexpress.com/store/product/Original-Case-for-iPhone/1234567_32812345678.html?spm=2114.12010608";
    assert_listing(
        input,
        AE,
        "32812345678",
        "https://www.aliexpress.com/item/32812345678.html",
    );
    assert_hint(
        input,
        Some(("1234567", "https://www.aliexpress.com/store/1234567")),
    );
    assert_store(
        input,
        AE,
        "1234567",
        "https://www.aliexpress.com/store/1234567",
    );
}

#[test]
fn plain_item_links_have_no_seller_hint_unless_store_id_is_given() {
    assert_hint(CANONICAL, None);
    assert_hint(
        "https://www.aliexpress.com/item/1005005123456789.html?storeId=912345",
        Some(("912345", "https://www.aliexpress.com/store/912345")),
    );
}

#[test]
fn pages_that_are_not_one_item_are_refused() {
    assert_not_listing(
        &[
            "https://www.aliexpress.com/",
            "https://www.aliexpress.com/wholesale?SearchText=airpods&catId=0",
            "https://www.aliexpress.com/w/wholesale-earbuds.html",
            "https://www.aliexpress.com/category/100003109/women-clothing.html",
            "https://www.aliexpress.com/store/1101234567",
            "https://www.aliexpress.com/item/notanumber.html",
            "https://www.aliexpress.com/item/123.html",
            "https://sale.aliexpress.com/__pc/sale.htm",
            "https://login.aliexpress.com/",
        ],
        AE,
    );
}

#[test]
fn short_and_affiliate_links_are_kept_as_other_websites() {
    assert_other(&[
        "https://a.aliexpress.com/_mKabcde",
        "https://s.click.aliexpress.com/e/_DmNxyz",
        "https://click.aliexpress.com/e/_DmNxyz",
        "https://star.aliexpress.com/share/share.htm?redirectUrl=x",
    ]);
}

#[test]
fn store_links_give_the_store_id() {
    assert_stores(
        &[
            "https://www.aliexpress.com/store/1101234567",
            "https://www.aliexpress.com/store/1101234567/",
            "https://www.aliexpress.com/store/1101234567?spm=a2g0o.detail.1000007.1",
            "https://www.aliexpress.com/store/1101234567/search?SortType=bestmatch_sort",
            "https://es.aliexpress.com/store/1101234567/pages/all-items.html",
            "https://www.aliexpress.com/store/all-wholesale-products/1101234567.html",
            "https://www.aliexpress.com/store/sale-items/1101234567.html",
            "https://www.aliexpress.com/store/feedback-score/1101234567.html",
            "https://m.aliexpress.com/store/storeHome.htm?storeId=1101234567",
            "https://m.aliexpress.com/store/v3/home.html?shopId=1101234567",
            "https://aliexpress.ru/store/1101234567",
            "http://WWW.ALIEXPRESS.US/store/1101234567#top",
        ],
        AE,
        "1101234567",
        "https://www.aliexpress.com/store/1101234567",
    );
}

#[test]
fn links_without_a_store_are_not_stores() {
    assert_not_store(
        &[
            CANONICAL,
            "https://www.aliexpress.com/",
            "https://www.aliexpress.com/store/",
            "https://www.aliexpress.com/store/top-rated/notanumber.html",
        ],
        AE,
    );
}
