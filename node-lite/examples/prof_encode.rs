fn main() {
    let n: u16 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let len: usize = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(0);
    let reps: usize = std::env::args()
        .nth(3)
        .and_then(|a| a.parse().ok())
        .unwrap_or(3);
    let config = floe_node::encoding::EncodingConfig::new(n).unwrap();
    for _ in 0..reps {
        let t = std::time::Instant::now();
        let e = floe_node::encoding::encode(&config, vec![7u8; len]).unwrap();
        println!("{} {:?}", e.blob_id(), t.elapsed());
    }
}
