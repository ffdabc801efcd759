use std::time::Instant;
fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    let t = Instant::now();
    let inv = iamsim::inventory::load_dir(&dir).unwrap();
    let t1 = t.elapsed();
    let e = iamsim::engine::Engine::new(&inv).unwrap();
    let t2 = t.elapsed();
    drop(inv);
    let t3 = t.elapsed();
    let ctx = iamsim::request::Context::new();
    let w = e.who_can("kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:alias/acme-dev-data", &ctx);
    let t4 = t.elapsed();
    println!("load {:?} engine {:?} drop-inv {:?} query {:?} ({} entries)", t1, t2 - t1, t3 - t2, t4 - t3, w.len());
}
