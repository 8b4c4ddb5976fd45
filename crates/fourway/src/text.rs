//! The text report: what a network engineer reads first.

use std::io::{self, Write};

use rsn_analyzer::report::Report;

use crate::color::{self, paint};
use crate::html;

/// Render the report as text: the verdicts first. Styles are escape codes; the caller's
/// stream strips them when colors are off.
pub fn render(w: &mut impl Write, name: &str, r: &Report) -> io::Result<()> {
    let s = &r.summary;
    if !r.verdicts.is_empty() {
        writeln!(w, "{}", paint(color::heading(), "Verdict"))?;
        for v in &r.verdicts {
            writeln!(
                w,
                "  {} client {} @ {}: {}",
                paint(
                    color::severity(&v.severity),
                    format_args!("[{}]", v.severity)
                ),
                v.sta,
                v.ap,
                v.verdict
            )?;
        }
        writeln!(w)?;
    }
    writeln!(
        w,
        "{name}: {} frames, {} protected, {} decrypted, {} EAPOL-Key",
        s.frames, s.protected_frames, s.decrypted_frames, s.eapol_key_frames
    )?;
    writeln!(
        w,
        "handshakes: {} ({} completed, {} failed, {} incomplete)",
        s.handshakes.total, s.handshakes.completed, s.handshakes.failed, s.handshakes.incomplete
    )?;
    if s.interrupted {
        writeln!(
            w,
            "note: interrupted (Ctrl-C) after {} frames: this report covers only what was read",
            s.frames
        )?;
    }
    if !s.timing_reliable {
        writeln!(
            w,
            "note: timestamps are broken ({} go backwards, {} are zero): timing-based conclusions are unreliable",
            s.timestamps_backwards, s.timestamps_zero
        )?;
    }
    if s.bip_invalid > 0 {
        writeln!(
            w,
            "note: {} broadcast deauthentication/disassociation frame(s) with a forged, missing or replayed BIP MIC on a PMF network ({} valid): PMF clients ignore them (see the client timelines)",
            s.bip_invalid, s.bip_valid
        )?;
    }
    if !r.findings.is_empty() {
        writeln!(w, "\n{}", paint(color::heading(), "Findings"))?;
        for f in &r.findings {
            writeln!(
                w,
                "  {} {} ({}): {} — frames {:?}, IEEE 802.11-2020 {}",
                paint(
                    color::severity(&f.severity),
                    format_args!("[{}]", f.severity)
                ),
                f.code,
                f.blame,
                f.summary,
                f.frames,
                f.clause
            )?;
            for e in &f.evidence {
                writeln!(w, "      {}", paint(color::dim(), e))?;
            }
        }
    }
    if !r.networks.is_empty() {
        writeln!(w, "\n{}", paint(color::heading(), "Networks"))?;
        for n in &r.networks {
            let ssid = n.ssid.as_deref().unwrap_or("<hidden>");
            writeln!(
                w,
                "  {} {:?}  {}  AKM {}  pairwise {}  group {}  PMF {}{}",
                n.bssid,
                ssid,
                n.security,
                join(&n.akms),
                join(&n.pairwise_ciphers),
                n.group_cipher.as_deref().unwrap_or("-"),
                n.pmf,
                n.mdid
                    .as_ref()
                    .map(|m| format!("  FT MDID {m}"))
                    .unwrap_or_default()
            )?;
        }
    }
    if !r.clients.is_empty() {
        writeln!(w, "\n{}", paint(color::heading(), "Clients"))?;
        for c in &r.clients {
            writeln!(
                w,
                "  {} @ {}  AKM {}  cipher {}  PMK {}  decrypted {}/{}",
                c.sta,
                c.ap,
                c.akm.as_deref().unwrap_or("?"),
                c.cipher.as_deref().unwrap_or("?"),
                c.pmk_source.as_deref().unwrap_or("not verified"),
                c.decrypted_frames,
                c.protected_frames
            )?;
            if let Some(o) = &c.pmk_origin {
                writeln!(w, "      PMK from {o}")?;
            }
            if let Some(hint) = &c.pmk_hint {
                writeln!(
                    w,
                    "      {}",
                    paint(color::dim(), format_args!("no PMK: {hint}"))
                )?;
            }
            for e in &c.events {
                writeln!(
                    w,
                    "      #{:<6} {:>10.6}s  {} from {}: {}",
                    e.frame, e.time, e.kind, e.from, e.detail
                )?;
            }
        }
    }
    if let Some(e) = &r.enterprise {
        enterprise(w, e)?;
    }
    if !r.handshakes.is_empty() {
        writeln!(w, "\n{}", paint(color::heading(), "Handshakes"))?;
        for h in &r.handshakes {
            writeln!(
                w,
                "  {} {} ↔ {}  {}{}",
                h.kind,
                h.ap,
                h.sta,
                paint(color::outcome(&h.outcome), &h.outcome),
                h.key_source
                    .as_ref()
                    .map(|s| format!("  (key: {s})"))
                    .unwrap_or_default()
            )?;
            for (i, m) in h.messages.iter().enumerate() {
                let arrow = if html::sender(&m.msg) == "ap" {
                    "AP  ──►  STA"
                } else {
                    "AP  ◄──  STA"
                };
                let state = match html::answer_state(h, i) {
                    html::AnswerState::Rejected => {
                        paint(color::severity("critical"), "  ✗ rejected")
                    }
                    html::AnswerState::Unanswered => {
                        paint(color::severity("major"), "  unanswered")
                    }
                    html::AnswerState::Answered => String::new(),
                };
                writeln!(
                    w,
                    "      #{:<6} {:>10.6}s  {:<3} {}  MIC {}{}{}{state}",
                    m.frame,
                    m.time,
                    m.msg,
                    arrow,
                    paint(color::mic(&m.mic), &m.mic),
                    if m.retransmission {
                        "  (retransmission)"
                    } else {
                        ""
                    },
                    if m.encrypted { "  (encrypted)" } else { "" }
                )?;
            }
            for x in &h.inferred {
                let arrow = if html::sender(x) == "ap" {
                    "AP  ╌╌►  STA"
                } else {
                    "AP  ◄╌╌  STA"
                };
                writeln!(
                    w,
                    "      {}",
                    paint(
                        color::dim(),
                        format_args!(
                            "{:<7} {:>11}  {x:<3} {arrow}  missed by the sniffer, proven by later frames",
                            "-", ""
                        )
                    )
                )?;
            }
            if let Some(k) = &h.keys {
                writeln!(
                    w,
                    "      keys: pmk={} kck={} kek={} tk={}",
                    k.pmk, k.kck, k.kek, k.tk
                )?;
            }
            if let Some(reason) = &h.reason {
                writeln!(w, "      {reason}")?;
            }
        }
    }
    let k = &s.skipped;
    let skipped = k.corrupt_blocks
        + k.truncated_records
        + k.unknown_link_type
        + k.bad_radio_header
        + k.malformed_80211
        + k.malformed_eapol
        + k.malformed_amsdu;
    if skipped + s.bad_fcs_frames > 0 || !r.input_problems.is_empty() {
        writeln!(w, "\n{}", paint(color::heading(), "Input"))?;
        writeln!(
            w,
            "  skipped: {} corrupt blocks, {} truncated records, {} unknown link type, {} bad radio headers, {} malformed 802.11, {} malformed EAPOL, {} malformed A-MSDU; {} bad FCS",
            k.corrupt_blocks, k.truncated_records, k.unknown_link_type, k.bad_radio_header, k.malformed_80211, k.malformed_eapol, k.malformed_amsdu, s.bad_fcs_frames
        )?;
        for p in r.input_problems.iter().take(20) {
            writeln!(w, "  frame {}: {}", p.frame, p.problem)?;
        }
    }
    Ok(())
}

fn join(v: &[String]) -> String {
    if v.is_empty() {
        "-".into()
    } else {
        v.join(",")
    }
}

/// The 802.1X section: sessions found, clocks, problems.
fn enterprise(w: &mut impl Write, e: &rsn_analyzer::report::Enterprise) -> io::Result<()> {
    let s = &e.stats;
    writeln!(w, "\n{}", paint(color::heading(), "802.1X keys"))?;
    writeln!(
        w,
        "  RADIUS: {} packets ({} Access-Request, {} Access-Challenge, {} Access-Accept, {} Access-Reject); {} MSK(s) recovered",
        s.radius_packets, s.access_requests, s.access_challenges, s.access_accepts, s.access_rejects, s.msks
    )?;
    if s.wrong_secret > 0 {
        writeln!(
            w,
            "  {}",
            paint(
                color::severity("major"),
                format_args!("{} Access-Accept(s) do not verify with the RADIUS secret(s) given: wrong secret, no key taken from them", s.wrong_secret)
            )
        )?;
    }
    if s.accepts_without_secret > 0 {
        writeln!(
            w,
            "  {} Access-Accept(s) seen, but no --radius-secret given to decrypt their keys",
            s.accepts_without_secret
        )?;
    }
    if s.keylog_sessions > 0 || s.tls_conversations > 0 {
        writeln!(
            w,
            "  TLS key log: {} session(s) logged; {} EAP-TLS/PEAP/TTLS conversation(s) seen, {} matched",
            s.keylog_sessions, s.tls_conversations, s.tls_matched
        )?;
    }
    for (i, x) in e.sessions.iter().enumerate() {
        writeln!(
            w,
            "  session #{i}: client {}  {} at frame {} of {}{}{}{}  → handshakes {:?}",
            x.sta.as_deref().unwrap_or("?"),
            x.origin,
            x.frame,
            x.capture,
            x.identity
                .as_ref()
                .map(|v| format!("  identity {v}"))
                .unwrap_or_default(),
            x.tls.as_ref().map(|v| format!("  {v}")).unwrap_or_default(),
            if x.confirmed {
                "  (RADIUS and key log agree)"
            } else {
                ""
            },
            x.handshakes
        )?;
    }
    for c in &e.clocks {
        writeln!(w, "  clock: {}", c.note)?;
    }
    for p in &e.problems {
        writeln!(
            w,
            "  {}",
            paint(
                color::dim(),
                format_args!("{} frame {}: {}", p.capture, p.frame, p.problem)
            )
        )?;
    }
    Ok(())
}
