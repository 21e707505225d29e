//! Recovery: the node rebuilds every sliver of its shards that it lacks (never received, lost,
//! or damaged on disk) for the certified blobs it must hold, from other nodes' symbols with the
//! 2D code.
//!
//! For a missing sliver of axis `A` the node needs `k` symbols (`k` = the sliver's symbol
//! count), one from each of `k` distinct orthogonal slivers. It takes them first from its own
//! orthogonal slivers, then asks the committee's other nodes for exactly as many as it still
//! lacks (`decodingSymbols` with a `limit`): symbols without proofs, so the bytes fetched are
//! the sliver's own size. The rebuilt sliver is checked against the metadata; only if it does
//! not match (a peer sent a wrong symbol, or the blob was encoded inconsistently) does the node
//! fetch symbols with Merkle proofs (`recoverySymbols`), which tell a lying peer from an
//! inconsistent blob. Metadata the node lacks are fetched from a peer and verified against the
//! blob ID.
//!
//! Recovery runs after `BlobCertified`, at start-up, at each epoch change (shards may have
//! moved) and again, with a growing pause, for blobs whose recovery could not finish yet.

use std::{
    collections::{BTreeMap, BTreeSet},
    time::Duration,
};

use tokio::sync::{mpsc, watch};

use super::{
    blocking,
    errors::NodeError,
    service::{ChainView, StorageNode},
    store::{Axis, SliverRead},
};
use crate::{
    client::NodeClient,
    encoding::{
        axis::EncodingAxis, decode_sliver, recover_sliver, BlobId, BlobMetadata, DecodingSymbol,
        Primary, RecoveryError, Secondary, SliverIndex, SliverOrInconsistencyProof,
        SliverPairIndex,
    },
};

/// What the recovery worker is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecoveryTask {
    /// Check (and complete) these blobs.
    Blobs(Vec<BlobId>),
    /// Check every blob the node must hold.
    All,
}

/// Why a blob could not be recovered (yet).
#[derive(Debug, thiserror::Error)]
pub enum RecoveryFailure {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] NodeError),
    /// No peer served metadata that verify.
    #[error("no peer served the blob's metadata")]
    NoMetadata,
    /// Too few symbols could be gathered, or they did not rebuild the sliver.
    #[error("sliver {pair}/{axis}: {reason}")]
    Sliver {
        /// The pair.
        pair: u16,
        /// The axis.
        axis: &'static str,
        /// Why.
        reason: String,
    },
}

/// The outcome of recovering one blob.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recovered {
    /// Slivers rebuilt and stored.
    pub slivers: u64,
    /// Body bytes received from peers.
    pub bytes: u64,
}

/// The recovery worker: takes tasks from `tasks` until `shutdown` turns true; blobs that could
/// not be completed are tried again with a growing pause.
pub async fn run(
    node: StorageNode,
    mut tasks: mpsc::UnboundedReceiver<RecoveryTask>,
    mut shutdown: watch::Receiver<bool>,
) {
    let http = reqwest::Client::new();
    let mut retry: BTreeSet<BlobId> = BTreeSet::new();
    let mut pause = Duration::from_millis(200);
    loop {
        let task = tokio::select! {
            task = tasks.recv() => match task {
                Some(task) => task,
                None => return,
            },
            _ = tokio::time::sleep(pause), if !retry.is_empty() => {
                pause = (pause * 2).min(Duration::from_secs(10));
                RecoveryTask::Blobs(std::mem::take(&mut retry).into_iter().collect())
            }
            _ = shutdown.changed() => return,
        };
        let blobs = match task {
            RecoveryTask::Blobs(blobs) => blobs,
            RecoveryTask::All => {
                let store = node.store().clone();
                match tokio::task::spawn_blocking(move || store.known_blobs()).await {
                    Ok(Ok(blobs)) => blobs,
                    Ok(Err(e)) => {
                        tracing::warn!("recovery scan: {e}");
                        continue;
                    }
                    Err(e) => {
                        tracing::warn!("recovery scan failed: {e}");
                        continue;
                    }
                }
            }
        };
        for blob in blobs {
            if *shutdown.borrow() {
                return;
            }
            match recover_blob(&node, &http, &blob).await {
                Ok(done) if done.slivers > 0 => {
                    tracing::info!(blob = %blob, slivers = done.slivers, bytes = done.bytes, "recovered");
                    retry.remove(&blob);
                }
                Ok(_) => {
                    retry.remove(&blob);
                }
                Err(e) => {
                    tracing::warn!(blob = %blob, "recovery not complete: {e}");
                    if retry.is_empty() {
                        pause = Duration::from_millis(200);
                    }
                    retry.insert(blob);
                }
            }
        }
    }
}

/// The other committee members, as clients sharing `http` (one connection pool for every
/// recovery), in committee order.
fn peers(
    node: &StorageNode,
    view: &ChainView,
    http: &reqwest::Client,
) -> Result<Vec<NodeClient>, NodeError> {
    let mut out = Vec::new();
    for id in &view.committee.node_ids {
        if id == node.node_id() {
            continue;
        }
        if let Some(peer) = node.store().peer(id)? {
            out.push(NodeClient::with_http(&peer.url(), http.clone()));
        }
    }
    Ok(out)
}

/// Brings `blob` complete on this node if it must hold it (certified, live): every sliver of
/// its shards present and intact. Peers are reached over `http`.
pub async fn recover_blob(
    node: &StorageNode,
    http: &reqwest::Client,
    blob: &BlobId,
) -> Result<Recovered, RecoveryFailure> {
    let (view, lacking) = {
        let node = node.clone();
        let blob = *blob;
        blocking::<_, NodeError>(move || {
            let view = node.view()?;
            let pools = node.store().pool_ends()?;
            let info = node.store().blob_info(&blob)?;
            if !info.is_certified(view.epoch, |p| pools.get(p).copied()) {
                return Ok((view, Vec::new()));
            }
            let mut lacking = Vec::new();
            for (pair, _) in node.own_pairs(&view, &blob) {
                for axis in Axis::BOTH {
                    match node.store().sliver(&blob, pair, axis)? {
                        SliverRead::Intact(_) => {}
                        SliverRead::Damaged => {
                            node.metrics().slivers_damaged.inc();
                            tracing::warn!(blob = %blob, pair = pair.0, axis = axis.as_str(), "damaged sliver found; recovering it");
                            lacking.push((pair, axis));
                        }
                        SliverRead::Missing => lacking.push((pair, axis)),
                    }
                }
            }
            Ok((view, lacking))
        })
        .await?
    };
    if lacking.is_empty() {
        return Ok(Recovered::default());
    }
    let peers = peers(node, &view, http)?;
    let metadata = metadata(node, blob, &view, &peers).await?;
    let mut done = Recovered::default();
    let mut failure = None;
    for (pair, axis) in lacking {
        let outcome = match axis {
            Axis::Primary => {
                recover_one::<Primary>(node, blob, &view, &metadata, &peers, pair).await
            }
            Axis::Secondary => {
                recover_one::<Secondary>(node, blob, &view, &metadata, &peers, pair).await
            }
        };
        match outcome {
            Ok(()) => done.slivers += 1,
            Err(e) => failure = Some(e),
        }
    }
    let received: u64 = peers.iter().map(|p| p.traffic().1).sum();
    node.metrics().recovery_bytes.inc_by(received);
    done.bytes = received;
    match failure {
        Some(e) => Err(e),
        None => Ok(done),
    }
}

/// The blob's metadata: stored, or fetched from the first peer whose copy verifies (and then
/// stored).
async fn metadata(
    node: &StorageNode,
    blob: &BlobId,
    view: &ChainView,
    peers: &[NodeClient],
) -> Result<BlobMetadata, RecoveryFailure> {
    if let Some(bytes) = node.store().metadata(blob)? {
        return bcs::from_bytes(&bytes)
            .map_err(|e| NodeError::Internal(format!("stored metadata corrupt: {e}")).into());
    }
    for peer in peers {
        let Ok(with_id) = peer.metadata(blob).await else {
            continue;
        };
        if with_id.blob_id != *blob || with_id.verify(&view.config).is_err() {
            tracing::warn!(peer = peer.base(), blob = %blob, "peer served metadata that do not verify");
            continue;
        }
        let node = node.clone();
        let (blob, metadata) = (*blob, with_id.metadata.clone());
        blocking(move || {
            let bytes = bcs::to_bytes(&metadata)
                .map_err(|e| NodeError::Internal(format!("cannot encode metadata: {e}")))?;
            node.store().put_metadata(&blob, &bytes)
        })
        .await?;
        return Ok(with_id.metadata);
    }
    Err(RecoveryFailure::NoMetadata)
}

/// Rebuilds and stores the sliver of axis `A` of `pair`.
async fn recover_one<A: EncodingAxis>(
    node: &StorageNode,
    blob: &BlobId,
    view: &ChainView,
    metadata: &BlobMetadata,
    peers: &[NodeClient],
    pair: SliverPairIndex,
) -> Result<(), RecoveryFailure> {
    let axis = Axis::of::<A>();
    let n = view.config.n_shards();
    let target = pair.to_sliver_index::<A>(n);
    let needed = usize::from(view.config.source_symbols::<A::Orthogonal>());
    let fail = |reason: String| RecoveryFailure::Sliver {
        pair: pair.0,
        axis: axis.as_str(),
        reason,
    };

    // Own orthogonal slivers first, then peers for exactly what is missing.
    let mut symbols: BTreeMap<u16, DecodingSymbol<A>> = BTreeMap::new();
    let own = {
        let (node, blob) = (node.clone(), *blob);
        blocking(move || node.decoding_symbols(&blob, &[target.0], axis, Some(needed))).await?
    };
    for s in own
        .into_values()
        .flatten()
        .filter_map(|s| s.into_axis::<A>())
    {
        symbols.entry(s.index).or_insert(s);
    }
    for peer in peers {
        if symbols.len() >= needed {
            break;
        }
        let limit = needed - symbols.len();
        match peer
            .decoding_symbols(blob, &[target], axis, Some(limit))
            .await
        {
            Ok(map) => {
                for s in map
                    .into_values()
                    .flatten()
                    .filter_map(|s| s.into_axis::<A>())
                {
                    node.metrics().recovery_symbols.inc();
                    symbols.entry(s.index).or_insert(s);
                }
            }
            Err(e) => tracing::debug!(peer = peer.base(), "no decoding symbols: {e}"),
        }
    }
    let sliver = match decode_sliver(symbols.into_values(), target, metadata, &view.config) {
        Ok(sliver) => sliver,
        Err(e) => {
            tracing::warn!(blob = %blob, pair = pair.0, axis = axis.as_str(), "decoding symbols did not rebuild the sliver ({e}); asking for symbols with proofs");
            proven::<A>(node, blob, view, metadata, peers, target)
                .await
                .map_err(fail)?
        }
    };
    let bytes = sliver.to_bcs();
    let (node2, blob2) = (node.clone(), *blob);
    blocking(move || node2.store_recovered(&blob2, pair, axis, &bytes)).await?;
    Ok(())
}

/// Recovery with proven symbols from every peer: rebuilds the sliver from verified symbols, or
/// finds the blob inconsistent.
async fn proven<A: EncodingAxis>(
    node: &StorageNode,
    blob: &BlobId,
    view: &ChainView,
    metadata: &BlobMetadata,
    peers: &[NodeClient],
    target: SliverIndex,
) -> Result<crate::encoding::SliverData<A>, String> {
    let axis = Axis::of::<A>();
    let mut symbols = Vec::new();
    for peer in peers {
        if let Ok(list) = peer.recovery_symbols(blob, target, axis).await {
            node.metrics().recovery_symbols.inc_by(list.len() as u64);
            symbols.extend(list.into_iter().filter_map(|s| s.into_axis::<A>()));
        }
    }
    match recover_sliver(symbols, target, metadata, &view.config) {
        Ok(SliverOrInconsistencyProof::Sliver(sliver)) => Ok(sliver),
        Ok(SliverOrInconsistencyProof::InconsistencyProof(_)) => Err(
            "the blob is encoded inconsistently (verified symbols contradict the metadata)".into(),
        ),
        Err(RecoveryError::NotEnoughSymbols {
            needed,
            got,
            rejected,
        }) => Err(format!(
            "{got} verified symbols of {needed} needed ({rejected} rejected)"
        )),
        Err(e) => Err(e.to_string()),
    }
}
