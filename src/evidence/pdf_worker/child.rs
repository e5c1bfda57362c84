//! The child side: `fakewatch pdf-clean`, run by [`super::PdfWorker`].

use std::io::{Read, Write};
use std::process::ExitCode;
use std::time::Duration;

use rlimit::Resource;

use super::{PREFIX, REFUSED, SETUP_FAILED, wire};
use crate::evidence::process::{self, EvidenceError, Limits, MediaType, PdfComplexity};

/// Arguments of `fakewatch pdf-clean`, passed by [`PdfWorker`]; see the module docs.
#[derive(Debug, Clone, clap::Args)]
pub struct WorkerArgs {
    #[arg(long)]
    pub max_bytes: usize,
    #[arg(long)]
    pub max_pixels: u64,
    #[arg(long)]
    pub time_ms: u64,
    /// Address-space limit of the process, in bytes.
    #[arg(long)]
    pub memory_bytes: u64,
}

/// Runs the child: the whole of `fakewatch pdf-clean`.
pub fn run(args: &WorkerArgs) -> ExitCode {
    if let Err(error) = confine(args) {
        eprintln!("{PREFIX}setup {error}");
        return ExitCode::from(SETUP_FAILED);
    }
    let limits = Limits {
        max_bytes: args.max_bytes,
        max_pixels: args.max_pixels,
        pdf_time: Duration::from_millis(args.time_ms),
    };
    let mut input = Vec::new();
    // One byte past the limit tells an upload over it from one at it.
    let max_read = u64::try_from(limits.max_bytes)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let result = match std::io::stdin().take(max_read).read_to_end(&mut input) {
        Ok(_) => process::process(&input, &limits),
        // Reading reports a failed allocation instead of aborting.
        Err(error) if error.kind() == std::io::ErrorKind::OutOfMemory => {
            Err(EvidenceError::PdfTooComplex {
                reason: PdfComplexity::Memory,
            })
        }
        // The parent closed the pipe without sending anything.
        Err(_) => Err(EvidenceError::Empty),
    };
    if let Some(peak) = peak_rss_kib() {
        eprintln!("{PREFIX}peak-rss-kib {peak}");
    }
    match result {
        Ok(processed) if processed.media_type == MediaType::Pdf => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(&processed.bytes)
                .and_then(|()| stdout.flush())
            {
                Ok(()) => ExitCode::SUCCESS,
                // The parent stopped reading: it has given up on us.
                Err(_) => ExitCode::FAILURE,
            }
        }
        Ok(_) => refuse(&EvidenceError::Unsupported { detected: None }),
        Err(error) => refuse(&error),
    }
}

fn refuse(error: &EvidenceError) -> ExitCode {
    eprintln!("{PREFIX}refused {}", wire::encode(error));
    ExitCode::from(REFUSED)
}

/// The child's own limits; see the module docs.
fn confine(args: &WorkerArgs) -> std::io::Result<()> {
    Resource::CORE.set(0, 0)?;
    // SIGXCPU at the soft limit, SIGKILL at the hard one.
    let cpu_seconds = args.time_ms.div_ceil(1000) + 1;
    Resource::CPU.set(cpu_seconds, cpu_seconds + 1)?;
    Resource::AS.set(args.memory_bytes, args.memory_bytes)
}

/// `VmHWM` of this process, from `/proc/self/status`.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
