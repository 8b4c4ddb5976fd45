//! Passphrase-to-PSK, the 802.11 PRF and the 802.11 KDF.

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Sha256, Sha384, Sha512};
use zeroize::Zeroize;

use crate::secret::{Passphrase, Pmk};
use crate::{CryptoError, Result};

/// Longest SSID, in octets (IEEE 802.11-2020 9.4.2.2).
pub const MAX_SSID_LEN: usize = 32;

/// PSK = PBKDF2(HMAC-SHA1, passphrase, SSID, 4096, 256) (IEEE 802.11-2020 J.4.1).
pub fn psk_from_passphrase(passphrase: &Passphrase, ssid: &[u8]) -> Result<Pmk> {
    // IEEE 802.11-2020 J.4.1: the SSID is the salt; 9.4.2.2: at most 32 octets.
    if ssid.len() > MAX_SSID_LEN {
        return Err(CryptoError::SsidTooLong(ssid.len()));
    }
    let mut out = [0u8; 32];
    pbkdf2_sha1(passphrase.expose_secret(), ssid, 4096, &mut out)?;
    let pmk = Pmk::from_slice(&out);
    out.zeroize();
    pmk
}

/// Plain PBKDF2-HMAC-SHA1 (RFC 8018 5.2), for any password, salt and output length.
pub fn pbkdf2_sha1(password: &[u8], salt: &[u8], iterations: u32, out: &mut [u8]) -> Result<()> {
    if iterations == 0 {
        return Err(CryptoError::InvalidLength {
            what: "PBKDF2 iteration count",
            len: 0,
        });
    }
    pbkdf2::pbkdf2::<Hmac<Sha1>>(password, salt, iterations, out).map_err(|_| {
        CryptoError::InvalidLength {
            what: "PBKDF2 password",
            len: password.len(),
        }
    })
}

/// The IEEE 802.11 PRF (IEEE 802.11-2020 12.7.1.2):
/// `R = HMAC-SHA-1(K, A || 0 || B || i)` for `i = 0, 1, ...`, truncated to `out.len()`.
///
/// Hand-written on top of `hmac`: no RustCrypto crate implements this pre-HKDF
/// construction. `out` may be any length up to 255 × 20 octets (the PRF-128..PRF-704 of the
/// standard are the cases used).
pub fn prf_sha1(key: &[u8], label: &[u8], data: &[u8], out: &mut [u8]) -> Result<()> {
    if out.len() > 255 * 20 {
        return Err(CryptoError::InvalidLength {
            what: "PRF output",
            len: out.len(),
        });
    }
    let base =
        <Hmac<Sha1> as Mac>::new_from_slice(key).map_err(|_| CryptoError::InvalidKeyLength {
            what: "PRF key",
            len: key.len(),
        })?;
    for (i, chunk) in out.chunks_mut(20).enumerate() {
        let mut mac = base.clone();
        mac.update(label);
        mac.update(&[0u8]);
        mac.update(data);
        mac.update(&[i as u8]);
        let mut block = mac.finalize().into_bytes();
        let n = chunk.len();
        chunk.copy_from_slice(block.get(..n).unwrap_or(&[]));
        block.zeroize();
    }
    Ok(())
}

macro_rules! kdf_hash {
    ($(#[$m:meta])* $name:ident, $hash:ty, $hlen:expr) => {
        $(#[$m])*
        pub fn $name(key: &[u8], label: &[u8], context: &[u8], out: &mut [u8]) -> Result<()> {
            // IEEE 802.11-2020 12.7.1.6.2: KDF-Hash-Length(K, label, context):
            //   result = ""; for i = 1..=ceil(Length / Hash-bits):
            //     result ||= HMAC-Hash(K, i || label || context || Length)
            // with i and Length as 16-bit little-endian integers; Length in bits.
            let bits = out.len().checked_mul(8).filter(|b| *b <= usize::from(u16::MAX));
            let Some(bits) = bits else {
                return Err(CryptoError::InvalidLength { what: "KDF output", len: out.len() });
            };
            let base = <Hmac<$hash> as Mac>::new_from_slice(key)
                .map_err(|_| CryptoError::InvalidKeyLength { what: "KDF key", len: key.len() })?;
            let length = (bits as u16).to_le_bytes();
            for (i, chunk) in out.chunks_mut($hlen).enumerate() {
                let counter = ((i + 1) as u16).to_le_bytes();
                let mut mac = base.clone();
                mac.update(&counter);
                mac.update(label);
                mac.update(context);
                mac.update(&length);
                let mut block = mac.finalize().into_bytes();
                let n = chunk.len();
                chunk.copy_from_slice(block.get(..n).unwrap_or(&[]));
                block.zeroize();
            }
            Ok(())
        }
    };
}

kdf_hash!(
    /// KDF-SHA-256 (IEEE 802.11-2020 12.7.1.6.2), output length = `out.len()` × 8 bits.
    kdf_sha256, Sha256, 32
);
kdf_hash!(
    /// KDF-SHA-384 (IEEE 802.11-2020 12.7.1.6.2), output length = `out.len()` × 8 bits.
    kdf_sha384, Sha384, 48
);
kdf_hash!(
    /// KDF-SHA-512 (IEEE 802.11-2020 12.7.1.6.2; SAE-EXT-KEY/OWE group 21).
    kdf_sha512, Sha512, 64
);

/// Which key derivation function an AKM uses for the PTK (IEEE 802.11-2020 Table 9-151).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kdf {
    /// The 802.11 PRF over HMAC-SHA-1 (AKMs 1, 2 and WPA1).
    PrfSha1,
    /// KDF-SHA-256.
    KdfSha256,
    /// KDF-SHA-384.
    KdfSha384,
    /// KDF-SHA-512.
    KdfSha512,
}

impl Kdf {
    /// Run this KDF. For the PRF, `context` is the PRF's `B` input.
    pub fn derive(self, key: &[u8], label: &[u8], context: &[u8], out: &mut [u8]) -> Result<()> {
        match self {
            Kdf::PrfSha1 => prf_sha1(key, label, context, out),
            Kdf::KdfSha256 => kdf_sha256(key, label, context, out),
            Kdf::KdfSha384 => kdf_sha384(key, label, context, out),
            Kdf::KdfSha512 => kdf_sha512(key, label, context, out),
        }
    }
}
