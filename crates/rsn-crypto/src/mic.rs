//! EAPOL-Key MIC (IEEE 802.11-2020 12.7.2, Table 12-8).
//!
//! The MIC covers the whole EAPOL PDU, from the 802.1X protocol version octet to the end of
//! the Key Data, with the Key MIC field set to zero (IEEE 802.11-2020 12.7.2 h)).

use aes::Aes128;
use cmac::Cmac;
use hmac::{Hmac, Mac};
use md5::Md5;
use sha1::Sha1;
use sha2::{Sha256, Sha384, Sha512};
use subtle::ConstantTimeEq;

use crate::secret::Kck;
use crate::{CryptoError, Result};

/// Offset of the Key MIC field in an EAPOL PDU carrying an EAPOL-Key frame: 4 octets of
/// 802.1X header, then descriptor type (1), key information (2), key length (2), replay
/// counter (8), nonce (32), IV (16), RSC (8), reserved (8) (IEEE 802.11-2020 Figure 12-32).
pub const EAPOL_KEY_MIC_OFFSET: usize = 81;

/// EAPOL-Key MIC algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MicAlgorithm {
    /// Key descriptor version 1: HMAC-MD5, 16 octets (TKIP, WPA1).
    HmacMd5,
    /// Key descriptor version 2: HMAC-SHA-1 truncated to 128 bits.
    HmacSha1_128,
    /// Key descriptor version 3 (and AKM-defined for SAE, FT-SAE, OSEN): AES-128-CMAC.
    AesCmac128,
    /// AKM-defined: HMAC-SHA-256 truncated to 128 bits (Suite B, OWE/SAE-EXT-KEY group 19).
    HmacSha256_128,
    /// AKM-defined: HMAC-SHA-384 truncated to 192 bits (AKMs 12, 13, 19, 20, 23; group 20).
    HmacSha384_192,
    /// AKM-defined: HMAC-SHA-512 truncated to 256 bits (OWE/SAE-EXT-KEY group 21).
    HmacSha512_256,
}

impl MicAlgorithm {
    /// MIC length in octets.
    pub const fn mic_len(self) -> usize {
        match self {
            MicAlgorithm::HmacMd5
            | MicAlgorithm::HmacSha1_128
            | MicAlgorithm::AesCmac128
            | MicAlgorithm::HmacSha256_128 => 16,
            MicAlgorithm::HmacSha384_192 => 24,
            MicAlgorithm::HmacSha512_256 => 32,
        }
    }

    /// Algorithm of an explicit key descriptor version (1, 2, 3); `None` for 0 (AKM-defined:
    /// use [`crate::suites::AkmParams::mic_algorithm`]) and reserved values.
    pub const fn from_descriptor_version(version: u8) -> Option<Self> {
        // IEEE 802.11-2020 12.7.2 b) 1): Key Descriptor Version values.
        match version {
            1 => Some(MicAlgorithm::HmacMd5),
            2 => Some(MicAlgorithm::HmacSha1_128),
            3 => Some(MicAlgorithm::AesCmac128),
            _ => None,
        }
    }
}

/// A computed MIC (up to 32 octets). Not secret; compares in constant time anyway.
#[derive(Clone, Copy)]
pub struct Mic {
    bytes: [u8; 32],
    len: usize,
}

impl Mic {
    /// Build from octets (at most 32).
    pub fn from_slice(b: &[u8]) -> Result<Self> {
        if b.len() > 32 {
            return Err(CryptoError::InvalidLength {
                what: "MIC",
                len: b.len(),
            });
        }
        let mut bytes = [0u8; 32];
        if let Some(d) = bytes.get_mut(..b.len()) {
            d.copy_from_slice(b);
        }
        Ok(Mic {
            bytes,
            len: b.len(),
        })
    }
    /// The MIC octets.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }
}

impl core::fmt::Debug for Mic {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Mic(")?;
        for b in self.as_bytes() {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

impl PartialEq for Mic {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && bool::from(self.as_bytes().ct_eq(other.as_bytes()))
    }
}
impl Eq for Mic {}

fn hmac_trunc<M: Mac + hmac::digest::KeyInit>(key: &[u8], data: &[&[u8]], n: usize) -> Result<Mic> {
    let mut mac = <M as hmac::digest::KeyInit>::new_from_slice(key).map_err(|_| {
        CryptoError::InvalidKeyLength {
            what: "KCK",
            len: key.len(),
        }
    })?;
    for d in data {
        mac.update(d);
    }
    let out = mac.finalize().into_bytes();
    Mic::from_slice(out.get(..n).unwrap_or(&[]))
}

/// MIC over the concatenation of `parts` (used by the EAPOL-Key MIC and, for AES-CMAC, BIP
/// and the FT MIC).
pub(crate) fn mic_over(alg: MicAlgorithm, key: &[u8], parts: &[&[u8]]) -> Result<Mic> {
    let n = alg.mic_len();
    match alg {
        MicAlgorithm::HmacMd5 => hmac_trunc::<Hmac<Md5>>(key, parts, n),
        MicAlgorithm::HmacSha1_128 => hmac_trunc::<Hmac<Sha1>>(key, parts, n),
        MicAlgorithm::HmacSha256_128 => hmac_trunc::<Hmac<Sha256>>(key, parts, n),
        MicAlgorithm::HmacSha384_192 => hmac_trunc::<Hmac<Sha384>>(key, parts, n),
        MicAlgorithm::HmacSha512_256 => hmac_trunc::<Hmac<Sha512>>(key, parts, n),
        MicAlgorithm::AesCmac128 => {
            // IEEE 802.11-2020 12.7.2: AES-128-CMAC needs a 128-bit KCK.
            let mut mac = <Cmac<Aes128> as Mac>::new_from_slice(key).map_err(|_| {
                CryptoError::InvalidKeyLength {
                    what: "KCK",
                    len: key.len(),
                }
            })?;
            for p in parts {
                mac.update(p);
            }
            Mic::from_slice(&mac.finalize().into_bytes())
        }
    }
}

/// MIC of an EAPOL PDU whose Key MIC field is already zero.
pub fn eapol_key_mic(alg: MicAlgorithm, kck: &Kck, eapol_frame: &[u8]) -> Result<Mic> {
    mic_over(alg, kck.expose_secret(), &[eapol_frame])
}

/// MIC of an EAPOL PDU as captured: the `alg.mic_len()` octets at `mic_offset` (normally
/// [`EAPOL_KEY_MIC_OFFSET`]) are treated as zero. No copy of the frame is made.
pub fn compute_mic(
    alg: MicAlgorithm,
    kck: &Kck,
    eapol_frame: &[u8],
    mic_offset: usize,
) -> Result<Mic> {
    let n = alg.mic_len();
    let end = mic_offset
        .checked_add(n)
        .filter(|e| *e <= eapol_frame.len());
    let Some(end) = end else {
        return Err(CryptoError::Truncated {
            what: "EAPOL-Key MIC field",
        });
    };
    let zeros = [0u8; 32];
    let head = eapol_frame.get(..mic_offset).unwrap_or(&[]);
    let tail = eapol_frame.get(end..).unwrap_or(&[]);
    mic_over(
        alg,
        kck.expose_secret(),
        &[head, zeros.get(..n).unwrap_or(&[]), tail],
    )
}

/// Verify the MIC carried in an EAPOL PDU (constant-time comparison).
/// Returns [`CryptoError::MicMismatch`] when it does not match.
pub fn verify_mic(
    alg: MicAlgorithm,
    kck: &Kck,
    eapol_frame: &[u8],
    mic_offset: usize,
) -> Result<()> {
    let computed = compute_mic(alg, kck, eapol_frame, mic_offset)?;
    let carried = eapol_frame
        .get(mic_offset..mic_offset + alg.mic_len())
        .ok_or(CryptoError::Truncated {
            what: "EAPOL-Key MIC field",
        })?;
    if bool::from(computed.as_bytes().ct_eq(carried)) {
        Ok(())
    } else {
        Err(CryptoError::MicMismatch)
    }
}
