//! The RS2 encoding parameters for a committee of `n` shards.
//!
//! Red Stuff arranges a blob in a `k_p × k_s` message matrix of symbols (row-major), where
//! `k_p = n - 2f` primary source symbols and `k_s = n - f` secondary source symbols with
//! `f = (n - 1) / 3`. Rows are expanded to `n` columns with the secondary code and columns to
//! `n` rows with the primary code; primary sliver `i` is row `i` (its first `k_s` symbols),
//! secondary sliver `j` is column `j` (its first `k_p` symbols).

use std::fmt;

use super::{axis::EncodingAxis, errors::EncodingConfigError};

/// Length in bytes of a Blake2b-256 digest (Merkle nodes, blob IDs).
pub const DIGEST_LEN: usize = 32;

/// The largest symbol size RS2 allows, in bytes (`u16::MAX - 1`, the largest even `u16`).
pub const MAX_SYMBOL_SIZE: u16 = u16::MAX - 1;

/// Symbols are pairs of bytes: every symbol size is a multiple of this.
pub const SYMBOL_ALIGNMENT: u16 = 2;

/// The smallest committee the encoding is defined for (one faulty shard tolerated).
pub const MIN_N_SHARDS: u16 = 4;

/// The largest committee the Reed–Solomon library supports for both codes (`k + (n - k)` within
/// GF(2^16)'s limits).
pub const MAX_N_SHARDS: u16 = 49_155;

/// Byte identifying the RS2 encoding in metadata and in the blob ID derivation.
pub const RS2_ENCODING_TYPE: u8 = 1;

/// A symbol size in bytes: non-zero, even, at most [`MAX_SYMBOL_SIZE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SymbolSize(u16);

impl SymbolSize {
    /// Checks `size` against the RS2 rules (non-zero and even).
    pub fn new(size: u16) -> Result<Self, EncodingConfigError> {
        if size == 0 || !size.is_multiple_of(SYMBOL_ALIGNMENT) {
            return Err(EncodingConfigError::InvalidSymbolSize(size));
        }
        Ok(Self(size))
    }

    /// The size in bytes.
    pub fn get(self) -> u16 {
        self.0
    }

    /// The size in bytes, as `usize`.
    pub fn as_usize(self) -> usize {
        usize::from(self.0)
    }
}

impl fmt::Display for SymbolSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Encoding parameters for a fixed number of shards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EncodingConfig {
    n_shards: u16,
    n_primary: u16,
    n_secondary: u16,
}

impl EncodingConfig {
    /// Parameters for `n_shards` shards; `n_shards` must be at least [`MIN_N_SHARDS`].
    pub fn new(n_shards: u16) -> Result<Self, EncodingConfigError> {
        if n_shards < MIN_N_SHARDS {
            return Err(EncodingConfigError::TooFewShards(n_shards));
        }
        let f = max_n_faulty(n_shards);
        let config = Self {
            n_shards,
            n_primary: n_shards - 2 * f,
            n_secondary: n_shards - f,
        };
        let supported = [config.n_primary, config.n_secondary].iter().all(|&k| {
            reed_solomon_simd::ReedSolomonEncoder::supports(
                usize::from(k),
                usize::from(n_shards - k),
            )
        });
        if !supported {
            return Err(EncodingConfigError::UnsupportedShardCount(n_shards));
        }
        Ok(config)
    }

    /// Number of shards `n` (also the number of sliver pairs of every blob).
    pub fn n_shards(&self) -> u16 {
        self.n_shards
    }

    /// `n` as `usize`.
    pub fn n_shards_usize(&self) -> usize {
        usize::from(self.n_shards)
    }

    /// Largest number of faulty shards tolerated, `f = (n - 1) / 3`.
    pub fn max_n_faulty(&self) -> u16 {
        max_n_faulty(self.n_shards)
    }

    /// Number of primary source symbols `k_p = n - 2f` (rows of the message matrix; symbols in a
    /// secondary sliver).
    pub fn n_primary_source_symbols(&self) -> u16 {
        self.n_primary
    }

    /// Number of secondary source symbols `k_s = n - f` (columns of the message matrix; symbols in
    /// a primary sliver).
    pub fn n_secondary_source_symbols(&self) -> u16 {
        self.n_secondary
    }

    /// Number of source symbols of the code of axis `A`: `k_p` for primary, `k_s` for secondary.
    /// A sliver of axis `A` holds `source_symbols::<A::Orthogonal>()` symbols.
    pub fn source_symbols<A: EncodingAxis>(&self) -> u16 {
        if A::IS_PRIMARY {
            self.n_primary
        } else {
            self.n_secondary
        }
    }

    /// Length in bytes of a sliver of axis `A`.
    pub fn sliver_len<A: EncodingAxis>(&self, symbol_size: SymbolSize) -> usize {
        usize::from(self.source_symbols::<A::Orthogonal>()) * symbol_size.as_usize()
    }

    /// Number of source symbols of the whole blob, `k_p · k_s`.
    pub fn source_symbols_per_blob(&self) -> u32 {
        u32::from(self.n_primary) * u32::from(self.n_secondary)
    }

    /// The symbol size for a blob of `blob_len` bytes:
    /// `roundup_even(ceil(max(len, 1) / (k_p · k_s)))`, refused above [`MAX_SYMBOL_SIZE`].
    pub fn symbol_size_for(&self, blob_len: u64) -> Result<SymbolSize, EncodingConfigError> {
        let per_symbol = blob_len
            .max(1)
            .div_ceil(u64::from(self.source_symbols_per_blob()));
        let aligned = per_symbol.next_multiple_of(u64::from(SYMBOL_ALIGNMENT));
        match u16::try_from(aligned) {
            Ok(size) if size <= MAX_SYMBOL_SIZE => SymbolSize::new(size),
            _ => Err(EncodingConfigError::DataTooLarge {
                len: blob_len,
                max: self.max_blob_size(),
            }),
        }
    }

    /// Largest blob these parameters can encode, in bytes.
    pub fn max_blob_size(&self) -> u64 {
        u64::from(self.source_symbols_per_blob()) * u64::from(MAX_SYMBOL_SIZE)
    }

    /// Length in bytes of a primary sliver (`k_s` symbols).
    pub fn primary_sliver_len(&self, symbol_size: SymbolSize) -> usize {
        usize::from(self.n_secondary) * symbol_size.as_usize()
    }

    /// Length in bytes of a secondary sliver (`k_p` symbols).
    pub fn secondary_sliver_len(&self, symbol_size: SymbolSize) -> usize {
        usize::from(self.n_primary) * symbol_size.as_usize()
    }

    /// Length of the metadata one shard stores for a blob: `n` pairs of digests and the blob ID.
    pub fn metadata_len(&self) -> u64 {
        u64::from(self.n_shards) * 2 * DIGEST_LEN as u64 + DIGEST_LEN as u64
    }

    /// Total length of all slivers of a blob of `blob_len` bytes.
    pub fn encoded_slivers_len(&self, blob_len: u64) -> Result<u64, EncodingConfigError> {
        let symbol_size = u64::from(self.symbol_size_for(blob_len)?.get());
        Ok(u64::from(self.n_shards)
            * (u64::from(self.n_primary) + u64::from(self.n_secondary))
            * symbol_size)
    }

    /// The encoded length the contracts charge for: all slivers plus one copy of the metadata per
    /// shard, `n · metadata_len + slivers`.
    pub fn encoded_blob_len(&self, blob_len: u64) -> Result<u64, EncodingConfigError> {
        Ok(u64::from(self.n_shards) * self.metadata_len() + self.encoded_slivers_len(blob_len)?)
    }
}

/// `f = (n - 1) / 3`, the number of faulty shards a committee of `n` tolerates.
pub fn max_n_faulty(n_shards: u16) -> u16 {
    n_shards.saturating_sub(1) / 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_follow_the_bft_bounds() {
        for (n, f, k_p, k_s) in [
            (4, 1, 2, 3),
            (10, 3, 4, 7),
            (100, 33, 34, 67),
            (1000, 333, 334, 667),
        ] {
            let c = EncodingConfig::new(n).expect("valid n");
            assert_eq!(c.max_n_faulty(), f);
            assert_eq!(c.n_primary_source_symbols(), k_p);
            assert_eq!(c.n_secondary_source_symbols(), k_s);
        }
    }

    #[test]
    fn symbol_size_rule() {
        let c = EncodingConfig::new(10).expect("valid n");
        assert_eq!(c.symbol_size_for(0).map(SymbolSize::get), Ok(2));
        assert_eq!(c.symbol_size_for(1_048_576).map(SymbolSize::get), Ok(37450));
        assert_eq!(
            c.symbol_size_for(c.max_blob_size()).map(SymbolSize::get),
            Ok(65534)
        );
        assert!(matches!(
            c.symbol_size_for(c.max_blob_size() + 1),
            Err(EncodingConfigError::DataTooLarge { .. })
        ));
    }

    #[test]
    fn encoded_length_matches_walrus_formula() {
        let c = EncodingConfig::new(10).expect("valid n");
        assert_eq!(
            c.encoded_blob_len(0),
            Ok(10 * (2 * (4 + 7) + 10 * 2 * 32 + 32))
        );
        assert_eq!(
            c.encoded_blob_len(28 * 100),
            Ok(10 * ((4 + 7) * 100 + 10 * 2 * 32 + 32))
        );
    }

    #[test]
    fn unsupported_shard_counts_are_errors() {
        assert_eq!(
            EncodingConfig::new(3),
            Err(EncodingConfigError::TooFewShards(3))
        );
        for n in 4..=MAX_N_SHARDS {
            assert!(EncodingConfig::new(n).is_ok(), "n = {n}");
        }
        assert_eq!(
            EncodingConfig::new(MAX_N_SHARDS + 1),
            Err(EncodingConfigError::UnsupportedShardCount(MAX_N_SHARDS + 1))
        );
        assert!(EncodingConfig::new(u16::MAX).is_err());
    }
}
