//! A real SMTP server for the mail tests: aiosmtpd (`smtp_sink.py`) in a child process,
//! keeping what it accepts in a Maildir; and a reader for the mails it (or the outbox) holds.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use base64::Engine;
use fakewatch::security::random_token;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// What to install when aiosmtpd is missing.
const INSTALL_HINT: &str = "the mail tests need aiosmtpd for /usr/bin/python3: \
    `apt-get install python3-aiosmtpd` (Debian, Ubuntu), or `pip install aiosmtpd` for the \
    Python named by FAKEWATCH_TEST_PYTHON";

/// A Python that has aiosmtpd: FAKEWATCH_TEST_PYTHON, else /usr/bin/python3 (where Debian's
/// package puts it), else `python3` on PATH.
fn python() -> &'static str {
    static PYTHON: OnceLock<Option<String>> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let candidates = std::env::var("FAKEWATCH_TEST_PYTHON")
                .into_iter()
                .chain(["/usr/bin/python3".to_owned(), "python3".to_owned()]);
            candidates.into_iter().find(|python| {
                std::process::Command::new(python)
                    .args(["-c", "import aiosmtpd"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|status| status.success())
            })
        })
        .as_deref()
        .unwrap_or_else(|| panic!("{INSTALL_HINT}"))
}

/// How the server is to behave.
#[derive(Debug, Clone, Default)]
pub struct SinkOptions {
    /// Offer STARTTLS with this certificate and key (PEM files), and refuse mail without it.
    pub starttls: Option<(PathBuf, PathBuf)>,
    /// Require AUTH with this user name and password (over TLS when `starttls` is set).
    pub auth: Option<(String, String)>,
    /// Refuse every recipient with a 550 that quotes the address.
    pub reject_recipients: bool,
    /// Wait this long before accepting each mail's content, as a busy server does.
    pub slow: Option<Duration>,
}

/// aiosmtpd listening on 127.0.0.1; killed when dropped.
pub struct SmtpSink {
    pub port: u16,
    dir: PathBuf,
    child: Child,
}

impl SmtpSink {
    /// A server on a free port.
    pub async fn start(options: SinkOptions) -> SmtpSink {
        Self::start_on(free_port(), options).await
    }

    /// A server on `port` (say, one an app has been failing to reach).
    pub async fn start_on(port: u16, options: SinkOptions) -> SmtpSink {
        let dir = std::env::temp_dir().join(format!("fakewatch_smtp_{}", random_token(6)));
        std::fs::create_dir_all(&dir).expect("sink dir");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api/smtp_sink.py");
        let mut command = Command::new(python());
        command.arg(script).arg(port.to_string()).arg(&dir);
        if let Some((cert, key)) = &options.starttls {
            command.arg("--starttls").arg(cert).arg(key);
        }
        if let Some((user, password)) = &options.auth {
            command.arg("--auth").arg(format!("{user}:{password}"));
        }
        if options.reject_recipients {
            command.arg("--reject-recipients");
        }
        if let Some(slow) = options.slow {
            command.arg("--slow").arg(slow.as_secs_f64().to_string());
        }
        let stderr = std::fs::File::create(dir.join("stderr.log")).expect("log file");
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(stderr)
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}; {INSTALL_HINT}", python()));
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let ready = tokio::time::timeout(Duration::from_secs(15), lines.next_line()).await;
        if !matches!(ready, Ok(Ok(Some(ref line))) if line == "ready") {
            let log = std::fs::read_to_string(dir.join("stderr.log")).unwrap_or_default();
            panic!("the SMTP sink did not start on port {port}: {ready:?}\n{log}");
        }
        SmtpSink { port, dir, child }
    }

    /// `smtp://127.0.0.1:<port>`, plain SMTP.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The mails accepted so far, oldest first.
    pub fn mails(&self) -> Vec<Mail> {
        let mut files = crate::helpers::files_under(&self.dir.join("maildir/new"));
        files.sort_by_key(|path| std::fs::metadata(path).and_then(|m| m.modified()).ok());
        files
            .iter()
            .map(|path| Mail::parse(&std::fs::read(path).expect("maildir file")))
            .collect()
    }

    /// Waits until `count` mails have arrived, and returns them; panics after `within`.
    pub async fn wait_for_mails(&self, count: usize, within: Duration) -> Vec<Mail> {
        let start = Instant::now();
        loop {
            let mails = self.mails();
            if mails.len() >= count {
                return mails;
            }
            if start.elapsed() > within {
                let log = std::fs::read_to_string(self.dir.join("stderr.log")).unwrap_or_default();
                panic!(
                    "{} of {count} mails arrived within {within:?}; server log:\n{log}",
                    mails.len()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// One line per AUTH attempt: `ok tls`, `ok plain`, `failed tls` or `failed plain`.
    pub fn auth_attempts(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.join("auth.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A port nothing listens on (free a moment ago).
pub fn free_port() -> u16 {
    let socket = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    socket.local_addr().expect("address").port()
}

/// A mail as a person reads it: headers, and the body decoded from its transfer encoding.
#[derive(Debug, Clone)]
pub struct Mail {
    headers: Vec<(String, String)>,
    pub body: String,
}

impl Mail {
    pub fn parse(raw: &[u8]) -> Mail {
        let raw = String::from_utf8_lossy(raw).replace("\r\n", "\n");
        let (head, body) = raw.split_once("\n\n").unwrap_or((&raw, ""));
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in head.lines() {
            match (line.starts_with([' ', '\t']), headers.last_mut()) {
                (true, Some((_, value))) => value.push_str(line),
                _ => {
                    let (name, value) = line.split_once(':').unwrap_or((line, ""));
                    headers.push((name.trim().to_owned(), value.trim().to_owned()));
                }
            }
        }
        let mut mail = Mail {
            headers,
            body: String::new(),
        };
        let encoding = mail.header("content-transfer-encoding").unwrap_or_default();
        let bytes = match encoding.to_ascii_lowercase().as_str() {
            "quoted-printable" => {
                quoted_printable::decode(body, quoted_printable::ParseMode::Robust)
                    .expect("quoted-printable body")
            }
            "base64" => base64::engine::general_purpose::STANDARD
                .decode(body.split_whitespace().collect::<String>())
                .expect("base64 body"),
            _ => body.as_bytes().to_vec(),
        };
        mail.body = String::from_utf8(bytes)
            .expect("UTF-8 body")
            .replace("\r\n", "\n");
        mail
    }

    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.clone())
    }

    /// The token in the mail's `{base}/confirm/{token}` link.
    pub fn confirmation_token(&self, base: &str) -> String {
        let prefix = format!("{base}/confirm/");
        let start = self
            .body
            .find(&prefix)
            .unwrap_or_else(|| panic!("no {prefix} link in:\n{}", self.body))
            + prefix.len();
        self.body[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
            .collect()
    }
}

/// A throwaway private CA and a server certificate it signed for 127.0.0.1, made with the
/// openssl command; the files are deleted when dropped.
pub struct TestCa {
    dir: PathBuf,
}

impl TestCa {
    pub fn generate() -> TestCa {
        let dir = std::env::temp_dir().join(format!("fakewatch_ca_{}", random_token(6)));
        std::fs::create_dir_all(&dir).expect("ca dir");
        std::fs::write(
            dir.join("server.ext"),
            "subjectAltName=IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\n\
             keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
        )
        .expect("extensions file");
        let key = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
        ];
        openssl(
            &dir,
            &[
                &["req", "-x509"],
                &key[..],
                &["-keyout", "ca.key", "-out", "ca.pem"],
                &["-days", "2", "-subj", "/CN=Fakewatch test CA"],
            ],
        );
        openssl(
            &dir,
            &[
                &["req"],
                &key[..],
                &["-keyout", "server.key", "-out", "server.csr"],
                &["-subj", "/CN=127.0.0.1"],
            ],
        );
        openssl(
            &dir,
            &[
                &["x509", "-req", "-in", "server.csr", "-CA", "ca.pem"],
                &["-CAkey", "ca.key", "-set_serial", "1", "-days", "2"],
                &["-extfile", "server.ext", "-out", "server.pem"],
            ],
        );
        TestCa { dir }
    }

    /// The CA certificate, for FAKEWATCH_SMTP_CA_FILE.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    /// The server's certificate and key, for the sink's STARTTLS.
    pub fn server_files(&self) -> (PathBuf, PathBuf) {
        (self.dir.join("server.pem"), self.dir.join("server.key"))
    }
}

impl Drop for TestCa {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn openssl(dir: &Path, args: &[&[&str]]) {
    let args: Vec<&str> = args.concat();
    let output = std::process::Command::new("openssl")
        .args(&args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("the TLS mail test needs the openssl command: {e}"));
    assert!(
        output.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}
