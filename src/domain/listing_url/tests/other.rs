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
    let input = "https://Shop.Example.COM/Products/Fake-Bag?size=M&color=red#reviews";
    let listing = parse_listing_url(input).expect("accepted");
    assert_eq!(
        listing.canonical_url,
        "https://shop.example.com/Products/Fake-Bag?color=red&size=M"
    );
    assert_eq!(
        listing.listing_id,
        "shop.example.com/Products/Fake-Bag?color=red&size=M"
    );
}

#[test]
fn tracking_parameters_are_removed() {
    assert_eq!(
        canonical(
            "https://example.com/p/1?utm_source=fb&utm_medium=cpc&UTM_Campaign=x&fbclid=IwAR0&gclid=Cj0&msclkid=1&id=7"
        ),
        "https://example.com/p/1?id=7"
    );
    assert_eq!(
        canonical(
            "https://example.com/p/1?spm=a2g0o&scm=1&scm_id=2&pvid=3&algo_pvid=4&algo_exp_id=5&pdp_npi=6&sk=7&aff_platform=8&aff_trace_key=9&terminal_id=10&gatewayAdapt=glo&_randl_shipto=ES"
        ),
        "https://example.com/p/1"
    );
    assert_eq!(
        canonical(
            "https://example.com/p/1?ref=x&ref_=y&psc=1&th=1&qid=2&sr=8-1&keywords=bag&crid=Z&sprefix=b&dib=a&dib_tag=se&content-id=c&refRID=R&pf_rd_p=1&pd_rd_w=2"
        ),
        "https://example.com/p/1"
    );
    assert_eq!(
        canonical(
            "https://example.com/p/1?_trkparms=a&_trksid=b&hash=item1&amdata=c&mkevt=1&mkcid=1&mkrid=1&campid=1&toolid=1&customid=1&variant=blue"
        ),
        "https://example.com/p/1?variant=blue"
    );
}

#[test]
fn tracking_parameter_names_are_matched_after_decoding() {
    assert_eq!(
        canonical("https://example.com/x?utm%5Fsource=a&%66bclid=b&q=1"),
        "https://example.com/x?q=1"
    );
}

#[test]
fn repeated_parameters_keep_their_order_and_values_are_kept_as_written() {
    assert_eq!(
        canonical("https://example.com/x?c=1&a=2&c=0&q=a%20b+c&flag&&"),
        "https://example.com/x?a=2&c=1&c=0&flag&q=a%20b+c"
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
    let store = parse_store_url("https://Shop.Example.com/sellers/Acme/?utm_source=x&tab=2#top")
        .expect("accepted");
    assert_eq!(
        store,
        Store {
            marketplace: Marketplace::Other,
            seller_key: "shop.example.com/sellers/Acme".to_owned(),
            store_url: "https://shop.example.com/sellers/Acme/?tab=2".to_owned(),
        }
    );
    assert_eq!(parse_store_url(&store.store_url), Ok(store));
    let with_port = parse_store_url("http://example.com:8080/s/").expect("accepted");
    assert_eq!(with_port.seller_key, "example.com:8080/s");
    let root = parse_store_url("example.com").expect("accepted");
    assert_eq!(root.seller_key, "example.com");
    assert_eq!(root.store_url, "https://example.com/");
}
