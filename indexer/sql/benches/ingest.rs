//! Ingestion benchmark: a real local ledger runs a blob-heavy economy (blobs registered,
//! certified, attributed, deleted; storage reserved; stake split and transferred; votes, rates,
//! challenges, settlements and claims every epoch) until it has emitted the requested number
//! of events; its checkpoints are written as `{seq}.binpb.zst` files; then the indexer ingests
//! them from the files, once into an SQLite file and once into a fresh PostgreSQL database on
//! 127.0.0.1:5432 (dropped afterwards), and the rates are printed.
//!
//! Usage: `cargo bench -p floe-indexer-sql --bench ingest -- [EVENTS] [read|sqlite|postgres|both]`
//! (`read`: reading, decoding and processing alone, without a database)
//! (defaults: 1000000 both).

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use floe_indexer::checkpoint_files::CheckpointFiles;
use floe_indexer_sql::db::DbUrl;
use floe_indexer_sql::ingest::{self, IngestConfig};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let target: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let which = args.next().unwrap_or_else(|| "both".into());

    let start = Instant::now();
    let net = common::ledger();
    net.set_auto_seal(100);
    let actors = common::genesis_actors(&net);
    let mut round = 0;
    let per_round = 20_000;
    while events_of(&net) < target {
        round += 1;
        let left = target.saturating_sub(events_of(&net));
        let blobs = (left / 5).clamp(1, per_round);
        common::epoch_of_activity(&net, &actors, round, blobs, false);
    }
    net.seal().expect("seal");
    let n = net.checkpoint_count();
    let events = events_of(&net);
    println!(
        "ledger: {events} events in {n} checkpoints ({round} epochs) generated in {:.1}s",
        start.elapsed().as_secs_f64()
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let start = Instant::now();
    let (files, _) = common::export_files(&net, dir.path());
    let bytes: u64 = std::fs::read_dir(&files)
        .expect("read dir")
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "files: {n} checkpoint files, {:.1} MiB, written in {:.1}s",
        bytes as f64 / (1 << 20) as f64,
        start.elapsed().as_secs_f64()
    );
    drop(net);

    let config = IngestConfig {
        batch_events: 50_000,
        ..common::config(n - 1)
    };
    if which == "read" || which == "both" {
        read_only(&files, n, &config).await;
    }
    if which == "sqlite" || which == "both" {
        let url = DbUrl::Sqlite(dir.path().join("index.db"));
        run("sqlite", &url, &files, &config).await;
    }
    if which == "postgres" || which == "both" {
        let pg = common::PgDatabase::create("bench").await;
        run("postgres", &pg.url, &files, &config).await;
    }
}

/// Events in the ledger's sealed checkpoints.
fn events_of(net: &floe_indexer::localnet::Localnet) -> u64 {
    (0..net.checkpoint_count())
        .filter_map(|s| net.try_checkpoint(s))
        .map(|cp| cp.events().count() as u64)
        .sum()
}

async fn run(name: &str, url: &DbUrl, files: &std::path::Path, config: &IngestConfig) {
    let mut db = common::connect(url).await;
    let start = Instant::now();
    let summary = ingest::run(
        CheckpointFiles::new(files, None),
        &mut db,
        config,
        std::future::pending(),
    )
    .await
    .expect("ingest");
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{name}: {} events, {} checkpoints, {} commits in {secs:.2}s = {:.0} events/s",
        summary.events,
        summary.checkpoints,
        summary.commits,
        summary.events as f64 / secs
    );
}

/// Reading the files, decoding and running the pipelines, without a database: the ceiling
/// the database writes are measured against.
async fn read_only(files: &std::path::Path, n: u64, config: &IngestConfig) {
    use floe_indexer::chain::CheckpointSource as _;
    let source = CheckpointFiles::new(files, None);
    let mut audit = floe_indexer_sql::audit::AuditState::new(config.audit);
    let start = Instant::now();
    let (mut events, mut read) = (0u64, std::time::Duration::ZERO);
    let mut batch = floe_indexer_sql::pipelines::Batch::default();
    for seq in 0..n {
        let t = Instant::now();
        let cp = source.checkpoint(seq).await.expect("checkpoint");
        let decoded =
            floe_indexer_sql::decode::decode_checkpoint(&cp, &config.packages).expect("decode");
        read += t.elapsed();
        events += decoded.events.len() as u64;
        batch.add(&decoded, &mut audit).expect("rows");
        if batch.events >= config.batch_events {
            batch = Default::default();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "read+decode+process (no database): {events} events in {secs:.2}s = {:.0} events/s ({:.2}s reading and decoding)",
        events as f64 / secs,
        read.as_secs_f64()
    );
}
