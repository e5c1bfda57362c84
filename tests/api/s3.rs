//! Evidence in S3-compatible storage (`FAKEWATCH_EVIDENCE_STORE=s3://bucket/prefix`), against
//! a real S3 server: moto's server mode, run by the test on a free port. The app runs as
//! `fakewatch serve` in a process of its own, so that it reads the `AWS_*` variables as it
//! does in production.

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::helpers::{SecondServer, TestApp, client, fixture, valid_report};

const BUCKET: &str = "fakewatch-evidence";
const PREFIX: &str = "prod/evidence";

#[tokio::test]
async fn evidence_goes_to_the_s3_bucket_is_read_back_from_it_and_erasing_deletes_it() {
    let s3 = Moto::start().await;
    s3.create_bucket(BUCKET).await;
    let db = TestApp::spawn().await;
    let endpoint = s3.endpoint();
    let store = format!("s3://{BUCKET}/{PREFIX}");
    let settings = [
        ("FAKEWATCH_EVIDENCE_STORE", store.as_str()),
        ("AWS_ENDPOINT", endpoint.as_str()),
        ("AWS_ALLOW_HTTP", "true"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ACCESS_KEY_ID", "fakewatch-test"),
        ("AWS_SECRET_ACCESS_KEY", "fakewatch-test-secret"),
    ];
    // Two instances on the one bucket: files stored through one are served by the other.
    let app = SecondServer::start(&db, &settings).await;
    let other = SecondServer::start(&db, &settings).await;

    // Two reports with the same photo (stored once, by its hash), one with a PDF as well.
    let photo = fixture("photo_gps.jpg");
    let first = file(&app, &[("photo.jpg", photo.clone())]).await;
    let mut second_report = valid_report();
    second_report["listing_url"] = "https://www.aliexpress.com/item/1005000000000777.html".into();
    let second = file_report(
        &app,
        &second_report,
        &[("same.jpg", photo), ("receipt.pdf", fixture("receipt.pdf"))],
    )
    .await;
    let keys = s3.keys(BUCKET).await;
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(
        keys.iter().all(|k| k.starts_with(&format!("{PREFIX}/"))),
        "{keys:?}"
    );
    let photo_key = key_of(&keys, ".jpg");
    let pdf_key = key_of(&keys, ".pdf");
    // Nothing went to the instance's own disk.
    assert!(crate::helpers::files_under(&app.data_dir().join("evidence")).is_empty());

    // Each reporter reads their file back through either instance: the bucket's bytes,
    // re-encoded (the photo's GPS position is gone).
    for (report, index, key) in [
        (&first, 0, &photo_key),
        (&second, 0, &photo_key),
        (&second, 1, &pdf_key),
    ] {
        let stored = s3.object(BUCKET, key).await;
        for instance in [&app, &other] {
            assert_eq!(evidence(instance, report, index).await, stored, "{key}");
        }
    }
    let served_photo = evidence(&app, &first, 0).await;
    assert!(served_photo.starts_with(&[0xFF, 0xD8]), "a JPEG");
    assert!(!contains(&served_photo, b"GPS"), "GPS data survived");

    // Erasing the first report keeps the photo the second still has.
    erase(&app, &first).await;
    assert_eq!(s3.keys(BUCKET).await, keys);
    // Erasing the second removes both files from the bucket.
    erase(&app, &second).await;
    assert_eq!(s3.keys(BUCKET).await, Vec::<String>::new());
    let gone = client()
        .get(format!(
            "{}/api/v1/reports/{}/evidence/{}",
            app.address,
            second["id"].as_str().expect("id"),
            second["evidence"][0]["id"].as_str().expect("id")
        ))
        .bearer_auth(second["manage_token"].as_str().expect("token"))
        .send()
        .await
        .expect("request");
    assert!(gone.status().is_client_error(), "{}", gone.status());
}

#[tokio::test]
async fn a_missing_bucket_refuses_the_upload_and_keeps_no_report() {
    let s3 = Moto::start().await;
    let db = TestApp::spawn().await;
    let endpoint = s3.endpoint();
    let app = SecondServer::start(
        &db,
        &[
            ("FAKEWATCH_EVIDENCE_STORE", "s3://no-such-bucket/evidence"),
            ("AWS_ENDPOINT", endpoint.as_str()),
            ("AWS_ALLOW_HTTP", "true"),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ACCESS_KEY_ID", "fakewatch-test"),
            ("AWS_SECRET_ACCESS_KEY", "fakewatch-test-secret"),
            // The store's refusal is expected: no error lines in the test's output.
            ("RUST_LOG", "off"),
        ],
    )
    .await;
    let form = reqwest::multipart::Form::new()
        .text("report", valid_report().to_string())
        .part(
            "evidence",
            reqwest::multipart::Part::bytes(fixture("photo_gps.jpg")).file_name("p.jpg"),
        );
    let response = client()
        .post(format!("{}/api/v1/reports", app.address))
        .multipart(form)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 500);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let reports: i64 = sqlx::query_scalar("select count(*) from report")
        .fetch_one(&db.db)
        .await
        .expect("count");
    assert_eq!(reports, 0);
}

async fn file(app: &SecondServer, files: &[(&str, Vec<u8>)]) -> Value {
    file_report(app, &valid_report(), files).await
}

/// Files `report` with `files` through the API's multipart form; returns its answer.
async fn file_report(app: &SecondServer, report: &Value, files: &[(&str, Vec<u8>)]) -> Value {
    let mut form = reqwest::multipart::Form::new().text("report", report.to_string());
    for (name, bytes) in files {
        form = form.part(
            "evidence",
            reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.to_string()),
        );
    }
    let response = client()
        .post(format!("{}/api/v1/reports", app.address))
        .multipart(form)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 201);
    response.json().await.expect("json")
}

/// The `index`th evidence file of a report, as its reporter downloads it.
async fn evidence(app: &SecondServer, report: &Value, index: usize) -> Vec<u8> {
    let response = client()
        .get(format!(
            "{}/api/v1/reports/{}/evidence/{}",
            app.address,
            report["id"].as_str().expect("id"),
            report["evidence"][index]["id"]
                .as_str()
                .expect("evidence id")
        ))
        .bearer_auth(report["manage_token"].as_str().expect("token"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    response.bytes().await.expect("bytes").to_vec()
}

async fn erase(app: &SecondServer, report: &Value) {
    let response = client()
        .delete(format!(
            "{}/api/v1/reports/{}?erase=true",
            app.address,
            report["id"].as_str().expect("id")
        ))
        .bearer_auth(report["manage_token"].as_str().expect("token"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 204);
}

fn key_of(keys: &[String], extension: &str) -> String {
    keys.iter()
        .find(|k| k.ends_with(extension))
        .unwrap_or_else(|| panic!("no {extension} in {keys:?}"))
        .clone()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// What to install when moto is missing.
const INSTALL_HINT: &str = "the S3 tests run moto's S3 server: \
    `python3 -m venv ~/.cache/fakewatch-ci/venv-moto && \
    ~/.cache/fakewatch-ci/venv-moto/bin/pip install 'moto[server]==5.2.5'` (what .ci/run does), \
    or name a `moto_server` program in FAKEWATCH_TEST_MOTO";

/// moto's `moto_server`: FAKEWATCH_TEST_MOTO, else the one .ci/run installs, else on PATH.
fn moto_server() -> String {
    let installed = std::env::var("HOME")
        .map(|home| format!("{home}/.cache/fakewatch-ci/venv-moto/bin/moto_server"))
        .ok();
    std::env::var("FAKEWATCH_TEST_MOTO")
        .ok()
        .into_iter()
        .chain(installed)
        .chain(["moto_server".to_owned()])
        .find(|program| {
            std::process::Command::new(program)
                .arg("--help")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|status| status.success())
        })
        .unwrap_or_else(|| panic!("{INSTALL_HINT}"))
}

/// moto checks no signatures, but answers a request without one as an anonymous visitor,
/// whom private objects are refused: the test's own requests name the app's key.
const AUTHORIZATION: &str = "AWS4-HMAC-SHA256 \
    Credential=fakewatch-test/20261201/us-east-1/s3/aws4_request, SignedHeaders=host, \
    Signature=0000";

/// moto's S3 server on 127.0.0.1 and a free port; killed when dropped.
struct Moto {
    port: u16,
    _child: tokio::process::Child,
    http: reqwest::Client,
}

impl Moto {
    async fn start() -> Moto {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = tokio::process::Command::new(moto_server())
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("moto_server starts");
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::AUTHORIZATION,
            reqwest::header::HeaderValue::from_static(AUTHORIZATION),
        );
        let moto = Moto {
            port,
            _child: child,
            http: reqwest::Client::builder()
                .default_headers(headers)
                .build()
                .expect("client"),
        };
        let start = Instant::now();
        while moto.http.get(moto.endpoint()).send().await.is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "moto_server did not answer within 30 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        moto
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn create_bucket(&self, bucket: &str) {
        let response = self
            .http
            .put(format!("{}/{bucket}", self.endpoint()))
            .send()
            .await
            .expect("create bucket");
        assert!(response.status().is_success(), "{}", response.status());
    }

    /// Every key in the bucket, sorted, as S3's ListObjectsV2 gives them.
    async fn keys(&self, bucket: &str) -> Vec<String> {
        let response = self
            .http
            .get(format!("{}/{bucket}?list-type=2", self.endpoint()))
            .send()
            .await
            .expect("list objects");
        assert_eq!(response.status(), 200);
        let xml = response.text().await.expect("listing");
        let mut keys: Vec<String> = xml
            .split("<Key>")
            .skip(1)
            .filter_map(|rest| rest.split("</Key>").next())
            .map(str::to_owned)
            .collect();
        keys.sort();
        keys
    }

    async fn object(&self, bucket: &str, key: &str) -> Vec<u8> {
        let response = self
            .http
            .get(format!("{}/{bucket}/{key}", self.endpoint()))
            .send()
            .await
            .expect("get object");
        assert_eq!(response.status(), 200, "{key}");
        response.bytes().await.expect("object").to_vec()
    }
}
