/// The settlement of an ended epoch: its pot kept in a vault with the committee that served the
/// epoch, the certified settlement root, the claims against it, and the fallback split by shards.
///
/// At the end of epoch `e` every node computes the same settlement from the chain's events
/// (`economics::settlement` in Rust: per-pool entries by shards, stored bytes and the
/// performance factors of the challenge results, with commission), signs the digest of its
/// header and anyone submits it with a 2/3 quorum certificate of `e`'s committee. Byte layouts,
/// identical to the Rust side (integers little-endian, `DOMAIN` = `floe/settlement/v1`,
/// `H` = Blake2b-256):
/// - entry: `epoch u32 ‖ pool_id (32) ‖ shards u16 ‖ performance_bps u16 ‖ staker_reward u64 ‖
///   commission u64`; leaf `H(0x00 ‖ DOMAIN ‖ entry)`; inner node `H(0x01 ‖ left ‖ right)`; an
///   odd level is padded with 32 zero bytes; entries are sorted by pool id;
/// - header: `epoch u32 ‖ n_entries u32 ‖ pot u64 ‖ burned u64 ‖ paid u64 ‖ entries_root (32)`;
///   digest `H(0x02 ‖ DOMAIN ‖ header)`; the committee signs `messages::settlement_bytes`;
/// - a proof is the leaf index and one sibling per level, `ceil(log2(n_entries))` of them; bit
///   `j` of the index is 0 where the running node is the left child.
module floe::settlement;

use floe::bls_committee::BlsCommittee;
use sui::{balance::Balance, bcs, hash};
use wal::wal::WAL;

/// Domain separator of settlement hashes.
const DOMAIN: vector<u8> = b"floe/settlement/v1";
const LEAF_PREFIX: u8 = 0;
const INNER_PREFIX: u8 = 1;
const HEADER_PREFIX: u8 = 2;
const BPS: u64 = 10_000;

/// The epoch was already settled (by a certificate or the fallback).
const EAlreadySettled: u64 = 38;
/// The epoch has no certified settlement to claim from.
const ENotSettled: u64 = 39;
/// The settlement does not account for the pot exactly, or a claim exceeds what is left.
const ESettlementMismatch: u64 = 40;
/// The Merkle proof does not lead from the entry to the certified root.
const EInvalidProof: u64 = 41;
/// The pool's entry was already claimed.
const EAlreadyClaimed: u64 = 42;

/// An ended epoch awaiting settlement, or settled and paying claims.
public struct EndedEpoch has store {
    epoch: u32,
    /// The committee that served the epoch (its certificate settles it).
    committee: BlsCommittee,
    /// Each member's commission rate in force in the epoch, in committee order.
    commission_rates: vector<u16>,
    /// The pot as it was closed.
    pot: u64,
    /// The pot until settlement, then what is left to claim.
    vault: Balance<WAL>,
    settled: bool,
    n_entries: u32,
    entries_root: vector<u8>,
    /// Pools whose entry was paid.
    claimed: vector<ID>,
}

/// The ended `epoch`, its committee and their commission rates, holding `pot`.
public(package) fun new(
    epoch: u32,
    committee: BlsCommittee,
    commission_rates: vector<u16>,
    pot: Balance<WAL>,
): EndedEpoch {
    EndedEpoch {
        epoch,
        committee,
        commission_rates,
        pot: pot.value(),
        vault: pot,
        settled: false,
        n_entries: 0,
        entries_root: vector[],
        claimed: vector[],
    }
}

public fun epoch(e: &EndedEpoch): u32 { e.epoch }

public fun committee(e: &EndedEpoch): &BlsCommittee { &e.committee }

public fun pot(e: &EndedEpoch): u64 { e.pot }

public fun is_settled(e: &EndedEpoch): bool { e.settled }

public fun entries_root(e: &EndedEpoch): vector<u8> { e.entries_root }

public fun n_entries(e: &EndedEpoch): u32 { e.n_entries }

/// FROST still held for the epoch (unsettled pot or unclaimed rewards).
public fun remaining(e: &EndedEpoch): u64 { e.vault.value() }

/// Whether `pool_id`'s entry was paid.
public fun is_claimed(e: &EndedEpoch, pool_id: &ID): bool { e.claimed.contains(pool_id) }

// === Layouts ===

/// The digest the committee signs for a settlement header.
public fun header_digest(
    epoch: u32,
    n_entries: u32,
    pot: u64,
    burned: u64,
    paid: u64,
    entries_root: &vector<u8>,
): vector<u8> {
    let mut b = vector[HEADER_PREFIX];
    b.append(DOMAIN);
    b.append(bcs::to_bytes(&epoch));
    b.append(bcs::to_bytes(&n_entries));
    b.append(bcs::to_bytes(&pot));
    b.append(bcs::to_bytes(&burned));
    b.append(bcs::to_bytes(&paid));
    b.append(*entries_root);
    hash::blake2b256(&b)
}

/// The leaf hash of one pool's entry.
public fun leaf(
    epoch: u32,
    pool_id: ID,
    shards: u16,
    performance_bps: u16,
    staker_reward: u64,
    commission: u64,
): vector<u8> {
    let mut b = vector[LEAF_PREFIX];
    b.append(DOMAIN);
    b.append(bcs::to_bytes(&epoch));
    b.append(pool_id.to_bytes());
    b.append(bcs::to_bytes(&shards));
    b.append(bcs::to_bytes(&performance_bps));
    b.append(bcs::to_bytes(&staker_reward));
    b.append(bcs::to_bytes(&commission));
    hash::blake2b256(&b)
}

/// Levels above the leaves of a tree of `n` leaves: `ceil(log2(n))`, 0 for `n <= 1`.
public fun tree_depth(n: u32): u64 {
    let mut depth = 0;
    let mut width = 1u64;
    while (width < (n as u64)) {
        width = width * 2;
        depth = depth + 1;
    };
    depth
}

/// Whether `leaf` is leaf `index` of the tree of `n_entries` leaves with root `root`.
public fun verify_proof(
    root: &vector<u8>,
    n_entries: u32,
    leaf: vector<u8>,
    index: u32,
    siblings: &vector<vector<u8>>,
): bool {
    if (index >= n_entries || siblings.length() != tree_depth(n_entries)) return false;
    let mut node = leaf;
    let mut i = index;
    let mut ok = true;
    siblings.do_ref!(|s| {
        if (s.length() != 32) ok = false;
        let mut b = vector[INNER_PREFIX];
        if (i & 1 == 0) {
            b.append(node);
            b.append(*s);
        } else {
            b.append(*s);
            b.append(node);
        };
        node = hash::blake2b256(&b);
        i = i >> 1;
    });
    ok && &node == root
}

// === Settling and claiming ===

/// Accepts a certified settlement header: checks it settles the pot exactly (`burned + paid`
/// is the pot: every FROST is either burned or claimable, so nothing is created or left
/// behind) and returns the part to burn; `paid` stays in the vault for the claims.
public(package) fun settle(
    e: &mut EndedEpoch,
    n_entries: u32,
    pot: u64,
    burned: u64,
    paid: u64,
    entries_root: vector<u8>,
): Balance<WAL> {
    assert!(!e.settled, EAlreadySettled);
    assert!(
        pot == e.pot && (burned as u128) + (paid as u128) == (pot as u128),
        ESettlementMismatch,
    );
    assert!(entries_root.length() == 32, ESettlementMismatch);
    e.settled = true;
    e.n_entries = n_entries;
    e.entries_root = entries_root;
    e.vault.split(burned)
}

/// Pays `pool_id`'s entry (verified by the caller against the root): checks it was not paid
/// and that the vault holds its total; returns the stakers' part and the commission.
public(package) fun take_claim(
    e: &mut EndedEpoch,
    pool_id: ID,
    staker_reward: u64,
    commission: u64,
): (Balance<WAL>, Balance<WAL>) {
    assert!(e.settled, ENotSettled);
    assert!(!e.claimed.contains(&pool_id), EAlreadyClaimed);
    let total = (staker_reward as u128) + (commission as u128);
    assert!(total <= (e.vault.value() as u128), ESettlementMismatch);
    e.claimed.push_back(pool_id);
    (e.vault.split(staker_reward), e.vault.split(commission))
}

/// Checks that an entry is in the certified settlement.
public(package) fun assert_entry(
    e: &EndedEpoch,
    pool_id: ID,
    shards: u16,
    performance_bps: u16,
    staker_reward: u64,
    commission: u64,
    index: u32,
    siblings: &vector<vector<u8>>,
) {
    assert!(e.settled, ENotSettled);
    let leaf = leaf(e.epoch, pool_id, shards, performance_bps, staker_reward, commission);
    assert!(verify_proof(&e.entries_root, e.n_entries, leaf, index, siblings), EInvalidProof);
}

/// The fallback: splits the pot by shards (the base weight when every node stores the same
/// bytes per shard) with the same rule as `economics::rewards::distribute` at full performance:
/// `burn_bps` of the pot burned, each member's `floor(rest * shards / n)` split into commission
/// (`floor(share * rate / 10000)`) and stakers' reward, the rounding remainder burned. Returns
/// the part to burn and, in committee order, each member's stakers' reward and commission;
/// marks the epoch settled and every member paid.
public(package) fun settle_by_shards(
    e: &mut EndedEpoch,
    burn_bps: u16,
): (Balance<WAL>, vector<Balance<WAL>>, vector<Balance<WAL>>) {
    assert!(!e.settled, EAlreadySettled);
    let total = e.pot;
    let burn = ((total as u128) * (burn_bps as u128) / (BPS as u128)) as u64;
    let rest = total - burn;
    let n = e.committee.n_shards() as u128;
    let mut stakers = vector[];
    let mut commissions = vector[];
    e.committee.n_members().do!(|i| {
        let full = ((rest as u128) * (e.committee.weight_at(i) as u128) / n) as u64;
        let commission = ((full as u128) * (e.commission_rates[i] as u128) / (BPS as u128)) as u64;
        commissions.push_back(e.vault.split(commission));
        stakers.push_back(e.vault.split(full - commission));
        e.claimed.push_back(e.committee.node_id_at(i));
    });
    e.settled = true;
    e.n_entries = e.committee.n_members() as u32;
    (e.vault.withdraw_all(), stakers, commissions)
}

#[test]
fun depth_of_trees() {
    assert!(tree_depth(0) == 0 && tree_depth(1) == 0 && tree_depth(2) == 1);
    assert!(tree_depth(3) == 2 && tree_depth(4) == 2 && tree_depth(5) == 3);
    assert!(tree_depth(200) == 8 && tree_depth(256) == 8 && tree_depth(257) == 9);
}

#[test]
fun two_leaf_proof() {
    let a = leaf(3, object::id_from_address(@0x1), 4, 10_000, 90, 10);
    let b = leaf(3, object::id_from_address(@0x2), 6, 5000, 40, 5);
    let mut inner = vector[INNER_PREFIX];
    inner.append(a);
    inner.append(b);
    let root = hash::blake2b256(&inner);
    assert!(verify_proof(&root, 2, a, 0, &vector[b]));
    assert!(verify_proof(&root, 2, b, 1, &vector[a]));
    assert!(!verify_proof(&root, 2, a, 1, &vector[b]));
    assert!(!verify_proof(&root, 2, a, 2, &vector[b]));
    assert!(!verify_proof(&root, 3, a, 0, &vector[b]));
    assert!(!verify_proof(&root, 2, a, 0, &vector[b, b]));
}

#[test_only]
fun ended_for_testing(pot: u64): EndedEpoch {
    let committee = floe::bls_committee::new(3, vector[]);
    new(3, committee, vector[], sui::balance::create_for_testing(pot))
}

#[test_only]
fun destroy_for_testing(e: EndedEpoch) {
    let EndedEpoch { vault, .. } = e;
    vault.destroy_for_testing();
}

#[test]
fun settle_then_claim() {
    let mut e = ended_for_testing(100);
    let burn = e.settle(2, 100, 10, 90, vector::tabulate!(32, |_| 1u8));
    assert!(burn.value() == 10 && e.remaining() == 90 && e.is_settled());
    let id = object::id_from_address(@0x1);
    let (staker, commission) = e.take_claim(id, 80, 5);
    assert!(staker.value() == 80 && commission.value() == 5 && e.remaining() == 5);
    assert!(e.is_claimed(&id));
    burn.destroy_for_testing();
    staker.destroy_for_testing();
    commission.destroy_for_testing();
    e.destroy_for_testing();
}

#[test, expected_failure(abort_code = EAlreadySettled)]
fun settle_twice_rejected() {
    let mut e = ended_for_testing(100);
    let a = e.settle(2, 100, 10, 90, vector::tabulate!(32, |_| 1u8));
    let b = e.settle(2, 100, 10, 90, vector::tabulate!(32, |_| 1u8));
    a.destroy_for_testing();
    b.destroy_for_testing();
    e.destroy_for_testing();
}

#[test, expected_failure(abort_code = ENotSettled)]
fun claim_before_settlement_rejected() {
    let mut e = ended_for_testing(100);
    let (a, b) = e.take_claim(object::id_from_address(@0x1), 1, 0);
    a.destroy_for_testing();
    b.destroy_for_testing();
    e.destroy_for_testing();
}

#[test, expected_failure(abort_code = EAlreadyClaimed)]
fun claim_twice_rejected() {
    let mut e = ended_for_testing(100);
    let burn = e.settle(2, 100, 0, 100, vector::tabulate!(32, |_| 1u8));
    let id = object::id_from_address(@0x1);
    let (a, b) = e.take_claim(id, 1, 0);
    let (c, d) = e.take_claim(id, 1, 0);
    vector[burn, a, b, c, d].destroy!(|x| x.destroy_for_testing());
    e.destroy_for_testing();
}

#[test, expected_failure(abort_code = ESettlementMismatch)]
fun claim_beyond_the_vault_rejected() {
    let mut e = ended_for_testing(100);
    let burn = e.settle(2, 100, 10, 90, vector::tabulate!(32, |_| 1u8));
    let (a, b) = e.take_claim(object::id_from_address(@0x1), 0xFFFF_FFFF_FFFF_FFFF, 1);
    vector[burn, a, b].destroy!(|x| x.destroy_for_testing());
    e.destroy_for_testing();
}

#[test, expected_failure(abort_code = ESettlementMismatch)]
fun malformed_root_rejected() {
    let mut e = ended_for_testing(100);
    let burn = e.settle(2, 100, 10, 90, vector[1, 2, 3]);
    burn.destroy_for_testing();
    e.destroy_for_testing();
}
