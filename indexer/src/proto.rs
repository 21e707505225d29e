//! Checkpoints in Sui's wire form: conversion between [`Checkpoint`] and the
//! `sui.rpc.v2.Checkpoint` protobuf message that a Sui full node serves over gRPC and writes
//! into `{seq}.binpb.zst` checkpoint files.
//!
//! A Floe transaction becomes an executed programmable transaction with one `MoveCall` of
//! `<package>::system::<function>` (the function of [`crate::chain::MOVE_FUNCTIONS`]), its
//! effects' status (success, or the Move abort of a failed transaction, which has no events)
//! and its events: each with the package id, the emitting module, the sender, the type tag
//! `<package>::events::<Name>` and the BCS contents. The checkpoint summary carries the epoch,
//! the timestamp and the running transaction total, from which the transactions' chain indices
//! are recovered. Digests are Blake2b-256 over the local ledger's own canonical form (there is
//! no consensus to sign them), written in base58 as Sui writes digests.
//!
//! [`from_proto`] reads what a Sui full node or the ledger sends: only the fields named in
//! [`READ_MASK`] are needed, and every missing or malformed one is a [`ProtoError`].

use std::sync::Arc;

use prost_types::Timestamp;
use sui_rpc::proto::sui::rpc::v2 as rpc;
use sui_sdk_types::hash::Hasher;

use crate::chain::{
    kind_of_move_function, move_function_of_kind, Checkpoint, Event, Id, MoveAbort, Transaction,
};
use rpc::execution_error::ErrorDetails;
use rpc::execution_error::ExecutionErrorKind;

/// The fields [`from_proto`] reads: the read mask to ask a full node for.
pub const READ_MASK: &str = "sequence_number,digest,summary.epoch,summary.sequence_number,\
summary.total_network_transactions,summary.timestamp,transactions.digest,\
transactions.transaction.sender,transactions.transaction.kind,transactions.effects.status,\
transactions.events.events.event_type,transactions.events.events.contents";

/// The Move module of Floe's entry functions.
pub const ENTRY_MODULE: &str = "system";

/// Why a protobuf checkpoint is not a Floe checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtoError {
    /// A field Floe needs is absent (the read mask did not ask for it, or the sender omitted it).
    #[error("checkpoint {seq:?}: field `{field}` is missing")]
    Missing {
        /// The checkpoint's sequence number, if known.
        seq: Option<u64>,
        /// The field path.
        field: &'static str,
    },
    /// A field is present but not valid.
    #[error("checkpoint {seq}: field `{field}` is invalid: {reason}")]
    Invalid {
        /// The checkpoint's sequence number.
        seq: u64,
        /// The field path.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
}

pub(crate) fn timestamp(ms: u64) -> Timestamp {
    Timestamp {
        seconds: (ms / 1000) as i64,
        nanos: ((ms % 1000) * 1_000_000) as i32,
    }
}

fn timestamp_ms(t: &Timestamp) -> Option<u64> {
    let secs = u64::try_from(t.seconds).ok()?;
    let nanos = u64::try_from(t.nanos).ok()?;
    secs.checked_mul(1000)?.checked_add(nanos / 1_000_000)
}

/// The digest of a checkpoint as [`to_proto`] reports it.
pub fn digest_of(cp: &Checkpoint) -> [u8; 32] {
    let tx_digests: Vec<[u8; 32]> = cp.transactions.iter().map(|t| t.digest).collect();
    checkpoint_digest(cp, &tx_digests)
}

/// The digest of a checkpoint: Blake2b-256 over its number, epoch, time and transaction digests.
fn checkpoint_digest(cp: &Checkpoint, tx_digests: &[[u8; 32]]) -> [u8; 32] {
    let mut h = Hasher::new();
    h.update(b"floe-localnet-checkpoint");
    h.update(cp.sequence_number.to_le_bytes());
    h.update(cp.epoch.to_le_bytes());
    h.update(cp.timestamp_ms.to_le_bytes());
    for d in tx_digests {
        h.update(d);
    }
    h.finalize().into_inner()
}

pub(crate) fn base58(d: [u8; 32]) -> String {
    sui_sdk_types::Digest::new(d).to_base58()
}

/// The kind of a transaction read without a package filter whose `system` function is not a
/// Floe operation.
pub const UNKNOWN_KIND: &str = "unknown";

/// The `sui.rpc.v2.Checkpoint` of `cp`, whose transactions call `package` (every field Sui
/// would fill that Floe has a value for; signatures and object sets are left out).
pub fn to_proto(cp: &Checkpoint, package: &Id) -> rpc::Checkpoint {
    let seq = cp.sequence_number;
    let ts = timestamp(cp.timestamp_ms);
    let tx_digests: Vec<[u8; 32]> = cp.transactions.iter().map(|t| t.digest).collect();
    // The running total after this checkpoint. The ledger never seals an empty checkpoint, so
    // its last transaction always tells it.
    let total = cp.transactions.last().map_or(0, |t| t.index + 1);

    let transactions = cp
        .transactions
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut executed = executed_transaction(t, package, cp.epoch, Some(seq));
            executed.timestamp = Some(ts);
            executed.transaction_index = Some(i as u64);
            executed
        })
        .collect();

    let digest = base58(checkpoint_digest(cp, &tx_digests));
    let mut summary = rpc::CheckpointSummary::default();
    summary.digest = Some(digest.clone());
    summary.epoch = Some(cp.epoch.into());
    summary.sequence_number = Some(seq);
    summary.total_network_transactions = Some(total);
    summary.timestamp = Some(ts);

    let mut out = rpc::Checkpoint::default();
    out.sequence_number = Some(seq);
    out.digest = Some(digest);
    out.summary = Some(summary);
    out.transactions = transactions;
    out
}

/// The `sui.rpc.v2.ExecutedTransaction` of a successful Floe transaction executed in `epoch`
/// (and sealed in checkpoint `seq`, if it is): the transaction (sender, one `MoveCall` of
/// `<package>::system::<function>`), successful effects and the events.
pub fn executed_transaction(
    t: &Transaction,
    package: &Id,
    epoch: floe_economics::Epoch,
    seq: Option<u64>,
) -> rpc::ExecutedTransaction {
    let package_hex = package.to_string();
    let digest = base58(t.digest);
    let sender = t.sender.to_string();
    let function = move_function_of_kind(t.kind);
    let mut call = rpc::MoveCall::default();
    call.package = Some(package_hex.clone());
    call.module = Some(ENTRY_MODULE.into());
    call.function = Some(function.into());
    let mut command = rpc::Command::default();
    command.command = Some(rpc::command::Command::MoveCall(call));
    let mut ptb = rpc::ProgrammableTransaction::default();
    ptb.commands = vec![command];
    let mut tx = rpc::Transaction::default();
    tx.digest = Some(digest.clone());
    tx.sender = Some(sender.clone());
    tx.kind = Some(ptb.into());

    let mut effects = rpc::TransactionEffects::default();
    effects.status = Some(execution_status(t.abort.as_ref(), package, function));
    effects.epoch = Some(epoch.into());
    effects.transaction_digest = Some(digest.clone());

    let events = t
        .events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut contents = rpc::Bcs::default();
            contents.name = Some(e.type_tag.to_string());
            contents.value = Some(e.contents.clone().into());
            let mut ev = rpc::Event::default();
            ev.package_id = Some(package_hex.clone());
            ev.module = Some(ENTRY_MODULE.into());
            ev.sender = Some(sender.clone());
            ev.event_type = Some(e.type_tag.to_string());
            ev.contents = Some(contents);
            ev.checkpoint = seq;
            ev.transaction_digest = Some(digest.clone());
            ev.event_index = u32::try_from(i).ok();
            ev
        })
        .collect();
    let mut tx_events = rpc::TransactionEvents::default();
    tx_events.events = events;

    let mut executed = rpc::ExecutedTransaction::default();
    executed.digest = Some(digest);
    executed.transaction = Some(tx);
    executed.effects = Some(effects);
    executed.events = Some(tx_events);
    executed.checkpoint = seq;
    executed
}

/// The effects' status of a Floe call: success, or a Move abort of `package::system::function`
/// (how Sui reports a refusal of the contracts).
pub fn execution_status(
    abort: Option<&MoveAbort>,
    package: &Id,
    function: &str,
) -> rpc::ExecutionStatus {
    let mut status = rpc::ExecutionStatus::default();
    status.success = Some(abort.is_none());
    if let Some(a) = abort {
        let mut location = rpc::MoveLocation::default();
        location.package = Some(package.to_string());
        location.module = Some(ENTRY_MODULE.into());
        location.function_name = Some(function.into());
        let mut details = rpc::MoveAbort::default();
        details.abort_code = Some(a.code);
        details.location = Some(location);
        let mut error = rpc::ExecutionError::default();
        error.description = Some(a.description.clone());
        error.kind = Some(ExecutionErrorKind::MoveAbort.into());
        error.error_details = Some(ErrorDetails::Abort(details));
        status.error = Some(error);
    }
    status
}

/// Reads a Floe [`Checkpoint`] from a `sui.rpc.v2.Checkpoint` (from the ledger, a full node or
/// a checkpoint file). Transactions that are not calls of `package` (if given) are skipped, as
/// are events of other packages and calls that failed other than by a Move abort (gas, say);
/// a skipped transaction keeps its place in the chain's numbering. A call that failed by a
/// Move abort is kept, with its abort and no events.
pub fn from_proto(cp: &rpc::Checkpoint, package: Option<&Id>) -> Result<Checkpoint, ProtoError> {
    let seq = cp.sequence_number.ok_or(ProtoError::Missing {
        seq: None,
        field: "sequence_number",
    })?;
    let missing = |field| ProtoError::Missing {
        seq: Some(seq),
        field,
    };
    let invalid = |field, reason: String| ProtoError::Invalid { seq, field, reason };
    let summary = cp.summary.as_ref().ok_or(missing("summary"))?;
    let epoch = summary.epoch.ok_or(missing("summary.epoch"))?;
    let epoch = u32::try_from(epoch).map_err(|_| invalid("summary.epoch", epoch.to_string()))?;
    let ts = summary
        .timestamp
        .as_ref()
        .ok_or(missing("summary.timestamp"))?;
    let timestamp_ms =
        timestamp_ms(ts).ok_or_else(|| invalid("summary.timestamp", format!("{ts:?}")))?;
    let total = summary
        .total_network_transactions
        .ok_or(missing("summary.total_network_transactions"))?;
    let n = cp.transactions.len() as u64;
    let first = total.checked_sub(n).ok_or_else(|| {
        invalid(
            "summary.total_network_transactions",
            format!("{total} is less than the {n} transactions of the checkpoint"),
        )
    })?;
    let package_hex = package.map(|p| p.to_string());

    let mut transactions = Vec::with_capacity(cp.transactions.len());
    for (i, executed) in cp.transactions.iter().enumerate() {
        let tx = executed
            .transaction
            .as_ref()
            .ok_or(missing("transactions.transaction"))?;
        let status = executed
            .effects
            .as_ref()
            .and_then(|e| e.status.as_ref())
            .ok_or(missing("transactions.effects.status"))?;
        let success = status
            .success
            .ok_or(missing("transactions.effects.status"))?;
        let Some(call) = floe_call(tx, package_hex.as_deref()) else {
            continue;
        };
        let abort = if success {
            None
        } else {
            match move_abort(status) {
                Some(a) => Some(a),
                None => continue,
            }
        };
        let function = call.function.as_deref().unwrap_or_default();
        // A call of the given package must be a Floe operation; without a package, a `system`
        // call this binary does not know (another package's, or a newer Floe's) is kept as
        // `unknown` with its events, for the reader to keep or skip by their types.
        let kind = match (kind_of_move_function(function), package) {
            (Some(kind), _) => kind,
            (None, None) => UNKNOWN_KIND,
            (None, Some(_)) => {
                return Err(invalid(
                    "transactions.transaction.kind",
                    format!("`{ENTRY_MODULE}::{function}` is not a Floe operation"),
                ))
            }
        };
        let sender_text = tx
            .sender
            .as_deref()
            .ok_or(missing("transactions.transaction.sender"))?;
        let sender: Id = sender_text
            .parse()
            .map_err(|e: String| invalid("transactions.transaction.sender", e))?;
        let mut events = Vec::new();
        let emitted = executed.events.iter().flat_map(|te| te.events.iter());
        for e in emitted.filter(|_| abort.is_none()) {
            let type_tag = e
                .event_type
                .as_deref()
                .ok_or(missing("transactions.events.events.event_type"))?;
            if let Some(p) = &package_hex {
                if !same_address(type_tag.split("::").next(), p) {
                    continue;
                }
            }
            let contents = e
                .contents
                .as_ref()
                .and_then(|c| c.value.as_ref())
                .ok_or(missing("transactions.events.events.contents"))?;
            events.push(Event {
                type_tag: Arc::from(type_tag),
                contents: contents.to_vec(),
            });
        }
        let digest = executed
            .digest
            .as_deref()
            .ok_or(missing("transactions.digest"))?;
        let digest = sui_sdk_types::Digest::from_base58(digest)
            .map_err(|e| invalid("transactions.digest", format!("{digest:?}: {e}")))?;
        transactions.push(Transaction {
            index: first + i as u64,
            digest: digest.into_inner(),
            sender,
            kind,
            events,
            abort,
        });
    }
    Ok(Checkpoint {
        sequence_number: seq,
        timestamp_ms,
        epoch,
        transactions,
    })
}

/// The Move abort of a failed status (`None` if it failed some other way).
fn move_abort(status: &rpc::ExecutionStatus) -> Option<MoveAbort> {
    let error = status.error.as_ref()?;
    let Some(ErrorDetails::Abort(abort)) = &error.error_details else {
        return None;
    };
    Some(MoveAbort {
        code: abort.abort_code?,
        description: error.description.clone().unwrap_or_default(),
    })
}

/// The `system` Move call of a programmable transaction (of `package`, if given).
fn floe_call<'a>(tx: &'a rpc::Transaction, package: Option<&str>) -> Option<&'a rpc::MoveCall> {
    let Some(rpc::transaction_kind::Data::ProgrammableTransaction(ptb)) =
        tx.kind.as_ref().and_then(|k| k.data.as_ref())
    else {
        return None;
    };
    ptb.commands.iter().find_map(|c| match &c.command {
        Some(rpc::command::Command::MoveCall(call))
            if call.module.as_deref() == Some(ENTRY_MODULE)
                && package.is_none_or(|p| same_address(call.package.as_deref(), p)) =>
        {
            Some(call)
        }
        _ => None,
    })
}

/// Whether two address texts name the same address (Sui may write them without leading zeros).
fn same_address(a: Option<&str>, b: &str) -> bool {
    match (a.and_then(|a| a.parse::<Id>().ok()), b.parse::<Id>().ok()) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// A protobuf checkpoint as bytes (what a checkpoint file holds before compression).
pub fn encode(cp: &rpc::Checkpoint) -> Vec<u8> {
    prost::Message::encode_to_vec(cp)
}

/// Parses protobuf bytes of a `sui.rpc.v2.Checkpoint` read from `what`, within the checkpoint
/// budget ([`crate::bounded::CHECKPOINT`]): sizes and entry counts are checked on the wire
/// before anything is decoded.
pub fn decode(bytes: &[u8], what: &str) -> Result<rpc::Checkpoint, crate::limits::LimitError> {
    crate::bounded::decode(bytes, CHECKPOINT_MESSAGE, what, &crate::bounded::CHECKPOINT)
}

/// The protobuf full name of a checkpoint.
pub const CHECKPOINT_MESSAGE: &str = "sui.rpc.v2.Checkpoint";

/// The `FieldMask` of comma-separated field paths (`None` if they do not parse).
pub fn field_mask(paths: &str) -> Option<prost_types::FieldMask> {
    paths
        .parse::<sui_rpc::field::FieldMaskTree>()
        .ok()
        .map(|t| t.to_field_mask())
}
