//! Secrets never leak: for every simulator scenario, no key (PMK, KCK, KEK, TK, GTK, MSK) nor
//! the passphrase or RADIUS secret appears in any output format unless `--show-keys` is given — and with it the
//! keys do appear, so the search itself is shown to work.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_fourway");

fn run(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn no_key_in_any_output_without_show_keys() {
    let list = run(&["simulate", "--list"]);
    let html_supported = run(&["analyze", "--help"]).contains("--html");
    let dir = std::env::temp_dir();
    let mut checked = 0;
    for name in list.lines().filter_map(|l| l.split_whitespace().next()) {
        let cap = dir.join(format!(
            "fourway-secrets-{}-{name}.pcapng",
            std::process::id()
        ));
        let truth = dir.join(format!(
            "fourway-secrets-{}-{name}.json",
            std::process::id()
        ));
        let (cap_s, truth_s) = (cap.display().to_string(), truth.display().to_string());
        let wired = dir.join(format!(
            "fourway-secrets-{}-{name}-wired.pcapng",
            std::process::id()
        ));
        let wired_s = wired.display().to_string();
        run(&["simulate", "--scenario", name, "--truth", &truth_s]);
        let t: serde_json::Value = serde_json::from_slice(&std::fs::read(&truth).unwrap()).unwrap();
        let has_aaa = t["aaa"].as_array().is_some_and(|a| !a.is_empty());
        let mut sim: Vec<&str> = vec!["simulate", "--scenario", name, "-o", &cap_s];
        if has_aaa {
            sim.extend(["--wired", &wired_s]);
        }
        run(&sim);
        let mut keyargs: Vec<String> = Vec::new();
        let mut secrets: Vec<String> = Vec::new();
        // 802.1X with an AAA server: the PMKs come from the RADIUS capture; the RADIUS secret
        // and every MSK are secrets too.
        for a in t["aaa"].as_array().into_iter().flatten() {
            let secret = a["secret"].as_str().unwrap();
            keyargs.extend([
                "--radius".into(),
                wired_s.clone(),
                "--radius-secret".into(),
                secret.into(),
            ]);
            secrets.push(secret.to_string());
        }
        for e in t["eap_sessions"].as_array().into_iter().flatten() {
            let msk = e["msk"].as_str().unwrap();
            secrets.push(msk.to_string());
            // Each half alone too (the MS-MPPE keys).
            secrets.push(msk[..64].to_string());
            secrets.push(msk[64..].to_string());
        }
        for n in t["networks"].as_array().unwrap() {
            if let Some(p) = n["passphrase"].as_str() {
                keyargs.extend([
                    "--passphrase".into(),
                    p.into(),
                    "--ssid".into(),
                    n["ssid"].as_str().unwrap().into(),
                ]);
                secrets.push(p.to_string());
            }
            if let Some(p) = n["pmk"].as_str() {
                keyargs.extend(["--pmk".into(), p.into()]);
                secrets.push(p.to_string());
            }
        }
        for c in t["clients"].as_array().unwrap() {
            if let Some(p) = c["passphrase"].as_str() {
                secrets.push(p.to_string());
            }
        }
        let with = |extra: &[&str]| {
            let mut a: Vec<&str> = vec!["analyze", &cap_s];
            a.extend(keyargs.iter().map(String::as_str));
            a.extend(extra);
            run(&a)
        };
        // The derived keys, as --show-keys reveals them.
        let shown: serde_json::Value =
            serde_json::from_str(&with(&["--json", "--show-keys"])).unwrap();
        for h in shown["handshakes"].as_array().unwrap() {
            if let Some(k) = h.get("keys") {
                for f in ["pmk", "kck", "kek", "tk"] {
                    secrets.push(k[f].as_str().unwrap().to_string());
                }
            }
        }
        for n in shown["networks"].as_array().unwrap() {
            for g in n["gtks"].as_array().into_iter().flatten() {
                secrets.push(g[1].as_str().unwrap().to_string());
            }
        }
        if has_aaa {
            // --show-keys shows the MSKs of the EAP sessions.
            let msks: Vec<&str> = shown["enterprise"]["sessions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x["msk"].as_str().unwrap())
                .collect();
            for e in t["eap_sessions"].as_array().unwrap() {
                assert!(
                    msks.contains(&e["msk"].as_str().unwrap()),
                    "{name}: MSK not shown"
                );
            }
        }
        let mut outputs = vec![("text", with(&[])), ("json", with(&["--json"]))];
        if html_supported {
            let html = dir.join(format!(
                "fourway-secrets-{}-{name}.html",
                std::process::id()
            ));
            with(&["--quiet", "--html", &html.display().to_string()]);
            outputs.push(("html", std::fs::read_to_string(&html).unwrap()));
            let _ = std::fs::remove_file(&html);
        }
        for (fmt, text) in &outputs {
            let lower = text.to_lowercase();
            for s in &secrets {
                assert!(
                    !lower.contains(&s.to_lowercase()),
                    "{name}: a secret appears in the {fmt} output"
                );
            }
        }
        // And --show-keys does show them (the search can find what it looks for).
        let text = with(&["--show-keys"]);
        if let Some(tk) = shown["handshakes"]
            .as_array()
            .unwrap()
            .iter()
            .find_map(|h| h.get("keys"))
        {
            assert!(
                text.contains(tk["tk"].as_str().unwrap()),
                "{name}: --show-keys text lacks the TK"
            );
            checked += 1;
        }
        let _ = std::fs::remove_file(&cap);
        let _ = std::fs::remove_file(&truth);
        let _ = std::fs::remove_file(&wired);
    }
    assert!(
        checked >= 10,
        "only {checked} scenarios had keys to look for"
    );
}
