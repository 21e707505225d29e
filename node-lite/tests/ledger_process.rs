//! `floe ledger serve` as a process: a new ledger runs the devnet scenario, serves it over gRPC
//! on loopback, advances epochs on its schedule and writes checkpoint files; `floe ledger
//! follow`, another process, reads it through the gRPC checkpoint source up to a checkpoint
//! that only the schedule produces; Ctrl-C (SIGINT) stops the server cleanly and a restart
//! continues the same chain.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Every wait in this test is bounded by this.
const LIMIT: Duration = Duration::from_secs(30);

struct Server {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Server {
    fn start(dir: &Path, files: &Path) -> (Server, String) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_floe"))
            .args(["ledger", "serve", "--listen", "127.0.0.1:0", "--dir"])
            .arg(dir)
            .arg("--checkpoint-dir")
            .arg(files)
            .args(["--epoch-every-secs", "0.3"])
            .stdout(Stdio::piped())
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
        let mut server = Server { child, lines };
        let serving = server.wait_for("serving Sui gRPC");
        let url = serving
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .map(|w| w.trim_end_matches(':').to_owned())
            .expect("the serving line names the URL");
        (server, url)
    }

    /// The first line (from now) containing `needle`; panics after [`LIMIT`].
    fn wait_for(&mut self, needle: &str) -> String {
        let deadline = std::time::Instant::now() + LIMIT;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(e) => {
                    let _ = self.child.kill();
                    panic!("no line containing {needle:?} from floe ledger serve: {e}");
                }
            }
        }
    }

    /// Sends SIGINT (Ctrl-C) and waits for a clean exit.
    fn interrupt(mut self) {
        let pid = libc::pid_t::try_from(self.child.id()).expect("a pid fits");
        // SAFETY: kill(2) with a pid of our own child process and a valid signal number.
        unsafe { libc::kill(pid, libc::SIGINT) };
        self.wait_for("stopped");
        let status = self.child.wait().expect("the server exits");
        assert!(status.success(), "floe ledger serve exited with {status}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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

    let (mut server, url) = Server::start(&dir, &files);
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
    let (mut server, url) = Server::start(&dir, &files);
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
