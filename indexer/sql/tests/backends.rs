//! The same checkpoints indexed into a real SQLite file and a real PostgreSQL database give
//! the same tables, row for row (and the same views and API answers: `tests/api.rs`).

mod common;

use floe_indexer::checkpoint_files::CheckpointFiles;
use floe_indexer_sql::db::DbUrl;
use floe_indexer_sql::ingest;
use floe_indexer_sql::pipelines::dump_all;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_postgres_hold_the_same_index() {
    let net = common::story(4, 6);
    let dir = tempfile::tempdir().unwrap();
    let (files, n) = common::export_files(&net, dir.path());
    let source = CheckpointFiles::new(&files, None);

    let sqlite_url = DbUrl::Sqlite(dir.path().join("index.db"));
    let mut sqlite = common::connect(&sqlite_url).await;
    let pg = common::PgDatabase::create("backends").await;
    let mut postgres = common::connect(&pg.url).await;

    let config = common::config(n - 1);
    let a = ingest::run(source.clone(), &mut sqlite, &config, std::future::pending())
        .await
        .unwrap();
    let b = ingest::run(source, &mut postgres, &config, std::future::pending())
        .await
        .unwrap();
    assert_eq!(a, b);
    assert_eq!(a.checkpoint_hi, Some(n - 1));
    assert!(a.events > 200, "{a:?}");
    assert!(a.commits > 1, "several batches: {a:?}");

    // Batch boundaries change nothing: checkpoint by checkpoint gives the same tables.
    let mut one_by_one = common::connect(&DbUrl::Sqlite(dir.path().join("one.db"))).await;
    let mut small = common::config(n - 1);
    small.batch_events = 1;
    ingest::run(
        CheckpointFiles::new(&files, None),
        &mut one_by_one,
        &small,
        std::future::pending(),
    )
    .await
    .unwrap();

    let left = dump_all(&mut sqlite).await.unwrap();
    let right = dump_all(&mut postgres).await.unwrap();
    let again = dump_all(&mut one_by_one).await.unwrap();
    for ((table, l), (_, r)) in left.iter().zip(&again) {
        if *table != "watermarks" {
            assert_eq!(l, r, "table {table} depends on the batch size");
        }
    }
    for ((table, l), (_, r)) in left.iter().zip(&right) {
        assert_eq!(l, r, "table {table} differs");
        let rows = l.as_array().map_or(0, |a| a.len());
        if *table != "invalid_blobs"
            && *table != "shared_blobs"
            && *table != "storage_pools"
            && *table != "proposals"
            && *table != "votes"
        {
            assert!(rows > 0, "table {table} is empty");
        }
    }
}
