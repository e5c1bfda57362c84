// TEMPORARY STUB
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: usize,
    pub max_pixels: u64,
}
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    Jpeg,
    Png,
    Webp,
    Pdf,
}
impl MediaType {
    pub fn mime(self) -> &'static str {
        ""
    }
    pub fn extension(self) -> &'static str {
        ""
    }
}
#[derive(Debug, Clone)]
pub struct Processed {
    pub media_type: MediaType,
    pub bytes: Vec<u8>,
    pub sha256: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
}
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EvidenceError {
    #[error("x")]
    Corrupt { what: &'static str },
}
pub fn process(_: &[u8], _: &Limits) -> Result<Processed, EvidenceError> {
    Err(EvidenceError::Corrupt { what: "x" })
}
