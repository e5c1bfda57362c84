use super::*;

const AMZ: Marketplace = Marketplace::Amazon;

#[test]
fn dp_links_on_every_amazon_site_keep_their_tld() {
    for tld in [
        "com", "co.uk", "de", "fr", "it", "es", "nl", "se", "pl", "com.be", "com.tr", "ae", "sa",
        "eg", "in", "co.jp", "com.au", "com.mx", "com.br", "ca", "sg", "cn",
    ] {
        assert_listing(
            &format!("https://www.amazon.{tld}/dp/B08N5WRWNW?th=1&psc=1"),
            AMZ,
            "B08N5WRWNW",
            &format!("https://www.amazon.{tld}/dp/B08N5WRWNW"),
        );
    }
}

#[test]
fn title_slugs_ref_segments_and_tracking_are_ignored() {
    assert_listings(
        &[
            "https://www.amazon.de/dp/B08N5WRWNW",
            "https://www.amazon.de/Apple-AirPods-Pro-Ladecase-Generation/dp/B08N5WRWNW/ref=sr_1_3?__mk_de_DE=%C3%85M%C3%85%C5%BD%C3%95%C3%91&crid=2ABC&keywords=airpods+pro&qid=1700000000&sprefix=airpods%2Caps%2C95&sr=8-3",
            "https://www.amazon.de/Apple-AirPods-Pro/dp/B08N5WRWNW/ref=pd_rhf_d_ee_s_pd_crcd_sccl_1_1/262-1234567-7654321?pd_rd_w=ab12C&content-id=amzn1.sym.1234&pf_rd_p=1234&pf_rd_r=XYZ&pd_rd_wg=qwe&pd_rd_r=1-2-3&pd_rd_i=B08N5WRWNW&psc=1",
            "https://www.amazon.de/dp/B08N5WRWNW/ref=cm_sw_r_cp_api_glt_fabc_XYZ?_encoding=UTF8&psc=1&dib=eyJ2IjoiMSJ9&dib_tag=se",
            "https://www.amazon.de/dp/B08N5WRWNW/",
            "https://www.amazon.de/dp/B08N5WRWNW#customerReviews",
            "https://www.amazon.de/-/en/dp/B08N5WRWNW",
            "https://www.amazon.de/-/en/Apple-AirPods-Pro/dp/B08N5WRWNW?language=en_GB",
        ],
        AMZ,
        "B08N5WRWNW",
        "https://www.amazon.de/dp/B08N5WRWNW",
    );
}

#[test]
fn older_and_mobile_product_paths_give_the_asin() {
    assert_listings(
        &[
            "https://www.amazon.com/gp/product/B07XJ8C8F5",
            "https://www.amazon.com/gp/product/B07XJ8C8F5/ref=ppx_yo_dt_b_asin_title_o00_s00?ie=UTF8&psc=1",
            "https://www.amazon.com/gp/aw/d/B07XJ8C8F5/",
            "https://www.amazon.com/gp/aw/d/B07XJ8C8F5?ref_=ya_aw_od_pi",
            "https://www.amazon.com/exec/obidos/ASIN/B07XJ8C8F5/",
            "https://www.amazon.com/exec/obidos/ASIN/B07XJ8C8F5/someassociate-20",
            "https://www.amazon.com/exec/obidos/tg/detail/-/B07XJ8C8F5",
            "https://www.amazon.com/o/B07XJ8C8F5/",
            "https://www.amazon.com/dp/product/B07XJ8C8F5",
            "https://www.amazon.com/gp/offer-listing/B07XJ8C8F5/ref=dp_olp_NEW_mbc",
            "https://www.amazon.com/gp/aw/ol/B07XJ8C8F5?condition=new",
            "https://www.amazon.com/product-reviews/B07XJ8C8F5/ref=cm_cr_dp_d_show_all_btm",
            "https://www.amazon.com/gp/product/handle-buy-box/ref=dp_start-bbf_1_glance?ASIN=B07XJ8C8F5",
            "https://m.amazon.com/dp/B07XJ8C8F5",
            "https://smile.amazon.com/dp/B07XJ8C8F5",
            "https://amazon.com/dp/B07XJ8C8F5",
        ],
        AMZ,
        "B07XJ8C8F5",
        "https://www.amazon.com/dp/B07XJ8C8F5",
    );
}

#[test]
fn asins_are_uppercased_and_case_of_host_and_path_does_not_matter() {
    assert_listings(
        &[
            "https://www.amazon.co.uk/dp/b07xj8c8f5",
            "HTTPS://WWW.AMAZON.CO.UK/DP/B07XJ8C8F5",
            "http://smile.amazon.co.uk/Some-Title/DP/B07XJ8C8F5/REF=x",
            "www.amazon.co.uk/dp/B07XJ8C8F5",
            "amazon.co.uk/gp/product/B07XJ8C8F5?tag=affiliate-21",
        ],
        AMZ,
        "B07XJ8C8F5",
        "https://www.amazon.co.uk/dp/B07XJ8C8F5",
    );
}

#[test]
fn isbn_asins_of_books_are_accepted() {
    assert_listing(
        "https://www.amazon.fr/Petit-Prince-Antoine-Saint-Exup%C3%A9ry/dp/2070612759/ref=sr_1_1",
        AMZ,
        "2070612759",
        "https://www.amazon.fr/dp/2070612759",
    );
    assert_listing(
        "https://www.amazon.com/dp/080442957x",
        AMZ,
        "080442957X",
        "https://www.amazon.com/dp/080442957X",
    );
}

#[test]
fn japanese_title_slugs_are_skipped() {
    assert_listing(
        "https://www.amazon.co.jp/%E3%83%AF%E3%82%A4%E3%83%A4%E3%83%AC%E3%82%B9/dp/B0BDHWDR12/ref=sr_1_5?qid=1&sr=8-5",
        AMZ,
        "B0BDHWDR12",
        "https://www.amazon.co.jp/dp/B0BDHWDR12",
    );
}

#[test]
fn seller_in_the_link_becomes_the_seller_hint() {
    let store = Some((
        "A1B2C3D4E5F6G7",
        "https://www.amazon.de/sp?seller=A1B2C3D4E5F6G7",
    ));
    assert_hint(
        "https://www.amazon.de/dp/B08N5WRWNW?smid=A1B2C3D4E5F6G7&psc=1",
        store,
    );
    assert_hint(
        "https://www.amazon.de/dp/B08N5WRWNW?seller=a1b2c3d4e5f6g7",
        store,
    );
    assert_hint(
        "https://www.amazon.de/dp/B08N5WRWNW?me=A1B2C3D4E5F6G7",
        store,
    );
    assert_hint("https://www.amazon.de/dp/B08N5WRWNW?psc=1", None);
    assert_hint("https://www.amazon.de/dp/B08N5WRWNW?smid=short", None);
}

#[test]
fn store_links_give_the_merchant_id() {
    assert_stores(
        &[
            "https://www.amazon.com/sp?seller=A2XYZ123ABC456",
            "https://www.amazon.com/sp?ie=UTF8&seller=A2XYZ123ABC456&asin=B07XJ8C8F5&ref_=dp_merchant_link&isAmazonFulfilled=1",
            "https://www.amazon.com/s?me=A2XYZ123ABC456&marketplaceID=ATVPDKIKX0DER",
            "https://www.amazon.com/shops/A2XYZ123ABC456",
            "https://www.amazon.com/shops/a2xyz123abc456/ref=v_sp_storefront",
            "https://www.amazon.com/gp/aag/main?ie=UTF8&seller=A2XYZ123ABC456",
            "https://www.amazon.com/dp/B07XJ8C8F5?smid=A2XYZ123ABC456",
            "https://smile.amazon.com/sp?seller=A2XYZ123ABC456",
            "amazon.com/sp?seller=A2XYZ123ABC456",
        ],
        AMZ,
        "A2XYZ123ABC456",
        "https://www.amazon.com/sp?seller=A2XYZ123ABC456",
    );
    assert_store(
        "https://www.amazon.co.jp/sp?seller=an1vrqenfrjn5",
        AMZ,
        "AN1VRQENFRJN5",
        "https://www.amazon.co.jp/sp?seller=AN1VRQENFRJN5",
    );
}

#[test]
fn pages_without_an_asin_are_not_listings() {
    assert_not_listing(
        &[
            "https://www.amazon.com/",
            "https://www.amazon.de/s?k=airpods&crid=1",
            "https://www.amazon.com/gp/bestsellers/electronics",
            "https://www.amazon.com/sp?seller=A2XYZ123ABC456",
            "https://www.amazon.com/dp/TOOSHORT",
            "https://www.amazon.com/dp/ABCDEFGHIJ",
            "https://www.amazon.com/stores/Apple/page/77D9E1F7-0337-4282-9DB6-B6B8FB2DC98D",
            "https://sellercentral.amazon.com/",
        ],
        AMZ,
    );
}

#[test]
fn links_without_a_merchant_are_not_stores() {
    assert_not_store(
        &[
            "https://www.amazon.com/dp/B07XJ8C8F5",
            "https://www.amazon.com/",
            "https://www.amazon.com/stores/Apple/page/77D9E1F7-0337-4282-9DB6-B6B8FB2DC98D",
            "https://www.amazon.com/sp?seller=",
        ],
        AMZ,
    );
}

#[test]
fn lookalike_and_short_domains_are_not_amazon() {
    assert_other(&[
        "https://amzn.to/3abcDEF",
        "https://a.co/d/abc1234",
        "https://amazon-deals.shop/dp/B07XJ8C8F5",
        "https://www.amazon.com.evil.example/dp/B07XJ8C8F5",
        "https://notamazon.com/dp/B07XJ8C8F5",
        "https://www.amazon.xyz/dp/B07XJ8C8F5",
        "https://xn--mazon-3ve.com/dp/B07XJ8C8F5",
        "https://аmazon.com/dp/B07XJ8C8F5",
    ]);
}

#[test]
fn full_width_host_is_mapped_to_ascii_before_matching() {
    assert_listing(
        "https://ａｍａｚｏｎ.com/dp/B07XJ8C8F5",
        AMZ,
        "B07XJ8C8F5",
        "https://www.amazon.com/dp/B07XJ8C8F5",
    );
}
