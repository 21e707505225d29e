//! The certificate vector shared with the Move tests (`move/floe/tests/certificate_vector_tests.move`):
//! a blob certificate message and the aggregate signature of committee members 0, 1 and 2
//! (secret scalars 1, 2, 3, as Move's `bls_committee::public_key_for_testing` makes them). This
//! test reads the constants from the Move file and checks that Floe's Rust signer produces the
//! same bytes and Floe's Rust verifier (the ledger's) accepts them; the Move test checks that
//! `bls_committee::verify_quorum` accepts the same bytes. So Rust and Move agree.

use floe_indexer::bls::{self, messages, Member, SecretKey, Signature};

/// The blob ID of the vector (the Move constant `BLOB_ID`, a `u256` of 32 bytes 0x07).
const BLOB_ID: [u8; 32] = [7; 32];
/// The certificate's epoch (the Move committee's).
const EPOCH: u32 = 5;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The hex of `const NAME: vector<u8> = x"…";` in the Move file.
fn move_constant(text: &str, name: &str) -> String {
    let start = format!("const {name}: vector<u8> = x\"");
    let at = text
        .find(&start)
        .unwrap_or_else(|| panic!("no constant {name} in the Move vector file"))
        + start.len();
    let end = text[at..].find('"').expect("the constant ends") + at;
    text[at..end].to_owned()
}

#[test]
fn rust_and_move_accept_the_same_certificate_bytes() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../move/floe/tests/certificate_vector_tests.move"
    );
    let text = std::fs::read_to_string(path).expect("the Move vector file");
    let keys: Vec<SecretKey> = (1..=4)
        .map(|s| SecretKey::from_scalar(s).expect("a scalar"))
        .collect();
    let message = messages::blob_cert(EPOCH, &BLOB_ID, None);
    let signatures: Vec<Signature> = keys[..3].iter().map(|k| k.sign(&message)).collect();
    let aggregate = Signature::aggregate(&signatures)
        .expect("aggregates")
        .to_bytes();
    let public_key = keys[0].public_key().to_bytes();

    let expected = format!(
        "MESSAGE = x\"{}\"\nSIGNATURE = x\"{}\"\nPUBLIC_KEY_1 = x\"{}\"",
        hex(&message),
        hex(&aggregate),
        hex(&public_key)
    );
    assert_eq!(move_constant(&text, "MESSAGE"), hex(&message), "{expected}");
    assert_eq!(
        move_constant(&text, "SIGNATURE"),
        hex(&aggregate),
        "{expected}"
    );
    assert_eq!(
        move_constant(&text, "PUBLIC_KEY_1"),
        hex(&public_key),
        "{expected}"
    );

    // Floe's verifier (the ledger's) accepts them for the Move test's committee.
    let pks: Vec<[u8; 48]> = keys.iter().map(|k| k.public_key().to_bytes()).collect();
    let committee: Vec<Member> = pks
        .iter()
        .zip([3u16, 3, 2, 2])
        .map(|(k, weight)| Member {
            public_key: k,
            weight,
        })
        .collect();
    let quorum = |w| bls::is_quorum(w, 10);
    assert_eq!(
        bls::verify_certificate(&committee, quorum, 10, &aggregate, &[0x07], &message),
        Ok(8)
    );
    // The Move test's refusal: the same signature claimed by members 0, 1 and 3.
    assert_eq!(
        bls::verify_certificate(&committee, quorum, 10, &aggregate, &[0x0b], &message),
        Err(bls::BlsError::InvalidSignature)
    );
}
