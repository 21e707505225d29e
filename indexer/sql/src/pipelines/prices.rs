//! `price_votes`: every node's price, capacity and WAL/USD vote, one row per event;
//! `wal_usd_rates`: every WAL/USD rate sampled from the committee's reports.

use floe_economics::events::FloeEvent as E;

use super::Processor;
use crate::decode::Located;
use crate::ids::{big, object_id, TooLarge};

super::append_table! {
    /// A vote: `kind` is `price` (nano-USD per MiB per epoch, and per MiB written),
    /// `capacity` (bytes) or `wal_usd` (nano-USD per WAL).
    PriceVoteRow in price_votes order (tx_seq, event_seq) {
        tx_seq: i64,
        event_seq: i64,
        checkpoint: i64,
        epoch: i64,
        node_id: String,
        kind: String,
        storage_price_usd: Option<i64>,
        write_price_usd: Option<i64>,
        node_capacity: Option<i64>,
        wal_usd_rate: Option<i64>,
    }
}

/// The `price_votes` pipeline.
pub struct PriceVotes;

impl Processor for PriceVotes {
    const NAME: &'static str = "price_votes";
    type Row = PriceVoteRow;

    fn process(&self, ev: &Located, out: &mut Vec<PriceVoteRow>) -> Result<(), TooLarge> {
        let row = |epoch: u32, node: &[u8; 32], kind: &str| PriceVoteRow {
            tx_seq: ev.at.tx_seq,
            event_seq: ev.at.event_seq,
            checkpoint: ev.at.checkpoint,
            epoch: epoch as i64,
            node_id: object_id(node),
            kind: kind.into(),
            storage_price_usd: None,
            write_price_usd: None,
            node_capacity: None,
            wal_usd_rate: None,
        };
        match &ev.event {
            E::PriceVoted(e) => out.push(PriceVoteRow {
                storage_price_usd: Some(big("storage_price_usd", e.storage_price_usd)?),
                write_price_usd: Some(big("write_price_usd", e.write_price_usd)?),
                ..row(e.epoch, &e.node_id, "price")
            }),
            E::CapacityVoted(e) => out.push(PriceVoteRow {
                node_capacity: Some(big("node_capacity", e.node_capacity)?),
                ..row(e.epoch, &e.node_id, "capacity")
            }),
            E::WalUsdReported(e) => out.push(PriceVoteRow {
                wal_usd_rate: Some(big("wal_usd_rate", e.wal_usd_rate)?),
                ..row(e.epoch, &e.node_id, "wal_usd")
            }),
            _ => {}
        }
        Ok(())
    }
}

super::append_table! {
    /// A WAL/USD rate sample (nano-USD per WAL) and how many reports it came from.
    WalUsdRateRow in wal_usd_rates order (tx_seq, event_seq) {
        tx_seq: i64,
        event_seq: i64,
        checkpoint: i64,
        epoch: i64,
        wal_usd_rate: i64,
        n_samples: i64,
    }
}

/// The `wal_usd_rates` pipeline.
pub struct WalUsdRates;

impl Processor for WalUsdRates {
    const NAME: &'static str = "wal_usd_rates";
    type Row = WalUsdRateRow;

    fn process(&self, ev: &Located, out: &mut Vec<WalUsdRateRow>) -> Result<(), TooLarge> {
        if let E::WalUsdRateSampled(e) = &ev.event {
            out.push(WalUsdRateRow {
                tx_seq: ev.at.tx_seq,
                event_seq: ev.at.event_seq,
                checkpoint: ev.at.checkpoint,
                epoch: e.epoch as i64,
                wal_usd_rate: big("wal_usd_rate", e.wal_usd_rate)?,
                n_samples: big("n_samples", e.n_samples)?,
            });
        }
        Ok(())
    }
}
