//! Bad input stops the pipeline with an error naming where it is, and commits nothing of the
//! bad checkpoint (the whole checkpoints before it are kept): a truncated and a corrupt
//! checkpoint file, an undecodable event of a Floe package. Events of unknown types are
//! skipped and counted; events of other packages are not indexed.

mod common;

use std::path::Path;
use std::sync::Arc;

use floe_economics::events::{EpochChangeStart, FloeEvent, MoveEvent};
use floe_indexer::chain::{Checkpoint, Event, Id, Operation, Transaction};
use floe_indexer::checkpoint_files::{file_name, CheckpointFiles, CheckpointWriter};
use floe_indexer_sql::db::{Db, DbUrl};
use floe_indexer_sql::ingest::{self, IngestError};
use floe_indexer_sql::pipelines::dump_all;
use floe_indexer_sql::store;

/// The story's checkpoints as files, and how many.
fn files(dir: &Path) -> (std::path::PathBuf, u64) {
    common::export_files(&common::story(2, 4), dir)
}

async fn index(files: &Path, db: &mut Db, last: u64) -> Result<ingest::IngestSummary, IngestError> {
    ingest::run(
        CheckpointFiles::new(files, None).with_poll_interval(std::time::Duration::from_millis(5)),
        db,
        &common::config(last),
        std::future::pending(),
    )
    .await
}

async fn watermark(db: &mut Db) -> Option<u64> {
    store::watermark(db).await.unwrap().map(|w| w.checkpoint_hi)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truncated_or_corrupt_file_stops_at_its_checkpoint() {
    for damage in ["truncated", "corrupt"] {
        let dir = tempfile::tempdir().unwrap();
        let (files, n) = files(dir.path());
        let bad = n / 2;
        let path = files.join(file_name(bad));
        let mut bytes = std::fs::read(&path).unwrap();
        if damage == "truncated" {
            bytes.truncate(bytes.len() / 2);
        } else {
            let mid = bytes.len() / 2;
            for b in &mut bytes[mid..] {
                *b ^= 0x5a;
            }
        }
        std::fs::write(&path, &bytes).unwrap();

        let mut db = common::connect(&DbUrl::Sqlite(dir.path().join("index.db"))).await;
        let err = index(&files, &mut db, n - 1).await.unwrap_err();
        let text = err.to_string();
        assert!(
            matches!(err, IngestError::Source { checkpoint, .. } if checkpoint == bad),
            "{damage}: {text}"
        );
        assert!(
            text.contains(&format!("checkpoint {bad}")),
            "{damage}: {text}"
        );
        // Everything before it is committed, nothing of it or after.
        assert_eq!(watermark(&mut db).await, Some(bad - 1), "{damage}");
        let before = dump_all(&mut db).await.unwrap();
        let cps = &before.iter().find(|(t, _)| *t == "checkpoints").unwrap().1;
        assert_eq!(cps.as_array().unwrap().len() as u64, bad, "{damage}");

        // Running again stops at the same place and changes nothing.
        assert!(index(&files, &mut db, n - 1).await.is_err());
        assert_eq!(dump_all(&mut db).await.unwrap(), before, "{damage}");
    }
}

/// A checkpoint after the story's last with the given events in one transaction.
fn extra_checkpoint(files: &Path, seq: u64, events: Vec<Event>) {
    let package = Id::from_u64(common::PACKAGE);
    let last = CheckpointFiles::new(files, None)
        .try_checkpoint(seq - 1)
        .unwrap()
        .unwrap();
    let index = last.transactions.last().map_or(0, |t| t.index + 1);
    let cp = Checkpoint {
        sequence_number: seq,
        timestamp_ms: last.timestamp_ms + 1000,
        epoch: last.epoch,
        transactions: vec![Transaction {
            index,
            digest: [7; 32],
            sender: Id::from_u64(1),
            kind: Operation::AdvanceEpoch.kind(),
            events,
            abort: None,
        }],
    };
    CheckpointWriter::new(files, package)
        .unwrap()
        .write(&cp)
        .unwrap();
}

fn event(package: &str, name: &str, contents: Vec<u8>) -> Event {
    Event {
        type_tag: Arc::from(format!("{package}::events::{name}")),
        contents,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undecodable_event_is_named_and_nothing_of_its_checkpoint_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (files, n) = files(dir.path());
    let pkg = Id::from_u64(common::PACKAGE).to_string();
    let good = EpochChangeStart { epoch: 99 }.to_bcs();
    // A good event first: it must not be committed either.
    extra_checkpoint(
        &files,
        n,
        vec![
            event(&pkg, "EpochChangeStart", good),
            event(&pkg, "BlobRegistered", vec![1, 2, 3]),
        ],
    );
    let mut db = common::connect(&DbUrl::Sqlite(dir.path().join("index.db"))).await;
    let err = index(&files, &mut db, n).await.unwrap_err();
    let text = err.to_string();
    let digest = sui_sdk_types::Digest::new([7; 32]).to_base58();
    assert!(text.contains(&format!("checkpoint {n}")), "{text}");
    assert!(text.contains(&digest), "names the transaction: {text}");
    assert!(text.contains("event 1"), "names the event: {text}");
    assert!(text.contains("BlobRegistered"), "{text}");
    assert_eq!(watermark(&mut db).await, Some(n - 1));
    let tables = dump_all(&mut db).await.unwrap();
    let epochs = &tables.iter().find(|(t, _)| *t == "epochs").unwrap().1;
    assert!(
        !epochs.to_string().contains("\"epoch\":99"),
        "nothing of the bad checkpoint"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_event_types_are_skipped_and_counted_and_other_packages_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let (files, n) = files(dir.path());
    let pkg = Id::from_u64(common::PACKAGE).to_string();
    let other = Id::from_u64(0xbad).to_string();
    let good = FloeEvent::EpochChangeStart(EpochChangeStart { epoch: 99 }).to_bcs();
    extra_checkpoint(
        &files,
        n,
        vec![
            event(&pkg, "SomethingNew", vec![0xff; 9]),
            event(&other, "BlobRegistered", vec![1, 2, 3]),
            event(&other, "EpochChangeStart", good.clone()),
            event(&pkg, "EpochChangeStart", good),
        ],
    );
    let mut db = common::connect(&DbUrl::Sqlite(dir.path().join("index.db"))).await;
    let summary = index(&files, &mut db, n).await.unwrap();
    assert_eq!(summary.skipped, 1, "{summary:?}");
    assert_eq!(summary.checkpoint_hi, Some(n));
    let rows = floe_indexer_sql::adhoc::query(
        &mut db,
        &format!("SELECT events, skipped_events FROM checkpoints WHERE sequence_number = {n}"),
    )
    .await
    .unwrap();
    assert_eq!(
        rows[0].0,
        vec![
            ("events".to_string(), Some("1".to_string())),
            ("skipped_events".to_string(), Some("1".to_string()))
        ]
    );
    let rows = floe_indexer_sql::adhoc::query(
        &mut db,
        "SELECT COUNT(*) AS n FROM epochs WHERE epoch = 99",
    )
    .await
    .unwrap();
    assert_eq!(rows[0].0[0].1.as_deref(), Some("1"));
}
