//! Performance factors from challenge results.
//!
//! Each epoch every challenger posts one result vector: for every committee node (in committee
//! order) the pass rate, in basis points, of the storage challenges it checked for that node
//! ([`pass_rate_bps`]). A node's aggregate pass rate is the **robust stake-weighted median**
//! ([`robust_pass_rate`]): the largest rate `r` such that challengers holding more than a third
//! of the total challenger stake (`3·W(reports ≥ r) ≥ T + 1`) report at least `r`.
//!
//! Why this quantile: with honest challengers holding more than 2/3 of the stake,
//! - liars (< 1/3) reporting *anything* cannot push a node below the stake-weighted median of
//!   the honest reports: the honest stake reporting at least that median is at least half of the
//!   honest stake, hence more than a third of the total;
//! - liars alone cannot reach a third, so a node's rate is never above the highest honest report.
//!
//! When all honest challengers agree (challenge answers are public and checkable, so they do),
//! the result is exactly their common report. If the reporting stake is not a 2/3 quorum of the
//! challenger stake there is no evidence, and the factor is neutral (100%: base weight alone,
//! as in the settlement fallback).
//!
//! The rate is mapped to a factor by the governed [`PerformanceCurve`].

use crate::{price::is_quorum, price::is_validity, Error, Result, BPS_DENOMINATOR};

/// The factor (bps) given when there is no quorum of evidence: full, i.e. base weight alone.
pub const NEUTRAL_FACTOR_BPS: u16 = 10_000;

/// Pass rate in basis points of `passed` out of `challenged` (a node with no challenge passes).
pub fn pass_rate_bps(passed: u32, challenged: u32) -> u16 {
    if challenged == 0 {
        return BPS_DENOMINATOR as u16;
    }
    let p = passed.min(challenged) as u64;
    (p * BPS_DENOMINATOR / challenged as u64) as u16
}

/// The governed curve mapping a pass rate to a performance factor (both in bps): 0 below
/// `zero_below_bps`, 100% at or above `full_at_bps`, linear (rounded down) in between. Its
/// serde form is the pair `(zero_below_bps, full_at_bps)` (in BCS, the same bytes as the
/// struct).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(from = "(u16, u16)", into = "(u16, u16)")]
pub struct PerformanceCurve {
    /// Pass rates strictly below this earn nothing.
    pub zero_below_bps: u16,
    /// Pass rates at or above this earn the full reward.
    pub full_at_bps: u16,
}

impl Default for PerformanceCurve {
    /// 0 below a 50% pass rate, full from 95%.
    fn default() -> Self {
        PerformanceCurve {
            zero_below_bps: 5_000,
            full_at_bps: 9_500,
        }
    }
}

impl From<(u16, u16)> for PerformanceCurve {
    fn from((zero_below_bps, full_at_bps): (u16, u16)) -> Self {
        PerformanceCurve {
            zero_below_bps,
            full_at_bps,
        }
    }
}

impl From<PerformanceCurve> for (u16, u16) {
    fn from(c: PerformanceCurve) -> Self {
        (c.zero_below_bps, c.full_at_bps)
    }
}

impl PerformanceCurve {
    /// Checks `zero_below_bps ≤ full_at_bps ≤ 10000` (`EInvalidCurve`).
    pub fn validate(&self) -> Result<()> {
        if self.zero_below_bps > self.full_at_bps || self.full_at_bps as u64 > BPS_DENOMINATOR {
            Err(Error::EInvalidCurve)
        } else {
            Ok(())
        }
    }

    /// The factor (bps) for a pass rate (bps). Monotone non-decreasing in the rate.
    pub fn factor(&self, rate_bps: u16) -> u16 {
        if rate_bps >= self.full_at_bps {
            BPS_DENOMINATOR as u16
        } else if rate_bps < self.zero_below_bps {
            0
        } else {
            let span = (self.full_at_bps - self.zero_below_bps) as u64;
            ((rate_bps - self.zero_below_bps) as u64 * BPS_DENOMINATOR / span) as u16
        }
    }
}

/// The robust stake-weighted median of `(stake, rate_bps)` reports for one node, with
/// `total_stake` the stake of all challengers (reporting or not). `None` when the reporting
/// stake is not a 2/3 quorum of `total_stake` (no evidence).
pub fn robust_pass_rate(reports: &[(u64, u16)], total_stake: u64) -> Option<u16> {
    let reporting: u128 = reports.iter().map(|r| r.0 as u128).sum();
    if reporting > total_stake as u128 || !is_quorum(reporting as u64, total_stake) {
        return None;
    }
    let mut sorted: Vec<(u64, u16)> = reports.to_vec();
    sorted.sort_unstable_by_key(|r| std::cmp::Reverse(r.1));
    let mut acc = 0u64;
    for (stake, rate) in sorted {
        acc += stake;
        if is_validity(acc, total_stake) {
            return Some(rate);
        }
    }
    None
}

/// One challenger's posted results: its stake and one pass rate (bps) per committee node, or
/// `None` if it posted nothing this epoch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengerResults {
    /// The challenger's stake (or shard weight) when the epoch's challenges were drawn.
    pub stake: u64,
    /// The pass rate (bps) it measured for each node in committee order.
    pub results: Option<Vec<u16>>,
}

/// The robust aggregate pass rate of every node (`None` = no quorum of evidence). Refuses a
/// result vector whose length is not `n_nodes` (`EWrongLength`) or a rate above 10000
/// (`EInvalidBps`).
pub fn aggregate_pass_rates(
    challengers: &[ChallengerResults],
    n_nodes: usize,
) -> Result<Vec<Option<u16>>> {
    let mut total: u128 = 0;
    for c in challengers {
        total += c.stake as u128;
        if let Some(r) = &c.results {
            if r.len() != n_nodes {
                return Err(Error::EWrongLength);
            }
            if r.iter().any(|x| *x as u64 > BPS_DENOMINATOR) {
                return Err(Error::EInvalidBps);
            }
        }
    }
    let total = u64::try_from(total).map_err(|_| Error::EOverflow)?;
    let reporters: Vec<(u64, &Vec<u16>)> = challengers
        .iter()
        .filter_map(|c| c.results.as_ref().map(|r| (c.stake, r)))
        .collect();
    let mut buf: Vec<(u64, u16)> = Vec::with_capacity(reporters.len());
    let mut out = Vec::with_capacity(n_nodes);
    for i in 0..n_nodes {
        buf.clear();
        buf.extend(reporters.iter().map(|(s, r)| (*s, r[i])));
        out.push(robust_pass_rate(&buf, total));
    }
    Ok(out)
}

/// Performance factor (bps) of every node: the curve applied to [`aggregate_pass_rates`], the
/// neutral factor where there is no quorum of evidence.
pub fn performance_factors(
    challengers: &[ChallengerResults],
    n_nodes: usize,
    curve: &PerformanceCurve,
) -> Result<Vec<u16>> {
    curve.validate()?;
    Ok(aggregate_pass_rates(challengers, n_nodes)?
        .into_iter()
        .map(|r| r.map_or(NEUTRAL_FACTOR_BPS, |r| curve.factor(r)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curve_and_rates() {
        let c = PerformanceCurve::default();
        assert_eq!(c.factor(10_000), 10_000);
        assert_eq!(c.factor(9_500), 10_000);
        assert_eq!(c.factor(4_999), 0);
        assert_eq!(c.factor(5_000), 0);
        assert_eq!(c.factor(7_250), 5_000);
        assert!(PerformanceCurve {
            zero_below_bps: 2,
            full_at_bps: 1
        }
        .validate()
        .is_err());
        assert_eq!(pass_rate_bps(3, 4), 7_500);
        assert_eq!(pass_rate_bps(0, 0), 10_000);
    }

    #[test]
    fn robust_rate() {
        // Honest 70% report 9000 and 8000; liar 30% reports 0.
        let r = robust_pass_rate(&[(40, 9_000), (30, 8_000), (30, 0)], 100);
        assert_eq!(r, Some(9_000));
        // No quorum of reporters.
        assert_eq!(robust_pass_rate(&[(60, 9_000)], 100), None);
        let agg = aggregate_pass_rates(
            &[
                ChallengerResults {
                    stake: 50,
                    results: Some(vec![10_000, 0]),
                },
                ChallengerResults {
                    stake: 50,
                    results: Some(vec![10_000, 0]),
                },
            ],
            2,
        )
        .unwrap();
        assert_eq!(agg, vec![Some(10_000), Some(0)]);
        let bad = [ChallengerResults {
            stake: 1,
            results: Some(vec![1]),
        }];
        assert_eq!(aggregate_pass_rates(&bad, 2), Err(Error::EWrongLength));
    }
}
