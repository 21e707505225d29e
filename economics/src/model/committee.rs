//! Committee: shards apportioned by stake (D'Hondt with a per-node cap) and reassigned each
//! epoch with minimal movement.
//!
//! [`dhondt`] follows Walrus's `staking_inner::dhondt`: a Hagenbach-Bischoff lower bound
//! (`stake / (total/(n+1) + 1)`, capped) first, then one shard at a time to the node with the
//! largest quotient `stake / (shards + 1)`, ties to the earlier node, never above the cap
//! [`max_shards_per_node`]. Quotients are compared exactly (cross-multiplied in `u128`).
//!
//! [`dhondt_capped`] takes the cap explicitly and, when every node is capped, gives the rest by
//! quotient alone (the contracts' `apportionment::dhondt`).
//!
//! [`transition`] is the contracts' `apportionment::transition`: every node of the new
//! committee keeps as many of its shards as its new count allows (the first ones of its list),
//! and the shards nobody keeps go, lowest first, to the nodes that need more, in committee
//! order.

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

/// Shards per node for the given stakes (same order), with Walrus's cap for that many nodes.
/// Refuses zero total stake (`ENoStake`).
pub fn dhondt(stake: &[u64], n_shards: u16) -> Result<Vec<u16>> {
    dhondt_capped(
        stake,
        n_shards,
        max_shards_per_node(stake.len() as u64, n_shards as u64),
    )
}

/// Shards per node for the given stakes (same order), at most `cap` each while any node is
/// below it; if every node is capped, the rest go by quotient alone. Refuses zero total stake
/// (`ENoStake`).
pub fn dhondt_capped(stake: &[u64], n_shards: u16, cap: u64) -> Result<Vec<u16>> {
    let total: u128 = stake.iter().map(|s| *s as u128).sum();
    if total == 0 {
        return Err(Error::ENoStake);
    }
    let n = n_shards as u64;
    let dist = total / (n as u128 + 1) + 1;
    let mut shards: Vec<u64> = stake
        .iter()
        .map(|s| ((*s as u128 / dist) as u64).min(cap))
        .collect();
    let quotient = |i: usize, shards: &[u64]| Quotient {
        stake: stake[i],
        divisor: shards[i] + 1,
        index: i,
    };
    let mut heap: BinaryHeap<Quotient> = (0..stake.len())
        .filter(|i| shards[*i] < cap)
        .map(|i| quotient(i, &shards))
        .collect();
    let mut uncapped = false;
    let mut given: u64 = shards.iter().sum();
    while given < n {
        let q = match heap.pop() {
            Some(q) => q,
            None if !uncapped => {
                // Every node is capped: the rest by quotient alone, among nodes with stake.
                uncapped = true;
                heap = (0..stake.len())
                    .filter(|i| stake[*i] > 0)
                    .map(|i| quotient(i, &shards))
                    .collect();
                continue;
            }
            None => return Err(Error::EInvalidShardCount),
        };
        shards[q.index] += 1;
        given += 1;
        if uncapped || shards[q.index] < cap {
            heap.push(quotient(q.index, &shards));
        }
    }
    Ok(shards.into_iter().map(|s| s as u16).collect())
}

/// The next committee's shards, in its order: each node of `next` (with its new count) keeps
/// the first shards of its current list up to that count; the shards nobody keeps go, lowest
/// first, to the nodes that need more, in `next`'s order. Only `sum(max(0, old - new))` shards
/// move. Refuses counts that do not add up to `n_shards` (`EInvalidShardCount`).
pub fn transition<K: Ord + Clone>(
    current: &BTreeMap<K, Vec<u16>>,
    next: &[(K, u16)],
    n_shards: u16,
) -> Result<Vec<(K, Vec<u16>)>> {
    let total: u64 = next.iter().map(|(_, c)| *c as u64).sum();
    if total != n_shards as u64 {
        return Err(Error::EInvalidShardCount);
    }
    let mut owned = vec![false; n_shards as usize];
    let mut out: Vec<(K, Vec<u16>)> = next
        .iter()
        .map(|(k, c)| {
            let old = current.get(k).map_or(&[][..], Vec::as_slice);
            let kept: Vec<u16> = old
                .iter()
                .copied()
                .filter(|s| (*s as usize) < owned.len())
                .take(*c as usize)
                .collect();
            for s in &kept {
                owned[*s as usize] = true;
            }
            (k.clone(), kept)
        })
        .collect();
    let mut shard = 0usize;
    for ((_, kept), (_, c)) in out.iter_mut().zip(next) {
        while kept.len() < *c as usize && shard < owned.len() {
            if !owned[shard] {
                kept.push(shard as u16);
                owned[shard] = true;
            }
            shard += 1;
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
    fn capped_dhondt_matches_the_contracts() {
        // `apportionment::dhondt_by_stake` in move/floe/sources/apportionment.move.
        assert_eq!(dhondt_capped(&[600, 300, 100], 10, 10), Ok(vec![6, 3, 1]));
        assert_eq!(dhondt_capped(&[600, 300, 100], 10, 4), Ok(vec![4, 4, 2]));
        assert_eq!(dhondt_capped(&[1, 1], 5, 2), Ok(vec![3, 2]));
        assert_eq!(
            dhondt_capped(&[100_000, 80_000, 30_000, 20_000], 8, 8),
            Ok(vec![4, 3, 1, 0])
        );
    }

    #[test]
    fn transition_moves_little() {
        let a0 = transition(&BTreeMap::new(), &[(1u8, 3), (2, 3)], 6).unwrap();
        assert_eq!(a0, vec![(1, vec![0, 1, 2]), (2, vec![3, 4, 5])]);
        let current: BTreeMap<u8, Vec<u16>> = a0.into_iter().collect();
        let a1 = transition(&current, &[(2, 3), (1, 2), (3, 1)], 6).unwrap();
        assert_eq!(a1, vec![(2, vec![3, 4, 5]), (1, vec![0, 1]), (3, vec![2])]);
        assert_eq!(
            transition(&current, &[(1, 2)], 6),
            Err(Error::EInvalidShardCount)
        );
    }
}
