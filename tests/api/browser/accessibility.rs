//! Every page passes axe-core's checks in a real Chromium: its default rules (WCAG 2.x A and
//! AA, and its best practices), on pages that show real content filed through the API, in a
//! desktop window and at a phone's width. A page must also fit the window without scrolling
//! sideways (WCAG 1.4.10, Reflow), which axe-core does not check.
//!
//! axe-core comes from npm: `npm ci --prefix tests/axe` puts it under `tests/axe/node_modules/`.
//! Without it (or without Chromium) the test says so and passes, except under CI, where it fails.
//! Pages behind a login check themselves with [`assert_accessible`] from their own browser test.

use fantoccini::Client;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{browser_available, click, fill, start_browser, text_of};
use crate::helpers::{TestApp, fixture, valid_report};

/// The script `npm ci --prefix tests/axe` installs, at the version `tests/axe/package.json` pins.
const AXE_SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/axe/node_modules/axe-core/axe.min.js"
);

/// Runs axe on the page and answers with what a person needs to fix each violation.
const RUN_AXE: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document).then(
  (results) => done({ violations: results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, help_url: v.helpUrl,
    nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, summary: n.failureSummary })),
  })) }),
  (error) => done({ error: String(error) }),
);
"#;

/// A desktop window (width, height).
const DESKTOP: (u32, u32) = (1200, 1600);
/// A phone's: code blocks and tables overflow, and so become scrollable regions, only on a
/// narrow screen. 320 px is the width WCAG's reflow criterion asks pages to work at.
const PHONE: (u32, u32) = (320, 800);

/// The page's width, the window's, and the outermost boxes wider than the window (a table)
/// or the elements whose own text is (a long link), outside elements that scroll.
const SCROLL_WIDTH: &str = r#"
const root = document.documentElement, w = root.clientWidth;
const boxOut = (e) => e.getBoundingClientRect().right > w + 1;
const textOut = (e) => e.getBoundingClientRect().left + e.scrollWidth > w + 1;
const scrolls = (e) => getComputedStyle(e).overflowX !== 'visible';
const out = [...document.body.querySelectorAll('*')].filter((e) => {
  for (let a = e.parentElement; a; a = a.parentElement) if (scrolls(a)) return false;
  return (boxOut(e) && !boxOut(e.parentElement))
    || (textOut(e) && !boxOut(e) && !scrolls(e) && ![...e.children].some(textOut));
}).map((e) => e.outerHTML.slice(0, 160));
return [root.scrollWidth, w, out];
"#;

#[derive(Deserialize)]
struct Violation {
    id: String,
    impact: Option<String>,
    help: String,
    help_url: String,
    nodes: Vec<Node>,
}

#[derive(Deserialize)]
struct Node {
    /// CSS selectors; nested arrays for elements inside shadow roots.
    target: Vec<Value>,
    html: String,
    summary: Option<String>,
}

/// Whether axe-core is installed; under CI it must be. Says how to install it when it is not.
pub fn axe_available() -> bool {
    let present = std::path::Path::new(AXE_SCRIPT).exists();
    if !present {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run `npm ci --prefix tests/axe` for the accessibility test ({AXE_SCRIPT})"
        );
        eprintln!(
            "skipping accessibility test: run `npm ci --prefix tests/axe` to install axe-core"
        );
    }
    present
}

/// Opens `url` and panics if axe-core finds violations there or the page scrolls sideways,
/// listing each problem with the elements at fault. For pages behind a login, call it from a
/// browser that has logged in.
// For browser tests of pages behind a login; this file's own test gathers the violations of
// every page before it fails.
#[allow(dead_code)]
pub async fn assert_accessible(browser: &Client, url: &str) {
    let found = violations_at(browser, url).await;
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The problems on `url`: one paragraph per rule axe-core finds violated, and one if the page
/// scrolls sideways; empty when none.
async fn violations_at(browser: &Client, url: &str) -> Vec<String> {
    browser
        .goto(url)
        .await
        .unwrap_or_else(|e| panic!("open {url}: {e}"));
    violations_here(browser).await
}

/// The problems on the page the browser shows now (after a form was sent, say).
pub async fn violations_here(browser: &Client) -> Vec<String> {
    let url = browser.current_url().await.expect("current URL");
    let script = std::fs::read_to_string(AXE_SCRIPT)
        .unwrap_or_else(|e| panic!("{AXE_SCRIPT}: {e}; run `npm ci --prefix tests/axe`"));
    browser
        .execute(&script, vec![])
        .await
        .unwrap_or_else(|e| panic!("inject axe-core into {url}: {e}"));
    let answer = browser
        .execute_async(RUN_AXE, vec![])
        .await
        .unwrap_or_else(|e| panic!("run axe-core on {url}: {e}"));
    if let Some(error) = answer.get("error") {
        panic!("axe-core failed on {url}: {error}");
    }
    let violations: Vec<Violation> =
        serde_json::from_value(answer["violations"].clone()).expect("axe-core's results");
    let mut found: Vec<String> = violations
        .iter()
        .map(|v| {
            let mut text = format!(
                "{url}: {} ({}): {}\n  {}",
                v.id,
                v.impact.as_deref().unwrap_or("no impact given"),
                v.help,
                v.help_url
            );
            for node in &v.nodes {
                let target: Vec<String> = node.target.iter().map(Value::to_string).collect();
                text.push_str(&format!("\n  at {}: {}", target.join(" > "), node.html));
                if let Some(summary) = &node.summary {
                    text.push_str(&format!("\n    {}", summary.replace('\n', "\n    ")));
                }
            }
            text
        })
        .collect();
    found.extend(scrolls_sideways(browser, &url).await);
    found
}

/// A problem when the page is wider than the window, so that a person has to scroll both ways
/// to read it (WCAG 1.4.10, Reflow, which axe-core does not check), naming what sticks out.
async fn scrolls_sideways(browser: &Client, url: &url::Url) -> Option<String> {
    let widths = browser
        .execute(SCROLL_WIDTH, vec![])
        .await
        .unwrap_or_else(|e| panic!("measure {url}: {e}"));
    let (content, window) = (&widths[0], &widths[1]);
    (content.as_u64() > window.as_u64()).then(|| {
        let mut text = format!(
            "{url}: scrolls sideways, {content} px of content in a {window} px window \
             (WCAG 1.4.10 Reflow)"
        );
        for html in widths[2].as_array().into_iter().flatten() {
            text.push_str(&format!(
                "\n  sticks out: {}",
                html.as_str().unwrap_or_default()
            ));
        }
        text
    })
}

/// Files a report with the JSON API (with `evidence` as a photo when given); answers the
/// API's receipt.
async fn file(app: &TestApp, report: Value, evidence: bool) -> Value {
    let response = if evidence {
        let files = [("tote.jpg", fixture("photo_gps.jpg"))];
        app.post_report_multipart(&report, &files).await
    } else {
        app.post_report_json(&report).await
    };
    assert_eq!(response.status(), 201, "report filed");
    response.json().await.expect("receipt")
}

/// A report like [`valid_report`] with `changes` made to it.
fn report(changes: Value) -> Value {
    let mut report = valid_report();
    for (key, value) in changes.as_object().expect("object") {
        if value.is_null() {
            report.as_object_mut().expect("object").remove(key);
        } else {
            report[key] = value.clone();
        }
    }
    report
}

#[tokio::test]
async fn every_page_passes_axe_core_and_fits_a_phone_screen() {
    if !browser_available() || !axe_available() {
        return;
    }
    let app = TestApp::spawn().await;

    // Content for the pages: three reports on one seller (two of them about one brand, one
    // with a photo, one anonymous), one on another seller, two addresses confirmed, one
    // waiting, and the brand owner's word on two listings.
    let first = file(&app, valid_report(), true).await;
    file(
        &app,
        report(json!({
            "listing_url": "https://www.aliexpress.com/item/1005006543210988.html",
            "product_title": "Speedy 30",
            "reasons": ["poor_quality", "missing_or_invalid_serial"],
            "email": "second@example.com",
        })),
        false,
    )
    .await;
    file(
        &app,
        report(json!({
            "listing_url": "https://www.aliexpress.com/item/1005006543210989.html",
            "brand": "Gucci",
            "product_title": "Marmont belt",
            "price": null,
            "order_date": null,
            "email": null,
        })),
        false,
    )
    .await;
    let waiting = file(
        &app,
        report(json!({
            "listing_url": "https://www.aliexpress.com/item/1005007000000001.html",
            "seller_url": "https://www.aliexpress.com/store/1109999999",
            "seller_name": "Bag Heaven",
            "email": "third@example.com",
        })),
        false,
    )
    .await;
    app.confirm_address("buyer@example.com").await;
    app.confirm_address("second@example.com").await;
    let confirm = app.confirmation_path_for("third@example.com").await;
    record_outcomes(&app, &first).await;

    let id = first["id"].as_str().expect("id");
    let token = first["manage_token"].as_str().expect("token");
    let brand = first["brand"]["slug"].as_str().expect("brand");
    let seller = |receipt: &Value| {
        let seller = &receipt["seller"];
        format!(
            "/sellers/{}/{}",
            seller["marketplace"].as_str().expect("marketplace"),
            seller["seller_key"].as_str().expect("key")
        )
    };
    // Every page, with a part of its title that shows it is the page meant (not an error).
    // A new page is one more line.
    let pages: Vec<(String, &str)> = vec![
        ("/".into(), "Report and look up counterfeit sellers"),
        ("/about/reputation".into(), "How the reputation is computed"),
        ("/about/privacy".into(), "Privacy"),
        ("/reports/new".into(), "Report a fake listing"),
        ("/sellers".into(), "Look up a seller"),
        ("/sellers?q=Luxury+Outlet".into(), "Search: Luxury Outlet"),
        ("/sellers?q=nobody+at+all".into(), "Search: nobody at all"),
        // A name like a brand's: the brand is offered above the sellers.
        ("/sellers?q=louis+vuitton".into(), "Search: louis vuitton"),
        (seller(&first), "Luxury Outlet Store on AliExpress"),
        (seller(&waiting), "Bag Heaven on AliExpress"),
        (format!("{}/reply", seller(&first)), "Reply"),
        (format!("/brands/{brand}"), "Fake Louis Vuitton"),
        (format!("/reports/{id}"), id),
        (
            format!("/reports/{id}/manage/{token}"),
            "Manage your report",
        ),
        (
            format!("/reports/{id}/manage/{token}/edit"),
            "Edit your report",
        ),
        (confirm, "Confirm your email address"),
        ("/no/such/page".into(), "Not Found"),
        ("/moderation/login".into(), "Moderator sign-in"),
    ];

    let (_driver, browser) = start_browser().await;
    let mut found = Vec::new();
    for (width, height) in [DESKTOP, PHONE] {
        browser
            .set_window_size(width, height)
            .await
            .expect("window size");
        for (path, title) in &pages {
            let page = violations_at(&browser, &app.url(path)).await;
            found.extend(page.into_iter().map(|v| format!("[{width} px] {v}")));
            let shown = browser.title().await.expect("title");
            assert!(shown.contains(title), "{path} shows {shown:?}");
        }
    }

    // Two pages only a form leads to, at the phone's width: the form with its errors, and
    // the receipt.
    browser.goto(&app.url("/reports/new")).await.expect("form");
    fill(&browser, "listing_url", "javascript:alert(1)").await;
    click(&browser, "button[type=submit]").await;
    text_of(&browser, "#listing_url-error").await;
    let page = violations_here(&browser).await;
    found.extend(page.into_iter().map(|v| format!("[{} px] {v}", PHONE.0)));
    browser.goto(&app.url("/reports/new")).await.expect("form");
    for (field, value) in [
        (
            "listing_url",
            "https://www.aliexpress.com/item/1005007000000002.html",
        ),
        ("seller_url", "https://www.aliexpress.com/store/1102345678"),
        ("brand", "Louis Vuitton"),
        (
            "description",
            "The zip pull is plain metal, without the maker's mark.",
        ),
    ] {
        fill(&browser, field, value).await;
    }
    click(&browser, "label[for=reason-logo_or_packaging_mismatch]").await;
    click(&browser, "button[type=submit]").await;
    text_of(&browser, ".receipt").await;
    let page = violations_here(&browser).await;
    found.extend(page.into_iter().map(|v| format!("[{} px] {v}", PHONE.0)));
    browser.close().await.expect("close");

    assert!(
        found.is_empty(),
        "accessibility problems ({}):\n{}",
        found.len(),
        found.join("\n")
    );
}

/// The brand owner confirms the first report's listing as counterfeit and declares another
/// genuine, through the takedown API, so that the pages show outcomes and a disputed report.
async fn record_outcomes(app: &TestApp, first: &Value) {
    let added = fakewatch::admin::rights_holder(
        &app.db,
        fakewatch::config::RightsHolderCommand::Add {
            name: "LV Brand Protection".into(),
            brands: vec!["Louis Vuitton".into()],
            label: None,
        },
    )
    .await
    .expect("rights holder");
    let token: String = added[added.find("fwt_").expect("token")..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    let brand = &first["brand"]["slug"];
    let recorded = app
        .client
        .post(app.url("/api/v1/takedowns/outcomes"))
        .bearer_auth(&token)
        .json(&json!({"outcomes": [
            {"brand": brand, "listing_url": first["listing"]["canonical_url"],
             "outcome": "confirmed_counterfeit"},
            {"brand": brand, "listing_url": "https://www.aliexpress.com/item/1005006543210988.html",
             "outcome": "genuine", "note": "Our own stock, sold through an authorised reseller."},
        ]}))
        .send()
        .await
        .expect("outcomes");
    assert_eq!(recorded.status(), 200, "outcomes recorded");
}
