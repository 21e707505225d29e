//! The node's REST API: Walrus's paths and BCS bodies, JSON answers in Walrus's envelopes.
//!
//! | route | answer |
//! |---|---|
//! | `GET /v1/health` | epoch, shards, chain progress, uptime |
//! | `PUT /v1/blobs/{id}/metadata` | 201 stored, 200 already stored |
//! | `GET /v1/blobs/{id}/metadata` | BCS of the metadata with the blob ID |
//! | `GET /v1/blobs/{id}/metadata/status` | `"stored"` or `"nonexistent"` |
//! | `PUT /v1/blobs/{id}/slivers/{pair}/{primary\|secondary}` | 201 stored, 200 already stored |
//! | `GET /v1/blobs/{id}/slivers/{pair}/{primary\|secondary}` | BCS of the sliver |
//! | `GET /v1/blobs/{id}/slivers/{pair}/{axis}/status` | `"stored"` or `"nonexistent"` |
//! | `GET /v1/blobs/{id}/status` | Walrus's blob status |
//! | `GET /v1/blobs/{id}/confirmation/permanent` | signed storage confirmation (JSON) |
//! | `GET /v1/blobs/{id}/confirmation/deletable/{object_id}` | signed storage confirmation (JSON) |
//! | `GET /v1/blobs/{id}/decodingSymbols?targetSlivers=I&targetType=AXIS[&limit=K]` | BCS map of target → symbols (no proofs) |
//! | `GET /v1/blobs/{id}/recoverySymbols?targetSliver=I&targetType=AXIS` | BCS list of symbols with proofs |
//! | `GET /v1/api` | the OpenAPI document |
//! | `GET /metrics` | Prometheus text format |
//!
//! Every refusal is a 4xx with Walrus's error envelope and a reason ([`NodeError`]); none
//! changes the store.

use std::{sync::Arc, time::Instant};

use axum::{
    body::Bytes,
    extract::{
        rejection::BytesRejection, DefaultBodyLimit, MatchedPath, Path, RawQuery, Request, State,
    },
    http::{header, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use serde_json::json;

use super::{
    blocking,
    errors::{ApiSuccess, NodeError},
    service::{StorageNode, Stored},
    store::Axis,
};
use crate::encoding::BlobId;

/// Shared state of the API's handlers.
#[derive(Clone)]
pub struct ApiState {
    /// The node.
    pub node: StorageNode,
    /// When the node started.
    pub started: Instant,
    /// The largest body accepted.
    pub max_body_bytes: usize,
    /// Permits for symbol requests (`decodingSymbols`, `recoverySymbols`): each expands stored
    /// slivers, so the node bounds how many it serves at once and refuses the rest (503).
    pub symbol_permits: Arc<tokio::sync::Semaphore>,
}

/// Symbol requests served at once by default.
pub const DEFAULT_SYMBOL_REQUESTS: usize = 32;

impl ApiState {
    /// A permit to serve one symbol request, or the refusal.
    fn symbol_permit(&self) -> Result<tokio::sync::OwnedSemaphorePermit, NodeError> {
        self.symbol_permits
            .clone()
            .try_acquire_owned()
            .map_err(|_| NodeError::TooManySymbolRequests {
                limit: DEFAULT_SYMBOL_REQUESTS,
            })
    }
}

/// The router of every route, with request metrics and the body limit.
pub fn router(state: ApiState) -> Router {
    let limit = state.max_body_bytes;
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/api", get(openapi))
        .route("/metrics", get(metrics))
        .route("/v1/blobs/{blob_id}/status", get(blob_status))
        .route(
            "/v1/blobs/{blob_id}/metadata",
            get(get_metadata).put(put_metadata),
        )
        .route("/v1/blobs/{blob_id}/metadata/status", get(metadata_status))
        .route(
            "/v1/blobs/{blob_id}/slivers/{pair}/{axis}",
            get(get_sliver).put(put_sliver),
        )
        .route(
            "/v1/blobs/{blob_id}/slivers/{pair}/{axis}/status",
            get(sliver_status),
        )
        .route(
            "/v1/blobs/{blob_id}/confirmation/permanent",
            get(permanent_confirmation),
        )
        .route(
            "/v1/blobs/{blob_id}/confirmation/deletable/{object_id}",
            get(deletable_confirmation),
        )
        .route("/v1/blobs/{blob_id}/decodingSymbols", get(decoding_symbols))
        .route("/v1/blobs/{blob_id}/recoverySymbols", get(recovery_symbols))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            count_requests,
        ))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(Arc::new(state))
}

async fn count_requests(State(state): State<ApiState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    state
        .node
        .metrics()
        .http_requests
        .with_label_values(&[route.as_str(), response.status().as_str()])
        .inc();
    response
}

async fn not_found() -> NodeError {
    NodeError::InvalidPath("no such route".into())
}

fn parse_blob_id(s: &str) -> Result<BlobId, NodeError> {
    s.parse()
        .map_err(|e: crate::encoding::index::InvalidBlobId| NodeError::InvalidPath(e.to_string()))
}

fn parse_sliver_path(blob: &str, pair: &str, axis: &str) -> Result<(BlobId, u16, Axis), NodeError> {
    let blob = parse_blob_id(blob)?;
    let pair = pair.parse::<u16>().map_err(|_| {
        NodeError::InvalidPath(format!(
            "sliver pair index {pair:?} is not a number below 65536"
        ))
    })?;
    let axis = axis.parse::<Axis>().map_err(NodeError::InvalidPath)?;
    Ok((blob, pair, axis))
}

fn body(body: Result<Bytes, BytesRejection>, limit: usize) -> Result<Bytes, NodeError> {
    body.map_err(|e| match e {
        BytesRejection::FailedToBufferBody(_) => NodeError::BodyTooLarge { limit },
        other => NodeError::InvalidPath(other.body_text()),
    })
}

fn bcs_response(bytes: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response()
}

fn stored_response(stored: Stored, what: &str) -> Response {
    match stored {
        Stored::Created => {
            ApiSuccess::new(StatusCode::CREATED, format!("{what} stored successfully"))
                .into_response()
        }
        Stored::Already => ApiSuccess::ok(format!("{what} already stored")).into_response(),
    }
}

type Shared = State<Arc<ApiState>>;

async fn health(State(state): Shared) -> Result<Response, NodeError> {
    let node = state.node.clone();
    let uptime = state.started.elapsed();
    blocking(move || {
        let store = node.store();
        let epoch = store.epoch()?;
        let committee = store.committee_at(epoch)?;
        let owned = committee
            .as_ref()
            .map_or(0, |(_, c)| c.shards_of(node.node_id()).len());
        let next = store.next_checkpoint()?;
        Ok(ApiSuccess::ok(json!({
            "uptime": { "secs": uptime.as_secs(), "nanos": uptime.subsec_nanos() },
            "epoch": epoch,
            "nodeId": floe_indexer::chain::Id(*node.node_id()).to_string(),
            "nodeStatus": if owned > 0 { "Active" } else { "Standby" },
            "eventProgress": {
                "persisted": next,
                "pending": node.metrics().checkpoint_lag.get().max(0),
            },
            "shardSummary": {
                "owned": owned,
                "nShards": committee.as_ref().map_or(0, |(_, c)| c.n_shards()),
            },
            "storedSlivers": store.sliver_count()?,
        }))
        .into_response())
    })
    .await
}

async fn metrics(State(state): Shared) -> Result<Response, NodeError> {
    let node = state.node.clone();
    blocking(move || {
        let text = node
            .metrics()
            .render(node.store())
            .map_err(NodeError::Internal)?;
        Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response())
    })
    .await
}

async fn openapi() -> Response {
    axum::Json(super::openapi::document()).into_response()
}

async fn blob_status(
    State(state): Shared,
    Path(blob): Path<String>,
) -> Result<Response, NodeError> {
    let blob = parse_blob_id(&blob)?;
    let node = state.node.clone();
    blocking(move || Ok(ApiSuccess::ok(node.blob_status(&blob)?).into_response())).await
}

async fn put_metadata(
    State(state): Shared,
    Path(blob): Path<String>,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Response, NodeError> {
    let blob = parse_blob_id(&blob)?;
    let bytes = body(bytes, state.max_body_bytes)?;
    let node = state.node.clone();
    blocking(move || {
        Ok(stored_response(
            node.put_metadata(&blob, &bytes)?,
            "metadata",
        ))
    })
    .await
}

async fn get_metadata(
    State(state): Shared,
    Path(blob): Path<String>,
) -> Result<Response, NodeError> {
    let blob = parse_blob_id(&blob)?;
    let node = state.node.clone();
    blocking(move || Ok(bcs_response(node.get_metadata(&blob)?))).await
}

async fn metadata_status(
    State(state): Shared,
    Path(blob): Path<String>,
) -> Result<Response, NodeError> {
    let blob = parse_blob_id(&blob)?;
    let node = state.node.clone();
    blocking(move || Ok(ApiSuccess::ok(node.metadata_status(&blob)?.as_str()).into_response()))
        .await
}

async fn put_sliver(
    State(state): Shared,
    Path((blob, pair, axis)): Path<(String, String, String)>,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Response, NodeError> {
    let (blob, pair, axis) = parse_sliver_path(&blob, &pair, &axis)?;
    let bytes = body(bytes, state.max_body_bytes)?;
    let node = state.node.clone();
    blocking(move || {
        Ok(stored_response(
            node.put_sliver(&blob, pair, axis, &bytes)?,
            "sliver",
        ))
    })
    .await
}

async fn get_sliver(
    State(state): Shared,
    Path((blob, pair, axis)): Path<(String, String, String)>,
) -> Result<Response, NodeError> {
    let (blob, pair, axis) = parse_sliver_path(&blob, &pair, &axis)?;
    let node = state.node.clone();
    blocking(move || Ok(bcs_response(node.get_sliver(&blob, pair, axis)?))).await
}

async fn sliver_status(
    State(state): Shared,
    Path((blob, pair, axis)): Path<(String, String, String)>,
) -> Result<Response, NodeError> {
    let (blob, pair, axis) = parse_sliver_path(&blob, &pair, &axis)?;
    let node = state.node.clone();
    blocking(move || {
        Ok(ApiSuccess::ok(node.sliver_status(&blob, pair, axis)?.as_str()).into_response())
    })
    .await
}

/// The pairs of a query string, in order (no percent-decoding: every value the API takes is a
/// number or an axis name).
fn query_pairs(query: &Option<String>) -> Vec<(&str, &str)> {
    query
        .as_deref()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .collect()
}

fn parse_index(name: &str, value: &str) -> Result<u16, NodeError> {
    value.parse::<u16>().map_err(|_| {
        NodeError::InvalidPath(format!("{name} {value:?} is not a number below 65536"))
    })
}

/// The `targetType` of a symbols query.
fn target_type(pairs: &[(&str, &str)]) -> Result<Axis, NodeError> {
    let value = pairs
        .iter()
        .find(|(k, _)| *k == "targetType")
        .map(|(_, v)| *v)
        .ok_or_else(|| NodeError::InvalidPath("targetType is required".into()))?;
    value.parse::<Axis>().map_err(NodeError::InvalidPath)
}

fn bcs_of<T: serde::Serialize>(value: &T) -> Result<Response, NodeError> {
    let bytes = bcs::to_bytes(value)
        .map_err(|e| NodeError::Internal(format!("cannot encode the answer: {e}")))?;
    Ok(bcs_response(bytes))
}

/// Runs a symbol request under a permit (refused with 503 when none is left) off the async
/// threads, answering the BCS of what `f` returns.
async fn serve_symbols<T: serde::Serialize>(
    state: &ApiState,
    f: impl FnOnce(&StorageNode) -> Result<T, NodeError> + Send + 'static,
) -> Result<Response, NodeError> {
    let permit = state.symbol_permit()?;
    let node = state.node.clone();
    blocking(move || {
        let _permit = permit;
        bcs_of(&f(&node)?)
    })
    .await
}

async fn decoding_symbols(
    State(state): Shared,
    Path(blob): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, NodeError> {
    let blob = parse_blob_id(&blob)?;
    let pairs = query_pairs(&query);
    let axis = target_type(&pairs)?;
    let mut targets = Vec::new();
    let mut limit = None;
    for (key, value) in &pairs {
        match *key {
            "targetSlivers" => targets.push(parse_index(key, value)?),
            "limit" => limit = Some(usize::from(parse_index(key, value)?)),
            _ => {}
        }
    }
    serve_symbols(&state, move |node| {
        node.decoding_symbols(&blob, &targets, axis, limit)
    })
    .await
}

async fn recovery_symbols(
    State(state): Shared,
    Path(blob): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, NodeError> {
    let blob = parse_blob_id(&blob)?;
    let pairs = query_pairs(&query);
    let axis = target_type(&pairs)?;
    let target = pairs
        .iter()
        .find(|(k, _)| *k == "targetSliver")
        .map(|(k, v)| parse_index(k, v))
        .transpose()?
        .ok_or_else(|| NodeError::InvalidPath("targetSliver is required".into()))?;
    serve_symbols(&state, move |node| {
        node.recovery_symbols(&blob, target, axis)
    })
    .await
}

/// Walrus's `StorageConfirmation::Signed` as JSON: the message and the signature in base64.
fn confirmation_response(message: &[u8], signature: &[u8]) -> Response {
    use base64::{engine::general_purpose::STANDARD, Engine as _};
    ApiSuccess::ok(json!({
        "signed": {
            "serializedMessage": STANDARD.encode(message),
            "signature": STANDARD.encode(signature),
        }
    }))
    .into_response()
}

async fn permanent_confirmation(
    State(state): Shared,
    Path(blob): Path<String>,
) -> Result<Response, NodeError> {
    let blob = parse_blob_id(&blob)?;
    let node = state.node.clone();
    blocking(move || {
        let (message, signature) = node.confirmation(&blob, None)?;
        Ok(confirmation_response(&message, &signature))
    })
    .await
}

async fn deletable_confirmation(
    State(state): Shared,
    Path((blob, object)): Path<(String, String)>,
) -> Result<Response, NodeError> {
    let blob = parse_blob_id(&blob)?;
    let object: floe_indexer::chain::Id = object
        .parse()
        .map_err(|e: String| NodeError::InvalidPath(format!("object ID {object:?}: {e}")))?;
    let node = state.node.clone();
    blocking(move || {
        let (message, signature) = node.confirmation(&blob, Some(object.0))?;
        Ok(confirmation_response(&message, &signature))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::{metrics::Metrics, store::NodeStore};

    #[test]
    fn symbol_requests_beyond_the_permits_are_refused_until_one_ends() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = NodeStore::open(dir.path()).expect("store");
        let metrics = Arc::new(Metrics::new().expect("metrics"));
        let state = ApiState {
            node: StorageNode::new(store, [1; 32], metrics),
            started: Instant::now(),
            max_body_bytes: 1 << 20,
            symbol_permits: Arc::new(tokio::sync::Semaphore::new(2)),
        };
        let first = state.symbol_permit().expect("a permit");
        let _second = state.symbol_permit().expect("a permit");
        let refused = state.symbol_permit().expect_err("no permit left");
        assert_eq!(refused.reason(), "TOO_MANY_SYMBOL_REQUESTS");
        assert_eq!(
            refused.status(),
            crate::node::errors::ApiStatus::Unavailable
        );
        drop(first);
        let _again = state.symbol_permit().expect("a permit again");
    }
}
