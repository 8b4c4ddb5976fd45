//! `fourway analyze` with 802.1X key sources as a user meets them: usage errors that name
//! the argument, the file and the line; and the simulator's 802.1X scenarios analyzed from
//! their wired RADIUS capture.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_fourway");
const CAPS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/captures/");

fn tmp(name: &str, bytes: &[u8]) -> String {
    let p = std::env::temp_dir().join(format!("fourway-ent-{}-{name}", std::process::id()));
    std::fs::write(&p, bytes).unwrap();
    p.display().to_string()
}

fn fourway(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn usage_errors_name_the_argument_file_and_line() {
    let cap = format!("{CAPS}wpa-eap-tls.pcap");
    // --radius without a secret or key log.
    let (code, _, err) = fourway(&["analyze", &cap, "--radius", &cap]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--radius") && err.contains("--radius-secret"),
        "{err}"
    );
    // A RADIUS capture that does not exist.
    let (code, _, err) = fourway(&[
        "analyze",
        &cap,
        "--radius",
        "/nonexistent/wired.pcapng",
        "--radius-secret",
        "s",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("/nonexistent/wired.pcapng"), "{err}");
    // A key log line with a bad secret.
    let log = tmp(
        "bad.keylog",
        format!("# ok\nCLIENT_RANDOM {} 1234\n", "ab".repeat(32)).as_bytes(),
    );
    let (code, _, err) = fourway(&["analyze", &cap, "--tls-keylog", &log]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&log) && err.contains("line 2") && err.contains("48 octets"),
        "{err}"
    );
    // A secrets file with a bad address.
    let secrets = tmp("secrets.txt", b"10.0.0.2 good\nnot-an-ip secret\n");
    let (code, _, err) = fourway(&["analyze", &cap, "--radius-secrets", &secrets]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&secrets) && err.contains("line 2"), "{err}");
    let (code, _, err) = fourway(&[
        "analyze",
        &cap,
        "--radius-secret",
        "s",
        "--radius-port",
        "http",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--radius-port"), "{err}");
}

#[test]
fn an_8021x_client_without_a_pmk_is_told_what_would_give_it() {
    // Wireshark's EAP-TLS sample: no key given.
    let cap = format!("{CAPS}wpa-eap-tls.pcap");
    let (_, out, err) = fourway(&["analyze", &cap, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    let hint = v["clients"][0]["pmk_hint"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        hint.contains("--radius") && hint.contains("--tls-keylog"),
        "{hint}"
    );
    // With the key log option but no matching session: the report says the session was seen
    // and is not in the log.
    let log = tmp(
        "other.keylog",
        format!("CLIENT_RANDOM {} {}\n", "ab".repeat(32), "cd".repeat(48)).as_bytes(),
    );
    let (_, out, _) = fourway(&["analyze", &cap, "--json", "--tls-keylog", &log]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let e = &v["enterprise"];
    assert_eq!(e["tls_conversations"], 1, "{e}");
    assert_eq!(e["tls_matched"], 0, "{e}");
    let problems = e["problems"].to_string();
    assert!(problems.contains("not in the TLS key log"), "{problems}");
}

struct Sim {
    air: String,
    wired: String,
    truth: serde_json::Value,
}

/// `fourway simulate --wired` of a scenario (name or TOML file).
fn simulate(scenario: &str, tag: &str) -> Sim {
    let dir = std::env::temp_dir();
    let p = |s: &str| {
        dir.join(format!("fourway-ent-{}-{tag}-{s}", std::process::id()))
            .display()
            .to_string()
    };
    let (air, wired, truth) = (p("air.pcapng"), p("wired.pcapng"), p("truth.json"));
    let (code, _, err) = fourway(&[
        "simulate",
        "--scenario",
        scenario,
        "-o",
        &air,
        "--wired",
        &wired,
        "--truth",
        &truth,
    ]);
    assert_eq!(code, 0, "{err}");
    let truth = serde_json::from_slice(&std::fs::read(&truth).unwrap()).unwrap();
    Sim { air, wired, truth }
}

fn analyze_json(args: &[&str]) -> serde_json::Value {
    let mut a = vec!["analyze", "--json"];
    a.extend(args);
    let (code, out, err) = fourway(&a);
    assert!(code == 0 || code == 1, "{err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"))
}

/// The seed story (`../shared/seeds`, the 92-reply thread) on its real network type:
/// FT-802.1X with the PMK at the AAA server. With the wired RADIUS capture and the secret,
/// fourway derives each client's PMK, verifies the MICs and reproduces the verdict: the MIC
/// is valid, the PMKID list is the problem.
#[test]
fn ft_two_pmkids_8021x_from_the_radius_capture() {
    let s = simulate("ft-two-pmkids-8021x", "ft");
    let secret = s.truth["aaa"][0]["secret"].as_str().unwrap().to_string();
    let r = analyze_json(&[&s.air, "--radius", &s.wired, "--radius-secret", &secret]);
    let bad = s.truth["expected_findings"][0]["sta"].as_str().unwrap();
    let f: Vec<&serde_json::Value> = r["findings"].as_array().unwrap().iter().collect();
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["code"], "ft-pmkid-list");
    assert_eq!(f[0]["sta"], bad);
    assert!(f[0]["summary"]
        .as_str()
        .unwrap()
        .contains("the MIC itself is valid"));
    // The M2 MIC is verified valid, with the PMK from RADIUS.
    let h = r["handshakes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["sta"] == bad)
        .unwrap();
    assert_eq!(h["key_source"], "radius");
    let m2 = h["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["msg"] == "M2")
        .unwrap();
    assert_eq!(m2["mic"], "valid");
    for c in r["clients"].as_array().unwrap() {
        assert_eq!(c["pmk_source"], "radius", "{c}");
        assert!(c["pmk_origin"].as_str().unwrap().contains(&s.wired), "{c}");
    }
    let e = &r["enterprise"];
    assert_eq!(e["msks"], 2);
    assert_eq!(e["clocks"][0]["agree"], true, "{e}");
    // A wrong secret: said, and no MIC verdict drawn.
    let r = analyze_json(&[&s.air, "--radius", &s.wired, "--radius-secret", "not it"]);
    assert_eq!(r["enterprise"]["wrong_secret"], 2);
    for h in r["handshakes"].as_array().unwrap() {
        for m in h["messages"].as_array().unwrap() {
            assert!(m["mic"] == "unverified" || m["mic"] == "absent", "{m}");
        }
    }
    let problems = r["enterprise"]["problems"].to_string();
    assert!(problems.contains("wrong"), "{problems}");
}

/// The RADIUS the simulator writes, read by an independent implementation written from the
/// RFCs (`tests/independent/radius.py`): authenticators verify, the MS-MPPE keys decrypt to
/// the MSKs of the truth file, and fourway recovers the same MSKs (`--show-keys`).
#[test]
fn radius_keys_agree_with_an_independent_implementation() {
    let s = simulate("stale-pmk-8021x", "indep");
    let secret = s.truth["aaa"][0]["secret"].as_str().unwrap().to_string();
    let script = format!("{}/tests/independent/radius.py", env!("CARGO_MANIFEST_DIR"));
    let out = match Command::new("python3")
        .args([&script, &s.wired, &secret])
        .output()
    {
        Ok(o) => o,
        Err(e) => {
            assert!(std::env::var_os("CI").is_none(), "python3 is needed: {e}");
            return;
        }
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let indep: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let sessions = s.truth["eap_sessions"].as_array().unwrap();
    assert_eq!(indep.len(), sessions.len());
    let r = analyze_json(&[
        &s.air,
        "--radius",
        &s.wired,
        "--radius-secret",
        &secret,
        "--show-keys",
    ]);
    let ours = r["enterprise"]["sessions"].as_array().unwrap();
    for (i, t) in sessions.iter().enumerate() {
        assert_eq!(indep[i]["response_ok"], true);
        assert_eq!(indep[i]["message_ok"], true);
        assert_eq!(indep[i]["msk"], t["msk"], "session {i}");
        let sta = t["sta"].as_str().unwrap().replace(':', "-").to_uppercase();
        assert_eq!(indep[i]["calling"], sta.as_str());
        assert_eq!(ours[i]["msk"], t["msk"], "session {i}");
        assert_eq!(ours[i]["sta"], t["sta"]);
    }
    // And the stale PMK of the re-authenticated client is proven.
    let stale: Vec<&serde_json::Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "stale-pmk")
        .collect();
    assert_eq!(stale.len(), 1, "{}", r["findings"]);
    assert_eq!(stale[0]["blame"], "client");
}

/// A RADIUS capture taken on a server whose clock is two hours behind: the handshakes are
/// still keyed (sessions are matched by client and key), and the report says by how much
/// the clocks disagree.
#[test]
fn clocks_that_disagree_are_reported_with_the_offset() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../rsn-sim/scenarios/stale-pmk-8021x.toml"
    ))
    .unwrap()
    .replace(
        "aaa = { secret = \"radius shared secret\" }",
        "aaa = { secret = \"radius shared secret\", clock_offset_ms = -7200000 }",
    );
    let toml = tmp("skewed.toml", text.as_bytes());
    let s = simulate(&toml, "skew");
    let r = analyze_json(&[
        &s.air,
        "--radius",
        &s.wired,
        "--radius-secret",
        "radius shared secret",
    ]);
    for c in r["clients"].as_array().unwrap() {
        assert_eq!(c["pmk_source"], "radius", "{c}");
    }
    let clock = &r["enterprise"]["clocks"][0];
    assert_eq!(clock["agree"], false, "{clock}");
    let d = clock["delay_ms_median"].as_f64().unwrap();
    assert!((d - 7_200_000.0).abs() < 1_000.0, "{clock}");
    assert!(
        clock["note"].as_str().unwrap().contains("behind"),
        "{clock}"
    );
    // The stale PMK is still proven across the skew.
    assert!(
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "stale-pmk"),
        "{}",
        r["findings"]
    );
}

#[test]
fn wired_needs_a_scenario_with_an_aaa_server() {
    let (code, _, err) = fourway(&[
        "simulate",
        "--scenario",
        "clean",
        "--wired",
        "/tmp/x.pcapng",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--wired") && err.contains("clean") && err.contains("AAA"),
        "{err}"
    );
}

#[test]
fn decrypt_takes_its_keys_from_radius_too() {
    let s = simulate("ft-two-pmkids-8021x", "dec");
    let out =
        std::env::temp_dir().join(format!("fourway-ent-{}-dec-out.pcapng", std::process::id()));
    let out_s = out.display().to_string();
    let (code, _, err) = fourway(&[
        "decrypt",
        &s.air,
        "-o",
        &out_s,
        "--radius",
        &s.wired,
        "--radius-secret",
        "radius shared secret",
    ]);
    assert_eq!(code, 0, "{err}");
    // The decrypted capture has no protected frames left among those the truth calls
    // decryptable: fourway analyze without keys sees them in the clear.
    let r = analyze_json(&[&out_s]);
    let want = s.truth["decryptable_frames"].as_u64().unwrap();
    let protected = r["summary"]["protected_frames"].as_u64().unwrap();
    let before = analyze_json(&[&s.air]);
    assert_eq!(
        before["summary"]["protected_frames"].as_u64().unwrap() - protected,
        want,
        "{err}"
    );
    let _ = std::fs::remove_file(&out);
}

#[test]
fn the_html_report_shows_where_each_pmk_came_from() {
    let s = simulate("stale-pmk-8021x", "html");
    let html = std::env::temp_dir().join(format!("fourway-ent-{}-r.html", std::process::id()));
    let html_s = html.display().to_string();
    let (code, _, err) = fourway(&[
        "analyze",
        &s.air,
        "--radius",
        &s.wired,
        "--radius-secret",
        "radius shared secret",
        "--quiet",
        "--html",
        &html_s,
    ]);
    assert_eq!(code, 1, "stale-pmk is major: {err}");
    let h = std::fs::read_to_string(&html).unwrap();
    assert!(
        h.contains("<section id=\"enterprise\">"),
        "no 802.1X section"
    );
    assert!(
        h.contains("PMK from RADIUS Access-Accept at frame"),
        "no PMK origin"
    );
    assert!(h.contains("stale-pmk"));
    for e in s.truth["eap_sessions"].as_array().unwrap() {
        assert!(
            !h.contains(e["msk"].as_str().unwrap()),
            "an MSK leaked into the HTML"
        );
    }
    let _ = std::fs::remove_file(&html);
}

#[test]
fn the_shipped_8021x_example_regenerates_byte_identically() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/");
    let s = simulate("ft-two-pmkids-8021x", "example");
    for (ours, shipped) in [
        (&s.air, "ft-two-pmkids-8021x.pcapng"),
        (&s.wired, "ft-two-pmkids-8021x-wired.pcapng"),
    ] {
        assert!(
            std::fs::read(ours).unwrap() == std::fs::read(format!("{dir}{shipped}")).unwrap(),
            "{shipped} differs from `fourway simulate`"
        );
    }
}
