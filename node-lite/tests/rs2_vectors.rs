//! Reproduces every reference result of Walrus's own RS2 encoder in `tests/vectors/`.

mod common;

use floe_node::encoding::{
    encode, BlobId, EncodingConfig, EncodingConfigError, Primary, Secondary, SliverIndex,
    SliverPairIndex,
};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

fn load(name: &str) -> Value {
    common::load_vectors(name)
}

fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hex::encode(hasher.finalize())
}

/// The inputs named in the vector files (see their `about` text).
fn input(name: &str) -> Vec<u8> {
    match name {
        "empty" => Vec::new(),
        "one_byte_00" => vec![0],
        "regression_str" => b"walrus blob id v1 regression test".to_vec(),
        generated => {
            let rest = generated
                .strip_prefix("gen_")
                .unwrap_or_else(|| panic!("unknown input {name}"));
            let (size, seed) = rest.split_once('_').expect("gen_<SIZE>_<SEED>");
            let size: usize = match size {
                "1MiB" => 1 << 20,
                "10MiB" => 10 << 20,
                plain => plain.parse().expect("numeric size"),
            };
            common::gen(size, seed)
        }
    }
}

fn field_u64(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("field {key} missing in {v}"))
}

fn field_str<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("field {key} missing"))
}

/// Checks every summary field of one vector against our encoder.
fn check_vector(v: &Value) {
    let name = field_str(v, "input");
    let n = field_u64(v, "n_shards") as u16;
    let blob = input(name);
    let label = format!("{name} at n = {n}");
    assert_eq!(
        blob.len() as u64,
        field_u64(v, "unencoded_length"),
        "{label}"
    );
    assert_eq!(
        sha256_hex(&[&blob]),
        field_str(v, "input_sha256"),
        "{label}: input"
    );
    let config = EncodingConfig::new(n).expect("valid shard count");

    if let Some(error) = v["error"].as_str() {
        assert_eq!(error, "DATA_TOO_LARGE", "{label}: unknown error kind");
        match encode(&config, blob) {
            Err(EncodingConfigError::DataTooLarge { .. }) => {}
            other => panic!("{label}: expected DataTooLarge, got {other:?}"),
        }
        return;
    }

    assert_eq!(field_u64(v, "encoding_type_byte"), 1, "{label}");
    assert_eq!(
        u64::from(config.n_primary_source_symbols()),
        field_u64(v, "n_primary_source_symbols"),
        "{label}"
    );
    assert_eq!(
        u64::from(config.n_secondary_source_symbols()),
        field_u64(v, "n_secondary_source_symbols"),
        "{label}"
    );
    let encoded = encode(&config, blob).expect("the reference encoder accepts this input");
    let s = encoded.symbol_size();
    assert_eq!(
        u64::from(s.get()),
        field_u64(v, "symbol_size"),
        "{label}: symbol size"
    );
    assert_eq!(
        config.primary_sliver_len(s) as u64,
        field_u64(v, "primary_sliver_len"),
        "{label}"
    );
    assert_eq!(
        config.secondary_sliver_len(s) as u64,
        field_u64(v, "secondary_sliver_len"),
        "{label}"
    );

    let blob_id = encoded.blob_id();
    assert_eq!(
        blob_id.to_string(),
        field_str(v, "blob_id"),
        "{label}: blob ID"
    );
    assert_eq!(
        blob_id.to_hex(),
        field_str(v, "blob_id_hex"),
        "{label}: blob ID hex"
    );
    assert_eq!(
        field_str(v, "blob_id").parse::<BlobId>().ok(),
        Some(blob_id),
        "{label}: blob ID text form"
    );
    let root = encoded.metadata().metadata.root_hash();
    assert_eq!(
        hex::encode(root.bytes()),
        field_str(v, "root_hash"),
        "{label}: root"
    );
    assert_eq!(
        u64::from(blob_id.rotation_offset(n)),
        field_u64(v, "rotation_offset"),
        "{label}: rotation"
    );
    assert_eq!(
        SliverPairIndex(0).to_shard_index(n, &blob_id).get() as u64,
        field_u64(v, "rotation_offset"),
        "{label}: pair 0 lands on shard `rotation_offset`"
    );

    let metadata_bcs = encoded.metadata().to_bcs();
    assert_eq!(
        metadata_bcs.len() as u64,
        field_u64(v, "metadata_bcs_len"),
        "{label}"
    );
    assert_eq!(
        sha256_hex(&[&metadata_bcs]),
        field_str(v, "metadata_bcs_sha256"),
        "{label}: metadata BCS"
    );

    let primary: Vec<&[u8]> = (0..n)
        .map(|i| encoded.sliver_bytes::<Primary>(SliverPairIndex(i).to_sliver_index::<Primary>(n)))
        .collect();
    let secondary: Vec<&[u8]> = (0..n)
        .map(|i| {
            encoded.sliver_bytes::<Secondary>(SliverPairIndex(i).to_sliver_index::<Secondary>(n))
        })
        .collect();
    assert_eq!(
        sha256_hex(&primary),
        field_str(v, "primary_slivers_sha256"),
        "{label}: primary slivers"
    );
    assert_eq!(
        sha256_hex(&secondary),
        field_str(v, "secondary_slivers_sha256"),
        "{label}: secondary slivers"
    );

    if let Some(pairs) = v["pairs"].as_array() {
        check_pairs(&label, &encoded, pairs);
    }
    if let Some(hex_bcs) = v["metadata_bcs_hex"].as_str() {
        assert_eq!(
            hex::encode(&metadata_bcs),
            hex_bcs,
            "{label}: metadata BCS bytes"
        );
    }
}

/// Per-pair detail: indices, shard, sliver digests and Merkle roots.
fn check_pairs(label: &str, encoded: &floe_node::encoding::EncodedBlob, pairs: &[Value]) {
    let n = encoded.config().n_shards();
    let hashes = encoded.metadata().metadata.hashes();
    for pair in pairs {
        let p = SliverPairIndex(field_u64(pair, "pair_index") as u16);
        let at = format!("{label}, pair {p}");
        assert_eq!(
            u64::from(p.to_shard_index(n, &encoded.blob_id()).get()),
            field_u64(pair, "shard_index"),
            "{at}: shard"
        );
        for (axis, key) in [(true, "primary"), (false, "secondary")] {
            let detail = &pair[key];
            let index = SliverIndex(field_u64(detail, "sliver_index") as u16);
            let (bytes, root) = if axis {
                assert_eq!(index, p.to_sliver_index::<Primary>(n), "{at}");
                (
                    encoded.sliver_bytes::<Primary>(index),
                    hashes[p.as_usize()].primary_hash,
                )
            } else {
                assert_eq!(index, p.to_sliver_index::<Secondary>(n), "{at}");
                (
                    encoded.sliver_bytes::<Secondary>(index),
                    hashes[p.as_usize()].secondary_hash,
                )
            };
            assert_eq!(
                bytes.len() as u64,
                field_u64(detail, "len"),
                "{at} {key}: len"
            );
            assert_eq!(
                sha256_hex(&[bytes]),
                field_str(detail, "sha256"),
                "{at} {key}"
            );
            assert_eq!(
                hex::encode(root.bytes()),
                field_str(detail, "merkle_root"),
                "{at} {key}: Merkle root"
            );
        }
    }
}

#[test]
fn every_reference_vector_is_reproduced() {
    let file = load("rs2.json");
    let vectors = file["vectors"].as_array().expect("a vectors array");
    assert!(vectors.len() >= 18, "expected the full vector set");
    let mut rejected = 0;
    for v in vectors {
        check_vector(v);
        rejected += usize::from(v["error"].is_string());
    }
    assert!(rejected > 0, "the file includes rejected inputs");
}

#[test]
fn per_sliver_detail_is_reproduced() {
    let file = load("rs2-detail.json");
    let cases = file["cases"].as_array().expect("a cases array");
    assert!(!cases.is_empty());
    for case in cases {
        let mut v = case["result"].clone();
        v["input"] = case["input"].clone();
        assert!(v["pairs"].as_array().is_some_and(|p| !p.is_empty()));
        check_vector(&v);
    }
}
