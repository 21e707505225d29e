//! Blob metadata: the Merkle roots of every expanded sliver, and the blob ID derived from them.
//!
//! The BCS of [`BlobMetadataWithId`] is byte-identical to what a Walrus storage node serves at
//! `/v1/blobs/{blob_id}/metadata`.

use serde::{Deserialize, Serialize};

use super::{
    axis::EncodingAxis,
    config::{EncodingConfig, SymbolSize, RS2_ENCODING_TYPE},
    errors::MetadataError,
    hashing::{blake2b256, leaf_hash},
    index::{BlobId, SliverPairIndex},
    merkle::{root_of, Node},
};

/// The Merkle roots of one sliver pair's two expanded slivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SliverPairMetadata {
    /// Root over the `n` symbols of the expanded primary sliver.
    pub primary_hash: Node,
    /// Root over the `n` symbols of the expanded secondary sliver.
    pub secondary_hash: Node,
}

impl SliverPairMetadata {
    /// The hash of the pair's sliver on axis `A`.
    pub fn hash<A: EncodingAxis>(&self) -> &Node {
        if A::IS_PRIMARY {
            &self.primary_hash
        } else {
            &self.secondary_hash
        }
    }

    /// The 64 bytes `primary_hash ‖ secondary_hash`, the pair's leaf in the metadata tree.
    pub fn pair_leaf_input(&self) -> [u8; 64] {
        let mut out = [0u8; 64];
        out[..32].copy_from_slice(&self.primary_hash.bytes());
        out[32..].copy_from_slice(&self.secondary_hash.bytes());
        out
    }
}

/// Version 1 of the metadata: encoding type, blob length, and one hash pair per sliver pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobMetadataV1 {
    /// Encoding type byte (1 = RS2).
    pub encoding_type: u8,
    /// Length of the blob before encoding, in bytes.
    pub unencoded_length: u64,
    /// Hashes of sliver pair `i` at position `i`.
    pub hashes: Vec<SliverPairMetadata>,
}

/// Versioned blob metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BlobMetadata {
    /// The only version so far.
    V1(BlobMetadataV1),
}

impl BlobMetadata {
    /// Metadata of an RS2-encoded blob.
    pub fn new(unencoded_length: u64, hashes: Vec<SliverPairMetadata>) -> Self {
        Self::V1(BlobMetadataV1 {
            encoding_type: RS2_ENCODING_TYPE,
            unencoded_length,
            hashes,
        })
    }

    fn inner(&self) -> &BlobMetadataV1 {
        match self {
            Self::V1(inner) => inner,
        }
    }

    /// Encoding type byte.
    pub fn encoding_type(&self) -> u8 {
        self.inner().encoding_type
    }

    /// Length of the blob before encoding.
    pub fn unencoded_length(&self) -> u64 {
        self.inner().unencoded_length
    }

    /// The hash pairs, indexed by sliver pair.
    pub fn hashes(&self) -> &[SliverPairMetadata] {
        &self.inner().hashes
    }

    /// The hashes of one pair.
    pub fn pair(&self, pair: SliverPairIndex) -> Option<&SliverPairMetadata> {
        self.hashes().get(pair.as_usize())
    }

    /// Root of the Merkle tree over the pairs' `primary ‖ secondary` leaves.
    pub fn root_hash(&self) -> Node {
        let leaves: Vec<_> = self
            .hashes()
            .iter()
            .map(|pair| leaf_hash(&pair.pair_leaf_input()))
            .collect();
        if leaves.is_empty() {
            Node::Empty
        } else {
            Node::Digest(root_of(&leaves))
        }
    }

    /// The blob ID these metadata commit to: `H(type ‖ u64_le(len) ‖ root)`.
    pub fn compute_blob_id(&self) -> BlobId {
        BlobId(blake2b256(&[
            &[self.encoding_type()],
            &self.unencoded_length().to_le_bytes(),
            &self.root_hash().bytes(),
        ]))
    }

    /// The symbol size these metadata imply for `config`.
    pub fn symbol_size(&self, config: &EncodingConfig) -> Result<SymbolSize, MetadataError> {
        Ok(config.symbol_size_for(self.unencoded_length())?)
    }
}

/// Metadata together with the blob ID, as served by storage nodes and stored on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobMetadataWithId {
    /// The blob ID.
    pub blob_id: BlobId,
    /// The metadata.
    pub metadata: BlobMetadata,
}

impl BlobMetadataWithId {
    /// Builds metadata and derives the blob ID from it.
    pub fn from_hashes(unencoded_length: u64, hashes: Vec<SliverPairMetadata>) -> Self {
        let metadata = BlobMetadata::new(unencoded_length, hashes);
        Self {
            blob_id: metadata.compute_blob_id(),
            metadata,
        }
    }

    /// Checks the metadata against the committee: RS2, one hash pair per shard, a length the
    /// committee can store, and a blob ID that is really derived from it.
    pub fn verify(&self, config: &EncodingConfig) -> Result<(), MetadataError> {
        if self.metadata.encoding_type() != RS2_ENCODING_TYPE {
            return Err(MetadataError::UnsupportedEncoding(
                self.metadata.encoding_type(),
            ));
        }
        let n_hashes = self.metadata.hashes().len();
        if n_hashes != config.n_shards_usize() {
            return Err(MetadataError::WrongHashCount {
                expected: config.n_shards_usize(),
                actual: n_hashes,
            });
        }
        config.symbol_size_for(self.metadata.unencoded_length())?;
        let derived = self.metadata.compute_blob_id();
        if derived != self.blob_id {
            return Err(MetadataError::BlobIdMismatch {
                claimed: self.blob_id.to_string(),
                derived: derived.to_string(),
            });
        }
        Ok(())
    }

    /// BCS bytes, exactly as Walrus serves them.
    pub fn to_bcs(&self) -> Vec<u8> {
        bcs::to_bytes(self).expect("metadata always serializes")
    }

    /// Parses BCS bytes (structure only; call [`verify`](Self::verify) before trusting them).
    pub fn from_bcs(bytes: &[u8]) -> Result<Self, MetadataError> {
        bcs::from_bytes(bytes).map_err(|e| MetadataError::Bcs(e.to_string()))
    }
}
