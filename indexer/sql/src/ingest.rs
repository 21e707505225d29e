//! The ingestion loop: reads checkpoints in order from a [`CheckpointSource`] (prefetching
//! ahead), decodes the kept events, runs every pipeline over whole checkpoints and commits
//! them in batches with the watermarks ([`crate::store::commit`]). It starts after the last
//! committed checkpoint (or at `first_checkpoint` on an empty index), commits when a batch is
//! full or the source has nothing more ready, and stops after `last_checkpoint`, on shutdown
//! (committing the whole checkpoints it holds), or at the first error, having committed
//! nothing of the checkpoint that failed.

use std::future::Future;
use std::time::{Duration, Instant};

use futures::{FutureExt, StreamExt};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use floe_indexer::chain::{Checkpoint, CheckpointSource, SourceError};

use crate::audit::{AuditParams, AuditState};
use crate::db::Db;
use crate::decode::{decode_checkpoint, DecodeError, Packages};
use crate::ids::TooLarge;
use crate::pipelines::Batch;
use crate::store::{self, Watermark, AUDIT_STATE};

/// How to ingest.
#[derive(Debug, Clone)]
pub struct IngestConfig {
    /// The packages whose events are kept.
    pub packages: Packages,
    /// Where an empty index starts (default 0).
    pub first_checkpoint: Option<u64>,
    /// The last checkpoint to ingest (default: follow the chain forever).
    pub last_checkpoint: Option<u64>,
    /// Commit once a batch holds this many events…
    pub batch_events: u64,
    /// …or this many checkpoints.
    pub batch_checkpoints: usize,
    /// Checkpoints fetched ahead of the one being processed.
    pub prefetch: usize,
    /// The settlement audit's parameters (the chain's genesis parameters).
    pub audit: AuditParams,
    /// Show a progress bar (rate and ETA) on standard error while catching up.
    pub progress: bool,
}

impl Default for IngestConfig {
    fn default() -> Self {
        IngestConfig {
            packages: Packages::default(),
            first_checkpoint: None,
            last_checkpoint: None,
            batch_events: 50_000,
            batch_checkpoints: 5_000,
            prefetch: 64,
            audit: AuditParams::default(),
            progress: false,
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestSummary {
    /// Checkpoints committed.
    pub checkpoints: u64,
    /// Events indexed.
    pub events: u64,
    /// Events of configured packages skipped as of unknown types.
    pub skipped: u64,
    /// Transactions committed.
    pub commits: u64,
    /// The last committed checkpoint, if any.
    pub checkpoint_hi: Option<u64>,
}

/// Why ingestion stopped.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The source failed.
    #[error("checkpoint {checkpoint}: {source}")]
    Source {
        /// The checkpoint being read.
        checkpoint: u64,
        /// What failed.
        source: SourceError,
    },
    /// An event of a configured package does not decode.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// A value does not fit the index.
    #[error("checkpoint {checkpoint}: {source}")]
    TooLarge {
        /// The checkpoint.
        checkpoint: u64,
        /// The value.
        source: TooLarge,
    },
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] diesel::result::Error),
    /// The index follows another chain than the source.
    #[error("the index follows chain {index}, the source serves chain {source_chain}")]
    OtherChain {
        /// The index's chain.
        index: String,
        /// The source's chain.
        source_chain: String,
    },
    /// The checkpoint the source gave is not the one asked for.
    #[error("asked for checkpoint {asked}, the source gave {got}")]
    OutOfOrder {
        /// Asked.
        asked: u64,
        /// Given.
        got: u64,
    },
    /// The reading task failed.
    #[error("the checkpoint reader stopped: {0}")]
    Producer(String),
    /// The stored auditor state does not parse.
    #[error("the stored settlement audit state does not parse: {0}")]
    AuditState(String),
}

/// The identifier of the chain checkpoint `cp0` (the genesis checkpoint) starts: the digest of
/// its first transaction (base58), or its timestamp if it has none.
pub fn chain_id(cp0: &Checkpoint) -> String {
    match cp0.transactions.first() {
        Some(t) => sui_sdk_types::Digest::new(t.digest).to_base58(),
        None => format!("genesis@{}", cp0.timestamp_ms),
    }
}

/// The chain of `source`, from its checkpoint 0 (`unknown` if it does not serve it in time).
async fn source_chain_id<S: CheckpointSource>(source: &S) -> String {
    match tokio::time::timeout(Duration::from_secs(10), source.checkpoint(0)).await {
        Ok(Ok(cp)) => chain_id(&cp),
        _ => "unknown".into(),
    }
}

/// Ingests from `source` into `db` until `last_checkpoint`, an error, or `shutdown` resolves.
pub async fn run<S>(
    source: S,
    db: &mut Db,
    config: &IngestConfig,
    shutdown: impl Future<Output = ()>,
) -> Result<IngestSummary, IngestError>
where
    S: CheckpointSource + Clone + Send + Sync + 'static,
{
    let mut summary = IngestSummary::default();
    let mut mark = store::watermark(db).await?;
    let next = match &mark {
        Some(w) => w.checkpoint_hi + 1,
        None => config.first_checkpoint.unwrap_or(0),
    };
    let audit = match store::pipeline_state(db, AUDIT_STATE).await? {
        Some(json) => serde_json::from_str::<AuditState>(&json)
            .map_err(|e| IngestError::AuditState(e.to_string()))?,
        None => AuditState::new(config.audit),
    };
    let chain = source_chain_id(&source).await;
    if let Some(w) = &mark {
        if w.chain_id != chain && w.chain_id != "unknown" && chain != "unknown" {
            return Err(IngestError::OtherChain {
                index: w.chain_id.clone(),
                source_chain: chain,
            });
        }
    }
    if config.last_checkpoint.is_some_and(|last| next > last) {
        return Ok(summary);
    }
    tracing::info!(next, chain = %chain, "ingesting");

    let bar = progress_bar(config.progress);
    let tip = source.latest_sequence().await.ok().flatten();
    bar.set_length(
        config
            .last_checkpoint
            .or(tip)
            .map_or(0, |t| (t + 1).saturating_sub(next)),
    );

    // Reading and processing run in their own task, in parallel with committing: the producer
    // builds the next batch while the committer writes the previous one (at most one more
    // waits between them).
    let (to_commit, mut commits) = tokio::sync::mpsc::channel::<Batch>(1);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let producer = tokio::spawn(produce(
        source,
        config.clone(),
        next,
        tip,
        audit,
        to_commit,
        stopped,
        bar.clone(),
    ));
    let mut shutdown = std::pin::pin!(shutdown.fuse());
    let mut committed = Ok(());
    loop {
        tokio::select! {
            batch = commits.recv() => match batch {
                Some(batch) => {
                    if let Err(e) = commit(db, batch, &chain, &mut mark, &mut summary).await {
                        committed = Err(e);
                        break;
                    }
                    bar.set_message(format!("{} events", summary.events));
                }
                None => break,
            },
            () = &mut shutdown, if !*stop.borrow() => {
                let _ = stop.send(true);
            }
        }
    }
    // On a failed commit the producer stops at its next hand-over (the channel is closed).
    let _ = stop.send(true);
    drop(commits);
    let (skipped, produced) = match producer.await {
        Ok(r) => r,
        Err(e) => (0, Err(IngestError::Producer(e.to_string()))),
    };
    summary.skipped += skipped;
    if let Err(e) = committed.and(produced) {
        bar.abandon();
        tracing::error!("{e}");
        return Err(e);
    }
    bar.finish_and_clear();
    tracing::info!(
        checkpoints = summary.checkpoints,
        events = summary.events,
        skipped = summary.skipped,
        "ingestion stopped"
    );
    Ok(summary)
}

/// The producer: reads checkpoints `next..` (up to `config.last_checkpoint`) with prefetching,
/// decodes them, builds batches and hands them to the committer; stops at the last checkpoint,
/// when `stopped` turns true, or at the first bad checkpoint (after handing over the whole
/// checkpoints before it). Returns the events it skipped and how it ended.
#[allow(clippy::too_many_arguments)]
async fn produce<S>(
    source: S,
    config: IngestConfig,
    next: u64,
    mut tip: Option<u64>,
    mut audit: AuditState,
    to_commit: tokio::sync::mpsc::Sender<Batch>,
    mut stopped: tokio::sync::watch::Receiver<bool>,
    bar: ProgressBar,
) -> (u64, Result<(), IngestError>)
where
    S: CheckpointSource + Clone + Send + Sync + 'static,
{
    let last = config.last_checkpoint.unwrap_or(u64::MAX);
    let fetcher = source.clone();
    let mut stream = futures::stream::iter(next..=last)
        .map(move |seq| {
            let s = fetcher.clone();
            async move { (seq, fetch(&s, seq).await) }
        })
        .buffered(config.prefetch.max(1));
    let mut tip_checked = Instant::now();
    let mut batch = Batch::default();
    let mut skipped = 0u64;
    loop {
        // Hand the batch over when it is full, or when nothing more is ready right now.
        let item = match stream.next().now_or_never() {
            Some(item) => item,
            None => {
                if let Err(e) = hand_over(&to_commit, &mut batch, &audit, tip).await {
                    return (skipped, Err(e));
                }
                tokio::select! {
                    item = stream.next() => item,
                    _ = stopped.wait_for(|s| *s) => break,
                }
            }
        };
        let Some((seq, result)) = item else { break };
        let added = match result {
            Err(source) => Err(IngestError::Source {
                checkpoint: seq,
                source,
            }),
            Ok(cp) => add(&cp, seq, &config, &mut batch, &mut audit, &mut skipped),
        };
        if let Err(e) = added {
            // The whole checkpoints before the bad one are good: commit them, nothing of it.
            let handed = hand_over(&to_commit, &mut batch, &audit, tip).await;
            return (skipped, handed.and(Err(e)));
        }
        bar.inc(1);
        if tip_checked.elapsed() > Duration::from_secs(2) {
            tip = source.latest_sequence().await.ok().flatten().or(tip);
            tip_checked = Instant::now();
            let target = config.last_checkpoint.or(tip);
            bar.set_length(target.map_or(0, |t| (t + 1).saturating_sub(next)));
        }
        if batch.events >= config.batch_events
            || batch.checkpoints.len() >= config.batch_checkpoints
        {
            if let Err(e) = hand_over(&to_commit, &mut batch, &audit, tip).await {
                return (skipped, Err(e));
            }
        }
        if seq == last || *stopped.borrow() || to_commit.is_closed() {
            break;
        }
    }
    let handed = hand_over(&to_commit, &mut batch, &audit, tip).await;
    (skipped, handed)
}

/// Sends the batch (if it holds anything) to the committer, with the auditor's state as of its
/// end, and starts a new one. If the committer has stopped (it failed), the batch is dropped:
/// its error is the one reported. An auditor state that does not serialize stops ingestion
/// (committing the batch without it would break the audit's restart).
async fn hand_over(
    to_commit: &tokio::sync::mpsc::Sender<Batch>,
    batch: &mut Batch,
    audit: &AuditState,
    tip: Option<u64>,
) -> Result<(), IngestError> {
    if batch.is_empty() {
        return Ok(());
    }
    let mut done = std::mem::take(batch);
    done.chain_tip = tip.max(done.last.map(|l| l.0));
    if done.audit_changed {
        let state =
            serde_json::to_string(audit).map_err(|e| IngestError::AuditState(e.to_string()))?;
        done.audit_state = Some(state);
    }
    let _ = to_commit.send(done).await;
    Ok(())
}

/// Checkpoint `seq` from `source`, riding out a lost connection or a restarting server: RPC
/// errors are retried for as long as it takes (with backoff up to 5 s, each logged), I/O errors
/// three times; a malformed or refused checkpoint is an error at once. Checkpoints are asked
/// for by sequence number, so a retry can neither skip nor repeat one.
pub async fn fetch<S: CheckpointSource>(
    source: &S,
    seq: u64,
) -> Result<std::sync::Arc<Checkpoint>, SourceError> {
    let mut backoff = Duration::from_millis(50);
    let mut io_failures = 0;
    loop {
        match source.checkpoint(seq).await {
            Ok(cp) => return Ok(cp),
            Err(SourceError::Io(e)) if io_failures < 3 => {
                io_failures += 1;
                tracing::warn!("checkpoint {seq}: {e}; retrying in {backoff:?}");
            }
            Err(SourceError::Rpc(e)) => {
                tracing::warn!("checkpoint {seq}: {e}; retrying in {backoff:?}");
            }
            Err(e) => return Err(e),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

/// Decodes checkpoint `seq` and adds its rows to `batch` (leaving `batch` as it was if it fails).
fn add(
    cp: &Checkpoint,
    seq: u64,
    config: &IngestConfig,
    batch: &mut Batch,
    audit: &mut AuditState,
    skipped: &mut u64,
) -> Result<(), IngestError> {
    if cp.sequence_number != seq {
        return Err(IngestError::OutOfOrder {
            asked: seq,
            got: cp.sequence_number,
        });
    }
    let decoded = decode_checkpoint(cp, &config.packages)?;
    // Rows of a checkpoint are all or nothing: build them aside, then append.
    let mut rows = Batch::default();
    let mut next_audit = audit.clone();
    rows.add(&decoded, &mut next_audit)
        .map_err(|source| IngestError::TooLarge {
            checkpoint: seq,
            source,
        })?;
    batch.append(rows);
    *audit = next_audit;
    *skipped += decoded.skipped;
    Ok(())
}

/// Commits a batch and advances the watermark and the counts.
async fn commit(
    db: &mut Db,
    batch: Batch,
    chain: &str,
    mark: &mut Option<Watermark>,
    summary: &mut IngestSummary,
) -> Result<(), IngestError> {
    // The stored chain, unless it was not known then (checkpoint 0 not served in time).
    let chain_id = match mark.as_ref() {
        Some(w) if w.chain_id != "unknown" => w.chain_id.clone(),
        _ => chain.to_owned(),
    };
    let (last, events, checkpoints) = (batch.last, batch.events, batch.checkpoints.len());
    store::commit(db, batch, &chain_id, mark.as_ref()).await?;
    if let Some((cp, last_tx, ts, epoch)) = last {
        *mark = Some(Watermark {
            chain_id,
            checkpoint_hi: cp,
            tx_hi: last_tx.or(mark.as_ref().map(|w| w.tx_hi)).unwrap_or(0),
            timestamp_ms_hi: ts,
            epoch_hi: epoch as u64,
        });
        summary.checkpoint_hi = Some(cp);
    }
    summary.checkpoints += checkpoints as u64;
    summary.events += events;
    summary.commits += 1;
    Ok(())
}

fn progress_bar(show: bool) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(
        Some(0),
        if show {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} checkpoints {pos}/{len} [{bar:30}] {per_sec} ETA {eta} {msg}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}
