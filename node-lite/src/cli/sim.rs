//! `floe sim`: the what-if simulator of Floe's economy (stable USD prices, pots, burn,
//! rewards, APY, performance factors). The simulation itself is the pure
//! `floe_economics::sim`; this file only parses arguments, reads the WAL/USD CSV, prints the
//! table and writes the CSV, and the chart as PNG and SVG (`sim_chart`).

use std::path::PathBuf;

use anyhow::{bail, Context};
use floe_economics::performance::PerformanceCurve;
use floe_economics::sim::{self, SimConfig, VoteShock, WalPath};
use floe_economics::NANO_USD_PER_USD;

/// Arguments of `floe sim`.
#[derive(clap::Args, Debug)]
pub struct SimArgs {
    /// Number of epochs to simulate.
    #[arg(long, default_value_t = 104)]
    pub epochs: u32,
    /// Steps per epoch (price feeds, rate reports and purchases); 2016 = 10-minute steps in a
    /// two-week epoch, the resolution of Walrus's price monitor.
    #[arg(long, default_value_t = sim::STEPS_PER_EPOCH)]
    pub samples_per_epoch: u32,
    /// Epochs per year (26 = two-week epochs); scales volatility and APY.
    #[arg(long, default_value_t = 26)]
    pub epochs_per_year: u32,
    /// WAL/USD path as CSV (one rate per line, or the last column; optional header). One value
    /// per epoch, or one per sampling step. Without it a path is generated from --seed.
    #[arg(long)]
    pub wal_usd_csv: Option<PathBuf>,
    /// Seed of the generated WAL/USD path.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Starting WAL/USD of the generated path.
    #[arg(long, default_value_t = 0.40)]
    pub wal_usd_start: f64,
    /// Annualised volatility of the generated path (1.0 = 100%).
    #[arg(long, default_value_t = 1.0)]
    pub volatility: f64,
    /// Stake of each node in WAL, comma-separated (default: 20 nodes, 5M..24M WAL).
    #[arg(long, value_delimiter = ',')]
    pub stakes: Vec<u64>,
    /// Number of shards.
    #[arg(long, default_value_t = 1000)]
    pub n_shards: u16,
    /// Commission of every node, basis points.
    #[arg(long, default_value_t = 1000)]
    pub commission_bps: u16,
    /// Share of challenges each node fails, bps, comma-separated per node (one value = all).
    #[arg(long, value_delimiter = ',', default_value = "100")]
    pub failure_rates_bps: Vec<u16>,
    /// Share of challenger stake (bps) that reports 0% for every node.
    #[arg(long, default_value_t = 0)]
    pub lying_challengers_bps: u16,
    /// Share of shards (bps) whose nodes report a WAL/USD rate 10x off.
    #[arg(long, default_value_t = 2000)]
    pub lying_rate_reporters_bps: u16,
    /// Noise of the honest nodes' price feeds (bps, uniform ±, per node and step).
    #[arg(long, default_value_t = 50)]
    pub rate_noise_bps: u16,
    /// Feed delay: node i sees the rate of `i mod (N + 1)` steps ago.
    #[arg(long, default_value_t = 1)]
    pub feed_delay_steps: u32,
    /// Floe: steps between two samples of the committee's rate (6 = hourly at 10-minute steps).
    #[arg(long, default_value_t = 6)]
    pub rate_sample_steps: u32,
    /// Floe: samples averaged into the rate that converts USD prices to FROST.
    #[arg(long, default_value_t = sim::DEFAULT_RATE_WINDOW_SAMPLES)]
    pub rate_window_samples: u32,
    /// Walrus's shipped rule: steps between two checks of a node's price monitor (walrus's
    /// default is 10 minutes).
    #[arg(long, default_value_t = 1)]
    pub walrus_monitor_steps: u32,
    /// Walrus's shipped rule: a node sends a new vote only past this difference from the
    /// on-chain price (bps; walrus's default is 10%).
    #[arg(long, default_value_t = 1000)]
    pub walrus_vote_threshold_bps: u16,
    /// Target storage price voted by the nodes, USD per MiB per epoch.
    #[arg(long, default_value_t = 0.00001)]
    pub storage_usd: f64,
    /// Target write price, USD per MiB.
    #[arg(long, default_value_t = 0.00002)]
    pub write_usd: f64,
    /// Storage demand: MiB (encoded) bought per epoch.
    #[arg(long, default_value_t = 50_000_000)]
    pub demand_mib_per_epoch: u64,
    /// Epochs each purchase covers.
    #[arg(long, default_value_t = 26)]
    pub purchase_epochs: u32,
    /// Subsidy added to each epoch's pot, WAL.
    #[arg(long, default_value_t = 0)]
    pub subsidy_wal_per_epoch: u64,
    /// Burn share of each pot, bps.
    #[arg(long, default_value_t = 500)]
    pub burn_bps: u16,
    /// Stability guard: largest USD price move per epoch, bps (0 = off).
    #[arg(long, default_value_t = 1000)]
    pub max_price_step_bps: u32,
    /// Performance curve: pass rates below this (bps) earn nothing.
    #[arg(long, default_value_t = 5000)]
    pub perf_zero_below_bps: u16,
    /// Performance curve: pass rates at or above this (bps) earn everything.
    #[arg(long, default_value_t = 9500)]
    pub perf_full_at_bps: u16,
    /// Vote shock: from this epoch, nodes holding --shock-shards-bps vote --shock-factor x.
    #[arg(long)]
    pub shock_epoch: Option<u32>,
    /// Vote shock: share of shards (bps) changing their vote.
    #[arg(long, default_value_t = 3000)]
    pub shock_shards_bps: u16,
    /// Vote shock: multiplier of their storage price vote.
    #[arg(long, default_value_t = 10)]
    pub shock_factor: u64,
    /// Where to write the per-epoch CSV.
    #[arg(long, default_value = "floe-sim.csv")]
    pub csv: PathBuf,
    /// Where to write the PNG chart.
    #[arg(long, default_value = "floe-sim.png")]
    pub png: PathBuf,
    /// Where to write the same chart as SVG.
    #[arg(long, default_value = "floe-sim.svg")]
    pub svg: PathBuf,
    /// Print only the summary, not the per-epoch table.
    #[arg(long)]
    pub quiet: bool,
}

fn nano_usd(usd: f64, what: &str) -> anyhow::Result<u64> {
    if !usd.is_finite() || usd <= 0.0 {
        bail!("{what} must be a positive number of USD, got {usd}");
    }
    Ok((usd * NANO_USD_PER_USD as f64).round().max(1.0) as u64)
}

/// Builds the simulator's configuration from the arguments (reads the WAL/USD CSV if given).
pub fn config(args: &SimArgs) -> anyhow::Result<SimConfig> {
    let wal_usd = match &args.wal_usd_csv {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading WAL/USD path {}", path.display()))?;
            WalPath::Given(sim::parse_wal_csv(&text).map_err(|e| {
                anyhow::anyhow!(
                    "{}: not a WAL/USD path (one positive rate per line): {e}",
                    path.display()
                )
            })?)
        }
        None => {
            if !(args.wal_usd_start > 0.0 && args.volatility >= 0.0) {
                bail!("--wal-usd-start must be positive and --volatility non-negative");
            }
            WalPath::Generated {
                seed: args.seed,
                start: args.wal_usd_start,
                annual_volatility: args.volatility,
            }
        }
    };
    let defaults = SimConfig::default();
    Ok(SimConfig {
        epochs: args.epochs,
        samples_per_epoch: args.samples_per_epoch,
        epochs_per_year: args.epochs_per_year,
        wal_usd,
        n_shards: args.n_shards,
        stakes_wal: if args.stakes.is_empty() {
            defaults.stakes_wal
        } else {
            args.stakes.clone()
        },
        commission_bps: args.commission_bps,
        failure_rates_bps: args.failure_rates_bps.clone(),
        lying_challengers_bps: args.lying_challengers_bps,
        lying_rate_reporters_bps: args.lying_rate_reporters_bps,
        rate_noise_bps: args.rate_noise_bps,
        feed_delay_steps: args.feed_delay_steps,
        rate_sample_steps: args.rate_sample_steps,
        rate_window_samples: args.rate_window_samples,
        walrus_monitor_steps: args.walrus_monitor_steps,
        walrus_vote_threshold_bps: args.walrus_vote_threshold_bps,
        storage_nano_usd: nano_usd(args.storage_usd, "--storage-usd")?,
        write_nano_usd: nano_usd(args.write_usd, "--write-usd")?,
        demand_units_per_epoch: args.demand_mib_per_epoch,
        purchase_epochs: args.purchase_epochs,
        subsidy_frost_per_epoch: args
            .subsidy_wal_per_epoch
            .checked_mul(floe_economics::FROST_PER_WAL)
            .context("--subsidy-wal-per-epoch too large")?,
        burn_bps: args.burn_bps,
        max_price_step_bps: args.max_price_step_bps,
        curve: PerformanceCurve {
            zero_below_bps: args.perf_zero_below_bps,
            full_at_bps: args.perf_full_at_bps,
        },
        shock: args.shock_epoch.map(|epoch| VoteShock {
            epoch,
            shards_bps: args.shock_shards_bps,
            factor: args.shock_factor,
        }),
        seed: args.seed.wrapping_add(0x5EED),
    })
}

/// Runs `floe sim`: prints the per-epoch table and the stability summary, writes CSV and PNG.
pub fn run(args: &SimArgs) -> anyhow::Result<()> {
    let cfg = config(args)?;
    let out = sim::run(&cfg).map_err(|e| anyhow::anyhow!("simulation refused its inputs: {e}"))?;
    let usd = |nano: f64| nano / NANO_USD_PER_USD as f64;
    if !args.quiet {
        println!(
            "{:>5} {:>9} {:>12} {:>12} {:>12} {:>12} {:>12} {:>18} {:>18} {:>9} {:>9}",
            "epoch",
            "WAL/USD",
            "USD target",
            "FROST price",
            "USD paid",
            "fixed USD",
            "Walrus USD",
            "pot (WAL)",
            "burned (WAL)",
            "min perf",
            "mean APY"
        );
        for r in &out.rows {
            let min_perf = r.pools.iter().map(|p| p.performance_bps).min().unwrap_or(0);
            let apys: Vec<f64> = r
                .pools
                .iter()
                .filter_map(|p| p.apy.map(|a| a.to_string().parse::<f64>().unwrap_or(0.0)))
                .collect();
            let mean_apy = apys.iter().sum::<f64>() / apys.len().max(1) as f64;
            println!(
                "{:>5} {:>9.4} {:>12.9} {:>12} {:>12.9} {:>12.9} {:>12.9} {:>18.3} {:>18.3} {:>8.2}% {:>8.2}%",
                r.epoch,
                r.wal_usd,
                usd(r.usd_price as f64),
                r.frost_price,
                usd(r.usd_paid),
                usd(r.fixed_usd_paid),
                usd(r.walrus_usd_paid),
                r.pot as f64 / 1e9,
                r.burned as f64 / 1e9,
                min_perf as f64 / 100.0,
                mean_apy * 100.0,
            );
        }
    }
    let s = out.summary;
    println!(
        "stability over {} epochs: std log(WAL_t/WAL_0) = {:.4}; std log(USD paid / USD target): Floe {:.4} \
         (ratio {:.3}, bound 0.25), Walrus shipped rule {:.4} (Floe/Walrus {:.2}), Walrus per-epoch rule {:.4}, \
         fixed FROST price {:.4}",
        out.rows.len(),
        s.std_log_wal,
        s.std_log_floe,
        s.stability_ratio(),
        s.std_log_walrus_shipped,
        s.std_log_floe / s.std_log_walrus_shipped,
        s.std_log_walrus,
        s.std_log_fixed
    );
    std::fs::write(&args.csv, sim::to_csv(&out))
        .with_context(|| format!("writing {}", args.csv.display()))?;
    super::sim_chart::write_charts(
        &out,
        "floe sim: the USD a builder pays vs WAL/USD",
        &args.png,
        &args.svg,
    )?;
    println!(
        "wrote {}, {} and {}",
        args.csv.display(),
        args.png.display(),
        args.svg.display()
    );
    Ok(())
}
