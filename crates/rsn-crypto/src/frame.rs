//! The few 802.11 MAC header fields frame protection needs, read from raw octets, plus the
//! CCMP/GCMP AAD and nonce builders and PN/key-id helpers.
//!
//! Deliberately independent of `rsn-wire`'s header views: only frame control, addresses,
//! sequence control, QoS control and the presence of HT Control matter here
//! (IEEE 802.11-2020 9.2.3, 9.2.4).

use crate::{CryptoError, Result};

/// Frame type (IEEE 802.11-2020 9.2.4.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameType {
    /// Management.
    Management,
    /// Control.
    Control,
    /// Data.
    Data,
    /// Extension.
    Extension,
}

// Frame Control, second octet (IEEE 802.11-2020 Figure 9-3).
const FC1_TODS: u8 = 0x01;
const FC1_FROMDS: u8 = 0x02;
const FC1_MOREFRAG: u8 = 0x04;
const FC1_RETRY: u8 = 0x08;
const FC1_PWRMGT: u8 = 0x10;
const FC1_MOREDATA: u8 = 0x20;
/// Protected Frame bit in the second Frame Control octet.
pub const FC1_PROTECTED: u8 = 0x40;
const FC1_ORDER: u8 = 0x80;

/// The parsed fields of a MAC header that frame protection uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Frame Control, as on the wire.
    pub fc: [u8; 2],
    /// Address 1 (RA).
    pub a1: [u8; 6],
    /// Address 2 (TA).
    pub a2: [u8; 6],
    /// Address 3.
    pub a3: [u8; 6],
    /// Sequence Control, as on the wire.
    pub seq_ctl: [u8; 2],
    /// Address 4 (data frames with To DS and From DS both set).
    pub a4: Option<[u8; 6]>,
    /// QoS Control (QoS data subtypes), as on the wire.
    pub qos: Option<[u8; 2]>,
    /// An HT Control field is present (+HTC: Order bit set in a QoS data or a management
    /// frame, IEEE 802.11-2020 9.2.4.1.10).
    pub has_htc: bool,
    /// MAC header length in octets.
    pub len: usize,
}

fn arr6(b: &[u8], at: usize) -> Result<[u8; 6]> {
    b.get(at..at + 6)
        .and_then(|s| s.try_into().ok())
        .ok_or(CryptoError::Truncated { what: "MAC header" })
}

fn arr2(b: &[u8], at: usize) -> Result<[u8; 2]> {
    b.get(at..at + 2)
        .and_then(|s| s.try_into().ok())
        .ok_or(CryptoError::Truncated { what: "MAC header" })
}

/// Parse the MAC header of a management or data frame. Control and extension frames give
/// [`CryptoError::UnsupportedFrame`].
pub fn parse_header(frame: &[u8]) -> Result<Header> {
    let fc = arr2(frame, 0)?;
    let ftype = frame_type(fc);
    if !matches!(ftype, FrameType::Management | FrameType::Data) {
        return Err(CryptoError::UnsupportedFrame);
    }
    let mut len = 24;
    let a1 = arr6(frame, 4)?;
    let a2 = arr6(frame, 10)?;
    let a3 = arr6(frame, 16)?;
    let seq_ctl = arr2(frame, 22)?;
    let mut a4 = None;
    let mut qos = None;
    let mut has_htc = false;
    if ftype == FrameType::Data {
        // IEEE 802.11-2020 9.3.2.1: Address 4 when To DS = From DS = 1.
        if fc[1] & (FC1_TODS | FC1_FROMDS) == (FC1_TODS | FC1_FROMDS) {
            a4 = Some(arr6(frame, len)?);
            len += 6;
        }
        // QoS subtypes have bit 7 of the first FC octet (subtype bit 3) set.
        if fc[0] & 0x80 != 0 {
            qos = Some(arr2(frame, len)?);
            len += 2;
            // 9.2.4.1.10: in QoS data frames the Order bit announces HT Control.
            if fc[1] & FC1_ORDER != 0 {
                has_htc = true;
                len += 4;
            }
        }
    } else if fc[1] & FC1_ORDER != 0 {
        // 9.3.3.2: management frames carry HT Control when the Order bit is set.
        has_htc = true;
        len += 4;
    }
    if frame.len() < len {
        return Err(CryptoError::Truncated { what: "MAC header" });
    }
    Ok(Header {
        fc,
        a1,
        a2,
        a3,
        seq_ctl,
        a4,
        qos,
        has_htc,
        len,
    })
}

/// Frame type from Frame Control.
pub fn frame_type(fc: [u8; 2]) -> FrameType {
    match (fc[0] >> 2) & 0x3 {
        0 => FrameType::Management,
        1 => FrameType::Control,
        2 => FrameType::Data,
        _ => FrameType::Extension,
    }
}

impl Header {
    /// Frame type.
    pub fn frame_type(&self) -> FrameType {
        frame_type(self.fc)
    }
    /// To DS bit.
    pub fn to_ds(&self) -> bool {
        self.fc[1] & FC1_TODS != 0
    }
    /// From DS bit.
    pub fn from_ds(&self) -> bool {
        self.fc[1] & FC1_FROMDS != 0
    }
    /// Protected Frame bit.
    pub fn protected(&self) -> bool {
        self.fc[1] & FC1_PROTECTED != 0
    }
    /// More Fragments bit.
    pub fn more_fragments(&self) -> bool {
        self.fc[1] & FC1_MOREFRAG != 0
    }
    /// Fragment number (low 4 bits of Sequence Control).
    pub fn fragment_number(&self) -> u8 {
        self.seq_ctl[0] & 0x0f
    }
    /// TID from QoS Control (0 for frames without one).
    pub fn tid(&self) -> u8 {
        self.qos.map_or(0, |q| q[0] & 0x0f)
    }
    /// Destination address by the To/From DS bits (IEEE 802.11-2020 Table 9-30).
    pub fn da(&self) -> [u8; 6] {
        if self.to_ds() {
            self.a3
        } else {
            self.a1
        }
    }
    /// Source address by the To/From DS bits (IEEE 802.11-2020 Table 9-30).
    pub fn sa(&self) -> [u8; 6] {
        match (self.to_ds(), self.from_ds()) {
            (_, false) => self.a2,
            (false, true) => self.a3,
            (true, true) => self.a4.unwrap_or(self.a3),
        }
    }
}

/// Options for the CCMP/GCMP AAD.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AadOptions {
    /// Both peers are SPP A-MSDU capable and required: keep QoS Control bit 7
    /// (A-MSDU Present) in the AAD (IEEE 802.11-2020 12.5.3.3.3). Default: masked.
    pub spp_amsdu: bool,
}

/// CCMP/GCMP additional authentication data (at most 30 octets, no heap).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Aad {
    buf: [u8; 30],
    len: usize,
}

impl Aad {
    /// The AAD octets.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }
}

impl core::fmt::Debug for Aad {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Aad(")?;
        for b in self.as_bytes() {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

/// Build the CCMP/GCMP AAD (IEEE 802.11-2020 12.5.3.3.3, used by GCMP per 12.5.5.3.3):
///
/// * FC: subtype bits 4-6 masked to 0 in data frames; Retry, Power Management and More
///   Data masked to 0; Protected set to 1; Order masked to 0 in QoS data frames (where it
///   announces HT Control).
/// * A1, A2, A3.
/// * SC: sequence number masked to 0, fragment number kept.
/// * A4 if present.
/// * QC if present: all but the TID masked to 0 (bit 7 kept with `spp_amsdu`).
/// * HT Control is not part of the AAD.
pub fn build_aad(h: &Header, opts: AadOptions) -> Aad {
    let mut fc0 = h.fc[0];
    let mut fc1 = h.fc[1];
    if h.frame_type() == FrameType::Data {
        fc0 &= !0x70;
    }
    fc1 &= !(FC1_RETRY | FC1_PWRMGT | FC1_MOREDATA);
    fc1 |= FC1_PROTECTED;
    if h.qos.is_some() {
        fc1 &= !FC1_ORDER;
    }
    let mut buf = [0u8; 30];
    let mut n = 0;
    let mut put = |bytes: &[u8]| {
        for b in bytes {
            if let Some(d) = buf.get_mut(n) {
                *d = *b;
                n += 1;
            }
        }
    };
    put(&[fc0, fc1]);
    put(&h.a1);
    put(&h.a2);
    put(&h.a3);
    put(&[h.seq_ctl[0] & 0x0f, 0]);
    if let Some(a4) = &h.a4 {
        put(a4);
    }
    if let Some(q) = h.qos {
        let mask = if opts.spp_amsdu { 0x8f } else { 0x0f };
        put(&[q[0] & mask, 0]);
    }
    Aad { buf, len: n }
}

/// The 48-bit PN as the six nonce octets, most significant first.
fn pn_be(pn: u64) -> [u8; 6] {
    let b = pn.to_be_bytes();
    [b[2], b[3], b[4], b[5], b[6], b[7]]
}

/// CCMP nonce (IEEE 802.11-2020 12.5.3.3.4): Nonce Flags || A2 || PN (PN5 first).
/// Nonce Flags: priority (TID, 0 without QoS Control) in bits 0-3, bit 4 = management frame.
pub fn ccmp_nonce(h: &Header, pn: u64) -> [u8; 13] {
    let mut flags = h.tid();
    if h.frame_type() == FrameType::Management {
        flags = 0x10;
    }
    let mut n = [0u8; 13];
    for (d, s) in n.iter_mut().zip(
        core::iter::once(&flags)
            .chain(h.a2.iter())
            .chain(pn_be(pn).iter()),
    ) {
        *d = *s;
    }
    n
}

/// GCMP nonce (IEEE 802.11-2020 12.5.5.3.4): A2 || PN (PN5 first).
pub fn gcmp_nonce(h: &Header, pn: u64) -> [u8; 12] {
    let mut n = [0u8; 12];
    for (d, s) in n.iter_mut().zip(h.a2.iter().chain(pn_be(pn).iter())) {
        *d = *s;
    }
    n
}

/// The fields of a CCMP/GCMP header (or a TKIP IV/Extended IV).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PnHeader {
    /// Packet number (TSC for TKIP), 48 bits.
    pub pn: u64,
    /// Key ID (0..=3).
    pub key_id: u8,
    /// ExtIV bit.
    pub ext_iv: bool,
}

/// Read a CCMP/GCMP header (IEEE 802.11-2020 Figure 12-19):
/// PN0 PN1 Rsvd (Rsvd|ExtIV|KeyID) PN2 PN3 PN4 PN5.
pub fn parse_pn_header(b: &[u8]) -> Result<PnHeader> {
    let h: [u8; 8] = b
        .get(..8)
        .and_then(|s| s.try_into().ok())
        .ok_or(CryptoError::Truncated {
            what: "CCMP/GCMP header",
        })?;
    let pn = u64::from_le_bytes([h[0], h[1], h[4], h[5], h[6], h[7], 0, 0]);
    Ok(PnHeader {
        pn,
        key_id: h[3] >> 6,
        ext_iv: h[3] & 0x20 != 0,
    })
}

/// Write a CCMP/GCMP header for `pn` and `key_id` (ExtIV set).
pub fn pn_header(pn: u64, key_id: u8) -> [u8; 8] {
    let p = pn.to_le_bytes();
    [
        p[0],
        p[1],
        0,
        0x20 | ((key_id & 3) << 6),
        p[2],
        p[3],
        p[4],
        p[5],
    ]
}

/// Largest PN (48 bits).
pub const MAX_PN: u64 = (1 << 48) - 1;

/// Result of decrypting a CCMP/GCMP/TKIP MPDU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decrypted {
    /// PN (TSC) of the frame.
    pub pn: u64,
    /// Key ID.
    pub key_id: u8,
    /// Length of the MAC header at the start of the output.
    pub header_len: usize,
}

/// Shared MPDU framing of CCMP and GCMP: `header || PN header || data || MIC`.
pub(crate) fn seal_mpdu(
    frame: &[u8],
    pn: u64,
    key_id: u8,
    out: &mut alloc::vec::Vec<u8>,
    seal: impl FnOnce(&Header, &mut [u8]) -> Result<crate::mic::Mic>,
) -> Result<()> {
    if pn > MAX_PN {
        return Err(CryptoError::InvalidLength {
            what: "PN (48 bits)",
            len: 8,
        });
    }
    if key_id > 3 {
        return Err(CryptoError::InvalidLength {
            what: "key ID",
            len: usize::from(key_id),
        });
    }
    let mut h = parse_header(frame)?;
    h.fc[1] |= FC1_PROTECTED;
    let body = frame.get(h.len..).unwrap_or(&[]);
    out.clear();
    out.reserve(h.len + 8 + body.len() + 16);
    out.extend_from_slice(&h.fc);
    out.extend_from_slice(frame.get(2..h.len).unwrap_or(&[]));
    out.extend_from_slice(&pn_header(pn, key_id));
    let start = out.len();
    out.extend_from_slice(body);
    let tag = match out.get_mut(start..) {
        Some(data) => seal(&h, data),
        None => Err(CryptoError::Truncated { what: "MPDU" }),
    };
    match tag {
        Ok(tag) => {
            out.extend_from_slice(tag.as_bytes());
            Ok(())
        }
        Err(e) => {
            out.clear();
            Err(e)
        }
    }
}

/// Shared MPDU parsing of CCMP and GCMP. Output: header (Protected bit cleared) || plaintext.
pub(crate) fn open_mpdu(
    mpdu: &[u8],
    mic_len: usize,
    out: &mut alloc::vec::Vec<u8>,
    open: impl FnOnce(&Header, u64, &mut [u8], &[u8]) -> Result<()>,
) -> Result<Decrypted> {
    out.clear();
    let h = parse_header(mpdu)?;
    if !h.protected() {
        return Err(CryptoError::NotProtected);
    }
    let rest = mpdu.get(h.len..).unwrap_or(&[]);
    if rest.len() < 8 + mic_len {
        return Err(CryptoError::Truncated {
            what: "protected MPDU",
        });
    }
    let ph = parse_pn_header(rest)?;
    if !ph.ext_iv {
        return Err(CryptoError::ExtIvNotSet);
    }
    let (ct, mic) = rest
        .get(8..)
        .unwrap_or(&[])
        .split_at(rest.len() - 8 - mic_len);
    out.reserve(h.len + ct.len());
    out.extend_from_slice(&[h.fc[0], h.fc[1] & !FC1_PROTECTED]);
    out.extend_from_slice(mpdu.get(2..h.len).unwrap_or(&[]));
    out.extend_from_slice(ct);
    let r = match out.get_mut(h.len..) {
        Some(data) => open(&h, ph.pn, data, mic),
        None => Err(CryptoError::Truncated { what: "MPDU" }),
    };
    match r {
        Ok(()) => Ok(Decrypted {
            pn: ph.pn,
            key_id: ph.key_id,
            header_len: h.len,
        }),
        Err(e) => {
            // Never hand out unauthenticated plaintext.
            out.iter_mut().for_each(|b| *b = 0);
            out.clear();
            Err(e)
        }
    }
}
