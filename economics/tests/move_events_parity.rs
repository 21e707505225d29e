//! Acceptance 3 of issue 5: the Rust side can trust `move/EVENTS.md`.
//!
//! Reads the event structs (`public struct X has copy, drop { ... }`) of every `events.move`
//! under `move/*/sources`, and fails if their names, field names, field order or field types
//! disagree with the Rust event types of `economics/src/events.rs` or with `move/EVENTS.md`.
//! It also fails if any other Move module emits an event (all events live in `events` modules).
//! Needs no Sui toolchain.

// The event types are compiled into this test directly, so it does not depend on how (or
// whether) `lib.rs` exposes the module.
#[path = "../src/events.rs"]
#[allow(dead_code)]
mod events;

use events::{MoveEvent, EVENTS};
use std::fs;
use std::path::{Path, PathBuf};

fn move_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../move")
}

fn move_sources() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![move_dir()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n != "build") {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|x| x == "move") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Strips `//` comments (doc comments included).
fn strip_comments(src: &str) -> String {
    src.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `(name, [(field, move type)])` of every `public struct ... has copy, drop { ... }`.
fn parse_events(src: &str) -> Vec<(String, Vec<(String, String)>)> {
    let src = strip_comments(src);
    let mut out = Vec::new();
    let mut rest = src.as_str();
    while let Some(i) = rest.find("public struct ") {
        rest = &rest[i + "public struct ".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let header_end = rest.find(['{', ';', '(']).expect("struct header ends");
        let header = &rest[..header_end];
        if !header.contains("has copy, drop") || !rest[header_end..].starts_with('{') {
            continue;
        }
        let body_end = rest[header_end..].find('}').expect("struct body ends") + header_end;
        let body = &rest[header_end + 1..body_end];
        let mut fields = Vec::new();
        // Fields are separated by commas at nesting depth 0 (types like vector<vector<u16>>).
        let mut depth = 0;
        let mut cur = String::new();
        for c in body.chars().chain(std::iter::once(',')) {
            match c {
                '<' => depth += 1,
                '>' => depth -= 1,
                _ => {}
            }
            if c == ',' && depth == 0 {
                let f = cur.trim();
                if !f.is_empty() {
                    let (n, t) = f.split_once(':').expect("field is name: type");
                    fields.push((
                        n.trim().to_string(),
                        t.split_whitespace().collect::<String>(),
                    ));
                }
                cur.clear();
            } else {
                cur.push(c);
            }
        }
        out.push((name, fields));
        rest = &rest[body_end..];
    }
    out
}

/// The Rust type an event field of Move type `t` must have.
fn rust_type_for(t: &str) -> String {
    if let Some(inner) = t.strip_prefix("vector<").and_then(|x| x.strip_suffix('>')) {
        return format!("Vec<{}>", rust_type_for(inner));
    }
    if let Some(inner) = t.strip_prefix("Option<").and_then(|x| x.strip_suffix('>')) {
        return format!("Option<{}>", rust_type_for(inner));
    }
    match t {
        "u256" => "U256".into(),
        "ID" | "sui::object::ID" => "ObjectId".into(),
        "address" => "Address".into(),
        "String" | "std::string::String" => "String".into(),
        other => other.into(),
    }
}

fn no_space(s: &str) -> String {
    s.split_whitespace().collect()
}

fn move_events() -> Vec<(String, Vec<(String, String)>)> {
    let files: Vec<_> = move_sources()
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "events.move"))
        .filter(|p| p.components().any(|c| c.as_os_str() == "sources"))
        .collect();
    assert!(
        !files.is_empty(),
        "no events.move found under {}",
        move_dir().display()
    );
    files
        .iter()
        .flat_map(|p| parse_events(&fs::read_to_string(p).unwrap()))
        .collect()
}

#[test]
fn move_event_structs_match_rust_types() {
    let moved = move_events();
    let move_names: Vec<_> = moved.iter().map(|(n, _)| n.as_str()).collect();
    let rust_names: Vec<_> = EVENTS.iter().map(|(_, n, _)| *n).collect();
    assert_eq!(
        move_names, rust_names,
        "event names (and their order) differ"
    );
    for ((name, fields), (module, rname, rfields)) in moved.iter().zip(EVENTS) {
        assert_eq!(*module, "events");
        assert_eq!(name, rname);
        let mf: Vec<_> = fields.iter().map(|(f, _)| f.as_str()).collect();
        let rf: Vec<_> = rfields.iter().map(|(f, _)| *f).collect();
        assert_eq!(mf, rf, "fields of {name} differ (Move vs Rust)");
        for ((f, mt), (_, rt)) in fields.iter().zip(rfields.iter()) {
            assert_eq!(
                rust_type_for(mt),
                no_space(rt),
                "type of {name}.{f} (Move {mt})"
            );
        }
    }
}

#[test]
fn events_md_matches_move_structs() {
    let md = fs::read_to_string(move_dir().join("EVENTS.md")).expect("move/EVENTS.md exists");
    let mut documented: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for line in md.lines() {
        if let Some(name) = line.strip_prefix("### ") {
            documented.push((name.trim().to_string(), Vec::new()));
        } else if line.starts_with("| ") && !line.starts_with("| #") {
            let cells: Vec<_> = line
                .split('|')
                .map(|c| c.trim().trim_matches('`'))
                .collect();
            // ["", "#", "field", "Move type", "Rust type", ""]
            if cells.len() >= 5 && cells[1].parse::<usize>().is_ok() {
                let last = documented
                    .last_mut()
                    .expect("field row under an event heading");
                last.1.push((cells[2].to_string(), no_space(cells[3])));
            }
        }
    }
    assert_eq!(
        documented,
        move_events(),
        "move/EVENTS.md is stale: run move/ci/gen-events-md.py"
    );
}

#[test]
fn only_events_modules_emit() {
    for p in move_sources() {
        let src = strip_comments(&fs::read_to_string(&p).unwrap());
        if src.contains("event::emit") {
            assert!(
                p.file_name().is_some_and(|n| n == "events.move"),
                "{} emits an event outside the events module",
                p.display()
            );
        }
    }
}

#[test]
fn rust_types_round_trip_through_bcs() {
    let e = events::StakeWithdrawn {
        epoch: 4,
        node_id: [1; 32],
        staked_wal_id: [2; 32],
        staker: [3; 32],
        principal: 100_000_000_000,
        rewards: 1_800_004,
        early: false,
    };
    let bytes = e.to_bcs();
    assert_eq!(bytes.len(), 4 + 32 * 3 + 8 + 8 + 1);
    assert_eq!(events::StakeWithdrawn::from_bcs(&bytes).unwrap(), e);
    assert_eq!(events::StakeWithdrawn::FIELDS[5], "rewards");
    assert_eq!(
        events::FloeEvent::decode("StakeWithdrawn", &bytes)
            .unwrap()
            .name(),
        "StakeWithdrawn"
    );
}

/// The Move abort codes follow the refusals of the reference model: a constant named like an
/// `Error` variant carries that variant's code; names the model lacks use codes from 100 up.
#[test]
fn move_error_codes_match_reference_model() {
    use floe_economics::Error;
    let mut checked = 0;
    for p in move_sources() {
        let src = strip_comments(&fs::read_to_string(&p).unwrap());
        for line in src.lines() {
            let line = line.trim();
            let Some(rest) = line.strip_prefix("const E") else {
                continue;
            };
            let Some((name, value)) = rest.split_once(": u64 =") else {
                continue;
            };
            let name = format!("E{}", name.trim());
            // Error constants are `ECamelCase`; skip SCREAMING_CASE constants like `EPOCH_MS`.
            if !name.chars().any(|c| c.is_ascii_lowercase()) {
                continue;
            }
            let code: u64 = value
                .trim()
                .trim_end_matches(';')
                .replace('_', "")
                .parse()
                .unwrap();
            match Error::ALL.iter().find(|e| e.name() == name) {
                Some(e) => assert_eq!(code, e.code(), "{name} in {}", p.display()),
                None => assert!(
                    code >= 100,
                    "{name} = {code} in {} is not a model refusal",
                    p.display()
                ),
            }
            checked += 1;
        }
    }
    assert!(checked > 50, "found only {checked} error constants");
}
