//! Deterministic sample data for the demo and the benchmarks.

use std::io::{self, Read};

/// `len` pseudo-random bytes from `seed` (xorshift64): the same seed gives the same bytes, so
/// runs can be compared.
pub fn sample_blob(len: usize, seed: u64) -> Vec<u8> {
    let mut out = vec![0u8; len];
    SampleReader::new(len as u64, seed).fill(&mut out);
    out
}

/// The bytes of [`sample_blob`] as a stream, for blobs too large to hold: the same `len` and
/// `seed` give the same bytes.
#[derive(Debug, Clone)]
pub struct SampleReader {
    state: u64,
    /// Bytes of the current 8-byte word not handed out yet (its last ones).
    word: [u8; 8],
    used: usize,
    remaining: u64,
}

impl SampleReader {
    /// A stream of `len` sample bytes from `seed`.
    pub fn new(len: u64, seed: u64) -> Self {
        Self {
            state: seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1,
            word: [0; 8],
            used: 8,
            remaining: len,
        }
    }

    /// Fills the start of `buf` with the next bytes; returns how many (fewer at the end).
    fn fill(&mut self, buf: &mut [u8]) -> usize {
        let n = usize::try_from(self.remaining)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let mut out = &mut buf[..n];
        while !out.is_empty() {
            if self.used == 8 {
                self.state ^= self.state << 13;
                self.state ^= self.state >> 7;
                self.state ^= self.state << 17;
                self.word = self.state.to_le_bytes();
                self.used = 0;
            }
            let take = (8 - self.used).min(out.len());
            out[..take].copy_from_slice(&self.word[self.used..self.used + take]);
            self.used += take;
            out = &mut out[take..];
        }
        self.remaining -= n as u64;
        n
    }
}

impl Read for SampleReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Ok(self.fill(buf))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_is_the_blob_whatever_the_reads() {
        let blob = sample_blob(1001, 7);
        let mut streamed = Vec::new();
        let mut reader = SampleReader::new(1001, 7);
        let mut buf = [0u8; 13];
        loop {
            let n = reader.read(&mut buf).expect("reads");
            if n == 0 {
                break;
            }
            streamed.extend_from_slice(&buf[..n]);
        }
        assert_eq!(streamed, blob);
        assert_ne!(sample_blob(64, 8), blob[..64]);
    }
}
