//! Everything in a PDF that runs, opens, attaches or names someone, removed from its
//! dictionaries. Page content (text, drawings, images) is never touched here.
//!
//! | What | Where | Done |
//! |---|---|---|
//! | XMP metadata, application data | `/Metadata`, `/PieceInfo` anywhere | removed |
//! | JavaScript | `/Names /JavaScript` tree, `/JS` of actions, XFA forms (`/XFA`) | removed |
//! | Actions run without a click | `/OpenAction` (catalog), `/AA` (catalog, pages, annotations, fields) | removed |
//! | Actions on click | `/A` of links, outline items, widgets | only `/GoTo` (a page of this file) is kept, without `/Next`; `/URI`, `/Launch`, `/GoToR`, `/GoToE`, `/SubmitForm`, `/ImportData`, `/JavaScript`, `/Named`, media actions … are removed (the link area stays, inert) |
//! | Attached files | `/Names /EmbeddedFiles`, `/EF` of file specifications, `/AF`, `/Collection`, `EmbeddedFile` streams | removed |
//! | Annotations that play, embed or attach | `FileAttachment`, `Sound`, `Movie`, `Screen`, `RichMedia`, `3D` | removed from the pages |
//! | Who wrote a comment, and when | `/T`, `/M`, `/CreationDate` of annotations other than form widgets | removed (the comment text stays) |
//! | Form values | `/V`, `/DV`, `/RV` of fields; a widget's `/AS` and `/AP` (its appearance shows the value) | removed; `/NeedAppearances` set so viewers draw the empty fields |
//! | Signatures | a signature field's `/V` (signer name, location, reason), `/Perms` | removed (rewriting the file breaks them anyway) |
//!
//! Values typed into a form and then "flattened" into the page are page content now, and stay.

use std::collections::HashSet;

use lopdf::{Dictionary, Document, Object, ObjectId};

/// Keys dropped from every dictionary.
const REMOVED_KEYS: [&[u8]; 14] = [
    b"Metadata",
    b"PieceInfo",
    b"OpenAction",
    b"AA",
    b"JS",
    b"JavaScript",
    b"XFA",
    b"EmbeddedFiles",
    b"EF",
    b"AF",
    b"Collection",
    b"PA",
    b"Perms",
    b"RichMediaContent",
];

/// Annotation types removed with everything they carry.
const REMOVED_ANNOTATIONS: [&[u8]; 6] = [
    b"FileAttachment",
    b"Sound",
    b"Movie",
    b"Screen",
    b"RichMedia",
    b"3D",
];

/// The one action type kept: a jump to a page of the same file.
const KEPT_ACTION: &[u8] = b"GoTo";

/// Keys of form fields and widgets that hold values.
const FIELD_VALUE_KEYS: [&[u8]; 3] = [b"V", b"DV", b"RV"];

/// Keys of markup annotations that name or date their author.
const AUTHOR_KEYS: [&[u8]; 3] = [b"T", b"M", b"CreationDate"];

/// Applies the table in the module docs to every object of `document`.
pub(super) fn remove(document: &mut Document) {
    // What the rules below need to know about other objects, found first: a dictionary that
    // `/A` points at is judged by its own `/S`, and an `/Annots` array may be an object of
    // its own.
    let mut found = Found::default();
    let mut doomed = Vec::new();
    for (&id, object) in &document.objects {
        let dictionary = match object {
            Object::Dictionary(dictionary) => dictionary,
            Object::Stream(stream) => &stream.dict,
            _ => continue,
        };
        if is_kept_action(dictionary) {
            found.kept_actions.insert(id);
        }
        if is_removed_annotation(dictionary) {
            found.removed_annotations.insert(id);
            doomed.push(id);
        }
        if dictionary.has_type(b"EmbeddedFile") {
            doomed.push(id);
        }
        if let Ok(Object::Reference(annotations)) = dictionary.get(b"Annots") {
            found.annotation_arrays.insert(*annotations);
        }
    }

    let mut widgets_emptied = false;
    for (id, object) in &mut document.objects {
        if let Object::Array(annotations) = object
            && found.annotation_arrays.contains(id)
        {
            keep_wanted_annotations(annotations, &found);
        }
        clean_object(object, &found, &mut widgets_emptied, 0);
    }
    // Removed annotations may still be pointed at (by their pop-ups, say), and a file stream
    // from anywhere: delete them outright. A reference to a missing object reads as null.
    for id in doomed {
        document.objects.remove(&id);
    }
    if widgets_emptied {
        ask_viewers_to_draw_fields(document);
    }
}

/// Sets `/NeedAppearances` on the form, which is a dictionary in the catalog or an object.
fn ask_viewers_to_draw_fields(document: &mut Document) {
    let Ok(catalog) = document.catalog_mut() else {
        return;
    };
    let form = match catalog.get_mut(b"AcroForm") {
        Ok(Object::Dictionary(form)) => form,
        Ok(Object::Reference(id)) => {
            let id = *id;
            match document.get_object_mut(id).and_then(Object::as_dict_mut) {
                Ok(form) => form,
                Err(_) => return,
            }
        }
        _ => return,
    };
    form.set("NeedAppearances", true);
}

#[derive(Default)]
struct Found {
    /// `/GoTo` actions: the only objects that `/A` may point at.
    kept_actions: HashSet<ObjectId>,
    removed_annotations: HashSet<ObjectId>,
    /// `/Annots` arrays that are objects of their own.
    annotation_arrays: HashSet<ObjectId>,
}

fn keep_wanted_annotations(annotations: &mut Vec<Object>, found: &Found) {
    annotations.retain(|annotation| match annotation {
        Object::Reference(id) => !found.removed_annotations.contains(id),
        Object::Dictionary(annotation) => !is_removed_annotation(annotation),
        _ => true,
    });
}

fn clean_object(object: &mut Object, found: &Found, widgets_emptied: &mut bool, depth: usize) {
    // lopdf's parser refuses nesting deeper than 100; this only bounds the recursion should
    // that ever change.
    if depth > 128 {
        return;
    }
    match object {
        Object::Array(items) => {
            for item in items {
                clean_object(item, found, widgets_emptied, depth + 1);
            }
        }
        Object::Dictionary(dictionary) => {
            clean_dictionary(dictionary, found, widgets_emptied, depth);
        }
        Object::Stream(stream) => clean_dictionary(&mut stream.dict, found, widgets_emptied, depth),
        _ => {}
    }
}

fn clean_dictionary(
    dictionary: &mut Dictionary,
    found: &Found,
    widgets_emptied: &mut bool,
    depth: usize,
) {
    for key in REMOVED_KEYS {
        dictionary.remove(key);
    }
    let action_unwanted = match dictionary.get(b"A") {
        Ok(Object::Reference(id)) => !found.kept_actions.contains(id),
        Ok(Object::Dictionary(action)) => !is_kept_action(action),
        Ok(_) => true,
        Err(_) => false,
    };
    if action_unwanted {
        dictionary.remove(b"A");
    }
    if is_kept_action(dictionary) {
        // A chain of further actions, which may be of any type.
        dictionary.remove(b"Next");
    }
    if let Ok(Object::Array(annotations)) = dictionary.get_mut(b"Annots") {
        keep_wanted_annotations(annotations, found);
    }
    // Widgets are annotations and may be fields too; other annotations are never fields, and
    // a pop-up's `/Parent` must not make it look like one.
    if is_widget(dictionary) {
        for key in FIELD_VALUE_KEYS.iter().chain(&[b"AS".as_slice(), b"AP"]) {
            *widgets_emptied |= dictionary.remove(key).is_some();
        }
    } else if is_annotation(dictionary) {
        for key in AUTHOR_KEYS {
            dictionary.remove(key);
        }
    } else if is_field(dictionary) {
        for key in FIELD_VALUE_KEYS {
            dictionary.remove(key);
        }
    }
    for (_, value) in dictionary.iter_mut() {
        clean_object(value, found, widgets_emptied, depth + 1);
    }
}

fn is_kept_action(dictionary: &Dictionary) -> bool {
    matches!(dictionary.get(b"S"), Ok(Object::Name(name)) if name == KEPT_ACTION)
}

fn subtype(dictionary: &Dictionary) -> Option<&[u8]> {
    match dictionary.get(b"Subtype") {
        Ok(Object::Name(name)) => Some(name),
        _ => None,
    }
}

/// Annotations have a `/Rect` and a `/Subtype`; `/Type /Annot` is optional.
fn is_annotation(dictionary: &Dictionary) -> bool {
    dictionary.has(b"Rect") && subtype(dictionary).is_some()
}

fn is_removed_annotation(dictionary: &Dictionary) -> bool {
    is_annotation(dictionary)
        && subtype(dictionary).is_some_and(|s| REMOVED_ANNOTATIONS.contains(&s))
}

fn is_widget(dictionary: &Dictionary) -> bool {
    subtype(dictionary) == Some(b"Widget")
}

/// A form field that is not also a widget: it has a field type, or a name and a place in the
/// field tree. (`/T` is the field's name here, not an author, and stays.)
fn is_field(dictionary: &Dictionary) -> bool {
    dictionary.has(b"FT")
        || (dictionary.has(b"T") && (dictionary.has(b"Kids") || dictionary.has(b"Parent")))
}
