//! LLC/SNAP encapsulation of 802.11 data frame bodies (IEEE 802.11-2020 5.1.5 with
//! IEEE 802-2014 10.5: DSAP AA, SSAP AA, Control 03, OUI, EtherType).

use crate::codec::{array_at, Reader, Writer};
use crate::{Error, Result};

/// EtherType of EAPOL (IEEE 802.1X-2020 11.1.4).
pub const ETHERTYPE_EAPOL: u16 = 0x888e;
/// EtherType of RSN pre-authentication (IEEE 802.11-2020 12.6.10.2).
pub const ETHERTYPE_PREAUTH: u16 = 0x88c7;
/// EtherType of IPv4 (for completeness when classifying decrypted data).
pub const ETHERTYPE_IPV4: u16 = 0x0800;
/// EtherType of ARP.
pub const ETHERTYPE_ARP: u16 = 0x0806;
/// EtherType of IPv6.
pub const ETHERTYPE_IPV6: u16 = 0x86dd;
/// RFC 1042 encapsulation OUI (00-00-00).
pub const OUI_RFC1042: [u8; 3] = [0, 0, 0];
/// Bridge-tunnel (IEEE 802.1H) OUI (00-00-f8).
pub const OUI_BRIDGE_TUNNEL: [u8; 3] = [0, 0, 0xf8];
/// Length of an LLC/SNAP header.
pub const HEADER_LEN: usize = 8;

mod field {
    use core::ops::Range;
    pub const DSAP: usize = 0;
    pub const SSAP: usize = 1;
    pub const CONTROL: usize = 2;
    pub const OUI: usize = 3;
    pub const ETHERTYPE: Range<usize> = 6..8;
    pub const PAYLOAD: usize = 8;
}

/// A checked view of an LLC/SNAP header and its payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LlcSnap<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> LlcSnap<T> {
    /// Wrap a buffer holding at least the 8-octet header and whose DSAP/SSAP/Control are
    /// `AA AA 03` (SNAP). `Malformed` for other LLC headers.
    pub fn new_checked(buffer: T) -> Result<Self> {
        let b = buffer.as_ref();
        match b {
            [0xaa, 0xaa, 0x03, _, _, _, _, _, ..] => Ok(LlcSnap { buffer }),
            [_, _, _, _, _, _, _, _, ..] => Err(Error::Malformed),
            _ => Err(Error::Truncated),
        }
    }
    /// DSAP octet (0xAA).
    pub fn dsap(&self) -> u8 {
        self.buffer.as_ref().get(field::DSAP).copied().unwrap_or(0)
    }
    /// SSAP octet (0xAA).
    pub fn ssap(&self) -> u8 {
        self.buffer.as_ref().get(field::SSAP).copied().unwrap_or(0)
    }
    /// Control octet (0x03, UI).
    pub fn control(&self) -> u8 {
        self.buffer
            .as_ref()
            .get(field::CONTROL)
            .copied()
            .unwrap_or(0)
    }
    /// SNAP OUI.
    pub fn oui(&self) -> [u8; 3] {
        array_at(self.buffer.as_ref(), field::OUI)
    }
    /// EtherType / protocol ID.
    pub fn ethertype(&self) -> u16 {
        u16::from_be_bytes(array_at(self.buffer.as_ref(), field::ETHERTYPE.start))
    }
    /// Everything after the header.
    pub fn payload(&self) -> &[u8] {
        self.buffer.as_ref().get(field::PAYLOAD..).unwrap_or(&[])
    }
    /// Consume the view.
    pub fn into_inner(self) -> T {
        self.buffer
    }
}

/// Parsed LLC/SNAP header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LlcSnapRepr {
    /// SNAP OUI (00-00-00 for RFC 1042).
    pub oui: [u8; 3],
    /// EtherType.
    pub ethertype: u16,
}

impl LlcSnapRepr {
    /// RFC 1042 header for `ethertype`.
    pub const fn rfc1042(ethertype: u16) -> Self {
        LlcSnapRepr {
            oui: OUI_RFC1042,
            ethertype,
        }
    }
    /// Parse from a view.
    pub fn parse<T: AsRef<[u8]>>(v: &LlcSnap<T>) -> Result<Self> {
        Ok(LlcSnapRepr {
            oui: v.oui(),
            ethertype: v.ethertype(),
        })
    }
    /// Parse the header at the start of `buf`, returning it and the payload.
    pub fn parse_bytes(buf: &[u8]) -> Result<(Self, &[u8])> {
        let v = LlcSnap::new_checked(buf)?;
        let mut r = Reader::new(buf);
        r.take(HEADER_LEN)?;
        Ok((Self::parse(&v)?, r.rest()))
    }
    /// Always 8.
    pub const fn buffer_len(&self) -> usize {
        HEADER_LEN
    }
    /// Write the 8 header octets at the start of `buf`.
    pub fn emit(&self, buf: &mut [u8]) -> Result<()> {
        let mut w = Writer::new(buf);
        w.put(&[0xaa, 0xaa, 0x03])?;
        w.put(&self.oui)?;
        w.u16_be(self.ethertype)
    }
    /// `true` when this carries EAPOL.
    pub fn is_eapol(&self) -> bool {
        self.ethertype == ETHERTYPE_EAPOL
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn eapol_snap() {
        let b = [0xaa, 0xaa, 0x03, 0, 0, 0, 0x88, 0x8e, 1, 3];
        let v = LlcSnap::new_checked(&b[..]).unwrap();
        assert_eq!((v.dsap(), v.ssap(), v.control()), (0xaa, 0xaa, 3));
        assert_eq!(v.ethertype(), ETHERTYPE_EAPOL);
        assert_eq!(v.payload(), &[1, 3]);
        let (r, p) = LlcSnapRepr::parse_bytes(&b).unwrap();
        assert!(r.is_eapol());
        assert_eq!(p, &[1, 3]);
        let mut out = [0u8; 8];
        r.emit(&mut out).unwrap();
        assert_eq!(out, b[..8]);
        assert_eq!(LlcSnap::new_checked(&b[..5]).err(), Some(Error::Truncated));
        assert_eq!(
            LlcSnap::new_checked(&[0x42u8; 8][..]).err(),
            Some(Error::Malformed)
        );
    }

    proptest! {
        #[test]
        fn round_trip(oui in any::<[u8; 3]>(), et in any::<u16>()) {
            let r = LlcSnapRepr { oui, ethertype: et };
            let mut b = [0u8; 8];
            r.emit(&mut b).unwrap();
            prop_assert_eq!(LlcSnapRepr::parse_bytes(&b).unwrap().0, r);
        }
        #[test]
        fn no_panic(b in proptest::collection::vec(any::<u8>(), 0..16)) {
            if let Ok(v) = LlcSnap::new_checked(&b[..]) {
                let _ = (v.oui(), v.ethertype(), v.payload());
            }
            let _ = LlcSnapRepr::parse_bytes(&b);
        }
    }
}
