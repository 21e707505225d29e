//! `floe ledger`: the local development ledger as a process, and a follower of any Sui gRPC
//! endpoint.
//!
//! - `floe ledger serve` opens (or creates) a persisted ledger, runs a scenario on a new one
//!   (the built-in devnet scenario by default), serves its checkpoints over Sui's gRPC API,
//!   optionally writes them as `{seq}.binpb.zst` files as they are sealed and advances epochs
//!   on a wall-clock schedule, until Ctrl-C.
//! - `floe ledger follow` reads checkpoints from a gRPC endpoint (the ledger or a Sui full node)
//!   through the same checkpoint source the indexer uses, and prints their Floe events.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use floe_indexer::chain::{CheckpointSource, Id};
use floe_indexer::checkpoint_files::{self, CheckpointFiles, CheckpointWriter};
use floe_indexer::grpc::{serve, GrpcSource};
use floe_indexer::localnet::schedule::{self, EpochSchedule, Tick};
use floe_indexer::localnet::Localnet;
use floe_indexer::scenario::{self, Scenario, DEVNET};

use super::demo::{describe, Names};

/// `floe ledger` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum LedgerCommand {
    /// Run the local ledger and serve it over Sui's gRPC API until Ctrl-C.
    Serve(ServeArgs),
    /// Print the Floe events of the checkpoints of a Sui gRPC endpoint.
    Follow(FollowArgs),
}

/// Arguments of `floe ledger serve`.
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Directory of the persisted ledger (created if missing; an existing ledger continues).
    #[arg(long, default_value = ".floe/ledger")]
    pub dir: PathBuf,
    /// Address to serve gRPC on (port 0 picks a free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:9184")]
    pub listen: std::net::SocketAddr,
    /// Scenario whose genesis creates a new ledger and whose steps run on it
    /// (default: the built-in devnet scenario).
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Create a new ledger from the scenario's genesis without running its steps.
    #[arg(long)]
    pub genesis_only: bool,
    /// Advance an epoch every this many seconds of wall time (0: only by command).
    #[arg(long, default_value_t = 0.0)]
    pub epoch_every_secs: f64,
    /// How far the ledger clock moves at each scheduled epoch change, ms (default: one day).
    #[arg(long, default_value_t = 86_400_000)]
    pub epoch_ms: u64,
    /// Also write every checkpoint as `{seq}.binpb.zst` into this directory as it is sealed.
    #[arg(long)]
    pub checkpoint_dir: Option<PathBuf>,
}

/// Arguments of `floe ledger follow`.
#[derive(clap::Args, Debug)]
pub struct FollowArgs {
    /// The gRPC endpoint, e.g. `http://127.0.0.1:9184`.
    #[arg(long, default_value = "http://127.0.0.1:9184")]
    pub url: String,
    /// First checkpoint.
    #[arg(long, default_value_t = 0)]
    pub from: u64,
    /// Stop after this many checkpoints (default: follow the tip forever).
    #[arg(long)]
    pub count: Option<u64>,
    /// The Floe package id (default: every `system` call).
    #[arg(long)]
    pub package: Option<Id>,
}

/// Runs a `floe ledger` subcommand.
pub fn run(command: &LedgerCommand) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    match command {
        LedgerCommand::Serve(args) => runtime.block_on(serve_ledger(args)),
        LedgerCommand::Follow(args) => runtime.block_on(follow(args)),
    }
}

async fn serve_ledger(args: &ServeArgs) -> Result<()> {
    let text = match &args.scenario {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the scenario {}", path.display()))?,
        None => DEVNET.to_owned(),
    };
    let scenario = Scenario::from_json(&text).context("invalid scenario")?;
    let genesis = scenario
        .genesis
        .clone()
        .context("the scenario has no \"genesis\" to create the ledger from")?;
    let fresh = !args.dir.join("genesis.json").exists();
    let net = Localnet::open(&args.dir, genesis)
        .with_context(|| format!("cannot open the ledger in {}", args.dir.display()))?;
    if fresh && !args.genesis_only {
        let report = scenario::run(&net, &scenario).context("the scenario failed")?;
        net.seal()
            .context("cannot seal the scenario's last checkpoint")?;
        println!(
            "new ledger in {}: scenario ran {} operations ({} refused as expected), {} events",
            args.dir.display(),
            report.accepted,
            report.refused,
            report.events
        );
    } else if !fresh {
        println!(
            "ledger in {} continues: {} checkpoints, {} transactions",
            args.dir.display(),
            net.checkpoint_count(),
            net.transaction_count()
        );
    }

    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;

    if let Some(dir) = &args.checkpoint_dir {
        let writer = CheckpointWriter::new(dir, net.genesis().package_id)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        // Resume after the valid contiguous prefix 0..k of files: a stray file past a gap
        // (reported) does not make the export skip the checkpoints before it.
        let from = CheckpointFiles::new(dir, None).resume_point()?;
        let source = net.clone();
        let target = dir.clone();
        tokio::spawn(async move {
            let done = checkpoint_files::export(&source, &writer, from, u64::MAX, |seq| {
                tracing::debug!(seq, "checkpoint file written");
            })
            .await;
            if let Err(e) = done {
                tracing::error!("checkpoint files in {} stopped: {e}", target.display());
            }
        });
        println!(
            "writing checkpoints from {from} as {{seq}}.binpb.zst into {}",
            dir.display()
        );
    }

    if args.epoch_every_secs > 0.0 {
        let period = Duration::try_from_secs_f64(args.epoch_every_secs)
            .context("invalid --epoch-every-secs")?;
        let s = EpochSchedule {
            period,
            epoch_ms: args.epoch_ms,
            sender: Id::from_u64(0),
        };
        let net = net.clone();
        tokio::spawn(async move {
            let stopped = schedule::run(net, s, std::future::pending(), |t| {
                if let Tick::Advanced(epoch) = t {
                    println!("epoch {epoch} began");
                }
            })
            .await;
            if let Err(e) = stopped {
                tracing::error!("the epoch schedule stopped: {e}");
            }
        });
        println!("epochs advance every {}s", args.epoch_every_secs);
    }

    println!(
        "serving Sui gRPC (LedgerService, SubscriptionService, TransactionExecutionService) on http://{addr}: {} checkpoints, epoch {}; Ctrl-C stops",
        net.checkpoint_count(),
        net.epoch()
    );
    serve(net, listener, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .context("the gRPC server failed")?;
    println!("stopped");
    Ok(())
}

async fn follow(args: &FollowArgs) -> Result<()> {
    let source = GrpcSource::new(&args.url, args.package)?;
    let names = Names::default();
    let end = args.count.map_or(u64::MAX, |c| args.from.saturating_add(c));
    for seq in args.from..end {
        let cp = source
            .checkpoint(seq)
            .await
            .with_context(|| format!("cannot read checkpoint {seq} from {}", args.url))?;
        println!(
            "checkpoint {seq}: epoch {}, {} transaction(s)",
            cp.epoch,
            cp.transactions.len()
        );
        for t in &cp.transactions {
            for e in &t.events {
                let line = match e.decode() {
                    Ok(ev) => describe(&ev, &names),
                    Err(err) => format!("{} (undecodable: {err})", e.type_tag),
                };
                println!("  tx {} {}: {line}", t.index, t.kind);
            }
        }
    }
    Ok(())
}
