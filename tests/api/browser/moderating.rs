//! The whole moderation story in Chromium, as people do it: a seller sends a reply through the
//! public form; a moderator signs in, verifies a report from the queue, approves the reply and
//! merges the seller's second store record into the first; the public seller page then shows
//! the verified report, both stores' reports and the reply. Every page on the way passes
//! axe-core, and screenshots of the queue and of the seller page are kept for people to look
//! at (`target/screenshots/`).

use super::accessibility::{assert_accessible, axe_available};
use super::{browser_available, fill, save_screenshot, start_browser, submit, text_of};
use crate::helpers::TestApp;
use crate::moderation::PASSWORD;
use crate::moderation::merge::at_store;
use fantoccini::Locator;

#[tokio::test]
async fn a_moderator_verifies_a_report_approves_a_reply_and_merges_two_sellers_in_a_browser() {
    if !browser_available() || !axe_available() {
        return;
    }
    let app = TestApp::spawn().await;
    // Store 1111 has two reports whose reporters never confirmed; store 2222 one more.
    let mut ids = Vec::new();
    for (n, store) in [(1, "1111"), (2, "1111"), (3, "2222")] {
        let filed = app
            .post_report_json(&at_store(
                n,
                store,
                "Bag Heaven",
                &format!("buyer{n}@example.com"),
            ))
            .await;
        assert_eq!(filed.status(), 201);
        let body: serde_json::Value = filed.json().await.expect("json");
        ids.push(body["id"].as_str().expect("id").to_owned());
    }
    app.add_moderator("ana@example.org", false).await;
    let (_driver, browser) = start_browser().await;
    browser
        .set_window_size(1200, 1600)
        .await
        .expect("window size");

    // The seller answers through the public form and gets its one-time code.
    let reply_form = app.url("/sellers/aliexpress/1111/reply");
    browser.goto(&reply_form).await.expect("reply form");
    let statement = "We buy our stock from the brand's distributor and can show invoices.";
    fill(&browser, "statement", statement).await;
    fill(&browser, "email", "owner@bagheaven.example").await;
    submit(&browser, "form[action$='/reply'] button[type=submit]").await;
    let code = text_of(&browser, ".verification-code").await;
    assert!(code.starts_with("FW-"), "{code}");

    // The moderator signs in and lands on the queue, oldest report first.
    browser
        .goto(&app.url("/moderation/login"))
        .await
        .expect("sign-in page");
    fill(&browser, "email", "ana@example.org").await;
    fill(&browser, "password", PASSWORD).await;
    submit(&browser, "button[type=submit]").await;
    let first = text_of(&browser, ".queue-item h2").await;
    assert!(first.contains(&ids[0]), "{first}");
    save_screenshot(&browser, "moderation-queue").await;
    assert_accessible(&browser, &app.url("/moderation")).await;

    // Verify the first report from the queue: it leaves the queue.
    browser.goto(&app.url("/moderation")).await.expect("queue");
    submit(
        &browser,
        &format!(
            "form[action='/moderation/reports/{}/verify'] button",
            ids[0]
        ),
    )
    .await;
    let verified = browser
        .find_all(Locator::Css(&format!("#report-{}", ids[0])))
        .await
        .expect("search");
    assert!(verified.is_empty(), "a verified report leaves the queue");

    // The reply is listed with the store link and the code side by side; approve it.
    browser
        .goto(&app.url("/moderation/replies"))
        .await
        .expect("replies");
    let listed = text_of(&browser, "main").await;
    assert!(listed.contains(&code), "{listed}");
    assert!(listed.contains(statement), "{listed}");
    assert_accessible(&browser, &app.url("/moderation/replies")).await;
    submit(&browser, "form[action$='/approve'] button").await;

    // Merge store 2222's record into store 1111's.
    browser
        .goto(&app.url("/moderation/sellers/aliexpress/2222"))
        .await
        .expect("seller's moderation page");
    fill(&browser, "into", "aliexpress/1111").await;
    submit(&browser, "form[action$='/merge'] button").await;
    let merged_in = text_of(&browser, ".merged-list a").await;
    assert!(merged_in.contains("aliexpress/2222"), "{merged_in}");

    // The public page: three reports, one verified and counted, and the seller's reply.
    browser
        .goto(&app.url("/sellers/aliexpress/2222"))
        .await
        .expect("merged seller's old page");
    let url = browser.current_url().await.expect("url");
    assert_eq!(url.path(), "/sellers/aliexpress/1111");
    let counts = text_of(&browser, ".counts").await;
    assert!(
        counts.contains("3\nreports") || counts.contains("3 reports"),
        "{counts}"
    );
    assert!(
        counts.contains("1\nverified") || counts.contains("1 verified"),
        "{counts}"
    );
    let badges = browser
        .find_all(Locator::Css(
            "section[aria-labelledby=recent-title] .badge.status-verified",
        ))
        .await
        .expect("search");
    assert_eq!(badges.len(), 1, "the verified report is marked so");
    let reply = text_of(&browser, "section.reply").await;
    assert!(reply.contains(statement), "{reply}");
    assert!(reply.contains("approved on"), "{reply}");
    let page = browser.source().await.expect("source");
    assert!(!page.contains("owner@bagheaven.example"));
    assert!(!page.contains(&code));
    // The whole page, reply at the bottom, in one picture.
    let height = browser
        .execute("return document.documentElement.scrollHeight;", vec![])
        .await
        .expect("height")
        .as_u64()
        .expect("a number");
    browser
        .set_window_size(1200, u32::try_from(height).unwrap_or(4000).min(6000) + 100)
        .await
        .expect("window size");
    save_screenshot(&browser, "seller-page-with-reply").await;
    assert_accessible(&browser, &app.url("/sellers/aliexpress/1111")).await;
}
