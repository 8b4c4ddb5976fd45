//! Protected frames: decryption with the pair's PTKs, the BSS's GTKs, TDLS TPKs and
//! user TKs; PN tracking; EAPOL and TDLS frames found inside.

use rsn_crypto::frame::MAX_PN;
use rsn_crypto::CryptoError;
use rsn_wire::ieee80211::Header;

use super::eapol_payload;
use super::*;
use crate::exchange::{Kind, State};
use crate::keyslot::KeySlot;

impl Analyzer {
    // ---------------------------------------------------------------- protected frames

    pub(super) fn protected(
        &mut self,
        n: u64,
        ts: i128,
        h: &Header<&[u8]>,
        mac_retry: bool,
    ) -> Option<&[u8]> {
        let mpdu = (*h).into_inner();
        let ra = h.addr1();
        let ta = h.addr2()?;
        let body = h.body();
        let key_id = body.get(3).map(|b| b >> 6).unwrap_or(0);
        let tid = h.qos_control().map(|q| q.tid()).unwrap_or(0);
        let mut out = std::mem::take(&mut self.out);
        let mut hit: Option<(u32, u64, bool)> = None; // (slot id, pn, zero tk)
                                                      // The exchange whose PTK decrypted the frame, when it was a pair key.
        let mut used_exchange: Option<usize> = None;
        let mut michael_failure = false;
        let mut tried = false;
        let mut pair_key = None;
        if ra.is_group() {
            // Group-addressed: the GTK of the BSS (the transmitter is the AP).
            let bssid = if h.frame_control().from_ds() {
                ta
            } else {
                h.addr3().unwrap_or(ta)
            };
            if let Some(b) = self.bss.get(&bssid) {
                for GroupKey {
                    key_id: kid, slot, ..
                } in &b.gtks
                {
                    if *kid != key_id {
                        continue;
                    }
                    tried = true;
                    if let Ok(d) = slot.decrypt(mpdu, false, &mut out) {
                        hit = Some((slot.id, d.pn, slot.all_zero));
                        break;
                    }
                }
                if hit.is_some() && self.diagnosis && !mac_retry {
                    if let Some(b) = self.bss.get_mut(&bssid) {
                        extend_run(&mut b.group_runs, n);
                    }
                }
            }
        } else if !h.frame_control().to_ds()
            && !h.frame_control().from_ds()
            && self.tdls.contains_key(&sorted(ta, ra))
        {
            // A TDLS direct link: protected with the TPK (IEEE 802.11-2016 12.7.9).
            if let Some(slot) = self.tdls.get(&sorted(ta, ra)) {
                tried = true;
                if let Ok(d) = slot.decrypt(mpdu, false, &mut out) {
                    hit = Some((slot.id, d.pn, slot.all_zero));
                }
            }
        } else {
            let key = if self.pairs.contains_key(&(ta, ra)) {
                Some((ta, ra))
            } else if self.pairs.contains_key(&(ra, ta)) {
                Some((ra, ta))
            } else {
                None
            };
            if let Some(k) = key {
                pair_key = Some(k);
                // A deauthentication or disassociation refills the zero-TK budget: Kr00k frames
                // follow them.
                if let Some(p) = self.pairs.get_mut(&k) {
                    if p.ev
                        .deauths
                        .last()
                        .is_some_and(|d| n.saturating_sub(d.frame) < 64)
                    {
                        p.zero_tk_budget = p.zero_tk_budget.max(32);
                    }
                }
                let from_supplicant = ta == k.1;
                let dir = usize::from(from_supplicant);
                let now = self.summary.frames;
                let pair = self.pairs.get_mut(&k)?;
                pair.last_seen = now;
                pair.protected += 1;
                // The key that worked last for this direction first, then the others.
                let mut order: Vec<usize> = (0..pair.ptks.len()).collect();
                if let Some(p) = order.iter().position(|i| *i == pair.last_hit[dir]) {
                    order.swap(0, p);
                }
                for i in order {
                    let Some(s) = pair.ptks.get(i) else { continue };
                    tried = true;
                    match s.slot.decrypt(mpdu, from_supplicant, &mut out) {
                        Ok(d) => {
                            hit = Some((s.slot.id, d.pn, s.slot.all_zero));
                            used_exchange = Some(s.exchange);
                            pair.last_hit[dir] = i;
                            break;
                        }
                        // IEEE 802.11-2020 12.5.2.4: ICV good, Michael bad.
                        Err(CryptoError::MichaelMismatch) => michael_failure = true,
                        Err(_) => {}
                    }
                }
                if hit.is_none() {
                    // The PTK of a handshake still open (M4 not seen yet, or missed).
                    if let Some(x) = pair.open.and_then(|i| self.exchanges.get(i)) {
                        if let (Some(ptk), Some(c)) = (x.ptk.clone(), x.cipher.or(pair.cipher)) {
                            let id = self.next_slot;
                            if let Some(slot) = KeySlot::new(id, c, ptk.tk.expose_secret()) {
                                tried = true;
                                if let Ok(d) = slot.decrypt(mpdu, from_supplicant, &mut out) {
                                    self.next_slot += 1;
                                    hit = Some((slot.id, d.pn, slot.all_zero));
                                    let ex = pair.open.unwrap_or(0);
                                    used_exchange = Some(ex);
                                    install_ptk(pair, slot, ex, &ptk);
                                    pair.last_hit[dir] = 0;
                                    if let Some(x) = self.exchanges.get_mut(ex) {
                                        x.installed = true;
                                        if x.state == State::Open && x.kind != Kind::Group {
                                            x.state = State::Completed;
                                            x.inferred = true;
                                            x.reason = Some(format!(
                                                "Message 4 not captured: frame {n} is protected with this handshake's new PTK, so the handshake completed"
                                            ));
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if hit.is_none() && !self.user_tks.is_empty() {
            let from_supplicant = h.frame_control().to_ds() && !h.frame_control().from_ds();
            for s in &self.user_tks {
                tried = true;
                if let Ok(d) = s.decrypt(mpdu, from_supplicant, &mut out) {
                    hit = Some((s.id, d.pn, s.all_zero));
                    break;
                }
            }
        }
        // Frames no key of the pair opens: try an all-zero TK (failure-catalog D2), within a
        // budget per pair.
        if hit.is_none() && !ra.is_group() {
            if let Some(k) = pair_key {
                if let Some(pair) = self.pairs.get_mut(&k) {
                    let from_sta = ta == k.1;
                    if michael_failure {
                        Evidence::push_capped(&mut pair.ev.michael_failures, (n, from_sta));
                    }
                    if pair.zero_tk_budget > 0 && self.diagnosis {
                        pair.zero_tk_budget -= 1;
                        for s in &self.zero_tks {
                            if let Ok(d) = s.decrypt(mpdu, from_sta, &mut out) {
                                hit = Some((s.id, d.pn, true));
                                Evidence::push_capped(&mut pair.ev.zero_tk, (n, from_sta));
                                break;
                            }
                        }
                    }
                    if hit.is_none() && tried {
                        Evidence::push_capped(&mut pair.ev.undecryptable, (n, from_sta));
                    }
                }
            }
        }
        let Some((slot, pn, _zero)) = hit else {
            if tried {
                self.summary.decrypt_failures += 1;
            } else {
                self.summary.no_key_frames += 1;
            }
            self.out = out;
            return None;
        };
        self.summary.decrypted_frames += 1;
        let mut reuse = None;
        if !mac_retry && pn <= MAX_PN {
            // IEEE 802.11-2020 12.5.3.4.4 / 12.5.5.4.4 (PN and replay detection): PNs increase per
            // (key, transmitter, TID).
            let tag: [u8; 8] = mpdu
                .get(mpdu.len().saturating_sub(8)..)
                .and_then(|t| t.try_into().ok())
                .unwrap_or([0; 8]);
            let state = self.pn.entry((slot, ta, tid)).or_default();
            let (r, backwards) = if self.diagnosis {
                state.record(pn, n, tag)
            } else {
                state.advance(pn)
            };
            if backwards {
                self.summary.pn_replays += 1;
            }
            reuse = r;
        }
        if let Some(k) = pair_key {
            if let Some(p) = self.pairs.get_mut(&k) {
                p.decrypted += 1;
                let from_sta = ta == k.1;
                if let Some(ex) = used_exchange.filter(|_| self.diagnosis) {
                    p.ev.key_use(n, from_sta, ex);
                }
                if let Some(earlier) = reuse {
                    Evidence::push_capped(&mut p.ev.pn_reuse, (n, earlier, from_sta));
                }
            }
        }
        // A PTK rekey travels inside protected frames (failure-catalog §1).
        if h.frame_control().is_data()
            && !h.frame_control().is_null_data()
            && h.qos_control().is_some_and(|q| q.amsdu_present())
        {
            // IEEE 802.11-2020 9.3.2.2.2: an A-MSDU carries several MSDUs, each behind its
            // own subframe header; EAPOL in any of them counts.
            let hl = h.header_len();
            let body = out.get(hl..).unwrap_or_default().to_vec();
            for payload in self.amsdu_eapol(n, &body) {
                self.eapol(n, ts, ta, ra, &payload, true, mac_retry);
            }
        } else if h.frame_control().is_data() && !h.frame_control().is_null_data() {
            let hl = h.header_len();
            if let Some(payload) = out.get(hl..).and_then(eapol_payload) {
                let payload = payload.to_vec();
                self.eapol(n, ts, ta, ra, &payload, true, mac_retry);
            } else if let Some(payload) = out
                .get(hl..)
                .and_then(|b| snap_payload(b, crate::tdls::ETHERTYPE_TDLS))
            {
                let payload = payload.to_vec();
                self.tdls_frame(&payload);
            }
        }
        self.out = out;
        Some(&self.out)
    }
}

impl Analyzer {
    /// The EAPOL payloads in an A-MSDU body (IEEE 802.11-2020 9.3.2.2.2: DA, SA, Length,
    /// MSDU, padding to a multiple of 4 except after the last). A subframe whose Length runs
    /// past the frame ends the walk: counted and reported, never read past the end.
    pub(super) fn amsdu_eapol(&mut self, n: u64, body: &[u8]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let mut at = 0usize;
        while at < body.len() {
            let Some(len) = body
                .get(at + 12..at + 14)
                .map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])))
            else {
                self.amsdu_problem(n, at, "subframe header cut short".into());
                break;
            };
            let Some(msdu) = body.get(at + 14..at + 14 + len) else {
                self.amsdu_problem(
                    n,
                    at,
                    format!(
                        "subframe length {len} runs past the frame ({} octets left)",
                        body.len().saturating_sub(at + 14)
                    ),
                );
                break;
            };
            if let Some(p) = eapol_payload(msdu) {
                out.push(p.to_vec());
            }
            at += (14 + len).div_ceil(4) * 4;
        }
        out
    }

    fn amsdu_problem(&mut self, n: u64, at: usize, what: String) {
        self.summary.skipped.malformed_amsdu += 1;
        self.problem(n, None, format!("frame {n}: A-MSDU subframe at offset {at}: {what}; the rest of the A-MSDU is skipped"));
    }
}
