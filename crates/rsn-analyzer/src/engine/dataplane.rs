//! Protected frames: decryption with the pair's PTKs, the BSS's GTKs, TDLS TPKs and
//! user TKs; PN tracking; EAPOL and TDLS frames found inside.

use rsn_crypto::frame::MAX_PN;
use rsn_wire::ieee80211::Header;

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
                let from_supplicant = ta == k.1;
                let dir = usize::from(from_supplicant);
                let pair = self.pairs.get_mut(&k)?;
                pair.protected += 1;
                // The key that worked last for this direction first, then the others.
                let mut order: Vec<usize> = (0..pair.ptks.len()).collect();
                if let Some(p) = order.iter().position(|i| *i == pair.last_hit[dir]) {
                    order.swap(0, p);
                }
                for i in order {
                    let Some(s) = pair.ptks.get(i) else { continue };
                    tried = true;
                    if let Ok(d) = s.slot.decrypt(mpdu, from_supplicant, &mut out) {
                        hit = Some((s.slot.id, d.pn, s.slot.all_zero));
                        pair.last_hit[dir] = i;
                        break;
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
                                    pair.open = None;
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
        if let Some(k) = pair_key {
            if let Some(p) = self.pairs.get_mut(&k) {
                p.decrypted += 1;
            }
        }
        if !mac_retry && pn <= MAX_PN {
            // IEEE 802.11-2020 12.5.3.4.4: PNs increase per (key, transmitter, TID).
            let last = self.pn.insert((slot, ta, tid), pn);
            if last.is_some_and(|l| pn <= l) {
                self.summary.pn_replays += 1;
            }
        }
        // A PTK rekey travels inside protected frames (failure-catalog §1).
        if h.frame_control().is_data() && !h.frame_control().is_null_data() {
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
