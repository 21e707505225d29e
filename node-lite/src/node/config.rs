//! The node's configuration file (TOML).
//!
//! ```toml
//! # Address of the REST API (and of /metrics unless metrics_listen is set).
//! listen = "127.0.0.1:9185"
//! # Where the store lives (created if missing).
//! data_dir = "node-a"
//! # The node's storage pool (its id on chain, from `register_node`).
//! node_id = "0x…"
//! # The largest request body accepted, bytes (default 64 MiB: a sliver of the largest blob
//! # at 1000 shards is 43.7 MB).
//! max_body_bytes = 67108864
//! # Optional: serve /metrics on its own address too.
//! # metrics_listen = "127.0.0.1:9186"
//! # The BLS12-381 secret key the node signs confirmations with (`floe node keygen` writes
//! # one); without it the node stores and serves but does not confirm.
//! protocol_key_file = "protocol.key"
//!
//! [chain]
//! # Where checkpoints come from: a Sui gRPC endpoint (`grpc+http://…`, a full node or
//! # `floe ledger serve`) or a directory of checkpoint files (`files:DIR`).
//! source = "grpc+http://127.0.0.1:9184"
//! # Optional: keep only the events of this Floe package.
//! # package_id = "0x…"
//! ```

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
};

use floe_indexer::{bls::SecretKey, chain::Id};
use serde::{Deserialize, Serialize};

/// Default largest request body: 64 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 << 20;

/// A node's configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeConfig {
    /// Address of the REST API.
    pub listen: SocketAddr,
    /// Directory of the store.
    pub data_dir: PathBuf,
    /// The node's storage pool id.
    pub node_id: Id,
    /// Largest request body, bytes.
    #[serde(default = "default_max_body")]
    pub max_body_bytes: usize,
    /// Another address serving `/metrics`, if wanted.
    #[serde(default)]
    pub metrics_listen: Option<SocketAddr>,
    /// The file of the node's BLS secret key (hex of the 32-byte scalar), if it signs.
    #[serde(default)]
    pub protocol_key_file: Option<PathBuf>,
    /// Where the chain is read.
    pub chain: ChainConfig,
}

/// Where the node reads the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainConfig {
    /// `grpc+http://HOST:PORT` (or `grpc+https://…`) or `files:DIR`.
    pub source: String,
    /// Keep only this package's events.
    #[serde(default)]
    pub package_id: Option<Id>,
}

fn default_max_body() -> usize {
    DEFAULT_MAX_BODY_BYTES
}

/// A configuration file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a valid configuration.
    #[error("{path} is not a valid node configuration: {reason}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// A parsed chain source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceSpec {
    /// A Sui gRPC endpoint URL (`http://…` or `https://…`).
    Grpc(String),
    /// A directory of `{seq}.binpb.zst` checkpoint files.
    Files(PathBuf),
}

impl ChainConfig {
    /// The parsed source.
    pub fn source(&self) -> Result<SourceSpec, String> {
        if let Some(url) = self.source.strip_prefix("grpc+") {
            if url.starts_with("http://") || url.starts_with("https://") {
                return Ok(SourceSpec::Grpc(url.to_owned()));
            }
        }
        if let Some(dir) = self.source.strip_prefix("files:") {
            if !dir.is_empty() {
                return Ok(SourceSpec::Files(PathBuf::from(dir)));
            }
        }
        Err(format!(
            "chain source {:?} is neither grpc+http(s)://HOST:PORT nor files:DIR",
            self.source
        ))
    }
}

impl NodeConfig {
    /// Reads and checks the file at `path`; a relative `data_dir` is taken from the file's
    /// directory.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let invalid = |reason: String| ConfigError::Invalid {
            path: path.to_owned(),
            reason,
        };
        let mut config: NodeConfig = toml::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        config.chain.source().map_err(invalid)?;
        if config.max_body_bytes < 1024 {
            return Err(invalid(format!(
                "max_body_bytes = {} is too small for any sliver",
                config.max_body_bytes
            )));
        }
        if let Some(base) = path.parent() {
            if config.data_dir.is_relative() {
                config.data_dir = base.join(&config.data_dir);
            }
            if let Some(key) = config
                .protocol_key_file
                .as_mut()
                .filter(|k| k.is_relative())
            {
                *key = base.join(&*key);
            }
        }
        Ok(config)
    }

    /// The node's protocol key, read from `protocol_key_file` (`None` if none is configured).
    pub fn protocol_key(&self) -> Result<Option<SecretKey>, ConfigError> {
        let Some(path) = &self.protocol_key_file else {
            return Ok(None);
        };
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.clone(),
            source,
        })?;
        let invalid = |reason: String| ConfigError::Invalid {
            path: path.clone(),
            reason,
        };
        let bytes = hex::decode(text.trim())
            .map_err(|e| invalid(format!("not a hex BLS secret key: {e}")))?;
        SecretKey::from_bytes(&bytes)
            .map(Some)
            .map_err(|e| invalid(e.to_string()))
    }

    /// The TOML text of this configuration.
    pub fn to_toml(&self) -> Result<String, String> {
        toml::to_string(self).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_and_refuses_with_reasons() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("node.toml");
        let config = NodeConfig {
            listen: "127.0.0.1:0".parse().expect("addr"),
            data_dir: "data".into(),
            node_id: Id::from_u64(7),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            metrics_listen: None,
            protocol_key_file: None,
            chain: ChainConfig {
                source: "grpc+http://127.0.0.1:9184".into(),
                package_id: None,
            },
        };
        std::fs::write(&path, config.to_toml().expect("toml")).expect("write");
        let loaded = NodeConfig::load(&path).expect("loads");
        assert_eq!(loaded.data_dir, dir.path().join("data"));
        assert_eq!(
            loaded.chain.source(),
            Ok(SourceSpec::Grpc("http://127.0.0.1:9184".into()))
        );

        std::fs::write(&path, "listen = 1").expect("write");
        let err = NodeConfig::load(&path).expect_err("invalid").to_string();
        assert!(err.contains("not a valid node configuration"), "{err}");
        let mut bad = config.clone();
        bad.chain.source = "ledger:x".into();
        std::fs::write(&path, bad.to_toml().expect("toml")).expect("write");
        let err = NodeConfig::load(&path).expect_err("bad source").to_string();
        assert!(err.contains("neither grpc"), "{err}");
    }
}
