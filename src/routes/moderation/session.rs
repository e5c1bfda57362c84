//! A moderator's signed-in session: the cookie, the row behind it, and the one CSRF token that
//! every form of the session carries.
//!
//! The cookie holds a random token; the database keeps its SHA-256 (`moderator_session`), so
//! sessions are revocable and end with their expiry or their moderator's disabling. The CSRF
//! token is an HMAC of the session token: valid for every action of the session (any page's
//! forms work, in any tab), worthless after logout, and not computable by another site.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Redirect;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use time::OffsetDateTime;

use crate::db;
use crate::error::AppError;
use crate::security::{self, Secret, hash_token};
use crate::state::AppState;

/// The session cookie. Scoped to `/moderation`: public pages never receive it.
pub const COOKIE: &str = "fw_mod";
const COOKIE_PATH: &str = "/moderation";
/// MAC purpose of the session's CSRF token.
const CSRF_PURPOSE: &str = "moderation-csrf";
/// Sessions record their last use at most this often, not on every request.
const TOUCH_EVERY_SECS: i64 = 60;

/// The signed-in moderator of a request under `/moderation`. The guard
/// (`moderation::guard`) puts it in the request's extensions; handlers extract it.
#[derive(Debug, Clone)]
pub struct ModeratorSession {
    pub session_id: i64,
    pub moderator_id: i64,
    pub email: String,
    pub is_admin: bool,
    /// The value of the `csrf_token` field of every form this session's pages show.
    pub csrf_token: String,
}

impl ModeratorSession {
    /// Refuses a moderator who is not an admin.
    pub fn require_admin(&self) -> Result<(), AppError> {
        if self.is_admin {
            Ok(())
        } else {
            Err(AppError::AdminOnly)
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ModeratorSession {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<ModeratorSession>()
            .cloned()
            .ok_or_else(|| {
                AppError::internal("a moderation handler was routed around the session guard")
            })
    }
}

/// The CSRF token of the session whose cookie holds `session_token`.
pub fn csrf_token_for(secret: &Secret, session_token: &str) -> String {
    security::encode(&secret.mac(CSRF_PURPOSE, session_token.as_bytes()))
}

/// Whether `submitted` is the CSRF token of the session whose cookie holds `session_token`.
pub fn csrf_matches(secret: &Secret, session_token: &str, submitted: Option<&str>) -> bool {
    submitted
        .and_then(security::decode)
        .is_some_and(|tag| secret.verify(CSRF_PURPOSE, session_token.as_bytes(), &tag))
}

/// The session the request's cookie names, if it is live; bumps its last use now and then.
/// Returns the session token too, for checking the CSRF field.
pub async fn load(
    state: &AppState,
    jar: &CookieJar,
) -> Result<Option<(ModeratorSession, String)>, AppError> {
    let Some(token) = jar.get(COOKIE).map(|c| c.value().to_owned()) else {
        return Ok(None);
    };
    let mut conn = state.db.acquire().await?;
    let Some(row) = db::moderators::find_session(&mut conn, &hash_token(&token)).await? else {
        return Ok(None);
    };
    if (OffsetDateTime::now_utc() - row.last_seen_at).whole_seconds() >= TOUCH_EVERY_SECS {
        db::moderators::touch_session(&mut conn, row.moderator_session_id).await?;
    }
    let session = ModeratorSession {
        session_id: row.moderator_session_id,
        moderator_id: row.moderator_id,
        email: row.email,
        is_admin: row.is_admin,
        csrf_token: csrf_token_for(&state.secret, &token),
    };
    Ok(Some((session, token)))
}

/// The cookie of a new session.
pub fn cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((COOKIE, token))
        .path(COOKIE_PATH)
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .build()
}

/// The jar without the session cookie (logout).
pub fn forget(jar: CookieJar) -> CookieJar {
    jar.remove(Cookie::build(COOKIE).path(COOKIE_PATH))
}

/// Where an action sends the moderator back to: the page they were on, when the form said
/// (field `back`), else `fallback`. Only paths under `/moderation` are followed, so that the
/// field cannot send anyone to another site.
pub fn back_to(back: Option<&str>, fallback: &str) -> Redirect {
    let target = back.filter(|b| is_moderation_path(b)).unwrap_or(fallback);
    Redirect::to(target)
}

fn is_moderation_path(path: &str) -> bool {
    (path == "/moderation" || path.starts_with("/moderation/") || path.starts_with("/moderation?"))
        && !path.contains("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_belong_to_one_session() {
        let secret = Secret::from_bytes(b"test-secret-test-secret-test-secret!");
        let token = csrf_token_for(&secret, "session-a");
        assert!(csrf_matches(&secret, "session-a", Some(&token)));
        assert!(!csrf_matches(&secret, "session-b", Some(&token)));
        assert!(!csrf_matches(&secret, "session-a", None));
        assert!(!csrf_matches(&secret, "session-a", Some("")));
        assert!(!csrf_matches(&secret, "session-a", Some("not base64 !")));
    }

    #[test]
    fn the_session_cookie_is_http_only_lax_and_secure_over_https() {
        let secure = cookie("t".into(), true).to_string();
        for part in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/moderation"] {
            assert!(secure.contains(part), "{secure}");
        }
        assert!(!cookie("t".into(), false).to_string().contains("Secure"));
    }

    #[test]
    fn only_moderation_paths_are_followed_back() {
        for ok in [
            "/moderation",
            "/moderation?flag=burst&page=2",
            "/moderation/audit",
        ] {
            assert!(is_moderation_path(ok), "{ok}");
        }
        for bad in [
            "https://evil.example/moderation",
            "//evil.example",
            "/moderation//evil.example",
            "/moderationx",
            "/sellers/x",
            "/moderation/\\evil",
            "/moderation/\r\nSet-Cookie: x",
        ] {
            assert!(!is_moderation_path(bad), "{bad}");
        }
    }
}
