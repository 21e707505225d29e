//! Sliver recovery with the 2D code, and proofs that a blob was encoded inconsistently.
//!
//! A node missing its sliver of axis `A` asks holders of orthogonal slivers for one symbol each:
//! the holder of orthogonal sliver `j` expands its sliver and sends symbol `target` of it with a
//! Merkle proof against sliver `j`'s hash in the metadata. Any `k` verified symbols (`k` = the
//! number of symbols of the target sliver) rebuild the target. If the rebuilt sliver does not
//! match the metadata, the symbols used form an [`InconsistencyProof`] that anyone can check.

use std::{collections::BTreeSet, marker::PhantomData};

use serde::{Deserialize, Serialize};

use super::{
    axis::{EncodingAxis, Primary, Secondary},
    config::EncodingConfig,
    errors::{InconsistencyVerificationError, RecoveryError, SliverVerificationError},
    index::SliverIndex,
    merkle::MerkleProof,
    metadata::BlobMetadata,
    rs::rs_decode,
    slivers::SliverData,
};

/// A symbol of an orthogonal sliver, in the position of a sliver of axis `A`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct DecodingSymbol<A: EncodingAxis> {
    /// Index of the orthogonal sliver that produced the symbol (its position in the codeword of
    /// the target sliver).
    pub index: u16,
    /// The symbol's bytes.
    #[serde(with = "serde_bytes")]
    pub data: Vec<u8>,
    #[serde(skip)]
    _axis: PhantomData<A>,
}

impl<A: EncodingAxis> DecodingSymbol<A> {
    /// The symbol `data` produced by orthogonal sliver `index`.
    pub fn new(index: u16, data: Vec<u8>) -> Self {
        DecodingSymbol {
            index,
            data,
            _axis: PhantomData,
        }
    }
}

/// A recovery symbol for a sliver of axis `A`, with its Merkle proof (BCS as in Walrus).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct RecoverySymbol<A: EncodingAxis> {
    /// The symbol.
    pub symbol: DecodingSymbol<A>,
    /// Proof against the source sliver's hash in the metadata.
    pub proof: MerkleProof,
}

impl<A: EncodingAxis> RecoverySymbol<A> {
    /// A symbol produced by orthogonal sliver `source_index`.
    pub fn new(source_index: u16, data: Vec<u8>, proof: MerkleProof) -> Self {
        Self {
            symbol: DecodingSymbol {
                index: source_index,
                data,
                _axis: PhantomData,
            },
            proof,
        }
    }

    /// Index of the orthogonal sliver that produced the symbol.
    pub fn source_index(&self) -> u16 {
        self.symbol.index
    }

    /// Checks that the symbol is the one at position `target` of the expanded orthogonal sliver
    /// `source_index`, as committed in `metadata`.
    pub fn verify(
        &self,
        config: &EncodingConfig,
        metadata: &BlobMetadata,
        target: SliverIndex,
    ) -> Result<(), RecoveryError> {
        verify_symbol(&self.symbol, &self.proof, config, metadata, target)
    }
}

/// Checks that `symbol` is the one at position `target` of the expanded orthogonal sliver
/// `symbol.index`, as committed in `metadata`, using `proof`.
fn verify_symbol<A: EncodingAxis>(
    symbol: &DecodingSymbol<A>,
    proof: &MerkleProof,
    config: &EncodingConfig,
    metadata: &BlobMetadata,
    target: SliverIndex,
) -> Result<(), RecoveryError> {
    let n = config.n_shards();
    for index in [symbol.index, target.get()] {
        if index >= n {
            return Err(RecoveryError::IndexOutOfRange { index, n_shards: n });
        }
    }
    let symbol_size = metadata
        .symbol_size(config)
        .map_err(|_| RecoveryError::Sliver(SliverVerificationError::MerkleRootMismatch))?;
    if symbol.data.len() != symbol_size.as_usize() {
        return Err(RecoveryError::WrongSymbolSize {
            expected: symbol_size.as_usize(),
            actual: symbol.data.len(),
        });
    }
    let source_pair = SliverIndex(symbol.index).to_pair_index::<A::Orthogonal>(n);
    let root = metadata
        .pair(source_pair)
        .map(|pair| *pair.hash::<A::Orthogonal>())
        .ok_or(RecoveryError::IndexOutOfRange {
            index: symbol.index,
            n_shards: n,
        })?;
    proof
        .verify(
            &root,
            config.n_shards_usize(),
            &symbol.data,
            target.as_usize(),
        )
        .map_err(|_| RecoveryError::InvalidProof {
            source_index: symbol.index,
        })
}

/// The outcome of a recovery: the sliver, or proof that the blob was encoded inconsistently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SliverOrInconsistencyProof<A: EncodingAxis> {
    /// The recovered sliver; it matches the metadata.
    Sliver(SliverData<A>),
    /// The symbols rebuild a sliver that contradicts the metadata.
    InconsistencyProof(InconsistencyProof<A>),
}

/// Rebuilds sliver `target` of axis `A` from recovery symbols. Every symbol is verified first;
/// invalid ones are skipped (and counted in the error if too few valid ones remain); duplicates
/// are ignored; exactly the number of symbols the code needs are used.
pub fn recover_sliver<A: EncodingAxis>(
    symbols: impl IntoIterator<Item = RecoverySymbol<A>>,
    target: SliverIndex,
    metadata: &BlobMetadata,
    config: &EncodingConfig,
) -> Result<SliverOrInconsistencyProof<A>, RecoveryError> {
    let needed = usize::from(config.source_symbols::<A::Orthogonal>());
    let chosen = choose_symbols(symbols, needed, RecoverySymbol::source_index, |symbol| {
        // A symbol that does not verify (a faulty or lying peer) is skipped, not fatal.
        let verified = symbol.verify(config, metadata, target);
        if let Err(reason) = &verified {
            tracing::warn!(source = symbol.source_index(), %reason, "rejected recovery symbol");
        }
        verified.is_ok()
    })?;
    let sliver = decode_symbols(&chosen, target, metadata, config)?;
    match sliver.verify(config, metadata) {
        Ok(()) => Ok(SliverOrInconsistencyProof::Sliver(sliver)),
        Err(SliverVerificationError::MerkleRootMismatch) => Ok(
            SliverOrInconsistencyProof::InconsistencyProof(InconsistencyProof {
                target_sliver_index: target,
                recovery_symbols: chosen,
            }),
        ),
        Err(e) => Err(e.into()),
    }
}

fn decode_symbols<A: EncodingAxis>(
    symbols: &[RecoverySymbol<A>],
    target: SliverIndex,
    metadata: &BlobMetadata,
    config: &EncodingConfig,
) -> Result<SliverData<A>, RecoveryError> {
    decode_plain(symbols.iter().map(|s| &s.symbol), target, metadata, config)
}

/// Reed–Solomon decoding of sliver `target` from `k` symbols (distinct, in range, of the
/// metadata's symbol size: checked by the callers).
fn decode_plain<'a, A: EncodingAxis>(
    symbols: impl Iterator<Item = &'a DecodingSymbol<A>>,
    target: SliverIndex,
    metadata: &BlobMetadata,
    config: &EncodingConfig,
) -> Result<SliverData<A>, RecoveryError> {
    let symbol_size = metadata
        .symbol_size(config)
        .map_err(|_| RecoveryError::Sliver(SliverVerificationError::MerkleRootMismatch))?;
    let data = rs_decode(
        config.source_symbols::<A::Orthogonal>(),
        config.n_shards(),
        symbol_size,
        symbols.map(|s| (s.index, s.data.as_slice())),
    )
    .map_err(|e| RecoveryError::ReedSolomon(e.0))?;
    Ok(SliverData::new(data, symbol_size, target)?)
}

/// Rebuilds sliver `target` of axis `A` from decoding symbols, which carry no proofs, and
/// checks the result against the metadata: the cheap path of recovery (the bytes fetched are
/// the sliver's own size). Symbols out of range or of the wrong size are skipped, duplicates
/// ignored. If the rebuilt sliver does not match the metadata
/// ([`SliverVerificationError::MerkleRootMismatch`] inside [`RecoveryError::Sliver`]), some
/// symbol was wrong or the blob is inconsistent: recover with proofs ([`recover_sliver`]) to
/// tell which.
pub fn decode_sliver<A: EncodingAxis>(
    symbols: impl IntoIterator<Item = DecodingSymbol<A>>,
    target: SliverIndex,
    metadata: &BlobMetadata,
    config: &EncodingConfig,
) -> Result<SliverData<A>, RecoveryError> {
    let n = config.n_shards();
    if target.get() >= n {
        return Err(RecoveryError::IndexOutOfRange {
            index: target.get(),
            n_shards: n,
        });
    }
    let symbol_size = metadata
        .symbol_size(config)
        .map_err(|_| RecoveryError::Sliver(SliverVerificationError::MerkleRootMismatch))?
        .as_usize();
    let needed = usize::from(config.source_symbols::<A::Orthogonal>());
    let chosen = choose_symbols(
        symbols,
        needed,
        |s: &DecodingSymbol<A>| s.index,
        |s| s.index < n && s.data.len() == symbol_size,
    )?;
    let sliver = decode_plain(chosen.iter(), target, metadata, config)?;
    sliver.verify(config, metadata)?;
    Ok(sliver)
}

/// The first `needed` symbols from distinct sources that pass `valid` (invalid ones are counted,
/// duplicates ignored), or [`RecoveryError::NotEnoughSymbols`].
fn choose_symbols<S>(
    symbols: impl IntoIterator<Item = S>,
    needed: usize,
    source: impl Fn(&S) -> u16,
    valid: impl Fn(&S) -> bool,
) -> Result<Vec<S>, RecoveryError> {
    let mut seen = BTreeSet::new();
    let mut chosen = Vec::with_capacity(needed);
    let mut rejected = 0;
    for symbol in symbols {
        if !valid(&symbol) {
            rejected += 1;
            continue;
        }
        if seen.insert(source(&symbol)) {
            chosen.push(symbol);
            if chosen.len() == needed {
                return Ok(chosen);
            }
        }
    }
    Err(RecoveryError::NotEnoughSymbols {
        needed,
        got: chosen.len(),
        rejected,
    })
}

/// Proof that a blob's slivers are inconsistent with its metadata: verified recovery symbols that
/// rebuild a target sliver whose Merkle root differs from the metadata's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct InconsistencyProof<A: EncodingAxis> {
    /// The sliver the symbols rebuild.
    pub target_sliver_index: SliverIndex,
    /// Exactly as many symbols as a recovery needs.
    pub recovery_symbols: Vec<RecoverySymbol<A>>,
}

impl<A: EncodingAxis> InconsistencyProof<A> {
    /// Checks the proof: the right number of distinct, verified symbols that decode to a sliver
    /// whose root does not match the metadata.
    pub fn verify(
        &self,
        metadata: &BlobMetadata,
        config: &EncodingConfig,
    ) -> Result<(), InconsistencyVerificationError> {
        let expected = usize::from(config.source_symbols::<A::Orthogonal>());
        let distinct: BTreeSet<u16> = self
            .recovery_symbols
            .iter()
            .map(RecoverySymbol::source_index)
            .collect();
        if self.recovery_symbols.len() != expected || distinct.len() != expected {
            return Err(InconsistencyVerificationError::WrongSymbolCount {
                expected,
                actual: distinct.len(),
            });
        }
        for (position, symbol) in self.recovery_symbols.iter().enumerate() {
            symbol
                .verify(config, metadata, self.target_sliver_index)
                .map_err(|source| InconsistencyVerificationError::InvalidSymbol {
                    position,
                    source,
                })?;
        }
        let sliver = decode_symbols(
            &self.recovery_symbols,
            self.target_sliver_index,
            metadata,
            config,
        )
        .map_err(|e| InconsistencyVerificationError::RecoveryFailed(e.to_string()))?;
        match sliver.verify(config, metadata) {
            Ok(()) => Err(InconsistencyVerificationError::SliverNotInconsistent),
            Err(SliverVerificationError::MerkleRootMismatch) => Ok(()),
            Err(e) => Err(InconsistencyVerificationError::RecoveryFailed(
                e.to_string(),
            )),
        }
    }
}

/// A decoding symbol of either axis (Walrus's `EitherDecodingSymbol`: BCS variant 0 = a symbol for
/// a primary sliver, 1 = for a secondary sliver).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EitherDecodingSymbol {
    /// A symbol for recovering a primary sliver.
    Primary(DecodingSymbol<Primary>),
    /// A symbol for recovering a secondary sliver.
    Secondary(DecodingSymbol<Secondary>),
}

impl EitherDecodingSymbol {
    /// The symbol as one for a sliver of axis `A`, if it is one.
    pub fn into_axis<A: EncodingAxis>(self) -> Option<DecodingSymbol<A>> {
        match self {
            EitherDecodingSymbol::Primary(s) if A::IS_PRIMARY => {
                Some(DecodingSymbol::new(s.index, s.data))
            }
            EitherDecodingSymbol::Secondary(s) if !A::IS_PRIMARY => {
                Some(DecodingSymbol::new(s.index, s.data))
            }
            _ => None,
        }
    }
}

/// A recovery symbol of either axis with its target, as Walrus's storage nodes serve them at
/// `/v1/blobs/{blob_id}/recoverySymbols` (BCS: symbol, target sliver index, proof).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneralRecoverySymbol {
    /// The symbol, tagged with the axis of the sliver it helps recover.
    pub symbol: EitherDecodingSymbol,
    /// The sliver the symbol helps recover, on that axis.
    pub target_index: SliverIndex,
    /// Proof against the source sliver's hash in the metadata.
    pub proof: MerkleProof,
}

impl GeneralRecoverySymbol {
    /// Wraps a recovery symbol for sliver `target_index` of axis `A`.
    pub fn from_recovery_symbol<A: EncodingAxis>(
        symbol: RecoverySymbol<A>,
        target_index: SliverIndex,
    ) -> Self {
        let RecoverySymbol { symbol, proof } = symbol;
        let symbol = if A::IS_PRIMARY {
            EitherDecodingSymbol::Primary(DecodingSymbol {
                index: symbol.index,
                data: symbol.data,
                _axis: PhantomData,
            })
        } else {
            EitherDecodingSymbol::Secondary(DecodingSymbol {
                index: symbol.index,
                data: symbol.data,
                _axis: PhantomData,
            })
        };
        Self {
            symbol,
            target_index,
            proof,
        }
    }

    /// The symbol for a target of axis `A`, if it is one.
    pub fn into_axis<A: EncodingAxis>(self) -> Option<RecoverySymbol<A>> {
        let proof = self.proof;
        self.symbol
            .into_axis::<A>()
            .map(|symbol| RecoverySymbol { symbol, proof })
    }

    /// The symbol for a primary target, if it is one.
    pub fn into_primary(self) -> Option<RecoverySymbol<Primary>> {
        match self.symbol {
            EitherDecodingSymbol::Primary(symbol) => Some(RecoverySymbol {
                symbol,
                proof: self.proof,
            }),
            EitherDecodingSymbol::Secondary(_) => None,
        }
    }

    /// The symbol for a secondary target, if it is one.
    pub fn into_secondary(self) -> Option<RecoverySymbol<Secondary>> {
        match self.symbol {
            EitherDecodingSymbol::Secondary(symbol) => Some(RecoverySymbol {
                symbol,
                proof: self.proof,
            }),
            EitherDecodingSymbol::Primary(_) => None,
        }
    }

    /// Checks the symbol against the metadata for its own target.
    pub fn verify(
        &self,
        config: &EncodingConfig,
        metadata: &BlobMetadata,
    ) -> Result<(), RecoveryError> {
        match &self.symbol {
            EitherDecodingSymbol::Primary(symbol) => {
                verify_symbol(symbol, &self.proof, config, metadata, self.target_index)
            }
            EitherDecodingSymbol::Secondary(symbol) => {
                verify_symbol(symbol, &self.proof, config, metadata, self.target_index)
            }
        }
    }
}
