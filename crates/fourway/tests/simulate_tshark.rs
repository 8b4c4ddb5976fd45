//! Outside truth (issue 4): every shipped scenario's capture, written by
//! `fourway simulate`, decrypts in tshark with the scenario's keys — every frame the truth
//! file calls decryptable is decrypted by tshark (`wlan.analysis.tk` / `wlan.analysis.gtk`).
//!
//! 802.1X scenarios with an AAA server give tshark each EAP session's MSK (`"msk"` in
//! `80211_keys`).
//!
//! tshark 4.0 does not decrypt TKIP group-addressed frames; the shipped TKIP scenario
//! sends no broadcast data, so nothing needs to be excused for it (the check below would
//! fail loudly if a scenario started to).

use std::path::PathBuf;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_fourway");

fn tshark() -> bool {
    match Command::new("tshark").arg("-v").output() {
        Ok(o) if o.status.success() => true,
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "tshark is required under CI (.ci/run installs it)"
            );
            eprintln!("skipping: tshark not installed");
            false
        }
    }
}

fn scenarios() -> Vec<String> {
    let out = Command::new(BIN)
        .args(["simulate", "--list"])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(String::from))
        .collect()
}

fn tshark_decrypted(pcap: &str, uat: &[String]) -> Vec<u64> {
    let mut cmd = Command::new("tshark");
    cmd.args(["-n", "-r", pcap, "-o", "wlan.enable_decryption:TRUE"]);
    for u in uat {
        cmd.args(["-o", &format!("uat:80211_keys:{u}")]);
    }
    cmd.args([
        "-Y",
        "wlan.fc.protected==1 && (wlan.analysis.tk || wlan.analysis.gtk)",
        "-T",
        "fields",
        "-e",
        "frame.number",
    ]);
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "tshark: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect()
}

/// Run `fourway simulate` with `args`, then tshark with the truth's keys; the frames the
/// truth calls decryptable that tshark did not decrypt.
fn check(dir: &std::path::Path, label: &str, args: &[&str]) -> Vec<u64> {
    let pcap = dir.join(format!("{label}.pcapng"));
    let truth_path = dir.join(format!("{label}.json"));
    let st = Command::new(BIN)
        .arg("simulate")
        .args(args)
        .arg("-o")
        .arg(&pcap)
        .arg("--truth")
        .arg(&truth_path)
        .status()
        .unwrap();
    assert!(st.success(), "{label}: fourway simulate failed");
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&truth_path).unwrap()).unwrap();
    let mut uat = Vec::new();
    for n in truth["networks"].as_array().unwrap() {
        if let Some(p) = n["passphrase"].as_str() {
            uat.push(format!(
                "\"wpa-pwd\",\"{}:{}\"",
                p,
                n["ssid"].as_str().unwrap()
            ));
        }
        if let Some(p) = n["pmk"].as_str() {
            uat.push(format!("\"wpa-psk\",\"{p}\""));
        }
    }
    // 802.1X scenarios with an AAA server: every EAP session's MSK (tshark derives the PMK,
    // and for FT-802.1X the XXKey, from it).
    for e in truth["eap_sessions"].as_array().into_iter().flatten() {
        uat.push(format!("\"msk\",\"{}\"", e["msk"].as_str().unwrap()));
    }
    let got = tshark_decrypted(pcap.to_str().unwrap(), &uat);
    let mut want = Vec::new();
    for r in truth["decryptable"].as_array().unwrap() {
        want.extend(r[0].as_u64().unwrap()..=r[1].as_u64().unwrap());
    }
    assert_eq!(
        want.len() as u64,
        truth["decryptable_frames"].as_u64().unwrap(),
        "{label}"
    );
    let missing: Vec<u64> = want
        .iter()
        .copied()
        .filter(|n| got.binary_search(n).is_err())
        .collect();
    eprintln!(
        "{label:30} truth decryptable {:5}  tshark decrypted {:5}  missing {}",
        want.len(),
        got.len(),
        missing.len()
    );
    missing
}

/// `clean` under other AKMs and ciphers (CLI overrides).
#[test]
fn tshark_agrees_across_suites() {
    if !tshark() {
        return;
    }
    let dir: PathBuf =
        std::env::temp_dir().join(format!("fourway-simulate-suites-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut problems = Vec::new();
    for (akm, cipher, extra) in [
        ("psk", "gcmp", ""),
        ("psk", "ccmp-256", ""),
        ("psk", "gcmp-256", ""),
        ("psk", "tkip", ""),
        ("psk-sha256", "ccmp", "--pmf"),
        ("8021x", "ccmp", ""),
        ("sae", "ccmp", "--pmf"),
        ("ft-psk", "ccmp", ""),
    ] {
        let label = format!("clean-{akm}-{cipher}");
        let mut args = vec![
            "--scenario",
            "clean",
            "--clients",
            "3",
            "--aps",
            "2",
            "--akm",
            akm,
            "--cipher",
            cipher,
        ];
        if !extra.is_empty() {
            args.push(extra);
        }
        let missing = check(&dir, &label, &args);
        if !missing.is_empty() {
            problems.push(format!("{label}: tshark did not decrypt {missing:?}"));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn tshark_decrypts_every_frame_the_truth_calls_decryptable() {
    if !tshark() {
        return;
    }
    let dir: PathBuf =
        std::env::temp_dir().join(format!("fourway-simulate-tshark-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut problems = Vec::new();
    let names = scenarios();
    assert!(names.len() >= 14, "{names:?}");
    for name in names {
        let missing = check(&dir, &name, &["--scenario", &name, "--seed", "1"]);
        if !missing.is_empty() {
            problems.push(format!("{name}: tshark did not decrypt {missing:?}"));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(problems.is_empty(), "{problems:#?}");
}
