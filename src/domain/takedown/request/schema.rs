//! How the OpenAPI document states the export's number parameters: a whole number in range,
//! or blank, which is as if it were left out (as with every export parameter). utoipa leaves
//! the field's doc comment out of a `schema_with` parameter, so the description comes along.

use utoipa::openapi::schema::{
    AnyOfBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type,
};

use super::{MAX_MIN_REPORTERS, MAX_PART};

fn number_or_blank(min: i64, max: i64, description: &str) -> Schema {
    let number = ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(min))
        .maximum(Some(max));
    let blank = ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(0));
    let either = AnyOfBuilder::new().item(number).item(blank);
    Schema::AnyOf(either.description(Some(description)).build())
}

pub(super) fn min_reporters() -> Schema {
    number_or_blank(
        1,
        MAX_MIN_REPORTERS,
        "Only listings reported by at least this many different buyers; not with `since`.",
    )
}

pub(super) fn part() -> Schema {
    number_or_blank(
        1,
        MAX_PART,
        "With `preset=aliexpress`: which part of 300 listings (from 1); parts after the first \
         come from the `next_part` link of the part before.",
    )
}

pub(super) fn parts() -> Schema {
    number_or_blank(
        1,
        MAX_PART,
        "Set by `next_part` links: the part count the first part found.",
    )
}

pub(super) fn after() -> Schema {
    number_or_blank(
        0,
        i64::MAX,
        "Set by `next_part` links: where the previous part ended.",
    )
}
