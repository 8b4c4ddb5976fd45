//! Fast BSS transition elements: MDE (IEEE 802.11-2020 9.4.2.46), FTE (9.4.2.47) and the
//! Timeout Interval element (9.4.2.49) that FT and PMKSA caching carry in key data.

use alloc::vec::Vec;

use super::{id, ElementBody};
use crate::codec::{count, Reader, Writer};
use crate::{Error, MacAddr, Result};

/// Mobility Domain element (IEEE 802.11-2020 9.4.2.46): MDID (2) and FT Capability and
/// Policy (1). Octets beyond these are kept in `extra`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct MdeRepr {
    /// Mobility Domain Identifier, as on the wire.
    pub mdid: [u8; 2],
    /// FT Capability and Policy field.
    pub ft_capability: u8,
    /// Trailing octets.
    pub extra: Vec<u8>,
}

impl MdeRepr {
    /// Fast BSS Transition over DS (bit 0).
    pub fn ft_over_ds(&self) -> bool {
        self.ft_capability & 0x01 != 0
    }
    /// Resource Request Protocol Capability (bit 1).
    pub fn resource_request(&self) -> bool {
        self.ft_capability & 0x02 != 0
    }
}

impl ElementBody for MdeRepr {
    const ID: u8 = id::MOBILITY_DOMAIN;
    fn parse(data: &[u8]) -> Result<Self> {
        let mut r = Reader::new(data);
        Ok(MdeRepr {
            mdid: r.array()?,
            ft_capability: r.u8()?,
            extra: r.rest().to_vec(),
        })
    }
    fn buffer_len(&self) -> usize {
        self.extra.len().saturating_add(3)
    }
    fn emit(&self, buf: &mut [u8]) -> Result<()> {
        let mut w = Writer::new(buf);
        w.put(&self.mdid)?;
        w.u8(self.ft_capability)?;
        w.put(&self.extra)
    }
}

/// Timeout Interval element (IEEE 802.11-2020 9.4.2.49): type (1 = reassociation deadline,
/// 2 = key lifetime, 3 = association comeback time) and a 4-octet value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct TimeoutIntervalRepr {
    /// Timeout Interval Type.
    pub interval_type: u8,
    /// Timeout Interval Value (TUs or seconds, per type).
    pub value: u32,
    /// Trailing octets.
    pub extra: Vec<u8>,
}

impl ElementBody for TimeoutIntervalRepr {
    const ID: u8 = id::TIMEOUT_INTERVAL;
    fn parse(data: &[u8]) -> Result<Self> {
        let mut r = Reader::new(data);
        Ok(TimeoutIntervalRepr {
            interval_type: r.u8()?,
            value: r.u32_le()?,
            extra: r.rest().to_vec(),
        })
    }
    fn buffer_len(&self) -> usize {
        self.extra.len().saturating_add(5)
    }
    fn emit(&self, buf: &mut [u8]) -> Result<()> {
        let mut w = Writer::new(buf);
        w.u8(self.interval_type)?;
        w.u32_le(self.value)?;
        w.put(&self.extra)
    }
}

/// FTE subelements (IEEE 802.11-2020 9.4.2.47, Table 9-188; IDs checked against hostapd
/// `FTIE_SUBELEM_*`: R1KH-ID 1, GTK 2, R0KH-ID 3, IGTK 4, OCI 5, BIGTK 6).
///
/// A subelement with a known ID but a layout that does not fit is kept as `Unknown`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FtSubelement {
    /// R1KH-ID (1): 6 octets.
    R1khId(MacAddr),
    /// GTK (2): Key Info (2, key ID in bits 0-1), Key Length (1), RSC (8), Wrapped Key.
    Gtk {
        /// Key Info.
        key_info: u16,
        /// Key Length.
        key_len: u8,
        /// RSC.
        rsc: [u8; 8],
        /// AES-KW wrapped GTK.
        wrapped_key: Vec<u8>,
    },
    /// R0KH-ID (3): 1-48 octets.
    R0khId(Vec<u8>),
    /// IGTK (4): Key ID (2), IPN (6), Key Length (1), Wrapped Key.
    Igtk {
        /// Key ID.
        key_id: u16,
        /// IPN.
        ipn: [u8; 6],
        /// Key Length.
        key_len: u8,
        /// AES-KW wrapped IGTK.
        wrapped_key: Vec<u8>,
    },
    /// OCI (5): Operating Channel Information, kept raw.
    Oci(Vec<u8>),
    /// BIGTK (6): Key ID (2), BIPN (6), Key Length (1), Wrapped Key.
    Bigtk {
        /// Key ID.
        key_id: u16,
        /// BIPN.
        bipn: [u8; 6],
        /// Key Length.
        key_len: u8,
        /// AES-KW wrapped BIGTK.
        wrapped_key: Vec<u8>,
    },
    /// Any other (or malformed known) subelement.
    Unknown {
        /// Subelement ID.
        id: u8,
        /// Data.
        data: Vec<u8>,
    },
}

/// FTE subelement IDs.
pub mod subelem {
    /// R1KH-ID.
    pub const R1KH_ID: u8 = 1;
    /// GTK.
    pub const GTK: u8 = 2;
    /// R0KH-ID.
    pub const R0KH_ID: u8 = 3;
    /// IGTK.
    pub const IGTK: u8 = 4;
    /// OCI.
    pub const OCI: u8 = 5;
    /// BIGTK.
    pub const BIGTK: u8 = 6;
}

impl FtSubelement {
    fn parse(sid: u8, data: &[u8]) -> FtSubelement {
        let mut r = Reader::new(data);
        let typed = match sid {
            subelem::R1KH_ID => MacAddr::from_slice(data).map(FtSubelement::R1khId),
            subelem::GTK => (|| {
                Ok::<_, Error>(FtSubelement::Gtk {
                    key_info: r.u16_le()?,
                    key_len: r.u8()?,
                    rsc: r.array()?,
                    wrapped_key: r.rest().to_vec(),
                })
            })()
            .ok(),
            subelem::R0KH_ID => Some(FtSubelement::R0khId(data.to_vec())),
            subelem::OCI => Some(FtSubelement::Oci(data.to_vec())),
            subelem::IGTK | subelem::BIGTK => (|| {
                let key_id = r.u16_le()?;
                let pn: [u8; 6] = r.array()?;
                let key_len = r.u8()?;
                let wrapped_key = r.rest().to_vec();
                Ok::<_, Error>(if sid == subelem::IGTK {
                    FtSubelement::Igtk {
                        key_id,
                        ipn: pn,
                        key_len,
                        wrapped_key,
                    }
                } else {
                    FtSubelement::Bigtk {
                        key_id,
                        bipn: pn,
                        key_len,
                        wrapped_key,
                    }
                })
            })()
            .ok(),
            _ => None,
        };
        typed.unwrap_or_else(|| FtSubelement::Unknown {
            id: sid,
            data: data.to_vec(),
        })
    }

    /// Subelement ID.
    pub fn id(&self) -> u8 {
        match self {
            FtSubelement::R1khId(_) => subelem::R1KH_ID,
            FtSubelement::Gtk { .. } => subelem::GTK,
            FtSubelement::R0khId(_) => subelem::R0KH_ID,
            FtSubelement::Igtk { .. } => subelem::IGTK,
            FtSubelement::Oci(_) => subelem::OCI,
            FtSubelement::Bigtk { .. } => subelem::BIGTK,
            FtSubelement::Unknown { id, .. } => *id,
        }
    }

    fn write_data(&self, w: &mut Writer<'_>) -> Result<()> {
        match self {
            FtSubelement::R1khId(m) => w.put(&m.0),
            FtSubelement::Gtk {
                key_info,
                key_len,
                rsc,
                wrapped_key,
            } => {
                w.u16_le(*key_info)?;
                w.u8(*key_len)?;
                w.put(rsc)?;
                w.put(wrapped_key)
            }
            FtSubelement::R0khId(d)
            | FtSubelement::Oci(d)
            | FtSubelement::Unknown { data: d, .. } => w.put(d),
            FtSubelement::Igtk {
                key_id,
                ipn: pn,
                key_len,
                wrapped_key,
            }
            | FtSubelement::Bigtk {
                key_id,
                bipn: pn,
                key_len,
                wrapped_key,
            } => {
                w.u16_le(*key_id)?;
                w.put(pn)?;
                w.u8(*key_len)?;
                w.put(wrapped_key)
            }
        }
    }

    fn write(&self, w: &mut Writer<'_>) -> Result<()> {
        let n = count(|c| self.write_data(c));
        w.u8(self.id())?;
        w.u8(u8::try_from(n).map_err(|_| Error::Malformed)?)?;
        self.write_data(w)
    }
}

/// Fast BSS Transition element (IEEE 802.11-2020 9.4.2.47, Figure 9-333): MIC Control (2),
/// MIC (16, 24 or 32 octets depending on the AKM), ANonce (32), SNonce (32), subelements.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FteRepr {
    /// MIC Control: bit 0 RSNXE Used, bits 1-3 MIC Length (REVme), bits 8-15 Element Count.
    pub mic_control: u16,
    /// MIC.
    pub mic: Vec<u8>,
    /// ANonce.
    pub anonce: [u8; 32],
    /// SNonce.
    pub snonce: [u8; 32],
    /// Optional parameters, in order.
    pub subelements: Vec<FtSubelement>,
}

impl FteRepr {
    /// Element Count subfield (bits 8-15 of MIC Control).
    pub fn element_count(&self) -> u8 {
        (self.mic_control >> 8) as u8
    }
    /// RSNXE Used (bit 0 of MIC Control).
    pub fn rsnxe_used(&self) -> bool {
        self.mic_control & 1 != 0
    }
    /// MIC Length subfield (bits 1-3): 0 = 16 octets, 1 = 24, 2 = 32 where used.
    pub fn mic_length_subfield(&self) -> u8 {
        ((self.mic_control >> 1) & 0x7) as u8
    }
    /// First R1KH-ID subelement.
    pub fn r1kh_id(&self) -> Option<MacAddr> {
        self.subelements.iter().find_map(|s| match s {
            FtSubelement::R1khId(m) => Some(*m),
            _ => None,
        })
    }
    /// First R0KH-ID subelement.
    pub fn r0kh_id(&self) -> Option<&[u8]> {
        self.subelements.iter().find_map(|s| match s {
            FtSubelement::R0khId(d) => Some(d.as_slice()),
            _ => None,
        })
    }

    /// Parse with a known MIC length (from the AKM: 16, or 24 for SHA-384 FT AKMs).
    pub fn parse_with_mic_len(data: &[u8], mic_len: usize) -> Result<Self> {
        let mut r = Reader::new(data);
        let mic_control = r.u16_le()?;
        let mic = r.take(mic_len)?.to_vec();
        let anonce = r.array()?;
        let snonce = r.array()?;
        let mut subelements = Vec::new();
        while !r.is_empty() {
            let sid = r.u8()?;
            let len = r.u8()?;
            let d = r.take(usize::from(len))?;
            subelements.push(FtSubelement::parse(sid, d));
        }
        Ok(FteRepr {
            mic_control,
            mic,
            anonce,
            snonce,
            subelements,
        })
    }

    /// MIC lengths (of 16, 24, 32) under which `data` parses as an FTE, most likely first:
    /// the one named by the MIC Length subfield, then 16, 24, 32.
    pub fn candidate_mic_lens(data: &[u8]) -> Vec<usize> {
        let hinted = match data.first().map(|b| (b >> 1) & 7) {
            Some(1) => 24,
            Some(2) => 32,
            _ => 16,
        };
        let mut out = Vec::new();
        for m in [hinted, 16, 24, 32] {
            if !out.contains(&m) && Self::parse_with_mic_len(data, m).is_ok() {
                out.push(m);
            }
        }
        out
    }

    fn write(&self, w: &mut Writer<'_>) -> Result<()> {
        w.u16_le(self.mic_control)?;
        w.put(&self.mic)?;
        w.put(&self.anonce)?;
        w.put(&self.snonce)?;
        for s in &self.subelements {
            s.write(w)?;
        }
        Ok(())
    }
}

impl ElementBody for FteRepr {
    const ID: u8 = id::FAST_BSS_TRANSITION;
    /// Parse with the first of [`FteRepr::candidate_mic_lens`]. Ambiguous in rare cases:
    /// callers that know the AKM should use [`FteRepr::parse_with_mic_len`].
    fn parse(data: &[u8]) -> Result<Self> {
        let m = Self::candidate_mic_lens(data)
            .first()
            .copied()
            .unwrap_or(16);
        Self::parse_with_mic_len(data, m)
    }
    fn buffer_len(&self) -> usize {
        count(|w| self.write(w))
    }
    fn emit(&self, buf: &mut [u8]) -> Result<()> {
        self.write(&mut Writer::new(buf))
    }
}
