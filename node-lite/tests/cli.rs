//! The `floe` binary run as a process: blob IDs, encode/decode round trips and clear errors.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use serde_json::Value;

mod common;

fn floe(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_floe"))
        .args(args)
        .output()
        .expect("the floe binary runs")
}

fn path(p: &Path) -> &str {
    p.to_str().expect("test paths are UTF-8")
}

fn encode(shards: &str, file: &Path, out_dir: &Path) -> Output {
    floe(&[
        "encode",
        "--shards",
        shards,
        path(file),
        "--out",
        path(out_dir),
    ])
}

fn decode(dir: &Path, out: &Path) -> Output {
    floe(&["decode", path(dir), "--out", path(out)])
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("floe-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn reference_vectors() -> Value {
    common::load_vectors("rs2.json")
}

#[test]
fn blob_id_prints_the_reference_id() {
    let dir = scratch("blob-id");
    let file = dir.join("regression.txt");
    std::fs::write(&file, b"walrus blob id v1 regression test").expect("write");
    let vectors = reference_vectors();
    let mut checked = 0;
    for v in vectors["vectors"].as_array().expect("array") {
        if v["input"] == "regression_str" && v["error"].is_null() {
            let n = v["n_shards"].as_u64().expect("n").to_string();
            let out = floe(&["blob-id", "--shards", &n, path(&file)]);
            assert!(out.status.success(), "{}", stderr(&out));
            assert_eq!(stdout(&out), v["blob_id"].as_str().expect("id"), "n = {n}");
            checked += 1;
        }
    }
    assert_eq!(checked, 3);
}

#[test]
fn encode_then_decode_from_a_subset_returns_the_file() {
    let dir = scratch("roundtrip");
    let file = dir.join("input.bin");
    let data: Vec<u8> = (0..100_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&file, &data).expect("write");
    let out_dir = dir.join("encoded");
    let out = encode("10", &file, &out_dir);
    assert!(out.status.success(), "{}", stderr(&out));
    let id = floe(&["blob-id", "--shards", "10", path(&file)]);
    assert!(
        stdout(&out).contains(&stdout(&id)),
        "encode reports the blob ID"
    );

    // Lose every primary sliver but 4 (k_p = 4 at n = 10): decoding still works.
    for i in 0..6 {
        std::fs::remove_file(out_dir.join("primary").join(format!("{i}.bcs"))).expect("remove");
    }
    let decoded = dir.join("decoded.bin");
    let out = decode(&out_dir, &decoded);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read(&decoded).expect("read"), data);

    // Lose one more: the secondary slivers (all still there) take over.
    std::fs::remove_file(out_dir.join("primary").join("6.bcs")).expect("remove");
    let out = decode(&out_dir, &decoded);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read(&decoded).expect("read"), data);

    // Without the secondary slivers, three primary slivers are not enough.
    std::fs::remove_dir_all(out_dir.join("secondary")).expect("remove");
    let out = decode(&out_dir, &decoded);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("not enough slivers"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_corrupted_sliver_is_named_and_bad_input_is_explained() {
    let dir = scratch("errors");
    let file = dir.join("input.bin");
    std::fs::write(&file, vec![42u8; 5000]).expect("write");
    let out_dir = dir.join("encoded");
    let out = encode("7", &file, &out_dir);
    assert!(out.status.success(), "{}", stderr(&out));
    let victim = out_dir.join("primary").join("1.bcs");
    let mut bytes = std::fs::read(&victim).expect("read");
    bytes[5] ^= 0x01;
    std::fs::write(&victim, bytes).expect("write");
    // With enough other slivers the decode succeeds and names the rejected one.
    let decoded = dir.join("decoded.bin");
    let out = decode(&out_dir, &decoded);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("rejected sliver 1") && err.contains("Merkle root"),
        "{err}"
    );
    assert_eq!(std::fs::read(&decoded).expect("read"), vec![42u8; 5000]);
    std::fs::remove_file(&decoded).expect("remove");

    // When the corrupted sliver is needed, decoding fails, names it, and writes nothing.
    for i in 3..7 {
        std::fs::remove_file(out_dir.join("primary").join(format!("{i}.bcs"))).expect("remove");
    }
    std::fs::remove_dir_all(out_dir.join("secondary")).expect("remove");
    let out = decode(&out_dir, &decoded);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("sliver 1") && err.contains("Merkle root"),
        "{err}"
    );
    assert!(!decoded.exists(), "nothing is written on failure");

    let out = floe(&["blob-id", "--shards", "3", path(&file)]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("at least 4"), "{}", stderr(&out));

    let out = floe(&["blob-id", "--shards", "4", path(&dir.join("missing"))]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("cannot read"), "{}", stderr(&out));

    let big = dir.join("big.bin");
    std::fs::write(&big, vec![0u8; 400_000]).expect("write");
    let out = floe(&["blob-id", "--shards", "4", path(&big)]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("too large"), "{}", stderr(&out));

    let out = encode("7", &file, &out_dir);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("not empty"), "{}", stderr(&out));
}

#[test]
fn demo_runs_end_to_end() {
    let out = floe(&["demo", "--shards", "31", "--size", "200000"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("demo complete"), "{text}");
    // The ledger part ran: the blob was certified on the local ledger and FROST was conserved.
    assert!(text.contains("BlobCertified"), "{text}");
    assert!(text.contains("FROST conserved"), "{text}");
    // The ledger was indexed into SQLite and a view printed, one row per node.
    assert!(text.contains("(SQLite)"), "{text}");
    assert!(text.contains("stake_share_bps"), "{text}");
    assert!(text.contains("(4 rows)"), "{text}");
    // The ledger story is the demo scenario, narrated: its say steps with their values.
    assert!(text.contains("prices now: storage"), "{text}");
    assert!(
        text.contains("nodes holding 21 of the shards (the 2/3 quorum)"),
        "{text}"
    );
}

#[test]
fn sim_writes_csv_and_a_png_and_svg_chart_with_every_series() {
    let dir = scratch("sim");
    let (csv, png, svg) = (dir.join("s.csv"), dir.join("s.png"), dir.join("s.svg"));
    let out = floe(&[
        "sim",
        "--epochs",
        "12",
        "--quiet",
        "--csv",
        path(&csv),
        "--png",
        path(&png),
        "--svg",
        path(&svg),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("stability over 12 epochs"));
    let rows = std::fs::read_to_string(&csv).expect("csv written");
    assert_eq!(rows.lines().count(), 13, "a header and one row per epoch");

    // The PNG decodes at the chart's size and shows every series in its colour.
    let image = image::open(&png).expect("a PNG").to_rgb8();
    assert_eq!(image.dimensions(), (1200, 675));
    for (name, rgb) in [
        ("WAL/USD", [110, 110, 110]),
        ("Floe paid", [31, 94, 200]),
        ("Floe target", [200, 30, 30]),
        ("fixed FROST", [230, 120, 20]),
        ("Walrus per-epoch rule", [40, 160, 70]),
        ("Walrus shipped rule", [150, 60, 170]),
    ] {
        let pixels = image.pixels().filter(|p| p.0 == rgb).count();
        assert!(pixels > 100, "{name}: {pixels} pixels of its colour");
    }
    // Text is drawn (dark pixels outside the lines: labels, title, legend).
    let dark = image
        .pixels()
        .filter(|p| p.0.iter().all(|c| *c < 60))
        .count();
    assert!(dark > 2000, "{dark} dark pixels");

    // The SVG holds the same chart: title, axis descriptions and the legend's names.
    let svg = std::fs::read_to_string(&svg).expect("svg written");
    assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
    for text in [
        "floe sim: the USD a builder pays vs WAL/USD",
        "epoch",
        "log scale",
        "WAL/USD",
        "Floe: USD paid",
        "Floe: USD target",
        "fixed FROST price (= WAL/USD)",
        "Walrus, votes per epoch: USD paid",
        "Walrus, shipped rule: USD paid",
    ] {
        assert!(svg.contains(text), "the SVG lacks {text:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `floe quilt encode` on the files of `quilt.json`'s first case (named as its identifiers,
/// tagged as it tags them) writes the reference quilt (same SHA-256) and prints its blob ID;
/// `floe quilt list` shows the patches' columns and `floe quilt decode` gives the files back.
/// Two files with the same name are refused and nothing is written.
#[test]
fn quilt_encode_list_decode_round_trip() {
    use sha2::{Digest as _, Sha256};
    let vectors = common::load_vectors("quilt.json");
    let prefix = vectors["prefix"].as_str().expect("prefix");
    let case = &vectors["cases"][0];
    let shards = case["n_shards"].as_u64().expect("n_shards").to_string();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut args = vec![
        "quilt".to_string(),
        "encode".into(),
        "--shards".into(),
        shards.clone(),
    ];
    let mut files = Vec::new();
    for (j, f) in case["files"].as_array().expect("files").iter().enumerate() {
        let name = f["identifier"].as_str().expect("identifier");
        let size = f["size"].as_u64().expect("size") as usize;
        let data = common::gen(size, &format!("{prefix}-c0-f{j}"));
        let file = dir.path().join(name);
        std::fs::write(&file, &data).expect("write input");
        args.push(path(&file).into());
        for (k, v) in f["tags"].as_object().expect("tags") {
            args.extend([
                "--tag".into(),
                format!("{name}:{k}={}", v.as_str().expect("tag")),
            ]);
        }
        files.push((name.to_string(), data));
    }
    let quilt = dir.path().join("quilt.bin");
    args.extend(["--out".into(), path(&quilt).into()]);
    let out = floe(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let blob_id = case["quilt_blob_id"].as_str().expect("blob id");
    assert!(stdout.contains(blob_id), "{stdout}");
    let bytes = std::fs::read(&quilt).expect("quilt written");
    assert_eq!(
        hex::encode(Sha256::digest(&bytes)),
        case["quilt_sha256"].as_str().expect("sha")
    );

    let out = floe(&["quilt", "list", "--shards", &shards, path(&quilt)]);
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && listing.contains(blob_id),
        "{listing}"
    );
    for p in case["patches"].as_array().expect("patches") {
        // Walrus's patch id: base64url(quilt blob ID ‖ 0x01 ‖ start u16 LE ‖ end u16 LE).
        use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
        let start = p["start_index"].as_u64().expect("start") as u16;
        let end = p["end_index"].as_u64().expect("end") as u16;
        let mut id = URL_SAFE_NO_PAD.decode(blob_id).expect("blob id is base64");
        id.push(0x01);
        id.extend_from_slice(&start.to_le_bytes());
        id.extend_from_slice(&end.to_le_bytes());
        let line = format!(
            "{}  {}  columns {start}..{end}",
            p["identifier"].as_str().expect("identifier"),
            URL_SAFE_NO_PAD.encode(&id),
        );
        assert!(listing.contains(&line), "{line} not in {listing}");
    }
    assert!(listing.contains("[content-type=image/png]"), "{listing}");

    let unpacked = dir.path().join("unpacked");
    let out = floe(&[
        "quilt",
        "decode",
        "--shards",
        &shards,
        path(&quilt),
        "--out",
        path(&unpacked),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (name, data) in &files {
        assert!(
            std::fs::read(unpacked.join(name)).expect("unpacked") == *data,
            "{name}"
        );
    }

    // The same file name twice: refused, nothing written.
    let other = dir.path().join("again");
    std::fs::create_dir(&other).expect("dir");
    std::fs::write(other.join(&files[0].0), b"x").expect("write");
    let twice = dir.path().join("twice.bin");
    let first = dir.path().join(&files[0].0);
    let second = other.join(&files[0].0);
    let out = floe(&[
        "quilt",
        "encode",
        "--shards",
        &shards,
        path(&first),
        path(&second),
        "--out",
        path(&twice),
    ]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("duplicate"),
        "{out:?}"
    );
    assert!(!twice.exists());
}

/// Errors at the CLI's edge print the message and its causes, and no backtrace even with
/// `RUST_BACKTRACE=1` (as it often is on developers' machines).
#[test]
fn errors_print_causes_and_no_backtrace() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("missing.bin");
    let out = Command::new(env!("CARGO_BIN_EXE_floe"))
        .args(["blob-id", "--shards", "4", path(&missing)])
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("run floe");
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("caused by:"), "{err}");
    assert!(
        !err.contains("Stack backtrace") && !err.contains("stack backtrace"),
        "{err}"
    );
}

fn floe_with_stdin(args: &[&str], stdin: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_floe"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the floe binary runs");
    let mut pipe = child.stdin.take().expect("piped stdin");
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&data);
    });
    let out = child.wait_with_output().expect("floe finishes");
    writer.join().expect("stdin writer");
    out
}

/// Every file of an encoded directory, by relative path.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for sub in ["", "primary", "secondary"] {
        for entry in std::fs::read_dir(dir.join(sub)).expect("readable") {
            let path = entry.expect("entry").path();
            if path.is_file() {
                let name = path
                    .strip_prefix(dir)
                    .expect("inside")
                    .display()
                    .to_string();
                files.push((name, std::fs::read(&path).expect("read")));
            }
        }
    }
    files.sort();
    files
}

/// Issue 15: the streaming paths (a memory budget too small for the in-memory encoder and
/// decoder, standard input) write exactly the directory the in-memory encoder writes, print the
/// same blob ID, and decode the file back.
#[test]
fn streaming_encode_and_decode_match_the_in_memory_ones() {
    let dir = scratch("streaming");
    let file = dir.join("input.bin");
    // n = 10: 1.5 MB makes 53,572-byte symbols; the in-memory encoding needs about 10 MB.
    let data = floe_node::sample::sample_blob(1_500_000, 15);
    std::fs::write(&file, &data).expect("write");
    let in_memory = dir.join("in-memory");
    let out = encode("10", &file, &in_memory);
    assert!(out.status.success(), "{}", stderr(&out));
    let id = stdout(&floe(&["blob-id", "--shards", "10", path(&file)]));
    assert!(stdout(&out).contains(&id), "{id} in {}", stdout(&out));

    let streamed = dir.join("streamed");
    let out = floe(&[
        "encode",
        "--shards",
        "10",
        path(&file),
        "--out",
        path(&streamed),
        "--memory-budget",
        "2MiB",
        "--scratch-dir",
        path(&dir),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("(streaming)"), "{}", stdout(&out));
    assert_eq!(tree(&streamed), tree(&in_memory));

    let piped = dir.join("piped");
    let out = floe_with_stdin(
        &["encode", "--shards", "10", "-", "--out", path(&piped)],
        &data,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(tree(&piped), tree(&in_memory));
    for budget in ["2MiB", "2GiB"] {
        let out = floe_with_stdin(
            &["blob-id", "--shards", "10", "--memory-budget", budget, "-"],
            &data,
        );
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(stdout(&out), id);
    }

    // Decoding within 2 MiB streams to the file; from 4 primary slivers (k_p at n = 10), then
    // from the secondary ones.
    for i in 0..6 {
        std::fs::remove_file(streamed.join("primary").join(format!("{i}.bcs"))).expect("remove");
    }
    let decoded = dir.join("decoded.bin");
    for _ in 0..2 {
        let out = floe(&[
            "decode",
            path(&streamed),
            "--out",
            path(&decoded),
            "--memory-budget",
            "2MiB",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stdout(&out).contains("(streaming)"), "{}", stdout(&out));
        assert!(std::fs::read(&decoded).expect("decoded") == data);
        std::fs::remove_file(&decoded).expect("remove");
        let _ = std::fs::remove_dir_all(streamed.join("primary"));
    }

    let out = floe(&[
        "blob-id",
        "--shards",
        "10",
        "--memory-budget",
        "lots",
        path(&file),
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("not a byte count"),
        "{}",
        stderr(&out)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 15: a malformed sliver file (one truncated `primary/0.bcs` of ten, one whose framing
/// names another sliver) is rejected and named like one that does not match the metadata, and
/// decoding goes on with the others.
#[test]
fn malformed_sliver_files_are_named_and_decoding_goes_on() {
    let dir = scratch("malformed");
    let file = dir.join("input.bin");
    // 500 kB: the in-memory decoder needs 1.5 MB, so 1 MiB makes it stream.
    let data = floe_node::sample::sample_blob(500_000, 3);
    std::fs::write(&file, &data).expect("write");
    let encoded = dir.join("encoded");
    let out = encode("10", &file, &encoded);
    assert!(out.status.success(), "{}", stderr(&out));
    let primary = encoded.join("primary");
    let first = primary.join("0.bcs");
    let bytes = std::fs::read(&first).expect("read");
    std::fs::write(&first, &bytes[..bytes.len() / 2]).expect("truncate");
    // Sliver 2's file holding sliver 3: the right size, the wrong sliver.
    std::fs::copy(primary.join("3.bcs"), primary.join("2.bcs")).expect("copy");
    // Keep 0, 2 and four good ones (k_p = 4 at n = 10).
    for i in [1, 3, 4, 5] {
        std::fs::remove_file(primary.join(format!("{i}.bcs"))).expect("remove");
    }
    let decoded = dir.join("decoded.bin");
    for budget in ["2GiB", "1MiB"] {
        let out = floe(&[
            "decode",
            path(&encoded),
            "--out",
            path(&decoded),
            "--memory-budget",
            budget,
        ]);
        assert!(out.status.success(), "{budget}: {}", stderr(&out));
        let err = stderr(&out);
        for (sliver, name, why) in [
            ("0", "primary/0.bcs", "truncated"),
            ("2", "primary/2.bcs", "not the BCS of primary sliver 2"),
        ] {
            assert!(
                err.lines()
                    .any(|l| l.contains(&format!("rejected sliver {sliver} "))
                        && l.contains(name)
                        && l.contains(why)),
                "{budget}: {err}"
            );
        }
        assert!(
            stdout(&out).contains("from primary slivers"),
            "{}",
            stdout(&out)
        );
        assert!(std::fs::read(&decoded).expect("decoded") == data);
        std::fs::remove_file(&decoded).expect("remove");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
