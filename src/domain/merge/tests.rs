use super::*;
use crate::domain::seller::Basis;

fn aliexpress(key: &str) -> SellerRef {
    SellerRef {
        marketplace: Marketplace::AliExpress,
        seller_key: key.into(),
    }
}

#[test]
fn a_seller_is_named_by_marketplace_and_key_its_page_or_its_store_link() {
    for raw in [
        "aliexpress/1102345678",
        "  aliexpress/1102345678 ",
        "/sellers/aliexpress/1102345678",
        "https://fakewatch.example/sellers/aliexpress/1102345678?page=2#reports",
        "https://fakewatch.example/sellers/aliexpress/1102345678/feed.atom",
        "https://www.aliexpress.com/store/1102345678",
    ] {
        assert_eq!(parse_seller_ref(raw), Ok(aliexpress("1102345678")), "{raw}");
    }
}

#[test]
fn keys_with_spaces_and_slashes_survive_both_spellings() {
    assert_eq!(
        parse_seller_ref("/sellers/other/shop.example%3Abest%20deals%2Fbags"),
        Ok(SellerRef {
            marketplace: Marketplace::Other,
            seller_key: "shop.example:best deals/bags".into(),
        })
    );
    assert_eq!(
        parse_seller_ref("aliexpress/best deals"),
        Ok(aliexpress("best deals"))
    );
}

#[test]
fn unknown_marketplaces_and_empty_input_are_refused_with_help() {
    for raw in [
        "",
        "   ",
        "1102345678",
        "/sellers/aliexpress/",
        "nowhere/123",
    ] {
        let message = parse_seller_ref(raw).expect_err(raw);
        assert!(
            message.contains("marketplace/seller_key"),
            "{raw}: {message}"
        );
    }
    let message = parse_seller_ref("/sellers/atlantis/1").expect_err("unknown marketplace");
    assert!(message.contains("marketplace/seller_key"), "{message}");
    let message = parse_seller_ref("atlantis/1").expect_err("unknown marketplace");
    assert!(
        message.contains("“atlantis” is not a marketplace"),
        "{message}"
    );
    assert_eq!(
        parse_seller_ref("aliexpress.com/store/1102345678"),
        Ok(aliexpress("1102345678"))
    );
}

#[test]
fn a_brand_is_named_by_slug_name_or_page() {
    for raw in [
        "louis-vuitton",
        "Louis Vuitton",
        " LOUIS  VUITTON ",
        "/brands/louis-vuitton",
        "https://fakewatch.example/brands/louis-vuitton/feed.atom",
        "https://fakewatch.example/brands/louis-vuitton?page=3",
    ] {
        assert_eq!(parse_brand_ref(raw), Ok("louis-vuitton".into()), "{raw}");
    }
    assert_eq!(
        parse_brand_ref("/brands/mo%C3%ABt-chandon"),
        Ok("moët-chandon".into())
    );
    for raw in ["", "!!!", "/brands/"] {
        assert!(parse_brand_ref(raw).is_err(), "{raw}");
    }
}

#[test]
fn display_names_are_cleaned_and_bounded() {
    assert_eq!(
        seller_display_name("  Luxury\u{200B} Outlet\tStore "),
        Ok("Luxury Outlet Store".into())
    );
    assert!(seller_display_name(" \u{200B} ").is_err());
    assert!(seller_display_name(&"x".repeat(MAX_SELLER_NAME_CHARS)).is_ok());
    assert!(seller_display_name(&"x".repeat(MAX_SELLER_NAME_CHARS + 1)).is_err());
    assert_eq!(
        brand_display_name("Louis Vuitton"),
        Ok("Louis Vuitton".into())
    );
    assert!(brand_display_name("").is_err());
    assert!(brand_display_name(&"x".repeat(MAX_BRAND_CHARS + 1)).is_err());
}

fn side<'a>(id: &'a str, merged_into: Option<&'a str>) -> Side<'a> {
    Side {
        id,
        marketplace: id.split('/').next().and_then(|m| m.parse().ok()),
        merged_into,
    }
}

#[test]
fn a_merge_into_another_seller_of_the_marketplace_is_allowed() {
    let a = side("aliexpress/1", None);
    let b = side("aliexpress/2", None);
    assert_eq!(merge_problem(&a, &b, &b, "seller"), None);
    // Into a seller that was merged: the kept one is where it leads.
    let c = side("aliexpress/3", Some("aliexpress/2"));
    assert_eq!(merge_problem(&a, &c, &b, "seller"), None);
}

#[test]
fn merges_into_itself_back_into_its_alias_across_marketplaces_or_of_a_merged_seller_are_refused() {
    let a = side("aliexpress/1", None);
    let message = merge_problem(&a, &a, &a, "seller").expect("itself");
    assert!(message.contains("into itself"), "{message}");

    let alias = side("aliexpress/9", Some("aliexpress/1"));
    let message = merge_problem(&a, &alias, &a, "seller").expect("back into its alias");
    assert!(
        message.contains("aliexpress/9 was merged into this seller"),
        "{message}"
    );

    let amazon = side("amazon/A1", None);
    let message = merge_problem(&a, &amazon, &amazon, "seller").expect("other marketplace");
    assert!(
        message.contains("Amazon") && message.contains("AliExpress"),
        "{message}"
    );

    let merged = side("aliexpress/5", Some("aliexpress/6"));
    let b = side("aliexpress/2", None);
    let message = merge_problem(&merged, &b, &b, "seller").expect("merged already");
    assert!(message.contains("merge aliexpress/6 instead"), "{message}");
}

#[test]
fn brands_have_no_marketplace_to_differ_in() {
    let a = side("acme", None);
    let b = side("acme-corp", None);
    assert_eq!(merge_problem(&a, &b, &b, "brand"), None);
    let message = merge_problem(&a, &a, &a, "brand").expect("itself");
    assert!(message.contains("A brand cannot"), "{message}");
}

#[test]
fn a_report_on_a_merged_seller_keeps_its_name_vote_under_the_kept_seller() {
    let identity = SellerIdentity {
        marketplace: Marketplace::AliExpress,
        seller_key: "1".into(),
        name_based: false,
        basis: Basis::StoreUrl,
        display_name: "Old".into(),
        store_url: Some("https://www.aliexpress.com/store/1".into()),
        name: Some("Typed Name".into()),
    };
    let kept = RecordedSeller {
        marketplace: Marketplace::AliExpress,
        seller_key: "2".into(),
        name_based: false,
        display_name: "Kept".into(),
        store_url: Some("https://www.aliexpress.com/store/2".into()),
    };
    let followed = follow_merge(&identity, &kept);
    assert_eq!(followed.seller_key, "2");
    assert_eq!(followed.store_url, kept.store_url);
    assert_eq!(followed.name.as_deref(), Some("Typed Name"));
    assert_eq!(followed.basis, Basis::StoreUrl);
}
