//! `floe quilt encode|decode|list`: Walrus QuiltV1 quilts built and read offline.
//!
//! `encode` packs files into one quilt (each file's identifier is its file name) and prints the
//! quilt's blob ID and each patch with its patch id (Walrus's text form); `decode` unpacks a quilt into a directory; `list` shows its
//! index. Storing and reading quilts through the nodes is the client's work (issue 16).

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
};

use anyhow::{bail, Context, Result};
use floe_indexer::limits::read_regular_file;
use floe_node::{
    durable::write_file_durably,
    encoding::{
        blob_id,
        quilt::{encode_quilt, Quilt, QuiltIndex, QuiltInput},
        BlobId, EncodingConfig,
    },
};

/// `floe quilt` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum QuiltCommand {
    /// Pack files into one quilt and print its blob ID and patches.
    Encode(EncodeArgs),
    /// Unpack every file of a quilt into a directory.
    Decode(DecodeArgs),
    /// Print a quilt's index: each patch's identifier, columns and tags.
    List(ListArgs),
}

/// Arguments of `floe quilt encode`.
#[derive(clap::Args, Debug)]
pub struct EncodeArgs {
    /// Number of shards of the committee the quilt is laid out for.
    #[arg(long, default_value_t = 1000)]
    pub shards: u16,
    /// The files; each one's identifier is its file name.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// A tag of one file: `IDENTIFIER:KEY=VALUE` (repeatable).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Where to write the quilt.
    #[arg(long)]
    pub out: PathBuf,
}

/// Arguments of `floe quilt decode`.
#[derive(clap::Args, Debug)]
pub struct DecodeArgs {
    /// Number of shards the quilt was laid out for.
    #[arg(long, default_value_t = 1000)]
    pub shards: u16,
    /// The quilt file.
    pub quilt: PathBuf,
    /// Directory to write the files to (created if missing; existing files are not replaced).
    #[arg(long)]
    pub out: PathBuf,
}

/// Arguments of `floe quilt list`.
#[derive(clap::Args, Debug)]
pub struct ListArgs {
    /// Number of shards the quilt was laid out for.
    #[arg(long, default_value_t = 1000)]
    pub shards: u16,
    /// The quilt file.
    pub quilt: PathBuf,
}

/// Runs a `floe quilt` subcommand.
pub fn run(command: &QuiltCommand) -> Result<()> {
    match command {
        QuiltCommand::Encode(args) => encode(args),
        QuiltCommand::Decode(args) => decode(args),
        QuiltCommand::List(args) => list(args),
    }
}

fn config(shards: u16) -> Result<EncodingConfig> {
    EncodingConfig::new(shards).with_context(|| format!("invalid --shards {shards}"))
}

/// `IDENTIFIER:KEY=VALUE` → (identifier, key, value).
fn parse_tag(tag: &str) -> Result<(String, String, String)> {
    let (identifier, pair) = tag
        .split_once(':')
        .with_context(|| format!("tag {tag:?} is not IDENTIFIER:KEY=VALUE"))?;
    let (key, value) = pair
        .split_once('=')
        .with_context(|| format!("tag {tag:?} is not IDENTIFIER:KEY=VALUE"))?;
    if key.is_empty() {
        bail!("tag {tag:?} has an empty key");
    }
    Ok((identifier.into(), key.into(), value.into()))
}

/// Prints each patch of the quilt `id`: identifier, patch id, columns and tags.
fn print_index(id: BlobId, index: &QuiltIndex) {
    for p in &index.patches {
        let tags: Vec<String> = p.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
        println!(
            "  {}  {}  columns {}..{}{}",
            p.identifier,
            p.patch_id(id),
            p.start_index,
            p.end_index,
            if tags.is_empty() {
                String::new()
            } else {
                format!("  [{}]", tags.join(", "))
            }
        );
    }
}

fn encode(args: &EncodeArgs) -> Result<()> {
    let config = config(args.shards)?;
    let mut contents = Vec::new();
    for file in &args.files {
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .with_context(|| format!("{} has no UTF-8 file name", file.display()))?
            .to_string();
        let data = read_regular_file(file, config.max_blob_size())
            .with_context(|| format!("cannot read {}", file.display()))?;
        contents.push((name, data));
    }
    let mut tags: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for tag in &args.tags {
        let (identifier, key, value) = parse_tag(tag)?;
        if !contents.iter().any(|(name, _)| *name == identifier) {
            bail!("tag {tag:?} names no file of the quilt");
        }
        tags.entry(identifier).or_default().insert(key, value);
    }
    let inputs: Vec<QuiltInput> = contents
        .iter()
        .map(|(name, data)| {
            QuiltInput::new(name.clone(), data)
                .with_tags(tags.get(name).cloned().unwrap_or_default())
        })
        .collect();
    let quilt = encode_quilt(&config, &inputs).context("cannot build the quilt")?;
    let id = blob_id(&config, &quilt.data).context("cannot compute the quilt's blob ID")?;
    write_file_durably(&args.out, &quilt.data)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!(
        "quilt {} ({} files, {} bytes, symbol size {}) written to {}",
        id,
        quilt.index.patches.len(),
        quilt.data.len(),
        quilt.symbol_size,
        args.out.display()
    );
    print_index(id, &quilt.index);
    Ok(())
}

/// Reads and checks the quilt in `file` for `shards` shards, then runs `f` on it.
fn with_quilt(
    shards: u16,
    file: &Path,
    f: impl FnOnce(&EncodingConfig, &[u8], &Quilt) -> Result<()>,
) -> Result<()> {
    let config = config(shards)?;
    let data = read_regular_file(file, config.max_blob_size())
        .with_context(|| format!("cannot read {}", file.display()))?;
    let quilt = Quilt::from_bytes(&config, &data)
        .with_context(|| format!("{} is not a quilt for {shards} shards", file.display()))?;
    f(&config, &data, &quilt)
}

fn decode(args: &DecodeArgs) -> Result<()> {
    with_quilt(args.shards, &args.quilt, |config, data, quilt| {
        let id = blob_id(config, data).context("cannot compute the quilt's blob ID")?;
        unpack(id, quilt, &args.out)
    })
}

/// Writes every file of `quilt` into `out`, after checking that none exists there.
fn unpack(id: BlobId, quilt: &Quilt, out: &Path) -> Result<()> {
    let files = quilt.files().context("cannot read the quilt's files")?;
    fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    // Every target is checked before anything is written.
    for f in &files {
        let path = out.join(&f.identifier);
        if path.file_name().and_then(|n| n.to_str()) != Some(f.identifier.as_str()) {
            bail!("identifier {:?} is not a plain file name", f.identifier);
        }
        if path.exists() {
            bail!("{} exists; not replacing it", path.display());
        }
    }
    for f in &files {
        let path = out.join(&f.identifier);
        write_file_durably(&path, &f.data)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    println!("{} files written to {}", files.len(), out.display());
    print_index(id, quilt.index());
    Ok(())
}

fn list(args: &ListArgs) -> Result<()> {
    with_quilt(args.shards, &args.quilt, |config, data, quilt| {
        let id = blob_id(config, data).context("cannot compute the quilt's blob ID")?;
        println!("quilt {id}: {} files", quilt.index().patches.len());
        print_index(id, quilt.index());
        Ok(())
    })
}
