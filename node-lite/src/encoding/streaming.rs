//! Encoding and decoding blobs of any size RS2 allows within a fixed memory budget.
//!
//! [`encode_stream`] produces exactly what [`encode`](super::encode) produces (blob ID,
//! metadata, every sliver), but holds neither the blob nor its expansion: it reads the blob from
//! a file or a stream and hands the slivers to a [`SliverSink`] (a directory of sliver files
//! with [`SliverDirWriter`], an uploader, or nothing at all for [`blob_metadata`]), with memory
//! bounded by [`StreamingOptions::memory_budget`] whatever the blob's size. It uses the same
//! kernels as the in-memory encoder: the Reed–Solomon engine (segment by segment, see
//! [`MAX_SEGMENT_BYTES`](super::rs::MAX_SEGMENT_BYTES)), the batched leaf and inner-node hashing
//! and the Merkle trees.
//!
//! How the work is scheduled (RS2 expands the `k_p × k_s` message matrix's rows with the
//! secondary code, then every column of the result with the primary code):
//!
//! 1. **Rows.** The worker threads claim bands of source rows. Each reads its rows (a row is
//!    `k_s` consecutive symbols of the blob, zero-padded at the end), expands them with the
//!    secondary code, hashes the `n` symbols of each expanded row as Merkle leaves and builds the
//!    row's tree at once (the primary hashes of pairs `0..k_p`). The rows go to the sink as
//!    primary slivers `0..k_p`; the rows' repair symbols (`k_p × (n - k_s)` symbols, about half
//!    the blob) are kept for step 2, with the leaf hashes of these first `k_p` rows.
//! 2. **Column stripes.** The workers claim stripes of columns. For each column they gather its
//!    `k_p` symbols (from the blob for the first `k_s` columns, from the kept repair symbols for
//!    the others), expand it with the primary code, hash the `n - k_p` new symbols, and build the
//!    column's tree from the kept leaf hashes of its first `k_p` symbols and the new ones (the
//!    secondary hashes). The column goes to the sink as a secondary sliver, and its new symbols
//!    as pieces of primary slivers `k_p..n` (complete once every stripe is done).
//! 3. **Repair rows' trees.** Rows `k_p..n` got one leaf hash per column in step 2; their trees
//!    are built at the end, and the blob ID from all `2n` roots.
//!
//! What is read twice: the blob (by rows, then by column stripes) and the rows' repair symbols
//! (written once, read once by column stripes). When the blob, its repair symbols and the
//! buffers fit in the budget, all of this stays in memory and the blob is read once; otherwise
//! the blob is read again from its file (a stream is first copied to a scratch file) and the
//! repair symbols go through a scratch file, deleted when the encoder returns. Nothing is hashed
//! twice: the leaf hashes of the first `k_p` rows (`k_p · n` digests) serve both their rows and
//! the columns, and those of the other rows (`(n - k_p) · n` digests) are kept for step 3, so
//! `32 n²` bytes (32 MB at n = 1000) are the part of memory that depends on the committee size
//! rather than on the budget.
//!
//! [`decode_to_file`] is the other direction: it verifies every sliver it uses against the
//! metadata, one at a time, then decodes stripe by stripe, writing the blob to a file as it
//! goes (slivers are read twice: once to verify, once to decode).

mod decoder;
mod encoder;
mod file_io;
mod plan;
mod sink;
pub mod sliver_dir;

use std::{io, path::PathBuf};

pub use decoder::{decode_to_file, StreamDecodeReport};
pub use encoder::{blob_metadata, encode_stream, BlobInput};
pub use file_io::ReadAt;
pub use plan::{in_memory_decode_bytes, in_memory_encode_bytes};
pub use sink::{BlobShape, SliverSink};
pub use sliver_dir::{RejectedFile, SliverDir, SliverDirWriter, SliverFile};

use super::{
    errors::{DecodeError, EncodingConfigError},
    rs::RsError,
};

/// The default memory budget: 2 GiB.
pub const DEFAULT_MEMORY_BUDGET: u64 = 2 << 30;

/// How the streaming encoder and decoder may use the machine.
#[derive(Debug, Clone)]
pub struct StreamingOptions {
    /// Most bytes of memory the encoder's and decoder's buffers may take together (the process
    /// adds its own code and stacks).
    pub memory_budget: u64,
    /// Directory for scratch files, when the data does not fit in the budget.
    pub scratch_dir: PathBuf,
    /// Worker threads; `None` for every available core (one for small blobs).
    pub threads: Option<usize>,
    /// Encode through scratch files even when everything would fit in memory (to test and
    /// measure that path on small blobs).
    pub force_scratch: bool,
}

impl Default for StreamingOptions {
    fn default() -> Self {
        Self {
            memory_budget: DEFAULT_MEMORY_BUDGET,
            scratch_dir: std::env::temp_dir(),
            threads: None,
            force_scratch: false,
        }
    }
}

/// Why streaming encoding or decoding failed.
#[derive(Debug, thiserror::Error)]
pub enum StreamingError {
    /// The blob does not fit the committee's encoding (too large, or bad parameters).
    #[error(transparent)]
    Config(#[from] EncodingConfigError),
    /// Decoding failed: bad metadata, too few valid slivers, or a Reed–Solomon failure.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The Reed–Solomon library refused the code's parameters or the symbols given.
    #[error("Reed–Solomon: {0}")]
    ReedSolomon(#[from] RsError),
    /// The budget cannot hold even the smallest plan.
    #[error(
        "a memory budget of {budget} bytes is too small for {what}: at least {needed} bytes are \
         needed"
    )]
    BudgetTooSmall {
        /// The budget given.
        budget: u64,
        /// The least the job needs.
        needed: u64,
        /// The job.
        what: String,
    },
    /// Reading or writing a file or stream failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being read or written.
        what: String,
        /// The error.
        source: io::Error,
    },
    /// A file is not what it should be (metadata that does not parse or verify).
    #[error("{}: {reason}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The input is not what it was when the encoder started (a file shrank while read).
    #[error("the input changed while it was encoded: {0}")]
    InputChanged(String),
}

impl StreamingError {
    /// An I/O error while doing `what`.
    pub fn io(what: impl Into<String>, source: io::Error) -> Self {
        Self::Io {
            what: what.into(),
            source,
        }
    }
}
