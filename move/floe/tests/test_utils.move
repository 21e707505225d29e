/// Shared helpers of the `test_scenario` stories: a System with `n` nodes whose BLS secret keys
/// are the scalars 1..=n, WAL from the real publication `init`, and epoch driving on a test
/// `Clock`.
#[test_only]
module floe::test_utils;

use floe::{
    bls_committee,
    messages,
    node_cap::StorageNodeCap,
    params::{Self, Params},
    storage_resource::Storage,
    system::{Self, System}
};
use sui::{clock::{Self, Clock}, coin::Coin, test_scenario::{Self as ts, Scenario}};
use wal::wal::{Self, WAL, ProtectedTreasury};

public macro fun frost_per_wal(): u64 { 1_000_000_000 }

/// Length of an epoch in the stories (1 day).
const EPOCH_MS: u64 = 86_400_000;

public fun admin(): address { @0xAD }

/// The operator address of node `i` (0-based).
public fun operator(i: u64): address { sui::address::from_u256(0x1000 + (i as u256)) }

public fun epoch_ms(): u64 { EPOCH_MS }

/// Parameters of the core stories: `n_shards` shards, guard off, 10% burn, 1 WAL minimum,
/// commission cap 50%, 10 epochs ahead, and no settlement round
/// (`settlement_fallback_epochs = 0`): these stories check the base-weight rule, which the
/// epoch change then pays at once; since the settlement by performance landed that rule is
/// the fallback (`settled_params` and `settlement_tests` cover the default).
public fun params(n_shards: u16): Params {
    settled_params(n_shards).with_settlement_fallback(0)
}

/// `params` with the default settlement round: pots wait for a certified settlement, with the
/// fallback two epochs after an epoch ends.
public fun settled_params(n_shards: u16): Params {
    params::new(n_shards, EPOCH_MS, 10, 0, 1000, frost_per_wal!(), 5000, 10, n_shards, 3_600_000, 10)
}

/// Starts a story: publishes WAL (the admin holds the whole supply, returned here), creates a
/// System with `p`, USD prices of 1 and 10 nano-USD (storage per MiB-epoch, write per MiB),
/// WAL/USD = $1 and capacity 1 TB.
public fun begin(p: Params): (Scenario, Clock, Coin<WAL>) {
    begin_priced(p, 1_000, 10_000, 1_000_000_000_000)
}

/// `begin` with other USD prices (nano-USD) and capacity (bytes); WAL/USD = $1.
public fun begin_priced(
    p: Params,
    storage_price_usd: u64,
    write_price_usd: u64,
    capacity: u64,
): (Scenario, Clock, Coin<WAL>) {
    let mut s = ts::begin(admin());
    wal::init_for_testing(s.ctx());
    let clock = clock::create_for_testing(s.ctx());
    system::create_for_testing(
        p,
        storage_price_usd,
        write_price_usd,
        1_000_000_000,
        capacity,
        &clock,
        s.ctx(),
    );
    s.next_tx(admin());
    let supply = s.take_from_sender<Coin<WAL>>();
    (s, clock, supply)
}

/// Registers node `i` (secret key `i + 1`) as `operator(i)` with the given votes.
public fun register(
    s: &mut Scenario,
    i: u64,
    commission: u16,
    storage_price_usd: u64,
    write_price_usd: u64,
    capacity: u64,
): StorageNodeCap {
    s.next_tx(operator(i));
    let mut system = s.take_shared<System>();
    let pk = bls_committee::public_key_for_testing(i + 1);
    let pop_msg = messages::proof_of_possession_bytes(system.epoch(), operator(i), &pk);
    let pop = bls_committee::sign_for_testing(i + 1, &pop_msg);
    let cap = system.register_node(
        b"node".to_string(),
        b"node.example:9185".to_string(),
        pk,
        pop,
        commission,
        storage_price_usd,
        write_price_usd,
        capacity,
        1_000_000_000,
        s.ctx(),
    );
    ts::return_shared(system);
    cap
}

/// Registers `n` nodes with commission 0 and the default votes.
public fun register_nodes(s: &mut Scenario, n: u64): vector<StorageNodeCap> {
    let mut caps = vector[];
    n.do!(|i| caps.push_back(register(s, i, 0, 1_000, 10_000, 1_000_000_000_000)));
    caps
}

/// Moves the story to the next epoch: voting end at mid-epoch, epoch change at its end, and
/// every member of the new committee reports sync done.
public fun next_epoch(s: &mut Scenario, clock: &mut Clock, caps: &vector<StorageNodeCap>) {
    s.next_tx(admin());
    let mut system = s.take_shared<System>();
    if (!system.is_next_selected()) {
        clock.increment_for_testing(EPOCH_MS / 2);
        system.voting_end(clock);
        clock.increment_for_testing(EPOCH_MS / 2);
    } else {
        clock.increment_for_testing(EPOCH_MS);
    };
    let mut treasury = s.take_shared<ProtectedTreasury>();
    system.initiate_epoch_change(&mut treasury, clock, s.ctx());
    ts::return_shared(treasury);
    let epoch = system.epoch();
    caps.do_ref!(|cap| {
        if (system.is_syncing() && system.committee().weight_of(&cap.node_id()) > 0) {
            system.epoch_sync_done(cap, epoch);
        }
    });
    ts::return_shared(system);
}

/// Aggregate signature of `msg` by nodes `signers` (0-based; secret keys `i + 1`).
public fun sign(signers: vector<u64>, msg: &vector<u8>): vector<u8> {
    bls_committee::aggregate_sign_for_testing(signers.map!(|i| i + 1), msg)
}

/// The signers bitmap of committee positions `positions`.
public fun bitmap(positions: vector<u64>, n_members: u64): vector<u8> {
    let mut bytes = vector::tabulate!((n_members + 7) / 8, |_| 0u8);
    positions.do!(|p| {
        let b = &mut bytes[p / 8];
        *b = *b | (1u8 << ((p % 8) as u8));
    });
    bytes
}

/// Positions in the current committee of nodes `nodes` (0-based node numbers).
public fun positions(
    system: &System,
    caps: &vector<StorageNodeCap>,
    nodes: vector<u64>,
): vector<u64> {
    let committee = system.committee();
    nodes.map!(|i| committee.find(&caps[i].node_id()).destroy_some())
}

/// Acceptance 2: the WAL `outside` the protocol (coins and receipts the story holds), the
/// WAL it holds (pots, pool rewards, commission) and the WAL burned add up to the supply.
public fun assert_conserved(s: &mut Scenario, outside: u64) {
    s.next_tx(admin());
    let system = s.take_shared<System>();
    let treasury = s.take_shared<ProtectedTreasury>();
    assert!(outside + system.total_held() + treasury.burned() == wal::initial_supply());
    assert!(treasury.total_supply() == outside + system.total_held());
    ts::return_shared(treasury);
    ts::return_shared(system);
}

/// Buys `mib` MiB for `epochs` epochs as the admin, paying from `payment`.
public fun reserve(s: &mut Scenario, payment: &mut Coin<WAL>, mib: u64, epochs: u32): Storage {
    s.next_tx(admin());
    let mut system = s.take_shared<System>();
    let storage = system.reserve_space(mib * 1_048_576, epochs, payment, s.ctx());
    ts::return_shared(system);
    storage
}

/// Moves the clock to mid-epoch and selects the next committee.
public fun select_next(s: &mut Scenario, clock: &mut Clock) {
    s.next_tx(admin());
    let mut system = s.take_shared<System>();
    clock.increment_for_testing(EPOCH_MS / 2);
    system.voting_end(clock);
    ts::return_shared(system);
}

public fun destroy_caps(caps: vector<StorageNodeCap>) {
    caps.destroy!(|c| c.destroy_for_testing());
}

/// Ends a story; what remains of the supply goes back to the admin.
public fun end(s: Scenario, clock: Clock, supply: Coin<WAL>) {
    transfer::public_transfer(supply, admin());
    clock.destroy_for_testing();
    s.end();
}
