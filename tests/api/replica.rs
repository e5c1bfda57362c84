//! Public reads on a real streaming replica: the test runs a small PostgreSQL primary of its
//! own and a standby made from it with `pg_basebackup -R`, each in a temporary directory on a
//! free port, and shows which pages read which server by pausing the standby's replay.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sqlx::{Connection, PgConnection};

use crate::helpers::{TestApp, valid_report};

const SELLER: &str = "/sellers/aliexpress/1102345678";

#[tokio::test]
async fn public_pages_read_the_replica_while_a_reporters_own_pages_read_the_primary() {
    let cluster = Cluster::start();
    let app = TestApp::spawn_against(&cluster.primary_url("fakewatch"), |config| {
        config.database_replica_url = Some(cluster.standby_url("fakewatch").into());
    })
    .await;
    assert_eq!(
        app.state.config.redacted_replica_url(),
        Some(cluster.standby_url("fakewatch"))
    );

    let (first, _) = file(
        &app,
        "First tote",
        "https://www.aliexpress.com/item/1005000000000001.html",
    )
    .await;
    cluster.wait_for_replay().await;
    assert!(seller_page(&app).await.contains(&first));
    assert_eq!(seller_report_ids(&app).await, std::slice::from_ref(&first));
    let health = app.get("/healthz").await.text().await.expect("body");
    assert_eq!(health, "ok\nreplica: 0.0 s behind");

    // Replay paused, the standby stays where it is while the primary takes a second report.
    cluster.pause_replay().await;
    let (second, token) = file(
        &app,
        "Second tote",
        "https://www.aliexpress.com/item/1005000000000002.html",
    )
    .await;

    // The reporter sees it at once: the report's page, the manage page and the API's report
    // are the primary's.
    let receipt = app.get(&format!("/reports/{second}")).await;
    assert_eq!(receipt.status(), 200);
    let receipt = receipt.text().await.expect("receipt");
    assert!(receipt.contains("Second tote"), "{receipt}");
    let manage = app.get(&format!("/reports/{second}/manage/{token}")).await;
    assert_eq!(manage.status(), 200);
    assert!(manage.text().await.expect("page").contains("Second tote"));
    assert_eq!(app.get_report_api(&second).await.status(), 200);

    // The public pages are the replica's, which has not seen it.
    assert!(!seller_page(&app).await.contains(&second));
    assert_eq!(seller_report_ids(&app).await, std::slice::from_ref(&first));
    let feed = app
        .get(&format!("{SELLER}/feed.atom"))
        .await
        .text()
        .await
        .expect("feed");
    assert!(feed.contains(&first) && !feed.contains(&second), "{feed}");
    assert_eq!(public_counts(&app).await, [1, 1, 1]);
    let health = app.get("/healthz").await.text().await.expect("body");
    let behind = seconds_behind(&health);
    assert!(behind > 0.0, "{health}");

    // Replay resumes, and the public pages catch up.
    cluster.resume_replay().await;
    cluster.wait_for_replay().await;
    assert!(seller_page(&app).await.contains(&second));
    let mut ids = seller_report_ids(&app).await;
    ids.sort();
    let mut both = [first.clone(), second.clone()];
    both.sort();
    assert_eq!(ids, both);
    let feed = app
        .get(&format!("{SELLER}/feed.atom"))
        .await
        .text()
        .await
        .expect("feed");
    assert!(feed.contains(&second), "{feed}");
    assert_eq!(public_counts(&app).await, [2, 2, 2]);

    // Without the standby, public pages answer 503 and say so; filing still works, and the
    // health check says what is wrong without taking the instance out of a load balancer.
    cluster.stop_standby();
    let page = app.get(SELLER).await;
    assert_eq!(page.status(), 503);
    let filed = app.post_report_json(&valid_report()).await;
    assert!(filed.status().is_success(), "{}", filed.status());
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 200);
    assert_eq!(
        health.text().await.expect("body"),
        "ok\nreplica: unavailable: public pages answer 503"
    );
}

#[tokio::test]
async fn a_replica_url_that_is_not_a_replica_of_the_database_stops_start_up() {
    let cluster = Cluster::start_primary_only();
    let mut other = PgConnection::connect(&cluster.primary_url("postgres"))
        .await
        .expect("connect");
    sqlx::query("create database unrelated")
        .execute(&mut other)
        .await
        .expect("create database");
    let data_dir = cluster.dir.join("data");
    let mut config = crate::helpers::test_config(&cluster.primary_url("fakewatch"), &data_dir);
    config.database_replica_url = Some(cluster.primary_url("unrelated").into());
    config.db_timeout_secs = 1;
    let error = fakewatch::startup::build_state(config)
        .await
        .expect_err("refused")
        .to_string();
    assert!(
        error.contains("is FAKEWATCH_DATABASE_REPLICA_URL a streaming replica of DATABASE_URL"),
        "{error}"
    );
    assert!(error.contains("/unrelated"), "{error}");
}

/// Files a report about `listing` with this title through the API; returns its id and manage
/// token. Without
/// an address: no confirmation mail, whose sending would write to the primary meanwhile.
async fn file(app: &TestApp, title: &str, listing: &str) -> (String, String) {
    let mut report = valid_report();
    report["product_title"] = json!(title);
    report["listing_url"] = json!(listing);
    report.as_object_mut().expect("object").remove("email");
    let response = app.post_report_json(&report).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    let field = |name: &str| body[name].as_str().expect(name).to_owned();
    (field("id"), field("manage_token"))
}

async fn seller_page(app: &TestApp) -> String {
    let page = app.get(SELLER).await;
    assert_eq!(page.status(), 200);
    page.text().await.expect("page")
}

/// The ids of the seller's recent reports, as the public API lists them.
async fn seller_report_ids(app: &TestApp) -> Vec<String> {
    let seller: Value = app
        .get(&format!("/api/v1{SELLER}"))
        .await
        .json()
        .await
        .expect("json");
    seller["recent_reports"]
        .as_array()
        .expect("recent reports")
        .iter()
        .map(|r| r["id"].as_str().expect("id").to_owned())
        .collect()
}

/// The published reports the home page counts, and the seller's in the name search and on
/// the brand's page (the public JSON API).
async fn public_counts(app: &TestApp) -> [i64; 3] {
    let home = app.get("/").await.text().await.expect("home");
    let on_home = home
        .split("</strong> published reports")
        .next()
        .and_then(|before| before.rsplit("<strong>").next())
        .and_then(|count| count.parse().ok())
        .unwrap_or_else(|| panic!("no count of published reports on {home}"));
    let json = async |path: &str| -> Value { app.get(path).await.json().await.expect("json") };
    let search = json("/api/v1/sellers?q=luxury%20outlet").await;
    let brand = json("/api/v1/brands/louis-vuitton").await;
    [
        on_home,
        search["results"][0]["reports"]
            .as_i64()
            .expect("search count"),
        brand["reports"].as_i64().expect("brand count"),
    ]
}

/// The replica's lag in `/healthz`'s body.
fn seconds_behind(health: &str) -> f64 {
    health
        .strip_prefix("ok\nreplica: ")
        .and_then(|rest| rest.strip_suffix(" s behind"))
        .and_then(|seconds| seconds.parse().ok())
        .unwrap_or_else(|| panic!("no lag in {health:?}"))
}

/// A primary and (optionally) a streaming standby of it, run from the local PostgreSQL
/// binaries in a temporary directory; stopped and removed on drop, a failed test included.
struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    /// PostgreSQL refuses to run as root: then its commands run as the `postgres` user.
    as_postgres: bool,
    primary_port: u16,
    standby_port: u16,
}

impl Cluster {
    fn start() -> Cluster {
        let cluster = Cluster::start_primary_only();
        cluster.run(
            "pg_basebackup",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &cluster.primary_port.to_string(),
                "-U",
                "postgres",
                "-D",
                &cluster.path("standby"),
                "-R",
                "-X",
                "stream",
                "--checkpoint=fast",
            ],
        );
        // The copied settings are the primary's: the standby listens on a port of its own.
        cluster.append(
            "standby/postgresql.conf",
            &format!("port = {}\n", cluster.standby_port),
        );
        cluster.pg_ctl_start("standby");
        cluster
    }

    fn start_primary_only() -> Cluster {
        let bin = server_binaries();
        let as_postgres = running_as_root();
        let dir = std::env::temp_dir().join(format!(
            "fakewatch_cluster_{}",
            fakewatch::security::random_token(9).to_lowercase()
        ));
        std::fs::create_dir(&dir).expect("make the cluster's directory");
        if as_postgres {
            let chown = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(&dir)
                .output()
                .expect("chown");
            assert!(chown.status.success(), "chown: {chown:?}");
        }
        let cluster = Cluster {
            bin,
            dir,
            as_postgres,
            primary_port: free_port(),
            standby_port: free_port(),
        };
        cluster.run(
            "initdb",
            &[
                "-D",
                &cluster.path("primary"),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
            ],
        );
        // Small and quick: a replication connection from loopback, the sockets in our own
        // directory, no fsync (the data is thrown away).
        cluster.append(
            "primary/postgresql.conf",
            &format!(
                "port = {}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\n\
                 wal_level = replica\nmax_wal_senders = 4\nfsync = off\n\
                 synchronous_commit = off\nshared_buffers = 16MB\n",
                cluster.primary_port,
                cluster.dir.display()
            ),
        );
        cluster.append(
            "primary/pg_hba.conf",
            "host replication all 127.0.0.1/32 trust\n",
        );
        cluster.pg_ctl_start("primary");
        cluster
    }

    fn path(&self, name: &str) -> String {
        self.dir.join(name).display().to_string()
    }

    fn primary_url(&self, database: &str) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{}/{database}",
            self.primary_port
        )
    }

    fn standby_url(&self, database: &str) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{}/{database}",
            self.standby_port
        )
    }

    /// Runs one of PostgreSQL's programs, as `postgres` when we are root; panics with its
    /// output when it fails.
    fn run(&self, program: &str, args: &[&str]) -> Output {
        let output = self.command(program, args).output().expect(program);
        assert!(
            output.status.success(),
            "{program} {args:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    fn command(&self, program: &str, args: &[&str]) -> Command {
        let program = self.bin.join(program);
        let mut command = if self.as_postgres {
            let mut runuser = Command::new("runuser");
            runuser.args(["-u", "postgres", "--"]).arg(program);
            runuser
        } else {
            Command::new(program)
        };
        command.args(args).current_dir(&self.dir);
        command
    }

    /// Appends to a file of the cluster (rewriting it in place keeps its owner).
    fn append(&self, file: &str, text: &str) {
        let path = self.dir.join(file);
        let mut existing = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        existing.push_str(text);
        std::fs::write(&path, existing).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    fn pg_ctl_start(&self, node: &str) {
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.path(node),
                "-l",
                &self.path(&format!("{node}.log")),
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
    }

    fn pg_ctl_stop(&self, node: &str) {
        if Path::new(&self.path(&format!("{node}/postmaster.pid"))).exists() {
            let _ = self
                .command(
                    "pg_ctl",
                    &["-D", &self.path(node), "-m", "immediate", "-w", "stop"],
                )
                .output();
        }
    }

    fn stop_standby(&self) {
        self.pg_ctl_stop("standby");
    }

    async fn standby(&self) -> PgConnection {
        PgConnection::connect(&self.standby_url("postgres"))
            .await
            .expect("connect to the standby")
    }

    /// Waits until the standby has replayed everything the primary has written so far.
    async fn wait_for_replay(&self) {
        let mut primary = PgConnection::connect(&self.primary_url("postgres"))
            .await
            .expect("connect to the primary");
        let written: String = sqlx::query_scalar("select pg_current_wal_lsn()::text")
            .fetch_one(&mut primary)
            .await
            .expect("primary's position");
        let mut standby = self.standby().await;
        let start = Instant::now();
        loop {
            let replayed: bool =
                sqlx::query_scalar("select pg_last_wal_replay_lsn() >= $1::text::pg_lsn")
                    .bind(&written)
                    .fetch_one(&mut standby)
                    .await
                    .expect("standby's position");
            if replayed {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the standby did not replay up to {written} within 30 s"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn pause_replay(&self) {
        let mut standby = self.standby().await;
        sqlx::query("select pg_wal_replay_pause()")
            .execute(&mut standby)
            .await
            .expect("pause replay");
        let start = Instant::now();
        loop {
            let state: String = sqlx::query_scalar("select pg_get_wal_replay_pause_state()")
                .fetch_one(&mut standby)
                .await
                .expect("pause state");
            if state == "paused" {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "replay never paused"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn resume_replay(&self) {
        sqlx::query("select pg_wal_replay_resume()")
            .execute(&mut self.standby().await)
            .await
            .expect("resume replay");
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.pg_ctl_stop("standby");
        self.pg_ctl_stop("primary");
        if std::thread::panicking() {
            for log in ["primary.log", "standby.log"] {
                if let Ok(text) = std::fs::read_to_string(self.dir.join(log)) {
                    eprintln!("--- {log} ---\n{text}");
                }
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The newest `/usr/lib/postgresql/<version>/bin` (Debian's layout) that has the server.
fn server_binaries() -> PathBuf {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin).expect(
        "the replica tests run PostgreSQL's own server programs (initdb, pg_ctl, \
         pg_basebackup) from /usr/lib/postgresql/<version>/bin: apt-get install postgresql",
    )
}

fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}
