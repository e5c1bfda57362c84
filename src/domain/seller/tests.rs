use super::*;
use crate::domain::listing_url::{parse_listing_url, parse_store_url};

fn listing(url: &str) -> Listing {
    parse_listing_url(url).expect("listing")
}

fn store(url: &str) -> Option<Store> {
    Some(parse_store_url(url).expect("store"))
}

fn name(text: &str) -> Option<String> {
    Some(text.to_owned())
}

const ITEM: &str = "https://www.aliexpress.com/item/1005001234567890.html";
/// The same listing, with its store in the link.
const ITEM_OF_111: &str = "https://www.aliexpress.com/item/1005001234567890.html?storeId=111111";

fn recorded_store() -> RecordedSeller {
    RecordedSeller {
        marketplace: Marketplace::AliExpress,
        seller_key: "111111".into(),
        name_based: false,
        display_name: "Foo Shop".into(),
        store_url: Some("https://www.aliexpress.com/store/111111".into()),
    }
}

fn recorded_name() -> RecordedSeller {
    RecordedSeller {
        marketplace: Marketplace::AliExpress,
        seller_key: "foo shop".into(),
        name_based: true,
        display_name: "Foo Shop".into(),
        store_url: None,
    }
}

#[test]
fn the_store_link_gives_the_seller_and_the_typed_name_is_its_vote() {
    let seller = resolve(
        &listing(ITEM),
        store("https://www.aliexpress.com/store/222222"),
        name("Bar Shop"),
    )
    .expect("resolved");
    assert_eq!(seller.seller_key, "222222");
    assert_eq!(seller.basis, Basis::StoreUrl);
    assert!(!seller.name_based);
    assert_eq!(seller.name.as_deref(), Some("Bar Shop"));
    assert_eq!(seller.display_name, "Bar Shop");
}

#[test]
fn the_store_named_by_the_listing_link_is_the_seller_without_a_store_link() {
    let seller = resolve(&listing(ITEM_OF_111), None, None).expect("resolved");
    assert_eq!(seller.seller_key, "111111");
    assert_eq!(seller.basis, Basis::ListingUrl);
    assert_eq!(seller.name, None);
    assert_eq!(seller.display_name, "111111");
}

#[test]
fn a_store_link_agreeing_with_the_listing_link_is_accepted() {
    let seller = resolve(
        &listing(ITEM_OF_111),
        store("https://www.aliexpress.com/store/111111"),
        None,
    )
    .expect("resolved");
    assert_eq!(seller.seller_key, "111111");
    assert_eq!(seller.basis, Basis::StoreUrl);
}

#[test]
fn a_store_link_contradicting_the_listing_link_is_refused_naming_both_stores() {
    let conflict = resolve(
        &listing(ITEM_OF_111),
        store("https://www.aliexpress.com/store/222222"),
        name("Bar Shop"),
    )
    .expect_err("contradiction");
    assert_eq!(conflict.field, "seller_url");
    assert!(
        conflict.message.contains("aliexpress.com/store/111111")
            && conflict.message.contains("aliexpress.com/store/222222"),
        "{}",
        conflict.message
    );
}

#[test]
fn a_shopee_product_belongs_to_the_shop_in_its_link() {
    let conflict = resolve(
        &listing("https://shopee.sg/product/123456/987654321"),
        store("https://shopee.sg/shop/654321"),
        None,
    )
    .expect_err("another shop");
    assert_eq!(conflict.field, "seller_url");
    assert!(conflict.message.contains("shopee.sg/shop/123456"));
}

#[test]
fn a_store_on_another_marketplace_is_refused() {
    let conflict = resolve(
        &listing(ITEM),
        store("https://www.ebay.com/usr/someone"),
        None,
    )
    .expect_err("other marketplace");
    assert_eq!(conflict.field, "seller_url");
    assert!(conflict.message.contains("eBay"));
}

#[test]
fn a_name_alone_gives_a_name_based_seller_keyed_by_its_folded_form() {
    let seller = resolve(&listing(ITEM), None, name("Foo  SHOP")).expect("resolved");
    assert!(seller.name_based);
    assert_eq!(seller.basis, Basis::Name);
    assert_eq!(seller.seller_key, "foo shop");
    assert_eq!(seller.name.as_deref(), Some("Foo  SHOP"));
    assert_eq!(
        resolve(&listing(ITEM), None, None)
            .expect_err("nothing")
            .field,
        "seller_name"
    );
}

#[test]
fn a_report_naming_the_recorded_store_is_filed_under_it() {
    let claim = resolve(
        &listing(ITEM),
        store("https://aliexpress.com/store/111111?spm=x"),
        name("FOO SHOP official"),
    )
    .expect("resolved");
    let filed = claim.on_recorded(&recorded_store()).expect("same store");
    assert_eq!(filed.seller_key, "111111");
    assert_eq!(filed.basis, Basis::Recorded);
    assert_eq!(filed.name.as_deref(), Some("FOO SHOP official"));
}

#[test]
fn a_name_alone_joins_the_recorded_seller_as_a_spelling_vote() {
    for recorded in [recorded_store(), recorded_name()] {
        let claim = resolve(&listing(ITEM), None, name("Bar Shop")).expect("resolved");
        let filed = claim.on_recorded(&recorded).expect("joins");
        assert_eq!(filed.seller_key, recorded.seller_key);
        assert_eq!(filed.name_based, recorded.name_based);
        assert_eq!(filed.store_url, recorded.store_url);
        assert_eq!(filed.name.as_deref(), Some("Bar Shop"));
    }
}

#[test]
fn another_store_for_a_recorded_listing_is_refused_naming_the_recorded_store() {
    let claim = resolve(
        &listing(ITEM),
        store("https://www.aliexpress.com/store/222222"),
        name("Bar Shop"),
    )
    .expect("resolved");
    let conflict = claim.on_recorded(&recorded_store()).expect_err("moved");
    assert_eq!(conflict.field, "seller_url");
    assert!(
        conflict.message.starts_with(
            "This listing is recorded under store “Foo Shop” (aliexpress.com/store/111111)"
        ),
        "{}",
        conflict.message
    );
    assert!(conflict.message.contains("aliexpress.com/store/222222"));
    assert!(
        conflict
            .message
            .contains("If the listing moved to another store")
    );
}

#[test]
fn a_listing_link_naming_another_store_than_the_recorded_one_is_refused_on_that_field() {
    let claim = resolve(
        &listing("https://www.aliexpress.com/item/1005001234567890.html?storeId=222222"),
        None,
        None,
    )
    .expect("resolved");
    let conflict = claim.on_recorded(&recorded_store()).expect_err("moved");
    assert_eq!(conflict.field, "listing_url");
    assert!(conflict.message.contains("“Foo Shop”"));
}

#[test]
fn a_store_cannot_be_tied_to_a_seller_recorded_by_name() {
    let claim = resolve(
        &listing(ITEM),
        store("https://www.aliexpress.com/store/222222"),
        name("Foo Shop"),
    )
    .expect("resolved");
    let conflict = claim.on_recorded(&recorded_name()).expect_err("take-over");
    assert_eq!(conflict.field, "seller_url");
    assert!(
        conflict
            .message
            .starts_with("This listing is recorded under the seller “Foo Shop”"),
        "{}",
        conflict.message
    );
    assert!(conflict.message.contains("leave the store address empty"));
}

fn spelling(name: &str, live_reports: i64) -> Spelling {
    Spelling {
        name: name.into(),
        folded: fold_name(name),
        live_reports,
    }
}

#[test]
fn the_spelling_most_live_reports_gave_is_shown() {
    let spellings = [
        spelling("Luxury Outlet Store", 1),
        spelling("Luxury Outlet", 2),
        spelling("Lux Outlet", 1),
    ];
    assert_eq!(shown_name(&spellings, "1102345678"), "Luxury Outlet");
}

#[test]
fn spellings_of_one_name_pool_their_votes_and_show_their_most_given_spelling() {
    // Three reporters typed "luxury outlet" in some case, two typed "Luxury Outlet Store".
    let spellings = [
        spelling("Luxury Outlet Store", 2),
        spelling("Luxury Outlet", 1),
        spelling("LUXURY OUTLET", 2),
    ];
    assert_eq!(shown_name(&spellings, "1"), "LUXURY OUTLET");
    // Within the name, a tie goes to the spelling given first.
    let spellings = [
        spelling("Luxury Outlet Store", 2),
        spelling("Luxury Outlet", 2),
        spelling("LUXURY OUTLET", 2),
    ];
    assert_eq!(shown_name(&spellings, "1"), "Luxury Outlet");
}

#[test]
fn a_tie_goes_to_the_name_given_first() {
    let spellings = [
        spelling("First", 2),
        spelling("Second", 2),
        spelling("Third", 1),
    ];
    assert_eq!(shown_name(&spellings, "1"), "First");
    let spellings = [
        spelling("First", 1),
        spelling("Second", 2),
        spelling("Third", 2),
    ];
    assert_eq!(shown_name(&spellings, "1"), "Second");
}

#[test]
fn spellings_without_live_reports_are_never_shown() {
    let spellings = [
        spelling("Withdrawn Troll Name", 0),
        spelling("Real Name", 1),
    ];
    assert_eq!(shown_name(&spellings, "1102345678"), "Real Name");
    // Not even as the form of a name live reports spelled otherwise.
    let spellings = [spelling("REAL NAME", 0), spelling("Real Name", 1)];
    assert_eq!(shown_name(&spellings, "1102345678"), "Real Name");
    let spellings = [spelling("Withdrawn Troll Name", 0)];
    assert_eq!(shown_name(&spellings, "1102345678"), "1102345678");
    assert_eq!(shown_name(&[], "1102345678"), "1102345678");
}

#[test]
fn a_long_store_id_is_shown_cut_to_a_name_length() {
    let key = "k".repeat(500);
    assert_eq!(shown_name(&[], &key).chars().count(), MAX_SELLER_NAME_CHARS);
}
