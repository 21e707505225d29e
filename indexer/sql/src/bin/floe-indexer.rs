//! `floe-indexer`: the indexer's commands on their own (the same as `floe indexer …`).

use clap::Parser;

/// Floe's SQL indexer.
#[derive(Parser)]
#[command(name = "floe-indexer", version, about)]
struct Args {
    #[command(subcommand)]
    command: floe_indexer_sql::cli::IndexerCommand,
}

fn main() -> std::process::ExitCode {
    floe_indexer_sql::cli::init_logging();
    match floe_indexer_sql::cli::run(Args::parse().command) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
