//! The ledger's files: `genesis.json` (written once: temp file, fsync, rename, directory
//! fsync) and `ledger.log`, an append-only log of JSON lines, one [`Record`] per line: each
//! applied transaction, and a seal record closing each checkpoint. The log is flushed and
//! fsynced at every seal, so a sealed checkpoint is durable. A crash can leave a torn last
//! line; [`read_log`] reports how many bytes are whole so the caller truncates the rest.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::chain::{Id, Operation};

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "r", rename_all = "snake_case")]
pub enum Record {
    /// An accepted transaction.
    Tx {
        /// Its sender.
        sender: Id,
        /// Its operation.
        op: Operation,
        /// The digest of the Sui transaction it came from (`None`: submitted directly).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sui_digest: Option<Id>,
    },
    /// A Sui transaction the contracts refused: it changed nothing, but like on Sui it is in
    /// the next checkpoint, as failed.
    Failed {
        /// Its sender.
        sender: Id,
        /// Its operation.
        op: Operation,
        /// The digest of the Sui transaction.
        sui_digest: Id,
        /// The abort code.
        code: u64,
        /// The refusal, as the executor described it.
        description: String,
    },
    /// The transactions since the previous seal form checkpoint `seq`.
    Seal {
        /// The checkpoint's sequence number.
        seq: u64,
        /// Its timestamp, ms.
        timestamp_ms: u64,
    },
}

/// Why the ledger's files could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Reading or writing failed.
    #[error("ledger files: {0}")]
    Io(#[from] io::Error),
    /// A file is not what the ledger wrote (line number and reason).
    #[error("corrupt ledger file {path}: {reason}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// Writes `bytes` to `path` atomically and durably: a temporary file in the same directory
/// (removed if anything fails) is written and fsynced, renamed over `path`, and the directory
/// is fsynced. A crash leaves either the old file or the new one, never a torn one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir)
}

/// Fsyncs a directory so a rename or a new file in it is durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// The whole records of a log and the byte length they span (anything after is torn).
pub fn read_log(path: &Path) -> Result<(Vec<Record>, u64), StoreError> {
    let mut bytes = Vec::new();
    match File::open(path) {
        Ok(mut f) => {
            f.read_to_end(&mut bytes)?;
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Vec::new(), 0)),
        Err(e) => return Err(e.into()),
    }
    let mut records = Vec::new();
    let mut good = 0usize;
    let mut line_no = 0usize;
    while let Some(nl) = bytes[good..].iter().position(|b| *b == b'\n') {
        line_no += 1;
        let line = &bytes[good..good + nl];
        let r: Record = serde_json::from_slice(line).map_err(|e| StoreError::Corrupt {
            path: path.to_owned(),
            reason: format!("line {line_no}: {e}"),
        })?;
        records.push(r);
        good += nl + 1;
    }
    Ok((records, good as u64))
}

/// The append side of the log.
pub struct LogWriter {
    file: BufWriter<File>,
    line: Vec<u8>,
}

impl LogWriter {
    /// Opens `path` for appending, first cutting it to `len` bytes (dropping a torn tail).
    pub fn open(path: &Path, len: u64) -> io::Result<Self> {
        let f = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(path)?;
        if f.metadata()?.len() != len {
            tracing::warn!(path = %path.display(), len, "dropping a torn tail of the ledger log");
            f.set_len(len)?;
            f.sync_all()?;
        }
        let mut f = f;
        use std::io::Seek;
        f.seek(io::SeekFrom::Start(len))?;
        if let Some(dir) = path.parent() {
            sync_dir(dir)?;
        }
        Ok(LogWriter {
            file: BufWriter::with_capacity(1 << 20, f),
            line: Vec::with_capacity(256),
        })
    }

    /// Buffers one record.
    pub fn append(&mut self, r: &Record) -> io::Result<()> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, r)?;
        self.line.push(b'\n');
        self.file.write_all(&self.line)
    }

    /// Writes everything buffered and fsyncs it.
    pub fn sync(&mut self) -> io::Result<()> {
        self.file.flush()?;
        self.file.get_ref().sync_data()
    }
}
