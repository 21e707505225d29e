/// Issue 11, acceptance 6: 200 candidate nodes and 1000 shards. Committee selection, the epoch
/// change, a certified settlement and the 200 claims all run, and the sizes that Sui bounds per
/// transaction are checked against its limits (protocol 132, `move/README.md`): at most 1,024
/// events per transaction, 250 KiB per object, 1,000 objects read and 2,048 new objects.
#[test_only]
module floe::scale_tests;

use floe::{
    params,
    settlement_utils::{Self as su, Entry},
    system::System,
    test_utils::{Self as tu, frost_per_wal}
};
use sui::test_scenario as ts;
use wal::wal::ProtectedTreasury;

const NODES: u64 = 200;
const SHARDS: u16 = 1000;
const MAX_EVENTS: u64 = 1024;
const MAX_OBJECT_BYTES: u64 = 250 * 1024;
const MAX_WRITTEN: u64 = 1000;
const DOLLAR: u64 = 1_000_000_000;

#[test]
fun two_hundred_nodes_and_a_thousand_shards() {
    let p = params::new(SHARDS, tu::epoch_ms(), 10, 0, 1000, frost_per_wal!(), 5000, 200, 1000, 3_600_000, 10)
        .with_candidacy(frost_per_wal!(), 200);
    let (mut s, mut clock, mut supply) = tu::begin_priced(p, DOLLAR, 10_000, 1 << 50);
    su::create_random(&mut s);
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    // Stakes of 1,000 to 1,199 WAL: D'Hondt gives every node 4 to 6 shards.
    let caps = system.add_committee_candidates_for_testing(
        1,
        NODES,
        1_000 * frost_per_wal!(),
        frost_per_wal!(),
        s.ctx(),
    );
    assert!(system.candidates().length() == NODES);
    ts::return_shared(system);

    // Selection and the epoch change into epoch 1.
    tu::select_next(&mut s, &mut clock);
    let effects = s.next_tx(tu::admin());
    assert!(effects.num_user_events() <= MAX_EVENTS);
    let mut system = s.take_shared<System>();
    let mut treasury = s.take_shared<ProtectedTreasury>();
    clock.increment_for_testing(tu::epoch_ms() / 2);
    system.initiate_epoch_change(&mut treasury, &clock, s.ctx());
    ts::return_shared(treasury);
    ts::return_shared(system);
    let effects = s.next_tx(tu::admin());
    // The pot, three epoch events and one `PoolAdvanced` per new committee member.
    assert!(effects.num_user_events() == 4 + NODES);
    assert!(effects.written().length() <= MAX_WRITTEN);
    let mut system = s.take_shared<System>();
    assert!(system.committee().n_members() == NODES && system.committee().n_shards() == SHARDS);
    assert!(system.bcs_size_for_testing() <= MAX_OBJECT_BYTES);
    let epoch = system.epoch();
    caps.do_ref!(|cap| if (system.is_syncing()) system.epoch_sync_done(cap, epoch));
    ts::return_shared(system);

    // Epoch 1: storage bought for it, then the change to epoch 2 closes its pot.
    let storage = tu::reserve(&mut s, &mut supply, 1_000, 1);
    tu::next_epoch(&mut s, &mut clock, &caps);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    let ended = system.ended_epoch(1);
    let pot = ended.pot();
    assert!(pot == 1_000 * frost_per_wal!());
    assert!(sui::bcs::to_bytes(ended).length() <= MAX_OBJECT_BYTES);
    // Every node computes the same settlement; here all perform, commission 0.
    let committee = *ended.committee();
    let burn = pot / 10;
    let mut entries: vector<Entry> = vector[];
    let mut paid = 0;
    NODES.do!(|i| {
        let shards = committee.weight_at(i);
        let reward = (((pot - burn) as u128) * (shards as u128) / (SHARDS as u128)) as u64;
        paid = paid + reward;
        entries.push_back(su::entry(committee.node_id_at(i), shards, 10_000, reward, 0));
    });
    ts::return_shared(system);
    let tree = su::tree(1, &entries);
    let root = tree.tree_root();

    // The certificate: the first members in committee order up to a 2/3 quorum (their secret
    // keys are their positions plus one).
    let mut weight = 0u64;
    let mut signers = vector[];
    let mut sk_sum = 0;
    let mut i = 0;
    while (3 * weight < 2 * (SHARDS as u64) + 1) {
        weight = weight + (committee.weight_at(i) as u64);
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

    // 200 claims by a third party, each its own transaction.
    let mut k = 0;
    while (k < tree.tree_len()) {
        let e = tree.entry_at(k);
        let (shards, perf, staker, commission) = su::values(&e);
        let mut system = s.take_shared<System>();
        let proof = tree.siblings_at(k);
        system.claim_rewards(1, e.node_id(), shards, perf, staker, commission, k as u32, proof, s.ctx());
        ts::return_shared(system);
        let effects = s.next_tx(@0xC1A1);
        assert!(effects.num_user_events() == 1 && effects.written().length() <= MAX_WRITTEN);
        k = k + 1;
    };
    let system = s.take_shared<System>();
    assert!(system.ended_epoch(1).remaining() == 0);
    ts::return_shared(system);
    tu::assert_conserved(&mut s, supply.value());
    transfer::public_transfer(storage, tu::admin());
    tu::destroy_caps(caps);
    tu::end(s, clock, supply);
}
