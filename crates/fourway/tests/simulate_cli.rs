//! `fourway simulate` command line: listing, exit codes, determinism through the binary,
//! and the truth file's contract fields.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_fourway");

fn tmp(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "fourway-simulate-cli-{}-{name}",
        std::process::id()
    ))
}

#[test]
fn list_shows_every_scenario_on_one_line() {
    let out = Command::new(BIN)
        .args(["simulate", "--list"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let names: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for want in [
        "clean",
        "wrong-psk",
        "win7-stale-ptk-rekey",
        "ft-two-pmkids",
        "tkip-reauth-mic-failures",
        "rekey-key-switch",
        "anonce-changed",
        "replay-counter",
        "krack-m3-reinstall",
        "zero-tk",
        "m3-unanswered",
        "capture-loss",
        "okc-pmkid-mismatch",
        "group-key-timeout",
    ] {
        assert!(names.contains(&want), "{want} missing from --list");
    }
    assert!(
        text.lines().all(|l| l.len() > 30),
        "each line has a description"
    );
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["simulate"],
        vec!["simulate", "--scenario", "no-such-scenario"],
        vec!["simulate", "--scenario", "clean", "--clients", "0"],
        vec!["simulate", "--scenario", "clean", "--akm", "bogus"],
        vec!["simulate", "--scenario", "/nonexistent/dir/x.toml"],
    ] {
        let out = Command::new(BIN).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty());
    }
}

#[test]
fn same_seed_same_file_and_truth_contract() {
    let (a, b, c, t) = (
        tmp("a.pcapng"),
        tmp("b.pcapng"),
        tmp("c.pcapng"),
        tmp("t.json"),
    );
    for (out, seed) in [(&a, "5"), (&b, "5"), (&c, "6")] {
        let st = Command::new(BIN)
            .args([
                "simulate",
                "--scenario",
                "win7-stale-ptk-rekey",
                "--seed",
                seed,
                "-o",
            ])
            .arg(out)
            .arg("--truth")
            .arg(&t)
            .status()
            .unwrap();
        assert!(st.success());
    }
    let (ba, bb, bc) = (
        std::fs::read(&a).unwrap(),
        std::fs::read(&b).unwrap(),
        std::fs::read(&c).unwrap(),
    );
    assert!(ba == bb, "same seed, same bytes");
    assert!(ba != bc, "other seed, other bytes");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&t).unwrap()).unwrap();
    for field in [
        "scenario",
        "seed",
        "networks",
        "decryptable_frames",
        "expected_findings",
        "handshakes",
        "faults",
    ] {
        assert!(v.get(field).is_some(), "truth lacks {field}");
    }
    assert_eq!(v["scenario"], "win7-stale-ptk-rekey");
    assert_eq!(v["seed"], 6);
    let n = &v["networks"][0];
    assert!(n["bssid"].is_string() && n["ssid"].is_string() && n["passphrase"].is_string());
    let f = &v["expected_findings"][0];
    assert_eq!(f["code"], "stale-ptk");
    assert!(
        f["ap"].is_string() && f["sta"].is_string() && !f["frames"].as_array().unwrap().is_empty()
    );
    for h in ["total", "completed", "failed"] {
        assert!(v["handshakes"][h].is_u64());
    }
    for p in [a, b, c, t] {
        let _ = std::fs::remove_file(p);
    }
}
