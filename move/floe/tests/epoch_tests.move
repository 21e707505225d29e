/// Epoch stories: committee selection by stake (D'Hondt), the minimal-movement transition, the
/// active set cap, the sync quorum, and the timing refusals.
#[test_only]
// Expected-failure tests end with `abort 0`: the abort they expect comes first.
#[allow(lint(abort_without_constant))]
module floe::epoch_tests;

use floe::{
    node_cap::StorageNodeCap,
    params,
    staked_wal::StakedWal,
    system::System,
    test_utils::{Self as tu, frost_per_wal}
};
use sui::{clock::Clock, coin::Coin, test_scenario::{Self as ts, Scenario}};
use wal::wal::{ProtectedTreasury, WAL};

fun stake(
    s: &mut Scenario,
    supply: &mut Coin<WAL>,
    caps: &vector<StorageNodeCap>,
    i: u64,
    wal: u64,
): StakedWal {
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    let coin = supply.split(wal * frost_per_wal!(), s.ctx());
    let staked = system.stake_with_pool(coin, caps[i].node_id(), s.ctx());
    ts::return_shared(system);
    staked
}

fun shards(s: &mut Scenario, caps: &vector<StorageNodeCap>, i: u64): vector<u16> {
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    let shards = system.shards_of(caps[i].node_id());
    ts::return_shared(system);
    shards
}

/// Moves the clock a full epoch and starts the epoch change, without any sync report.
fun change_without_sync(s: &mut Scenario, clock: &mut Clock) {
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    let mut treasury = s.take_shared<ProtectedTreasury>();
    clock.increment_for_testing(tu::epoch_ms());
    system.initiate_epoch_change(&mut treasury, clock, s.ctx());
    ts::return_shared(treasury);
    ts::return_shared(system);
}

fun sync(s: &mut Scenario, cap: &StorageNodeCap, epoch: u32) {
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    system.epoch_sync_done(cap, epoch);
    ts::return_shared(system);
}

#[test]
/// Scenario `committee_transition`: stakes 600/300/100 WAL over 10 shards give 6/3/1 shards;
/// after node 2 gains 500 WAL (600/300/600) they give 4/2/4 and only 3 shards move.
fun dhondt_and_minimal_movement() {
    let (mut s, mut clock, mut supply) = tu::begin(tu::params(10));
    let caps = tu::register_nodes(&mut s, 3);
    let mut stakes = vector[
        stake(&mut s, &mut supply, &caps, 0, 600),
        stake(&mut s, &mut supply, &caps, 1, 300),
        stake(&mut s, &mut supply, &caps, 2, 100),
    ];
    tu::next_epoch(&mut s, &mut clock, &caps);
    assert!(shards(&mut s, &caps, 0) == vector[0, 1, 2, 3, 4, 5]);
    assert!(shards(&mut s, &caps, 1) == vector[6, 7, 8]);
    assert!(shards(&mut s, &caps, 2) == vector[9]);

    stakes.push_back(stake(&mut s, &mut supply, &caps, 2, 500));
    tu::next_epoch(&mut s, &mut clock, &caps);
    tu::next_epoch(&mut s, &mut clock, &caps);
    assert!(shards(&mut s, &caps, 0) == vector[0, 1, 2, 3]);
    assert!(shards(&mut s, &caps, 1) == vector[6, 7]);
    assert!(shards(&mut s, &caps, 2) == vector[9, 4, 5, 8]);

    stakes.destroy!(|st| st.transfer_to(tu::admin()));
    tu::destroy_caps(caps);
    tu::end(s, clock, supply);
}

#[test]
/// Only nodes with stake are candidates: with 21 registered nodes and one staked, that node is
/// the whole committee and holds every shard (the per-node cap counts candidates only).
fun nodes_without_stake_take_no_shards() {
    let (mut s, mut clock, mut supply) = tu::begin(tu::params(10));
    let caps = tu::register_nodes(&mut s, 21);
    let staked = stake(&mut s, &mut supply, &caps, 5, 10);
    tu::next_epoch(&mut s, &mut clock, &caps);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    assert!(system.committee().n_members() == 1);
    assert!(system.shards_of(caps[5].node_id()) == vector[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    ts::return_shared(system);
    staked.transfer_to(tu::admin());
    tu::destroy_caps(caps);
    tu::end(s, clock, supply);
}

#[test]
/// With an active set of 2, the node with the least stake gets no shards.
fun active_set_cap() {
    let p = params::new(10, tu::epoch_ms(), 10, 0, 1000, frost_per_wal!(), 5000, 2, 10, 3_600_000, 10)
        .with_settlement_fallback(0);
    let (mut s, mut clock, mut supply) = tu::begin(p);
    let caps = tu::register_nodes(&mut s, 3);
    let stakes = vector[
        stake(&mut s, &mut supply, &caps, 0, 5),
        stake(&mut s, &mut supply, &caps, 1, 1),
        stake(&mut s, &mut supply, &caps, 2, 5),
    ];
    tu::next_epoch(&mut s, &mut clock, &caps);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    assert!(system.committee().n_members() == 2);
    assert!(system.shards_of(caps[1].node_id()).is_empty());
    // Committee order: most stake first, ties in registration order.
    assert!(system.committee().node_id_at(0) == caps[0].node_id());
    assert!(system.committee().node_id_at(1) == caps[2].node_id());
    assert!(system.shards_of(caps[0].node_id()) == vector[0, 1, 2, 3, 4]);
    assert!(system.shards_of(caps[2].node_id()) == vector[5, 6, 7, 8, 9]);
    ts::return_shared(system);
    stakes.destroy!(|st| st.transfer_to(tu::admin()));
    tu::destroy_caps(caps);
    tu::end(s, clock, supply);
}

#[test]
/// The epoch change completes when nodes holding 2/3 of the shards (weights 3, 3, 2, 2 of 10:
/// 8 >= 7) report their sync; not before.
fun sync_completes_at_quorum() {
    let (mut s, mut clock, mut supply) = tu::begin(tu::params(10));
    let caps = tu::register_nodes(&mut s, 4);
    let mut stakes = vector[];
    4u64.do!(|i| stakes.push_back(stake(&mut s, &mut supply, &caps, i, 100)));
    tu::select_next(&mut s, &mut clock);
    change_without_sync(&mut s, &mut clock);
    sync(&mut s, &caps[0], 1);
    sync(&mut s, &caps[1], 1);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    assert!(system.is_syncing());
    ts::return_shared(system);
    sync(&mut s, &caps[2], 1);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    assert!(!system.is_syncing() && system.epoch() == 1);
    ts::return_shared(system);
    stakes.destroy!(|st| st.transfer_to(tu::admin()));
    tu::destroy_caps(caps);
    tu::end(s, clock, supply);
}

#[test]
/// An epoch without any stake keeps an empty committee and needs no sync.
fun empty_committee_epochs() {
    let (mut s, mut clock, supply) = tu::begin(tu::params(10));
    let caps = vector[];
    tu::next_epoch(&mut s, &mut clock, &caps);
    tu::next_epoch(&mut s, &mut clock, &caps);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    assert!(system.epoch() == 2 && !system.is_syncing());
    assert!(system.committee().is_empty());
    ts::return_shared(system);
    caps.destroy_empty();
    tu::end(s, clock, supply);
}

// === Refusals ===

#[test, expected_failure(abort_code = floe::system_inner::ETooEarly)]
fun voting_end_before_mid_epoch_rejected() {
    let (mut s, clock, _supply) = tu::begin(tu::params(10));
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    system.voting_end(&clock);
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::ECommitteeSelected)]
fun second_voting_end_rejected() {
    let (mut s, mut clock, _supply) = tu::begin(tu::params(10));
    tu::select_next(&mut s, &mut clock);
    tu::select_next(&mut s, &mut clock);
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::ETooEarly)]
fun epoch_change_before_end_rejected() {
    let (mut s, mut clock, _supply) = tu::begin(tu::params(10));
    tu::select_next(&mut s, &mut clock);
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    let mut treasury = s.take_shared<ProtectedTreasury>();
    system.initiate_epoch_change(&mut treasury, &clock, s.ctx());
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::EWrongEpochState)]
fun epoch_change_during_sync_rejected() {
    let (mut s, mut clock, mut supply) = tu::begin(tu::params(10));
    let caps = tu::register_nodes(&mut s, 1);
    let _st = stake(&mut s, &mut supply, &caps, 0, 1);
    change_without_sync(&mut s, &mut clock);
    change_without_sync(&mut s, &mut clock);
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::EWrongEpochState)]
fun voting_end_during_sync_rejected() {
    let (mut s, mut clock, mut supply) = tu::begin(tu::params(10));
    let caps = tu::register_nodes(&mut s, 1);
    let _st = stake(&mut s, &mut supply, &caps, 0, 1);
    change_without_sync(&mut s, &mut clock);
    tu::select_next(&mut s, &mut clock);
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::EWrongEpoch)]
fun sync_for_wrong_epoch_rejected() {
    let (mut s, mut clock, mut supply) = tu::begin(tu::params(10));
    let caps = tu::register_nodes(&mut s, 1);
    let _st = stake(&mut s, &mut supply, &caps, 0, 1);
    change_without_sync(&mut s, &mut clock);
    sync(&mut s, &caps[0], 2);
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::ENotCommitteeMember)]
fun sync_by_non_member_rejected() {
    let (mut s, mut clock, mut supply) = tu::begin(tu::params(10));
    let caps = tu::register_nodes(&mut s, 2);
    let _st = stake(&mut s, &mut supply, &caps, 0, 1);
    change_without_sync(&mut s, &mut clock);
    sync(&mut s, &caps[1], 1);
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::EDuplicate)]
fun sync_twice_rejected() {
    let (mut s, mut clock, mut supply) = tu::begin(tu::params(10));
    let caps = tu::register_nodes(&mut s, 2);
    let _a = stake(&mut s, &mut supply, &caps, 0, 1);
    let _b = stake(&mut s, &mut supply, &caps, 1, 1);
    change_without_sync(&mut s, &mut clock);
    sync(&mut s, &caps[0], 1);
    sync(&mut s, &caps[0], 1);
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::EWrongEpochState)]
fun sync_outside_epoch_change_rejected() {
    let (mut s, mut clock, mut supply) = tu::begin(tu::params(10));
    let caps = tu::register_nodes(&mut s, 1);
    let _st = stake(&mut s, &mut supply, &caps, 0, 1);
    tu::next_epoch(&mut s, &mut clock, &caps);
    sync(&mut s, &caps[0], 1);
    abort 0
}

#[test]
/// Publication sends the `InitCap` to the publisher, who creates the shared `System` once.
fun create_with_init_cap() {
    let mut s = ts::begin(tu::admin());
    floe::system::init_for_testing(s.ctx());
    let clock = sui::clock::create_for_testing(s.ctx());
    s.next_tx(tu::admin());
    let cap = s.take_from_sender<floe::system::InitCap>();
    floe::system::create(cap, params::default(), 1, 2, 1_000_000_000, 3, &clock, s.ctx());
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    assert!(system.version() == 1 && system.epoch() == 0 && system.n_shards() == 1000);
    assert!(system.storage_price() == 1 && system.write_price() == 2);
    assert!(system.total_capacity_size() == 3 && system.wal_usd_rate() == 1_000_000_000);
    assert!(system.params().max_epochs_ahead() == 53);
    ts::return_shared(system);
    clock.destroy_for_testing();
    s.end();
}
