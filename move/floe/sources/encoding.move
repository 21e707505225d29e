/// RS2 (Red Stuff) encoded sizes and blob ID derivation, as in Walrus.
///
/// For `n` shards, `f = (n-1)/3`, `k_p = n-2f` primary and `k_s = n-f` secondary source
/// symbols; the symbol size is `ceil(max(len,1) / (k_p*k_s))` rounded up to even, at most
/// 65534. Every shard stores a primary and a secondary sliver and the metadata
/// (`2 * 32 * n` bytes of sliver hashes and the 32-byte blob ID), so the encoded length is
/// `n * ((k_p + k_s) * symbol_size + 64n + 32)`.
module floe::encoding;

use sui::{bcs, hash};

/// The RS2 encoding type.
const RS2: u8 = 1;
/// Largest symbol size.
const MAX_SYMBOL_SIZE: u64 = 65_534;
/// Bytes in one storage unit (1 MiB): prices are per unit.
const BYTES_PER_UNIT: u64 = 1_048_576;

/// Number of shards is zero.
const EInvalidShardCount: u64 = 1;
/// The blob is too large for the encoding (symbol size above 65534).
const EBlobTooLarge: u64 = 2;
/// An encoding type other than RS2 (1).
const EInvalidEncodingType: u64 = 30;

/// The RS2 encoding type byte.
public fun rs2(): u8 { RS2 }

/// Encoded length of a blob of `size` bytes over `n_shards` shards.
public fun encoded_blob_length(size: u64, encoding_type: u8, n_shards: u16): u64 {
    assert!(encoding_type == RS2, EInvalidEncodingType);
    assert!(n_shards > 0, EInvalidShardCount);
    let n = n_shards as u64;
    let f = (n - 1) / 3;
    let k_p = n - 2 * f;
    let k_s = n - f;
    let len = if (size == 0) 1 else size;
    let mut symbol = (len - 1) / (k_p * k_s) + 1;
    symbol = symbol + symbol % 2;
    assert!(symbol <= MAX_SYMBOL_SIZE, EBlobTooLarge);
    n * ((k_p + k_s) * symbol + 64 * n + 32)
}

/// Storage units (1 MiB each, rounded up) of `bytes`.
public fun storage_units(bytes: u64): u64 {
    if (bytes == 0) 0 else (bytes - 1) / BYTES_PER_UNIT + 1
}

/// The blob ID: Blake2b-256 of the BCS of `(encoding_type u8, size u64, root_hash u256)`, read
/// as a little-endian u256.
public fun derive_blob_id(root_hash: u256, encoding_type: u8, size: u64): u256 {
    let mut bytes = vector[encoding_type];
    bytes.append(bcs::to_bytes(&size));
    bytes.append(bcs::to_bytes(&root_hash));
    bcs::new(hash::blake2b256(&bytes)).peel_u256()
}

#[test]
fun walrus_encoded_lengths() {
    // Walrus's redstuff test vectors.
    assert!(encoded_blob_length(1, RS2, 10) == 10 * (2 * (4 + 7) + 10 * 2 * 32 + 32));
    assert!(encoded_blob_length(0, RS2, 10) == 10 * (2 * (4 + 7) + 10 * 2 * 32 + 32));
    assert!(encoded_blob_length(1, RS2, 1000) == 1000 * (2 * (334 + 667) + 1000 * 2 * 32 + 32));
    assert!(encoded_blob_length(28 * 100, RS2, 10) == 10 * ((4 + 7) * 100 + 10 * 2 * 32 + 32));
    assert!(
        encoded_blob_length(334 * 667 * 100, RS2, 1000)
            == 1000 * ((334 + 667) * 100 + 1000 * 2 * 32 + 32),
    );
}

#[test]
fun units_round_up() {
    assert!(storage_units(0) == 0);
    assert!(storage_units(1) == 1);
    assert!(storage_units(BYTES_PER_UNIT) == 1);
    assert!(storage_units(BYTES_PER_UNIT + 1) == 2);
}

#[test]
fun blob_id_is_hash_of_header_and_root() {
    let id = derive_blob_id(0x1234, RS2, 1000);
    let mut bytes = vector[1u8];
    bytes.append(bcs::to_bytes(&1000u64));
    bytes.append(bcs::to_bytes(&0x1234u256));
    assert!(id == bcs::new(hash::blake2b256(&bytes)).peel_u256());
    assert!(id != derive_blob_id(0x1234, RS2, 1001));
}

#[test, expected_failure(abort_code = EInvalidEncodingType)]
fun unknown_encoding_rejected() {
    encoded_blob_length(1, 2, 10);
}

#[test, expected_failure(abort_code = EBlobTooLarge)]
fun too_large_rejected() {
    // 4 * 7 source symbols of at most 65534 bytes with 10 shards.
    encoded_blob_length(28 * 65_534 + 1, RS2, 10);
}

#[test, expected_failure(abort_code = EInvalidShardCount)]
fun zero_shards_rejected() {
    encoded_blob_length(1, RS2, 0);
}
