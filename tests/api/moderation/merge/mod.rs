//! Moderators merge two store records, or two spellings of a brand, into one: everything moves,
//! the old addresses answer 301, lookups and intake follow, exports see exactly what moved.
//!
//! This file holds the helpers the topic files share; the tests live in the topic files.

mod brands;
mod races;
mod refusals;
mod sellers;

use serde_json::{Value, json};

use super::{Moderator, location};
use crate::helpers::TestApp;
use crate::takedowns::{file, holder, item, post_outcomes, report};

/// An Acme report on listing `n` from AliExpress store `store`, spelling the seller `name`.
pub fn at_store(n: u64, store: &str, name: &str, email: &str) -> Value {
    let mut report = report(n, "Acme", email);
    report["seller_url"] = json!(format!("https://www.aliexpress.com/store/{store}"));
    report["seller_name"] = json!(name);
    report
}

/// Store 1111 ("Shop A": 2 reports, the later spelled "Shared Name") and store 2222 ("Shop B": 4
/// reports, one spelled "Shared Name"), by six reporters who confirmed their address.
pub async fn two_stores(app: &TestApp) {
    file(app, &at_store(1, "1111", "Shop A", "a1@example.com")).await;
    file(app, &at_store(2, "1111", "Shared Name", "a2@example.com")).await;
    for (n, email) in [
        (3, "b3@example.com"),
        (4, "b4@example.com"),
        (5, "b5@example.com"),
    ] {
        file(app, &at_store(n, "2222", "Shop B", email)).await;
    }
    file(app, &at_store(6, "2222", "Shared Name", "b6@example.com")).await;
}

pub fn cursor(export: &Value) -> String {
    export["cursor"].as_str().expect("cursor").to_owned()
}

pub async fn moved(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), 301, "GET {path}");
    location(&response).to_owned()
}

pub async fn merge(moderator: &Moderator, path: &str, into: &str) -> reqwest::Response {
    moderator
        .post(&format!("{path}/merge"), &[("into", into)])
        .await
}

/// Acme Corp (slug acme-corp) on listings 1 and 2, Acme on listings 2 and 3; holder X exports
/// Acme Corp, holder Y exports Acme. Y marked listing 2 counterfeit, then X marked it removed.
pub async fn two_brands(app: &TestApp) -> (String, String) {
    let x = holder(app, "Corp Holdings", &["Acme Corp"]).await;
    let y = holder(app, "Acme Inc", &["Acme"]).await;
    file(app, &report(1, "Acme Corp", "a@example.com")).await;
    file(app, &report(2, "Acme Corp", "b@example.com")).await;
    file(app, &report(2, "Acme", "c@example.com")).await;
    file(app, &report(3, "Acme", "d@example.com")).await;
    let outcome = |brand: &str, outcome: &str| json!([{"brand": brand, "listing_url": item(2), "outcome": outcome}]);
    let answer = post_outcomes(app, &y, outcome("acme", "confirmed_counterfeit")).await;
    assert_eq!(answer.status(), 200);
    let answer = post_outcomes(app, &x, outcome("acme-corp", "removed")).await;
    assert_eq!(answer.status(), 200);
    (x, y)
}

/// A GET with a rights holder's token, as JSON.
pub async fn json_as(app: &TestApp, token: &str, path: &str) -> Value {
    let response = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
}
