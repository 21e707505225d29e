//! A small real network for the storage node's tests: the local ledger served over Sui's gRPC
//! API on a loopback port (in this process, so a test can drive the chain), and `floe node run`
//! processes following it, each with its own data directory and configuration file.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use floe_economics::model::{GenesisPricing, Params};
use floe_indexer::bls::SecretKey;
use floe_indexer::chain::{Id, Operation, Receipt};
use floe_indexer::localnet::{Genesis, Localnet};
use floe_node::client::NodeClient;
use floe_node::encoding::{BlobId, BlobMetadataWithId, EncodingConfig};
use floe_node::node::config::{ChainConfig, NodeConfig, DEFAULT_MAX_BODY_BYTES};

use super::{FloeProcess, LIMIT};

/// One WAL in FROST.
pub const WAL: u64 = 1_000_000_000;

/// The account that buys storage and registers blobs.
pub fn user() -> Id {
    Id::from_u64(0xB10B)
}

fn operator(i: usize) -> Id {
    Id::from_u64(0x1000 + i as u64)
}

/// The BLS protocol key of node `i` (secret scalar `i + 1`).
pub fn bls_key(i: usize) -> SecretKey {
    SecretKey::from_scalar(i as u64 + 1).expect("a scalar")
}

/// The local ledger served over gRPC on `127.0.0.1`, with `nodes` registered, staked storage
/// nodes and their committee in force (epoch 1). Every transaction is sealed into its own
/// checkpoint at once, so followers see it.
pub struct TestChain {
    /// The ledger, to drive the chain.
    pub net: Localnet,
    /// Its gRPC URL (`http://127.0.0.1:PORT`).
    pub url: String,
    /// The nodes' pool ids, in registration order.
    pub pools: Vec<Id>,
    /// The REST addresses the nodes registered on chain (free loopback ports, reserved when the
    /// chain started), in the same order.
    pub addrs: Vec<std::net::SocketAddr>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<std::thread::JoinHandle<()>>,
}

impl TestChain {
    /// A chain of `n_shards` shards and `nodes` storage nodes of equal stake.
    pub fn start(n_shards: u16, nodes: usize) -> Self {
        let genesis = Genesis {
            package_id: Id::from_u64(0xf10e),
            start_time_ms: 1_700_000_000_000,
            params: Params {
                n_shards,
                max_epochs_ahead: 10,
                min_stake: WAL,
                max_active_nodes: 100,
                max_shards_per_node: n_shards,
                ..Params::default()
            },
            accounts: std::iter::once((user(), 1_000_000 * WAL))
                .chain((0..nodes).map(|i| (operator(i), 1_000 * WAL)))
                .collect(),
            pricing: Some(GenesisPricing {
                storage_price_usd: 1_000,
                write_price_usd: 10_000,
                wal_usd_rate: WAL,
                capacity: 1 << 40,
            }),
        };
        let net = Localnet::in_memory(genesis).expect("the genesis is valid");
        net.set_auto_seal(1);
        let mut pools = Vec::new();
        let addrs: Vec<std::net::SocketAddr> = (0..nodes)
            .map(|_| {
                let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
                port.local_addr().expect("bound")
            })
            .collect();
        for (i, addr) in addrs.iter().enumerate() {
            let register = Operation::RegisterNode {
                name: format!("node-{i}"),
                network_address: addr.to_string(),
                public_key: bls_key(i).public_key().to_bytes().to_vec(),
                commission_bps: 0,
                storage_price_usd: 1_000,
                write_price_usd: 10_000,
                capacity: 1 << 40,
            };
            let pool = net
                .execute(operator(i), register)
                .expect("the node registers")
                .created()
                .expect("a pool");
            let report = Operation::ReportWalUsdRate {
                node_id: pool,
                rate: WAL,
            };
            net.execute(operator(i), report).expect("rate reported");
            let stake = Operation::Stake {
                node_id: pool,
                amount: 100 * WAL,
            };
            net.execute(operator(i), stake).expect("staked");
            pools.push(pool);
        }
        net.execute(user(), Operation::AdvanceEpoch)
            .expect("the first committee is selected");

        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        listener.set_nonblocking(true).expect("non-blocking");
        let url = format!("http://{}", listener.local_addr().expect("bound"));
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        let served = net.clone();
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
            net,
            url,
            pools,
            addrs,
            shutdown: Some(shutdown),
            server: Some(server),
        }
    }

    /// Executes `op` for [`user`].
    pub fn execute(&self, op: Operation) -> Receipt {
        self.net
            .execute(user(), op)
            .unwrap_or_else(|e| panic!("the ledger refused: {e}"))
    }

    /// Buys storage for `metadata`'s blob for `epochs_ahead` epochs and registers it; returns
    /// the blob object's id.
    pub fn register(
        &self,
        metadata: &BlobMetadataWithId,
        epochs_ahead: u32,
        deletable: bool,
    ) -> Id {
        let n_shards = self.net.genesis().params.n_shards;
        let config = EncodingConfig::new(n_shards).expect("a valid shard count");
        let size = metadata.metadata.unencoded_length();
        let encoded = config.encoded_blob_len(size).expect("an allowed size");
        let storage = self
            .execute(Operation::ReserveSpace {
                size: encoded,
                epochs_ahead,
            })
            .created()
            .expect("a storage resource");
        self.execute(Operation::RegisterBlob {
            storage_id: storage,
            blob_id: Id(metadata.blob_id.0),
            root_hash: Id(metadata.metadata.root_hash().bytes()),
            size,
            encoding_type: metadata.metadata.encoding_type(),
            deletable,
        })
        .created()
        .expect("a blob object")
    }

    /// Certifies blob object `object` (a certificate of the current epoch signed by every
    /// shard).
    pub fn certify(&self, object: Id) {
        let n_shards = self.net.genesis().params.n_shards;
        self.execute(Operation::CertifyBlob {
            blob_object_id: object,
            epoch: self.epoch(),
            signers_shards: u64::from(n_shards),
        });
    }

    /// The committee's members in committee order (the order of certificate bitmaps), as
    /// indices into [`TestChain::pools`].
    pub fn committee_order(&self) -> Vec<usize> {
        self.net.with_state(|s| {
            s.committee_order
                .iter()
                .filter_map(|id| self.pools.iter().position(|p| p == id))
                .collect()
        })
    }

    /// The shards of `pool` in the current committee.
    pub fn shards_of(&self, pool: Id) -> Vec<u16> {
        self.net
            .with_state(|s| s.committee.get(&pool).cloned().unwrap_or_default())
    }

    /// The chain's current epoch.
    pub fn epoch(&self) -> u32 {
        self.net.epoch()
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

/// The configuration of node `index` of `chain`: the loopback address it registered, store in
/// `data` beside the file, the chain's gRPC endpoint.
pub fn node_config(chain: &TestChain, index: usize) -> NodeConfig {
    NodeConfig {
        listen: chain.addrs[index],
        data_dir: "data".into(),
        node_id: chain.pools[index],
        max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        metrics_listen: None,
        protocol_key_file: None,
        chain: ChainConfig {
            source: format!("grpc+{}", chain.url),
            package_id: None,
        },
    }
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
