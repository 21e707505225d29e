//! The settlement audit: recomputes, from the chain's events alone, the settlement every
//! honest node signs for an epoch, and records whether the certified one matches.
//!
//! At the end of epoch `e` every committee node computes [`settle`] over the epoch's pot, its
//! committee (order, shards, commission rates) and the challengers' results, and signs the
//! header. The chain only checks the quorum and that `burned + paid = pot`; it cannot check the
//! entries, whose root it stores. The indexer can: [`AuditState`] folds the events
//! ([`AuditState::observe`]), in chain order, into the same inputs, and
//! [`AuditState::audit_settled`] compares the certified `EpochSettled` with the recomputation.
//! Later, each `RewardsClaimed` reveals one certified entry, which
//! [`AuditState::check_claim`] compares with the recomputed one, naming the pool and field.
//!
//! # Where each input comes from
//!
//! | settlement input | event(s) |
//! |---|---|
//! | committee of `e`, in committee order | `CommitteeSelected { epoch: e, node_ids }` |
//! | shards of each member | `CommitteeSelected.shards[i].len()` |
//! | commission in force in `e` | `PoolAdvanced { epoch: e, commission_rate }` (every member of `e`'s committee is advanced into `e`); else `NodeRegistered.commission_rate` with `CommissionRateSet { commission_rate, effective_epoch }` applied from its effective epoch |
//! | challenger weight (stake) | `PoolAdvanced { epoch: e, wal_balance }` (the model's `committee_stake`) |
//! | challenge results | `ChallengeResultsSubmitted { epoch: e, node_id, results }` |
//! | pot | `EpochPotClosed { epoch: e, total }` |
//! | `burn_bps`, performance curve | configuration ([`AuditParams`], the genesis values), then every executed proposal: `ProposalCreated { parameter, values }` names the change (`"burn_bps"`, `"curve"`), `ProposalExecuted { proposal_id }` applies it |
//! | stored bytes per shard | not derivable, and not needed (see below) |
//!
//! **Stored bytes.** The base weight of node `i` is `shards_i × s` with the same `s` (bytes
//! stored per shard) for every node. The committee holds all `N` shards, so
//! `full_i = ⌊D·shards_i·s / (N·s)⌋ = ⌊D·shards_i / N⌋` for every `s > 0`, and `s = 0` falls
//! back to the shards alone: the same shares. The only way `s` could matter is the down-shift
//! of weights whose total reaches 2^64; but `N·s ≤` the certified bytes live in the epoch `≤`
//! the capacity reserved for it, a `u64`, so that never happens. The audit therefore uses
//! `s = 1` (as the fallback does), and the entries and root are exactly the model's. (Only
//! [`floe_economics::rewards::NodeReward::base_weight`], which is in no entry, differs.)
//!
//! **Parameters.** The indexer cannot see the genesis parameters: `burn_bps` and the curve are
//! configuration ([`AuditParams`], defaulting to [`Params::default`]'s). Governance changes are
//! followed from the events, which carry enough: the parameter name and values in
//! `ProposalCreated`, the execution in `ProposalExecuted`. An honest node signs with the
//! parameters in force when it computes; the audit recomputes with those in force when the
//! `EpochSettled` event is folded, and, if that does not match, with those in force when the
//! epoch ended. An audit that starts after a relevant proposal was created cannot follow it.
//!
//! **Completeness.** An epoch's inputs are complete if its `CommitteeSelected` was observed
//! (every other input of the epoch comes after it); otherwise its audit is
//! [`AuditOutcome::Unverifiable`]. Results of a challenger are only weighed if they exist, so
//! the stakes are needed only for epochs with at least one result vector.
//!
//! # Bounds
//!
//! The state is persisted (serde JSON) with each batch, so it is kept small:
//! - inputs of an epoch are kept from its `CommitteeSelected` until it is settled (certified,
//!   by the fallback, or paid at the epoch change), at most [`MAX_OPEN_EPOCHS`] epochs (more
//!   than the largest fallback delay governance allows, so an epoch settled in time or by a
//!   prompt fallback is always auditable; the oldest are dropped beyond that);
//! - one commission rate (and at most one pending change) per registered pool;
//! - governance proposals that change `burn_bps` or the curve, until executed or finalized as
//!   failed, at most [`MAX_TRACKED_PROPOSALS`];
//! - the recomputed entries of the last [`RETAINED_SETTLED_EPOCHS`] audited epochs, each until
//!   every pool of it has claimed (for [`AuditState::check_claim`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use floe_economics::events::{
    EpochPotClosed, EpochSettled, EpochSettledByFallback, FloeEvent, RewardsClaimed,
};
use floe_economics::hex_serde::to_hex;
use floe_economics::model::governance::ParamChange;
use floe_economics::model::{ObjectId, Params};
use floe_economics::performance::{ChallengerResults, PerformanceCurve};
use floe_economics::settlement::{
    settle, EpochSettlement, SettlementEntry, SettlementHeader, SettlementInput, SettlementNode,
};
use floe_economics::{Epoch, Frost};
use serde::{Deserialize, Serialize};

/// Most epochs whose inputs are kept while they await settlement (above
/// `MAX_GOVERNANCE_EPOCHS + 1`, the longest an epoch waits for its fallback).
pub const MAX_OPEN_EPOCHS: usize = 128;
const _: () = assert!(MAX_OPEN_EPOCHS > floe_economics::model::MAX_GOVERNANCE_EPOCHS as usize + 1);
/// How many audited epochs keep their recomputed entries for [`AuditState::check_claim`] (an
/// epoch's entries also go once every pool of it has claimed).
pub const RETAINED_SETTLED_EPOCHS: usize = 16;
/// Most governance proposals changing `burn_bps` or the curve followed at once (proposals
/// nobody finalizes could otherwise pile up); beyond it the oldest is dropped and the
/// parameters are marked uncertain.
pub const MAX_TRACKED_PROPOSALS: usize = 64;

/// The parameters the settlement depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditParams {
    /// Burn share of each pot, bps.
    pub burn_bps: u16,
    /// The performance curve.
    pub curve: PerformanceCurve,
}

impl Default for AuditParams {
    /// The model's defaults ([`Params::default`]): what a chain started without overrides uses.
    fn default() -> Self {
        AuditParams::from(&Params::default())
    }
}

impl From<&Params> for AuditParams {
    /// The settlement parameters of a chain's genesis parameters.
    fn from(p: &Params) -> Self {
        AuditParams {
            burn_bps: p.burn_bps,
            curve: p.curve,
        }
    }
}

/// Why an epoch's settlement cannot be recomputed from the events observed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    /// No inputs of the epoch are held: its `CommitteeSelected` was not observed (the audit
    /// started later), it had no committee, or it was settled already.
    #[error("no inputs of epoch {epoch} observed (its CommitteeSelected was not seen)")]
    UnknownEpoch {
        /// The epoch.
        epoch: Epoch,
    },
    /// The epoch's inputs were dropped: more than [`MAX_OPEN_EPOCHS`] epochs awaited settlement.
    #[error("inputs of epoch {epoch} were dropped: more than {MAX_OPEN_EPOCHS} epochs awaited settlement")]
    Dropped {
        /// The epoch.
        epoch: Epoch,
    },
    /// The epoch has not ended (no `EpochPotClosed` observed): its pot is unknown.
    #[error("epoch {epoch} has not ended: no EpochPotClosed observed")]
    NotEnded {
        /// The epoch.
        epoch: Epoch,
    },
    /// No commission rate is known for a committee member.
    #[error("no commission rate known for pool {pool} in epoch {epoch} (no PoolAdvanced, NodeRegistered or CommissionRateSet observed)")]
    MissingCommission {
        /// The epoch.
        epoch: Epoch,
        /// The pool.
        pool: ObjectId,
    },
    /// A committee member's stake (its challenger weight) is unknown while results were posted.
    #[error("no stake known for committee member {pool} in epoch {epoch} (no PoolAdvanced observed), needed to weigh the challenge results")]
    MissingStake {
        /// The epoch.
        epoch: Epoch,
        /// The pool.
        pool: ObjectId,
    },
    /// [`settle`] refused the inputs.
    #[error("the settlement of epoch {epoch} cannot be computed: {error}")]
    Settle {
        /// The epoch.
        epoch: Epoch,
        /// The refusal.
        error: floe_economics::Error,
    },
}

/// The result of auditing one certified (or fallback) settlement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum AuditOutcome {
    /// The certified settlement is the one every honest node computes.
    Match {
        /// The entries root (for a fallback, the root of the base-weight entries it paid).
        #[serde(with = "floe_economics::hex_serde::bytes")]
        root: Vec<u8>,
    },
    /// The certified settlement differs from the recomputation.
    Mismatch {
        /// The settled epoch.
        epoch: Epoch,
        /// The certified root (empty for a fallback, which certifies no root).
        #[serde(with = "floe_economics::hex_serde::bytes")]
        certified_root: Vec<u8>,
        /// The recomputed root.
        #[serde(with = "floe_economics::hex_serde::bytes")]
        recomputed_root: Vec<u8>,
        /// One line per differing field, e.g. `pot: certified 10 recomputed 12`.
        differences: Vec<String>,
    },
    /// The events observed do not determine the settlement.
    Unverifiable {
        /// The settled epoch.
        epoch: Epoch,
        /// Why.
        reason: String,
    },
}

impl AuditOutcome {
    /// Whether the certified settlement matched.
    pub fn is_match(&self) -> bool {
        matches!(self, AuditOutcome::Match { .. })
    }
}

impl fmt::Display for AuditOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuditOutcome::Match { root } => {
                write!(
                    f,
                    "settlement matches the recomputation (root {})",
                    to_hex(root)
                )
            }
            AuditOutcome::Mismatch {
                epoch,
                certified_root,
                recomputed_root,
                differences,
            } => write!(
                f,
                "settlement of epoch {epoch} does not match: certified root {}, recomputed {}: {}",
                to_hex(certified_root),
                to_hex(recomputed_root),
                differences.join("; ")
            ),
            AuditOutcome::Unverifiable { epoch, reason } => {
                write!(
                    f,
                    "settlement of epoch {epoch} cannot be verified: {reason}"
                )
            }
        }
    }
}

/// What [`AuditState::process`] found in one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "finding", rename_all = "snake_case")]
pub enum Finding {
    /// A settlement was audited (`EpochSettled`, `EpochSettledByFallback`, or an
    /// `EpochPotClosed` that paid the pot at the epoch change).
    Settlement {
        /// The settled epoch.
        epoch: Epoch,
        /// The audit.
        outcome: AuditOutcome,
    },
    /// A `RewardsClaimed` credited an entry that differs from the recomputed one.
    ClaimDiffers {
        /// The claimed epoch.
        epoch: Epoch,
        /// The pool.
        node_id: ObjectId,
        /// The differences ([`AuditState::check_claim`]).
        difference: String,
    },
}

/// The recomputed settlement of an audited epoch, kept for [`AuditState::check_claim`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecomputedSettlement {
    /// The header every honest node signs (for a fallback: the base-weight header).
    pub header: SettlementHeader,
    /// The entries, sorted by pool id.
    pub entries: Vec<SettlementEntry>,
    /// Whether the epoch was paid by base weight (fallback or at the epoch change).
    pub by_fallback: bool,
    /// The pools whose `RewardsClaimed` was observed.
    pub claimed: BTreeSet<ObjectId>,
}

impl RecomputedSettlement {
    /// The recomputed entry of `pool`.
    pub fn entry(&self, pool: &ObjectId) -> Option<&SettlementEntry> {
        self.entries
            .binary_search_by(|e| e.pool_id.cmp(&pool.0))
            .ok()
            .and_then(|i| self.entries.get(i))
    }
}

/// The inputs of one epoch, gathered from its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct EpochInputs {
    /// Members in committee order, with their shard counts.
    committee: Vec<(ObjectId, u16)>,
    /// `PoolAdvanced.wal_balance` of the members (challenger weights).
    stake: BTreeMap<ObjectId, Frost>,
    /// Commission in force, per member (from `PoolAdvanced`, completed at the epoch's end from
    /// the commission table).
    commission: BTreeMap<ObjectId, u16>,
    /// Result vectors, by challenger.
    results: BTreeMap<ObjectId, Vec<u16>>,
    /// The pot, once the epoch ended.
    pot: Option<Frost>,
    /// The parameters in force when the epoch ended.
    params_at_end: Option<AuditParams>,
}

/// A commission rate and the change waiting to take effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Commission {
    /// In force.
    rate: u16,
    /// `(effective_epoch, rate)` of the last change set.
    pending: Option<(Epoch, u16)>,
}

impl Commission {
    /// The rate in force in `epoch` (pending changes take effect at their epoch).
    fn at(&self, epoch: Epoch) -> u16 {
        match self.pending {
            Some((at, rate)) if at <= epoch => rate,
            _ => self.rate,
        }
    }

    /// Folds a pending change that took effect by `epoch`.
    fn settle_pending(&mut self, epoch: Epoch) {
        if let Some((at, rate)) = self.pending {
            if at <= epoch {
                self.rate = rate;
                self.pending = None;
            }
        }
    }
}

/// The audit's state: everything future audits need, folded from the events in chain order.
/// Serde (JSON) form for persisting it with each committed batch; see the module doc for its
/// bounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditState {
    /// Parameters in force.
    params: AuditParams,
    /// Set when a followed proposal had to be dropped ([`MAX_TRACKED_PROPOSALS`]): the
    /// parameters may be stale, so a mismatch is reported as unverifiable.
    params_uncertain: bool,
    /// Proposals changing `burn_bps` or the curve, by id, until executed or failed.
    proposals: BTreeMap<u64, AuditParamChange>,
    /// Commission per registered pool.
    commission: BTreeMap<ObjectId, Commission>,
    /// Inputs of the epochs awaiting settlement.
    epochs: BTreeMap<Epoch, EpochInputs>,
    /// The newest epoch whose inputs were dropped for [`MAX_OPEN_EPOCHS`].
    dropped_through: Option<Epoch>,
    /// Recomputed settlements of the last audited epochs.
    settled: BTreeMap<Epoch, RecomputedSettlement>,
}

/// A governance change of the settlement's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum AuditParamChange {
    BurnBps(u16),
    Curve(PerformanceCurve),
}

impl AuditParamChange {
    /// The change of a `ProposalCreated`, if it changes a settlement parameter.
    fn of(parameter: &str, values: &[u64]) -> Option<Self> {
        match ParamChange::from_parts(parameter, values).ok()? {
            ParamChange::BurnBps(b) => Some(AuditParamChange::BurnBps(b)),
            ParamChange::Curve(c) => Some(AuditParamChange::Curve(c)),
            _ => None,
        }
    }

    fn apply(self, p: &mut AuditParams) {
        match self {
            AuditParamChange::BurnBps(b) => p.burn_bps = b,
            AuditParamChange::Curve(c) => p.curve = c,
        }
    }
}

impl Default for AuditState {
    /// [`AuditState::new`] with [`AuditParams::default`].
    fn default() -> Self {
        AuditState::new(AuditParams::default())
    }
}

impl AuditState {
    /// An audit starting at genesis with the chain's genesis settlement parameters (the
    /// indexer's configuration: the events do not carry them).
    pub fn new(params: AuditParams) -> Self {
        AuditState {
            params,
            params_uncertain: false,
            proposals: BTreeMap::new(),
            commission: BTreeMap::new(),
            epochs: BTreeMap::new(),
            dropped_through: None,
            settled: BTreeMap::new(),
        }
    }

    /// The settlement parameters in force (genesis configuration plus executed proposals).
    pub fn params(&self) -> AuditParams {
        self.params
    }

    /// The epochs whose inputs are held, awaiting settlement.
    pub fn open_epochs(&self) -> impl Iterator<Item = Epoch> + '_ {
        self.epochs.keys().copied()
    }

    /// Folds one event, in chain order. Settlement events are audited by
    /// [`AuditState::audit_settled`] / [`AuditState::audit_fallback`] (or all at once by
    /// [`AuditState::process`]); here they are ignored. Call [`AuditState::check_claim`] on a
    /// `RewardsClaimed` before folding it: folding the last claim of an epoch releases its
    /// recomputed entries.
    pub fn observe(&mut self, event: &FloeEvent) {
        match event {
            FloeEvent::NodeRegistered(e) => {
                self.commission.insert(
                    ObjectId(e.node_id),
                    Commission {
                        rate: e.commission_rate,
                        pending: None,
                    },
                );
            }
            FloeEvent::CommissionRateSet(e) => {
                let c = self
                    .commission
                    .entry(ObjectId(e.node_id))
                    .or_insert(Commission {
                        rate: e.commission_rate,
                        pending: None,
                    });
                // A change that took effect already is in force now; the new one replaces any
                // change still waiting (the contracts keep one).
                c.settle_pending(e.epoch);
                c.pending = Some((e.effective_epoch, e.commission_rate));
            }
            FloeEvent::CommitteeSelected(e) => self.committee_selected(e),
            FloeEvent::PoolAdvanced(e) => {
                let id = ObjectId(e.node_id);
                let c = self.commission.entry(id).or_insert(Commission {
                    rate: e.commission_rate,
                    pending: None,
                });
                c.settle_pending(e.epoch);
                if c.rate != e.commission_rate {
                    tracing::warn!(
                        pool = %id,
                        epoch = e.epoch,
                        tracked = c.rate,
                        advanced = e.commission_rate,
                        "commission from CommissionRateSet differs from PoolAdvanced; using PoolAdvanced"
                    );
                    c.rate = e.commission_rate;
                }
                if let Some(inputs) = self.epochs.get_mut(&e.epoch) {
                    if inputs.committee.iter().any(|(k, _)| *k == id) {
                        inputs.stake.insert(id, e.wal_balance);
                        inputs.commission.insert(id, e.commission_rate);
                    }
                }
            }
            FloeEvent::ChallengeResultsSubmitted(e) => {
                if let Some(inputs) = self.epochs.get_mut(&e.epoch) {
                    inputs
                        .results
                        .insert(ObjectId(e.node_id), e.results.clone());
                }
            }
            FloeEvent::EpochPotClosed(e) => self.pot_closed(e),
            FloeEvent::ProposalCreated(e) => {
                if let Some(change) = AuditParamChange::of(&e.parameter, &e.values) {
                    self.proposals.insert(e.proposal_id, change);
                    while self.proposals.len() > MAX_TRACKED_PROPOSALS {
                        if let Some((id, _)) = self.proposals.pop_first() {
                            tracing::warn!(proposal = id, "too many open proposals: dropped one");
                            self.params_uncertain = true;
                        }
                    }
                }
            }
            FloeEvent::ProposalFinalized(e) if !e.passed => {
                self.proposals.remove(&e.proposal_id);
            }
            FloeEvent::ProposalExecuted(e) => {
                if let Some(change) = self.proposals.remove(&e.proposal_id) {
                    change.apply(&mut self.params);
                }
            }
            FloeEvent::RewardsClaimed(e) => {
                let pool = ObjectId(e.node_id);
                if let Some(s) = self.settled.get_mut(&e.epoch) {
                    if s.entry(&pool).is_some() {
                        s.claimed.insert(pool);
                    }
                    if s.claimed.len() == s.entries.len() {
                        self.settled.remove(&e.epoch);
                    }
                }
            }
            _ => {}
        }
    }

    /// Folds one event and audits it if it settles an epoch or credits a claim: the one call
    /// an indexer makes per event, in chain order.
    pub fn process(&mut self, event: &FloeEvent) -> Option<Finding> {
        let finding = match event {
            FloeEvent::EpochSettled(e) => Some(Finding::Settlement {
                epoch: e.epoch,
                outcome: self.audit_settled(e),
            }),
            FloeEvent::EpochSettledByFallback(e) => Some(Finding::Settlement {
                epoch: e.epoch,
                outcome: self.audit_fallback(e),
            }),
            FloeEvent::RewardsClaimed(e) => {
                self.check_claim(e).map(|difference| Finding::ClaimDiffers {
                    epoch: e.epoch,
                    node_id: ObjectId(e.node_id),
                    difference,
                })
            }
            _ => None,
        };
        self.observe(event);
        if let FloeEvent::EpochPotClosed(e) = event {
            return self.audit_pot_closed(e).map(|outcome| Finding::Settlement {
                epoch: e.epoch,
                outcome,
            });
        }
        finding
    }

    fn committee_selected(&mut self, e: &floe_economics::events::CommitteeSelected) {
        if e.node_ids.len() != e.shards.len() {
            tracing::warn!(
                epoch = e.epoch,
                "CommitteeSelected with unequal node and shard lists"
            );
            return;
        }
        let mut committee = Vec::with_capacity(e.node_ids.len());
        for (id, shards) in e.node_ids.iter().zip(&e.shards) {
            let Ok(n) = u16::try_from(shards.len()) else {
                tracing::warn!(epoch = e.epoch, "CommitteeSelected with too many shards");
                return;
            };
            committee.push((ObjectId(*id), n));
        }
        if committee.is_empty() {
            // No committee: the epoch's pot is burned, nothing will be settled.
            self.epochs.remove(&e.epoch);
            return;
        }
        self.epochs.insert(
            e.epoch,
            EpochInputs {
                committee,
                stake: BTreeMap::new(),
                commission: BTreeMap::new(),
                results: BTreeMap::new(),
                pot: None,
                params_at_end: None,
            },
        );
        while self.epochs.len() > MAX_OPEN_EPOCHS {
            if let Some((epoch, _)) = self.epochs.pop_first() {
                tracing::warn!(epoch, "dropped the inputs of an epoch never settled");
                self.dropped_through = Some(self.dropped_through.map_or(epoch, |d| d.max(epoch)));
            }
        }
    }

    fn pot_closed(&mut self, e: &EpochPotClosed) {
        let params = self.params;
        let Some(inputs) = self.epochs.get_mut(&e.epoch) else {
            return;
        };
        inputs.pot = Some(e.total);
        inputs.params_at_end = Some(params);
        // Commission rates change only at epoch boundaries: the table's rate in the epoch is
        // the one in force at its end.
        for (id, _) in &inputs.committee {
            if !inputs.commission.contains_key(id) {
                if let Some(c) = self.commission.get(id) {
                    inputs.commission.insert(*id, c.at(e.epoch));
                }
            }
        }
    }

    /// Recomputes the settlement of an ended epoch held open (not yet audited) with the
    /// parameters in force: what every honest node signs now. Refuses what the events do not
    /// determine ([`AuditError`]).
    pub fn recompute(&self, epoch: Epoch) -> Result<EpochSettlement, AuditError> {
        self.recompute_with(epoch, self.params, false)
    }

    fn inputs(&self, epoch: Epoch) -> Result<&EpochInputs, AuditError> {
        match self.epochs.get(&epoch) {
            Some(i) => Ok(i),
            None if self.dropped_through.is_some_and(|d| epoch <= d) => {
                Err(AuditError::Dropped { epoch })
            }
            None => Err(AuditError::UnknownEpoch { epoch }),
        }
    }

    /// The settlement of `epoch` with `params`; by base weight alone (`fallback`): no
    /// challenge results.
    fn recompute_with(
        &self,
        epoch: Epoch,
        params: AuditParams,
        fallback: bool,
    ) -> Result<EpochSettlement, AuditError> {
        let inputs = self.inputs(epoch)?;
        let pot = inputs.pot.ok_or(AuditError::NotEnded { epoch })?;
        let nodes = inputs
            .committee
            .iter()
            .map(|(id, shards)| {
                let commission_bps = *inputs
                    .commission
                    .get(id)
                    .ok_or(AuditError::MissingCommission { epoch, pool: *id })?;
                Ok(SettlementNode {
                    pool_id: id.0,
                    shards: *shards,
                    // Uniform across nodes, so it cancels out (module doc).
                    stored_bytes: 1,
                    commission_bps,
                })
            })
            .collect::<Result<Vec<_>, AuditError>>()?;
        let challengers: Vec<ChallengerResults> = if fallback || inputs.results.is_empty() {
            // Without any result vector the weights do not matter: no quorum of evidence,
            // every factor neutral (the fallback passes none at all).
            Vec::new()
        } else {
            inputs
                .committee
                .iter()
                .map(|(id, _)| {
                    let stake = *inputs
                        .stake
                        .get(id)
                        .ok_or(AuditError::MissingStake { epoch, pool: *id })?;
                    Ok(ChallengerResults {
                        stake,
                        results: inputs.results.get(id).cloned(),
                    })
                })
                .collect::<Result<_, AuditError>>()?
        };
        settle(&SettlementInput {
            epoch,
            pot,
            burn_bps: params.burn_bps,
            curve: params.curve,
            nodes: &nodes,
            challengers: &challengers,
        })
        .map_err(|error| AuditError::Settle { epoch, error })
    }

    /// The recomputations to try: with the parameters in force, then with those in force
    /// when the epoch ended if they differ.
    fn candidates(&self, epoch: Epoch, fallback: bool) -> Result<Vec<EpochSettlement>, AuditError> {
        let mut out = vec![self.recompute_with(epoch, self.params, fallback)?];
        let at_end = self.epochs.get(&epoch).and_then(|i| i.params_at_end);
        if let Some(p) = at_end.filter(|p| *p != self.params) {
            if let Ok(s) = self.recompute_with(epoch, p, fallback) {
                out.push(s);
            }
        }
        Ok(out)
    }

    /// Audits a certified settlement: recomputes the epoch's settlement from the events folded
    /// so far and compares the header. The epoch's inputs are then released and its recomputed
    /// entries kept for [`AuditState::check_claim`]. Auditing the same epoch again (a replayed
    /// event) compares with the kept recomputation.
    pub fn audit_settled(&mut self, settled: &EpochSettled) -> AuditOutcome {
        let epoch = settled.epoch;
        let candidates = match self.candidates(epoch, false) {
            Ok(c) => c,
            Err(e) => {
                return self.replayed_or(epoch, e, settled.entries_root.clone(), |h| {
                    certified_differences(settled, h)
                })
            }
        };
        self.conclude(
            epoch,
            candidates,
            false,
            settled.entries_root.clone(),
            |h| certified_differences(settled, h),
        )
    }

    /// Audits a fallback distribution: recomputes the epoch's base-weight settlement (no
    /// challenge results, shards alone) and compares the totals the event reports (it
    /// certifies no root; the entries are checked claim by claim by
    /// [`AuditState::check_claim`] on its `RewardsClaimed` events).
    pub fn audit_fallback(&mut self, settled: &EpochSettledByFallback) -> AuditOutcome {
        let epoch = settled.epoch;
        let totals = (settled.pot, settled.burned, settled.paid);
        let candidates = match self.candidates(epoch, true) {
            Ok(c) => c,
            Err(e) => {
                return self.replayed_or(epoch, e, Vec::new(), |h| total_differences(totals, h))
            }
        };
        self.conclude(epoch, candidates, true, Vec::new(), |h| {
            total_differences(totals, h)
        })
    }

    /// Audits an `EpochPotClosed` that paid the pot at the epoch change (a chain whose genesis
    /// sets no settlement round, `settlement_fallback_epochs = 0`: the change pays by base
    /// weight, as the fallback). `None` for a pot left to the settlement (nothing burned or
    /// distributed yet) or an epoch without committee. Call after folding the event.
    pub fn audit_pot_closed(&mut self, closed: &EpochPotClosed) -> Option<AuditOutcome> {
        if closed.burned == 0 && closed.distributed == 0 {
            return None;
        }
        let epoch = closed.epoch;
        self.epochs.get(&epoch)?;
        let totals = (closed.total, closed.burned, closed.distributed);
        let candidates = match self.candidates(epoch, true) {
            Ok(c) => c,
            Err(e) => {
                self.epochs.remove(&epoch);
                return Some(AuditOutcome::Unverifiable {
                    epoch,
                    reason: e.to_string(),
                });
            }
        };
        Some(self.conclude(epoch, candidates, true, Vec::new(), |h| {
            total_differences(totals, h)
        }))
    }

    /// The outcome for an epoch without inputs: the kept recomputation's if it was audited
    /// before (a replay), else unverifiable.
    fn replayed_or(
        &self,
        epoch: Epoch,
        error: AuditError,
        certified_root: Vec<u8>,
        differences: impl Fn(&SettlementHeader) -> Vec<String>,
    ) -> AuditOutcome {
        match self.settled.get(&epoch) {
            Some(s) => {
                let d = differences(&s.header);
                if d.is_empty() {
                    AuditOutcome::Match {
                        root: s.header.entries_root.to_vec(),
                    }
                } else {
                    AuditOutcome::Mismatch {
                        epoch,
                        certified_root,
                        recomputed_root: s.header.entries_root.to_vec(),
                        differences: d,
                    }
                }
            }
            None => AuditOutcome::Unverifiable {
                epoch,
                reason: error.to_string(),
            },
        }
    }

    /// Compares the candidates, keeps the chosen recomputation, releases the inputs.
    fn conclude(
        &mut self,
        epoch: Epoch,
        candidates: Vec<EpochSettlement>,
        by_fallback: bool,
        certified_root: Vec<u8>,
        differences: impl Fn(&SettlementHeader) -> Vec<String>,
    ) -> AuditOutcome {
        let matched = candidates
            .iter()
            .position(|c| differences(&c.header).is_empty());
        let Some(first) = candidates.first() else {
            return AuditOutcome::Unverifiable {
                epoch,
                reason: "nothing recomputed".into(),
            };
        };
        let chosen = matched.and_then(|i| candidates.get(i)).unwrap_or(first);
        let outcome = if matched.is_some() {
            AuditOutcome::Match {
                root: chosen.header.entries_root.to_vec(),
            }
        } else if self.params_uncertain {
            AuditOutcome::Unverifiable {
                epoch,
                reason: format!(
                    "recomputation differs ({}), but a governance proposal on burn_bps or the \
                     curve was dropped unfollowed, so the parameters may be stale",
                    differences(&chosen.header).join("; ")
                ),
            }
        } else {
            AuditOutcome::Mismatch {
                epoch,
                certified_root,
                recomputed_root: chosen.header.entries_root.to_vec(),
                differences: differences(&chosen.header),
            }
        };
        self.keep(
            epoch,
            RecomputedSettlement {
                header: chosen.header,
                entries: chosen.entries.clone(),
                by_fallback,
                claimed: BTreeSet::new(),
            },
        );
        self.epochs.remove(&epoch);
        outcome
    }

    fn keep(&mut self, epoch: Epoch, s: RecomputedSettlement) {
        if s.entries.is_empty() {
            return;
        }
        self.settled.insert(epoch, s);
        while self.settled.len() > RETAINED_SETTLED_EPOCHS {
            self.settled.pop_first();
        }
    }

    /// The recomputed settlement of an audited epoch, while kept (the last
    /// [`RETAINED_SETTLED_EPOCHS`] audited epochs, each until all its pools claimed).
    pub fn recomputed(&self, epoch: Epoch) -> Option<&RecomputedSettlement> {
        self.settled.get(&epoch)
    }

    /// Compares the entry a `RewardsClaimed` credited with the recomputed one: `None` if they
    /// agree, or if no recomputation of that epoch is kept ([`AuditState::recomputed`] tells
    /// which); otherwise the differences, naming the epoch, the pool and each field. A pool
    /// without shares takes its whole reward as commission (the contracts' rule), which is
    /// not a difference. Call before folding the event with [`AuditState::observe`].
    pub fn check_claim(&self, claim: &RewardsClaimed) -> Option<String> {
        let s = self.settled.get(&claim.epoch)?;
        let pool = ObjectId(claim.node_id);
        let Some(entry) = s.entry(&pool) else {
            return Some(format!(
                "epoch {} pool {pool}: credited staker_reward {} commission {}, but the pool has \
                 no entry in the recomputed settlement",
                claim.epoch, claim.staker_reward, claim.commission
            ));
        };
        let mut d = Vec::new();
        if claim.shards != entry.shards {
            d.push(format!(
                "shards: certified {} recomputed {}",
                claim.shards, entry.shards
            ));
        }
        if claim.performance_bps != entry.performance_bps {
            d.push(format!(
                "performance_bps: certified {} recomputed {}",
                claim.performance_bps, entry.performance_bps
            ));
        }
        let all_commission = claim.staker_reward == 0
            && u128::from(claim.commission)
                == u128::from(entry.staker_reward) + u128::from(entry.commission);
        if !all_commission {
            if claim.staker_reward != entry.staker_reward {
                d.push(format!(
                    "staker_reward: certified {} recomputed {}",
                    claim.staker_reward, entry.staker_reward
                ));
            }
            if claim.commission != entry.commission {
                d.push(format!(
                    "commission: certified {} recomputed {}",
                    claim.commission, entry.commission
                ));
            }
        }
        if d.is_empty() {
            None
        } else {
            Some(format!(
                "epoch {} pool {pool}: {}",
                claim.epoch,
                d.join("; ")
            ))
        }
    }
}

/// The fields of a certified header that differ from the recomputed one.
fn certified_differences(c: &EpochSettled, r: &SettlementHeader) -> Vec<String> {
    let mut d = Vec::new();
    if c.n_entries != r.n_entries {
        d.push(format!(
            "n_entries: certified {} recomputed {}",
            c.n_entries, r.n_entries
        ));
    }
    d.extend(total_differences((c.pot, c.burned, c.paid), r));
    if c.entries_root.as_slice() != r.entries_root.as_slice() {
        let totals_agree = d.is_empty();
        d.push(format!(
            "entries_root: certified {} recomputed {}{}",
            to_hex(&c.entries_root),
            to_hex(&r.entries_root),
            if totals_agree {
                " (same totals: the entries split the pot differently; the pools' \
                 RewardsClaimed events will show which)"
            } else {
                ""
            }
        ));
    }
    d
}

/// The totals `(pot, burned, paid)` that differ from the recomputed header.
fn total_differences(
    (pot, burned, paid): (Frost, Frost, Frost),
    r: &SettlementHeader,
) -> Vec<String> {
    let mut d = Vec::new();
    for (name, c, r) in [
        ("pot", pot, r.pot),
        ("burned", burned, r.burned),
        ("paid", paid, r.paid),
    ] {
        if c != r {
            d.push(format!("{name}: certified {c} recomputed {r}"));
        }
    }
    d
}
