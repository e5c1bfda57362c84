//! The domain's enums as the text columns that hold them. Rows decode straight into the enum,
//! once, here: a name the code does not know is a decoding error (the request fails and the
//! log says which value), never a silent fallback in a handler. Binding an enum writes its
//! stable name. `domain` stays free of sqlx: the impls live on this side of the boundary.
//! A reply's verification code is a text column of a fixed format, read the same way.

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgHasArrayType, PgTypeInfo, PgValueRef};
use sqlx::{Decode, Encode, Postgres, Type};

use crate::domain::Marketplace;
use crate::domain::moderation::flags::Flag;
use crate::domain::moderation::{Action, RejectReason, SubjectKind};
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

/// Serde's `deserialize_with` for a domain enum inside a JSON value a statement builds
/// (`json_build_object`): read from its stored name like a text column, so that an unknown name
/// fails the row here as well.
pub(crate) fn from_name<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: std::str::FromStr,
{
    let name = <String as serde::Deserialize>::deserialize(deserializer)?;
    name.parse().map_err(|_| {
        let ty = std::any::type_name::<T>();
        serde::de::Error::custom(format!(
            "{name:?} is not a {}",
            ty.rsplit("::").next().unwrap_or(ty)
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
