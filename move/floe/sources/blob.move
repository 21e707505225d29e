/// `Blob`: a registered blob, owning the `Storage` that pays for it. Registered, then
/// certified by a 2/3 quorum of shards, then possibly extended; deletable blobs can be deleted
/// and give their storage back, or have their content replaced under the same object. A blob
/// carries key–value attributes (`blob_attributes`, a dynamic field) and can be burned: its
/// object goes, its data stays stored until its end epoch.
module floe::blob;

use floe::{
    blob_attributes::{Self, Attributes},
    encoding,
    events,
    messages::BlobCertMessage,
    storage_resource::Storage
};
use std::string::String;
use sui::dynamic_field;

/// The name of the attributes' dynamic field (Walrus's name for blob metadata).
const ATTRIBUTES_FIELD: vector<u8> = b"metadata";

/// The storage resource is smaller than the blob's encoded size.
const EResourceSize: u64 = 27;
/// The storage resource does not cover the current epoch, or the blob has expired.
const EResourceBounds: u64 = 28;
/// The blob ID is not the derivation of the root hash, encoding type and size (or the
/// certificate names another blob).
const EInvalidBlobId: u64 = 29;
/// The blob is already certified.
const EAlreadyCertified: u64 = 31;
/// The blob is not certified.
const ENotCertified: u64 = 32;
/// The blob is not deletable.
const EBlobNotDeletable: u64 = 33;
/// The extension does not start where the blob ends, or has another size.
const EIncompatibleStorage: u64 = 34;
/// The certificate's persistence type does not match the blob (permanent vs deletable object).
const EInvalidMessage: u64 = 104;

public struct Blob has key, store {
    id: UID,
    registered_epoch: u32,
    blob_id: u256,
    size: u64,
    encoding_type: u8,
    certified_epoch: Option<u32>,
    storage: Storage,
    deletable: bool,
}

/// Registers a blob in `epoch`, checking its ID derivation, its encoded size against the
/// storage, and that the storage covers `epoch`.
public(package) fun new(
    storage: Storage,
    blob_id: u256,
    root_hash: u256,
    size: u64,
    encoding_type: u8,
    deletable: bool,
    epoch: u32,
    n_shards: u16,
    ctx: &mut TxContext,
): Blob {
    let encoded = encoding::encoded_blob_length(size, encoding_type, n_shards);
    assert!(encoding::derive_blob_id(root_hash, encoding_type, size) == blob_id, EInvalidBlobId);
    assert!(epoch >= storage.start_epoch() && epoch < storage.end_epoch(), EResourceBounds);
    assert!(encoded <= storage.size(), EResourceSize);
    let blob = Blob {
        id: object::new(ctx),
        registered_epoch: epoch,
        blob_id,
        size,
        encoding_type,
        certified_epoch: option::none(),
        storage,
        deletable,
    };
    events::emit_blob_registered(
        epoch,
        blob_id,
        size,
        encoding_type,
        blob.storage.end_epoch(),
        deletable,
        blob.object_id(),
    );
    blob
}

/// Marks the blob certified in `epoch` after its certificate verified.
public(package) fun certify(blob: &mut Blob, cert: BlobCertMessage, epoch: u32) {
    assert!(cert.cert_blob_id() == blob.blob_id, EInvalidBlobId);
    let object = cert.cert_deletable_object();
    if (blob.deletable) {
        assert!(object == option::some(blob.object_id()), EInvalidMessage);
    } else {
        assert!(object.is_none(), EInvalidMessage);
    };
    assert!(blob.certified_epoch.is_none(), EAlreadyCertified);
    assert!(epoch < blob.storage.end_epoch(), EResourceBounds);
    blob.certified_epoch = option::some(epoch);
    events::emit_blob_certified(
        epoch,
        blob.blob_id,
        blob.storage.end_epoch(),
        blob.deletable,
        blob.object_id(),
        false,
    );
}

/// Aborts unless the blob is certified and `epoch` is before its end epoch.
public(package) fun assert_certified_not_expired(blob: &Blob, epoch: u32) {
    assert!(blob.certified_epoch.is_some(), ENotCertified);
    assert!(epoch < blob.storage.end_epoch(), EResourceBounds);
}

/// Extends a certified, unexpired blob with `extension`, which must start at the blob's end
/// epoch and have the blob's storage size.
public(package) fun extend(blob: &mut Blob, extension: Storage, epoch: u32) {
    blob.assert_certified_not_expired(epoch);
    assert!(
        extension.start_epoch() == blob.storage.end_epoch()
            && extension.size() == blob.storage.size(),
        EIncompatibleStorage,
    );
    blob.storage.fuse(extension);
    events::emit_blob_certified(
        epoch,
        blob.blob_id,
        blob.storage.end_epoch(),
        blob.deletable,
        blob.object_id(),
        true,
    );
}

/// Deletes a deletable blob and returns its storage.
public(package) fun delete(mut blob: Blob, epoch: u32): Storage {
    assert!(blob.deletable, EBlobNotDeletable);
    blob.drop_attributes();
    let Blob { id, blob_id, certified_epoch, storage, .. } = blob;
    let object_id = id.to_inner();
    id.delete();
    events::emit_blob_deleted(
        epoch,
        blob_id,
        storage.end_epoch(),
        object_id,
        certified_epoch.is_some(),
    );
    storage
}

/// Burns the blob object in `epoch`, for its storage rebate: its attributes and storage go
/// with it; a certified blob's data stays stored until its end epoch.
public(package) fun burn(mut blob: Blob, epoch: u32) {
    blob.drop_attributes();
    let Blob { id, blob_id, certified_epoch, storage, .. } = blob;
    events::emit_blob_burned(
        epoch,
        blob_id,
        id.to_inner(),
        storage.end_epoch(),
        certified_epoch.is_some(),
    );
    id.delete();
    storage.destroy();
}

/// Replaces the content of a deletable blob in `epoch` with a new registration under the same
/// object (ID derivation and encoded size checked against the blob's storage): the old blob ID
/// is deleted for the nodes, the new one registered and waiting for its certificate.
public(package) fun replace(
    blob: &mut Blob,
    blob_id: u256,
    root_hash: u256,
    size: u64,
    encoding_type: u8,
    epoch: u32,
    n_shards: u16,
) {
    assert!(blob.deletable, EBlobNotDeletable);
    let encoded = encoding::encoded_blob_length(size, encoding_type, n_shards);
    assert!(encoding::derive_blob_id(root_hash, encoding_type, size) == blob_id, EInvalidBlobId);
    let end = blob.storage.end_epoch();
    assert!(epoch >= blob.storage.start_epoch() && epoch < end, EResourceBounds);
    assert!(encoded <= blob.storage.size(), EResourceSize);
    let object_id = blob.object_id();
    let old_blob_id = blob.blob_id;
    events::emit_blob_deleted(epoch, old_blob_id, end, object_id, blob.certified_epoch.is_some());
    blob.blob_id = blob_id;
    blob.size = size;
    blob.encoding_type = encoding_type;
    blob.registered_epoch = epoch;
    blob.certified_epoch = option::none();
    events::emit_blob_registered(epoch, blob_id, size, encoding_type, end, true, object_id);
    events::emit_blob_replaced(epoch, object_id, old_blob_id, blob_id);
}

// === Attributes ===

/// Sets attribute `key` to `value` in `epoch`.
public(package) fun set_attribute(blob: &mut Blob, key: String, value: String, epoch: u32) {
    if (!dynamic_field::exists_with_type<vector<u8>, Attributes>(&blob.id, ATTRIBUTES_FIELD)) {
        dynamic_field::add(&mut blob.id, ATTRIBUTES_FIELD, blob_attributes::new());
    };
    let attributes: &mut Attributes = dynamic_field::borrow_mut(&mut blob.id, ATTRIBUTES_FIELD);
    attributes.set(key, value);
    events::emit_blob_attribute_set(epoch, blob.object_id(), blob.blob_id, key, value);
}

/// Removes attribute `key` in `epoch`.
public(package) fun remove_attribute(blob: &mut Blob, key: String, epoch: u32) {
    let has = dynamic_field::exists_with_type<vector<u8>, Attributes>(&blob.id, ATTRIBUTES_FIELD);
    let mut attributes = if (has) dynamic_field::remove(&mut blob.id, ATTRIBUTES_FIELD)
    else blob_attributes::new();
    attributes.remove(&key);
    if (attributes.length() > 0) dynamic_field::add(&mut blob.id, ATTRIBUTES_FIELD, attributes);
    events::emit_blob_attribute_removed(epoch, blob.object_id(), blob.blob_id, key);
}

/// The value of attribute `key`, if set.
public fun attribute(blob: &Blob, key: &String): Option<String> {
    if (!dynamic_field::exists_with_type<vector<u8>, Attributes>(&blob.id, ATTRIBUTES_FIELD)) {
        return option::none()
    };
    let attributes: &Attributes = dynamic_field::borrow(&blob.id, ATTRIBUTES_FIELD);
    attributes.get(key)
}

/// Number of attributes.
public fun n_attributes(blob: &Blob): u64 {
    if (!dynamic_field::exists_with_type<vector<u8>, Attributes>(&blob.id, ATTRIBUTES_FIELD)) {
        return 0
    };
    let attributes: &Attributes = dynamic_field::borrow(&blob.id, ATTRIBUTES_FIELD);
    attributes.length()
}

fun drop_attributes(blob: &mut Blob) {
    if (dynamic_field::exists_with_type<vector<u8>, Attributes>(&blob.id, ATTRIBUTES_FIELD)) {
        let _: Attributes = dynamic_field::remove(&mut blob.id, ATTRIBUTES_FIELD);
    }
}

public fun object_id(b: &Blob): ID { object::id(b) }

public fun registered_epoch(b: &Blob): u32 { b.registered_epoch }

public fun blob_id(b: &Blob): u256 { b.blob_id }

public fun size(b: &Blob): u64 { b.size }

public fun encoding_type(b: &Blob): u8 { b.encoding_type }

public fun certified_epoch(b: &Blob): Option<u32> { b.certified_epoch }

public fun storage(b: &Blob): &Storage { &b.storage }

public fun end_epoch(b: &Blob): u32 { b.storage.end_epoch() }

public fun is_deletable(b: &Blob): bool { b.deletable }

public fun encoded_size(b: &Blob, n_shards: u16): u64 {
    encoding::encoded_blob_length(b.size, b.encoding_type, n_shards)
}
