/// Issue 11, acceptance 2: the challenge seed comes from `sui::random` inside the transaction,
/// once per epoch; each committee member posts one result vector per epoch with one pass rate
/// per member, and every other vector is refused.
#[test_only]
// Expected-failure tests end with `abort 0`: the abort they expect comes first.
#[allow(lint(abort_without_constant))]
module floe::challenge_tests;

use floe::{
    node_cap::StorageNodeCap,
    settlement_utils as su,
    staked_wal::StakedWal,
    system::System,
    test_utils::{Self as tu, frost_per_wal}
};
use sui::{clock::Clock, coin::Coin, test_scenario::{Self as ts, Scenario}};
use wal::wal::WAL;

/// Three nodes with 10 WAL each in their first committee (epoch 1), and the `Random` object;
/// a fourth node registered without stake.
fun start(): (Scenario, Clock, Coin<WAL>, vector<StorageNodeCap>, vector<StakedWal>) {
    let (mut s, mut clock, mut supply) = tu::begin(tu::params(10));
    su::create_random(&mut s);
    let caps = tu::register_nodes(&mut s, 4);
    let mut stakes = vector[];
    3u64.do!(|i| {
        s.next_tx(tu::admin());
        let mut system = s.take_shared<System>();
        let coin = supply.split(10 * frost_per_wal!(), s.ctx());
        stakes.push_back(system.stake_with_pool(coin, caps[i].node_id(), s.ctx()));
        ts::return_shared(system);
    });
    tu::next_epoch(&mut s, &mut clock, &caps);
    (s, clock, supply, caps, stakes)
}

fun submit(s: &mut Scenario, caps: &vector<StorageNodeCap>, i: u64, epoch: u32, r: vector<u16>) {
    s.next_tx(tu::operator(i));
    let mut system = s.take_shared<System>();
    system.submit_challenge_results(&caps[i], epoch, r);
    ts::return_shared(system);
}

fun seed(s: &mut Scenario): vector<u8> {
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    let seed = system.challenge_seed();
    ts::return_shared(system);
    seed
}

#[test]
fun seed_from_random_and_one_vector_per_member() {
    let (mut s, mut clock, supply, caps, stakes) = start();
    assert!(seed(&mut s).is_empty());
    su::draw_seed(&mut s, 0);
    let first = seed(&mut s);
    assert!(first.length() == 32);
    submit(&mut s, &caps, 0, 1, vector[10_000, 10_000, 0]);
    submit(&mut s, &caps, 1, 1, vector[10_000, 5_000, 9_999]);
    submit(&mut s, &caps, 2, 1, vector[0, 0, 0]);
    // A new epoch starts without a seed; the next one comes from the next beacon round.
    tu::next_epoch(&mut s, &mut clock, &caps);
    assert!(seed(&mut s).is_empty());
    su::draw_seed(&mut s, 1);
    let second = seed(&mut s);
    assert!(second.length() == 32 && second != first);
    submit(&mut s, &caps, 0, 2, vector[10_000, 10_000, 10_000]);
    stakes.destroy!(|st| st.transfer_to(tu::admin()));
    tu::destroy_caps(caps);
    tu::end(s, clock, supply);
}

#[test, expected_failure(abort_code = floe::system_inner::ESeedAlreadyDrawn)]
fun second_seed_rejected() {
    let (mut s, _clock, _supply, _caps, _stakes) = start();
    su::draw_seed(&mut s, 0);
    su::draw_seed(&mut s, 1);
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::ENotCommitteeMember)]
fun seed_without_committee_rejected() {
    let (mut s, _clock, _supply) = tu::begin(tu::params(10));
    su::create_random(&mut s);
    su::draw_seed(&mut s, 0);
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::ENoChallengeSeed)]
fun results_before_the_seed_rejected() {
    let (mut s, _clock, _supply, caps, _stakes) = start();
    submit(&mut s, &caps, 0, 1, vector[10_000, 10_000, 10_000]);
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::ENotCommitteeMember)]
fun results_of_a_non_member_rejected() {
    let (mut s, _clock, _supply, caps, _stakes) = start();
    su::draw_seed(&mut s, 0);
    submit(&mut s, &caps, 3, 1, vector[10_000, 10_000, 10_000]);
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::EAlreadySubmitted)]
fun second_vector_rejected() {
    let (mut s, _clock, _supply, caps, _stakes) = start();
    su::draw_seed(&mut s, 0);
    submit(&mut s, &caps, 1, 1, vector[10_000, 10_000, 10_000]);
    submit(&mut s, &caps, 1, 1, vector[10_000, 10_000, 10_000]);
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::EWrongLength)]
fun wrong_length_rejected() {
    let (mut s, _clock, _supply, caps, _stakes) = start();
    su::draw_seed(&mut s, 0);
    submit(&mut s, &caps, 0, 1, vector[10_000, 10_000, 10_000, 10_000]);
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::EWrongEpoch)]
fun wrong_epoch_rejected() {
    let (mut s, _clock, _supply, caps, _stakes) = start();
    su::draw_seed(&mut s, 0);
    submit(&mut s, &caps, 0, 0, vector[10_000, 10_000, 10_000]);
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::EInvalidBps)]
fun rate_above_whole_rejected() {
    let (mut s, _clock, _supply, caps, _stakes) = start();
    su::draw_seed(&mut s, 0);
    submit(&mut s, &caps, 0, 1, vector[10_000, 10_001, 10_000]);
    abort 0
}
