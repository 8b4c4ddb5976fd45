//! Key material the user supplies, and the PMK candidates derived from it.
//!
//! Each PMK is derived once (PBKDF2 is the expensive step: 8192 HMAC-SHA1 per passphrase and
//! SSID) and shared by every client of the network.

use std::collections::HashMap;
use std::sync::Arc;

use rsn_crypto::{ft, psk_from_passphrase, Msk, Passphrase, Pmk, Tk};
use rsn_wire::{Akm, MacAddr};

/// A passphrase, optionally bound to one SSID.
pub struct PassphraseEntry {
    /// The passphrase.
    pub passphrase: Passphrase,
    /// The SSID it belongs to; `None`: try it with every SSID seen.
    pub ssid: Option<Vec<u8>>,
}

/// Everything the user gave: `--passphrase/--ssid`, `--pmk`, `--msk`, `--tk`, `--keys FILE`.
#[derive(Default)]
pub struct KeyMaterial {
    /// Passphrases.
    pub passphrases: Vec<PassphraseEntry>,
    /// PMKs / PSKs (256 or 384 bits).
    pub pmks: Vec<Pmk>,
    /// EAP MSKs.
    pub msks: Vec<Msk>,
    /// Temporal keys (pairwise or group), tried on frames no handshake gave a key for.
    pub tks: Vec<Tk>,
    /// Candidate passphrases for the MIC hypothesis ladder (`--candidates FILE`: old PSKs
    /// after a rotation): never used to decrypt, only to explain a failing MIC. Each with the
    /// line it came from.
    pub candidates: Vec<(Passphrase, usize)>,
    /// EAP sessions found in RADIUS captures and TLS key logs, each bound to its client
    /// (add them with [`KeyMaterial::add_session`], which indexes them).
    pub sessions: Vec<crate::enterprise::EapSession>,
    /// `sessions` by client (`None`: bound to no client), so a capture with many clients
    /// does not try every client's sessions on every handshake.
    session_index: HashMap<Option<MacAddr>, Vec<usize>>,
}

impl KeyMaterial {
    /// No key material at all.
    pub fn is_empty(&self) -> bool {
        self.passphrases.is_empty()
            && self.pmks.is_empty()
            && self.msks.is_empty()
            && self.tks.is_empty()
            && self.sessions.is_empty()
    }

    /// Add an EAP session.
    pub fn add_session(&mut self, s: crate::enterprise::EapSession) {
        self.session_index
            .entry(s.sta)
            .or_default()
            .push(self.sessions.len());
        self.sessions.push(s);
    }

    /// Indices of the sessions bound to `sta` (`None`: to no client).
    pub(crate) fn sessions_of(&self, sta: Option<MacAddr>) -> &[usize] {
        self.session_index.get(&sta).map_or(&[], Vec::as_slice)
    }

    /// Any material a PMK can come from.
    pub fn has_pmk_material(&self) -> bool {
        !(self.passphrases.is_empty()
            && self.pmks.is_empty()
            && self.msks.is_empty()
            && self.sessions.is_empty())
    }
}

impl core::fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KeyMaterial")
            .field("passphrases", &self.passphrases.len())
            .field("pmks", &self.pmks.len())
            .field("msks", &self.msks.len())
            .field("tks", &self.tks.len())
            .field("candidates", &self.candidates.len())
            .field("sessions", &self.sessions.len())
            .finish()
    }
}

/// Where a PMK came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeySource {
    /// The n-th passphrase, with the SSID of the network.
    Passphrase(usize),
    /// The n-th PMK/PSK given.
    Pmk(usize),
    /// The n-th MSK given.
    Msk(usize),
    /// The n-th EAP session, its MSK from a RADIUS Access-Accept.
    Radius(usize),
    /// The n-th EAP session, its MSK derived through the TLS key log.
    TlsKeylog(usize),
}

impl KeySource {
    /// Label used in reports.
    pub fn label(self) -> &'static str {
        match self {
            KeySource::Passphrase(_) => "passphrase",
            KeySource::Pmk(_) => "pmk",
            KeySource::Msk(_) => "msk",
            KeySource::Radius(_) => "radius",
            KeySource::TlsKeylog(_) => "tls-keylog",
        }
    }

    /// The EAP session, for sources that are one.
    pub fn session(self) -> Option<usize> {
        match self {
            KeySource::Radius(i) | KeySource::TlsKeylog(i) => Some(i),
            _ => None,
        }
    }
}

/// A PMK to try (for FT AKMs: the XXKey).
#[derive(Clone)]
pub(crate) struct Candidate {
    pub source: KeySource,
    pub key: Arc<Pmk>,
}

/// PMKs derived so far.
#[derive(Default)]
pub(crate) struct PmkCache {
    psk: HashMap<(usize, Vec<u8>), Arc<Pmk>>,
    /// PBKDF2 runs.
    pub derivations: u64,
}

impl PmkCache {
    /// PSK of an arbitrary passphrase (the `--candidates` list), cached by its text hash.
    pub fn psk_of(&mut self, slot: usize, p: &Passphrase, ssid: &[u8]) -> Option<Arc<Pmk>> {
        // Candidates live in their own index space, far from the passphrase indices.
        let key = (usize::MAX - slot, ssid.to_vec());
        if let Some(k) = self.psk.get(&key) {
            return Some(k.clone());
        }
        let pmk = Arc::new(psk_from_passphrase(p, ssid).ok()?);
        self.derivations += 1;
        self.psk.insert(key, pmk.clone());
        Some(pmk)
    }

    fn psk(&mut self, keys: &KeyMaterial, idx: usize, ssid: &[u8]) -> Option<Arc<Pmk>> {
        if let Some(p) = self.psk.get(&(idx, ssid.to_vec())) {
            return Some(p.clone());
        }
        let entry = keys.passphrases.get(idx)?;
        let pmk = Arc::new(psk_from_passphrase(&entry.passphrase, ssid).ok()?);
        self.derivations += 1;
        self.psk.insert((idx, ssid.to_vec()), pmk.clone());
        Some(pmk)
    }

    /// The keys to try for a network with `ssid` (if known) and `akm` (if known), most likely
    /// first. For FT AKMs these are XXKeys.
    pub fn candidates(
        &mut self,
        keys: &KeyMaterial,
        ssid: Option<&[u8]>,
        akm: Option<Akm>,
        sta: Option<MacAddr>,
    ) -> Vec<Candidate> {
        let mut out = Vec::new();
        let psk_like = akm.is_none_or(|a| a.is_psk() || !a.is_8021x());
        if psk_like {
            for (i, e) in keys.passphrases.iter().enumerate() {
                let ssid = match (&e.ssid, ssid) {
                    (Some(given), Some(seen)) if given.as_slice() != seen => continue,
                    (Some(given), _) => given.clone(),
                    (None, Some(seen)) => seen.to_vec(),
                    (None, None) => continue,
                };
                if let Some(k) = self.psk(keys, i, &ssid) {
                    out.push(Candidate {
                        source: KeySource::Passphrase(i),
                        key: k,
                    });
                }
            }
        }
        for (i, p) in keys.pmks.iter().enumerate() {
            out.push(Candidate {
                source: KeySource::Pmk(i),
                key: Arc::new(p.clone()),
            });
        }
        let eap_like = akm.is_none_or(|a| a.is_8021x());
        if eap_like {
            // The client's own EAP sessions first, newest first; sessions bound to no
            // client (no Calling-Station-Id) after them.
            if let Some(sta) = sta {
                let get = |i: &usize| keys.sessions.get(*i).map(|s| (*i, s));
                let mut mine: Vec<(usize, &crate::enterprise::EapSession)> =
                    keys.sessions_of(Some(sta)).iter().filter_map(get).collect();
                mine.sort_by_key(|(_, s)| core::cmp::Reverse(s.ts_ns));
                let unbound = keys.sessions_of(None).iter().filter_map(get);
                for (i, s) in mine.into_iter().chain(unbound) {
                    if let Some(k) = pmk_of_msk(akm, &s.msk) {
                        let source = match s.origin {
                            crate::enterprise::Origin::Radius => KeySource::Radius(i),
                            crate::enterprise::Origin::TlsKeylog => KeySource::TlsKeylog(i),
                        };
                        out.push(Candidate {
                            source,
                            key: Arc::new(k),
                        });
                    }
                }
            }
            for (i, m) in keys.msks.iter().enumerate() {
                if let Some(k) = pmk_of_msk(akm, m) {
                    out.push(Candidate {
                        source: KeySource::Msk(i),
                        key: Arc::new(k),
                    });
                }
            }
        }
        out
    }
}

/// The PMK an AKM takes from an MSK (for FT AKMs: the XXKey).
pub(crate) fn pmk_of_msk(akm: Option<Akm>, m: &Msk) -> Option<Pmk> {
    match akm {
        // IEEE 802.11-2020 12.7.1.7.3: XXKey is the second 256 bits of the MSK (first 384
        // bits for the SHA-384 FT AKM).
        Some(a) if a.is_ft() => ft::xxkey_from_msk(a, m).ok(),
        // IEEE 802.11-2020 12.7.1.3: PMK = L(MSK, 0, PMK_bits).
        Some(Akm::SUITE_B_192) | Some(Akm::IEEE8021X_SHA384) => m
            .expose_secret()
            .get(..48)
            .and_then(|b| Pmk::from_slice(b).ok()),
        _ => m
            .expose_secret()
            .get(..32)
            .and_then(|b| Pmk::from_slice(b).ok()),
    }
}
