/// Price rules, pure functions over shard-weighted votes.
///
/// - `quorum_below` (storage and write price): the smallest voted value such that the shards
///   that did not vote above it form a 2/3 quorum (Walrus's rule).
/// - `quorum_above` (capacity): the largest voted value such that the shards voting at or above
///   it form a 2/3 quorum (Walrus's rule).
/// - `guard`: the stability guard, moving a USD price at most `max_step_bps` per epoch.
/// - `rate_band` and `next_rate`: the WAL/USD rate moves only as far as a 2/3 quorum of the
///   shards agrees. The band is `[low, high]`: `low` the highest rate at or above which a 2/3
///   quorum reported, `high` the lowest at or below which a 2/3 quorum reported; the next rate
///   is the previous one clamped into the band. Reporters under 1/3 of the shards cannot take
///   the rate outside the honest reports' range; up to 2/3 they can at most hold it where it
///   is (never push it away from the honest reports).
/// - `usd_to_frost`: converts nano-USD to FROST at a WAL/USD rate, rounding up;
///   `usd_to_frost_saturating` caps at the largest u64 for shared paths that must not abort.
///
/// These are the rules of `economics::price` and `economics::wal_rate`, with the same numbers.
module floe::prices;

use floe::sort;

/// Number of shards is zero.
const EInvalidShardCount: u64 = 1;
/// An intermediate or final amount does not fit in a u64.
const EOverflow: u64 = 0;
/// No votes were given.
const ENoVotes: u64 = 3;
/// The votes' total weight is not a 2/3 quorum.
const EBelowQuorum: u64 = 4;
/// A zero weight, or weights adding up to more than the number of shards.
const EInvalidVoteWeight: u64 = 5;
/// A WAL/USD rate of zero.
const EInvalidRate: u64 = 6;
/// Values and weights of different lengths.
const EWrongLength: u64 = 37;

const BPS: u128 = 10_000;
const FROST_PER_WAL: u128 = 1_000_000_000;

/// `3w >= 2n + 1`.
public fun is_quorum(weight: u64, n_shards: u64): bool {
    3 * (weight as u128) > 2 * (n_shards as u128)
}

fun check_votes(values: &vector<u64>, weights: &vector<u64>, n_shards: u64) {
    assert!(n_shards > 0, EInvalidShardCount);
    assert!(values.length() == weights.length(), EWrongLength);
    assert!(!values.is_empty(), ENoVotes);
    let mut total = 0u128;
    weights.do_ref!(|w| {
        assert!(*w > 0, EInvalidVoteWeight);
        total = total + (*w as u128);
    });
    assert!(total <= (n_shards as u128), EInvalidVoteWeight);
    assert!(is_quorum(total as u64, n_shards), EBelowQuorum);
}

/// The smallest value such that a 2/3 quorum voted at or below it (storage and write price).
public fun quorum_below(values: vector<u64>, weights: vector<u64>, n_shards: u64): u64 {
    check_votes(&values, &weights, n_shards);
    let order = sort::order_desc(&values);
    let mut remaining = n_shards;
    let mut k = 0;
    while (k < order.length()) {
        let i = order[k];
        remaining = remaining - weights[i];
        if (!is_quorum(remaining, n_shards)) return values[i];
        k = k + 1;
    };
    abort EBelowQuorum
}

/// The largest value such that a 2/3 quorum voted at or above it (capacity).
public fun quorum_above(values: vector<u64>, weights: vector<u64>, n_shards: u64): u64 {
    check_votes(&values, &weights, n_shards);
    let order = sort::order_desc(&values);
    let mut sum = 0;
    let mut k = 0;
    while (k < order.length()) {
        let i = order[k];
        sum = sum + weights[i];
        if (is_quorum(sum, n_shards)) return values[i];
        k = k + 1;
    };
    abort EBelowQuorum
}

/// Moves `previous` toward `target` by at most `max_step_bps` of `previous` (at least 1);
/// `max_step_bps == 0` turns the guard off.
public fun guard(previous: u64, target: u64, max_step_bps: u16): u64 {
    if (max_step_bps == 0) return target;
    let mut step = (previous as u128) * (max_step_bps as u128) / BPS;
    if (step == 0) step = 1;
    let up = (previous as u128) + step;
    let down = if ((previous as u128) > step) (previous as u128) - step else 0;
    let t = target as u128;
    // `t > up` implies `up < t <= u64::MAX`, so the casts cannot overflow.
    if (t > up) {
        (up as u64)
    } else if (t < down) {
        (down as u64)
    } else {
        target
    }
}

/// The 2/3-quorum band `(low, high)` of the WAL/USD reports over `n_shards` shards: `low` is
/// the highest rate such that the shards reporting at or above it form a 2/3 quorum, `high`
/// the lowest such that the shards reporting at or below it do. Two 2/3 quorums share a
/// reporter, so `low <= high`. Refuses no reports (`ENoVotes`, also with no committee), a zero
/// rate and what `quorum_below` refuses.
public fun rate_band(rates: vector<u64>, weights: vector<u64>, n_shards: u64): (u64, u64) {
    assert!(!rates.is_empty(), ENoVotes);
    rates.do_ref!(|r| assert!(*r > 0, EInvalidRate));
    let low = quorum_above(rates, weights, n_shards);
    let high = quorum_below(rates, weights, n_shards);
    (low, high)
}

/// The next WAL/USD rate sample: `previous` clamped into the reports' 2/3-quorum band.
public fun next_rate(
    previous: u64,
    rates: vector<u64>,
    weights: vector<u64>,
    n_shards: u64,
): u64 {
    let (low, high) = rate_band(rates, weights, n_shards);
    if (previous < low) low else if (previous > high) high else previous
}

/// `ceil(nano_usd * 10^9 / rate)`: FROST for a nano-USD amount at `rate` nano-USD per WAL.
public fun usd_to_frost(nano_usd: u64, rate: u64): u64 {
    assert!(rate > 0, EInvalidRate);
    let num = (nano_usd as u128) * FROST_PER_WAL;
    let r = rate as u128;
    let frost = (num + r - 1) / r;
    assert!(frost <= 0xFFFF_FFFF_FFFF_FFFF, EOverflow);
    frost as u64
}

/// `usd_to_frost`, capped at the largest u64 instead of aborting (a price that high buys
/// nothing: payments refuse it with `ENotEnoughFunds`).
public fun usd_to_frost_saturating(nano_usd: u64, rate: u64): u64 {
    assert!(rate > 0, EInvalidRate);
    let frost = ((nano_usd as u128) * FROST_PER_WAL + (rate as u128) - 1) / (rate as u128);
    if (frost > 0xFFFF_FFFF_FFFF_FFFF) 0xFFFF_FFFF_FFFF_FFFF else frost as u64
}

#[test]
/// Walrus's vector: votes 1..10 with weights [5,5,4,6,3,7,4,6,1,9] over 50 shards give the
/// price 7 and the capacity 4 (same numbers as `economics::price::walrus_quorum_vectors`).
fun walrus_price_vector() {
    let values = vector[1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    let weights = vector[5, 5, 4, 6, 3, 7, 4, 6, 1, 9];
    assert!(quorum_below(values, weights, 50) == 7);
    assert!(quorum_above(values, weights, 50) == 4);
}

#[test]
fun single_voter_and_ties() {
    assert!(quorum_below(vector[42], vector[10], 10) == 42);
    assert!(quorum_above(vector[42], vector[10], 10) == 42);
    assert!(quorum_below(vector[5, 5, 9], vector[4, 4, 2], 10) == 5);
    assert!(quorum_above(vector[5, 5, 9], vector[4, 4, 2], 10) == 5);
}

#[test]
fun guard_bounds_the_step() {
    // 5% of 1000 is 50.
    assert!(guard(1000, 2000, 500) == 1050);
    assert!(guard(1000, 10, 500) == 950);
    assert!(guard(1000, 1020, 500) == 1020);
    // Guard off.
    assert!(guard(1000, 2000, 0) == 2000);
    // At least one unit per epoch, so a tiny price can move.
    assert!(guard(1, 100, 500) == 2);
    assert!(guard(0, 100, 500) == 1);
}

#[test]
fun rate_band_and_conversion() {
    // Weights 4, 3, 3 of 10: the shards at or above 0.40 are all 10, at or above 0.50 only 6;
    // at or below 0.50 are 7. The band is [0.40, 0.50].
    let (low, high) = rate_band(vector[400, 500, 600], vector[4, 3, 3], 10);
    assert!(low == 400 && high == 500);
    assert!(next_rate(1_000, vector[400, 500, 600], vector[4, 3, 3], 10) == 500);
    assert!(next_rate(100, vector[400, 500, 600], vector[4, 3, 3], 10) == 400);
    assert!(next_rate(450, vector[400, 500, 600], vector[4, 3, 3], 10) == 450);
    assert!(next_rate(7, vector[7], vector[1], 1) == 7);
    // $1 per WAL: 1 nano-USD = 1 FROST; $0.40 per WAL: 1 USD = 2.5 WAL.
    assert!(usd_to_frost(1234, 1_000_000_000) == 1234);
    assert!(usd_to_frost(1_000_000_000, 400_000_000) == 2_500_000_000);
    // Rounded up.
    assert!(usd_to_frost(1, 3_000_000_000) == 1);
    assert!(usd_to_frost_saturating(1, 3_000_000_000) == 1);
    assert!(usd_to_frost_saturating(0xFFFF_FFFF_FFFF_FFFF, 1) == 0xFFFF_FFFF_FFFF_FFFF);
}

#[test]
/// Liars holding exactly half of the shards (5 of 10) cannot move the rate outside the honest
/// reports' range [0.98, 1.02], whether they report 1 nano-USD or 10 USD.
fun half_the_shards_cannot_move_the_rate() {
    let low = 980_000_000;
    let high = 1_020_000_000;
    let weights = vector[3, 2, 3, 2];
    let down = vector[low, high, 1, 1];
    let up = vector[low, high, 10_000_000_000, 10_000_000_000];
    // (The lower median this rule replaces follows liars holding half the shards anywhere.)
    // From inside the honest range, the rate stays inside it: liars pulling down leave it at
    // the lowest honest report, liars pulling up at the highest.
    assert!(next_rate(1_000_000_000, down, weights, 10) == low);
    assert!(next_rate(1_000_000_000, up, weights, 10) == high);
    // From outside, it comes to the honest range, never past it...
    assert!(next_rate(5_000_000_000, down, weights, 10) == low);
    assert!(next_rate(1_000, up, weights, 10) == high);
    // ...unless the liars hold it where it is: half the shards can stall the rate (no rule
    // can tell two equal halves apart), never push it away from the honest reports.
    assert!(next_rate(5_000_000_000, up, weights, 10) == 5_000_000_000);
}

#[test, expected_failure(abort_code = ENoVotes)]
fun no_votes_rejected() {
    quorum_below(vector[], vector[], 10);
}

#[test, expected_failure(abort_code = EBelowQuorum)]
fun votes_below_quorum_rejected() {
    quorum_below(vector[1, 2], vector[3, 3], 10);
}

#[test, expected_failure(abort_code = EInvalidVoteWeight)]
fun zero_weight_rejected() {
    quorum_above(vector[1, 2], vector[0, 10], 10);
}

#[test, expected_failure(abort_code = EInvalidVoteWeight)]
fun overweight_rejected() {
    quorum_above(vector[1, 2], vector[6, 6], 10);
}

#[test, expected_failure(abort_code = EWrongLength)]
fun mismatched_lengths_rejected() {
    quorum_above(vector[1, 2], vector[10], 10);
}

#[test, expected_failure(abort_code = EInvalidShardCount)]
fun zero_shards_rejected() {
    quorum_above(vector[1], vector[1], 0);
}

#[test, expected_failure(abort_code = EInvalidRate)]
fun zero_rate_rejected() {
    usd_to_frost(1, 0);
}

#[test, expected_failure(abort_code = EInvalidRate)]
fun zero_reported_rate_rejected() {
    rate_band(vector[0], vector[1], 1);
}

#[test, expected_failure(abort_code = EInvalidVoteWeight)]
fun zero_weight_report_rejected() {
    rate_band(vector[1, 2], vector[0, 1], 1);
}

#[test, expected_failure(abort_code = EOverflow)]
fun conversion_overflow_rejected() {
    usd_to_frost(0xFFFF_FFFF_FFFF_FFFF, 1);
}
