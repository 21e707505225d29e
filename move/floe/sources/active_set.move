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

/// Drops the smallest stakes until at most `max_size` candidates remain (after the cap was
/// lowered).
public(package) fun truncate(set: &mut ActiveSet, max_size: u64) {
    while (set.ids.length() > max_size) {
        let smallest = set.smallest();
        set.ids.remove(smallest);
        set.stakes.remove(smallest);
    }
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
