//! One operation applied to the reference model, with the events the Move code emits.
//!
//! Each operation is checked and applied by `economics`' [`System`], which refuses exactly
//! what the contracts refuse and leaves the state untouched when it does. The events are
//! those of `move/floe/sources` for the same entry function, in the same order, with values
//! read from the model before and after the change.

use floe_economics::events::{
    BlobAttributeRemoved, BlobAttributeSet, BlobBurned, BlobCertified, BlobDeleted, BlobRegistered,
    BlobReplaced, CapacityVoted, ChallengeResultsSubmitted, ChallengeSeedDrawn,
    CommissionCollected, CommissionRateSet, CommissionReceiverSet, CommitteeSelected,
    EpochChangeDone, EpochChangeStart, EpochParametersSelected, EpochPotClosed, EpochPricing,
    EpochSettled, EpochSettledByFallback, FloeEvent, NodeRegistered, PoolAdvanced,
    PooledBlobCertified, PooledBlobDeleted, PooledBlobRegistered, PriceVoted, PricesUpdated,
    ProposalCreated, ProposalExecuted, ProposalFinalized, RewardsClaimed, SharedBlobCreated,
    SharedBlobExtended, SharedBlobFunded, StakeDeposited, StakeWithdrawn, StakedWalJoined,
    StakedWalSplit, StakedWalTransferred, StorageFused, StoragePoolCreated, StoragePoolExtended,
    StorageReserved, StorageSplit, UsdPricesSelected, VoteCast, WalUsdRateSampled, WalUsdReported,
    WithdrawalRequested, WriteFeePaid,
};
use floe_economics::model::{ObjectId, System};
use floe_economics::price::{next_usd_prices, PriceVote, UsdPrices};
use floe_economics::Epoch;
use floe_economics::{Error, Result};

use crate::chain::{Id, Operation, Outcome};

/// Longest node name, in bytes (Move's `system_inner::MAX_NAME_LENGTH`).
pub const MAX_NAME_LENGTH: usize = 100;
/// Longest network address, in bytes (Move's `system_inner::MAX_NETWORK_ADDRESS_LENGTH`).
pub const MAX_NETWORK_ADDRESS_LENGTH: usize = 260;

/// `certify_blob`: the model's checks, then `BlobCertified`.
fn certify_blob(
    s: &mut System,
    ev: &mut Vec<FloeEvent>,
    id: Id,
    cert_epoch: Epoch,
    signers_shards: u64,
) -> Result<Outcome> {
    s.certify_blob(id, cert_epoch, signers_shards)?;
    let b = s.blobs.get(&id).copied().ok_or(Error::EUnknownBlob)?;
    ev.push(FloeEvent::BlobCertified(BlobCertified {
        epoch: s.epoch,
        blob_id: b.blob_id,
        end_epoch: b.storage.end,
        deletable: b.deletable,
        object_id: id.0,
        is_extension: false,
    }));
    Ok(Outcome::Done)
}

/// Checks a certificate of `message` as Move's `bls_committee::verify_quorum` does, against
/// `committee` (node ids and shards in committee order, keys as registered): the bitmap
/// (`EInvalidBitmap`), the 2/3 shard quorum (`EBelowQuorum`), the aggregate signature
/// (`EInvalidSignature`). Returns the signers' shards.
fn verify_quorum(
    s: &System,
    committee: &[(ObjectId, u16)],
    signature: &[u8],
    signers_bitmap: &[u8],
    message: &[u8],
) -> Result<u64> {
    use crate::bls::{self, BlsError, Member};
    let n_shards: u64 = committee.iter().map(|(_, w)| u64::from(*w)).sum();
    let members: Vec<Member<'_>> = committee
        .iter()
        .map(|(node, weight)| Member {
            public_key: s.bls_keys.get(node).map_or(&[][..], Vec::as_slice),
            weight: *weight,
        })
        .collect();
    let quorum = |w| bls::is_quorum(w, n_shards);
    bls::verify_certificate(
        &members,
        quorum,
        n_shards,
        signature,
        signers_bitmap,
        message,
    )
    .map_err(|e| match e {
        BlsError::InvalidBitmap { .. } => Error::EInvalidBitmap,
        BlsError::BelowQuorum { .. } => Error::EBelowQuorum,
        BlsError::InvalidSignature | BlsError::Invalid { .. } => Error::EInvalidSignature,
    })
}

/// `certify_pooled_blob`: the model's checks, then `PooledBlobCertified`.
fn certify_pooled_blob(
    s: &mut System,
    ev: &mut Vec<FloeEvent>,
    pool: Id,
    blob_id: Id,
    cert_epoch: Epoch,
    signers_shards: u64,
) -> Result<Outcome> {
    s.certify_pooled_blob(pool, blob_id.0, cert_epoch, signers_shards)?;
    let b = s
        .storage_pools
        .get(&pool)
        .and_then(|p| p.blobs.get(&blob_id.0))
        .copied()
        .ok_or(Error::EUnknownBlob)?;
    ev.push(FloeEvent::PooledBlobCertified(PooledBlobCertified {
        epoch: s.epoch,
        blob_id: blob_id.0,
        deletable: b.deletable,
        object_id: b.object_id.0,
        storage_pool_id: pool.0,
    }));
    Ok(Outcome::Done)
}

/// `settle_epoch`: the model's checks, then `EpochSettled`.
fn submit_settlement(
    s: &mut System,
    ev: &mut Vec<FloeEvent>,
    settlement: &floe_economics::settlement::SettlementHeader,
    signers_shards: u64,
) -> Result<Outcome> {
    s.submit_settlement(*settlement, signers_shards)?;
    ev.push(FloeEvent::EpochSettled(EpochSettled {
        epoch: settlement.epoch,
        n_entries: settlement.n_entries,
        pot: settlement.pot,
        burned: settlement.burned,
        paid: settlement.paid,
        entries_root: settlement.entries_root.to_vec(),
        signers_weight: u16::try_from(signers_shards).unwrap_or(u16::MAX),
    }));
    Ok(Outcome::Done)
}

/// The current committee, in committee order, with each member's shards.
fn current_committee(s: &System) -> Vec<(ObjectId, u16)> {
    s.committee_order
        .iter()
        .map(|node| (*node, s.shards_of(node)))
        .collect()
}

/// Checks a blob certificate as Move's `certify_blob` does, in its order: the BLS certificate
/// against the current committee, the message header (`EInvalidMessage`, `EWrongEpoch`) and
/// body (`EInvalidMessage`). Returns the parsed message and the signers' shards.
fn verify_blob_certificate(
    s: &System,
    signature: &[u8],
    signers_bitmap: &[u8],
    message: &[u8],
) -> Result<(crate::bls::messages::BlobCert, u64)> {
    use crate::bls::messages;
    let shards = verify_quorum(s, &current_committee(s), signature, signers_bitmap, message)?;
    // `messages::new_certified_message` (header, then the epoch), then `blob_cert`.
    let (intent, epoch, body) = messages::parse_header(message).ok_or(Error::EInvalidMessage)?;
    if epoch != s.epoch {
        return Err(Error::EWrongEpoch);
    }
    let cert = messages::parse_blob_cert_body(intent, epoch, body).ok_or(Error::EInvalidMessage)?;
    Ok((cert, shards))
}

/// The checks of Move's `blob::certify` on the blob a certificate names: its blob ID
/// (`EInvalidBlobId`) and its persistence type (`EInvalidMessage`).
fn check_certified_blob(
    cert: &crate::bls::messages::BlobCert,
    blob_id: &[u8; 32],
    deletable: bool,
    object: &ObjectId,
) -> Result<()> {
    if cert.blob_id != *blob_id {
        return Err(Error::EInvalidBlobId);
    }
    if cert.deletable_object != deletable.then_some(object.0) {
        return Err(Error::EInvalidMessage);
    }
    Ok(())
}

/// Applies `op` sent by `sender` to `s`. On `Err` the state is unchanged.
pub fn apply(s: &mut System, sender: Id, op: &Operation) -> Result<(Outcome, Vec<FloeEvent>)> {
    let me = sender;
    let epoch = s.epoch;
    let mut ev = Vec::new();
    let outcome = match op {
        Operation::RegisterNode {
            name,
            network_address,
            public_key,
            commission_bps,
            storage_price_usd,
            write_price_usd,
            capacity,
        } => {
            // The contracts' bounds (`system_inner::MAX_NAME_LENGTH`, `MAX_NETWORK_ADDRESS_LENGTH`).
            if name.len() > MAX_NAME_LENGTH || network_address.len() > MAX_NETWORK_ADDRESS_LENGTH {
                return Err(Error::EStringTooLong);
            }
            let vote = PriceVote {
                storage_nano_usd: *storage_price_usd,
                write_nano_usd: *write_price_usd,
                capacity: *capacity,
            };
            let id = s.register_node(me, *commission_bps, vote)?;
            s.bls_keys.insert(id, public_key.clone());
            ev.push(FloeEvent::NodeRegistered(NodeRegistered {
                epoch,
                node_id: id.0,
                operator: me.0,
                name: name.clone(),
                network_address: network_address.clone(),
                public_key: public_key.clone(),
                commission_rate: *commission_bps,
            }));
            Outcome::Created(id)
        }
        Operation::Stake { node_id, amount } => {
            let id = s.stake(me, *node_id, *amount)?;
            let activation_epoch = s.stakes.get(&id).map_or(0, |x| x.activation_epoch);
            ev.push(FloeEvent::StakeDeposited(StakeDeposited {
                epoch,
                node_id: node_id.0,
                staked_wal_id: id.0,
                staker: me.0,
                amount: *amount,
                activation_epoch,
            }));
            Outcome::Created(id)
        }
        Operation::RequestWithdrawal { staked_wal_id } => {
            let sid = *staked_wal_id;
            let before = s.stakes.get(&sid).copied();
            let withdraw_epoch = s.request_withdraw_stake(me, sid)?;
            let before = before.ok_or(Error::EUnknownStake)?;
            ev.push(FloeEvent::WithdrawalRequested(WithdrawalRequested {
                epoch,
                node_id: before.pool.0,
                staked_wal_id: sid.0,
                amount: before.principal,
                withdraw_epoch,
            }));
            Outcome::Done
        }
        Operation::Withdraw { staked_wal_id } => {
            let sid = *staked_wal_id;
            let before = s.stakes.get(&sid).copied();
            let early = before.is_some_and(|b| s.can_withdraw_early(&b));
            let amount = s.withdraw_stake(me, sid)?;
            let before = before.ok_or(Error::EUnknownStake)?;
            ev.push(FloeEvent::StakeWithdrawn(StakeWithdrawn {
                epoch,
                node_id: before.pool.0,
                staked_wal_id: sid.0,
                staker: me.0,
                principal: before.principal,
                rewards: amount.saturating_sub(before.principal),
                early,
            }));
            Outcome::Paid(amount)
        }
        Operation::SetCommission {
            node_id,
            commission_bps,
        } => {
            let pool = *node_id;
            s.set_commission(me, pool, *commission_bps)?;
            let effective_epoch = s
                .pools
                .get(&pool)
                .and_then(|p| p.pending_commission)
                .map_or(epoch + 2, |(at, _)| at);
            ev.push(FloeEvent::CommissionRateSet(CommissionRateSet {
                epoch,
                node_id: node_id.0,
                commission_rate: *commission_bps,
                effective_epoch,
            }));
            Outcome::Done
        }
        Operation::SetCommissionReceiver { node_id, receiver } => {
            s.set_commission_receiver(me, *node_id, *receiver)?;
            ev.push(FloeEvent::CommissionReceiverSet(CommissionReceiverSet {
                epoch,
                node_id: node_id.0,
                receiver: receiver.0,
            }));
            Outcome::Done
        }
        Operation::CollectCommission { node_id } => {
            let amount = s.collect_commission(me, *node_id)?;
            ev.push(FloeEvent::CommissionCollected(CommissionCollected {
                epoch,
                node_id: node_id.0,
                receiver: me.0,
                amount,
            }));
            Outcome::Paid(amount)
        }
        Operation::VotePrices {
            node_id,
            storage_price_usd,
            write_price_usd,
        } => {
            let pool = *node_id;
            let capacity = s.pools.get(&pool).map_or(0, |p| p.vote.capacity);
            let vote = PriceVote {
                storage_nano_usd: *storage_price_usd,
                write_nano_usd: *write_price_usd,
                capacity,
            };
            s.vote_prices(me, pool, vote)?;
            ev.push(FloeEvent::PriceVoted(PriceVoted {
                epoch,
                node_id: node_id.0,
                storage_price_usd: *storage_price_usd,
                write_price_usd: *write_price_usd,
            }));
            Outcome::Done
        }
        Operation::VoteCapacity { node_id, capacity } => {
            let pool = *node_id;
            let vote = s.pools.get(&pool).map(|p| PriceVote {
                capacity: *capacity,
                ..p.vote
            });
            let vote = vote.unwrap_or(PriceVote {
                storage_nano_usd: 0,
                write_nano_usd: 0,
                capacity: *capacity,
            });
            s.vote_prices(me, pool, vote)?;
            ev.push(FloeEvent::CapacityVoted(CapacityVoted {
                epoch,
                node_id: node_id.0,
                node_capacity: *capacity,
            }));
            Outcome::Done
        }
        Operation::ReportWalUsdRate { node_id, rate } => {
            s.report_rate(me, *node_id, *rate)?;
            ev.push(FloeEvent::WalUsdReported(WalUsdReported {
                epoch,
                node_id: node_id.0,
                wal_usd_rate: *rate,
            }));
            Outcome::Done
        }
        Operation::SampleWalUsdRate => {
            let median = s.sample_rate()?;
            ev.push(FloeEvent::WalUsdRateSampled(WalUsdRateSampled {
                epoch,
                wal_usd_rate: median,
                n_samples: s.rate_window.len() as u64,
            }));
            // The FROST prices follow the window's mean at once.
            ev.push(FloeEvent::PricesUpdated(PricesUpdated {
                epoch,
                storage_price: s.storage_price,
                write_price: s.write_price,
            }));
            Outcome::Done
        }
        Operation::SelectCommittee => {
            s.select_committee()?;
            selection_events(s, &mut ev)?;
            Outcome::Done
        }
        Operation::AdvanceEpoch => {
            let selected_here = s.next_committee.is_none();
            let candidates = s.active_set.clone();
            if selected_here {
                s.select_committee()?;
                if let Err(e) = selection_events(s, &mut ev) {
                    undo_selection(s, candidates);
                    return Err(e);
                }
            }
            let pot = s.future.front().map_or(0, |f| f.rewards);
            let advanced = s.pools_advanced_at_change();
            let committee_empty = s.committee.is_empty();
            if let Err(e) = s.advance_epoch() {
                if selected_here {
                    undo_selection(s, candidates);
                }
                return Err(e);
            }
            advance_events(s, epoch, pot, committee_empty, &advanced, &mut ev);
            Outcome::Done
        }
        Operation::ReserveSpace { size, epochs_ahead } => {
            let before = s.balance(&me);
            let id = s.reserve_space(me, *size, *epochs_ahead)?;
            let st = s.storages.get(&id).copied().ok_or(Error::EUnknownStorage)?;
            ev.push(FloeEvent::StorageReserved(StorageReserved {
                epoch,
                storage_id: id.0,
                storage_size: st.size,
                start_epoch: st.start,
                end_epoch: st.end,
                cost: before - s.balance(&me),
            }));
            Outcome::Created(id)
        }
        Operation::RegisterBlob {
            storage_id,
            blob_id,
            root_hash,
            size,
            encoding_type,
            deletable,
        } => {
            let before = s.balance(&me);
            let id = s.register_blob(
                me,
                *storage_id,
                blob_id.0,
                root_hash.0,
                *size,
                *encoding_type,
                *deletable,
            )?;
            let b = s.blobs.get(&id).copied().ok_or(Error::EUnknownBlob)?;
            ev.push(FloeEvent::BlobRegistered(BlobRegistered {
                epoch,
                blob_id: b.blob_id,
                size: b.size,
                encoding_type: *encoding_type,
                end_epoch: b.storage.end,
                deletable: b.deletable,
                object_id: id.0,
            }));
            ev.push(FloeEvent::WriteFeePaid(WriteFeePaid {
                epoch,
                blob_id: b.blob_id,
                object_id: id.0,
                fee: before - s.balance(&me),
            }));
            Outcome::Created(id)
        }
        Operation::CertifyBlob {
            blob_object_id,
            epoch: cert_epoch,
            signers_shards,
        } => certify_blob(s, &mut ev, *blob_object_id, *cert_epoch, *signers_shards)?,
        Operation::CertifyBlobSigned {
            blob_object_id,
            signature,
            signers_bitmap,
            message,
        } => {
            let blob = s
                .blobs
                .get(blob_object_id)
                .copied()
                .ok_or(Error::EUnknownBlob)?;
            let (cert, shards) = verify_blob_certificate(s, signature, signers_bitmap, message)?;
            check_certified_blob(&cert, &blob.blob_id, blob.deletable, blob_object_id)?;
            certify_blob(s, &mut ev, *blob_object_id, cert.epoch, shards)?
        }
        Operation::ExtendBlob {
            blob_object_id,
            epochs,
        } => {
            let id = *blob_object_id;
            let before_balance = s.balance(&me);
            let old_end = s.blobs.get(&id).map_or(0, |b| b.storage.end);
            s.extend_blob(me, id, *epochs)?;
            let b = s.blobs.get(&id).copied().ok_or(Error::EUnknownBlob)?;
            // The model extends the blob's own resource; the Move code buys an extension
            // resource first. Its id is reported as the blob's object id.
            ev.push(FloeEvent::StorageReserved(StorageReserved {
                epoch,
                storage_id: id.0,
                storage_size: b.storage.size,
                start_epoch: old_end,
                end_epoch: b.storage.end,
                cost: before_balance - s.balance(&me),
            }));
            if b.certified_epoch.is_some() {
                ev.push(FloeEvent::BlobCertified(BlobCertified {
                    epoch,
                    blob_id: b.blob_id,
                    end_epoch: b.storage.end,
                    deletable: b.deletable,
                    object_id: id.0,
                    is_extension: true,
                }));
            }
            Outcome::Done
        }
        Operation::DeleteBlob { blob_object_id } => {
            let id = *blob_object_id;
            let before = s.blobs.get(&id).copied();
            let storage = s.delete_blob(me, id)?;
            let b = before.ok_or(Error::EUnknownBlob)?;
            ev.push(FloeEvent::BlobDeleted(BlobDeleted {
                epoch,
                blob_id: b.blob_id,
                end_epoch: b.storage.end,
                object_id: id.0,
                was_certified: b.certified_epoch.is_some(),
            }));
            Outcome::Created(storage)
        }
        Operation::SubmitChallengeResults {
            node_id,
            epoch: results_epoch,
            results,
        } => {
            s.submit_challenge_results(me, *node_id, *results_epoch, results.clone())?;
            ev.push(FloeEvent::ChallengeResultsSubmitted(
                ChallengeResultsSubmitted {
                    epoch,
                    node_id: node_id.0,
                    results: results.clone(),
                },
            ));
            Outcome::Done
        }
        Operation::SubmitSettlement {
            settlement,
            signers_shards,
        } => submit_settlement(s, &mut ev, settlement, *signers_shards)?,
        Operation::SubmitSettlementSigned {
            settlement,
            signature,
            signers_bitmap,
        } => {
            // Move's `settle_epoch`: an ended epoch, not yet settled, then the certificate of
            // the committee that served it over the header's digest.
            let ended = s.ended.get(&settlement.epoch).ok_or(Error::EWrongEpoch)?;
            if ended.settled.is_some() {
                return Err(Error::EAlreadySettled);
            }
            let committee: Vec<(ObjectId, u16)> = ended
                .nodes
                .iter()
                .map(|n| (ObjectId(n.pool_id), n.shards))
                .collect();
            let message = crate::bls::messages::settlement(settlement.epoch, &settlement.digest());
            let shards = verify_quorum(s, &committee, signature, signers_bitmap, &message)?;
            submit_settlement(s, &mut ev, settlement, shards)?
        }
        Operation::Claim {
            epoch: claim_epoch,
            entry,
            proof,
        } => {
            let paid = s.claim(*claim_epoch, entry, proof)?;
            let pool = ObjectId(entry.pool_id);
            push_claimed(
                s,
                *claim_epoch,
                pool,
                entry.shards,
                entry.performance_bps,
                me,
                &mut ev,
            );
            Outcome::Paid(paid)
        }
        Operation::SettleFallback { epoch: e } => {
            s.settle_fallback(*e)?;
            let ended = s.ended.get(e).ok_or(Error::EWrongEpoch)?;
            let header = ended.settled.ok_or(Error::ENotSettled)?;
            ev.push(FloeEvent::EpochSettledByFallback(EpochSettledByFallback {
                epoch: *e,
                pot: header.pot,
                burned: header.burned,
                paid: header.paid,
            }));
            // One credit per committee member, in committee order (the contracts' loop).
            let members: Vec<(ObjectId, u16)> = ended
                .nodes
                .iter()
                .map(|n| (ObjectId(n.pool_id), n.shards))
                .collect();
            for (pool, shards) in members {
                push_claimed(s, *e, pool, shards, 10_000, me, &mut ev);
            }
            Outcome::Done
        }
        Operation::Propose {
            staked_wal_id,
            change,
        } => {
            let id = s.propose(me, *staked_wal_id, *change)?;
            let p = s.proposals.get(&id).ok_or(Error::EUnknownProposal)?;
            let (parameter, values) = change.to_parts();
            ev.push(FloeEvent::ProposalCreated(ProposalCreated {
                epoch,
                proposal_id: id,
                proposer: me.0,
                staked_wal_id: staked_wal_id.0,
                parameter: parameter.to_string(),
                values,
                voting_end_epoch: p.voting_end,
                eligible_stake: p.eligible_stake,
            }));
            Outcome::Proposal(id)
        }
        Operation::Vote {
            proposal_id,
            staked_wal_id,
            support,
        } => {
            s.vote(me, *proposal_id, *staked_wal_id, *support)?;
            let weight = s.stakes.get(staked_wal_id).map_or(0, |x| x.principal);
            ev.push(FloeEvent::VoteCast(VoteCast {
                epoch,
                proposal_id: *proposal_id,
                staked_wal_id: staked_wal_id.0,
                voter: me.0,
                support: *support,
                weight,
            }));
            Outcome::Done
        }
        Operation::FinalizeProposal { proposal_id } => {
            s.finalize_proposal(*proposal_id)?;
            push_finalized(s, *proposal_id, &mut ev)?;
            Outcome::Done
        }
        Operation::ExecuteProposal { proposal_id } => {
            if s.execute_proposal(*proposal_id)? {
                push_finalized(s, *proposal_id, &mut ev)?;
            }
            ev.push(FloeEvent::ProposalExecuted(ProposalExecuted {
                epoch,
                proposal_id: *proposal_id,
            }));
            Outcome::Done
        }
        Operation::DrawChallengeSeed => {
            let seed = ledger_challenge_seed(s);
            s.draw_challenge_seed(seed)?;
            ev.push(FloeEvent::ChallengeSeedDrawn(ChallengeSeedDrawn {
                epoch,
                seed: seed.to_vec(),
                challenges_per_shard: s.params.challenges_per_shard,
                window_ms: s.params.challenge_window_ms,
            }));
            Outcome::Done
        }
        Operation::SplitStake {
            staked_wal_id,
            amount,
        } => {
            let new = s.split_stake(me, *staked_wal_id, *amount)?;
            let old = s
                .stakes
                .get(staked_wal_id)
                .copied()
                .ok_or(Error::EUnknownStake)?;
            ev.push(FloeEvent::StakedWalSplit(StakedWalSplit {
                epoch,
                node_id: old.pool.0,
                staked_wal_id: staked_wal_id.0,
                principal: old.principal,
                new_staked_wal_id: new.0,
                new_principal: *amount,
            }));
            Outcome::Created(new)
        }
        Operation::JoinStake {
            staked_wal_id,
            other_id,
        } => {
            s.join_stake(me, *staked_wal_id, *other_id)?;
            let joined = s
                .stakes
                .get(staked_wal_id)
                .copied()
                .ok_or(Error::EUnknownStake)?;
            ev.push(FloeEvent::StakedWalJoined(StakedWalJoined {
                epoch,
                node_id: joined.pool.0,
                staked_wal_id: staked_wal_id.0,
                absorbed_id: other_id.0,
                principal: joined.principal,
            }));
            Outcome::Done
        }
        Operation::TransferStake { staked_wal_id, to } => {
            s.transfer_stake(me, *staked_wal_id, *to)?;
            ev.push(FloeEvent::StakedWalTransferred(StakedWalTransferred {
                epoch,
                staked_wal_id: staked_wal_id.0,
                from: me.0,
                to: to.0,
            }));
            Outcome::Done
        }
        Operation::SplitStorageByEpoch {
            storage_id,
            split_epoch,
        } => {
            let new = s.split_storage_by_epoch(me, *storage_id, *split_epoch)?;
            ev.push(storage_split(s, *storage_id, new)?);
            Outcome::Created(new)
        }
        Operation::SplitStorageBySize {
            storage_id,
            split_size,
        } => {
            let new = s.split_storage_by_size(me, *storage_id, *split_size)?;
            ev.push(storage_split(s, *storage_id, new)?);
            Outcome::Created(new)
        }
        Operation::SetBlobAttribute {
            blob_object_id,
            key,
            value,
        } => {
            s.set_blob_attribute(me, *blob_object_id, key.clone(), value.clone())?;
            let b = s.blobs.get(blob_object_id).ok_or(Error::EUnknownBlob)?;
            ev.push(FloeEvent::BlobAttributeSet(BlobAttributeSet {
                epoch,
                object_id: blob_object_id.0,
                blob_id: b.blob_id,
                key: key.clone(),
                value: value.clone(),
            }));
            Outcome::Done
        }
        Operation::RemoveBlobAttribute {
            blob_object_id,
            key,
        } => {
            s.remove_blob_attribute(me, *blob_object_id, key)?;
            let b = s.blobs.get(blob_object_id).ok_or(Error::EUnknownBlob)?;
            ev.push(FloeEvent::BlobAttributeRemoved(BlobAttributeRemoved {
                epoch,
                object_id: blob_object_id.0,
                blob_id: b.blob_id,
                key: key.clone(),
            }));
            Outcome::Done
        }
        Operation::BurnBlob { blob_object_id } => {
            let b = s.burn_blob(me, *blob_object_id)?;
            ev.push(FloeEvent::BlobBurned(BlobBurned {
                epoch,
                blob_id: b.blob_id,
                object_id: blob_object_id.0,
                end_epoch: b.storage.end,
                was_certified: b.certified_epoch.is_some(),
            }));
            Outcome::Done
        }
        Operation::ReplaceBlob {
            blob_object_id,
            blob_id,
            root_hash,
            size,
            encoding_type,
        } => {
            let id = *blob_object_id;
            let old = s.blobs.get(&id).copied();
            let before = s.balance(&me);
            s.replace_blob(me, id, blob_id.0, root_hash.0, *size, *encoding_type)?;
            let old = old.ok_or(Error::EUnknownBlob)?;
            ev.push(FloeEvent::BlobDeleted(BlobDeleted {
                epoch,
                blob_id: old.blob_id,
                end_epoch: old.storage.end,
                object_id: id.0,
                was_certified: old.certified_epoch.is_some(),
            }));
            ev.push(FloeEvent::BlobRegistered(BlobRegistered {
                epoch,
                blob_id: blob_id.0,
                size: *size,
                encoding_type: *encoding_type,
                end_epoch: old.storage.end,
                deletable: true,
                object_id: id.0,
            }));
            ev.push(FloeEvent::BlobReplaced(BlobReplaced {
                epoch,
                object_id: id.0,
                old_blob_id: old.blob_id,
                new_blob_id: blob_id.0,
            }));
            ev.push(FloeEvent::WriteFeePaid(WriteFeePaid {
                epoch,
                blob_id: blob_id.0,
                object_id: id.0,
                fee: before - s.balance(&me),
            }));
            Outcome::Done
        }
        Operation::ShareBlob {
            blob_object_id,
            funds,
        } => {
            let shared = s.share_blob(me, *blob_object_id, *funds)?;
            let b = s.blobs.get(blob_object_id).ok_or(Error::EUnknownBlob)?;
            ev.push(FloeEvent::SharedBlobCreated(SharedBlobCreated {
                epoch,
                shared_blob_id: shared.0,
                object_id: blob_object_id.0,
                blob_id: b.blob_id,
                funds: *funds,
            }));
            Outcome::Created(shared)
        }
        Operation::FundSharedBlob {
            shared_blob_id,
            amount,
        } => {
            let funds = s.fund_shared_blob(me, *shared_blob_id, *amount)?;
            ev.push(FloeEvent::SharedBlobFunded(SharedBlobFunded {
                epoch,
                shared_blob_id: shared_blob_id.0,
                amount: *amount,
                funds,
            }));
            Outcome::Done
        }
        Operation::ExtendSharedBlob {
            shared_blob_id,
            epochs,
        } => {
            let shared = *shared_blob_id;
            let blob = s.shared_blobs.get(&shared).map(|x| x.blob);
            let old_end = blob
                .and_then(|b| s.blobs.get(&b))
                .map_or(0, |b| b.storage.end);
            let cost = s.extend_shared_blob(shared, *epochs)?;
            let blob = blob.ok_or(Error::EUnknownBlob)?;
            let b = s.blobs.get(&blob).copied().ok_or(Error::EUnknownBlob)?;
            // The extension resource is reported under the blob's object id (the model keeps
            // no separate resource), as for `extend_blob`.
            ev.push(FloeEvent::StorageReserved(StorageReserved {
                epoch,
                storage_id: blob.0,
                storage_size: b.storage.size,
                start_epoch: old_end,
                end_epoch: b.storage.end,
                cost,
            }));
            ev.push(FloeEvent::BlobCertified(BlobCertified {
                epoch,
                blob_id: b.blob_id,
                end_epoch: b.storage.end,
                deletable: b.deletable,
                object_id: blob.0,
                is_extension: true,
            }));
            ev.push(FloeEvent::SharedBlobExtended(SharedBlobExtended {
                epoch,
                shared_blob_id: shared.0,
                end_epoch: b.storage.end,
                cost,
                funds: s.balance(&shared),
            }));
            Outcome::Done
        }
        Operation::CreateStoragePool { storage_id } => {
            let pool = s.create_storage_pool(me, *storage_id)?;
            let p = s.storage_pools.get(&pool).ok_or(Error::EUnknownStorage)?;
            ev.push(FloeEvent::StoragePoolCreated(StoragePoolCreated {
                epoch,
                storage_pool_id: pool.0,
                reserved_encoded_capacity_bytes: p.storage.size,
                start_epoch: p.storage.start,
                end_epoch: p.storage.end,
            }));
            Outcome::Created(pool)
        }
        Operation::RegisterPooledBlob {
            storage_pool_id,
            blob_id,
            root_hash,
            size,
            encoding_type,
            deletable,
        } => {
            let before = s.balance(&me);
            let object_id = s.register_pooled_blob(
                me,
                *storage_pool_id,
                blob_id.0,
                root_hash.0,
                *size,
                *encoding_type,
                *deletable,
            )?;
            ev.push(FloeEvent::PooledBlobRegistered(PooledBlobRegistered {
                epoch,
                blob_id: blob_id.0,
                unencoded_size: *size,
                encoding_type: *encoding_type,
                deletable: *deletable,
                object_id: object_id.0,
                storage_pool_id: storage_pool_id.0,
            }));
            ev.push(FloeEvent::WriteFeePaid(WriteFeePaid {
                epoch,
                blob_id: blob_id.0,
                object_id: object_id.0,
                fee: before - s.balance(&me),
            }));
            Outcome::Created(object_id)
        }
        Operation::CertifyPooledBlobSigned {
            storage_pool_id,
            signature,
            signers_bitmap,
            message,
        } => {
            let (cert, shards) = verify_blob_certificate(s, signature, signers_bitmap, message)?;
            let pool = *storage_pool_id;
            let b = s
                .storage_pools
                .get(&pool)
                .ok_or(Error::EUnknownStorage)?
                .blobs
                .get(&cert.blob_id)
                .copied()
                .ok_or(Error::EInvalidBlobId)?;
            check_certified_blob(&cert, &cert.blob_id, b.deletable, &b.object_id)?;
            certify_pooled_blob(s, &mut ev, pool, Id(cert.blob_id), cert.epoch, shards)?
        }
        Operation::CertifyPooledBlob {
            storage_pool_id,
            blob_id,
            epoch: cert_epoch,
            signers_shards,
        } => certify_pooled_blob(
            s,
            &mut ev,
            *storage_pool_id,
            *blob_id,
            *cert_epoch,
            *signers_shards,
        )?,
        Operation::DeletePooledBlob {
            storage_pool_id,
            blob_id,
        } => {
            let b = s.delete_pooled_blob(me, *storage_pool_id, blob_id.0)?;
            ev.push(FloeEvent::PooledBlobDeleted(PooledBlobDeleted {
                epoch,
                blob_id: blob_id.0,
                object_id: b.object_id.0,
                was_certified: b.certified_epoch.is_some(),
                storage_pool_id: storage_pool_id.0,
            }));
            Outcome::Done
        }
        Operation::ExtendStoragePool {
            storage_pool_id,
            epochs,
        } => {
            let pool = *storage_pool_id;
            let old_end = s.storage_pools.get(&pool).map_or(0, |p| p.storage.end);
            let cost = s.extend_storage_pool(me, pool, *epochs)?;
            let p = s.storage_pools.get(&pool).ok_or(Error::EUnknownStorage)?;
            ev.push(FloeEvent::StorageReserved(StorageReserved {
                epoch,
                storage_id: pool.0,
                storage_size: p.storage.size,
                start_epoch: old_end,
                end_epoch: p.storage.end,
                cost,
            }));
            ev.push(FloeEvent::StoragePoolExtended(StoragePoolExtended {
                epoch,
                storage_pool_id: pool.0,
                new_end_epoch: p.storage.end,
            }));
            Outcome::Done
        }
        Operation::FuseStorage {
            storage_id,
            other_id,
        } => {
            s.fuse_storage(me, *storage_id, *other_id)?;
            let st = s
                .storages
                .get(storage_id)
                .copied()
                .ok_or(Error::EUnknownStorage)?;
            ev.push(FloeEvent::StorageFused(StorageFused {
                storage_id: storage_id.0,
                absorbed_id: other_id.0,
                start_epoch: st.start,
                end_epoch: st.end,
                storage_size: st.size,
            }));
            Outcome::Done
        }
    };
    Ok((outcome, ev))
}

/// `RewardsClaimed` for what `pool` was credited for `epoch` (by a claim or the fallback).
fn push_claimed(
    s: &System,
    epoch: Epoch,
    pool: ObjectId,
    shards: u16,
    performance_bps: u16,
    claimer: Id,
    ev: &mut Vec<FloeEvent>,
) {
    let credit = s
        .ended
        .get(&epoch)
        .and_then(|e| e.claimed.get(&pool))
        .copied()
        .unwrap_or_default();
    ev.push(FloeEvent::RewardsClaimed(RewardsClaimed {
        epoch,
        node_id: pool.0,
        shards,
        performance_bps,
        staker_reward: credit.staker_reward,
        commission: credit.commission,
        claimer: claimer.0,
    }));
}

/// `ProposalFinalized` for a proposal just finalized.
fn push_finalized(s: &System, proposal_id: u64, ev: &mut Vec<FloeEvent>) -> Result<()> {
    let p = s
        .proposals
        .get(&proposal_id)
        .ok_or(Error::EUnknownProposal)?;
    ev.push(FloeEvent::ProposalFinalized(ProposalFinalized {
        epoch: s.epoch,
        proposal_id,
        passed: p.passed == Some(true),
        votes_for: p.votes_for,
        votes_against: p.votes_against,
        eligible_stake: p.eligible_stake,
        executable_epoch: p.executable_epoch(&s.params),
    }));
    Ok(())
}

/// `StorageSplit` for `old` and the `new` resource split off it.
fn storage_split(s: &System, old: Id, new: Id) -> Result<FloeEvent> {
    let a = s
        .storages
        .get(&old)
        .copied()
        .ok_or(Error::EUnknownStorage)?;
    let b = s
        .storages
        .get(&new)
        .copied()
        .ok_or(Error::EUnknownStorage)?;
    Ok(FloeEvent::StorageSplit(StorageSplit {
        storage_id: old.0,
        start_epoch: a.start,
        end_epoch: a.end,
        storage_size: a.size,
        new_storage_id: new.0,
        new_start_epoch: b.start,
        new_end_epoch: b.end,
        new_storage_size: b.size,
    }))
}

/// The local ledger's challenge seed for the current epoch. Sui draws it from `sui::random`;
/// the ledger has no randomness beacon, so it hashes what the chain has done so far (epoch,
/// committee, stakes, blobs and the FROST burned), which is unknown before the epoch and
/// replays identically when the ledger reopens. Not for production: the committee could grind
/// it, which is exactly why Sui draws it from randomness.
pub fn ledger_challenge_seed(s: &System) -> [u8; 32] {
    let mut h = sui_sdk_types::hash::Hasher::new();
    h.update(b"floe/localnet/challenge-seed");
    h.update(s.epoch.to_le_bytes());
    for id in &s.committee_order {
        h.update(id.0);
    }
    h.update((s.stakes.len() as u64).to_le_bytes());
    h.update((s.blobs.len() as u64).to_le_bytes());
    h.update(s.burned.to_le_bytes());
    for b in s.blobs.values() {
        h.update(b.blob_id);
    }
    h.finalize().into_inner()
}

/// Reverts what [`System::select_committee`] set (the only two fields it changes).
fn undo_selection(s: &mut System, candidates: floe_economics::model::active_set::ActiveSet) {
    s.next_committee = None;
    s.pending_epoch_params = None;
    s.active_set = candidates;
}

/// `CommitteeSelected`, `EpochParametersSelected`, `UsdPricesSelected` after a selection.
fn selection_events(s: &System, ev: &mut Vec<FloeEvent>) -> Result<()> {
    let next_epoch = s.epoch + 1;
    let committee = s.next_committee.as_ref().ok_or(Error::ENoStake)?;
    let (capacity, prices) = s.pending_epoch_params.ok_or(Error::ENoStake)?;
    let votes: Vec<(PriceVote, u64)> = committee
        .iter()
        .filter_map(|(id, sh)| s.pools.get(id).map(|p| (p.vote, sh.len() as u64)))
        .collect();
    // The quorum targets are the unguarded prices (no previous price: no guard). An empty
    // committee keeps the current prices, which are also its targets (0 before any committee).
    let prices = prices.unwrap_or(UsdPrices {
        storage_nano_usd: 0,
        write_nano_usd: 0,
    });
    let targets = if committee.is_empty() {
        prices
    } else {
        next_usd_prices(&votes, s.params.n_shards as u64, None, 0)?
    };
    ev.push(FloeEvent::CommitteeSelected(CommitteeSelected {
        epoch: next_epoch,
        node_ids: committee.iter().map(|(k, _)| k.0).collect(),
        shards: committee.iter().map(|(_, v)| v.clone()).collect(),
    }));
    ev.push(FloeEvent::EpochParametersSelected(
        EpochParametersSelected { next_epoch },
    ));
    ev.push(FloeEvent::UsdPricesSelected(UsdPricesSelected {
        next_epoch,
        target_storage_price_usd: targets.storage_nano_usd,
        target_write_price_usd: targets.write_nano_usd,
        storage_price_usd: prices.storage_nano_usd,
        write_price_usd: prices.write_nano_usd,
        total_capacity_size: capacity,
    }));
    Ok(())
}

/// The events of the epoch change from `ended` to `s.epoch`.
fn advance_events(
    s: &System,
    ended: u32,
    pot: u64,
    committee_was_empty: bool,
    advanced: &[Id],
    ev: &mut Vec<FloeEvent>,
) {
    let epoch = s.epoch;
    // The model keeps the pot for settlement and claims, unless the fallback delay is 0: then
    // the change itself paid it by base weight (the core contracts' rule). With no committee
    // it is burned.
    let paid_now = s
        .ended
        .get(&ended)
        .filter(|_| s.params.settlement_fallback_epochs == 0);
    let (burned, distributed) = match paid_now.and_then(|e| e.settled) {
        Some(header) => (header.burned, header.paid),
        None if committee_was_empty => (pot, 0),
        None => (0, 0),
    };
    ev.push(FloeEvent::EpochPotClosed(EpochPotClosed {
        epoch: ended,
        total: pot,
        burned,
        distributed,
    }));
    for (id, p) in advanced
        .iter()
        .filter_map(|id| s.pools.get(id).map(|p| (id, p)))
    {
        let credit = paid_now
            .and_then(|e| e.claimed.get(id).copied())
            .unwrap_or_default();
        ev.push(FloeEvent::PoolAdvanced(PoolAdvanced {
            epoch,
            node_id: id.0,
            rewards: credit.staker_reward,
            commission: credit.commission,
            commission_rate: p.commission_bps,
            wal_balance: p.active_frost,
            num_shares: u64::try_from(p.shares).unwrap_or(u64::MAX),
        }));
    }
    ev.push(FloeEvent::PricesUpdated(PricesUpdated {
        epoch,
        storage_price: s.storage_price,
        write_price: s.write_price,
    }));
    let usd = s.usd_prices;
    ev.push(FloeEvent::EpochPricing(EpochPricing {
        epoch,
        storage_price_usd: usd.map_or(0, |u| u.storage_nano_usd),
        write_price_usd: usd.map_or(0, |u| u.write_nano_usd),
        wal_usd_rate: s.wal_usd_rate.unwrap_or(0),
        storage_price: s.storage_price,
        write_price: s.write_price,
        total_capacity_size: s.capacity,
    }));
    ev.push(FloeEvent::EpochChangeStart(EpochChangeStart { epoch }));
    // The model has no shard-sync phase: the change is done at once.
    ev.push(FloeEvent::EpochChangeDone(EpochChangeDone { epoch }));
}
