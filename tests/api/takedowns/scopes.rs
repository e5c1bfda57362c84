//! Tokens and scopes: 401 without a valid, unrevoked token; 403, the same for another
//! holder's brand and a missing one; a holder sees only its brands.

use fakewatch::config::RightsHolderCommand;
use serde_json::{Value, json};

use super::{
    admin, export, export_json, fields, file, get_as, header, holder, item, problem, report,
    row_of, rows, token_id, token_in, urls,
};
use crate::helpers::TestApp;

#[tokio::test]
async fn exports_need_a_valid_unrevoked_token() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    let second = token_in(
        &admin(
            &app,
            RightsHolderCommand::Token {
                holder: "acme-corp".into(),
                label: Some("nightly sync".into()),
            },
        )
        .await,
    );
    assert_eq!(export(&app, &token, "brand=acme").await.status(), 200);

    let anonymous = app.get("/api/v1/takedowns?brand=acme").await;
    assert_eq!(anonymous.headers()["www-authenticate"], "Bearer");
    problem(anonymous, 401).await;
    let basic = app
        .client
        .get(app.url("/api/v1/takedowns?brand=acme"))
        .basic_auth("acme", Some("password"))
        .send()
        .await
        .expect("request");
    // Another scheme asks for a bearer token, as if there were none...
    assert_eq!(basic.headers()["www-authenticate"], "Bearer");
    problem(basic, 401).await;
    // ...and a header that is not text cannot hold one of ours.
    let unreadable = app
        .client
        .get(app.url("/api/v1/takedowns?brand=acme"))
        .header(
            "authorization",
            reqwest::header::HeaderValue::from_bytes(b"Bearer fwt_\xff").expect("obs-text"),
        )
        .send()
        .await
        .expect("request");
    assert_eq!(
        unreadable.headers()["www-authenticate"],
        "Bearer error=\"invalid_token\""
    );
    problem(unreadable, 401).await;
    let wrong_secret = format!("fwt_{}_{}", token_id(&token), "x".repeat(40));
    for bad in [
        "garbage",
        "fwt_",
        "fwt_0123456789_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        &wrong_secret,
    ] {
        let response = export(&app, bad, "brand=acme").await;
        assert_eq!(
            header(&response, "www-authenticate"),
            "Bearer error=\"invalid_token\"",
            "{bad}"
        );
        problem(response, 401).await;
    }

    // Revoked by its id, the token stops working at once; the holder's other token does not.
    let printed = admin(
        &app,
        RightsHolderCommand::Revoke {
            token: token_id(&token),
        },
    )
    .await;
    assert!(printed.contains(&token_id(&token)), "{printed}");
    problem(export(&app, &token, "brand=acme").await, 401).await;
    problem(get_as(&app, &token, "/api/v1/rights-holder").await, 401).await;
    assert_eq!(export(&app, &second, "brand=acme").await.status(), 200);
    // Revoked by the whole token.
    admin(
        &app,
        RightsHolderCommand::Revoke {
            token: second.clone(),
        },
    )
    .await;
    problem(export(&app, &second, "brand=acme").await, 401).await;
}

#[tokio::test]
async fn other_holders_brands_and_unknown_brands_get_the_same_403() {
    let app = TestApp::spawn().await;
    let acme = holder(&app, "Acme Corp", &["Acme"]).await;
    holder(&app, "Globex", &["Globex"]).await;
    file(&app, &report(1, "Globex", "a@example.com")).await;

    let theirs = export(&app, &acme, "brand=globex&format=csv").await;
    let nobodys = export(&app, &acme, "brand=no-such-brand&format=csv").await;
    let theirs = problem(theirs, 403).await;
    let nobodys = problem(nobodys, 403).await;
    assert_eq!(
        theirs.to_string().replace("globex", "BRAND"),
        nobodys.to_string().replace("no-such-brand", "BRAND"),
        "the answers must not tell an existing brand from a missing one"
    );
    let text = theirs.to_string();
    assert!(
        !text.contains("Globex") && !text.contains("aliexpress"),
        "{text}"
    );

    // The same for storing IP-right details.
    let put = |slug: &'static str| {
        app.client
            .put(app.url(&format!("/api/v1/rights-holder/brands/{slug}")))
            .bearer_auth(&acme)
            .json(&json!({"ipr_registration_no": "1", "ipr_office": "EUIPO"}))
            .send()
    };
    problem(put("globex").await.expect("request"), 403).await;
    problem(put("no-such-brand").await.expect("request"), 403).await;
}

#[tokio::test]
async fn a_holder_sees_only_its_brands_rows_and_names_the_brand_when_it_has_two() {
    let app = TestApp::spawn().await;
    let acme = holder(&app, "Acme Corp", &["Acme", "Acme Kids"]).await;
    let globex = holder(&app, "Globex", &["Globex"]).await;
    file(&app, &report(1, "Acme", "a@example.com")).await;
    file(&app, &report(2, "Acme Kids", "a@example.com")).await;
    file(&app, &report(3, "Globex", "a@example.com")).await;
    // One listing faked for both companies' brands.
    file(&app, &report(4, "Acme", "b@example.com")).await;
    file(&app, &report(4, "Globex", "c@example.com")).await;

    let response = export(&app, &acme, "format=json").await;
    let body = problem(response, 422).await;
    assert_eq!(fields(&body), ["brand"]);
    assert!(body.to_string().contains("acme-kids"));

    let acme_list = export_json(&app, &acme, "brand=acme").await;
    assert_eq!(urls(&acme_list), [item(1), item(4)]);
    assert_eq!(acme_list["brand"], "acme");
    assert!(rows(&acme_list).iter().all(|r| r["brand"] == "acme"));
    assert_eq!(row_of(&acme_list, &item(4))["reports"], 1);
    assert!(!acme_list.to_string().contains("Globex"));
    let kids = export_json(&app, &acme, "brand=acme-kids").await;
    assert_eq!(urls(&kids), [item(2)]);

    // A holder with one brand may leave brand= out.
    let globex_list = export_json(&app, &globex, "").await;
    assert_eq!(globex_list["brand"], "globex");
    assert_eq!(urls(&globex_list), [item(3), item(4)]);
    assert!(!globex_list.to_string().contains("\"acme"));

    let account: Value = get_as(&app, &acme, "/api/v1/rights-holder")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(account["rights_holder"], "Acme Corp");
    let slugs: Vec<&str> = account["brands"]
        .as_array()
        .expect("brands")
        .iter()
        .map(|b| b["slug"].as_str().expect("slug"))
        .collect();
    assert_eq!(slugs, ["acme", "acme-kids"]);
}

#[tokio::test]
async fn a_rights_holder_added_twice_is_refused_by_its_name() {
    let app = TestApp::spawn().await;
    holder(&app, "Acme Corp", &["Acme"]).await;
    let again = fakewatch::admin::rights_holder(
        &app.db,
        RightsHolderCommand::Add {
            name: "ACME corp".into(),
            brands: vec!["Acme".into()],
            label: None,
        },
    )
    .await
    .expect_err("a second acme-corp");
    assert_eq!(
        again.to_string(),
        "a rights holder named \"acme-corp\" already exists"
    );
    let holders: i64 = sqlx::query_scalar("select count(*) from rights_holder")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(holders, 1);
}
