//! The OpenAPI 3 document of the public API, served at `/api/openapi.json`: what [`ApiDoc`]
//! says of the API as a whole, the paths and schemas of the handlers that `routes::api` routes
//! (from their annotations and response types), and the answers every operation can give.

use axum::body::Bytes;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{MethodRouter, get};
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, Ref};
use utoipa::{Modify, OpenApi};

use crate::error::{AppError, PROBLEM_JSON};
use crate::state::AppState;

/// The document before any path is added: `routes::api` adds one per route.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Fakewatch API",
        description = "Report suspected counterfeit listings and look sellers up. Reports are buyers' suspicions; only `verified` ones were checked by a moderator. Errors are RFC 9457 problem details.",
        license(name = "MIT OR Apache-2.0")
    ),
    modifiers(&ManageToken),
    tags(
        (name = "reports", description = "Filing and managing reports"),
        (name = "sellers", description = "Public lookup of sellers"),
        (name = "brands", description = "Public brand pages"),
        (name = "rights holders", description = "Brand owners: takedown lists and outcomes, with an API token from `fakewatch rights-holder`"),
    )
)]
pub struct ApiDoc;

/// The reporter's manage token, sent as `Authorization: Bearer <token>`.
struct ManageToken;

impl Modify for ManageToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "manage_token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "api_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A rights holder's token, fwt_…"))
                    .build(),
            ),
        );
    }
}

/// Answers any API operation can give, whatever it does: the request took too long (408), the
/// database is unreachable or busy (503, with `Retry-After`), or a bug of ours (500). The
/// answers each operation gives for its own reasons are in its annotation.
struct CommonProblems;

impl CommonProblems {
    fn responses() -> [(&'static str, Response); 3] {
        let problem = |description: &str| {
            ResponseBuilder::new().description(description).content(
                PROBLEM_JSON,
                Content::new(Some(Ref::from_schema_name("Problem"))),
            )
        };
        let retry_after = HeaderBuilder::new()
            .description(Some("Seconds to wait before trying again"))
            .build();
        [
            (
                "408",
                problem("The request took longer than the server allows").build(),
            ),
            (
                "500",
                problem("Something went wrong on our side; it has been logged").build(),
            ),
            (
                "503",
                problem(
                    "Busy or unavailable; see Retry-After: the database is not reachable, a \
                     query ran past the statement timeout, as many name searches as allowed \
                     are running, the upload memory budget is spent (reports with evidence), \
                     or (takedown lists) as many exports are running as the server allows, or \
                     the list took longer than an export may before its first row",
                )
                .header("Retry-After", retry_after)
                .build(),
            ),
        ]
    }
}

impl Modify for CommonProblems {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            if !path.starts_with("/api/") {
                continue;
            }
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                for (status, response) in Self::responses() {
                    operation
                        .responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| response.into());
                }
            }
        }
    }
}

/// Completes the document once every path is in: adds [`CommonProblems`] to each operation.
pub fn finish(openapi: &mut utoipa::openapi::OpenApi) {
    CommonProblems.modify(openapi);
}

/// `GET /api/openapi.json`: `document` as JSON, serialised once, when the router is built.
pub fn serve(document: &utoipa::openapi::OpenApi) -> MethodRouter<AppState> {
    let json = serde_json::to_vec(document)
        .map(Bytes::from)
        .map_err(|e| e.to_string());
    get(move || async move {
        match json {
            Ok(body) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
            Err(e) => AppError::internal(format!("cannot serialise the OpenAPI document: {e}"))
                .into_response(),
        }
    })
}
