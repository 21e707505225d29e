/// Issue 11, acceptance 6: 200 candidate nodes and 1000 shards. The test runner meters a whole
/// test as one execution against Sui's computation cap (5,000,000 units, with the price of an
/// instruction rising with the instructions already run), so the scale is shown in three
/// stories, each within that budget: committee selection, the epoch change (twice: the second
/// closes a pot into its settlement vault), and a certified settlement with the 200 claims.
/// Each checks what Sui bounds per transaction (protocol 132, `move/README.md`): at most 1,024
/// events per transaction, 250 KiB per object, 1,000 objects written.
#[test_only]
module floe::scale_tests;

use floe::{
    node_cap::StorageNodeCap,
    params,
    settlement_utils::{Self as su, Entry},
    system::System,
    test_utils::{Self as tu, frost_per_wal}
};
use sui::{clock::Clock, coin::Coin, test_scenario::{Self as ts, Scenario}};
use wal::wal::{WAL, ProtectedTreasury};

const NODES: u64 = 200;
const SHARDS: u16 = 1000;
const BATCH: u64 = 20;
const CLAIMS_PER_TX: u64 = 10;
const MAX_EVENTS: u64 = 1024;
const MAX_OBJECT_BYTES: u64 = 250 * 1024;
const MAX_WRITTEN: u64 = 1000;
const DOLLAR: u64 = 1_000_000_000;

/// 200 candidates with real BLS keys (secret scalars 1 to 200) and 1,000 to 1,199 WAL of stake
/// for epoch 1, built in batches of 20, one transaction each, as registrations would come;
/// D'Hondt gives every node 4 to 6 of the 1,000 shards.
fun start(): (Scenario, Clock, Coin<WAL>, vector<StorageNodeCap>) {
    let p = params::new(SHARDS, tu::epoch_ms(), 10, 0, 1000, frost_per_wal!(), 5000, 200, 1000, 3_600_000, 10)
        .with_candidacy(frost_per_wal!(), 200);
    let (mut s, clock, supply) = tu::begin_priced(p, DOLLAR, 10_000, 1 << 50);
    let mut caps = vector[];
    let mut built = 0;
    while (built < NODES) {
        s.next_tx(tu::admin());
        let mut system = s.take_shared<System>();
        let stake = (1_000 + built) * frost_per_wal!();
        caps.append(
            system.add_committee_candidates_for_testing(built + 1, BATCH, stake, frost_per_wal!(), s.ctx()),
        );
        ts::return_shared(system);
        built = built + BATCH;
    };
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    assert!(system.candidates().length() == NODES);
    ts::return_shared(system);
    (s, clock, supply, caps)
}

/// `voting_end` at mid-epoch: the committee of the next epoch.
fun select(s: &mut Scenario, clock: &mut Clock) {
    tu::select_next(s, clock);
    let effects = s.next_tx(tu::admin());
    // `CommitteeSelected`, `EpochParametersSelected`, `UsdPricesSelected`.
    assert!(effects.num_user_events() == 3);
    let system = s.take_shared<System>();
    assert!(system.bcs_size_for_testing() <= MAX_OBJECT_BYTES);
    ts::return_shared(system);
}

/// `initiate_epoch_change` at the end of the epoch; returns its effects' event count.
fun change(s: &mut Scenario, clock: &mut Clock): u64 {
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    let mut treasury = s.take_shared<ProtectedTreasury>();
    clock.increment_for_testing(tu::epoch_ms() / 2);
    system.initiate_epoch_change(&mut treasury, clock, s.ctx());
    ts::return_shared(treasury);
    ts::return_shared(system);
    let effects = s.next_tx(tu::admin());
    assert!(effects.num_user_events() <= MAX_EVENTS);
    assert!(effects.written().length() <= MAX_WRITTEN);
    effects.num_user_events()
}

/// The committee's members report their sync, each in its own transaction, until the quorum
/// (the largest stakes first: the last ones built).
fun sync(s: &mut Scenario, caps: &vector<StorageNodeCap>) {
    let mut i = caps.length();
    loop {
        s.next_tx(tu::admin());
        let mut system = s.take_shared<System>();
        let syncing = system.is_syncing();
        if (syncing) {
            i = i - 1;
            let epoch = system.epoch();
            system.epoch_sync_done(&caps[i], epoch);
        };
        ts::return_shared(system);
        if (!syncing) break;
    };
}

fun finish(s: Scenario, clock: Clock, supply: Coin<WAL>, caps: vector<StorageNodeCap>) {
    tu::destroy_caps(caps);
    tu::end(s, clock, supply);
}

#[test]
/// The selection reads the 200 candidates only, and apportions the 1,000 shards among them.
fun selection_of_two_hundred_nodes() {
    let (mut s, mut clock, supply, caps) = start();
    select(&mut s, &mut clock);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    assert!(system.is_next_selected());
    ts::return_shared(system);
    finish(s, clock, supply, caps);
}

#[test]
/// The first change installs the 200-node committee (one `PoolAdvanced` each); the second
/// advances the 200 pools again and closes epoch 1's pot into its settlement vault.
fun epoch_changes_of_two_hundred_nodes() {
    let (mut s, mut clock, mut supply, caps) = start();
    select(&mut s, &mut clock);
    // The pot, three epoch events, and one `PoolAdvanced` per new committee member.
    assert!(change(&mut s, &mut clock) == 4 + NODES);
    let system = s.take_shared<System>();
    let c = system.committee();
    assert!(c.n_members() == NODES && c.n_shards() == SHARDS);
    let mut smallest = SHARDS;
    let mut largest = 0u16;
    NODES.do!(|i| {
        smallest = smallest.min(c.weight_at(i));
        largest = largest.max(c.weight_at(i));
    });
    assert!(smallest >= 4 && largest <= 6);
    assert!(system.bcs_size_for_testing() <= MAX_OBJECT_BYTES);
    ts::return_shared(system);
    sync(&mut s, &caps);
    let storage = tu::reserve(&mut s, &mut supply, 1_000, 1);
    select(&mut s, &mut clock);
    assert!(change(&mut s, &mut clock) == 4 + NODES);
    let system = s.take_shared<System>();
    let ended = system.ended_epoch(1);
    assert!(ended.pot() == 1_000 * frost_per_wal!() && ended.committee().n_members() == NODES);
    assert!(sui::bcs::to_bytes(ended).length() <= MAX_OBJECT_BYTES);
    ts::return_shared(system);
    transfer::public_transfer(storage, tu::admin());
    finish(s, clock, supply, caps);
}

#[test]
/// Epoch 1 ended with the 200 nodes as its committee (the shards D'Hondt gives them) and a pot
/// of 1,000 WAL. Its settlement, certified by the first members up to a 2/3 quorum (134
/// signers), and the 200 claims, ten per transaction.
fun settlement_and_claims_of_two_hundred_nodes() {
    let (mut s, clock, mut supply, caps) = start();
    let pot = 1_000 * frost_per_wal!();
    let node_ids = caps.map_ref!(|c| c.node_id());
    let stakes = vector::tabulate!(NODES, |i| 1_000 + i);
    let weights = floe::apportionment::dhondt(&stakes, SHARDS, 1000);
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    system.add_ended_epoch_for_testing(1, node_ids, weights, supply.split(pot, s.ctx()));
    ts::return_shared(system);

    // Every node computes the same settlement; here all perform, commission 0.
    let burn = pot / 10;
    let mut entries: vector<Entry> = vector[];
    let mut paid = 0;
    NODES.do!(|i| {
        let reward = (((pot - burn) as u128) * (weights[i] as u128) / (SHARDS as u128)) as u64;
        paid = paid + reward;
        entries.push_back(su::entry(node_ids[i], weights[i], 10_000, reward, 0));
    });
    let tree = su::tree(1, &entries);
    let root = tree.tree_root();
    // The certificate: the first members in committee order up to a 2/3 quorum.
    let mut weight = 0u64;
    let mut signers = vector[];
    let mut sk_sum = 0;
    let mut i = 0;
    while (3 * weight < 2 * (SHARDS as u64) + 1) {
        weight = weight + (weights[i] as u64);
        signers.push_back(i);
        sk_sum = sk_sum + i + 1;
        i = i + 1;
    };
    let sig = su::sign_header_by_sum(sk_sum, 1, NODES as u32, pot, pot - paid, paid, &root);
    s.next_tx(@0xE1);
    let mut system = s.take_shared<System>();
    let mut treasury = s.take_shared<ProtectedTreasury>();
    let bitmap = tu::bitmap(signers, NODES);
    system.settle_epoch(&mut treasury, 1, NODES as u32, pot, pot - paid, paid, root, sig, bitmap, s.ctx());
    ts::return_shared(treasury);
    ts::return_shared(system);
    let effects = s.next_tx(@0xC1A1);
    assert!(effects.num_user_events() == 1);

    // The 200 claims by a third party, ten per transaction.
    let mut k = 0;
    while (k < tree.tree_len()) {
        let mut system = s.take_shared<System>();
        let mut j = k;
        while (j < k + CLAIMS_PER_TX) {
            let e = tree.entry_at(j);
            let (shards, perf, staker, commission) = su::values(&e);
            let proof = tree.siblings_at(j);
            let id = e.node_id();
            system.claim_rewards(1, id, shards, perf, staker, commission, j as u32, proof, s.ctx());
            j = j + 1;
        };
        ts::return_shared(system);
        let effects = s.next_tx(@0xC1A1);
        assert!(effects.num_user_events() == CLAIMS_PER_TX);
        assert!(effects.written().length() <= MAX_WRITTEN);
        k = j;
    };
    let system = s.take_shared<System>();
    assert!(system.ended_epoch(1).remaining() == 0);
    ts::return_shared(system);
    tu::assert_conserved(&mut s, supply.value());
    finish(s, clock, supply, caps);
}
