//! The price-stability study behind Floe's rate rule (issue 17): over seeded WAL/USD paths at
//! 50%, 100% and 150% annual volatility, the median over paths of sd log(USD paid / USD target)
//! for Floe's rule (for several rate windows), Walrus's shipped rule and Walrus's old
//! retarget-per-epoch rule, all in the same runs of `floe_economics::sim`.
//!
//! `cargo run --release -p floe-economics --example price_stability -- [PATHS] [EPOCHS]`
//! (defaults: 50 paths of 26 two-week epochs in 10-minute steps).

use floe_economics::sim::{run, SimConfig, WalPath};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let paths: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(50);
    let epochs: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(26);
    // (sample every N 10-minute steps, window of W samples)
    let rules = [(6, 1), (6, 3), (6, 6), (6, 12), (6, 24), (1, 6), (1, 36)];
    println!(
        "{paths} paths x {epochs} epochs of 2016 ten-minute steps; 20 nodes, 20% of shards \
         reporting 10x, honest feeds ±0.5% noise, 0-10 min delay"
    );
    println!("median over paths of sd log(USD paid / USD target):");
    for vol in [0.5, 1.0, 1.5] {
        let mut floe: Vec<Vec<f64>> = vec![Vec::new(); rules.len()];
        let (mut shipped, mut old, mut wal) = (Vec::new(), Vec::new(), Vec::new());
        for seed in 1..=paths {
            for (r, (every, window)) in rules.iter().enumerate() {
                let cfg = SimConfig {
                    epochs,
                    wal_usd: WalPath::Generated {
                        seed,
                        start: 0.40,
                        annual_volatility: vol,
                    },
                    rate_sample_steps: *every,
                    rate_window_samples: *window,
                    seed: seed + 1000,
                    ..SimConfig::default()
                };
                let s = run(&cfg)
                    .expect("the study's configurations are valid")
                    .summary;
                floe[r].push(s.std_log_floe);
                if r == 0 {
                    shipped.push(s.std_log_walrus_shipped);
                    old.push(s.std_log_walrus);
                    wal.push(s.std_log_wal);
                }
            }
        }
        let shipped = median(shipped);
        println!(
            "vol {:>3.0}%: WAL {:.4} | Walrus shipped {:.4} | Walrus per-epoch {:.4}",
            vol * 100.0,
            median(wal),
            shipped,
            median(old)
        );
        for (r, (every, window)) in rules.iter().enumerate() {
            let m = median(floe[r].clone());
            println!(
                "    Floe, sample every {:>3} min, mean of {:>2} samples ({:>5.1} h): {:.4} ({:.2}x Walrus shipped)",
                every * 10,
                window,
                (*every * *window) as f64 / 6.0,
                m,
                m / shipped
            );
        }
    }
}
