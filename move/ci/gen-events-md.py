#!/usr/bin/env python3
"""Regenerates move/EVENTS.md from the event structs of move/*/sources/**/events.move.

The Rust test economics/tests/move_events_parity.rs checks that EVENTS.md, the Move structs and
the Rust event types agree; run this after changing an event, then update
economics/src/events.rs to match.
"""
import pathlib
import re

MOVE = pathlib.Path(__file__).resolve().parent.parent
RUST = {"u256": "U256", "ID": "ObjectId", "address": "Address"}


def rust_type(t: str) -> str:
    t = t.strip()
    m = re.fullmatch(r"(vector|Option)<(.*)>", t)
    if m:
        outer = "Vec" if m.group(1) == "vector" else "Option"
        return f"{outer}<{rust_type(m.group(2))}>"
    return RUST.get(t, t)


def events(path: pathlib.Path):
    text = path.read_text()
    module = re.search(r"^module\s+([\w:]+);", text, re.M).group(1)
    out = []
    pat = re.compile(r"((?:^///[^\n]*\n)*)^public struct (\w+) has copy, drop \{\n((?:[^}]*\n)*?)^\}", re.M)
    for m in pat.finditer(text):
        doc = " ".join(l[3:].strip() for l in m.group(1).splitlines())
        fields = []
        for line in m.group(3).splitlines():
            line = line.split("//")[0].strip().rstrip(",")
            if line:
                name, ty = (x.strip() for x in line.split(":", 1))
                fields.append((name, ty))
        out.append((module, m.group(2), doc, fields))
    return out


def main():
    lines = [
        "# Floe events",
        "",
        "Every event the Move packages emit, with its fields in declaration order, which is the",
        "order of their BCS encoding. This is the contract the indexer decodes against: the Rust",
        "types are in `economics/src/events.rs`, and `economics/tests/move_events_parity.rs` fails",
        "if this file, the Move structs and the Rust types disagree. Regenerate this file with",
        "`move/ci/gen-events-md.py`.",
        "",
        "The event type tag is `<floe package id>::events::<Name>`. Blob and epoch lifecycle events",
        "(`BlobRegistered`, `BlobCertified`, `BlobDeleted`, `InvalidBlobID`, `EpochChangeStart`,",
        "`EpochChangeDone`, `EpochParametersSelected`, `PricesUpdated`) keep Walrus's names and field",
        "order, so the same decoders read Walrus's events.",
        "",
        "Type mapping: `ID` and `address` are 32 bytes; `u256` is 32 bytes little-endian;",
        "`vector<T>` and `String` are a ULEB128 length then the elements; integers are little-endian.",
        "Prices are FROST (`storage_price`, `write_price`, per MiB of encoded size) or nano-USD",
        "(`*_usd`); `wal_usd_rate` is nano-USD per WAL; amounts are FROST.",
        "",
    ]
    for path in sorted(MOVE.glob("*/sources/**/events.move")):
        for module, name, doc, fields in events(path):
            lines += [f"### {name}", "", f"`{module}::{name}`: {doc}", ""]
            lines += ["| # | field | Move type | Rust type |", "|---|---|---|---|"]
            for i, (f, t) in enumerate(fields):
                lines.append(f"| {i} | `{f}` | `{t}` | `{rust_type(t)}` |")
            lines.append("")
    (MOVE / "EVENTS.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
