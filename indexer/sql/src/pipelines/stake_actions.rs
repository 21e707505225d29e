//! `stake_actions`: every staking action, one row per event: deposits, withdrawal requests,
//! withdrawals, splits, joins, transfers of staked WAL, and commission collections.

use floe_economics::events::FloeEvent as E;

use super::Processor;
use crate::decode::Located;
use crate::ids::{big, object_id, TooLarge};

super::append_table! {
    /// A staking action. `address` is the staker (deposit, withdrawal), the new owner
    /// (transfer) or the receiver (commission); `other_id` is the new receipt (split), the
    /// absorbed one (join) or the previous owner (transfer); `amount` the principal moved.
    StakeActionRow in stake_actions order (tx_seq, event_seq) {
        tx_seq: i64,
        event_seq: i64,
        checkpoint: i64,
        epoch: i64,
        kind: String,
        node_id: Option<String>,
        staked_wal_id: Option<String>,
        other_id: Option<String>,
        address: Option<String>,
        amount: i64,
        rewards: i64,
    }
}

/// The `stake_actions` pipeline.
pub struct StakeActions;

impl Processor for StakeActions {
    const NAME: &'static str = "stake_actions";
    type Row = StakeActionRow;

    fn process(&self, ev: &Located, out: &mut Vec<StakeActionRow>) -> Result<(), TooLarge> {
        let row = |epoch: u32, kind: &str, node: Option<&[u8; 32]>, staked: Option<&[u8; 32]>| {
            StakeActionRow {
                tx_seq: ev.at.tx_seq,
                event_seq: ev.at.event_seq,
                checkpoint: ev.at.checkpoint,
                epoch: epoch as i64,
                kind: kind.into(),
                node_id: node.map(object_id),
                staked_wal_id: staked.map(object_id),
                other_id: None,
                address: None,
                amount: 0,
                rewards: 0,
            }
        };
        match &ev.event {
            E::StakeDeposited(e) => out.push(StakeActionRow {
                address: Some(object_id(&e.staker)),
                amount: big("amount", e.amount)?,
                ..row(e.epoch, "deposit", Some(&e.node_id), Some(&e.staked_wal_id))
            }),
            E::WithdrawalRequested(e) => out.push(StakeActionRow {
                amount: big("amount", e.amount)?,
                ..row(
                    e.epoch,
                    "withdrawal_request",
                    Some(&e.node_id),
                    Some(&e.staked_wal_id),
                )
            }),
            E::StakeWithdrawn(e) => out.push(StakeActionRow {
                address: Some(object_id(&e.staker)),
                amount: big("principal", e.principal)?,
                rewards: big("rewards", e.rewards)?,
                ..row(
                    e.epoch,
                    if e.early {
                        "withdrawal_early"
                    } else {
                        "withdrawal"
                    },
                    Some(&e.node_id),
                    Some(&e.staked_wal_id),
                )
            }),
            E::StakedWalSplit(e) => out.push(StakeActionRow {
                other_id: Some(object_id(&e.new_staked_wal_id)),
                amount: big("new_principal", e.new_principal)?,
                ..row(e.epoch, "split", Some(&e.node_id), Some(&e.staked_wal_id))
            }),
            E::StakedWalJoined(e) => out.push(StakeActionRow {
                other_id: Some(object_id(&e.absorbed_id)),
                amount: big("principal", e.principal)?,
                ..row(e.epoch, "join", Some(&e.node_id), Some(&e.staked_wal_id))
            }),
            E::StakedWalTransferred(e) => out.push(StakeActionRow {
                other_id: Some(object_id(&e.from)),
                address: Some(object_id(&e.to)),
                ..row(e.epoch, "transfer", None, Some(&e.staked_wal_id))
            }),
            E::CommissionCollected(e) => out.push(StakeActionRow {
                address: Some(object_id(&e.receiver)),
                amount: big("amount", e.amount)?,
                ..row(e.epoch, "commission_collected", Some(&e.node_id), None)
            }),
            _ => {}
        }
        Ok(())
    }
}
