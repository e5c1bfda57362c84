//! The four formats (CSV, JSON, NDJSON, TXT), choosing one by `Accept`, and cells a
//! spreadsheet would run as formulas.

use serde_json::{Value, json};

use super::{
    FULL_COLUMNS, SELLER_PAGE, Table, export, export_csv, export_json, file, header, holder, item,
    next_link, ok_text, problem, report, row_of, rows, urls,
};
use crate::helpers::TestApp;

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
    // A UTF-8 byte-order mark, so that Excel reads names and titles as UTF-8.
    assert!(
        text.starts_with("\u{feff}marketplace,listing_id,"),
        "{text}"
    );
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
        "evidence_manifest",
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
        if !["evidence_urls", "evidence_sha256", "evidence_manifest"].contains(&column) {
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
