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
//! the FROST supply is checked to be conserved.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, ensure, Context, Result};
use floe_economics::events::{u256_le_to_be, FloeEvent};
use floe_economics::FROST_PER_WAL;
use floe_indexer::chain::{Id, Operation, Receipt};
use floe_indexer::localnet::{Genesis, GenesisParams, Localnet};
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

/// The Floe package id of the demo chain (as in the event type tags).
const PACKAGE: u64 = 0xf10e;
/// Length of an epoch on the demo clock (Walrus mainnet: two weeks).
const EPOCH_MS: u64 = 14 * 24 * 3600 * 1000;
/// The WAL/USD rate the nodes see, nano-USD per WAL (0.40 USD).
const WAL_USD: u64 = 400_000_000;
/// Epochs the blob is stored for.
const STORE_EPOCHS: u32 = 3;

/// A storage node of the demo committee and its votes.
struct NodeSpec {
    name: &'static str,
    operator: &'static str,
    commission_bps: u16,
    /// Storage price vote, nano-USD per MiB per epoch.
    storage_usd: u64,
    /// Write price vote, nano-USD per MiB.
    write_usd: u64,
    /// Operator's own stake, WAL.
    self_stake: u64,
    /// Its WAL/USD report, nano-USD per WAL.
    rate: u64,
}

const NODES: [NodeSpec; 4] = [
    NodeSpec {
        name: "node-a",
        operator: "op-a",
        commission_bps: 1000,
        storage_usd: 4_400,
        write_usd: 8_000,
        self_stake: 300,
        rate: WAL_USD,
    },
    NodeSpec {
        name: "node-b",
        operator: "op-b",
        commission_bps: 500,
        storage_usd: 4_000,
        write_usd: 7_600,
        self_stake: 200,
        rate: 396_000_000,
    },
    NodeSpec {
        name: "node-c",
        operator: "op-c",
        commission_bps: 1500,
        storage_usd: 4_800,
        write_usd: 8_400,
        self_stake: 150,
        rate: 404_000_000,
    },
    NodeSpec {
        name: "node-d",
        operator: "op-d",
        commission_bps: 2000,
        storage_usd: 5_200,
        write_usd: 9_000,
        self_stake: 100,
        rate: WAL_USD,
    },
];

/// Delegations: (delegator, node index, WAL).
const DELEGATIONS: [(&str, usize, u64); 4] = [
    ("alice", 0, 120),
    ("bob", 1, 250),
    ("carol", 2, 80),
    ("carol", 3, 40),
];

/// The blob's owner.
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

/// A temporary directory removed when dropped (also on errors).
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<Self> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path = std::env::temp_dir().join(format!("floe-demo-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&path)
            .with_context(|| format!("cannot create the ledger directory {}", path.display()))?;
        Ok(TempDir(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_dir_all(&self.0) {
            tracing::warn!(dir = %self.0.display(), "cannot remove the demo ledger: {e}");
        }
    }
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

/// The account id of a named actor (deterministic, so a kept `--dir` reads the same).
fn account(name: &str) -> Id {
    let mut id = [0u8; 32];
    id[0] = 0xac;
    for (i, b) in name.bytes().take(24).enumerate() {
        id[8 + i] = b;
    }
    Id(id)
}

/// The blob ID as the `u256` the contracts take: Walrus's blob ID bytes are the BCS
/// (little-endian) encoding of that `u256`, which is what `Operation::RegisterBlob` expects.
fn blob_id_as_u256(id: &BlobId) -> Id {
    Id(*id.as_bytes())
}

/// The `u256` of a blob ID as a number, hex.
fn u256_hex(le: &[u8; 32]) -> String {
    let be = u256_le_to_be(le);
    let hex: String = be.iter().map(|b| format!("{b:02x}")).collect();
    format!("0x{hex}")
}

/// Follows the ledger's checkpoints like an indexer would and prints each new event.
struct Follower<'a> {
    net: &'a Localnet,
    next_checkpoint: u64,
    events: usize,
    names: Names,
}

impl Follower<'_> {
    /// Decodes and prints the events of the checkpoints sealed since the last call.
    fn print_new(&mut self) -> Result<Vec<FloeEvent>> {
        let mut out = Vec::new();
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
                out.push(ev);
            }
            self.next_checkpoint += 1;
        }
        self.events += out.len();
        Ok(out)
    }
}

/// Executes one operation, naming the step in the error.
fn exec(net: &Localnet, sender: &str, op: Operation, step: &str) -> Result<Receipt> {
    net.execute(account(sender), op)
        .with_context(|| format!("ledger step \"{step}\" (sent by {sender}) failed"))
}

/// The created object of a receipt.
fn created(r: &Receipt, step: &str) -> Result<Id> {
    r.created()
        .with_context(|| format!("ledger step \"{step}\" created no object"))
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

/// The storage economy on the local ledger, for the demo blob.
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
            temp = TempDir::new()?;
            &temp.0
        }
    };

    let mut accounts: Vec<(Id, u64)> = NODES
        .iter()
        .map(|s| (account(s.operator), 1_000 * FROST_PER_WAL))
        .collect();
    for d in ["alice", "bob", "carol"] {
        accounts.push((account(d), 500 * FROST_PER_WAL));
    }
    accounts.push((account(BUILDER), 10 * FROST_PER_WAL));
    let genesis_supply: u64 = accounts.iter().map(|(_, f)| f).sum();
    let start_time_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let genesis = Genesis {
        package_id: Id::from_u64(PACKAGE),
        start_time_ms,
        params: GenesisParams {
            n_shards: config.n_shards(),
            ..GenesisParams::default()
        },
        accounts: accounts.clone(),
    };
    let net = Localnet::open(dir, genesis).with_context(|| {
        format!(
            "ledger step \"open the local ledger\" in {} failed",
            dir.display()
        )
    })?;
    let mut names = Names::default();
    for s in &NODES {
        names.add(account(s.operator), s.operator);
    }
    for d in ["alice", "bob", "carol", BUILDER] {
        names.add(account(d), d);
    }
    let mut f = Follower {
        net: &net,
        next_checkpoint: 0,
        events: 0,
        names,
    };
    println!(
        "5. local ledger in {}{}: {} shards, {} accounts holding {} (genesis supply)",
        dir.display(),
        if args.dir.is_some() {
            ""
        } else {
            " (temporary)"
        },
        config.n_shards(),
        accounts.len(),
        amount(genesis_supply)
    );

    // Nodes.
    println!("6. {} storage nodes register", NODES.len());
    let capacity_per_node = 4u64 << 40;
    let mut pools = Vec::new();
    for (i, s) in NODES.iter().enumerate() {
        let step = format!("register {}", s.name);
        let r = exec(
            &net,
            s.operator,
            Operation::RegisterNode {
                name: s.name.into(),
                network_address: format!("{}.local:9185", s.name),
                public_key: vec![i as u8 + 1; 96],
                commission_bps: s.commission_bps,
                storage_price_usd: s.storage_usd,
                write_price_usd: s.write_usd,
                capacity: capacity_per_node,
            },
            &step,
        )?;
        let pool = created(&r, &step)?;
        f.names.add(pool, s.name);
        pools.push(pool);
    }
    f.print_new()?;

    // Stake.
    let operator_stake: u64 = NODES.iter().map(|s| s.self_stake).sum();
    let delegated: u64 = DELEGATIONS.iter().map(|d| d.2).sum();
    println!(
        "7. operators stake {} on their own nodes, delegators {}",
        amount(operator_stake * FROST_PER_WAL),
        amount(delegated * FROST_PER_WAL)
    );
    let stakes = NODES
        .iter()
        .enumerate()
        .map(|(i, s)| (s.operator, i, s.self_stake))
        .chain(DELEGATIONS);
    for (who, node, wal) in stakes {
        let step = format!("{who} stakes {wal} WAL with {}", NODES[node].name);
        exec(
            &net,
            who,
            Operation::Stake {
                node_id: pools[node],
                amount: wal * FROST_PER_WAL,
            },
            &step,
        )?;
    }
    f.print_new()?;

    // First epoch: a committee.
    net.advance_clock(EPOCH_MS);
    println!("8. two weeks later, epoch 0 ends: the committee of epoch 1 is selected by stake");
    exec(&net, "op-a", Operation::AdvanceEpoch, "advance to epoch 1")?;
    f.print_new()?;
    let epoch = net.epoch();
    ensure!(epoch == 1, "the ledger is at epoch {epoch}, expected 1");

    // Prices in FROST need a WAL/USD rate.
    println!("9. the committee reports the WAL/USD rate; a sample fixes the FROST prices");
    for (s, pool) in NODES.iter().zip(&pools) {
        exec(
            &net,
            s.operator,
            Operation::ReportWalUsdRate {
                node_id: *pool,
                rate: s.rate,
            },
            &format!("{} reports the WAL/USD rate", s.name),
        )?;
    }
    exec(
        &net,
        BUILDER,
        Operation::SampleWalUsdRate,
        "sample the WAL/USD rate",
    )?;
    f.print_new()?;
    let (storage_price, write_price) = net.with_state(|s| (s.storage_price, s.write_price));
    println!(
        "   prices now: storage {storage_price} FROST per MiB per epoch, write {write_price} FROST per MiB"
    );

    // Storage for the blob.
    let balance = |who: &str| net.with_state(|s| s.balance(&account(who).into()));
    let before = balance(BUILDER);
    println!(
        "10. {BUILDER} (balance {}) reserves {encoded_len} bytes (the blob's encoded size) for {STORE_EPOCHS} epochs",
        amount(before)
    );
    let r = exec(
        &net,
        BUILDER,
        Operation::ReserveSpace {
            size: encoded_len,
            epochs_ahead: STORE_EPOCHS,
        },
        "reserve space",
    )?;
    let storage = created(&r, "reserve space")?;
    f.names.add(storage, "storage#1");
    f.print_new()?;

    // Register the blob under its real ID.
    let blob_id = encoded.blob_id();
    let metadata = &encoded.metadata().metadata;
    let root_hash = metadata.root_hash().bytes();
    let u256 = blob_id_as_u256(&blob_id);
    println!(
        "11. {BUILDER} registers blob {blob_id} (u256 {}), {} bytes, root hash {}",
        u256_hex(&u256.0),
        metadata.unencoded_length(),
        short_hex(&root_hash)
    );
    let r = exec(
        &net,
        BUILDER,
        Operation::RegisterBlob {
            storage_id: storage,
            blob_id: u256,
            root_hash: Id(root_hash),
            size: metadata.unencoded_length(),
            encoding_type: metadata.encoding_type(),
            deletable: false,
        },
        "register the blob",
    )?;
    let blob_object = created(&r, "register the blob")?;
    f.names.add(blob_object, "blob#1");
    let registered = f.print_new()?;
    ensure!(
        registered
            .iter()
            .any(|e| matches!(e, FloeEvent::BlobRegistered(b) if BlobId(b.blob_id) == blob_id)),
        "the ledger registered another blob ID than the encoding's"
    );

    // Certify: the committee's nodes sign, largest first, until a 2f+1 quorum of shards.
    let committee: Vec<(Id, u64)> = net.with_state(|s| {
        let mut c: Vec<(Id, u64)> = s
            .committee
            .iter()
            .map(|(id, sh)| (Id::from(*id), sh.len() as u64))
            .collect();
        c.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        c
    });
    let n = u64::from(config.n_shards());
    let quorum = n - u64::from(config.max_n_faulty());
    let mut signers = Vec::new();
    let mut signed = 0;
    for (id, shards) in &committee {
        if signed >= quorum {
            break;
        }
        signed += shards;
        signers.push(f.names.of(&id.0));
    }
    println!(
        "12. {} (holding {signed} of {n} shards, quorum {quorum}) sign the certificate; {BUILDER} certifies the blob",
        signers.join(", ")
    );
    exec(
        &net,
        BUILDER,
        Operation::CertifyBlob {
            blob_object_id: blob_object,
            epoch,
            signers_shards: signed,
        },
        "certify the blob",
    )?;
    let certified = f.print_new()?;
    let end_epoch = certified
        .iter()
        .find_map(|e| match e {
            FloeEvent::BlobCertified(b) if BlobId(b.blob_id) == blob_id => Some(b.end_epoch),
            _ => None,
        })
        .context("the ledger emitted no BlobCertified event for the blob")?;
    let after = balance(BUILDER);
    println!(
        "   {BUILDER} paid {} in all (storage + write fee); balance now {}",
        amount(before - after),
        amount(after)
    );

    let (total_frost, supply) = net.with_state(|s| (s.total_frost(), s.supply));
    ensure!(
        total_frost == u128::from(supply) && supply == genesis_supply,
        "FROST not conserved: {total_frost} accounted for, supply {supply}, genesis {genesis_supply}"
    );
    Ok(LedgerStats {
        end_epoch,
        checkpoints: net.checkpoint_count(),
        transactions: net.transaction_count(),
        events: f.events,
        total_frost,
        supply,
    })
}
