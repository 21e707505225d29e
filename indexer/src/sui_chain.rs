//! [`SuiChainClient`]: the [`ChainClient`] that executes Floe operations on a Sui network (or on
//! the local ledger's Sui API) through `sui-rpc`.
//!
//! Each operation is built into its programmable transaction and signed
//! ([`crate::sui_client`]), executed with `TransactionExecutionService.ExecuteTransaction`,
//! and its result read back into a [`Receipt`]:
//! - a failed transaction whose effects carry a Move abort of the Floe package is
//!   [`SubmitError::Refused`] with the [`floe_economics::Error`] of that abort code (the same
//!   name the Move constant has); any other failure is [`SubmitError::Failed`];
//! - the events of the Floe package are decoded with the indexer's decoders;
//! - the checkpoint is the one the response names, or else the one the transaction's digest
//!   appears in on the checkpoint subscription (waited for up to the configured timeout), and
//!   the transaction's chain index comes from that checkpoint's running total;
//! - the outcome is read from the events (the new node, `StakedWal`, `Storage` or `Blob`, the
//!   proposal, the FROST paid out or claimed) and, for `delete_blob`, from the `Storage`
//!   object in the effects.

use std::sync::Arc;
use std::time::Duration;

use floe_economics::events::FloeEvent;
use floe_economics::Error;
use futures::StreamExt;
use sui_crypto::ed25519::Ed25519PrivateKey;
use sui_rpc::proto::sui::rpc::v2 as rpc;
use tonic::Status;

use crate::bounded::BoundedClient;
use crate::chain::{ChainClient, Event, Id, Operation, Outcome, Receipt, SubmitError};
use crate::sui_client::{ObjectResolver, SuiTransactions};

/// What [`SuiChainClient`] asks `ExecuteTransaction` for.
const EXECUTE_MASK: &str = "digest,effects.status,effects.epoch,effects.changed_objects,\
events.events.event_type,events.events.contents,checkpoint";

/// Executes Floe operations on Sui.
#[derive(Clone)]
pub struct SuiChainClient {
    transactions: SuiTransactions,
    key: Arc<Ed25519PrivateKey>,
    client: BoundedClient,
    resolver: Arc<dyn ObjectResolver + Send + Sync>,
    checkpoint_timeout: Duration,
}

impl SuiChainClient {
    /// A client executing through the full node at `url`, signing with `key` (operations must
    /// be sent by its address), with objects from `resolver`.
    pub fn new(
        url: &str,
        transactions: SuiTransactions,
        key: Ed25519PrivateKey,
        resolver: Arc<dyn ObjectResolver + Send + Sync>,
    ) -> Result<Self, SubmitError> {
        // Responses are bounded by `crate::limits` and checked before they are decoded.
        let client = BoundedClient::new(url).map_err(SubmitError::Rpc)?;
        Ok(SuiChainClient {
            transactions,
            key: Arc::new(key),
            client,
            resolver,
            checkpoint_timeout: Duration::from_secs(60),
        })
    }

    /// How long to wait for an executed transaction's checkpoint (default 60 s).
    pub fn with_checkpoint_timeout(mut self, timeout: Duration) -> Self {
        self.checkpoint_timeout = timeout;
        self
    }

    /// The address operations are sent from.
    pub fn address(&self) -> Id {
        Id(self.key.public_key().derive_address().into_inner())
    }

    async fn execute(&self, op: &Operation) -> Result<Receipt, SubmitError> {
        let signed = self
            .transactions
            .build_signed(&self.key, op, &*self.resolver)
            .map_err(|e| SubmitError::Rejected(e.to_string()))?;
        let digest = signed.transaction.digest().to_base58();
        let mut request = rpc::ExecuteTransactionRequest::default();
        request.transaction = Some(signed.transaction.into());
        request.signatures = vec![signed.signature.into()];
        request.read_mask = Some(mask(EXECUTE_MASK)?);
        let response: rpc::ExecuteTransactionResponse = self
            .client
            .unary(
                "/sui.rpc.v2.TransactionExecutionService/ExecuteTransaction",
                "sui.rpc.v2.ExecuteTransactionResponse",
                request,
            )
            .await
            .map_err(|s| status_error("ExecuteTransaction", &s))?;
        let executed = response
            .transaction
            .ok_or_else(|| SubmitError::Rpc("ExecuteTransaction returned no transaction".into()))?;
        let effects = executed
            .effects
            .as_ref()
            .ok_or_else(|| SubmitError::Rpc("ExecuteTransaction returned no effects".into()))?;
        let status = effects
            .status
            .as_ref()
            .ok_or_else(|| SubmitError::Rpc("the effects have no status".into()))?;
        if status.success != Some(true) {
            return Err(self.failure(status.error.as_ref()));
        }
        let package = self.transactions.config().package;
        let events = floe_events(&executed, &package)?;
        let epoch = effects
            .epoch
            .and_then(|e| u32::try_from(e).ok())
            .ok_or_else(|| SubmitError::Rpc("the effects have no epoch".into()))?;
        let outcome = outcome(op, &events, effects);
        let checkpoint = match executed.checkpoint {
            Some(seq) => seq,
            None => self.wait_for_checkpoint(&digest).await?,
        };
        let tx_index = self.chain_index(checkpoint, &digest).await?;
        Ok(Receipt {
            tx_index,
            checkpoint: Some(checkpoint),
            epoch,
            outcome,
            events,
        })
    }

    /// The refusal or failure a failed execution status stands for.
    fn failure(&self, error: Option<&rpc::ExecutionError>) -> SubmitError {
        let package = self.transactions.config().package;
        let description = error
            .and_then(|e| e.description.clone())
            .unwrap_or_else(|| "no description".into());
        if let Some(rpc::execution_error::ErrorDetails::Abort(abort)) =
            error.and_then(|e| e.error_details.as_ref())
        {
            let ours = abort
                .location
                .as_ref()
                .and_then(|l| l.package.as_deref())
                .and_then(|p| p.parse::<Id>().ok())
                == Some(package);
            let refusal = abort
                .abort_code
                .and_then(|code| Error::ALL.into_iter().find(|e| e.code() == code));
            if let (true, Some(refusal)) = (ours, refusal) {
                return SubmitError::Refused(refusal);
            }
        }
        SubmitError::Failed(description)
    }

    /// Waits on the checkpoint subscription for the checkpoint holding transaction `digest`.
    async fn wait_for_checkpoint(&self, digest: &str) -> Result<u64, SubmitError> {
        let read_mask = mask("sequence_number,transactions.digest")?;
        let scan = async {
            let mut stream = self
                .client
                .subscribe_checkpoints(read_mask)
                .await
                .map_err(|s| status_error("SubscribeCheckpoints", &s))?;
            while let Some(item) = stream.next().await {
                let item = item.map_err(|s| status_error("SubscribeCheckpoints", &s))?;
                if let Some(cp) = item.checkpoint {
                    if cp
                        .transactions
                        .iter()
                        .any(|t| t.digest.as_deref() == Some(digest))
                    {
                        return Ok(item.cursor.or(cp.sequence_number).unwrap_or_default());
                    }
                }
            }
            Err(SubmitError::Rpc(
                "the checkpoint subscription ended before the transaction was sealed".into(),
            ))
        };
        tokio::time::timeout(self.checkpoint_timeout, scan)
            .await
            .map_err(|_| {
                SubmitError::Rpc(format!(
                    "transaction {digest} executed but no checkpoint holds it after {:?}",
                    self.checkpoint_timeout
                ))
            })?
    }

    /// The chain index of transaction `digest` in checkpoint `seq`.
    async fn chain_index(&self, seq: u64, digest: &str) -> Result<u64, SubmitError> {
        let mut request = rpc::GetCheckpointRequest::default();
        request.checkpoint_id = Some(rpc::get_checkpoint_request::CheckpointId::SequenceNumber(
            seq,
        ));
        request.read_mask = Some(mask(
            "summary.total_network_transactions,transactions.digest",
        )?);
        let cp = self
            .client
            .get_checkpoint(request)
            .await
            .map_err(|s| status_error("GetCheckpoint", &s))?
            .checkpoint
            .ok_or_else(|| SubmitError::Rpc(format!("checkpoint {seq} was not returned")))?;
        let total = cp
            .summary
            .as_ref()
            .and_then(|s| s.total_network_transactions)
            .ok_or_else(|| SubmitError::Rpc(format!("checkpoint {seq} has no running total")))?;
        let position = cp
            .transactions
            .iter()
            .position(|t| t.digest.as_deref() == Some(digest))
            .ok_or_else(|| {
                SubmitError::Rpc(format!(
                    "checkpoint {seq} does not hold transaction {digest}"
                ))
            })?;
        (total + position as u64)
            .checked_sub(cp.transactions.len() as u64)
            .ok_or_else(|| SubmitError::Rpc(format!("checkpoint {seq}: inconsistent total")))
    }
}

fn mask(paths: &str) -> Result<prost_types::FieldMask, SubmitError> {
    crate::proto::field_mask(paths)
        .ok_or_else(|| SubmitError::Rpc(format!("read mask {paths:?} does not parse")))
}

fn status_error(call: &str, s: &Status) -> SubmitError {
    let text = format!("{call}: {:?}: {}", s.code(), s.message());
    match s.code() {
        tonic::Code::InvalidArgument | tonic::Code::FailedPrecondition => {
            SubmitError::Rejected(text)
        }
        _ => SubmitError::Rpc(text),
    }
}

/// The decoded events of `package` in an executed transaction.
fn floe_events(
    executed: &rpc::ExecutedTransaction,
    package: &Id,
) -> Result<Vec<FloeEvent>, SubmitError> {
    let mut out = Vec::new();
    for e in executed.events.iter().flat_map(|t| t.events.iter()) {
        let Some(type_tag) = e.event_type.as_deref() else {
            continue;
        };
        let of_package = type_tag
            .split("::")
            .next()
            .and_then(|p| p.parse::<Id>().ok())
            == Some(*package);
        if !of_package {
            continue;
        }
        let contents = e
            .contents
            .as_ref()
            .and_then(|c| c.value.as_ref())
            .ok_or_else(|| SubmitError::Rpc(format!("event {type_tag} has no contents")))?;
        let event = Event {
            type_tag: type_tag.into(),
            contents: contents.to_vec(),
        };
        out.push(
            event
                .decode()
                .map_err(|err| SubmitError::Rpc(format!("event {type_tag}: {err}")))?,
        );
    }
    Ok(out)
}

/// What `op` produced, from its events and effects.
fn outcome(op: &Operation, events: &[FloeEvent], effects: &rpc::TransactionEffects) -> Outcome {
    let created = events.iter().find_map(|e| match (op, e) {
        (Operation::RegisterNode { .. }, FloeEvent::NodeRegistered(x)) => Some(x.node_id),
        (Operation::Stake { .. }, FloeEvent::StakeDeposited(x)) => Some(x.staked_wal_id),
        (Operation::ReserveSpace { .. }, FloeEvent::StorageReserved(x)) => Some(x.storage_id),
        (Operation::RegisterBlob { .. }, FloeEvent::BlobRegistered(x)) => Some(x.object_id),
        (Operation::SplitStake { .. }, FloeEvent::StakedWalSplit(x)) => Some(x.new_staked_wal_id),
        (Operation::ShareBlob { .. }, FloeEvent::SharedBlobCreated(x)) => Some(x.shared_blob_id),
        (Operation::CreateStoragePool { .. }, FloeEvent::StoragePoolCreated(x)) => {
            Some(x.storage_pool_id)
        }
        (Operation::RegisterPooledBlob { .. }, FloeEvent::PooledBlobRegistered(x)) => {
            Some(x.object_id)
        }
        (
            Operation::SplitStorageByEpoch { .. } | Operation::SplitStorageBySize { .. },
            FloeEvent::StorageSplit(x),
        ) => Some(x.new_storage_id),
        _ => None,
    });
    if let Some(id) = created {
        return Outcome::Created(Id(id));
    }
    if let Operation::DeleteBlob { .. } = op {
        let storage = effects.changed_objects.iter().find_map(|c| {
            c.object_type
                .as_deref()
                .filter(|t| t.ends_with("::storage_resource::Storage"))
                .and(c.object_id.as_deref())
                .and_then(|id| id.parse::<Id>().ok())
        });
        if let Some(id) = storage {
            return Outcome::Created(id);
        }
    }
    if let Some(id) = events.iter().find_map(|e| match e {
        FloeEvent::ProposalCreated(x) => Some(x.proposal_id),
        _ => None,
    }) {
        return Outcome::Proposal(id);
    }
    let paid = events.iter().find_map(|e| match (op, e) {
        (_, FloeEvent::StakeWithdrawn(x)) => Some(x.principal.saturating_add(x.rewards)),
        (_, FloeEvent::CommissionCollected(x)) => Some(x.amount),
        (Operation::Claim { .. }, FloeEvent::RewardsClaimed(x)) => {
            Some(x.staker_reward.saturating_add(x.commission))
        }
        _ => None,
    });
    paid.map_or(Outcome::Done, Outcome::Paid)
}

impl ChainClient for SuiChainClient {
    async fn submit(&self, sender: Id, op: Operation) -> Result<Receipt, SubmitError> {
        let address = self.address();
        if sender != address {
            return Err(SubmitError::Rejected(format!(
                "this client signs for {address}, not for {sender}"
            )));
        }
        self.execute(&op).await
    }
}
