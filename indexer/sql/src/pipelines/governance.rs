//! `proposals`: every parameter proposal with its outcome; `votes`: every vote cast.

use floe_economics::events::FloeEvent as E;

use crate::decode::Located;
use crate::ids::{big, object_id, TooLarge};

super::keyed_table! {
    /// A proposal: what it changes (`parameter` to `proposed_values`, comma separated), its
    /// voting window and eligible stake, the tally and when it was executed.
    ProposalRow in proposals {
        key: proposal_id: i64;
        created_epoch: i64,
        proposer: String,
        staked_wal_id: String,
        parameter: String,
        proposed_values: String,
        voting_end_epoch: i64,
        eligible_stake: i64,
        finalized_epoch: i64,
        passed: bool,
        votes_for: i64,
        votes_against: i64,
        executable_epoch: i64,
        executed_epoch: i64,
    }
}

/// The `proposals` pipeline.
pub struct Proposals;

impl super::Processor for Proposals {
    const NAME: &'static str = "proposals";
    type Row = ProposalRow;

    fn process(&self, ev: &Located, out: &mut Vec<ProposalRow>) -> Result<(), TooLarge> {
        let row = |id: u64| -> Result<ProposalRow, TooLarge> {
            Ok(ProposalRow {
                proposal_id: big("proposal_id", id)?,
                ..Default::default()
            })
        };
        match &ev.event {
            E::ProposalCreated(e) => out.push(ProposalRow {
                created_epoch: Some(e.epoch as i64),
                proposer: Some(object_id(&e.proposer)),
                staked_wal_id: Some(object_id(&e.staked_wal_id)),
                parameter: Some(e.parameter.clone()),
                proposed_values: Some(
                    e.values
                        .iter()
                        .map(|v| v.to_string())
                        .collect::<Vec<_>>()
                        .join(","),
                ),
                voting_end_epoch: Some(e.voting_end_epoch as i64),
                eligible_stake: Some(big("eligible_stake", e.eligible_stake)?),
                ..row(e.proposal_id)?
            }),
            E::ProposalFinalized(e) => out.push(ProposalRow {
                finalized_epoch: Some(e.epoch as i64),
                passed: Some(e.passed),
                votes_for: Some(big("votes_for", e.votes_for)?),
                votes_against: Some(big("votes_against", e.votes_against)?),
                eligible_stake: Some(big("eligible_stake", e.eligible_stake)?),
                executable_epoch: Some(e.executable_epoch as i64),
                ..row(e.proposal_id)?
            }),
            E::ProposalExecuted(e) => out.push(ProposalRow {
                executed_epoch: Some(e.epoch as i64),
                ..row(e.proposal_id)?
            }),
            _ => {}
        }
        Ok(())
    }
}

super::append_table! {
    /// A vote with a staked-WAL receipt.
    VoteRow in votes order (tx_seq, event_seq) {
        proposal_id: i64,
        staked_wal_id: String,
        epoch: i64,
        voter: String,
        support: bool,
        weight: i64,
        tx_seq: i64,
        event_seq: i64,
        checkpoint: i64,
    }
}

/// The `votes` pipeline.
pub struct Votes;

impl super::Processor for Votes {
    const NAME: &'static str = "votes";
    type Row = VoteRow;

    fn process(&self, ev: &Located, out: &mut Vec<VoteRow>) -> Result<(), TooLarge> {
        if let E::VoteCast(e) = &ev.event {
            out.push(VoteRow {
                proposal_id: big("proposal_id", e.proposal_id)?,
                staked_wal_id: object_id(&e.staked_wal_id),
                epoch: e.epoch as i64,
                voter: object_id(&e.voter),
                support: e.support,
                weight: big("weight", e.weight)?,
                tx_seq: ev.at.tx_seq,
                event_seq: ev.at.event_seq,
                checkpoint: ev.at.checkpoint,
            });
        }
        Ok(())
    }
}
