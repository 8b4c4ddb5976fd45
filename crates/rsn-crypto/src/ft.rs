//! Fast BSS transition (802.11r) key hierarchy (IEEE 802.11-2020 12.7.1.7).
//!
//! `XXKey → PMK-R0 (+ PMKR0Name) → PMK-R1 (+ PMKR1Name) → PTK (+ PTKName)`.
//! Hash and KDF follow the AKM: SHA-256 for FT-802.1X, FT-PSK, FT-SAE; SHA-384 for
//! FT-802.1X-SHA384 (13) and FT-PSK-SHA384 (19); by PMK length for FT-SAE-EXT-KEY (25).
//! Formulas checked against hostapd `wpa_derive_pmk_r0`, `wpa_derive_pmk_r1`,
//! `wpa_pmk_r1_to_ptk` and the iwd FT-PSK handshake in `tests/data/vectors`.

use rsn_wire::{Akm, Cipher, MacAddr};
use sha2::{Digest, Sha256, Sha384, Sha512};
use zeroize::Zeroize;

use crate::kdf::{Kdf, MAX_SSID_LEN};
use crate::ptk::ptk_tk_len;
use crate::secret::{Msk, Pmk, PmkR0, PmkR1, Ptk};
use crate::suites::akm_params_for_pmk;
use crate::{CryptoError, Result};

/// A 128-bit FT key name (PMKR0Name, PMKR1Name, PTKName). Not secret.
pub type KeyName = [u8; 16];

/// Longest R0KH-ID (IEEE 802.11-2020 9.4.2.46: 1 to 48 octets).
pub const MAX_R0KH_ID_LEN: usize = 48;

#[derive(Clone, Copy)]
enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn len(self) -> usize {
        match self {
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
            Hash::Sha512 => 64,
        }
    }
    fn kdf(self) -> Kdf {
        match self {
            Hash::Sha256 => Kdf::KdfSha256,
            Hash::Sha384 => Kdf::KdfSha384,
            Hash::Sha512 => Kdf::KdfSha512,
        }
    }
    fn truncated_128(self, parts: &[&[u8]]) -> KeyName {
        fn run<D: Digest>(parts: &[&[u8]]) -> KeyName {
            let mut d = D::new();
            for p in parts {
                d.update(p);
            }
            let full = d.finalize();
            let mut out = [0u8; 16];
            out.copy_from_slice(full.get(..16).unwrap_or(&[0u8; 16]));
            out
        }
        match self {
            Hash::Sha256 => run::<Sha256>(parts),
            Hash::Sha384 => run::<Sha384>(parts),
            Hash::Sha512 => run::<Sha512>(parts),
        }
    }
}

fn ft_hash(akm: Akm, key_len: usize) -> Result<Hash> {
    if !akm.is_ft() {
        return Err(CryptoError::UnsupportedAkm);
    }
    let p = akm_params_for_pmk(akm, Some(key_len)).ok_or(CryptoError::UnsupportedAkm)?;
    Ok(match p.kdf {
        Kdf::KdfSha384 => Hash::Sha384,
        Kdf::KdfSha512 => Hash::Sha512,
        _ => Hash::Sha256,
    })
}

/// XXKey from the MSK of an FT-802.1X association (IEEE 802.11-2020 12.7.1.7.3):
/// the second 256 bits of the MSK (`L(MSK, 256, 256)`) for AKM 00-0f-ac:3, the first 384
/// bits (`L(MSK, 0, 384)`) for FT-802.1X-SHA384 (00-0f-ac:13).
/// For FT-PSK the XXKey is the PSK, for FT-SAE the PMK: use them directly.
pub fn xxkey_from_msk(akm: Akm, msk: &Msk) -> Result<Pmk> {
    let m = msk.expose_secret();
    let range = match akm {
        Akm::FT_IEEE8021X => 32..64,
        Akm::FT_IEEE8021X_SHA384 => 0..48,
        _ => return Err(CryptoError::UnsupportedAkm),
    };
    let bytes = m.get(range).ok_or(CryptoError::InvalidKeyLength {
        what: "MSK",
        len: m.len(),
    })?;
    Pmk::from_slice(bytes)
}

/// PMK-R0 and PMKR0Name (IEEE 802.11-2020 12.7.1.7.3):
///
/// `R0-Key-Data = KDF-Hash-Length(XXKey, "FT-R0", SSIDlength || SSID || MDID ||
/// R0KHlength || R0KH-ID || S0KH-ID)`, `PMK-R0 = L(R0-Key-Data, 0, Q)`,
/// `PMK-R0Name-Salt = L(R0-Key-Data, Q, 128)`, Length = Q + 128 (Q = hash length), and
/// `PMKR0Name = Truncate-128(Hash("FT-R0N" || PMK-R0Name-Salt))`.
pub fn derive_pmk_r0(
    akm: Akm,
    xxkey: &Pmk,
    ssid: &[u8],
    mdid: [u8; 2],
    r0kh_id: &[u8],
    s0kh_id: &MacAddr,
) -> Result<(PmkR0, KeyName)> {
    let hash = ft_hash(akm, xxkey.len())?;
    if ssid.len() > MAX_SSID_LEN {
        return Err(CryptoError::SsidTooLong(ssid.len()));
    }
    if r0kh_id.is_empty() || r0kh_id.len() > MAX_R0KH_ID_LEN {
        return Err(CryptoError::InvalidLength {
            what: "R0KH-ID",
            len: r0kh_id.len(),
        });
    }
    // SSIDlength || SSID || MDID || R0KHlength || R0KH-ID || S0KH-ID: at most 1+32+2+1+48+6.
    let mut ctx = [0u8; 90];
    let parts: [&[u8]; 6] = [
        &[ssid.len() as u8],
        ssid,
        &mdid,
        &[r0kh_id.len() as u8],
        r0kh_id,
        &s0kh_id.0,
    ];
    let n = concat_into(&mut ctx, &parts);
    let q = hash.len();
    let mut data = [0u8; 64 + 16];
    let out = data.get_mut(..q + 16).ok_or(CryptoError::UnsupportedAkm)?;
    hash.kdf().derive(
        xxkey.expose_secret(),
        b"FT-R0",
        ctx.get(..n).unwrap_or(&[]),
        out,
    )?;
    let (r0, salt) = out.split_at(q);
    let name = hash.truncated_128(&[b"FT-R0N", salt]);
    let r0 = PmkR0::from_slice(r0);
    data.zeroize();
    Ok((r0?, name))
}

/// PMK-R1 and PMKR1Name (IEEE 802.11-2020 12.7.1.7.4):
/// `PMK-R1 = KDF-Hash-Length(PMK-R0, "FT-R1", R1KH-ID || S1KH-ID)`, Length = Q, and
/// `PMKR1Name = Truncate-128(Hash("FT-R1N" || PMKR0Name || R1KH-ID || S1KH-ID))`.
pub fn derive_pmk_r1(
    akm: Akm,
    pmk_r0: &PmkR0,
    pmk_r0_name: &KeyName,
    r1kh_id: &MacAddr,
    s1kh_id: &MacAddr,
) -> Result<(PmkR1, KeyName)> {
    let hash = ft_hash(akm, pmk_r0.len())?;
    let mut ctx = [0u8; 12];
    concat_into(&mut ctx, &[&r1kh_id.0, &s1kh_id.0]);
    let mut data = [0u8; 64];
    let out = data
        .get_mut(..hash.len())
        .ok_or(CryptoError::UnsupportedAkm)?;
    hash.kdf()
        .derive(pmk_r0.expose_secret(), b"FT-R1", &ctx, out)?;
    let r1 = PmkR1::from_slice(out);
    data.zeroize();
    let name = hash.truncated_128(&[b"FT-R1N", pmk_r0_name, &r1kh_id.0, &s1kh_id.0]);
    Ok((r1?, name))
}

/// FT PTK and PTKName (IEEE 802.11-2020 12.7.1.7.5):
/// `PTK = KDF-Hash-Length(PMK-R1, "FT-PTK", SNonce || ANonce || BSSID || STA-ADDR)`,
/// Length = KCK + KEK + TK (+ KDK) bits, and
/// `PTKName = Truncate-128(Hash(PMKR1Name || "FT-PTKN" || SNonce || ANonce || BSSID || STA-ADDR))`.
#[allow(clippy::too_many_arguments)]
pub fn derive_ft_ptk(
    akm: Akm,
    cipher: Cipher,
    pmk_r1: &PmkR1,
    pmk_r1_name: &KeyName,
    snonce: &[u8; 32],
    anonce: &[u8; 32],
    bssid: &MacAddr,
    sta_addr: &MacAddr,
) -> Result<(Ptk, KeyName)> {
    let hash = ft_hash(akm, pmk_r1.len())?;
    let params = akm_params_for_pmk(akm, Some(pmk_r1.len())).ok_or(CryptoError::UnsupportedAkm)?;
    let tk_len = ptk_tk_len(cipher)?;
    let mut ctx = [0u8; 76];
    concat_into(&mut ctx, &[snonce, anonce, &bssid.0, &sta_addr.0]);
    let total = params.kck_len + params.kek_len + tk_len;
    let mut buf = [0u8; 128];
    let out = buf.get_mut(..total).ok_or(CryptoError::InvalidLength {
        what: "PTK",
        len: total,
    })?;
    hash.kdf()
        .derive(pmk_r1.expose_secret(), b"FT-PTK", &ctx, out)?;
    let ptk = Ptk::from_parts(out, params.kck_len, params.kek_len, tk_len, 0);
    buf.zeroize();
    let name = hash.truncated_128(&[pmk_r1_name, b"FT-PTKN", &ctx]);
    Ok((ptk?, name))
}

fn concat_into(buf: &mut [u8], parts: &[&[u8]]) -> usize {
    let mut n = 0;
    for p in parts {
        for b in p.iter() {
            if let Some(d) = buf.get_mut(n) {
                *d = *b;
                n += 1;
            }
        }
    }
    n
}
