#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
use super::*;
use crate::{Akm, Cipher, SuiteSelector};
use alloc::vec;
use proptest::collection::vec as pvec;
use proptest::prelude::*;

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

#[test]
fn iterator_tolerates_truncation() {
    let area = [0u8, 2, b'h', b'i', 48, 10, 1];
    let mut it = Elements::new(&area);
    let e = it.next().unwrap().unwrap();
    assert_eq!((e.id, e.data), (0, &b"hi"[..]));
    assert_eq!(it.next(), Some(Err(Error::Truncated)));
    assert_eq!(it.next(), None);
    assert_eq!(it.error(), Some(Error::Truncated));
    assert_eq!(it.remaining(), &[48, 10, 1]);
    // Extension element.
    let area = [255u8, 3, ext_id::OCI, 1, 2, 221, 4, 0, 0x50, 0xf2, 1];
    let e = Elements::find_ext(&area, ext_id::OCI).unwrap();
    assert_eq!(e.ext_data(), &[1, 2]);
    let v = Elements::find_vendor(&area, [0, 0x50, 0xf2], 1).unwrap();
    assert_eq!(v.data.len(), 4);
}

#[test]
fn rsne_psk_ccmp_and_pmkid() {
    // From the iwd handshake vector: RSNE with PSK/CCMP, caps 0.
    let e = unhex("30140100000fac040100000fac040100000fac020000");
    let el = Elements::new(&e).next().unwrap().unwrap();
    let r = RsneRepr::parse_element(&el).unwrap();
    assert_eq!(r.version, 1);
    assert_eq!(r.group_data_cipher, Some(Cipher::CCMP128));
    assert_eq!(r.pairwise_list(), &[Cipher::CCMP128]);
    assert_eq!(r.akm_list(), &[Akm::PSK]);
    assert_eq!(r.capabilities, Some(RsnCapabilities(0)));
    assert_eq!(r.pmkids, None);
    assert_eq!(r.to_element_vec().unwrap(), e);
    // FT-PSK RSNE with a PMKID (PMKR1Name) from the FT vector.
    let d = unhex("0100000fac040100000fac040100000fac0400000100dece50a09ef08c4ebef2f1dbe967b4d4");
    let r = RsneRepr::parse(&d).unwrap();
    assert_eq!(r.akm_list(), &[Akm::FT_PSK]);
    assert_eq!(
        r.pmkid_list(),
        &[<[u8; 16]>::try_from(&unhex("dece50a09ef08c4ebef2f1dbe967b4d4")[..]).unwrap()]
    );
    assert_eq!(r.to_vec().unwrap(), d);
    // Caps bits.
    let c = RsnCapabilities(0x00cc);
    assert!(c.mfpr() && c.mfpc());
    assert_eq!(c.ptksa_replay_counters(), 16);
    assert_eq!(c.gtksa_replay_counters(), 1);
    // Cut in the middle of the pairwise list.
    assert_eq!(RsneRepr::parse(&d[..9]), Err(Error::Truncated));
    assert_eq!(RsneRepr::parse(&[1]), Err(Error::Truncated));
    // Group mgmt cipher and trailing bytes kept.
    let mut d2 = unhex("0100000fac040100000fac040100000fac06c0000000000fac06");
    d2.extend_from_slice(&[0xaa, 0xbb]);
    let r = RsneRepr::parse(&d2).unwrap();
    assert_eq!(r.group_mgmt_cipher, Some(Cipher::BIP_CMAC128));
    assert_eq!(r.extra, vec![0xaa, 0xbb]);
    assert_eq!(r.to_vec().unwrap(), d2);
}

#[test]
fn wpa1_ie() {
    let e = unhex("dd160050f20101000050f20201000050f20201000050f202");
    let el = Elements::new(&e).next().unwrap().unwrap();
    let w = WpaIeRepr::parse_element(&el).unwrap();
    assert_eq!(w.version, 1);
    assert_eq!(w.group_cipher, Some(Cipher::WPA1_TKIP));
    assert_eq!(w.pairwise_ciphers, Some(vec![Cipher::WPA1_TKIP]));
    assert_eq!(w.akms, Some(vec![Akm::WPA1_PSK]));
    assert_eq!(w.capabilities, None);
    assert_eq!(w.to_element_vec().unwrap(), e);
    assert_eq!(
        WpaIeRepr::parse(&[0, 0x50, 0xf2, 4, 1, 0]),
        Err(Error::Malformed)
    );
}

#[test]
fn mde_fte_from_ft_vector() {
    let mde = unhex("3603123401");
    let el = Elements::new(&mde).next().unwrap().unwrap();
    let m = MdeRepr::parse_element(&el).unwrap();
    assert_eq!(m.mdid, [0x12, 0x34]);
    assert!(m.ft_over_ds() && !m.resource_request());
    assert_eq!(m.to_element_vec().unwrap(), mde);

    let mut fte = vec![55u8, 0x62, 0, 0];
    fte.extend_from_slice(&[0; 16 + 64]);
    fte.extend_from_slice(&unhex(
        "010602000000000003066475 6d6d7930"
            .replace(' ', "")
            .as_str(),
    ));
    let el = Elements::new(&fte).next().unwrap().unwrap();
    assert_eq!(FteRepr::candidate_mic_lens(el.data).first(), Some(&16));
    let f = FteRepr::parse_element(&el).unwrap();
    assert_eq!(f.mic.len(), 16);
    assert_eq!(f.r1kh_id(), Some(crate::MacAddr([2, 0, 0, 0, 0, 0])));
    assert_eq!(f.r0kh_id(), Some(&b"dummy0"[..]));
    assert_eq!(f.element_count(), 0);
    assert_eq!(f.to_element_vec().unwrap(), fte);
    let f24 = FteRepr::parse_with_mic_len(el.data, 24).unwrap();
    assert_eq!(f24.mic.len(), 24);
    assert_eq!(f24.to_vec().unwrap(), el.data);
}

#[test]
fn suites_and_rsnxe() {
    let l = [0, 0x0f, 0xac, 4, 0, 0x0f, 0xac, 2, 9];
    let v: Vec<SuiteSelector> = Suites::new(&l).collect();
    assert_eq!(v, vec![SuiteSelector::ieee(4), SuiteSelector::ieee(2)]);
    let x = RsnxeRepr(vec![0x20]);
    assert!(x.sae_h2e() && !x.sae_pk());
    assert_eq!(x.field_length(), Some(0));
    let s = SsidRepr(b"TestWPA".to_vec());
    assert_eq!(s.to_element_vec().unwrap(), b"\x00\x07TestWPA");
    assert!(SsidRepr(vec![]).is_hidden());
}

fn arb_suites<T: From<SuiteSelector> + core::fmt::Debug>() -> impl Strategy<Value = Vec<T>> {
    pvec(
        any::<[u8; 4]>().prop_map(|b| T::from(SuiteSelector::from_bytes(b))),
        0..4,
    )
}

prop_compose! {
    fn arb_rsne()(
        version in any::<u16>(),
        depth in 0usize..8,
        g in any::<[u8; 4]>(),
        p in arb_suites::<Cipher>(),
        a in arb_suites::<Akm>(),
        c in any::<u16>(),
        ids in pvec(any::<[u8; 16]>(), 0..3),
        m in any::<[u8; 4]>(),
        extra in pvec(any::<u8>(), 0..6),
    ) -> RsneRepr {
        RsneRepr {
            version,
            group_data_cipher: (depth > 0).then_some(Cipher(SuiteSelector::from_bytes(g))),
            pairwise_ciphers: (depth > 1).then_some(p),
            akms: (depth > 2).then_some(a),
            capabilities: (depth > 3).then_some(RsnCapabilities(c)),
            pmkids: (depth > 4).then_some(ids),
            group_mgmt_cipher: (depth > 5).then_some(Cipher(SuiteSelector::from_bytes(m))),
            extra: if depth > 6 { extra } else { vec![] },
        }
    }
}

prop_compose! {
    fn arb_wpa()(
        version in any::<u16>(),
        depth in 0usize..6,
        g in any::<[u8; 4]>(),
        p in arb_suites::<Cipher>(),
        a in arb_suites::<Akm>(),
        c in any::<u16>(),
        extra in pvec(any::<u8>(), 0..6),
    ) -> WpaIeRepr {
        WpaIeRepr {
            version,
            group_cipher: (depth > 0).then_some(Cipher(SuiteSelector::from_bytes(g))),
            pairwise_ciphers: (depth > 1).then_some(p),
            akms: (depth > 2).then_some(a),
            capabilities: (depth > 3).then_some(RsnCapabilities(c)),
            extra: if depth > 4 { extra } else { vec![] },
        }
    }
}

fn arb_subelement() -> impl Strategy<Value = FtSubelement> {
    prop_oneof![
        any::<[u8; 6]>().prop_map(|m| FtSubelement::R1khId(crate::MacAddr(m))),
        (
            any::<u16>(),
            any::<u8>(),
            any::<[u8; 8]>(),
            pvec(any::<u8>(), 0..40)
        )
            .prop_map(|(key_info, key_len, rsc, wrapped_key)| FtSubelement::Gtk {
                key_info,
                key_len,
                rsc,
                wrapped_key
            }),
        pvec(any::<u8>(), 0..48).prop_map(FtSubelement::R0khId),
        (
            any::<u16>(),
            any::<[u8; 6]>(),
            any::<u8>(),
            pvec(any::<u8>(), 0..40)
        )
            .prop_map(|(key_id, ipn, key_len, wrapped_key)| FtSubelement::Igtk {
                key_id,
                ipn,
                key_len,
                wrapped_key
            }),
        pvec(any::<u8>(), 0..8).prop_map(FtSubelement::Oci),
        (
            any::<u16>(),
            any::<[u8; 6]>(),
            any::<u8>(),
            pvec(any::<u8>(), 0..40)
        )
            .prop_map(|(key_id, bipn, key_len, wrapped_key)| FtSubelement::Bigtk {
                key_id,
                bipn,
                key_len,
                wrapped_key
            }),
        (7u8.., pvec(any::<u8>(), 0..20)).prop_map(|(id, data)| FtSubelement::Unknown { id, data }),
    ]
}

prop_compose! {
    fn arb_fte()(
        mic_control in any::<u16>(),
        mic_len in prop_oneof![Just(16usize), Just(24), Just(32)],
        mic in any::<[u8; 32]>(),
        anonce in any::<[u8; 32]>(),
        snonce in any::<[u8; 32]>(),
        subelements in pvec(arb_subelement(), 0..3),
    ) -> FteRepr {
        FteRepr { mic_control, mic: mic[..mic_len].to_vec(), anonce, snonce, subelements }
    }
}

proptest! {
    #[test]
    fn rsne_round_trip(r in arb_rsne()) {
        let v = r.to_vec().unwrap();
        prop_assert_eq!(v.len(), r.buffer_len());
        let p = RsneRepr::parse(&v).unwrap();
        prop_assert_eq!(&p, &r);
        prop_assert_eq!(p.to_vec().unwrap(), v);
    }

    #[test]
    fn wpa_round_trip(r in arb_wpa()) {
        let v = r.to_element_vec().unwrap();
        let el = Elements::new(&v).next().unwrap().unwrap();
        let p = WpaIeRepr::parse_element(&el).unwrap();
        prop_assert_eq!(&p, &r);
        prop_assert_eq!(p.to_element_vec().unwrap(), v);
    }

    #[test]
    fn fte_round_trip(r in arb_fte()) {
        let v = r.to_vec().unwrap();
        let p = FteRepr::parse_with_mic_len(&v, r.mic.len()).unwrap();
        prop_assert_eq!(&p, &r);
        prop_assert_eq!(&p.to_vec().unwrap(), &v);
        prop_assert!(FteRepr::candidate_mic_lens(&v).contains(&r.mic.len()));
    }

    #[test]
    fn small_elements_round_trip(d in any::<[u8; 2]>(), c in any::<u8>(), extra in pvec(any::<u8>(), 0..4), t in any::<u8>(), val in any::<u32>()) {
        let m = MdeRepr { mdid: d, ft_capability: c, extra: extra.clone() };
        prop_assert_eq!(MdeRepr::parse(&m.to_vec().unwrap()).unwrap(), m);
        let ti = TimeoutIntervalRepr { interval_type: t, value: val, extra: extra.clone() };
        prop_assert_eq!(TimeoutIntervalRepr::parse(&ti.to_vec().unwrap()).unwrap(), ti);
        let x = RsnxeRepr(extra.clone());
        prop_assert_eq!(RsnxeRepr::parse(&x.to_vec().unwrap()).unwrap(), x);
        let s = SsidRepr(extra);
        prop_assert_eq!(SsidRepr::parse(&s.to_vec().unwrap()).unwrap(), s);
    }

    #[test]
    fn element_area_round_trip(items in pvec((any::<u8>(), pvec(any::<u8>(), 0..12)), 0..5)) {
        let els: Vec<Element<'_>> = items.iter().map(|(id, d)| Element { id: *id, data: d }).collect();
        let mut out = Vec::new();
        emit_elements(&mut out, &els).unwrap();
        let back: Vec<Element<'_>> = Elements::new(&out).map(|e| e.unwrap()).collect();
        prop_assert_eq!(back, els);
    }

    #[test]
    fn no_panic_parse(b in pvec(any::<u8>(), 0..140)) {
        let mut it = Elements::new(&b);
        for e in it.by_ref() {
            let Ok(e) = e else { break };
            let _ = (e.ext_id(), e.ext_data(), e.vendor_oui_type());
        }
        // parse -> emit is byte-identical for every body parser that accepts the input.
        if let Ok(r) = RsneRepr::parse(&b) { prop_assert_eq!(r.to_vec().unwrap(), b.clone()); }
        if let Ok(r) = WpaIeRepr::parse(&b) { prop_assert_eq!(r.to_vec().unwrap(), b.clone()); }
        if let Ok(r) = MdeRepr::parse(&b) { prop_assert_eq!(r.to_vec().unwrap(), b.clone()); }
        if let Ok(r) = TimeoutIntervalRepr::parse(&b) { prop_assert_eq!(r.to_vec().unwrap(), b.clone()); }
        if let Ok(r) = FteRepr::parse(&b) { prop_assert_eq!(r.to_vec().unwrap(), b.clone()); }
        for m in [0usize, 16, 24, 32, 200] {
            if let Ok(r) = FteRepr::parse_with_mic_len(&b, m) { prop_assert_eq!(r.to_vec().unwrap(), b.clone()); }
        }
    }

    #[test]
    fn rsne_prefix_no_panic(r in arb_rsne(), cut in 0usize..80) {
        let v = r.to_vec().unwrap();
        let _ = RsneRepr::parse(v.get(..cut).unwrap_or(&v));
    }
}
