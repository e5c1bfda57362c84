use clap::Parser;
use fakewatch::config::{Cli, Command};
use fakewatch::startup;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve);
    match run(command, cli.config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(
    command: Command,
    config: fakewatch::config::Config,
) -> Result<(), startup::StartupError> {
    match command {
        Command::Migrate => {
            fakewatch::db::prepare(&config)
                .await
                .map_err(startup::StartupError::from)?;
            tracing::info!("database is up to date");
        }
        Command::Serve => {
            let state = startup::build_state(config).await?;
            let listener = startup::bind(&state.config).await?;
            tracing::info!(address = %state.config.listen, "listening");
            startup::serve(listener, state).await?;
        }
    }
    Ok(())
}
