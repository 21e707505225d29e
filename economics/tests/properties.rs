//! Acceptance 1–3: quantile rules vs brute force and monotone, Walrus's vector, settlement
//! proofs, performance-factor robustness.

use floe_economics::performance::{
    aggregate_pass_rates, robust_pass_rate, ChallengerResults, PerformanceCurve,
};
use floe_economics::price::{is_quorum, quorum_above, quorum_below, Vote};
use floe_economics::settlement::{settle, verify, SettlementInput, SettlementNode};
use floe_economics::Error;
use proptest::prelude::*;

/// Brute force from the definitions: the smallest voted value v with
/// `n − W(votes > v)` a quorum, and the largest with `W(votes ≥ v)` a quorum.
fn brute_below(votes: &[Vote], n: u64) -> u64 {
    let mut vals: Vec<u64> = votes.iter().map(|v| v.value).collect();
    vals.sort();
    *vals
        .iter()
        .find(|v| {
            is_quorum(
                n - votes
                    .iter()
                    .filter(|x| x.value > **v)
                    .map(|x| x.weight)
                    .sum::<u64>(),
                n,
            )
        })
        .unwrap()
}

fn brute_above(votes: &[Vote], n: u64) -> u64 {
    let mut vals: Vec<u64> = votes.iter().map(|v| v.value).collect();
    vals.sort();
    *vals
        .iter()
        .rev()
        .find(|v| {
            is_quorum(
                votes
                    .iter()
                    .filter(|x| x.value >= **v)
                    .map(|x| x.weight)
                    .sum::<u64>(),
                n,
            )
        })
        .unwrap()
}

fn votes_strategy() -> impl Strategy<Value = (Vec<Vote>, u64)> {
    (prop::collection::vec((0u64..50, 1u64..40), 1..25), 0u64..30).prop_map(|(v, missing)| {
        let votes: Vec<Vote> = v
            .into_iter()
            .map(|(value, weight)| Vote::new(value, weight))
            .collect();
        let total: u64 = votes.iter().map(|v| v.weight).sum();
        // Some shards may not vote, but the voters hold a quorum.
        let n = (total + missing).min(total * 3 / 2);
        (votes, n.max(total))
    })
}

#[test]
fn walrus_vector() {
    let votes: Vec<Vote> = (1..=10)
        .zip([5, 5, 4, 6, 3, 7, 4, 6, 1, 9])
        .map(|(v, w)| Vote::new(v, w))
        .collect();
    assert_eq!(quorum_below(&votes, 50), Ok(7), "storage / write price");
    assert_eq!(quorum_above(&votes, 50), Ok(4), "capacity");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn quantiles_match_brute_force((votes, n) in votes_strategy()) {
        let total: u64 = votes.iter().map(|v| v.weight).sum();
        if is_quorum(total, n) {
            prop_assert_eq!(quorum_below(&votes, n).unwrap(), brute_below(&votes, n));
            prop_assert_eq!(quorum_above(&votes, n).unwrap(), brute_above(&votes, n));
            // The order of the votes does not matter.
            let mut rev = votes.clone();
            rev.reverse();
            prop_assert_eq!(quorum_below(&rev, n), quorum_below(&votes, n));
        } else {
            prop_assert_eq!(quorum_below(&votes, n), Err(Error::EBelowQuorum));
            prop_assert_eq!(quorum_above(&votes, n), Err(Error::EBelowQuorum));
        }
    }

    #[test]
    fn quantiles_are_monotone((votes, n) in votes_strategy(), i in any::<prop::sample::Index>(), up in 0u64..20) {
        let total: u64 = votes.iter().map(|v| v.weight).sum();
        prop_assume!(is_quorum(total, n));
        let mut raised = votes.clone();
        let k = i.index(raised.len());
        raised[k].value += up;
        prop_assert!(quorum_below(&raised, n).unwrap() >= quorum_below(&votes, n).unwrap());
        prop_assert!(quorum_above(&raised, n).unwrap() >= quorum_above(&votes, n).unwrap());
        // Results are always one of the voted values, and below ≥ above is not required, but
        // both lie within the range of the votes.
        let min = votes.iter().map(|v| v.value).min().unwrap();
        let max = votes.iter().map(|v| v.value).max().unwrap();
        let b = quorum_below(&votes, n).unwrap();
        prop_assert!(min <= b && b <= max);
    }

    #[test]
    fn settlement_proofs_verify_and_reject_tampering(
        n in 1usize..40,
        pot in 0u64..u64::MAX / 2,
        burn in 0u16..=10_000,
        seed in any::<u64>(),
        which in any::<prop::sample::Index>(),
        field in 0u8..7,
        delta in 1u64..1000,
    ) {
        let mut s = seed | 1;
        let mut next = || { s ^= s << 13; s ^= s >> 7; s ^= s << 17; s };
        let nodes: Vec<SettlementNode> = (0..n).map(|i| {
            let mut id = [0u8; 32];
            id[..8].copy_from_slice(&next().to_le_bytes());
            id[31] = i as u8;
            SettlementNode { pool_id: id, shards: (next() % 50) as u16 + 1, stored_bytes: next() % (1 << 40), commission_bps: (next() % 10_001) as u16 }
        }).collect();
        let challengers: Vec<ChallengerResults> = (0..n).map(|_| ChallengerResults {
            stake: next() % 1_000_000 + 1,
            results: Some((0..n).map(|_| (next() % 10_001) as u16).collect()),
        }).collect();
        let st = settle(&SettlementInput { epoch: 5, pot, burn_bps: burn, curve: PerformanceCurve::default(), nodes: &nodes, challengers: &challengers }).unwrap();
        prop_assert_eq!(st.header.burned + st.header.paid, pot);
        let root = st.header.entries_root;
        for (i, e) in st.entries.iter().enumerate() {
            let p = st.proof(i as u32).unwrap();
            prop_assert_eq!(verify(&root, n as u32, e, &p), Ok(()));
        }
        // Alter one entry, its amount, its proof, or the root: verification fails.
        let i = which.index(n);
        let e = st.entries[i];
        let p = st.proof(i as u32).unwrap();
        let mut bad = e;
        let mut bad_root = root;
        let mut bad_proof = p.clone();
        match field {
            0 => bad.staker_reward = bad.staker_reward.wrapping_add(delta),
            1 => bad.commission = bad.commission.wrapping_add(delta),
            2 => bad.epoch += 1,
            3 => bad.pool_id[(delta % 32) as usize] ^= 1,
            4 => bad.performance_bps ^= 1 << (delta % 14),
            5 => bad_root[(delta % 32) as usize] ^= 1 << (delta % 8),
            _ => {
                if n > 1 {
                    let k = (delta as usize) % bad_proof.siblings.len();
                    bad_proof.siblings[k][0] ^= 1;
                } else {
                    bad.shards ^= 1;
                }
            }
        }
        prop_assert_eq!(verify(&bad_root, n as u32, &bad, &bad_proof), Err(Error::EInvalidProof));
        // Another entry's proof does not prove this one (distinct leaves), nor a wrong count.
        if n > 1 {
            let j = (i + 1) % n;
            prop_assert_eq!(verify(&root, n as u32, &e, &st.proof(j as u32).unwrap()), Err(Error::EInvalidProof));
        }
        // An index beyond the claimed leaf count is refused outright.
        let mut far = p.clone();
        far.index = n as u32;
        prop_assert_eq!(verify(&root, n as u32, &e, &far), Err(Error::EInvalidProof));
    }

    /// Challengers with less than 1/3 of the stake, reporting anything (or nothing), cannot
    /// push a node's factor below the one its honest challengers' reports give (their
    /// stake-weighted median), nor lift it above the highest honest report.
    #[test]
    fn performance_factor_is_robust_to_a_minority(
        honest in prop::collection::vec((1u64..1000, 0u16..=10_000), 1..15),
        liars in prop::collection::vec((1u64..1000, prop::option::of(0u16..=10_000)), 0..15),
        curve_lo in 0u16..=10_000,
        curve_hi in 0u16..=10_000,
    ) {
        let honest_stake: u64 = honest.iter().map(|h| h.0).sum();
        // Scale the liars down to strictly less than a third of the total: 3L < H + L.
        let mut liar_stake: u64 = liars.iter().map(|l| l.0).sum();
        let mut liars = liars;
        while 3 * liar_stake >= honest_stake + liar_stake && !liars.is_empty() {
            liars.pop();
            liar_stake = liars.iter().map(|l| l.0).sum();
        }
        let total = honest_stake + liar_stake;
        prop_assume!(3 * liar_stake < total);
        let curve = PerformanceCurve { zero_below_bps: curve_lo.min(curve_hi), full_at_bps: curve_lo.max(curve_hi) };

        // The honest challengers' stake-weighted median (upper median: the largest r such that
        // the honest stake reporting ≥ r is at least half the honest stake).
        let mut hs = honest.clone();
        hs.sort_by_key(|h| std::cmp::Reverse(h.1));
        let mut acc = 0;
        let honest_median = hs.iter().find(|(s, _)| { acc += s; 2 * acc >= honest_stake }).unwrap().1;
        let honest_max = hs[0].1;

        let mut reports: Vec<(u64, u16)> = honest.clone();
        reports.extend(liars.iter().filter_map(|(s, r)| r.map(|r| (*s, r))));
        let rate = robust_pass_rate(&reports, total).expect("honest stake alone is a quorum");
        prop_assert!(rate >= honest_median, "rate {} below honest median {}", rate, honest_median);
        prop_assert!(rate <= honest_max);
        prop_assert!(curve.factor(rate) >= curve.factor(honest_median));

        // Same through the vector API: node 0 is the node under test.
        let mut ch: Vec<ChallengerResults> = honest.iter().map(|(s, r)| ChallengerResults { stake: *s, results: Some(vec![*r, 10_000]) }).collect();
        ch.extend(liars.iter().map(|(s, r)| ChallengerResults { stake: *s, results: r.map(|r| vec![r, 0]) }));
        let agg = aggregate_pass_rates(&ch, 2).unwrap();
        prop_assert_eq!(agg[0], Some(rate));
        // An honest node all honest challengers see at 100% keeps 100%.
        prop_assert_eq!(agg[1], Some(10_000));
    }
}
