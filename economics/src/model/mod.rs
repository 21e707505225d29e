//! The reference model of the contracts' state machine.
//!
//! [`System`] holds the whole state the Move contracts hold (accounts stand in for `Coin<WAL>`
//! objects) and applies the same operations with the same rules and the same refusals
//! ([`errors::Error`]). Every operation checks all its preconditions before it changes
//! anything, so a refusal leaves the state untouched, and no operation creates or destroys
//! FROST: [`System::total_frost`] (including what was burned) always equals the genesis supply.
//!
//! The operations are split by concept:
//! - [`staking`]: pools, stake and shares, activation and withdrawal epochs, commission timing;
//! - [`committee`]: D'Hondt apportionment and minimal-movement reassignment;
//! - [`storage`]: storage resources, per-epoch pots (ring buffer up to `max_epochs_ahead`),
//!   blobs (register, certify, extend, delete), split and fuse;
//! - [`epochs`]: price and rate votes, committee selection, the epoch change;
//! - [`challenges`]: the challengers' result vectors;
//! - [`claims`]: settlement submission, claims with Merkle proofs, the fallback;
//! - [`governance`]: stake-weighted parameter proposals;
//! - [`lifecycle`]: blob attributes, burning, replacement, shared blobs, storage pools.

pub mod active_set;
pub mod challenges;
pub mod claims;
pub mod committee;
pub mod epochs;
pub mod errors;
pub mod governance;
pub mod lifecycle;
pub mod staking;
pub mod storage;

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::performance::{ChallengerResults, PerformanceCurve};
use crate::price::{usd_to_frost, PriceVote, UsdPrices};
use crate::settlement::{SettlementHeader, SettlementNode};
use crate::wal_rate::RateWindow;
use crate::{Epoch, Frost};

pub use errors::{Error, Result};

/// A 32-byte object id or address (Sui's `ID` / `address`): `0x` + 64 hex digits as text
/// (shorter values are left-padded with zeros, as Sui addresses are), the 32 raw bytes in BCS.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub struct ObjectId(#[serde(with = "crate::hex_serde::bytes32")] pub [u8; 32]);

impl ObjectId {
    /// An id whose last 8 bytes are `n` big-endian (handy for tests and accounts).
    pub fn from_u64(n: u64) -> Self {
        let mut b = [0u8; 32];
        b[24..].copy_from_slice(&n.to_be_bytes());
        ObjectId(b)
    }
}

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::hex_serde::to_hex(&self.0))
    }
}

impl fmt::Debug for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for ObjectId {
    type Err = String;

    /// Parses `0x` + 1 to 64 hex digits.
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        crate::hex_serde::parse_hex32(s).map(ObjectId)
    }
}

/// Governed parameters of the system. Their serde form (a chain's genesis file) names every
/// field as here, with the curve as `curve_zero_below_bps` / `curve_full_at_bps`; a missing
/// field takes its default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Params {
    /// Number of shards.
    pub n_shards: u16,
    /// Farthest epoch (from the current one) storage can be bought for; the pot ring size.
    pub max_epochs_ahead: u32,
    /// Minimum stake per receipt, FROST.
    pub min_stake: Frost,
    /// Largest commission, bps.
    pub commission_cap_bps: u16,
    /// Burn share of each pot, bps.
    pub burn_bps: u16,
    /// Stability guard: largest USD price move per epoch, bps (0 = off).
    pub max_price_step_bps: u32,
    /// Performance curve.
    #[serde(flatten, with = "curve_fields")]
    pub curve: PerformanceCurve,
    /// Challenges per shard and epoch (used by the nodes; governed here), 1 to
    /// [`MAX_CHALLENGES_PER_SHARD`].
    pub challenges_per_shard: u32,
    /// How long after the epoch's challenge seed nodes have to answer, and refuse recovery of
    /// challenged blobs to other committee members, ms (1 to [`MAX_CHALLENGE_WINDOW_MS`]).
    #[serde(skip_serializing_if = "is_default_challenge_window")]
    pub challenge_window_ms: u64,
    /// Epochs after an epoch's end from which the fallback distribution is allowed. `0`: no
    /// settlement round at all — the epoch change itself pays the ended epoch's pot by base
    /// weight, before the pools process withdrawals and activations (the core contracts' rule
    /// until the settlement contracts land). Genesis only: governance cannot set `0`.
    pub settlement_fallback_epochs: u32,
    /// Rate samples averaged: the last 3, sampled hourly on chain (Move's
    /// `rate_sample_interval_ms`); see `examples/price_stability.rs`.
    pub rate_window_samples: u32,
    /// Largest number of nodes in a committee: the candidates with the most stake.
    pub max_active_nodes: u32,
    /// Stake (FROST, for the next epoch) a node needs to be a candidate; `min_stake` if that
    /// is more (the default, 0, means `min_stake`; Move's `params::new` sets `min_stake`).
    pub min_candidate_stake: Frost,
    /// Most candidates in the active set ([`active_set`]), from `max_active_nodes` to
    /// [`MAX_CANDIDATES`].
    pub max_candidates: u32,
    /// Largest number of shards one node may hold (Walrus's cap for the committee's size
    /// applies too).
    pub max_shards_per_node: u16,
    /// Governance: share of the snapshot stake that must vote, bps.
    pub gov_quorum_bps: u16,
    /// Governance: share of the votes cast that must approve, bps (strictly more than).
    pub gov_threshold_bps: u16,
    /// Governance: voting period, epochs.
    pub gov_voting_epochs: u32,
    /// Governance: delay between the end of voting and execution, epochs.
    pub gov_timelock_epochs: u32,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            n_shards: 1000,
            max_epochs_ahead: 53,
            min_stake: crate::FROST_PER_WAL,
            commission_cap_bps: 10_000,
            burn_bps: 500,
            max_price_step_bps: 1000,
            curve: PerformanceCurve::default(),
            challenges_per_shard: 10,
            challenge_window_ms: DEFAULT_CHALLENGE_WINDOW_MS,
            settlement_fallback_epochs: 2,
            rate_window_samples: 3,
            max_active_nodes: 100,
            min_candidate_stake: 0,
            max_candidates: 200,
            max_shards_per_node: 1000,
            gov_quorum_bps: 3_334,
            gov_threshold_bps: 5_000,
            gov_voting_epochs: 2,
            gov_timelock_epochs: 1,
        }
    }
}

/// Genesis files written before the challenge window was a parameter keep their exact form.
fn is_default_challenge_window(ms: &u64) -> bool {
    *ms == DEFAULT_CHALLENGE_WINDOW_MS
}

/// The curve as two flat fields of [`Params`]' serde form.
mod curve_fields {
    use super::*;

    /// A field left out takes the default curve's value.
    #[derive(Serialize, Deserialize)]
    #[serde(default)]
    struct Fields {
        curve_zero_below_bps: u16,
        curve_full_at_bps: u16,
    }

    impl Default for Fields {
        fn default() -> Self {
            let c = PerformanceCurve::default();
            Fields {
                curve_zero_below_bps: c.zero_below_bps,
                curve_full_at_bps: c.full_at_bps,
            }
        }
    }

    pub fn serialize<S: serde::Serializer>(
        c: &PerformanceCurve,
        s: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        Fields {
            curve_zero_below_bps: c.zero_below_bps,
            curve_full_at_bps: c.full_at_bps,
        }
        .serialize(s)
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> std::result::Result<PerformanceCurve, D::Error> {
        let f = Fields::deserialize(d)?;
        Ok(PerformanceCurve {
            zero_below_bps: f.curve_zero_below_bps,
            full_at_bps: f.curve_full_at_bps,
        })
    }
}

/// A node's staking pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pool {
    /// The operator's address.
    pub operator: ObjectId,
    /// Commission in force, bps.
    pub commission_bps: u16,
    /// A commission change and the epoch it takes effect.
    pub pending_commission: Option<(Epoch, u16)>,
    /// FROST of the active stake (principal plus rewards).
    pub active_frost: Frost,
    /// Shares outstanding for the active stake.
    pub shares: u128,
    /// Stake waiting to activate, by activation epoch.
    pub pending: BTreeMap<Epoch, Frost>,
    /// FROST of processed withdrawals, waiting to be taken.
    pub withdrawable: Frost,
    /// Commission waiting to be collected.
    pub commission_balance: Frost,
    /// The address allowed to collect the commission (the operator until it sets another).
    pub commission_receiver: ObjectId,
    /// The node's price and capacity vote.
    pub vote: PriceVote,
    /// The node's last WAL/USD report (nano-USD per WAL).
    pub rate_report: Option<u64>,
    /// The exchange rate at the start of each epoch since registration: after the rewards
    /// credited at that epoch change, before its withdrawals and activations (the contracts'
    /// `exchange_rates`).
    pub exchange_rates: BTreeMap<Epoch, crate::rewards::ExchangeRate>,
}

/// What a chain is priced at before its first committee (the arguments of Move's
/// `system::create` after the parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenesisPricing {
    /// Storage price, nano-USD per unit per epoch.
    pub storage_price_usd: u64,
    /// Write price, nano-USD per unit.
    pub write_price_usd: u64,
    /// WAL/USD rate, nano-USD per WAL.
    pub wal_usd_rate: u64,
    /// Total capacity, bytes.
    pub capacity: u64,
}

impl Pool {
    /// Credits an epoch's reward: the stakers' part raises the exchange rate, the commission
    /// waits to be collected. A pool without shares has no stakers to own a reward, so all of
    /// it is commission (the contracts' `staking_pool::advance_epoch`). Returns the split
    /// applied.
    pub(crate) fn credit(&mut self, staker_reward: Frost, commission: Frost) -> Credit {
        let credit = if self.shares == 0 {
            Credit {
                staker_reward: 0,
                commission: staker_reward + commission,
            }
        } else {
            Credit {
                staker_reward,
                commission,
            }
        };
        self.active_frost += credit.staker_reward;
        self.commission_balance += credit.commission;
        credit
    }

    /// Takes `amount` of the stake pending for `activation_epoch` out of the pending book
    /// (the receipt activates or is withdrawn before it does).
    pub(crate) fn take_pending(&mut self, activation_epoch: Epoch, amount: Frost) {
        let slot = self
            .pending
            .get_mut(&activation_epoch)
            .expect("pending stake is recorded");
        *slot -= amount;
        if *slot == 0 {
            self.pending.remove(&activation_epoch);
        }
    }
}

/// State of a staked-WAL receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StakeState {
    /// Staked (pending until `activation_epoch`, then active).
    Staked,
    /// Withdrawal requested; shares leave the pool at `withdraw_epoch`, when `amount` is fixed.
    Withdrawing {
        /// The epoch from which it can be withdrawn.
        withdraw_epoch: Epoch,
        /// FROST owed, known once the withdraw epoch has started.
        amount: Option<Frost>,
    },
}

/// A staked-WAL receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StakedWal {
    /// Its owner.
    pub owner: ObjectId,
    /// The pool.
    pub pool: ObjectId,
    /// FROST staked.
    pub principal: Frost,
    /// Epoch from which it is active.
    pub activation_epoch: Epoch,
    /// Shares minted at activation (0 while pending).
    pub shares: u128,
    /// Its state.
    pub state: StakeState,
    /// First epoch whose governance snapshot it may vote in: its activation epoch, or, for a
    /// receipt made by a split or a join, the epoch after that (so no principal votes twice).
    pub votable_from: Epoch,
}

/// A storage resource: `size` bytes for epochs `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Storage {
    /// Its owner.
    pub owner: ObjectId,
    /// First epoch covered.
    pub start: Epoch,
    /// First epoch not covered.
    pub end: Epoch,
    /// Encoded bytes.
    pub size: u64,
}

/// A registered blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Blob {
    /// Its owner.
    pub owner: ObjectId,
    /// The blob id.
    pub blob_id: [u8; 32],
    /// Unencoded size.
    pub size: u64,
    /// Encoded size.
    pub encoded_size: u64,
    /// Whether it may be deleted.
    pub deletable: bool,
    /// Epoch it was certified in.
    pub certified_epoch: Option<Epoch>,
    /// The storage resource it occupies.
    pub storage: Storage,
    /// The storage resource's object id: wrapped in the blob, it keeps its id and comes back
    /// under it when the blob is deleted (as on Sui).
    pub storage_id: ObjectId,
}

/// One epoch in the future-accounting ring.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FutureEpoch {
    /// Encoded bytes reserved for the epoch.
    pub used_capacity: u64,
    /// FROST paid for the epoch (its pot).
    pub rewards: Frost,
}

/// An ended epoch awaiting (or after) settlement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndedEpoch {
    /// The pot.
    pub pot: Frost,
    /// The committee as settlement input (committee order).
    pub nodes: Vec<SettlementNode>,
    /// The challengers and their results.
    pub challengers: Vec<ChallengerResults>,
    /// The certified header, once settled.
    pub settled: Option<SettlementHeader>,
    /// FROST still to be claimed.
    pub remaining: Frost,
    /// What each pool that claimed (or was paid by the fallback) was credited.
    pub claimed: BTreeMap<ObjectId, Credit>,
}

/// What one pool was credited for an ended epoch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Credit {
    /// Into the pool's active stake (raising its exchange rate).
    pub staker_reward: Frost,
    /// Into the pool's commission balance.
    pub commission: Frost,
}

/// The whole state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct System {
    /// Governed parameters.
    pub params: Params,
    /// Current epoch.
    pub epoch: Epoch,
    /// FROST created at genesis (fixed supply).
    pub supply: Frost,
    /// FROST burned so far.
    pub burned: Frost,
    /// Account balances (stand-ins for coins).
    pub accounts: BTreeMap<ObjectId, Frost>,
    /// Staking pools.
    pub pools: BTreeMap<ObjectId, Pool>,
    /// Staked-WAL receipts.
    pub stakes: BTreeMap<ObjectId, StakedWal>,
    /// Current committee: pool → shard ids.
    pub committee: BTreeMap<ObjectId, Vec<u16>>,
    /// The current committee's members in committee order (most stake first; the order of
    /// certificate bitmaps and of `CommitteeSelected`).
    pub committee_order: Vec<ObjectId>,
    /// Next committee once selected, in committee order.
    pub next_committee: Option<Vec<(ObjectId, Vec<u16>)>>,
    /// USD prices in force.
    pub usd_prices: Option<UsdPrices>,
    /// FROST storage price per unit-epoch.
    pub storage_price: Frost,
    /// FROST write price per unit.
    pub write_price: Frost,
    /// Capacity in force, bytes.
    pub capacity: u64,
    /// Window of WAL/USD rate samples.
    pub rate_window: RateWindow,
    /// The candidates for the next committee.
    pub active_set: active_set::ActiveSet,
    /// The WAL/USD rate (nano-USD per WAL) the FROST prices in force come from; `None` until
    /// the chain has one (nothing can be sold before).
    pub wal_usd_rate: Option<u64>,
    /// `future[i]` accounts epoch `epoch + i`.
    pub future: VecDeque<FutureEpoch>,
    /// Storage resources not attached to a blob.
    pub storages: BTreeMap<ObjectId, Storage>,
    /// Blobs.
    pub blobs: BTreeMap<ObjectId, Blob>,
    /// Attributes of blobs that have any.
    pub blob_attributes: BTreeMap<ObjectId, BTreeMap<String, String>>,
    /// Shared blobs (their funds are their accounts).
    pub shared_blobs: BTreeMap<ObjectId, lifecycle::SharedBlob>,
    /// Storage pools.
    pub storage_pools: BTreeMap<ObjectId, lifecycle::StoragePool>,
    /// Burned certified blobs, whose data stays stored until their end epoch.
    pub burned_blobs: Vec<Blob>,
    /// Challenge result vectors of the current epoch, by challenger pool.
    pub challenge_results: BTreeMap<ObjectId, Vec<u16>>,
    /// The current epoch's challenge seed, once drawn.
    pub challenge_seed: Option<[u8; 32]>,
    /// Each current committee member's active stake in the epoch (its pool's stake after the
    /// epoch change; Move's `PoolAdvanced.wal_balance`): the challenger weights.
    pub committee_stake: BTreeMap<ObjectId, Frost>,
    /// Ended epochs.
    pub ended: BTreeMap<Epoch, EndedEpoch>,
    /// Governance proposals.
    pub proposals: BTreeMap<u64, governance::Proposal>,
    /// Capacity and USD prices computed at committee selection, applied at the epoch change
    /// (an empty committee keeps the current ones, which are `None` before the first committee).
    pub pending_epoch_params: Option<(u64, Option<UsdPrices>)>,
    /// Each registered node's BLS12-381 public key (48 bytes, compressed G1), as registered:
    /// the keys certificates are verified against (the model keeps them; the ledger verifies).
    pub bls_keys: BTreeMap<ObjectId, Vec<u8>>,
    next_id: u64,
}

impl System {
    /// A new system at epoch 0 with the given genesis balances. The first committee is chosen
    /// by [`System::select_committee`] + [`System::advance_epoch`] once nodes have stake.
    pub fn new(params: Params, genesis: &[(ObjectId, Frost)]) -> Result<Self> {
        validate_params(&params)?;
        let mut accounts = BTreeMap::new();
        let mut supply: Frost = 0;
        for (a, f) in genesis {
            supply = supply.checked_add(*f).ok_or(Error::EOverflow)?;
            *accounts.entry(*a).or_insert(0) += *f;
        }
        Ok(System {
            params,
            epoch: 0,
            supply,
            burned: 0,
            accounts,
            pools: BTreeMap::new(),
            stakes: BTreeMap::new(),
            committee: BTreeMap::new(),
            committee_order: Vec::new(),
            next_committee: None,
            usd_prices: None,
            storage_price: 0,
            write_price: 0,
            capacity: 0,
            rate_window: RateWindow::new(params.rate_window_samples as usize),
            active_set: Default::default(),
            wal_usd_rate: None,
            future: (0..=params.max_epochs_ahead)
                .map(|_| FutureEpoch::default())
                .collect(),
            storages: BTreeMap::new(),
            blobs: BTreeMap::new(),
            blob_attributes: BTreeMap::new(),
            shared_blobs: BTreeMap::new(),
            storage_pools: BTreeMap::new(),
            burned_blobs: Vec::new(),
            challenge_results: BTreeMap::new(),
            challenge_seed: None,
            committee_stake: BTreeMap::new(),
            ended: BTreeMap::new(),
            proposals: BTreeMap::new(),
            pending_epoch_params: None,
            bls_keys: BTreeMap::new(),
            next_id: 1,
        })
    }

    /// A chain that starts priced, as the contracts' `system::create` does: the USD prices,
    /// the WAL/USD rate and the capacity in force until the first committee votes and
    /// reports, so storage can be bought from epoch 0. Refuses
    /// what [`System::new`] refuses and a zero rate (`EInvalidRate`).
    pub fn new_priced(
        params: Params,
        genesis: &[(ObjectId, Frost)],
        pricing: GenesisPricing,
    ) -> Result<Self> {
        let mut s = Self::new(params, genesis)?;
        if pricing.wal_usd_rate == 0 {
            return Err(Error::EInvalidRate);
        }
        s.storage_price = usd_to_frost(pricing.storage_price_usd, pricing.wal_usd_rate)?;
        s.write_price = usd_to_frost(pricing.write_price_usd, pricing.wal_usd_rate)?;
        s.usd_prices = Some(UsdPrices {
            storage_nano_usd: pricing.storage_price_usd,
            write_nano_usd: pricing.write_price_usd,
        });
        s.wal_usd_rate = Some(pricing.wal_usd_rate);
        s.capacity = pricing.capacity;
        Ok(s)
    }

    /// A fresh object id (deterministic: tag byte `0xF1`, then a counter).
    fn fresh_id(&mut self) -> ObjectId {
        let mut id = ObjectId::from_u64(self.next_id);
        id.0[0] = 0xF1;
        self.next_id += 1;
        id
    }

    /// Balance of an account.
    pub fn balance(&self, who: &ObjectId) -> Frost {
        self.accounts.get(who).copied().unwrap_or(0)
    }

    fn debit_check(&self, who: &ObjectId, amount: Frost) -> Result<()> {
        if self.balance(who) < amount {
            Err(Error::ENotEnoughFunds)
        } else {
            Ok(())
        }
    }

    fn debit(&mut self, who: &ObjectId, amount: Frost) {
        if amount > 0 {
            *self.accounts.get_mut(who).expect("checked by debit_check") -= amount;
        }
    }

    fn credit(&mut self, who: &ObjectId, amount: Frost) {
        if amount > 0 {
            *self.accounts.entry(*who).or_insert(0) += amount;
        }
    }

    /// Every FROST the system accounts for, burned included; equals [`System::supply`].
    pub fn total_frost(&self) -> u128 {
        let accounts: u128 = self.accounts.values().map(|x| *x as u128).sum();
        let pools: u128 = self
            .pools
            .values()
            .map(|p| {
                p.active_frost as u128
                    + p.withdrawable as u128
                    + p.commission_balance as u128
                    + p.pending.values().map(|x| *x as u128).sum::<u128>()
            })
            .sum();
        let future: u128 = self.future.iter().map(|f| f.rewards as u128).sum();
        let ended: u128 = self.ended.values().map(|e| e.remaining as u128).sum();
        accounts + pools + future + ended + self.burned as u128
    }

    /// Shards per pool in the current committee.
    pub fn shards_of(&self, pool: &ObjectId) -> u16 {
        self.committee.get(pool).map_or(0, |s| s.len() as u16)
    }
}

impl Params {
    /// The stake a candidate needs in effect: the larger of `min_candidate_stake` and
    /// `min_stake`.
    pub fn candidate_stake(&self) -> Frost {
        self.min_candidate_stake.max(self.min_stake)
    }
}

/// Most candidates an active set may hold (Move's `params::MAX_CANDIDATES`).
pub const MAX_CANDIDATES: u32 = 250;
/// Most shards a system may have (Move's `params::MAX_N_SHARDS`).
pub const MAX_N_SHARDS: u16 = 4096;
/// Most samples a rate window may hold (Move's `params::MAX_RATE_WINDOW_SAMPLES`).
pub const MAX_RATE_WINDOW_SAMPLES: u32 = 1000;
/// Most challenges per shard and epoch (Move's `params::MAX_CHALLENGES_PER_SHARD`).
pub const MAX_CHALLENGES_PER_SHARD: u32 = 1000;
/// Longest challenge window, ms: a week (Move's `params::MAX_CHALLENGE_WINDOW_MS`).
pub const MAX_CHALLENGE_WINDOW_MS: u64 = 7 * 24 * 3600 * 1000;
/// Default challenge window, ms: six hours.
pub const DEFAULT_CHALLENGE_WINDOW_MS: u64 = 6 * 3600 * 1000;
/// Longest settlement fallback delay, and longest voting period and timelock, epochs (Move's
/// `params::MAX_GOVERNANCE_EPOCHS`).
pub const MAX_GOVERNANCE_EPOCHS: u32 = 100;
/// Smallest approval threshold, bps: a proposal needs more than half of the votes cast.
pub const MIN_GOV_THRESHOLD_BPS: u16 = 5_000;

/// Checks a parameter set (`EInvalidParameter`, `EInvalidCurve`).
pub fn validate_params(p: &Params) -> Result<()> {
    p.curve.validate()?;
    let bps_ok = |x: u64| x <= crate::BPS_DENOMINATOR;
    if p.n_shards == 0
        || p.n_shards > MAX_N_SHARDS
        || p.rate_window_samples > MAX_RATE_WINDOW_SAMPLES
        || p.max_candidates < p.max_active_nodes
        || p.max_candidates > MAX_CANDIDATES
        || p.max_epochs_ahead == 0
        || p.max_epochs_ahead > 1000
        || p.min_stake == 0
        || !bps_ok(p.commission_cap_bps as u64)
        || !bps_ok(p.burn_bps as u64)
        || p.max_price_step_bps > crate::BPS_DENOMINATOR as u32
        || (p.min_candidate_stake != 0 && p.min_stake > p.min_candidate_stake)
        || p.rate_window_samples == 0
        || p.max_active_nodes == 0
        || p.max_shards_per_node == 0
        || p.challenges_per_shard == 0
        || p.challenges_per_shard > MAX_CHALLENGES_PER_SHARD
        || p.challenge_window_ms == 0
        || p.challenge_window_ms > MAX_CHALLENGE_WINDOW_MS
        || p.settlement_fallback_epochs > MAX_GOVERNANCE_EPOCHS
        || p.gov_quorum_bps == 0
        || !bps_ok(p.gov_quorum_bps as u64)
        || p.gov_threshold_bps < MIN_GOV_THRESHOLD_BPS
        || !bps_ok(p.gov_threshold_bps as u64)
        || p.gov_voting_epochs == 0
        || p.gov_voting_epochs > MAX_GOVERNANCE_EPOCHS
        || p.gov_timelock_epochs > MAX_GOVERNANCE_EPOCHS
    {
        return Err(Error::EInvalidParameter);
    }
    Ok(())
}
