//! A development chain for storage nodes on loopback: the local ledger with `n` registered,
//! staked storage nodes (real BLS keys, loopback REST addresses) and their first committee in
//! force, served over Sui's gRPC API. What the node tests and benchmarks start, and the base of
//! a local network.
//!
//! Every transaction is sealed into its own checkpoint at once, so followers see it.

use std::net::SocketAddr;

use floe_economics::model::{GenesisPricing, Params};
use floe_indexer::{
    bls::SecretKey,
    chain::{Id, Operation, Receipt, SubmitError},
    localnet::{Genesis, LedgerError, Localnet},
};

use crate::{
    encoding::{BlobMetadataWithId, EncodingConfig},
    node::config::{ChainConfig, NodeConfig, DEFAULT_MAX_BODY_BYTES},
};

/// One WAL in FROST.
pub const WAL: u64 = 1_000_000_000;

/// Why the development chain could not be set up or driven.
#[derive(Debug, thiserror::Error)]
pub enum DevnetError {
    /// The ledger refused its genesis.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The ledger refused an operation.
    #[error("{what}: {source}")]
    Refused {
        /// The operation.
        what: String,
        /// The refusal.
        source: SubmitError,
    },
    /// A loopback port could not be reserved.
    #[error("cannot reserve a loopback port: {0}")]
    Port(#[from] std::io::Error),
    /// The blob cannot be stored with this chain's shard count.
    #[error("{0}")]
    Encoding(String),
    /// An operation that creates an object created none.
    #[error("{0} created no object")]
    NothingCreated(&'static str),
}

/// The account that buys storage and registers blobs on a development chain.
pub fn user() -> Id {
    Id::from_u64(0xB10B)
}

fn operator(i: usize) -> Id {
    Id::from_u64(0x1000 + i as u64)
}

/// The BLS protocol key of node `i` of a development chain (secret scalar `i + 1`: fixed, for
/// development only).
pub fn protocol_key(i: usize) -> SecretKey {
    SecretKey::from_scalar(i as u64 + 1).expect("small scalars are valid keys")
}

/// A free loopback address (the port is released for the caller to bind).
pub fn free_loopback_addr() -> std::io::Result<SocketAddr> {
    std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()
}

/// The local ledger with its storage nodes registered and a committee in force (epoch 1).
#[derive(Clone)]
pub struct DevChain {
    /// The ledger.
    pub net: Localnet,
    /// The nodes' pool ids, in registration order.
    pub pools: Vec<Id>,
    /// The REST addresses the nodes registered, in the same order.
    pub addrs: Vec<SocketAddr>,
}

impl DevChain {
    /// A chain of `n_shards` shards kept in memory, with one node of equal stake at each of
    /// `addrs`.
    pub fn create(n_shards: u16, addrs: Vec<SocketAddr>) -> Result<Self, DevnetError> {
        let nodes = addrs.len();
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
        let net = Localnet::in_memory(genesis)?;
        net.set_auto_seal(1);
        let chain = DevChain {
            net,
            pools: Vec::new(),
            addrs,
        };
        let mut pools = Vec::new();
        for (i, addr) in chain.addrs.iter().enumerate() {
            let register = Operation::RegisterNode {
                name: format!("node-{i}"),
                network_address: addr.to_string(),
                public_key: protocol_key(i).public_key().to_bytes().to_vec(),
                commission_bps: 0,
                storage_price_usd: 1_000,
                write_price_usd: 10_000,
                capacity: 1 << 40,
            };
            let pool = chain
                .execute_as(operator(i), register)?
                .created()
                .ok_or(DevnetError::NothingCreated("register_node"))?;
            let report = Operation::ReportWalUsdRate {
                node_id: pool,
                rate: WAL,
            };
            chain.execute_as(operator(i), report)?;
            let stake = Operation::Stake {
                node_id: pool,
                amount: 100 * WAL,
            };
            chain.execute_as(operator(i), stake)?;
            pools.push(pool);
        }
        chain.execute(Operation::AdvanceEpoch)?;
        Ok(DevChain { pools, ..chain })
    }

    fn execute_as(&self, sender: Id, op: Operation) -> Result<Receipt, DevnetError> {
        let what = op.kind().to_owned();
        self.net
            .execute(sender, op)
            .map_err(|source| DevnetError::Refused { what, source })
    }

    /// Executes `op` for [`user`].
    pub fn execute(&self, op: Operation) -> Result<Receipt, DevnetError> {
        self.execute_as(user(), op)
    }

    /// The shard count.
    pub fn n_shards(&self) -> u16 {
        self.net.genesis().params.n_shards
    }

    /// Buys storage for `metadata`'s blob for `epochs_ahead` epochs and registers it; returns
    /// the blob object's id.
    pub fn register(
        &self,
        metadata: &BlobMetadataWithId,
        epochs_ahead: u32,
        deletable: bool,
    ) -> Result<Id, DevnetError> {
        let config = EncodingConfig::new(self.n_shards())
            .map_err(|e| DevnetError::Encoding(e.to_string()))?;
        let size = metadata.metadata.unencoded_length();
        let encoded = config
            .encoded_blob_len(size)
            .map_err(|e| DevnetError::Encoding(e.to_string()))?;
        let storage = self
            .execute(Operation::ReserveSpace {
                size: encoded,
                epochs_ahead,
            })?
            .created()
            .ok_or(DevnetError::NothingCreated("reserve_space"))?;
        self.execute(Operation::RegisterBlob {
            storage_id: storage,
            blob_id: Id(metadata.blob_id.0),
            root_hash: Id(metadata.metadata.root_hash().bytes()),
            size,
            encoding_type: metadata.metadata.encoding_type(),
            deletable,
        })?
        .created()
        .ok_or(DevnetError::NothingCreated("register_blob"))
    }

    /// Certifies blob object `object` with the model's shard count (every shard signed), for
    /// tests and benchmarks that do not exercise certificates.
    pub fn certify_unchecked(&self, object: Id) -> Result<(), DevnetError> {
        self.execute(Operation::CertifyBlob {
            blob_object_id: object,
            epoch: self.net.epoch(),
            signers_shards: u64::from(self.n_shards()),
        })
        .map(|_| ())
    }

    /// The shards of `pool` in the current committee.
    pub fn shards_of(&self, pool: Id) -> Vec<u16> {
        self.net
            .with_state(|s| s.committee.get(&pool).cloned().unwrap_or_default())
    }

    /// The committee's members in committee order (the order of certificate bitmaps), as
    /// indices into [`DevChain::pools`].
    pub fn committee_order(&self) -> Vec<usize> {
        self.net.with_state(|s| {
            s.committee_order
                .iter()
                .filter_map(|id| self.pools.iter().position(|p| p == id))
                .collect()
        })
    }

    /// The configuration of node `index`: its registered address, store in `data` beside the
    /// configuration file, the chain at `grpc_url`, its key in `protocol.key` beside the file.
    pub fn node_config(&self, index: usize, grpc_url: &str) -> NodeConfig {
        NodeConfig {
            listen: self.addrs[index],
            data_dir: "data".into(),
            node_id: self.pools[index],
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            metrics_listen: None,
            protocol_key_file: Some("protocol.key".into()),
            chain: ChainConfig {
                source: format!("grpc+{grpc_url}"),
                package_id: None,
            },
        }
    }
}
