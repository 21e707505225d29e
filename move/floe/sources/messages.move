/// Signed messages, in Walrus's wire format: a header `intent_type u8, intent_version u8 (0),
/// app u8 (3), epoch u32` then a BCS body. Storage nodes sign them with BLS12-381 (min-pk).
module floe::messages;

use sui::{bcs, bls12381};

/// Application byte of storage messages (Walrus's value).
const APP_ID: u8 = 3;
/// The only intent version.
const INTENT_VERSION: u8 = 0;
/// Intent of a proof of possession of a BLS key.
const PROOF_OF_POSSESSION_MSG_TYPE: u8 = 0;
/// Intent of a blob certificate.
const BLOB_CERT_MSG_TYPE: u8 = 1;
/// Intent of an invalid-blob-ID certificate.
const INVALID_BLOB_ID_MSG_TYPE: u8 = 2;
/// Intent of an epoch settlement certificate (Floe's own intents start at 64, clear of
/// Walrus's).
const SETTLEMENT_MSG_TYPE: u8 = 64;
/// Length of a compressed BLS12-381 G1 public key.
const BLS_KEY_LEN: u64 = 48;

/// The message's epoch is not the committee's epoch.
const EWrongEpoch: u64 = 9;
/// A BLS public key that is not 48 bytes long.
const EInvalidKeyLength: u64 = 103;
/// A message with a wrong header (app, intent version, intent type) or a malformed body.
const EInvalidMessage: u64 = 104;

/// A message whose header was checked against the committee's epoch.
public struct CertifiedMessage has drop {
    intent_type: u8,
    epoch: u32,
    body: vector<u8>,
}

/// The body of a blob certificate: the blob ID and, for a deletable blob, its object ID.
public struct BlobCertMessage has drop {
    blob_id: u256,
    deletable_object: Option<ID>,
}

/// The bytes a node signs to prove it holds the secret key of `bls_key`.
public fun proof_of_possession_bytes(
    epoch: u32,
    sui_address: address,
    bls_key: &vector<u8>,
): vector<u8> {
    assert!(bls_key.length() == BLS_KEY_LEN, EInvalidKeyLength);
    let mut out = vector[PROOF_OF_POSSESSION_MSG_TYPE, INTENT_VERSION, APP_ID];
    out.append(bcs::to_bytes(&epoch));
    out.append(bcs::to_bytes(&sui_address));
    out.append(*bls_key);
    out
}

/// True if `signature` is a valid proof of possession of `bls_key` for `sui_address`.
public fun verify_proof_of_possession(
    epoch: u32,
    sui_address: address,
    bls_key: &vector<u8>,
    signature: &vector<u8>,
): bool {
    let msg = proof_of_possession_bytes(epoch, sui_address, bls_key);
    bls12381::bls12381_min_pk_verify(signature, bls_key, &msg)
}

/// Checks the header of `message` (app, intent version, `committee_epoch`).
public(package) fun new_certified_message(
    message: vector<u8>,
    committee_epoch: u32,
): CertifiedMessage {
    assert!(message.length() >= 7, EInvalidMessage);
    let mut b = bcs::new(message);
    let intent_type = b.peel_u8();
    assert!(b.peel_u8() == INTENT_VERSION, EInvalidMessage);
    assert!(b.peel_u8() == APP_ID, EInvalidMessage);
    let epoch = b.peel_u32();
    assert!(epoch == committee_epoch, EWrongEpoch);
    CertifiedMessage { intent_type, epoch, body: b.into_remainder_bytes() }
}

/// The intent type of a certified message.
public fun intent_type(m: &CertifiedMessage): u8 { m.intent_type }

/// The epoch of a certified message.
public fun epoch(m: &CertifiedMessage): u32 { m.epoch }

/// Parses a blob certificate: `blob_id u256` then `BlobPersistenceType` (0 = permanent,
/// 1 = deletable followed by the blob object's ID).
public(package) fun blob_cert(m: CertifiedMessage): BlobCertMessage {
    assert!(m.intent_type == BLOB_CERT_MSG_TYPE, EInvalidMessage);
    let CertifiedMessage { body, .. } = m;
    let len = body.length();
    assert!(len == 33 || len == 65, EInvalidMessage);
    let mut b = bcs::new(body);
    let blob_id = b.peel_u256();
    let tag = b.peel_u8();
    let deletable_object = if (tag == 0 && len == 33) {
        option::none()
    } else {
        assert!(tag == 1 && len == 65, EInvalidMessage);
        option::some(b.peel_address().to_id())
    };
    assert!(b.into_remainder_bytes().is_empty(), EInvalidMessage);
    BlobCertMessage { blob_id, deletable_object }
}

/// Parses an invalid-blob-ID certificate: `blob_id u256`.
public(package) fun invalid_blob_id(m: CertifiedMessage): u256 {
    assert!(m.intent_type == INVALID_BLOB_ID_MSG_TYPE, EInvalidMessage);
    let CertifiedMessage { body, .. } = m;
    assert!(body.length() == 32, EInvalidMessage);
    bcs::new(body).peel_u256()
}

public fun cert_blob_id(m: &BlobCertMessage): u256 { m.blob_id }

public fun cert_deletable_object(m: &BlobCertMessage): Option<ID> { m.deletable_object }

/// The bytes of a blob certificate (what nodes sign).
public fun blob_cert_bytes(epoch: u32, blob_id: u256, deletable_object: Option<ID>): vector<u8> {
    let mut out = vector[BLOB_CERT_MSG_TYPE, INTENT_VERSION, APP_ID];
    out.append(bcs::to_bytes(&epoch));
    out.append(bcs::to_bytes(&blob_id));
    if (deletable_object.is_some()) {
        out.push_back(1);
        out.append(bcs::to_bytes(&deletable_object.destroy_some().to_address()));
    } else {
        out.push_back(0);
    };
    out
}

/// The bytes of a settlement certificate of `epoch`: the header then the 32-byte settlement
/// header digest (`settlement::header_digest`).
public fun settlement_bytes(epoch: u32, digest: &vector<u8>): vector<u8> {
    assert!(digest.length() == 32, EInvalidMessage);
    let mut out = vector[SETTLEMENT_MSG_TYPE, INTENT_VERSION, APP_ID];
    out.append(bcs::to_bytes(&epoch));
    out.append(*digest);
    out
}

/// The bytes of an invalid-blob-ID certificate.
public fun invalid_blob_id_bytes(epoch: u32, blob_id: u256): vector<u8> {
    let mut out = vector[INVALID_BLOB_ID_MSG_TYPE, INTENT_VERSION, APP_ID];
    out.append(bcs::to_bytes(&epoch));
    out.append(bcs::to_bytes(&blob_id));
    out
}

#[test]
fun blob_cert_round_trip() {
    let id = object::id_from_address(@0x42);
    let m = new_certified_message(blob_cert_bytes(7, 99, option::some(id)), 7);
    assert!(m.epoch() == 7 && m.intent_type() == BLOB_CERT_MSG_TYPE);
    let c = blob_cert(m);
    assert!(c.cert_blob_id() == 99);
    assert!(c.cert_deletable_object() == option::some(id));
    let p = blob_cert(new_certified_message(blob_cert_bytes(7, 5, option::none()), 7));
    assert!(p.cert_deletable_object().is_none());
    assert!(invalid_blob_id(new_certified_message(invalid_blob_id_bytes(3, 11), 3)) == 11);
}

#[test]
fun header_layout() {
    let bytes = blob_cert_bytes(0x01020304, 0, option::none());
    // type, version, app, epoch (u32 LE), then 32 bytes of blob ID and the persistence tag.
    assert!(bytes[0] == 1 && bytes[1] == 0 && bytes[2] == 3);
    assert!(bytes[3] == 4 && bytes[6] == 1);
    assert!(bytes.length() == 7 + 32 + 1);
}

#[test, expected_failure(abort_code = EWrongEpoch)]
fun wrong_epoch_rejected() {
    new_certified_message(blob_cert_bytes(7, 1, option::none()), 8);
}

#[test, expected_failure(abort_code = EInvalidMessage)]
fun wrong_app_rejected() {
    let mut bytes = blob_cert_bytes(7, 1, option::none());
    let app = &mut bytes[2];
    *app = 9;
    new_certified_message(bytes, 7);
}

#[test, expected_failure(abort_code = EInvalidMessage)]
fun wrong_intent_type_rejected() {
    blob_cert(new_certified_message(invalid_blob_id_bytes(7, 1), 7));
}

#[test, expected_failure(abort_code = EInvalidMessage)]
fun trailing_bytes_rejected() {
    let mut bytes = blob_cert_bytes(7, 1, option::none());
    bytes.push_back(0);
    blob_cert(new_certified_message(bytes, 7));
}

#[test, expected_failure(abort_code = EInvalidKeyLength)]
fun short_key_rejected() {
    proof_of_possession_bytes(0, @0x1, &vector[1, 2, 3]);
}

#[test]
fun settlement_layout() {
    let digest = vector::tabulate!(32, |i| (i as u8));
    let bytes = settlement_bytes(0x01020304, &digest);
    assert!(bytes.length() == 7 + 32 && bytes[0] == SETTLEMENT_MSG_TYPE && bytes[2] == APP_ID);
    assert!(bytes[3] == 4 && bytes[6] == 1 && bytes[7] == 0 && bytes[38] == 31);
}

#[test, expected_failure(abort_code = EInvalidMessage)]
fun short_settlement_digest_rejected() {
    settlement_bytes(1, &vector[1, 2, 3]);
}
