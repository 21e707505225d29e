//! Issue 21, acceptance 2: the blob lifecycle stories of `move/floe/tests/lifecycle_tests.move`
//! on the local ledger, with the same numbers and the events the contracts emit, in order:
//! attributes, replacement and burn; a shared blob funded by two parties and extended by a
//! third; a storage pool whose space is reused. WAL is conserved throughout.

use anyhow::{Context, Result};
use floe_economics::events::FloeEvent;
use floe_economics::model::storage::derive_blob_id;
use floe_economics::model::{GenesisPricing, Params};
use floe_indexer::chain::{Id, Operation, Outcome, Receipt, SubmitError};
use floe_indexer::localnet::{Genesis, Localnet};

const WAL: u64 = 1_000_000_000;
const MIB: u64 = 1_048_576;
/// `lifecycle_tests::SIZE` and its encoded size over 10 shards.
const SIZE: u64 = 1000;
const ENCODED: u64 = 10_680;

fn admin() -> Id {
    Id::from_u64(0xAD)
}
fn b() -> Id {
    Id::from_u64(0xB1)
}
fn c() -> Id {
    Id::from_u64(0xC1)
}
fn operator(i: u64) -> Id {
    Id::from_u64(0x1000 + i)
}

/// `ROOT` as a Move `u256` (little-endian bytes).
fn root(n: u64) -> Id {
    let mut r = [0u8; 32];
    r[..8].copy_from_slice(&n.to_le_bytes());
    Id(r)
}

fn blob_id(n: u64) -> Id {
    Id(derive_blob_id(&root(n).0, 1, SIZE))
}

/// `lifecycle_tests::setup` on the ledger: Move's `test_utils::params(10)` and `begin` pricing
/// (1,000 / 10,000 nano-USD at $1, 10^12 bytes), four nodes with 100 WAL each, epoch 1.
fn setup(dir: &std::path::Path) -> Result<(Localnet, Vec<Id>)> {
    let genesis = Genesis {
        package_id: Id::from_u64(0xf10e),
        start_time_ms: 1_700_000_000_000,
        params: Params {
            n_shards: 10,
            max_epochs_ahead: 10,
            min_stake: WAL,
            commission_cap_bps: 5000,
            burn_bps: 1000,
            max_price_step_bps: 0,
            rate_window_samples: 10,
            max_active_nodes: 10,
            max_shards_per_node: 10,
            settlement_fallback_epochs: 0,
            ..Params::default()
        },
        accounts: [admin(), b(), c()]
            .into_iter()
            .map(|a| (a, 10_000 * WAL))
            .chain((0..4).map(|i| (operator(i), WAL)))
            .collect(),
        pricing: Some(GenesisPricing {
            storage_price_usd: 1_000,
            write_price_usd: 10_000,
            wal_usd_rate: WAL,
            capacity: 1_000_000_000_000,
        }),
    };
    let net = Localnet::open(dir, genesis)?;
    let mut pools = Vec::new();
    for i in 0..4 {
        let register = Operation::RegisterNode {
            name: format!("node-{i}"),
            network_address: format!("node-{i}.local:9185"),
            public_key: vec![i as u8 + 1; 48],
            commission_bps: 0,
            storage_price_usd: 1_000,
            write_price_usd: 10_000,
            capacity: 1_000_000_000_000,
        };
        let pool = net
            .execute(operator(i), register)?
            .created()
            .context("a pool")?;
        let report = Operation::ReportWalUsdRate {
            node_id: pool,
            rate: WAL,
        };
        net.execute(operator(i), report)?;
        let stake = Operation::Stake {
            node_id: pool,
            amount: 100 * WAL,
        };
        net.execute(admin(), stake)?;
        pools.push(pool);
    }
    net.execute(admin(), Operation::AdvanceEpoch)?;
    assert_eq!(net.epoch(), 1);
    Ok((net, pools))
}

/// The events' names, in order.
fn names(r: &Receipt) -> Vec<&'static str> {
    r.events.iter().map(FloeEvent::name).collect()
}

fn created(r: Receipt) -> Result<Id> {
    r.created().context("the operation created an object")
}

fn balance(net: &Localnet, who: Id) -> u64 {
    net.with_state(|s| s.balance(&who))
}

fn conserved(net: &Localnet) {
    net.with_state(|s| assert_eq!(s.total_frost(), s.supply as u128));
}

fn refusal(r: Result<Receipt, SubmitError>) -> Option<&'static str> {
    r.err().and_then(|e| e.refusal_name())
}

fn reserve(net: &Localnet, size: u64, epochs_ahead: u32) -> Result<Id> {
    let op = Operation::ReserveSpace { size, epochs_ahead };
    created(net.execute(admin(), op)?)
}

fn register(net: &Localnet, storage: Id, n: u64, deletable: bool) -> Result<Id> {
    let op = Operation::RegisterBlob {
        storage_id: storage,
        blob_id: blob_id(n),
        root_hash: root(n),
        size: SIZE,
        encoding_type: 1,
        deletable,
    };
    created(net.execute(admin(), op)?)
}

/// Certified by nodes 0, 1, 2 (8 of 10 shards).
fn certify(net: &Localnet, blob: Id) -> Result<()> {
    let op = Operation::CertifyBlob {
        blob_object_id: blob,
        epoch: 1,
        signers_shards: 8,
    };
    net.execute(admin(), op)?;
    Ok(())
}

#[test]
fn shared_blob_funded_by_two_and_extended_by_a_third() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (net, _) = setup(dir.path())?;
    let storage = reserve(&net, MIB, 3)?;
    let blob = register(&net, storage, 0xA, false)?;
    certify(&net, blob)?;
    let share = Operation::ShareBlob {
        blob_object_id: blob,
        funds: 5_000,
    };
    let shared = created(net.execute(admin(), share)?)?;
    let fund = Operation::FundSharedBlob {
        shared_blob_id: shared,
        amount: 2_000,
    };
    let funded = net.execute(b(), fund)?;
    assert!(matches!(funded.events[..], [FloeEvent::SharedBlobFunded(ref e)] if e.funds == 7_000));
    let extend = Operation::ExtendSharedBlob {
        shared_blob_id: shared,
        epochs: 2,
    };
    let c_before = balance(&net, c());
    let extended = net.execute(c(), extend)?;
    assert_eq!(
        names(&extended),
        ["StorageReserved", "BlobCertified", "SharedBlobExtended"]
    );
    let FloeEvent::SharedBlobExtended(e) = &extended.events[2] else {
        unreachable!("checked above")
    };
    assert_eq!((e.end_epoch, e.cost, e.funds), (6, 2_000, 5_000));
    // The third party paid nothing: the funds did.
    assert_eq!(balance(&net, c()), c_before);
    net.with_state(|s| {
        assert_eq!((s.future[3].rewards, s.future[4].rewards), (1_000, 1_000));
    });
    conserved(&net);
    // `shared_extension_beyond_funds_rejected`.
    let storage = reserve(&net, MIB, 3)?;
    let poor = register(&net, storage, 0xB, false)?;
    certify(&net, poor)?;
    let share = Operation::ShareBlob {
        blob_object_id: poor,
        funds: 1_999,
    };
    let poor = created(net.execute(admin(), share)?)?;
    let extend = Operation::ExtendSharedBlob {
        shared_blob_id: poor,
        epochs: 2,
    };
    assert_eq!(refusal(net.execute(c(), extend)), Some("ENotEnoughFunds"));
    Ok(())
}

#[test]
fn pool_holds_blobs_and_reuses_space() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (net, _) = setup(dir.path())?;
    let before = balance(&net, admin());
    let storage = reserve(&net, 2 * ENCODED, 3)?;
    let pool = created(net.execute(
        admin(),
        Operation::CreateStoragePool {
            storage_id: storage,
        },
    )?)?;
    let register = |n: u64| Operation::RegisterPooledBlob {
        storage_pool_id: pool,
        blob_id: blob_id(n),
        root_hash: root(n),
        size: SIZE,
        encoding_type: 1,
        deletable: true,
    };
    let certify = |n: u64| Operation::CertifyPooledBlob {
        storage_pool_id: pool,
        blob_id: blob_id(n),
        epoch: 1,
        signers_shards: 8,
    };
    for n in [0xA, 0xB] {
        let r = net.execute(admin(), register(n))?;
        assert_eq!(names(&r), ["PooledBlobRegistered", "WriteFeePaid"]);
        net.execute(admin(), certify(n))?;
    }
    assert_eq!(before - balance(&net, admin()), 3_000 + 2 * 10_000);
    assert_eq!(
        refusal(net.execute(admin(), register(0xC))),
        Some("EResourceSize")
    );
    assert_eq!(
        refusal(net.execute(admin(), register(0xA))),
        Some("EDuplicate")
    );
    assert_eq!(
        refusal(net.execute(admin(), certify(0xA))),
        Some("EAlreadyCertified")
    );
    let delete = |n: u64| Operation::DeletePooledBlob {
        storage_pool_id: pool,
        blob_id: blob_id(n),
    };
    let deleted = net.execute(admin(), delete(0xA))?;
    assert!(matches!(deleted.events[..], [FloeEvent::PooledBlobDeleted(ref e)] if e.was_certified));
    assert_eq!(
        refusal(net.execute(admin(), delete(0xC))),
        Some("EUnknownBlob")
    );
    net.execute(admin(), register(0xC))?;
    net.execute(admin(), certify(0xC))?;
    let extend = Operation::ExtendStoragePool {
        storage_pool_id: pool,
        epochs: 2,
    };
    let extended = net.execute(admin(), extend)?;
    assert_eq!(names(&extended), ["StorageReserved", "StoragePoolExtended"]);
    assert_eq!(before - balance(&net, admin()), 3_000 + 3 * 10_000 + 2_000);
    net.with_state(|s| {
        assert_eq!(s.storage_pools[&pool].storage.end, 6);
        assert_eq!(s.storage_pools[&pool].used, 2 * ENCODED);
    });
    conserved(&net);
    Ok(())
}

#[test]
fn attributes_replacement_and_burn() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (net, _) = setup(dir.path())?;
    let storage = reserve(&net, MIB, 3)?;
    let blob = register(&net, storage, 0xA, true)?;
    certify(&net, blob)?;
    let set = |key: &str, value: &str| Operation::SetBlobAttribute {
        blob_object_id: blob,
        key: key.into(),
        value: value.into(),
    };
    net.execute(admin(), set("content-type", "text/plain"))?;
    let r = net.execute(admin(), set("content-type", "image/png"))?;
    assert!(matches!(&r.events[..], [FloeEvent::BlobAttributeSet(e)] if e.value == "image/png"));
    let remove = Operation::RemoveBlobAttribute {
        blob_object_id: blob,
        key: "filename".into(),
    };
    assert_eq!(
        refusal(net.execute(admin(), remove)),
        Some("EMissingAttribute")
    );
    assert_eq!(
        refusal(net.execute(admin(), set(&"k".repeat(129), "v"))),
        Some("EStringTooLong")
    );
    // Replacement: the old content deleted, the new one registered under the same object.
    let before = balance(&net, admin());
    let replace = Operation::ReplaceBlob {
        blob_object_id: blob,
        blob_id: blob_id(0xB),
        root_hash: root(0xB),
        size: SIZE,
        encoding_type: 1,
    };
    let replaced = net.execute(admin(), replace)?;
    assert_eq!(
        names(&replaced),
        [
            "BlobDeleted",
            "BlobRegistered",
            "BlobReplaced",
            "WriteFeePaid"
        ]
    );
    assert_eq!(before - balance(&net, admin()), 10_000);
    assert!(matches!(&replaced.events[1], FloeEvent::BlobRegistered(e)
        if e.object_id == blob.0 && e.blob_id == blob_id(0xB).0));
    certify(&net, blob)?;
    // Burn: the object goes, its certified data still counts until it expires.
    let storage = reserve(&net, MIB, 3)?;
    let permanent = register(&net, storage, 0xC, false)?;
    certify(&net, permanent)?;
    let stored = net.with_state(|s| s.stored_bytes_per_shard());
    let burned = net.execute(
        admin(),
        Operation::BurnBlob {
            blob_object_id: permanent,
        },
    )?;
    assert!(
        matches!(&burned.events[..], [FloeEvent::BlobBurned(e)] if e.was_certified && e.end_epoch == 4)
    );
    assert_eq!(burned.outcome, Outcome::Done);
    assert_eq!(net.with_state(|s| s.stored_bytes_per_shard()), stored);
    conserved(&net);
    Ok(())
}
