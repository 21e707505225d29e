//! The local development ledger ("localnet"): Floe end to end on one machine, no Sui network.
//!
//! A [`Localnet`] accepts every Floe [`Operation`], applies it with the `economics` reference
//! model ([`apply`]), refuses what the model refuses (the same [`floe_economics::Error`]), and
//! records the events the Move code emits, BCS-encoded with `economics::events`, under the type
//! tag `<package>::events::<Name>`. Accepted transactions are grouped into numbered
//! [`Checkpoint`]s stamped by a controllable clock; by default every transaction is sealed
//! into its own checkpoint ([`Localnet::set_auto_seal`] changes that, [`Localnet::seal`] seals
//! by hand).
//!
//! With a directory, the ledger persists (see [`store`]): a restart replays the log and
//! continues the same chain with the same checkpoint numbers. A refused Sui transaction
//! ([`Localnet::execute_sui`]) is recorded as failed, as on Sui: it takes a chain index and
//! lands in the next checkpoint with its Move abort and no events, having changed nothing. A
//! refused direct submission ([`Localnet::execute`]) is not recorded.
//!
//! A `Localnet` is a cheap handle (clone it freely) implementing [`ChainClient`] and
//! [`CheckpointSource`] in-process.

pub mod apply;
pub mod schedule;
pub mod store;
pub mod sui_exec;

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use floe_economics::events::FloeEvent;
use floe_economics::model::{GenesisPricing, ObjectId, Params, System};
use floe_economics::{Epoch, Frost};
use serde::{Deserialize, Serialize};

use crate::chain::{
    ChainClient, Checkpoint, CheckpointSource, Event, Id, MoveAbort, Operation, Receipt,
    SourceError, SubmitError, Transaction,
};
use store::{LogWriter, Record, StoreError};

/// Everything that defines a chain at its start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Genesis {
    /// The Floe package id in the event type tags.
    pub package_id: Id,
    /// The clock at genesis, ms since the Unix epoch.
    pub start_time_ms: u64,
    /// Parameters.
    #[serde(default)]
    pub params: Params,
    /// Initial WAL balances, FROST.
    pub accounts: Vec<(Id, Frost)>,
    /// Prices, WAL/USD rate and capacity in force before the first committee (what Move's
    /// `system::create` takes); without them nothing can be sold until the first rate sample.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pricing: Option<GenesisPricing>,
}

/// Why a ledger could not be opened or created.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// Its files.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The genesis is refused by the model (invalid parameters, overflow).
    #[error("invalid genesis: {0}")]
    Genesis(floe_economics::Error),
    /// A logged transaction is refused on replay: the log does not belong to these rules.
    #[error("replay of transaction {index} ({kind}) refused: {error}")]
    Replay {
        /// The transaction index.
        index: u64,
        /// The operation.
        kind: &'static str,
        /// The refusal.
        error: floe_economics::Error,
    },
    /// A seal record out of sequence.
    #[error("replay: checkpoint {found} sealed where {expected} was expected")]
    SealOutOfOrder {
        /// Expected number.
        expected: u64,
        /// Found number.
        found: u64,
    },
}

impl From<std::io::Error> for LedgerError {
    fn from(e: std::io::Error) -> Self {
        LedgerError::Store(StoreError::Io(e))
    }
}

struct Ledger {
    genesis: Genesis,
    system: System,
    clock_ms: u64,
    checkpoints: Vec<Arc<Checkpoint>>,
    pending: Vec<Transaction>,
    next_tx: u64,
    auto_seal: usize,
    log: Option<LogWriter>,
    broken: Option<String>,
    tags: HashMap<&'static str, Arc<str>>,
    /// The number of sealed checkpoints, published at each seal: a waiting reader holds a
    /// receiver, which it drops when it stops waiting (nothing is kept per waiter here).
    sealed: tokio::sync::watch::Sender<u64>,
}

impl Ledger {
    fn new(genesis: Genesis) -> Result<Self, LedgerError> {
        let accounts: Vec<(ObjectId, Frost)> =
            genesis.accounts.iter().map(|(a, f)| ((*a), *f)).collect();
        let system = match genesis.pricing {
            Some(p) => System::new_priced(genesis.params, &accounts, p),
            None => System::new(genesis.params, &accounts),
        }
        .map_err(LedgerError::Genesis)?;
        Ok(Ledger {
            clock_ms: genesis.start_time_ms,
            genesis,
            system,
            checkpoints: Vec::new(),
            pending: Vec::new(),
            next_tx: 0,
            auto_seal: 1,
            log: None,
            broken: None,
            tags: HashMap::new(),
            sealed: tokio::sync::watch::Sender::new(0),
        })
    }

    fn event(&mut self, e: &FloeEvent) -> Event {
        let name = e.name();
        let package = self.genesis.package_id;
        let tag = self
            .tags
            .entry(name)
            .or_insert_with(|| format!("{package}::events::{name}").into())
            .clone();
        Event {
            type_tag: tag,
            contents: e.to_bcs(),
        }
    }

    /// Applies and records one transaction in memory (no I/O).
    fn execute(
        &mut self,
        sender: Id,
        op: &Operation,
        sui_digest: Option<Id>,
    ) -> Result<(u64, crate::chain::Outcome, Vec<FloeEvent>), floe_economics::Error> {
        let (outcome, events) = apply::apply(&mut self.system, sender, op)?;
        let index = self.next_tx;
        self.next_tx += 1;
        let encoded: Vec<Event> = events.iter().map(|e| self.event(e)).collect();
        let digest = match sui_digest {
            Some(d) => d.0,
            None => Transaction::local_digest(index, sender, op.kind(), &encoded),
        };
        self.pending.push(Transaction {
            index,
            digest,
            sender,
            kind: op.kind(),
            events: encoded,
            abort: None,
        });
        Ok((index, outcome, events))
    }

    /// Records a refused Sui transaction as failed in memory (no I/O): it takes the next chain
    /// index and goes into the next checkpoint, with no events.
    fn record_failed(&mut self, sender: Id, op: &Operation, sui_digest: Id, abort: MoveAbort) {
        let index = self.next_tx;
        self.next_tx += 1;
        self.pending.push(Transaction {
            index,
            digest: sui_digest.0,
            sender,
            kind: op.kind(),
            events: Vec::new(),
            abort: Some(abort),
        });
    }

    /// Seals the pending transactions into checkpoint number `checkpoints.len()` (in memory).
    fn seal_in_memory(&mut self, timestamp_ms: u64) -> u64 {
        let seq = self.checkpoints.len() as u64;
        let cp = Checkpoint {
            sequence_number: seq,
            timestamp_ms,
            epoch: self.system.epoch,
            transactions: std::mem::take(&mut self.pending),
        };
        self.checkpoints.push(Arc::new(cp));
        self.sealed.send_replace(self.checkpoints.len() as u64);
        seq
    }

    fn check_usable(&self) -> Result<(), SubmitError> {
        match &self.broken {
            Some(why) => Err(SubmitError::Unavailable(why.clone())),
            None => Ok(()),
        }
    }

    /// Seals (if anything is pending), logs the seal and fsyncs.
    fn seal(&mut self) -> Result<Option<u64>, SubmitError> {
        self.check_usable()?;
        if self.pending.is_empty() {
            return Ok(None);
        }
        let seq = self.checkpoints.len() as u64;
        let timestamp_ms = self.clock_ms;
        if let Some(log) = &mut self.log {
            let r = log
                .append(&Record::Seal { seq, timestamp_ms })
                .and_then(|_| log.sync());
            if let Err(e) = r {
                self.broken = Some(format!("log write failed: {e}"));
                return Err(e.into());
            }
        }
        Ok(Some(self.seal_in_memory(timestamp_ms)))
    }

    /// Logs the record of the transaction just executed in memory, then seals if the
    /// auto-seal count is reached.
    fn log_and_seal(&mut self, record: &Record) -> Result<Option<u64>, SubmitError> {
        if let Some(log) = &mut self.log {
            if let Err(e) = log.append(record) {
                // Memory is ahead of the log now: refuse everything until a restart.
                self.broken = Some(format!("log write failed: {e}"));
                return Err(e.into());
            }
        }
        if self.auto_seal > 0 && self.pending.len() >= self.auto_seal {
            self.seal()
        } else {
            Ok(None)
        }
    }

    fn submit(
        &mut self,
        sender: Id,
        op: Operation,
        sui_digest: Option<Id>,
    ) -> Result<Receipt, SubmitError> {
        self.check_usable()?;
        let epoch = self.system.epoch;
        let (tx_index, outcome, events) = match self.execute(sender, &op, sui_digest) {
            Ok(done) => done,
            Err(error) => {
                // A refused Sui transaction still goes on chain, as failed (Sui's rule); a
                // refusal of a direct submission leaves no trace.
                if let Some(sui_digest) = sui_digest {
                    let abort = MoveAbort {
                        code: error.code(),
                        description: error.to_string(),
                    };
                    self.record_failed(sender, &op, sui_digest, abort.clone());
                    self.log_and_seal(&Record::Failed {
                        sender,
                        op,
                        sui_digest,
                        code: abort.code,
                        description: abort.description,
                    })?;
                }
                return Err(SubmitError::Refused(error));
            }
        };
        let checkpoint = self.log_and_seal(&Record::Tx {
            sender,
            op,
            sui_digest,
        })?;
        Ok(Receipt {
            tx_index,
            checkpoint,
            epoch,
            outcome,
            events,
        })
    }
}

/// A handle to a local development ledger.
#[derive(Clone)]
pub struct Localnet {
    inner: Arc<Mutex<Ledger>>,
    dir: Option<PathBuf>,
}

const GENESIS_FILE: &str = "genesis.json";
const LOG_FILE: &str = "ledger.log";

impl Localnet {
    /// A ledger kept in memory only.
    pub fn in_memory(genesis: Genesis) -> Result<Self, LedgerError> {
        Ok(Localnet {
            inner: Arc::new(Mutex::new(Ledger::new(genesis)?)),
            dir: None,
        })
    }

    /// Opens the ledger persisted in `dir`, creating it from `genesis` if `dir` holds none.
    /// An existing ledger keeps its own genesis (`genesis` is then ignored); its log is
    /// replayed, so the chain continues with the same checkpoints, numbers and state.
    pub fn open(dir: &Path, genesis: Genesis) -> Result<Self, LedgerError> {
        std::fs::create_dir_all(dir)?;
        let gpath = dir.join(GENESIS_FILE);
        let genesis = match std::fs::read(&gpath) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt {
                path: gpath.clone(),
                reason: e.to_string(),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let bytes = serde_json::to_vec_pretty(&genesis).map_err(std::io::Error::from)?;
                store::write_atomic(&gpath, &bytes)?;
                genesis
            }
            Err(e) => return Err(e.into()),
        };
        let mut ledger = Ledger::new(genesis)?;
        let lpath = dir.join(LOG_FILE);
        let (records, good_len) = store::read_log(&lpath)?;
        for r in records {
            match r {
                Record::Tx {
                    sender,
                    op,
                    sui_digest,
                } => {
                    let index = ledger.next_tx;
                    let kind = op.kind();
                    ledger
                        .execute(sender, &op, sui_digest)
                        .map_err(|error| LedgerError::Replay { index, kind, error })?;
                }
                Record::Failed {
                    sender,
                    op,
                    sui_digest,
                    code,
                    description,
                } => ledger.record_failed(sender, &op, sui_digest, MoveAbort { code, description }),
                Record::Seal { seq, timestamp_ms } => {
                    let expected = ledger.checkpoints.len() as u64;
                    if seq != expected {
                        return Err(LedgerError::SealOutOfOrder {
                            expected,
                            found: seq,
                        });
                    }
                    ledger.clock_ms = ledger.clock_ms.max(timestamp_ms);
                    ledger.seal_in_memory(timestamp_ms);
                }
            }
        }
        tracing::info!(
            dir = %dir.display(),
            checkpoints = ledger.checkpoints.len(),
            transactions = ledger.next_tx,
            "local ledger opened"
        );
        ledger.log = Some(LogWriter::open(&lpath, good_len)?);
        Ok(Localnet {
            inner: Arc::new(Mutex::new(ledger)),
            dir: Some(dir.to_owned()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Ledger> {
        // A panic while holding the lock cannot leave the ledger half-applied (the model
        // checks before it mutates), so a poisoned lock is still consistent.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The directory the ledger persists to, if any.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Executes one operation (the synchronous form of [`ChainClient::submit`]).
    pub fn execute(&self, sender: Id, op: Operation) -> Result<Receipt, SubmitError> {
        self.lock().submit(sender, op, None)
    }

    /// Executes the operation of a Sui transaction with digest `sui_digest` (see
    /// [`crate::grpc`]): the checkpoint carries that digest, so a Sui client waiting for its
    /// transaction finds it.
    pub fn execute_sui(
        &self,
        sender: Id,
        op: Operation,
        sui_digest: Id,
    ) -> Result<Receipt, SubmitError> {
        self.lock().submit(sender, op, Some(sui_digest))
    }

    /// Seals the pending transactions into a checkpoint now (durable on return); `None` if
    /// nothing was pending.
    pub fn seal(&self) -> Result<Option<u64>, SubmitError> {
        self.lock().seal()
    }

    /// Seals automatically once `n` transactions are pending (`0`: only by [`Localnet::seal`]).
    pub fn set_auto_seal(&self, n: usize) {
        self.lock().auto_seal = n;
    }

    /// The clock, ms since the Unix epoch.
    pub fn now_ms(&self) -> u64 {
        self.lock().clock_ms
    }

    /// Moves the clock forward by `ms`.
    pub fn advance_clock(&self, ms: u64) {
        let mut l = self.lock();
        l.clock_ms = l.clock_ms.saturating_add(ms);
    }

    /// The current Floe epoch.
    pub fn epoch(&self) -> Epoch {
        self.lock().system.epoch
    }

    /// The genesis of this chain.
    pub fn genesis(&self) -> Genesis {
        self.lock().genesis.clone()
    }

    /// Number of sealed checkpoints (the next one gets this number).
    pub fn checkpoint_count(&self) -> u64 {
        self.lock().checkpoints.len() as u64
    }

    /// Number of accepted transactions, sealed or not.
    pub fn transaction_count(&self) -> u64 {
        self.lock().next_tx
    }

    /// A sealed checkpoint, if it exists.
    pub fn try_checkpoint(&self, seq: u64) -> Option<Arc<Checkpoint>> {
        let l = self.lock();
        usize::try_from(seq)
            .ok()
            .and_then(|i| l.checkpoints.get(i).cloned())
    }

    /// A recent transaction by digest, with the checkpoint holding it if it is sealed: the
    /// pending transactions are searched first, then the checkpoints from the newest back.
    pub fn recent_transaction(&self, digest: &[u8; 32]) -> Option<(Transaction, Option<u64>)> {
        let l = self.lock();
        if let Some(t) = l.pending.iter().find(|t| &t.digest == digest) {
            return Some((t.clone(), None));
        }
        l.checkpoints.iter().rev().find_map(|cp| {
            cp.transactions
                .iter()
                .find(|t| &t.digest == digest)
                .map(|t| (t.clone(), Some(cp.sequence_number)))
        })
    }

    /// Reads the model's state (e.g. balances, pools) under the ledger's lock.
    pub fn with_state<T>(&self, f: impl FnOnce(&System) -> T) -> T {
        f(&self.lock().system)
    }
}

impl ChainClient for Localnet {
    fn submit(
        &self,
        sender: Id,
        op: Operation,
    ) -> impl Future<Output = Result<Receipt, SubmitError>> + Send {
        std::future::ready(self.execute(sender, op))
    }
}

impl CheckpointSource for Localnet {
    fn checkpoint(
        &self,
        seq: u64,
    ) -> impl Future<Output = Result<Arc<Checkpoint>, SourceError>> + Send {
        let net = self.clone();
        async move {
            // Subscribed under the lock that sealing takes, so no seal falls between the look
            // and the wait.
            let mut sealed = {
                let l = net.lock();
                if let Some(cp) = usize::try_from(seq).ok().and_then(|i| l.checkpoints.get(i)) {
                    return Ok(cp.clone());
                }
                l.sealed.subscribe()
            };
            loop {
                if sealed.changed().await.is_err() {
                    // The ledger holds the sender and `net` holds the ledger: unreachable.
                    return Err(SourceError::Rpc("the ledger is gone".into()));
                }
                if let Some(cp) = net.try_checkpoint(seq) {
                    return Ok(cp);
                }
            }
        }
    }

    fn latest_sequence(&self) -> impl Future<Output = Result<Option<u64>, SourceError>> + Send {
        std::future::ready(Ok(self.checkpoint_count().checked_sub(1)))
    }
}
