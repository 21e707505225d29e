//! A seeded mutation test over the checkpoint-file and protobuf paths: valid checkpoints of the
//! devnet ledger, as protobuf and as `{seq}.binpb.zst` files, are mutated (bit flips, byte
//! writes, insertions, deletions, repeated ranges that try to amplify, runs of 0xff that make
//! huge varints and lengths, truncations, splices) and read back through [`proto::decode`] +
//! [`proto::from_proto`] and [`CheckpointFiles`]. Every case must end in a value or an error,
//! never a panic, and the process (this test's own binary, one test) stays under
//! [`PEAK_BOUND`]. The RNG is seeded, so a failure reproduces.

use std::path::Path;

use anyhow::{Context, Result};
use floe_indexer::chain::{Id, SourceError};
use floe_indexer::checkpoint_files::CheckpointFiles;
use floe_indexer::localnet::Localnet;
use floe_indexer::proto;
use floe_indexer::scenario::{run, Scenario, DEVNET};
use proptest::prelude::Rng;
use proptest::test_runner::{RngAlgorithm, TestRng};

/// Mutated protobuf checkpoints decoded.
const PROTO_CASES: u32 = 3000;

/// Mutated checkpoint files read.
const FILE_CASES: u32 = 2000;

/// The seed of the mutations.
const SEED: [u8; 32] = *b"floe issue 23: hostile checkpts!";

/// The peak resident set of this process, bytes: 96 MiB (a decompressed checkpoint is at most
/// 64 MiB; the run peaks near 10 MiB).
const PEAK_BOUND: u64 = 96 << 20;

mod common;
use common::peak_rss;

fn package() -> Id {
    Id::from_u64(0xf10e)
}

/// The protobuf of every checkpoint of the devnet scenario.
fn corpus(dir: &Path) -> Result<Vec<Vec<u8>>> {
    let scenario = Scenario::from_json(DEVNET)?;
    let genesis = scenario.genesis.clone().context("devnet has a genesis")?;
    let net = Localnet::open(dir, genesis)?;
    run(&net, &scenario)?;
    (0..net.checkpoint_count())
        .map(|seq| {
            let cp = net.try_checkpoint(seq).context("sealed")?;
            Ok(proto::encode(&proto::to_proto(&cp, &package())))
        })
        .collect()
}

struct Mutator(TestRng);

impl Mutator {
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.0.next_u64() % n as u64) as usize
        }
    }

    /// One to three mutations of `bytes` (`other` may be spliced in).
    fn mutate(&mut self, bytes: &mut Vec<u8>, other: &[u8]) {
        for _ in 0..1 + self.below(3) {
            let at = self.below(bytes.len() + 1);
            match self.below(8) {
                0 if !bytes.is_empty() => {
                    let i = self.below(bytes.len());
                    bytes[i] ^= 1 << self.below(8);
                }
                1 if !bytes.is_empty() => {
                    let i = self.below(bytes.len());
                    bytes[i] = self.0.next_u64() as u8;
                }
                2 => {
                    let n = 1 + self.below(8);
                    let new: Vec<u8> = (0..n).map(|_| self.0.next_u64() as u8).collect();
                    bytes.splice(at..at, new);
                }
                3 => {
                    let end = (at + 1 + self.below(64)).min(bytes.len());
                    bytes.drain(at.min(end)..end);
                }
                4 => {
                    // A range repeated many times: amplification of whatever it holds.
                    let end = (at + 1 + self.below(16)).min(bytes.len());
                    let range = bytes[at.min(end)..end].to_vec();
                    let copies = 1 + self.below(20_000);
                    let at = self.below(bytes.len() + 1);
                    bytes.splice(at..at, range.repeat(copies));
                }
                5 => {
                    let n = 1 + self.below(10);
                    bytes.splice(at..at, std::iter::repeat_n(0xff, n));
                }
                6 => bytes.truncate(at),
                _ => {
                    let from = self.below(other.len() + 1);
                    let end = (from + self.below(256)).min(other.len());
                    bytes.splice(at..at, other[from..end].iter().copied());
                }
            }
        }
    }
}

#[test]
fn mutated_checkpoints_never_panic_and_stay_bounded() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let corpus = corpus(&tmp.path().join("ledger"))?;
    let mut m = Mutator(TestRng::from_seed(RngAlgorithm::ChaCha, &SEED));

    // Protobuf: decode within the budget, then read as a Floe checkpoint.
    let (mut decoded, mut read, mut refused) = (0u32, 0u32, 0u32);
    for case in 0..PROTO_CASES {
        let i = m.below(corpus.len());
        let mut bytes = corpus[i].clone();
        let other = &corpus[m.below(corpus.len())];
        m.mutate(&mut bytes, other);
        match proto::decode(&bytes, &format!("case {case}")) {
            Ok(cp) => {
                decoded += 1;
                if proto::from_proto(&cp, Some(&package())).is_ok() {
                    read += 1;
                }
            }
            Err(_) => refused += 1,
        }
    }
    eprintln!("protobuf: {decoded} decoded ({read} read as Floe checkpoints), {refused} refused");
    assert!(
        decoded > 0 && refused > 0,
        "the mutations reach both outcomes"
    );

    // Files: mutate the compressed bytes, or the protobuf before compressing it.
    let files = tmp.path().join("files");
    std::fs::create_dir_all(&files)?;
    let source = CheckpointFiles::new(&files, Some(package()));
    let (mut ok, mut malformed, mut limited) = (0u32, 0u32, 0u32);
    for _ in 0..FILE_CASES {
        let i = m.below(corpus.len());
        let other = &corpus[m.below(corpus.len())];
        let file = if m.below(2) == 0 {
            let mut compressed = zstd::encode_all(&corpus[i][..], 3)?;
            m.mutate(&mut compressed, other);
            compressed
        } else {
            let mut bytes = corpus[i].clone();
            m.mutate(&mut bytes, other);
            zstd::encode_all(&bytes[..], 3)?
        };
        // Every file is named as checkpoint `i`'s, so an intact one reads back.
        std::fs::write(files.join(format!("{i}.binpb.zst")), &file)?;
        match source.try_checkpoint(i as u64) {
            Ok(Some(_)) => ok += 1,
            Ok(None) => anyhow::bail!("the file of checkpoint {i} was just written"),
            Err(SourceError::Refused(_)) => limited += 1,
            Err(SourceError::Malformed { .. }) => malformed += 1,
            Err(e) => anyhow::bail!("unexpected error reading a mutated file: {e}"),
        }
        std::fs::remove_file(files.join(format!("{i}.binpb.zst")))?;
    }
    eprintln!("files: {ok} read, {malformed} malformed, {limited} over a limit");
    assert!(malformed > 0, "the mutations reach the malformed outcome");

    let peak = peak_rss()?;
    eprintln!("peak resident set {} MiB", peak >> 20);
    assert!(
        peak < PEAK_BOUND,
        "peak resident set {peak} bytes, over {PEAK_BOUND}"
    );
    Ok(())
}
