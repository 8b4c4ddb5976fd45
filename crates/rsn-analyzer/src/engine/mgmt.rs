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
                let detail = format!("reason {reason}");
                let mut targets: Vec<(MacAddr, MacAddr)> = Vec::new();
                if sta.is_group() {
                    targets.extend(self.pairs.keys().filter(|(a, _)| *a == ap).copied());
                } else {
                    self.pair((ap, sta));
                    targets.push((ap, sta));
                }
                for key in targets {
                    if let Some(pair) = self.pairs.get_mut(&key) {
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
