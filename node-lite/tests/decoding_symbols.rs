//! Recovery from decoding symbols (no proofs): any `k` symbols from distinct orthogonal slivers
//! rebuild a sliver that matches the metadata; a wrong symbol is caught by the metadata check, and
//! symbols of the wrong size, out of range or repeated are skipped.

mod common;

use floe_node::encoding::{
    decode_sliver, encode_slice, DecodingSymbol, EncodingConfig, Primary, RecoveryError, Secondary,
    SliverIndex, SliverVerificationError,
};

#[test]
fn k_decoding_symbols_rebuild_each_sliver_and_a_wrong_one_is_caught() {
    for n in [4u16, 10, 31] {
        let config = EncodingConfig::new(n).expect("shards");
        let blob = encode_slice(&config, &common::gen(5000 + usize::from(n), "decoding"))
            .expect("encodes");
        let metadata = &blob.metadata().metadata;
        let k_secondary = usize::from(config.source_symbols::<Secondary>());
        for target in 0..n {
            let target = SliverIndex(target);
            // Primary sliver `target` from the symbols of secondary slivers, the last k first.
            let symbols: Vec<DecodingSymbol<Primary>> = (0..n)
                .rev()
                .flat_map(|j| {
                    blob.sliver::<Secondary>(SliverIndex(j))
                        .decoding_symbols_for(&[target], &config)
                        .expect("symbols")
                })
                .take(k_secondary)
                .collect();
            let rebuilt =
                decode_sliver(symbols.clone(), target, metadata, &config).expect("rebuilt");
            assert_eq!(
                rebuilt,
                blob.sliver::<Primary>(target),
                "n = {n}, sliver {target}"
            );

            // A repeated symbol and one of the wrong size do not count.
            let mut noisy = vec![symbols[0].clone(), DecodingSymbol::new(0, vec![1; 3])];
            noisy.extend(symbols.iter().cloned());
            let rebuilt = decode_sliver(noisy, target, metadata, &config).expect("rebuilt");
            assert_eq!(rebuilt, blob.sliver::<Primary>(target));

            // One flipped byte: the rebuilt sliver contradicts the metadata.
            let mut wrong = symbols.clone();
            wrong[0].data[0] ^= 1;
            assert!(matches!(
                decode_sliver(wrong, target, metadata, &config),
                Err(RecoveryError::Sliver(
                    SliverVerificationError::MerkleRootMismatch
                ))
            ));
            // Too few.
            assert!(matches!(
                decode_sliver(symbols[1..].to_vec(), target, metadata, &config),
                Err(RecoveryError::NotEnoughSymbols { .. })
            ));
        }
    }
}
