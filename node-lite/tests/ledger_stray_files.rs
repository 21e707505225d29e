//! `floe ledger serve --checkpoint-dir` as a process, with stray files in the directory: a
//! `1000000.binpb.zst` past a gap and a `18446744073709551615.binpb.zst` (which once made the
//! export skip checkpoints 0–17 and wait forever, or wrap to 0). The export finds the real
//! contiguous prefix (here: none), writes checkpoints 0–17 and reports the strays on stderr.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Every wait in this test is bounded by this.
const LIMIT: Duration = Duration::from_secs(30);

/// The devnet scenario seals checkpoints 0..=17.
const DEVNET_CHECKPOINTS: u64 = 18;

/// The server process, killed when dropped.
struct Server {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Server {
    fn start(dir: &Path, files: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_floe"))
            .args(["ledger", "serve", "--listen", "127.0.0.1:0", "--dir"])
            .arg(dir)
            .arg("--checkpoint-dir")
            .arg(files)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("floe ledger serve starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Server { child, lines }
    }

    fn wait_for(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + LIMIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(e) => panic!("no line containing {needle:?} from floe ledger serve: {e}"),
            }
        }
    }

    /// Kills the server and returns what it wrote to stderr.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            let _ = pipe.read_to_string(&mut stderr);
        }
        stderr
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

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

    let mut server = Server::start(&dir, &files);
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
    let mut server = Server::start(&dir, &files);
    let line = server.wait_for("writing checkpoints from");
    assert!(
        line.contains(&format!("writing checkpoints from {DEVNET_CHECKPOINTS} ")),
        "{line}"
    );
    server.stop();
}
