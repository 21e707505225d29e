/// Issue 11, acceptance 3 and 5: settlement by proof performance. The stories are mirrored on
/// the economics reference model with the same numbers (`economics/tests/move_scenarios.rs`,
/// `challenged_node_earns_less` and `fallback_pays_by_shards`), which also computes the
/// settlement entries these stories certify.
///
/// The start: four nodes (node 1 takes 10% commission) voting $1 per MiB-epoch, 100 WAL
/// staked with each, in their first committee (epoch 1, shards 3, 3, 2, 2); 1000 MiB bought
/// for epoch 1 (a pot of 1000 WAL); the challenge seed drawn from `Random`; nodes 0-2 report
/// that node 3 passed 60% of its challenges, node 3 reports everyone at 100%.
#[test_only]
// Expected-failure tests end with `abort 0`: the abort they expect comes first.
#[allow(lint(abort_without_constant))]
module floe::settlement_tests;

use floe::{
    node_cap::StorageNodeCap,
    settlement_utils::{Self as su, Entry},
    staked_wal::StakedWal,
    storage_resource::Storage,
    system::System,
    test_utils::{Self as tu, frost_per_wal}
};
use sui::{clock::Clock, coin::Coin, test_scenario::{Self as ts, Scenario}};
use wal::wal::{WAL, ProtectedTreasury};

const POT: u64 = 1_000_000_000_000;
/// Burn share (100 WAL) and node 3's withheld reward (140.004 WAL).
const BURNED: u64 = 240_004_000_000;
const PAID: u64 = 759_996_000_000;
const DOLLAR: u64 = 1_000_000_000;

public struct Story {
    caps: vector<StorageNodeCap>,
    stakes: vector<StakedWal>,
    storage: Storage,
}

fun start(): (Scenario, Clock, Coin<WAL>, Story) {
    let (mut s, mut clock, mut supply) = tu::begin_priced(
        tu::settled_params(10),
        DOLLAR,
        10_000,
        1_000_000_000_000,
    );
    su::create_random(&mut s);
    let caps = vector[
        tu::register(&mut s, 0, 0, DOLLAR, 10_000, 1_000_000_000_000),
        tu::register(&mut s, 1, 1000, DOLLAR, 10_000, 1_000_000_000_000),
        tu::register(&mut s, 2, 0, DOLLAR, 10_000, 1_000_000_000_000),
        tu::register(&mut s, 3, 0, DOLLAR, 10_000, 1_000_000_000_000),
    ];
    let mut stakes = vector[];
    caps.do_ref!(|cap| {
        s.next_tx(tu::admin());
        let mut system = s.take_shared<System>();
        let coin = supply.split(100 * frost_per_wal!(), s.ctx());
        stakes.push_back(system.stake_with_pool(coin, cap.node_id(), s.ctx()));
        ts::return_shared(system);
    });
    tu::next_epoch(&mut s, &mut clock, &caps);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    assert!(system.epoch() == 1 && system.storage_price() == frost_per_wal!());
    assert!(tu::positions(&system, &caps, vector[0, 1, 2, 3]) == vector[0, 1, 2, 3]);
    let shards = caps.map_ref!(|c| system.shards_of(c.node_id()).length());
    assert!(shards == vector[3, 3, 2, 2]);
    ts::return_shared(system);
    let storage = tu::reserve(&mut s, &mut supply, 1000, 1);
    su::draw_seed(&mut s, 0);
    4u64.do!(|i| {
        s.next_tx(tu::operator(i));
        let mut system = s.take_shared<System>();
        let results = if (i < 3) vector[10_000, 10_000, 10_000, 6_000]
        else vector[10_000, 10_000, 10_000, 10_000];
        system.submit_challenge_results(&caps[i], 1, results);
        ts::return_shared(system);
    });
    tu::next_epoch(&mut s, &mut clock, &caps);
    tu::assert_conserved(&mut s, supply.value() + 400 * frost_per_wal!());
    (s, clock, supply, Story { caps, stakes, storage })
}

/// The settlement of epoch 1 as every node computes it (`economics::settlement::settle`).
fun entries(story: &Story): vector<Entry> {
    let caps = &story.caps;
    vector[
        su::entry(caps[0].node_id(), 3, 10_000, 270_000_000_000, 0),
        su::entry(caps[1].node_id(), 3, 10_000, 243_000_000_000, 27_000_000_000),
        su::entry(caps[2].node_id(), 2, 10_000, 180_000_000_000, 0),
        su::entry(caps[3].node_id(), 2, 2_222, 39_996_000_000, 0),
    ]
}

/// Submits a settlement of `epoch` signed by the nodes `signers` (bitmap `positions`).
fun settle(
    s: &mut Scenario,
    signers: vector<u64>,
    positions: vector<u64>,
    epoch: u32,
    burned: u64,
    paid: u64,
    root: vector<u8>,
) {
    let sig = su::sign_header(signers, epoch, 4, POT, burned, paid, &root);
    s.next_tx(@0xE1);
    let mut system = s.take_shared<System>();
    let mut treasury = s.take_shared<ProtectedTreasury>();
    let bitmap = tu::bitmap(positions, 4);
    system.settle_epoch(&mut treasury, epoch, 4, POT, burned, paid, root, sig, bitmap, s.ctx());
    ts::return_shared(treasury);
    ts::return_shared(system);
}

/// Claims `e`'s rewards of `epoch` as a third party, with the proof over `entries`.
fun claim(s: &mut Scenario, epoch: u32, entries: &vector<Entry>, e: Entry) {
    let (index, siblings) = su::proof(1, entries, e.node_id());
    s.next_tx(@0xC1A1);
    let mut system = s.take_shared<System>();
    let (shards, perf, staker, commission) = su::values(&e);
    let id = e.node_id();
    system.claim_rewards(epoch, id, shards, perf, staker, commission, index, siblings, s.ctx());
    ts::return_shared(system);
}

fun finish(s: Scenario, clock: Clock, supply: Coin<WAL>, story: Story) {
    let Story { caps, stakes, storage } = story;
    stakes.destroy!(|st| st.transfer_to(tu::admin()));
    transfer::public_transfer(storage, tu::admin());
    tu::destroy_caps(caps);
    tu::end(s, clock, supply);
}

#[test]
/// Acceptance 5: node 3's challengers report it failing, so its factor is 2_222 bps and it
/// earns 39.996 of its 180 WAL share; the 140.004 WAL withheld is burned with the burn share;
/// honest nodes earn in full; a third party claims for every pool; WAL is conserved at every
/// step and the rewards count in the exchange rate of the next epoch.
fun challenged_node_earns_less() {
    let (mut s, mut clock, supply, story) = start();
    let entries = entries(&story);
    let root = su::root(1, &entries);
    settle(&mut s, vector[0, 1, 2], vector[0, 1, 2], 1, BURNED, PAID, root);
    s.next_tx(tu::admin());
    let treasury = s.take_shared<ProtectedTreasury>();
    assert!(treasury.burned() == BURNED);
    ts::return_shared(treasury);
    let outside = supply.value() + 400 * frost_per_wal!();
    tu::assert_conserved(&mut s, outside);
    entries.do_ref!(|e| {
        claim(&mut s, 1, &entries, *e);
        tu::assert_conserved(&mut s, outside);
        s.next_tx(tu::admin());
        let system = s.take_shared<System>();
        let (_, _, staker, commission) = su::values(e);
        let pool = system.pool(e.node_id());
        assert!(pool.rewards_amount() == staker && pool.commission_amount() == commission);
        assert!(pool.wal_balance() == 100 * frost_per_wal!() + staker);
        ts::return_shared(system);
    });
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    assert!(system.ended_epoch(1).remaining() == 0 && system.ended_epoch(1).is_settled());
    ts::return_shared(system);
    // The rewards count from the next boundary: epoch 3's exchange rate.
    tu::next_epoch(&mut s, &mut clock, &story.caps);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    entries.do_ref!(|e| {
        let (_, _, staker, _) = su::values(e);
        let (wal_amount, shares) = system.pool(e.node_id()).exchange_rate(3);
        assert!(wal_amount == 100 * frost_per_wal!() + staker);
        assert!(shares == 100 * frost_per_wal!());
    });
    ts::return_shared(system);
    tu::assert_conserved(&mut s, outside);
    finish(s, clock, supply, story);
}

#[test]
/// Acceptance 3: after `settlement_fallback_epochs` (2) without a settlement, anyone pays the
/// pot by shards: 270 / 243 + 27 / 180 / 180 WAL and 100 WAL burned.
fun fallback_pays_by_shards() {
    let (mut s, mut clock, supply, story) = start();
    tu::next_epoch(&mut s, &mut clock, &story.caps);
    tu::next_epoch(&mut s, &mut clock, &story.caps);
    s.next_tx(@0xF0);
    let mut system = s.take_shared<System>();
    let mut treasury = s.take_shared<ProtectedTreasury>();
    assert!(system.epoch() == 4);
    system.settle_fallback(&mut treasury, 1, s.ctx());
    assert!(treasury.burned() == 100 * frost_per_wal!());
    ts::return_shared(treasury);
    let expected = vector[
        vector[270_000_000_000, 0],
        vector[243_000_000_000, 27_000_000_000],
        vector[180_000_000_000, 0],
        vector[180_000_000_000, 0],
    ];
    4u64.do!(|i| {
        let pool = system.pool(story.caps[i].node_id());
        assert!(pool.commission_amount() == expected[i][1]);
        assert!(pool.rewards_amount() == expected[i][0]);
    });
    ts::return_shared(system);
    tu::assert_conserved(&mut s, supply.value() + 400 * frost_per_wal!());
    finish(s, clock, supply, story);
}

// === Refusals ===

#[test, expected_failure(abort_code = floe::bls_committee::EBelowQuorum)]
fun settlement_below_quorum_rejected() {
    let (mut s, _clock, _supply, story) = start();
    let root = su::root(1, &entries(&story));
    // Nodes 0 and 1: 6 of 10 shards.
    settle(&mut s, vector[0, 1], vector[0, 1], 1, BURNED, PAID, root);
    abort 0
}

#[test, expected_failure(abort_code = floe::bls_committee::EInvalidSignature)]
fun settlement_by_another_committee_rejected() {
    let (mut s, _clock, _supply, story) = start();
    let root = su::root(1, &entries(&story));
    // Keys 4 and 5 never served epoch 1: their signatures do not verify for members 2 and 3.
    settle(&mut s, vector[0, 4, 5], vector[0, 2, 3], 1, BURNED, PAID, root);
    abort 0
}

#[test, expected_failure(abort_code = floe::bls_committee::EInvalidSignature)]
fun settlement_signed_for_another_epoch_rejected() {
    let (mut s, _clock, _supply, story) = start();
    let root = su::root(1, &entries(&story));
    let sig = su::sign_header(vector[0, 1, 2], 2, 4, POT, BURNED, PAID, &root);
    s.next_tx(@0xE1);
    let mut system = s.take_shared<System>();
    let mut treasury = s.take_shared<ProtectedTreasury>();
    let bitmap = tu::bitmap(vector[0, 1, 2], 4);
    system.settle_epoch(&mut treasury, 1, 4, POT, BURNED, PAID, root, sig, bitmap, s.ctx());
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::EWrongEpoch)]
fun settlement_before_the_epoch_ended_rejected() {
    let (mut s, _clock, _supply, story) = start();
    let root = su::root(2, &entries(&story));
    settle(&mut s, vector[0, 1, 2], vector[0, 1, 2], 2, BURNED, PAID, root);
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::EAlreadySettled)]
fun second_settlement_rejected() {
    let (mut s, _clock, _supply, story) = start();
    let root = su::root(1, &entries(&story));
    settle(&mut s, vector[0, 1, 2], vector[0, 1, 2], 1, BURNED, PAID, root);
    settle(&mut s, vector[0, 1, 2], vector[0, 1, 2], 1, BURNED, PAID, root);
    abort 0
}

#[test, expected_failure(abort_code = floe::settlement::ESettlementMismatch)]
fun settlement_not_adding_up_rejected() {
    let (mut s, _clock, _supply, story) = start();
    let root = su::root(1, &entries(&story));
    settle(&mut s, vector[0, 1, 2], vector[0, 1, 2], 1, BURNED, PAID + 1, root);
    abort 0
}

#[test, expected_failure(abort_code = floe::settlement::ENotSettled)]
fun claim_before_settlement_rejected() {
    let (mut s, _clock, _supply, story) = start();
    let entries = entries(&story);
    // Epoch 1's vault exists but nothing was certified: not claimable yet.
    let (index, siblings) = su::proof(1, &entries, story.caps[0].node_id());
    s.next_tx(@0xC1A1);
    let mut system = s.take_shared<System>();
    let id = story.caps[0].node_id();
    system.claim_rewards(1, id, 3, 10_000, 270_000_000_000, 0, index, siblings, s.ctx());
    abort 0
}

/// The settled start, ready for claims.
fun settled(): (Scenario, Clock, Coin<WAL>, Story, vector<Entry>) {
    let (mut s, clock, supply, story) = start();
    let entries = entries(&story);
    settle(&mut s, vector[0, 1, 2], vector[0, 1, 2], 1, BURNED, PAID, su::root(1, &entries));
    (s, clock, supply, story, entries)
}

#[test, expected_failure(abort_code = floe::settlement::EInvalidProof)]
fun claim_with_wrong_proof_rejected() {
    let (mut s, _clock, _supply, story, entries) = settled();
    let (index, mut siblings) = su::proof(1, &entries, story.caps[0].node_id());
    let first = &mut siblings[0];
    *first = vector::tabulate!(32, |_| 7u8);
    s.next_tx(@0xC1A1);
    let mut system = s.take_shared<System>();
    let id = story.caps[0].node_id();
    system.claim_rewards(1, id, 3, 10_000, 270_000_000_000, 0, index, siblings, s.ctx());
    abort 0
}

#[test, expected_failure(abort_code = floe::settlement::EInvalidProof)]
fun claim_with_wrong_amount_rejected() {
    let (mut s, _clock, _supply, story, entries) = settled();
    let (index, siblings) = su::proof(1, &entries, story.caps[0].node_id());
    s.next_tx(@0xC1A1);
    let mut system = s.take_shared<System>();
    let id = story.caps[0].node_id();
    system.claim_rewards(1, id, 3, 10_000, 270_000_000_001, 0, index, siblings, s.ctx());
    abort 0
}

#[test, expected_failure(abort_code = floe::settlement::EInvalidProof)]
fun claim_for_wrong_pool_rejected() {
    let (mut s, _clock, _supply, story, entries) = settled();
    // Node 0's entry and proof, claimed for node 2.
    let (index, siblings) = su::proof(1, &entries, story.caps[0].node_id());
    s.next_tx(@0xC1A1);
    let mut system = s.take_shared<System>();
    let id = story.caps[2].node_id();
    system.claim_rewards(1, id, 3, 10_000, 270_000_000_000, 0, index, siblings, s.ctx());
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::ENotSettled)]
fun claim_for_wrong_epoch_rejected() {
    let (mut s, _clock, _supply, story, entries) = settled();
    let (index, siblings) = su::proof(1, &entries, story.caps[0].node_id());
    s.next_tx(@0xC1A1);
    let mut system = s.take_shared<System>();
    let id = story.caps[0].node_id();
    system.claim_rewards(2, id, 3, 10_000, 270_000_000_000, 0, index, siblings, s.ctx());
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::EAlreadyClaimed)]
fun second_claim_rejected() {
    let (mut s, _clock, _supply, _story, entries) = settled();
    claim(&mut s, 1, &entries, entries[1]);
    claim(&mut s, 1, &entries, entries[1]);
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::EFallbackTooEarly)]
fun fallback_too_early_rejected() {
    let (mut s, mut clock, _supply, story) = start();
    tu::next_epoch(&mut s, &mut clock, &story.caps);
    s.next_tx(@0xF0);
    let mut system = s.take_shared<System>();
    let mut treasury = s.take_shared<ProtectedTreasury>();
    system.settle_fallback(&mut treasury, 1, s.ctx());
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::EAlreadySettled)]
fun fallback_after_settlement_rejected() {
    let (mut s, mut clock, _supply, story, _entries) = settled();
    tu::next_epoch(&mut s, &mut clock, &story.caps);
    tu::next_epoch(&mut s, &mut clock, &story.caps);
    s.next_tx(@0xF0);
    let mut system = s.take_shared<System>();
    let mut treasury = s.take_shared<ProtectedTreasury>();
    system.settle_fallback(&mut treasury, 1, s.ctx());
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::EWrongEpoch)]
fun fallback_of_unknown_epoch_rejected() {
    let (mut s, _clock, _supply, _story) = start();
    s.next_tx(@0xF0);
    let mut system = s.take_shared<System>();
    let mut treasury = s.take_shared<ProtectedTreasury>();
    // Epoch 0 had no committee: its pot was burned, nothing to settle.
    system.settle_fallback(&mut treasury, 0, s.ctx());
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::EUnknownPool)]
fun claim_for_unknown_pool_rejected() {
    let (mut s, _clock, _supply, story) = start();
    // A certified settlement naming a pool that does not exist pays nothing to it.
    let mut entries = entries(&story);
    let stranger = su::entry(object::id_from_address(@0x5742), 2, 2_222, 39_996_000_000, 0);
    let last = &mut entries[3];
    *last = stranger;
    settle(&mut s, vector[0, 1, 2], vector[0, 1, 2], 1, BURNED, PAID, su::root(1, &entries));
    claim(&mut s, 1, &entries, stranger);
    abort 0
}
