//! A moderator in Chromium finds a seller, merges it into another through its page's form
//! (first with a mistake), and the merged seller's public address leads to the kept one; every
//! moderation page on the way passes axe-core, on a desktop and a phone screen.

use super::accessibility::{assert_accessible, axe_available, violations_here};
use super::{browser_available, click, fill, start_browser, text_of};
use crate::helpers::TestApp;
use crate::moderation::PASSWORD;
use crate::moderation::merge::at_store;

#[tokio::test]
async fn a_moderator_merges_two_sellers_in_a_browser_and_the_old_page_leads_to_the_kept_one() {
    if !browser_available() || !axe_available() {
        return;
    }
    let app = TestApp::spawn().await;
    for (n, store, name) in [
        (1, "1111", "Bag Heaven"),
        (2, "2222", "Bag Heaven Official"),
    ] {
        let filed = app
            .post_report_json(&at_store(n, store, name, &format!("r{n}@example.com")))
            .await;
        assert_eq!(filed.status(), 201);
    }
    app.add_moderator("ana@example.org", false).await;

    let (_driver, browser) = start_browser().await;
    browser
        .goto(&app.url("/moderation/login"))
        .await
        .expect("sign-in page");
    fill(&browser, "email", "ana@example.org").await;
    fill(&browser, "password", PASSWORD).await;
    click(&browser, "button[type=submit]").await;
    text_of(&browser, ".moderation-nav").await;

    let pages = [
        "/moderation/find?q=bag+heaven",
        "/moderation/find?q=x",
        "/moderation/sellers/aliexpress/1111",
        "/moderation/brands/acme",
    ];
    for (width, height) in [(1200, 1600), (320, 800)] {
        browser
            .set_window_size(width, height)
            .await
            .expect("window size");
        for path in pages {
            assert_accessible(&browser, &app.url(path)).await;
        }
    }

    // Found by its store link, then merged: first into a store nobody reported.
    browser
        .goto(&app.url("/moderation/find"))
        .await
        .expect("find page");
    fill(&browser, "find-q", "https://www.aliexpress.com/store/1111").await;
    click(&browser, "form[role=search] button").await;
    text_of(&browser, "#into").await;
    fill(&browser, "into", "aliexpress/9999").await;
    click(&browser, "form[action$='/merge'] button").await;
    let error = text_of(&browser, "#into-error").await;
    assert!(error.contains("aliexpress/9999"), "{error}");
    let found = violations_here(&browser).await;
    assert!(found.is_empty(), "{}", found.join("\n"));

    let into = browser
        .find(fantoccini::Locator::Id("into"))
        .await
        .expect("field");
    into.clear().await.expect("clear");
    into.send_keys("aliexpress/2222").await.expect("type");
    click(&browser, "form[action$='/merge'] button").await;
    let merged_in = text_of(&browser, ".merged-list a").await;
    assert!(merged_in.contains("aliexpress/1111"), "{merged_in}");
    let found = violations_here(&browser).await;
    assert!(found.is_empty(), "{}", found.join("\n"));

    // The old public address leads to the kept seller, which has both reports.
    browser
        .goto(&app.url("/sellers/aliexpress/1111"))
        .await
        .expect("old page");
    let url = browser.current_url().await.expect("url");
    assert_eq!(url.path(), "/sellers/aliexpress/2222");
    let counts = text_of(&browser, ".counts").await;
    assert!(
        counts.contains("2\nreports") || counts.contains("2 reports"),
        "{counts}"
    );
}
