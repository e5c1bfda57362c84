//! Secrets and tokens: the server key, HMACs, random tokens and their hashes.

use std::io;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// The server's key. `Debug` never shows it.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// A secret setting (the server key): `Debug` says that it is there, never what it is, so that
/// logging a [`Config`](crate::config::Config) cannot leak it. [`SecretString::expose`] hands it
/// to the one place that needs it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for SecretString {
    fn from(secret: String) -> Self {
        SecretString(secret)
    }
}

impl From<&str> for SecretString {
    fn from(secret: &str) -> Self {
        SecretString(secret.to_owned())
    }
}

/// A URL that may carry a password (the database's, the SMTP server's): `Debug` shows it with
/// the password replaced, so that logs still say which server without saying how to get in.
#[derive(Clone, PartialEq, Eq)]
pub struct UrlWithPassword(String);

impl UrlWithPassword {
    /// The URL as configured, password included.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL with any password replaced by `***`, fit for logs and error messages.
    pub fn redacted(&self) -> String {
        match url::Url::parse(&self.0) {
            Ok(mut url) if url.password().is_some() => {
                // Only fails for URLs that cannot carry a password, which this one just did.
                let _ = url.set_password(Some("***"));
                url.to_string()
            }
            Ok(url) => url.to_string(),
            Err(_) => "<unparseable URL>".to_owned(),
        }
    }
}

impl std::fmt::Debug for UrlWithPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.redacted(), f)
    }
}

impl From<String> for UrlWithPassword {
    fn from(url: String) -> Self {
        UrlWithPassword(url)
    }
}

impl From<&str> for UrlWithPassword {
    fn from(url: &str) -> Self {
        UrlWithPassword(url.to_owned())
    }
}

/// Where the secret came from, so startup can say so in its log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretSource {
    Configured,
    LoadedFromFile,
    Generated,
}

const SECRET_FILE: &str = "secret.key";
/// MAC purpose of signed evidence links.
const EVIDENCE_LINK: &str = "evidence-link";
const MIN_SECRET_BYTES: usize = 32;

impl Secret {
    /// Uses the configured secret, else the one kept in `data_dir`, else makes and keeps one.
    pub fn load_or_create(
        configured: Option<&str>,
        data_dir: &Path,
    ) -> io::Result<(Self, SecretSource)> {
        if let Some(value) = configured {
            if value.len() < MIN_SECRET_BYTES {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("FAKEWATCH_SECRET must be at least {MIN_SECRET_BYTES} characters"),
                ));
            }
            return Ok((Self(value.as_bytes().to_vec()), SecretSource::Configured));
        }
        let path = data_dir.join(SECRET_FILE);
        match std::fs::read_to_string(&path) {
            Ok(stored) if stored.trim().len() >= MIN_SECRET_BYTES => {
                return Ok((
                    Self(stored.trim().as_bytes().to_vec()),
                    SecretSource::LoadedFromFile,
                ));
            }
            Ok(_) => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{} is too short to be a secret", path.display()),
                ));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        std::fs::create_dir_all(data_dir)?;
        let secret = random_token(48);
        write_private(&path, secret.as_bytes())?;
        Ok((Self(secret.into_bytes()), SecretSource::Generated))
    }

    /// A fixed secret, for tests and tools.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }

    /// HMAC-SHA256 of `data`, separated by `purpose` so that a MAC made for one use (a CSRF
    /// token) can never stand in for another (a reporter fingerprint).
    pub fn mac(&self, purpose: &str, data: &[u8]) -> [u8; 32] {
        self.hmac(purpose, data).finalize().into_bytes().into()
    }

    /// Checks a MAC in constant time.
    pub fn verify(&self, purpose: &str, data: &[u8], tag: &[u8]) -> bool {
        self.hmac(purpose, data).verify_slice(tag).is_ok()
    }

    /// The signature of a link to evidence file `id` that works until `expires` (Unix time).
    pub fn sign_evidence_link(&self, id: &str, expires: i64) -> String {
        encode(&self.mac(EVIDENCE_LINK, format!("{id}\n{expires}").as_bytes()))
    }

    /// Whether `signature` was made by [`Secret::sign_evidence_link`] for this id and expiry.
    pub fn verify_evidence_link(&self, id: &str, expires: i64, signature: &str) -> bool {
        decode(signature).is_some_and(|tag| {
            self.verify(EVIDENCE_LINK, format!("{id}\n{expires}").as_bytes(), &tag)
        })
    }

    fn hmac(&self, purpose: &str, data: &[u8]) -> Hmac<Sha256> {
        // HMAC takes keys of any length; this cannot fail.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(data);
        mac
    }
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &[u8]) -> io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents)
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &[u8]) -> io::Result<()> {
    std::fs::write(path, contents)
}

/// `bytes` random bytes from the OS CSPRNG, as URL-safe base64.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::fill(&mut buf[..]);
    URL_SAFE_NO_PAD.encode(buf)
}

/// How bearer tokens are kept at rest. They are 256-bit random values, so a fast hash is
/// enough: there is nothing to brute-force, unlike a password.
pub fn hash_token(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// A moderator's password as kept at rest: argon2id with a random salt, in PHC form. Slow on
/// purpose (tens of milliseconds): call it off the async runtime.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    use argon2::PasswordHasher;
    Ok(argon2::Argon2::default()
        .hash_password(password.as_bytes())?
        .to_string())
}

/// Whether `password` matches a hash made by [`hash_password`]. A malformed hash matches
/// nothing. Slow on purpose, like the hashing.
pub fn verify_password(password: &str, hash: &str) -> bool {
    use argon2::PasswordVerifier;
    argon2::Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

/// A hash no password matches, checked when a sign-in names an unknown or disabled account, so
/// that such an answer takes as long as a wrong password and does not tell which it was.
pub fn decoy_password_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password(&random_token(24)).unwrap_or_default())
}

/// A rights holder's API token, `fwt_<public id>_<secret>`. The public id finds the row and
/// names the token in lists and revocations; only the secret's SHA-256 is stored, and it is
/// compared in constant time.
#[derive(Clone)]
pub struct ApiToken {
    pub public_id: String,
    secret: String,
}

impl std::fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ApiToken({}, [redacted])", self.public_id)
    }
}

const API_TOKEN_PREFIX: &str = "fwt_";

impl ApiToken {
    /// A new token: 40 bits of id (hex, so it never contains the `_` separator) and 256 bits
    /// of secret.
    pub fn generate() -> Self {
        let mut id = [0u8; 5];
        rand::fill(&mut id[..]);
        ApiToken {
            public_id: hex::encode(id),
            secret: random_token(32),
        }
    }

    /// Splits a presented token; `None` when it cannot be one of ours.
    pub fn parse(text: &str) -> Option<Self> {
        let (public_id, secret) = text.strip_prefix(API_TOKEN_PREFIX)?.split_once('_')?;
        let well_formed = public_id.len() == 10
            && public_id.bytes().all(|b| b.is_ascii_hexdigit())
            && (16..=128).contains(&secret.len());
        well_formed.then(|| ApiToken {
            public_id: public_id.to_owned(),
            secret: secret.to_owned(),
        })
    }

    /// What is stored.
    pub fn secret_hash(&self) -> [u8; 32] {
        hash_token(&self.secret)
    }

    /// Whether the secret matches a stored hash, in time independent of where they differ.
    pub fn matches(&self, stored_hash: &[u8]) -> bool {
        use subtle::ConstantTimeEq;
        bool::from(self.secret_hash().as_slice().ct_eq(stored_hash))
    }

    /// The whole token, shown once to its owner.
    pub fn reveal(&self) -> String {
        format!("{API_TOKEN_PREFIX}{}_{}", self.public_id, self.secret)
    }
}

/// URL-safe base64, for MACs carried in forms and links.
pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macs_depend_on_purpose_and_key() {
        let a = Secret::from_bytes(b"0123456789abcdef0123456789abcdef");
        let b = Secret::from_bytes(b"fedcba9876543210fedcba9876543210");
        assert_ne!(a.mac("csrf", b"x"), a.mac("reporter", b"x"));
        assert_ne!(a.mac("csrf", b"x"), b.mac("csrf", b"x"));
        assert!(a.verify("csrf", b"x", &a.mac("csrf", b"x")));
        assert!(!a.verify("csrf", b"y", &a.mac("csrf", b"x")));
    }

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let hash = hash_password("correct horse battery").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert_ne!(hash, hash_password("correct horse battery").expect("hash"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse battery!", &hash));
        assert!(!verify_password("anything", "not a hash"));
        assert!(!verify_password("", decoy_password_hash()));
    }

    #[test]
    fn tokens_are_random_and_url_safe() {
        let t1 = random_token(32);
        let t2 = random_token(32);
        assert_ne!(t1, t2);
        assert_eq!(t1.len(), 43);
        assert!(
            t1.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }

    #[test]
    fn evidence_links_verify_only_unchanged() {
        let secret = Secret::from_bytes(b"0123456789abcdef0123456789abcdef");
        let sig = secret.sign_evidence_link("ev1", 1_800_000_000);
        assert!(secret.verify_evidence_link("ev1", 1_800_000_000, &sig));
        assert!(!secret.verify_evidence_link("ev2", 1_800_000_000, &sig));
        assert!(!secret.verify_evidence_link("ev1", 1_800_000_001, &sig));
        assert!(!secret.verify_evidence_link("ev1", 1_800_000_000, "not base64!"));
        let other = Secret::from_bytes(b"fedcba9876543210fedcba9876543210");
        assert!(!other.verify_evidence_link("ev1", 1_800_000_000, &sig));
    }

    #[test]
    fn api_tokens_round_trip_and_match_only_their_hash() {
        let token = ApiToken::generate();
        let text = token.reveal();
        assert!(text.starts_with("fwt_"));
        let parsed = ApiToken::parse(&text).expect("parses");
        assert_eq!(parsed.public_id, token.public_id);
        assert!(parsed.matches(&token.secret_hash()));
        assert!(!parsed.matches(&ApiToken::generate().secret_hash()));
        assert!(!parsed.matches(&[]));
        assert!(!format!("{parsed:?}").contains(&text[15..]));
        for bad in [
            "",
            "fwt_",
            "fwt_abc_def",
            "bearer",
            &text[4..],
            &format!("fwt_zzzzzzzzzz_{}", &text[15..]),
        ] {
            assert!(ApiToken::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn generated_secret_is_kept_and_reused() {
        let dir = std::env::temp_dir().join(format!("fakewatch-secret-{}", random_token(8)));
        let (first, source) = Secret::load_or_create(None, &dir).expect("created");
        assert_eq!(source, SecretSource::Generated);
        let (second, source) = Secret::load_or_create(None, &dir).expect("loaded");
        assert_eq!(source, SecretSource::LoadedFromFile);
        assert_eq!(first.mac("t", b"x"), second.mac("t", b"x"));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn secret_settings_never_show_in_debug() {
        let secret = SecretString::from("correct-horse-battery-staple");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(secret.expose(), "correct-horse-battery-staple");
        let url = UrlWithPassword::from("smtps://mailer:s3cr%40t@mail.example:465");
        assert_eq!(
            format!("{url:?}"),
            "\"smtps://mailer:***@mail.example:465\""
        );
        assert_eq!(url.expose(), "smtps://mailer:s3cr%40t@mail.example:465");
        assert_eq!(
            format!("{:?}", UrlWithPassword::from("not a url hunter2")),
            "\"<unparseable URL>\""
        );
    }

    #[test]
    fn short_configured_secrets_are_refused() {
        assert!(Secret::load_or_create(Some("short"), Path::new("/nonexistent")).is_err());
    }
}
