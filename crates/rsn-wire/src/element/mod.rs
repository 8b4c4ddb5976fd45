//! Information elements (IEEE 802.11-2020 9.4.2): a tolerant iterator over an element area,
//! Element ID extension handling, and `Repr`s for the elements RSN key management reads.
//!
//! Every element `Repr` implements [`ElementBody`]: `parse` takes the element's *data* (after
//! the ID and Length octets), `emit` writes the data, and `emit_element` adds the header.

use alloc::vec::Vec;

use crate::codec::{count, to_vec, Reader, Writer};
use crate::{Error, Result};

mod ft;
mod rsne;

pub use ft::{FtSubelement, FteRepr, MdeRepr, TimeoutIntervalRepr};
pub use rsne::{RsnCapabilities, RsneRepr, Suites, WpaIeRepr, WPA_IE_OUI_TYPE};

/// Element IDs (IEEE 802.11-2020 Table 9-92).
pub mod id {
    /// SSID (9.4.2.2).
    pub const SSID: u8 = 0;
    /// Supported Rates and BSS Membership Selectors.
    pub const SUPPORTED_RATES: u8 = 1;
    /// DSSS Parameter Set.
    pub const DS_PARAMS: u8 = 3;
    /// TIM.
    pub const TIM: u8 = 5;
    /// Country.
    pub const COUNTRY: u8 = 7;
    /// Challenge text (Shared Key authentication).
    pub const CHALLENGE: u8 = 16;
    /// HT Capabilities.
    pub const HT_CAPABILITIES: u8 = 45;
    /// RSN element (9.4.2.24).
    pub const RSN: u8 = 48;
    /// Extended Supported Rates.
    pub const EXT_SUPPORTED_RATES: u8 = 50;
    /// Mobility Domain element (9.4.2.46).
    pub const MOBILITY_DOMAIN: u8 = 54;
    /// Fast BSS Transition element (9.4.2.47).
    pub const FAST_BSS_TRANSITION: u8 = 55;
    /// Timeout Interval element (9.4.2.49).
    pub const TIMEOUT_INTERVAL: u8 = 56;
    /// RIC Data element (9.4.2.50).
    pub const RIC_DATA: u8 = 57;
    /// HT Operation.
    pub const HT_OPERATION: u8 = 61;
    /// Management MIC element (9.4.2.53).
    pub const MMIE: u8 = 76;
    /// Vendor Specific (9.4.2.25); also the KDE type octet in key data.
    pub const VENDOR_SPECIFIC: u8 = 221;
    /// RSN Extension element (9.4.2.241).
    pub const RSNX: u8 = 244;
    /// Element ID Extension present (9.4.2.1).
    pub const EXTENSION: u8 = 255;
}

/// Element ID Extension values (IEEE 802.11-2020 Table 9-92, ID 255).
pub mod ext_id {
    /// FILS Session.
    pub const FILS_SESSION: u8 = 4;
    /// FILS Nonce.
    pub const FILS_NONCE: u8 = 13;
    /// OWE Diffie-Hellman Parameter.
    pub const OWE_DH_PARAM: u8 = 32;
    /// Password Identifier (SAE).
    pub const PASSWORD_IDENTIFIER: u8 = 33;
    /// OCI element (9.4.2.245).
    pub const OCI: u8 = 54;
    /// Rejected Groups (SAE).
    pub const REJECTED_GROUPS: u8 = 92;
    /// Anti-Clogging Token Container (SAE).
    pub const ANTI_CLOGGING_TOKEN: u8 = 93;
}

/// One element as it appears on the wire (borrowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Element<'a> {
    /// Element ID.
    pub id: u8,
    /// The element's data (after ID and Length; for ID 255 this starts with the extension ID).
    pub data: &'a [u8],
}

impl<'a> Element<'a> {
    /// Element ID Extension when `id` is 255 and the data is not empty (9.4.2.1).
    pub fn ext_id(&self) -> Option<u8> {
        if self.id == id::EXTENSION {
            self.data.first().copied()
        } else {
            None
        }
    }
    /// Data after the Element ID Extension octet (or all data for non-extension elements).
    pub fn ext_data(&self) -> &'a [u8] {
        if self.id == id::EXTENSION {
            self.data.get(1..).unwrap_or(&[])
        } else {
            self.data
        }
    }
    /// For a Vendor Specific element: the OUI and the octet after it (the vendor "type").
    pub fn vendor_oui_type(&self) -> Option<([u8; 3], u8)> {
        match (self.id, self.data) {
            (id::VENDOR_SPECIFIC, [a, b, c, t, ..]) => Some(([*a, *b, *c], *t)),
            _ => None,
        }
    }
    /// Two header octets plus data.
    pub fn buffer_len(&self) -> usize {
        self.data.len().saturating_add(2)
    }
    /// Write ID, Length and data; `Malformed` if the data exceeds 255 octets.
    pub fn emit(&self, buf: &mut [u8]) -> Result<()> {
        let mut w = Writer::new(buf);
        write_element(&mut w, self.id, self.data)
    }
}

pub(crate) fn write_element(w: &mut Writer<'_>, eid: u8, data: &[u8]) -> Result<()> {
    w.u8(eid)?;
    w.u8(u8::try_from(data.len()).map_err(|_| Error::Malformed)?)?;
    w.put(data)
}

/// Tolerant iterator over an element area.
///
/// Yields `Ok(Element)` per complete element. If the area ends inside an element (header or
/// data), it yields one `Err(Error::Truncated)` and then stops; [`Elements::error`] keeps the
/// reason and [`Elements::remaining`] the unparsed tail.
#[derive(Debug, Clone)]
pub struct Elements<'a> {
    rest: &'a [u8],
    error: Option<Error>,
}

impl<'a> Elements<'a> {
    /// Iterate over the elements in `area`.
    pub fn new(area: &'a [u8]) -> Self {
        Elements {
            rest: area,
            error: None,
        }
    }
    /// Why iteration stopped early, if it did.
    pub fn error(&self) -> Option<Error> {
        self.error
    }
    /// The bytes not consumed yet (after a truncation: the truncated tail).
    pub fn remaining(&self) -> &'a [u8] {
        self.rest
    }
    /// First element with this ID.
    pub fn find(area: &'a [u8], eid: u8) -> Option<Element<'a>> {
        Elements::new(area).flatten().find(|e| e.id == eid)
    }
    /// First extension element (ID 255) with this extension ID.
    pub fn find_ext(area: &'a [u8], ext: u8) -> Option<Element<'a>> {
        Elements::new(area)
            .flatten()
            .find(|e| e.ext_id() == Some(ext))
    }
    /// First Vendor Specific element with this OUI and vendor type.
    pub fn find_vendor(area: &'a [u8], oui: [u8; 3], vtype: u8) -> Option<Element<'a>> {
        Elements::new(area)
            .flatten()
            .find(|e| e.vendor_oui_type() == Some((oui, vtype)))
    }
}

impl<'a> Iterator for Elements<'a> {
    type Item = Result<Element<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() || self.error.is_some() {
            return None;
        }
        let mut r = Reader::new(self.rest);
        // IEEE 802.11-2020 9.4.2.1: Element ID (1), Length (1), information (Length).
        let parsed = (|| {
            let eid = r.u8()?;
            let len = r.u8()?;
            let data = r.take(usize::from(len))?;
            Ok(Element { id: eid, data })
        })();
        match parsed {
            Ok(e) => {
                self.rest = r.rest();
                Some(Ok(e))
            }
            Err(e) => {
                self.error = Some(e);
                Some(Err(e))
            }
        }
    }
}

/// A parsed element body: the common shape of every element `Repr` in this module.
pub trait ElementBody: Sized {
    /// Element ID this body goes with.
    const ID: u8;
    /// Parse the element's data (after ID and Length).
    fn parse(data: &[u8]) -> Result<Self>;
    /// Length of the data `emit` writes.
    fn buffer_len(&self) -> usize;
    /// Write the data (not the header) at the start of `buf`.
    fn emit(&self, buf: &mut [u8]) -> Result<()>;

    /// Parse from an [`Element`], checking its ID.
    fn parse_element(e: &Element<'_>) -> Result<Self> {
        if e.id != Self::ID {
            return Err(Error::Malformed);
        }
        Self::parse(e.data)
    }
    /// Length of the whole element including ID and Length.
    fn element_len(&self) -> usize {
        self.buffer_len().saturating_add(2)
    }
    /// Write ID, Length and data; `Malformed` if the data exceeds 255 octets.
    fn emit_element(&self, buf: &mut [u8]) -> Result<()> {
        let n = u8::try_from(self.buffer_len()).map_err(|_| Error::Malformed)?;
        match buf {
            [i, l, rest @ ..] => {
                *i = Self::ID;
                *l = n;
                self.emit(rest)
            }
            _ => Err(Error::Truncated),
        }
    }
    /// The data in a new vector.
    fn to_vec(&self) -> Result<Vec<u8>> {
        to_vec(self.buffer_len(), |b| self.emit(b))
    }
    /// The whole element in a new vector.
    fn to_element_vec(&self) -> Result<Vec<u8>> {
        to_vec(self.element_len(), |b| self.emit_element(b))
    }
}

/// SSID element (IEEE 802.11-2020 9.4.2.2): 0-32 octets, not necessarily UTF-8. Longer
/// values are kept (an analyzer reports them) rather than rejected.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct SsidRepr(pub Vec<u8>);

impl SsidRepr {
    /// `true` for a zero-length (wildcard/hidden) SSID or one of only NULs.
    pub fn is_hidden(&self) -> bool {
        self.0.iter().all(|b| *b == 0)
    }
    /// `true` when longer than the 32 octets the standard allows.
    pub fn is_oversized(&self) -> bool {
        self.0.len() > 32
    }
}

impl ElementBody for SsidRepr {
    const ID: u8 = id::SSID;
    fn parse(data: &[u8]) -> Result<Self> {
        Ok(SsidRepr(data.to_vec()))
    }
    fn buffer_len(&self) -> usize {
        self.0.len()
    }
    fn emit(&self, buf: &mut [u8]) -> Result<()> {
        Writer::new(buf).put(&self.0)
    }
}

/// RSN Extension element (IEEE 802.11-2020 9.4.2.241): a bit field whose first four bits
/// give its length in octets minus one. All octets are kept as they are.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct RsnxeRepr(pub Vec<u8>);

impl RsnxeRepr {
    /// Bit `n` of the Extended RSN Capabilities field (bit 0 = LSB of the first octet).
    pub fn bit(&self, n: usize) -> bool {
        self.0.get(n / 8).is_some_and(|o| o & (1 << (n % 8)) != 0)
    }
    /// The Field Length subfield (bits 0-3): number of octets minus one.
    pub fn field_length(&self) -> Option<u8> {
        self.0.first().map(|o| o & 0x0f)
    }
    /// Protected TWT Operations Support (bit 4).
    pub fn protected_twt(&self) -> bool {
        self.bit(4)
    }
    /// SAE Hash-to-Element (bit 5).
    pub fn sae_h2e(&self) -> bool {
        self.bit(5)
    }
    /// SAE-PK (bit 6).
    pub fn sae_pk(&self) -> bool {
        self.bit(6)
    }
}

impl ElementBody for RsnxeRepr {
    const ID: u8 = id::RSNX;
    fn parse(data: &[u8]) -> Result<Self> {
        Ok(RsnxeRepr(data.to_vec()))
    }
    fn buffer_len(&self) -> usize {
        self.0.len()
    }
    fn emit(&self, buf: &mut [u8]) -> Result<()> {
        Writer::new(buf).put(&self.0)
    }
}

/// Write a sequence of element bodies as whole elements into a vector.
pub fn emit_elements(out: &mut Vec<u8>, items: &[Element<'_>]) -> Result<()> {
    for e in items {
        let n = count(|w| write_element(w, e.id, e.data));
        let start = out.len();
        out.resize(start.saturating_add(n), 0);
        let dst = out.get_mut(start..).ok_or(Error::Truncated)?;
        e.emit(dst)?;
    }
    Ok(())
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
