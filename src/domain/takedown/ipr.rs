//! The IP-right details a rights holder stores per brand, which fill the complaint columns of
//! every export of that brand.

use serde::Deserialize;

use crate::domain::validation::FieldErrors;

pub const MAX_IPR_CHARS: usize = 100;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IprInput {
    /// The trademark's registration number; null or empty clears it.
    #[schema(max_length = 100)]
    pub ipr_registration_no: Option<String>,
    /// The office that registered it (EUIPO, USPTO, CNIPA, …); null or empty clears it.
    #[schema(max_length = 100)]
    pub ipr_office: Option<String>,
}

/// Checked details: trimmed, `None` where blank (which clears the value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ipr {
    pub registration_no: Option<String>,
    pub office: Option<String>,
}

impl IprInput {
    /// Trims both values and names each that is too long.
    pub fn check(self) -> Result<Ipr, FieldErrors> {
        let clean = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let ipr = Ipr {
            registration_no: clean(self.ipr_registration_no),
            office: clean(self.ipr_office),
        };
        let mut errors = FieldErrors::new();
        for (field, value) in [
            ("ipr_registration_no", &ipr.registration_no),
            ("ipr_office", &ipr.office),
        ] {
            if value
                .as_ref()
                .is_some_and(|v| v.chars().count() > MAX_IPR_CHARS)
            {
                errors.add(field, format!("Keep it under {MAX_IPR_CHARS} characters"));
            }
        }
        if errors.is_empty() {
            Ok(ipr)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(registration_no: Option<&str>, office: Option<&str>) -> IprInput {
        IprInput {
            ipr_registration_no: registration_no.map(str::to_owned),
            ipr_office: office.map(str::to_owned),
        }
    }

    fn fields(errors: FieldErrors) -> Vec<String> {
        errors
            .as_slice()
            .iter()
            .map(|e| e.field.to_string())
            .collect()
    }

    #[test]
    fn values_are_trimmed_and_blank_ones_clear() {
        let ipr = input(Some("  EU 018 123 456 "), Some("   "))
            .check()
            .expect("valid");
        assert_eq!(ipr.registration_no.as_deref(), Some("EU 018 123 456"));
        assert_eq!(ipr.office, None);
        assert_eq!(
            input(None, None).check(),
            Ok(Ipr {
                registration_no: None,
                office: None
            })
        );
    }

    #[test]
    fn each_value_over_a_hundred_characters_is_named() {
        let at_most = "é".repeat(MAX_IPR_CHARS);
        assert!(input(Some(&at_most), Some(&at_most)).check().is_ok());
        let over = "x".repeat(MAX_IPR_CHARS + 1);
        assert_eq!(
            fields(
                input(Some(&over), Some("EUIPO"))
                    .check()
                    .expect_err("too long")
            ),
            ["ipr_registration_no"]
        );
        assert_eq!(
            fields(
                input(Some(&over), Some(&over))
                    .check()
                    .expect_err("too long")
            ),
            ["ipr_registration_no", "ipr_office"]
        );
        let message = input(None, Some(&over)).check().expect_err("too long");
        assert_eq!(
            message.get("ipr_office"),
            Some("Keep it under 100 characters")
        );
    }
}
