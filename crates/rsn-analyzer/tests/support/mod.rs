//! Builders for the 802.1X tests: RADIUS exchanges on Ethernet/IPv4/UDP with known secrets
//! and MSKs, EAPOL on the air, and a real 4-way handshake run by the `rsn-handshake`
//! machines with the PMK each side holds.
#![allow(dead_code, clippy::unwrap_used)]

use rsn_analyzer::enterprise::Collector;
use rsn_analyzer::report::Report;
use rsn_analyzer::{Analyzer, FrameIn, KeyMaterial, Link};
use rsn_crypto::eap::{mppe_encrypt, radius_message_authenticator, radius_response_authenticator};
use rsn_crypto::Pmk;
use rsn_handshake::{
    Action, AuthConfig, Authenticator, Input, Instant, PmkSource, Suite, SupConfig, Supplicant,
};
use rsn_wire::{Akm, Cipher, MacAddr};

pub const AP: MacAddr = MacAddr([0x02, 0x11, 0, 0, 0, 1]);
pub const STA: MacAddr = MacAddr([0x02, 0x22, 0x33, 0x44, 0x55, 0x66]);
pub const SSID: &[u8] = b"corp-8021x";
/// RSNE: CCMP, CCMP, 802.1X (00-0f-ac:1).
pub const RSNE_8021X: [u8; 22] = [
    0x30, 20, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 1, 0, 0,
];
pub const NAS_IP: [u8; 4] = [10, 0, 0, 2];
pub const AAA_IP: [u8; 4] = [10, 0, 0, 10];
pub const MS: i128 = 1_000_000;

/// One record of a test capture.
pub enum Rec {
    Dot11(Vec<u8>),
    Eth(Vec<u8>),
}

/// A capture being built: records with their timestamps.
#[derive(Default)]
pub struct Cap {
    pub recs: Vec<(i128, Rec)>,
    seq: u16,
}

impl Cap {
    fn hdr(&mut self, fc: [u8; 2], a1: MacAddr, a2: MacAddr, a3: MacAddr) -> Vec<u8> {
        self.seq = self.seq.wrapping_add(1);
        let mut h = vec![fc[0], fc[1], 0, 0];
        h.extend_from_slice(&a1.0);
        h.extend_from_slice(&a2.0);
        h.extend_from_slice(&a3.0);
        h.extend_from_slice(&(self.seq << 4).to_le_bytes());
        h
    }

    /// Beacon and Association Request for `sta` (RSNE with AKM 802.1X).
    pub fn associate(&mut self, ts: i128, sta: MacAddr) {
        self.associate_with(ts, sta, &RSNE_8021X);
    }

    /// Beacon and Association Request for `sta` with `rsne`.
    pub fn associate_with(&mut self, ts: i128, sta: MacAddr, rsne: &[u8]) {
        let mut b = self.hdr([0x80, 0], MacAddr::BROADCAST, AP, AP);
        b.extend_from_slice(&[0; 8]);
        b.extend_from_slice(&[0x64, 0, 0x11, 0x04, 0, SSID.len() as u8]);
        b.extend_from_slice(SSID);
        b.extend_from_slice(rsne);
        self.recs.push((ts, Rec::Dot11(b)));
        let mut a = self.hdr([0x00, 0], AP, sta, AP);
        a.extend_from_slice(&[0x11, 0x04, 10, 0, 0, SSID.len() as u8]);
        a.extend_from_slice(SSID);
        a.extend_from_slice(rsne);
        self.recs.push((ts + MS, Rec::Dot11(a)));
    }

    /// A management frame as is.
    pub fn raw(&mut self, ts: i128, frame: Vec<u8>) {
        self.recs.push((ts, Rec::Dot11(frame)));
    }

    /// An EAPOL frame (EAPOL header included) in a data frame.
    pub fn eapol(&mut self, ts: i128, from_ap: bool, sta: MacAddr, eapol: &[u8]) {
        let mut f = if from_ap {
            self.hdr([0x08, 0x02], sta, AP, AP)
        } else {
            self.hdr([0x08, 0x01], AP, sta, AP)
        };
        f.extend_from_slice(&[0xaa, 0xaa, 0x03, 0, 0, 0, 0x88, 0x8e]);
        f.extend_from_slice(eapol);
        self.recs.push((ts, Rec::Dot11(f)));
    }

    /// An EAP packet in EAPOL (version 2, type EAP-Packet).
    pub fn eap(&mut self, ts: i128, from_ap: bool, sta: MacAddr, eap: &[u8]) {
        let mut e = vec![2, 0];
        e.extend_from_slice(&(eap.len() as u16).to_be_bytes());
        e.extend_from_slice(eap);
        self.eapol(ts, from_ap, sta, &e);
    }

    /// A UDP datagram in IPv4 in Ethernet.
    pub fn udp(&mut self, ts: i128, src: ([u8; 4], u16), dst: ([u8; 4], u16), payload: &[u8]) {
        self.recs.push((ts, Rec::Eth(ipv4_udp(src, dst, payload))));
    }

    /// Feed every record to `a` and finish.
    pub fn analyze(self, mut a: Analyzer) -> Report {
        self.feed(&mut a);
        a.finish()
    }

    pub fn feed(&self, a: &mut Analyzer) {
        for (i, (ts, r)) in self.recs.iter().enumerate() {
            let number = i as u64 + 1;
            let link = match r {
                Rec::Dot11(f) => Link::Dot11 {
                    frame: f,
                    fcs_bad: false,
                },
                Rec::Eth(p) => Link::Ethernet {
                    dst: MacAddr([0x02, 0xaa, 0, 0, 0, 10]),
                    src: MacAddr([0x02, 0xaa, 0, 0, 0, 2]),
                    ethertype: 0x0800,
                    payload: p,
                },
            };
            a.push(&FrameIn {
                number,
                ts_ns: *ts,
                link,
            });
        }
    }

    /// Feed the Ethernet records to a collector, as `--radius` does with a wired capture.
    pub fn feed_collector(&self, c: &mut Collector) {
        for (i, (ts, r)) in self.recs.iter().enumerate() {
            if let Rec::Eth(p) = r {
                c.push_ip(i as u64 + 1, *ts, p);
            }
        }
    }
}

/// IPv4 + UDP around `payload` (header checksum computed, UDP checksum 0).
pub fn ipv4_udp(src: ([u8; 4], u16), dst: ([u8; 4], u16), payload: &[u8]) -> Vec<u8> {
    let total = 20 + 8 + payload.len();
    let mut ip = vec![0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, 17, 0, 0];
    ip[2..4].copy_from_slice(&(total as u16).to_be_bytes());
    ip.extend_from_slice(&src.0);
    ip.extend_from_slice(&dst.0);
    let sum: u32 = ip
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], c[1]])))
        .sum();
    let sum = !(((sum & 0xffff) + (sum >> 16)) as u16);
    ip[10..12].copy_from_slice(&sum.to_be_bytes());
    ip.extend_from_slice(&src.1.to_be_bytes());
    ip.extend_from_slice(&dst.1.to_be_bytes());
    ip.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    ip.extend_from_slice(&[0, 0]);
    ip.extend_from_slice(payload);
    ip
}

fn attr(out: &mut Vec<u8>, t: u8, v: &[u8]) {
    out.push(t);
    out.push((v.len() + 2) as u8);
    out.extend_from_slice(v);
}

fn finish_len(p: &mut [u8]) {
    let n = p.len() as u16;
    p[2..4].copy_from_slice(&n.to_be_bytes());
}

/// Access-Request with User-Name, Calling-Station-Id, EAP-Message and Message-Authenticator.
pub fn access_request(
    id: u8,
    req_auth: [u8; 16],
    calling: &str,
    eap: &[u8],
    secret: &[u8],
) -> Vec<u8> {
    let mut p = vec![1, id, 0, 0];
    p.extend_from_slice(&req_auth);
    attr(&mut p, 1, b"alice@corp.example");
    attr(&mut p, 4, &NAS_IP);
    attr(&mut p, 31, calling.as_bytes());
    for chunk in eap.chunks(253) {
        attr(&mut p, 79, chunk);
    }
    let ma_at = p.len() + 2;
    attr(&mut p, 80, &[0; 16]);
    finish_len(&mut p);
    let ma = radius_message_authenticator(&p, secret).unwrap();
    p[ma_at..ma_at + 16].copy_from_slice(&ma);
    p
}

/// Access-Accept (or, `code` 11, Access-Challenge) answering a request with `req_auth`:
/// MS-MPPE-Recv-Key = MSK[0..32], MS-MPPE-Send-Key = MSK[32..64] (Accept only), the EAP
/// packet, Message-Authenticator, then the Response Authenticator.
pub fn access_response(
    code: u8,
    id: u8,
    req_auth: [u8; 16],
    msk: Option<&[u8]>,
    eap: &[u8],
    secret: &[u8],
) -> Vec<u8> {
    let mut p = vec![code, id, 0, 0];
    p.extend_from_slice(&req_auth);
    attr(&mut p, 1, b"alice@corp.example");
    for chunk in eap.chunks(253) {
        attr(&mut p, 79, chunk);
    }
    if let Some(msk) = msk {
        for (vt, key, salt) in [
            (17u8, &msk[..32], [0x81, 0x23]),
            (16u8, &msk[32..64], [0x85, 0x67]),
        ] {
            let enc = mppe_encrypt(secret, &req_auth, salt, key).unwrap();
            let mut v = 311u32.to_be_bytes().to_vec();
            v.push(vt);
            v.push((enc.len() + 2) as u8);
            v.extend_from_slice(&enc);
            attr(&mut p, 26, &v);
        }
    }
    let ma_at = p.len() + 2;
    attr(&mut p, 80, &[0; 16]);
    finish_len(&mut p);
    let ma = radius_message_authenticator(&p, secret).unwrap();
    p[ma_at..ma_at + 16].copy_from_slice(&ma);
    let ra = radius_response_authenticator(&p, &req_auth, secret).unwrap();
    p[4..20].copy_from_slice(&ra);
    p
}

/// A RADIUS round trip: Access-Request at `ts`, Access-Accept 3 ms later.
pub fn radius_accept(cap: &mut Cap, ts: i128, id: u8, calling: &str, msk: &[u8], secret: &[u8]) {
    let req_auth = [id ^ 0x5a; 16];
    let identity = [2u8, 1, 0, 5, 1];
    let req = access_request(id, req_auth, calling, &identity, secret);
    cap.udp(ts, (NAS_IP, 50000), (AAA_IP, 1812), &req);
    let acc = access_response(2, id, req_auth, Some(msk), &[3, 2, 0, 4], secret);
    cap.udp(ts + 3 * MS, (AAA_IP, 1812), (NAS_IP, 50000), &acc);
}

/// The suite of the 802.1X network.
pub fn suite_8021x() -> Suite {
    Suite {
        akm: Akm::IEEE8021X,
        pairwise: Cipher::CCMP128,
        group: Cipher::CCMP128,
        group_mgmt: None,
        pmk_len: 32,
    }
}

/// Run the real machines: the AP holds `ap_pmk`, the client `sta_pmk`. Every EAPOL frame
/// either sends goes into `cap` from `t0` on (1 ms apart; timeouts advance the clock).
/// Returns whether both sides completed.
pub fn four_way(cap: &mut Cap, t0: i128, sta: MacAddr, ap_pmk: &Pmk, sta_pmk: &Pmk) -> bool {
    four_way_with(cap, t0, sta, suite_8021x(), &RSNE_8021X, ap_pmk, sta_pmk).0
}

/// The IGTK an authenticator installed: (key id, key, IPN).
pub type IgtkInstall = (u16, Vec<u8>, [u8; 6]);

/// [`four_way`] with another suite and RSNE; also returns the IGTK the AP installed (PMF):
/// (key id, key, IPN).
pub fn four_way_with(
    cap: &mut Cap,
    t0: i128,
    sta: MacAddr,
    suite: Suite,
    rsne: &[u8],
    ap_pmk: &Pmk,
    sta_pmk: &Pmk,
) -> (bool, Option<IgtkInstall>) {
    let mut igtk_slot = None;
    let mut ctr = 0u8;
    let nonces_a = move |b: &mut [u8]| {
        for x in b {
            ctr = ctr.wrapping_add(7);
            *x = ctr;
        }
    };
    let mut ctr2 = 0u8;
    let nonces_s = move |b: &mut [u8]| {
        for x in b {
            ctr2 = ctr2.wrapping_add(13);
            *x = ctr2;
        }
    };
    let rsne = rsne.to_vec();
    let mut ap = Authenticator::new(
        AuthConfig::new(suite, rsne.clone(), PmkSource::Pmk(ap_pmk.clone())),
        AP,
        sta,
        rsne.clone(),
        Box::new(nonces_a),
    )
    .unwrap();
    let mut st = Supplicant::new(
        SupConfig::new(
            suite_8021x(),
            PmkSource::Pmk(sta_pmk.clone()),
            rsne.clone(),
            rsne,
        ),
        AP,
        sta,
        Box::new(nonces_s),
    )
    .unwrap();
    let mut now = Instant::ZERO;
    let mut t = t0;
    let mut done = 0;
    let mut torn = false;
    ap.handle(now, Input::Start);
    for _ in 0..64 {
        let mut idle = true;
        while let Some(a) = ap.poll_action() {
            match a {
                Action::Transmit { ref frame, protect } => {
                    idle = false;
                    t += MS;
                    cap.eapol(t, true, sta, frame);
                    st.handle(
                        now,
                        Input::Eapol {
                            frame,
                            protected: protect,
                        },
                    );
                }
                Action::Completed(_) => done += 1,
                Action::Deauthenticate(_) => torn = true,
                Action::InstallIgtk {
                    ref igtk,
                    key_id,
                    ipn,
                } => igtk_slot = Some((key_id, igtk.expose_secret().to_vec(), ipn)),
                _ => {}
            }
        }
        while let Some(a) = st.poll_action() {
            match a {
                Action::Transmit { ref frame, protect } => {
                    idle = false;
                    t += MS;
                    cap.eapol(t, false, sta, frame);
                    ap.handle(
                        now,
                        Input::Eapol {
                            frame,
                            protected: protect,
                        },
                    );
                }
                Action::Completed(_) => done += 1,
                _ => {}
            }
        }
        if torn || done >= 2 {
            break;
        }
        if idle {
            match ap.poll_timeout() {
                Some(at) => {
                    t += (at.as_micros().saturating_sub(now.as_micros()) as i128) * 1000;
                    now = at;
                    ap.handle(now, Input::Timeout);
                }
                None => break,
            }
        }
    }
    if torn {
        // The AP's Deauthentication (reason 15, 4-way handshake timeout).
        let mut d = cap.hdr([0xc0, 0], sta, AP, AP);
        d.extend_from_slice(&15u16.to_le_bytes());
        t += MS;
        cap.recs.push((t, Rec::Dot11(d)));
    }
    (done >= 2, igtk_slot)
}

/// A client's whole first connection: association, EAP identity, RADIUS round trip on the
/// wire (into `wired`, which may be `air` itself), EAP-Success, 4-way handshake.
#[allow(clippy::too_many_arguments)]
pub fn connect(
    air: &mut Cap,
    wired: Option<&mut Cap>,
    t0: i128,
    sta: MacAddr,
    calling: &str,
    id: u8,
    msk: &[u8],
    secret: &[u8],
) -> bool {
    air.associate(t0, sta);
    air.eap(t0 + 2 * MS, true, sta, &[1, 1, 0, 5, 1]);
    air.eap(t0 + 3 * MS, false, sta, &[2, 1, 0, 5, 1]);
    match wired {
        Some(w) => radius_accept(w, t0 + 4 * MS, id, calling, msk, secret),
        None => radius_accept(air, t0 + 4 * MS, id, calling, msk, secret),
    }
    air.eap(t0 + 8 * MS, true, sta, &[3, 1, 0, 4]);
    let pmk = Pmk::from_slice(&msk[..32]).unwrap();
    four_way(air, t0 + 9 * MS, sta, &pmk, &pmk)
}

pub fn msk(seed: u8) -> Vec<u8> {
    (0..64u8)
        .map(|i| i.wrapping_mul(31).wrapping_add(seed))
        .collect()
}

pub fn no_keys() -> KeyMaterial {
    KeyMaterial::default()
}
