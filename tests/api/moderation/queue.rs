//! The moderation queue: waiting reports oldest first, 20 a page, filtered by marketplace and
//! brand, each with its evidence and its neighbours, never showing who its reporter is. The
//! flags are tested in `flags.rs`, with the helpers here (reports sent from a chosen network,
//! the reports and flags a page shows).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Moderator;
use super::reports::{decide, id_of};
use crate::helpers::{TestApp, fixture, valid_report};

/// An app that believes 127.0.0.1's `X-Forwarded-For`, so that tests pick each report's
/// network.
pub(super) async fn behind_proxy() -> TestApp {
    TestApp::spawn_with(|config| {
        config.trusted_proxies =
            fakewatch::domain::client::TrustedProxies::parse("127.0.0.1/32").expect("cidr");
    })
    .await
}

/// Descriptions that share no more than a few words, so that only the reports a test means
/// to look alike are near-identical.
pub(super) const DESCRIPTIONS: [&str; 12] = [
    "The stitching on the strap came apart after one day of use.",
    "Hologram sticker missing and the serial number is not in the brand's database.",
    "Price was a fifth of retail; the seller admitted it is a copy in chat.",
    "Smells of glue, logo printed crooked, box has spelling mistakes.",
    "Battery swelled while charging, and the charger has no safety marks at all.",
    "The zipper pull is unbranded plastic where the original has engraved metal.",
    "Colours of the monogram are off and the leather is clearly vinyl.",
    "Wrong font on the label; the care instructions are in broken English.",
    "Weight is half of the genuine watch, and the crown does not screw down.",
    "Packaging lacks the authenticity card and the dust bag is paper thin.",
    "Sole glue marks everywhere, size label sewn on upside down.",
    "The brand's support told me by email that this seller is not an authorised dealer.",
];

/// A report on AliExpress listing `item` of store number `store` (named "Store {store}"), by
/// `email`, with description `d`.
pub(super) fn on_store(item: u64, store: u64, email: &str, d: usize) -> Value {
    let mut report = valid_report();
    report["listing_url"] = json!(format!(
        "https://www.aliexpress.com/item/{}.html",
        1_005_000_000_000_000 + item
    ));
    report["seller_url"] = json!(format!(
        "https://www.aliexpress.com/store/{}",
        1_100_000_000 + store
    ));
    report["seller_name"] = json!(format!("Store {store}"));
    report["brand"] = json!("Acme");
    report["email"] = json!(email);
    report["description"] = json!(DESCRIPTIONS[d % DESCRIPTIONS.len()]);
    report
}

/// Files `report` as sent from network `ip`; returns the receipt.
pub(super) async fn file_from(app: &TestApp, ip: &str, report: &Value) -> Value {
    let response = app
        .client
        .post(app.url("/api/v1/reports"))
        .header("x-forwarded-for", ip)
        .json(report)
        .send()
        .await
        .expect("request");
    let status = response.status();
    let body = response.text().await.expect("body");
    assert_eq!(status, 201, "{body}");
    serde_json::from_str(&body).expect("json")
}

/// The reports a queue page shows, in order, with each one's part of the page.
pub(super) fn items(html: &str) -> Vec<(String, String)> {
    html.split("<article class=\"queue-item\"")
        .skip(1)
        .map(|part| {
            let start = part.find("aria-labelledby=\"report-").expect("label") + 24;
            let id = part[start..].split('"').next().expect("id").to_owned();
            (id, part.split("</article>").next().expect("end").to_owned())
        })
        .collect()
}

pub(super) fn ids(html: &str) -> Vec<String> {
    items(html).into_iter().map(|(id, _)| id).collect()
}

/// The flags each report on the page carries.
pub(super) fn flags(html: &str) -> BTreeMap<String, Vec<&'static str>> {
    items(html)
        .into_iter()
        .map(|(id, part)| {
            let raised = ["burst", "network", "near_identical", "contradiction"]
                .into_iter()
                .filter(|flag| part.contains(&format!("class=\"flag flag-{flag}\"")))
                .collect();
            (id, raised)
        })
        .collect()
}

/// The flags of report `id` on the queue's first page.
pub(super) async fn flags_of(moderator: &Moderator, id: &str) -> Vec<&'static str> {
    let page = moderator.page("/moderation").await;
    flags(&page)
        .remove(id)
        .unwrap_or_else(|| panic!("{id} is not on the page"))
}

/// The `href` of the link whose text is `text`.
pub(super) fn link(html: &str, text: &str) -> Option<String> {
    let text_at = html.find(&format!(">{text}</a>"))?;
    let start = html[..text_at].rfind("href=\"")? + 6;
    let end = start + html[start..].find('"')?;
    Some(html[start..end].replace("&#38;", "&").replace("&amp;", "&"))
}

#[tokio::test]
async fn waiting_reports_come_oldest_first_twenty_a_page() {
    let app = TestApp::spawn().await;
    let mut filed = Vec::new();
    for n in 0..23 {
        let report = on_store(n, n, &format!("r{n}@example.com"), n as usize);
        filed.push(id_of(&file_from(&app, "127.0.0.1", &report).await).to_owned());
    }
    let ana = app.moderator("ana@example.org", false).await;
    decide(&ana, &filed[0], "verify", None).await;
    decide(&ana, &filed[5], "reject", Some("spam")).await;
    let waiting: Vec<String> = filed
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 0 && *i != 5)
        .map(|(_, id)| id.clone())
        .collect();

    let first = ana.page("/moderation").await;
    assert_eq!(ids(&first), waiting[..20]);
    assert!(link(&first, "← Oldest waiting reports").is_none());
    let next = link(&first, "Newer reports →").expect("a next page");
    assert_eq!(next, format!("/moderation?after={}", waiting[19]));
    let second = ana.page(&next).await;
    assert_eq!(ids(&second), waiting[20..]);
    assert!(link(&second, "Newer reports →").is_none());
    assert_eq!(
        link(&second, "← Oldest waiting reports").as_deref(),
        Some("/moderation")
    );
    // Each action on a page comes back to it.
    assert!(second.contains(&format!(
        "name=\"back\" value=\"/moderation?after={}\"",
        waiting[19]
    )));
    // Deciding on the last one of the first page leaves the next page as it was.
    decide(&ana, &waiting[19], "verify", None).await;
    assert_eq!(ids(&ana.page(&next).await), waiting[20..]);
    let bad = ana.get("/moderation?after=not%20an%20id").await;
    assert_eq!(bad.status(), 422);
}

#[tokio::test]
async fn filters_narrow_the_queue_to_a_marketplace_or_a_brand() {
    let app = TestApp::spawn().await;
    let acme =
        id_of(&file_from(&app, "127.0.0.1", &on_store(1, 11, "a@example.com", 1)).await).to_owned();
    let mut globex = on_store(2, 12, "b@example.com", 2);
    globex["brand"] = json!("Globex & Sons");
    let globex = id_of(&file_from(&app, "127.0.0.1", &globex).await).to_owned();
    let mut amazon = on_store(3, 13, "c@example.com", 3);
    amazon["listing_url"] = json!("https://www.amazon.de/dp/B08N5WRWNW?smid=A1B2C3D4E5F6G7");
    amazon["seller_url"] = json!("https://www.amazon.de/sp?seller=A1B2C3D4E5F6G7");
    let amazon = id_of(&file_from(&app, "127.0.0.1", &amazon).await).to_owned();
    let ana = app.moderator("ana@example.org", false).await;

    assert_eq!(
        ids(&ana.page("/moderation").await),
        [acme.clone(), globex.clone(), amazon.clone()]
    );
    assert_eq!(
        ids(&ana.page("/moderation?marketplace=amazon").await),
        [amazon.as_str()]
    );
    assert_eq!(
        ids(&ana.page("/moderation?marketplace=aliexpress").await),
        [acme.clone(), globex.clone()]
    );
    // The brand as anyone would type it.
    let page = ana.page("/moderation?brand=GLOBEX+%26+sons&flag=").await;
    assert_eq!(ids(&page), [globex.as_str()]);
    assert!(
        page.contains("value=\"GLOBEX &#38; sons\""),
        "the form keeps it"
    );
    assert_eq!(
        ids(&ana
            .page("/moderation?brand=acme&marketplace=aliexpress")
            .await),
        [acme.as_str()]
    );
    let none = ana.page("/moderation?brand=nobody").await;
    assert!(ids(&none).is_empty());
    assert!(none.contains("No waiting report matches these filters."));
    for bad in ["/moderation?flag=spam", "/moderation?marketplace=mars"] {
        let answer = ana.get(bad).await;
        assert_eq!(answer.status(), 422, "{bad}");
    }
}

#[tokio::test]
async fn each_report_shows_its_evidence_and_neighbours_and_never_who_filed_it() {
    let app = behind_proxy().await;
    // The reporter's earlier report against another store, and another reporter's on the
    // same listing and the same store.
    let earlier = file_from(&app, "198.51.100.1", &on_store(9, 41, "pat@example.com", 0)).await;
    let neighbour = file_from(&app, "198.51.100.2", &on_store(1, 42, "sam@example.com", 1)).await;
    let response = app
        .client
        .post(app.url("/api/v1/reports"))
        .header("x-forwarded-for", "198.51.100.1")
        .multipart(
            reqwest::multipart::Form::new()
                .text("report", on_store(1, 42, "pat@example.com", 2).to_string())
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
        .expect("request");
    assert_eq!(response.status(), 201);
    let filed: Value = response.json().await.expect("json");
    let id = id_of(&filed).to_owned();
    let files = filed["evidence"].as_array().expect("evidence");
    let photo = files[0]["id"].as_str().expect("id");
    let pdf = files[1]["id"].as_str().expect("id");
    app.confirm_address("pat@example.com").await;

    let ana = app.moderator("ana@example.org", false).await;
    let page = ana.page("/moderation").await;
    let (_, part) = items(&page)
        .into_iter()
        .find(|(i, _)| i == &id)
        .expect("item");
    assert!(
        part.contains(&format!(
            "<img src=\"/moderation/evidence/{photo}\" alt=\"Evidence photo 1 of report {id}\""
        )),
        "{part}"
    );
    assert!(part.contains(&format!(
        "<a href=\"/moderation/evidence/{pdf}\">PDF document 2</a>"
    )));
    assert!(part.contains("address confirmed"));
    assert!(part.contains("By the same reporter: 1"), "{part}");
    assert!(part.contains("On the same listing: 1"));
    assert!(part.contains("Against the same seller: 1"));
    assert!(part.contains(&format!("<a href=\"/reports/{}\">", id_of(&earlier))));
    assert!(part.contains(&format!("<a href=\"/reports/{}\">", id_of(&neighbour))));
    assert!(part.contains(DESCRIPTIONS[2]));
    assert!(part.contains(&format!("action=\"/moderation/evidence/{photo}/hide\"")));

    // Nothing that tells who the reporters are: no address, no fingerprint.
    for email in ["pat@example.com", "sam@example.com"] {
        assert!(!page.contains(email), "{email}");
    }
    let fingerprints: Vec<Vec<u8>> = sqlx::query_scalar("select reporter_fingerprint from report")
        .fetch_all(&app.db)
        .await
        .expect("fingerprints");
    for fingerprint in fingerprints {
        assert!(!page.contains(&hex::encode(&fingerprint)));
        assert!(
            !page
                .to_lowercase()
                .contains(&hex::encode(&fingerprint[..8]))
        );
    }
}
