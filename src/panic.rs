//! A panic while handling a request becomes a logged `500` answer — an HTML page, or problem
//! details on `/api` — instead of a connection dropped without a word.
//!
//! Not tower-http's `CatchPanicLayer`: its handler sees only the panic, not the request, and
//! the answer's format depends on the path.

use std::any::Any;
use std::panic::AssertUnwindSafe;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;

use crate::error::{ApiError, AppError};

/// Middleware: runs the rest of the stack and answers `500` if it panics.
pub async fn catch_panic(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    // Nothing is shared across the unwind: the request is moved in and dropped with it.
    match AssertUnwindSafe(next.run(request)).catch_unwind().await {
        Ok(response) => response,
        Err(panic) => {
            let error = AppError::internal(format!("handler panicked: {}", message(&*panic)));
            if api {
                ApiError(error).into_response()
            } else {
                error.into_response()
            }
        }
    }
}

/// The text a panic carries: `panic!("…")` gives a `&str` or a `String`.
fn message(panic: &(dyn Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_messages_are_read_from_str_and_string_payloads() {
        let caught = std::panic::catch_unwind(|| panic!("static text")).expect_err("panics");
        assert_eq!(message(&*caught), "static text");
        let n = 3;
        let caught = std::panic::catch_unwind(|| panic!("formatted {n}")).expect_err("panics");
        assert_eq!(message(&*caught), "formatted 3");
        let caught = std::panic::catch_unwind(|| std::panic::panic_any(7_u8)).expect_err("panics");
        assert_eq!(message(&*caught), "(no message)");
    }
}
