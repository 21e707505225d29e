//! `floe sim`: a what-if simulator of Floe's economy for operators, analysts and voters.
//!
//! Pure: [`run`] turns a [`SimConfig`] into per-epoch [`SimRow`]s and a [`SimSummary`];
//! [`to_csv`] turns them into bytes. The command line (file reading and writing, and the
//! chart, drawn with `plotters`) lives in `floe`'s `cli/sim.rs` and `cli/sim_chart.rs`.
//!
//! Each epoch is cut into `samples_per_epoch` sampling steps. At every step:
//! - WAL/USD takes its next value (a given path, or a seeded geometric random walk);
//! - every node reports the rate it sees (honest ones with a little noise, a configured
//!   fraction of liars a wildly wrong value); every `rate_sample_steps` the previous sample
//!   clamped into the reports' 2/3-quorum band ([`crate::wal_rate::next_rate`]) is pushed into a
//!   [`RateWindow`] of `rate_window_samples`, whose mean converts the epoch's USD price into
//!   FROST;
//! - builders buy storage for `purchase_epochs` epochs at the current FROST price, paying into
//!   the per-epoch pots, and pay write fees into the current pot.
//!
//! At each epoch boundary the USD prices of the next epoch are the quorum-below of the nodes'
//! USD votes, through the stability guard; the ended epoch is settled with
//! [`crate::settlement::settle`] (challenge pass rates drawn from each node's failure rate,
//! optionally with lying challengers), and each pool's stake compounds its rewards.
//!
//! Beside Floe's rule the run tracks three references: a **fixed FROST price** (the first
//! epoch's price, never changed), **Walrus's old rule** (each epoch the nodes vote FROST prices
//! retargeted from the spot rate they see, quorum-below, no guard) and **Walrus's shipped rule**
//! (walrus 1.56: each node's WAL price monitor is checked every `walrus_monitor_steps`; a node
//! whose retargeted FROST vote `ceil(target / rate)` differs from the on-chain price by more than
//! `walrus_vote_threshold_bps` sends it, and the quorum-below price is recomputed at once on that
//! vote, as `update_prices` does).
//!
//! Each node sees WAL/USD through its own feed: the spot of `i mod (feed_delay_steps + 1)` steps
//! ago with ±`rate_noise_bps` noise (liars: 10× the spot). Floe samples the committee's rate
//! (the band rule above) every `rate_sample_steps` and converts USD to FROST at the mean of the last
//! `rate_window_samples` samples, at once (Move's `sample_wal_usd_rate`).
//!
//! Floats appear only in the price path generation and in the reported statistics; every
//! amount of FROST is computed with the crate's integer rules.

use rust_decimal::Decimal;

use crate::model::committee::dhondt;
use crate::performance::{ChallengerResults, PerformanceCurve};
use crate::price::{guard, quorum_below, usd_to_frost, Vote};
use crate::settlement::{settle, SettlementInput, SettlementNode};
use crate::storage_cost::BYTES_PER_UNIT;
use crate::wal_rate::{next_rate, RateReport, RateWindow};
use crate::{Error, Result, FROST_PER_WAL, NANO_USD_PER_USD};

/// A small deterministic PRNG (SplitMix64), enough for simulation paths.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    pub fn next_normal(&mut self) -> f64 {
        let u1 = 1.0 - self.next_f64();
        let u2 = self.next_f64();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

/// A WAL/USD path (USD per WAL), one value per sampling step.
#[derive(Debug, Clone, PartialEq)]
pub enum WalPath {
    /// A driftless geometric random walk from `start` with `annual_volatility` (1.0 = 100%).
    Generated {
        /// PRNG seed.
        seed: u64,
        /// Starting rate, USD per WAL.
        start: f64,
        /// Annualised volatility of log returns.
        annual_volatility: f64,
    },
    /// Given values. With one value per epoch (or per epoch plus one) each is held for the
    /// whole epoch; otherwise there must be at least one value per sampling step.
    Given(Vec<f64>),
}

/// A sudden change of the nodes' USD storage-price votes, to show the guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoteShock {
    /// First epoch whose price is computed from the changed votes.
    pub epoch: u32,
    /// Share of the shards (bps) whose nodes change their vote (nodes taken in order).
    pub shards_bps: u16,
    /// Multiplier of their vote.
    pub factor: u64,
}

/// Everything a simulation run depends on.
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// Epochs simulated.
    pub epochs: u32,
    /// Sampling steps per epoch (rate reports, purchases).
    pub samples_per_epoch: u32,
    /// Epochs per year (26 for two-week epochs): scales volatility and APY.
    pub epochs_per_year: u32,
    /// The WAL/USD path.
    pub wal_usd: WalPath,
    /// Number of shards.
    pub n_shards: u16,
    /// Stake of each node, whole WAL.
    pub stakes_wal: Vec<u64>,
    /// Commission of every node (bps).
    pub commission_bps: u16,
    /// Share of challenges each node fails (bps); one value applies to all nodes.
    pub failure_rates_bps: Vec<u16>,
    /// Share of the challenger stake (bps, nodes from the end) reporting 0% for everyone.
    pub lying_challengers_bps: u16,
    /// Share of the shards (bps, nodes from the end) reporting a WAL/USD rate 10× off.
    pub lying_rate_reporters_bps: u16,
    /// Noise of honest rate reports (bps, uniform ±), drawn per node and step.
    pub rate_noise_bps: u16,
    /// Feed delay: node `i` sees the WAL/USD of `i % (feed_delay_steps + 1)` steps ago.
    pub feed_delay_steps: u32,
    /// Floe: the committee's rate is sampled every this many steps (`rate_sample_interval_ms`).
    pub rate_sample_steps: u32,
    /// Floe: samples averaged into the rate (`rate_window_samples`).
    pub rate_window_samples: u32,
    /// Walrus's shipped rule: steps between two checks of a node's WAL price monitor.
    pub walrus_monitor_steps: u32,
    /// Walrus's shipped rule: a node sends a new FROST vote only when it differs from the
    /// on-chain price by more than this (bps).
    pub walrus_vote_threshold_bps: u16,
    /// Target USD storage price the nodes vote, nano-USD per MiB per epoch.
    pub storage_nano_usd: u64,
    /// Target USD write price, nano-USD per MiB.
    pub write_nano_usd: u64,
    /// Storage units (MiB of encoded size) bought per epoch.
    pub demand_units_per_epoch: u64,
    /// Epochs each purchase covers.
    pub purchase_epochs: u32,
    /// Subsidy added to each epoch's pot, FROST.
    pub subsidy_frost_per_epoch: u64,
    /// Burn share of each pot (bps).
    pub burn_bps: u16,
    /// Stability guard: largest USD price move per epoch (bps), 0 = off.
    pub max_price_step_bps: u32,
    /// The performance curve.
    pub curve: PerformanceCurve,
    /// An optional vote shock.
    pub shock: Option<VoteShock>,
    /// Seed of everything random other than a generated path.
    pub seed: u64,
}

impl Default for SimConfig {
    /// 104 two-week epochs in 10-minute steps, 100% volatility from $0.40, 20 nodes, 1000
    /// shards; Floe samples the rate hourly and averages the last `rate_window_samples`;
    /// Walrus's shipped rule with its defaults (monitor every 10 minutes, 10% threshold).
    fn default() -> Self {
        SimConfig {
            epochs: 104,
            samples_per_epoch: STEPS_PER_EPOCH,
            epochs_per_year: 26,
            wal_usd: WalPath::Generated {
                seed: 1,
                start: 0.40,
                annual_volatility: 1.0,
            },
            n_shards: 1000,
            stakes_wal: (0..20).map(|i| 5_000_000 + 1_000_000 * i).collect(),
            commission_bps: 1000,
            failure_rates_bps: vec![100],
            lying_challengers_bps: 0,
            lying_rate_reporters_bps: 2000,
            rate_noise_bps: 50,
            feed_delay_steps: 1,
            rate_sample_steps: 6,
            rate_window_samples: DEFAULT_RATE_WINDOW_SAMPLES,
            walrus_monitor_steps: 1,
            walrus_vote_threshold_bps: 1000,
            storage_nano_usd: 10_000,
            write_nano_usd: 20_000,
            demand_units_per_epoch: 50_000_000,
            purchase_epochs: 26,
            subsidy_frost_per_epoch: 0,
            burn_bps: 500,
            max_price_step_bps: 1000,
            curve: PerformanceCurve::default(),
            shock: None,
            seed: 7,
        }
    }
}

/// Ten-minute steps in a two-week epoch (the resolution of Walrus's price monitor).
pub const STEPS_PER_EPOCH: u32 = 2016;

/// Floe's default rate window: the mean of the last 3 hourly samples (see `examples/price_stability.rs`).
pub const DEFAULT_RATE_WINDOW_SAMPLES: u32 = 3;

/// One pool's figures for an epoch.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolRow {
    /// Shards held.
    pub shards: u16,
    /// Active stake at the start of the epoch, FROST.
    pub stake: u64,
    /// Performance factor, bps.
    pub performance_bps: u16,
    /// Reward to stakers, FROST.
    pub staker_reward: u64,
    /// Commission, FROST.
    pub commission: u64,
    /// Compounded APY of the stakers' reward, as a fraction.
    pub apy: Option<Decimal>,
}

/// One epoch of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct SimRow {
    /// Epoch number (0-based).
    pub epoch: u32,
    /// Mean WAL/USD over the epoch's samples.
    pub wal_usd: f64,
    /// The USD storage price in force (nano-USD per MiB-epoch), after the guard.
    pub usd_price: u64,
    /// Mean FROST storage price charged over the epoch (per MiB-epoch).
    pub frost_price: u64,
    /// Mean USD a builder paid per MiB-epoch (nano-USD, FROST price × spot rate).
    pub usd_paid: f64,
    /// FROST price under a fixed FROST price.
    pub fixed_frost_price: u64,
    /// Mean USD paid per MiB-epoch under the fixed FROST price.
    pub fixed_usd_paid: f64,
    /// FROST price under Walrus's rule.
    pub walrus_frost_price: u64,
    /// Mean USD paid per MiB-epoch under Walrus's rule.
    pub walrus_usd_paid: f64,
    /// Mean USD paid per MiB-epoch under Walrus's shipped rule.
    pub walrus_shipped_usd_paid: f64,
    /// The epoch's pot, FROST.
    pub pot: u64,
    /// FROST burned by its settlement.
    pub burned: u64,
    /// FROST paid to pools.
    pub paid: u64,
    /// Per pool (node order).
    pub pools: Vec<PoolRow>,
}

/// Stability statistics over every sampling step of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimSummary {
    /// Standard deviation of `log(WAL_t / WAL_0)`.
    pub std_log_wal: f64,
    /// Standard deviation of `log(price paid in USD / USD price in force)` under Floe's rule.
    pub std_log_floe: f64,
    /// The same for a fixed FROST price (relative to the initial USD price).
    pub std_log_fixed: f64,
    /// The same for Walrus's old rule, FROST votes retargeted once per epoch (relative to
    /// the voted USD target).
    pub std_log_walrus: f64,
    /// The same for Walrus's shipped rule: per-node price monitors, votes sent past a
    /// threshold, the quorum price recomputed at each vote (relative to the voted USD target).
    pub std_log_walrus_shipped: f64,
}

impl SimSummary {
    /// `std_log_floe / std_log_wal` (the acceptance asks for at most 0.25).
    pub fn stability_ratio(&self) -> f64 {
        self.std_log_floe / self.std_log_wal
    }
}

/// The output of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct SimOutput {
    /// One row per epoch.
    pub rows: Vec<SimRow>,
    /// Stability statistics.
    pub summary: SimSummary,
    /// Every sampling step.
    pub samples: Vec<Sample>,
    /// WAL/USD at the start.
    pub wal0: f64,
}

/// One sampling step (prices per MiB-epoch in nano-USD).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// WAL/USD spot.
    pub wal_usd: f64,
    /// The USD price in force (Floe's target after the guard).
    pub usd_price: u64,
    /// What a builder pays in USD under Floe's rule.
    pub usd_paid: f64,
    /// What a builder pays in USD under a fixed FROST price.
    pub fixed_usd_paid: f64,
    /// What a builder pays in USD under Walrus's old rule (retargeted per epoch).
    pub walrus_usd_paid: f64,
    /// What a builder pays in USD under Walrus's shipped rule.
    pub walrus_shipped_usd_paid: f64,
}

fn std_dev(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    let m = xs.iter().sum::<f64>() / xs.len() as f64;
    (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / xs.len() as f64).sqrt()
}

/// Expands the configured path to one value per sampling step (`epochs × samples + 1`).
pub fn wal_path(cfg: &SimConfig) -> Result<Vec<f64>> {
    let steps = cfg.epochs as usize * cfg.samples_per_epoch as usize;
    let path = match &cfg.wal_usd {
        WalPath::Generated {
            seed,
            start,
            annual_volatility,
        } => {
            let mut rng = SplitMix64::new(*seed);
            let dt = 1.0 / (cfg.epochs_per_year as f64 * cfg.samples_per_epoch as f64);
            let sigma = annual_volatility * dt.sqrt();
            let mut v = Vec::with_capacity(steps + 1);
            let mut x = *start;
            v.push(x);
            for _ in 0..steps {
                x *= (sigma * rng.next_normal()).exp();
                v.push(x);
            }
            v
        }
        WalPath::Given(vals) => {
            let e = cfg.epochs as usize;
            if vals.len() == e || vals.len() == e + 1 {
                let mut v: Vec<f64> = Vec::with_capacity(steps + 1);
                for x in &vals[..e] {
                    for _ in 0..cfg.samples_per_epoch {
                        v.push(*x);
                    }
                }
                v.push(*vals.last().unwrap_or(&1.0));
                v
            } else if vals.len() > steps {
                vals[..=steps].to_vec()
            } else {
                return Err(Error::EWrongLength);
            }
        }
    };
    if path.iter().any(|x| !x.is_finite() || *x <= 0.0) {
        return Err(Error::EInvalidRate);
    }
    Ok(path)
}

fn nano_usd(usd: f64) -> u64 {
    (usd * NANO_USD_PER_USD as f64).round().max(1.0) as u64
}

/// Runs a simulation. Refuses an empty node set or zero epochs/samples (`EInvalidParameter`),
/// a bad path (`EWrongLength`, `EInvalidRate`), and the refusals of the rules it applies.
pub fn run(cfg: &SimConfig) -> Result<SimOutput> {
    let n_nodes = cfg.stakes_wal.len();
    if n_nodes == 0 || cfg.epochs == 0 || cfg.samples_per_epoch == 0 || cfg.n_shards == 0 {
        return Err(Error::EInvalidParameter);
    }
    if cfg.purchase_epochs == 0 || cfg.failure_rates_bps.is_empty() {
        return Err(Error::EInvalidParameter);
    }
    if cfg.rate_sample_steps == 0 || cfg.rate_window_samples == 0 || cfg.walrus_monitor_steps == 0 {
        return Err(Error::EInvalidParameter);
    }
    let path = wal_path(cfg)?;
    let mut rng = SplitMix64::new(cfg.seed);
    let spe = cfg.samples_per_epoch as usize;
    let n_shards = cfg.n_shards as u64;

    let mut stake: Vec<u64> = cfg
        .stakes_wal
        .iter()
        .map(|w| w.checked_mul(FROST_PER_WAL).ok_or(Error::EOverflow))
        .collect::<Result<_>>()?;
    let failure = |i: usize| {
        *cfg.failure_rates_bps
            .get(i)
            .unwrap_or(&cfg.failure_rates_bps[0])
    };

    // Which nodes lie (taken from the end until the share is reached).
    let liars = |share_bps: u16, weights: &[u64]| -> Vec<bool> {
        let total: u128 = weights.iter().map(|w| *w as u128).sum();
        let mut acc = 0u128;
        let mut v = vec![false; weights.len()];
        for i in (0..weights.len()).rev() {
            if (acc + weights[i] as u128) * 10_000 <= total * share_bps as u128 {
                acc += weights[i] as u128;
                v[i] = true;
            }
        }
        v
    };

    let ring = cfg.purchase_epochs as usize + 1;
    let mut pots: Vec<u64> = vec![0; cfg.epochs as usize + ring];
    let mut window = RateWindow::new(cfg.rate_window_samples as usize);
    // Walrus's shipped rule: each node's FROST vote, and the quorum price they give.
    let mut shipped_votes: Vec<u64> = Vec::new();
    let mut shipped_price = 0u64;
    let mut usd_prev: Option<u64> = None;
    let mut rows = Vec::with_capacity(cfg.epochs as usize);
    let (mut logs_wal, mut logs_floe, mut logs_fixed, mut logs_walrus, mut logs_shipped) =
        (vec![], vec![], vec![], vec![], vec![]);
    let delay = |i: usize| i % (cfg.feed_delay_steps as usize + 1);
    let wal0 = path[0];
    let mut fixed_frost = 0u64;
    let mut samples = Vec::with_capacity(cfg.epochs as usize * spe);

    for e in 0..cfg.epochs {
        let shards = dhondt(&stake, cfg.n_shards)?;
        let rate_liars = liars(
            cfg.lying_rate_reporters_bps,
            &shards.iter().map(|s| *s as u64).collect::<Vec<_>>(),
        );
        // USD votes for this epoch.
        let shocked = cfg.shock.filter(|s| e >= s.epoch).map(|s| {
            (
                liars(
                    s.shards_bps,
                    &shards.iter().rev().map(|x| *x as u64).collect::<Vec<_>>(),
                ),
                s.factor,
            )
        });
        let vote_of = |i: usize| -> u64 {
            match &shocked {
                // `liars` marks from the end; reversed input marks from the start.
                Some((marked, f)) if marked[n_nodes - 1 - i] => {
                    cfg.storage_nano_usd.saturating_mul(*f)
                }
                _ => cfg.storage_nano_usd,
            }
        };
        let votes: Vec<Vote> = (0..n_nodes)
            .filter(|i| shards[*i] > 0)
            .map(|i| Vote::new(vote_of(i), shards[i] as u64))
            .collect();
        let usd_target = quorum_below(&votes, n_shards)?;
        let usd_price = guard(usd_prev, usd_target, cfg.max_price_step_bps);
        usd_prev = Some(usd_price);
        let write_usd = cfg.write_nano_usd;

        // Walrus's rule: FROST votes retargeted from each node's spot view at the epoch start.
        let spot0 = path[e as usize * spe];
        let walrus_votes: Vec<Vote> = (0..n_nodes)
            .filter(|i| shards[*i] > 0)
            .map(|i| {
                let seen = if rate_liars[i] { spot0 * 10.0 } else { spot0 };
                Ok(Vote::new(
                    usd_to_frost(vote_of(i), nano_usd(seen))?,
                    shards[i] as u64,
                ))
            })
            .collect::<Result<_>>()?;
        let walrus_frost = quorum_below(&walrus_votes, n_shards)?;

        let (mut sum_frost, mut sum_paid, mut sum_fixed, mut sum_walrus, mut sum_wal) =
            (0u128, 0.0, 0.0, 0.0, 0.0);
        let mut sum_shipped = 0.0;
        let shipped_weights: Vec<u64> = shards.iter().map(|s| *s as u64).collect();
        for k in 0..spe {
            let t = e as usize * spe + k + 1;
            let spot = path[t];
            // What each node's price feed shows now: its own delay and noise, or a lie.
            let seen: Vec<f64> = (0..n_nodes)
                .map(|i| {
                    let noise =
                        1.0 + (rng.next_f64() * 2.0 - 1.0) * cfg.rate_noise_bps as f64 / 10_000.0;
                    if rate_liars[i] {
                        spot * 10.0
                    } else {
                        path[t - delay(i).min(t)] * noise
                    }
                })
                .collect();
            // Floe: the committee's rate sampled every `rate_sample_steps`.
            if window.is_empty() || t.is_multiple_of(cfg.rate_sample_steps as usize) {
                let reports: Vec<RateReport> = (0..n_nodes)
                    .filter(|i| shards[*i] > 0)
                    .map(|i| RateReport {
                        rate: nano_usd(seen[i]),
                        weight: shards[i] as u64,
                    })
                    .collect();
                let previous = window.last().unwrap_or_else(|| nano_usd(wal0));
                window.push(next_rate(previous, &reports, n_shards)?);
            }
            let rate = window.average().ok_or(Error::EInvalidRate)?;
            // Walrus's shipped rule: every monitor check, a node whose retargeted FROST vote
            // differs from the on-chain price by more than the threshold sends it, and the
            // quorum price is recomputed at once.
            if shipped_votes.is_empty() {
                shipped_votes = (0..n_nodes)
                    .map(|i| usd_to_frost(vote_of(i), nano_usd(seen[i])))
                    .collect::<Result<_>>()?;
                shipped_price = shipped_quorum(&shipped_votes, &shipped_weights, n_shards)?;
            } else if t.is_multiple_of(cfg.walrus_monitor_steps as usize) {
                for i in 0..n_nodes {
                    let v = usd_to_frost(vote_of(i), nano_usd(seen[i]))?;
                    let diff = v.abs_diff(shipped_price) as u128;
                    if diff * 10_000 > shipped_price as u128 * cfg.walrus_vote_threshold_bps as u128
                    {
                        shipped_votes[i] = v;
                        shipped_price = shipped_quorum(&shipped_votes, &shipped_weights, n_shards)?;
                    }
                }
            }
            let frost_price = usd_to_frost(usd_price, rate)?;
            if fixed_frost == 0 {
                fixed_frost = usd_to_frost(cfg.storage_nano_usd, nano_usd(wal0))?;
            }
            // Purchases at this step, paid into the pots of the epochs they cover.
            let units = cfg.demand_units_per_epoch / spe as u64
                + u64::from((k as u64) < cfg.demand_units_per_epoch % spe as u64);
            let per_epoch = units.checked_mul(frost_price).ok_or(Error::EOverflow)?;
            for j in 0..cfg.purchase_epochs as usize {
                pots[e as usize + j] = pots[e as usize + j]
                    .checked_add(per_epoch)
                    .ok_or(Error::EOverflow)?;
            }
            let write_fee = units
                .checked_mul(usd_to_frost(write_usd, rate)?)
                .ok_or(Error::EOverflow)?;
            pots[e as usize] = pots[e as usize]
                .checked_add(write_fee)
                .ok_or(Error::EOverflow)?;

            let paid = frost_price as f64 * spot; // nano-USD per unit-epoch
            let fixed_paid = fixed_frost as f64 * spot;
            let walrus_paid = walrus_frost as f64 * spot;
            let shipped_paid = shipped_price as f64 * spot;
            logs_wal.push((spot / wal0).ln());
            logs_floe.push((paid / usd_price as f64).ln());
            logs_fixed.push((fixed_paid / cfg.storage_nano_usd as f64).ln());
            logs_walrus.push((walrus_paid / usd_target as f64).ln());
            logs_shipped.push((shipped_paid / usd_target as f64).ln());
            samples.push(Sample {
                wal_usd: spot,
                usd_price,
                usd_paid: paid,
                fixed_usd_paid: fixed_paid,
                walrus_usd_paid: walrus_paid,
                walrus_shipped_usd_paid: shipped_paid,
            });
            sum_frost += frost_price as u128;
            sum_paid += paid;
            sum_fixed += fixed_paid;
            sum_walrus += walrus_paid;
            sum_shipped += shipped_paid;
            sum_wal += spot;
        }

        // Settle the epoch.
        let pot = pots[e as usize]
            .checked_add(cfg.subsidy_frost_per_epoch)
            .ok_or(Error::EOverflow)?;
        let nodes: Vec<SettlementNode> = (0..n_nodes)
            .map(|i| {
                let mut id = [0u8; 32];
                id[24..].copy_from_slice(&(i as u64).to_be_bytes());
                SettlementNode {
                    pool_id: id,
                    shards: shards[i],
                    stored_bytes: BYTES_PER_UNIT,
                    commission_bps: cfg.commission_bps,
                }
            })
            .collect();
        let true_rates: Vec<u16> = (0..n_nodes)
            .map(|i| {
                let f = failure(i) as f64 * (0.5 + rng.next_f64());
                (10_000.0 - f).clamp(0.0, 10_000.0).round() as u16
            })
            .collect();
        let ch_liars = liars(cfg.lying_challengers_bps, &stake);
        let challengers: Vec<ChallengerResults> = (0..n_nodes)
            .map(|j| ChallengerResults {
                stake: stake[j],
                results: Some(if ch_liars[j] {
                    vec![0; n_nodes]
                } else {
                    true_rates.clone()
                }),
            })
            .collect();
        let s = settle(&SettlementInput {
            epoch: e,
            pot,
            burn_bps: cfg.burn_bps,
            curve: cfg.curve,
            nodes: &nodes,
            challengers: &challengers,
        })?;
        let pools: Vec<PoolRow> = (0..n_nodes)
            .map(|i| {
                let r = &s.rewards.nodes[i];
                PoolRow {
                    shards: shards[i],
                    stake: stake[i],
                    performance_bps: s.performance_bps[i],
                    staker_reward: r.staker_reward,
                    commission: r.commission,
                    apy: crate::rewards::apy(r.staker_reward, stake[i], cfg.epochs_per_year),
                }
            })
            .collect();
        for (i, r) in s.rewards.nodes.iter().enumerate() {
            stake[i] = stake[i]
                .checked_add(r.staker_reward)
                .ok_or(Error::EOverflow)?;
        }
        let n = spe as f64;
        rows.push(SimRow {
            epoch: e,
            wal_usd: sum_wal / n,
            usd_price,
            frost_price: (sum_frost / spe as u128) as u64,
            usd_paid: sum_paid / n,
            fixed_frost_price: fixed_frost,
            fixed_usd_paid: sum_fixed / n,
            walrus_frost_price: walrus_frost,
            walrus_usd_paid: sum_walrus / n,
            walrus_shipped_usd_paid: sum_shipped / n,
            pot,
            burned: s.header.burned,
            paid: s.header.paid,
            pools,
        });
    }
    let summary = SimSummary {
        std_log_wal: std_dev(&logs_wal),
        std_log_floe: std_dev(&logs_floe),
        std_log_fixed: std_dev(&logs_fixed),
        std_log_walrus: std_dev(&logs_walrus),
        std_log_walrus_shipped: std_dev(&logs_shipped),
    };
    Ok(SimOutput {
        rows,
        summary,
        samples,
        wal0,
    })
}

/// The quorum-below price of the votes of the nodes holding shards.
fn shipped_quorum(votes: &[u64], weights: &[u64], n_shards: u64) -> Result<u64> {
    let v: Vec<Vote> = votes
        .iter()
        .zip(weights)
        .filter(|(_, w)| **w > 0)
        .map(|(v, w)| Vote::new(*v, *w))
        .collect();
    quorum_below(&v, n_shards)
}

/// The per-epoch table as CSV (header line first; USD amounts in USD, FROST as integers).
pub fn to_csv(out: &SimOutput) -> String {
    let n_pools = out.rows.first().map_or(0, |r| r.pools.len());
    let mut s = String::from(
        "epoch,wal_usd,usd_price_per_mib_epoch,frost_price_per_mib_epoch,usd_paid_per_mib_epoch,\
fixed_frost_price,fixed_usd_paid,walrus_frost_price,walrus_usd_paid,walrus_shipped_usd_paid,pot_frost,burned_frost,paid_frost",
    );
    for p in 0..n_pools {
        s.push_str(&format!(",pool{p}_shards,pool{p}_stake_frost,pool{p}_perf_bps,pool{p}_reward_frost,pool{p}_commission_frost,pool{p}_apy"));
    }
    s.push('\n');
    let usd = |nano: f64| nano / NANO_USD_PER_USD as f64;
    for r in &out.rows {
        s.push_str(&format!(
            "{},{:.6},{:.9},{},{:.9},{},{:.9},{},{:.9},{:.9},{},{},{}",
            r.epoch,
            r.wal_usd,
            usd(r.usd_price as f64),
            r.frost_price,
            usd(r.usd_paid),
            r.fixed_frost_price,
            usd(r.fixed_usd_paid),
            r.walrus_frost_price,
            usd(r.walrus_usd_paid),
            usd(r.walrus_shipped_usd_paid),
            r.pot,
            r.burned,
            r.paid
        ));
        for p in &r.pools {
            let apy = p.apy.map(|a| a.to_string()).unwrap_or_default();
            s.push_str(&format!(
                ",{},{},{},{},{},{}",
                p.shards, p.stake, p.performance_bps, p.staker_reward, p.commission, apy
            ));
        }
        s.push('\n');
    }
    s
}

/// Parses a WAL/USD CSV: one rate (USD per WAL) per line, or the last comma-separated field of
/// each line; a first line that is not a number is taken as a header. Refuses an empty or
/// non-positive path (`EInvalidRate`).
pub fn parse_wal_csv(text: &str) -> Result<Vec<f64>> {
    let mut v = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let field = line.rsplit(',').next().unwrap_or(line).trim();
        match field.parse::<f64>() {
            Ok(x) if x.is_finite() && x > 0.0 => v.push(x),
            Err(_) if i == 0 => continue,
            _ => return Err(Error::EInvalidRate),
        }
    }
    if v.is_empty() {
        return Err(Error::EInvalidRate);
    }
    Ok(v)
}
