//! What an `Authorization: Bearer …` header presents, for the two API credentials that use
//! one (rights holders' tokens, reporters' manage tokens). Each decides its own answers, but
//! both read the header the same way, and never answer with the extractor's plain-text
//! rejection.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum_extra::TypedHeader;
use axum_extra::headers::Authorization;
use axum_extra::headers::authorization::Bearer;

/// The credential a request presents.
#[derive(Debug, PartialEq, Eq)]
pub enum Presented {
    /// A bearer token, trimmed (it may be empty: `Bearer ` and nothing after it).
    Token(String),
    /// No header, or another scheme (`Basic …`): ask for a token.
    Missing,
    /// A header whose bytes are not text, which no token of ours can be.
    Unreadable,
}

pub async fn presented<S: Send + Sync>(parts: &mut Parts, state: &S) -> Presented {
    match Option::<TypedHeader<Authorization<Bearer>>>::from_request_parts(parts, state).await {
        Ok(Some(TypedHeader(Authorization(bearer)))) => {
            Presented::Token(bearer.token().trim().to_owned())
        }
        Ok(None) => Presented::Missing,
        Err(_) => {
            let unreadable = parts
                .headers
                .get(header::AUTHORIZATION)
                .is_some_and(|value| value.to_str().is_err());
            if unreadable {
                Presented::Unreadable
            } else {
                Presented::Missing
            }
        }
    }
}
