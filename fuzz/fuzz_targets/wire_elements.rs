//! Element iterator and element Reprs: no panics; parse → emit is byte-identical.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rsn_wire::element::{
    ElementBody, Elements, FteRepr, MdeRepr, RsneRepr, RsnxeRepr, SsidRepr, TimeoutIntervalRepr,
    WpaIeRepr,
};

fn check<T: ElementBody + PartialEq + core::fmt::Debug>(data: &[u8]) {
    if let Ok(r) = T::parse(data) {
        let v = r.to_vec().expect("emit");
        assert_eq!(v, data);
        assert_eq!(T::parse(&v).expect("re-parse"), r);
    }
}

fuzz_target!(|data: &[u8]| {
    for e in Elements::new(data) {
        let Ok(e) = e else { break };
        let _ = (e.ext_id(), e.ext_data(), e.vendor_oui_type());
        check::<RsneRepr>(e.data);
        check::<WpaIeRepr>(e.data);
        check::<MdeRepr>(e.data);
        check::<TimeoutIntervalRepr>(e.data);
        check::<RsnxeRepr>(e.data);
        check::<SsidRepr>(e.data);
        for m in FteRepr::candidate_mic_lens(e.data) {
            let f = FteRepr::parse_with_mic_len(e.data, m).expect("candidate parses");
            assert_eq!(f.to_vec().expect("emit"), e.data);
        }
    }
    check::<RsneRepr>(data);
    let _ = FteRepr::parse(data);
});
