//! `pool_epochs`: one row per pool per epoch: its place and shards in the committee, the
//! rewards and commission of its advance, its stake (`wal_balance`), shares and commission
//! rate, and its operator's votes.

use floe_economics::events::FloeEvent as E;

use super::Processor;
use crate::decode::Located;
use crate::ids::{big, object_id, TooLarge};

super::keyed_table! {
    /// A pool in an epoch.
    PoolEpochRow in pool_epochs {
        key: node_id: String, epoch: i64;
        committee_index: i64,
        shards: i64,
        rewards: i64,
        commission: i64,
        commission_rate: i64,
        wal_balance: i64,
        num_shares: i64,
        storage_price_vote_usd: i64,
        write_price_vote_usd: i64,
        capacity_vote: i64,
        wal_usd_vote: i64,
    }
}

/// The `pool_epochs` pipeline.
pub struct PoolEpochs;

impl Processor for PoolEpochs {
    const NAME: &'static str = "pool_epochs";
    type Row = PoolEpochRow;

    fn process(&self, ev: &Located, out: &mut Vec<PoolEpochRow>) -> Result<(), TooLarge> {
        let row = |id: &[u8; 32], epoch: u32| PoolEpochRow {
            node_id: object_id(id),
            epoch: epoch as i64,
            ..Default::default()
        };
        match &ev.event {
            E::CommitteeSelected(e) => {
                for (i, (id, shards)) in e.node_ids.iter().zip(&e.shards).enumerate() {
                    out.push(PoolEpochRow {
                        committee_index: Some(i as i64),
                        shards: Some(shards.len() as i64),
                        ..row(id, e.epoch)
                    });
                }
            }
            E::PoolAdvanced(e) => out.push(PoolEpochRow {
                rewards: Some(big("rewards", e.rewards)?),
                commission: Some(big("commission", e.commission)?),
                commission_rate: Some(e.commission_rate as i64),
                wal_balance: Some(big("wal_balance", e.wal_balance)?),
                num_shares: Some(big("num_shares", e.num_shares)?),
                ..row(&e.node_id, e.epoch)
            }),
            E::PriceVoted(e) => out.push(PoolEpochRow {
                storage_price_vote_usd: Some(big("storage_price_usd", e.storage_price_usd)?),
                write_price_vote_usd: Some(big("write_price_usd", e.write_price_usd)?),
                ..row(&e.node_id, e.epoch)
            }),
            E::CapacityVoted(e) => out.push(PoolEpochRow {
                capacity_vote: Some(big("node_capacity", e.node_capacity)?),
                ..row(&e.node_id, e.epoch)
            }),
            E::WalUsdReported(e) => out.push(PoolEpochRow {
                wal_usd_vote: Some(big("wal_usd_rate", e.wal_usd_rate)?),
                ..row(&e.node_id, e.epoch)
            }),
            _ => {}
        }
        Ok(())
    }
}
