//! `positions`: every staked-WAL receipt with its current owner, pool, principal and state
//! (`staked`, `withdrawing`, `withdrawn`, `joined` into another), following deposits,
//! withdrawals, splits, joins and transfers.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use floe_economics::events::FloeEvent as E;

use super::Processor;
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
                // takes the state and activation of the one it came from (see
                // `inherit_in_batch` and `inherit_from_db`).
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

/// Gives a receipt made by a split what `known` (its parent's patch at the split, or its
/// ancestor's row) says of the state, activation and withdrawal epochs, where it has none yet.
pub fn inherit_in_batch(child: &mut PositionRow, known: Option<&PositionRow>) {
    let Some(known) = known else { return };
    if child.state.is_none() {
        child.state = known.state.clone().map(staked_unless_active);
    }
    if child.activation_epoch.is_none() {
        child.activation_epoch = known.activation_epoch;
    }
    if child.withdraw_epoch.is_none() {
        child.withdraw_epoch = known.withdraw_epoch;
    }
}

/// Whether a split-off receipt still lacks what it inherits.
pub fn lacks_inherited(child: &PositionRow) -> bool {
    child.state.is_none() || child.activation_epoch.is_none()
}

/// The state a split-off receipt starts in, from its parent's.
fn staked_unless_active(state: String) -> String {
    match state.as_str() {
        "staked" | "withdrawing" => state,
        _ => "staked".into(),
    }
}

/// Completes, from the stored rows of their ancestors (`child → ancestor`, see
/// `Batch::ancestors`), what receipts split off in the batch still lack. Runs before the batch's
/// positions are written.
pub async fn inherit_from_pg(
    c: &mut diesel_async::AsyncPgConnection,
    rows: &mut [PositionRow],
    ancestors: &BTreeMap<String, String>,
) -> QueryResult<()> {
    use crate::schema::positions as p;
    if ancestors.is_empty() {
        return Ok(());
    }
    let wanted: Vec<&String> = ancestors.values().collect();
    let stored: Vec<PositionRow> = p::table
        .filter(p::staked_wal_id.eq_any(wanted))
        .select(PositionRow::as_select())
        .load(c)
        .await?;
    inherit_from(rows, &stored, ancestors);
    Ok(())
}

/// [`inherit_from_pg`] for SQLite.
pub fn inherit_from_sqlite(
    c: &mut diesel::SqliteConnection,
    rows: &mut [PositionRow],
    ancestors: &BTreeMap<String, String>,
) -> QueryResult<()> {
    use crate::schema::positions as p;
    if ancestors.is_empty() {
        return Ok(());
    }
    let wanted: Vec<&String> = ancestors.values().collect();
    let stored: Vec<PositionRow> = diesel::RunQueryDsl::load(
        p::table
            .filter(p::staked_wal_id.eq_any(wanted))
            .select(PositionRow::as_select()),
        c,
    )?;
    inherit_from(rows, &stored, ancestors);
    Ok(())
}

/// Fills `rows` from the `stored` rows of their ancestors.
fn inherit_from(
    rows: &mut [PositionRow],
    stored: &[PositionRow],
    ancestors: &BTreeMap<String, String>,
) {
    let stored: BTreeMap<&str, &PositionRow> = stored
        .iter()
        .map(|r| (r.staked_wal_id.as_str(), r))
        .collect();
    for row in rows.iter_mut() {
        let known = ancestors
            .get(&row.staked_wal_id)
            .and_then(|a| stored.get(a.as_str()))
            .copied();
        inherit_in_batch(row, known);
    }
}
