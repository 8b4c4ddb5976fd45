//! TKIP (IEEE 802.11-2020 12.5.2): Michael, the two-phase key mixing, WEP encapsulation
//! with the mixed key, and MPDU encrypt/decrypt.
//!
//! Michael and the key mixing are hand-written: no maintained RustCrypto crate implements
//! these TKIP-only algorithms. RC4 and CRC-32 come from `rc4` and `crc32fast`.
//!
//! Michael covers the MSDU (`DA || SA || Priority || 0 0 0 || MSDU data`, IEEE 802.11-2020
//! 12.5.2.3.3), not the MPDU. [`TkipKey::decrypt`] verifies it for unfragmented MSDUs and
//! returns [`CryptoError::Fragmented`] for fragments; use
//! [`TkipKey::decrypt_fragment`] (ICV only) per fragment and [`michael_mic`] on the
//! reassembled MSDU.

use cipher::{KeyInit, StreamCipher};
use rc4::Rc4;
use zeroize::{Zeroize, Zeroizing};

use crate::frame::{self, Decrypted, Header, PnHeader, FC1_PROTECTED};
use crate::secret::Tk;
use crate::{CryptoError, Result};

// ---------------------------------------------------------------- Michael (12.5.2.3)

/// Incremental Michael (IEEE 802.11-2020 12.5.2.3.3).
#[derive(Clone)]
pub struct Michael {
    l: u32,
    r: u32,
    pending: [u8; 4],
    npending: usize,
}

impl Michael {
    /// Start with an 8-octet Michael key (K0 = first four octets, little-endian).
    pub fn new(key: &[u8; 8]) -> Self {
        Michael {
            l: u32::from_le_bytes([key[0], key[1], key[2], key[3]]),
            r: u32::from_le_bytes([key[4], key[5], key[6], key[7]]),
            pending: [0; 4],
            npending: 0,
        }
    }

    fn block(&mut self, m: u32) {
        // Michael block function b(L, R) (IEEE 802.11-2020 Figure 12-14).
        let (mut l, mut r) = (self.l ^ m, self.r);
        r ^= l.rotate_left(17);
        l = l.wrapping_add(r);
        r ^= ((l & 0xff00_ff00) >> 8) | ((l & 0x00ff_00ff) << 8);
        l = l.wrapping_add(r);
        r ^= l.rotate_left(3);
        l = l.wrapping_add(r);
        r ^= l.rotate_right(2);
        l = l.wrapping_add(r);
        self.l = l;
        self.r = r;
    }

    /// Absorb octets.
    pub fn update(&mut self, data: &[u8]) {
        for &b in data {
            if let Some(p) = self.pending.get_mut(self.npending) {
                *p = b;
            }
            self.npending += 1;
            if self.npending == 4 {
                self.block(u32::from_le_bytes(self.pending));
                self.npending = 0;
            }
        }
    }

    /// Pad (0x5a, then zeros to a multiple of 4, at least 4 zero octets) and output L || R.
    pub fn finalize(mut self) -> [u8; 8] {
        self.update(&[0x5a, 0, 0, 0, 0]);
        while self.npending != 0 {
            self.update(&[0]);
        }
        let mut out = [0u8; 8];
        out[..4].copy_from_slice(&self.l.to_le_bytes());
        out[4..].copy_from_slice(&self.r.to_le_bytes());
        out
    }
}

/// Michael of a raw message.
pub fn michael(key: &[u8; 8], data: &[u8]) -> [u8; 8] {
    let mut m = Michael::new(key);
    m.update(data);
    m.finalize()
}

/// The TKIP MIC of an MSDU: Michael over `DA || SA || priority || 0 0 0 || data`
/// (IEEE 802.11-2020 12.5.2.3.3, Figure 12-15).
pub fn michael_mic(
    key: &[u8; 8],
    da: &[u8; 6],
    sa: &[u8; 6],
    priority: u8,
    msdu: &[u8],
) -> [u8; 8] {
    let mut m = Michael::new(key);
    m.update(da);
    m.update(sa);
    m.update(&[priority & 0x0f, 0, 0, 0]);
    m.update(msdu);
    m.finalize()
}

// ------------------------------------------------------------- key mixing (12.5.2.5)

const fn gmul(mut a: u8, mut b: u8) -> u8 {
    let mut p = 0u8;
    while b != 0 {
        if b & 1 != 0 {
            p ^= a;
        }
        let hi = a & 0x80;
        a <<= 1;
        if hi != 0 {
            a ^= 0x1b;
        }
        b >>= 1;
    }
    p
}

// Evaluated at compile time only: an out-of-range index would fail the build, not panic.
#[allow(clippy::indexing_slicing)]
/// The AES S-box, computed (inverse in GF(2^8) then the affine map, FIPS 197 5.1.1).
const fn aes_sbox() -> [u8; 256] {
    let mut s = [0u8; 256];
    let mut x = 0usize;
    while x < 256 {
        // x^254 = x^-1 (0 maps to 0).
        let mut inv = 1u8;
        let mut i = 0;
        while i < 254 {
            inv = gmul(inv, x as u8);
            i += 1;
        }
        if x == 0 {
            inv = 0;
        }
        let v = inv
            ^ inv.rotate_left(1)
            ^ inv.rotate_left(2)
            ^ inv.rotate_left(3)
            ^ inv.rotate_left(4)
            ^ 0x63;
        s[x] = v;
        x += 1;
    }
    s
}

// Evaluated at compile time only (see `aes_sbox`).
#[allow(clippy::indexing_slicing)]
/// The TKIP S-box (IEEE 802.11-2020 Table 12-6): `(2·S[i]) << 8 | 3·S[i]` over the AES S-box.
const TKIP_SBOX: [u16; 256] = {
    let s = aes_sbox();
    let mut t = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        let two = gmul(s[i], 2);
        let three = two ^ s[i];
        t[i] = ((two as u16) << 8) | three as u16;
        i += 1;
    }
    t
};

/// `_S_[v]` of IEEE 802.11-2020 12.5.2.5: Sbox[Lo8(v)] XOR byte-swapped Sbox[Hi8(v)].
fn s(v: u16) -> u16 {
    let lo = TKIP_SBOX.get(usize::from(v & 0xff)).copied().unwrap_or(0);
    let hi = TKIP_SBOX.get(usize::from(v >> 8)).copied().unwrap_or(0);
    lo ^ hi.swap_bytes()
}

fn mk16(hi: u8, lo: u8) -> u16 {
    u16::from(hi) << 8 | u16::from(lo)
}

fn tk16(tk: &[u8; 16], n: usize) -> u16 {
    mk16(
        tk.get(2 * n + 1).copied().unwrap_or(0),
        tk.get(2 * n).copied().unwrap_or(0),
    )
}

/// Phase 1 key mixing (IEEE 802.11-2020 12.5.2.5.2): TTAK from TK, TA and IV32.
pub fn phase1(tk: &[u8; 16], ta: &[u8; 6], iv32: u32) -> [u16; 5] {
    let mut p = [
        (iv32 & 0xffff) as u16,
        (iv32 >> 16) as u16,
        mk16(ta[1], ta[0]),
        mk16(ta[3], ta[2]),
        mk16(ta[5], ta[4]),
    ];
    for i in 0..8u16 {
        let j = 2 * usize::from(i & 1);
        p[0] = p[0].wrapping_add(s(p[4] ^ tk16(tk, j / 2)));
        p[1] = p[1].wrapping_add(s(p[0] ^ tk16(tk, 2 + j / 2)));
        p[2] = p[2].wrapping_add(s(p[1] ^ tk16(tk, 4 + j / 2)));
        p[3] = p[3].wrapping_add(s(p[2] ^ tk16(tk, 6 + j / 2)));
        p[4] = p[4].wrapping_add(s(p[3] ^ tk16(tk, j / 2))).wrapping_add(i);
    }
    p
}

/// Phase 2 key mixing (IEEE 802.11-2020 12.5.2.5.3): the 16-octet WEP seed (RC4 key).
pub fn phase2(tk: &[u8; 16], ttak: &[u16; 5], iv16: u16) -> [u8; 16] {
    let mut ppk = [
        ttak[0],
        ttak[1],
        ttak[2],
        ttak[3],
        ttak[4],
        ttak[4].wrapping_add(iv16),
    ];
    ppk[0] = ppk[0].wrapping_add(s(ppk[5] ^ tk16(tk, 0)));
    ppk[1] = ppk[1].wrapping_add(s(ppk[0] ^ tk16(tk, 1)));
    ppk[2] = ppk[2].wrapping_add(s(ppk[1] ^ tk16(tk, 2)));
    ppk[3] = ppk[3].wrapping_add(s(ppk[2] ^ tk16(tk, 3)));
    ppk[4] = ppk[4].wrapping_add(s(ppk[3] ^ tk16(tk, 4)));
    ppk[5] = ppk[5].wrapping_add(s(ppk[4] ^ tk16(tk, 5)));
    ppk[0] = ppk[0].wrapping_add((ppk[5] ^ tk16(tk, 6)).rotate_right(1));
    ppk[1] = ppk[1].wrapping_add((ppk[0] ^ tk16(tk, 7)).rotate_right(1));
    ppk[2] = ppk[2].wrapping_add(ppk[1].rotate_right(1));
    ppk[3] = ppk[3].wrapping_add(ppk[2].rotate_right(1));
    ppk[4] = ppk[4].wrapping_add(ppk[3].rotate_right(1));
    ppk[5] = ppk[5].wrapping_add(ppk[4].rotate_right(1));
    let [iv_hi, iv_lo] = iv16.to_be_bytes();
    let mut k = [0u8; 16];
    k[0] = iv_hi;
    k[1] = (iv_hi | 0x20) & 0x7f;
    k[2] = iv_lo;
    k[3] = (((ppk[5] ^ tk16(tk, 0)) >> 1) & 0xff) as u8;
    for (i, w) in ppk.iter().enumerate() {
        let [lo, hi] = w.to_le_bytes();
        if let Some(d) = k.get_mut(4 + 2 * i) {
            *d = lo;
        }
        if let Some(d) = k.get_mut(5 + 2 * i) {
            *d = hi;
        }
    }
    k
}

// ------------------------------------------------------------------- MPDUs (12.5.2.2)

/// Read a TKIP IV/Extended IV (IEEE 802.11-2020 Figure 12-13):
/// TSC1, WEPSeed[1], TSC0, (KeyID|ExtIV), TSC2, TSC3, TSC4, TSC5.
pub fn parse_tkip_iv(b: &[u8]) -> Result<PnHeader> {
    let h: [u8; 8] = b
        .get(..8)
        .and_then(|s| s.try_into().ok())
        .ok_or(CryptoError::Truncated { what: "TKIP IV" })?;
    let pn = u64::from_le_bytes([h[2], h[0], h[4], h[5], h[6], h[7], 0, 0]);
    Ok(PnHeader {
        pn,
        key_id: h[3] >> 6,
        ext_iv: h[3] & 0x20 != 0,
    })
}

/// Write a TKIP IV/Extended IV for `tsc` and `key_id`.
pub fn tkip_iv(tsc: u64, key_id: u8) -> [u8; 8] {
    let t = tsc.to_le_bytes();
    [
        t[1],
        (t[1] | 0x20) & 0x7f,
        t[0],
        0x20 | ((key_id & 3) << 6),
        t[2],
        t[3],
        t[4],
        t[5],
    ]
}

/// Which Michael key protects a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MichaelDirection {
    /// Authenticator → Supplicant (TK bits 128..191; also every group-addressed frame).
    FromAuthenticator,
    /// Supplicant → Authenticator (TK bits 192..255).
    FromSupplicant,
}

impl MichaelDirection {
    /// By the DS bits: To DS only = from the Supplicant (STA → AP); anything else is taken
    /// as sent by the Authenticator.
    pub fn of(h: &Header) -> Self {
        if h.to_ds() && !h.from_ds() {
            MichaelDirection::FromSupplicant
        } else {
            MichaelDirection::FromAuthenticator
        }
    }
}

/// A TKIP temporal key: 16-octet encryption key and the two Michael keys.
#[derive(Clone)]
pub struct TkipKey {
    tk: Zeroizing<[u8; 16]>,
    mic_from_auth: Zeroizing<[u8; 8]>,
    mic_from_supp: Zeroizing<[u8; 8]>,
}

impl core::fmt::Debug for TkipKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("TkipKey(..)")
    }
}

impl TkipKey {
    /// From a 32-octet TKIP TK (or GTK): `TK || Tx MIC key || Rx MIC key`
    /// (IEEE 802.11-2020 12.8.1).
    pub fn new(tk: &Tk) -> Result<Self> {
        Self::from_bytes(tk.expose_secret())
    }

    /// From 32 raw octets.
    pub fn from_bytes(k: &[u8]) -> Result<Self> {
        if k.len() != 32 {
            return Err(CryptoError::InvalidKeyLength {
                what: "TKIP TK",
                len: k.len(),
            });
        }
        let mut tk = Zeroizing::new([0u8; 16]);
        let mut a = Zeroizing::new([0u8; 8]);
        let mut s = Zeroizing::new([0u8; 8]);
        tk.copy_from_slice(k.get(..16).unwrap_or(&[0; 16]));
        a.copy_from_slice(k.get(16..24).unwrap_or(&[0; 8]));
        s.copy_from_slice(k.get(24..32).unwrap_or(&[0; 8]));
        Ok(TkipKey {
            tk,
            mic_from_auth: a,
            mic_from_supp: s,
        })
    }

    fn mic_key(&self, d: MichaelDirection) -> &[u8; 8] {
        match d {
            MichaelDirection::FromAuthenticator => &self.mic_from_auth,
            MichaelDirection::FromSupplicant => &self.mic_from_supp,
        }
    }

    fn rc4(&self, h: &Header, tsc: u64) -> Rc4<cipher::consts::U16> {
        let iv32 = (tsc >> 16) as u32;
        let iv16 = (tsc & 0xffff) as u16;
        // IEEE 802.11-2020 12.5.2.5: TA = A2.
        let ttak = phase1(&self.tk, &h.a2, iv32);
        let mut seed = phase2(&self.tk, &ttak, iv16);
        let rc4 = <Rc4<cipher::consts::U16> as KeyInit>::new((&seed).into());
        seed.zeroize();
        rc4
    }

    /// Encrypt an unfragmented plaintext MPDU (`header || MSDU`): appends the Michael MIC
    /// (key chosen by the DS bits, [`MichaelDirection::of`]) and the ICV, and writes
    /// `header (Protected set) || IV/ExtIV || RC4(MSDU || MIC || ICV)` to `out`.
    pub fn encrypt(
        &self,
        frame: &[u8],
        tsc: u64,
        key_id: u8,
        out: &mut alloc::vec::Vec<u8>,
    ) -> Result<()> {
        let h = frame::parse_header(frame)?;
        if h.frame_type() != frame::FrameType::Data {
            return Err(CryptoError::UnsupportedFrame);
        }
        let body = frame.get(h.len..).unwrap_or(&[]);
        let mic = michael_mic(
            self.mic_key(MichaelDirection::of(&h)),
            &h.da(),
            &h.sa(),
            h.tid(),
            body,
        );
        self.encrypt_mpdu_raw(frame, &mic, tsc, key_id, out)
    }

    /// WEP-encapsulate `header || data` with the TKIP per-packet key, appending `trailer`
    /// (the Michael MIC, or nothing for non-final fragments) before the ICV.
    pub fn encrypt_mpdu_raw(
        &self,
        frame: &[u8],
        trailer: &[u8],
        tsc: u64,
        key_id: u8,
        out: &mut alloc::vec::Vec<u8>,
    ) -> Result<()> {
        if tsc > frame::MAX_PN || key_id > 3 {
            return Err(CryptoError::InvalidLength {
                what: "TSC or key ID",
                len: 8,
            });
        }
        let h = frame::parse_header(frame)?;
        let body = frame.get(h.len..).unwrap_or(&[]);
        out.clear();
        out.extend_from_slice(&[h.fc[0], h.fc[1] | FC1_PROTECTED]);
        out.extend_from_slice(frame.get(2..h.len).unwrap_or(&[]));
        out.extend_from_slice(&tkip_iv(tsc, key_id));
        let start = out.len();
        out.extend_from_slice(body);
        out.extend_from_slice(trailer);
        let mut crc = crc32fast::Hasher::new();
        crc.update(body);
        crc.update(trailer);
        out.extend_from_slice(&crc.finalize().to_le_bytes());
        let mut rc4 = self.rc4(&h, tsc);
        if let Some(data) = out.get_mut(start..) {
            rc4.apply_keystream(data);
        }
        Ok(())
    }

    /// Decrypt one MPDU and check its ICV only (fragments, or when the caller verifies
    /// Michael itself). `out` = `header (Protected cleared) || data` where data still ends
    /// with the Michael MIC when this is the last (or only) fragment.
    pub fn decrypt_fragment(
        &self,
        mpdu: &[u8],
        out: &mut alloc::vec::Vec<u8>,
    ) -> Result<Decrypted> {
        out.clear();
        let h = frame::parse_header(mpdu)?;
        if !h.protected() {
            return Err(CryptoError::NotProtected);
        }
        let rest = mpdu.get(h.len..).unwrap_or(&[]);
        if rest.len() < 8 + 4 {
            return Err(CryptoError::Truncated { what: "TKIP MPDU" });
        }
        let iv = parse_tkip_iv(rest)?;
        if !iv.ext_iv {
            return Err(CryptoError::ExtIvNotSet);
        }
        out.extend_from_slice(&[h.fc[0], h.fc[1] & !FC1_PROTECTED]);
        out.extend_from_slice(mpdu.get(2..h.len).unwrap_or(&[]));
        out.extend_from_slice(rest.get(8..).unwrap_or(&[]));
        let mut rc4 = self.rc4(&h, iv.pn);
        if let Some(data) = out.get_mut(h.len..) {
            rc4.apply_keystream(data);
        }
        // IEEE 802.11-2020 12.3.2.2 (WEP ICV, reused by TKIP): CRC-32 of the plaintext,
        // little-endian.
        let icv_at = out.len() - 4;
        let plain = out.get(h.len..icv_at).unwrap_or(&[]);
        let icv = out.get(icv_at..).unwrap_or(&[]);
        if crc32fast::hash(plain).to_le_bytes() != icv {
            out.iter_mut().for_each(|b| *b = 0);
            out.clear();
            return Err(CryptoError::IcvMismatch);
        }
        out.truncate(icv_at);
        Ok(Decrypted {
            pn: iv.pn,
            key_id: iv.key_id,
            header_len: h.len,
        })
    }

    /// Decrypt an unfragmented MPDU and verify ICV and Michael (key chosen by the DS bits).
    /// `out` = `header (Protected cleared) || MSDU` (MIC and ICV removed).
    /// [`CryptoError::IcvMismatch`]: wrong key or corruption; [`CryptoError::MichaelMismatch`]:
    /// ICV correct, Michael wrong (a MIC failure, IEEE 802.11-2020 12.5.2.4).
    pub fn decrypt(&self, mpdu: &[u8], out: &mut alloc::vec::Vec<u8>) -> Result<Decrypted> {
        let h = frame::parse_header(mpdu)?;
        self.decrypt_with_direction(mpdu, MichaelDirection::of(&h), out)
    }

    /// [`TkipKey::decrypt`] with the Michael key chosen by the caller.
    pub fn decrypt_with_direction(
        &self,
        mpdu: &[u8],
        dir: MichaelDirection,
        out: &mut alloc::vec::Vec<u8>,
    ) -> Result<Decrypted> {
        let h = frame::parse_header(mpdu)?;
        if h.more_fragments() || h.fragment_number() != 0 {
            return Err(CryptoError::Fragmented);
        }
        let d = self.decrypt_fragment(mpdu, out)?;
        if out.len() < d.header_len + 8 {
            out.clear();
            return Err(CryptoError::Truncated {
                what: "TKIP MSDU (Michael MIC)",
            });
        }
        let mic_at = out.len() - 8;
        let msdu = out.get(d.header_len..mic_at).unwrap_or(&[]);
        let want = michael_mic(self.mic_key(dir), &h.da(), &h.sa(), h.tid(), msdu);
        let ok = out
            .get(mic_at..)
            .is_some_and(|m| bool::from(subtle::ConstantTimeEq::ct_eq(m, &want[..])));
        if !ok {
            out.iter_mut().for_each(|b| *b = 0);
            out.clear();
            return Err(CryptoError::MichaelMismatch);
        }
        out.truncate(mic_at);
        Ok(d)
    }
}
