//! Links to websites without a parser of their own.

use super::*;

#[track_caller]
fn canonical(input: &str) -> String {
    let listing = parse_listing_url(input).unwrap_or_else(|e| panic!("{input:?}: {e:?}"));
    assert_eq!(listing.marketplace, Marketplace::Other);
    assert_eq!(listing.seller_hint, None);
    let again = parse_listing_url(&listing.canonical_url).expect("canonical accepted");
    assert_eq!(
        again, listing,
        "canonical of {input:?} is not a fixed point"
    );
    listing.canonical_url
}

#[test]
fn host_is_lowercased_fragment_dropped_and_parameters_sorted() {
    let input = "https://Shop.Example.COM/Products/Fake-Bag?variant=4&id=17#reviews";
    let listing = parse_listing_url(input).expect("accepted");
    assert_eq!(
        listing.canonical_url,
        "https://shop.example.com/Products/Fake-Bag?id=17&variant=4"
    );
    assert_eq!(
        listing.listing_id,
        "shop.example.com/Products/Fake-Bag?id=17&variant=4"
    );
}

#[test]
fn parameters_that_name_a_product_are_kept() {
    for kept in [
        "id=7",
        "p=123",
        "pid=A1",
        "item=9",
        "itemId=9",
        "item_id=9",
        "product=fake-bag",
        "productId=9",
        "product_id=42",
        "products_id=42",
        "id_product=42",
        "sku=LV-001",
        "variant=4012",
        "goods_id=601099512345678",
        "asin=B08N5WRWNW",
        "ean=4006381333931",
    ] {
        assert_eq!(
            canonical(&format!("https://shop.example/x?{kept}")),
            format!("https://shop.example/x?{kept}"),
            "{kept}"
        );
    }
}

#[test]
fn page_selectors_stay_with_the_product_id_they_need() {
    assert_eq!(
        canonical("https://shop.example/index.php?route=product/product&product_id=42&path=20_27"),
        "https://shop.example/index.php?product_id=42&route=product/product"
    );
    assert_eq!(
        canonical("https://shop.example/index.php?controller=product&id_product=7&id_lang=1"),
        "https://shop.example/index.php?controller=product&id_product=7"
    );
}

#[test]
fn session_order_and_account_parameters_are_dropped() {
    for dropped in [
        "sessionid=abc123",
        "SessionID=abc123",
        "sid=abc123",
        "PHPSESSID=abc123",
        "jsessionid=abc123",
        "session=abc123",
        "order=100234",
        "orderId=100234",
        "order_id=100234",
        "token=abc123",
        "access_token=abc123",
        "auth=abc123",
        "key=abc123",
        "cart=abc123",
        "cartId=abc123",
        "checkout=abc123",
        "email=me%40example.com",
        "customer=1001",
        "signature=abc123",
        "expires=1700000000",
    ] {
        assert_eq!(
            canonical(&format!("https://shop.example/x?id=7&{dropped}")),
            "https://shop.example/x?id=7",
            "{dropped}"
        );
    }
}

#[test]
fn tracking_and_presentation_parameters_are_dropped() {
    assert_eq!(
        canonical(
            "https://example.com/p/1?utm_source=fb&utm_medium=cpc&UTM_Campaign=x&fbclid=IwAR0&gclid=Cj0&msclkid=1&id=7"
        ),
        "https://example.com/p/1?id=7"
    );
    assert_eq!(
        canonical(
            "https://example.com/p/1?spm=a2g0o&scm=1&pvid=3&aff_platform=8&ref=x&ref_=y&psc=1&qid=2&_trksid=b&hash=item1"
        ),
        "https://example.com/p/1"
    );
    assert_eq!(
        canonical(
            "https://example.com/p/1?color=red&size=M&sort=price&page=2&lang=en&currency=EUR"
        ),
        "https://example.com/p/1"
    );
}

#[test]
fn parameter_names_are_matched_after_decoding_and_in_any_case() {
    assert_eq!(
        canonical("https://example.com/x?utm%5Fsource=a&%73ession%69d=b&%69d=1&SKU=2"),
        "https://example.com/x?SKU=2&%69d=1"
    );
}

#[test]
fn repeated_parameters_keep_their_order_and_values_are_kept_as_written() {
    assert_eq!(
        canonical("https://example.com/x?sku=1&id=2&sku=0&pid=a%20b+c&flag&&"),
        "https://example.com/x?id=2&pid=a%20b+c&sku=1&sku=0"
    );
}

#[test]
fn session_ids_in_the_path_are_dropped() {
    assert_eq!(
        canonical("https://shop.example/product/42;jsessionid=0A1B2C3D4E5F?id=1"),
        "https://shop.example/product/42?id=1"
    );
    assert_eq!(
        canonical("https://shop.example/catalog;JSESSIONID=abc/item.html"),
        "https://shop.example/catalog/item.html"
    );
    assert_eq!(
        canonical("https://shop.example/(S(lit3py55t21z5v55vlm25s55))/product.aspx?id=9"),
        "https://shop.example/product.aspx?id=9"
    );
    // Other path parameters are the shop's business.
    assert_eq!(
        canonical("https://shop.example/p;color=red/42"),
        "https://shop.example/p;color=red/42"
    );
}

#[test]
fn scheme_is_kept_but_does_not_change_the_listing_id() {
    let http = parse_listing_url("http://example.com/item/9").expect("accepted");
    let https = parse_listing_url("https://example.com/item/9").expect("accepted");
    assert_eq!(http.canonical_url, "http://example.com/item/9");
    assert_eq!(https.canonical_url, "https://example.com/item/9");
    assert_eq!(http.listing_id, https.listing_id);
}

#[test]
fn default_ports_trailing_dots_and_empty_queries_are_dropped() {
    assert_eq!(
        canonical("https://example.com:443/x"),
        "https://example.com/x"
    );
    assert_eq!(canonical("http://example.com:80/x"), "http://example.com/x");
    assert_eq!(
        canonical("https://example.com:8443/x"),
        "https://example.com:8443/x"
    );
    assert_eq!(canonical("https://example.com./x"), "https://example.com/x");
    assert_eq!(
        canonical("https://example.com../x"),
        "https://example.com/x"
    );
    assert_eq!(canonical("https://example.com/x?"), "https://example.com/x");
    assert_eq!(
        canonical("https://example.com/x?utm_source=a#b"),
        "https://example.com/x"
    );
}

#[test]
fn paths_keep_their_case_and_dot_segments_are_resolved() {
    assert_eq!(
        canonical("https://example.com/A/./b/../C"),
        "https://example.com/A/C"
    );
    assert_eq!(
        canonical("https://example.com/Item/ABC"),
        "https://example.com/Item/ABC"
    );
}

#[test]
fn internationalised_hosts_become_punycode() {
    assert_eq!(
        canonical("https://bücher.example/katalog/1"),
        "https://xn--bcher-kva.example/katalog/1"
    );
    assert_eq!(
        canonical("https://BÜCHER.example/katalog/1"),
        "https://xn--bcher-kva.example/katalog/1"
    );
    assert_eq!(
        canonical("https://例え.jp/商品"),
        "https://xn--r8jz45g.jp/%E5%95%86%E5%93%81"
    );
}

#[test]
fn short_links_are_kept_as_they_are() {
    assert_eq!(
        canonical("https://amzn.to/3abcDEF"),
        "https://amzn.to/3abcDEF"
    );
    assert_eq!(
        canonical("https://a.aliexpress.com/_mKabcde"),
        "https://a.aliexpress.com/_mKabcde"
    );
}

#[test]
fn long_urls_give_a_cut_listing_id() {
    let input = format!("https://example.com/{}?id=1", "p".repeat(1500));
    let listing = parse_listing_url(&input).expect("accepted");
    assert_eq!(listing.listing_id.len(), MAX_KEY_LEN);
    assert!(listing.canonical_url["https://".len()..].starts_with(&listing.listing_id));
    assert_eq!(listing.canonical_url, input);
}

#[test]
fn stores_on_other_websites_are_keyed_by_host_and_path() {
    let store = parse_store_url(
        "https://Shop.Example.com/sellers/Acme/?utm_source=x&tab=2&sessionid=s&vendor=7#top",
    )
    .expect("accepted");
    assert_eq!(
        store,
        Store {
            marketplace: Marketplace::Other,
            seller_key: "shop.example.com/sellers/Acme".to_owned(),
            store_url: "https://shop.example.com/sellers/Acme/?vendor=7".to_owned(),
        }
    );
    assert_eq!(parse_store_url(&store.store_url), Ok(store));
    let with_port = parse_store_url("http://example.com:8080/s/").expect("accepted");
    assert_eq!(with_port.seller_key, "example.com:8080/s");
    let root = parse_store_url("example.com").expect("accepted");
    assert_eq!(root.seller_key, "example.com");
    assert_eq!(root.store_url, "https://example.com/");
}
