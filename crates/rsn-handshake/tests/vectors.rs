//! Real handshakes (iwd unit-test captures, `tests/data/vectors`): the supplicant, fed the
//! captured Authenticator frames with its SNonce pinned, must answer byte for byte what
//! the real supplicant sent, install the keys the vector names, and the validators must
//! accept the captured replies.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use rsn_crypto::keywrap::{aes_unwrap, rc4_key_data};
use rsn_crypto::{Kek, Pmk};
use rsn_handshake::validate::{M2Check, Protection, ReplyCheck};
use rsn_handshake::*;
use rsn_wire::eapol::{DescriptorType, EapolKeyRepr, KeyInfo};
use rsn_wire::{Akm, Cipher, MacAddr};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!(
        "{}/../../tests/data/vectors/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn h(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap()).unwrap()
}

fn mac(v: &Value) -> MacAddr {
    MacAddr::from_slice(&h(v)).unwrap()
}

fn pinned(snonce: [u8; 32]) -> Nonces {
    Box::new(move |b: &mut [u8]| b.copy_from_slice(&snonce[..b.len()]))
}

fn drain(s: &mut Supplicant) -> Vec<Action> {
    std::iter::from_fn(|| s.poll_action()).collect()
}

fn transmitted(actions: &[Action]) -> Vec<u8> {
    actions
        .iter()
        .find_map(|a| match a {
            Action::Transmit { frame, .. } => Some(frame.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no frame sent: {actions:?}"))
}

fn key(frame: &[u8]) -> EapolKeyRepr {
    EapolKeyRepr::parse_bytes(frame, 16).unwrap()
}

/// The RSNE (whole element) inside a decrypted M3.
fn m3_rsne(m3: &EapolKeyRepr, kek: &Kek, rc4: bool) -> Vec<u8> {
    let plain = if rc4 {
        let mut d = m3.key_data.clone();
        rc4_key_data(kek, &m3.key_iv, &mut d).unwrap();
        d
    } else {
        aes_unwrap(kek, &m3.key_data).unwrap().to_vec()
    };
    let e = rsn_wire::kde::find_element(&plain, 48).unwrap();
    [&[48, e.data.len() as u8][..], e.data].concat()
}

#[test]
fn iwd_psk_handshakes_reproduce_byte_for_byte() {
    let doc = load("eapol_frames.json");
    let mut ran = 0;
    for v in doc["vectors"].as_array().unwrap() {
        if v["kind"] != "handshake" {
            continue;
        }
        let frames: Vec<(String, Vec<u8>)> = v["frames"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["name"].as_str().unwrap().to_string(), h(&f["frame"])))
            .collect();
        let get = |n: &str| frames.iter().find(|(k, _)| k == n).map(|(_, f)| f.clone());
        let (m1, m2, m3, m4) = (
            get("msg1/4").unwrap(),
            get("msg2/4").unwrap(),
            get("msg3/4").unwrap(),
            get("msg4/4").unwrap(),
        );
        let k1 = key(&m1);
        if k1.descriptor_type != DescriptorType::RSN {
            continue; // WPA1 (descriptor 254): not run by the state machines.
        }
        let tkip = k1.key_info.descriptor_version().0 == 1;
        let (k2, k3) = (key(&m2), key(&m3));
        let assoc_rsne = k2.key_data.clone();
        let pmf = assoc_rsne.len() > 22;
        let cipher = if tkip { Cipher::TKIP } else { Cipher::CCMP128 };
        let suite = Suite {
            akm: Akm::PSK,
            pairwise: cipher,
            group: cipher,
            group_mgmt: pmf.then_some(Cipher::BIP_CMAC128),
            pmk_len: 32,
        };
        let ptk = h(&v["ptk"]);
        let kek = Kek::from_slice(&ptk[16..32]).unwrap();
        let kck = rsn_crypto::Kck::from_slice(&ptk[..16]).unwrap();
        let beacon = m3_rsne(&k3, &kek, tkip);
        let pmk = PmkSource::Pmk(Pmk::from_slice(&h(&v["pmk"])).unwrap());
        let mut cfg = SupConfig::new(suite, pmk, assoc_rsne.clone(), beacon);
        cfg.eapol_version = m2[0];
        let (aa, spa) = (mac(&v["aa"]), mac(&v["spa"]));
        let mut sta = Supplicant::new(cfg, aa, spa, pinned(k2.key_nonce)).unwrap();
        let id = v["id"].as_str().unwrap();

        sta.handle(
            Instant::ZERO,
            Input::Eapol {
                frame: &m1,
                protected: false,
            },
        );
        assert_eq!(
            hex::encode(transmitted(&drain(&mut sta))),
            hex::encode(&m2),
            "{id}: M2"
        );
        sta.handle(
            Instant::ZERO,
            Input::Eapol {
                frame: &m3,
                protected: false,
            },
        );
        let out = drain(&mut sta);
        assert_eq!(hex::encode(transmitted(&out)), hex::encode(&m4), "{id}: M4");
        let tk = out.iter().find_map(|a| match a {
            Action::InstallPtk { tk, .. } => Some(tk.expose_secret().to_vec()),
            _ => None,
        });
        assert_eq!(tk.as_deref(), Some(&ptk[32..]), "{id}: TK");
        assert!(
            out.iter().any(|a| matches!(a, Action::InstallGtk { .. })),
            "{id}"
        );
        assert_eq!(
            pmf,
            out.iter().any(|a| matches!(a, Action::InstallIgtk { .. })),
            "{id}"
        );
        assert_eq!(sta.state(), SupState::Established);

        // The authenticator-side validators accept the captured replies.
        let x2 = M2Check {
            suite,
            replay_counter: k1.replay_counter,
            rekey: false,
            secure_bit: SecureBitPolicy::MODERN,
            protection: Protection::default(),
            kck: Some(&kck),
            previous_kck: None,
            assoc_rsne: Some(&assoc_rsne),
            ft: None,
        };
        assert_eq!(check_m2(&k2, &x2), Ok(()), "{id}");
        let x4 = ReplyCheck {
            suite,
            replay_counter: k3.replay_counter,
            protection: Protection::default(),
            kck: Some(&kck),
        };
        assert_eq!(check_m4(&key(&m4), &x4), Ok(()), "{id}");
        // A different KCK fails the MIC.
        let wrong = rsn_crypto::Kck::from_slice(&[0x55; 16]).unwrap();
        assert_eq!(
            check_m4(
                &key(&m4),
                &ReplyCheck {
                    kck: Some(&wrong),
                    ..x4
                }
            ),
            Err(Violation::MicInvalid { msg: Msg::M4 })
        );

        if let (Some(g1), Some(g2)) = (get("group1/2"), get("group2/2")) {
            sta.handle(
                Instant::ZERO,
                Input::Eapol {
                    frame: &g1,
                    protected: true,
                },
            );
            let out = drain(&mut sta);
            assert_eq!(hex::encode(transmitted(&out)), hex::encode(&g2), "{id}: G2");
            assert!(out.contains(&Action::Completed(Handshake::Group)));
        }
        ran += 1;
    }
    assert_eq!(ran, 3);
}

#[test]
fn iwd_ft_psk_initial_mobility_domain_association() {
    let doc = load("ft_key_hierarchy.json");
    let v = &doc["vectors"][0];
    let frames: Vec<Vec<u8>> = v["frames_mic_checked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| h(&f["frame"]))
        .collect();
    let (m2, m3, m4) = (&frames[0], &frames[1], &frames[2]);
    let suite = Suite {
        akm: Akm::FT_PSK,
        pairwise: Cipher::CCMP128,
        group: Cipher::CCMP128,
        group_mgmt: None,
        pmk_len: 32,
    };
    let mdid = h(&v["mdid"]);
    let ft = FtParams {
        xxkey: Pmk::from_slice(&h(&v["xxkey"])).unwrap(),
        ssid: v["ssid"].as_str().unwrap().as_bytes().to_vec(),
        mdid: [mdid[0], mdid[1]],
        ft_capability: h(&v["mde"])[4],
        r0kh_id: v["r0kh_id"].as_str().unwrap().as_bytes().to_vec(),
        r1kh_id: mac(&v["r1kh_id"]),
    };
    let assoc = hex::decode("30140100000fac040100000fac040100000fac040000").unwrap();
    let mut cfg = SupConfig::new(suite, PmkSource::Ft(ft), assoc, h(&v["ap_rsne"]));
    cfg.eapol_version = m2[0];
    let snonce: [u8; 32] = h(&v["snonce"]).try_into().unwrap();
    let anonce: [u8; 32] = h(&v["anonce"]).try_into().unwrap();
    let mut sta =
        Supplicant::new(cfg, mac(&v["bssid"]), mac(&v["s1kh_id"]), pinned(snonce)).unwrap();
    assert_eq!(
        sta.pmk_r1_name().map(hex::encode),
        Some(v["pmk_r1_name"].as_str().unwrap().to_string())
    );
    // The source has no M1: build the one the Authenticator sent (replay counter 1).
    let m1 = EapolKeyRepr {
        protocol_version: 2,
        descriptor_type: DescriptorType::RSN,
        key_info: KeyInfo(0x008b),
        key_length: 16,
        replay_counter: 1,
        key_nonce: anonce,
        mic: vec![0; 16],
        ..Default::default()
    }
    .to_vec()
    .unwrap();
    sta.handle(
        Instant::ZERO,
        Input::Eapol {
            frame: &m1,
            protected: false,
        },
    );
    assert_eq!(
        hex::encode(transmitted(&drain(&mut sta))),
        hex::encode(m2),
        "FT M2"
    );
    sta.handle(
        Instant::ZERO,
        Input::Eapol {
            frame: m3,
            protected: false,
        },
    );
    let out = drain(&mut sta);
    assert_eq!(
        hex::encode(transmitted(&out)),
        hex::encode(m4),
        "FT M4: {out:?}"
    );
    let tk = out.iter().find_map(|a| match a {
        Action::InstallPtk { tk, .. } => Some(tk.expose_secret().to_vec()),
        _ => None,
    });
    assert_eq!(tk, Some(h(&v["ptk"])[32..].to_vec()));
}
