//! `fourway analyze --html` on real captures: every handshake message of the report is an
//! arrow with its frame number and classes, every finding is listed; hostile SSIDs are
//! escaped (a beacon whose SSID is a `<script>` tag).

mod html_common;

use std::path::Path;

use html_common::{analyze, check_structure, tags, tempdir};

fn data(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/captures")
        .join(name)
}

#[test]
fn real_captures_render_every_message_and_finding() {
    let dir = tempdir("html-real");
    let cases: &[(&str, &[&str])] = &[
        (
            "wpa-Induction.pcap",
            &["--passphrase", "Induction", "--ssid", "Coherer"],
        ),
        (
            "test1.pcap",
            &["--passphrase", "15211521", "--ssid", "ogogo"],
        ),
        (
            "wpa-test-decode.pcap",
            &["--passphrase", "test0815", "--ssid", "test"],
        ),
        (
            "wpa.bad.passphrase.cap",
            &["--passphrase", "Induction", "--ssid", "Coherer"],
        ),
        ("wpa-eap-tls.pcap", &[]),
    ];
    for (name, keys) in cases {
        let keys: Vec<String> = keys.iter().map(|s| s.to_string()).collect();
        let html = dir.join(format!("{name}.html"));
        let (report, text) = analyze(&data(name), &keys, &html);
        check_structure(name, &text, &report);
        // Self-contained: no external resource of any kind.
        for needle in ["http://", "https://", "src=", "<link", "@import", "url("] {
            let hits: Vec<&str> = text
                .match_indices(needle)
                .map(|(i, _)| &text[i..(i + 60).min(text.len())])
                .collect();
            let allowed = hits
                .iter()
                .all(|h| h.starts_with("http://www.w3.org/2000/svg"));
            assert!(allowed, "{name}: external reference {needle}: {hits:?}");
        }
        // The passphrase never reaches the HTML.
        if let Some(p) = keys.get(1) {
            let without_name = text.replace(name, "");
            assert!(
                !without_name.contains(p.as_str()),
                "{name}: passphrase in the HTML"
            );
        }
        assert_eq!(text.matches("<script>").count(), 1, "{name}: one script");
    }
    // A ladder arrow carries the documented hook exactly.
    let (_, text) = analyze(
        &data("wpa-Induction.pcap"),
        &[
            "--passphrase".into(),
            "Induction".into(),
            "--ssid".into(),
            "Coherer".into(),
        ],
        &dir.join("i.html"),
    );
    assert!(text.contains(
        "<g class=\"msg M2 mic-valid\" id=\"f-89\" data-frame=\"89\" data-sta=\"00:0d:93:82:36:3a\" data-ap=\"00:0c:41:82:b2:55\" data-hs=\"0\""
    ));
    assert!(text.contains("<li class=\"finding sev-minor blame-ap\" id=\"finding-0\" data-code=\"bogus-pmkid\" data-frames=\"87\""));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A capture with a beacon whose SSID is `<script>alert(1)</script>`, written by hand
/// (pcap, link type 105 = bare 802.11).
fn hostile_capture(path: &Path) {
    let ssid = b"<script>alert(1)</script>";
    let mut frame = vec![0x80, 0x00, 0, 0]; // beacon
    frame.extend([0xff; 6]); // DA
    frame.extend([0x02, 0, 0, 0, 0, 0x01]); // SA
    frame.extend([0x02, 0, 0, 0, 0, 0x01]); // BSSID
    frame.extend([0x10, 0x00]); // seq
    frame.extend([0; 8]); // timestamp
    frame.extend([0x64, 0x00, 0x11, 0x04]); // interval, capabilities (privacy)
    frame.push(0);
    frame.push(ssid.len() as u8);
    frame.extend(ssid);
    // RSNE: version 1, group CCMP, 1 pairwise CCMP, 1 AKM PSK, capabilities 0.
    frame.extend([
        48, 20, 1, 0, 0x00, 0x0f, 0xac, 4, 1, 0, 0x00, 0x0f, 0xac, 4, 1, 0, 0x00, 0x0f, 0xac, 2, 0,
        0,
    ]);
    let mut pcap = Vec::new();
    pcap.extend(0xa1b2c3d4u32.to_le_bytes());
    pcap.extend(2u16.to_le_bytes());
    pcap.extend(4u16.to_le_bytes());
    pcap.extend([0; 8]);
    pcap.extend(65535u32.to_le_bytes());
    pcap.extend(105u32.to_le_bytes());
    pcap.extend(1u32.to_le_bytes());
    pcap.extend(0u32.to_le_bytes());
    pcap.extend((frame.len() as u32).to_le_bytes());
    pcap.extend((frame.len() as u32).to_le_bytes());
    pcap.extend(&frame);
    std::fs::write(path, pcap).unwrap();
}

#[test]
fn hostile_ssid_is_escaped() {
    let dir = tempdir("html-hostile");
    let cap = dir.join("hostile.pcap");
    hostile_capture(&cap);
    let (report, text) = analyze(&cap, &[], &dir.join("h.html"));
    assert_eq!(
        report["networks"][0]["ssid"], "<script>alert(1)</script>",
        "the capture decodes: {report}"
    );
    assert!(!text.contains("<script>alert"), "unescaped SSID");
    assert!(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let rows = tags(&text, "tr");
    assert!(rows
        .iter()
        .any(|t| t.attr("data-bssid") == Some("02:00:00:00:00:01")));
    let _ = std::fs::remove_dir_all(&dir);
}
