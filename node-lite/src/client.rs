//! A client of one storage node's REST API (Walrus's paths and bodies), over HTTP/1.1.
//!
//! Every call returns the node's answer decoded, or [`ClientError::Refused`] with the node's
//! status and reason when it refused. The client counts the bytes of the bodies it sent and
//! received, so tests and benchmarks can measure traffic.

use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc,
};

pub use reqwest::Method;
use reqwest::StatusCode;

use std::collections::BTreeMap;

use crate::encoding::{
    BlobId, BlobMetadata, BlobMetadataWithId, EitherDecodingSymbol, GeneralRecoverySymbol,
    SliverIndex,
};
use crate::node::store::Axis;

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The node answered with an error.
    #[error("node refused ({code} {reason}): {message}")]
    Refused {
        /// HTTP status.
        code: u16,
        /// The machine-readable reason (`INVALID_SLIVER`, …), or the status text.
        reason: String,
        /// The node's message.
        message: String,
    },
    /// The request could not be made or the answer read.
    #[error("request to {url} failed: {source}")]
    Http {
        /// The URL.
        url: String,
        /// Why.
        source: reqwest::Error,
    },
    /// The answer is not what the API promises.
    #[error("malformed answer from {url}: {reason}")]
    Malformed {
        /// The URL.
        url: String,
        /// What is wrong.
        reason: String,
    },
}

impl ClientError {
    /// The node's reason, if it refused.
    pub fn reason(&self) -> Option<&str> {
        match self {
            ClientError::Refused { reason, .. } => Some(reason),
            _ => None,
        }
    }

    /// The HTTP status, if the node answered.
    pub fn code(&self) -> Option<u16> {
        match self {
            ClientError::Refused { code, .. } => Some(*code),
            _ => None,
        }
    }
}

/// Whether a PUT stored something new (201) or found it stored (200).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutOutcome {
    /// 201.
    Created,
    /// 200.
    AlreadyStored,
}

/// A client of one node.
#[derive(Clone)]
pub struct NodeClient {
    base: String,
    http: reqwest::Client,
    sent: Arc<AtomicU64>,
    received: Arc<AtomicU64>,
}

impl NodeClient {
    /// A client of the node at `base` (e.g. `http://127.0.0.1:9185`).
    pub fn new(base: &str) -> Self {
        Self::with_http(base, reqwest::Client::new())
    }

    /// A client of the node at `base` over `http` (share one `reqwest::Client`, and so its
    /// connection pool, between the clients of many nodes); traffic is counted per client.
    pub fn with_http(base: &str, http: reqwest::Client) -> Self {
        NodeClient {
            base: base.trim_end_matches('/').to_owned(),
            http,
            sent: Arc::default(),
            received: Arc::default(),
        }
    }

    /// The node's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Body bytes sent and received so far.
    pub fn traffic(&self) -> (u64, u64) {
        (
            self.sent.load(Ordering::Relaxed),
            self.received.load(Ordering::Relaxed),
        )
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<(StatusCode, Vec<u8>), ClientError> {
        let url = format!("{}{path}", self.base);
        let mut request = self.http.request(method, &url);
        if let Some(body) = body {
            self.sent.fetch_add(body.len() as u64, Ordering::Relaxed);
            request = request
                .header("content-type", "application/octet-stream")
                .body(body);
        }
        let http = |source| ClientError::Http {
            url: url.clone(),
            source,
        };
        let response = request.send().await.map_err(http)?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(http)?.to_vec();
        self.received
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        if status.is_success() {
            return Ok((status, bytes));
        }
        let json: Option<serde_json::Value> = serde_json::from_slice(&bytes).ok();
        let error = json.as_ref().and_then(|j| j.get("error"));
        Err(ClientError::Refused {
            code: status.as_u16(),
            reason: error
                .and_then(|e| e["details"][0]["reason"].as_str())
                .unwrap_or(status.canonical_reason().unwrap_or("error"))
                .to_owned(),
            message: error.and_then(|e| e["message"].as_str()).map_or_else(
                || String::from_utf8_lossy(&bytes).into_owned(),
                str::to_owned,
            ),
        })
    }

    fn data(&self, path: &str, bytes: &[u8]) -> Result<serde_json::Value, ClientError> {
        let json: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| ClientError::Malformed {
                url: format!("{}{path}", self.base),
                reason: e.to_string(),
            })?;
        Ok(json["success"]["data"].clone())
    }

    async fn put(&self, path: &str, body: Vec<u8>) -> Result<PutOutcome, ClientError> {
        let (status, _) = self.call(Method::PUT, path, Some(body)).await?;
        Ok(if status == StatusCode::CREATED {
            PutOutcome::Created
        } else {
            PutOutcome::AlreadyStored
        })
    }

    async fn get_json(&self, path: &str) -> Result<serde_json::Value, ClientError> {
        let (_, bytes) = self.call(Method::GET, path, None).await?;
        self.data(path, &bytes)
    }

    /// `GET /v1/health`: the node's health data.
    pub async fn health(&self) -> Result<serde_json::Value, ClientError> {
        self.get_json("/v1/health").await
    }

    /// `GET /v1/blobs/{id}/status`: Walrus's blob status.
    pub async fn blob_status(&self, blob: &BlobId) -> Result<serde_json::Value, ClientError> {
        self.get_json(&format!("/v1/blobs/{blob}/status")).await
    }

    /// `PUT /v1/blobs/{id}/metadata`.
    pub async fn put_metadata(
        &self,
        blob: &BlobId,
        metadata: &BlobMetadata,
    ) -> Result<PutOutcome, ClientError> {
        let body = bcs::to_bytes(metadata).map_err(|e| ClientError::Malformed {
            url: self.base.clone(),
            reason: format!("cannot encode the metadata: {e}"),
        })?;
        self.put_raw_metadata(blob, body).await
    }

    /// `PUT /v1/blobs/{id}/metadata` with any body (for callers relaying bytes).
    pub async fn put_raw_metadata(
        &self,
        blob: &BlobId,
        body: Vec<u8>,
    ) -> Result<PutOutcome, ClientError> {
        self.put(&format!("/v1/blobs/{blob}/metadata"), body).await
    }

    /// `GET /v1/blobs/{id}/metadata`, decoded (not yet verified: call `verify`).
    pub async fn metadata(&self, blob: &BlobId) -> Result<BlobMetadataWithId, ClientError> {
        let path = format!("/v1/blobs/{blob}/metadata");
        let (_, bytes) = self.call(Method::GET, &path, None).await?;
        BlobMetadataWithId::from_bcs(&bytes).map_err(|e| ClientError::Malformed {
            url: format!("{}{path}", self.base),
            reason: e.to_string(),
        })
    }

    /// `GET /v1/blobs/{id}/metadata/status`: `"stored"` or `"nonexistent"`.
    pub async fn metadata_status(&self, blob: &BlobId) -> Result<String, ClientError> {
        let v = self
            .get_json(&format!("/v1/blobs/{blob}/metadata/status"))
            .await?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    fn sliver_path(blob: &BlobId, pair: u16, axis: Axis) -> String {
        format!("/v1/blobs/{blob}/slivers/{pair}/{}", axis.as_str())
    }

    /// `PUT /v1/blobs/{id}/slivers/{pair}/{axis}` with the sliver's BCS.
    pub async fn put_sliver(
        &self,
        blob: &BlobId,
        pair: u16,
        axis: Axis,
        bcs_bytes: Vec<u8>,
    ) -> Result<PutOutcome, ClientError> {
        self.put(&Self::sliver_path(blob, pair, axis), bcs_bytes)
            .await
    }

    /// `GET /v1/blobs/{id}/slivers/{pair}/{axis}`: the sliver's BCS (not yet verified).
    pub async fn sliver(
        &self,
        blob: &BlobId,
        pair: u16,
        axis: Axis,
    ) -> Result<Vec<u8>, ClientError> {
        let (_, bytes) = self
            .call(Method::GET, &Self::sliver_path(blob, pair, axis), None)
            .await?;
        Ok(bytes)
    }

    /// `GET …/slivers/{pair}/{axis}/status`: `"stored"` or `"nonexistent"`.
    pub async fn sliver_status(
        &self,
        blob: &BlobId,
        pair: u16,
        axis: Axis,
    ) -> Result<String, ClientError> {
        let v = self
            .get_json(&format!("{}/status", Self::sliver_path(blob, pair, axis)))
            .await?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    fn bcs<T: for<'de> serde::Deserialize<'de>>(
        &self,
        path: &str,
        bytes: &[u8],
    ) -> Result<T, ClientError> {
        bcs::from_bytes(bytes).map_err(|e| ClientError::Malformed {
            url: format!("{}{path}", self.base),
            reason: format!("not the BCS the API promises: {e}"),
        })
    }

    /// `GET /v1/blobs/{id}/decodingSymbols`: for each target sliver of `axis`, the symbols
    /// (without proofs) the node's slivers give it, at most `limit` per target.
    pub async fn decoding_symbols(
        &self,
        blob: &BlobId,
        targets: &[SliverIndex],
        axis: Axis,
        limit: Option<usize>,
    ) -> Result<BTreeMap<SliverIndex, Vec<EitherDecodingSymbol>>, ClientError> {
        let mut path = format!(
            "/v1/blobs/{blob}/decodingSymbols?targetType={}",
            axis.as_str()
        );
        for t in targets {
            path.push_str(&format!("&targetSlivers={t}"));
        }
        if let Some(limit) = limit {
            path.push_str(&format!("&limit={limit}"));
        }
        let (_, bytes) = self.call(Method::GET, &path, None).await?;
        self.bcs(&path, &bytes)
    }

    /// `GET /v1/blobs/{id}/recoverySymbols`: the symbols, with Merkle proofs, that the node's
    /// slivers give sliver `target` of `axis`.
    pub async fn recovery_symbols(
        &self,
        blob: &BlobId,
        target: SliverIndex,
        axis: Axis,
    ) -> Result<Vec<GeneralRecoverySymbol>, ClientError> {
        let path = format!(
            "/v1/blobs/{blob}/recoverySymbols?targetSliver={target}&targetType={}",
            axis.as_str()
        );
        let (_, bytes) = self.call(Method::GET, &path, None).await?;
        self.bcs(&path, &bytes)
    }

    /// `GET /v1/blobs/{id}/confirmation/permanent` (or `…/deletable/{object}` when
    /// `deletable_object` is given): the signed message and the BLS signature.
    pub async fn confirmation(
        &self,
        blob: &BlobId,
        deletable_object: Option<[u8; 32]>,
    ) -> Result<(Vec<u8>, Vec<u8>), ClientError> {
        use base64::{engine::general_purpose::STANDARD, Engine as _};
        let path = match deletable_object {
            None => format!("/v1/blobs/{blob}/confirmation/permanent"),
            Some(object) => format!(
                "/v1/blobs/{blob}/confirmation/deletable/{}",
                floe_indexer::chain::Id(object)
            ),
        };
        let data = self.get_json(&path).await?;
        let field = |name: &str| {
            data["signed"][name]
                .as_str()
                .and_then(|text| STANDARD.decode(text).ok())
                .ok_or_else(|| ClientError::Malformed {
                    url: format!("{}{path}", self.base),
                    reason: format!("no base64 signed.{name} in the confirmation"),
                })
        };
        Ok((field("serializedMessage")?, field("signature")?))
    }

    /// `GET /metrics`: the Prometheus text.
    pub async fn metrics(&self) -> Result<String, ClientError> {
        let (_, bytes) = self.call(Method::GET, "/metrics", None).await?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Any request, for callers that need a route the client does not wrap (and tests that
    /// send malformed requests): status and body.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<(u16, Vec<u8>), ClientError> {
        match self.call(method, path, body).await {
            Ok((status, bytes)) => Ok((status.as_u16(), bytes)),
            Err(e) => Err(e),
        }
    }
}
