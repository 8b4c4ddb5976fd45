//! Radio headers in front of 802.11 frames: radiotap, PPI, AVS, Prism.

use crate::decap::{DecapError, Layer, RadioHeader, RadioInfo};
use crate::LinkType;

fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}
fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}
fn le64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        b.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}
fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}
fn be64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(
        b.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}
fn u8_at(b: &[u8], at: usize) -> Option<u8> {
    b.get(at).copied()
}

fn truncated(layer: Layer, need: usize, have: usize) -> DecapError {
    DecapError::Truncated { layer, need, have }
}

/// Channel number to centre frequency (IEEE 802.11-2020 Annex E: 2.4 GHz and 5 GHz
/// bands), for headers that give a channel number rather than a frequency.
pub(crate) fn channel_to_mhz(ch: u32) -> Option<u16> {
    match ch {
        1..=13 => Some(2407 + 5 * ch as u16),
        14 => Some(2484),
        32..=177 => Some(5000 + 5 * ch as u16),
        _ => None,
    }
}

// ---- radiotap ------------------------------------------------------------------------

/// Alignment and size of the radiotap fields in the default namespace
/// (<https://www.radiotap.org/fields/defined>), by presence bit.
fn radiotap_field(bit: u32) -> Option<(usize, usize)> {
    Some(match bit {
        0 => (8, 8),   // TSFT
        1 => (1, 1),   // Flags
        2 => (1, 1),   // Rate
        3 => (2, 4),   // Channel
        4 => (2, 2),   // FHSS
        5 => (1, 1),   // dBm antenna signal
        6 => (1, 1),   // dBm antenna noise
        7 => (2, 2),   // lock quality
        8 => (2, 2),   // TX attenuation
        9 => (2, 2),   // dB TX attenuation
        10 => (1, 1),  // dBm TX power
        11 => (1, 1),  // antenna
        12 => (1, 1),  // dB antenna signal
        13 => (1, 1),  // dB antenna noise
        14 => (2, 2),  // RX flags
        15 => (2, 2),  // TX flags
        16 => (1, 1),  // RTS retries
        17 => (1, 1),  // data retries
        18 => (4, 8),  // XChannel
        19 => (1, 3),  // MCS
        20 => (4, 8),  // A-MPDU status
        21 => (2, 12), // VHT
        22 => (8, 12), // timestamp
        23 => (2, 12), // HE
        24 => (2, 12), // HE-MU
        25 => (2, 6),  // HE-MU-other-user
        26 => (1, 1),  // 0-length PSDU
        27 => (2, 4),  // L-SIG
        _ => return None,
    })
}

fn align_up(off: usize, align: usize) -> usize {
    let a = align.max(1);
    off.div_ceil(a).saturating_mul(a)
}

/// Parse a radiotap header: radio information and the header length.
///
/// Headers with a single presence word go through the `radiotap` crate. Headers
/// with extended presence bitmaps, extra radiotap namespaces or vendor namespaces
/// go through [`radiotap_walk`] instead, because `radiotap` 1.3 (a) drops the bits
/// it does not know from its field list, so the offsets of every later field (e.g.
/// the per-antenna signal in a second namespace written by iwlwifi) come out wrong,
/// and (b) slices a vendor namespace by its `skip_length` without a bounds check,
/// which panics on a hostile header. The walker is checked against the crate on
/// single-word headers by a property test.
pub(crate) fn radiotap(data: &[u8]) -> Result<(RadioInfo, usize), DecapError> {
    let have = data.len();
    let version = u8_at(data, 0).ok_or(truncated(Layer::Radiotap, 8, have))?;
    let it_len = le16(data, 2).ok_or(truncated(Layer::Radiotap, 8, have))? as usize;
    if version != 0 {
        return Err(DecapError::Malformed {
            layer: Layer::Radiotap,
            reason: "radiotap version is not 0",
        });
    }
    if it_len < 8 {
        return Err(DecapError::Malformed {
            layer: Layer::Radiotap,
            reason: "radiotap length below 8",
        });
    }
    let hdr = data
        .get(..it_len)
        .ok_or(truncated(Layer::Radiotap, it_len, have))?;
    let first = le32(hdr, 4).unwrap_or(0);
    let single_word = first & 0xe000_0000 == 0;
    if single_word {
        if let Ok(rt) = radiotap::Radiotap::from_bytes(hdr) {
            return Ok((from_crate(&rt), it_len));
        }
    }
    Ok((radiotap_walk(hdr), it_len))
}

fn from_crate(rt: &radiotap::Radiotap) -> RadioInfo {
    let flags = rt.flags.as_ref().map(|f| {
        u8::from(f.cfp)
            | u8::from(f.preamble) << 1
            | u8::from(f.wep) << 2
            | u8::from(f.fragmentation) << 3
            | u8::from(f.fcs) << 4
            | u8::from(f.data_pad) << 5
            | u8::from(f.bad_fcs) << 6
            | u8::from(f.sgi) << 7
    });
    RadioInfo {
        header: RadioHeader::Radiotap,
        channel_mhz: rt.channel.as_ref().map(|c| c.freq),
        signal_dbm: rt.antenna_signal.as_ref().map(|s| s.value),
        noise_dbm: rt.antenna_noise.as_ref().map(|s| s.value),
        // The crate gives Mb/s as f32 = (octet as i8) / 2, exact in binary; undo
        // its sign so that rates of 64 Mb/s and more read as the walker reads them.
        rate_kbps: rt
            .rate
            .as_ref()
            .map(|r| u32::from((r.value * 2.0) as i8 as u8) * 500),
        mcs: rt.mcs.as_ref().and_then(|m| m.index),
        tsft: rt.tsft.as_ref().map(|t| t.value),
        flags,
        antenna: rt.antenna.as_ref().map(|a| a.value),
    }
}

/// Our own radiotap walker (see [`radiotap`] for why): follows presence words
/// across radiotap and vendor namespaces, aligning each field from the start of
/// the header. It stops at the first field whose size it does not know (or that
/// overruns the header) and keeps what it read so far; the header length alone
/// locates the 802.11 frame. Fields repeated in later namespaces (per-antenna
/// values) do not override the first.
pub(crate) fn radiotap_walk(hdr: &[u8]) -> RadioInfo {
    let mut info = RadioInfo {
        header: RadioHeader::Radiotap,
        ..RadioInfo::default()
    };
    // Presence words.
    let mut words = Vec::new();
    let mut at = 4;
    loop {
        let Some(w) = le32(hdr, at) else {
            return info;
        };
        words.push(w);
        at += 4;
        if w & 0x8000_0000 == 0 {
            break;
        }
    }
    let mut off = at;
    let mut in_radiotap = true;
    let mut idx: u32 = 0;
    for w in words {
        if in_radiotap {
            for bit in 0..29u32 {
                if w & (1 << bit) == 0 {
                    continue;
                }
                let n = idx.saturating_mul(32).saturating_add(bit);
                let Some((align, size)) = radiotap_field(n) else {
                    return info;
                };
                off = align_up(off, align);
                let Some(f) = hdr.get(off..off.saturating_add(size)) else {
                    return info;
                };
                match n {
                    0 => {
                        info.tsft = info.tsft.or(le64(f, 0));
                    }
                    1 => {
                        info.flags = info.flags.or(u8_at(f, 0));
                    }
                    2 => {
                        info.rate_kbps = info.rate_kbps.or(u8_at(f, 0).map(|r| u32::from(r) * 500));
                    }
                    3 => {
                        info.channel_mhz = info.channel_mhz.or(le16(f, 0));
                    }
                    5 => {
                        info.signal_dbm = info.signal_dbm.or(u8_at(f, 0).map(|v| v as i8));
                    }
                    6 => {
                        info.noise_dbm = info.noise_dbm.or(u8_at(f, 0).map(|v| v as i8));
                    }
                    11 => {
                        info.antenna = info.antenna.or(u8_at(f, 0));
                    }
                    // MCS: known, flags, index; the index is valid if known has 0x02.
                    19 if u8_at(f, 0).is_some_and(|k| k & 0x02 != 0) => {
                        info.mcs = info.mcs.or(u8_at(f, 2));
                    }
                    _ => {}
                }
                off += size;
            }
        }
        if w & (1 << 29) != 0 {
            in_radiotap = true;
            idx = 0;
        } else if w & (1 << 30) != 0 {
            // Vendor namespace field: OUI (3), sub-namespace (1), skip length (2),
            // 2-aligned; the vendor's data (skip length octets) follows it.
            off = align_up(off, 2);
            let Some(skip) = le16(hdr, off + 4) else {
                return info;
            };
            off = off.saturating_add(6).saturating_add(usize::from(skip));
            in_radiotap = false;
            idx = 0;
        } else {
            idx = idx.saturating_add(1);
        }
    }
    info
}

// ---- PPI -------------------------------------------------------------------------------

pub(crate) struct Ppi {
    pub radio: RadioInfo,
    pub hdr_len: usize,
    pub dlt: LinkType,
    pub fcs_known: bool,
    pub fcs_present: bool,
    pub fcs_bad: bool,
}

/// CACE Per-Packet Information header (PPI spec v1.0.10): version, flags, length,
/// DLT, then type-length fields; field type 2 is 802.11-common.
pub(crate) fn ppi(data: &[u8]) -> Result<Ppi, DecapError> {
    let have = data.len();
    let t = |need| truncated(Layer::Ppi, need, have);
    let version = u8_at(data, 0).ok_or(t(8))?;
    let hflags = u8_at(data, 1).ok_or(t(8))?;
    let len = usize::from(le16(data, 2).ok_or(t(8))?);
    let dlt = le32(data, 4).ok_or(t(8))?;
    if version != 0 {
        return Err(DecapError::Malformed {
            layer: Layer::Ppi,
            reason: "PPI version is not 0",
        });
    }
    if len < 8 {
        return Err(DecapError::Malformed {
            layer: Layer::Ppi,
            reason: "PPI length below 8",
        });
    }
    let hdr = data.get(..len).ok_or(t(len))?;
    let mut out = Ppi {
        radio: RadioInfo {
            header: RadioHeader::Ppi,
            ..RadioInfo::default()
        },
        hdr_len: len,
        dlt: LinkType(u16::try_from(dlt).unwrap_or(u16::MAX)),
        fcs_known: false,
        fcs_present: false,
        fcs_bad: false,
    };
    let aligned = hflags & 0x01 != 0;
    let mut off = 8;
    while let (Some(ftype), Some(flen)) = (le16(hdr, off), le16(hdr, off + 2)) {
        let flen = usize::from(flen);
        let Some(f) = hdr.get(off + 4..off + 4 + flen) else {
            return Err(DecapError::Malformed {
                layer: Layer::Ppi,
                reason: "PPI field overruns the header",
            });
        };
        if ftype == 2 && flen >= 20 {
            // 802.11-common: TSF-Timer (8), flags (2), rate (2, 500 kb/s), channel
            // frequency (2), channel flags (2), FHSS hopset (1), FHSS pattern (1),
            // dBm antenna signal (1), dBm antenna noise (1).
            let r = &mut out.radio;
            r.tsft = le64(f, 0).filter(|v| *v != 0);
            let fl = le16(f, 8).unwrap_or(0);
            out.fcs_known = true;
            out.fcs_present = fl & 0x0001 != 0;
            out.fcs_bad = fl & 0x0004 != 0;
            r.rate_kbps = le16(f, 10).filter(|v| *v != 0).map(|v| u32::from(v) * 500);
            r.channel_mhz = le16(f, 12).filter(|v| *v != 0);
            r.signal_dbm = u8_at(f, 18).map(|v| v as i8).filter(|v| *v != -128);
            r.noise_dbm = u8_at(f, 19).map(|v| v as i8).filter(|v| *v != -128);
        }
        off += 4 + flen;
        if aligned {
            off = align_up(off, 4);
        }
    }
    Ok(out)
}

// ---- AVS ---------------------------------------------------------------------------------

/// AVS WLAN monitor header (wlan-ng), big-endian: version magic 0x80211001 (v1,
/// 64 octets) or 0x80211002 (v2, 72 octets), header length, then the fields.
pub(crate) fn avs(data: &[u8]) -> Result<(RadioInfo, usize), DecapError> {
    let have = data.len();
    let magic = be32(data, 0).ok_or(truncated(Layer::Avs, 8, have))?;
    let len = be32(data, 4).ok_or(truncated(Layer::Avs, 8, have))? as usize;
    if magic & 0xffff_fff0 != 0x8021_1000 {
        return Err(DecapError::Malformed {
            layer: Layer::Avs,
            reason: "AVS version magic is not 0x8021100x",
        });
    }
    if len < 64 {
        return Err(DecapError::Malformed {
            layer: Layer::Avs,
            reason: "AVS header length below 64",
        });
    }
    let hdr = data.get(..len).ok_or(truncated(Layer::Avs, len, have))?;
    let mut r = RadioInfo {
        header: RadioHeader::Avs,
        ..RadioInfo::default()
    };
    r.tsft = be64(hdr, 8);
    r.channel_mhz = be32(hdr, 28).and_then(channel_to_mhz);
    r.rate_kbps = be32(hdr, 32)
        .filter(|v| *v != 0)
        .map(|v| v.saturating_mul(100));
    r.antenna = be32(hdr, 36).and_then(|v| u8::try_from(v).ok());
    // ssi_type 2 = dBm.
    if be32(hdr, 44) == Some(2) {
        r.signal_dbm = be32(hdr, 48).and_then(|v| i8::try_from(v as i32).ok());
        r.noise_dbm = be32(hdr, 52).and_then(|v| i8::try_from(v as i32).ok());
    }
    Ok((r, len))
}

// ---- Prism -------------------------------------------------------------------------------

/// Length of the Prism monitor header: msgcode (4), msglen (4), device name (16),
/// then 10 items of did (4), status (2), length (2), data (4).
pub const PRISM_HEADER_LEN: usize = 144;

/// Prism II monitor header (linux-wlan-ng `p80211msg_lnxind_wlansniffrm`), in host
/// byte order. Link type 119 may also carry an AVS header (Wireshark's prism
/// dissector checks for the AVS magic first); we do the same.
pub(crate) fn prism(data: &[u8]) -> Result<(RadioInfo, usize), DecapError> {
    if let Some(m) = be32(data, 0) {
        if m & 0xffff_fff0 == 0x8021_1000 {
            return avs(data);
        }
    }
    let have = data.len();
    if have < PRISM_HEADER_LEN {
        return Err(truncated(Layer::Prism, PRISM_HEADER_LEN, have));
    }
    let msglen_le = le32(data, 4).unwrap_or(0);
    let big_endian = if msglen_le as usize == PRISM_HEADER_LEN {
        false
    } else if msglen_le.swap_bytes() as usize == PRISM_HEADER_LEN {
        true
    } else {
        return Err(DecapError::Malformed {
            layer: Layer::Prism,
            reason: "Prism message length is not 144",
        });
    };
    let rd = |at: usize| -> Option<u32> {
        le32(data, at).map(|v| if big_endian { v.swap_bytes() } else { v })
    };
    let rd16 = |at: usize| -> Option<u16> {
        le16(data, at).map(|v| if big_endian { v.swap_bytes() } else { v })
    };
    // Item i at 24 + 12 i; status 0 means "value supplied".
    let item = |i: usize| -> Option<u32> {
        let at = 24 + 12 * i;
        if rd16(at + 4)? != 0 {
            return None;
        }
        rd(at + 8)
    };
    let r = RadioInfo {
        header: RadioHeader::Prism,
        tsft: item(1).map(u64::from),
        channel_mhz: item(2).and_then(channel_to_mhz),
        signal_dbm: item(5).and_then(|v| i8::try_from(v as i32).ok()),
        noise_dbm: item(6).and_then(|v| i8::try_from(v as i32).ok()),
        rate_kbps: item(7).filter(|v| *v != 0).map(|v| v.saturating_mul(500)),
        ..RadioInfo::default()
    };
    Ok((r, PRISM_HEADER_LEN))
}

/// The crate's reading of a single-word header, for the cross-check test.
pub(crate) fn radiotap_crate_only(hdr: &[u8]) -> Option<RadioInfo> {
    let first = le32(hdr, 4)?;
    if first & 0xe000_0000 != 0 {
        return None;
    }
    radiotap::Radiotap::from_bytes(hdr)
        .ok()
        .map(|rt| from_crate(&rt))
}
