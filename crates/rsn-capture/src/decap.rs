//! Link-layer decapsulation: from a record's bytes to the 802.11 MAC frame (or,
//! for captures taken on the wired side, the Ethernet frame), plus the radio
//! information that matters for diagnosis. 802.11 itself is not parsed here.

use core::fmt;

use rsn_wire::MacAddr;

use crate::radio;
use crate::LinkType;

/// Whether the frame carried an FCS and whether it was right.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FcsStatus {
    /// No FCS in the capture (and no bad-FCS flag).
    Absent,
    /// FCS present, CRC-32 matches, no bad-FCS flag.
    Good,
    /// The capture flags the FCS as bad (radiotap Flags 0x40, PPI flags 0x0004), or
    /// the FCS present does not match the CRC-32 of the frame.
    Bad,
}

/// Which radio header the frame came with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum RadioHeader {
    /// None (link type 105).
    #[default]
    None,
    /// radiotap (127).
    Radiotap,
    /// PPI (192).
    Ppi,
    /// AVS (163, or 119 carrying an AVS header).
    Avs,
    /// Prism (119).
    Prism,
}

/// Radio information, as far as the header gives it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RadioInfo {
    /// The header the information came from.
    pub header: RadioHeader,
    /// Channel centre frequency in MHz.
    pub channel_mhz: Option<u16>,
    /// Signal strength in dBm.
    pub signal_dbm: Option<i8>,
    /// Noise level in dBm.
    pub noise_dbm: Option<i8>,
    /// Legacy data rate in kb/s.
    pub rate_kbps: Option<u32>,
    /// HT MCS index (radiotap MCS field).
    pub mcs: Option<u8>,
    /// TSF timer (radiotap TSFT, PPI TSF, AVS/Prism mactime), in microseconds.
    pub tsft: Option<u64>,
    /// The radiotap Flags field (0x10 FCS at end, 0x40 bad FCS, 0x20 data pad, ...).
    pub flags: Option<u8>,
    /// Antenna index.
    pub antenna: Option<u8>,
}

/// A decapsulated frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decapsulated<'a> {
    /// An 802.11 MAC frame (without FCS), at least 2 octets long.
    Dot11 {
        /// Radio information.
        radio: RadioInfo,
        /// The MAC frame, FCS stripped.
        frame: &'a [u8],
        /// FCS verdict.
        fcs: FcsStatus,
    },
    /// An Ethernet II frame (802.1Q / 802.1ad tags removed).
    Ethernet {
        /// Destination address.
        dst: MacAddr,
        /// Source address.
        src: MacAddr,
        /// VLAN id of the outermost tag, if tagged.
        vlan: Option<u16>,
        /// EtherType after the tags (values below 0x0600 are 802.3 lengths).
        ethertype: u16,
        /// The payload, FCS stripped.
        payload: &'a [u8],
        /// FCS verdict (only known if the file gives an FCS length).
        fcs: FcsStatus,
    },
}

/// The layer at which decapsulation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Layer {
    /// radiotap header.
    Radiotap,
    /// PPI header.
    Ppi,
    /// AVS header.
    Avs,
    /// Prism header.
    Prism,
    /// The 802.11 frame (after the radio header).
    Ieee80211,
    /// Ethernet header.
    Ethernet,
}

/// Why a record could not be decapsulated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecapError {
    /// The link type is not one this crate decapsulates.
    UnknownLinkType(LinkType),
    /// The data ends before the header (or frame) does.
    Truncated {
        /// Where.
        layer: Layer,
        /// Octets needed.
        need: usize,
        /// Octets present.
        have: usize,
    },
    /// A header field is invalid.
    Malformed {
        /// Where.
        layer: Layer,
        /// What.
        reason: &'static str,
    },
}

impl fmt::Display for DecapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecapError::UnknownLinkType(l) => write!(f, "unsupported link type {l}"),
            DecapError::Truncated { layer, need, have } => {
                write!(f, "{layer:?} truncated: need {need} octets, have {have}")
            }
            DecapError::Malformed { layer, reason } => write!(f, "{layer:?} malformed: {reason}"),
        }
    }
}

impl std::error::Error for DecapError {}

/// What the container says about the frame, beyond its link type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DecapOptions {
    /// Octets of FCS at the end of the frame, from pcapng `if_fcslen`/`epb_flags` or
    /// the pcap header. A radiotap or PPI header's own FCS flag takes precedence.
    pub fcs_len: Option<u8>,
}

/// Decapsulate `data` of `link_type`, with no outside FCS information.
pub fn decap(link_type: LinkType, data: &[u8]) -> Result<Decapsulated<'_>, DecapError> {
    decap_with(link_type, data, DecapOptions::default())
}

/// Decapsulate `data` of `link_type` (see [`LinkType::SUPPORTED`]).
pub fn decap_with(
    link_type: LinkType,
    data: &[u8],
    opts: DecapOptions,
) -> Result<Decapsulated<'_>, DecapError> {
    let outer_fcs = opts.fcs_len.filter(|n| *n != 0);
    match link_type {
        LinkType::IEEE802_11 => dot11(
            RadioInfo::default(),
            data,
            outer_fcs.or_else(|| sniff_fcs(data)),
            false,
        ),
        LinkType::IEEE802_11_RADIOTAP => {
            let (radio, hdr_len) = radio::radiotap(data)?;
            let rest = data.get(hdr_len..).unwrap_or(&[]);
            let (fcs, bad) = match radio.flags {
                Some(fl) => ((fl & 0x10 != 0).then_some(4), fl & 0x40 != 0),
                None => (outer_fcs, false),
            };
            dot11(radio, rest, fcs, bad)
        }
        LinkType::PPI => {
            let ppi = radio::ppi(data)?;
            let rest = data.get(ppi.hdr_len..).unwrap_or(&[]);
            let fcs = if ppi.fcs_present {
                Some(4)
            } else if ppi.fcs_known {
                None
            } else {
                outer_fcs
            };
            match ppi.dlt {
                LinkType::IEEE802_11 => dot11(ppi.radio, rest, fcs, ppi.fcs_bad),
                // PPI around radiotap is legal, though rare: the inner header wins.
                LinkType::IEEE802_11_RADIOTAP => {
                    decap_with(LinkType::IEEE802_11_RADIOTAP, rest, opts)
                }
                other => Err(DecapError::UnknownLinkType(other)),
            }
        }
        LinkType::IEEE802_11_AVS => {
            let (radio, hdr_len) = radio::avs(data)?;
            let rest = data.get(hdr_len..).unwrap_or(&[]);
            dot11(radio, rest, outer_fcs.or_else(|| sniff_fcs(rest)), false)
        }
        LinkType::IEEE802_11_PRISM => {
            let (radio, hdr_len) = radio::prism(data)?;
            let rest = data.get(hdr_len..).unwrap_or(&[]);
            dot11(radio, rest, outer_fcs.or_else(|| sniff_fcs(rest)), false)
        }
        LinkType::ETHERNET => ethernet(data, outer_fcs),
        other => Err(DecapError::UnknownLinkType(other)),
    }
}

/// Headers that cannot say whether an FCS follows the frame (Prism, AVS, bare 802.11):
/// some drivers append it anyway (wpa.cap's Prism frames do, which is why tshark's default
/// "no FCS" reading cannot decrypt them). A trailing CRC-32 that matches the preceding
/// octets is taken as an FCS: the chance that 4 octets of frame body match by accident is
/// 2^-32 per frame.
fn sniff_fcs(data: &[u8]) -> Option<u8> {
    // The shortest frame with an FCS worth stripping: a 10-octet control frame + FCS.
    let cut = data.len().checked_sub(4).filter(|c| *c >= 10)?;
    let (body, fcs) = data.split_at(cut);
    let f: [u8; 4] = fcs.try_into().ok()?;
    (crc32fast::hash(body) == u32::from_le_bytes(f)).then_some(4)
}

/// Split off `fcs_len` trailing octets and check them (CRC-32, IEEE 802.3 /
/// IEEE 802.11-2020 9.2.4.8: the FCS is the CRC-32 of all preceding octets,
/// transmitted least significant octet first).
fn split_fcs(
    data: &[u8],
    fcs_len: Option<u8>,
    bad_flag: bool,
    layer: Layer,
) -> Result<(&[u8], FcsStatus), DecapError> {
    let Some(n) = fcs_len else {
        let st = if bad_flag {
            FcsStatus::Bad
        } else {
            FcsStatus::Absent
        };
        return Ok((data, st));
    };
    let n = usize::from(n);
    let Some(cut) = data.len().checked_sub(n) else {
        return Err(DecapError::Truncated {
            layer,
            need: n,
            have: data.len(),
        });
    };
    let (body, fcs) = data.split_at(cut);
    let status = if bad_flag {
        FcsStatus::Bad
    } else if let Ok(f) = <[u8; 4]>::try_from(fcs) {
        if crc32fast::hash(body) == u32::from_le_bytes(f) {
            FcsStatus::Good
        } else {
            FcsStatus::Bad
        }
    } else {
        return Err(DecapError::Malformed {
            layer,
            reason: "FCS length other than 4 octets",
        });
    };
    Ok((body, status))
}

fn dot11(
    radio: RadioInfo,
    data: &[u8],
    fcs_len: Option<u8>,
    bad_flag: bool,
) -> Result<Decapsulated<'_>, DecapError> {
    let (frame, fcs) = split_fcs(data, fcs_len, bad_flag, Layer::Ieee80211)?;
    // IEEE 802.11-2020 9.2.3: every MAC frame starts with the 2-octet Frame Control.
    if frame.len() < 2 {
        return Err(DecapError::Truncated {
            layer: Layer::Ieee80211,
            need: 2,
            have: frame.len(),
        });
    }
    Ok(Decapsulated::Dot11 { radio, frame, fcs })
}

fn ethernet(data: &[u8], fcs_len: Option<u8>) -> Result<Decapsulated<'_>, DecapError> {
    let (data, fcs) = split_fcs(data, fcs_len, false, Layer::Ethernet)?;
    let trunc = |need: usize| DecapError::Truncated {
        layer: Layer::Ethernet,
        need,
        have: data.len(),
    };
    let dst = data
        .get(0..6)
        .and_then(MacAddr::from_slice)
        .ok_or(trunc(14))?;
    let src = data
        .get(6..12)
        .and_then(MacAddr::from_slice)
        .ok_or(trunc(14))?;
    let be16 = |at: usize| -> Option<u16> {
        let b: [u8; 2] = data.get(at..at + 2)?.try_into().ok()?;
        Some(u16::from_be_bytes(b))
    };
    let mut at = 12;
    let mut ethertype = be16(at).ok_or(trunc(14))?;
    let mut vlan = None;
    // IEEE 802.1Q tags (0x8100), 802.1ad S-tags (0x88a8) and the old QinQ 0x9100:
    // each is TPID + 2-octet TCI. At most two are unwrapped.
    let mut tags = 0;
    while matches!(ethertype, 0x8100 | 0x88a8 | 0x9100) && tags < 2 {
        let tci = be16(at + 2).ok_or(trunc(at + 6))?;
        vlan.get_or_insert(tci & 0x0fff);
        at += 4;
        ethertype = be16(at).ok_or(trunc(at + 2))?;
        tags += 1;
    }
    let payload = data.get(at + 2..).unwrap_or(&[]);
    Ok(Decapsulated::Ethernet {
        dst,
        src,
        vlan,
        ethertype,
        payload,
        fcs,
    })
}

/// Counts of decapsulation outcomes, so that every record is accounted for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DecapStats {
    /// 802.11 frames.
    pub dot11: u64,
    /// Ethernet frames.
    pub ethernet: u64,
    /// Frames (either kind) whose FCS was present and good.
    pub fcs_good: u64,
    /// Frames (either kind) with a bad FCS (flag or CRC mismatch).
    pub fcs_bad: u64,
    /// Records of an unsupported link type.
    pub unknown_link_type: u64,
    /// Records cut short inside a header or frame.
    pub truncated: u64,
    /// Records with an invalid header.
    pub malformed: u64,
}

impl DecapStats {
    /// Count one outcome.
    pub fn add(&mut self, r: &Result<Decapsulated<'_>, DecapError>) {
        let fcs = match r {
            Ok(Decapsulated::Dot11 { fcs, .. }) => {
                self.dot11 += 1;
                *fcs
            }
            Ok(Decapsulated::Ethernet { fcs, .. }) => {
                self.ethernet += 1;
                *fcs
            }
            Err(DecapError::UnknownLinkType(_)) => {
                self.unknown_link_type += 1;
                return;
            }
            Err(DecapError::Truncated { .. }) => {
                self.truncated += 1;
                return;
            }
            Err(DecapError::Malformed { .. }) => {
                self.malformed += 1;
                return;
            }
        };
        match fcs {
            FcsStatus::Good => self.fcs_good += 1,
            FcsStatus::Bad => self.fcs_bad += 1,
            FcsStatus::Absent => {}
        }
    }

    /// Records counted, whatever the outcome.
    pub fn total(&self) -> u64 {
        self.dot11 + self.ethernet + self.unknown_link_type + self.truncated + self.malformed
    }
}
