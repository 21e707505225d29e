//! RS2 encode/decode benchmark: wall time, throughput and peak memory.
//!
//! Run with `cargo bench -p floe-node-lite --bench rs2` (add `-- quick` for one repetition).
//! Each case runs a few times and reports the fastest; peak memory is the process's peak resident
//! set during the operation (Linux `VmHWM`, reset before each run), counted from the resident set
//! before the input blob existed, so it includes the blob itself.

use std::time::{Duration, Instant};

use floe_node::{
    encoding::{decode, encode, EncodingConfig, Primary, SliverIndex},
    sample::sample_blob,
};

mod common;

use common::{reset_peak, resident_kib};

const MIB: usize = 1 << 20;

struct Measured {
    best: Duration,
    peak_mib: f64,
}

fn measure(reps: usize, mut run: impl FnMut() -> Duration) -> Measured {
    let mut best = Duration::MAX;
    let mut peak = 0u64;
    for _ in 0..reps {
        let base = resident_kib("VmRSS:").unwrap_or(0);
        reset_peak();
        let elapsed = run();
        let hwm = resident_kib("VmHWM:").unwrap_or(0);
        peak = peak.max(hwm.saturating_sub(base));
        best = best.min(elapsed);
    }
    Measured {
        best,
        peak_mib: peak as f64 / 1024.0,
    }
}

fn report(what: &str, n: u16, len: usize, m: &Measured) {
    let secs = m.best.as_secs_f64();
    let mbps = if len == 0 {
        0.0
    } else {
        len as f64 / 1e6 / secs
    };
    let ratio = if len == 0 {
        String::from("-")
    } else {
        format!("{:.2}x", m.peak_mib * MIB as f64 / len as f64)
    };
    println!(
        "{what:<7} n={n:<5} size={:>9} time={:>9.1} ms  throughput={:>8.1} MB/s  peak={:>8.1} MiB ({ratio} of blob)",
        human(len),
        secs * 1e3,
        mbps,
        m.peak_mib,
    );
}

fn human(len: usize) -> String {
    if len >= MIB {
        format!("{} MiB", len / MIB)
    } else {
        format!("{len} B")
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "quick");
    let reps = |len: usize| {
        if quick {
            1
        } else if len >= 16 * MIB {
            3
        } else {
            5
        }
    };
    println!(
        "RS2 benchmark: {} worker threads available",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    for (n, len) in [
        (1000u16, 0usize),
        (1000, MIB),
        (1000, 16 * MIB),
        (1000, 64 * MIB),
        (100, 64 * MIB),
    ] {
        let config = EncodingConfig::new(n).expect("valid n");
        let m = measure(reps(len), || {
            let input = sample_blob(len, 1);
            let start = Instant::now();
            let encoded = encode(&config, input).expect("encodes");
            let elapsed = start.elapsed();
            std::hint::black_box(encoded.blob_id());
            elapsed
        });
        report("encode", n, len, &m);
    }

    let (n, len) = (1000u16, 64 * MIB);
    let config = EncodingConfig::new(n).expect("valid n");
    let encoded = encode(&config, sample_blob(len, 1)).expect("encodes");
    let metadata = encoded.metadata().clone();
    let k_p = config.n_primary_source_symbols();
    // Worst case for the decoder: the last k_p primary slivers, all repair rows.
    let repair: Vec<_> = (n - k_p..n)
        .map(|i| encoded.sliver::<Primary>(SliverIndex(i)))
        .collect();
    let systematic: Vec<_> = (0..k_p)
        .map(|i| encoded.sliver::<Primary>(SliverIndex(i)))
        .collect();
    drop(encoded);
    for (what, slivers) in [("decode", repair), ("decode*", systematic)] {
        let m = measure(reps(len), || {
            let input = slivers.clone();
            let start = Instant::now();
            let out = decode(&config, &metadata, input).expect("decodes");
            let elapsed = start.elapsed();
            assert_eq!(out.len(), len);
            elapsed
        });
        report(what, n, len, &m);
    }
    println!("decode  = from the k_p non-systematic primary slivers (Reed-Solomon decoding of every column)");
    println!("decode* = from the k_p systematic primary slivers (verification and copy only)");
    println!("every decode verifies each sliver's Merkle root against the metadata first");
}
