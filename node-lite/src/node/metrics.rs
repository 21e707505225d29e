//! The node's Prometheus metrics, served at `/metrics` in the text format.
//!
//! Counters live in memory (they restart at zero with the process, as Prometheus expects);
//! what the store holds per shard is read from the store at each scrape, so it is exact across
//! restarts.

use prometheus::{
    Encoder, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};

use super::store::NodeStore;

/// Every metric of a node.
pub struct Metrics {
    registry: Registry,
    /// Requests by route template and HTTP status.
    pub http_requests: IntCounterVec,
    /// Slivers newly stored.
    pub slivers_stored: IntCounter,
    /// Storage confirmations signed.
    pub confirmations_signed: IntCounter,
    /// Bytes of slivers newly stored.
    pub sliver_bytes_stored: IntCounter,
    /// Stored slivers found damaged on read (never served).
    pub slivers_damaged: IntCounter,
    /// Slivers recovered from other nodes.
    pub slivers_recovered: IntCounter,
    /// Bytes fetched from other nodes to recover slivers.
    pub recovery_bytes: IntCounter,
    /// Recovery symbols received from peers.
    pub recovery_symbols: IntCounter,
    /// Bytes freed by garbage collection.
    pub gc_bytes: IntCounter,
    /// Checkpoints applied (the next checkpoint to apply).
    pub next_checkpoint: IntGauge,
    /// Checkpoints the chain has that the node has not applied.
    pub checkpoint_lag: IntGauge,
    /// Events of types the node does not use.
    pub events_skipped: IntCounter,
    /// Challenge answers given, by outcome.
    pub challenge_answers: IntCounterVec,
    /// Slivers held per shard (read from the store at scrape time).
    shard_slivers: IntGaugeVec,
    /// Bytes held per shard (read from the store at scrape time).
    shard_bytes: IntGaugeVec,
}

/// Creates a metric, registers it, or fails with the reason.
fn register<M: prometheus::core::Collector + Clone + 'static>(
    registry: &Registry,
    metric: prometheus::Result<M>,
) -> prometheus::Result<M> {
    let metric = metric?;
    registry.register(Box::new(metric.clone()))?;
    Ok(metric)
}

impl Metrics {
    /// A fresh set of metrics in its own registry.
    pub fn new() -> prometheus::Result<Self> {
        let r = Registry::new();
        let counter = |name: &str, help: &str| register(&r, IntCounter::new(name, help));
        Ok(Metrics {
            http_requests: register(
                &r,
                IntCounterVec::new(
                    Opts::new(
                        "floe_node_http_requests_total",
                        "REST requests by route and status",
                    ),
                    &["route", "status"],
                ),
            )?,
            slivers_stored: counter("floe_node_slivers_stored_total", "slivers newly stored")?,
            confirmations_signed: counter(
                "floe_node_confirmations_signed_total",
                "storage confirmations signed",
            )?,
            sliver_bytes_stored: counter(
                "floe_node_sliver_bytes_stored_total",
                "bytes of slivers newly stored",
            )?,
            slivers_damaged: counter(
                "floe_node_slivers_damaged_total",
                "stored slivers found damaged on read (never served)",
            )?,
            slivers_recovered: counter(
                "floe_node_slivers_recovered_total",
                "slivers recovered from other nodes",
            )?,
            recovery_symbols: counter(
                "floe_node_recovery_symbols_total",
                "recovery symbols received from peers",
            )?,
            recovery_bytes: counter(
                "floe_node_recovery_bytes_total",
                "bytes fetched from other nodes to recover slivers",
            )?,
            gc_bytes: counter(
                "floe_node_gc_bytes_total",
                "bytes freed by garbage collection",
            )?,
            next_checkpoint: register(
                &r,
                IntGauge::new("floe_node_next_checkpoint", "the next checkpoint to apply"),
            )?,
            checkpoint_lag: register(
                &r,
                IntGauge::new(
                    "floe_node_checkpoint_lag",
                    "checkpoints the chain has that the node has not applied",
                ),
            )?,
            events_skipped: counter(
                "floe_node_events_skipped_total",
                "chain events of types the node does not use",
            )?,
            challenge_answers: register(
                &r,
                IntCounterVec::new(
                    Opts::new(
                        "floe_node_challenge_answers_total",
                        "challenge answers by outcome",
                    ),
                    &["outcome"],
                ),
            )?,
            shard_slivers: register(
                &r,
                IntGaugeVec::new(
                    Opts::new("floe_node_shard_slivers", "slivers held per shard"),
                    &["shard"],
                ),
            )?,
            shard_bytes: register(
                &r,
                IntGaugeVec::new(
                    Opts::new("floe_node_shard_bytes", "bytes of slivers held per shard"),
                    &["shard"],
                ),
            )?,
            registry: r,
        })
    }

    /// The text exposition of every metric, with the per-shard figures read from `store`.
    pub fn render(&self, store: &NodeStore) -> Result<String, String> {
        let stats = store.shard_stats().map_err(|e| e.to_string())?;
        for (shard, slivers, bytes) in stats {
            let label = shard.to_string();
            self.shard_slivers
                .with_label_values(&[label.as_str()])
                .set(i64::try_from(slivers).unwrap_or(i64::MAX));
            self.shard_bytes
                .with_label_values(&[label.as_str()])
                .set(i64::try_from(bytes).unwrap_or(i64::MAX));
        }
        let mut out = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut out)
            .map_err(|e| e.to_string())?;
        String::from_utf8(out).map_err(|e| e.to_string())
    }
}
