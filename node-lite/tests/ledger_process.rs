//! `floe ledger serve` as a process: a new ledger runs the devnet scenario, serves it over gRPC
//! on loopback, advances epochs on its schedule and writes checkpoint files; `floe ledger
//! follow`, another process, reads it through the gRPC checkpoint source up to a checkpoint
//! that only the schedule produces; Ctrl-C (SIGINT) stops the server cleanly and a restart
//! continues the same chain.

use std::path::Path;
use std::process::{Command, Stdio};

mod common;
use common::{LedgerServer, LIMIT};

/// A server on a 0.3 s epoch schedule, and its URL.
fn start(dir: &Path, files: &Path) -> (LedgerServer, String) {
    let mut server = LedgerServer::start(dir, files, &["--epoch-every-secs", "0.3"]);
    let url = server.url();
    (server, url)
}

fn follow(url: &str, from: u64, count: u64) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_floe"))
        .args(["ledger", "follow", "--url", url, "--package", "0xf10e"])
        .args(["--from", &from.to_string(), "--count", &count.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("floe ledger follow starts");
    // Bounded: a follower waiting for a checkpoint that never comes is killed and reported.
    let deadline = std::time::Instant::now() + LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait on the follower") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("floe ledger follow did not finish within {LIMIT:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let out = child.wait_with_output().expect("the follower's output");
    assert!(
        status.success(),
        "follow failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn ledger_process_serves_follows_schedules_and_restarts() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("ledger");
    let files = tmp.path().join("checkpoints");

    let (mut server, url) = start(&dir, &files);
    // The devnet scenario seals checkpoints 0..=17 and leaves the ledger at epoch 4; the
    // schedule then adds one checkpoint per epoch. Checkpoint 19 (epoch 6) exists only once
    // the schedule has run twice: the follower waits for it on the subscription.
    let out = follow(&url, 0, 20);
    assert!(out.contains("checkpoint 0: epoch 0"), "{out}");
    assert!(out.contains("NodeRegistered node-0"), "{out}");
    assert!(out.contains("BlobCertified"), "{out}");
    assert!(out.contains("checkpoint 19: epoch 6"), "{out}");
    assert!(out.contains("EpochChangeDone epoch 6"), "{out}");
    server.wait_for("epoch 6 began");
    server.interrupt();

    // Every sealed checkpoint was written as a file.
    let mut written: Vec<u64> = std::fs::read_dir(&files)
        .expect("checkpoint dir")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".binpb.zst")?.parse().ok()
        })
        .collect();
    written.sort_unstable();
    assert!(written.len() >= 20, "{written:?}");
    assert_eq!(written, (0..written.len() as u64).collect::<Vec<_>>());

    // A restart continues the chain: same early checkpoints, the schedule goes on from there.
    let (mut server, url) = start(&dir, &files);
    let again = follow(&url, 0, 20);
    assert_eq!(again, out);
    let last = written.len() as u64 - 1;
    let more = follow(&url, last + 1, 1);
    assert!(
        more.contains(&format!("checkpoint {}: epoch", last + 1)),
        "{more}"
    );
    server.wait_for("began");
    server.interrupt();
}
