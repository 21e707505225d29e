//! `floe indexer …`: the indexer's commands (`run`, `serve`, `sql`), shared by the `floe`
//! binary and `floe-indexer`.

use std::path::PathBuf;

use anyhow::{anyhow, bail, Context as _};
use clap::{Args, Subcommand};

use floe_indexer::chain::Id;
use floe_indexer::checkpoint_files::CheckpointFiles;
use floe_indexer::grpc::GrpcSource;
use floe_indexer::localnet::{Genesis, Localnet};

use floe_economics::performance::PerformanceCurve;

use crate::audit::AuditParams;
use crate::db::{Db, DbUrl};
use crate::decode::{Flavor, Packages};
use crate::ingest::{self, IngestConfig};

/// The indexer's commands.
#[derive(Subcommand, Debug, Clone)]
pub enum IndexerCommand {
    /// Follow a chain into the index until Ctrl-C / SIGTERM (or `--last-checkpoint`).
    Run(RunArgs),
    /// Serve the read-only HTTP API over an index.
    Serve(ServeArgs),
    /// Run one SQL query on an index and print the result as a table.
    Sql(SqlArgs),
}

/// `floe indexer run`.
#[derive(Args, Debug, Clone)]
pub struct RunArgs {
    /// Where checkpoints come from: `grpc+http://HOST:PORT` (a Sui full node or `floe ledger
    /// serve`), `files:DIR` (`{seq}.binpb.zst` checkpoint files) or `ledger:DIR` (a local
    /// ledger's directory).
    #[arg(long)]
    pub source: String,
    /// The index: `sqlite://PATH` (created if missing) or `postgres://USER@HOST:PORT/DB`.
    #[arg(long, default_value = "sqlite://.floe/index.db")]
    pub db: String,
    /// A Floe package whose events are indexed (repeatable; the original id of an upgraded
    /// package). Defaults to the ledger's package for `ledger:` sources.
    #[arg(long = "package")]
    pub packages: Vec<String>,
    /// A Walrus system package whose blob and epoch events are indexed (repeatable).
    #[arg(long = "walrus-package")]
    pub walrus_packages: Vec<String>,
    /// The first checkpoint of an empty index (a backfill's start).
    #[arg(long)]
    pub first_checkpoint: Option<u64>,
    /// Stop after this checkpoint.
    #[arg(long)]
    pub last_checkpoint: Option<u64>,
    /// Commit after this many events (or at the chain's tip).
    #[arg(long, default_value_t = 50_000)]
    pub batch_events: u64,
    /// The chain's genesis burn share (bps), for the settlement audit (default: Floe's
    /// default parameters; a `ledger:` source gives its own).
    #[arg(long)]
    pub genesis_burn_bps: Option<u16>,
    /// The chain's genesis performance curve, `ZERO_BELOW_BPS:FULL_AT_BPS`, for the settlement
    /// audit (default: Floe's default parameters; a `ledger:` source gives its own).
    #[arg(long, value_parser = parse_curve)]
    pub genesis_curve: Option<PerformanceCurve>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

/// `floe indexer serve`.
#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// The index.
    #[arg(long, default_value = "sqlite://.floe/index.db")]
    pub db: String,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:9185")]
    pub listen: std::net::SocketAddr,
}

/// `floe indexer sql`.
#[derive(Args, Debug, Clone)]
pub struct SqlArgs {
    /// The index.
    #[arg(long, default_value = "sqlite://.floe/index.db")]
    pub db: String,
    /// The query.
    pub query: String,
}

/// Logs to standard error, filtered by `RUST_LOG` (default `info` for the indexer).
pub fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("warn,floe_indexer_sql=info")),
        )
        .with_writer(std::io::stderr)
        .try_init();
}

/// Runs an indexer command on a new runtime.
pub fn run(command: IndexerCommand) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(async move {
        match command {
            IndexerCommand::Run(args) => run_indexer(args).await,
            IndexerCommand::Serve(args) => serve(args).await,
            IndexerCommand::Sql(args) => sql(args).await,
        }
    })
}

fn parse_curve(text: &str) -> Result<PerformanceCurve, String> {
    let (zero, full) = text
        .split_once(':')
        .ok_or_else(|| format!("{text:?} is not ZERO_BELOW_BPS:FULL_AT_BPS"))?;
    let bps = |v: &str| v.trim().parse::<u16>().map_err(|e| format!("{v:?}: {e}"));
    let curve = PerformanceCurve {
        zero_below_bps: bps(zero)?,
        full_at_bps: bps(full)?,
    };
    curve
        .validate()
        .map_err(|e| format!("{text:?} is not a valid curve: {e}"))?;
    Ok(curve)
}

fn parse_id(text: &str) -> anyhow::Result<Id> {
    text.parse::<Id>()
        .map_err(|e| anyhow!("{text:?} is not a package id: {e}"))
}

async fn connect(db: &str) -> anyhow::Result<Db> {
    let url: DbUrl = db.parse()?;
    if let DbUrl::Sqlite(path) = &url {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
    }
    Ok(Db::connect(&url).await?)
}

async fn run_indexer(args: RunArgs) -> anyhow::Result<()> {
    let mut packages = Packages::default();
    for p in &args.packages {
        packages = packages.with(parse_id(p)?, Flavor::Floe);
    }
    for p in &args.walrus_packages {
        packages = packages.with(parse_id(p)?, Flavor::Walrus);
    }
    let mut db = connect(&args.db).await?;
    let mut config = IngestConfig {
        first_checkpoint: args.first_checkpoint,
        last_checkpoint: args.last_checkpoint,
        batch_events: args.batch_events.max(1),
        progress: !args.quiet,
        ..Default::default()
    };
    let override_audit = |mut audit: AuditParams| {
        if let Some(b) = args.genesis_burn_bps {
            audit.burn_bps = b;
        }
        if let Some(c) = args.genesis_curve {
            audit.curve = c;
        }
        audit
    };
    config.audit = override_audit(config.audit);
    let stop = floe_indexer::shutdown::stop_signal();
    let summary = if let Some(url) = args.source.strip_prefix("grpc+") {
        require_packages(&packages)?;
        config.packages = packages;
        let source = GrpcSource::new(url, None)?;
        ingest::run(source, &mut db, &config, stop).await?
    } else if let Some(dir) = args.source.strip_prefix("files:") {
        require_packages(&packages)?;
        config.packages = packages;
        let source = CheckpointFiles::new(&PathBuf::from(dir), None);
        ingest::run(source, &mut db, &config, stop).await?
    } else if let Some(dir) = args.source.strip_prefix("ledger:") {
        let dir = PathBuf::from(dir);
        if !dir.join("genesis.json").exists() {
            bail!("{} holds no ledger (no genesis.json)", dir.display());
        }
        // The genesis given here is ignored: an existing ledger reopens with its own.
        let net = Localnet::open(
            &dir,
            Genesis {
                package_id: Id::default(),
                start_time_ms: 0,
                params: Default::default(),
                accounts: vec![],
                pricing: None,
            },
        )
        .with_context(|| format!("cannot open the ledger in {}", dir.display()))?;
        let genesis = net.genesis();
        if packages.list().is_empty() {
            packages = Packages::floe([genesis.package_id]);
        }
        config.audit = override_audit(AuditParams::from(&genesis.params));
        config.packages = packages;
        ingest::run(net, &mut db, &config, stop).await?
    } else {
        bail!(
            "unsupported source {:?}: expected grpc+http://HOST:PORT, files:DIR or ledger:DIR",
            args.source
        );
    };
    println!(
        "indexed {} checkpoints, {} events ({} skipped as unknown) in {} commits; last checkpoint {}",
        summary.checkpoints,
        summary.events,
        summary.skipped,
        summary.commits,
        summary
            .checkpoint_hi
            .map_or("none".to_string(), |c| c.to_string())
    );
    Ok(())
}

fn require_packages(packages: &Packages) -> anyhow::Result<()> {
    if packages.list().is_empty() {
        bail!("name the packages to index with --package ID (Floe) or --walrus-package ID");
    }
    Ok(())
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let url: DbUrl = args.db.parse()?;
    // Migrate (and create an empty SQLite index) before serving.
    drop(connect(&args.db).await?);
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    println!("indexer API on http://{}", listener.local_addr()?);
    crate::api::serve(url, listener, floe_indexer::shutdown::stop_signal()).await?;
    Ok(())
}

async fn sql(args: SqlArgs) -> anyhow::Result<()> {
    let mut db = connect(&args.db).await?;
    let rows = crate::adhoc::query(&mut db, &args.query).await?;
    print!("{}", crate::adhoc::table(&rows));
    Ok(())
}
