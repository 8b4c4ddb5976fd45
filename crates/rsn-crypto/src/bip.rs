//! BIP: integrity protection of group-addressed management frames (IEEE 802.11-2020 12.5.4)
//! with BIP-CMAC-128/256 and BIP-GMAC-128/256, via the Management MIC element (MME).

use aes::{Aes128, Aes256};
use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes128Gcm, Aes256Gcm};
use cipher::KeyInit;
use cmac::{Cmac, Mac};
use rsn_wire::Cipher;
use subtle::ConstantTimeEq;

use crate::frame::{self, FrameType, Header};
use crate::mic::Mic;
use crate::secret::Igtk;
use crate::{CryptoError, Result};

/// Element ID of the Management MIC element (IEEE 802.11-2020 9.4.2.54).
pub const MME_ELEMENT_ID: u8 = 76;

#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
enum Inner {
    Cmac128(Cmac<Aes128>),
    Cmac256(Cmac<Aes256>),
    Gmac128(Aes128Gcm),
    Gmac256(Aes256Gcm),
}

/// An IGTK ready for BIP, with its key schedule expanded.
#[derive(Clone)]
pub struct BipKey {
    inner: Inner,
}

impl core::fmt::Debug for BipKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let n = match self.inner {
            Inner::Cmac128(_) => "BIP-CMAC-128",
            Inner::Cmac256(_) => "BIP-CMAC-256",
            Inner::Gmac128(_) => "BIP-GMAC-128",
            Inner::Gmac256(_) => "BIP-GMAC-256",
        };
        write!(f, "BipKey({n})")
    }
}

/// The fields of a Management MIC element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mme {
    /// Key ID (4 or 5 for IGTKs, 6 or 7 for BIGTKs).
    pub key_id: u16,
    /// IPN (48 bits).
    pub ipn: u64,
    /// The MIC carried.
    pub mic: Mic,
}

/// BIP AAD (IEEE 802.11-2020 12.5.4.3): FC with Retry, Power Management and
/// More Data masked to 0, then A1, A2, A3 (no Sequence Control).
pub fn bip_aad(h: &Header) -> [u8; 20] {
    let mut a = [0u8; 20];
    let fc1 = h.fc[1] & !(0x08 | 0x10 | 0x20);
    let src = [h.fc[0], fc1];
    for (d, s) in a.iter_mut().zip(
        src.iter()
            .chain(h.a1.iter())
            .chain(h.a2.iter())
            .chain(h.a3.iter()),
    ) {
        *d = *s;
    }
    a
}

impl BipKey {
    /// Key for `cipher` (BIP-CMAC-128/256, BIP-GMAC-128/256) with an IGTK (or BIGTK) of the
    /// matching length.
    pub fn new(cipher: Cipher, igtk: &Igtk) -> Result<Self> {
        let k = igtk.expose_secret();
        let bad = || CryptoError::InvalidKeyLength {
            what: "IGTK",
            len: k.len(),
        };
        let inner = match (cipher, k.len()) {
            (Cipher::BIP_CMAC128, 16) => Inner::Cmac128(<Cmac<Aes128> as KeyInit>::new(k.into())),
            (Cipher::BIP_CMAC256, 32) => Inner::Cmac256(<Cmac<Aes256> as KeyInit>::new(k.into())),
            (Cipher::BIP_GMAC128, 16) => Inner::Gmac128(Aes128Gcm::new(k.into())),
            (Cipher::BIP_GMAC256, 32) => Inner::Gmac256(Aes256Gcm::new(k.into())),
            (
                Cipher::BIP_CMAC128
                | Cipher::BIP_CMAC256
                | Cipher::BIP_GMAC128
                | Cipher::BIP_GMAC256,
                _,
            ) => return Err(bad()),
            _ => return Err(CryptoError::UnsupportedCipher),
        };
        Ok(BipKey { inner })
    }

    /// MIC length: 8 for BIP-CMAC-128, 16 otherwise.
    pub fn mic_len(&self) -> usize {
        match self.inner {
            Inner::Cmac128(_) => 8,
            _ => 16,
        }
    }

    /// MIC over AAD || body, where `body` ends with the MME whose MIC field is zero.
    fn compute(&self, h: &Header, ipn: u64, body_head: &[u8], mic_zeros: usize) -> Result<Mic> {
        let aad = bip_aad(h);
        let zeros = [0u8; 16];
        let z = zeros.get(..mic_zeros).unwrap_or(&[]);
        match &self.inner {
            Inner::Cmac128(c) => cmac_parts(c.clone(), &[&aad, body_head, z], 8),
            Inner::Cmac256(c) => cmac_parts(c.clone(), &[&aad, body_head, z], 16),
            Inner::Gmac128(g) => gmac(
                |n, a| g.encrypt_in_place_detached(n, a, &mut []),
                h,
                ipn,
                &aad,
                body_head,
                z,
            ),
            Inner::Gmac256(g) => gmac(
                |n, a| g.encrypt_in_place_detached(n, a, &mut []),
                h,
                ipn,
                &aad,
                body_head,
                z,
            ),
        }
    }

    /// Append an MME (key id, IPN, MIC) to a group-addressed management frame:
    /// `out` = `frame || MME`.
    pub fn protect(
        &self,
        frame: &[u8],
        key_id: u16,
        ipn: u64,
        out: &mut alloc::vec::Vec<u8>,
    ) -> Result<()> {
        if ipn > frame::MAX_PN {
            return Err(CryptoError::InvalidLength {
                what: "IPN (48 bits)",
                len: 8,
            });
        }
        let h = mgmt_header(frame)?;
        let n = self.mic_len();
        out.clear();
        out.extend_from_slice(frame);
        out.push(MME_ELEMENT_ID);
        out.push((8 + n) as u8);
        out.extend_from_slice(&key_id.to_le_bytes());
        out.extend_from_slice(ipn.to_le_bytes().get(..6).unwrap_or(&[]));
        let mic = self.compute(&h, ipn, out.get(h.len..).unwrap_or(&[]), n)?;
        out.extend_from_slice(mic.as_bytes());
        Ok(())
    }

    /// Verify a frame whose body ends with an MME. Returns the MME (key id, IPN) on success;
    /// [`CryptoError::BipMicMismatch`] if the MIC is wrong. Replay checking of the IPN is
    /// the caller's.
    pub fn verify(&self, frame: &[u8]) -> Result<Mme> {
        let h = mgmt_header(frame)?;
        let n = self.mic_len();
        let mme = parse_mme(frame, n)?;
        let mic_at = frame.len() - n;
        let head = frame.get(h.len..mic_at).ok_or(CryptoError::MmeMissing)?;
        let want = self.compute(&h, mme.ipn, head, n)?;
        if bool::from(want.as_bytes().ct_eq(mme.mic.as_bytes())) {
            Ok(mme)
        } else {
            Err(CryptoError::BipMicMismatch)
        }
    }
}

fn mgmt_header(frame: &[u8]) -> Result<Header> {
    let h = frame::parse_header(frame)?;
    if h.frame_type() != FrameType::Management {
        return Err(CryptoError::UnsupportedFrame);
    }
    Ok(h)
}

fn cmac_parts<M: Mac>(mut m: M, parts: &[&[u8]], n: usize) -> Result<Mic> {
    for p in parts {
        m.update(p);
    }
    let full = m.finalize().into_bytes();
    Mic::from_slice(full.get(..n).unwrap_or(&[]))
}

/// BIP-GMAC (IEEE 802.11-2020 12.5.4.5): GCM with nonce A2 || IPN (IPN most
/// significant octet first), empty plaintext, AAD = BIP AAD || body; MIC = the tag.
fn gmac<T: AsRef<[u8]>, E>(
    run: impl FnOnce(&aes_gcm::Nonce<aes_gcm::aead::consts::U12>, &[u8]) -> core::result::Result<T, E>,
    h: &Header,
    ipn: u64,
    aad: &[u8; 20],
    body_head: &[u8],
    zeros: &[u8],
) -> Result<Mic> {
    let nonce = frame::gcmp_nonce(h, ipn);
    let mut all = alloc::vec::Vec::with_capacity(20 + body_head.len() + zeros.len());
    all.extend_from_slice(aad);
    all.extend_from_slice(body_head);
    all.extend_from_slice(zeros);
    let tag = run((&nonce).into(), &all).map_err(|_| CryptoError::InvalidLength {
        what: "BIP frame",
        len: all.len(),
    })?;
    Mic::from_slice(tag.as_ref())
}

/// Read the MME at the end of a management frame, expecting a `mic_len`-octet MIC
/// (8 for BIP-CMAC-128, 16 otherwise; IEEE 802.11-2020 9.4.2.54).
pub fn parse_mme(frame: &[u8], mic_len: usize) -> Result<Mme> {
    let total = 2 + 2 + 6 + mic_len;
    let at = frame
        .len()
        .checked_sub(total)
        .ok_or(CryptoError::MmeMissing)?;
    let e = frame.get(at..).ok_or(CryptoError::MmeMissing)?;
    let (id, len) = (e.first().copied(), e.get(1).copied());
    if id != Some(MME_ELEMENT_ID) || len.map(usize::from) != Some(total - 2) {
        return Err(CryptoError::MmeMissing);
    }
    let kid = e.get(2..4).ok_or(CryptoError::MmeMissing)?;
    let ipn = e.get(4..10).ok_or(CryptoError::MmeMissing)?;
    let mut ipn8 = [0u8; 8];
    ipn8.get_mut(..6)
        .ok_or(CryptoError::MmeMissing)?
        .copy_from_slice(ipn);
    Ok(Mme {
        key_id: u16::from_le_bytes([
            kid.first().copied().unwrap_or(0),
            kid.get(1).copied().unwrap_or(0),
        ]),
        ipn: u64::from_le_bytes(ipn8),
        mic: Mic::from_slice(e.get(10..).unwrap_or(&[]))?,
    })
}
