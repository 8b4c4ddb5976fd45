//! The fuzz targets' invariants as proptests, so CI keeps checking them (fuzz/FUZZING.md):
//! the analyzer takes any sequence of frames (802.11 or Ethernet, good or bad FCS, any
//! timestamps) without panicking, and counts every one of them.

use proptest::prelude::*;
use rsn_analyzer::{Analyzer, FrameIn, KeyMaterial, Link};
use rsn_crypto::Pmk;
use rsn_wire::MacAddr;

fn frames() -> impl Strategy<Value = Vec<(u8, Vec<u8>)>> {
    let frame = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..64),
        // Data frames with LLC/SNAP EAPOL headers, so the EAPOL paths run.
        proptest::collection::vec(any::<u8>(), 0..140).prop_map(|tail| {
            let mut f = vec![
                0x08, 0x01, 0, 0, 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x10, 0,
            ];
            f.extend_from_slice(&[0xaa, 0xaa, 3, 0, 0, 0, 0x88, 0x8e, 2, 3]);
            f.extend_from_slice(&tail);
            f
        }),
        // Management frames with an RSNE-ish body.
        proptest::collection::vec(any::<u8>(), 0..80).prop_map(|tail| {
            let mut f = vec![
                0x80, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0,
                1, 0, 0,
            ];
            f.extend_from_slice(&[0; 12]);
            f.extend_from_slice(&[0x30, tail.len().min(255) as u8]);
            f.extend_from_slice(&tail);
            f
        }),
    ];
    proptest::collection::vec((any::<u8>(), frame), 0..24)
}

proptest! {
    #[test]
    fn the_analyzer_takes_any_frames(fs in frames()) {
        let mut keys = KeyMaterial::default();
        keys.pmks.push(Pmk::from_slice(&[0x42; 32]).unwrap());
        let mut a = Analyzer::new(keys);
        for (i, (kind, f)) in fs.iter().enumerate() {
            let link = if kind & 0x80 == 0 {
                Link::Dot11 { frame: f, fcs_bad: kind & 1 == 1 }
            } else {
                Link::Ethernet {
                    dst: MacAddr([2, 0, 0, 0, 0, 1]),
                    src: MacAddr([2, 0, 0, 0, 0, 2]),
                    ethertype: if kind & 1 == 1 { 0x888e } else { 0x0800 },
                    payload: f,
                }
            };
            let _ = a.push(&FrameIn { number: i as u64 + 1, ts_ns: i128::from(*kind) * 1000, link });
        }
        let r = a.finish();
        prop_assert_eq!(r.summary.frames, fs.len() as u64);
        let _ = serde_json::to_string(&r).unwrap();
    }
}
