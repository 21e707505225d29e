//! Acceptance 1: no sequence of operations on the reference model creates or loses FROST,
//! and every refusal leaves the state exactly as it was.

use floe_economics::model::governance::ParamChange;
use floe_economics::model::storage::derive_blob_id;
use floe_economics::model::{ObjectId, Params, System};
use floe_economics::performance::PerformanceCurve;
use floe_economics::price::PriceVote;
use floe_economics::storage_cost::encoded_blob_length;
use proptest::prelude::*;

const ACCOUNTS: u64 = 5;

#[derive(Debug, Clone)]
enum Op {
    Stake(u8, u8, u64),
    RequestWithdraw(u8, bool),
    Withdraw(u8, bool),
    SetCommission(u8, u16),
    Collect(u8),
    VotePrices(u8, u64, u64, u64),
    Report(u8, u64),
    Sample,
    Select,
    Advance,
    Reserve(u8, u64, u32),
    Register(u8, u64, bool, bool),
    Certify(u8, u64, bool),
    Extend(u8, u32),
    Delete(u8),
    SplitEpoch(u8, u32),
    SplitSize(u8, u64),
    Fuse(u8, u8),
    Results(u8, u16, bool),
    Settle(u8, u8, u64),
    Claim(u8, u8, u8),
    Fallback(u8),
    Propose(u8, u8),
    GovVote(u8, u8, bool),
    Execute(u8),
    Seed(u8),
    SplitStake(u8, u64),
    JoinStake(u8, u8),
    TransferStake(u8, u8),
    Finalize(u8),
    Attribute(u8, u8),
    Burn(u8),
    Replace(u8, u64),
    Share(u8, u64),
    FundShared(u8, u8, u64),
    ExtendShared(u8, u32),
    CreatePool(u8),
    RegisterPooled(u8, u64, bool),
    CertifyPooled(u8, u8, u64),
    DeletePooled(u8, u8),
    ExtendPool(u8, u32),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (any::<u8>(), any::<u8>(), 0u64..5_000_000).prop_map(|(a, p, x)| Op::Stake(a, p, x)),
        1 => (any::<u8>(), any::<bool>()).prop_map(|(i, o)| Op::RequestWithdraw(i, o)),
        1 => (any::<u8>(), any::<bool>()).prop_map(|(i, o)| Op::Withdraw(i, o)),
        1 => (any::<u8>(), 0u16..12_000).prop_map(|(p, b)| Op::SetCommission(p, b)),
        1 => any::<u8>().prop_map(Op::Collect),
        1 => (any::<u8>(), 1u64..5_000, 1u64..5_000, 0u64..50_000_000).prop_map(|(p, s, w, c)| Op::VotePrices(p, s, w, c)),
        2 => (any::<u8>(), 0u64..3_000_000_000).prop_map(|(p, r)| Op::Report(p, r)),
        2 => Just(Op::Sample),
        1 => Just(Op::Select),
        2 => Just(Op::Advance),
        3 => (any::<u8>(), 0u64..30_000_000, 0u32..8).prop_map(|(a, s, e)| Op::Reserve(a, s, e)),
        2 => (any::<u8>(), 0u64..2_000_000, any::<bool>(), any::<bool>()).prop_map(|(i, s, d, g)| Op::Register(i, s, d, g)),
        2 => (any::<u8>(), 0u64..12, any::<bool>()).prop_map(|(i, w, e)| Op::Certify(i, w, e)),
        1 => (any::<u8>(), 0u32..6).prop_map(|(i, e)| Op::Extend(i, e)),
        1 => any::<u8>().prop_map(Op::Delete),
        1 => (any::<u8>(), 0u32..10).prop_map(|(i, e)| Op::SplitEpoch(i, e)),
        1 => (any::<u8>(), 0u64..30_000_000).prop_map(|(i, s)| Op::SplitSize(i, s)),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(i, j)| Op::Fuse(i, j)),
        2 => (any::<u8>(), 0u16..=10_000, any::<bool>()).prop_map(|(p, r, l)| Op::Results(p, r, l)),
        2 => (any::<u8>(), any::<u8>(), 0u64..12).prop_map(|(e, t, w)| Op::Settle(e, t, w)),
        3 => (any::<u8>(), any::<u8>(), any::<u8>()).prop_map(|(e, p, t)| Op::Claim(e, p, t)),
        1 => any::<u8>().prop_map(Op::Fallback),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(i, c)| Op::Propose(i, c)),
        1 => (any::<u8>(), any::<u8>(), any::<bool>()).prop_map(|(p, i, s)| Op::GovVote(p, i, s)),
        1 => any::<u8>().prop_map(Op::Execute),
        2 => any::<u8>().prop_map(Op::Seed),
        1 => (any::<u8>(), 0u64..3_000_000_000).prop_map(|(i, x)| Op::SplitStake(i, x)),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(i, j)| Op::JoinStake(i, j)),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(i, a)| Op::TransferStake(i, a)),
        1 => any::<u8>().prop_map(Op::Finalize),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(i, k)| Op::Attribute(i, k)),
        1 => any::<u8>().prop_map(Op::Burn),
        1 => (any::<u8>(), 0u64..2_000_000).prop_map(|(i, x)| Op::Replace(i, x)),
        1 => (any::<u8>(), 0u64..50_000_000).prop_map(|(i, x)| Op::Share(i, x)),
        1 => (any::<u8>(), any::<u8>(), 0u64..50_000_000).prop_map(|(i, a, x)| Op::FundShared(i, a, x)),
        1 => (any::<u8>(), 0u32..6).prop_map(|(i, e)| Op::ExtendShared(i, e)),
        1 => any::<u8>().prop_map(Op::CreatePool),
        2 => (any::<u8>(), 0u64..2_000_000, any::<bool>()).prop_map(|(i, x, d)| Op::RegisterPooled(i, x, d)),
        2 => (any::<u8>(), any::<u8>(), 0u64..12).prop_map(|(i, j, w)| Op::CertifyPooled(i, j, w)),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(i, j)| Op::DeletePooled(i, j)),
        1 => (any::<u8>(), 0u32..6).prop_map(|(i, e)| Op::ExtendPool(i, e)),
    ]
}

fn pick<T: Copy>(v: &[T], i: u8) -> Option<T> {
    if v.is_empty() {
        None
    } else {
        Some(v[i as usize % v.len()])
    }
}

fn account(i: u8) -> ObjectId {
    ObjectId::from_u64(1 + (i as u64 % ACCOUNTS))
}

fn setup() -> System {
    setup_with_fallback(1)
}

/// The test system; `fallback` is the settlement fallback delay (0: the pot is paid at the
/// epoch change, the core contracts' rule).
fn setup_with_fallback(fallback: u32) -> System {
    let params = Params {
        n_shards: 10,
        max_epochs_ahead: 5,
        min_stake: 100,
        rate_window_samples: 3,
        settlement_fallback_epochs: fallback,
        gov_voting_epochs: 1,
        gov_timelock_epochs: 1,
        ..Params::default()
    };
    let genesis: Vec<(ObjectId, u64)> = (1..=ACCOUNTS)
        .map(|a| (ObjectId::from_u64(a), 1_000_000_000_000))
        .collect();
    let mut s = System::new(params, &genesis).unwrap();
    for a in 1..=3u64 {
        let vote = PriceVote {
            storage_nano_usd: 1_000 * a,
            write_nano_usd: 500,
            capacity: 1 << 32,
        };
        let p = s.register_node(ObjectId::from_u64(a), 1000, vote).unwrap();
        s.stake(ObjectId::from_u64(a), p, 1_000_000 * a).unwrap();
    }
    s
}

/// Applies one operation; returns whether it succeeded.
fn apply(s: &mut System, op: &Op) -> bool {
    let pools: Vec<ObjectId> = s.pools.keys().copied().collect();
    let stakes: Vec<ObjectId> = s.stakes.keys().copied().collect();
    let storages: Vec<ObjectId> = s.storages.keys().copied().collect();
    let blobs: Vec<ObjectId> = s.blobs.keys().copied().collect();
    let ended: Vec<u32> = s.ended.keys().copied().collect();
    let proposals: Vec<u64> = s.proposals.keys().copied().collect();
    let shared: Vec<ObjectId> = s.shared_blobs.keys().copied().collect();
    let pools_s: Vec<ObjectId> = s.storage_pools.keys().copied().collect();
    let operator = |p: ObjectId| s.pools[&p].operator;
    let r = match *op {
        Op::Stake(a, p, x) => match pick(&pools, p) {
            Some(p) => s.stake(account(a), p, x).map(|_| ()),
            None => return false,
        },
        Op::RequestWithdraw(i, owner) => match pick(&stakes, i) {
            Some(id) => {
                let who = if owner {
                    s.stakes[&id].owner
                } else {
                    account(i)
                };
                s.request_withdraw_stake(who, id).map(|_| ())
            }
            None => return false,
        },
        Op::Withdraw(i, owner) => match pick(&stakes, i) {
            Some(id) => {
                let who = if owner {
                    s.stakes[&id].owner
                } else {
                    account(i)
                };
                s.withdraw_stake(who, id).map(|_| ())
            }
            None => return false,
        },
        Op::SetCommission(p, b) => {
            let p = pick(&pools, p).unwrap();
            s.set_commission(operator(p), p, b)
        }
        Op::Collect(p) => {
            let p = pick(&pools, p).unwrap();
            s.collect_commission(operator(p), p).map(|_| ())
        }
        Op::VotePrices(p, st, w, c) => {
            let p = pick(&pools, p).unwrap();
            let vote = PriceVote {
                storage_nano_usd: st,
                write_nano_usd: w,
                capacity: c,
            };
            s.vote_prices(operator(p), p, vote)
        }
        Op::Report(p, r) => {
            let p = pick(&pools, p).unwrap();
            s.report_rate(operator(p), p, r)
        }
        Op::Sample => s.sample_rate().map(|_| ()),
        Op::Select => s.select_committee(),
        Op::Advance => s.advance_epoch(),
        Op::Reserve(a, size, e) => s.reserve_space(account(a), size, e).map(|_| ()),
        Op::Register(i, size, deletable, good) => match pick(&storages, i) {
            Some(id) => {
                let owner = s.storages[&id].owner;
                let root = [i; 32];
                let blob_id = if good {
                    derive_blob_id(&root, 1, size)
                } else {
                    [0; 32]
                };
                s.register_blob(owner, id, blob_id, root, size, 1, deletable)
                    .map(|_| ())
            }
            None => return false,
        },
        Op::Certify(i, w, right) => match pick(&blobs, i) {
            Some(id) => s.certify_blob(id, if right { s.epoch } else { s.epoch + 1 }, w),
            None => return false,
        },
        Op::Extend(i, e) => match pick(&blobs, i) {
            Some(id) => s.extend_blob(s.blobs[&id].owner, id, e),
            None => return false,
        },
        Op::Delete(i) => match pick(&blobs, i) {
            Some(id) => s.delete_blob(s.blobs[&id].owner, id).map(|_| ()),
            None => return false,
        },
        Op::SplitEpoch(i, e) => match pick(&storages, i) {
            Some(id) => s
                .split_storage_by_epoch(s.storages[&id].owner, id, e)
                .map(|_| ()),
            None => return false,
        },
        Op::SplitSize(i, x) => match pick(&storages, i) {
            Some(id) => s
                .split_storage_by_size(s.storages[&id].owner, id, x)
                .map(|_| ()),
            None => return false,
        },
        Op::Fuse(i, j) => match (pick(&storages, i), pick(&storages, j)) {
            (Some(a), Some(b)) => s.fuse_storage(s.storages[&a].owner, a, b),
            _ => return false,
        },
        Op::Results(p, rate, long) => {
            let p = pick(&pools, p).unwrap();
            let n = s.committee.len() + usize::from(long && rate % 7 == 0);
            s.submit_challenge_results(operator(p), p, s.epoch, vec![rate; n])
        }
        Op::Settle(e, tamper, w) => match pick(&ended, e) {
            Some(e) => {
                let mut h = s.compute_settlement(e).unwrap().header;
                if tamper % 5 == 0 {
                    h.burned += 1;
                }
                s.submit_settlement(h, w)
            }
            None => return false,
        },
        Op::Claim(e, p, tamper) => match pick(&ended, e) {
            Some(e) => {
                let st = s.compute_settlement(e).unwrap();
                let Some(pool) = pick(&pools, p) else {
                    return false;
                };
                let Some((mut entry, proof)) = st.proof_for(&pool.0) else {
                    return false;
                };
                if tamper % 6 == 0 {
                    entry.staker_reward += 1;
                }
                s.claim(e, &entry, &proof).map(|_| ())
            }
            None => return false,
        },
        Op::Fallback(e) => match pick(&ended, e) {
            Some(e) => s.settle_fallback(e),
            None => return false,
        },
        Op::Propose(i, c) => match pick(&stakes, i) {
            Some(id) => {
                let change = match c % 5 {
                    0 => ParamChange::BurnBps(c as u16 * 40),
                    1 => ParamChange::MaxPriceStepBps(c as u32 * 10),
                    2 => ParamChange::Curve(PerformanceCurve {
                        zero_below_bps: 1000,
                        full_at_bps: 9000,
                    }),
                    3 => ParamChange::SettlementFallbackEpochs(c as u32 % 3),
                    _ => ParamChange::MinStake(c as u64),
                };
                s.propose(s.stakes[&id].owner, id, change).map(|_| ())
            }
            None => return false,
        },
        Op::GovVote(p, i, support) => match (pick(&proposals, p), pick(&stakes, i)) {
            (Some(p), Some(id)) => s.vote(s.stakes[&id].owner, p, id, support),
            _ => return false,
        },
        Op::Execute(p) => match pick(&proposals, p) {
            Some(p) => s.execute_proposal(p).map(|_| ()),
            None => return false,
        },
        Op::Seed(b) => s.draw_challenge_seed([b; 32]),
        Op::SplitStake(i, x) => match pick(&stakes, i) {
            Some(id) => s.split_stake(s.stakes[&id].owner, id, x).map(|_| ()),
            None => return false,
        },
        Op::JoinStake(i, j) => match (pick(&stakes, i), pick(&stakes, j)) {
            (Some(a), Some(b)) => s.join_stake(s.stakes[&a].owner, a, b),
            _ => return false,
        },
        Op::TransferStake(i, a) => match pick(&stakes, i) {
            Some(id) => s.transfer_stake(s.stakes[&id].owner, id, account(a)),
            None => return false,
        },
        Op::Finalize(p) => match pick(&proposals, p) {
            Some(p) => s.finalize_proposal(p).map(|_| ()),
            None => return false,
        },
        Op::Attribute(i, k) => match pick(&blobs, i) {
            Some(id) => {
                let key = format!("k{}", k % 40);
                if k % 3 == 0 {
                    s.remove_blob_attribute(s.blobs[&id].owner, id, &key)
                        .map(|_| ())
                } else {
                    s.set_blob_attribute(s.blobs[&id].owner, id, key, "v".into())
                }
            }
            None => return false,
        },
        Op::Burn(i) => match pick(&blobs, i) {
            Some(id) => s.burn_blob(s.blobs[&id].owner, id).map(|_| ()),
            None => return false,
        },
        Op::Replace(i, size) => match pick(&blobs, i) {
            Some(id) => {
                let root = [i ^ 0x55; 32];
                let blob_id = derive_blob_id(&root, 1, size);
                s.replace_blob(s.blobs[&id].owner, id, blob_id, root, size, 1)
            }
            None => return false,
        },
        Op::Share(i, funds) => match pick(&blobs, i) {
            Some(id) => s.share_blob(s.blobs[&id].owner, id, funds).map(|_| ()),
            None => return false,
        },
        Op::FundShared(i, a, x) => match pick(&shared, i) {
            Some(id) => s.fund_shared_blob(account(a), id, x).map(|_| ()),
            None => return false,
        },
        Op::ExtendShared(i, e) => match pick(&shared, i) {
            Some(id) => s.extend_shared_blob(id, e).map(|_| ()),
            None => return false,
        },
        Op::CreatePool(i) => match pick(&storages, i) {
            Some(id) => s.create_storage_pool(s.storages[&id].owner, id).map(|_| ()),
            None => return false,
        },
        Op::RegisterPooled(i, size, deletable) => match pick(&pools_s, i) {
            Some(p) => {
                let root = [i; 32];
                let blob_id = derive_blob_id(&root, 1, size);
                let owner = s.storage_pools[&p].owner;
                s.register_pooled_blob(owner, p, blob_id, root, size, 1, deletable)
                    .map(|_| ())
            }
            None => return false,
        },
        Op::CertifyPooled(i, j, w) => match pick(&pools_s, i) {
            Some(p) => {
                let ids: Vec<[u8; 32]> = s.storage_pools[&p].blobs.keys().copied().collect();
                match pick(&ids, j) {
                    Some(b) => s.certify_pooled_blob(p, b, s.epoch, w),
                    None => return false,
                }
            }
            None => return false,
        },
        Op::DeletePooled(i, j) => match pick(&pools_s, i) {
            Some(p) => {
                let ids: Vec<[u8; 32]> = s.storage_pools[&p].blobs.keys().copied().collect();
                match pick(&ids, j) {
                    Some(b) => s
                        .delete_pooled_blob(s.storage_pools[&p].owner, p, b)
                        .map(|_| ()),
                    None => return false,
                }
            }
            None => return false,
        },
        Op::ExtendPool(i, e) => match pick(&pools_s, i) {
            Some(p) => s
                .extend_storage_pool(s.storage_pools[&p].owner, p, e)
                .map(|_| ()),
            None => return false,
        },
    };
    r.is_ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn no_frost_created_or_lost(
        fallback in 0u32..2,
        ops in prop::collection::vec(op(), 1..80),
    ) {
        let mut s = setup_with_fallback(fallback);
        let supply = s.supply as u128;
        prop_assert_eq!(s.total_frost(), supply);
        for op in &ops {
            let before = s.clone();
            let ok = apply(&mut s, op);
            if !ok {
                prop_assert_eq!(&s, &before, "a refusal changed the state: {:?}", op);
            }
            prop_assert_eq!(s.total_frost(), supply, "after {:?}", op);
        }
    }
}

/// A scripted life cycle exercising every step, so the property test above is known to reach
/// the interesting states (settlement, claims, withdrawals, governance).
#[test]
fn full_cycle() {
    let mut s = setup();
    let supply = s.supply as u128;
    start_priced(&mut s);
    assert_eq!(s.committee.values().map(|v| v.len()).sum::<usize>(), 10);
    assert!(s.storage_price > 0);
    let buyer = ObjectId::from_u64(4);
    let size = 1_000_000u64;
    let enc = encoded_blob_length(size, 10).unwrap();
    let st = s.reserve_space(buyer, enc, 3).unwrap();
    let root = [9u8; 32];
    let blob = s
        .register_blob(
            buyer,
            st,
            derive_blob_id(&root, 1, size),
            root,
            size,
            1,
            true,
        )
        .unwrap();
    assert_eq!(
        s.certify_blob(blob, s.epoch, 6),
        Err(floe_economics::Error::EBelowQuorum)
    );
    s.certify_blob(blob, s.epoch, 7).unwrap();
    let committee: Vec<ObjectId> = s.committee.keys().copied().collect();
    assert_eq!(
        s.submit_challenge_results(
            s.pools[&committee[0]].operator,
            committee[0],
            s.epoch,
            vec![10_000; committee.len()]
        ),
        Err(floe_economics::Error::ENoChallengeSeed)
    );
    s.draw_challenge_seed([7; 32]).unwrap();
    assert_eq!(
        s.draw_challenge_seed([8; 32]),
        Err(floe_economics::Error::ESeedAlreadyDrawn)
    );
    for p in &committee {
        let op = s.pools[p].operator;
        s.submit_challenge_results(op, *p, s.epoch, vec![10_000; committee.len()])
            .unwrap();
    }
    let e = s.epoch;
    s.advance_epoch().unwrap();
    let st = s.compute_settlement(e).unwrap();
    assert!(st.header.pot > 0);
    s.submit_settlement(st.header, 7).unwrap();
    for p in &committee {
        let (entry, proof) = st.proof_for(&p.0).unwrap();
        let rate_before = s.exchange_rate(p).unwrap();
        s.claim(e, &entry, &proof).unwrap();
        assert_eq!(
            s.claim(e, &entry, &proof),
            Err(floe_economics::Error::EAlreadyClaimed)
        );
        let rate_after = s.exchange_rate(p).unwrap();
        assert!(rate_after.frost * rate_before.shares >= rate_before.frost * rate_after.shares);
    }
    // Withdraw a stake: request, epoch change, withdraw with rewards.
    let (sid, staked) = s.stakes.iter().next().map(|(k, v)| (*k, *v)).unwrap();
    s.request_withdraw_stake(staked.owner, sid).unwrap();
    assert_eq!(
        s.withdraw_stake(staked.owner, sid),
        Err(floe_economics::Error::EWithdrawEpochNotReached)
    );
    s.advance_epoch().unwrap();
    let got = s.withdraw_stake(staked.owner, sid).unwrap();
    assert!(got > staked.principal, "principal plus rewards: {got}");
    // Fallback for an unsettled epoch.
    let e2 = s.epoch - 1;
    assert_eq!(
        s.settle_fallback(e2),
        Err(floe_economics::Error::EFallbackTooEarly)
    );
    s.advance_epoch().unwrap();
    s.settle_fallback(e2).unwrap();
    // Governance.
    let voter = *s.stakes.keys().next().unwrap();
    let owner = s.stakes[&voter].owner;
    let prop = s.propose(owner, voter, ParamChange::BurnBps(1234)).unwrap();
    for (id, st) in s.stakes.clone() {
        s.vote(st.owner, prop, id, true).unwrap();
    }
    assert_eq!(
        s.vote(owner, prop, voter, true),
        Err(floe_economics::Error::EAlreadyVoted)
    );
    assert_eq!(
        s.execute_proposal(prop),
        Err(floe_economics::Error::EVotingOpen)
    );
    s.advance_epoch().unwrap();
    assert_eq!(
        s.execute_proposal(prop),
        Err(floe_economics::Error::ETimelockNotElapsed)
    );
    s.advance_epoch().unwrap();
    s.execute_proposal(prop).unwrap();
    assert_eq!(s.params.burn_bps, 1234);
    assert_eq!(s.total_frost(), supply);
}

/// Every node reports a WAL/USD rate, the first committee takes over and a rate sample
/// prices storage.
fn start_priced(s: &mut System) {
    for (id, p) in s.pools.clone() {
        s.report_rate(p.operator, id, 400_000_000).unwrap();
    }
    s.advance_epoch().unwrap();
    s.sample_rate().unwrap();
}

/// With a fallback delay of 0 the epoch change pays the ended epoch's pot on the spot, before
/// the pools advance: nothing is left to settle or claim, the stakers' share is in the pools,
/// and governance cannot switch settlement off that way.
#[test]
fn zero_fallback_pays_at_the_epoch_change() {
    let mut s = setup_with_fallback(0);
    let supply = s.supply as u128;
    start_priced(&mut s);
    s.reserve_space(ObjectId::from_u64(1), 1 << 20, 1).unwrap();
    let e = s.epoch;
    let pot = s.future[0].rewards;
    assert!(pot > 0);
    let before: u128 = s.pools.values().map(|p| p.active_frost as u128).sum();
    let burned_before = s.burned;
    s.advance_epoch().unwrap();
    let ended = &s.ended[&e];
    assert_eq!(ended.remaining, 0);
    let header = ended.settled.expect("paid at the change");
    assert_eq!(header.pot, pot);
    assert_eq!(s.burned - burned_before, header.burned);
    let commission: u64 = s.pools.values().map(|p| p.commission_balance).sum();
    let after: u128 = s.pools.values().map(|p| p.active_frost as u128).sum();
    assert_eq!(after - before + commission as u128, header.paid as u128);
    assert_eq!(
        s.settle_fallback(e),
        Err(floe_economics::Error::EAlreadySettled)
    );
    assert_eq!(s.total_frost(), supply);
    let (voter, staked) = s.stakes.iter().next().map(|(k, v)| (*k, *v)).unwrap();
    assert_eq!(
        s.propose(
            staked.owner,
            voter,
            ParamChange::SettlementFallbackEpochs(0)
        ),
        Err(floe_economics::Error::EInvalidParameter)
    );
}

/// A reward claimed by a pool whose stakers have all left goes to the commission: nobody owns
/// the pool's shares, and the next staker must not inherit it (the contracts' rule).
#[test]
fn reward_of_a_pool_without_shares_is_commission() {
    let mut s = setup();
    let supply = s.supply as u128;
    start_priced(&mut s);
    s.reserve_space(ObjectId::from_u64(1), 1 << 20, 1).unwrap();
    let e = s.epoch;
    // Every staker asks to leave; they are gone at the change that ends epoch `e`.
    for (id, st) in s.stakes.clone() {
        s.request_withdraw_stake(st.owner, id).unwrap();
    }
    s.advance_epoch().unwrap();
    assert!(s
        .pools
        .values()
        .all(|p| p.shares == 0 && p.active_frost == 0));
    let st = s.compute_settlement(e).unwrap();
    s.submit_settlement(st.header, 10).unwrap();
    for entry in &st.entries {
        let (entry, proof) = st.proof_for(&entry.pool_id).unwrap();
        let pool = ObjectId(entry.pool_id);
        let before = s.pools[&pool].commission_balance;
        s.claim(e, &entry, &proof).unwrap();
        let p = &s.pools[&pool];
        assert_eq!(p.active_frost, 0);
        assert_eq!(
            p.commission_balance - before,
            entry.staker_reward + entry.commission
        );
    }
    assert_eq!(s.total_frost(), supply);
}
