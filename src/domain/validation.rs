//! Field-level validation errors, shared by the HTML form and the JSON API.

use std::borrow::Cow;

use serde::Serialize;

/// One problem with one input field, in words the user can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// A field name, or a path into a list such as `outcomes[2].listing_url`.
    #[schema(value_type = String)]
    pub field: Cow<'static, str>,
    pub message: String,
}

/// All the problems found in one submission, so the user can fix them in one go.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem with `field`.
    pub fn add(&mut self, field: impl Into<Cow<'static, str>>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first message for `field`, for rendering next to it.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn as_slice(&self) -> &[FieldError] {
        &self.0
    }

    /// A single error, for problems found outside the main validation pass.
    pub fn single(field: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }
}
