//! Eight-lane Blake2b-256 with AVX-512: eight equal-length messages at once, one per 64-bit lane.
//!
//! Each message is `prefix ‖ data`, the data of each lane anywhere in memory. Every 128-byte
//! message block is read straight from the data (no copy to prepend the prefix byte) with two
//! byte-masked loads per lane starting one byte before the block's data: the mask drops the bytes
//! outside the data, and masked bytes are never touched (AVX-512 fault suppression), so only the
//! data's own bytes are read. The prefix is then put in byte 0, and the eight lanes' blocks are
//! transposed (8 × 8 words, twice) into the sixteen message-word vectors.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

use super::Digest;

const IV: [u64; 8] = [
    0x6a09e667f3bcc908,
    0xbb67ae8584caa73b,
    0x3c6ef372fe94f82b,
    0xa54ff53a5f1d36f1,
    0x510e527fade682d1,
    0x9b05688c2b3e6c1f,
    0x1f83d9abfb41bd6b,
    0x5be0cd19137e2179,
];

const SIGMA: [[usize; 16]; 12] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
    [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
    [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
    [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
    [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
    [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
    [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
    [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
];

/// Whether this CPU runs the eight-lane kernel.
pub fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        use std::sync::OnceLock;
        static AVAILABLE: OnceLock<bool> = OnceLock::new();
        *AVAILABLE.get_or_init(|| {
            is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512bw")
        })
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Hashes the eight messages `prefix ‖ lanes[k][..len]` into `out[k]`.
///
/// # Safety
///
/// The CPU must support AVX-512F ([`available`]), and every `lanes[k]` must be valid for reads
/// of `len` bytes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw")]
pub unsafe fn hash8(lanes: &[*const u8; 8], len: usize, prefix: u8, out: &mut [Digest; 8]) {
    let msg_len = len + 1;
    let n_blocks = msg_len.div_ceil(128);
    let mut h = [_mm512_setzero_si512(); 8];
    for (i, word) in h.iter_mut().enumerate() {
        *word = _mm512_set1_epi64(IV[i] as i64);
    }
    h[0] = _mm512_xor_si512(h[0], _mm512_set1_epi64(0x0101_0020));

    for block in 0..n_blocks {
        let mut m = [_mm512_setzero_si512(); 16];
        for half in 0..2 {
            // Message bytes [128·block + 64·half, +64) are data bytes from `first - 1`.
            let first = (128 * block + 64 * half) as isize - 1;
            let mask = byte_mask(first, len);
            let has_prefix = block == 0 && half == 0;
            if mask == 0 && !has_prefix {
                continue;
            }
            let mut rows = [_mm512_setzero_si512(); 8];
            for (row, lane) in rows.iter_mut().zip(lanes) {
                *row = _mm512_maskz_loadu_epi8(mask, lane.wrapping_offset(first) as *const i8);
            }
            if has_prefix {
                let prefix_word = _mm512_set_epi64(0, 0, 0, 0, 0, 0, 0, i64::from(prefix));
                for row in &mut rows {
                    *row = _mm512_or_si512(*row, prefix_word);
                }
            }
            let words = transpose8(rows);
            m[8 * half..8 * half + 8].copy_from_slice(&words);
        }
        let last = block + 1 == n_blocks;
        let counter = if last { msg_len } else { 128 * (block + 1) } as u64;

        let mut v = [_mm512_setzero_si512(); 16];
        v[..8].copy_from_slice(&h);
        for i in 0..4 {
            v[8 + i] = _mm512_set1_epi64(IV[i] as i64);
        }
        v[12] = _mm512_set1_epi64((IV[4] ^ counter) as i64);
        v[13] = _mm512_set1_epi64(IV[5] as i64);
        v[14] = _mm512_set1_epi64((IV[6] ^ if last { u64::MAX } else { 0 }) as i64);
        v[15] = _mm512_set1_epi64(IV[7] as i64);

        // The message word is added first: it is ready early, which shortens the chain of
        // dependent additions.
        macro_rules! g {
            ($a:expr, $b:expr, $c:expr, $d:expr, $x:expr, $y:expr) => {
                v[$a] = _mm512_add_epi64(_mm512_add_epi64(v[$a], $x), v[$b]);
                v[$d] = _mm512_ror_epi64::<32>(_mm512_xor_si512(v[$d], v[$a]));
                v[$c] = _mm512_add_epi64(v[$c], v[$d]);
                v[$b] = _mm512_ror_epi64::<24>(_mm512_xor_si512(v[$b], v[$c]));
                v[$a] = _mm512_add_epi64(_mm512_add_epi64(v[$a], $y), v[$b]);
                v[$d] = _mm512_ror_epi64::<16>(_mm512_xor_si512(v[$d], v[$a]));
                v[$c] = _mm512_add_epi64(v[$c], v[$d]);
                v[$b] = _mm512_ror_epi64::<63>(_mm512_xor_si512(v[$b], v[$c]));
            };
        }
        // Rounds are unrolled so that every message index is a constant.
        macro_rules! round {
            ($r:expr) => {
                let sigma = &SIGMA[$r];
                g!(0, 4, 8, 12, m[sigma[0]], m[sigma[1]]);
                g!(1, 5, 9, 13, m[sigma[2]], m[sigma[3]]);
                g!(2, 6, 10, 14, m[sigma[4]], m[sigma[5]]);
                g!(3, 7, 11, 15, m[sigma[6]], m[sigma[7]]);
                g!(0, 5, 10, 15, m[sigma[8]], m[sigma[9]]);
                g!(1, 6, 11, 12, m[sigma[10]], m[sigma[11]]);
                g!(2, 7, 8, 13, m[sigma[12]], m[sigma[13]]);
                g!(3, 4, 9, 14, m[sigma[14]], m[sigma[15]]);
            };
        }
        round!(0);
        round!(1);
        round!(2);
        round!(3);
        round!(4);
        round!(5);
        round!(6);
        round!(7);
        round!(8);
        round!(9);
        round!(10);
        round!(11);
        for i in 0..8 {
            h[i] = _mm512_xor_si512(h[i], _mm512_xor_si512(v[i], v[i + 8]));
        }
    }

    let mut words = [[0u64; 8]; 4];
    for (i, lanes) in words.iter_mut().enumerate() {
        _mm512_storeu_si512(lanes.as_mut_ptr() as *mut _, h[i]);
    }
    for (lane, digest) in out.iter_mut().enumerate() {
        for (i, lanes) in words.iter().enumerate() {
            digest[8 * i..8 * i + 8].copy_from_slice(&lanes[lane].to_le_bytes());
        }
    }
}

/// The bits of the 64 bytes from data offset `first` that fall inside `0..len`.
fn byte_mask(first: isize, len: usize) -> u64 {
    let len = len as isize;
    let lo = (-first).clamp(0, 64);
    let hi = (len - first).clamp(0, 64);
    if hi <= lo {
        return 0;
    }
    let upto = if hi == 64 { u64::MAX } else { (1u64 << hi) - 1 };
    upto & !((1u64 << lo) - 1)
}

/// Transposes eight rows of eight 64-bit words: word `j` of row `k` becomes word `k` of row `j`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn transpose8(r: [__m512i; 8]) -> [__m512i; 8] {
    let t0 = _mm512_unpacklo_epi64(r[0], r[1]);
    let t1 = _mm512_unpackhi_epi64(r[0], r[1]);
    let t2 = _mm512_unpacklo_epi64(r[2], r[3]);
    let t3 = _mm512_unpackhi_epi64(r[2], r[3]);
    let t4 = _mm512_unpacklo_epi64(r[4], r[5]);
    let t5 = _mm512_unpackhi_epi64(r[4], r[5]);
    let t6 = _mm512_unpacklo_epi64(r[6], r[7]);
    let t7 = _mm512_unpackhi_epi64(r[6], r[7]);
    let even = _mm512_set_epi64(13, 12, 5, 4, 9, 8, 1, 0);
    let odd = _mm512_set_epi64(15, 14, 7, 6, 11, 10, 3, 2);
    let u0 = _mm512_permutex2var_epi64(t0, even, t2);
    let u1 = _mm512_permutex2var_epi64(t1, even, t3);
    let u2 = _mm512_permutex2var_epi64(t0, odd, t2);
    let u3 = _mm512_permutex2var_epi64(t1, odd, t3);
    let u4 = _mm512_permutex2var_epi64(t4, even, t6);
    let u5 = _mm512_permutex2var_epi64(t5, even, t7);
    let u6 = _mm512_permutex2var_epi64(t4, odd, t6);
    let u7 = _mm512_permutex2var_epi64(t5, odd, t7);
    let low = _mm512_set_epi64(11, 10, 9, 8, 3, 2, 1, 0);
    let high = _mm512_set_epi64(15, 14, 13, 12, 7, 6, 5, 4);
    [
        _mm512_permutex2var_epi64(u0, low, u4),
        _mm512_permutex2var_epi64(u1, low, u5),
        _mm512_permutex2var_epi64(u2, low, u6),
        _mm512_permutex2var_epi64(u3, low, u7),
        _mm512_permutex2var_epi64(u0, high, u4),
        _mm512_permutex2var_epi64(u1, high, u5),
        _mm512_permutex2var_epi64(u2, high, u6),
        _mm512_permutex2var_epi64(u3, high, u7),
    ]
}
