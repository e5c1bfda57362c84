//! `?page=N` on public lists: validated, 1-based, with stable ordering done in SQL.

use serde::Deserialize;

use crate::domain::validation::FieldErrors;
use crate::error::AppError;

/// Rows per page on every public list.
pub const PER_PAGE: i64 = 20;
/// Deep pages cost a scan each; nobody reads past this, and robots should use the API. The
/// API document states the bounds of `page` as literals (utoipa takes no constants there);
/// `tests/api/openapi.rs` checks that the two agree.
const MAX_PAGE: i64 = 500;

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    pub page: Option<String>,
    pub q: Option<String>,
}

/// The requested page: 1 when absent or blank, a field error (422) when not a number in range.
pub fn page_number(raw: Option<&str>) -> Result<i64, AppError> {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(1),
        Some(text) => api_page_number(Some(text)),
    }
}

/// The API's `page`: 1 when absent, else exactly a whole number from 1 to 500, as the
/// document says; a blank or padded value is refused rather than read as page 1.
pub fn api_page_number(raw: Option<&str>) -> Result<i64, AppError> {
    let Some(text) = raw else {
        return Ok(1);
    };
    text.parse::<i64>()
        .ok()
        .filter(|n| (1..=MAX_PAGE).contains(n))
        .ok_or_else(|| {
            FieldErrors::single(
                "page",
                format!("page must be a whole number from 1 to {MAX_PAGE}"),
            )
            .into()
        })
}

/// SQL `limit` and `offset` for a page, fetching one extra row to learn whether a next page
/// exists without counting.
pub fn limit_offset(page: i64) -> (i64, i64) {
    (PER_PAGE + 1, (page - 1) * PER_PAGE)
}

/// Links to the neighbouring pages.
#[derive(Debug, Clone)]
pub struct Pager {
    pub page: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// `base` is the path with any query except `page` (e.g. `/sellers?q=acme`).
    pub fn new(base: &str, page: i64, has_next: bool) -> Self {
        let join = if base.contains('?') { '&' } else { '?' };
        let link = |p: i64| {
            if p == 1 {
                base.to_owned()
            } else {
                format!("{base}{join}page={p}")
            }
        };
        Pager {
            page,
            prev: (page > 1).then(|| link(page - 1)),
            next: has_next.then(|| link(page + 1)),
        }
    }
}

/// Cuts the extra row fetched by [`limit_offset`] and says whether there was one.
pub fn split_extra<T>(mut rows: Vec<T>) -> (Vec<T>, bool) {
    let has_next = rows.len() as i64 > PER_PAGE;
    rows.truncate(usize::try_from(PER_PAGE).unwrap_or(20));
    (rows, has_next)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seller and brand pages' statements write their limits as literals (so that
    /// PostgreSQL keeps one plan for them): they must be the limit paging asks for.
    #[test]
    fn the_page_statements_limits_are_a_page_and_one() {
        let (limit, _) = limit_offset(7);
        assert_eq!(limit, crate::db::seller_page::RECENT_ROWS);
        assert_eq!(limit, crate::db::brand_page::SELLER_ROWS);
    }

    #[test]
    fn pages_are_validated() {
        assert_eq!(page_number(None).ok(), Some(1));
        assert_eq!(page_number(Some("3")).ok(), Some(3));
        assert_eq!(page_number(Some("500")).ok(), Some(500));
        assert_eq!(page_number(Some(" ")).ok(), Some(1));
        for bad in ["0", "-1", "x", "501", "1.5"] {
            assert!(page_number(Some(bad)).is_err(), "{bad}");
            assert!(api_page_number(Some(bad)).is_err(), "{bad}");
        }
        assert_eq!(api_page_number(None).ok(), Some(1));
        assert_eq!(api_page_number(Some("500")).ok(), Some(500));
        for blank_or_padded in ["", " ", " 2"] {
            assert!(
                api_page_number(Some(blank_or_padded)).is_err(),
                "{blank_or_padded:?}"
            );
        }
    }

    #[test]
    fn pager_links_keep_the_query() {
        let p = Pager::new("/sellers?q=acme", 2, true);
        assert_eq!(p.prev.as_deref(), Some("/sellers?q=acme"));
        assert_eq!(p.next.as_deref(), Some("/sellers?q=acme&page=3"));
        let first = Pager::new("/brands/nike", 1, false);
        assert!(first.prev.is_none() && first.next.is_none());
    }

    #[test]
    fn the_extra_row_means_a_next_page() {
        let (rows, more) = split_extra((0..21).collect::<Vec<_>>());
        assert_eq!((rows.len(), more), (20, true));
        let (rows, more) = split_extra((0..20).collect::<Vec<_>>());
        assert_eq!((rows.len(), more), (20, false));
    }
}
