//! EAPOL (IEEE 802.1X-2020 11.3) and the EAPOL-Key frame (IEEE 802.11-2020 12.7.2).
//!
//! [`EapolKey`] is a view over the *whole* EAPOL frame (4-octet EAPOL header included) so
//! that [`mic_range`] offsets can be used directly by the MIC code. The Key MIC field length
//! depends on the AKM (16 for most, 24 for the SHA-384 AKMs 12, 13, 19, 20, 0 for FILS/AEAD
//! key data, 32 for some newer ones); it is passed in, or guessed with
//! [`candidate_mic_lens`].

use alloc::vec::Vec;
use core::ops::Range;

use crate::codec::{array_at, open_code, slice, to_vec, Reader, Writer};
use crate::{Error, Result};

open_code! {
    /// EAPOL Packet Type (IEEE 802.1X-2020 Table 11-3).
    EapolType(u8) {
        /// EAPOL-EAP.
        EAP = 0;
        /// EAPOL-Start.
        START = 1;
        /// EAPOL-Logoff.
        LOGOFF = 2;
        /// EAPOL-Key.
        KEY = 3;
        /// EAPOL-Encapsulated-ASF-Alert.
        ASF_ALERT = 4;
        /// EAPOL-MKA.
        MKA = 5;
        /// EAPOL-Announcement (Generic).
        ANNOUNCEMENT_GENERIC = 6;
        /// EAPOL-Announcement (Specific).
        ANNOUNCEMENT_SPECIFIC = 7;
        /// EAPOL-Announcement-Req.
        ANNOUNCEMENT_REQ = 8;
    }
}

open_code! {
    /// EAPOL-Key Descriptor Type (IEEE 802.11-2020 12.7.2; IEEE 802.1X-2020 Table 11-5).
    DescriptorType(u8) {
        /// RC4 key descriptor (802.1X, WEP era).
        RC4 = 1;
        /// IEEE 802.11 (RSN) key descriptor.
        RSN = 2;
        /// WPA1 (pre-RSN) key descriptor.
        WPA = 254;
    }
}

open_code! {
    /// Key Descriptor Version, Key Information bits 0-2 (IEEE 802.11-2020 12.7.2 b.1).
    KeyDescriptorVersion(u8) {
        /// AKM-defined (MIC and key wrap follow the AKM).
        AKM_DEFINED = 0;
        /// HMAC-MD5 MIC, RC4 key data encryption.
        HMAC_MD5_RC4 = 1;
        /// HMAC-SHA1-128 MIC, NIST AES key wrap.
        HMAC_SHA1_AES = 2;
        /// AES-128-CMAC MIC, NIST AES key wrap.
        AES_128_CMAC = 3;
    }
}

/// Key Information field (IEEE 802.11-2020 12.7.2 b, Figure 12-33), host order.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct KeyInfo(pub u16);

macro_rules! key_info_flags {
    ($($(#[$m:meta])* $get:ident, $set:ident = $bit:expr;)*) => {
        $(
            $(#[$m])*
            pub const fn $get(&self) -> bool {
                self.0 & (1 << $bit) != 0
            }
            /// Return a copy with this bit set to `v`.
            #[must_use]
            pub const fn $set(self, v: bool) -> Self {
                KeyInfo(if v { self.0 | (1 << $bit) } else { self.0 & !(1 << $bit) })
            }
        )*
    };
}

impl KeyInfo {
    /// Key Descriptor Version, bits 0-2.
    pub const fn descriptor_version(&self) -> KeyDescriptorVersion {
        KeyDescriptorVersion((self.0 & 0x7) as u8)
    }
    /// Return a copy with the descriptor version replaced.
    #[must_use]
    pub const fn with_descriptor_version(self, v: KeyDescriptorVersion) -> Self {
        KeyInfo((self.0 & !0x7) | (v.0 as u16 & 0x7))
    }
    /// WPA1 Key Index, bits 4-5 (reserved in RSN).
    pub const fn key_index(&self) -> u8 {
        ((self.0 >> 4) & 0x3) as u8
    }
    /// Return a copy with the key index replaced.
    #[must_use]
    pub const fn with_key_index(self, i: u8) -> Self {
        KeyInfo((self.0 & !0x30) | ((i as u16 & 0x3) << 4))
    }
    key_info_flags! {
        /// Key Type, bit 3: 1 = pairwise, 0 = group.
        key_type_pairwise, with_key_type_pairwise = 3;
        /// Install, bit 6.
        install, with_install = 6;
        /// Key Ack, bit 7.
        key_ack, with_key_ack = 7;
        /// Key MIC, bit 8.
        key_mic, with_key_mic = 8;
        /// Secure, bit 9.
        secure, with_secure = 9;
        /// Error, bit 10.
        error, with_error = 10;
        /// Request, bit 11.
        request, with_request = 11;
        /// Encrypted Key Data, bit 12.
        encrypted_key_data, with_encrypted_key_data = 12;
        /// SMK Message, bit 13.
        smk_message, with_smk_message = 13;
    }
}

impl core::fmt::Debug for KeyInfo {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "KeyInfo({:#06x} v{}",
            self.0,
            self.descriptor_version().0
        )?;
        for (on, n) in [
            (self.key_type_pairwise(), "P"),
            (self.install(), "Install"),
            (self.key_ack(), "Ack"),
            (self.key_mic(), "MIC"),
            (self.secure(), "Secure"),
            (self.error(), "Error"),
            (self.request(), "Request"),
            (self.encrypted_key_data(), "Enc"),
            (self.smk_message(), "SMK"),
        ] {
            if on {
                write!(f, " {n}")?;
            }
        }
        f.write_str(")")
    }
}

/// Length of the EAPOL header (version, type, body length).
pub const EAPOL_HEADER_LEN: usize = 4;
/// Octets of the EAPOL-Key body before the Key MIC field.
pub const KEY_FIXED_LEN: usize = 77;

/// Frame offsets (EAPOL header included) of the EAPOL-Key fields before the MIC.
mod field {
    use core::ops::Range;
    pub const VERSION: usize = 0;
    pub const TYPE: usize = 1;
    pub const BODY_LEN: Range<usize> = 2..4;
    pub const DESCRIPTOR_TYPE: usize = 4;
    pub const KEY_INFO: Range<usize> = 5..7;
    pub const KEY_LENGTH: Range<usize> = 7..9;
    pub const REPLAY_COUNTER: Range<usize> = 9..17;
    pub const KEY_NONCE: Range<usize> = 17..49;
    pub const KEY_IV: Range<usize> = 49..65;
    pub const KEY_RSC: Range<usize> = 65..73;
    pub const KEY_ID: Range<usize> = 73..81;
    pub const MIC: usize = 81;
}

/// Offsets of the Key MIC field within the whole EAPOL frame, for a MIC of `mic_len` octets.
pub const fn mic_range(mic_len: usize) -> Range<usize> {
    field::MIC..field::MIC.saturating_add(mic_len)
}

/// Offset of the Key Data Length field within the whole EAPOL frame.
pub const fn key_data_len_offset(mic_len: usize) -> usize {
    field::MIC.saturating_add(mic_len)
}

/// MIC lengths (tried in the order 16, 24, 0, 32) for which the frame's lengths are
/// consistent: it is an EAPOL-Key frame, and Packet Body Length equals
/// `77 + mic_len + 2 + Key Data Length` with the body inside the buffer.
pub fn candidate_mic_lens(frame: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let (Some(&ptype), Some(body_len)) = (frame.get(field::TYPE), frame.get(field::BODY_LEN))
    else {
        return out;
    };
    if ptype != EapolType::KEY.0 {
        return out;
    }
    let body_len = usize::from(u16::from_be_bytes(array_at(body_len, 0)));
    for m in [16usize, 24, 0, 32] {
        let at = key_data_len_offset(m);
        let Some(kdl) = frame.get(at..at + 2) else {
            continue;
        };
        let kdl = usize::from(u16::from_be_bytes(array_at(kdl, 0)));
        if body_len == KEY_FIXED_LEN + m + 2 + kdl && EAPOL_HEADER_LEN + body_len <= frame.len() {
            out.push(m);
        }
    }
    out
}

/// A checked view of an EAPOL frame (any packet type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EapolPacket<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> EapolPacket<T> {
    /// Check that the header and the Packet Body Length octets are in the buffer.
    pub fn new_checked(buffer: T) -> Result<Self> {
        let b = buffer.as_ref();
        let len = u16::from_be_bytes(array_at(b, field::BODY_LEN.start));
        if b.len() < EAPOL_HEADER_LEN || b.len() - EAPOL_HEADER_LEN < usize::from(len) {
            return Err(Error::Truncated);
        }
        Ok(EapolPacket { buffer })
    }
    /// Protocol Version (1: 802.1X-2001, 2: -2004, 3: -2010).
    pub fn version(&self) -> u8 {
        self.buffer
            .as_ref()
            .get(field::VERSION)
            .copied()
            .unwrap_or(0)
    }
    /// Packet Type.
    pub fn packet_type(&self) -> EapolType {
        EapolType(self.buffer.as_ref().get(field::TYPE).copied().unwrap_or(0))
    }
    /// Packet Body Length.
    pub fn body_len(&self) -> u16 {
        u16::from_be_bytes(array_at(self.buffer.as_ref(), field::BODY_LEN.start))
    }
    /// The packet body (exactly Packet Body Length octets).
    pub fn body(&self) -> &[u8] {
        let end = EAPOL_HEADER_LEN + usize::from(self.body_len());
        slice(self.buffer.as_ref(), EAPOL_HEADER_LEN, end)
    }
    /// Octets after the body (e.g. Ethernet padding).
    pub fn trailer(&self) -> &[u8] {
        let end = EAPOL_HEADER_LEN + usize::from(self.body_len());
        self.buffer.as_ref().get(end..).unwrap_or(&[])
    }
}

/// Parsed EAPOL frame with a borrowed body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EapolPacketRepr<'a> {
    /// Protocol Version.
    pub version: u8,
    /// Packet Type.
    pub packet_type: EapolType,
    /// Packet body.
    pub body: &'a [u8],
}

impl<'a> EapolPacketRepr<'a> {
    /// Parse the EAPOL frame at the start of `buf` (trailing octets are ignored).
    pub fn parse(buf: &'a [u8]) -> Result<Self> {
        let mut r = Reader::new(buf);
        let version = r.u8()?;
        let packet_type = EapolType(r.u8()?);
        let n = r.u16_be()?;
        let body = r.take(usize::from(n))?;
        Ok(EapolPacketRepr {
            version,
            packet_type,
            body,
        })
    }
    /// Header plus body.
    pub fn buffer_len(&self) -> usize {
        EAPOL_HEADER_LEN.saturating_add(self.body.len())
    }
    /// Write header and body; `Malformed` if the body exceeds 65535 octets.
    pub fn emit(&self, buf: &mut [u8]) -> Result<()> {
        let mut w = Writer::new(buf);
        w.u8(self.version)?;
        w.u8(self.packet_type.0)?;
        w.u16_be(u16::try_from(self.body.len()).map_err(|_| Error::Malformed)?)?;
        w.put(self.body)
    }
}

/// A checked view of an EAPOL-Key frame (EAPOL header included) with a known MIC length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EapolKey<T: AsRef<[u8]>> {
    buffer: T,
    mic_len: usize,
}

impl<T: AsRef<[u8]>> EapolKey<T> {
    /// Check that this is an EAPOL-Key frame whose fields, with a `mic_len`-octet MIC, and
    /// whose Key Data (per Key Data Length) lie inside the buffer. Packet Body Length is not
    /// required to agree (see [`EapolKey::lengths_consistent`]).
    pub fn new_checked(buffer: T, mic_len: usize) -> Result<Self> {
        let b = buffer.as_ref();
        let ptype = b.get(field::TYPE).copied().ok_or(Error::Truncated)?;
        if ptype != EapolType::KEY.0 {
            return Err(Error::Malformed);
        }
        let at = key_data_len_offset(mic_len);
        let kdl = b
            .get(at..at.checked_add(2).ok_or(Error::Truncated)?)
            .ok_or(Error::Truncated)?;
        let kdl = usize::from(u16::from_be_bytes(array_at(kdl, 0)));
        if b.len() - (at + 2) < kdl {
            return Err(Error::Truncated);
        }
        Ok(EapolKey { buffer, mic_len })
    }
    fn b(&self) -> &[u8] {
        self.buffer.as_ref()
    }
    /// The MIC length this view was built with.
    pub fn mic_len(&self) -> usize {
        self.mic_len
    }
    /// EAPOL Protocol Version.
    pub fn protocol_version(&self) -> u8 {
        self.b().get(field::VERSION).copied().unwrap_or(0)
    }
    /// EAPOL Packet Body Length.
    pub fn body_len(&self) -> u16 {
        u16::from_be_bytes(array_at(self.b(), field::BODY_LEN.start))
    }
    /// Descriptor Type.
    pub fn descriptor_type(&self) -> DescriptorType {
        DescriptorType(self.b().get(field::DESCRIPTOR_TYPE).copied().unwrap_or(0))
    }
    /// Key Information.
    pub fn key_info(&self) -> KeyInfo {
        KeyInfo(u16::from_be_bytes(array_at(
            self.b(),
            field::KEY_INFO.start,
        )))
    }
    /// Key Length.
    pub fn key_length(&self) -> u16 {
        u16::from_be_bytes(array_at(self.b(), field::KEY_LENGTH.start))
    }
    /// Key Replay Counter (big-endian).
    pub fn replay_counter(&self) -> u64 {
        u64::from_be_bytes(array_at(self.b(), field::REPLAY_COUNTER.start))
    }
    /// Key Nonce.
    pub fn key_nonce(&self) -> [u8; 32] {
        array_at(self.b(), field::KEY_NONCE.start)
    }
    /// EAPOL-Key IV.
    pub fn key_iv(&self) -> [u8; 16] {
        array_at(self.b(), field::KEY_IV.start)
    }
    /// Key RSC (octets as on the wire; the PN is little-endian in them).
    pub fn key_rsc(&self) -> [u8; 8] {
        array_at(self.b(), field::KEY_RSC.start)
    }
    /// Reserved field (the WPA1 Key ID).
    pub fn key_id(&self) -> [u8; 8] {
        array_at(self.b(), field::KEY_ID.start)
    }
    /// Key MIC.
    pub fn mic(&self) -> &[u8] {
        let r = mic_range(self.mic_len);
        slice(self.b(), r.start, r.end)
    }
    /// Key Data Length.
    pub fn key_data_len(&self) -> u16 {
        u16::from_be_bytes(array_at(self.b(), key_data_len_offset(self.mic_len)))
    }
    /// Key Data.
    pub fn key_data(&self) -> &[u8] {
        let start = key_data_len_offset(self.mic_len) + 2;
        slice(self.b(), start, start + usize::from(self.key_data_len()))
    }
    /// Packet Body Length equals `77 + mic_len + 2 + Key Data Length`.
    pub fn lengths_consistent(&self) -> bool {
        usize::from(self.body_len())
            == KEY_FIXED_LEN + self.mic_len + 2 + usize::from(self.key_data_len())
    }
    /// The EAPOL frame as Packet Body Length delimits it (what the MIC is computed over),
    /// or `None` if that runs past the buffer.
    pub fn frame(&self) -> Option<&[u8]> {
        self.b()
            .get(..EAPOL_HEADER_LEN + usize::from(self.body_len()))
    }
    /// Consume the view.
    pub fn into_inner(self) -> T {
        self.buffer
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> EapolKey<T> {
    /// Overwrite the Key MIC; `Malformed` unless `mic` has the view's MIC length.
    pub fn set_mic(&mut self, mic: &[u8]) -> Result<()> {
        let r = mic_range(self.mic_len);
        let dst = self.buffer.as_mut().get_mut(r).ok_or(Error::Truncated)?;
        if dst.len() != mic.len() {
            return Err(Error::Malformed);
        }
        dst.copy_from_slice(mic);
        Ok(())
    }
    /// Zero the Key MIC (as required before computing it, IEEE 802.11-2020 12.7.2 h).
    pub fn zero_mic(&mut self) {
        if let Some(d) = self.buffer.as_mut().get_mut(mic_range(self.mic_len)) {
            d.fill(0);
        }
    }
}

/// Parsed EAPOL-Key frame (owned), including its EAPOL header fields.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct EapolKeyRepr {
    /// EAPOL Protocol Version.
    pub protocol_version: u8,
    /// Descriptor Type.
    pub descriptor_type: DescriptorType,
    /// Key Information.
    pub key_info: KeyInfo,
    /// Key Length.
    pub key_length: u16,
    /// Key Replay Counter.
    pub replay_counter: u64,
    /// Key Nonce.
    pub key_nonce: [u8; 32],
    /// EAPOL-Key IV.
    pub key_iv: [u8; 16],
    /// Key RSC.
    pub key_rsc: [u8; 8],
    /// Reserved / WPA1 Key ID.
    pub key_id: [u8; 8],
    /// Key MIC (its length is the MIC length).
    pub mic: Vec<u8>,
    /// Key Data.
    pub key_data: Vec<u8>,
    /// Octets inside Packet Body Length after the Key Data (normally none).
    pub body_padding: Vec<u8>,
}

impl EapolKeyRepr {
    /// Parse from a checked view. `Malformed` if Packet Body Length is shorter than the
    /// fields; `Truncated` if it runs past the buffer.
    pub fn parse<T: AsRef<[u8]>>(v: &EapolKey<T>) -> Result<Self> {
        let used = KEY_FIXED_LEN + v.mic_len() + 2 + usize::from(v.key_data_len());
        let body_len = usize::from(v.body_len());
        if body_len < used {
            return Err(Error::Malformed);
        }
        let frame = v.frame().ok_or(Error::Truncated)?;
        Ok(EapolKeyRepr {
            protocol_version: v.protocol_version(),
            descriptor_type: v.descriptor_type(),
            key_info: v.key_info(),
            key_length: v.key_length(),
            replay_counter: v.replay_counter(),
            key_nonce: v.key_nonce(),
            key_iv: v.key_iv(),
            key_rsc: v.key_rsc(),
            key_id: v.key_id(),
            mic: v.mic().to_vec(),
            key_data: v.key_data().to_vec(),
            body_padding: frame.get(EAPOL_HEADER_LEN + used..).unwrap_or(&[]).to_vec(),
        })
    }
    /// Parse a whole EAPOL frame with a known MIC length.
    pub fn parse_bytes(frame: &[u8], mic_len: usize) -> Result<Self> {
        Self::parse(&EapolKey::new_checked(frame, mic_len)?)
    }
    /// Key RSC as a little-endian integer (the PN of the group key).
    pub fn rsc_u64(&self) -> u64 {
        u64::from_le_bytes(self.key_rsc)
    }
    /// Whole frame length.
    pub fn buffer_len(&self) -> usize {
        EAPOL_HEADER_LEN
            .saturating_add(KEY_FIXED_LEN + 2)
            .saturating_add(self.mic.len())
            .saturating_add(self.key_data.len())
            .saturating_add(self.body_padding.len())
    }
    /// Write the whole EAPOL frame (Packet Body Length and Key Data Length computed).
    pub fn emit(&self, buf: &mut [u8]) -> Result<()> {
        let body_len =
            u16::try_from(self.buffer_len() - EAPOL_HEADER_LEN).map_err(|_| Error::Malformed)?;
        let kdl = u16::try_from(self.key_data.len()).map_err(|_| Error::Malformed)?;
        let mut w = Writer::new(buf);
        w.u8(self.protocol_version)?;
        w.u8(EapolType::KEY.0)?;
        w.u16_be(body_len)?;
        w.u8(self.descriptor_type.0)?;
        w.u16_be(self.key_info.0)?;
        w.u16_be(self.key_length)?;
        w.u64_be(self.replay_counter)?;
        w.put(&self.key_nonce)?;
        w.put(&self.key_iv)?;
        w.put(&self.key_rsc)?;
        w.put(&self.key_id)?;
        w.put(&self.mic)?;
        w.u16_be(kdl)?;
        w.put(&self.key_data)?;
        w.put(&self.body_padding)
    }
    /// The frame in a new vector.
    pub fn to_vec(&self) -> Result<Vec<u8>> {
        to_vec(self.buffer_len(), |b| self.emit(b))
    }
}

#[cfg(test)]
#[path = "eapol_tests.rs"]
mod tests;
