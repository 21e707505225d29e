//! What a storage node does with a request, independent of HTTP: the checks, in order, before
//! anything is stored, and the reads.
//!
//! Storing metadata: the body is the BCS of a `BlobMetadata` for RS2 whose blob ID is the one in
//! the path for the committee's shard count, and the blob must be registered on chain and not
//! invalid. Storing a sliver: its pair index is in range, the blob is registered, the pair's
//! shard is this node's in the current epoch, the metadata are stored, the body is a sliver of
//! that pair and axis, and it verifies against the metadata (its expanded Merkle root). Only
//! then is it written, durably, before the answer.

use std::{collections::BTreeMap, sync::Arc};

use floe_indexer::bls::{messages, SecretKey};

use super::{
    blob_info::BlobInfo,
    errors::NodeError,
    metrics::Metrics,
    store::{Axis, Committee, NodeStore, SliverRead},
};
use crate::encoding::{
    axis::EncodingAxis, BlobId, BlobMetadata, BlobMetadataWithId, DecodingSymbol,
    EitherDecodingSymbol, EncodingConfig, GeneralRecoverySymbol, Primary, Secondary, ShardIndex,
    SliverData, SliverIndex, SliverPairIndex,
};

/// Whether a write stored something new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// Newly stored (201).
    Created,
    /// It was already stored (200).
    Already,
}

/// Walrus's storage status of a sliver or of metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoredStatus {
    /// Not stored here.
    Nonexistent,
    /// Stored.
    Stored,
}

impl StoredStatus {
    /// Walrus's JSON string.
    pub fn as_str(self) -> &'static str {
        match self {
            StoredStatus::Nonexistent => "nonexistent",
            StoredStatus::Stored => "stored",
        }
    }
}

/// The node's view of the chain when a request arrives.
#[derive(Debug, Clone)]
pub struct ChainView {
    /// The current epoch.
    pub epoch: u32,
    /// The committee serving it.
    pub committee: Committee,
    /// The encoding of its shard count.
    pub config: EncodingConfig,
}

/// A storage node's request logic over its store.
#[derive(Clone)]
pub struct StorageNode {
    store: NodeStore,
    node_id: [u8; 32],
    metrics: Arc<Metrics>,
    protocol_key: Option<Arc<SecretKey>>,
}

impl StorageNode {
    /// The node whose storage pool is `node_id`, over `store`.
    pub fn new(store: NodeStore, node_id: [u8; 32], metrics: Arc<Metrics>) -> Self {
        StorageNode {
            store,
            node_id,
            metrics,
            protocol_key: None,
        }
    }

    /// The node, signing confirmations with `key`.
    pub fn with_protocol_key(mut self, key: SecretKey) -> Self {
        self.protocol_key = Some(Arc::new(key));
        self
    }

    /// The store.
    pub fn store(&self) -> &NodeStore {
        &self.store
    }

    /// The node's pool id.
    pub fn node_id(&self) -> &[u8; 32] {
        &self.node_id
    }

    /// The metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The current epoch, its committee and encoding.
    pub fn view(&self) -> Result<ChainView, NodeError> {
        let epoch = self.store.epoch()?;
        let (_, committee) = self
            .store
            .committee_at(epoch)?
            .ok_or(NodeError::NoCommittee)?;
        let config = EncodingConfig::new(committee.n_shards()).map_err(|e| {
            NodeError::Internal(format!("the committee's shard count is unusable: {e}"))
        })?;
        Ok(ChainView {
            epoch,
            committee,
            config,
        })
    }

    /// This node's shards in the current epoch.
    pub fn own_shards(&self, view: &ChainView) -> Vec<u16> {
        view.committee.shards_of(&self.node_id).to_vec()
    }

    /// What the chain says of `blob`, and whether it is registered now.
    fn registration(&self, blob: &BlobId, epoch: u32) -> Result<BlobInfo, NodeError> {
        let info = self.store.blob_info(blob)?;
        if let Some((epoch, _)) = info.invalid {
            return Err(NodeError::InvalidBlob { epoch });
        }
        let pools = self.store.pool_ends()?;
        if !info.is_registered(epoch, |p| pools.get(p).copied()) {
            return Err(NodeError::NotRegistered);
        }
        Ok(info)
    }

    /// Walrus's blob status of `blob` (JSON).
    pub fn blob_status(&self, blob: &BlobId) -> Result<serde_json::Value, NodeError> {
        let info = self.store.blob_info(blob)?;
        let pools = self.store.pool_ends()?;
        Ok(info.status(self.store.epoch()?, |p| pools.get(p).copied()))
    }

    /// Stores the metadata of `blob` from the BCS of a `BlobMetadata`.
    pub fn put_metadata(&self, blob: &BlobId, body: &[u8]) -> Result<Stored, NodeError> {
        let view = self.view()?;
        let metadata: BlobMetadata = bcs::from_bytes(body)
            .map_err(|e| NodeError::InvalidMetadata(format!("malformed BCS: {e}")))?;
        if metadata.encoding_type() != crate::encoding::config::RS2_ENCODING_TYPE {
            return Err(NodeError::UnsupportedEncodingType(metadata.encoding_type()));
        }
        let with_id = BlobMetadataWithId {
            blob_id: *blob,
            metadata,
        };
        with_id
            .verify(&view.config)
            .map_err(|e| NodeError::InvalidMetadata(e.to_string()))?;
        self.registration(blob, view.epoch)?;
        let canonical = bcs::to_bytes(&with_id.metadata)
            .map_err(|e| NodeError::Internal(format!("cannot encode metadata: {e}")))?;
        Ok(if self.store.put_metadata(blob, &canonical)? {
            Stored::Created
        } else {
            Stored::Already
        })
    }

    /// The stored metadata of `blob`, parsed.
    fn metadata(&self, blob: &BlobId) -> Result<Option<BlobMetadata>, NodeError> {
        self.store
            .metadata(blob)?
            .map(|bytes| {
                bcs::from_bytes(&bytes)
                    .map_err(|e| NodeError::Internal(format!("stored metadata corrupt: {e}")))
            })
            .transpose()
    }

    /// The BCS of `blob`'s metadata with its ID (`BlobMetadataWithId`), as Walrus serves it.
    pub fn get_metadata(&self, blob: &BlobId) -> Result<Vec<u8>, NodeError> {
        let metadata = self.metadata(blob)?.ok_or(NodeError::MetadataNotFound)?;
        Ok(BlobMetadataWithId {
            blob_id: *blob,
            metadata,
        }
        .to_bcs())
    }

    /// Whether `blob`'s metadata are stored.
    pub fn metadata_status(&self, blob: &BlobId) -> Result<StoredStatus, NodeError> {
        Ok(match self.store.metadata(blob)? {
            Some(_) => StoredStatus::Stored,
            None => StoredStatus::Nonexistent,
        })
    }

    fn check_pair(view: &ChainView, pair: u16) -> Result<SliverPairIndex, NodeError> {
        let max = view.config.n_shards();
        if pair >= max {
            return Err(NodeError::IndexOutOfRange { index: pair, max });
        }
        Ok(SliverPairIndex(pair))
    }

    /// Stores a sliver of `blob` (its BCS) after every check.
    pub fn put_sliver(
        &self,
        blob: &BlobId,
        pair: u16,
        axis: Axis,
        body: &[u8],
    ) -> Result<Stored, NodeError> {
        let view = self.view()?;
        let pair = Self::check_pair(&view, pair)?;
        self.registration(blob, view.epoch)?;
        let n = view.config.n_shards();
        let shard = pair.to_shard_index(n, blob);
        if !view.committee.shards_of(&self.node_id).contains(&shard.0) {
            return Err(NodeError::ShardNotAssigned {
                shard: shard.0,
                epoch: view.epoch,
            });
        }
        let metadata = self.metadata(blob)?.ok_or(NodeError::MissingMetadata)?;
        match axis {
            Axis::Primary => verify_sliver::<Primary>(&view.config, &metadata, pair, body)?,
            Axis::Secondary => verify_sliver::<Secondary>(&view.config, &metadata, pair, body)?,
        }
        let fresh = self.store.put_sliver(blob, pair, axis, shard, body)?;
        if fresh {
            self.metrics.slivers_stored.inc();
            self.metrics.sliver_bytes_stored.inc_by(body.len() as u64);
        }
        Ok(if fresh {
            Stored::Created
        } else {
            Stored::Already
        })
    }

    /// Stores a sliver this node rebuilt by recovery (already verified against the metadata).
    pub fn store_recovered(
        &self,
        blob: &BlobId,
        pair: SliverPairIndex,
        axis: Axis,
        bytes: &[u8],
    ) -> Result<(), NodeError> {
        let view = self.view()?;
        let shard = pair.to_shard_index(view.config.n_shards(), blob);
        if self.store.put_sliver(blob, pair, axis, shard, bytes)? {
            self.metrics.slivers_recovered.inc();
        }
        Ok(())
    }

    /// The BCS of a stored, intact sliver.
    pub fn get_sliver(&self, blob: &BlobId, pair: u16, axis: Axis) -> Result<Vec<u8>, NodeError> {
        let view = self.view()?;
        let pair = Self::check_pair(&view, pair)?;
        match self.store.sliver(blob, pair, axis)? {
            SliverRead::Intact(bytes) => Ok(bytes),
            SliverRead::Missing => Err(NodeError::SliverNotFound),
            SliverRead::Damaged => {
                self.metrics.slivers_damaged.inc();
                tracing::warn!(
                    blob = %blob,
                    pair = pair.0,
                    axis = axis.as_str(),
                    "stored sliver is damaged; not serving it"
                );
                Err(NodeError::SliverNotFound)
            }
        }
    }

    /// Whether a sliver is stored intact.
    pub fn sliver_status(
        &self,
        blob: &BlobId,
        pair: u16,
        axis: Axis,
    ) -> Result<StoredStatus, NodeError> {
        let view = self.view()?;
        let pair = Self::check_pair(&view, pair)?;
        Ok(match self.store.sliver(blob, pair, axis)? {
            SliverRead::Intact(_) => StoredStatus::Stored,
            _ => StoredStatus::Nonexistent,
        })
    }

    /// The pairs (and their shards) this node must hold for `blob` in the current epoch.
    pub fn own_pairs(&self, view: &ChainView, blob: &BlobId) -> Vec<(SliverPairIndex, ShardIndex)> {
        let n = view.config.n_shards();
        self.own_shards(view)
            .into_iter()
            .map(|s| (ShardIndex(s).to_pair_index(n, blob), ShardIndex(s)))
            .collect()
    }

    /// Walrus's storage confirmation of `blob`: the blob certificate message of the current
    /// epoch (permanent, or deletable with its object `deletable_object`) and the node's BLS
    /// signature of it. Given only for a live registration of that kind, with the metadata
    /// and every sliver of the node's shards stored (durably) and intact.
    pub fn confirmation(
        &self,
        blob: &BlobId,
        deletable_object: Option<[u8; 32]>,
    ) -> Result<(Vec<u8>, [u8; 96]), NodeError> {
        let key = self.protocol_key.as_ref().ok_or(NodeError::NoProtocolKey)?;
        let view = self.view()?;
        let info = self.registration(blob, view.epoch)?;
        let pools = self.store.pool_ends()?;
        let live = info.live(view.epoch, &|p| pools.get(p).copied());
        let registered = match &deletable_object {
            None => live.iter().any(|(o, _)| !o.deletable),
            Some(id) => live.iter().any(|(o, _)| o.deletable && o.object_id == *id),
        };
        if !registered {
            return Err(NodeError::NotRegistered);
        }
        if self.store.metadata(blob)?.is_none() {
            return Err(NodeError::MissingMetadata);
        }
        if !self.holds_all(&view, blob)? {
            return Err(NodeError::MissingSlivers);
        }
        let message = messages::blob_cert(view.epoch, &blob.0, deletable_object.as_ref());
        let signature = key.sign(&message).to_bytes();
        self.metrics.confirmations_signed.inc();
        Ok((message, signature))
    }

    /// Whether every sliver of this node's shards for `blob` is stored intact.
    pub fn holds_all(&self, view: &ChainView, blob: &BlobId) -> Result<bool, NodeError> {
        for (pair, _) in self.own_pairs(view, blob) {
            for axis in Axis::BOTH {
                if !matches!(self.store.sliver(blob, pair, axis)?, SliverRead::Intact(_)) {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }
}

impl StorageNode {
    /// Walrus's decoding symbols of `blob`: for each target sliver of axis `target_axis`, the
    /// symbols (without proofs) that this node's stored orthogonal slivers contribute, at most
    /// `limit` per target (a Floe extension: a recovering node asks only for what it lacks).
    pub fn decoding_symbols(
        &self,
        blob: &BlobId,
        targets: &[u16],
        target_axis: Axis,
        limit: Option<usize>,
    ) -> Result<BTreeMap<SliverIndex, Vec<EitherDecodingSymbol>>, NodeError> {
        let view = self.view()?;
        self.registration(blob, view.epoch)?;
        let targets = Self::check_targets(&view, targets)?;
        let limit = limit.unwrap_or(usize::MAX);
        let mut out: BTreeMap<SliverIndex, Vec<EitherDecodingSymbol>> =
            targets.iter().map(|t| (*t, Vec::new())).collect();
        for (pair, _) in self.own_pairs(&view, blob) {
            if out.values().all(|v| v.len() >= limit) {
                break;
            }
            let symbols = match target_axis {
                Axis::Primary => self
                    .source_symbols::<Secondary>(&view, blob, pair, &targets)?
                    .map(|v| v.into_iter().map(EitherDecodingSymbol::Primary).collect()),
                Axis::Secondary => self
                    .source_symbols::<Primary>(&view, blob, pair, &targets)?
                    .map(|v| v.into_iter().map(EitherDecodingSymbol::Secondary).collect()),
            };
            let Some(symbols): Option<Vec<EitherDecodingSymbol>> = symbols else {
                continue;
            };
            for (target, symbol) in targets.iter().zip(symbols) {
                let list = out.entry(*target).or_default();
                if list.len() < limit {
                    list.push(symbol);
                }
            }
        }
        Ok(out)
    }

    /// Walrus's recovery symbols of `blob` for sliver `target` of axis `target_axis`: one per
    /// orthogonal sliver this node holds, each with its Merkle proof against the metadata.
    pub fn recovery_symbols(
        &self,
        blob: &BlobId,
        target: u16,
        target_axis: Axis,
    ) -> Result<Vec<GeneralRecoverySymbol>, NodeError> {
        let view = self.view()?;
        self.registration(blob, view.epoch)?;
        let target = Self::check_targets(&view, &[target])?[0];
        let mut out = Vec::new();
        for (pair, _) in self.own_pairs(&view, blob) {
            let symbol = match target_axis {
                Axis::Primary => self.proven_symbol::<Secondary>(&view, blob, pair, target)?,
                Axis::Secondary => self.proven_symbol::<Primary>(&view, blob, pair, target)?,
            };
            out.extend(symbol);
        }
        Ok(out)
    }

    fn check_targets(view: &ChainView, targets: &[u16]) -> Result<Vec<SliverIndex>, NodeError> {
        let max = view.config.n_shards();
        if targets.is_empty() {
            return Err(NodeError::InvalidPath("no target sliver given".into()));
        }
        targets
            .iter()
            .map(|&index| {
                if index >= max {
                    Err(NodeError::IndexOutOfRange { index, max })
                } else {
                    Ok(SliverIndex(index))
                }
            })
            .collect()
    }

    /// The stored, intact sliver of axis `A` of `pair`, parsed (`None` if absent or damaged).
    fn stored_sliver<A: EncodingAxis>(
        &self,
        blob: &BlobId,
        pair: SliverPairIndex,
    ) -> Result<Option<SliverData<A>>, NodeError> {
        match self.store.sliver(blob, pair, Axis::of::<A>())? {
            SliverRead::Intact(bytes) => SliverData::<A>::from_bcs(&bytes)
                .map(Some)
                .map_err(|e| NodeError::Internal(format!("stored sliver unreadable: {e}"))),
            SliverRead::Damaged => {
                self.metrics.slivers_damaged.inc();
                Ok(None)
            }
            SliverRead::Missing => Ok(None),
        }
    }

    /// The decoding symbols that this node's sliver of axis `A` of `pair` gives `targets`.
    fn source_symbols<A: EncodingAxis>(
        &self,
        view: &ChainView,
        blob: &BlobId,
        pair: SliverPairIndex,
        targets: &[SliverIndex],
    ) -> Result<Option<Vec<DecodingSymbol<A::Orthogonal>>>, NodeError> {
        let Some(sliver) = self.stored_sliver::<A>(blob, pair)? else {
            return Ok(None);
        };
        sliver
            .decoding_symbols_for(targets, &view.config)
            .map(Some)
            .map_err(|e| NodeError::Internal(format!("cannot expand a stored sliver: {e}")))
    }

    /// The recovery symbol with proof that this node's sliver of axis `A` of `pair` gives the
    /// orthogonal sliver `target`.
    fn proven_symbol<A: EncodingAxis>(
        &self,
        view: &ChainView,
        blob: &BlobId,
        pair: SliverPairIndex,
        target: SliverIndex,
    ) -> Result<Option<GeneralRecoverySymbol>, NodeError> {
        let Some(sliver) = self.stored_sliver::<A>(blob, pair)? else {
            return Ok(None);
        };
        let n = view.config.n_shards();
        let symbol = sliver
            .recovery_symbol_for(target.to_pair_index::<A::Orthogonal>(n), &view.config)
            .map_err(|e| NodeError::Internal(format!("cannot expand a stored sliver: {e}")))?;
        Ok(Some(GeneralRecoverySymbol::from_recovery_symbol(
            symbol, target,
        )))
    }
}

/// Parses `body` as a sliver of axis `A`, checks it belongs to `pair` and verifies it.
fn verify_sliver<A: EncodingAxis>(
    config: &EncodingConfig,
    metadata: &BlobMetadata,
    pair: SliverPairIndex,
    body: &[u8],
) -> Result<(), NodeError> {
    let sliver =
        SliverData::<A>::from_bcs(body).map_err(|e| NodeError::InvalidSliver(e.to_string()))?;
    let n = config.n_shards();
    let index = sliver.index();
    if index.0 >= n || index.to_pair_index::<A>(n) != pair {
        return Err(NodeError::SliverIndexMismatch {
            pair_index: pair.0,
            sliver_index: index.0,
        });
    }
    sliver
        .verify(config, metadata)
        .map_err(|e| NodeError::InvalidSliver(e.to_string()))
}
