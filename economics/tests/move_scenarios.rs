//! The Move test stories (`move/floe/tests/*.move`) replayed on the economics reference model.
//!
//! Issue 5, acceptance 4: where the reference model has a rule, the Move tests and the Rust
//! tests check the same named scenarios with the same numbers. Each test here is named after
//! the Move test it mirrors (module `floe::<file>` → function), feeds the model or the rule
//! functions the same inputs and asserts the numbers the Move test asserts. The rules are not
//! re-implemented here: every value compared comes from running the library.
//!
//! | scenario (`move/README.md`) | Move test | here |
//! |---|---|---|
//! | `walrus_price_vector` | `price_tests::walrus_price_vector_through_selection` | [`walrus_price_vector_through_selection`] |
//! | `price_step_guard` | `price_tests::price_step_guard` | [`price_step_guard`] |
//! | `wal_usd_rate` | `price_tests::frost_price_from_committee_rate` | [`frost_price_from_committee_rate`] |
//! | `rate_half_coalition` | `price_tests::half_the_shards_cannot_move_the_rate` | [`half_the_shards_cannot_move_the_rate`] |
//! | `blob_lifecycle` | `storage_tests::reserve_register_certify_extend_delete` | [`reserve_register_certify_extend_delete`] |
//! | `committee_transition` | `epoch_tests::dhondt_and_minimal_movement` | [`dhondt_and_minimal_movement`] |
//! | `commission_timing` | `staking_tests::commission_takes_effect_two_epochs_later` | [`commission_takes_effect_two_epochs_later`] |
//! | `conservation` | `conservation_tests::wal_is_conserved_across_epochs` | [`wal_is_conserved_across_epochs`] |
//! | `three_delegators` | `staking_tests::three_delegators_across_epochs` | [`three_delegators_across_epochs`] |
//! | stakeless pools | `epoch_tests::nodes_without_stake_take_no_shards` | [`pools_without_stake_take_no_shards`] |
//! | active set | `epoch_tests::active_set_cap` | [`active_set_cap`] |
//! | empty committees | `epoch_tests::empty_committee_epochs` | [`empty_committee_epochs`] |
//! | early and pre-active withdrawal | `staking_tests::early_and_pre_active_withdrawal` | [`early_and_pre_active_withdrawal`] |
//! | many candidates | `liveness_tests::many_candidates_cannot_halt_the_epoch_change` | [`many_candidates_cannot_halt_the_epoch_change`] |
//! | large pots | `liveness_tests::large_pot_and_reward_do_not_overflow` | [`large_pot_and_reward_do_not_overflow`] |
//! | performance | `settlement_tests::challenged_node_earns_less` | [`challenged_node_earns_less`] |
//! | fallback | `settlement_tests::fallback_pays_by_shards` | [`fallback_pays_by_shards`] |
//! | governance | `governance_tests::every_receipt_votes_once` (and its refusals) | [`every_receipt_votes_once`] |
//!
//! The refusals the model shares with Move (same `Error` variant as the abort code, see
//! `move/README.md`, "Errors") are mirrored under the Move test's name as well.
//!
//! Setup equivalences. Move's `test_utils::begin` creates the `System` with USD prices of
//! 1_000 / 10_000 nano-USD, a WAL/USD rate of $1 and a capacity of 10^12 bytes, and every node
//! reports $1 at registration; the model starts from the same genesis
//! ([`System::new_priced`] with [`MOVE_GENESIS`]) and its nodes report $1 at registration too.
//! At an epoch change without any rate sample both take the new committee's median report.
//!
//! Reward timing. The core contracts have no settlement round: the epoch change pays the
//! ended epoch's pot by shards, before the pools process withdrawals and activations. The
//! model does the same with a settlement fallback delay of 0 ([`params`]); with its default
//! delay the pot waits for a certified settlement (or the fallback), as DESIGN.md describes
//! for the settlement contracts.
//!
//! # Known differences (not faked)
//!
//! **Not modelled**: clocks and epoch-state timing (`ETooEarly`, `EWrongEpochState`), the
//! sync quorum (`sync_completes_at_quorum` and the sync refusals), BLS certificates
//! (signatures, bitmaps, `EInvalidMessage`; the model takes the verified shard weight),
//! `invalidate_blob_id`, `extend_blob_with_resource`, proofs of
//! possession, duplicate keys, package versions; the model's `extend_blob` does not refuse an
//! uncertified blob (`extend_uncertified_rejected`). The settlement stories take their entries
//! from the model's settlement (the Move test builds the tree of the same numbers over its own
//! pool ids); the model takes the certificate's verified shard weight, as for blobs.

use floe_economics::model::storage::derive_blob_id;
use floe_economics::model::{Error, GenesisPricing, ObjectId, Params, StakeState, System};
use floe_economics::price::{
    guard, next_capacity, quorum_above, quorum_below, usd_to_frost, PriceVote, UsdPrices, Vote,
};
use floe_economics::storage_cost::{encoded_blob_length, write_fee, RS2_ENCODING};
use floe_economics::wal_rate::{next_rate, rate_band, RateReport};
use floe_economics::{model::committee::dhondt, Frost, FROST_PER_WAL};

/// `test_utils::admin()`.
const ADMIN: u64 = 0xAD;
/// One MiB (`tu::reserve` sizes are in MiB).
const MIB: u64 = 1_048_576;
/// `wal::initial_supply()`: 5 billion WAL.
const SUPPLY: Frost = 5_000_000_000 * FROST_PER_WAL;
/// `$1` in nano-USD: the WAL/USD rate of Move's genesis.
const ONE_DOLLAR: u64 = 1_000_000_000;
/// `storage_tests::ROOT` and `SIZE`.
const ROOT: u64 = 0xABC;
const SIZE: u64 = 1000;

fn id(n: u64) -> ObjectId {
    ObjectId::from_u64(n)
}

/// `test_utils::operator(i)`.
fn operator(i: u64) -> ObjectId {
    id(0x1000 + i)
}

/// `test_utils::params(n_shards)`: guard off, 10% burn, 1 WAL minimum, commission cap 50%,
/// 10 epochs ahead; the core contracts have no settlement round, so the ended epoch's pot is
/// paid at the epoch change (a fallback delay of 0).
fn params(n_shards: u16) -> Params {
    Params {
        settlement_fallback_epochs: 0,
        n_shards,
        max_epochs_ahead: 10,
        min_stake: FROST_PER_WAL,
        commission_cap_bps: 5000,
        burn_bps: 1000,
        max_price_step_bps: 0,
        rate_window_samples: 10,
        max_active_nodes: 10,
        max_shards_per_node: n_shards,
        ..Params::default()
    }
}

/// `test_utils::begin`: the admin holds the whole supply.
fn begin(p: Params) -> System {
    begin_with(p, &[])
}

fn begin_with(p: Params, others: &[(ObjectId, Frost)]) -> System {
    let extra: Frost = others.iter().map(|(_, f)| *f).sum();
    let mut genesis = vec![(id(ADMIN), SUPPLY - extra)];
    genesis.extend_from_slice(others);
    System::new_priced(p, &genesis, MOVE_GENESIS).unwrap()
}

/// `test_utils::begin`'s `system::create_for_testing` arguments.
const MOVE_GENESIS: GenesisPricing = GenesisPricing {
    storage_price_usd: 1_000,
    write_price_usd: 10_000,
    wal_usd_rate: ONE_DOLLAR,
    capacity: 1_000_000_000_000,
};

/// `test_utils::register`: node `i` run by `operator(i)` with these votes; like Move's
/// registration it also reports a WAL/USD rate of $1.
fn register(
    sys: &mut System,
    i: u64,
    commission: u16,
    storage_usd: u64,
    write_usd: u64,
    capacity: u64,
) -> ObjectId {
    let vote = PriceVote {
        storage_nano_usd: storage_usd,
        write_nano_usd: write_usd,
        capacity,
    };
    let pool = sys.register_node(operator(i), commission, vote).unwrap();
    sys.report_rate(operator(i), pool, ONE_DOLLAR).unwrap();
    pool
}

/// `test_utils::register_nodes`: commission 0, votes 1_000 / 10_000 nano-USD, 10^12 bytes.
fn register_nodes(sys: &mut System, n: u64) -> Vec<ObjectId> {
    (0..n)
        .map(|i| register(sys, i, 0, 1_000, 10_000, 1_000_000_000_000))
        .collect()
}

fn stake(sys: &mut System, who: ObjectId, pool: ObjectId, wal: u64) -> ObjectId {
    sys.stake(who, pool, wal * FROST_PER_WAL).unwrap()
}

/// `test_utils::next_epoch`: selection if not done, then the epoch change, which pays the
/// ended epoch's pot (see [`params`]).
fn next_epoch(sys: &mut System) {
    sys.advance_epoch().unwrap();
}

fn assert_conserved(sys: &System) {
    assert_eq!(sys.total_frost(), sys.supply as u128);
    assert_eq!(sys.supply, SUPPLY);
}

/// `ROOT` as Move's `u256` (BCS little-endian).
fn root_hash(root: u64) -> [u8; 32] {
    let mut r = [0u8; 32];
    r[..8].copy_from_slice(&root.to_le_bytes());
    r
}

/// `storage_tests::register`: a blob of `SIZE` bytes with root `ROOT`.
fn register_blob(
    sys: &mut System,
    who: ObjectId,
    storage: ObjectId,
    deletable: bool,
) -> Result<ObjectId, Error> {
    let root = root_hash(ROOT);
    let blob_id = derive_blob_id(&root, RS2_ENCODING, SIZE);
    sys.register_blob(who, storage, blob_id, root, SIZE, RS2_ENCODING, deletable)
}

/// Shards held in the current committee by `pools`.
fn shards_of(sys: &System, pools: &[ObjectId]) -> u64 {
    pools.iter().map(|p| sys.shards_of(p) as u64).sum()
}

// === price_tests ===

/// `walrus_price_vector`: 10 nodes holding 5,5,4,6,3,7,4,6,1,9 of 50 shards vote prices 1..10
/// and capacities whose whole-committee figures are 50 × (1..10): price 7, capacity 200.
#[test]
fn walrus_price_vector_through_selection() {
    let weights: [u64; 10] = [5, 5, 4, 6, 3, 7, 4, 6, 1, 9];
    // Walrus's own vector on the rule functions: price 7, capacity 4.
    let votes: Vec<Vote> = (1..=10)
        .zip(weights)
        .map(|(v, w)| Vote::new(v, w))
        .collect();
    assert_eq!(quorum_below(&votes, 50), Ok(7));
    assert_eq!(quorum_above(&votes, 50), Ok(4));

    // Through the real selection, as the Move story does.
    let mut sys = begin(params(50));
    let pools: Vec<ObjectId> = (0..10u64)
        .map(|i| register(&mut sys, i, 0, i + 1, i + 1, (i + 1) * weights[i as usize]))
        .collect();
    for (pool, w) in pools.iter().zip(weights) {
        stake(&mut sys, id(ADMIN), *pool, w * 10);
    }
    next_epoch(&mut sys);
    for (pool, w) in pools.iter().zip(weights) {
        assert_eq!(sys.shards_of(pool) as u64, w);
    }
    let usd = sys.usd_prices.unwrap();
    assert_eq!((usd.storage_nano_usd, usd.write_nano_usd), (7, 7));
    assert_eq!(sys.capacity, 200);
    // WAL/USD at $1: FROST prices equal the nano-USD prices.
    assert_eq!((sys.storage_price, sys.write_price), (7, 7));
    assert_conserved(&sys);
}

/// `price_step_guard`: `max_price_step_bps = 500`, one node votes 2_000 (storage) and 5_000
/// (write) against genesis prices 1_000 / 10_000: storage 1050, 1102, 1157 and write 9_500,
/// 9_025, 8_574 over three epochs.
#[test]
fn price_step_guard() {
    let p = Params {
        max_price_step_bps: 500,
        ..params(10)
    };
    let mut sys = begin(p);
    assert_eq!(
        sys.usd_prices,
        Some(UsdPrices {
            storage_nano_usd: 1_000,
            write_nano_usd: 10_000,
        })
    );
    let pool = register(&mut sys, 0, 0, 2000, 5000, 1_000_000_000_000);
    stake(&mut sys, id(ADMIN), pool, 10);
    let storage = [1050, 1102, 1157];
    let write = [9_500, 9_025, 8_574];
    for e in 0..3 {
        next_epoch(&mut sys);
        let usd = sys.usd_prices.unwrap();
        assert_eq!(usd.storage_nano_usd, storage[e]);
        assert_eq!(usd.write_nano_usd, write[e]);
    }
    // The same sequence from the guard alone.
    let (mut s, mut w) = (1_000, 10_000);
    for e in 0..3 {
        s = guard(Some(s), 2000, 500);
        w = guard(Some(w), 5000, 500);
        assert_eq!((s, w), (storage[e], write[e]));
    }
}

/// The rate stories' start (`price_tests`): a window of 3 hourly samples, `n` nodes with 100
/// WAL each, in their first committee.
fn rate_story(n: u64) -> (System, Vec<ObjectId>) {
    let mut sys = begin(Params {
        rate_window_samples: 3,
        ..params(10)
    });
    let pools = register_nodes(&mut sys, n);
    for pool in &pools {
        stake(&mut sys, id(ADMIN), *pool, 100);
    }
    next_epoch(&mut sys);
    (sys, pools)
}

/// `wal_usd_rate`: a window of 3 samples. Reports 0.40, 0.50, 0.60 USD with weights 4, 3, 3
/// have the band [0.40, 0.50]: the genesis $1 clamps to 0.50. Nodes 0 and 1 move to 0.65 and
/// 0.70: band [0.65, 0.65], window mean 0.575 (1_740 / 17_392 FROST); again 0.65 (mean 0.60:
/// 1_667 / 16_667); node 2 at 0.66 widens the band to [0.65, 0.66], which holds 0.65, and the
/// window slides to 0.65 (1_539 / 15_385), which the next epoch keeps.
#[test]
fn frost_price_from_committee_rate() {
    let (mut sys, pools) = rate_story(3);
    let weights: Vec<u16> = pools.iter().map(|p| sys.shards_of(p)).collect();
    assert_eq!(weights, [4, 3, 3]);
    let report = |sys: &mut System, i: usize, rate| {
        sys.report_rate(operator(i as u64), pools[i], rate).unwrap()
    };
    report(&mut sys, 0, 400_000_000);
    report(&mut sys, 1, 500_000_000);
    report(&mut sys, 2, 600_000_000);
    assert_eq!(sys.sample_rate(), Ok(500_000_000));
    // The FROST prices follow each sample: the window holds 0.50 USD.
    assert_eq!((sys.storage_price, sys.write_price), (2_000, 20_000));
    report(&mut sys, 0, 650_000_000);
    report(&mut sys, 1, 700_000_000);
    assert_eq!(sys.sample_rate(), Ok(650_000_000));
    assert_eq!(sys.wal_usd_rate, Some(575_000_000));
    assert_eq!((sys.storage_price, sys.write_price), (1_740, 17_392));
    assert_eq!(sys.sample_rate(), Ok(650_000_000));
    assert_eq!(sys.wal_usd_rate, Some(600_000_000));
    assert_eq!((sys.storage_price, sys.write_price), (1_667, 16_667));
    report(&mut sys, 2, 660_000_000);
    assert_eq!(sys.sample_rate(), Ok(650_000_000));
    assert_eq!(sys.wal_usd_rate, Some(650_000_000));
    assert_eq!((sys.storage_price, sys.write_price), (1_539, 15_385));
    next_epoch(&mut sys);
    assert_eq!(sys.rate_window.average(), Some(650_000_000));
    assert_eq!(sys.usd_prices.unwrap().storage_nano_usd, 1_000);
    assert_eq!((sys.storage_price, sys.write_price), (1_539, 15_385));

    // The rule functions on the same inputs.
    let r = |rate, weight| RateReport { rate, weight };
    let first = [r(400_000_000, 4), r(500_000_000, 3), r(600_000_000, 3)];
    assert_eq!(rate_band(&first, 10), Ok((400_000_000, 500_000_000)));
    let second = [r(650_000_000, 4), r(700_000_000, 3), r(600_000_000, 3)];
    assert_eq!(rate_band(&second, 10), Ok((650_000_000, 650_000_000)));
    let third = [r(650_000_000, 4), r(700_000_000, 3), r(660_000_000, 3)];
    assert_eq!(next_rate(650_000_000, &third, 10), Ok(650_000_000));
    assert_eq!(usd_to_frost(1_000, 575_000_000), Ok(1_740));
    assert_eq!(usd_to_frost(10_000, 650_000_000), Ok(15_385));
}

/// `rate_half_coalition`: four equal nodes hold 3, 3, 2, 2 of 10 shards and nodes 1 and 3
/// (half the shards) lie; honest reports 0.98 and 1.02. Liars at 1 nano-USD leave the sample
/// at 0.98, liars at 10 USD at 1.02; the window's mean is 1.00 and FROST prices stay at
/// 1_000 / 10_000.
#[test]
fn half_the_shards_cannot_move_the_rate() {
    let (mut sys, pools) = rate_story(4);
    assert_eq!(sys.shards_of(&pools[1]) + sys.shards_of(&pools[3]), 5);
    let report = |sys: &mut System, i: usize, rate| {
        sys.report_rate(operator(i as u64), pools[i], rate).unwrap()
    };
    report(&mut sys, 0, 980_000_000);
    report(&mut sys, 2, 1_020_000_000);
    report(&mut sys, 1, 1);
    report(&mut sys, 3, 1);
    assert_eq!(sys.sample_rate(), Ok(980_000_000));
    report(&mut sys, 1, 10_000_000_000);
    report(&mut sys, 3, 10_000_000_000);
    assert_eq!(sys.sample_rate(), Ok(1_020_000_000));
    assert_eq!(sys.wal_usd_rate, Some(ONE_DOLLAR));
    assert_eq!((sys.storage_price, sys.write_price), (1_000, 10_000));
}

// === storage_tests ===

/// `storage_tests::setup`: epoch 1, 4 nodes with 100 WAL each over 10 shards (3, 3, 2, 2).
fn storage_setup(others: &[(ObjectId, Frost)]) -> (System, Vec<ObjectId>) {
    let mut sys = begin_with(params(10), others);
    let pools = register_nodes(&mut sys, 4);
    for pool in &pools {
        stake(&mut sys, id(ADMIN), *pool, 100);
    }
    next_epoch(&mut sys);
    (sys, pools)
}

/// `blob_lifecycle`: reserve 1 MiB for [1, 4) (3 × 1000 FROST), register a deletable blob
/// of 1000 bytes (encoded 10_680 bytes, write fee 10_000), certify it with nodes 0, 1, 2
/// (8 of 10 shards), extend by 2 epochs (2000 FROST), delete it.
#[test]
fn reserve_register_certify_extend_delete() {
    let (mut sys, pools) = storage_setup(&[]);
    let admin = id(ADMIN);
    assert_eq!(sys.epoch, 1);
    assert_eq!(sys.committee.values().map(Vec::len).sum::<usize>(), 10);
    assert_eq!(sys.shards_of(&pools[0]), 3);
    assert_eq!(sys.shards_of(&pools[3]), 2);

    let before = sys.balance(&admin);
    let storage = sys.reserve_space(admin, MIB, 3).unwrap();
    assert_eq!(before - sys.balance(&admin), 3000);
    let st = sys.storages[&storage];
    assert_eq!((st.start, st.end), (1, 4));
    let blob = register_blob(&mut sys, admin, storage, true).unwrap();
    assert_eq!(before - sys.balance(&admin), 13_000);
    assert_eq!(sys.blobs[&blob].encoded_size, 10_680);
    assert_eq!(encoded_blob_length(SIZE, 10), Ok(10_680));
    assert_eq!(write_fee(10_680, 10_000), Ok(10_000));
    assert_eq!(sys.blobs[&blob].certified_epoch, None);

    let signers = shards_of(&sys, &pools[..3]);
    assert_eq!(signers, 8);
    sys.certify_blob(blob, 1, signers).unwrap();
    assert_eq!(sys.blobs[&blob].certified_epoch, Some(1));

    sys.extend_blob(admin, blob, 2).unwrap();
    assert_eq!(sys.blobs[&blob].storage.end, 6);
    assert_eq!(before - sys.balance(&admin), 15_000);
    // `future[i]` is epoch 1 + i: pot_value(1) and pot_value(5), used_capacity(5).
    assert_eq!(sys.future[0].rewards, 11_000);
    assert_eq!(sys.future[4].rewards, 1000);
    assert_eq!(sys.future[4].used_capacity, MIB);
    // The storage resource comes back under the id it had before it was registered.
    assert_eq!(sys.delete_blob(admin, blob), Ok(storage));
    let st = sys.storages[&storage];
    assert_eq!((st.end, st.size), (6, MIB));
    assert_conserved(&sys);
}

#[test]
fn certificate_below_quorum_rejected() {
    let (mut sys, pools) = storage_setup(&[]);
    let storage = sys.reserve_space(id(ADMIN), MIB, 1).unwrap();
    let blob = register_blob(&mut sys, id(ADMIN), storage, false).unwrap();
    // Nodes 0 and 1: 6 of 10 shards.
    let signers = shards_of(&sys, &pools[..2]);
    assert_eq!(signers, 6);
    assert_eq!(sys.certify_blob(blob, 1, signers), Err(Error::EBelowQuorum));
}

#[test]
fn certificate_of_wrong_epoch_rejected() {
    let (mut sys, pools) = storage_setup(&[]);
    let storage = sys.reserve_space(id(ADMIN), MIB, 1).unwrap();
    let blob = register_blob(&mut sys, id(ADMIN), storage, false).unwrap();
    let signers = shards_of(&sys, &pools[..3]);
    assert_eq!(sys.certify_blob(blob, 2, signers), Err(Error::EWrongEpoch));
}

#[test]
fn certify_twice_rejected() {
    let (mut sys, pools) = storage_setup(&[]);
    let storage = sys.reserve_space(id(ADMIN), MIB, 1).unwrap();
    let blob = register_blob(&mut sys, id(ADMIN), storage, false).unwrap();
    let signers = shards_of(&sys, &pools[..3]);
    sys.certify_blob(blob, 1, signers).unwrap();
    assert_eq!(
        sys.certify_blob(blob, 1, signers),
        Err(Error::EAlreadyCertified)
    );
}

#[test]
fn register_with_wrong_blob_id_rejected() {
    let (mut sys, _) = storage_setup(&[]);
    let storage = sys.reserve_space(id(ADMIN), MIB, 1).unwrap();
    let mut wrong = [0u8; 32];
    wrong[0] = 1;
    let r = sys.register_blob(
        id(ADMIN),
        storage,
        wrong,
        root_hash(ROOT),
        SIZE,
        RS2_ENCODING,
        false,
    );
    assert_eq!(r, Err(Error::EInvalidBlobId));
}

#[test]
fn register_on_small_storage_rejected() {
    let (mut sys, _) = storage_setup(&[]);
    let storage = sys.reserve_space(id(ADMIN), 1000, 1).unwrap();
    assert_eq!(
        register_blob(&mut sys, id(ADMIN), storage, false),
        Err(Error::EResourceSize)
    );
}

#[test]
fn register_on_expired_storage_rejected() {
    let (mut sys, _) = storage_setup(&[]);
    let storage = sys.reserve_space(id(ADMIN), MIB, 1).unwrap();
    next_epoch(&mut sys);
    assert_eq!(
        register_blob(&mut sys, id(ADMIN), storage, false),
        Err(Error::EResourceBounds)
    );
}

#[test]
fn reserve_without_funds_rejected() {
    let poor = id(0x9001);
    let (mut sys, _) = storage_setup(&[(poor, 2999)]);
    assert_eq!(sys.reserve_space(poor, MIB, 3), Err(Error::ENotEnoughFunds));
}

#[test]
fn register_without_write_fee_rejected() {
    // Move pays the storage from the supply and the fee from a coin of 9_999; the model's
    // payer owns the storage, so it starts with the storage price (1000) plus 9_999.
    let poor = id(0x9001);
    let (mut sys, _) = storage_setup(&[(poor, 1000 + 9_999)]);
    let storage = sys.reserve_space(poor, MIB, 1).unwrap();
    assert_eq!(sys.balance(&poor), 9_999);
    assert_eq!(
        register_blob(&mut sys, poor, storage, false),
        Err(Error::ENotEnoughFunds)
    );
}

#[test]
fn reserve_beyond_capacity_rejected() {
    let (mut sys, _) = storage_setup(&[]);
    // Votes of 10^12 bytes for 3, 3, 2, 2 of 10 shards: the quorum quantile of 10^13 / 3,
    // 10^13 / 3, 5 × 10^12, 5 × 10^12.
    assert_eq!(sys.capacity, 3_333_333_333_333);
    let votes: Vec<(PriceVote, u64)> = [3, 3, 2, 2]
        .into_iter()
        .map(|w| {
            let v = PriceVote {
                storage_nano_usd: 1_000,
                write_nano_usd: 10_000,
                capacity: 1_000_000_000_000,
            };
            (v, w)
        })
        .collect();
    assert_eq!(next_capacity(&votes, 10), Ok(3_333_333_333_333));
    assert_eq!(
        sys.reserve_space(id(ADMIN), 3_178_915 * MIB, 1),
        Err(Error::ENotEnoughCapacity)
    );
}

#[test]
fn reserve_too_far_ahead_rejected() {
    let (mut sys, _) = storage_setup(&[]);
    assert_eq!(
        sys.reserve_space(id(ADMIN), MIB, 11),
        Err(Error::EInvalidEpochsAhead)
    );
}

#[test]
fn reserve_zero_epochs_rejected() {
    let (mut sys, _) = storage_setup(&[]);
    assert_eq!(
        sys.reserve_space(id(ADMIN), MIB, 0),
        Err(Error::EInvalidEpochsAhead)
    );
}

#[test]
fn delete_permanent_blob_rejected() {
    let (mut sys, _) = storage_setup(&[]);
    let storage = sys.reserve_space(id(ADMIN), MIB, 1).unwrap();
    let blob = register_blob(&mut sys, id(ADMIN), storage, false).unwrap();
    assert_eq!(
        sys.delete_blob(id(ADMIN), blob),
        Err(Error::EBlobNotDeletable)
    );
}

// === epoch_tests ===

/// `committee_transition`: stakes 600/300/100 WAL over 10 shards give 6/3/1 shards
/// ([0..6), [6, 7, 8], [9]); after node 2 gains 500 WAL they give 4/2/4 and only 3 shards
/// move: [0, 1, 2, 3], [6, 7], [9, 4, 5, 8].
#[test]
fn dhondt_and_minimal_movement() {
    assert_eq!(dhondt(&[600, 300, 100], 10), Ok(vec![6, 3, 1]));
    assert_eq!(dhondt(&[600, 300, 600], 10), Ok(vec![4, 2, 4]));

    let mut sys = begin(params(10));
    let pools = register_nodes(&mut sys, 3);
    for (pool, wal) in pools.iter().zip([600, 300, 100]) {
        stake(&mut sys, id(ADMIN), *pool, wal);
    }
    next_epoch(&mut sys);
    assert_eq!(sys.committee[&pools[0]], [0, 1, 2, 3, 4, 5]);
    assert_eq!(sys.committee[&pools[1]], [6, 7, 8]);
    assert_eq!(sys.committee[&pools[2]], [9]);

    stake(&mut sys, id(ADMIN), pools[2], 500);
    next_epoch(&mut sys);
    next_epoch(&mut sys);
    assert_eq!(sys.committee[&pools[0]], [0, 1, 2, 3]);
    assert_eq!(sys.committee[&pools[1]], [6, 7]);
    assert_eq!(sys.committee[&pools[2]], [9, 4, 5, 8]);
    assert_conserved(&sys);
}

/// `epoch_tests::nodes_without_stake_take_no_shards`: only pools with stake take shards or
/// count towards the per-node cap. With 21 registered pools the cap would be a tenth of the shards;
/// the one staked pool is the whole committee and holds every shard.
#[test]
fn pools_without_stake_take_no_shards() {
    let mut sys = begin(params(10));
    let pools = register_nodes(&mut sys, 21);
    stake(&mut sys, id(ADMIN), pools[5], 10);
    next_epoch(&mut sys);
    assert_eq!(sys.committee.len(), 1);
    assert_eq!(sys.committee[&pools[5]], (0..10).collect::<Vec<u16>>());
    assert_conserved(&sys);
}

/// `epoch_tests::active_set_cap`: with an active set of 2, the node with the least stake gets
/// no shards; the committee is ordered by stake, ties in registration order.
#[test]
fn active_set_cap() {
    let p = Params {
        max_active_nodes: 2,
        ..params(10)
    };
    let mut sys = begin(p);
    let pools = register_nodes(&mut sys, 3);
    for (pool, wal) in pools.iter().zip([5, 1, 5]) {
        stake(&mut sys, id(ADMIN), *pool, wal);
    }
    next_epoch(&mut sys);
    assert_eq!(sys.committee.len(), 2);
    assert!(!sys.committee.contains_key(&pools[1]));
    assert_eq!(sys.committee_order, [pools[0], pools[2]]);
    assert_eq!(sys.committee[&pools[0]], [0, 1, 2, 3, 4]);
    assert_eq!(sys.committee[&pools[2]], [5, 6, 7, 8, 9]);
    assert_conserved(&sys);
}

/// `epoch_tests::empty_committee_epochs`: epochs without any stake keep an empty committee.
#[test]
fn empty_committee_epochs() {
    let mut sys = begin(params(10));
    next_epoch(&mut sys);
    next_epoch(&mut sys);
    assert_eq!(sys.epoch, 2);
    assert!(sys.committee.is_empty());
    assert_conserved(&sys);
}

#[test]
fn second_voting_end_rejected() {
    let mut sys = begin(params(10));
    let pools = register_nodes(&mut sys, 1);
    stake(&mut sys, id(ADMIN), pools[0], 1);
    sys.select_committee().unwrap();
    assert_eq!(sys.select_committee(), Err(Error::ECommitteeSelected));
}

// === staking_tests ===

/// `commission_timing`: 20% set in epoch 1 applies to the rewards of epoch 3 (credited at
/// the change to 4), not to those of epochs 1 and 2: commission 0, 0, 180_000, 360_000 after
/// the changes to 2, 3, 4, 5; the rate in force is 20% from epoch 3; 360_000 collected.
#[test]
fn commission_takes_effect_two_epochs_later() {
    let a = id(0xA1);
    let mut sys = begin_with(params(10), &[(a, 100 * FROST_PER_WAL)]);
    let pools = register_nodes(&mut sys, 1);
    let node = pools[0];
    stake(&mut sys, a, node, 100);
    next_epoch(&mut sys);

    sys.set_commission(operator(0), node, 2000).unwrap();
    let expected = [0, 0, 180_000, 360_000];
    for (epoch, want) in (1..=4).zip(expected) {
        sys.reserve_space(id(ADMIN), 1000 * MIB, 1).unwrap();
        // The change to `epoch + 1`, with epoch `epoch`'s rewards credited.
        next_epoch(&mut sys);
        let pool = &sys.pools[&node];
        assert_eq!(pool.commission_balance, want);
        let rate = if epoch + 1 >= 3 { 2000 } else { 0 };
        assert_eq!(pool.commission_bps, rate);
    }
    // The operator (the receiver by default) collects; then hands collection to someone else.
    assert_eq!(sys.collect_commission(operator(0), node), Ok(360_000));
    sys.set_commission_receiver(operator(0), node, id(0xB1))
        .unwrap();
    assert_eq!(sys.collect_commission(id(0xB1), node), Ok(0));
    assert_eq!(
        sys.collect_commission(operator(0), node),
        Err(Error::ENotOwner)
    );
    assert_conserved(&sys);
}

/// `three_delegators`: A stakes in epoch 0 (active 1), B in epoch 1 (active 2), C in epoch 2
/// after the committee selection (active 4); 1000 MiB bought for one epoch in epochs 1 to 5
/// (900_000 FROST of rewards each). A withdraws at 4, B at 5, C at 6 and they receive
/// 1_800_004, 1_349_998 and 1_349_998 FROST of rewards: all 4_500_000 paid out, the pool
/// empty; its exchange rate at epoch 4 is 200_002_700_000 FROST / 199_999_100_008 shares.
#[test]
fn three_delegators_across_epochs() {
    let (a, b, c) = (id(0xA1), id(0xB1), id(0xC1));
    let hundred = 100 * FROST_PER_WAL;
    let mut sys = begin_with(params(10), &[(a, hundred), (b, hundred), (c, hundred)]);
    let node = register_nodes(&mut sys, 1)[0];
    let activation = |sys: &System, st: ObjectId| sys.stakes[&st].activation_epoch;
    let buy = |sys: &mut System| sys.reserve_space(id(ADMIN), 1000 * MIB, 1).unwrap();

    // Epoch 0: A stakes, active from epoch 1.
    let sa = stake(&mut sys, a, node, 100);
    assert_eq!(activation(&sys, sa), 1);
    next_epoch(&mut sys);

    // Epoch 1: B stakes (active 2); storage bought for epoch 1.
    let sb = stake(&mut sys, b, node, 100);
    assert_eq!(activation(&sys, sb), 2);
    buy(&mut sys);
    assert_conserved(&sys);
    next_epoch(&mut sys);

    // Epoch 2: the committee of epoch 3 is selected first, so C activates in epoch 4.
    sys.select_committee().unwrap();
    let sc = stake(&mut sys, c, node, 100);
    assert_eq!(activation(&sys, sc), 4);
    buy(&mut sys);
    next_epoch(&mut sys);

    // Epoch 3: A asks to withdraw (before the selection: leaves at 4).
    assert_eq!(sys.request_withdraw_stake(a, sa), Ok(4));
    buy(&mut sys);
    assert_conserved(&sys);
    next_epoch(&mut sys);

    // Epoch 4: A withdraws; B asks.
    assert_eq!(sys.withdraw_stake(a, sa), Ok(hundred + 1_800_004));
    assert_eq!(sys.request_withdraw_stake(b, sb), Ok(5));
    buy(&mut sys);
    next_epoch(&mut sys);

    // Epoch 5: B withdraws; C asks.
    assert_eq!(sys.withdraw_stake(b, sb), Ok(hundred + 1_349_998));
    assert_eq!(sys.request_withdraw_stake(c, sc), Ok(6));
    buy(&mut sys);
    next_epoch(&mut sys);

    // Epoch 6: C withdraws; the pool paid out every reward.
    assert_eq!(sys.withdraw_stake(c, sc), Ok(hundred + 1_349_998));
    let pool = &sys.pools[&node];
    assert_eq!(
        (pool.active_frost, pool.shares, pool.withdrawable),
        (0, 0, 0)
    );
    assert_eq!(pool.commission_balance, 0);
    // The rate recorded at the change to epoch 4 (rewards of epoch 3 in, A not yet out).
    let rate = pool.exchange_rates[&4];
    assert_eq!(
        (rate.frost, rate.shares),
        (200_002_700_000, 199_999_100_008)
    );
    assert_conserved(&sys);
}

#[test]
fn stake_below_minimum_rejected() {
    let mut sys = begin(params(10));
    let node = register_nodes(&mut sys, 1)[0];
    assert_eq!(
        sys.stake(id(ADMIN), node, FROST_PER_WAL - 1),
        Err(Error::ENotEnoughStake)
    );
}

#[test]
fn stake_with_unknown_node_rejected() {
    let mut sys = begin(params(10));
    assert_eq!(
        sys.stake(id(ADMIN), id(0xDEAD), FROST_PER_WAL),
        Err(Error::EUnknownPool)
    );
}

#[test]
fn second_request_rejected() {
    let mut sys = begin(params(10));
    let node = register_nodes(&mut sys, 1)[0];
    let staked = stake(&mut sys, id(ADMIN), node, 1);
    next_epoch(&mut sys);
    assert_eq!(sys.request_withdraw_stake(id(ADMIN), staked), Ok(2));
    assert_eq!(
        sys.request_withdraw_stake(id(ADMIN), staked),
        Err(Error::EAlreadyWithdrawing)
    );
}

#[test]
fn request_on_inactive_stake_rejected() {
    let mut sys = begin(params(10));
    let node = register_nodes(&mut sys, 1)[0];
    let staked = stake(&mut sys, id(ADMIN), node, 1);
    assert_eq!(
        sys.request_withdraw_stake(id(ADMIN), staked),
        Err(Error::ECanWithdrawEarly)
    );
}

/// `staking_tests::early_and_pre_active_withdrawal`: a stake that never became active is
/// withdrawn at once, principal only; a stake counted in the selected committee of epoch 1
/// goes through a request, leaves at epoch 2 and pays its principal back.
#[test]
fn early_and_pre_active_withdrawal() {
    let (a, b, c) = (id(0xA1), id(0xB1), id(0xC1));
    let hundred = 100 * FROST_PER_WAL;
    let mut sys = begin_with(params(10), &[(a, hundred), (b, hundred), (c, hundred)]);
    let node = register_nodes(&mut sys, 1)[0];
    let _base = stake(&mut sys, a, node, 10);
    let early = stake(&mut sys, b, node, 5);
    assert_eq!(sys.withdraw_stake(b, early), Ok(5 * FROST_PER_WAL));
    let counted = stake(&mut sys, c, node, 5);
    sys.select_committee().unwrap();
    assert_eq!(
        sys.withdraw_stake(c, counted),
        Err(Error::ENotWithdrawing),
        "counted in the selected committee: not withdrawable at once"
    );
    assert_eq!(sys.request_withdraw_stake(c, counted), Ok(2));
    next_epoch(&mut sys);
    next_epoch(&mut sys);
    assert_eq!(sys.withdraw_stake(c, counted), Ok(5 * FROST_PER_WAL));
    assert_eq!(sys.pools[&node].active_frost, 10 * FROST_PER_WAL);
    assert_eq!(sys.balance(&b), hundred);
    assert_eq!(sys.balance(&c), hundred);
    assert_conserved(&sys);
}

#[test]
fn withdraw_active_without_request_rejected() {
    let mut sys = begin(params(10));
    let node = register_nodes(&mut sys, 1)[0];
    let staked = stake(&mut sys, id(ADMIN), node, 1);
    next_epoch(&mut sys);
    assert_eq!(
        sys.withdraw_stake(id(ADMIN), staked),
        Err(Error::ENotWithdrawing)
    );
}

#[test]
fn withdraw_before_epoch_rejected() {
    let mut sys = begin(params(10));
    let node = register_nodes(&mut sys, 1)[0];
    let staked = stake(&mut sys, id(ADMIN), node, 1);
    next_epoch(&mut sys);
    sys.request_withdraw_stake(id(ADMIN), staked).unwrap();
    assert_eq!(
        sys.withdraw_stake(id(ADMIN), staked),
        Err(Error::EWithdrawEpochNotReached)
    );
}

#[test]
fn commission_above_cap_rejected() {
    let mut sys = begin(params(10));
    let node = register_nodes(&mut sys, 1)[0];
    assert_eq!(
        sys.set_commission(operator(0), node, 5001),
        Err(Error::ECommissionTooHigh)
    );
}

#[test]
fn register_with_high_commission_rejected() {
    let mut sys = begin(params(10));
    let vote = PriceVote {
        storage_nano_usd: 1,
        write_nano_usd: 1,
        capacity: 1,
    };
    assert_eq!(
        sys.register_node(operator(0), 9000, vote),
        Err(Error::ECommissionTooHigh)
    );
}

#[test]
fn commission_collected_by_stranger_rejected() {
    let mut sys = begin(params(10));
    let node = register_nodes(&mut sys, 1)[0];
    assert_eq!(
        sys.collect_commission(id(0xB1), node),
        Err(Error::ENotOwner)
    );
}

// === conservation_tests ===

/// `conservation`: eight epochs, three nodes (commissions 0, 10%, 30%), stakes every epoch,
/// storage bought ahead with a blob registered on part of it, withdrawal requests on every
/// other receipt once active for two epochs, withdrawals when due, node 1's commission
/// collected: the supply is accounted for after every step, something is burned and some
/// WAL is paid out.
#[test]
fn wal_is_conserved_across_epochs() {
    let admin = id(ADMIN);
    let mut sys = begin(params(10));
    let pools = [
        register(&mut sys, 0, 0, 1_000, 10_000, 1_000_000_000_000),
        register(&mut sys, 1, 1000, 2_000, 20_000, 1_000_000_000_000),
        register(&mut sys, 2, 3000, 3_000, 30_000, 1_000_000_000_000),
    ];
    let mut stakes: Vec<ObjectId> = Vec::new();
    let mut paid_out: Frost = 0;
    for epoch in 0..8u64 {
        for (i, pool) in pools.iter().enumerate() {
            let amount = (1 + i as u64 + epoch) * 7 * FROST_PER_WAL + 123;
            stakes.push(sys.stake(admin, *pool, amount).unwrap());
        }
        assert_conserved(&sys);
        // Storage bought ahead, and a blob registered on 1 MiB of it.
        let storage = sys
            .reserve_space(admin, (3 + epoch) * MIB, 1 + epoch as u32 % 4)
            .unwrap();
        sys.split_storage_by_size(admin, storage, MIB).unwrap();
        let size = 5_000 + epoch * 1_000;
        let root = root_hash(epoch + 1);
        let blob_id = derive_blob_id(&root, RS2_ENCODING, size);
        sys.register_blob(admin, storage, blob_id, root, size, RS2_ENCODING, true)
            .unwrap();
        assert_conserved(&sys);
        // Withdrawal requests on the oldest active receipts; withdrawals when due.
        let mut i = 0;
        while i < stakes.len() {
            let st = sys.stakes[&stakes[i]];
            match st.state {
                StakeState::Withdrawing { withdraw_epoch, .. } => {
                    if withdraw_epoch <= sys.epoch {
                        let st = stakes.swap_remove(i);
                        paid_out += sys.withdraw_stake(admin, st).unwrap();
                        continue;
                    }
                }
                StakeState::Staked => {
                    if st.activation_epoch + 2 <= sys.epoch && i % 2 == 0 {
                        let leaves = sys.effective_epoch();
                        assert_eq!(sys.request_withdraw_stake(admin, stakes[i]), Ok(leaves));
                    }
                }
            }
            i += 1;
        }
        paid_out += sys.collect_commission(operator(1), pools[1]).unwrap();
        assert_conserved(&sys);
        next_epoch(&mut sys);
        assert_conserved(&sys);
    }
    assert!(sys.burned > 0);
    assert!(paid_out > 0);
}

// === liveness_tests ===

/// `liveness_tests::many_candidates_cannot_halt_the_epoch_change`: 1,030 nodes staked (the
/// first 10 with 1,000 WAL, one with 1 WAL that lags behind, the others 2 WAL); the active set
/// keeps 20 candidates, the committee is the 10 largest, and the lagging staker withdraws its
/// 1 WAL two epochs later.
#[test]
fn many_candidates_cannot_halt_the_epoch_change() {
    let mut sys = begin(Params {
        max_candidates: 20,
        ..params(10)
    });
    let committee = register_nodes(&mut sys, 10);
    for pool in &committee {
        stake(&mut sys, id(ADMIN), *pool, 1_000);
    }
    let lagging = register(&mut sys, 10, 0, 1_000, 10_000, 1 << 40);
    let staked = stake(&mut sys, id(ADMIN), lagging, 1);
    for i in 11..1_030u64 {
        let pool = register(&mut sys, i, 0, 1_000, 10_000, 1 << 40);
        stake(&mut sys, id(ADMIN), pool, 2);
    }
    assert_eq!((sys.pools.len(), sys.active_set.len()), (1_030, 20));
    assert!(!sys.active_set.contains(&lagging));
    next_epoch(&mut sys);
    assert_eq!(sys.committee_order.len(), 10);
    assert!(committee.iter().all(|p| sys.committee.contains_key(p)));
    assert_eq!(sys.request_withdraw_stake(id(ADMIN), staked), Ok(2));
    next_epoch(&mut sys);
    assert_eq!(sys.epoch, 2);
    assert_eq!(sys.withdraw_stake(id(ADMIN), staked), Ok(FROST_PER_WAL));
    assert_conserved(&sys);
}

/// `liveness_tests::large_pot_and_reward_do_not_overflow`: a 50 million WAL pot, 10% burned,
/// the rest to one pool at a 50% commission; the staker and the operator each receive 22.5
/// million WAL.
#[test]
fn large_pot_and_reward_do_not_overflow() {
    let pot = 50_000_000 * FROST_PER_WAL;
    let genesis = GenesisPricing {
        storage_price_usd: pot,
        write_price_usd: 10,
        capacity: 1 << 40,
        ..MOVE_GENESIS
    };
    let mut sys = System::new_priced(params(10), &[(id(ADMIN), SUPPLY)], genesis).unwrap();
    let node = register(&mut sys, 0, 5000, pot, 10, 1 << 40);
    let staked = stake(&mut sys, id(ADMIN), node, 1_000);
    next_epoch(&mut sys);
    sys.reserve_space(id(ADMIN), MIB, 1).unwrap();
    assert_eq!(sys.future[0].rewards, pot);
    next_epoch(&mut sys);
    assert_eq!(sys.burned, pot / 10);
    assert_eq!(sys.pools[&node].commission_balance, pot * 9 / 20);
    sys.request_withdraw_stake(id(ADMIN), staked).unwrap();
    next_epoch(&mut sys);
    assert_eq!(sys.collect_commission(operator(0), node), Ok(pot * 9 / 20));
    assert_eq!(
        sys.withdraw_stake(id(ADMIN), staked),
        Ok(1_000 * FROST_PER_WAL + pot * 9 / 20)
    );
    assert_conserved(&sys);
}

// === settlement_tests (issue 11: rewards by proof performance) ===

/// `test_utils::settled_params`: `params` with the default settlement round (pots wait for a
/// certified settlement; the fallback two epochs after the epoch ends).
fn settled_params(n_shards: u16) -> Params {
    Params {
        settlement_fallback_epochs: 2,
        ..params(n_shards)
    }
}

/// `settlement_tests::start`: four nodes (node 1 takes 10% commission) voting $1 per
/// MiB-epoch, 100 WAL staked with each, in their first committee (epoch 1); 1000 MiB bought
/// for epoch 1 (a pot of 1000 WAL); the seed drawn and the results posted: nodes 0-2 see
/// node 3 pass 60% of its challenges, node 3 reports everyone at 100%.
fn performance_story_start() -> (System, Vec<ObjectId>) {
    let mut sys = begin(settled_params(10));
    let pools: Vec<ObjectId> = (0..4u64)
        .map(|i| {
            let commission = if i == 1 { 1000 } else { 0 };
            register(
                &mut sys,
                i,
                commission,
                ONE_DOLLAR,
                10_000,
                1_000_000_000_000,
            )
        })
        .collect();
    for p in &pools {
        stake(&mut sys, id(ADMIN), *p, 100);
    }
    next_epoch(&mut sys);
    assert_eq!(sys.epoch, 1);
    assert_eq!(
        sys.committee_order, pools,
        "equal stakes keep the joining order"
    );
    let shards: Vec<u16> = pools.iter().map(|p| sys.shards_of(p)).collect();
    assert_eq!(shards, [3, 3, 2, 2]);
    assert_eq!(sys.storage_price, FROST_PER_WAL);
    sys.reserve_space(id(ADMIN), 1000 * MIB, 1).unwrap();
    assert_conserved(&sys);
    sys.draw_challenge_seed([0x1F; 32]).unwrap();
    for (i, p) in pools.iter().enumerate() {
        let results = if i < 3 {
            vec![10_000, 10_000, 10_000, 6_000]
        } else {
            vec![10_000; 4]
        };
        sys.submit_challenge_results(operator(i as u64), *p, 1, results)
            .unwrap();
    }
    next_epoch(&mut sys);
    assert_conserved(&sys);
    (sys, pools)
}

/// Issue 11, acceptance 5 (`settlement_tests::challenged_node_earns_less`): the pot of 1000
/// WAL loses 100 WAL to the burn share; the rest, 900 WAL, is 270 / 270 / 180 / 180 WAL by
/// shards. Node 3's challengers report a 60% pass rate, so the curve (0 below 50%, full from
/// 95%) gives it a factor of 2_222 bps: it earns 39.996 WAL and 140.004 WAL of its share is
/// withheld and burned. Honest nodes earn their full share (node 1 keeps 10% as commission).
/// A third party claims for every pool; the rewards count in the exchange rate of epoch 3.
#[test]
fn challenged_node_earns_less() {
    let (mut sys, pools) = performance_story_start();
    let st = sys.compute_settlement(1).unwrap();
    assert_eq!(st.performance_bps, [10_000, 10_000, 10_000, 2_222]);
    let h = st.header;
    assert_eq!((h.epoch, h.n_entries), (1, 4));
    assert_eq!(h.pot, 1_000 * FROST_PER_WAL);
    assert_eq!(h.burned, 240_004_000_000);
    assert_eq!(h.paid, 759_996_000_000);
    let expected: [(u64, u64); 4] = [
        (270_000_000_000, 0),
        (243_000_000_000, 27_000_000_000),
        (180_000_000_000, 0),
        (39_996_000_000, 0),
    ];
    for (pool, (staker_reward, commission)) in pools.iter().zip(expected) {
        let (entry, _) = st.proof_for(&pool.0).unwrap();
        assert_eq!(
            (entry.staker_reward, entry.commission),
            (staker_reward, commission)
        );
    }
    // Certified by nodes 0-2 (8 of 10 shards).
    sys.submit_settlement(h, 8).unwrap();
    assert_eq!(sys.burned, 240_004_000_000);
    assert_conserved(&sys);
    // A third party (the admin) claims for every pool.
    for (pool, (staker_reward, commission)) in pools.iter().zip(expected) {
        let (entry, proof) = st.proof_for(&pool.0).unwrap();
        let paid = sys.claim(1, &entry, &proof).unwrap();
        assert_eq!(paid, staker_reward + commission);
        assert_eq!(sys.pools[pool].commission_balance, commission);
        assert_eq!(
            sys.pools[pool].active_frost,
            100 * FROST_PER_WAL + staker_reward
        );
        assert_conserved(&sys);
    }
    assert_eq!(sys.ended[&1].remaining, 0);
    // The rewards count from the next boundary: epoch 3's exchange rate.
    next_epoch(&mut sys);
    for (pool, (staker_reward, _)) in pools.iter().zip(expected) {
        let rate = sys.pools[pool].exchange_rates[&3];
        assert_eq!(rate.frost, (100 * FROST_PER_WAL + staker_reward) as u128);
        assert_eq!(rate.shares, (100 * FROST_PER_WAL) as u128);
    }
    assert_conserved(&sys);
}

/// `settlement_tests::fallback_pays_by_shards`: nobody settles epoch 1; the fallback is refused
/// in epochs 2 and 3 and allowed in epoch 4, where it pays by shards: 270 / 243 + 27 / 180 /
/// 180 WAL, 100 WAL burned (no performance factor: node 3 is paid in full).
#[test]
fn fallback_pays_by_shards() {
    let (mut sys, pools) = performance_story_start();
    assert_eq!(sys.settle_fallback(1), Err(Error::EFallbackTooEarly));
    next_epoch(&mut sys);
    assert_eq!(sys.settle_fallback(1), Err(Error::EFallbackTooEarly));
    next_epoch(&mut sys);
    assert_eq!(sys.epoch, 4);
    let burned_before = sys.burned;
    sys.settle_fallback(1).unwrap();
    assert_eq!(sys.burned - burned_before, 100 * FROST_PER_WAL);
    let expected: [(u64, u64); 4] = [
        (270_000_000_000, 0),
        (243_000_000_000, 27_000_000_000),
        (180_000_000_000, 0),
        (180_000_000_000, 0),
    ];
    for (pool, (staker_reward, commission)) in pools.iter().zip(expected) {
        let credit = sys.ended[&1].claimed[pool];
        assert_eq!(
            (credit.staker_reward, credit.commission),
            (staker_reward, commission)
        );
    }
    assert_eq!(sys.settle_fallback(1), Err(Error::EAlreadySettled));
    assert_conserved(&sys);
}

// === governance_tests (issue 11, acceptance 4) ===

/// `governance_tests::start`: A stakes 300 WAL and C 100 WAL with node 0, B 100 WAL with node
/// 1; in epoch 1 A proposes a 20% burn share (snapshot 1, eligible 500 WAL, voting until the
/// start of epoch 3, executable from epoch 4).
fn governance_start() -> (System, [ObjectId; 3], [ObjectId; 3], u64) {
    let (a, b, c) = (id(0xA1), id(0xB1), id(0xC1));
    let mut sys = begin_with(
        Params {
            gov_voting_epochs: 2,
            gov_timelock_epochs: 1,
            ..params(10)
        },
        &[
            (a, 1_000 * FROST_PER_WAL),
            (b, 1_000 * FROST_PER_WAL),
            (c, 1_000 * FROST_PER_WAL),
        ],
    );
    let pools = register_nodes(&mut sys, 2);
    let ra = stake(&mut sys, a, pools[0], 300);
    let rb = stake(&mut sys, b, pools[1], 100);
    let rc = stake(&mut sys, c, pools[0], 100);
    next_epoch(&mut sys);
    let p = sys
        .propose(
            a,
            ra,
            floe_economics::model::governance::ParamChange::BurnBps(2000),
        )
        .unwrap();
    assert_eq!(p, 1);
    let prop = &sys.proposals[&1];
    assert_eq!((prop.snapshot_epoch, prop.voting_end), (1, 3));
    assert_eq!(prop.eligible_stake, 500 * FROST_PER_WAL);
    (sys, [a, b, c], [ra, rb, rc], p)
}

/// `governance_tests::every_receipt_votes_once`: 300 for, then A's receipt split, joined back
/// and given to B, C withdrawn and staked again: none of them may vote again; B's 100 against
/// counts. Passed (400 of 500 voted, 75% for) and executed after the timelock.
#[test]
fn every_receipt_votes_once() {
    let (mut sys, [a, b, c], [ra, rb, rc], p) = governance_start();
    sys.vote(a, p, ra, true).unwrap();
    let part = sys.split_stake(a, ra, 100 * FROST_PER_WAL).unwrap();
    assert_eq!(sys.vote(a, p, part, true), Err(Error::ENotEligible));
    assert_eq!(sys.vote(a, p, ra, true), Err(Error::ENotEligible));
    sys.join_stake(a, ra, part).unwrap();
    sys.transfer_stake(a, ra, b).unwrap();
    assert_eq!(sys.vote(b, p, ra, false), Err(Error::ENotEligible));
    sys.request_withdraw_stake(c, rc).unwrap();
    next_epoch(&mut sys);
    let back = sys.withdraw_stake(c, rc).unwrap();
    let rc2 = sys.stake(c, sys.stakes[&rb].pool, back).unwrap();
    assert_eq!(sys.vote(c, p, rc2, true), Err(Error::ENotEligible));
    sys.vote(b, p, rb, false).unwrap();
    let prop = &sys.proposals[&p];
    assert_eq!(
        (prop.votes_for, prop.votes_against),
        (300 * FROST_PER_WAL, 100 * FROST_PER_WAL)
    );
    assert!(prop.votes_for + prop.votes_against <= prop.eligible_stake);
    next_epoch(&mut sys);
    assert_eq!(sys.finalize_proposal(p), Ok(true));
    assert_eq!(sys.execute_proposal(p), Err(Error::ETimelockNotElapsed));
    next_epoch(&mut sys);
    assert_eq!(sys.execute_proposal(p), Ok(false));
    assert_eq!(sys.params.burn_bps, 2000);
    assert_conserved(&sys);
}

/// `governance_tests::voted_receipt_cannot_vote_after_a_transfer`.
#[test]
fn voted_receipt_cannot_vote_after_a_transfer() {
    let (mut sys, [a, b, _], [ra, _, _], p) = governance_start();
    sys.vote(a, p, ra, true).unwrap();
    sys.transfer_stake(a, ra, b).unwrap();
    assert_eq!(sys.vote(b, p, ra, false), Err(Error::EAlreadyVoted));
}

/// `governance_tests::below_quorum_fails`: 100 of 500 WAL voted.
#[test]
fn below_quorum_fails() {
    let (mut sys, [_, b, _], [_, rb, _], p) = governance_start();
    sys.vote(b, p, rb, true).unwrap();
    next_epoch(&mut sys);
    next_epoch(&mut sys);
    assert_eq!(sys.finalize_proposal(p), Ok(false));
    next_epoch(&mut sys);
    assert_eq!(sys.execute_proposal(p), Err(Error::EBelowQuorum));
}

/// `governance_tests::below_threshold_fails`: 300 against, 100 for.
#[test]
fn below_threshold_fails() {
    let (mut sys, [a, b, _], [ra, rb, _], p) = governance_start();
    sys.vote(a, p, ra, false).unwrap();
    sys.vote(b, p, rb, true).unwrap();
    for _ in 0..3 {
        next_epoch(&mut sys);
    }
    assert_eq!(sys.execute_proposal(p), Err(Error::EThresholdNotMet));
}

// === lifecycle_tests (issue 21) ===

/// `lifecycle_tests::blob_id`: the blob ID of a 1,000-byte blob with root `root`.
fn lifecycle_blob_id(root: u64) -> [u8; 32] {
    derive_blob_id(&root_hash(root), RS2_ENCODING, SIZE)
}

/// `lifecycle_tests::register`: a blob of 1,000 bytes with root `root` on `storage`.
fn register_root(sys: &mut System, storage: ObjectId, root: u64, deletable: bool) -> ObjectId {
    let (admin, id) = (id(ADMIN), lifecycle_blob_id(root));
    sys.register_blob(
        admin,
        storage,
        id,
        root_hash(root),
        SIZE,
        RS2_ENCODING,
        deletable,
    )
    .unwrap()
}

/// `lifecycle_tests::shared_blob_funded_by_two_and_extended_by_a_third`: shared with 5,000
/// FROST, funded with 2,000 by B, extended by 2 epochs by anyone for 2 × 1,000: it ends at
/// epoch 6 with 5,000 FROST left; WAL conserved.
#[test]
fn shared_blob_funded_by_two_and_extended_by_a_third() {
    let b = id(0xB1);
    let (mut sys, pools) = storage_setup(&[(b, 1_000_000)]);
    let admin = id(ADMIN);
    let storage = sys.reserve_space(admin, MIB, 3).unwrap();
    let blob = register_root(&mut sys, storage, 0xA, false);
    sys.certify_blob(blob, 1, shards_of(&sys, &pools[..3]))
        .unwrap();
    let shared = sys.share_blob(admin, blob, 5_000).unwrap();
    assert_eq!(sys.balance(&shared), 5_000);
    assert_eq!(sys.fund_shared_blob(b, shared, 2_000), Ok(7_000));
    assert_eq!(sys.extend_shared_blob(shared, 2), Ok(2_000));
    assert_eq!(sys.balance(&shared), 5_000);
    assert_eq!(sys.blobs[&blob].storage.end, 6);
    // `future[i]` is epoch 1 + i: pot_value(4) and pot_value(5).
    assert_eq!(
        (sys.future[3].rewards, sys.future[4].rewards),
        (1_000, 1_000)
    );
    // The owner no longer holds it.
    assert_eq!(sys.extend_blob(admin, blob, 1), Err(Error::ENotOwner));
    assert_conserved(&sys);
    // `shared_extension_beyond_funds_rejected`: 1,999 FROST do not pay 2 epochs.
    let storage = sys.reserve_space(admin, MIB, 3).unwrap();
    let poor = register_root(&mut sys, storage, 0xB, false);
    sys.certify_blob(poor, 1, shards_of(&sys, &pools[..3]))
        .unwrap();
    let poor = sys.share_blob(admin, poor, 1_999).unwrap();
    assert_eq!(sys.extend_shared_blob(poor, 2), Err(Error::ENotEnoughFunds));
}

/// `lifecycle_tests::pool_holds_blobs_and_reuses_space`: a pool of two blobs' encoded size for
/// epochs [1, 4) (3,000 FROST) holds A and B (10,000 FROST of write fee each); A is deleted and
/// its space reused by C; the pool is extended by 2 epochs (2,000 FROST).
#[test]
fn pool_holds_blobs_and_reuses_space() {
    let (mut sys, pools) = storage_setup(&[]);
    let admin = id(ADMIN);
    let before = sys.balance(&admin);
    let encoded = 10_680;
    let storage = sys.reserve_space(admin, 2 * encoded, 3).unwrap();
    let pool = sys.create_storage_pool(admin, storage).unwrap();
    let quorum = shards_of(&sys, &pools[..3]);
    for root in [0xA, 0xB] {
        let id = lifecycle_blob_id(root);
        sys.register_pooled_blob(admin, pool, id, root_hash(root), SIZE, RS2_ENCODING, true)
            .unwrap();
        sys.certify_pooled_blob(pool, id, 1, quorum).unwrap();
    }
    assert_eq!(before - sys.balance(&admin), 3_000 + 2 * 10_000);
    assert_eq!(sys.storage_pools[&pool].used, 2 * encoded);
    let c = lifecycle_blob_id(0xC);
    assert_eq!(
        sys.register_pooled_blob(admin, pool, c, root_hash(0xC), SIZE, RS2_ENCODING, true),
        Err(Error::EResourceSize)
    );
    sys.delete_pooled_blob(admin, pool, lifecycle_blob_id(0xA))
        .unwrap();
    assert_eq!(sys.storage_pools[&pool].used, encoded);
    sys.register_pooled_blob(admin, pool, c, root_hash(0xC), SIZE, RS2_ENCODING, true)
        .unwrap();
    sys.certify_pooled_blob(pool, c, 1, quorum).unwrap();
    assert_eq!(sys.extend_storage_pool(admin, pool, 2), Ok(2_000));
    assert_eq!(sys.storage_pools[&pool].storage.end, 6);
    assert_eq!(sys.future[4].rewards, 1_000);
    assert_eq!(before - sys.balance(&admin), 3_000 + 3 * 10_000 + 2_000);
    // Two certified pooled blobs count in the stored bytes.
    assert_eq!(sys.stored_bytes_per_shard(), 2 * encoded / 10);
    assert_conserved(&sys);
}

/// `lifecycle_tests::replace_a_blobs_content` and `attributes_on_a_blob` and `burn_a_blob`.
#[test]
fn attributes_replacement_and_burn() {
    let (mut sys, pools) = storage_setup(&[]);
    let admin = id(ADMIN);
    let quorum = shards_of(&sys, &pools[..3]);
    let storage = sys.reserve_space(admin, MIB, 3).unwrap();
    let blob = register_root(&mut sys, storage, 0xA, true);
    sys.certify_blob(blob, 1, quorum).unwrap();
    sys.set_blob_attribute(admin, blob, "content-type".into(), "text/plain".into())
        .unwrap();
    sys.set_blob_attribute(admin, blob, "content-type".into(), "image/png".into())
        .unwrap();
    assert_eq!(
        sys.remove_blob_attribute(admin, blob, "filename"),
        Err(Error::EMissingAttribute)
    );
    assert_eq!(
        sys.set_blob_attribute(admin, blob, "k".repeat(129), "v".into()),
        Err(Error::EStringTooLong)
    );
    let before = sys.balance(&admin);
    let b = lifecycle_blob_id(0xB);
    sys.replace_blob(admin, blob, b, root_hash(0xB), SIZE, RS2_ENCODING)
        .unwrap();
    assert_eq!(before - sys.balance(&admin), 10_000);
    assert_eq!(sys.blobs[&blob].blob_id, b);
    assert_eq!(sys.blobs[&blob].certified_epoch, None);
    sys.certify_blob(blob, 1, quorum).unwrap();
    assert_eq!(
        sys.blob_attributes[&blob]["content-type"],
        "image/png".to_string()
    );
    // A permanent blob is burned: it is gone, its data counts until its end epoch.
    let storage = sys.reserve_space(admin, MIB, 3).unwrap();
    let permanent = register_root(&mut sys, storage, 0xC, false);
    assert_eq!(
        sys.replace_blob(admin, permanent, b, root_hash(0xB), SIZE, RS2_ENCODING),
        Err(Error::EBlobNotDeletable)
    );
    sys.certify_blob(permanent, 1, quorum).unwrap();
    let stored = sys.stored_bytes_per_shard();
    sys.burn_blob(admin, permanent).unwrap();
    assert!(!sys.blobs.contains_key(&permanent));
    assert_eq!(sys.stored_bytes_per_shard(), stored);
    assert_conserved(&sys);
}
