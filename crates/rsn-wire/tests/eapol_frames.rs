//! Data-driven checks against the shared vectors in `tests/data/vectors/`:
//! every EAPOL-Key frame's listed fields, parse → emit byte-identity, key data walks, and the
//! FT frames' RSNE/MDE/FTE.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use rsn_wire::eapol::{candidate_mic_lens, EapolKey, EapolKeyRepr, EapolPacket, EapolType};
use rsn_wire::element::{id, ElementBody, Elements, FteRepr, MdeRepr, RsneRepr, WpaIeRepr};
use rsn_wire::kde::{emit_key_data, find_gtk, find_igtk, KeyDataItem, KeyDataItems};
use rsn_wire::{Akm, MacAddr};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!(
        "{}/../../tests/data/vectors/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn unhex(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().expect("hex string")).expect("valid hex")
}

/// Parse a whole EAPOL-Key frame, with the MIC length the lengths imply, and check that
/// emit re-creates it byte for byte.
fn parse_frame(frame: &[u8], ctx: &str) -> (EapolKeyRepr, usize) {
    let pkt = EapolPacket::new_checked(frame).unwrap_or_else(|e| panic!("{ctx}: {e}"));
    assert_eq!(pkt.packet_type(), EapolType::KEY, "{ctx}");
    let cands = candidate_mic_lens(frame);
    assert!(!cands.is_empty(), "{ctx}: no consistent MIC length");
    let mic_len = cands[0];
    let view = EapolKey::new_checked(frame, mic_len).unwrap();
    assert!(view.lengths_consistent(), "{ctx}");
    let repr = EapolKeyRepr::parse(&view).unwrap_or_else(|e| panic!("{ctx}: {e}"));
    let out = repr.to_vec().unwrap();
    assert_eq!(&out[..], view.frame().unwrap(), "{ctx}: emit differs");
    assert_eq!(out.len(), frame.len(), "{ctx}: trailing octets");
    (repr, mic_len)
}

#[test]
fn frame_vectors_fields_and_round_trip() {
    let doc = load("eapol_frames.json");
    let mut n = 0;
    for v in doc["vectors"].as_array().unwrap() {
        if v["kind"] != "frame" {
            continue;
        }
        let vid = v["id"].as_str().unwrap();
        let frame = unhex(&v["frame"]);
        let (r, mic_len) = parse_frame(&frame, vid);
        let view = EapolKey::new_checked(&frame[..], mic_len).unwrap();
        let ki = r.key_info;
        for (k, want) in v["fields"].as_object().unwrap() {
            let b = |x: bool| assert_eq!(Some(x), want.as_bool(), "{vid}: {k}");
            let u = |x: u64| assert_eq!(Some(x), want.as_u64(), "{vid}: {k}");
            let h = |x: &[u8]| assert_eq!(x, &unhex(want)[..], "{vid}: {k}");
            match k.as_str() {
                "protocol_version" => u(r.protocol_version.into()),
                "descriptor_type" => u(r.descriptor_type.0.into()),
                "key_descriptor_version" => u(ki.descriptor_version().0.into()),
                "key_type_pairwise" => b(ki.key_type_pairwise()),
                "key_index" => u(ki.key_index().into()),
                "install" => b(ki.install()),
                "key_ack" => b(ki.key_ack()),
                "key_mic" => b(ki.key_mic()),
                "secure" => b(ki.secure()),
                "error" => b(ki.error()),
                "request" => b(ki.request()),
                "encrypted_key_data" => b(ki.encrypted_key_data()),
                "smk_message" => b(ki.smk_message()),
                "key_length" => u(r.key_length.into()),
                "key_replay_counter" => u(r.replay_counter),
                "packet_body_length" => u(view.body_len().into()),
                "key_data_length" => u(view.key_data_len().into()),
                "key_nonce" => h(&r.key_nonce),
                "key_iv" => h(&r.key_iv),
                "key_rsc" => h(&r.key_rsc),
                "key_mic_field" => h(&r.mic),
                other => panic!("{vid}: field {other} not checked by this test"),
            }
        }
        // Plaintext RSN key data walks cleanly. (WPA1 group messages carry an RC4-encrypted
        // GTK without setting Encrypted Key Data, so only the RSN descriptor is walked.)
        let plain_rsn = r.descriptor_type.0 == 2 && !ki.encrypted_key_data();
        let plain_wpa1 = r.descriptor_type.0 == 254 && ki.key_type_pairwise();
        if (plain_rsn || plain_wpa1) && !r.key_data.is_empty() {
            walk_clean(&r.key_data, vid);
        }
        n += 1;
    }
    assert!(n >= 30, "only {n} frame vectors");
}

/// Walk key data: no error, parse → emit identical; RSNE/WPA IE in it parse.
fn walk_clean<'a>(kd: &'a [u8], ctx: &str) -> Vec<KeyDataItem<'a>> {
    let items: Vec<KeyDataItem<'a>> = KeyDataItems::new(kd)
        .map(|i| i.unwrap_or_else(|e| panic!("{ctx}: key data: {e}")))
        .collect();
    assert_eq!(emit_key_data(&items).unwrap(), kd, "{ctx}");
    for i in &items {
        match i {
            KeyDataItem::Element(e) if e.id == id::RSN => {
                let r =
                    RsneRepr::parse_element(e).unwrap_or_else(|err| panic!("{ctx}: RSNE {err}"));
                assert_eq!(r.to_vec().unwrap(), e.data, "{ctx}");
            }
            KeyDataItem::Kde(rsn_wire::kde::Kde::Other {
                oui: [0, 0x50, 0xf2],
                data_type: 1,
                data,
            }) => {
                let mut body = vec![0, 0x50, 0xf2, 1];
                body.extend_from_slice(data);
                WpaIeRepr::parse(&body).unwrap_or_else(|err| panic!("{ctx}: WPA IE {err}"));
            }
            _ => {}
        }
    }
    items
}

#[test]
fn handshake_vectors() {
    let doc = load("eapol_frames.json");
    let mut n = 0;
    for v in doc["vectors"].as_array().unwrap() {
        if v["kind"] != "handshake" {
            continue;
        }
        let vid = v["id"].as_str().unwrap();
        for f in v["frames"].as_array().unwrap() {
            let ctx = format!("{vid} {}", f["name"].as_str().unwrap());
            let frame = unhex(&f["frame"]);
            let (r, _) = parse_frame(&frame, &ctx);
            let plain_rsn = r.descriptor_type.0 == 2 && !r.key_info.encrypted_key_data();
            let plain_wpa1 = r.descriptor_type.0 == 254 && r.key_info.key_type_pairwise();
            if (plain_rsn || plain_wpa1) && !r.key_data.is_empty() {
                walk_clean(&r.key_data, &ctx);
            }
            let Some(dkd) = f.get("decrypted_key_data") else {
                continue;
            };
            let dkd = unhex(dkd);
            if f["key_data_structure"] == "elements" {
                let items = walk_clean(&dkd, &ctx);
                assert!(!items.is_empty(), "{ctx}");
                // Message 3 and group message 1 carry a GTK (in a GTK KDE for RSN).
                let has_wpa_ie = items.iter().any(|i| {
                    matches!(
                        i,
                        KeyDataItem::Kde(rsn_wire::kde::Kde::Other {
                            oui: [0, 0x50, 0xf2],
                            ..
                        })
                    )
                });
                if !has_wpa_ie {
                    let (_, _, gtk) = find_gtk(&dkd).unwrap_or_else(|| panic!("{ctx}: no GTK KDE"));
                    assert!(
                        matches!(gtk.len(), 16 | 32),
                        "{ctx}: GTK length {}",
                        gtk.len()
                    );
                }
                if let Some(igtk) = f.get("igtk") {
                    assert_eq!(find_igtk(&dkd).unwrap().2, &unhex(igtk)[..], "{ctx}");
                }
                if let Some(gtk) = f.get("gtk") {
                    assert_eq!(find_gtk(&dkd).unwrap().2, &unhex(gtk)[..], "{ctx}");
                }
            } else {
                // WPA1 group message: the key data is the bare GTK.
                assert_eq!(dkd.len(), usize::from(r.key_length), "{ctx}");
            }
            n += 1;
        }
    }
    assert!(n >= 5, "only {n} decrypted key data checks");
}

fn fte_bytes(e: &rsn_wire::element::Element<'_>) -> Vec<u8> {
    let mut out = vec![0; e.buffer_len()];
    e.emit(&mut out).unwrap();
    out
}

#[test]
fn ft_vectors() {
    let doc = load("ft_key_hierarchy.json");
    for v in doc["vectors"].as_array().unwrap() {
        let vid = v["id"].as_str().unwrap();
        let pmkr1name = unhex(&v["pmk_r1_name"]);
        // Standalone elements.
        let mde = unhex(&v["mde"]);
        let e = Elements::new(&mde).next().unwrap().unwrap();
        let m = MdeRepr::parse_element(&e).unwrap();
        assert_eq!(m.mdid.to_vec(), unhex(&v["mdid"]), "{vid}");
        let rsne = unhex(&v["ap_rsne"]);
        let e = Elements::new(&rsne).next().unwrap().unwrap();
        let r = RsneRepr::parse_element(&e).unwrap();
        assert_eq!(r.to_element_vec().unwrap(), rsne);
        assert!(r.akm_list().contains(&Akm::FT_PSK), "{vid}");
        let fte = unhex(&v["authenticator_fte"]);
        let e = Elements::new(&fte).next().unwrap().unwrap();
        let f = FteRepr::parse_with_mic_len(e.data, 16).unwrap();
        assert_eq!(f.to_element_vec().unwrap(), fte);
        assert_eq!(
            f.r0kh_id(),
            Some(v["r0kh_id"].as_str().unwrap().as_bytes()),
            "{vid}"
        );
        assert_eq!(
            f.r1kh_id(),
            MacAddr::from_slice(&unhex(&v["r1kh_id"])),
            "{vid}"
        );

        for fr in v["frames_mic_checked"].as_array().unwrap() {
            let name = fr["name"].as_str().unwrap();
            let ctx = format!("{vid} {name}");
            let frame = unhex(&fr["frame"]);
            let (k, _) = parse_frame(&frame, &ctx);
            if name != "msg2/4" {
                continue;
            }
            // Message 2: RSNE with PMKR1Name as its PMKID, MDE, FTE (12.7.6.3 / 13.8.4).
            let items = walk_clean(&k.key_data, &ctx);
            let els: Vec<_> = items
                .iter()
                .filter_map(|i| match *i {
                    KeyDataItem::Element(e) => Some(e),
                    _ => None,
                })
                .collect();
            let rsne = els.iter().find(|e| e.id == id::RSN).expect("RSNE");
            let r = RsneRepr::parse_element(rsne).unwrap();
            assert_eq!(r.pmkid_list().len(), 1, "{ctx}");
            assert_eq!(r.pmkid_list()[0].to_vec(), pmkr1name, "{ctx}: PMKR1Name");
            let mde = els
                .iter()
                .find(|e| e.id == id::MOBILITY_DOMAIN)
                .expect("MDE");
            assert_eq!(
                MdeRepr::parse_element(mde).unwrap().mdid.to_vec(),
                unhex(&v["mdid"])
            );
            let fte = els
                .iter()
                .find(|e| e.id == id::FAST_BSS_TRANSITION)
                .expect("FTE");
            let f = FteRepr::parse_with_mic_len(fte.data, 16).unwrap();
            // Initial MD association: message 2 repeats the FTE of the (Re)Association
            // Response (IEEE 802.11-2020 13.8.4), nonces zero, R0KH-ID/R1KH-ID set.
            assert_eq!(
                f.r0kh_id(),
                Some(v["r0kh_id"].as_str().unwrap().as_bytes()),
                "{ctx}"
            );
            assert_eq!(
                f.r1kh_id(),
                MacAddr::from_slice(&unhex(&v["r1kh_id"])),
                "{ctx}"
            );
            assert_eq!(&fte_bytes(fte), &unhex(&v["authenticator_fte"]), "{ctx}");
            assert_eq!(k.key_nonce.to_vec(), unhex(&v["snonce"]), "{ctx}");
        }
    }
}
