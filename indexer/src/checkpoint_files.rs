//! Checkpoint files in Sui's remote-store format: a directory of `{seq}.binpb.zst`, each the
//! zstd-compressed protobuf of one `sui.rpc.v2.Checkpoint`.
//!
//! [`CheckpointWriter`] writes them (each file complete and fsynced before it appears under
//! its final name, so a reader never sees half a checkpoint); [`CheckpointFiles`] is a
//! [`CheckpointSource`] over such a directory, waiting for files that do not exist yet; and
//! [`export`] copies checkpoints from any source into a directory.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use sui_rpc::proto::sui::rpc::v2 as rpc;

use crate::chain::{Checkpoint, CheckpointSource, Id, SourceError};
use crate::localnet::store::write_atomic;
use crate::proto;

/// The file name of checkpoint `seq`.
pub fn file_name(seq: u64) -> String {
    format!("{seq}.binpb.zst")
}

/// The zstd level of written files (Sui's archives use the default level too).
const ZSTD_LEVEL: i32 = 3;

/// Reads and parses one checkpoint file.
pub fn read_file(path: &Path) -> Result<rpc::Checkpoint, SourceError> {
    let compressed = std::fs::read(path)?;
    let malformed = |reason: String| SourceError::Malformed {
        what: path.display().to_string(),
        reason,
    };
    let bytes =
        zstd::decode_all(compressed.as_slice()).map_err(|e| malformed(format!("not zstd: {e}")))?;
    proto::decode(&bytes).map_err(|e| malformed(format!("not a sui.rpc.v2.Checkpoint: {e}")))
}

/// Writes checkpoints as `{seq}.binpb.zst` files into a directory.
#[derive(Debug, Clone)]
pub struct CheckpointWriter {
    dir: PathBuf,
    package: Id,
}

impl CheckpointWriter {
    /// A writer into `dir` (created if missing) for checkpoints whose transactions call
    /// `package`.
    pub fn new(dir: &Path, package: Id) -> io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        Ok(CheckpointWriter {
            dir: dir.to_owned(),
            package,
        })
    }

    /// Writes `cp` durably; returns the file's path.
    pub fn write(&self, cp: &Checkpoint) -> io::Result<PathBuf> {
        self.write_proto(&proto::to_proto(cp, &self.package))
    }

    /// Writes a protobuf checkpoint durably; returns the file's path.
    pub fn write_proto(&self, cp: &rpc::Checkpoint) -> io::Result<PathBuf> {
        let seq = cp.sequence_number.ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "a checkpoint without a sequence number has no file name",
            )
        })?;
        let compressed = zstd::encode_all(proto::encode(cp).as_slice(), ZSTD_LEVEL)?;
        let path = self.dir.join(file_name(seq));
        write_atomic(&path, &compressed)?;
        Ok(path)
    }
}

/// A [`CheckpointSource`] over a directory of `{seq}.binpb.zst` files.
#[derive(Debug, Clone)]
pub struct CheckpointFiles {
    dir: PathBuf,
    package: Option<Id>,
    poll: Duration,
}

impl CheckpointFiles {
    /// Reads `dir`, keeping the transactions and events of `package` (all `system` calls if
    /// `None`); a checkpoint not written yet is looked for again every 200 ms.
    pub fn new(dir: &Path, package: Option<Id>) -> Self {
        CheckpointFiles {
            dir: dir.to_owned(),
            package,
            poll: Duration::from_millis(200),
        }
    }

    /// Changes how often a missing file is looked for.
    pub fn with_poll_interval(mut self, poll: Duration) -> Self {
        self.poll = poll;
        self
    }

    /// Reads checkpoint `seq` if its file exists.
    pub fn try_checkpoint(&self, seq: u64) -> Result<Option<Checkpoint>, SourceError> {
        let path = self.dir.join(file_name(seq));
        let cp = match read_file(&path) {
            Ok(cp) => cp,
            Err(SourceError::Io(e)) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let cp =
            proto::from_proto(&cp, self.package.as_ref()).map_err(|e| SourceError::Malformed {
                what: path.display().to_string(),
                reason: e.to_string(),
            })?;
        if cp.sequence_number != seq {
            return Err(SourceError::Malformed {
                what: path.display().to_string(),
                reason: format!("it holds checkpoint {}", cp.sequence_number),
            });
        }
        Ok(Some(cp))
    }

    fn highest(&self) -> Result<Option<u64>, SourceError> {
        let mut highest = None;
        for entry in std::fs::read_dir(&self.dir)? {
            let name = entry?.file_name();
            let seq = name
                .to_str()
                .and_then(|n| n.strip_suffix(".binpb.zst"))
                .and_then(|n| n.parse::<u64>().ok());
            highest = highest.max(seq);
        }
        Ok(highest)
    }
}

impl CheckpointSource for CheckpointFiles {
    async fn checkpoint(&self, seq: u64) -> Result<Arc<Checkpoint>, SourceError> {
        loop {
            if let Some(cp) = self.try_checkpoint(seq)? {
                return Ok(Arc::new(cp));
            }
            tokio::time::sleep(self.poll).await;
        }
    }

    async fn latest_sequence(&self) -> Result<Option<u64>, SourceError> {
        match self.highest() {
            Err(SourceError::Io(e)) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            r => r,
        }
    }
}

/// Copies checkpoints `from..to` (`to` exclusive) of `source` into `writer`'s directory,
/// calling `progress` after each; returns how many were written.
pub async fn export(
    source: &impl CheckpointSource,
    writer: &CheckpointWriter,
    from: u64,
    to: u64,
    mut progress: impl FnMut(u64),
) -> Result<u64, SourceError> {
    for seq in from..to {
        let cp = source.checkpoint(seq).await?;
        writer.write(&cp)?;
        progress(seq);
    }
    Ok(to.saturating_sub(from))
}
