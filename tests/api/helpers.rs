//! `TestApp`: the real application on 127.0.0.1:0, with a fresh PostgreSQL database and a
//! fresh data directory per test, and one helper per endpoint.

use std::path::PathBuf;
use std::str::FromStr;

use clap::Parser;
use fakewatch::config::{Cli, Config};
use fakewatch::security::random_token;
use fakewatch::startup;
use reqwest::multipart::{Form, Part};
use reqwest::{Client, Response, redirect};
use serde_json::Value;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgPool};

/// The server tests create their databases on: `FAKEWATCH_TEST_DATABASE_URL`, else
/// `DATABASE_URL`, else local PostgreSQL.
pub fn server_url() -> String {
    std::env::var("FAKEWATCH_TEST_DATABASE_URL")
        .or_else(|_| std::env::var("DATABASE_URL"))
        .unwrap_or_else(|_| "postgres://localhost/postgres".into())
}

pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// The config tests start the app with, against `database_url` and with `data_dir`; the
/// address to listen on is the caller's.
pub fn test_config(database_url: &str, data_dir: &std::path::Path) -> Config {
    let mut config = Cli::try_parse_from(["fakewatch"])
        .expect("default config")
        .config;
    config.database_url = database_url.into();
    config.data_dir = data_dir.to_owned();
    config.secret = Some("test-secret-test-secret-test-secret-test".into());
    config.static_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("static");
    config.db_connections = 4;
    config.db_timeout_secs = 2;
    config.image_workers = Some(2);
    // The server runs inside this test binary, so "this program" can't clean PDFs.
    config.pdf_worker = Some(PathBuf::from(env!("CARGO_BIN_EXE_fakewatch")));
    // Every test's requests come from 127.0.0.1, and some file or search a lot: the limits
    // are counted but out of reach (tests/api/limits.rs sets small ones).
    config.rate_limit_reports = 1_000_000;
    config.rate_limit_search = 1_000_000;
    config
}

pub struct TestApp {
    pub address: String,
    pub db: PgPool,
    /// The running app's state, to look at its limits (slots, budgets) from a test.
    pub state: fakewatch::state::AppState,
    pub data_dir: PathBuf,
    /// Keeps cookies (the CSRF cookie) and never follows redirects, so tests see the 303s.
    pub client: Client,
    /// The database on the test server that dropping the app removes (none when the test
    /// runs the database server itself).
    db_name: Option<String>,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Starts the app after `adjust` has changed the default test config.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let (app, listener, state) = Self::prepare(adjust).await;
        tokio::spawn(startup::serve(listener, state));
        app
    }

    /// Starts the app with mail going to the SMTP server at `smtp_url`, retried after 1 s,
    /// 2 s, 4 s… when it fails, after `adjust` has changed the config further.
    pub async fn spawn_with_smtp(smtp_url: &str, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let smtp_url = smtp_url.to_owned();
        Self::spawn_with(|config| {
            config.smtp_url = Some(smtp_url.into());
            config.mail_retry_secs = 1;
            adjust(config);
        })
        .await
    }

    /// Starts the app with its mail server down (nothing listens on the SMTP port; the next
    /// attempt is an hour away), so that queued mail stays in the queue: for tests about the
    /// queue's rows rather than about sending them (the outbox would take them at once).
    pub async fn spawn_with_mail_server_down() -> TestApp {
        let closed = {
            let socket = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            socket.local_addr().expect("address").port()
        };
        Self::spawn_with_smtp(&format!("smtp://127.0.0.1:{closed}"), |config| {
            config.mail_retry_secs = 3600;
        })
        .await
    }

    /// Waits until the mail sender has tried every queued mail at least once: then, with the
    /// mail server down, the queue stays as it is for an hour, and with the outbox it is
    /// empty. Tests that change rows under a queued mail wait for this first, or race the
    /// sender (which drops a mail whose address has nothing left to confirm).
    pub async fn mail_queue_settled(&self) {
        let start = std::time::Instant::now();
        loop {
            let untried: i64 = sqlx::query_scalar("select count(*) from mail where attempts = 0")
                .fetch_one(&self.db)
                .await
                .expect("count");
            if untried == 0 {
                return;
            }
            assert!(
                start.elapsed() < std::time::Duration::from_secs(20),
                "the mail sender did not try {untried} queued mails"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// Starts the app as [`TestApp::spawn_with`] does, with a switch for a graceful shutdown.
    // Used by the `connections` test binary, which shares this file.
    #[allow(dead_code)]
    pub async fn spawn_stoppable(adjust: impl FnOnce(&mut Config)) -> (TestApp, Stop) {
        let (app, listener, state) = Self::prepare(adjust).await;
        let (signal, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(startup::serve_until(listener, state, async move {
            let _ = stopped.await;
        }));
        (app, Stop { signal, server })
    }

    /// Starts the app against `database_url`, a server the test runs itself (the app creates
    /// and migrates the database, as `fakewatch serve` does), after `adjust` has changed the
    /// default test config. The database is the test's to remove; the data dir goes on drop.
    // Not every test binary that includes this file uses it.
    #[allow(dead_code)]
    pub async fn spawn_against(database_url: &str, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let name = format!(
            "fakewatch_app_{}",
            random_token(9).to_lowercase().replace('-', "_")
        );
        let (app, listener, state) = Self::prepare_on(database_url, name, None, adjust).await;
        tokio::spawn(startup::serve(listener, state));
        app
    }

    async fn prepare(
        adjust: impl FnOnce(&mut Config),
    ) -> (TestApp, tokio::net::TcpListener, fakewatch::state::AppState) {
        let db_name = format!(
            "fakewatch_test_{}",
            random_token(9).to_lowercase().replace('-', "_")
        );
        create_test_database(&db_name).await;
        let mut database_url = url::Url::parse(&server_url()).expect("test database URL");
        database_url.set_path(&db_name);
        Self::prepare_on(
            database_url.as_str(),
            db_name.clone(),
            Some(db_name),
            adjust,
        )
        .await
    }

    /// The app's state and listener, with the test config against `database_url`; `owned`
    /// names the test server's database that dropping the app removes.
    async fn prepare_on(
        database_url: &str,
        name: String,
        owned: Option<String>,
        adjust: impl FnOnce(&mut Config),
    ) -> (TestApp, tokio::net::TcpListener, fakewatch::state::AppState) {
        let data_dir = std::env::temp_dir().join(&name);
        let mut config = test_config(database_url, &data_dir);
        // Bind first, so that links the app makes carry the real port.
        let listener = startup::listen(([127, 0, 0, 1], 0).into()).expect("bind");
        config.listen = listener.local_addr().expect("address");
        config.public_url = Some(format!("http://{}", config.listen));
        adjust(&mut config);

        let state = startup::build_state(config).await.expect("app starts");
        let app = TestApp {
            address: state.config.public_base(),
            db: state.db.clone(),
            state: state.clone(),
            data_dir,
            client: client(),
            db_name: owned,
        };
        (app, listener, state)
    }

    /// An app whose database cannot be reached (nothing listens on its port).
    pub async fn spawn_with_database_down() -> (String, PathBuf) {
        let data_dir = std::env::temp_dir().join(format!("fakewatch_down_{}", random_token(6)));
        let mut config = Cli::try_parse_from(["fakewatch"])
            .expect("default config")
            .config;
        config.data_dir = data_dir.clone();
        config.secret = Some("test-secret-test-secret-test-secret-test".into());
        config.static_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("static");
        config.pdf_worker = Some(PathBuf::from(env!("CARGO_BIN_EXE_fakewatch")));
        let unused_port = {
            let socket = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            socket.local_addr().expect("address").port()
        };
        let db = sqlx::postgres::PgPoolOptions::new()
            .acquire_timeout(std::time::Duration::from_secs(1))
            .connect_lazy(&format!("postgres://127.0.0.1:{unused_port}/nothing"))
            .expect("lazy pool");
        let evidence = fakewatch::evidence::EvidenceService::from_config(&config).expect("store");
        let mailer = fakewatch::mail::Mailer::from_config(&config).expect("mailer");
        let state = fakewatch::state::AppState::new(
            db,
            config,
            fakewatch::security::Secret::from_bytes(b"0123456789abcdef0123456789abcdef"),
            evidence,
            mailer,
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(startup::serve(listener, state));
        (address, data_dir)
    }

    /// Fills the database with `fakewatch demo-data`'s synthetic reports, through a pool of
    /// its own as the command has (the app's pool bounds every statement for visitors).
    pub async fn demo_data(&self, reports: u64, seed: u64) -> fakewatch::demo_data::DemoSummary {
        let pool = PgPool::connect(self.state.config.database_url.expose())
            .await
            .expect("connect");
        let options = fakewatch::demo_data::DemoOptions {
            reports,
            seed,
            progress: false,
        };
        let summary = fakewatch::demo_data::generate(&pool, &options)
            .await
            .expect("demo data");
        pool.close().await;
        summary
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    /// `GET /reports/new`, returning the page and its CSRF token.
    pub async fn get_report_form(&self) -> (String, String) {
        let html = self.get("/reports/new").await.text().await.expect("body");
        let token = csrf_token_in(&html);
        (html, token)
    }

    /// `POST /reports` as a browser would send it, with the CSRF token from the form page.
    pub async fn post_report_form(
        &self,
        fields: &[(&str, &str)],
        files: &[(&str, Vec<u8>)],
    ) -> Response {
        let (_, token) = self.get_report_form().await;
        let mut with_token = vec![("csrf_token", token.as_str())];
        with_token.extend_from_slice(fields);
        self.post_report_form_raw(&with_token, files).await
    }

    /// `POST /reports` with exactly these fields (no CSRF token added).
    pub async fn post_report_form_raw(
        &self,
        fields: &[(&str, &str)],
        files: &[(&str, Vec<u8>)],
    ) -> Response {
        let mut form = Form::new();
        for (name, value) in fields {
            form = form.text(name.to_string(), value.to_string());
        }
        for (file_name, bytes) in files {
            form = form.part(
                "evidence",
                Part::bytes(bytes.clone()).file_name(file_name.to_string()),
            );
        }
        self.client
            .post(self.url("/reports"))
            .multipart(form)
            .send()
            .await
            .expect("request")
    }

    /// `POST /api/v1/reports` with a JSON body.
    pub async fn post_report_json(&self, body: &Value) -> Response {
        self.client
            .post(self.url("/api/v1/reports"))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// `POST /api/v1/reports` as multipart: a `report` JSON part and `evidence` files.
    pub async fn post_report_multipart(&self, body: &Value, files: &[(&str, Vec<u8>)]) -> Response {
        let mut form = Form::new().text("report", body.to_string());
        for (file_name, bytes) in files {
            form = form.part(
                "evidence",
                Part::bytes(bytes.clone()).file_name(file_name.to_string()),
            );
        }
        self.client
            .post(self.url("/api/v1/reports"))
            .multipart(form)
            .send()
            .await
            .expect("request")
    }

    pub async fn get_report_api(&self, id: &str) -> Response {
        self.get(&format!("/api/v1/reports/{id}")).await
    }

    pub async fn delete_report_api(&self, id: &str, token: Option<&str>) -> Response {
        let mut request = self
            .client
            .delete(self.url(&format!("/api/v1/reports/{id}")));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request")
    }

    /// `DELETE /api/v1/reports/{id}?erase=true` with the manage token.
    pub async fn erase_report_api(&self, id: &str, token: &str) -> Response {
        self.client
            .delete(self.url(&format!("/api/v1/reports/{id}?erase=true")))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    /// `POST /reports/{id}/erase` as the manage page's form sends it, with the CSRF token
    /// from that page; `confirm` ticks the box.
    pub async fn post_erase_form(&self, id: &str, token: &str, confirm: bool) -> Response {
        let page = self
            .get(&format!("/reports/{id}/manage/{token}"))
            .await
            .text()
            .await
            .expect("manage page");
        let csrf = csrf_token_in(&page);
        let mut fields = vec![("csrf_token", csrf.as_str()), ("token", token)];
        if confirm {
            fields.push(("confirm", "yes"));
        }
        self.client
            .post(self.url(&format!("/reports/{id}/erase")))
            .form(&fields)
            .send()
            .await
            .expect("request")
    }

    pub async fn get_evidence_api(&self, id: &str, evidence_id: &str, token: &str) -> Response {
        self.client
            .get(self.url(&format!("/api/v1/reports/{id}/evidence/{evidence_id}")))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    /// The mails written to `<data dir>/outbox/` (no SMTP server configured), as raw bytes.
    pub fn outbox(&self) -> Vec<Vec<u8>> {
        files_under(&self.data_dir.join("outbox"))
            .iter()
            .filter(|path| path.extension().is_some_and(|e| e == "eml"))
            .map(|path| std::fs::read(path).expect("outbox file"))
            .collect()
    }

    /// Files in the evidence store, to check that nothing lingers.
    pub fn stored_files(&self) -> Vec<PathBuf> {
        files_under(&self.data_dir.join("evidence"))
    }

    /// A confirmation link for `email`'s address, issued as the mail sender issues one (a
    /// random token, stored as its hash), for tests about what the link does rather than
    /// about the mail that carries it.
    #[allow(dead_code)]
    pub async fn confirmation_path_for(&self, email: &str) -> String {
        let key: Vec<u8> = sqlx::query_scalar(
            "select reporter_key from report where reporter_email = $1 and reporter_key is not null
             limit 1",
        )
        .bind(email)
        .fetch_one(&self.db)
        .await
        .expect("a report with this address");
        let token = random_token(32);
        sqlx::query(
            "insert into email_confirmation (reporter_key, token_hash, sent_at, expires_at)
             values ($1, $2, now(), now() + interval '7 days')",
        )
        .bind(&key)
        .bind(&fakewatch::security::hash_token(&token)[..])
        .execute(&self.db)
        .await
        .expect("issue a confirmation token");
        format!("/confirm/{token}")
    }

    /// Presses one of the confirmation page's buttons (`""` confirms, `"/not-me"` disowns)
    /// for every report the page lists; returns the answer.
    #[allow(dead_code)]
    pub async fn press_confirmation_button(&self, path: &str, button: &str) -> Response {
        let page = self.get(path).await;
        assert_eq!(page.status(), 200, "confirmation page");
        let html = page.text().await.expect("page");
        let mut form = vec![("csrf_token".to_owned(), csrf_token_in(&html))];
        let marker = "name=\"report\" value=\"";
        let mut rest = html.as_str();
        while let Some(start) = rest.find(marker) {
            let after = &rest[start + marker.len()..];
            let end = after.find('"').expect("value ends");
            let id = after[..end].to_owned();
            if !form.iter().any(|(k, v)| k == "report" && *v == id) {
                form.push(("report".to_owned(), id));
            }
            rest = &after[end..];
        }
        self.client
            .post(self.url(&format!("{path}{button}")))
            .form(&form)
            .send()
            .await
            .expect("request")
    }

    /// Confirms every pending report of `email`'s address, as its owner would.
    #[allow(dead_code)]
    pub async fn confirm_address(&self, email: &str) {
        let path = self.confirmation_path_for(email).await;
        let page = self.get(&path).await.text().await.expect("page");
        if !page.contains("name=\"report\"") {
            // Nothing pending: another confirmation covered it already.
            return;
        }
        let response = self.press_confirmation_button(&path, "").await;
        assert_eq!(response.status(), 200, "confirmed");
    }

    /// Confirms every address that has pending reports.
    // Not every test binary that includes this file uses it.
    #[allow(dead_code)]
    pub async fn confirm_every_address(&self) {
        let emails: Vec<String> = sqlx::query_scalar(
            "select distinct reporter_email from report
             where confirmed_at is null and reporter_email is not null
               and status in ('unverified', 'verified')",
        )
        .fetch_all(&self.db)
        .await
        .expect("addresses");
        for email in emails {
            self.confirm_address(&email).await;
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        match &self.db_name {
            Some(name) => drop_database_and_dir(name.clone(), self.data_dir.clone()),
            None => {
                let _ = std::fs::remove_dir_all(&self.data_dir);
            }
        }
    }
}

/// Creates a test's database as a copy of the migrated template, which is made once for
/// this set of migrations: copying is a file copy, where migrating every test's database
/// from nothing ran every migration each time.
pub async fn create_test_database(name: &str) {
    let template = migrated_template().await;
    let mut conn = maintenance_connection().await;
    let sql = format!("create database \"{name}\" template \"{template}\"");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("create database {name} from {template}: {e}"));
    let _ = conn.close().await;
}

async fn maintenance_connection() -> sqlx::PgConnection {
    let options = PgConnectOptions::from_str(&server_url()).expect("test database URL");
    sqlx::PgConnection::connect_with(&options)
        .await
        .expect("connect to the test database server")
}

/// The name of a database holding every migration of this build, made on first use. Its
/// name carries the migrations' checksums, so a changed migration gets a template of its
/// own, and runs side by side (other checkouts, other test binaries) share a finished one.
async fn migrated_template() -> &'static str {
    static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            use sha2::Digest;
            let mut digest = sha2::Sha256::new();
            for migration in fakewatch::db::MIGRATOR.iter() {
                digest.update(migration.version.to_le_bytes());
                digest.update(&migration.checksum);
            }
            let name = format!(
                "fakewatch_template_{}",
                &hex::encode(digest.finalize())[..16]
            );
            let mut conn = maintenance_connection().await;
            let exists: bool =
                sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
                    .bind(&name)
                    .fetch_one(&mut conn)
                    .await
                    .expect("look for the template");
            if !exists {
                // Built under a name of its own and renamed when complete, so that a run
                // that starts meanwhile never copies a half-migrated template.
                let building = format!(
                    "{name}_{}",
                    random_token(6).to_lowercase().replace('-', "_")
                );
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "create database \"{building}\""
                )))
                .execute(&mut conn)
                .await
                .expect("create the template");
                let mut url = url::Url::parse(&server_url()).expect("test database URL");
                url.set_path(&building);
                let mut template = sqlx::PgConnection::connect(url.as_str())
                    .await
                    .expect("connect to the template");
                fakewatch::db::MIGRATOR
                    .run(&mut template)
                    .await
                    .expect("migrate the template");
                template.close().await.expect("close the template");
                let renamed = format!("alter database \"{building}\" rename to \"{name}\"");
                if sqlx::query(sqlx::AssertSqlSafe(renamed))
                    .execute(&mut conn)
                    .await
                    .is_err()
                {
                    // Another run finished the same template first.
                    let drop = format!("drop database if exists \"{building}\"");
                    let _ = sqlx::query(sqlx::AssertSqlSafe(drop))
                        .execute(&mut conn)
                        .await;
                }
            }
            let _ = conn.close().await;
            name
        })
        .await
}

/// Drops a test's database and deletes its data directory. Called from `Drop`, which runs
/// inside the test's runtime: the async clean-up runs on a thread of its own.
pub fn drop_database_and_dir(name: String, data_dir: PathBuf) {
    let _ = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build();
        if let Ok(runtime) = runtime {
            runtime.block_on(async {
                let options = PgConnectOptions::from_str(&server_url()).expect("url");
                if let Ok(mut conn) = sqlx::PgConnection::connect_with(&options).await {
                    let sql = format!("drop database if exists \"{name}\" with (force)");
                    let _ = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .execute(&mut conn)
                        .await;
                }
            });
        }
        let _ = std::fs::remove_dir_all(data_dir);
    })
    .join();
}

/// `fakewatch serve` as a process of its own, on a free port, against `app`'s database and
/// with its secret (instances share limits only when they share the secret that keys them),
/// with `env` added to its environment. Killed when dropped.
pub struct SecondServer {
    pub address: String,
    _child: tokio::process::Child,
    data_dir: PathBuf,
}

impl SecondServer {
    pub async fn start(app: &TestApp, env: &[(&str, &str)]) -> SecondServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        // A directory of its own, so that a test may start several.
        let data_dir = app
            .data_dir
            .with_extension(format!("second_{}", random_token(6)));
        let config = &app.state.config;
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_fakewatch"))
            .arg("serve")
            .env("DATABASE_URL", config.database_url.expose())
            .env("FAKEWATCH_LISTEN", format!("127.0.0.1:{port}"))
            .env("FAKEWATCH_DATA_DIR", &data_dir)
            .env("FAKEWATCH_STATIC_DIR", &config.static_dir)
            .env(
                "FAKEWATCH_SECRET",
                config.secret.as_ref().expect("secret").expose(),
            )
            .env("FAKEWATCH_DB_CONNECTIONS", "2")
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .kill_on_drop(true)
            .spawn()
            .expect("the fakewatch binary starts");
        let address = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        for _ in 0..300 {
            let health = client.get(format!("{address}/healthz")).send().await;
            if health.is_ok_and(|r| r.status() == 200) {
                return SecondServer {
                    address,
                    _child: child,
                    data_dir,
                };
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the second server did not answer /healthz within 30 s");
    }

    /// Its data directory (the outbox, and evidence when it keeps it on disk).
    #[allow(dead_code)]
    pub fn data_dir(&self) -> &std::path::Path {
        &self.data_dir
    }
}

impl Drop for SecondServer {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

/// Shuts a server started by [`TestApp::spawn_stoppable`] down.
// Used by the `connections` test binary, which shares this file.
#[allow(dead_code)]
pub struct Stop {
    signal: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<Result<(), startup::StartupError>>,
}

#[allow(dead_code)]
impl Stop {
    /// Starts the graceful shutdown; the handle resolves once every connection has closed.
    pub fn now(self) -> tokio::task::JoinHandle<Result<(), startup::StartupError>> {
        let _ = self.signal.send(());
        self.server
    }
}

/// Like a browser or an HTTP library: keeps cookies, keeps connections alive, asks for
/// compressed answers (gzip, br, deflate, zstd) and decodes them. Never follows redirects,
/// so that tests see the 303s.
pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .gzip(true)
        .brotli(true)
        .deflate(true)
        .zstd(true)
        .build()
        .expect("client")
}

pub fn files_under(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// The manage token in the private link a receipt page shows.
pub fn manage_token_on(receipt: &str) -> String {
    receipt
        .split("/manage/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("manage link on the receipt")
        .to_owned()
}

/// The value of the hidden `csrf_token` input of a page.
pub fn csrf_token_in(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("page has a CSRF token") + marker.len();
    let end = html[start..].find('"').expect("token ends");
    html[start..start + end].to_owned()
}

/// A complete, valid report as the JSON API takes it.
pub fn valid_report() -> Value {
    serde_json::json!({
        "listing_url": "https://www.aliexpress.com/item/1005006543210987.html?spm=a2g0o.home.0&algo_pvid=x",
        "seller_url": "https://www.aliexpress.com/store/1102345678",
        "seller_name": "Luxury Outlet Store",
        "brand": "Louis Vuitton",
        "product_title": "Neverfull MM tote",
        "price": {"amount": "29.90", "currency": "USD"},
        "order_date": "2026-10-02",
        "reasons": ["price_too_low", "logo_or_packaging_mismatch"],
        "description": "The monogram pattern is misaligned at the seams and the price was a tenth of retail.",
        "email": "buyer@example.com"
    })
}

/// The same report as form fields.
pub fn valid_form() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "listing_url",
            "https://www.aliexpress.com/item/1005006543210987.html?spm=a2g0o.home.0",
        ),
        ("seller_url", "https://www.aliexpress.com/store/1102345678"),
        ("seller_name", "Luxury Outlet Store"),
        ("brand", "Louis Vuitton"),
        ("product_title", "Neverfull MM tote"),
        ("price", "29.90"),
        ("currency", "USD"),
        ("order_date", "2026-10-02"),
        ("reasons", "price_too_low"),
        ("reasons", "logo_or_packaging_mismatch"),
        (
            "description",
            "The monogram pattern is misaligned at the seams and the price was a tenth of retail.",
        ),
        ("email", "buyer@example.com"),
    ]
}

/// Replaces (or removes, with `None`) one field of a form.
pub fn with_field<'a>(
    form: &[(&'a str, &'a str)],
    name: &'a str,
    value: Option<&'a str>,
) -> Vec<(&'a str, &'a str)> {
    let mut out: Vec<_> = form.iter().copied().filter(|(n, _)| *n != name).collect();
    if let Some(value) = value {
        out.push((name, value));
    }
    out
}
