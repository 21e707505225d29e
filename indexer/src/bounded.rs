//! Bounded protobuf: the element counts of a message are checked against a [`Budget`] on the
//! wire, before the message is decoded, so a few bytes of input cannot become gigabytes of
//! structs (see [`crate::limits`]).
//!
//! [`check`] walks the wire format with `prost`'s own primitives (`decode_key`,
//! `decode_varint`, `skip_field`) guided by the schema of Sui's gRPC API (the file descriptor
//! sets `sui-rpc` ships), counting the entries of every repeated field at every depth; nothing
//! is allocated per entry. The rest of the module applies it where protobuf comes in:
//! [`BoundedCodec`], a tonic codec for clients that checks each response before decoding it,
//! and [`RequestLimitLayer`], a server layer that bounds each request's body and checks its
//! messages before the services decode them.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};

use prost::bytes::{Buf, Bytes};
use prost::encoding::{decode_key, decode_varint, skip_field, DecodeContext, WireType};
use prost::Message;
use prost_types::field_descriptor_proto::{Label, Type};
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::codegen::{http, Service};
use tonic::Status;

use crate::limits::{self, LimitError};

/// The resource budget of one kind of protobuf message. Besides its two numbers, every budget
/// applies Sui's per-field limits (transactions per checkpoint, events, signatures and commands
/// per transaction, per message holding them), wherever the message appears.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Largest encoded size, bytes.
    pub max_bytes: usize,
    /// Most entries of all repeated fields together, at every depth.
    pub max_entries: u64,
}

/// The per-field limits that hold wherever the message appears (Sui's protocol limits):
/// `(message full name, field name, limit)`.
const SUI_FIELD_LIMITS: &[(&str, &str, u64)] = &[
    (
        "sui.rpc.v2.Checkpoint",
        "transactions",
        limits::MAX_TRANSACTIONS_PER_CHECKPOINT,
    ),
    (
        "sui.rpc.v2.CheckpointContents",
        "transactions",
        limits::MAX_TRANSACTIONS_PER_CHECKPOINT,
    ),
    (
        "sui.rpc.v2.TransactionEvents",
        "events",
        limits::MAX_EVENTS_PER_TRANSACTION,
    ),
    (
        "sui.rpc.v2.ExecutedTransaction",
        "signatures",
        limits::MAX_SIGNATURES_PER_TRANSACTION,
    ),
    (
        "sui.rpc.v2.CheckpointedTransactionInfo",
        "signatures",
        limits::MAX_SIGNATURES_PER_TRANSACTION,
    ),
    (
        "sui.rpc.v2.ExecuteTransactionRequest",
        "signatures",
        limits::MAX_SIGNATURES_PER_TRANSACTION,
    ),
    (
        "sui.rpc.v2.ProgrammableTransaction",
        "commands",
        limits::MAX_COMMANDS_PER_TRANSACTION,
    ),
];

/// The budget of a checkpoint (a file's contents, or a checkpoint in a gRPC response).
pub const CHECKPOINT: Budget = Budget {
    max_bytes: limits::MAX_CHECKPOINT_BYTES,
    max_entries: limits::MAX_ENTRIES_PER_CHECKPOINT,
};

/// The budget of a gRPC response carrying a checkpoint.
pub const RESPONSE: Budget = Budget {
    max_bytes: limits::MAX_RESPONSE_BYTES,
    ..CHECKPOINT
};

/// The budget of a gRPC request to the ledger's server.
pub const REQUEST: Budget = Budget {
    max_bytes: limits::MAX_REQUEST_BYTES,
    max_entries: limits::MAX_ENTRIES_PER_REQUEST,
};

/// How prost decodes a field, as far as memory goes.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// A message (its index in [`Schema::messages`]).
    Message(usize),
    /// A varint scalar (packed: one entry per byte below 0x80).
    Varint,
    /// A fixed-width scalar of this many bytes.
    Fixed(usize),
    /// A string or bytes.
    Bytes,
}

#[derive(Debug, Clone, Copy)]
struct Field {
    repeated: bool,
    kind: Kind,
    /// The index of this field's per-field limit in the budget, if any.
    limit: Option<usize>,
}

#[derive(Debug, Default)]
struct MessageSchema {
    name: String,
    fields: HashMap<u32, Field>,
}

#[derive(Debug, Default)]
struct Schema {
    messages: Vec<MessageSchema>,
    by_name: HashMap<String, usize>,
}

/// The schema of Sui's gRPC API (with the Google well-known types it uses); per-field limits
/// refer to [`SUI_FIELD_LIMITS`] by index.
fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        use sui_rpc::proto::google::{protobuf, rpc as grpc_status};
        use sui_rpc::proto::sui::rpc::v2;
        let mut files = Vec::new();
        for fds in [
            protobuf::FILE_DESCRIPTOR_SET,
            grpc_status::FILE_DESCRIPTOR_SET,
            v2::FILE_DESCRIPTOR_SET,
        ] {
            // The sets are compiled into sui-rpc, which tests that they decode.
            if let Ok(set) = prost_types::FileDescriptorSet::decode(fds) {
                files.extend(set.file);
            }
        }
        let mut schema = Schema::default();
        // First pass: number every message (nested ones included) by full name.
        let mut pending = Vec::new();
        for file in &files {
            let package = file.package();
            for m in &file.message_type {
                collect(&mut schema, &mut pending, package, m);
            }
        }
        // Second pass: the fields.
        for (index, m) in pending {
            for f in &m.field {
                let kind = match f.r#type() {
                    Type::Message | Type::Group => {
                        match schema.by_name.get(f.type_name().trim_start_matches('.')) {
                            Some(i) => Kind::Message(*i),
                            // Unknown to the schema: prost skips nothing it keeps; count as bytes.
                            None => Kind::Bytes,
                        }
                    }
                    Type::String | Type::Bytes => Kind::Bytes,
                    Type::Fixed32 | Type::Sfixed32 | Type::Float => Kind::Fixed(4),
                    Type::Fixed64 | Type::Sfixed64 | Type::Double => Kind::Fixed(8),
                    _ => Kind::Varint,
                };
                let name = &schema.messages[index].name;
                let limit = SUI_FIELD_LIMITS
                    .iter()
                    .position(|(msg, field, _)| msg == name && *field == f.name());
                let field = Field {
                    repeated: f.label() == Label::Repeated,
                    kind,
                    limit,
                };
                if let Ok(number) = u32::try_from(f.number()) {
                    schema.messages[index].fields.insert(number, field);
                }
            }
        }
        schema
    })
}

fn collect(
    schema: &mut Schema,
    pending: &mut Vec<(usize, prost_types::DescriptorProto)>,
    scope: &str,
    m: &prost_types::DescriptorProto,
) {
    let name = if scope.is_empty() {
        m.name().to_owned()
    } else {
        format!("{scope}.{}", m.name())
    };
    let index = schema.messages.len();
    schema.messages.push(MessageSchema {
        name: name.clone(),
        fields: HashMap::new(),
    });
    schema.by_name.insert(name.clone(), index);
    for nested in &m.nested_type {
        collect(schema, pending, &name, nested);
    }
    pending.push((index, m.clone()));
}

/// Whether `message` (a full name such as `sui.rpc.v2.Checkpoint`) is in the schema [`check`]
/// knows.
pub fn knows(message: &str) -> bool {
    schema().by_name.contains_key(message)
}

struct Scan<'a> {
    what: &'a str,
    budget: &'a Budget,
    entries: u64,
}

impl Scan<'_> {
    fn malformed(&self, reason: impl std::fmt::Display) -> LimitError {
        LimitError::Malformed {
            what: self.what.to_owned(),
            reason: reason.to_string(),
        }
    }

    fn count(&mut self, n: u64) -> Result<(), LimitError> {
        self.entries = self.entries.saturating_add(n);
        if self.entries > self.budget.max_entries {
            return Err(LimitError::TooMany {
                what: self.what.to_owned(),
                field: "all repeated fields".into(),
                limit: self.budget.max_entries,
            });
        }
        Ok(())
    }

    fn message(&mut self, mut buf: &[u8], index: usize, depth: u32) -> Result<(), LimitError> {
        // prost's own recursion limit: deeper messages would not decode either.
        if depth > 100 {
            return Err(self.malformed("messages nested deeper than 100"));
        }
        let schema = schema();
        let message = &schema.messages[index];
        // Per-field counts of this message instance (few fields have limits).
        let mut counted: Vec<(usize, u64)> = Vec::new();
        while buf.has_remaining() {
            let (number, wire) = decode_key(&mut buf).map_err(|e| self.malformed(e))?;
            let field = message.fields.get(&number).copied();
            if wire != WireType::LengthDelimited {
                if let Some(f) = field.filter(|f| f.repeated) {
                    self.count(1)?;
                    self.limit(&mut counted, f, &message.name, 1)?;
                }
                skip_field(wire, number, &mut buf, DecodeContext::default())
                    .map_err(|e| self.malformed(e))?;
                continue;
            }
            let len = decode_varint(&mut buf).map_err(|e| self.malformed(e))?;
            let len = usize::try_from(len)
                .ok()
                .filter(|l| *l <= buf.len())
                .ok_or_else(|| self.malformed("a length runs past the end of the buffer"))?;
            let (payload, rest) = buf.split_at(len);
            buf = rest;
            let Some(f) = field else { continue };
            let entries = match f.kind {
                Kind::Message(sub) => {
                    self.message(payload, sub, depth + 1)?;
                    1
                }
                Kind::Bytes => 1,
                // A packed repeated scalar.
                Kind::Varint => payload.iter().filter(|b| **b < 0x80).count() as u64,
                Kind::Fixed(width) => (payload.len() / width) as u64,
            };
            if f.repeated {
                self.count(entries)?;
                self.limit(&mut counted, f, &message.name, entries)?;
            }
        }
        Ok(())
    }

    fn limit(
        &self,
        counted: &mut Vec<(usize, u64)>,
        f: Field,
        message: &str,
        n: u64,
    ) -> Result<(), LimitError> {
        let Some(limit_index) = f.limit else {
            return Ok(());
        };
        let count = match counted.iter_mut().find(|(i, _)| *i == limit_index) {
            Some((_, c)) => c,
            None => {
                counted.push((limit_index, 0));
                &mut counted.last_mut().expect("just pushed").1
            }
        };
        *count = count.saturating_add(n);
        let Some((_, field, limit)) = SUI_FIELD_LIMITS.get(limit_index).copied() else {
            return Ok(());
        };
        if *count > limit {
            return Err(LimitError::TooMany {
                what: self.what.to_owned(),
                field: format!("{message}.{field}"),
                limit,
            });
        }
        Ok(())
    }
}

/// Checks that `bytes`, a protobuf `message` (full name, e.g. `sui.rpc.v2.Checkpoint`) read from
/// `what`, fits `budget`: its size, its entry counts (all repeated fields together and Sui's
/// per-field limits, per message holding them) and its wire format. Runs in one pass,
/// allocating nothing per entry; a message that passes decodes within the budget's bound.
///
/// A message the schema does not know is checked for size only.
pub fn check(bytes: &[u8], message: &str, what: &str, budget: &Budget) -> Result<(), LimitError> {
    if bytes.len() > budget.max_bytes {
        return Err(LimitError::TooLarge {
            what: what.to_owned(),
            limit: budget.max_bytes as u64,
        });
    }
    let Some(index) = schema().by_name.get(message).copied() else {
        return Ok(());
    };
    let mut scan = Scan {
        what,
        budget,
        entries: 0,
    };
    scan.message(bytes, index, 0)
}

/// Checks then decodes a protobuf `M` (full name `message`) read from `what`.
pub fn decode<M: Message + Default>(
    bytes: &[u8],
    message: &str,
    what: &str,
    budget: &Budget,
) -> Result<M, LimitError> {
    check(bytes, message, what, budget)?;
    M::decode(bytes).map_err(|e| LimitError::Malformed {
        what: what.to_owned(),
        reason: e.to_string(),
    })
}

/// A tonic codec for clients: requests encode as prost does; each response message `D` (full
/// name `message`) is checked against the [`RESPONSE`] budget before it is decoded, and refused
/// with `RESOURCE_EXHAUSTED` (or `INTERNAL` if it is not valid protobuf) otherwise.
pub struct BoundedCodec<E, D> {
    message: &'static str,
    _types: PhantomData<fn(E) -> D>,
}

impl<E, D> BoundedCodec<E, D> {
    /// A codec decoding `D`, whose protobuf full name is `message`.
    pub fn new(message: &'static str) -> Self {
        BoundedCodec {
            message,
            _types: PhantomData,
        }
    }
}

impl<E, D> Codec for BoundedCodec<E, D>
where
    E: Message + Send + 'static,
    D: Message + Default + Send + 'static,
{
    type Encode = E;
    type Decode = D;
    type Encoder = ProstEncoder<E>;
    type Decoder = BoundedDecoder<D>;

    fn encoder(&mut self) -> Self::Encoder {
        ProstEncoder(PhantomData)
    }

    fn decoder(&mut self) -> Self::Decoder {
        BoundedDecoder {
            message: self.message,
            _type: PhantomData,
        }
    }
}

/// Encodes a prost message (the encoder of [`BoundedCodec`]).
pub struct ProstEncoder<E>(PhantomData<fn(E)>);

impl<E: Message> Encoder for ProstEncoder<E> {
    type Item = E;
    type Error = Status;

    fn encode(&mut self, item: E, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        item.encode(dst)
            .map_err(|e| Status::internal(format!("cannot encode the request: {e}")))
    }
}

/// Checks then decodes a response (the decoder of [`BoundedCodec`]).
pub struct BoundedDecoder<D> {
    message: &'static str,
    _type: PhantomData<fn() -> D>,
}

impl<D: Message + Default> Decoder for BoundedDecoder<D> {
    type Item = D;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<D>, Status> {
        let bytes = src.copy_to_bytes(src.remaining());
        decode(&bytes, self.message, self.message, &RESPONSE)
            .map(Some)
            .map_err(status_of)
    }
}

fn status_of(e: LimitError) -> Status {
    match e {
        LimitError::Malformed { .. } => Status::internal(e.to_string()),
        _ => Status::resource_exhausted(e.to_string()),
    }
}

/// A gRPC client of Sui's API whose every response is checked against the [`RESPONSE`]
/// budget before it is decoded ([`BoundedCodec`]), and at most
/// [`limits::MAX_RESPONSE_BYTES`]. Connects lazily; a cheap handle.
#[derive(Debug, Clone)]
pub struct BoundedClient {
    channel: tonic::transport::Channel,
}

impl BoundedClient {
    /// A client of `url` (`http://…`, or `https://…` with the web PKI roots).
    pub fn new(url: &str) -> Result<Self, String> {
        let invalid = |e: &dyn std::fmt::Display| format!("{url}: {e}");
        let uri: http::Uri = url.parse().map_err(|e| invalid(&e))?;
        let https = uri.scheme_str() == Some("https");
        let mut endpoint = tonic::transport::Endpoint::from(uri);
        if https {
            endpoint = endpoint
                .tls_config(tonic::transport::ClientTlsConfig::new().with_enabled_roots())
                .map_err(|e| invalid(&e))?;
        }
        let channel = endpoint
            .connect_timeout(std::time::Duration::from_secs(10))
            .http2_keep_alive_interval(std::time::Duration::from_secs(5))
            .keep_alive_timeout(std::time::Duration::from_secs(20))
            .connect_lazy();
        Ok(BoundedClient { channel })
    }

    async fn grpc(&self) -> Result<tonic::client::Grpc<tonic::transport::Channel>, Status> {
        let mut grpc = tonic::client::Grpc::new(self.channel.clone())
            .max_decoding_message_size(limits::MAX_RESPONSE_BYTES);
        grpc.ready()
            .await
            .map_err(|e| Status::unavailable(format!("cannot connect: {e}")))?;
        Ok(grpc)
    }

    /// Calls the unary method `path` (`/package.Service/Method`), whose response message is
    /// `message` (its protobuf full name).
    pub async fn unary<Req, Resp>(
        &self,
        path: &'static str,
        message: &'static str,
        request: Req,
    ) -> Result<Resp, Status>
    where
        Req: Message + Send + 'static,
        Resp: Message + Default + Send + 'static,
    {
        let path = http::uri::PathAndQuery::from_static(path);
        let codec = BoundedCodec::<Req, Resp>::new(message);
        let response = self
            .grpc()
            .await?
            .unary(tonic::Request::new(request), path, codec)
            .await?;
        Ok(response.into_inner())
    }

    /// Calls the server-streaming method `path`, whose response messages are `message`.
    pub async fn server_streaming<Req, Resp>(
        &self,
        path: &'static str,
        message: &'static str,
        request: Req,
    ) -> Result<tonic::Streaming<Resp>, Status>
    where
        Req: Message + Send + 'static,
        Resp: Message + Default + Send + 'static,
    {
        let path = http::uri::PathAndQuery::from_static(path);
        let codec = BoundedCodec::<Req, Resp>::new(message);
        let response = self
            .grpc()
            .await?
            .server_streaming(tonic::Request::new(request), path, codec)
            .await?;
        Ok(response.into_inner())
    }

    /// `LedgerService.GetCheckpoint`.
    pub async fn get_checkpoint(
        &self,
        request: sui_rpc::proto::sui::rpc::v2::GetCheckpointRequest,
    ) -> Result<sui_rpc::proto::sui::rpc::v2::GetCheckpointResponse, Status> {
        self.unary(
            "/sui.rpc.v2.LedgerService/GetCheckpoint",
            "sui.rpc.v2.GetCheckpointResponse",
            request,
        )
        .await
    }

    /// `SubscriptionService.SubscribeCheckpoints` with `read_mask`.
    pub async fn subscribe_checkpoints(
        &self,
        read_mask: prost_types::FieldMask,
    ) -> Result<tonic::Streaming<sui_rpc::proto::sui::rpc::v2::SubscribeCheckpointsResponse>, Status>
    {
        let mut request = sui_rpc::proto::sui::rpc::v2::SubscribeCheckpointsRequest::default();
        request.read_mask = Some(read_mask);
        self.server_streaming(
            "/sui.rpc.v2.SubscriptionService/SubscribeCheckpoints",
            "sui.rpc.v2.SubscribeCheckpointsResponse",
            request,
        )
        .await
    }
}

/// A server layer bounding every gRPC request: the body is read up to [`REQUEST`]'s size (plus
/// gRPC framing), and each message of a method of Sui's API is checked against [`REQUEST`]
/// before the service decodes it. A refused request gets `RESOURCE_EXHAUSTED` (or
/// `INVALID_ARGUMENT`) at once; the connection and the other requests go on.
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestLimitLayer;

impl<S> tower_layer::Layer<S> for RequestLimitLayer {
    type Service = RequestLimit<S>;

    fn layer(&self, inner: S) -> RequestLimit<S> {
        RequestLimit { inner }
    }
}

/// The service of [`RequestLimitLayer`].
#[derive(Debug, Clone)]
pub struct RequestLimit<S> {
    inner: S,
}

/// The request message of a gRPC method path `/sui.rpc.v2.Service/Method`:
/// `sui.rpc.v2.MethodRequest`, if the schema knows it.
fn request_message(path: &str) -> Option<String> {
    let (service, method) = path.strip_prefix('/')?.split_once('/')?;
    let package = service.rsplit_once('.')?.0;
    let name = format!("{package}.{method}Request");
    knows(&name).then_some(name)
}

/// Checks the gRPC frames of a request body against [`REQUEST`].
fn check_frames(mut body: &[u8], message: &str, what: &str) -> Result<(), Status> {
    while !body.is_empty() {
        if body.len() < 5 {
            return Err(Status::invalid_argument(format!(
                "{what}: truncated gRPC frame"
            )));
        }
        if body[0] != 0 {
            return Err(Status::unimplemented(format!(
                "{what}: compressed requests are not accepted"
            )));
        }
        let len = u32::from_be_bytes([body[1], body[2], body[3], body[4]]) as usize;
        let frame = body
            .get(5..5 + len)
            .ok_or_else(|| Status::invalid_argument(format!("{what}: truncated gRPC frame")))?;
        check(frame, message, what, &REQUEST).map_err(|e| match e {
            LimitError::Malformed { .. } => Status::invalid_argument(e.to_string()),
            _ => Status::resource_exhausted(e.to_string()),
        })?;
        body = &body[5 + len..];
    }
    Ok(())
}

impl<S> Service<http::Request<tonic::body::Body>> for RequestLimit<S>
where
    S: Service<http::Request<tonic::body::Body>, Response = http::Response<tonic::body::Body>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future =
        Pin<Box<dyn std::future::Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<tonic::body::Body>) -> Self::Future {
        use http_body_util::BodyExt;
        // The clone that was polled ready serves this request.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(async move {
            let path = request.uri().path().to_owned();
            let Some(message) = request_message(&path) else {
                return inner.call(request).await;
            };
            let (parts, body) = request.into_parts();
            // A unary or server-streaming request: one message, framed.
            let limit = limits::MAX_REQUEST_BYTES + 5;
            let collected = http_body_util::Limited::new(body, limit).collect().await;
            let refused = |status: Status| {
                tracing::warn!("refused a request to {path}: {}", status.message());
                Ok(status.into_http())
            };
            let bytes: Bytes = match collected {
                Ok(c) => c.to_bytes(),
                Err(e) if e.is::<http_body_util::LengthLimitError>() => {
                    return refused(Status::resource_exhausted(format!(
                        "the request to {path} is too large: the limit is {} bytes",
                        limits::MAX_REQUEST_BYTES
                    )))
                }
                Err(e) => {
                    return refused(Status::cancelled(format!(
                        "the request body to {path} failed: {e}"
                    )))
                }
            };
            if let Err(status) = check_frames(&bytes, &message, &path) {
                return refused(status);
            }
            let body = tonic::body::Body::new(http_body_util::Full::new(bytes));
            inner.call(http::Request::from_parts(parts, body)).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sui_rpc::proto::sui::rpc::v2 as rpc;

    #[test]
    fn every_field_limit_names_a_field_of_the_schema() {
        let s = schema();
        for (i, (message, field, _)) in SUI_FIELD_LIMITS.iter().enumerate() {
            let index = s.by_name.get(*message).copied();
            let found = index.is_some_and(|m| {
                s.messages[m]
                    .fields
                    .values()
                    .any(|f| f.limit == Some(i) && f.repeated)
            });
            assert!(
                found,
                "{message}.{field} is not a repeated field of the schema"
            );
        }
    }

    #[test]
    fn the_largest_struct_fits_the_entry_bound() {
        for (name, size) in [
            (
                "ExecutedTransaction",
                std::mem::size_of::<rpc::ExecutedTransaction>(),
            ),
            (
                "TransactionEffects",
                std::mem::size_of::<rpc::TransactionEffects>(),
            ),
            ("Transaction", std::mem::size_of::<rpc::Transaction>()),
            ("Checkpoint", std::mem::size_of::<rpc::Checkpoint>()),
            ("Event", std::mem::size_of::<rpc::Event>()),
            ("ChangedObject", std::mem::size_of::<rpc::ChangedObject>()),
            ("Object", std::mem::size_of::<rpc::Object>()),
            ("UserSignature", std::mem::size_of::<rpc::UserSignature>()),
            ("Command", std::mem::size_of::<rpc::Command>()),
            ("Input", std::mem::size_of::<rpc::Input>()),
        ] {
            assert!(
                size <= limits::MAX_ENTRY_DECODED_BYTES,
                "{name} is {size} bytes"
            );
        }
    }

    #[test]
    fn counts_entries_before_decoding() {
        // 20 000 empty transactions: 2 bytes each.
        let mut tag = Vec::new();
        prost::encoding::encode_key(
            rpc::Checkpoint::TRANSACTIONS_FIELD.number as u32,
            WireType::LengthDelimited,
            &mut tag,
        );
        let bytes: Vec<u8> = [tag.as_slice(), &[0x00]].concat().repeat(20_000);
        let e = check(&bytes, "sui.rpc.v2.Checkpoint", "test", &CHECKPOINT).unwrap_err();
        assert_eq!(
            e,
            LimitError::TooMany {
                what: "test".into(),
                field: "sui.rpc.v2.Checkpoint.transactions".into(),
                limit: limits::MAX_TRANSACTIONS_PER_CHECKPOINT,
            }
        );
        let ok: Vec<u8> = [tag.as_slice(), &[0x00]].concat().repeat(10);
        check(&ok, "sui.rpc.v2.Checkpoint", "test", &CHECKPOINT).unwrap();
    }

    #[test]
    fn a_request_path_names_its_message() {
        assert_eq!(
            request_message("/sui.rpc.v2.TransactionExecutionService/ExecuteTransaction")
                .as_deref(),
            Some("sui.rpc.v2.ExecuteTransactionRequest")
        );
        assert_eq!(request_message("/grpc.health.v1.Health/Check"), None);
    }
}
