//! The OpenAPI 3 document of the public API, generated from the handlers' annotations and
//! the response types, served at `/api/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{brands, health, reports, sellers, takedowns};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Fakewatch API",
        description = "Report suspected counterfeit listings and look sellers up. Reports are buyers' suspicions; only `verified` ones were checked by a moderator. Errors are RFC 9457 problem details.",
        license(name = "MIT OR Apache-2.0")
    ),
    paths(
        reports::api::create,
        reports::api::show,
        reports::api::withdraw,
        reports::api::evidence,
        sellers::search::search_api,
        sellers::search::lookup_api,
        sellers::show_api,
        brands::show_api,
        takedowns::export::export,
        takedowns::outcomes::record,
        takedowns::account::show,
        takedowns::account::set_ipr,
        health::healthz,
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

/// `GET /api/openapi.json`
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
