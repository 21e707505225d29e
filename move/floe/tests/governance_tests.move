/// Issue 11, acceptance 4: stake-weighted governance where no WAL counts twice.
///
/// The start: two nodes; A stakes 300 WAL and C 100 WAL with node 0, B 100 WAL with node 1,
/// all active from epoch 1. In epoch 1 A proposes a burn share of 20%: the snapshot is epoch 1
/// and the eligible stake 500 WAL. Voting ends at the start of epoch 3 (two voting epochs), the
/// change can be executed from epoch 4 (a one-epoch timelock).
#[test_only]
// Expected-failure tests end with `abort 0`: the abort they expect comes first.
#[allow(lint(abort_without_constant))]
module floe::governance_tests;

use floe::{
    node_cap::StorageNodeCap,
    staked_wal::StakedWal,
    system::System,
    test_utils::{Self as tu, frost_per_wal}
};
use sui::{clock::Clock, coin::Coin, test_scenario::{Self as ts, Scenario}};
use wal::wal::WAL;

const A: address = @0xA1;
const B: address = @0xB1;
const C: address = @0xC1;

fun stake(s: &mut Scenario, who: address, supply: &mut Coin<WAL>, wal: u64, node: ID): StakedWal {
    s.next_tx(who);
    let mut system = s.take_shared<System>();
    let coin = supply.split(wal * frost_per_wal!(), s.ctx());
    let staked = system.stake_with_pool(coin, node, s.ctx());
    ts::return_shared(system);
    staked
}

/// The start, with A's, B's and C's receipts.
fun start(): (Scenario, Clock, Coin<WAL>, vector<StorageNodeCap>, StakedWal, StakedWal, StakedWal) {
    let (mut s, mut clock, mut supply) = tu::begin(tu::params(10));
    let caps = tu::register_nodes(&mut s, 2);
    let (n0, n1) = (caps[0].node_id(), caps[1].node_id());
    let a = stake(&mut s, A, &mut supply, 300, n0);
    let b = stake(&mut s, B, &mut supply, 100, n1);
    let c = stake(&mut s, C, &mut supply, 100, n0);
    tu::next_epoch(&mut s, &mut clock, &caps);
    s.next_tx(A);
    let mut system = s.take_shared<System>();
    let id = system.propose(&a, b"burn_bps".to_string(), vector[2000], s.ctx());
    assert!(id == 1 && system.n_proposals() == 1);
    let p = system.proposal(1);
    assert!(p.snapshot_epoch() == 1 && p.voting_end() == 3);
    assert!(p.eligible_stake() == 500 * frost_per_wal!());
    ts::return_shared(system);
    (s, clock, supply, caps, a, b, c)
}

fun vote(s: &mut Scenario, who: address, staked: &StakedWal, support: bool) {
    s.next_tx(who);
    let mut system = s.take_shared<System>();
    system.vote(1, staked, support, s.ctx());
    ts::return_shared(system);
}

fun finalize(s: &mut Scenario) {
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    system.finalize_proposal(1);
    ts::return_shared(system);
}

fun execute(s: &mut Scenario) {
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    system.execute_proposal(1);
    ts::return_shared(system);
}

/// `[votes for, votes against]` of proposal 1, in WAL.
fun tally(s: &mut Scenario): vector<u64> {
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    let p = system.proposal(1);
    let t = vector[p.votes_for() / frost_per_wal!(), p.votes_against() / frost_per_wal!()];
    ts::return_shared(system);
    t
}

fun split(s: &mut Scenario, who: address, staked: &mut StakedWal, wal: u64): StakedWal {
    s.next_tx(who);
    let system = s.take_shared<System>();
    let part = system.split_staked_wal(staked, wal * frost_per_wal!(), s.ctx());
    ts::return_shared(system);
    part
}

fun finish(s: Scenario, clock: Clock, supply: Coin<WAL>, caps: vector<StorageNodeCap>) {
    tu::destroy_caps(caps);
    tu::end(s, clock, supply);
}

fun burn_bps(s: &mut Scenario): u16 {
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    let bps = system.params().burn_bps();
    ts::return_shared(system);
    bps
}

#[test]
/// A votes for with 300 WAL, then splits, joins and gives away its receipt; C withdraws and
/// stakes again; B votes against. Of the receipts that result only B's may still vote, so the
/// tally is 300 for, 100 against, never above the 500 WAL snapshot (the refusals of the other
/// receipts are the tests below). The change passes, waits for the timelock, then takes effect.
fun every_receipt_votes_once() {
    let (mut s, mut clock, supply, caps, mut a, b, mut c) = start();
    vote(&mut s, A, &a, true);
    assert!(tally(&mut s) == vector[300, 0]);
    // A splits 100 off its voted receipt, joins it back, and gives the receipt to B.
    let part = split(&mut s, A, &mut a, 100);
    s.next_tx(A);
    let system = s.take_shared<System>();
    system.join_staked_wal(&mut a, part);
    system.transfer_staked_wal(a, B, s.ctx());
    ts::return_shared(system);
    s.next_tx(B);
    let a_at_b = s.take_from_sender<StakedWal>();
    assert!(a_at_b.value() == 300 * frost_per_wal!() && !a_at_b.can_vote_at(1));
    // C withdraws (leaving at epoch 2) and stakes again: a receipt active from epoch 3.
    s.next_tx(C);
    let mut system = s.take_shared<System>();
    system.request_withdraw_stake(&mut c);
    ts::return_shared(system);
    tu::next_epoch(&mut s, &mut clock, &caps);
    s.next_tx(C);
    let mut system = s.take_shared<System>();
    let coin = system.withdraw_stake(c, s.ctx());
    let c2 = system.stake_with_pool(coin, caps[0].node_id(), s.ctx());
    assert!(!c2.can_vote_at(1));
    ts::return_shared(system);
    // Epoch 2 < 3: voting is open. B votes against with its own receipt.
    vote(&mut s, B, &b, false);
    let t = tally(&mut s);
    assert!(t == vector[300, 100] && t[0] + t[1] <= 500);
    // Voting ended: passed (400 of 500 voted, 75% for); executable from epoch 4.
    tu::next_epoch(&mut s, &mut clock, &caps);
    finalize(&mut s);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    let p = system.proposal(1);
    assert!(p.is_finalized() && p.passed() && !p.is_executed());
    ts::return_shared(system);
    assert!(burn_bps(&mut s) == 1000);
    tu::next_epoch(&mut s, &mut clock, &caps);
    execute(&mut s);
    assert!(burn_bps(&mut s) == 2000);
    a_at_b.transfer_to(B);
    b.transfer_to(B);
    c2.transfer_to(C);
    finish(s, clock, supply, caps);
}

#[test, expected_failure(abort_code = floe::governance::ENotEligible)]
/// Splitting makes both parts unable to vote in the snapshot (the remaining part voted anyway).
fun voted_receipt_cannot_vote_after_a_split() {
    let (mut s, _clock, _supply, _caps, mut a, _b, _c) = start();
    vote(&mut s, A, &a, true);
    let _part = split(&mut s, A, &mut a, 100);
    vote(&mut s, A, &a, true);
    abort 0
}

#[test, expected_failure(abort_code = floe::governance::ENotEligible)]
fun split_part_cannot_vote() {
    let (mut s, _clock, _supply, _caps, mut a, _b, _c) = start();
    vote(&mut s, A, &a, true);
    let part = split(&mut s, A, &mut a, 100);
    vote(&mut s, A, &part, true);
    abort 0
}

#[test, expected_failure(abort_code = floe::governance::EAlreadyVoted)]
fun voted_receipt_cannot_vote_after_a_transfer() {
    let (mut s, _clock, _supply, _caps, a, _b, _c) = start();
    vote(&mut s, A, &a, true);
    s.next_tx(A);
    let system = s.take_shared<System>();
    system.transfer_staked_wal(a, B, s.ctx());
    ts::return_shared(system);
    s.next_tx(B);
    let a_at_b = s.take_from_sender<StakedWal>();
    vote(&mut s, B, &a_at_b, false);
    abort 0
}

#[test, expected_failure(abort_code = floe::governance::ENotEligible)]
fun joined_receipt_cannot_vote() {
    let (mut s, _clock, _supply, _caps, mut a, _b, c) = start();
    // C gives its (unvoted) receipt to A, who joins it into its voted one and votes again.
    vote(&mut s, A, &a, true);
    s.next_tx(C);
    let system = s.take_shared<System>();
    system.transfer_staked_wal(c, A, s.ctx());
    ts::return_shared(system);
    s.next_tx(A);
    let c_at_a = s.take_from_sender<StakedWal>();
    let system = s.take_shared<System>();
    system.join_staked_wal(&mut a, c_at_a);
    ts::return_shared(system);
    let part = split(&mut s, A, &mut a, 1);
    vote(&mut s, A, &part, true);
    abort 0
}

#[test, expected_failure(abort_code = floe::governance::ENotEligible)]
fun restaked_wal_cannot_vote() {
    let (mut s, mut clock, _supply, caps, _a, _b, mut c) = start();
    s.next_tx(C);
    let mut system = s.take_shared<System>();
    system.request_withdraw_stake(&mut c);
    ts::return_shared(system);
    tu::next_epoch(&mut s, &mut clock, &caps);
    s.next_tx(C);
    let mut system = s.take_shared<System>();
    let coin = system.withdraw_stake(c, s.ctx());
    let c2 = system.stake_with_pool(coin, caps[0].node_id(), s.ctx());
    ts::return_shared(system);
    vote(&mut s, C, &c2, true);
    abort 0
}

#[test, expected_failure(abort_code = floe::governance::ETimelockNotElapsed)]
fun change_waits_for_the_timelock() {
    let (mut s, mut clock, _supply, caps, a, _b, _c) = start();
    vote(&mut s, A, &a, true);
    tu::next_epoch(&mut s, &mut clock, &caps);
    tu::next_epoch(&mut s, &mut clock, &caps);
    execute(&mut s);
    abort 0
}

#[test, expected_failure(abort_code = floe::governance::EBelowQuorum)]
fun below_quorum_fails() {
    let (mut s, mut clock, _supply, caps, _a, b, _c) = start();
    // 100 of 500 WAL: below the 33.34% quorum.
    vote(&mut s, B, &b, true);
    tu::next_epoch(&mut s, &mut clock, &caps);
    tu::next_epoch(&mut s, &mut clock, &caps);
    finalize(&mut s);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    assert!(system.proposal(1).is_finalized() && !system.proposal(1).passed());
    ts::return_shared(system);
    tu::next_epoch(&mut s, &mut clock, &caps);
    execute(&mut s);
    abort 0
}

#[test, expected_failure(abort_code = floe::governance::EThresholdNotMet)]
fun below_threshold_fails() {
    let (mut s, mut clock, _supply, caps, a, b, _c) = start();
    vote(&mut s, A, &a, false);
    vote(&mut s, B, &b, true);
    tu::next_epoch(&mut s, &mut clock, &caps);
    tu::next_epoch(&mut s, &mut clock, &caps);
    tu::next_epoch(&mut s, &mut clock, &caps);
    execute(&mut s);
    abort 0
}

#[test, expected_failure(abort_code = floe::params::EInvalidParameter)]
fun out_of_bounds_value_refused_at_proposal() {
    let (mut s, _clock, _supply, _caps, a, _b, _c) = start();
    s.next_tx(A);
    let mut system = s.take_shared<System>();
    system.propose(&a, b"burn_bps".to_string(), vector[10_001], s.ctx());
    abort 0
}

#[test, expected_failure(abort_code = floe::params::EInvalidCurve)]
fun unordered_curve_refused_at_proposal() {
    let (mut s, _clock, _supply, _caps, a, _b, _c) = start();
    s.next_tx(A);
    let mut system = s.take_shared<System>();
    system.propose(&a, b"curve".to_string(), vector[9000, 8000], s.ctx());
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::ENotEligible)]
fun proposal_with_pending_stake_rejected() {
    let (mut s, _clock, mut supply, caps, _a, _b, _c) = start();
    let d = stake(&mut s, A, &mut supply, 10, caps[1].node_id());
    s.next_tx(A);
    let mut system = s.take_shared<System>();
    system.propose(&d, b"burn_bps".to_string(), vector[0], s.ctx());
    abort 0
}

#[test, expected_failure(abort_code = floe::governance::EVotingClosed)]
fun vote_after_voting_ended_rejected() {
    let (mut s, mut clock, _supply, caps, a, _b, _c) = start();
    tu::next_epoch(&mut s, &mut clock, &caps);
    tu::next_epoch(&mut s, &mut clock, &caps);
    vote(&mut s, A, &a, true);
    abort 0
}

#[test, expected_failure(abort_code = floe::governance::EVotingOpen)]
fun finalize_while_voting_rejected() {
    let (mut s, _clock, _supply, _caps, _a, _b, _c) = start();
    finalize(&mut s);
    abort 0
}

#[test, expected_failure(abort_code = floe::governance::EAlreadyFinalized)]
fun finalize_twice_rejected() {
    let (mut s, mut clock, _supply, caps, _a, _b, _c) = start();
    tu::next_epoch(&mut s, &mut clock, &caps);
    tu::next_epoch(&mut s, &mut clock, &caps);
    finalize(&mut s);
    finalize(&mut s);
    abort 0
}

#[test, expected_failure(abort_code = floe::governance::EAlreadyExecuted)]
fun execute_twice_rejected() {
    let (mut s, mut clock, _supply, caps, a, _b, _c) = start();
    vote(&mut s, A, &a, true);
    3u64.do!(|_| tu::next_epoch(&mut s, &mut clock, &caps));
    execute(&mut s);
    execute(&mut s);
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::EUnknownProposal)]
fun unknown_proposal_rejected() {
    let (mut s, _clock, _supply, _caps, a, _b, _c) = start();
    s.next_tx(A);
    let mut system = s.take_shared<System>();
    system.vote(2, &a, true, s.ctx());
    abort 0
}
