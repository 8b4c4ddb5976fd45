//! The passive observer behind the truth file: what a receiver that holds only the
//! network's passphrase or PMK can derive from the frames the sniffer captured. A PTK is
//! derivable once the capture holds an ANonce (M1/M3) and an M2 whose MIC verifies under
//! the PTK those nonces give; a GTK once a captured M3/G1 delivers it under such a PTK.
//! Protected EAPOL frames count only when their own key is derivable.

use rsn_crypto::ft::{derive_ft_ptk, derive_pmk_r0, derive_pmk_r1};
use rsn_crypto::keywrap::{aes_unwrap, rc4_key_data};
use rsn_crypto::mic::{verify_mic, EAPOL_KEY_MIC_OFFSET};
use rsn_crypto::{derive_ptk, Pmk, PmkR1, Ptk};
use rsn_handshake::Suite;
use rsn_wire::eapol::EapolKeyRepr;
use rsn_wire::kde::{Kde, KeyDataItem, KeyDataItems};
use rsn_wire::MacAddr;
use zeroize::Zeroizing;

/// What a network's key material is.
#[derive(Clone)]
pub(crate) enum Basis {
    /// PMK-based AKMs.
    Pmk(Pmk),
    /// FT: XXKey and the mobility domain parameters (R1KH-ID = BSSID).
    Ft {
        xxkey: Pmk,
        ssid: Vec<u8>,
        mdid: [u8; 2],
        r0kh_id: Vec<u8>,
    },
}

/// Derivation context of one (AP, client) pair.
pub(crate) struct PairKeys {
    aa: MacAddr,
    spa: MacAddr,
    suite: Suite,
    /// PMK-R1 and PMKR1Name (FT) or the PMK.
    r1: Option<(PmkR1, [u8; 16])>,
    pmk: Option<Pmk>,
    anonces: Vec<[u8; 32]>,
    m2s: Vec<Vec<u8>>,
    ptks: Vec<Ptk>,
}

impl PairKeys {
    pub(crate) fn new(basis: &Basis, suite: Suite, aa: MacAddr, spa: MacAddr) -> Self {
        let (pmk, r1) = match basis {
            Basis::Pmk(p) => (Some(p.clone()), None),
            Basis::Ft {
                xxkey,
                ssid,
                mdid,
                r0kh_id,
            } => {
                let r1 = derive_pmk_r0(suite.akm, xxkey, ssid, *mdid, r0kh_id, &spa)
                    .and_then(|(r0, name)| derive_pmk_r1(suite.akm, &r0, &name, &aa, &spa))
                    .ok();
                (None, r1)
            }
        };
        PairKeys {
            aa,
            spa,
            suite,
            r1,
            pmk,
            anonces: Vec::new(),
            m2s: Vec::new(),
            ptks: Vec::new(),
        }
    }

    fn derive(&self, anonce: &[u8; 32], snonce: &[u8; 32]) -> Option<Ptk> {
        let s = &self.suite;
        match (&self.pmk, &self.r1) {
            (Some(pmk), _) => {
                derive_ptk(pmk, s.akm, s.pairwise, &self.aa, &self.spa, anonce, snonce).ok()
            }
            (None, Some((r1, name))) => derive_ft_ptk(
                s.akm, s.pairwise, r1, name, snonce, anonce, &self.aa, &self.spa,
            )
            .ok()
            .map(|(p, _)| p),
            (None, None) => None,
        }
    }

    fn try_pair(&mut self, anonce: &[u8; 32], m2: &[u8]) -> bool {
        let Some(snonce) = m2.get(17..49).and_then(|s| <[u8; 32]>::try_from(s).ok()) else {
            return false;
        };
        let Some(ptk) = self.derive(anonce, &snonce) else {
            return false;
        };
        let Ok(alg) = self.suite.mic_algorithm() else {
            return false;
        };
        if verify_mic(alg, &ptk.kck, m2, EAPOL_KEY_MIC_OFFSET).is_err() {
            return false;
        }
        if self.ptks.iter().any(|p| p.tk == ptk.tk) {
            return false;
        }
        self.ptks.push(ptk);
        true
    }

    /// A captured, readable EAPOL-Key frame. Returns the GTKs it delivers under a
    /// derivable PTK, and whether a new PTK became derivable.
    pub(crate) fn on_eapol(&mut self, eapol: &[u8]) -> (Vec<Zeroizing<Vec<u8>>>, bool) {
        let mic_len = self.suite.mic_len();
        let Ok(k) = EapolKeyRepr::parse_bytes(eapol, mic_len) else {
            return (Vec::new(), false);
        };
        let ki = k.key_info;
        let mut new_ptk = false;
        if ki.key_type_pairwise() && ki.key_ack() {
            if !self.anonces.contains(&k.key_nonce) {
                self.anonces.push(k.key_nonce);
                for i in 0..self.m2s.len() {
                    if let Some(m2) = self.m2s.get(i).cloned() {
                        new_ptk |= self.try_pair(&k.key_nonce, &m2);
                    }
                }
            }
        } else if ki.key_type_pairwise() && !ki.request() && k.key_nonce != [0; 32] {
            self.m2s.push(eapol.to_vec());
            for a in self.anonces.clone() {
                new_ptk |= self.try_pair(&a, eapol);
            }
        }
        let mut gtks = Vec::new();
        if ki.key_ack() && ki.encrypted_key_data() && ki.key_mic() {
            let Ok(alg) = self.suite.mic_algorithm() else {
                return (gtks, new_ptk);
            };
            for ptk in &self.ptks {
                if verify_mic(alg, &ptk.kck, eapol, EAPOL_KEY_MIC_OFFSET).is_err() {
                    continue;
                }
                let plain = if self.suite.rc4_key_data() {
                    let mut d = Zeroizing::new(k.key_data.clone());
                    if rc4_key_data(&ptk.kek, &k.key_iv, &mut d).is_err() {
                        continue;
                    }
                    d
                } else {
                    match aes_unwrap(&ptk.kek, &k.key_data) {
                        Ok(d) => d,
                        Err(_) => continue,
                    }
                };
                for item in KeyDataItems::new(&plain).flatten() {
                    if let KeyDataItem::Kde(Kde::Gtk { gtk, .. }) = item {
                        gtks.push(Zeroizing::new(gtk.to_vec()));
                    }
                }
            }
        }
        (gtks, new_ptk)
    }

    /// Is this TK derivable from the capture so far?
    pub(crate) fn has_tk(&self, tk: &[u8]) -> bool {
        self.ptks.iter().any(|p| p.tk.expose_secret() == tk)
    }
}
