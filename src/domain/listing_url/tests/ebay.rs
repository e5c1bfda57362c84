use super::*;

const EBAY: Marketplace = Marketplace::Ebay;

#[test]
fn item_links_on_every_ebay_site_keep_their_tld() {
    for tld in [
        "com", "co.uk", "de", "fr", "it", "es", "com.au", "ca", "at", "ch", "ie", "nl", "be", "pl",
    ] {
        assert_listing(
            &format!("https://www.ebay.{tld}/itm/285123456789?hash=item4262a1b2c3:g:abcAAOSw1234"),
            EBAY,
            "285123456789",
            &format!("https://www.ebay.{tld}/itm/285123456789"),
        );
    }
}

#[test]
fn title_slugs_tracking_and_mobile_hosts_are_ignored() {
    assert_listings(
        &[
            "https://www.ebay.com/itm/285123456789",
            "https://www.ebay.com/itm/Apple-AirPods-Pro-2nd-Generation-MagSafe/285123456789",
            "https://www.ebay.com/itm/285123456789?hash=item4262a1b2c3:g:abcAAOSw1234&_trksid=p2047675.c100005.m1851&_trkparms=ispr%3D1%26amclksrc%3DITM",
            "https://www.ebay.com/itm/285123456789?mkevt=1&mkcid=1&mkrid=711-53200-19255-0&campid=5338722076&toolid=10001&customid=abc&amdata=enc%3A1",
            "https://www.ebay.com/itm/285123456789?epid=12345&itmmeta=01HXYZ&var=0",
            "https://www.ebay.com/itm/285123456789/",
            "https://www.ebay.com/itm/285123456789#rwid",
            "https://m.ebay.com/itm/285123456789",
            "https://m.ebay.com/itm/Apple-AirPods-Pro/285123456789?_mwBanner=1",
            "http://ebay.com/itm/285123456789",
            "HTTPS://WWW.EBAY.COM/ITM/285123456789",
            "ebay.com/itm/285123456789",
            "www.ebay.com/itm/285123456789?_ul=US",
            "https://cgi.ebay.com/ws/eBayISAPI.dll?ViewItem&item=285123456789",
            "https://www.ebay.com/itm/285123456789?_skw=airpods&itmprp=enc%3AAQ",
        ],
        EBAY,
        "285123456789",
        "https://www.ebay.com/itm/285123456789",
    );
}

#[test]
fn country_language_subdomains_map_to_www() {
    assert_listing(
        "https://cafr.ebay.ca/itm/Ecouteurs/285123456789",
        EBAY,
        "285123456789",
        "https://www.ebay.ca/itm/285123456789",
    );
    assert_listing(
        "https://befr.ebay.be/itm/285123456789",
        EBAY,
        "285123456789",
        "https://www.ebay.be/itm/285123456789",
    );
    assert_listing(
        "https://m.ebay.de/itm/285123456789?_trksid=p1",
        EBAY,
        "285123456789",
        "https://www.ebay.de/itm/285123456789",
    );
}

#[test]
fn catalogue_products_get_a_prefixed_id() {
    assert_listings(
        &[
            "https://www.ebay.com/p/19054478612",
            "https://www.ebay.com/p/19054478612?iid=285123456789&var=0",
            "https://www.ebay.com/p/Apple-AirPods-Pro-2nd-Generation/19054478612",
            "https://m.ebay.com/p/19054478612/",
        ],
        EBAY,
        "p:19054478612",
        "https://www.ebay.com/p/19054478612",
    );
}

#[test]
fn seller_name_in_the_link_becomes_the_seller_hint() {
    let hint = Some(("best_deals-usa", "https://www.ebay.com/usr/best_deals-usa"));
    assert_hint(
        "https://www.ebay.com/itm/285123456789?_ssn=Best_Deals-USA",
        hint,
    );
    assert_hint("https://www.ebay.com/itm/285123456789?_ssn=", None);
    assert_hint(
        "https://www.ebay.com/itm/285123456789?_ssn=bad%20name",
        None,
    );
    assert_hint("https://www.ebay.com/itm/285123456789", None);
}

#[test]
fn seller_links_give_the_lowercased_user_name() {
    assert_stores(
        &[
            "https://www.ebay.com/usr/best_deals-usa",
            "https://www.ebay.com/usr/Best_Deals-USA?_trksid=p2047675.l2559",
            "https://www.ebay.com/usr/best_deals-usa/",
            "https://m.ebay.com/usr/best_deals-usa",
            "https://www.ebay.com/sch/i.html?_ssn=best_deals-usa&_sop=12",
            "https://www.ebay.com/sch/i.html?item=285123456789&rt=nc&_trksid=p2047675&_ssn=BEST_DEALS-USA",
            "https://www.ebay.com/sch/best_deals-usa/m.html?_nkw=&_armrs=1",
            "https://www.ebay.com/fdbk/feedback_profile/best_deals-usa?filter=feedback_page%3ARECEIVED",
            "https://www.ebay.com/itm/285123456789?_ssn=best_deals-usa",
            "ebay.com/usr/best_deals-usa",
        ],
        EBAY,
        "best_deals-usa",
        "https://www.ebay.com/usr/best_deals-usa",
    );
}

#[test]
fn shop_links_keep_the_str_route() {
    assert_stores(
        &[
            "https://www.ebay.co.uk/str/gadgetworld",
            "https://www.ebay.co.uk/str/GadgetWorld?_trksid=p2047675.m3561",
            "https://www.ebay.co.uk/str/gadgetworld/Headphones/_i.html?store_cat=1234",
        ],
        EBAY,
        "gadgetworld",
        "https://www.ebay.co.uk/str/gadgetworld",
    );
}

#[test]
fn pages_that_are_not_one_item_are_refused() {
    assert_not_listing(
        &[
            "https://www.ebay.com/",
            "https://www.ebay.com/sch/i.html?_nkw=airpods+pro&_sacat=0",
            "https://www.ebay.com/b/Headphones/112529/bn_879608",
            "https://www.ebay.com/usr/best_deals-usa",
            "https://www.ebay.com/itm/not-a-number",
            "https://www.ebay.com/itm/1234",
            "https://www.ebay.de/deals",
            "https://www.ebay.com/sch/i.html?item=285123456789&_ssn=best_deals-usa",
        ],
        EBAY,
    );
}

#[test]
fn links_without_a_seller_are_not_stores() {
    assert_not_store(
        &[
            "https://www.ebay.com/itm/285123456789",
            "https://www.ebay.com/",
            "https://www.ebay.com/usr/",
            "https://www.ebay.com/usr/%E2%9C%93",
            "https://www.ebay.com/sch/i.html?_nkw=airpods",
        ],
        EBAY,
    );
}

#[test]
fn short_and_redirect_links_are_other_websites() {
    assert_other(&[
        "https://ebay.us/AbCdEf",
        "https://rover.ebay.com/rover/1/711-53200-19255-0/1?mpre=https%3A%2F%2Fwww.ebay.com%2Fitm%2F285123456789",
        "https://www.ebay.fake-shop.com/itm/285123456789",
    ]);
}
