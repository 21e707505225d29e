//! `floe decode` as a process on hostile sliver directories: a sliver that is a symbolic link
//! to `/dev/zero`, a FIFO, a 3 GB sparse file, a FIFO as the metadata. Each is refused at once
//! with a warning or error naming the file, never read past the size the metadata implies, and
//! decoding goes on with the other slivers. The process's peak resident set (from `wait4`'s
//! resource usage) stays under [`PEAK_BOUND`]; every run is killed after [`LIMIT`].

use std::ffi::CString;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every run of `floe` is bounded by this.
const LIMIT: Duration = Duration::from_secs(30);

/// The peak resident set `floe decode` may reach on these inputs, bytes: 64 MiB (the blob is
/// 5000 bytes; before the fix the `/dev/zero` sliver alone read until memory ran out).
const PEAK_BOUND: u64 = 64 << 20;

struct Run {
    success: bool,
    stderr: String,
    peak_rss: u64,
}

/// Runs `floe args…`, returning its exit, stderr and peak resident set; kills it after LIMIT.
// The child is reaped by wait4(2) (for its resource usage), or killed and waited on.
#[allow(clippy::zombie_processes)]
fn floe(args: &[&Path]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_floe"))
        .args(args)
        // An error's backtrace would be symbolised from the debug info (~250 MB resident):
        // the bound is about reading the input, so errors print without one.
        .env("RUST_BACKTRACE", "0")
        .env("RUST_LIB_BACKTRACE", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("floe starts");
    let mut stderr_pipe = child.stderr.take().expect("piped stderr");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr_pipe.read_to_string(&mut s);
        s
    });
    let pid = child.id() as libc::pid_t;
    let deadline = Instant::now() + LIMIT;
    let (status, usage) = loop {
        let mut status = 0;
        // SAFETY: an all-zero rusage is valid, and wait4(2) writes only into our two locals.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        assert!(reaped >= 0, "wait4 failed");
        if reaped == pid {
            break (status, usage);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("floe {args:?} did not finish within {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        success: libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        stderr: reader.join().expect("stderr reader"),
        // Linux reports ru_maxrss in KiB.
        peak_rss: usage.ru_maxrss as u64 * 1024,
    }
}

fn mkfifo(path: &Path) {
    let c = CString::new(path.to_str().expect("UTF-8 path")).expect("no NUL");
    // SAFETY: mkfifo(3) with a NUL-terminated path we own.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
}

fn assert_bounded(run: &Run, case: &str) {
    assert!(
        run.peak_rss < PEAK_BOUND,
        "{case}: peak resident set {} bytes, over {PEAK_BOUND}",
        run.peak_rss
    );
}

#[test]
fn hostile_sliver_files_are_refused_and_decoding_goes_on() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = tmp.path().join("input.bin");
    let data: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&file, &data).expect("write");
    let encoded = tmp.path().join("encoded");
    let out = Command::new(env!("CARGO_BIN_EXE_floe"))
        .args(["encode", "--shards", "7"])
        .arg(&file)
        .arg("--out")
        .arg(&encoded)
        .output()
        .expect("floe encode runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // 7 shards: 3 primary slivers decode. Slivers 1, 2 and 3 become hostile; 0, 4, 5, 6 remain.
    let primary = encoded.join("primary");
    for i in 1..=3 {
        std::fs::remove_file(primary.join(format!("{i}.bcs"))).expect("remove");
    }
    std::os::unix::fs::symlink("/dev/zero", primary.join("1.bcs")).expect("symlink");
    mkfifo(&primary.join("2.bcs"));
    std::fs::File::create(primary.join("3.bcs"))
        .and_then(|f| f.set_len(3 << 30))
        .expect("sparse file");

    let decoded = tmp.path().join("decoded.bin");
    let run = floe(&[Path::new("decode"), &encoded, Path::new("--out"), &decoded]);
    assert!(run.success, "{}", run.stderr);
    for (name, why) in [
        ("primary/1.bcs", "is not a regular file"),
        ("primary/2.bcs", "is not a regular file"),
        ("primary/3.bcs", "is too large: the limit is"),
    ] {
        assert!(
            run.stderr
                .lines()
                .any(|l| l.contains("warning") && l.contains(name) && l.contains(why)),
            "{name}: {}",
            run.stderr
        );
    }
    assert_eq!(std::fs::read(&decoded).expect("decoded"), data);
    assert_bounded(&run, "hostile primary slivers");
    std::fs::remove_file(&decoded).expect("remove");

    // Not enough slivers left: a clean failure, nothing written, still bounded.
    std::fs::remove_file(primary.join("4.bcs")).expect("remove");
    std::fs::remove_file(primary.join("5.bcs")).expect("remove");
    let secondary = encoded.join("secondary");
    for entry in std::fs::read_dir(&secondary).expect("secondary") {
        let path = entry.expect("entry").path();
        std::fs::remove_file(&path).expect("remove");
        std::os::unix::fs::symlink("/dev/zero", &path).expect("symlink");
    }
    let run = floe(&[Path::new("decode"), &encoded, Path::new("--out"), &decoded]);
    assert!(!run.success);
    assert!(run.stderr.contains("not enough slivers"), "{}", run.stderr);
    assert!(!decoded.exists(), "nothing is written on failure");
    assert_bounded(&run, "too few slivers");

    // The metadata as a FIFO: refused at once, named.
    let metadata = encoded.join("metadata.bcs");
    std::fs::remove_file(&metadata).expect("remove");
    mkfifo(&metadata);
    let run = floe(&[Path::new("decode"), &encoded, Path::new("--out"), &decoded]);
    assert!(!run.success);
    assert!(
        run.stderr.contains("metadata.bcs is not a regular file"),
        "{}",
        run.stderr
    );
    assert_bounded(&run, "FIFO metadata");

    // `floe blob-id` of /dev/zero: refused at the largest blob, not read forever.
    let run = floe(&[
        Path::new("blob-id"),
        Path::new("--shards"),
        Path::new("4"),
        Path::new("/dev/zero"),
    ]);
    assert!(!run.success);
    assert!(
        run.stderr.contains("/dev/zero is not a regular file"),
        "{}",
        run.stderr
    );
    assert_bounded(&run, "blob-id of /dev/zero");
}
