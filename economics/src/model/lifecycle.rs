//! The blob lifecycle beyond register, certify, extend and delete (the contracts' `blob`,
//! `blob_attributes`, `shared_blob` and `storage_pool` modules): attributes on a blob, burning
//! a blob object, replacing a deletable blob's content under the same object, shared blobs
//! funded and extended by anyone, and storage pools whose space is reused.
//!
//! A shared blob's funds are the balance of an account named by the shared blob's id, so they
//! are counted in [`System::total_frost`] like every other holding. A burned certified blob is
//! kept aside ([`System::burned_blobs`]): its data stays stored (and counts in the stored bytes)
//! until its end epoch.

use std::collections::BTreeMap;

use super::storage::derive_blob_id;
use super::{Blob, Error, ObjectId, Result, Storage, System};
use crate::storage_cost::{encoded_blob_length, write_fee, RS2_ENCODING};
use crate::{Epoch, Frost};

/// Most attributes on one blob (Move's `blob_attributes::MAX_ATTRIBUTES`).
pub const MAX_ATTRIBUTES: usize = 32;
/// Longest attribute key, bytes.
pub const MAX_ATTRIBUTE_KEY_LENGTH: usize = 128;
/// Longest attribute value, bytes.
pub const MAX_ATTRIBUTE_VALUE_LENGTH: usize = 1024;

/// A shared blob: a blob anyone may fund and extend (its funds are the shared blob's account).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SharedBlob {
    /// The wrapped blob (in [`System::blobs`], owned by the shared blob).
    pub blob: ObjectId,
}

/// A storage pool: one reservation many blobs are registered against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoragePool {
    /// Its owner.
    pub owner: ObjectId,
    /// The reservation.
    pub storage: Storage,
    /// Encoded bytes of the blobs in it.
    pub used: u64,
    /// Its blobs, by blob id.
    pub blobs: BTreeMap<[u8; 32], PooledBlob>,
}

/// A blob registered against a pool (it lives as long as the pool).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PooledBlob {
    /// Its object id.
    pub object_id: ObjectId,
    /// Unencoded size.
    pub size: u64,
    /// Encoded size.
    pub encoded_size: u64,
    /// Whether it may be deleted.
    pub deletable: bool,
    /// Epoch it was certified in.
    pub certified_epoch: Option<Epoch>,
}

impl System {
    fn owned_blob(&self, caller: ObjectId, blob: ObjectId) -> Result<Blob> {
        let b = *self.blobs.get(&blob).ok_or(Error::EUnknownBlob)?;
        if b.owner != caller {
            return Err(Error::ENotOwner);
        }
        Ok(b)
    }

    fn owned_pool(&self, caller: ObjectId, pool: ObjectId) -> Result<&StoragePool> {
        let p = self
            .storage_pools
            .get(&pool)
            .ok_or(Error::EUnknownStorage)?;
        if p.owner != caller {
            return Err(Error::ENotOwner);
        }
        Ok(p)
    }

    /// Checks a blob ID and returns the encoded size (`EInvalidEncodingType`, the encoding's
    /// refusals, `EInvalidBlobId`).
    fn check_blob_id(
        &self,
        blob_id: &[u8; 32],
        root: &[u8; 32],
        size: u64,
        encoding: u8,
    ) -> Result<u64> {
        if encoding != RS2_ENCODING {
            return Err(Error::EInvalidEncodingType);
        }
        let encoded = encoded_blob_length(size, self.params.n_shards)?;
        if derive_blob_id(root, encoding, size) != *blob_id {
            return Err(Error::EInvalidBlobId);
        }
        Ok(encoded)
    }

    /// The write fee of `encoded` bytes, checked against `payer`'s balance.
    fn check_write_fee(&self, payer: &ObjectId, encoded: u64) -> Result<Frost> {
        if self.wal_usd_rate.is_none() {
            return Err(Error::EInvalidRate);
        }
        let fee = write_fee(encoded, self.write_price)?;
        self.debit_check(payer, fee)?;
        Ok(fee)
    }

    fn pay_write_fee(&mut self, payer: &ObjectId, fee: Frost) {
        self.debit(payer, fee);
        self.future[0].rewards += fee;
    }

    /// Sets attribute `key` of a blob to `value`. Refuses `EUnknownBlob`, `ENotOwner`, an empty
    /// or over-long key or an over-long value (`EStringTooLong`), `ETooManyAttributes`.
    pub fn set_blob_attribute(
        &mut self,
        caller: ObjectId,
        blob: ObjectId,
        key: String,
        value: String,
    ) -> Result<()> {
        self.owned_blob(caller, blob)?;
        if key.is_empty()
            || key.len() > MAX_ATTRIBUTE_KEY_LENGTH
            || value.len() > MAX_ATTRIBUTE_VALUE_LENGTH
        {
            return Err(Error::EStringTooLong);
        }
        let attributes = self.blob_attributes.get(&blob);
        if attributes.is_some_and(|a| !a.contains_key(&key) && a.len() >= MAX_ATTRIBUTES) {
            return Err(Error::ETooManyAttributes);
        }
        self.blob_attributes
            .entry(blob)
            .or_default()
            .insert(key, value);
        Ok(())
    }

    /// Removes attribute `key` of a blob; returns its value. Refuses `EUnknownBlob`,
    /// `ENotOwner`, `EMissingAttribute`.
    pub fn remove_blob_attribute(
        &mut self,
        caller: ObjectId,
        blob: ObjectId,
        key: &str,
    ) -> Result<String> {
        self.owned_blob(caller, blob)?;
        let attributes = self
            .blob_attributes
            .get_mut(&blob)
            .ok_or(Error::EMissingAttribute)?;
        let value = attributes.remove(key).ok_or(Error::EMissingAttribute)?;
        if attributes.is_empty() {
            self.blob_attributes.remove(&blob);
        }
        Ok(value)
    }

    /// Burns a blob object: it and its attributes go; a certified blob's data stays stored until
    /// its end epoch. Refuses `EUnknownBlob`, `ENotOwner`.
    pub fn burn_blob(&mut self, caller: ObjectId, blob: ObjectId) -> Result<Blob> {
        let b = self.owned_blob(caller, blob)?;
        self.blobs.remove(&blob);
        self.blob_attributes.remove(&blob);
        if b.certified_epoch.is_some() {
            self.burned_blobs.push(b);
        }
        Ok(b)
    }

    /// Replaces a deletable blob's content under the same object, charging the new content's
    /// write fee; the blob waits for its new certificate. Refuses `EUnknownBlob`, `ENotOwner`,
    /// `EBlobNotDeletable`, a bad blob ID, storage not covering the current epoch
    /// (`EResourceBounds`) or too small (`EResourceSize`), `EInvalidRate`, `ENotEnoughFunds`.
    #[allow(clippy::too_many_arguments)]
    pub fn replace_blob(
        &mut self,
        caller: ObjectId,
        blob: ObjectId,
        blob_id: [u8; 32],
        root_hash: [u8; 32],
        size: u64,
        encoding_type: u8,
    ) -> Result<()> {
        let b = self.owned_blob(caller, blob)?;
        if !b.deletable {
            return Err(Error::EBlobNotDeletable);
        }
        let encoded = self.check_blob_id(&blob_id, &root_hash, size, encoding_type)?;
        if b.storage.start > self.epoch || b.storage.end <= self.epoch {
            return Err(Error::EResourceBounds);
        }
        if encoded > b.storage.size {
            return Err(Error::EResourceSize);
        }
        let fee = self.check_write_fee(&caller, encoded)?;
        self.pay_write_fee(&caller, fee);
        let b = self.blobs.get_mut(&blob).expect("checked");
        b.blob_id = blob_id;
        b.size = size;
        b.encoded_size = encoded;
        b.certified_epoch = None;
        Ok(())
    }

    /// Wraps a certified, unexpired blob with `funds` from the caller into a shared blob;
    /// returns its id. Refuses `EUnknownBlob`, `ENotOwner`, `ENotCertified`, `EResourceBounds`,
    /// `ENotEnoughFunds`.
    pub fn share_blob(
        &mut self,
        caller: ObjectId,
        blob: ObjectId,
        funds: Frost,
    ) -> Result<ObjectId> {
        let b = self.owned_blob(caller, blob)?;
        if b.certified_epoch.is_none() {
            return Err(Error::ENotCertified);
        }
        if b.storage.end <= self.epoch {
            return Err(Error::EResourceBounds);
        }
        self.debit_check(&caller, funds)?;
        let id = self.fresh_id();
        self.debit(&caller, funds);
        self.credit(&id, funds);
        self.blobs.get_mut(&blob).expect("checked").owner = id;
        self.shared_blobs.insert(id, SharedBlob { blob });
        Ok(id)
    }

    /// Adds `amount` from the caller to a shared blob's funds; returns the funds. Refuses an
    /// unknown shared blob (`EUnknownBlob`), `ENotEnoughFunds`.
    pub fn fund_shared_blob(
        &mut self,
        caller: ObjectId,
        shared: ObjectId,
        amount: Frost,
    ) -> Result<Frost> {
        if !self.shared_blobs.contains_key(&shared) {
            return Err(Error::EUnknownBlob);
        }
        self.debit_check(&caller, amount)?;
        self.debit(&caller, amount);
        self.credit(&shared, amount);
        Ok(self.balance(&shared))
    }

    /// Extends a shared blob by `epochs`, paid from its funds (anyone may); returns the cost.
    /// Refuses an unknown shared blob (`EUnknownBlob`), `ENotCertified`, an expired blob
    /// (`EResourceBounds`), `EInvalidEpochsAhead`, `ENotEnoughCapacity`, `ENotEnoughFunds`.
    pub fn extend_shared_blob(&mut self, shared: ObjectId, epochs: u32) -> Result<Frost> {
        let sb = *self.shared_blobs.get(&shared).ok_or(Error::EUnknownBlob)?;
        let b = *self.blobs.get(&sb.blob).ok_or(Error::EUnknownBlob)?;
        if b.certified_epoch.is_none() {
            return Err(Error::ENotCertified);
        }
        let (end, cost) = self.buy_extension(&shared, b.storage.end, epochs, b.storage.size)?;
        self.blobs.get_mut(&sb.blob).expect("exists").storage.end = end;
        Ok(cost)
    }

    /// Pays `payer`'s purchase of `size` bytes for `[start, start + epochs)` (the resource must
    /// not have expired: `start` after the current epoch); returns the new end epoch and the
    /// cost.
    fn buy_extension(
        &mut self,
        payer: &ObjectId,
        start: Epoch,
        epochs: u32,
        size: u64,
    ) -> Result<(Epoch, Frost)> {
        if start <= self.epoch {
            return Err(Error::EResourceBounds);
        }
        let end = start.saturating_add(epochs);
        self.check_window(start, end)?;
        self.check_capacity(start, end, size)?;
        let (total, per_epoch) = self.price_range(size, start, end)?;
        self.debit_check(payer, total)?;
        self.pay_range(payer, size, start, end, per_epoch, total);
        Ok((end, total))
    }

    /// A storage pool over a storage resource covering the current epoch; returns its id.
    /// Refuses `EUnknownStorage`, `ENotOwner`, `EResourceBounds`.
    pub fn create_storage_pool(&mut self, caller: ObjectId, storage: ObjectId) -> Result<ObjectId> {
        let st = *self.storages.get(&storage).ok_or(Error::EUnknownStorage)?;
        if st.owner != caller {
            return Err(Error::ENotOwner);
        }
        if st.start > self.epoch || st.end <= self.epoch {
            return Err(Error::EResourceBounds);
        }
        self.storages.remove(&storage);
        let id = self.fresh_id();
        self.storage_pools.insert(
            id,
            StoragePool {
                owner: caller,
                storage: st,
                used: 0,
                blobs: BTreeMap::new(),
            },
        );
        Ok(id)
    }

    /// Registers a blob against a pool, charging its write fee; returns its object id. Refuses
    /// an unknown pool (`EUnknownStorage`), `ENotOwner`, a bad blob ID, a pool not covering the
    /// current epoch (`EResourceBounds`), a blob already in it (`EDuplicate`), no room
    /// (`EResourceSize`), `EInvalidRate`, `ENotEnoughFunds`.
    #[allow(clippy::too_many_arguments)]
    pub fn register_pooled_blob(
        &mut self,
        caller: ObjectId,
        pool: ObjectId,
        blob_id: [u8; 32],
        root_hash: [u8; 32],
        size: u64,
        encoding_type: u8,
        deletable: bool,
    ) -> Result<ObjectId> {
        let p = self.owned_pool(caller, pool)?;
        let encoded = self.check_blob_id(&blob_id, &root_hash, size, encoding_type)?;
        if p.storage.start > self.epoch || p.storage.end <= self.epoch {
            return Err(Error::EResourceBounds);
        }
        if p.blobs.contains_key(&blob_id) {
            return Err(Error::EDuplicate);
        }
        if p.used as u128 + encoded as u128 > p.storage.size as u128 {
            return Err(Error::EResourceSize);
        }
        let fee = self.check_write_fee(&caller, encoded)?;
        let id = self.fresh_id();
        self.pay_write_fee(&caller, fee);
        let p = self.storage_pools.get_mut(&pool).expect("checked");
        p.used += encoded;
        p.blobs.insert(
            blob_id,
            PooledBlob {
                object_id: id,
                size,
                encoded_size: encoded,
                deletable,
                certified_epoch: None,
            },
        );
        Ok(id)
    }

    /// Certifies a pooled blob with a certificate of `cert_epoch` signed by `signers_shards`
    /// shards (the model takes the verified weight). Refuses an unknown pool
    /// (`EUnknownStorage`), another epoch (`EWrongEpoch`), `EBelowQuorum`, an unknown blob
    /// (`EUnknownBlob`), an expired pool (`EResourceBounds`), `EAlreadyCertified`.
    pub fn certify_pooled_blob(
        &mut self,
        pool: ObjectId,
        blob_id: [u8; 32],
        cert_epoch: Epoch,
        signers_shards: u64,
    ) -> Result<()> {
        let p = self
            .storage_pools
            .get(&pool)
            .ok_or(Error::EUnknownStorage)?;
        if cert_epoch != self.epoch {
            return Err(Error::EWrongEpoch);
        }
        let n = self.params.n_shards as u64;
        if signers_shards > n || !crate::price::is_quorum(signers_shards, n) {
            return Err(Error::EBelowQuorum);
        }
        let b = p.blobs.get(&blob_id).ok_or(Error::EUnknownBlob)?;
        if p.storage.end <= self.epoch {
            return Err(Error::EResourceBounds);
        }
        if b.certified_epoch.is_some() {
            return Err(Error::EAlreadyCertified);
        }
        let epoch = self.epoch;
        let p = self.storage_pools.get_mut(&pool).expect("checked");
        p.blobs.get_mut(&blob_id).expect("checked").certified_epoch = Some(epoch);
        Ok(())
    }

    /// Deletes a deletable pooled blob, freeing its space; returns it. Refuses an unknown pool
    /// (`EUnknownStorage`), `ENotOwner`, an unknown blob (`EUnknownBlob`), `EBlobNotDeletable`.
    pub fn delete_pooled_blob(
        &mut self,
        caller: ObjectId,
        pool: ObjectId,
        blob_id: [u8; 32],
    ) -> Result<PooledBlob> {
        let p = self.owned_pool(caller, pool)?;
        let b = *p.blobs.get(&blob_id).ok_or(Error::EUnknownBlob)?;
        if !b.deletable {
            return Err(Error::EBlobNotDeletable);
        }
        let p = self.storage_pools.get_mut(&pool).expect("checked");
        p.blobs.remove(&blob_id);
        p.used -= b.encoded_size;
        Ok(b)
    }

    /// Extends an unexpired pool by `epochs` for its whole capacity, paid by the owner; returns
    /// the cost. Refuses an unknown pool (`EUnknownStorage`), `ENotOwner`, an expired pool
    /// (`EResourceBounds`), `EInvalidEpochsAhead`, `ENotEnoughCapacity`, `ENotEnoughFunds`.
    pub fn extend_storage_pool(
        &mut self,
        caller: ObjectId,
        pool: ObjectId,
        epochs: u32,
    ) -> Result<Frost> {
        let p = self.owned_pool(caller, pool)?;
        let (start, size) = (p.storage.end, p.storage.size);
        let (end, cost) = self.buy_extension(&caller, start, epochs, size)?;
        self.storage_pools
            .get_mut(&pool)
            .expect("checked")
            .storage
            .end = end;
        Ok(cost)
    }

    /// Encoded bytes of the certified data held beyond the blobs: pooled blobs of unexpired
    /// pools and burned blobs not yet expired.
    pub(super) fn stored_bytes_beyond_blobs(&self) -> u128 {
        let pooled: u128 = self
            .storage_pools
            .values()
            .filter(|p| p.storage.end > self.epoch)
            .flat_map(|p| p.blobs.values())
            .filter(|b| b.certified_epoch.is_some())
            .map(|b| b.encoded_size as u128)
            .sum();
        let burned: u128 = self
            .burned_blobs
            .iter()
            .filter(|b| b.storage.end > self.epoch)
            .map(|b| b.encoded_size as u128)
            .sum();
        pooled + burned
    }
}
