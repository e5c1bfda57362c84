//! Evidence files: processing on a bounded pool of workers (threads for images, child
//! processes for PDFs), and content-addressed storage through `object_store` (a local
//! directory, or S3-compatible storage in production).

pub mod cleanup;
pub mod pdf_worker;
pub mod process;

use std::sync::Arc;

use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as StorePath;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload};
use tokio::sync::Semaphore;

use crate::config::Config;
pub use cleanup::{Cleanup, delete_unreferenced};
use pdf_worker::{PdfWorker, WorkerError};
use process::{EvidenceError, Limits, MediaType, Processed};

/// Processes and stores evidence. Cheap to clone.
#[derive(Clone, Debug)]
pub struct EvidenceService {
    store: Arc<dyn ObjectStore>,
    workers: Arc<Semaphore>,
    limits: Limits,
    pdf_worker: PdfWorker,
}

/// Whether a `put` wrote the file or found it already there (another report has it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    Created,
    AlreadyPresent,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreSetupError {
    #[error("FAKEWATCH_EVIDENCE_STORE must look like s3://bucket/prefix, got {0:?}")]
    BadUrl(String),
    #[error("cannot open the evidence store: {0}")]
    Store(#[from] object_store::Error),
    #[error("cannot create the evidence directory: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot find this program's path to run PDF workers (set FAKEWATCH_PDF_WORKER): {0}")]
    WorkerPath(std::io::Error),
}

impl EvidenceService {
    /// Opens the store the config names: S3 when `evidence_store` is set, else
    /// `<data_dir>/evidence`.
    pub fn from_config(config: &Config) -> Result<Self, StoreSetupError> {
        let store: Arc<dyn ObjectStore> = match &config.evidence_store {
            Some(url) => open_s3(url)?,
            None => {
                let dir = config.data_dir.join("evidence");
                std::fs::create_dir_all(&dir)?;
                Arc::new(LocalFileSystem::new_with_prefix(dir)?)
            }
        };
        let limits = Limits {
            max_bytes: config.max_evidence_bytes,
            max_pixels: config.max_image_pixels,
            pdf_time: std::time::Duration::from_secs(config.pdf_timeout_secs),
        };
        let program = match &config.pdf_worker {
            Some(program) => program.clone(),
            None => std::env::current_exe().map_err(StoreSetupError::WorkerPath)?,
        };
        let pdf_worker = PdfWorker {
            program,
            memory_bytes: config.pdf_memory_mib.saturating_mul(1024 * 1024),
        };
        Ok(Self::new(store, limits, config.image_workers(), pdf_worker))
    }

    pub fn new(
        store: Arc<dyn ObjectStore>,
        limits: Limits,
        workers: usize,
        pdf_worker: PdfWorker,
    ) -> Self {
        Self {
            store,
            workers: Arc::new(Semaphore::new(workers.max(1))),
            limits,
            pdf_worker,
        }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Sniffs, decodes, strips and re-encodes one file, at most `image_workers` at once.
    /// Images are processed on blocking threads, so the async runtime keeps serving pages;
    /// PDFs in a worker process each ([`pdf_worker`]), which holds its permit until it has
    /// exited. The outer error is ours (a worker that can't be run); the inner one is the
    /// file's.
    pub async fn process(
        &self,
        bytes: Bytes,
    ) -> Result<Result<Processed, EvidenceError>, WorkerError> {
        let limits = self.limits;
        // The semaphore is never closed, so acquiring cannot fail.
        let _permit = self.workers.acquire().await;
        let is_pdf = process::sniff(&bytes) == Ok(MediaType::Pdf);
        if is_pdf && bytes.len() <= limits.max_bytes {
            return self.pdf_worker.clean(&bytes, &limits).await;
        }
        match tokio::task::spawn_blocking(move || process::process(&bytes, &limits)).await {
            Ok(result) => Ok(result),
            // The processing code never panics on input (fuzzed in its tests); if it ever
            // does, refuse the file rather than the whole service.
            Err(_) => Ok(Err(EvidenceError::Corrupt { what: "file" })),
        }
    }

    /// Stores a processed file under its content hash. Writing is create-only, so a file
    /// that another report already uploaded is left as it is and reported as such.
    pub async fn put(&self, file: &Processed) -> Result<(String, Stored), object_store::Error> {
        let key = storage_key(&file.sha256, file.media_type);
        let options = PutOptions {
            mode: PutMode::Create,
            ..Default::default()
        };
        let payload = PutPayload::from(Bytes::from(file.bytes.clone()));
        match self
            .store
            .put_opts(&StorePath::from(key.as_str()), payload, options)
            .await
        {
            Ok(_) => Ok((key, Stored::Created)),
            Err(object_store::Error::AlreadyExists { .. }) => Ok((key, Stored::AlreadyPresent)),
            Err(e) => Err(e),
        }
    }

    pub async fn get(&self, key: &str) -> Result<Bytes, object_store::Error> {
        self.store.get(&StorePath::from(key)).await?.bytes().await
    }

    pub async fn delete(&self, key: &str) -> Result<(), object_store::Error> {
        self.store.delete(&StorePath::from(key)).await
    }
}

/// `ab/cd/abcd…ef.jpg`: two levels of fan-out keep directories small on local disks.
pub fn storage_key(sha256_hex: &str, media_type: MediaType) -> String {
    let (a, b) = (
        sha256_hex.get(0..2).unwrap_or("00"),
        sha256_hex.get(2..4).unwrap_or("00"),
    );
    format!("{a}/{b}/{sha256_hex}.{}", media_type.extension())
}

fn open_s3(url: &str) -> Result<Arc<dyn ObjectStore>, StoreSetupError> {
    let parsed = url::Url::parse(url).map_err(|_| StoreSetupError::BadUrl(url.to_owned()))?;
    if parsed.scheme() != "s3" || parsed.host_str().is_none_or(str::is_empty) {
        return Err(StoreSetupError::BadUrl(url.to_owned()));
    }
    let bucket = format!("s3://{}", parsed.host_str().unwrap_or_default());
    let s3 = AmazonS3Builder::from_env().with_url(bucket).build()?;
    let prefix = parsed.path().trim_matches('/');
    Ok(if prefix.is_empty() {
        Arc::new(s3)
    } else {
        Arc::new(PrefixStore::new(s3, prefix))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_keys_fan_out_by_hash() {
        let hash = "abcdef0123456789";
        assert_eq!(
            storage_key(hash, MediaType::Jpeg),
            "ab/cd/abcdef0123456789.jpg"
        );
    }
}
