//! Storage resources, per-epoch pots and blobs.
//!
//! `future[i]` is the account of epoch `current + i` (a ring of `max_epochs_ahead + 1`
//! entries): the capacity reserved in it and the FROST paid for it, which becomes that
//! epoch's pot when it ends. Buying `[start, end)` pays `units × storage_price` into each
//! covered epoch's entry, at the FROST price of the moment of purchase.

use super::{Blob, Error, ObjectId, Result, Storage, System};
use crate::storage_cost::{encoded_blob_length, storage_units, write_fee, RS2_ENCODING};
use crate::{Epoch, Frost};

/// The blob id: `Blake2b-256(encoding_type u8 ‖ size u64 LE ‖ root_hash)` (BCS of Walrus's
/// `BlobIdDerivation`).
pub fn derive_blob_id(root_hash: &[u8; 32], encoding_type: u8, size: u64) -> [u8; 32] {
    let mut st = blake2b_simd::Params::new().hash_length(32).to_state();
    st.update(&[encoding_type]);
    st.update(&size.to_le_bytes());
    st.update(root_hash);
    let mut out = [0u8; 32];
    out.copy_from_slice(st.finalize().as_bytes());
    out
}

impl System {
    pub(super) fn check_window(&self, start: Epoch, end: Epoch) -> Result<()> {
        if self.wal_usd_rate.is_none() {
            // No WAL/USD rate yet, so no FROST price: nothing can be sold.
            return Err(Error::EInvalidRate);
        }
        if end <= start || start < self.epoch || end > self.epoch + self.params.max_epochs_ahead {
            return Err(Error::EInvalidEpochsAhead);
        }
        Ok(())
    }

    pub(super) fn check_capacity(&self, start: Epoch, end: Epoch, size: u64) -> Result<()> {
        for e in start..end {
            let f = &self.future[(e - self.epoch) as usize];
            if f.used_capacity
                .checked_add(size)
                .is_none_or(|u| u > self.capacity)
            {
                return Err(Error::ENotEnoughCapacity);
            }
        }
        Ok(())
    }

    /// Cost of `size` encoded bytes over `[start, end)` at the current price, and per epoch.
    pub(super) fn price_range(
        &self,
        size: u64,
        start: Epoch,
        end: Epoch,
    ) -> Result<(Frost, Frost)> {
        let per_epoch = storage_units(size)
            .checked_mul(self.storage_price)
            .ok_or(Error::EOverflow)?;
        let total = per_epoch
            .checked_mul((end - start) as u64)
            .ok_or(Error::EOverflow)?;
        Ok((total, per_epoch))
    }

    pub(super) fn pay_range(
        &mut self,
        payer: &ObjectId,
        size: u64,
        start: Epoch,
        end: Epoch,
        per_epoch: Frost,
        total: Frost,
    ) {
        self.debit(payer, total);
        for e in start..end {
            let f = &mut self.future[(e - self.epoch) as usize];
            f.used_capacity += size;
            f.rewards += per_epoch;
        }
    }

    /// Buys `size` encoded bytes for `epochs_ahead` epochs from now. Refuses before the first
    /// WAL/USD sample (`EInvalidRate`), zero or too many epochs (`EInvalidEpochsAhead`), not enough capacity (`ENotEnoughCapacity`), a payer
    /// without the funds (`ENotEnoughFunds`).
    pub fn reserve_space(
        &mut self,
        payer: ObjectId,
        size: u64,
        epochs_ahead: u32,
    ) -> Result<ObjectId> {
        let (start, end) = (self.epoch, self.epoch.saturating_add(epochs_ahead));
        self.check_window(start, end)?;
        self.check_capacity(start, end, size)?;
        let (total, per_epoch) = self.price_range(size, start, end)?;
        self.debit_check(&payer, total)?;
        self.pay_range(&payer, size, start, end, per_epoch, total);
        let id = self.fresh_id();
        self.storages.insert(
            id,
            Storage {
                owner: payer,
                start,
                end,
                size,
            },
        );
        Ok(id)
    }

    /// Registers a blob on a storage resource, charging the write fee into the current pot.
    /// Refuses `EUnknownStorage`, `ENotOwner`, `EInvalidEncodingType`, `EInvalidBlobId`, a
    /// resource too small (`EResourceSize`) or not covering the current epoch
    /// (`EResourceBounds`), `ENotEnoughFunds`, and the encoding's refusals.
    #[allow(clippy::too_many_arguments)]
    pub fn register_blob(
        &mut self,
        caller: ObjectId,
        storage: ObjectId,
        blob_id: [u8; 32],
        root_hash: [u8; 32],
        size: u64,
        encoding_type: u8,
        deletable: bool,
    ) -> Result<ObjectId> {
        let st = *self.storages.get(&storage).ok_or(Error::EUnknownStorage)?;
        if st.owner != caller {
            return Err(Error::ENotOwner);
        }
        if encoding_type != RS2_ENCODING {
            return Err(Error::EInvalidEncodingType);
        }
        if derive_blob_id(&root_hash, encoding_type, size) != blob_id {
            return Err(Error::EInvalidBlobId);
        }
        let encoded = encoded_blob_length(size, self.params.n_shards)?;
        if st.size < encoded {
            return Err(Error::EResourceSize);
        }
        if st.start > self.epoch || st.end <= self.epoch {
            return Err(Error::EResourceBounds);
        }
        if self.wal_usd_rate.is_none() {
            return Err(Error::EInvalidRate);
        }
        let fee = write_fee(encoded, self.write_price)?;
        self.debit_check(&caller, fee)?;
        self.debit(&caller, fee);
        self.future[0].rewards += fee;
        self.storages.remove(&storage);
        let id = self.fresh_id();
        self.blobs.insert(
            id,
            Blob {
                owner: caller,
                blob_id,
                size,
                encoded_size: encoded,
                deletable,
                certified_epoch: None,
                storage: st,
                storage_id: storage,
            },
        );
        Ok(id)
    }

    /// Certifies a blob with a certificate of `cert_epoch` signed by `signers_shards` shards
    /// (the BLS check is the contract's; the model receives its verified weight). Refuses
    /// `EUnknownBlob`, a certificate of another epoch (`EWrongEpoch`), no 2/3 quorum
    /// (`EBelowQuorum`), `EAlreadyCertified`, an expired blob (`EResourceBounds`).
    pub fn certify_blob(
        &mut self,
        blob: ObjectId,
        cert_epoch: Epoch,
        signers_shards: u64,
    ) -> Result<()> {
        let b = *self.blobs.get(&blob).ok_or(Error::EUnknownBlob)?;
        if cert_epoch != self.epoch {
            return Err(Error::EWrongEpoch);
        }
        if signers_shards > self.params.n_shards as u64
            || !crate::price::is_quorum(signers_shards, self.params.n_shards as u64)
        {
            return Err(Error::EBelowQuorum);
        }
        if b.certified_epoch.is_some() {
            return Err(Error::EAlreadyCertified);
        }
        if b.storage.end <= self.epoch {
            return Err(Error::EResourceBounds);
        }
        self.blobs.get_mut(&blob).expect("exists").certified_epoch = Some(self.epoch);
        Ok(())
    }

    /// Extends a blob by `epochs`, paying at the current price. Refuses `EUnknownBlob`,
    /// `ENotOwner`, an expired blob (`EResourceBounds`), an end beyond `max_epochs_ahead`
    /// (`EInvalidEpochsAhead`), `ENotEnoughCapacity`, `ENotEnoughFunds`.
    pub fn extend_blob(&mut self, caller: ObjectId, blob: ObjectId, epochs: u32) -> Result<()> {
        let b = *self.blobs.get(&blob).ok_or(Error::EUnknownBlob)?;
        if b.owner != caller {
            return Err(Error::ENotOwner);
        }
        if b.storage.end <= self.epoch {
            return Err(Error::EResourceBounds);
        }
        let (start, end) = (b.storage.end, b.storage.end.saturating_add(epochs));
        self.check_window(start, end)?;
        self.check_capacity(start, end, b.storage.size)?;
        let (total, per_epoch) = self.price_range(b.storage.size, start, end)?;
        self.debit_check(&caller, total)?;
        self.pay_range(&caller, b.storage.size, start, end, per_epoch, total);
        self.blobs.get_mut(&blob).expect("exists").storage.end = end;
        Ok(())
    }

    /// Deletes a deletable blob and returns its storage resource, under the id it had before
    /// registration, to the owner. Refuses `EUnknownBlob`, `ENotOwner`, `EBlobNotDeletable`.
    pub fn delete_blob(&mut self, caller: ObjectId, blob: ObjectId) -> Result<ObjectId> {
        let b = *self.blobs.get(&blob).ok_or(Error::EUnknownBlob)?;
        if b.owner != caller {
            return Err(Error::ENotOwner);
        }
        if !b.deletable {
            return Err(Error::EBlobNotDeletable);
        }
        self.blobs.remove(&blob);
        self.storages.insert(b.storage_id, b.storage);
        Ok(b.storage_id)
    }

    /// Splits a resource at `epoch`: the original keeps `[start, epoch)`, the new one gets
    /// `[epoch, end)`. Refuses `EUnknownStorage`, `ENotOwner`, a point not strictly inside
    /// (`EInvalidSplit`).
    pub fn split_storage_by_epoch(
        &mut self,
        caller: ObjectId,
        storage: ObjectId,
        epoch: Epoch,
    ) -> Result<ObjectId> {
        let st = *self.storages.get(&storage).ok_or(Error::EUnknownStorage)?;
        if st.owner != caller {
            return Err(Error::ENotOwner);
        }
        if epoch <= st.start || epoch >= st.end {
            return Err(Error::EInvalidSplit);
        }
        self.storages.get_mut(&storage).expect("exists").end = epoch;
        let id = self.fresh_id();
        self.storages.insert(id, Storage { start: epoch, ..st });
        Ok(id)
    }

    /// Splits a resource by size: the original keeps `size`, the new one the rest. Refuses
    /// `EUnknownStorage`, `ENotOwner`, a size not strictly between 0 and the resource's
    /// (`EInvalidSplit`).
    pub fn split_storage_by_size(
        &mut self,
        caller: ObjectId,
        storage: ObjectId,
        size: u64,
    ) -> Result<ObjectId> {
        let st = *self.storages.get(&storage).ok_or(Error::EUnknownStorage)?;
        if st.owner != caller {
            return Err(Error::ENotOwner);
        }
        if size == 0 || size >= st.size {
            return Err(Error::EInvalidSplit);
        }
        self.storages.get_mut(&storage).expect("exists").size = size;
        let id = self.fresh_id();
        self.storages.insert(
            id,
            Storage {
                size: st.size - size,
                ..st
            },
        );
        Ok(id)
    }

    /// Fuses `other` into `storage`: adjacent periods of equal size, or the same period (sizes
    /// add). Refuses `EUnknownStorage`, `ENotOwner`, `EIncompatibleStorage`.
    pub fn fuse_storage(
        &mut self,
        caller: ObjectId,
        storage: ObjectId,
        other: ObjectId,
    ) -> Result<()> {
        let a = *self.storages.get(&storage).ok_or(Error::EUnknownStorage)?;
        let b = *self.storages.get(&other).ok_or(Error::EUnknownStorage)?;
        if a.owner != caller || b.owner != caller {
            return Err(Error::ENotOwner);
        }
        if storage == other {
            return Err(Error::EIncompatibleStorage);
        }
        let fused = if a.start == b.start && a.end == b.end {
            Storage {
                size: a.size.checked_add(b.size).ok_or(Error::EOverflow)?,
                ..a
            }
        } else if a.size == b.size && a.end == b.start {
            Storage { end: b.end, ..a }
        } else if a.size == b.size && b.end == a.start {
            Storage {
                start: b.start,
                ..a
            }
        } else {
            return Err(Error::EIncompatibleStorage);
        };
        self.storages.remove(&other);
        self.storages.insert(storage, fused);
        Ok(())
    }

    /// Encoded bytes of the certified data live in the current epoch, per shard: blobs (shared
    /// ones included), pooled blobs and burned blobs not yet expired.
    pub fn stored_bytes_per_shard(&self) -> u64 {
        let total: u128 = self
            .blobs
            .values()
            .filter(|b| b.certified_epoch.is_some() && b.storage.end > self.epoch)
            .map(|b| b.encoded_size as u128)
            .sum::<u128>()
            + self.stored_bytes_beyond_blobs();
        (total / self.params.n_shards as u128).min(u64::MAX as u128) as u64
    }
}
