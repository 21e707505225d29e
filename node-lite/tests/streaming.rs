//! The streaming encoder and decoder against the in-memory ones: for random blob sizes and
//! n in {4, 10, 31, 100, 1000}, through memory and through scratch files, from files and from
//! streams, on one thread and two, the blob ID, the metadata BCS and every sliver are the
//! in-memory encoder's; decoding a sliver directory from random sufficient subsets (some files
//! corrupted, truncated or malformed) gives the blob back.

use std::{
    fs::File,
    io::{self, Write},
    sync::Mutex,
};

use floe_node::encoding::{
    encode,
    slivers::sliver_bcs,
    streaming::{
        blob_metadata, decode_to_file, encode_stream, BlobInput, BlobShape, ReadAt, SliverDir,
        SliverDirWriter, SliverSink, StreamingError, StreamingOptions,
    },
    Axis, BlobMetadataWithId, EncodingAxis, EncodingConfig, EncodingConfigError, Primary,
    Secondary, SliverIndex,
};
use proptest::{prelude::*, test_runner::TestCaseError};

/// Keeps every sliver in memory and counts how often each byte was written.
#[derive(Default)]
struct Collect {
    shape: Option<BlobShape>,
    /// Primary slivers 0..n then secondary 0..n, with a write count per byte.
    slivers: Vec<Mutex<(Vec<u8>, Vec<u8>)>>,
    metadata: Option<BlobMetadataWithId>,
    begun: usize,
}

impl Collect {
    fn slot(&self, axis: Axis, index: SliverIndex) -> usize {
        let n = self.shape.expect("begun").config().n_shards_usize();
        match axis {
            Axis::Primary => index.as_usize(),
            Axis::Secondary => n + index.as_usize(),
        }
    }

    fn sliver(&self, axis: Axis, index: SliverIndex) -> Vec<u8> {
        let slot = self.slivers[self.slot(axis, index)].lock().expect("lock");
        assert!(
            slot.1.iter().all(|count| *count == 1),
            "every byte of {axis} sliver {index} is written exactly once"
        );
        slot.0.clone()
    }
}

impl SliverSink for Collect {
    fn begin(&mut self, shape: &BlobShape) -> io::Result<()> {
        self.begun += 1;
        self.shape = Some(*shape);
        let n = shape.config().n_shards_usize();
        self.slivers = (0..2 * n)
            .map(|slot| {
                let axis = if slot < n {
                    Axis::Primary
                } else {
                    Axis::Secondary
                };
                let len = shape.sliver_len(axis);
                Mutex::new((vec![0u8; len], vec![0u8; len]))
            })
            .collect();
        Ok(())
    }

    fn write(
        &self,
        axis: Axis,
        index: SliverIndex,
        offset: usize,
        parts: &[&[u8]],
    ) -> io::Result<()> {
        assert!(self.metadata.is_none(), "no write after finish");
        let mut slot = self.slivers[self.slot(axis, index)].lock().expect("lock");
        let mut at = offset;
        for part in parts {
            slot.0[at..at + part.len()].copy_from_slice(part);
            for count in &mut slot.1[at..at + part.len()] {
                *count += 1;
            }
            at += part.len();
        }
        Ok(())
    }

    fn finish(&mut self, metadata: &BlobMetadataWithId) -> io::Result<()> {
        self.metadata = Some(metadata.clone());
        Ok(())
    }
}

fn sample(len: usize, seed: u64) -> Vec<u8> {
    floe_node::sample::sample_blob(len, seed)
}

/// Sizes per committee size: up to where symbols span several coding segments for small
/// committees, and a few MiB at most for the large ones.
fn len_for(n: u16) -> impl Strategy<Value = usize> {
    let max = match n {
        4 => 80_000,
        10 => 300_000,
        31 => 1_000_000,
        100 => 1_500_000,
        _ => 1_200_000,
    };
    prop_oneof![2 => 0usize..3_000, 3 => 3_000usize..max]
}

#[derive(Debug, Clone, Copy)]
enum Input {
    File,
    Stream,
    /// Bytes in memory read by position ([`ReadAt`]).
    Positional,
}

struct InMemory<'a>(&'a [u8]);

impl ReadAt for InMemory<'_> {
    fn len(&self) -> io::Result<u64> {
        Ok(self.0.len() as u64)
    }

    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        let start = usize::try_from(offset).map_err(io::Error::other)?;
        let part = self
            .0
            .get(start..start + buf.len())
            .ok_or(io::ErrorKind::UnexpectedEof)?;
        buf.copy_from_slice(part);
        Ok(())
    }
}

#[derive(Debug, Clone)]
struct Case {
    n: u16,
    len: usize,
    seed: u64,
    input: Input,
    options: StreamingOptions,
}

fn case() -> impl Strategy<Value = Case> {
    prop::sample::select(vec![4u16, 10, 31, 100, 1000])
        .prop_flat_map(|n| {
            (
                Just(n),
                len_for(n),
                any::<u64>(),
                prop::sample::select(vec![Input::File, Input::Stream, Input::Positional]),
                any::<bool>(),
                prop::sample::select(vec![1usize, 2]),
                prop::sample::select(vec![64u64 << 20, 2 << 30]),
            )
        })
        .prop_map(
            |(n, len, seed, input, force_scratch, threads, budget)| Case {
                n,
                len,
                seed,
                input,
                options: StreamingOptions {
                    memory_budget: budget,
                    threads: Some(threads),
                    force_scratch,
                    ..StreamingOptions::default()
                },
            },
        )
}

fn run_streaming(
    config: &EncodingConfig,
    blob: &[u8],
    input: Input,
    sink: Option<&mut dyn SliverSink>,
    options: &StreamingOptions,
) -> Result<BlobMetadataWithId, StreamingError> {
    match input {
        Input::File => {
            let mut file = tempfile::tempfile().expect("temp file");
            file.write_all(blob).expect("write");
            encode_stream(config, BlobInput::File(&file), sink, options)
        }
        Input::Stream => {
            let mut reader = blob;
            encode_stream(config, BlobInput::Stream(&mut reader), sink, options)
        }
        Input::Positional => encode_stream(
            config,
            BlobInput::Positional(&InMemory(blob)),
            sink,
            options,
        ),
    }
}

fn check_case(case: &Case) -> Result<(), TestCaseError> {
    let config = EncodingConfig::new(case.n).expect("valid n");
    let blob = sample(case.len, case.seed);
    let expected = encode(&config, blob.clone()).expect("encodes");

    let mut sink = Collect::default();
    let metadata = run_streaming(&config, &blob, case.input, Some(&mut sink), &case.options)
        .map_err(|e| TestCaseError::fail(format!("streaming encode failed: {e}")))?;
    prop_assert_eq!(metadata.blob_id, expected.blob_id());
    prop_assert_eq!(metadata.to_bcs(), expected.metadata().to_bcs());
    prop_assert_eq!(sink.begun, 1);
    prop_assert_eq!(sink.metadata.as_ref(), Some(expected.metadata()));
    for i in 0..case.n {
        let index = SliverIndex(i);
        prop_assert_eq!(
            &sink.sliver(Axis::Primary, index)[..],
            expected.sliver_bytes::<Primary>(index),
            "primary sliver {}",
            i
        );
        prop_assert_eq!(
            &sink.sliver(Axis::Secondary, index)[..],
            expected.sliver_bytes::<Secondary>(index),
            "secondary sliver {}",
            i
        );
    }

    // Without a sink: the same metadata.
    let metadata = run_streaming(&config, &blob, case.input, None, &case.options)
        .map_err(|e| TestCaseError::fail(format!("metadata-only encode failed: {e}")))?;
    prop_assert_eq!(metadata.to_bcs(), expected.metadata().to_bcs());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    /// Acceptance 1 of issue 15: the streaming encoder's blob ID, metadata BCS and every sliver
    /// equal the in-memory encoder's.
    #[test]
    fn streaming_encoder_equals_the_in_memory_encoder(case in case()) {
        check_case(&case)?;
    }
}

/// Every committee size of the acceptance, both storages, once each at a size that is not
/// small for it (the property test draws sizes at random).
#[test]
fn every_committee_size_through_memory_and_scratch_files() {
    for (n, len) in [
        (4u16, 70_001usize),
        (10, 250_000),
        (31, 900_000),
        (100, 1_000_000),
        (1000, 1_100_000),
    ] {
        for force_scratch in [false, true] {
            let case = Case {
                n,
                len,
                seed: u64::from(n),
                input: Input::File,
                options: StreamingOptions {
                    force_scratch,
                    threads: Some(2),
                    ..StreamingOptions::default()
                },
            };
            check_case(&case).unwrap_or_else(|e| panic!("{case:?}: {e}"));
        }
    }
}

/// A budget below what the committee's leaf hashes alone take is refused up front, naming the
/// budget and what would do.
#[test]
fn a_budget_too_small_is_refused() {
    let config = EncodingConfig::new(1000).expect("valid n");
    let blob = sample(10_000, 3);
    let options = StreamingOptions {
        memory_budget: 20 << 20,
        ..StreamingOptions::default()
    };
    let mut reader = &blob[..];
    match blob_metadata(&config, BlobInput::Stream(&mut reader), &options) {
        Err(StreamingError::BudgetTooSmall { budget, needed, .. }) => {
            assert_eq!(budget, 20 << 20);
            assert!(needed > budget, "{needed}");
        }
        other => panic!("expected a budget error, got {other:?}"),
    }
}

/// A stream longer than the committee can encode is refused once past the limit (through the
/// scratch file, so not held in memory), as a file is.
#[test]
fn a_stream_too_long_for_the_committee_is_refused() {
    let config = EncodingConfig::new(4).expect("valid n");
    let max = config.max_blob_size() as usize;
    let blob = vec![7u8; max + 1];
    let options = StreamingOptions {
        memory_budget: 24 << 20,
        ..StreamingOptions::default()
    };
    let mut reader = &blob[..];
    let result = blob_metadata(&config, BlobInput::Stream(&mut reader), &options);
    assert!(
        matches!(
            result,
            Err(StreamingError::Config(
                EncodingConfigError::DataTooLarge { .. }
            ))
        ),
        "{result:?}"
    );
    let mut reader = &blob[..max];
    let metadata = blob_metadata(&config, BlobInput::Stream(&mut reader), &options).expect("fits");
    let expected = encode(&config, blob[..max].to_vec()).expect("encodes");
    assert_eq!(metadata, *expected.metadata());
}

/// A sink that fails stops the encoder, which returns the sink's error.
#[test]
fn a_failing_sink_stops_the_encoder() {
    struct Failing;
    impl SliverSink for Failing {
        fn begin(&mut self, _: &BlobShape) -> io::Result<()> {
            Ok(())
        }
        fn write(&self, axis: Axis, index: SliverIndex, _: usize, _: &[&[u8]]) -> io::Result<()> {
            if axis == Axis::Secondary && index.get() == 5 {
                return Err(io::Error::other("disk full"));
            }
            Ok(())
        }
        fn finish(&mut self, _: &BlobMetadataWithId) -> io::Result<()> {
            panic!("finish after a failed write")
        }
    }
    let config = EncodingConfig::new(10).expect("valid n");
    let blob = sample(100_000, 9);
    let mut reader = &blob[..];
    let result = encode_stream(
        &config,
        BlobInput::Stream(&mut reader),
        Some(&mut Failing),
        &StreamingOptions::default(),
    );
    let error = result.expect_err("the sink's error").to_string();
    assert!(
        error.contains("secondary sliver 5") && error.contains("disk full"),
        "{error}"
    );
}

fn encode_to_dir(
    config: &EncodingConfig,
    blob: &[u8],
    dir: &std::path::Path,
    options: &StreamingOptions,
) -> BlobMetadataWithId {
    let mut file = tempfile::tempfile().expect("temp file");
    file.write_all(blob).expect("write");
    let mut writer = SliverDirWriter::create(dir).expect("writer");
    encode_stream(config, BlobInput::File(&file), Some(&mut writer), options).expect("encodes")
}

fn decode_dir<A: EncodingAxis>(
    dir: &std::path::Path,
    options: &StreamingOptions,
) -> Result<(Vec<u8>, Vec<String>), StreamingError> {
    let sliver_dir = SliverDir::open(dir)?;
    let (files, mut rejected) = sliver_dir.sliver_files::<A>()?;
    let out = tempfile::tempfile().expect("temp file");
    let report = decode_to_file(
        sliver_dir.config(),
        sliver_dir.metadata(),
        files,
        &out,
        options,
    )?;
    rejected.extend(report.rejected);
    let mut blob = Vec::new();
    io::Read::read_to_end(&mut &out, &mut blob).expect("read back");
    Ok((
        blob,
        rejected
            .iter()
            .map(|r| format!("{}: {}", r.path.display(), r.reason))
            .collect(),
    ))
}

fn remove_all_but<A: EncodingAxis>(dir: &std::path::Path, n: u16, keep: &[u16]) {
    for i in 0..n {
        if !keep.contains(&i) {
            std::fs::remove_file(dir.join(A::NAME).join(format!("{i}.bcs"))).expect("remove");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// The files `SliverDirWriter` writes are the slivers' BCS; decoding from random sufficient
    /// subsets of either axis, with one sliver corrupted and one truncated among extra ones,
    /// gives the blob back and names the two.
    #[test]
    fn decoding_a_sliver_directory_gives_the_blob_back(
        // n = 7 is the smallest with two secondary slivers beyond the k_s needed.
        n in prop::sample::select(vec![7u16, 10, 31, 100]),
        len in 0usize..400_000,
        seed in any::<u64>(),
        primary in any::<bool>(),
        shuffle in prop::collection::vec(any::<u16>(), 100),
    ) {
        let config = EncodingConfig::new(n).expect("valid n");
        let len = len.min(config.max_blob_size() as usize);
        let blob = sample(len, seed);
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("encoded");
        let options = StreamingOptions { threads: Some(2), force_scratch: seed % 2 == 0, ..StreamingOptions::default() };
        encode_to_dir(&config, &blob, &dir, &options);
        let expected = encode(&config, blob.clone()).expect("encodes");
        for i in [0, n - 1] {
            let index = SliverIndex(i);
            prop_assert_eq!(
                std::fs::read(dir.join("primary").join(format!("{i}.bcs"))).expect("read"),
                sliver_bcs(expected.sliver_bytes::<Primary>(index), expected.symbol_size(), index)
            );
            prop_assert_eq!(
                std::fs::read(dir.join("secondary").join(format!("{i}.bcs"))).expect("read"),
                sliver_bcs(expected.sliver_bytes::<Secondary>(index), expected.symbol_size(), index)
            );
        }
        prop_assert_eq!(
            std::fs::read(dir.join("metadata.bcs")).expect("read"),
            expected.metadata().to_bcs()
        );

        // k valid slivers plus two damaged ones, in a random order of indices.
        let k = if primary {
            usize::from(config.n_primary_source_symbols())
        } else {
            usize::from(config.n_secondary_source_symbols())
        };
        let mut all: Vec<u16> = (0..n).collect();
        for (i, c) in shuffle.iter().enumerate().take(k + 2) {
            let j = i + usize::from(*c) % (all.len() - i);
            all.swap(i, j);
        }
        let keep = &all[..k + 2];
        let axis = if primary { "primary" } else { "secondary" };
        // Slivers are tried in index order: the corrupted one comes first, so it is verified.
        let flipped = *keep.iter().min().expect("not empty");
        let truncated = *keep.iter().find(|i| **i != flipped).expect("two at least");
        let flip_path = dir.join(axis).join(format!("{flipped}.bcs"));
        let mut bytes = std::fs::read(&flip_path).expect("read");
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x10;
        std::fs::write(&flip_path, bytes).expect("write");
        let cut_path = dir.join(axis).join(format!("{truncated}.bcs"));
        let bytes = std::fs::read(&cut_path).expect("read");
        std::fs::write(&cut_path, &bytes[..bytes.len() - 1]).expect("write");
        std::fs::write(dir.join(axis).join("not-an-index.bcs"), b"x").expect("write");

        let (decoded, rejected) = if primary {
            remove_all_but::<Primary>(&dir, n, keep);
            decode_dir::<Primary>(&dir, &options)
        } else {
            remove_all_but::<Secondary>(&dir, n, keep);
            decode_dir::<Secondary>(&dir, &options)
        }
        .map_err(|e| TestCaseError::fail(format!("decode failed: {e}")))?;
        prop_assert_eq!(decoded, blob);
        prop_assert_eq!(rejected.len(), 3, "{:?}", rejected);
        for name in [format!("{flipped}.bcs"), format!("{truncated}.bcs"), "not-an-index.bcs".into()] {
            prop_assert!(rejected.iter().any(|r| r.contains(&name)), "{} not in {:?}", name, rejected);
        }
        prop_assert!(rejected.iter().any(|r| r.contains("Merkle root")), "{:?}", rejected);
        prop_assert!(rejected.iter().any(|r| r.contains("truncated")), "{:?}", rejected);

        // One more sliver lost: not enough.
        let last = keep.iter().find(|i| ![flipped, truncated].contains(i)).expect("k > 0");
        let last = dir.join(axis).join(format!("{last}.bcs"));
        std::fs::remove_file(last).expect("remove");
        let result = if primary {
            decode_dir::<Primary>(&dir, &options)
        } else {
            decode_dir::<Secondary>(&dir, &options)
        };
        prop_assert!(result.is_err());
    }
}

/// A blob decoded to a file is exactly as long as the blob, also when it ends inside a row
/// (primary slivers write columns, so the last row is cut), and a tight budget only makes the
/// stripes narrower.
#[test]
fn decoding_with_a_tight_budget_writes_exactly_the_blob() {
    let config = EncodingConfig::new(10).expect("valid n");
    let blob = sample(123_457, 5);
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("encoded");
    encode_to_dir(&config, &blob, &dir, &StreamingOptions::default());
    let tight = StreamingOptions {
        memory_budget: 17 << 20,
        threads: Some(2),
        ..StreamingOptions::default()
    };
    let (decoded, rejected) = decode_dir::<Primary>(&dir, &tight).expect("decodes");
    assert_eq!(decoded, blob);
    assert!(rejected.is_empty());
    let (decoded, _) = decode_dir::<Secondary>(&dir, &tight).expect("decodes");
    assert_eq!(decoded, blob);
    let _ = File::open(&dir).expect("dir exists");
}
