//! `positions`: every staked-WAL receipt with its current owner, pool, principal and state
//! (`staked`, `withdrawing`, `withdrawn`, `joined` into another), following deposits,
//! withdrawals, splits, joins and transfers.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use floe_economics::events::FloeEvent as E;

use super::Processor;
use crate::db::Db;
use crate::decode::Located;
use crate::ids::{big, object_id, TooLarge};

super::keyed_table! {
    /// A staked-WAL receipt.
    PositionRow in positions {
        key: staked_wal_id: String;
        owner: String,
        node_id: String,
        principal: i64,
        state: String,
        activation_epoch: i64,
        withdraw_epoch: i64,
        created_epoch: i64,
        updated_epoch: i64,
        rewards: i64,
        split_from: String,
    }
}

/// The `positions` pipeline.
pub struct Positions;

impl Processor for Positions {
    const NAME: &'static str = "positions";
    type Row = PositionRow;

    fn process(&self, ev: &Located, out: &mut Vec<PositionRow>) -> Result<(), TooLarge> {
        let row = |id: &[u8; 32], epoch: u32| PositionRow {
            staked_wal_id: object_id(id),
            updated_epoch: Some(epoch as i64),
            ..Default::default()
        };
        match &ev.event {
            E::StakeDeposited(e) => out.push(PositionRow {
                owner: Some(object_id(&e.staker)),
                node_id: Some(object_id(&e.node_id)),
                principal: Some(big("amount", e.amount)?),
                state: Some("staked".into()),
                activation_epoch: Some(e.activation_epoch as i64),
                created_epoch: Some(e.epoch as i64),
                ..row(&e.staked_wal_id, e.epoch)
            }),
            E::WithdrawalRequested(e) => out.push(PositionRow {
                state: Some("withdrawing".into()),
                withdraw_epoch: Some(e.withdraw_epoch as i64),
                ..row(&e.staked_wal_id, e.epoch)
            }),
            E::StakeWithdrawn(e) => out.push(PositionRow {
                owner: Some(object_id(&e.staker)),
                state: Some("withdrawn".into()),
                principal: Some(big("principal", e.principal)?),
                rewards: Some(big("rewards", e.rewards)?),
                ..row(&e.staked_wal_id, e.epoch)
            }),
            E::StakedWalSplit(e) => {
                out.push(PositionRow {
                    principal: Some(big("principal", e.principal)?),
                    ..row(&e.staked_wal_id, e.epoch)
                });
                // The new receipt belongs to the splitter (only the owner may split) and
                // takes the state and activation of the one it came from, filled in by
                // `inherit_split_state` once both are written.
                out.push(PositionRow {
                    owner: Some(ev.at.sender.clone()),
                    node_id: Some(object_id(&e.node_id)),
                    principal: Some(big("new_principal", e.new_principal)?),
                    created_epoch: Some(e.epoch as i64),
                    split_from: Some(object_id(&e.staked_wal_id)),
                    ..row(&e.new_staked_wal_id, e.epoch)
                });
            }
            E::StakedWalJoined(e) => {
                out.push(PositionRow {
                    principal: Some(big("principal", e.principal)?),
                    ..row(&e.staked_wal_id, e.epoch)
                });
                out.push(PositionRow {
                    principal: Some(0),
                    state: Some("joined".into()),
                    ..row(&e.absorbed_id, e.epoch)
                });
            }
            E::StakedWalTransferred(e) => out.push(PositionRow {
                owner: Some(object_id(&e.to)),
                ..row(&e.staked_wal_id, e.epoch)
            }),
            _ => {}
        }
        Ok(())
    }
}

/// Gives receipts made by a split the state, activation and withdrawal epochs of the receipt
/// they were split from (run after the batch's positions are written).
pub async fn inherit_split_state(db: &mut Db) -> QueryResult<()> {
    use crate::schema::positions as p;
    let parents = diesel::alias!(crate::schema::positions as parent);
    let pending: Vec<(String, String)> = crate::with_conn!(db, c => {
        p::table
            .filter(p::state.is_null())
            .filter(p::split_from.is_not_null())
            .select((p::staked_wal_id, p::split_from.assume_not_null()))
            .load(c)
            .await
    })?;
    for (id, from) in pending {
        let parent: Option<(Option<String>, Option<i64>, Option<i64>)> = crate::with_conn!(db, c => {
            parents
                .filter(parents.field(p::staked_wal_id).eq(&from))
                .select((
                    parents.field(p::state),
                    parents.field(p::activation_epoch),
                    parents.field(p::withdraw_epoch),
                ))
                .first(c)
                .await
                .optional()
        })?;
        let Some((state, activation, withdraw)) = parent else {
            continue;
        };
        let state = match state.as_deref() {
            Some("joined") | None => Some("staked".to_string()),
            _ => state,
        };
        crate::with_conn!(db, c => {
            diesel::update(p::table.filter(p::staked_wal_id.eq(&id)))
                .set((
                    p::state.eq(state.clone()),
                    p::activation_epoch.eq(activation),
                    p::withdraw_epoch.eq(withdraw),
                ))
                .execute(c)
                .await
        })?;
    }
    Ok(())
}
