//! Findings the simulator's fault hooks cannot produce, each from a small hand-built
//! exchange with real keys and MICs: RSNE mismatch, Key Information anomaly, rejected M4, zero
//! PMK, another network's PMK, another AKM's key hierarchy, a bad IGTK Key ID, an FT M2 whose
//! PMKID is not PMKR1Name.

use rsn_analyzer::report::Report;
use rsn_analyzer::{Analyzer, FrameIn, KeyMaterial, Link, PassphraseEntry};
use rsn_crypto::mic::{compute_mic, MicAlgorithm, EAPOL_KEY_MIC_OFFSET};
use rsn_crypto::{derive_ptk, ft, keywrap, psk_from_passphrase, Passphrase, Pmk, Ptk};
use rsn_wire::eapol::{DescriptorType, EapolKeyRepr, KeyInfo};
use rsn_wire::{Akm, Cipher, MacAddr};

const AP: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 1]);
const STA: MacAddr = MacAddr([0x02, 0xaa, 0, 0, 0, 1]);
const PASS: &str = "the network passphrase";
const SSID: &[u8] = b"synthetic";
/// RSNE: CCMP group, CCMP pairwise, PSK.
const RSNE_PSK: [u8; 22] = [
    0x30, 20, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 2, 0, 0,
];

/// M1 Key Information: pairwise, Ack, descriptor version 2.
const KI_M1: u16 = 0x008a;
const KI_M2: u16 = 0x010a;
const KI_M3: u16 = 0x13ca;
const KI_M4: u16 = 0x030a;

struct Air {
    frames: Vec<Vec<u8>>,
    seq: u16,
}

impl Air {
    fn new() -> Self {
        Air {
            frames: Vec::new(),
            seq: 0,
        }
    }
    fn hdr(&mut self, fc: [u8; 2], a1: MacAddr, a2: MacAddr) -> Vec<u8> {
        self.seq += 1;
        let mut h = vec![fc[0], fc[1], 0, 0];
        h.extend_from_slice(&a1.0);
        h.extend_from_slice(&a2.0);
        h.extend_from_slice(&AP.0);
        h.extend_from_slice(&(self.seq << 4).to_le_bytes());
        h
    }
    fn beacon(&mut self, ssid: &[u8], rsne: &[u8]) {
        let mut f = self.hdr([0x80, 0], MacAddr::BROADCAST, AP);
        f.extend_from_slice(&[0; 8]);
        f.extend_from_slice(&[0x64, 0, 0x11, 0x04, 0, ssid.len() as u8]);
        f.extend_from_slice(ssid);
        f.extend_from_slice(rsne);
        self.frames.push(f);
    }
    fn assoc(&mut self, rsne: &[u8]) {
        let mut f = self.hdr([0x00, 0], AP, STA);
        f.extend_from_slice(&[0x11, 0x04, 10, 0, 0, SSID.len() as u8]);
        f.extend_from_slice(SSID);
        f.extend_from_slice(rsne);
        self.frames.push(f);
    }
    fn deauth(&mut self, reason: u16) {
        let mut f = self.hdr([0xc0, 0], STA, AP);
        f.extend_from_slice(&reason.to_le_bytes());
        self.frames.push(f);
    }
    fn eapol(&mut self, from_ap: bool, eapol: &[u8]) {
        let mut f = if from_ap {
            self.hdr([0x08, 0x02], STA, AP)
        } else {
            self.hdr([0x08, 0x01], AP, STA)
        };
        f.extend_from_slice(&[0xaa, 0xaa, 0x03, 0, 0, 0, 0x88, 0x8e]);
        f.extend_from_slice(eapol);
        self.frames.push(f);
    }
    fn analyze(self, keys: KeyMaterial) -> Report {
        let mut a = Analyzer::new(keys);
        for (i, f) in self.frames.iter().enumerate() {
            let n = i as u64 + 1;
            a.push(&FrameIn {
                number: n,
                ts_ns: n as i128 * 1_000_000,
                link: Link::Dot11 {
                    frame: f,
                    fcs_bad: false,
                },
            });
        }
        a.finish()
    }
}

fn key(info: u16, rc: u64, nonce: [u8; 32], data: Vec<u8>) -> EapolKeyRepr {
    EapolKeyRepr {
        protocol_version: 2,
        descriptor_type: DescriptorType::RSN,
        key_info: KeyInfo(info),
        key_length: 16,
        replay_counter: rc,
        key_nonce: nonce,
        key_iv: [0; 16],
        key_rsc: [0; 8],
        key_id: [0; 8],
        mic: vec![0; 16],
        key_data: data,
        body_padding: vec![],
    }
}

fn signed(k: EapolKeyRepr, alg: MicAlgorithm, ptk: &Ptk) -> Vec<u8> {
    let mut v = k.to_vec().unwrap();
    let m = compute_mic(alg, &ptk.kck, &v, EAPOL_KEY_MIC_OFFSET).unwrap();
    v[EAPOL_KEY_MIC_OFFSET..EAPOL_KEY_MIC_OFFSET + 16].copy_from_slice(m.as_bytes());
    v
}

fn network_pmk() -> Pmk {
    psk_from_passphrase(&Passphrase::new(PASS).unwrap(), SSID).unwrap()
}

fn keys() -> KeyMaterial {
    let mut k = KeyMaterial::default();
    k.passphrases.push(PassphraseEntry {
        passphrase: Passphrase::new(PASS).unwrap(),
        ssid: None,
    });
    k
}

const AN: [u8; 32] = [0x11; 32];
const SN: [u8; 32] = [0x22; 32];

fn ptk_with(pmk: &Pmk, akm: Akm) -> Ptk {
    derive_ptk(pmk, akm, Cipher::CCMP128, &AP, &STA, &AN, &SN).unwrap()
}

/// M3 key data: the RSNE and a GTK KDE, wrapped with the KEK.
fn m3_data(ptk: &Ptk, rsne: &[u8]) -> Vec<u8> {
    let mut kd = rsne.to_vec();
    kd.extend_from_slice(&[0xdd, 22, 0x00, 0x0f, 0xac, 1, 0x01, 0]);
    kd.extend_from_slice(&[0x47; 16]);
    keywrap::aes_wrap(&ptk.kek, &kd).unwrap()
}

fn codes(r: &Report) -> Vec<(&str, &str)> {
    r.findings
        .iter()
        .map(|f| (f.code.as_str(), f.blame.as_str()))
        .collect()
}

/// A client that keys its M2 with `client_pmk` (and `akm`, `alg`) and an AP that rejects it.
fn rejected_m2(client_pmk: &Pmk, akm: Akm, alg: MicAlgorithm, info_m2: u16) -> Air {
    let ptk = ptk_with(client_pmk, akm);
    let mut air = Air::new();
    air.beacon(SSID, &RSNE_PSK);
    air.assoc(&RSNE_PSK);
    for rc in 1..=3u64 {
        air.eapol(true, &key(KI_M1, rc, AN, vec![]).to_vec().unwrap());
        air.eapol(
            false,
            &signed(key(info_m2, rc, SN, RSNE_PSK.to_vec()), alg, &ptk),
        );
    }
    air.deauth(15);
    air
}

#[test]
fn rsne_in_m2_differs_from_the_association() {
    let ptk = ptk_with(&network_pmk(), Akm::PSK);
    let mut other = RSNE_PSK;
    other[13] = 2; // TKIP pairwise in M2, CCMP in the association
    let mut air = Air::new();
    air.beacon(SSID, &RSNE_PSK);
    air.assoc(&RSNE_PSK);
    air.eapol(true, &key(KI_M1, 1, AN, vec![]).to_vec().unwrap());
    air.eapol(
        false,
        &signed(
            key(KI_M2, 1, SN, other.to_vec()),
            MicAlgorithm::HmacSha1_128,
            &ptk,
        ),
    );
    air.deauth(2);
    let r = air.analyze(keys());
    assert_eq!(
        codes(&r),
        vec![("rsne-mismatch", "client")],
        "{:?}",
        r.findings
    );
    assert_eq!(r.handshakes[0].messages[1].mic, "valid");
}

#[test]
fn m3_without_the_secure_bit_is_a_key_info_anomaly() {
    let ptk = ptk_with(&network_pmk(), Akm::PSK);
    let mut air = Air::new();
    air.beacon(SSID, &RSNE_PSK);
    air.assoc(&RSNE_PSK);
    air.eapol(true, &key(KI_M1, 1, AN, vec![]).to_vec().unwrap());
    air.eapol(
        false,
        &signed(
            key(KI_M2, 1, SN, RSNE_PSK.to_vec()),
            MicAlgorithm::HmacSha1_128,
            &ptk,
        ),
    );
    air.eapol(
        true,
        &signed(
            key(KI_M3 & !0x0200, 2, AN, m3_data(&ptk, &RSNE_PSK)),
            MicAlgorithm::HmacSha1_128,
            &ptk,
        ),
    );
    air.eapol(
        false,
        &signed(
            key(KI_M4, 2, [0; 32], vec![]),
            MicAlgorithm::HmacSha1_128,
            &ptk,
        ),
    );
    let r = air.analyze(keys());
    assert_eq!(
        codes(&r),
        vec![("key-info-anomaly", "ap")],
        "{:?}",
        r.findings
    );
    assert_eq!(r.handshakes[0].outcome, "completed");
}

#[test]
fn the_ap_keeps_sending_m3_after_m4() {
    let ptk = ptk_with(&network_pmk(), Akm::PSK);
    let mut air = Air::new();
    air.beacon(SSID, &RSNE_PSK);
    air.assoc(&RSNE_PSK);
    air.eapol(true, &key(KI_M1, 1, AN, vec![]).to_vec().unwrap());
    air.eapol(
        false,
        &signed(
            key(KI_M2, 1, SN, RSNE_PSK.to_vec()),
            MicAlgorithm::HmacSha1_128,
            &ptk,
        ),
    );
    for rc in 2..=4u64 {
        air.eapol(
            true,
            &signed(
                key(KI_M3, rc, AN, m3_data(&ptk, &RSNE_PSK)),
                MicAlgorithm::HmacSha1_128,
                &ptk,
            ),
        );
        air.eapol(
            false,
            &signed(
                key(KI_M4, rc, [0; 32], vec![]),
                MicAlgorithm::HmacSha1_128,
                &ptk,
            ),
        );
    }
    air.eapol(
        true,
        &signed(
            key(KI_M3, 5, AN, m3_data(&ptk, &RSNE_PSK)),
            MicAlgorithm::HmacSha1_128,
            &ptk,
        ),
    );
    air.deauth(15);
    let r = air.analyze(keys());
    assert_eq!(codes(&r), vec![("m4-rejected", "ap")], "{:?}", r.findings);
    assert_eq!(r.handshakes[0].outcome, "failed");
}

#[test]
fn an_all_zero_pmk_is_named() {
    let zero = Pmk::from_slice(&[0; 32]).unwrap();
    let r = rejected_m2(&zero, Akm::PSK, MicAlgorithm::HmacSha1_128, KI_M2).analyze(keys());
    assert_eq!(codes(&r), vec![("zero-pmk", "client")], "{:?}", r.findings);
}

#[test]
fn another_networks_pmk_is_named() {
    // The capture shows a second network; the client keyed its M2 with that network's PMK.
    let other = psk_from_passphrase(&Passphrase::new(PASS).unwrap(), b"other-network").unwrap();
    let mut air = rejected_m2(&other, Akm::PSK, MicAlgorithm::HmacSha1_128, KI_M2);
    let mut b = Air::new();
    b.beacon(b"other-network", &RSNE_PSK);
    // The other network's beacon comes from another BSSID.
    b.frames[0][10..16].copy_from_slice(&[0x02, 0, 0, 0, 0, 9]);
    b.frames[0][16..22].copy_from_slice(&[0x02, 0, 0, 0, 0, 9]);
    air.frames.insert(0, b.frames.remove(0));
    let r = air.analyze(keys());
    assert_eq!(codes(&r), vec![("stale-pmk", "client")], "{:?}", r.findings);
}

#[test]
fn another_akms_key_hierarchy_is_named() {
    // PSK negotiated, but the client derives with KDF-SHA256 and MICs with AES-CMAC (PSK-SHA256).
    let info_v3 = (KI_M2 & !0x7) | 3;
    let r = rejected_m2(
        &network_pmk(),
        Akm::PSK_SHA256,
        MicAlgorithm::AesCmac128,
        info_v3,
    )
    .analyze(keys());
    assert_eq!(
        codes(&r),
        vec![("akm-mismatch", "client")],
        "{:?}",
        r.findings
    );
}

#[test]
fn a_bad_igtk_key_id_in_g1_is_a_group_key_anomaly() {
    let ptk = ptk_with(&network_pmk(), Akm::PSK);
    let mut air = Air::new();
    air.beacon(SSID, &RSNE_PSK);
    air.assoc(&RSNE_PSK);
    air.eapol(true, &key(KI_M1, 1, AN, vec![]).to_vec().unwrap());
    air.eapol(
        false,
        &signed(
            key(KI_M2, 1, SN, RSNE_PSK.to_vec()),
            MicAlgorithm::HmacSha1_128,
            &ptk,
        ),
    );
    air.eapol(
        true,
        &signed(
            key(KI_M3, 2, AN, m3_data(&ptk, &RSNE_PSK)),
            MicAlgorithm::HmacSha1_128,
            &ptk,
        ),
    );
    air.eapol(
        false,
        &signed(
            key(KI_M4, 2, [0; 32], vec![]),
            MicAlgorithm::HmacSha1_128,
            &ptk,
        ),
    );
    // G1: GTK KDE and an IGTK KDE whose Key ID has its bytes swapped (0x0400).
    let mut kd = vec![0xdd, 22, 0x00, 0x0f, 0xac, 1, 0x02, 0];
    kd.extend_from_slice(&[0x48; 16]);
    kd.extend_from_slice(&[0xdd, 28, 0x00, 0x0f, 0xac, 9, 0x00, 0x04, 0, 0, 0, 0, 0, 0]);
    kd.extend_from_slice(&[0x49; 16]);
    let g1 = key(
        0x1382,
        3,
        [0; 32],
        keywrap::aes_wrap(&ptk.kek, &kd).unwrap(),
    );
    air.eapol(true, &signed(g1, MicAlgorithm::HmacSha1_128, &ptk));
    air.eapol(
        false,
        &signed(
            key(0x0302, 3, [0; 32], vec![]),
            MicAlgorithm::HmacSha1_128,
            &ptk,
        ),
    );
    let r = air.analyze(keys());
    assert_eq!(
        codes(&r),
        vec![("group-key-anomaly", "ap")],
        "{:?}",
        r.findings
    );
}

#[test]
fn an_ft_m2_pmkid_that_is_not_pmkr1name_is_an_element_mismatch() {
    // FT-PSK initial mobility domain association: AssocReq with MDE, M2 with RSNE (one
    // PMKID), MDE and FTE (R0KH-ID, R1KH-ID); the PMKID is not the PMKR1Name the keys give.
    let rsne_ft: Vec<u8> = vec![
        0x30, 20, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 4, 0, 0,
    ];
    let mde = [54u8, 3, 0xa1, 0xb2, 0x01];
    let r0kh = b"r0kh.example";
    let mut fte = vec![55u8, 0];
    fte.extend_from_slice(&[0u8; 2 + 16 + 32 + 32]);
    fte.extend_from_slice(&[1, 6]);
    fte.extend_from_slice(&AP.0);
    fte.extend_from_slice(&[3, r0kh.len() as u8]);
    fte.extend_from_slice(r0kh);
    fte[1] = (fte.len() - 2) as u8;
    let xxkey = network_pmk();
    let (r0, r0n) = ft::derive_pmk_r0(Akm::FT_PSK, &xxkey, SSID, [0xa1, 0xb2], r0kh, &STA).unwrap();
    let (r1, r1n) = ft::derive_pmk_r1(Akm::FT_PSK, &r0, &r0n, &AP, &STA).unwrap();
    let (ptk, _) =
        ft::derive_ft_ptk(Akm::FT_PSK, Cipher::CCMP128, &r1, &r1n, &SN, &AN, &AP, &STA).unwrap();
    let mut m2_rsne = rsne_ft.clone();
    m2_rsne[1] += 18;
    m2_rsne.extend_from_slice(&[1, 0]);
    m2_rsne.extend_from_slice(&[0x5a; 16]); // not PMKR1Name
    let mut m2_data = m2_rsne.clone();
    m2_data.extend_from_slice(&mde);
    m2_data.extend_from_slice(&fte);
    let mut assoc = rsne_ft.clone();
    assoc.extend_from_slice(&mde);
    let mut air = Air::new();
    let mut beacon_ies = rsne_ft.clone();
    beacon_ies.extend_from_slice(&mde);
    air.beacon(SSID, &beacon_ies);
    air.assoc(&assoc);
    let v3 = |ki: u16| (ki & !0x7) | 3;
    air.eapol(true, &key(v3(KI_M1), 1, AN, vec![]).to_vec().unwrap());
    air.eapol(
        false,
        &signed(
            key(v3(KI_M2), 1, SN, m2_data),
            MicAlgorithm::AesCmac128,
            &ptk,
        ),
    );
    air.deauth(2);
    let r = air.analyze(keys());
    assert_eq!(
        codes(&r),
        vec![("ft-element-mismatch", "client")],
        "{:?}",
        r.findings
    );
    assert_eq!(r.handshakes[0].kind, "ft-4way");
    assert_eq!(r.handshakes[0].messages[1].mic, "valid");
}

#[test]
fn ft_8021x_keyed_from_the_wrong_half_of_the_msk() {
    // FT-802.1X (AKM 3): XXKey is the second 256 bits of the MSK; this client took the first.
    let rsne: Vec<u8> = vec![
        0x30, 20, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 3, 0, 0,
    ];
    let mde = [54u8, 3, 0xa1, 0xb2, 0x01];
    let r0kh = b"r0kh.example";
    let mut fte = vec![55u8, 0];
    fte.extend_from_slice(&[0u8; 2 + 16 + 32 + 32]);
    fte.extend_from_slice(&[1, 6]);
    fte.extend_from_slice(&AP.0);
    fte.extend_from_slice(&[3, r0kh.len() as u8]);
    fte.extend_from_slice(r0kh);
    fte[1] = (fte.len() - 2) as u8;
    let msk: Vec<u8> = (0..64u8).collect();
    let wrong_xxkey = Pmk::from_slice(&msk[..32]).unwrap();
    let (r0, r0n) = ft::derive_pmk_r0(
        Akm::FT_IEEE8021X,
        &wrong_xxkey,
        SSID,
        [0xa1, 0xb2],
        r0kh,
        &STA,
    )
    .unwrap();
    let (r1, r1n) = ft::derive_pmk_r1(Akm::FT_IEEE8021X, &r0, &r0n, &AP, &STA).unwrap();
    let (ptk, _) = ft::derive_ft_ptk(
        Akm::FT_IEEE8021X,
        Cipher::CCMP128,
        &r1,
        &r1n,
        &SN,
        &AN,
        &AP,
        &STA,
    )
    .unwrap();
    let mut m2_rsne = rsne.clone();
    m2_rsne[1] += 18;
    m2_rsne.extend_from_slice(&[1, 0]);
    m2_rsne.extend_from_slice(&r1n);
    let mut m2_data = m2_rsne;
    m2_data.extend_from_slice(&mde);
    m2_data.extend_from_slice(&fte);
    let mut assoc = rsne.clone();
    assoc.extend_from_slice(&mde);
    let mut air = Air::new();
    air.beacon(SSID, &assoc);
    air.assoc(&assoc);
    let v3 = |ki: u16| (ki & !0x7) | 3;
    for rc in 1..=2u64 {
        air.eapol(true, &key(v3(KI_M1), rc, AN, vec![]).to_vec().unwrap());
        air.eapol(
            false,
            &signed(
                key(v3(KI_M2), rc, SN, m2_data.clone()),
                MicAlgorithm::AesCmac128,
                &ptk,
            ),
        );
    }
    air.deauth(15);
    let mut k = KeyMaterial::default();
    k.msks.push(rsn_crypto::Msk::from_slice(&msk).unwrap());
    let r = air.analyze(k);
    assert_eq!(
        codes(&r),
        vec![("ft-msk-half", "client")],
        "{:?}",
        r.findings
    );
}
