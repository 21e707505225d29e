/// The protocol's parameters. Fixed at creation, then changed only by governance
/// (`apply_change`, through `floe::governance` proposals), which checks every bound.
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
/// A performance curve whose thresholds are not ordered (`zero_below <= full_at <= 10_000`).
const EInvalidCurve: u64 = 8;
/// A parameter outside its allowed range (zero duration, zero epochs ahead, zero cap...), or
/// a governed change naming no parameter or with the wrong number of values.
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
/// Most challenges per shard and epoch (the nodes' work, not the chain's).
const MAX_CHALLENGES_PER_SHARD: u32 = 1000;
/// Longest challenge window: a week.
const MAX_CHALLENGE_WINDOW_MS: u64 = 7 * 24 * 3600 * 1000;
/// Longest settlement fallback delay, voting period and timelock, in epochs.
const MAX_GOVERNANCE_EPOCHS: u32 = 100;
/// Smallest approval threshold: a proposal needs more than half of the votes cast.
const MIN_GOV_THRESHOLD_BPS: u16 = 5000;

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
    /// Storage challenges per shard and epoch (what each node asks of each shard's holder).
    challenges_per_shard: u32,
    /// How long after the epoch's challenge seed the nodes have to answer; during it they
    /// refuse recovery of challenged blobs to other committee members.
    challenge_window_ms: u64,
    /// Epochs after an epoch's end from which anyone may pay its pot by base weight if no
    /// settlement was certified. `0` (genesis only): no settlement round, the epoch change
    /// pays the pot by shards at once.
    settlement_fallback_epochs: u32,
    /// Performance curve: pass rates below this earn nothing.
    curve_zero_below_bps: u16,
    /// Performance curve: pass rates at or above this earn the full reward.
    curve_full_at_bps: u16,
    /// Governance: share of the eligible stake that must vote.
    gov_quorum_bps: u16,
    /// Governance: share of the votes cast that must approve (strictly more than).
    gov_threshold_bps: u16,
    /// Governance: voting period, in epochs.
    gov_voting_epochs: u32,
    /// Governance: delay between the end of voting and execution, in epochs.
    gov_timelock_epochs: u32,
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
        challenges_per_shard: 10,
        challenge_window_ms: 6 * 3600 * 1000,
        settlement_fallback_epochs: 2,
        curve_zero_below_bps: 5000,
        curve_full_at_bps: 9500,
        gov_quorum_bps: 3334,
        gov_threshold_bps: 5000,
        gov_voting_epochs: 2,
        gov_timelock_epochs: 1,
    }
}

/// `p` with `settlement_fallback_epochs` (0 to 100; 0 pays each pot by shards at the epoch
/// change, with no settlement round: only at creation).
public fun with_settlement_fallback(mut p: Params, epochs: u32): Params {
    assert!(epochs <= MAX_GOVERNANCE_EPOCHS, EInvalidParameter);
    p.settlement_fallback_epochs = epochs;
    p
}

/// `p` with the voting rules (quorum 1 to 10,000 bps of the eligible stake, threshold 5,000
/// to 10,000 bps of the votes cast, 1 to 100 voting epochs, 0 to 100 timelock epochs).
public fun with_voting(
    mut p: Params,
    quorum_bps: u16,
    threshold_bps: u16,
    voting_epochs: u32,
    timelock_epochs: u32,
): Params {
    p.set_voting(quorum_bps, threshold_bps, voting_epochs, timelock_epochs);
    p
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

public fun challenges_per_shard(p: &Params): u32 { p.challenges_per_shard }

public fun challenge_window_ms(p: &Params): u64 { p.challenge_window_ms }

public fun settlement_fallback_epochs(p: &Params): u32 { p.settlement_fallback_epochs }

public fun curve_zero_below_bps(p: &Params): u16 { p.curve_zero_below_bps }

public fun curve_full_at_bps(p: &Params): u16 { p.curve_full_at_bps }

public fun gov_quorum_bps(p: &Params): u16 { p.gov_quorum_bps }

public fun gov_threshold_bps(p: &Params): u16 { p.gov_threshold_bps }

public fun gov_voting_epochs(p: &Params): u32 { p.gov_voting_epochs }

public fun gov_timelock_epochs(p: &Params): u32 { p.gov_timelock_epochs }

// === Governed changes ===

/// Applies the governed change `parameter` = `values` (names and value lists as in
/// `ProposalCreated`: `max_price_step_bps`, `burn_bps`, `curve` [zero_below, full_at],
/// `challenges_per_shard`, `min_stake`, `commission_cap_bps`, `settlement_fallback_epochs`,
/// `rate_window_samples`, `candidacy` [min_candidate_stake, max_candidates],
/// `challenge_window_ms`, `voting` [quorum, threshold, voting epochs, timelock epochs]).
/// Aborts with `EInvalidParameter` for an unknown name, a wrong number of values or a value
/// out of bounds, and `EInvalidCurve` for an unordered curve: the reference model's refusals.
public(package) fun apply_change(
    p: &mut Params,
    parameter: &std::string::String,
    values: &vector<u64>,
) {
    let name = parameter.as_bytes();
    let want = if (name == b"curve" || name == b"candidacy") 2
    else if (name == b"voting") 4
    else 1;
    assert!(values.length() == want, EInvalidParameter);
    let v = values[0];
    if (name == b"max_price_step_bps") {
        assert!(v <= BPS, EInvalidParameter);
        p.max_price_step_bps = v as u16;
    } else if (name == b"burn_bps") {
        assert!(v <= BPS, EInvalidParameter);
        p.burn_bps = v as u16;
    } else if (name == b"curve") {
        let full = values[1];
        assert!(v <= 0xFFFF && full <= 0xFFFF, EInvalidParameter);
        assert!(v <= full && full <= BPS, EInvalidCurve);
        p.curve_zero_below_bps = v as u16;
        p.curve_full_at_bps = full as u16;
    } else if (name == b"challenges_per_shard") {
        assert!(v > 0 && v <= (MAX_CHALLENGES_PER_SHARD as u64), EInvalidParameter);
        p.challenges_per_shard = v as u32;
    } else if (name == b"min_stake") {
        assert!(v > 0 && v <= p.min_candidate_stake, EInvalidParameter);
        p.min_stake = v;
    } else if (name == b"commission_cap_bps") {
        assert!(v <= BPS, EInvalidParameter);
        p.max_commission_bps = v as u16;
    } else if (name == b"settlement_fallback_epochs") {
        // 0 would switch proof-weighted settlement off.
        assert!(v > 0 && v <= (MAX_GOVERNANCE_EPOCHS as u64), EInvalidParameter);
        p.settlement_fallback_epochs = v as u32;
    } else if (name == b"rate_window_samples") {
        assert!(v > 0 && v <= MAX_RATE_WINDOW_SAMPLES, EInvalidParameter);
        p.rate_window_samples = v;
    } else if (name == b"candidacy") {
        p.set_candidacy(v, values[1]);
    } else if (name == b"challenge_window_ms") {
        assert!(v > 0 && v <= MAX_CHALLENGE_WINDOW_MS, EInvalidParameter);
        p.challenge_window_ms = v;
    } else if (name == b"voting") {
        assert!(values.all!(|x| *x <= 0xFFFF_FFFF), EInvalidParameter);
        assert!(values[0] <= 0xFFFF && values[1] <= 0xFFFF, EInvalidParameter);
        p.set_voting(values[0] as u16, values[1] as u16, values[2] as u32, values[3] as u32);
    } else {
        abort EInvalidParameter
    }
}

/// Sets the voting rules (see `with_voting` for the bounds).
fun set_voting(
    p: &mut Params,
    quorum_bps: u16,
    threshold_bps: u16,
    voting_epochs: u32,
    timelock_epochs: u32,
) {
    assert!(quorum_bps > 0 && (quorum_bps as u64) <= BPS, EInvalidParameter);
    assert!(
        threshold_bps >= MIN_GOV_THRESHOLD_BPS && (threshold_bps as u64) <= BPS,
        EInvalidParameter,
    );
    assert!(voting_epochs > 0 && voting_epochs <= MAX_GOVERNANCE_EPOCHS, EInvalidParameter);
    assert!(timelock_epochs <= MAX_GOVERNANCE_EPOCHS, EInvalidParameter);
    p.gov_quorum_bps = quorum_bps;
    p.gov_threshold_bps = threshold_bps;
    p.gov_voting_epochs = voting_epochs;
    p.gov_timelock_epochs = timelock_epochs;
}

/// Sets the candidacy rules: `min_candidate_stake >= min_stake` and
/// `max_active_nodes <= max_candidates <= 250`.
fun set_candidacy(p: &mut Params, min_candidate_stake: u64, max_candidates: u64) {
    assert!(min_candidate_stake >= p.min_stake, EInvalidParameter);
    assert!(
        max_candidates >= p.max_active_nodes && max_candidates <= MAX_CANDIDATES,
        EInvalidParameter,
    );
    p.min_candidate_stake = min_candidate_stake;
    p.max_candidates = max_candidates;
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
fun governed_changes() {
    let mut p = default();
    p.apply_change(&b"max_price_step_bps".to_string(), &vector[0]);
    p.apply_change(&b"burn_bps".to_string(), &vector[10_000]);
    p.apply_change(&b"min_stake".to_string(), &vector[5]);
    p.apply_change(&b"commission_cap_bps".to_string(), &vector[100]);
    p.apply_change(&b"candidacy".to_string(), &vector[5, 250]);
    assert!(p.min_candidate_stake() == 5 && p.max_candidates() == 250);
    p.apply_change(&b"rate_window_samples".to_string(), &vector[6]);
    assert!(p.rate_window_samples() == 6);
    assert!(p.max_price_step_bps() == 0 && p.burn_bps() == 10_000);
    assert!(p.min_stake() == 5 && p.max_commission_bps() == 100);
    p.apply_change(&b"curve".to_string(), &vector[1000, 1000]);
    assert!(p.curve_zero_below_bps() == 1000 && p.curve_full_at_bps() == 1000);
    p.apply_change(&b"challenges_per_shard".to_string(), &vector[1000]);
    p.apply_change(&b"challenge_window_ms".to_string(), &vector[60_000]);
    p.apply_change(&b"settlement_fallback_epochs".to_string(), &vector[100]);
    p.apply_change(&b"voting".to_string(), &vector[10_000, 5000, 1, 0]);
    assert!(p.challenges_per_shard() == 1000 && p.challenge_window_ms() == 60_000);
    assert!(p.settlement_fallback_epochs() == 100);
    assert!(p.gov_quorum_bps() == 10_000 && p.gov_threshold_bps() == 5000);
    assert!(p.gov_voting_epochs() == 1 && p.gov_timelock_epochs() == 0);
}

#[test]
fun defaults_of_the_economy() {
    let p = default();
    assert!(p.challenges_per_shard() == 10 && p.challenge_window_ms() == 6 * 3600 * 1000);
    assert!(p.settlement_fallback_epochs() == 2);
    assert!(p.curve_zero_below_bps() == 5000 && p.curve_full_at_bps() == 9500);
    assert!(p.gov_quorum_bps() == 3334 && p.gov_threshold_bps() == 5000);
    assert!(p.gov_voting_epochs() == 2 && p.gov_timelock_epochs() == 1);
    assert!(p.with_settlement_fallback(0).settlement_fallback_epochs() == 0);
}

#[test, expected_failure(abort_code = EInvalidParameter)]
fun governed_zero_rate_window_rejected() {
    let mut p = default();
    p.apply_change(&b"rate_window_samples".to_string(), &vector[0]);
}

#[test, expected_failure(abort_code = EInvalidParameter)]
fun governed_zero_fallback_rejected() {
    let mut p = default();
    p.apply_change(&b"settlement_fallback_epochs".to_string(), &vector[0]);
}

#[test, expected_failure(abort_code = EInvalidParameter)]
fun governed_burn_above_whole_rejected() {
    let mut p = default();
    p.apply_change(&b"burn_bps".to_string(), &vector[10_001]);
}

#[test, expected_failure(abort_code = EInvalidCurve)]
fun governed_unordered_curve_rejected() {
    let mut p = default();
    p.apply_change(&b"curve".to_string(), &vector[9000, 8000]);
}

#[test, expected_failure(abort_code = EInvalidParameter)]
fun governed_unknown_parameter_rejected() {
    let mut p = default();
    p.apply_change(&b"n_shards".to_string(), &vector[10]);
}

#[test, expected_failure(abort_code = EInvalidParameter)]
fun governed_wrong_value_count_rejected() {
    let mut p = default();
    p.apply_change(&b"curve".to_string(), &vector[1000]);
}

#[test, expected_failure(abort_code = EInvalidParameter)]
fun governed_low_threshold_rejected() {
    let mut p = default();
    p.apply_change(&b"voting".to_string(), &vector[3334, 4999, 2, 1]);
}

#[test, expected_failure(abort_code = EInvalidParameter)]
fun governed_min_stake_above_candidacy_rejected() {
    let mut p = default();
    p.apply_change(&b"min_stake".to_string(), &vector[10_001 * 1_000_000_000]);
}

#[test, expected_failure(abort_code = EInvalidParameter)]
fun governed_zero_challenges_rejected() {
    let mut p = default();
    p.apply_change(&b"challenges_per_shard".to_string(), &vector[0]);
}

#[test, expected_failure(abort_code = EInvalidParameter)]
fun oversized_genesis_fallback_rejected() {
    default().with_settlement_fallback(MAX_GOVERNANCE_EPOCHS + 1);
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
