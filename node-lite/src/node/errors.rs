//! Why the node refuses a request, and the JSON envelopes of its answers.
//!
//! Answers use Walrus's envelopes so Walrus's own clients can read them: a success is
//! `{"success": {"code": <http code>, "data": …}}`, an error is
//! `{"error": {"status": "<STATUS>", "code": <http code>, "message": "…", "details":
//! [{"@type": "ErrorInfo", "reason": "<REASON>", "domain": "storage.walrus.space",
//! "metadata": {}}]}}`, with Walrus's pairs of status and HTTP code (`INVALID_ARGUMENT` and
//! `FAILED_PRECONDITION` are 400, `NOT_FOUND` 404, `SIZE_EXCEEDED` 403, `UNAVAILABLE` 503,
//! `INTERNAL` 500) and Walrus's reasons where Walrus has the same refusal.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde::Serialize;
use serde_json::json;

/// The error domain of storage-node errors (Walrus's, so that clients recognise them).
pub const ERROR_DOMAIN: &str = "storage.walrus.space";

/// A general class of error: Walrus's status strings, each with its HTTP code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiStatus {
    /// A malformed or inconsistent request (400).
    InvalidArgument,
    /// The request is valid but the node's state does not allow it now (400).
    FailedPrecondition,
    /// No such resource (404).
    NotFound,
    /// A body over the node's limit (403, as Walrus pairs it).
    SizeExceeded,
    /// The node cannot serve the request now (503).
    Unavailable,
    /// A fault of the node (500).
    Internal,
}

impl ApiStatus {
    /// Walrus's status string.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiStatus::InvalidArgument => "INVALID_ARGUMENT",
            ApiStatus::FailedPrecondition => "FAILED_PRECONDITION",
            ApiStatus::NotFound => "NOT_FOUND",
            ApiStatus::SizeExceeded => "SIZE_EXCEEDED",
            ApiStatus::Unavailable => "UNAVAILABLE",
            ApiStatus::Internal => "INTERNAL",
        }
    }

    /// The HTTP code Walrus pairs with it.
    pub fn http_code(self) -> StatusCode {
        match self {
            ApiStatus::InvalidArgument | ApiStatus::FailedPrecondition => StatusCode::BAD_REQUEST,
            ApiStatus::NotFound => StatusCode::NOT_FOUND,
            ApiStatus::SizeExceeded => StatusCode::FORBIDDEN,
            ApiStatus::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiStatus::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Why the node refused a request. Every refusal changes nothing in the store.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// A path or query parameter does not parse (blob ID, index, axis, object ID).
    #[error("invalid request path or query: {0}")]
    InvalidPath(String),
    /// The body is larger than the node accepts.
    #[error("request body over the limit of {limit} bytes")]
    BodyTooLarge {
        /// The limit.
        limit: usize,
    },
    /// A sliver pair index at or above the committee's shard count.
    #[error("requires 0 <= index ({index}) < {max}")]
    IndexOutOfRange {
        /// The index asked for.
        index: u16,
        /// The shard count.
        max: u16,
    },
    /// The blob ID has no live registration on chain (never registered, expired or deleted).
    #[error("the blob has not been registered or has already expired")]
    NotRegistered,
    /// The blob ID was certified invalid on chain.
    #[error("the blob was marked invalid on chain in epoch {epoch}")]
    InvalidBlob {
        /// The epoch of the `InvalidBlobID` event.
        epoch: u32,
    },
    /// The metadata do not verify (wrong shard count, blob ID not derived from them, a
    /// malformed body).
    #[error("the provided metadata failed to verify: {0}")]
    InvalidMetadata(String),
    /// An encoding type other than RS2.
    #[error("unsupported encoding type {0}, supported types are: [1 (RS2)]")]
    UnsupportedEncodingType(u8),
    /// No metadata stored for the blob yet (slivers are verified against them).
    #[error("blob metadata is required but missing")]
    MissingMetadata,
    /// A sliver whose shard this node does not hold in the current epoch.
    #[error("shard {shard} is not assigned to this node in epoch {epoch}")]
    ShardNotAssigned {
        /// The shard holding the pair.
        shard: u16,
        /// The current epoch.
        epoch: u32,
    },
    /// The sliver's own index does not belong to the pair in the path.
    #[error("sliver index {sliver_index} is inconsistent with sliver pair index {pair_index}")]
    SliverIndexMismatch {
        /// The pair in the path.
        pair_index: u16,
        /// The sliver's index.
        sliver_index: u16,
    },
    /// The sliver is malformed or does not verify against the metadata.
    #[error("the provided sliver is invalid: {0}")]
    InvalidSliver(String),
    /// The metadata are not stored here.
    #[error("the requested metadata is unavailable")]
    MetadataNotFound,
    /// The sliver is not stored here (or failed its integrity check and awaits repair).
    #[error("the requested sliver is unavailable")]
    SliverNotFound,
    /// A confirmation was asked before every sliver of this node's shards is stored.
    #[error("the required slivers are not all stored")]
    MissingSlivers,
    /// The node has not yet learnt the committee from the chain.
    #[error("the node has no committee yet (still catching up with the chain)")]
    NoCommittee,
    /// Too many symbol requests are being served; try again later.
    #[error("too many recovery symbol requests in progress (at most {limit}); retry later")]
    TooManySymbolRequests {
        /// The limit.
        limit: usize,
    },
    /// The node cannot sign (no protocol key configured).
    #[error("this node has no protocol key to sign with")]
    NoProtocolKey,
    /// A fault of the node (its store); the message says what.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<redb::Error> for NodeError {
    fn from(e: redb::Error) -> Self {
        NodeError::Internal(format!("store: {e}"))
    }
}

macro_rules! from_redb {
    ($($t:ty),*) => {
        $(impl From<$t> for NodeError {
            fn from(e: $t) -> Self {
                NodeError::from(redb::Error::from(e))
            }
        })*
    };
}
from_redb!(
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

impl NodeError {
    /// The class of the error (and so its HTTP code).
    pub fn status(&self) -> ApiStatus {
        use NodeError::*;
        match self {
            InvalidPath(_)
            | IndexOutOfRange { .. }
            | InvalidMetadata(_)
            | UnsupportedEncodingType(_)
            | SliverIndexMismatch { .. }
            | InvalidSliver(_) => ApiStatus::InvalidArgument,
            NotRegistered
            | InvalidBlob { .. }
            | MissingMetadata
            | ShardNotAssigned { .. }
            | MissingSlivers => ApiStatus::FailedPrecondition,
            BodyTooLarge { .. } => ApiStatus::SizeExceeded,
            MetadataNotFound | SliverNotFound => ApiStatus::NotFound,
            NoCommittee | NoProtocolKey | TooManySymbolRequests { .. } => ApiStatus::Unavailable,
            Internal(_) => ApiStatus::Internal,
        }
    }

    /// The machine-readable reason (Walrus's where Walrus has the same refusal).
    pub fn reason(&self) -> &'static str {
        use NodeError::*;
        match self {
            InvalidPath(_) => "INVALID_PATH",
            BodyTooLarge { .. } => "BODY_TOO_LARGE",
            IndexOutOfRange { .. } => "INDEX_OUT_OF_RANGE",
            NotRegistered => "NOT_REGISTERED",
            InvalidBlob { .. } => "INVALID_BLOB",
            InvalidMetadata(_) => "INVALID_METADATA",
            UnsupportedEncodingType(_) => "UNSUPPORTED_ENCODING_TYPE",
            MissingMetadata => "METADATA_NOT_FOUND",
            ShardNotAssigned { .. } => "SHARD_NOT_ASSIGNED",
            SliverIndexMismatch { .. } => "SLIVER_INDEX_MISMATCH",
            InvalidSliver(_) => "INVALID_SLIVER",
            MetadataNotFound => "METADATA_NOT_FOUND",
            SliverNotFound => "SLIVER_NOT_FOUND",
            MissingSlivers => "MISSING_SLIVERS",
            NoCommittee => "NO_COMMITTEE",
            NoProtocolKey => "NO_PROTOCOL_KEY",
            TooManySymbolRequests { .. } => "TOO_MANY_SYMBOL_REQUESTS",
            Internal(_) => "INTERNAL",
        }
    }
}

impl IntoResponse for NodeError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status == ApiStatus::Internal {
            tracing::error!("{self}");
        }
        let body = json!({
            "error": {
                "status": status.as_str(),
                "code": status.http_code().as_u16(),
                "message": self.to_string(),
                "details": [{
                    "@type": "ErrorInfo",
                    "reason": self.reason(),
                    "domain": ERROR_DOMAIN,
                    "metadata": {},
                }],
            }
        });
        (status.http_code(), Json(body)).into_response()
    }
}

/// A successful JSON answer in Walrus's envelope, `{"success": {"code": …, "data": …}}`.
#[derive(Debug, Clone, Serialize)]
pub struct ApiSuccess<T> {
    success: SuccessInner<T>,
}

#[derive(Debug, Clone, Serialize)]
struct SuccessInner<T> {
    code: u16,
    data: T,
}

impl<T: Serialize> ApiSuccess<T> {
    /// `data` with HTTP code `code`.
    pub fn new(code: StatusCode, data: T) -> Self {
        ApiSuccess {
            success: SuccessInner {
                code: code.as_u16(),
                data,
            },
        }
    }

    /// `data` with 200.
    pub fn ok(data: T) -> Self {
        Self::new(StatusCode::OK, data)
    }
}

impl<T: Serialize> IntoResponse for ApiSuccess<T> {
    fn into_response(self) -> Response {
        let code = StatusCode::from_u16(self.success.code).unwrap_or(StatusCode::OK);
        (code, Json(self)).into_response()
    }
}
