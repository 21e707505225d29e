/// Price stories: Walrus's price vector through the real committee selection, the stability
/// guard over several epochs, FROST prices from the committee's WAL/USD rate window, and the
/// rate's resistance to half the shards lying.
#[test_only]
// Expected-failure tests end with `abort 0`: the abort they expect comes first.
#[allow(lint(abort_without_constant))]
module floe::price_tests;

use floe::{
    node_cap::StorageNodeCap,
    params,
    staked_wal::StakedWal,
    system::System,
    test_utils::{Self as tu, frost_per_wal}
};
use sui::{clock::Clock, coin::Coin, test_scenario::{Self as ts, Scenario}};
use wal::wal::WAL;

/// The default rate sample interval.
const HOUR: u64 = 3_600_000;

fun stake_all(
    s: &mut Scenario,
    supply: &mut Coin<WAL>,
    caps: &vector<StorageNodeCap>,
    wal: vector<u64>,
): vector<StakedWal> {
    let mut stakes = vector[];
    caps.length().do!(|i| {
        s.next_tx(tu::admin());
        let mut system = s.take_shared<System>();
        let coin = supply.split(wal[i] * frost_per_wal!(), s.ctx());
        stakes.push_back(system.stake_with_pool(coin, caps[i].node_id(), s.ctx()));
        ts::return_shared(system);
    });
    stakes
}

fun finish(
    s: Scenario,
    clock: Clock,
    supply: Coin<WAL>,
    caps: vector<StorageNodeCap>,
    stakes: vector<StakedWal>,
) {
    stakes.destroy!(|st| st.transfer_to(tu::admin()));
    tu::destroy_caps(caps);
    tu::end(s, clock, supply);
}

#[test]
/// Scenario `walrus_price_vector`: 10 nodes holding 5,5,4,6,3,7,4,6,1,9 of 50 shards vote
/// prices 1..10 and capacities whose whole-committee figures are 50 * (1..10): the price is 7
/// and the capacity 50 * 4 = 200 (Walrus's test: price 7, capacity 4).
fun walrus_price_vector_through_selection() {
    let (mut s, mut clock, mut supply) = tu::begin(tu::params(50));
    let weights = vector[5, 5, 4, 6, 3, 7, 4, 6, 1, 9];
    let mut caps = vector[];
    10u64.do!(|i| {
        // capacity * n_shards / weight = 50 * (i + 1)
        caps.push_back(tu::register(&mut s, i, 0, i + 1, i + 1, (i + 1) * weights[i]));
    });
    let stakes = stake_all(&mut s, &mut supply, &caps, weights.map!(|w| w * 10));
    tu::next_epoch(&mut s, &mut clock, &caps);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    10u64.do!(|i| assert!(system.shards_of(caps[i].node_id()).length() == weights[i]));
    assert!(system.storage_price_usd() == 7 && system.write_price_usd() == 7);
    assert!(system.total_capacity_size() == 200);
    // WAL/USD reported at $1: FROST prices equal the nano-USD prices.
    assert!(system.storage_price() == 7 && system.write_price() == 7);
    ts::return_shared(system);
    finish(s, clock, supply, caps, stakes);
}

#[test]
/// Scenario `price_step_guard`: with `max_price_step_bps = 500` a vote jumping from 1000 to
/// 2000 nano-USD moves the storage price 1050, 1102, 1157 over three epochs, and a write price
/// vote falling from 10_000 to 5_000 moves it 9_500, 9_025, 8_574.
fun price_step_guard() {
    let p = params::new(10, tu::epoch_ms(), 10, 500, 1000, frost_per_wal!(), 5000, 10, 10, 3_600_000, 10)
        .with_settlement_fallback(0);
    let (mut s, mut clock, mut supply) = tu::begin(p);
    let caps = vector[tu::register(&mut s, 0, 0, 2000, 5000, 1_000_000_000_000)];
    let stakes = stake_all(&mut s, &mut supply, &caps, vector[10]);
    let storage = vector[1050, 1102, 1157];
    let write = vector[9_500, 9_025, 8_574];
    3u64.do!(|e| {
        tu::next_epoch(&mut s, &mut clock, &caps);
        s.next_tx(tu::admin());
        let system = s.take_shared<System>();
        assert!(system.storage_price_usd() == storage[e]);
        assert!(system.write_price_usd() == write[e]);
        ts::return_shared(system);
    });
    finish(s, clock, supply, caps, stakes);
}

#[test]
/// Scenario `wal_usd_rate`: hourly samples into a window of 3 (the defaults). Reports 0.40,
/// 0.50, 0.60 USD with weights 4, 3, 3 have the 2/3-quorum band [0.40, 0.50]: the first sample
/// clamps the genesis rate $1 to 0.50. Two nodes move to 0.65 and 0.70: the band is
/// [0.65, 0.65], sample 0.65, window mean 0.575. An unchanged band samples 0.65 again (mean
/// 0.60); a report of 0.66 widens the band to [0.65, 0.66], which holds 0.65, and the window
/// slides to 0.65 (storage 1_000 nano-USD = ceil(10^12 / 650_000_000) = 1_539 FROST). The
/// next epoch keeps the window's rate.
fun frost_price_from_committee_rate() {
    let p = params::new(10, tu::epoch_ms(), 10, 0, 1000, frost_per_wal!(), 5000, 10, 10, HOUR, 3)
        .with_settlement_fallback(0);
    let (mut s, mut clock, mut supply) = tu::begin(p);
    let caps = tu::register_nodes(&mut s, 3);
    let stakes = stake_all(&mut s, &mut supply, &caps, vector[100, 100, 100]);
    tu::next_epoch(&mut s, &mut clock, &caps);
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    system.report_wal_usd_rate(&caps[0], 400_000_000);
    system.report_wal_usd_rate(&caps[1], 500_000_000);
    system.report_wal_usd_rate(&caps[2], 600_000_000);
    system.sample_wal_usd_rate(&clock);
    // The FROST prices follow each sample: the window holds 0.50 USD.
    assert!(system.wal_usd_rate() == 500_000_000);
    assert!(system.storage_price() == 2_000 && system.write_price() == 20_000);
    system.report_wal_usd_rate(&caps[0], 650_000_000);
    system.report_wal_usd_rate(&caps[1], 700_000_000);
    clock.increment_for_testing(HOUR);
    system.sample_wal_usd_rate(&clock);
    assert!(system.wal_usd_rate() == 575_000_000);
    assert!(system.storage_price() == 1_740 && system.write_price() == 17_392);
    clock.increment_for_testing(HOUR);
    system.sample_wal_usd_rate(&clock);
    assert!(system.wal_usd_rate() == 600_000_000);
    assert!(system.storage_price() == 1_667 && system.write_price() == 16_667);
    system.report_wal_usd_rate(&caps[2], 660_000_000);
    clock.increment_for_testing(HOUR);
    system.sample_wal_usd_rate(&clock);
    assert!(system.wal_usd_rate() == 650_000_000);
    assert!(system.storage_price() == 1_539 && system.write_price() == 15_385);
    ts::return_shared(system);
    tu::next_epoch(&mut s, &mut clock, &caps);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    assert!(system.wal_usd_rate() == 650_000_000);
    assert!(system.storage_price_usd() == 1_000 && system.storage_price() == 1_539);
    assert!(system.write_price() == 15_385);
    ts::return_shared(system);
    finish(s, clock, supply, caps, stakes);
}

#[test]
/// Scenario `rate_half_coalition`: four equal nodes hold 3, 3, 2, 2 of 10 shards; nodes 1 and
/// 3 (exactly half the shards) lie. Honest reports are 0.98 and 1.02. Liars at 1 nano-USD
/// leave the sample at 0.98; liars at 10 USD at 1.02: inside the honest range both times (the
/// lower median would have sampled 1 nano-USD). The window's mean is 1.00 and FROST prices
/// stay at 1_000 / 10_000.
fun half_the_shards_cannot_move_the_rate() {
    let p = params::new(10, tu::epoch_ms(), 10, 0, 1000, frost_per_wal!(), 5000, 10, 10, HOUR, 3)
        .with_settlement_fallback(0);
    let (mut s, mut clock, mut supply) = tu::begin(p);
    let caps = tu::register_nodes(&mut s, 4);
    let stakes = stake_all(&mut s, &mut supply, &caps, vector[100, 100, 100, 100]);
    tu::next_epoch(&mut s, &mut clock, &caps);
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    let liars = system.shards_of(caps[1].node_id()).length();
    assert!(liars + system.shards_of(caps[3].node_id()).length() == 5);
    system.report_wal_usd_rate(&caps[0], 980_000_000);
    system.report_wal_usd_rate(&caps[2], 1_020_000_000);
    system.report_wal_usd_rate(&caps[1], 1);
    system.report_wal_usd_rate(&caps[3], 1);
    system.sample_wal_usd_rate(&clock);
    assert!(system.wal_usd_rate() == 980_000_000);
    system.report_wal_usd_rate(&caps[1], 10_000_000_000);
    system.report_wal_usd_rate(&caps[3], 10_000_000_000);
    clock.increment_for_testing(HOUR);
    system.sample_wal_usd_rate(&clock);
    assert!(system.wal_usd_rate() == 1_000_000_000);
    assert!(system.storage_price() == 1_000 && system.write_price() == 10_000);
    ts::return_shared(system);
    finish(s, clock, supply, caps, stakes);
}

#[test, expected_failure(abort_code = floe::system_inner::ETooEarly)]
fun second_sample_within_interval_rejected() {
    let p = params::new(10, tu::epoch_ms(), 10, 0, 1000, frost_per_wal!(), 5000, 10, 10, HOUR, 3)
        .with_settlement_fallback(0);
    let (mut s, mut clock, mut supply) = tu::begin(p);
    let caps = tu::register_nodes(&mut s, 1);
    let _stakes = stake_all(&mut s, &mut supply, &caps, vector[1]);
    tu::next_epoch(&mut s, &mut clock, &caps);
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    system.sample_wal_usd_rate(&clock);
    system.sample_wal_usd_rate(&clock);
    abort 0
}

#[test, expected_failure(abort_code = floe::prices::ENoVotes)]
fun sample_without_committee_rejected() {
    let (mut s, clock, _supply) = tu::begin(tu::params(10));
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    system.sample_wal_usd_rate(&clock);
    abort 0
}
