//! A `reed-solomon-simd` [`Engine`] for x86-64 CPUs with GFNI and AVX-512.
//!
//! The library's engines multiply GF(2^16) elements through 4-bit lookup tables (sixteen byte
//! shuffles per 64-byte chunk with AVX2). Multiplication by a constant is linear over GF(2), so
//! it is also a 16 × 16 bit matrix, i.e. four 8 × 8 blocks, which is what GFNI's
//! `vgf2p8affineqb` applies to every byte of a vector. A 64-byte chunk holds 32 elements, their
//! low bytes in the first 32 bytes and their high bytes in the last 32: with the block matrices
//! chosen per 256-bit half, two affine transforms, one swap of the halves and one three-way XOR
//! give the products of a whole chunk.
//!
//! The FFT and IFFT follow the library's own loops (the same butterflies in the same order, so
//! the results are bit for bit the library's), but do both layers of a radix-4 step on a chunk
//! while it is in registers, and need no branch for the skew value that stands for zero: its
//! matrices are all zero.

use std::arch::x86_64::*;
use std::sync::OnceLock;

use reed_solomon_simd::engine::{
    tables::{self, Skew},
    Engine, GfElement, ShardsRefMut, GF_MODULUS, GF_ORDER,
};

/// The four 8 × 8 blocks of the bit matrix of one multiplier, in GFNI's layout:
/// `[lo → lo, hi → hi, lo → hi, hi → lo]`.
type Blocks = [u64; 4];

/// The GFNI + AVX-512 engine. Construct it with [`Gfni::new`], which checks the CPU.
#[derive(Clone, Copy)]
pub struct Gfni {
    skew: &'static Skew,
    blocks: &'static [Blocks],
}

impl Gfni {
    /// The engine, if this CPU has GFNI, AVX-512F and AVX-512BW.
    pub fn new() -> Option<Self> {
        available().then(|| Self {
            skew: tables::get_skew(),
            blocks: multiplier_blocks(),
        })
    }
}

/// Whether this CPU runs the engine.
pub fn available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        is_x86_feature_detected!("gfni")
            && is_x86_feature_detected!("avx512f")
            && is_x86_feature_detected!("avx512bw")
    })
}

/// The block matrices of every multiplier `log_m` (by its logarithm, as the library indexes
/// them); `GF_MODULUS`, which the library's butterflies treat as "no multiplication", maps to the
/// zero matrix.
fn multiplier_blocks() -> &'static [Blocks] {
    static BLOCKS: OnceLock<Box<[Blocks]>> = OnceLock::new();
    BLOCKS.get_or_init(|| {
        let exp_log = tables::get_exp_log();
        // SPREAD[x]: bit i of `x` moved to bit 0 of byte 7 - i (GFNI's row for output bit i).
        let spread: [u64; 256] = std::array::from_fn(|x| {
            (0..8)
                .filter(|i| x >> i & 1 == 1)
                .map(|i| 1u64 << (8 * (7 - i)))
                .sum()
        });
        // The block from eight input bits (their images are `columns`) to output bits
        // `shift..shift + 8`.
        let block = |columns: &[GfElement], shift: u32| -> u64 {
            columns
                .iter()
                .enumerate()
                .map(|(j, column)| spread[usize::from((column >> shift) as u8)] << j)
                .fold(0, |acc, bits| acc | bits)
        };
        let mut blocks = vec![[0u64; 4]; GF_ORDER];
        for (log_m, out) in blocks.iter_mut().enumerate().take(usize::from(GF_MODULUS)) {
            // Column j: the product of the basis element 1 << j.
            let columns: [GfElement; 16] = std::array::from_fn(|j| {
                tables::mul(1 << j, log_m as GfElement, &exp_log.exp, &exp_log.log)
            });
            let (lo, hi) = columns.split_at(8);
            *out = [block(lo, 0), block(hi, 8), block(lo, 8), block(hi, 0)];
        }
        blocks.into_boxed_slice()
    })
}

impl Engine for Gfni {
    fn fft(
        &self,
        data: &mut ShardsRefMut,
        pos: usize,
        size: usize,
        truncated_size: usize,
        skew_delta: usize,
    ) {
        // SAFETY: a `Gfni` exists only where `available()` holds.
        unsafe { self.fft_gfni(data, pos, size, truncated_size, skew_delta) }
    }

    fn ifft(
        &self,
        data: &mut ShardsRefMut,
        pos: usize,
        size: usize,
        truncated_size: usize,
        skew_delta: usize,
    ) {
        // SAFETY: a `Gfni` exists only where `available()` holds.
        unsafe { self.ifft_gfni(data, pos, size, truncated_size, skew_delta) }
    }

    fn mul(&self, x: &mut [[u8; 64]], log_m: GfElement) {
        if log_m == GF_MODULUS {
            // Not a multiplier the block table represents: the library's scalar definition.
            let exp_log = tables::get_exp_log();
            for chunk in x {
                for i in 0..32 {
                    let value = u16::from_le_bytes([chunk[i], chunk[32 + i]]);
                    let [lo, hi] =
                        tables::mul(value, log_m, &exp_log.exp, &exp_log.log).to_le_bytes();
                    chunk[i] = lo;
                    chunk[32 + i] = hi;
                }
            }
            return;
        }
        // SAFETY: a `Gfni` exists only where `available()` holds.
        unsafe { self.mul_gfni(x, log_m) }
    }
}

/// A multiplier's two matrix vectors: `[lo → lo | hi → hi]` and `[lo → hi | hi → lo]`, each
/// block repeated over the four 64-bit lanes of its 256-bit half.
#[derive(Clone, Copy)]
struct Multiplier {
    same: __m512i,
    cross: __m512i,
}

impl Gfni {
    #[target_feature(enable = "avx512f,avx512bw,gfni")]
    #[inline]
    fn multiplier(&self, log_m: GfElement) -> Multiplier {
        let [ll, hh, lh, hl] = self.blocks[usize::from(log_m)];
        Multiplier {
            same: _mm512_inserti64x4::<1>(
                _mm512_set1_epi64(ll as i64),
                _mm256_set1_epi64x(hh as i64),
            ),
            cross: _mm512_inserti64x4::<1>(
                _mm512_set1_epi64(lh as i64),
                _mm256_set1_epi64x(hl as i64),
            ),
        }
    }

    #[target_feature(enable = "avx512f,avx512bw,gfni")]
    fn mul_gfni(&self, x: &mut [[u8; 64]], log_m: GfElement) {
        let m = self.multiplier(log_m);
        for chunk in x {
            let ptr = chunk.as_mut_ptr();
            // SAFETY: `chunk` is 64 bytes, read and written unaligned.
            unsafe {
                let product = mul_xor(_mm512_setzero_si512(), _mm512_loadu_si512(ptr.cast()), m);
                _mm512_storeu_si512(ptr.cast(), product);
            }
        }
    }

    /// The library's `fft_private`, two layers per chunk in registers.
    #[target_feature(enable = "avx512f,avx512bw,gfni")]
    fn fft_gfni(
        &self,
        data: &mut ShardsRefMut,
        pos: usize,
        size: usize,
        truncated_size: usize,
        skew_delta: usize,
    ) {
        let mut dist4 = size;
        let mut dist = size >> 2;
        while dist != 0 {
            let mut r = 0;
            while r < truncated_size {
                let base = r + dist + skew_delta - 1;
                let m01 = self.multiplier(self.skew[base]);
                let m02 = self.multiplier(self.skew[base + dist]);
                let m23 = self.multiplier(self.skew[base + dist * 2]);
                for i in r..r + dist {
                    let (s0, s1, s2, s3) = data.dist4_mut(pos + i, dist);
                    for (((c0, c1), c2), c3) in s0.iter_mut().zip(s1).zip(s2).zip(s3) {
                        // SAFETY: four distinct 64-byte chunks, read and written unaligned.
                        unsafe {
                            let mut x0 = _mm512_loadu_si512(c0.as_ptr().cast());
                            let mut x1 = _mm512_loadu_si512(c1.as_ptr().cast());
                            let mut x2 = _mm512_loadu_si512(c2.as_ptr().cast());
                            let mut x3 = _mm512_loadu_si512(c3.as_ptr().cast());
                            (x0, x2) = fft_butterfly(x0, x2, m02);
                            (x1, x3) = fft_butterfly(x1, x3, m02);
                            (x0, x1) = fft_butterfly(x0, x1, m01);
                            (x2, x3) = fft_butterfly(x2, x3, m23);
                            _mm512_storeu_si512(c0.as_mut_ptr().cast(), x0);
                            _mm512_storeu_si512(c1.as_mut_ptr().cast(), x1);
                            _mm512_storeu_si512(c2.as_mut_ptr().cast(), x2);
                            _mm512_storeu_si512(c3.as_mut_ptr().cast(), x3);
                        }
                    }
                }
                r += dist4;
            }
            dist4 = dist;
            dist >>= 2;
        }

        if dist4 == 2 {
            let mut r = 0;
            while r < truncated_size {
                let m = self.multiplier(self.skew[r + skew_delta]);
                let (s0, s1) = data.dist2_mut(pos + r, 1);
                for (c0, c1) in s0.iter_mut().zip(s1) {
                    // SAFETY: two distinct 64-byte chunks, read and written unaligned.
                    unsafe {
                        let x0 = _mm512_loadu_si512(c0.as_ptr().cast());
                        let x1 = _mm512_loadu_si512(c1.as_ptr().cast());
                        let (x0, x1) = fft_butterfly(x0, x1, m);
                        _mm512_storeu_si512(c0.as_mut_ptr().cast(), x0);
                        _mm512_storeu_si512(c1.as_mut_ptr().cast(), x1);
                    }
                }
                r += 2;
            }
        }
    }

    /// The library's `ifft_private`, two layers per chunk in registers.
    #[target_feature(enable = "avx512f,avx512bw,gfni")]
    fn ifft_gfni(
        &self,
        data: &mut ShardsRefMut,
        pos: usize,
        size: usize,
        truncated_size: usize,
        skew_delta: usize,
    ) {
        let mut dist = 1;
        let mut dist4 = 4;
        while dist4 <= size {
            let mut r = 0;
            while r < truncated_size {
                let base = r + dist + skew_delta - 1;
                let m01 = self.multiplier(self.skew[base]);
                let m02 = self.multiplier(self.skew[base + dist]);
                let m23 = self.multiplier(self.skew[base + dist * 2]);
                for i in r..r + dist {
                    let (s0, s1, s2, s3) = data.dist4_mut(pos + i, dist);
                    for (((c0, c1), c2), c3) in s0.iter_mut().zip(s1).zip(s2).zip(s3) {
                        // SAFETY: four distinct 64-byte chunks, read and written unaligned.
                        unsafe {
                            let mut x0 = _mm512_loadu_si512(c0.as_ptr().cast());
                            let mut x1 = _mm512_loadu_si512(c1.as_ptr().cast());
                            let mut x2 = _mm512_loadu_si512(c2.as_ptr().cast());
                            let mut x3 = _mm512_loadu_si512(c3.as_ptr().cast());
                            (x0, x1) = ifft_butterfly(x0, x1, m01);
                            (x2, x3) = ifft_butterfly(x2, x3, m23);
                            (x0, x2) = ifft_butterfly(x0, x2, m02);
                            (x1, x3) = ifft_butterfly(x1, x3, m02);
                            _mm512_storeu_si512(c0.as_mut_ptr().cast(), x0);
                            _mm512_storeu_si512(c1.as_mut_ptr().cast(), x1);
                            _mm512_storeu_si512(c2.as_mut_ptr().cast(), x2);
                            _mm512_storeu_si512(c3.as_mut_ptr().cast(), x3);
                        }
                    }
                }
                r += dist4;
            }
            dist = dist4;
            dist4 <<= 2;
        }

        if dist < size {
            let m = self.multiplier(self.skew[dist + skew_delta - 1]);
            for i in 0..dist {
                let (s0, s1) = data.dist2_mut(pos + i, dist);
                for (c0, c1) in s0.iter_mut().zip(s1) {
                    // SAFETY: two distinct 64-byte chunks, read and written unaligned.
                    unsafe {
                        let x0 = _mm512_loadu_si512(c0.as_ptr().cast());
                        let x1 = _mm512_loadu_si512(c1.as_ptr().cast());
                        let (x0, x1) = ifft_butterfly(x0, x1, m);
                        _mm512_storeu_si512(c0.as_mut_ptr().cast(), x0);
                        _mm512_storeu_si512(c1.as_mut_ptr().cast(), x1);
                    }
                }
            }
        }
    }
}

/// `acc ^ y · m` for the 32 elements of a chunk.
#[target_feature(enable = "avx512f,avx512bw,gfni")]
#[inline]
fn mul_xor(acc: __m512i, y: __m512i, m: Multiplier) -> __m512i {
    // [lo·M_ll | hi·M_hh] and [lo·M_lh | hi·M_hl]; swapping the halves of the second lines up
    // the low-byte and high-byte contributions of each output byte.
    let same = _mm512_gf2p8affine_epi64_epi8::<0>(y, m.same);
    let cross = _mm512_gf2p8affine_epi64_epi8::<0>(y, m.cross);
    let cross = _mm512_shuffle_i64x2::<0b01_00_11_10>(cross, cross);
    _mm512_ternarylogic_epi64::<0x96>(acc, same, cross)
}

/// The FFT butterfly: `x ^= y · m; y ^= x`.
#[target_feature(enable = "avx512f,avx512bw,gfni")]
#[inline]
fn fft_butterfly(x: __m512i, y: __m512i, m: Multiplier) -> (__m512i, __m512i) {
    let x = mul_xor(x, y, m);
    (x, _mm512_xor_si512(y, x))
}

/// The IFFT butterfly: `y ^= x; x ^= y · m`.
#[target_feature(enable = "avx512f,avx512bw,gfni")]
#[inline]
fn ifft_butterfly(x: __m512i, y: __m512i, m: Multiplier) -> (__m512i, __m512i) {
    let y = _mm512_xor_si512(y, x);
    (mul_xor(x, y, m), y)
}
#[cfg(test)]
mod tests {
    use reed_solomon_simd::engine::NoSimd;

    use super::*;

    fn pseudo_random(len: usize, seed: u64) -> Vec<[u8; 64]> {
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        (0..len)
            .map(|_| {
                std::array::from_fn(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
            })
            .collect()
    }

    /// Products agree with the library's scalar definition for every kind of multiplier.
    #[test]
    fn multiplication_matches_the_tables() {
        let Some(engine) = Gfni::new() else {
            return;
        };
        let exp_log = tables::get_exp_log();
        for log_m in [
            0u16, 1, 2, 255, 256, 4097, 40_000, 65_533, 65_534, GF_MODULUS,
        ] {
            let mut data = pseudo_random(3, u64::from(log_m));
            let before = data.clone();
            engine.mul(&mut data, log_m);
            for (chunk, original) in data.iter().zip(&before) {
                for i in 0..32 {
                    let x = u16::from_le_bytes([original[i], original[32 + i]]);
                    let expected = tables::mul(x, log_m, &exp_log.exp, &exp_log.log);
                    assert_eq!(
                        u16::from_le_bytes([chunk[i], chunk[32 + i]]),
                        expected,
                        "log_m {log_m}, x {x}"
                    );
                }
            }
        }
    }

    /// FFT and IFFT give exactly the portable engine's results, for every shape the rate
    /// encoders use: sizes with odd and even layer counts, truncations, skews and offsets.
    #[test]
    fn transforms_match_the_portable_engine() {
        let Some(engine) = Gfni::new() else {
            return;
        };
        let reference = NoSimd::new();
        for (size, truncated, pos, skew_delta, len_64) in [
            (1usize, 1usize, 0usize, 1usize, 1usize),
            (2, 2, 0, 2, 1),
            (4, 3, 0, 4, 2),
            (8, 5, 8, 16, 1),
            (32, 32, 0, 32, 3),
            (512, 333, 0, 512, 5),
            (512, 155, 512, 1024, 2),
            (1024, 666, 0, 1024, 1),
            (2048, 1000, 2048, 4096, 1),
        ] {
            let count = pos + size;
            let original = pseudo_random(count * len_64, size as u64 + truncated as u64);
            for inverse in [false, true] {
                let mut ours = original.clone();
                let mut theirs = original.clone();
                let mut ours_ref = ShardsRefMut::new(count, len_64, &mut ours);
                let mut theirs_ref = ShardsRefMut::new(count, len_64, &mut theirs);
                if inverse {
                    engine.ifft(&mut ours_ref, pos, size, truncated, skew_delta);
                    reference.ifft(&mut theirs_ref, pos, size, truncated, skew_delta);
                } else {
                    engine.fft(&mut ours_ref, pos, size, truncated, skew_delta);
                    reference.fft(&mut theirs_ref, pos, size, truncated, skew_delta);
                }
                assert!(
                    ours == theirs,
                    "size {size}, truncated {truncated}, inverse {inverse}"
                );
            }
        }
    }
}
