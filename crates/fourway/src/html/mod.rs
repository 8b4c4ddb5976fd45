//! The HTML report: one self-contained file (inline CSS, JS and SVG; no network access).
//!
//! # DOM hooks (a contract for tests and scripts)
//!
//! Classes and attributes below may be *added to*, never renamed or removed:
//!
//! * `<body data-ready="1">` once the script ran; `<div id="js-errors" data-errors="N">` holds
//!   every script error (`window.onerror`), empty when none.
//! * `<body data-load-ms="N">` after the load event: milliseconds from navigation start to a
//!   laid-out page (for benchmarks).
//! * Verdicts: `<li class="verdict sev-SEVERITY" data-sta="MAC" data-ap="MAC">` in `#verdicts`,
//!   worst first.
//! * Networks: `<tr class="network" data-bssid="MAC">` in `#networks`.
//! * Clients: `<article class="client sev-SEVERITY" id="c-N" data-sta="MAC" data-ap="MAC">`.
//! * Ladder arrows (in `<svg class="ladder">`): `<g class="msg M2 mic-invalid …" data-frame="N"
//!   data-sta="MAC" data-ap="MAC" data-hs="I" id="f-N">` for every EAPOL-Key message of the
//!   report (`I` indexes the report's `handshakes`); extra classes `retrans`, `encrypted`,
//!   `rejected` (a client message the AP did not accept), `unanswered` (an AP message the client
//!   did not answer), `has-finding`. Messages the sniffer missed but later frames prove are
//!   `<g class="msg M4 inferred" data-frame="" …>` (drawn dashed). Retransmissions are grouped
//!   in `<g class="retrans-group" data-msg="M3" data-count="N">`. Management frames are
//!   `<g class="event KIND" data-frame="N" …>` (KIND: auth, assoc-req, assoc-resp,
//!   reassoc-req, reassoc-resp, deauth, disassoc). A finding attached to an arrow is an
//!   `<a class="badge sev-SEVERITY" href="#finding-K" data-code="CODE">` inside it.
//! * Key timelines: `<svg class="keytl" data-sta data-ap data-window="overview|rekey">` with
//!   `<rect class="keyrun from-ap|from-sta" data-handshake="I" data-first="N" data-last="N"
//!   data-frames="N">`.
//! * Findings: `<li class="finding sev-SEVERITY blame-BLAME" id="finding-K" data-code="CODE"
//!   data-frames="N N" data-sta="MAC" data-ap="MAC">` in `#findings`; each frame is a link
//!   `<a class="frame-link" href="#f-N">` when the frame is drawn in a ladder.
//! * Filters: `<select id="filter-client">` (client MAC, `""` for all) and
//!   `<input type="checkbox" class="filter-sev" value="SEVERITY">`; filtered-out elements get
//!   the `hidden` attribute. The URL fragment presets them: `report.html#client=MAC`,
//!   `#sev=critical,major`, both joined by `&`; `#f-N` highlights frame N.
//!
//! Every string from the capture (SSIDs, reasons) is escaped. The report holds no keys.

mod keytl;
mod ladder;
#[cfg(test)]
mod tests;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::{self, Write as _};
use std::io;

use rsn_analyzer::report::{Client, Finding, Handshake, Report};

pub(crate) use ladder::{answer_state, sender, AnswerState};

const CSS: &str = include_str!("style.css");
const JS: &str = include_str!("app.js");

/// HTML-escapes a string for text and double- or single-quoted attributes; control
/// characters become U+FFFD.
pub(crate) struct E<'a>(pub &'a str);

impl fmt::Display for E<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&#39;")?,
                '\n' | '\t' => f.write_char(c)?,
                c if c.is_control() => f.write_char('\u{fffd}')?,
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

/// Severity rank: 0 = worst.
pub(crate) fn sev_rank(s: &str) -> u8 {
    match s {
        "critical" => 0,
        "major" => 1,
        "minor" => 2,
        "info" => 3,
        _ => 4,
    }
}

/// A CSS class token from a report string (letters, digits and `-` only).
pub(crate) fn token(s: &str) -> String {
    let t: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .take(40)
        .collect();
    if t.is_empty() {
        "unknown".into()
    } else {
        t
    }
}

/// AKM selector → `psk (00-0f-ac:2)`.
pub(crate) fn akm_name(s: &str) -> String {
    match s
        .parse::<rsn_wire::suite::Akm>()
        .ok()
        .and_then(|a| a.name())
    {
        Some(n) => format!("{n} ({s})"),
        None => s.to_string(),
    }
}

/// Cipher selector → `ccmp`.
pub(crate) fn cipher_name(s: &str) -> String {
    match s
        .parse::<rsn_wire::suite::Cipher>()
        .ok()
        .and_then(|a| a.name())
    {
        Some(n) => n.to_string(),
        None => s.to_string(),
    }
}

/// What the client sections and the findings list share.
pub(crate) struct Ctx<'a> {
    pub r: &'a Report,
    /// Findings by (ap, sta): indexes into `r.findings`.
    pub findings_of: HashMap<(&'a str, &'a str), Vec<usize>>,
    /// Handshakes by (ap, sta): indexes into `r.handshakes`.
    pub handshakes_of: HashMap<(&'a str, &'a str), Vec<usize>>,
    /// Frames that got an `id="f-N"` anchor.
    pub anchors: HashSet<u64>,
}

/// Render the report as one HTML document.
pub fn render(w: &mut impl io::Write, name: &str, r: &Report) -> io::Result<()> {
    let mut s = String::with_capacity(64 * 1024 + r.handshakes.len() * 4096);
    document(&mut s, name, r).map_err(|_| io::Error::other("formatting the HTML report"))?;
    w.write_all(s.as_bytes())
}

fn document(s: &mut String, name: &str, r: &Report) -> fmt::Result {
    let mut ctx = Ctx {
        r,
        findings_of: HashMap::new(),
        handshakes_of: HashMap::new(),
        anchors: HashSet::new(),
    };
    for (i, f) in r.findings.iter().enumerate() {
        ctx.findings_of
            .entry((f.ap.as_str(), f.sta.as_str()))
            .or_default()
            .push(i);
    }
    for (i, h) in r.handshakes.iter().enumerate() {
        ctx.handshakes_of
            .entry((h.ap.as_str(), h.sta.as_str()))
            .or_default()
            .push(i);
    }
    writeln!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
         <title>fourway: {}</title>\n<style>\n{CSS}</style>\n</head>\n<body>",
        E(name)
    )?;
    header(s, name, r)?;
    networks(s, r)?;
    verdicts(s, r)?;
    filters(s, r)?;
    clients(s, &mut ctx)?;
    findings(s, &ctx)?;
    enterprise(s, r)?;
    input_problems(s, r)?;
    writeln!(
        s,
        "<footer>fourway {} · keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous finding, \
         <kbd>n</kbd>/<kbd>p</kbd> next/previous client, <kbd>Enter</kbd> on a finding shows its \
         first frame, <kbd>/</kbd> client filter, <kbd>Esc</kbd> clears the highlight</footer>\n\
         <div id=\"js-errors\" data-errors=\"0\" hidden></div>\n<script>\n{JS}</script>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    )
}

fn header(s: &mut String, name: &str, r: &Report) -> fmt::Result {
    let m = &r.summary;
    let h = &m.handshakes;
    let mut by_sev = [0usize; 4];
    for f in &r.findings {
        if let Some(n) = by_sev.get_mut(usize::from(sev_rank(&f.severity))) {
            *n += 1;
        }
    }
    writeln!(
        s,
        "<header id=\"top\">\n<h1>fourway report</h1>\n<p class=\"capture\">capture <code>{}</code></p>",
        E(name)
    )?;
    writeln!(s, "<dl class=\"counts\">")?;
    let counts: [(&str, String); 8] = [
        ("frames", m.frames.to_string()),
        ("protected", m.protected_frames.to_string()),
        ("decrypted", m.decrypted_frames.to_string()),
        ("EAPOL-Key", m.eapol_key_frames.to_string()),
        (
            "handshakes",
            format!(
                "{} ({} completed, {} failed, {} incomplete)",
                h.total, h.completed, h.failed, h.incomplete
            ),
        ),
        ("networks", r.networks.len().to_string()),
        ("clients", r.clients.len().to_string()),
        (
            "findings",
            format!(
                "{} critical, {} major, {} minor, {} info",
                by_sev[0], by_sev[1], by_sev[2], by_sev[3]
            ),
        ),
    ];
    for (k, v) in counts {
        writeln!(
            s,
            "<div class=\"count\" data-count=\"{}\"><dt>{k}</dt><dd>{}</dd></div>",
            token(k),
            E(&v)
        )?;
    }
    writeln!(s, "</dl>")?;
    if m.interrupted {
        writeln!(
            s,
            "<p class=\"note\">Interrupted (Ctrl-C) after {} frames: this report covers only what was read.</p>",
            m.frames
        )?;
    }
    if !m.timing_reliable && m.frames > 0 {
        writeln!(
            s,
            "<p class=\"note\">Timestamps are broken ({} go backwards, {} are zero): timing-based \
             conclusions are unreliable.</p>",
            m.timestamps_backwards, m.timestamps_zero
        )?;
    }
    writeln!(s, "</header>")
}

fn client_index(r: &Report) -> HashMap<(&str, &str), usize> {
    r.clients
        .iter()
        .enumerate()
        .map(|(i, c)| ((c.ap.as_str(), c.sta.as_str()), i))
        .collect()
}

fn verdicts(s: &mut String, r: &Report) -> fmt::Result {
    writeln!(s, "<section id=\"verdicts\">\n<h2>Verdict</h2>")?;
    if r.verdicts.is_empty() {
        writeln!(s, "<p class=\"none\">No client seen.</p>")?;
    }
    let idx = client_index(r);
    writeln!(s, "<ol class=\"verdicts\">")?;
    for v in &r.verdicts {
        let link = match idx.get(&(v.ap.as_str(), v.sta.as_str())) {
            Some(i) => format!("<a href=\"#c-{i}\">client {} @ {}</a>", E(&v.sta), E(&v.ap)),
            None => format!("client {} @ {}", E(&v.sta), E(&v.ap)),
        };
        writeln!(
            s,
            "<li class=\"verdict sev-{sev}\" data-sta=\"{sta}\" data-ap=\"{ap}\">\
             <span class=\"sev\">{sevt}</span> {link}: <span class=\"text\">{text}</span></li>",
            sev = token(&v.severity),
            sevt = E(&v.severity),
            sta = E(&v.sta),
            ap = E(&v.ap),
            text = E(&v.verdict),
        )?;
    }
    writeln!(s, "</ol>\n</section>")
}

fn filters(s: &mut String, r: &Report) -> fmt::Result {
    let stas: BTreeSet<&str> = r
        .clients
        .iter()
        .map(|c| c.sta.as_str())
        .chain(r.findings.iter().map(|f| f.sta.as_str()))
        .collect();
    writeln!(
        s,
        "<nav id=\"filters\" aria-label=\"filters\">\n<label>client \
         <select id=\"filter-client\"><option value=\"\">all clients</option>"
    )?;
    for sta in stas {
        writeln!(s, "<option value=\"{0}\">{0}</option>", E(sta))?;
    }
    writeln!(s, "</select></label>\n<span class=\"sevs\">severity")?;
    for sev in ["critical", "major", "minor", "info"] {
        writeln!(
            s,
            "<label class=\"sev-{sev}\"><input type=\"checkbox\" class=\"filter-sev\" \
             value=\"{sev}\" checked> {sev}</label>"
        )?;
    }
    writeln!(
        s,
        "</span>\n<span id=\"filter-status\" aria-live=\"polite\"></span>\n</nav>"
    )
}

fn networks(s: &mut String, r: &Report) -> fmt::Result {
    writeln!(s, "<section id=\"networks\">\n<h2>Networks</h2>")?;
    if r.networks.is_empty() {
        return writeln!(
            s,
            "<p class=\"none\">No beacon or probe response seen.</p>\n</section>"
        );
    }
    writeln!(
        s,
        "<table>\n<thead><tr><th>SSID</th><th>BSSID</th><th>security</th><th>AKM</th>\
         <th>pairwise</th><th>group</th><th>PMF</th><th>FT</th></tr></thead>\n<tbody>"
    )?;
    for n in &r.networks {
        let ssid = match (&n.ssid, &n.ssid_hex) {
            (Some(t), Some(h)) => format!("{} <small>(hex {})</small>", E(t), E(h)),
            (Some(t), None) => E(t).to_string(),
            (None, Some(h)) => format!("<small>hex {}</small>", E(h)),
            (None, None) => "<em>hidden</em>".into(),
        };
        let akms: Vec<String> = n.akms.iter().map(|a| akm_name(a)).collect();
        let ft = n
            .akms
            .iter()
            .any(|a| a.parse::<rsn_wire::suite::Akm>().is_ok_and(|k| k.is_ft()));
        let ftcell = match (&n.mdid, ft) {
            (Some(m), _) => format!("MDID {}", E(m)),
            (None, true) => "yes".into(),
            (None, false) => "no".into(),
        };
        writeln!(
            s,
            "<tr class=\"network\" data-bssid=\"{b}\"><td class=\"ssid\">{ssid}</td><td><code>{b}</code></td>\
             <td>{sec}</td><td>{akm}</td><td>{pw}</td><td>{g}</td><td>{pmf}</td><td>{ftcell}</td></tr>",
            b = E(&n.bssid),
            sec = E(&n.security),
            akm = E(&dash(&akms.join(", "))),
            pw = E(&dash(
                &n.pairwise_ciphers
                    .iter()
                    .map(|c| cipher_name(c))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            g = E(&n
                .group_cipher
                .as_deref()
                .map(cipher_name)
                .unwrap_or_else(|| "-".into())),
            pmf = E(&n.pmf),
        )?;
    }
    writeln!(s, "</tbody>\n</table>\n</section>")
}

fn dash(s: &str) -> String {
    if s.is_empty() {
        "-".into()
    } else {
        s.into()
    }
}

fn clients(s: &mut String, ctx: &mut Ctx<'_>) -> fmt::Result {
    let r = ctx.r;
    writeln!(s, "<section id=\"clients\">\n<h2>Clients</h2>")?;
    if r.clients.is_empty() {
        writeln!(s, "<p class=\"none\">No client seen.</p>")?;
    }
    // Worst verdict first, then the report's order.
    let vidx: HashMap<(&str, &str), usize> = r
        .verdicts
        .iter()
        .enumerate()
        .map(|(i, v)| ((v.ap.as_str(), v.sta.as_str()), i))
        .collect();
    let mut order: Vec<usize> = (0..r.clients.len()).collect();
    order.sort_by_key(|&i| {
        r.clients
            .get(i)
            .and_then(|c| vidx.get(&(c.ap.as_str(), c.sta.as_str())))
            .copied()
            .unwrap_or(usize::MAX)
    });
    for i in order {
        let Some(c) = r.clients.get(i) else { continue };
        let verdict = vidx
            .get(&(c.ap.as_str(), c.sta.as_str()))
            .and_then(|&v| r.verdicts.get(v));
        client(s, ctx, i, c, verdict)?;
    }
    // Exchanges of pairs the report lists no client for: drawn all the same.
    let known: HashSet<(&str, &str)> = r
        .clients
        .iter()
        .map(|c| (c.ap.as_str(), c.sta.as_str()))
        .collect();
    let mut orphans: Vec<(&str, &str)> = ctx
        .handshakes_of
        .keys()
        .filter(|k| !known.contains(*k))
        .copied()
        .collect();
    orphans.sort_unstable();
    for (k, (ap, sta)) in orphans.into_iter().enumerate() {
        let c = Client {
            ap: ap.to_string(),
            sta: sta.to_string(),
            ..Client::default()
        };
        client(s, ctx, r.clients.len() + k, &c, None)?;
    }
    writeln!(s, "</section>")
}

fn client(
    s: &mut String,
    ctx: &mut Ctx<'_>,
    i: usize,
    c: &Client,
    verdict: Option<&rsn_analyzer::report::Verdict>,
) -> fmt::Result {
    let r = ctx.r;
    let sev = verdict.map(|v| v.severity.as_str()).unwrap_or("info");
    let ssid = r
        .networks
        .iter()
        .find(|n| n.bssid == c.ap)
        .and_then(|n| n.ssid.as_deref());
    writeln!(
        s,
        "<article class=\"client sev-{}\" id=\"c-{i}\" data-sta=\"{}\" data-ap=\"{}\" tabindex=\"-1\">",
        token(sev),
        E(&c.sta),
        E(&c.ap)
    )?;
    writeln!(
        s,
        "<h3>client <code>{}</code> @ <code>{}</code>{}</h3>",
        E(&c.sta),
        E(&c.ap),
        ssid.map(|t| format!(" <span class=\"ssid\">“{}”</span>", E(t)))
            .unwrap_or_default()
    )?;
    if let Some(v) = verdict {
        writeln!(
            s,
            "<p class=\"client-verdict sev-{}\"><span class=\"sev\">{}</span> {}</p>",
            token(&v.severity),
            E(&v.severity),
            E(&v.verdict)
        )?;
    }
    writeln!(
        s,
        "<p class=\"client-facts\">AKM {} · cipher {} · PMK {} · decrypted {}/{} protected frames</p>",
        E(&c.akm.as_deref().map(akm_name).unwrap_or_else(|| "?".into())),
        E(&c.cipher.as_deref().map(cipher_name).unwrap_or_else(|| "?".into())),
        E(c.pmk_source.as_deref().unwrap_or("not verified")),
        c.decrypted_frames,
        c.protected_frames
    )?;
    if let Some(o) = &c.pmk_origin {
        writeln!(
            s,
            "<p class=\"client-facts pmk-origin\">PMK from {}</p>",
            E(o)
        )?;
    }
    if let Some(h) = &c.pmk_hint {
        writeln!(s, "<p class=\"client-facts pmk-hint\">no PMK: {}</p>", E(h))?;
    }
    let hs: Vec<usize> = ctx
        .handshakes_of
        .get(&(c.ap.as_str(), c.sta.as_str()))
        .cloned()
        .unwrap_or_default();
    let fs: Vec<usize> = ctx
        .findings_of
        .get(&(c.ap.as_str(), c.sta.as_str()))
        .cloned()
        .unwrap_or_default();
    ladder::render(s, ctx, c, &hs, &fs)?;
    keytl::render(s, r, c, &hs)?;
    writeln!(s, "</article>")
}

fn findings(s: &mut String, ctx: &Ctx<'_>) -> fmt::Result {
    let r = ctx.r;
    writeln!(s, "<section id=\"findings\">\n<h2>Findings</h2>")?;
    if r.findings.is_empty() {
        writeln!(s, "<p class=\"none\">No findings.</p>")?;
    }
    // Worst first; the id keeps the report's index.
    let mut order: Vec<(usize, &Finding)> = r.findings.iter().enumerate().collect();
    order.sort_by_key(|(i, f)| (sev_rank(&f.severity), *i));
    writeln!(s, "<ol class=\"findings\">")?;
    for (k, f) in order {
        let frames: Vec<String> = f.frames.iter().map(|n| n.to_string()).collect();
        writeln!(
            s,
            "<li class=\"finding sev-{sev} blame-{blame}\" id=\"finding-{k}\" data-code=\"{code}\" \
             data-frames=\"{frames}\" data-sta=\"{sta}\" data-ap=\"{ap}\" data-severity=\"{sevt}\" tabindex=\"0\">",
            sev = token(&f.severity),
            blame = token(&f.blame),
            code = E(&f.code),
            frames = frames.join(" "),
            sta = E(&f.sta),
            ap = E(&f.ap),
            sevt = E(&f.severity),
        )?;
        writeln!(
            s,
            "<div class=\"fhead\"><span class=\"sev\">{}</span> <code class=\"code\">{}</code> \
             <span class=\"blame\">blame: {}</span> <span class=\"who\">client {} @ {}</span></div>",
            E(&f.severity),
            E(&f.code),
            E(&f.blame),
            E(&f.sta),
            E(&f.ap)
        )?;
        writeln!(s, "<p class=\"summary\">{}</p>", E(&f.summary))?;
        write!(
            s,
            "<p class=\"meta\">IEEE 802.11-2020 <span class=\"clause\">{}</span>",
            E(&f.clause)
        )?;
        if !f.frames.is_empty() {
            write!(s, " · frames")?;
            for n in &f.frames {
                if ctx.anchors.contains(n) {
                    write!(
                        s,
                        " <a class=\"frame-link\" href=\"#f-{n}\" data-frame=\"{n}\">#{n}</a>"
                    )?;
                } else {
                    write!(s, " <span class=\"frame\" data-frame=\"{n}\">#{n}</span>")?;
                }
            }
        }
        writeln!(s, "</p>")?;
        if !f.evidence.is_empty() {
            writeln!(s, "<ul class=\"evidence\">")?;
            for e in &f.evidence {
                writeln!(s, "<li>{}</li>", E(e))?;
            }
            writeln!(s, "</ul>")?;
        }
        writeln!(s, "</li>")?;
    }
    writeln!(s, "</ol>\n</section>")
}

/// The 802.1X keys section: EAP sessions, clock alignment, problems.
fn enterprise(s: &mut String, r: &Report) -> fmt::Result {
    let Some(e) = &r.enterprise else {
        return Ok(());
    };
    let k = &e.stats;
    writeln!(
        s,
        "<section id=\"enterprise\">\n<h2>802.1X keys</h2>\n<p>RADIUS: {} packets ({} \
         Access-Request, {} Access-Challenge, {} Access-Accept, {} Access-Reject, {} with a wrong \
         secret); TLS key log: {} sessions logged, {} of {} EAP-TLS conversations matched; {} \
         MSKs recovered</p>",
        k.radius_packets,
        k.access_requests,
        k.access_challenges,
        k.access_accepts,
        k.access_rejects,
        k.wrong_secret,
        k.keylog_sessions,
        k.tls_matched,
        k.tls_conversations,
        k.msks
    )?;
    if !e.sessions.is_empty() {
        writeln!(
            s,
            "<table class=\"eap-sessions\"><tr><th>#</th><th>client</th><th>from</th><th>frame</th>\
             <th>identity</th><th>TLS</th><th>handshakes</th></tr>"
        )?;
        for (i, x) in e.sessions.iter().enumerate() {
            writeln!(
                s,
                "<tr><td>{i}</td><td><code>{}</code></td><td>{}{}</td><td>{} of {}</td><td>{}</td><td>{}</td><td>{:?}</td></tr>",
                E(x.sta.as_deref().unwrap_or("?")),
                E(&x.origin),
                if x.confirmed { " (both agree)" } else { "" },
                x.frame,
                E(&x.capture),
                E(x.identity.as_deref().unwrap_or("")),
                E(x.tls.as_deref().unwrap_or("")),
                x.handshakes
            )?;
        }
        writeln!(s, "</table>")?;
    }
    for c in &e.clocks {
        writeln!(s, "<p class=\"clock\">{}</p>", E(&c.note))?;
    }
    if !e.problems.is_empty() {
        writeln!(s, "<ul class=\"input-problems\">")?;
        for p in e.problems.iter().take(100) {
            writeln!(
                s,
                "<li>{} frame {}: {}</li>",
                E(&p.capture),
                p.frame,
                E(&p.problem)
            )?;
        }
        writeln!(s, "</ul>")?;
    }
    writeln!(s, "</section>")
}

fn input_problems(s: &mut String, r: &Report) -> fmt::Result {
    let k = &r.summary.skipped;
    let skipped = k.corrupt_blocks
        + k.truncated_records
        + k.unknown_link_type
        + k.bad_radio_header
        + k.malformed_80211
        + k.malformed_eapol
        + k.malformed_amsdu;
    if skipped + r.summary.bad_fcs_frames == 0 && r.input_problems.is_empty() {
        return Ok(());
    }
    writeln!(
        s,
        "<section id=\"input\">\n<h2>Input</h2>\n<p>skipped: {} corrupt blocks, {} truncated \
         records, {} unknown link type, {} bad radio headers, {} malformed 802.11, {} malformed \
         EAPOL, {} malformed A-MSDU; {} bad FCS</p>",
        k.corrupt_blocks,
        k.truncated_records,
        k.unknown_link_type,
        k.bad_radio_header,
        k.malformed_80211,
        k.malformed_eapol,
        k.malformed_amsdu,
        r.summary.bad_fcs_frames
    )?;
    if !r.input_problems.is_empty() {
        writeln!(s, "<ul class=\"input-problems\">")?;
        for p in r.input_problems.iter().take(100) {
            writeln!(
                s,
                "<li data-frame=\"{}\">frame {}: {}</li>",
                p.frame,
                p.frame,
                E(&p.problem)
            )?;
        }
        writeln!(s, "</ul>")?;
    }
    writeln!(s, "</section>")
}

/// The handshakes of `c` with their report indexes.
pub(crate) fn handshakes<'a>(r: &'a Report, hs: &[usize]) -> Vec<(usize, &'a Handshake)> {
    hs.iter()
        .filter_map(|&i| r.handshakes.get(i).map(|h| (i, h)))
        .collect()
}
