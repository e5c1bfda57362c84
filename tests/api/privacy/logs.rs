//! No email address, client IP, fingerprint or link token in any log line: the real binary,
//! run at `RUST_LOG=trace` on a fresh database, files reports (and a seller's reply), fails
//! requests and erases one, and its whole output (and that of a `fakewatch purge` after it) is
//! searched for them.
//!
//! The server listens on 127.0.0.1, which its start-up line prints; the client connects from
//! another loopback address, 127.41.97.23, so that finding that address means a client's
//! address was logged. Every request also names a client in `X-Forwarded-For`, which a server
//! told to trust local proxies takes as the client's address.

use std::io::Read;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use base64::Engine;
use fakewatch::security::random_token;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use sqlx::PgPool;

use super::{ORDER_DATE, photo};
use crate::helpers::{csrf_token_in, server_url, valid_report};

const EMAIL: &str = "Leak.Probe+logs@leakcheck-mail.test";
const CLIENT_IP: [u8; 4] = [127, 41, 97, 23];
const FORWARDED_FOR: &str = "198.51.100.77";
const SECRET: &str = "test-secret-test-secret-test-secret-test";
const CONFIRM_TOKEN: &str = "Zq7ConfirmTokenProbe4pXw9";

/// The server process, its database and data dir; dropped with the test.
struct Server {
    child: Option<Child>,
    output: Vec<JoinHandle<Vec<u8>>>,
    base: String,
    database_url: String,
    db_name: String,
    data_dir: PathBuf,
}

impl Server {
    fn start() -> Server {
        let db_name = format!(
            "fakewatch_logs_{}",
            random_token(9).to_lowercase().replace('-', "_")
        );
        let mut url = url::Url::parse(&server_url()).expect("database URL");
        url.set_path(&db_name);
        let data_dir = std::env::temp_dir().join(&db_name);
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let base = format!("http://127.0.0.1:{port}");
        let mut child = fakewatch(url.as_str(), &data_dir)
            .arg("serve")
            .env("FAKEWATCH_LISTEN", format!("127.0.0.1:{port}"))
            .env("FAKEWATCH_PUBLIC_URL", &base)
            .env(
                "FAKEWATCH_STATIC_DIR",
                Path::new(env!("CARGO_MANIFEST_DIR")).join("static"),
            )
            .spawn()
            .expect("start fakewatch");
        let output = drain(&mut child);
        Server {
            child: Some(child),
            output,
            base,
            database_url: url.to_string(),
            db_name,
            data_dir,
        }
    }

    /// Stops the server as an operator would (SIGTERM) and returns all it wrote.
    fn stop(&mut self) -> String {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(15);
            while child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        collect(std::mem::take(&mut self.output))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
        crate::helpers::drop_database_and_dir(self.db_name.clone(), self.data_dir.clone());
    }
}

/// `fakewatch` with a database, a data dir, logging at its most verbose, and a rate limiter
/// (once there is one) that believes local proxies, so that it sees the forwarded address.
fn fakewatch(database_url: &str, data_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_fakewatch"));
    command
        .env("DATABASE_URL", database_url)
        .env("FAKEWATCH_DATA_DIR", data_dir)
        .env("FAKEWATCH_SECRET", SECRET)
        .env("FAKEWATCH_TRUSTED_PROXIES", "127.0.0.0/8")
        .env("RUST_LOG", "trace")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Reads stdout and stderr on threads of their own, so that a full pipe never stalls the
/// process.
fn drain(child: &mut Child) -> Vec<JoinHandle<Vec<u8>>> {
    let mut readers: Vec<Box<dyn Read + Send>> = Vec::new();
    if let Some(out) = child.stdout.take() {
        readers.push(Box::new(out));
    }
    if let Some(err) = child.stderr.take() {
        readers.push(Box::new(err));
    }
    readers
        .into_iter()
        .map(|mut reader| {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                let _ = reader.read_to_end(&mut bytes);
                bytes
            })
        })
        .collect()
}

fn collect(output: Vec<JoinHandle<Vec<u8>>>) -> String {
    output
        .into_iter()
        .filter_map(|reader| reader.join().ok())
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A client that connects from [`CLIENT_IP`] and names [`FORWARDED_FOR`] as the client.
fn client() -> reqwest::Client {
    let mut headers = HeaderMap::new();
    headers.insert("x-forwarded-for", HeaderValue::from_static(FORWARDED_FOR));
    reqwest::Client::builder()
        .local_address(IpAddr::from(CLIENT_IP))
        .default_headers(headers)
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

async fn wait_until_healthy(client: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let healthy = client.get(format!("{base}/healthz")).send().await;
        if healthy.is_ok_and(|r| r.status() == 200) {
            return;
        }
        assert!(Instant::now() < deadline, "the server did not come up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every way the stored hash may be written: hex, base64, and as Rust prints a byte vector.
fn renderings(bytes: &[u8]) -> [String; 3] {
    [
        hex::encode(bytes),
        base64::engine::general_purpose::STANDARD.encode(bytes),
        format!("{bytes:?}"),
    ]
}

#[tokio::test]
async fn the_logs_hold_no_email_address_client_address_or_fingerprint() {
    let mut server = Server::start();
    let base = server.base.clone();
    let client = client();
    wait_until_healthy(&client, &base).await;

    // A report with an email and a photo, through multipart, and an anonymous one.
    let mut with_email = valid_report();
    with_email["email"] = EMAIL.into();
    with_email["order_date"] = ORDER_DATE.into();
    let (name, bytes) = photo();
    let form = Form::new()
        .text("report", with_email.to_string())
        .part("evidence", Part::bytes(bytes).file_name(name));
    let filed = client
        .post(format!("{base}/api/v1/reports"))
        .multipart(form)
        .send()
        .await
        .expect("file");
    assert_eq!(filed.status(), 201);
    let filed: Value = filed.json().await.expect("json");
    let mut anonymous = valid_report();
    anonymous["email"] = Value::Null;
    anonymous["description"] = "Filed without an address; counted by network address.".into();
    let anonymous: Value = client
        .post(format!("{base}/api/v1/reports"))
        .json(&anonymous)
        .send()
        .await
        .expect("file")
        .json()
        .await
        .expect("json");

    // Errors: a bad field (API and form), a wrong manage token, a form without its CSRF
    // token, an unknown report; a search for the address; the manage page.
    let mut bad = valid_report();
    bad["email"] = EMAIL.into();
    bad["order_date"] = "2099-01-01".into();
    let refused = client
        .post(format!("{base}/api/v1/reports"))
        .json(&bad)
        .send()
        .await;
    assert_eq!(refused.expect("request").status(), 422);
    let form_page = client
        .get(format!("{base}/reports/new"))
        .send()
        .await
        .expect("form");
    let csrf = csrf_token_in(&form_page.text().await.expect("page"));
    let form = Form::new()
        .text("csrf_token", csrf)
        .text("email", EMAIL)
        .text("listing_url", "not a link")
        .text("brand", "Louis Vuitton")
        .text("description", "Too short");
    let refused = client
        .post(format!("{base}/reports"))
        .multipart(form)
        .send()
        .await;
    assert_eq!(refused.expect("request").status(), 422);
    let (id, token) = (
        filed["id"].as_str().expect("id"),
        filed["manage_token"].as_str().expect("token"),
    );
    let wrong = client
        .delete(format!("{base}/api/v1/reports/{id}?erase=true"))
        .bearer_auth("not-the-token")
        .send()
        .await;
    assert_eq!(wrong.expect("request").status(), 403);
    let no_csrf = client
        .post(format!("{base}/reports/{id}/erase"))
        .form(&[("token", token), ("confirm", "yes")])
        .send()
        .await;
    assert_eq!(no_csrf.expect("request").status(), 403);
    let unknown = client
        .get(format!("{base}/api/v1/reports/nope"))
        .send()
        .await;
    assert_eq!(unknown.expect("request").status(), 404);
    let search = client
        .get(format!("{base}/sellers"))
        .query(&[("q", EMAIL)])
        .send()
        .await;
    assert!(search.is_ok());
    // A seller's reply giving the address as its contact, and one refused for its statement.
    let reply_form = format!("{base}/sellers/aliexpress/1102345678/reply");
    let reply_page = client.get(&reply_form).send().await.expect("reply form");
    let csrf = csrf_token_in(&reply_page.text().await.expect("page"));
    for (statement, status) in [("We sell genuine stock.", 200), ("", 422)] {
        let fields = [
            ("csrf_token", csrf.as_str()),
            ("statement", statement),
            ("email", EMAIL),
        ];
        let answer = client.post(&reply_form).form(&fields).send().await;
        assert_eq!(answer.expect("reply").status(), status);
    }
    let manage = client
        .get(format!("{base}/reports/{id}/manage/{token}"))
        .send()
        .await;
    assert_eq!(manage.expect("request").status(), 200);
    // Links with a secret in the path: a confirmation link, and one mistyped past its route.
    for path in [
        format!("/confirm/{CONFIRM_TOKEN}"),
        format!("/confirm/{CONFIRM_TOKEN}/typo"),
        format!("/reports/{id}/manage/{token}/typo/x"),
    ] {
        let response = client.get(format!("{base}{path}")).send().await;
        assert!(response.is_ok(), "{path}");
    }

    // The hashes as stored, before the erasure below deletes one of them.
    let db = PgPool::connect(&server.database_url)
        .await
        .expect("connect");
    let hashes: Vec<Vec<u8>> = sqlx::query_scalar::<_, Option<Vec<u8>>>(
        "select reporter_fingerprint from report union select reporter_key from report
         union select reporter_key from email_confirmation union select reporter_key from mail",
    )
    .fetch_all(&db)
    .await
    .expect("hashes")
    .into_iter()
    .flatten()
    .collect();
    assert_eq!(
        hashes.len(),
        2,
        "the address's key and the network address's fingerprint"
    );
    db.close().await;

    let anonymous_id = anonymous["id"].as_str().expect("id");
    let anonymous_token = anonymous["manage_token"].as_str().expect("token");
    let erased = client
        .delete(format!("{base}/api/v1/reports/{anonymous_id}?erase=true"))
        .bearer_auth(anonymous_token)
        .send()
        .await;
    assert_eq!(erased.expect("request").status(), 204);
    // A mail sender, once there is one, writes the confirmation to the outbox meanwhile.
    let outbox = server.data_dir.join("outbox");
    let deadline = Instant::now() + Duration::from_secs(3);
    while crate::helpers::files_under(&outbox).is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut logs = server.stop();

    // And the purge, which forgets the unconfirmed address at once with these settings.
    let mut purge = fakewatch(&server.database_url, &server.data_dir);
    purge
        .arg("purge")
        .env("FAKEWATCH_RETAIN_UNCONFIRMED_DAYS", "0");
    let purged = purge.output().expect("run purge");
    assert!(purged.status.success());
    let purge_output = String::from_utf8_lossy(&purged.stdout);
    assert!(
        purge_output.contains("unconfirmed addresses removed from reports: 1"),
        "{purge_output}"
    );
    logs.push_str(&purge_output);
    logs.push_str(&String::from_utf8_lossy(&purged.stderr));

    // The logs are there, and say what happened, so that their silence below means something.
    let address = base.trim_start_matches("http://");
    for expected in [
        address,
        "/api/v1/reports",
        "status=422",
        "status=403",
        "status=201",
    ] {
        assert!(logs.contains(expected), "the logs lack {expected:?}");
    }
    assert!(logs.contains("erased a report"));

    let lowercase = logs.to_lowercase();
    let client_ip = IpAddr::from(CLIENT_IP).to_string();
    let mut secrets = vec![
        ("the email's local part", "leak.probe".to_owned()),
        ("the email's domain", "leakcheck-mail.test".to_owned()),
        ("the client address", client_ip),
        ("the forwarded client address", FORWARDED_FOR.to_owned()),
        // Not personal data, but whoever reads the logs must not be able to use the links.
        ("a manage token", token.to_lowercase()),
        ("a confirmation token", CONFIRM_TOKEN.to_lowercase()),
    ];
    for hash in &hashes {
        for rendering in renderings(hash) {
            secrets.push(("a fingerprint", rendering.to_lowercase()));
        }
    }
    let leaks: Vec<String> = secrets
        .iter()
        .flat_map(|(what, secret)| {
            lowercase
                .lines()
                .filter(|line| line.contains(secret.as_str()))
                .map(move |line| format!("{what}: {line}"))
        })
        .collect();
    assert!(leaks.is_empty(), "logged: {leaks:#?}");
    // Nor are the request bodies.
    let description = with_email["description"].as_str().expect("description");
    for body_text in [ORDER_DATE, description] {
        assert!(!logs.contains(body_text), "{body_text:?} is logged");
    }
}
