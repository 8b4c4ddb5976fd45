//! The key timeline of one client: which key each direction used for its data frames — the
//! old or new PTK, no key at all, and the GTK for the AP's group-addressed frames — over the
//! whole capture and zoomed in around each rekey (so an install race shows at a glance).

use std::collections::HashMap;
use std::fmt::{self, Write as _};

use rsn_analyzer::report::{Client, Handshake, KeyRun, Report, Run};

use super::{handshakes, E};

const W: u32 = 960;
const X0: f64 = 150.0;
const X1: f64 = 940.0;
const H: u32 = 132;

struct Strip<'a> {
    /// "overview" or "rekey".
    window: &'static str,
    lo: u64,
    hi: u64,
    title: String,
    /// The rekey being zoomed into (report index, ordinal), if any.
    rekey: Option<(usize, usize)>,
    ordinal: &'a HashMap<usize, usize>,
}

/// Render the key timelines of `c` (`hs`: its handshakes, report indexes).
pub(super) fn render(s: &mut String, r: &Report, c: &Client, hs: &[usize]) -> fmt::Result {
    let group: &[Run] = r
        .networks
        .iter()
        .find(|n| n.bssid == c.ap)
        .map(|n| n.group_timeline.as_slice())
        .unwrap_or(&[]);
    if c.key_timeline.is_empty() && c.plain_timeline.is_empty() && group.is_empty() {
        return Ok(());
    }
    let pairwise: Vec<(usize, &Handshake)> = handshakes(r, hs)
        .into_iter()
        .filter(|(_, h)| h.kind != "group")
        .collect();
    let ordinal: HashMap<usize, usize> = pairwise
        .iter()
        .enumerate()
        .map(|(n, (i, _))| (*i, n + 1))
        .collect();
    let frames = c
        .key_timeline
        .iter()
        .flat_map(|k| [k.first_frame, k.last_frame])
        .chain(
            c.plain_timeline
                .iter()
                .chain(group)
                .flat_map(|k| [k.first_frame, k.last_frame]),
        )
        .chain(
            pairwise
                .iter()
                .flat_map(|(_, h)| h.messages.iter().map(|m| m.frame)),
        );
    let (lo, hi) = frames.fold((u64::MAX, 0), |(lo, hi), f| (lo.min(f), hi.max(f)));
    writeln!(
        s,
        "<figure class=\"keytl-fig\"><figcaption>Key timeline: which key protected each \
         direction's data frames — PTK, none, GTK for the AP's group frames (x: frame \
         number)</figcaption>"
    )?;
    strip(
        s,
        c,
        group,
        &pairwise,
        &Strip {
            window: "overview",
            lo,
            hi,
            title: format!("frames {lo}–{hi}"),
            rekey: None,
            ordinal: &ordinal,
        },
    )?;
    // Zoom into each later handshake: where each direction switched from the old PTK.
    for &(j, h) in pairwise.iter().skip(1) {
        let n = ordinal.get(&j).copied().unwrap_or(0);
        // Retransmissions long after the switch would only stretch the window.
        let mut pts: Vec<u64> = h
            .messages
            .iter()
            .filter(|m| !m.retransmission)
            .map(|m| m.frame)
            .collect();
        for k in &c.key_timeline {
            if k.handshake == j {
                pts.push(k.first_frame);
            } else if ordinal.get(&k.handshake).copied() == Some(n.saturating_sub(1)) {
                pts.push(k.last_frame);
            }
        }
        let (Some(&a), Some(&b)) = (pts.iter().min(), pts.iter().max()) else {
            continue;
        };
        let pad = ((b - a) / 5).max(3);
        let (lo, hi) = (a.saturating_sub(pad), b.saturating_add(pad));
        strip(
            s,
            c,
            group,
            &pairwise,
            &Strip {
                window: "rekey",
                lo,
                hi,
                title: format!(
                    "around the {} at frame {} (frames {lo}–{hi})",
                    h.kind,
                    h.messages.first().map(|m| m.frame).unwrap_or(0)
                ),
                rekey: Some((j, n)),
                ordinal: &ordinal,
            },
        )?;
    }
    writeln!(s, "<ul class=\"keytl-legend\">")?;
    for (i, h) in &pairwise {
        let n = ordinal.get(i).copied().unwrap_or(0);
        writeln!(
            s,
            "<li><span class=\"swatch k{}\"></span> PTK #{n}: {} at frame {} ({})</li>",
            n % 6,
            E(&h.kind),
            h.messages.first().map(|m| m.frame).unwrap_or(0),
            E(&h.outcome)
        )?;
    }
    writeln!(s, "</ul>\n</figure>")
}

fn strip(
    s: &mut String,
    c: &Client,
    group: &[Run],
    pairwise: &[(usize, &Handshake)],
    st: &Strip<'_>,
) -> fmt::Result {
    let span = st.hi.saturating_sub(st.lo).max(1) as f64;
    let fx = |f: u64| X0 + (f.saturating_sub(st.lo) as f64) * (X1 - X0) / span;
    writeln!(
        s,
        "<svg class=\"keytl\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\" \
         width=\"{W}\" height=\"{H}\" role=\"img\" aria-label=\"key timeline {t}\" \
         data-sta=\"{sta}\" data-ap=\"{ap}\" data-window=\"{w}\" data-lo=\"{lo}\" data-hi=\"{hi}\">\
         <text class=\"ttl\" x=\"6\" y=\"12\">{t}</text>\
         <text class=\"row\" x=\"6\" y=\"45\">AP → client</text>\
         <text class=\"row\" x=\"6\" y=\"73\">client → AP</text>\
         <text class=\"row\" x=\"6\" y=\"101\">AP → all (GTK)</text>",
        t = E(&st.title),
        sta = E(&c.sta),
        ap = E(&c.ap),
        w = st.window,
        lo = st.lo,
        hi = st.hi,
    )?;
    for k in &c.key_timeline {
        run(s, k, st, &fx)?;
    }
    for k in &c.plain_timeline {
        other_run(
            s,
            k,
            "none",
            "no key",
            if k.from == "ap" { 30 } else { 58 },
            st,
            &fx,
        )?;
    }
    for k in group {
        other_run(s, k, "gtk", "GTK", 86, st, &fx)?;
    }
    // Handshake messages as markers, over the runs.
    for (i, h) in pairwise {
        let n = st.ordinal.get(i).copied().unwrap_or(0);
        for (k, m) in h.messages.iter().enumerate() {
            if m.frame < st.lo || m.frame > st.hi {
                continue;
            }
            let label = match st.window {
                "overview" if k == 0 => format!("#{n} {}", h.kind),
                "overview" => continue,
                _ => m.msg.clone(),
            };
            let x = fx(m.frame);
            writeln!(
                s,
                "<g class=\"mk\" data-frame=\"{f}\"><title>{msg} frame {f}</title>\
                 <line x1=\"{x:.1}\" y1=\"22\" x2=\"{x:.1}\" y2=\"112\"/>\
                 <text x=\"{x:.1}\" y=\"20\">{l}</text></g>",
                f = m.frame,
                msg = E(&m.msg),
                l = E(&label)
            )?;
        }
    }
    writeln!(
        s,
        "<text class=\"axis\" x=\"{X0}\" y=\"126\">#{}</text>\
         <text class=\"axis end\" x=\"{X1}\" y=\"126\">#{}</text></svg>",
        st.lo, st.hi
    )
}

fn run(s: &mut String, k: &KeyRun, st: &Strip<'_>, fx: &impl Fn(u64) -> f64) -> fmt::Result {
    if k.last_frame < st.lo || k.first_frame > st.hi {
        return Ok(());
    }
    let n = st.ordinal.get(&k.handshake).copied();
    let (age, label) = match (st.rekey, n) {
        (Some((j, _)), _) if j == k.handshake => ("new", "new PTK".to_string()),
        (Some((_, rn)), Some(n)) if n < rn => ("old", "old PTK".to_string()),
        (_, Some(n)) => ("", format!("PTK #{n}")),
        (_, None) => ("", format!("PTK of handshake {}", k.handshake)),
    };
    let a = fx(k.first_frame.max(st.lo));
    let b = fx(k.last_frame.min(st.hi));
    let w = (b - a).max(2.0);
    let y = if k.from == "ap" { 30 } else { 58 };
    let from = if k.from == "ap" { "ap" } else { "sta" };
    write!(
        s,
        "<g class=\"keyrun-g\"><title>{label}: {cnt} frame(s) from {from}, frames {f}–{l}</title>\
         <rect class=\"keyrun from-{from} k{c} {age}\" data-from=\"{from}\" data-handshake=\"{h}\" \
         data-first=\"{f}\" data-last=\"{l}\" data-frames=\"{cnt}\" x=\"{a:.1}\" y=\"{y}\" \
         width=\"{w:.1}\" height=\"22\"/>",
        cnt = k.frames,
        f = k.first_frame,
        l = k.last_frame,
        h = k.handshake,
        c = n.unwrap_or(0) % 6,
    )?;
    if w > 56.0 {
        write!(
            s,
            "<text class=\"runlbl\" x=\"{:.1}\" y=\"{}\">{}</text>",
            a + 4.0,
            y + 15,
            E(&label)
        )?;
    }
    writeln!(s, "</g>")
}

/// A run under no key, or under the GTK.
fn other_run(
    s: &mut String,
    k: &Run,
    key: &str,
    label: &str,
    y: u32,
    st: &Strip<'_>,
    fx: &impl Fn(u64) -> f64,
) -> fmt::Result {
    if k.last_frame < st.lo || k.first_frame > st.hi {
        return Ok(());
    }
    let a = fx(k.first_frame.max(st.lo));
    let b = fx(k.last_frame.min(st.hi));
    let w = (b - a).max(2.0);
    let from = if k.from == "ap" { "ap" } else { "sta" };
    write!(
        s,
        "<g class=\"keyrun-g\"><title>{label}: {cnt} frame(s) from {from}, frames {f}–{l}</title>\
         <rect class=\"keyrun from-{from} key-{key}\" data-from=\"{from}\" data-key=\"{key}\" \
         data-first=\"{f}\" data-last=\"{l}\" data-frames=\"{cnt}\" x=\"{a:.1}\" y=\"{y}\" \
         width=\"{w:.1}\" height=\"22\"/>",
        cnt = k.frames,
        f = k.first_frame,
        l = k.last_frame,
    )?;
    if w > 56.0 {
        write!(
            s,
            "<text class=\"runlbl\" x=\"{:.1}\" y=\"{}\">{label}</text>",
            a + 4.0,
            y + 15
        )?;
    }
    writeln!(s, "</g>")
}
