//! The settlement audit against the real local ledger: a chain driven through several epochs
//! (nodes joining, stake moving, commission changes, challenge results with a liar, governance
//! changing the burn share and the curve, a fallback, a forged settlement signed by a quorum),
//! read back checkpoint by checkpoint, its events decoded and folded into [`AuditState`].
//!
//! For every ended epoch the settlement recomputed from the events alone must be exactly the
//! model's (`System::compute_settlement`: header and entries); honest settlements must audit as
//! matches, the forged one as a mismatch naming its epoch, and the forged entries, once claimed,
//! as claim differences naming the pool. The state is persisted as JSON after every checkpoint
//! (as the indexer does with each batch) and reloaded, and a restart from a snapshot taken
//! mid-stream gives the same findings.

use std::collections::BTreeMap;

use anyhow::{bail, ensure, Context, Result};
use floe_economics::model::governance::ParamChange;
use floe_economics::model::storage::derive_blob_id;
use floe_economics::model::{GenesisPricing, Params};
use floe_economics::performance::PerformanceCurve;
use floe_economics::settlement::{EpochSettlement, MerkleTree, SettlementEntry, SettlementHeader};
use floe_economics::Epoch;
use floe_indexer::bls::{self, SecretKey, Signature};
use floe_indexer::chain::{Id, Operation, Outcome, Receipt};
use floe_indexer::localnet::{Genesis, Localnet};
use floe_indexer_sql::audit::{AuditOutcome, AuditParams, AuditState, Finding};

const WAL: u64 = 1_000_000_000;
const MIB: u64 = 1 << 20;

fn admin() -> Id {
    Id::from_u64(0xAD)
}
fn user() -> Id {
    Id::from_u64(0xB10B)
}
fn operator(i: usize) -> Id {
    Id::from_u64(0x1000 + i as u64)
}

/// The chain, the audit following it, and what the audit found.
struct Harness {
    net: Localnet,
    /// Each pool's BLS key.
    keys: BTreeMap<Id, SecretKey>,
    /// Operator of each pool.
    operators: BTreeMap<Id, Id>,
    /// The next checkpoint to read.
    cursor: u64,
    /// The audit, persisted and reloaded after every checkpoint.
    audit: AuditState,
    /// Configured with a wrong genesis burn share.
    misconfigured: AuditState,
    /// Started late (after the committee of epoch 2 was selected).
    late: Option<AuditState>,
    findings: Vec<Finding>,
    misconfigured_findings: Vec<Finding>,
    late_findings: Vec<Finding>,
    /// `(checkpoint, findings so far, state JSON)` taken mid-stream.
    snapshot: Option<(u64, usize, String)>,
    largest_state_json: usize,
    blobs: u64,
}

impl Harness {
    /// A chain with the given fallback delay (0: the epoch change pays the pot).
    fn new(settlement_fallback_epochs: u32) -> Result<Self> {
        let params = Params {
            n_shards: 10,
            max_epochs_ahead: 10,
            max_active_nodes: 10,
            max_shards_per_node: 10,
            settlement_fallback_epochs,
            ..Params::default()
        };
        let genesis = Genesis {
            package_id: Id::from_u64(0xf10e),
            start_time_ms: 1_700_000_000_000,
            params,
            accounts: [(admin(), 100_000 * WAL), (user(), 100_000 * WAL)]
                .into_iter()
                .chain((0..5).map(|i| (operator(i), 10 * WAL)))
                .collect(),
            pricing: Some(GenesisPricing {
                storage_price_usd: 1_000_000,
                write_price_usd: 10_000,
                wal_usd_rate: WAL,
                capacity: 1_000_000_000_000,
            }),
        };
        let audit_params = AuditParams::from(&params);
        // The genesis here keeps the model's defaults for the settlement parameters.
        assert_eq!(audit_params, AuditParams::default());
        Ok(Harness {
            net: Localnet::in_memory(genesis)?,
            keys: BTreeMap::new(),
            operators: BTreeMap::new(),
            cursor: 0,
            audit: AuditState::new(audit_params),
            misconfigured: AuditState::new(AuditParams {
                burn_bps: 600,
                ..audit_params
            }),
            late: None,
            findings: Vec::new(),
            misconfigured_findings: Vec::new(),
            late_findings: Vec::new(),
            snapshot: None,
            largest_state_json: 0,
            blobs: 0,
        })
    }

    /// Executes `op` and folds the checkpoints it sealed into the audits.
    fn exec(&mut self, sender: Id, op: Operation) -> Result<Receipt> {
        let kind = op.kind();
        let r = self
            .net
            .execute(sender, op)
            .with_context(|| format!("{kind} refused"))?;
        self.follow()?;
        Ok(r)
    }

    /// Reads every sealed checkpoint not read yet, as the indexer does: decode, process, and
    /// persist the state with the batch (here: JSON out and back in, checked lossless).
    fn follow(&mut self) -> Result<()> {
        while self.cursor < self.net.checkpoint_count() {
            let cp = self
                .net
                .try_checkpoint(self.cursor)
                .context("a sealed checkpoint")?;
            for event in cp.events() {
                let e = event.decode()?;
                self.findings.extend(self.audit.process(&e));
                self.misconfigured_findings
                    .extend(self.misconfigured.process(&e));
                if let Some(late) = &mut self.late {
                    self.late_findings.extend(late.process(&e));
                }
            }
            let json = serde_json::to_string(&self.audit)?;
            self.largest_state_json = self.largest_state_json.max(json.len());
            let reloaded: AuditState = serde_json::from_str(&json)?;
            ensure!(reloaded == self.audit, "the JSON round trip lost state");
            self.audit = reloaded;
            self.cursor += 1;
        }
        Ok(())
    }

    /// Takes the mid-stream snapshot a restart resumes from.
    fn take_snapshot(&mut self) -> Result<()> {
        self.snapshot = Some((
            self.cursor,
            self.findings.len(),
            serde_json::to_string(&self.audit)?,
        ));
        Ok(())
    }

    fn register(&mut self, i: usize, commission_bps: u16) -> Result<Id> {
        let key = SecretKey::from_scalar(i as u64 + 1)?;
        let op = Operation::RegisterNode {
            name: format!("node-{i}"),
            network_address: format!("node-{i}.local:9185"),
            public_key: key.public_key().to_bytes().to_vec(),
            commission_bps,
            storage_price_usd: 1_000_000,
            write_price_usd: 10_000,
            capacity: 1_000_000_000_000,
        };
        let pool = self.exec(operator(i), op)?.created().context("a pool")?;
        let report = Operation::ReportWalUsdRate {
            node_id: pool,
            rate: WAL,
        };
        self.exec(operator(i), report)?;
        self.keys.insert(pool, key);
        self.operators.insert(pool, operator(i));
        Ok(pool)
    }

    fn stake(&mut self, pool: Id, wal: u64) -> Result<Id> {
        let op = Operation::Stake {
            node_id: pool,
            amount: wal * WAL,
        };
        self.exec(admin(), op)?.created().context("a receipt")
    }

    /// Buys storage for three epochs and stores a certified blob in it (storage fees for the
    /// coming pots, a write fee for this one, certified bytes).
    fn store_blob(&mut self) -> Result<()> {
        self.blobs += 1;
        let reserve = Operation::ReserveSpace {
            size: 64 * MIB,
            epochs_ahead: 3,
        };
        let storage = self.exec(user(), reserve)?.created().context("storage")?;
        let mut root = [0u8; 32];
        root[..8].copy_from_slice(&self.blobs.to_le_bytes());
        let size = MIB + self.blobs * 1000;
        let register = Operation::RegisterBlob {
            storage_id: storage,
            blob_id: Id(derive_blob_id(&root, 1, size)),
            root_hash: Id(root),
            size,
            encoding_type: 1,
            deletable: false,
        };
        let blob = self.exec(user(), register)?.created().context("a blob")?;
        let certify = Operation::CertifyBlob {
            blob_object_id: blob,
            epoch: self.net.epoch(),
            signers_shards: 10,
        };
        self.exec(user(), certify)?;
        Ok(())
    }

    /// The current committee in committee order.
    fn committee(&self) -> Vec<Id> {
        self.net.with_state(|s| s.committee_order.clone())
    }

    /// Draws the seed, then each challenger in `challengers` (committee positions) posts
    /// `rate(challenger position, member position)` for every member.
    fn post_results(
        &mut self,
        challengers: &[usize],
        rate: impl Fn(usize, usize) -> u16,
    ) -> Result<()> {
        self.exec(user(), Operation::DrawChallengeSeed)?;
        let committee = self.committee();
        let epoch = self.net.epoch();
        for &c in challengers {
            let pool = *committee.get(c).context("a challenger in the committee")?;
            let op = Operation::SubmitChallengeResults {
                node_id: pool,
                epoch,
                results: (0..committee.len()).map(|m| rate(c, m)).collect(),
            };
            let sender = self.operators[&pool];
            self.exec(sender, op)?;
        }
        Ok(())
    }

    fn advance(&mut self) -> Result<()> {
        self.exec(admin(), Operation::AdvanceEpoch)?;
        self.check_open_epochs()
    }

    /// Every ended epoch the audit holds open recomputes to exactly the model's settlement.
    fn check_open_epochs(&self) -> Result<()> {
        let open: Vec<Epoch> = self.audit.open_epochs().collect();
        for epoch in open {
            if epoch >= self.net.epoch() {
                continue;
            }
            self.check_recompute(epoch)?;
        }
        Ok(())
    }

    fn check_recompute(&self, epoch: Epoch) -> Result<EpochSettlement> {
        let model = self.net.with_state(|s| s.compute_settlement(epoch))?;
        let audit = self
            .audit
            .recompute(epoch)
            .with_context(|| format!("recomputing epoch {epoch}"))?;
        ensure!(
            audit.header == model.header,
            "epoch {epoch}: header {:?} recomputed, {:?} by the model",
            audit.header,
            model.header
        );
        ensure!(
            audit.entries == model.entries,
            "epoch {epoch}: entries differ"
        );
        Ok(model)
    }

    /// The settlement certificate of `header` by the committee that served `epoch`: all
    /// members, or (`all = false`) the first ones in committee order up to a 2/3 quorum.
    fn certify(&self, epoch: Epoch, header: &SettlementHeader, all: bool) -> Result<Operation> {
        let members: Vec<(Id, u16)> = self
            .net
            .with_state(|s| {
                s.ended
                    .get(&epoch)
                    .map(|e| e.nodes.iter().map(|n| (Id(n.pool_id), n.shards)).collect())
            })
            .context("an ended epoch")?;
        let n: u64 = members.iter().map(|(_, w)| u64::from(*w)).sum();
        let message = bls::messages::settlement(epoch, &header.digest());
        let (mut signers, mut weight, mut signatures) = (Vec::new(), 0u64, Vec::new());
        for (i, (pool, shards)) in members.iter().enumerate() {
            if !all && bls::is_quorum(weight, n) {
                break;
            }
            signers.push(i);
            weight += u64::from(*shards);
            signatures.push(self.keys[pool].sign(&message));
        }
        Ok(Operation::SubmitSettlementSigned {
            settlement: *header,
            signature: Signature::aggregate(&signatures)?.to_bytes().to_vec(),
            signers_bitmap: bls::signers_bitmap(&signers, members.len()),
        })
    }

    /// The committee certifies the honest settlement of `epoch`; then `claimants` claim.
    fn settle_honestly(&mut self, epoch: Epoch, claimants: usize) -> Result<()> {
        let s = self.check_recompute(epoch)?;
        let op = self.certify(epoch, &s.header, true)?;
        self.exec(user(), op)?;
        for entry in s.entries.iter().take(claimants) {
            let (entry, proof) = s.proof_for(&entry.pool_id).context("a proof")?;
            self.exec(
                user(),
                Operation::Claim {
                    epoch,
                    entry,
                    proof,
                },
            )?;
        }
        Ok(())
    }

    /// Passes and later executes `change`: proposed and voted with all of the admin's receipts.
    fn propose(&mut self, receipts: &[Id], change: ParamChange) -> Result<u64> {
        let op = Operation::Propose {
            staked_wal_id: receipts[0],
            change,
        };
        let Outcome::Proposal(id) = self.exec(admin(), op)?.outcome else {
            bail!("no proposal id");
        };
        for r in receipts {
            let vote = Operation::Vote {
                proposal_id: id,
                staked_wal_id: *r,
                support: true,
            };
            self.exec(admin(), vote)?;
        }
        Ok(id)
    }

    fn settlement_finding(findings: &[Finding], epoch: Epoch) -> Option<&AuditOutcome> {
        findings.iter().find_map(|f| match f {
            Finding::Settlement { epoch: e, outcome } if *e == epoch => Some(outcome),
            _ => None,
        })
    }
}

#[test]
fn the_audit_recomputes_every_settlement_from_the_events() -> Result<()> {
    let mut t = Harness::new(2)?;

    // Epoch 0: four nodes register (commission 10%, 5%, 0, 25%) and get 100..400 WAL.
    let mut pools = Vec::new();
    for (i, commission) in [1000, 500, 0, 2500].into_iter().enumerate() {
        pools.push(t.register(i, commission)?);
    }
    let mut receipts = Vec::new();
    for (i, pool) in pools.clone().into_iter().enumerate() {
        receipts.push(t.stake(pool, 100 * (i as u64 + 1))?);
    }
    t.advance()?;

    // Epoch 1: a blob, a proposal to burn 15%, no challenge results (neutral factors).
    assert_eq!(t.net.epoch(), 1);
    t.store_blob()?;
    let burn = t.propose(&receipts, ParamChange::BurnBps(1500))?;
    t.advance()?;

    // Epoch 2: epoch 1 settled and two pools claim; a fifth node joins with the most stake;
    // node 1 raises its commission (from epoch 4); a curve proposal; every challenger finds
    // node 0 at 70%. Nobody settles epoch 2: the fallback pays it later.
    t.settle_honestly(1, 2)?;
    let node4 = t.register(4, 700)?;
    receipts.push(t.stake(node4, 500)?);
    let set = Operation::SetCommission {
        node_id: pools[1],
        commission_bps: 3000,
    };
    t.exec(operator(1), set)?;
    let curve = t.propose(
        &receipts[..4],
        ParamChange::Curve(PerformanceCurve {
            zero_below_bps: 6000,
            full_at_bps: 9000,
        }),
    )?;
    t.store_blob()?;
    let order = t.committee();
    let weak = order
        .iter()
        .position(|p| *p == pools[0])
        .context("node 0")?;
    t.post_results(&[0, 1, 2, 3], |_, m| if m == weak { 7000 } else { 10_000 })?;
    // The late audit starts here: it missed the committee selection of epoch 2.
    t.late = Some(AuditState::default());
    t.advance()?;
    assert!(t.committee().contains(&node4));

    // Epoch 3: node 3's stake leaves from epoch 4; the challengers disagree about the last
    // member (node 1): the one with the most stake, more than a third of it, finds it perfect,
    // the three others at 60%. Weighed by stake, its rate is 100% (by head count, 60%).
    t.store_blob()?;
    let withdraw = Operation::RequestWithdrawal {
        staked_wal_id: receipts[3],
    };
    t.exec(admin(), withdraw)?;
    let order = t.committee();
    let last = order.len() - 1;
    assert_eq!(order[last], pools[1]);
    t.post_results(&[0, 1, 2, 3], |c, m| {
        if c != 0 && m == last {
            6_000
        } else {
            10_000
        }
    })?;
    t.advance()?;
    t.take_snapshot()?;

    // Epoch 4: the burn change executes before epoch 3 is settled, so that settlement burns
    // 15% (the audit follows ProposalExecuted); node 2 sets its commission twice (the second
    // replaces the first); the challenger with the least stake lies about everyone.
    t.exec(user(), Operation::ExecuteProposal { proposal_id: burn })?;
    assert_eq!(t.audit.params().burn_bps, 1500);
    let three = t.check_recompute(3)?;
    let node1 = three.proof_for(&pools[1].0).context("node 1's entry")?.0;
    assert_eq!(node1.performance_bps, 10_000);
    t.settle_honestly(3, 5)?;
    for commission_bps in [4000, 100] {
        let set = Operation::SetCommission {
            node_id: pools[2],
            commission_bps,
        };
        t.exec(operator(2), set)?;
    }
    t.store_blob()?;
    let order = t.committee();
    let liar = order.len() - 1;
    let slow = order
        .iter()
        .position(|p| *p == pools[1])
        .context("node 1")?;
    t.post_results(&(0..order.len()).collect::<Vec<_>>(), |c, m| {
        if c == liar {
            0
        } else if m == slow {
            9_000
        } else {
            10_000
        }
    })?;
    t.advance()?;

    // Epoch 5: epoch 4 settled; the curve change executes; epoch 2 is paid by the fallback;
    // node 2 passes 80% of its challenges (a factor of 2/3 under the new curve).
    t.settle_honestly(4, 1)?;
    t.exec(user(), Operation::ExecuteProposal { proposal_id: curve })?;
    assert_eq!(t.audit.params().curve, t.net.with_state(|s| s.params.curve));
    t.check_recompute(2)?;
    t.exec(user(), Operation::SettleFallback { epoch: 2 })?;
    assert!(t.audit.recomputed(2).is_none(), "all pools were credited");
    t.store_blob()?;
    let order = t.committee();
    let weak = order
        .iter()
        .position(|p| *p == pools[2])
        .context("node 2")?;
    t.post_results(&(0..order.len()).collect::<Vec<_>>(), |_, m| {
        if m == weak {
            8_000
        } else {
            10_000
        }
    })?;
    t.advance()?;

    // Epoch 6: a quorum certifies a forged settlement of epoch 5: one FROST moved from one
    // pool's stakers to another's, the totals untouched (all the chain checks). Both claim.
    let honest = t.check_recompute(5)?;
    let mut entries: Vec<SettlementEntry> = honest.entries.clone();
    let (from, to) = (0, entries.len() - 1);
    ensure!(entries[from].staker_reward > 0, "a reward to move");
    entries[from].staker_reward -= 1;
    entries[to].staker_reward += 1;
    let tree = MerkleTree::new(entries.iter().map(SettlementEntry::leaf).collect());
    let forged = SettlementHeader {
        entries_root: tree.root(),
        ..honest.header
    };
    let op = t.certify(5, &forged, false)?;
    t.exec(user(), op)?;
    for i in [from, to] {
        let proof = tree.proof(i as u32).context("a proof")?;
        let claim = Operation::Claim {
            epoch: 5,
            entry: entries[i],
            proof,
        };
        t.exec(user(), claim)?;
    }
    t.advance()?;

    // Epochs 7 and 8: honest again; in epoch 7 only two challengers report.
    t.settle_honestly(6, 5)?;
    t.post_results(&[0, 2], |c, m| if c == m { 10_000 } else { 7_000 })?;
    t.advance()?;
    t.settle_honestly(7, 0)?;

    // The scenario moved every input: committees of different sizes, commission changes in
    // force, performance factors from the results (70%, 90% with a liar, 80% under the new
    // curve) in the settlements the model computed.
    let node = |epoch: Epoch, pool: Id| {
        t.net.with_state(|s| {
            let e = s.ended.get(&epoch)?;
            let n = e.nodes.iter().find(|n| n.pool_id == pool.0)?;
            Some((e.nodes.len(), n.commission_bps))
        })
    };
    assert_eq!(node(2, pools[0]).map(|n| n.0), Some(4));
    assert_eq!(
        (node(3, node4).map(|n| n.0), node(3, pools[0])),
        (Some(4), None)
    );
    assert_eq!(node(5, pools[0]).map(|n| n.0), None);
    assert_eq!(node(5, node4).map(|n| n.0), Some(3));
    assert_eq!(node(3, pools[1]).map(|n| n.1), Some(500));
    assert_eq!(node(4, pools[1]).map(|n| n.1), Some(3000));
    assert_eq!(node(5, pools[2]).map(|n| n.1), Some(0));
    assert_eq!(node(6, pools[2]).map(|n| n.1), Some(100));
    // (The kept recomputations: the model's `compute_settlement` would use today's curve.)
    let performance = |epoch: Epoch, pool: Id| -> Result<u16> {
        let s = t.audit.recomputed(epoch).context("kept")?;
        Ok(s.entry(&pool).context("an entry")?.performance_bps)
    };
    assert_eq!(performance(4, pools[1])?, 8888);
    assert_eq!(performance(5, pools[2])?, 6666);
    let fallback = t.net.with_state(|s| s.ended[&2].settled);
    assert_eq!(fallback.map(|h| h.burned > 0 && h.paid > 0), Some(true));

    // Every honest settlement matched, the fallback too; the forged one did not.
    for epoch in [1, 2, 3, 4, 6, 7] {
        let outcome = Harness::settlement_finding(&t.findings, epoch)
            .with_context(|| format!("no audit of epoch {epoch}"))?;
        let model_root = t
            .net
            .with_state(|s| s.ended[&epoch].settled.map(|h| h.entries_root));
        match outcome {
            AuditOutcome::Match { root } => {
                assert_eq!(Some(root.as_slice()), model_root.as_ref().map(|r| &r[..]));
            }
            other => bail!("epoch {epoch}: {other}"),
        }
    }
    let outcome = Harness::settlement_finding(&t.findings, 5).context("no audit of epoch 5")?;
    let AuditOutcome::Mismatch {
        epoch,
        certified_root,
        recomputed_root,
        differences,
    } = outcome
    else {
        bail!("the forged settlement audited as {outcome}");
    };
    assert_eq!(*epoch, 5);
    assert_eq!(certified_root.as_slice(), &forged.entries_root[..]);
    assert_eq!(recomputed_root.as_slice(), &honest.header.entries_root[..]);
    assert_eq!(differences.len(), 1, "{differences:?}");
    assert!(differences[0].starts_with("entries_root: certified"));
    assert!(outcome.to_string().contains("epoch 5"), "{outcome}");
    // Its claims name the pools and the FROST moved.
    let claims: Vec<(Epoch, Id, &str)> = t
        .findings
        .iter()
        .filter_map(|f| match f {
            Finding::ClaimDiffers {
                epoch,
                node_id,
                difference,
            } => Some((*epoch, *node_id, difference.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(claims.len(), 2, "{claims:?}");
    for (i, (epoch, node, difference)) in claims.iter().enumerate() {
        let (index, delta) = if i == 0 { (from, -1i64) } else { (to, 1) };
        let honest_entry = honest.entries[index];
        assert_eq!((*epoch, node.0), (5, honest_entry.pool_id));
        let certified = honest_entry.staker_reward as i64 + delta;
        let expected = format!(
            "staker_reward: certified {certified} recomputed {}",
            honest_entry.staker_reward
        );
        assert!(difference.contains(&expected), "{difference}");
        assert!(difference.contains(&format!("pool {node}")), "{difference}");
    }
    assert_eq!(
        t.findings.len(),
        9,
        "7 settlements and 2 claims: {:?}",
        t.findings
    );

    // The parameters followed from the events are the chain's.
    let chain_params = t.net.with_state(|s| AuditParams::from(&s.params));
    assert_eq!(t.audit.params(), chain_params);

    // The state stays small: open epochs are the current one and the unsettled last one.
    let open: Vec<Epoch> = t.audit.open_epochs().collect();
    assert_eq!(open, [8], "epoch 7 settled, epoch 8 open");
    assert!(
        t.largest_state_json < 64 * 1024,
        "{} bytes",
        t.largest_state_json
    );

    // A restart from the snapshot taken at the start of epoch 4 finds the same.
    let (cursor, seen, json) = t.snapshot.clone().context("a snapshot")?;
    let mut restarted: AuditState = serde_json::from_str(&json)?;
    let mut again = Vec::new();
    for seq in cursor..t.net.checkpoint_count() {
        let cp = t.net.try_checkpoint(seq).context("a checkpoint")?;
        for event in cp.events() {
            again.extend(restarted.process(&event.decode()?));
        }
    }
    assert_eq!(again, t.findings[seen..]);
    assert_eq!(restarted, t.audit);

    // A wrong genesis burn share is a mismatch of every honest settlement's totals.
    let first = Harness::settlement_finding(&t.misconfigured_findings, 1).context("epoch 1")?;
    match first {
        AuditOutcome::Mismatch { differences, .. } => {
            assert!(differences
                .iter()
                .any(|d| d.starts_with("burned: certified")));
        }
        other => bail!("misconfigured audit: {other}"),
    }
    // An audit started after epoch 2's committee was selected cannot verify epoch 2.
    match Harness::settlement_finding(&t.late_findings, 2).context("epoch 2, late")? {
        AuditOutcome::Unverifiable { epoch: 2, reason } => {
            assert!(reason.contains("CommitteeSelected"), "{reason}")
        }
        other => bail!("late audit of epoch 2: {other}"),
    }
    // Outcomes serialize for the database.
    let json = serde_json::to_value(outcome)?;
    assert_eq!(json["outcome"], "mismatch");
    assert_eq!(serde_json::from_value::<AuditOutcome>(json)?, *outcome);
    println!(
        "audited {} settlements; largest state {} bytes of JSON",
        t.findings.len() - claims.len(),
        t.largest_state_json
    );
    Ok(())
}

/// A chain without settlement round (`settlement_fallback_epochs = 0`, genesis only): each
/// epoch change pays the ended pot by base weight, which `EpochPotClosed` reports; the audit
/// recomputes it. Twenty epochs: the kept recomputations stay bounded.
#[test]
fn pots_paid_at_the_epoch_change_are_audited_too() -> Result<()> {
    let mut t = Harness::new(0)?;
    let mut pools = Vec::new();
    for (i, commission) in [300, 0, 5000].into_iter().enumerate() {
        pools.push(t.register(i, commission)?);
        t.stake(pools[i], 100 * (i as u64 + 2))?;
    }
    t.advance()?;
    for epoch in 1..=20 {
        t.store_blob()?;
        if epoch == 5 {
            let set = Operation::SetCommission {
                node_id: pools[0],
                commission_bps: 9000,
            };
            t.exec(operator(0), set)?;
        }
        t.advance()?;
        let outcome = Harness::settlement_finding(&t.findings, epoch)
            .with_context(|| format!("no audit of epoch {epoch}"))?;
        let model = t.net.with_state(|s| s.ended[&epoch].settled);
        let model = model.context("paid at the change")?;
        assert_eq!(
            outcome,
            &AuditOutcome::Match {
                root: model.entries_root.to_vec()
            },
            "epoch {epoch}"
        );
    }
    assert_eq!(t.findings.len(), 20);
    // Only the last audited epochs keep their entries (no claims follow such a payment).
    assert!(t.audit.recomputed(20).is_some());
    assert!(t.audit.recomputed(1).is_none());
    assert!(
        t.largest_state_json < 64 * 1024,
        "{} bytes",
        t.largest_state_json
    );
    Ok(())
}
