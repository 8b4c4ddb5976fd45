//! Unit tests of the HTML renderer on hand-built reports (hostile strings included).

use rsn_analyzer::report::*;

use super::render;

fn msg(m: &str, frame: u64, mic: &str, retrans: bool) -> Message {
    Message {
        msg: m.into(),
        frame,
        mic: mic.into(),
        time: frame as f64 / 100.0,
        replay_counter: 1,
        encrypted: false,
        retransmission: retrans,
    }
}

const HOSTILE: &str = "<script>alert(1)</script>\"'&\u{0}";

fn report() -> Report {
    let ap = "02:00:00:00:01:00".to_string();
    let sta = "02:00:00:00:02:00".to_string();
    Report {
        networks: vec![Network {
            bssid: ap.clone(),
            ssid: Some(HOSTILE.into()),
            security: "rsn".into(),
            akms: vec!["00-0f-ac:4".into()],
            pairwise_ciphers: vec!["00-0f-ac:4".into()],
            group_cipher: Some("00-0f-ac:4".into()),
            pmf: "capable".into(),
            mdid: Some("a1b2".into()),
            ..Default::default()
        }],
        clients: vec![Client {
            ap: ap.clone(),
            sta: sta.clone(),
            events: vec![Event {
                frame: 3,
                time: 0.03,
                kind: "reassoc-req".into(),
                from: "sta".into(),
                detail: HOSTILE.into(),
            }],
            key_timeline: vec![KeyRun {
                from: "ap".into(),
                handshake: 1,
                first_frame: 40,
                last_frame: 90,
                frames: 10,
            }],
            ..Default::default()
        }],
        verdicts: vec![Verdict {
            ap: ap.clone(),
            sta: sta.clone(),
            severity: "critical".into(),
            verdict: format!("verdict {HOSTILE}"),
            findings: vec!["ft-pmkid-list".into()],
        }],
        handshakes: vec![
            Handshake {
                ap: ap.clone(),
                sta: sta.clone(),
                kind: "ft-4way".into(),
                akm: None,
                cipher: None,
                messages: vec![
                    msg("M1", 5, "absent", false),
                    msg("M2", 6, "valid", false),
                    msg("M1", 7, "absent", true),
                    msg("M2", 8, "valid", true),
                ],
                outcome: "failed".into(),
                reason: Some(HOSTILE.into()),
                key_source: None,
                eap_session: None,
                keys: None,
                inferred: vec![],
                findings: vec!["ft-pmkid-list".into()],
            },
            Handshake {
                ap: ap.clone(),
                sta: sta.clone(),
                kind: "4way".into(),
                akm: None,
                cipher: None,
                messages: vec![
                    msg("M1", 20, "absent", false),
                    msg("M2", 21, "valid", false),
                    msg("M3", 22, "valid", false),
                    msg("M3", 23, "valid", true),
                ],
                outcome: "completed".into(),
                reason: None,
                key_source: None,
                eap_session: None,
                keys: None,
                inferred: vec!["M4".into()],
                findings: vec![],
            },
        ],
        findings: vec![Finding {
            code: "ft-pmkid-list".into(),
            severity: "critical".into(),
            blame: "ambiguous".into(),
            ap,
            sta,
            frames: vec![6, 8, 999],
            clause: "13.7.1".into(),
            summary: HOSTILE.into(),
            evidence: vec![HOSTILE.into()],
        }],
        ..Default::default()
    }
}

fn html(r: &Report) -> String {
    let mut v = Vec::new();
    render(&mut v, "cap<tured>.pcap", r).unwrap();
    String::from_utf8(v).unwrap()
}

#[test]
fn hostile_strings_are_escaped() {
    let h = html(&report());
    assert!(!h.contains("<script>alert"), "raw script tag in the HTML");
    assert!(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;\u{fffd}"));
    assert!(h.contains("cap&lt;tured&gt;.pcap"));
    assert_eq!(
        h.matches("<script>").count(),
        1,
        "only the report's own script"
    );
    assert!(!h.contains('\u{0}'));
}

#[test]
fn arrows_classes_and_links() {
    let h = html(&report());
    // Rejected M2s (the AP answered with a new M1, never an M3), grouped retransmissions.
    assert!(
        h.contains(r#"<g class="msg M2 mic-valid rejected has-finding" id="f-6" data-frame="6""#)
    );
    assert!(h.contains("class=\"msg M2 mic-valid retrans rejected has-finding\" id=\"f-8\""));
    assert!(h.contains("<g class=\"retrans-group\" data-msg=\"M3\" data-count=\"2\">"));
    assert!(h.contains("<g class=\"msg M4 inferred\" data-frame=\"\""));
    assert!(h.contains("<g class=\"event reassoc-req\" id=\"f-3\" data-frame=\"3\""));
    assert!(h.contains(
        "<a class=\"badge sev-critical\" href=\"#finding-0\" data-code=\"ft-pmkid-list\">"
    ));
    assert!(h.contains(
        "<li class=\"finding sev-critical blame-ambiguous\" id=\"finding-0\" data-code=\"ft-pmkid-list\" data-frames=\"6 8 999\""
    ));
    // Frames drawn are links; frames not drawn are not.
    assert!(h.contains("<a class=\"frame-link\" href=\"#f-6\" data-frame=\"6\">#6</a>"));
    assert!(h.contains("<span class=\"frame\" data-frame=\"999\">#999</span>"));
    assert!(h.contains("class=\"keyrun from-ap k2 new\" data-from=\"ap\" data-handshake=\"1\""));
    assert!(h.contains("MDID a1b2"));
    assert!(h.contains("ft-psk (00-0f-ac:4)"));
}

#[test]
fn empty_and_inconsistent_reports_render() {
    let h = html(&Report::default());
    assert!(h.contains("No client seen."));
    // Indexes pointing nowhere, unknown message names, huge frame numbers: no panic.
    let mut r = report();
    r.clients[0].key_timeline.push(KeyRun {
        from: "sta".into(),
        handshake: 77,
        first_frame: u64::MAX,
        last_frame: 0,
        frames: 0,
    });
    r.handshakes[0]
        .messages
        .push(msg("Q9", u64::MAX, "??", false));
    r.handshakes[1].messages.clear();
    let h = html(&r);
    assert!(h.contains("data-frame=\"18446744073709551615\""));
}
