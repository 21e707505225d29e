//! Large blobs through the streaming encoder and decoder: wall time, throughput and peak memory.
//!
//! ```sh
//! cargo bench -p floe-node-lite --bench large_blob -- [--size 10GiB] [--dir DIR]
//!     [--reference 1GiB] [--cross-check] [--decode | --only-decode] [--scratch-dir DIR]
//!     [--prep-scratch-dir DIR] [--slivers-dir DIR]
//! ```
//!
//! Not run by `cargo test`; it needs disk: the input file (`--size`, kept in `--dir` between runs)
//! and the encoder's scratch file (about half the blob). Phases:
//!
//! - **reference**: the in-memory encoder at `--reference` (default 1 GiB, skipped at 0) and the
//!   streaming encoder on the same bytes, whose blob IDs and metadata must be equal;
//! - **blob-id**: the streaming encoder without a sink (what `floe blob-id` runs) on the large file;
//! - **encode**: the streaming encoder producing every sliver into a sink that counts the bytes;
//! - **cross-check** (`--cross-check`): the streaming encoder into a sink that checks its output
//!   with the per-sliver code nodes verify slivers with: every primary sliver `0..k_p` is the
//!   file's row and expands (secondary code) to the row root in the metadata; every secondary
//!   sliver expands (primary code) to its column root, and the row roots of all `n` rows rebuilt
//!   from those `n` expanded columns are the metadata's. So every hash the blob ID commits to is
//!   recomputed on a second path, from the file.
//! - **decode** (`--decode`, or `--only-decode` without the phases above): deletes the input
//!   file, writes the last `k_p` primary slivers (all non-systematic: every column must be
//!   Reed–Solomon decoded) of a generated blob of the same size (read by position from a
//!   generator, so it needs no file) to `--slivers-dir` (default `DIR/slivers`), decodes them to
//!   `DIR/decoded.bin` (measured), and compares that with the generator.
//!
//! Peak memory is the process's peak resident set (`VmHWM`, reset before each phase): the whole
//! process, not the growth over a baseline. The page cache is not part of it.

use std::{
    fs::File,
    io::{self, BufWriter, Read, Write},
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicU64, Ordering},
        Mutex,
    },
    time::Instant,
};

use floe_node::{
    encoding::{
        encode,
        hashing::{leaf_hashes, Digest, EMPTY_DIGEST},
        merkle::root_of,
        streaming::{
            blob_metadata, decode_to_file, encode_stream, BlobInput, BlobShape, ReadAt, SliverDir,
            SliverDirWriter, SliverSink, StreamingOptions,
        },
        Axis, BlobMetadataWithId, EncodingConfig, Primary, Secondary, SliverData, SliverIndex,
    },
    sample::SampleReader,
};

mod common;

use common::{reset_peak, resident_kib};

const SEED: u64 = 15;

/// Runs `f`, printing its wall time, throughput over `bytes` and the process's peak resident set.
fn phase<T>(what: &str, bytes: u64, f: impl FnOnce() -> T) -> T {
    reset_peak();
    let before = resident_kib("VmRSS:").unwrap_or(0);
    let start = Instant::now();
    let out = f();
    let secs = start.elapsed().as_secs_f64();
    let peak = resident_kib("VmHWM:").unwrap_or(0);
    println!(
        "{what:<44} {:>10.2} s {:>9.1} MB/s  peak RSS {:>8.1} MiB (resident before: {:.1} MiB)",
        secs,
        bytes as f64 / 1e6 / secs,
        peak as f64 / 1024.0,
        before as f64 / 1024.0,
    );
    out
}

fn parse_size(text: &str) -> u64 {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let (number, unit) = text.split_at(digits);
    let number: u64 = number.parse().expect("a size like 10GiB");
    number
        << match unit {
            "" | "B" => 0,
            "KiB" => 10,
            "MiB" => 20,
            "GiB" => 30,
            other => panic!("unknown unit {other}"),
        }
}

struct Args {
    size: u64,
    reference: u64,
    dir: PathBuf,
    scratch: PathBuf,
    prep_scratch: PathBuf,
    slivers: Option<PathBuf>,
    cross_check: bool,
    decode: bool,
    /// Only the decode phase.
    only_decode: bool,
}

fn args() -> Args {
    let mut args = Args {
        size: 10 << 30,
        reference: 1 << 30,
        dir: std::env::temp_dir().join("floe-large-blob"),
        scratch: std::env::temp_dir(),
        prep_scratch: std::env::temp_dir(),
        slivers: None,
        cross_check: false,
        decode: false,
        only_decode: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().expect("a value after the option");
        match arg.as_str() {
            "--size" => args.size = parse_size(&value()),
            "--reference" => args.reference = parse_size(&value()),
            "--dir" => args.dir = value().into(),
            "--scratch-dir" => args.scratch = value().into(),
            "--prep-scratch-dir" => args.prep_scratch = value().into(),
            "--slivers-dir" => args.slivers = Some(value().into()),
            "--cross-check" => args.cross_check = true,
            "--decode" => args.decode = true,
            "--only-decode" => {
                args.decode = true;
                args.only_decode = true;
            }
            _ => {} // `--bench` from cargo
        }
    }
    args
}

/// Writes the sample input of `len` bytes to `path` unless it is already there.
fn ensure_input(path: &Path, len: u64) -> io::Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| m.len() == len) {
        return Ok(());
    }
    let mut out = BufWriter::with_capacity(8 << 20, File::create(path)?);
    io::copy(&mut SampleReader::new(len, SEED), &mut out)?;
    out.flush()?;
    out.get_ref().sync_all()
}

/// Counts the bytes of the slivers it receives.
#[derive(Default)]
struct Counting {
    bytes: AtomicU64,
}

impl SliverSink for Counting {
    fn begin(&mut self, _: &BlobShape) -> io::Result<()> {
        Ok(())
    }
    fn write(&self, _: Axis, _: SliverIndex, _: usize, parts: &[&[u8]]) -> io::Result<()> {
        let len: usize = parts.iter().map(|p| p.len()).sum();
        self.bytes.fetch_add(len as u64, Ordering::Relaxed);
        Ok(())
    }
    fn finish(&mut self, _: &BlobMetadataWithId) -> io::Result<()> {
        Ok(())
    }
}

/// Checks the encoder's output on the per-sliver path (see the module documentation).
struct CrossCheck<'a> {
    input: &'a File,
    shape: Option<BlobShape>,
    /// Row roots of the systematic rows, from their own expansion.
    row_roots: Mutex<Vec<Option<Digest>>>,
    /// Column roots, from their own expansion.
    column_roots: Mutex<Vec<Option<Digest>>>,
    /// Leaf hashes of the expanded columns, row-major: (r, c) at `r · n + c`.
    leaves: Mutex<Vec<Digest>>,
    failures: Mutex<Vec<String>>,
}

impl CrossCheck<'_> {
    fn fail(&self, what: String) {
        self.failures.lock().expect("lock").push(what);
    }
}

impl SliverSink for CrossCheck<'_> {
    fn begin(&mut self, shape: &BlobShape) -> io::Result<()> {
        let n = shape.config().n_shards_usize();
        self.shape = Some(*shape);
        *self.row_roots.lock().expect("lock") = vec![None; n];
        *self.column_roots.lock().expect("lock") = vec![None; n];
        *self.leaves.lock().expect("lock") = vec![EMPTY_DIGEST; n * n];
        Ok(())
    }

    fn write(
        &self,
        axis: Axis,
        index: SliverIndex,
        offset: usize,
        parts: &[&[u8]],
    ) -> io::Result<()> {
        let shape = self.shape.expect("begun");
        let config = shape.config();
        let k_p = usize::from(config.n_primary_source_symbols());
        let (n, s) = (config.n_shards_usize(), shape.symbol_size().as_usize());
        let i = index.as_usize();
        match axis {
            Axis::Primary if i >= k_p => return Ok(()), // checked through the columns
            Axis::Primary => {
                let data = parts.concat();
                let mut row = vec![0u8; data.len()];
                let at = (i * data.len()) as u64;
                let len = shape.blob_len();
                let real = usize::try_from(len.saturating_sub(at))
                    .unwrap_or(usize::MAX)
                    .min(row.len());
                std::os::unix::fs::FileExt::read_exact_at(self.input, &mut row[..real], at)?;
                if offset != 0 || row != data {
                    self.fail(format!("primary sliver {i} is not row {i} of the file"));
                }
                let sliver = SliverData::<Primary>::new(data, shape.symbol_size(), index)
                    .map_err(io::Error::other)?;
                let root = sliver.merkle_root(config).map_err(io::Error::other)?;
                self.row_roots.lock().expect("lock")[i] = Some(root);
            }
            Axis::Secondary => {
                let sliver =
                    SliverData::<Secondary>::new(parts.concat(), shape.symbol_size(), index)
                        .map_err(io::Error::other)?;
                let expanded = sliver.expanded(config).map_err(io::Error::other)?;
                let mut column = vec![EMPTY_DIGEST; n];
                leaf_hashes(expanded.chunks_exact(s), &mut column);
                self.column_roots.lock().expect("lock")[i] = Some(root_of(&column));
                let mut leaves = self.leaves.lock().expect("lock");
                for (r, leaf) in column.into_iter().enumerate() {
                    leaves[r * n + i] = leaf;
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self, metadata: &BlobMetadataWithId) -> io::Result<()> {
        let shape = self.shape.expect("begun");
        let n = shape.config().n_shards_usize();
        let hashes = metadata.metadata.hashes();
        let rows = self.row_roots.lock().expect("lock").clone();
        let columns = self.column_roots.lock().expect("lock").clone();
        let leaves = self.leaves.lock().expect("lock");
        for i in 0..n {
            let row_from_columns = root_of(&leaves[i * n..(i + 1) * n]);
            if hashes[i].primary_hash.bytes() != row_from_columns {
                self.fail(format!("row {i}: root from the expanded columns differs"));
            }
            if let Some(root) = rows[i] {
                if root != row_from_columns {
                    self.fail(format!("row {i}: its own expansion differs"));
                }
            }
            if columns[n - 1 - i] != Some(hashes[i].secondary_hash.bytes()) {
                self.fail(format!("column {}: root differs", n - 1 - i));
            }
        }
        if metadata.metadata.compute_blob_id() != metadata.blob_id {
            self.fail("the blob ID is not derived from the metadata".into());
        }
        Ok(())
    }
}

fn main() -> io::Result<()> {
    let args = args();
    let config = EncodingConfig::new(1000).expect("valid n");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let options = StreamingOptions {
        scratch_dir: args.scratch.clone(),
        ..StreamingOptions::default()
    };
    println!(
        "large-blob benchmark: n = 1000, {threads} threads, memory budget {} MiB, scratch in {}",
        options.memory_budget >> 20,
        options.scratch_dir.display()
    );
    std::fs::create_dir_all(&args.dir)?;

    if args.only_decode {
        return decode_phase(&args, &config, &options);
    }
    if args.reference > 0 {
        let len = args.reference;
        let blob = phase("generate reference input", len, || {
            let mut blob = Vec::with_capacity(len as usize);
            SampleReader::new(len, SEED)
                .read_to_end(&mut blob)
                .map(|_| blob)
        })?;
        let copy = blob.clone();
        let reference = phase(&format!("in-memory encode, {} MiB", len >> 20), len, || {
            encode(&config, copy).expect("encodes").metadata().clone()
        });
        let mut reader = &blob[..];
        let streamed = phase(
            &format!("streaming blob-id, {} MiB (stream)", len >> 20),
            len,
            || blob_metadata(&config, BlobInput::Stream(&mut reader), &options),
        )
        .expect("encodes");
        assert_eq!(
            streamed, reference,
            "streaming and in-memory metadata differ"
        );
        let path = args.dir.join("reference.bin");
        std::fs::write(&path, &blob)?;
        drop(blob);
        let file = File::open(&path)?;
        let scratch = StreamingOptions {
            force_scratch: true,
            ..options.clone()
        };
        let streamed = phase(
            &format!("streaming blob-id, {} MiB (file, scratch)", len >> 20),
            len,
            || blob_metadata(&config, BlobInput::File(&file), &scratch),
        )
        .expect("encodes");
        assert_eq!(
            streamed, reference,
            "streaming and in-memory metadata differ"
        );
        std::fs::remove_file(&path)?;
        println!(
            "reference: blob ID {} (in-memory and streaming agree)",
            reference.blob_id
        );
    }

    let len = args.size;
    let input_path = args.dir.join("input.bin");
    phase("write the input file", len, || {
        ensure_input(&input_path, len)
    })?;
    let input = File::open(&input_path)?;
    let metadata = phase(
        &format!("streaming blob-id, {} MiB", len >> 20),
        len,
        || blob_metadata(&config, BlobInput::File(&input), &options),
    )
    .expect("encodes");
    println!("blob ID {}", metadata.blob_id);

    let mut counting = Counting::default();
    let encoded = phase(
        &format!("streaming encode, {} MiB, all slivers", len >> 20),
        len,
        || {
            encode_stream(
                &config,
                BlobInput::File(&input),
                Some(&mut counting),
                &options,
            )
        },
    )
    .expect("encodes");
    assert_eq!(encoded, metadata);
    assert_eq!(
        counting.bytes.into_inner(),
        config.encoded_slivers_len(len).expect("fits"),
        "every sliver byte is produced"
    );

    if args.cross_check {
        let mut check = CrossCheck {
            input: &input,
            shape: None,
            row_roots: Mutex::default(),
            column_roots: Mutex::default(),
            leaves: Mutex::default(),
            failures: Mutex::default(),
        };
        let checked = phase("cross-check (encode + per-sliver checks)", len, || {
            encode_stream(&config, BlobInput::File(&input), Some(&mut check), &options)
        })
        .expect("encodes");
        assert_eq!(checked, metadata);
        let failures = check.failures.into_inner().expect("lock");
        assert!(failures.is_empty(), "cross-check failed: {failures:?}");
        println!(
            "cross-check: all {} row and column roots recomputed per sliver agree; blob ID {}",
            2 * config.n_shards(),
            metadata.blob_id
        );
    }

    if args.decode {
        drop(input);
        std::fs::remove_file(&input_path)?;
        decode_phase(&args, &config, &options)?;
    }
    Ok(())
}

/// Writes the last `k_p` primary slivers of a generated blob of `--size` bytes, decodes them to
/// a file (measured) and compares the file with the generator.
fn decode_phase(
    args: &Args,
    config: &EncodingConfig,
    options: &StreamingOptions,
) -> io::Result<()> {
    let len = args.size;
    let source = SampleAt { len, seed: SEED };
    let slivers = args
        .slivers
        .clone()
        .unwrap_or_else(|| args.dir.join("slivers"));
    let _ = std::fs::remove_dir_all(&slivers);
    let n = config.n_shards();
    let k_p = config.n_primary_source_symbols();
    let mut writer = SliverDirWriter::create(&slivers)?
        .with_selection(move |axis, index| axis == Axis::Primary && index.get() >= n - k_p);
    let prep = StreamingOptions {
        scratch_dir: args.prep_scratch.clone(),
        ..options.clone()
    };
    let metadata = phase("write the last k_p primary slivers", len, || {
        encode_stream(
            config,
            BlobInput::Positional(&source),
            Some(&mut writer),
            &prep,
        )
    })
    .expect("encodes");
    println!("decode input: blob ID {}", metadata.blob_id);
    let dir = SliverDir::open(&slivers).expect("opens");
    let (files, rejected) = dir.sliver_files::<Primary>().expect("lists");
    assert!(rejected.is_empty() && files.len() == usize::from(k_p));
    let out_path = args.dir.join("decoded.bin");
    let out = File::create(&out_path)?;
    let report = phase(
        &format!("streaming decode, {} MiB, non-systematic", len >> 20),
        len,
        || decode_to_file(config, dir.metadata(), files, &out, options),
    )
    .expect("decodes");
    assert!(report.rejected.is_empty());
    drop(out);
    let same = phase("compare with the generator", len, || {
        same_as(&out_path, &source)
    })?;
    assert!(same, "the decoded file differs from the input");
    println!("decode: the decoded file is the input, byte for byte");
    std::fs::remove_dir_all(&slivers)?;
    std::fs::remove_file(&out_path)?;
    Ok(())
}

/// Sample bytes readable at any position without storing them: word `w` (8 bytes) is
/// splitmix64 of `seed + w`.
struct SampleAt {
    len: u64,
    seed: u64,
}

impl SampleAt {
    fn word(&self, w: u64) -> [u8; 8] {
        let mut z = self
            .seed
            .wrapping_add(w.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)).to_le_bytes()
    }
}

impl ReadAt for SampleAt {
    fn len(&self) -> io::Result<u64> {
        Ok(self.len)
    }

    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        if offset + buf.len() as u64 > self.len {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let mut pos = offset;
        let mut out = &mut buf[..];
        while !out.is_empty() {
            let word = self.word(pos / 8);
            let at = (pos % 8) as usize;
            let take = (8 - at).min(out.len());
            out[..take].copy_from_slice(&word[at..at + take]);
            out = &mut out[take..];
            pos += take as u64;
        }
        Ok(())
    }
}

fn same_as(path: &Path, source: &SampleAt) -> io::Result<bool> {
    let mut file = File::open(path)?;
    if file.metadata()?.len() != source.len {
        return Ok(false);
    }
    let (mut a, mut b) = (vec![0u8; 8 << 20], vec![0u8; 8 << 20]);
    let mut offset = 0u64;
    loop {
        let got = file.read(&mut a)?;
        if got == 0 {
            return Ok(true);
        }
        source.read_exact_at(&mut b[..got], offset)?;
        if a[..got] != b[..got] {
            return Ok(false);
        }
        offset += got as u64;
    }
}
