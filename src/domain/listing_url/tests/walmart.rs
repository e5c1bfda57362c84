use super::*;

const WM: Marketplace = Marketplace::Walmart;

#[test]
fn walmart_com_item_links_give_the_item_id() {
    assert_listings(
        &[
            "https://www.walmart.com/ip/Apple-AirPods-Pro-2nd-Generation/1752657021",
            "https://www.walmart.com/ip/Apple-AirPods-Pro-2nd-Generation/1752657021?athcpid=1752657021&athpgid=AthenaHomepageDesktop&athznid=ItemCarousel&athieid=v0&athstid=CS020&athguid=abc&athancid=null&athena=true",
            "https://www.walmart.com/ip/1752657021",
            "https://www.walmart.com/ip/1752657021/",
            "https://www.walmart.com/ip/Apple-AirPods/1752657021?classType=REGULAR&from=/search",
            "https://www.walmart.com/ip/seort/1752657021",
            "https://walmart.com/ip/x/1752657021",
            "http://WWW.WALMART.COM/IP/X/1752657021",
            "www.walmart.com/ip/x/1752657021#reviews",
            "https://www.walmart.com/ip/x/1752657021?wmlspartner=wlpa&selectedSellerId=0",
        ],
        WM,
        "1752657021",
        "https://www.walmart.com/ip/1752657021",
    );
}

#[test]
fn walmart_ca_item_ids_are_alphanumeric() {
    assert_listings(
        &[
            "https://www.walmart.ca/en/ip/apple-airpods-pro/6000205123456",
            "https://www.walmart.ca/fr/ip/ecouteurs/6000205123456?from=/search",
            "https://www.walmart.ca/en/ip/6000205123456",
        ],
        WM,
        "6000205123456",
        "https://www.walmart.ca/en/ip/6000205123456",
    );
    assert_listings(
        &[
            "https://www.walmart.ca/en/ip/apple-airpods-pro/PRD3SF1H7BRLA2V",
            "https://www.walmart.ca/en/ip/Earbuds/prd3sf1h7brla2v",
        ],
        WM,
        "PRD3SF1H7BRLA2V",
        "https://www.walmart.ca/en/ip/PRD3SF1H7BRLA2V",
    );
}

#[test]
fn selected_seller_becomes_the_seller_hint() {
    assert_hint(
        "https://www.walmart.com/ip/x/1752657021?selectedSellerId=101123456",
        Some(("101123456", "https://www.walmart.com/seller/101123456")),
    );
    assert_hint("https://www.walmart.com/ip/x/1752657021", None);
}

#[test]
fn seller_links_give_the_seller_id() {
    assert_stores(
        &[
            "https://www.walmart.com/seller/101123456",
            "https://www.walmart.com/seller/101123456?itemId=1752657021&pageName=item&returnUrl=%2Fip%2F1752657021",
            "https://www.walmart.com/global/seller/101123456/cp/shopall",
            "https://walmart.com/seller/101123456/",
            "https://www.walmart.com/ip/x/1752657021?selectedSellerId=101123456",
        ],
        WM,
        "101123456",
        "https://www.walmart.com/seller/101123456",
    );
}

#[test]
fn other_walmart_pages_are_refused() {
    assert_not_listing(
        &[
            "https://www.walmart.com/",
            "https://www.walmart.com/search?q=airpods",
            "https://www.walmart.com/cp/electronics/3944",
            "https://www.walmart.com/ip/Apple-AirPods",
            "https://www.walmart.ca/en/ip/Earbuds",
            "https://www.walmart.com/seller/101123456",
        ],
        WM,
    );
    assert_not_store(
        &[
            "https://www.walmart.com/ip/x/1752657021",
            "https://www.walmart.com/seller/",
        ],
        WM,
    );
}

#[test]
fn affiliate_redirects_are_other_websites() {
    assert_other(&[
        "https://goto.walmart.com/c/123/456/789?u=https%3A%2F%2Fwww.walmart.com%2Fip%2F1",
    ]);
}
