//! Diagnosis: from the reconstructed exchanges and the data-plane evidence to findings that
//! name the cause, blame the right side and cite the clause (`failure-catalog.md`,
//! `findings.md`). Runs once, at the end of the capture.
//!
//! Principles:
//! * A failing MIC is explained by the hypothesis ladder (catalog §2): the first hypothesis
//!   that makes it verify is the diagnosis; when none does, nobody is accused.
//! * Without keys, only what the frames prove is said (catalog §9), and what a key would add.
//! * Capture loss is never blamed on a device.

use rsn_wire::eapol::EapolKey;
use rsn_wire::element::{id as eid, ElementBody, RsneRepr};
use rsn_wire::kde::{Kde, KeyDataItem, KeyDataItems};
use rsn_wire::{Akm, MacAddr};

use super::*;
use crate::classify::MsgKind;
use crate::exchange::{Exchange, Kind, MicState, MsgRec, State};
use crate::report::Finding;

/// M2s answering one ANonce: (frame, SNonce).
type SnonceUses = Vec<(u64, [u8; 32])>;

/// Severity ranks, worst first.
pub(crate) fn severity_rank(s: &str) -> u8 {
    match s {
        "critical" => 0,
        "major" => 1,
        "minor" => 2,
        _ => 3,
    }
}

pub(super) struct F<'a> {
    pub(super) x: &'a Exchange,
}

impl F<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn make(
        &self,
        code: &str,
        severity: &str,
        blame: &str,
        frames: Vec<u64>,
        clause: &str,
        summary: String,
        evidence: Vec<String>,
    ) -> Finding {
        finding(
            code, severity, blame, self.x.ap, self.x.sta, frames, clause, summary, evidence,
        )
    }
}

#[allow(clippy::too_many_arguments)]
fn finding(
    code: &str,
    severity: &str,
    blame: &str,
    ap: MacAddr,
    sta: MacAddr,
    mut frames: Vec<u64>,
    clause: &str,
    summary: String,
    evidence: Vec<String>,
) -> Finding {
    frames.sort_unstable();
    frames.dedup();
    Finding {
        code: code.into(),
        severity: severity.into(),
        blame: blame.into(),
        ap: ap.to_string(),
        sta: sta.to_string(),
        frames,
        clause: clause.into(),
        summary,
        evidence,
    }
}

fn ms(a: i128, b: i128) -> String {
    let d = (b - a) as f64 / 1e6;
    if d.abs() < 10.0 {
        format!("{d:.1} ms")
    } else if d.abs() < 1000.0 {
        format!("{d:.0} ms")
    } else {
        format!("{:.1} s", d / 1000.0)
    }
}

pub(super) fn view(m: &MsgRec) -> Option<EapolKey<&[u8]>> {
    EapolKey::new_checked(m.raw.as_deref()?, m.mic_len).ok()
}

/// The RSNE in a message's key data (plaintext M2 key data, or unwrapped M3).
fn rsne_in(key_data: &[u8]) -> Option<(RsneRepr, Vec<u8>)> {
    KeyDataItems::new(key_data).flatten().find_map(|i| match i {
        KeyDataItem::Element(e) if e.id == eid::RSN => RsneRepr::parse_element(&e)
            .ok()
            .map(|r| (r, e.data.to_vec())),
        _ => None,
    })
}

pub(super) fn pmkid_kde(key_data: &[u8]) -> Option<[u8; 16]> {
    KeyDataItems::new(key_data).flatten().find_map(|i| match i {
        KeyDataItem::Kde(Kde::Pmkid(p)) => Some(p),
        _ => None,
    })
}

fn hex16(p: &[u8; 16]) -> String {
    hex::encode(p)
}

impl Analyzer {
    /// Every finding of the capture.
    pub(super) fn diagnose(&mut self) -> Vec<Finding> {
        let mut out = Vec::new();
        // The exchanges are read while the PMK cache is written: hold them apart meanwhile.
        if self.enterprise.is_some() {
            self.estimate_skews();
        }
        let ex = std::mem::take(&mut self.exchanges);
        for i in 0..ex.len() {
            self.diagnose_exchange(&ex, i, &mut out);
        }
        let mut keys: Vec<(MacAddr, MacAddr)> = self.pairs.keys().copied().collect();
        keys.sort();
        // Each pair's exchanges, found once (not by scanning every exchange per pair).
        let mut by_pair: HashMap<(MacAddr, MacAddr), Vec<usize>> = HashMap::new();
        for (i, x) in ex.iter().enumerate() {
            by_pair.entry((x.ap, x.sta)).or_default().push(i);
        }
        for k in keys {
            let mine = by_pair.get(&k).map_or(&[][..], Vec::as_slice);
            self.diagnose_data_plane(&ex, mine, k, &mut out);
        }
        self.exchanges = ex;
        out.sort_by(|a, b| {
            (severity_rank(&a.severity), a.frames.first())
                .cmp(&(severity_rank(&b.severity), b.frames.first()))
        });
        out
    }

    fn diagnose_exchange(&mut self, ex: &[Exchange], i: usize, out: &mut Vec<Finding>) {
        let Some(x) = ex.get(i) else { return };
        if x.kind == Kind::Group {
            self.diagnose_group(x, out);
            return;
        }
        let mut found: Vec<Finding> = Vec::new();
        if let Some(stale) = self.stale_session(ex, i) {
            found.push(stale);
        }
        let f = F { x };
        let (pair_akm, deauths): (Option<Akm>, Vec<Deauth>) = self
            .pairs
            .get(&(x.ap, x.sta))
            .map(|p| (p.akm, p.ev.deauths.clone()))
            .unwrap_or_default();
        let msgs = |k: MsgKind| x.messages.iter().filter(move |m| m.kind == k);
        let first_m2 = msgs(MsgKind::M2).next();
        let first_m3 = msgs(MsgKind::M3).next();
        let deauth_after =
            |frame: u64| -> Option<Deauth> { deauths.iter().find(|d| d.frame > frame).copied() };

        // --- ANonce: M3's must be M1's (IEEE 802.11-2020 12.7.6.4).
        if let Some(m3) = first_m3 {
            // Only the M1 the client answered counts (by replay counter): an unanswered M1 may
            // be another transmitter's (hcxdumptool-style injection) or a lost attempt.
            // The M2 the AP answered with this M3 is the last one before it.
            let answered = msgs(MsgKind::M2)
                .rfind(|m2| m2.frame < m3.frame)
                .and_then(|m2| {
                    msgs(MsgKind::M1)
                        .find(|m1| m1.replay_counter == m2.replay_counter && m1.frame < m2.frame)
                })
                .filter(|m1| m3.replay_counter > m1.replay_counter);
            if let Some(m1) = answered {
                if m1.nonce != m3.nonce {
                    found.push(f.make(
                        "anonce-changed",
                        "critical",
                        "ap",
                        vec![m1.frame, m3.frame],
                        "12.7.6.4",
                        format!(
                            "the AP's Message 3 (frame {}) carries a different ANonce than the Message 1 the client answered (frame {}); the client must discard it",
                            m3.frame, m1.frame
                        ),
                        vec![
                            format!("M1 frame {} ANonce {}", m1.frame, hex::encode(m1.nonce)),
                            format!("M3 frame {} ANonce {}", m3.frame, hex::encode(m3.nonce)),
                        ],
                    ));
                }
            }
        }

        // --- ANonce replaced between M1 retries (catalog A9): an M2 answers an M1, and the
        // AP's next M1 carries a different ANonce — the M2 now answers an ANonce the AP no
        // longer holds (hostapd keeps one ANonce per handshake, 12.7.6.2).
        for m2 in msgs(MsgKind::M2) {
            let Some(m1) = msgs(MsgKind::M1)
                .find(|m1| m1.replay_counter == m2.replay_counter && m1.frame < m2.frame)
            else {
                continue;
            };
            if let Some(next) = msgs(MsgKind::M1).find(|n| n.frame > m2.frame) {
                if next.nonce != m1.nonce && !found.iter().any(|g| g.code == "stale-anonce") {
                    found.push(f.make(
                        "stale-anonce",
                        "major",
                        "ap",
                        vec![m1.frame, m2.frame, next.frame],
                        "12.7.6.2, 12.7.6.6",
                        format!(
                            "the AP changed the ANonce between Message 1 retransmissions (frames {} and {}): the client's Message 2 (frame {}) answers an ANonce the AP no longer holds",
                            m1.frame, next.frame, m2.frame
                        ),
                        vec![
                            format!("M1 frame {} ANonce {}", m1.frame, hex::encode(m1.nonce)),
                            format!("M1 frame {} ANonce {}", next.frame, hex::encode(next.nonce)),
                        ],
                    ));
                }
            }
        }

        // --- SNonce: one per handshake (12.7.6.3): M2s answering M1s with the same ANonce
        // (paired by replay counter) must carry the same SNonce.
        {
            let mut by_anonce: Vec<([u8; 32], SnonceUses)> = Vec::new();
            // When the exchange's key is known, an M2 whose MIC fails while another verifies
            // is not the client's (spoofed or corrupted): it says nothing about its SNonces.
            let keyed = msgs(MsgKind::M2).any(|m| m.mic == MicState::Valid);
            for m2 in msgs(MsgKind::M2).filter(|m| !(keyed && m.mic == MicState::Invalid)) {
                let Some(m1) = msgs(MsgKind::M1).find(|m1| m1.replay_counter == m2.replay_counter)
                else {
                    continue;
                };
                match by_anonce.iter_mut().find(|(a, _)| *a == m1.nonce) {
                    Some((_, v)) => v.push((m2.frame, m2.nonce)),
                    None => by_anonce.push((m1.nonce, vec![(m2.frame, m2.nonce)])),
                }
            }
            for (_, v) in by_anonce {
                let mut distinct: Vec<[u8; 32]> = v.iter().map(|p| p.1).collect();
                distinct.sort_unstable();
                distinct.dedup();
                if distinct.len() > 1 {
                    let frames: Vec<u64> = v.iter().map(|p| p.0).collect();
                    found.push(f.make(
                        "snonce-changed",
                        "minor",
                        "client",
                        frames.clone(),
                        "12.7.6.3",
                        format!("the client used {} different SNonces answering Message 1s with the same ANonce", distinct.len()),
                        vec![format!("M2 frames {frames:?}")],
                    ));
                }
            }
        }

        // --- Replay counters (12.7.2; 12.7.6.3, 12.7.6.5).
        let m1_rcs = x.counters_of(MsgKind::M1);
        let m3_rcs = x.counters_of(MsgKind::M3);
        let mut rc_bad: Vec<(u64, String, &str)> = Vec::new();
        // M2/M4 must echo the counter of the message they answer. Checked only for messages
        // whose MIC verifies (so they are authentic and answer this exchange): without keys,
        // a mismatch may just answer a message the sniffer missed.
        if !m1_rcs.is_empty() {
            for m in msgs(MsgKind::M2).filter(|m| m.mic == MicState::Valid) {
                if !m1_rcs.contains(&m.replay_counter) {
                    rc_bad.push((m.frame, format!("M2 frame {} has replay counter {}, no M1 of this exchange does ({m1_rcs:?})", m.frame, m.replay_counter), "client"));
                }
            }
        }
        if !m3_rcs.is_empty() {
            for m in msgs(MsgKind::M4).filter(|m| m.mic == MicState::Valid) {
                if !m3_rcs.contains(&m.replay_counter) {
                    rc_bad.push((
                        m.frame,
                        format!(
                            "M4 frame {} has replay counter {}, the M3s had {m3_rcs:?}",
                            m.frame, m.replay_counter
                        ),
                        "client",
                    ));
                }
            }
        }
        // The authenticator's counter increases with every message it sends (12.7.2): checked
        // among messages with the same ANonce (one sender), skipping byte-identical
        // duplicates (the same MPDU sent again).
        let mut last_by_nonce: Vec<&MsgRec> = Vec::new();
        for m in x.messages.iter().filter(|m| m.kind.from_authenticator()) {
            if let Some(prev) = last_by_nonce.iter().rev().find(|p| p.nonce == m.nonce) {
                let duplicate = prev.raw == m.raw;
                if !duplicate && m.replay_counter <= prev.replay_counter {
                    rc_bad.push((
                        m.frame,
                        format!(
                            "{} frame {} replay counter {} does not increase over frame {} ({})",
                            m.kind.as_str(),
                            m.frame,
                            m.replay_counter,
                            prev.frame,
                            prev.replay_counter
                        ),
                        "ap",
                    ));
                }
            }
            last_by_nonce.push(m);
        }
        if !rc_bad.is_empty() {
            let blame = if rc_bad.iter().all(|r| r.2 == "ap") {
                "ap"
            } else if rc_bad.iter().all(|r| r.2 == "client") {
                "client"
            } else {
                "ambiguous"
            };
            let who = match blame {
                "ap" => "the AP",
                "client" => "the client",
                _ => "both sides",
            };
            found.push(f.make(
                "replay-counter",
                "major",
                blame,
                rc_bad.iter().map(|r| r.0).collect(),
                "12.7.2, 12.7.6.2-12.7.6.5",
                format!(
                    "{who} broke the EAPOL-Key replay counter rules: the peer drops such messages"
                ),
                rc_bad.iter().map(|r| r.1.clone()).collect(),
            ));
        }

        // --- Key Information anomalies (12.7.2): M3 of RSN must set Install, Secure and
        // Encrypted Key Data.
        for m in msgs(MsgKind::M3) {
            if let Some(k) = view(m) {
                let ki = k.key_info();
                let rsn = k.descriptor_type() == rsn_wire::eapol::DescriptorType::RSN;
                let mut what = Vec::new();
                if !ki.install() {
                    what.push("Install clear");
                }
                if rsn && !ki.secure() {
                    what.push("Secure clear");
                }
                if rsn && !ki.encrypted_key_data() && k.key_data_len() > 0 {
                    what.push("Encrypted Key Data clear");
                }
                if !what.is_empty() {
                    found.push(f.make(
                        "key-info-anomaly",
                        "minor",
                        "ap",
                        vec![m.frame],
                        "12.7.2, 12.7.6.4",
                        format!("the AP's Message 3 (frame {}) has Key Information bits that contradict its role: {}", m.frame, what.join(", ")),
                        vec![format!("Key Information 0x{:04x}", ki.0)],
                    ));
                    break;
                }
            }
        }

        // --- Secure bit on rekey M1/M2: the standard is ambiguous (catalog A13).
        if x.kind == Kind::Rekey {
            let s1 = msgs(MsgKind::M1)
                .next()
                .and_then(view)
                .map(|k| k.key_info().secure());
            let s2 = first_m2.and_then(view).map(|k| k.key_info().secure());
            if let (Some(a), Some(b), Some(m2)) = (s1, s2, first_m2) {
                if a != b {
                    found.push(f.make(
                        "secure-bit-ambiguity",
                        "info",
                        "ambiguous",
                        vec![m2.frame],
                        "12.7.2 vs 12.7.6.2-12.7.6.3",
                        format!("on this rekey the AP's Message 1 has Secure={} and the client's Message 2 Secure={}: both readings of the standard exist (hostapd moved to Secure=1 in 2022)", u8::from(a), u8::from(b)),
                        vec![],
                    ));
                }
            }
            // Rekey EAPOL in the clear while a PTK is installed (catalog B3): a rekey is only
            // classified so in the clear when the capture shows the association and its PTK.
            let clear: Vec<&MsgRec> = x.messages.iter().filter(|m| !m.encrypted).collect();
            if let Some(first) = clear.first() {
                let frames: Vec<u64> = clear.iter().map(|m| m.frame).collect();
                let who = if first.kind.from_authenticator() {
                    "ap"
                } else {
                    "client"
                };
                found.push(f.make(
                    "rekey-unprotected-eapol",
                    "major",
                    who,
                    frames.clone(),
                    "12.7.6",
                    format!(
                        "{} sent its rekey {} in the clear although a PTK was installed ({} unprotected message(s)); receivers that follow the standard drop them",
                        if who == "ap" { "the AP" } else { "the client" },
                        first.kind.as_str(),
                        frames.len()
                    ),
                    vec![format!("unprotected rekey frames {frames:?}")],
                ));
            }
        }

        // --- FT initial mobility domain association: M2's PMKID list (catalog E1).
        let ft = x.akm.or(pair_akm).is_some_and(|a| a.is_ft());
        let mut element_problem = false;
        if let Some(m2) = first_m2 {
            let m2_rsne = view(m2).and_then(|k| rsne_in(k.key_data()));
            if let (true, Some((r, _))) = (ft, &m2_rsne) {
                let ids = r.pmkid_list();
                let r1name = self.pmk_r1_name(x);
                // Exactly one PMKID that is not PMKR1Name: the client derived another key name
                // (catalog E3/E4).
                if let (1, Some(n)) = (ids.len(), r1name) {
                    if ids.first() != Some(&n) {
                        element_problem = true;
                        found.push(f.make(
                            "ft-element-mismatch",
                            "critical",
                            "client",
                            vec![m2.frame],
                            "13.4.2",
                            format!("the PMKID in the client's FT Message 2 (frame {}) is not the PMKR1Name the key hierarchy gives", m2.frame),
                            vec![format!("M2 PMKID {}; PMKR1Name computed from the verified key {}", ids.first().map(hex16).unwrap_or_default(), hex16(&n))],
                        ));
                    }
                }
                // The MDE in M2 must be the one of the (Re)Association Request (13.4.2).
                let m2_mde = view(m2).and_then(|k| {
                    KeyDataItems::new(k.key_data())
                        .flatten()
                        .find_map(|i| match i {
                            KeyDataItem::Element(e) if e.id == eid::MOBILITY_DOMAIN => {
                                e.data.get(..2).map(|d| [d[0], d[1]])
                            }
                            _ => None,
                        })
                });
                if let (Some(a), Some(b)) = (x.assoc.as_ref().and_then(|a| a.mdid), m2_mde) {
                    if a != b {
                        element_problem = true;
                        found.push(f.make(
                            "ft-element-mismatch",
                            "critical",
                            "client",
                            vec![m2.frame],
                            "13.4.2",
                            format!("the MDE in the client's FT Message 2 (frame {}) names MDID {} where its (Re)Association Request named {}", m2.frame, hex::encode(b), hex::encode(a)),
                            vec![],
                        ));
                    }
                }
                let ok = ids.len() == 1;
                if !ok {
                    element_problem = true;
                    let mut ev: Vec<String> = ids
                        .iter()
                        .enumerate()
                        .map(|(k, p)| {
                            let mut s = format!("PMKID {}: {}", k + 1, hex16(p));
                            if r1name == Some(*p) {
                                s.push_str(" = PMKR1Name (computed)");
                            }
                            if x.assoc.as_ref().is_some_and(|a| a.pmkids.contains(p)) {
                                s.push_str(" (also in the (Re)Association Request)");
                            }
                            s
                        })
                        .collect();
                    let mic = match m2.mic {
                        MicState::Valid => "the MIC itself is valid, so an AP log of 'invalid MIC' is a mislabel of the element check".to_string(),
                        MicState::Invalid => "the MIC does not verify with the key material given either".to_string(),
                        _ => "the MIC could not be checked without key material (a passphrase/PSK or MSK would tell whether it is valid)".to_string(),
                    };
                    ev.push(mic.clone());
                    let reaction = deauth_after(m2.frame)
                        .filter(|d| d.from_ap)
                        .map(|d| {
                            format!(
                                "; the AP deauthenticates {} later (frame {}, reason {})",
                                ms(m2.ts_ns, d.ts_ns),
                                d.frame,
                                rsn_wire::reason::ReasonCode(d.reason)
                            )
                        })
                        .unwrap_or_default();
                    let mut frames = vec![m2.frame];
                    if let Some(d) = deauth_after(m2.frame).filter(|d| d.from_ap) {
                        frames.push(d.frame);
                    }
                    if let Some(a) = &x.assoc {
                        frames.push(a.frame);
                    }
                    found.push(f.make(
                        "ft-pmkid-list",
                        "critical",
                        "ambiguous",
                        frames,
                        "13.4.2, 12.7.6.3",
                        format!(
                            "FT initial association fails: the client's Message 2 lists {} PMKID(s) where 802.11-2020 13.4.2 requires exactly PMKR1Name; {mic}{reaction}",
                            ids.len()
                        ),
                        ev,
                    ));
                }
            }
            // RSNE in M2 must match the (Re)Association Request (12.7.6.3); for FT only the
            // PMKID list may differ (13.4.2).
            if let (Some((r2, raw2)), Some(assoc)) = (&m2_rsne, &x.assoc) {
                if let Some(raw_a) = &assoc.rsne {
                    let differs = if ft {
                        let mut a = RsneRepr::parse(raw_a).ok();
                        let mut b = Some(r2.clone());
                        for r in [&mut a, &mut b].into_iter().flatten() {
                            r.pmkids = None;
                            r.group_mgmt_cipher = None;
                            r.extra.clear();
                        }
                        a != b
                    } else {
                        raw2 != raw_a
                    };
                    if differs {
                        element_problem = true;
                        found.push(f.make(
                            "rsne-mismatch",
                            "critical",
                            "client",
                            vec![assoc.frame, m2.frame],
                            "12.7.6.3",
                            format!("the RSNE in the client's Message 2 (frame {}) differs from the one in its (Re)Association Request (frame {}); the AP must reject it (reason 17)", m2.frame, assoc.frame),
                            vec![format!("AssocReq RSNE {}", hex::encode(raw_a)), format!("M2 RSNE {}", hex::encode(raw2))],
                        ));
                    }
                }
            }
        }
        // RSNE in M3 must match the Beacon/Probe Response (12.7.6.4).
        if let Some(m3) = first_m3 {
            if let (Some(plain), Some(b)) = (&m3.plain, self.bss.get(&x.ap)) {
                if let (Some((r3, _)), Some(rb)) = (rsne_in(plain), &b.rsne) {
                    // FT: M3's RSNE adds PMKR1Name (13.4.2); compare the rest.
                    let strip = |r: &RsneRepr| {
                        let mut r = r.clone();
                        if ft {
                            r.pmkids = None;
                        }
                        r
                    };
                    if strip(&r3) != strip(rb) {
                        element_problem = true;
                        found.push(f.make(
                            "rsne-mismatch",
                            "critical",
                            "ap",
                            vec![m3.frame, b.first_frame],
                            "12.7.6.4",
                            format!("the RSNE in the AP's Message 3 (frame {}) differs from its Beacon/Probe Response; the client must abort (reason 17)", m3.frame),
                            vec![],
                        ));
                    }
                }
            }
        }

        // --- PMKID in M1 (catalog A16, F3).
        if let Some(m1) = msgs(MsgKind::M1).next() {
            if let Some(id) = view(m1).and_then(|k| pmkid_kde(k.key_data())) {
                let offered = x
                    .assoc
                    .as_ref()
                    .map(|a| a.pmkids.clone())
                    .unwrap_or_default();
                if !offered.is_empty() && !offered.contains(&id) {
                    found.push(f.make(
                        "pmkid-mismatch",
                        "minor",
                        "ap",
                        vec![m1.frame],
                        "12.6.10.3",
                        format!("the AP's Message 1 (frame {}) names PMKID {} but the client offered {}: the AP used a different PMKSA (OKC vs SKC, or a cache miss)", m1.frame, hex16(&id), offered.iter().map(hex16).collect::<Vec<_>>().join(", ")),
                        vec![],
                    ));
                } else if id == [0u8; 16] {
                    found.push(f.make(
                        "bogus-pmkid",
                        "minor",
                        "ap",
                        vec![m1.frame],
                        "12.7.6.2",
                        format!(
                            "the AP's Message 1 (frame {}) carries an all-zero PMKID KDE",
                            m1.frame
                        ),
                        vec![],
                    ));
                } else if let Some(computed) = self.expected_pmkid(x) {
                    if computed != id {
                        found.push(f.make(
                            "bogus-pmkid",
                            "minor",
                            "ap",
                            vec![m1.frame],
                            "12.7.6.2, 12.7.1.3",
                            format!("the PMKID KDE in the AP's Message 1 (frame {}) does not match the PMK that the handshake's MICs verify with", m1.frame),
                            vec![format!("M1 PMKID {}; computed {}", hex16(&id), hex16(&computed))],
                        ));
                    }
                }
            }
        }

        // --- A failing MIC: the hypothesis ladder (catalog §2).
        let mut mic_explained = false;
        if let Some(m2) = first_m2.filter(|m| m.mic == MicState::Invalid) {
            if let Some(fnd) = self.ladder(ex, i, m2) {
                mic_explained = true;
                found.push(fnd);
            }
        }

        // --- What the frames prove without keys (catalog §9).
        let m3_after_m2 = first_m2.is_some_and(|m2| {
            x.messages
                .iter()
                .any(|m| m.kind == MsgKind::M3 && m.frame > m2.frame)
        });
        if let Some(m2) = first_m2 {
            let m1_after = x.messages.iter().any(|m| {
                m.kind == MsgKind::M1 && m.frame > m2.frame && m.replay_counter > m2.replay_counter
            });
            let m4_any = x.messages.iter().any(|m| m.kind == MsgKind::M4);
            // Reasons an AP gives when it refuses a 4-way handshake (IEEE 802.11-2020
            // Table 9-49): 2 previous authentication no longer valid, 13 invalid element, 15
            // 4-way handshake timeout, 17 element differs, 18-24 invalid cipher/AKMP/RSNE/
            // capabilities/802.1X.
            let refusal = deauth_after(m2.frame)
                .is_some_and(|d| d.from_ap && matches!(d.reason, 2 | 13 | 15 | 17..=24));
            let rejected = !m3_after_m2 && !m4_any && (m1_after || refusal);
            if rejected && !mic_explained && !element_problem && rc_bad.is_empty() {
                let failed_mic = m2.mic == MicState::Invalid;
                let reaction = deauth_after(m2.frame)
                    .filter(|d| d.from_ap)
                    .map(|d| {
                        format!(
                            "; the AP deauthenticates at frame {} (reason {})",
                            d.frame,
                            rsn_wire::reason::ReasonCode(d.reason)
                        )
                    })
                    .unwrap_or_default();
                let m2s: Vec<u64> = msgs(MsgKind::M2).map(|m| m.frame).collect();
                if failed_mic {
                    // Handled by the ladder's fallback (wrong-psk by pattern / mic-unverifiable).
                } else if m2.mic == MicState::Valid {
                    found.push(f.make(
                        "handshake-timeout",
                        "major",
                        "ambiguous",
                        m2s.clone(),
                        "12.7.6.3, 12.7.6.6",
                        format!("the AP never answered the client's valid Message 2 (frames {m2s:?}) with Message 3{reaction}"),
                        vec!["the M2 MIC verifies and its RSNE matches the association: either the AP did not receive it (air loss) or it rejected it for a reason the frames do not show".into()],
                    ));
                } else {
                    found.push(f.make(
                        "handshake-timeout",
                        "major",
                        "ambiguous",
                        m2s.clone(),
                        "12.7.6.3, 12.7.6.6",
                        format!("the AP rejected the client's Message 2 (no Message 3 followed{}){reaction}", if m1_after { "; it retransmitted Message 1" } else { "" }),
                        vec!["without key material the cause cannot be told: wrong PSK, AKM/MIC algorithm mismatch or an element check; a passphrase or PMK would make fourway verify the M2 MIC and test each hypothesis".into()],
                    ));
                }
            }
        }
        // M3 sent, no M4 (catalog A14); M4 sent, AP keeps sending M3 (A15).
        let m3s: Vec<&MsgRec> = msgs(MsgKind::M3).collect();
        let m4s: Vec<&MsgRec> = msgs(MsgKind::M4).collect();
        if !m3s.is_empty()
            && m4s.is_empty()
            && x.state != State::Completed
            && !found
                .iter()
                .any(|g| g.code == "anonce-changed" || g.code == "rsne-mismatch")
        {
            // Evidence that no M4 reached the AP (not that the air lost one): M3 retransmitted
            // with new content (new replay counter), or the AP giving up with reason 15.
            let distinct = m3s
                .iter()
                .enumerate()
                .filter(|(k, m)| m3s.iter().take(*k).all(|o| o.raw != m.raw))
                .count();
            let timeout = deauth_after(m3s[0].frame).is_some_and(|d| d.reason == 15 && d.from_ap);
            if distinct > 1 || timeout {
                let frames: Vec<u64> = m3s.iter().map(|m| m.frame).collect();
                let reaction = deauth_after(m3s[m3s.len() - 1].frame)
                    .map(|d| {
                        format!(
                            "; {} at frame {} (reason {})",
                            if d.disassoc {
                                "disassociation"
                            } else {
                                "deauthentication"
                            },
                            d.frame,
                            rsn_wire::reason::ReasonCode(d.reason)
                        )
                    })
                    .unwrap_or_default();
                let mic = match m3s[0].mic {
                    MicState::Valid => " (its MIC is valid)",
                    MicState::Invalid => " (its MIC does not verify)",
                    _ => "",
                };
                found.push(f.make(
                    "m3-unanswered",
                    "major",
                    "client",
                    frames.clone(),
                    "12.7.6.4, 12.7.6.6",
                    format!(
                        "no Message 4 reached the AP: it sent Message 3{mic} {} time(s){reaction}",
                        m3s.len()
                    ),
                    vec![format!("M3 frames {frames:?}")],
                ));
            }
        }
        if m4s.len() >= 2
            && m4s
                .iter()
                .any(|m4| m3s.iter().any(|m3| m3.frame > m4.frame))
            && x.state != State::Completed
        {
            let frames: Vec<u64> = m4s.iter().map(|m| m.frame).collect();
            found.push(f.make(
                "m4-rejected",
                "major",
                "ap",
                frames.clone(),
                "12.7.6.5",
                format!(
                    "the client sent Message 4 {} times and the AP kept retransmitting Message 3",
                    m4s.len()
                ),
                vec![format!("M4 frames {frames:?}")],
            ));
        }

        // --- Capture loss: messages the sniffer missed that later frames prove (catalog X1).
        let mut lost = Vec::new();
        if x.inferred {
            lost.push("Message 4 was not captured, but data protected with this handshake's new PTK proves it completed".to_string());
        }
        if first_m2.is_none() && !m3s.is_empty() {
            lost.push(
                "Message 2 was not captured, but the AP sent Message 3, so it received one"
                    .to_string(),
            );
        }
        if msgs(MsgKind::M1).next().is_none() && first_m2.is_some() {
            lost.push("Message 1 was not captured, but the client answered it".to_string());
        }
        if m3s.is_empty() && !m4s.is_empty() {
            lost.push("Message 3 was not captured, but the client sent Message 4".to_string());
        }
        if !lost.is_empty() {
            found.push(f.make(
                "capture-loss",
                "info",
                "capture",
                x.messages.iter().map(|m| m.frame).collect(),
                "n/a (capture artifact)",
                "the sniffer missed part of this exchange; later frames show what happened, no device is at fault".into(),
                lost,
            ));
        }
        // A stale PMK explains the AP's silence after a valid-looking M2 and its M1 PMKID
        // (which names the new PMK): no separate accusation for those.
        if found.iter().any(|f| f.code == "stale-pmk") {
            found.retain(|f| f.code != "handshake-timeout" && f.code != "bogus-pmkid");
        }
        out.extend(found);
    }

    fn diagnose_group(&mut self, x: &Exchange, out: &mut Vec<Finding>) {
        let f = F { x };
        let g1s: Vec<&MsgRec> = x
            .messages
            .iter()
            .filter(|m| m.kind == MsgKind::G1)
            .collect();
        let g2 = x.messages.iter().any(|m| m.kind == MsgKind::G2);
        let pair = self.pairs.get(&(x.ap, x.sta));
        if !g1s.is_empty() && !g2 {
            let last = g1s[g1s.len() - 1];
            let deauth = pair.and_then(|p| {
                p.ev.deauths
                    .iter()
                    .find(|d| d.frame > last.frame && d.from_ap)
                    .copied()
            });
            let reason16 = deauth.is_some_and(|d| d.reason == 16);
            if reason16 || g1s.len() > 1 {
                let frames: Vec<u64> = g1s
                    .iter()
                    .map(|m| m.frame)
                    .chain(deauth.map(|d| d.frame))
                    .collect();
                let tail = deauth
                    .map(|d| {
                        format!(
                            "; the AP deauthenticated it at frame {} (reason {})",
                            d.frame,
                            rsn_wire::reason::ReasonCode(d.reason)
                        )
                    })
                    .unwrap_or_default();
                out.push(f.make(
                    "group-key-timeout",
                    "major",
                    "client",
                    frames,
                    "12.7.7.2, 12.7.7.3",
                    format!("the client never answered the group key handshake: Group Message 1 sent {} time(s), no Group Message 2{tail}", g1s.len()),
                    vec![],
                ));
            }
        }
        // IGTK KeyID must be 4 or 5 (IEEE 802.11-2020 12.7.2, IGTK KDE; catalog C4).
        for m in &g1s {
            if let Some(plain) = &m.plain {
                for item in KeyDataItems::new(plain).flatten() {
                    if let KeyDataItem::Kde(Kde::Igtk { key_id, .. }) = item {
                        if !(4..=5).contains(&key_id) {
                            out.push(f.make(
                                "group-key-anomaly",
                                "minor",
                                "ap",
                                vec![m.frame],
                                "12.7.2, 12.7.7.2",
                                format!("the IGTK KDE in Group Message 1 (frame {}) has Key ID {key_id}; only 4 and 5 are valid (byte order swapped?)", m.frame),
                                vec![],
                            ));
                        }
                    }
                }
            }
        }
    }

    fn diagnose_data_plane(
        &mut self,
        ex: &[Exchange],
        mine: &[usize],
        k: (MacAddr, MacAddr),
        out: &mut Vec<Finding>,
    ) {
        let Some(pair) = self.pairs.get(&k) else {
            return;
        };
        let (ap, sta) = k;
        let side = |from_sta: bool| if from_sta { "client" } else { "ap" };
        let who = |from_sta: bool| if from_sta { "the client" } else { "the AP" };
        // All-zero TK (catalog D2).
        for from_sta in [true, false] {
            let frames: Vec<u64> = pair
                .ev
                .zero_tk
                .iter()
                .filter(|z| z.1 == from_sta)
                .map(|z| z.0)
                .collect();
            if !frames.is_empty() {
                out.push(finding(
                    "zero-tk",
                    "critical",
                    side(from_sta),
                    ap,
                    sta,
                    frames.clone(),
                    "12.7.1.3",
                    format!("{} sent {} frame(s) protected with an all-zero TK (Kr00k / KRACK class): anyone can read them", who(from_sta), frames.len()),
                    vec![format!("frames {:?} decrypt only with TK = 00…00", frames.iter().take(20).collect::<Vec<_>>())],
                ));
            }
        }
        // PN reuse / key reinstallation (catalog D1, V1).
        let retransmitted_m3: Vec<u64> = mine
            .iter()
            .filter_map(|i| ex.get(*i))
            .filter(|x| x.kind != Kind::Group)
            .flat_map(|x| {
                let first_m4 = x
                    .messages
                    .iter()
                    .find(|m| m.kind == MsgKind::M4)
                    .map(|m| m.frame);
                x.messages
                    .iter()
                    .filter(move |m| {
                        m.kind == MsgKind::M3 && first_m4.is_some_and(|f4| m.frame > f4)
                    })
                    .map(|m| m.frame)
            })
            .collect();
        for from_sta in [true, false] {
            let reuse: Vec<(u64, u64)> = pair
                .ev
                .pn_reuse
                .iter()
                .filter(|r| r.2 == from_sta)
                .map(|r| (r.0, r.1))
                .collect();
            if reuse.is_empty() {
                continue;
            }
            let frames: Vec<u64> = reuse.iter().flat_map(|(a, b)| [*a, *b]).collect();
            let ev: Vec<String> = reuse.iter().take(10).map(|(a, b)| format!("frame {a} reuses the PN of frame {b} under the same TK with different ciphertext")).collect();
            out.push(finding(
                "pn-reuse",
                "critical",
                side(from_sta),
                ap,
                sta,
                frames.clone(),
                "12.5.3.4.4, 12.5.5.4.4",
                format!("{} reused packet numbers under one TK ({} frames): keystream reuse, the traffic can be decrypted without the key", who(from_sta), reuse.len()),
                ev,
            ));
            if let Some(m3) = retransmitted_m3
                .iter()
                .find(|m3| reuse.iter().any(|(a, _)| a > m3))
            {
                out.push(finding(
                    "key-reinstallation",
                    "critical",
                    side(from_sta),
                    ap,
                    sta,
                    std::iter::once(*m3).chain(reuse.iter().map(|r| r.0)).collect(),
                    "12.7.6.4, 12.7.6.5",
                    format!("{} reinstalled its PTK when Message 3 was retransmitted (frame {m3}) and restarted its packet numbers: the KRACK pattern", who(from_sta)),
                    vec![format!("after the retransmitted M3 at frame {m3}, PNs already used before reappear")],
                ));
            }
        }
        // Which key each side used around each rekey (catalog B2, D4).
        for x in mine
            .iter()
            .filter_map(|i| ex.get(*i).map(|x| (*i, x)))
            .filter(|(_, x)| x.kind == Kind::Rekey)
        {
            let (xi, x) = x;
            let Some(old) = x.previous else { continue };
            let f4 = x
                .messages
                .iter()
                .find(|m| m.kind == MsgKind::M4)
                .map(|m| m.frame);
            let f3 = x
                .messages
                .iter()
                .find(|m| m.kind == MsgKind::M3)
                .map(|m| m.frame);
            let (Some(f3), Some(f4)) = (f3, f4) else {
                continue;
            };
            let mut ev = Vec::new();
            let mut frames = vec![f3, f4];
            let mut blame: Vec<&str> = Vec::new();
            for r in &pair.ev.key_runs {
                // New key before the sender could have installed it.
                if r.exchange == xi && r.first < f4 {
                    ev.push(format!(
                        "{} used the new TK from frame {} (before Message 4 at frame {f4})",
                        who(r.from_sta),
                        r.first
                    ));
                    frames.push(r.first);
                    blame.push(side(r.from_sta));
                }
                // Old key after the switch.
                if r.exchange == old && r.last > f4 {
                    let switched =
                        pair.ev.key_runs.iter().any(|n| {
                            n.from_sta == r.from_sta && n.exchange == xi && n.first < r.last
                        });
                    if switched || r.from_sta {
                        ev.push(format!(
                            "{} still used the old TK at frame {} (after Message 4 at frame {f4})",
                            who(r.from_sta),
                            r.last
                        ));
                        frames.push(r.last);
                        blame.push(side(r.from_sta));
                    }
                }
            }
            if !ev.is_empty() {
                blame.sort_unstable();
                blame.dedup();
                let b = if blame.len() == 1 {
                    blame[0]
                } else {
                    "ambiguous"
                };
                let timeline: Vec<String> = pair
                    .ev
                    .key_runs
                    .iter()
                    .filter(|r| r.exchange == xi || r.exchange == old)
                    .map(|r| {
                        format!(
                            "{} frames {}..{} ({}) under the {} TK",
                            if r.from_sta {
                                "client→AP"
                            } else {
                                "AP→client"
                            },
                            r.first,
                            r.last,
                            r.count,
                            if r.exchange == xi { "new" } else { "old" }
                        )
                    })
                    .collect();
                ev.extend(timeline);
                out.push(finding(
                    "rekey-key-switch",
                    "major",
                    b,
                    ap,
                    sta,
                    frames,
                    "12.7.6.4, 12.7.6.5",
                    format!("around the rekey (Message 3 at frame {f3}, Message 4 at frame {f4}) {} switched keys at the wrong time: the peer drops those frames", if b == "ambiguous" { "both sides".to_string() } else { who(b == "client").to_string() }),
                    ev,
                ));
            }
        }
        // TKIP Michael MIC failures (catalog B5).
        let reports: Vec<u64> = pair
            .ev
            .eapol_requests
            .iter()
            .filter(|r| r.1)
            .map(|r| r.0)
            .collect();
        let local: Vec<(u64, bool)> = pair.ev.michael_failures.clone();
        if !reports.is_empty() || !local.is_empty() {
            let mut ev = Vec::new();
            let mut frames: Vec<u64> = reports.clone();
            frames.extend(local.iter().map(|l| l.0));
            if !reports.is_empty() {
                ev.push(format!("the client reported {} Michael MIC failure(s) (EAPOL-Key Error+Request) at frames {reports:?}", reports.len()));
            }
            if !local.is_empty() {
                ev.push(format!("{} frame(s) pass the ICV but fail Michael under the pair's keys: the sender used the wrong Michael key", local.len()));
            }
            let countermeasures = pair.ev.deauths.iter().find(|d| d.reason == 14);
            if let Some(d) = countermeasures {
                ev.push(format!(
                    "countermeasures: deauthentication with reason 14 at frame {}",
                    d.frame
                ));
                frames.push(d.frame);
            }
            // Who is at fault: frames the client reported that verify under the keys in the
            // capture were sent correctly; the client checked them with the wrong key.
            let blame = if local.is_empty() {
                "client"
            } else {
                side(local[0].1)
            };
            if local.is_empty() && !reports.is_empty() {
                ev.push("the AP's frames around the reports decrypt and pass Michael under the new PTK: the client checked them with its old key (it switched keys late)".into());
            }
            out.push(finding(
                "michael-mic-failure",
                "critical",
                blame,
                ap,
                sta,
                frames,
                "12.7.2 (Error/Request), TKIP countermeasures procedures",
                format!("TKIP Michael MIC failures{}: two within 60 s shut down TKIP for the whole BSS for 60 s", if countermeasures.is_some() { " led to countermeasures" } else { "" }),
                ev,
            ));
        }
    }
}
