//! Property tests: encrypt → decrypt round trips over arbitrary headers and payloads, and
//! decryption/verification of arbitrary bytes never panics.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use proptest::prelude::*;
use rsn_crypto::bip::BipKey;
use rsn_crypto::ccmp::CcmpKey;
use rsn_crypto::gcmp::GcmpKey;
use rsn_crypto::keywrap::{aes_unwrap, aes_wrap, pad_key_data};
use rsn_crypto::mic::{verify_mic, MicAlgorithm};
use rsn_crypto::tkip::TkipKey;
use rsn_crypto::{frame, Igtk, Kck, Kek, Tk};
use rsn_wire::Cipher;

/// A data frame header: arbitrary addresses/flags, with QoS, A4 and HT Control as the
/// FC bits say (the builder keeps them consistent).
fn data_header() -> impl Strategy<Value = Vec<u8>> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<u8>(),
        any::<[u8; 30]>(),
        any::<[u8; 2]>(),
        any::<[u8; 4]>(),
    )
        .prop_map(|(qos, order, fc1, addrs, qc, htc)| {
            let fc0 = if qos { 0x88 } else { 0x08 };
            let fc1 = (fc1 & !0x04 & !0x80) | if order { 0x80 } else { 0 };
            let mut h = vec![fc0, fc1, 0, 0];
            h.extend_from_slice(&addrs[..18]);
            h.extend_from_slice(&[addrs[18] & 0xf0, addrs[19]]); // fragment number 0
            if fc1 & 0x03 == 0x03 {
                h.extend_from_slice(&addrs[20..26]);
            }
            if qos {
                h.extend_from_slice(&qc);
                if order {
                    h.extend_from_slice(&htc);
                }
            }
            h
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn ccmp_gcmp_roundtrip(hdr in data_header(), body in proptest::collection::vec(any::<u8>(), 0..400),
                           tk in any::<[u8; 32]>(), pn in 0u64..(1 << 48), kid in 0u8..4, wide in any::<bool>()) {
        let tk = Tk::from_slice(if wide { &tk[..] } else { &tk[..16] }).unwrap();
        let frame = [hdr.clone(), body.clone()].concat();
        let (mut ct, mut pt) = (Vec::new(), Vec::new());
        let mut expected = frame.clone();
        expected[1] &= !0x40;

        let c = CcmpKey::new(&tk).unwrap();
        c.encrypt(&frame, pn, kid, &mut ct).unwrap();
        let d = c.decrypt(&ct, &mut pt).unwrap();
        prop_assert_eq!((d.pn, d.key_id, d.header_len), (pn, kid, hdr.len()));
        prop_assert_eq!(&pt, &expected);

        let g = GcmpKey::new(&tk).unwrap();
        g.encrypt(&frame, pn, kid, &mut ct).unwrap();
        let d = g.decrypt(&ct, &mut pt).unwrap();
        prop_assert_eq!(d.pn, pn);
        prop_assert_eq!(&pt, &expected);
        // Any flipped ciphertext/MIC bit is caught.
        let i = hdr.len() + 8 + (pn as usize % (ct.len() - hdr.len() - 8));
        ct[i] ^= 0x01;
        prop_assert_eq!(g.decrypt(&ct, &mut pt).err(), Some(rsn_crypto::CryptoError::DecryptFailed));
    }

    #[test]
    fn tkip_roundtrip(hdr in data_header(), body in proptest::collection::vec(any::<u8>(), 0..400),
                      tk in any::<[u8; 32]>(), tsc in 0u64..(1 << 48), kid in 0u8..4) {
        let key = TkipKey::from_bytes(&tk).unwrap();
        let frame = [hdr, body].concat();
        let (mut ct, mut pt) = (Vec::new(), Vec::new());
        key.encrypt(&frame, tsc, kid, &mut ct).unwrap();
        let d = key.decrypt(&ct, &mut pt).unwrap();
        prop_assert_eq!((d.pn, d.key_id), (tsc, kid));
        let mut expected = frame.clone();
        expected[1] &= !0x40;
        prop_assert_eq!(pt, expected);
    }

    #[test]
    fn bip_roundtrip(body in proptest::collection::vec(any::<u8>(), 0..200), addrs in any::<[u8; 18]>(),
                     key in any::<[u8; 32]>(), ipn in 0u64..(1 << 48), kid in 4u16..6, which in 0usize..4) {
        let (cipher, klen) = [(Cipher::BIP_CMAC128, 16), (Cipher::BIP_CMAC256, 32),
                              (Cipher::BIP_GMAC128, 16), (Cipher::BIP_GMAC256, 32)][which];
        let k = BipKey::new(cipher, &Igtk::from_slice(&key[..klen]).unwrap()).unwrap();
        let mut frame = vec![0xc0, 0x00, 0, 0];
        frame.extend_from_slice(&addrs);
        frame.extend_from_slice(&[0, 0]);
        frame.extend_from_slice(&body);
        let mut out = Vec::new();
        k.protect(&frame, kid, ipn, &mut out).unwrap();
        let mme = k.verify(&out).unwrap();
        prop_assert_eq!((mme.key_id, mme.ipn), (kid, ipn));
        // Retry / PwrMgt / MoreData are outside the AAD.
        out[1] |= 0x38;
        prop_assert!(k.verify(&out).is_ok());
    }

    #[test]
    fn keywrap_roundtrip(data in proptest::collection::vec(any::<u8>(), 0..200), kek in any::<[u8; 16]>()) {
        let kek = Kek::from_slice(&kek).unwrap();
        let w = aes_wrap(&kek, &data).unwrap();
        let u = aes_unwrap(&kek, &w).unwrap();
        prop_assert_eq!(&u[..], &pad_key_data(&data)[..]);
        prop_assert!(u.len() >= 16 && u.len() % 8 == 0);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200), k in any::<[u8; 32]>(),
                                   off in 0usize..300) {
        let mut out = Vec::new();
        let tk16 = Tk::from_slice(&k[..16]).unwrap();
        let tk32 = Tk::from_slice(&k).unwrap();
        let _ = CcmpKey::new(&tk16).unwrap().decrypt(&bytes, &mut out);
        let _ = CcmpKey::new(&tk32).unwrap().decrypt(&bytes, &mut out);
        let _ = GcmpKey::new(&tk16).unwrap().decrypt(&bytes, &mut out);
        let _ = TkipKey::new(&tk32).unwrap().decrypt(&bytes, &mut out);
        let _ = TkipKey::new(&tk32).unwrap().decrypt_fragment(&bytes, &mut out);
        for c in [Cipher::BIP_CMAC128, Cipher::BIP_GMAC128] {
            let _ = BipKey::new(c, &Igtk::from_slice(&k[..16]).unwrap()).unwrap().verify(&bytes);
        }
        let _ = frame::parse_header(&bytes);
        let _ = frame::parse_pn_header(&bytes);
        let _ = rsn_crypto::bip::parse_mme(&bytes, 8);
        let kck = Kck::from_slice(&k[..16]).unwrap();
        for alg in [MicAlgorithm::HmacMd5, MicAlgorithm::HmacSha1_128, MicAlgorithm::AesCmac128, MicAlgorithm::HmacSha384_192] {
            let _ = verify_mic(alg, &kck, &bytes, off);
        }
        let kek = Kek::from_slice(&k[..16]).unwrap();
        let _ = aes_unwrap(&kek, &bytes);
        let mut b = bytes.clone();
        let _ = rsn_crypto::keywrap::rc4_key_data(&kek, &[0; 16], &mut b);
    }
}
