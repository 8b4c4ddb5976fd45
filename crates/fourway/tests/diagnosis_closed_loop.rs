//! Diagnosis closed loop: every simulator scenario, over several seeds, yields exactly the
//! finding codes its truth file expects (info included), `clean` yields nothing above info;
//! and each user story (../shared/seeds) is diagnosed in one run with its verdict in the
//! first lines of the text report.

use std::collections::BTreeSet;
use std::process::Command;

#[path = "../../rsn-sim/tests/support/mod.rs"]
mod support;

use rsn_analyzer::enterprise::Collector;
use rsn_analyzer::report::Report;
use rsn_analyzer::{Analyzer, FrameIn, KeyMaterial, Link, PassphraseEntry};
use rsn_capture::{CaptureReader, Decapsulated, FcsStatus};
use rsn_crypto::Passphrase;
use rsn_sim::{builtins, Truth};
use support::{keys_of, radius_collector, simulate_wired};

const BIN: &str = env!("CARGO_BIN_EXE_fourway");

fn simulate(name: &str, seed: u64) -> (Vec<u8>, Truth) {
    let (cap, _, truth) = simulate_wired(name, seed);
    (cap, truth)
}

fn analyze(capture: Vec<u8>, keys: KeyMaterial) -> Report {
    analyze_with(capture, keys, None)
}

fn analyze_with(capture: Vec<u8>, keys: KeyMaterial, radius: Option<Collector>) -> Report {
    let mut a = Analyzer::new(keys);
    if let Some(c) = radius {
        a.set_enterprise(c);
    }
    let mut r = CaptureReader::new(std::io::Cursor::new(capture)).unwrap();
    while let Some(rec) = r.next_record() {
        let rec = rec.unwrap();
        if let Ok(Decapsulated::Dot11 { frame, fcs, .. }) = rec.decap() {
            a.push(&FrameIn {
                number: rec.frame,
                ts_ns: rec.ts_ns,
                link: Link::Dot11 {
                    frame,
                    fcs_bad: fcs == FcsStatus::Bad,
                },
            });
        }
    }
    a.finish()
}

#[test]
fn every_scenario_yields_exactly_its_expected_findings() {
    let mut problems = Vec::new();
    for b in builtins() {
        for seed in [1u64, 2, 3, rsn_sim::DEFAULT_SEED] {
            let (cap, wired, truth) = simulate_wired(b.name, seed);
            let report = analyze_with(cap, keys_of(&truth), radius_collector(&wired, &truth));
            let got: BTreeSet<(String, String)> = report
                .findings
                .iter()
                .map(|f| (f.code.clone(), f.sta.clone()))
                .collect();
            let want: BTreeSet<(String, String)> = truth
                .expected_findings
                .iter()
                .map(|f| (f.code.clone(), f.sta.clone()))
                .collect();
            if got != want {
                problems.push(format!(
                    "{} seed {seed}: expected {want:?}, got {got:?}",
                    b.name
                ));
            }
            if b.name == "clean" && report.findings.iter().any(|f| f.severity != "info") {
                problems.push(format!("clean seed {seed}: {:?}", report.findings));
            }
            // The evidence frames of each expected finding are among the finding's frames.
            for e in &truth.expected_findings {
                let Some(f) = report
                    .findings
                    .iter()
                    .find(|f| f.code == e.code && f.sta == e.sta)
                else {
                    continue;
                };
                if !e.frames.is_empty() && !e.frames.iter().any(|n| f.frames.contains(n)) {
                    problems.push(format!(
                        "{} seed {seed}: {} frames {:?} vs truth {:?}",
                        b.name, e.code, f.frames, e.frames
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The three stories: a scenario each, diagnosed in one `fourway analyze` run, the verdict in
/// the first lines.
#[test]
fn the_three_stories_are_diagnosed_with_the_verdict_first() {
    let stories: &[(&str, &[&str])] = &[
        // Windows 7 SP1 rekey M2 with the stale PTK (seed 000).
        ("win7-stale-ptk-rekey", &["previous PTK"]),
        // TKIP re-authentication MIC failures (seed 001).
        ("tkip-reauth-mic-failures", &["Michael MIC failures"]),
        // The 92-reply thread: two PMKIDs in the FT M2 (seed 002).
        ("ft-two-pmkids", &["lists 2 PMKID", "MIC itself is valid"]),
    ];
    let dir = std::env::temp_dir();
    for (name, needles) in stories {
        let cap = dir.join(format!(
            "fourway-story-{}-{name}.pcapng",
            std::process::id()
        ));
        let truth_path = dir.join(format!("fourway-story-{}-{name}.json", std::process::id()));
        let st = Command::new(BIN)
            .args(["simulate", "--scenario", name, "-o"])
            .arg(&cap)
            .arg("--truth")
            .arg(&truth_path)
            .output()
            .unwrap();
        assert!(
            st.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&st.stderr)
        );
        let truth: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&truth_path).unwrap()).unwrap();
        let net = &truth["networks"][0];
        let mut cmd = Command::new(BIN);
        cmd.arg("analyze").arg(&cap);
        if let Some(p) = net["passphrase"].as_str() {
            cmd.args(["--passphrase", p, "--ssid", net["ssid"].as_str().unwrap()]);
        }
        if let Some(p) = net["pmk"].as_str() {
            cmd.args(["--pmk", p]);
        }
        let out = cmd.output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{name}: a major finding exits 1"
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let head: String = text.lines().take(6).collect::<Vec<_>>().join("\n");
        for n in *needles {
            assert!(
                head.contains(n),
                "{name}: {n:?} not in the first lines:\n{head}"
            );
        }
        let _ = std::fs::remove_file(&cap);
        let _ = std::fs::remove_file(&truth_path);
    }
}

/// A wrong key given to fourway accuses nobody: every MIC fails, but the AP accepted each
/// M2 (it sent M3), so the finding is `mic-unverifiable` (info) and nothing else.
#[test]
fn a_wrong_key_accuses_nobody() {
    let (cap, truth) = simulate("clean", 1);
    let mut keys = KeyMaterial::default();
    keys.passphrases.push(PassphraseEntry {
        passphrase: Passphrase::new("not the network passphrase").unwrap(),
        ssid: Some(truth.networks[0].ssid.as_bytes().to_vec()),
    });
    let report = analyze(cap, keys);
    assert!(!report.findings.is_empty());
    for f in &report.findings {
        assert_eq!(
            (f.code.as_str(), f.severity.as_str()),
            ("mic-unverifiable", "info"),
            "{f:?}"
        );
        assert!(f.summary.contains("the AP accepted it"), "{}", f.summary);
    }
    assert_eq!(report.summary.decrypted_frames, 0);
}

/// `--candidates`: the client's mistyped passphrase is named (by its line) as the key its
/// Message 2 verifies with.
#[test]
fn the_candidates_file_names_the_clients_passphrase() {
    let (cap, truth) = simulate("wrong-psk", 1);
    let client_pass = truth
        .clients
        .iter()
        .find_map(|c| c.passphrase.clone())
        .unwrap();
    let mut keys = keys_of(&truth);
    keys.candidates
        .push((Passphrase::new("an old passphrase from 2019").unwrap(), 1));
    keys.candidates
        .push((Passphrase::new(&client_pass).unwrap(), 2));
    let report = analyze(cap, keys);
    let f = report
        .findings
        .iter()
        .find(|f| f.code == "wrong-psk")
        .unwrap();
    assert!(
        f.summary.contains("candidate passphrase #2 (line 2"),
        "{}",
        f.summary
    );
    assert_eq!(f.blame, "config");
}
