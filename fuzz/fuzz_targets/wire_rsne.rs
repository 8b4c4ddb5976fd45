//! RSNE bodies directly (not only inside a well-framed element list): no panics; a body
//! that parses re-emits byte-identically and re-parses to the same Repr (unknown suites and
//! PMKID counts survive).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rsn_wire::element::{ElementBody, RsneRepr, RsnxeRepr};

fuzz_target!(|data: &[u8]| {
    if let Ok(r) = RsneRepr::parse(data) {
        let v = r.to_vec().expect("emit");
        assert_eq!(v, data);
        assert_eq!(RsneRepr::parse(&v).expect("re-parse"), r);
    }
    if let Ok(r) = RsnxeRepr::parse(data) {
        assert_eq!(r.to_vec().expect("emit"), data);
    }
});
