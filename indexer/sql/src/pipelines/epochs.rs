//! `epochs`: one row per epoch: when it started and synced, its committee size, its prices
//! (FROST and nano-USD), the WAL/USD rate, capacity and its reward pot.

use floe_economics::events::FloeEvent as E;

use super::Processor;
use crate::decode::Located;
use crate::ids::{big, TooLarge};

super::keyed_table! {
    /// An epoch.
    EpochRow in epochs {
        key: epoch: i64;
        start_checkpoint: i64,
        start_ms: i64,
        sync_done_ms: i64,
        committee_size: i64,
        storage_price: i64,
        write_price: i64,
        storage_price_usd: i64,
        write_price_usd: i64,
        target_storage_price_usd: i64,
        target_write_price_usd: i64,
        wal_usd_rate: i64,
        total_capacity_size: i64,
        pot_total: i64,
        pot_burned: i64,
        pot_distributed: i64,
    }
}

/// The `epochs` pipeline.
pub struct Epochs;

impl Processor for Epochs {
    const NAME: &'static str = "epochs";
    type Row = EpochRow;

    fn process(&self, ev: &Located, out: &mut Vec<EpochRow>) -> Result<(), TooLarge> {
        let row = |epoch: u32| EpochRow {
            epoch: epoch as i64,
            ..Default::default()
        };
        match &ev.event {
            E::EpochChangeStart(e) => out.push(EpochRow {
                start_checkpoint: Some(ev.at.checkpoint),
                start_ms: Some(ev.at.timestamp_ms),
                ..row(e.epoch)
            }),
            E::EpochChangeDone(e) => out.push(EpochRow {
                sync_done_ms: Some(ev.at.timestamp_ms),
                ..row(e.epoch)
            }),
            E::CommitteeSelected(e) => out.push(EpochRow {
                committee_size: Some(e.node_ids.len() as i64),
                ..row(e.epoch)
            }),
            E::PricesUpdated(e) => out.push(EpochRow {
                storage_price: Some(big("storage_price", e.storage_price)?),
                write_price: Some(big("write_price", e.write_price)?),
                ..row(e.epoch)
            }),
            E::UsdPricesSelected(e) => out.push(EpochRow {
                target_storage_price_usd: Some(big(
                    "target_storage_price_usd",
                    e.target_storage_price_usd,
                )?),
                target_write_price_usd: Some(big(
                    "target_write_price_usd",
                    e.target_write_price_usd,
                )?),
                storage_price_usd: Some(big("storage_price_usd", e.storage_price_usd)?),
                write_price_usd: Some(big("write_price_usd", e.write_price_usd)?),
                total_capacity_size: Some(big("total_capacity_size", e.total_capacity_size)?),
                ..row(e.next_epoch)
            }),
            E::EpochPricing(e) => out.push(EpochRow {
                storage_price_usd: Some(big("storage_price_usd", e.storage_price_usd)?),
                write_price_usd: Some(big("write_price_usd", e.write_price_usd)?),
                wal_usd_rate: Some(big("wal_usd_rate", e.wal_usd_rate)?),
                storage_price: Some(big("storage_price", e.storage_price)?),
                write_price: Some(big("write_price", e.write_price)?),
                total_capacity_size: Some(big("total_capacity_size", e.total_capacity_size)?),
                ..row(e.epoch)
            }),
            E::EpochPotClosed(e) => out.push(EpochRow {
                pot_total: Some(big("total", e.total)?),
                pot_burned: Some(big("burned", e.burned)?),
                pot_distributed: Some(big("distributed", e.distributed)?),
                ..row(e.epoch)
            }),
            _ => {}
        }
        Ok(())
    }
}
