//! Issue 13, acceptance 1: the storage node's REST API over real HTTP on loopback, against a
//! `floe node run` process following the local ledger over gRPC. Every class of refusal gets a
//! 4xx with its reason, and the store is the same afterwards (what the node reports of it: the
//! sliver and metadata statuses, the stored-sliver count and the per-shard gauges).

mod common;

use common::network::{node_config, write_config, TestChain, TestNode};
use floe_node::client::{ClientError, Method, PutOutcome};
use floe_node::encoding::{
    encode_slice, BlobId, EncodedBlob, EncodingConfig, Primary, Secondary, SliverPairIndex,
};
use floe_node::node::store::Axis;

const N_SHARDS: u16 = 10;

/// A network of two nodes, the first one running, and a registered blob of `size` bytes
/// whose metadata and slivers are not stored yet.
struct Fixture {
    // Dropped in this order: the node process before the chain it follows.
    node: TestNode,
    chain: TestChain,
    blob: EncodedBlob,
    _dir: tempfile::TempDir,
}

fn encode(size: usize, seed: &str) -> EncodedBlob {
    let config = EncodingConfig::new(N_SHARDS).expect("shards");
    encode_slice(&config, &common::gen(size, seed)).expect("encodes")
}

async fn fixture_with(size: usize, max_body_bytes: Option<usize>) -> Fixture {
    let chain = TestChain::start(N_SHARDS, 2);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = node_config(&chain, 0);
    if let Some(limit) = max_body_bytes {
        config.max_body_bytes = limit;
    }
    let node = TestNode::start(&write_config(0, &config, dir.path()));
    let blob = encode(size, "node-api");
    chain.register(blob.metadata(), 3, false);
    node.wait_epoch(chain.epoch()).await;
    node.wait_registered(&blob.metadata().blob_id).await;
    Fixture {
        node,
        chain,
        blob,
        _dir: dir,
    }
}

async fn fixture() -> Fixture {
    fixture_with(10 * 1024, None).await
}

impl Fixture {
    fn id(&self) -> BlobId {
        self.blob.metadata().blob_id
    }

    /// The pairs of this blob whose shard node `index` holds.
    fn pairs_of(&self, index: usize) -> Vec<u16> {
        let id = self.id();
        self.chain
            .shards_of(self.chain.pools[index])
            .into_iter()
            .map(|s| {
                floe_node::encoding::ShardIndex(s)
                    .to_pair_index(N_SHARDS, &id)
                    .0
            })
            .collect()
    }

    /// The BCS of the sliver of `pair` on `axis`.
    fn sliver(&self, pair: u16, axis: Axis) -> Vec<u8> {
        let pair = SliverPairIndex(pair);
        match axis {
            Axis::Primary => self
                .blob
                .sliver_bcs::<Primary>(pair.to_sliver_index::<Primary>(N_SHARDS)),
            Axis::Secondary => self
                .blob
                .sliver_bcs::<Secondary>(pair.to_sliver_index::<Secondary>(N_SHARDS)),
        }
    }

    async fn put_metadata(&self) {
        let outcome = self
            .node
            .client
            .put_metadata(&self.id(), &self.blob.metadata().metadata)
            .await
            .expect("metadata stored");
        assert_eq!(outcome, PutOutcome::Created);
    }

    /// What the node reports of its store: metadata status, every sliver's status, the
    /// stored-sliver count and the per-shard and stored-sliver metrics.
    async fn snapshot(&self) -> Vec<String> {
        let client = &self.node.client;
        let id = self.id();
        let mut seen = vec![client.metadata_status(&id).await.expect("metadata status")];
        for pair in 0..N_SHARDS {
            for axis in Axis::BOTH {
                seen.push(client.sliver_status(&id, pair, axis).await.expect("status"));
            }
        }
        let health = client.health().await.expect("health");
        seen.push(health["storedSlivers"].to_string());
        let metrics = client.metrics().await.expect("metrics");
        seen.extend(
            metrics
                .lines()
                .filter(|l| {
                    l.starts_with("floe_node_shard_")
                        || l.starts_with("floe_node_slivers_stored_total")
                        || l.starts_with("floe_node_sliver_bytes_stored_total")
                })
                .map(str::to_owned),
        );
        seen
    }
}

/// Asserts `result` is a refusal with HTTP `code` and `reason`.
fn refused<T: std::fmt::Debug>(result: Result<T, ClientError>, code: u16, reason: &str) {
    match result {
        Err(ClientError::Refused {
            code: got,
            reason: why,
            message,
        }) => {
            assert_eq!((got, why.as_str()), (code, reason), "{message}");
            assert!(!message.is_empty());
        }
        other => panic!("expected a {code} {reason} refusal, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stores_and_serves_verified_metadata_and_slivers() {
    let f = fixture().await;
    let client = &f.node.client;
    let id = f.id();
    f.put_metadata().await;
    let again = client.put_metadata(&id, &f.blob.metadata().metadata).await;
    assert_eq!(again.expect("idempotent"), PutOutcome::AlreadyStored);
    let served = client.metadata(&id).await.expect("metadata served");
    assert_eq!(&served, f.blob.metadata());

    let own = f.pairs_of(0);
    assert!(!own.is_empty(), "node 0 holds shards");
    for &pair in &own {
        for axis in Axis::BOTH {
            let bytes = f.sliver(pair, axis);
            let put = client.put_sliver(&id, pair, axis, bytes.clone()).await;
            assert_eq!(put.expect("stored"), PutOutcome::Created);
            let put = client.put_sliver(&id, pair, axis, bytes.clone()).await;
            assert_eq!(put.expect("idempotent"), PutOutcome::AlreadyStored);
            assert_eq!(client.sliver(&id, pair, axis).await.expect("served"), bytes);
            assert_eq!(
                client.sliver_status(&id, pair, axis).await.expect("status"),
                "stored"
            );
        }
    }
    let health = client.health().await.expect("health");
    assert_eq!(health["storedSlivers"], 2 * own.len());
    assert_eq!(health["shardSummary"]["owned"], own.len());
    let metrics = client.metrics().await.expect("metrics");
    assert!(
        metrics.contains(&format!("floe_node_slivers_stored_total {}", 2 * own.len())),
        "{metrics}"
    );
    // The blob's status as Walrus reports it: registered permanently, not yet certified.
    let status = client.blob_status(&id).await.expect("status");
    assert_eq!(status["permanent"]["isCertified"], false, "{status}");
    assert_eq!(
        status["permanent"]["endEpoch"],
        f.chain.epoch() + 3,
        "{status}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_a_blob_not_registered_on_chain() {
    let f = fixture().await;
    let other = encode(10 * 1024, "never registered");
    let id = other.metadata().blob_id;
    let client = &f.node.client;
    let before = f.snapshot().await;
    let result = client.put_metadata(&id, &other.metadata().metadata).await;
    refused(result, 400, "NOT_REGISTERED");
    let pair = f.pairs_of(0)[0];
    let sliver =
        other.sliver_bcs::<Primary>(SliverPairIndex(pair).to_sliver_index::<Primary>(N_SHARDS));
    refused(
        client.put_sliver(&id, pair, Axis::Primary, sliver).await,
        400,
        "NOT_REGISTERED",
    );
    assert_eq!(
        client.metadata_status(&id).await.expect("status"),
        "nonexistent"
    );
    refused(client.metadata(&id).await, 404, "METADATA_NOT_FOUND");
    assert_eq!(
        client.blob_status(&id).await.expect("status"),
        "nonexistent"
    );
    assert_eq!(f.snapshot().await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_a_sliver_of_a_shard_it_does_not_own() {
    let f = fixture().await;
    f.put_metadata().await;
    let before = f.snapshot().await;
    let theirs = f.pairs_of(1);
    assert!(!theirs.is_empty(), "node 1 holds shards");
    for &pair in &theirs {
        for axis in Axis::BOTH {
            let result = f
                .node
                .client
                .put_sliver(&f.id(), pair, axis, f.sliver(pair, axis))
                .await;
            refused(result, 400, "SHARD_NOT_ASSIGNED");
        }
    }
    assert_eq!(f.snapshot().await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_metadata_that_does_not_verify() {
    let f = fixture().await;
    let client = &f.node.client;
    let before = f.snapshot().await;
    // Another blob's metadata under this blob's ID.
    let other = encode(10 * 1024, "other");
    refused(
        client
            .put_metadata(&f.id(), &other.metadata().metadata)
            .await,
        400,
        "INVALID_METADATA",
    );
    // The right metadata with one sliver hash changed.
    let mut tampered = bcs::to_bytes(&f.blob.metadata().metadata).expect("bcs");
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    refused(
        client.put_raw_metadata(&f.id(), tampered).await,
        400,
        "INVALID_METADATA",
    );
    // Not BCS of metadata at all, and an empty body.
    refused(
        client
            .put_raw_metadata(&f.id(), b"not metadata".to_vec())
            .await,
        400,
        "INVALID_METADATA",
    );
    refused(
        client.put_raw_metadata(&f.id(), Vec::new()).await,
        400,
        "INVALID_METADATA",
    );
    assert_eq!(f.snapshot().await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_slivers_that_do_not_verify() {
    let f = fixture().await;
    let client = &f.node.client;
    let id = f.id();
    let own = f.pairs_of(0);
    let (pair, other_pair) = (own[0], own[1]);
    // Before the metadata, no sliver can be verified.
    refused(
        client
            .put_sliver(&id, pair, Axis::Primary, f.sliver(pair, Axis::Primary))
            .await,
        400,
        "METADATA_NOT_FOUND",
    );
    f.put_metadata().await;
    let before = f.snapshot().await;
    for axis in Axis::BOTH {
        // One flipped byte in the symbols.
        let mut flipped = f.sliver(pair, axis);
        let middle = flipped.len() / 2;
        flipped[middle] ^= 0x01;
        refused(
            client.put_sliver(&id, pair, axis, flipped).await,
            400,
            "INVALID_SLIVER",
        );
        // A valid sliver of another pair under this pair.
        refused(
            client
                .put_sliver(&id, pair, axis, f.sliver(other_pair, axis))
                .await,
            400,
            "SLIVER_INDEX_MISMATCH",
        );
        // Truncated, and not a sliver at all.
        let mut truncated = f.sliver(pair, axis);
        truncated.truncate(truncated.len() / 2);
        refused(
            client.put_sliver(&id, pair, axis, truncated).await,
            400,
            "INVALID_SLIVER",
        );
        refused(
            client.put_sliver(&id, pair, axis, vec![0xff; 64]).await,
            400,
            "INVALID_SLIVER",
        );
    }
    // The primary sliver sent as the secondary one: as a secondary sliver, its index belongs
    // to another pair.
    refused(
        client
            .put_sliver(&id, pair, Axis::Secondary, f.sliver(pair, Axis::Primary))
            .await,
        400,
        "SLIVER_INDEX_MISMATCH",
    );
    assert_eq!(f.snapshot().await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_an_oversized_body() {
    // 64 KiB over 10 shards: slivers of 16 KiB and more, over a limit of 4 KiB.
    let f = fixture_with(64 * 1024, Some(4096)).await;
    let client = &f.node.client;
    let id = f.id();
    let before = f.snapshot().await;
    let pair = f.pairs_of(0)[0];
    let sliver = f.sliver(pair, Axis::Primary);
    assert!(sliver.len() > 4096);
    refused(
        client.put_sliver(&id, pair, Axis::Primary, sliver).await,
        403,
        "BODY_TOO_LARGE",
    );
    refused(
        client.put_raw_metadata(&id, vec![0; 5000]).await,
        403,
        "BODY_TOO_LARGE",
    );
    assert_eq!(f.snapshot().await, before);
    // The metadata themselves fit and are stored.
    f.put_metadata().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_an_unknown_axis_index_or_path() {
    let f = fixture().await;
    f.put_metadata().await;
    let client = &f.node.client;
    let id = f.id();
    let before = f.snapshot().await;
    let pair = f.pairs_of(0)[0];
    let body = f.sliver(pair, Axis::Primary);
    let put = |path: String| {
        let body = body.clone();
        async move { client.raw(Method::PUT, &path, Some(body)).await }
    };
    refused(
        put(format!("/v1/blobs/{id}/slivers/{pair}/tertiary")).await,
        400,
        "INVALID_PATH",
    );
    refused(
        put(format!("/v1/blobs/{id}/slivers/{N_SHARDS}/primary")).await,
        400,
        "INDEX_OUT_OF_RANGE",
    );
    refused(
        put(format!("/v1/blobs/{id}/slivers/65535/secondary")).await,
        400,
        "INDEX_OUT_OF_RANGE",
    );
    refused(
        put(format!("/v1/blobs/{id}/slivers/-1/primary")).await,
        400,
        "INVALID_PATH",
    );
    refused(
        put(format!("/v1/blobs/{id}/slivers/70000/primary")).await,
        400,
        "INVALID_PATH",
    );
    refused(
        put(format!("/v1/blobs/not-a-blob-id/slivers/{pair}/primary")).await,
        400,
        "INVALID_PATH",
    );
    refused(
        client
            .raw(
                Method::GET,
                &format!("/v1/blobs/{id}/slivers/{pair}/sideways"),
                None,
            )
            .await,
        400,
        "INVALID_PATH",
    );
    refused(
        client.raw(Method::GET, "/v1/no/such/route", None).await,
        400,
        "INVALID_PATH",
    );
    refused(
        client.sliver(&id, N_SHARDS, Axis::Primary).await,
        400,
        "INDEX_OUT_OF_RANGE",
    );
    refused(
        client.sliver(&id, pair, Axis::Primary).await,
        404,
        "SLIVER_NOT_FOUND",
    );
    assert_eq!(f.snapshot().await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_its_openapi_document_and_metrics() {
    let f = fixture().await;
    let client = &f.node.client;
    let (code, body) = client
        .raw(Method::GET, "/v1/api", None)
        .await
        .expect("document");
    assert_eq!(code, 200);
    let doc: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "{doc}"
    );
    for path in [
        "/v1/health",
        "/v1/blobs/{blob_id}/metadata",
        "/v1/blobs/{blob_id}/slivers/{sliver_pair_index}/{sliver_type}",
    ] {
        assert!(
            doc["paths"].get(path).is_some(),
            "{path} missing from {doc}"
        );
    }
    let _ = client.raw(Method::GET, "/v1/no/such/route", None).await;
    let metrics = client.metrics().await.expect("metrics");
    assert!(
        metrics.contains(r#"floe_node_http_requests_total{route="/v1/api",status="200"} 1"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"floe_node_http_requests_total{route="unmatched",status="400"} 1"#),
        "{metrics}"
    );
}
