//! `floe blob-id`, `floe encode`, `floe decode`: RS2 encoding of files, compatible with Walrus.
//!
//! An encoded directory holds `metadata.bcs` (the `BlobMetadataWithId` BCS a storage node serves),
//! `primary/{index}.bcs` and `secondary/{index}.bcs` (the `SliverData` BCS of each sliver, named
//! by its index on its axis) and `blob.json` (a summary for people); see
//! [`floe_node::encoding::streaming::sliver_dir`].
//!
//! Blobs whose in-memory encoding or decoding fits in `--memory-budget` go through the in-memory
//! encoder and decoder; larger ones, and every `blob-id`, through the streaming ones, whose
//! memory does not grow with the blob.

use std::{
    io,
    path::{Path, PathBuf},
    time::Instant,
};

use anyhow::{bail, Context, Result};
use floe_indexer::limits::open_regular_file;
use floe_node::{
    durable::{create_file_durably, write_file_durably},
    encoding::{
        decode_with_report, encode,
        streaming::{
            blob_metadata, decode_to_file, encode_stream, in_memory_decode_bytes,
            in_memory_encode_bytes, BlobInput, RejectedFile, SliverDir, SliverDirWriter,
            SliverFile, StreamingOptions, DEFAULT_MEMORY_BUDGET,
        },
        BlobMetadataWithId, EncodingAxis, EncodingConfig, Primary, Secondary,
    },
};

/// How much memory the encoder and decoder may use, and where their scratch files go.
#[derive(clap::Args, Debug, Clone)]
pub struct MemoryArgs {
    /// Most memory for the encoder's or decoder's buffers, in bytes or with a unit (`512MiB`,
    /// `2GiB`); blobs whose whole encoding does not fit are streamed.
    #[arg(long, value_parser = parse_bytes, default_value = "2GiB")]
    pub memory_budget: u64,
    /// Directory for scratch files (a blob too large for the budget is encoded through them).
    #[arg(long)]
    pub scratch_dir: Option<PathBuf>,
}

impl MemoryArgs {
    fn options(&self) -> StreamingOptions {
        StreamingOptions {
            memory_budget: self.memory_budget,
            scratch_dir: self.scratch_dir.clone().unwrap_or_else(std::env::temp_dir),
            ..StreamingOptions::default()
        }
    }
}

impl Default for MemoryArgs {
    fn default() -> Self {
        Self {
            memory_budget: DEFAULT_MEMORY_BUDGET,
            scratch_dir: None,
        }
    }
}

/// Parses a byte count: digits, optionally followed by `K`/`KiB`, `M`/`MiB`, `G`/`GiB` (powers
/// of 1024) or `B`.
fn parse_bytes(text: &str) -> Result<u64, String> {
    let digits = text.trim().bytes().take_while(u8::is_ascii_digit).count();
    let (number, unit) = text.trim().split_at(digits);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a byte count (like 512MiB or 2GiB)"))?;
    let shift = match unit.trim() {
        "" | "B" => 0,
        "K" | "KiB" => 10,
        "M" | "MiB" => 20,
        "G" | "GiB" => 30,
        other => return Err(format!("unknown unit {other:?} (use B, KiB, MiB or GiB)")),
    };
    number
        .checked_mul(1 << shift)
        .ok_or_else(|| format!("{text:?} is too large"))
}

/// Arguments of `floe blob-id`.
#[derive(clap::Args, Debug)]
pub struct BlobIdArgs {
    /// Number of shards of the committee (4 to 49155; Walrus mainnet uses 1000).
    #[arg(long, default_value_t = 1000)]
    pub shards: u16,
    /// The file whose blob ID to compute (`-` for standard input).
    pub file: PathBuf,
    #[command(flatten)]
    pub memory: MemoryArgs,
}

/// Arguments of `floe encode`.
#[derive(clap::Args, Debug)]
pub struct EncodeArgs {
    /// Number of shards of the committee.
    #[arg(long, default_value_t = 1000)]
    pub shards: u16,
    /// The file to encode (`-` for standard input).
    pub file: PathBuf,
    /// Directory to write the metadata and slivers to (created if missing; must be empty).
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub memory: MemoryArgs,
}

/// Arguments of `floe decode`.
#[derive(clap::Args, Debug)]
pub struct DecodeArgs {
    /// A directory written by `floe encode` (any sufficient subset of its slivers is enough).
    pub dir: PathBuf,
    /// Where to write the decoded file.
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub memory: MemoryArgs,
}

fn config(shards: u16) -> Result<EncodingConfig> {
    EncodingConfig::new(shards).with_context(|| format!("invalid --shards {shards}"))
}

fn is_stdin(file: &Path) -> bool {
    file.as_os_str() == "-"
}

/// The input of `blob-id` or `encode`: standard input, or a regular file (a FIFO or device is
/// refused without blocking) of at most the largest blob `config` encodes.
enum Input {
    Stdin,
    File(std::fs::File, u64),
}

impl Input {
    fn open(file: &Path, config: &EncodingConfig) -> Result<Self> {
        if is_stdin(file) {
            return Ok(Self::Stdin);
        }
        let (file, len) = open_regular_file(file, config.max_blob_size())?;
        Ok(Self::File(file, len))
    }

    /// Runs `f` on the input as the streaming encoder reads it.
    fn with<T>(&self, f: impl FnOnce(BlobInput<'_>) -> T) -> T {
        match self {
            Self::Stdin => f(BlobInput::Stream(&mut io::stdin().lock())),
            Self::File(file, _) => f(BlobInput::File(file)),
        }
    }
}

/// `floe blob-id`: prints the blob ID of a file, computing the metadata without materialising
/// the slivers.
pub fn blob_id(args: &BlobIdArgs) -> Result<()> {
    let config = config(args.shards)?;
    let input = Input::open(&args.file, &config)?;
    let metadata = input
        .with(|input| blob_metadata(&config, input, &args.memory.options()))
        .with_context(|| format!("cannot encode {}", args.file.display()))?;
    println!("{}", metadata.blob_id);
    Ok(())
}

/// `floe encode`: writes the metadata and all slivers of a file to a directory. If encoding
/// fails, the directory is removed again.
pub fn encode_file(args: &EncodeArgs) -> Result<()> {
    let config = config(args.shards)?;
    let input = Input::open(&args.file, &config)?;
    let writer = SliverDirWriter::create(&args.out)
        .with_context(|| format!("cannot write to {}", args.out.display()))?;
    let started = Instant::now();
    let encoded = encode_into(&config, &input, writer, &args.memory);
    let (metadata, how) = match encoded {
        Ok(done) => done,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&args.out);
            return Err(e).with_context(|| format!("cannot encode {}", args.file.display()));
        }
    };
    let len = metadata.metadata.unencoded_length();
    println!(
        "encoded {} ({len} bytes) for {} shards in {:.3} s ({how}): blob ID {}",
        args.file.display(),
        config.n_shards(),
        started.elapsed().as_secs_f64(),
        metadata.blob_id
    );
    println!(
        "wrote {} slivers and the metadata to {}",
        2 * u32::from(config.n_shards()),
        args.out.display()
    );
    Ok(())
}

/// Encodes `input` into `writer`: in memory when the whole encoding fits the budget, else
/// streaming; says which.
fn encode_into(
    config: &EncodingConfig,
    input: &Input,
    mut writer: SliverDirWriter,
    memory: &MemoryArgs,
) -> Result<(BlobMetadataWithId, &'static str)> {
    if let Input::File(file, len) = input {
        if in_memory_encode_bytes(config, *len)? <= memory.memory_budget {
            let mut blob = Vec::with_capacity(usize::try_from(*len)?);
            io::Read::read_to_end(&mut io::Read::take(file, *len), &mut blob)?;
            let encoded = encode(config, blob)?;
            writer.write_encoded(&encoded)?;
            return Ok((encoded.metadata().clone(), "in memory"));
        }
    }
    let metadata =
        input.with(|input| encode_stream(config, input, Some(&mut writer), &memory.options()))?;
    Ok((metadata, "streaming"))
}

/// `floe decode`: rebuilds the file from the slivers present in the directory: from the primary
/// slivers if enough of them are valid, else from the secondary ones. Sliver files that are not
/// regular files, malformed, or do not match the metadata are named and skipped.
pub fn decode_dir(args: &DecodeArgs) -> Result<()> {
    let dir = SliverDir::open(&args.dir)?;
    let config = *dir.config();
    let needed_primary = usize::from(config.n_primary_source_symbols());
    let needed_secondary = usize::from(config.n_secondary_source_symbols());
    let (primary, refused) = dir.sliver_files::<Primary>()?;
    warn_rejected(&refused);
    let mut primary_failure = None;
    if primary.len() >= needed_primary {
        match decode_axis(&dir, primary, &args.out, &args.memory) {
            Ok(()) => return Ok(()),
            Err(e) => primary_failure = Some(e),
        }
    }
    let (secondary, refused) = dir.sliver_files::<Secondary>()?;
    warn_rejected(&refused);
    if secondary.len() >= needed_secondary {
        return decode_axis(&dir, secondary, &args.out, &args.memory)
            .context("cannot decode from the secondary slivers");
    }
    if let Some(e) = primary_failure {
        return Err(e).context("cannot decode from the primary slivers");
    }
    bail!(
        "not enough slivers in {}: {} primary (need {needed_primary}) and {} secondary (need {needed_secondary})",
        args.dir.display(),
        dir.count::<Primary>(),
        secondary.len()
    )
}

fn warn_rejected(rejected: &[RejectedFile]) {
    for file in rejected {
        match file.index {
            Some(index) => eprintln!(
                "warning: rejected sliver {index} ({}): {}",
                file.path.display(),
                file.reason
            ),
            None => eprintln!("warning: skipped {}: {}", file.path.display(), file.reason),
        }
    }
}

/// Decodes from the slivers `files` of axis `A` to `out`: in memory when that fits the budget,
/// else streaming to the file as it decodes. `out` is replaced atomically, only on success.
fn decode_axis<A: EncodingAxis>(
    dir: &SliverDir,
    files: Vec<SliverFile<A>>,
    out: &Path,
    memory: &MemoryArgs,
) -> Result<()> {
    let (config, metadata) = (dir.config(), dir.metadata());
    let len = metadata.metadata.unencoded_length();
    let in_memory = in_memory_decode_bytes(config, len)? <= memory.memory_budget;
    if in_memory {
        let mut slivers = Vec::with_capacity(files.len());
        let mut unreadable = Vec::new();
        for file in &files {
            match file.read() {
                Ok(sliver) => slivers.push(sliver),
                Err(e) => unreadable.push(RejectedFile {
                    path: file.path().to_owned(),
                    index: Some(file.index()),
                    reason: e.to_string(),
                }),
            }
        }
        warn_rejected(&unreadable);
        let report = decode_with_report(config, metadata, slivers)?;
        let rejected: Vec<RejectedFile> = report
            .rejected
            .iter()
            .map(|r| RejectedFile {
                path: files
                    .iter()
                    .find(|f| f.index() == r.index)
                    .map_or_else(|| dir.path().to_owned(), |f| f.path().to_owned()),
                index: Some(r.index),
                reason: r.reason.to_string(),
            })
            .collect();
        warn_rejected(&rejected);
        write_file_durably(out, &report.blob)?;
    } else {
        let report = create_file_durably(out, |file| -> Result<_> {
            Ok(decode_to_file(
                config,
                metadata,
                files,
                file,
                &memory.options(),
            )?)
        })?;
        warn_rejected(&report.rejected);
    }
    println!(
        "decoded blob {} ({len} bytes) from {} slivers to {} ({})",
        metadata.blob_id,
        A::NAME,
        out.display(),
        if in_memory { "in memory" } else { "streaming" }
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_bytes;

    #[test]
    fn byte_counts_parse_with_binary_units() {
        assert_eq!(parse_bytes("123"), Ok(123));
        assert_eq!(parse_bytes("64MiB"), Ok(64 << 20));
        assert_eq!(parse_bytes("2G"), Ok(2 << 30));
        assert_eq!(parse_bytes("1 KiB"), Ok(1024));
        assert!(parse_bytes("GiB").is_err());
        assert!(parse_bytes("5 parsecs").is_err());
        assert!(parse_bytes("99999999999999GiB").is_err());
    }
}
