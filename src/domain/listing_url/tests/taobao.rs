use super::*;

const TB: Marketplace = Marketplace::Taobao;
const TM: Marketplace = Marketplace::Tmall;

#[test]
fn taobao_item_links_give_the_item_id() {
    assert_listings(
        &[
            "https://item.taobao.com/item.htm?id=678901234567",
            "https://item.taobao.com/item.htm?spm=a230r.1.14.16.1a2b3c&id=678901234567&ns=1&abbucket=9",
            "https://item.taobao.com/item.htm?id=678901234567&ali_refid=a3_430582_1006:1234:J:1234_0_1234:abc&ali_trackid=1_abc",
            "https://m.intl.taobao.com/detail/detail.html?id=678901234567",
            "https://h5.m.taobao.com/awp/core/detail.htm?id=678901234567&spm=a1z3i",
            "https://world.taobao.com/item/678901234567.htm?spm=a21wu",
            "http://ITEM.TAOBAO.COM/item.htm?id=678901234567",
            "item.taobao.com/item.htm?id=678901234567#detail",
            "https://market.m.taobao.com/app/dinamic/h5-tb-detail/index.html?id=678901234567",
        ],
        TB,
        "678901234567",
        "https://item.taobao.com/item.htm?id=678901234567",
    );
}

#[test]
fn tmall_item_links_give_the_item_id() {
    assert_listings(
        &[
            "https://detail.tmall.com/item.htm?id=678901234567",
            "https://detail.tmall.com/item.htm?spm=a220m.1000858.1000725.1.1a2b&id=678901234567&skuId=4567&user_id=2200123&cat_id=2&is_b=1&rn=abc",
            "https://detail.m.tmall.com/item.htm?id=678901234567",
            "https://chaoshi.detail.tmall.com/item.htm?id=678901234567",
        ],
        TM,
        "678901234567",
        "https://detail.tmall.com/item.htm?id=678901234567",
    );
    assert_listing(
        "https://detail.tmall.hk/hk/item.htm?id=678901234567&spm=a1z10",
        TM,
        "678901234567",
        "https://detail.tmall.hk/item.htm?id=678901234567",
    );
}

#[test]
fn shop_subdomains_are_stores_and_hints() {
    assert_stores(
        &[
            "https://shop123456789.taobao.com/",
            "https://shop123456789.taobao.com/index.htm?spm=2013.1.w5002",
            "https://shop123456789.m.taobao.com/",
            "https://shop.m.taobao.com/shop/shop_index.htm?shop_id=123456789",
            "http://SHOP123456789.TAOBAO.COM",
        ],
        TB,
        "123456789",
        "https://shop123456789.taobao.com/",
    );
    assert_stores(
        &[
            "https://nike.tmall.com/",
            "https://nike.tmall.com/search.htm?spm=a1z10.1",
            "https://nike.m.tmall.com/",
        ],
        TM,
        "nike",
        "https://nike.tmall.com/",
    );
    assert_hint(
        "https://nike.tmall.com/item.htm?id=678901234567",
        Some(("nike", "https://nike.tmall.com/")),
    );
    assert_hint("https://detail.tmall.com/item.htm?id=678901234567", None);
}

#[test]
fn other_taobao_and_tmall_pages_are_refused() {
    assert_not_listing(
        &[
            "https://www.taobao.com/",
            "https://s.taobao.com/search?q=earbuds",
            "https://item.taobao.com/item.htm?id=abc",
            "https://shop123456789.taobao.com/",
        ],
        TB,
    );
    assert_not_listing(
        &[
            "https://www.tmall.com/",
            "https://list.tmall.com/search_product.htm?q=x",
        ],
        TM,
    );
    assert_not_store(
        &[
            "https://item.taobao.com/item.htm?id=678901234567",
            "https://www.taobao.com/",
            "https://shopabc.taobao.com/",
        ],
        TB,
    );
    assert_not_store(
        &[
            "https://detail.tmall.com/item.htm?id=678901234567",
            "https://www.tmall.com/",
            "https://a.b.tmall.com/",
        ],
        TM,
    );
}

#[test]
fn affiliate_and_short_links_are_other_websites() {
    assert_other(&[
        "https://s.click.taobao.com/t?e=m%3D2",
        "https://m.tb.cn/h.5AbCdEf",
        "https://s.click.tmall.com/t?e=1",
    ]);
}
