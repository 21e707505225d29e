//! Settlement of an epoch: per-pool entries, their Merkle root, proofs and verification.
//!
//! At the end of an epoch every node computes the same [`EpochSettlement`] with [`settle`],
//! signs the digest of its [`SettlementHeader`], and anyone submits it with a 2/3 quorum
//! certificate. Each pool's rewards are then claimed with a [`MerkleProof`] of its entry.
//!
//! # Byte encoding (what the Move verifier reproduces)
//!
//! All integers are little-endian; the layouts are exactly the BCS of Move structs with the
//! fields in this order (`ID` is 32 raw bytes). `H` is Blake2b with a 32-byte output
//! (Blake2b-256, no key, no salt, no personalisation). `DOMAIN` is the 18 ASCII bytes
//! `floe/settlement/v1`.
//!
//! - entry (56 bytes): `epoch: u32 ‖ pool_id: [u8; 32] ‖ shards: u16 ‖ performance_bps: u16 ‖
//!   staker_reward: u64 ‖ commission: u64`
//! - leaf: `H(0x00 ‖ DOMAIN ‖ entry)`
//! - inner node: `H(0x01 ‖ left ‖ right)`
//! - leaves are the entries sorted by `pool_id` (bytewise ascending, no duplicates); a level
//!   with an odd number of nodes is padded with one node of 32 zero bytes; the root of one
//!   leaf is that leaf; the root of no leaf is 32 zero bytes.
//! - header (64 bytes): `epoch: u32 ‖ n_entries: u32 ‖ pot: u64 ‖ burned: u64 ‖ paid: u64 ‖
//!   entries_root: [u8; 32]`; its digest, the message the committee signs, is
//!   `H(0x02 ‖ DOMAIN ‖ header)`.
//! - a proof is the leaf index (`u32`) and the sibling at each level from the leaves up; it has
//!   exactly `ceil(log2(n_entries))` siblings. At level `j`, bit `j` of the index is 0 when the
//!   running node is the left child. Verification refuses an index `≥ n_entries` or a path of
//!   the wrong length.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::performance::{performance_factors, ChallengerResults, PerformanceCurve};
use crate::rewards::{distribute, EpochRewards, NodeInput};
use crate::{Epoch, Error, Frost, Result};

/// The domain separator of settlement hashes.
pub const DOMAIN: &[u8; 18] = b"floe/settlement/v1";
/// Prefix byte of a leaf hash.
pub const LEAF_PREFIX: u8 = 0x00;
/// Prefix byte of an inner-node hash.
pub const INNER_PREFIX: u8 = 0x01;
/// Prefix byte of the header digest.
pub const HEADER_PREFIX: u8 = 0x02;

/// A 32-byte Blake2b-256 digest.
pub type Digest = [u8; 32];

fn hash(parts: &[&[u8]]) -> Digest {
    let mut st = blake2b_simd::Params::new().hash_length(32).to_state();
    for p in parts {
        st.update(p);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(st.finalize().as_bytes());
    out
}

/// One pool's settled rewards for an epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SettlementEntry {
    /// The settled epoch.
    pub epoch: Epoch,
    /// The staking pool (node) id.
    #[serde(with = "crate::hex_serde::bytes32")]
    pub pool_id: [u8; 32],
    /// Shards the node held in the epoch.
    pub shards: u16,
    /// Its performance factor (bps).
    pub performance_bps: u16,
    /// FROST credited to the pool's stakers.
    pub staker_reward: Frost,
    /// FROST credited to the operator as commission.
    pub commission: Frost,
}

impl SettlementEntry {
    /// The 56-byte encoding (BCS of the Move struct).
    pub fn to_bytes(&self) -> Vec<u8> {
        bcs::to_bytes(self).expect("plain data always serializes")
    }

    /// Reads the 56-byte encoding (exactly: no trailing bytes).
    pub fn from_bytes(b: &[u8]) -> std::result::Result<Self, bcs::Error> {
        bcs::from_bytes(b)
    }

    /// The leaf hash `H(0x00 ‖ DOMAIN ‖ entry)`.
    pub fn leaf(&self) -> Digest {
        hash(&[&[LEAF_PREFIX], DOMAIN, &self.to_bytes()])
    }

    /// `staker_reward + commission`.
    pub fn total(&self) -> Frost {
        self.staker_reward + self.commission
    }
}

/// The summary the committee signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementHeader {
    /// The settled epoch.
    pub epoch: Epoch,
    /// Number of entries (leaves).
    pub n_entries: u32,
    /// The epoch's pot.
    pub pot: Frost,
    /// FROST burned (burn share, withheld rewards, rounding dust).
    pub burned: Frost,
    /// FROST paid to pools (Σ of the entries' totals); `pot = burned + paid`.
    pub paid: Frost,
    /// Merkle root of the entries.
    #[serde(with = "crate::hex_serde::bytes32")]
    pub entries_root: Digest,
}

impl SettlementHeader {
    /// The 64-byte encoding (BCS of the Move struct).
    pub fn to_bytes(&self) -> Vec<u8> {
        bcs::to_bytes(self).expect("plain data always serializes")
    }

    /// Reads the 64-byte encoding (exactly: no trailing bytes).
    pub fn from_bytes(b: &[u8]) -> std::result::Result<Self, bcs::Error> {
        bcs::from_bytes(b)
    }

    /// The digest the committee signs: `H(0x02 ‖ DOMAIN ‖ header)`.
    pub fn digest(&self) -> Digest {
        hash(&[&[HEADER_PREFIX], DOMAIN, &self.to_bytes()])
    }
}

/// A Merkle proof of one entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MerkleProof {
    /// The leaf index (position in pool-id order).
    pub index: u32,
    /// Siblings from the leaf level up.
    #[serde(with = "crate::hex_serde::bytes32_vec")]
    pub siblings: Vec<Digest>,
}

impl MerkleProof {
    /// The BCS bytes (`index: u32 ‖ siblings: vector<[u8; 32]>`).
    pub fn to_bytes(&self) -> Vec<u8> {
        bcs::to_bytes(self).expect("plain data always serializes")
    }

    /// Reads the BCS bytes (exactly: no trailing bytes).
    pub fn from_bytes(b: &[u8]) -> std::result::Result<Self, bcs::Error> {
        bcs::from_bytes(b)
    }
}

/// Number of levels above the leaves: `ceil(log2(n))`, 0 for `n ≤ 1`.
pub fn tree_depth(n_leaves: u32) -> u32 {
    if n_leaves <= 1 {
        0
    } else {
        32 - (n_leaves - 1).leading_zeros()
    }
}

fn inner(l: &Digest, r: &Digest) -> Digest {
    hash(&[&[INNER_PREFIX], l, r])
}

/// A Merkle tree over leaf hashes, all levels kept for proofs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerkleTree {
    levels: Vec<Vec<Digest>>,
}

impl MerkleTree {
    /// Builds the tree over `leaves` (see the module doc for padding).
    pub fn new(leaves: Vec<Digest>) -> Self {
        let mut levels = vec![leaves];
        while levels.last().map_or(0, |l| l.len()) > 1 {
            let prev = levels.last().expect("non-empty");
            let next = prev
                .chunks(2)
                .map(|c| inner(&c[0], c.get(1).unwrap_or(&[0u8; 32])))
                .collect();
            levels.push(next);
        }
        MerkleTree { levels }
    }

    /// The root (32 zero bytes for no leaves).
    pub fn root(&self) -> Digest {
        self.levels
            .last()
            .and_then(|l| l.first())
            .copied()
            .unwrap_or([0u8; 32])
    }

    /// The proof of leaf `index`, `None` if out of range.
    pub fn proof(&self, index: u32) -> Option<MerkleProof> {
        if index as usize >= self.levels[0].len() {
            return None;
        }
        let mut i = index as usize;
        let mut siblings = Vec::new();
        for level in &self.levels[..self.levels.len() - 1] {
            siblings.push(level.get(i ^ 1).copied().unwrap_or([0u8; 32]));
            i /= 2;
        }
        Some(MerkleProof { index, siblings })
    }
}

/// Verifies that `entry` is leaf `proof.index` of a tree of `n_entries` leaves with root
/// `root`; refuses with `EInvalidProof`.
pub fn verify(
    root: &Digest,
    n_entries: u32,
    entry: &SettlementEntry,
    proof: &MerkleProof,
) -> Result<()> {
    if proof.index >= n_entries || proof.siblings.len() != tree_depth(n_entries) as usize {
        return Err(Error::EInvalidProof);
    }
    let mut node = entry.leaf();
    let mut i = proof.index;
    for s in &proof.siblings {
        node = if i & 1 == 0 {
            inner(&node, s)
        } else {
            inner(s, &node)
        };
        i >>= 1;
    }
    if &node == root {
        Ok(())
    } else {
        Err(Error::EInvalidProof)
    }
}

/// A committee node as seen by the settlement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettlementNode {
    /// Its staking pool id.
    pub pool_id: [u8; 32],
    /// Shards held in the epoch.
    pub shards: u16,
    /// Bytes stored per shard.
    pub stored_bytes: u64,
    /// Commission in force (bps).
    pub commission_bps: u16,
}

/// Everything an epoch's settlement is computed from.
#[derive(Debug, Clone, Copy)]
pub struct SettlementInput<'a> {
    /// The settled epoch.
    pub epoch: Epoch,
    /// Its pot (storage fees for the epoch + write fees + subsidies).
    pub pot: Frost,
    /// Burn share of the pot (bps).
    pub burn_bps: u16,
    /// The governed performance curve.
    pub curve: PerformanceCurve,
    /// Committee nodes, in committee order (the order of the challenge result vectors).
    pub nodes: &'a [SettlementNode],
    /// Every challenger's stake and result vector (empty: the fallback, base weight only).
    pub challengers: &'a [ChallengerResults],
}

/// A computed settlement: header, entries (in pool-id order), the reward split and the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpochSettlement {
    /// The signed summary.
    pub header: SettlementHeader,
    /// Entries sorted by pool id.
    pub entries: Vec<SettlementEntry>,
    /// The reward split, in committee order.
    pub rewards: EpochRewards,
    /// Performance factors (bps), in committee order.
    pub performance_bps: Vec<u16>,
    tree: MerkleTree,
}

impl EpochSettlement {
    /// The entry of `pool_id` and its proof.
    pub fn proof_for(&self, pool_id: &[u8; 32]) -> Option<(SettlementEntry, MerkleProof)> {
        let i = self
            .entries
            .binary_search_by(|e| e.pool_id.cmp(pool_id))
            .ok()?;
        Some((self.entries[i], self.tree.proof(i as u32)?))
    }

    /// The proof of the entry at `index` (pool-id order).
    pub fn proof(&self, index: u32) -> Option<MerkleProof> {
        self.tree.proof(index)
    }
}

/// Computes the settlement of an epoch: performance factors from the challengers' results,
/// the reward split, one entry per pool and the Merkle root. Refuses duplicate pool ids
/// (`EDuplicate`), more than `u32::MAX` nodes (`EOverflow`), and the refusals of
/// [`performance_factors`] and [`distribute`].
pub fn settle(input: &SettlementInput<'_>) -> Result<EpochSettlement> {
    let n = input.nodes.len();
    let n_entries = u32::try_from(n).map_err(|_| Error::EOverflow)?;
    let mut seen = BTreeSet::new();
    if !input.nodes.iter().all(|x| seen.insert(x.pool_id)) {
        return Err(Error::EDuplicate);
    }
    let perf = performance_factors(input.challengers, n, &input.curve)?;
    let node_inputs: Vec<NodeInput> = input
        .nodes
        .iter()
        .zip(&perf)
        .map(|(x, p)| NodeInput {
            shards: x.shards,
            stored_bytes: x.stored_bytes,
            performance_bps: *p,
            commission_bps: x.commission_bps,
        })
        .collect();
    let rewards = distribute(input.pot, input.burn_bps, &node_inputs)?;
    let mut entries: Vec<SettlementEntry> = input
        .nodes
        .iter()
        .zip(&perf)
        .zip(&rewards.nodes)
        .map(|((x, p), r)| SettlementEntry {
            epoch: input.epoch,
            pool_id: x.pool_id,
            shards: x.shards,
            performance_bps: *p,
            staker_reward: r.staker_reward,
            commission: r.commission,
        })
        .collect();
    entries.sort_unstable_by_key(|e| e.pool_id);
    let tree = MerkleTree::new(entries.iter().map(SettlementEntry::leaf).collect());
    let header = SettlementHeader {
        epoch: input.epoch,
        n_entries,
        pot: input.pot,
        burned: rewards.total_burned(),
        paid: rewards.total_paid(),
        entries_root: tree.root(),
    };
    debug_assert_eq!(header.burned + header.paid, header.pot);
    Ok(EpochSettlement {
        header,
        entries,
        rewards,
        performance_bps: perf,
        tree,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(i: u8) -> SettlementEntry {
        SettlementEntry {
            epoch: 3,
            pool_id: [i; 32],
            shards: i as u16,
            performance_bps: 10_000,
            staker_reward: 1000 + i as u64,
            commission: i as u64,
        }
    }

    #[test]
    fn encoding_layout() {
        let e = entry(7);
        let b = e.to_bytes();
        assert_eq!(&b[0..4], &[3, 0, 0, 0]);
        assert_eq!(&b[4..36], &[7u8; 32]);
        assert_eq!(&b[36..38], &[7, 0]);
        assert_eq!(&b[38..40], &10_000u16.to_le_bytes());
        assert_eq!(&b[40..48], &1007u64.to_le_bytes());
        // The leaf is Blake2b-256 of prefix, domain and bytes (checked against the crate's
        // one-shot API so a change of the streaming code cannot go unnoticed).
        let mut msg = vec![0u8];
        msg.extend_from_slice(b"floe/settlement/v1");
        msg.extend_from_slice(&b);
        let expect = blake2b_simd::Params::new().hash_length(32).hash(&msg);
        assert_eq!(e.leaf().as_slice(), expect.as_bytes());
    }

    #[test]
    fn proofs_for_all_sizes() {
        for n in 0..=9u8 {
            let leaves: Vec<_> = (0..n).map(|i| entry(i).leaf()).collect();
            let t = MerkleTree::new(leaves);
            for i in 0..n {
                let p = t.proof(i as u32).unwrap();
                assert_eq!(p.siblings.len() as u32, tree_depth(n as u32));
                assert_eq!(verify(&t.root(), n as u32, &entry(i), &p), Ok(()));
                let mut bad = entry(i);
                bad.commission += 1;
                assert_eq!(
                    verify(&t.root(), n as u32, &bad, &p),
                    Err(Error::EInvalidProof)
                );
            }
            assert!(t.proof(n as u32).is_none());
        }
        assert_eq!(MerkleTree::new(vec![]).root(), [0u8; 32]);
    }

    #[test]
    fn settle_adds_up() {
        let nodes: Vec<SettlementNode> = (0..5u8)
            .map(|i| SettlementNode {
                pool_id: [4 - i; 32],
                shards: 2,
                stored_bytes: 10,
                commission_bps: 1000,
            })
            .collect();
        let ch = vec![ChallengerResults {
            stake: 1,
            results: Some(vec![10_000, 10_000, 0, 10_000, 10_000]),
        }];
        let s = settle(&SettlementInput {
            epoch: 9,
            pot: 1_000_001,
            burn_bps: 500,
            curve: PerformanceCurve::default(),
            nodes: &nodes,
            challengers: &ch,
        })
        .unwrap();
        assert_eq!(s.header.burned + s.header.paid, s.header.pot);
        assert_eq!(
            s.entries.iter().map(|e| e.total()).sum::<u64>(),
            s.header.paid
        );
        assert_eq!(s.performance_bps[2], 0);
        let (e, p) = s.proof_for(&[2u8; 32]).unwrap();
        assert_eq!(e.performance_bps, 0);
        assert_eq!(verify(&s.header.entries_root, 5, &e, &p), Ok(()));
        let dup = [nodes[0], nodes[0]];
        let input = SettlementInput {
            nodes: &dup,
            challengers: &[],
            ..SettlementInput {
                epoch: 0,
                pot: 0,
                burn_bps: 0,
                curve: PerformanceCurve::default(),
                nodes: &[],
                challengers: &[],
            }
        };
        assert_eq!(settle(&input).unwrap_err(), Error::EDuplicate);
    }
}
