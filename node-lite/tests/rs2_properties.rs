//! Property tests of the RS2 code: decoding from any minimal set of slivers, recovery of every
//! sliver from random sufficient symbol sets, and detection of any flipped byte.

use floe_node::encoding::{
    decode, decode_with_report, encode, recover_sliver, DecodeError, EncodedBlob, EncodingAxis,
    EncodingConfig, Primary, RecoveryError, Secondary, SliverIndex, SliverOrInconsistencyProof,
    SliverPairIndex, SliverVerificationError,
};
use proptest::{prelude::*, test_runner::TestCaseError};

const SHARD_COUNTS: [u16; 5] = [4, 7, 10, 31, 100];

/// Blob sizes from empty to a few MiB, biased to small sizes so that many cases run.
fn blob_len() -> impl Strategy<Value = usize> {
    prop_oneof![
        4 => 0usize..2_000,
        3 => 2_000usize..200_000,
        1 => 200_000usize..(3 << 20),
    ]
}

fn blob_strategy() -> impl Strategy<Value = (u16, Vec<u8>)> {
    (
        prop::sample::select(SHARD_COUNTS.to_vec()),
        blob_len(),
        any::<u64>(),
    )
        .prop_map(|(n, len, seed)| {
            // Small committees cannot hold a few MiB: stay within the committee's maximum.
            let max = EncodingConfig::new(n).expect("valid n").max_blob_size();
            let len = len.min(usize::try_from(max).unwrap_or(usize::MAX));
            let mut x = seed | 1;
            let blob = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
                .collect();
            (n, blob)
        })
}

/// Picks `k` distinct indices out of `0..n` with the proptest RNG-derived `choice` list.
fn choose(n: u16, k: usize, choice: &[u16]) -> Vec<u16> {
    let mut all: Vec<u16> = (0..n).collect();
    // Fisher–Yates driven by the generated choices.
    for (i, c) in choice.iter().enumerate().take(k) {
        let j = i + usize::from(*c) % (all.len() - i);
        all.swap(i, j);
    }
    all.truncate(k);
    all
}

fn check_decode<A: EncodingAxis>(
    encoded: &EncodedBlob,
    blob: &[u8],
    picks: &[u16],
) -> Result<(), TestCaseError> {
    let config = encoded.config();
    let slivers = picks.iter().map(|&i| encoded.sliver::<A>(SliverIndex(i)));
    let decoded = decode(config, encoded.metadata(), slivers)
        .map_err(|e| TestCaseError::fail(format!("{} decode failed: {e}", A::NAME)))?;
    prop_assert_eq!(decoded.as_slice(), blob);
    // One sliver fewer is not enough.
    let too_few = picks[1..]
        .iter()
        .map(|&i| encoded.sliver::<A>(SliverIndex(i)));
    let is_not_enough = matches!(
        decode(config, encoded.metadata(), too_few),
        Err(DecodeError::NotEnoughSlivers { .. })
    );
    prop_assert!(is_not_enough);
    Ok(())
}

/// Recovers every sliver of axis `A` from a random sufficient subset of orthogonal slivers.
fn check_recovery<A: EncodingAxis>(
    encoded: &EncodedBlob,
    choice: &[u16],
) -> Result<(), TestCaseError> {
    let config = *encoded.config();
    let n = config.n_shards();
    let metadata = &encoded.metadata().metadata;
    let needed = usize::from(config.source_symbols::<A::Orthogonal>());
    let sources: Vec<_> = (0..n)
        .map(|j| {
            encoded
                .sliver::<A::Orthogonal>(SliverIndex(j))
                .recovery_source(&config)
                .expect("valid sliver")
        })
        .collect();
    for target in 0..n {
        let pair = SliverIndex(target).to_pair_index::<A>(n);
        let rotated: Vec<u16> = choice.iter().map(|c| c.wrapping_add(target)).collect();
        let helpers = choose(n, needed, &rotated);
        let symbols = helpers.iter().map(|&j| {
            sources[usize::from(j)]
                .symbol_for(pair)
                .expect("target in range")
        });
        match recover_sliver::<A>(symbols, SliverIndex(target), metadata, &config) {
            Ok(SliverOrInconsistencyProof::Sliver(sliver)) => {
                prop_assert_eq!(
                    sliver.data(),
                    encoded.sliver_bytes::<A>(SliverIndex(target))
                );
            }
            other => {
                return Err(TestCaseError::fail(format!(
                    "recovery of {target}: {other:?}"
                )))
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, max_shrink_iters: 16, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn decodes_from_any_minimal_subset(
        (n, blob) in blob_strategy(),
        choice in prop::collection::vec(any::<u16>(), 100),
    ) {
        let config = EncodingConfig::new(n).expect("valid n");
        let encoded = encode(&config, blob.clone()).expect("encodes");
        let k_p = usize::from(config.n_primary_source_symbols());
        let k_s = usize::from(config.n_secondary_source_symbols());
        check_decode::<Primary>(&encoded, &blob, &choose(n, k_p, &choice))?;
        check_decode::<Secondary>(&encoded, &blob, &choose(n, k_s, &choice))?;
    }

    #[test]
    fn every_sliver_is_recovered(
        (n, blob) in blob_strategy(),
        choice in prop::collection::vec(any::<u16>(), 100),
    ) {
        let config = EncodingConfig::new(n).expect("valid n");
        let encoded = encode(&config, blob).expect("encodes");
        check_recovery::<Primary>(&encoded, &choice)?;
        check_recovery::<Secondary>(&encoded, &choice)?;
    }

    #[test]
    fn any_flipped_byte_is_detected(
        (n, blob) in blob_strategy(),
        sliver in any::<u16>(),
        position in any::<usize>(),
        bit in 0u8..8,
        target in any::<u16>(),
    ) {
        let config = EncodingConfig::new(n).expect("valid n");
        let encoded = encode(&config, blob).expect("encodes");
        let metadata = &encoded.metadata().metadata;
        let index = SliverIndex(sliver % n);

        // A flipped byte in a primary or secondary sliver fails verification and decoding.
        let mut primary = encoded.sliver::<Primary>(index);
        let at = position % primary.len();
        primary.data_mut()[at] ^= 1 << bit;
        prop_assert_eq!(primary.verify(&config, metadata), Err(SliverVerificationError::MerkleRootMismatch));
        // Offered first among all slivers: rejected and named, and the others decode the blob.
        let others = (0..n)
            .filter(|i| *i != index.get())
            .map(|i| encoded.sliver::<Primary>(SliverIndex(i)));
        let report = decode_with_report(
            &config,
            encoded.metadata(),
            std::iter::once(primary.clone()).chain(others),
        )
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(report.rejected.len(), 1);
        prop_assert_eq!(report.rejected[0].index, index);
        // Needed (only k_p slivers offered, the corrupted one among them): the error names it.
        let k_p = usize::from(config.n_primary_source_symbols());
        let minimal = (0..n)
            .filter(|i| *i != index.get())
            .take(k_p - 1)
            .map(|i| encoded.sliver::<Primary>(SliverIndex(i)));
        let result = decode(&config, encoded.metadata(), std::iter::once(primary).chain(minimal));
        let named = matches!(result, Err(DecodeError::InvalidSliver { index: bad, .. }) if bad == index);
        prop_assert!(named, "decode must name sliver {}", index);

        let mut secondary = encoded.sliver::<Secondary>(index);
        let at = position % secondary.len();
        secondary.data_mut()[at] ^= 1 << bit;
        prop_assert_eq!(secondary.verify(&config, metadata), Err(SliverVerificationError::MerkleRootMismatch));

        // A flipped byte in a recovery symbol fails its proof.
        let pair = SliverPairIndex(target % n);
        let mut symbol = encoded
            .sliver::<Secondary>(index)
            .recovery_symbol_for(pair, &config)
            .expect("in range");
        let target_index = pair.to_sliver_index::<Primary>(n);
        prop_assert_eq!(symbol.verify(&config, metadata, target_index), Ok(()));
        let at = position % symbol.symbol.data.len();
        symbol.symbol.data[at] ^= 1 << bit;
        prop_assert_eq!(
            symbol.verify(&config, metadata, target_index),
            Err(RecoveryError::InvalidProof { source_index: index.get() })
        );
    }
}

/// A blob whose slivers were built from inconsistent data yields an inconsistency proof that
/// anyone can verify; the same proof is rejected against correct metadata.
#[test]
fn inconsistent_encoding_produces_a_verifiable_proof() {
    let n = 10;
    let config = EncodingConfig::new(n).expect("valid n");
    let honest = encode(&config, vec![5u8; 3000]).expect("encodes");
    let mut metadata = honest.metadata().metadata.clone();
    // A writer that lies about primary sliver 3's hash: nodes recovering it detect the lie.
    let target = SliverIndex(3);
    let floe_node::encoding::BlobMetadata::V1(inner) = &mut metadata;
    inner.hashes[3].primary_hash = floe_node::encoding::merkle::Node::Digest([9; 32]);
    let symbols: Vec<_> = (0..n)
        .map(|j| {
            honest
                .sliver::<Secondary>(SliverIndex(j))
                .recovery_symbol_for(SliverPairIndex(3), &config)
                .expect("in range")
        })
        .collect();
    let proof = match recover_sliver::<Primary>(symbols.clone(), target, &metadata, &config) {
        Ok(SliverOrInconsistencyProof::InconsistencyProof(proof)) => proof,
        other => panic!("expected an inconsistency proof, got {other:?}"),
    };
    assert_eq!(proof.verify(&metadata, &config), Ok(()));
    assert_eq!(
        proof.verify(&honest.metadata().metadata, &config),
        Err(floe_node::encoding::InconsistencyVerificationError::SliverNotInconsistent)
    );
    let bytes = bcs::to_bytes(&proof).expect("serializes");
    let back: floe_node::encoding::InconsistencyProof<Primary> =
        bcs::from_bytes(&bytes).expect("parses");
    assert_eq!(back, proof);
}

/// The BCS layout of a sliver is Walrus's: `uleb128(len) ‖ data ‖ u16 symbol_size ‖ u16 index`.
#[test]
fn sliver_bcs_layout_is_walruss() {
    let config = EncodingConfig::new(4).expect("valid n");
    let encoded = encode(&config, b"walrus blob id v1 regression test".to_vec()).expect("encodes");
    let sliver = encoded.sliver::<Secondary>(SliverIndex(3));
    let bytes = sliver.to_bcs();
    let mut expected = vec![sliver.len() as u8];
    expected.extend_from_slice(sliver.data());
    expected.extend_from_slice(&sliver.symbol_size().get().to_le_bytes());
    expected.extend_from_slice(&3u16.to_le_bytes());
    assert_eq!(bytes, expected);
    assert_eq!(encoded.sliver_bcs::<Secondary>(SliverIndex(3)), expected);
    assert_eq!(
        floe_node::encoding::SliverData::<Secondary>::from_bcs(&bytes),
        Ok(sliver)
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    /// Bytes from disk or the network never panic the parsers or the verifiers: they parse and
    /// verify, or they are refused with an error.
    #[test]
    fn arbitrary_bytes_are_refused_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..600), cut in any::<usize>()) {
        let config = EncodingConfig::new(4).expect("valid n");
        let encoded = encode(&config, vec![1u8; 100]).expect("encodes");
        let metadata = &encoded.metadata().metadata;
        if let Ok(parsed) = floe_node::encoding::BlobMetadataWithId::from_bcs(&bytes) {
            let _ = parsed.verify(&config);
        }
        if let Ok(sliver) = floe_node::encoding::SliverData::<Primary>::from_bcs(&bytes) {
            let _ = sliver.verify(&config, metadata);
            let _ = sliver.recovery_source(&config);
        }
        if let Ok(symbol) = bcs::from_bytes::<floe_node::encoding::RecoverySymbol<Primary>>(&bytes) {
            let _ = symbol.verify(&config, metadata, SliverIndex(1));
        }
        // A valid encoding truncated anywhere is refused.
        let valid = encoded.metadata().to_bcs();
        let cut = cut % valid.len();
        prop_assert!(floe_node::encoding::BlobMetadataWithId::from_bcs(&valid[..cut]).is_err());
    }
}

/// A corrupt copy of a sliver offered before the genuine one does not shadow it, and a sliver
/// with an out-of-range index is refused without a panic.
#[test]
fn bad_slivers_neither_shadow_good_ones_nor_panic() {
    let config = EncodingConfig::new(7).expect("valid n");
    let blob: Vec<u8> = (0..4000u32).map(|i| (i % 251) as u8).collect();
    let encoded = encode(&config, blob.clone()).expect("encodes");
    let mut corrupt = encoded.sliver::<Primary>(SliverIndex(0));
    corrupt.data_mut()[0] ^= 1;
    let offered = [corrupt, encoded.sliver::<Primary>(SliverIndex(0))]
        .into_iter()
        .chain((1..3).map(|i| encoded.sliver::<Primary>(SliverIndex(i))));
    let report = decode_with_report(&config, encoded.metadata(), offered).expect("decodes");
    assert_eq!(report.blob, blob);
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].index, SliverIndex(0));

    let s = encoded.symbol_size();
    let len = config.sliver_len::<Secondary>(s);
    let stray =
        floe_node::encoding::SliverData::<Secondary>::new(vec![0; len], s, SliverIndex(100))
            .expect("whole symbols");
    let result = decode(&config, encoded.metadata(), [stray]);
    assert!(
        matches!(
            result,
            Err(DecodeError::InvalidSliver {
                index: SliverIndex(100),
                ..
            })
        ),
        "{result:?}"
    );
}

/// One lying peer cannot block a recovery when enough honest symbols arrive.
#[test]
fn invalid_recovery_symbols_are_skipped() {
    let config = EncodingConfig::new(7).expect("valid n");
    let encoded = encode(&config, vec![9u8; 3000]).expect("encodes");
    let metadata = &encoded.metadata().metadata;
    let pair = SliverPairIndex(2);
    let mut symbols: Vec<_> = (0..7)
        .map(|j| {
            encoded
                .sliver::<Secondary>(SliverIndex(j))
                .recovery_symbol_for(pair, &config)
                .expect("in range")
        })
        .collect();
    symbols[0].symbol.data[0] ^= 0xff;
    let target = pair.to_sliver_index::<Primary>(7);
    match recover_sliver::<Primary>(symbols.clone(), target, metadata, &config) {
        Ok(SliverOrInconsistencyProof::Sliver(sliver)) => {
            assert_eq!(sliver.data(), encoded.sliver_bytes::<Primary>(target))
        }
        other => panic!("expected the sliver, got {other:?}"),
    }
    // With only the liar and too few honest peers, the error says so.
    let few = symbols.into_iter().take(3);
    assert_eq!(
        recover_sliver::<Primary>(few, target, metadata, &config),
        Err(RecoveryError::NotEnoughSymbols {
            needed: 5,
            got: 2,
            rejected: 1
        })
    );
}

/// The recovery symbols a node serves at `/recoverySymbols` use Walrus's `GeneralRecoverySymbol`
/// layout: axis variant ‖ u16 source index ‖ bytes ‖ u16 target index ‖ proof path.
#[test]
fn general_recovery_symbols_have_walruss_layout_and_verify() {
    use floe_node::encoding::GeneralRecoverySymbol;
    let config = EncodingConfig::new(10).expect("valid n");
    let encoded = encode(&config, b"walrus blob id v1 regression test".to_vec()).expect("encodes");
    let metadata = &encoded.metadata().metadata;
    let pair = SliverPairIndex(3);
    let target = pair.to_sliver_index::<Primary>(10);
    let symbol = encoded
        .sliver::<Secondary>(SliverIndex(6))
        .recovery_symbol_for(pair, &config)
        .expect("in range");
    let general = GeneralRecoverySymbol::from_recovery_symbol(symbol.clone(), target);
    assert_eq!(general.verify(&config, metadata), Ok(()));

    let bytes = bcs::to_bytes(&general).expect("serializes");
    let mut expected = vec![0u8]; // Primary: a symbol for a primary sliver
    expected.extend_from_slice(&6u16.to_le_bytes());
    expected.push(symbol.symbol.data.len() as u8);
    expected.extend_from_slice(&symbol.symbol.data);
    expected.extend_from_slice(&target.get().to_le_bytes());
    expected.extend_from_slice(&bcs::to_bytes(&symbol.proof).expect("serializes"));
    assert_eq!(bytes, expected);

    let back: GeneralRecoverySymbol = bcs::from_bytes(&bytes).expect("parses");
    assert_eq!(back.clone().into_primary(), Some(symbol));
    assert_eq!(back.into_secondary(), None);

    // A tampered symbol does not verify.
    let mut tampered = general;
    if let floe_node::encoding::EitherDecodingSymbol::Primary(s) = &mut tampered.symbol {
        s.data[0] ^= 1;
    }
    assert!(tampered.verify(&config, metadata).is_err());
}
