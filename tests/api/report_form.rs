use crate::helpers::{TestApp, csrf_token_in, manage_token_on, valid_form, with_field};

#[tokio::test]
async fn the_form_has_labelled_fields_hints_and_a_csrf_token() {
    let app = TestApp::spawn().await;
    let (html, token) = app.get_report_form().await;
    assert!(!token.is_empty());
    for field in [
        "listing_url",
        "seller_url",
        "seller_name",
        "brand",
        "product_title",
        "price",
        "currency",
        "order_date",
        "description",
        "email",
        "evidence",
    ] {
        assert!(
            html.contains(&format!("<label for=\"{field}\"")),
            "no label for {field}"
        );
        assert!(
            html.contains(&format!("id=\"{field}\"")),
            "no input {field}"
        );
    }
    assert!(html.contains("name=\"reasons\" value=\"price_too_low\""));
    assert!(html.contains("enctype=\"multipart/form-data\""));
}

#[tokio::test]
async fn filing_through_the_form_redirects_to_a_receipt_that_shows_the_manage_link_once() {
    let app = TestApp::spawn().await;
    let response = app.post_report_form(&valid_form(), &[]).await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(location.starts_with("/reports/"));

    let receipt = app.get(&location).await.text().await.expect("body");
    assert!(receipt.contains("your report is recorded"));
    assert!(receipt.contains("Louis Vuitton"));
    assert!(receipt.contains("https://www.aliexpress.com/item/1005006543210987.html"));
    assert!(!receipt.contains("spm="), "tracking parameters are removed");
    assert!(
        !receipt.contains("buyer@example.com"),
        "the email is private"
    );
    let manage = manage_token_on(&receipt);

    let again = app.get(&location).await.text().await.expect("body");
    assert!(
        !again.contains("/manage/"),
        "the manage link is shown only once"
    );

    let row: (String, String, Vec<String>) =
        sqlx::query_as("select status, reporter_email, reasons from report")
            .fetch_one(&app.db)
            .await
            .expect("report stored");
    assert_eq!(row.0, "unverified");
    assert_eq!(row.1, "buyer@example.com");
    assert_eq!(row.2, vec!["price_too_low", "logo_or_packaging_mismatch"]);

    let private = app.get(&format!("{location}/manage/{manage}")).await;
    assert_eq!(private.status(), 200);
    assert!(
        private
            .text()
            .await
            .expect("body")
            .contains("buyer@example.com")
    );
}

#[tokio::test]
async fn every_invalid_field_is_shown_next_to_it_with_the_input_kept() {
    let app = TestApp::spawn().await;
    let cases: Vec<(&str, Option<&str>, &str)> = vec![
        ("listing_url", Some("javascript:alert(1)"), "http"),
        ("listing_url", None, "address"),
        ("seller_url", Some("ftp://example.com/store"), "http"),
        ("brand", Some("   "), "brand"),
        ("product_title", Some(&*"p".repeat(301).leak()), "300"),
        ("price", Some("12,50"), "number"),
        ("currency", Some("XYZ"), "ISO 4217"),
        ("order_date", Some("2031-01-01"), "future"),
        ("order_date", Some("01/02/2026"), "YYYY-MM-DD"),
        ("reasons", None, "at least one"),
        ("reasons", Some("cheap"), "Unknown reason"),
        ("description", Some("short"), "at least"),
        ("email", Some("not-an-email"), "email"),
    ];
    for (field, value, expected) in cases {
        let form = with_field(&valid_form(), field, value);
        let response = app.post_report_form(&form, &[]).await;
        assert_eq!(response.status(), 422, "{field}={value:?}");
        let html = response.text().await.expect("body");
        let error_id = format!("id=\"{field}-error\"");
        let at = html
            .find(&error_id)
            .unwrap_or_else(|| panic!("no message for {field}: {value:?}"));
        let message = &html[at..at + 300.min(html.len() - at)];
        assert!(message.contains(expected), "{field}: {message}");
        // The rest of the user's input is still there.
        if field != "description" {
            assert!(
                html.contains("The monogram pattern is misaligned"),
                "{field}: description lost"
            );
        }
        if field != "listing_url" {
            assert!(
                html.contains("item/1005006543210987.html"),
                "{field}: listing lost"
            );
        }
    }
    let count: i64 = sqlx::query_scalar("select count(*) from report")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(count, 0);
}

#[tokio::test]
async fn seller_url_or_name_is_required() {
    let app = TestApp::spawn().await;
    let form = with_field(
        &with_field(&valid_form(), "seller_url", None),
        "seller_name",
        None,
    );
    let response = app.post_report_form(&form, &[]).await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains("id=\"seller_name-error\"")
    );
}

#[tokio::test]
async fn missing_or_wrong_csrf_token_is_forbidden() {
    let app = TestApp::spawn().await;
    // No token at all, but the CSRF cookie is set by visiting the form.
    let _ = app.get_report_form().await;
    let missing = app.post_report_form_raw(&valid_form(), &[]).await;
    assert_eq!(missing.status(), 403);
    let mut wrong = vec![("csrf_token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")];
    wrong.extend(valid_form());
    let wrong = app.post_report_form_raw(&wrong, &[]).await;
    assert_eq!(wrong.status(), 403);
    assert!(
        wrong
            .text()
            .await
            .expect("body")
            .contains("Reload the page")
    );

    // A token from another visitor's cookie does not work either.
    let other = TestApp::spawn().await;
    let (_, foreign) = other.get_report_form().await;
    let mut stolen = vec![("csrf_token", foreign.as_str())];
    stolen.extend(valid_form());
    assert_eq!(app.post_report_form_raw(&stolen, &[]).await.status(), 403);

    let count: i64 = sqlx::query_scalar("select count(*) from report")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(count, 0);
}

#[tokio::test]
async fn a_filled_honeypot_is_refused() {
    let app = TestApp::spawn().await;
    let mut form = valid_form();
    form.push(("website", "http://spam.example"));
    let response = app.post_report_form(&form, &[]).await;
    assert_eq!(response.status(), 422);
    let count: i64 = sqlx::query_scalar("select count(*) from report")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(count, 0);
}

#[tokio::test]
async fn the_reporter_can_withdraw_with_the_manage_link_but_not_with_a_wrong_one() {
    let app = TestApp::spawn().await;
    let response = app.post_report_form(&valid_form(), &[]).await;
    let location = response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let receipt = app.get(&location).await.text().await.expect("body");
    let token = manage_token_on(&receipt);
    let id = location.trim_start_matches("/reports/").to_owned();

    let wrong = app.get(&format!("{location}/manage/wrong-token")).await;
    assert_eq!(wrong.status(), 403);

    let manage = app
        .get(&format!("{location}/manage/{token}"))
        .await
        .text()
        .await
        .expect("body");
    let csrf = csrf_token_in(&manage);
    let forged = app
        .client
        .post(app.url(&format!("/reports/{id}/withdraw")))
        .form(&[("csrf_token", csrf.as_str()), ("token", "wrong-token")])
        .send()
        .await
        .expect("request");
    assert_eq!(forged.status(), 403);
    let no_csrf = app
        .client
        .post(app.url(&format!("/reports/{id}/withdraw")))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .expect("request");
    assert_eq!(no_csrf.status(), 403);

    let withdrawn = app
        .client
        .post(app.url(&format!("/reports/{id}/withdraw")))
        .form(&[("csrf_token", csrf.as_str()), ("token", token.as_str())])
        .send()
        .await
        .expect("request");
    assert_eq!(withdrawn.status(), 303);
    let status: String = sqlx::query_scalar("select status from report")
        .fetch_one(&app.db)
        .await
        .expect("row");
    assert_eq!(status, "withdrawn");
    let public = app.get(&location).await;
    assert_eq!(public.status(), 410);
    assert!(!public.text().await.expect("body").contains("monogram"));
}

#[tokio::test]
async fn unknown_report_ids_are_friendly_404s() {
    let app = TestApp::spawn().await;
    let response = app.get("/reports/does-not-exist").await;
    assert_eq!(response.status(), 404);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains("No report with this id")
    );
}

#[tokio::test]
async fn unreadable_form_bodies_get_an_html_error_page() {
    let app = TestApp::spawn().await;
    let _ = app.get_report_form().await;
    let response = app
        .client
        .post(app.url("/reports"))
        .header("content-type", "text/plain")
        .body("listing_url=x")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 400);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/html")
    );
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains("multipart/form-data")
    );

    let withdraw = app
        .client
        .post(app.url("/reports/abc/withdraw"))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .expect("request");
    assert_eq!(withdraw.status(), 415);
    assert!(withdraw.text().await.expect("body").contains("urlencoded"));
}
