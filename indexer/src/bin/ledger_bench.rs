//! Event-generation benchmark of the local ledger: drives a persisted ledger (real files)
//! with a blob-heavy workload until it has emitted the requested number of events, and prints
//! the measured time and rate.
//!
//! Usage: `ledger_bench [EVENTS] [DIR]` (defaults: 1000000, a temporary directory removed at
//! the end). Checkpoints are sealed (and fsynced) every 100 transactions.

use std::time::Instant;

use floe_economics::model::storage::derive_blob_id;
use floe_economics::model::Params;
use floe_indexer::chain::{Id, Operation, SubmitError};
use floe_indexer::localnet::{Genesis, Localnet};

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> BenchResult<()> {
    let mut args = std::env::args().skip(1);
    let target: u64 = match args.next() {
        Some(a) => a.parse()?,
        None => 1_000_000,
    };
    // A temporary directory (removed at the end) unless one is given.
    let temp;
    let dir = match args.next() {
        Some(d) => std::path::PathBuf::from(d),
        None => {
            temp = tempfile::Builder::new()
                .prefix("floe-ledger-bench-")
                .tempdir()?;
            temp.path().to_owned()
        }
    };
    if dir.join("ledger.log").exists() {
        return Err(format!("{} already holds a ledger", dir.display()).into());
    }
    let ops: Vec<Id> = (1..=4).map(Id::from_u64).collect();
    let user = Id::from_u64(100);
    let mut accounts: Vec<(Id, u64)> = ops.iter().map(|o| (*o, 1_000_000_000_000)).collect();
    accounts.push((user, u64::MAX / 4));
    let genesis = Genesis {
        package_id: Id::from_u64(0xf10e),
        start_time_ms: 1_700_000_000_000,
        params: Params {
            n_shards: 100,
            ..Params::default()
        },
        accounts,
        pricing: None,
    };
    let net = Localnet::open(&dir, genesis)?;
    net.set_auto_seal(100);
    let start = Instant::now();
    let events = std::cell::Cell::new(0u64);
    let count = |r: Result<floe_indexer::chain::Receipt, SubmitError>| -> BenchResult<_> {
        let r = r?;
        events.set(events.get() + r.events.len() as u64);
        Ok(r)
    };
    let mut pools = Vec::new();
    for (i, o) in ops.iter().enumerate() {
        let r = count(net.execute(
            *o,
            Operation::RegisterNode {
                name: format!("node-{i}"),
                network_address: format!("node-{i}:9000"),
                public_key: vec![i as u8; 48],
                commission_bps: 500,
                storage_price_usd: 1000,
                write_price_usd: 500,
                capacity: 1 << 50,
            },
        ))?;
        let pool = r.created().ok_or("no pool")?;
        count(net.execute(
            *o,
            Operation::Stake {
                node_id: pool,
                amount: 100_000_000_000,
            },
        ))?;
        pools.push(pool);
    }
    count(net.execute(ops[0], Operation::AdvanceEpoch))?;
    let mut storage: Option<Id> = None;
    let mut i: u64 = 0;
    while events.get() < target {
        i += 1;
        if i.is_multiple_of(20_000) {
            net.advance_clock(60_000);
            count(net.execute(ops[0], Operation::AdvanceEpoch))?;
            storage = None;
        }
        if i % 1000 == 1 {
            for (o, p) in ops.iter().zip(&pools) {
                count(net.execute(
                    *o,
                    Operation::ReportWalUsdRate {
                        node_id: *p,
                        rate: 1_000_000_000,
                    },
                ))?;
            }
            count(net.execute(user, Operation::SampleWalUsdRate))?;
        }
        let st = match storage {
            Some(s) => s,
            None => {
                let r = count(net.execute(
                    user,
                    Operation::ReserveSpace {
                        size: 1 << 20,
                        epochs_ahead: 2,
                    },
                ))?;
                r.created().ok_or("no storage")?
            }
        };
        let mut root = [0u8; 32];
        root[..8].copy_from_slice(&i.to_le_bytes());
        let size = 10_000;
        let blob_id = derive_blob_id(&root, 1, size);
        let blob = count(net.execute(
            user,
            Operation::RegisterBlob {
                storage_id: st,
                blob_id: Id(blob_id),
                root_hash: Id(root),
                size,
                encoding_type: 1,
                deletable: true,
            },
        ))?
        .created()
        .ok_or("no blob")?;
        count(net.execute(
            user,
            Operation::CertifyBlob {
                blob_object_id: blob,
                epoch: net.epoch(),
                signers_shards: 100,
            },
        ))?;
        let back = count(net.execute(
            user,
            Operation::DeleteBlob {
                blob_object_id: blob,
            },
        ))?;
        storage = back.created();
        let p = (i % pools.len() as u64) as usize;
        count(net.execute(
            ops[p],
            Operation::VotePrices {
                node_id: pools[p],
                storage_price_usd: 1000 + i % 7,
                write_price_usd: 500,
            },
        ))?;
    }
    net.seal()?;
    let elapsed = start.elapsed();
    let log_bytes = std::fs::metadata(dir.join("ledger.log"))?.len();
    println!(
        "events={} transactions={} checkpoints={} epoch={} elapsed={:.2}s rate={:.0} events/s log={} MiB dir={}",
        events.get(),
        net.transaction_count(),
        net.checkpoint_count(),
        net.epoch(),
        elapsed.as_secs_f64(),
        events.get() as f64 / elapsed.as_secs_f64(),
        log_bytes >> 20,
        dir.display()
    );
    let replay = Instant::now();
    drop(net);
    let again = Localnet::open(
        &dir,
        Genesis {
            package_id: Id::default(),
            start_time_ms: 0,
            params: Params::default(),
            accounts: vec![],
            pricing: None,
        },
    )?;
    println!(
        "reopen (replay) elapsed={:.2}s checkpoints={}",
        replay.elapsed().as_secs_f64(),
        again.checkpoint_count()
    );
    Ok(())
}
