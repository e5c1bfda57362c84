//! Reading `multipart/form-data` bodies with limits on every part, keeping what the user
//! typed even when a file is refused, so that the form can be shown again with their input.

use std::sync::Arc;

use axum::extract::Multipart;
use axum::extract::multipart::{Field, MultipartError};
use bytes::{Bytes, BytesMut};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::Config;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;

/// The part name of evidence files, in the form and the API.
pub const EVIDENCE_FIELD: &str = "evidence";
/// No text field needs more: the longest, the description, is 5,000 characters.
const MAX_TEXT_BYTES: usize = 64 * 1024;
const MAX_TEXT_FIELDS: usize = 64;

/// One uploaded file, as sent. The client's file name is used only in messages.
#[derive(Debug)]
pub struct Upload {
    pub file_name: String,
    pub bytes: Bytes,
    /// Its share of the server's upload memory, given back when it is dropped.
    pub memory: MemoryShare,
}

/// Bytes taken from the server-wide upload memory budget (a semaphore with a permit per
/// byte); returned when dropped.
#[derive(Debug, Default)]
pub struct MemoryShare(Option<OwnedSemaphorePermit>);

impl MemoryShare {
    /// Takes `bytes` more from `budget`, or fails at once when it has not that much left:
    /// under a flood of uploads the answer is a quick 503, not a queue that holds memory.
    fn grow(&mut self, budget: &Arc<Semaphore>, bytes: usize) -> Result<(), AppError> {
        let bytes = u32::try_from(bytes).map_err(|_| AppError::UploadsBusy)?;
        let more = Arc::clone(budget)
            .try_acquire_many_owned(bytes)
            .map_err(|_| AppError::UploadsBusy)?;
        match &mut self.0 {
            Some(held) => held.merge(more),
            None => self.0 = Some(more),
        }
        Ok(())
    }
}

/// What a multipart body may hold.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_file_bytes: usize,
    pub max_files: usize,
}

impl From<&Config> for Limits {
    fn from(config: &Config) -> Self {
        Limits {
            max_file_bytes: config.max_evidence_bytes,
            max_files: config.max_evidence_files,
        }
    }
}

/// A multipart body, read. Problems with files are collected, not raised, so that the
/// text fields are still there to show again.
#[derive(Debug, Default)]
pub struct MultipartBody {
    pub text: Vec<(String, String)>,
    pub files: Vec<Upload>,
    pub problems: FieldErrors,
    /// A file went over the size limit: the answer is 413 rather than 422.
    pub too_large: bool,
    /// Why the check before the files refused the body ([`Gate::Skip`]): its files were
    /// skipped unread, and only its text fields are here.
    pub refused: Option<AppError>,
}

/// What the check before the files decided.
#[derive(Debug)]
pub enum Gate {
    /// Read the files.
    Open,
    /// The body is refused for this reason, but its text fields are still wanted (to show the
    /// form again): skip every file without holding it, and read the rest of the text.
    Skip(AppError),
}

impl MultipartBody {
    /// The first value of a text field.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.text
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a repeated text field, in order.
    pub fn get_all(&self, name: &str) -> Vec<String> {
        self.text
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// Reads the whole body: text fields up to 64 KiB each, files up to `max_file_bytes`
/// each and `max_files` in all, their bytes counted against the server's `memory` budget.
///
/// `before_files` runs once, on the text fields sent before the first file (or all of them
/// when there is none): an error refuses the body at once (the form's CSRF token is checked
/// there, so that a forged submission is refused before any of its files is read), and
/// [`Gate::Skip`] has the files skipped (a client past its limit).
pub async fn read(
    mut multipart: Multipart,
    limits: Limits,
    memory: &Arc<Semaphore>,
    before_files: impl AsyncFnOnce(&MultipartBody) -> Result<Gate, AppError>,
) -> Result<MultipartBody, AppError> {
    let mut body = MultipartBody::default();
    let mut file_count = 0usize;
    let mut gate = Some(before_files);
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == EVIDENCE_FIELD {
            if let Some(gate) = gate.take()
                && let Gate::Skip(reason) = gate(&body).await?
            {
                body.refused = Some(reason);
            }
            if body.refused.is_some() {
                drain(&mut field).await?;
                continue;
            }
            // Browsers send an empty, unnamed part when no file was chosen.
            let file_name = field.file_name().unwrap_or_default().to_owned();
            file_count += 1;
            let position = file_count;
            if position > limits.max_files {
                drain(&mut field).await?;
                if position == limits.max_files + 1 {
                    body.problems.add(
                        EVIDENCE_FIELD,
                        format!(
                            "A report can carry at most {} files; remove some.",
                            limits.max_files
                        ),
                    );
                }
                continue;
            }
            let mut share = MemoryShare::default();
            match read_limited(
                &mut field,
                limits.max_file_bytes,
                Some((memory, &mut share)),
            )
            .await?
            {
                Some(bytes) if bytes.is_empty() && file_name.is_empty() => file_count -= 1,
                Some(bytes) => body.files.push(Upload {
                    file_name,
                    bytes,
                    memory: share,
                }),
                None => {
                    body.too_large = true;
                    body.problems.add(
                        EVIDENCE_FIELD,
                        format!(
                            "{} is larger than the {} limit per file.",
                            describe(&file_name, position),
                            human_bytes(limits.max_file_bytes)
                        ),
                    );
                }
            }
        } else {
            if body.text.len() >= MAX_TEXT_FIELDS {
                return Err(AppError::BadRequest(format!(
                    "The form has more than {MAX_TEXT_FIELDS} fields."
                )));
            }
            let bytes = read_limited(&mut field, MAX_TEXT_BYTES, None)
                .await?
                .ok_or_else(|| {
                    AppError::PayloadTooLarge(format!(
                        "The field {name:?} is longer than {}.",
                        human_bytes(MAX_TEXT_BYTES)
                    ))
                })?;
            let text = String::from_utf8(bytes.to_vec()).map_err(|_| {
                AppError::BadRequest(format!("The field {name:?} is not valid UTF-8 text."))
            })?;
            body.text.push((name, text));
        }
    }
    if let Some(gate) = gate.take()
        && let Gate::Skip(reason) = gate(&body).await?
    {
        body.refused = Some(reason);
    }
    Ok(body)
}

/// "evidence.jpg" or "File 3" when the client sent no name.
pub fn describe(file_name: &str, position: usize) -> String {
    if file_name.trim().is_empty() {
        format!("File {position}")
    } else {
        format!("{file_name:?}")
    }
}

/// `None` when the part is over `limit`; the rest of it is then skipped. With `memory`, each
/// chunk is first taken from the upload budget into the share.
async fn read_limited(
    field: &mut Field<'_>,
    limit: usize,
    mut memory: Option<(&Arc<Semaphore>, &mut MemoryShare)>,
) -> Result<Option<Bytes>, AppError> {
    let mut buf = BytesMut::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        if buf.len() + chunk.len() > limit {
            drain(field).await?;
            return Ok(None);
        }
        if let Some((budget, share)) = memory.as_mut() {
            share.grow(budget, chunk.len())?;
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Some(buf.freeze()))
}

async fn drain(field: &mut Field<'_>) -> Result<(), AppError> {
    while field.chunk().await.map_err(multipart_error)?.is_some() {}
    Ok(())
}

fn multipart_error(err: MultipartError) -> AppError {
    if err.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge(
            "The upload is larger than a report may be. Send fewer or smaller files.".into(),
        )
    } else {
        AppError::BadRequest(format!(
            "The form data could not be read: {}",
            err.body_text()
        ))
    }
}

/// `10 MiB`, for messages.
pub fn human_bytes(bytes: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1024 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} bytes")
    }
}
