//! A directory of sliver files, as `floe encode` writes it and `floe decode` reads it:
//! `metadata.bcs` (the [`BlobMetadataWithId`] BCS a storage node serves), `primary/{index}.bcs`
//! and `secondary/{index}.bcs` (the [`SliverData`] BCS of each sliver, named by its index on its
//! axis) and `blob.json` (a summary for people).

use std::{
    fs::{self, File, OpenOptions},
    io,
    marker::PhantomData,
    os::unix::fs::FileExt,
    path::{Path, PathBuf},
};

use floe_indexer::limits::{open_regular_file, read_regular_file, ReadError};

use super::{file_io::write_all_vectored_at, sink::BlobShape, SliverSink, StreamingError};
use crate::{
    durable::{sync_filesystem, write_file_durably},
    encoding::{
        axis::{Axis, EncodingAxis, Primary, Secondary},
        blob_encoding::EncodedBlob,
        config::EncodingConfig,
        index::SliverIndex,
        metadata::BlobMetadataWithId,
        slivers::{sliver_bcs_frame, SliverData},
    },
};

/// Largest `metadata.bcs`, bytes: 8 MiB. The blob ID (32), the encoding type and length (a few
/// bytes) and a pair of 33-byte hashes per shard: under 4.4 MB for the most shards a `u16`
/// can count.
pub const MAX_METADATA_BYTES: u64 = 8 << 20;

/// The metadata file's name.
pub const METADATA_FILE: &str = "metadata.bcs";

/// The path of sliver `index` of `axis` under `dir`.
pub fn sliver_path(dir: &Path, axis: Axis, index: SliverIndex) -> PathBuf {
    dir.join(axis.name()).join(format!("{index}.bcs"))
}

/// Which slivers a [`SliverDirWriter`] keeps.
type Selection = Box<dyn Fn(Axis, SliverIndex) -> bool + Send + Sync>;

/// Writes a blob's slivers into a directory, as a [`SliverSink`] for
/// [`encode_stream`](super::encode_stream) or whole from an [`EncodedBlob`].
///
/// Sliver files are created at their final size with their BCS framing in [`begin`](SliverSink::begin)
/// and filled in place; [`finish`](SliverSink::finish) flushes them to disk, then writes
/// `metadata.bcs` and `blob.json` durably. A directory without `metadata.bcs` is therefore an
/// unfinished one.
pub struct SliverDirWriter {
    dir: PathBuf,
    select: Option<Selection>,
    /// Primary slivers `0..n`, then secondary `0..n`; `None` where not selected.
    files: Vec<Option<File>>,
    /// Bytes of BCS framing before the data, per axis (primary, secondary).
    heads: [u64; 2],
    shape: Option<BlobShape>,
}

impl SliverDirWriter {
    /// A writer into `dir`, created if missing; an existing directory must be empty.
    pub fn create(dir: &Path) -> io::Result<Self> {
        if dir.exists() && fs::read_dir(dir)?.next().is_some() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("output directory {} is not empty", dir.display()),
            ));
        }
        fs::create_dir_all(dir)?;
        Ok(Self {
            dir: dir.to_owned(),
            select: None,
            files: Vec::new(),
            heads: [0; 2],
            shape: None,
        })
    }

    /// Keeps only the slivers `select` accepts; the others are not written.
    pub fn with_selection(
        mut self,
        select: impl Fn(Axis, SliverIndex) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.select = Some(Box::new(select));
        self
    }

    /// Writes all of an in-memory encoding: metadata and every (selected) sliver.
    pub fn write_encoded(mut self, encoded: &EncodedBlob) -> io::Result<()> {
        let shape = BlobShape::new(
            encoded.config(),
            encoded.metadata().metadata.unencoded_length(),
        )
        .map_err(io::Error::other)?;
        self.begin(&shape)?;
        for i in 0..encoded.config().n_shards() {
            let index = SliverIndex(i);
            self.write(
                Axis::Primary,
                index,
                0,
                &[encoded.sliver_bytes::<Primary>(index)],
            )?;
            self.write(
                Axis::Secondary,
                index,
                0,
                &[encoded.sliver_bytes::<Secondary>(index)],
            )?;
        }
        self.finish(encoded.metadata())
    }

    fn slot(axis: Axis, index: SliverIndex, n: usize) -> usize {
        match axis {
            Axis::Primary => index.as_usize(),
            Axis::Secondary => n + index.as_usize(),
        }
    }

    fn head(&self, axis: Axis) -> u64 {
        self.heads[usize::from(axis == Axis::Secondary)]
    }
}

impl SliverSink for SliverDirWriter {
    fn begin(&mut self, shape: &BlobShape) -> io::Result<()> {
        let n = shape.config().n_shards();
        self.files = Vec::with_capacity(2 * usize::from(n));
        for axis in [Axis::Primary, Axis::Secondary] {
            let axis_dir = self.dir.join(axis.name());
            fs::create_dir_all(&axis_dir)
                .map_err(|e| named(e, &format!("cannot create {}", axis_dir.display())))?;
            let len = shape.sliver_len(axis);
            for i in 0..n {
                let index = SliverIndex(i);
                if !self.select.as_ref().is_none_or(|keep| keep(axis, index)) {
                    self.files.push(None);
                    continue;
                }
                let (head, tail) =
                    sliver_bcs_frame(len, shape.symbol_size(), index).map_err(io::Error::other)?;
                self.heads[usize::from(axis == Axis::Secondary)] = head.len() as u64;
                let path = sliver_path(&self.dir, axis, index);
                let create = || -> io::Result<File> {
                    let file = OpenOptions::new()
                        .read(true)
                        .write(true)
                        .create_new(true)
                        .open(&path)?;
                    let total = (head.len() + len + tail.len()) as u64;
                    file.set_len(total)?;
                    file.write_all_at(&head, 0)?;
                    file.write_all_at(&tail, total - tail.len() as u64)?;
                    Ok(file)
                };
                let file =
                    create().map_err(|e| named(e, &format!("cannot write {}", path.display())))?;
                self.files.push(Some(file));
            }
        }
        self.shape = Some(*shape);
        Ok(())
    }

    fn write(
        &self,
        axis: Axis,
        index: SliverIndex,
        offset: usize,
        parts: &[&[u8]],
    ) -> io::Result<()> {
        let shape = self
            .shape
            .as_ref()
            .ok_or_else(|| io::Error::other("sliver written before the writer began"))?;
        let len: usize = parts.iter().map(|p| p.len()).sum();
        if index.get() >= shape.config().n_shards() || offset + len > shape.sliver_len(axis) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{len} bytes at {offset} do not fit {axis} sliver {index}"),
            ));
        }
        let Some(file) = &self.files[Self::slot(axis, index, shape.n())] else {
            return Ok(());
        };
        write_all_vectored_at(file, self.head(axis) + offset as u64, parts).map_err(|e| {
            named(
                e,
                &format!(
                    "cannot write {}",
                    sliver_path(&self.dir, axis, index).display()
                ),
            )
        })
    }

    fn finish(&mut self, metadata: &BlobMetadataWithId) -> io::Result<()> {
        let shape = self
            .shape
            .ok_or_else(|| io::Error::other("finished before the writer began"))?;
        // The slivers reach the disk before the metadata that makes the directory complete.
        self.files.clear();
        sync_filesystem(&self.dir)?;
        write_file_durably(&self.dir.join(METADATA_FILE), &metadata.to_bcs())?;
        let config = shape.config();
        let summary = format!(
            "{{\n  \"blob_id\": \"{}\",\n  \"n_shards\": {},\n  \"unencoded_length\": {},\n  \"symbol_size\": {},\n  \"encoded_length\": {}\n}}\n",
            metadata.blob_id,
            config.n_shards(),
            shape.blob_len(),
            shape.symbol_size(),
            config
                .encoded_blob_len(shape.blob_len())
                .map_err(io::Error::other)?,
        );
        write_file_durably(&self.dir.join("blob.json"), summary.as_bytes())
    }
}

fn named(e: io::Error, what: &str) -> io::Error {
    io::Error::new(e.kind(), format!("{what}: {e}"))
}

/// A directory in the layout above, opened for decoding: its metadata, verified.
#[derive(Debug)]
pub struct SliverDir {
    dir: PathBuf,
    metadata: BlobMetadataWithId,
    shape: BlobShape,
}

/// A sliver file that cannot be used, and why: not a regular file, the wrong size or framing
/// for a sliver of this blob, or (found later) data that does not match the metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedFile {
    /// The file.
    pub path: PathBuf,
    /// The sliver index its name gives, if it gives one.
    pub index: Option<SliverIndex>,
    /// Why it was rejected.
    pub reason: String,
}

impl SliverDir {
    /// Opens `dir`: reads `metadata.bcs` (a regular file of at most [`MAX_METADATA_BYTES`]) and
    /// verifies it (RS2, a supported shard count, a length RS2 encodes, the blob ID derived from
    /// the hashes).
    pub fn open(dir: &Path) -> Result<Self, StreamingError> {
        let path = dir.join(METADATA_FILE);
        let invalid = |reason: String| StreamingError::Invalid {
            path: path.clone(),
            reason,
        };
        let bytes = read_regular_file(&path, MAX_METADATA_BYTES).map_err(|e| match e {
            ReadError::Io { source, .. } => {
                StreamingError::io(format!("cannot read {}", path.display()), source)
            }
            ReadError::Refused(refused) => invalid(refused.to_string()),
        })?;
        let metadata = BlobMetadataWithId::from_bcs(&bytes)
            .map_err(|e| invalid(format!("not valid blob metadata: {e}")))?;
        let n = u16::try_from(metadata.metadata.hashes().len())
            .ok()
            .filter(|n| *n >= 4)
            .ok_or_else(|| invalid("lists an invalid number of sliver pairs".into()))?;
        let config = EncodingConfig::new(n).map_err(|e| invalid(e.to_string()))?;
        metadata
            .verify(&config)
            .map_err(|e| invalid(format!("does not verify: {e}")))?;
        let shape = BlobShape::new(&config, metadata.metadata.unencoded_length())
            .map_err(|e| invalid(e.to_string()))?;
        Ok(Self {
            dir: dir.to_owned(),
            metadata,
            shape,
        })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The verified metadata.
    pub fn metadata(&self) -> &BlobMetadataWithId {
        &self.metadata
    }

    /// The blob's shape.
    pub fn shape(&self) -> &BlobShape {
        &self.shape
    }

    /// The encoding parameters.
    pub fn config(&self) -> &EncodingConfig {
        self.shape.config()
    }

    /// Number of `*.bcs` files under the axis's directory.
    pub fn count<A: EncodingAxis>(&self) -> usize {
        fs::read_dir(self.dir.join(A::NAME)).map_or(0, |entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().ends_with(".bcs"))
                .count()
        })
    }

    /// The sliver files of axis `A` that are there, opened, sorted by index, and those that were
    /// rejected: a `.bcs` file whose name is not an index, that is not a regular file, or whose
    /// size or BCS framing is not that of sliver `index` of this blob is never read past its
    /// framing. Their contents are checked against the metadata when they are used.
    pub fn sliver_files<A: EncodingAxis>(
        &self,
    ) -> Result<(Vec<SliverFile<A>>, Vec<RejectedFile>), StreamingError> {
        let axis_dir = self.dir.join(A::NAME);
        let mut files = Vec::new();
        let mut rejected = Vec::new();
        if !axis_dir.is_dir() {
            return Ok((files, rejected));
        }
        let entries = fs::read_dir(&axis_dir)
            .map_err(|e| StreamingError::io(format!("cannot read {}", axis_dir.display()), e))?;
        for entry in entries {
            let path = entry
                .map_err(|e| StreamingError::io(format!("cannot read {}", axis_dir.display()), e))?
                .path();
            let Some(stem) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".bcs"))
            else {
                continue;
            };
            let index = stem
                .bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| stem.parse::<u16>().ok())
                .flatten()
                .filter(|i| *i < self.config().n_shards() && stem == i.to_string())
                .map(SliverIndex);
            let Some(index) = index else {
                rejected.push(RejectedFile {
                    path,
                    index: None,
                    reason: format!(
                        "the file name is not a {} sliver index below {}",
                        A::NAME,
                        self.config().n_shards()
                    ),
                });
                continue;
            };
            match SliverFile::<A>::open(&path, index, &self.shape) {
                Ok(file) => files.push(file),
                Err(reason) => rejected.push(RejectedFile {
                    path,
                    index: Some(index),
                    reason,
                }),
            }
        }
        files.sort_by_key(|f| f.index);
        Ok((files, rejected))
    }
}

/// An opened sliver file whose size and framing are those of its sliver (its data is checked
/// against the metadata when it is used).
#[derive(Debug)]
pub struct SliverFile<A: EncodingAxis> {
    path: PathBuf,
    file: File,
    index: SliverIndex,
    shape: BlobShape,
    /// Where the data starts in the file.
    data_offset: u64,
    _axis: PhantomData<A>,
}

impl<A: EncodingAxis> SliverFile<A> {
    /// Opens `path` as sliver `index` of the blob of `shape`; the error says why it is not one.
    fn open(path: &Path, index: SliverIndex, shape: &BlobShape) -> Result<Self, String> {
        let len = shape.sliver_len(A::AXIS);
        let (head, tail) =
            sliver_bcs_frame(len, shape.symbol_size(), index).map_err(|e| e.to_string())?;
        let total = (head.len() + len + tail.len()) as u64;
        let (file, size) = open_regular_file(path, total).map_err(|e| e.to_string())?;
        if size != total {
            return Err(format!(
                "{} is {size} bytes, {} sliver {index} of this blob is {total} (truncated)",
                path.display(),
                A::NAME
            ));
        }
        let mut found_head = vec![0u8; head.len()];
        let mut found_tail = [0u8; 4];
        file.read_exact_at(&mut found_head, 0)
            .and_then(|()| file.read_exact_at(&mut found_tail, total - 4))
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if found_head != head || found_tail != tail {
            return Err(format!(
                "{} is not the BCS of {} sliver {index} of this blob (its length, symbol size or \
                 index differ)",
                path.display(),
                A::NAME
            ));
        }
        Ok(Self {
            path: path.to_owned(),
            file,
            index,
            shape: *shape,
            data_offset: head.len() as u64,
            _axis: PhantomData,
        })
    }

    /// The sliver's index on its axis.
    pub fn index(&self) -> SliverIndex {
        self.index
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the whole sliver.
    pub fn read(&self) -> io::Result<SliverData<A>> {
        let mut data = vec![0u8; self.shape.sliver_len(A::AXIS)];
        self.read_at(0, &mut data)?;
        SliverData::new(data, self.shape.symbol_size(), self.index).map_err(io::Error::other)
    }

    /// Fills `buf` from byte `offset` of the sliver's data.
    pub fn read_at(&self, offset: usize, buf: &mut [u8]) -> io::Result<()> {
        if offset + buf.len() > self.shape.sliver_len(A::AXIS) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "read past the end of the sliver",
            ));
        }
        self.file
            .read_exact_at(buf, self.data_offset + offset as u64)
            .map_err(|e| named(e, &format!("cannot read {}", self.path.display())))
    }
}
