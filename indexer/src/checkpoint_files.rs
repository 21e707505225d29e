//! Checkpoint files in Sui's remote-store format: a directory of `{seq}.binpb.zst`, each the
//! zstd-compressed protobuf of one `sui.rpc.v2.Checkpoint`.
//!
//! [`CheckpointWriter`] writes them (each file complete and fsynced before it appears under
//! its final name, so a reader never sees half a checkpoint); [`CheckpointFiles`] is a
//! [`CheckpointSource`] over such a directory, waiting for files that do not exist yet; and
//! [`export`] copies checkpoints from any source into a directory.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use sui_rpc::proto::sui::rpc::v2 as rpc;

use crate::chain::{Checkpoint, CheckpointSource, Id, SourceError};
use crate::limits::{self, LimitError, ReadError};
use crate::localnet::store::write_atomic;
use crate::proto;

/// The file name of checkpoint `seq`.
pub fn file_name(seq: u64) -> String {
    format!("{seq}.binpb.zst")
}

/// The sequence number a checkpoint file name stands for: `{seq}.binpb.zst` exactly, `seq` in
/// decimal digits only (no sign, no leading zero but in `0`) and within `u64`. Any other name
/// is not a checkpoint file.
pub fn parse_file_name(name: &str) -> Option<u64> {
    let digits = name.strip_suffix(".binpb.zst")?;
    let canonical = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    canonical.then(|| digits.parse().ok()).flatten()
}

/// The zstd level of written files (Sui's archives use the default level too).
const ZSTD_LEVEL: i32 = 3;

/// Reads and parses one checkpoint file, within the limits of [`crate::limits`]: a regular
/// file of at most [`limits::MAX_CHECKPOINT_FILE_BYTES`], decompressing to at most
/// [`limits::MAX_CHECKPOINT_BYTES`] (the decoder stops there), whose protobuf fits the
/// checkpoint budget before it is decoded. A refusal is [`SourceError::Refused`], naming the
/// file and the limit.
pub fn read_file(path: &Path) -> Result<rpc::Checkpoint, SourceError> {
    let what = path.display().to_string();
    let compressed = match limits::read_regular_file(path, limits::MAX_CHECKPOINT_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(ReadError::Io { source, .. }) => return Err(SourceError::Io(source)),
        Err(ReadError::Refused(e)) => return Err(e.into()),
    };
    let bytes = decompress(&compressed, &what)?;
    proto::decode(&bytes, &what).map_err(|e| match e {
        LimitError::Malformed { reason, .. } => SourceError::Malformed {
            what,
            reason: format!("not a sui.rpc.v2.Checkpoint: {reason}"),
        },
        e => e.into(),
    })
}

/// Decompresses a checkpoint file's zstd frames, stopping past [`limits::MAX_CHECKPOINT_BYTES`].
fn decompress(compressed: &[u8], what: &str) -> Result<Vec<u8>, SourceError> {
    let malformed = |e: io::Error| SourceError::Malformed {
        what: what.to_owned(),
        reason: format!("not zstd: {e}"),
    };
    let mut decoder = zstd::stream::read::Decoder::with_buffer(compressed).map_err(malformed)?;
    decoder
        .window_log_max(limits::MAX_ZSTD_WINDOW_LOG)
        .map_err(malformed)?;
    let limit = limits::MAX_CHECKPOINT_BYTES as u64;
    let mut bytes = Vec::new();
    decoder
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(malformed)?;
    if bytes.len() as u64 > limit {
        return Err(LimitError::TooLarge {
            what: format!("{what} (decompressed)"),
            limit,
        }
        .into());
    }
    Ok(bytes)
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

    /// The checkpoint files of the directory by name: checkpoints `0..next` all have a file,
    /// and `stray` lists the other `*.binpb.zst` names (past a gap, or not a canonical
    /// checkpoint file name), which a reader never reads.
    pub fn list(&self) -> Result<Listing, SourceError> {
        let mut present = std::collections::BTreeSet::new();
        let mut stray = Vec::new();
        for entry in std::fs::read_dir(&self.dir)? {
            let name = entry?.file_name();
            let Some(name) = name.to_str() else { continue };
            match parse_file_name(name) {
                Some(seq) => {
                    present.insert(seq);
                }
                None if name.ends_with(".binpb.zst") => stray.push(name.to_owned()),
                None => {}
            }
        }
        let mut next = 0;
        while present.remove(&next) {
            next += 1;
        }
        stray.extend(present.into_iter().map(file_name));
        stray.sort();
        Ok(Listing { next, stray })
    }

    /// Where an export into the directory resumes: the end of its valid contiguous prefix, the
    /// first `k` such that checkpoints `0..k` all have a file that reads as its checkpoint.
    /// Stray files (see [`CheckpointFiles::list`]) and an invalid file (which the export
    /// writes again) are reported as warnings.
    pub fn resume_point(&self) -> Result<u64, SourceError> {
        let listing = match self.list() {
            Err(SourceError::Io(e)) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
            r => r?,
        };
        listing.warn(&self.dir);
        for seq in 0..listing.next {
            match self.try_checkpoint(seq) {
                Ok(Some(_)) => {}
                Ok(None) => return Ok(seq),
                Err(e) => {
                    tracing::warn!("{e}: checkpoint {seq} is written again from here");
                    return Ok(seq);
                }
            }
        }
        Ok(listing.next)
    }
}

/// The checkpoint files of a directory (see [`CheckpointFiles::list`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// Checkpoints `0..next` all have a file.
    pub next: u64,
    /// The other `*.binpb.zst` file names, sorted.
    pub stray: Vec<String>,
}

impl Listing {
    fn warn(&self, dir: &Path) {
        for name in &self.stray {
            tracing::warn!(
                "ignoring {}: not part of the contiguous checkpoints 0..{} of {}",
                dir.join(name).display(),
                self.next,
                dir.display()
            );
        }
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

    /// The last checkpoint of the contiguous prefix `0..k` of files (stray files past a gap
    /// are ignored and reported as warnings).
    async fn latest_sequence(&self) -> Result<Option<u64>, SourceError> {
        match self.list() {
            Err(SourceError::Io(e)) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
            Ok(listing) => {
                listing.warn(&self.dir);
                Ok(listing.next.checked_sub(1))
            }
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
