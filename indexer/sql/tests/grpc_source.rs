//! The gRPC source rides out a dropped connection in the middle of catch-up and a restart of
//! the server: the index ends with every checkpoint once, equal to an index of the same
//! chain read from checkpoint files.

mod common;

use std::time::{Duration, Instant};

use floe_indexer::checkpoint_files::CheckpointFiles;
use floe_indexer::grpc::{serve, GrpcSource};
use floe_indexer_sql::db::DbUrl;
use floe_indexer_sql::pipelines::dump_all;
use floe_indexer_sql::{ingest, store};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catch_up_survives_a_dropped_connection_and_a_server_restart() {
    let net = common::story(5, 120);
    let n = net.checkpoint_count();
    let dir = tempfile::tempdir().unwrap();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(serve(net.clone(), listener, std::future::pending()));

    let url = DbUrl::Sqlite(dir.path().join("grpc.db"));
    let mut db = common::connect(&url).await;
    let source = GrpcSource::new(&format!("http://{addr}"), None).unwrap();
    let mut config = common::config(n - 1);
    config.prefetch = 4;
    let ingestion = tokio::spawn(async move {
        let summary = ingest::run(source, &mut db, &config, std::future::pending()).await;
        (summary, db)
    });

    // Once catch-up is under way, drop the server (and its connections) mid-stream…
    let mut watcher = common::connect(&url).await;
    let start = Instant::now();
    let reached = loop {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "catch-up did not start"
        );
        if let Some(w) = store::watermark(&mut watcher).await.unwrap() {
            break w.checkpoint_hi;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    };
    server.abort();
    let _ = server.await;
    assert!(
        reached < n - 1,
        "catch-up finished before the server went away ({reached} of {n})"
    );
    // …keep it down for a while, then start it again on the same address.
    tokio::time::sleep(Duration::from_millis(700)).await;
    let stalled = store::watermark(&mut watcher)
        .await
        .unwrap()
        .map(|w| w.checkpoint_hi);
    assert!(
        stalled < Some(n - 1),
        "nothing can be read while the server is down"
    );
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(net.clone(), listener, async {
        let _ = stopped.await;
    }));

    let (summary, mut db) = tokio::time::timeout(Duration::from_secs(120), ingestion)
        .await
        .expect("ingestion finishes after the restart")
        .unwrap();
    let summary = summary.unwrap();
    assert_eq!(summary.checkpoint_hi, Some(n - 1));
    let _ = stop.send(());
    let _ = server.await;

    // The same chain from files: identical tables (no gap, no duplicate).
    let (files, _) = common::export_files(&net, dir.path());
    let mut reference = common::connect(&DbUrl::Sqlite(dir.path().join("files.db"))).await;
    ingest::run(
        CheckpointFiles::new(&files, None),
        &mut reference,
        &common::config(n - 1),
        std::future::pending(),
    )
    .await
    .unwrap();
    let left = dump_all(&mut db).await.unwrap();
    let right = dump_all(&mut reference).await.unwrap();
    for ((table, l), (_, r)) in left.iter().zip(&right) {
        if *table == "watermarks" {
            continue; // same position, but the chain id is read once per source
        }
        assert_eq!(l, r, "table {table} differs");
    }
    let cps = &left.iter().find(|(t, _)| *t == "checkpoints").unwrap().1;
    assert_eq!(cps.as_array().unwrap().len() as u64, n);
}
