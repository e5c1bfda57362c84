//! Checks on the raw input, common to listing and store links.

use super::*;

#[track_caller]
fn assert_refused(inputs: &[&str], error: UrlError) {
    for input in inputs {
        assert_eq!(
            parse_listing_url(input),
            Err(error.clone()),
            "listing {input:?}"
        );
        assert_eq!(
            parse_store_url(input),
            Err(error.clone()),
            "store {input:?}"
        );
    }
}

#[test]
fn blank_input_is_empty() {
    assert_refused(&["", " ", "\n\t  ", "\u{3000}"], UrlError::Empty);
}

#[test]
fn links_copied_with_brackets_quotes_or_invisible_characters_are_accepted() {
    for input in [
        "<https://www.ebay.com/itm/285123456789>",
        "\"https://www.ebay.com/itm/285123456789\"",
        "'https://www.ebay.com/itm/285123456789'",
        "“https://www.ebay.com/itm/285123456789”",
        "« https://www.ebay.com/itm/285123456789 »",
        "\u{200B}https://www.ebay.com/itm/285123456789\u{FEFF}",
        "\t<www.ebay.com/itm/285123456789>\n",
    ] {
        assert_listing(
            input,
            Marketplace::Ebay,
            "285123456789",
            "https://www.ebay.com/itm/285123456789",
        );
    }
    assert_refused(&["<>", "\"  \"", "\u{200B}"], UrlError::Empty);
}

#[test]
fn input_over_the_limit_is_too_long() {
    let long = format!("https://example.com/{}", "a".repeat(MAX_URL_LEN));
    assert_refused(&[&long], UrlError::TooLong);
    let at_limit = format!("https://example.com/{}", "a".repeat(MAX_URL_LEN - 20));
    assert_eq!(at_limit.len(), MAX_URL_LEN);
    assert!(parse_listing_url(&at_limit).is_ok());
    // Surrounding whitespace does not count.
    assert!(parse_listing_url(&format!("   {at_limit}   ")).is_ok());
}

#[test]
fn input_that_grows_over_the_limit_when_encoded_is_too_long() {
    // 1,500 bytes as typed, 4,500 once percent-encoded.
    let input = format!("https://example.com/{}", "é".repeat(750));
    assert!(input.len() < MAX_URL_LEN);
    assert_refused(&[&input], UrlError::TooLong);
}

#[test]
fn text_that_is_not_an_address_is_not_a_url() {
    assert_refused(
        &[
            "hello",
            "not a url",
            "/dp/B07XJ8C8F5",
            "dp/B07XJ8C8F5",
            "amazon",
            "3.14",
            "1.2.3/x",
            "hello world.com/x",
            ".com/x",
            "https://exa mple.com/",
            "http://[::1/",
            "https://example.com:99999/",
            "https://%00/",
            "?id=123",
            "#top",
        ],
        UrlError::NotAUrl,
    );
}

#[test]
fn other_schemes_are_refused_with_the_scheme_named() {
    for (input, scheme) in [
        ("javascript:alert(1)", "javascript"),
        ("JavaScript:alert(document.cookie)", "javascript"),
        ("data:text/html,<script>alert(1)</script>", "data"),
        ("file:///etc/passwd", "file"),
        ("ftp://ftp.example.com/pub/x", "ftp"),
        ("mailto:seller@example.com", "mailto"),
        ("chrome://settings", "chrome"),
        (
            "intent://shopee.sg/product/1/2#Intent;scheme=shopee;end",
            "intent",
        ),
        ("ws://example.com/socket", "ws"),
        ("localhost:8080/x", "localhost"),
    ] {
        assert_refused(
            &[input],
            UrlError::NotHttp {
                scheme: scheme.to_owned(),
            },
        );
    }
}

#[test]
fn a_very_long_scheme_is_cut_in_the_error() {
    let input = format!("{}:x", "a".repeat(100));
    let Err(UrlError::NotHttp { scheme }) = parse_listing_url(&input) else {
        panic!("expected NotHttp");
    };
    assert_eq!(scheme.len(), 32);
}

#[test]
fn links_with_user_or_password_are_refused() {
    assert_refused(
        &[
            "https://user:pass@www.amazon.com/dp/B07XJ8C8F5",
            "https://user@example.com/",
            "https://:secret@example.com/",
            "http://admin:admin@192.168.0.1/",
        ],
        UrlError::HasCredentials,
    );
}

#[test]
fn links_without_a_host_are_refused() {
    assert_refused(
        &[
            "http://",
            "https://",
            "https://?x=1",
            "https://@/x",
            "https://./",
            "https://../x",
        ],
        UrlError::NoHost,
    );
}

#[test]
fn addresses_without_a_scheme_get_https() {
    let listing = parse_listing_url("example.com/products/42").expect("accepted");
    assert_eq!(listing.canonical_url, "https://example.com/products/42");
    let listing = parse_listing_url("Example.com").expect("accepted");
    assert_eq!(listing.canonical_url, "https://example.com/");
    let listing = parse_listing_url("shop.example.co.uk:8443/x?id=1#f").expect("accepted");
    assert_eq!(
        listing.canonical_url,
        "https://shop.example.co.uk:8443/x?id=1"
    );
}

#[test]
fn a_host_with_port_is_not_mistaken_for_a_scheme() {
    assert_listing(
        "amazon.com:443/dp/B07XJ8C8F5",
        Marketplace::Amazon,
        "B07XJ8C8F5",
        "https://www.amazon.com/dp/B07XJ8C8F5",
    );
    assert_listing(
        "www.ebay.de:443/itm/285123456789",
        Marketplace::Ebay,
        "285123456789",
        "https://www.ebay.de/itm/285123456789",
    );
}

#[test]
fn ip_addresses_are_accepted_as_other_websites() {
    assert_other(&[
        "http://192.168.0.1/product/1",
        "http://[::1]:8080/x",
        "https://203.0.113.7",
    ]);
}

#[test]
fn error_messages_tell_the_buyer_what_to_do() {
    let cases = [
        (
            UrlError::Empty,
            "Paste the address of the page, starting with https://",
        ),
        (
            UrlError::NotAUrl,
            "Enter the full address of the page, starting with https://",
        ),
        (
            UrlError::NotHttp {
                scheme: "javascript".to_owned(),
            },
            "Only http and https links can be reported (this one starts with javascript:)",
        ),
        (
            UrlError::HasCredentials,
            "Remove the user name and password from the link",
        ),
        (
            UrlError::NoHost,
            "This link has no website name in it. Copy the full address from the address bar",
        ),
        (
            UrlError::TooLong,
            "This link is too long (over 2048 characters). Remove everything after the \"?\" and try again",
        ),
        (
            UrlError::NotAListing {
                marketplace: Marketplace::Amazon,
            },
            "This Amazon link doesn't point to a single listing. Open the product page and copy its address",
        ),
        (
            UrlError::NotAStore {
                marketplace: Marketplace::Ebay,
            },
            "This eBay link doesn't point to a seller. Open the seller's shop page and copy its address",
        ),
    ];
    for (error, message) in cases {
        assert_eq!(error.to_string(), message);
    }
    let boxed: Box<dyn std::error::Error> = Box::new(UrlError::Empty);
    assert!(boxed.source().is_none());
}
