//! Crash safety: the indexer process is killed with SIGKILL at random points while it
//! ingests more than 10,000 events, and restarted each time; the final index equals an
//! uninterrupted run's, table for table, in SQLite and in PostgreSQL.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use floe_indexer::checkpoint_files::CheckpointFiles;
use floe_indexer_sql::db::DbUrl;
use floe_indexer_sql::ingest;
use floe_indexer_sql::pipelines::dump_all;

/// A small deterministic generator for the kill delays.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(files: &std::path::Path, db: &DbUrl, last: u64) -> Killed {
    let package = format!("0x{:x}", common::PACKAGE);
    Killed(
        Command::new(env!("CARGO_BIN_EXE_floe-indexer"))
            .args([
                "run",
                "--quiet",
                "--batch-events",
                "10",
                "--package",
                &package,
            ])
            .arg("--source")
            .arg(format!("files:{}", files.display()))
            .arg("--db")
            .arg(db.to_string().replace("***", ""))
            .arg("--last-checkpoint")
            .arg(last.to_string())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn floe-indexer"),
    )
}

/// The index's watermark, read with `floe-indexer sql` (as an analyst would).
fn watermark(db: &DbUrl) -> Option<u64> {
    let out = Command::new(env!("CARGO_BIN_EXE_floe-indexer"))
        .args(["sql", "--db"])
        .arg(db.to_string().replace("***", ""))
        .arg("SELECT MIN(checkpoint_hi) AS hi FROM watermarks")
        .output()
        .expect("floe-indexer sql");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    // header, rule, one value, row count
    text.lines().nth(2)?.trim().parse().ok()
}

/// Runs the indexer into `db`, killing it after random delays until it finishes; returns how
/// many times it was killed mid-run and the watermarks the kills left.
fn run_with_kills(files: &std::path::Path, db: &DbUrl, last: u64, seed: u64) -> (u32, Vec<u64>) {
    let mut rng = Lcg(seed);
    let mut kills = 0;
    let mut marks = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        assert!(
            Instant::now() < deadline,
            "the indexer did not finish in 300 s"
        );
        let mut child = spawn(files, db, last);
        // The first 20 runs are cut short early; later ones get longer, so it finishes.
        let delay = if kills < 20 {
            5 + rng.next(50)
        } else {
            2_000 + rng.next(2_000)
        };
        let start = Instant::now();
        while start.elapsed() < Duration::from_millis(delay) {
            if let Some(status) = child.0.try_wait().expect("wait") {
                assert!(status.success(), "the indexer failed: {status}");
                return (kills, marks);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        // SIGKILL: no chance to finish a commit or clean up.
        child.0.kill().expect("kill");
        child.0.wait().expect("reap");
        kills += 1;
        marks.extend(watermark(db));
    }
}

async fn crash_and_compare(db: DbUrl, reference: DbUrl, seed: u64) {
    let net = common::story(8, 400);
    let dir = tempfile::tempdir().unwrap();
    let (files, n) = common::export_files(&net, dir.path());

    // The uninterrupted run, in-process.
    let mut clean = common::connect(&reference).await;
    let summary = ingest::run(
        CheckpointFiles::new(&files, None),
        &mut clean,
        &common::config(n - 1),
        std::future::pending(),
    )
    .await
    .unwrap();
    assert!(summary.events >= 10_000, "{summary:?}");

    // Migrate first so every run starts from the same schema.
    drop(common::connect(&db).await);
    let files2 = files.clone();
    let db2 = db.clone();
    let (kills, marks) =
        tokio::task::spawn_blocking(move || run_with_kills(&files2, &db2, n - 1, seed))
            .await
            .unwrap();
    assert!(kills >= 10, "only {kills} kills landed mid-run");
    // The kills hit ingestion at many different points, not only at start-up.
    let mut points: Vec<u64> = marks.iter().copied().filter(|m| *m < n - 1).collect();
    points.dedup();
    assert!(points.len() >= 5, "kills left the watermarks {marks:?}");

    let mut killed = common::connect(&db).await;
    let left = dump_all(&mut clean).await.unwrap();
    let right = dump_all(&mut killed).await.unwrap();
    for ((table, l), (_, r)) in left.iter().zip(&right) {
        if l != r {
            let (la, ra) = (l.as_array().unwrap(), r.as_array().unwrap());
            for (x, y) in la.iter().zip(ra) {
                if x != y {
                    panic!("table {table} differs after {kills} kills: {x} vs {y}");
                }
            }
            panic!(
                "table {table} differs after {kills} kills: {} vs {} rows",
                la.len(),
                ra.len()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_index_survives_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    crash_and_compare(
        DbUrl::Sqlite(dir.path().join("killed.db")),
        DbUrl::Sqlite(dir.path().join("clean.db")),
        7,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_index_survives_sigkill() {
    let killed = common::PgDatabase::create("crash_killed").await;
    let clean = common::PgDatabase::create("crash_clean").await;
    crash_and_compare(killed.url.clone(), clean.url.clone(), 11).await;
}
