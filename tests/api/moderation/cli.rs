//! `fakewatch moderator …`, run as an operator runs it: the real binary.

use std::io::Write;
use std::process::{Command, Stdio};

use super::PASSWORD;
use crate::helpers::TestApp;

fn fakewatch(app: &TestApp, args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fakewatch"))
        .args(args)
        .env("DATABASE_URL", app.state.config.database_url.expose())
        .env("FAKEWATCH_DATA_DIR", &app.data_dir)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run fakewatch");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("finished");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn an_operator_adds_lists_and_disables_moderators() {
    let app = TestApp::spawn().await;
    let input = format!("{PASSWORD}\n");
    let (ok, out, err) = fakewatch(
        &app,
        &[
            "moderator",
            "add",
            "--email",
            "Ana@Example.org",
            "--admin",
            "--password-stdin",
        ],
        &input,
    );
    assert!(ok, "{err}");
    assert!(out.contains("Added admin ana@example.org"), "{out}");

    let hash: String = sqlx::query_scalar("select password_hash from moderator")
        .fetch_one(&app.db)
        .await
        .expect("row");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(PASSWORD));
    // The password read from stdin is the one that signs in.
    let (_, answer) = app.try_sign_in("ana@example.org", PASSWORD).await;
    assert_eq!(answer.status(), 303);

    let (ok, _, err) = fakewatch(
        &app,
        &[
            "moderator",
            "add",
            "--email",
            "ana@example.org",
            "--password-stdin",
        ],
        &input,
    );
    assert!(!ok);
    assert!(err.contains("already exists"), "{err}");

    let (ok, _, err) = fakewatch(
        &app,
        &[
            "moderator",
            "add",
            "--email",
            "bo@example.org",
            "--password-stdin",
        ],
        "short\n",
    );
    assert!(!ok);
    assert!(err.contains("at least 12 characters"), "{err}");

    // Without --password-stdin and without a terminal, it says what to do.
    let (ok, _, err) = fakewatch(&app, &["moderator", "add", "--email", "bo@example.org"], "");
    assert!(!ok);
    assert!(err.contains("--password-stdin"), "{err}");

    let (ok, out, _) = fakewatch(&app, &["moderator", "list"], "");
    assert!(ok);
    assert!(
        out.contains("ana@example.org") && out.contains("admin") && out.contains("active"),
        "{out}"
    );

    let (ok, out, err) = fakewatch(&app, &["moderator", "disable", "ana@example.org"], "");
    assert!(ok, "{err}");
    assert!(out.contains("Disabled ana@example.org"), "{out}");
    let (ok, out, _) = fakewatch(&app, &["moderator", "list"], "");
    assert!(ok);
    assert!(out.contains("disabled"), "{out}");
    let (ok, _, err) = fakewatch(&app, &["moderator", "disable", "nobody@example.org"], "");
    assert!(!ok);
    assert!(err.contains("no moderator"), "{err}");
}
