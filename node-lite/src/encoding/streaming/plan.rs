//! How much of the work fits in the memory budget: where the blob's rows are kept, how many
//! threads work, and how many rows or columns each claims at a time.

use super::{sink::BlobShape, StreamingError};
use crate::encoding::{
    config::{EncodingConfig, DIGEST_LEN},
    errors::EncodingConfigError,
    rs::segments,
};

/// The part of the budget the plan fills: 1/16 is left for what it does not count (allocator
/// slack, small vectors).
fn usable(budget: u64) -> u64 {
    budget - budget / 16
}

/// The smallest budget whose [`usable`] part holds `bytes`.
fn budget_for(bytes: u64) -> u64 {
    let mut budget = bytes + bytes / 15;
    while usable(budget) < bytes {
        budget += 1;
    }
    budget
}

/// Bytes of one Reed–Solomon encoder or decoder for codewords of `n` symbols: the library's
/// work buffers hold at most about `2 · next_pow2(n)` segments, and a coder keeps one per
/// segment length (at most two).
pub(super) fn coder_bytes(shape: &BlobShape) -> u64 {
    let segment = segments(shape.s()).next().map_or(0, |r| r.len()) as u64;
    2 * 2 * (shape.n().next_power_of_two() as u64) * segment
}

/// Where the source rows (the blob and the rows' repair symbols) are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Storage {
    /// In memory: the blob is read once.
    Memory,
    /// The blob is read again from its file, the repair symbols go through a scratch file.
    Scratch,
}

/// The encoder's plan.
#[derive(Debug, Clone, Copy)]
pub(super) struct EncodePlan {
    pub storage: Storage,
    pub threads: usize,
    /// Rows a worker claims at a time in the first pass.
    pub row_unit: usize,
    /// Columns a worker claims at a time in the second pass.
    pub column_unit: usize,
    /// Bytes of memory the plan counts on at most.
    pub bytes: u64,
}

/// Rows claimed at a time at most (rows of small symbols are short; beyond a few MiB per claim
/// nothing is gained).
const MAX_ROW_UNIT: usize = 8;
/// Columns claimed at a time at most.
const MAX_COLUMN_UNIT: usize = 32;
/// Bytes a claim's reads aim at, per row or per column stripe row.
const CLAIM_BYTES: usize = 256 << 10;

impl EncodePlan {
    /// The plan for `shape` within `budget` bytes on at most `threads` threads: in memory if
    /// that fits (and `force_scratch` is off), else through scratch files; fewer threads and
    /// smaller claims before giving up.
    pub(super) fn new(
        shape: &BlobShape,
        budget: u64,
        threads: usize,
        force_scratch: bool,
    ) -> Result<Self, StreamingError> {
        let storages: &[Storage] = if force_scratch {
            &[Storage::Scratch]
        } else {
            &[Storage::Memory, Storage::Scratch]
        };
        let limit = usable(budget);
        for &storage in storages {
            for threads in (1..=threads.max(1)).rev() {
                let (n, s) = (shape.n(), shape.s());
                let mut row_unit = CLAIM_BYTES.div_ceil(shape.k_s() * s).clamp(1, MAX_ROW_UNIT);
                let mut column_unit = CLAIM_BYTES.div_ceil(s).clamp(1, MAX_COLUMN_UNIT).min(n);
                loop {
                    let plan = Self {
                        storage,
                        threads,
                        row_unit,
                        column_unit,
                        bytes: 0,
                    };
                    let bytes = plan.bytes_for(shape);
                    if bytes <= limit {
                        return Ok(Self { bytes, ..plan });
                    }
                    if row_unit == 1 && column_unit == 1 {
                        break;
                    }
                    row_unit = row_unit.div_ceil(2);
                    column_unit = column_unit.div_ceil(2);
                }
            }
        }
        let least = Self {
            storage: Storage::Scratch,
            threads: 1,
            row_unit: 1,
            column_unit: 1,
            bytes: 0,
        };
        Err(StreamingError::BudgetTooSmall {
            budget,
            needed: budget_for(least.bytes_for(shape)),
            what: format!(
                "{} shards and symbols of {} bytes",
                shape.n(),
                shape.symbol_size()
            ),
        })
    }

    /// The memory this plan takes for `shape`, in bytes.
    fn bytes_for(&self, shape: &BlobShape) -> u64 {
        let (n, k_p, s) = (shape.n() as u64, shape.k_p() as u64, shape.s() as u64);
        let digest = DIGEST_LEN as u64;
        // Leaf hashes of the whole matrix, and the roots.
        let fixed = n * n * digest + 4 * n * digest;
        let stored = match self.storage {
            Storage::Memory => k_p * n * s,
            Storage::Scratch => 0,
        };
        let scratch = self.storage == Storage::Scratch;
        let rows = self.row_unit as u64;
        let row_pass =
            coder_bytes(shape) + rows * n * digest + if scratch { rows * n * s } else { 0 };
        let columns = self.column_unit as u64;
        let column_pass = coder_bytes(shape)
            + n * digest
            + columns * (n - k_p) * s
            + if scratch { columns * k_p * s } else { 0 };
        fixed + stored + self.threads as u64 * row_pass.max(column_pass)
    }
}

/// The longest blob whose encoding fits in memory under `budget` (a stream up to this length is
/// read into memory; a longer one is copied to a scratch file), found by bisection on the plan.
pub(super) fn longest_in_memory(config: &EncodingConfig, budget: u64, threads: usize) -> u64 {
    let fits = |len: u64| {
        BlobShape::new(config, len)
            .ok()
            .and_then(|shape| EncodePlan::new(&shape, budget, threads, false).ok())
            .is_some_and(|plan| plan.storage == Storage::Memory)
    };
    let (mut low, mut high) = (0u64, config.max_blob_size());
    if !fits(low) {
        return 0;
    }
    if fits(high) {
        return high;
    }
    // fits(low) and !fits(high).
    while high - low > 1 {
        let mid = low + (high - low) / 2;
        if fits(mid) {
            low = mid;
        } else {
            high = mid;
        }
    }
    low
}

/// The decoder's plan: threads, and lines (symbol positions) each claims at a time.
#[derive(Debug, Clone, Copy)]
pub(super) struct DecodePlan {
    pub threads: usize,
    pub line_unit: usize,
}

impl DecodePlan {
    /// The plan for decoding `shape` from `k` slivers of `sliver_len` bytes each.
    pub(super) fn new(
        shape: &BlobShape,
        k: usize,
        sliver_len: usize,
        budget: u64,
        threads: usize,
    ) -> Result<Self, StreamingError> {
        let limit = usable(budget);
        let (n, s) = (shape.n() as u64, shape.s() as u64);
        // Verifying a sliver holds it and its expansion; decoding a line unit holds `k` symbols
        // per line read and `k` decoded.
        let verify = sliver_len as u64 + n * s + coder_bytes(shape);
        let decode = |unit: u64| 2 * unit * k as u64 * s + coder_bytes(shape);
        for threads in (1..=threads.max(1)).rev() {
            let mut unit = CLAIM_BYTES.div_ceil(shape.s()).clamp(1, MAX_COLUMN_UNIT);
            loop {
                let bytes = threads as u64 * verify.max(decode(unit as u64));
                if bytes <= limit {
                    return Ok(Self {
                        threads,
                        line_unit: unit,
                    });
                }
                if unit == 1 {
                    break;
                }
                unit = unit.div_ceil(2);
            }
        }
        Err(StreamingError::BudgetTooSmall {
            budget,
            needed: budget_for(verify.max(decode(1))),
            what: format!("decoding from slivers of {sliver_len} bytes"),
        })
    }
}

/// Bytes the in-memory encoder ([`encode`](crate::encoding::encode)) holds at its peak for a
/// blob of `len` bytes: all `2n` slivers, and the blob while it is read.
pub fn in_memory_encode_bytes(
    config: &EncodingConfig,
    len: u64,
) -> Result<u64, EncodingConfigError> {
    Ok(config.encoded_slivers_len(len)? + len)
}

/// Bytes the in-memory decoder ([`decode`](crate::encoding::decode)) holds at its peak for a blob
/// of `len` bytes: the slivers it decodes from (about the blob's size), the decoded symbols and
/// the blob.
pub fn in_memory_decode_bytes(
    config: &EncodingConfig,
    len: u64,
) -> Result<u64, EncodingConfigError> {
    let symbol_size = u64::from(config.symbol_size_for(len)?.get());
    Ok(3 * u64::from(config.source_symbols_per_blob()) * symbol_size)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The largest blob at n = 1000 needs about 120 MB (the README's figure), and a 10 GiB one
    /// goes through scratch files within the default budget; a budget between the two sizes
    /// shrinks the claims or the threads rather than failing.
    #[test]
    fn plans_for_the_largest_blobs() {
        let config = EncodingConfig::new(1000).expect("valid n");
        let largest = BlobShape::new(&config, config.max_blob_size()).expect("fits");
        let error = EncodePlan::new(&largest, 64 << 20, 2, false).expect_err("too small");
        let StreamingError::BudgetTooSmall { needed, .. } = error else {
            panic!("{error}");
        };
        assert!((100 << 20..128 << 20).contains(&needed), "{needed}");
        let plan = EncodePlan::new(&largest, needed, 2, false).expect("fits");
        assert_eq!((plan.threads, plan.row_unit, plan.column_unit), (1, 1, 1));

        let ten = BlobShape::new(&config, 10 << 30).expect("fits");
        let plan =
            EncodePlan::new(&ten, super::super::DEFAULT_MEMORY_BUDGET, 2, false).expect("fits");
        assert_eq!(plan.storage, Storage::Scratch);
        assert_eq!(plan.threads, 2);
        assert!(plan.bytes <= super::super::DEFAULT_MEMORY_BUDGET);
        let one = BlobShape::new(&config, 1 << 30).expect("fits");
        let plan =
            EncodePlan::new(&one, super::super::DEFAULT_MEMORY_BUDGET, 2, false).expect("fits");
        assert_eq!(plan.storage, Storage::Memory);
    }
}
