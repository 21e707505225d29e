//! Shared by the indexer's tests: a real local ledger driven through a multi-epoch economy
//! (nodes, stake and its receipts, votes, blobs, challenges, settlements, claims,
//! governance), its checkpoints exported as real files, and real databases: an SQLite file
//! and a fresh PostgreSQL database on the server at 127.0.0.1:5432, dropped afterwards.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use floe_economics::model::storage::derive_blob_id;
use floe_economics::model::Params;
use floe_indexer::chain::{Id, Operation, ParamChange};
use floe_indexer::checkpoint_files::{export, CheckpointWriter};
use floe_indexer::localnet::{Genesis, Localnet};
use floe_indexer_sql::db::{Db, DbUrl};
use floe_indexer_sql::decode::Packages;
use floe_indexer_sql::ingest::IngestConfig;

/// The ledger's package id.
pub const PACKAGE: u64 = 0xf10e;
/// Shards of the test committee.
pub const SHARDS: u16 = 100;

/// The actors of the workload.
pub struct Actors {
    /// Node operators.
    pub operators: Vec<Id>,
    /// Their pools.
    pub pools: Vec<Id>,
    /// Delegators.
    pub stakers: Vec<Id>,
    /// A builder storing blobs.
    pub builder: Id,
    /// Each delegator's first stake.
    pub first_stakes: Vec<Id>,
}

/// A fresh in-memory ledger with funded accounts.
pub fn ledger() -> Localnet {
    let mut accounts: Vec<(Id, u64)> = (1..=4)
        .map(|i| (Id::from_u64(i), 10_000_000_000_000))
        .collect();
    accounts.extend((10..=12).map(|i| (Id::from_u64(i), 10_000_000_000_000)));
    accounts.push((Id::from_u64(100), u64::MAX / 4));
    Localnet::in_memory(Genesis {
        package_id: Id::from_u64(PACKAGE),
        start_time_ms: 1_700_000_000_000,
        params: Params {
            n_shards: SHARDS,
            ..Params::default()
        },
        accounts,
        pricing: None,
    })
    .expect("ledger")
}

fn must(net: &Localnet, sender: Id, op: Operation) -> floe_indexer::chain::Receipt {
    let what = format!("{op:?}");
    net.execute(sender, op)
        .unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// Registers four nodes with stake from operators and delegators, and starts epoch 1.
pub fn genesis_actors(net: &Localnet) -> Actors {
    let operators: Vec<Id> = (1..=4).map(Id::from_u64).collect();
    let stakers: Vec<Id> = (10..=12).map(Id::from_u64).collect();
    let mut pools = Vec::new();
    for (i, o) in operators.iter().enumerate() {
        let r = must(
            net,
            *o,
            Operation::RegisterNode {
                name: format!("node-{i}"),
                network_address: format!("127.0.0.1:{}", 9000 + i),
                public_key: vec![i as u8; 48],
                commission_bps: 500 + 100 * i as u16,
                storage_price_usd: 1000,
                write_price_usd: 500,
                capacity: 1 << 50,
            },
        );
        let pool = r.created().expect("pool");
        must(
            net,
            *o,
            Operation::Stake {
                node_id: pool,
                amount: 1_000_000_000_000 * (i as u64 + 1),
            },
        );
        pools.push(pool);
    }
    let mut first_stakes = Vec::new();
    for (i, s) in stakers.iter().enumerate() {
        let r = must(
            net,
            *s,
            Operation::Stake {
                node_id: pools[i % 4],
                amount: 500_000_000_000,
            },
        );
        first_stakes.push(r.created().expect("stake"));
    }
    net.advance_clock(60_000);
    must(net, operators[0], Operation::AdvanceEpoch);
    Actors {
        operators,
        pools,
        stakers,
        builder: Id::from_u64(100),
        first_stakes,
    }
}

/// One epoch of activity: rates, votes, `blobs` blobs stored (some extended, deleted,
/// attributed), staking moves, challenges, the epoch change, then the ended epoch's
/// settlement (honest unless `wrong_root`) and every pool's claim.
pub fn epoch_of_activity(net: &Localnet, a: &Actors, round: u64, blobs: u64, wrong_root: bool) {
    for (o, p) in a.operators.iter().zip(&a.pools) {
        must(
            net,
            *o,
            Operation::ReportWalUsdRate {
                node_id: *p,
                rate: 400_000_000 + round * 1_000_000,
            },
        );
        must(
            net,
            *o,
            Operation::VotePrices {
                node_id: *p,
                storage_price_usd: 1000 + round,
                write_price_usd: 500,
            },
        );
        must(
            net,
            *o,
            Operation::VoteCapacity {
                node_id: *p,
                capacity: (1 << 40) + round,
            },
        );
    }
    must(net, a.builder, Operation::SampleWalUsdRate);
    let mut storage = reserve(net, a);
    for i in 0..blobs {
        let mut root = [0u8; 32];
        root[..8].copy_from_slice(&(round * 1_000_000 + i).to_le_bytes());
        let size = 1000 + i;
        let blob_id = derive_blob_id(&root, 1, size);
        let blob = must(
            net,
            a.builder,
            Operation::RegisterBlob {
                storage_id: storage,
                blob_id: Id(blob_id),
                root_hash: Id(root),
                size,
                encoding_type: 1,
                deletable: true,
            },
        )
        .created()
        .expect("blob");
        must(
            net,
            a.builder,
            Operation::CertifyBlob {
                blob_object_id: blob,
                epoch: net.epoch(),
                signers_shards: SHARDS as u64,
            },
        );
        if i % 3 == 0 {
            must(
                net,
                a.builder,
                Operation::SetBlobAttribute {
                    blob_object_id: blob,
                    key: "content-type".into(),
                    value: "text/plain".into(),
                },
            );
        }
        if i % 2 == 0 {
            // Deleting gives the storage back for the next blob.
            storage = must(
                net,
                a.builder,
                Operation::DeleteBlob {
                    blob_object_id: blob,
                },
            )
            .created()
            .expect("storage back");
        } else {
            storage = reserve(net, a);
        }
    }
    // Staking moves: a delegator stakes, splits, transfers the split part, the receiver joins it.
    let s = a.stakers[(round % 3) as usize];
    let to = a.stakers[((round + 1) % 3) as usize];
    let pool = a.pools[(round % 4) as usize];
    let staked = must(
        net,
        s,
        Operation::Stake {
            node_id: pool,
            amount: 300_000_000_000,
        },
    )
    .created()
    .expect("stake");
    let part = must(
        net,
        s,
        Operation::SplitStake {
            staked_wal_id: staked,
            amount: 100_000_000_000,
        },
    )
    .created()
    .expect("split");
    must(
        net,
        s,
        Operation::TransferStake {
            staked_wal_id: part,
            to,
        },
    );
    if round % 2 == 1 {
        // Not active yet: withdrawn at once.
        must(
            net,
            s,
            Operation::Withdraw {
                staked_wal_id: staked,
            },
        );
    }
    if round == 2 {
        must(
            net,
            a.stakers[2],
            Operation::RequestWithdrawal {
                staked_wal_id: a.first_stakes[2],
            },
        );
    }
    if round == 4 {
        net.execute(
            a.stakers[2],
            Operation::Withdraw {
                staked_wal_id: a.first_stakes[2],
            },
        )
        .ok();
    }
    if round == 2 {
        must(
            net,
            a.operators[1],
            Operation::SetCommission {
                node_id: a.pools[1],
                commission_bps: 900,
            },
        );
    }
    must(net, a.builder, Operation::DrawChallengeSeed);
    for (i, (o, p)) in a.operators.iter().zip(&a.pools).enumerate() {
        let results: Vec<u16> = (0..4)
            .map(|j| {
                if (i + j + round as usize).is_multiple_of(5) {
                    8_000
                } else {
                    10_000
                }
            })
            .collect();
        net.execute(
            *o,
            Operation::SubmitChallengeResults {
                node_id: *p,
                epoch: net.epoch(),
                results,
            },
        )
        .ok();
    }
    let ended = net.epoch();
    net.advance_clock(60_000);
    must(net, a.operators[0], Operation::AdvanceEpoch);
    settle(net, ended, wrong_root);
}

/// A storage resource of 1 MiB for three epochs, bought by the builder.
fn reserve(net: &Localnet, a: &Actors) -> Id {
    must(
        net,
        a.builder,
        Operation::ReserveSpace {
            size: 1 << 20,
            epochs_ahead: 3,
        },
    )
    .created()
    .expect("storage")
}

/// Settles `epoch` with the committee's settlement (or one with a wrong root but the right
/// totals) and claims every entry.
pub fn settle(net: &Localnet, epoch: u32, wrong_root: bool) {
    let Ok(settlement) = net.with_state(|s| s.compute_settlement(epoch)) else {
        return;
    };
    let mut header = settlement.header;
    if wrong_root {
        header.entries_root[0] ^= 0xff;
    }
    if net
        .execute(
            Id::from_u64(1),
            Operation::SubmitSettlement {
                settlement: header,
                signers_shards: SHARDS as u64,
            },
        )
        .is_err()
    {
        return;
    }
    if wrong_root {
        return;
    }
    for entry in &settlement.entries {
        if let Some((entry, proof)) = settlement.proof_for(&entry.pool_id) {
            net.execute(
                Id::from_u64(1),
                Operation::Claim {
                    epoch,
                    entry,
                    proof,
                },
            )
            .ok();
        }
    }
}

/// A governance round: a proposal made with `a.stakers[0]`'s first (active) stake and votes
/// with the delegators' first stakes; returns the proposal id, if it was accepted.
pub fn governance(net: &Localnet, a: &Actors) -> Option<u64> {
    let r = net
        .execute(
            a.stakers[0],
            Operation::Propose {
                staked_wal_id: a.first_stakes[0],
                change: ParamChange::BurnBps(600),
            },
        )
        .ok()?;
    let floe_indexer::chain::Outcome::Proposal(id) = r.outcome else {
        return None;
    };
    for (i, (s, staked)) in a.stakers.iter().zip(&a.first_stakes).enumerate() {
        net.execute(
            *s,
            Operation::Vote {
                proposal_id: id,
                staked_wal_id: *staked,
                support: i != 1,
            },
        )
        .ok();
    }
    Some(id)
}

/// The whole story: `epochs` epochs of activity with `blobs` blobs each.
pub fn story(epochs: u64, blobs: u64) -> Localnet {
    let net = ledger();
    net.set_auto_seal(7);
    let a = genesis_actors(&net);
    let mut proposal = None;
    for round in 1..=epochs {
        epoch_of_activity(&net, &a, round, blobs, false);
        if round == 1 {
            proposal = governance(&net, &a);
        }
    }
    if let Some(id) = proposal {
        net.execute(
            a.operators[0],
            Operation::FinalizeProposal { proposal_id: id },
        )
        .ok();
    }
    net.seal().expect("seal");
    net
}

/// Writes every checkpoint of `net` as `{seq}.binpb.zst` files into `parent/checkpoints`;
/// returns that directory and how many checkpoints it holds.
pub fn export_files(net: &Localnet, parent: &Path) -> (PathBuf, u64) {
    let dir = parent.join("checkpoints");
    std::fs::create_dir_all(&dir).expect("checkpoint directory");
    let writer = CheckpointWriter::new(&dir, Id::from_u64(PACKAGE)).expect("writer");
    let n = net.checkpoint_count();
    futures::executor::block_on(export(net, &writer, 0, n, |_| {})).expect("export");
    (dir, n)
}

/// Ingestion settings for the workload's package, stopping at `last`.
pub fn config(last: u64) -> IngestConfig {
    IngestConfig {
        packages: Packages::floe([Id::from_u64(PACKAGE)]),
        last_checkpoint: Some(last),
        batch_events: 50,
        ..Default::default()
    }
}

/// A fresh PostgreSQL database on the local server, dropped when the guard is.
pub struct PgDatabase {
    /// Its URL.
    pub url: DbUrl,
    name: String,
}

const PG_SERVER: &str = "postgres://postgres@127.0.0.1:5432/postgres";

impl PgDatabase {
    /// Creates `floe_test_<tag>_<pid>_<n>`.
    pub async fn create(tag: &str) -> PgDatabase {
        use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let name = format!(
            "floe_test_{tag}_{}_{}",
            std::process::id(),
            N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        let mut c = AsyncPgConnection::establish(PG_SERVER)
            .await
            .expect("PostgreSQL at 127.0.0.1:5432 (trust auth, user postgres)");
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name}"))
            .execute(&mut c)
            .await
            .expect("drop");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut c)
            .await
            .expect("create");
        PgDatabase {
            url: DbUrl::Postgres(format!("postgres://postgres@127.0.0.1:5432/{name}")),
            name,
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        // A separate thread with its own runtime: drop may run inside a runtime.
        std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
                if let Ok(mut c) = AsyncPgConnection::establish(PG_SERVER).await {
                    let _ =
                        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut c)
                            .await;
                }
            });
        })
        .join()
        .ok();
    }
}

/// Connects (and migrates).
pub async fn connect(url: &DbUrl) -> Db {
    Db::connect(url)
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"))
}
