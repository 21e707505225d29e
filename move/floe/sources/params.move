/// The protocol's parameters. The governance issue makes the `set_*` functions votable; until
/// then they are fixed at creation.
///
/// Every parameter is bounded so that no value can stall a shared path: counts that size a
/// loop or a vector of the `System` object have a hard maximum (the limits are in
/// `move/README.md`, "Per-transaction limits"), intervals and durations are never zero and
/// basis points never exceed a whole.
module floe::params;

/// Number of shards is zero.
const EInvalidShardCount: u64 = 1;
/// A basis-point value above 10_000.
const EInvalidBps: u64 = 7;
/// A parameter outside its allowed range (zero duration, zero epochs ahead, zero cap...).
const EInvalidParameter: u64 = 52;

/// Basis points in one whole.
const BPS: u64 = 10_000;

/// Most shards a system may have: the committee's shard lists (2 bytes a shard, held twice in
/// the `System` while the next committee is selected) stay far below Sui's object size limit.
const MAX_N_SHARDS: u16 = 4096;
/// Most epochs storage can be bought ahead (the pot ring buffer's length).
const MAX_EPOCHS_AHEAD: u32 = 1000;
/// Most candidates the active set may hold: what one epoch change or committee selection may
/// touch, far below Sui's 1,000 objects and 1,024 events per transaction.
const MAX_CANDIDATES: u64 = 250;
/// Most samples the WAL/USD rate window may hold.
const MAX_RATE_WINDOW_SAMPLES: u64 = 1000;
/// Default cap on the active set (candidates considered for the committee).
const DEFAULT_MAX_CANDIDATES: u64 = 200;

public struct Params has copy, drop, store {
    /// Shards of the committee (Walrus mainnet: 1000).
    n_shards: u16,
    /// Length of an epoch on the `Clock`, in milliseconds.
    epoch_duration_ms: u64,
    /// How many epochs ahead storage can be bought (the size of the pot ring buffer).
    max_epochs_ahead: u32,
    /// Stability guard: largest move of a USD price from one epoch to the next (0 = off).
    max_price_step_bps: u16,
    /// Share of each ending epoch's pot that is burned.
    burn_bps: u16,
    /// Smallest stake accepted by `stake`, in FROST.
    min_stake: u64,
    /// Highest commission rate a node may set.
    max_commission_bps: u16,
    /// Largest number of nodes in the committee (the active set cap).
    max_active_nodes: u64,
    /// Largest number of shards one node may hold.
    max_shards_per_node: u16,
    /// Smallest time between two samples of the committee's WAL/USD rate.
    rate_sample_interval_ms: u64,
    /// Samples in the WAL/USD rate window whose mean prices storage in FROST (3 hourly samples:
    /// the rate follows WAL within hours; `floe sim` and `economics/README.md` show why).
    rate_window_samples: u64,
    /// Stake (FROST, for the next epoch) a node needs to be a candidate for the committee.
    min_candidate_stake: u64,
    /// Most candidates in the active set; a bigger stake displaces the smallest when it is full.
    max_candidates: u64,
}

/// Checked constructor.
public fun new(
    n_shards: u16,
    epoch_duration_ms: u64,
    max_epochs_ahead: u32,
    max_price_step_bps: u16,
    burn_bps: u16,
    min_stake: u64,
    max_commission_bps: u16,
    max_active_nodes: u64,
    max_shards_per_node: u16,
    rate_sample_interval_ms: u64,
    rate_window_samples: u64,
): Params {
    assert!(n_shards > 0 && n_shards <= MAX_N_SHARDS, EInvalidShardCount);
    assert!((max_price_step_bps as u64) <= BPS, EInvalidBps);
    assert!((burn_bps as u64) <= BPS, EInvalidBps);
    assert!((max_commission_bps as u64) <= BPS, EInvalidBps);
    assert!(epoch_duration_ms > 0, EInvalidParameter);
    assert!(max_epochs_ahead > 0 && max_epochs_ahead <= MAX_EPOCHS_AHEAD, EInvalidParameter);
    assert!(
        max_active_nodes > 0 && max_active_nodes <= DEFAULT_MAX_CANDIDATES,
        EInvalidParameter,
    );
    assert!(max_shards_per_node > 0 && max_shards_per_node <= n_shards, EInvalidParameter);
    assert!(min_stake > 0, EInvalidParameter);
    assert!(rate_sample_interval_ms > 0, EInvalidParameter);
    assert!(
        rate_window_samples > 0 && rate_window_samples <= MAX_RATE_WINDOW_SAMPLES,
        EInvalidParameter,
    );
    Params {
        n_shards,
        epoch_duration_ms,
        max_epochs_ahead,
        max_price_step_bps,
        burn_bps,
        min_stake,
        max_commission_bps,
        max_active_nodes,
        max_shards_per_node,
        rate_sample_interval_ms,
        rate_window_samples,
        min_candidate_stake: min_stake,
        max_candidates: DEFAULT_MAX_CANDIDATES,
    }
}

/// `p` with its candidacy rules: the stake a candidate needs (at least `min_stake`) and the
/// active set's cap (at least `max_active_nodes`, at most 250). `new` sets `min_stake` and 200.
public fun with_candidacy(mut p: Params, min_candidate_stake: u64, max_candidates: u64): Params {
    p.set_candidacy(min_candidate_stake, max_candidates);
    p
}

/// Defaults: 1000 shards, 14-day epochs, 53 epochs ahead, a 5% price step, 10% burn, 1 WAL
/// minimum stake, 50% commission cap, 100 nodes, 1000 shards per node, an hourly rate sample,
/// a window of the last 3 samples, and candidates with at least 10,000 WAL, 200 at most.
public fun default(): Params {
    let p = new(
        1000,
        14 * 24 * 3600 * 1000,
        53,
        500,
        1000,
        1_000_000_000,
        5000,
        100,
        1000,
        3600 * 1000,
        3,
    );
    p.with_candidacy(10_000 * 1_000_000_000, DEFAULT_MAX_CANDIDATES)
}

public fun n_shards(p: &Params): u16 { p.n_shards }

public fun epoch_duration_ms(p: &Params): u64 { p.epoch_duration_ms }

public fun max_epochs_ahead(p: &Params): u32 { p.max_epochs_ahead }

public fun max_price_step_bps(p: &Params): u16 { p.max_price_step_bps }

public fun burn_bps(p: &Params): u16 { p.burn_bps }

public fun min_stake(p: &Params): u64 { p.min_stake }

public fun max_commission_bps(p: &Params): u16 { p.max_commission_bps }

public fun max_active_nodes(p: &Params): u64 { p.max_active_nodes }

public fun max_shards_per_node(p: &Params): u16 { p.max_shards_per_node }

public fun rate_sample_interval_ms(p: &Params): u64 { p.rate_sample_interval_ms }

public fun rate_window_samples(p: &Params): u64 { p.rate_window_samples }

public fun min_candidate_stake(p: &Params): u64 { p.min_candidate_stake }

public fun max_candidates(p: &Params): u64 { p.max_candidates }

/// Sets the stability guard (governance).
public(package) fun set_max_price_step_bps(p: &mut Params, bps: u16) {
    assert!((bps as u64) <= BPS, EInvalidBps);
    p.max_price_step_bps = bps;
}

/// Sets the burn share (governance).
public(package) fun set_burn_bps(p: &mut Params, bps: u16) {
    assert!((bps as u64) <= BPS, EInvalidBps);
    p.burn_bps = bps;
}

/// Sets the minimum stake (governance); at most the candidacy stake.
public(package) fun set_min_stake(p: &mut Params, min_stake: u64) {
    assert!(min_stake > 0 && min_stake <= p.min_candidate_stake, EInvalidParameter);
    p.min_stake = min_stake;
}

/// Sets the WAL/USD rate sampling (governance): a non-zero interval and a window of 1 to
/// 1,000 samples (a shorter window drops its oldest samples at the next sample).
public(package) fun set_rate_sampling(p: &mut Params, interval_ms: u64, window_samples: u64) {
    assert!(interval_ms > 0, EInvalidParameter);
    assert!(window_samples > 0 && window_samples <= MAX_RATE_WINDOW_SAMPLES, EInvalidParameter);
    p.rate_sample_interval_ms = interval_ms;
    p.rate_window_samples = window_samples;
}

/// Sets the candidacy rules (governance): `min_candidate_stake >= min_stake` and
/// `max_active_nodes <= max_candidates <= 250`.
public(package) fun set_candidacy(p: &mut Params, min_candidate_stake: u64, max_candidates: u64) {
    assert!(min_candidate_stake >= p.min_stake, EInvalidParameter);
    assert!(
        max_candidates >= p.max_active_nodes && max_candidates <= MAX_CANDIDATES,
        EInvalidParameter,
    );
    p.min_candidate_stake = min_candidate_stake;
    p.max_candidates = max_candidates;
}

/// Sets the commission cap (governance).
public(package) fun set_max_commission_bps(p: &mut Params, bps: u16) {
    assert!((bps as u64) <= BPS, EInvalidBps);
    p.max_commission_bps = bps;
}

#[test]
fun defaults_are_valid() {
    let p = default();
    assert!(p.n_shards() == 1000);
    assert!(p.min_stake() == 1_000_000_000);
    assert!(p.max_epochs_ahead() == 53);
    assert!(p.rate_window_samples() == 3);
    assert!(p.rate_sample_interval_ms() == 3600 * 1000);
    assert!(p.min_candidate_stake() == 10_000 * 1_000_000_000 && p.max_candidates() == 200);
}

#[test]
fun governance_setters() {
    let mut p = default();
    p.set_max_price_step_bps(0);
    p.set_burn_bps(10_000);
    p.set_min_stake(5);
    p.set_max_commission_bps(100);
    p.set_candidacy(5, 250);
    assert!(p.min_candidate_stake() == 5 && p.max_candidates() == 250);
    p.set_rate_sampling(600_000, 6);
    assert!(p.rate_sample_interval_ms() == 600_000 && p.rate_window_samples() == 6);
    assert!(p.max_price_step_bps() == 0 && p.burn_bps() == 10_000);
    assert!(p.min_stake() == 5 && p.max_commission_bps() == 100);
}

#[test, expected_failure(abort_code = EInvalidShardCount)]
fun zero_shards_rejected() {
    new(0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 1);
}

#[test, expected_failure(abort_code = EInvalidBps)]
fun bps_above_whole_rejected() {
    new(10, 1, 1, 10_001, 0, 1, 0, 1, 1, 1, 1);
}

#[test, expected_failure(abort_code = EInvalidParameter)]
fun zero_duration_rejected() {
    new(10, 0, 1, 0, 0, 1, 0, 1, 1, 1, 1);
}

#[test, expected_failure(abort_code = EInvalidParameter)]
fun empty_rate_window_rejected() {
    new(10, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0);
}

#[test, expected_failure(abort_code = EInvalidParameter)]
/// A zero sample interval would let anyone fill the rate window in one transaction.
fun zero_sample_interval_rejected() {
    new(10, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1);
}

#[test, expected_failure(abort_code = EInvalidParameter)]
fun governed_zero_sample_interval_rejected() {
    let mut p = default();
    p.set_rate_sampling(0, 3);
}

#[test, expected_failure(abort_code = EInvalidShardCount)]
fun too_many_shards_rejected() {
    new(MAX_N_SHARDS + 1, 1, 1, 0, 0, 1, 0, 1, 1, 1, 1);
}

#[test, expected_failure(abort_code = EInvalidParameter)]
fun oversized_rate_window_rejected() {
    new(10, 1, 1, 0, 0, 1, 0, 1, 1, 1, MAX_RATE_WINDOW_SAMPLES + 1);
}

#[test, expected_failure(abort_code = EInvalidParameter)]
fun too_many_epochs_ahead_rejected() {
    new(10, 1, MAX_EPOCHS_AHEAD + 1, 0, 0, 1, 0, 1, 1, 1, 1);
}

#[test, expected_failure(abort_code = EInvalidParameter)]
fun shard_cap_above_shards_rejected() {
    new(10, 1, 1, 0, 0, 1, 0, 1, 11, 1, 1);
}

#[test, expected_failure(abort_code = EInvalidParameter)]
fun candidacy_below_min_stake_rejected() {
    new(10, 1, 1, 0, 0, 5, 0, 1, 1, 1, 1).with_candidacy(4, 10);
}

#[test, expected_failure(abort_code = EInvalidParameter)]
fun candidate_cap_above_maximum_rejected() {
    new(10, 1, 1, 0, 0, 5, 0, 1, 1, 1, 1).with_candidacy(5, MAX_CANDIDATES + 1);
}

#[test, expected_failure(abort_code = EInvalidParameter)]
fun candidate_cap_below_active_set_rejected() {
    new(10, 1, 1, 0, 0, 5, 0, 4, 1, 1, 1).with_candidacy(5, 3);
}
