//! The domain's enums as the text columns that hold them. Rows decode straight into the enum,
//! once, here: a name the code does not know is a decoding error (the request fails and the
//! log says which value), never a silent fallback in a handler. Binding an enum writes its
//! stable name. `domain` stays free of sqlx: the impls live on this side of the boundary.
//! A reply's verification code is a text column of a fixed format, read the same way.

use std::str::FromStr;

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgHasArrayType, PgTypeInfo, PgValueRef};
use sqlx::{Decode, Encode, Postgres, Type};

use crate::domain::Marketplace;
use crate::domain::media_type::MediaType;
use crate::domain::moderation::flags::Flag;
use crate::domain::moderation::{Action, RejectReason, SubjectKind};
use crate::domain::order_month::OrderMonth;
use crate::domain::outcome::Outcome;
use crate::domain::reason::Reason;
use crate::domain::reply::{ReplyRejectReason, ReplyStatus, VerificationCode};
use crate::domain::status::ReportStatus;
use crate::domain::takedown::ListingStatus;

macro_rules! text_column {
    ($($ty:ty),* $(,)?) => {$(
        impl Type<Postgres> for $ty {
            fn type_info() -> PgTypeInfo {
                <&str as Type<Postgres>>::type_info()
            }

            fn compatible(ty: &PgTypeInfo) -> bool {
                <&str as Type<Postgres>>::compatible(ty)
            }
        }

        impl PgHasArrayType for $ty {
            fn array_type_info() -> PgTypeInfo {
                <&str as PgHasArrayType>::array_type_info()
            }

            fn array_compatible(ty: &PgTypeInfo) -> bool {
                <&str as PgHasArrayType>::array_compatible(ty)
            }
        }

        impl<'r> Decode<'r, Postgres> for $ty {
            fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
                let text = <&str as Decode<Postgres>>::decode(value)?;
                text.parse::<$ty>()
                    .map_err(|_| format!("{text:?} is not a {}", stringify!($ty)).into())
            }
        }

        impl Encode<'_, Postgres> for $ty {
            fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
                <&str as Encode<Postgres>>::encode(self.as_str(), buf)
            }
        }
    )*};
}

text_column!(
    Action,
    Flag,
    ListingStatus,
    Marketplace,
    Outcome,
    Reason,
    RejectReason,
    ReplyRejectReason,
    ReplyStatus,
    ReportStatus,
    SubjectKind,
    VerificationCode,
);

// Two more values kept as text: an evidence file's MIME type (as `MediaType::mime` writes it),
// and an order's month from `to_char(order_date, 'YYYY-MM')` (read only: the day is what is
// stored, and public pages must never see it).
impl Type<Postgres> for MediaType {
    fn type_info() -> PgTypeInfo {
        <&str as Type<Postgres>>::type_info()
    }

    fn compatible(ty: &PgTypeInfo) -> bool {
        <&str as Type<Postgres>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Postgres> for MediaType {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as Decode<Postgres>>::decode(value)?;
        MediaType::from_mime(text).ok_or_else(|| format!("{text:?} is not a MediaType").into())
    }
}

impl Encode<'_, Postgres> for MediaType {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        <&str as Encode<Postgres>>::encode(self.mime(), buf)
    }
}

impl PgHasArrayType for MediaType {
    fn array_type_info() -> PgTypeInfo {
        <&str as PgHasArrayType>::array_type_info()
    }
}

impl Type<Postgres> for OrderMonth {
    fn type_info() -> PgTypeInfo {
        <&str as Type<Postgres>>::type_info()
    }

    fn compatible(ty: &PgTypeInfo) -> bool {
        <&str as Type<Postgres>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Postgres> for OrderMonth {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as Decode<Postgres>>::decode(value)?;
        Ok(text.parse::<OrderMonth>()?)
    }
}

/// The same enums inside the JSON that aggregating statements build (`json_build_object`),
/// read as strictly as a column: `#[serde(deserialize_with = "json::parsed")]`. An unknown
/// name fails the row, once, here.
pub mod json {
    use std::any::type_name;

    use serde::de::Error;
    use serde::{Deserialize, Deserializer};

    use super::FromStr;

    /// One value, by its stable name.
    pub fn parsed<'de, D: Deserializer<'de>, T: FromStr>(deserializer: D) -> Result<T, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse(&text)
    }

    /// A JSON array of names (from a `text[]` column).
    pub fn parsed_vec<'de, D: Deserializer<'de>, T: FromStr>(
        deserializer: D,
    ) -> Result<Vec<T>, D::Error> {
        Vec::<String>::deserialize(deserializer)?
            .iter()
            .map(|text| parse(text))
            .collect()
    }

    fn parse<T: FromStr, E: Error>(text: &str) -> Result<T, E> {
        text.parse()
            .map_err(|_| E::custom(format!("{text:?} is not a {}", type_name::<T>())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Aggregated {
        #[serde(deserialize_with = "json::parsed")]
        status: ReportStatus,
        #[serde(deserialize_with = "json::parsed_vec")]
        reasons: Vec<Reason>,
    }

    #[test]
    fn enums_in_aggregated_json_decode_by_their_names_and_unknown_names_fail() {
        let row: Aggregated =
            serde_json::from_str(r#"{"status": "verified", "reasons": ["poor_quality", "other"]}"#)
                .expect("known names");
        assert_eq!(row.status, ReportStatus::Verified);
        assert_eq!(row.reasons, [Reason::PoorQuality, Reason::Other]);
        let unknown = serde_json::from_str::<Aggregated>(r#"{"status": "hidden", "reasons": []}"#)
            .expect_err("an unknown status");
        assert!(
            unknown.to_string().contains("\"hidden\" is not a"),
            "{unknown}"
        );
        assert!(
            serde_json::from_str::<Aggregated>(r#"{"status": "verified", "reasons": ["fake"]}"#)
                .is_err()
        );
    }

    #[test]
    fn enums_are_text_and_arrays_of_them_text_arrays() {
        assert_eq!(
            ReportStatus::type_info(),
            <&str as Type<Postgres>>::type_info()
        );
        assert_eq!(
            <Reason as PgHasArrayType>::array_type_info(),
            <&str as PgHasArrayType>::array_type_info()
        );
    }
}
