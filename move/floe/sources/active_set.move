/// The active set: the candidates for the next committee, at most `max_candidates` of them,
/// each with at least `min_candidate_stake` for the next epoch. Committee selection looks only
/// at these pools, so its cost is bounded by the cap whatever the number of registered nodes.
///
/// A pool's entry is refreshed whenever its stake for the next epoch changes (stake,
/// withdrawal, the epoch change for the committee's pools). A pool whose stake falls below the
/// minimum leaves; a newcomer joins while there is room, and when the set is full it displaces
/// the member with the smallest recorded stake if its own stake is larger (ties keep the
/// member). Members keep the order in which they joined, which breaks ties in the selection.
module floe::active_set;

use floe::sort;

/// Candidates and their recorded stakes (FROST for the next epoch), in joining order.
public struct ActiveSet has copy, drop, store {
    ids: vector<ID>,
    stakes: vector<u64>,
}

/// An empty set.
public(package) fun empty(): ActiveSet { ActiveSet { ids: vector[], stakes: vector[] } }

/// The candidates, in joining order.
public fun ids(set: &ActiveSet): vector<ID> { set.ids }

/// The recorded stake of each candidate, in the order of `ids`.
public fun stakes(set: &ActiveSet): vector<u64> { set.stakes }

/// Number of candidates.
public fun length(set: &ActiveSet): u64 { set.ids.length() }

/// True if `id` is a candidate.
public fun contains(set: &ActiveSet, id: &ID): bool { set.ids.contains(id) }

/// Records `stake` for `id` under the rules above.
public(package) fun update(
    set: &mut ActiveSet,
    id: ID,
    stake: u64,
    min_stake: u64,
    max_size: u64,
) {
    let (found, i) = set.ids.index_of(&id);
    if (found) {
        if (stake < min_stake) {
            set.ids.remove(i);
            set.stakes.remove(i);
        } else {
            let recorded = &mut set.stakes[i];
            *recorded = stake;
        };
        return
    };
    if (stake < min_stake || max_size == 0) return;
    if (set.ids.length() >= max_size) {
        let smallest = set.smallest();
        if (stake <= set.stakes[smallest]) return;
        set.ids.remove(smallest);
        set.stakes.remove(smallest);
    };
    set.ids.push_back(id);
    set.stakes.push_back(stake);
}

/// `update` for every `(ids[k], stakes[k])` in order, with the same result, but finding
/// members by bisection instead of a scan each: for the epoch change and the selection, which
/// refresh up to a few hundred pools at once.
public(package) fun update_all(
    set: &mut ActiveSet,
    ids: &vector<ID>,
    stakes: &vector<u64>,
    min_stake: u64,
    max_size: u64,
) {
    let keys = set.ids.map_ref!(|id| sort::id_key(id));
    let order = sort::order_asc_u256(&keys);
    // Entries leave by being marked and are dropped at the end, so positions stay valid.
    let mut live = set.ids.map_ref!(|_| true);
    let mut n_live = set.ids.length();
    ids.length().do!(|k| {
        let (id, stake) = (ids[k], stakes[k]);
        let pos = sort::find_u256(&keys, &order, sort::id_key(&id));
        if (pos.is_some() && live[*pos.borrow()]) {
            let i = pos.destroy_some();
            if (stake < min_stake) {
                let l = &mut live[i];
                *l = false;
                n_live = n_live - 1;
            } else {
                let recorded = &mut set.stakes[i];
                *recorded = stake;
            };
        } else if (stake >= min_stake && max_size > 0) {
            // A newcomer (rare here): joins, or displaces the smallest live member.
            let mut joins = true;
            if (n_live >= max_size) {
                let smallest = smallest_live(&set.stakes, &live);
                if (stake <= set.stakes[smallest]) joins = false
                else {
                    let l = &mut live[smallest];
                    *l = false;
                    n_live = n_live - 1;
                };
            };
            if (joins) {
                set.ids.push_back(id);
                set.stakes.push_back(stake);
                live.push_back(true);
                n_live = n_live + 1;
            };
        };
    });
    let mut i = set.ids.length();
    while (i > 0) {
        i = i - 1;
        if (!live[i]) {
            set.ids.remove(i);
            set.stakes.remove(i);
        };
    };
}

/// Drops the smallest stakes until at most `max_size` candidates remain (after the cap was
/// lowered).
public(package) fun truncate(set: &mut ActiveSet, max_size: u64) {
    while (set.ids.length() > max_size) {
        let smallest = set.smallest();
        set.ids.remove(smallest);
        set.stakes.remove(smallest);
    }
}

/// Index of the smallest stake among the `live` entries (the latest among equals); there is one.
fun smallest_live(stakes: &vector<u64>, live: &vector<bool>): u64 {
    let mut best = stakes.length();
    stakes.length().do!(|i| if (live[i] && (best == stakes.length() || stakes[i] <= stakes[best])) {
        best = i
    });
    best
}

/// Index of the smallest recorded stake (the latest joined among equals). The set is not empty.
fun smallest(set: &ActiveSet): u64 {
    let mut best = 0;
    set.stakes.length().do!(|i| if (set.stakes[i] <= set.stakes[best]) best = i);
    best
}

#[test_only]
fun id(n: u64): ID { object::id_from_address(sui::address::from_u256(n as u256)) }

#[test]
fun bounded_with_displacement() {
    let mut set = empty();
    set.update(id(1), 10, 5, 2);
    set.update(id(2), 4, 5, 2);
    assert!(set.ids() == vector[id(1)]);
    set.update(id(3), 20, 5, 2);
    // Full: an equal stake does not displace, a larger one displaces the smallest.
    set.update(id(4), 10, 5, 2);
    assert!(set.ids() == vector[id(1), id(3)]);
    set.update(id(4), 11, 5, 2);
    assert!(set.ids() == vector[id(3), id(4)] && set.stakes() == vector[20, 11]);
    // A member's stake is refreshed; below the minimum it leaves.
    set.update(id(3), 30, 5, 2);
    set.update(id(4), 1, 5, 2);
    assert!(set.ids() == vector[id(3)] && set.stakes() == vector[30]);
    set.update(id(5), 7, 5, 2);
    set.truncate(1);
    assert!(set.ids() == vector[id(3)] && set.length() == 1 && set.contains(&id(3)));
}

#[test]
/// `update_all` gives what `update` one by one gives, joins and displacements included.
fun update_all_matches_updates() {
    let mut a = empty();
    let mut b = empty();
    vector[1, 2, 3].do!(|n| {
        a.update(id(n), 10 * n, 5, 3);
        b.update(id(n), 10 * n, 5, 3);
    });
    let ids = vector[id(2), id(4), id(1), id(5), id(3), id(6)];
    let stakes = vector[4, 25, 12, 8, 33, 40];
    ids.length().do!(|k| a.update(ids[k], stakes[k], 5, 3));
    b.update_all(&ids, &stakes, 5, 3);
    assert!(a.ids() == b.ids() && a.stakes() == b.stakes());
    assert!(b.ids() == vector[id(3), id(4), id(6)]);
}
