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
//! 4. The `2n` Merkle trees (rows and columns) are built level by level with batched hashing.
//!
//! Steps 2–4 are split over the available cores in contiguous ranges of rows, columns or trees.

use std::{mem::MaybeUninit, ops::Range, thread};

use super::{
    axis::{EncodingAxis, Primary, Secondary},
    config::DIGEST_LEN,
    config::{EncodingConfig, SymbolSize},
    errors::EncodingConfigError,
    hashing::{leaf_hash_slices, Digest, EMPTY_DIGEST},
    index::{BlobId, SliverIndex, SliverPairIndex},
    merkle::{roots_of_trees, Node},
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
    // byte of the `n` secondary slivers: each worker writes, for each of its rows, the `k_s`
    // systematic symbols and the `n - k_s` repair symbols (their count is asserted).
    unsafe { secondary.set_len(secondary_total) };
    let repair_rows =
        &mut primary.spare_capacity_mut()[..primary_total - layout.k_p * layout.primary_len];
    let (leaves, column_roots) = encode_columns(&layout, repair_rows, &secondary, threads);
    // SAFETY: `encode_columns` returned, and it writes every byte of the `n - k_p` repair rows:
    // for each of the `k_s` systematic columns, all `n - k_p` repair symbols (count asserted).
    unsafe { primary.set_len(primary_total) };
    let row_roots = row_roots(&layout, &leaves, threads);
    drop(leaves);

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
fn advise_huge_pages<T>(buf: &mut [T]) {
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

/// Splits `0..len` into `parts` contiguous ranges of near-equal length.
fn split_range(len: usize, parts: usize) -> Vec<Range<usize>> {
    let parts = parts.max(1);
    (0..parts)
        .map(|p| (len * p / parts)..(len * (p + 1) / parts))
        .collect()
}

/// Splits `0..len` into `parts` contiguous ranges of near-equal total `weight`.
fn split_weighted(len: usize, parts: usize, weight: impl Fn(usize) -> usize) -> Vec<Range<usize>> {
    let parts = parts.max(1);
    let total: usize = (0..len).map(&weight).sum();
    let mut ranges = Vec::with_capacity(parts);
    let (mut start, mut acc) = (0, 0);
    for i in 0..len {
        acc += weight(i);
        if ranges.len() + 1 < parts && acc * parts >= total * (ranges.len() + 1) {
            ranges.push(start..i + 1);
            start = i + 1;
        }
    }
    ranges.push(start..len);
    ranges.resize(parts, len..len);
    ranges
}

/// Cuts every block of `block_len` bytes of `buf` into the sub-ranges `ranges` (byte offsets
/// within a block, increasing and disjoint), returning for each range its piece of every block.
fn split_blocks_mut<'a, T>(
    buf: &'a mut [T],
    block_len: usize,
    ranges: &[Range<usize>],
) -> Vec<Vec<&'a mut [T]>> {
    let n_blocks = buf.len().checked_div(block_len).unwrap_or(0);
    let mut out: Vec<Vec<&'a mut [T]>> = ranges
        .iter()
        .map(|_| Vec::with_capacity(n_blocks))
        .collect();
    if block_len == 0 {
        return out;
    }
    for block in buf.chunks_exact_mut(block_len) {
        let mut rest = block;
        let mut consumed = 0;
        for (range, pieces) in ranges.iter().zip(out.iter_mut()) {
            let (_, tail) = std::mem::take(&mut rest).split_at_mut(range.start - consumed);
            let (piece, tail) = tail.split_at_mut(range.end - range.start);
            pieces.push(piece);
            rest = tail;
            consumed = range.end;
        }
    }
    out
}

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
    let rows = split_range(k_p, threads);
    let byte_ranges: Vec<_> = rows.iter().map(|r| r.start * s..r.end * s).collect();
    let columns_per_worker = split_blocks_mut(secondary, secondary_len, &byte_ranges);
    thread::scope(|scope| {
        for (rows, mut columns) in rows.into_iter().zip(columns_per_worker) {
            scope.spawn(move || {
                let rows: Vec<usize> = rows.collect();
                for (local, &r) in rows.iter().enumerate() {
                    let row = &primary[r * primary_len..(r + 1) * primary_len];
                    for (j, symbol) in row.chunks_exact(s).enumerate() {
                        columns[j][local * s..(local + 1) * s].write_copy_of_slice(symbol);
                    }
                }
                let mut written = 0;
                let mut place = |local: usize, j: usize, symbol: &[u8]| {
                    columns[k_s + j][local * s..(local + 1) * s].write_copy_of_slice(symbol);
                    written += 1;
                };
                if let Some(mut batcher) = layout.batch_encoder::<Secondary>() {
                    let per_row = (n - k_s) * s;
                    let batch = BatchEncoder::batch_size(layout.symbol_size);
                    let mut repair = vec![0u8; batch * per_row];
                    for (g, group) in rows.chunks(batch).enumerate() {
                        let sources: Vec<&[u8]> = group
                            .iter()
                            .map(|&r| &primary[r * primary_len..(r + 1) * primary_len])
                            .collect();
                        let out = &mut repair[..group.len() * per_row];
                        batcher
                            .encode(&sources, out)
                            .expect("rows fit the batch encoder");
                        for (b, symbols) in out.chunks_exact(per_row).enumerate() {
                            for (j, symbol) in symbols.chunks_exact(s).enumerate() {
                                place(g * batch + b, j, symbol);
                            }
                        }
                    }
                } else {
                    let mut encoder = layout.encoder::<Secondary>();
                    for (local, &r) in rows.iter().enumerate() {
                        let row = &primary[r * primary_len..(r + 1) * primary_len];
                        encoder
                            .encode(row, |j, symbol| place(local, j, symbol))
                            .expect("rows have the encoder's length");
                    }
                }
                assert_eq!(
                    written,
                    rows.len() * (n - k_s),
                    "every repair symbol is written"
                );
            });
        }
    });
}

/// Step 3: expands every column with the primary code, completes the primary slivers, hashes the
/// whole expanded matrix and builds the column trees. Returns the leaf hashes row-major
/// (`leaves[r · n + c]`, for the row trees) and the column roots.
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
    // Systematic columns also fill the primary repair rows: weigh them a little more so that the
    // workers finish together.
    let columns = split_weighted(n, threads, |c| if c < k_s { 9 } else { 8 });
    // Pieces of the repair rows (k_p..n) of the primary slivers, by worker column range.
    let systematic_bytes: Vec<_> = columns
        .iter()
        .map(|c| c.start.min(k_s) * s..c.end.min(k_s) * s)
        .collect();
    let rows_per_worker = split_blocks_mut(repair_rows, primary_len, &systematic_bytes);

    let mut leaves = vec![EMPTY_DIGEST; n * n];
    let leaf_bytes: Vec<_> = columns
        .iter()
        .map(|c| c.start * DIGEST_LEN..c.end * DIGEST_LEN)
        .collect();
    let leaves_per_worker =
        split_blocks_mut(leaves.as_flattened_mut(), n * DIGEST_LEN, &leaf_bytes);
    let mut column_roots = vec![EMPTY_DIGEST; n];
    let mut roots_rest = column_roots.as_mut_slice();
    let mut roots_per_worker = Vec::with_capacity(columns.len());
    for range in &columns {
        let (chunk, tail) = std::mem::take(&mut roots_rest).split_at_mut(range.len());
        roots_per_worker.push(chunk);
        roots_rest = tail;
    }

    thread::scope(|scope| {
        let workers = columns
            .into_iter()
            .zip(rows_per_worker)
            .zip(leaves_per_worker)
            .zip(roots_per_worker);
        for (((range, mut rows), mut leaf_rows), roots) in workers {
            scope.spawn(move || {
                let mut column_leaves = vec![EMPTY_DIGEST; n];
                let first_systematic = range.start.min(k_s);
                let mut finish_column = |c: usize, repair: &[&[u8]]| {
                    if c < k_s {
                        assert_eq!(repair.len(), rows.len(), "every repair symbol is written");
                        let at = (c - first_systematic) * s;
                        for (row, symbol) in rows.iter_mut().zip(repair) {
                            row[at..at + s].write_copy_of_slice(symbol);
                        }
                    }
                    // Leaves are hashed in place: the column's own symbols, then its repair
                    // symbols.
                    let column = &secondary[c * secondary_len..(c + 1) * secondary_len];
                    let mut items: Vec<&[u8]> = Vec::with_capacity(n);
                    items.extend(column.chunks_exact(s));
                    items.extend_from_slice(repair);
                    leaf_hash_slices(&items, &mut column_leaves);
                    let local = c - range.start;
                    roots_of_trees(&column_leaves, n, &mut roots[local..local + 1]);
                    let at = local * DIGEST_LEN;
                    for (row, leaf) in leaf_rows.iter_mut().zip(&column_leaves) {
                        row[at..at + DIGEST_LEN].copy_from_slice(leaf);
                    }
                };
                if let Some(mut batcher) = layout.batch_encoder::<Primary>() {
                    let columns: Vec<usize> = range.clone().collect();
                    let per_column = (n - k_p) * s;
                    let mut repair =
                        vec![0u8; BatchEncoder::batch_size(layout.symbol_size) * per_column];
                    for group in columns.chunks(BatchEncoder::batch_size(layout.symbol_size)) {
                        let sources: Vec<&[u8]> = group
                            .iter()
                            .map(|&c| &secondary[c * secondary_len..(c + 1) * secondary_len])
                            .collect();
                        let out = &mut repair[..group.len() * per_column];
                        batcher
                            .encode(&sources, out)
                            .expect("columns fit the batch encoder");
                        for (&c, symbols) in group.iter().zip(out.chunks_exact(per_column)) {
                            let symbols: Vec<&[u8]> = symbols.chunks_exact(s).collect();
                            finish_column(c, &symbols);
                        }
                    }
                } else {
                    let mut encoder = layout.encoder::<Primary>();
                    for c in range.clone() {
                        let column = &secondary[c * secondary_len..(c + 1) * secondary_len];
                        encoder
                            .encode_then(column, |repair| finish_column(c, repair))
                            .expect("columns have the encoder's length");
                    }
                }
            });
        }
    });
    (leaves, column_roots)
}

/// Step 4: the roots of the `n` row trees, from the row-major leaf hashes.
fn row_roots(layout: &Layout, leaves: &[Digest], threads: usize) -> Vec<Digest> {
    let n = layout.n;
    let mut roots = vec![EMPTY_DIGEST; n];
    // Rows are processed in batches to bound the scratch memory of the level buffers.
    const ROW_BATCH: usize = 64;
    thread::scope(|scope| {
        let mut rest = roots.as_mut_slice();
        for range in split_range(n, threads) {
            let (out, tail) = std::mem::take(&mut rest).split_at_mut(range.len());
            rest = tail;
            scope.spawn(move || {
                for (batch, out) in range.step_by(ROW_BATCH).zip(out.chunks_mut(ROW_BATCH)) {
                    let rows = &leaves[batch * n..(batch + out.len()) * n];
                    roots_of_trees(rows, n, out);
                }
            });
        }
    });
    roots
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::merkle::MerkleTree;

    #[test]
    fn weighted_split_covers_the_range_in_order() {
        for (len, parts) in [(0usize, 2usize), (1, 2), (10, 3), (1000, 2), (7, 8)] {
            let ranges = split_weighted(len, parts, |i| 1 + i % 3);
            assert_eq!(ranges.len(), parts);
            assert_eq!(ranges[0].start, 0);
            assert_eq!(ranges[parts - 1].end, len);
            assert!(ranges.windows(2).all(|w| w[0].end == w[1].start));
        }
        let halves = split_weighted(1000, 2, |c| if c < 667 { 9 } else { 8 });
        assert!(halves[0].end > 450 && halves[0].end < 500, "{halves:?}");
    }

    #[test]
    fn split_blocks_gives_disjoint_pieces() {
        let mut buf: Vec<u8> = (0..24).collect();
        let pieces = split_blocks_mut(&mut buf, 8, &[0..2, 2..2, 2..8]);
        assert_eq!(pieces[0].len(), 3);
        assert_eq!(&*pieces[0][1], &[8, 9]);
        assert!(pieces[1][0].is_empty());
        assert_eq!(&*pieces[2][2], &[18, 19, 20, 21, 22, 23]);
    }

    /// The optimised encoder agrees with a direct construction of the expanded matrix.
    #[test]
    fn encoder_matches_a_naive_expanded_matrix() {
        for (n, len) in [(4u16, 0usize), (7, 100), (10, 1000), (13, 5000)] {
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
