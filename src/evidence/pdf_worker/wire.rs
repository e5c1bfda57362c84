//! How the child tells the parent why it refused a file: one line, a word and the fields the
//! message needs.

use crate::evidence::process::{self, EvidenceError, PdfComplexity};

/// The refusal as the child writes it: a word, then the fields the message needs.
pub fn encode(error: &EvidenceError) -> String {
    match error {
        EvidenceError::Empty => "empty".into(),
        EvidenceError::TooLarge { max_bytes } => format!("too-large {max_bytes}"),
        EvidenceError::Unsupported { .. } => "unsupported".into(),
        EvidenceError::TooManyPixels { .. } | EvidenceError::Corrupt { .. } => "corrupt".into(),
        EvidenceError::PasswordProtected => "password".into(),
        EvidenceError::PdfTooComplex { reason } => format!("too-complex {}", reason_word(*reason)),
        EvidenceError::PdfImageUnreadable { kind } => format!("image-unreadable {kind}"),
        EvidenceError::PdfImageTooLarge {
            width,
            height,
            max_pixels,
        } => format!("image-too-large {width} {height} {max_pixels}"),
    }
}

/// Reads what [`encode`] wrote; `None` for anything else.
pub fn decode(line: &str) -> Option<EvidenceError> {
    let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
    let numbers: Vec<u64> = rest
        .split(' ')
        .filter_map(|number| number.parse().ok())
        .collect();
    Some(match (word, numbers.as_slice()) {
        ("empty", _) => EvidenceError::Empty,
        ("too-large", &[max_bytes]) => EvidenceError::TooLarge {
            max_bytes: usize::try_from(max_bytes).ok()?,
        },
        ("unsupported", _) => EvidenceError::Unsupported { detected: None },
        ("corrupt", _) => EvidenceError::Corrupt {
            what: "PDF document",
        },
        ("password", _) => EvidenceError::PasswordProtected,
        ("too-complex", _) => EvidenceError::PdfTooComplex {
            reason: PdfComplexity::ALL
                .iter()
                .find(|(_, name)| *name == rest)
                .map(|(reason, _)| *reason)?,
        },
        ("image-unreadable", _) => EvidenceError::PdfImageUnreadable {
            kind: process::PDF_IMAGE_KINDS
                .into_iter()
                .find(|kind| *kind == rest)?,
        },
        ("image-too-large", &[width, height, max_pixels]) => EvidenceError::PdfImageTooLarge {
            width: u32::try_from(width).ok()?,
            height: u32::try_from(height).ok()?,
            max_pixels,
        },
        _ => return None,
    })
}

fn reason_word(reason: PdfComplexity) -> &'static str {
    PdfComplexity::ALL
        .iter()
        .find(|(known, _)| *known == reason)
        .map_or("objects", |(_, word)| word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_a_pdf_can_get_crosses_the_pipe_intact() {
        let mut refusals = vec![
            EvidenceError::Empty,
            EvidenceError::TooLarge { max_bytes: 1234 },
            EvidenceError::Unsupported { detected: None },
            EvidenceError::Corrupt {
                what: "PDF document",
            },
            EvidenceError::PasswordProtected,
            EvidenceError::PdfImageTooLarge {
                width: 9000,
                height: 7000,
                max_pixels: 40_000_000,
            },
        ];
        refusals.extend(
            PdfComplexity::ALL
                .iter()
                .map(|&(reason, _)| EvidenceError::PdfTooComplex { reason }),
        );
        refusals.extend(
            process::PDF_IMAGE_KINDS
                .iter()
                .map(|&kind| EvidenceError::PdfImageUnreadable { kind }),
        );
        for refusal in refusals {
            assert_eq!(decode(&encode(&refusal)), Some(refusal));
        }
        assert_eq!(decode("too-complex nonsense"), None);
        assert_eq!(decode("image-unreadable GIF image"), None);
        assert_eq!(decode(""), None);
    }
}
