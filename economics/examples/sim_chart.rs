//! Runs the default simulation and writes `floe-sim.png` and `floe-sim.csv` to the directory
//! given as the first argument (default: the system's temporary directory).
fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let out = floe_economics::sim::run(&floe_economics::sim::SimConfig::default()).expect("runs");
    let s = out.summary;
    println!(
        "std log(WAL_t/WAL_0) {:.3}, Floe {:.3} (ratio {:.3}), fixed FROST {:.3}, Walrus rule {:.3}",
        s.std_log_wal,
        s.std_log_floe,
        s.stability_ratio(),
        s.std_log_fixed,
        s.std_log_walrus
    );
    std::fs::write(
        dir.join("floe-sim.png"),
        floe_economics::sim::chart::render_png(&out, "FLOE SIM: USD PRICE VS WAL/USD"),
    )
    .expect("write png");
    std::fs::write(dir.join("floe-sim.csv"), floe_economics::sim::to_csv(&out)).expect("write csv");
}
