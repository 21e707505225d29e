//! Errors of the RS2 encoding: each names what was wrong with the input.

use super::index::SliverIndex;

/// Parameters or a blob size the encoding cannot handle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodingConfigError {
    /// RS2 needs at least four shards (to tolerate one faulty shard).
    #[error("{0} shards is too few: RS2 needs at least 4")]
    TooFewShards(u16),
    /// The Reed–Solomon code cannot be built for this many shards.
    #[error("{0} shards is more than the Reed-Solomon code supports (at most {max})", max = super::config::MAX_N_SHARDS)]
    UnsupportedShardCount(u16),
    /// The blob needs a symbol larger than 65534 bytes with this many shards.
    #[error("blob of {len} bytes is too large for this committee (at most {max} bytes)")]
    DataTooLarge {
        /// The blob's length in bytes.
        len: u64,
        /// The largest blob the committee can store.
        max: u64,
    },
    /// A symbol size that is zero or odd.
    #[error("invalid symbol size {0}: it must be a non-zero even number of bytes")]
    InvalidSymbolSize(u16),
}

/// Why a sliver does not match a blob's metadata.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SliverVerificationError {
    /// The sliver index is not below the number of shards.
    #[error("sliver index {index} is out of range for {n_shards} shards")]
    IndexTooLarge {
        /// The offending index.
        index: u16,
        /// The number of shards.
        n_shards: u16,
    },
    /// The sliver's length is not the one the metadata implies.
    #[error("sliver has {actual} bytes, the metadata implies {expected}")]
    SliverSizeMismatch {
        /// Expected length in bytes.
        expected: usize,
        /// Actual length in bytes.
        actual: usize,
    },
    /// The sliver's symbol size is not the one the metadata implies.
    #[error("sliver has symbol size {actual}, the metadata implies {expected}")]
    SymbolSizeMismatch {
        /// Expected symbol size.
        expected: u16,
        /// Actual symbol size.
        actual: u16,
    },
    /// The Merkle root of the expanded sliver differs from the metadata's hash.
    #[error("the sliver's Merkle root does not match the metadata")]
    MerkleRootMismatch,
    /// The metadata itself cannot describe a blob (for example its length is too large).
    #[error("metadata is invalid: {0}")]
    InvalidMetadata(#[from] EncodingConfigError),
    /// The bytes are not a well-formed sliver.
    #[error("{0}")]
    InvalidEncoding(String),
}

/// Why a blob could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Fewer distinct valid slivers than the decoding needs.
    #[error("not enough slivers: {needed} distinct valid slivers are needed, {got} were given")]
    NotEnoughSlivers {
        /// Slivers needed.
        needed: usize,
        /// Distinct valid slivers given.
        got: usize,
    },
    /// A sliver failed verification against the metadata.
    #[error("sliver {index} is invalid: {source}")]
    InvalidSliver {
        /// The sliver's index on its axis.
        index: SliverIndex,
        /// What was wrong with it.
        source: SliverVerificationError,
    },
    /// The metadata does not fit the encoding config.
    #[error(transparent)]
    Metadata(#[from] MetadataError),
    /// The decoded blob does not re-encode to the expected blob ID.
    #[error("the decoded blob does not match its blob ID (inconsistent encoding)")]
    InconsistentBlob,
    /// The Reed–Solomon decoder failed.
    #[error("Reed-Solomon decoding failed: {0}")]
    ReedSolomon(String),
}

/// Metadata that does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    /// The number of sliver-pair hashes differs from the number of shards.
    #[error("metadata has {actual} sliver-pair hashes, the committee has {expected} shards")]
    WrongHashCount {
        /// Number of shards.
        expected: usize,
        /// Number of hashes in the metadata.
        actual: usize,
    },
    /// The blob ID is not the one derived from the hashes.
    #[error("blob ID {claimed} does not match the metadata (derived {derived})")]
    BlobIdMismatch {
        /// The ID carried with the metadata.
        claimed: String,
        /// The ID derived from it.
        derived: String,
    },
    /// The encoding type is not RS2.
    #[error("unsupported encoding type {0} (only RS2 = 1)")]
    UnsupportedEncoding(u8),
    /// The unencoded length is too large for the committee.
    #[error(transparent)]
    Config(#[from] EncodingConfigError),
    /// The bytes are not valid BCS of the expected type.
    #[error("malformed BCS: {0}")]
    Bcs(String),
}

/// Why a recovery symbol or a recovery could not be produced or accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecoveryError {
    /// A sliver or symbol index is out of range.
    #[error("index {index} is out of range for {n_shards} shards")]
    IndexOutOfRange {
        /// The offending index.
        index: u16,
        /// Number of shards.
        n_shards: u16,
    },
    /// The symbol's Merkle proof does not lead to the source sliver's hash in the metadata.
    #[error("recovery symbol from sliver {source_index} does not verify against the metadata")]
    InvalidProof {
        /// The sliver that supposedly produced the symbol.
        source_index: u16,
    },
    /// The symbol has the wrong number of bytes.
    #[error("recovery symbol has {actual} bytes, expected {expected}")]
    WrongSymbolSize {
        /// Expected symbol size.
        expected: usize,
        /// Actual length.
        actual: usize,
    },
    /// Not enough distinct verified symbols to rebuild the sliver.
    #[error(
        "not enough recovery symbols: {needed} distinct valid ones are needed, {got} were given \
         ({rejected} more were rejected)"
    )]
    NotEnoughSymbols {
        /// Needed.
        needed: usize,
        /// Distinct valid symbols given.
        got: usize,
        /// Symbols rejected because they did not verify.
        rejected: usize,
    },
    /// The source sliver itself is malformed.
    #[error(transparent)]
    Sliver(#[from] SliverVerificationError),
    /// The Reed–Solomon decoder failed.
    #[error("Reed-Solomon decoding failed: {0}")]
    ReedSolomon(String),
}

/// Why an inconsistency proof is rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InconsistencyVerificationError {
    /// The proof must carry exactly the number of symbols a recovery needs.
    #[error("the proof has {actual} recovery symbols, exactly {expected} are required")]
    WrongSymbolCount {
        /// Required count.
        expected: usize,
        /// Count in the proof.
        actual: usize,
    },
    /// One of the symbols does not verify against the metadata.
    #[error("recovery symbol {position} of the proof is invalid: {source}")]
    InvalidSymbol {
        /// Position of the symbol in the proof.
        position: usize,
        /// Why.
        source: RecoveryError,
    },
    /// The sliver rebuilt from the symbols matches the metadata: nothing is inconsistent.
    #[error("the target sliver is consistent with the metadata")]
    SliverNotInconsistent,
    /// The symbols could not be decoded.
    #[error("no sliver can be decoded from the proof's symbols: {0}")]
    RecoveryFailed(String),
}
