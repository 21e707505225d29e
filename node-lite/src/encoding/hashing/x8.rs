//! Eight-lane Blake2b-256 with AVX-512: eight equal-length messages at once, one per 64-bit lane.
//!
//! Each message is `prefix ‖ data`, the data of each lane anywhere in memory. Message words are
//! gathered straight from the data (no copy to prepend the prefix byte): with `q_i` the `i`-th
//! little-endian word of the data, message word `j` is `(q_j << 8) | (q_{j-1} >> 56)` and the
//! prefix plays `q_{-1} >> 56`. Only the data's own bytes are read: its last, partial word is
//! assembled byte by byte.

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
        *AVAILABLE.get_or_init(|| is_x86_feature_detected!("avx512f"))
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
#[target_feature(enable = "avx512f")]
pub unsafe fn hash8(lanes: &[*const u8; 8], len: usize, prefix: u8, out: &mut [Digest; 8]) {
    let msg_len = len + 1;
    let n_blocks = msg_len.div_ceil(128);
    let full_words = len / 8;
    let addresses = _mm512_loadu_si512(lanes.as_ptr() as *const _);

    // The data word `i` of every lane; bytes past the data are zero.
    let data_word = |i: usize| -> __m512i {
        if i < full_words {
            let at = _mm512_add_epi64(addresses, _mm512_set1_epi64((8 * i) as i64));
            _mm512_i64gather_epi64::<1>(at, std::ptr::null())
        } else if 8 * i < len {
            let mut words = [0u64; 8];
            for (word, lane) in words.iter_mut().zip(lanes) {
                let mut bytes = [0u8; 8];
                std::ptr::copy_nonoverlapping(lane.add(8 * i), bytes.as_mut_ptr(), len - 8 * i);
                *word = u64::from_le_bytes(bytes);
            }
            _mm512_loadu_si512(words.as_ptr() as *const _)
        } else {
            _mm512_setzero_si512()
        }
    };

    let mut h = [_mm512_setzero_si512(); 8];
    for (i, word) in h.iter_mut().enumerate() {
        *word = _mm512_set1_epi64(IV[i] as i64);
    }
    h[0] = _mm512_xor_si512(h[0], _mm512_set1_epi64(0x0101_0020));

    let mut previous = _mm512_set1_epi64((u64::from(prefix) << 56) as i64);
    for block in 0..n_blocks {
        let mut m = [_mm512_setzero_si512(); 16];
        for (jj, word) in m.iter_mut().enumerate() {
            let j = 16 * block + jj;
            if 8 * j >= msg_len {
                break;
            }
            let q = data_word(j);
            *word = _mm512_or_si512(_mm512_slli_epi64::<8>(q), _mm512_srli_epi64::<56>(previous));
            previous = q;
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

        macro_rules! g {
            ($a:expr, $b:expr, $c:expr, $d:expr, $x:expr, $y:expr) => {
                v[$a] = _mm512_add_epi64(_mm512_add_epi64(v[$a], v[$b]), $x);
                v[$d] = _mm512_ror_epi64::<32>(_mm512_xor_si512(v[$d], v[$a]));
                v[$c] = _mm512_add_epi64(v[$c], v[$d]);
                v[$b] = _mm512_ror_epi64::<24>(_mm512_xor_si512(v[$b], v[$c]));
                v[$a] = _mm512_add_epi64(_mm512_add_epi64(v[$a], v[$b]), $y);
                v[$d] = _mm512_ror_epi64::<16>(_mm512_xor_si512(v[$d], v[$a]));
                v[$c] = _mm512_add_epi64(v[$c], v[$d]);
                v[$b] = _mm512_ror_epi64::<63>(_mm512_xor_si512(v[$b], v[$c]));
            };
        }
        for sigma in &SIGMA {
            g!(0, 4, 8, 12, m[sigma[0]], m[sigma[1]]);
            g!(1, 5, 9, 13, m[sigma[2]], m[sigma[3]]);
            g!(2, 6, 10, 14, m[sigma[4]], m[sigma[5]]);
            g!(3, 7, 11, 15, m[sigma[6]], m[sigma[7]]);
            g!(0, 5, 10, 15, m[sigma[8]], m[sigma[9]]);
            g!(1, 6, 11, 12, m[sigma[10]], m[sigma[11]]);
            g!(2, 7, 8, 13, m[sigma[12]], m[sigma[13]]);
            g!(3, 4, 9, 14, m[sigma[14]], m[sigma[15]]);
        }
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
