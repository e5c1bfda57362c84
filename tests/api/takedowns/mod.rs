//! Rights holders' takedown lists: token scopes, the four formats, spreadsheet
//! safety, the sync cursor, marketplace presets, filters, signed evidence links, outcomes and
//! the export log.
//!
//! This file holds the helpers the topic files share (and the moderation tests, whose actions
//! show in exports); the tests live in the topic files.

mod aliexpress_parts;
mod encodings;
mod evidence_links;
mod filters;
mod formats;
mod limits;
mod outcomes;
mod presets;
mod scopes;
mod summaries;
mod sync;

use fakewatch::admin::rights_holder;
use fakewatch::config::RightsHolderCommand;
use reqwest::Response;
use serde_json::{Value, json};

use crate::helpers::{TestApp, valid_report};

const FULL_COLUMNS: [&str; 24] = [
    "marketplace",
    "listing_id",
    "listing_url",
    "seller_key",
    "seller_name",
    "store_url",
    "seller_page_url",
    "brand",
    "product_title",
    "reports",
    "distinct_reporters",
    "verified_reports",
    "reasons",
    "first_reported",
    "last_reported",
    "lowest_price",
    "price_currency",
    "status",
    "outcome_at",
    "evidence_urls",
    "evidence_sha256",
    "evidence_manifest",
    "ipr_registration_no",
    "ipr_office",
];

/// The seller of `valid_report()`.
const SELLER_PAGE: &str = "/sellers/aliexpress/1102345678";

/// The slug of the brand with the most reports (in demo data).
async fn largest_brand(app: &TestApp) -> String {
    sqlx::query_scalar(
        "select b.slug from brand b join report r using (brand_id)
         group by b.brand_id order by count(*) desc, b.slug limit 1",
    )
    .fetch_one(&app.db)
    .await
    .expect("largest brand")
}

/// Runs an operator command and returns what it prints.
async fn admin(app: &TestApp, command: RightsHolderCommand) -> String {
    rights_holder(&app.db, command)
        .await
        .expect("admin command")
}

/// Creates a rights holder for `brands` and returns its first API token.
pub(crate) async fn holder(app: &TestApp, name: &str, brands: &[&str]) -> String {
    let printed = admin(
        app,
        RightsHolderCommand::Add {
            name: name.into(),
            brands: brands.iter().map(|b| b.to_string()).collect(),
            label: None,
        },
    )
    .await;
    token_in(&printed)
}

/// The `fwt_…` token in what a command printed.
fn token_in(printed: &str) -> String {
    let start = printed.find("fwt_").expect("a token in the output");
    printed[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect()
}

/// The token's public id: `fwt_<id>_<secret>`.
fn token_id(token: &str) -> String {
    token.split('_').nth(1).expect("token id").to_owned()
}

/// AliExpress listing number `n`, as its canonical URL.
pub(crate) fn item(n: u64) -> String {
    format!(
        "https://www.aliexpress.com/item/{}.html",
        1_005_000_000_000_000 + n
    )
}

/// `valid_report()` about listing `n`, for `brand`, by `email`.
pub(crate) fn report(n: u64, brand: &str, email: &str) -> Value {
    let mut report = valid_report();
    report["listing_url"] = json!(item(n));
    report["brand"] = json!(brand);
    report["email"] = json!(email);
    report
}

/// Files a report through the API, as a reporter who then confirms the address (only such
/// reporters count in `distinct_reporters`), and returns its answer (`id`, `manage_token`, …).
pub(crate) async fn file(app: &TestApp, report: &Value) -> Value {
    let filed = file_unconfirmed(app, report).await;
    if let Some(email) = report["email"].as_str() {
        app.confirm_address(email).await;
    }
    filed
}

/// Files a report through the API; its reporter never confirms the address.
async fn file_unconfirmed(app: &TestApp, report: &Value) -> Value {
    let response = app.post_report_json(report).await;
    let status = response.status();
    let body = response.text().await.expect("body");
    assert!(status.is_success(), "{status}: {body}");
    serde_json::from_str(&body).expect("json")
}

/// Withdraws a report with the manage token its receipt carried.
async fn withdraw(app: &TestApp, filed: &Value) {
    let response = app
        .delete_report_api(
            filed["id"].as_str().expect("id"),
            filed["manage_token"].as_str(),
        )
        .await;
    assert_eq!(response.status(), 204);
}

async fn get_as(app: &TestApp, token: &str, path: &str) -> Response {
    app.client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("request")
}

/// `GET /api/v1/takedowns?<query>` with a token.
pub(crate) async fn export(app: &TestApp, token: &str, query: &str) -> Response {
    get_as(app, token, &format!("/api/v1/takedowns?{query}")).await
}

/// The body of a response that must be 200.
pub(crate) async fn ok_text(response: Response) -> String {
    let status = response.status();
    let body = response.text().await.expect("body");
    assert_eq!(status, 200, "{body}");
    body
}

/// A JSON export (`format=json` plus `query`).
pub(crate) async fn export_json(app: &TestApp, token: &str, query: &str) -> Value {
    let body = ok_text(export(app, token, &format!("format=json&{query}")).await).await;
    serde_json::from_str(&body).expect("json export")
}

/// A CSV export (`format=csv` plus `query`), parsed.
async fn export_csv(app: &TestApp, token: &str, query: &str) -> Table {
    Table::parse(&ok_text(export(app, token, &format!("format=csv&{query}")).await).await)
}

/// A CSV file read back with the `csv` crate.
struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn parse(text: &str) -> Table {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .expect("header row")
            .iter()
            .map(str::to_owned)
            .collect();
        let rows = reader
            .records()
            .map(|r| r.expect("record").iter().map(str::to_owned).collect())
            .collect();
        Table { headers, rows }
    }

    fn index(&self, column: &str) -> usize {
        self.headers
            .iter()
            .position(|h| h == column)
            .unwrap_or_else(|| panic!("no column {column} in {:?}", self.headers))
    }

    fn column(&self, column: &str) -> Vec<&str> {
        let i = self.index(column);
        self.rows.iter().map(|r| r[i].as_str()).collect()
    }

    /// The row whose `column` is `value`.
    fn row(&self, column: &str, value: &str) -> Row<'_> {
        let i = self.index(column);
        let row = self
            .rows
            .iter()
            .find(|r| r[i] == value)
            .unwrap_or_else(|| panic!("no row with {column} = {value}"));
        Row { table: self, row }
    }
}

struct Row<'a> {
    table: &'a Table,
    row: &'a [String],
}

impl Row<'_> {
    fn get(&self, column: &str) -> &str {
        &self.row[self.table.index(column)]
    }
}

/// The listing URLs of a JSON export's rows, sorted.
fn urls(export: &Value) -> Vec<String> {
    let mut urls: Vec<String> = rows(export)
        .iter()
        .map(|r| r["listing_url"].as_str().expect("listing_url").to_owned())
        .collect();
    urls.sort();
    urls
}

pub(crate) fn rows(export: &Value) -> &Vec<Value> {
    export["rows"].as_array().expect("rows")
}

/// The row of a JSON export about `url`.
pub(crate) fn row_of<'a>(export: &'a Value, url: &str) -> &'a Value {
    rows(export)
        .iter()
        .find(|r| r["listing_url"] == url)
        .unwrap_or_else(|| panic!("no row for {url} in {export}"))
}

fn sorted(mut urls: Vec<String>) -> Vec<String> {
    urls.sort();
    urls
}

/// A problem+json answer with this status.
async fn problem(response: Response, status: u16) -> Value {
    let content_type = header(&response, "content-type");
    let got = response.status();
    let body = response.text().await.expect("body");
    assert_eq!(got, status, "{body}");
    assert_eq!(content_type, "application/problem+json");
    serde_json::from_str(&body).expect("problem details")
}

/// The fields a 422 names.
fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field").to_owned())
        .collect()
}

/// `POST /api/v1/takedowns/outcomes`.
pub(crate) async fn post_outcomes(app: &TestApp, token: &str, outcomes: Value) -> Response {
    app.client
        .post(app.url("/api/v1/takedowns/outcomes"))
        .bearer_auth(token)
        .json(&json!({ "outcomes": outcomes }))
        .send()
        .await
        .expect("request")
}

fn header(response: &Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .expect("ascii")
        .to_owned()
}

/// A URL the API handed out (a next or next-part link), with the token.
async fn fetch(app: &TestApp, token: &str, url: &str) -> Response {
    app.client
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("request")
}

/// The URL of `Link: <URL>; rel="next"`.
fn next_link(response: &Response) -> String {
    let link = header(response, "link");
    assert!(link.ends_with("; rel=\"next\""), "{link}");
    link.trim_start_matches('<')
        .split('>')
        .next()
        .expect("URL")
        .to_owned()
}

/// `(listing_url, status)` of each row of an incremental export, sorted.
pub(crate) fn changes(export: &Value) -> Vec<(String, String)> {
    let mut changes: Vec<(String, String)> = rows(export)
        .iter()
        .map(|r| {
            (
                r["listing_url"].as_str().expect("url").to_owned(),
                r["status"].as_str().expect("status").to_owned(),
            )
        })
        .collect();
    changes.sort();
    changes
}

pub(crate) fn reported(urls: &[String]) -> Vec<(String, String)> {
    urls.iter()
        .map(|u| (u.clone(), "reported".to_owned()))
        .collect()
}

const AMAZON_LISTING: &str = "https://www.amazon.de/dp/B08N5WRWNW";
const EBAY_LISTING: &str = "https://www.ebay.com/itm/285123456789";

/// An Acme report on an Amazon listing, by `email`.
fn amazon_report(email: &str) -> Value {
    let mut amazon = report(0, "Acme", email);
    amazon["listing_url"] = json!("https://www.amazon.de/dp/B08N5WRWNW?smid=A1B2C3D4E5F6G7&psc=1");
    amazon["seller_url"] = json!("https://www.amazon.de/sp?seller=A1B2C3D4E5F6G7");
    amazon["seller_name"] = json!("Best Deals DE");
    amazon
}

/// An Acme report on an eBay listing, by `email`.
fn ebay_report(email: &str) -> Value {
    let mut ebay = report(0, "Acme", email);
    ebay["listing_url"] = json!("https://www.ebay.com/itm/285123456789?_trksid=p2047675");
    ebay["seller_url"] = json!("https://www.ebay.com/usr/best_deals-usa");
    ebay["seller_name"] = json!("best_deals-usa");
    ebay
}

/// One Acme report each on AliExpress, Amazon and eBay.
async fn three_marketplaces(app: &TestApp) {
    file(app, &report(1, "Acme", "a@example.com")).await;
    file(app, &amazon_report("a@example.com")).await;
    file(app, &ebay_report("a@example.com")).await;
}
