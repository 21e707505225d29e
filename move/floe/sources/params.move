/// The protocol's parameters. The governance issue makes the `set_*` functions votable; until
/// then they are fixed at creation.
module floe::params;

/// Number of shards is zero.
const EInvalidShardCount: u64 = 1;
/// A basis-point value above 10_000.
const EInvalidBps: u64 = 7;
/// A parameter outside its allowed range (zero duration, zero epochs ahead, zero cap...).
const EInvalidParameter: u64 = 52;

/// Basis points in one whole.
const BPS: u64 = 10_000;

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
    assert!(n_shards > 0, EInvalidShardCount);
    assert!((max_price_step_bps as u64) <= BPS, EInvalidBps);
    assert!((burn_bps as u64) <= BPS, EInvalidBps);
    assert!((max_commission_bps as u64) <= BPS, EInvalidBps);
    assert!(epoch_duration_ms > 0, EInvalidParameter);
    assert!(max_epochs_ahead > 0, EInvalidParameter);
    assert!(max_active_nodes > 0, EInvalidParameter);
    assert!(max_shards_per_node > 0, EInvalidParameter);
    assert!(min_stake > 0, EInvalidParameter);
    assert!(rate_window_samples > 0, EInvalidParameter);
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
    }
}

/// Defaults: 1000 shards, 14-day epochs, 53 epochs ahead, a 5% price step, 10% burn, 1 WAL
/// minimum stake, 50% commission cap, 100 nodes, 1000 shards per node, an hourly rate sample
/// and a window of the last 3 samples.
public fun default(): Params {
    new(
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
    )
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

/// Sets the minimum stake (governance).
public(package) fun set_min_stake(p: &mut Params, min_stake: u64) {
    assert!(min_stake > 0, EInvalidParameter);
    p.min_stake = min_stake;
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
}

#[test]
fun governance_setters() {
    let mut p = default();
    p.set_max_price_step_bps(0);
    p.set_burn_bps(10_000);
    p.set_min_stake(5);
    p.set_max_commission_bps(100);
    assert!(p.max_price_step_bps() == 0 && p.burn_bps() == 10_000);
    assert!(p.min_stake() == 5 && p.max_commission_bps() == 100);
}

#[test, expected_failure(abort_code = EInvalidShardCount)]
fun zero_shards_rejected() {
    new(0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1);
}

#[test, expected_failure(abort_code = EInvalidBps)]
fun bps_above_whole_rejected() {
    new(10, 1, 1, 10_001, 0, 1, 0, 1, 1, 0, 1);
}

#[test, expected_failure(abort_code = EInvalidParameter)]
fun zero_duration_rejected() {
    new(10, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1);
}

#[test, expected_failure(abort_code = EInvalidParameter)]
fun empty_rate_window_rejected() {
    new(10, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0);
}
