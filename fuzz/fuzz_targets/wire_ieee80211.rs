//! 802.11 header, management bodies and LLC/SNAP: parse arbitrary bytes; where parsing
//! succeeds, emit and re-parse and require byte identity.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rsn_wire::ieee80211::{Header, HeaderRepr};
use rsn_wire::llc::LlcSnapRepr;
use rsn_wire::mgmt::MgmtRepr;

fuzz_target!(|data: &[u8]| {
    if let Ok(h) = Header::new_checked(data) {
        let _ = (
            h.bssid(),
            h.sa(),
            h.da(),
            h.ta(),
            h.seq_ctrl(),
            h.qos_control(),
            h.ht_control(),
        );
        let r = HeaderRepr::parse(&h).expect("parse of a checked view");
        let v = r.to_vec_with_body(h.body()).expect("emit");
        assert_eq!(v, data);
        let fc = h.frame_control();
        if fc.is_mgmt() {
            if let Ok(m) = MgmtRepr::parse(fc.subtype(), h.body()) {
                let mut out = vec![0; m.buffer_len()];
                m.emit(&mut out).expect("emit");
                assert_eq!(out, h.body());
                if let Some(els) = m.elements() {
                    for e in els {
                        if e.is_err() {
                            break;
                        }
                    }
                }
            }
        }
        if fc.is_data() {
            if let Ok((llc, _)) = LlcSnapRepr::parse_bytes(h.body()) {
                let mut out = [0u8; 8];
                llc.emit(&mut out).expect("emit");
                assert_eq!(&out[..], &h.body()[..8]);
            }
        }
    }
});
