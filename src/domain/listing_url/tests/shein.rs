use super::*;

const SHEIN: Marketplace = Marketplace::Shein;

#[test]
fn goods_links_give_the_goods_id() {
    assert_listings(
        &[
            "https://us.shein.com/SHEIN-EZwear-Solid-Crop-Tee-p-12345678.html",
            "https://us.shein.com/SHEIN-EZwear-Solid-Crop-Tee-p-12345678-cat-1738.html",
            "https://us.shein.com/SHEIN-EZwear-Solid-Crop-Tee-p-12345678-cat-1738.html?src_identifier=fc%3DWomen&src_module=topcat&src_tab_page_id=page_home1700000000000&mallCode=1&scici=navbar_WomenHomePage~~tab01navbar02~~2",
            "https://www.shein.com/Floral-Print-Dress-p-12345678.html",
            "https://m.shein.com/us/SHEIN-Crop-Tee-p-12345678-cat-1738.html",
            "https://fr.shein.com/Crop-Tee-p-12345678.html",
            "https://de.shein.com/Crop-Tee-p-12345678.html?url_from=adgoogle",
            "https://shein.com/Crop-Tee-p-12345678.html",
            "http://US.SHEIN.COM/Crop-Tee-P-12345678.html",
            "https://us.shein.com/2-pack-p-3-tee-p-12345678.html",
            "https://us.shein.com/goods_detail.html?goods_id=12345678",
            "https://us.shein.com/Crop-Tee-p-12345678.html#reviews",
            "us.shein.com/Crop-Tee-p-12345678.html",
        ],
        SHEIN,
        "12345678",
        "https://www.shein.com/goods-p-12345678.html",
    );
}

#[test]
fn other_shein_domains_keep_their_tld() {
    assert_listing(
        "https://www.shein.co.uk/Crop-Tee-p-12345678-cat-1738.html",
        SHEIN,
        "12345678",
        "https://www.shein.co.uk/goods-p-12345678.html",
    );
    assert_listing(
        "https://m.shein.com.mx/Blusa-p-87654321.html",
        SHEIN,
        "87654321",
        "https://www.shein.com.mx/goods-p-87654321.html",
    );
}

#[test]
fn store_links_give_the_store_code() {
    assert_stores(
        &[
            "https://us.shein.com/store/home?store_code=7654321",
            "https://us.shein.com/store/home?store_code=7654321&src_module=storeHome&main_cate_id=1",
            "https://m.shein.com/us/store/home?store_code=7654321",
            "https://www.shein.com/store/home?store_code=7654321",
        ],
        SHEIN,
        "7654321",
        "https://www.shein.com/store/home?store_code=7654321",
    );
    assert_hint(
        "https://us.shein.com/Crop-Tee-p-12345678.html?store_code=7654321",
        Some((
            "7654321",
            "https://www.shein.com/store/home?store_code=7654321",
        )),
    );
}

#[test]
fn other_shein_pages_are_refused() {
    assert_not_listing(
        &[
            "https://us.shein.com/",
            "https://us.shein.com/Women-Dresses-c-1727.html",
            "https://us.shein.com/pdsearch/crop%20tee/",
            "https://us.shein.com/store/home?store_code=7654321",
            "https://us.shein.com/Crop-Tee-p-12345678-extra.html",
            "https://us.shein.com/New-in-Trends-sc-00654187.html",
        ],
        SHEIN,
    );
    assert_not_store(
        &[
            "https://us.shein.com/Crop-Tee-p-12345678.html",
            "https://us.shein.com/store/home",
        ],
        SHEIN,
    );
}
