/// Issue 21: the blob lifecycle beyond register/certify/extend/delete. Attributes, burn,
/// replacement of a deletable blob's content, shared blobs funded by anyone, storage pools, and
/// every refusal of them. Committee: 4 nodes with equal stake over 10 shards (as in
/// `storage_tests`); prices 1,000 FROST per MiB-epoch and 10,000 per MiB written. The stories
/// are mirrored on the economics model and the local ledger with the same numbers
/// (`economics/tests/move_scenarios.rs`, `indexer/tests/lifecycle.rs`).
#[test_only]
// Expected-failure tests end with `abort 0`: the abort they expect comes first.
#[allow(lint(abort_without_constant))]
module floe::lifecycle_tests;

use floe::{
    blob::Blob,
    encoding,
    messages,
    node_cap::StorageNodeCap,
    shared_blob::SharedBlob,
    staked_wal::StakedWal,
    storage_pool::StoragePool,
    storage_resource::Storage,
    system::System,
    test_utils::{Self as tu, frost_per_wal}
};
use std::string::String;
use sui::{clock::Clock, coin::Coin, test_scenario::{Self as ts, Scenario}};
use wal::wal::WAL;

/// A blob of 1,000 bytes: 10,680 encoded bytes over 10 shards, one MiB unit.
const SIZE: u64 = 1000;
const ENCODED: u64 = 10_680;
const B: address = @0xB1;
const C: address = @0xC1;

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

fun blob_id(root: u256): u256 { encoding::derive_blob_id(root, encoding::rs2(), SIZE) }

/// Storage of `bytes` for `epochs` epochs from now, bought by the admin.
fun reserve(s: &mut Scenario, supply: &mut Coin<WAL>, bytes: u64, epochs: u32): Storage {
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    let storage = system.reserve_space(bytes, epochs, supply, s.ctx());
    ts::return_shared(system);
    storage
}

fun register(s: &mut Scenario, supply: &mut Coin<WAL>, storage: Storage, root: u256, deletable: bool): Blob {
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    let id = blob_id(root);
    let blob = system.register_blob(storage, id, root, SIZE, encoding::rs2(), deletable, supply, s.ctx());
    ts::return_shared(system);
    blob
}

/// The signature of nodes 0, 1, 2 (8 of 10 shards) over the certificate of `blob_id` (with
/// `object` for a deletable blob), and their bitmap.
fun certificate(s: &mut Scenario, blob_id: u256, object: Option<ID>): (vector<u8>, vector<u8>, vector<u8>) {
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    let msg = messages::blob_cert_bytes(system.epoch(), blob_id, object);
    ts::return_shared(system);
    (tu::sign(vector[0, 1, 2], &msg), tu::bitmap(vector[0, 1, 2], 4), msg)
}

fun certify(s: &mut Scenario, blob: &mut Blob) {
    let object = if (blob.is_deletable()) option::some(blob.object_id()) else option::none();
    let (sig, bitmap, msg) = certificate(s, blob.blob_id(), object);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    system.certify_blob(blob, sig, bitmap, msg);
    ts::return_shared(system);
}

fun attribute(blob: &Blob, key: vector<u8>): Option<String> { blob.attribute(&key.to_string()) }

fun set(s: &mut Scenario, blob: &mut Blob, key: vector<u8>, value: vector<u8>) {
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    system.set_blob_attribute(blob, key.to_string(), value.to_string());
    ts::return_shared(system);
}

#[test]
/// Attributes set, updated and removed (one event each); they go with the blob.
fun attributes_on_a_blob() {
    let (mut s, clock, mut supply, caps, stakes) = setup();
    let storage = reserve(&mut s, &mut supply, 1_048_576, 3);
    let mut blob = register(&mut s, &mut supply, storage, 0xA, true);
    set(&mut s, &mut blob, b"content-type", b"text/plain");
    set(&mut s, &mut blob, b"content-type", b"image/png");
    set(&mut s, &mut blob, b"filename", b"cat.png");
    let effects = s.next_tx(tu::admin());
    assert!(effects.num_user_events() == 1);
    assert!(attribute(&blob, b"content-type") == option::some(b"image/png".to_string()));
    assert!(blob.n_attributes() == 2);
    let system = s.take_shared<System>();
    system.remove_blob_attribute(&mut blob, b"filename".to_string());
    assert!(attribute(&blob, b"filename").is_none() && blob.n_attributes() == 1);
    let storage = system.delete_blob(blob);
    ts::return_shared(system);
    storage.destroy();
    teardown(s, clock, supply, caps, stakes);
}

#[test]
/// A certified blob burned: its object (and storage) is gone, its data stays until epoch 4.
fun burn_a_blob() {
    let (mut s, clock, mut supply, caps, stakes) = setup();
    let storage = reserve(&mut s, &mut supply, 1_048_576, 3);
    let mut blob = register(&mut s, &mut supply, storage, 0xA, false);
    certify(&mut s, &mut blob);
    set(&mut s, &mut blob, b"content-type", b"image/png");
    let object_id = blob.object_id();
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    system.burn_blob(blob);
    ts::return_shared(system);
    let effects = s.next_tx(tu::admin());
    assert!(effects.num_user_events() == 1 && effects.deleted().contains(&object_id));
    tu::assert_conserved(&mut s, supply.value() + 400 * frost_per_wal!());
    teardown(s, clock, supply, caps, stakes);
}

#[test]
/// A deletable blob's content replaced under the same object: the new content pays its write
/// fee (10,000 FROST), waits for its certificate, and is certified under the same object ID.
fun replace_a_blobs_content() {
    let (mut s, clock, mut supply, caps, stakes) = setup();
    let storage = reserve(&mut s, &mut supply, 1_048_576, 3);
    let mut blob = register(&mut s, &mut supply, storage, 0xA, true);
    certify(&mut s, &mut blob);
    let object_id = blob.object_id();
    let before = supply.value();
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    system.replace_blob(&mut blob, blob_id(0xB), 0xB, SIZE, encoding::rs2(), &mut supply);
    ts::return_shared(system);
    // BlobDeleted (old), BlobRegistered (new), BlobReplaced, WriteFeePaid.
    let effects = s.next_tx(tu::admin());
    assert!(effects.num_user_events() == 4);
    assert!(before - supply.value() == 10_000);
    assert!(blob.blob_id() == blob_id(0xB) && blob.certified_epoch().is_none());
    assert!(blob.object_id() == object_id && blob.end_epoch() == 4);
    certify(&mut s, &mut blob);
    assert!(blob.certified_epoch() == option::some(1));
    tu::assert_conserved(&mut s, supply.value() + 400 * frost_per_wal!());
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    let storage = system.delete_blob(blob);
    ts::return_shared(system);
    storage.destroy();
    teardown(s, clock, supply, caps, stakes);
}

#[test]
/// Acceptance 1: a certified blob shared with 5,000 FROST by the admin, funded with 2,000 more
/// by B, extended by 2 epochs by C from the funds (2 × 1,000 FROST): it ends at epoch 6 with
/// 5,000 FROST left. WAL conserved at every step (the shared funds are outside the System).
fun shared_blob_funded_by_two_and_extended_by_a_third() {
    let (mut s, clock, mut supply, caps, stakes) = setup();
    let storage = reserve(&mut s, &mut supply, 1_048_576, 3);
    let mut blob = register(&mut s, &mut supply, storage, 0xA, false);
    certify(&mut s, &mut blob);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    system.share_blob(blob, supply.split(5_000, s.ctx()), s.ctx());
    ts::return_shared(system);
    tu::assert_conserved(&mut s, supply.value() + 400 * frost_per_wal!() + 5_000);

    s.next_tx(B);
    let system = s.take_shared<System>();
    let mut shared = s.take_shared<SharedBlob>();
    system.fund_shared_blob(&mut shared, supply.split(2_000, s.ctx()));
    assert!(shared.funds() == 7_000);
    ts::return_shared(shared);
    ts::return_shared(system);

    s.next_tx(C);
    let mut system = s.take_shared<System>();
    let mut shared = s.take_shared<SharedBlob>();
    system.extend_shared_blob(&mut shared, 2, s.ctx());
    assert!(shared.funds() == 5_000 && shared.blob().end_epoch() == 6);
    assert!(system.pot_value(4) == 1_000 && system.pot_value(5) == 1_000);
    ts::return_shared(shared);
    ts::return_shared(system);
    // StorageReserved, BlobCertified (extension), SharedBlobExtended.
    let effects = s.next_tx(tu::admin());
    assert!(effects.num_user_events() == 3);
    tu::assert_conserved(&mut s, supply.value() + 400 * frost_per_wal!() + 5_000);
    teardown(s, clock, supply, caps, stakes);
}

/// A pool of two blobs' encoded size for epochs [1, 4) (3,000 FROST), with blobs A and B
/// registered (10,000 FROST of write fees each) and certified.
fun pool_story_start(
    s: &mut Scenario,
    supply: &mut Coin<WAL>,
): StoragePool {
    let storage = reserve(s, supply, 2 * ENCODED, 3);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    let mut pool = system.create_storage_pool(storage, s.ctx());
    ts::return_shared(system);
    register_pooled(s, supply, &mut pool, 0xA);
    register_pooled(s, supply, &mut pool, 0xB);
    certify_pooled(s, &mut pool, 0xA);
    certify_pooled(s, &mut pool, 0xB);
    pool
}

fun register_pooled(s: &mut Scenario, supply: &mut Coin<WAL>, pool: &mut StoragePool, root: u256): ID {
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    let id = system.register_pooled_blob(pool, blob_id(root), root, SIZE, encoding::rs2(), true, supply, s.ctx());
    ts::return_shared(system);
    id
}

fun certify_pooled(s: &mut Scenario, pool: &mut StoragePool, root: u256) {
    let object = option::some(pool.blob_object_id(blob_id(root)));
    let (sig, bitmap, msg) = certificate(s, blob_id(root), object);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    system.certify_pooled_blob(pool, sig, bitmap, msg);
    ts::return_shared(system);
}

fun delete_pooled(s: &mut Scenario, pool: &mut StoragePool, root: u256) {
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    system.delete_pooled_blob(pool, blob_id(root));
    ts::return_shared(system);
}

#[test]
/// Acceptance 1: a pool holds blobs A and B (full); A is deleted and its space reused by C;
/// the pool is extended by 2 epochs for its whole capacity (2,000 FROST). WAL conserved.
fun pool_holds_blobs_and_reuses_space() {
    let (mut s, clock, mut supply, caps, stakes) = setup();
    let before = supply.value();
    let mut pool = pool_story_start(&mut s, &mut supply);
    assert!(before - supply.value() == 3_000 + 2 * 10_000);
    assert!(pool.used() == 2 * ENCODED && pool.capacity() == 2 * ENCODED && pool.n_blobs() == 2);
    assert!(pool.is_certified(blob_id(0xA)) && pool.is_certified(blob_id(0xB)));
    delete_pooled(&mut s, &mut pool, 0xA);
    assert!(pool.used() == ENCODED && !pool.contains(blob_id(0xA)));
    register_pooled(&mut s, &mut supply, &mut pool, 0xC);
    certify_pooled(&mut s, &mut pool, 0xC);
    assert!(pool.used() == 2 * ENCODED && pool.n_blobs() == 2);
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    system.extend_storage_pool(&mut pool, 2, &mut supply, s.ctx());
    assert!(pool.end_epoch() == 6 && system.pot_value(5) == 1_000);
    ts::return_shared(system);
    assert!(before - supply.value() == 3_000 + 3 * 10_000 + 2_000);
    tu::assert_conserved(&mut s, supply.value() + 400 * frost_per_wal!());
    transfer::public_transfer(pool, tu::admin());
    teardown(s, clock, supply, caps, stakes);
}

// === Refusals ===

#[test, expected_failure(abort_code = floe::storage_pool::EResourceSize)]
fun pooled_blob_beyond_the_pool_rejected() {
    let (mut s, _clock, mut supply, _caps, _stakes) = setup();
    let mut pool = pool_story_start(&mut s, &mut supply);
    register_pooled(&mut s, &mut supply, &mut pool, 0xC);
    abort 0
}

#[test, expected_failure(abort_code = floe::storage_pool::EDuplicate)]
fun pooled_blob_twice_rejected() {
    let (mut s, _clock, mut supply, _caps, _stakes) = setup();
    let storage = reserve(&mut s, &mut supply, 2 * ENCODED, 3);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    let mut pool = system.create_storage_pool(storage, s.ctx());
    ts::return_shared(system);
    register_pooled(&mut s, &mut supply, &mut pool, 0xA);
    register_pooled(&mut s, &mut supply, &mut pool, 0xA);
    abort 0
}

#[test, expected_failure(abort_code = floe::storage_pool::EUnknownBlob)]
fun deleting_an_unknown_pooled_blob_rejected() {
    let (mut s, _clock, mut supply, _caps, _stakes) = setup();
    let mut pool = pool_story_start(&mut s, &mut supply);
    delete_pooled(&mut s, &mut pool, 0xC);
    abort 0
}

#[test, expected_failure(abort_code = floe::storage_pool::EAlreadyCertified)]
fun certifying_a_pooled_blob_twice_rejected() {
    let (mut s, _clock, mut supply, _caps, _stakes) = setup();
    let mut pool = pool_story_start(&mut s, &mut supply);
    certify_pooled(&mut s, &mut pool, 0xA);
    abort 0
}

#[test, expected_failure(abort_code = floe::storage_pool::EInvalidMessage)]
fun pooled_certificate_for_another_object_rejected() {
    let (mut s, _clock, mut supply, _caps, _stakes) = setup();
    let storage = reserve(&mut s, &mut supply, 2 * ENCODED, 3);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    let mut pool = system.create_storage_pool(storage, s.ctx());
    ts::return_shared(system);
    register_pooled(&mut s, &mut supply, &mut pool, 0xA);
    // A certificate of the permanent kind for a deletable pooled blob.
    let (sig, bitmap, msg) = certificate(&mut s, blob_id(0xA), option::none());
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    system.certify_pooled_blob(&mut pool, sig, bitmap, msg);
    abort 0
}

#[test, expected_failure(abort_code = floe::storage_pool::EBlobNotDeletable)]
fun deleting_a_permanent_pooled_blob_rejected() {
    let (mut s, _clock, mut supply, _caps, _stakes) = setup();
    let storage = reserve(&mut s, &mut supply, 2 * ENCODED, 3);
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    let mut pool = system.create_storage_pool(storage, s.ctx());
    let id = blob_id(0xA);
    system.register_pooled_blob(&mut pool, id, 0xA, SIZE, encoding::rs2(), false, &mut supply, s.ctx());
    system.delete_pooled_blob(&mut pool, id);
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::EInvalidBlobId)]
fun pooled_blob_with_wrong_id_rejected() {
    let (mut s, _clock, mut supply, _caps, _stakes) = setup();
    let storage = reserve(&mut s, &mut supply, 2 * ENCODED, 3);
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    let mut pool = system.create_storage_pool(storage, s.ctx());
    system.register_pooled_blob(&mut pool, blob_id(0xB), 0xA, SIZE, encoding::rs2(), true, &mut supply, s.ctx());
    abort 0
}

#[test, expected_failure(abort_code = floe::storage_pool::EResourceBounds)]
fun pool_over_future_storage_rejected() {
    let (mut s, _clock, mut supply, _caps, _stakes) = setup();
    let mut storage = reserve(&mut s, &mut supply, 2 * ENCODED, 3);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    // [2, 4) does not cover epoch 1.
    let tail = system.split_storage_by_epoch(&mut storage, 2, s.ctx());
    let _pool = system.create_storage_pool(tail, s.ctx());
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::EResourceBounds)]
fun extending_an_expired_pool_rejected() {
    let (mut s, mut clock, mut supply, caps, _stakes) = setup();
    let storage = reserve(&mut s, &mut supply, 2 * ENCODED, 1);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    let mut pool = system.create_storage_pool(storage, s.ctx());
    ts::return_shared(system);
    tu::next_epoch(&mut s, &mut clock, &caps);
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    system.extend_storage_pool(&mut pool, 1, &mut supply, s.ctx());
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::ENotEnoughFunds)]
fun shared_extension_beyond_funds_rejected() {
    let (mut s, _clock, mut supply, _caps, _stakes) = setup();
    let storage = reserve(&mut s, &mut supply, 1_048_576, 3);
    let mut blob = register(&mut s, &mut supply, storage, 0xA, false);
    certify(&mut s, &mut blob);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    system.share_blob(blob, supply.split(1_999, s.ctx()), s.ctx());
    ts::return_shared(system);
    s.next_tx(C);
    let mut system = s.take_shared<System>();
    let mut shared = s.take_shared<SharedBlob>();
    system.extend_shared_blob(&mut shared, 2, s.ctx());
    abort 0
}

#[test, expected_failure(abort_code = floe::blob::ENotCertified)]
fun sharing_an_uncertified_blob_rejected() {
    let (mut s, _clock, mut supply, _caps, _stakes) = setup();
    let storage = reserve(&mut s, &mut supply, 1_048_576, 3);
    let blob = register(&mut s, &mut supply, storage, 0xA, false);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    system.share_blob(blob, supply.split(1, s.ctx()), s.ctx());
    abort 0
}

#[test, expected_failure(abort_code = floe::blob::EBlobNotDeletable)]
fun replacing_a_permanent_blob_rejected() {
    let (mut s, _clock, mut supply, _caps, _stakes) = setup();
    let storage = reserve(&mut s, &mut supply, 1_048_576, 3);
    let mut blob = register(&mut s, &mut supply, storage, 0xA, false);
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    system.replace_blob(&mut blob, blob_id(0xB), 0xB, SIZE, encoding::rs2(), &mut supply);
    abort 0
}

#[test, expected_failure(abort_code = floe::blob::EResourceSize)]
fun replacing_with_larger_content_rejected() {
    let (mut s, _clock, mut supply, _caps, _stakes) = setup();
    let storage = reserve(&mut s, &mut supply, ENCODED, 3);
    let mut blob = register(&mut s, &mut supply, storage, 0xA, true);
    let size = 200_000;
    let id = encoding::derive_blob_id(0xB, encoding::rs2(), size);
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    system.replace_blob(&mut blob, id, 0xB, size, encoding::rs2(), &mut supply);
    abort 0
}

#[test, expected_failure(abort_code = floe::blob::EInvalidBlobId)]
fun replacing_with_a_wrong_id_rejected() {
    let (mut s, _clock, mut supply, _caps, _stakes) = setup();
    let storage = reserve(&mut s, &mut supply, 1_048_576, 3);
    let mut blob = register(&mut s, &mut supply, storage, 0xA, true);
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    system.replace_blob(&mut blob, blob_id(0xC), 0xB, SIZE, encoding::rs2(), &mut supply);
    abort 0
}

#[test, expected_failure(abort_code = floe::blob_attributes::EMissingAttribute)]
fun removing_a_missing_attribute_rejected() {
    let (mut s, _clock, mut supply, _caps, _stakes) = setup();
    let storage = reserve(&mut s, &mut supply, 1_048_576, 3);
    let mut blob = register(&mut s, &mut supply, storage, 0xA, true);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    system.remove_blob_attribute(&mut blob, b"content-type".to_string());
    abort 0
}

#[test, expected_failure(abort_code = floe::blob_attributes::EStringTooLong)]
fun over_long_attribute_rejected() {
    let (mut s, _clock, mut supply, _caps, _stakes) = setup();
    let storage = reserve(&mut s, &mut supply, 1_048_576, 3);
    let mut blob = register(&mut s, &mut supply, storage, 0xA, true);
    let long = std::string::utf8(vector::tabulate!(129, |_| 107u8));
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    system.set_blob_attribute(&mut blob, long, b"v".to_string());
    abort 0
}
