//! Shared by the HTML tests: a tolerant tag/attribute scanner (works on fourway's output and
//! on Chromium's `--dump-dom` serialization) and the structural check of a report's HTML
//! against its JSON.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

pub const BIN: &str = env!("CARGO_BIN_EXE_fourway");

/// One start tag: its name and attributes (unescaped).
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub attrs: HashMap<String, String>,
}

impl Tag {
    pub fn attr(&self, k: &str) -> Option<&str> {
        self.attrs.get(k).map(String::as_str)
    }
    pub fn classes(&self) -> Vec<&str> {
        self.attr("class")
            .map(|c| c.split_whitespace().collect())
            .unwrap_or_default()
    }
    pub fn has_class(&self, c: &str) -> bool {
        self.classes().contains(&c)
    }
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// Every start tag named `name` in `html`.
pub fn tags(html: &str, name: &str) -> Vec<Tag> {
    let open = format!("<{name} ");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        rest = &rest[i + open.len()..];
        let mut attrs = HashMap::new();
        let mut s = rest;
        loop {
            s = s.trim_start();
            if s.starts_with('>') || s.starts_with("/>") || s.is_empty() {
                break;
            }
            let end = s
                .find(|c: char| c == '=' || c == '>' || c.is_whitespace())
                .unwrap_or(s.len());
            let key = s[..end].to_string();
            s = &s[end..];
            if let Some(r) = s.strip_prefix("=\"") {
                let close = r.find('"').unwrap_or(r.len());
                attrs.insert(key, unescape(&r[..close]));
                s = &r[(close + 1).min(r.len())..];
            } else {
                attrs.insert(key, String::new());
            }
        }
        out.push(Tag {
            name: name.to_string(),
            attrs,
        });
    }
    out
}

/// Checks that every handshake message, inferred message and finding of `report` (the
/// `--json` output) appears in `html` with the right frame numbers and classes.
pub fn check_structure(what: &str, html: &str, report: &serde_json::Value) {
    let gs = tags(html, "g");
    // (handshake index, frame) -> arrow
    let mut arrows: BTreeMap<(u64, String), &Tag> = BTreeMap::new();
    let mut inferred: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    for g in gs.iter().filter(|g| g.has_class("msg")) {
        let hs: u64 = g.attr("data-hs").unwrap_or("").parse().expect("data-hs");
        if g.has_class("inferred") {
            assert_eq!(
                g.attr("data-frame"),
                Some(""),
                "{what}: inferred arrow has a frame"
            );
            let c = g.classes();
            inferred.entry(hs).or_default().push(c[1].to_string());
        } else {
            let frame = g.attr("data-frame").expect("data-frame").to_string();
            arrows.insert((hs, frame), g);
        }
    }
    let mut n_msgs = 0;
    for (hi, h) in report["handshakes"].as_array().unwrap().iter().enumerate() {
        for m in h["messages"].as_array().unwrap() {
            n_msgs += 1;
            let frame = m["frame"].as_u64().unwrap().to_string();
            let g = arrows
                .get(&(hi as u64, frame.clone()))
                .unwrap_or_else(|| panic!("{what}: no arrow for handshake {hi} frame {frame}"));
            let msg = m["msg"].as_str().unwrap();
            let mic = m["mic"].as_str().unwrap();
            assert!(g.has_class(msg), "{what}: frame {frame} lacks class {msg}");
            assert!(
                g.has_class(&format!("mic-{mic}")),
                "{what}: frame {frame} lacks class mic-{mic}: {:?}",
                g.classes()
            );
            assert_eq!(
                g.has_class("retrans"),
                m["retransmission"].as_bool().unwrap(),
                "{what}: frame {frame} retrans class"
            );
            assert_eq!(
                g.has_class("encrypted"),
                m["encrypted"].as_bool().unwrap(),
                "{what}: frame {frame} encrypted class"
            );
            assert_eq!(g.attr("data-sta"), h["sta"].as_str(), "{what}: {frame} sta");
            assert_eq!(g.attr("data-ap"), h["ap"].as_str(), "{what}: {frame} ap");
            if h["outcome"] == "completed" {
                assert!(
                    !g.has_class("rejected"),
                    "{what}: {frame} rejected in a completed exchange"
                );
            }
        }
        let want: Vec<String> = h["inferred"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect();
        let mut got = inferred.get(&(hi as u64)).cloned().unwrap_or_default();
        got.sort();
        let mut want = want;
        want.sort();
        assert_eq!(got, want, "{what}: inferred messages of handshake {hi}");
    }
    assert_eq!(arrows.len(), n_msgs, "{what}: one arrow per message");
    let lis = tags(html, "li");
    let findings: Vec<&Tag> = lis.iter().filter(|t| t.has_class("finding")).collect();
    let fs = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), fs.len(), "{what}: one <li> per finding");
    for (k, f) in fs.iter().enumerate() {
        let id = format!("finding-{k}");
        let li = findings
            .iter()
            .find(|t| t.attr("id") == Some(id.as_str()))
            .unwrap_or_else(|| panic!("{what}: no {id}"));
        assert_eq!(
            li.attr("data-code"),
            f["code"].as_str(),
            "{what}: {id} code"
        );
        let sev = f["severity"].as_str().unwrap();
        assert!(li.has_class(&format!("sev-{sev}")), "{what}: {id} severity");
        let frames: Vec<String> = f["frames"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_u64().unwrap().to_string())
            .collect();
        assert_eq!(
            li.attr("data-frames"),
            Some(frames.join(" ").as_str()),
            "{what}: {id} frames"
        );
    }
    // Every frame link points at an element that exists.
    for a in tags(html, "a").iter().filter(|a| a.has_class("frame-link")) {
        let href = a.attr("href").unwrap();
        let id = format!("id=\"{}\"", &href[1..]);
        assert!(html.contains(&id), "{what}: dangling link {href}");
    }
    // One verdict per client, worst first.
    let verdicts = lis.iter().filter(|t| t.has_class("verdict")).count();
    assert_eq!(
        verdicts,
        report["verdicts"].as_array().unwrap().len(),
        "{what}: verdicts"
    );
}

/// Run `fourway analyze` on `cap` with `keys`: (JSON report, HTML file contents).
/// The capture is named by its file name (run from its directory), as a user would.
pub fn analyze(cap: &Path, keys: &[String], html: &Path) -> (serde_json::Value, String) {
    let dir = cap.parent().unwrap_or(Path::new("."));
    let cap = Path::new(cap.file_name().unwrap());
    let html = &std::path::absolute(html).unwrap();
    let json = Command::new(BIN)
        .current_dir(dir)
        .arg("analyze")
        .arg(cap)
        .args(keys)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        json.status.code().unwrap_or(9) <= 1,
        "{}",
        String::from_utf8_lossy(&json.stderr)
    );
    let out = Command::new(BIN)
        .current_dir(dir)
        .arg("analyze")
        .arg(cap)
        .args(keys)
        .args(["--quiet", "--html"])
        .arg(html)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        json.status.code(),
        "same exit code with --html --quiet"
    );
    assert!(out.stdout.is_empty(), "--quiet printed on stdout");
    (
        serde_json::from_slice(&json.stdout).unwrap(),
        std::fs::read_to_string(html).unwrap(),
    )
}

/// Simulate a shipped scenario: (capture path, key arguments for analyze).
pub fn simulate(dir: &Path, name: &str, extra: &[&str]) -> (PathBuf, Vec<String>) {
    let cap = dir.join(format!("{name}.pcapng"));
    let truth = dir.join(format!("{name}.json"));
    let wired = dir.join(format!("{name}-wired.pcapng"));
    // 802.1X scenarios with an AAA server: the wired side too, and its keys from RADIUS.
    let aaa = rsn_sim::builtin(name)
        .and_then(|b| rsn_sim::Scenario::from_toml(b.toml).ok())
        .is_some_and(|s| s.networks.iter().any(|n| n.aaa.is_some()));
    let mut cmd = Command::new(BIN);
    cmd.args(["simulate", "--scenario", name, "-o"])
        .arg(&cap)
        .arg("--truth")
        .arg(&truth)
        .args(extra);
    if aaa {
        cmd.arg("--wired").arg(&wired);
    }
    let st = cmd.output().unwrap();
    assert!(
        st.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&st.stderr)
    );
    let truth: serde_json::Value = serde_json::from_slice(&std::fs::read(&truth).unwrap()).unwrap();
    let mut keys = Vec::new();
    for net in truth["networks"].as_array().unwrap() {
        if let Some(p) = net["passphrase"].as_str() {
            keys.extend(["--passphrase".into(), p.into(), "--ssid".into()]);
            keys.push(net["ssid"].as_str().unwrap().into());
        }
        if let Some(p) = net["pmk"].as_str() {
            keys.extend(["--pmk".into(), p.into()]);
        }
    }
    for a in truth["aaa"].as_array().into_iter().flatten() {
        keys.extend(["--radius".into(), wired.display().to_string()]);
        keys.extend([
            "--radius-secret".into(),
            a["secret"].as_str().unwrap().into(),
        ]);
    }
    (cap, keys)
}

/// A fresh temporary directory for one test.
pub fn tempdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("fourway-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}
