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
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    match startup::run(command, config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            std::process::ExitCode::FAILURE
        }
    }
}
