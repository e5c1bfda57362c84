//! Rules the database enforces on input (lengths, formats, uniqueness), turned into the field
//! errors a user can act on, next to the query whose constraint can refuse it:
//!
//! ```ignore
//! sqlx::query!(…).execute(conn).await
//!     .on_constraint("listing_outcome_note_length", "note", "The note must be 1 to 2000 characters")
//! ```
//!
//! Validation in `domain` runs first and should catch every such value; this is the net under
//! it, so that a rule that slips through still gives a 422 naming the field, not a 500.

use crate::domain::validation::FieldErrors;

/// A write that failed: the input broke a rule the database enforces, or the database failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the database refused the input: {0:?}")]
    Refused(FieldErrors),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Maps one named constraint's refusal to a field error; other errors pass through unchanged.
pub trait OnConstraint<T> {
    fn on_constraint(
        self,
        constraint: &str,
        field: &'static str,
        message: &'static str,
    ) -> Result<T, WriteError>;
}

impl<T> OnConstraint<T> for Result<T, sqlx::Error> {
    fn on_constraint(
        self,
        constraint: &str,
        field: &'static str,
        message: &'static str,
    ) -> Result<T, WriteError> {
        self.map_err(WriteError::Db)
            .on_constraint(constraint, field, message)
    }
}

impl<T> OnConstraint<T> for Result<T, WriteError> {
    fn on_constraint(
        self,
        constraint: &str,
        field: &'static str,
        message: &'static str,
    ) -> Result<T, WriteError> {
        match self {
            Err(WriteError::Db(sqlx::Error::Database(db)))
                if db.constraint() == Some(constraint) =>
            {
                tracing::warn!(constraint, "constraint refused input");
                Err(WriteError::Refused(FieldErrors::single(field, message)))
            }
            other => other,
        }
    }
}
