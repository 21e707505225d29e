/// Helpers of the settlement stories: the challenge seed from a test `Random`, the settlement
/// tree of a list of entries (what every node computes with `economics::settlement`), its
/// proofs, and the committee's certificate over its header.
#[test_only]
module floe::settlement_utils;

use floe::{messages, settlement, sort, system::System, test_utils as tu};
use sui::{bls12381, hash, random::{Self, Random}, test_scenario::{Self as ts, Scenario}};

/// One pool's settlement entry.
public struct Entry has copy, drop {
    node_id: ID,
    shards: u16,
    performance_bps: u16,
    staker_reward: u64,
    commission: u64,
}

public fun entry(
    node_id: ID,
    shards: u16,
    performance_bps: u16,
    staker_reward: u64,
    commission: u64,
): Entry {
    Entry { node_id, shards, performance_bps, staker_reward, commission }
}

public fun node_id(e: &Entry): ID { e.node_id }

/// `(shards, performance_bps, staker_reward, commission)`.
public fun values(e: &Entry): (u16, u16, u64, u64) {
    (e.shards, e.performance_bps, e.staker_reward, e.commission)
}

/// Creates the `Random` object (as the system address, as Sui does at genesis).
public fun create_random(s: &mut Scenario) {
    s.next_tx(@0x0);
    random::create_for_testing(s.ctx());
}

/// Feeds `Random` the beacon bytes of `round` (rounds go 0, 1, 2... in a story), then draws
/// the epoch's challenge seed.
public fun draw_seed(s: &mut Scenario, round: u64) {
    s.next_tx(@0x0);
    let mut r = s.take_shared<Random>();
    let bytes = vector::tabulate!(32, |i| (((i as u64) + round * 7) % 256) as u8);
    r.update_randomness_state_for_testing(round, bytes, s.ctx());
    ts::return_shared(r);
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    let r = s.take_shared<Random>();
    system.draw_challenge_seed_for_testing(&r, s.ctx());
    ts::return_shared(r);
    ts::return_shared(system);
}

/// The settlement tree of one epoch's entries, sorted by pool id as `economics` sorts them.
public struct Tree has drop {
    sorted: vector<Entry>,
    /// Every level, leaves first.
    levels: vector<vector<vector<u8>>>,
}

/// The tree over `entries` (any order) of `epoch`.
public fun tree(epoch: u32, entries: &vector<Entry>): Tree {
    let keys = entries.map_ref!(|e| sort::id_key(&e.node_id));
    let sorted = sort::order_asc_u256(&keys).map!(|i| entries[i]);
    let mut level = sorted.map_ref!(|e| settlement::leaf(
        epoch,
        e.node_id,
        e.shards,
        e.performance_bps,
        e.staker_reward,
        e.commission,
    ));
    let mut levels = vector[level];
    while (level.length() > 1) {
        let mut next = vector[];
        let mut i = 0;
        while (i < level.length()) {
            let mut b = vector[1u8];
            b.append(level[i]);
            b.append(if (i + 1 < level.length()) level[i + 1] else zeros());
            next.push_back(hash::blake2b256(&b));
            i = i + 2;
        };
        levels.push_back(next);
        level = next;
    };
    Tree { sorted, levels }
}

fun zeros(): vector<u8> { vector::tabulate!(32, |_| 0u8) }

/// The root (32 zero bytes for no entry).
public fun tree_root(t: &Tree): vector<u8> {
    let top = &t.levels[t.levels.length() - 1];
    if (top.is_empty()) zeros() else top[0]
}

/// Number of entries.
public fun tree_len(t: &Tree): u64 { t.sorted.length() }

/// The entry at `index` (pool-id order).
public fun entry_at(t: &Tree, index: u64): Entry { t.sorted[index] }

/// The siblings of leaf `index`, from the leaves up.
public fun siblings_at(t: &Tree, index: u64): vector<vector<u8>> {
    let mut siblings = vector[];
    let mut i = index;
    let mut l = 0;
    while (l + 1 < t.levels.length()) {
        let level = &t.levels[l];
        let j = i ^ 1;
        siblings.push_back(if (j < level.length()) level[j] else zeros());
        i = i / 2;
        l = l + 1;
    };
    siblings
}

/// The settlement root of `entries` (any order).
public fun root(epoch: u32, entries: &vector<Entry>): vector<u8> {
    tree(epoch, entries).tree_root()
}

/// The index and siblings of `node_id`'s entry.
public fun proof(epoch: u32, entries: &vector<Entry>, node_id: ID): (u32, vector<vector<u8>>) {
    let t = tree(epoch, entries);
    let index = t.sorted.find_index!(|e| e.node_id == node_id).destroy_some();
    (index as u32, t.siblings_at(index))
}

/// The aggregate signature, by the nodes `signers` (secret keys `i + 1`), of the settlement
/// header of `epoch`.
public fun sign_header(
    signers: vector<u64>,
    epoch: u32,
    n_entries: u32,
    pot: u64,
    burned: u64,
    paid: u64,
    root: &vector<u8>,
): vector<u8> {
    let digest = settlement::header_digest(epoch, n_entries, pot, burned, paid, root);
    tu::sign(signers, &messages::settlement_bytes(epoch, &digest))
}

/// The aggregate signature of the settlement header of `epoch` by signers whose secret scalars
/// add up to `sk_sum` (a BLS aggregate is the sum of the signatures, so one multiplication
/// signs for any number of signers).
public fun sign_header_by_sum(
    sk_sum: u64,
    epoch: u32,
    n_entries: u32,
    pot: u64,
    burned: u64,
    paid: u64,
    root: &vector<u8>,
): vector<u8> {
    let digest = settlement::header_digest(epoch, n_entries, pot, burned, paid, root);
    let msg = messages::settlement_bytes(epoch, &digest);
    *bls12381::g2_mul(&bls12381::scalar_from_u64(sk_sum), &bls12381::hash_to_g2(&msg)).bytes()
}
