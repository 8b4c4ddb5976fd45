//! The analyzer on arbitrary frames: the input is split into records (2-octet length
//! prefix, first byte picks 802.11 or Ethernet and the FCS verdict), pushed with a PMK as
//! key material (every MIC path runs, no PBKDF2 per input), then the report is built with
//! the diagnosis on. Nothing may panic, and the summary's counters must add up.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rsn_analyzer::{Analyzer, FrameIn, KeyMaterial, Link};
use rsn_crypto::Pmk;
use rsn_wire::MacAddr;

fuzz_target!(|data: &[u8]| {
    let mut keys = KeyMaterial::default();
    keys.pmks.push(Pmk::from_slice(&[0x42; 32]).expect("pmk"));
    let mut a = Analyzer::new(keys);
    let mut rest = data;
    let mut n = 0u64;
    while rest.len() >= 3 {
        let kind = rest[0];
        let len = usize::from(u16::from_le_bytes([rest[1], rest[2]])) % 2048;
        let end = (3 + len).min(rest.len());
        let frame = &rest[3..end];
        rest = &rest[end..];
        n += 1;
        let link = if kind & 0x80 == 0 {
            Link::Dot11 {
                frame,
                fcs_bad: kind & 1 == 1,
            }
        } else {
            Link::Ethernet {
                dst: MacAddr([2, 0, 0, 0, 0, 1]),
                src: MacAddr([2, 0, 0, 0, 0, 2]),
                ethertype: if kind & 1 == 1 { 0x888e } else { 0x0800 },
                payload: frame,
            }
        };
        let _ = a.push(&FrameIn {
            number: n,
            ts_ns: i128::from(n) * 1_000_000 - i128::from(kind & 0x40),
            link,
        });
    }
    let r = a.finish();
    assert_eq!(r.summary.frames, n);
    assert!(r.summary.decrypted_frames <= r.summary.protected_frames + r.summary.eapol_key_frames);
});
