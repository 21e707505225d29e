//! Red Stuff (RS2) erasure coding, byte-compatible with Walrus.
//!
//! A blob of `len` bytes for `n` shards becomes `n` sliver pairs and a [`BlobMetadataWithId`]
//! whose blob ID is the one Walrus computes for the same bytes and shard count.
//!
//! - [`config`]: parameters (`f`, source symbol counts, symbol size, sizes and limits);
//! - [`index`]: sliver, pair and shard index newtypes and the [`BlobId`];
//! - [`axis`]: the [`Primary`] and [`Secondary`] marker types;
//! - [`blob_encoding`]: [`encode`] a blob into an [`EncodedBlob`];
//! - [`decoding`]: [`decode`] a blob from slivers;
//! - [`slivers`]: [`SliverData`] and its verification and BCS;
//! - [`quilt`]: QuiltV1, many files in one blob ([`quilt::encode_quilt`], [`quilt::Quilt`]);
//! - [`recovery`]: recovery symbols, sliver recovery and inconsistency proofs;
//! - [`streaming`]: encoding and decoding blobs of any size within a memory budget
//!   ([`streaming::encode_stream`], [`streaming::decode_to_file`]), through sliver sinks and
//!   sliver directories;
//! - [`metadata`], [`merkle`], [`hashing`], [`rs`]: the building blocks.

pub mod axis;
pub mod blob_encoding;
pub mod config;
pub mod decoding;
pub mod errors;
pub mod hashing;
pub mod index;
pub mod merkle;
pub mod metadata;
pub mod quilt;
pub mod recovery;
pub mod rs;
pub mod slivers;
pub mod streaming;

/// Worker threads for a job of `work_bytes`: one below 1 MiB (spawning costs more than it
/// saves), else every available core.
pub(crate) fn worker_count(work_bytes: usize) -> usize {
    if work_bytes < (1 << 20) {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

pub use axis::{Axis, EncodingAxis, Primary, Secondary};
pub use blob_encoding::{blob_id, encode, encode_slice, EncodedBlob};
pub use config::{EncodingConfig, SymbolSize};
pub use decoding::{decode, decode_with_report, DecodeReport, RejectedSliver};
pub use errors::{
    DecodeError, EncodingConfigError, InconsistencyVerificationError, MetadataError, RecoveryError,
    SliverVerificationError,
};
pub use index::{BlobId, ShardIndex, SliverIndex, SliverPairIndex};
pub use metadata::{BlobMetadata, BlobMetadataWithId, SliverPairMetadata};
pub use recovery::{
    decode_sliver, recover_sliver, DecodingSymbol, EitherDecodingSymbol, GeneralRecoverySymbol,
    InconsistencyProof, RecoverySymbol, SliverOrInconsistencyProof,
};
pub use slivers::{PrimarySliver, RecoverySource, SecondarySliver, SliverData, SliverPair};
