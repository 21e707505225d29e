//! Issue 13, acceptance 3 and 4: recovery between `floe node run` processes. A node that lacks
//! a sliver pair of a certified blob rebuilds it from its peers' symbols, fetching little more
//! than the pair's own size (counted on the wire by the node: `floe_node_recovery_bytes_total`);
//! a sliver damaged on disk is detected, never served, and repaired once peers can help.

mod common;

use common::network::{wait_until, TestChain, TestNode};
use floe_node::client::ClientError;
use floe_node::encoding::{
    encode_slice, BlobId, EncodedBlob, EncodingConfig, Primary, Secondary, ShardIndex,
    SliverPairIndex,
};
use floe_node::node::store::{Axis, NodeStore};

/// A network of `nodes` node processes on a chain of `n_shards`, and a registered blob.
struct Network {
    // Dropped in this order: the node processes before the chain they follow.
    nodes: Vec<TestNode>,
    chain: TestChain,
    blob: EncodedBlob,
    object: floe_indexer::chain::Id,
    dirs: Vec<tempfile::TempDir>,
}

impl Network {
    async fn start(n_shards: u16, nodes: usize, size: usize) -> Self {
        let chain = TestChain::start(n_shards, nodes);
        let dirs: Vec<_> = (0..nodes)
            .map(|_| tempfile::tempdir().expect("temp dir"))
            .collect();
        let nodes: Vec<_> = dirs
            .iter()
            .enumerate()
            .map(|(i, d)| TestNode::start_for(&chain, i, d.path()))
            .collect();
        let config = EncodingConfig::new(n_shards).expect("shards");
        let blob = encode_slice(&config, &common::gen(size, "recovery")).expect("encodes");
        let object = chain.register(blob.metadata(), 5, false);
        for node in &nodes {
            node.wait_epoch(chain.epoch()).await;
            node.wait_registered(&blob.metadata().blob_id).await;
            node.client
                .put_metadata(&blob.metadata().blob_id, &blob.metadata().metadata)
                .await
                .expect("metadata stored");
        }
        Network {
            chain,
            nodes,
            blob,
            object,
            dirs,
        }
    }

    fn n(&self) -> u16 {
        self.chain.net.genesis().params.n_shards
    }

    fn id(&self) -> BlobId {
        self.blob.metadata().blob_id
    }

    fn pairs_of(&self, index: usize) -> Vec<u16> {
        let (n, id) = (self.n(), self.id());
        self.chain
            .shards_of(self.chain.pools[index])
            .into_iter()
            .map(|s| ShardIndex(s).to_pair_index(n, &id).0)
            .collect()
    }

    fn sliver(&self, pair: u16, axis: Axis) -> Vec<u8> {
        let (n, pair) = (self.n(), SliverPairIndex(pair));
        match axis {
            Axis::Primary => self
                .blob
                .sliver_bcs::<Primary>(pair.to_sliver_index::<Primary>(n)),
            Axis::Secondary => self
                .blob
                .sliver_bcs::<Secondary>(pair.to_sliver_index::<Secondary>(n)),
        }
    }

    /// Uploads every sliver to its node except those `skip` rejects.
    async fn upload(&self, skip: impl Fn(usize, u16) -> bool) {
        for (i, node) in self.nodes.iter().enumerate() {
            for pair in self.pairs_of(i) {
                if skip(i, pair) {
                    continue;
                }
                for axis in Axis::BOTH {
                    node.client
                        .put_sliver(&self.id(), pair, axis, self.sliver(pair, axis))
                        .await
                        .expect("sliver stored");
                }
            }
        }
    }

    /// Waits until node `index` serves the exact sliver.
    async fn wait_served(&self, index: usize, pair: u16, axis: Axis) {
        let client = &self.nodes[index].client;
        let expected = self.sliver(pair, axis);
        let what = format!("node {index} serves sliver {pair}/{}", axis.as_str());
        wait_until(&what, || async {
            match client.sliver(&self.id(), pair, axis).await {
                Ok(bytes) => {
                    assert_eq!(bytes, expected, "node {index} served wrong bytes");
                    Some(())
                }
                Err(_) => None,
            }
        })
        .await
    }
}

/// The value of a counter or gauge without labels in Prometheus text.
fn metric(text: &str, name: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {text}"))
}

async fn recovers_a_lost_pair(n_shards: u16, size: usize) {
    let net = Network::start(n_shards, 4, size).await;
    let victim = 3;
    let lost = net.pairs_of(victim)[0];
    net.upload(|i, pair| i == victim && pair == lost).await;
    let client = &net.nodes[victim].client;
    for axis in Axis::BOTH {
        assert_eq!(
            client
                .sliver_status(&net.id(), lost, axis)
                .await
                .expect("status"),
            "nonexistent"
        );
    }
    net.chain.certify(net.object);
    for axis in Axis::BOTH {
        net.wait_served(victim, lost, axis).await;
    }
    let metrics = client.metrics().await.expect("metrics");
    assert_eq!(metric(&metrics, "floe_node_slivers_recovered_total"), 2);
    let fetched = metric(&metrics, "floe_node_recovery_bytes_total");
    let pair_size =
        (net.sliver(lost, Axis::Primary).len() + net.sliver(lost, Axis::Secondary).len()) as u64;
    let ratio = fetched as f64 / pair_size as f64;
    println!("n = {n_shards}: recovering one pair of {pair_size} bytes fetched {fetched} bytes ({ratio:.3}x)");
    assert!(fetched > 0, "the pair came from peers");
    assert!(ratio <= 1.5, "recovery fetched {ratio:.3}x the pair's size");
    // The nodes that had everything recovered nothing.
    for node in &net.nodes[..victim] {
        let metrics = node.client.metrics().await.expect("metrics");
        assert_eq!(metric(&metrics, "floe_node_slivers_recovered_total"), 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovers_a_lost_pair_at_10_shards_fetching_at_most_1_5x() {
    recovers_a_lost_pair(10, 256 * 1024).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovers_a_lost_pair_at_100_shards_fetching_at_most_1_5x() {
    recovers_a_lost_pair(100, 2 << 20).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_sliver_is_never_served_and_is_repaired() {
    let mut net = Network::start(10, 4, 64 * 1024).await;
    net.upload(|_, _| false).await;
    net.chain.certify(net.object);
    let pair = net.pairs_of(0)[0];
    let id = net.id();
    let blob_status = |node: &TestNode| {
        let client = node.client.clone();
        async move { client.blob_status(&id).await.expect("status") }
    };
    for node in &net.nodes {
        wait_until("the certification reaches the node", || async {
            (blob_status(node).await["permanent"]["isCertified"] == true).then_some(())
        })
        .await;
    }

    // Every node stops; the sliver is damaged on disk while node 0 is down.
    let configs: Vec<_> = net.nodes.iter().map(|n| n.config_path.clone()).collect();
    for node in net.nodes.drain(..) {
        node.process.interrupt();
    }
    let store = NodeStore::open(&net.dirs[0].path().join("data")).expect("store");
    assert!(store
        .damage_sliver(&id, SliverPairIndex(pair), Axis::Primary)
        .expect("damaged"));
    drop(store);

    // Alone, node 0 cannot repair it, and never serves the damaged bytes.
    let alone = TestNode::start(&configs[0]);
    alone.wait_epoch(net.chain.epoch()).await;
    match alone.client.sliver(&id, pair, Axis::Primary).await {
        Err(ClientError::Refused {
            code: 404, reason, ..
        }) => assert_eq!(reason, "SLIVER_NOT_FOUND"),
        other => panic!("a damaged sliver must not be served: {other:?}"),
    }
    assert_eq!(
        alone
            .client
            .sliver_status(&id, pair, Axis::Primary)
            .await
            .expect("status"),
        "nonexistent"
    );
    let metrics = alone.client.metrics().await.expect("metrics");
    assert!(
        metric(&metrics, "floe_node_slivers_damaged_total") >= 1,
        "{metrics}"
    );
    // The other axis of the pair is intact and still served.
    assert_eq!(
        alone
            .client
            .sliver(&id, pair, Axis::Secondary)
            .await
            .expect("served"),
        net.sliver(pair, Axis::Secondary)
    );

    // With its peers back, it repairs the sliver from their symbols.
    net.nodes.push(alone);
    for config in &configs[1..] {
        net.nodes.push(TestNode::start(config));
    }
    net.wait_served(0, pair, Axis::Primary).await;
    let metrics = net.nodes[0].client.metrics().await.expect("metrics");
    assert_eq!(
        metric(&metrics, "floe_node_slivers_recovered_total"),
        1,
        "{metrics}"
    );
}
