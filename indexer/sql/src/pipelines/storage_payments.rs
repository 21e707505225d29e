//! `storage_payments`: every payment for storage, one row per event: reservations (the
//! storage price for an epoch range), write fees, and extensions of shared blobs paid from
//! their funds.

use floe_economics::events::FloeEvent as E;

use super::Processor;
use crate::decode::Located;
use crate::ids::{big, object_id, TooLarge};

super::append_table! {
    /// A payment: `kind` is `reserve`, `write_fee` or `shared_extension`; `object_id` the
    /// storage resource, the blob object or the shared blob.
    StoragePaymentRow in storage_payments order (tx_seq, event_seq) {
        tx_seq: i64,
        event_seq: i64,
        checkpoint: i64,
        epoch: i64,
        kind: String,
        payer: String,
        object_id: String,
        amount: i64,
        storage_size: Option<i64>,
        start_epoch: Option<i64>,
        end_epoch: Option<i64>,
    }
}

/// The `storage_payments` pipeline.
pub struct StoragePayments;

impl Processor for StoragePayments {
    const NAME: &'static str = "storage_payments";
    type Row = StoragePaymentRow;

    fn process(&self, ev: &Located, out: &mut Vec<StoragePaymentRow>) -> Result<(), TooLarge> {
        let row = |epoch: u32, kind: &str, id: &[u8; 32], amount: i64| StoragePaymentRow {
            tx_seq: ev.at.tx_seq,
            event_seq: ev.at.event_seq,
            checkpoint: ev.at.checkpoint,
            epoch: epoch as i64,
            kind: kind.into(),
            payer: ev.at.sender.clone(),
            object_id: object_id(id),
            amount,
            storage_size: None,
            start_epoch: None,
            end_epoch: None,
        };
        match &ev.event {
            E::StorageReserved(e) => out.push(StoragePaymentRow {
                storage_size: Some(big("storage_size", e.storage_size)?),
                start_epoch: Some(e.start_epoch as i64),
                end_epoch: Some(e.end_epoch as i64),
                ..row(e.epoch, "reserve", &e.storage_id, big("cost", e.cost)?)
            }),
            E::WriteFeePaid(e) => {
                out.push(row(e.epoch, "write_fee", &e.object_id, big("fee", e.fee)?))
            }
            E::SharedBlobExtended(e) => out.push(StoragePaymentRow {
                end_epoch: Some(e.end_epoch as i64),
                ..row(
                    e.epoch,
                    "shared_extension",
                    &e.shared_blob_id,
                    big("cost", e.cost)?,
                )
            }),
            _ => {}
        }
        Ok(())
    }
}
