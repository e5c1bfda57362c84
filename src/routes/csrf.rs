//! CSRF protection for HTML forms: a random cookie, and a form token that is its HMAC.
//! A cross-site page can make the browser send the cookie but cannot read it, so it cannot
//! compute the token ("signed double-submit cookie").

use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use crate::error::AppError;
use crate::security::{self, Secret};

const COOKIE: &str = "fw_csrf";
const PURPOSE: &str = "csrf";
/// The hidden form field carrying the token.
pub const FIELD: &str = "csrf_token";

/// Returns the jar (with a fresh cookie if there was none) and the token for the form.
pub fn issue(jar: CookieJar, secret: &Secret, secure: bool) -> (CookieJar, String) {
    if let Some(cookie) = jar.get(COOKIE) {
        let token = token_for(secret, cookie.value());
        return (jar, token);
    }
    let value = security::random_token(32);
    let token = token_for(secret, &value);
    let cookie = Cookie::build((COOKIE, value))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .build();
    (jar.add(cookie), token)
}

/// Checks the submitted token against the cookie, in constant time.
pub fn verify(jar: &CookieJar, secret: &Secret, submitted: Option<&str>) -> Result<(), AppError> {
    let cookie = jar.get(COOKIE).ok_or(AppError::CsrfRejected)?;
    let tag = submitted
        .and_then(security::decode)
        .ok_or(AppError::CsrfRejected)?;
    if secret.verify(PURPOSE, cookie.value().as_bytes(), &tag) {
        Ok(())
    } else {
        Err(AppError::CsrfRejected)
    }
}

fn token_for(secret: &Secret, cookie_value: &str) -> String {
    security::encode(&secret.mac(PURPOSE, cookie_value.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> Secret {
        Secret::from_bytes(b"test-secret-test-secret-test-secret!")
    }

    #[test]
    fn issued_token_verifies_against_its_cookie() {
        let (jar, token) = issue(CookieJar::new(), &secret(), false);
        assert!(verify(&jar, &secret(), Some(&token)).is_ok());
        // A second form on the same visit reuses the cookie and so the token.
        let (jar, again) = issue(jar, &secret(), false);
        assert_eq!(token, again);
        assert!(verify(&jar, &secret(), Some(&again)).is_ok());
    }

    #[test]
    fn missing_or_wrong_tokens_are_rejected() {
        let (jar, token) = issue(CookieJar::new(), &secret(), false);
        assert!(verify(&jar, &secret(), None).is_err());
        assert!(verify(&jar, &secret(), Some("bogus")).is_err());
        assert!(verify(&CookieJar::new(), &secret(), Some(&token)).is_err());
        let (other_jar, _) = issue(CookieJar::new(), &secret(), false);
        assert!(verify(&other_jar, &secret(), Some(&token)).is_err());
    }
}
