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

/// Bytes a buffer passed to [`hash_strided`] should have before its first item and after its last
/// one so that every item goes through the eight-lane kernel.
pub const SLACK_BEFORE: usize = 8;

/// Tail slack (see [`SLACK_BEFORE`]) for items of `stride` bytes.
pub fn slack_after(stride: usize) -> usize {
    7 * stride + 8
}

/// Hashes `prefix ‖ buf[first + k·stride .. first + k·stride + len]` into `out[k]` for every
/// `k < out.len()`. Items are hashed eight at a time with AVX-512 where the CPU has it and the
/// buffer has the slack the kernel reads ([`SLACK_BEFORE`], [`slack_after`]); the rest goes
/// through `blake2b_simd`'s multi-buffer hashing.
pub fn hash_strided(
    buf: &[u8],
    first: usize,
    stride: usize,
    len: usize,
    prefix: u8,
    out: &mut [Digest],
) {
    let count = out.len();
    if count == 0 {
        return;
    }
    assert!(
        first + (count - 1) * stride + len <= buf.len(),
        "hash_strided: items exceed the buffer"
    );
    let mut done = 0;
    #[cfg(target_arch = "x86_64")]
    if x8::available() && first >= 1 {
        while done < count {
            let start = first + done * stride;
            if start + 7 * stride + len + 7 > buf.len() {
                break;
            }
            let mut lanes = [EMPTY_DIGEST; 8];
            // SAFETY: AVX-512F is available, and the bytes from `start - 1` to
            // `start + 7·stride + len + 7` lie inside `buf` (checked just above).
            unsafe { x8::hash8(buf.as_ptr().add(start), stride, len, prefix, &mut lanes) };
            let take = (count - done).min(8);
            out[done..done + take].copy_from_slice(&lanes[..take]);
            done += take;
        }
    }
    if done < count {
        let record = len + 1;
        let mut records = Vec::with_capacity((count - done) * record);
        for k in done..count {
            let start = first + k * stride;
            records.push(prefix);
            records.extend_from_slice(&buf[start..start + len]);
        }
        hash_records(&records, record, &mut out[done..]);
    }
}

/// Leaf hashes of equal-length `symbols`, batched. Returns one digest per symbol.
pub fn leaf_hashes<'a>(symbols: impl ExactSizeIterator<Item = &'a [u8]>, out: &mut [Digest]) {
    let mut buf = vec![0u8; SLACK_BEFORE];
    let mut len = 0;
    for symbol in symbols {
        len = symbol.len();
        buf.extend_from_slice(symbol);
    }
    buf.resize(buf.len() + slack_after(len), 0);
    hash_strided(&buf, SLACK_BEFORE, len, len, LEAF_PREFIX, out);
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
    /// message length around the block boundaries, any stride, and a buffer without slack.
    #[test]
    fn strided_hashing_matches_plain_blake2b() {
        let buf: Vec<u8> = (0..20_000u32).map(|i| (i * 31 + 7) as u8).collect();
        for len in [
            0usize, 1, 2, 7, 8, 63, 64, 126, 127, 128, 129, 255, 256, 302, 1000,
        ] {
            for (first, stride, count) in [(1usize, len.max(1), 19usize), (40, len + 13, 9)] {
                let mut out = vec![EMPTY_DIGEST; count];
                hash_strided(&buf, first, stride, len, 0x01, &mut out);
                for (k, digest) in out.iter().enumerate() {
                    let at = first + k * stride;
                    assert_eq!(
                        *digest,
                        blake2b256(&[&[0x01], &buf[at..at + len]]),
                        "len {len} item {k}"
                    );
                }
            }
            // Items ending exactly at the end of the buffer take the fallback path.
            let tight = &buf[..1 + 9 * len.max(2)];
            let mut out = vec![EMPTY_DIGEST; 9];
            hash_strided(tight, 1, len.max(2), len.min(2), 0x00, &mut out);
            for (k, digest) in out.iter().enumerate() {
                let at = 1 + k * len.max(2);
                assert_eq!(*digest, leaf_hash(&tight[at..at + len.min(2)]));
            }
        }
    }
}
