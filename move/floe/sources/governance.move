/// Stake-weighted proposals over the governed parameters.
///
/// A proposal names one parameter and its new value(s) (`params::apply_change`, whose bounds
/// are checked when it is made and again when it is executed) and snapshots the epoch it is
/// made in. Every staked-WAL receipt that may vote in that snapshot (`StakedWal::can_vote_at`:
/// active then, and not made or enlarged by a split or a join since) votes once, with its
/// principal; the proposal records each receipt that voted. So no WAL counts twice: a receipt
/// that voted keeps that vote whoever holds it, parts split off or joined into it cannot vote in
/// the snapshot, and stake withdrawn and staked again is a new receipt activated after it. The
/// eligible stake is the principal active at the snapshot (`active_principal`).
///
/// Voting lasts `gov_voting_epochs`; then anyone finalizes it: it passed when the votes cast
/// reach `gov_quorum_bps` of the eligible stake and the votes for exceed `gov_threshold_bps` of
/// the votes cast. A passed proposal is executed by anyone `gov_timelock_epochs` after voting
/// ended (executing finalizes first if nobody did).
module floe::governance;

use floe::staked_wal::StakedWal;
use std::string::String;
use sui::table::{Self, Table};

const BPS: u128 = 10_000;

/// Too few votes cast for the quorum.
const EBelowQuorum: u64 = 4;
/// Voting on the proposal has ended.
const EVotingClosed: u64 = 45;
/// Voting on the proposal has not ended.
const EVotingOpen: u64 = 46;
/// The receipt already voted on the proposal.
const EAlreadyVoted: u64 = 47;
/// The receipt may not vote in the proposal's snapshot.
const ENotEligible: u64 = 48;
/// Too few votes in favour.
const EThresholdNotMet: u64 = 49;
/// The timelock after voting has not elapsed.
const ETimelockNotElapsed: u64 = 50;
/// The proposal was already executed.
const EAlreadyExecuted: u64 = 51;
/// The proposal's voting was already finalized.
const EAlreadyFinalized: u64 = 113;

public struct Proposal has store {
    parameter: String,
    values: vector<u64>,
    snapshot_epoch: u32,
    /// Voting ends at the start of this epoch.
    voting_end: u32,
    eligible_stake: u64,
    votes_for: u64,
    votes_against: u64,
    /// Receipts that voted.
    voters: Table<ID, bool>,
    finalized: bool,
    passed: bool,
    executed: bool,
}

/// A proposal made in `epoch` (its snapshot), voting for `voting_epochs`.
public(package) fun new(
    parameter: String,
    values: vector<u64>,
    epoch: u32,
    voting_epochs: u32,
    eligible_stake: u64,
    ctx: &mut TxContext,
): Proposal {
    Proposal {
        parameter,
        values,
        snapshot_epoch: epoch,
        voting_end: epoch + voting_epochs,
        eligible_stake,
        votes_for: 0,
        votes_against: 0,
        voters: table::new(ctx),
        finalized: false,
        passed: false,
        executed: false,
    }
}

public fun parameter(p: &Proposal): &String { &p.parameter }

public fun values(p: &Proposal): &vector<u64> { &p.values }

public fun snapshot_epoch(p: &Proposal): u32 { p.snapshot_epoch }

public fun voting_end(p: &Proposal): u32 { p.voting_end }

public fun eligible_stake(p: &Proposal): u64 { p.eligible_stake }

public fun votes_for(p: &Proposal): u64 { p.votes_for }

public fun votes_against(p: &Proposal): u64 { p.votes_against }

public fun is_finalized(p: &Proposal): bool { p.finalized }

public fun passed(p: &Proposal): bool { p.passed }

public fun is_executed(p: &Proposal): bool { p.executed }

/// Whether `staked_wal_id` voted.
public fun has_voted(p: &Proposal, staked_wal_id: ID): bool { p.voters.contains(staked_wal_id) }

/// Records `staked`'s vote in `epoch`; returns its weight (its principal).
public(package) fun vote(p: &mut Proposal, staked: &StakedWal, support: bool, epoch: u32): u64 {
    assert!(epoch < p.voting_end, EVotingClosed);
    assert!(staked.can_vote_at(p.snapshot_epoch), ENotEligible);
    let id = object::id(staked);
    assert!(!p.voters.contains(id), EAlreadyVoted);
    let weight = staked.value();
    if (support) p.votes_for = p.votes_for + weight
    else p.votes_against = p.votes_against + weight;
    p.voters.add(id, support);
    weight
}

/// 0 if the votes pass under these rules, else the refusal (`EBelowQuorum`,
/// `EThresholdNotMet`).
fun tally(p: &Proposal, quorum_bps: u16, threshold_bps: u16): u64 {
    let cast = (p.votes_for as u128) + (p.votes_against as u128);
    if (cast == 0 || cast * BPS < (p.eligible_stake as u128) * (quorum_bps as u128)) {
        EBelowQuorum
    } else if ((p.votes_for as u128) * BPS <= cast * (threshold_bps as u128)) {
        EThresholdNotMet
    } else 0
}

/// Ends the voting in `epoch` under these rules; returns whether the proposal passed.
public(package) fun finalize(
    p: &mut Proposal,
    epoch: u32,
    quorum_bps: u16,
    threshold_bps: u16,
): bool {
    assert!(epoch >= p.voting_end, EVotingOpen);
    assert!(!p.finalized, EAlreadyFinalized);
    p.finalized = true;
    p.passed = tally(p, quorum_bps, threshold_bps) == 0;
    p.passed
}

/// Marks a passed proposal executed in `epoch` (finalizing it first if nobody did); returns
/// whether this call finalized it. The caller applies the change.
public(package) fun execute(
    p: &mut Proposal,
    epoch: u32,
    quorum_bps: u16,
    threshold_bps: u16,
    timelock_epochs: u32,
): bool {
    assert!(!p.executed, EAlreadyExecuted);
    assert!(epoch >= p.voting_end, EVotingOpen);
    if (!p.finalized || !p.passed) {
        let refusal = tally(p, quorum_bps, threshold_bps);
        assert!(refusal != EBelowQuorum, EBelowQuorum);
        // Finalized as failed: refused as then, even if the rules changed since.
        assert!(refusal != EThresholdNotMet && !p.finalized, EThresholdNotMet);
    };
    assert!(epoch >= p.voting_end + timelock_epochs, ETimelockNotElapsed);
    let finalized_now = !p.finalized;
    p.finalized = true;
    p.passed = true;
    p.executed = true;
    finalized_now
}
