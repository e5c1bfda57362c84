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
    let mut conn = state.public_reads.acquire().await?;
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
        marketplace_name: s.marketplace.display_name(),
        path: seller_path(s.marketplace.as_str(), &s.seller_key),
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

/// Renders one of our documents for a page. Code blocks and tables scroll sideways when they
/// are wider than the screen, so each can be focused and scrolled from the keyboard; a table
/// sits in a region named after the heading above it (one table per section, so the names
/// differ).
fn markdown(text: &str) -> String {
    use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
    let mut heading = String::new();
    let mut in_heading = false;
    let events = pulldown_cmark::Parser::new_ext(text, pulldown_cmark::Options::ENABLE_TABLES)
        .flat_map(|event| {
            let html = |markup: String| Event::Html(markup.into());
            match event {
                Event::Start(Tag::Heading { .. }) => {
                    in_heading = true;
                    heading.clear();
                }
                Event::End(TagEnd::Heading(_)) => in_heading = false,
                Event::Text(ref text) | Event::Code(ref text) if in_heading => {
                    heading.push_str(text);
                }
                // The renderer's own markup for a code block, with the tabindex added.
                Event::Start(Tag::CodeBlock(kind)) => {
                    let language = match &kind {
                        CodeBlockKind::Fenced(info) => info.split(' ').next().unwrap_or_default(),
                        CodeBlockKind::Indented => "",
                    };
                    return vec![html(if language.is_empty() {
                        "<pre tabindex=\"0\"><code>".into()
                    } else {
                        format!(
                            "<pre tabindex=\"0\"><code class=\"language-{}\">",
                            attribute(language)
                        )
                    })];
                }
                Event::End(TagEnd::CodeBlock) => return vec![html("</code></pre>\n".into())],
                Event::Start(Tag::Table(_)) => {
                    let region = format!(
                        "<div class=\"scroll-region\" role=\"region\" tabindex=\"0\" \
                         aria-label=\"Table: {}\">\n",
                        attribute(&heading)
                    );
                    return vec![html(region), event];
                }
                Event::End(TagEnd::Table) => return vec![event, html("</div>\n".into())],
                _ => {}
            }
            vec![event]
        });
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
    fn tables_scroll_in_a_region_named_after_their_heading() {
        let html = markdown("## Decay & `age`\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(
            html.starts_with(
                "<h2>Decay &amp; <code>age</code></h2>\n<div class=\"scroll-region\" \
                 role=\"region\" tabindex=\"0\" aria-label=\"Table: Decay &amp; age\">\n<table>"
            ),
            "{html}"
        );
        assert!(html.ends_with("</table>\n</div>\n"), "{html}");
    }

    #[test]
    fn code_blocks_can_be_focused_to_scroll_them_and_their_text_stays_escaped() {
        assert_eq!(
            markdown("```sql\nselect 1 < 2;\n```\n\n    indented & plain\n"),
            "<pre tabindex=\"0\"><code class=\"language-sql\">select 1 &lt; 2;\n</code></pre>\n\
             <pre tabindex=\"0\"><code>indented &amp; plain\n</code></pre>\n"
        );
    }
}
