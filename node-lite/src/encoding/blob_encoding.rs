//! Encoding a whole blob into sliver pairs and metadata.
//!
//! The encoder works on two flat buffers, one per axis, so no sliver is ever copied on its own:
//!
//! 1. The blob becomes the first `k_p` rows of the primary buffer (its allocation is reused).
//! 2. Every source row is encoded with the secondary code; its `n` symbols land in the `n`
//!    secondary slivers (columns) at that row.
//! 3. Every column (secondary sliver) is encoded with the primary code: the symbols of rows
//!    `k_p..n` complete the primary slivers (for the first `k_s` columns) and, together with the
//!    column's own symbols, are hashed as Merkle leaves. The rest of the expanded matrix is never
//!    stored.
//! 4. The `2n` Merkle trees (rows and columns) are built level by level with batched hashing:
//!    each column's tree as soon as the column is hashed, the row trees block by block of
//!    columns, so the leaf hashes of the whole matrix are never stored.
//!
//! Steps 2–4 are shared between the available cores: each worker claims the next few rows, or
//! the next block of columns, until none is left.

pub(crate) mod workers;

use std::{
    mem::MaybeUninit,
    sync::atomic::{AtomicUsize, Ordering},
};

use workers::{run_workers, Claims, Disjoint};

use super::{
    axis::{EncodingAxis, Primary, Secondary},
    config::{EncodingConfig, SymbolSize},
    errors::EncodingConfigError,
    hashing::{leaf_hash_slices, Digest, EMPTY_DIGEST},
    index::{BlobId, SliverIndex, SliverPairIndex},
    merkle::{lift_roots, roots_of_trees, Node},
    metadata::{BlobMetadataWithId, SliverPairMetadata},
    rs::{BatchEncoder, RsEncoder, MAX_BATCHED_SYMBOL_SIZE},
    slivers::{sliver_bcs, SliverData, SliverPair},
};

/// A blob encoded into `n` sliver pairs, with its metadata.
#[derive(Debug, Clone)]
pub struct EncodedBlob {
    config: EncodingConfig,
    symbol_size: SymbolSize,
    /// Primary sliver `i` at `[i · k_s · s, (i + 1) · k_s · s)`.
    primary: Vec<u8>,
    /// Secondary sliver `j` at `[j · k_p · s, (j + 1) · k_p · s)`.
    secondary: Vec<u8>,
    metadata: BlobMetadataWithId,
}

impl EncodedBlob {
    /// The blob ID.
    pub fn blob_id(&self) -> BlobId {
        self.metadata.blob_id
    }

    /// The metadata (with the blob ID).
    pub fn metadata(&self) -> &BlobMetadataWithId {
        &self.metadata
    }

    /// The symbol size used.
    pub fn symbol_size(&self) -> SymbolSize {
        self.symbol_size
    }

    /// The encoding parameters used.
    pub fn config(&self) -> &EncodingConfig {
        &self.config
    }

    fn buffer<A: EncodingAxis>(&self) -> &[u8] {
        if A::IS_PRIMARY {
            &self.primary
        } else {
            &self.secondary
        }
    }

    /// Bytes of sliver `index` of axis `A`, borrowed from the encoder's buffer.
    ///
    /// # Panics
    ///
    /// If `index` is not below the number of shards.
    pub fn sliver_bytes<A: EncodingAxis>(&self, index: SliverIndex) -> &[u8] {
        let len = self.config.sliver_len::<A>(self.symbol_size);
        &self.buffer::<A>()[index.as_usize() * len..(index.as_usize() + 1) * len]
    }

    /// Sliver `index` of axis `A` as an owned [`SliverData`].
    pub fn sliver<A: EncodingAxis>(&self, index: SliverIndex) -> SliverData<A> {
        SliverData::new(
            self.sliver_bytes::<A>(index).to_vec(),
            self.symbol_size,
            index,
        )
        .expect("encoder slivers are whole symbols")
    }

    /// BCS of sliver `index` of axis `A`, without an intermediate copy.
    pub fn sliver_bcs<A: EncodingAxis>(&self, index: SliverIndex) -> Vec<u8> {
        sliver_bcs(self.sliver_bytes::<A>(index), self.symbol_size, index)
    }

    /// The pair `pair`: primary sliver `pair`, secondary sliver `n - 1 - pair`.
    pub fn pair(&self, pair: SliverPairIndex) -> SliverPair {
        let n = self.config.n_shards();
        SliverPair {
            primary: self.sliver::<Primary>(pair.to_sliver_index::<Primary>(n)),
            secondary: self.sliver::<Secondary>(pair.to_sliver_index::<Secondary>(n)),
        }
    }

    /// All pairs, in pair order.
    pub fn sliver_pairs(&self) -> Vec<SliverPair> {
        (0..self.config.n_shards())
            .map(|i| self.pair(SliverPairIndex(i)))
            .collect()
    }
}

/// Encodes `blob` for `config`; the blob's allocation is reused for the primary slivers.
pub fn encode(config: &EncodingConfig, blob: Vec<u8>) -> Result<EncodedBlob, EncodingConfigError> {
    let blob_len = blob.len() as u64;
    let symbol_size = config.symbol_size_for(blob_len)?;
    let layout = Layout::new(config, symbol_size);
    let span = tracing::debug_span!("encode", blob_len, n_shards = config.n_shards());
    let _guard = span.enter();

    // The blob becomes the systematic primary rows (zero-padded); the repair rows and the
    // secondary slivers are written exactly once by the workers, so they are never zero-filled.
    let mut primary = blob;
    let primary_total = layout.n * layout.primary_len;
    primary.reserve_exact(primary_total - primary.len());
    advise_huge_pages(primary.spare_capacity_mut());
    primary.resize(layout.k_p * layout.primary_len, 0);
    let secondary_total = layout.n * layout.secondary_len;
    let mut secondary: Vec<u8> = Vec::with_capacity(secondary_total);
    advise_huge_pages(secondary.spare_capacity_mut());
    let threads = layout.worker_count();

    encode_rows(
        &layout,
        &primary,
        &mut secondary.spare_capacity_mut()[..secondary_total],
        threads,
    );
    // SAFETY: `encode_rows` returned (a worker panic would have propagated), and it writes every
    // byte of the `n` secondary slivers: every source row is claimed by one worker, which writes
    // the row's `k_s` systematic symbols and its `n - k_s` repair symbols (their total count is
    // asserted).
    unsafe { secondary.set_len(secondary_total) };
    let repair_rows =
        &mut primary.spare_capacity_mut()[..primary_total - layout.k_p * layout.primary_len];
    let (row_roots, column_roots) = encode_columns(&layout, repair_rows, &secondary, threads);
    // SAFETY: `encode_columns` returned, and it writes every byte of the `n - k_p` repair rows:
    // for each of the `k_s` systematic columns, all `n - k_p` repair symbols (both counts are
    // asserted).
    unsafe { primary.set_len(primary_total) };

    let hashes = (0..layout.n)
        .map(|i| SliverPairMetadata {
            primary_hash: Node::Digest(row_roots[i]),
            secondary_hash: Node::Digest(column_roots[layout.n - 1 - i]),
        })
        .collect();
    let metadata = BlobMetadataWithId::from_hashes(blob_len, hashes);
    tracing::debug!(blob_id = %metadata.blob_id, "encoded blob");
    Ok(EncodedBlob {
        config: *config,
        symbol_size,
        primary,
        secondary,
        metadata,
    })
}

/// Encodes a borrowed blob (copies it once; prefer [`encode`] with an owned buffer).
pub fn encode_slice(
    config: &EncodingConfig,
    blob: &[u8],
) -> Result<EncodedBlob, EncodingConfigError> {
    config.symbol_size_for(blob.len() as u64)?;
    encode(config, blob.to_vec())
}

/// The blob ID of `blob` for `config`.
pub fn blob_id(config: &EncodingConfig, blob: &[u8]) -> Result<BlobId, EncodingConfigError> {
    Ok(encode_slice(config, blob)?.blob_id())
}

/// Asks the kernel to back a large, not yet touched buffer with transparent huge pages: the
/// encoder's buffers are hundreds of MiB, and 4 KiB page faults would cost more than the copies.
pub(crate) fn advise_huge_pages<T>(buf: &mut [T]) {
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        let start = buf.as_mut_ptr() as usize;
        let end = start + std::mem::size_of_val(buf);
        let aligned = start.next_multiple_of(PAGE);
        if end > aligned + (2 << 20) {
            // SAFETY: the range lies inside `buf`, which we own exclusively; MADV_HUGEPAGE only
            // changes how the kernel backs the pages, never their contents.
            unsafe {
                libc::madvise(
                    aligned as *mut libc::c_void,
                    end - aligned,
                    libc::MADV_HUGEPAGE,
                );
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = buf;
}

/// Sizes derived once from the config and the symbol size.
struct Layout {
    n: usize,
    k_p: usize,
    k_s: usize,
    s: usize,
    symbol_size: SymbolSize,
    config: EncodingConfig,
    /// Bytes of a primary sliver (`k_s · s`).
    primary_len: usize,
    /// Bytes of a secondary sliver (`k_p · s`).
    secondary_len: usize,
}

impl Layout {
    fn new(config: &EncodingConfig, symbol_size: SymbolSize) -> Self {
        let s = symbol_size.as_usize();
        let k_p = usize::from(config.n_primary_source_symbols());
        let k_s = usize::from(config.n_secondary_source_symbols());
        Self {
            n: config.n_shards_usize(),
            k_p,
            k_s,
            s,
            symbol_size,
            config: *config,
            primary_len: k_s * s,
            secondary_len: k_p * s,
        }
    }

    /// Threads worth using: one for small jobs, else the available cores.
    fn worker_count(&self) -> usize {
        super::worker_count(self.n * self.n * (self.s + 64)).min(self.n)
    }

    /// A batch encoder for axis `A`'s code when symbols are small enough to batch.
    fn batch_encoder<A: EncodingAxis>(&self) -> Option<BatchEncoder> {
        (self.s <= MAX_BATCHED_SYMBOL_SIZE).then(|| {
            BatchEncoder::new(
                self.config.source_symbols::<A>(),
                self.config.n_shards(),
                self.symbol_size,
            )
            .expect("the config's code parameters are valid for reed-solomon-simd")
        })
    }

    fn encoder<A: EncodingAxis>(&self) -> RsEncoder {
        RsEncoder::new(
            self.config.source_symbols::<A>(),
            self.config.n_shards(),
            self.symbol_size,
        )
        .expect("the config's code parameters are valid for reed-solomon-simd")
    }
}

/// Rows claimed at a time when they are encoded one by one.
const ROW_UNIT: usize = 4;

/// Columns per block of the row trees: the unit of work of step 3 (a power of two).
const ROW_TREE_BLOCK: usize = 32;

/// Step 2: expands the source rows with the secondary code into all `n` secondary slivers.
fn encode_rows(layout: &Layout, primary: &[u8], secondary: &mut [MaybeUninit<u8>], threads: usize) {
    let Layout {
        n,
        k_p,
        k_s,
        s,
        primary_len,
        secondary_len,
        ..
    } = *layout;
    let batch =
        (s <= MAX_BATCHED_SYMBOL_SIZE).then(|| BatchEncoder::batch_size(layout.symbol_size));
    let claims = Claims::new(k_p, batch.unwrap_or(ROW_UNIT));
    let columns = Disjoint::new(secondary);
    let written = AtomicUsize::new(0);
    run_workers(threads, || {
        // Symbol `(r, c)` goes to row `r` of column `c`.
        let place = |r: usize, c: usize, symbol: &[u8]| {
            let at = c * secondary_len + r * s;
            // SAFETY: row `r` was claimed by this worker alone, and `(r, c)` lies in row `r`.
            unsafe { columns.part(at..at + s) }.write_copy_of_slice(symbol);
        };
        let row = |r: usize| &primary[r * primary_len..(r + 1) * primary_len];
        let mut batcher = layout.batch_encoder::<Secondary>();
        let mut encoder = batcher.is_none().then(|| layout.encoder::<Secondary>());
        let per_row = (n - k_s) * s;
        let mut repair = vec![0u8; batch.unwrap_or(0) * per_row];
        let mut count = 0;
        while let Some(rows) = claims.next() {
            for r in rows.clone() {
                for (c, symbol) in row(r).chunks_exact(s).enumerate() {
                    place(r, c, symbol);
                }
            }
            if let Some(batcher) = &mut batcher {
                let sources: Vec<&[u8]> = rows.clone().map(row).collect();
                let out = &mut repair[..rows.len() * per_row];
                batcher
                    .encode(&sources, out)
                    .expect("rows fit the batch encoder");
                for (r, symbols) in rows.zip(out.chunks_exact(per_row)) {
                    for (j, symbol) in symbols.chunks_exact(s).enumerate() {
                        place(r, k_s + j, symbol);
                        count += 1;
                    }
                }
            } else if let Some(encoder) = &mut encoder {
                for r in rows {
                    encoder
                        .encode(row(r), |j, symbol| {
                            place(r, k_s + j, symbol);
                            count += 1;
                        })
                        .expect("rows have the encoder's length");
                }
            }
        }
        written.fetch_add(count, Ordering::Relaxed);
    });
    assert_eq!(
        written.into_inner(),
        k_p * (n - k_s),
        "every repair symbol is written"
    );
}

/// Step 3: expands every column with the primary code, completes the primary slivers, hashes the
/// whole expanded matrix and builds all the trees. Returns the row roots and the column roots.
///
/// Columns are claimed in aligned blocks of [`ROW_TREE_BLOCK`] (or a multiple): the worker that
/// encodes a block also builds, for every row, the subtree over that block's leaves, so the leaf
/// hashes are never stored for the whole matrix. The row roots come from these block roots
/// ([`lift_roots`] explains why that gives the same trees).
fn encode_columns(
    layout: &Layout,
    repair_rows: &mut [MaybeUninit<u8>],
    secondary: &[u8],
    threads: usize,
) -> (Vec<Digest>, Vec<Digest>) {
    let Layout {
        n,
        k_p,
        k_s,
        s,
        primary_len,
        secondary_len,
        ..
    } = *layout;
    let n_blocks = n.div_ceil(ROW_TREE_BLOCK);
    let batch =
        (s <= MAX_BATCHED_SYMBOL_SIZE).then(|| BatchEncoder::batch_size(layout.symbol_size));
    // A unit holds whole blocks, and whole batches where columns are batched.
    let unit = batch.map_or(ROW_TREE_BLOCK, |b| {
        b.next_power_of_two().max(ROW_TREE_BLOCK)
    });
    let claims = Claims::new(n, unit);
    let rows = Disjoint::new(repair_rows);
    let mut column_roots = vec![EMPTY_DIGEST; n];
    let column_roots_out = Disjoint::new(&mut column_roots);
    // Root of block `b` of row `r` at `r · n_blocks + b`.
    let mut block_roots = vec![EMPTY_DIGEST; n * n_blocks];
    let block_roots_out = Disjoint::new(&mut block_roots);
    let finished = AtomicUsize::new(0);

    run_workers(threads, || {
        let mut column_leaves = vec![EMPTY_DIGEST; n];
        // The current block's leaves, row after row (as many per row as the block has columns).
        let mut block_leaves = vec![EMPTY_DIGEST; n * ROW_TREE_BLOCK];
        let mut row_block_roots = vec![EMPTY_DIGEST; n];
        let mut count = 0;
        let mut finish_column = |c: usize, repair: &[&[u8]]| {
            assert_eq!(repair.len(), n - k_p, "every repair symbol is written");
            if c < k_s {
                for (j, symbol) in repair.iter().enumerate() {
                    let at = j * primary_len + c * s;
                    // SAFETY: column `c` was claimed by this worker alone, and the symbol lies in
                    // column `c` of a repair row.
                    unsafe { rows.part(at..at + s) }.write_copy_of_slice(symbol);
                }
            }
            // Leaves are hashed in place: the column's own symbols, then its repair symbols.
            let column = &secondary[c * secondary_len..(c + 1) * secondary_len];
            let mut items: Vec<&[u8]> = Vec::with_capacity(n);
            items.extend(column.chunks_exact(s));
            items.extend_from_slice(repair);
            leaf_hash_slices(&items, &mut column_leaves);
            // SAFETY: column `c` was claimed by this worker alone.
            roots_of_trees(&column_leaves, n, unsafe {
                column_roots_out.part(c..c + 1)
            });

            let block = c / ROW_TREE_BLOCK;
            let start = block * ROW_TREE_BLOCK;
            let width = ROW_TREE_BLOCK.min(n - start);
            for (r, leaf) in column_leaves.iter().enumerate() {
                block_leaves[r * width + c - start] = *leaf;
            }
            if c + 1 == start + width {
                // The block's last column: its other columns came before, from this worker.
                roots_of_trees(&block_leaves[..n * width], width, &mut row_block_roots);
                if n_blocks > 1 {
                    lift_roots(&mut row_block_roots, width, ROW_TREE_BLOCK);
                }
                for (r, root) in row_block_roots.iter().enumerate() {
                    let at = r * n_blocks + block;
                    // SAFETY: the block's columns were claimed by this worker alone.
                    let slot = unsafe { block_roots_out.part(at..at + 1) };
                    slot[0] = *root;
                }
            }
            count += 1;
        };
        let column = |c: usize| &secondary[c * secondary_len..(c + 1) * secondary_len];
        if let (Some(mut batcher), Some(batch)) = (layout.batch_encoder::<Primary>(), batch) {
            let per_column = (n - k_p) * s;
            let mut repair = vec![0u8; batch * per_column];
            while let Some(columns) = claims.next() {
                let end = columns.end;
                for group in columns.step_by(batch).map(|c| c..(c + batch).min(end)) {
                    let sources: Vec<&[u8]> = group.clone().map(column).collect();
                    let out = &mut repair[..group.len() * per_column];
                    batcher
                        .encode(&sources, out)
                        .expect("columns fit the batch encoder");
                    for (c, symbols) in group.zip(out.chunks_exact(per_column)) {
                        let symbols: Vec<&[u8]> = symbols.chunks_exact(s).collect();
                        finish_column(c, &symbols);
                    }
                }
            }
        } else {
            let mut encoder = layout.encoder::<Primary>();
            while let Some(columns) = claims.next() {
                for c in columns {
                    encoder
                        .encode_then(column(c), |repair| finish_column(c, repair))
                        .expect("columns have the encoder's length");
                }
            }
        }
        finished.fetch_add(count, Ordering::Relaxed);
    });
    assert_eq!(finished.into_inner(), n, "every column is encoded");

    let mut row_roots = vec![EMPTY_DIGEST; n];
    roots_of_trees(&block_roots, n_blocks, &mut row_roots);
    (row_roots, column_roots)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::merkle::MerkleTree;

    /// The optimised encoder agrees with a direct construction of the expanded matrix.
    #[test]
    fn encoder_matches_a_naive_expanded_matrix() {
        // n = 40 and 70 have several blocks of row-tree columns, the last one partial; the larger
        // blobs use unbatched symbols.
        for (n, len) in [
            (4u16, 0usize),
            (7, 100),
            (10, 1000),
            (13, 5000),
            (40, 30_000),
            (70, 2_000),
            (70, 200_000),
        ] {
            let config = EncodingConfig::new(n).expect("valid n");
            let blob: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            let encoded = encode_slice(&config, &blob).expect("encodes");
            let s = encoded.symbol_size();
            let (n_us, k_p, k_s) = (
                usize::from(n),
                usize::from(config.n_primary_source_symbols()),
                usize::from(config.n_secondary_source_symbols()),
            );
            let su = s.as_usize();
            let mut padded = blob.clone();
            padded.resize(k_p * k_s * su, 0);
            // matrix[r][c] symbols; rows expanded first, then columns.
            let mut matrix = vec![vec![vec![0u8; su]; n_us]; n_us];
            let mut row_enc = RsEncoder::new(k_s as u16, n, s).expect("valid");
            for r in 0..k_p {
                let row = &padded[r * k_s * su..(r + 1) * k_s * su];
                let cw = row_enc.codeword(row).expect("encodes");
                for (c, cell) in matrix[r].iter_mut().enumerate() {
                    *cell = cw[c * su..(c + 1) * su].to_vec();
                }
            }
            let mut col_enc = RsEncoder::new(k_p as u16, n, s).expect("valid");
            for c in 0..n_us {
                let col: Vec<u8> = (0..k_p).flat_map(|r| matrix[r][c].clone()).collect();
                let cw = col_enc.codeword(&col).expect("encodes");
                for (r, row) in matrix.iter_mut().enumerate() {
                    row[c] = cw[r * su..(r + 1) * su].to_vec();
                }
            }
            for i in 0..n_us {
                let row: Vec<u8> = (0..k_s).flat_map(|c| matrix[i][c].clone()).collect();
                assert_eq!(
                    encoded.sliver_bytes::<Primary>(SliverIndex(i as u16)),
                    &row[..]
                );
                let col: Vec<u8> = (0..k_p).flat_map(|r| matrix[r][i].clone()).collect();
                assert_eq!(
                    encoded.sliver_bytes::<Secondary>(SliverIndex(i as u16)),
                    &col[..]
                );
                let pair = &encoded.metadata().metadata.hashes()[i];
                let row_tree = MerkleTree::build(matrix[i].iter().map(Vec::as_slice));
                assert_eq!(pair.primary_hash, row_tree.root());
                let col_tree =
                    MerkleTree::build((0..n_us).map(|r| matrix[r][n_us - 1 - i].as_slice()));
                assert_eq!(pair.secondary_hash, col_tree.root());
            }
        }
    }
}
