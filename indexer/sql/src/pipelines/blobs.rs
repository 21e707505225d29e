//! `blobs`: one row per `Blob` object (registered, certified, extended, deleted, burned,
//! replaced; pooled blobs too, with their pool); `blob_attributes`: their key–value
//! attributes; `invalid_blobs`: blob ids certified invalid; `shared_blobs`: shared, funded
//! blobs and their funds; `storage_pools`: reserved pool capacity.

use floe_economics::events::FloeEvent as E;

use super::Processor;
use crate::decode::Located;
use crate::ids::{big, blob_id, object_id, TooLarge};

super::keyed_table! {
    /// A blob object. `owner` is the sender of the transaction that registered it.
    BlobRow in blobs {
        key: object_id: String;
        blob_id: String,
        owner: String,
        size: i64,
        encoding_type: i64,
        deletable: bool,
        registered_epoch: i64,
        certified_epoch: i64,
        end_epoch: i64,
        deleted_epoch: i64,
        burned_epoch: i64,
        storage_pool_id: String,
        updated_checkpoint: i64,
    }
}

/// The `blobs` pipeline.
pub struct Blobs;

impl Processor for Blobs {
    const NAME: &'static str = "blobs";
    type Row = BlobRow;

    fn process(&self, ev: &Located, out: &mut Vec<BlobRow>) -> Result<(), TooLarge> {
        let row = |id: &[u8; 32]| BlobRow {
            object_id: object_id(id),
            updated_checkpoint: Some(ev.at.checkpoint),
            ..Default::default()
        };
        match &ev.event {
            E::BlobRegistered(e) => out.push(BlobRow {
                blob_id: Some(blob_id(&e.blob_id)),
                owner: Some(ev.at.sender.clone()),
                size: Some(big("size", e.size)?),
                encoding_type: Some(e.encoding_type as i64),
                deletable: Some(e.deletable),
                registered_epoch: Some(e.epoch as i64),
                end_epoch: Some(e.end_epoch as i64),
                ..row(&e.object_id)
            }),
            E::BlobCertified(e) => out.push(BlobRow {
                certified_epoch: (!e.is_extension).then_some(e.epoch as i64),
                end_epoch: Some(e.end_epoch as i64),
                ..row(&e.object_id)
            }),
            E::BlobDeleted(e) => out.push(BlobRow {
                deleted_epoch: Some(e.epoch as i64),
                ..row(&e.object_id)
            }),
            E::BlobBurned(e) => out.push(BlobRow {
                burned_epoch: Some(e.epoch as i64),
                ..row(&e.object_id)
            }),
            E::BlobReplaced(e) => out.push(BlobRow {
                blob_id: Some(blob_id(&e.new_blob_id)),
                ..row(&e.object_id)
            }),
            E::PooledBlobRegistered(e) => out.push(BlobRow {
                blob_id: Some(blob_id(&e.blob_id)),
                owner: Some(ev.at.sender.clone()),
                size: Some(big("unencoded_size", e.unencoded_size)?),
                encoding_type: Some(e.encoding_type as i64),
                deletable: Some(e.deletable),
                registered_epoch: Some(e.epoch as i64),
                storage_pool_id: Some(object_id(&e.storage_pool_id)),
                ..row(&e.object_id)
            }),
            E::PooledBlobCertified(e) => out.push(BlobRow {
                certified_epoch: Some(e.epoch as i64),
                ..row(&e.object_id)
            }),
            E::PooledBlobDeleted(e) => out.push(BlobRow {
                deleted_epoch: Some(e.epoch as i64),
                ..row(&e.object_id)
            }),
            _ => {}
        }
        Ok(())
    }
}

super::keyed_table! {
    /// An attribute of a blob object; `removed` once it is removed (its last value stays).
    BlobAttributeRow in blob_attributes {
        key: object_id: String, key: String;
        value: String,
        removed: bool,
    }
}

/// The `blob_attributes` pipeline.
pub struct BlobAttributes;

impl Processor for BlobAttributes {
    const NAME: &'static str = "blob_attributes";
    type Row = BlobAttributeRow;

    fn process(&self, ev: &Located, out: &mut Vec<BlobAttributeRow>) -> Result<(), TooLarge> {
        match &ev.event {
            E::BlobAttributeSet(e) => out.push(BlobAttributeRow {
                object_id: object_id(&e.object_id),
                key: e.key.clone(),
                value: Some(e.value.clone()),
                removed: Some(false),
            }),
            E::BlobAttributeRemoved(e) => out.push(BlobAttributeRow {
                object_id: object_id(&e.object_id),
                key: e.key.clone(),
                value: None,
                removed: Some(true),
            }),
            _ => {}
        }
        Ok(())
    }
}

super::keyed_table! {
    /// A blob id certified invalid, and the epoch of the certificate.
    InvalidBlobRow in invalid_blobs {
        key: blob_id: String;
        epoch: i64,
    }
}

/// The `invalid_blobs` pipeline.
pub struct InvalidBlobs;

impl Processor for InvalidBlobs {
    const NAME: &'static str = "invalid_blobs";
    type Row = InvalidBlobRow;

    fn process(&self, ev: &Located, out: &mut Vec<InvalidBlobRow>) -> Result<(), TooLarge> {
        if let E::InvalidBlobID(e) = &ev.event {
            out.push(InvalidBlobRow {
                blob_id: blob_id(&e.blob_id),
                epoch: Some(e.epoch as i64),
            });
        }
        Ok(())
    }
}

super::keyed_table! {
    /// A shared blob: the blob it wraps, its funds now and how long
    /// the funds have kept it.
    SharedBlobRow in shared_blobs {
        key: shared_blob_id: String;
        object_id: String,
        blob_id: String,
        funds: i64,
        end_epoch: i64,
    }
}

/// The `shared_blobs` pipeline.
pub struct SharedBlobs;

impl Processor for SharedBlobs {
    const NAME: &'static str = "shared_blobs";
    type Row = SharedBlobRow;

    fn process(&self, ev: &Located, out: &mut Vec<SharedBlobRow>) -> Result<(), TooLarge> {
        let row = |id: &[u8; 32]| SharedBlobRow {
            shared_blob_id: object_id(id),
            ..Default::default()
        };
        match &ev.event {
            E::SharedBlobCreated(e) => out.push(SharedBlobRow {
                object_id: Some(object_id(&e.object_id)),
                blob_id: Some(blob_id(&e.blob_id)),
                funds: Some(big("funds", e.funds)?),
                ..row(&e.shared_blob_id)
            }),
            E::SharedBlobFunded(e) => out.push(SharedBlobRow {
                funds: Some(big("funds", e.funds)?),
                ..row(&e.shared_blob_id)
            }),
            E::SharedBlobExtended(e) => out.push(SharedBlobRow {
                funds: Some(big("funds", e.funds)?),
                end_epoch: Some(e.end_epoch as i64),
                ..row(&e.shared_blob_id)
            }),
            _ => {}
        }
        Ok(())
    }
}

super::keyed_table! {
    /// A storage pool: its reserved encoded capacity and epoch range.
    StoragePoolRow in storage_pools {
        key: storage_pool_id: String;
        owner: String,
        reserved_encoded_capacity_bytes: i64,
        start_epoch: i64,
        end_epoch: i64,
    }
}

/// The `storage_pools` pipeline.
pub struct StoragePools;

impl Processor for StoragePools {
    const NAME: &'static str = "storage_pools";
    type Row = StoragePoolRow;

    fn process(&self, ev: &Located, out: &mut Vec<StoragePoolRow>) -> Result<(), TooLarge> {
        match &ev.event {
            E::StoragePoolCreated(e) => out.push(StoragePoolRow {
                storage_pool_id: object_id(&e.storage_pool_id),
                owner: Some(ev.at.sender.clone()),
                reserved_encoded_capacity_bytes: Some(big(
                    "reserved_encoded_capacity_bytes",
                    e.reserved_encoded_capacity_bytes,
                )?),
                start_epoch: Some(e.start_epoch as i64),
                end_epoch: Some(e.end_epoch as i64),
            }),
            E::StoragePoolExtended(e) => out.push(StoragePoolRow {
                storage_pool_id: object_id(&e.storage_pool_id),
                end_epoch: Some(e.new_end_epoch as i64),
                ..Default::default()
            }),
            _ => {}
        }
        Ok(())
    }
}
