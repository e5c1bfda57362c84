//! A PostgreSQL primary and streaming standby of the test's own, from the local server
//! programs, in a temporary directory on free ports.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use sqlx::{Connection, PgConnection};

/// A primary and (optionally) a streaming standby of it, run from the local PostgreSQL
/// binaries in a temporary directory; stopped and removed on drop, a failed test included.
pub struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    /// PostgreSQL refuses to run as root: then its commands run as the `postgres` user.
    as_postgres: bool,
    primary_port: u16,
    standby_port: u16,
}

impl Cluster {
    pub fn start() -> Cluster {
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

    pub fn start_primary_only() -> Cluster {
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

    /// The directory that holds both servers' data, removed on drop.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, name: &str) -> String {
        self.dir.join(name).display().to_string()
    }

    pub fn primary_url(&self, database: &str) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{}/{database}",
            self.primary_port
        )
    }

    pub fn standby_url(&self, database: &str) -> String {
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

    pub fn stop_standby(&self) {
        self.pg_ctl_stop("standby");
    }

    async fn standby(&self) -> PgConnection {
        PgConnection::connect(&self.standby_url("postgres"))
            .await
            .expect("connect to the standby")
    }

    /// Waits until the standby has replayed everything the primary has written so far.
    pub async fn wait_for_replay(&self) {
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

    pub async fn pause_replay(&self) {
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

    pub async fn resume_replay(&self) {
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
