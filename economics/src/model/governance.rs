//! Stake-weighted governance of the parameters.
//!
//! A proposal snapshots the epoch it is made in. Each staked-WAL receipt active at that
//! snapshot (activated at or before it, not withdrawing by then) may vote once, with its
//! principal; a receipt created later cannot vote, so withdrawing and re-staking never counts
//! the same WAL twice. After `gov_voting_epochs`, the proposal passes when the votes cast reach
//! `gov_quorum_bps` of the snapshot stake and the votes for exceed `gov_threshold_bps` of the
//! votes cast; it can be executed `gov_timelock_epochs` later.

use std::collections::BTreeSet;

use super::{validate_params, Error, ObjectId, Params, Result, StakeState, StakedWal, System};
use crate::performance::PerformanceCurve;
use crate::{Epoch, Frost, BPS_DENOMINATOR};

/// A change of one governed parameter (serde: `{"burn_bps": 700}`, `{"curve": [5000, 9500]}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamChange {
    /// `max_price_step_bps`.
    MaxPriceStepBps(u32),
    /// `burn_bps`.
    BurnBps(u16),
    /// The performance curve.
    Curve(PerformanceCurve),
    /// `challenges_per_shard`.
    ChallengesPerShard(u32),
    /// `min_stake`.
    MinStake(Frost),
    /// `commission_cap_bps`.
    CommissionCapBps(u16),
    /// `settlement_fallback_epochs`.
    SettlementFallbackEpochs(u32),
    /// `rate_window_samples` (1 to 1,000; Move's `params::set_rate_sampling`). A shorter
    /// window drops its oldest samples.
    RateWindowSamples(u32),
    /// `min_candidate_stake` and `max_candidates` (Move's `params::set_candidacy`).
    Candidacy {
        /// Stake a candidate needs, FROST.
        min_candidate_stake: Frost,
        /// Most candidates in the active set.
        max_candidates: u32,
    },
}

impl ParamChange {
    /// The parameters with this change applied.
    pub fn apply(&self, p: &Params) -> Params {
        let mut p = *p;
        match *self {
            ParamChange::MaxPriceStepBps(x) => p.max_price_step_bps = x,
            ParamChange::BurnBps(x) => p.burn_bps = x,
            ParamChange::Curve(c) => p.curve = c,
            ParamChange::ChallengesPerShard(x) => p.challenges_per_shard = x,
            ParamChange::MinStake(x) => p.min_stake = x,
            ParamChange::CommissionCapBps(x) => p.commission_cap_bps = x,
            ParamChange::SettlementFallbackEpochs(x) => p.settlement_fallback_epochs = x,
            ParamChange::RateWindowSamples(x) => p.rate_window_samples = x,
            ParamChange::Candidacy {
                min_candidate_stake,
                max_candidates,
            } => {
                p.min_candidate_stake = min_candidate_stake;
                p.max_candidates = max_candidates;
            }
        }
        p
    }
}

/// A proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// The proposed change.
    pub change: ParamChange,
    /// The snapshot epoch (when it was made).
    pub snapshot_epoch: Epoch,
    /// Voting ends at the start of this epoch.
    pub voting_end: Epoch,
    /// Stake eligible to vote.
    pub eligible_stake: Frost,
    /// Stake voting for.
    pub votes_for: Frost,
    /// Stake voting against.
    pub votes_against: Frost,
    /// Receipts that voted.
    pub voters: BTreeSet<ObjectId>,
    /// Whether it was executed.
    pub executed: bool,
}

fn eligible(s: &StakedWal, snapshot: Epoch) -> bool {
    s.activation_epoch <= snapshot
        && match s.state {
            StakeState::Staked => true,
            StakeState::Withdrawing { withdraw_epoch, .. } => withdraw_epoch > snapshot,
        }
}

impl System {
    /// Makes a proposal; the proposer must own a receipt eligible now. Refuses an invalid
    /// change (`EInvalidParameter`, `EInvalidCurve`; also a fallback delay of 0, which would
    /// switch proof-weighted settlement off), `EUnknownStake`, `ENotOwner`, `ENotEligible`.
    pub fn propose(
        &mut self,
        caller: ObjectId,
        stake: ObjectId,
        change: ParamChange,
    ) -> Result<u64> {
        if change == ParamChange::SettlementFallbackEpochs(0) {
            return Err(Error::EInvalidParameter);
        }
        validate_params(&change.apply(&self.params))?;
        let s = self.stakes.get(&stake).ok_or(Error::EUnknownStake)?;
        if s.owner != caller {
            return Err(Error::ENotOwner);
        }
        if !eligible(s, self.epoch) {
            return Err(Error::ENotEligible);
        }
        let eligible_stake = self
            .stakes
            .values()
            .filter(|s| eligible(s, self.epoch))
            .map(|s| s.principal)
            .sum();
        let id = self.proposals.keys().next_back().map_or(1, |k| k + 1);
        self.proposals.insert(
            id,
            Proposal {
                change,
                snapshot_epoch: self.epoch,
                voting_end: self.epoch + self.params.gov_voting_epochs,
                eligible_stake,
                votes_for: 0,
                votes_against: 0,
                voters: BTreeSet::new(),
                executed: false,
            },
        );
        Ok(id)
    }

    /// Votes with one receipt. Refuses `EUnknownProposal`, `EVotingClosed`, `EUnknownStake`,
    /// `ENotOwner`, `ENotEligible`, `EAlreadyVoted`.
    pub fn vote(
        &mut self,
        caller: ObjectId,
        proposal: u64,
        stake: ObjectId,
        support: bool,
    ) -> Result<()> {
        let p = self
            .proposals
            .get(&proposal)
            .ok_or(Error::EUnknownProposal)?;
        if self.epoch >= p.voting_end {
            return Err(Error::EVotingClosed);
        }
        let s = self.stakes.get(&stake).ok_or(Error::EUnknownStake)?;
        if s.owner != caller {
            return Err(Error::ENotOwner);
        }
        if !eligible(s, p.snapshot_epoch) {
            return Err(Error::ENotEligible);
        }
        if p.voters.contains(&stake) {
            return Err(Error::EAlreadyVoted);
        }
        let w = s.principal;
        let p = self.proposals.get_mut(&proposal).expect("exists");
        if support {
            p.votes_for += w;
        } else {
            p.votes_against += w;
        }
        p.voters.insert(stake);
        Ok(())
    }

    /// Executes a passed proposal. Refuses `EUnknownProposal`, `EAlreadyExecuted`, `EVotingOpen`,
    /// too few votes (`EBelowQuorum`), too few in favour (`EThresholdNotMet`),
    /// `ETimelockNotElapsed`, and a change no longer valid (`EInvalidParameter`).
    pub fn execute_proposal(&mut self, proposal: u64) -> Result<()> {
        let p = self
            .proposals
            .get(&proposal)
            .ok_or(Error::EUnknownProposal)?;
        if p.executed {
            return Err(Error::EAlreadyExecuted);
        }
        if self.epoch < p.voting_end {
            return Err(Error::EVotingOpen);
        }
        let cast = p.votes_for as u128 + p.votes_against as u128;
        if cast * (BPS_DENOMINATOR as u128)
            < p.eligible_stake as u128 * self.params.gov_quorum_bps as u128
            || cast == 0
        {
            return Err(Error::EBelowQuorum);
        }
        if p.votes_for as u128 * (BPS_DENOMINATOR as u128)
            <= cast * self.params.gov_threshold_bps as u128
        {
            return Err(Error::EThresholdNotMet);
        }
        if self.epoch < p.voting_end + self.params.gov_timelock_epochs {
            return Err(Error::ETimelockNotElapsed);
        }
        let new = p.change.apply(&self.params);
        validate_params(&new)?;
        self.params = new;
        self.rate_window.resize(new.rate_window_samples as usize);
        self.proposals.get_mut(&proposal).expect("exists").executed = true;
        Ok(())
    }
}
