//! Rights holders' takedown lists (issue 5): token scopes, the four formats, spreadsheet
//! safety, the sync cursor, marketplace presets, filters, signed evidence links, outcomes and
//! the export log.

use fakewatch::admin::rights_holder;
use fakewatch::config::RightsHolderCommand;
use futures_util::StreamExt;
use reqwest::Response;
use serde_json::{Value, json};
use sha2::Digest;

use crate::helpers::{TestApp, fixture, valid_report};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const FULL_COLUMNS: [&str; 23] = [
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
    "ipr_registration_no",
    "ipr_office",
];

/// The seller of `valid_report()`.
const SELLER_PAGE: &str = "/sellers/aliexpress/1102345678";

/// Runs an operator command and returns what it prints.
async fn admin(app: &TestApp, command: RightsHolderCommand) -> String {
    rights_holder(&app.db, command)
        .await
        .expect("admin command")
}

/// Creates a rights holder for `brands` and returns its first API token.
async fn holder(app: &TestApp, name: &str, brands: &[&str]) -> String {
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
fn item(n: u64) -> String {
    format!(
        "https://www.aliexpress.com/item/{}.html",
        1_005_000_000_000_000 + n
    )
}

/// `valid_report()` about listing `n`, for `brand`, by `email`.
fn report(n: u64, brand: &str, email: &str) -> Value {
    let mut report = valid_report();
    report["listing_url"] = json!(item(n));
    report["brand"] = json!(brand);
    report["email"] = json!(email);
    report
}

/// Files a report through the API and returns its answer (`id`, `manage_token`, …).
async fn file(app: &TestApp, report: &Value) -> Value {
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
async fn export(app: &TestApp, token: &str, query: &str) -> Response {
    get_as(app, token, &format!("/api/v1/takedowns?{query}")).await
}

/// The body of a response that must be 200.
async fn ok_text(response: Response) -> String {
    let status = response.status();
    let body = response.text().await.expect("body");
    assert_eq!(status, 200, "{body}");
    body
}

/// A JSON export (`format=json` plus `query`).
async fn export_json(app: &TestApp, token: &str, query: &str) -> Value {
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

fn rows(export: &Value) -> &Vec<Value> {
    export["rows"].as_array().expect("rows")
}

/// The row of a JSON export about `url`.
fn row_of<'a>(export: &'a Value, url: &str) -> &'a Value {
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
async fn post_outcomes(app: &TestApp, token: &str, outcomes: Value) -> Response {
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

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

// ---------------------------------------------------------------------------------------------
// Tokens and scopes
// ---------------------------------------------------------------------------------------------

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
    problem(basic, 401).await;
    let wrong_secret = format!("fwt_{}_{}", token_id(&token), "x".repeat(40));
    for bad in [
        "garbage",
        "fwt_",
        "fwt_0123456789_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        &wrong_secret,
    ] {
        let response = export(&app, bad, "brand=acme").await;
        assert!(
            header(&response, "www-authenticate").starts_with("Bearer"),
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

// ---------------------------------------------------------------------------------------------
// Formats
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_csv_list_has_every_column_in_order_and_reads_back() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    file(&app, &report(1, "Acme", "a@example.com")).await;
    let mut cheaper = report(1, "Acme", "b@example.com");
    cheaper["reasons"] = json!(["price_too_low", "poor_quality"]);
    cheaper["price"] = json!({"amount": "19.50", "currency": "USD"});
    cheaper["product_title"] = json!("Acme Pro, \"original\"; 2 pcs");
    file(&app, &cheaper).await;
    file(&app, &report(2, "Acme", "a@example.com")).await;

    let response = export(&app, &token, "brand=acme&format=csv").await;
    assert!(header(&response, "content-type").starts_with("text/csv"));
    let disposition = header(&response, "content-disposition");
    assert!(
        disposition.starts_with("attachment;") && disposition.contains("takedowns-acme"),
        "{disposition}"
    );
    assert!(disposition.contains(".csv"), "{disposition}");
    let cursor = header(&response, "x-cursor");
    assert!(cursor.starts_with("c1."), "{cursor}");
    assert!(next_link(&response).contains(&format!("since={cursor}")));
    let text = ok_text(response).await;
    assert!(text.starts_with("marketplace,listing_id,"), "{text}");
    assert!(text.contains("\r\n"), "RFC 4180 line ends");

    let table = Table::parse(&text);
    assert_eq!(table.headers, FULL_COLUMNS);
    assert_eq!(table.rows.len(), 2);
    let row = table.row("listing_url", &item(1));
    assert_eq!(row.get("marketplace"), "aliexpress");
    assert_eq!(row.get("listing_id"), "1005000000000001");
    assert_eq!(row.get("seller_key"), "1102345678");
    assert_eq!(row.get("seller_name"), "Luxury Outlet Store");
    assert_eq!(
        row.get("store_url"),
        "https://www.aliexpress.com/store/1102345678"
    );
    assert_eq!(row.get("seller_page_url"), app.url(SELLER_PAGE));
    assert_eq!(row.get("brand"), "Acme");
    assert_eq!(
        row.get("product_title"),
        "Acme Pro, \"original\"; 2 pcs",
        "quotes and commas survive the round trip"
    );
    assert_eq!(row.get("reports"), "2");
    assert_eq!(row.get("distinct_reporters"), "2");
    assert_eq!(row.get("verified_reports"), "0");
    assert_eq!(
        row.get("reasons"),
        "price_too_low:2;logo_or_packaging_mismatch:1;poor_quality:1"
    );
    for column in ["first_reported", "last_reported"] {
        let at = row.get(column);
        assert!(
            time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).is_ok(),
            "{column} = {at:?}"
        );
    }
    assert_eq!(row.get("lowest_price").parse::<f64>().ok(), Some(19.5));
    assert_eq!(row.get("price_currency"), "USD");
    assert_eq!(row.get("status"), "reported");
    for blank in [
        "outcome_at",
        "evidence_urls",
        "evidence_sha256",
        "ipr_registration_no",
        "ipr_office",
    ] {
        assert_eq!(row.get(blank), "", "{blank}");
    }
    assert_eq!(table.row("listing_url", &item(2)).get("reports"), "1");
}

#[tokio::test]
async fn json_ndjson_and_txt_carry_the_same_rows() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    for n in 1..=3 {
        file(&app, &report(n, "Acme", "a@example.com")).await;
    }
    file(&app, &report(1, "Acme", "b@example.com")).await;

    let response = export(&app, &token, "brand=acme&format=json").await;
    assert_eq!(header(&response, "content-type"), "application/json");
    let cursor = header(&response, "x-cursor");
    let next = next_link(&response);
    let document: Value = serde_json::from_str(&ok_text(response).await).expect("json");
    assert_eq!(document["brand"], "acme");
    assert_eq!(document["brand_name"], "Acme");
    assert_eq!(document["format"], "json");
    assert_eq!(document["preset"], Value::Null);
    assert_eq!(document["cursor"], cursor.as_str());
    assert_eq!(document["next"], next.as_str());
    assert!(document["generated_at"].is_string());
    assert_eq!(document["row_count"], 3);
    assert_eq!(urls(&document), [item(1), item(2), item(3)]);
    let first = row_of(&document, &item(1));
    assert_eq!(first["brand"], "acme");
    assert_eq!(first["brand_name"], "Acme");
    assert_eq!(first["reports"], 2);
    assert_eq!(first["distinct_reporters"], 2);
    assert_eq!(
        first["reasons"],
        json!([
            {"reason": "logo_or_packaging_mismatch", "reports": 2},
            {"reason": "price_too_low", "reports": 2}
        ])
    );
    assert_eq!(first["evidence"], json!([]));
    assert_eq!(first["status"], "reported");
    assert_eq!(first["seller_page_url"], app.url(SELLER_PAGE));
    let keys: Vec<&String> = first.as_object().expect("object").keys().collect();
    for column in FULL_COLUMNS {
        if !["evidence_urls", "evidence_sha256"].contains(&column) {
            assert!(
                keys.iter().any(|k| *k == column),
                "{column} not in {keys:?}"
            );
        }
    }

    let response = export(&app, &token, "brand=acme&format=ndjson").await;
    assert_eq!(header(&response, "content-type"), "application/x-ndjson");
    let ndjson = ok_text(response).await;
    let lines: Vec<Value> = ndjson
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(&lines, rows(&document));

    let response = export(&app, &token, "brand=acme&format=txt").await;
    assert!(header(&response, "content-type").starts_with("text/plain"));
    let txt = ok_text(response).await;
    let listed: Vec<&str> = txt.lines().collect();
    let in_json: Vec<&str> = rows(&document)
        .iter()
        .map(|r| r["listing_url"].as_str().expect("url"))
        .collect();
    assert_eq!(listed, in_json);
}

#[tokio::test]
async fn the_accept_header_picks_the_format_unless_format_is_given() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    file(&app, &report(1, "Acme", "a@example.com")).await;
    let with_accept = |query: &'static str, accept: &'static str| {
        app.client
            .get(app.url(&format!("/api/v1/takedowns?brand=acme{query}")))
            .bearer_auth(&token)
            .header("accept", accept)
            .send()
    };
    for (accept, content_type) in [
        ("text/csv", "text/csv"),
        ("application/json", "application/json"),
        ("application/x-ndjson", "application/x-ndjson"),
        ("text/plain", "text/plain"),
        ("*/*", "application/json"),
        (
            "text/html, text/csv;q=0.5, application/x-ndjson;q=0.9",
            "application/x-ndjson",
        ),
    ] {
        let response = with_accept("", accept).await.expect("request");
        assert_eq!(response.status(), 200, "{accept}");
        assert!(
            header(&response, "content-type").starts_with(content_type),
            "{accept} gave {}",
            header(&response, "content-type")
        );
    }
    let csv = ok_text(with_accept("", "text/csv").await.expect("request")).await;
    assert_eq!(Table::parse(&csv).column("listing_url"), [item(1)]);
    let txt = ok_text(with_accept("", "text/plain").await.expect("request")).await;
    assert_eq!(txt, format!("{}\n", item(1)));

    let refused = with_accept("", "image/png").await.expect("request");
    let body = problem(refused, 406).await;
    assert!(
        body["detail"]
            .as_str()
            .expect("detail")
            .contains("text/csv")
    );
    let chosen = with_accept("&format=csv", "image/png")
        .await
        .expect("request");
    assert!(header(&chosen, "content-type").starts_with("text/csv"));
    let chosen = with_accept("&format=txt", "application/json")
        .await
        .expect("request");
    assert!(header(&chosen, "content-type").starts_with("text/plain"));
}

#[tokio::test]
async fn cells_a_spreadsheet_would_run_as_formulas_start_with_an_apostrophe() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    let attacks = [
        (
            "=HYPERLINK(\"http://evil.example\",\"x\")",
            "+cmd|' /C calc'!A0",
        ),
        ("+1+1", "-2+3 pcs"),
        ("-SUM(A1:A9)", "@SUM(A1:A2)"),
        ("@import", "=1+1"),
    ];
    for (n, (seller_name, title)) in attacks.iter().enumerate() {
        let n = n as u64 + 1;
        let mut r = report(n, "Acme", "a@example.com");
        r["seller_name"] = json!(seller_name);
        r["seller_url"] = json!(format!("https://www.aliexpress.com/store/22000000{n}"));
        r["product_title"] = json!(title);
        file(&app, &r).await;
    }

    let full = export_csv(&app, &token, "brand=acme").await;
    let preset = export_csv(&app, &token, "brand=acme&preset=aliexpress").await;
    let json = export_json(&app, &token, "brand=acme").await;
    for (n, (seller_name, title)) in attacks.iter().enumerate() {
        let url = item(n as u64 + 1);
        let row = full.row("listing_url", &url);
        assert_eq!(row.get("seller_name"), format!("'{seller_name}"));
        assert_eq!(row.get("product_title"), format!("'{title}"));
        let row = preset.row("product_url", &url);
        assert_eq!(row.get("store_name"), format!("'{seller_name}"));
        // JSON is not a spreadsheet: values stay exactly as reported.
        let row = row_of(&json, &url);
        assert_eq!(row["seller_name"], *seller_name);
        assert_eq!(row["product_title"], *title);
    }
    // Ordinary values are left alone.
    assert!(
        full.column("listing_url")
            .iter()
            .all(|u| u.starts_with("https://"))
    );
}

// ---------------------------------------------------------------------------------------------
// The sync cursor
// ---------------------------------------------------------------------------------------------

/// `(listing_url, status)` of each row of an incremental export, sorted.
fn changes(export: &Value) -> Vec<(String, String)> {
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

fn reported(urls: &[String]) -> Vec<(String, String)> {
    urls.iter()
        .map(|u| (u.clone(), "reported".to_owned()))
        .collect()
}

#[tokio::test]
async fn each_sync_returns_every_changed_listing_once_and_nothing_else() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    let mut filed = Vec::new();
    for n in 1..=4 {
        filed.push(file(&app, &report(n, "Acme", "a@example.com")).await);
    }
    let full = export_json(&app, &token, "brand=acme").await;
    assert_eq!(full["row_count"], 4);
    let c1 = full["cursor"].as_str().expect("cursor").to_owned();

    // Nothing happened: an empty sync.
    let none = export_json(&app, &token, &format!("brand=acme&since={c1}")).await;
    assert_eq!(none["row_count"], 0);
    assert_eq!(rows(&none).len(), 0);

    // A new listing, a re-filed report, a second reporter, a withdrawal and another brand's
    // report; listing 4 is left alone.
    file(&app, &report(5, "Acme", "a@example.com")).await;
    let mut refiled = report(1, "Acme", "a@example.com");
    refiled["description"] = json!("Second look: the serial number on the tag does not exist.");
    assert_eq!(app.post_report_json(&refiled).await.status(), 200);
    file(&app, &report(2, "Acme", "b@example.com")).await;
    file(&app, &report(2, "Acme", "c@example.com")).await;
    withdraw(&app, &filed[2]).await;
    file(&app, &report(4, "Globex", "z@example.com")).await;

    let sync = export_json(&app, &token, &format!("brand=acme&since={c1}")).await;
    let mut expected = reported(&[item(1), item(2), item(5)]);
    expected.push((item(3), "withdrawn".to_owned()));
    expected.sort();
    assert_eq!(
        changes(&sync),
        expected,
        "each changed listing exactly once"
    );
    assert_eq!(row_of(&sync, &item(2))["reports"], 3);
    assert_eq!(row_of(&sync, &item(3))["reports"], 0);
    // The full list drops the withdrawn listing.
    let full = export_json(&app, &token, "brand=acme").await;
    assert_eq!(urls(&full), [item(1), item(2), item(4), item(5)]);

    // The same cursor again gives the same changes; the newer cursor gives none.
    let again = export_json(&app, &token, &format!("brand=acme&since={c1}")).await;
    assert_eq!(changes(&again), expected);
    let c2 = sync["cursor"].as_str().expect("cursor").to_owned();
    assert_ne!(c1, c2);
    let quiet = export_json(&app, &token, &format!("brand=acme&since={c2}")).await;
    assert_eq!(changes(&quiet), []);

    // Withdrawing twice changes nothing.
    withdraw(&app, &filed[2]).await;
    let quiet = export_json(&app, &token, &format!("brand=acme&since={c2}")).await;
    assert_eq!(changes(&quiet), []);

    // A report on listing 4 alone.
    file(&app, &report(4, "Acme", "d@example.com")).await;
    let sync = export_json(&app, &token, &format!("brand=acme&since={c2}")).await;
    assert_eq!(changes(&sync), reported(&[item(4)]));
}

#[tokio::test]
async fn a_report_refiled_for_another_brand_leaves_the_old_brands_list_through_the_sync() {
    let app = TestApp::spawn().await;
    let acme = holder(&app, "Acme Corp", &["Acme"]).await;
    let globex = holder(&app, "Globex", &["Globex"]).await;
    file(&app, &report(1, "Acme", "a@example.com")).await;
    let acme_cursor = export_json(&app, &acme, "").await["cursor"]
        .as_str()
        .expect("cursor")
        .to_owned();
    let globex_cursor = export_json(&app, &globex, "").await["cursor"]
        .as_str()
        .expect("cursor")
        .to_owned();

    // The same buyer corrects the brand of their report.
    let mut corrected = report(1, "Globex", "a@example.com");
    corrected["description"] = json!("Wrong brand before: the logo on it is Globex, not Acme.");
    assert_eq!(app.post_report_json(&corrected).await.status(), 200);

    let acme_sync = export_json(&app, &acme, &format!("since={acme_cursor}")).await;
    assert_eq!(changes(&acme_sync), [(item(1), "withdrawn".to_owned())]);
    assert_eq!(
        urls(&export_json(&app, &acme, "").await),
        Vec::<String>::new()
    );
    let globex_sync = export_json(&app, &globex, &format!("since={globex_cursor}")).await;
    assert_eq!(changes(&globex_sync), reported(&[item(1)]));
}

#[tokio::test]
async fn the_next_link_works_as_it_is_given() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme", "Acme Kids"]).await;
    file(&app, &report(1, "Acme", "a@example.com")).await;
    file(&app, &report(2, "Acme", "a@example.com")).await;

    let response = export(&app, &token, "brand=acme&format=csv&min_reporters=1").await;
    let next = next_link(&response);
    let cursor = header(&response, "x-cursor");
    assert_eq!(Table::parse(&ok_text(response).await).rows.len(), 2);
    let parsed = url::Url::parse(&next).expect("absolute URL");
    assert_eq!(parsed.path(), "/api/v1/takedowns");
    let query: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
    for expected in [
        ("brand", "acme"),
        ("format", "csv"),
        ("min_reporters", "1"),
        ("since", cursor.as_str()),
    ] {
        assert!(
            query
                .iter()
                .any(|(k, v)| (k.as_str(), v.as_str()) == expected),
            "{expected:?} not in {next}"
        );
    }

    let follow = |url: String| app.client.get(url).bearer_auth(&token).send();
    let empty = follow(next.clone()).await.expect("request");
    let then = next_link(&empty);
    let empty = Table::parse(&ok_text(empty).await);
    assert_eq!(empty.headers, FULL_COLUMNS);
    assert_eq!(empty.rows.len(), 0);

    file(&app, &report(3, "Acme", "a@example.com")).await;
    file(&app, &report(3, "Acme Kids", "b@example.com")).await;
    let changed = Table::parse(&ok_text(follow(then).await.expect("request")).await);
    assert_eq!(changed.column("listing_url"), [item(3)]);
    assert_eq!(changed.column("brand"), ["Acme"]);
}

#[tokio::test]
async fn a_change_committing_after_an_export_began_is_in_the_next_sync() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    let filed = file(&app, &report(1, "Acme", "a@example.com")).await;
    file(&app, &report(2, "Acme", "a@example.com")).await;

    // A report change whose transaction started before the export and commits after it: a
    // cursor made of "the newest change id seen" would skip it for good.
    let mut slow = app.db.begin().await.expect("begin");
    sqlx::query("update report set description = 'Edited while an export ran, slowly.' where public_id = $1")
        .bind(filed["id"].as_str())
        .execute(&mut *slow)
        .await
        .expect("update");
    let during = export_json(&app, &token, "brand=acme").await;
    assert_eq!(during["row_count"], 2);
    file(&app, &report(3, "Acme", "a@example.com")).await;
    slow.commit().await.expect("commit");

    let cursor = during["cursor"].as_str().expect("cursor");
    let sync = export_json(&app, &token, &format!("brand=acme&since={cursor}")).await;
    assert_eq!(changes(&sync), reported(&[item(1), item(3)]));
    let cursor = sync["cursor"].as_str().expect("cursor");
    let quiet = export_json(&app, &token, &format!("brand=acme&since={cursor}")).await;
    assert_eq!(changes(&quiet), []);
}

// ---------------------------------------------------------------------------------------------
// Presets
// ---------------------------------------------------------------------------------------------

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

/// Checks that a JSON preset row's keys come in the form's order in the raw text.
fn assert_keys_in_order(raw: &str, columns: &[&str]) {
    let first_row = raw
        .split("\"rows\":[")
        .nth(1)
        .and_then(|rest| rest.split('}').next())
        .expect("a row");
    let positions: Vec<usize> = columns
        .iter()
        .map(|c| {
            first_row
                .find(&format!("\"{c}\":"))
                .unwrap_or_else(|| panic!("{c} missing from {first_row}"))
        })
        .collect();
    assert!(positions.is_sorted(), "keys out of order: {first_row}");
}

#[tokio::test]
async fn each_preset_has_its_forms_columns_in_order() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    three_marketplaces(&app).await;
    // Each preset: its columns, the column holding the listing's URL, the listings it has.
    let presets: [(&str, &[&str], &str, Vec<String>); 4] = [
        (
            "aliexpress",
            &[
                "product_url",
                "product_id",
                "store_name",
                "store_url",
                "brand",
                "ipr_type",
                "ipr_registration_no",
                "ipr_office",
                "complaint_type",
                "description",
                "evidence_urls",
            ],
            "product_url",
            vec![item(1)],
        ),
        (
            "amazon",
            &[
                "asin",
                "product_url",
                "marketplace_site",
                "brand",
                "ipr_type",
                "ipr_registration_no",
                "ipr_office",
                "infringement_type",
                "test_buy_order_id",
                "seller_name",
                "seller_id",
                "description",
                "evidence_urls",
            ],
            "product_url",
            vec![AMAZON_LISTING.to_owned()],
        ),
        (
            "ebay",
            &[
                "item_number",
                "item_url",
                "seller_user_id",
                "reason_code_hint",
                "brand",
                "ipr_registration_no",
                "ipr_office",
                "description",
                "evidence_urls",
            ],
            "item_url",
            vec![EBAY_LISTING.to_owned()],
        ),
        (
            "dsa",
            &[
                "url",
                "marketplace",
                "listing_id",
                "brand",
                "explanation",
                "ipr_registration_no",
                "ipr_office",
                "evidence_urls",
                "notifier_name",
                "notifier_email",
                "good_faith_statement",
            ],
            "url",
            sorted(vec![
                item(1),
                AMAZON_LISTING.to_owned(),
                EBAY_LISTING.to_owned(),
            ]),
        ),
    ];
    for (preset, columns, url_column, listings) in &presets {
        let table = export_csv(&app, &token, &format!("brand=acme&preset={preset}")).await;
        assert_eq!(&table.headers, columns, "{preset}");
        assert_eq!(
            sorted(
                table
                    .column(url_column)
                    .into_iter()
                    .map(str::to_owned)
                    .collect()
            ),
            *listings,
            "{preset}"
        );
        assert!(table.column("brand").iter().all(|b| *b == "Acme"));
        let described = table.index(if *preset == "dsa" {
            "explanation"
        } else {
            "description"
        });
        assert!(
            table.rows.iter().all(|r| !r[described].is_empty()),
            "{preset}"
        );

        let raw = ok_text(
            export(
                &app,
                &token,
                &format!("brand=acme&preset={preset}&format=json"),
            )
            .await,
        )
        .await;
        let document: Value = serde_json::from_str(&raw).expect("json");
        assert_eq!(document["preset"], *preset);
        assert_eq!(document["columns"], json!(columns));
        assert_eq!(rows(&document).len(), listings.len());
        assert_keys_in_order(&raw, columns);
        for row in rows(&document) {
            assert_eq!(row.as_object().expect("object").len(), columns.len());
        }
    }

    let aliexpress = export_csv(&app, &token, "brand=acme&preset=aliexpress").await;
    let row = aliexpress.row("product_url", &item(1));
    assert_eq!(row.get("product_id"), "1005000000000001");
    assert_eq!(row.get("store_name"), "Luxury Outlet Store");
    assert_eq!(
        row.get("store_url"),
        "https://www.aliexpress.com/store/1102345678"
    );
    assert_eq!(row.get("ipr_type"), "trademark");
    assert_eq!(row.get("complaint_type"), "counterfeit");

    let amazon = export_csv(&app, &token, "brand=acme&preset=amazon").await;
    let row = amazon.row("asin", "B08N5WRWNW");
    assert_eq!(row.get("product_url"), AMAZON_LISTING);
    assert_eq!(row.get("marketplace_site"), "www.amazon.de");
    assert_eq!(
        row.get("test_buy_order_id"),
        "",
        "only the brand has its test buy"
    );
    assert_eq!(row.get("seller_name"), "Best Deals DE");
    assert_eq!(row.get("seller_id"), "A1B2C3D4E5F6G7");
    assert_eq!(row.get("infringement_type"), "counterfeit");

    let ebay = export_csv(&app, &token, "brand=acme&preset=ebay").await;
    let row = ebay.row("item_number", "285123456789");
    assert_eq!(row.get("item_url"), EBAY_LISTING);
    assert_eq!(row.get("seller_user_id"), "best_deals-usa");
    assert!(!row.get("reason_code_hint").is_empty());

    let dsa = export_csv(&app, &token, "brand=acme&preset=dsa").await;
    for url in [item(1), AMAZON_LISTING.to_owned(), EBAY_LISTING.to_owned()] {
        let row = dsa.row("url", &url);
        for blank in ["notifier_name", "notifier_email", "good_faith_statement"] {
            assert_eq!(row.get(blank), "", "{blank} is the notifier's to fill");
        }
    }
    assert_eq!(dsa.row("url", &item(1)).get("marketplace"), "AliExpress");
    assert_eq!(
        dsa.row("url", &item(1)).get("listing_id"),
        "1005000000000001"
    );
    // A preset and a marketplace that contradict each other.
    let body = problem(
        export(&app, &token, "brand=acme&preset=amazon&marketplace=ebay").await,
        422,
    )
    .await;
    assert_eq!(fields(&body), ["marketplace"]);
}

#[tokio::test]
async fn ip_right_details_stored_once_fill_every_export_of_the_brand() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    three_marketplaces(&app).await;
    let response = app
        .client
        .put(app.url("/api/v1/rights-holder/brands/acme"))
        .bearer_auth(&token)
        .json(&json!({"ipr_registration_no": "EU 018 123 456", "ipr_office": "EUIPO"}))
        .send()
        .await
        .expect("request");
    let stored: Value = serde_json::from_str(&ok_text(response).await).expect("json");
    assert_eq!(stored["ipr_registration_no"], "EU 018 123 456");
    let account: Value = get_as(&app, &token, "/api/v1/rights-holder")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        account["brands"],
        json!([{"slug": "acme", "name": "Acme", "ipr_registration_no": "EU 018 123 456", "ipr_office": "EUIPO"}])
    );

    for query in [
        "",
        "&preset=aliexpress",
        "&preset=amazon",
        "&preset=ebay",
        "&preset=dsa",
    ] {
        let table = export_csv(&app, &token, &format!("brand=acme{query}")).await;
        assert!(!table.rows.is_empty(), "{query}");
        assert!(
            table
                .column("ipr_registration_no")
                .iter()
                .all(|v| *v == "EU 018 123 456"),
            "{query}"
        );
        assert!(
            table.column("ipr_office").iter().all(|v| *v == "EUIPO"),
            "{query}"
        );
    }
    let document = export_json(&app, &token, "brand=acme").await;
    assert!(rows(&document).iter().all(|r| r["ipr_office"] == "EUIPO"));

    let too_long = app
        .client
        .put(app.url("/api/v1/rights-holder/brands/acme"))
        .bearer_auth(&token)
        .json(&json!({"ipr_registration_no": "x".repeat(101), "ipr_office": "EUIPO"}))
        .send()
        .await
        .expect("request");
    assert_eq!(
        fields(&problem(too_long, 422).await),
        ["ipr_registration_no"]
    );

    // Null clears them.
    let cleared = app
        .client
        .put(app.url("/api/v1/rights-holder/brands/acme"))
        .bearer_auth(&token)
        .json(&json!({"ipr_registration_no": null, "ipr_office": null}))
        .send()
        .await
        .expect("request");
    ok_text(cleared).await;
    let table = export_csv(&app, &token, "brand=acme").await;
    assert!(table.column("ipr_office").iter().all(|v| v.is_empty()));
}

#[tokio::test]
async fn aliexpress_lists_come_in_numbered_parts_of_300() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    let started = std::time::Instant::now();
    file_many(&app, 310).await;
    eprintln!("filed 310 reports in {:?}", started.elapsed());
    // Another marketplace's listing is not in AliExpress parts.
    file(&app, &amazon_report("a@example.com")).await;

    let first = export(&app, &token, "brand=acme&preset=aliexpress&format=csv").await;
    assert_eq!(header(&first, "x-part"), "1");
    assert_eq!(header(&first, "x-part-count"), "2");
    assert!(header(&first, "content-disposition").contains("part-1"));
    let cursor = header(&first, "x-cursor");
    let next_part = header(&first, "x-next-part");
    let first = Table::parse(&ok_text(first).await);
    assert_eq!(first.rows.len(), 300);

    // Part 2 comes from part 1's link, which continues where part 1 ended.
    let second = fetch(&app, &token, &next_part).await;
    assert_eq!(header(&second, "x-part"), "2");
    assert_eq!(header(&second, "x-part-count"), "2");
    assert!(
        second.headers().get("x-next-part").is_none(),
        "the last part"
    );
    // Every part hands out part 1's cursor: the list was made as of then.
    assert_eq!(header(&second, "x-cursor"), cursor);
    let second = Table::parse(&ok_text(second).await);
    assert_eq!(second.rows.len(), 10);

    let mut all: Vec<String> = first
        .column("product_url")
        .into_iter()
        .chain(second.column("product_url"))
        .map(str::to_owned)
        .collect();
    all.sort();
    all.dedup();
    assert_eq!(all, sorted((1..=310).map(item).collect()));

    let json = export_json(&app, &token, "brand=acme&preset=aliexpress").await;
    let next_part = json["next_part"].as_str().expect("next_part").to_owned();
    let json: Value =
        serde_json::from_str(&ok_text(fetch(&app, &token, &next_part).await).await).expect("JSON");
    assert_eq!(
        (json["part"].as_i64(), json["parts"].as_i64()),
        (Some(2), Some(2))
    );
    assert_eq!(json["row_count"], 10);
    assert!(json.get("next_part").is_none());

    // A part number alone would shift when the list changes: parts come from links.
    let guessed = export(&app, &token, "brand=acme&preset=aliexpress&part=2").await;
    assert_eq!(fields(&problem(guessed, 422).await), ["part"]);
    for query in [
        "preset=aliexpress&part=0",
        "preset=aliexpress&part=two",
        "part=1",
        "preset=dsa&part=1",
    ] {
        let response = export(&app, &token, &format!("brand=acme&{query}")).await;
        assert_eq!(fields(&problem(response, 422).await), ["part"], "{query}");
    }
}

/// Files reports on listings `1..=n` for Acme, four at a time; returns the receipts by URL.
async fn file_many(app: &TestApp, n: u64) -> std::collections::HashMap<String, Value> {
    let reports: Vec<Value> = (1..=n)
        .map(|n| report(n, "Acme", "a@example.com"))
        .collect();
    futures_util::stream::iter(reports.iter())
        .map(|r| async move {
            let receipt = file(app, r).await;
            (r["listing_url"].as_str().expect("url").to_owned(), receipt)
        })
        .buffer_unordered(4)
        .collect()
        .await
}

#[tokio::test]
async fn parts_fetched_one_after_another_miss_no_listing_when_the_list_changes_between_them() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    let receipts = file_many(&app, 302).await;

    // The README's recipe: download the parts, keep part 1's cursor, sync from it later.
    let first = export(
        &app,
        &token,
        "brand=acme&preset=aliexpress&format=csv&part=1",
    )
    .await;
    let cursor = header(&first, "x-cursor");
    let next_part = header(&first, "x-next-part");
    let first = Table::parse(&ok_text(first).await);
    // Between the two downloads, a reporter withdraws a listing of part 1.
    let gone = first.column("product_url")[0].to_owned();
    withdraw(&app, &receipts[&gone]).await;
    let second = Table::parse(&ok_text(fetch(&app, &token, &next_part).await).await);
    let sync = Table::parse(
        &ok_text(
            export(
                &app,
                &token,
                &format!("brand=acme&preset=aliexpress&format=csv&since={cursor}"),
            )
            .await,
        )
        .await,
    );

    let mut seen: Vec<&str> = first.column("product_url");
    seen.extend(second.column("product_url"));
    seen.extend(sync.column("product_url"));
    let missing: Vec<String> = (1..=302)
        .map(item)
        .filter(|url| *url != gone && !seen.contains(&url.as_str()))
        .collect();
    assert_eq!(
        missing,
        Vec::<String>::new(),
        "listings in neither part nor the sync (part 1: {}, part 2: {}, sync: {} rows)",
        first.rows.len(),
        second.rows.len(),
        sync.rows.len()
    );
}

// ---------------------------------------------------------------------------------------------
// Filters
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn filters_select_by_marketplace_status_reporters_and_dates() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    three_marketplaces(&app).await;
    file(&app, &report(2, "Acme", "a@example.com")).await;
    file(&app, &report(2, "Acme", "b@example.com")).await;
    let old = file(&app, &report(3, "Acme", "a@example.com")).await;
    sqlx::query("update report set created_at = '2026-01-15T10:00:00Z' where public_id = $1")
        .bind(old["id"].as_str())
        .execute(&app.db)
        .await
        .expect("backdate");
    sqlx::query(
        "update report set status = 'verified'
         where listing_id = (select listing_id from listing where canonical_url = $1)",
    )
    .bind(EBAY_LISTING)
    .execute(&app.db)
    .await
    .expect("verify");

    let all = export_json(&app, &token, "brand=acme").await;
    assert_eq!(urls(&all).len(), 5);
    let select = |query: &'static str| {
        let app = &app;
        let token = &token;
        async move { urls(&export_json(app, token, &format!("brand=acme&{query}")).await) }
    };
    assert_eq!(select("marketplace=amazon").await, [AMAZON_LISTING]);
    assert_eq!(
        select("marketplace=aliexpress").await,
        [item(1), item(2), item(3)]
    );
    assert_eq!(select("marketplace=temu").await, Vec::<String>::new());
    assert_eq!(select("status=verified").await, [EBAY_LISTING]);
    assert_eq!(row_of(&all, EBAY_LISTING)["status"], "verified");
    assert_eq!(row_of(&all, EBAY_LISTING)["verified_reports"], 1);
    assert_eq!(select("status=reported").await.len(), 4);
    assert_eq!(select("status=removed").await, Vec::<String>::new());
    assert_eq!(select("min_reporters=2").await, [item(2)]);
    assert_eq!(select("min_reporters=3").await, Vec::<String>::new());
    assert_eq!(select("reported_before=2026-02-01").await, [item(3)]);
    assert_eq!(select("reported_after=2026-02-01").await.len(), 4);
    assert!(!select("reported_after=2026-02-01").await.contains(&item(3)));
    assert_eq!(
        select("reported_after=2026-01-15T09:00:00Z&reported_before=2026-01-15T11:00:00Z").await,
        [item(3)]
    );
    assert_eq!(
        select("reported_after=2026-01-15T10:00:01%2B00:00")
            .await
            .len(),
        4,
        "RFC 3339 with an offset"
    );
    assert_eq!(
        select("marketplace=aliexpress&min_reporters=2&status=reported").await,
        [item(2)]
    );
}

#[tokio::test]
async fn bad_parameters_are_422_naming_each_one() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    let response = export(
        &app,
        &token,
        "brand=acme&format=xlsx&preset=wish&marketplace=mars&status=gone&min_reporters=0\
         &reported_after=yesterday&reported_before=2026-13-01&since=not-a-cursor",
    )
    .await;
    let body = problem(response, 422).await;
    assert_eq!(
        fields(&body),
        [
            "format",
            "preset",
            "marketplace",
            "status",
            "min_reporters",
            "reported_after",
            "reported_before",
            "since"
        ]
    );
    for (query, field) in [
        ("min_reporters=abc", "min_reporters"),
        ("since=1:2:", "since"),
        ("since=c1.NTo0Og", "since"),
        ("status=Reported", "status"),
    ] {
        let response = export(&app, &token, &format!("brand=acme&{query}")).await;
        assert_eq!(fields(&problem(response, 422).await), [field], "{query}");
    }
    // Parameters are checked before the brand, and blank ones are as if left out.
    let response = export(&app, &token, "brand=nope&status=gone").await;
    assert_eq!(fields(&problem(response, 422).await), ["status"]);
    let blank = export(&app, &token, "brand=acme&format=&status=&since=").await;
    assert_eq!(blank.status(), 200);
}

#[tokio::test]
async fn a_forged_cursor_is_422_not_a_list_cut_off_halfway() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    file(&app, &report(1, "Acme", "a@example.com")).await;
    // Cursors are opaque, but anyone can make one. These pass the cursor's own checks and
    // PostgreSQL refuses them: "xmin must be > 0" and "in-progress ids in order".
    for snapshot in ["0:0:", "5:9:7,6"] {
        use base64::Engine as _;
        let cursor = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(snapshot);
        let response = export(&app, &token, &format!("brand=acme&since=c1.{cursor}")).await;
        let status = response.status();
        let body = response.text().await;
        assert_eq!(status, 422, "since=c1.{cursor} ({snapshot}): {body:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Signed evidence links
// ---------------------------------------------------------------------------------------------

/// Files an Acme report on listing 1 with two evidence files; returns the receipt.
async fn file_with_evidence(app: &TestApp) -> Value {
    let response = app
        .post_report_multipart(
            &report(1, "Acme", "a@example.com"),
            &[
                ("photo.jpg", fixture("photo_gps.jpg")),
                ("receipt.pdf", fixture("receipt.pdf")),
            ],
        )
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.expect("json")
}

fn evidence_link(app: &TestApp, id: &str, expires: i64) -> String {
    let secret =
        fakewatch::security::Secret::from_bytes(b"test-secret-test-secret-test-secret-test");
    let sig = secret.sign_evidence_link(id, expires);
    app.url(&format!("/evidence/{id}?expires={expires}&sig={sig}"))
}

#[tokio::test]
async fn signed_evidence_links_serve_the_file_the_manifest_describes_until_they_expire() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    file_with_evidence(&app).await;

    let document = export_json(&app, &token, "brand=acme").await;
    let evidence = row_of(&document, &item(1))["evidence"]
        .as_array()
        .expect("evidence")
        .clone();
    assert_eq!(evidence.len(), 2);
    let table = export_csv(&app, &token, "brand=acme").await;
    let row = table.row("listing_url", &item(1));
    let csv_links: Vec<&str> = row.get("evidence_urls").split(' ').collect();
    let csv_hashes: Vec<&str> = row.get("evidence_sha256").split(' ').collect();
    assert_eq!(csv_links.len(), 2);

    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    // No cookies, no token: the link alone is the credential.
    let anyone = crate::helpers::client();
    for (i, file) in evidence.iter().enumerate() {
        let url = file["url"].as_str().expect("url");
        let sha256 = file["sha256"].as_str().expect("sha256");
        assert!(url.starts_with(&app.url("/evidence/")), "{url}");
        assert!(
            (expires_of(url) - now - 168 * 3600).abs() < 120,
            "a week by default"
        );
        let response = anyone.get(url).send().await.expect("request");
        assert_eq!(response.status(), 200);
        assert_eq!(
            header(&response, "content-type"),
            file["media_type"].as_str().expect("type")
        );
        let bytes = response.bytes().await.expect("bytes");
        assert_eq!(bytes.len() as i64, file["bytes"].as_i64().expect("bytes"));
        assert_eq!(sha256_hex(&bytes), sha256);
        // CSV: the same files, in the same order.
        assert_eq!(csv_hashes[i], sha256);
        let from_csv = anyone.get(csv_links[i]).send().await.expect("request");
        assert_eq!(sha256_hex(&from_csv.bytes().await.expect("bytes")), sha256);
    }

    let status = |url: String| {
        let anyone = &anyone;
        async move { anyone.get(url).send().await.expect("request").status() }
    };
    let first = evidence[0]["url"].as_str().expect("url");
    let first_id = evidence[0]["id"].as_str().expect("id");
    let second_id = evidence[1]["id"].as_str().expect("id");
    let (head, sig) = first.split_once("&sig=").expect("sig");
    let path = head.split('?').next().expect("path");
    let expires = expires_of(first);
    let flipped = format!(
        "{}{}",
        if sig.starts_with('A') { 'B' } else { 'A' },
        &sig[1..]
    );
    for tampered in [
        // A signature with one character changed.
        format!("{head}&sig={flipped}"),
        // Another file's id under this file's signature.
        first.replace(first_id, second_id),
        // A later expiry under the old signature.
        first.replace(
            &format!("expires={expires}"),
            &format!("expires={}", expires + 3600),
        ),
        // Parts missing.
        head.to_owned(),
        format!("{path}?sig={sig}"),
    ] {
        assert_eq!(status(tampered.clone()).await, 403, "{tampered}");
    }
    // Signed by us, but past its time; and the same, still in time.
    assert_eq!(status(evidence_link(&app, first_id, now - 60)).await, 410);
    assert_eq!(status(evidence_link(&app, first_id, now + 60)).await, 200);
}

fn expires_of(url: &str) -> i64 {
    url::Url::parse(url)
        .expect("url")
        .query_pairs()
        .find(|(k, _)| k == "expires")
        .and_then(|(_, v)| v.parse().ok())
        .expect("expires")
}

#[tokio::test]
async fn a_withdrawn_reports_evidence_links_stop_working() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    let filed = file_with_evidence(&app).await;
    let document = export_json(&app, &token, "brand=acme").await;
    let url = row_of(&document, &item(1))["evidence"][0]["url"]
        .as_str()
        .expect("url")
        .to_owned();
    assert_eq!(
        app.client.get(&url).send().await.expect("request").status(),
        200
    );

    withdraw(&app, &filed).await;
    assert_eq!(
        app.client.get(&url).send().await.expect("request").status(),
        404
    );
    let sync = export_json(
        &app,
        &token,
        &format!(
            "brand=acme&since={}",
            document["cursor"].as_str().expect("cursor")
        ),
    )
    .await;
    assert_eq!(row_of(&sync, &item(1))["evidence"], json!([]));
}

// ---------------------------------------------------------------------------------------------
// Outcomes
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn outcomes_change_the_status_in_the_next_export_and_in_the_sync() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    for n in 1..=3 {
        file(&app, &report(n, "Acme", "a@example.com")).await;
    }
    let before = export_json(&app, &token, "brand=acme").await;
    let cursor = before["cursor"].as_str().expect("cursor").to_owned();

    let response = post_outcomes(
        &app,
        &token,
        json!([
            // Any spelling of the listing's address will do.
            {"brand": "acme", "listing_url": format!("{}?spm=a2g0o.detail", item(1)), "outcome": "removed", "note": "case 4411"},
            {"brand": "acme", "listing_url": item(2), "outcome": "genuine"}
        ]),
    )
    .await;
    let recorded: Value = serde_json::from_str(&ok_text(response).await).expect("json");
    assert_eq!(recorded["recorded"], 2);
    assert_eq!(recorded["outcomes"][0]["listing_url"], item(1));
    assert_eq!(recorded["outcomes"][0]["outcome"], "removed");
    assert!(recorded["outcomes"][0]["recorded_at"].is_string());

    let after = export_json(&app, &token, "brand=acme").await;
    assert_eq!(row_of(&after, &item(1))["status"], "removed");
    assert!(row_of(&after, &item(1))["outcome_at"].is_string());
    assert_eq!(row_of(&after, &item(2))["status"], "genuine");
    assert_eq!(row_of(&after, &item(3))["status"], "reported");
    assert_eq!(row_of(&after, &item(3))["outcome_at"], Value::Null);
    let table = export_csv(&app, &token, "brand=acme").await;
    assert_eq!(table.row("listing_url", &item(1)).get("status"), "removed");
    assert!(
        !table
            .row("listing_url", &item(1))
            .get("outcome_at")
            .is_empty()
    );
    assert_eq!(
        urls(&export_json(&app, &token, "brand=acme&status=genuine").await),
        [item(2)]
    );

    let sync = export_json(&app, &token, &format!("brand=acme&since={cursor}")).await;
    assert_eq!(
        changes(&sync),
        [
            (item(1), "removed".to_owned()),
            (item(2), "genuine".to_owned())
        ]
    );
    // A later outcome replaces the earlier one, and syncs again.
    let cursor = sync["cursor"].as_str().expect("cursor").to_owned();
    ok_text(
        post_outcomes(
            &app,
            &token,
            json!([{"brand": "acme", "listing_url": item(1), "outcome": "confirmed_counterfeit"}]),
        )
        .await,
    )
    .await;
    let sync = export_json(&app, &token, &format!("brand=acme&since={cursor}")).await;
    assert_eq!(
        changes(&sync),
        [(item(1), "confirmed_counterfeit".to_owned())]
    );
    let history: i64 = sqlx::query_scalar("select count(*) from listing_outcome")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(history, 3);
}

#[tokio::test]
async fn one_bad_outcome_records_none_of_them() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    file(&app, &report(1, "Acme", "a@example.com")).await;
    file(&app, &report(2, "Globex", "a@example.com")).await;

    let response = post_outcomes(
        &app,
        &token,
        json!([
            {"brand": "acme", "listing_url": item(1), "outcome": "removed"},
            // Reported, but for another brand.
            {"brand": "acme", "listing_url": item(2), "outcome": "removed"},
            {"brand": "acme", "listing_url": item(1), "outcome": "vanished"},
            {"brand": "acme", "listing_url": "not a url", "outcome": "removed"},
            {"brand": "acme", "listing_url": item(1), "outcome": "removed", "note": "x".repeat(2001)}
        ]),
    )
    .await;
    let body = problem(response, 422).await;
    assert_eq!(
        fields(&body),
        [
            "outcomes[1].listing_url",
            "outcomes[2].outcome",
            "outcomes[3].listing_url",
            "outcomes[4].note"
        ]
    );
    assert!(!body.to_string().contains("Globex"));

    let recorded: i64 = sqlx::query_scalar("select count(*) from listing_outcome")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(recorded, 0);
    let list = export_json(&app, &token, "brand=acme").await;
    assert_eq!(row_of(&list, &item(1))["status"], "reported");

    let empty = post_outcomes(&app, &token, json!([])).await;
    assert_eq!(fields(&problem(empty, 422).await), ["outcomes"]);
}

#[tokio::test]
async fn outcomes_for_brands_outside_the_scope_are_403_and_record_nothing() {
    let app = TestApp::spawn().await;
    let acme = holder(&app, "Acme Corp", &["Acme"]).await;
    holder(&app, "Globex", &["Globex"]).await;
    file(&app, &report(1, "Acme", "a@example.com")).await;
    file(&app, &report(2, "Globex", "a@example.com")).await;

    for brand in ["globex", "no-such-brand"] {
        let response = post_outcomes(
            &app,
            &acme,
            json!([
                {"brand": "acme", "listing_url": item(1), "outcome": "removed"},
                {"brand": brand, "listing_url": item(2), "outcome": "genuine"}
            ]),
        )
        .await;
        problem(response, 403).await;
    }
    let recorded: i64 = sqlx::query_scalar("select count(*) from listing_outcome")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(recorded, 0);
    problem(post_outcomes(&app, "garbage", json!([])).await, 401).await;
}

#[tokio::test]
async fn outcomes_show_on_the_public_seller_page() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    file(&app, &report(1, "Acme", "a@example.com")).await;
    file(&app, &report(2, "Acme", "a@example.com")).await;
    file(&app, &report(3, "Acme", "a@example.com")).await;
    let before = app.get(SELLER_PAGE).await.text().await.expect("html");
    assert!(!before.contains("Confirmed counterfeit by the brand owner"));

    ok_text(
        post_outcomes(
            &app,
            &token,
            json!([
                {"brand": "acme", "listing_url": item(1), "outcome": "confirmed_counterfeit", "note": "private case note 7781"},
                {"brand": "acme", "listing_url": item(2), "outcome": "removed"}
            ]),
        )
        .await,
    )
    .await;
    let page = app.get(SELLER_PAGE).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(
        html.contains("Confirmed counterfeit by the brand owner"),
        "{html}"
    );
    assert!(html.contains("Removed by the marketplace"));
    assert!(
        !html.contains("private case note 7781"),
        "notes are private"
    );
}

// ---------------------------------------------------------------------------------------------
// The export log
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn exports_are_logged_with_their_row_count_and_tokens_show_their_last_use() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    let id = token_id(&token);
    for n in 1..=3 {
        file(&app, &report(n, "Acme", "a@example.com")).await;
    }
    let listed = admin(&app, RightsHolderCommand::List { exports: 5 }).await;
    assert!(listed.contains("no exports yet"), "{listed}");
    assert!(listed.contains(&format!("token {id}: active")), "{listed}");
    assert!(listed.contains("last used never"), "{listed}");

    let table = export_csv(&app, &token, "brand=acme").await;
    assert_eq!(table.rows.len(), 3);
    let cursor = export_json(&app, &token, "brand=acme&preset=aliexpress").await["cursor"]
        .as_str()
        .expect("cursor")
        .to_owned();
    ok_text(
        export(
            &app,
            &token,
            &format!("brand=acme&format=ndjson&since={cursor}"),
        )
        .await,
    )
    .await;

    let listed = admin(&app, RightsHolderCommand::List { exports: 5 }).await;
    let exports: Vec<&str> = listed
        .lines()
        .filter(|l| l.trim_start().starts_with("export "))
        .collect();
    assert_eq!(exports.len(), 3, "{listed}");
    // Newest first.
    assert!(
        exports[0].contains(" acme ndjson (since cursor): 0 rows by token "),
        "{listed}"
    );
    assert!(
        exports[1].contains(" acme json preset=aliexpress: 3 rows by token "),
        "{listed}"
    );
    assert!(
        exports[2].contains(" acme csv: 3 rows by token "),
        "{listed}"
    );
    assert!(exports.iter().all(|e| e.ends_with(&id)), "{listed}");
    assert!(!listed.contains("last used never"), "{listed}");
    assert!(!listed.contains(&token), "the secret is never shown again");

    let last_used: Option<time::OffsetDateTime> =
        sqlx::query_scalar("select last_used_at from api_token where public_id = $1")
            .bind(&id)
            .fetch_one(&app.db)
            .await
            .expect("token row");
    let age = time::OffsetDateTime::now_utc() - last_used.expect("last used is set");
    assert!(age < time::Duration::minutes(1), "{age}");

    let only_one = admin(&app, RightsHolderCommand::List { exports: 1 }).await;
    assert_eq!(only_one.matches("  export ").count(), 1, "{only_one}");
}

#[tokio::test]
async fn ready_to_file_lists_leave_out_listings_with_nothing_to_file_against() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    for n in 1..=4 {
        file(&app, &report(n, "Acme", "a@example.com")).await;
    }
    let recorded = post_outcomes(
        &app,
        &token,
        json!([
            {"brand": "acme", "listing_url": item(1), "outcome": "genuine"},
            {"brand": "acme", "listing_url": item(2), "outcome": "removed"},
            {"brand": "acme", "listing_url": item(3), "outcome": "confirmed_counterfeit"},
        ]),
    )
    .await;
    assert_eq!(recorded.status(), 200);

    // Filing against a listing the brand called genuine, or one already gone, makes no sense.
    let filing = export_csv(&app, &token, "brand=acme&preset=aliexpress").await;
    let urls: Vec<String> = filing
        .column("product_url")
        .into_iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(sorted(urls), sorted(vec![item(3), item(4)]));
    // Asking for a status still shows them, and the full list keeps every listing.
    let genuine = export_csv(&app, &token, "brand=acme&preset=aliexpress&status=genuine").await;
    assert_eq!(genuine.column("product_url"), [item(1)]);
    assert_eq!(export_csv(&app, &token, "brand=acme").await.rows.len(), 4);
}
