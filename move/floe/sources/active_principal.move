/// The principal of every staked-WAL receipt active in an epoch: the eligible stake a
/// governance proposal's snapshot counts (a receipt is active from its activation epoch until
/// its withdrawal epoch). Receipts never change it directly: stake joins at its activation
/// epoch and leaves at its withdrawal epoch, so the changes are kept by epoch and folded in
/// when an epoch is read. Splits, joins and transfers move principal between receipts and leave
/// the total as it is. Changes are at most three epochs ahead, so the maps stay tiny.
module floe::active_principal;

use sui::vec_map::{Self, VecMap};

public struct ActivePrincipal has store {
    /// The epoch `amount` is for.
    epoch: u32,
    /// Principal active in `epoch`.
    amount: u64,
    /// Principal activating, by epoch.
    joining: VecMap<u32, u64>,
    /// Principal leaving, by epoch.
    leaving: VecMap<u32, u64>,
}

/// Nothing active in epoch `epoch`.
public(package) fun new(epoch: u32): ActivePrincipal {
    ActivePrincipal {
        epoch,
        amount: 0,
        joining: vec_map::empty(),
        leaving: vec_map::empty(),
    }
}

/// `amount` of principal becomes active at `epoch`.
public(package) fun add(a: &mut ActivePrincipal, epoch: u32, amount: u64) {
    add_to(&mut a.joining, epoch, amount);
}

/// `amount` of principal that was to become active at `epoch` never will (withdrawn early).
public(package) fun cancel(a: &mut ActivePrincipal, epoch: u32, amount: u64) {
    let v = &mut a.joining[&epoch];
    *v = *v - amount;
    if (*v == 0) {
        a.joining.remove(&epoch);
    };
}

/// `amount` of principal stops being active at `epoch` (its withdrawal epoch).
public(package) fun remove(a: &mut ActivePrincipal, epoch: u32, amount: u64) {
    add_to(&mut a.leaving, epoch, amount);
}

/// The principal active in `epoch` (not before the last epoch read).
public(package) fun at(a: &mut ActivePrincipal, epoch: u32): u64 {
    if (epoch > a.epoch) {
        let mut joined = 0;
        let mut left = 0;
        a.joining.keys().do!(|e| if (e <= epoch) {
            let (_, v) = a.joining.remove(&e);
            joined = joined + v;
        });
        a.leaving.keys().do!(|e| if (e <= epoch) {
            let (_, v) = a.leaving.remove(&e);
            left = left + v;
        });
        a.amount = a.amount + joined - left;
        a.epoch = epoch;
    };
    a.amount
}

fun add_to(m: &mut VecMap<u32, u64>, epoch: u32, amount: u64) {
    if (m.contains(&epoch)) {
        let v = &mut m[&epoch];
        *v = *v + amount;
    } else {
        m.insert(epoch, amount);
    }
}

#[test]
fun follows_activations_and_withdrawals() {
    let mut a = new(0);
    a.add(1, 100);
    a.add(2, 50);
    assert!(a.at(0) == 0);
    a.cancel(2, 20);
    assert!(a.at(1) == 100);
    a.remove(3, 60);
    assert!(a.at(2) == 130);
    assert!(a.at(3) == 70);
    assert!(a.at(9) == 70);
    let ActivePrincipal { joining, leaving, .. } = a;
    assert!(joining.is_empty() && leaving.is_empty());
}
