//! Slivers: the rows (primary) and columns (secondary) of the message matrix that nodes store.
//!
//! The BCS of [`SliverData`] is byte-identical to Walrus's: `Symbols { data: bytes, symbol_size:
//! u16 }` followed by the `u16` sliver index (the axis marker serializes to nothing).

use std::marker::PhantomData;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{
    axis::{EncodingAxis, Primary, Secondary},
    config::{EncodingConfig, SymbolSize},
    errors::{RecoveryError, SliverVerificationError},
    hashing::{leaf_hashes, Digest, EMPTY_DIGEST},
    index::{SliverIndex, SliverPairIndex},
    merkle::{root_of, MerkleTree},
    metadata::BlobMetadata,
    recovery::{DecodingSymbol, RecoverySymbol},
    rs::{RsError, SegmentedEncoder},
};

/// A sliver of axis `A`: its symbols and its index on that axis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SliverData<A: EncodingAxis> {
    data: Vec<u8>,
    symbol_size: SymbolSize,
    index: SliverIndex,
    _axis: PhantomData<A>,
}

/// A primary sliver (a row).
pub type PrimarySliver = SliverData<Primary>;
/// A secondary sliver (a column).
pub type SecondarySliver = SliverData<Secondary>;

/// The two slivers a shard stores for a blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SliverPair {
    /// Primary sliver `i`.
    pub primary: PrimarySliver,
    /// Secondary sliver `n - 1 - i`.
    pub secondary: SecondarySliver,
}

impl SliverPair {
    /// The pair's index (that of its primary sliver).
    pub fn index(&self) -> SliverPairIndex {
        SliverPairIndex(self.primary.index().get())
    }
}

impl<A: EncodingAxis> SliverData<A> {
    /// A sliver from its bytes; `data.len()` must be a multiple of `symbol_size`.
    pub fn new(
        data: Vec<u8>,
        symbol_size: SymbolSize,
        index: SliverIndex,
    ) -> Result<Self, SliverVerificationError> {
        if !data.len().is_multiple_of(symbol_size.as_usize()) {
            return Err(SliverVerificationError::SliverSizeMismatch {
                expected: data.len().next_multiple_of(symbol_size.as_usize()),
                actual: data.len(),
            });
        }
        Ok(Self {
            data,
            symbol_size,
            index,
            _axis: PhantomData,
        })
    }

    /// The sliver's index on its axis.
    pub fn index(&self) -> SliverIndex {
        self.index
    }

    /// The pair this sliver belongs to.
    pub fn pair_index(&self, n_shards: u16) -> SliverPairIndex {
        self.index.to_pair_index::<A>(n_shards)
    }

    /// Symbol size in bytes.
    pub fn symbol_size(&self) -> SymbolSize {
        self.symbol_size
    }

    /// The raw bytes (symbols concatenated).
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Mutable raw bytes (for tests that corrupt slivers, and for in-place repair).
    pub fn data_mut(&mut self) -> &mut [u8] {
        &mut self.data
    }

    /// Number of bytes.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// `true` if the sliver holds no bytes.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The symbols, in order.
    pub fn symbols(&self) -> impl ExactSizeIterator<Item = &[u8]> {
        self.data.chunks_exact(self.symbol_size.as_usize())
    }

    /// The expanded sliver: its `n` symbols under the orthogonal axis's code, concatenated.
    pub fn expanded(&self, config: &EncodingConfig) -> Result<Vec<u8>, SliverVerificationError> {
        self.check_shape(config, self.symbol_size)?;
        let invalid = |e: RsError| SliverVerificationError::InvalidEncoding(e.to_string());
        let mut encoder = SegmentedEncoder::new(
            config.source_symbols::<A::Orthogonal>(),
            config.n_shards(),
            self.symbol_size,
        )
        .map_err(invalid)?;
        let s = self.symbol_size.as_usize();
        let mut codeword = Vec::with_capacity(config.n_shards_usize() * s);
        codeword.extend_from_slice(&self.data);
        codeword.resize(config.n_shards_usize() * s, 0);
        let (source, repair) = codeword.split_at_mut(self.data.len());
        let source: &[u8] = source;
        encoder
            .encode(|i| &source[i * s..(i + 1) * s], repair, s)
            .map_err(invalid)?;
        Ok(codeword)
    }

    /// Leaf hashes of the expanded sliver.
    fn expanded_leaf_hashes(
        &self,
        config: &EncodingConfig,
    ) -> Result<(Vec<u8>, Vec<Digest>), SliverVerificationError> {
        let expanded = self.expanded(config)?;
        let mut leaves = vec![EMPTY_DIGEST; config.n_shards_usize()];
        leaf_hashes(
            expanded.chunks_exact(self.symbol_size.as_usize()),
            &mut leaves,
        );
        Ok((expanded, leaves))
    }

    /// Merkle root over the expanded sliver's symbols (what the metadata stores for it).
    pub fn merkle_root(&self, config: &EncodingConfig) -> Result<Digest, SliverVerificationError> {
        Ok(root_of(&self.expanded_leaf_hashes(config)?.1))
    }

    fn check_shape(
        &self,
        config: &EncodingConfig,
        expected_symbol_size: SymbolSize,
    ) -> Result<(), SliverVerificationError> {
        if self.index.get() >= config.n_shards() {
            return Err(SliverVerificationError::IndexTooLarge {
                index: self.index.get(),
                n_shards: config.n_shards(),
            });
        }
        if self.symbol_size != expected_symbol_size {
            return Err(SliverVerificationError::SymbolSizeMismatch {
                expected: expected_symbol_size.get(),
                actual: self.symbol_size.get(),
            });
        }
        let expected = config.sliver_len::<A>(expected_symbol_size);
        if self.data.len() != expected {
            return Err(SliverVerificationError::SliverSizeMismatch {
                expected,
                actual: self.data.len(),
            });
        }
        Ok(())
    }

    /// Checks index, length, symbol size and Merkle root against the blob's metadata.
    pub fn verify(
        &self,
        config: &EncodingConfig,
        metadata: &BlobMetadata,
    ) -> Result<(), SliverVerificationError> {
        let symbol_size = config.symbol_size_for(metadata.unencoded_length())?;
        self.check_shape(config, symbol_size)?;
        let expected = metadata
            .pair(self.pair_index(config.n_shards()))
            .map(|pair| pair.hash::<A>().bytes())
            .ok_or(SliverVerificationError::IndexTooLarge {
                index: self.index.get(),
                n_shards: config.n_shards(),
            })?;
        if self.merkle_root(config)? != expected {
            return Err(SliverVerificationError::MerkleRootMismatch);
        }
        Ok(())
    }

    /// The symbol this sliver contributes to the recovery of the orthogonal sliver of pair
    /// `target`, with its Merkle proof against this sliver's hash in the metadata.
    pub fn recovery_symbol_for(
        &self,
        target: SliverPairIndex,
        config: &EncodingConfig,
    ) -> Result<RecoverySymbol<A::Orthogonal>, RecoveryError> {
        self.recovery_source(config)?.symbol_for(target)
    }

    /// The symbols this sliver contributes, without proofs, to decoding the orthogonal slivers
    /// `targets` (Walrus's decoding symbols): position `t` of the expanded sliver for target
    /// sliver `t`. The sliver is expanded once for all targets.
    pub fn decoding_symbols_for(
        &self,
        targets: &[SliverIndex],
        config: &EncodingConfig,
    ) -> Result<Vec<DecodingSymbol<A::Orthogonal>>, RecoveryError> {
        let n = config.n_shards();
        if let Some(bad) = targets.iter().find(|t| t.get() >= n) {
            return Err(RecoveryError::IndexOutOfRange {
                index: bad.get(),
                n_shards: n,
            });
        }
        let expanded = self.expanded(config)?;
        let s = self.symbol_size.as_usize();
        Ok(targets
            .iter()
            .map(|t| {
                let at = t.as_usize() * s;
                DecodingSymbol::new(self.index.get(), expanded[at..at + s].to_vec())
            })
            .collect())
    }

    /// Expands the sliver once to serve recovery symbols for any number of targets.
    pub fn recovery_source(
        &self,
        config: &EncodingConfig,
    ) -> Result<RecoverySource<A>, RecoveryError> {
        let (expanded, leaves) = self.expanded_leaf_hashes(config)?;
        Ok(RecoverySource {
            index: self.index,
            symbol_size: self.symbol_size,
            n_shards: config.n_shards(),
            expanded,
            tree: MerkleTree::from_leaf_hashes(leaves),
            _axis: PhantomData,
        })
    }

    /// BCS bytes, exactly as Walrus serves a sliver.
    pub fn to_bcs(&self) -> Vec<u8> {
        sliver_bcs(&self.data, self.symbol_size, self.index)
    }

    /// Parses BCS bytes (structure only; call [`verify`](Self::verify) before trusting them).
    pub fn from_bcs(bytes: &[u8]) -> Result<Self, SliverVerificationError> {
        let wire: SliverWire = bcs::from_bytes(bytes).map_err(|e| {
            SliverVerificationError::InvalidEncoding(format!("malformed sliver BCS: {e}"))
        })?;
        let symbol_size = SymbolSize::new(wire.symbols.symbol_size)?;
        Self::new(wire.symbols.data, symbol_size, SliverIndex(wire.index))
    }
}

/// BCS of a sliver given by its parts (no copy of the data into a [`SliverData`] needed).
pub fn sliver_bcs(data: &[u8], symbol_size: SymbolSize, index: SliverIndex) -> Vec<u8> {
    let wire = SliverWireRef {
        symbols: SymbolsWireRef {
            data,
            symbol_size: symbol_size.get(),
        },
        index: index.get(),
    };
    bcs::to_bytes(&wire).expect("slivers always serialize")
}

/// The BCS framing around a sliver's data, so that a sliver's BCS can be written or read in
/// pieces: the bytes before the data (its length, as BCS encodes a sequence length) and the four
/// after it (the symbol size and the index, little-endian). `head ‖ data ‖ tail` is
/// [`sliver_bcs`]`(data, symbol_size, index)`.
pub fn sliver_bcs_frame(
    data_len: usize,
    symbol_size: SymbolSize,
    index: SliverIndex,
) -> Result<(Vec<u8>, [u8; 4]), SliverVerificationError> {
    /// Serializes as the length prefix of a sequence of `0` elements, without the elements.
    struct SequenceLength(usize);
    impl Serialize for SequenceLength {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serde::ser::SerializeSeq::end(serializer.serialize_seq(Some(self.0))?)
        }
    }
    let head = bcs::to_bytes(&SequenceLength(data_len)).map_err(|e| {
        SliverVerificationError::InvalidEncoding(format!("a sliver of {data_len} bytes: {e}"))
    })?;
    let mut tail = [0u8; 4];
    tail[..2].copy_from_slice(&symbol_size.get().to_le_bytes());
    tail[2..].copy_from_slice(&index.get().to_le_bytes());
    Ok((head, tail))
}

#[derive(Serialize)]
struct SymbolsWireRef<'a> {
    #[serde(with = "serde_bytes")]
    data: &'a [u8],
    symbol_size: u16,
}

#[derive(Serialize)]
struct SliverWireRef<'a> {
    symbols: SymbolsWireRef<'a>,
    index: u16,
}

#[derive(Deserialize)]
struct SymbolsWire {
    #[serde(with = "serde_bytes")]
    data: Vec<u8>,
    symbol_size: u16,
}

#[derive(Deserialize)]
struct SliverWire {
    symbols: SymbolsWire,
    index: u16,
}

impl<A: EncodingAxis> Serialize for SliverData<A> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        SliverWireRef {
            symbols: SymbolsWireRef {
                data: &self.data,
                symbol_size: self.symbol_size.get(),
            },
            index: self.index.get(),
        }
        .serialize(serializer)
    }
}

impl<'de, A: EncodingAxis> Deserialize<'de> for SliverData<A> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = SliverWire::deserialize(deserializer)?;
        let symbol_size =
            SymbolSize::new(wire.symbols.symbol_size).map_err(serde::de::Error::custom)?;
        Self::new(wire.symbols.data, symbol_size, SliverIndex(wire.index))
            .map_err(serde::de::Error::custom)
    }
}

/// An expanded sliver and its Merkle tree, ready to hand out recovery symbols.
#[derive(Debug, Clone)]
pub struct RecoverySource<A: EncodingAxis> {
    index: SliverIndex,
    symbol_size: SymbolSize,
    n_shards: u16,
    expanded: Vec<u8>,
    tree: MerkleTree,
    _axis: PhantomData<A>,
}

impl<A: EncodingAxis> RecoverySource<A> {
    /// The recovery symbol for the orthogonal sliver of pair `target`, with its proof.
    pub fn symbol_for(
        &self,
        target: SliverPairIndex,
    ) -> Result<RecoverySymbol<A::Orthogonal>, RecoveryError> {
        if target.get() >= self.n_shards {
            return Err(RecoveryError::IndexOutOfRange {
                index: target.get(),
                n_shards: self.n_shards,
            });
        }
        let position = target
            .to_sliver_index::<A::Orthogonal>(self.n_shards)
            .as_usize();
        let s = self.symbol_size.as_usize();
        let proof = self
            .tree
            .proof(position)
            .map_err(|_| RecoveryError::IndexOutOfRange {
                index: target.get(),
                n_shards: self.n_shards,
            })?;
        Ok(RecoverySymbol::new(
            self.index.get(),
            self.expanded[position * s..(position + 1) * s].to_vec(),
            proof,
        ))
    }
}
