/// Liveness stories: nobody can halt the epochs. More staked candidates than Sui lets one
/// transaction touch, pots and rewards past the old u64 overflow points, bounded strings and
/// saturating prices.
#[test_only]
// Expected-failure tests end with `abort 0`: the abort they expect comes first.
#[allow(lint(abort_without_constant))]
module floe::liveness_tests;

use floe::{
    bls_committee,
    messages,
    node_cap::StorageNodeCap,
    params,
    staked_wal::StakedWal,
    system::System,
    test_utils::{Self as tu, frost_per_wal}
};
use std::string::String;
use sui::{bcs, clock::Clock, coin::Coin, test_scenario::{Self as ts, Scenario}};
use wal::wal::{WAL, ProtectedTreasury};

/// Registered and staked nodes in the candidacy story: more than the 1,024 events and the
/// 1,000 objects a Sui transaction may emit or load.
const NODES: u64 = 1_030;
/// The lagging node's stake (1 WAL: it stays out of the full active set).
const LAGGING_STAKE: u64 = 1_000_000_000;
/// `tu::params`' committee cap.
const COMMITTEE: u64 = 10;
/// The candidacy story's active set cap.
const CANDIDATES: u64 = 20;
/// Events of an epoch change besides one `PoolAdvanced` per advanced pool: `EpochPotClosed`,
/// `PricesUpdated`, `EpochPricing`, `EpochChangeStart`.
const CHANGE_EVENTS: u64 = 4;

/// A distinct 48-byte key that is not a G1 point (such a node can never join a committee).
fun fake_key(i: u64): vector<u8> {
    let mut key = vector::tabulate!(40, |_| 0xFFu8);
    key.append(bcs::to_bytes(&i));
    key
}

/// Number of pools advanced into `epoch` (or later) among the first `COMMITTEE + 1`
/// registered (the committee and the lagging node) and every 25th after them (reading all
/// 1,030 pools would take more computation than a test may use).
fun pools_at(s: &mut Scenario, epoch: u32): u64 {
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    let mut n = 0;
    let mut i = 0;
    while (i < system.n_nodes()) {
        if (system.pool(system.node_id_at(i)).latest_epoch() >= epoch) n = n + 1;
        i = if (i <= COMMITTEE) i + 1 else i + 25;
    };
    ts::return_shared(system);
    n
}

/// Mid-epoch selection, then the epoch change in its own transaction; returns the number of
/// events the epoch change emitted.
fun change_epoch(s: &mut Scenario, clock: &mut Clock, committee: &vector<StorageNodeCap>): u64 {
    tu::select_next(s, clock);
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    let mut treasury = s.take_shared<ProtectedTreasury>();
    clock.increment_for_testing(tu::epoch_ms() / 2);
    system.initiate_epoch_change(&mut treasury, clock, s.ctx());
    ts::return_shared(treasury);
    ts::return_shared(system);
    let effects = s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    let epoch = system.epoch();
    committee.do_ref!(|cap| {
        if (system.is_syncing() && system.committee().weight_of(&cap.node_id()) > 0) {
            system.epoch_sync_done(cap, epoch)
        }
    });
    ts::return_shared(system);
    effects.num_user_events()
}

#[test]
/// Acceptance 1: 1,030 staked nodes (the old epoch change aborted from about 1,020: one
/// `PoolAdvanced` per pool against Sui's 1,024 events): 10 registered and staked as operators
/// do, one registered without a proof of possession and staked for real, and 1,019 pools built
/// by a test-only constructor with 2 WAL of stake each (the Move test runner caps a whole test
/// at 5,000,000 computation units, Sui's per-transaction cap; this story uses about 4.8
/// million). The active set keeps 20 candidates; each epoch change advances only the 10
/// committee pools (14 events), and the pool left behind catches up when its staker withdraws.
fun many_candidates_cannot_halt_the_epoch_change() {
    let p = tu::params(10).with_candidacy(frost_per_wal!(), CANDIDATES);
    let (mut s, mut clock, mut supply) = tu::begin(p);
    // The committee: 10 nodes registered as operators do, with 1,000 WAL each.
    let committee = tu::register_nodes(&mut s, COMMITTEE);
    committee.do_ref!(|cap| {
        s.next_tx(tu::admin());
        let mut system = s.take_shared<System>();
        let coin = supply.split(1_000 * frost_per_wal!(), s.ctx());
        system.stake_with_pool(coin, cap.node_id(), s.ctx()).transfer_to(tu::admin());
        ts::return_shared(system);
    });
    // One more node registered and staked for real, whose pool will lag behind.
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    let lagging_cap = system.register_node_for_testing(fake_key(0), s.ctx());
    let coin = supply.split(LAGGING_STAKE, s.ctx());
    let mut staked = system.stake_with_pool(coin, lagging_cap.node_id(), s.ctx());
    ts::return_shared(system);
    // The other candidates: 2 WAL each (they fill the active set once, then cannot displace).
    let mut built = COMMITTEE + 1;
    while (built < NODES) {
        let count = if (NODES - built < 200) NODES - built else 200;
        s.next_tx(tu::admin());
        let mut system = s.take_shared<System>();
        system.add_candidates_for_testing(built, count, 2 * frost_per_wal!(), s.ctx());
        ts::return_shared(system);
        built = built + count;
    };
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    assert!(system.n_nodes() == NODES && system.candidates().length() == CANDIDATES);
    ts::return_shared(system);

    assert!(change_epoch(&mut s, &mut clock, &committee) == CHANGE_EVENTS + COMMITTEE);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    assert!(system.epoch() == 1 && system.committee().n_members() == COMMITTEE);
    ts::return_shared(system);
    assert!(pools_at(&mut s, 1) == COMMITTEE);

    // The lagging pool was not advanced; its staker requests a withdrawal (the pool catches up
    // to epoch 1, when the stake activated) and withdraws the principal after the next change.
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    let pool_id = staked.node_id();
    assert!(system.pool(pool_id).latest_epoch() == 0);
    system.request_withdraw_stake(&mut staked);
    assert!(system.pool(pool_id).latest_epoch() == 1 && system.pool(pool_id).num_shares() > 0);
    ts::return_shared(system);
    assert!(change_epoch(&mut s, &mut clock, &committee) == CHANGE_EVENTS + COMMITTEE);
    assert!(pools_at(&mut s, 2) == COMMITTEE);
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    assert!(system.epoch() == 2);
    let coin = system.withdraw_stake(staked, s.ctx());
    assert!(coin.value() == LAGGING_STAKE);
    assert!(system.pool(pool_id).num_shares() == 0 && system.pool(pool_id).latest_epoch() == 2);
    ts::return_shared(system);
    transfer::public_transfer(coin, tu::admin());
    tu::destroy_caps(committee);
    lagging_cap.destroy_for_testing();
    tu::end(s, clock, supply);
}

#[test]
/// Acceptance 2: a pot of 50 million WAL at a 10% burn (the old `total * burn_bps` overflowed
/// above 18.4 million) paid to one pool at a 50% commission (the old `total * commission_rate`
/// overflowed above 3.7 million): 5 million burned, 22.5 million commission, 22.5 million to
/// the staker, and the WAL adds up to the supply.
fun large_pot_and_reward_do_not_overflow() {
    let pot = 50_000_000 * frost_per_wal!();
    // $1 per WAL: one MiB for one epoch costs the whole pot.
    let (mut s, mut clock, mut supply) = tu::begin_priced(tu::params(10), pot, 10, 1 << 40);
    let caps = vector[tu::register(&mut s, 0, 5000, pot, 10, 1 << 40)];
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    let coin = supply.split(1_000 * frost_per_wal!(), s.ctx());
    let mut staked = system.stake_with_pool(coin, caps[0].node_id(), s.ctx());
    ts::return_shared(system);
    tu::next_epoch(&mut s, &mut clock, &caps);
    let storage = tu::reserve(&mut s, &mut supply, 1, 1);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    assert!(system.pot_value(1) == pot);
    ts::return_shared(system);
    tu::assert_conserved(&mut s, supply.value() + staked.value());

    tu::next_epoch(&mut s, &mut clock, &caps);
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    let treasury = s.take_shared<ProtectedTreasury>();
    let node = caps[0].node_id();
    assert!(treasury.burned() == pot / 10);
    assert!(system.pool(node).commission_amount() == pot * 9 / 20);
    assert!(system.pool(node).rewards_amount() == pot * 9 / 20);
    ts::return_shared(treasury);
    system.request_withdraw_stake(&mut staked);
    ts::return_shared(system);
    tu::assert_conserved(&mut s, supply.value() + staked.value());

    tu::next_epoch(&mut s, &mut clock, &caps);
    s.next_tx(tu::operator(0));
    let mut system = s.take_shared<System>();
    let commission = system.collect_commission(node, s.ctx());
    assert!(commission.value() == pot * 9 / 20);
    let payout = system.withdraw_stake(staked, s.ctx());
    assert!(payout.value() == 1_000 * frost_per_wal!() + pot * 9 / 20);
    ts::return_shared(system);
    tu::assert_conserved(&mut s, supply.value() + commission.value() + payout.value());
    transfer::public_transfer(commission, tu::admin());
    transfer::public_transfer(payout, tu::admin());
    transfer::public_transfer(storage, tu::admin());
    tu::destroy_caps(caps);
    tu::end(s, clock, supply);
}

#[test]
/// FROST prices saturate instead of aborting: at $1000 per MiB-epoch, a committee reporting
/// 1 nano-USD per WAL prices storage at 10^21 FROST, capped at the largest u64; the sample and
/// the epoch change go through, and buying storage is refused for want of funds.
fun saturated_prices_do_not_abort_shared_paths() {
    let (mut s, mut clock, supply, caps, staked) = saturated_story();
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    assert!(system.wal_usd_rate() == 1 && system.storage_price() == 0xFFFF_FFFF_FFFF_FFFF);
    assert!(system.write_price() == 10_000_000_000);
    ts::return_shared(system);
    tu::next_epoch(&mut s, &mut clock, &caps);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    assert!(system.epoch() == 2 && system.storage_price() == 0xFFFF_FFFF_FFFF_FFFF);
    ts::return_shared(system);
    staked.transfer_to(tu::admin());
    tu::destroy_caps(caps);
    tu::end(s, clock, supply);
}

#[test, expected_failure(abort_code = floe::system_inner::ENotEnoughFunds)]
fun storage_at_saturated_price_rejected() {
    let (mut s, _clock, mut supply, _caps, _staked) = saturated_story();
    // 10 MiB for 10 epochs at the largest u64 per MiB-epoch: the product needs u128.
    let _storage = tu::reserve(&mut s, &mut supply, 10, 10);
    abort 0
}

/// The saturation stories' start: $1000 per MiB-epoch, one node with 100 WAL in the committee
/// of epoch 1, where it reports 1 nano-USD per WAL and a rate sample is taken.
fun saturated_story(): (Scenario, Clock, Coin<WAL>, vector<StorageNodeCap>, StakedWal) {
    let usd = 1_000_000_000_000;
    let (mut s, mut clock, mut supply) = tu::begin_priced(tu::params(10), usd, 10, 1 << 40);
    let caps = vector[tu::register(&mut s, 0, 0, usd, 10, 1 << 40)];
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    let coin = supply.split(100 * frost_per_wal!(), s.ctx());
    let staked = system.stake_with_pool(coin, caps[0].node_id(), s.ctx());
    ts::return_shared(system);
    tu::next_epoch(&mut s, &mut clock, &caps);
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    system.report_wal_usd_rate(&caps[0], 1);
    system.sample_wal_usd_rate(&clock);
    ts::return_shared(system);
    (s, clock, supply, caps, staked)
}

/// Registers node 0 with the given name and network address (a real proof of possession).
fun register_named(s: &mut Scenario, name: String, address: String): StorageNodeCap {
    s.next_tx(tu::operator(0));
    let mut system = s.take_shared<System>();
    let pk = bls_committee::public_key_for_testing(1);
    let pop = bls_committee::sign_for_testing(
        1,
        &messages::proof_of_possession_bytes(system.epoch(), tu::operator(0), &pk),
    );
    let cap = system.register_node(name, address, pk, pop, 0, 1, 1, 1, 1, s.ctx());
    ts::return_shared(system);
    cap
}

fun text(len: u64): String { vector::tabulate!(len, |_| 0x61u8).to_string() }

#[test]
fun longest_name_and_address_accepted() {
    let (mut s, clock, supply) = tu::begin(tu::params(10));
    let cap = register_named(&mut s, text(100), text(260));
    cap.destroy_for_testing();
    tu::end(s, clock, supply);
}

#[test, expected_failure(abort_code = floe::system_inner::EStringTooLong)]
fun over_long_name_rejected() {
    let (mut s, _clock, _supply) = tu::begin(tu::params(10));
    let _cap = register_named(&mut s, text(101), text(10));
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::EStringTooLong)]
fun over_long_network_address_rejected() {
    let (mut s, _clock, _supply) = tu::begin(tu::params(10));
    let _cap = register_named(&mut s, text(10), text(261));
    abort 0
}

#[test, expected_failure(abort_code = floe::params::EInvalidParameter)]
/// A zero sample interval would let anyone fill the rate window in one transaction.
fun system_with_zero_sample_interval_rejected() {
    params::new(10, tu::epoch_ms(), 10, 0, 1000, frost_per_wal!(), 5000, 10, 10, 0, 3);
}

#[test, expected_failure(abort_code = floe::system_inner::EPoolExists)]
fun same_key_through_test_registration_rejected() {
    let (mut s, _clock, _supply) = tu::begin(tu::params(10));
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    let _a = system.register_node_for_testing(fake_key(1), s.ctx());
    let _b = system.register_node_for_testing(fake_key(1), s.ctx());
    abort 0
}
