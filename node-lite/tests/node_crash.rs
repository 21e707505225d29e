//! Issue 13, acceptance 2: a `floe node run` process is SIGKILLed while 200 sliver uploads are
//! in flight, then restarted on the same store: every sliver it confirmed is there and verifies,
//! nothing it did not confirm is half-written, and the rest can be uploaded again.

mod common;

use std::collections::BTreeSet;

use common::network::{node_config, write_config, TestChain, TestNode};
use floe_node::client::PutOutcome;
use floe_node::encoding::{
    encode_slice, EncodingConfig, Primary, Secondary, SliverData, SliverPairIndex,
};
use floe_node::node::store::Axis;

/// One node holding all 100 shards: one blob gives it 200 slivers.
const N_SHARDS: u16 = 100;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_during_200_uploads_keeps_every_confirmed_sliver_and_nothing_torn() {
    let chain = TestChain::start(N_SHARDS, 1);
    let dir = tempfile::tempdir().expect("temp dir");
    let config_path = write_config(0, &node_config(&chain, 0), dir.path());
    let node = TestNode::start(&config_path);
    let config = EncodingConfig::new(N_SHARDS).expect("shards");
    let blob = encode_slice(&config, &common::gen(4 << 20, "crash")).expect("encodes");
    let id = blob.metadata().blob_id;
    chain.register(blob.metadata(), 3, false);
    node.wait_epoch(chain.epoch()).await;
    node.wait_registered(&id).await;
    node.client
        .put_metadata(&id, &blob.metadata().metadata)
        .await
        .expect("metadata stored");

    let expected = |pair: u16, axis: Axis| -> Vec<u8> {
        let pair = SliverPairIndex(pair);
        match axis {
            Axis::Primary => blob.sliver_bcs::<Primary>(pair.to_sliver_index::<Primary>(N_SHARDS)),
            Axis::Secondary => {
                blob.sliver_bcs::<Secondary>(pair.to_sliver_index::<Secondary>(N_SHARDS))
            }
        }
    };
    let all: Vec<(u16, Axis)> = (0..N_SHARDS)
        .flat_map(|p| Axis::BOTH.map(|a| (p, a)))
        .collect();
    assert_eq!(all.len(), 200);

    // 200 uploads at once; the node is killed once ten are confirmed.
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel();
    let mut uploads = Vec::new();
    for &(pair, axis) in &all {
        let client = node.client.clone();
        let body = expected(pair, axis);
        let done = done_tx.clone();
        uploads.push(tokio::spawn(async move {
            let result = client.put_sliver(&id, pair, axis, body).await;
            let _ = done.send(());
            result.ok().map(|_| (pair, axis))
        }));
    }
    drop(done_tx);
    for _ in 0..10 {
        done_rx.recv().await.expect("uploads report");
    }
    let TestNode { process, .. } = node;
    process.kill();
    let mut confirmed = BTreeSet::new();
    for upload in uploads {
        if let Some(slot) = upload.await.expect("upload task") {
            confirmed.insert(slot);
        }
    }
    assert!(
        !confirmed.is_empty(),
        "some uploads were confirmed before the kill"
    );
    assert!(
        confirmed.len() < all.len(),
        "the kill came while uploads were in flight ({} of 200 confirmed)",
        confirmed.len()
    );

    // Restarted on the same store.
    let node = TestNode::start(&config_path);
    node.wait_epoch(chain.epoch()).await;
    let client = &node.client;
    let mut present = 0;
    for &(pair, axis) in &all {
        let status = client.sliver_status(&id, pair, axis).await.expect("status");
        if confirmed.contains(&(pair, axis)) {
            assert_eq!(status, "stored", "confirmed sliver {pair}/{axis:?} lost");
        }
        if status == "stored" {
            present += 1;
            // Whole and verified: the exact bytes, which verify against the metadata.
            let bytes = client.sliver(&id, pair, axis).await.expect("served");
            assert_eq!(bytes, expected(pair, axis), "sliver {pair}/{axis:?} torn");
            match axis {
                Axis::Primary => SliverData::<Primary>::from_bcs(&bytes)
                    .expect("parses")
                    .verify(&config, &blob.metadata().metadata),
                Axis::Secondary => SliverData::<Secondary>::from_bcs(&bytes)
                    .expect("parses")
                    .verify(&config, &blob.metadata().metadata),
            }
            .expect("verifies");
        } else {
            assert_eq!(status, "nonexistent");
        }
    }
    let health = client.health().await.expect("health");
    assert_eq!(health["storedSlivers"], present, "{health}");
    let metrics = client.metrics().await.expect("metrics");
    assert!(
        metrics.contains("floe_node_slivers_damaged_total 0"),
        "{metrics}"
    );

    // What was not confirmed can be sent again; the store ends complete.
    for &(pair, axis) in &all {
        let outcome = client
            .put_sliver(&id, pair, axis, expected(pair, axis))
            .await
            .expect("stored on retry");
        if confirmed.contains(&(pair, axis)) {
            assert_eq!(outcome, PutOutcome::AlreadyStored);
        }
    }
    let health = client.health().await.expect("health");
    assert_eq!(health["storedSlivers"], 200, "{health}");
    node.process.interrupt();
}
