//! How the CLI fails: a directory instead of a file, a full disk while writing `decrypt`
//! output (no partial file left), a broken pipe (quiet), Ctrl-C (partial report, exit 130).

use std::io::{Read, Write};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_fourway");
const CAP: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/data/captures/wpa-Induction.pcap"
);

fn tmpdir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("fourway-fail-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn a_directory_is_a_clear_error() {
    let d = tmpdir("dir");
    let out = Command::new(BIN).arg("analyze").arg(&d).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&d.display().to_string()), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn a_full_disk_leaves_no_partial_output() {
    // /dev/full: every write fails with ENOSPC; the device itself must survive.
    let out = Command::new(BIN)
        .args([
            "decrypt",
            CAP,
            "-o",
            "/dev/full",
            "--passphrase",
            "Induction",
            "--ssid",
            "Coherer",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("/dev/full") && err.to_lowercase().contains("space"),
        "{err}"
    );
    assert!(std::path::Path::new("/dev/full").exists());
    // A regular file that cannot grow (RLIMIT_FSIZE, SIGXFSZ ignored so write fails with
    // EFBIG): the error is reported and no partial capture is left behind.
    let d = tmpdir("fsize");
    let dest = d.join("plain.pcapng");
    let script = format!(
        "trap '' XFSZ; ulimit -f 16; exec '{BIN}' decrypt '{CAP}' -o '{}' --passphrase Induction --ssid Coherer",
        dest.display()
    );
    let out = Command::new("sh").args(["-c", &script]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("plain.pcapng"));
    let left: Vec<_> = std::fs::read_dir(&d).unwrap().collect();
    assert!(left.is_empty(), "partial files left: {left:?}");
    // And without the limit the same command succeeds.
    let out = Command::new(BIN)
        .args(["decrypt", CAP, "-o"])
        .arg(&dest)
        .args(["--passphrase", "Induction", "--ssid", "Coherer"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read_dir(&d).unwrap().count(), 1);
}

#[test]
fn a_broken_pipe_is_quiet() {
    // A report far larger than a pipe buffer, so the writer really meets EPIPE.
    let d = tmpdir("pipe");
    let cap = d.join("many.pcapng");
    let truth = d.join("many.json");
    let st = Command::new(BIN)
        .args(["simulate", "--scenario", "clean", "--clients", "300", "-o"])
        .arg(&cap)
        .arg("--truth")
        .arg(&truth)
        .output()
        .unwrap();
    assert!(st.status.success());
    let t: serde_json::Value = serde_json::from_slice(&std::fs::read(&truth).unwrap()).unwrap();
    let (pass, ssid) = (
        t["networks"][0]["passphrase"].as_str().unwrap(),
        t["networks"][0]["ssid"].as_str().unwrap(),
    );
    let full = Command::new(BIN)
        .arg("analyze")
        .arg(&cap)
        .args(["--passphrase", pass, "--ssid", ssid, "--json"])
        .output()
        .unwrap();
    assert!(
        full.stdout.len() > 256 * 1024,
        "report only {} bytes",
        full.stdout.len()
    );
    let mut child = Command::new(BIN)
        .arg("analyze")
        .arg(&cap)
        .args(["--passphrase", pass, "--ssid", ssid, "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{:?}",
        out.status
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn ctrl_c_prints_a_partial_report_and_exits_130() {
    let bytes = std::fs::read(CAP).unwrap();
    let mut child = Command::new(BIN)
        .args([
            "analyze",
            "-",
            "--passphrase",
            "Induction",
            "--ssid",
            "Coherer",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&bytes[..bytes.len() / 2]).unwrap();
    stdin.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let st = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    std::thread::sleep(std::time::Duration::from_millis(100));
    let _ = stdin.write_all(&bytes[bytes.len() / 2..]);
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("interrupted"), "{text}");
    // Partial: fewer frames than the capture holds (1093).
    // The summary line ("-: N frames, ..."), after the verdicts.
    let frames: u64 = text
        .lines()
        .find(|l| l.contains(" frames, "))
        .and_then(|l| l.split(": ").nth(1))
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(frames > 0 && frames < 1093, "{text}");
}
