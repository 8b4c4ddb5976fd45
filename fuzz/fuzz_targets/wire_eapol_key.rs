//! EAPOL and EAPOL-Key views and Reprs: no panics for any MIC length; parse → emit is
//! byte-identical over the frame as Packet Body Length delimits it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rsn_wire::eapol::{candidate_mic_lens, EapolKey, EapolKeyRepr, EapolPacket, EapolPacketRepr};

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = EapolPacket::new_checked(data) {
        let _ = (p.version(), p.packet_type(), p.body(), p.trailer());
    }
    if let Ok(r) = EapolPacketRepr::parse(data) {
        let mut out = vec![0; r.buffer_len()];
        r.emit(&mut out).expect("emit");
        assert_eq!(&out[..], &data[..out.len()]);
    }
    let cands = candidate_mic_lens(data);
    for m in [0usize, 16, 24, 32, 64, usize::MAX] {
        let Ok(k) = EapolKey::new_checked(data, m) else {
            assert!(!cands.contains(&m));
            continue;
        };
        let _ = (
            k.key_info(),
            k.replay_counter(),
            k.key_nonce(),
            k.mic(),
            k.key_data(),
            k.lengths_consistent(),
        );
        if let Ok(r) = EapolKeyRepr::parse(&k) {
            let v = r.to_vec().expect("emit");
            assert_eq!(Some(&v[..]), k.frame());
            assert_eq!(EapolKeyRepr::parse_bytes(&v, m).expect("re-parse"), r);
        }
    }
});
