//! `floe node run --config node.toml`: a storage node until Ctrl-C or SIGTERM;
//! `floe node keygen --out FILE`: a protocol key for it.
//!
//! It prints one line when its REST API listens (`floe node: REST API on http://ADDR …`, with
//! the real port when the configuration asks for port 0), then logs through `tracing`
//! (`RUST_LOG=info` for progress).

use std::path::PathBuf;

use anyhow::{Context, Result};
use floe_node::node::{self, config::NodeConfig};

/// `floe node` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum NodeCommand {
    /// Run a storage node until Ctrl-C or SIGTERM.
    Run(RunArgs),
    /// Create a BLS12-381 protocol key for a node (its `protocol_key_file`) and print its
    /// public key, the one to register on chain.
    Keygen(KeygenArgs),
}

/// Arguments of `floe node keygen`.
#[derive(clap::Args, Debug)]
pub struct KeygenArgs {
    /// Where to write the secret key (hex; created with mode 0600, never overwritten).
    #[arg(long)]
    pub out: PathBuf,
}

/// Arguments of `floe node run`.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// The node's configuration file (TOML; see the README).
    #[arg(long)]
    pub config: PathBuf,
}

/// Runs a `floe node` subcommand.
pub fn run(command: &NodeCommand) -> Result<()> {
    match command {
        NodeCommand::Run(args) => run_node(args),
        NodeCommand::Keygen(args) => keygen(args),
    }
}

fn keygen(args: &KeygenArgs) -> Result<()> {
    use std::io::{Read as _, Write as _};
    let mut seed = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut seed))
        .context("cannot read randomness from /dev/urandom")?;
    let key = floe_indexer::bls::SecretKey::from_seed(&seed)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options
        .open(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    file.write_all(format!("{}\n", hex::encode(key.to_bytes())).as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!(
        "floe node: protocol key written to {} (public key 0x{})",
        args.out.display(),
        hex::encode(key.public_key().to_bytes())
    );
    Ok(())
}

fn run_node(args: &RunArgs) -> Result<()> {
    let config = NodeConfig::load(&args.config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("cannot listen on {}", config.listen))?;
        let source = config.chain.source.clone();
        let data_dir = config.data_dir.clone();
        node::run(
            config,
            listener,
            floe_indexer::shutdown::stop_signal(),
            |running| {
                println!(
                    "floe node: REST API on http://{} (node {}, chain {source}, store {})",
                    running.addr,
                    floe_indexer::chain::Id(*running.node.node_id()),
                    data_dir.display()
                );
            },
        )
        .await
        .context("the node stopped on an error")?;
        println!("floe node: stopped");
        Ok(())
    })
}
