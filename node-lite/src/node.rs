//! The storage node: it follows the chain, accepts and serves the slivers of its shards over
//! Walrus's REST API, and keeps them in a crash-safe store.
//!
//! - [`config`]: the TOML configuration;
//! - [`store`]: the `redb` store (metadata, slivers, blob states, committees, chain cursor);
//! - [`blob_info`]: what the chain says of a blob ID, Walrus's blob status;
//! - [`follow`]: checkpoints applied exactly once, garbage collection at epoch changes;
//! - [`service`]: the checks and reads behind each request;
//! - [`recovery`]: rebuilding missing or damaged slivers from other nodes' symbols;
//! - [`api`], [`openapi`], [`errors`]: the REST API, its document and its envelopes;
//! - [`metrics`]: Prometheus metrics.
//!
//! [`run`] starts everything and stops on the shutdown signal.

pub mod api;
pub mod blob_info;
pub mod config;
pub mod errors;
pub mod follow;
pub mod metrics;
pub mod openapi;
pub mod recovery;
pub mod service;
pub mod store;

use std::{future::Future, sync::Arc, time::Instant};

use tokio::{net::TcpListener, sync::watch};

use self::{
    api::ApiState, config::NodeConfig, follow::ChainSource, metrics::Metrics, service::StorageNode,
    store::NodeStore,
};

/// Runs blocking store work off the async threads.
pub(crate) async fn blocking<T: Send + 'static, E: Send + 'static + From<errors::NodeError>>(
    f: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, E> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| E::from(errors::NodeError::Internal(format!("worker failed: {e}"))))?
}

/// Why the node could not start or stopped on a fault.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The configuration cannot be used.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The store cannot be opened.
    #[error("cannot open the store: {0}")]
    Store(#[from] errors::NodeError),
    /// The listener cannot be bound or the server failed.
    #[error("REST server: {0}")]
    Io(#[from] std::io::Error),
    /// The chain follower stopped on an error.
    #[error(transparent)]
    Follow(#[from] follow::FollowError),
}

/// A started node: its address, and the handle that stops it.
pub struct RunningNode {
    /// The REST API's address.
    pub addr: std::net::SocketAddr,
    /// The node.
    pub node: StorageNode,
}

/// Starts the node of `config` on `listener`; returns once `shutdown` resolves and everything
/// stopped, or with the follower's error. `on_ready` is called once the API listens.
pub async fn run(
    config: NodeConfig,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
    on_ready: impl FnOnce(&RunningNode),
) -> Result<(), RunError> {
    let source = ChainSource::from_config(&config.chain).map_err(RunError::Config)?;
    let store = {
        let dir = config.data_dir.clone();
        tokio::task::spawn_blocking(move || NodeStore::open(&dir))
            .await
            .map_err(|e| RunError::Config(format!("store worker failed: {e}")))??
    };
    let metrics = Arc::new(Metrics::new().map_err(|e| RunError::Config(e.to_string()))?);
    let mut node = StorageNode::new(store, config.node_id.0, metrics);
    match config.protocol_key() {
        Ok(Some(key)) => node = node.with_protocol_key(key),
        Ok(None) => tracing::warn!("no protocol_key_file: the node will not sign confirmations"),
        Err(e) => return Err(RunError::Config(e.to_string())),
    }
    let state = ApiState {
        node: node.clone(),
        started: Instant::now(),
        max_body_bytes: config.max_body_bytes,
        symbol_permits: Arc::new(tokio::sync::Semaphore::new(api::DEFAULT_SYMBOL_REQUESTS)),
    };
    let (stop_tx, stop_rx) = watch::channel(false);
    let (recovery_tx, recovery_rx) = tokio::sync::mpsc::unbounded_channel();
    let _ = recovery_tx.send(recovery::RecoveryTask::All);
    let recoverer = tokio::spawn(recovery::run(node.clone(), recovery_rx, stop_rx.clone()));
    let mut follower = tokio::spawn(follow::follow(
        source,
        node.clone(),
        recovery_tx,
        stop_rx.clone(),
    ));

    let addr = listener.local_addr()?;
    let app = api::router(state.clone());
    if let Some(metrics_addr) = config.metrics_listen {
        let metrics_listener = TcpListener::bind(metrics_addr).await?;
        let metrics_app = api::router(state);
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let served = axum::serve(metrics_listener, metrics_app)
                .with_graceful_shutdown(async move {
                    let _ = stop.changed().await;
                })
                .await;
            if let Err(e) = served {
                tracing::error!("metrics server: {e}");
            }
        });
    }
    on_ready(&RunningNode {
        addr,
        node: node.clone(),
    });
    let mut stop = stop_rx.clone();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        let _ = stop.changed().await;
    });
    let mut server = tokio::spawn(async move { server.await });
    tokio::pin!(shutdown);
    let outcome = tokio::select! {
        () = &mut shutdown => Ok(()),
        followed = &mut follower => match followed {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(RunError::Follow(e)),
            Err(e) => Err(RunError::Config(format!("follower task failed: {e}"))),
        },
        served = &mut server => match served {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(RunError::Io(e)),
            Err(e) => Err(RunError::Config(format!("server task failed: {e}"))),
        },
    };
    let _ = stop_tx.send(true);
    let _ = server.await;
    let _ = follower.await;
    let _ = recoverer.await;
    outcome
}
