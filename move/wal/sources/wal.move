/// WAL, the token of Floe: 9 decimals (1 WAL = 10^9 FROST), a fixed supply minted once at
/// publication, and a treasury that can only burn.
///
/// The `TreasuryCap` never leaves the shared `ProtectedTreasury`: it is kept as a dynamic object
/// field and this module exposes no way to mint with it, so once the package's `UpgradeCap` is
/// made immutable the supply can only go down.
#[allow(deprecated_usage)]
module wal::wal;

use sui::{coin::{Self, Coin, TreasuryCap}, dynamic_object_field as dof};

/// Whole WAL minted at publication (5 billion).
const TOTAL_WAL: u64 = 5_000_000_000;
/// Decimals of WAL: 1 WAL = 10^9 FROST.
const DECIMALS: u8 = 9;
/// FROST in one WAL.
const FROST_PER_WAL: u64 = 1_000_000_000;

/// The one-time witness of the WAL coin type.
public struct WAL has drop {}

/// Shared holder of the `TreasuryCap<WAL>`; only burning goes through it.
public struct ProtectedTreasury has key {
    id: UID,
}

/// Dynamic object field key of the `TreasuryCap` inside the `ProtectedTreasury`.
public struct TreasuryCapKey has copy, drop, store {}

#[allow(lint(share_owned))]
fun init(otw: WAL, ctx: &mut TxContext) {
    let (mut cap, metadata) = coin::create_currency(
        otw,
        DECIMALS,
        b"WAL",
        b"WAL",
        b"The token of the Floe storage economy.",
        option::none(),
        ctx,
    );
    let supply = cap.mint(TOTAL_WAL * FROST_PER_WAL, ctx);
    transfer::public_freeze_object(metadata);
    let mut treasury = ProtectedTreasury { id: object::new(ctx) };
    dof::add(&mut treasury.id, TreasuryCapKey {}, cap);
    transfer::share_object(treasury);
    transfer::public_transfer(supply, ctx.sender());
}

/// FROST in one WAL.
public fun frost_per_wal(): u64 { FROST_PER_WAL }

/// The supply minted at publication, in FROST.
public fun initial_supply(): u64 { TOTAL_WAL * FROST_PER_WAL }

/// The current supply in FROST (the initial supply minus everything burned).
public fun total_supply(treasury: &ProtectedTreasury): u64 {
    treasury.cap().total_supply()
}

/// FROST burned since publication.
public fun burned(treasury: &ProtectedTreasury): u64 {
    initial_supply() - treasury.total_supply()
}

/// Burns a coin; anyone may burn their own WAL.
public fun burn(treasury: &mut ProtectedTreasury, coin: Coin<WAL>) {
    treasury.cap_mut().burn(coin);
}

fun cap(treasury: &ProtectedTreasury): &TreasuryCap<WAL> {
    dof::borrow(&treasury.id, TreasuryCapKey {})
}

fun cap_mut(treasury: &mut ProtectedTreasury): &mut TreasuryCap<WAL> {
    dof::borrow_mut(&mut treasury.id, TreasuryCapKey {})
}

/// Runs the publication `init` in tests of this and dependent packages.
#[test_only]
public fun init_for_testing(ctx: &mut TxContext) {
    init(WAL {}, ctx);
}

#[test]
fun supply_constants() {
    assert!(initial_supply() == 5_000_000_000_000_000_000);
    assert!(frost_per_wal() == 1_000_000_000);
}
