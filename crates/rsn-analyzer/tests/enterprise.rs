//! 802.1X PMKs from RADIUS: Access-Accepts built with known secrets and MSKs (RFC 2548
//! MS-MPPE keys, RFC 2865 Response Authenticator, RFC 3579 Message-Authenticator) followed
//! by a real 4-way handshake keyed with PMK = L(MSK, 0, 256). The analyzer must find the
//! MSK, bind it to the client by Calling-Station-Id, verify the MICs with it, say when the
//! secret is wrong (and then draw no MIC verdict), align clocks, and prove a stale PMK.
#![allow(clippy::unwrap_used)]

mod support;

use rsn_analyzer::enterprise::{Capture, Collector, EnterpriseConfig, RadiusSecret};
use rsn_analyzer::{Analyzer, KeyMaterial};
use rsn_crypto::Pmk;
use support::*;

fn config(secrets: &[&str]) -> EnterpriseConfig {
    EnterpriseConfig {
        secrets: secrets
            .iter()
            .map(|s| RadiusSecret {
                nas: None,
                secret: zeroize::Zeroizing::new(s.as_bytes().to_vec()),
            })
            .collect(),
        ..Default::default()
    }
}

fn analyzer_with(c: Collector) -> Analyzer {
    let mut a = Analyzer::new(KeyMaterial::default());
    a.set_capture_names(vec!["air.pcapng".into(), "wired.pcapng".into()]);
    a.set_enterprise(c);
    a
}

#[test]
fn radius_in_the_same_capture_keys_the_handshake() {
    let mut air = Cap::default();
    let m = msk(1);
    assert!(connect(
        &mut air,
        None,
        1_000 * MS,
        STA,
        "02-22-33-44-55-66",
        7,
        &m,
        b"testing123"
    ));
    let r = air.analyze(analyzer_with(Collector::new(config(&["testing123"]))));
    let e = r.enterprise.as_ref().unwrap();
    assert_eq!(
        (
            e.stats.access_requests,
            e.stats.access_accepts,
            e.stats.msks
        ),
        (1, 1, 1)
    );
    assert_eq!(e.sessions[0].sta.as_deref(), Some("02:22:33:44:55:66"));
    assert_eq!(e.sessions[0].origin, "radius");
    assert_eq!(e.sessions[0].handshakes, vec![0]);
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
    assert_eq!(h.key_source.as_deref(), Some("radius"));
    assert_eq!(h.eap_session, Some(0));
    let c = &r.clients[0];
    assert_eq!(c.pmk_source.as_deref(), Some("radius"));
    let origin = c.pmk_origin.as_deref().unwrap();
    assert!(
        origin.contains("RADIUS Access-Accept at frame") && origin.contains("air.pcapng"),
        "{origin}"
    );
    assert!(
        r.findings.iter().all(|f| f.severity == "info"),
        "{:?}",
        r.findings
    );
}

#[test]
fn every_calling_station_id_spelling_binds_the_client() {
    for spelling in [
        "02:22:33:44:55:66",
        "022233445566",
        "0222.3344.5566",
        "022233-445566",
    ] {
        let mut air = Cap::default();
        assert!(connect(&mut air, None, MS, STA, spelling, 1, &msk(2), b"s"));
        let r = air.analyze(analyzer_with(Collector::new(config(&["s"]))));
        assert_eq!(
            r.clients[0].pmk_source.as_deref(),
            Some("radius"),
            "{spelling}"
        );
    }
}

#[test]
fn a_wrong_secret_is_said_and_draws_no_mic_verdict() {
    let mut air = Cap::default();
    assert!(connect(
        &mut air,
        None,
        MS,
        STA,
        "02-22-33-44-55-66",
        3,
        &msk(3),
        b"the-real-secret"
    ));
    let r = air.analyze(analyzer_with(Collector::new(config(&["not-the-secret"]))));
    let e = r.enterprise.as_ref().unwrap();
    assert_eq!((e.stats.wrong_secret, e.stats.msks), (1, 0));
    assert!(e.sessions.is_empty());
    let p = &e.problems[0].problem;
    assert!(
        p.contains("verifies with none of the RADIUS secrets") && p.contains("wrong"),
        "{p}"
    );
    // No key, so no MIC is called valid or invalid, and nobody is accused.
    let h = &r.handshakes[0];
    assert!(
        h.messages
            .iter()
            .all(|m| m.mic == "unverified" || m.mic == "absent"),
        "{:?}",
        h.messages
    );
    assert!(
        r.findings
            .iter()
            .all(|f| f.blame == "none" || f.severity == "info"),
        "{:?}",
        r.findings
    );
    let hint = r.clients[0].pmk_hint.as_deref().unwrap();
    assert!(hint.contains("no EAP session of this client"), "{hint}");
    // Among several secrets, the one whose authenticator verifies is used.
    let mut air = Cap::default();
    assert!(connect(
        &mut air,
        None,
        MS,
        STA,
        "02-22-33-44-55-66",
        3,
        &msk(3),
        b"the-real-secret"
    ));
    let r = air.analyze(analyzer_with(Collector::new(config(&[
        "wrong-1",
        "the-real-secret",
    ]))));
    assert_eq!(r.enterprise.as_ref().unwrap().stats.wrong_secret, 0);
    assert_eq!(r.clients[0].pmk_source.as_deref(), Some("radius"));
}

#[test]
fn a_separate_wired_capture_with_another_clock_is_aligned() {
    // The RADIUS capture was taken on a server whose clock runs 1 hour ahead.
    let skew = 3_600_000 * MS;
    let mut air = Cap::default();
    let mut wired = Cap::default();
    let mut wired_late = Cap::default();
    let sta2 = rsn_wire::MacAddr([0x02, 0x22, 0, 0, 0, 2]);
    assert!(connect(
        &mut air,
        Some(&mut wired),
        10 * MS,
        STA,
        "02-22-33-44-55-66",
        1,
        &msk(4),
        b"k"
    ));
    assert!(connect(
        &mut air,
        Some(&mut wired_late),
        500 * MS,
        sta2,
        "02-22-00-00-00-02",
        2,
        &msk(5),
        b"k"
    ));
    wired.recs.append(&mut wired_late.recs);
    for (ts, _) in &mut wired.recs {
        *ts += skew;
    }
    let mut c = Collector::new(config(&["k"]));
    c.set_capture(Capture::Radius(0));
    wired.feed_collector(&mut c);
    assert_eq!(c.sessions().len(), 2);
    let r = air.analyze(analyzer_with(c));
    assert!(
        r.clients
            .iter()
            .all(|c| c.pmk_source.as_deref() == Some("radius")),
        "{:?}",
        r.clients
    );
    let clock = &r.enterprise.as_ref().unwrap().clocks[0];
    assert_eq!(clock.capture, "wired.pcapng");
    assert_eq!(clock.handshakes, 2);
    assert!(!clock.agree);
    assert!(
        (clock.delay_ms_median + 3_600_000.0).abs() < 100.0,
        "{clock:?}"
    );
    assert!(clock.note.contains("ahead"), "{}", clock.note);
}

#[test]
fn a_client_keyed_with_its_previous_eap_session_is_a_stale_pmk() {
    let mut air = Cap::default();
    let (old, new) = (msk(6), msk(7));
    assert!(connect(
        &mut air,
        None,
        MS,
        STA,
        "02-22-33-44-55-66",
        1,
        &old,
        b"k"
    ));
    // Re-authentication 10 s later: the AAA server delivers a new MSK; the AP uses it, the
    // client keeps the old PMK.
    let t = 10_000 * MS;
    air.associate(t, STA);
    radius_accept(&mut air, t + 4 * MS, 2, "02-22-33-44-55-66", &new, b"k");
    let ap_pmk = Pmk::from_slice(&new[..32]).unwrap();
    let sta_pmk = Pmk::from_slice(&old[..32]).unwrap();
    assert!(!four_way(&mut air, t + 9 * MS, STA, &ap_pmk, &sta_pmk));
    let r = air.analyze(analyzer_with(Collector::new(config(&["k"]))));
    let stale: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.code == "stale-pmk")
        .collect();
    assert_eq!(stale.len(), 1, "{:?}", r.findings);
    assert_eq!(stale[0].blame, "client");
    assert!(
        stale[0].summary.contains("earlier EAP session (#0)"),
        "{}",
        stale[0].summary
    );
    assert!(
        stale[0]
            .evidence
            .iter()
            .any(|e| e.contains("PMKID in the AP's Message 1 names the PMK of session #1")),
        "{:?}",
        stale[0].evidence
    );
    // The AP's silence and its M1 PMKID are explained by the stale PMK: nobody else is accused.
    assert_eq!(r.handshakes[1].findings, vec!["stale-pmk".to_string()]);
    // The first handshake, keyed by the then-current session, is not stale.
    assert!(
        r.handshakes[0].findings.is_empty(),
        "{:?}",
        r.handshakes[0].findings
    );
}

#[test]
fn hostile_radius_never_panics() {
    let mut c = Collector::new(config(&["k"]));
    let good = access_response(2, 1, [0; 16], Some(&msk(8)), &[3, 1, 0, 4], b"k");
    for cut in 0..good.len() {
        let ip = ipv4_udp((AAA_IP, 1812), (NAS_IP, 5000), &good[..cut]);
        c.push_ip(1, 0, &ip);
        c.push_ip(2, 0, &ip[..cut.min(ip.len())]);
    }
    // A length field past the datagram, attributes with length 0 and 1.
    let mut bad = good.clone();
    bad[2..4].copy_from_slice(&4000u16.to_be_bytes());
    c.push_ip(3, 0, &ipv4_udp((AAA_IP, 1812), (NAS_IP, 5000), &bad));
    let mut zero = good[..20].to_vec();
    zero.extend_from_slice(&[26, 0, 26, 1]);
    zero[2..4].copy_from_slice(&24u16.to_be_bytes());
    c.push_ip(4, 0, &ipv4_udp((NAS_IP, 5000), (AAA_IP, 1812), &zero));
    assert!(c.sessions().is_empty());
    assert!(c.stats().radius_malformed > 0);
}

proptest::proptest! {
    /// Arbitrary bytes as IP packets, RADIUS payloads on port 1812, and EAP packets never
    /// panic the collector, with or without a key log.
    #[test]
    fn collector_never_panics(
        ip in proptest::collection::vec(proptest::num::u8::ANY, 0..600),
        radius in proptest::collection::vec(proptest::num::u8::ANY, 0..600),
        eaps in proptest::collection::vec(proptest::collection::vec(proptest::num::u8::ANY, 0..300), 0..8),
    ) {
        let mut cfg = config(&["k"]);
        let cr = "00".repeat(32);
        cfg.keylog = Some(rsn_analyzer::enterprise::KeyLog::parse(&format!("CLIENT_RANDOM {cr} {}\n", "11".repeat(48))).unwrap());
        let mut c = Collector::new(cfg);
        c.push_ip(1, 0, &ip);
        c.push_ip(2, 0, &ipv4_udp((NAS_IP, 50000), (AAA_IP, 1812), &radius));
        c.push_ip(3, 0, &ipv4_udp((AAA_IP, 1812), (NAS_IP, 50000), &radius));
        for (i, e) in eaps.iter().enumerate() {
            let mut e = e.clone();
            if e.len() > 4 {
                e[4] = 13; // make it EAP-TLS often
            }
            c.push_eapol_eap(4 + i as u64, 0, AP, STA, &e);
        }
        c.push_eapol_eap(99, 0, AP, STA, &[3, 1, 0, 4]);
    }
}
