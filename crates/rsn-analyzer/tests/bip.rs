//! BIP on group-addressed Deauthentication/Disassociation frames of a PMF network (IEEE
//! 802.11-2020 12.5.4): with the IGTK the capture's Message 3 delivers, a broadcast
//! deauthentication with a valid BIP MIC ends the association; a forged one (bad MIC, no
//! MME) or a replayed one (IPN not increasing) is reported and ends nothing, since PMF
//! clients drop it.
#![allow(clippy::unwrap_used)]

mod support;

use rsn_analyzer::{Analyzer, KeyMaterial};
use rsn_crypto::bip::BipKey;
use rsn_crypto::{Igtk, Pmk};
use rsn_handshake::Suite;
use rsn_wire::{Akm, Cipher};
use support::*;

/// RSNE: CCMP, CCMP, PSK, MFPC, no PMKIDs, BIP-CMAC-128.
const RSNE_PMF: [u8; 28] = [
    0x30, 26, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 2, 0x80, 0, 0,
    0, 0, 0x0f, 0xac, 6,
];

fn deauth_broadcast() -> Vec<u8> {
    let mut f = vec![0xc0, 0, 0, 0];
    f.extend_from_slice(&[0xff; 6]);
    f.extend_from_slice(&AP.0);
    f.extend_from_slice(&AP.0);
    f.extend_from_slice(&[0x40, 0, 7, 0]);
    f
}

fn pmf_association() -> (Cap, BipKey, u16, u64) {
    let suite = Suite {
        akm: Akm::PSK,
        pairwise: Cipher::CCMP128,
        group: Cipher::CCMP128,
        group_mgmt: Some(Cipher::BIP_CMAC128),
        pmk_len: 32,
    };
    let mut cap = Cap::default();
    cap.associate_with(MS, STA, &RSNE_PMF);
    let pmk = Pmk::from_slice(&[5; 32]).unwrap();
    let (done, igtk) = four_way_with(&mut cap, 3 * MS, STA, suite, &RSNE_PMF, &pmk, &pmk);
    assert!(done);
    let (key_id, igtk, ipn) = igtk.expect("the AP installed an IGTK");
    let mut p = [0u8; 8];
    p[..6].copy_from_slice(&ipn);
    let key = BipKey::new(Cipher::BIP_CMAC128, &Igtk::from_slice(&igtk).unwrap()).unwrap();
    (cap, key, key_id, u64::from_le_bytes(p))
}

fn keys() -> KeyMaterial {
    let mut k = KeyMaterial::default();
    k.pmks.push(Pmk::from_slice(&[5; 32]).unwrap());
    k
}

#[test]
fn forged_and_replayed_broadcast_deauthentications_end_nothing() {
    let (mut cap, key, key_id, ipn) = pmf_association();
    let mut good = Vec::new();
    key.protect(&deauth_broadcast(), key_id, ipn + 5, &mut good)
        .unwrap();
    let mut forged = good.clone();
    let last = forged.len() - 1;
    forged[last] ^= 1;
    cap.raw(100 * MS, forged);
    cap.raw(101 * MS, deauth_broadcast()); // no MME at all
    cap.raw(102 * MS, good.clone());
    cap.raw(103 * MS, good); // the same frame again: a replay
    let r = cap.analyze(Analyzer::new(keys()));
    assert_eq!(r.summary.bip_valid, 1, "{:?}", r.summary);
    assert_eq!(r.summary.bip_invalid, 3, "{:?}", r.summary);
    let events: Vec<&str> = r.clients[0]
        .events
        .iter()
        .filter(|e| e.kind == "deauth")
        .map(|e| e.detail.as_str())
        .collect();
    assert_eq!(events.len(), 4, "{events:?}");
    assert!(events[0].contains("BIP MIC invalid") && events[1].contains("BIP MIC invalid"));
    assert!(events[2].contains("BIP MIC valid"));
    assert!(events[3].contains("not increasing"));
    assert_eq!(r.handshakes[0].outcome, "completed");
}

#[test]
fn a_forged_broadcast_deauthentication_does_not_end_a_handshake() {
    // A forged broadcast deauthentication between Message 3 (which brought the IGTK) and
    // Message 4: the handshake is not torn down by it (the PMF client dropped it).
    let (mut cap, key, key_id, ipn) = pmf_association();
    let mut forged = Vec::new();
    key.protect(&deauth_broadcast(), key_id, ipn + 1, &mut forged)
        .unwrap();
    let n = forged.len();
    forged[n - 2] ^= 0x55;
    // Messages from the AP are FromDS data frames: the second one is Message 3.
    let m3 = cap
        .recs
        .iter()
        .enumerate()
        .filter(|(_, (_, r))| matches!(r, Rec::Dot11(f) if f[0] == 0x08 && f[1] == 0x02))
        .nth(1)
        .unwrap()
        .0;
    let ts = cap.recs[m3].0 + 1;
    cap.recs.insert(m3 + 1, (ts, Rec::Dot11(forged)));
    let r = cap.analyze(Analyzer::new(keys()));
    assert_eq!(r.summary.bip_invalid, 1);
    assert_eq!(r.handshakes.len(), 1);
    assert_eq!(
        r.handshakes[0].outcome, "completed",
        "{:?}",
        r.handshakes[0]
    );
}
