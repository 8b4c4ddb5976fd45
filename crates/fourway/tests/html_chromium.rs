//! The HTML report in a real browser: headless Chromium renders the report of every simulator
//! scenario; the DOM after the script ran must hold every handshake message and finding with
//! the right frame numbers and classes, and no script error may occur. Screenshots go to
//! `$FOURWAY_SCREENSHOTS` (default: a temporary directory); with `FOURWAY_UPDATE_DOCS=1` the
//! ft-two-pmkids screenshot is copied to `docs/report-ft-two-pmkids.png`.
//!
//! Chromium: `$FOURWAY_CHROMIUM`, else `chromium` / `chromium-browser` / `google-chrome` on
//! the PATH. Missing, the tests are skipped with a message, unless `CI=true` (then they fail).

mod html_common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use html_common::{analyze, check_structure, simulate, tags, tempdir, BIN};

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("FOURWAY_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for name in [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ] {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

fn chromium_or_skip(test: &str) -> Option<PathBuf> {
    match chromium() {
        Some(p) => Some(p),
        None if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("{test}: chromium not found and CI=true (.ci/run installs it)")
        }
        None => {
            eprintln!("{test}: SKIPPED: chromium not found (apt-get install chromium)");
            None
        }
    }
}

struct Run {
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

/// One headless Chromium run on `url` with `extra` flags (a fresh profile each time).
fn chrome(bin: &Path, profile: &Path, url: &str, extra: &[String]) -> Run {
    let _ = std::fs::remove_dir_all(profile);
    let start = Instant::now();
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    // Read both pipes on threads; kill a browser that hangs.
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let t1 = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut so, &mut s);
        s
    });
    let t2 = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut se, &mut s);
        s
    });
    let deadline = start + Duration::from_secs(120);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s on {url}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let elapsed = start.elapsed();
    Run {
        stdout: t1.join().unwrap(),
        stderr: t2.join().unwrap(),
        elapsed,
    }
}

fn url(p: &Path) -> String {
    format!("file://{}", p.canonicalize().unwrap().display())
}

/// The DOM after the script ran, checked for script errors.
fn dump_dom(bin: &Path, profile: &Path, page: &str) -> (String, Run) {
    let run = chrome(bin, profile, page, &["--dump-dom".into()]);
    let dom = run.stdout.clone();
    assert!(
        dom.contains("</html>"),
        "no DOM dumped for {page}:\n{}",
        run.stderr
    );
    let body = tags(&dom, "body");
    assert_eq!(
        body.first().and_then(|b| b.attr("data-ready")),
        Some("1"),
        "{page}: the report's script did not finish"
    );
    let errs = tags(&dom, "div")
        .into_iter()
        .find(|d| d.attr("id") == Some("js-errors"))
        .expect("js-errors node");
    assert_eq!(
        errs.attr("data-errors"),
        Some("0"),
        "{page}: script errors:\n{dom}"
    );
    for line in run.stderr.lines() {
        assert!(
            !line.contains("Uncaught") && !line.contains(":CONSOLE("),
            "{page}: console message: {line}"
        );
    }
    (dom, run)
}

fn screenshots_dir() -> PathBuf {
    match std::env::var_os("FOURWAY_SCREENSHOTS") {
        Some(d) => {
            std::fs::create_dir_all(&d).unwrap();
            PathBuf::from(d)
        }
        None => tempdir("screenshots"),
    }
}

#[test]
fn every_scenario_renders_in_chromium() {
    let Some(bin) = chromium_or_skip("every_scenario_renders_in_chromium") else {
        return;
    };
    let dir = tempdir("chromium-scenarios");
    let shots = screenshots_dir();
    let list = Command::new(BIN)
        .args(["simulate", "--list"])
        .output()
        .unwrap();
    let list = String::from_utf8(list.stdout).unwrap();
    let names: Vec<&str> = list
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(names.len() >= 10, "{list}");
    assert!(names.contains(&"ft-two-pmkids"));
    for name in &names {
        let (cap, keys) = simulate(&dir, name, &[]);
        let html = dir.join(format!("{name}.html"));
        let (report, _) = analyze(&cap, &keys, &html);
        let (dom, run) = dump_dom(&bin, &dir.join("profile"), &url(&html));
        check_structure(name, &dom, &report);
        let shot = shots.join(format!("report-{name}.png"));
        let _ = std::fs::remove_file(&shot);
        let r = chrome(
            &bin,
            &dir.join("profile"),
            &url(&html),
            &[
                format!("--screenshot={}", shot.display()),
                "--window-size=1280,900".into(),
            ],
        );
        assert!(shot.is_file(), "{name}: no screenshot\n{}", r.stderr);
        eprintln!(
            "{name}: {} messages, {} findings, DOM in {:?}; screenshot {}",
            report["handshakes"]
                .as_array()
                .map(|h| h
                    .iter()
                    .map(|x| x["messages"].as_array().map_or(0, Vec::len))
                    .sum::<usize>())
                .unwrap_or(0),
            report["findings"].as_array().map_or(0, Vec::len),
            run.elapsed,
            shot.display()
        );
        if *name == "ft-two-pmkids" {
            // The story the screenshot in docs/ tells: the verdict and the rejected M2.
            let gs = tags(&dom, "g");
            assert!(
                gs.iter().any(|g| g.has_class("M2")
                    && g.has_class("rejected")
                    && g.has_class("has-finding")),
                "ft-two-pmkids: no rejected M2 with its finding"
            );
            assert!(dom.contains("ft-pmkid-list"));
            if std::env::var("FOURWAY_UPDATE_DOCS").as_deref() == Ok("1") {
                let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs");
                std::fs::create_dir_all(&docs).unwrap();
                std::fs::copy(&shot, docs.join("report-ft-two-pmkids.png")).unwrap();
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn filters_from_the_url_hide_other_clients() {
    let Some(bin) = chromium_or_skip("filters_from_the_url_hide_other_clients") else {
        return;
    };
    let dir = tempdir("chromium-filter");
    let (cap, keys) = simulate(&dir, "capture-loss", &[]);
    let html = dir.join("r.html");
    let (report, _) = analyze(&cap, &keys, &html);
    let stas: Vec<&str> = report["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["sta"].as_str().unwrap())
        .collect();
    assert!(stas.len() >= 2, "capture-loss has two clients");
    let page = format!(
        "{}#client={}&sev=critical,major,minor,info",
        url(&html),
        stas[0]
    );
    let (dom, _) = dump_dom(&bin, &dir.join("profile"), &page);
    for t in tags(&dom, "article").iter().chain(tags(&dom, "li").iter()) {
        if t.has_class("client") || t.has_class("finding") || t.has_class("verdict") {
            let hidden = t.attrs.contains_key("hidden");
            assert_eq!(
                hidden,
                t.attr("data-sta") != Some(stas[0]),
                "filter by client: {:?}",
                t.attrs
            );
        }
    }
    // Severity filter: only critical.
    let page = format!("{}#sev=critical", url(&html));
    let (dom, _) = dump_dom(&bin, &dir.join("profile"), &page);
    for t in tags(&dom, "li").iter().filter(|t| t.has_class("finding")) {
        assert_eq!(t.attrs.contains_key("hidden"), !t.has_class("sev-critical"));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The report of a 1,000-client capture: the time Chromium takes to open it (printed, not
/// asserted: it goes to BENCHMARKS.md).
#[test]
fn thousand_client_report_load_time() {
    let Some(bin) = chromium_or_skip("thousand_client_report_load_time") else {
        return;
    };
    let dir = tempdir("chromium-1000");
    let (cap, keys) = simulate(&dir, "clean", &["--clients", "1000"]);
    let html = dir.join("r.html");
    let t = Instant::now();
    let (report, _) = analyze(&cap, &keys, &html);
    let analyze_time = t.elapsed();
    let clients = report["clients"].as_array().unwrap().len();
    assert!(clients >= 1000, "{clients} clients");
    let size = std::fs::metadata(&html).unwrap().len();
    let blank = chrome(
        &bin,
        &dir.join("profile"),
        "about:blank",
        &["--dump-dom".into()],
    );
    let (dom, run) = dump_dom(&bin, &dir.join("profile"), &url(&html));
    let load_ms = tags(&dom, "body")
        .first()
        .and_then(|b| b.attr("data-load-ms").map(str::to_string))
        .unwrap_or_else(|| "?".into());
    let arrows = tags(&dom, "g")
        .iter()
        .filter(|g| g.has_class("msg"))
        .count();
    eprintln!(
        "1000-client report: {clients} clients, {arrows} arrows, {} KiB HTML (analyze x2 {:?}); \
         Chromium: load event with layout at {load_ms} ms (data-load-ms); whole headless \
         --dump-dom run {:?} (about:blank {:?})",
        size / 1024,
        analyze_time,
        run.elapsed,
        blank.elapsed
    );
    let _ = std::fs::remove_dir_all(&dir);
}
