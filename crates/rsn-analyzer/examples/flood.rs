//! Memory under a flood (BENCHMARKS.md): N fake stations, each (re)associating and then
//! deauthenticated, fed straight into the analyzer; prints what the summary reports.
//!
//! `cargo run --release -p rsn-analyzer --example flood -- 1000000`

use rsn_analyzer::{Analyzer, FrameIn, KeyMaterial, Link};

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let mut a = Analyzer::new(KeyMaterial::default());
    let ap = [0x02, 0, 0, 0, 0, 1];
    let rsne = [
        0x30, 20, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 2, 0, 0,
    ];
    let mut frame = Vec::with_capacity(64);
    for i in 0..n {
        let sta = [
            0x02,
            0xbb,
            (i >> 24) as u8,
            (i >> 16) as u8,
            (i >> 8) as u8,
            i as u8,
        ];
        for (k, deauth) in [false, true].into_iter().enumerate() {
            frame.clear();
            let (a1, a2) = if deauth { (sta, ap) } else { (ap, sta) };
            frame.extend_from_slice(&[if deauth { 0xc0 } else { 0x00 }, 0, 0, 0]);
            frame.extend_from_slice(&a1);
            frame.extend_from_slice(&a2);
            frame.extend_from_slice(&ap);
            frame.extend_from_slice(&((i as u16) << 4).to_le_bytes());
            if deauth {
                frame.extend_from_slice(&[7, 0]);
            } else {
                frame.extend_from_slice(&[0x11, 0x04, 10, 0, 0, 5]);
                frame.extend_from_slice(b"flood");
                frame.extend_from_slice(&rsne);
            }
            let number = i * 2 + k as u64 + 1;
            a.push(&FrameIn {
                number,
                ts_ns: number as i128 * 1000,
                link: Link::Dot11 {
                    frame: &frame,
                    fcs_bad: false,
                },
            });
        }
    }
    let r = a.finish();
    println!(
        "stations {n}: frames {}, clients in report {}, evicted_clients {}, max_clients {}, table_resets {}",
        r.summary.frames,
        r.clients.len(),
        r.summary.evicted_clients,
        r.summary.max_clients,
        r.summary.table_resets
    );
}
