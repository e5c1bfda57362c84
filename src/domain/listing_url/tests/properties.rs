//! Property tests: parsing never panics, whatever it accepts has a canonical form that parses
//! back to the same result, and no canonical URL carries a query parameter outside the
//! allow-lists (so no session, order or tracking id is ever published).

use proptest::prelude::*;

use super::*;
use crate::domain::listing_url::other::{is_product_param, is_store_param};

/// The decoded names of a URL's query parameters.
fn param_names(url: &str) -> Vec<String> {
    Url::parse(url)
        .map(|u| u.query_pairs().map(|(k, _)| k.into_owned()).collect())
        .unwrap_or_default()
}

/// Checks what must hold for any input, accepted or not.
fn check_input(input: &str) -> Result<(), TestCaseError> {
    if let Ok(listing) = parse_listing_url(input) {
        prop_assert!(!listing.listing_id.is_empty());
        prop_assert!(listing.listing_id.len() <= MAX_KEY_LEN);
        prop_assert!(listing.canonical_url.len() <= MAX_URL_LEN);
        prop_assert!(!listing.canonical_url.contains('#'));
        if listing.marketplace != Marketplace::Other {
            prop_assert!(listing.canonical_url.starts_with("https://"));
        }
        let again = parse_listing_url(&listing.canonical_url);
        prop_assert!(
            again.is_ok(),
            "canonical {:?} refused",
            listing.canonical_url
        );
        if let Ok(again) = again {
            prop_assert_eq!(&again.marketplace, &listing.marketplace);
            prop_assert_eq!(&again.listing_id, &listing.listing_id);
            prop_assert_eq!(&again.canonical_url, &listing.canonical_url);
            // The canonical URL may drop the seller named in the pasted link, never change it.
            if again.seller_hint.is_some() {
                prop_assert_eq!(&again.seller_hint, &listing.seller_hint);
            }
        }
        if let Some(hint) = &listing.seller_hint {
            prop_assert_eq!(parse_store_url(&hint.store_url), Ok(hint.clone()));
        }
        for name in param_names(&listing.canonical_url) {
            prop_assert!(
                is_product_param(&name),
                "{name:?} kept in {:?}",
                listing.canonical_url
            );
        }
    }
    if let Ok(store) = parse_store_url(input) {
        for name in param_names(&store.store_url) {
            prop_assert!(
                is_store_param(&name),
                "{name:?} kept in {:?}",
                store.store_url
            );
        }
        prop_assert!(!store.seller_key.is_empty());
        prop_assert!(store.seller_key.len() <= MAX_KEY_LEN);
        prop_assert_eq!(parse_store_url(&store.store_url), Ok(store.clone()));
    }
    Ok(())
}

const SCHEMES: &[&str] = &[
    "https://",
    "http://",
    "HTTPS://",
    "HtTp://",
    "",
    "//",
    "https:/",
    "javascript:",
    "ftp://",
    " https://",
];

const HOSTS: &[&str] = &[
    "www.amazon.com",
    "amazon.co.uk",
    "smile.amazon.de",
    "es.aliexpress.com",
    "aliexpress.ru",
    "m.aliexpress.us",
    "a.aliexpress.com",
    "www.ebay.de",
    "m.ebay.com",
    "cafr.ebay.ca",
    "www.temu.com",
    "us.shein.com",
    "www.shein.co.uk",
    "www.dhgate.com",
    "www.alibaba.com",
    "acme.en.alibaba.com",
    "m.alibaba.com",
    "www.wish.com",
    "www.etsy.com",
    "shop.etsy.com",
    "silverstudio.etsy.com",
    "www.walmart.com",
    "www.walmart.ca",
    "shopee.sg",
    "shopee.co.id",
    "www.lazada.sg",
    "articulo.mercadolibre.com.ar",
    "perfil.mercadolivre.com.br",
    "www.mercadolibre.com.mx",
    "item.taobao.com",
    "shop123456.taobao.com",
    "detail.tmall.com",
    "nike.tmall.com",
    "detail.tmall.hk",
    "example.com",
    "EXAMPLE.COM.",
    "user:pw@example.com",
    "192.168.1.1",
    "[::1]",
    "bücher.example",
    "xn--bcher-kva.example",
    "ａｍａｚｏｎ.com",
    "",
    ".",
    "amazon.com:443",
    "example.com:8080",
    "例え.jp",
];

const SEGMENTS: &[&str] = &[
    "dp",
    "gp",
    "product",
    "item",
    "itm",
    "p",
    "i",
    "store",
    "shop",
    "shops",
    "usr",
    "str",
    "sch",
    "listing",
    "ip",
    "seller",
    "products",
    "merchant",
    "c",
    "pagina",
    "product-detail",
    "o",
    "-",
    "aw",
    "d",
    "ASIN",
    "exec",
    "obidos",
    "m.html",
    "feedback_profile",
    "en",
    "uk",
    "B07XJ8C8F5",
    "b0bdhwdr12",
    "1005005123456789",
    "285123456789",
    "123456789",
    "x-g-601099512345678.html",
    "x-m-634418212345678.html",
    "x-p-12345678-cat-1.html",
    "Slug_1600123456789.html",
    "1600123456789-801234567",
    "x-i.123.456",
    "i.1.2",
    "x-i2345678901-s1.html",
    "MLA-1234567890-x-_JM",
    "MLM19615375",
    "1234567_32812345678.html",
    "5f1a2b3c4d5e6f7a8b9c0d1e",
    "eBayISAPI.dll",
    "item.htm",
    "..",
    ".",
    "%2F",
    "%E2%9C%93",
    "ü",
    "",
    "gadget.world_sg",
    "a b",
    "%",
    "?",
    "#",
];

const KEYS: &[&str] = &[
    "id",
    "goods_id",
    "mall_id",
    "smid",
    "seller",
    "me",
    "_ssn",
    "asin",
    "pid",
    "store_code",
    "storeId",
    "shopId",
    "shop_id",
    "productId",
    "item",
    "selectedSellerId",
    "utm_source",
    "spm",
    "ref",
    "fbclid",
    "x",
    "UTM_MEDIUM",
    "a",
    "",
];

const VALUES: &[&str] = &[
    "",
    "1",
    "678901234567",
    "A1B2C3D4E5F6G7",
    "B07XJ8C8F5",
    "best_deals-usa",
    "%20",
    "a+b",
    "601099512345678",
    "5f1a2b3c4d5e6f7a8b9c0d1e",
    "x=y",
    "%E2%9C%93",
    "ü",
];

/// Real listing and store links (host and path), to which the strategy adds scheme, extra
/// segments, query and fragment.
const REAL: &[&str] = &[
    "www.amazon.de/Some-Title/dp/B08N5WRWNW/ref=sr_1_3",
    "www.amazon.com/gp/aw/d/B07XJ8C8F5",
    "www.amazon.com/sp",
    "www.aliexpress.com/item/1005005123456789.html",
    "www.aliexpress.com/store/product/x/1234567_32812345678.html",
    "www.aliexpress.com/store/all-wholesale-products/1101234567.html",
    "www.ebay.co.uk/itm/Title-Slug/285123456789",
    "www.ebay.com/p/19054478612",
    "www.ebay.com/usr/best_deals-usa",
    "www.temu.com/uk/x-g-601099512345678.html",
    "www.temu.com/x-m-634418212345678.html",
    "us.shein.com/Crop-Tee-p-12345678-cat-1738.html",
    "www.dhgate.com/product/x/912345678.html",
    "www.dhgate.com/store/top-selling/21234567.html",
    "www.alibaba.com/product-detail/X_1600123456789.html",
    "acme.en.alibaba.com/product/1600123456789-801234567/X.html",
    "www.wish.com/product/5f1a2b3c4d5e6f7a8b9c0d1e",
    "www.etsy.com/uk/listing/1234567890/slug",
    "silverstudio.etsy.com/listing/1234567890/slug",
    "www.walmart.com/ip/Slug/1752657021",
    "www.walmart.ca/en/ip/slug/PRD3SF1H7BRLA2V",
    "shopee.sg/Earbuds-i.123456789.23456789012",
    "shopee.sg/gadget.world_sg",
    "www.lazada.sg/products/x-i2345678901-s1.html",
    "www.lazada.sg/shop/gadget-world",
    "articulo.mercadolibre.com.ar/MLA-1234567890-x-_JM",
    "www.mercadolibre.com.mx/x/p/MLM19615375",
    "perfil.mercadolivre.com.br/LOJA",
    "item.taobao.com/item.htm",
    "nike.tmall.com/item.htm",
    "shop123456789.taobao.com",
    "example.com/product/1",
];

fn real_shaped() -> impl Strategy<Value = String> {
    (
        proptest::sample::select(SCHEMES),
        proptest::sample::select(REAL),
        proptest::collection::vec(piece(SEGMENTS), 0..2),
        proptest::bool::ANY,
        proptest::collection::vec((piece(KEYS), piece(VALUES)), 0..4),
        proptest::option::of(piece(SEGMENTS)),
    )
        .prop_map(|(scheme, real, segments, upper, query, fragment)| {
            let real = if upper {
                real.to_uppercase()
            } else {
                real.to_owned()
            };
            assemble(scheme, &real, &segments, false, &query, fragment)
        })
}

fn assemble(
    scheme: &str,
    host: &str,
    segments: &[String],
    slash: bool,
    query: &[(String, String)],
    fragment: Option<String>,
) -> String {
    let mut url = format!("{scheme}{host}");
    for segment in segments {
        url.push('/');
        url.push_str(segment);
    }
    if slash {
        url.push('/');
    }
    for (i, (key, value)) in query.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.push_str(&format!("{key}={value}"));
    }
    if let Some(fragment) = fragment {
        url.push('#');
        url.push_str(&fragment);
    }
    url
}

fn piece(list: &'static [&'static str]) -> BoxedStrategy<String> {
    prop_oneof![
        4 => proptest::sample::select(list).prop_map(str::to_owned),
        1 => "[a-zA-Z0-9._~%-]{0,12}",
        1 => "\\PC{0,6}",
    ]
    .boxed()
}

fn url_shaped() -> impl Strategy<Value = String> {
    (
        proptest::sample::select(SCHEMES),
        piece(HOSTS),
        proptest::collection::vec(piece(SEGMENTS), 0..6),
        proptest::bool::ANY,
        proptest::collection::vec((piece(KEYS), piece(VALUES)), 0..5),
        proptest::option::of(piece(SEGMENTS)),
    )
        .prop_map(|(scheme, host, segments, slash, query, fragment)| {
            assemble(scheme, &host, &segments, slash, &query, fragment)
        })
}

/// Query parameters and path parameters that carry a visitor's session, order or account.
const SESSION_KEYS: &[&str] = &[
    "sessionid",
    "SessionId",
    "sid",
    "PHPSESSID",
    "jsessionid",
    "session",
    "orderId",
    "order_id",
    "order",
    "token",
    "access_token",
    "auth",
    "cart",
    "cartId",
    "checkout",
    "email",
    "key",
    "signature",
    "utm_source",
    "fbclid",
];

const SECRET: &str = "S3SSI0NS3CR3T";

/// A real listing or store link whose query carries a secret among other parameters, and
/// sometimes a `;jsessionid=` in the path.
fn with_secret() -> impl Strategy<Value = String> {
    (
        proptest::sample::select(&SCHEMES[..2]),
        proptest::sample::select(REAL),
        proptest::bool::ANY,
        proptest::collection::vec((piece(KEYS), piece(VALUES)), 0..3),
        proptest::sample::select(SESSION_KEYS),
        0..4usize,
    )
        .prop_map(|(scheme, real, in_path, mut query, key, at)| {
            let real = if in_path {
                format!("{real};jsessionid={SECRET}")
            } else {
                real.to_owned()
            };
            query.insert(at.min(query.len()), (key.to_owned(), SECRET.to_owned()));
            assemble(scheme, &real, &[], false, &query, None)
        })
}

/// The published URLs parsing `input` gives: canonical listing, seller hint, store.
fn published(input: &str) -> Vec<String> {
    let mut urls = Vec::new();
    if let Ok(listing) = parse_listing_url(input) {
        urls.push(listing.canonical_url);
        urls.extend(listing.seller_hint.map(|s| s.store_url));
    }
    if let Ok(store) = parse_store_url(input) {
        urls.push(store.store_url);
    }
    urls
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn session_and_order_ids_never_reach_a_published_url(input in with_secret()) {
        for url in published(&input) {
            prop_assert!(!url.contains(SECRET), "{input:?} gave {url:?}");
        }
    }

    #[test]
    fn arbitrary_text_never_panics_and_accepted_text_is_idempotent(input in any::<String>()) {
        check_input(&input)?;
    }

    #[test]
    fn url_shaped_text_never_panics_and_accepted_text_is_idempotent(input in url_shaped()) {
        check_input(&input)?;
    }

    #[test]
    fn real_links_with_noise_never_panic_and_are_idempotent(input in real_shaped()) {
        check_input(&input)?;
    }

    #[test]
    fn a_known_marketplace_never_panics_on_odd_paths(
        host in proptest::sample::select(HOSTS),
        path in "\\PC{0,40}",
    ) {
        check_input(&format!("https://{host}/{path}"))?;
    }
}

#[test]
fn links_with_secrets_are_accepted_on_known_and_other_websites() {
    // Guards the secret property against testing nothing but refusals.
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut known, mut other) = (0, 0);
    for _ in 0..500 {
        let input = with_secret()
            .new_tree(&mut runner)
            .expect("strategy")
            .current();
        assert!(input.contains(SECRET));
        match parse_listing_url(&input).map(|l| l.marketplace) {
            Ok(Marketplace::Other) => other += 1,
            Ok(_) => known += 1,
            Err(_) => {}
        }
    }
    assert!(known > 200, "only {known} of 500 were known listings");
    assert!(
        other > 5,
        "only {other} of 500 were other websites' listings"
    );
}

#[test]
fn generated_links_reach_known_marketplaces() {
    // Guards the property tests against silently testing nothing but refusals.
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut known = 0;
    for _ in 0..500 {
        let input = real_shaped()
            .new_tree(&mut runner)
            .expect("strategy")
            .current();
        if parse_listing_url(&input).is_ok_and(|l| l.marketplace != Marketplace::Other) {
            known += 1;
        }
    }
    assert!(
        known > 100,
        "only {known} of 500 generated links were known listings"
    );
}
