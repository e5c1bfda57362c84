//! A reporter's edit of their own report, through its manage link: the content they may
//! change, checked as at filing. The listing, seller and brand are not editable: changing them
//! would move the report onto another seller's page or brand owner's list; the reporter
//! withdraws and files again instead.

use serde::{Deserialize, Deserializer};
use time::Date;

use super::{
    PriceInput, ReportInput, optional_text, parse_description, parse_order_date, parse_reasons,
};
use crate::domain::money::Money;
use crate::domain::reason::Reason;
use crate::domain::report::MAX_PRODUCT_TITLE_CHARS;
use crate::domain::validation::FieldErrors;

/// What an edit can change.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportContent {
    pub product_title: Option<String>,
    pub price: Option<Money>,
    pub order_date: Option<Date>,
    pub reasons: Vec<Reason>,
    pub description: String,
}

/// An edit as sent (`PATCH /api/v1/reports/{id}`, or the manage page's form, which sends every
/// field): a field left out stays as it is; `null` (or an empty form field) clears an
/// optional one.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = ReportEdit)]
#[serde(default, deny_unknown_fields)]
pub struct ReportEdit {
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 300)]
    pub product_title: Option<Option<String>>,
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<PriceInput>)]
    pub price: Option<Option<PriceInput>>,
    /// `YYYY-MM-DD`; not in the future.
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub order_date: Option<Option<String>>,
    /// At least one.
    #[schema(value_type = Option<Vec<Reason>>, min_items = 1)]
    pub reasons: Option<Vec<String>>,
    #[schema(min_length = 10, max_length = 5000)]
    pub description: Option<String>,
}

/// A field that is present, even as `null`, is `Some`: `null` then means "clear it".
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

impl ReportEdit {
    /// The content after the edit, with every problem at once. `today` bounds the order date.
    pub fn apply(
        &self,
        current: &ReportContent,
        today: Date,
    ) -> Result<ReportContent, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.is_empty() {
            errors.add(
                "description",
                "Nothing to change: send at least one of product_title, price, order_date, \
                 reasons and description",
            );
            return Err(errors);
        }
        let mut next = current.clone();
        if let Some(title) = &self.product_title {
            next.product_title = optional_text(title);
            if next
                .product_title
                .as_ref()
                .is_some_and(|t| t.chars().count() > MAX_PRODUCT_TITLE_CHARS)
            {
                errors.add(
                    "product_title",
                    format!("Keep the product title under {MAX_PRODUCT_TITLE_CHARS} characters"),
                );
            }
        }
        if let Some(price) = &self.price {
            let input = ReportInput {
                price: price.clone(),
                ..ReportInput::default()
            };
            match input.parse_price() {
                Ok(price) => next.price = price,
                Err((field, message)) => errors.add(field, message),
            }
        }
        if let Some(date) = &self.order_date {
            match parse_order_date(date.as_deref(), today) {
                Ok(date) => next.order_date = date,
                Err(message) => errors.add("order_date", message),
            }
        }
        if let Some(reasons) = &self.reasons {
            match parse_reasons(reasons) {
                Ok(reasons) => next.reasons = reasons,
                Err(message) => errors.add("reasons", message),
            }
        }
        if let Some(description) = &self.description {
            match parse_description(description) {
                Ok(description) => next.description = description,
                Err(message) => errors.add("description", message),
            }
        }
        if errors.is_empty() {
            Ok(next)
        } else {
            Err(errors)
        }
    }

    /// No field given.
    pub fn is_empty(&self) -> bool {
        self.product_title.is_none()
            && self.price.is_none()
            && self.order_date.is_none()
            && self.reasons.is_none()
            && self.description.is_none()
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn current() -> ReportContent {
        ReportContent {
            product_title: Some("Neverfull MM tote".into()),
            price: Some(Money::parse("29.90", "USD").expect("money")),
            order_date: Some(date!(2026 - 10 - 02)),
            reasons: vec![Reason::PriceTooLow],
            description: "The monogram is misaligned at the seams.".into(),
        }
    }

    fn edit(json: &str) -> ReportEdit {
        serde_json::from_str(json).expect("edit")
    }

    const TODAY: Date = date!(2026 - 11 - 30);

    #[test]
    fn fields_left_out_stay_and_null_clears() {
        let next = edit(
            r#"{"product_title": null, "description": "  Second look: the serial is fake.  "}"#,
        )
        .apply(&current(), TODAY)
        .expect("valid");
        assert_eq!(next.product_title, None);
        assert_eq!(next.description, "Second look: the serial is fake.");
        assert_eq!(next.price, current().price);
        assert_eq!(next.order_date, current().order_date);
        assert_eq!(next.reasons, current().reasons);
    }

    #[test]
    fn every_field_is_checked_as_at_filing_and_all_problems_come_at_once() {
        let errors = edit(
            r#"{"order_date": "2030-01-01", "reasons": ["bogus"], "description": "short",
                "price": {"amount": "-1", "currency": "USD"}}"#,
        )
        .apply(&current(), TODAY)
        .expect_err("invalid");
        for field in ["order_date", "reasons", "description", "price"] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
    }

    #[test]
    fn an_empty_edit_is_refused_with_a_message() {
        let errors = edit("{}").apply(&current(), TODAY).expect_err("empty");
        assert!(errors.get("description").is_some());
    }

    #[test]
    fn unknown_fields_such_as_the_brand_are_refused() {
        assert!(serde_json::from_str::<ReportEdit>(r#"{"brand": "Gucci"}"#).is_err());
        assert!(serde_json::from_str::<ReportEdit>(r#"{"listing_url": "x"}"#).is_err());
    }

    #[test]
    fn an_empty_price_clears_it() {
        let next = edit(r#"{"price": {"amount": "", "currency": ""}}"#)
            .apply(&current(), TODAY)
            .expect("valid");
        assert_eq!(next.price, None);
    }
}
