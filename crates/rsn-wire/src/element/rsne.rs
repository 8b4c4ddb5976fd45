//! RSNE (IEEE 802.11-2020 9.4.2.24) and the pre-RSN WPA1 vendor element.

use alloc::vec::Vec;

use super::{id, ElementBody};
use crate::codec::{count, Reader, Writer};
use crate::suite::OUI_MSFT;
use crate::{Akm, Cipher, Error, Result, SuiteSelector};

/// Iterator over a suite selector list (4 octets each, IEEE 802.11-2020 9.4.2.24.1).
/// A trailing partial selector is ignored (callers slice exact lists).
#[derive(Debug, Clone)]
pub struct Suites<'a> {
    chunks: core::slice::ChunksExact<'a, u8>,
}

impl<'a> Suites<'a> {
    /// Iterate over the selectors in `list` (without its count field).
    pub fn new(list: &'a [u8]) -> Self {
        Suites {
            chunks: list.chunks_exact(4),
        }
    }
}

impl Iterator for Suites<'_> {
    type Item = SuiteSelector;
    fn next(&mut self) -> Option<SuiteSelector> {
        let c = self.chunks.next()?;
        let b: [u8; 4] = c.try_into().ok()?;
        Some(SuiteSelector::from_bytes(b))
    }
}

/// Read `count (u16 LE) || count * 4 octets` and return the selectors.
fn read_suite_list<T: From<SuiteSelector>>(r: &mut Reader<'_>) -> Result<Vec<T>> {
    let n = usize::from(r.u16_le()?);
    let list = r.take(n.checked_mul(4).ok_or(Error::Malformed)?)?;
    Ok(Suites::new(list).map(T::from).collect())
}

fn read_suite(r: &mut Reader<'_>) -> Result<SuiteSelector> {
    Ok(SuiteSelector::from_bytes(r.array()?))
}

fn write_suite_list<T: Copy + Into<SuiteSelector>>(w: &mut Writer<'_>, l: &[T]) -> Result<()> {
    w.count_le(l.len())?;
    for s in l {
        w.put(&(*s).into().to_bytes())?;
    }
    Ok(())
}

impl From<Akm> for SuiteSelector {
    fn from(a: Akm) -> Self {
        a.0
    }
}

impl From<Cipher> for SuiteSelector {
    fn from(c: Cipher) -> Self {
        c.0
    }
}

const fn replay_counters(v: u16) -> u8 {
    match v {
        0 => 1,
        1 => 2,
        2 => 4,
        _ => 16,
    }
}

/// RSN Capabilities field (IEEE 802.11-2020 9.4.2.24.4, Figure 9-257).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Debug)]
pub struct RsnCapabilities(pub u16);

impl RsnCapabilities {
    const fn bit(&self, n: u8) -> bool {
        self.0 & (1 << n) != 0
    }
    /// Preauthentication (bit 0).
    pub const fn preauth(&self) -> bool {
        self.bit(0)
    }
    /// No Pairwise (bit 1).
    pub const fn no_pairwise(&self) -> bool {
        self.bit(1)
    }
    /// PTKSA Replay Counter subfield (bits 2-3), as the number of counters (1, 2, 4, 16).
    pub const fn ptksa_replay_counters(&self) -> u8 {
        replay_counters((self.0 >> 2) & 3)
    }
    /// GTKSA Replay Counter subfield (bits 4-5), as the number of counters.
    pub const fn gtksa_replay_counters(&self) -> u8 {
        replay_counters((self.0 >> 4) & 3)
    }
    /// Management Frame Protection Required (bit 6).
    pub const fn mfpr(&self) -> bool {
        self.bit(6)
    }
    /// Management Frame Protection Capable (bit 7).
    pub const fn mfpc(&self) -> bool {
        self.bit(7)
    }
    /// Joint Multi-Band RSNA (bit 8).
    pub const fn joint_multiband(&self) -> bool {
        self.bit(8)
    }
    /// PeerKey Enabled (bit 9).
    pub const fn peerkey(&self) -> bool {
        self.bit(9)
    }
    /// SPP A-MSDU Capable (bit 10).
    pub const fn spp_amsdu_capable(&self) -> bool {
        self.bit(10)
    }
    /// SPP A-MSDU Required (bit 11).
    pub const fn spp_amsdu_required(&self) -> bool {
        self.bit(11)
    }
    /// PBAC (bit 12).
    pub const fn pbac(&self) -> bool {
        self.bit(12)
    }
    /// Extended Key ID for Individually Addressed Frames (bit 13).
    pub const fn extended_key_id(&self) -> bool {
        self.bit(13)
    }
    /// Operating Channel Validation Capable (bit 14).
    pub const fn ocvc(&self) -> bool {
        self.bit(14)
    }
}

/// RSN element (IEEE 802.11-2020 9.4.2.24.1, Figure 9-255).
///
/// Every field after Version is optional, but only as a tail: a field is present only if all
/// fields before it are. `parse` fails (`Truncated`) on a field cut in the middle; octets after
/// the Group Management Cipher Suite are kept in `extra`. `emit` stops at the first `None`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct RsneRepr {
    /// Version (1).
    pub version: u16,
    /// Group Data Cipher Suite.
    pub group_data_cipher: Option<Cipher>,
    /// Pairwise Cipher Suite list.
    pub pairwise_ciphers: Option<Vec<Cipher>>,
    /// AKM Suite list.
    pub akms: Option<Vec<Akm>>,
    /// RSN Capabilities.
    pub capabilities: Option<RsnCapabilities>,
    /// PMKID list (16 octets each).
    pub pmkids: Option<Vec<[u8; 16]>>,
    /// Group Management Cipher Suite.
    pub group_mgmt_cipher: Option<Cipher>,
    /// Octets after the last known field (future extensions), kept for byte-identical emit.
    pub extra: Vec<u8>,
}

impl RsneRepr {
    fn write(&self, w: &mut Writer<'_>) -> Result<()> {
        w.u16_le(self.version)?;
        let Some(g) = self.group_data_cipher else {
            return Ok(());
        };
        w.put(&g.0.to_bytes())?;
        let Some(p) = &self.pairwise_ciphers else {
            return Ok(());
        };
        write_suite_list(w, p)?;
        let Some(a) = &self.akms else { return Ok(()) };
        write_suite_list(w, a)?;
        let Some(c) = self.capabilities else {
            return Ok(());
        };
        w.u16_le(c.0)?;
        let Some(ids) = &self.pmkids else {
            return Ok(());
        };
        w.count_le(ids.len())?;
        for p in ids {
            w.put(p)?;
        }
        let Some(m) = self.group_mgmt_cipher else {
            return Ok(());
        };
        w.put(&m.0.to_bytes())?;
        w.put(&self.extra)
    }
    /// The PMKIDs (empty if the field is absent).
    pub fn pmkid_list(&self) -> &[[u8; 16]] {
        self.pmkids.as_deref().unwrap_or(&[])
    }
    /// The AKMs (empty if the field is absent).
    pub fn akm_list(&self) -> &[Akm] {
        self.akms.as_deref().unwrap_or(&[])
    }
    /// The pairwise ciphers (empty if the field is absent).
    pub fn pairwise_list(&self) -> &[Cipher] {
        self.pairwise_ciphers.as_deref().unwrap_or(&[])
    }
}

impl ElementBody for RsneRepr {
    const ID: u8 = id::RSN;
    fn parse(data: &[u8]) -> Result<Self> {
        let mut r = Reader::new(data);
        let mut out = RsneRepr {
            version: r.u16_le()?,
            ..Default::default()
        };
        if r.is_empty() {
            return Ok(out);
        }
        out.group_data_cipher = Some(Cipher(read_suite(&mut r)?));
        if r.is_empty() {
            return Ok(out);
        }
        out.pairwise_ciphers = Some(read_suite_list(&mut r)?);
        if r.is_empty() {
            return Ok(out);
        }
        out.akms = Some(read_suite_list(&mut r)?);
        if r.is_empty() {
            return Ok(out);
        }
        out.capabilities = Some(RsnCapabilities(r.u16_le()?));
        if r.is_empty() {
            return Ok(out);
        }
        let n = usize::from(r.u16_le()?);
        let list = r.take(n.checked_mul(16).ok_or(Error::Malformed)?)?;
        out.pmkids = Some(
            list.chunks_exact(16)
                .filter_map(|c| <[u8; 16]>::try_from(c).ok())
                .collect(),
        );
        if r.is_empty() {
            return Ok(out);
        }
        out.group_mgmt_cipher = Some(Cipher(read_suite(&mut r)?));
        out.extra = r.rest().to_vec();
        Ok(out)
    }
    fn buffer_len(&self) -> usize {
        count(|w| self.write(w))
    }
    fn emit(&self, buf: &mut [u8]) -> Result<()> {
        self.write(&mut Writer::new(buf))
    }
}

/// OUI type of the WPA1 vendor element (00-50-f2 type 1).
pub const WPA_IE_OUI_TYPE: u8 = 1;

/// The pre-RSN WPA1 vendor element (Microsoft OUI 00-50-f2, type 1): version, then an
/// optional tail of group cipher, pairwise list, AKM list and capabilities, laid out like
/// the RSNE (same rules for absent fields and `extra`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct WpaIeRepr {
    /// Version (1).
    pub version: u16,
    /// Group cipher suite.
    pub group_cipher: Option<Cipher>,
    /// Pairwise (unicast) cipher list.
    pub pairwise_ciphers: Option<Vec<Cipher>>,
    /// AKM list.
    pub akms: Option<Vec<Akm>>,
    /// Capabilities (same layout as RSN Capabilities).
    pub capabilities: Option<RsnCapabilities>,
    /// Octets after the capabilities.
    pub extra: Vec<u8>,
}

impl WpaIeRepr {
    fn write(&self, w: &mut Writer<'_>) -> Result<()> {
        w.put(&OUI_MSFT)?;
        w.u8(WPA_IE_OUI_TYPE)?;
        w.u16_le(self.version)?;
        let Some(g) = self.group_cipher else {
            return Ok(());
        };
        w.put(&g.0.to_bytes())?;
        let Some(p) = &self.pairwise_ciphers else {
            return Ok(());
        };
        write_suite_list(w, p)?;
        let Some(a) = &self.akms else { return Ok(()) };
        write_suite_list(w, a)?;
        let Some(c) = self.capabilities else {
            return Ok(());
        };
        w.u16_le(c.0)?;
        w.put(&self.extra)
    }
}

impl ElementBody for WpaIeRepr {
    const ID: u8 = id::VENDOR_SPECIFIC;
    /// `data` starts with the OUI; `Malformed` unless it is 00-50-f2 type 1.
    fn parse(data: &[u8]) -> Result<Self> {
        let mut r = Reader::new(data);
        let oui: [u8; 3] = r.array()?;
        if oui != OUI_MSFT || r.u8()? != WPA_IE_OUI_TYPE {
            return Err(Error::Malformed);
        }
        let mut out = WpaIeRepr {
            version: r.u16_le()?,
            ..Default::default()
        };
        if r.is_empty() {
            return Ok(out);
        }
        out.group_cipher = Some(Cipher(read_suite(&mut r)?));
        if r.is_empty() {
            return Ok(out);
        }
        out.pairwise_ciphers = Some(read_suite_list(&mut r)?);
        if r.is_empty() {
            return Ok(out);
        }
        out.akms = Some(read_suite_list(&mut r)?);
        if r.is_empty() {
            return Ok(out);
        }
        out.capabilities = Some(RsnCapabilities(r.u16_le()?));
        out.extra = r.rest().to_vec();
        Ok(out)
    }
    fn buffer_len(&self) -> usize {
        count(|w| self.write(w))
    }
    fn emit(&self, buf: &mut [u8]) -> Result<()> {
        self.write(&mut Writer::new(buf))
    }
}
