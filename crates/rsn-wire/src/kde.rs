//! Key Data Encapsulations in (decrypted) EAPOL-Key Key Data (IEEE 802.11-2020 12.7.2,
//! Figure 12-35, Table 12-10).
//!
//! Key Data is a sequence of elements and KDEs. A KDE is an element with ID 0xdd whose data
//! starts with an OUI and a Data Type; with the IEEE OUI 00-0f-ac the data types are
//! (Table 12-10, checked against hostapd `RSN_KEY_DATA_*`): GTK 1, MAC address 3, PMKID 4,
//! Nonce 6, Lifetime 7, Error 8, IGTK 9, Key ID 10, Multi-band GTK 11, Multi-band Key ID 12,
//! OCI 13, BIGTK 14, MLO GTK 16, MLO IGTK 17, MLO BIGTK 18, MLO Link 19.
//!
//! Padding (IEEE 802.11-2020 12.7.2 j): when key data is padded for AES key wrap, the pad is
//! 0xdd followed by zero or more 0x00 octets. [`KeyDataItems`] reports it as
//! [`KeyDataItem::Padding`] and stops.

use crate::codec::{count, to_vec, Reader, Writer};
use crate::element::{id, Element};
use crate::suite::OUI_IEEE;
use crate::{Error, MacAddr, Result};

/// KDE Data Type values for the IEEE OUI (IEEE 802.11-2020 Table 12-10).
pub mod kde_type {
    /// GTK KDE.
    pub const GTK: u8 = 1;
    /// MAC address KDE.
    pub const MAC_ADDR: u8 = 3;
    /// PMKID KDE.
    pub const PMKID: u8 = 4;
    /// Nonce KDE.
    pub const NONCE: u8 = 6;
    /// Lifetime KDE.
    pub const LIFETIME: u8 = 7;
    /// Error KDE.
    pub const ERROR: u8 = 8;
    /// IGTK KDE.
    pub const IGTK: u8 = 9;
    /// Key ID KDE.
    pub const KEY_ID: u8 = 10;
    /// Multi-band GTK KDE.
    pub const MULTIBAND_GTK: u8 = 11;
    /// Multi-band Key ID KDE.
    pub const MULTIBAND_KEY_ID: u8 = 12;
    /// OCI KDE.
    pub const OCI: u8 = 13;
    /// BIGTK KDE.
    pub const BIGTK: u8 = 14;
    /// MLO GTK KDE.
    pub const MLO_GTK: u8 = 16;
    /// MLO IGTK KDE.
    pub const MLO_IGTK: u8 = 17;
    /// MLO BIGTK KDE.
    pub const MLO_BIGTK: u8 = 18;
    /// MLO Link KDE.
    pub const MLO_LINK: u8 = 19;
}

/// A KDE. Typed variants are produced only for the IEEE OUI and a data length that fits the
/// layout; anything else is [`Kde::Other`], kept whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kde<'a> {
    /// GTK KDE (Figure 12-36): flags octet (Key ID bits 0-1, Tx bit 2), reserved octet, GTK.
    Gtk {
        /// First octet: Key ID (bits 0-1), Tx (bit 2), reserved (bits 3-7).
        flags: u8,
        /// Second (reserved) octet.
        reserved: u8,
        /// The GTK.
        gtk: &'a [u8],
    },
    /// MAC address KDE (Figure 12-37).
    MacAddr(MacAddr),
    /// PMKID KDE (Figure 12-38).
    Pmkid([u8; 16]),
    /// Nonce KDE (Figure 12-40).
    Nonce([u8; 32]),
    /// Lifetime KDE (Figure 12-41): 4 octets, as on the wire.
    Lifetime([u8; 4]),
    /// Error KDE (Figure 12-42): MUI and Error Type (big-endian, as hostapd reads them).
    Error {
        /// MUI.
        mui: u16,
        /// Error Type.
        error_type: u16,
    },
    /// IGTK KDE (Figure 12-43): Key ID (2, LE), IPN (6), IGTK.
    Igtk {
        /// Key ID.
        key_id: u16,
        /// IPN (little-endian PN octets).
        ipn: [u8; 6],
        /// The IGTK.
        igtk: &'a [u8],
    },
    /// OCI KDE: Operating Channel Information, raw.
    Oci(&'a [u8]),
    /// BIGTK KDE: Key ID (2, LE), BIPN (6), BIGTK.
    Bigtk {
        /// Key ID.
        key_id: u16,
        /// BIPN.
        bipn: [u8; 6],
        /// The BIGTK.
        bigtk: &'a [u8],
    },
    /// Any other KDE (another OUI, e.g. the WPA1 vendor element 00-50-f2:1 or WFA
    /// Transition Disable, an unknown data type, or a known type with a bad length).
    Other {
        /// OUI.
        oui: [u8; 3],
        /// Data Type.
        data_type: u8,
        /// Data after OUI and Data Type.
        data: &'a [u8],
    },
}

impl<'a> Kde<'a> {
    /// Parse a KDE from the element data (starting at the OUI); `Truncated` if shorter than 4.
    pub fn parse(body: &'a [u8]) -> Result<Self> {
        let mut r = Reader::new(body);
        let oui: [u8; 3] = r.array()?;
        let data_type = r.u8()?;
        let data = r.rest();
        let other = Kde::Other {
            oui,
            data_type,
            data,
        };
        if oui != OUI_IEEE {
            return Ok(other);
        }
        let typed = match data_type {
            kde_type::GTK => match data {
                [flags, reserved, gtk @ ..] => Some(Kde::Gtk {
                    flags: *flags,
                    reserved: *reserved,
                    gtk,
                }),
                _ => None,
            },
            kde_type::MAC_ADDR => MacAddr::from_slice(data).map(Kde::MacAddr),
            kde_type::PMKID => data.try_into().ok().map(Kde::Pmkid),
            kde_type::NONCE => data.try_into().ok().map(Kde::Nonce),
            kde_type::LIFETIME => data.try_into().ok().map(Kde::Lifetime),
            kde_type::ERROR => match data {
                [a, b, c, d] => Some(Kde::Error {
                    mui: u16::from_be_bytes([*a, *b]),
                    error_type: u16::from_be_bytes([*c, *d]),
                }),
                _ => None,
            },
            kde_type::IGTK | kde_type::BIGTK => {
                let mut r = Reader::new(data);
                match (r.u16_le(), r.array::<6>()) {
                    (Ok(key_id), Ok(pn)) if data_type == kde_type::IGTK => Some(Kde::Igtk {
                        key_id,
                        ipn: pn,
                        igtk: r.rest(),
                    }),
                    (Ok(key_id), Ok(pn)) => Some(Kde::Bigtk {
                        key_id,
                        bipn: pn,
                        bigtk: r.rest(),
                    }),
                    _ => None,
                }
            }
            kde_type::OCI => Some(Kde::Oci(data)),
            _ => None,
        };
        Ok(typed.unwrap_or(other))
    }

    /// OUI and Data Type of this KDE.
    pub fn selector(&self) -> ([u8; 3], u8) {
        let t = match self {
            Kde::Gtk { .. } => kde_type::GTK,
            Kde::MacAddr(_) => kde_type::MAC_ADDR,
            Kde::Pmkid(_) => kde_type::PMKID,
            Kde::Nonce(_) => kde_type::NONCE,
            Kde::Lifetime(_) => kde_type::LIFETIME,
            Kde::Error { .. } => kde_type::ERROR,
            Kde::Igtk { .. } => kde_type::IGTK,
            Kde::Oci(_) => kde_type::OCI,
            Kde::Bigtk { .. } => kde_type::BIGTK,
            Kde::Other { oui, data_type, .. } => return (*oui, *data_type),
        };
        (OUI_IEEE, t)
    }

    /// GTK KDE Key ID (bits 0-1 of the flags octet).
    pub fn gtk_key_id(&self) -> Option<u8> {
        match self {
            Kde::Gtk { flags, .. } => Some(flags & 0x3),
            _ => None,
        }
    }
    /// GTK KDE Tx bit (bit 2 of the flags octet).
    pub fn gtk_tx(&self) -> Option<bool> {
        match self {
            Kde::Gtk { flags, .. } => Some(flags & 0x4 != 0),
            _ => None,
        }
    }

    fn write_data(&self, w: &mut Writer<'_>) -> Result<()> {
        match self {
            Kde::Gtk {
                flags,
                reserved,
                gtk,
            } => {
                w.u8(*flags)?;
                w.u8(*reserved)?;
                w.put(gtk)
            }
            Kde::MacAddr(m) => w.put(&m.0),
            Kde::Pmkid(p) => w.put(p),
            Kde::Nonce(n) => w.put(n),
            Kde::Lifetime(l) => w.put(l),
            Kde::Error { mui, error_type } => {
                w.u16_be(*mui)?;
                w.u16_be(*error_type)
            }
            Kde::Igtk {
                key_id,
                ipn: pn,
                igtk: k,
            }
            | Kde::Bigtk {
                key_id,
                bipn: pn,
                bigtk: k,
            } => {
                w.u16_le(*key_id)?;
                w.put(pn)?;
                w.put(k)
            }
            Kde::Oci(d) | Kde::Other { data: d, .. } => w.put(d),
        }
    }

    fn write(&self, w: &mut Writer<'_>) -> Result<()> {
        let (oui, t) = self.selector();
        let n = count(|c| self.write_data(c)).saturating_add(4);
        w.u8(id::VENDOR_SPECIFIC)?;
        w.u8(u8::try_from(n).map_err(|_| Error::Malformed)?)?;
        w.put(&oui)?;
        w.u8(t)?;
        self.write_data(w)
    }
}

/// One item of Key Data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyDataItem<'a> {
    /// A KDE (ID 0xdd with at least OUI and Data Type).
    Kde(Kde<'a>),
    /// An element (RSNE, MDE, FTE, Timeout Interval, RSNXE, ...) or a too-short 0xdd element.
    Element(Element<'a>),
    /// Padding: 0xdd followed by zeros up to the end of the key data.
    Padding(&'a [u8]),
}

impl KeyDataItem<'_> {
    /// Octets `emit` writes.
    pub fn buffer_len(&self) -> usize {
        count(|w| self.write(w))
    }
    /// Write this item at the start of `buf`.
    pub fn emit(&self, buf: &mut [u8]) -> Result<()> {
        self.write(&mut Writer::new(buf))
    }
    fn write(&self, w: &mut Writer<'_>) -> Result<()> {
        match self {
            KeyDataItem::Kde(k) => k.write(w),
            KeyDataItem::Element(e) => crate::element::write_element(w, e.id, e.data),
            KeyDataItem::Padding(p) => w.put(p),
        }
    }
}

/// Emit a sequence of items as Key Data into a new vector.
pub fn emit_key_data(items: &[KeyDataItem<'_>]) -> Result<alloc::vec::Vec<u8>> {
    let n = count(|w| items.iter().try_for_each(|i| i.write(w)));
    to_vec(n, |b| {
        let mut w = Writer::new(b);
        items.iter().try_for_each(|i| i.write(&mut w))
    })
}

/// Iterator over Key Data items. On a truncated item it yields one `Err(Error::Truncated)`
/// and stops; it never reads past the slice.
#[derive(Debug, Clone)]
pub struct KeyDataItems<'a> {
    rest: &'a [u8],
    error: Option<Error>,
}

impl<'a> KeyDataItems<'a> {
    /// Walk `key_data` (already decrypted).
    pub fn new(key_data: &'a [u8]) -> Self {
        KeyDataItems {
            rest: key_data,
            error: None,
        }
    }
    /// Why iteration stopped early, if it did.
    pub fn error(&self) -> Option<Error> {
        self.error
    }
}

impl<'a> Iterator for KeyDataItems<'a> {
    type Item = Result<KeyDataItem<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.error.is_some() {
            return None;
        }
        match self.rest {
            [] => return None,
            [id::VENDOR_SPECIFIC, zeros @ ..] if zeros.iter().all(|b| *b == 0) => {
                let p = self.rest;
                self.rest = &[];
                return Some(Ok(KeyDataItem::Padding(p)));
            }
            _ => {}
        }
        let mut r = Reader::new(self.rest);
        let parsed = (|| {
            let eid = r.u8()?;
            let len = r.u8()?;
            let data = r.take(usize::from(len))?;
            if eid == id::VENDOR_SPECIFIC && data.len() >= 4 {
                Ok(KeyDataItem::Kde(Kde::parse(data)?))
            } else {
                Ok(KeyDataItem::Element(Element { id: eid, data }))
            }
        })();
        match parsed {
            Ok(item) => {
                self.rest = r.rest();
                Some(Ok(item))
            }
            Err(e) => {
                self.error = Some(e);
                Some(Err(e))
            }
        }
    }
}

/// The first GTK KDE in `key_data`: (Key ID, Tx, GTK).
pub fn find_gtk(key_data: &[u8]) -> Option<(u8, bool, &[u8])> {
    KeyDataItems::new(key_data).flatten().find_map(|i| match i {
        KeyDataItem::Kde(Kde::Gtk { flags, gtk, .. }) => Some((flags & 3, flags & 4 != 0, gtk)),
        _ => None,
    })
}

/// The first IGTK KDE in `key_data`: (Key ID, IPN, IGTK).
pub fn find_igtk(key_data: &[u8]) -> Option<(u16, [u8; 6], &[u8])> {
    KeyDataItems::new(key_data).flatten().find_map(|i| match i {
        KeyDataItem::Kde(Kde::Igtk { key_id, ipn, igtk }) => Some((key_id, ipn, igtk)),
        _ => None,
    })
}

/// The first PMKID KDE in `key_data` (message 1 of the 4-way handshake).
pub fn find_pmkid(key_data: &[u8]) -> Option<[u8; 16]> {
    KeyDataItems::new(key_data).flatten().find_map(|i| match i {
        KeyDataItem::Kde(Kde::Pmkid(p)) => Some(p),
        _ => None,
    })
}

/// The first element with ID `eid` in `key_data` (e.g. the RSNE in message 3).
pub fn find_element(key_data: &[u8], eid: u8) -> Option<Element<'_>> {
    KeyDataItems::new(key_data).flatten().find_map(|i| match i {
        KeyDataItem::Element(e) if e.id == eid => Some(e),
        _ => None,
    })
}

#[cfg(test)]
#[path = "kde_tests.rs"]
mod tests;
