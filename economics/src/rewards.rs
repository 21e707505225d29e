//! Rewards of an epoch: the pot, the burn share, base weights, performance, withheld rewards,
//! commission, pool exchange rates, and APY.
//!
//! [`distribute`] splits a pot exactly (every FROST accounted for):
//! 1. `burn = pot × burn_bps / 10000` (rounded down) is burned;
//! 2. the rest `D` is shared by base weight `w_i = shards_i × stored_bytes_i`:
//!    `full_i = D × w_i / Σw` (rounded down; if `Σw = 0`, shards alone are the weights; if
//!    `Σw ≥ 2^64` all weights are first shifted right by the same number of bits so that
//!    `D × w_i` fits 128 bits);
//! 3. `earned_i = full_i × factor_i / 10000`; `withheld_i = full_i − earned_i` is burned;
//! 4. `commission_i = earned_i × commission_bps_i / 10000` goes to the operator, the remaining
//!    `staker_reward_i` to the pool (raising its exchange rate);
//! 5. the rounding remainder `dust = D − Σ full_i` is burned too.
//!
//! So `pot = burn + dust + Σ withheld_i + Σ commission_i + Σ staker_reward_i` always.

use rust_decimal::Decimal;

use crate::{check_bps, Error, Frost, Result, BPS_DENOMINATOR};

/// What fills an epoch's pot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pot {
    /// Storage fees paid for this epoch (by every purchase covering it).
    pub storage_fees: Frost,
    /// Write fees paid during this epoch.
    pub write_fees: Frost,
    /// Subsidies added for this epoch.
    pub subsidies: Frost,
}

impl Pot {
    /// The pot's total; `EOverflow` if it does not fit.
    pub fn total(&self) -> Result<Frost> {
        self.storage_fees
            .checked_add(self.write_fees)
            .and_then(|x| x.checked_add(self.subsidies))
            .ok_or(Error::EOverflow)
    }
}

/// One node's inputs to the reward split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeInput {
    /// Shards the node held during the epoch.
    pub shards: u16,
    /// Bytes stored per shard (certified, unexpired data it is responsible for).
    pub stored_bytes: u64,
    /// Performance factor in bps (0..=10000).
    pub performance_bps: u16,
    /// Commission rate in bps in force for the epoch.
    pub commission_bps: u16,
}

/// One node's share of the pot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NodeReward {
    /// `shards × stored_bytes`.
    pub base_weight: u128,
    /// The share by base weight before performance.
    pub full_share: Frost,
    /// The part earned after the performance factor.
    pub earned: Frost,
    /// The part withheld for poor performance (burned).
    pub withheld: Frost,
    /// The operator's commission out of `earned`.
    pub commission: Frost,
    /// What goes to the pool's stakers: `earned − commission`.
    pub staker_reward: Frost,
}

/// The split of one epoch's pot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EpochRewards {
    /// The pot that was split.
    pub pot: Frost,
    /// The burn share of the pot.
    pub burn: Frost,
    /// Σ withheld over nodes (burned).
    pub withheld: Frost,
    /// Rounding remainder of the split by weight (burned).
    pub dust: Frost,
    /// Per node, in input order.
    pub nodes: Vec<NodeReward>,
}

impl EpochRewards {
    /// Everything burned: burn share + withheld + dust.
    pub fn total_burned(&self) -> Frost {
        self.burn + self.withheld + self.dust
    }

    /// Everything paid out: Σ (commission + staker reward).
    pub fn total_paid(&self) -> Frost {
        self.nodes
            .iter()
            .map(|n| n.commission + n.staker_reward)
            .sum()
    }
}

/// Splits `pot` among `nodes` (see the module doc). Refuses bps above 10000 (`EInvalidBps`).
pub fn distribute(pot: Frost, burn_bps: u16, nodes: &[NodeInput]) -> Result<EpochRewards> {
    check_bps(burn_bps as u64)?;
    for n in nodes {
        check_bps(n.performance_bps as u64)?;
        check_bps(n.commission_bps as u64)?;
    }
    let burn = crate::mul_div(pot, burn_bps as u64, BPS_DENOMINATOR)?;
    let distributable = pot - burn;
    let mut weights: Vec<u128> = nodes
        .iter()
        .map(|n| n.shards as u128 * n.stored_bytes as u128)
        .collect();
    let mut total: u128 = weights.iter().sum();
    if total == 0 {
        weights = nodes.iter().map(|n| n.shards as u128).collect();
        total = weights.iter().sum();
    }
    // Keep `distributable × weight` within u128: scale all weights down by the same power of
    // two until their total fits 64 bits. The scaled total is the sum of the scaled weights,
    // so the shares still never add up to more than `distributable`.
    let shift = (128 - total.leading_zeros()).saturating_sub(64);
    if shift > 0 {
        weights.iter_mut().for_each(|w| *w >>= shift);
        total = weights.iter().sum();
    }
    let mut out = EpochRewards {
        pot,
        burn,
        ..Default::default()
    };
    let mut paid_full: u64 = 0;
    for (n, w) in nodes.iter().zip(&weights) {
        let full = (distributable as u128 * w).checked_div(total).unwrap_or(0) as u64;
        let earned = (full as u128 * n.performance_bps as u128 / BPS_DENOMINATOR as u128) as u64;
        let commission =
            (earned as u128 * n.commission_bps as u128 / BPS_DENOMINATOR as u128) as u64;
        paid_full += full;
        out.withheld += full - earned;
        out.nodes.push(NodeReward {
            base_weight: n.shards as u128 * n.stored_bytes as u128,
            full_share: full,
            earned,
            withheld: full - earned,
            commission,
            staker_reward: earned - commission,
        });
    }
    out.dust = distributable - paid_full;
    Ok(out)
}

/// A pool's exchange rate between staked WAL (FROST) and pool shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExchangeRate {
    /// FROST held by the active stake of the pool (principal plus rewards).
    pub frost: u128,
    /// Shares outstanding.
    pub shares: u128,
}

impl ExchangeRate {
    /// Shares minted for `frost` (1:1 for an empty pool), rounded down.
    pub fn to_shares(&self, frost: u64) -> u128 {
        if self.frost == 0 || self.shares == 0 {
            frost as u128
        } else {
            frost as u128 * self.shares / self.frost
        }
    }

    /// FROST redeemed for `shares`, rounded down (never more than the pool holds).
    pub fn to_frost(&self, shares: u128) -> u64 {
        if self.shares == 0 {
            0
        } else {
            let v = primitive_mul_div(shares, self.frost, self.shares);
            v.min(self.frost).min(u64::MAX as u128) as u64
        }
    }
}

fn primitive_mul_div(a: u128, b: u128, c: u128) -> u128 {
    match a.checked_mul(b) {
        Some(p) => p / c,
        None => (a / c) * b + (a % c) * b / c,
    }
}

/// Reward rate of an epoch as a decimal (`reward / stake`); `None` for zero stake.
pub fn epoch_rate(reward: Frost, stake: Frost) -> Option<Decimal> {
    if stake == 0 {
        None
    } else {
        Some(Decimal::from(reward) / Decimal::from(stake))
    }
}

/// Annual percentage yield, compounded: `(1 + reward/stake)^epochs_per_year − 1`, as a
/// fraction (0.05 = 5%). `None` for zero stake or if it does not fit a `Decimal`.
pub fn apy(reward: Frost, stake: Frost, epochs_per_year: u32) -> Option<Decimal> {
    let r = epoch_rate(reward, stake)?;
    let base = Decimal::ONE + r;
    let mut acc = Decimal::ONE;
    for _ in 0..epochs_per_year {
        acc = acc.checked_mul(base)?;
    }
    Some((acc - Decimal::ONE).round_dp(6))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(shards: u16, perf: u16, comm: u16) -> NodeInput {
        NodeInput {
            shards,
            stored_bytes: 1000,
            performance_bps: perf,
            commission_bps: comm,
        }
    }

    #[test]
    fn split_adds_up() {
        let r = distribute(1_000_003, 1_000, &[node(2, 10_000, 500), node(1, 5_000, 0)]).unwrap();
        assert_eq!(r.burn, 100_000);
        assert_eq!(r.nodes[0].full_share, 600_002);
        assert_eq!(r.nodes[0].commission, 30_000);
        assert_eq!(r.nodes[1].full_share, 300_001);
        assert_eq!(r.nodes[1].earned, 150_000);
        assert_eq!(r.withheld, 150_001);
        assert_eq!(r.dust, 0);
        assert_eq!(r.total_burned() + r.total_paid(), 1_000_003);
        assert_eq!(distribute(1, 10_001, &[]), Err(Error::EInvalidBps));
        let none = distribute(77, 0, &[]).unwrap();
        assert_eq!(none.dust, 77);
    }

    #[test]
    fn huge_weights_never_overpay() {
        let big = NodeInput {
            shards: u16::MAX,
            stored_bytes: u64::MAX,
            performance_bps: 10_000,
            commission_bps: 0,
        };
        let r = distribute(u64::MAX, 0, &[big, big, big]).unwrap();
        assert_eq!(r.total_burned() + r.total_paid(), u64::MAX);
        assert!(r.nodes[0].full_share > u64::MAX / 4);
    }

    #[test]
    fn exchange_rate_and_apy() {
        let e = ExchangeRate {
            frost: 200,
            shares: 100,
        };
        assert_eq!(e.to_shares(50), 25);
        assert_eq!(e.to_frost(25), 50);
        assert_eq!(
            ExchangeRate {
                frost: 0,
                shares: 0
            }
            .to_shares(7),
            7
        );
        assert_eq!(apy(1, 100, 2), Some(Decimal::new(201, 4)));
        assert_eq!(apy(1, 0, 2), None);
    }
}
