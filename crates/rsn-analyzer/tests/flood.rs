//! A flood of fake stations: state stays bounded (least recently seen evicted, counted in
//! `evicted_clients`), and a real handshake after the flood is still reconstructed, verified
//! and decrypted.

use rsn_analyzer::{Analyzer, FrameIn, KeyMaterial, Limits, Link, PassphraseEntry};
use rsn_capture::{CaptureReader, Decapsulated, FcsStatus};
use rsn_crypto::Passphrase;

#[test]
fn a_station_flood_is_bounded_and_the_real_traffic_still_analyzed() {
    let mut keys = KeyMaterial::default();
    keys.passphrases.push(PassphraseEntry {
        passphrase: Passphrase::new("Induction").unwrap(),
        ssid: Some(b"Coherer".to_vec()),
    });
    let limits = Limits {
        max_clients: 1000,
        max_table: 5000,
        ..Limits::default()
    };
    let mut a = Analyzer::with_limits(keys, limits);
    let ap = [0x02, 0, 0, 0, 0, 1];
    let mut n = 0u64;
    let mut frame = Vec::new();
    for i in 0..20_000u32 {
        let sta = [0x02, 0xbb, 0, (i >> 16) as u8, (i >> 8) as u8, i as u8];
        // Association Request, then a Deauthentication from the AP.
        for deauth in [false, true] {
            frame.clear();
            let (a1, a2) = if deauth { (sta, ap) } else { (ap, sta) };
            frame.extend_from_slice(&[if deauth { 0xc0 } else { 0x00 }, 0, 0, 0]);
            frame.extend_from_slice(&a1);
            frame.extend_from_slice(&a2);
            frame.extend_from_slice(&ap);
            frame.extend_from_slice(&[0, 0]);
            frame.extend_from_slice(if deauth {
                &[7, 0][..]
            } else {
                &[0x11, 0x04, 10, 0][..]
            });
            n += 1;
            a.push(&FrameIn {
                number: n,
                ts_ns: 0,
                link: Link::Dot11 {
                    frame: &frame,
                    fcs_bad: false,
                },
            });
        }
    }
    // Then a real capture, frame numbers continuing.
    let mut r = CaptureReader::open(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/data/captures/wpa-Induction.pcap"
    ))
    .unwrap();
    while let Some(rec) = r.next_record() {
        let rec = rec.unwrap();
        if let Ok(Decapsulated::Dot11 { frame, fcs, .. }) = rec.decap() {
            a.push(&FrameIn {
                number: n + rec.frame,
                ts_ns: rec.ts_ns,
                link: Link::Dot11 {
                    frame,
                    fcs_bad: fcs == FcsStatus::Bad,
                },
            });
        }
    }
    let rep = a.finish();
    assert!(
        rep.summary.evicted_clients >= 19_000,
        "{:?}",
        rep.summary.evicted_clients
    );
    assert!(rep.clients.len() <= 1000 + 1);
    assert_eq!(rep.summary.max_clients, 1000);
    assert_eq!(rep.summary.decrypted_frames, 276);
    let h = rep
        .handshakes
        .iter()
        .find(|h| h.sta == "00:0d:93:82:36:3a")
        .unwrap();
    assert_eq!(h.outcome, "completed");
    assert!(h
        .messages
        .iter()
        .filter(|m| m.msg != "M1")
        .all(|m| m.mic == "valid"));
}

/// A million fake stations with the default limits: the client table never exceeds its cap
/// (the rest evicted and counted), the peak resident memory of this test process stays far
/// below what a million entries would need.
#[test]
fn a_million_fake_stations_stay_within_the_cap() {
    let limits = Limits::default();
    let cap = limits.max_clients as u64;
    let mut a = Analyzer::with_limits(KeyMaterial::default(), limits);
    let ap = [0x02, 0, 0, 0, 0, 1];
    let mut frame = Vec::with_capacity(64);
    for i in 0..1_000_000u32 {
        let b = i.to_be_bytes();
        let sta = [0x02, 0xcc, b[0], b[1], b[2], b[3]];
        frame.clear();
        frame.extend_from_slice(&[0x00, 0, 0, 0]);
        frame.extend_from_slice(&ap);
        frame.extend_from_slice(&sta);
        frame.extend_from_slice(&ap);
        frame.extend_from_slice(&[0, 0, 0x11, 0x04, 10, 0]);
        a.push(&FrameIn {
            number: u64::from(i) + 1,
            ts_ns: i128::from(i) * 1000,
            link: Link::Dot11 {
                frame: &frame,
                fcs_bad: false,
            },
        });
    }
    let r = a.finish();
    assert_eq!(r.summary.frames, 1_000_000);
    assert!(r.clients.len() as u64 <= cap, "{} clients", r.clients.len());
    assert!(
        r.summary.evicted_clients >= 1_000_000 - cap,
        "{}",
        r.summary.evicted_clients
    );
    assert_eq!(r.summary.max_clients, cap);
    // VmHWM of the whole test process (other tests included): a million client entries with
    // their timelines would need several hundred MiB.
    if let Ok(s) = std::fs::read_to_string("/proc/self/status") {
        let kib: u64 = s
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        assert!(kib < 256 * 1024, "peak RSS {kib} KiB");
    }
}
