//! The streaming encoder: rows, then column stripes, then the repair rows' trees (see the
//! module documentation of [`streaming`](super)).

use std::{
    fs::File,
    io::{self, Read, Write},
    ops::Range,
};

use super::{
    file_io::{read_padded_at, write_all_vectored_at, ReadAt},
    plan::{longest_in_memory, EncodePlan, Storage},
    sink::{BlobShape, SliverSink},
    StreamingError, StreamingOptions,
};
use crate::encoding::{
    axis::Axis,
    blob_encoding::{
        advise_huge_pages,
        workers::{run_workers, try_run_workers, Claims, Disjoint},
    },
    config::EncodingConfig,
    errors::EncodingConfigError,
    hashing::{leaf_hash_slices, Digest, EMPTY_DIGEST},
    index::SliverIndex,
    merkle::{roots_of_trees, Node},
    metadata::{BlobMetadataWithId, SliverPairMetadata},
    rs::SegmentedEncoder,
    worker_count,
};

/// Where the blob comes from.
pub enum BlobInput<'a> {
    /// A file, read with positional reads (so possibly twice: by rows, then by columns). Its
    /// length when the encoder starts is the blob's length.
    File(&'a File),
    /// Anything else readable by position, read like a file.
    Positional(&'a dyn ReadAt),
    /// A stream (standard input, a socket), read once to its end. A blob too long to encode in
    /// memory is copied to a scratch file first.
    Stream(&'a mut dyn Read),
}

/// The metadata (and so the blob ID) of a blob, without materialising its slivers: what
/// [`encode_stream`] computes with no sink.
pub fn blob_metadata(
    config: &EncodingConfig,
    input: BlobInput<'_>,
    options: &StreamingOptions,
) -> Result<BlobMetadataWithId, StreamingError> {
    encode_stream(config, input, None, options)
}

/// Encodes the blob read from `input` for `config`, handing every sliver to `sink` (if any), and
/// returns its metadata; blob ID, metadata and slivers are exactly [`encode`](crate::encoding::encode)'s.
/// Memory stays within `options.memory_budget` whatever the blob's size.
pub fn encode_stream(
    config: &EncodingConfig,
    input: BlobInput<'_>,
    mut sink: Option<&mut dyn SliverSink>,
    options: &StreamingOptions,
) -> Result<BlobMetadataWithId, StreamingError> {
    let max_threads = |len: u64| {
        options
            .threads
            .unwrap_or_else(|| worker_count(work_estimate(config, len)))
            .max(1)
    };
    let input = match input {
        BlobInput::File(file) => BlobInput::Positional(file),
        other => other,
    };
    let (shape, plan, rows) = match input {
        BlobInput::File(_) => unreachable!("files were made positional inputs"),
        BlobInput::Positional(file) => {
            let len = file
                .len()
                .map_err(|e| StreamingError::io("cannot read the input's length", e))?;
            let shape = shape_for(config, len)?;
            let plan = EncodePlan::new(
                &shape,
                options.memory_budget,
                max_threads(len),
                options.force_scratch,
            )?;
            let rows = match plan.storage {
                Storage::Memory => SourceRows::read_into_memory(&shape, file)?,
                Storage::Scratch => {
                    SourceRows::with_scratch(&shape, BlobFile::Borrowed(file), options)?
                }
            };
            (shape, plan, rows)
        }
        BlobInput::Stream(reader) => {
            let in_memory = if options.force_scratch {
                0
            } else {
                longest_in_memory(
                    config,
                    options.memory_budget,
                    options.threads.unwrap_or_else(|| worker_count(usize::MAX)),
                )
            };
            let mut head = Vec::new();
            Read::take(&mut *reader, in_memory.saturating_add(1))
                .read_to_end(&mut head)
                .map_err(|e| StreamingError::io("cannot read the input stream", e))?;
            if head.len() as u64 <= in_memory {
                let shape = shape_for(config, head.len() as u64)?;
                let plan = EncodePlan::new(
                    &shape,
                    options.memory_budget,
                    max_threads(shape.blob_len()),
                    false,
                )?;
                let rows = SourceRows::from_vec(&shape, head);
                (shape, plan, rows)
            } else {
                let spool = spool(head, reader, config, options)?;
                let len = spool
                    .metadata()
                    .map_err(|e| StreamingError::io("cannot read the spooled input's length", e))?
                    .len();
                let shape = shape_for(config, len)?;
                let plan = EncodePlan::new(&shape, options.memory_budget, max_threads(len), true)?;
                let rows = SourceRows::with_scratch(&shape, BlobFile::Owned(spool), options)?;
                (shape, plan, rows)
            }
        }
    };
    let span = tracing::debug_span!(
        "encode_stream",
        blob_len = shape.blob_len(),
        n_shards = config.n_shards(),
        storage = ?plan.storage,
        threads = plan.threads,
        row_unit = plan.row_unit,
        column_unit = plan.column_unit,
        planned_bytes = plan.bytes,
    );
    let _guard = span.enter();
    if let Some(sink) = sink.as_deref_mut() {
        sink.begin(&shape)
            .map_err(|e| StreamingError::io("cannot start writing slivers", e))?;
    }
    let metadata = Encoder {
        shape,
        plan,
        sink: sink.as_deref().map(|s| s as &dyn SliverSink),
    }
    .run(rows)?;
    if let Some(sink) = sink {
        sink.finish(&metadata)
            .map_err(|e| StreamingError::io("cannot finish writing slivers", e))?;
    }
    tracing::debug!(blob_id = %metadata.blob_id, "encoded blob (streaming)");
    Ok(metadata)
}

/// Rough bytes of work of a blob's encoding, to choose the thread count.
fn work_estimate(config: &EncodingConfig, len: u64) -> usize {
    let n = config.n_shards_usize();
    let s = config.symbol_size_for(len).map_or(2, |s| s.as_usize());
    n.saturating_mul(n).saturating_mul(s + 64)
}

fn shape_for(config: &EncodingConfig, len: u64) -> Result<BlobShape, StreamingError> {
    Ok(BlobShape::new(config, len)?)
}

/// Copies a stream (after the `head` already read from it) to a scratch file, refusing more
/// than the largest blob `config` encodes.
fn spool(
    head: Vec<u8>,
    reader: &mut dyn Read,
    config: &EncodingConfig,
    options: &StreamingOptions,
) -> Result<File, StreamingError> {
    let scratch = |e| {
        StreamingError::io(
            format!(
                "cannot spool the input to {}",
                options.scratch_dir.display()
            ),
            e,
        )
    };
    let mut file = tempfile::tempfile_in(&options.scratch_dir).map_err(scratch)?;
    file.write_all(&head).map_err(scratch)?;
    let max = config.max_blob_size();
    let rest = io::copy(
        &mut Read::take(reader, max + 1 - head.len() as u64),
        &mut file,
    )
    .map_err(|e| StreamingError::io("cannot read the input stream", e))?;
    let len = head.len() as u64 + rest;
    if len > max {
        return Err(EncodingConfigError::DataTooLarge { len, max }.into());
    }
    Ok(file)
}

/// A blob file the encoder reads by position: the caller's, or its own spool of a stream.
enum BlobFile<'a> {
    Borrowed(&'a dyn ReadAt),
    Owned(File),
}

impl BlobFile<'_> {
    fn file(&self) -> &dyn ReadAt {
        match self {
            Self::Borrowed(file) => *file,
            Self::Owned(file) => file,
        }
    }
}

/// The first `k_p` rows of the expanded matrix: the blob's rows (zero-padded) and, once the
/// first pass wrote them, the rows' `n - k_s` repair symbols each.
enum SourceRows<'a> {
    Memory {
        /// `k_p · k_s` symbols, row-major.
        blob: Vec<u8>,
        /// `k_p · (n - k_s)` symbols, row-major.
        repair: Vec<u8>,
    },
    Scratch {
        blob: BlobFile<'a>,
        blob_len: u64,
        /// `k_p · (n - k_s)` symbols, row-major.
        repair: File,
    },
}

impl<'a> SourceRows<'a> {
    fn from_vec(shape: &BlobShape, mut blob: Vec<u8>) -> Self {
        let rows_len = shape.k_p() * shape.k_s() * shape.s();
        blob.reserve_exact(rows_len - blob.len());
        advise_huge_pages(blob.spare_capacity_mut());
        blob.resize(rows_len, 0);
        // Zeroed pages straight from the system, backed by huge pages where possible.
        let mut repair = vec![0u8; shape.k_p() * (shape.n() - shape.k_s()) * shape.s()];
        advise_huge_pages(&mut repair);
        Self::Memory { blob, repair }
    }

    fn read_into_memory(shape: &BlobShape, file: &dyn ReadAt) -> Result<Self, StreamingError> {
        let len = usize::try_from(shape.blob_len())
            .map_err(|_| StreamingError::InputChanged("the blob does not fit in memory".into()))?;
        let mut blob = vec![0u8; shape.k_p() * shape.k_s() * shape.s()];
        advise_huge_pages(&mut blob);
        file.read_exact_at(&mut blob[..len], 0)
            .map_err(|e| input_error(e, 0))?;
        let repair = vec![0u8; shape.k_p() * (shape.n() - shape.k_s()) * shape.s()];
        let mut rows = Self::Memory { blob, repair };
        if let Self::Memory { repair, .. } = &mut rows {
            advise_huge_pages(repair);
        }
        Ok(rows)
    }

    fn with_scratch(
        shape: &BlobShape,
        blob: BlobFile<'a>,
        options: &StreamingOptions,
    ) -> Result<Self, StreamingError> {
        let repair = tempfile::tempfile_in(&options.scratch_dir).map_err(|e| {
            StreamingError::io(
                format!(
                    "cannot create a scratch file in {}",
                    options.scratch_dir.display()
                ),
                e,
            )
        })?;
        Ok(Self::Scratch {
            blob,
            blob_len: shape.blob_len(),
            repair,
        })
    }
}

/// The symbols `(r, c)` of the first `k_p` rows for the columns of a stripe, wherever they are.
struct ColumnView<'b> {
    data: &'b [u8],
    /// Bytes from one row to the next in `data`.
    row_stride: usize,
    /// The column at the start of each row in `data`.
    first: usize,
    s: usize,
}

impl<'b> ColumnView<'b> {
    fn symbol(&self, r: usize, c: usize) -> &'b [u8] {
        let at = r * self.row_stride + (c - self.first) * self.s;
        &self.data[at..at + self.s]
    }
}

struct Encoder<'s> {
    shape: BlobShape,
    plan: EncodePlan,
    sink: Option<&'s dyn SliverSink>,
}

impl Encoder<'_> {
    fn run(&self, mut rows: SourceRows<'_>) -> Result<BlobMetadataWithId, StreamingError> {
        let (n, k_p) = (self.shape.n(), self.shape.k_p());
        let mut row_roots = vec![EMPTY_DIGEST; n];
        // Leaf hashes of the first k_p rows, column-major: column c's at `c · k_p..`.
        let mut top_leaves = vec![EMPTY_DIGEST; n * k_p];
        self.encode_rows(&mut rows, &mut row_roots[..k_p], &mut top_leaves)?;

        let mut column_roots = vec![EMPTY_DIGEST; n];
        // Leaf hashes of rows k_p..n, row-major: row k_p + j's at `j · n..`.
        let mut repair_leaves = vec![EMPTY_DIGEST; (n - k_p) * n];
        self.encode_columns(&rows, &top_leaves, &mut repair_leaves, &mut column_roots)?;
        drop(rows);
        drop(top_leaves);

        self.repair_row_roots(&repair_leaves, &mut row_roots[k_p..]);
        let hashes = (0..n)
            .map(|i| SliverPairMetadata {
                primary_hash: Node::Digest(row_roots[i]),
                secondary_hash: Node::Digest(column_roots[n - 1 - i]),
            })
            .collect();
        Ok(BlobMetadataWithId::from_hashes(
            self.shape.blob_len(),
            hashes,
        ))
    }

    fn sink_write(
        &self,
        axis: Axis,
        index: usize,
        offset: usize,
        parts: &[&[u8]],
    ) -> Result<(), StreamingError> {
        let Some(sink) = self.sink else {
            return Ok(());
        };
        let index = SliverIndex(index as u16);
        sink.write(axis, index, offset, parts)
            .map_err(|e| StreamingError::io(format!("cannot write {axis} sliver {index}"), e))
    }

    /// Pass 1: expands the source rows, hashes them, builds their trees, keeps their repair
    /// symbols and leaf hashes, and hands the rows to the sink as primary slivers.
    fn encode_rows(
        &self,
        rows: &mut SourceRows<'_>,
        row_roots: &mut [Digest],
        top_leaves: &mut [Digest],
    ) -> Result<(), StreamingError> {
        let shape = &self.shape;
        let (n, k_p, k_s, s) = (shape.n(), shape.k_p(), shape.k_s(), shape.s());
        let (row_len, repair_len) = (k_s * s, (n - k_s) * s);
        let unit = self.plan.row_unit;
        let claims = Claims::new(k_p, unit);
        let roots_out = Disjoint::new(row_roots);
        let leaves_out = Disjoint::new(top_leaves);
        // Where the rows come from and where their repair symbols go.
        let (blob_rows, repair_out): (RowSource<'_>, RepairOut<'_>) = match rows {
            SourceRows::Memory { blob, repair } => (
                RowSource::Memory(blob.as_slice()),
                RepairOut::Memory(Disjoint::new(repair)),
            ),
            SourceRows::Scratch {
                blob,
                blob_len,
                repair,
            } => (
                RowSource::File(blob.file(), *blob_len),
                RepairOut::File(repair),
            ),
        };
        try_run_workers(self.plan.threads, &claims, || {
            let mut encoder = SegmentedEncoder::new(k_s as u16, n as u16, shape.symbol_size())?;
            let mut row_buf = Vec::new();
            let mut repair_buf = Vec::new();
            let mut leaves = vec![EMPTY_DIGEST; unit * n];
            let mut roots = vec![EMPTY_DIGEST; unit];
            while let Some(band) = claims.next() {
                let count = band.len();
                let data = blob_rows.rows(&band, row_len, &mut row_buf)?;
                // SAFETY (memory): the band's rows were claimed by this worker alone.
                let repair = unsafe { repair_out.target(&band, repair_len, &mut repair_buf) };
                for i in 0..count {
                    let row = &data[i * row_len..(i + 1) * row_len];
                    let row_repair = &mut repair[i * repair_len..(i + 1) * repair_len];
                    encoder.encode(|c| &row[c * s..(c + 1) * s], row_repair, s)?;
                    let symbols: Vec<&[u8]> = row
                        .chunks_exact(s)
                        .chain(row_repair.chunks_exact(s))
                        .collect();
                    leaf_hash_slices(&symbols, &mut leaves[i * n..(i + 1) * n]);
                }
                roots_of_trees(&leaves[..count * n], n, &mut roots[..count]);
                for (i, r) in band.clone().enumerate() {
                    // SAFETY: row r was claimed by this worker alone.
                    unsafe { roots_out.set(r, roots[i]) };
                    for c in 0..n {
                        // SAFETY: the leaf of (r, c) belongs to row r, claimed by this worker.
                        unsafe { leaves_out.set(c * k_p + r, leaves[i * n + c]) };
                    }
                }
                repair_out.commit(&band, repair_len, repair)?;
                for (i, r) in band.enumerate() {
                    self.sink_write(
                        Axis::Primary,
                        r,
                        0,
                        &[&data[i * row_len..(i + 1) * row_len]],
                    )?;
                }
            }
            Ok(())
        })
    }

    /// Pass 2: expands every column, hashes the new symbols, builds the columns' trees, keeps
    /// the repair rows' leaf hashes, and hands the columns to the sink as secondary slivers and
    /// the new symbols as pieces of the repair rows' primary slivers.
    fn encode_columns(
        &self,
        rows: &SourceRows<'_>,
        top_leaves: &[Digest],
        repair_leaves: &mut [Digest],
        column_roots: &mut [Digest],
    ) -> Result<(), StreamingError> {
        let shape = &self.shape;
        let (n, k_p, k_s, s) = (shape.n(), shape.k_p(), shape.k_s(), shape.s());
        let unit = self.plan.column_unit;
        let claims = Claims::new(n, unit);
        let leaves_out = Disjoint::new(repair_leaves);
        let roots_out = Disjoint::new(column_roots);
        try_run_workers(self.plan.threads, &claims, || {
            let mut encoder = SegmentedEncoder::new(k_p as u16, n as u16, shape.symbol_size())?;
            let mut stripe_buf = Vec::new();
            // Without a sink the new symbols are only hashed, in the library's buffer.
            let lend = self.sink.is_none() && encoder.is_single_segment();
            // The stripe's new symbols: row k_p + j's at `j · width · s`, column by column.
            let mut out = vec![0u8; if lend { 0 } else { unit * (n - k_p) * s }];
            let mut column_leaves = vec![EMPTY_DIGEST; n];
            while let Some(claimed) = claims.next() {
                // A stripe never mixes blob columns and repair columns.
                let split = claimed.start.max(k_s.min(claimed.end));
                for stripe in [claimed.start..split, split..claimed.end] {
                    if stripe.is_empty() {
                        continue;
                    }
                    let view = self.columns(rows, &stripe, &mut stripe_buf)?;
                    let stride = stripe.len() * s;
                    for c in stripe.clone() {
                        let at = (c - stripe.start) * s;
                        column_leaves[..k_p].copy_from_slice(&top_leaves[c * k_p..(c + 1) * k_p]);
                        if lend {
                            // Nothing to hand on: hash the new symbols where the library has them.
                            encoder.encode_then(
                                |r| view.symbol(r, c),
                                |new| leaf_hash_slices(new, &mut column_leaves[k_p..]),
                            )?;
                        } else {
                            encoder.encode(|r| view.symbol(r, c), &mut out[at..], stride)?;
                            let new: Vec<&[u8]> =
                                (0..n - k_p).map(|j| &out[at + j * stride..][..s]).collect();
                            leaf_hash_slices(&new, &mut column_leaves[k_p..]);
                        }
                        for j in 0..n - k_p {
                            // SAFETY: the leaf of (k_p + j, c) is in column c, claimed by this
                            // worker alone.
                            unsafe { leaves_out.set(j * n + c, column_leaves[k_p + j]) };
                        }
                        // SAFETY: column c was claimed by this worker alone.
                        roots_of_trees(&column_leaves, n, unsafe { roots_out.part(c..c + 1) });
                        if self.sink.is_some() {
                            let column: Vec<&[u8]> = (0..k_p).map(|r| view.symbol(r, c)).collect();
                            self.sink_write(Axis::Secondary, c, 0, &column)?;
                        }
                    }
                    if self.sink.is_some() && stripe.start < k_s {
                        for j in 0..n - k_p {
                            let piece = &out[j * stride..(j + 1) * stride];
                            self.sink_write(Axis::Primary, k_p + j, stripe.start * s, &[piece])?;
                        }
                    }
                }
            }
            Ok(())
        })
    }

    /// The symbols of the first `k_p` rows in the columns `stripe`, borrowed from memory or read
    /// into `buf`.
    fn columns<'b>(
        &self,
        rows: &'b SourceRows<'_>,
        stripe: &Range<usize>,
        buf: &'b mut Vec<u8>,
    ) -> Result<ColumnView<'b>, StreamingError> {
        let shape = &self.shape;
        let (n, k_p, k_s, s) = (shape.n(), shape.k_p(), shape.k_s(), shape.s());
        let in_blob = stripe.start < k_s;
        match rows {
            SourceRows::Memory { blob, repair } => Ok(if in_blob {
                ColumnView {
                    data: blob,
                    row_stride: k_s * s,
                    first: 0,
                    s,
                }
            } else {
                ColumnView {
                    data: repair,
                    row_stride: (n - k_s) * s,
                    first: k_s,
                    s,
                }
            }),
            SourceRows::Scratch {
                blob,
                blob_len,
                repair,
            } => {
                let width = stripe.len() * s;
                buf.resize(k_p * width, 0);
                for (r, piece) in buf.chunks_exact_mut(width).enumerate() {
                    if in_blob {
                        let offset = ((r * k_s + stripe.start) * s) as u64;
                        read_padded_at(blob.file(), *blob_len, offset, piece)
                            .map_err(|e| input_error(e, offset))?;
                    } else {
                        let offset = ((r * (n - k_s) + stripe.start - k_s) * s) as u64;
                        ReadAt::read_exact_at(repair, piece, offset)
                            .map_err(|e| StreamingError::io("cannot read the scratch file", e))?;
                    }
                }
                Ok(ColumnView {
                    data: buf,
                    row_stride: width,
                    first: stripe.start,
                    s,
                })
            }
        }
    }

    /// Pass 3: the trees of rows `k_p..n` from their kept leaf hashes.
    fn repair_row_roots(&self, repair_leaves: &[Digest], roots: &mut [Digest]) {
        let n = self.shape.n();
        const ROWS: usize = 16;
        let claims = Claims::new(roots.len(), ROWS);
        let out = Disjoint::new(roots);
        run_workers(self.plan.threads, || {
            while let Some(rows) = claims.next() {
                // SAFETY: these rows were claimed by this worker alone.
                let roots = unsafe { out.part(rows.clone()) };
                roots_of_trees(&repair_leaves[rows.start * n..rows.end * n], n, roots);
            }
        });
    }
}

fn input_error(e: io::Error, offset: u64) -> StreamingError {
    match e.kind() {
        io::ErrorKind::UnexpectedEof => StreamingError::InputChanged(format!(
            "the input ended before the part at byte {offset}"
        )),
        _ => StreamingError::io("cannot read the input", e),
    }
}

/// Where pass 1 reads the rows.
enum RowSource<'b> {
    Memory(&'b [u8]),
    File(&'b dyn ReadAt, u64),
}

impl RowSource<'_> {
    /// The rows `band` (each `row_len` bytes), borrowed or read into `buf`.
    fn rows<'c>(
        &'c self,
        band: &Range<usize>,
        row_len: usize,
        buf: &'c mut Vec<u8>,
    ) -> Result<&'c [u8], StreamingError> {
        match self {
            Self::Memory(blob) => Ok(&blob[band.start * row_len..band.end * row_len]),
            Self::File(file, len) => {
                buf.resize(band.len() * row_len, 0);
                let offset = (band.start * row_len) as u64;
                read_padded_at(*file, *len, offset, buf).map_err(|e| input_error(e, offset))?;
                Ok(buf)
            }
        }
    }
}

/// Where pass 1 puts the rows' repair symbols.
enum RepairOut<'b> {
    Memory(Disjoint<'b, u8>),
    File(&'b File),
}

impl RepairOut<'_> {
    /// The buffer for the repair symbols of `band`: in place in memory, or `buf`.
    ///
    /// # Safety
    ///
    /// The band's rows must be claimed by the calling worker alone.
    #[allow(clippy::mut_from_ref)]
    unsafe fn target<'c>(
        &'c self,
        band: &Range<usize>,
        repair_len: usize,
        buf: &'c mut Vec<u8>,
    ) -> &'c mut [u8] {
        match self {
            // SAFETY: the caller claimed these rows alone.
            Self::Memory(repair) => unsafe {
                repair.part(band.start * repair_len..band.end * repair_len)
            },
            Self::File(_) => {
                buf.resize(band.len() * repair_len, 0);
                buf
            }
        }
    }

    /// Stores what [`target`](Self::target) returned, once it is filled.
    fn commit(
        &self,
        band: &Range<usize>,
        repair_len: usize,
        data: &[u8],
    ) -> Result<(), StreamingError> {
        match self {
            Self::Memory(_) => Ok(()),
            Self::File(file) => {
                write_all_vectored_at(file, (band.start * repair_len) as u64, &[data])
                    .map_err(|e| StreamingError::io("cannot write the scratch file", e))
            }
        }
    }
}
