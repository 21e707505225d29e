//! Issue 13, acceptance 6: storage confirmations from `floe node run` processes, each a BLS
//! signature over Walrus's blob certificate message, given only once every sliver of the node's
//! shards is stored; aggregated, they form a certificate the ledger accepts (checked as the Move
//! `bls_committee` checks it), while a forged signature, a signer missing from the aggregate and
//! too few signers are refused and certify nothing.

mod common;

use common::network::{bls_key, user, TestChain, TestNode};
use floe_indexer::bls::{messages, signers_bitmap, PublicKey, SecretKey, Signature};
use floe_indexer::chain::{Id, Operation};
use floe_node::client::ClientError;
use floe_node::encoding::{
    encode_slice, EncodedBlob, EncodingConfig, Primary, Secondary, ShardIndex,
};
use floe_node::node::store::Axis;

const N_SHARDS: u16 = 10;

struct Network {
    nodes: Vec<TestNode>,
    chain: TestChain,
    _dirs: Vec<tempfile::TempDir>,
}

impl Network {
    fn start() -> Self {
        let chain = TestChain::start(N_SHARDS, 4);
        let dirs: Vec<_> = (0..4).map(|_| tempfile::tempdir().expect("dir")).collect();
        let nodes = dirs
            .iter()
            .enumerate()
            .map(|(i, d)| TestNode::start_for(&chain, i, d.path()))
            .collect();
        Network {
            nodes,
            chain,
            _dirs: dirs,
        }
    }

    /// Registers a blob and uploads its metadata and every sliver to the nodes holding them;
    /// returns the blob and its object.
    async fn store(&self, seed: &str, deletable: bool) -> (EncodedBlob, Id) {
        let config = EncodingConfig::new(N_SHARDS).expect("shards");
        let blob = encode_slice(&config, &common::gen(64 * 1024, seed)).expect("encodes");
        let id = blob.metadata().blob_id;
        let object = self.chain.register(blob.metadata(), 3, deletable);
        for node in &self.nodes {
            node.wait_epoch(self.chain.epoch()).await;
            node.wait_registered(&id).await;
            node.client
                .put_metadata(&id, &blob.metadata().metadata)
                .await
                .expect("metadata");
        }
        // Before its slivers, no node confirms.
        let persistence = deletable.then_some(object.0);
        refused(
            self.nodes[0].client.confirmation(&id, persistence).await,
            "MISSING_SLIVERS",
        );
        for (i, node) in self.nodes.iter().enumerate() {
            for shard in self.chain.shards_of(self.chain.pools[i]) {
                let pair = ShardIndex(shard).to_pair_index(N_SHARDS, &id);
                let primary = blob.sliver_bcs::<Primary>(pair.to_sliver_index::<Primary>(N_SHARDS));
                let secondary =
                    blob.sliver_bcs::<Secondary>(pair.to_sliver_index::<Secondary>(N_SHARDS));
                for (axis, bytes) in [(Axis::Primary, primary), (Axis::Secondary, secondary)] {
                    node.client
                        .put_sliver(&id, pair.0, axis, bytes)
                        .await
                        .expect("sliver");
                }
            }
        }
        (blob, object)
    }

    /// Every node's confirmation, checked: the expected message, signed by the node's key.
    async fn confirmations(&self, blob: &EncodedBlob, deletable: Option<Id>) -> Vec<Signature> {
        let id = blob.metadata().blob_id;
        let expected =
            messages::blob_cert(self.chain.epoch(), &id.0, deletable.as_ref().map(|o| &o.0));
        let mut signatures = Vec::new();
        for (i, node) in self.nodes.iter().enumerate() {
            let (message, signature) = node
                .client
                .confirmation(&id, deletable.map(|o| o.0))
                .await
                .expect("a confirmation");
            assert_eq!(message, expected, "node {i} signed another message");
            let signature = Signature::from_bytes(&signature).expect("a signature");
            let key = PublicKey::from_bytes(&bls_key(i).public_key().to_bytes()).expect("key");
            assert!(signature.verify(&key, &message), "node {i}'s signature");
            signatures.push(signature);
        }
        signatures
    }

    /// A certificate of `message` by the nodes at committee positions `positions`, with
    /// `signatures[node]` for each.
    fn certificate(
        &self,
        object: Id,
        message: Vec<u8>,
        positions: &[usize],
        signatures: &[Signature],
    ) -> Operation {
        let order = self.chain.committee_order();
        let chosen: Vec<Signature> = positions.iter().map(|&p| signatures[order[p]]).collect();
        Operation::CertifyBlobSigned {
            blob_object_id: object,
            signature: Signature::aggregate(&chosen)
                .expect("aggregates")
                .to_bytes()
                .to_vec(),
            signers_bitmap: signers_bitmap(positions, order.len()),
            message,
        }
    }

    fn refusal(&self, op: Operation) -> Option<&'static str> {
        self.chain
            .net
            .execute(user(), op)
            .err()
            .and_then(|e| e.refusal_name())
    }
}

fn refused<T: std::fmt::Debug>(result: Result<T, ClientError>, reason: &str) {
    match result {
        Err(ClientError::Refused { reason: why, .. }) => assert_eq!(why, reason),
        other => panic!("expected a {reason} refusal, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_confirmations_certify_a_blob_and_forgeries_are_refused() {
    let net = Network::start();
    let (blob, object) = net.store("certificate", false).await;
    let id = blob.metadata().blob_id;
    // A permanent blob has no deletable confirmation.
    refused(
        net.nodes[0].client.confirmation(&id, Some(object.0)).await,
        "NOT_REGISTERED",
    );
    let mut signatures = net.confirmations(&blob, None).await;
    let message = messages::blob_cert(net.chain.epoch(), &id.0, None);
    let all = [0, 1, 2, 3];

    // One signer's signature replaced by a non-member's.
    let genuine = signatures[3];
    signatures[3] = SecretKey::from_scalar(99).expect("key").sign(&message);
    let forged = net.certificate(object, message.clone(), &all, &signatures);
    assert_eq!(net.refusal(forged), Some("EInvalidSignature"));
    signatures[3] = genuine;
    // The bitmap names a member whose signature is not in the aggregate.
    let order = net.chain.committee_order();
    let mut missing = net.certificate(object, message.clone(), &[0, 1, 2], &signatures);
    if let Operation::CertifyBlobSigned { signers_bitmap, .. } = &mut missing {
        *signers_bitmap = floe_indexer::bls::signers_bitmap(&all, order.len());
    }
    assert_eq!(net.refusal(missing), Some("EInvalidSignature"));
    // One signer is short of a 2/3 quorum of the shards.
    let alone = net.certificate(object, message.clone(), &[0], &signatures);
    assert_eq!(net.refusal(alone), Some("EBelowQuorum"));
    // The signatures over another blob's message.
    let other = messages::blob_cert(net.chain.epoch(), &[9; 32], None);
    let wrong = net.certificate(object, other, &all, &signatures);
    assert_eq!(net.refusal(wrong), Some("EInvalidSignature"));
    let status = net.nodes[0].client.blob_status(&id).await.expect("status");
    assert_eq!(status["permanent"]["isCertified"], false, "{status}");

    // The genuine certificate of every node certifies the blob; the nodes see it.
    let receipt = net
        .chain
        .net
        .execute(user(), net.certificate(object, message, &all, &signatures))
        .expect("the certificate is accepted");
    assert!(receipt.events.iter().any(|e| e.name() == "BlobCertified"));
    for node in &net.nodes {
        common::network::wait_until("the node sees the certification", || async {
            let status = node.client.blob_status(&id).await.ok()?;
            (status["permanent"]["isCertified"] == true).then_some(())
        })
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deletable_blob_is_certified_with_its_object_in_the_message() {
    let net = Network::start();
    let (blob, object) = net.store("deletable certificate", true).await;
    let id = blob.metadata().blob_id;
    // Its permanent confirmation does not exist.
    refused(
        net.nodes[1].client.confirmation(&id, None).await,
        "NOT_REGISTERED",
    );
    let signatures = net.confirmations(&blob, Some(object)).await;
    let message = messages::blob_cert(net.chain.epoch(), &id.0, Some(&object.0));
    // A quorum of three (at least 7 of 10 shards whichever three) is enough.
    let order = net.chain.committee_order();
    let weights: Vec<usize> = order
        .iter()
        .map(|&i| net.chain.shards_of(net.chain.pools[i]).len())
        .collect();
    let three: Vec<usize> = {
        let mut by_weight: Vec<usize> = (0..order.len()).collect();
        by_weight.sort_by_key(|&p| std::cmp::Reverse(weights[p]));
        by_weight[..3].to_vec()
    };
    let cert = net.certificate(object, message, &three, &signatures);
    net.chain
        .net
        .execute(user(), cert)
        .expect("a quorum certificate is accepted");
}
