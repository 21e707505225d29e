//! The read-only HTTP API: JSON over the index for dashboards, explorers and analysts, served
//! by `floe indexer serve` while `floe indexer run` keeps writing.
//!
//! - `/health` (the watermark and the lag behind the chain; 503 while the index is empty) and
//!   `/openapi.json` (this API's OpenAPI 3.1 document, generated from the code with `utoipa`)
//!   at the root; the data under `/api/v1/` (so HTML explorer pages can take `/nodes` etc.).
//! - Lists are pages: `?limit=` (1 to [`MAX_LIMIT`], default [`DEFAULT_LIMIT`]) rows in key
//!   order and a `next` cursor; `?after=<next>` gives the following page. A cursor is the last
//!   row's key (URL-safe base64 of its JSON), so pages never shift when rows are inserted
//!   meanwhile; `next` is `null` on the last page.
//! - A malformed parameter (id, limit, cursor, view name, an unknown or repeated parameter)
//!   is a 400 and an unknown resource a 404, each with `{"error": "<reason>"}`; 5xx only for
//!   the server's own failures (503 when the database cannot be reached or is busy).
//!
//! Connections: a server keeps a small pool ([`POOL_SIZE`]) of connections, opened on demand
//! and reused; a request waits for a free one. A connection whose query failed is dropped,
//! not reused. With SQLite, readers and the indexer's writer work side by side (WAL journal).

use std::sync::{Arc, Mutex};

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use diesel::pg::Pg;
use diesel::sqlite::Sqlite;
use diesel::QueryableByName;
use serde::{Deserialize, Serialize};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::db::{Db, DbUrl};
use crate::ids::{blob_id, parse_blob_id, parse_object_id};
use crate::query::{
    self, Blob, BlobAttribute, CommissionChange, Condition, Epoch, InvalidBlob, KeyColumn, Node,
    NodeStake, PageQuery, PoolEpoch, Position, Prices, Proposal, RewardsPerEpoch, Settlement,
    StakeAction, StakeStatus, Staker, Value, Vote,
};

/// Rows per page unless `?limit=` says otherwise.
pub const DEFAULT_LIMIT: i64 = 100;
/// The largest `?limit=`.
pub const MAX_LIMIT: i64 = 1000;
/// Database connections per server.
pub const POOL_SIZE: usize = 4;

/// Why a request failed; its response is the status and `{"error": "<reason>"}`.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A malformed parameter (400).
    #[error("{0}")]
    BadRequest(String),
    /// No such resource (404).
    #[error("{0}")]
    NotFound(String),
    /// The database cannot be reached, or the index is empty (503).
    #[error("{0}")]
    Unavailable(String),
    /// A query failed (503 if the connection or a lock is the cause, else 500).
    #[error("database: {0}")]
    Database(#[from] diesel::result::Error),
}

impl ApiError {
    /// The response status.
    pub fn status(&self) -> StatusCode {
        use diesel::result::{DatabaseErrorKind as K, Error as E};
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Database(E::DatabaseError(
                K::ClosedConnection | K::UnableToSendCommand,
                _,
            ))
            | ApiError::Database(E::BrokenTransactionManager) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Database(e) => {
                let text = e.to_string();
                if text.contains("locked") || text.contains("busy") {
                    StatusCode::SERVICE_UNAVAILABLE
                } else {
                    StatusCode::INTERNAL_SERVER_ERROR
                }
            }
        }
    }
}

/// The body of every error response.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// What was wrong.
    pub error: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::warn!("API: {self}");
        }
        (
            status,
            Json(ErrorBody {
                error: self.to_string(),
            }),
        )
            .into_response()
    }
}

/// A page of a list: its rows in key order and the cursor of the next page (`?after=`),
/// `null` on the last one.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    /// The rows.
    pub items: Vec<T>,
    /// The cursor of the next page, if there is one.
    pub next: Option<String>,
}

/// A page of a view's rows (their columns are the view's; see `/api/v1/views`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ViewPage {
    /// The rows, one JSON object each.
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<serde_json::Value>,
    /// The cursor of the next page, if there is one.
    pub next: Option<String>,
}

/// The documented parameters of a list (parsed by hand for precise 400s).
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Rows per page, 1 to 1000 (default 100).
    pub limit: Option<i64>,
    /// The `next` cursor of the previous page.
    pub after: Option<String>,
}

/// The documented parameters of the blob list.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BlobListParams {
    /// Only blobs registered by this address (`0x` + hex).
    pub owner: Option<String>,
    /// Only stored blobs whose storage ends within this many epochs of the latest indexed
    /// one (0 to 1,000,000).
    pub expiring_within: Option<i64>,
    /// Rows per page, 1 to 1000 (default 100).
    pub limit: Option<i64>,
    /// The `next` cursor of the previous page.
    pub after: Option<String>,
}

/// The documented parameter of a staker's summary.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FirstPageParams {
    /// Rows of each list (1 to 1000, default 100); the rest through their `next` cursors.
    pub limit: Option<i64>,
}

/// The index's state: `/health`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// The chain followed.
    pub chain_id: String,
    /// The last committed checkpoint.
    pub checkpoint: i64,
    /// Its time (ms since the Unix epoch).
    pub timestamp_ms: i64,
    /// Its epoch.
    pub epoch: i64,
    /// Its last transaction (chain position).
    pub tx_hi: i64,
    /// Milliseconds from that checkpoint's time to now (0 if it is in the future): how far
    /// the index is behind a chain that is producing checkpoints.
    pub lag_ms: i64,
    /// The chain's latest checkpoint as the indexer last saw it (committed with its data).
    pub chain_tip: Option<i64>,
    /// Checkpoints between the last committed one and that tip.
    pub behind_checkpoints: Option<i64>,
}

/// A node with its stake, receipts, commission changes and every epoch of its pool.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NodeDetail {
    /// The node.
    pub node: Node,
    /// Its latest stake and shares (`v_node_stake`).
    pub stake: Option<NodeStake>,
    /// Its receipts by state now (`v_stake_status`).
    pub receipts: Option<StakeStatus>,
    /// Its commission rates (`v_commission_history`).
    pub commission: Vec<CommissionChange>,
    /// Its pool, epoch by epoch.
    pub history: Vec<PoolEpoch>,
}

/// A staker: the summary, and the first pages of its receipts and of its staking actions.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StakerDetail {
    /// The address.
    pub address: String,
    /// Its stake by state, pools and withdrawn rewards (`v_stakers`); none if it never held a
    /// receipt.
    pub summary: Option<Staker>,
    /// Its receipts (every state), by id.
    pub positions: Page<Position>,
    /// Its staking actions (as staker, owner, previous owner or receiver), in chain order.
    pub actions: Page<StakeAction>,
}

/// A blob object and its attributes.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BlobObject {
    /// The object.
    pub blob: Blob,
    /// Its attributes.
    pub attributes: Vec<BlobAttribute>,
}

/// A blob: the objects registering it (one for an object id; every object of a blob id, up
/// to 1000), and whether its id was certified invalid.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BlobDetail {
    /// The blob id.
    pub blob_id: Option<String>,
    /// The epoch its id was certified invalid in, if it was.
    pub invalid_epoch: Option<i64>,
    /// The objects.
    pub objects: Vec<BlobObject>,
}

/// A view: its name, key and what it answers.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ViewInfo {
    /// Its name; its rows are at `/api/v1/views/{name}`.
    pub name: String,
    /// Its key columns: the order of its rows.
    pub key: Vec<String>,
    /// What it answers.
    pub description: String,
}

/// The OpenAPI document of this API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Floe indexer API",
        description = "Read-only JSON over Floe's index: epochs, nodes, stake, blobs, prices, \
                       rewards, settlements with their audit, governance, and every analyst view. \
                       Amounts are FROST (10^-9 WAL), USD amounts nano-USD."
    ),
    paths(
        health,
        epochs,
        nodes,
        node,
        staker,
        staker_positions,
        staker_actions,
        blobs,
        blob,
        prices,
        rewards,
        settlements,
        proposals,
        proposal_votes,
        views,
        view_rows
    )
)]
pub struct ApiDoc;

/// The OpenAPI document (what `/openapi.json` serves).
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The connection pool.
struct Pool {
    url: DbUrl,
    idle: Mutex<Vec<Db>>,
    permits: Arc<Semaphore>,
}

/// The server's state: its pool.
#[derive(Clone)]
struct AppState(Arc<Pool>);

/// A pooled connection, back to the pool by [`Conn::done`] unless its work failed in the
/// database (dropped otherwise, e.g. when the request is cancelled mid-query).
struct Conn {
    db: Option<Db>,
    pool: Arc<Pool>,
    _permit: OwnedSemaphorePermit,
}

impl AppState {
    /// A connection: an idle one, or a new one while fewer than [`POOL_SIZE`] are open.
    async fn conn(&self) -> Result<Conn, ApiError> {
        let permit = self
            .0
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| ApiError::Unavailable("the server is shutting down".into()))?;
        let idle = self.0.idle.lock().ok().and_then(|mut idle| idle.pop());
        let db = match idle {
            Some(db) => db,
            None => Db::connect(&self.0.url).await.map_err(|e| {
                tracing::warn!("API: {e}");
                ApiError::Unavailable(format!("the index cannot be opened: {e}"))
            })?,
        };
        Ok(Conn {
            db: Some(db),
            pool: self.0.clone(),
            _permit: permit,
        })
    }
}

impl Conn {
    fn db(&mut self) -> Result<&mut Db, ApiError> {
        self.db
            .as_mut()
            .ok_or_else(|| ApiError::Unavailable("no connection".into()))
    }

    /// Returns the connection to the pool unless `result` is a database failure.
    fn done<T>(mut self, result: Result<T, ApiError>) -> Result<T, ApiError> {
        if !matches!(result, Err(ApiError::Database(_))) {
            if let (Some(db), Ok(mut idle)) = (self.db.take(), self.pool.idle.lock()) {
                idle.push(db);
            }
        }
        result
    }
}

/// The API over the index at `url` (connections open on the first requests).
pub fn router(url: DbUrl) -> Router {
    let state = AppState(Arc::new(Pool {
        url,
        idle: Mutex::new(Vec::new()),
        permits: Arc::new(Semaphore::new(POOL_SIZE)),
    }));
    Router::new()
        .route("/health", get(health))
        .route("/openapi.json", get(openapi_json))
        .route("/api/v1/epochs", get(epochs))
        .route("/api/v1/nodes", get(nodes))
        .route("/api/v1/nodes/{node_id}", get(node))
        .route("/api/v1/stakers/{address}", get(staker))
        .route("/api/v1/stakers/{address}/positions", get(staker_positions))
        .route("/api/v1/stakers/{address}/actions", get(staker_actions))
        .route("/api/v1/blobs", get(blobs))
        .route("/api/v1/blobs/{id}", get(blob))
        .route("/api/v1/prices", get(prices))
        .route("/api/v1/rewards", get(rewards))
        .route("/api/v1/settlements", get(settlements))
        .route("/api/v1/proposals", get(proposals))
        .route("/api/v1/proposals/{id}/votes", get(proposal_votes))
        .route("/api/v1/views", get(views))
        .route("/api/v1/views/{name}", get(view_rows))
        .fallback(not_found)
        .with_state(state)
}

/// Serves [`router`] on `listener` until `shutdown` completes, then finishes the requests
/// in flight and returns.
pub async fn serve(
    url: DbUrl,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(url))
        .with_graceful_shutdown(shutdown)
        .await
}

// ---- parameters ----

/// The query string as pairs (a malformed one is a 400).
type RawQuery = Result<Query<Vec<(String, String)>>, QueryRejection>;
/// One path parameter (a malformed one is a 400).
type RawPath = Result<Path<String>, PathRejection>;

/// A request's query parameters, checked against the ones its endpoint takes.
struct Params(Vec<(String, String)>);

impl Params {
    fn parse(q: RawQuery, allowed: &[&str]) -> Result<Params, ApiError> {
        let Query(pairs) = q.map_err(|e| ApiError::BadRequest(e.body_text()))?;
        for (i, (k, _)) in pairs.iter().enumerate() {
            if !allowed.contains(&k.as_str()) {
                return Err(ApiError::BadRequest(format!(
                    "unknown parameter {k:?} (this endpoint takes {})",
                    if allowed.is_empty() {
                        "none".to_string()
                    } else {
                        allowed.join(", ")
                    }
                )));
            }
            if pairs[..i].iter().any(|(k2, _)| k2 == k) {
                return Err(ApiError::BadRequest(format!("parameter {k:?} given twice")));
            }
        }
        Ok(Params(pairs))
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn limit(&self) -> Result<i64, ApiError> {
        match self.get("limit") {
            None => Ok(DEFAULT_LIMIT),
            Some(s) => match s.parse::<i64>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
                _ => Err(ApiError::BadRequest(format!(
                    "limit must be an integer from 1 to {MAX_LIMIT}, not {s:?}"
                ))),
            },
        }
    }

    fn after(&self, keys: &[KeyColumn]) -> Result<Option<Vec<Value>>, ApiError> {
        self.get("after")
            .map(|c| decode_cursor(c, keys))
            .transpose()
    }
}

/// The cursor of a row with key `values`.
fn encode_cursor(values: &[Value]) -> Result<String, ApiError> {
    let json = serde_json::to_vec(values)
        .map_err(|e| ApiError::Database(diesel::result::Error::SerializationError(e.into())))?;
    Ok(URL_SAFE_NO_PAD.encode(json))
}

/// The key in `cursor`, checked against `keys`.
fn decode_cursor(cursor: &str, keys: &[KeyColumn]) -> Result<Vec<Value>, ApiError> {
    let bad = || {
        ApiError::BadRequest(format!(
            "bad cursor {cursor:?}: use the `next` field of the previous page"
        ))
    };
    let json = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let values: Vec<Value> = serde_json::from_slice(&json).map_err(|_| bad())?;
    let fits = values.len() == keys.len() && values.iter().zip(keys).all(|(v, k)| v.is(k.kind));
    if fits {
        Ok(values)
    } else {
        Err(bad())
    }
}

/// The cursor after `row` (a row as JSON), keyed by `keys`.
fn cursor_after(row: &serde_json::Value, keys: &[KeyColumn]) -> Result<String, ApiError> {
    let values = keys
        .iter()
        .map(|k| Value::of_row(row, k.name, k.kind))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| {
            ApiError::Database(diesel::result::Error::DeserializationError(
                format!("a row without its key {keys:?}").into(),
            ))
        })?;
    encode_cursor(&values)
}

/// An object id or address parameter (`0x` + 1 to 64 hex digits), normalized.
fn object_id_param(what: &str, text: &str) -> Result<String, ApiError> {
    parse_object_id(text).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "malformed {what} {text:?}: expected 0x followed by 1 to 64 hex digits"
        ))
    })
}

fn path_param(p: RawPath) -> Result<String, ApiError> {
    p.map(|Path(s)| s)
        .map_err(|e| ApiError::BadRequest(e.body_text()))
}

// ---- reads ----

/// A page of `q` (whose `after` and `limit` this sets) of rows `T`.
async fn page<T>(
    db: &mut Db,
    mut q: PageQuery<'_>,
    after: Option<Vec<Value>>,
    limit: i64,
) -> Result<Page<T>, ApiError>
where
    T: QueryableByName<Pg> + QueryableByName<Sqlite> + Serialize + Send + 'static,
{
    q.after = after;
    q.limit = Some(limit + 1);
    let mut items: Vec<T> = query::load(db, &q).await?;
    let next = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        match items.last() {
            Some(last) => {
                let row = serde_json::to_value(last).map_err(|e| {
                    ApiError::Database(diesel::result::Error::SerializationError(e.into()))
                })?;
                Some(cursor_after(&row, q.keys)?)
            }
            None => None,
        }
    } else {
        None
    };
    Ok(Page { items, next })
}

/// Every row of `q` (at most `cap`).
async fn rows<T>(db: &mut Db, mut q: PageQuery<'_>, cap: i64) -> Result<Vec<T>, ApiError>
where
    T: QueryableByName<Pg> + QueryableByName<Sqlite> + Send + 'static,
{
    q.limit = Some(cap);
    Ok(query::load(db, &q).await?)
}

/// A list endpoint over `from`: parses `limit` and `after`, reads a page.
async fn list<T>(
    state: AppState,
    raw: RawQuery,
    from: &'static str,
    keys: &'static [KeyColumn],
) -> Result<Json<Page<T>>, ApiError>
where
    T: QueryableByName<Pg> + QueryableByName<Sqlite> + Serialize + Send + 'static,
{
    let params = Params::parse(raw, &["limit", "after"])?;
    let (limit, after) = (params.limit()?, params.after(keys)?);
    let mut c = state.conn().await?;
    let result = match c.db() {
        Ok(db) => page(db, PageQuery::new(from, keys), after, limit).await,
        Err(e) => Err(e),
    };
    c.done(result).map(Json)
}

// ---- handlers ----

/// The watermark and the lag behind the chain; 503 while the index is empty.
#[utoipa::path(get, path = "/health", responses(
    (status = 200, description = "The index's state", body = Health),
    (status = 503, description = "Empty index or no database", body = ErrorBody),
))]
async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let mut c = state.conn().await?;
    let result = match c.db() {
        Ok(db) => match crate::store::watermark(db).await {
            Ok(w) => crate::store::pipeline_state(db, crate::store::CHAIN_TIP)
                .await
                .map(|tip| (w, tip))
                .map_err(ApiError::from),
            Err(e) => Err(ApiError::from(e)),
        },
        Err(e) => Err(e),
    };
    let (w, tip) = c.done(result)?;
    let w = w.ok_or_else(|| ApiError::Unavailable("the index is empty".into()))?;
    let tip = tip.and_then(|t| t.parse::<i64>().ok());
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let as_i64 = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    let timestamp_ms = as_i64(w.timestamp_ms_hi);
    Ok(Json(Health {
        chain_id: w.chain_id,
        checkpoint: as_i64(w.checkpoint_hi),
        timestamp_ms,
        epoch: as_i64(w.epoch_hi),
        tx_hi: as_i64(w.tx_hi),
        lag_ms: now_ms.saturating_sub(timestamp_ms).max(0),
        chain_tip: tip,
        behind_checkpoints: tip.map(|t| t.saturating_sub(as_i64(w.checkpoint_hi)).max(0)),
    }))
}

/// This API's OpenAPI document.
async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi())
}

/// Unknown paths.
async fn not_found() -> ApiError {
    ApiError::NotFound("no such path: see /openapi.json".into())
}

/// Epochs: start, committee size, prices, WAL/USD rate, capacity, reward pot.
#[utoipa::path(get, path = "/api/v1/epochs", params(ListParams), responses(
    (status = 200, description = "Success", body = Page<Epoch>), (status = 400, description = "A malformed parameter", body = ErrorBody),
))]
async fn epochs(State(state): State<AppState>, q: RawQuery) -> Result<Json<Page<Epoch>>, ApiError> {
    list(state, q, Epoch::TABLE, Epoch::KEYS).await
}

/// Nodes with their latest stake, shards and commission (`v_node_stake`).
#[utoipa::path(get, path = "/api/v1/nodes", params(ListParams), responses(
    (status = 200, description = "Success", body = Page<NodeStake>), (status = 400, description = "A malformed parameter", body = ErrorBody),
))]
async fn nodes(
    State(state): State<AppState>,
    q: RawQuery,
) -> Result<Json<Page<NodeStake>>, ApiError> {
    list(state, q, "v_node_stake", NodeStake::KEYS).await
}

/// A node: its registration, stake, receipts, commission changes and pool history.
#[utoipa::path(get, path = "/api/v1/nodes/{node_id}",
    params(("node_id" = String, Path, description = "The node's pool object id (0x + hex)")),
    responses(
        (status = 200, description = "Success", body = NodeDetail),
        (status = 400, description = "A malformed parameter", body = ErrorBody),
        (status = 404, description = "No such resource", body = ErrorBody),
    ))]
async fn node(
    State(state): State<AppState>,
    p: RawPath,
    q: RawQuery,
) -> Result<Json<NodeDetail>, ApiError> {
    Params::parse(q, &[])?;
    let id = object_id_param("node id", &path_param(p)?)?;
    let mut c = state.conn().await?;
    let result = match c.db() {
        Ok(db) => node_detail(db, id).await,
        Err(e) => Err(e),
    };
    c.done(result).map(Json)
}

async fn node_detail(db: &mut Db, id: String) -> Result<NodeDetail, ApiError> {
    let by_node = |from, keys| {
        let mut q = PageQuery::new(from, keys);
        q.conditions
            .push(Condition::bind("node_id = {}", Value::Text(id.clone())));
        q
    };
    let node: Vec<Node> = rows(db, by_node(Node::TABLE, Node::KEYS), 1).await?;
    let Some(node) = node.into_iter().next() else {
        return Err(ApiError::NotFound(format!("no node {id}")));
    };
    let stake: Vec<NodeStake> = rows(db, by_node("v_node_stake", NodeStake::KEYS), 1).await?;
    let receipts: Vec<StakeStatus> =
        rows(db, by_node("v_stake_status", StakeStatus::KEYS), 1).await?;
    let commission = rows(
        db,
        by_node("v_commission_history", CommissionChange::KEYS),
        i64::MAX,
    )
    .await?;
    let history = rows(db, by_node(PoolEpoch::TABLE, PoolEpoch::KEYS), i64::MAX).await?;
    Ok(NodeDetail {
        node,
        stake: stake.into_iter().next(),
        receipts: receipts.into_iter().next(),
        commission,
        history,
    })
}

/// Conditions on a staker's receipts.
fn positions_of(address: &str) -> PageQuery<'static> {
    let mut q = PageQuery::new(Position::TABLE, Position::KEYS);
    q.conditions
        .push(Condition::bind("owner = {}", Value::Text(address.into())));
    q
}

/// Conditions on a staker's actions: as staker/new owner/receiver, as previous owner, or on
/// a receipt it owns.
fn actions_of(address: &str) -> PageQuery<'static> {
    let mut q = PageQuery::new(StakeAction::TABLE, StakeAction::KEYS);
    q.conditions.push(Condition::bind(
        "address = {} OR other_id = {} OR staked_wal_id IN \
         (SELECT staked_wal_id FROM positions WHERE owner = {})",
        Value::Text(address.into()),
    ));
    q
}

/// A staker: its stake by state and withdrawn rewards, and the first pages of its receipts
/// and staking actions (the rest at `/positions` and `/actions`).
#[utoipa::path(get, path = "/api/v1/stakers/{address}",
    params(("address" = String, Path, description = "The staker's address (0x + hex)"),
        FirstPageParams),
    responses(
        (status = 200, description = "Success", body = StakerDetail),
        (status = 400, description = "A malformed parameter", body = ErrorBody),
        (status = 404, description = "No such resource", body = ErrorBody),
    ))]
async fn staker(
    State(state): State<AppState>,
    p: RawPath,
    q: RawQuery,
) -> Result<Json<StakerDetail>, ApiError> {
    let params = Params::parse(q, &["limit"])?;
    let limit = params.limit()?;
    let address = object_id_param("address", &path_param(p)?)?;
    let mut c = state.conn().await?;
    let result = match c.db() {
        Ok(db) => staker_detail(db, address, limit).await,
        Err(e) => Err(e),
    };
    c.done(result).map(Json)
}

async fn staker_detail(db: &mut Db, address: String, limit: i64) -> Result<StakerDetail, ApiError> {
    let mut q = PageQuery::new("v_stakers", Staker::KEYS);
    q.conditions.push(Condition::bind(
        "address = {}",
        Value::Text(address.clone()),
    ));
    let summary: Vec<Staker> = rows(db, q, 1).await?;
    let positions = page(db, positions_of(&address), None, limit).await?;
    let actions = page(db, actions_of(&address), None, limit).await?;
    if summary.is_empty() && actions.items.is_empty() {
        return Err(ApiError::NotFound(format!(
            "no staking by {address} in the index"
        )));
    }
    Ok(StakerDetail {
        address,
        summary: summary.into_iter().next(),
        positions,
        actions,
    })
}

/// A staker's receipts (every state), by id.
#[utoipa::path(get, path = "/api/v1/stakers/{address}/positions",
    params(("address" = String, Path, description = "The staker's address (0x + hex)"),
        ListParams),
    responses((status = 200, description = "Success", body = Page<Position>), (status = 400, description = "A malformed parameter", body = ErrorBody)))]
async fn staker_positions(
    State(state): State<AppState>,
    p: RawPath,
    q: RawQuery,
) -> Result<Json<Page<Position>>, ApiError> {
    let params = Params::parse(q, &["limit", "after"])?;
    let (limit, after) = (params.limit()?, params.after(Position::KEYS)?);
    let address = object_id_param("address", &path_param(p)?)?;
    let mut c = state.conn().await?;
    let result = match c.db() {
        Ok(db) => page(db, positions_of(&address), after, limit).await,
        Err(e) => Err(e),
    };
    c.done(result).map(Json)
}

/// A staker's staking actions, in chain order.
#[utoipa::path(get, path = "/api/v1/stakers/{address}/actions",
    params(("address" = String, Path, description = "The staker's address (0x + hex)"),
        ListParams),
    responses((status = 200, description = "Success", body = Page<StakeAction>), (status = 400, description = "A malformed parameter", body = ErrorBody)))]
async fn staker_actions(
    State(state): State<AppState>,
    p: RawPath,
    q: RawQuery,
) -> Result<Json<Page<StakeAction>>, ApiError> {
    let params = Params::parse(q, &["limit", "after"])?;
    let (limit, after) = (params.limit()?, params.after(StakeAction::KEYS)?);
    let address = object_id_param("address", &path_param(p)?)?;
    let mut c = state.conn().await?;
    let result = match c.db() {
        Ok(db) => page(db, actions_of(&address), after, limit).await,
        Err(e) => Err(e),
    };
    c.done(result).map(Json)
}

/// Blob objects by object id, optionally only one owner's, or only stored blobs expiring
/// within N epochs of the latest indexed one.
#[utoipa::path(get, path = "/api/v1/blobs", params(BlobListParams), responses(
    (status = 200, description = "Success", body = Page<Blob>), (status = 400, description = "A malformed parameter", body = ErrorBody),
))]
async fn blobs(State(state): State<AppState>, q: RawQuery) -> Result<Json<Page<Blob>>, ApiError> {
    let params = Params::parse(q, &["owner", "expiring_within", "limit", "after"])?;
    let (limit, after) = (params.limit()?, params.after(Blob::KEYS)?);
    let mut query = PageQuery::new(Blob::TABLE, Blob::KEYS);
    if let Some(owner) = params.get("owner") {
        let owner = object_id_param("owner", owner)?;
        query
            .conditions
            .push(Condition::bind("owner = {}", Value::Text(owner)));
    }
    if let Some(n) = params.get("expiring_within") {
        let n = match n.parse::<i64>() {
            Ok(n) if (0..=1_000_000).contains(&n) => n,
            _ => {
                return Err(ApiError::BadRequest(format!(
                    "expiring_within must be a number of epochs from 0 to 1000000, not {n:?}"
                )))
            }
        };
        query.conditions.push(Condition::raw(
            "certified_epoch IS NOT NULL AND deleted_epoch IS NULL AND burned_epoch IS NULL \
             AND end_epoch > (SELECT MAX(epoch) FROM checkpoints)",
        ));
        query.conditions.push(Condition::bind(
            "end_epoch <= (SELECT MAX(epoch) FROM checkpoints) + {}",
            Value::Int(n),
        ));
    }
    let mut c = state.conn().await?;
    let result = match c.db() {
        Ok(db) => page(db, query, after, limit).await,
        Err(e) => Err(e),
    };
    c.done(result).map(Json)
}

/// A blob by object id (`0x` + hex) or blob id (URL-safe base64): its objects with their
/// attributes, and whether the blob id was certified invalid.
#[utoipa::path(get, path = "/api/v1/blobs/{id}",
    params(("id" = String, Path, description = "A blob object id (0x + hex) or a blob id (URL-safe base64, 43 characters)")),
    responses(
        (status = 200, description = "Success", body = BlobDetail),
        (status = 400, description = "A malformed parameter", body = ErrorBody),
        (status = 404, description = "No such resource", body = ErrorBody),
    ))]
async fn blob(
    State(state): State<AppState>,
    p: RawPath,
    q: RawQuery,
) -> Result<Json<BlobDetail>, ApiError> {
    Params::parse(q, &[])?;
    let text = path_param(p)?;
    let object = text
        .starts_with("0x")
        .then(|| parse_object_id(&text))
        .flatten();
    let blob = parse_blob_id(&text).map(|b| blob_id(&b));
    if object.is_none() && blob.is_none() {
        return Err(ApiError::BadRequest(format!(
            "malformed blob id {text:?}: expected an object id (0x + hex) or a blob id \
             (URL-safe base64 of 32 bytes)"
        )));
    }
    let mut c = state.conn().await?;
    let result = match c.db() {
        Ok(db) => blob_detail(db, &text, object, blob).await,
        Err(e) => Err(e),
    };
    c.done(result).map(Json)
}

async fn blob_detail(
    db: &mut Db,
    text: &str,
    object: Option<String>,
    blob: Option<String>,
) -> Result<BlobDetail, ApiError> {
    let mut found: Vec<Blob> = Vec::new();
    if let Some(object) = object {
        let mut q = PageQuery::new(Blob::TABLE, Blob::KEYS);
        q.conditions
            .push(Condition::bind("object_id = {}", Value::Text(object)));
        found = rows(db, q, 1).await?;
    }
    if found.is_empty() {
        if let Some(blob) = &blob {
            let mut q = PageQuery::new(Blob::TABLE, Blob::KEYS);
            q.conditions
                .push(Condition::bind("blob_id = {}", Value::Text(blob.clone())));
            found = rows(db, q, MAX_LIMIT).await?;
        }
    }
    let blob_id = match found.first() {
        Some(b) => b.blob_id.clone(),
        None => return Err(ApiError::NotFound(format!("no blob {text}"))),
    };
    let mut objects = Vec::with_capacity(found.len());
    for b in found {
        let mut q = PageQuery::new(BlobAttribute::TABLE, BlobAttribute::KEYS);
        q.conditions.push(Condition::bind(
            "object_id = {}",
            Value::Text(b.object_id.clone()),
        ));
        let attributes = rows(db, q, MAX_LIMIT).await?;
        objects.push(BlobObject {
            blob: b,
            attributes,
        });
    }
    let mut invalid_epoch = None;
    if let Some(id) = &blob_id {
        let mut q = PageQuery::new(InvalidBlob::TABLE, InvalidBlob::KEYS);
        q.conditions
            .push(Condition::bind("blob_id = {}", Value::Text(id.clone())));
        let invalid: Vec<InvalidBlob> = rows(db, q, 1).await?;
        invalid_epoch = invalid.into_iter().next().and_then(|i| i.epoch);
    }
    Ok(BlobDetail {
        blob_id,
        invalid_epoch,
        objects,
    })
}

/// Prices per GiB per epoch in FROST and nano-USD (`v_prices`).
#[utoipa::path(get, path = "/api/v1/prices", params(ListParams), responses(
    (status = 200, description = "Success", body = Page<Prices>), (status = 400, description = "A malformed parameter", body = ErrorBody),
))]
async fn prices(
    State(state): State<AppState>,
    q: RawQuery,
) -> Result<Json<Page<Prices>>, ApiError> {
    list(state, q, "v_prices", Prices::KEYS).await
}

/// Rewards per settled epoch: stakers' part, commission, running totals
/// (`v_rewards_per_epoch`).
#[utoipa::path(get, path = "/api/v1/rewards", params(ListParams), responses(
    (status = 200, description = "Success", body = Page<RewardsPerEpoch>), (status = 400, description = "A malformed parameter", body = ErrorBody),
))]
async fn rewards(
    State(state): State<AppState>,
    q: RawQuery,
) -> Result<Json<Page<RewardsPerEpoch>>, ApiError> {
    list(state, q, "v_rewards_per_epoch", RewardsPerEpoch::KEYS).await
}

/// Settlements with the audit's verdict, claims and what is outstanding (`v_settlements`).
#[utoipa::path(get, path = "/api/v1/settlements", params(ListParams), responses(
    (status = 200, description = "Success", body = Page<Settlement>), (status = 400, description = "A malformed parameter", body = ErrorBody),
))]
async fn settlements(
    State(state): State<AppState>,
    q: RawQuery,
) -> Result<Json<Page<Settlement>>, ApiError> {
    list(state, q, "v_settlements", Settlement::KEYS).await
}

/// Governance proposals with tally, turnout and status (`v_proposals`).
#[utoipa::path(get, path = "/api/v1/proposals", params(ListParams), responses(
    (status = 200, description = "Success", body = Page<Proposal>), (status = 400, description = "A malformed parameter", body = ErrorBody),
))]
async fn proposals(
    State(state): State<AppState>,
    q: RawQuery,
) -> Result<Json<Page<Proposal>>, ApiError> {
    list(state, q, "v_proposals", Proposal::KEYS).await
}

/// The votes on a proposal, in chain order.
#[utoipa::path(get, path = "/api/v1/proposals/{id}/votes",
    params(("id" = i64, Path, description = "The proposal id"), ListParams),
    responses(
        (status = 200, description = "Success", body = Page<Vote>),
        (status = 400, description = "A malformed parameter", body = ErrorBody),
        (status = 404, description = "No such resource", body = ErrorBody),
    ))]
async fn proposal_votes(
    State(state): State<AppState>,
    p: RawPath,
    q: RawQuery,
) -> Result<Json<Page<Vote>>, ApiError> {
    let params = Params::parse(q, &["limit", "after"])?;
    let (limit, after) = (params.limit()?, params.after(Vote::KEYS)?);
    let text = path_param(p)?;
    let id = match text.parse::<i64>() {
        Ok(id) if id >= 0 => id,
        _ => {
            return Err(ApiError::BadRequest(format!(
                "malformed proposal id {text:?}: expected a non-negative integer"
            )))
        }
    };
    let mut c = state.conn().await?;
    let result = match c.db() {
        Ok(db) => votes_page(db, id, after, limit).await,
        Err(e) => Err(e),
    };
    c.done(result).map(Json)
}

async fn votes_page(
    db: &mut Db,
    id: i64,
    after: Option<Vec<Value>>,
    limit: i64,
) -> Result<Page<Vote>, ApiError> {
    let mut q = PageQuery::new("v_proposals", Proposal::KEYS);
    q.conditions
        .push(Condition::bind("proposal_id = {}", Value::Int(id)));
    let proposal: Vec<Proposal> = rows(db, q, 1).await?;
    let mut q = PageQuery::new(Vote::TABLE, Vote::KEYS);
    q.conditions
        .push(Condition::bind("proposal_id = {}", Value::Int(id)));
    let votes = page(db, q, after, limit).await?;
    if proposal.is_empty() && votes.items.is_empty() {
        return Err(ApiError::NotFound(format!("no proposal {id}")));
    }
    Ok(votes)
}

/// The analyst views: name, key and what each answers.
#[utoipa::path(get, path = "/api/v1/views", responses(
    (status = 200, description = "Success", body = Vec<ViewInfo>), (status = 400, description = "A malformed parameter", body = ErrorBody),
))]
async fn views(q: RawQuery) -> Result<Json<Vec<ViewInfo>>, ApiError> {
    Params::parse(q, &[])?;
    Ok(Json(
        query::VIEWS
            .iter()
            .map(|v| ViewInfo {
                name: v.name.into(),
                key: v.keys.iter().map(|k| k.name.to_string()).collect(),
                description: v.doc.trim().to_string(),
            })
            .collect(),
    ))
}

/// The rows of any analyst view, in key order.
#[utoipa::path(get, path = "/api/v1/views/{name}",
    params(("name" = String, Path, description = "A view's name (see /api/v1/views)"),
        ListParams),
    responses((status = 200, description = "Success", body = ViewPage), (status = 400, description = "A malformed parameter", body = ErrorBody)))]
async fn view_rows(
    State(state): State<AppState>,
    p: RawPath,
    q: RawQuery,
) -> Result<Json<ViewPage>, ApiError> {
    let name = path_param(p)?;
    let Some(view) = query::view(&name) else {
        return Err(ApiError::BadRequest(format!(
            "unknown view {name:?}: see /api/v1/views"
        )));
    };
    let params = Params::parse(q, &["limit", "after"])?;
    let (limit, after) = (params.limit()?, params.after(view.keys)?);
    let mut c = state.conn().await?;
    let result = match c.db() {
        Ok(db) => view_page(db, view, after, limit).await,
        Err(e) => Err(e),
    };
    c.done(result).map(Json)
}

async fn view_page(
    db: &mut Db,
    view: &'static query::View,
    after: Option<Vec<Value>>,
    limit: i64,
) -> Result<ViewPage, ApiError> {
    let mut q = PageQuery::new(view.name, view.keys);
    q.after = after;
    q.limit = Some(limit + 1);
    let mut items = query::view_page(db, &q).await?;
    let next = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items
            .last()
            .map(|row| cursor_after(row, view.keys))
            .transpose()?
    } else {
        None
    };
    Ok(ViewPage { items, next })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::KeyKind;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let keys = [KeyColumn::int("epoch"), KeyColumn::text("node_id")];
        let values = vec![Value::Int(7), Value::Text("0xab".into())];
        let c = encode_cursor(&values).unwrap();
        assert_eq!(decode_cursor(&c, &keys).unwrap(), values);
        for bad in [
            "",
            "!!",
            "bm90IGpzb24",
            &encode_cursor(&values[..1]).unwrap(),
        ] {
            assert!(matches!(
                decode_cursor(bad, &keys),
                Err(ApiError::BadRequest(_))
            ));
        }
        let swapped = encode_cursor(&[Value::Text("7".into()), Value::Int(1)]).unwrap();
        assert!(decode_cursor(&swapped, &keys).is_err());
        assert_eq!(KeyKind::Int, keys[0].kind);
    }

    #[test]
    fn limits_are_bounded() {
        let p = |s: &str| Params(vec![("limit".into(), s.into())]).limit();
        assert_eq!(p("1").unwrap(), 1);
        assert_eq!(p("1000").unwrap(), 1000);
        for bad in ["0", "1001", "100000", "-1", "abc", ""] {
            assert!(p(bad).is_err(), "{bad}");
        }
        assert_eq!(Params(vec![]).limit().unwrap(), DEFAULT_LIMIT);
    }

    #[test]
    fn the_document_lists_every_path() {
        let doc = serde_json::to_value(openapi()).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        for p in ["/health", "/api/v1/nodes/{node_id}", "/api/v1/views/{name}"] {
            assert!(paths.contains_key(p), "{p}");
        }
        assert_eq!(paths.len(), 16);
    }
}
