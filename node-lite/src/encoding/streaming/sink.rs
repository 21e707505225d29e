//! Where the streaming encoder puts the slivers it produces.

use std::io;

use crate::encoding::{
    axis::Axis,
    config::{EncodingConfig, SymbolSize},
    errors::EncodingConfigError,
    index::SliverIndex,
    metadata::BlobMetadataWithId,
};

/// The shape of an encoded blob: what a sink needs to lay out its slivers before any arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlobShape {
    config: EncodingConfig,
    blob_len: u64,
    symbol_size: SymbolSize,
}

impl BlobShape {
    /// The shape of a blob of `blob_len` bytes encoded for `config`.
    pub fn new(config: &EncodingConfig, blob_len: u64) -> Result<Self, EncodingConfigError> {
        Ok(Self {
            config: *config,
            blob_len,
            symbol_size: config.symbol_size_for(blob_len)?,
        })
    }

    /// The encoding parameters.
    pub fn config(&self) -> &EncodingConfig {
        &self.config
    }

    /// The blob's length in bytes.
    pub fn blob_len(&self) -> u64 {
        self.blob_len
    }

    /// The symbol size.
    pub fn symbol_size(&self) -> SymbolSize {
        self.symbol_size
    }

    /// Bytes of a sliver of `axis`.
    pub fn sliver_len(&self, axis: Axis) -> usize {
        match axis {
            Axis::Primary => self.config.primary_sliver_len(self.symbol_size),
            Axis::Secondary => self.config.secondary_sliver_len(self.symbol_size),
        }
    }

    /// Number of shards `n`.
    pub(super) fn n(&self) -> usize {
        self.config.n_shards_usize()
    }

    /// Rows of the message matrix, `k_p`.
    pub(super) fn k_p(&self) -> usize {
        usize::from(self.config.n_primary_source_symbols())
    }

    /// Columns of the message matrix, `k_s`.
    pub(super) fn k_s(&self) -> usize {
        usize::from(self.config.n_secondary_source_symbols())
    }

    /// The symbol size in bytes.
    pub(super) fn s(&self) -> usize {
        self.symbol_size.as_usize()
    }
}

/// Receives the slivers of a blob from the streaming encoder, piece by piece.
///
/// The encoder calls [`begin`](Self::begin) once, then [`write`](Self::write) from its worker
/// threads (concurrently, in no particular order) until every byte of every sliver was written
/// exactly once, then [`finish`](Self::finish) with the metadata. What arrives when:
///
/// - primary slivers `0..k_p` (the blob's rows) whole, one call each, during the first pass;
/// - secondary slivers whole, one call each, during the second pass;
/// - primary slivers `k_p..n` in pieces of whole symbols during the second pass, each complete
///   only when the encoder calls `finish`.
///
/// So an uploader can send the first two kinds as they come, and must hold (or spool) the third
/// until the end. An error from any call stops the encoder, which returns it.
pub trait SliverSink: Sync {
    /// Called once, before any sliver data, with the blob's shape.
    fn begin(&mut self, shape: &BlobShape) -> io::Result<()>;

    /// Bytes `parts` (concatenated) of sliver `index` of `axis`, starting at byte `offset` of the
    /// sliver's data.
    fn write(
        &self,
        axis: Axis,
        index: SliverIndex,
        offset: usize,
        parts: &[&[u8]],
    ) -> io::Result<()>;

    /// Called once, after every sliver is complete, with the blob's metadata.
    fn finish(&mut self, metadata: &BlobMetadataWithId) -> io::Result<()>;
}
