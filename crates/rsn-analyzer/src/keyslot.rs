//! Temporal keys ready to decrypt: the expanded cipher objects, built once per key.

use rsn_crypto::ccmp::CcmpKey;
use rsn_crypto::frame::Decrypted;
use rsn_crypto::gcmp::GcmpKey;
use rsn_crypto::tkip::{MichaelDirection, TkipKey};
use rsn_crypto::{CryptoError, Tk};
use rsn_wire::Cipher;

/// The cipher object of one temporal key.
pub(crate) enum CipherKey {
    Ccmp(CcmpKey),
    Gcmp(GcmpKey),
    Tkip(TkipKey),
}

/// One temporal key (pairwise or group) with an identity for PN tracking.
pub(crate) struct KeySlot {
    /// Unique per analyzer run: PN state is tracked per (slot id, transmitter, TID).
    pub id: u32,
    pub key: CipherKey,
    /// An all-zero TK (Kr00k and KRACK variants install one).
    pub all_zero: bool,
}

impl KeySlot {
    /// Build the cipher object for `cipher` from the TK octets; `None` for unsupported
    /// ciphers or lengths.
    pub fn new(id: u32, cipher: Cipher, tk: &[u8]) -> Option<KeySlot> {
        let c = cipher.normalized();
        let tkv = Tk::from_slice(tk).ok()?;
        let key = match c {
            Cipher::CCMP128 if tk.len() == 16 => CipherKey::Ccmp(CcmpKey::new(&tkv).ok()?),
            Cipher::CCMP256 if tk.len() == 32 => CipherKey::Ccmp(CcmpKey::new(&tkv).ok()?),
            Cipher::GCMP128 if tk.len() == 16 => CipherKey::Gcmp(GcmpKey::new(&tkv).ok()?),
            Cipher::GCMP256 if tk.len() == 32 => CipherKey::Gcmp(GcmpKey::new(&tkv).ok()?),
            Cipher::TKIP if tk.len() == 32 => CipherKey::Tkip(TkipKey::new(&tkv).ok()?),
            _ => return None,
        };
        Some(KeySlot {
            id,
            key,
            all_zero: tk.iter().all(|b| *b == 0),
        })
    }

    /// Decrypt `mpdu` into `out` (`header || plaintext`, Protected cleared).
    /// `from_supplicant` picks the TKIP Michael key (IEEE 802.11-2020 12.8.1).
    pub fn decrypt(
        &self,
        mpdu: &[u8],
        from_supplicant: bool,
        out: &mut Vec<u8>,
    ) -> Result<Decrypted, CryptoError> {
        match &self.key {
            CipherKey::Ccmp(k) => k.decrypt(mpdu, out),
            CipherKey::Gcmp(k) => k.decrypt(mpdu, out),
            CipherKey::Tkip(k) => {
                let dir = if from_supplicant {
                    MichaelDirection::FromSupplicant
                } else {
                    MichaelDirection::FromAuthenticator
                };
                k.decrypt_with_direction(mpdu, dir, out)
            }
        }
    }
}

/// The ciphers a TK of this length can belong to, most common first.
pub(crate) fn ciphers_for_len(len: usize) -> &'static [Cipher] {
    match len {
        16 => &[Cipher::CCMP128, Cipher::GCMP128],
        32 => &[Cipher::TKIP, Cipher::CCMP256, Cipher::GCMP256],
        _ => &[],
    }
}
