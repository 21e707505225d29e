//! `floe demo`: Floe's storage path end to end on one machine, with nothing to set up.
//!
//! A generated blob is encoded for a full-size committee, two thirds of the shards are lost, a
//! lost sliver is recovered from its peers' recovery symbols, and the blob is decoded from what
//! is left, checking every byte and the blob ID on the way.
//!
//! Then the storage economy runs on the local development ledger ([`Localnet`]), in-process,
//! persisted in a fresh temporary directory (or `--dir`): storage nodes register, operators and
//! delegators stake, the first epoch selects a committee, the nodes report the WAL/USD rate,
//! and the blob's owner reserves space for its encoded size, registers it under its real blob
//! ID and certifies it. Every event is read back from the sealed checkpoints and decoded, and
//! the FROST supply is checked to be conserved. Last, the ledger is indexed into an SQLite file
//! beside it and a view of the index is printed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, ensure, Context, Result};
use floe_economics::events::FloeEvent;
use floe_economics::FROST_PER_WAL;
use floe_indexer::chain::Id;
use floe_indexer::localnet::Localnet;
use floe_indexer::scenario::{run_with, Scenario};
use floe_node::encoding::{
    decode, encode, recover_sliver, BlobId, EncodedBlob, EncodingConfig, Primary, Secondary,
    SliverIndex, SliverOrInconsistencyProof, SliverPairIndex,
};
use floe_node::sample::sample_blob;

/// Arguments of `floe demo`.
#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// Number of shards of the committee.
    #[arg(long, default_value_t = 1000)]
    pub shards: u16,
    /// Size of the generated blob in bytes.
    #[arg(long, default_value_t = 16 << 20)]
    pub size: usize,
    /// Seed of the generated blob's bytes.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Directory of the local ledger (kept afterwards); default: a fresh temporary directory,
    /// removed at the end.
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

/// Runs the demo and prints what happens at each step.
pub fn run(args: &DemoArgs) -> Result<()> {
    if let Some(dir) = &args.dir {
        // Checked first, so a wrong --dir fails before the encoding work.
        if dir.join("genesis.json").exists() {
            bail!(
                "{} already holds a ledger: give an empty or new directory to --dir",
                dir.display()
            );
        }
    }
    let config = EncodingConfig::new(args.shards).context("invalid --shards")?;
    let n = config.n_shards();
    let blob = sample_blob(args.size, args.seed);
    println!(
        "Floe demo: a {} byte blob on a committee of {n} shards",
        blob.len()
    );

    let started = Instant::now();
    let encoded = encode(&config, blob.clone()).context("cannot encode the blob")?;
    let encoded_len = config.encoded_blob_len(blob.len() as u64)?;
    println!(
        "1. encoded in {:.3} s: blob ID {}, symbol size {}, {} bytes stored in all ({:.2}x)",
        started.elapsed().as_secs_f64(),
        encoded.blob_id(),
        encoded.symbol_size(),
        encoded_len,
        encoded_len as f64 / blob.len().max(1) as f64,
    );

    let lost = n - config.n_primary_source_symbols();
    println!("2. {lost} of {n} shards lose their data (all but the minimum needed to decode)");
    let survivors: Vec<u16> = (lost..n).collect();

    let target = SliverPairIndex(0);
    let target_index = target.to_sliver_index::<Primary>(n);
    let started = Instant::now();
    let symbols = (0..n)
        .map(|j| {
            encoded
                .sliver::<Secondary>(SliverIndex(j))
                .recovery_symbol_for(target, &config)
        })
        .collect::<Result<Vec<_>, _>>()
        .context("cannot produce recovery symbols")?;
    let recovered =
        match recover_sliver(symbols, target_index, &encoded.metadata().metadata, &config)
            .context("cannot recover the lost sliver")?
        {
            SliverOrInconsistencyProof::Sliver(sliver) => sliver,
            SliverOrInconsistencyProof::InconsistencyProof(_) => {
                anyhow::bail!("the blob was encoded inconsistently")
            }
        };
    ensure!(
        recovered.data() == encoded.sliver_bytes::<Primary>(target_index),
        "recovered sliver differs from the original"
    );
    println!(
        "3. shard of pair {target} rebuilt its primary sliver ({} bytes) from {} verified recovery symbols in {:.3} s",
        recovered.len(),
        config.n_secondary_source_symbols(),
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let slivers = survivors
        .iter()
        .map(|&i| encoded.sliver::<Primary>(SliverIndex(i)));
    let decoded = decode(&config, encoded.metadata(), slivers).context("cannot decode")?;
    ensure!(decoded == blob, "decoded blob differs from the original");
    println!(
        "4. decoded from the {} surviving primary slivers (each verified against the metadata) in {:.3} s: all {} bytes match",
        survivors.len(),
        started.elapsed().as_secs_f64(),
        decoded.len()
    );

    let stats = ledger_demo(args, &config, &encoded, encoded_len)?;
    println!(
        "demo complete: blob {} survived the loss of {lost} shards and is certified on the local ledger until epoch {}",
        encoded.blob_id(),
        stats.end_epoch
    );
    println!(
        "ledger: {} checkpoints, {} transactions, {} events; FROST conserved: {} FROST accounted for = total supply {} FROST, unchanged since genesis",
        stats.checkpoints, stats.transactions, stats.events, stats.total_frost, stats.supply
    );
    Ok(())
}

/// The analysts' view of the demo: the ledger's checkpoints indexed into an SQLite file beside
/// it (`DIR/index.db`, the indexer's embedded default), then one of its views printed as
/// `floe indexer sql` would.
#[cfg(feature = "indexer")]
fn index_demo(net: &Localnet, dir: &Path, genesis: &floe_indexer::localnet::Genesis) -> Result<()> {
    use floe_indexer_sql::{adhoc, audit::AuditParams, db, decode::Packages, ingest};
    let path = dir.join("index.db");
    let url = db::DbUrl::Sqlite(path.clone());
    let last = net.checkpoint_count().checked_sub(1);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let (summary, table) = rt.block_on(async {
        let mut db = db::Db::connect(&url).await?;
        let config = ingest::IngestConfig {
            packages: Packages::floe([genesis.package_id]),
            last_checkpoint: last,
            audit: AuditParams::from(&genesis.params),
            ..Default::default()
        };
        let summary = ingest::run(net.clone(), &mut db, &config, std::future::pending()).await?;
        let rows = adhoc::query(
            &mut db,
            "SELECT name, stake, shards, stake_share_bps, commission_bps FROM v_node_stake \
             ORDER BY stake DESC, name",
        )
        .await?;
        anyhow::Ok((summary, adhoc::table(&rows)))
    })?;
    println!(
        "indexer: indexed into {} (SQLite): {} checkpoints, {} events; stake per node (`floe indexer sql --db sqlite://{} \"SELECT * FROM v_node_stake\"`):",
        path.display(),
        summary.checkpoints,
        summary.events,
        path.display()
    );
    print!("{table}");
    Ok(())
}

/// The demo's ledger story, run by the scenario runner: nodes register and stake, delegators
/// stake, the first epoch change selects a committee, the nodes report the WAL/USD rate, and
/// the builder reserves space for the blob, registers it and certifies it. The demo sets its
/// `vars` (the blob's sizes, root hash and the certificate's quorum) before running it.
pub const DEMO_SCENARIO: &str = include_str!("../../scenarios/demo.json");

/// The blob's owner in the demo scenario.
const BUILDER: &str = "builder";

/// What the ledger part reports at the end.
struct LedgerStats {
    end_epoch: u32,
    checkpoints: u64,
    transactions: u64,
    events: usize,
    total_frost: u128,
    supply: u64,
}

/// The demo's actors and objects, by id, with their display names.
#[derive(Default)]
pub(crate) struct Names(BTreeMap<[u8; 32], String>);

impl Names {
    fn add(&mut self, id: Id, name: impl Into<String>) {
        self.0.insert(id.0, name.into());
    }

    /// The display name of an id, or its shortened hex.
    fn of(&self, id: &[u8; 32]) -> String {
        match self.0.get(id) {
            Some(n) => n.clone(),
            None => short_hex(id),
        }
    }
}

/// `0x1234…abcd`.
fn short_hex(b: &[u8; 32]) -> String {
    format!("0x{:02x}{:02x}…{:02x}{:02x}", b[0], b[1], b[30], b[31])
}

/// An amount as WAL, with the exact FROST when it is not whole WAL.
fn amount(frost: u64) -> String {
    let whole = frost / FROST_PER_WAL;
    let frac = frost % FROST_PER_WAL;
    if frac == 0 {
        format!("{whole} WAL")
    } else {
        let digits = format!("{frac:09}");
        format!(
            "{whole}.{} WAL ({frost} FROST)",
            digits.trim_end_matches('0')
        )
    }
}

/// nano-USD as dollars, exact.
fn usd(nano: u64) -> String {
    let frac = format!("{:09}", nano % 1_000_000_000);
    let frac = frac.trim_end_matches('0');
    let sep = if frac.is_empty() { "" } else { "." };
    format!("${}{sep}{frac}", nano / 1_000_000_000)
}

/// Follows the ledger's checkpoints like an indexer would and prints each new event.
struct Follower<'a> {
    net: &'a Localnet,
    next_checkpoint: u64,
    /// Every event printed so far.
    events: Vec<FloeEvent>,
    names: Names,
}

impl Follower<'_> {
    /// Decodes and prints the events of the checkpoints sealed since the last call.
    fn print_new(&mut self) -> Result<()> {
        while let Some(cp) = self.net.try_checkpoint(self.next_checkpoint) {
            for e in cp.events() {
                let ev = e.decode().with_context(|| {
                    format!(
                        "cannot decode event {} of checkpoint {}",
                        e.type_tag, cp.sequence_number
                    )
                })?;
                println!(
                    "     [cp {:>2}] {}",
                    cp.sequence_number,
                    describe(&ev, &self.names)
                );
                self.events.push(ev);
            }
            self.next_checkpoint += 1;
        }
        Ok(())
    }
}

/// One event as a readable line: its name and key fields.
pub(crate) fn describe(e: &FloeEvent, n: &Names) -> String {
    match e {
        FloeEvent::NodeRegistered(x) => format!(
            "NodeRegistered {} (pool {}) operator {} at {}, commission {}%",
            x.name,
            short_hex(&x.node_id),
            n.of(&x.operator),
            x.network_address,
            f64::from(x.commission_rate) / 100.0
        ),
        FloeEvent::StakeDeposited(x) => format!(
            "StakeDeposited {} by {} with {}, active from epoch {}",
            amount(x.amount),
            n.of(&x.staker),
            n.of(&x.node_id),
            x.activation_epoch
        ),
        FloeEvent::CommitteeSelected(x) => {
            let members: Vec<String> = x
                .node_ids
                .iter()
                .zip(&x.shards)
                .map(|(id, s)| format!("{} {}", n.of(id), s.len()))
                .collect();
            format!(
                "CommitteeSelected for epoch {}: shards {}",
                x.epoch,
                members.join(", ")
            )
        }
        FloeEvent::EpochParametersSelected(x) => {
            format!("EpochParametersSelected next_epoch {}", x.next_epoch)
        }
        FloeEvent::UsdPricesSelected(x) => format!(
            "UsdPricesSelected for epoch {}: storage {}/MiB/epoch, write {}/MiB, capacity {} GiB",
            x.next_epoch,
            usd(x.storage_price_usd),
            usd(x.write_price_usd),
            x.total_capacity_size >> 30
        ),
        FloeEvent::EpochPotClosed(x) => format!(
            "EpochPotClosed epoch {}: total {}, burned {}",
            x.epoch,
            amount(x.total),
            amount(x.burned)
        ),
        FloeEvent::PoolAdvanced(x) => format!(
            "PoolAdvanced {} at epoch {}: active stake {}, commission {}%",
            n.of(&x.node_id),
            x.epoch,
            amount(x.wal_balance),
            f64::from(x.commission_rate) / 100.0
        ),
        FloeEvent::PricesUpdated(x) => format!(
            "PricesUpdated epoch {}: storage {} FROST/MiB/epoch, write {} FROST/MiB",
            x.epoch, x.storage_price, x.write_price
        ),
        FloeEvent::EpochPricing(x) => format!(
            "EpochPricing epoch {}: WAL/USD {}, storage {} FROST/MiB/epoch, write {} FROST/MiB",
            x.epoch,
            if x.wal_usd_rate == 0 {
                "not sampled yet".to_owned()
            } else {
                usd(x.wal_usd_rate)
            },
            x.storage_price,
            x.write_price
        ),
        FloeEvent::EpochChangeStart(x) => format!("EpochChangeStart epoch {}", x.epoch),
        FloeEvent::EpochChangeDone(x) => format!("EpochChangeDone epoch {}", x.epoch),
        FloeEvent::WalUsdReported(x) => format!(
            "WalUsdReported {} reports {} per WAL",
            n.of(&x.node_id),
            usd(x.wal_usd_rate)
        ),
        FloeEvent::WalUsdRateSampled(x) => format!(
            "WalUsdRateSampled median {} per WAL ({} sample(s) in the window)",
            usd(x.wal_usd_rate),
            x.n_samples
        ),
        FloeEvent::StorageReserved(x) => format!(
            "StorageReserved {} bytes for epochs [{}, {}) as {}, cost {}",
            x.storage_size,
            x.start_epoch,
            x.end_epoch,
            n.of(&x.storage_id),
            amount(x.cost)
        ),
        FloeEvent::BlobRegistered(x) => format!(
            "BlobRegistered {} ({} bytes, encoding {}) as {}, until epoch {}, deletable {}",
            BlobId(x.blob_id),
            x.size,
            x.encoding_type,
            n.of(&x.object_id),
            x.end_epoch,
            x.deletable
        ),
        FloeEvent::WriteFeePaid(x) => {
            format!("WriteFeePaid {} for {}", amount(x.fee), BlobId(x.blob_id))
        }
        FloeEvent::BlobCertified(x) => format!(
            "BlobCertified {} at epoch {} ({}), until epoch {}",
            BlobId(x.blob_id),
            x.epoch,
            n.of(&x.object_id),
            x.end_epoch
        ),
        other => other.name().to_owned(),
    }
}

/// The storage economy on the local ledger, for the demo blob: the demo scenario, narrated.
fn ledger_demo(
    args: &DemoArgs,
    config: &EncodingConfig,
    encoded: &EncodedBlob,
    encoded_len: u64,
) -> Result<LedgerStats> {
    let temp;
    let dir: &Path = match &args.dir {
        Some(d) => d,
        None => {
            temp = tempfile::Builder::new()
                .prefix("floe-demo-")
                .tempdir()
                .context("cannot create a temporary ledger directory")?;
            temp.path()
        }
    };

    let mut scenario =
        Scenario::from_json(DEMO_SCENARIO).context("the built-in demo scenario is invalid")?;
    let mut genesis = scenario
        .genesis
        .clone()
        .context("the demo scenario has no genesis")?;
    genesis.params.n_shards = config.n_shards();
    genesis.start_time_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let genesis_supply: u64 = genesis.accounts.iter().map(|(_, f)| f).sum();
    let builder = *scenario
        .actors
        .get(BUILDER)
        .context("the demo scenario has no builder")?;
    let builder_start = genesis
        .accounts
        .iter()
        .find(|(a, _)| *a == builder)
        .map_or(0, |(_, f)| *f);

    let metadata = &encoded.metadata().metadata;
    let n = u64::from(config.n_shards());
    scenario.set_var("encoded_size", encoded_len);
    scenario.set_var("blob_size", metadata.unencoded_length());
    scenario.set_var("root_hash", Id(metadata.root_hash().bytes()).to_string());
    scenario.set_var("quorum", n - u64::from(config.max_n_faulty()));

    let net = Localnet::open(dir, genesis.clone())
        .with_context(|| format!("cannot open the local ledger in {}", dir.display()))?;
    let mut names = Names::default();
    for (name, id) in &scenario.actors {
        names.add(*id, name.clone());
    }
    let mut f = Follower {
        net: &net,
        next_checkpoint: 0,
        events: Vec::new(),
        names,
    };
    println!(
        "5. local ledger in {}{}: {} shards, {} accounts holding {} (genesis supply); the story is the demo scenario",
        dir.display(),
        if args.dir.is_some() { "" } else { " (temporary)" },
        config.n_shards(),
        genesis.accounts.len(),
        amount(genesis_supply)
    );

    let mut failure = None;
    let report = run_with(&net, &scenario, &mut |text, report| {
        for (name, id) in &report.saved {
            f.names.add(*id, name.clone());
        }
        if let Err(e) = f.print_new() {
            failure.get_or_insert(e);
        }
        println!("{text}");
    })
    .context("the demo scenario failed on the ledger")?;
    if let Some(e) = failure {
        return Err(e);
    }
    for (name, id) in &report.saved {
        f.names.add(*id, name.clone());
    }
    f.print_new()?;

    let blob_id = encoded.blob_id();
    ensure!(
        f.events
            .iter()
            .any(|e| matches!(e, FloeEvent::BlobRegistered(b) if BlobId(b.blob_id) == blob_id)),
        "the ledger registered another blob ID than the encoding's"
    );
    let end_epoch = f
        .events
        .iter()
        .find_map(|e| match e {
            FloeEvent::BlobCertified(b) if BlobId(b.blob_id) == blob_id => Some(b.end_epoch),
            _ => None,
        })
        .context("the ledger emitted no BlobCertified event for the blob")?;
    let after = net.with_state(|s| s.balance(&builder));
    println!(
        "   {BUILDER} paid {} in all (storage + write fee); balance now {}",
        amount(builder_start.saturating_sub(after)),
        amount(after)
    );

    let (total_frost, supply) = net.with_state(|s| (s.total_frost(), s.supply));
    ensure!(
        total_frost == u128::from(supply) && supply == genesis_supply,
        "FROST not conserved: {total_frost} accounted for, supply {supply}, genesis {genesis_supply}"
    );
    #[cfg(feature = "indexer")]
    index_demo(&net, dir, &genesis)?;
    Ok(LedgerStats {
        end_epoch,
        checkpoints: net.checkpoint_count(),
        transactions: net.transaction_count(),
        events: f.events.len(),
        total_frost,
        supply,
    })
}
