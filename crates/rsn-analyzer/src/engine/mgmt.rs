//! Management frames: BSSes from Beacons and Probe Responses, and the client timeline
//! (authentication, (re)association, deauthentication and disassociation).

use rsn_wire::element::{id as eid, ElementBody, Elements, FteRepr, MdeRepr, RsneRepr, WpaIeRepr};
use rsn_wire::ieee80211::Header;
use rsn_wire::mgmt::MgmtRepr;
use rsn_wire::{Akm, MacAddr};

use super::*;
use crate::report;

impl Analyzer {
    // ---------------------------------------------------------------- management frames

    pub(super) fn mgmt(&mut self, n: u64, ts: i128, h: &Header<&[u8]>) {
        let frame: &[u8] = h.into_inner();
        let fc = h.frame_control();
        let Ok(m) = MgmtRepr::parse(fc.subtype(), h.body()) else {
            self.summary.skipped.malformed_80211 += 1;
            return;
        };
        let a1 = h.addr1();
        let a2 = h.addr2().unwrap_or(MacAddr::ZERO);
        let bssid = h.addr3().unwrap_or(a2);
        let time = self.time(ts);
        match m {
            MgmtRepr::Beacon(b) | MgmtRepr::ProbeResp(b) => self.bss_update(n, a2, b.elements),
            MgmtRepr::AssocReq { elements, .. } | MgmtRepr::ReassocReq { elements, .. } => {
                let reassoc = matches!(m, MgmtRepr::ReassocReq { .. });
                let pair = self.pair((a1, a2));
                pair.epoch = pair.epoch.wrapping_add(1);
                let mut detail = String::new();
                if let Some(e) = Elements::find(elements, eid::SSID) {
                    pair.ssid = Some(e.data.to_vec());
                }
                let rsne_el = Elements::find(elements, eid::RSN);
                let mut info = AssocInfo {
                    frame: n,
                    rsne: rsne_el.map(|e| e.data.to_vec()),
                    pmkids: Vec::new(),
                    mdid: None,
                };
                if let Some(r) = rsne_el.and_then(|e| RsneRepr::parse_element(&e).ok()) {
                    info.pmkids = r.pmkid_list().to_vec();
                    pair.akm = r.akm_list().first().copied();
                    pair.cipher = r.pairwise_list().first().copied();
                    pair.group_cipher = r.group_data_cipher;
                    pair.wpa1 = false;
                    if let Some(a) = pair.akm {
                        detail = format!("AKM {}", akm_text(a));
                    }
                    if !r.pmkid_list().is_empty() {
                        detail.push_str(&format!(", {} PMKID(s)", r.pmkid_list().len()));
                    }
                } else if let Some(w) = Elements::find_vendor(elements, [0x00, 0x50, 0xf2], 1)
                    .and_then(|e| WpaIeRepr::parse(e.data).ok())
                {
                    pair.akm = w.akms.as_ref().and_then(|l| l.first().copied());
                    pair.cipher = w.pairwise_ciphers.as_ref().and_then(|l| l.first().copied());
                    pair.group_cipher = w.group_cipher;
                    pair.wpa1 = true;
                    detail = "WPA1".into();
                }
                if let Some(md) = Elements::find(elements, eid::MOBILITY_DOMAIN)
                    .and_then(|e| MdeRepr::parse_element(&e).ok())
                {
                    pair.mdid = Some(md.mdid);
                    info.mdid = Some(md.mdid);
                }
                pair.ev.assoc = Some(info);
                let kind = if reassoc { "reassoc-req" } else { "assoc-req" };
                Evidence::push_capped(
                    &mut pair.events,
                    report::Event {
                        frame: n,
                        time,
                        kind: kind.into(),
                        from: "sta".into(),
                        detail,
                    },
                );
                // A new association starts a new key context: open exchanges end here.
                let open = [pair.open.take(), pair.open_group.take()];
                for i in open.into_iter().flatten() {
                    if let Some(x) = self.exchanges.get_mut(i) {
                        x.fail(format!("the client (re)associated at frame {n}"));
                    }
                }
            }
            MgmtRepr::AssocResp(r) | MgmtRepr::ReassocResp(r) => {
                let reassoc = matches!(m, MgmtRepr::ReassocResp(_));
                let pair = self.pair((a2, a1));
                if let Some(fte) = Elements::find(r.elements, eid::FAST_BSS_TRANSITION)
                    .and_then(|e| FteRepr::parse(e.data).ok())
                {
                    if let Some(id) = fte.r0kh_id() {
                        pair.r0kh_id = Some(id.to_vec());
                    }
                    pair.r1kh_id = fte.r1kh_id().or(pair.r1kh_id);
                }
                let kind = if reassoc {
                    "reassoc-resp"
                } else {
                    "assoc-resp"
                };
                Evidence::push_capped(
                    &mut pair.events,
                    report::Event {
                        frame: n,
                        time,
                        kind: kind.into(),
                        from: "ap".into(),
                        detail: format!("status {}", r.status),
                    },
                );
            }
            MgmtRepr::Auth(a) => {
                // Which side is the AP: the BSSID.
                let (ap, sta, from) = if a2 == bssid {
                    (a2, a1, "ap")
                } else {
                    (a1, a2, "sta")
                };
                let pair = self.pair((ap, sta));
                Evidence::push_capped(
                    &mut pair.events,
                    report::Event {
                        frame: n,
                        time,
                        kind: "auth".into(),
                        from: from.into(),
                        detail: format!(
                            "algorithm {}, transaction {}, status {}",
                            a.algorithm, a.transaction, a.status
                        ),
                    },
                );
            }
            MgmtRepr::Deauth { reason, .. } | MgmtRepr::Disassoc { reason, .. } => {
                let deauth = matches!(m, MgmtRepr::Deauth { .. });
                let (ap, sta, from) = if a2 == bssid {
                    (a2, a1, "ap")
                } else {
                    (a1, a2, "sta")
                };
                let kind = if deauth { "deauth" } else { "disassoc" };
                let mut detail = format!("reason {reason}");
                let mut targets: Vec<(MacAddr, MacAddr)> = Vec::new();
                // A group-addressed one on a PMF network carries a BIP MIC: forged or
                // replayed ones are ignored by the clients and end nothing.
                let bip = if sta.is_group() {
                    self.check_bip(ap, frame)
                } else {
                    Bip::None
                };
                if let Some(note) = bip.note() {
                    detail.push_str(", ");
                    detail.push_str(note);
                }
                let ignored = matches!(bip, Bip::Invalid | Bip::Replayed);
                if sta.is_group() {
                    targets.extend(self.pairs.keys().filter(|(a, _)| *a == ap).copied());
                } else {
                    self.pair((ap, sta));
                    targets.push((ap, sta));
                }
                for key in targets {
                    if let Some(pair) = self.pairs.get_mut(&key) {
                        Evidence::push_capped(
                            &mut pair.events,
                            report::Event {
                                frame: n,
                                time,
                                kind: kind.into(),
                                from: from.into(),
                                detail: detail.clone(),
                            },
                        );
                        // Only clients that negotiated PMF (MFPC in their (Re)Association
                        // Request RSNE, IEEE 802.11-2020 12.6.3) drop it.
                        let pmf = pair
                            .ev
                            .assoc
                            .as_ref()
                            .and_then(|a| a.rsne.as_deref())
                            .and_then(|r| RsneRepr::parse(r).ok())
                            .and_then(|r| r.capabilities)
                            .is_some_and(|c| c.mfpc());
                        if ignored && pmf {
                            continue;
                        }
                        Evidence::push_capped(
                            &mut pair.ev.deauths,
                            Deauth {
                                frame: n,
                                ts_ns: ts,
                                reason: reason.0,
                                from_ap: from == "ap",
                                disassoc: !deauth,
                            },
                        );
                        for i in [pair.open.take(), pair.open_group.take()]
                            .into_iter()
                            .flatten()
                        {
                            if let Some(x) = self.exchanges.get_mut(i) {
                                x.fail(format!("{kind} at frame {n} ({from}, reason {reason})"));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }

    pub(super) fn bss_update(&mut self, n: u64, bssid: MacAddr, elements: &[u8]) {
        let b = self.bss.entry(bssid).or_insert_with(|| Bss {
            first_frame: n,
            ..Bss::default()
        });
        b.last_seen = n;
        if b.last_elements == elements {
            return;
        }
        b.last_elements = elements.to_vec();
        if let Some(e) = Elements::find(elements, eid::SSID) {
            // Hidden SSIDs (empty or zero-filled) do not replace a known one.
            if !e.data.is_empty() && e.data.iter().any(|c| *c != 0) {
                b.ssid = Some(e.data.to_vec());
            }
        }
        if let Some(r) =
            Elements::find(elements, eid::RSN).and_then(|e| RsneRepr::parse_element(&e).ok())
        {
            b.rsne = Some(r);
        }
        if let Some(w) = Elements::find_vendor(elements, [0x00, 0x50, 0xf2], 1)
            .and_then(|e| WpaIeRepr::parse(e.data).ok())
        {
            b.wpa = Some(w);
        }
        if let Some(m) = Elements::find(elements, eid::MOBILITY_DOMAIN)
            .and_then(|e| MdeRepr::parse_element(&e).ok())
        {
            b.mde = Some(m);
        }
    }
}
fn akm_text(a: Akm) -> String {
    match a.name() {
        Some(n) => format!("{n} ({a})"),
        None => a.to_string(),
    }
}

/// The BIP verdict on a group-addressed Deauthentication/Disassociation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Bip {
    /// No MME, on a network without an IGTK in the capture: nothing to say.
    None,
    Valid,
    Invalid,
    Replayed,
    /// An MME for which no IGTK is known.
    Unverified,
}

impl Bip {
    fn note(self) -> Option<&'static str> {
        match self {
            Bip::None => None,
            Bip::Valid => Some("BIP MIC valid"),
            Bip::Invalid => {
                Some("BIP MIC invalid or missing on a PMF network: forged, ignored by PMF clients")
            }
            Bip::Replayed => Some("BIP IPN not increasing: a replay, ignored by PMF clients"),
            Bip::Unverified => Some("BIP MIC not verified (no IGTK in the capture)"),
        }
    }
}

impl Analyzer {
    /// BIP on a group-addressed robust management frame of `ap` (IEEE 802.11-2020 12.5.4.4:
    /// MIC under the IGTK of the MME's Key ID, IPN greater than the last one accepted).
    fn check_bip(&mut self, ap: MacAddr, frame: &[u8]) -> Bip {
        let Some(b) = self.bss.get_mut(&ap) else {
            return Bip::None;
        };
        let Some(first) = b.igtks.first() else {
            // Unknown key: say so only when an MME is there.
            let has_mme = [8usize, 16]
                .iter()
                .any(|m| rsn_crypto::bip::parse_mme(frame, *m).is_ok());
            if has_mme {
                self.summary.bip_unverified += 1;
                return Bip::Unverified;
            }
            return Bip::None;
        };
        let Ok(mme) = rsn_crypto::bip::parse_mme(frame, first.key.mic_len()) else {
            // A PMF network whose IGTK the capture shows: a group-addressed robust frame
            // without an MME is not the AP's.
            self.summary.bip_invalid += 1;
            return Bip::Invalid;
        };
        let Some(slot) = b.igtks.iter_mut().find(|s| s.key_id == mme.key_id) else {
            self.summary.bip_unverified += 1;
            return Bip::Unverified;
        };
        match slot.key.verify(frame) {
            Ok(m) if m.ipn > slot.ipn => {
                slot.ipn = m.ipn;
                self.summary.bip_valid += 1;
                Bip::Valid
            }
            Ok(_) => {
                self.summary.bip_invalid += 1;
                Bip::Replayed
            }
            Err(_) => {
                self.summary.bip_invalid += 1;
                Bip::Invalid
            }
        }
    }
}
