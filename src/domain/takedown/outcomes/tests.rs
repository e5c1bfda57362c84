use super::*;

const LISTING: &str = "https://www.aliexpress.com/item/1005000000000001.html";

fn item(outcome: &str, listing_url: &str, note: Option<&str>) -> OutcomeInput {
    OutcomeInput {
        brand: " acme ".into(),
        listing_url: listing_url.into(),
        outcome: outcome.into(),
        note: note.map(str::to_owned),
    }
}

fn batch(items: Vec<OutcomeInput>) -> OutcomesInput {
    OutcomesInput { outcomes: items }
}

/// Finishes every draft as if the database found each listing under id 7, and returns the
/// fields named.
fn fields_when_all_found(drafts: Vec<OutcomeDraft>) -> Vec<String> {
    let mut errors = FieldErrors::new();
    for draft in drafts {
        draft.finish(Some(7), "Acme", &mut errors);
    }
    errors
        .as_slice()
        .iter()
        .map(|e| e.field.to_string())
        .collect()
}

#[test]
fn a_batch_holds_one_to_a_thousand_outcomes() {
    let refused = batch(vec![]).check().expect_err("empty");
    assert_eq!(refused.get("outcomes"), Some("Send 1 to 1000 outcomes"));
    let too_many = (0..=MAX_OUTCOMES)
        .map(|_| item("removed", LISTING, None))
        .collect();
    assert!(batch(too_many).check().is_err());
    let full = (0..MAX_OUTCOMES)
        .map(|_| item("removed", LISTING, None))
        .collect();
    assert_eq!(batch(full).check().expect("fits").len(), MAX_OUTCOMES);
}

#[test]
fn a_valid_item_is_ready_once_its_listing_is_found() {
    let drafts = batch(vec![item(
        "removed",
        &format!("{LISTING}?spm=a2g0o"),
        Some(" case 4411 "),
    )])
    .check()
    .expect("valid");
    let [draft] = <[OutcomeDraft; 1]>::try_from(drafts).expect("one");
    assert_eq!(draft.brand, "acme");
    assert_eq!(draft.canonical_url.as_deref(), Some(LISTING));
    let mut errors = FieldErrors::new();
    let ready = draft.finish(Some(7), "Acme", &mut errors);
    assert!(errors.is_empty());
    assert_eq!(
        ready,
        Some(ReadyOutcome {
            listing_id: 7,
            canonical_url: LISTING.into(),
            outcome: Outcome::Removed,
            note: Some("case 4411".into()),
        })
    );
}

#[test]
fn an_unknown_outcome_is_named_with_the_known_ones() {
    let drafts = batch(vec![item("vanished", LISTING, None)])
        .check()
        .expect("batch");
    let mut errors = FieldErrors::new();
    let ready = drafts
        .into_iter()
        .next()
        .expect("one")
        .finish(Some(7), "Acme", &mut errors);
    assert_eq!(ready, None);
    let message = errors.get("outcomes[0].outcome").expect("named");
    assert!(message.contains("rejected_by_marketplace"), "{message}");
}

#[test]
fn notes_are_trimmed_blank_ones_dropped_and_long_ones_refused() {
    let at_most = "é".repeat(MAX_NOTE_CHARS);
    let over = "x".repeat(MAX_NOTE_CHARS + 1);
    let drafts = batch(vec![
        item("removed", LISTING, Some("   ")),
        item("removed", LISTING, Some(&at_most)),
        item("removed", LISTING, Some(&format!("  {over}  "))),
    ])
    .check()
    .expect("batch");
    let mut errors = FieldErrors::new();
    let ready: Vec<_> = drafts
        .into_iter()
        .map(|d| d.finish(Some(7), "Acme", &mut errors))
        .collect();
    assert_eq!(ready[0].as_ref().map(|r| r.note.clone()), Some(None));
    assert!(ready[1].is_some());
    assert_eq!(ready[2], None);
    assert_eq!(
        errors.get("outcomes[2].note"),
        Some("Keep the note under 2000 characters")
    );
}

#[test]
fn an_address_that_is_not_a_listing_is_named() {
    let drafts = batch(vec![item("removed", "not a url", None)])
        .check()
        .expect("batch");
    assert_eq!(drafts[0].canonical_url, None);
    assert_eq!(fields_when_all_found(drafts), ["outcomes[0].listing_url"]);
}

#[test]
fn a_listing_nobody_reported_for_the_brand_is_named_with_the_brand() {
    let drafts = batch(vec![item("removed", LISTING, None)])
        .check()
        .expect("batch");
    let mut errors = FieldErrors::new();
    let ready = drafts
        .into_iter()
        .next()
        .expect("one")
        .finish(None, "Acme", &mut errors);
    assert_eq!(ready, None);
    assert_eq!(
        errors.get("outcomes[0].listing_url"),
        Some("Nobody has reported this listing as a fake Acme")
    );
}

#[test]
fn problems_are_named_item_by_item_in_field_order() {
    let drafts = batch(vec![
        item("removed", LISTING, None),
        item(
            "vanished",
            "not a url",
            Some(&"x".repeat(MAX_NOTE_CHARS + 1)),
        ),
        item("removed", LISTING, None),
    ])
    .check()
    .expect("batch");
    let mut errors = FieldErrors::new();
    let found = [Some(7), Some(7), None];
    for (draft, listing_id) in drafts.into_iter().zip(found) {
        draft.finish(listing_id, "Acme", &mut errors);
    }
    let fields: Vec<&str> = errors.as_slice().iter().map(|e| e.field.as_ref()).collect();
    assert_eq!(
        fields,
        [
            "outcomes[1].outcome",
            "outcomes[1].note",
            "outcomes[1].listing_url",
            "outcomes[2].listing_url"
        ]
    );
}
