//! PTK derivation and PMKID (IEEE 802.11-2020 12.7.1.3).

use hmac::{Hmac, Mac};
use rsn_wire::{Akm, Cipher, MacAddr};
use sha1::Sha1;
use sha2::{Sha256, Sha384};
use zeroize::Zeroize;

use crate::secret::{Pmk, Ptk};
use crate::suites::{akm_params_for_pmk, cipher_params, PmkidRule};
use crate::{CryptoError, Result};

/// A 16-octet PMKID (not secret).
pub type Pmkid = [u8; 16];

/// Largest PTK: KCK 32 + KEK 64 + TK 32 + KDK 64.
const MAX_PTK: usize = 192;

/// Derive the PTK of a (non-FT) 4-way handshake (IEEE 802.11-2020 12.7.1.3):
///
/// `PTK = PRF-Length(PMK, "Pairwise key expansion", Min(AA,SPA) || Max(AA,SPA) ||
/// Min(ANonce,SNonce) || Max(ANonce,SNonce))`, with the AKM's KDF (PRF-SHA1 or
/// KDF-SHA-256/384/512) and `Length = KCK + KEK + TK` bits (IEEE 802.11-2020 12.7.1.3).
/// For FT AKMs use [`crate::ft::derive_ft_ptk`] instead (returns `UnsupportedAkm`).
pub fn derive_ptk(
    pmk: &Pmk,
    akm: Akm,
    cipher: Cipher,
    aa: &MacAddr,
    spa: &MacAddr,
    anonce: &[u8; 32],
    snonce: &[u8; 32],
) -> Result<Ptk> {
    derive_ptk_with_kdk(pmk, akm, cipher, aa, spa, anonce, snonce, 0)
}

/// [`derive_ptk`] with a KDK of `kdk_len` octets appended (IEEE 802.11az; 0 for none).
#[allow(clippy::too_many_arguments)]
pub fn derive_ptk_with_kdk(
    pmk: &Pmk,
    akm: Akm,
    cipher: Cipher,
    aa: &MacAddr,
    spa: &MacAddr,
    anonce: &[u8; 32],
    snonce: &[u8; 32],
    kdk_len: usize,
) -> Result<Ptk> {
    let params = akm_params_for_pmk(akm, Some(pmk.len())).ok_or(CryptoError::UnsupportedAkm)?;
    if params.is_ft() {
        return Err(CryptoError::UnsupportedAkm);
    }
    let tk_len = ptk_tk_len(cipher)?;
    if kdk_len > 64 {
        return Err(CryptoError::InvalidLength {
            what: "KDK",
            len: kdk_len,
        });
    }
    // IEEE 802.11-2020 12.7.1.3: Min/Max of addresses and of nonces, as unsigned octet
    // strings (lexicographic comparison).
    let (a_lo, a_hi) = if aa.0 <= spa.0 {
        (aa.0, spa.0)
    } else {
        (spa.0, aa.0)
    };
    let (n_lo, n_hi) = if anonce <= snonce {
        (anonce, snonce)
    } else {
        (snonce, anonce)
    };
    let mut data = [0u8; 76];
    for (dst, src) in data.iter_mut().zip(
        a_lo.iter()
            .chain(&a_hi)
            .chain(n_lo.iter())
            .chain(n_hi.iter()),
    ) {
        *dst = *src;
    }
    let total = params.kck_len + params.kek_len + tk_len + kdk_len;
    let mut buf = [0u8; MAX_PTK];
    let out = buf.get_mut(..total).ok_or(CryptoError::InvalidLength {
        what: "PTK",
        len: total,
    })?;
    params
        .kdf
        .derive(pmk.expose_secret(), b"Pairwise key expansion", &data, out)?;
    let ptk = Ptk::from_parts(out, params.kck_len, params.kek_len, tk_len, kdk_len);
    buf.zeroize();
    ptk
}

/// TK length of a pairwise cipher (IEEE 802.11-2020 Table 12-7); BIP/WEP are not pairwise.
pub(crate) fn ptk_tk_len(cipher: Cipher) -> Result<usize> {
    let c = cipher_params(cipher).ok_or(CryptoError::UnsupportedCipher)?;
    if !c.encrypts || c.tk_len < 16 {
        return Err(CryptoError::UnsupportedCipher);
    }
    Ok(c.tk_len)
}

/// PMKID = Truncate-128(HMAC-Hash(PMK, "PMK Name" || AA || SPA)) (IEEE 802.11-2020
/// 12.7.1.3), Hash = SHA-1, SHA-256 or SHA-384 by AKM. FT, SAE and OWE PMKIDs are formed
/// differently ([`crate::ft`], the SAE/OWE exchange): those return `UnsupportedAkm`.
pub fn pmkid(akm: Akm, pmk: &Pmk, aa: &MacAddr, spa: &MacAddr) -> Result<Pmkid> {
    let params = akm_params_for_pmk(akm, Some(pmk.len())).ok_or(CryptoError::UnsupportedAkm)?;
    let parts: [&[u8]; 3] = [b"PMK Name", &aa.0, &spa.0];
    let key = pmk.expose_secret();
    let mut out = [0u8; 16];
    match params.pmkid {
        PmkidRule::HmacSha1 => trunc::<Hmac<Sha1>>(key, &parts, &mut out)?,
        PmkidRule::HmacSha256 => trunc::<Hmac<Sha256>>(key, &parts, &mut out)?,
        PmkidRule::HmacSha384 => trunc::<Hmac<Sha384>>(key, &parts, &mut out)?,
        _ => return Err(CryptoError::UnsupportedAkm),
    }
    Ok(out)
}

fn trunc<M: Mac + hmac::digest::KeyInit>(
    key: &[u8],
    parts: &[&[u8]],
    out: &mut [u8; 16],
) -> Result<()> {
    let mut mac = <M as hmac::digest::KeyInit>::new_from_slice(key).map_err(|_| {
        CryptoError::InvalidKeyLength {
            what: "PMK",
            len: key.len(),
        }
    })?;
    for p in parts {
        mac.update(p);
    }
    let full = mac.finalize().into_bytes();
    out.copy_from_slice(full.get(..16).unwrap_or(&[0u8; 16]));
    Ok(())
}
