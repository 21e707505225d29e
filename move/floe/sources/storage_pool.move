/// `StoragePool`: one storage reservation for `[start_epoch, end_epoch)` against which many
/// blobs are registered; a deleted (deletable) blob's space returns to the pool and is reused
/// (Walrus's storage pools). Pooled blobs live as long as the pool; extending the pool extends
/// them all.
module floe::storage_pool;

use floe::{encoding, messages::BlobCertMessage, storage_resource::Storage};
use sui::object_table::{Self, ObjectTable};

/// The pool does not cover the current epoch.
const EResourceBounds: u64 = 28;
/// The blob does not fit in the pool's free space.
const EResourceSize: u64 = 27;
/// No blob with this ID in the pool.
const EUnknownBlob: u64 = 26;
/// A blob with this ID is already in the pool.
const EDuplicate: u64 = 53;
/// The blob is already certified.
const EAlreadyCertified: u64 = 31;
/// The blob is not deletable.
const EBlobNotDeletable: u64 = 33;
/// The certificate's persistence type does not match the blob (permanent vs deletable object).
const EInvalidMessage: u64 = 104;

public struct StoragePool has key, store {
    id: UID,
    storage: Storage,
    /// Encoded bytes of the blobs in the pool.
    used: u64,
    blobs: ObjectTable<u256, PooledBlob>,
}

/// A blob registered against a pool (its lifetime is the pool's).
public struct PooledBlob has key, store {
    id: UID,
    registered_epoch: u32,
    blob_id: u256,
    size: u64,
    encoding_type: u8,
    certified_epoch: Option<u32>,
    deletable: bool,
}

/// A pool over `storage`, which must cover `epoch`.
public(package) fun new(storage: Storage, epoch: u32, ctx: &mut TxContext): StoragePool {
    assert!(epoch >= storage.start_epoch() && epoch < storage.end_epoch(), EResourceBounds);
    StoragePool { id: object::new(ctx), storage, used: 0, blobs: object_table::new(ctx) }
}

public fun object_id(p: &StoragePool): ID { object::id(p) }

public fun storage(p: &StoragePool): &Storage { &p.storage }

public fun start_epoch(p: &StoragePool): u32 { p.storage.start_epoch() }

public fun end_epoch(p: &StoragePool): u32 { p.storage.end_epoch() }

/// Encoded bytes reserved.
public fun capacity(p: &StoragePool): u64 { p.storage.size() }

/// Encoded bytes in use.
public fun used(p: &StoragePool): u64 { p.used }

public fun n_blobs(p: &StoragePool): u64 { p.blobs.length() }

public fun contains(p: &StoragePool, blob_id: u256): bool { p.blobs.contains(blob_id) }

/// The object ID of pooled blob `blob_id` (what a deletable blob's certificate names).
public fun blob_object_id(p: &StoragePool, blob_id: u256): ID {
    assert!(p.blobs.contains(blob_id), EUnknownBlob);
    object::id(&p.blobs[blob_id])
}

/// Whether pooled blob `blob_id` is certified.
public fun is_certified(p: &StoragePool, blob_id: u256): bool {
    assert!(p.blobs.contains(blob_id), EUnknownBlob);
    p.blobs[blob_id].certified_epoch.is_some()
}

/// Registers a blob whose ID derivation the caller checked, in `epoch`: the pool must cover it
/// and have room for the blob's `encoded` size. Returns the blob's object ID.
public(package) fun add(
    p: &mut StoragePool,
    blob_id: u256,
    size: u64,
    encoding_type: u8,
    encoded: u64,
    deletable: bool,
    epoch: u32,
    ctx: &mut TxContext,
): ID {
    assert!(epoch >= p.storage.start_epoch() && epoch < p.storage.end_epoch(), EResourceBounds);
    assert!(!p.blobs.contains(blob_id), EDuplicate);
    assert!((p.used as u128) + (encoded as u128) <= (p.storage.size() as u128), EResourceSize);
    p.used = p.used + encoded;
    let blob = PooledBlob {
        id: object::new(ctx),
        registered_epoch: epoch,
        blob_id,
        size,
        encoding_type,
        certified_epoch: option::none(),
        deletable,
    };
    let object_id = object::id(&blob);
    p.blobs.add(blob_id, blob);
    object_id
}

/// Marks the pooled blob a verified certificate names certified in `epoch` (its persistence
/// type must match the blob's); returns the blob ID, whether it is deletable and its object ID.
public(package) fun certify(
    p: &mut StoragePool,
    cert: BlobCertMessage,
    epoch: u32,
): (u256, bool, ID) {
    let blob_id = cert.cert_blob_id();
    assert!(p.blobs.contains(blob_id), EUnknownBlob);
    assert!(epoch < p.storage.end_epoch(), EResourceBounds);
    let b = &mut p.blobs[blob_id];
    let object_id = object::id(b);
    let object = cert.cert_deletable_object();
    if (b.deletable) {
        assert!(object == option::some(object_id), EInvalidMessage);
    } else {
        assert!(object.is_none(), EInvalidMessage);
    };
    assert!(b.certified_epoch.is_none(), EAlreadyCertified);
    b.certified_epoch = option::some(epoch);
    (blob_id, b.deletable, object_id)
}

/// Deletes deletable pooled blob `blob_id` and frees its space; returns whether it was
/// certified and its object ID.
public(package) fun remove(p: &mut StoragePool, blob_id: u256, n_shards: u16): (bool, ID) {
    assert!(p.blobs.contains(blob_id), EUnknownBlob);
    assert!(p.blobs[blob_id].deletable, EBlobNotDeletable);
    let PooledBlob { id, size, encoding_type, certified_epoch, .. } = p.blobs.remove(blob_id);
    p.used = p.used - encoding::encoded_blob_length(size, encoding_type, n_shards);
    let object_id = id.to_inner();
    id.delete();
    (certified_epoch.is_some(), object_id)
}

/// Extends the pool's reservation with `extension` (starting at its end, of its size).
public(package) fun extend(p: &mut StoragePool, extension: Storage) {
    p.storage.fuse(extension);
}

public fun pooled_blob(p: &StoragePool, blob_id: u256): &PooledBlob {
    assert!(p.blobs.contains(blob_id), EUnknownBlob);
    &p.blobs[blob_id]
}

public fun pooled_blob_id(b: &PooledBlob): u256 { b.blob_id }

public fun pooled_object_id(b: &PooledBlob): ID { object::id(b) }

public fun pooled_is_deletable(b: &PooledBlob): bool { b.deletable }

public fun pooled_certified_epoch(b: &PooledBlob): Option<u32> { b.certified_epoch }

public fun pooled_size(b: &PooledBlob): u64 { b.size }
