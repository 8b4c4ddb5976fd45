//! Read a capture (`-` for stdin), decapsulate every record, print the counters
//! and the read throughput: `cargo run --release --example capture_stats -- FILE`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use rsn_capture::{CaptureReader, DecapStats};

fn main() {
    let path = std::env::args().nth(1).expect("usage: capture_stats FILE");
    let start = Instant::now();
    let mut reader = match CaptureReader::open(&path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let mut decap = DecapStats::default();
    let mut errors = 0u64;
    while let Some(item) = reader.next_record() {
        match item {
            Ok(record) => decap.add(&record.decap()),
            Err(e) => {
                errors += 1;
                eprintln!("{path}: {e}");
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let stats = reader.stats();
    println!("{stats:?}");
    println!("{decap:?}");
    println!(
        "errors: {errors}; {:.1} MB in {secs:.3} s = {:.0} MB/s",
        stats.bytes as f64 / 1e6,
        stats.bytes as f64 / 1e6 / secs.max(1e-9)
    );
}
