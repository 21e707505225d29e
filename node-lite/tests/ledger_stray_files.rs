//! `floe ledger serve --checkpoint-dir` as a process, with stray files in the directory: a
//! `1000000.binpb.zst` past a gap and a `18446744073709551615.binpb.zst` (which once made the
//! export skip checkpoints 0–17 and wait forever, or wrap to 0). The export finds the real
//! contiguous prefix (here: none), writes checkpoints 0–17 and reports the strays on stderr.

use std::path::Path;

mod common;
use common::{LedgerServer, LIMIT};
use std::time::{Duration, Instant};

/// The devnet scenario seals checkpoints 0..=17.
const DEVNET_CHECKPOINTS: u64 = 18;

fn written(files: &Path) -> Vec<u64> {
    let mut seqs: Vec<u64> = std::fs::read_dir(files)
        .expect("checkpoint dir")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            floe_indexer::checkpoint_files::parse_file_name(&name)
        })
        .filter(|s| *s < DEVNET_CHECKPOINTS)
        .collect();
    seqs.sort_unstable();
    seqs
}

#[test]
fn stray_checkpoint_files_do_not_stall_the_export() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("ledger");
    let files = tmp.path().join("checkpoints");
    std::fs::create_dir_all(&files).expect("checkpoint dir");
    let strays = [
        "1000000.binpb.zst",
        "18446744073709551615.binpb.zst",
        "007.binpb.zst",
    ];
    for name in strays {
        std::fs::write(files.join(name), b"stray").expect("stray file");
    }

    let mut server = LedgerServer::start(&dir, &files, &[]);
    let line = server.wait_for("writing checkpoints from");
    assert!(line.contains("writing checkpoints from 0 "), "{line}");
    let deadline = Instant::now() + LIMIT;
    while written(&files).len() < DEVNET_CHECKPOINTS as usize {
        assert!(
            Instant::now() < deadline,
            "only {:?} written",
            written(&files)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let stderr = server.stop();
    assert_eq!(written(&files), (0..DEVNET_CHECKPOINTS).collect::<Vec<_>>());
    for name in strays {
        assert!(
            stderr
                .lines()
                .any(|l| l.contains("WARN") && l.contains(name) && l.contains("ignoring")),
            "{name} not reported: {stderr}"
        );
        // Stray files are left as they were.
        assert_eq!(std::fs::read(files.join(name)).expect("stray"), b"stray");
    }

    // A restart resumes after the contiguous prefix 0..=17, not after the stray names.
    let mut server = LedgerServer::start(&dir, &files, &[]);
    let line = server.wait_for("writing checkpoints from");
    assert!(
        line.contains(&format!("writing checkpoints from {DEVNET_CHECKPOINTS} ")),
        "{line}"
    );
    server.stop();
}
