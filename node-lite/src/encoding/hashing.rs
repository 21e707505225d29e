//! Blake2b-256 hashing of Merkle leaves and inner nodes, single and batched.
//!
//! Batched hashing feeds equal-length inputs to `blake2b_simd`'s multi-buffer API, which hashes
//! several messages at once in SIMD lanes (four with AVX2). The metadata of a blob at `n = 1000`
//! needs about three million hashes, so this is where encoding time goes.

use blake2b_simd::{
    many::{hash_many, HashManyJob},
    Params,
};

use super::config::DIGEST_LEN;

mod x8;

/// A Blake2b-256 digest.
pub type Digest = [u8; DIGEST_LEN];

/// Domain-separation prefix of a Merkle leaf: `H(0x00 ‖ data)`.
pub const LEAF_PREFIX: u8 = 0x00;
/// Domain-separation prefix of a Merkle inner node: `H(0x01 ‖ left ‖ right)`.
pub const INNER_PREFIX: u8 = 0x01;
/// The digest standing for a missing node (padding of odd levels, root of an empty tree).
pub const EMPTY_DIGEST: Digest = [0; DIGEST_LEN];

fn params() -> Params {
    let mut params = Params::new();
    params.hash_length(DIGEST_LEN);
    params
}

fn to_digest(hash: &blake2b_simd::Hash) -> Digest {
    let mut out = [0u8; DIGEST_LEN];
    out.copy_from_slice(hash.as_bytes());
    out
}

/// Blake2b-256 of the concatenation of `parts`.
pub fn blake2b256(parts: &[&[u8]]) -> Digest {
    let mut state = params().to_state();
    for part in parts {
        state.update(part);
    }
    to_digest(&state.finalize())
}

/// `H(0x00 ‖ data)`.
pub fn leaf_hash(data: &[u8]) -> Digest {
    blake2b256(&[&[LEAF_PREFIX], data])
}

/// `H(0x01 ‖ left ‖ right)`.
pub fn inner_hash(left: &Digest, right: &Digest) -> Digest {
    blake2b256(&[&[INNER_PREFIX], left, right])
}

/// Hashes `out.len()` consecutive records of `stride` bytes from `records` (each record is the
/// full hash input, prefix included) into `out`, several at a time.
pub fn hash_records(records: &[u8], stride: usize, out: &mut [Digest]) {
    debug_assert!(records.len() >= stride * out.len());
    let params = params();
    // Bounded batches keep the job list small while giving the SIMD lanes enough work.
    const BATCH: usize = 64;
    for (chunk_index, out_chunk) in out.chunks_mut(BATCH).enumerate() {
        let base = chunk_index * BATCH * stride;
        let mut jobs: Vec<HashManyJob<'_>> = (0..out_chunk.len())
            .map(|i| {
                let start = base + i * stride;
                HashManyJob::new(&params, &records[start..start + stride])
            })
            .collect();
        hash_many(jobs.iter_mut());
        for (digest, job) in out_chunk.iter_mut().zip(&jobs) {
            *digest = to_digest(&job.to_hash());
        }
    }
}

/// Hashes `prefix ‖ items[k]` into `out[k]` for every `k`; all items have the same length.
/// Items are hashed eight at a time with AVX-512 where the CPU has it, reading them in place;
/// otherwise through `blake2b_simd`'s multi-buffer hashing.
pub fn hash_slices(items: &[&[u8]], prefix: u8, out: &mut [Digest]) {
    assert_eq!(items.len(), out.len(), "one digest per item");
    let Some(first) = items.first() else {
        return;
    };
    let len = first.len();
    assert!(
        items.iter().all(|item| item.len() == len),
        "items of equal length"
    );
    #[cfg(target_arch = "x86_64")]
    if x8::available() {
        for (group, out) in items.chunks(8).zip(out.chunks_mut(8)) {
            // Missing lanes of the last group repeat its first item; their digests are dropped.
            let lanes: [*const u8; 8] =
                std::array::from_fn(|k| group[k.min(group.len() - 1)].as_ptr());
            let mut digests = [EMPTY_DIGEST; 8];
            // SAFETY: AVX-512F is available, and every lane points at an item of `len` bytes.
            unsafe { x8::hash8(&lanes, len, prefix, &mut digests) };
            out.copy_from_slice(&digests[..out.len()]);
        }
        return;
    }
    hash_slices_portable(items, len, prefix, out);
}

/// The path for CPUs without AVX-512: the items are copied behind their prefix and hashed with
/// `blake2b_simd`'s multi-buffer API.
fn hash_slices_portable(items: &[&[u8]], len: usize, prefix: u8, out: &mut [Digest]) {
    let record = len + 1;
    let mut records = Vec::with_capacity(items.len() * record);
    for item in items {
        records.push(prefix);
        records.extend_from_slice(item);
    }
    hash_records(&records, record, out);
}

/// Merkle leaf hashes `H(0x00 ‖ symbol)` of equal-length symbols into `out`.
///
/// Two-byte symbols (every blob up to `k_p · k_s · 2` bytes, 445 KB at n = 1000) have only 65536
/// possible values: their leaf hashes come from a table computed once per process.
pub fn leaf_hash_slices(symbols: &[&[u8]], out: &mut [Digest]) {
    assert_eq!(symbols.len(), out.len(), "one digest per symbol");
    if symbols.iter().all(|symbol| symbol.len() == 2) && !symbols.is_empty() {
        let table = two_byte_leaf_table();
        for (digest, symbol) in out.iter_mut().zip(symbols) {
            *digest = table[usize::from(u16::from_le_bytes([symbol[0], symbol[1]]))];
        }
        return;
    }
    hash_slices(symbols, LEAF_PREFIX, out);
}

fn two_byte_leaf_table() -> &'static [Digest] {
    static TABLE: std::sync::OnceLock<Vec<Digest>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let values: Vec<[u8; 2]> = (0..=u16::MAX).map(u16::to_le_bytes).collect();
        let items: Vec<&[u8]> = values.iter().map(|v| v.as_slice()).collect();
        let mut table = vec![EMPTY_DIGEST; items.len()];
        hash_slices(&items, LEAF_PREFIX, &mut table);
        table
    })
}

/// Leaf hashes of equal-length `symbols`, batched. Returns one digest per symbol.
pub fn leaf_hashes<'a>(symbols: impl ExactSizeIterator<Item = &'a [u8]>, out: &mut [Digest]) {
    let items: Vec<&[u8]> = symbols.collect();
    leaf_hash_slices(&items, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batched_hashes_equal_single_hashes() {
        let symbols: Vec<Vec<u8>> = (0..130u8).map(|i| vec![i; 302]).collect();
        let mut batched = vec![EMPTY_DIGEST; symbols.len()];
        leaf_hashes(symbols.iter().map(Vec::as_slice), &mut batched);
        for (symbol, digest) in symbols.iter().zip(&batched) {
            assert_eq!(leaf_hash(symbol), *digest);
        }
        assert_ne!(batched[0], batched[1]);
    }

    /// The eight-lane kernel (where present) and the fallback agree with plain Blake2b for every
    /// message length around the block and word boundaries, wherever the items lie.
    #[test]
    fn slice_hashing_matches_plain_blake2b() {
        let buf: Vec<u8> = (0..20_000u32).map(|i| (i * 31 + 7) as u8).collect();
        for len in [
            0usize, 1, 2, 7, 8, 9, 63, 64, 126, 127, 128, 129, 255, 256, 302, 1000,
        ] {
            for count in [1usize, 8, 9, 19] {
                let items: Vec<&[u8]> = (0..count)
                    .map(|k| &buf[(k * 997) % 9000..(k * 997) % 9000 + len])
                    .collect();
                let mut out = vec![EMPTY_DIGEST; count];
                hash_slices(&items, 0x01, &mut out);
                for (item, digest) in items.iter().zip(&out) {
                    assert_eq!(*digest, blake2b256(&[&[0x01], item]), "len {len}");
                }
            }
        }
        // The portable path (taken on CPUs without AVX-512) agrees too.
        for len in [0usize, 1, 64, 127, 128, 302] {
            let items: Vec<&[u8]> = (0..13).map(|k| &buf[k * 500..k * 500 + len]).collect();
            let mut out = vec![EMPTY_DIGEST; items.len()];
            hash_slices_portable(&items, len, 0x00, &mut out);
            for (item, digest) in items.iter().zip(&out) {
                assert_eq!(*digest, leaf_hash(item), "portable, len {len}");
            }
        }

        // Two-byte leaves come from the table; it agrees with hashing.
        let pairs: Vec<[u8; 2]> = (0..600u16).map(|i| (i * 109).to_le_bytes()).collect();
        let items: Vec<&[u8]> = pairs.iter().map(|p| p.as_slice()).collect();
        let mut out = vec![EMPTY_DIGEST; items.len()];
        leaf_hash_slices(&items, &mut out);
        for (item, digest) in items.iter().zip(&out) {
            assert_eq!(*digest, leaf_hash(item));
        }

        // An item that ends exactly at the end of its allocation is read within bounds.
        let tight = vec![3u8; 13];
        let mut out = [EMPTY_DIGEST];
        hash_slices(&[&tight[..]], 0x00, &mut out);
        assert_eq!(out[0], leaf_hash(&tight));
    }
}
