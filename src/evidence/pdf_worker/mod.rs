//! PDFs are cleaned in a child process of our own binary (`fakewatch pdf-clean`, hidden from
//! `--help`), one process per file.
//!
//! Why a process: the checks in `process::pdf` stop the known attacks early, but lopdf is a
//! synchronous parser that allocates as it goes, and nothing inside a thread can take memory
//! back from it or stop it mid-object. A process can be given limits by the kernel and killed.
//! The child lowers its own limits before reading anything — address space
//! (`FAKEWATCH_PDF_MEMORY_MIB`), CPU seconds (the deadline plus one), no core files — runs on
//! one thread without an async runtime, and starts with an empty environment, so it holds no
//! database URL, secret or cloud credentials. The parent writes the upload to its stdin, reads
//! the cleaned file from its stdout (bounded), and kills it a second after the deadline. Running
//! out of memory, CPU or time all end as a 422 naming the limit, and the worker permit is only
//! given back once the child has exited.
//!
//! The protocol: exit status 0 and the PDF on stdout; or exit status 2 and a line
//! `fakewatch-pdf: refused <reason>` on stderr (see [`encode`]). The child also reports its
//! peak memory (`fakewatch-pdf: peak-rss-kib <n>`), which the parent logs.

mod child;
mod wire;

use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

pub use self::child::{WorkerArgs, run};
use self::wire::{decode, encode};
use super::process::{EvidenceError, Limits, PdfComplexity, Processed};

/// How long after the in-process deadline the parent kills the child: time to write its answer.
const GRACE: Duration = Duration::from_secs(1);
/// The child's exit status when it refuses the file.
const REFUSED: u8 = 2;
/// The child's exit status when it could not set its limits.
const SETUP_FAILED: u8 = 3;
const PREFIX: &str = "fakewatch-pdf: ";
/// The most stderr we read: a few lines, or a panic message.
const MAX_STDERR: usize = 16 * 1024;

/// Why the worker gave no answer about the file: our problem, not the uploader's.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("cannot start the PDF worker {program}: {source}")]
    Spawn {
        program: String,
        source: std::io::Error,
    },
    #[error("the PDF worker failed ({status}): {stderr}")]
    Failed { status: String, stderr: String },
}

/// Starts PDF workers; see the module docs. Cheap to clone.
#[derive(Debug, Clone)]
pub struct PdfWorker {
    /// The `fakewatch` executable.
    pub program: PathBuf,
    /// Address-space limit of each worker, in bytes.
    pub memory_bytes: u64,
}

impl PdfWorker {
    /// Cleans one upload already sniffed as a PDF. The outer error is ours (the worker can't
    /// be run); the inner one is the file's.
    pub async fn clean(
        &self,
        bytes: &[u8],
        limits: &Limits,
    ) -> Result<Result<Processed, EvidenceError>, WorkerError> {
        let started = Instant::now();
        let mut child = Command::new(&self.program)
            .arg("pdf-clean")
            .arg(format!("--max-bytes={}", limits.max_bytes))
            .arg(format!("--max-pixels={}", limits.max_pixels))
            .arg(format!("--time-ms={}", limits.pdf_time.as_millis()))
            .arg(format!("--memory-bytes={}", self.memory_bytes))
            .env_clear()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|source| WorkerError::Spawn {
                program: self.program.display().to_string(),
                source,
            })?;
        let (stdin, stdout, stderr) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take());
        // Room for a file that grew: re-encoded images, object streams written out plainly.
        let max_output = limits.max_bytes.saturating_mul(4).max(64 * 1024 * 1024);
        let exchange = async {
            let write = async {
                if let Some(mut stdin) = stdin {
                    // A child that stops reading (refused early, or died) closes the pipe.
                    let _ = stdin.write_all(bytes).await;
                }
            };
            let (_, output, errors) = tokio::join!(
                write,
                read_bounded(stdout, max_output),
                read_bounded(stderr, MAX_STDERR)
            );
            (output, errors, child.wait().await)
        };
        let answer = tokio::time::timeout(limits.pdf_time + GRACE, exchange).await;
        let (output, errors, status) = match answer {
            Ok(answer) => answer,
            Err(_) => {
                // Killed and reaped before the permit is given back.
                let _ = child.kill().await;
                tracing::info!(
                    elapsed_ms = elapsed_ms(started),
                    "PDF worker killed at the deadline"
                );
                return Ok(Err(EvidenceError::PdfTooComplex {
                    reason: PdfComplexity::Time,
                }));
            }
        };
        let errors = String::from_utf8_lossy(&errors.unwrap_or_default()).into_owned();
        let status = status.map_err(|source| WorkerError::Spawn {
            program: self.program.display().to_string(),
            source,
        })?;
        let outcome = interpret(status, output, &errors);
        let peak = errors
            .lines()
            .find_map(|line| line.strip_prefix(PREFIX)?.strip_prefix("peak-rss-kib "));
        let verdict = match &outcome {
            Ok(Ok(_)) => "cleaned".to_owned(),
            Ok(Err(error)) => encode(error),
            Err(_) => "failed".to_owned(),
        };
        tracing::info!(
            elapsed_ms = elapsed_ms(started),
            peak_rss_kib = %peak.unwrap_or("?"),
            %status,
            %verdict,
            "PDF worker done"
        );
        outcome
    }
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Turns how the child ended into an answer.
fn interpret(
    status: std::process::ExitStatus,
    output: Option<Vec<u8>>,
    errors: &str,
) -> Result<Result<Processed, EvidenceError>, WorkerError> {
    let too_complex = |reason| Ok(Err(EvidenceError::PdfTooComplex { reason }));
    let failed = || WorkerError::Failed {
        status: status.to_string(),
        stderr: errors.chars().take(2000).collect(),
    };
    if let Some(signal) = status.signal() {
        const SIGABRT: i32 = 6;
        const SIGKILL: i32 = 9;
        const SIGXCPU: i32 = 24;
        return match signal {
            // Rust aborts when an allocation fails, after saying so.
            SIGABRT if errors.contains("memory allocation of") => {
                too_complex(PdfComplexity::Memory)
            }
            SIGKILL | SIGXCPU => too_complex(PdfComplexity::Time),
            // Any other crash (a stack overflow aborts too) on input we don't understand.
            _ => Ok(Err(EvidenceError::Corrupt {
                what: "PDF document",
            })),
        };
    }
    // Over the output bound: we stopped reading, so the child may have failed to write.
    let Some(output) = output else {
        return too_complex(PdfComplexity::Unpacked);
    };
    match status.code().and_then(|code| u8::try_from(code).ok()) {
        Some(0) if output.starts_with(b"%PDF-") => Ok(Ok(Processed::pdf(output))),
        Some(REFUSED) => {
            let refusal = errors
                .lines()
                .find_map(|line| decode(line.strip_prefix(PREFIX)?.strip_prefix("refused ")?));
            refusal.map(Err).ok_or_else(failed)
        }
        _ => Err(failed()),
    }
}

/// Reads a pipe to its end, or `None` once it passes `max` bytes (and stops reading it).
async fn read_bounded(pipe: Option<impl AsyncRead + Unpin>, max: usize) -> Option<Vec<u8>> {
    let pipe = pipe?;
    let mut bytes = Vec::new();
    let max_read = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    pipe.take(max_read).read_to_end(&mut bytes).await.ok()?;
    (bytes.len() <= max).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use std::process::ExitStatus;

    use super::*;
    use crate::evidence::process::MediaType;

    /// A wait status as the kernel reports it: `code << 8`, or the signal number.
    fn exited(code: i32) -> ExitStatus {
        ExitStatus::from_raw(code << 8)
    }

    fn killed_by(signal: i32) -> ExitStatus {
        ExitStatus::from_raw(signal)
    }

    #[test]
    fn how_the_worker_ended_becomes_an_answer() {
        let refused = |status, stderr: &str| match interpret(status, Some(vec![]), stderr) {
            Ok(Err(error)) => Some(error),
            _ => None,
        };
        let too_complex = |reason| Some(EvidenceError::PdfTooComplex { reason });
        assert_eq!(
            refused(
                exited(2),
                "fakewatch-pdf: peak-rss-kib 12\nfakewatch-pdf: refused password\n"
            ),
            Some(EvidenceError::PasswordProtected)
        );
        assert_eq!(
            refused(killed_by(6), "memory allocation of 4096 bytes failed\n"),
            too_complex(PdfComplexity::Memory)
        );
        assert_eq!(refused(killed_by(24), ""), too_complex(PdfComplexity::Time));
        assert_eq!(refused(killed_by(9), ""), too_complex(PdfComplexity::Time));
        assert_eq!(
            refused(killed_by(11), ""),
            Some(EvidenceError::Corrupt {
                what: "PDF document"
            })
        );
        // Output past the bound, whatever the child says then.
        assert!(matches!(
            interpret(exited(1), None, ""),
            Ok(Err(EvidenceError::PdfTooComplex {
                reason: PdfComplexity::Unpacked
            }))
        ));
        let cleaned = interpret(exited(0), Some(b"%PDF-1.7\n".to_vec()), "");
        assert!(matches!(cleaned, Ok(Ok(processed)) if processed.media_type == MediaType::Pdf));
        // Not a refusal we know, or no PDF: the worker is broken, which is ours to fix.
        assert!(interpret(exited(2), Some(vec![]), "garbage").is_err());
        assert!(interpret(exited(0), Some(b"<html>".to_vec()), "").is_err());
        assert!(interpret(exited(1), Some(vec![]), "error: unexpected argument").is_err());
    }
}
