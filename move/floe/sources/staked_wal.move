/// `StakedWal`: the receipt of a stake. It holds the staked principal itself; the rewards stay
/// in the pool until withdrawal. Receipts of the same node and activation epoch that are not
/// withdrawing can be split and joined, every part holding at least 1 WAL.
///
/// A receipt has `key` only: it changes hands through `floe::system::transfer_staked_wal`, and
/// is split and joined through `floe::system`, each of which emits an event, so an indexer
/// follows every position from events alone. Governance counts each receipt's principal once
/// per proposal: a receipt made or enlarged by a split or a join may vote only in snapshots
/// from the next epoch on (`votable_from`), so no principal can vote twice.
module floe::staked_wal;

use sui::balance::Balance;
use wal::wal::WAL;

/// Smallest principal of a receipt (1 WAL).
const MIN_STAKED_WAL: u64 = 1_000_000_000;

/// A part of a split would hold less than 1 WAL.
const ENotEnoughStake: u64 = 10;
/// The receipt is not withdrawing.
const ENotWithdrawing: u64 = 17;
/// A withdrawing receipt cannot be split or joined.
const EAlreadyWithdrawing: u64 = 16;
/// Receipts of different nodes or activation epochs cannot be joined.
const EIncompatibleStake: u64 = 106;

public enum StakedWalState has copy, drop, store {
    /// Staked: counts from `activation_epoch` until a withdrawal is requested.
    Staked,
    /// Withdrawal requested: the principal and rewards can be taken from `withdraw_epoch`.
    Withdrawing { withdraw_epoch: u32 },
}

public struct StakedWal has key {
    id: UID,
    node_id: ID,
    principal: Balance<WAL>,
    activation_epoch: u32,
    state: StakedWalState,
    /// First epoch whose governance snapshot this receipt may vote in.
    votable_from: u32,
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
        votable_from: activation_epoch,
    }
}

/// Smallest principal of a receipt, in FROST.
public fun min_staked_wal(): u64 { MIN_STAKED_WAL }

public fun node_id(s: &StakedWal): ID { s.node_id }

public fun value(s: &StakedWal): u64 { s.principal.value() }

public fun activation_epoch(s: &StakedWal): u32 { s.activation_epoch }

/// First epoch whose governance snapshot this receipt may vote in.
public fun votable_from(s: &StakedWal): u32 { s.votable_from }

/// Whether the receipt's principal is active at `epoch`: activated by then and not leaving
/// at or before it.
public fun is_active_at(s: &StakedWal, epoch: u32): bool {
    s.activation_epoch <= epoch && match (s.state) {
        StakedWalState::Staked => true,
        StakedWalState::Withdrawing { withdraw_epoch } => withdraw_epoch > epoch,
    }
}

/// Whether the receipt may vote in the governance snapshot of `epoch`.
public fun can_vote_at(s: &StakedWal, epoch: u32): bool {
    s.is_active_at(epoch) && s.votable_from <= epoch
}

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

/// Splits `amount` off into a new receipt with the same node and activation; in `epoch`, so
/// both parts may vote only from `epoch + 1` on.
public(package) fun split(
    s: &mut StakedWal,
    amount: u64,
    epoch: u32,
    ctx: &mut TxContext,
): StakedWal {
    assert!(!s.is_withdrawing(), EAlreadyWithdrawing);
    assert!(amount >= MIN_STAKED_WAL, ENotEnoughStake);
    assert!(s.principal.value() >= amount + MIN_STAKED_WAL, ENotEnoughStake);
    s.votable_from = s.votable_from.max(epoch + 1);
    StakedWal {
        id: object::new(ctx),
        node_id: s.node_id,
        principal: s.principal.split(amount),
        activation_epoch: s.activation_epoch,
        state: s.state,
        votable_from: s.votable_from,
    }
}

/// Joins `other` into `s` in `epoch`: same node and activation, neither withdrawing; the
/// result may vote only from `epoch + 1` on.
public(package) fun join(s: &mut StakedWal, other: StakedWal, epoch: u32) {
    assert!(!s.is_withdrawing() && !other.is_withdrawing(), EAlreadyWithdrawing);
    assert!(
        s.node_id == other.node_id && s.activation_epoch == other.activation_epoch,
        EIncompatibleStake,
    );
    s.votable_from = s.votable_from.max(other.votable_from).max(epoch + 1);
    let principal = other.into_balance();
    s.principal.join(principal);
}

/// Gives the receipt to `to`.
public(package) fun transfer_to(s: StakedWal, to: address) {
    transfer::transfer(s, to);
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
    assert!(s.votable_from() == 3 && s.can_vote_at(3) && !s.can_vote_at(2));
    let t = s.split(2 * MIN_STAKED_WAL, 4, ctx);
    assert!(s.value() == 3 * MIN_STAKED_WAL && t.value() == 2 * MIN_STAKED_WAL);
    assert!(t.node_id() == node && t.activation_epoch() == 3 && !t.is_withdrawing());
    // Split in epoch 4: neither part votes in the snapshot of epoch 4.
    assert!(!s.can_vote_at(4) && !t.can_vote_at(4) && t.can_vote_at(5));
    s.join(t, 6);
    assert!(s.value() == 5 * MIN_STAKED_WAL && s.votable_from() == 7);
    s.set_withdrawing(7);
    assert!(s.is_withdrawing() && s.withdraw_epoch() == 7);
    s.destroy_for_testing();
}

#[test, expected_failure(abort_code = ENotEnoughStake)]
fun split_leaving_dust_rejected() {
    let ctx = &mut tx_context::dummy();
    let node = object::id_from_address(@0x1);
    let mut s = mint(node, sui::balance::create_for_testing(MIN_STAKED_WAL + 1), 3, ctx);
    let t = s.split(MIN_STAKED_WAL, 3, ctx);
    t.destroy_for_testing();
    s.destroy_for_testing();
}

#[test, expected_failure(abort_code = EIncompatibleStake)]
fun join_other_activation_rejected() {
    let ctx = &mut tx_context::dummy();
    let node = object::id_from_address(@0x1);
    let mut s = mint(node, sui::balance::create_for_testing(MIN_STAKED_WAL), 3, ctx);
    s.join(mint(node, sui::balance::create_for_testing(MIN_STAKED_WAL), 4, ctx), 5);
    s.destroy_for_testing();
}

#[test, expected_failure(abort_code = ENotWithdrawing)]
fun withdraw_epoch_of_staked_rejected() {
    let ctx = &mut tx_context::dummy();
    let s = mint(object::id_from_address(@0x1), sui::balance::create_for_testing(1), 3, ctx);
    s.withdraw_epoch();
    s.destroy_for_testing();
}

#[test, expected_failure(abort_code = EAlreadyWithdrawing)]
fun split_of_withdrawing_rejected() {
    let ctx = &mut tx_context::dummy();
    let node = object::id_from_address(@0x1);
    let mut s = mint(node, sui::balance::create_for_testing(3 * MIN_STAKED_WAL), 3, ctx);
    s.set_withdrawing(5);
    let t = s.split(MIN_STAKED_WAL, 4, ctx);
    t.destroy_for_testing();
    s.destroy_for_testing();
}

#[test, expected_failure(abort_code = EAlreadyWithdrawing)]
fun join_of_withdrawing_rejected() {
    let ctx = &mut tx_context::dummy();
    let node = object::id_from_address(@0x1);
    let mut s = mint(node, sui::balance::create_for_testing(MIN_STAKED_WAL), 3, ctx);
    let mut t = mint(node, sui::balance::create_for_testing(MIN_STAKED_WAL), 3, ctx);
    t.set_withdrawing(5);
    s.join(t, 4);
    s.destroy_for_testing();
}

#[test]
fun activity_follows_the_withdrawal() {
    let ctx = &mut tx_context::dummy();
    let mut s = mint(object::id_from_address(@0x1), sui::balance::create_for_testing(1), 3, ctx);
    assert!(!s.is_active_at(2) && s.is_active_at(3));
    s.set_withdrawing(5);
    assert!(s.is_active_at(4) && !s.is_active_at(5));
    s.destroy_for_testing();
}
