//! Storage cost: RS2 encoded length, storage units, storage cost and write fee.
//!
//! For `n` shards, `f = (n−1)/3`, `k_p = n − 2f` primary and `k_s = n − f` secondary source
//! symbols. The symbol size is `ceil(max(len,1) / (k_p·k_s))` rounded up to even, at most
//! 65534 bytes. Every shard stores one primary and one secondary sliver of `k_s` and `k_p`
//! symbols and the blob metadata (`n × 2 × 32` bytes of sliver hashes plus the 32-byte blob
//! id), so the encoded length is `n × ((k_p + k_s) × symbol_size + 64n + 32)`, the formula of
//! Walrus's `redstuff::encoded_blob_length`. Storage is bought in units of 1 MiB of encoded
//! length.

use crate::{Error, Result};

/// Bytes in one storage unit (1 MiB).
pub const BYTES_PER_UNIT: u64 = 1 << 20;
/// Largest symbol size (the largest even `u16`).
pub const MAX_SYMBOL_SIZE: u64 = 65_534;
/// Length of a sliver hash.
pub const DIGEST_LEN: u64 = 32;
/// Length of a blob id.
pub const BLOB_ID_LEN: u64 = 32;
/// The RS2 encoding type byte.
pub const RS2_ENCODING: u8 = 1;

fn check_shards(n_shards: u16) -> Result<u64> {
    if n_shards == 0 {
        Err(Error::EInvalidShardCount)
    } else {
        Ok(n_shards as u64)
    }
}

/// The number of Byzantine shards tolerated, `f = (n−1)/3`.
pub fn max_byzantine(n_shards: u16) -> Result<u64> {
    Ok((check_shards(n_shards)? - 1) / 3)
}

/// Primary source symbols `k_p = n − 2f`.
pub fn source_symbols_primary(n_shards: u16) -> Result<u64> {
    Ok(check_shards(n_shards)? - 2 * max_byzantine(n_shards)?)
}

/// Secondary source symbols `k_s = n − f`.
pub fn source_symbols_secondary(n_shards: u16) -> Result<u64> {
    Ok(check_shards(n_shards)? - max_byzantine(n_shards)?)
}

/// Symbol size in bytes for a blob of `len` bytes; `EBlobTooLarge` above [`MAX_SYMBOL_SIZE`].
pub fn symbol_size(len: u64, n_shards: u16) -> Result<u64> {
    let k = source_symbols_primary(n_shards)? * source_symbols_secondary(n_shards)?;
    let s = len.max(1).div_ceil(k);
    let s = s + (s % 2);
    if s > MAX_SYMBOL_SIZE {
        Err(Error::EBlobTooLarge)
    } else {
        Ok(s)
    }
}

/// Metadata bytes stored by each shard: `n × 2 × 32 + 32`.
pub fn metadata_size(n_shards: u16) -> Result<u64> {
    Ok(check_shards(n_shards)? * DIGEST_LEN * 2 + BLOB_ID_LEN)
}

/// The largest blob (unencoded bytes) the encoding accepts with `n_shards`.
pub fn max_blob_size(n_shards: u16) -> Result<u64> {
    Ok(source_symbols_primary(n_shards)? * source_symbols_secondary(n_shards)? * MAX_SYMBOL_SIZE)
}

/// Encoded length of a blob of `len` bytes over `n_shards` shards (slivers and metadata on
/// every shard).
pub fn encoded_blob_length(len: u64, n_shards: u16) -> Result<u64> {
    let n = check_shards(n_shards)?;
    let slivers = (source_symbols_primary(n_shards)? + source_symbols_secondary(n_shards)?)
        * symbol_size(len, n_shards)?;
    n.checked_mul(slivers + metadata_size(n_shards)?)
        .ok_or(Error::EOverflow)
}

/// Storage units (1 MiB each, rounded up) needed for `encoded_len` bytes.
pub fn storage_units(encoded_len: u64) -> u64 {
    encoded_len.div_ceil(BYTES_PER_UNIT)
}

/// Cost in FROST of storing `encoded_len` bytes for `epochs` epochs at `price_per_unit_epoch`.
pub fn storage_cost(encoded_len: u64, price_per_unit_epoch: u64, epochs: u32) -> Result<u64> {
    let c = storage_units(encoded_len) as u128 * price_per_unit_epoch as u128 * epochs as u128;
    u64::try_from(c).map_err(|_| Error::EOverflow)
}

/// Write fee in FROST for registering a blob of `encoded_len` bytes at `write_price_per_unit`.
pub fn write_fee(encoded_len: u64, write_price_per_unit: u64) -> Result<u64> {
    let c = storage_units(encoded_len) as u128 * write_price_per_unit as u128;
    u64::try_from(c).map_err(|_| Error::EOverflow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walrus_encoded_length_vectors() {
        assert_eq!(
            encoded_blob_length(1, 10),
            Ok(10 * (2 * (4 + 7) + 10 * 2 * 32 + 32))
        );
        assert_eq!(
            encoded_blob_length(0, 10),
            Ok(10 * (2 * (4 + 7) + 10 * 2 * 32 + 32))
        );
        assert_eq!(
            encoded_blob_length(1, 1000),
            Ok(1000 * (2 * (334 + 667) + 1000 * 2 * 32 + 32))
        );
        assert_eq!(
            encoded_blob_length(4 * 7 * 100, 10),
            Ok(10 * ((4 + 7) * 100 + 10 * 2 * 32 + 32))
        );
        assert_eq!(
            encoded_blob_length(334 * 667 * 100, 1000),
            Ok(1000 * ((334 + 667) * 100 + 1000 * 2 * 32 + 32))
        );
        for (n, p, s) in [
            (7, 3, 5),
            (10, 4, 7),
            (31, 11, 21),
            (100, 34, 67),
            (301, 101, 201),
            (1000, 334, 667),
        ] {
            assert_eq!(source_symbols_primary(n), Ok(p));
            assert_eq!(source_symbols_secondary(n), Ok(s));
        }
    }

    #[test]
    fn limits() {
        let max = max_blob_size(10).unwrap();
        assert_eq!(symbol_size(max, 10), Ok(MAX_SYMBOL_SIZE));
        assert_eq!(symbol_size(max + 1, 10), Err(Error::EBlobTooLarge));
        assert_eq!(encoded_blob_length(5, 0), Err(Error::EInvalidShardCount));
        assert_eq!(storage_units(0), 0);
        assert_eq!(storage_units(BYTES_PER_UNIT + 1), 2);
        assert_eq!(storage_cost(BYTES_PER_UNIT * 3, 7, 5), Ok(105));
        assert_eq!(write_fee(1, 9), Ok(9));
        assert_eq!(storage_cost(u64::MAX, u64::MAX, 2), Err(Error::EOverflow));
    }
}
