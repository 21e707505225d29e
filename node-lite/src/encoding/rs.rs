//! The systematic Reed–Solomon code over GF(2^16) (`reed-solomon-simd`), as Walrus uses it:
//! symbol `i < k` of a codeword is source symbol `i`, symbol `k + j` is recovery shard `j`.

use super::config::SymbolSize;

/// A Reed–Solomon failure (parameters the library refuses, or too few symbols).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RsError(pub String);

/// A reusable encoder of `k` source symbols into `n` symbols.
pub struct RsEncoder {
    inner: reed_solomon_simd::ReedSolomonEncoder,
    k: usize,
    symbol_size: usize,
}

impl RsEncoder {
    /// An encoder for codewords of `n` symbols with `k < n` source symbols of `symbol_size` bytes.
    pub fn new(k: u16, n: u16, symbol_size: SymbolSize) -> Result<Self, RsError> {
        let inner = reed_solomon_simd::ReedSolomonEncoder::new(
            usize::from(k),
            usize::from(n - k),
            symbol_size.as_usize(),
        )
        .map_err(|e| RsError(e.to_string()))?;
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
        let result = self.inner.encode().map_err(|e| RsError(e.to_string()))?;
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
        let result = self.inner.encode().map_err(|e| RsError(e.to_string()))?;
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
            self.inner
                .add_original_shard(symbol)
                .map_err(|e| RsError(e.to_string()))?;
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

/// A reusable decoder recovering the `k` source symbols of codewords of `n` symbols.
pub struct RsDecoder {
    inner: reed_solomon_simd::ReedSolomonDecoder,
    k: u16,
    n: u16,
    symbol_size: SymbolSize,
}

impl RsDecoder {
    /// A decoder for codewords of `n` symbols with `k < n` source symbols of `symbol_size` bytes.
    pub fn new(k: u16, n: u16, symbol_size: SymbolSize) -> Result<Self, RsError> {
        let inner = reed_solomon_simd::ReedSolomonDecoder::new(
            usize::from(k),
            usize::from(n - k),
            symbol_size.as_usize(),
        )
        .map_err(|e| RsError(e.to_string()))?;
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
        let k = usize::from(self.k);
        let mut source = vec![0u8; k * s];
        let mut have_source = vec![false; k];
        let mut recovery: Vec<(usize, &[u8])> = Vec::new();
        for (position, data) in symbols {
            if data.len() != s || position >= self.n {
                return Err(RsError(format!(
                    "symbol at position {position} has {} bytes (expected {s}) or is out of range",
                    data.len()
                )));
            }
            let position = usize::from(position);
            if position < k {
                source[position * s..(position + 1) * s].copy_from_slice(data);
                have_source[position] = true;
            } else {
                recovery.push((position - k, data));
            }
        }
        let n_source = have_source.iter().filter(|have| **have).count();
        if n_source == k {
            return Ok(source);
        }
        if n_source + recovery.len() < k {
            return Err(RsError(format!(
                "{} symbols given, {k} needed",
                n_source + recovery.len()
            )));
        }
        self.inner
            .reset(k, usize::from(self.n - self.k), s)
            .map_err(|e| RsError(e.to_string()))?;
        for (i, have) in have_source.iter().enumerate() {
            if *have {
                self.inner
                    .add_original_shard(i, &source[i * s..(i + 1) * s])
                    .map_err(|e| RsError(e.to_string()))?;
            }
        }
        for (j, data) in recovery {
            self.inner
                .add_recovery_shard(j, data)
                .map_err(|e| RsError(e.to_string()))?;
        }
        let result = self.inner.decode().map_err(|e| RsError(e.to_string()))?;
        for (i, data) in result.restored_original_iter() {
            source[i * s..(i + 1) * s].copy_from_slice(data);
        }
        drop(result);
        Ok(source)
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
