//! Following the chain: checkpoints in order from a [`CheckpointSource`], each applied to the
//! store with the cursor in the same transaction (exactly once, whatever stops the process),
//! then the work they call for (garbage collection at an epoch change).
//!
//! A source that fails (a dropped connection, a server restart) is retried with a growing
//! pause; a checkpoint with an undecodable Floe event stops the follower with an error naming
//! checkpoint, transaction and event, and nothing of that checkpoint is applied.

use std::time::Duration;

use floe_indexer::{
    chain::{Checkpoint, CheckpointSource, SourceError},
    checkpoint_files::CheckpointFiles,
    grpc::GrpcSource,
};
use tokio::sync::{mpsc, watch};

use super::{
    blocking,
    config::{ChainConfig, SourceSpec},
    errors::NodeError,
    recovery::RecoveryTask,
    service::StorageNode,
    store::{Applied, ApplyError},
};

/// Where the node reads checkpoints.
#[derive(Clone)]
pub enum ChainSource {
    /// A Sui gRPC endpoint.
    Grpc(GrpcSource),
    /// A directory of checkpoint files.
    Files(CheckpointFiles),
}

impl ChainSource {
    /// The source a configuration names.
    pub fn from_config(config: &ChainConfig) -> Result<Self, String> {
        Ok(match config.source()? {
            SourceSpec::Grpc(url) => ChainSource::Grpc(
                GrpcSource::new(&url, config.package_id).map_err(|e| e.to_string())?,
            ),
            SourceSpec::Files(dir) => {
                ChainSource::Files(CheckpointFiles::new(&dir, config.package_id))
            }
        })
    }

    async fn checkpoint(&self, seq: u64) -> Result<std::sync::Arc<Checkpoint>, SourceError> {
        match self {
            ChainSource::Grpc(s) => s.checkpoint(seq).await,
            ChainSource::Files(s) => s.checkpoint(seq).await,
        }
    }

    async fn latest_sequence(&self) -> Result<Option<u64>, SourceError> {
        match self {
            ChainSource::Grpc(s) => s.latest_sequence().await,
            ChainSource::Files(s) => s.latest_sequence().await,
        }
    }
}

/// Why the follower stopped.
#[derive(Debug, thiserror::Error)]
pub enum FollowError {
    /// A checkpoint cannot be applied (an undecodable event, a store failure).
    #[error("cannot apply the chain: {0}")]
    Apply(#[from] ApplyError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] NodeError),
}

/// Follows `source` into `node`'s store until `shutdown` turns true, handing `recovery` the
/// blobs certified and, at each epoch change, a full check.
pub async fn follow(
    source: ChainSource,
    node: StorageNode,
    recovery: mpsc::UnboundedSender<RecoveryTask>,
    mut shutdown: watch::Receiver<bool>,
) -> Result<(), FollowError> {
    let mut pause = Duration::from_millis(100);
    loop {
        if *shutdown.borrow() {
            return Ok(());
        }
        let store = node.store().clone();
        let next = blocking(move || store.next_checkpoint()).await?;
        node.metrics()
            .next_checkpoint
            .set(i64::try_from(next).unwrap_or(i64::MAX));
        if let Ok(Some(latest)) = source.latest_sequence().await {
            let lag = (latest + 1).saturating_sub(next);
            node.metrics()
                .checkpoint_lag
                .set(i64::try_from(lag).unwrap_or(i64::MAX));
        }
        let cp = tokio::select! {
            cp = source.checkpoint(next) => cp,
            _ = shutdown.changed() => return Ok(()),
        };
        let cp = match cp {
            Ok(cp) => cp,
            Err(e) => {
                tracing::warn!("checkpoint {next}: {e}; retrying in {pause:?}");
                tokio::select! {
                    _ = tokio::time::sleep(pause) => {}
                    _ = shutdown.changed() => return Ok(()),
                }
                pause = (pause * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        pause = Duration::from_millis(100);
        let store = node.store().clone();
        let applied: Applied = blocking(move || store.apply_checkpoint(&cp)).await?;
        node.metrics().events_skipped.inc_by(applied.skipped_events);
        if let Some(epoch) = applied.new_epoch {
            tracing::info!(epoch, "epoch from the chain");
            let n = node.clone();
            let freed = blocking(move || collect_garbage(&n)).await?;
            if freed > 0 {
                tracing::info!(freed, "garbage collected");
            }
            let _ = recovery.send(RecoveryTask::All);
        } else if !applied.certified.is_empty() {
            let _ = recovery.send(RecoveryTask::Blobs(applied.certified.into_iter().collect()));
        }
    }
}

/// Removes the data of blobs that are no longer needed: every object expired or deleted, or
/// the blob certified invalid. Returns the bytes freed.
pub fn collect_garbage(node: &StorageNode) -> Result<u64, NodeError> {
    let store = node.store();
    let epoch = store.epoch()?;
    let Some((_, committee)) = store.committee_at(epoch)? else {
        return Ok(0);
    };
    let n = committee.n_shards();
    let pools = store.pool_ends()?;
    let mut freed = 0;
    for blob in store.stored_blobs()? {
        let info = store.blob_info(&blob)?;
        let ended = info
            .last_end_epoch(|p| pools.get(p).copied())
            .is_some_and(|end| end <= epoch);
        if info.invalid.is_some() || ended {
            let bytes = store.remove_blob(&blob, |pair| pair.to_shard_index(n, &blob))?;
            tracing::debug!(blob = %blob, bytes, "collected");
            freed += bytes;
        }
    }
    node.metrics().gc_bytes.inc_by(freed);
    Ok(freed)
}
