//! How long-running commands (a storage node, the ledger's server, the indexer) learn that
//! they should stop: Ctrl-C or, on Unix, SIGTERM.

/// Resolves on Ctrl-C or SIGTERM (if SIGTERM cannot be watched, on Ctrl-C alone, with a
/// warning).
pub async fn stop_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!("cannot watch SIGTERM: {e}");
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
