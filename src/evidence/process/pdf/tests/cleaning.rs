//! Each cleaning rule on a PDF built for it: the thing is gone, the page content is not.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, dictionary};

use super::{clean, contains};
use crate::evidence::process::{EvidenceError, Limits};

/// A one-page PDF showing "Order #FW-2024-00042", to which a test adds what it cleans.
struct Crafted {
    document: Document,
    catalog: ObjectId,
    page: ObjectId,
}

impl Crafted {
    fn new() -> Self {
        let mut document = Document::with_version("1.7");
        let pages = document.new_object_id();
        let content = document.add_object(Stream::new(
            dictionary! {},
            b"BT /F1 12 Tf 72 700 Td (Order #FW-2024-00042) Tj ET".to_vec(),
        ));
        let font = document.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        });
        let page = document.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "Contents" => content,
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
        });
        document.objects.insert(
            pages,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            }),
        );
        let catalog = document.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        document.trailer.set("Root", catalog);
        Self {
            document,
            catalog,
            page,
        }
    }

    fn dictionary(&mut self, id: ObjectId) -> &mut Dictionary {
        self.document
            .get_object_mut(id)
            .and_then(Object::as_dict_mut)
            .expect("a dictionary")
    }

    fn add(&mut self, object: impl Into<Object>) -> ObjectId {
        self.document.add_object(object)
    }

    /// Adds an annotation to the page.
    fn annotate(&mut self, annotation: Dictionary) -> ObjectId {
        let id = self.add(annotation);
        let page = self.dictionary(self.page);
        if !page.has(b"Annots") {
            page.set("Annots", Vec::<Object>::new());
        }
        if let Ok(Object::Array(annotations)) = page.get_mut(b"Annots") {
            annotations.push(id.into());
        }
        id
    }

    fn bytes(mut self) -> Vec<u8> {
        let mut out = Vec::new();
        self.document.save_to(&mut out).expect("saves to memory");
        out
    }
}

fn link(action: Dictionary) -> Dictionary {
    dictionary! {
        "Type" => "Annot", "Subtype" => "Link",
        "Rect" => vec![72.into(), 690.into(), 300.into(), 715.into()],
        "A" => action,
    }
}

fn javascript(code: &str) -> Dictionary {
    dictionary! { "S" => "JavaScript", "JS" => Object::string_literal(code) }
}

/// Cleans `input` after checking that it holds every needle, then checks that none survived
/// and that the page still shows its text. Returns the cleaned document.
fn assert_removed(input: &[u8], needles: &[&str]) -> Document {
    for needle in needles {
        assert!(contains(input, needle.as_bytes()), "input lacks {needle:?}");
    }
    let cleaned = clean(input).expect("cleaned");
    for needle in needles {
        assert!(
            !contains(&cleaned, needle.as_bytes()),
            "{needle:?} survived"
        );
    }
    let document = Document::load_mem(&cleaned).expect("output loads");
    let text = document.extract_text(&[1]).expect("page text");
    assert!(text.contains("Order #FW-2024-00042"), "page lost: {text:?}");
    document
}

#[test]
fn javascript_and_actions_run_on_opening_are_removed() {
    let mut pdf = Crafted::new();
    let open = pdf.add(javascript("app.alert('opened')"));
    let tree = dictionary! { "Names" => vec![Object::string_literal("init"), pdf.add(javascript("app.launchURL('https://x.example')")).into()] };
    let catalog = pdf.dictionary(pdf.catalog);
    catalog.set("OpenAction", open);
    catalog.set("AA", dictionary! { "WC" => javascript("app.beep(0)") });
    catalog.set("Names", dictionary! { "JavaScript" => tree });
    let page = pdf.dictionary(pdf.page);
    page.set("AA", dictionary! { "O" => javascript("this.print()") });

    assert_removed(
        &pdf.bytes(),
        &[
            "app.alert",
            "launchURL",
            "app.beep",
            "this.print",
            "/JavaScript",
            "/OpenAction",
            "/AA",
            "/JS",
        ],
    );
}

#[test]
fn only_links_to_pages_of_the_file_keep_their_action() {
    let mut pdf = Crafted::new();
    for action in [
        dictionary! { "S" => "Launch", "F" => Object::string_literal("calc.exe") },
        dictionary! { "S" => "SubmitForm", "F" => Object::string_literal("https://submit.example") },
        dictionary! { "S" => "ImportData", "F" => Object::string_literal("data.fdf") },
        dictionary! { "S" => "GoToR", "F" => Object::string_literal("other.pdf"), "D" => vec![0.into()] },
        dictionary! { "S" => "URI", "URI" => Object::string_literal("https://tracker.example/p") },
        dictionary! { "S" => "Named", "N" => "Print" },
    ] {
        let action = pdf.add(action);
        pdf.annotate(dictionary! {
            "Subtype" => "Link", "Rect" => vec![0.into(), 0.into(), 9.into(), 9.into()],
            "A" => action,
        });
    }
    let page = pdf.page;
    pdf.annotate(link(dictionary! {
        "S" => "GoTo",
        "D" => vec![page.into(), "Fit".into()],
        "Next" => javascript("app.alert('chained')"),
    }));

    let document = assert_removed(
        &pdf.bytes(),
        &[
            "calc.exe",
            "submit.example",
            "data.fdf",
            "other.pdf",
            "tracker.example",
            "/Launch",
            "/SubmitForm",
            "/ImportData",
            "/GoToR",
            "/URI",
            "/Named",
            "/Next",
            "chained",
        ],
    );
    let page = document
        .get_dictionary(document.page_iter().next().expect("page"))
        .expect("page");
    let links = page
        .get(b"Annots")
        .and_then(Object::as_array)
        .expect("links stay");
    assert_eq!(links.len(), 7);
    let go_to = document
        .objects
        .values()
        .filter_map(|object| object.as_dict().ok())
        .filter_map(|dictionary| dictionary.get(b"A").ok())
        .filter_map(|action| action.as_dict().ok())
        .filter(|action| action.get(b"S").and_then(Object::as_name).ok() == Some(b"GoTo"))
        .count();
    assert_eq!(go_to, 1, "the link within the file keeps its action");
}

#[test]
fn attached_files_and_their_annotations_are_removed() {
    let mut pdf = Crafted::new();
    let file = pdf.add(Stream::new(
        dictionary! { "Type" => "EmbeddedFile" },
        b"Jane Reporter, 1 Rue de Rivoli".to_vec(),
    ));
    let spec = pdf.add(dictionary! {
        "Type" => "Filespec", "F" => Object::string_literal("invoice.xlsx"),
        "EF" => dictionary! { "F" => file },
    });
    // Also reachable from an odd key, so that only deleting the stream removes it.
    let catalog = pdf.dictionary(pdf.catalog);
    catalog.set(
        "Names",
        dictionary! { "EmbeddedFiles" => dictionary! { "Names" => vec![Object::string_literal("invoice.xlsx"), spec.into()] } },
    );
    catalog.set("AF", vec![spec.into()]);
    catalog.set("Stash", file);
    pdf.annotate(dictionary! {
        "Subtype" => "FileAttachment", "Rect" => vec![0.into(), 0.into(), 9.into(), 9.into()],
        "FS" => spec, "Contents" => Object::string_literal("attached.xlsx"),
    });

    assert_removed(
        &pdf.bytes(),
        &[
            "Rue de Rivoli",
            "invoice.xlsx",
            "attached.xlsx",
            "/EmbeddedFiles",
            "/EmbeddedFile",
            "/FileAttachment",
            "/AF",
        ],
    );
}

#[test]
fn comment_authors_are_removed_but_comments_stay() {
    let mut pdf = Crafted::new();
    let note = pdf.annotate(dictionary! {
        "Type" => "Annot", "Subtype" => "Text",
        "Rect" => vec![400.into(), 700.into(), 420.into(), 720.into()],
        "T" => Object::string_literal("Jane Reporter"),
        "Contents" => Object::string_literal("Logo is misprinted"),
        "M" => Object::string_literal("D:20241002101500+02'00'"),
        "CreationDate" => Object::string_literal("D:20241002101000+02'00'"),
    });
    let popup = pdf.annotate(dictionary! {
        "Type" => "Annot", "Subtype" => "Popup",
        "Rect" => vec![420.into(), 600.into(), 560.into(), 700.into()],
        "Parent" => note, "T" => Object::string_literal("J. Reporter"),
    });
    pdf.dictionary(note).set("Popup", popup);

    let bytes = pdf.bytes();
    assert_removed(&bytes, &["Jane Reporter", "J. Reporter", "D:2024"]);
    assert!(contains(
        &clean(&bytes).expect("cleaned"),
        b"Logo is misprinted"
    ));
}

#[test]
fn form_values_are_removed_and_the_fields_stay() {
    let mut pdf = Crafted::new();
    let appearance = pdf.add(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 228.into(), 20.into()] },
        b"BT /F1 10 Tf 2 6 Td (Jane Reporter) Tj ET".to_vec(),
    ));
    let page = pdf.page;
    let name = pdf.annotate(dictionary! {
        "FT" => "Tx", "T" => Object::string_literal("buyer_name"),
        "V" => Object::string_literal("Jane Reporter"), "DV" => Object::string_literal("Jane Doe"),
        "Type" => "Annot", "Subtype" => "Widget", "P" => page,
        "Rect" => vec![72.into(), 600.into(), 300.into(), 620.into()],
        "AP" => dictionary! { "N" => appearance },
    });
    let agree = pdf.add(dictionary! {
        "FT" => "Btn", "T" => Object::string_literal("home_address_shown"), "V" => "Yes",
    });
    let box_widget = pdf.annotate(dictionary! {
        "Subtype" => "Widget", "Parent" => agree, "AS" => "Yes",
        "Rect" => vec![72.into(), 560.into(), 84.into(), 572.into()],
    });
    pdf.dictionary(agree).set("Kids", vec![box_widget.into()]);
    let xfa = pdf.add(Stream::new(
        dictionary! {},
        b"<xdp:xdp><field name=\"buyer\">Jane Roe</field></xdp:xdp>".to_vec(),
    ));
    pdf.dictionary(pdf.catalog).set(
        "AcroForm",
        dictionary! { "Fields" => vec![name.into(), agree.into()], "XFA" => xfa },
    );

    let document = assert_removed(
        &pdf.bytes(),
        &["Jane Reporter", "Jane Doe", "Jane Roe", "/XFA", "/AS", "/V"],
    );
    let form = document
        .catalog()
        .and_then(|catalog| catalog.get(b"AcroForm"))
        .and_then(Object::as_dict)
        .expect("the form stays");
    assert_eq!(
        form.get(b"NeedAppearances").and_then(Object::as_bool).ok(),
        Some(true)
    );
    let field = document.get_dictionary(name).expect("the field stays");
    assert_eq!(
        field.get(b"T").and_then(Object::as_str).ok(),
        Some(b"buyer_name".as_slice())
    );
}

/// A page drawing `photo_gps.jpg` (640×480, stored with a red corner top-left) through
/// `filters`, its data encoded by `encode`.
fn pdf_with_photo(filters: Vec<Object>, encode: impl FnOnce(&[u8]) -> Vec<u8>) -> Vec<u8> {
    let mut pdf = Crafted::new();
    let image = pdf.add(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => 640, "Height" => 480,
            "ColorSpace" => "DeviceRGB", "BitsPerComponent" => 8, "Filter" => filters,
        },
        encode(fixture!("photo_gps.jpg")),
    ));
    let page = pdf.dictionary(pdf.page);
    if let Ok(Object::Dictionary(resources)) = page.get_mut(b"Resources") {
        resources.set("XObject", dictionary! { "Im1" => image });
    }
    pdf.bytes()
}

/// The one image of a cleaned PDF, decoded.
fn the_image(cleaned: &[u8]) -> (Dictionary, image::DynamicImage) {
    let document = Document::load_mem(cleaned).expect("output loads");
    let stream = document
        .objects
        .values()
        .filter_map(|object| object.as_stream().ok())
        .find(|stream| stream.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image"))
        .expect("the image stays");
    let decoded = image::load_from_memory_with_format(&stream.content, image::ImageFormat::Jpeg)
        .expect("the image is a JPEG");
    (stream.dict.clone(), decoded)
}

/// What `photo_gps.jpg` carries in EXIF and XMP (its GPS position is binary).
const PHOTO_METADATA: [&str; 4] = ["Exif", "Canon", "Jane Reporter", "http://ns.adobe.com/xap"];

#[test]
fn jpeg_images_lose_their_exif_and_keep_their_pixels_as_stored() {
    let input = pdf_with_photo(vec!["DCTDecode".into()], <[u8]>::to_vec);
    assert_removed(&input, &PHOTO_METADATA);
    let (dictionary, image) = the_image(&clean(&input).expect("cleaned"));
    assert_eq!(
        dictionary.get(b"Filter").and_then(Object::as_name).ok(),
        Some(b"DCTDecode".as_slice())
    );
    // A PDF draws the stored pixels: the EXIF orientation must not turn them.
    assert_eq!((image.width(), image.height()), (640, 480));
    let red = image.to_rgb8().get_pixel(10, 10).0;
    assert!(red[0] > 180 && red[1] < 80 && red[2] < 80, "{red:?}");
}

#[test]
fn jpeg_images_behind_another_filter_are_reencoded_too() {
    let deflate = |jpeg: &[u8]| {
        let mut stream = Stream::new(dictionary! {}, jpeg.to_vec());
        stream.compress().expect("compresses");
        stream.content
    };
    let input = pdf_with_photo(vec!["FlateDecode".into(), "DCTDecode".into()], deflate);
    let cleaned = clean(&input).expect("cleaned");
    for needle in PHOTO_METADATA {
        assert!(
            !contains(&cleaned, needle.as_bytes()),
            "{needle:?} survived"
        );
    }
    let (dictionary, image) = the_image(&cleaned);
    assert_eq!(
        dictionary.get(b"Filter").and_then(Object::as_name).ok(),
        Some(b"DCTDecode".as_slice())
    );
    assert_eq!((image.width(), image.height()), (640, 480));
}

#[test]
fn jpeg_images_over_the_pixel_limit_are_refused() {
    let input = pdf_with_photo(vec!["DCTDecode".into()], <[u8]>::to_vec);
    let limits = Limits {
        max_pixels: 640 * 480 - 1,
        ..Limits::default()
    };
    assert_eq!(
        super::super::clean(&input, &limits),
        Err(EvidenceError::PdfImageTooLarge {
            width: 640,
            height: 480,
            max_pixels: 640 * 480 - 1
        })
    );
}

#[test]
fn images_we_cannot_rewrite_are_refused_with_their_kind() {
    let jpeg_2000 = pdf_with_photo(vec!["JPXDecode".into()], |_| {
        b"\0\0\0\x0CjP  \r\n\x87\n".to_vec()
    });
    assert_eq!(
        clean(&jpeg_2000),
        Err(EvidenceError::PdfImageUnreadable {
            kind: "JPEG 2000 image"
        })
    );
    let damaged = pdf_with_photo(vec!["DCTDecode".into()], |jpeg| jpeg[..200].to_vec());
    assert_eq!(
        clean(&damaged),
        Err(EvidenceError::PdfImageUnreadable {
            kind: "damaged JPEG image"
        })
    );
}

#[test]
fn the_receipt_fixture_with_everything_active_comes_out_clean() {
    let input = fixture!("receipt_active.pdf");
    let document = assert_removed(
        input,
        &[
            "app.alert",
            "Jane Reporter",
            "calc.exe",
            "Rue de Rivoli",
            "/OpenAction",
            "/AA",
            "/Launch",
            "/EmbeddedFiles",
            "Exif",
            "Canon",
        ],
    );
    let cleaned = clean(input).expect("cleaned");
    assert!(contains(&cleaned, b"Logo is misprinted"));
    assert!(contains(&cleaned, b"buyer_name"));
    assert_eq!(document.get_pages().len(), 1);
}
