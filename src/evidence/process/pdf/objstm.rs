//! A look at an object stream before lopdf parses its members.
//!
//! An object stream starts with pairs of (object number, offset) and lopdf parses the object at
//! each offset, every pair on its own, before anything else sees them. A few KB of such a
//! stream can list thousands of members at one offset, or at offsets nested inside one big
//! array, and each is then parsed in full: an 841-byte file took the server to 1.3 GB this way.
//! Writers lay members out one after the other (the spec says offsets increase), so we require
//! exactly that: distinct offsets, and each member's object complete before the next member
//! starts. Then parsing all members costs one pass over the stream. A lexical scan of each
//! member's object (lopdf parses one object per member, whatever follows it) also counts its
//! tokens, an upper bound on the values lopdf will create, which must fit the budget before a
//! single one is parsed, and refuses nesting deeper than lopdf's parser accepts (100 levels).

use lopdf::{Object, Stream};

use super::budget::Budget;
use crate::evidence::process::PdfComplexity;

/// Unpacks `stream` within the budget (keeping the unpacked bytes, so that lopdf doesn't unpack
/// it again), then checks its members as the module docs say. A stream that doesn't unpack or
/// has no readable header is left for lopdf, which skips it as damaged.
pub(super) fn check(stream: &mut Stream, budget: &mut Budget) -> Result<(), PdfComplexity> {
    let limit = budget.object_stream_limit();
    let content = match stream.get_plain_content_with_limit(limit) {
        Ok(content) => content,
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
            return Err(PdfComplexity::Unpacked);
        }
        Err(_) => return Ok(()),
    };
    budget.charge_object_stream(content.len())?;
    let first = stream.dict.get(b"First").and_then(Object::as_i64).ok();
    if let Some(first) = first.and_then(|first| usize::try_from(first).ok()) {
        let members = survey(&content, first, budget.values_left())?;
        budget.fits(members.count, members.tokens)?;
    }
    stream.set_plain_content(content);
    Ok(())
}

/// What [`survey`] found.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Members {
    pub count: u64,
    pub tokens: u64,
}

/// Reads the header as lopdf does, then checks and counts the members, giving up as soon as
/// they hold more than `max_tokens`.
pub(super) fn survey(
    content: &[u8],
    first: usize,
    max_tokens: u64,
) -> Result<Members, PdfComplexity> {
    let Some(header) = content.get(..first) else {
        return Ok(Members {
            count: 0,
            tokens: 0,
        });
    };
    // Same reading as lopdf's: comments run to the end of their line; a number that doesn't
    // parse spoils its pair.
    let numbers: Vec<Option<u32>> = String::from_utf8_lossy(header)
        .split(['\r', '\n'])
        .flat_map(|line| {
            line.split('%')
                .next()
                .unwrap_or_default()
                .split_whitespace()
                .map(|number| number.parse().ok())
                .collect::<Vec<_>>()
        })
        .collect();
    let mut offsets: Vec<usize> = numbers
        .chunks_exact(2)
        .filter_map(|pair| match (pair[0], pair[1]) {
            (Some(_), Some(offset)) => first.checked_add(offset as usize),
            _ => None,
        })
        .filter(|&offset| offset < content.len())
        .collect();
    offsets.sort_unstable();
    if offsets.windows(2).any(|pair| pair[0] == pair[1]) {
        return Err(PdfComplexity::Structure);
    }
    let mut tokens = 0u64;
    for (index, &start) in offsets.iter().enumerate() {
        let end = offsets.get(index + 1).copied().unwrap_or(content.len());
        let scan = scan(&content[start..end], max_tokens - tokens);
        if scan.tokens > max_tokens - tokens {
            return Err(PdfComplexity::Objects);
        }
        let is_last = index + 1 == offsets.len();
        if (scan.open && !is_last) || scan.deepest > MAX_NESTING {
            return Err(PdfComplexity::Structure);
        }
        tokens += scan.tokens;
    }
    Ok(Members {
        count: offsets.len() as u64,
        tokens,
    })
}

/// lopdf's `MAX_NESTING_DEPTH`: its parser gives up on deeper arrays and dictionaries.
const MAX_NESTING: usize = 100;

/// What a lexical scan of one member's object found.
#[derive(Debug, PartialEq, Eq)]
struct Scan {
    /// Tokens: every value lopdf could make of these bytes is one of them (or several).
    tokens: u64,
    /// Whether the object was still incomplete (an array, dictionary or string open) at the
    /// end of the bytes.
    open: bool,
    /// The deepest nesting of arrays and dictionaries.
    deepest: usize,
}

fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b'\0' | b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

fn is_delimiter(byte: u8) -> bool {
    matches!(
        byte,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// PDF's lexical rules (ISO 32000-1, 7.2), no more: enough to find where the first object of
/// `bytes` ends (an array, dictionary or string closes, or a lone token is read) and to count
/// its tokens. Stops there, or once past `max_tokens`.
fn scan(bytes: &[u8], max_tokens: u64) -> Scan {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut tokens = 0u64;
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if tokens > max_tokens || (depth == 0 && tokens > 0) {
            break;
        }
        match byte {
            // Runs of white space, skipped by the (always optimised) standard library.
            b'\t' | b'\n' | b'\x0C' | b'\r' | b' ' => {
                at = bytes.len() - bytes[at..].trim_ascii_start().len();
            }
            b'\0' => at += 1,
            b'%' => {
                while bytes.get(at).is_some_and(|&b| b != b'\r' && b != b'\n') {
                    at += 1;
                }
            }
            b'(' => {
                tokens += 1;
                let mut nesting = 1usize;
                at += 1;
                while nesting > 0 {
                    match bytes.get(at) {
                        None => {
                            return Scan {
                                tokens,
                                open: true,
                                deepest,
                            };
                        }
                        Some(b'\\') => at += 2,
                        Some(b'(') => {
                            nesting += 1;
                            at += 1;
                        }
                        Some(b')') => {
                            nesting -= 1;
                            at += 1;
                        }
                        Some(_) => at += 1,
                    }
                }
            }
            b'<' if bytes.get(at + 1) == Some(&b'<') => {
                tokens += 1;
                depth += 1;
                deepest = deepest.max(depth);
                at += 2;
            }
            b'<' => {
                tokens += 1;
                match bytes[at..].iter().position(|&b| b == b'>') {
                    Some(length) => at += length + 1,
                    None => {
                        return Scan {
                            tokens,
                            open: true,
                            deepest,
                        };
                    }
                }
            }
            b'>' if bytes.get(at + 1) == Some(&b'>') => {
                depth = depth.saturating_sub(1);
                at += 2;
            }
            b'[' => {
                tokens += 1;
                depth += 1;
                deepest = deepest.max(depth);
                at += 1;
            }
            b']' => {
                depth = depth.saturating_sub(1);
                at += 1;
            }
            // Stray closing delimiters and braces (only used in PostScript functions).
            b')' | b'>' | b'{' | b'}' => at += 1,
            // A name (`/Type`) or a regular token (number, keyword, `R`).
            _ => {
                tokens += 1;
                at += 1;
                while bytes
                    .get(at)
                    .is_some_and(|&b| !is_whitespace(b) && !is_delimiter(b))
                {
                    at += 1;
                }
            }
        }
    }
    Scan {
        tokens,
        open: depth > 0 || tokens == 0,
        deepest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_laid_out_one_after_another_pass() {
        let body = b"<< /Type /Page /Kids [1 0 R 2 0 R] >> (a (nested) string\\)) [1 2 3] 42";
        let header = b"10 0 11 38 12 60 13 68 ";
        let content = [header.as_slice(), body].concat();
        assert_eq!(
            survey(&content, header.len(), u64::MAX),
            Ok(Members {
                count: 4,
                tokens: 17
            })
        );
    }

    #[test]
    fn members_sharing_an_offset_are_refused() {
        let content = b"1 0 2 0 [1 2 3]";
        assert_eq!(survey(content, 8, u64::MAX), Err(PdfComplexity::Structure));
    }

    #[test]
    fn a_member_starting_inside_another_is_refused() {
        // Member 2 starts inside member 1's array, so parsing 1 would read 2 again.
        let content = b"1 0 2 1 [[1 2 3]]";
        assert_eq!(survey(content, 8, u64::MAX), Err(PdfComplexity::Structure));
        // Comments and strings hide brackets.
        let content = b"1 0 2 8 (]) % ]\n[1]";
        assert_eq!(
            survey(content, 8, u64::MAX),
            Ok(Members {
                count: 2,
                tokens: 3
            })
        );
    }

    #[test]
    fn nesting_deeper_than_lopdf_parses_is_refused() {
        let nested = |depth: usize| {
            let mut content = b"1 0 ".to_vec();
            content.extend(b"[".repeat(depth));
            content.extend(b"]".repeat(depth));
            content
        };
        assert!(survey(&nested(100), 4, u64::MAX).is_ok());
        assert_eq!(
            survey(&nested(101), 4, u64::MAX),
            Err(PdfComplexity::Structure)
        );
    }

    #[test]
    fn tokens_bound_the_values_lopdf_will_make() {
        let mut content = b"1 0 [".to_vec();
        content.extend(b"0 ".repeat(1000));
        content.push(b']');
        assert_eq!(
            survey(&content, 4, u64::MAX),
            Ok(Members {
                count: 1,
                tokens: 1001
            })
        );
        // lopdf parses one object per member: what follows it costs nothing.
        content.extend(b" 7 ".repeat(1000));
        assert_eq!(
            survey(&content, 4, u64::MAX),
            Ok(Members {
                count: 1,
                tokens: 1001
            })
        );
    }

    #[test]
    fn counting_stops_past_the_limit() {
        let mut content = b"1 0 [".to_vec();
        content.extend(b"0 ".repeat(1000));
        content.push(b']');
        assert_eq!(survey(&content, 4, 999), Err(PdfComplexity::Objects));
        assert!(survey(&content, 4, 1001).is_ok());
    }

    #[test]
    fn unreadable_headers_and_offsets_past_the_end_are_left_to_lopdf() {
        assert_eq!(
            survey(b"1 0", 99, u64::MAX),
            Ok(Members {
                count: 0,
                tokens: 0
            })
        );
        assert_eq!(
            survey(b"1 500 x", 6, u64::MAX),
            Ok(Members {
                count: 0,
                tokens: 0
            })
        );
    }
}
