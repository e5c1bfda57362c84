use super::*;

fn params(pairs: &[(&str, &str)]) -> ExportParams {
    let mut p = ExportParams::default();
    for (k, v) in pairs {
        let v = Some((*v).to_owned());
        match *k {
            "brand" => p.brand = v,
            "format" => p.format = v,
            "preset" => p.preset = v,
            "marketplace" => p.marketplace = v,
            "status" => p.status = v,
            "min_reporters" => p.min_reporters = v,
            "reported_after" => p.reported_after = v,
            "reported_before" => p.reported_before = v,
            "since" => p.since = v,
            "part" => p.part = v,
            "of" => p.of = v,
            "after" => p.after = v,
            "parts" => p.parts = v,
            other => panic!("no parameter {other}"),
        }
    }
    p
}

fn check(pairs: &[(&str, &str)]) -> ExportRequest {
    params(pairs).check(None).expect("valid")
}

fn refused(pairs: &[(&str, &str)]) -> FieldErrors {
    match params(pairs).check(None) {
        Err(ExportRefused::Invalid(errors)) => errors,
        other => panic!("expected field errors for {pairs:?}, got {other:?}"),
    }
}

/// The fields named by the refusal of `pairs`.
fn fields(pairs: &[(&str, &str)]) -> Vec<String> {
    refused(pairs)
        .as_slice()
        .iter()
        .map(|e| e.field.to_string())
        .collect()
}

fn a_cursor() -> String {
    Cursor::from_snapshot("10:10:").expect("snapshot").encode()
}

#[test]
fn format_param_wins_over_accept() {
    let r = params(&[("format", "csv")])
        .check(Some("application/json"))
        .expect("ok");
    assert_eq!(r.format, Format::Csv);
    let r = params(&[]).check(Some("application/x-ndjson")).expect("ok");
    assert_eq!(r.format, Format::Ndjson);
    assert_eq!(
        params(&[]).check(Some("image/png")).map(|_| ()),
        Err(ExportRefused::NotAcceptable)
    );
    assert_eq!(check(&[]).format, Format::Json);
}

#[test]
fn a_format_chosen_by_accept_is_repeated_in_links() {
    let r = params(&[("brand", "acme")])
        .check(Some("text/csv"))
        .expect("ok");
    assert_eq!(
        r.repeat_query,
        [("brand", "acme".to_owned()), ("format", "csv".to_owned())]
    );
}

#[test]
fn presets_restrict_the_marketplace_and_aliexpress_has_parts() {
    let r = check(&[("preset", "aliexpress")]);
    assert_eq!(r.filter.marketplace, Some(Marketplace::AliExpress));
    assert_eq!(r.part, Some(1));
    let r = check(&[("preset", "dsa"), ("marketplace", "temu")]);
    assert_eq!(r.filter.marketplace, Some(Marketplace::Temu));
    assert_eq!(r.part, None);
    // Later parts come from next_part links, which carry where to continue.
    let cursor = a_cursor();
    let r = check(&[
        ("preset", "aliexpress"),
        ("part", "2"),
        ("of", &cursor),
        ("after", "41"),
    ]);
    assert_eq!((r.part, r.filter.after), (Some(2), Some(41)));
    assert_eq!(
        r.filter.frozen.as_ref().map(Cursor::snapshot),
        Some("10:10:")
    );
}

#[test]
fn a_preset_and_a_marketplace_that_contradict_each_other_are_refused() {
    let errors = refused(&[("preset", "amazon"), ("marketplace", "ebay")]);
    assert_eq!(
        errors.get("marketplace"),
        Some("preset=amazon lists only amazon listings")
    );
    assert_eq!(errors.as_slice().len(), 1);
}

#[test]
fn ready_to_file_lists_show_fileable_listings_unless_a_status_is_given() {
    assert_eq!(check(&[]).filter.status, None);
    assert_eq!(
        check(&[("preset", "dsa")]).filter.status,
        Some(FILEABLE.to_vec())
    );
    assert_eq!(
        check(&[("preset", "dsa"), ("status", "genuine")])
            .filter
            .status,
        Some(vec![ListingStatus::Outcome(Outcome::Genuine)])
    );
}

#[test]
fn parts_are_numbered_from_one_and_only_for_presets_in_parts() {
    for query in [
        &[("preset", "aliexpress"), ("part", "0")][..],
        &[("preset", "aliexpress"), ("part", "two")],
        &[("part", "1")],
        &[("preset", "dsa"), ("part", "1")],
        &[("preset", "ebay"), ("part", "2")],
    ] {
        assert_eq!(fields(query), ["part"], "{query:?}");
    }
    assert_eq!(
        refused(&[("part", "1")]).get("part"),
        Some("Only preset=aliexpress comes in parts")
    );
}

#[test]
fn parts_after_the_first_come_only_from_next_part_links() {
    // A part number alone would shift when the list changes.
    let guessed = refused(&[("preset", "aliexpress"), ("part", "2")]);
    assert!(
        guessed
            .get("part")
            .expect("part")
            .contains("next_part link"),
        "{guessed:?}"
    );
    let cursor = a_cursor();
    for query in [
        &[("preset", "aliexpress"), ("of", cursor.as_str())][..],
        &[("preset", "aliexpress"), ("part", "1"), ("after", "4")],
        &[("parts", "3")],
    ] {
        assert_eq!(fields(query), ["part"], "{query:?}");
    }
    // The rule about links is left out while another field is wrong.
    assert_eq!(
        fields(&[("preset", "aliexpress"), ("part", "2"), ("status", "gone")]),
        ["status"]
    );
}

#[test]
fn every_bad_field_is_named() {
    assert_eq!(
        fields(&[
            ("format", "xlsx"),
            ("preset", "wish"),
            ("marketplace", "mars"),
            ("status", "gone"),
            ("min_reporters", "-1"),
            ("reported_after", "yesterday"),
            ("reported_before", "2026-13-01"),
            ("since", "1:2:"),
        ]),
        [
            "format",
            "preset",
            "marketplace",
            "status",
            "min_reporters",
            "reported_after",
            "reported_before",
            "since"
        ]
    );
}

#[test]
fn each_parameter_is_checked_on_its_own() {
    for (pair, named) in [
        (("min_reporters", "abc"), &["min_reporters"][..]),
        (("min_reporters", "0"), &["min_reporters"]),
        (("min_reporters", "1000001"), &["min_reporters"]),
        (("since", "1:2:"), &["since"]),
        (("since", "not-a-cursor"), &["since"]),
        // A well-formed cursor whose snapshot is not one: 5:4:
        (("since", "c1.NTo0Og"), &["since"]),
        (("status", "Reported"), &["status"]),
        (("marketplace", "AliExpress"), &["marketplace"]),
        // Link parameters are checked, and then also refused outside a later part.
        (("of", "c1.NTo0Og"), &["of", "part"]),
        (("after", "-1"), &["after", "part"]),
        (("parts", "0"), &["parts", "part"]),
    ] {
        assert_eq!(fields(&[pair]), named, "{pair:?}");
    }
    let status = refused(&[("status", "gone")]);
    assert!(
        status
            .get("status")
            .expect("status")
            .contains("reported, verified, withdrawn"),
        "{status:?}"
    );
}

#[test]
fn blank_parameters_are_as_if_left_out() {
    let r = check(&[
        ("brand", " "),
        ("format", ""),
        ("status", ""),
        ("since", ""),
        ("min_reporters", ""),
        ("part", ""),
    ]);
    assert_eq!(r.brand, None);
    assert_eq!(r.filter, ExportFilter::default());
    assert_eq!(r.repeat_query, [("format", "json".to_owned())]);
}

#[test]
fn a_sync_takes_no_filters_and_names_each_one_given() {
    let cursor = a_cursor();
    for filter in SYNC_IGNORES {
        let value = match filter {
            "status" => "reported",
            "min_reporters" => "2",
            _ => "2026-01-01",
        };
        let errors = refused(&[("since", &cursor), (filter, value)]);
        assert_eq!(errors.as_slice().len(), 1, "{filter}");
        assert!(
            errors
                .get(filter)
                .is_some_and(|m| m.starts_with("since= returns every listing that changed")),
            "{filter}: {errors:?}"
        );
    }
    let r = check(&[("since", &cursor), ("marketplace", "ebay")]);
    assert_eq!(
        r.filter.since.as_ref().map(Cursor::snapshot),
        Some("10:10:")
    );
    assert_eq!(r.since_param.as_deref(), Some(cursor.as_str()));
}

#[test]
fn withdrawn_listings_come_only_in_syncs() {
    let errors = refused(&[("status", "withdrawn")]);
    assert!(
        errors
            .get("status")
            .is_some_and(|m| m.starts_with("Full lists hold only listings with live reports")),
        "{errors:?}"
    );
}

#[test]
fn dates_and_times_both_parse() {
    let r = check(&[
        ("reported_after", "2026-11-01"),
        ("reported_before", "2026-11-25T08:00:00Z"),
    ]);
    assert_eq!(
        r.filter.reported_after.map(|t| t.unix_timestamp()),
        Some(1_793_491_200)
    );
    assert!(r.filter.reported_before.is_some());
    assert_eq!(
        r.repeat_query,
        [
            ("format", "json".to_owned()),
            ("reported_after", "2026-11-01".to_owned()),
            ("reported_before", "2026-11-25T08:00:00Z".to_owned())
        ]
    );
}

#[test]
fn the_next_link_repeats_the_request_without_filters_a_sync_refuses() {
    let r = check(&[
        ("brand", "acme"),
        ("format", "csv"),
        ("marketplace", "amazon"),
        ("status", "verified"),
        ("min_reporters", "2"),
        ("reported_after", "2026-01-01"),
    ]);
    assert_eq!(
        r.sync_query("c1.X"),
        [
            ("brand", "acme".to_owned()),
            ("format", "csv".to_owned()),
            ("marketplace", "amazon".to_owned()),
            ("since", "c1.X".to_owned())
        ]
    );
}

#[test]
fn the_next_part_link_carries_the_sync_cursor_and_where_to_continue() {
    let cursor = a_cursor();
    let r = check(&[
        ("brand", "acme"),
        ("preset", "aliexpress"),
        ("since", &cursor),
    ]);
    assert_eq!(
        r.part_query((2, 3), "c1.F", 41),
        [
            ("brand", "acme".to_owned()),
            ("format", "json".to_owned()),
            ("preset", "aliexpress".to_owned()),
            ("since", cursor.clone()),
            ("part", "2".to_owned()),
            ("parts", "3".to_owned()),
            ("of", "c1.F".to_owned()),
            ("after", "41".to_owned())
        ]
    );
    assert_eq!(r.part_rows(), Some((1, 300)));
    assert_eq!(r.carried_part_count(), None);
    let later = check(&[
        ("preset", "aliexpress"),
        ("part", "2"),
        ("parts", "3"),
        ("of", &cursor),
        ("after", "41"),
    ]);
    assert_eq!(later.carried_part_count(), Some(3));
}
