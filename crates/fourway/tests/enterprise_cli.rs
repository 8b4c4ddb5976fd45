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
