//! Which events the index keeps and how they are decoded.
//!
//! An event is kept only if its type is defined by one of the configured packages (an
//! upgraded package keeps its original id, so its events keep their type's package). Each
//! package has a flavour: Floe's own events decode with `floe_economics::events`; a Walrus
//! package's blob and epoch lifecycle events decode with [`crate::walrus`] and are mapped onto
//! the same Floe events (their names and layouts are Walrus's). An event of a configured
//! package whose type the decoders do not know is skipped and counted; one whose type they know
//! but whose bytes do not decode stops the pipeline with an error naming the checkpoint, the
//! transaction and the event.

use floe_economics::events::FloeEvent;
use floe_indexer::chain::{Checkpoint, Id};

use crate::walrus::WalrusEvent;

/// Whose decoders read a package's events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// Floe's packages (`move/EVENTS.md`).
    Floe,
    /// Walrus mainnet's system package.
    Walrus,
}

/// The packages whose events are indexed.
#[derive(Debug, Clone, Default)]
pub struct Packages(Vec<(Id, Flavor)>);

impl Packages {
    /// Floe's packages `ids`.
    pub fn floe(ids: impl IntoIterator<Item = Id>) -> Self {
        Packages(ids.into_iter().map(|id| (id, Flavor::Floe)).collect())
    }

    /// Adds a package.
    pub fn with(mut self, id: Id, flavor: Flavor) -> Self {
        self.0.push((id, flavor));
        self
    }

    /// The configured packages.
    pub fn list(&self) -> &[(Id, Flavor)] {
        &self.0
    }

    /// The flavour of the package defining `type_tag` (`0x…::module::Name`), if configured.
    fn flavor_of(&self, type_tag: &str) -> Option<Flavor> {
        let package = crate::ids::parse_object_bytes(type_tag.split("::").next()?)?;
        self.0
            .iter()
            .find(|(id, _)| id.0 == package)
            .map(|(_, f)| *f)
    }
}

/// Where an event is in the chain, and the context rows take from its transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At {
    /// The checkpoint's sequence number.
    pub checkpoint: i64,
    /// The checkpoint's timestamp (ms since the Unix epoch).
    pub timestamp_ms: i64,
    /// The transaction's position in the whole chain.
    pub tx_seq: i64,
    /// The event's position in its transaction.
    pub event_seq: i64,
    /// The transaction's sender, as `0x…` hex.
    pub sender: String,
}

/// One kept event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// Where it is.
    pub at: At,
    /// What it says.
    pub event: FloeEvent,
}

/// A checkpoint with its kept events decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedCheckpoint {
    /// Sequence number.
    pub sequence_number: u64,
    /// Timestamp (ms).
    pub timestamp_ms: u64,
    /// The epoch it was sealed in.
    pub epoch: u32,
    /// Transactions it holds (of the source's selection).
    pub transactions: u64,
    /// The chain position of its last transaction, if it has any.
    pub last_tx: Option<u64>,
    /// Kept events, in chain order.
    pub events: Vec<Located>,
    /// Events of configured packages whose type no decoder knows.
    pub skipped: u64,
}

/// An event of a configured package that does not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("checkpoint {checkpoint}, transaction {transaction}, event {event} ({type_tag}): {reason}")]
pub struct DecodeError {
    /// The checkpoint's sequence number.
    pub checkpoint: u64,
    /// The transaction's digest (base58).
    pub transaction: String,
    /// The event's position in the transaction.
    pub event: usize,
    /// Its type.
    pub type_tag: String,
    /// Why it does not decode.
    pub reason: String,
}

/// Decodes the kept events of `cp`.
pub fn decode_checkpoint(
    cp: &Checkpoint,
    packages: &Packages,
) -> Result<DecodedCheckpoint, DecodeError> {
    let mut events = Vec::new();
    let mut skipped = 0;
    let checkpoint = i64::try_from(cp.sequence_number).unwrap_or(i64::MAX);
    let timestamp_ms = i64::try_from(cp.timestamp_ms).unwrap_or(i64::MAX);
    for tx in &cp.transactions {
        if tx.abort.is_some() {
            continue;
        }
        let sender = crate::ids::object_id(&tx.sender.0);
        for (i, e) in tx.events.iter().enumerate() {
            let Some(flavor) = packages.flavor_of(&e.type_tag) else {
                continue;
            };
            let failed = |reason: String| DecodeError {
                checkpoint: cp.sequence_number,
                transaction: sui_sdk_types::Digest::new(tx.digest).to_base58(),
                event: i,
                type_tag: e.type_tag.to_string(),
                reason,
            };
            let decoded = match flavor {
                Flavor::Floe => match FloeEvent::decode(e.name(), &e.contents) {
                    Ok(ev) => Some(ev),
                    Err(floe_economics::events::BcsError::UnknownEvent(_)) => None,
                    Err(err) => return Err(failed(err.to_string())),
                },
                Flavor::Walrus => {
                    let mut parts = e.type_tag.split("::").skip(1);
                    let module = parts.next().unwrap_or_default();
                    match WalrusEvent::decode(module, e.name(), &e.contents) {
                        Ok(ev) => ev.into_floe(),
                        Err(crate::walrus::WalrusDecodeError::Unknown { .. }) => None,
                        Err(err) => return Err(failed(err.to_string())),
                    }
                }
            };
            match decoded {
                Some(event) => events.push(Located {
                    at: At {
                        checkpoint,
                        timestamp_ms,
                        tx_seq: i64::try_from(tx.index).unwrap_or(i64::MAX),
                        event_seq: i as i64,
                        sender: sender.clone(),
                    },
                    event,
                }),
                None => skipped += 1,
            }
        }
    }
    Ok(DecodedCheckpoint {
        sequence_number: cp.sequence_number,
        timestamp_ms: cp.timestamp_ms,
        epoch: cp.epoch,
        transactions: cp.transactions.len() as u64,
        last_tx: cp.transactions.last().map(|t| t.index),
        events,
        skipped,
    })
}
