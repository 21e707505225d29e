//! QuiltV1: many small files packed into one blob, byte-compatible with Walrus's quilts.
//!
//! A quilt is an ordinary blob whose bytes are the RS2 message matrix of `k_p` rows by `k_s`
//! columns (row-major, `symbol_size` bytes per cell) for the committee's [`EncodingConfig`].
//! Every file ("patch") occupies a run of whole columns, so it can be read from the secondary
//! slivers of those columns alone. Inside a run, bytes are laid out column by column (all the
//! rows of the first column, then the next column, ...).
//!
//! Layout:
//!
//! - columns `0..c` hold the index: the version byte `0x01`, the index's BCS length as a
//!   `u32` (little-endian) and the BCS of [`QuiltIndex`], in at most
//!   [`MAX_INDEX_COLUMNS`] columns;
//! - then the files, sorted by identifier, each starting at a fresh column with a 6-byte
//!   header (version byte, `u32` LE length of everything after the header, a flags byte whose
//!   bit 0 says tags follow), the identifier's BCS length as `u16` LE and the identifier's BCS,
//!   if tagged the tags' BCS length as `u16` LE and the tags' BCS (a string map), then the data;
//! - every other byte is zero.
//!
//! The symbol size is the smallest even size that fits every run (index included) in the
//! `k_s` columns; it is at most [`MAX_SYMBOL_SIZE`].
//!
//! In the index, each patch is stored as its end column (`u16`), identifier and tags; the start
//! column of a patch is the end of the previous one (the first starts after the index).

use std::{
    collections::{BTreeMap, HashSet},
    fmt,
    str::FromStr,
};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{
    config::{EncodingConfig, MAX_SYMBOL_SIZE, SYMBOL_ALIGNMENT},
    BlobId, Primary, Secondary,
};

/// The version byte of QuiltV1, first byte of the quilt and of every file header.
pub const QUILT_VERSION_V1: u8 = 0x01;

/// The largest number of columns the index may occupy.
pub const MAX_INDEX_COLUMNS: usize = 10;

/// The longest identifier, in UTF-8 bytes (its BCS length must also fit a `u16`).
pub const MAX_IDENTIFIER_LEN: usize = u16::MAX as usize;

/// Bytes before the index's BCS: version byte and `u32` length.
const INDEX_PREFIX_LEN: usize = 1 + 4;

/// Bytes of a file header: version byte, `u32` length, flags byte.
const FILE_HEADER_LEN: usize = 6;

/// Flag bit of a file header: the file has tags.
const FLAG_TAGS: u8 = 1;

/// Why a quilt cannot be built or read.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum QuiltError {
    /// Two files share an identifier.
    #[error("duplicate identifier in quilt: {0:?}")]
    DuplicateIdentifier(String),
    /// An identifier is empty, too long, ends in whitespace or contains control characters.
    #[error("invalid quilt identifier {identifier:?}: {reason}")]
    InvalidIdentifier {
        /// The identifier (possibly long).
        identifier: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// More files than the quilt has columns for (one column per file at least, plus the index).
    #[error("too many files for one quilt: {files}, at most {max} for this committee")]
    TooManyFiles {
        /// Files given.
        files: usize,
        /// The most this committee's quilt can hold.
        max: usize,
    },
    /// The files do not fit one quilt (symbol size above the maximum) or one file is too large.
    #[error("quilt too large: {0}")]
    TooLarge(String),
    /// The quilt's length is not a whole message matrix for this committee.
    #[error(
        "quilt of {len} bytes is not a k_p x k_s matrix of even symbols for {n_shards} shards"
    )]
    BadLength {
        /// Length of the bytes given.
        len: usize,
        /// The committee size.
        n_shards: u16,
    },
    /// The version byte is not QuiltV1's.
    #[error("unsupported quilt version byte {0:#04x} (only QuiltV1 = 0x01)")]
    UnsupportedVersion(u8),
    /// The index cannot be read or is inconsistent with the quilt.
    #[error("corrupt quilt index: {0}")]
    CorruptIndex(String),
    /// A file's bytes in the quilt are inconsistent with its header or the index.
    #[error("corrupt quilt file {identifier:?}: {reason}")]
    CorruptFile {
        /// The identifier the index gives.
        identifier: String,
        /// What is wrong.
        reason: String,
    },
    /// No file with this identifier is in the quilt.
    #[error("no file {0:?} in the quilt")]
    NotFound(String),
}

/// Checks an identifier as Walrus does: non-empty, at most [`MAX_IDENTIFIER_LEN`] bytes, no
/// trailing whitespace, no control characters.
pub fn validate_identifier(identifier: &str) -> Result<(), QuiltError> {
    let reason = if identifier.len() > MAX_IDENTIFIER_LEN {
        "longer than 65535 bytes"
    } else if identifier.is_empty() {
        "empty"
    } else if identifier.trim_end() != identifier {
        "trailing whitespace"
    } else if identifier.chars().any(char::is_control) {
        "control characters"
    } else {
        return Ok(());
    };
    Err(QuiltError::InvalidIdentifier {
        identifier: identifier.to_owned(),
        reason,
    })
}

/// A file to put in a quilt: identifier, tags and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuiltInput<'a> {
    /// The name the file is read back by; unique in the quilt.
    pub identifier: String,
    /// Free-form string tags (e.g. `content-type`).
    pub tags: BTreeMap<String, String>,
    /// The file's bytes.
    pub data: &'a [u8],
}

impl<'a> QuiltInput<'a> {
    /// A file without tags.
    pub fn new(identifier: impl Into<String>, data: &'a [u8]) -> Self {
        Self {
            identifier: identifier.into(),
            tags: BTreeMap::new(),
            data,
        }
    }

    /// The same file with `tags` added.
    pub fn with_tags(mut self, tags: impl IntoIterator<Item = (String, String)>) -> Self {
        self.tags.extend(tags);
        self
    }
}

/// A file read back from a quilt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuiltFile {
    /// Its identifier.
    pub identifier: String,
    /// Its tags.
    pub tags: BTreeMap<String, String>,
    /// Its bytes.
    pub data: Vec<u8>,
}

/// Where one file lies in a quilt: columns `start_index..end_index` (secondary sliver indices).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuiltPatch {
    /// The file's identifier.
    pub identifier: String,
    /// First column of the file.
    pub start_index: u16,
    /// One past the last column of the file.
    pub end_index: u16,
    /// The file's tags.
    pub tags: BTreeMap<String, String>,
}

impl QuiltPatch {
    /// The patch's id in the quilt `quilt_id`.
    pub fn patch_id(&self, quilt_id: BlobId) -> QuiltPatchId {
        QuiltPatchId {
            quilt_id,
            start_index: self.start_index,
            end_index: self.end_index,
        }
    }
}

/// The global id of one file of a quilt, as Walrus writes it: URL-safe base64 without padding
/// of the quilt's blob ID (32 bytes) followed by the QuiltV1 internal id (the version byte,
/// then the start and end columns as `u16` little-endian), 37 bytes in all.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QuiltPatchId {
    /// The quilt's blob ID.
    pub quilt_id: BlobId,
    /// First column of the patch.
    pub start_index: u16,
    /// One past the last column of the patch.
    pub end_index: u16,
}

impl QuiltPatchId {
    /// Length of the binary form.
    pub const LENGTH: usize = BlobId::LENGTH + 5;

    /// The binary form: blob ID, version byte, start and end columns (LE).
    pub fn to_bytes(&self) -> [u8; Self::LENGTH] {
        let mut bytes = [0u8; Self::LENGTH];
        bytes[..BlobId::LENGTH].copy_from_slice(self.quilt_id.as_bytes());
        bytes[BlobId::LENGTH] = QUILT_VERSION_V1;
        bytes[BlobId::LENGTH + 1..BlobId::LENGTH + 3]
            .copy_from_slice(&self.start_index.to_le_bytes());
        bytes[BlobId::LENGTH + 3..].copy_from_slice(&self.end_index.to_le_bytes());
        bytes
    }

    /// Parses the binary form, refusing another length, version or an empty column range.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, InvalidQuiltPatchId> {
        let invalid = |reason: String| InvalidQuiltPatchId {
            id: URL_SAFE_NO_PAD.encode(bytes),
            reason,
        };
        if bytes.len() != Self::LENGTH {
            return Err(invalid(format!(
                "{} bytes, a QuiltV1 patch id has {}",
                bytes.len(),
                Self::LENGTH
            )));
        }
        let (id, internal) = bytes.split_at(BlobId::LENGTH);
        let mut quilt_id = [0u8; BlobId::LENGTH];
        quilt_id.copy_from_slice(id);
        if internal[0] != QUILT_VERSION_V1 {
            return Err(invalid(format!(
                "quilt version byte {:#04x}, only QuiltV1 (0x01) is known",
                internal[0]
            )));
        }
        let start_index = u16::from_le_bytes([internal[1], internal[2]]);
        let end_index = u16::from_le_bytes([internal[3], internal[4]]);
        if end_index <= start_index {
            return Err(invalid(format!(
                "empty column range {start_index}..{end_index}"
            )));
        }
        Ok(Self {
            quilt_id: BlobId(quilt_id),
            start_index,
            end_index,
        })
    }
}

impl fmt::Display for QuiltPatchId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&URL_SAFE_NO_PAD.encode(self.to_bytes()))
    }
}

impl fmt::Debug for QuiltPatchId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "QuiltPatchId({self}: {} columns {}..{})",
            self.quilt_id, self.start_index, self.end_index
        )
    }
}

impl FromStr for QuiltPatchId {
    type Err = InvalidQuiltPatchId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes = URL_SAFE_NO_PAD.decode(s).map_err(|e| InvalidQuiltPatchId {
            id: s.to_owned(),
            reason: format!("not URL-safe base64 without padding ({e})"),
        })?;
        Self::from_bytes(&bytes).map_err(|e| InvalidQuiltPatchId {
            id: s.to_owned(),
            ..e
        })
    }
}

/// A string or byte string that is not a quilt patch id.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid quilt patch id {id:?}: {reason}")]
pub struct InvalidQuiltPatchId {
    /// The id as given (base64 of the bytes when given as bytes).
    pub id: String,
    /// What is wrong with it.
    pub reason: String,
}

/// A patch as BCS stores it in the index (no start column).
#[derive(Serialize, Deserialize)]
struct PatchWire {
    end_index: u16,
    identifier: String,
    tags: BTreeMap<String, String>,
}

/// The index of a QuiltV1: its patches, sorted by identifier (and so by column).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QuiltIndex {
    /// The patches in column order.
    pub patches: Vec<QuiltPatch>,
}

impl QuiltIndex {
    /// The index's BCS, as stored in the quilt (a vector of end column, identifier, tags).
    pub fn to_bcs(&self) -> Vec<u8> {
        let wire: Vec<PatchWire> = self
            .patches
            .iter()
            .map(|p| PatchWire {
                end_index: p.end_index,
                identifier: p.identifier.clone(),
                tags: p.tags.clone(),
            })
            .collect();
        // A vector of structs of integers, strings and string maps always serializes.
        bcs::to_bytes(&wire).unwrap_or_default()
    }

    /// Parses the index's BCS; the first patch starts at column `first_start`.
    pub fn from_bcs(bytes: &[u8], first_start: u16) -> Result<Self, QuiltError> {
        let wire: Vec<PatchWire> =
            bcs::from_bytes(bytes).map_err(|e| QuiltError::CorruptIndex(format!("BCS: {e}")))?;
        let mut start = first_start;
        let patches = wire
            .into_iter()
            .map(|w| {
                let patch = QuiltPatch {
                    identifier: w.identifier,
                    start_index: start,
                    end_index: w.end_index,
                    tags: w.tags,
                };
                start = w.end_index;
                patch
            })
            .collect();
        Ok(Self { patches })
    }

    /// The patch of `identifier`, if any.
    pub fn get(&self, identifier: &str) -> Option<&QuiltPatch> {
        self.patches.iter().find(|p| p.identifier == identifier)
    }
}

/// Shape of a quilt's message matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Matrix {
    n_rows: usize,
    n_columns: usize,
    symbol_size: usize,
}

impl Matrix {
    fn column_size(self) -> usize {
        self.n_rows * self.symbol_size
    }

    fn row_size(self) -> usize {
        self.n_columns * self.symbol_size
    }

    /// Position in the row-major data of byte `offset` of the column-major run starting at
    /// column `start_col`, or `None` past the last column.
    fn position(self, start_col: usize, offset: usize) -> Option<usize> {
        let col = start_col + offset / self.column_size();
        if col >= self.n_columns {
            return None;
        }
        let in_col = offset % self.column_size();
        let row = in_col / self.symbol_size;
        Some(row * self.row_size() + col * self.symbol_size + in_col % self.symbol_size)
    }

    /// Calls `f(position, done, len)` for each piece, within one symbol, of the `total` bytes
    /// of the run starting at `start_col` from byte `offset` of the run (`done` bytes before
    /// it); stops at the first `None` of `f` or past the last column (then `None`).
    fn for_each_piece(
        self,
        start_col: usize,
        offset: usize,
        total: usize,
        mut f: impl FnMut(usize, usize, usize) -> Option<()>,
    ) -> Option<()> {
        let mut done = 0;
        while done < total {
            let at = offset + done;
            let pos = self.position(start_col, at)?;
            let len = (self.symbol_size - at % self.symbol_size).min(total - done);
            f(pos, done, len)?;
            done += len;
        }
        Some(())
    }

    /// Copies `bytes` into the run starting at `start_col`, from byte `offset` of the run
    /// (what falls past the last column is dropped).
    fn write(self, data: &mut [u8], start_col: usize, offset: usize, bytes: &[u8]) {
        let _ = self.for_each_piece(start_col, offset, bytes.len(), |pos, done, len| {
            data[pos..pos + len].copy_from_slice(&bytes[done..done + len]);
            Some(())
        });
    }

    /// Reads `len` bytes of the run of columns `start_col..end_col` from byte `offset` of the
    /// run; `None` if they go past `end_col`.
    fn read(
        self,
        data: &[u8],
        start_col: usize,
        end_col: usize,
        offset: usize,
        len: usize,
    ) -> Option<Vec<u8>> {
        let run_len = end_col
            .checked_sub(start_col)?
            .checked_mul(self.column_size())?;
        if offset.checked_add(len)? > run_len {
            return None;
        }
        let mut out = Vec::with_capacity(len);
        self.for_each_piece(start_col, offset, len, |pos, _, take| {
            out.extend_from_slice(data.get(pos..pos + take)?);
            Some(())
        })?;
        Some(out)
    }
}

/// A quilt built by [`encode_quilt`]: its bytes (the blob to store) and index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedQuilt {
    /// The quilt's bytes: store these as a blob (its blob ID is the quilt's ID).
    pub data: Vec<u8>,
    /// The symbol size chosen (also the RS2 symbol size of the blob).
    pub symbol_size: usize,
    /// Where every file lies.
    pub index: QuiltIndex,
}

/// The bytes written before a file's data: header, identifier and, if any, tags.
fn file_prefix(file: &QuiltInput<'_>) -> Result<Vec<u8>, QuiltError> {
    let id_bcs = bcs::to_bytes(&file.identifier).map_err(|_| QuiltError::InvalidIdentifier {
        identifier: file.identifier.clone(),
        reason: "not BCS-serializable",
    })?;
    // Walrus refuses an identifier whose BCS reaches u16::MAX bytes.
    let id_len = u16::try_from(id_bcs.len())
        .ok()
        .filter(|&l| l < u16::MAX)
        .ok_or_else(|| QuiltError::InvalidIdentifier {
            identifier: file.identifier.clone(),
            reason: "BCS form longer than 65534 bytes",
        })?;
    let mut extensions = Vec::with_capacity(2 + id_bcs.len());
    extensions.extend_from_slice(&id_len.to_le_bytes());
    extensions.extend_from_slice(&id_bcs);
    let mut flags = 0u8;
    if !file.tags.is_empty() {
        flags |= FLAG_TAGS;
        let tags_bcs = bcs::to_bytes(&file.tags)
            .map_err(|e| QuiltError::TooLarge(format!("tags of {:?}: {e}", file.identifier)))?;
        let tags_len = u16::try_from(tags_bcs.len()).map_err(|_| {
            QuiltError::TooLarge(format!(
                "tags of {:?} take {} bytes, at most 65535",
                file.identifier,
                tags_bcs.len()
            ))
        })?;
        extensions.extend_from_slice(&tags_len.to_le_bytes());
        extensions.extend_from_slice(&tags_bcs);
    }
    let body_len = extensions.len() + file.data.len();
    let body_len_u32 = u32::try_from(body_len).map_err(|_| {
        QuiltError::TooLarge(format!(
            "file {:?} takes {body_len} bytes, at most {} in a quilt",
            file.identifier,
            u32::MAX
        ))
    })?;
    let mut prefix = Vec::with_capacity(FILE_HEADER_LEN + extensions.len());
    prefix.push(QUILT_VERSION_V1);
    prefix.extend_from_slice(&body_len_u32.to_le_bytes());
    prefix.push(flags);
    prefix.extend_from_slice(&extensions);
    Ok(prefix)
}

/// Whether runs of `sizes` bytes fit `n_columns` columns of `column_size` bytes.
fn fits(sizes: &[usize], n_columns: usize, column_size: usize) -> bool {
    sizes.iter().map(|s| s.div_ceil(column_size)).sum::<usize>() <= n_columns
}

/// Walrus's symbol size for runs of `sizes` bytes (the index's first): the smallest size that
/// fits, searched between Walrus's bounds, rounded up to an even number.
fn symbol_size_for(sizes: &[usize], n_rows: usize, n_columns: usize) -> Result<usize, QuiltError> {
    if sizes.len() > n_columns {
        return Err(QuiltError::TooManyFiles {
            files: sizes.len() - 1,
            max: n_columns - 1,
        });
    }
    let index_size = sizes.first().copied().unwrap_or(0);
    let largest = sizes.iter().copied().max().unwrap_or(0);
    let total = sizes
        .iter()
        .try_fold(0usize, |acc, &s| acc.checked_add(s))
        .ok_or_else(|| QuiltError::TooLarge("total size overflows".into()))?;
    let mut low = total
        .div_ceil(n_columns * n_rows)
        .max(index_size.div_ceil(n_rows * MAX_INDEX_COLUMNS))
        .max(INDEX_PREFIX_LEN.div_ceil(n_rows));
    let mut high = largest.div_ceil(n_columns / sizes.len().max(1) * n_rows);
    while low < high {
        let mid = low + (high - low) / 2;
        if fits(sizes, n_columns, mid * n_rows) {
            high = mid;
        } else {
            low = mid + 1;
        }
    }
    let symbol_size = low.next_multiple_of(usize::from(SYMBOL_ALIGNMENT));
    if symbol_size > usize::from(MAX_SYMBOL_SIZE) {
        return Err(QuiltError::TooLarge(format!(
            "the files need symbols of {symbol_size} bytes, at most {MAX_SYMBOL_SIZE}"
        )));
    }
    Ok(symbol_size)
}

/// Builds the QuiltV1 of `files` for the committee of `config`, as Walrus does (same bytes,
/// so the same blob ID). Files are placed in identifier order whatever the input order.
pub fn encode_quilt(
    config: &EncodingConfig,
    files: &[QuiltInput<'_>],
) -> Result<EncodedQuilt, QuiltError> {
    let n_rows = usize::from(config.source_symbols::<Primary>());
    let n_columns = usize::from(config.source_symbols::<Secondary>());

    let mut sorted: Vec<&QuiltInput<'_>> = files.iter().collect();
    sorted.sort_by(|a, b| a.identifier.cmp(&b.identifier));
    for pair in sorted.windows(2) {
        if pair[0].identifier == pair[1].identifier {
            return Err(QuiltError::DuplicateIdentifier(pair[0].identifier.clone()));
        }
    }
    for file in &sorted {
        validate_identifier(&file.identifier)?;
    }
    if sorted.len() >= n_columns {
        return Err(QuiltError::TooManyFiles {
            files: sorted.len(),
            max: n_columns - 1,
        });
    }
    let prefixes = sorted
        .iter()
        .map(|f| file_prefix(f))
        .collect::<Result<Vec<_>, _>>()?;

    // The index's size does not depend on the column numbers (fixed-width u16).
    let mut index = QuiltIndex {
        patches: sorted
            .iter()
            .map(|f| QuiltPatch {
                identifier: f.identifier.clone(),
                start_index: 0,
                end_index: 0,
                tags: f.tags.clone(),
            })
            .collect(),
    };
    let index_bcs_len = index.to_bcs().len();
    let index_len_u32 = u32::try_from(index_bcs_len)
        .map_err(|_| QuiltError::TooLarge(format!("index of {index_bcs_len} bytes")))?;
    let index_total = INDEX_PREFIX_LEN + index_bcs_len;

    let sizes: Vec<usize> = std::iter::once(index_total)
        .chain(
            sorted
                .iter()
                .zip(&prefixes)
                .map(|(f, p)| p.len() + f.data.len()),
        )
        .collect();
    let symbol_size = symbol_size_for(&sizes, n_rows, n_columns)?;
    let matrix = Matrix {
        n_rows,
        n_columns,
        symbol_size,
    };
    let column_size = matrix.column_size();
    let index_columns = index_total.div_ceil(column_size);
    if index_columns > MAX_INDEX_COLUMNS {
        return Err(QuiltError::TooLarge(format!(
            "the index needs {index_columns} columns, at most {MAX_INDEX_COLUMNS}"
        )));
    }

    let mut data = vec![0u8; matrix.row_size() * n_rows];
    let mut column = index_columns;
    for ((file, prefix), patch) in sorted.iter().zip(&prefixes).zip(&mut index.patches) {
        matrix.write(&mut data, column, 0, prefix);
        matrix.write(&mut data, column, prefix.len(), file.data);
        let used = (prefix.len() + file.data.len()).div_ceil(column_size);
        let end = column + used;
        patch.start_index = u16::try_from(column)
            .map_err(|_| QuiltError::TooLarge("column index above u16".into()))?;
        patch.end_index = u16::try_from(end)
            .map_err(|_| QuiltError::TooLarge("column index above u16".into()))?;
        column = end;
    }
    if column > n_columns {
        return Err(QuiltError::TooLarge(format!(
            "the files need {column} columns, the committee has {n_columns}"
        )));
    }

    let mut meta = Vec::with_capacity(index_total);
    meta.push(QUILT_VERSION_V1);
    meta.extend_from_slice(&index_len_u32.to_le_bytes());
    meta.extend_from_slice(&index.to_bcs());
    matrix.write(&mut data, 0, 0, &meta);

    Ok(EncodedQuilt {
        data,
        symbol_size,
        index,
    })
}

/// A QuiltV1 read from its bytes: the validated index, and files read on demand.
#[derive(Debug, Clone)]
pub struct Quilt<'a> {
    data: &'a [u8],
    matrix: Matrix,
    index: QuiltIndex,
}

impl<'a> Quilt<'a> {
    /// Reads the index of the quilt `data` for the committee of `config`, refusing malformed
    /// input (wrong length or version, oversized or undecodable index, patches out of order, out
    /// of range, duplicated or with invalid identifiers).
    pub fn from_bytes(config: &EncodingConfig, data: &'a [u8]) -> Result<Self, QuiltError> {
        let n_rows = usize::from(config.source_symbols::<Primary>());
        let n_columns = usize::from(config.source_symbols::<Secondary>());
        let cells = n_rows * n_columns;
        let bad_length = || QuiltError::BadLength {
            len: data.len(),
            n_shards: config.n_shards(),
        };
        let symbol_size = data.len() / cells;
        if data.is_empty()
            || !data.len().is_multiple_of(cells)
            || !symbol_size.is_multiple_of(usize::from(SYMBOL_ALIGNMENT))
            || symbol_size > usize::from(MAX_SYMBOL_SIZE)
        {
            return Err(bad_length());
        }
        let matrix = Matrix {
            n_rows,
            n_columns,
            symbol_size,
        };
        let index_area = n_columns.min(MAX_INDEX_COLUMNS);
        let prefix = matrix
            .read(data, 0, index_area, 0, INDEX_PREFIX_LEN)
            .ok_or_else(|| {
                QuiltError::CorruptIndex("quilt too short for the index prefix".into())
            })?;
        if prefix[0] != QUILT_VERSION_V1 {
            return Err(QuiltError::UnsupportedVersion(prefix[0]));
        }
        let index_len = u32::from_le_bytes([prefix[1], prefix[2], prefix[3], prefix[4]]);
        let index_len = usize::try_from(index_len)
            .map_err(|_| QuiltError::CorruptIndex("index length above usize".into()))?;
        let max_len = (matrix.column_size() * index_area).saturating_sub(INDEX_PREFIX_LEN);
        if index_len > max_len {
            return Err(QuiltError::CorruptIndex(format!(
                "index claims {index_len} bytes, at most {max_len} fit its columns"
            )));
        }
        let index_bcs = matrix
            .read(data, 0, index_area, INDEX_PREFIX_LEN, index_len)
            .ok_or_else(|| QuiltError::CorruptIndex("index runs past its columns".into()))?;
        let index_columns = (INDEX_PREFIX_LEN + index_len).div_ceil(matrix.column_size());
        let first = u16::try_from(index_columns)
            .map_err(|_| QuiltError::CorruptIndex("index spans too many columns".into()))?;
        let index = QuiltIndex::from_bcs(&index_bcs, first)?;

        let mut seen = HashSet::new();
        for patch in &index.patches {
            validate_identifier(&patch.identifier)
                .map_err(|e| QuiltError::CorruptIndex(e.to_string()))?;
            if !seen.insert(patch.identifier.as_str()) {
                return Err(QuiltError::CorruptIndex(format!(
                    "identifier {:?} appears twice",
                    patch.identifier
                )));
            }
            if patch.end_index <= patch.start_index || usize::from(patch.end_index) > n_columns {
                return Err(QuiltError::CorruptIndex(format!(
                    "patch {:?} has columns {}..{} (quilt has {n_columns})",
                    patch.identifier, patch.start_index, patch.end_index
                )));
            }
        }
        Ok(Self {
            data,
            matrix,
            index,
        })
    }

    /// The quilt's index.
    pub fn index(&self) -> &QuiltIndex {
        &self.index
    }

    /// The symbol size of the quilt.
    pub fn symbol_size(&self) -> usize {
        self.matrix.symbol_size
    }

    /// The file `identifier`, read and checked against its header.
    pub fn get(&self, identifier: &str) -> Result<QuiltFile, QuiltError> {
        let patch = self
            .index
            .get(identifier)
            .ok_or_else(|| QuiltError::NotFound(identifier.to_owned()))?;
        self.read_patch(patch)
    }

    /// The file a patch id names (its columns must be a patch of this quilt; the caller checks
    /// that the id's quilt is this one).
    pub fn get_by_patch_id(&self, id: &QuiltPatchId) -> Result<QuiltFile, QuiltError> {
        let patch = self
            .index
            .patches
            .iter()
            .find(|p| p.start_index == id.start_index && p.end_index == id.end_index)
            .ok_or_else(|| {
                QuiltError::NotFound(format!(
                    "patch at columns {}..{}",
                    id.start_index, id.end_index
                ))
            })?;
        self.read_patch(patch)
    }

    /// Every file, in index order.
    pub fn files(&self) -> Result<Vec<QuiltFile>, QuiltError> {
        self.index
            .patches
            .iter()
            .map(|p| self.read_patch(p))
            .collect()
    }

    /// The files whose tag `key` has the value `value`.
    pub fn files_with_tag(&self, key: &str, value: &str) -> Result<Vec<QuiltFile>, QuiltError> {
        self.index
            .patches
            .iter()
            .filter(|p| p.tags.get(key).map(String::as_str) == Some(value))
            .map(|p| self.read_patch(p))
            .collect()
    }

    fn read_patch(&self, patch: &QuiltPatch) -> Result<QuiltFile, QuiltError> {
        let corrupt = |reason: String| QuiltError::CorruptFile {
            identifier: patch.identifier.clone(),
            reason,
        };
        let start = usize::from(patch.start_index);
        let end = usize::from(patch.end_index);
        let read = |offset: usize, len: usize, what: &str| {
            self.matrix
                .read(self.data, start, end, offset, len)
                .ok_or_else(|| corrupt(format!("{what} runs past the patch's columns")))
        };
        let header = read(0, FILE_HEADER_LEN, "header")?;
        if header[0] != QUILT_VERSION_V1 {
            return Err(corrupt(format!("header version byte {:#04x}", header[0])));
        }
        let body_len = usize::try_from(u32::from_le_bytes([
            header[1], header[2], header[3], header[4],
        ]))
        .map_err(|_| corrupt("length above usize".into()))?;
        let flags = header[5];
        let mut offset = FILE_HEADER_LEN;

        let id_len_bytes = read(offset, 2, "identifier length")?;
        let id_len = usize::from(u16::from_le_bytes([id_len_bytes[0], id_len_bytes[1]]));
        offset += 2;
        let id_bcs = read(offset, id_len, "identifier")?;
        offset += id_len;
        let identifier: String =
            bcs::from_bytes(&id_bcs).map_err(|e| corrupt(format!("identifier BCS: {e}")))?;
        if identifier != patch.identifier {
            return Err(corrupt(format!(
                "header names {identifier:?}, the index {:?}",
                patch.identifier
            )));
        }
        let tags = if flags & FLAG_TAGS != 0 {
            let tags_len_bytes = read(offset, 2, "tags length")?;
            let tags_len = usize::from(u16::from_le_bytes([tags_len_bytes[0], tags_len_bytes[1]]));
            offset += 2;
            let tags_bcs = read(offset, tags_len, "tags")?;
            offset += tags_len;
            bcs::from_bytes(&tags_bcs).map_err(|e| corrupt(format!("tags BCS: {e}")))?
        } else {
            BTreeMap::new()
        };
        let data_len = body_len
            .checked_sub(offset - FILE_HEADER_LEN)
            .ok_or_else(|| corrupt(format!("length {body_len} is below its extensions")))?;
        let data = read(offset, data_len, "data")?;
        Ok(QuiltFile {
            identifier,
            tags,
            data,
        })
    }
}
