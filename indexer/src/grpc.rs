//! Sui's gRPC API (`sui.rpc.v2`) on both sides of the checkpoint boundary.
//!
//! - [`LedgerApi`] serves a [`Localnet`] the way a Sui full node serves its chain, over HTTP/2
//!   gRPC and over HTTP/1.1 gRPC-web with CORS (what Sui's TypeScript SDK and browsers speak):
//!   `LedgerService.GetServiceInfo`, `LedgerService.GetCheckpoint` (by sequence number, by
//!   digest or the latest, honouring the read mask), `GetTransaction` (by digest) and
//!   `GetEpoch` (the epoch and its checkpoint range; `UNIMPLEMENTED` for what the ledger cannot
//!   know), and
//!   `SubscriptionService.SubscribeCheckpoints` (from the latest checkpoint on, as Sui does).
//!   [`serve`] runs it on a TCP listener until a shutdown signal.
//!   `TransactionExecutionService.ExecuteTransaction` executes the signed programmable
//!   transactions of Floe's Sui chain client ([`crate::localnet::sui_exec`] reads them back
//!   into operations): a refusal is a failed transaction whose effects carry the Move abort
//!   code, as on Sui.
//! - [`GrpcSource`] is the [`CheckpointSource`] over any server of that API — a Sui full node or
//!   the local ledger: `GetCheckpoint` for catch-up and, once it reaches the tip,
//!   `SubscribeCheckpoints` to wait for the next one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures::StreamExt;
use sui_rpc::field::FieldMaskTree;
use sui_rpc::merge::Merge;
use sui_rpc::proto::sui::rpc::v2 as rpc;
use sui_rpc::proto::sui::rpc::v2::ledger_service_server::{LedgerService, LedgerServiceServer};
use sui_rpc::proto::sui::rpc::v2::subscription_service_server::{
    SubscriptionService, SubscriptionServiceServer,
};
use sui_rpc::proto::sui::rpc::v2::transaction_execution_service_server::{
    TransactionExecutionService, TransactionExecutionServiceServer,
};
use tonic::codegen::BoxStream;
use tonic::{Code, Request, Response, Status};

use crate::bounded::{BoundedClient, RequestLimitLayer};
use crate::chain::{
    Checkpoint, CheckpointSource, Event, Id, Operation, Outcome, SourceError, SubmitError,
    Transaction,
};
use crate::limits;
use crate::localnet::{sui_exec, Localnet};
use crate::proto;

/// The read mask Sui applies to `GetCheckpoint` when the request has none.
pub const DEFAULT_CHECKPOINT_MASK: &str = "sequence_number,digest";

/// The read mask Sui applies to `ExecuteTransaction` when the request has none.
pub const DEFAULT_EXECUTE_MASK: &str = "effects.status,checkpoint";

/// The read mask Sui applies to `GetTransaction` when the request has none.
pub const DEFAULT_TRANSACTION_MASK: &str = "digest";

/// The read mask Sui applies to `GetEpoch` when the request has none.
pub const DEFAULT_EPOCH_MASK: &str = "epoch";

/// The fields of `sui.rpc.v2.Epoch` the ledger knows; a read mask naming any other is answered
/// `UNIMPLEMENTED` (the ledger has no Sui validators, gas or protocol config, and its epochs
/// are Floe's, changed by a transaction rather than at a time).
const KNOWN_EPOCH_FIELDS: [&str; 3] = ["epoch", "first_checkpoint", "last_checkpoint"];

/// The chain name the local ledger reports in `GetServiceInfo`.
pub const CHAIN_NAME: &str = "floe-localnet";

/// Sui's gRPC services over a [`Localnet`].
#[derive(Clone)]
pub struct LedgerApi {
    net: Localnet,
    package: Id,
    digests: Arc<Mutex<DigestIndex>>,
}

/// Checkpoint digests to sequence numbers, extended on demand (checkpoints never change).
#[derive(Default)]
struct DigestIndex {
    by_digest: HashMap<[u8; 32], u64>,
    /// Checkpoints `0..indexed` are in `by_digest`.
    indexed: u64,
}

impl LedgerApi {
    /// The services of `net`.
    pub fn new(net: Localnet) -> Self {
        let package = net.genesis().package_id;
        LedgerApi {
            net,
            package,
            digests: Arc::default(),
        }
    }

    fn full(&self, cp: &Checkpoint) -> rpc::Checkpoint {
        proto::to_proto(cp, &self.package)
    }

    /// The checkpoint whose digest is `digest` (base58, as Sui writes it).
    fn checkpoint_by_digest(&self, digest: &str) -> Result<Arc<Checkpoint>, Status> {
        let wanted = sui_sdk_types::Digest::from_base58(digest)
            .map_err(|e| Status::invalid_argument(format!("checkpoint digest {digest:?}: {e}")))?
            .into_inner();
        let mut index = self
            .digests
            .lock()
            .map_err(|_| Status::internal("the digest index is poisoned"))?;
        let count = self.net.checkpoint_count();
        while index.indexed < count {
            let seq = index.indexed;
            let cp = self
                .net
                .try_checkpoint(seq)
                .ok_or_else(|| Status::internal(format!("checkpoint {seq} is missing")))?;
            index.by_digest.insert(proto::digest_of(&cp), seq);
            index.indexed += 1;
        }
        index
            .by_digest
            .get(&wanted)
            .and_then(|seq| self.net.try_checkpoint(*seq))
            .ok_or_else(|| Status::not_found(format!("checkpoint {digest} not found")))
    }
}

fn mask_tree(
    mask: Option<&prost_types::FieldMask>,
    default: &str,
) -> Result<FieldMaskTree, Status> {
    match mask {
        Some(m) => Ok(FieldMaskTree::from_field_mask(m)),
        None => default
            .parse()
            .map_err(|_| Status::internal("the default read mask does not parse")),
    }
}

#[tonic::async_trait]
impl LedgerService for LedgerApi {
    async fn get_service_info(
        &self,
        _request: Request<rpc::GetServiceInfoRequest>,
    ) -> Result<Response<rpc::GetServiceInfoResponse>, Status> {
        let latest = self.net.checkpoint_count().checked_sub(1);
        let mut info = rpc::GetServiceInfoResponse::default();
        info.chain_id = Some(self.package.to_string());
        info.chain = Some(CHAIN_NAME.into());
        info.epoch = Some(self.net.epoch().into());
        info.checkpoint_height = latest;
        info.timestamp = latest
            .and_then(|s| self.net.try_checkpoint(s))
            .map(|cp| proto::timestamp(cp.timestamp_ms));
        info.lowest_available_checkpoint = Some(0);
        info.server = Some(format!("floe-localnet/{}", env!("CARGO_PKG_VERSION")));
        Ok(Response::new(info))
    }

    async fn get_checkpoint(
        &self,
        request: Request<rpc::GetCheckpointRequest>,
    ) -> Result<Response<rpc::GetCheckpointResponse>, Status> {
        use rpc::get_checkpoint_request::CheckpointId;
        let request = request.into_inner();
        let mask = mask_tree(request.read_mask.as_ref(), DEFAULT_CHECKPOINT_MASK)?;
        let cp = match request.checkpoint_id {
            Some(CheckpointId::SequenceNumber(seq)) => self
                .net
                .try_checkpoint(seq)
                .ok_or_else(|| Status::not_found(format!("checkpoint {seq} not found")))?,
            Some(CheckpointId::Digest(digest)) => self.checkpoint_by_digest(&digest)?,
            Some(_) => return Err(Status::invalid_argument("unknown kind of checkpoint id")),
            None => self
                .net
                .checkpoint_count()
                .checked_sub(1)
                .and_then(|s| self.net.try_checkpoint(s))
                .ok_or_else(|| Status::not_found("no checkpoint has been sealed yet"))?,
        };
        let mut response = rpc::GetCheckpointResponse::default();
        response.checkpoint = Some(rpc::Checkpoint::merge_from(&self.full(&cp), &mask));
        Ok(Response::new(response))
    }

    async fn get_transaction(
        &self,
        request: Request<rpc::GetTransactionRequest>,
    ) -> Result<Response<rpc::GetTransactionResponse>, Status> {
        let request = request.into_inner();
        let mask = mask_tree(request.read_mask.as_ref(), DEFAULT_TRANSACTION_MASK)?;
        let digest = request
            .digest
            .ok_or_else(|| Status::invalid_argument("missing transaction digest"))?;
        let wanted = sui_sdk_types::Digest::from_base58(&digest)
            .map_err(|e| Status::invalid_argument(format!("transaction digest {digest:?}: {e}")))?
            .into_inner();
        let (tx, seq) = self
            .net
            .recent_transaction(&wanted)
            .ok_or_else(|| Status::not_found(format!("transaction {digest} not found")))?;
        // A sealed transaction carries its checkpoint's epoch and time; a pending one (executed,
        // not yet in a checkpoint) the current epoch and no time, as on Sui.
        let sealed = seq.and_then(|s| self.net.try_checkpoint(s));
        let epoch = sealed.as_ref().map_or(self.net.epoch(), |cp| cp.epoch);
        let mut executed = proto::executed_transaction(&tx, &self.package, epoch, seq);
        executed.timestamp = sealed.map(|cp| proto::timestamp(cp.timestamp_ms));
        let mut response = rpc::GetTransactionResponse::default();
        response.transaction = Some(rpc::ExecutedTransaction::merge_from(&executed, &mask));
        Ok(Response::new(response))
    }

    async fn get_epoch(
        &self,
        request: Request<rpc::GetEpochRequest>,
    ) -> Result<Response<rpc::GetEpochResponse>, Status> {
        let request = request.into_inner();
        if let Some(m) = &request.read_mask {
            for path in &m.paths {
                let field = path.split('.').next().unwrap_or_default();
                if !KNOWN_EPOCH_FIELDS.contains(&field) {
                    return Err(Status::unimplemented(format!(
                        "the Floe ledger does not know the epoch's {field:?} (it knows: {})",
                        KNOWN_EPOCH_FIELDS.join(", ")
                    )));
                }
            }
        }
        let mask = mask_tree(request.read_mask.as_ref(), DEFAULT_EPOCH_MASK)?;
        let current = u64::from(self.net.epoch());
        let wanted = request.epoch.unwrap_or(current);
        if wanted > current {
            return Err(Status::not_found(format!(
                "epoch {wanted} has not started (the current epoch is {current})"
            )));
        }
        let mut epoch = rpc::Epoch::default();
        epoch.epoch = Some(wanted);
        // Checkpoints are sealed in epoch order: the epoch's first is the first at or after it,
        // its last (once it has ended) the one before the next epoch's first.
        // One count for both searches, so a checkpoint sealed meanwhile cannot split them.
        let count = self.net.checkpoint_count();
        let first_at = |e: u64| self.first_checkpoint_at_or_after(e, count);
        let first = first_at(wanted);
        let next = first_at(wanted + 1);
        epoch.first_checkpoint = first.filter(|f| next.is_none_or(|n| n > *f));
        epoch.last_checkpoint = next
            .filter(|_| wanted < current)
            .and_then(|n| n.checked_sub(1))
            .filter(|l| epoch.first_checkpoint.is_some_and(|f| f <= *l));
        let mut response = rpc::GetEpochResponse::default();
        response.epoch = Some(rpc::Epoch::merge_from(&epoch, &mask));
        Ok(Response::new(response))
    }
}

impl LedgerApi {
    /// The first of checkpoints `0..count` in an epoch at or after `epoch` (binary search:
    /// checkpoints are sealed in epoch order).
    fn first_checkpoint_at_or_after(&self, epoch: u64, count: u64) -> Option<u64> {
        let (mut lo, mut hi) = (0u64, count);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.net.try_checkpoint(mid) {
                Some(cp) if u64::from(cp.epoch) < epoch => lo = mid + 1,
                _ => hi = mid,
            }
        }
        (lo < count).then_some(lo)
    }
}

#[tonic::async_trait]
impl SubscriptionService for LedgerApi {
    async fn subscribe_checkpoints(
        &self,
        request: Request<rpc::SubscribeCheckpointsRequest>,
    ) -> Result<Response<BoxStream<rpc::SubscribeCheckpointsResponse>>, Status> {
        let request = request.into_inner();
        if request.filter.is_some() {
            return Err(Status::invalid_argument(
                "the local ledger streams every checkpoint; transaction filters are not supported",
            ));
        }
        let mask = mask_tree(request.read_mask.as_ref(), DEFAULT_CHECKPOINT_MASK)?;
        let start = self.net.checkpoint_count().saturating_sub(1);
        let api = self.clone();
        let stream = futures::stream::unfold(start, move |seq| {
            let api = api.clone();
            let mask = mask.clone();
            async move {
                let item = match api.net.checkpoint(seq).await {
                    Ok(cp) => {
                        let mut r = rpc::SubscribeCheckpointsResponse::default();
                        r.cursor = Some(seq);
                        r.checkpoint = Some(rpc::Checkpoint::merge_from(&api.full(&cp), &mask));
                        Ok(r)
                    }
                    Err(e) => Err(Status::internal(e.to_string())),
                };
                Some((item, seq + 1))
            }
        });
        Ok(Response::new(Box::pin(stream)))
    }
}

/// The Move type of the object an operation creates (or, for `delete_blob`, returns), as the
/// local ledger names it in effects.
fn object_type(package: &Id, op: &Operation) -> Option<String> {
    let t = match op {
        Operation::RegisterNode { .. } => "node_cap::StorageNodeCap",
        Operation::Stake { .. } | Operation::SplitStake { .. } => "staked_wal::StakedWal",
        Operation::ReserveSpace { .. }
        | Operation::DeleteBlob { .. }
        | Operation::SplitStorageByEpoch { .. }
        | Operation::SplitStorageBySize { .. } => "storage_resource::Storage",
        Operation::RegisterBlob { .. } => "blob::Blob",
        Operation::ShareBlob { .. } => "shared_blob::SharedBlob",
        Operation::CreateStoragePool { .. } => "storage_pool::StoragePool",
        Operation::RegisterPooledBlob { .. } => "storage_pool::PooledBlob",
        _ => return None,
    };
    Some(format!("{package}::{t}"))
}

#[tonic::async_trait]
impl TransactionExecutionService for LedgerApi {
    async fn execute_transaction(
        &self,
        request: Request<rpc::ExecuteTransactionRequest>,
    ) -> Result<Response<rpc::ExecuteTransactionResponse>, Status> {
        use rpc::changed_object::{IdOperation, OutputObjectState};
        let request = request.into_inner();
        let mask = mask_tree(request.read_mask.as_ref(), DEFAULT_EXECUTE_MASK)?;
        let invalid = |what: &str, e: &dyn std::fmt::Display| {
            Status::invalid_argument(format!("{what}: {e}"))
        };
        let proto_tx = request
            .transaction
            .as_ref()
            .ok_or_else(|| Status::invalid_argument("the request has no transaction"))?;
        let tx = sui_sdk_types::Transaction::try_from(proto_tx)
            .map_err(|e| invalid("transaction", &e))?;
        let signatures = request
            .signatures
            .iter()
            .map(sui_sdk_types::UserSignature::try_from)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| invalid("signature", &e))?;
        sui_exec::verify_signature(&tx, &signatures).map_err(|e| invalid("transaction", &e))?;
        let op = sui_exec::decode(&tx, &self.package).map_err(|e| invalid("transaction", &e))?;
        let sender = Id(tx.sender.into_inner());
        let digest = tx.digest().into_inner();
        let epoch = self.net.epoch();

        let executed = match self.net.execute_sui(sender, op.clone(), Id(digest)) {
            Ok(receipt) => {
                let t = Transaction {
                    index: receipt.tx_index,
                    digest,
                    sender,
                    kind: op.kind(),
                    events: receipt
                        .events
                        .iter()
                        .map(|e| Event::from_floe(&self.package, e))
                        .collect(),
                    abort: None,
                };
                let mut executed = proto::executed_transaction(
                    &t,
                    &self.package,
                    receipt.epoch,
                    receipt.checkpoint,
                );
                if let (Outcome::Created(id), Some(object_type), Some(effects)) = (
                    receipt.outcome,
                    object_type(&self.package, &op),
                    executed.effects.as_mut(),
                ) {
                    let mut changed = rpc::ChangedObject::default();
                    changed.object_id = Some(id.to_string());
                    changed.output_state = Some(OutputObjectState::ObjectWrite.into());
                    let created = !matches!(op, Operation::DeleteBlob { .. });
                    changed.id_operation = Some(
                        if created {
                            IdOperation::Created
                        } else {
                            IdOperation::None
                        }
                        .into(),
                    );
                    changed.object_type = Some(object_type);
                    effects.changed_objects.push(changed);
                }
                executed
            }
            Err(SubmitError::Refused(e)) => {
                // The ledger put the failed transaction on chain, as Sui does: it is pending or
                // in one of the newest checkpoints.
                let (failed, checkpoint) = self
                    .net
                    .recent_transaction(&digest)
                    .ok_or_else(|| Status::internal(format!("refused transaction lost: {e}")))?;
                proto::executed_transaction(&failed, &self.package, epoch, checkpoint)
            }
            Err(e) => return Err(Status::unavailable(e.to_string())),
        };
        let mut response = rpc::ExecuteTransactionResponse::default();
        response.transaction = Some(rpc::ExecutedTransaction::merge_from(&executed, &mask));
        Ok(Response::new(response))
    }
}

/// Serves `net` over Sui's gRPC API (ledger, subscription and transaction execution services)
/// on `listener` until `shutdown` completes. Requests are bounded by [`crate::limits`] (see
/// [`RequestLimitLayer`]): one over a limit is refused with `RESOURCE_EXHAUSTED` before it is
/// decoded, and the server goes on serving.
pub async fn serve(
    net: Localnet,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send,
) -> Result<(), tonic::transport::Error> {
    let api = LedgerApi::new(net);
    // Every request is bounded twice: the layer reads at most `MAX_REQUEST_BYTES` of body and
    // checks the entry counts on the wire before any service decodes it; the services' own
    // decoding limit is the same size.
    let max = limits::MAX_REQUEST_BYTES;
    // HTTP/1.1 and gRPC-web (binary and text) beside HTTP/2 gRPC on the same port, as Sui full
    // nodes serve Sui's TypeScript SDK; CORS lets a browser page call it. The request limit
    // sees the translated gRPC request.
    tonic::transport::Server::builder()
        .accept_http1(true)
        .layer(grpc_web_cors())
        .layer(tonic_web::GrpcWebLayer::new())
        .layer(RequestLimitLayer)
        .add_service(LedgerServiceServer::new(api.clone()).max_decoding_message_size(max))
        .add_service(SubscriptionServiceServer::new(api.clone()).max_decoding_message_size(max))
        .add_service(TransactionExecutionServiceServer::new(api).max_decoding_message_size(max))
        .serve_with_incoming_shutdown(
            tonic::transport::server::TcpIncoming::from(listener),
            shutdown,
        )
        .await
}

/// CORS for gRPC-web from any page: any origin, the request headers gRPC-web clients send, and
/// the gRPC status headers exposed to the page.
fn grpc_web_cors() -> tower_http::cors::CorsLayer {
    use tower_http::cors::{AllowHeaders, AllowMethods, AllowOrigin, CorsLayer, ExposeHeaders};
    let exposed = ["grpc-status", "grpc-message", "grpc-status-details-bin"]
        .map(tonic::codegen::http::HeaderName::from_static);
    CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_methods(AllowMethods::list([
            tonic::codegen::http::Method::POST,
            tonic::codegen::http::Method::OPTIONS,
        ]))
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers(ExposeHeaders::list(exposed))
        .max_age(std::time::Duration::from_secs(24 * 3600))
}

/// A [`CheckpointSource`] over Sui's gRPC API (a full node or the local ledger).
///
/// Every response is bounded by [`crate::limits`]: at most [`limits::MAX_RESPONSE_BYTES`], and
/// its entry counts (transactions per checkpoint, events and signatures per transaction, all
/// entries together) are checked on the wire before it is decoded ([`BoundedCodec`]); a
/// response over a limit is an error naming the call and the limit.
#[derive(Clone)]
pub struct GrpcSource {
    client: BoundedClient,
    package: Option<Id>,
    mask: prost_types::FieldMask,
}

impl GrpcSource {
    /// A source reading `url` (e.g. `http://127.0.0.1:9000`), keeping the transactions and
    /// events of `package` (all `system` calls if `None`). Connects lazily.
    pub fn new(url: &str, package: Option<Id>) -> Result<Self, SourceError> {
        let client = BoundedClient::new(url).map_err(SourceError::Rpc)?;
        let mask = proto::field_mask(proto::READ_MASK)
            .ok_or_else(|| SourceError::Rpc("the checkpoint read mask does not parse".into()))?;
        Ok(GrpcSource {
            client,
            package,
            mask,
        })
    }

    fn convert(&self, cp: &rpc::Checkpoint, what: String) -> Result<Checkpoint, SourceError> {
        proto::from_proto(cp, self.package.as_ref()).map_err(|e| SourceError::Malformed {
            what,
            reason: e.to_string(),
        })
    }

    /// Checkpoint `seq` if the server has it.
    async fn get(&self, seq: u64) -> Result<Option<Checkpoint>, SourceError> {
        let mut request = rpc::GetCheckpointRequest::default();
        request.read_mask = Some(self.mask.clone());
        request.checkpoint_id = Some(rpc::get_checkpoint_request::CheckpointId::SequenceNumber(
            seq,
        ));
        match self.client.get_checkpoint(request).await {
            Ok(r) => {
                let what = format!("GetCheckpoint({seq})");
                let cp = r.checkpoint.ok_or_else(|| SourceError::Malformed {
                    what: what.clone(),
                    reason: "the response has no checkpoint".into(),
                })?;
                let cp = self.convert(&cp, what)?;
                Ok(Some(cp))
            }
            Err(s) if s.code() == Code::NotFound => Ok(None),
            Err(s) => Err(rpc_error("GetCheckpoint", &s)),
        }
    }

    /// Waits on the subscription until the server has checkpoint `seq`.
    async fn wait_for(&self, seq: u64) -> Result<Checkpoint, SourceError> {
        let mut stream = self
            .client
            .subscribe_checkpoints(self.mask.clone())
            .await
            .map_err(|s| rpc_error("SubscribeCheckpoints", &s))?;
        // It may have been sealed between the failed get and the subscription.
        if let Some(cp) = self.get(seq).await? {
            return Ok(cp);
        }
        while let Some(item) = stream.next().await {
            let item = item.map_err(|s| rpc_error("SubscribeCheckpoints", &s))?;
            let cursor = item.cursor.unwrap_or_default();
            if cursor == seq {
                if let Some(cp) = item.checkpoint {
                    return self.convert(&cp, format!("SubscribeCheckpoints({seq})"));
                }
            }
            if cursor >= seq {
                // The tip passed `seq`: the server has it, or never will (pruned).
                return self.get(seq).await?.ok_or(SourceError::Unavailable(seq));
            }
        }
        Err(SourceError::Rpc(format!(
            "the checkpoint subscription ended before checkpoint {seq}"
        )))
    }
}

fn rpc_error(call: &str, s: &Status) -> SourceError {
    SourceError::Rpc(format!("{call}: {:?}: {}", s.code(), s.message()))
}

impl CheckpointSource for GrpcSource {
    async fn checkpoint(&self, seq: u64) -> Result<Arc<Checkpoint>, SourceError> {
        let cp = match self.get(seq).await? {
            Some(cp) => cp,
            None => self.wait_for(seq).await?,
        };
        Ok(Arc::new(cp))
    }

    async fn latest_sequence(&self) -> Result<Option<u64>, SourceError> {
        let info = self
            .client
            .unary::<_, rpc::GetServiceInfoResponse>(
                "/sui.rpc.v2.LedgerService/GetServiceInfo",
                "sui.rpc.v2.GetServiceInfoResponse",
                rpc::GetServiceInfoRequest::default(),
            )
            .await
            .map_err(|s| rpc_error("GetServiceInfo", &s))?;
        Ok(info.checkpoint_height)
    }
}
