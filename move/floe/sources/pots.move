/// The per-epoch reward pots: a ring buffer of `max_epochs_ahead` slots, slot `i` holding the
/// FROST paid for epoch `current + i` and the capacity already sold in it. Storage bought
/// ahead pays each future epoch's pot when bought; at each epoch change the ending epoch's pot
/// is taken out (to be burned in part and distributed) and its slot reused for the epoch that
/// becomes reachable.
module floe::pots;

use sui::balance::{Self, Balance};
use wal::wal::WAL;

/// The epoch is before the current epoch or beyond the ring buffer.
const EInvalidEpochsAhead: u64 = 23;

public struct Pot has store {
    used_capacity: u64,
    rewards: Balance<WAL>,
}

public struct Pots has store {
    /// Epoch of the slot at `head`.
    first_epoch: u32,
    head: u64,
    slots: vector<Pot>,
}

public(package) fun new(first_epoch: u32, length: u32): Pots {
    let mut slots = vector[];
    (length as u64).do!(|_| slots.push_back(Pot { used_capacity: 0, rewards: balance::zero() }));
    Pots { first_epoch, head: 0, slots }
}

/// Number of slots (epochs that can be paid ahead, current included).
public fun length(p: &Pots): u32 { p.slots.length() as u32 }

/// The epoch of the first slot (the current epoch).
public fun first_epoch(p: &Pots): u32 { p.first_epoch }

fun index(p: &Pots, epoch: u32): u64 {
    assert!(epoch >= p.first_epoch && epoch - p.first_epoch < p.length(), EInvalidEpochsAhead);
    (p.head + ((epoch - p.first_epoch) as u64)) % p.slots.length()
}

/// Capacity already sold in `epoch` (0 beyond the buffer).
public fun used_capacity(p: &Pots, epoch: u32): u64 {
    if (epoch < p.first_epoch || epoch - p.first_epoch >= p.length()) return 0;
    p.slots[p.index(epoch)].used_capacity
}

/// FROST paid so far for `epoch`.
public fun pot_value(p: &Pots, epoch: u32): u64 {
    p.slots[p.index(epoch)].rewards.value()
}

/// FROST held in all pots.
public fun total_held(p: &Pots): u64 {
    let mut sum = 0;
    p.slots.do_ref!(|s| sum = sum + s.rewards.value());
    sum
}

/// Records `size` more bytes sold in `epoch`.
public(package) fun add_used_capacity(p: &mut Pots, epoch: u32, size: u64) {
    let i = p.index(epoch);
    let slot = &mut p.slots[i];
    slot.used_capacity = slot.used_capacity + size;
}

/// Pays `payment` into the pot of `epoch`.
public(package) fun deposit(p: &mut Pots, epoch: u32, payment: Balance<WAL>) {
    let i = p.index(epoch);
    p.slots[i].rewards.join(payment);
}

/// Ends the current epoch: returns its pot and reuses the slot for the newly reachable epoch.
public(package) fun advance(p: &mut Pots): Balance<WAL> {
    let len = p.slots.length();
    let head = p.head;
    let slot = &mut p.slots[head];
    slot.used_capacity = 0;
    let out = slot.rewards.withdraw_all();
    p.head = (p.head + 1) % len;
    p.first_epoch = p.first_epoch + 1;
    out
}

#[test]
fun ring_buffer_moves_with_epochs() {
    let mut p = new(5, 3);
    p.deposit(5, balance::create_for_testing(10));
    p.deposit(7, balance::create_for_testing(30));
    p.add_used_capacity(7, 100);
    assert!(p.total_held() == 40 && p.used_capacity(7) == 100 && p.used_capacity(9) == 0);
    let b = p.advance();
    assert!(b.value() == 10 && p.first_epoch() == 6);
    p.deposit(8, balance::create_for_testing(1));
    assert!(p.pot_value(8) == 1 && p.pot_value(7) == 30);
    b.destroy_for_testing();
    let b = p.advance();
    let c = p.advance();
    assert!(b.value() == 0 && c.value() == 30 && p.used_capacity(8) == 0);
    b.destroy_for_testing();
    c.destroy_for_testing();
    let Pots { slots, .. } = p;
    slots.destroy!(|s| {
        let Pot { rewards, .. } = s;
        rewards.destroy_for_testing();
    });
}

#[test, expected_failure(abort_code = EInvalidEpochsAhead)]
#[allow(lint(abort_without_constant))]
fun beyond_buffer_rejected() {
    let mut p = new(5, 3);
    p.deposit(8, balance::create_for_testing(1));
    abort 0
}
