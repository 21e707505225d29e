//! Stake-weighted governance of the parameters.
//!
//! A proposal snapshots the epoch it is made in. Each staked-WAL receipt active at that
//! snapshot (activated at or before it, not withdrawing by then) may vote once, with its
//! principal; a receipt created later cannot vote, so withdrawing and re-staking never counts
//! the same WAL twice. Splitting or joining receipts makes receipts that may vote only in
//! snapshots from the next epoch on ([`super::StakedWal::votable_from`]), and a receipt that
//! voted keeps its vote when it changes hands, so no principal votes twice either way. The
//! eligible stake (the quorum's base) is the principal active at the snapshot.
//!
//! After `gov_voting_epochs`, anyone finalizes the proposal: it passes when the votes cast reach
//! `gov_quorum_bps` of the eligible stake and the votes for exceed `gov_threshold_bps` of the
//! votes cast; a passed proposal is executed by anyone `gov_timelock_epochs` after voting ended
//! (executing finalizes first if nobody did). Parameter bounds are checked when it is proposed
//! and again when it is executed.

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
    /// `challenge_window_ms`.
    ChallengeWindowMs(u64),
    /// The voting rules themselves (Move's `params::set_voting`).
    Voting {
        /// `gov_quorum_bps`.
        quorum_bps: u16,
        /// `gov_threshold_bps`.
        threshold_bps: u16,
        /// `gov_voting_epochs`.
        voting_epochs: u32,
        /// `gov_timelock_epochs`.
        timelock_epochs: u32,
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
            ParamChange::ChallengeWindowMs(x) => p.challenge_window_ms = x,
            ParamChange::Voting {
                quorum_bps,
                threshold_bps,
                voting_epochs,
                timelock_epochs,
            } => {
                p.gov_quorum_bps = quorum_bps;
                p.gov_threshold_bps = threshold_bps;
                p.gov_voting_epochs = voting_epochs;
                p.gov_timelock_epochs = timelock_epochs;
            }
        }
        p
    }

    /// The parameter's name and new value(s), as `ProposalCreated` carries them (the name is
    /// the serde tag; the curve is `[zero_below_bps, full_at_bps]`, candidacy
    /// `[min_candidate_stake, max_candidates]`, voting `[quorum, threshold, voting, timelock]`).
    pub fn to_parts(&self) -> (&'static str, Vec<u64>) {
        match *self {
            ParamChange::MaxPriceStepBps(x) => ("max_price_step_bps", vec![x as u64]),
            ParamChange::BurnBps(x) => ("burn_bps", vec![x as u64]),
            ParamChange::Curve(c) => ("curve", vec![c.zero_below_bps as u64, c.full_at_bps as u64]),
            ParamChange::ChallengesPerShard(x) => ("challenges_per_shard", vec![x as u64]),
            ParamChange::MinStake(x) => ("min_stake", vec![x]),
            ParamChange::CommissionCapBps(x) => ("commission_cap_bps", vec![x as u64]),
            ParamChange::SettlementFallbackEpochs(x) => {
                ("settlement_fallback_epochs", vec![x as u64])
            }
            ParamChange::RateWindowSamples(x) => ("rate_window_samples", vec![x as u64]),
            ParamChange::Candidacy {
                min_candidate_stake,
                max_candidates,
            } => (
                "candidacy",
                vec![min_candidate_stake, max_candidates as u64],
            ),
            ParamChange::ChallengeWindowMs(x) => ("challenge_window_ms", vec![x]),
            ParamChange::Voting {
                quorum_bps,
                threshold_bps,
                voting_epochs,
                timelock_epochs,
            } => (
                "voting",
                vec![
                    quorum_bps as u64,
                    threshold_bps as u64,
                    voting_epochs as u64,
                    timelock_epochs as u64,
                ],
            ),
        }
    }

    /// The change named `parameter` with `values` (the inverse of [`ParamChange::to_parts`]);
    /// `EInvalidParameter` for an unknown name, a wrong number of values or a value that does
    /// not fit the parameter's type.
    pub fn from_parts(parameter: &str, values: &[u64]) -> crate::Result<Self> {
        let bad = || Error::EInvalidParameter;
        let v16 = |i: usize| u16::try_from(values[i]).map_err(|_| bad());
        let v32 = |i: usize| u32::try_from(values[i]).map_err(|_| bad());
        let want = match parameter {
            "curve" | "candidacy" => 2,
            "voting" => 4,
            _ => 1,
        };
        if values.len() != want {
            return Err(bad());
        }
        Ok(match parameter {
            "max_price_step_bps" => ParamChange::MaxPriceStepBps(v32(0)?),
            "burn_bps" => ParamChange::BurnBps(v16(0)?),
            "curve" => ParamChange::Curve(PerformanceCurve {
                zero_below_bps: v16(0)?,
                full_at_bps: v16(1)?,
            }),
            "challenges_per_shard" => ParamChange::ChallengesPerShard(v32(0)?),
            "min_stake" => ParamChange::MinStake(values[0]),
            "commission_cap_bps" => ParamChange::CommissionCapBps(v16(0)?),
            "settlement_fallback_epochs" => ParamChange::SettlementFallbackEpochs(v32(0)?),
            "rate_window_samples" => ParamChange::RateWindowSamples(v32(0)?),
            "candidacy" => ParamChange::Candidacy {
                min_candidate_stake: values[0],
                max_candidates: v32(1)?,
            },
            "challenge_window_ms" => ParamChange::ChallengeWindowMs(values[0]),
            "voting" => ParamChange::Voting {
                quorum_bps: v16(0)?,
                threshold_bps: v16(1)?,
                voting_epochs: v32(2)?,
                timelock_epochs: v32(3)?,
            },
            _ => return Err(bad()),
        })
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
    /// Whether it passed, once voting was finalized.
    pub passed: Option<bool>,
    /// Whether it was executed.
    pub executed: bool,
}

impl Proposal {
    /// The epoch from which a passed proposal can be executed.
    pub fn executable_epoch(&self, params: &Params) -> Epoch {
        self.voting_end + params.gov_timelock_epochs
    }
}

/// Whether the receipt's principal is active at `snapshot` (the eligible stake counts it).
fn active_at(s: &StakedWal, snapshot: Epoch) -> bool {
    s.activation_epoch <= snapshot
        && match s.state {
            StakeState::Staked => true,
            StakeState::Withdrawing { withdraw_epoch, .. } => withdraw_epoch > snapshot,
        }
}

/// Whether the receipt may vote in `snapshot`: active then, and not made by a split or join
/// since.
fn eligible(s: &StakedWal, snapshot: Epoch) -> bool {
    active_at(s, snapshot) && s.votable_from <= snapshot
}

/// Whether the votes of `p` pass under `params` (`EBelowQuorum`, `EThresholdNotMet`).
fn tally(p: &Proposal, params: &Params) -> Result<()> {
    let cast = p.votes_for as u128 + p.votes_against as u128;
    if cast * (BPS_DENOMINATOR as u128) < p.eligible_stake as u128 * params.gov_quorum_bps as u128
        || cast == 0
    {
        return Err(Error::EBelowQuorum);
    }
    if p.votes_for as u128 * (BPS_DENOMINATOR as u128) <= cast * params.gov_threshold_bps as u128 {
        return Err(Error::EThresholdNotMet);
    }
    Ok(())
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
            .filter(|s| active_at(s, self.epoch))
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
                passed: None,
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

    /// Ends the voting of a proposal: records whether it passed (quorum and threshold, under
    /// the voting rules in force now) and returns that. Refuses `EUnknownProposal`,
    /// `EVotingOpen`, `EAlreadyFinalized`.
    pub fn finalize_proposal(&mut self, proposal: u64) -> Result<bool> {
        let p = self
            .proposals
            .get(&proposal)
            .ok_or(Error::EUnknownProposal)?;
        if self.epoch < p.voting_end {
            return Err(Error::EVotingOpen);
        }
        if p.passed.is_some() {
            return Err(Error::EAlreadyFinalized);
        }
        let passed = tally(p, &self.params).is_ok();
        self.proposals.get_mut(&proposal).expect("exists").passed = Some(passed);
        Ok(passed)
    }

    /// Executes a passed proposal (finalizing it first if nobody did); returns whether this
    /// call finalized it. Refuses `EUnknownProposal`, `EAlreadyExecuted`, `EVotingOpen`, too
    /// few votes (`EBelowQuorum`), too few in favour (`EThresholdNotMet`; both also for a
    /// proposal finalized as failed), `ETimelockNotElapsed`, and a change no longer valid
    /// (`EInvalidParameter`).
    pub fn execute_proposal(&mut self, proposal: u64) -> Result<bool> {
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
        match p.passed {
            Some(true) => {}
            // Finalized as failed: the same refusal as then (the rules may have changed since).
            Some(false) => {
                return Err(tally(p, &self.params)
                    .err()
                    .unwrap_or(Error::EThresholdNotMet))
            }
            None => tally(p, &self.params)?,
        }
        if self.epoch < p.executable_epoch(&self.params) {
            return Err(Error::ETimelockNotElapsed);
        }
        let new = p.change.apply(&self.params);
        validate_params(&new)?;
        self.params = new;
        self.rate_window.resize(new.rate_window_samples as usize);
        let p = self.proposals.get_mut(&proposal).expect("exists");
        let finalized_now = p.passed.is_none();
        p.passed = Some(true);
        p.executed = true;
        Ok(finalized_now)
    }
}
