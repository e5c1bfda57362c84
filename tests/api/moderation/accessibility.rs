//! The moderation queue, its flag filter and the audit log pass axe-core in a real Chromium,
//! signed in, on a desktop and a phone, with every flag raised, evidence (a file hidden) and
//! decisions made; so do the public and the reporter's pages of a rejected report. Keeps
//! screenshots of the queue under `target/screenshots/` for people to look at.

use fantoccini::Client;
use serde_json::{Value, json};

use super::PASSWORD;
use super::queue::{behind_proxy, file_from, on_store};
use super::reports::{decide, id_of};
use crate::browser::accessibility::{assert_accessible, axe_available};
use crate::browser::{browser_available, click, fill, save_screenshot, start_browser, text_of};
use crate::helpers::fixture;

/// Signs the browser in as `email` through the sign-in form.
async fn sign_in(browser: &Client, url: &str, email: &str) {
    browser.goto(url).await.expect("sign-in page");
    fill(browser, "email", email).await;
    fill(browser, "password", PASSWORD).await;
    click(browser, "button[type=submit]").await;
    text_of(browser, ".moderation-nav").await;
}

#[tokio::test]
async fn the_queue_and_the_audit_log_pass_axe_core_with_every_flag_raised() {
    if !browser_available() || !axe_available() {
        return;
    }
    let app = behind_proxy().await;
    // Five first-time reporters from one network against one store, two of them with the same
    // words and evidence; one more naming the store otherwise.
    let mut filed: Vec<Value> = Vec::new();
    for n in 0..5u64 {
        let mut report = on_store(1 + n % 2, 7, &format!("r{n}@example.com"), n as usize);
        if n < 2 {
            report["description"] = json!(super::queue::DESCRIPTIONS[0]);
        }
        let response = app
            .client
            .post(app.url("/api/v1/reports"))
            .header("x-forwarded-for", "192.0.2.1")
            .multipart(
                reqwest::multipart::Form::new()
                    .text("report", report.to_string())
                    .part(
                        "evidence",
                        reqwest::multipart::Part::bytes(fixture("photo_gps.jpg"))
                            .file_name("photo.jpg"),
                    )
                    .part(
                        "evidence",
                        reqwest::multipart::Part::bytes(fixture("receipt.pdf"))
                            .file_name("receipt.pdf"),
                    ),
            )
            .send()
            .await
            .expect("report");
        assert_eq!(response.status(), 201);
        filed.push(response.json().await.expect("receipt"));
    }
    let mut named = on_store(1, 7, "other@example.com", 6);
    named["seller_url"] = Value::Null;
    named["seller_name"] = json!("Cheap Bags Direct");
    file_from(&app, "198.51.100.1", &named).await;

    let ana = app.moderator("ana@example.org", true).await;
    let rejected = &filed[4];
    decide(&ana, id_of(rejected), "reject", Some("personal_data")).await;
    let hidden = filed[0]["evidence"][0]["id"].as_str().expect("file");
    let answer = ana
        .post(&format!("/moderation/evidence/{hidden}/hide"), &[])
        .await;
    assert_eq!(answer.status(), 303);
    let queue = ana.page("/moderation").await;
    for flag in ["burst", "network", "near_identical", "contradiction"] {
        assert!(queue.contains(&format!("flag-{flag}")), "{flag} raised");
    }

    let (_driver, browser) = start_browser().await;
    sign_in(&browser, &app.url("/moderation/login"), "ana@example.org").await;
    let manage = format!(
        "/reports/{}/manage/{}",
        id_of(rejected),
        rejected["manage_token"].as_str().expect("token")
    );
    let hidden_manage = format!(
        "/reports/{}/manage/{}",
        id_of(&filed[0]),
        filed[0]["manage_token"].as_str().expect("token")
    );
    for (width, height) in [(1200, 1600), (320, 800)] {
        browser
            .set_window_size(width, height)
            .await
            .expect("window size");
        for path in [
            "/moderation",
            "/moderation?flag=near_identical&marketplace=aliexpress&brand=acme",
            "/moderation?flag=burst&after=nosuchreport",
            "/moderation/audit",
            "/moderation/audit?action=reject_report",
            &format!("/reports/{}", id_of(rejected)),
            &manage,
            &hidden_manage,
        ] {
            assert_accessible(&browser, &app.url(path)).await;
        }
        browser.goto(&app.url("/moderation")).await.expect("queue");
        save_screenshot(&browser, &format!("moderation-queue-{width}")).await;
    }
    browser.close().await.expect("close");
}
