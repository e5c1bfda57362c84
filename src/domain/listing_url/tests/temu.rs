use super::*;

const TEMU: Marketplace = Marketplace::Temu;
const ID: &str = "601099512345678";
const CANONICAL: &str = "https://www.temu.com/goods.html?goods_id=601099512345678";

#[test]
fn goods_links_give_the_goods_id() {
    assert_listings(
        &[
            "https://www.temu.com/wireless-earbuds-bluetooth-5-3-g-601099512345678.html",
            "https://www.temu.com/wireless-earbuds-g-601099512345678.html?_oak_mp_inf=ENbK%2B&top_gallery_url=https%3A%2F%2Fimg.kwcdn.com%2Fx.jpg&spec_gallery_id=123&refer_page_sn=10009&refer_source=0&freesia_scene=1&_oak_freesia_scene=1&_x_sessn_id=abc&refer_page_name=home&refer_page_id=10005_1700000000000_xyz",
            "https://www.temu.com/uk/wireless-earbuds-g-601099512345678.html",
            "https://www.temu.com/de/kabellose-kopfhorer-g-601099512345678.html",
            "https://www.temu.com/fr-ca/ecouteurs-g-601099512345678.html?_bg_fs=1",
            "https://m.temu.com/wireless-earbuds-g-601099512345678.html",
            "https://temu.com/wireless-earbuds-g-601099512345678.html",
            "http://WWW.TEMU.COM/Wireless-Earbuds-G-601099512345678.HTML",
            "https://www.temu.com/goods.html?goods_id=601099512345678",
            "https://www.temu.com/goods.html?_bg_fs=1&goods_id=601099512345678&_x_ads_channel=google",
            "https://www.temu.com/kuiper/un9.html?subj=goods-un&_bg_fs=1&goods_id=601099512345678",
            "www.temu.com/t-shirt-g-string-g-601099512345678.html",
            "https://www.temu.com/wireless-earbuds-g-601099512345678.html#reviews",
        ],
        TEMU,
        ID,
        CANONICAL,
    );
}

#[test]
fn mall_id_on_a_goods_link_becomes_the_seller_hint() {
    assert_hint(
        "https://www.temu.com/x-g-601099512345678.html?mall_id=634418212345678",
        Some((
            "634418212345678",
            "https://www.temu.com/mall.html?mall_id=634418212345678",
        )),
    );
    assert_hint(CANONICAL, None);
}

#[test]
fn store_links_give_the_mall_id() {
    assert_stores(
        &[
            "https://www.temu.com/gadget-world-m-634418212345678.html",
            "https://www.temu.com/uk/gadget-world-m-634418212345678.html?refer_page_name=goods",
            "https://www.temu.com/mall.html?mall_id=634418212345678",
            "https://m.temu.com/mall.html?mall_id=634418212345678&_x_sessn_id=1",
            "https://www.temu.com/x-g-601099512345678.html?mall_id=634418212345678",
        ],
        TEMU,
        "634418212345678",
        "https://www.temu.com/mall.html?mall_id=634418212345678",
    );
}

#[test]
fn other_temu_pages_are_refused() {
    assert_not_listing(
        &[
            "https://www.temu.com/",
            "https://www.temu.com/search_result.html?search_key=earbuds",
            "https://www.temu.com/channel/best-sellers.html",
            "https://www.temu.com/gadget-world-m-634418212345678.html",
            "https://www.temu.com/earbuds-g-12.html",
            "https://www.temu.com/goods.html?goods_id=abc",
        ],
        TEMU,
    );
    assert_not_store(
        &[
            "https://www.temu.com/",
            CANONICAL,
            "https://www.temu.com/mall.html?mall_id=",
        ],
        TEMU,
    );
}

#[test]
fn share_links_are_other_websites() {
    assert_other(&["https://temu.to/k/abc123", "https://share.temu.com/AbCdEf"]);
}
