//! Scenario files: named actors and a list of steps driving a [`Localnet`].
//!
//! A scenario is JSON:
//!
//! ```json
//! { "actors": { "alice": "0x1", "op1": "0x2" },
//!   "steps": [
//!     { "sender": "op1", "op": { "op": "register_node", "name": "n1", ... }, "save_as": "pool1" },
//!     { "sender": "alice", "op": { "op": "stake", "node_id": "$pool1", "amount": 1000000000 } },
//!     { "sender": "alice", "op": { "op": "advance_epoch" }, "expect_refusal": "ENoStake" },
//!     { "advance_clock_ms": 60000 },
//!     { "seal": true } ] }
//! ```
//!
//! Any string `"$name"` inside an operation is replaced by the id saved under `name` (the
//! object created by an earlier step) or by the address of actor `name`. A step with
//! `expect_refusal` must be refused with exactly that Move error name.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::chain::{Id, Operation, Outcome, SubmitError};
use crate::localnet::Localnet;

/// A scenario file.
#[derive(Debug, Clone, Deserialize)]
pub struct Scenario {
    /// Actor name → address.
    pub actors: BTreeMap<String, Id>,
    /// Steps, in order.
    pub steps: Vec<Step>,
}

/// One step of a scenario.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Step {
    /// Submits an operation.
    Submit {
        /// The actor sending it.
        sender: String,
        /// The operation (with `$name` references).
        op: Value,
        /// Saves the created object under this name.
        #[serde(default)]
        save_as: Option<String>,
        /// The refusal expected instead of success.
        #[serde(default)]
        expect_refusal: Option<String>,
    },
    /// Moves the ledger's clock forward.
    AdvanceClock {
        /// Milliseconds.
        advance_clock_ms: u64,
    },
    /// Seals the pending transactions into a checkpoint.
    Seal {
        /// Must be `true`.
        seal: bool,
    },
}

/// Why a scenario stopped.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file is not a valid scenario.
    #[error("invalid scenario: {0}")]
    Parse(#[from] serde_json::Error),
    /// A step names an unknown actor or `$reference`, or its operation does not parse.
    #[error("step {step}: {reason}")]
    Step {
        /// 0-based step number.
        step: usize,
        /// What is wrong.
        reason: String,
    },
    /// A step was not executed as expected.
    #[error("step {step} ({kind}): expected {expected}, got {got}")]
    Unexpected {
        /// 0-based step number.
        step: usize,
        /// The operation.
        kind: &'static str,
        /// What the scenario expected.
        expected: String,
        /// What happened.
        got: String,
    },
    /// The ledger failed (not a refusal).
    #[error("step {step}: {source}")]
    Ledger {
        /// 0-based step number.
        step: usize,
        /// The failure.
        source: SubmitError,
    },
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Operations accepted.
    pub accepted: u64,
    /// Operations refused as expected.
    pub refused: u64,
    /// Events emitted.
    pub events: u64,
    /// Saved names → ids.
    pub saved: BTreeMap<String, Id>,
}

impl Scenario {
    /// Parses a scenario from JSON text.
    pub fn from_json(text: &str) -> Result<Self, ScenarioError> {
        Ok(serde_json::from_str(text)?)
    }
}

fn substitute(v: &mut Value, names: &BTreeMap<String, Id>) -> Result<(), String> {
    match v {
        Value::String(s) => {
            if let Some(name) = s.strip_prefix('$') {
                let id = names
                    .get(name)
                    .ok_or_else(|| format!("unknown reference ${name}"))?;
                *s = id.to_string();
            }
        }
        Value::Array(a) => a.iter_mut().try_for_each(|x| substitute(x, names))?,
        Value::Object(o) => o.values_mut().try_for_each(|x| substitute(x, names))?,
        _ => {}
    }
    Ok(())
}

/// Runs `scenario` against `net`, stopping at the first unexpected result.
pub fn run(net: &Localnet, scenario: &Scenario) -> Result<RunReport, ScenarioError> {
    let mut report = RunReport::default();
    let mut names: BTreeMap<String, Id> = scenario.actors.clone();
    for (step, s) in scenario.steps.iter().enumerate() {
        match s {
            Step::AdvanceClock { advance_clock_ms } => net.advance_clock(*advance_clock_ms),
            Step::Seal { .. } => {
                net.seal()
                    .map_err(|source| ScenarioError::Ledger { step, source })?;
            }
            Step::Submit {
                sender,
                op,
                save_as,
                expect_refusal,
            } => {
                let from = *scenario
                    .actors
                    .get(sender)
                    .ok_or_else(|| ScenarioError::Step {
                        step,
                        reason: format!("unknown actor {sender}"),
                    })?;
                let mut op = op.clone();
                substitute(&mut op, &names)
                    .map_err(|reason| ScenarioError::Step { step, reason })?;
                let op: Operation =
                    serde_json::from_value(op).map_err(|e| ScenarioError::Step {
                        step,
                        reason: e.to_string(),
                    })?;
                let kind = op.kind();
                match (net.execute(from, op), expect_refusal) {
                    (Ok(r), None) => {
                        report.accepted += 1;
                        report.events += r.events.len() as u64;
                        if let Some(name) = save_as {
                            let id = match r.outcome {
                                Outcome::Created(id) => id,
                                _ => {
                                    return Err(ScenarioError::Step {
                                        step,
                                        reason: format!("{kind} creates nothing to save"),
                                    })
                                }
                            };
                            names.insert(name.clone(), id);
                            report.saved.insert(name.clone(), id);
                        }
                    }
                    (Err(SubmitError::Refused(e)), Some(want)) if e.name() == want => {
                        report.refused += 1;
                    }
                    (Err(SubmitError::Refused(e)), want) => {
                        return Err(ScenarioError::Unexpected {
                            step,
                            kind,
                            expected: want.clone().unwrap_or_else(|| "success".into()),
                            got: e.name().into(),
                        })
                    }
                    (Ok(_), Some(want)) => {
                        return Err(ScenarioError::Unexpected {
                            step,
                            kind,
                            expected: want.clone(),
                            got: "success".into(),
                        })
                    }
                    (Err(source), _) => return Err(ScenarioError::Ledger { step, source }),
                }
            }
        }
    }
    Ok(report)
}
