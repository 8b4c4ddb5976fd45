//! The MIC hypothesis ladder (failure-catalog §2): when an M2 MIC fails with the obvious
//! key, recompute it under each hypothesis in turn; the first that verifies is the
//! diagnosis, and when none does, nobody is accused.

use std::sync::Arc;

use rsn_crypto::{ft, Pmk};
use rsn_wire::{Akm, Cipher};

use super::diagnose::{view, F};
use super::eapol::{derive_one, verify};
use super::*;
use crate::classify::MsgKind;
use crate::exchange::{Exchange, Kind, MsgRec};
use crate::keys::{Candidate, KeySource};
use crate::report::Finding;

impl Analyzer {
    /// The MIC ladder for an M2 that fails with the obvious key (catalog §2).
    pub(super) fn ladder(&mut self, ex: &[Exchange], i: usize, m2: &MsgRec) -> Option<Finding> {
        let x = ex.get(i)?;
        let (ap, sta) = (x.ap, x.sta);
        let raw: Vec<u8> = m2.raw.as_deref()?.to_vec();
        let version = m2.version;
        let pair = self.pairs.get(&(ap, sta));
        let akm = x.akm.or(pair.and_then(|p| p.akm)).unwrap_or(Akm::PSK);
        let cipher = x
            .cipher
            .or(pair.and_then(|p| p.cipher))
            .unwrap_or(if version == 1 {
                Cipher::TKIP
            } else {
                Cipher::CCMP128
            });
        let (ssid, ft_ids) = self.derive_context(ap, sta);
        let ft_ids = Some(ft_ids);
        let anonces = x.anonces();
        let snonces = x.snonces();
        let verifies = |c: &Candidate, a: Akm, ci: Cipher, an: &[[u8; 32]]| -> Option<[u8; 32]> {
            for n in an {
                for s in &snonces {
                    if let Some(p) =
                        derive_one(c, a, ci, ap, sta, n, s, ssid.as_deref(), ft_ids.as_ref())
                    {
                        if verify(Some(a), version, &p.kck, &raw).is_ok() {
                            return Some(*n);
                        }
                    }
                }
            }
            None
        };
        let f = F { x };
        let m2f = m2.frame;

        // H7: the KCK of an earlier PTK of this pair (rekey with a stale key context).
        let mut prev = x.previous;
        while let Some(p) = prev {
            let Some(px) = ex.get(p) else { break };
            if let Some(ptk) = &px.ptk {
                if verify(Some(akm), version, &ptk.kck, &raw).is_ok() {
                    let from = px.messages.first().map(|m| m.frame).unwrap_or(0);
                    let secure = view(m2).is_some_and(|k| k.key_info().secure());
                    let ap_react = x
                        .messages
                        .iter()
                        .filter(|m| m.kind == MsgKind::M1 && m.frame > m2f)
                        .count();
                    let mut ev = vec![
                        format!("M2 MIC at frame {m2f} does not verify with the PTK of this exchange (ANonce/SNonce of frames {:?})", x.messages.iter().filter(|m| matches!(m.kind, MsgKind::M1 | MsgKind::M2)).map(|m| m.frame).collect::<Vec<_>>()),
                        format!("it verifies with the KCK of the PTK from the handshake at frame {from} → stale PTK (hypothesis H7)"),
                    ];
                    if secure && x.kind == Kind::Rekey {
                        ev.push("the Secure bit is set in this M2, a secondary symptom of the same stale key context".into());
                    }
                    if ap_react > 0 {
                        ev.push(format!(
                            "the AP rejected it: Message 1 was sent {ap_react} more time(s)"
                        ));
                    }
                    return Some(f.make(
                        "stale-ptk",
                        "major",
                        "client",
                        vec![from, m2f],
                        "12.7.6.3",
                        format!("the client computed its Message 2 MIC (frame {m2f}) with the KCK of its previous PTK (handshake at frame {from}) instead of this exchange's: its key context was not reset for the {}", if x.kind == Kind::Rekey { "rekey" } else { "new handshake" }),
                        ev,
                    ));
                }
            }
            prev = px.previous;
        }

        let obvious = {
            let keys = &self.keys;
            self.pmks
                .candidates(keys, ssid.as_deref(), Some(akm), Some(sta))
        };
        // H5: the ANonce of an earlier M1 (this exchange's other M1s are already tried; look
        // at the previous exchange's).
        let mut earlier: Vec<[u8; 32]> = Vec::new();
        if let Some(px) = x.previous.and_then(|p| ex.get(p)) {
            for m in px.messages.iter().filter(|m| m.kind == MsgKind::M1) {
                if !anonces.contains(&m.nonce) && !earlier.contains(&m.nonce) {
                    earlier.push(m.nonce);
                }
            }
        }
        if !earlier.is_empty() {
            for c in &obvious {
                if let Some(n) = verifies(c, akm, cipher, &earlier) {
                    return Some(f.make(
                        "stale-anonce",
                        "major",
                        "ap",
                        vec![m2f],
                        "12.7.6.2, 12.7.6.6",
                        format!("the client's Message 2 (frame {m2f}) answers an earlier Message 1: the AP changed the ANonce between attempts"),
                        vec![format!("M2 MIC verifies with ANonce {} of an earlier M1 (hypothesis H5)", hex::encode(n))],
                    ));
                }
            }
        }

        // H1: other PSKs (--candidates). Only while the AP rejected M2: when the AP answered
        // with M3 it holds the client's key, and a candidate that verifies is simply the
        // network's key (the one given to fourway is wrong, no device is).
        let m3_follows = x
            .messages
            .iter()
            .any(|m| m.kind == MsgKind::M3 && m.frame > m2f);
        if let (Some(ssid), false) = (ssid.as_deref(), m3_follows) {
            let cands: Vec<(usize, usize)> = self
                .keys
                .candidates
                .iter()
                .enumerate()
                .map(|(k, (_, line))| (k, *line))
                .collect();
            for (k, line) in cands {
                let Some(p) = self.keys.candidates.get(k).map(|(p, _)| p.clone()) else {
                    continue;
                };
                let Some(pmk) = self.pmks.psk_of(k, &p, ssid) else {
                    continue;
                };
                let c = Candidate {
                    source: KeySource::Pmk(usize::MAX),
                    key: pmk,
                };
                if verifies(&c, akm, cipher, &anonces).is_some() {
                    return Some(f.make(
                        "wrong-psk",
                        "critical",
                        "config",
                        vec![m2f],
                        "12.7.6.3",
                        format!("the client uses a different passphrase than the AP: its Message 2 (frame {m2f}) verifies with candidate passphrase #{} (line {line} of the candidates file), not with the network's", k + 1),
                        vec![format!("M2 MIC verifies with candidate #{} (hypothesis H1): the client holds that passphrase; the AP holds the configured one", k + 1)],
                    ));
                }
            }
        }

        // H3: another AKM / KDF / MIC algorithm.
        let others: &[Akm] = if akm.is_ft() {
            &[]
        } else if akm.is_psk() || akm.is_wpa1() {
            &[Akm::PSK, Akm::PSK_SHA256, Akm::PSK_SHA384, Akm::SAE]
        } else {
            &[Akm::IEEE8021X, Akm::IEEE8021X_SHA256, Akm::SUITE_B_192]
        };
        for other in others.iter().filter(|a| **a != akm) {
            for c in &obvious {
                for n in &anonces {
                    for s in &snonces {
                        let Some(p) =
                            derive_one(c, *other, cipher, ap, sta, n, s, ssid.as_deref(), None)
                        else {
                            continue;
                        };
                        for v in [1u8, 2, 3, 0] {
                            if verify(Some(*other), v, &p.kck, &raw).is_ok()
                                || (v != version && verify(None, v, &p.kck, &raw).is_ok())
                            {
                                return Some(f.make(
                                    "akm-mismatch",
                                    "critical",
                                    "client",
                                    vec![m2f],
                                    "12.7.2, 12.7.1.3",
                                    format!("the client's Message 2 (frame {m2f}) is keyed for AKM {} although {} was negotiated", other.name().unwrap_or("?"), akm.name().unwrap_or("?")),
                                    vec![format!("the M2 MIC verifies only with the KDF/MIC algorithm of {other} (hypothesis H3)")],
                                ));
                            }
                        }
                    }
                }
            }
        }

        // H8: an all-zero PMK.
        if let Ok(zero) = Pmk::from_slice(&[0u8; 32]) {
            let c = Candidate {
                source: KeySource::Pmk(usize::MAX),
                key: Arc::new(zero),
            };
            if verifies(&c, akm, cipher, &anonces).is_some() {
                return Some(f.make(
                    "zero-pmk",
                    "critical",
                    "client",
                    vec![m2f],
                    "12.7.1.3",
                    format!("the client ran this handshake with an all-zero PMK (Message 2 at frame {m2f})"),
                    vec!["the M2 MIC verifies with PMK = 00…00 (hypothesis H8)".into()],
                ));
            }
        }

        // H2: FT-802.1X with the wrong half of the MSK.
        if akm.is_ft() && akm.is_8021x() {
            for (k, msk) in self.keys.msks.iter().enumerate() {
                if let Some(first) = msk
                    .expose_secret()
                    .get(..32)
                    .and_then(|b| Pmk::from_slice(b).ok())
                {
                    let c = Candidate {
                        source: KeySource::Msk(k),
                        key: Arc::new(first),
                    };
                    if verifies(&c, akm, cipher, &anonces).is_some() {
                        return Some(f.make(
                            "ft-msk-half",
                            "critical",
                            "client",
                            vec![m2f],
                            "12.7.1.7.3",
                            format!("the client derived its FT key hierarchy from the first half of the MSK; XXKey is the second 256 bits (frame {m2f})"),
                            vec!["the M2 MIC verifies with XXKey = L(MSK, 0, 256) (hypothesis H2)".into()],
                        ));
                    }
                }
            }
        }

        // H9: another PMK the capture's key material offers (another SSID, an earlier PMK).
        let mut other_pmks: Vec<Candidate> = Vec::new();
        let ssids: Vec<Vec<u8>> = self
            .bss
            .values()
            .filter_map(|b| b.ssid.clone())
            .filter(|s| Some(s) != ssid.as_ref())
            .collect();
        for s in &ssids {
            let keys = &self.keys;
            other_pmks.extend(self.pmks.candidates(keys, Some(s), Some(akm), Some(sta)));
        }
        for c in &other_pmks {
            if verifies(c, akm, cipher, &anonces).is_some() {
                return Some(f.make(
                    "stale-pmk",
                    "major",
                    "client",
                    vec![m2f],
                    "12.7.1.3",
                    format!("the client's Message 2 (frame {m2f}) is keyed with a PMK that is not this network's (another network's or an earlier one)"),
                    vec!["the M2 MIC verifies with another PMK from the key material (hypothesis H9)".into()],
                ));
            }
        }

        // Nothing verifies: say so; accuse only when the AP's own behaviour agrees.
        let m3_after = x
            .messages
            .iter()
            .find(|m| m.kind == MsgKind::M3 && m.frame > m2f)
            .map(|m| m.frame);
        if let Some(m3f) = m3_after {
            return Some(f.make(
                "mic-unverifiable",
                "info",
                "none",
                vec![m2f, m3f],
                "12.7.6.3",
                format!("the Message 2 MIC (frame {m2f}) does not verify with the key material given, but the AP accepted it (Message 3 at frame {m3f}): the key given is not the one this network uses"),
                vec!["no hypothesis of the ladder (H1-H9) makes the MIC verify; nobody is accused".into()],
            ));
        }
        let retries = x
            .messages
            .iter()
            .filter(|m| {
                m.kind == MsgKind::M1 && m.frame > m2f && m.replay_counter > m2.replay_counter
            })
            .count();
        let deauth = self
            .pairs
            .get(&(ap, sta))
            .and_then(|p| {
                p.ev.deauths
                    .iter()
                    .find(|d| d.frame > m2f && d.from_ap)
                    .copied()
            })
            .filter(|d| matches!(d.reason, 2 | 13 | 15 | 17..=24));
        if retries > 0 || deauth.is_some() {
            let mut ev = vec![
                format!("M2 MIC at frame {m2f} does not verify with the network's key"),
                "no other hypothesis (stale PTK, earlier ANonce, other AKM, zero PMK, other PMK) makes it verify".into(),
            ];
            if retries > 0 {
                ev.push(format!(
                    "the AP rejected it too: Message 1 was sent {retries} more time(s)"
                ));
            }
            if let Some(d) = deauth {
                ev.push(format!(
                    "the AP deauthenticated the client at frame {} (reason {})",
                    d.frame,
                    rsn_wire::reason::ReasonCode(d.reason)
                ));
            }
            ev.push(
                "give the client's passphrase(s) with --candidates FILE to name the wrong one"
                    .into(),
            );
            return Some(f.make(
                "wrong-psk",
                "critical",
                "config",
                vec![m2f],
                "12.7.6.3",
                format!("the client's passphrase differs from the AP's: its Message 2 (frame {m2f}) fails the MIC with the network's key and the AP rejects it"),
                ev,
            ));
        }
        Some(f.make(
            "mic-unverifiable",
            "info",
            "none",
            vec![m2f],
            "12.7.6.3",
            format!("the Message 2 MIC (frame {m2f}) does not verify with the key material given and no hypothesis explains it"),
            vec!["no hypothesis of the ladder makes the MIC verify; nobody is accused".into()],
        ))
    }

    /// PMKR1Name the exchange's verified key material gives (FT).
    pub(super) fn pmk_r1_name(&mut self, x: &Exchange) -> Option<[u8; 16]> {
        let pair = self.pairs.get(&(x.ap, x.sta))?;
        let akm = x.akm.or(pair.akm)?;
        let source = x.source?;
        let ssid = pair
            .ssid
            .clone()
            .or_else(|| self.bss.get(&x.ap).and_then(|b| b.ssid.clone()))?;
        let mdid = pair.mdid.or(self
            .bss
            .get(&x.ap)
            .and_then(|b| b.mde.as_ref().map(|m| m.mdid)))?;
        let r0kh = pair.r0kh_id.clone()?;
        let r1kh = pair.r1kh_id.unwrap_or(x.ap);
        let keys = &self.keys;
        let c = self
            .pmks
            .candidates(keys, Some(&ssid), Some(akm), Some(x.sta))
            .into_iter()
            .find(|c| c.source == source)?;
        let (r0, r0n) = ft::derive_pmk_r0(akm, &c.key, &ssid, mdid, &r0kh, &x.sta).ok()?;
        let (_, r1n) = ft::derive_pmk_r1(akm, &r0, &r0n, &r1kh, &x.sta).ok()?;
        Some(r1n)
    }

    /// PMKID of the verified PMK (non-FT, non-SAE AKMs).
    pub(super) fn expected_pmkid(&mut self, x: &Exchange) -> Option<[u8; 16]> {
        let pair = self.pairs.get(&(x.ap, x.sta))?;
        let akm = x.akm.or(pair.akm)?;
        let source = x.source?;
        let ssid = pair
            .ssid
            .clone()
            .or_else(|| self.bss.get(&x.ap).and_then(|b| b.ssid.clone()));
        let keys = &self.keys;
        let c = self
            .pmks
            .candidates(keys, ssid.as_deref(), Some(akm), Some(x.sta))
            .into_iter()
            .find(|c| c.source == source)?;
        let a = if akm.is_wpa1() { Akm::PSK } else { akm };
        rsn_crypto::pmkid(a, &c.key, &x.ap, &x.sta).ok()
    }
}
