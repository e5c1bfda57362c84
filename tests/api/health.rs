use crate::helpers::{TestApp, valid_report};

#[tokio::test]
async fn healthz_answers_ok_when_the_database_answers() {
    let app = TestApp::spawn().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn database_down_gives_503_with_retry_after_not_a_hang() {
    let (address, data_dir) = TestApp::spawn_with_database_down().await;
    let client = crate::helpers::client();
    let started = std::time::Instant::now();

    let health = client
        .get(format!("{address}/healthz"))
        .send()
        .await
        .expect("request");
    assert_eq!(health.status(), 503);
    assert!(health.headers().contains_key("retry-after"));

    let api = client
        .post(format!("{address}/api/v1/reports"))
        .json(&valid_report())
        .send()
        .await
        .expect("request");
    assert_eq!(api.status(), 503);
    assert_eq!(api.headers()["retry-after"], "30");
    assert_eq!(api.headers()["content-type"], "application/problem+json");

    let page = client
        .get(format!("{address}/reports/abc"))
        .send()
        .await
        .expect("request");
    assert_eq!(page.status(), 503);
    assert!(page.text().await.expect("body").contains("try again"));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    let _ = std::fs::remove_dir_all(data_dir);
}

#[tokio::test]
async fn evidence_of_a_failed_submission_does_not_linger() {
    let (address, data_dir) = TestApp::spawn_with_database_down().await;
    let form = reqwest::multipart::Form::new()
        .text("report", valid_report().to_string())
        .part(
            "evidence",
            reqwest::multipart::Part::bytes(crate::helpers::fixture("photo_gps.jpg"))
                .file_name("p.jpg"),
        );
    let response = crate::helpers::client()
        .post(format!("{address}/api/v1/reports"))
        .multipart(form)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 503);
    let left = crate::helpers::files_under(&data_dir.join("evidence"));
    assert!(left.is_empty(), "files left behind: {left:?}");
    let _ = std::fs::remove_dir_all(data_dir);
}

#[tokio::test]
async fn responses_carry_security_headers_and_a_request_id() {
    let app = TestApp::spawn().await;
    let response = app.get("/reports/new").await;
    let headers = response.headers();
    let csp = headers["content-security-policy"].to_str().expect("ascii");
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "strict-origin");
    assert!(headers.contains_key("x-request-id"));
}

#[tokio::test]
async fn static_files_are_cached_and_unknown_pages_are_friendly_404s() {
    let app = TestApp::spawn().await;
    let css = app.get("/static/css/site.css").await;
    assert_eq!(css.status(), 200);
    assert!(
        css.headers()["cache-control"]
            .to_str()
            .expect("ascii")
            .contains("immutable")
    );

    let page = app.get("/no/such/page").await;
    assert_eq!(page.status(), 404);
    assert!(
        page.text()
            .await
            .expect("body")
            .contains("Report a fake listing")
    );

    let api = app.get("/api/v1/nothing").await;
    assert_eq!(api.status(), 404);
    assert_eq!(api.headers()["content-type"], "application/problem+json");
}

/// `fakewatch <args>` as an operator runs it, with `env` set; returns (exit ok, stdout, stderr).
/// Async, so that the test's own server keeps answering meanwhile.
async fn run_binary(args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_fakewatch"))
        .args(args)
        .envs(env.iter().copied())
        .env_remove("RUST_LOG")
        .output()
        .await
        .expect("the binary runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn the_healthcheck_command_exits_0_only_while_the_server_is_healthy() {
    let app = TestApp::spawn().await;
    let listen = app.address.trim_start_matches("http://").to_owned();
    let (ok, _, stderr) = run_binary(&["healthcheck"], &[("FAKEWATCH_LISTEN", &listen)]).await;
    assert!(ok, "{stderr}");

    // A server whose database is down answers 503: unhealthy.
    let (down, data_dir) = TestApp::spawn_with_database_down().await;
    let listen = down.trim_start_matches("http://").to_owned();
    let (ok, _, stderr) = run_binary(&["healthcheck"], &[("FAKEWATCH_LISTEN", &listen)]).await;
    assert!(!ok);
    assert!(stderr.contains("503"), "{stderr}");
    let _ = std::fs::remove_dir_all(data_dir);

    // Nothing listening: unhealthy, and says so.
    let unused = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .to_string();
    let (ok, _, stderr) = run_binary(&["healthcheck"], &[("FAKEWATCH_LISTEN", &unused)]).await;
    assert!(!ok);
    assert!(stderr.contains("cannot connect"), "{stderr}");
}

#[tokio::test]
async fn commands_log_to_stderr_without_colour_codes_or_postgresql_notices() {
    let app = TestApp::spawn().await;
    let database_url = app.state.config.database_url.expose().to_owned();
    // The database exists and is migrated already: the second migration finds nothing to do,
    // which PostgreSQL reports with notices ("relation … already exists, skipping").
    let (ok, stdout, stderr) = run_binary(&["migrate"], &[("DATABASE_URL", &database_url)]).await;
    assert!(ok, "{stderr}");
    assert!(stdout.is_empty(), "logs reached stdout: {stdout}");
    assert!(stderr.contains("database is up to date"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "colour codes in a log file: {stderr:?}"
    );
    assert!(!stderr.contains("already exists"), "{stderr}");

    // A command's output is stdout's; its logs stay on stderr.
    let (ok, stdout, stderr) = run_binary(
        &[
            "rights-holder",
            "add",
            "--name",
            "Acme Corp",
            "--brand",
            "acme",
        ],
        &[("DATABASE_URL", &database_url)],
    )
    .await;
    assert!(ok, "{stderr}");
    assert!(stdout.contains("fwt_"), "{stdout}");
    assert!(
        !stderr.contains("fwt_"),
        "the token leaked into the log: {stderr}"
    );

    // Errors are logged on stderr too, and the exit status says so.
    let (ok, stdout, stderr) = run_binary(
        &["migrate"],
        &[("DATABASE_URL", "postgres://127.0.0.1:1/nothing")],
    )
    .await;
    assert!(!ok);
    assert!(stdout.is_empty());
    assert!(stderr.contains("cannot reach PostgreSQL"), "{stderr}");
}

/// The README's first command starts the service against a database that does not exist yet:
/// `fakewatch migrate` (as `serve` does first) creates it and applies every migration. Tests
/// copy their databases from a template, so this is the one place that path runs.
#[tokio::test]
async fn the_binary_creates_and_migrates_a_database_that_does_not_exist() {
    let name = format!(
        "fakewatch_fresh_{}",
        fakewatch::security::random_token(9)
            .to_lowercase()
            .replace('-', "_")
    );
    let mut url = url::Url::parse(&crate::helpers::server_url()).expect("test database URL");
    url.set_path(&name);
    let data_dir = std::env::temp_dir().join(&name);
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_fakewatch"))
            .arg("migrate")
            .env("DATABASE_URL", url.as_str())
            .env("FAKEWATCH_DATA_DIR", &data_dir)
            .env("RUST_LOG", "warn")
            .output()
            .expect("run fakewatch migrate")
    };
    let first = run();
    // Twice: the second run finds the database there and everything applied.
    let second = run();
    let applied: Result<i64, sqlx::Error> = async {
        let pool = sqlx::PgPool::connect(url.as_str()).await?;
        let applied = sqlx::query_scalar("select count(*) from _sqlx_migrations where success")
            .fetch_one(&pool)
            .await;
        pool.close().await;
        applied
    }
    .await;
    crate::helpers::drop_database_and_dir(name, data_dir);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert_eq!(
        applied.expect("the database exists and holds the migration log"),
        fakewatch::db::MIGRATOR.iter().count() as i64
    );
}
