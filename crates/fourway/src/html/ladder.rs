//! The ladder diagram of one client: the AP and the client as two lanes, one arrow per
//! EAPOL-Key message and management frame, in capture order.

use std::collections::HashMap;
use std::fmt::{self, Write as _};

use rsn_analyzer::report::{Client, Event, Handshake, Message};

use super::{handshakes, sev_rank, token, Ctx, E};

const W: u32 = 960;
const AP_X: u32 = 190;
const STA_X: u32 = 610;
const BADGE_X: u32 = 628;
const TOP: u32 = 44;
const ROW: u32 = 34;
const HEAD_ROW: u32 = 24;

/// Who sends a key message: "ap" or "sta".
pub(crate) fn sender(msg: &str) -> &'static str {
    match msg {
        "M1" | "M3" | "G1" => "ap",
        _ => "sta",
    }
}

/// Whether a message of a failed exchange got its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AnswerState {
    /// Answered, or nothing says otherwise.
    Answered,
    /// A client message the AP did not accept (no next message, or the AP repeated its own).
    Rejected,
    /// An AP message the client never answered.
    Unanswered,
}

/// Derived from the report: in a failed exchange, a message nothing answered (counting
/// messages the sniffer missed but later frames prove) was rejected (client message) or left
/// unanswered (AP message).
pub(crate) fn answer_state(h: &Handshake, i: usize) -> AnswerState {
    if h.outcome != "failed" {
        return AnswerState::Answered;
    }
    let Some(m) = h.messages.get(i) else {
        return AnswerState::Answered;
    };
    let later = h.messages.get(i + 1..).unwrap_or(&[]);
    let answered = match m.msg.as_str() {
        "M1" | "M2" | "M3" | "G1" => {
            let answer = match m.msg.as_str() {
                "M1" => "M2",
                "M2" => "M3",
                "M3" => "M4",
                _ => "G2",
            };
            later.iter().any(|l| l.msg == answer) || h.inferred.iter().any(|x| x == answer)
        }
        // The final messages: rejected when the AP repeats the message they answer.
        "M4" => !later.iter().any(|l| l.msg == "M3"),
        "G2" => !later.iter().any(|l| l.msg == "G1"),
        _ => true,
    };
    match (answered, sender(&m.msg)) {
        (true, _) => AnswerState::Answered,
        (false, "ap") => AnswerState::Unanswered,
        (false, _) => AnswerState::Rejected,
    }
}

fn msg_order(msg: &str) -> u8 {
    match msg {
        "M1" => 1,
        "M2" => 2,
        "M3" => 3,
        "M4" => 4,
        "G1" => 5,
        "G2" => 6,
        _ => 7,
    }
}

enum Kind<'a> {
    Header(usize, &'a Handshake),
    Msg(usize, &'a Handshake, usize, &'a Message),
    Inferred(usize, &'a str),
    Event(&'a Event),
}

struct Row<'a> {
    key: (u64, u8, usize),
    kind: Kind<'a>,
}

fn rows<'a>(c: &'a Client, hs: &[(usize, &'a Handshake)]) -> Vec<Row<'a>> {
    let mut rows = Vec::new();
    let mut seq = 0usize;
    let mut next = || {
        seq += 1;
        seq
    };
    for &(hi, h) in hs {
        let Some(first) = h.messages.first().map(|m| m.frame) else {
            continue;
        };
        rows.push(Row {
            key: (first, 0, next()),
            kind: Kind::Header(hi, h),
        });
        for (i, m) in h.messages.iter().enumerate() {
            rows.push(Row {
                key: (m.frame, 2, next()),
                kind: Kind::Msg(hi, h, i, m),
            });
        }
        for x in &h.inferred {
            let o = msg_order(x);
            let after = h.messages.iter().rev().find(|m| msg_order(&m.msg) < o);
            let before = h.messages.iter().find(|m| msg_order(&m.msg) > o);
            let key = match (after, before) {
                (Some(a), _) => (a.frame, 3, next()),
                (None, Some(b)) => (b.frame, 1, next()),
                (None, None) => (first, 3, next()),
            };
            rows.push(Row {
                key,
                kind: Kind::Inferred(hi, x),
            });
        }
    }
    for e in &c.events {
        rows.push(Row {
            key: (e.frame, 2, next()),
            kind: Kind::Event(e),
        });
    }
    rows.sort_by_key(|r| r.key);
    rows
}

fn trunc(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

fn lane_x(from: &str) -> (u32, u32) {
    if from == "ap" {
        (AP_X, STA_X)
    } else {
        (STA_X, AP_X)
    }
}

/// The arrow line and its head, from `x1` to `x2` at height `y`.
fn arrow(s: &mut String, x1: u32, x2: u32, y: u32) -> fmt::Result {
    let (tip, back) = if x2 > x1 {
        (x2 - 1, x2.saturating_sub(11))
    } else {
        (x2 + 1, x2 + 11)
    };
    write!(
        s,
        "<line class=\"arrow\" x1=\"{x1}\" y1=\"{y}\" x2=\"{back}\" y2=\"{y}\"/>\
         <polygon class=\"head\" points=\"{tip},{y} {back},{} {back},{}\"/>",
        y - 5,
        y + 5
    )
}

/// Render the ladder of `c` (`hs`: its handshakes, `fs`: its findings, both report indexes).
pub(super) fn render(
    s: &mut String,
    ctx: &mut Ctx<'_>,
    c: &Client,
    hs: &[usize],
    fs: &[usize],
) -> fmt::Result {
    let r = ctx.r;
    let hs = handshakes(r, hs);
    let rows = rows(c, &hs);
    if rows.is_empty() {
        return writeln!(
            s,
            "<p class=\"none\">No key exchange or management frame of this client captured.</p>"
        );
    }
    // Findings by evidence frame, worst first.
    let mut by_frame: HashMap<u64, Vec<usize>> = HashMap::new();
    for &k in fs {
        if let Some(f) = r.findings.get(k) {
            for &n in &f.frames {
                by_frame.entry(n).or_default().push(k);
            }
        }
    }
    for v in by_frame.values_mut() {
        v.sort_by_key(|&k| {
            r.findings
                .get(k)
                .map(|f| sev_rank(&f.severity))
                .unwrap_or(9)
        });
        v.dedup();
    }
    let height = TOP
        + rows
            .iter()
            .map(|r| match r.kind {
                Kind::Header(..) => HEAD_ROW,
                _ => ROW,
            })
            .sum::<u32>()
        + 8;
    let (sta, ap) = (E(&c.sta), E(&c.ap));
    writeln!(
        s,
        "<figure class=\"ladder-fig\">\n<svg class=\"ladder\" xmlns=\"http://www.w3.org/2000/svg\" \
         viewBox=\"0 0 {W} {height}\" width=\"{W}\" height=\"{height}\" role=\"img\" \
         aria-label=\"ladder diagram of client {sta} and AP {ap}\" data-sta=\"{sta}\" data-ap=\"{ap}\">"
    )?;
    writeln!(
        s,
        "<text class=\"lane-label\" x=\"{AP_X}\" y=\"16\">AP</text>\
         <text class=\"lane-mac\" x=\"{AP_X}\" y=\"31\">{ap}</text>\
         <text class=\"lane-label\" x=\"{STA_X}\" y=\"16\">client</text>\
         <text class=\"lane-mac\" x=\"{STA_X}\" y=\"31\">{sta}</text>\
         <line class=\"lane\" x1=\"{AP_X}\" y1=\"36\" x2=\"{AP_X}\" y2=\"{h}\"/>\
         <line class=\"lane\" x1=\"{STA_X}\" y1=\"36\" x2=\"{STA_X}\" y2=\"{h}\"/>",
        h = height - 4
    )?;
    let mut y = TOP;
    let mut i = 0;
    while i < rows.len() {
        // A message and its retransmissions: grouped, with a bracket.
        let group_end = match rows.get(i).map(|r| &r.kind) {
            Some(Kind::Msg(hi, _, _, m)) => {
                let mut j = i + 1;
                while let Some(Kind::Msg(hj, _, _, mj)) = rows.get(j).map(|r| &r.kind) {
                    if hj != hi || mj.msg != m.msg || !mj.retransmission {
                        break;
                    }
                    j += 1;
                }
                j
            }
            _ => i + 1,
        };
        let grouped = group_end - i >= 2;
        if grouped {
            if let Some(Kind::Msg(_, _, _, m)) = rows.get(i).map(|r| &r.kind) {
                write!(
                    s,
                    "<g class=\"retrans-group\" data-msg=\"{}\" data-count=\"{}\">",
                    E(&m.msg),
                    group_end - i
                )?;
            }
        }
        let y0 = y;
        for row in rows.get(i..group_end).unwrap_or(&[]) {
            y += row_svg(s, ctx, c, row, y, &by_frame)?;
        }
        if grouped {
            let (a, b) = (y0 + 20, y.saturating_sub(ROW) + 20);
            writeln!(
                s,
                "<path class=\"bracket\" d=\"M 158 {a} h -6 V {b} h 6\"/>\
                 <text class=\"count\" x=\"148\" y=\"{}\">×{}</text></g>",
                (a + b) / 2 + 4,
                group_end - i
            )?;
        }
        i = group_end;
    }
    writeln!(s, "</svg>")?;
    // Findings of this client whose frames are not drawn here (data frames, other pairs).
    let drawn: Vec<usize> = by_frame
        .iter()
        .filter(|(n, _)| ctx.anchors.contains(n))
        .flat_map(|(_, v)| v.iter().copied())
        .collect();
    let rest: Vec<usize> = fs.iter().copied().filter(|k| !drawn.contains(k)).collect();
    if !rest.is_empty() {
        write!(s, "<figcaption class=\"other-findings\">Also:")?;
        for k in rest {
            if let Some(f) = r.findings.get(k) {
                write!(
                    s,
                    " <a class=\"sev-{}\" href=\"#finding-{k}\" data-code=\"{}\">{}</a>",
                    token(&f.severity),
                    E(&f.code),
                    E(&f.code)
                )?;
            }
        }
        writeln!(s, "</figcaption>")?;
    }
    writeln!(s, "</figure>")
}

/// One row; returns its height.
fn row_svg(
    s: &mut String,
    ctx: &mut Ctx<'_>,
    c: &Client,
    row: &Row<'_>,
    y: u32,
    by_frame: &HashMap<u64, Vec<usize>>,
) -> Result<u32, fmt::Error> {
    let (sta, ap) = (E(&c.sta), E(&c.ap));
    let ly = y + 14; // label baseline
    let ay = y + 20; // arrow
    match &row.kind {
        Kind::Header(hi, h) => {
            let mut text = format!("handshake {} — {}", h.kind, h.outcome);
            if let Some(reason) = &h.reason {
                text.push_str(": ");
                text.push_str(reason);
            }
            writeln!(
                s,
                "<g class=\"hs-head outcome-{}\" data-hs=\"{hi}\"><title>{}</title>\
                 <line class=\"sep\" x1=\"0\" y1=\"{}\" x2=\"{W}\" y2=\"{}\"/>\
                 <text x=\"6\" y=\"{}\">{}</text></g>",
                token(&h.outcome),
                E(&text),
                y + 3,
                y + 3,
                y + 17,
                E(&trunc(&text, 140))
            )?;
            return Ok(HEAD_ROW);
        }
        Kind::Msg(hi, h, i, m) => {
            let state = answer_state(h, *i);
            let attached = by_frame.get(&m.frame);
            let mut class = format!("msg {} mic-{}", token(&m.msg), token(&m.mic));
            let mut tags = vec![format!("MIC {}", m.mic)];
            if m.retransmission {
                class.push_str(" retrans");
                tags.push("retransmission".into());
            }
            if m.encrypted {
                class.push_str(" encrypted");
                tags.push("encrypted".into());
            }
            match state {
                AnswerState::Rejected => {
                    class.push_str(" rejected");
                    tags.push("rejected by the AP".into());
                }
                AnswerState::Unanswered => {
                    class.push_str(" unanswered");
                    tags.push("unanswered".into());
                }
                AnswerState::Answered => {}
            }
            if attached.is_some() {
                class.push_str(" has-finding");
            }
            let id = if ctx.anchors.insert(m.frame) {
                format!(" id=\"f-{}\"", m.frame)
            } else {
                String::new()
            };
            let label = format!("{} · {}", m.msg, tags.join(" · "));
            write!(
                s,
                "<g class=\"{class}\"{id} data-frame=\"{f}\" data-sta=\"{sta}\" data-ap=\"{ap}\" \
                 data-hs=\"{hi}\" data-mic=\"{mic}\" tabindex=\"0\">\
                 <title>frame {f} at {t:.6} s: {lt}, replay counter {rc}</title>\
                 <text class=\"fr\" x=\"6\" y=\"{ly}\">#{f}</text>\
                 <text class=\"t\" x=\"6\" y=\"{ty}\">{t:.6} s</text>",
                f = m.frame,
                mic = E(&m.mic),
                t = m.time,
                lt = E(&label),
                rc = m.replay_counter,
                ty = ly + 13,
            )?;
            let (x1, x2) = lane_x(sender(&m.msg));
            arrow(s, x1, x2, ay)?;
            write!(
                s,
                "<text class=\"lbl\" x=\"{}\" y=\"{ly}\">{}</text>",
                (AP_X + STA_X) / 2,
                E(&label)
            )?;
            if state == AnswerState::Rejected {
                // Beside the arrowhead, outside the lanes.
                let xx = if x2 < x1 {
                    x2.saturating_sub(20)
                } else {
                    x2 + 6
                };
                write!(s, "<text class=\"x\" x=\"{xx}\" y=\"{}\">✗</text>", ay + 6)?;
            }
            badges(s, ctx, attached, ay)?;
            writeln!(s, "</g>")?;
        }
        Kind::Inferred(hi, msg) => {
            writeln!(
                s,
                "<g class=\"msg {} inferred\" data-frame=\"\" data-sta=\"{sta}\" data-ap=\"{ap}\" \
                 data-hs=\"{hi}\" tabindex=\"0\"><title>{} missed by the sniffer; later frames \
                 prove it was sent</title><text class=\"fr\" x=\"6\" y=\"{ly}\">missed</text>",
                token(msg),
                E(msg)
            )?;
            let (x1, x2) = lane_x(sender(msg));
            arrow(s, x1, x2, ay)?;
            writeln!(
                s,
                "<text class=\"lbl\" x=\"{}\" y=\"{ly}\">{} · missed by the sniffer, proven by \
                 later frames</text></g>",
                (AP_X + STA_X) / 2,
                E(msg)
            )?;
        }
        Kind::Event(e) => {
            let attached = by_frame.get(&e.frame);
            let teardown = matches!(e.kind.as_str(), "deauth" | "disassoc");
            let id = if ctx.anchors.insert(e.frame) {
                format!(" id=\"f-{}\"", e.frame)
            } else {
                String::new()
            };
            write!(
                s,
                "<g class=\"event {}{}{}\"{id} data-frame=\"{f}\" data-sta=\"{sta}\" \
                 data-ap=\"{ap}\" data-from=\"{from}\" tabindex=\"0\">\
                 <title>frame {f} at {t:.6} s: {k} from {from}: {d}</title>\
                 <text class=\"fr\" x=\"6\" y=\"{ly}\">#{f}</text>\
                 <text class=\"t\" x=\"6\" y=\"{ty}\">{t:.6} s</text>",
                token(&e.kind),
                if teardown { " teardown" } else { "" },
                if attached.is_some() {
                    " has-finding"
                } else {
                    ""
                },
                f = e.frame,
                t = e.time,
                k = E(&e.kind),
                from = E(&e.from),
                d = E(&e.detail),
                ty = ly + 13,
            )?;
            let (x1, x2) = lane_x(&e.from);
            arrow(s, x1, x2, ay)?;
            write!(
                s,
                "<text class=\"lbl\" x=\"{}\" y=\"{ly}\">{}</text>",
                (AP_X + STA_X) / 2,
                E(&trunc(&format!("{} · {}", e.kind, e.detail), 64))
            )?;
            badges(s, ctx, attached, ay)?;
            writeln!(s, "</g>")?;
        }
    }
    Ok(ROW)
}

/// The worst finding attached to an arrow, and a "+N" link to the next one.
fn badges(s: &mut String, ctx: &Ctx<'_>, attached: Option<&Vec<usize>>, ay: u32) -> fmt::Result {
    let Some(list) = attached else {
        return Ok(());
    };
    let mut x = BADGE_X;
    if let Some((&k, f)) = list
        .first()
        .and_then(|k| ctx.r.findings.get(*k).map(|f| (k, f)))
    {
        let w = 14 + 7 * f.code.chars().count().min(30) as u32;
        write!(
            s,
            "<a class=\"badge sev-{}\" href=\"#finding-{k}\" data-code=\"{}\">\
             <title>{}: {}</title><rect x=\"{x}\" y=\"{}\" width=\"{w}\" height=\"18\" rx=\"4\"/>\
             <text x=\"{}\" y=\"{}\">{}</text></a>",
            token(&f.severity),
            E(&f.code),
            E(&f.severity),
            E(&f.summary),
            ay - 9,
            x + 7,
            ay + 4,
            E(&trunc(&f.code, 30))
        )?;
        x += w + 6;
    }
    if list.len() > 1 {
        if let Some(&k) = list.get(1) {
            write!(
                s,
                "<a class=\"badge more\" href=\"#finding-{k}\"><title>{} more finding(s) on this \
                 frame</title><text x=\"{x}\" y=\"{}\">+{}</text></a>",
                list.len() - 1,
                ay + 4,
                list.len() - 1
            )?;
        }
    }
    Ok(())
}
