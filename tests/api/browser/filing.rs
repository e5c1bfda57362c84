//! A real headless Chromium, driven through ChromeDriver: a buyer files a report with the
//! form, as a person would, and gets the receipt; a reporter confirms their address from the
//! mail.

use std::time::Duration;

use fantoccini::Locator;
use serde_json::json;

use super::{browser_available, click, fill, save_screenshot, start_browser, text_of};
use crate::helpers::{TestApp, fixture};

#[tokio::test]
async fn a_buyer_files_a_report_in_a_real_browser_and_anyone_finds_it_on_the_seller_page() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn().await;
    let (_driver, browser) = start_browser().await;
    browser
        .goto(&app.url("/reports/new"))
        .await
        .expect("open form");

    let photo = std::env::temp_dir().join(format!("fakewatch-photo-{}.jpg", std::process::id()));
    std::fs::write(&photo, fixture("photo_gps.jpg")).expect("photo file");
    for (id, value) in [
        (
            "listing_url",
            "https://www.amazon.de/Some-Title/dp/B0C1234567/ref=sr_1_1?smid=A3JWKAKR8XB7XF",
        ),
        ("seller_name", "Cheap Deals GmbH"),
        ("brand", "Apple"),
        ("product_title", "AirPods Pro"),
        ("price", "24.99"),
        ("currency", "EUR"),
        (
            "description",
            "The case has no serial number and the sound is tinny; Apple support says it's fake.",
        ),
        ("evidence", photo.to_str().expect("path")),
    ] {
        fill(&browser, id, value).await;
    }
    click(&browser, "label[for=reason-missing_or_invalid_serial]").await;
    click(&browser, "button[type=submit]").await;

    let receipt = browser
        .wait()
        .for_element(Locator::Css(".receipt"))
        .await
        .expect("receipt shown");
    let text = receipt.text().await.expect("text");
    assert!(text.contains("your report is recorded"), "{text}");
    let manage = browser
        .find(Locator::Css(".manage-link a"))
        .await
        .expect("manage link");
    let manage_url = manage.attr("href").await.expect("href").expect("has href");
    let page = text_of(&browser, "main").await;
    assert!(
        page.contains("https://www.amazon.de/dp/B0C1234567"),
        "{page}"
    );
    assert!(page.contains("Serial number missing or invalid"), "{page}");
    assert!(
        page.contains("UNVERIFIED") || page.contains("unverified"),
        "{page}"
    );
    save_screenshot(&browser, "receipt").await;

    // The private page shows the photo (decoded by the browser: a real, valid JPEG).
    browser.goto(&manage_url).await.expect("manage page");
    let img = browser
        .find(Locator::Css(".evidence-list img"))
        .await
        .expect("evidence image");
    // The image loads after the page; under a busy test run that can take a moment.
    let mut natural_width = json!(0);
    for _ in 0..100 {
        natural_width = browser
            .execute(
                "const img = document.querySelector('.evidence-list img'); \
                 return img.complete ? img.naturalWidth : 0",
                vec![],
            )
            .await
            .expect("script");
        if natural_width != json!(0) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(natural_width, json!(480), "image decoded, upright");
    assert!(img.attr("alt").await.expect("alt").is_some());
    save_screenshot(&browser, "manage").await;

    // Anyone can now find the seller by its store link, from the home page's search box.
    browser.goto(&app.url("/")).await.expect("home");
    fill(
        &browser,
        "q",
        "https://www.amazon.de/sp?seller=A3JWKAKR8XB7XF",
    )
    .await;
    click(&browser, "form[role=search] button").await;
    let title = browser
        .wait()
        .for_element(Locator::Id("seller-title"))
        .await
        .expect("seller page");
    assert_eq!(title.text().await.expect("text"), "Cheap Deals GmbH");
    let seller_page = text_of(&browser, "main").await;
    assert!(seller_page.contains("AirPods Pro"), "{seller_page}");
    assert!(seller_page.contains("Apple"), "{seller_page}");
    assert!(
        seller_page.contains("1\nreports") || seller_page.contains("1 reports"),
        "{seller_page}"
    );
    save_screenshot(&browser, "seller").await;

    // The brand owner confirms the listing as counterfeit; the page says so, naming who decided.
    let added = fakewatch::admin::rights_holder(
        &app.db,
        fakewatch::config::RightsHolderCommand::Add {
            name: "Apple Brand Protection".into(),
            brands: vec!["Apple".into()],
            label: None,
        },
    )
    .await
    .expect("rights holder");
    let token: String = added[added.find("fwt_").expect("token")..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    let recorded = app
        .client
        .post(app.url("/api/v1/takedowns/outcomes"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"outcomes": [{
            "brand": "apple",
            "listing_url": "https://www.amazon.de/dp/B0C1234567",
            "outcome": "confirmed_counterfeit"
        }]}))
        .send()
        .await
        .expect("outcome");
    assert_eq!(recorded.status(), 200);
    browser.refresh().await.expect("reload");
    let outcome = text_of(&browser, ".outcome-list li").await;
    assert!(
        outcome.contains("Confirmed counterfeit by the brand owner"),
        "{outcome}"
    );
    let label = text_of(&browser, ".reputation .label-badge").await;
    assert_eq!(label, "Confirmed counterfeits");
    save_screenshot(&browser, "seller-confirmed").await;

    // A mistake in the form comes back with the message next to the field.
    browser
        .goto(&app.url("/reports/new"))
        .await
        .expect("open form");
    fill(&browser, "listing_url", "javascript:alert(1)").await;
    click(&browser, "button[type=submit]").await;
    let error = browser
        .wait()
        .for_element(Locator::Id("listing_url-error"))
        .await
        .expect("field error");
    assert!(error.text().await.expect("text").contains("http"));
    let typed = browser
        .find(Locator::Id("listing_url"))
        .await
        .expect("field")
        .prop("value")
        .await
        .expect("value");
    assert_eq!(typed.as_deref(), Some("javascript:alert(1)"));
    save_screenshot(&browser, "form-errors").await;

    browser.close().await.expect("close");
    let _ = std::fs::remove_file(photo);
}

#[tokio::test]
async fn a_reporter_confirms_their_address_from_the_mail_and_is_counted() {
    if !browser_available() {
        return;
    }
    // No SMTP server: mails go to the outbox, as with `cargo run`.
    let app = TestApp::spawn().await;
    let (_driver, browser) = start_browser().await;
    browser
        .goto(&app.url("/reports/new"))
        .await
        .expect("open form");
    for (id, value) in [
        (
            "listing_url",
            "https://www.aliexpress.com/item/1005006543210987.html",
        ),
        ("seller_url", "https://www.aliexpress.com/store/1102345678"),
        ("brand", "Nike"),
        (
            "description",
            "The swoosh is stitched crooked and the box label has the wrong style code.",
        ),
        ("email", "runner@example.com"),
    ] {
        fill(&browser, id, value).await;
    }
    click(&browser, "label[for=reason-logo_or_packaging_mismatch]").await;
    click(&browser, "button[type=submit]").await;
    assert!(
        text_of(&browser, ".receipt")
            .await
            .contains("we have sent a link")
    );

    // The seller page shows the report, not counted yet.
    browser
        .goto(&app.url("/sellers/aliexpress/1102345678"))
        .await
        .expect("seller page");
    let counts = text_of(&browser, ".counts").await;
    assert!(
        counts.contains("0\nconfirmed") || counts.contains("0 confirmed"),
        "{counts}"
    );
    assert!(
        text_of(&browser, ".report-list")
            .await
            .contains("EMAIL NOT CONFIRMED")
            || text_of(&browser, ".report-list")
                .await
                .contains("email not confirmed")
    );

    // The mail arrives in the outbox; its link opens the page with the button.
    let mut mails = Vec::new();
    for _ in 0..100 {
        mails = app.outbox();
        if !mails.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(mails.len(), 1, "one confirmation mail");
    let mail = crate::smtp_sink::Mail::parse(&mails[0]);
    let token = mail.confirmation_token(&app.url(""));
    browser
        .goto(&app.url(&format!("/confirm/{token}")))
        .await
        .expect("confirmation page");
    let page = text_of(&browser, "main").await;
    assert!(
        page.contains("Nike") && page.contains("The swoosh is stitched crooked"),
        "{page}"
    );
    save_screenshot(&browser, "confirm").await;
    click(&browser, ".confirm-form button:not(.danger)").await;
    assert!(
        text_of(&browser, ".receipt")
            .await
            .contains("1 report is confirmed")
    );

    // Now the report counts. Public pages may be cached for a minute: reload, as a person
    // would, and the browser revalidates with its ETag.
    browser
        .goto(&app.url("/sellers/aliexpress/1102345678"))
        .await
        .expect("seller page");
    browser.refresh().await.expect("reload");
    let counts = text_of(&browser, ".counts").await;
    assert!(
        counts.contains("1\nconfirmed") || counts.contains("1 confirmed"),
        "{counts}"
    );
    let list = text_of(&browser, ".report-list").await;
    assert!(
        !list.to_lowercase().contains("email not confirmed"),
        "{list}"
    );
    save_screenshot(&browser, "seller-confirmed-reporter").await;
    browser.close().await.expect("close");
}
