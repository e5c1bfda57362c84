//! The kinds of evidence file we accept and store, by their MIME types: what an upload is
//! sniffed as, what a stored file is served as, and what the `evidence.media_type` column holds.

/// The kinds of evidence we accept and store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    Jpeg,
    Png,
    Webp,
    Pdf,
}

impl MediaType {
    /// The MIME type to serve the stored file with.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Pdf => "application/pdf",
        }
    }

    /// The file extension (without dot) to use for the stored file.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
            Self::Pdf => "pdf",
        }
    }

    /// Parses a MIME type as stored by [`MediaType::mime`]. Case and parameters
    /// (`; charset=…`) are ignored, and the legacy `image/jpg` / `image/pjpeg` spellings are
    /// accepted. Never use this to decide how to *process* an upload: that is `evidence::process::sniff`'s job.
    pub fn from_mime(mime: &str) -> Option<Self> {
        let essence = mime.split(';').next().unwrap_or_default().trim();
        [
            ("image/jpeg", Self::Jpeg),
            ("image/jpg", Self::Jpeg),
            ("image/pjpeg", Self::Jpeg),
            ("image/png", Self::Png),
            ("image/webp", Self::Webp),
            ("application/pdf", Self::Pdf),
        ]
        .into_iter()
        .find(|(name, _)| essence.eq_ignore_ascii_case(name))
        .map(|(_, media_type)| media_type)
    }

    /// What to call a file of this type in a message to the user.
    pub fn noun(self) -> &'static str {
        match self {
            Self::Jpeg => "JPEG image",
            Self::Png => "PNG image",
            Self::Webp => "WebP image",
            Self::Pdf => "PDF document",
        }
    }
}
