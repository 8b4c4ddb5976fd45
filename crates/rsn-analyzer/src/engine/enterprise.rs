//! 802.1X sessions in the report: where each client's PMK came from, which EAP session
//! keyed which handshake, how the clocks of the captures relate, and `stale-pmk` proven by
//! a newer EAP session the client did not use.

use std::collections::HashMap;

use rsn_wire::{Akm, MacAddr};

use super::Analyzer;
use crate::classify::MsgKind;
use crate::enterprise::Capture;
use crate::exchange::{Exchange, MicState};
use crate::keys::KeySource;
use crate::report::{self, Finding};

/// An Access-Accept this long before a handshake still belongs to it (AAA round trip, EAP
/// Success, M1): more means the clocks disagree.
const MAX_DELAY_NS: i128 = 5_000_000_000;

impl Analyzer {
    fn capture_name(&self, c: Capture) -> String {
        match c {
            Capture::Main => self
                .capture_names
                .first()
                .cloned()
                .unwrap_or_else(|| "the capture".into()),
            Capture::Radius(i) => self
                .capture_names
                .get(usize::from(i) + 1)
                .cloned()
                .unwrap_or_else(|| format!("RADIUS capture {}", i + 1)),
        }
    }

    /// Handshake start minus key delivery, per capture that delivered keys.
    fn delays(&self) -> HashMap<Capture, Vec<i128>> {
        let mut out: HashMap<Capture, Vec<i128>> = HashMap::new();
        for x in &self.exchanges {
            let Some(s) = x
                .source
                .and_then(|s| s.session())
                .and_then(|i| self.keys.sessions.get(i))
            else {
                continue;
            };
            if let Some(m) = x.messages.first() {
                out.entry(s.capture).or_default().push(m.ts_ns - s.ts_ns);
            }
        }
        for v in out.values_mut() {
            v.sort_unstable();
        }
        out
    }

    /// Estimate each capture's clock offset (the median delay; 0 for the main capture),
    /// once before the diagnosis reads it.
    pub(super) fn estimate_skews(&mut self) {
        self.skews = self
            .delays()
            .into_iter()
            .filter(|(c, _)| *c != Capture::Main)
            .map(|(c, v)| (c, v.get(v.len() / 2).copied().unwrap_or(0)))
            .collect();
    }

    fn skew(&self, c: Capture) -> i128 {
        self.skews.get(&c).copied().unwrap_or(0)
    }

    /// The client's `pmk_origin`.
    pub(super) fn pmk_origin(&self, src: KeySource) -> Option<String> {
        let i = src.session()?;
        let s = self.keys.sessions.get(i)?;
        let what = match s.origin {
            crate::enterprise::Origin::Radius => "RADIUS Access-Accept",
            crate::enterprise::Origin::TlsKeylog => "EAP success of a TLS session in the key log",
        };
        let mut t = format!(
            "{what} at frame {} of {} (EAP session #{i}",
            s.frame,
            self.capture_name(s.capture)
        );
        if let Some(id) = &s.identity {
            t.push_str(&format!(", identity {id}"));
        }
        if let Some(tls) = &s.tls {
            t.push_str(&format!(", {tls}"));
        }
        if s.confirmed {
            t.push_str(", RADIUS and key log agree");
        }
        t.push(')');
        Some(t)
    }

    /// What would give a client without a verified PMK one.
    pub(super) fn pmk_hint(&self, sta: MacAddr, akm: Option<Akm>) -> Option<String> {
        let eap = akm.is_some_and(|a| a.is_8021x());
        let psk = akm.is_some_and(|a| a.is_psk());
        let mine = self
            .keys
            .sessions
            .iter()
            .filter(|s| s.sta == Some(sta))
            .count();
        Some(if eap {
            match &self.enterprise {
                None if self.keys.msks.is_empty() => "802.1X client: give the AAA server's RADIUS traffic (--radius WIRED.pcapng --radius-secret SECRET), an EAP-TLS key log (--tls-keylog FILE), or --msk / --pmk".into(),
                None => "802.1X client: none of the MSKs given verifies its handshakes; give --radius WIRED.pcapng --radius-secret SECRET or --tls-keylog FILE".into(),
                Some(_) if mine > 0 => format!("{mine} EAP session(s) of this client were found, but none of their MSKs verifies its handshake MICs"),
                Some(_) => "no EAP session of this client in the RADIUS capture(s) or the key log (no Access-Accept whose Calling-Station-Id names it, no matching EAP-TLS exchange): capture the AAA traffic of its authentication".into(),
            }
        } else if psk {
            "PSK client: give --passphrase P --ssid S, --pmk HEX, or --keys FILE".into()
        } else if akm.is_some_and(|a| a == Akm::SAE || a == Akm::FT_SAE) {
            "SAE client: the PMK is fresh per association; give --pmk HEX (e.g. from wpa_supplicant's debug log)".into()
        } else {
            return None;
        })
    }

    /// `stale-pmk` proven by RADIUS/key-log evidence: the exchange's M2 verifies with the MSK
    /// of an EAP session, a newer session of the same client had completed before the
    /// handshake, and the AP never showed it used the older key (no M3 whose MIC verifies
    /// with it). IEEE 802.11-2020 12.7.1.3 (PMK from the MSK of the current EAP
    /// authentication) and 12.6.10.3 (a PMKSA is replaced by a new authentication).
    pub(super) fn stale_session(&self, ex: &[Exchange], i: usize) -> Option<Finding> {
        let x = ex.get(i)?;
        let si = x.source?.session()?;
        let s = self.keys.sessions.get(si)?;
        let m2 = x
            .messages
            .iter()
            .find(|m| m.kind == MsgKind::M2 && m.mic == MicState::Valid)?;
        // Both sides on the old key: PMKSA caching, legitimate.
        if x.messages
            .iter()
            .any(|m| m.kind == MsgKind::M3 && m.mic == MicState::Valid)
        {
            return None;
        }
        let start = x.messages.first()?.ts_ns;
        let skew = self.skew(s.capture);
        let (ni, newer) = self
            .keys
            .sessions_of(Some(x.sta))
            .iter()
            .filter_map(|j| self.keys.sessions.get(*j).map(|n| (*j, n)))
            .filter(|(j, n)| {
                *j != si
                    && n.sta == Some(x.sta)
                    && n.capture == s.capture
                    && n.ts_ns > s.ts_ns
                    && n.ts_ns + skew <= start + 1_000_000_000
            })
            .max_by_key(|(_, n)| n.ts_ns)?;
        let cap = self.capture_name(s.capture);
        let f = super::diagnose::F { x };
        let mut ev = vec![
            format!("the Message 2 MIC (frame {}) verifies with the MSK of EAP session #{si} (frame {} of {cap})", m2.frame, s.frame),
            format!("EAP session #{ni} of this client delivered a new MSK at frame {} of {cap}, {:.3} s later, before this handshake began", newer.frame, (newer.ts_ns - s.ts_ns) as f64 / 1e9),
        ];
        if s.capture != Capture::Main {
            ev.push(format!(
                "times of {cap} aligned by the median Access-Accept→handshake delay ({:.0} ms)",
                skew as f64 / 1e6
            ));
        }
        // The AP names the PMK it holds in M1's PMKID KDE (IEEE 802.11-2020 12.7.6.2).
        let akm = x
            .akm
            .or(self.pairs.get(&(x.ap, x.sta)).and_then(|p| p.akm))
            .unwrap_or(Akm::IEEE8021X);
        let m1_pmkid = x
            .messages
            .iter()
            .filter(|m| m.kind == MsgKind::M1)
            .find_map(|m| {
                super::diagnose::view(m).and_then(|k| super::diagnose::pmkid_kde(k.key_data()))
            });
        if let (Some(id), Some(pmk)) = (m1_pmkid, crate::keys::pmk_of_msk(Some(akm), &newer.msk)) {
            if rsn_crypto::pmkid(akm, &pmk, &x.ap, &x.sta).ok() == Some(id) {
                ev.push(format!(
                    "the PMKID in the AP's Message 1 names the PMK of session #{ni}: the AP holds the new key"
                ));
            }
        }
        ev.push(if x.messages.iter().any(|m| m.kind == MsgKind::M3) {
            "the AP's Message 3 MIC does not verify with the old MSK: the AP used the new one"
                .into()
        } else {
            "the AP did not answer with Message 3: it rejected an M2 keyed with the old PMK".into()
        });
        Some(f.make(
            "stale-pmk",
            "major",
            "client",
            vec![m2.frame],
            "12.7.1.3",
            format!("the client keyed its Message 2 (frame {}) with the PMK of an earlier EAP session (#{si}), not the one its latest authentication produced (#{ni}, frame {} of {cap})", m2.frame, newer.frame),
            ev,
        ))
    }

    /// The `enterprise` section.
    pub(super) fn enterprise_report(&self) -> Option<report::Enterprise> {
        let c = self.enterprise.as_ref()?;
        let mut r = report::Enterprise {
            stats: c.stats().clone(),
            ..Default::default()
        };
        let mut used_by: HashMap<usize, Vec<usize>> = HashMap::new();
        for (j, x) in self.exchanges.iter().enumerate() {
            if let Some(i) = x.source.and_then(|k| k.session()) {
                used_by.entry(i).or_default().push(j);
            }
        }
        for (i, s) in self.keys.sessions.iter().enumerate() {
            r.sessions.push(report::EapSession {
                sta: s.sta.map(|m| m.to_string()),
                origin: s.origin.as_str().into(),
                capture: self.capture_name(s.capture),
                frame: s.frame,
                timestamp: s.ts_ns as f64 / 1e9,
                identity: s.identity.clone(),
                nas: s.nas.map(|n| n.to_string()),
                tls: s.tls.clone(),
                confirmed: s.confirmed,
                handshakes: used_by.remove(&i).unwrap_or_default(),
                msk: self.show_keys.then(|| hex::encode(s.msk.expose_secret())),
            });
        }
        let mut delays: Vec<(Capture, Vec<i128>)> = self
            .delays()
            .into_iter()
            .filter(|(c, _)| *c != Capture::Main)
            .collect();
        delays.sort_by_key(|(c, _)| match c {
            Capture::Radius(i) => *i,
            Capture::Main => 0,
        });
        for (cap, d) in delays {
            let (Some(&min), Some(&max), Some(&med)) = (d.first(), d.last(), d.get(d.len() / 2))
            else {
                continue;
            };
            let ms = |v: i128| v as f64 / 1e6;
            let name = self.capture_name(cap);
            let agree = min >= 0 && max <= MAX_DELAY_NS;
            let note = if agree {
                format!("{name}'s clock agrees with the air capture's: handshakes follow their Access-Accept by {:.0} ms (median)", ms(med))
            } else if med < 0 {
                format!("the clocks disagree: handshakes start {:.3} s before their Access-Accept (median), so {name}'s clock runs about that much ahead; sessions are matched by client and key, not by time", -ms(med) / 1e3)
            } else if med > MAX_DELAY_NS {
                format!("the clocks disagree: handshakes start {:.3} s after their Access-Accept (median), so {name}'s clock runs about that much behind; sessions are matched by client and key, not by time", ms(med) / 1e3)
            } else {
                format!("handshakes start {:.0} ms after their Access-Accept (median) but {:.3} s at most: some handshakes used an older EAP session's key (PMKSA caching or stale PMK)", ms(med), ms(max) / 1e3)
            };
            r.clocks.push(report::ClockAlignment {
                capture: name,
                handshakes: d.len() as u64,
                delay_ms_median: ms(med),
                delay_ms_min: ms(min),
                delay_ms_max: ms(max),
                agree,
                note,
            });
        }
        r.problems = c
            .problems
            .iter()
            .map(|(cap, frame, p)| report::EnterpriseProblem {
                capture: self.capture_name(*cap),
                frame: *frame,
                problem: p.clone(),
            })
            .collect();
        Some(r)
    }
}
