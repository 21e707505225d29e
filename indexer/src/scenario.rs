//! Scenario files: named actors and a list of steps driving a [`Localnet`].
//!
//! A scenario is JSON:
//!
//! ```json
//! { "actors": { "alice": "0x1", "op1": "0x2" },
//!   "steps": [
//!     { "sender": "op1", "op": { "op": "register_node", "name": "n1", ... }, "save_as": "pool1" },
//!     { "sender": "alice", "op": { "op": "stake", "node_id": "$pool1", "amount": 1000000000 } },
//!     { "sender": "alice", "op": { "op": "sample_wal_usd_rate" }, "expect_refusal": "ENoVotes" },
//!     { "advance_clock_ms": 60000 },
//!     { "seal": true } ] }
//! ```
//!
//! Any string `"$name"` inside an operation is replaced by the id saved under `name` (the
//! object created by an earlier step) or by the address of actor `name`. A step with
//! `expect_refusal` must be refused with exactly that Move error name.
//!
//! Large workloads are written with `repeat` blocks, which may nest:
//!
//! ```json
//! { "repeat": { "times": 1000, "var": "j", "steps": [
//!     { "sender": "user", "save_as": "b", "op": { "op": "register_blob", "storage_id": "$st",
//!       "root_hash": "0x{j}", "size": 10000, "encoding_type": 1, "deletable": true } },
//!     { "sender": "user", "op": { "op": "certify_blob", "blob_object_id": "$b",
//!       "epoch": "{epoch}", "signers_shards": 10 } } ] } }
//! ```
//!
//! runs `steps` `times` times with the variable `var` (default `"i"`) bound to the iteration
//! number, 0-based. In every step's `sender`, `save_as` and every string of its `op`, `{var}`
//! is replaced by the decimal value of the innermost enclosing variable of that name, and
//! `{epoch}` (anywhere, also outside repeats) by the ledger's current epoch; a string that is exactly one placeholder (`"{j}"`) becomes a JSON
//! number. Substitution happens before `$name` references are resolved, so `"$pool{n}"` names
//! the id saved as `pool0`, `pool1`, …  An unknown `{name}` is an error. (Decimal digits never
//! contain `a`–`f`, so `"0x{e}a{j}"` gives distinct hex ids for distinct `(e, j)`.)
//!
//! A top-level `"vars"` object names values for `{name}` placeholders (a tool sets them with
//! [`Scenario::set_var`], e.g. the root hash of a blob it just encoded); `{storage_price}` and
//! `{write_price}` read the ledger's current FROST prices. A `{ "say": "text" }` step is
//! narration: [`run_with`] hands its expanded text to an observer (`floe demo` prints it with
//! the events sealed since the previous one).
//!
//! Other conveniences: a `register_blob` operation without `blob_id` gets the id derived from
//! its `root_hash`, `encoding_type` and `size` (what a client computes); `{ "auto_seal": N }`
//! makes the ledger seal a checkpoint every `N` transactions (0 = only on `seal` steps); and
//! an optional top-level `"genesis"` (a [`Genesis`]) tells tools such as `scenario_bench` how
//! to create the ledger. Errors name the 0-based index of the top-level step (a repeat block's
//! own index for a step inside it).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use floe_economics::model::storage::derive_blob_id;

use crate::chain::{Id, Operation, Outcome, SubmitError};
use crate::localnet::{Genesis, Localnet};

/// The development network's scenario (`indexer/scenarios/devnet.json`): four storage nodes
/// with stake and delegators, three epochs of rate reports, votes and blobs stored, certified,
/// extended and deleted, a withdrawal and a commission collection. `floe ledger serve` starts
/// a new ledger with it.
pub const DEVNET: &str = include_str!("../scenarios/devnet.json");

/// A scenario file.
#[derive(Debug, Clone, Deserialize)]
pub struct Scenario {
    /// Actor name → address.
    pub actors: BTreeMap<String, Id>,
    /// Steps, in order.
    pub steps: Vec<Step>,
    /// How to create the ledger, for tools that create one (the runner ignores it).
    #[serde(default)]
    pub genesis: Option<Genesis>,
    /// Named values for `{name}` placeholders (numbers or strings); tools set them with
    /// [`Scenario::set_var`] before running.
    #[serde(default)]
    pub vars: BTreeMap<String, Value>,
}

/// A block of steps run several times (see the module documentation).
#[derive(Debug, Clone, Deserialize)]
pub struct Repeat {
    /// How many times.
    pub times: u64,
    /// The name of the iteration variable (`{var}` in templates).
    #[serde(default = "default_var")]
    pub var: String,
    /// The steps of one iteration.
    pub steps: Vec<Step>,
}

fn default_var() -> String {
    "i".into()
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
    /// Runs a block of steps several times.
    Repeat {
        /// The block.
        repeat: Repeat,
    },
    /// Seals a checkpoint every `auto_seal` transactions from now on (0 = off).
    AutoSeal {
        /// Transactions per checkpoint.
        auto_seal: usize,
    },
    /// Narration: its text (placeholders expanded) goes to the run's observer.
    Say {
        /// The text.
        say: String,
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

    /// Sets the value of the `{name}` placeholder.
    pub fn set_var(&mut self, name: &str, value: impl Into<Value>) {
        self.vars.insert(name.to_owned(), value.into());
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

/// The values `{name}` placeholders stand for: the enclosing repeat variables (innermost
/// last), the scenario's `vars`, and from the ledger `{epoch}`, `{storage_price}` and
/// `{write_price}` (FROST per MiB per epoch, per MiB written).
struct Vars<'a> {
    net: &'a Localnet,
    loops: Vec<(String, u64)>,
    globals: &'a BTreeMap<String, Value>,
}

impl Vars<'_> {
    fn get(&self, name: &str) -> Result<Value, String> {
        if let Some((_, v)) = self.loops.iter().rev().find(|(n, _)| n == name) {
            return Ok(Value::from(*v));
        }
        if let Some(v) = self.globals.get(name) {
            return Ok(v.clone());
        }
        match name {
            "epoch" => Ok(Value::from(self.net.epoch())),
            "storage_price" => Ok(Value::from(self.net.with_state(|s| s.storage_price))),
            "write_price" => Ok(Value::from(self.net.with_state(|s| s.write_price))),
            _ => Err(format!("unknown variable {{{name}}}")),
        }
    }

    /// Replaces every `{name}` of `s`.
    fn expand(&self, s: &str) -> Result<String, String> {
        let mut out = String::with_capacity(s.len() + 8);
        let mut rest = s;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let close = after
                .find('}')
                .ok_or_else(|| format!("unclosed {{ in {s:?}"))?;
            match self.get(&after[..close])? {
                Value::String(text) => out.push_str(&text),
                other => out.push_str(&other.to_string()),
            }
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Expands the placeholders of every string in `v`; a string that is exactly one
    /// placeholder becomes a number.
    fn expand_value(&self, v: &mut Value) -> Result<(), String> {
        match v {
            Value::String(s) if s.contains('{') => {
                let whole = s
                    .strip_prefix('{')
                    .and_then(|x| x.strip_suffix('}'))
                    .filter(|x| !x.contains(['{', '}']));
                *v = match whole {
                    Some(name) => self.get(name)?,
                    None => Value::String(self.expand(s)?),
                };
            }
            Value::Array(a) => a.iter_mut().try_for_each(|x| self.expand_value(x))?,
            Value::Object(o) => o.values_mut().try_for_each(|x| self.expand_value(x))?,
            _ => {}
        }
        Ok(())
    }
}

/// Fills in a `register_blob`'s missing `blob_id` from its root hash, encoding and size.
fn derive_missing_blob_id(op: &mut Value) -> Result<(), String> {
    let Value::Object(o) = op else { return Ok(()) };
    if o.get("op").and_then(Value::as_str) != Some("register_blob") || o.contains_key("blob_id") {
        return Ok(());
    }
    let root: Id = o
        .get("root_hash")
        .and_then(Value::as_str)
        .ok_or("register_blob without blob_id needs a root_hash")?
        .parse()?;
    let encoding = o
        .get("encoding_type")
        .and_then(Value::as_u64)
        .and_then(|e| u8::try_from(e).ok())
        .ok_or("register_blob without blob_id needs an encoding_type")?;
    let size = o
        .get("size")
        .and_then(Value::as_u64)
        .ok_or("register_blob without blob_id needs a size")?;
    let id = Id(derive_blob_id(&root.0, encoding, size));
    o.insert("blob_id".into(), Value::String(id.to_string()));
    Ok(())
}

struct Runner<'a> {
    net: &'a Localnet,
    actors: &'a BTreeMap<String, Id>,
    names: BTreeMap<String, Id>,
    vars: Vars<'a>,
    report: RunReport,
    observer: &'a mut dyn FnMut(&str, &RunReport),
}

impl Runner<'_> {
    /// Runs `steps`; `top` is the index of the enclosing top-level step, if any.
    fn steps(&mut self, steps: &[Step], top: Option<usize>) -> Result<(), ScenarioError> {
        for (i, s) in steps.iter().enumerate() {
            self.step(s, top.unwrap_or(i))?;
        }
        Ok(())
    }

    fn template(&self, s: &str, step: usize) -> Result<String, ScenarioError> {
        if s.contains('{') {
            self.vars
                .expand(s)
                .map_err(|reason| ScenarioError::Step { step, reason })
        } else {
            Ok(s.to_owned())
        }
    }

    fn step(&mut self, s: &Step, step: usize) -> Result<(), ScenarioError> {
        let net = self.net;
        match s {
            Step::AdvanceClock { advance_clock_ms } => net.advance_clock(*advance_clock_ms),
            Step::Seal { .. } => {
                net.seal()
                    .map_err(|source| ScenarioError::Ledger { step, source })?;
            }
            Step::AutoSeal { auto_seal } => net.set_auto_seal(*auto_seal),
            Step::Say { say } => {
                let text = self.template(say, step)?;
                (self.observer)(&text, &self.report);
            }
            Step::Repeat { repeat } => {
                self.vars.loops.push((repeat.var.clone(), 0));
                for n in 0..repeat.times {
                    if let Some(last) = self.vars.loops.last_mut() {
                        last.1 = n;
                    }
                    let r = self.steps(&repeat.steps, Some(step));
                    if r.is_err() {
                        self.vars.loops.pop();
                        return r;
                    }
                }
                self.vars.loops.pop();
            }
            Step::Submit {
                sender,
                op,
                save_as,
                expect_refusal,
            } => {
                let sender = self.template(sender, step)?;
                let from = *self
                    .actors
                    .get(&sender)
                    .ok_or_else(|| ScenarioError::Step {
                        step,
                        reason: format!("unknown actor {sender}"),
                    })?;
                let mut op = op.clone();
                self.vars
                    .expand_value(&mut op)
                    .and_then(|()| substitute(&mut op, &self.names))
                    .and_then(|()| derive_missing_blob_id(&mut op))
                    .map_err(|reason| ScenarioError::Step { step, reason })?;
                let op: Operation =
                    serde_json::from_value(op).map_err(|e| ScenarioError::Step {
                        step,
                        reason: e.to_string(),
                    })?;
                let kind = op.kind();
                match (net.execute(from, op), expect_refusal) {
                    (Ok(r), None) => {
                        self.report.accepted += 1;
                        self.report.events += r.events.len() as u64;
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
                            let name = self.template(name, step)?;
                            self.names.insert(name.clone(), id);
                            self.report.saved.insert(name, id);
                        }
                    }
                    (Err(SubmitError::Refused(e)), Some(want)) if e.name() == want => {
                        self.report.refused += 1;
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
        Ok(())
    }
}

/// Runs `scenario` against `net`, stopping at the first unexpected result.
pub fn run(net: &Localnet, scenario: &Scenario) -> Result<RunReport, ScenarioError> {
    run_with(net, scenario, &mut |_, _| {})
}

/// Runs `scenario` against `net` like [`run`], calling `observer` at each `say` step with the
/// expanded text and the report so far (whose `saved` names the objects created until then).
pub fn run_with(
    net: &Localnet,
    scenario: &Scenario,
    observer: &mut dyn FnMut(&str, &RunReport),
) -> Result<RunReport, ScenarioError> {
    let mut runner = Runner {
        net,
        actors: &scenario.actors,
        names: scenario.actors.clone(),
        vars: Vars {
            net,
            loops: Vec::new(),
            globals: &scenario.vars,
        },
        report: RunReport::default(),
        observer,
    };
    runner.steps(&scenario.steps, None)?;
    Ok(runner.report)
}
