//! Just enough IPv4/IPv6/UDP to find RADIUS in a wired capture. Hand-written: the only
//! fields read are addresses, protocol, ports and lengths, all through checked accessors.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// One UDP datagram.
pub(crate) struct Udp<'a> {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub sport: u16,
    pub dport: u16,
    pub payload: &'a [u8],
}

/// Why an IP packet was not looked into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IpSkip {
    /// Not UDP.
    NotUdp,
    /// A fragment (RADIUS reassembly across IP fragments is not done).
    Fragment,
    /// Truncated or inconsistent header.
    Malformed,
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

/// Parse an IPv4 or IPv6 packet down to its UDP payload.
pub(crate) fn udp(ip: &[u8]) -> Result<Udp<'_>, IpSkip> {
    let v = ip.first().ok_or(IpSkip::Malformed)? >> 4;
    let (src, dst, proto, l4) = match v {
        4 => {
            let ihl = usize::from(ip.first().ok_or(IpSkip::Malformed)? & 0x0f) * 4;
            let total = usize::from(be16(ip, 2).ok_or(IpSkip::Malformed)?);
            let frag = be16(ip, 6).ok_or(IpSkip::Malformed)?;
            if ihl < 20 || total < ihl {
                return Err(IpSkip::Malformed);
            }
            // MF set or a non-zero offset: a fragment.
            if frag & 0x3fff != 0 {
                return Err(IpSkip::Fragment);
            }
            let a: [u8; 4] = ip
                .get(12..16)
                .and_then(|s| s.try_into().ok())
                .ok_or(IpSkip::Malformed)?;
            let b: [u8; 4] = ip
                .get(16..20)
                .and_then(|s| s.try_into().ok())
                .ok_or(IpSkip::Malformed)?;
            // A snapped capture keeps fewer octets than the header says: take what is there.
            let end = total.min(ip.len());
            let l4 = ip.get(ihl..end).ok_or(IpSkip::Malformed)?;
            (
                IpAddr::V4(Ipv4Addr::from(a)),
                IpAddr::V4(Ipv4Addr::from(b)),
                *ip.get(9).ok_or(IpSkip::Malformed)?,
                l4,
            )
        }
        6 => {
            let plen = usize::from(be16(ip, 4).ok_or(IpSkip::Malformed)?);
            let mut next = *ip.get(6).ok_or(IpSkip::Malformed)?;
            let a: [u8; 16] = ip
                .get(8..24)
                .and_then(|s| s.try_into().ok())
                .ok_or(IpSkip::Malformed)?;
            let b: [u8; 16] = ip
                .get(24..40)
                .and_then(|s| s.try_into().ok())
                .ok_or(IpSkip::Malformed)?;
            let end = (40 + plen).min(ip.len());
            let mut off = 40usize;
            // Hop-by-hop, routing and destination options headers are skipped; a fragment
            // header means a fragment.
            for _ in 0..8 {
                match next {
                    0 | 43 | 60 => {
                        next = *ip.get(off).ok_or(IpSkip::Malformed)?;
                        let len = (usize::from(*ip.get(off + 1).ok_or(IpSkip::Malformed)?) + 1) * 8;
                        off += len;
                    }
                    44 => return Err(IpSkip::Fragment),
                    _ => break,
                }
            }
            let l4 = ip.get(off..end).ok_or(IpSkip::Malformed)?;
            (
                IpAddr::V6(Ipv6Addr::from(a)),
                IpAddr::V6(Ipv6Addr::from(b)),
                next,
                l4,
            )
        }
        _ => return Err(IpSkip::Malformed),
    };
    if proto != 17 {
        return Err(IpSkip::NotUdp);
    }
    let sport = be16(l4, 0).ok_or(IpSkip::Malformed)?;
    let dport = be16(l4, 2).ok_or(IpSkip::Malformed)?;
    let ulen = usize::from(be16(l4, 4).ok_or(IpSkip::Malformed)?);
    if ulen < 8 {
        return Err(IpSkip::Malformed);
    }
    let payload = l4.get(8..ulen.min(l4.len())).ok_or(IpSkip::Malformed)?;
    Ok(Udp {
        src,
        dst,
        sport,
        dport,
        payload,
    })
}

/// The IP packet inside a record of a non-802.11, non-Ethernet link type (`tcpdump -i any`
/// and raw-IP captures of RADIUS servers): raw IP (101, 228, 229, 12/14 on some BSDs),
/// Linux cooked v1 (113) and v2 (276), BSD loopback (0, 108).
pub fn ip_of_link(link_type: u16, data: &[u8]) -> Option<&[u8]> {
    let ip_ethertype = |t: u16| t == 0x0800 || t == 0x86dd;
    match link_type {
        101 | 228 | 229 | 12 | 14 => Some(data),
        113 => be16(data, 14)
            .filter(|t| ip_ethertype(*t))
            .and(data.get(16..)),
        276 => be16(data, 0)
            .filter(|t| ip_ethertype(*t))
            .and(data.get(20..)),
        0 | 108 => data.get(4..),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_udp_and_fragments() {
        let mut p = vec![
            0x45, 0, 0, 0, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ];
        p.extend_from_slice(&[0xc3, 0x50, 0x07, 0x14, 0, 10, 0, 0, 0xaa, 0xbb]);
        let total = p.len() as u16;
        p[2..4].copy_from_slice(&total.to_be_bytes());
        let u = udp(&p).ok().unwrap_or_else(|| panic!("parse"));
        assert_eq!(
            (u.sport, u.dport, u.payload),
            (50000, 1812, &[0xaa, 0xbb][..])
        );
        p[6] = 0x20; // MF
        assert_eq!(udp(&p).err(), Some(IpSkip::Fragment));
        assert_eq!(udp(&p[..5]).err(), Some(IpSkip::Malformed));
        assert_eq!(udp(&[]).err(), Some(IpSkip::Malformed));
    }

    #[test]
    fn ipv6_udp_with_an_extension_header_and_cooked_links() {
        let mut p = vec![0x60, 0, 0, 0, 0, 0, 0, 64];
        p.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8].repeat(4));
        p.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb9].repeat(4));
        // Hop-by-hop options header (8 octets) → UDP.
        p.extend_from_slice(&[17, 0, 0, 0, 0, 0, 0, 0]);
        p.extend_from_slice(&[0x07, 0x14, 0xc3, 0x50, 0, 9, 0, 0, 0x42]);
        let plen = (p.len() - 40) as u16;
        p[4..6].copy_from_slice(&plen.to_be_bytes());
        let u = udp(&p).ok().unwrap_or_else(|| panic!("parse"));
        assert_eq!((u.sport, u.dport, u.payload), (1812, 50000, &[0x42][..]));
        assert_eq!(u.src.to_string(), "2001:db8:2001:db8:2001:db8:2001:db8");
        // Linux cooked v1: 16-octet header, protocol at 14.
        let mut sll = vec![0u8; 14];
        sll.extend_from_slice(&[0x86, 0xdd]);
        sll.extend_from_slice(&p);
        assert_eq!(ip_of_link(113, &sll), Some(&p[..]));
        sll[14] = 0x08;
        sll[15] = 0x06; // ARP
        assert_eq!(ip_of_link(113, &sll), None);
        assert_eq!(ip_of_link(101, &p), Some(&p[..]));
        assert_eq!(ip_of_link(127, &p), None);
    }
}
