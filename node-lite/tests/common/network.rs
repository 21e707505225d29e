//! A small real network for the storage node's tests: a development chain
//! ([`floe_node::devnet`]) served over Sui's gRPC API on a loopback port (in this process, so a
//! test can drive the chain), and `floe node run` processes following it, each with its own data
//! directory and configuration file.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use floe_indexer::chain::{Id, Operation, Receipt};
use floe_node::client::NodeClient;
use floe_node::devnet::{free_loopback_addr, DevChain};
use floe_node::encoding::{BlobId, BlobMetadataWithId};
use floe_node::node::config::NodeConfig;

#[allow(unused_imports)]
pub use floe_node::devnet::{protocol_key as bls_key, user};

use super::{FloeProcess, LIMIT};

/// A development chain served over gRPC on `127.0.0.1` until dropped.
pub struct TestChain {
    /// The chain.
    pub chain: DevChain,
    /// Its gRPC URL (`http://127.0.0.1:PORT`).
    pub url: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<std::thread::JoinHandle<()>>,
}

impl std::ops::Deref for TestChain {
    type Target = DevChain;
    fn deref(&self) -> &DevChain {
        &self.chain
    }
}

impl TestChain {
    /// A chain of `n_shards` shards and `nodes` storage nodes of equal stake.
    pub fn start(n_shards: u16, nodes: usize) -> Self {
        let addrs = (0..nodes)
            .map(|_| free_loopback_addr().expect("a loopback port"))
            .collect();
        let chain = DevChain::create(n_shards, addrs).expect("the development chain");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        listener.set_nonblocking(true).expect("non-blocking");
        let url = format!("http://{}", listener.local_addr().expect("bound"));
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        let served = chain.net.clone();
        let server = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async move {
                let listener =
                    tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
                let _ = floe_indexer::grpc::serve(served, listener, async {
                    let _ = stop.await;
                })
                .await;
            });
        });
        TestChain {
            chain,
            url,
            shutdown: Some(shutdown),
            server: Some(server),
        }
    }

    /// Executes `op` for [`user`].
    pub fn execute(&self, op: Operation) -> Receipt {
        self.chain
            .execute(op)
            .unwrap_or_else(|e| panic!("the ledger refused: {e}"))
    }

    /// Buys storage for `metadata`'s blob and registers it; returns the blob object's id.
    pub fn register(
        &self,
        metadata: &BlobMetadataWithId,
        epochs_ahead: u32,
        deletable: bool,
    ) -> Id {
        self.chain
            .register(metadata, epochs_ahead, deletable)
            .unwrap_or_else(|e| panic!("cannot register the blob: {e}"))
    }

    /// Certifies blob object `object` (the model's certificate: every shard signed).
    pub fn certify(&self, object: Id) {
        self.chain
            .certify_unchecked(object)
            .unwrap_or_else(|e| panic!("cannot certify: {e}"));
    }

    /// The chain's current epoch.
    pub fn epoch(&self) -> u32 {
        self.chain.net.epoch()
    }
}

impl Drop for TestChain {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        // The server drains open connections before it stops; a follower still connected
        // (a node process not yet killed) would hold it, so wait a little, then leave it.
        if let Some(server) = self.server.take() {
            let deadline = Instant::now() + Duration::from_secs(5);
            while !server.is_finished() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

/// A `floe node run` process for one of the chain's nodes.
pub struct TestNode {
    /// The process.
    pub process: FloeProcess,
    /// Its REST API base URL.
    pub url: String,
    /// A client of it.
    pub client: NodeClient,
    /// Its configuration file.
    pub config_path: PathBuf,
}

/// The configuration of node `index` of `chain` (see [`DevChain::node_config`]).
pub fn node_config(chain: &TestChain, index: usize) -> NodeConfig {
    chain.chain.node_config(index, &chain.url)
}

/// Writes `config` as `dir/node.toml`, with node `index`'s protocol key in
/// `dir/protocol.key`, and returns the path.
pub fn write_config(index: usize, config: &NodeConfig, dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).expect("the node's directory");
    let key = hex::encode(bls_key(index).to_bytes());
    std::fs::write(dir.join("protocol.key"), key).expect("the protocol key");
    let mut config = config.clone();
    config.protocol_key_file = Some("protocol.key".into());
    let path = dir.join("node.toml");
    std::fs::write(&path, config.to_toml().expect("TOML")).expect("the configuration");
    path
}

impl TestNode {
    /// Starts `floe node run --config config_path` and waits until it serves.
    pub fn start(config_path: &Path) -> Self {
        let mut process = FloeProcess::spawn(&[
            "node".as_ref(),
            "run".as_ref(),
            "--config".as_ref(),
            config_path.as_os_str(),
        ]);
        let line = process.wait_for("REST API on");
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .expect("the line names the URL")
            .to_owned();
        let client = NodeClient::new(&url);
        TestNode {
            process,
            url,
            client,
            config_path: config_path.to_owned(),
        }
    }

    /// Starts node `index` of `chain` with its files under `dir`.
    pub fn start_for(chain: &TestChain, index: usize, dir: &Path) -> Self {
        Self::start(&write_config(index, &node_config(chain, index), dir))
    }

    /// Waits until the node has followed the chain to `epoch` with a committee.
    pub async fn wait_epoch(&self, epoch: u32) {
        wait_until(&format!("{} reaches epoch {epoch}", self.url), || async {
            let health = self.client.health().await.ok()?;
            (health["epoch"].as_u64() >= Some(u64::from(epoch))
                && health["shardSummary"]["nShards"].as_u64() > Some(0))
            .then_some(())
        })
        .await
    }

    /// Waits until the node knows `blob` as registered.
    pub async fn wait_registered(&self, blob: &BlobId) {
        wait_until(&format!("{} sees {blob} registered", self.url), || async {
            let status = self.client.blob_status(blob).await.ok()?;
            status.is_object().then_some(())
        })
        .await
    }
}

/// Polls `probe` every 50 ms until it yields a value; panics naming `what` after [`LIMIT`].
pub async fn wait_until<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + LIMIT;
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
