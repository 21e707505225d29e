/// Price rules, pure functions over shard-weighted votes.
///
/// - `quorum_below` (storage and write price): the smallest voted value such that the shards
///   that did not vote above it form a 2/3 quorum (Walrus's rule).
/// - `quorum_above` (capacity): the largest voted value such that the shards voting at or above
///   it form a 2/3 quorum (Walrus's rule).
/// - `guard`: the stability guard, moving a USD price at most `max_step_bps` per epoch.
/// - `weighted_median`: the lower shard-weighted median of the WAL/USD reports.
/// - `usd_to_frost`: converts nano-USD to FROST at a WAL/USD rate, rounding up.
///
/// These are the rules of `economics::price` and `economics::wal_rate`, with the same numbers.
module floe::prices;

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

/// Indices of `values` sorted by value, highest first (stable).
fun order_desc(values: &vector<u64>): vector<u64> {
    let n = values.length();
    let mut order = vector[];
    let mut i = 0;
    while (i < n) {
        // Insertion sort: after equal values, before smaller ones.
        let mut j = order.length();
        order.push_back(i);
        while (j > 0 && values[order[j - 1]] < values[i]) {
            order.swap(j - 1, j);
            j = j - 1;
        };
        i = i + 1;
    };
    order
}

/// The smallest value such that a 2/3 quorum voted at or below it (storage and write price).
public fun quorum_below(values: vector<u64>, weights: vector<u64>, n_shards: u64): u64 {
    check_votes(&values, &weights, n_shards);
    let order = order_desc(&values);
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
    let order = order_desc(&values);
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

/// The lower shard-weighted median: the smallest rate such that the reports at or below it
/// hold at least half of the weight. Zero-weight reports are ignored.
public fun weighted_median(rates: vector<u64>, weights: vector<u64>): u64 {
    assert!(rates.length() == weights.length(), EWrongLength);
    assert!(!rates.is_empty(), ENoVotes);
    let mut total = 0u128;
    rates.length().do!(|i| {
        assert!(rates[i] > 0, EInvalidRate);
        total = total + (weights[i] as u128);
    });
    assert!(total > 0, EInvalidVoteWeight);
    let order = order_desc(&rates);
    // Walk from the lowest rate up.
    let mut acc = 0u128;
    let mut k = order.length();
    while (k > 0) {
        k = k - 1;
        let i = order[k];
        acc = acc + (weights[i] as u128);
        if (weights[i] > 0 && 2 * acc >= total) return rates[i];
    };
    abort EInvalidVoteWeight
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
fun median_and_conversion() {
    // Weights 3, 3, 4: lower median is 300 (3 + 3 >= 10 / 2 at 300).
    assert!(weighted_median(vector[500, 100, 300], vector[4, 3, 3]) == 300);
    assert!(weighted_median(vector[7], vector[1]) == 7);
    // A zero-weight report is ignored.
    assert!(weighted_median(vector[1, 9], vector[0, 5]) == 9);
    // $1 per WAL: 1 nano-USD = 1 FROST; $0.40 per WAL: 1 USD = 2.5 WAL.
    assert!(usd_to_frost(1234, 1_000_000_000) == 1234);
    assert!(usd_to_frost(1_000_000_000, 400_000_000) == 2_500_000_000);
    // Rounded up.
    assert!(usd_to_frost(1, 3_000_000_000) == 1);
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
    weighted_median(vector[0], vector[1]);
}

#[test, expected_failure(abort_code = EInvalidVoteWeight)]
fun zero_total_weight_rejected() {
    weighted_median(vector[1], vector[0]);
}

#[test, expected_failure(abort_code = EOverflow)]
fun conversion_overflow_rejected() {
    usd_to_frost(0xFFFF_FFFF_FFFF_FFFF, 1);
}
