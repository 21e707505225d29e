//! Blake2b-256 Merkle trees as Walrus builds them.
//!
//! Leaves are `H(0x00 ‖ x)`, inner nodes `H(0x01 ‖ left ‖ right)`; a level with an odd number of
//! nodes is padded with the all-zero digest; the root of an empty tree is the all-zero digest and
//! the root of a one-leaf tree is that leaf's hash.

use serde::{Deserialize, Serialize};

use super::{
    config::DIGEST_LEN,
    hashing::{hash_slices, inner_hash, leaf_hash, Digest, EMPTY_DIGEST, INNER_PREFIX},
};

/// A Merkle node as serialized in metadata and proofs (BCS: variant byte, then 32 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Node {
    /// No node (padding); its bytes are all zero.
    Empty,
    /// A digest.
    Digest(Digest),
}

impl Node {
    /// The 32 bytes the node stands for.
    pub fn bytes(&self) -> Digest {
        match self {
            Node::Empty => EMPTY_DIGEST,
            Node::Digest(digest) => *digest,
        }
    }
}

impl From<Digest> for Node {
    fn from(digest: Digest) -> Self {
        Node::Digest(digest)
    }
}

/// Why a Merkle proof does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MerkleProofError {
    /// The proof is longer than any path of a tree with that many leaves.
    #[error("proof path of {len} nodes is longer than the {max} a tree of this size has")]
    PathTooLong {
        /// Length of the proof's path.
        len: usize,
        /// Longest path in the tree.
        max: usize,
    },
    /// The leaf index does not fit the proof's path length.
    #[error("leaf index {0} is out of range")]
    LeafIndexOutOfBounds(usize),
    /// The recomputed root differs from the expected one.
    #[error("the recomputed Merkle root does not match")]
    RootMismatch,
}

/// An authentication path from a leaf to the root (siblings bottom-up).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MerkleProof {
    /// Sibling nodes from the leaf level upwards.
    pub path: Vec<Node>,
}

impl MerkleProof {
    /// The root obtained from `leaf` (unhashed data) at `leaf_index` along this path.
    pub fn compute_root(&self, leaf: &[u8], leaf_index: usize) -> Result<Digest, MerkleProofError> {
        if self.path.len() < usize::BITS as usize && leaf_index >> self.path.len() != 0 {
            return Err(MerkleProofError::LeafIndexOutOfBounds(leaf_index));
        }
        let mut current = leaf_hash(leaf);
        let mut index = leaf_index;
        for sibling in &self.path {
            current = if index.is_multiple_of(2) {
                inner_hash(&current, &sibling.bytes())
            } else {
                inner_hash(&sibling.bytes(), &current)
            };
            index /= 2;
        }
        Ok(current)
    }

    /// Checks that `leaf` sits at `leaf_index` of a tree of `n_leaves` leaves with root `root`.
    pub fn verify(
        &self,
        root: &Node,
        n_leaves: usize,
        leaf: &[u8],
        leaf_index: usize,
    ) -> Result<(), MerkleProofError> {
        let max = path_length(n_leaves);
        if self.path.len() > max {
            return Err(MerkleProofError::PathTooLong {
                len: self.path.len(),
                max,
            });
        }
        if leaf_index >= n_leaves {
            return Err(MerkleProofError::LeafIndexOutOfBounds(leaf_index));
        }
        if self.compute_root(leaf, leaf_index)? == root.bytes() {
            Ok(())
        } else {
            Err(MerkleProofError::RootMismatch)
        }
    }
}

/// Length of the longest authentication path in a tree of `n_leaves` leaves.
pub fn path_length(n_leaves: usize) -> usize {
    if n_leaves <= 1 {
        0
    } else {
        (n_leaves - 1).ilog2() as usize + 1
    }
}

/// A whole Merkle tree, kept to produce proofs.
#[derive(Debug, Clone)]
pub struct MerkleTree {
    /// Levels from the leaf hashes up to the root; every level but the root has even length.
    levels: Vec<Vec<Digest>>,
    /// Number of real (not padding) nodes of each level.
    real_lens: Vec<usize>,
    n_leaves: usize,
}

impl MerkleTree {
    /// Builds the tree over the leaf data items.
    pub fn build<'a>(leaves: impl IntoIterator<Item = &'a [u8]>) -> Self {
        Self::from_leaf_hashes(leaves.into_iter().map(leaf_hash).collect())
    }

    /// Builds the tree over already hashed leaves.
    pub fn from_leaf_hashes(leaf_hashes: Vec<Digest>) -> Self {
        let n_leaves = leaf_hashes.len();
        let mut levels = vec![leaf_hashes];
        let mut real_lens = Vec::new();
        while let Some(level) = levels.last_mut() {
            real_lens.push(level.len());
            if level.len() <= 1 {
                break;
            }
            if level.len() % 2 == 1 {
                level.push(EMPTY_DIGEST);
            }
            let next = level
                .chunks_exact(2)
                .map(|pair| inner_hash(&pair[0], &pair[1]))
                .collect();
            levels.push(next);
        }
        Self {
            levels,
            real_lens,
            n_leaves,
        }
    }

    /// The root (all zero for an empty tree).
    pub fn root(&self) -> Node {
        match self.levels.last().and_then(|level| level.first()) {
            Some(digest) => Node::Digest(*digest),
            None => Node::Empty,
        }
    }

    /// Number of leaves.
    pub fn n_leaves(&self) -> usize {
        self.n_leaves
    }

    /// The authentication path of leaf `leaf_index`.
    pub fn proof(&self, leaf_index: usize) -> Result<MerkleProof, MerkleProofError> {
        if leaf_index >= self.n_leaves {
            return Err(MerkleProofError::LeafIndexOutOfBounds(leaf_index));
        }
        let mut index = leaf_index;
        let path = self
            .levels
            .iter()
            .zip(&self.real_lens)
            .take(self.levels.len() - 1)
            .map(|(level, real_len)| {
                // A padding sibling is `Empty` on the wire, as Walrus sends it.
                let sibling = index ^ 1;
                let node = if sibling < *real_len {
                    Node::Digest(level[sibling])
                } else {
                    Node::Empty
                };
                index /= 2;
                node
            })
            .collect();
        Ok(MerkleProof { path })
    }
}

/// Root of a tree over already hashed leaves, without keeping the tree.
pub fn root_of(leaf_hashes: &[Digest]) -> Digest {
    let mut root = [EMPTY_DIGEST];
    roots_of_trees(leaf_hashes, leaf_hashes.len(), &mut root);
    root[0]
}

/// Roots of `out.len()` trees of `n_leaves` leaves each, whose leaf hashes lie one tree after the
/// other in `leaves`. All trees are built level by level together so that the inner-node hashes
/// go through the batched (SIMD) hasher, reading each pair of children in place.
pub fn roots_of_trees(leaves: &[Digest], n_leaves: usize, out: &mut [Digest]) {
    let n_trees = out.len();
    debug_assert_eq!(leaves.len(), n_leaves * n_trees);
    match n_leaves {
        0 => return out.fill(EMPTY_DIGEST),
        1 => return out.copy_from_slice(leaves),
        _ => {}
    }
    let mut level: Vec<Digest> = Vec::new();
    let mut width = n_leaves;
    loop {
        let current: &[Digest] = if width == n_leaves { leaves } else { &level };
        let n_parents = width.div_ceil(2);
        // An odd level pairs its last node with the zero digest.
        let odd_tails: Vec<[u8; 2 * DIGEST_LEN]> = if width % 2 == 1 {
            current
                .chunks_exact(width)
                .map(|tree| {
                    let mut pair = [0u8; 2 * DIGEST_LEN];
                    pair[..DIGEST_LEN].copy_from_slice(&tree[width - 1]);
                    pair
                })
                .collect()
        } else {
            Vec::new()
        };
        let mut items: Vec<&[u8]> = Vec::with_capacity(n_trees * n_parents);
        for (t, tree) in current.chunks_exact(width).enumerate() {
            let pairs = tree[..width - width % 2].as_flattened();
            items.extend(pairs.chunks_exact(2 * DIGEST_LEN));
            if let Some(tail) = odd_tails.get(t) {
                items.push(tail);
            }
        }
        let mut next = vec![EMPTY_DIGEST; n_trees * n_parents];
        hash_slices(&items, INNER_PREFIX, &mut next);
        width = n_parents;
        if width == 1 {
            out.copy_from_slice(&next);
            return;
        }
        level = next;
    }
}

/// Raises the roots of trees of `n_leaves` leaves to the height of trees of `block` leaves
/// (`block` a power of two, `n_leaves <= block`), the height at which the last, partial block of
/// a larger tree joins it.
///
/// A tree of more than `block` leaves is made of the subtrees of its aligned blocks of `block`
/// leaves: their roots are the nodes of its level `log2(block)`. A full block's subtree is a
/// tree of its own. So is the last block's, up to its own root; above that, the node is the last
/// of an odd level at every level up to `log2(block)`, so it is paired with the zero digest each
/// time. (A tree of at most `block` leaves is its only block's tree, not raised.)
pub fn lift_roots(roots: &mut [Digest], n_leaves: usize, block: usize) {
    debug_assert!(block.is_power_of_two() && n_leaves <= block);
    for _ in path_length(n_leaves)..path_length(block) {
        let pairs: Vec<[u8; 2 * DIGEST_LEN]> = roots
            .iter()
            .map(|root| {
                let mut pair = [0u8; 2 * DIGEST_LEN];
                pair[..DIGEST_LEN].copy_from_slice(root);
                pair
            })
            .collect();
        let items: Vec<&[u8]> = pairs.iter().map(|pair| pair.as_slice()).collect();
        hash_slices(&items, INNER_PREFIX, roots);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The root of a tree equals the root of the tree over its blocks' roots, the last block's
    /// lifted, for every block size and every way the last block can be partial.
    #[test]
    fn roots_compose_from_aligned_blocks() {
        let leaves: Vec<Digest> = (0..300u32).map(|i| leaf_hash(&i.to_le_bytes())).collect();
        for n in [
            2usize, 3, 5, 8, 9, 17, 31, 32, 33, 64, 65, 100, 127, 129, 300,
        ] {
            for block in [1usize, 2, 4, 8, 32] {
                if n <= block {
                    continue;
                }
                let block_roots: Vec<Digest> = leaves[..n]
                    .chunks(block)
                    .map(|chunk| {
                        let mut root = [root_of(chunk)];
                        lift_roots(&mut root, chunk.len(), block);
                        root[0]
                    })
                    .collect();
                let direct = root_of(&leaves[..n]);
                assert_eq!(root_of(&block_roots), direct, "n {n}, block {block}");
            }
        }
    }

    #[test]
    fn batched_roots_equal_the_tree_roots_and_proofs_verify() {
        for n in [0usize, 1, 2, 3, 5, 8, 9, 31, 100] {
            let data: Vec<Vec<u8>> = (0..n).map(|i| (i as u32).to_le_bytes().to_vec()).collect();
            let tree = MerkleTree::build(data.iter().map(Vec::as_slice));
            let leaves: Vec<Digest> = data.iter().map(|d| leaf_hash(d)).collect();
            assert_eq!(tree.root().bytes(), root_of(&leaves), "n = {n}");
            for (i, d) in data.iter().enumerate() {
                let proof = tree.proof(i).expect("in range");
                assert_eq!(proof.verify(&tree.root(), n, d, i), Ok(()));
                assert_eq!(
                    proof.verify(&tree.root(), n, b"other", i),
                    Err(MerkleProofError::RootMismatch)
                );
            }
        }
    }

    /// Padding siblings are sent as `Node::Empty` (one BCS byte), exactly as Walrus sends them.
    #[test]
    fn padding_siblings_are_empty_nodes() {
        let data: Vec<Vec<u8>> = (0..5u8).map(|i| vec![i]).collect();
        let tree = MerkleTree::build(data.iter().map(Vec::as_slice));
        let proof = tree.proof(4).expect("in range");
        assert_eq!(proof.path[0], Node::Empty);
        assert_eq!(proof.path[1], Node::Empty);
        assert!(matches!(proof.path[2], Node::Digest(_)));
        assert_eq!(
            bcs::to_bytes(&proof).expect("serializes").len(),
            1 + 1 + 1 + 33
        );
        assert_eq!(proof.verify(&tree.root(), 5, &data[4], 4), Ok(()));
    }

    #[test]
    fn empty_tree_root_is_zero() {
        assert_eq!(MerkleTree::build([]).root(), Node::Empty);
        assert_eq!(root_of(&[]), EMPTY_DIGEST);
    }
}
