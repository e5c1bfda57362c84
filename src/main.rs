use std::io::IsTerminal;

use clap::Parser;
use fakewatch::config::{Cli, Command, Config};
use fakewatch::startup;
use tracing_subscriber::EnvFilter;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        // The PDF worker runs on this one thread: no async runtime, no logging set-up.
        Command::PdfClean(args) => fakewatch::evidence::pdf_worker::run(&args),
        command => run(command, cli.config),
    }
}

#[tokio::main]
async fn run(command: Command, config: Config) -> std::process::ExitCode {
    // Logs go to stderr, so that what a command prints (a rights holder's token) is all that
    // reaches stdout; colours only for a person at a terminal.
    let stderr = std::io::stderr();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_ansi(stderr.is_terminal())
        .with_writer(std::io::stderr)
        .init();
    match startup::run(command, config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            std::process::ExitCode::FAILURE
        }
    }
}
