//! The systematic Reed–Solomon code over GF(2^16) (`reed-solomon-simd`), as Walrus uses it:
//! symbol `i < k` of a codeword is source symbol `i`, symbol `k + j` is recovery shard `j`.

use reed_solomon_simd::{
    rate::{DefaultRateDecoder, DefaultRateEncoder, RateDecoder, RateEncoder},
    EncoderResult,
};

use super::config::SymbolSize;

#[cfg(target_arch = "x86_64")]
mod gfni;

/// A Reed–Solomon failure (parameters the library refuses, or too few symbols).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RsError(pub String);

/// The number of repair symbols `n - k` of a code, refused when `k > n`.
fn repair_count(k: u16, n: u16) -> Result<usize, RsError> {
    n.checked_sub(k)
        .map(usize::from)
        .ok_or_else(|| RsError(format!("k = {k} exceeds n = {n}")))
}

fn rs_error(error: reed_solomon_simd::Error) -> RsError {
    RsError(error.to_string())
}

/// The library's encoder (same code, same rate choice), on the GFNI engine where the CPU has it.
enum Encoder {
    #[cfg(target_arch = "x86_64")]
    Gfni(DefaultRateEncoder<gfni::Gfni>),
    Library(reed_solomon_simd::ReedSolomonEncoder),
}

impl Encoder {
    /// `k` source and `m` recovery shards of `shard_bytes` each.
    fn new(k: usize, m: usize, shard_bytes: usize) -> Result<Self, RsError> {
        #[cfg(target_arch = "x86_64")]
        if let Some(engine) = gfni::Gfni::new() {
            return DefaultRateEncoder::new(k, m, shard_bytes, engine, None)
                .map(Self::Gfni)
                .map_err(rs_error);
        }
        Self::library(k, m, shard_bytes)
    }

    /// The library's own encoder, with its default engine.
    fn library(k: usize, m: usize, shard_bytes: usize) -> Result<Self, RsError> {
        reed_solomon_simd::ReedSolomonEncoder::new(k, m, shard_bytes)
            .map(Self::Library)
            .map_err(rs_error)
    }

    fn add_original_shard(&mut self, shard: &[u8]) -> Result<(), RsError> {
        match self {
            #[cfg(target_arch = "x86_64")]
            Self::Gfni(inner) => inner.add_original_shard(shard),
            Self::Library(inner) => inner.add_original_shard(shard),
        }
        .map_err(rs_error)
    }

    fn encode(&mut self) -> Result<EncoderResult<'_>, RsError> {
        match self {
            #[cfg(target_arch = "x86_64")]
            Self::Gfni(inner) => inner.encode(),
            Self::Library(inner) => inner.encode(),
        }
        .map_err(rs_error)
    }
}

/// A reusable encoder of `k` source symbols into `n` symbols.
pub struct RsEncoder {
    inner: Encoder,
    k: usize,
    symbol_size: usize,
}

impl RsEncoder {
    /// An encoder for codewords of `n` symbols with `k < n` source symbols of `symbol_size` bytes.
    pub fn new(k: u16, n: u16, symbol_size: SymbolSize) -> Result<Self, RsError> {
        let inner = Encoder::new(usize::from(k), repair_count(k, n)?, symbol_size.as_usize())?;
        Ok(Self {
            inner,
            k: usize::from(k),
            symbol_size: symbol_size.as_usize(),
        })
    }

    /// Encodes `source` (`k` symbols, concatenated) and hands each recovery symbol `j` (codeword
    /// position `k + j`) to `sink`.
    pub fn encode(
        &mut self,
        source: &[u8],
        mut sink: impl FnMut(usize, &[u8]),
    ) -> Result<(), RsError> {
        self.add_source(source)?;
        let result = self.inner.encode()?;
        for (j, symbol) in result.recovery_iter().enumerate() {
            sink(j, symbol);
        }
        Ok(())
    }

    /// Encodes `source` and hands all recovery symbols at once to `use_symbols`, borrowed from
    /// the encoder's own buffer.
    pub fn encode_then<R>(
        &mut self,
        source: &[u8],
        use_symbols: impl FnOnce(&[&[u8]]) -> R,
    ) -> Result<R, RsError> {
        self.add_source(source)?;
        let result = self.inner.encode()?;
        let symbols: Vec<&[u8]> = result.recovery_iter().collect();
        Ok(use_symbols(&symbols))
    }

    fn add_source(&mut self, source: &[u8]) -> Result<(), RsError> {
        if source.len() != self.k * self.symbol_size {
            return Err(RsError(format!(
                "source has {} bytes, expected {}",
                source.len(),
                self.k * self.symbol_size
            )));
        }
        for symbol in source.chunks_exact(self.symbol_size) {
            self.inner.add_original_shard(symbol)?;
        }
        Ok(())
    }

    /// The whole codeword (`n` symbols, concatenated) of `source`.
    pub fn codeword(&mut self, source: &[u8]) -> Result<Vec<u8>, RsError> {
        let mut out = source.to_vec();
        self.encode(source, |_, symbol| out.extend_from_slice(symbol))?;
        Ok(out)
    }
}

/// Most bytes of each symbol that [`SegmentedEncoder`] and [`RsDecoder`] hand to the library at
/// once. The library works on every symbol in 64-byte chunks, each on its own (a final partial
/// chunk by its own length only), so a codeword of long symbols is the codewords of its segments
/// side by side. Its work buffers hold about `2 · next_pow2(n)` segments: 4 KiB segments keep them
/// within the caches, where whole symbols of 48 KB (a 10 GiB blob at n = 1000) would not and run
/// at about half the speed.
pub const MAX_SEGMENT_BYTES: usize = 4096;

/// The segments `[start, end)` a symbol of `symbol_size` bytes is coded in: as few as
/// [`MAX_SEGMENT_BYTES`] allows, of equal length rounded up to whole 64-byte chunks, the last one
/// shorter.
pub fn segments(symbol_size: usize) -> impl Iterator<Item = std::ops::Range<usize>> {
    let count = symbol_size.div_ceil(MAX_SEGMENT_BYTES).max(1);
    let len = symbol_size
        .div_ceil(count)
        .next_multiple_of(64)
        .clamp(1, symbol_size.max(1));
    (0..symbol_size)
        .step_by(len)
        .map(move |start| start..(start + len).min(symbol_size))
}

/// A reusable encoder of `k` source symbols into `n - k` recovery symbols, segment by segment
/// (see [`MAX_SEGMENT_BYTES`]), reading the source symbols and writing the recovery symbols
/// wherever the caller keeps them. Its output is exactly [`RsEncoder`]'s.
pub struct SegmentedEncoder {
    k: usize,
    n_repair: usize,
    symbol_size: usize,
    /// One library encoder per segment length (at most two: the full one and the last).
    encoders: Vec<(usize, Encoder)>,
}

impl SegmentedEncoder {
    /// An encoder for codewords of `n` symbols with `k < n` source symbols of `symbol_size` bytes.
    pub fn new(k: u16, n: u16, symbol_size: SymbolSize) -> Result<Self, RsError> {
        let n_repair = repair_count(k, n)?;
        let s = symbol_size.as_usize();
        let mut encoders: Vec<(usize, Encoder)> = Vec::new();
        for segment in segments(s) {
            if !encoders.iter().any(|(len, _)| *len == segment.len()) {
                encoders.push((
                    segment.len(),
                    Encoder::new(usize::from(k), n_repair, segment.len())?,
                ));
            }
        }
        Ok(Self {
            k: usize::from(k),
            n_repair,
            symbol_size: s,
            encoders,
        })
    }

    /// Number of recovery symbols per codeword, `n - k`.
    pub fn n_repair(&self) -> usize {
        self.n_repair
    }

    /// `true` if a symbol is coded in one segment, so that [`encode_then`](Self::encode_then)
    /// can lend the recovery symbols without copying them.
    pub fn is_single_segment(&self) -> bool {
        self.symbol_size <= MAX_SEGMENT_BYTES
    }

    /// Encodes the codeword whose source symbol `i` is `source(i)` and hands all its recovery
    /// symbols at once to `use_symbols`, borrowed from the library's buffer. Only for symbols of
    /// one segment ([`is_single_segment`](Self::is_single_segment)).
    pub fn encode_then<'a, R>(
        &mut self,
        source: impl Fn(usize) -> &'a [u8],
        use_symbols: impl FnOnce(&[&[u8]]) -> R,
    ) -> Result<R, RsError> {
        if !self.is_single_segment() {
            return Err(RsError(format!(
                "symbols of {} bytes take several segments",
                self.symbol_size
            )));
        }
        let (s, k) = (self.symbol_size, self.k);
        let encoder = &mut self
            .encoders
            .first_mut()
            .ok_or_else(|| RsError("no encoder".into()))?
            .1;
        for i in 0..k {
            let symbol = source(i);
            if symbol.len() != s {
                return Err(RsError(format!(
                    "source symbol {i} has {} bytes, expected {s}",
                    symbol.len()
                )));
            }
            encoder.add_original_shard(symbol)?;
        }
        let result = encoder.encode()?;
        let symbols: Vec<&[u8]> = result.recovery_iter().collect();
        Ok(use_symbols(&symbols))
    }

    /// Encodes the codeword whose source symbol `i` is `source(i)` and writes its recovery symbol
    /// `j` to `repair[j · stride..j · stride + symbol_size]`.
    pub fn encode<'a>(
        &mut self,
        source: impl Fn(usize) -> &'a [u8],
        repair: &mut [u8],
        stride: usize,
    ) -> Result<(), RsError> {
        let s = self.symbol_size;
        let needed = self.n_repair.saturating_sub(1) * stride + s;
        if stride < s || repair.len() < needed {
            return Err(RsError(format!(
                "recovery symbols of {s} bytes every {stride} bytes need {needed} bytes, got {}",
                repair.len()
            )));
        }
        for segment in segments(s) {
            let encoder = self
                .encoders
                .iter_mut()
                .find(|(len, _)| *len == segment.len())
                .map(|(_, encoder)| encoder)
                .ok_or_else(|| RsError("no encoder for a segment length".into()))?;
            for i in 0..self.k {
                let symbol = source(i);
                if symbol.len() != s {
                    return Err(RsError(format!(
                        "source symbol {i} has {} bytes, expected {s}",
                        symbol.len()
                    )));
                }
                encoder.add_original_shard(&symbol[segment.clone()])?;
            }
            let result = encoder.encode()?;
            for (j, shard) in result.recovery_iter().enumerate() {
                let at = j * stride + segment.start;
                repair[at..at + segment.len()].copy_from_slice(shard);
            }
        }
        Ok(())
    }
}

/// Largest symbol size for which [`BatchEncoder`] pays off: below 64 bytes the library pads every
/// symbol to a 64-byte chunk, so encoding small symbols one codeword at a time wastes most of the
/// work.
pub const MAX_BATCHED_SYMBOL_SIZE: usize = 32;

/// Encodes many codewords of small symbols (`s < 64`) in one library call.
///
/// The library treats a shard as GF(2^16) elements; a shard shorter than 64 bytes holds element
/// `i` in bytes `i` (low) and `s/2 + i` (high), a 64-byte chunk holds element `j` in bytes `j` and
/// `32 + j`. The code acts on each element position independently, so the elements of many
/// codewords can share one "super" shard: codeword `b`'s element `i` goes to element
/// `b · s/2 + i` of the super shard, and comes back out of the repair super shards the same way.
pub struct BatchEncoder {
    inner: Encoder,
    k: usize,
    n_repair: usize,
    symbol_size: usize,
    super_len: usize,
    packed: Vec<u8>,
}

impl BatchEncoder {
    /// Codewords per call: enough to fill 16 chunks of 32 elements.
    pub fn batch_size(symbol_size: SymbolSize) -> usize {
        (16 * 32) / (symbol_size.as_usize() / 2)
    }

    /// An encoder of up to [`batch_size`](Self::batch_size) codewords of `n` symbols with `k`
    /// source symbols each. `symbol_size` must be at most [`MAX_BATCHED_SYMBOL_SIZE`].
    pub fn new(k: u16, n: u16, symbol_size: SymbolSize) -> Result<Self, RsError> {
        let s = symbol_size.as_usize();
        if s > MAX_BATCHED_SYMBOL_SIZE {
            return Err(RsError(format!("symbol size {s} is too large to batch")));
        }
        let super_len = 16 * 64;
        let inner = Encoder::new(usize::from(k), repair_count(k, n)?, super_len)?;
        Ok(Self {
            inner,
            k: usize::from(k),
            n_repair: repair_count(k, n)?,
            symbol_size: s,
            super_len,
            packed: vec![0; usize::from(k) * super_len],
        })
    }

    /// Position in a super shard of element `e`: (low byte, high byte).
    fn super_position(e: usize) -> (usize, usize) {
        let lo = 64 * (e / 32) + e % 32;
        (lo, lo + 32)
    }

    /// Encodes the codewords whose sources (`k` symbols each, concatenated) are `sources`, and
    /// writes their repair symbols to `repair` as `[codeword][repair index][symbol]`.
    pub fn encode(&mut self, sources: &[&[u8]], repair: &mut [u8]) -> Result<(), RsError> {
        let s = self.symbol_size;
        let h = s / 2;
        let count = sources.len();
        if count * h > self.super_len / 2
            || sources.iter().any(|src| src.len() != self.k * s)
            || repair.len() != count * self.n_repair * s
        {
            return Err(RsError("batch shape does not match the encoder".into()));
        }
        self.packed.fill(0);
        for (b, source) in sources.iter().enumerate() {
            for (p, symbol) in source.chunks_exact(s).enumerate() {
                let shard = &mut self.packed[p * self.super_len..(p + 1) * self.super_len];
                for i in 0..h {
                    let (lo, hi) = Self::super_position(b * h + i);
                    shard[lo] = symbol[i];
                    shard[hi] = symbol[h + i];
                }
            }
        }
        for shard in self.packed.chunks_exact(self.super_len) {
            self.inner.add_original_shard(shard)?;
        }
        let result = self.inner.encode()?;
        for (j, shard) in result.recovery_iter().enumerate() {
            for b in 0..count {
                let at = (b * self.n_repair + j) * s;
                let symbol = &mut repair[at..at + s];
                for i in 0..h {
                    let (lo, hi) = Self::super_position(b * h + i);
                    symbol[i] = shard[lo];
                    symbol[h + i] = shard[hi];
                }
            }
        }
        Ok(())
    }
}

/// The library's decoder (same code, same rate choice), on the GFNI engine where the CPU has it.
enum Decoder {
    #[cfg(target_arch = "x86_64")]
    Gfni(DefaultRateDecoder<gfni::Gfni>),
    Library(reed_solomon_simd::ReedSolomonDecoder),
}

impl Decoder {
    /// `k` source and `m` recovery shards of `shard_bytes` each.
    fn new(k: usize, m: usize, shard_bytes: usize) -> Result<Self, RsError> {
        #[cfg(target_arch = "x86_64")]
        if let Some(engine) = gfni::Gfni::new() {
            return DefaultRateDecoder::new(k, m, shard_bytes, engine, None)
                .map(Self::Gfni)
                .map_err(rs_error);
        }
        reed_solomon_simd::ReedSolomonDecoder::new(k, m, shard_bytes)
            .map(Self::Library)
            .map_err(rs_error)
    }

    fn reset(&mut self, k: usize, m: usize, shard_bytes: usize) -> Result<(), RsError> {
        match self {
            #[cfg(target_arch = "x86_64")]
            Self::Gfni(inner) => inner.reset(k, m, shard_bytes),
            Self::Library(inner) => inner.reset(k, m, shard_bytes),
        }
        .map_err(rs_error)
    }

    fn add_original_shard(&mut self, index: usize, shard: &[u8]) -> Result<(), RsError> {
        match self {
            #[cfg(target_arch = "x86_64")]
            Self::Gfni(inner) => inner.add_original_shard(index, shard),
            Self::Library(inner) => inner.add_original_shard(index, shard),
        }
        .map_err(rs_error)
    }

    fn add_recovery_shard(&mut self, index: usize, shard: &[u8]) -> Result<(), RsError> {
        match self {
            #[cfg(target_arch = "x86_64")]
            Self::Gfni(inner) => inner.add_recovery_shard(index, shard),
            Self::Library(inner) => inner.add_recovery_shard(index, shard),
        }
        .map_err(rs_error)
    }

    fn decode(&mut self) -> Result<reed_solomon_simd::DecoderResult<'_>, RsError> {
        match self {
            #[cfg(target_arch = "x86_64")]
            Self::Gfni(inner) => inner.decode(),
            Self::Library(inner) => inner.decode(),
        }
        .map_err(rs_error)
    }
}

/// A reusable decoder recovering the `k` source symbols of codewords of `n` symbols.
pub struct RsDecoder {
    inner: Decoder,
    k: u16,
    n: u16,
    symbol_size: SymbolSize,
}

impl RsDecoder {
    /// A decoder for codewords of `n` symbols with `k < n` source symbols of `symbol_size` bytes.
    pub fn new(k: u16, n: u16, symbol_size: SymbolSize) -> Result<Self, RsError> {
        // Sized for the first segment; `decode_into` resets it for each segment's length.
        let first = segments(symbol_size.as_usize())
            .next()
            .map_or(2, |s| s.len());
        let inner = Decoder::new(usize::from(k), repair_count(k, n)?, first)?;
        Ok(Self {
            inner,
            k,
            n,
            symbol_size,
        })
    }

    /// Decodes the source symbols (concatenated) from at least `k` symbols given as
    /// `(position, bytes)`, positions distinct and below `n`, each `symbol_size` bytes.
    pub fn decode<'a>(
        &mut self,
        symbols: impl IntoIterator<Item = (u16, &'a [u8])>,
    ) -> Result<Vec<u8>, RsError> {
        let s = self.symbol_size.as_usize();
        let symbols: Vec<(u16, &[u8])> = symbols.into_iter().collect();
        let mut source = vec![0u8; usize::from(self.k) * s];
        self.decode_into(&symbols, &mut source, s)?;
        Ok(source)
    }

    /// Decodes like [`decode`](Self::decode), segment by segment (see [`MAX_SEGMENT_BYTES`]),
    /// writing source symbol `i` to `out[i · stride..i · stride + symbol_size]`.
    pub fn decode_into(
        &mut self,
        symbols: &[(u16, &[u8])],
        out: &mut [u8],
        stride: usize,
    ) -> Result<(), RsError> {
        let s = self.symbol_size.as_usize();
        let k = usize::from(self.k);
        let needed = k.saturating_sub(1) * stride + s;
        if stride < s || out.len() < needed {
            return Err(RsError(format!(
                "source symbols of {s} bytes every {stride} bytes need {needed} bytes, got {}",
                out.len()
            )));
        }
        let mut have_source = vec![false; k];
        let mut n_recovery = 0;
        for &(position, data) in symbols {
            if data.len() != s || position >= self.n {
                return Err(RsError(format!(
                    "symbol at position {position} has {} bytes (expected {s}) or is out of range",
                    data.len()
                )));
            }
            let position = usize::from(position);
            if position < k {
                out[position * stride..position * stride + s].copy_from_slice(data);
                have_source[position] = true;
            } else {
                n_recovery += 1;
            }
        }
        let n_source = have_source.iter().filter(|have| **have).count();
        if n_source == k {
            return Ok(());
        }
        if n_source + n_recovery < k {
            return Err(RsError(format!(
                "{} symbols given, {k} needed",
                n_source + n_recovery
            )));
        }
        let m = usize::from(self.n - self.k);
        for segment in segments(s) {
            self.inner.reset(k, m, segment.len())?;
            for &(position, data) in symbols {
                let position = usize::from(position);
                let part = &data[segment.clone()];
                if position < k {
                    self.inner.add_original_shard(position, part)?;
                } else {
                    self.inner.add_recovery_shard(position - k, part)?;
                }
            }
            let result = self.inner.decode()?;
            for (i, data) in result.restored_original_iter() {
                let at = i * stride + segment.start;
                out[at..at + segment.len()].copy_from_slice(data);
            }
        }
        Ok(())
    }
}

/// Decodes the `k` source symbols of one codeword (see [`RsDecoder::decode`]).
pub fn rs_decode<'a>(
    k: u16,
    n: u16,
    symbol_size: SymbolSize,
    symbols: impl IntoIterator<Item = (u16, &'a [u8])>,
) -> Result<Vec<u8>, RsError> {
    RsDecoder::new(k, n, symbol_size)?.decode(symbols)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The encoder (on the GFNI engine where the CPU has it) gives exactly the library's own
    /// recovery symbols, for both of the library's rates and for partial 64-byte chunks.
    #[test]
    fn encoder_matches_the_library() {
        for (k, m, shard_bytes) in [
            (3usize, 5usize, 2usize),
            (667, 333, 302),
            (334, 666, 302),
            (5, 8, 1024),
        ] {
            let source: Vec<u8> = (0..k * shard_bytes)
                .map(|i| (i * 31 + i / 7) as u8)
                .collect();
            let mut ours = Encoder::new(k, m, shard_bytes).expect("valid");
            let mut theirs = Encoder::library(k, m, shard_bytes).expect("valid");
            for encoder in [&mut ours, &mut theirs] {
                for shard in source.chunks_exact(shard_bytes) {
                    encoder.add_original_shard(shard).expect("fits");
                }
            }
            let ours = ours.encode().expect("encodes");
            let theirs = theirs.encode().expect("encodes");
            assert!(
                ours.recovery_iter().eq(theirs.recovery_iter()),
                "k {k}, m {m}, shard bytes {shard_bytes}"
            );
        }
    }

    /// Batched encoding gives exactly the symbols of encoding each codeword on its own.
    #[test]
    fn batched_encoding_equals_single_codewords() {
        for s in [2u16, 4, 6, 30, 32] {
            let size = SymbolSize::new(s).expect("even");
            let (k, n) = (5u16, 13u16);
            let count = BatchEncoder::batch_size(size).min(40);
            let sources: Vec<Vec<u8>> = (0..count)
                .map(|b| {
                    (0..usize::from(k) * usize::from(s))
                        .map(|i| (i * 7 + b * 13) as u8)
                        .collect()
                })
                .collect();
            let refs: Vec<&[u8]> = sources.iter().map(Vec::as_slice).collect();
            let mut repair = vec![0u8; count * usize::from(n - k) * usize::from(s)];
            BatchEncoder::new(k, n, size)
                .expect("valid")
                .encode(&refs, &mut repair)
                .expect("encodes");
            let mut single = RsEncoder::new(k, n, size).expect("valid");
            for (b, source) in sources.iter().enumerate() {
                let codeword = single.codeword(source).expect("encodes");
                let expected = &codeword[source.len()..];
                let at = b * expected.len();
                assert_eq!(
                    &repair[at..at + expected.len()],
                    expected,
                    "s = {s}, codeword {b}"
                );
            }
        }
    }

    /// Segmented encoding and decoding give exactly the whole-symbol results, for symbols of one
    /// segment, of several equal ones, with a short last one and with partial 64-byte chunks.
    #[test]
    fn segmented_coding_equals_whole_symbols() {
        let (k, n) = (5u16, 13u16);
        for s in [2u16, 62, 64, 66, 302, 4096, 4098, 4828, 9000, 48_200] {
            let size = SymbolSize::new(s).expect("even");
            let su = usize::from(s);
            let source: Vec<u8> = (0..usize::from(k) * su)
                .map(|i| (i * 131 + i / 251) as u8)
                .collect();
            let codeword = RsEncoder::new(k, n, size)
                .expect("valid")
                .codeword(&source)
                .expect("encodes");
            let segments: Vec<_> = segments(su).collect();
            assert_eq!(segments.first().map(|r| r.start), Some(0));
            assert_eq!(segments.last().map(|r| r.end), Some(su));
            assert!(segments
                .iter()
                .all(|r| r.start % 64 == 0 && r.len() <= MAX_SEGMENT_BYTES));

            // Recovery symbols written with a gap between them, sources read in place.
            let stride = su + 6;
            let m = usize::from(n - k);
            let mut repair = vec![0xAAu8; (m - 1) * stride + su];
            let mut encoder = SegmentedEncoder::new(k, n, size).expect("valid");
            encoder
                .encode(|i| &source[i * su..(i + 1) * su], &mut repair, stride)
                .expect("encodes");
            let lent = encoder.encode_then(
                |i| &source[i * su..(i + 1) * su],
                |symbols| symbols.concat(),
            );
            if su <= MAX_SEGMENT_BYTES {
                assert_eq!(lent.expect("one segment"), &codeword[usize::from(k) * su..]);
            } else {
                assert!(lent.is_err());
            }
            for j in 0..m {
                let expected = &codeword[(usize::from(k) + j) * su..][..su];
                assert_eq!(
                    &repair[j * stride..j * stride + su],
                    expected,
                    "s {s}, j {j}"
                );
            }

            // Decoding from the last k symbols of the codeword gives the source back.
            let symbols: Vec<(u16, &[u8])> = (n - k..n)
                .map(|p| (p, &codeword[usize::from(p) * su..][..su]))
                .collect();
            let mut out = vec![0u8; (usize::from(k) - 1) * stride + su];
            let mut decoder = RsDecoder::new(k, n, size).expect("valid");
            decoder
                .decode_into(&symbols, &mut out, stride)
                .expect("decodes");
            for i in 0..usize::from(k) {
                assert_eq!(
                    &out[i * stride..][..su],
                    &source[i * su..][..su],
                    "s {s}, i {i}"
                );
            }
            assert_eq!(decoder.decode(symbols).expect("decodes"), source);
        }
    }
}
