/// A blob certificate made by Floe's Rust signer (`floe_indexer::bls`), verified here by
/// `bls_committee`: the same bytes are checked on the Rust side by `indexer/tests/bls_vector.rs`,
/// which reads these constants. Committee: secret scalars 1..4, weights 3, 3, 2, 2, epoch 5.
#[test_only]
module floe::certificate_vector_tests;

use floe::{bls_committee::{Self, BlsCommittee}, messages};

/// The blob ID of the certificate (32 bytes of 0x07).
const BLOB_ID: u256 = 0x0707070707070707070707070707070707070707070707070707070707070707;
/// `messages::blob_cert_bytes(5, BLOB_ID, none)`.
const MESSAGE: vector<u8> = x"01000305000000070707070707070707070707070707070707070707070707070707070707070700";
/// The aggregate min-pk signature of MESSAGE by members 0, 1 and 2 (scalars 1, 2, 3).
const SIGNATURE: vector<u8> = x"af70ea04b866a0234a1f28af0f14f6d0d70f518a07bc180e9558b25e8b2aa18a681553c5175d3cc5363a0972391468ab00ae3f54234a80b0ecc4d33b8a65f61854ac94aeafbe08897743af1ba086bb01552bb5bc8b979b1f0ea933c74502b513";
/// The public key of scalar 1.
const PUBLIC_KEY_1: vector<u8> = x"97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb";

fun committee(): BlsCommittee {
    let weights = vector[3u16, 3, 2, 2];
    let mut members = vector[];
    let mut i = 0;
    while (i < 4) {
        let id = object::id_from_address(sui::address::from_u256((i as u256) + 1));
        let key = bls_committee::public_key_for_testing(i + 1);
        members.push_back(bls_committee::new_member(id, &key, weights[i]));
        i = i + 1;
    };
    bls_committee::new(5, members)
}

#[test]
fun rust_certificate_verifies() {
    let (message, signature) = (MESSAGE, SIGNATURE);
    assert!(bls_committee::public_key_for_testing(1) == PUBLIC_KEY_1);
    assert!(messages::blob_cert_bytes(5, BLOB_ID, option::none()) == message);
    assert!(committee().verify_quorum(&signature, &vector[0x07], &message) == 8);
    // The signature Move's own test helper makes is the same bytes.
    assert!(bls_committee::aggregate_sign_for_testing(vector[1, 2, 3], &message) == signature);
}

#[test, expected_failure(abort_code = 101, location = floe::bls_committee)]
fun rust_certificate_with_a_wrong_signer_is_refused() {
    let (message, signature) = (MESSAGE, SIGNATURE);
    // The same signature claimed by members 0, 1 and 3.
    committee().verify_quorum(&signature, &vector[0x0b], &message);
}
