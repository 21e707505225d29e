//! The Sui `ChainClient` end to end over real gRPC on loopback: Floe operations built into
//! programmable transactions, signed with ed25519, executed by the local ledger's
//! `TransactionExecutionService`, and their receipts read back — created objects, payouts,
//! events identical to the ledger's checkpoint, the chain index, and refusals with the same
//! Move error names. Every operation has its transaction, the economy's too (challenges,
//! settlement, claims, the fallback, governance, receipt and storage splits). Unsigned,
//! mis-signed and incomplete transactions are rejected and change nothing.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use floe_economics::events::FloeEvent;
use floe_economics::model::storage::derive_blob_id;
use floe_economics::model::Params;
use floe_economics::Error;
use floe_indexer::bls::{messages, SecretKey};
use floe_indexer::chain::{
    ChainClient, CheckpointSource, Id, Operation, Outcome, ParamChange, Receipt, SubmitError,
};
use floe_indexer::grpc::serve;
use floe_indexer::grpc::GrpcSource;
use floe_indexer::localnet::{Genesis, Localnet};
use floe_indexer::sui_chain::SuiChainClient;
use floe_indexer::sui_client::{
    BlobCertificate, NodeRegistration, ObjectRef, ObjectResolver, SettlementCertificate,
    SharedObject, SuiConfig, SuiTransactions,
};
use sui_crypto::ed25519::Ed25519PrivateKey;
use sui_crypto::SuiSigner;
use sui_rpc::proto::sui::rpc::v2 as rpc;
use tokio::sync::oneshot;

const WAL: u64 = 1_000_000_000;
const PACKAGE: u64 = 0xf10e;
const N_SHARDS: u16 = 10;

fn key(seed: u8) -> Ed25519PrivateKey {
    Ed25519PrivateKey::new([seed; 32])
}

fn address(k: &Ed25519PrivateKey) -> Id {
    Id(k.public_key().derive_address().into_inner())
}

fn config() -> SuiConfig {
    SuiConfig {
        package: Id::from_u64(PACKAGE),
        system: SharedObject {
            id: Id::from_u64(0x5757),
            initial_shared_version: 1,
        },
        treasury: SharedObject {
            id: Id::from_u64(0x7ea5),
            initial_shared_version: 1,
        },
        random: SharedObject {
            id: floe_indexer::sui_client::RANDOM_ID,
            initial_shared_version: 1,
        },
        wal_coin_type: "0xa1::wal::WAL".into(),
        gas: vec![ObjectRef {
            id: Id::from_u64(0x6a5),
            version: 1,
            digest: [0; 32],
        }],
        gas_price: 1_000,
        gas_budget: 50_000_000,
    }
}

/// The objects a wallet would look up, in the local ledger's naming (see
/// `localnet::sui_exec`): objects by their model ids, a node's cap by the node id; the
/// certificate's signers bitmap is set by the test. Its blob certificates are signed with the
/// BLS key of the test's one storage node, over the blob IDs the test noted.
struct Wallet {
    signers_bitmap: Mutex<Vec<u8>>,
    blobs: Mutex<Vec<(Id, [u8; 32], bool)>>,
}

/// The storage node's BLS key (the one registered by the lifecycle test).
fn node_bls_key() -> SecretKey {
    SecretKey::from_scalar(7).expect("a scalar")
}

fn at_version_1(id: Id) -> ObjectRef {
    ObjectRef {
        id,
        version: 1,
        digest: [0; 32],
    }
}

impl ObjectResolver for Wallet {
    fn owned(&self, id: Id) -> Option<ObjectRef> {
        Some(at_version_1(id))
    }
    fn node_cap(&self, node_id: Id) -> Option<ObjectRef> {
        Some(at_version_1(node_id))
    }
    fn wal_coin(&self, sender: Id) -> Option<ObjectRef> {
        let mut coin = sender;
        coin.0[0] ^= 0xc0;
        Some(at_version_1(coin))
    }
    fn registration(&self, _public_key: &[u8]) -> Option<NodeRegistration> {
        Some(NodeRegistration {
            proof_of_possession: vec![0x55; 96],
            wal_usd_rate: WAL,
        })
    }
    fn certificate(
        &self,
        blob_object_id: Id,
        epoch: floe_economics::Epoch,
    ) -> Option<BlobCertificate> {
        let noted = self
            .blobs
            .lock()
            .ok()?
            .iter()
            .find(|b| b.0 == blob_object_id)
            .copied();
        let (blob_id, deletable) = noted.map_or(([0; 32], false), |(_, id, d)| (id, d));
        let message = messages::blob_cert(epoch, &blob_id, deletable.then_some(&blob_object_id.0));
        let bitmap = self
            .signers_bitmap
            .lock()
            .map(|b| b.clone())
            .unwrap_or_default();
        Some(BlobCertificate {
            signature: node_bls_key().sign(&message).to_bytes().to_vec(),
            signers_bitmap: bitmap,
            message,
        })
    }
    fn settlement_certificate(
        &self,
        header: &floe_economics::settlement::SettlementHeader,
    ) -> Option<SettlementCertificate> {
        let bitmap = self.signers_bitmap.lock().ok()?.clone();
        let message = messages::settlement(header.epoch, &header.digest());
        Some(SettlementCertificate {
            signature: node_bls_key().sign(&message).to_bytes().to_vec(),
            signers_bitmap: bitmap,
        })
    }
}

/// A wallet that has every object but no settlement certificate.
struct NoCertificates(Arc<Wallet>);

impl ObjectResolver for NoCertificates {
    fn owned(&self, id: Id) -> Option<ObjectRef> {
        self.0.owned(id)
    }
    fn node_cap(&self, node_id: Id) -> Option<ObjectRef> {
        self.0.node_cap(node_id)
    }
    fn wal_coin(&self, sender: Id) -> Option<ObjectRef> {
        self.0.wal_coin(sender)
    }
    fn registration(&self, public_key: &[u8]) -> Option<NodeRegistration> {
        self.0.registration(public_key)
    }
    fn certificate(&self, blob: Id, epoch: floe_economics::Epoch) -> Option<BlobCertificate> {
        self.0.certificate(blob, epoch)
    }
}

struct Fixture {
    net: Localnet,
    url: String,
    wallet: Arc<Wallet>,
    stop: Option<oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl Fixture {
    async fn start(accounts: &[&Ed25519PrivateKey]) -> Result<Self> {
        let dir = tempfile::tempdir()?;
        let genesis = Genesis {
            package_id: Id::from_u64(PACKAGE),
            start_time_ms: 1_700_000_000_000,
            params: Params {
                n_shards: N_SHARDS,
                ..Params::default()
            },
            accounts: accounts.iter().map(|k| (address(k), 1000 * WAL)).collect(),
            pricing: None,
        };
        let net = Localnet::open(dir.path(), genesis)?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(serve(net.clone(), listener, async {
            let _ = stopped.await;
        }));
        Ok(Fixture {
            net,
            url,
            wallet: Arc::new(Wallet {
                signers_bitmap: Mutex::new(vec![0xff, 0xff]),
                blobs: Mutex::new(Vec::new()),
            }),
            stop: Some(stop),
            _dir: dir,
        })
    }

    fn client(&self, k: &Ed25519PrivateKey) -> Result<SuiChainClient> {
        Ok(SuiChainClient::new(
            &self.url,
            SuiTransactions::new(config()),
            k.clone(),
            self.wallet.clone(),
        )?
        .with_checkpoint_timeout(Duration::from_secs(10)))
    }

    fn set_bitmap(&self, bitmap: Vec<u8>) {
        if let Ok(mut b) = self.wallet.signers_bitmap.lock() {
            *b = bitmap;
        }
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// Submits through the Sui client and checks the receipt against the ledger's own record of
/// the transaction: same chain index, checkpoint, and events.
async fn submit(f: &Fixture, c: &SuiChainClient, op: Operation) -> Result<Receipt> {
    let receipt = tokio::time::timeout(Duration::from_secs(20), c.submit(c.address(), op))
        .await
        .context("submit timed out")??;
    let seq = receipt.checkpoint.context("a sealed checkpoint")?;
    let cp = f.net.try_checkpoint(seq).context("the checkpoint exists")?;
    let tx = cp
        .transactions
        .iter()
        .find(|t| t.index == receipt.tx_index)
        .context("the receipt's transaction is in its checkpoint")?;
    assert_eq!(tx.sender, c.address());
    let ledger_events = tx
        .events
        .iter()
        .map(|e| e.decode())
        .collect::<Result<Vec<_>, _>>()?;
    assert_eq!(receipt.events, ledger_events);
    Ok(receipt)
}

fn created(r: &Receipt) -> Result<Id> {
    r.created().context("the operation created an object")
}

async fn refused(c: &SuiChainClient, op: Operation) -> Result<&'static str> {
    match c.submit(c.address(), op).await {
        Err(SubmitError::Refused(e)) => Ok(e.name()),
        other => bail!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sui_client_runs_the_storage_and_staking_lifecycle_on_the_ledger() -> Result<()> {
    let (op_key, user_key) = (key(1), key(2));
    let f = Fixture::start(&[&op_key, &user_key]).await?;
    let operator = f.client(&op_key)?;
    let user = f.client(&user_key)?;

    let node = created(
        &submit(
            &f,
            &operator,
            Operation::RegisterNode {
                name: "node-1".into(),
                network_address: "node-1.local:9000".into(),
                public_key: node_bls_key().public_key().to_bytes().to_vec(),
                commission_bps: 1000,
                storage_price_usd: 1000,
                write_price_usd: 500,
                capacity: 1 << 40,
            },
        )
        .await?,
    )?;
    assert!(f.net.with_state(|s| s.pools.contains_key(&node)));
    let staked = created(
        &submit(
            &f,
            &operator,
            Operation::Stake {
                node_id: node,
                amount: 100 * WAL,
            },
        )
        .await?,
    )?;
    assert_eq!(
        f.net
            .with_state(|s| s.stakes.get(&staked).map(|x| x.principal)),
        Some(100 * WAL)
    );

    submit(
        &f,
        &user,
        Operation::Stake {
            node_id: node,
            amount: 50 * WAL,
        },
    )
    .await?;

    // A refusal comes back with the Move error name and changes nothing of Floe's; like Sui,
    // the ledger still puts the failed transaction in a checkpoint, with its abort and no
    // events, and it reads back the same over gRPC.
    let before = f.net.transaction_count();
    let state = f.net.with_state(|s| s.clone());
    let too_small = Operation::Stake {
        node_id: node,
        amount: 1,
    };
    assert_eq!(refused(&user, too_small).await?, "ENotEnoughStake");
    assert!(f.net.with_state(|s| *s == state));
    assert_eq!(f.net.transaction_count(), before + 1);
    let seq = f.net.checkpoint_count() - 1;
    let cp = f.net.try_checkpoint(seq).context("the checkpoint")?;
    let failed = cp.transactions.last().context("a transaction")?;
    assert_eq!(failed.index, before);
    assert_eq!((failed.kind, failed.events.len()), ("stake", 0));
    let abort = failed.abort.as_ref().context("an abort")?;
    assert_eq!(abort.code, Error::ENotEnoughStake.code());
    assert!(abort.description.starts_with("ENotEnoughStake"));
    let source = GrpcSource::new(&f.url, Some(Id::from_u64(PACKAGE)))?;
    assert_eq!(&source.checkpoint(seq).await?, &cp);

    submit(&f, &operator, Operation::AdvanceEpoch).await?;
    assert_eq!(f.net.epoch(), 1);
    submit(
        &f,
        &operator,
        Operation::ReportWalUsdRate {
            node_id: node,
            rate: WAL,
        },
    )
    .await?;
    submit(&f, &user, Operation::SampleWalUsdRate).await?;

    let storage = created(
        &submit(
            &f,
            &user,
            Operation::ReserveSpace {
                size: 10 << 20,
                epochs_ahead: 2,
            },
        )
        .await?,
    )?;
    let root_hash = Id([0x42; 32]);
    let size = 100_000;
    let blob = created(
        &submit(
            &f,
            &user,
            Operation::RegisterBlob {
                storage_id: storage,
                blob_id: Id(derive_blob_id(&root_hash.0, 1, size)),
                root_hash,
                size,
                encoding_type: 1,
                deletable: true,
            },
        )
        .await?,
    )?;

    // The ledger checks the certificate as Move does: nobody signed, a bitmap naming
    // non-members, a message of another epoch, a signature by another key; then the
    // committee's one node signs.
    if let Ok(mut blobs) = f.wallet.blobs.lock() {
        blobs.push((blob, derive_blob_id(&root_hash.0, 1, size), true));
    }
    let certify = Operation::CertifyBlob {
        blob_object_id: blob,
        epoch: 1,
        signers_shards: 0,
    };
    f.set_bitmap(vec![0]);
    assert_eq!(refused(&user, certify.clone()).await?, "EBelowQuorum");
    f.set_bitmap(vec![0xff]);
    assert_eq!(refused(&user, certify.clone()).await?, "EInvalidBitmap");
    let wrong_epoch = Operation::CertifyBlob {
        blob_object_id: blob,
        epoch: 7,
        signers_shards: 0,
    };
    f.set_bitmap(vec![1]);
    assert_eq!(refused(&user, wrong_epoch).await?, "EWrongEpoch");
    let message = messages::blob_cert(1, &derive_blob_id(&root_hash.0, 1, size), Some(&blob.0));
    let forged = Operation::CertifyBlobSigned {
        blob_object_id: blob,
        signature: SecretKey::from_scalar(8)?
            .sign(&message)
            .to_bytes()
            .to_vec(),
        signers_bitmap: vec![1],
        message,
    };
    assert_eq!(refused(&user, forged).await?, "EInvalidSignature");
    let certified = submit(&f, &user, certify).await?;
    assert!(certified
        .events
        .iter()
        .any(|e| matches!(e, FloeEvent::BlobCertified(b) if b.epoch == 1)));

    submit(
        &f,
        &user,
        Operation::ExtendBlob {
            blob_object_id: blob,
            epochs: 1,
        },
    )
    .await?;
    let deleted = submit(
        &f,
        &user,
        Operation::DeleteBlob {
            blob_object_id: blob,
        },
    )
    .await?;
    // The storage comes back to the owner, under the id it had before registration.
    let returned = created(&deleted)?;
    assert!(f.net.with_state(|s| s.storages.contains_key(&returned)));

    submit(
        &f,
        &operator,
        Operation::RequestWithdrawal {
            staked_wal_id: staked,
        },
    )
    .await?;
    submit(&f, &operator, Operation::AdvanceEpoch).await?;
    let balance = |who: Id| f.net.with_state(|s| s.balance(&who));
    let before = balance(operator.address());
    let paid = submit(
        &f,
        &operator,
        Operation::Withdraw {
            staked_wal_id: staked,
        },
    )
    .await?;
    let Outcome::Paid(amount) = paid.outcome else {
        bail!("a withdrawal pays out, got {:?}", paid.outcome);
    };
    assert!(amount >= 100 * WAL);
    assert_eq!(balance(operator.address()), before + amount);

    // The operator hands commission collection to the user, who collects through Sui.
    submit(
        &f,
        &operator,
        Operation::SetCommissionReceiver {
            node_id: node,
            receiver: user.address(),
        },
    )
    .await?;
    assert_eq!(
        refused(&operator, Operation::CollectCommission { node_id: node }).await?,
        "ENotOwner"
    );
    let collected = submit(&f, &user, Operation::CollectCommission { node_id: node }).await?;
    assert!(matches!(collected.outcome, Outcome::Paid(_)));

    // The chain indices of the receipts are the ledger's, with no gap.
    assert_eq!(collected.tx_index + 1, f.net.transaction_count());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsigned_mis_signed_and_unsupported_transactions_change_nothing() -> Result<()> {
    let (op_key, other_key) = (key(1), key(3));
    let f = Fixture::start(&[&op_key]).await?;
    let operator = f.client(&op_key)?;

    // A client signs only for its own address.
    let err = operator
        .submit(address(&other_key), Operation::SampleWalUsdRate)
        .await
        .err();
    assert!(matches!(err, Some(SubmitError::Rejected(_))), "{err:?}");

    // A transaction the wallet cannot complete (no certificate for this settlement) is
    // refused before anything is sent.
    let no_cert = SuiChainClient::new(
        &f.url,
        SuiTransactions::new(config()),
        op_key.clone(),
        Arc::new(NoCertificates(f.wallet.clone())),
    )?;
    let settle = Operation::SubmitSettlement {
        settlement: floe_economics::settlement::SettlementHeader {
            epoch: 0,
            n_entries: 0,
            pot: 0,
            burned: 0,
            paid: 0,
            entries_root: [0; 32],
        },
        signers_shards: 0,
    };
    let err = no_cert.submit(operator.address(), settle).await.err();
    assert!(
        matches!(&err, Some(SubmitError::Rejected(m)) if m.contains("certificate")),
        "{err:?}"
    );

    // A transaction signed by another key than its sender's is rejected by the ledger.
    let built = SuiTransactions::new(config()).build(
        operator.address(),
        &Operation::AdvanceEpoch,
        &*f.wallet,
    )?;
    let forged = other_key.sign_transaction(&built)?;
    let mut request = rpc::ExecuteTransactionRequest::default();
    request.transaction = Some(built.clone().into());
    request.signatures = vec![forged.into()];
    let mut raw = sui_rpc::Client::new(f.url.clone())?;
    let status = raw
        .execution_client()
        .execute_transaction(request)
        .await
        .err();
    assert_eq!(status.map(|s| s.code()), Some(tonic::Code::InvalidArgument));

    // So is one without signatures.
    let mut request = rpc::ExecuteTransactionRequest::default();
    request.transaction = Some(built.into());
    let status = raw
        .execution_client()
        .execute_transaction(request)
        .await
        .err();
    assert_eq!(status.map(|s| s.code()), Some(tonic::Code::InvalidArgument));

    assert_eq!(f.net.transaction_count(), 0);
    assert_eq!(f.net.checkpoint_count(), 0);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receipt_waits_for_the_checkpoint_that_seals_its_transaction() -> Result<()> {
    let op_key = key(1);
    let f = Fixture::start(&[&op_key]).await?;
    let operator = f.client(&op_key)?;
    // Executed but not sealed: the client finds the checkpoint by the transaction's Sui
    // digest on the subscription, as on a Sui network.
    f.net.set_auto_seal(0);
    let pending = {
        let c = operator.clone();
        let op = Operation::RegisterNode {
            name: "late".into(),
            network_address: "late.local:9000".into(),
            public_key: vec![9; 96],
            commission_bps: 100,
            storage_price_usd: 1000,
            write_price_usd: 500,
            capacity: 1 << 30,
        };
        tokio::spawn(async move { c.submit(c.address(), op).await })
    };
    // Wait (bounded) until the ledger has executed it; the client is then waiting for the
    // checkpoint, which nobody has sealed.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while f.net.transaction_count() == 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(f.net.transaction_count(), 1);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!pending.is_finished());
    let seq = f.net.seal()?.context("one transaction was pending")?;
    let receipt = tokio::time::timeout(Duration::from_secs(20), pending).await???;
    assert_eq!(receipt.checkpoint, Some(seq));
    assert_eq!(receipt.tx_index, 0);
    let cp = f.net.try_checkpoint(seq).context("sealed")?;
    assert_eq!(cp.transactions[0].sender, operator.address());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_transaction_reports_its_abort_and_checkpoint() -> Result<()> {
    let op_key = key(1);
    let f = Fixture::start(&[&op_key]).await?;
    // No committee yet, so a rate sample has no report to take: the contracts refuse it.
    let built = SuiTransactions::new(config()).build(
        address(&op_key),
        &Operation::SampleWalUsdRate,
        &*f.wallet,
    )?;
    let signature = op_key.sign_transaction(&built)?;
    let mut request = rpc::ExecuteTransactionRequest::default();
    request.transaction = Some(built.into());
    request.signatures = vec![signature.into()];
    let mut raw = sui_rpc::Client::new(f.url.clone())?;
    let executed = raw
        .execution_client()
        .execute_transaction(request)
        .await?
        .into_inner()
        .transaction
        .context("an executed transaction")?;
    // The default read mask: the status and the checkpoint, which holds the failed transaction.
    let status = executed
        .effects
        .and_then(|e| e.status)
        .context("a status")?;
    assert_eq!(status.success, Some(false));
    let error = status.error.context("an error")?;
    assert!(error.description().starts_with("ENoVotes"), "{error:?}");
    match error.error_details {
        Some(rpc::execution_error::ErrorDetails::Abort(abort)) => {
            assert_eq!(abort.abort_code, Some(Error::ENoVotes.code()));
        }
        other => bail!("expected a Move abort, got {other:?}"),
    }
    assert_eq!(executed.checkpoint, Some(0));
    let cp = f.net.try_checkpoint(0).context("checkpoint 0")?;
    assert_eq!(cp.transactions.len(), 1);
    assert!(cp.transactions[0].abort.is_some());
    assert_eq!(f.net.transaction_count(), 1);
    Ok(())
}

/// Issue 11, acceptance 7: every operation of the economy built, signed and executed through
/// the Sui client against the ledger: receipts split, joined and given away, storage split and
/// fused, the challenge seed and results, a proposal voted, finalized and executed, a
/// settlement certified (the ledger counts the shards of the settled epoch's committee the
/// bitmap names), a claim by a third party, and the fallback of an unsettled epoch.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sui_client_runs_the_economy_on_the_ledger() -> Result<()> {
    let (op_key, user_key) = (key(1), key(2));
    let f = Fixture::start(&[&op_key, &user_key]).await?;
    let operator = f.client(&op_key)?;
    let user = f.client(&user_key)?;
    let register = Operation::RegisterNode {
        name: "node-1".into(),
        network_address: "node-1.local:9000".into(),
        public_key: node_bls_key().public_key().to_bytes().to_vec(),
        commission_bps: 1000,
        storage_price_usd: 1000,
        write_price_usd: 500,
        capacity: 1 << 40,
    };
    let node = created(&submit(&f, &operator, register).await?)?;
    let stake = |amount| Operation::Stake {
        node_id: node,
        amount,
    };
    let staked = created(&submit(&f, &operator, stake(100 * WAL)).await?)?;
    let mine = created(&submit(&f, &user, stake(50 * WAL)).await?)?;
    submit(&f, &operator, Operation::AdvanceEpoch).await?;
    let report = Operation::ReportWalUsdRate {
        node_id: node,
        rate: WAL,
    };
    submit(&f, &operator, report).await?;
    submit(&f, &user, Operation::SampleWalUsdRate).await?;

    // Receipts: split, joined back, given to the operator.
    let split = Operation::SplitStake {
        staked_wal_id: mine,
        amount: 20 * WAL,
    };
    let part = created(&submit(&f, &user, split).await?)?;
    let principal = |id: Id| f.net.with_state(|s| s.stakes.get(&id).map(|x| x.principal));
    assert_eq!(
        (principal(mine), principal(part)),
        (Some(30 * WAL), Some(20 * WAL))
    );
    let join = Operation::JoinStake {
        staked_wal_id: mine,
        other_id: part,
    };
    let joined = submit(&f, &user, join).await?;
    assert!(matches!(joined.events[..], [FloeEvent::StakedWalJoined(_)]));
    let give = Operation::TransferStake {
        staked_wal_id: mine,
        to: operator.address(),
    };
    submit(&f, &user, give).await?;
    assert_eq!(
        f.net.with_state(|s| s.stakes.get(&mine).map(|x| x.owner)),
        Some(operator.address())
    );

    // Storage: split by epoch, fused back, split by size.
    let reserve = Operation::ReserveSpace {
        size: 10 << 20,
        epochs_ahead: 3,
    };
    let storage = created(&submit(&f, &user, reserve).await?)?;
    let by_epoch = Operation::SplitStorageByEpoch {
        storage_id: storage,
        split_epoch: 2,
    };
    let tail = created(&submit(&f, &user, by_epoch).await?)?;
    let fuse = Operation::FuseStorage {
        storage_id: storage,
        other_id: tail,
    };
    submit(&f, &user, fuse).await?;
    let by_size = Operation::SplitStorageBySize {
        storage_id: storage,
        split_size: 4 << 20,
    };
    let rest = created(&submit(&f, &user, by_size).await?)?;
    assert_eq!(
        f.net.with_state(|s| s.storages.get(&rest).map(|x| x.size)),
        Some(6 << 20)
    );

    // Challenges of epoch 1, and a proposal voted with the operator's stake.
    let seeded = submit(&f, &user, Operation::DrawChallengeSeed).await?;
    assert!(matches!(
        seeded.events[..],
        [FloeEvent::ChallengeSeedDrawn(_)]
    ));
    let results = Operation::SubmitChallengeResults {
        node_id: node,
        epoch: 1,
        results: vec![10_000],
    };
    submit(&f, &operator, results).await?;
    let propose = Operation::Propose {
        staked_wal_id: staked,
        change: ParamChange::BurnBps(700),
    };
    let proposal = match submit(&f, &operator, propose).await?.outcome {
        Outcome::Proposal(id) => id,
        other => bail!("a proposal, got {other:?}"),
    };
    let vote = Operation::Vote {
        proposal_id: proposal,
        staked_wal_id: staked,
        support: true,
    };
    submit(&f, &operator, vote).await?;
    submit(&f, &operator, Operation::AdvanceEpoch).await?;

    // Epoch 2: the committee certifies epoch 1's settlement; a third party claims.
    let settlement = f.net.with_state(|s| s.compute_settlement(1))?;
    f.set_bitmap(vec![0]);
    let submit_settlement = Operation::SubmitSettlement {
        settlement: settlement.header,
        signers_shards: 0,
    };
    assert_eq!(
        refused(&user, submit_settlement.clone()).await?,
        "EBelowQuorum"
    );
    // A certificate signed by a key that is not the committee's.
    let message = messages::settlement(1, &settlement.header.digest());
    let forged = Operation::SubmitSettlementSigned {
        settlement: settlement.header,
        signature: SecretKey::from_scalar(8)?
            .sign(&message)
            .to_bytes()
            .to_vec(),
        signers_bitmap: vec![1],
    };
    assert_eq!(refused(&user, forged).await?, "EInvalidSignature");
    f.set_bitmap(vec![1]);
    let settled = submit(&f, &user, submit_settlement).await?;
    assert!(matches!(settled.events[..], [FloeEvent::EpochSettled(_)]));
    let (entry, proof) = settlement.proof_for(&node.0).context("the node's entry")?;
    let claim = Operation::Claim {
        epoch: 1,
        entry,
        proof,
    };
    let claimed = submit(&f, &user, claim.clone()).await?;
    assert_eq!(claimed.outcome, Outcome::Paid(entry.total()));
    assert_eq!(refused(&user, claim).await?, "EAlreadyClaimed");

    // Voting ends at epoch 3; the change is executable from epoch 4.
    submit(&f, &operator, Operation::AdvanceEpoch).await?;
    let finalize = Operation::FinalizeProposal {
        proposal_id: proposal,
    };
    let finalized = submit(&f, &user, finalize).await?;
    assert!(matches!(&finalized.events[..], [FloeEvent::ProposalFinalized(p)] if p.passed));
    submit(&f, &operator, Operation::AdvanceEpoch).await?;
    let execute = Operation::ExecuteProposal {
        proposal_id: proposal,
    };
    submit(&f, &user, execute).await?;
    assert_eq!(f.net.with_state(|s| s.params.burn_bps), 700);

    // Nobody settled epoch 2: from epoch 5 anyone pays it by shards.
    submit(&f, &operator, Operation::AdvanceEpoch).await?;
    assert_eq!(f.net.epoch(), 5);
    let fallback = submit(&f, &user, Operation::SettleFallback { epoch: 2 }).await?;
    assert!(matches!(
        fallback.events[..],
        [
            FloeEvent::EpochSettledByFallback(_),
            FloeEvent::RewardsClaimed(_)
        ]
    ));
    Ok(())
}
