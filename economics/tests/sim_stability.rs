//! Acceptance 4: stability of the USD price under a volatile WAL/USD path, and the guard.

use floe_economics::sim::{run, to_csv, SimConfig, VoteShock, WalPath};
use floe_economics::FROST_PER_WAL;

fn cfg(seed: u64) -> SimConfig {
    SimConfig {
        wal_usd: WalPath::Generated {
            seed,
            start: 0.40,
            annual_volatility: 1.0,
        },
        ..SimConfig::default()
    }
}

#[test]
fn usd_price_stays_near_target_at_100pct_volatility() {
    // The default run (seed 1) must meet the bound; over 50 independent paths, nearly all
    // must (the denominator is the spread of one random walk, which some calm paths lack).
    let mut ratios = Vec::new();
    for seed in 1..=50 {
        let out = run(&cfg(seed)).expect("runs");
        assert_eq!(out.rows.len(), 104);
        let s = out.summary;
        // The path really has the requested volatility: per-step log returns ≈ 1/sqrt(26·14).
        let r: Vec<f64> = out
            .samples
            .windows(2)
            .map(|w| (w[1].wal_usd / w[0].wal_usd).ln())
            .collect();
        let m = r.iter().sum::<f64>() / r.len() as f64;
        let sd = (r.iter().map(|x| (x - m).powi(2)).sum::<f64>() / r.len() as f64).sqrt();
        let annual = sd * ((26 * 14) as f64).sqrt();
        assert!(
            (0.85..1.15).contains(&annual),
            "seed {seed}: annualised volatility {annual}"
        );
        let ratio = s.stability_ratio();
        eprintln!(
            "seed {seed}: std log(WAL) {:.3}  floe {:.3}  fixed {:.3}  walrus {:.3}  ratio {ratio:.3}",
            s.std_log_wal, s.std_log_floe, s.std_log_fixed, s.std_log_walrus
        );
        if seed == 1 {
            assert!(ratio <= 0.25, "default path: ratio {ratio}");
        }
        // Floe's own error is path-independent: about 0.58 (= sqrt(1/3), the lag of a one-epoch moving average) of one epoch's volatility
        // (1/sqrt(26) ≈ 0.196), whatever the path does.
        assert!(
            s.std_log_floe < 0.7 * (1.0f64 / 26.0).sqrt(),
            "seed {seed}: {}",
            s.std_log_floe
        );
        // Walrus's rule (retargeted each epoch, no averaging) tracks worse than Floe's.
        assert!(s.std_log_walrus > s.std_log_floe);
        // A fixed FROST price follows WAL exactly: no stability at all.
        assert!((s.std_log_fixed / s.std_log_wal - 1.0).abs() < 0.05);
        ratios.push(ratio);
    }
    let passing = ratios.iter().filter(|r| **r <= 0.25).count();
    let mean = ratios.iter().sum::<f64>() / ratios.len() as f64;
    eprintln!("{passing}/50 paths within 1/4, mean ratio {mean:.3}");
    // Measured: 43/50 within the bound, mean ratio 0.17; the misses are paths whose own
    // spread is under ~0.4 (a calm path), where Floe's error (~0.11) is unchanged.
    assert!(passing >= 40, "{passing}/50 paths within the bound");
    assert!(mean <= 0.2, "mean ratio {mean}");
}

fn usd_prices(cfg: &SimConfig) -> Vec<u64> {
    run(cfg)
        .expect("runs")
        .rows
        .iter()
        .map(|r| r.usd_price)
        .collect()
}

#[test]
fn guard_ignores_a_minority_and_rate_limits_a_quorum() {
    let base = SimConfig {
        epochs: 60,
        ..cfg(3)
    };
    let calm = usd_prices(&base);
    assert!(calm.iter().all(|p| *p == base.storage_nano_usd));

    // A minority (30% of the shards) votes 10x from epoch 10: no visible effect at all.
    let minority = SimConfig {
        shock: Some(VoteShock {
            epoch: 10,
            shards_bps: 3000,
            factor: 10,
        }),
        ..base.clone()
    };
    assert_eq!(usd_prices(&minority), calm);

    // A quorum (80%) votes 10x: the price climbs by at most max_price_step_bps per epoch,
    // by exactly that step while far from the target, and reaches the new target.
    let quorum = SimConfig {
        shock: Some(VoteShock {
            epoch: 10,
            shards_bps: 8000,
            factor: 10,
        }),
        ..base.clone()
    };
    let p = usd_prices(&quorum);
    assert_eq!(&p[..10], &calm[..10]);
    let step = base.max_price_step_bps as u64;
    for w in p.windows(2) {
        assert!(w[1] <= w[0] + w[0] * step / 10_000, "{} -> {}", w[0], w[1]);
    }
    assert_eq!(p[10], p[9] + p[9] * step / 10_000, "first guarded step");
    assert_eq!(
        *p.last().unwrap(),
        10 * base.storage_nano_usd,
        "reaches the quorum's price"
    );
    let reached = p
        .iter()
        .position(|x| *x == 10 * base.storage_nano_usd)
        .unwrap();
    assert!(
        reached >= 10 + 24,
        "10x at +10%/epoch needs ~25 epochs, took {}",
        reached - 10
    );

    // Walrus's rule (no guard) jumps at once for the quorum, and ignores the minority too.
    let rows = run(&quorum).unwrap().rows;
    assert!(
        rows[10].walrus_frost_price >= 5 * rows[9].walrus_frost_price,
        "10x at once (give or take one epoch of WAL moves)"
    );
    let rows = run(&minority).unwrap().rows;
    assert!(rows[10].walrus_frost_price < 2 * rows[9].walrus_frost_price);

    // Guard off: the quorum's price applies at once.
    let off = SimConfig {
        max_price_step_bps: 0,
        ..quorum
    };
    assert_eq!(usd_prices(&off)[10], 10 * base.storage_nano_usd);
}

#[test]
fn outputs_are_deterministic_and_well_formed() {
    let c = SimConfig {
        epochs: 8,
        ..cfg(5)
    };
    let a = run(&c).unwrap();
    let b = run(&c).unwrap();
    assert_eq!(a, b);
    let csv = to_csv(&a);
    assert_eq!(csv.lines().count(), 9);
    let cols = csv.lines().next().unwrap().split(',').count();
    assert!(csv.lines().all(|l| l.split(',').count() == cols));
    for r in &a.rows {
        assert_eq!(
            r.burned + r.paid,
            r.pot,
            "epoch {} pot split exactly",
            r.epoch
        );
        assert!(r.pot > 0);
        assert!(r.pools.iter().all(|p| p.apy.is_some()));
    }
    // Stake compounds the stakers' rewards.
    let first: u64 = a.rows[0].pools.iter().map(|p| p.stake).sum();
    let rewards: u64 = a.rows[0].pools.iter().map(|p| p.staker_reward).sum();
    let second: u64 = a.rows[1].pools.iter().map(|p| p.stake).sum();
    assert_eq!(second, first + rewards);
    assert!(first >= 20 * 5_000_000 * FROST_PER_WAL);
    // A different seed gives a different path.
    assert_ne!(
        run(&SimConfig {
            epochs: 8,
            ..cfg(6)
        })
        .unwrap()
        .samples,
        a.samples
    );
}

#[test]
fn lying_challengers_below_a_third_do_not_hurt_honest_nodes() {
    let honest = SimConfig {
        epochs: 6,
        failure_rates_bps: vec![0],
        ..cfg(2)
    };
    let liars = SimConfig {
        lying_challengers_bps: 3000,
        ..honest.clone()
    };
    for (a, b) in run(&honest)
        .unwrap()
        .rows
        .iter()
        .zip(run(&liars).unwrap().rows.iter())
    {
        for (p, q) in a.pools.iter().zip(&b.pools) {
            assert_eq!(p.performance_bps, 10_000);
            assert_eq!(q.performance_bps, 10_000);
        }
    }
}
