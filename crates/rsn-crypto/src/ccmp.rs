//! CCMP-128 and CCMP-256 (IEEE 802.11-2020 12.5.3), on RustCrypto `ccm` + `aes`.
//!
//! A [`CcmpKey`] expands the AES key schedule once; encrypt/decrypt then reuse it and write
//! into a caller-provided `Vec` (no per-frame allocation once the `Vec` has grown).

use aes::{Aes128, Aes256};
use ccm::aead::AeadInPlace;
use ccm::consts::{U13, U16, U8};
use ccm::Ccm;
use cipher::KeyInit;

use crate::frame::{self, AadOptions, Decrypted};
use crate::mic::Mic;
use crate::secret::Tk;
use crate::{CryptoError, Result};

// Unboxed on purpose: a key lives long and is used per frame; no indirection.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
enum Inner {
    C128(Ccm<Aes128, U8, U13>),
    C256(Ccm<Aes256, U16, U13>),
}

/// A CCMP temporal key with its AES key schedule expanded.
#[derive(Clone)]
pub struct CcmpKey {
    inner: Inner,
    opts: AadOptions,
}

impl core::fmt::Debug for CcmpKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "CcmpKey(CCMP-{})",
            if self.mic_len() == 8 { 128 } else { 256 }
        )
    }
}

impl CcmpKey {
    /// CCMP-128 for a 16-octet TK, CCMP-256 for a 32-octet TK (IEEE 802.11-2020 12.5.3.1).
    pub fn new(tk: &Tk) -> Result<Self> {
        let k = tk.expose_secret();
        let inner = match k.len() {
            16 => Inner::C128(Ccm::new(k.into())),
            32 => Inner::C256(Ccm::new(k.into())),
            n => {
                return Err(CryptoError::InvalidKeyLength {
                    what: "CCMP TK",
                    len: n,
                })
            }
        };
        Ok(CcmpKey {
            inner,
            opts: AadOptions::default(),
        })
    }

    /// Use these AAD options (SPP A-MSDU).
    pub fn with_aad_options(mut self, opts: AadOptions) -> Self {
        self.opts = opts;
        self
    }

    /// MIC length: 8 (CCMP-128) or 16 (CCMP-256).
    pub fn mic_len(&self) -> usize {
        match self.inner {
            Inner::C128(_) => 8,
            Inner::C256(_) => 16,
        }
    }

    /// CCM encryption with an explicit nonce and AAD (for test vectors built under other
    /// AAD rules, e.g. 802.11i-2004's). Encrypts `data` in place and returns the MIC.
    pub fn seal_raw(&self, nonce: &[u8; 13], aad: &[u8], data: &mut [u8]) -> Result<Mic> {
        let r = match &self.inner {
            Inner::C128(c) => c
                .encrypt_in_place_detached(nonce.into(), aad, data)
                .map(|t| Mic::from_slice(&t)),
            Inner::C256(c) => c
                .encrypt_in_place_detached(nonce.into(), aad, data)
                .map(|t| Mic::from_slice(&t)),
        };
        r.map_err(|_| CryptoError::InvalidLength {
            what: "CCMP payload",
            len: data.len(),
        })?
    }

    /// CCM decryption with an explicit nonce and AAD. `data` is decrypted in place; on
    /// [`CryptoError::DecryptFailed`] its contents are unspecified.
    pub fn open_raw(
        &self,
        nonce: &[u8; 13],
        aad: &[u8],
        data: &mut [u8],
        mic: &[u8],
    ) -> Result<()> {
        if mic.len() != self.mic_len() {
            return Err(CryptoError::InvalidLength {
                what: "CCMP MIC",
                len: mic.len(),
            });
        }
        let r = match &self.inner {
            Inner::C128(c) => c.decrypt_in_place_detached(nonce.into(), aad, data, mic.into()),
            Inner::C256(c) => c.decrypt_in_place_detached(nonce.into(), aad, data, mic.into()),
        };
        r.map_err(|_| CryptoError::DecryptFailed)
    }

    /// Encrypt a plaintext MPDU (`header || body`) with `pn` and `key_id`, writing
    /// `header (Protected set) || CCMP header || ciphertext || MIC` to `out`.
    pub fn encrypt(
        &self,
        frame: &[u8],
        pn: u64,
        key_id: u8,
        out: &mut alloc::vec::Vec<u8>,
    ) -> Result<()> {
        frame::seal_mpdu(frame, pn, key_id, out, |h, data| {
            let aad = frame::build_aad(h, self.opts);
            self.seal_raw(&frame::ccmp_nonce(h, pn), aad.as_bytes(), data)
        })
    }

    /// Decrypt a protected MPDU (without FCS), writing `header || plaintext body` to `out`
    /// (Protected bit cleared in the copied header). Errors: malformed input, or
    /// [`CryptoError::DecryptFailed`] when the MIC does not verify (then `out` is empty).
    /// Replay checking of the returned PN is the caller's.
    pub fn decrypt(&self, mpdu: &[u8], out: &mut alloc::vec::Vec<u8>) -> Result<Decrypted> {
        frame::open_mpdu(mpdu, self.mic_len(), out, |h, pn, data, mic| {
            let aad = frame::build_aad(h, self.opts);
            self.open_raw(&frame::ccmp_nonce(h, pn), aad.as_bytes(), data, mic)
        })
    }
}
