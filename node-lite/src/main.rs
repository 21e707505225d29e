//! `floe`: the Floe command line (storage encoding, demo; later the node and the network).

mod cli;

use anyhow::Result;
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

/// Floe: a Walrus-class decentralized blob storage economy on Sui.
#[derive(Parser, Debug)]
#[command(name = "floe", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run Floe end to end on this machine with the built-in defaults.
    Demo(cli::demo::DemoArgs),
    /// Print the blob ID of a file (identical to Walrus's for the same shard count).
    BlobId(cli::blob::BlobIdArgs),
    /// Encode a file into slivers and metadata (BCS, as storage nodes serve them).
    Encode(cli::blob::EncodeArgs),
    /// Decode a file from a directory written by `floe encode`.
    Decode(cli::blob::DecodeArgs),
    /// Walrus QuiltV1 quilts offline: many files in one blob (encode, decode, list).
    #[command(subcommand)]
    Quilt(cli::quilt::QuiltCommand),
    /// What-if simulation of the economy: stable prices, rewards, APY, burn.
    Sim(cli::sim::SimArgs),
    /// The local development ledger: serve it over Sui's gRPC API, or follow an endpoint.
    #[command(subcommand)]
    Ledger(cli::ledger::LedgerCommand),
    /// A storage node: follows the chain and stores and serves the slivers of its shards.
    #[command(subcommand)]
    Node(cli::node::NodeCommand),
    /// The SQL indexer: follow a chain into SQLite or PostgreSQL, serve its API, query it.
    #[cfg(feature = "indexer")]
    #[command(subcommand)]
    Indexer(floe_indexer_sql::cli::IndexerCommand),
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(&Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // The message and its causes, never a backtrace (whatever `RUST_BACKTRACE` says):
            // what a user needs to fix the problem.
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> Result<()> {
    match &cli.command {
        Command::Demo(args) => cli::demo::run(args),
        Command::BlobId(args) => cli::blob::blob_id(args),
        Command::Encode(args) => cli::blob::encode_file(args),
        Command::Decode(args) => cli::blob::decode_dir(args),
        Command::Quilt(command) => cli::quilt::run(command),
        Command::Node(command) => cli::node::run(command),
        #[cfg(feature = "indexer")]
        Command::Indexer(command) => floe_indexer_sql::cli::run(command.clone()),
        Command::Sim(args) => cli::sim::run(args),
        Command::Ledger(command) => cli::ledger::run(command),
    }
}
