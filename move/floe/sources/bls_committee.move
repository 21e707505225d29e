/// The BLS view of a committee: members in committee order, each with its public key and its
/// weight (shards). Verifies aggregate certificates: a BLS12-381 min-pk aggregate signature
/// and a signers bitmap (bit `i` of byte `i / 8`, least significant bit first, marks member
/// `i`), against a weight threshold.
module floe::bls_committee;

use sui::{bls12381::{Self, G1}, group_ops::{Self, Element}};

/// The weight of the signers is not a 2/3 quorum (or not more than a third, for validity).
const EBelowQuorum: u64 = 4;
/// The signers bitmap is longer than the committee needs, or marks a member that does not exist.
const EInvalidBitmap: u64 = 100;
/// The aggregate signature does not verify against the signers' aggregate key.
const EInvalidSignature: u64 = 101;

public struct Member has copy, drop, store {
    node_id: ID,
    public_key: Element<G1>,
    weight: u16,
}

public struct BlsCommittee has copy, drop, store {
    epoch: u32,
    members: vector<Member>,
    n_shards: u16,
}

/// A committee member; `public_key` is a compressed G1 point (aborts if it is not one).
public(package) fun new_member(node_id: ID, public_key: &vector<u8>, weight: u16): Member {
    Member { node_id, public_key: bls12381::g1_from_bytes(public_key), weight }
}

/// A committee of `members` for `epoch`; its shard count is the sum of the weights.
public(package) fun new(epoch: u32, members: vector<Member>): BlsCommittee {
    let mut n_shards = 0u16;
    members.do_ref!(|m| n_shards = n_shards + m.weight);
    BlsCommittee { epoch, members, n_shards }
}

/// The empty committee of `epoch`.
public(package) fun empty(epoch: u32): BlsCommittee {
    BlsCommittee { epoch, members: vector[], n_shards: 0 }
}

public fun epoch(c: &BlsCommittee): u32 { c.epoch }

public fun n_shards(c: &BlsCommittee): u16 { c.n_shards }

public fun n_members(c: &BlsCommittee): u64 { c.members.length() }

public fun is_empty(c: &BlsCommittee): bool { c.members.is_empty() }

/// The node ID of member `i`.
public fun node_id_at(c: &BlsCommittee, i: u64): ID { c.members[i].node_id }

/// The weight of member `i`.
public fun weight_at(c: &BlsCommittee, i: u64): u16 { c.members[i].weight }

/// The index of `node_id` in the committee, if it is a member.
public fun find(c: &BlsCommittee, node_id: &ID): Option<u64> {
    c.members.find_index!(|m| &m.node_id == node_id)
}

/// The weight (shards) of `node_id`, 0 if it is not a member.
public fun weight_of(c: &BlsCommittee, node_id: &ID): u16 {
    let idx = c.find(node_id);
    if (idx.is_some()) c.members[idx.destroy_some()].weight else 0
}

/// `3w >= 2n + 1`: a 2/3 quorum of this committee's shards.
public fun is_quorum(c: &BlsCommittee, weight: u16): bool {
    3 * (weight as u64) >= 2 * (c.n_shards as u64) + 1
}

/// `3w >= n + 1`: more than a third of the shards (at least one honest node).
public fun is_validity(c: &BlsCommittee, weight: u16): bool {
    3 * (weight as u64) >= (c.n_shards as u64) + 1
}

/// Verifies a certificate over `message` needing a 2/3 quorum; returns the signers' weight.
public(package) fun verify_quorum(
    c: &BlsCommittee,
    signature: &vector<u8>,
    signers_bitmap: &vector<u8>,
    message: &vector<u8>,
): u16 {
    c.verify(signature, signers_bitmap, message, true)
}

/// Verifies a certificate over `message` needing more than a third of the shards.
public(package) fun verify_validity(
    c: &BlsCommittee,
    signature: &vector<u8>,
    signers_bitmap: &vector<u8>,
    message: &vector<u8>,
): u16 {
    c.verify(signature, signers_bitmap, message, false)
}

fun verify(
    c: &BlsCommittee,
    signature: &vector<u8>,
    signers_bitmap: &vector<u8>,
    message: &vector<u8>,
    quorum: bool,
): u16 {
    let n = c.members.length();
    let max_len = (n + 7) / 8;
    assert!(signers_bitmap.length() <= max_len, EInvalidBitmap);
    let mut weight = 0u16;
    let mut aggregate = bls12381::g1_identity();
    let mut i = 0;
    while (i < max_len * 8) {
        let byte_idx = i / 8;
        let byte = if (byte_idx < signers_bitmap.length()) signers_bitmap[byte_idx] else 0;
        if ((byte >> ((i % 8) as u8)) & 1 == 1) {
            assert!(i < n, EInvalidBitmap);
            let m = &c.members[i];
            weight = weight + m.weight;
            aggregate = bls12381::g1_add(&aggregate, &m.public_key);
        };
        i = i + 1;
    };
    if (quorum) assert!(c.is_quorum(weight), EBelowQuorum)
    else assert!(c.is_validity(weight), EBelowQuorum);
    assert!(
        bls12381::bls12381_min_pk_verify(signature, group_ops::bytes(&aggregate), message),
        EInvalidSignature,
    );
    weight
}

// === Test helpers: keys and signatures from small secret scalars ===

#[test_only]
/// The compressed public key of secret scalar `sk`.
public fun public_key_for_testing(sk: u64): vector<u8> {
    *bls12381::g1_mul(&bls12381::scalar_from_u64(sk), &bls12381::g1_generator()).bytes()
}

#[test_only]
/// The min-pk signature of `msg` by secret scalar `sk`.
public fun sign_for_testing(sk: u64, msg: &vector<u8>): vector<u8> {
    *bls12381::g2_mul(&bls12381::scalar_from_u64(sk), &bls12381::hash_to_g2(msg)).bytes()
}

#[test_only]
/// The aggregate of min-pk signatures of `msg` by every secret scalar in `sks`.
public fun aggregate_sign_for_testing(sks: vector<u64>, msg: &vector<u8>): vector<u8> {
    let mut agg = bls12381::g2_identity();
    sks.do!(|sk| {
        let sig = bls12381::g2_mul(&bls12381::scalar_from_u64(sk), &bls12381::hash_to_g2(msg));
        agg = bls12381::g2_add(&agg, &sig);
    });
    *agg.bytes()
}

#[test_only]
fun committee_for_testing(): BlsCommittee {
    // Four members with secret keys 1..4 and weights 3, 3, 2, 2 (10 shards).
    let weights = vector[3u16, 3, 2, 2];
    let mut members = vector[];
    let mut i = 0;
    while (i < 4) {
        let id = object::id_from_address(sui::address::from_u256((i as u256) + 1));
        members.push_back(new_member(id, &public_key_for_testing(i + 1), weights[i]));
        i = i + 1;
    };
    new(5, members)
}

#[test]
fun quorum_certificate_verifies() {
    let c = committee_for_testing();
    assert!(c.n_shards() == 10 && c.n_members() == 4);
    let msg = b"floe";
    // Members 0, 1, 2 (weight 8 of 10): 3 * 8 = 24 >= 21.
    let sig = aggregate_sign_for_testing(vector[1, 2, 3], &msg);
    assert!(c.verify_quorum(&sig, &vector[0x07], &msg) == 8);
    // Members 0 and 2 (weight 5): more than a third.
    let sig = aggregate_sign_for_testing(vector[1, 3], &msg);
    assert!(c.verify_validity(&sig, &vector[0x05], &msg) == 5);
    assert!(c.weight_of(&c.node_id_at(3)) == 2);
}

#[test, expected_failure(abort_code = EBelowQuorum)]
fun below_quorum_rejected() {
    let c = committee_for_testing();
    let msg = b"floe";
    // Members 0 and 1 (weight 6 of 10): 18 < 21.
    let sig = aggregate_sign_for_testing(vector[1, 2], &msg);
    c.verify_quorum(&sig, &vector[0x03], &msg);
}

#[test, expected_failure(abort_code = EInvalidBitmap)]
fun bit_beyond_members_rejected() {
    let c = committee_for_testing();
    let msg = b"floe";
    let sig = aggregate_sign_for_testing(vector[1, 2, 3], &msg);
    c.verify_quorum(&sig, &vector[0x17], &msg);
}

#[test, expected_failure(abort_code = EInvalidBitmap)]
fun long_bitmap_rejected() {
    let c = committee_for_testing();
    let msg = b"floe";
    let sig = aggregate_sign_for_testing(vector[1, 2, 3], &msg);
    c.verify_quorum(&sig, &vector[0x07, 0x00], &msg);
}

#[test, expected_failure(abort_code = EInvalidSignature)]
fun bitmap_not_matching_signers_rejected() {
    let c = committee_for_testing();
    let msg = b"floe";
    let sig = aggregate_sign_for_testing(vector[1, 2, 3], &msg);
    c.verify_quorum(&sig, &vector[0x0b], &msg);
}
