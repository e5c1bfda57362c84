//! Outgoing mail: the transport (an SMTP server, or `.eml` files in the outbox directory when
//! none is configured), the confirmation mail, and the sender that works through the queue
//! in PostgreSQL (`db::mail`).

pub mod confirmation;
pub mod sender;
pub mod smtp_url;

use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Config;
use smtp_url::{Security, SmtpUrl};

/// The directory under the data dir that takes mails when no SMTP server is configured.
pub const OUTBOX_DIR: &str = "outbox";

/// Connecting, and each SMTP command, may take this long before the attempt counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Why the mail settings were refused at start-up; messages never show the SMTP password.
#[derive(Debug, thiserror::Error)]
pub enum MailSetupError {
    #[error("FAKEWATCH_SMTP_URL {0}")]
    SmtpUrl(#[from] smtp_url::SmtpUrlError),
    #[error("cannot read FAKEWATCH_SMTP_CA_FILE {path}: {source}")]
    CaFile {
        path: String,
        source: std::io::Error,
    },
    #[error("FAKEWATCH_SMTP_CA_FILE {path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)")]
    CaFileEmpty { path: String },
    #[error(
        "FAKEWATCH_SMTP_CA_FILE is set, but no TLS is used: it applies to smtps:// URLs and to \
         smtp:// with a password or ?tls="
    )]
    CaFileUnused,
    #[error("cannot set up TLS for the SMTP server: {0}")]
    Tls(lettre::transport::smtp::Error),
    #[error("cannot create the outbox directory {path}: {source}")]
    Outbox {
        path: String,
        source: std::io::Error,
    },
}

/// A mail that did not go out; its text names no recipient (see [`scrub_addresses`]).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SendError(String);

/// Where mail goes, and whom it comes from. Cheap to clone; `Debug` shows no credentials.
#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

#[derive(Clone)]
enum Transport {
    Smtp {
        smtp: AsyncSmtpTransport<Tokio1Executor>,
        url: Box<SmtpUrl>,
    },
    Outbox {
        files: AsyncFileTransport<Tokio1Executor>,
        dir: PathBuf,
    },
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = f.debug_struct("Mailer");
        out.field("from", &self.from);
        match &self.transport {
            Transport::Smtp { url, .. } => out.field("smtp", url),
            Transport::Outbox { dir, .. } => out.field("outbox", dir),
        };
        out.finish()
    }
}

impl Mailer {
    /// The transport `FAKEWATCH_SMTP_URL` names, or the outbox directory when it is unset;
    /// says which in the log.
    pub fn from_config(config: &Config) -> Result<Mailer, MailSetupError> {
        let from = config.mail_from.clone();
        let Some(raw) = &config.smtp_url else {
            if config.smtp_ca_file.is_some() {
                return Err(MailSetupError::CaFileUnused);
            }
            let dir = config.data_dir.join(OUTBOX_DIR);
            create_private_dir(&dir).map_err(|source| MailSetupError::Outbox {
                path: dir.display().to_string(),
                source,
            })?;
            tracing::info!(
                dir = %dir.display(),
                "FAKEWATCH_SMTP_URL is not set: mails are written as .eml files to the outbox"
            );
            let files = AsyncFileTransport::new(&dir);
            return Ok(Mailer {
                from,
                transport: Transport::Outbox { files, dir },
            });
        };
        let url = SmtpUrl::parse(raw.expose())?;
        let ca = match &config.smtp_ca_file {
            Some(_) if url.security == Security::Plain => {
                return Err(MailSetupError::CaFileUnused);
            }
            Some(path) => Some(read_ca_file(path)?),
            None => None,
        };
        let smtp = smtp_transport(&url, ca.as_deref()).map_err(MailSetupError::Tls)?;
        tracing::info!(
            server = %format!("{}:{}", url.host, url.port),
            security = url.security.describe(),
            auth = url.credentials.is_some(),
            "mails go through SMTP"
        );
        Ok(Mailer {
            from,
            transport: Transport::Smtp {
                smtp,
                url: Box::new(url),
            },
        })
    }

    /// Whom mails come from (`FAKEWATCH_MAIL_FROM`).
    pub fn from(&self) -> &Mailbox {
        &self.from
    }

    /// Hands `message` to the SMTP server (or writes it to the outbox).
    pub async fn send(&self, message: Message) -> Result<(), SendError> {
        let recipients: Vec<String> = message
            .envelope()
            .to()
            .iter()
            .map(ToString::to_string)
            .collect();
        let result = match &self.transport {
            Transport::Smtp { smtp, .. } => {
                // lettre's timeout bounds each step; this bounds a server that answers slowly
                // at every step, well within the sender's lease on the mail.
                match tokio::time::timeout(SMTP_TIMEOUT * 2, smtp.send(message)).await {
                    Ok(sent) => sent.map(drop).map_err(|e| error_chain(&e)),
                    Err(_) => Err("the SMTP server took too long".to_owned()),
                }
            }
            Transport::Outbox { files, .. } => files
                .send(message)
                .await
                .map(drop)
                .map_err(|e| error_chain(&e)),
        };
        result.map_err(|text| SendError(scrub_addresses(&text, &recipients)))
    }
}

fn smtp_transport(
    url: &SmtpUrl,
    ca: Option<&[u8]>,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, lettre::transport::smtp::Error> {
    let tls_parameters = || {
        let mut builder = TlsParameters::builder(url.host.clone());
        if let Some(pem) = ca {
            builder = builder.add_root_certificate(Certificate::from_pem(pem)?);
        }
        builder.build_rustls()
    };
    let tls = match url.security {
        Security::Plain => Tls::None,
        Security::Opportunistic => Tls::Opportunistic(tls_parameters()?),
        Security::StartTls => Tls::Required(tls_parameters()?),
        Security::Tls => Tls::Wrapper(tls_parameters()?),
    };
    // Not lettre's `from_url`: it would send a password over plain SMTP (see smtp_url.rs).
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(url.host.as_str())
        .port(url.port)
        .tls(tls)
        .timeout(Some(SMTP_TIMEOUT));
    if let Some((user, password)) = &url.credentials {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    if let Some(name) = &url.hello_name {
        builder = builder.hello_name(ClientId::Domain(name.clone()));
    }
    Ok(builder.build())
}

fn read_ca_file(path: &Path) -> Result<Vec<u8>, MailSetupError> {
    let shown = || path.display().to_string();
    let pem = std::fs::read(path).map_err(|source| MailSetupError::CaFile {
        path: shown(),
        source,
    })?;
    // lettre reads a file without any certificate as an empty list, and would trust nothing
    // more than the system's CAs without a word.
    if !pem
        .windows(b"-----BEGIN CERTIFICATE-----".len())
        .any(|w| w == b"-----BEGIN CERTIFICATE-----")
    {
        return Err(MailSetupError::CaFileEmpty { path: shown() });
    }
    Ok(pem)
}

/// The outbox holds working confirmation links: readable by the service's user only.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// An error and its causes, as one line.
fn error_chain(error: &dyn std::error::Error) -> String {
    // lettre's Display already appends its source; only add causes it does not show.
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// `text` without email addresses: SMTP servers quote the recipient in their refusals
/// ("550 5.1.1 <name@example.org>: user unknown"), and addresses must never reach a log line
/// or the queue's `last_error`. Removes the given addresses wherever they appear, and any other
/// word with an `@` in it.
pub fn scrub_addresses(text: &str, addresses: &[String]) -> String {
    let mut text = text.to_owned();
    for address in addresses.iter().filter(|a| !a.is_empty()) {
        text = replace_case_insensitive(&text, address, "[address]");
    }
    text.split_inclusive(char::is_whitespace)
        .map(scrub_word)
        .collect()
}

/// A word with an `@` becomes `[address]`, keeping the punctuation around it.
fn scrub_word(word: &str) -> String {
    if !word.contains('@') {
        return word.to_owned();
    }
    let is_punctuation = |c: char| c.is_whitespace() || "<>()[]\"',;:.".contains(c);
    let start = word.find(|c| !is_punctuation(c)).unwrap_or(0);
    let end = word
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_punctuation(c))
        .map_or(word.len(), |(i, c)| i + c.len_utf8());
    format!("{}[address]{}", &word[..start], &word[end..])
}

fn replace_case_insensitive(text: &str, needle: &str, with: &str) -> String {
    let (lower_text, lower_needle) = (text.to_lowercase(), needle.to_lowercase());
    // Lowercasing can change byte lengths outside ASCII; then fall back to an exact match.
    if lower_text.len() != text.len() || lower_needle.len() != needle.len() {
        return text.replace(needle, with);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    for (at, _) in lower_text.match_indices(&lower_needle) {
        if at < rest {
            continue;
        }
        out.push_str(&text[rest..at]);
        out.push_str(with);
        rest = at + needle.len();
    }
    out.push_str(&text[rest..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_lose_the_recipient() {
        let text = "permanent error (550): 5.1.1 <Buyer@Example.com>: Recipient address rejected";
        let scrubbed = scrub_addresses(text, &["buyer@example.com".to_owned()]);
        assert_eq!(
            scrubbed,
            "permanent error (550): 5.1.1 <[address]>: Recipient address rejected"
        );
    }

    #[test]
    fn any_word_with_an_at_sign_goes() {
        let scrubbed = scrub_addresses("rejected other.person@example.net, sorry", &[]);
        assert_eq!(scrubbed, "rejected [address], sorry");
        assert_eq!(
            scrub_addresses("Connection refused (os error 111)", &[]),
            "Connection refused (os error 111)"
        );
    }

    #[test]
    fn addresses_go_even_inside_longer_words() {
        let scrubbed = scrub_addresses(
            "user=buyer@example.com;reason=full",
            &["buyer@example.com".to_owned()],
        );
        assert!(!scrubbed.contains("buyer"), "{scrubbed}");
    }
}
