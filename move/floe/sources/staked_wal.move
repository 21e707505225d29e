/// `StakedWal`: the receipt of a stake. It holds the staked principal itself; the rewards stay
/// in the pool until withdrawal. Receipts of the same node, activation epoch and state can be
/// split and joined, every part holding at least 1 WAL.
module floe::staked_wal;

use sui::balance::Balance;
use wal::wal::WAL;

/// Smallest principal of a receipt (1 WAL).
const MIN_STAKED_WAL: u64 = 1_000_000_000;

/// A part of a split would hold less than 1 WAL.
const ENotEnoughStake: u64 = 10;
/// The receipt is not withdrawing.
const ENotWithdrawing: u64 = 17;
/// Receipts of different nodes, activation epochs or states cannot be joined.
const EIncompatibleStake: u64 = 106;

public enum StakedWalState has copy, drop, store {
    /// Staked: counts from `activation_epoch` until a withdrawal is requested.
    Staked,
    /// Withdrawal requested: the principal and rewards can be taken from `withdraw_epoch`.
    Withdrawing { withdraw_epoch: u32 },
}

public struct StakedWal has key, store {
    id: UID,
    node_id: ID,
    principal: Balance<WAL>,
    activation_epoch: u32,
    state: StakedWalState,
}

public(package) fun mint(
    node_id: ID,
    principal: Balance<WAL>,
    activation_epoch: u32,
    ctx: &mut TxContext,
): StakedWal {
    StakedWal {
        id: object::new(ctx),
        node_id,
        principal,
        activation_epoch,
        state: StakedWalState::Staked,
    }
}

/// Smallest principal of a receipt, in FROST.
public fun min_staked_wal(): u64 { MIN_STAKED_WAL }

public fun node_id(s: &StakedWal): ID { s.node_id }

public fun value(s: &StakedWal): u64 { s.principal.value() }

public fun activation_epoch(s: &StakedWal): u32 { s.activation_epoch }

public fun is_withdrawing(s: &StakedWal): bool {
    match (s.state) {
        StakedWalState::Staked => false,
        StakedWalState::Withdrawing { .. } => true,
    }
}

/// The epoch from which a withdrawing receipt can be withdrawn.
public fun withdraw_epoch(s: &StakedWal): u32 {
    match (s.state) {
        StakedWalState::Staked => abort ENotWithdrawing,
        StakedWalState::Withdrawing { withdraw_epoch } => withdraw_epoch,
    }
}

public(package) fun set_withdrawing(s: &mut StakedWal, withdraw_epoch: u32) {
    s.state = StakedWalState::Withdrawing { withdraw_epoch };
}

/// Destroys the receipt, returning its principal.
public(package) fun into_balance(s: StakedWal): Balance<WAL> {
    let StakedWal { id, principal, .. } = s;
    id.delete();
    principal
}

/// Splits `amount` off into a new receipt with the same node, activation and state.
public fun split(s: &mut StakedWal, amount: u64, ctx: &mut TxContext): StakedWal {
    assert!(amount >= MIN_STAKED_WAL, ENotEnoughStake);
    assert!(s.principal.value() >= amount + MIN_STAKED_WAL, ENotEnoughStake);
    StakedWal {
        id: object::new(ctx),
        node_id: s.node_id,
        principal: s.principal.split(amount),
        activation_epoch: s.activation_epoch,
        state: s.state,
    }
}

/// Joins `other` into `s`; both must have the same node, activation epoch and state.
public fun join(s: &mut StakedWal, other: StakedWal) {
    assert!(
        s.node_id == other.node_id
            && s.activation_epoch == other.activation_epoch
            && s.state == other.state,
        EIncompatibleStake,
    );
    let principal = other.into_balance();
    s.principal.join(principal);
}

#[test_only]
public fun destroy_for_testing(s: StakedWal) {
    s.into_balance().destroy_for_testing();
}

#[test]
fun split_and_join() {
    let ctx = &mut tx_context::dummy();
    let node = object::id_from_address(@0x1);
    let mut s = mint(node, sui::balance::create_for_testing(5 * MIN_STAKED_WAL), 3, ctx);
    let t = s.split(2 * MIN_STAKED_WAL, ctx);
    assert!(s.value() == 3 * MIN_STAKED_WAL && t.value() == 2 * MIN_STAKED_WAL);
    assert!(t.node_id() == node && t.activation_epoch() == 3 && !t.is_withdrawing());
    s.join(t);
    assert!(s.value() == 5 * MIN_STAKED_WAL);
    s.set_withdrawing(7);
    assert!(s.is_withdrawing() && s.withdraw_epoch() == 7);
    s.destroy_for_testing();
}

#[test, expected_failure(abort_code = ENotEnoughStake)]
fun split_leaving_dust_rejected() {
    let ctx = &mut tx_context::dummy();
    let node = object::id_from_address(@0x1);
    let mut s = mint(node, sui::balance::create_for_testing(MIN_STAKED_WAL + 1), 3, ctx);
    let t = s.split(MIN_STAKED_WAL, ctx);
    t.destroy_for_testing();
    s.destroy_for_testing();
}

#[test, expected_failure(abort_code = EIncompatibleStake)]
fun join_other_activation_rejected() {
    let ctx = &mut tx_context::dummy();
    let node = object::id_from_address(@0x1);
    let mut s = mint(node, sui::balance::create_for_testing(MIN_STAKED_WAL), 3, ctx);
    s.join(mint(node, sui::balance::create_for_testing(MIN_STAKED_WAL), 4, ctx));
    s.destroy_for_testing();
}

#[test, expected_failure(abort_code = ENotWithdrawing)]
fun withdraw_epoch_of_staked_rejected() {
    let ctx = &mut tx_context::dummy();
    let s = mint(object::id_from_address(@0x1), sui::balance::create_for_testing(1), 3, ctx);
    s.withdraw_epoch();
    s.destroy_for_testing();
}
