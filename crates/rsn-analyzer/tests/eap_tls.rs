//! EAP-TLS with a key log, against a real TLS library: rustls runs the TLS handshake (1.2
//! and 1.3, SHA-256 and SHA-384 suites) and writes its NSS key log; its records travel as
//! EAP-TLS fragments (RFC 5216 §3.1) in EAPOL on the air or in RADIUS EAP-Message
//! attributes on the wire; rustls' own `export_keying_material` gives the MSK both peers
//! hold (RFC 5216 §2.3, RFC 9190 §2.3). fourway must derive the same MSK from the key log
//! and verify the 4-way handshake keyed with it.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::{Arc, Mutex};

use rsn_analyzer::enterprise::{Collector, EnterpriseConfig, KeyLog, RadiusSecret};
use rsn_analyzer::{Analyzer, KeyMaterial};
use rsn_crypto::Pmk;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use rustls::{CipherSuite, ClientConfig, ClientConnection, ServerConfig, ServerConnection};
use support::*;

const CA: &[u8] = include_bytes!("../../../tests/data/tls/ca.der");
const CERT: &[u8] = include_bytes!("../../../tests/data/tls/server.der");
const KEY: &[u8] = include_bytes!("../../../tests/data/tls/server.key.der");

#[derive(Debug, Default)]
struct Log(Mutex<String>);

impl rustls::KeyLog for Log {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        let line = format!(
            "{label} {} {}\n",
            hex::encode(client_random),
            hex::encode(secret)
        );
        self.0.lock().unwrap().push_str(&line);
    }
    fn will_log(&self, _label: &str) -> bool {
        true
    }
}

/// A finished TLS session: its flights in order (from_server, bytes), the server's key log,
/// and the 64-octet MSK each side exports.
struct Session {
    flights: Vec<(bool, Vec<u8>)>,
    keylog: String,
    msk_client: Vec<u8>,
    msk_server: Vec<u8>,
}

fn run_tls(
    version: &'static rustls::SupportedProtocolVersion,
    suite: CipherSuite,
    label: &[u8],
    context: Option<&[u8]>,
) -> Session {
    let mut prov = rustls::crypto::ring::default_provider();
    prov.cipher_suites.retain(|s| s.suite() == suite);
    assert_eq!(prov.cipher_suites.len(), 1, "{suite:?}");
    let prov = Arc::new(prov);
    let log = Arc::new(Log::default());
    let mut sc = ServerConfig::builder_with_provider(prov.clone())
        .with_protocol_versions(&[version])
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(CERT.to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(KEY.to_vec())),
        )
        .unwrap();
    sc.key_log = log.clone();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from(CA.to_vec())).unwrap();
    let cc = ClientConfig::builder_with_provider(prov)
        .with_protocol_versions(&[version])
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from("aaa.fourway.example").unwrap();
    let mut client = ClientConnection::new(Arc::new(cc), name).unwrap();
    let mut server = ServerConnection::new(Arc::new(sc)).unwrap();
    let mut flights = Vec::new();
    for _ in 0..16 {
        let mut buf = Vec::new();
        while client.wants_write() {
            client.write_tls(&mut buf).unwrap();
        }
        if !buf.is_empty() {
            let mut rd = &buf[..];
            while !rd.is_empty() {
                server.read_tls(&mut rd).unwrap();
                server.process_new_packets().unwrap();
            }
            flights.push((false, buf));
        }
        let mut buf = Vec::new();
        while server.wants_write() {
            server.write_tls(&mut buf).unwrap();
        }
        if !buf.is_empty() {
            let mut rd = &buf[..];
            while !rd.is_empty() {
                client.read_tls(&mut rd).unwrap();
                client.process_new_packets().unwrap();
            }
            flights.push((true, buf));
        }
        if !client.is_handshaking()
            && !server.is_handshaking()
            && !client.wants_write()
            && !server.wants_write()
        {
            break;
        }
    }
    assert!(!client.is_handshaking() && !server.is_handshaking());
    let msk_client = client
        .export_keying_material([0u8; 128], label, context)
        .unwrap()[..64]
        .to_vec();
    let msk_server = server
        .export_keying_material([0u8; 128], label, context)
        .unwrap()[..64]
        .to_vec();
    let keylog = log.0.lock().unwrap().clone();
    Session {
        flights,
        keylog,
        msk_client,
        msk_server,
    }
}

/// The EAP packets of the exchange (RFC 5216 §3.1 fragmentation, 700-octet fragments, each
/// fragment acknowledged by the peer), as (from_server, packet).
fn eap_exchange(s: &Session, eap_type: u8) -> Vec<(bool, Vec<u8>)> {
    let mut out = Vec::new();
    let mut id = 1u8;
    let pkt = |code: u8, id: u8, flags: Option<u8>, tls_len: Option<u32>, data: &[u8]| {
        let mut p = vec![code, id, 0, 0, eap_type];
        if let Some(f) = flags {
            p.push(f);
        }
        if let Some(l) = tls_len {
            p.extend_from_slice(&l.to_be_bytes());
        }
        p.extend_from_slice(data);
        let n = p.len() as u16;
        p[2..4].copy_from_slice(&n.to_be_bytes());
        p
    };
    out.push((true, vec![1, id, 0, 5, 1]));
    out.push((false, vec![2, id, 0, 5, 1]));
    id += 1;
    // EAP-TLS Start.
    out.push((true, pkt(1, id, Some(0x20), None, &[])));
    for (from_server, flight) in &s.flights {
        let frags: Vec<&[u8]> = flight.chunks(700).collect();
        for (k, frag) in frags.iter().enumerate() {
            let more = k + 1 < frags.len();
            let first = k == 0;
            let flags = (if first { 0x80 } else { 0 }) | (if more { 0x40 } else { 0 });
            let len = first.then_some(flight.len() as u32);
            let code = if *from_server { 1 } else { 2 };
            if *from_server {
                id += 1;
            }
            out.push((*from_server, pkt(code, id, Some(flags), len, frag)));
            if more {
                // The peer acknowledges the fragment with an empty packet.
                if *from_server {
                    out.push((false, pkt(2, id, Some(0), None, &[])));
                } else {
                    id += 1;
                    out.push((true, pkt(1, id, Some(0), None, &[])));
                }
            }
        }
    }
    id += 1;
    out.push((true, vec![3, id, 0, 4]));
    out
}

fn keylog_config(s: &Session) -> EnterpriseConfig {
    EnterpriseConfig {
        keylog: Some(KeyLog::parse(&s.keylog).unwrap()),
        ..Default::default()
    }
}

/// The exchange on the air (EAPOL), then the 4-way handshake keyed with the MSK rustls
/// exported; analyzed with the key log only.
fn on_the_air(s: &Session, eap_type: u8) -> rsn_analyzer::report::Report {
    let mut air = Cap::default();
    air.associate(MS, STA);
    let mut t = 3 * MS;
    for (from_server, p) in eap_exchange(s, eap_type) {
        t += MS;
        air.eap(t, from_server, STA, &p);
    }
    let pmk = Pmk::from_slice(&s.msk_client[..32]).unwrap();
    assert!(four_way(&mut air, t + MS, STA, &pmk, &pmk));
    let mut a = Analyzer::new(KeyMaterial::default());
    a.set_enterprise(Collector::new(keylog_config(s)));
    air.analyze(a)
}

fn check(s: &Session, eap_type: u8, want_tls: &str) {
    assert_eq!(
        s.msk_client, s.msk_server,
        "both TLS peers export the same key material"
    );
    let r = on_the_air(s, eap_type);
    let e = r.enterprise.as_ref().unwrap();
    assert_eq!(
        (e.stats.tls_conversations, e.stats.tls_matched),
        (1, 1),
        "{:?}",
        e.problems
    );
    assert_eq!(e.sessions.len(), 1);
    assert_eq!(e.sessions[0].origin, "tls-keylog");
    assert_eq!(e.sessions[0].tls.as_deref(), Some(want_tls));
    assert_eq!(e.sessions[0].sta.as_deref(), Some("02:22:33:44:55:66"));
    let h = &r.handshakes[0];
    assert_eq!(h.outcome, "completed");
    assert!(
        h.messages
            .iter()
            .filter(|m| m.msg != "M1")
            .all(|m| m.mic == "valid"),
        "{:?}",
        h.messages
    );
    assert_eq!(r.clients[0].pmk_source.as_deref(), Some("tls-keylog"));
}

#[test]
fn eap_tls_over_tls12_sha256() {
    let s = run_tls(
        &rustls::version::TLS12,
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        b"client EAP encryption",
        None,
    );
    assert!(s.keylog.starts_with("CLIENT_RANDOM "));
    check(&s, 13, "EAP-TLS over TLS 1.2");
}

#[test]
fn eap_tls_over_tls12_sha384() {
    let s = run_tls(
        &rustls::version::TLS12,
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        b"client EAP encryption",
        None,
    );
    check(&s, 13, "EAP-TLS over TLS 1.2");
}

#[test]
fn eap_ttls_over_tls12_uses_its_own_label() {
    let s = run_tls(
        &rustls::version::TLS12,
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        b"ttls keying material",
        None,
    );
    check(&s, 21, "EAP-TTLS over TLS 1.2");
}

#[test]
fn eap_tls_over_tls13_sha256() {
    let s = run_tls(
        &rustls::version::TLS13,
        CipherSuite::TLS13_AES_128_GCM_SHA256,
        b"EXPORTER_EAP_TLS_Key_Material",
        Some(&[13]),
    );
    assert!(s.keylog.contains("EXPORTER_SECRET "));
    check(&s, 13, "EAP-TLS over TLS 1.3");
}

#[test]
fn eap_tls_over_tls13_sha384() {
    let s = run_tls(
        &rustls::version::TLS13,
        CipherSuite::TLS13_AES_256_GCM_SHA384,
        b"EXPORTER_EAP_TLS_Key_Material",
        Some(&[13]),
    );
    check(&s, 13, "EAP-TLS over TLS 1.3");
}

#[test]
fn a_session_missing_from_the_key_log_is_reported_not_guessed() {
    let s = run_tls(
        &rustls::version::TLS13,
        CipherSuite::TLS13_AES_128_GCM_SHA256,
        b"EXPORTER_EAP_TLS_Key_Material",
        Some(&[13]),
    );
    let other = run_tls(
        &rustls::version::TLS13,
        CipherSuite::TLS13_AES_128_GCM_SHA256,
        b"EXPORTER_EAP_TLS_Key_Material",
        Some(&[13]),
    );
    let mut air = Cap::default();
    air.associate(MS, STA);
    let mut t = 3 * MS;
    for (from_server, p) in eap_exchange(&s, 13) {
        t += MS;
        air.eap(t, from_server, STA, &p);
    }
    let mut a = Analyzer::new(KeyMaterial::default());
    a.set_enterprise(Collector::new(keylog_config(&other)));
    let r = air.analyze(a);
    let e = r.enterprise.as_ref().unwrap();
    assert_eq!(
        (e.stats.tls_conversations, e.stats.tls_matched, e.stats.msks),
        (1, 0, 0)
    );
    assert!(
        e.problems[0].problem.contains("not in the TLS key log"),
        "{:?}",
        e.problems
    );
}

#[test]
fn eap_tls_in_radius_matches_the_mppe_keys() {
    // The same EAP-TLS exchange carried in RADIUS (Access-Request / Access-Challenge EAP-
    // Message attributes), closed by an Access-Accept whose MS-MPPE keys hold the MSK: the
    // key-log route and the RADIUS route must agree.
    let s = run_tls(
        &rustls::version::TLS12,
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        b"client EAP encryption",
        None,
    );
    let secret = b"radius-secret";
    let mut wired = Cap::default();
    let mut t = MS;
    let mut rid = 0u8;
    let mut last_auth = [0u8; 16];
    let ex = eap_exchange(&s, 13);
    for (from_server, p) in &ex[1..] {
        t += MS;
        if !from_server {
            rid = rid.wrapping_add(1);
            last_auth = [rid; 16];
            let req = access_request(rid, last_auth, "02-22-33-44-55-66", p, secret);
            wired.udp(t, (NAS_IP, 50000), (AAA_IP, 1812), &req);
        } else {
            let accept = p[0] == 3;
            let code = if accept { 2 } else { 11 };
            let msk = accept.then_some(&s.msk_server[..]);
            let resp = access_response(code, rid, last_auth, msk, p, secret);
            wired.udp(t, (AAA_IP, 1812), (NAS_IP, 50000), &resp);
        }
    }
    let mut cfg = keylog_config(&s);
    cfg.secrets.push(RadiusSecret {
        nas: None,
        secret: zeroize::Zeroizing::new(secret.to_vec()),
    });
    let mut c = Collector::new(cfg);
    wired.feed_collector(&mut c);
    assert_eq!(c.stats().tls_matched, 1, "{:?}", c.problems);
    assert_eq!(c.sessions().len(), 1, "one MSK, found twice");
    let sess = &c.sessions()[0];
    assert!(sess.confirmed, "RADIUS and key log agree");
    assert_eq!(sess.msk.expose_secret(), &s.msk_client[..]);
    assert_eq!(
        sess.sta.map(|m| m.to_string()).as_deref(),
        Some("02:22:33:44:55:66")
    );
}
