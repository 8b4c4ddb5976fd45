//! Data-frame protection with reusable key objects (one per installed key), so a million
//! frames cost one key schedule each, not one per frame.

use rsn_crypto::ccmp::CcmpKey;
use rsn_crypto::gcmp::GcmpKey;
use rsn_crypto::tkip::TkipKey;
use rsn_crypto::{CryptoError, Tk};
use rsn_wire::Cipher;

/// A temporal key ready to protect frames.
pub(crate) enum DataKey {
    Ccmp(CcmpKey),
    Gcmp(GcmpKey),
    Tkip(TkipKey),
}

impl DataKey {
    /// A key object for `cipher` from the TK octets.
    pub(crate) fn new(cipher: Cipher, tk: &[u8]) -> Result<Self, CryptoError> {
        let tk = Tk::from_slice(tk)?;
        Ok(match cipher.normalized() {
            Cipher::TKIP => DataKey::Tkip(TkipKey::new(&tk)?),
            Cipher::GCMP128 | Cipher::GCMP256 => DataKey::Gcmp(GcmpKey::new(&tk)?),
            _ => DataKey::Ccmp(CcmpKey::new(&tk)?),
        })
    }

    /// Protect a plaintext MPDU with packet number `pn` under `key_id`.
    pub(crate) fn encrypt(
        &self,
        frame: &[u8],
        pn: u64,
        key_id: u8,
        out: &mut Vec<u8>,
    ) -> Result<(), CryptoError> {
        match self {
            DataKey::Ccmp(k) => k.encrypt(frame, pn, key_id, out),
            DataKey::Gcmp(k) => k.encrypt(frame, pn, key_id, out),
            DataKey::Tkip(k) => k.encrypt(frame, pn, key_id, out),
        }
    }

    /// TKIP only: protect with this key's RC4/ICV but append the Michael MIC computed
    /// with `michael_key` (a stale key: the receiver's ICV verifies, its Michael check
    /// fails, IEEE 802.11-2020 12.5.2.4).
    pub(crate) fn encrypt_tkip_with_michael(
        &self,
        frame: &[u8],
        michael_key: &[u8; 8],
        tsc: u64,
        key_id: u8,
        out: &mut Vec<u8>,
    ) -> Result<(), CryptoError> {
        let DataKey::Tkip(k) = self else {
            return self.encrypt(frame, tsc, key_id, out);
        };
        let h = rsn_crypto::frame::parse_header(frame)?;
        let body = frame.get(h.len..).unwrap_or(&[]);
        let mic = rsn_crypto::tkip::michael_mic(michael_key, &h.da(), &h.sa(), h.tid(), body);
        k.encrypt_mpdu_raw(frame, &mic, tsc, key_id, out)
    }
}
