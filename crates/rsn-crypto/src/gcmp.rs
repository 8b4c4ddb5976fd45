//! GCMP-128 and GCMP-256 (IEEE 802.11-2020 12.5.5), on RustCrypto `aes-gcm`.
//!
//! Same framing and AAD as CCMP; nonce = A2 || PN; MIC always 16 octets.

use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes128Gcm, Aes256Gcm};
use cipher::KeyInit;

use crate::frame::{self, AadOptions, Decrypted};
use crate::mic::Mic;
use crate::secret::Tk;
use crate::{CryptoError, Result};

// Unboxed on purpose: a key lives long and is used per frame; no indirection.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
enum Inner {
    G128(Aes128Gcm),
    G256(Aes256Gcm),
}

/// A GCMP temporal key with its AES key schedule and GHASH key prepared.
#[derive(Clone)]
pub struct GcmpKey {
    inner: Inner,
    opts: AadOptions,
}

impl core::fmt::Debug for GcmpKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.inner {
            Inner::G128(_) => f.write_str("GcmpKey(GCMP-128)"),
            Inner::G256(_) => f.write_str("GcmpKey(GCMP-256)"),
        }
    }
}

/// GCMP MIC length (IEEE 802.11-2020 12.5.5.2).
pub const GCMP_MIC_LEN: usize = 16;

impl GcmpKey {
    /// GCMP-128 for a 16-octet TK, GCMP-256 for a 32-octet TK.
    pub fn new(tk: &Tk) -> Result<Self> {
        let k = tk.expose_secret();
        let inner = match k.len() {
            16 => Inner::G128(Aes128Gcm::new(k.into())),
            32 => Inner::G256(Aes256Gcm::new(k.into())),
            n => {
                return Err(CryptoError::InvalidKeyLength {
                    what: "GCMP TK",
                    len: n,
                })
            }
        };
        Ok(GcmpKey {
            inner,
            opts: AadOptions::default(),
        })
    }

    /// Use these AAD options (SPP A-MSDU).
    pub fn with_aad_options(mut self, opts: AadOptions) -> Self {
        self.opts = opts;
        self
    }

    /// GCM encryption with an explicit nonce and AAD; returns the 16-octet MIC.
    pub fn seal_raw(&self, nonce: &[u8; 12], aad: &[u8], data: &mut [u8]) -> Result<Mic> {
        let r = match &self.inner {
            Inner::G128(c) => c.encrypt_in_place_detached(nonce.into(), aad, data),
            Inner::G256(c) => c.encrypt_in_place_detached(nonce.into(), aad, data),
        };
        let tag = r.map_err(|_| CryptoError::InvalidLength {
            what: "GCMP payload",
            len: data.len(),
        })?;
        Mic::from_slice(&tag)
    }

    /// GCM decryption with an explicit nonce and AAD, in place.
    pub fn open_raw(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        data: &mut [u8],
        mic: &[u8],
    ) -> Result<()> {
        if mic.len() != GCMP_MIC_LEN {
            return Err(CryptoError::InvalidLength {
                what: "GCMP MIC",
                len: mic.len(),
            });
        }
        let r = match &self.inner {
            Inner::G128(c) => c.decrypt_in_place_detached(nonce.into(), aad, data, mic.into()),
            Inner::G256(c) => c.decrypt_in_place_detached(nonce.into(), aad, data, mic.into()),
        };
        r.map_err(|_| CryptoError::DecryptFailed)
    }

    /// Encrypt `header || body` into `header (Protected set) || GCMP header || ciphertext || MIC`.
    pub fn encrypt(
        &self,
        frame: &[u8],
        pn: u64,
        key_id: u8,
        out: &mut alloc::vec::Vec<u8>,
    ) -> Result<()> {
        frame::seal_mpdu(frame, pn, key_id, out, |h, data| {
            let aad = frame::build_aad(h, self.opts);
            self.seal_raw(&frame::gcmp_nonce(h, pn), aad.as_bytes(), data)
        })
    }

    /// Decrypt a protected MPDU into `header (Protected cleared) || plaintext body`.
    pub fn decrypt(&self, mpdu: &[u8], out: &mut alloc::vec::Vec<u8>) -> Result<Decrypted> {
        frame::open_mpdu(mpdu, GCMP_MIC_LEN, out, |h, pn, data, mic| {
            let aad = frame::build_aad(h, self.opts);
            self.open_raw(&frame::gcmp_nonce(h, pn), aad.as_bytes(), data, mic)
        })
    }
}
