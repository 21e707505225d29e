/// Shards by stake: D'Hondt apportionment with a per-node cap, and the committee transition
/// that moves as few shards as possible.
module floe::apportionment;

use floe::sort;

/// There is no stake to apportion shards with.
const ENoStake: u64 = 22;
/// Vectors of different lengths.
const EWrongLength: u64 = 37;

/// With at least this many nodes, a node holds at most a tenth of the shards.
const MIN_NODES_FOR_SHARDS_LIMIT: u64 = 20;
/// The per-node cap is `1 / SHARDS_LIMIT_DENOMINATOR` of the shards (with enough nodes).
const SHARDS_LIMIT_DENOMINATOR: u64 = 10;

/// Walrus's per-node shard cap: a tenth of the shards with 20 nodes or more, else
/// `ceil(n_shards * 20 / (n_nodes * 10))` (same as `economics::model::committee`).
public fun max_shards_per_node(n_nodes: u64, n_shards: u16): u16 {
    let n = n_shards as u64;
    let cap = if (n_nodes >= MIN_NODES_FOR_SHARDS_LIMIT) {
        n / SHARDS_LIMIT_DENOMINATOR
    } else {
        let d = (if (n_nodes == 0) 1 else n_nodes) * SHARDS_LIMIT_DENOMINATOR;
        (n * MIN_NODES_FOR_SHARDS_LIMIT + d - 1) / d
    };
    if (cap > n) n_shards
    else (cap as u16)
}

/// D'Hondt: `n_shards` seats, each to the node with the highest `stake / (seats + 1)` among
/// nodes below `max_per_node` (ties to the lower index). If every node is capped, the rest
/// go by quotient alone. `stakes` are in committee order.
public fun dhondt(stakes: &vector<u64>, n_shards: u16, max_per_node: u16): vector<u16> {
    let n = stakes.length();
    let mut total = 0u128;
    stakes.do_ref!(|s| total = total + (*s as u128));
    assert!(n > 0 && total > 0, ENoStake);
    // Lower quota first: D'Hondt always gives at least floor(n_shards * stake / total).
    let mut seats = vector[];
    let mut assigned = 0u64;
    stakes.do_ref!(|s| {
        let mut q = ((n_shards as u128) * (*s as u128) / total) as u64;
        if (q > (max_per_node as u64)) q = max_per_node as u64;
        seats.push_back(q as u16);
        assigned = assigned + q;
    });
    // Then one seat at a time to the highest quotient `stake / (seats + 1)` (ties to the
    // lower index) among the nodes below the cap, kept in a heap; if every node is capped, to
    // the highest quotient of all.
    let mut heap = vector[];
    n.do!(|i| if (stakes[i] > 0 && seats[i] < max_per_node) {
        sort::heap_push!(&mut heap, i, |a, b| higher(stakes, &seats, a, b));
    });
    while (assigned < (n_shards as u64)) {
        let winner = if (!heap.is_empty()) {
            sort::heap_pop!(&mut heap, |a, b| higher(stakes, &seats, a, b))
        } else {
            let mut best = n;
            n.do!(|i| if (stakes[i] > 0 && (best == n || beats(stakes, &seats, i, best))) {
                best = i
            });
            best
        };
        let w = &mut seats[winner];
        *w = *w + 1;
        assigned = assigned + 1;
        if (seats[winner] < max_per_node) {
            sort::heap_push!(&mut heap, winner, |a, b| higher(stakes, &seats, a, b));
        };
    };
    seats
}

/// Whether node `i` takes the next seat before node `j`: a higher quotient, or an equal one and
/// a lower index.
fun higher(stakes: &vector<u64>, seats: &vector<u16>, i: u64, j: u64): bool {
    beats(stakes, seats, i, j) || (!beats(stakes, seats, j, i) && i < j)
}

fun beats(stakes: &vector<u64>, seats: &vector<u16>, i: u64, j: u64): bool {
    (stakes[i] as u128) * ((seats[j] as u128) + 1) > (stakes[j] as u128) * ((seats[i] as u128) + 1)
}

/// The new committee's shards: every node of `new_nodes` that was in `old_nodes` keeps as many
/// of its shards as it may (up to its new count); the shards freed (by nodes that shrink or
/// leave, or never assigned) go, in increasing order, to the nodes that grow, in committee
/// order. Only `sum(max(0, old - new))` shards move.
public fun transition(
    old_nodes: &vector<ID>,
    old_shards: &vector<vector<u16>>,
    new_nodes: &vector<ID>,
    new_counts: &vector<u16>,
    n_shards: u16,
): vector<vector<u16>> {
    assert!(old_nodes.length() == old_shards.length(), EWrongLength);
    assert!(new_nodes.length() == new_counts.length(), EWrongLength);
    let mut owned = vector::tabulate!(n_shards as u64, |_| false);
    // The old members sorted by id, searched by bisection (not a scan per new member).
    let old_keys = old_nodes.map_ref!(|id| sort::id_key(id));
    let old_order = sort::order_asc_u256(&old_keys);
    let mut result = vector[];
    let mut j = 0;
    while (j < new_nodes.length()) {
        let mut kept = vector[];
        let idx = sort::find_u256(&old_keys, &old_order, sort::id_key(&new_nodes[j]));
        if (idx.is_some()) {
            let old = &old_shards[idx.destroy_some()];
            let keep = if (old.length() < (new_counts[j] as u64)) old.length()
            else (new_counts[j] as u64);
            let mut k = 0;
            while (k < keep) {
                let s = old[k];
                kept.push_back(s);
                let o = &mut owned[s as u64];
                *o = true;
                k = k + 1;
            };
        };
        result.push_back(kept);
        j = j + 1;
    };
    let mut j = 0;
    let mut shard = 0u64;
    while (j < new_nodes.length()) {
        while (result[j].length() < (new_counts[j] as u64) && shard < (n_shards as u64)) {
            if (!owned[shard]) {
                result[j].push_back(shard as u16);
                let o = &mut owned[shard];
                *o = true;
            };
            shard = shard + 1;
        };
        j = j + 1;
    };
    result
}

#[test]
fun dhondt_by_stake() {
    // Stakes 6:3:1 over 10 shards.
    let seats = dhondt(&vector[600, 300, 100], 10, 10);
    assert!(seats == vector[6, 3, 1]);
    // A cap of 4 shards: the surplus goes to the next quotients.
    let seats = dhondt(&vector[600, 300, 100], 10, 4);
    assert!(seats == vector[4, 4, 2]);
    // Everyone capped: the rest still gets assigned.
    let seats = dhondt(&vector[1, 1], 5, 2);
    assert!(seats == vector[3, 2]);
    // Classic D'Hondt example: 100k, 80k, 30k, 20k votes, 8 seats -> 4, 3, 1, 0.
    let seats = dhondt(&vector[100_000, 80_000, 30_000, 20_000], 8, 8);
    assert!(seats == vector[4, 3, 1, 0]);
}

#[test]
fun walrus_shard_cap() {
    assert!(max_shards_per_node(1, 10) == 10);
    assert!(max_shards_per_node(3, 10) == 7);
    assert!(max_shards_per_node(10, 1000) == 200);
    assert!(max_shards_per_node(25, 1000) == 100);
}

#[test]
fun transition_moves_few_shards() {
    let a = object::id_from_address(@0xA);
    let b = object::id_from_address(@0xB);
    let c = object::id_from_address(@0xC);
    // Genesis: everything is free.
    let first = transition(&vector[], &vector[], &vector[a, b], &vector[3, 2], 5);
    assert!(first == vector[vector[0, 1, 2], vector[3, 4]]);
    // a shrinks to 2, b keeps 2, c joins with 1: only shard 2 moves.
    let next = transition(&vector[a, b], &first, &vector[b, a, c], &vector[2, 2, 1], 5);
    assert!(next == vector[vector[3, 4], vector[0, 1], vector[2]]);
}

#[test, expected_failure(abort_code = ENoStake)]
fun no_stake_rejected() {
    dhondt(&vector[0, 0], 10, 10);
}

#[test, expected_failure(abort_code = EWrongLength)]
fun mismatched_transition_rejected() {
    transition(&vector[], &vector[], &vector[object::id_from_address(@0xA)], &vector[], 5);
}

#[test]
/// The heap selection gives the seats of the plain rule (one scan per seat), node by node.
fun dhondt_matches_the_plain_rule() {
    let stakes = vector::tabulate!(24, |i| 1_000 + (i * 7919) % 97);
    let mut cases = vector[vector[200u64, 9], vector[100, 100], vector[150, 150], vector[7, 2]];
    while (!cases.is_empty()) {
        let c = cases.pop_back();
        let (n_shards, cap) = (c[0] as u16, c[1] as u16);
        let fast = dhondt(&stakes, n_shards, cap);
        // The plain rule.
        let n = stakes.length();
        let mut seats = vector::tabulate!(n, |_| 0u16);
        let mut k = 0;
        while (k < (n_shards as u64)) {
            let mut best = n;
            let mut capped_best = n;
            n.do!(|i| {
                if (seats[i] < cap && (best == n || beats(&stakes, &seats, i, best))) best = i;
                if (capped_best == n || beats(&stakes, &seats, i, capped_best)) capped_best = i;
            });
            let w = if (best < n) best else capped_best;
            let s = &mut seats[w];
            *s = *s + 1;
            k = k + 1;
        };
        assert!(fast == seats);
    };
}
