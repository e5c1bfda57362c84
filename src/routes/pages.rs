//! Site-wide pages: home, how the reputation is computed, what is kept about reporters, and
//! the friendly 404.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};

use crate::db;
use crate::db::home::{RecentBrand, RecentSeller};
use crate::error::{ApiError, AppError};
use crate::routes::cache;
use crate::routes::sellers::view::seller_path;
use crate::state::AppState;

pub struct SellerLink {
    pub name: String,
    pub marketplace_name: &'static str,
    pub path: String,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub reports: i64,
    pub sellers: i64,
    pub brands: i64,
    pub recent_sellers: Vec<SellerLink>,
    pub recent_brands: Vec<RecentBrand>,
}

/// `GET /`
#[tracing::instrument(skip_all)]
pub async fn home(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    let mut conn = state.db.acquire().await?;
    let home = db::home::load(&mut conn).await?;
    let page = HomePage {
        reports: home.reports,
        sellers: home.sellers,
        brands: home.brands,
        recent_sellers: home.recent_sellers.0.into_iter().map(seller_link).collect(),
        recent_brands: home.recent_brands.0,
    };
    let html = page.render().map_err(AppError::internal)?;
    Ok(cache::public(&headers, cache::HTML, html))
}

fn seller_link(s: RecentSeller) -> SellerLink {
    SellerLink {
        marketplace_name: crate::domain::marketplace::display_name_of(&s.marketplace),
        path: seller_path(&s.marketplace, &s.seller_key),
        name: s.name,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "about/reputation.html")]
pub struct ReputationPage {
    /// HTML rendered from `docs/reputation.md`, our own text compiled into the binary: the
    /// only markup the templates let through unescaped.
    pub body: String,
}

/// `GET /about/reputation`: the method, from the same document developers read.
pub async fn reputation() -> ReputationPage {
    static BODY: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| markdown(include_str!("../../docs/reputation.md")));
    ReputationPage { body: BODY.clone() }
}

#[derive(Template, WebTemplate)]
#[template(path = "about/privacy.html")]
pub struct PrivacyPage {
    /// HTML rendered from `docs/privacy.md`, as [`ReputationPage::body`].
    pub body: String,
}

/// `GET /about/privacy`: what is kept about reporters, why and for how long.
pub async fn privacy() -> PrivacyPage {
    static BODY: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| markdown(include_str!("../../docs/privacy.md")));
    PrivacyPage { body: BODY.clone() }
}

/// Renders one of our documents for a page. Code blocks scroll sideways when their lines are
/// longer than the screen is wide, so each can be focused and scrolled from the keyboard.
fn markdown(text: &str) -> String {
    use pulldown_cmark::{Event, Tag, TagEnd};
    let events = pulldown_cmark::Parser::new_ext(text, pulldown_cmark::Options::ENABLE_TABLES).map(
        |event| match event {
            // The renderer's own markup for a code block, with the tabindex added.
            Event::Start(Tag::CodeBlock(kind)) => {
                let language = match &kind {
                    pulldown_cmark::CodeBlockKind::Fenced(info) => {
                        info.split(' ').next().unwrap_or_default()
                    }
                    pulldown_cmark::CodeBlockKind::Indented => "",
                };
                Event::Html(if language.is_empty() {
                    "<pre tabindex=\"0\"><code>".into()
                } else {
                    format!(
                        "<pre tabindex=\"0\"><code class=\"language-{}\">",
                        attribute(language)
                    )
                    .into()
                })
            }
            Event::End(TagEnd::CodeBlock) => Event::Html("</code></pre>\n".into()),
            other => other,
        },
    );
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// `text` escaped for a double-quoted HTML attribute.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Unknown paths: problem details under `/api/`, a page elsewhere.
pub async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError(AppError::PageNotFound).into_response()
    } else {
        AppError::PageNotFound.into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::markdown;

    #[test]
    fn code_blocks_can_be_focused_to_scroll_them_and_their_text_stays_escaped() {
        assert_eq!(
            markdown("```sql\nselect 1 < 2;\n```\n\n    indented & plain\n"),
            "<pre tabindex=\"0\"><code class=\"language-sql\">select 1 &lt; 2;\n</code></pre>\n\
             <pre tabindex=\"0\"><code>indented &amp; plain\n</code></pre>\n"
        );
    }
}
