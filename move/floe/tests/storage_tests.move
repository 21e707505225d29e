/// Storage stories: reserve -> register -> certify -> extend -> delete, and the certificate
/// refusals (below quorum, malformed bitmap, wrong epoch, bad signature), with the storage
/// refusals. Committee: 4 nodes with equal stake over 10 shards (weights 3, 3, 2, 2).
#[test_only]
// Expected-failure tests end with `abort 0`: the abort they expect comes first.
#[allow(lint(abort_without_constant))]
module floe::storage_tests;

use floe::{
    blob::Blob,
    encoding,
    messages,
    node_cap::StorageNodeCap,
    staked_wal::StakedWal,
    storage_resource::Storage,
    system::System,
    test_utils::{Self as tu, frost_per_wal}
};
use sui::{clock::Clock, coin::Coin, test_scenario::{Self as ts, Scenario}};
use wal::wal::WAL;

const ROOT: u256 = 0xABC;
const SIZE: u64 = 1000;

/// Epoch 1 with a committee of 4 nodes (100 WAL each).
fun setup(): (Scenario, Clock, Coin<WAL>, vector<StorageNodeCap>, vector<StakedWal>) {
    let (mut s, mut clock, mut supply) = tu::begin(tu::params(10));
    let caps = tu::register_nodes(&mut s, 4);
    let mut stakes = vector[];
    caps.do_ref!(|cap| {
        s.next_tx(tu::admin());
        let mut system = s.take_shared<System>();
        let coin = supply.split(100 * frost_per_wal!(), s.ctx());
        stakes.push_back(system.stake_with_pool(coin, cap.node_id(), s.ctx()));
        ts::return_shared(system);
    });
    tu::next_epoch(&mut s, &mut clock, &caps);
    (s, clock, supply, caps, stakes)
}

fun teardown(
    s: Scenario,
    clock: Clock,
    supply: Coin<WAL>,
    caps: vector<StorageNodeCap>,
    stakes: vector<StakedWal>,
) {
    stakes.destroy!(|st| st.transfer_to(tu::admin()));
    tu::destroy_caps(caps);
    tu::end(s, clock, supply);
}

fun register(s: &mut Scenario, supply: &mut Coin<WAL>, storage: Storage, deletable: bool): Blob {
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    let blob_id = encoding::derive_blob_id(ROOT, encoding::rs2(), SIZE);
    let blob = system.register_blob(
        storage,
        blob_id,
        ROOT,
        SIZE,
        encoding::rs2(),
        deletable,
        supply,
        s.ctx(),
    );
    ts::return_shared(system);
    blob
}

/// Certifies `blob` with the signatures of `signers` (node numbers) and `bitmap` over a
/// certificate for `epoch`.
fun certify(
    s: &mut Scenario,
    _caps: &vector<StorageNodeCap>,
    blob: &mut Blob,
    signers: vector<u64>,
    bitmap: vector<u8>,
    epoch: u32,
) {
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    let object = if (blob.is_deletable()) option::some(blob.object_id()) else option::none();
    let msg = messages::blob_cert_bytes(epoch, blob.blob_id(), object);
    let sig = tu::sign(signers, &msg);
    system.certify_blob(blob, sig, bitmap, msg);
    ts::return_shared(system);
}

/// The bitmap of nodes `nodes` in the current committee.
fun bitmap_of(s: &mut Scenario, caps: &vector<StorageNodeCap>, nodes: vector<u64>): vector<u8> {
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    let positions = tu::positions(&system, caps, nodes);
    let bitmap = tu::bitmap(positions, system.committee().n_members());
    ts::return_shared(system);
    bitmap
}

#[test]
/// Scenario `blob_lifecycle`: reserve 1 MiB for epochs [1, 4) (3 * 1000 FROST), register a
/// deletable blob of 1000 bytes (encoded 10_680 bytes, write fee 10_000 FROST), certify it
/// with nodes 0, 1, 2 (8 of 10 shards), extend it by 2 epochs (2000 FROST), delete it.
fun reserve_register_certify_extend_delete() {
    let (mut s, clock, mut supply, caps, stakes) = setup();
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    assert!(system.epoch() == 1 && system.committee().n_shards() == 10);
    assert!(system.shards_of(caps[0].node_id()).length() == 3);
    assert!(system.shards_of(caps[3].node_id()).length() == 2);
    ts::return_shared(system);

    let before = supply.value();
    let storage = tu::reserve(&mut s, &mut supply, 1, 3);
    assert!(before - supply.value() == 3000);
    assert!(storage.start_epoch() == 1 && storage.end_epoch() == 4);
    let storage_id = object::id(&storage);
    let mut blob = register(&mut s, &mut supply, storage, true);
    // BlobRegistered and WriteFeePaid.
    let effects = s.next_tx(tu::admin());
    assert!(effects.num_user_events() == 2);
    assert!(before - supply.value() == 13_000);
    assert!(blob.encoded_size(10) == 10_680);
    assert!(blob.certified_epoch().is_none());

    let bitmap = bitmap_of(&mut s, &caps, vector[0, 1, 2]);
    certify(&mut s, &caps, &mut blob, vector[0, 1, 2], bitmap, 1);
    assert!(blob.certified_epoch() == option::some(1));
    // BlobCertified.
    let effects = s.next_tx(tu::admin());
    assert!(effects.num_user_events() == 1);

    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    system.extend_blob(&mut blob, 2, &mut supply, s.ctx());
    assert!(blob.end_epoch() == 6);
    assert!(before - supply.value() == 15_000);
    assert!(system.pot_value(1) == 11_000 && system.pot_value(5) == 1000);
    assert!(system.used_capacity(5) == 1_048_576);
    // The storage resource comes back under the id it had before it was registered.
    let storage = system.delete_blob(blob);
    assert!(object::id(&storage) == storage_id);
    assert!(storage.end_epoch() == 6 && storage.size() == 1_048_576);
    ts::return_shared(system);
    tu::assert_conserved(&mut s, supply.value() + 400 * frost_per_wal!());
    storage.destroy();
    teardown(s, clock, supply, caps, stakes);
}

#[test]
/// A permanent blob, extended with a storage resource bought separately; split and fuse of
/// resources; an invalid blob ID certified by more than a third of the shards.
fun permanent_blob_extension_and_invalid_id() {
    let (mut s, clock, mut supply, caps, stakes) = setup();
    let mut storage = tu::reserve(&mut s, &mut supply, 2, 2);
    let mut half = storage.split_by_size(1_048_576, s.ctx());
    let mut blob = register(&mut s, &mut supply, storage, false);
    let bitmap = bitmap_of(&mut s, &caps, vector[0, 1, 2, 3]);
    certify(&mut s, &caps, &mut blob, vector[0, 1, 2, 3], bitmap, 1);
    // The other half becomes storage for [1, 3); take its tail [2, 3) away and use a fresh
    // resource [3, 5) to extend the blob.
    let tail = half.split_by_epoch(2, s.ctx());
    half.fuse(tail);
    let mut later = tu::reserve(&mut s, &mut supply, 1, 4);
    let ext = later.split_by_epoch(3, s.ctx());
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    system.extend_blob_with_resource(&mut blob, ext);
    assert!(blob.end_epoch() == 5);
    // Nodes 0 and 2 hold 5 of 10 shards: enough to prove a blob ID invalid.
    let msg = messages::invalid_blob_id_bytes(1, 77);
    let positions = tu::positions(&system, &caps, vector[0, 2]);
    let bitmap = tu::bitmap(positions, 4);
    assert!(system.invalidate_blob_id(tu::sign(vector[0, 2], &msg), bitmap, msg) == 77);
    ts::return_shared(system);
    later.destroy();
    half.destroy();
    transfer::public_transfer(blob, tu::admin());
    teardown(s, clock, supply, caps, stakes);
}

// === Certificate refusals ===

#[test, expected_failure(abort_code = floe::bls_committee::EBelowQuorum)]
fun certificate_below_quorum_rejected() {
    let (mut s, _clock, mut supply, caps, _stakes) = setup();
    let storage = tu::reserve(&mut s, &mut supply, 1, 1);
    let mut blob = register(&mut s, &mut supply, storage, false);
    // Nodes 0 and 1: 6 of 10 shards, 18 < 21.
    let bitmap = bitmap_of(&mut s, &caps, vector[0, 1]);
    certify(&mut s, &caps, &mut blob, vector[0, 1], bitmap, 1);
    abort 0
}

#[test, expected_failure(abort_code = floe::bls_committee::EInvalidBitmap)]
fun malformed_bitmap_rejected() {
    let (mut s, _clock, mut supply, caps, _stakes) = setup();
    let storage = tu::reserve(&mut s, &mut supply, 1, 1);
    let mut blob = register(&mut s, &mut supply, storage, false);
    // Bit 5 marks a member that does not exist.
    let mut bitmap = bitmap_of(&mut s, &caps, vector[0, 1, 2]);
    let first = &mut bitmap[0];
    *first = *first | 0x20;
    certify(&mut s, &caps, &mut blob, vector[0, 1, 2], bitmap, 1);
    abort 0
}

#[test, expected_failure(abort_code = floe::messages::EWrongEpoch)]
fun certificate_of_wrong_epoch_rejected() {
    let (mut s, _clock, mut supply, caps, _stakes) = setup();
    let storage = tu::reserve(&mut s, &mut supply, 1, 1);
    let mut blob = register(&mut s, &mut supply, storage, false);
    let bitmap = bitmap_of(&mut s, &caps, vector[0, 1, 2]);
    certify(&mut s, &caps, &mut blob, vector[0, 1, 2], bitmap, 2);
    abort 0
}

#[test, expected_failure(abort_code = floe::bls_committee::EInvalidSignature)]
fun signature_of_other_signers_rejected() {
    let (mut s, _clock, mut supply, caps, _stakes) = setup();
    let storage = tu::reserve(&mut s, &mut supply, 1, 1);
    let mut blob = register(&mut s, &mut supply, storage, false);
    let bitmap = bitmap_of(&mut s, &caps, vector[0, 1, 2]);
    certify(&mut s, &caps, &mut blob, vector[0, 1, 3], bitmap, 1);
    abort 0
}

#[test, expected_failure(abort_code = floe::blob::EAlreadyCertified)]
fun certify_twice_rejected() {
    let (mut s, _clock, mut supply, caps, _stakes) = setup();
    let storage = tu::reserve(&mut s, &mut supply, 1, 1);
    let mut blob = register(&mut s, &mut supply, storage, false);
    let bitmap = bitmap_of(&mut s, &caps, vector[0, 1, 2]);
    certify(&mut s, &caps, &mut blob, vector[0, 1, 2], bitmap, 1);
    certify(&mut s, &caps, &mut blob, vector[0, 1, 2], bitmap, 1);
    abort 0
}

#[test, expected_failure(abort_code = floe::blob::EInvalidMessage)]
fun deletable_blob_with_permanent_certificate_rejected() {
    let (mut s, _clock, mut supply, caps, _stakes) = setup();
    let storage = tu::reserve(&mut s, &mut supply, 1, 1);
    let mut blob = register(&mut s, &mut supply, storage, true);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    let msg = messages::blob_cert_bytes(1, blob.blob_id(), option::none());
    let positions = tu::positions(&system, &caps, vector[0, 1, 2]);
    system.certify_blob(&mut blob, tu::sign(vector[0, 1, 2], &msg), tu::bitmap(positions, 4), msg);
    abort 0
}

#[test, expected_failure(abort_code = floe::blob::EInvalidBlobId)]
fun certificate_for_other_blob_rejected() {
    let (mut s, _clock, mut supply, caps, _stakes) = setup();
    let storage = tu::reserve(&mut s, &mut supply, 1, 1);
    let mut blob = register(&mut s, &mut supply, storage, false);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    let msg = messages::blob_cert_bytes(1, 12345, option::none());
    let positions = tu::positions(&system, &caps, vector[0, 1, 2]);
    system.certify_blob(&mut blob, tu::sign(vector[0, 1, 2], &msg), tu::bitmap(positions, 4), msg);
    abort 0
}

// === Storage refusals ===

#[test, expected_failure(abort_code = floe::blob::EInvalidBlobId)]
fun register_with_wrong_blob_id_rejected() {
    let (mut s, _clock, mut supply, _caps, _stakes) = setup();
    let storage = tu::reserve(&mut s, &mut supply, 1, 1);
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    let _blob = system.register_blob(storage, 1, ROOT, SIZE, 1, false, &mut supply, s.ctx());
    abort 0
}

#[test, expected_failure(abort_code = floe::blob::EResourceSize)]
fun register_on_small_storage_rejected() {
    let (mut s, _clock, mut supply, _caps, _stakes) = setup();
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    let storage = system.reserve_space(1000, 1, &mut supply, s.ctx());
    let blob_id = encoding::derive_blob_id(ROOT, 1, SIZE);
    let _blob = system.register_blob(storage, blob_id, ROOT, SIZE, 1, false, &mut supply, s.ctx());
    abort 0
}

#[test, expected_failure(abort_code = floe::blob::EResourceBounds)]
fun register_on_expired_storage_rejected() {
    let (mut s, mut clock, mut supply, caps, _stakes) = setup();
    let storage = tu::reserve(&mut s, &mut supply, 1, 1);
    tu::next_epoch(&mut s, &mut clock, &caps);
    let _blob = register(&mut s, &mut supply, storage, false);
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::ENotEnoughFunds)]
fun reserve_without_funds_rejected() {
    let (mut s, _clock, mut supply, _caps, _stakes) = setup();
    let mut poor = supply.split(2999, s.ctx());
    let _storage = tu::reserve(&mut s, &mut poor, 1, 3);
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::ENotEnoughFunds)]
fun register_without_write_fee_rejected() {
    let (mut s, _clock, mut supply, _caps, _stakes) = setup();
    let storage = tu::reserve(&mut s, &mut supply, 1, 1);
    let mut poor = supply.split(9_999, s.ctx());
    let _blob = register(&mut s, &mut poor, storage, false);
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::ENotEnoughCapacity)]
fun reserve_beyond_capacity_rejected() {
    let (mut s, _clock, mut supply, _caps, _stakes) = setup();
    // Each node votes 10^12 bytes for its shards (3, 3, 2, 2 of 10): the committee's capacity
    // is the quorum quantile of 10^13 / 3, 10^13 / 3, 5 * 10^12, 5 * 10^12, i.e. 10^13 / 3.
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    assert!(system.total_capacity_size() == 3_333_333_333_333);
    ts::return_shared(system);
    let _storage = tu::reserve(&mut s, &mut supply, 3_178_915, 1);
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::EInvalidEpochsAhead)]
fun reserve_too_far_ahead_rejected() {
    let (mut s, _clock, mut supply, _caps, _stakes) = setup();
    let _storage = tu::reserve(&mut s, &mut supply, 1, 11);
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::EInvalidEpochsAhead)]
fun reserve_zero_epochs_rejected() {
    let (mut s, _clock, mut supply, _caps, _stakes) = setup();
    let _storage = tu::reserve(&mut s, &mut supply, 1, 0);
    abort 0
}

#[test, expected_failure(abort_code = floe::blob::EBlobNotDeletable)]
fun delete_permanent_blob_rejected() {
    let (mut s, _clock, mut supply, _caps, _stakes) = setup();
    let storage = tu::reserve(&mut s, &mut supply, 1, 1);
    let blob = register(&mut s, &mut supply, storage, false);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    let _storage = system.delete_blob(blob);
    abort 0
}

#[test, expected_failure(abort_code = floe::blob::ENotCertified)]
fun extend_uncertified_rejected() {
    let (mut s, _clock, mut supply, _caps, _stakes) = setup();
    let storage = tu::reserve(&mut s, &mut supply, 1, 1);
    let mut blob = register(&mut s, &mut supply, storage, false);
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    system.extend_blob(&mut blob, 1, &mut supply, s.ctx());
    abort 0
}

#[test, expected_failure(abort_code = floe::blob::EIncompatibleStorage)]
fun extend_with_mismatched_resource_rejected() {
    let (mut s, _clock, mut supply, caps, _stakes) = setup();
    let storage = tu::reserve(&mut s, &mut supply, 1, 1);
    let mut blob = register(&mut s, &mut supply, storage, false);
    let bitmap = bitmap_of(&mut s, &caps, vector[0, 1, 2]);
    certify(&mut s, &caps, &mut blob, vector[0, 1, 2], bitmap, 1);
    // Starts at the blob's end but has twice its size.
    let mut other = tu::reserve(&mut s, &mut supply, 2, 2);
    let ext = other.split_by_epoch(2, s.ctx());
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    system.extend_blob_with_resource(&mut blob, ext);
    abort 0
}
