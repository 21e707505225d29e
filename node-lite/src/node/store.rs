//! The node's crash-safe store (`redb`): metadata, slivers, what the chain says of each blob,
//! the committees, and the chain cursor.
//!
//! Every change is one `redb` write transaction committed durably (`fsync`) before the caller
//! answers anyone: a sliver and its shard's counters together; a checkpoint's derived state
//! together with the cursor that says it was processed, so events are applied exactly once
//! however the process stops. A sliver is stored with the Blake2b-256 of its bytes and checked
//! on every read, so a sliver damaged on disk is never served (it reads as missing and is
//! repaired by recovery).
//!
//! Tables:
//! - `metadata`: blob ID → BCS of the blob's `BlobMetadata` (as PUT by clients);
//! - `slivers`: blob ID ‖ pair index (u16 BE) ‖ axis (0 primary, 1 secondary) → digest ‖ BCS;
//! - `shard_stats`: shard → (slivers, bytes) held;
//! - `blobs`: blob ID → BCS of its [`BlobInfo`];
//! - `pools`: storage pool id → end epoch;
//! - `committees`: epoch → BCS of its member node ids and their shards;
//! - `nodes`: storage pool id → BCS of its [`PeerInfo`] (name, network address, BLS key);
//! - `cursor`: `next_checkpoint`, `epoch`, `n_shards`.

use std::{collections::BTreeSet, path::Path, sync::Arc};

use floe_economics::events::FloeEvent;
use floe_indexer::chain::Checkpoint;
use redb::{Database, ReadableTable, ReadableTableMetadata, TableDefinition};
use serde::{Deserialize, Serialize};

use super::{
    blob_info::{BlobInfo, BlobObject, EventRef},
    errors::NodeError,
};
use crate::encoding::{hashing::blake2b256, BlobId, ShardIndex, SliverPairIndex};

const METADATA: TableDefinition<&[u8], &[u8]> = TableDefinition::new("metadata");
const SLIVERS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("slivers");
const SHARD_STATS: TableDefinition<u16, (u64, u64)> = TableDefinition::new("shard_stats");
const BLOBS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("blobs");
const POOLS: TableDefinition<&[u8], u32> = TableDefinition::new("pools");
const COMMITTEES: TableDefinition<u32, &[u8]> = TableDefinition::new("committees");
const CURSOR: TableDefinition<&str, u64> = TableDefinition::new("cursor");
const NODES: TableDefinition<&[u8], &[u8]> = TableDefinition::new("nodes");

/// Length of the digest stored before each sliver.
const DIGEST_LEN: usize = 32;

/// The two axes of a sliver, as the store keys them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Axis {
    /// Rows.
    Primary,
    /// Columns.
    Secondary,
}

impl Axis {
    /// Both axes.
    pub const BOTH: [Axis; 2] = [Axis::Primary, Axis::Secondary];

    /// The axis of the marker type `A`.
    pub fn of<A: crate::encoding::EncodingAxis>() -> Axis {
        if A::IS_PRIMARY {
            Axis::Primary
        } else {
            Axis::Secondary
        }
    }

    /// Walrus's path segment.
    pub fn as_str(self) -> &'static str {
        match self {
            Axis::Primary => "primary",
            Axis::Secondary => "secondary",
        }
    }

    fn byte(self) -> u8 {
        match self {
            Axis::Primary => 0,
            Axis::Secondary => 1,
        }
    }
}

impl std::str::FromStr for Axis {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "primary" => Ok(Axis::Primary),
            "secondary" => Ok(Axis::Secondary),
            other => Err(format!(
                "unknown sliver axis {other:?} (primary or secondary)"
            )),
        }
    }
}

/// A committee: its members (storage pool ids) and each member's shards.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Committee {
    /// Members in committee order.
    pub node_ids: Vec<[u8; 32]>,
    /// `shards[i]`: the shards of member `i`.
    pub shards: Vec<Vec<u16>>,
}

impl Committee {
    /// The shard count.
    pub fn n_shards(&self) -> u16 {
        let n: usize = self.shards.iter().map(Vec::len).sum();
        u16::try_from(n).unwrap_or(u16::MAX)
    }

    /// The shards of `node_id` (empty if it is not a member).
    pub fn shards_of(&self, node_id: &[u8; 32]) -> &[u16] {
        self.node_ids
            .iter()
            .position(|id| id == node_id)
            .map_or(&[], |i| self.shards[i].as_slice())
    }

    /// The member holding `shard`, by position.
    pub fn holder(&self, shard: u16) -> Option<usize> {
        self.shards.iter().position(|s| s.contains(&shard))
    }
}

/// What the chain says of a storage node: how to reach it and its key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerInfo {
    /// Its name.
    pub name: String,
    /// Its REST API address as registered (`HOST:PORT` or a URL).
    pub network_address: String,
    /// Its BLS12-381 public key (48 bytes, compressed).
    pub public_key: Vec<u8>,
}

impl PeerInfo {
    /// The base URL of its REST API (`http://` added to a bare `HOST:PORT`).
    pub fn url(&self) -> String {
        if self.network_address.contains("://") {
            self.network_address.clone()
        } else {
            format!("http://{}", self.network_address)
        }
    }
}

/// A checkpoint's event that the node cannot decode: the pipeline stops there, having committed
/// nothing of that checkpoint.
#[derive(Debug, thiserror::Error)]
#[error("checkpoint {checkpoint}, transaction {transaction}, event {event} ({name}): {reason}")]
pub struct UndecodableEvent {
    /// The checkpoint's sequence number.
    pub checkpoint: u64,
    /// The transaction's index in the chain.
    pub transaction: u64,
    /// The event's position in the transaction.
    pub event: usize,
    /// The event's struct name.
    pub name: String,
    /// Why it does not decode.
    pub reason: String,
}

/// Why a checkpoint could not be applied.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// A checkpoint out of order (the store expects `expected`).
    #[error("checkpoint {got} out of order: the node expects checkpoint {expected}")]
    OutOfOrder {
        /// What the cursor says comes next.
        expected: u64,
        /// What was given.
        got: u64,
    },
    /// An event that does not decode.
    #[error(transparent)]
    Undecodable(#[from] UndecodableEvent),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] NodeError),
}

/// What applying a checkpoint changed that the node acts on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Blobs certified (first time or again) in the checkpoint.
    pub certified: BTreeSet<BlobId>,
    /// Whether the epoch changed.
    pub new_epoch: Option<u32>,
    /// Events of types the node does not use.
    pub skipped_events: u64,
}

/// The node's store. Cheap to clone; all methods block (call them off the async runtime).
#[derive(Clone)]
pub struct NodeStore {
    db: Arc<Database>,
}

fn sliver_key(blob: &BlobId, pair: SliverPairIndex, axis: Axis) -> [u8; 35] {
    let mut key = [0u8; 35];
    key[..32].copy_from_slice(blob.as_bytes());
    key[32..34].copy_from_slice(&pair.0.to_be_bytes());
    key[34] = axis.byte();
    key
}

fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8], what: &str) -> Result<T, NodeError> {
    bcs::from_bytes(bytes).map_err(|e| NodeError::Internal(format!("corrupt {what} record: {e}")))
}

fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, NodeError> {
    bcs::to_bytes(value).map_err(|e| NodeError::Internal(format!("cannot encode a record: {e}")))
}

impl NodeStore {
    /// Opens (or creates) the store in `dir` (the file `node.redb`).
    pub fn open(dir: &Path) -> Result<Self, NodeError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| NodeError::Internal(format!("cannot create {}: {e}", dir.display())))?;
        let db = Database::create(dir.join("node.redb"))
            .map_err(|e| NodeError::Internal(format!("cannot open the store: {e}")))?;
        let tx = db.begin_write()?;
        {
            tx.open_table(METADATA)?;
            tx.open_table(SLIVERS)?;
            tx.open_table(SHARD_STATS)?;
            tx.open_table(BLOBS)?;
            tx.open_table(POOLS)?;
            tx.open_table(COMMITTEES)?;
            tx.open_table(CURSOR)?;
            tx.open_table(NODES)?;
        }
        tx.commit()?;
        Ok(NodeStore { db: Arc::new(db) })
    }

    fn cursor_value(&self, name: &str) -> Result<Option<u64>, NodeError> {
        let tx = self.db.begin_read()?;
        let table = tx.open_table(CURSOR)?;
        Ok(table.get(name)?.map(|v| v.value()))
    }

    /// The next checkpoint to apply.
    pub fn next_checkpoint(&self) -> Result<u64, NodeError> {
        Ok(self.cursor_value("next_checkpoint")?.unwrap_or(0))
    }

    /// The chain's epoch as of the last applied checkpoint.
    pub fn epoch(&self) -> Result<u32, NodeError> {
        Ok(self
            .cursor_value("epoch")?
            .and_then(|e| u32::try_from(e).ok())
            .unwrap_or(0))
    }

    /// The committee of `epoch`, if known.
    pub fn committee(&self, epoch: u32) -> Result<Option<Committee>, NodeError> {
        let tx = self.db.begin_read()?;
        let table = tx.open_table(COMMITTEES)?;
        table
            .get(epoch)?
            .map(|v| decode(v.value(), "committee"))
            .transpose()
    }

    /// The latest committee at or before `epoch`, with its epoch.
    pub fn committee_at(&self, epoch: u32) -> Result<Option<(u32, Committee)>, NodeError> {
        let tx = self.db.begin_read()?;
        let table = tx.open_table(COMMITTEES)?;
        let last = table.range(..=epoch)?.next_back().transpose()?;
        last.map(|(e, v)| Ok((e.value(), decode(v.value(), "committee")?)))
            .transpose()
    }

    /// What the chain says of storage node `node_id`, if it registered.
    pub fn peer(&self, node_id: &[u8; 32]) -> Result<Option<PeerInfo>, NodeError> {
        let tx = self.db.begin_read()?;
        let table = tx.open_table(NODES)?;
        table
            .get(node_id.as_slice())?
            .map(|v| decode(v.value(), "node"))
            .transpose()
    }

    /// What the chain says of `blob`.
    pub fn blob_info(&self, blob: &BlobId) -> Result<BlobInfo, NodeError> {
        let tx = self.db.begin_read()?;
        let table = tx.open_table(BLOBS)?;
        Ok(match table.get(blob.as_bytes().as_slice())? {
            Some(v) => decode(v.value(), "blob")?,
            None => BlobInfo::default(),
        })
    }

    /// The end epoch of every storage pool the node has seen.
    pub fn pool_ends(&self) -> Result<std::collections::HashMap<[u8; 32], u32>, NodeError> {
        let tx = self.db.begin_read()?;
        let table = tx.open_table(POOLS)?;
        let mut out = std::collections::HashMap::new();
        for row in table.iter()? {
            let (k, v) = row?;
            if let Ok(id) = <[u8; 32]>::try_from(k.value()) {
                out.insert(id, v.value());
            }
        }
        Ok(out)
    }

    /// Applies the events of checkpoint `cp` (the next one) and advances the cursor, in one
    /// durable transaction. An undecodable Floe event commits nothing.
    pub fn apply_checkpoint(&self, cp: &Checkpoint) -> Result<Applied, ApplyError> {
        let tx = self.db.begin_write().map_err(NodeError::from)?;
        let mut applied = Applied::default();
        {
            let mut cursor = tx.open_table(CURSOR).map_err(NodeError::from)?;
            let expected = cursor
                .get("next_checkpoint")
                .map_err(NodeError::from)?
                .map_or(0, |v| v.value());
            if cp.sequence_number != expected {
                return Err(ApplyError::OutOfOrder {
                    expected,
                    got: cp.sequence_number,
                });
            }
            let previous_epoch = cursor
                .get("epoch")
                .map_err(NodeError::from)?
                .map(|v| v.value());
            let mut state = ChainTables {
                blobs: tx.open_table(BLOBS).map_err(NodeError::from)?,
                pools: tx.open_table(POOLS).map_err(NodeError::from)?,
                committees: tx.open_table(COMMITTEES).map_err(NodeError::from)?,
                nodes: tx.open_table(NODES).map_err(NodeError::from)?,
            };
            for t in cp.transactions.iter().filter(|t| t.abort.is_none()) {
                for (i, event) in t.events.iter().enumerate() {
                    let decoded = match event.decode() {
                        Ok(e) => e,
                        Err(floe_economics::events::BcsError::UnknownEvent(_)) => {
                            applied.skipped_events += 1;
                            continue;
                        }
                        Err(e) => {
                            return Err(UndecodableEvent {
                                checkpoint: cp.sequence_number,
                                transaction: t.index,
                                event: i,
                                name: event.name().to_owned(),
                                reason: e.to_string(),
                            }
                            .into())
                        }
                    };
                    let at = EventRef {
                        tx_digest: t.digest,
                        event_seq: i as u64,
                    };
                    if !state.apply(&decoded, at, &mut applied)? {
                        applied.skipped_events += 1;
                    }
                }
            }
            if previous_epoch != Some(u64::from(cp.epoch)) {
                applied.new_epoch = Some(cp.epoch);
            }
            cursor
                .insert("next_checkpoint", cp.sequence_number + 1)
                .map_err(NodeError::from)?;
            cursor
                .insert("epoch", u64::from(cp.epoch))
                .map_err(NodeError::from)?;
        }
        tx.commit().map_err(NodeError::from)?;
        Ok(applied)
    }

    /// Stores the metadata of `blob` (BCS of `BlobMetadata`); `false` if already stored.
    pub fn put_metadata(&self, blob: &BlobId, bcs_bytes: &[u8]) -> Result<bool, NodeError> {
        let tx = self.db.begin_write()?;
        let fresh = {
            let mut table = tx.open_table(METADATA)?;
            let key = blob.as_bytes().as_slice();
            let fresh = table.get(key)?.is_none();
            if fresh {
                table.insert(key, bcs_bytes)?;
            }
            fresh
        };
        tx.commit()?;
        Ok(fresh)
    }

    /// The metadata of `blob` (BCS of `BlobMetadata`), if stored.
    pub fn metadata(&self, blob: &BlobId) -> Result<Option<Vec<u8>>, NodeError> {
        let tx = self.db.begin_read()?;
        let table = tx.open_table(METADATA)?;
        Ok(table
            .get(blob.as_bytes().as_slice())?
            .map(|v| v.value().to_vec()))
    }

    /// Stores a verified sliver of `blob` (its BCS), counted for `shard`; `false` if an intact
    /// copy was already stored (a damaged one is replaced).
    pub fn put_sliver(
        &self,
        blob: &BlobId,
        pair: SliverPairIndex,
        axis: Axis,
        shard: ShardIndex,
        bcs_bytes: &[u8],
    ) -> Result<bool, NodeError> {
        let key = sliver_key(blob, pair, axis);
        let tx = self.db.begin_write()?;
        let fresh = {
            let mut slivers = tx.open_table(SLIVERS)?;
            let previous = slivers.get(key.as_slice())?.map(|v| v.value().to_vec());
            if previous.as_deref().and_then(intact).is_some() {
                false
            } else {
                let mut value = Vec::with_capacity(DIGEST_LEN + bcs_bytes.len());
                value.extend_from_slice(&blake2b256(&[bcs_bytes]));
                value.extend_from_slice(bcs_bytes);
                slivers.insert(key.as_slice(), value.as_slice())?;
                let mut stats = tx.open_table(SHARD_STATS)?;
                let (count, bytes) = stats.get(shard.0)?.map_or((0, 0), |v| v.value());
                let (count, bytes) = match &previous {
                    // A damaged copy is replaced: its bytes leave the count.
                    Some(old) => (count, bytes.saturating_sub(stored_len(old))),
                    None => (count + 1, bytes),
                };
                stats.insert(shard.0, (count, bytes + bcs_bytes.len() as u64))?;
                true
            }
        };
        tx.commit()?;
        Ok(fresh)
    }

    /// The sliver's BCS if stored and intact; `Err(SliverNotFound)` otherwise. A damaged copy
    /// is reported by `on_damage` and never returned.
    pub fn sliver(
        &self,
        blob: &BlobId,
        pair: SliverPairIndex,
        axis: Axis,
    ) -> Result<SliverRead, NodeError> {
        let tx = self.db.begin_read()?;
        let table = tx.open_table(SLIVERS)?;
        let Some(value) = table.get(sliver_key(blob, pair, axis).as_slice())? else {
            return Ok(SliverRead::Missing);
        };
        Ok(match intact(value.value()) {
            Some(bytes) => SliverRead::Intact(bytes.to_vec()),
            None => SliverRead::Damaged,
        })
    }

    /// Slivers and bytes held per shard.
    pub fn shard_stats(&self) -> Result<Vec<(u16, u64, u64)>, NodeError> {
        let tx = self.db.begin_read()?;
        let table = tx.open_table(SHARD_STATS)?;
        let mut out = Vec::new();
        for row in table.iter()? {
            let (k, v) = row?;
            let (count, bytes) = v.value();
            out.push((k.value(), count, bytes));
        }
        Ok(out)
    }

    /// Number of slivers stored (intact or not).
    pub fn sliver_count(&self) -> Result<u64, NodeError> {
        let tx = self.db.begin_read()?;
        Ok(tx.open_table(SLIVERS)?.len()?)
    }

    /// Every blob ID the chain has told the node of (registered at some point, not forgotten).
    pub fn known_blobs(&self) -> Result<Vec<BlobId>, NodeError> {
        let tx = self.db.begin_read()?;
        let mut out = Vec::new();
        for row in tx.open_table(BLOBS)?.iter()? {
            let (k, _) = row?;
            if let Ok(id) = <[u8; 32]>::try_from(k.value()) {
                out.push(BlobId(id));
            }
        }
        Ok(out)
    }

    /// Every blob ID with stored metadata or slivers.
    pub fn stored_blobs(&self) -> Result<Vec<BlobId>, NodeError> {
        let tx = self.db.begin_read()?;
        let mut out = BTreeSet::new();
        for row in tx.open_table(METADATA)?.iter()? {
            let (k, _) = row?;
            if let Ok(id) = <[u8; 32]>::try_from(k.value()) {
                out.insert(BlobId(id));
            }
        }
        for row in tx.open_table(SLIVERS)?.iter()? {
            let (k, _) = row?;
            if let Ok(id) = <[u8; 32]>::try_from(&k.value()[..32]) {
                out.insert(BlobId(id));
            }
        }
        Ok(out.into_iter().collect())
    }

    /// Removes the metadata and every sliver of `blob`, in one transaction; returns the bytes
    /// freed. `shard_of` gives the shard a pair was counted for.
    pub fn remove_blob(
        &self,
        blob: &BlobId,
        shard_of: impl Fn(SliverPairIndex) -> ShardIndex,
    ) -> Result<u64, NodeError> {
        let tx = self.db.begin_write()?;
        let mut freed = 0u64;
        {
            let mut metadata = tx.open_table(METADATA)?;
            if let Some(v) = metadata.remove(blob.as_bytes().as_slice())? {
                freed += v.value().len() as u64;
            }
            let mut slivers = tx.open_table(SLIVERS)?;
            let mut stats = tx.open_table(SHARD_STATS)?;
            let start = sliver_key(blob, SliverPairIndex(0), Axis::Primary);
            let end = sliver_key(blob, SliverPairIndex(u16::MAX), Axis::Secondary);
            let mut keys = Vec::new();
            for row in slivers.range(start.as_slice()..=end.as_slice())? {
                let (k, v) = row?;
                keys.push((k.value().to_vec(), stored_len(v.value())));
            }
            for (key, len) in keys {
                slivers.remove(key.as_slice())?;
                let pair = SliverPairIndex(u16::from_be_bytes([key[32], key[33]]));
                let shard = shard_of(pair).0;
                let (count, bytes) = stats.get(shard)?.map_or((0, 0), |v| v.value());
                stats.insert(shard, (count.saturating_sub(1), bytes.saturating_sub(len)))?;
                freed += len;
            }
        }
        tx.commit()?;
        Ok(freed)
    }

    /// Overwrites the stored bytes of a sliver without updating its digest: only for tests and
    /// fault drills that need a sliver damaged on disk.
    #[doc(hidden)]
    pub fn damage_sliver(
        &self,
        blob: &BlobId,
        pair: SliverPairIndex,
        axis: Axis,
    ) -> Result<bool, NodeError> {
        let key = sliver_key(blob, pair, axis);
        let tx = self.db.begin_write()?;
        let damaged = {
            let mut table = tx.open_table(SLIVERS)?;
            let value = table.get(key.as_slice())?.map(|v| v.value().to_vec());
            match value {
                Some(mut v) if v.len() > DIGEST_LEN => {
                    let last = v.len() - 1;
                    v[last] ^= 0xff;
                    table.insert(key.as_slice(), v.as_slice())?;
                    true
                }
                _ => false,
            }
        };
        tx.commit()?;
        Ok(damaged)
    }
}

/// What a sliver read found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SliverRead {
    /// Not stored.
    Missing,
    /// Stored but its bytes no longer match their digest.
    Damaged,
    /// The sliver's BCS.
    Intact(Vec<u8>),
}

/// The payload of a stored sliver if its digest matches.
fn intact(value: &[u8]) -> Option<&[u8]> {
    let (digest, payload) = value.split_at_checked(DIGEST_LEN)?;
    (blake2b256(&[payload]) == digest).then_some(payload)
}

/// Payload length of a stored sliver record.
fn stored_len(value: &[u8]) -> u64 {
    value.len().saturating_sub(DIGEST_LEN) as u64
}

/// The tables a checkpoint's events change.
struct ChainTables<'t> {
    blobs: redb::Table<'t, &'static [u8], &'static [u8]>,
    pools: redb::Table<'t, &'static [u8], u32>,
    committees: redb::Table<'t, u32, &'static [u8]>,
    nodes: redb::Table<'t, &'static [u8], &'static [u8]>,
}

impl ChainTables<'_> {
    fn update_blob(
        &mut self,
        blob_id: &[u8; 32],
        f: impl FnOnce(&mut BlobInfo),
    ) -> Result<(), NodeError> {
        let key = blob_id.as_slice();
        let mut info: BlobInfo = match self.blobs.get(key)? {
            Some(v) => decode(v.value(), "blob")?,
            None => BlobInfo::default(),
        };
        f(&mut info);
        if info == BlobInfo::default() {
            self.blobs.remove(key)?;
        } else {
            self.blobs.insert(key, encode(&info)?.as_slice())?;
        }
        Ok(())
    }

    /// Applies one event; `false` if the node does not use its type.
    fn apply(
        &mut self,
        event: &FloeEvent,
        at: EventRef,
        applied: &mut Applied,
    ) -> Result<bool, NodeError> {
        match event {
            FloeEvent::BlobRegistered(e) => self.update_blob(&e.blob_id, |info| {
                info.remove(&e.object_id);
                info.objects.push(BlobObject {
                    object_id: e.object_id,
                    deletable: e.deletable,
                    end_epoch: e.end_epoch,
                    pool: None,
                    certified_epoch: None,
                    event: at,
                });
            })?,
            FloeEvent::PooledBlobRegistered(e) => self.update_blob(&e.blob_id, |info| {
                info.remove(&e.object_id);
                info.objects.push(BlobObject {
                    object_id: e.object_id,
                    deletable: e.deletable,
                    end_epoch: 0,
                    pool: Some(e.storage_pool_id),
                    certified_epoch: None,
                    event: at,
                });
            })?,
            FloeEvent::BlobCertified(e) => {
                self.update_blob(&e.blob_id, |info| {
                    if let Some(o) = info.object_mut(&e.object_id) {
                        o.certified_epoch.get_or_insert(e.epoch);
                        o.end_epoch = e.end_epoch;
                        o.event = at;
                    }
                })?;
                applied.certified.insert(BlobId(e.blob_id));
            }
            FloeEvent::PooledBlobCertified(e) => {
                self.update_blob(&e.blob_id, |info| {
                    if let Some(o) = info.object_mut(&e.object_id) {
                        o.certified_epoch.get_or_insert(e.epoch);
                        o.event = at;
                    }
                })?;
                applied.certified.insert(BlobId(e.blob_id));
            }
            FloeEvent::BlobDeleted(e) => self.update_blob(&e.blob_id, |info| {
                info.remove(&e.object_id);
            })?,
            FloeEvent::PooledBlobDeleted(e) => self.update_blob(&e.blob_id, |info| {
                info.remove(&e.object_id);
            })?,
            FloeEvent::BlobReplaced(e) => {
                let mut moved = None;
                self.update_blob(&e.old_blob_id, |info| moved = info.remove(&e.object_id))?;
                if let Some(mut object) = moved {
                    object.certified_epoch = None;
                    object.event = at;
                    self.update_blob(&e.new_blob_id, |info| info.objects.push(object))?;
                }
            }
            FloeEvent::InvalidBlobID(e) => self.update_blob(&e.blob_id, |info| {
                info.invalid.get_or_insert((e.epoch, at));
            })?,
            FloeEvent::StoragePoolCreated(e) => {
                self.pools
                    .insert(e.storage_pool_id.as_slice(), e.end_epoch)?;
            }
            FloeEvent::StoragePoolExtended(e) => {
                self.pools
                    .insert(e.storage_pool_id.as_slice(), e.new_end_epoch)?;
            }
            FloeEvent::NodeRegistered(e) => {
                let peer = PeerInfo {
                    name: e.name.clone(),
                    network_address: e.network_address.clone(),
                    public_key: e.public_key.clone(),
                };
                self.nodes
                    .insert(e.node_id.as_slice(), encode(&peer)?.as_slice())?;
            }
            FloeEvent::CommitteeSelected(e) => {
                let committee = Committee {
                    node_ids: e.node_ids.clone(),
                    shards: e.shards.clone(),
                };
                self.committees
                    .insert(e.epoch, encode(&committee)?.as_slice())?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
