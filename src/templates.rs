//! Page templates shared across areas, and helpers the layout uses. Area-specific templates
//! sit beside their handlers in `routes/`.

use askama::Template;
use askama_web::WebTemplate;

use crate::domain::validation::FieldError;

/// Cache-busting version for `static/` links: changes whenever a stylesheet does, so that
/// static files can be cached for a year.
pub fn asset_version() -> &'static str {
    static VERSION: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(include_bytes!("../static/css/site.css"));
        hex::encode(&digest[..6])
    });
    &VERSION
}

/// Any error, as a page.
#[derive(Template, WebTemplate)]
#[template(path = "errors/error.html")]
pub struct ErrorPage {
    pub status: u16,
    pub title: String,
    pub message: String,
    pub errors: Vec<FieldError>,
}
