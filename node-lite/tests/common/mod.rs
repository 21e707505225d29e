//! Helpers shared by the integration tests of this crate.

#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::Value;

/// The reference vectors committed in the repository (`tests/vectors/`, see its README), or the
/// directory named by `FLOE_VECTORS_DIR` when it is set (to try updated vectors before
/// committing them).
pub fn vectors_dir() -> PathBuf {
    match std::env::var_os("FLOE_VECTORS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors"),
    }
}

/// One reference vector file, parsed.
pub fn load_vectors(name: &str) -> Value {
    let path = vectors_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The generated input of the vector files: `SHA256(seed ‖ u64_le(0)) ‖ SHA256(seed ‖
/// u64_le(1)) ‖ …`, truncated to `size` bytes.
pub fn gen(size: usize, seed: &str) -> Vec<u8> {
    use sha2::{Digest as _, Sha256};
    let mut out = Vec::with_capacity(size + 32);
    let mut counter = 0u64;
    while out.len() < size {
        let mut hasher = Sha256::new();
        hasher.update(seed.as_bytes());
        hasher.update(counter.to_le_bytes());
        out.extend_from_slice(&hasher.finalize());
        counter += 1;
    }
    out.truncate(size);
    out
}

/// Every wait on a process in these tests is bounded by this.
pub const LIMIT: std::time::Duration = std::time::Duration::from_secs(30);

/// A `floe` child process (stdout read line by line, stderr drained into a buffer so it never
/// blocks on it), killed when dropped.
pub struct FloeProcess {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
    stderr: Option<std::thread::JoinHandle<String>>,
}

/// `floe ledger serve` as a child process.
pub type LedgerServer = FloeProcess;

impl FloeProcess {
    /// Starts `floe` with `args`.
    pub fn spawn<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Self {
        use std::io::BufRead;
        use std::process::{Command, Stdio};
        let mut child = Command::new(env!("CARGO_BIN_EXE_floe"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("floe starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut pipe = child.stderr.take().expect("piped stderr");
        let stderr = std::thread::spawn(move || {
            use std::io::Read;
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        });
        FloeProcess {
            child,
            lines,
            stderr: Some(stderr),
        }
    }

    /// Starts `floe ledger serve` on a loopback port with `--dir dir --checkpoint-dir files`
    /// and the `extra` arguments.
    pub fn start(dir: &std::path::Path, files: &std::path::Path, extra: &[&str]) -> Self {
        let mut args: Vec<std::ffi::OsString> =
            ["ledger", "serve", "--listen", "127.0.0.1:0", "--dir"]
                .iter()
                .map(Into::into)
                .collect();
        args.push(dir.into());
        args.push("--checkpoint-dir".into());
        args.push(files.into());
        args.extend(extra.iter().map(Into::into));
        Self::spawn(&args)
    }

    /// The first line (from now) containing `needle`; panics (killing the process) after
    /// [`LIMIT`].
    pub fn wait_for(&mut self, needle: &str) -> String {
        let deadline = std::time::Instant::now() + LIMIT;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(e) => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    let stderr = self
                        .stderr
                        .take()
                        .and_then(|r| r.join().ok())
                        .unwrap_or_default();
                    panic!("no line containing {needle:?} from floe: {e}; stderr: {stderr}");
                }
            }
        }
    }

    /// The gRPC URL the ledger announces once it serves.
    pub fn url(&mut self) -> String {
        self.wait_for("serving Sui gRPC")
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .map(|w| w.trim_end_matches(':').to_owned())
            .expect("the serving line names the URL")
    }

    fn signal(&self, signal: libc::c_int) {
        let pid = libc::pid_t::try_from(self.child.id()).expect("a pid fits");
        // SAFETY: kill(2) with a pid of our own child process and a valid signal number.
        unsafe { libc::kill(pid, signal) };
    }

    /// Sends SIGINT (Ctrl-C) and checks the process exits cleanly.
    pub fn interrupt(mut self) {
        self.signal(libc::SIGINT);
        self.wait_for("stopped");
        let status = self.child.wait().expect("the process exits");
        assert!(status.success(), "floe exited with {status}");
    }

    /// SIGKILLs the process and waits for it.
    pub fn kill(mut self) {
        self.signal(libc::SIGKILL);
        let _ = self.child.wait();
    }

    /// Kills the process and returns what it wrote to stderr.
    pub fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.stderr
            .take()
            .and_then(|reader| reader.join().ok())
            .unwrap_or_default()
    }
}

impl Drop for FloeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub mod network;
