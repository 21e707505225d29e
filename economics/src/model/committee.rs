//! Committee: shards apportioned by stake (D'Hondt with a per-node cap) and reassigned each
//! epoch with minimal movement.
//!
//! [`dhondt`] follows Walrus's `staking_inner::dhondt`: a Hagenbach-Bischoff lower bound
//! (`stake / (total/(n+1) + 1)`, capped) first, then one shard at a time to the node with the
//! largest quotient `stake / (shards + 1)`, ties to the earlier node, never above the cap
//! [`max_shards_per_node`]. Quotients are compared exactly (cross-multiplied in `u128`).
//!
//! [`transition`] keeps every node's shards as far as its new count allows (dropping from the
//! end of its list), and hands the freed shards to the nodes that need more, in node-id order.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap};

use crate::{Error, Result};

/// With at least this many nodes a node holds at most `n_shards / SHARDS_LIMIT_DENOMINATOR`.
pub const MIN_NODES_FOR_SHARDS_LIMIT: u64 = 20;
/// The per-node cap is `1 / SHARDS_LIMIT_DENOMINATOR` of the shards (10%).
pub const SHARDS_LIMIT_DENOMINATOR: u64 = 10;

/// The most shards one node may hold: 10% of the shards with 20 nodes or more, else
/// `ceil(n_shards × 20 / (n_nodes × 10))`.
pub fn max_shards_per_node(n_nodes: u64, n_shards: u64) -> u64 {
    if n_nodes >= MIN_NODES_FOR_SHARDS_LIMIT {
        n_shards / SHARDS_LIMIT_DENOMINATOR
    } else {
        (n_shards * MIN_NODES_FOR_SHARDS_LIMIT).div_ceil(n_nodes.max(1) * SHARDS_LIMIT_DENOMINATOR)
    }
}

#[derive(PartialEq, Eq)]
struct Quotient {
    stake: u64,
    divisor: u64,
    index: usize,
}

impl Ord for Quotient {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.stake as u128 * other.divisor as u128)
            .cmp(&(other.stake as u128 * self.divisor as u128))
            .then_with(|| other.index.cmp(&self.index))
    }
}

impl PartialOrd for Quotient {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Shards per node for the given stakes (same order). Refuses zero total stake (`ENoStake`).
pub fn dhondt(stake: &[u64], n_shards: u16) -> Result<Vec<u16>> {
    let total: u128 = stake.iter().map(|s| *s as u128).sum();
    if total == 0 {
        return Err(Error::ENoStake);
    }
    let n = n_shards as u64;
    let cap = max_shards_per_node(stake.len() as u64, n);
    let dist = total / (n as u128 + 1) + 1;
    let mut shards: Vec<u64> = stake
        .iter()
        .map(|s| ((*s as u128 / dist) as u64).min(cap))
        .collect();
    let mut heap = BinaryHeap::new();
    for (i, s) in stake.iter().enumerate() {
        if shards[i] != cap {
            heap.push(Quotient {
                stake: *s,
                divisor: shards[i] + 1,
                index: i,
            });
        }
    }
    let mut given: u64 = shards.iter().sum();
    while given < n {
        let q = heap.pop().ok_or(Error::EInvalidShardCount)?;
        shards[q.index] += 1;
        given += 1;
        if shards[q.index] != cap {
            heap.push(Quotient {
                stake: q.stake,
                divisor: shards[q.index] + 1,
                index: q.index,
            });
        }
    }
    Ok(shards.into_iter().map(|s| s as u16).collect())
}

/// The first committee: shards `0..n` handed out in node order.
pub fn initial_assignment<K: Ord + Clone>(counts: &BTreeMap<K, u16>) -> BTreeMap<K, Vec<u16>> {
    let mut next = 0u16;
    counts
        .iter()
        .filter(|(_, c)| **c > 0)
        .map(|(k, c)| {
            let v: Vec<u16> = (next..next + c).collect();
            next += c;
            (k.clone(), v)
        })
        .collect()
}

/// Moves from the `current` assignment to the new shard `counts` with minimal movement: a
/// node keeps `min(old, new)` of its shards. Refuses counts whose total differs from the
/// current number of shards (`EInvalidShardCount`).
pub fn transition<K: Ord + Clone>(
    current: &BTreeMap<K, Vec<u16>>,
    counts: &BTreeMap<K, u16>,
) -> Result<BTreeMap<K, Vec<u16>>> {
    let cur_total: usize = current.values().map(|v| v.len()).sum();
    let new_total: usize = counts.values().map(|c| *c as usize).sum();
    if cur_total == 0 {
        return Ok(initial_assignment(counts));
    }
    if cur_total != new_total {
        return Err(Error::EInvalidShardCount);
    }
    let mut free = Vec::new();
    let mut out: BTreeMap<K, Vec<u16>> = BTreeMap::new();
    for (k, shards) in current {
        let want = counts.get(k).copied().unwrap_or(0) as usize;
        let keep = want.min(shards.len());
        free.extend_from_slice(&shards[keep..]);
        if keep > 0 {
            out.insert(k.clone(), shards[..keep].to_vec());
        }
    }
    free.reverse();
    for (k, c) in counts {
        let have = out.get(k).map_or(0, |v| v.len());
        let need = (*c as usize).saturating_sub(have);
        if need > 0 {
            let entry = out.entry(k.clone()).or_default();
            for _ in 0..need {
                entry.push(free.pop().ok_or(Error::EInvalidShardCount)?);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walrus_dhondt_vectors() {
        let cases: &[(u16, &[u64], &[u16])] = &[
            (4, &[25000, 25000, 25000, 25000], &[1, 1, 1, 1]),
            (778, &[25000, 25000, 25000, 25000], &[195, 195, 194, 194]),
            (1000, &[25000, 25000, 25000, 25000], &[250, 250, 250, 250]),
            (4, &[50000, 30000, 15000, 5000], &[2, 2, 0, 0]),
            (777, &[50000, 30000, 15000, 5000], &[389, 234, 116, 38]),
            (1000, &[50000, 30000, 15000, 5000], &[500, 300, 150, 50]),
            (
                4,
                &[50000, 50000, 30000, 15000, 15000, 5000],
                &[2, 1, 1, 0, 0, 0],
            ),
            (
                777,
                &[50000, 50000, 30000, 15000, 15000, 5000],
                &[236, 236, 142, 70, 70, 23],
            ),
            (
                1000,
                &[50000, 50000, 30000, 15000, 15000, 5000],
                &[303, 303, 182, 91, 91, 30],
            ),
            (7, &[25000, 25000, 25000, 25000], &[2, 2, 2, 1]),
            (6, &[25000, 25000, 25000, 25000], &[2, 2, 1, 1]),
            (7, &[200, 200, 200, 100], &[2, 2, 2, 1]),
            (9, &[200, 200, 200, 100, 100, 100], &[2, 2, 2, 1, 1, 1]),
            (
                18,
                &[780_000, 650_000, 520_000, 390_000, 260_000],
                &[6, 5, 4, 2, 1],
            ),
            (0, &[100, 90, 80], &[0, 0, 0]),
            (5, &[1, 0, 0], &[4, 1, 0]),
            (3, &[1_000_000, 999_999], &[2, 1]),
        ];
        for (n, stake, expect) in cases {
            assert_eq!(
                dhondt(stake, *n).unwrap(),
                expect.to_vec(),
                "n={n} stake={stake:?}"
            );
        }
        assert_eq!(dhondt(&[0, 0], 5), Err(Error::ENoStake));
    }

    #[test]
    fn transition_moves_little() {
        let c0: BTreeMap<u8, u16> = [(1, 3), (2, 3)].into();
        let a0 = transition(&BTreeMap::new(), &c0).unwrap();
        assert_eq!(a0[&1], vec![0, 1, 2]);
        let c1: BTreeMap<u8, u16> = [(1, 2), (2, 3), (3, 1)].into();
        let a1 = transition(&a0, &c1).unwrap();
        assert_eq!(a1[&1], vec![0, 1]);
        assert_eq!(a1[&2], vec![3, 4, 5]);
        assert_eq!(a1[&3], vec![2]);
        let bad: BTreeMap<u8, u16> = [(1, 2)].into();
        assert_eq!(transition(&a1, &bad), Err(Error::EInvalidShardCount));
    }
}
