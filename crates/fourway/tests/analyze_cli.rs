//! `fourway analyze` as a user meets it: exit codes, bad input, stdin, the JSON contract.

use std::io::Write;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_fourway");
const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/captures/");

fn tmp(name: &str, bytes: &[u8]) -> String {
    let p = std::env::temp_dir().join(format!("fourway-cli-{}-{name}", std::process::id()));
    std::fs::write(&p, bytes).unwrap();
    p.display().to_string()
}

fn analyze(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .arg("analyze")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn not_a_capture_is_one_line_naming_the_file_and_exit_2() {
    let p = tmp("garbage.pcap", b"this is not a capture at all, just text\n");
    let (code, out, err) = analyze(&[&p]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains(&p) && err.contains("not a capture"), "{err}");
    let (code, _, err) = analyze(&["/nonexistent/file.pcap"]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/file.pcap"), "{err}");
}

#[test]
fn a_truncated_capture_is_still_analyzed_and_the_skip_counted() {
    let full = std::fs::read(format!("{DIR}wpa-Induction.pcap")).unwrap();
    let p = tmp("cut.pcap", &full[..full.len() / 2 + 7]);
    let (code, out, err) = analyze(&[
        &p,
        "--passphrase",
        "Induction",
        "--ssid",
        "Coherer",
        "--json",
    ]);
    assert!(code == 0 || code == 1, "{err}");
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["summary"]["skipped"]["truncated_records"], 1);
    assert!(j["summary"]["frames"].as_u64().unwrap() > 400);
    assert_eq!(j["handshakes"][0]["outcome"], "completed");
    assert!(j["input_problems"][0]["problem"]
        .as_str()
        .unwrap()
        .contains("cut.pcap"));
}

#[test]
fn stdin_works_and_the_json_contract_holds() {
    let bytes = std::fs::read(format!("{DIR}wpa-Induction.pcap")).unwrap();
    let mut child = Command::new(BIN)
        .args([
            "analyze",
            "-",
            "--passphrase",
            "Induction",
            "--ssid",
            "Coherer",
            "--json",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &j["summary"];
    for k in [
        "frames",
        "eapol_key_frames",
        "protected_frames",
        "decrypted_frames",
    ] {
        assert!(s[k].is_u64(), "summary.{k}");
    }
    for k in ["total", "completed", "failed"] {
        assert!(s["handshakes"][k].is_u64(), "summary.handshakes.{k}");
    }
    let h = &j["handshakes"][0];
    for k in ["ap", "sta", "kind", "akm", "cipher", "outcome"] {
        assert!(h[k].is_string(), "handshakes[].{k}");
    }
    assert_eq!(h["kind"], "4way");
    assert_eq!(h["akm"], "00-0f-ac:2");
    assert_eq!(h["cipher"], "00-0f-ac:4");
    let m = &h["messages"][1];
    assert_eq!(
        (m["msg"].as_str(), m["frame"].as_u64(), m["mic"].as_str()),
        (Some("M2"), Some(89), Some("valid"))
    );
    let f = &j["findings"][0];
    for k in [
        "code", "severity", "blame", "ap", "sta", "clause", "summary",
    ] {
        assert!(f[k].is_string(), "findings[].{k}");
    }
    assert!(f["frames"].is_array() && f["evidence"].is_array());
    assert_eq!(s["decrypted_frames"], 276);
}

#[test]
fn exit_code_1_for_a_major_finding_0_otherwise() {
    // wpa.bad.passphrase.cap: the AP rejects every M2 (handshake-timeout, major).
    let (code, out, _) = analyze(&[&format!("{DIR}wpa.bad.passphrase.cap")]);
    assert_eq!(code, 1);
    assert!(out.contains("handshake-timeout"), "{out}");
    // A clean join: only a minor finding (bogus PMKID) → 0.
    let (code, _, err) = analyze(&[
        &format!("{DIR}wpa-Induction.pcap"),
        "--passphrase",
        "Induction",
        "--ssid",
        "Coherer",
    ]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn key_file_and_bad_key_arguments() {
    let keys = tmp(
        "80211_keys",
        b"# wireshark keys\n\"wpa-pwd\",\"Induction:Coherer\"\n",
    );
    let (_, out, err) = analyze(&[
        &format!("{DIR}wpa-Induction.pcap"),
        "--keys",
        &keys,
        "--json",
    ]);
    let j: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{err}"));
    assert_eq!(j["summary"]["decrypted_frames"], 276);
    let bad = tmp("bad_keys", b"\"wpa-pwd\",\"short:x\"\n");
    let (code, _, err) = analyze(&[&format!("{DIR}wpa-Induction.pcap"), "--keys", &bad]);
    assert_eq!(code, 2);
    assert!(err.contains("line 1"), "{err}");
    let (code, _, err) = analyze(&[&format!("{DIR}wpa-Induction.pcap"), "--pmk", "abcd"]);
    assert_eq!(code, 2);
    assert!(err.contains("--pmk"), "{err}");
}
