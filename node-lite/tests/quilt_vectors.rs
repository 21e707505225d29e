//! Reproduces every quilt of `tests/vectors/quilt.json` (made by Walrus's TypeScript SDK):
//! bytes, blob ID, patch columns and tags; reads every file back; and checks the refusals.

mod common;

use std::collections::BTreeMap;

use floe_node::encoding::{
    blob_id,
    quilt::{encode_quilt, validate_identifier, Quilt, QuiltError, QuiltInput, QuiltPatchId},
    BlobId, EncodingConfig,
};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

fn tags_of(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .expect("tags object")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("tag value").to_owned()))
        .collect()
}

fn u64_of(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or_else(|| panic!("{key} missing"))
}

#[test]
fn every_vector_case_reproduces() {
    let vectors = common::load_vectors("quilt.json");
    let cases = vectors["cases"].as_array().expect("cases");
    assert!(!cases.is_empty());
    for (c, case) in cases.iter().enumerate() {
        let n_shards = u16::try_from(u64_of(case, "n_shards")).expect("u16");
        let config = EncodingConfig::new(n_shards).expect("config");
        let files: Vec<(String, BTreeMap<String, String>, Vec<u8>)> = case["files"]
            .as_array()
            .expect("files")
            .iter()
            .map(|f| {
                let size = usize::try_from(u64_of(f, "size")).expect("size");
                let seed = f["seed"].as_str().expect("seed");
                (
                    f["identifier"].as_str().expect("identifier").to_owned(),
                    tags_of(&f["tags"]),
                    common::gen(size, seed),
                )
            })
            .collect();
        let inputs: Vec<QuiltInput<'_>> = files
            .iter()
            .map(|(id, tags, data)| QuiltInput::new(id.clone(), data).with_tags(tags.clone()))
            .collect();
        let quilt = encode_quilt(&config, &inputs).unwrap_or_else(|e| panic!("case {c}: {e}"));

        assert_eq!(
            quilt.data.len() as u64,
            u64_of(case, "quilt_len"),
            "case {c}: quilt length"
        );
        assert_eq!(
            hex::encode(Sha256::digest(&quilt.data)),
            case["quilt_sha256"].as_str().expect("sha"),
            "case {c}: quilt SHA-256"
        );
        let expected_id: BlobId = case["quilt_blob_id"]
            .as_str()
            .expect("blob id")
            .parse()
            .expect("blob id parses");
        assert_eq!(
            blob_id(&config, &quilt.data).expect("blob id"),
            expected_id,
            "case {c}: quilt blob ID"
        );

        let patches = case["patches"].as_array().expect("patches");
        assert_eq!(quilt.index.patches.len(), patches.len(), "case {c}");
        let read = Quilt::from_bytes(&config, &quilt.data).expect("quilt reads back");
        assert_eq!(read.index(), &quilt.index, "case {c}: decoded index");
        for (got, want) in read.index().patches.iter().zip(patches) {
            assert_eq!(got.identifier, want["identifier"].as_str().expect("id"));
            assert_eq!(
                u64::from(got.start_index),
                u64_of(want, "start_index"),
                "case {c} {}: start",
                got.identifier
            );
            assert_eq!(
                u64::from(got.end_index),
                u64_of(want, "end_index"),
                "case {c} {}: end",
                got.identifier
            );
            assert_eq!(got.tags, tags_of(&want["tags"]), "case {c}: tags");
        }
        for (id, tags, data) in &files {
            let file = read
                .get(id)
                .unwrap_or_else(|e| panic!("case {c} {id}: {e}"));
            assert_eq!(&file.identifier, id);
            assert_eq!(&file.tags, tags, "case {c} {id}: tags");
            assert!(file.data == *data, "case {c} {id}: bytes differ");
        }
        assert_eq!(read.files().expect("all files").len(), files.len());

        // Every file is also read by its patch id, which survives its text form.
        for (id, _, data) in &files {
            let patch = read.index().get(id).expect("indexed");
            let patch_id = patch.patch_id(expected_id);
            let text = patch_id.to_string();
            assert_eq!(text.parse::<QuiltPatchId>(), Ok(patch_id), "case {c} {id}");
            let file = read
                .get_by_patch_id(&patch_id)
                .unwrap_or_else(|e| panic!("case {c} {id} by patch id: {e}"));
            assert!(
                file.identifier == *id && file.data == *data,
                "case {c} {id}"
            );
        }
    }
}

/// A patch id is Walrus's 37 bytes (blob ID, version byte 0x01, start and end columns as `u16`
/// little-endian) in URL-safe base64 without padding; anything else is refused with a reason.
#[test]
fn patch_ids_have_walrus_layout_and_refuse_malformed_text() {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
    let quilt_id = BlobId([7; 32]);
    let id = QuiltPatchId {
        quilt_id,
        start_index: 3,
        end_index: 0x0102,
    };
    let mut want = vec![7u8; 32];
    want.extend_from_slice(&[0x01, 3, 0, 0x02, 0x01]);
    assert_eq!(id.to_bytes().to_vec(), want);
    assert_eq!(id.to_string(), URL_SAFE_NO_PAD.encode(&want));
    assert_eq!(id.to_string().len(), 50);

    let encode = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
    let mut v2 = want.clone();
    v2[32] = 0x02;
    let mut empty = want.clone();
    empty[33..].copy_from_slice(&[5, 0, 5, 0]);
    for (text, reason) in [
        ("not base64!".to_string(), "base64"),
        (encode(&want[..36]), "36 bytes"),
        (encode(&[want.as_slice(), &[0]].concat()), "38 bytes"),
        (encode(&v2), "version byte 0x02"),
        (encode(&empty), "empty column range 5..5"),
        (quilt_id.to_string(), "32 bytes"),
    ] {
        let err = text.parse::<QuiltPatchId>().expect_err(&text).to_string();
        assert!(err.contains(reason) && err.contains(&text), "{err}");
    }

    // A well-formed id whose columns are not a patch of this quilt finds nothing.
    let config = config10();
    let data = vec![1u8; 100];
    let quilt = encode_quilt(&config, &[QuiltInput::new("a", &data)]).expect("quilt");
    let read = Quilt::from_bytes(&config, &quilt.data).expect("reads");
    let patch = &read.index().patches[0];
    let stray = QuiltPatchId {
        quilt_id,
        start_index: patch.start_index,
        end_index: patch.end_index + 1,
    };
    assert!(matches!(
        read.get_by_patch_id(&stray),
        Err(QuiltError::NotFound(_))
    ));
}

fn config10() -> EncodingConfig {
    EncodingConfig::new(10).expect("config")
}

#[test]
fn refuses_duplicate_identifiers() {
    let inputs = [QuiltInput::new("a", b"1"), QuiltInput::new("a", b"2")];
    assert_eq!(
        encode_quilt(&config10(), &inputs),
        Err(QuiltError::DuplicateIdentifier("a".into()))
    );
}

#[test]
fn refuses_invalid_identifiers() {
    for bad in [
        "",
        "trailing ",
        "tab\t",
        "nl\n",
        "te\u{8}st",
        "\u{1b}x",
        "x\u{7f}",
        "x\u{85}",
    ] {
        assert!(
            matches!(
                validate_identifier(bad),
                Err(QuiltError::InvalidIdentifier { .. })
            ),
            "{bad:?} accepted"
        );
        let inputs = [QuiltInput::new(bad, b"x")];
        assert!(
            matches!(
                encode_quilt(&config10(), &inputs),
                Err(QuiltError::InvalidIdentifier { .. })
            ),
            "{bad:?} encoded"
        );
    }
    let long = "x".repeat(65_536);
    assert!(validate_identifier(&long).is_err());
    for good in ["a", "test blob", ".x", "-x", "_x", "ünï"] {
        validate_identifier(good).expect(good);
    }
}

#[test]
fn refuses_too_many_files() {
    // 10 shards: 7 columns, one at least for the index, so at most 6 files.
    let names: Vec<String> = (0..7).map(|i| format!("f{i}")).collect();
    let inputs: Vec<_> = names
        .iter()
        .map(|n| QuiltInput::new(n.clone(), b"x"))
        .collect();
    assert!(encode_quilt(&config10(), &inputs[..6]).is_ok());
    assert_eq!(
        encode_quilt(&config10(), &inputs),
        Err(QuiltError::TooManyFiles { files: 7, max: 6 })
    );
}

#[test]
fn refuses_too_large_files() {
    // 4 rows x 7 columns of at most 65534-byte symbols: a 2 MB file cannot fit.
    let data = vec![0u8; 2_000_000];
    let inputs = [QuiltInput::new("big", &data)];
    assert!(matches!(
        encode_quilt(&config10(), &inputs),
        Err(QuiltError::TooLarge(_))
    ));
}

#[test]
fn refuses_corrupt_quilts() {
    let config = config10();
    let inputs = [
        QuiltInput::new("a", b"hello"),
        QuiltInput::new("b", b"world").with_tags([("k".to_owned(), "v".to_owned())]),
    ];
    let good = encode_quilt(&config, &inputs).expect("encodes").data;

    // Wrong length and empty input.
    assert!(matches!(
        Quilt::from_bytes(&config, &good[1..]),
        Err(QuiltError::BadLength { .. })
    ));
    assert!(matches!(
        Quilt::from_bytes(&config, &[]),
        Err(QuiltError::BadLength { .. })
    ));
    // Version byte.
    let mut bad = good.clone();
    bad[0] = 2;
    assert_eq!(
        Quilt::from_bytes(&config, &bad).err(),
        Some(QuiltError::UnsupportedVersion(2))
    );
    // Index length beyond its columns.
    let mut bad = good.clone();
    bad[1..5].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(
        Quilt::from_bytes(&config, &bad),
        Err(QuiltError::CorruptIndex(_))
    ));
    // Undecodable index BCS: a huge vector length.
    let mut bad = good.clone();
    bad[5] = 0xff;
    assert!(matches!(
        Quilt::from_bytes(&config, &bad),
        Err(QuiltError::CorruptIndex(_))
    ));
    // All zeros but the version byte: empty-length index fails BCS (no vector length).
    let mut bad = vec![0u8; good.len()];
    bad[0] = 1;
    assert!(matches!(
        Quilt::from_bytes(&config, &bad),
        Err(QuiltError::CorruptIndex(_))
    ));
    // Arbitrary byte flips never panic.
    for i in 0..good.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut bad = good.clone();
            bad[i] ^= flip;
            if let Ok(q) = Quilt::from_bytes(&config, &bad) {
                let _ = q.files();
            }
        }
    }
    // A file whose header is corrupted is refused with a clear error.
    let quilt = Quilt::from_bytes(&config, &good).expect("reads");
    let a = quilt.index().get("a").expect("a").clone();
    let mut bad = good.clone();
    // Row 0 of column `a.start_index` holds the header's first symbol.
    let symbol = quilt.symbol_size();
    bad[usize::from(a.start_index) * symbol] = 9;
    let q = Quilt::from_bytes(&config, &bad).expect("index intact");
    assert!(matches!(q.get("a"), Err(QuiltError::CorruptFile { .. })));
    assert_eq!(q.get("zzz"), Err(QuiltError::NotFound("zzz".into())));
}
