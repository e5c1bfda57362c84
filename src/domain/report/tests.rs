use time::macros::date;

use super::*;
use crate::domain::Marketplace;
use crate::domain::seller::Basis;

const TODAY: Date = date!(2026 - 11 - 25);

fn valid() -> ReportInput {
    ReportInput {
        listing_url: "https://www.aliexpress.com/item/1005001234567890.html?spm=a2g0o".into(),
        seller_url: Some("https://www.aliexpress.com/store/912345".into()),
        seller_name: Some("Best  Deals Store".into()),
        brand: "  LOUIS VUITTON ".into(),
        product_title: Some("Neverfull MM bag".into()),
        price: Some(PriceInput {
            amount: "19.99".into(),
            currency: "usd".into(),
        }),
        order_date: Some("2026-10-01".into()),
        reasons: vec![
            "price_too_low".into(),
            "poor_quality".into(),
            "price_too_low".into(),
        ],
        description: "The stitching is crooked and the logo is off-centre.".into(),
        email: Some("Buyer@Example.COM".into()),
    }
}

fn errors_of(input: &ReportInput) -> FieldErrors {
    input.validate(TODAY).expect_err("should be refused")
}

#[test]
fn a_complete_report_validates() {
    let report = valid().validate(TODAY).expect("valid");
    assert_eq!(report.listing.marketplace, Marketplace::AliExpress);
    assert_eq!(report.listing.listing_id, "1005001234567890");
    assert_eq!(report.seller.seller_key, "912345");
    assert!(!report.seller.name_based);
    assert_eq!(report.seller.display_name, "Best Deals Store");
    assert_eq!(report.seller.name.as_deref(), Some("Best Deals Store"));
    assert_eq!(report.seller.basis, Basis::StoreUrl);
    assert_eq!(report.brand.slug, "louis-vuitton");
    assert_eq!(report.brand.display_name, "LOUIS VUITTON");
    assert_eq!(
        report.reasons,
        vec![Reason::PriceTooLow, Reason::PoorQuality]
    );
    assert_eq!(
        report.price.map(|p| p.amount_string()),
        Some("19.99".into())
    );
    assert_eq!(
        report.email.as_ref().map(Email::as_str),
        Some("Buyer@example.com")
    );
    assert_eq!(
        report.email.map(|e| e.folded()),
        Some("buyer@example.com".into())
    );
}

#[test]
fn seller_name_alone_gives_a_name_based_key() {
    let input = ReportInput {
        seller_url: None,
        seller_name: Some("  Best   DEALS\u{3000}Store ".into()),
        ..valid()
    };
    let report = input.validate(TODAY).expect("valid");
    assert!(report.seller.name_based);
    assert_eq!(report.seller.basis, Basis::Name);
    assert_eq!(report.seller.seller_key, "best deals store");
    assert_eq!(report.seller.name.as_deref(), Some("Best DEALS Store"));
    assert_eq!(report.seller.marketplace, Marketplace::AliExpress);
}

#[test]
fn name_based_sellers_on_unknown_sites_are_keyed_by_host() {
    let input = ReportInput {
        listing_url: "https://shop.example.org/products/bag-123".into(),
        seller_url: None,
        ..valid()
    };
    let report = input.validate(TODAY).expect("valid");
    assert_eq!(report.seller.marketplace, Marketplace::Other);
    assert_eq!(
        report.seller.seller_key,
        "shop.example.org:best deals store"
    );
}

#[test]
fn seller_found_in_the_listing_url_is_used() {
    let input = ReportInput {
        listing_url: "https://www.amazon.de/dp/B08N5WRWNW?smid=A1B2C3D4E5F6G7".into(),
        seller_url: None,
        seller_name: None,
        ..valid()
    };
    let report = input.validate(TODAY).expect("valid");
    assert_eq!(report.seller.marketplace, Marketplace::Amazon);
    assert!(!report.seller.name_based);
    assert_eq!(report.seller.basis, Basis::ListingUrl);
    assert_eq!(report.seller.display_name, report.seller.seller_key);
}

#[test]
fn a_seller_is_required() {
    let input = ReportInput {
        seller_url: None,
        seller_name: Some("   ".into()),
        ..valid()
    };
    assert!(errors_of(&input).get("seller_name").is_some());
}

#[test]
fn store_on_another_marketplace_is_refused() {
    let input = ReportInput {
        seller_url: Some("https://www.ebay.com/usr/someone".into()),
        ..valid()
    };
    let errors = errors_of(&input);
    assert!(errors.get("seller_url").is_some_and(|m| m.contains("eBay")));
}

#[test]
fn every_bad_field_is_reported_at_once() {
    let input = ReportInput {
        listing_url: "javascript:alert(1)".into(),
        seller_url: Some("not a url".into()),
        seller_name: None,
        brand: " ".into(),
        product_title: Some("x".repeat(301)),
        price: Some(PriceInput {
            amount: "abc".into(),
            currency: "USD".into(),
        }),
        order_date: Some("31/12/2025".into()),
        reasons: vec!["cheap".into()],
        description: "short".into(),
        email: Some("not-an-email".into()),
    };
    let errors = errors_of(&input);
    for field in [
        "listing_url",
        "seller_url",
        "brand",
        "product_title",
        "price",
        "order_date",
        "reasons",
        "description",
        "email",
    ] {
        assert!(
            errors.get(field).is_some(),
            "no error for {field}: {errors:?}"
        );
    }
}

#[test]
fn missing_reasons_and_description_are_explained() {
    let input = ReportInput {
        reasons: vec![],
        description: String::new(),
        ..valid()
    };
    let errors = errors_of(&input);
    assert!(
        errors
            .get("reasons")
            .is_some_and(|m| m.contains("at least one"))
    );
    assert!(errors.get("description").is_some());
}

#[test]
fn description_limits_are_enforced() {
    let long = ReportInput {
        description: "a".repeat(MAX_DESCRIPTION_CHARS + 1),
        ..valid()
    };
    assert!(
        errors_of(&long)
            .get("description")
            .is_some_and(|m| m.contains("5000"))
    );
    let control = ReportInput {
        description: "fake fake fake \u{7}".into(),
        ..valid()
    };
    assert!(errors_of(&control).get("description").is_some());
    let multiline = ReportInput {
        description: "Line one is here.\r\nLine two.".into(),
        ..valid()
    };
    let report = multiline.validate(TODAY).expect("valid");
    assert_eq!(report.description, "Line one is here.\nLine two.");
}

#[test]
fn order_dates_must_be_real_and_not_in_the_future() {
    for (raw, ok) in [
        ("2026-11-25", true),
        ("2026-11-26", true),
        ("2026-11-28", false),
        ("2026-02-30", false),
        ("1990-01-01", false),
        ("yesterday", false),
        ("", true),
    ] {
        let input = ReportInput {
            order_date: Some(raw.into()),
            ..valid()
        };
        assert_eq!(input.validate(TODAY).is_ok(), ok, "order date {raw:?}");
    }
}

#[test]
fn price_needs_amount_and_known_currency() {
    let no_currency = ReportInput {
        price: Some(PriceInput {
            amount: "10".into(),
            currency: String::new(),
        }),
        ..valid()
    };
    assert!(errors_of(&no_currency).get("currency").is_some());
    let no_amount = ReportInput {
        price: Some(PriceInput {
            amount: String::new(),
            currency: "EUR".into(),
        }),
        ..valid()
    };
    assert!(errors_of(&no_amount).get("price").is_some());
    let neither = ReportInput {
        price: Some(PriceInput::default()),
        ..valid()
    };
    assert!(neither.validate(TODAY).expect("valid").price.is_none());
}

#[test]
fn email_shape_is_checked() {
    for (raw, ok) in [
        ("a@b.co", true),
        ("first.last+tag@sub.example.org", true),
        ("no-at-sign", false),
        ("@example.com", false),
        ("a@localhost", false),
        ("a b@example.com", false),
        ("a@example.com.", false),
        ("", true),
    ] {
        let input = ReportInput {
            email: Some(raw.into()),
            ..valid()
        };
        assert_eq!(input.validate(TODAY).is_ok(), ok, "email {raw:?}");
    }
}

#[test]
fn brands_fold_to_one_slug() {
    for raw in ["LOUIS VUITTON", " louis  vuitton", "Louis Vuitton"] {
        let input = ReportInput {
            brand: raw.into(),
            ..valid()
        };
        assert_eq!(
            input.validate(TODAY).expect("valid").brand.slug,
            "louis-vuitton"
        );
    }
    let punctuation_only = ReportInput {
        brand: "!!!".into(),
        ..valid()
    };
    assert!(errors_of(&punctuation_only).get("brand").is_some());
}

#[test]
fn unknown_json_fields_are_refused() {
    let parsed: Result<ReportInput, _> =
        serde_json::from_str(r#"{"listing_url": "https://x.example/", "colour": "red"}"#);
    assert!(parsed.is_err_and(|e| e.to_string().contains("colour")));
}

#[test]
fn names_that_grow_when_folded_are_refused_not_stored() {
    // U+FDFA folds to 18 characters: 200 of them would exceed the database's key length.
    let input = ReportInput {
        seller_url: None,
        seller_name: Some("\u{FDFA}".repeat(200)),
        ..valid()
    };
    assert!(errors_of(&input).get("seller_name").is_some());
}

#[test]
fn long_store_ids_make_a_display_name_of_bounded_length() {
    let input = ReportInput {
        listing_url: "https://shop.example.org/products/bag-1".into(),
        seller_url: Some(format!("https://shop.example.org/{}", "a".repeat(400))),
        seller_name: None,
        ..valid()
    };
    let report = input.validate(TODAY).expect("valid");
    assert!(report.seller.display_name.chars().count() <= MAX_SELLER_NAME_CHARS);
}

#[test]
fn the_api_document_states_the_limits_the_checks_use() {
    use utoipa::PartialSchema;
    let schema = serde_json::to_value(ReportInput::schema()).expect("schema as JSON");
    let field = |name: &str| &schema["properties"][name];
    let limits = [
        ("listing_url", "minLength", 1),
        ("brand", "minLength", 1),
        ("brand", "maxLength", MAX_BRAND_CHARS),
        ("seller_name", "maxLength", MAX_SELLER_NAME_CHARS),
        ("product_title", "maxLength", MAX_PRODUCT_TITLE_CHARS),
        ("description", "minLength", MIN_DESCRIPTION_CHARS),
        ("description", "maxLength", MAX_DESCRIPTION_CHARS),
        ("email", "maxLength", MAX_EMAIL_CHARS),
        ("reasons", "minItems", 1),
    ];
    for (name, keyword, limit) in limits {
        assert_eq!(field(name)[keyword], limit, "{name}.{keyword}");
    }
    assert_eq!(
        field("reasons")["items"]["$ref"],
        "#/components/schemas/Reason"
    );
    let reason = serde_json::to_value(Reason::schema()).expect("schema as JSON");
    let reasons: Vec<&str> = reason["enum"]
        .as_array()
        .expect("reasons are an enum")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(reasons, Reason::ALL.map(Reason::as_str));
    let required = schema["required"].as_array().expect("required fields");
    for name in ["listing_url", "brand", "reasons", "description"] {
        assert!(required.iter().any(|r| r == name), "{name} is required");
    }
    assert_eq!(schema["additionalProperties"], false);
}
