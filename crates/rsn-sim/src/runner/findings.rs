//! The truth of a finished run: handshake counts, faults, expected findings.

#[allow(clippy::wildcard_imports)]
use super::*;

impl Sim<'_> {
    // ------------------------------------------------------------------ truth

    pub(super) fn finish(mut self) -> Truth {
        let mut t = std::mem::take(&mut self.truth);
        t.frames = self.frames;
        let mut hs = self.hs;
        for link in &self.links {
            hs.incomplete += u64::from(link.open_4way) + u64::from(link.open_group);
        }
        t.handshakes = hs;
        let mut findings: BTreeMap<(String, String, String), Vec<u64>> = BTreeMap::new();
        for link in &self.links {
            let Some(bss) = self.bsss.get(link.bss) else {
                continue;
            };
            let Some(net) = self.nets.get(bss.net) else {
                continue;
            };
            let (ap, sta) = (bss.bssid.to_string(), link.sta.to_string());
            let cspec = self.sc.clients.get(link.group);
            t.clients.push(ClientTruth {
                sta: sta.clone(),
                ap: ap.clone(),
                network: bss.net,
                passphrase: cspec.and_then(|c| c.passphrase.clone()),
            });
            let mut configured: Vec<(&str, &str, &'static str)> = Vec::new();
            for n in &link.sup_fault_names {
                let role = match *n {
                    "wrong_key" | "offer_pmkid" => "config",
                    "michael_key_lag" => "station",
                    _ => "supplicant",
                };
                configured.push((role, n, sup_code(n)));
            }
            for n in &net.auth_fault_names {
                configured.push(("authenticator", n, auth_code(n)));
            }
            if self
                .sc
                .sniffer
                .drop
                .iter()
                .any(|d| d.client as usize == link.idx)
            {
                configured.push(("sniffer", "drop", "capture-loss"));
            }
            for (role, name, code) in &configured {
                let mut frames = link.tags.get(code).cloned().unwrap_or_default();
                frames.sort_unstable();
                frames.dedup();
                t.faults.push(FaultTruth {
                    role: (*role).into(),
                    name: (*name).into(),
                    ap: ap.clone(),
                    sta: sta.clone(),
                    code: (*code).into(),
                    frames,
                });
            }
            for (code, frames) in &link.tags {
                if frames.is_empty() {
                    continue;
                }
                findings
                    .entry(((*code).to_string(), ap.clone(), sta.clone()))
                    .or_default()
                    .extend(frames);
            }
            let _ = net.tkip;
        }
        for ((code, ap, sta), mut frames) in findings {
            frames.sort_unstable();
            frames.dedup();
            t.expected_findings.push(FindingTruth {
                code,
                ap,
                sta,
                frames,
            });
        }
        t
    }
}
