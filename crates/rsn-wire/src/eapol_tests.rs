#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
use super::*;
use alloc::vec;
use proptest::collection::vec as pvec;
use proptest::prelude::*;

// iwd unit/test-eapol.c eapol_key_data_1 (WPA1 descriptor, message 1).
const M1: &str = "0103005ffe008900200000000000000001d5e2139b1b1c1ecbf4c79db370cd1cea07f16176eda6788ac68c2cf4d76f2bf70000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";

#[test]
fn deconstruct_m1() {
    let b = hex::decode(M1).unwrap();
    assert_eq!(candidate_mic_lens(&b), vec![16]);
    let p = EapolPacket::new_checked(&b[..]).unwrap();
    assert_eq!(
        (p.version(), p.packet_type(), p.body_len()),
        (1, EapolType::KEY, 95)
    );
    let k = EapolKey::new_checked(&b[..], 16).unwrap();
    assert_eq!(k.descriptor_type(), DescriptorType::WPA);
    let ki = k.key_info();
    assert_eq!(ki.descriptor_version(), KeyDescriptorVersion::HMAC_MD5_RC4);
    assert!(ki.key_type_pairwise() && ki.key_ack() && !ki.key_mic() && !ki.install());
    assert_eq!(k.key_length(), 32);
    assert_eq!(k.replay_counter(), 1);
    assert_eq!(k.key_nonce()[0], 0xd5);
    assert_eq!(k.mic(), &[0u8; 16]);
    assert_eq!(k.key_data_len(), 0);
    assert!(k.lengths_consistent());
    let r = EapolKeyRepr::parse(&k).unwrap();
    assert_eq!(r.to_vec().unwrap(), b);
    assert_eq!(mic_range(16), 81..97);
}

#[test]
fn construct_and_mic() {
    let r = EapolKeyRepr {
        protocol_version: 2,
        descriptor_type: DescriptorType::RSN,
        key_info: KeyInfo::default()
            .with_descriptor_version(KeyDescriptorVersion::HMAC_SHA1_AES)
            .with_key_type_pairwise(true)
            .with_key_mic(true),
        key_length: 0,
        replay_counter: 7,
        mic: vec![0xab; 24],
        key_data: vec![1, 2, 3],
        ..Default::default()
    };
    let mut v = r.to_vec().unwrap();
    assert_eq!(v.len(), 4 + 77 + 24 + 2 + 3);
    assert_eq!(candidate_mic_lens(&v), vec![24]);
    let mut k = EapolKey::new_checked(&mut v[..], 24).unwrap();
    assert_eq!(k.key_info().0, 0x010a);
    k.zero_mic();
    assert_eq!(k.mic(), &[0u8; 24]);
    k.set_mic(&[1; 24]).unwrap();
    assert_eq!(k.set_mic(&[1; 16]), Err(Error::Malformed));
    assert_eq!(&v[mic_range(24)], &[1u8; 24]);
    // Not EAPOL-Key, or truncated.
    assert!(EapolKey::new_checked(&[2u8, 0, 0, 0][..], 16).is_err());
    assert_eq!(
        EapolKey::new_checked(&v[..50], 24).err(),
        Some(Error::Truncated)
    );
    assert_eq!(
        EapolPacket::new_checked(&[2u8, 3, 0, 5, 1][..]).err(),
        Some(Error::Truncated)
    );
}

#[test]
fn key_info_bits() {
    let k = KeyInfo(0x13ca);
    assert_eq!(k.descriptor_version(), KeyDescriptorVersion::HMAC_SHA1_AES);
    assert!(k.key_type_pairwise() && k.install() && k.key_ack() && k.key_mic());
    assert!(k.secure() && k.encrypted_key_data() && !k.error() && !k.request());
    assert_eq!(KeyInfo(0x03a1).key_index(), 2);
    assert_eq!(KeyInfo(0).with_key_index(3).0, 0x30);
    assert!(KeyInfo(0x2000).smk_message());
}

prop_compose! {
    fn arb_key()(
        protocol_version in any::<u8>(),
        dt in any::<u8>(),
        ki in any::<u16>(),
        key_length in any::<u16>(),
        replay_counter in any::<u64>(),
        key_nonce in any::<[u8; 32]>(),
        key_iv in any::<[u8; 16]>(),
        key_rsc in any::<[u8; 8]>(),
        key_id in any::<[u8; 8]>(),
        mic_len in prop_oneof![Just(0usize), Just(16), Just(24), Just(32)],
        mic in any::<[u8; 32]>(),
        key_data in pvec(any::<u8>(), 0..64),
        body_padding in pvec(any::<u8>(), 0..3),
    ) -> EapolKeyRepr {
        EapolKeyRepr {
            protocol_version, descriptor_type: DescriptorType(dt), key_info: KeyInfo(ki), key_length,
            replay_counter, key_nonce, key_iv, key_rsc, key_id, mic: mic[..mic_len].to_vec(),
            key_data, body_padding,
        }
    }
}

proptest! {
    #[test]
    fn repr_round_trip(r in arb_key()) {
        let v = r.to_vec().unwrap();
        let p = EapolKeyRepr::parse_bytes(&v, r.mic.len()).unwrap();
        prop_assert_eq!(&p, &r);
        prop_assert_eq!(p.to_vec().unwrap(), v.clone());
        if r.body_padding.is_empty() {
            prop_assert!(candidate_mic_lens(&v).contains(&r.mic.len()));
        }
        let pkt = EapolPacketRepr::parse(&v).unwrap();
        let mut out = vec![0u8; pkt.buffer_len()];
        pkt.emit(&mut out).unwrap();
        prop_assert_eq!(out, v);
    }

    #[test]
    fn no_panic(b in pvec(any::<u8>(), 0..160)) {
        let _ = candidate_mic_lens(&b);
        if let Ok(p) = EapolPacket::new_checked(&b[..]) {
            let _ = (p.version(), p.packet_type(), p.body(), p.trailer());
        }
        let _ = EapolPacketRepr::parse(&b);
        for m in [0usize, 16, 24, 32, 1000, usize::MAX - 1] {
            if let Ok(k) = EapolKey::new_checked(&b[..], m) {
                let _ = (k.key_info(), k.replay_counter(), k.key_nonce(), k.key_iv(), k.key_rsc());
                let _ = (k.key_id(), k.mic(), k.key_data(), k.lengths_consistent(), k.frame());
                if let Ok(r) = EapolKeyRepr::parse(&k) {
                    let v = r.to_vec().unwrap();
                    prop_assert_eq!(&v[..], k.frame().unwrap());
                }
            }
        }
    }
}
