//! Generates the benchmark capture of `BENCHMARKS.md` at bench time (it is never committed):
//! a WPA2-PSK network ("bench" / passphrase "benchmark-passphrase") with one or more clients,
//! each joining with a complete, correctly keyed 4-way handshake, then N CCMP-128 data
//! frames in both directions. Radiotap link type; pcap (airdecap-ng reads only pcap) or
//! pcapng.
//!
//! `cargo run --release -p fourway --example bench_capture -- OUT.pcap [FRAMES] [CLIENTS] [pcap|pcapng]`

use std::io::{BufWriter, Write};

use rsn_crypto::ccmp::CcmpKey;
use rsn_crypto::mic::{compute_mic, MicAlgorithm, EAPOL_KEY_MIC_OFFSET};
use rsn_crypto::{derive_ptk, keywrap, psk_from_passphrase, Passphrase};
use rsn_wire::eapol::{DescriptorType, EapolKeyRepr, KeyInfo};
use rsn_wire::{Akm, Cipher, MacAddr};

const RADIOTAP: [u8; 8] = [0, 0, 8, 0, 0, 0, 0, 0];
const SSID: &[u8] = b"bench";
const RSNE: [u8; 22] = [
    0x30, 20, 1, 0, 0x00, 0x0f, 0xac, 4, 1, 0, 0x00, 0x0f, 0xac, 4, 1, 0, 0x00, 0x0f, 0xac, 2, 0, 0,
];

enum Out {
    Pcap(BufWriter<std::fs::File>),
    Pcapng(rsn_capture::PcapngWriter<BufWriter<std::fs::File>>, u32),
}

impl Out {
    fn write(&mut self, ts_ns: u64, frame: &[u8]) {
        let mut rec = Vec::with_capacity(frame.len() + 8);
        rec.extend_from_slice(&RADIOTAP);
        rec.extend_from_slice(frame);
        match self {
            Out::Pcap(w) => {
                let (s, us) = (
                    (ts_ns / 1_000_000_000) as u32,
                    ((ts_ns / 1000) % 1_000_000) as u32,
                );
                let n = rec.len() as u32;
                for v in [s, us, n, n] {
                    w.write_all(&v.to_le_bytes()).unwrap();
                }
                w.write_all(&rec).unwrap();
            }
            Out::Pcapng(w, ifc) => w
                .write_packet(*ifc, i128::from(ts_ns), &rec, rec.len() as u32)
                .unwrap(),
        }
    }
}

fn hdr(fc: [u8; 2], a1: MacAddr, a2: MacAddr, a3: MacAddr, seq: u16) -> Vec<u8> {
    let mut h = vec![fc[0], fc[1], 0, 0];
    h.extend_from_slice(&a1.0);
    h.extend_from_slice(&a2.0);
    h.extend_from_slice(&a3.0);
    h.extend_from_slice(&(seq << 4).to_le_bytes());
    h
}

fn eapol_frame(
    fc: [u8; 2],
    a1: MacAddr,
    a2: MacAddr,
    bssid: MacAddr,
    seq: u16,
    eapol: &[u8],
) -> Vec<u8> {
    let mut f = hdr(fc, a1, a2, bssid, seq);
    f.extend_from_slice(&[0xaa, 0xaa, 0x03, 0, 0, 0, 0x88, 0x8e]);
    f.extend_from_slice(eapol);
    f
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

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .expect("usage: bench_capture OUT [FRAMES] [CLIENTS] [pcap|pcapng]");
    let frames: u64 = args.get(2).map_or(1_000_000, |s| s.parse().unwrap());
    let clients: u64 = args.get(3).map_or(1, |s| s.parse().unwrap());
    let pcapng = args.get(4).is_some_and(|f| f == "pcapng");
    let file = BufWriter::with_capacity(1 << 20, std::fs::File::create(path).unwrap());
    let mut out = if pcapng {
        let mut w = rsn_capture::PcapngWriter::new(file).unwrap();
        let i = w
            .add_interface(
                rsn_capture::LinkType::IEEE802_11_RADIOTAP,
                65535,
                rsn_capture::TSRESOL_NANOS,
            )
            .unwrap();
        Out::Pcapng(w, i)
    } else {
        let mut w = file;
        for v in [
            0xa1b2c3d4u32.to_le_bytes().to_vec(),
            vec![2, 0, 4, 0],
            vec![0; 8],
            65535u32.to_le_bytes().to_vec(),
            127u32.to_le_bytes().to_vec(),
        ] {
            w.write_all(&v).unwrap();
        }
        Out::Pcap(w)
    };
    let bssid = MacAddr([0x02, 0, 0, 0, 0, 1]);
    let pass = Passphrase::new("benchmark-passphrase").unwrap();
    let pmk = psk_from_passphrase(&pass, SSID).unwrap();
    let mut ts: u64 = 1_700_000_000_000_000_000;
    let mut seq = 0u16;
    let mut next_seq = || {
        seq = seq.wrapping_add(1) & 0x0fff;
        seq
    };
    // Beacon.
    let mut b = hdr([0x80, 0], MacAddr::BROADCAST, bssid, bssid, next_seq());
    b.extend_from_slice(&[0; 8]);
    b.extend_from_slice(&[0x64, 0, 0x11, 0x04, 0, SSID.len() as u8]);
    b.extend_from_slice(SSID);
    b.extend_from_slice(&[1, 4, 0x82, 0x84, 0x8b, 0x96]);
    b.extend_from_slice(&RSNE);
    out.write(ts, &b);
    let gtk = [0x47u8; 16];
    let mut keys = Vec::new();
    for c in 0..clients {
        let sta = MacAddr([0x02, 0xaa, 0, (c >> 16) as u8, (c >> 8) as u8, c as u8]);
        let anonce = [(c as u8) ^ 0x11; 32];
        let snonce = [(c as u8) ^ 0x22; 32];
        let ptk = derive_ptk(
            &pmk,
            Akm::PSK,
            Cipher::CCMP128,
            &bssid,
            &sta,
            &anonce,
            &snonce,
        )
        .unwrap();
        let sign = |mut k: EapolKeyRepr| {
            let mut v = k.to_vec().unwrap();
            let m = compute_mic(
                MicAlgorithm::HmacSha1_128,
                &ptk.kck,
                &v,
                EAPOL_KEY_MIC_OFFSET,
            )
            .unwrap();
            v[EAPOL_KEY_MIC_OFFSET..EAPOL_KEY_MIC_OFFSET + 16].copy_from_slice(m.as_bytes());
            k.mic.clear();
            v
        };
        let m1 = key(0x008a, 1, anonce, vec![]).to_vec().unwrap();
        let m2 = sign(key(0x010a, 1, snonce, RSNE.to_vec()));
        let mut kd = RSNE.to_vec();
        kd.extend_from_slice(&[0xdd, 22, 0x00, 0x0f, 0xac, 1, 0x01, 0]);
        kd.extend_from_slice(&gtk);
        let wrapped = keywrap::aes_wrap(&ptk.kek, &kd).unwrap();
        let m3 = sign(key(0x13ca, 2, anonce, wrapped));
        let m4 = sign(key(0x030a, 2, [0; 32], vec![]));
        for (i, (fc, e)) in [
            ([0x08, 0x02], m1),
            ([0x08, 0x01], m2),
            ([0x08, 0x02], m3),
            ([0x08, 0x01], m4),
        ]
        .into_iter()
        .enumerate()
        {
            let (a1, a2) = if i % 2 == 0 {
                (sta, bssid)
            } else {
                (bssid, sta)
            };
            ts += 1_000_000;
            out.write(ts, &eapol_frame(fc, a1, a2, bssid, next_seq(), &e));
        }
        keys.push((sta, CcmpKey::new(&ptk.tk).unwrap()));
    }
    // Data: alternating directions, sizes cycling 60..1500 octets, PN per (client, direction).
    let mut pns = vec![[0u64; 2]; keys.len()];
    let mut enc = Vec::with_capacity(2048);
    let mut payload = vec![0u8; 1500];
    for (i, b) in payload.iter_mut().enumerate() {
        *b = (i * 7) as u8;
    }
    for n in 0..frames {
        let ci = (n % clients) as usize;
        let (sta, k) = &keys[ci];
        let up = n % 2 == 0;
        let (fc, a1, a2) = if up {
            ([0x08, 0x01], bssid, *sta)
        } else {
            ([0x08, 0x02], *sta, bssid)
        };
        let mut f = hdr(fc, a1, a2, bssid, next_seq());
        f.extend_from_slice(&[0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00]);
        let len = 60 + (n as usize * 37) % 1440;
        payload[..8].copy_from_slice(&n.to_be_bytes());
        f.extend_from_slice(&payload[..len]);
        let pn = &mut pns[ci][usize::from(up)];
        *pn += 1;
        k.encrypt(&f, *pn, 0, &mut enc).unwrap();
        ts += 20_000;
        out.write(ts, &enc);
    }
    match out {
        Out::Pcap(mut w) => w.flush().unwrap(),
        Out::Pcapng(w, _) => {
            w.into_inner().unwrap().flush().unwrap();
        }
    }
}
