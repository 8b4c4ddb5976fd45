//! RADIUS packets (RFC 2865 §3, §5) as far as key delivery needs them.

use rsn_wire::MacAddr;

/// RADIUS codes (RFC 2865 §4).
pub(crate) const ACCESS_REQUEST: u8 = 1;
pub(crate) const ACCESS_ACCEPT: u8 = 2;
pub(crate) const ACCESS_REJECT: u8 = 3;
pub(crate) const ACCESS_CHALLENGE: u8 = 11;

/// Attribute types.
pub(crate) const USER_NAME: u8 = 1;
pub(crate) const CALLING_STATION_ID: u8 = 31;
pub(crate) const VENDOR_SPECIFIC: u8 = 26;
pub(crate) const EAP_MESSAGE: u8 = 79;
/// Microsoft's vendor id and its MPPE key attributes (RFC 2548 §2.4.2, §2.4.3).
pub(crate) const VENDOR_MICROSOFT: u32 = 311;
pub(crate) const MS_MPPE_SEND_KEY: u8 = 16;
pub(crate) const MS_MPPE_RECV_KEY: u8 = 17;

/// The authentication ports (1812; 1645 before RFC 2865 took 1812).
pub(crate) fn is_radius_port(p: u16) -> bool {
    p == 1812 || p == 1645
}

/// A RADIUS packet.
pub(crate) struct Packet<'a> {
    pub code: u8,
    pub id: u8,
    pub authenticator: [u8; 16],
    /// The packet as its Length field delimits it.
    pub raw: &'a [u8],
    attrs: &'a [u8],
}

impl<'a> Packet<'a> {
    /// Parse; `None` when the header is short or Length is out of bounds (20..=4096 and
    /// within the datagram, RFC 2865 §3).
    pub fn parse(b: &'a [u8]) -> Option<Packet<'a>> {
        let len = usize::from(u16::from_be_bytes([*b.get(2)?, *b.get(3)?]));
        if !(20..=4096).contains(&len) {
            return None;
        }
        let raw = b.get(..len)?;
        Some(Packet {
            code: *raw.first()?,
            id: *raw.get(1)?,
            authenticator: raw.get(4..20)?.try_into().ok()?,
            raw,
            attrs: raw.get(20..)?,
        })
    }

    /// Attributes as (type, value); a malformed attribute ends the walk, and
    /// [`Packet::attrs_ok`] tells.
    pub fn attrs(&self) -> impl Iterator<Item = (u8, &'a [u8])> + 'a {
        let mut rest = self.attrs;
        core::iter::from_fn(move || {
            let t = *rest.first()?;
            let l = usize::from(*rest.get(1)?);
            let v = rest.get(2..l)?;
            rest = rest.get(l..)?;
            Some((t, v))
        })
    }

    /// Whether every attribute's length is consistent.
    pub fn attrs_ok(&self) -> bool {
        let mut rest = self.attrs;
        while !rest.is_empty() {
            match rest.get(1).map(|l| usize::from(*l)) {
                Some(l) if l >= 2 && l <= rest.len() => rest = rest.get(l..).unwrap_or_default(),
                _ => return false,
            }
        }
        true
    }

    /// The first attribute of a type.
    pub fn attr(&self, t: u8) -> Option<&'a [u8]> {
        self.attrs().find(|(a, _)| *a == t).map(|(_, v)| v)
    }

    /// All EAP-Message attributes joined (RFC 3579 §3.1: one EAP packet split over several).
    pub fn eap(&self) -> Vec<u8> {
        self.attrs()
            .filter(|(t, _)| *t == EAP_MESSAGE)
            .flat_map(|(_, v)| v.iter().copied())
            .collect()
    }

    /// A Microsoft vendor-specific sub-attribute value.
    pub fn microsoft(&self, vendor_type: u8) -> Option<&'a [u8]> {
        self.attrs()
            .filter(|(t, _)| *t == VENDOR_SPECIFIC)
            .find_map(|(_, v)| {
                let vendor = u32::from_be_bytes(v.get(..4)?.try_into().ok()?);
                if vendor != VENDOR_MICROSOFT {
                    return None;
                }
                let mut rest = v.get(4..)?;
                while let (Some(&vt), Some(&vl)) = (rest.first(), rest.get(1)) {
                    let vl = usize::from(vl);
                    let val = rest.get(2..vl)?;
                    if vt == vendor_type {
                        return Some(val);
                    }
                    rest = rest.get(vl..)?;
                }
                None
            })
    }
}

/// The MAC address in a Calling-Station-Id, in every spelling vendors use:
/// `AA-BB-CC-DD-EE-FF` (RFC 3580 §3.21), `aa:bb:cc:dd:ee:ff`, `aabbccddeeff`,
/// `aabb.ccdd.eeff` (Cisco), `AABB-CCDD-EEFF`, optionally followed by `:SSID` or other
/// text after the twelve digits.
pub fn mac_from_station_id(s: &[u8]) -> Option<MacAddr> {
    let mut digits = [0u8; 12];
    let mut n = 0usize;
    for &c in s {
        if n == 12 {
            break;
        }
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            b'-' | b':' | b'.' | b' ' => continue,
            _ => return None,
        };
        *digits.get_mut(n)? = d;
        n += 1;
    }
    if n != 12 {
        return None;
    }
    let mut mac = [0u8; 6];
    for (i, m) in mac.iter_mut().enumerate() {
        *m = (digits.get(2 * i)? << 4) | digits.get(2 * i + 1)?;
    }
    Some(MacAddr(mac))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn station_id_spellings() {
        let want = Some(MacAddr([0x00, 0x1b, 0x63, 0xaa, 0xbb, 0xcc]));
        for s in [
            "00-1B-63-AA-BB-CC",
            "00:1b:63:aa:bb:cc",
            "001b63aabbcc",
            "001b.63aa.bbcc",
            "001B63-AABBCC",
            "00-1B-63-AA-BB-CC:corp-ssid",
        ] {
            assert_eq!(mac_from_station_id(s.as_bytes()), want, "{s}");
        }
        assert_eq!(mac_from_station_id(b"10.0.0.1"), None);
        assert_eq!(mac_from_station_id(b"001b63"), None);
        assert_eq!(mac_from_station_id(b"alice"), None);
    }

    #[test]
    fn attributes_walk_stops_on_bad_length() {
        let mut p = vec![ACCESS_REQUEST, 7, 0, 0];
        p.extend_from_slice(&[0u8; 16]);
        p.extend_from_slice(&[USER_NAME, 7, b'a', b'l', b'i', b'c', b'e']);
        p.extend_from_slice(&[EAP_MESSAGE, 4, 2, 1]);
        p.extend_from_slice(&[EAP_MESSAGE, 4, 0, 4]);
        let n = p.len() as u16;
        p[2..4].copy_from_slice(&n.to_be_bytes());
        let pkt = Packet::parse(&p).unwrap_or_else(|| panic!("parse"));
        assert!(pkt.attrs_ok());
        assert_eq!(pkt.attr(USER_NAME), Some(&b"alice"[..]));
        assert_eq!(pkt.eap(), vec![2, 1, 0, 4]);
        p.push(5);
        p.push(9);
        let n = p.len() as u16;
        p[2..4].copy_from_slice(&n.to_be_bytes());
        let pkt = Packet::parse(&p).unwrap_or_else(|| panic!("parse"));
        assert!(!pkt.attrs_ok());
        assert!(Packet::parse(&p[..10]).is_none());
    }
}
