//! Settings: every one a command-line flag with an environment variable and a default that
//! lets the service run with nothing set.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::domain::client::TrustedProxies;
use crate::security::{SecretString, UrlWithPassword};

/// `fakewatch [serve|migrate|demo-data|rights-holder|purge …]`.
#[derive(Debug, Parser)]
#[command(
    name = "fakewatch",
    version,
    about = "Report and look up counterfeit listings"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Create and migrate the database, then serve HTTP (the default).
    Serve,
    /// Create and migrate the database, then exit.
    Migrate,
    /// Fill an empty, freshly migrated database with synthetic reports (development, benchmarks).
    DemoData {
        /// Reports to generate; sellers (~1/10), listings (~1/3) and brands follow from it.
        #[arg(long, default_value_t = 100_000)]
        reports: u64,
        /// The same seed gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Exit 0 when the server on FAKEWATCH_LISTEN answers 200 on /healthz (for containers).
    Healthcheck,
    /// Delete reporters' personal data that has outlived its retention (FAKEWATCH_RETAIN_*)
    /// and print what went; for cron, any time, as often as you like (docs/privacy.md).
    Purge,
    /// Manage rights holders (brand owners) and their API tokens for takedown lists.
    #[command(subcommand)]
    RightsHolder(RightsHolderCommand),
    /// Manage moderators, who verify and reject reports at /moderation.
    #[command(subcommand)]
    Moderator(ModeratorCommand),
    /// Check or rebuild the summaries the public pages read (counts, reputation inputs),
    /// which every write keeps current.
    #[command(subcommand)]
    Summaries(SummariesCommand),
    /// Internal: clean one PDF from stdin to stdout under resource limits. The server runs this
    /// as a child process for each PDF upload (see `evidence::pdf_worker`).
    #[command(hide = true)]
    PdfClean(crate::evidence::pdf_worker::WorkerArgs),
}

#[derive(Debug, Clone, Copy, Subcommand)]
pub enum SummariesCommand {
    /// Recompute every summary from the reports and compare; list the differences and exit 1
    /// when there are any.
    Check,
    /// Replace every summary with its recomputation (writes wait while it runs).
    Rebuild,
}

#[derive(Debug, Clone, Subcommand)]
pub enum RightsHolderCommand {
    /// Create a rights holder scoped to some brands and print its first API token (once).
    Add {
        /// The organisation's name, e.g. "Acme Corp".
        #[arg(long)]
        name: String,
        /// A brand the holder may export; repeat for several. Created if nobody reported it yet.
        #[arg(long = "brand", required = true)]
        brands: Vec<String>,
        /// A note on what the token is for, e.g. "nightly sync".
        #[arg(long)]
        label: Option<String>,
    },
    /// Issue another API token for a holder and print it (once).
    Token {
        /// The holder's slug, as `rights-holder list` shows it.
        #[arg(long)]
        holder: String,
        #[arg(long)]
        label: Option<String>,
    },
    /// Revoke a token, by its id (as `list` shows it) or the whole token.
    Revoke {
        /// Token id, e.g. 3f9a0c12de, or the token itself.
        token: String,
    },
    /// Add brands to a holder's scope.
    Grant {
        #[arg(long)]
        holder: String,
        #[arg(long = "brand", required = true)]
        brands: Vec<String>,
    },
    /// Show holders, their brands, tokens and latest exports.
    List {
        /// Latest exports shown per holder.
        #[arg(long, default_value_t = 5)]
        exports: i64,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum ModeratorCommand {
    /// Create a moderator. Asks for the password on the terminal (twice), or reads one line
    /// from standard input with --password-stdin.
    Add {
        /// The address the moderator signs in with.
        #[arg(long)]
        email: String,
        /// Admins also add and disable moderators from the web.
        #[arg(long)]
        admin: bool,
        /// Read the password from the first line of standard input (for scripts).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Show every moderator, with their role and whether they are disabled.
    List,
    /// Disable a moderator: they can no longer sign in, and their sessions end at once.
    Disable {
        /// The moderator's email.
        email: String,
    },
}

/// Everything the service needs to know about its surroundings. Secrets are held in types
/// whose `Debug` hides them ([`SecretString`], [`UrlWithPassword`]), so that the derived
/// `Debug` can log the whole config, a setting added later included.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// PostgreSQL connection URL; the database is created if it does not exist.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "postgres://localhost/fakewatch",
        hide_env_values = true,
        global = true
    )]
    pub database_url: UrlWithPassword,

    /// A streaming replica of that database, for public reads (home, seller and brand pages,
    /// search, feeds); writes and the pages that show a visitor their own writes stay on
    /// DATABASE_URL. Unset: everything reads the primary.
    #[arg(
        long,
        env = "FAKEWATCH_DATABASE_REPLICA_URL",
        hide_env_values = true,
        global = true
    )]
    pub database_replica_url: Option<UrlWithPassword>,

    /// Address to listen on.
    #[arg(
        long,
        env = "FAKEWATCH_LISTEN",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub listen: SocketAddr,

    /// Directory for evidence files and the generated secret.
    #[arg(
        long,
        env = "FAKEWATCH_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,

    /// Directory of the stylesheets and images served under /static.
    #[arg(
        long,
        env = "FAKEWATCH_STATIC_DIR",
        default_value = "static",
        global = true
    )]
    pub static_dir: PathBuf,

    /// Keep evidence in S3-compatible storage (`s3://bucket/prefix`) instead of the data dir.
    /// Credentials and endpoint come from the usual `AWS_*` variables.
    #[arg(long, env = "FAKEWATCH_EVIDENCE_STORE", global = true)]
    pub evidence_store: Option<String>,

    /// Key for CSRF tokens and signed links; generated and kept in the data dir when unset.
    #[arg(long, env = "FAKEWATCH_SECRET", hide_env_values = true, global = true)]
    pub secret: Option<SecretString>,

    /// Absolute base URL for links (default: http://<listen address>).
    #[arg(long, env = "FAKEWATCH_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// Largest accepted evidence file, in bytes.
    #[arg(long, env = "FAKEWATCH_MAX_EVIDENCE_BYTES", default_value_t = 10 * 1024 * 1024, global = true)]
    pub max_evidence_bytes: usize,

    /// Most evidence files one report may carry.
    #[arg(
        long,
        env = "FAKEWATCH_MAX_EVIDENCE_FILES",
        default_value_t = 10,
        global = true
    )]
    pub max_evidence_files: usize,

    /// Largest accepted image, in pixels (width × height); stops decompression bombs.
    #[arg(
        long,
        env = "FAKEWATCH_MAX_IMAGE_PIXELS",
        default_value_t = 40_000_000,
        global = true
    )]
    pub max_image_pixels: u64,

    /// Images processed at once, on threads off the async runtime (default: CPU count). PDFs
    /// count too: each is cleaned in a worker process, at most this many at once.
    #[arg(long, env = "FAKEWATCH_IMAGE_WORKERS", global = true)]
    pub image_workers: Option<usize>,

    /// The executable run to clean PDFs (`<it> pdf-clean`); default: this program.
    #[arg(long, env = "FAKEWATCH_PDF_WORKER", global = true)]
    pub pdf_worker: Option<PathBuf>,

    /// Seconds one PDF may take to clean; the worker process is killed a second later.
    #[arg(
        long,
        env = "FAKEWATCH_PDF_TIMEOUT_SECS",
        default_value_t = 10,
        global = true
    )]
    pub pdf_timeout_secs: u64,

    /// Address space of each PDF worker process, in MiB. Past it the PDF is refused.
    #[arg(
        long,
        env = "FAKEWATCH_PDF_MEMORY_MIB",
        default_value_t = 512,
        global = true
    )]
    pub pdf_memory_mib: u64,

    /// Database connections in the pool. Small pools give lower tail latency on few cores.
    #[arg(
        long,
        env = "FAKEWATCH_DB_CONNECTIONS",
        default_value_t = 8,
        global = true
    )]
    pub db_connections: u32,

    /// Seconds to wait for a database connection before answering 503.
    #[arg(
        long,
        env = "FAKEWATCH_DB_TIMEOUT_SECS",
        default_value_t = 5,
        global = true
    )]
    pub db_timeout_secs: u64,

    /// Seconds a request may take before it is answered 408.
    #[arg(
        long,
        env = "FAKEWATCH_REQUEST_TIMEOUT_SECS",
        default_value_t = 60,
        global = true
    )]
    pub request_timeout_secs: u64,

    /// Seconds a new connection has to send its first request's headers before it is closed.
    #[arg(
        long,
        env = "FAKEWATCH_HEADER_TIMEOUT_SECS",
        default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(1..),
        global = true
    )]
    pub header_timeout_secs: u64,

    /// Seconds a kept-alive connection may wait for its next request's headers before it is
    /// closed.
    #[arg(
        long,
        env = "FAKEWATCH_IDLE_TIMEOUT_SECS",
        default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..),
        global = true
    )]
    pub idle_timeout_secs: u64,

    /// Connections open at once; beyond it, the one idle longest (no request in progress) is
    /// closed to make room, or, if all have a request, a new one waits for one to end. Keep it
    /// well below the open-files limit (`ulimit -n`).
    #[arg(
        long,
        env = "FAKEWATCH_MAX_CONNECTIONS",
        default_value_t = 512,
        value_parser = clap::value_parser!(u32).range(1..),
        global = true
    )]
    pub max_connections: u32,

    /// Connections open at once from one IPv4 address or IPv6 /64; beyond it, new ones are
    /// answered 503 and closed. 0: no such cap (behind a reverse proxy, which is one address).
    #[arg(
        long,
        env = "FAKEWATCH_MAX_CONNECTIONS_PER_IP",
        default_value_t = 64,
        global = true
    )]
    pub max_connections_per_ip: u32,

    /// How long the signed evidence links in takedown exports work, in hours.
    #[arg(
        long,
        env = "FAKEWATCH_EVIDENCE_LINK_HOURS",
        default_value_t = 168,
        global = true
    )]
    pub evidence_link_hours: u64,

    /// Longest a database statement of a web request may run, in seconds (`statement_timeout`);
    /// past it the request is answered 503. Exports have their own limit.
    #[arg(
        long,
        env = "FAKEWATCH_STATEMENT_TIMEOUT_SECS",
        default_value_t = 10,
        global = true
    )]
    pub statement_timeout_secs: u64,

    /// Takedown exports one rights holder may run at once.
    #[arg(
        long,
        env = "FAKEWATCH_EXPORTS_PER_HOLDER",
        default_value_t = 2,
        global = true
    )]
    pub exports_per_holder: usize,

    /// Longest one takedown export may take, in seconds, however slowly its client reads.
    #[arg(
        long,
        env = "FAKEWATCH_EXPORT_MAX_SECS",
        default_value_t = 1800,
        global = true
    )]
    pub export_max_secs: u64,

    /// Evidence bytes all uploads in progress may hold in memory together; beyond it, new
    /// uploads are answered 503 with Retry-After.
    #[arg(
        long,
        env = "FAKEWATCH_UPLOAD_MEMORY_BYTES",
        default_value_t = 256 * 1024 * 1024,
        global = true
    )]
    pub upload_memory_bytes: usize,

    /// Proxies whose X-Forwarded-For is believed: comma-separated CIDRs or addresses
    /// (e.g. `10.0.0.0/8,127.0.0.1`). Empty: the socket's peer is the client.
    #[arg(
        long,
        env = "FAKEWATCH_TRUSTED_PROXIES",
        default_value = "",
        hide_default_value = true,
        value_parser = TrustedProxies::parse,
        global = true
    )]
    pub trusted_proxies: TrustedProxies,

    /// Reports (filing attempts) one client may send per hour; a client is an IPv4 address or
    /// an IPv6 /64. 0: no limit.
    #[arg(
        long,
        env = "FAKEWATCH_RATE_LIMIT_REPORTS",
        default_value_t = 30,
        global = true
    )]
    pub rate_limit_reports: u32,

    /// Seller searches and lookups one client may make per minute. 0: no limit.
    #[arg(
        long,
        env = "FAKEWATCH_RATE_LIMIT_SEARCH",
        default_value_t = 120,
        global = true
    )]
    pub rate_limit_search: u32,

    /// Failed sign-ins to one moderator account per 15 minutes, after which it is refused
    /// sign-in (429) until the count decays. 0: no limit.
    #[arg(
        long,
        env = "FAKEWATCH_LOGIN_FAILURES_PER_ACCOUNT",
        default_value_t = 5,
        global = true
    )]
    pub login_failures_per_account: u32,

    /// Failed moderator sign-ins from one client (address or IPv6 /64) per 15 minutes.
    /// 0: no limit.
    #[arg(
        long,
        env = "FAKEWATCH_LOGIN_FAILURES_PER_CLIENT",
        default_value_t = 20,
        global = true
    )]
    pub login_failures_per_client: u32,

    /// Hours a moderator's session lasts from sign-in.
    #[arg(
        long,
        env = "FAKEWATCH_MODERATOR_SESSION_HOURS",
        default_value_t = 12,
        value_parser = clap::value_parser!(u32).range(1..=720),
        global = true
    )]
    pub moderator_session_hours: u32,

    /// Days an email address that was never confirmed stays on its reports (`fakewatch
    /// purge`); then they stay public as anonymous reports.
    #[arg(
        long,
        env = "FAKEWATCH_RETAIN_UNCONFIRMED_DAYS",
        default_value_t = 30,
        global = true
    )]
    pub retain_unconfirmed_days: u32,

    /// Days a withdrawn report keeps its personal data (address, order details, text,
    /// evidence) after its withdrawal, and a rejected or replaced seller's reply its author's
    /// contact address after that decision (`fakewatch purge`).
    #[arg(
        long,
        env = "FAKEWATCH_RETAIN_WITHDRAWN_DAYS",
        default_value_t = 30,
        global = true
    )]
    pub retain_withdrawn_days: u32,

    /// Days rights holders' export log is kept (`fakewatch purge`).
    #[arg(
        long,
        env = "FAKEWATCH_RETAIN_EXPORT_LOG_DAYS",
        default_value_t = 365,
        global = true
    )]
    pub retain_export_log_days: u32,

    /// SMTP server for outgoing mail: `smtp://host:25` (plain), `smtp://user:pass@host:587`
    /// (STARTTLS, required with a password), `smtps://user:pass@host:465` (TLS). Unset: mails
    /// are written as .eml files to `<data dir>/outbox/`.
    #[arg(
        long,
        env = "FAKEWATCH_SMTP_URL",
        hide_env_values = true,
        global = true
    )]
    pub smtp_url: Option<UrlWithPassword>,

    /// PEM file of CA certificates to trust for the SMTP server's TLS, besides the system's
    /// (a relay with a certificate from a private CA).
    #[arg(long, env = "FAKEWATCH_SMTP_CA_FILE", global = true)]
    pub smtp_ca_file: Option<PathBuf>,

    /// Sender of outgoing mail, as a mailbox: `Name <address>` or a bare address.
    #[arg(
        long,
        env = "FAKEWATCH_MAIL_FROM",
        default_value = "Fakewatch <noreply@localhost>",
        value_parser = parse_mailbox,
        global = true
    )]
    pub mail_from: lettre::message::Mailbox,

    /// Seconds before a mail the SMTP server did not take is tried again; the wait doubles at
    /// each failure, up to an hour.
    #[arg(
        long,
        env = "FAKEWATCH_MAIL_RETRY_SECS",
        default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..=3600),
        global = true
    )]
    pub mail_retry_secs: u64,
}

/// FAKEWATCH_MAIL_FROM, checked when the settings are read.
fn parse_mailbox(raw: &str) -> Result<lettre::message::Mailbox, String> {
    raw.parse().map_err(|e| {
        format!("{e}: expected a mailbox such as `Fakewatch <noreply@fakewatch.example>`")
    })
}

impl Config {
    /// The base for absolute links, without a trailing slash.
    pub fn public_base(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.listen),
        }
    }

    /// The limit of a bucket of `domain::rate_limit`, per its window (0: none).
    pub fn rate_limit(&self, bucket: crate::domain::rate_limit::Bucket) -> u32 {
        match bucket {
            crate::domain::rate_limit::Bucket::Reports => self.rate_limit_reports,
            crate::domain::rate_limit::Bucket::Searches => self.rate_limit_search,
            crate::domain::rate_limit::Bucket::LoginAccount => self.login_failures_per_account,
            crate::domain::rate_limit::Bucket::LoginClient => self.login_failures_per_client,
        }
    }

    /// Image workers, defaulting to the number of CPUs.
    pub fn image_workers(&self) -> usize {
        self.image_workers
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
            .max(1)
    }

    /// Bytes a whole report upload may take: every file at its limit plus room for fields.
    pub fn max_request_bytes(&self) -> usize {
        self.max_evidence_bytes
            .saturating_mul(self.max_evidence_files)
            .saturating_add(1024 * 1024)
    }

    /// The database URL with any password replaced, fit for logs and error messages.
    pub fn redacted_database_url(&self) -> String {
        self.database_url.redacted()
    }

    /// The replica's URL with any password replaced, fit for logs and error messages.
    pub fn redacted_replica_url(&self) -> Option<String> {
        self.database_replica_url
            .as_ref()
            .map(UrlWithPassword::redacted)
    }

    /// The SMTP URL with any password replaced, fit for logs and error messages.
    pub fn redacted_smtp_url(&self) -> Option<String> {
        self.smtp_url.as_ref().map(UrlWithPassword::redacted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_password_is_redacted() {
        let cli = Cli::try_parse_from([
            "fakewatch",
            "--database-url",
            "postgres://app:hunter2@db:5432/fakewatch",
        ])
        .expect("parses");
        assert_eq!(
            cli.config.redacted_database_url(),
            "postgres://app:***@db:5432/fakewatch"
        );
        assert_eq!(
            cli.config.database_url.expose(),
            "postgres://app:hunter2@db:5432/fakewatch"
        );
        let shown = format!("{:?}", cli.config);
        assert!(
            shown.contains("postgres://app:***@db:5432/fakewatch"),
            "{shown}"
        );
        assert!(!shown.contains("hunter2"), "{shown}");
        assert_eq!(
            Cli::try_parse_from(["fakewatch"])
                .expect("parses")
                .config
                .redacted_database_url(),
            "postgres://localhost/fakewatch"
        );
    }

    #[test]
    fn a_config_full_of_secrets_shows_none_of_them_in_debug() {
        let cli = Cli::try_parse_from([
            "fakewatch",
            "--database-url",
            "postgres://app:db-pass-1f3a@db:5432/fakewatch",
            "--secret",
            "server-key-9c8b7a6d5e4f3a2b1c0d9e8f7a6b5c4d",
            "--smtp-url",
            "smtp://mailer:smtp-pass-77e2@mail.example:587",
            "--evidence-store",
            "s3://evidence/fakewatch",
            "--database-replica-url",
            "postgres://reader:replica-pass-5d1c@replica:5432/fakewatch",
        ])
        .expect("parses");
        let shown = format!("{:?}", cli.config);
        for secret in [
            "db-pass-1f3a",
            "server-key-9c8b",
            "smtp-pass-77e2",
            "replica-pass-5d1c",
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        // Still a useful picture of the settings: which servers, and that a secret is set.
        for shape in [
            "postgres://app:***@db:5432/fakewatch",
            "smtp://mailer:***@mail.example:587",
            "postgres://reader:***@replica:5432/fakewatch",
            "secret: Some([redacted])",
            "s3://evidence/fakewatch",
            "mail_retry_secs: 30",
        ] {
            assert!(shown.contains(shape), "{shape} not in {shown}");
        }
        let pretty = format!("{:#?}", cli.config);
        for secret in [
            "db-pass-1f3a",
            "server-key-9c8b",
            "smtp-pass-77e2",
            "replica-pass-5d1c",
        ] {
            assert!(!pretty.contains(secret), "{secret} in {pretty}");
        }
    }

    #[test]
    fn smtp_password_is_redacted_in_debug() {
        let cli = Cli::try_parse_from([
            "fakewatch",
            "--smtp-url",
            "smtps://mailer:s3cr%40t@mail.example:465",
        ])
        .expect("parses");
        let shown = format!("{:?}", cli.config);
        assert!(
            shown.contains("smtps://mailer:***@mail.example:465"),
            "{shown}"
        );
        assert!(!shown.contains("s3cr"), "{shown}");
    }

    #[test]
    fn mail_from_must_be_a_mailbox() {
        let cli = Cli::try_parse_from(["fakewatch", "--mail-from", "Fakewatch <fw@example.org>"])
            .expect("parses");
        assert_eq!(cli.config.mail_from.email.to_string(), "fw@example.org");
        let error = Cli::try_parse_from(["fakewatch", "--mail-from", "not an address"])
            .expect_err("refused")
            .to_string();
        assert!(error.contains("--mail-from"), "{error}");
        assert!(error.contains("expected a mailbox"), "{error}");
    }

    #[test]
    fn defaults_need_no_settings() {
        let cli = Cli::try_parse_from(["fakewatch"]).expect("parses with no arguments");
        assert!(cli.command.is_none());
        assert_eq!(cli.config.max_evidence_files, 10);
        assert!(cli.config.trusted_proxies.as_slice().is_empty());
        assert_eq!(cli.config.rate_limit_reports, 30);
        assert_eq!(cli.config.rate_limit_search, 120);
        assert_eq!(
            cli.config.public_base(),
            format!("http://{}", cli.config.listen)
        );
    }

    #[test]
    fn trusted_proxies_are_a_comma_separated_list() {
        let cli = Cli::try_parse_from(["fakewatch", "--trusted-proxies", "10.0.0.0/8, 127.0.0.1"])
            .expect("parses");
        let proxies: Vec<String> = cli
            .config
            .trusted_proxies
            .as_slice()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(proxies, ["10.0.0.0/8", "127.0.0.1/32"]);
    }

    #[test]
    fn a_bad_trusted_proxy_stops_startup_with_a_clear_error() {
        let err = Cli::try_parse_from(["fakewatch", "--trusted-proxies", "10.0.0.0/8,10.0.0/8"])
            .expect_err("refused");
        let message = err.to_string();
        assert!(message.contains("--trusted-proxies"), "{message}");
        assert!(
            message.contains("\"10.0.0/8\" is not a network"),
            "{message}"
        );
    }
}
