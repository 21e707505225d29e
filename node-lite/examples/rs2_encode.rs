//! Profiling helper: encodes a sample blob `reps` times and prints, for each encode, its wall
//! time, the process's user and system CPU time spent in it, and the blob ID.
//!
//! `cargo run --release -p floe-node-lite --example rs2_encode -- [MiB] [n] [reps]` (defaults
//! 64, 1000, 1). CPU time is the steadier figure on a shared machine; the first encode of a
//! process also pays for the lookup tables and for memory the OS has not handed out before.

use std::time::Instant;

use floe_node::{
    encoding::{encode, EncodingConfig},
    sample::sample_blob,
};

/// User and system CPU seconds of the whole process so far.
fn cpu_seconds() -> (f64, f64) {
    // SAFETY: `getrusage` only writes the struct it is given.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    (secs(usage.ru_utime), secs(usage.ru_stime))
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("numeric argument"))
        .collect();
    let mib = args.first().copied().unwrap_or(64);
    let n = args.get(1).copied().unwrap_or(1000) as u16;
    let reps = args.get(2).copied().unwrap_or(1);
    let config = EncodingConfig::new(n).expect("valid n");
    for _ in 0..reps {
        let blob = sample_blob(mib << 20, 1);
        let (user, sys) = cpu_seconds();
        let start = Instant::now();
        let encoded = encode(&config, blob).expect("encodes");
        let elapsed = start.elapsed();
        let (user_after, sys_after) = cpu_seconds();
        println!(
            "{mib} MiB n={n}: {:.1} ms, {:.1} MB/s, cpu user {:.1} ms sys {:.1} ms, blob id {}",
            elapsed.as_secs_f64() * 1e3,
            (mib << 20) as f64 / 1e6 / elapsed.as_secs_f64(),
            (user_after - user) * 1e3,
            (sys_after - sys) * 1e3,
            encoded.blob_id()
        );
    }
}
