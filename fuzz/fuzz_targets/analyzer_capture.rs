//! Arbitrary bytes as a whole capture file, through the reader, the link-layer decap and
//! the analyzer (PMK key material, diagnosis on), as `fourway analyze` runs them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rsn_analyzer::{Analyzer, FrameIn, KeyMaterial, Link, SkipKind};
use rsn_capture::{CaptureReader, Decapsulated, FcsStatus};
use rsn_crypto::Pmk;

fuzz_target!(|data: &[u8]| {
    let Ok(mut reader) = CaptureReader::new(std::io::Cursor::new(data.to_vec())) else {
        return;
    };
    let mut keys = KeyMaterial::default();
    keys.pmks.push(Pmk::from_slice(&[0x42; 32]).expect("pmk"));
    let mut a = Analyzer::new(keys);
    while let Some(item) = reader.next_record() {
        let rec = match item {
            Ok(r) => r,
            Err(e) => {
                a.skip(e.frame, Some(e.offset), SkipKind::CorruptBlock, e.to_string());
                if e.is_fatal() {
                    break;
                }
                continue;
            }
        };
        match rec.decap() {
            Ok(Decapsulated::Dot11 { frame, fcs, .. }) => {
                let _ = a.push(&FrameIn {
                    number: rec.frame,
                    ts_ns: rec.ts_ns,
                    link: Link::Dot11 {
                        frame,
                        fcs_bad: fcs == FcsStatus::Bad,
                    },
                });
            }
            Ok(Decapsulated::Ethernet {
                dst,
                src,
                ethertype,
                payload,
                ..
            }) => {
                let _ = a.push(&FrameIn {
                    number: rec.frame,
                    ts_ns: rec.ts_ns,
                    link: Link::Ethernet {
                        dst,
                        src,
                        ethertype,
                        payload,
                    },
                });
            }
            Err(_) => a.skip(rec.frame, None, SkipKind::BadRadioHeader, String::new()),
        }
    }
    let _ = a.finish();
});
