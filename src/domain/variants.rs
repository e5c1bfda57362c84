//! Every variant of an enum as an array, from strum's `VariantArray`, so that no enum keeps a
//! hand-written list of its variants that a new one could be missing from.

/// `T`'s variants in declaration order. An array rather than strum's slice, so that the enums'
/// `ALL` constants iterate by value (`for m in Marketplace::ALL`) and `map` as arrays do.
/// `N` must be the number of variants (`T::VARIANTS.len()`); anything else fails to compile.
pub const fn all<T: strum::VariantArray + Copy, const N: usize>() -> [T; N] {
    let variants = T::VARIANTS;
    assert!(variants.len() == N, "N is not the number of variants");
    let mut all = [variants[0]; N];
    let mut i = 1;
    while i < N {
        all[i] = variants[i];
        i += 1;
    }
    all
}

/// Gives an enum with `ALL` and `as_str` its JSON form, its name as a string, and its schema
/// in the API document: a string, one of the names. One definition, so that the document
/// lists exactly the names the JSON carries.
macro_rules! json_as_name {
    ($enum:ty) => {
        impl utoipa::PartialSchema for $enum {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some(<$enum>::ALL.map(<$enum>::as_str)))
                    .into()
            }
        }

        impl utoipa::ToSchema for $enum {}

        impl serde::Serialize for $enum {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}
pub(crate) use json_as_name;
