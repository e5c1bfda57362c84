//! Writes the crafted PDFs of `tests/fixtures/` (see its README): hostile files that parsers
//! choke on, and a receipt carrying everything PDF cleaning removes.
//!
//! `cargo run --example crafted_pdfs` (writes into `tests/fixtures/`; the output is the same
//! on every run).

use std::fmt::Write as _;
use std::path::Path;

use lopdf::{Dictionary, Stream};

/// Writes a PDF by hand, so that it can say things no PDF library would write: an object
/// stream listing thousands of members at one offset, say. A classic cross-reference table
/// lists the top-level objects; lopdf loads the members of every object stream it meets.
struct RawPdf {
    body: Vec<u8>,
    offsets: Vec<(u32, usize)>,
}

impl RawPdf {
    /// Catalog (1), page tree (2), one page (3) showing "Order #FW-2024-00042" (4), a font (5).
    fn receipt() -> Self {
        let mut pdf = RawPdf {
            body: b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec(),
            offsets: vec![],
        };
        pdf.object(1, "<< /Type /Catalog /Pages 2 0 R >>");
        pdf.object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
        pdf.object(
            3,
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
             /Resources << /Font << /F1 5 0 R >> >> >>",
        );
        pdf.stream_layered(
            4,
            Dictionary::new(),
            b"BT /F1 12 Tf 72 700 Td (Order #FW-2024-00042) Tj ET",
            0,
        );
        pdf.object(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
        pdf
    }

    fn object(&mut self, id: u32, text: &str) {
        self.offsets.push((id, self.body.len()));
        self.body
            .extend_from_slice(format!("{id} 0 obj\n{text}\nendobj\n").as_bytes());
    }

    /// A stream, Flate-compressed `layers` times when `dict` has no filter of its own.
    fn stream_layered(&mut self, id: u32, dict: Dictionary, data: &[u8], layers: usize) {
        let mut stream = Stream::new(dict, data.to_vec());
        if !stream.dict.has(b"Filter") && layers > 0 {
            for _ in 0..layers {
                let compressed = zlib(&stream.content);
                stream.set_content(compressed);
            }
            let flate = lopdf::Object::Name(b"FlateDecode".to_vec());
            stream.dict.set("Filter", vec![flate; layers]);
        }
        let name = |name: &[u8]| format!("/{}", String::from_utf8_lossy(name));
        let mut head = String::from("<<");
        for (key, value) in stream.dict.iter() {
            let value = match value {
                lopdf::Object::Name(value) => name(value),
                lopdf::Object::Integer(number) => number.to_string(),
                lopdf::Object::Array(names) => {
                    let names: Vec<String> = names
                        .iter()
                        .map(|value| name(value.as_name().expect("a name")))
                        .collect();
                    format!("[{}]", names.join(" "))
                }
                other => panic!("unexpected value in a stream dictionary: {other:?}"),
            };
            let _ = write!(head, " {} {value}", name(key));
        }
        head.push_str(" >>");
        self.offsets.push((id, self.body.len()));
        self.body
            .extend_from_slice(format!("{id} 0 obj\n{head}\nstream\n").as_bytes());
        self.body.extend_from_slice(&stream.content);
        self.body.extend_from_slice(b"\nendstream\nendobj\n");
    }

    fn stream(&mut self, id: u32, dict: Dictionary, data: &[u8]) {
        self.stream_layered(id, dict, data, 1);
    }

    /// An object stream whose header is `header` and whose members follow it.
    fn object_stream(&mut self, id: u32, header: &str, members: &[u8], count: usize) {
        self.object_stream_layered(id, header, members, count, 1);
    }

    fn object_stream_layered(
        &mut self,
        id: u32,
        header: &str,
        members: &[u8],
        count: usize,
        layers: usize,
    ) {
        let mut dict = Dictionary::new();
        dict.set("Type", lopdf::Object::Name(b"ObjStm".to_vec()));
        dict.set("N", count as i64);
        dict.set("First", header.len() as i64);
        let data = [header.as_bytes(), members].concat();
        self.stream_layered(id, dict, &data, layers);
    }

    fn finish(mut self) -> Vec<u8> {
        self.offsets.sort_unstable();
        let size = self.offsets.last().map_or(1, |(id, _)| id + 1);
        let xref_at = self.body.len();
        let mut xref = format!("xref\n0 {size}\n0000000000 65535 f \n");
        let mut next = 1;
        for &(id, offset) in &self.offsets {
            while next < id {
                xref.push_str("0000000000 65535 f \n");
                next += 1;
            }
            let _ = writeln!(xref, "{offset:010} 00000 n ");
            next += 1;
        }
        let _ = write!(
            xref,
            "trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n"
        );
        self.body.extend_from_slice(xref.as_bytes());
        self.body
    }
}

/// zlib at the best compression (what a bomb's author would pick), through lopdf's encoder,
/// which only compresses what gets smaller.
fn zlib(data: &[u8]) -> Vec<u8> {
    let mut stream = Stream::new(Dictionary::new(), data.to_vec());
    stream.compress().expect("compresses");
    assert!(
        stream.dict.has(b"Filter"),
        "too small to compress: store it plainly"
    );
    stream.content
}

/// "100 0 101 0 102 0 …": `count` members, all at offset 0.
fn header_at_one_offset(count: usize) -> String {
    let mut header = String::new();
    for id in 100..100 + count {
        let _ = write!(header, "{id} 0 ");
    }
    header
}

/// Thousands of object-stream members at one offset, where a 100,000-element array sits:
/// parsed member by member, 2,500 × 100,000 values.
fn one_offset() -> Vec<u8> {
    let mut pdf = RawPdf::receipt();
    let array = format!("[{}]", "0 ".repeat(100_000));
    pdf.object_stream(6, &header_at_one_offset(2_500), array.as_bytes(), 2_500);
    pdf.finish()
}

/// One object-stream member: an array of 4,000,000 elements (8 MB unpacked from ~8 KB).
fn huge_array() -> Vec<u8> {
    let mut pdf = RawPdf::receipt();
    let array = format!("[{}]", "0 ".repeat(4_000_000));
    pdf.object_stream(6, "100 0 ", array.as_bytes(), 1);
    pdf.finish()
}

/// 48 object streams of 15 MiB each, under the 16 MiB bound on one stream but 720 MiB
/// together; compressed twice, so each takes a few hundred bytes. The bulk is filler after the
/// one member, which parsers don't read, so that the time goes into unpacking.
fn bomb_streams() -> Vec<u8> {
    let mut pdf = RawPdf::receipt();
    let mut member = b"null ".to_vec();
    member.resize(15 * 1024 * 1024, b'x');
    for index in 0..48 {
        let header = format!("{} 0 ", 100 + index);
        pdf.object_stream_layered(6 + index, &header, &member, 1, 2);
    }
    pdf.finish()
}

/// An object-stream member nested 100,000 arrays deep.
fn deep_nesting() -> Vec<u8> {
    let mut pdf = RawPdf::receipt();
    let mut nested = b"[".repeat(100_000);
    nested.extend(b"]".repeat(100_000));
    pdf.object_stream(6, "100 0 ", &nested, 1);
    pdf.finish()
}

/// A receipt with a GPS-tagged photo on its page and everything else cleaning removes.
fn receipt_active(photo: &[u8]) -> Vec<u8> {
    let mut pdf = RawPdf::receipt();
    pdf.object(
        1,
        "<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R \
         /Names << /JavaScript << /Names [(init) 6 0 R] >> /EmbeddedFiles << /Names [(order.txt) 8 0 R] >> >> \
         /AcroForm << /Fields [11 0 R] >> >>",
    );
    pdf.object(
        6,
        "<< /S /JavaScript /JS (app.alert\\('Fakewatch test'\\)) >>",
    );
    let mut file = Dictionary::new();
    file.set("Type", lopdf::Object::Name(b"EmbeddedFile".to_vec()));
    // Uncompressed, so that the tests see it is there before cleaning.
    pdf.stream_layered(
        7,
        file,
        b"attached: Jane Reporter, 1 Rue de Rivoli, Paris",
        0,
    );
    pdf.object(8, "<< /Type /Filespec /F (order.txt) /EF << /F 7 0 R >> >>");
    pdf.object(
        9,
        "<< /Type /Annot /Subtype /Text /Rect [400 700 420 720] /T (Jane Reporter) \
         /Contents (Logo is misprinted) /M (D:20241002101500+02'00') >>",
    );
    pdf.object(
        10,
        "<< /Type /Annot /Subtype /Link /Rect [72 690 300 715] \
         /A << /S /Launch /F (calc.exe) >> >>",
    );
    pdf.object(
        11,
        "<< /FT /Tx /T (buyer_name) /V (Jane Reporter) /Type /Annot /Subtype /Widget \
         /Rect [72 600 300 620] /P 3 0 R >>",
    );
    let mut image = Dictionary::new();
    for (key, value) in [
        ("Type", "XObject"),
        ("Subtype", "Image"),
        ("ColorSpace", "DeviceRGB"),
        ("Filter", "DCTDecode"),
    ] {
        image.set(key, lopdf::Object::Name(value.as_bytes().to_vec()));
    }
    image.set("Width", 640);
    image.set("Height", 480);
    image.set("BitsPerComponent", 8);
    pdf.stream(12, image, photo);
    pdf.stream_layered(
        13,
        Dictionary::new(),
        b"BT /F1 12 Tf 72 700 Td (Order #FW-2024-00042) Tj ET q 320 0 0 240 72 300 cm /Im1 Do Q",
        0,
    );
    pdf.object(
        3,
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 13 0 R \
         /Resources << /Font << /F1 5 0 R >> /XObject << /Im1 12 0 R >> >> \
         /Annots [9 0 R 10 0 R 11 0 R] /AA << /O 6 0 R >> >>",
    );
    // The later copies of objects 1 and 3 are the ones the cross-reference table lists.
    let mut latest = std::collections::BTreeMap::new();
    for (id, offset) in pdf.offsets.drain(..) {
        latest.insert(id, offset);
    }
    pdf.offsets = latest.into_iter().collect();
    pdf.finish()
}

fn main() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let photo = std::fs::read(fixtures.join("photo_gps.jpg")).expect("photo_gps.jpg fixture");
    for (name, bytes) in [
        ("pdf_one_offset.pdf", one_offset()),
        ("pdf_huge_array.pdf", huge_array()),
        ("pdf_bomb_streams.pdf", bomb_streams()),
        ("pdf_deep_nesting.pdf", deep_nesting()),
        ("receipt_active.pdf", receipt_active(&photo)),
    ] {
        std::fs::write(fixtures.join(name), &bytes).expect("writes the fixture");
        println!("{name}: {} bytes", bytes.len());
    }
}
