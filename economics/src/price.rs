//! Price rules: shard-weighted 2/3-quorum quantiles, the stability guard, USD → FROST.
//!
//! Votes are weighted by the voter's shards in the committee of `n_shards` shards. A weight `w`
//! is a *quorum* when `3w ≥ 2n + 1` (Walrus's `is_quorum_for_n_shards`).
//!
//! - [`quorum_below`] (storage and write price): the smallest voted value `v` such that the
//!   shards that did **not** vote above `v` form a quorum, i.e. `n − W(votes > v)` is a quorum.
//!   Shards without a vote count as "not above" (this is what Walrus's loop, which starts from
//!   `n_shards` and removes the highest votes, computes).
//! - [`quorum_above`] (capacity): the largest voted value `v` such that the shards voting at or
//!   above `v` form a quorum.
//!
//! Floe votes these prices in nano-USD; [`guard`] then bounds the epoch-to-epoch move of the USD
//! price to `max_price_step_bps`, and [`usd_to_frost`] converts with the committee's WAL/USD rate.
//! With the rate fixed at 1 WAL = 1 USD-unit and the guard off (`max_price_step_bps == 0`) the
//! rules are exactly Walrus's.

use crate::{Error, Result, BPS_DENOMINATOR, FROST_PER_WAL};

/// One voter's value and its weight (shards).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vote {
    /// The voted value (a price or a capacity).
    pub value: u64,
    /// The voter's weight in shards (> 0).
    pub weight: u64,
}

impl Vote {
    /// A vote of `value` with `weight` shards.
    pub fn new(value: u64, weight: u64) -> Self {
        Vote { value, weight }
    }
}

/// `3 * weight >= 2 * n_shards + 1`: the weight is a 2/3 quorum of `n_shards`.
pub fn is_quorum(weight: u64, n_shards: u64) -> bool {
    3 * weight as u128 > 2 * n_shards as u128
}

/// `3 * weight >= n_shards + 1`: the weight holds more than a third (at least one honest party
/// when fewer than a third are faulty).
pub fn is_validity(weight: u64, n_shards: u64) -> bool {
    3 * weight as u128 > n_shards as u128
}

fn check_votes(votes: &[Vote], n_shards: u64) -> Result<()> {
    if n_shards == 0 {
        return Err(Error::EInvalidShardCount);
    }
    if votes.is_empty() {
        return Err(Error::ENoVotes);
    }
    let mut total: u128 = 0;
    for v in votes {
        if v.weight == 0 {
            return Err(Error::EInvalidVoteWeight);
        }
        total += v.weight as u128;
    }
    if total > n_shards as u128 {
        return Err(Error::EInvalidVoteWeight);
    }
    if !is_quorum(total as u64, n_shards) {
        return Err(Error::EBelowQuorum);
    }
    Ok(())
}

fn sorted_desc(votes: &[Vote]) -> Vec<Vote> {
    let mut v = votes.to_vec();
    v.sort_unstable_by_key(|x| std::cmp::Reverse(x.value));
    v
}

/// The smallest value such that a 2/3 quorum of shards voted at or below it (storage and write
/// price). Refuses an empty vote list (`ENoVotes`), a zero weight or weights above `n_shards`
/// (`EInvalidVoteWeight`), and votes whose total weight is not a quorum (`EBelowQuorum`).
pub fn quorum_below(votes: &[Vote], n_shards: u64) -> Result<u64> {
    check_votes(votes, n_shards)?;
    let mut remaining = n_shards;
    for v in sorted_desc(votes) {
        remaining -= v.weight;
        if !is_quorum(remaining, n_shards) {
            return Ok(v.value);
        }
    }
    // Unreachable when the votes hold a quorum: removing them all leaves less than a third.
    Err(Error::EBelowQuorum)
}

/// The largest value such that a 2/3 quorum of shards voted at or above it (capacity). Same
/// refusals as [`quorum_below`].
pub fn quorum_above(votes: &[Vote], n_shards: u64) -> Result<u64> {
    check_votes(votes, n_shards)?;
    let mut sum = 0u64;
    for v in sorted_desc(votes) {
        sum += v.weight;
        if is_quorum(sum, n_shards) {
            return Ok(v.value);
        }
    }
    Err(Error::EBelowQuorum)
}

/// The stability guard: moves `previous` toward `target` by at most `max_step_bps` of
/// `previous` (at least 1 unit, so a price can always leave a tiny value). `previous == None`
/// (the first epoch) or `max_step_bps == 0` (guard off) returns `target` unchanged.
pub fn guard(previous: Option<u64>, target: u64, max_step_bps: u32) -> u64 {
    let Some(prev) = previous else { return target };
    if max_step_bps == 0 {
        return target;
    }
    let step = (prev as u128 * max_step_bps as u128 / BPS_DENOMINATOR as u128).max(1);
    let up = (prev as u128 + step).min(u64::MAX as u128) as u64;
    let down = (prev as u128).saturating_sub(step) as u64;
    target.clamp(down, up)
}

/// Converts a USD price (nano-USD per unit) to FROST per unit with a WAL/USD rate (nano-USD per
/// WAL): `ceil(nano_usd × 10^9 / rate)`. Rounded up so a nonzero price never becomes free.
/// Refuses a zero rate (`EInvalidRate`) and results above `u64` (`EOverflow`).
pub fn usd_to_frost(nano_usd: u64, rate_nano_usd_per_wal: u64) -> Result<u64> {
    if rate_nano_usd_per_wal == 0 {
        return Err(Error::EInvalidRate);
    }
    crate::mul_div_ceil(nano_usd, FROST_PER_WAL, rate_nano_usd_per_wal)
}

/// Converts FROST to nano-USD at a WAL/USD rate (nano-USD per WAL), rounded down.
pub fn frost_to_usd(frost: u64, rate_nano_usd_per_wal: u64) -> Result<u64> {
    crate::mul_div(frost, rate_nano_usd_per_wal, FROST_PER_WAL)
}

/// One node's price and capacity votes (USD prices in nano-USD).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceVote {
    /// Storage price, nano-USD per storage unit (1 MiB) per epoch.
    pub storage_nano_usd: u64,
    /// Write price, nano-USD per storage unit written.
    pub write_nano_usd: u64,
    /// Capacity the node offers, bytes.
    pub capacity: u64,
}

/// The USD prices in force for an epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsdPrices {
    /// Storage price, nano-USD per unit per epoch.
    pub storage_nano_usd: u64,
    /// Write price, nano-USD per unit.
    pub write_nano_usd: u64,
}

/// The USD prices of the next epoch: the [`quorum_below`] of the votes, each moved through
/// the stability [`guard`] from the previous epoch's prices.
pub fn next_usd_prices(
    votes: &[(PriceVote, u64)],
    n_shards: u64,
    previous: Option<UsdPrices>,
    max_step_bps: u32,
) -> Result<UsdPrices> {
    let storage: Vec<Vote> = votes
        .iter()
        .map(|(v, w)| Vote::new(v.storage_nano_usd, *w))
        .collect();
    let write: Vec<Vote> = votes
        .iter()
        .map(|(v, w)| Vote::new(v.write_nano_usd, *w))
        .collect();
    let s = quorum_below(&storage, n_shards)?;
    let w = quorum_below(&write, n_shards)?;
    Ok(UsdPrices {
        storage_nano_usd: guard(previous.map(|p| p.storage_nano_usd), s, max_step_bps),
        write_nano_usd: guard(previous.map(|p| p.write_nano_usd), w, max_step_bps),
    })
}

/// Capacity of the next epoch: [`quorum_above`] of the capacity votes. As in Walrus, each
/// node's vote is first scaled to a whole-committee figure: `capacity × n_shards / shards`.
pub fn next_capacity(votes: &[(PriceVote, u64)], n_shards: u64) -> Result<u64> {
    let mut scaled = Vec::with_capacity(votes.len());
    for (v, w) in votes {
        if *w == 0 {
            return Err(Error::EInvalidVoteWeight);
        }
        let c = (v.capacity as u128 * n_shards as u128 / *w as u128).min(u64::MAX as u128) as u64;
        scaled.push(Vote::new(c, *w));
    }
    quorum_above(&scaled, n_shards)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walrus_votes(weights: [u64; 10]) -> Vec<Vote> {
        (1..=10)
            .zip(weights)
            .map(|(v, w)| Vote::new(v, w))
            .collect()
    }

    #[test]
    fn walrus_quorum_vectors() {
        let v = walrus_votes([5, 5, 4, 6, 3, 7, 4, 6, 1, 9]);
        assert_eq!(quorum_below(&v, 50), Ok(7));
        assert_eq!(quorum_above(&v, 50), Ok(4));
        // Walrus's other cases (staking_inner.move tests).
        assert_eq!(
            quorum_above(&walrus_votes([5, 5, 4, 6, 3, 7, 2, 8, 1, 9]), 50),
            Ok(4)
        );
        assert_eq!(
            quorum_above(&walrus_votes([17, 1, 1, 1, 3, 7, 2, 8, 1, 9]), 50),
            Ok(1)
        );
        assert_eq!(
            quorum_below(&walrus_votes([5, 5, 4, 6, 3, 7, 1, 1, 1, 17]), 50),
            Ok(10)
        );
        assert_eq!(quorum_above(&[Vote::new(1, 50)], 50), Ok(1));
        assert_eq!(quorum_below(&[Vote::new(1, 50)], 50), Ok(1));
    }

    #[test]
    fn refusals() {
        assert_eq!(quorum_below(&[], 10), Err(Error::ENoVotes));
        assert_eq!(
            quorum_below(&[Vote::new(1, 6)], 10),
            Err(Error::EBelowQuorum)
        );
        assert_eq!(
            quorum_below(&[Vote::new(1, 11)], 10),
            Err(Error::EInvalidVoteWeight)
        );
        assert_eq!(
            quorum_above(&[Vote::new(1, 0)], 10),
            Err(Error::EInvalidVoteWeight)
        );
        assert_eq!(
            quorum_above(&[Vote::new(1, 1)], 0),
            Err(Error::EInvalidShardCount)
        );
        assert_eq!(usd_to_frost(1, 0), Err(Error::EInvalidRate));
    }

    #[test]
    fn guard_bounds_the_step() {
        assert_eq!(guard(None, 500, 1000), 500);
        assert_eq!(guard(Some(100), 1000, 1000), 110);
        assert_eq!(guard(Some(100), 10, 1000), 90);
        assert_eq!(guard(Some(100), 105, 1000), 105);
        assert_eq!(guard(Some(100), 1000, 0), 1000);
        assert_eq!(guard(Some(3), 1000, 100), 4);
        assert_eq!(guard(Some(u64::MAX), 0, 10_000), 0);
    }

    #[test]
    fn conversion_rounds_up() {
        // $0.0001 per MiB-epoch at $0.40 per WAL = 250_000 FROST.
        assert_eq!(usd_to_frost(100_000, 400_000_000), Ok(250_000));
        assert_eq!(usd_to_frost(1, 3_000_000_000), Ok(1));
        assert_eq!(frost_to_usd(250_000, 400_000_000), Ok(100_000));
    }
}
