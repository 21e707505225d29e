//! `floe blob-id`, `floe encode`, `floe decode`: RS2 encoding of files, compatible with Walrus.
//!
//! An encoded directory holds `metadata.bcs` (the `BlobMetadataWithId` BCS a storage node serves),
//! `primary/{index}.bcs` and `secondary/{index}.bcs` (the `SliverData` BCS of each sliver, named
//! by its index on its axis) and `blob.json` (a summary for people).

use std::{
    fs,
    path::{Path, PathBuf},
    time::Instant,
};

use anyhow::{bail, Context, Result};
use floe_indexer::limits::{read_regular_file, ReadError};
use floe_node::{
    durable::{sync_filesystem, write_file_durably},
    encoding::{
        decode_with_report, encode, BlobMetadataWithId, EncodingAxis, EncodingConfig, Primary,
        Secondary, SliverData, SliverIndex, SymbolSize,
    },
};

/// Arguments of `floe blob-id`.
#[derive(clap::Args, Debug)]
pub struct BlobIdArgs {
    /// Number of shards of the committee (4 to 49155; Walrus mainnet uses 1000).
    #[arg(long, default_value_t = 1000)]
    pub shards: u16,
    /// The file whose blob ID to compute.
    pub file: PathBuf,
}

/// Arguments of `floe encode`.
#[derive(clap::Args, Debug)]
pub struct EncodeArgs {
    /// Number of shards of the committee.
    #[arg(long, default_value_t = 1000)]
    pub shards: u16,
    /// The file to encode.
    pub file: PathBuf,
    /// Directory to write the metadata and slivers to (created if missing; must be empty).
    #[arg(long)]
    pub out: PathBuf,
}

/// Arguments of `floe decode`.
#[derive(clap::Args, Debug)]
pub struct DecodeArgs {
    /// A directory written by `floe encode` (any sufficient subset of its slivers is enough).
    pub dir: PathBuf,
    /// Where to write the decoded file.
    #[arg(long)]
    pub out: PathBuf,
}

fn config(shards: u16) -> Result<EncodingConfig> {
    EncodingConfig::new(shards).with_context(|| format!("invalid --shards {shards}"))
}

/// Most bytes of BCS framing around a sliver's symbols: the ULEB128 length of the data (at most
/// 10 bytes), the symbol size (2) and the index (2).
pub const SLIVER_BCS_OVERHEAD: u64 = 14;

/// Largest `metadata.bcs`, bytes: 8 MiB. The blob ID (32), the encoding type and length (a few
/// bytes) and a pair of 33-byte hashes per shard: under 4.4 MB for the most shards a `u16`
/// can count.
pub const MAX_METADATA_BYTES: u64 = 8 << 20;

/// Reads a file from outside: a regular file (a FIFO or device is refused without blocking)
/// of at most `max` bytes, never reading past that.
fn read_bounded(file: &Path, max: u64) -> Result<Vec<u8>> {
    Ok(read_regular_file(file, max)?)
}

/// Reads the input of `blob-id` or `encode`: at most the largest blob `config` encodes.
fn read_input(file: &Path, config: &EncodingConfig) -> Result<Vec<u8>> {
    read_bounded(file, config.max_blob_size())
}

/// `floe blob-id`: prints the blob ID of a file.
pub fn blob_id(args: &BlobIdArgs) -> Result<()> {
    let config = config(args.shards)?;
    let blob = read_input(&args.file, &config)?;
    let encoded =
        encode(&config, blob).with_context(|| format!("cannot encode {}", args.file.display()))?;
    println!("{}", encoded.blob_id());
    Ok(())
}

/// `floe encode`: writes the metadata and all slivers of a file to a directory.
pub fn encode_file(args: &EncodeArgs) -> Result<()> {
    let config = config(args.shards)?;
    let blob = read_input(&args.file, &config)?;
    let len = blob.len();
    if args.out.exists()
        && fs::read_dir(&args.out)
            .with_context(|| format!("cannot read {}", args.out.display()))?
            .next()
            .is_some()
    {
        bail!("output directory {} is not empty", args.out.display());
    }
    let started = Instant::now();
    let encoded =
        encode(&config, blob).with_context(|| format!("cannot encode {}", args.file.display()))?;
    let encode_time = started.elapsed();

    for axis in [Primary::NAME, Secondary::NAME] {
        fs::create_dir_all(args.out.join(axis))
            .with_context(|| format!("cannot create {}", args.out.join(axis).display()))?;
    }
    let n = config.n_shards();
    for i in 0..n {
        let index = SliverIndex(i);
        write_file(
            &args.out.join(Primary::NAME).join(format!("{i}.bcs")),
            &encoded.sliver_bcs::<Primary>(index),
        )?;
        write_file(
            &args.out.join(Secondary::NAME).join(format!("{i}.bcs")),
            &encoded.sliver_bcs::<Secondary>(index),
        )?;
    }
    let metadata = encoded.metadata();
    write_file(&args.out.join("metadata.bcs"), &metadata.to_bcs())?;
    let summary = format!(
        "{{\n  \"blob_id\": \"{}\",\n  \"n_shards\": {},\n  \"unencoded_length\": {},\n  \"symbol_size\": {},\n  \"encoded_length\": {}\n}}\n",
        metadata.blob_id,
        n,
        len,
        encoded.symbol_size(),
        config.encoded_blob_len(len as u64)?,
    );
    write_file(&args.out.join("blob.json"), summary.as_bytes())?;
    sync_filesystem(&args.out)?;
    println!(
        "encoded {} ({len} bytes) for {n} shards in {:.3} s: blob ID {}",
        args.file.display(),
        encode_time.as_secs_f64(),
        metadata.blob_id
    );
    println!(
        "wrote {} slivers and the metadata to {}",
        2 * u32::from(n),
        args.out.display()
    );
    Ok(())
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// Reads every sliver of axis `A` present in `dir/{axis}/`, naming any file that is malformed.
/// A file that is not a regular file, or larger than a sliver of `config` and `symbol_size`
/// can be (its BCS framing included), is skipped with a warning naming it and the limit: it is
/// never read past that, and decoding goes on with the other slivers.
fn read_slivers<A: EncodingAxis>(
    dir: &Path,
    config: &EncodingConfig,
    symbol_size: SymbolSize,
) -> Result<Vec<SliverData<A>>> {
    let max = config.sliver_len::<A>(symbol_size) as u64 + SLIVER_BCS_OVERHEAD;
    let axis_dir = dir.join(A::NAME);
    if !axis_dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut slivers = Vec::new();
    for entry in
        fs::read_dir(&axis_dir).with_context(|| format!("cannot read {}", axis_dir.display()))?
    {
        let path = entry?.path();
        let Some(index) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".bcs"))
        else {
            continue;
        };
        let index: u16 = index
            .parse()
            .with_context(|| format!("{}: file name is not a sliver index", path.display()))?;
        let bytes = match read_regular_file(&path, max) {
            Ok(bytes) => bytes,
            Err(ReadError::Refused(e)) => {
                eprintln!("warning: skipped a {} sliver: {e}", A::NAME);
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let sliver = SliverData::<A>::from_bcs(&bytes)
            .with_context(|| format!("{} is not a valid {} sliver", path.display(), A::NAME))?;
        if sliver.index() != SliverIndex(index) {
            bail!(
                "{} holds {} sliver {}, not {index}",
                path.display(),
                A::NAME,
                sliver.index()
            );
        }
        slivers.push(sliver);
    }
    slivers.sort_by_key(|sliver| sliver.index());
    Ok(slivers)
}

fn primary_count(dir: &Path) -> usize {
    fs::read_dir(dir.join(Primary::NAME)).map_or(0, |entries| entries.count())
}

/// `floe decode`: rebuilds the file from the slivers present in the directory.
pub fn decode_dir(args: &DecodeArgs) -> Result<()> {
    let metadata_path = args.dir.join("metadata.bcs");
    let metadata_bytes = read_bounded(&metadata_path, MAX_METADATA_BYTES)?;
    let metadata = BlobMetadataWithId::from_bcs(&metadata_bytes)
        .with_context(|| format!("{} is not valid blob metadata", metadata_path.display()))?;
    let n = u16::try_from(metadata.metadata.hashes().len())
        .ok()
        .filter(|n| *n >= 4)
        .with_context(|| {
            format!(
                "{} lists an invalid number of sliver pairs",
                metadata_path.display()
            )
        })?;
    let config = config(n)?;
    metadata
        .verify(&config)
        .with_context(|| format!("{} does not verify", metadata_path.display()))?;

    let symbol_size = metadata
        .metadata
        .symbol_size(&config)
        .with_context(|| format!("{} lists an invalid length", metadata_path.display()))?;
    let primary = read_slivers::<Primary>(&args.dir, &config, symbol_size)?;
    let needed_primary = usize::from(config.n_primary_source_symbols());
    let needed_secondary = usize::from(config.n_secondary_source_symbols());
    let from_primary = if primary.len() >= needed_primary {
        Some(decode_with_report(&config, &metadata, primary))
    } else {
        None
    };
    let report = match from_primary {
        Some(Ok(report)) => report,
        primary_outcome => {
            let secondary = read_slivers::<Secondary>(&args.dir, &config, symbol_size)?;
            match (primary_outcome, secondary.len() >= needed_secondary) {
                (_, true) => decode_with_report(&config, &metadata, secondary)
                    .context("cannot decode from the secondary slivers")?,
                (Some(Err(e)), false) => {
                    return Err(e).context("cannot decode from the primary slivers")
                }
                (_, false) => bail!(
                    "not enough slivers in {}: {} primary (need {needed_primary}) and {} secondary (need {needed_secondary})",
                    args.dir.display(),
                    primary_count(&args.dir),
                    secondary.len()
                ),
            }
        }
    };
    for rejected in &report.rejected {
        eprintln!(
            "warning: rejected sliver {} of {}: {}",
            rejected.index,
            args.dir.display(),
            rejected.reason
        );
    }
    let blob = report.blob;
    write_file_durably(&args.out, &blob)?;
    println!(
        "decoded blob {} ({} bytes) to {}",
        metadata.blob_id,
        blob.len(),
        args.out.display()
    );
    Ok(())
}
