//! Tests in a real headless Chromium, driven through ChromeDriver, and the helpers they
//! share: filing and confirming as a person would (`filing`), every page checked with
//! axe-core (`accessibility`), and a moderator merging two sellers (`merging`).
//!
//! Needs `chromium` and `chromium-driver` (Debian). Without them the tests say so and pass,
//! except under CI (`CI` set), where they fail: CI installs them.

pub mod accessibility;
mod filing;
mod merging;
mod moderating;

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{ClientBuilder, Locator};
use serde_json::json;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// Kills ChromeDriver and its browser when the test ends, even on failure, and deletes the
/// browser's profile. Killing ChromeDriver alone leaves Chromium running when a test fails
/// before it closes the session: ChromeDriver starts in a process group of its own, and the
/// whole group is killed.
pub struct Driver {
    process: Child,
    profile: PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.process.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.process.kill();
        let _ = self.process.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Whether Chromium and ChromeDriver are installed; under CI they must be. Says so when not.
pub fn browser_available() -> bool {
    let present =
        std::path::Path::new(CHROMEDRIVER).exists() && std::path::Path::new(CHROMIUM).exists();
    if !present {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium and chromium-driver for the browser tests"
        );
        eprintln!("skipping browser test: install chromium and chromium-driver to run it");
    }
    present
}

/// A headless Chromium with a fresh profile, 1200×1600 pixels, and its ChromeDriver.
pub async fn start_browser() -> (Driver, fantoccini::Client) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let profile = std::env::temp_dir().join(format!("fakewatch-chromium-{port}"));
    let driver = Driver {
        process: Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
        profile: profile.clone(),
    };
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--window-size=1200,1600",
                     format!("--user-data-dir={}", profile.display())]
        }),
    );
    let webdriver = format!("http://127.0.0.1:{port}");
    // ChromeDriver takes a moment to listen.
    for _ in 0..50 {
        let connected = ClientBuilder::rustls()
            .expect("tls")
            .capabilities(caps.clone())
            .connect(&webdriver)
            .await;
        if let Ok(client) = connected {
            return (driver, client);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("could not connect to chromedriver on {webdriver}");
}

/// Keeps a picture of the page under `target/screenshots/` for people to look at.
pub async fn save_screenshot(browser: &fantoccini::Client, name: &str) {
    let png = browser.screenshot().await.expect("screenshot");
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join(format!("{name}.png")), png);
}

/// Types `value` into the field with id `id`.
pub async fn fill(browser: &fantoccini::Client, id: &str, value: &str) {
    browser
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("field {id}: {e}"))
        .send_keys(value)
        .await
        .unwrap_or_else(|e| panic!("typing into {id}: {e}"));
}

/// Clicks the first element matching `css`.
pub async fn click(browser: &fantoccini::Client, css: &str) {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
}

/// Clicks the first element matching `css` (a form's button) and waits until the browser has
/// left the page: the clicked element goes stale once the answer's page replaces it, even when
/// the answer is a redirect back to the same address.
pub async fn submit(browser: &fantoccini::Client, css: &str) {
    let button = browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    button
        .click()
        .await
        .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
    for _ in 0..100 {
        if button.tag_name().await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css}: the page did not change within 10 s of the click");
}

/// The text of the first element matching `css`, once it is there.
pub async fn text_of(browser: &fantoccini::Client, css: &str) -> String {
    browser
        .wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .expect("text")
}
