//! `FAKEWATCH_SMTP_URL`, parsed once at start-up.
//!
//! lettre's own `from_url` sends credentials in clear when `smtp://user:pass@host` has no
//! `?tls=`; here a password always means TLS (STARTTLS unless `smtps://`), and the mail is not
//! sent when the server does not offer it.

use std::borrow::Cow;
use std::fmt;

use percent_encoding::percent_decode_str;
use url::{Host, Url};

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain SMTP, for a relay on the same host or a trusted network; never with a password.
    Plain,
    /// STARTTLS when the server offers it, else plain; never with a password.
    Opportunistic,
    /// STARTTLS, or no mail at all: the certificate must be valid for the host.
    StartTls,
    /// TLS from the first byte (`smtps://`, "implicit TLS").
    Tls,
}

impl Security {
    /// For the start-up log line.
    pub fn describe(self) -> &'static str {
        match self {
            Security::Plain => "plain SMTP",
            Security::Opportunistic => "STARTTLS if offered",
            Security::StartTls => "STARTTLS required",
            Security::Tls => "TLS",
        }
    }
}

/// A mail server, as `FAKEWATCH_SMTP_URL` names it. `Debug` never shows the password.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// User name and password, for SMTP AUTH (PLAIN or LOGIN).
    pub credentials: Option<(String, String)>,
    /// The name to greet the server with (EHLO), from the URL's path; default: this host's name.
    pub hello_name: Option<String>,
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpUrl")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.credentials.as_ref().map(|(user, _)| user))
            .field("hello_name", &self.hello_name)
            .finish()
    }
}

/// Why `FAKEWATCH_SMTP_URL` was refused; the message never repeats the password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SmtpUrlError(String);

const SMTP_PORT: u16 = 25;
const SUBMISSION_PORT: u16 = 587;
const SUBMISSIONS_PORT: u16 = 465;

impl SmtpUrl {
    pub fn parse(raw: &str) -> Result<SmtpUrl, SmtpUrlError> {
        let fail = |message: String| Err(SmtpUrlError(message));
        let url = match Url::parse(raw) {
            Ok(url) => url,
            // url's messages name the problem, never the input.
            Err(e) => return fail(format!("is not a URL ({e})")),
        };
        if !matches!(url.scheme(), "smtp" | "smtps") {
            return fail(format!(
                "has the scheme `{}`: use smtp:// or smtps://",
                url.scheme()
            ));
        }
        let host = match url.host() {
            Some(Host::Domain(domain)) if !domain.is_empty() => domain.to_owned(),
            Some(Host::Ipv4(ip)) => ip.to_string(),
            Some(Host::Ipv6(ip)) => ip.to_string(),
            _ => return fail("names no host".into()),
        };
        let mut tls = None;
        for (name, value) in url.query_pairs() {
            match (name.as_ref(), tls) {
                ("tls", None) => tls = Some(value.into_owned()),
                ("tls", Some(_)) => return fail("has ?tls= twice".into()),
                (other, _) => {
                    return fail(format!(
                        "has an unknown parameter `{other}` (only `tls` is understood)"
                    ));
                }
            }
        }
        let credentials = match (url.username(), url.password()) {
            ("", None) => None,
            (_, None) => return fail("has a user name but no password".into()),
            (user, Some(password)) => {
                Some((decode(user, "user name")?, decode(password, "password")?))
            }
        };
        let security = match (url.scheme(), tls.as_deref(), &credentials) {
            ("smtps", None, _) => Security::Tls,
            ("smtps", Some(_), _) => {
                return fail("is smtps://, which is TLS from the start: leave out ?tls=".into());
            }
            (_, Some("required"), _) | (_, None, Some(_)) => Security::StartTls,
            (_, None, None) => Security::Plain,
            (_, Some("opportunistic"), None) => Security::Opportunistic,
            (_, Some("opportunistic"), Some(_)) => {
                return fail(
                    "has a password and ?tls=opportunistic, which would send the password in \
                     clear to a server that does not offer STARTTLS: leave out ?tls= (a \
                     password means STARTTLS is required) or use smtps://"
                        .into(),
                );
            }
            (_, Some(other), _) => {
                return fail(format!(
                    "has ?tls={other}: use ?tls=required or ?tls=opportunistic, or leave it out"
                ));
            }
        };
        let default_port = match security {
            Security::Tls => SUBMISSIONS_PORT,
            Security::StartTls => SUBMISSION_PORT,
            Security::Plain | Security::Opportunistic => SMTP_PORT,
        };
        let hello_name = Some(url.path().trim_matches('/'))
            .filter(|name| !name.is_empty())
            .map(|name| decode(name, "EHLO name"))
            .transpose()?;
        Ok(SmtpUrl {
            host,
            port: url.port().unwrap_or(default_port),
            security,
            credentials,
            hello_name,
        })
    }
}

fn decode(raw: &str, what: &str) -> Result<String, SmtpUrlError> {
    percent_decode_str(raw)
        .decode_utf8()
        .map(Cow::into_owned)
        .map_err(|_| SmtpUrlError(format!("has a {what} that is not UTF-8 once decoded")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(raw: &str) -> SmtpUrl {
        SmtpUrl::parse(raw).unwrap_or_else(|e| panic!("{raw}: {e}"))
    }

    fn refused(raw: &str) -> String {
        match SmtpUrl::parse(raw) {
            Ok(url) => panic!("{raw} was accepted as {url:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn smtp_without_a_password_is_plain_on_port_25() {
        let url = parsed("smtp://relay.internal");
        assert_eq!((url.host.as_str(), url.port), ("relay.internal", 25));
        assert_eq!(url.security, Security::Plain);
        assert_eq!(url.credentials, None);
        assert_eq!(parsed("smtp://127.0.0.1:2525").port, 2525);
    }

    #[test]
    fn a_password_makes_starttls_required_on_port_587() {
        let url = parsed("smtp://mailer:hunter2@mail.example");
        assert_eq!(url.security, Security::StartTls);
        assert_eq!(url.port, 587);
        assert_eq!(
            url.credentials,
            Some(("mailer".to_owned(), "hunter2".to_owned()))
        );
        assert_eq!(
            parsed("smtp://mailer:hunter2@mail.example:25?tls=required").security,
            Security::StartTls
        );
    }

    #[test]
    fn smtps_is_tls_on_port_465() {
        let url = parsed("smtps://mailer:hunter2@mail.example");
        assert_eq!((url.security, url.port), (Security::Tls, 465));
        assert_eq!(parsed("smtps://mail.example:2465").port, 2465);
    }

    #[test]
    fn tls_parameter_chooses_starttls_without_a_password() {
        assert_eq!(
            parsed("smtp://mail.example?tls=required").security,
            Security::StartTls
        );
        assert_eq!(
            parsed("smtp://mail.example?tls=opportunistic").security,
            Security::Opportunistic
        );
    }

    #[test]
    fn credentials_are_percent_decoded() {
        let url = parsed("smtp://me%40example.org:p%40ss%3Aw%2Frd@mail.example");
        assert_eq!(
            url.credentials,
            Some(("me@example.org".to_owned(), "p@ss:w/rd".to_owned()))
        );
    }

    #[test]
    fn path_is_the_ehlo_name() {
        assert_eq!(
            parsed("smtp://mail.example/fakewatch.example").hello_name,
            Some("fakewatch.example".to_owned())
        );
        assert_eq!(parsed("smtp://mail.example/").hello_name, None);
    }

    #[test]
    fn ipv6_hosts_lose_their_brackets() {
        assert_eq!(parsed("smtp://[::1]:2525").host, "::1");
    }

    #[test]
    fn a_password_is_never_sent_where_it_could_go_in_clear() {
        let error = refused("smtp://mailer:hunter2@mail.example?tls=opportunistic");
        assert!(error.contains("in clear"), "{error}");
        assert!(!error.contains("hunter2"), "{error}");
    }

    #[test]
    fn mistakes_are_refused_with_what_to_do() {
        assert!(refused("smtp://mail.example?tls=require").contains("?tls=required"));
        assert!(refused("smtps://mail.example?tls=required").contains("leave out ?tls="));
        assert!(refused("smtp://mail.example?tsl=required").contains("unknown parameter"));
        assert!(refused("http://mail.example").contains("smtp:// or smtps://"));
        assert!(refused("smtp://mailer@mail.example").contains("no password"));
        assert!(refused("mail.example:25").contains("smtp:// or smtps://"));
        assert!(refused("smtp://").contains("no host"));
    }

    #[test]
    fn debug_hides_the_password() {
        let shown = format!("{:?}", parsed("smtps://mailer:hunter2@mail.example"));
        assert!(shown.contains("mailer"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}
