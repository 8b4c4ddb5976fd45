//! `fourway decrypt` output opens in tshark, and tshark *without* keys sees in it the same
//! payloads that tshark *with* keys sees in the original capture.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_fourway");
const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/captures/");

/// Fields that identify a payload above 802.11 (checksums and ids of whatever it carries).
const FIELDS: &[&str] = &[
    "llc.type",
    "ip.src",
    "ip.dst",
    "ip.id",
    "ip.checksum",
    "tcp.checksum",
    "udp.checksum",
    "icmp.checksum",
    "ipv6.plen",
    "icmpv6.checksum",
    "arp.src.proto_ipv4",
    "eapol.type",
    "eapol.keydes.replay_counter",
];

fn tshark() -> bool {
    match Command::new("tshark").arg("-v").output() {
        Ok(o) if o.status.success() => true,
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "tshark is required under CI (.ci/run installs it)"
            );
            eprintln!("skipping: tshark not installed");
            false
        }
    }
}

fn fields(file: &str, uat: &[String], filter: &str) -> Vec<(u64, String)> {
    let mut cmd = Command::new("tshark");
    cmd.args(["-n", "-r", file]);
    if !uat.is_empty() {
        cmd.args(["-o", "wlan.enable_decryption:TRUE"]);
        for u in uat {
            cmd.args(["-o", &format!("uat:80211_keys:{u}")]);
        }
    }
    cmd.args([
        "-Y",
        filter,
        "-T",
        "fields",
        "-E",
        "separator=|",
        "-e",
        "frame.number",
    ]);
    for f in FIELDS {
        cmd.args(["-e", f]);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "tshark failed on {file}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let (n, rest) = l.split_once('|').unwrap();
            (n.parse().unwrap(), rest.to_string())
        })
        .collect()
}

fn check(capture: &str, fourway_keys: &[&str], uat: &[String]) {
    let input = format!("{DIR}{capture}");
    let dir =
        std::env::temp_dir().join(format!("fourway-decrypt-{}-{capture}", std::process::id()));
    let output = format!("{}.pcapng", dir.display());
    let st = Command::new(BIN)
        .args(["decrypt", &input, "-o", &output])
        .args(fourway_keys)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{capture}: {}",
        String::from_utf8_lossy(&st.stderr)
    );
    // What tshark decrypts in the original, with keys.
    let want = fields(
        &input,
        uat,
        "wlan.fc.protected==1 && (wlan.analysis.tk || wlan.analysis.gtk)",
    );
    assert!(!want.is_empty(), "{capture}: tshark decrypted nothing");
    // The same frames in fourway's output, read by tshark without keys.
    let got = fields(&output, &[], "frame");
    let got: std::collections::HashMap<u64, String> = got.into_iter().collect();
    for (n, payload) in &want {
        assert_eq!(got.get(n), Some(payload), "{capture}: frame {n}");
    }
    // Nothing the output calls protected was claimed decrypted, and it has all frames.
    let total_in = fields(&input, &[], "frame").len();
    assert_eq!(got.len(), total_in, "{capture}: frame count");
    let _ = std::fs::remove_file(&output);
}

#[test]
fn decrypted_captures_read_the_same_in_tshark() {
    if !tshark() {
        return;
    }
    let pwd = |p: &str, s: &str| format!("\"wpa-pwd\",\"{p}:{s}\"");
    check(
        "wpa-Induction.pcap",
        &["--passphrase", "Induction", "--ssid", "Coherer"],
        &[pwd("Induction", "Coherer")],
    );
    check(
        "wpa-psk-linksys.cap",
        &["--passphrase", "dictionary", "--ssid", "linksys"],
        &[pwd("dictionary", "linksys")],
    );
    check(
        "n-02.cap",
        &["--passphrase", "bo$$password", "--ssid", "Neheb"],
        &[pwd("bo$$password", "Neheb")],
    );
    check(
        "wpa-test-decode-tdls.pcap",
        &["--passphrase", "12345678", "--ssid", "TDLS-5.8"],
        &[pwd("12345678", "TDLS-5.8")],
    );
    check(
        "wpa-test-decode-mgmt.pcap",
        &["--passphrase", "12345678", "--ssid", "Valium_dongle"],
        &[pwd("12345678", "Valium_dongle")],
    );
    check(
        "wpa3-sae.pcapng",
        &[
            "--tk",
            "20a2e28f4329208044f4d7edca9e20a6",
            "--tk",
            "1fc82f8813160031d6bf87bca22b6354",
        ],
        &[
            "\"tk\",\"20a2e28f4329208044f4d7edca9e20a6\"".into(),
            "\"tk\",\"1fc82f8813160031d6bf87bca22b6354\"".into(),
        ],
    );
    let eap = [
        "a5001e18e0b3f792278825bc3abff72d7021d7c157b600470ef730e2490835d4",
        "79258f6ceeecedd3482b92deaabdb675f09bcb4003ef5074f5ddb10a94ebe00a",
        "23a9ee58c7810546ae3e7509fda9f97435778d689e53a54891c56d02f18ca162",
    ];
    let mut args = Vec::new();
    let mut uat = Vec::new();
    for p in eap {
        args.extend(["--pmk", p]);
        uat.push(format!("\"wpa-psk\",\"{p}\""));
    }
    check("wpa-eap-tls.pcap", &args, &uat);
}
