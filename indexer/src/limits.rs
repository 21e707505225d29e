//! The resource budget of every input Floe reads from outside: checkpoint files, checkpoints and
//! other messages received over gRPC, and requests to the ledger's gRPC server.
//!
//! Every number is here, as a named constant, with where it comes from. Sui's protocol limits
//! (`sui-protocol-config`, `ProtocolConfig`) are the natural bounds: a checkpoint or transaction
//! beyond them is not one a Sui network produces, so refusing it costs nothing legitimate.
//! An input over a limit is refused with an error naming the input and the limit
//! ([`LimitError`]), before it is decompressed or decoded past the limit: nothing is committed
//! from it, and a server keeps serving its other clients.
//!
//! Protobuf needs a bound on element counts besides bytes: an empty entry of a repeated message
//! field is 2 bytes on the wire but a whole struct in memory (an empty
//! `sui.rpc.v2.ExecutedTransaction` decodes to ~1.8 KB). [`crate::bounded`] therefore counts
//! the entries of every repeated field with the wire primitives before anything is decoded.

/// Largest decompressed (protobuf) size of one checkpoint, bytes: 64 MiB.
///
/// Sui bounds a checkpoint's transactions and effects to `max_checkpoint_size_bytes` = 30 MiB
/// (BCS); the protobuf form adds field framing, digests as base58 text and the events, so
/// twice that (rounded to a power of two) leaves room for any real checkpoint.
pub const MAX_CHECKPOINT_BYTES: usize = 64 << 20;

/// Largest compressed checkpoint file (`{seq}.binpb.zst`), bytes: the decompressed limit
/// (zstd never needs more than a few bytes per 128 KiB block over the input it stores raw).
pub const MAX_CHECKPOINT_FILE_BYTES: u64 = MAX_CHECKPOINT_BYTES as u64 + (1 << 20);

/// Most transactions in one checkpoint: Sui's `max_transactions_per_checkpoint` (10 000).
pub const MAX_TRANSACTIONS_PER_CHECKPOINT: u64 = 10_000;

/// Most events one transaction emits: Sui's `max_num_event_emit` (1024).
pub const MAX_EVENTS_PER_TRANSACTION: u64 = 1024;

/// Most signatures of one transaction: one per required signer, and Sui has at most two (the
/// sender and a gas sponsor; a multisig is one signature).
pub const MAX_SIGNATURES_PER_TRANSACTION: u64 = 2;

/// Most commands of one programmable transaction: Sui's `max_programmable_tx_commands` (1024).
pub const MAX_COMMANDS_PER_TRANSACTION: u64 = 1024;

/// Most entries of all repeated fields of one checkpoint together (transactions, events,
/// commands, inputs, changed objects, strings, numbers, at every depth): 2^20.
///
/// A checkpoint at the limits above has at most 10 000 transactions with a few tens of
/// entries each under Floe's read mask; 2^20 leaves room for a full node's full checkpoint
/// data. Each entry decodes to at most [`MAX_ENTRY_DECODED_BYTES`], which bounds the decoded
/// size of an accepted checkpoint by input bytes + 2^20 × that.
pub const MAX_ENTRIES_PER_CHECKPOINT: u64 = 1 << 20;

/// Upper bound on the memory one repeated entry of a Sui gRPC message takes once decoded,
/// bytes, besides its own payload bytes (the largest generated struct, an
/// `ExecutedTransaction`, is under 2 KiB; a test checks it). Transactions are further bounded
/// by [`MAX_TRANSACTIONS_PER_CHECKPOINT`].
pub const MAX_ENTRY_DECODED_BYTES: usize = 2 << 10;

/// Largest gRPC request the ledger's server decodes, bytes: 1 MiB. The largest request is an
/// `ExecuteTransaction`: Sui bounds a transaction to `max_tx_size_bytes` = 128 KiB, and its
/// signatures are a few hundred bytes; the rest of the services take a few fields.
pub const MAX_REQUEST_BYTES: usize = 1 << 20;

/// Most entries of all repeated fields of one gRPC request together: 2^14 (a programmable
/// transaction has at most 1024 commands and 2048 inputs, and a Floe transaction a handful).
pub const MAX_ENTRIES_PER_REQUEST: u64 = 1 << 14;

/// Largest gRPC response [`crate::grpc::GrpcSource`] decodes, bytes: one checkpoint and its
/// envelope.
pub const MAX_RESPONSE_BYTES: usize = MAX_CHECKPOINT_BYTES + (1 << 20);

/// The zstd window a checkpoint file may ask for, log2 bytes: 2^26 = 64 MiB, the decompressed
/// limit (a compressor never needs a window larger than its input; zstd's default cap is 2^27).
pub const MAX_ZSTD_WINDOW_LOG: u32 = 26;

/// Why an input is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    /// The input is larger than its limit.
    #[error("{what} is too large: the limit is {limit} bytes")]
    TooLarge {
        /// The input (a file path, a gRPC method, a message type).
        what: String,
        /// The limit, bytes.
        limit: u64,
    },
    /// A repeated field has more entries than its limit.
    #[error("{what}: field `{field}` has more than {limit} entries")]
    TooMany {
        /// The input.
        what: String,
        /// The field (message type and field name), or `all repeated fields` for the total.
        field: String,
        /// The limit.
        limit: u64,
    },
    /// The input is not protobuf of its type (it would not decode either).
    #[error("{what} is not valid protobuf: {reason}")]
    Malformed {
        /// The input.
        what: String,
        /// What is wrong.
        reason: String,
    },
    /// The input is not a regular file where one is expected.
    #[error("{what} is not a regular file")]
    NotAFile {
        /// The path.
        what: String,
    },
}

/// Why a file from outside could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The file is over a limit, or not a regular file.
    #[error(transparent)]
    Refused(#[from] LimitError),
}

/// Opens `path` for reading if it is a regular file (after following symbolic links) of at most
/// `max` bytes, and returns it with its length. A FIFO, a device or a directory is refused
/// without blocking on it: the file is opened non-blocking and checked on the open descriptor,
/// so it cannot be swapped in between.
pub fn open_regular_file(
    path: &std::path::Path,
    max: u64,
) -> Result<(std::fs::File, u64), ReadError> {
    use std::os::unix::fs::OpenOptionsExt;
    let what = path.display().to_string();
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|source| ReadError::Io {
            path: what.clone(),
            source,
        })?;
    let metadata = file.metadata().map_err(|source| ReadError::Io {
        path: what.clone(),
        source,
    })?;
    if !metadata.is_file() {
        return Err(LimitError::NotAFile { what }.into());
    }
    if metadata.len() > max {
        return Err(LimitError::TooLarge { what, limit: max }.into());
    }
    Ok((file, metadata.len()))
}

/// Reads `path` whole if it is a regular file of at most `max` bytes ([`open_regular_file`]'s
/// checks); at most `max` + 1 bytes are ever read, even from a file that grows.
pub fn read_regular_file(path: &std::path::Path, max: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let (file, len) = open_regular_file(path, max)?;
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| ReadError::Io {
            path: path.display().to_string(),
            source,
        })?;
    if bytes.len() as u64 > max {
        return Err(LimitError::TooLarge {
            what: path.display().to_string(),
            limit: max,
        }
        .into());
    }
    Ok(bytes)
}
