//! RADIUS as an AAA server and its NAS put it on the wire (RFC 2865, RFC 2548 MS-MPPE keys,
//! RFC 3579 EAP-Message and Message-Authenticator), in IPv4/UDP in Ethernet: the wired side
//! of the simulator's 802.1X networks, also used by tests that need RADIUS with known keys.

use rsn_crypto::eap::{mppe_encrypt, radius_message_authenticator, radius_response_authenticator};

/// RADIUS codes (RFC 2865 §4).
pub const ACCESS_REQUEST: u8 = 1;
/// Access-Accept.
pub const ACCESS_ACCEPT: u8 = 2;
/// Access-Challenge.
pub const ACCESS_CHALLENGE: u8 = 11;

fn attr(out: &mut Vec<u8>, t: u8, v: &[u8]) {
    // Attribute values are at most 253 octets (RFC 2865 §5): callers split longer ones.
    let v = v.get(..253).unwrap_or(v);
    out.push(t);
    out.push(u8::try_from(v.len() + 2).unwrap_or(255));
    out.extend_from_slice(v);
}

fn set_len(p: &mut [u8]) {
    let n = u16::try_from(p.len()).unwrap_or(u16::MAX).to_be_bytes();
    if let Some(l) = p.get_mut(2..4) {
        l.copy_from_slice(&n);
    }
}

/// Append a Message-Authenticator (RFC 3579 §3.2) and fill it in.
fn message_authenticator(p: &mut Vec<u8>, secret: &[u8]) {
    let at = p.len() + 2;
    attr(p, 80, &[0; 16]);
    set_len(p);
    if let Ok(ma) = radius_message_authenticator(p, secret) {
        if let Some(dst) = p.get_mut(at..at + 16) {
            dst.copy_from_slice(&ma);
        }
    }
}

/// What an Access-Request carries.
pub struct Request<'a> {
    /// Identifier.
    pub id: u8,
    /// Request Authenticator (random).
    pub authenticator: [u8; 16],
    /// User-Name (the EAP identity).
    pub user: &'a [u8],
    /// NAS-IP-Address.
    pub nas_ip: [u8; 4],
    /// Called-Station-Id (`AA-BB-CC-DD-EE-FF:SSID`).
    pub called: &'a [u8],
    /// Calling-Station-Id (the client's MAC).
    pub calling: &'a [u8],
    /// The EAP packet from the client.
    pub eap: &'a [u8],
}

/// An Access-Request (with Framed-MTU 1400 and a Message-Authenticator).
pub fn access_request(r: &Request<'_>, secret: &[u8]) -> Vec<u8> {
    let mut p = vec![ACCESS_REQUEST, r.id, 0, 0];
    p.extend_from_slice(&r.authenticator);
    attr(&mut p, 1, r.user);
    attr(&mut p, 4, &r.nas_ip);
    attr(&mut p, 30, r.called);
    attr(&mut p, 31, r.calling);
    attr(&mut p, 12, &1400u32.to_be_bytes());
    for chunk in r.eap.chunks(253) {
        attr(&mut p, 79, chunk);
    }
    message_authenticator(&mut p, secret);
    p
}

/// An Access-Accept (with `msk`: MS-MPPE-Recv-Key = MSK[0..32], MS-MPPE-Send-Key =
/// MSK[32..64], each under its own salt) or Access-Challenge answering the request with
/// `request_authenticator`; Message-Authenticator, then the Response Authenticator.
pub fn access_response(
    code: u8,
    id: u8,
    request_authenticator: [u8; 16],
    user: &[u8],
    msk: Option<(&[u8], [[u8; 2]; 2])>,
    eap: &[u8],
    secret: &[u8],
) -> Vec<u8> {
    let mut p = vec![code, id, 0, 0];
    p.extend_from_slice(&request_authenticator);
    attr(&mut p, 1, user);
    for chunk in eap.chunks(253) {
        attr(&mut p, 79, chunk);
    }
    if let Some((msk, salts)) = msk {
        let halves = [
            (17u8, msk.get(..32).unwrap_or_default(), salts[0]),
            (16u8, msk.get(32..64).unwrap_or_default(), salts[1]),
        ];
        for (vendor_type, key, salt) in halves {
            let Ok(enc) = mppe_encrypt(secret, &request_authenticator, salt, key) else {
                continue;
            };
            let mut v = 311u32.to_be_bytes().to_vec();
            v.push(vendor_type);
            v.push(u8::try_from(enc.len() + 2).unwrap_or(255));
            v.extend_from_slice(&enc);
            attr(&mut p, 26, &v);
        }
    }
    message_authenticator(&mut p, secret);
    if let Ok(ra) = radius_response_authenticator(&p, &request_authenticator, secret) {
        if let Some(dst) = p.get_mut(4..20) {
            dst.copy_from_slice(&ra);
        }
    }
    p
}

fn ones_complement(sum: u32) -> u16 {
    let mut s = sum;
    while s >> 16 != 0 {
        s = (s & 0xffff) + (s >> 16);
    }
    !(s as u16)
}

fn sum16(data: &[u8]) -> u32 {
    data.chunks(2)
        .map(|c| {
            let hi = c.first().copied().unwrap_or(0);
            let lo = c.get(1).copied().unwrap_or(0);
            u32::from(u16::from_be_bytes([hi, lo]))
        })
        .sum()
}

/// IPv4 + UDP around `payload`, both checksums computed (RFC 791, RFC 768).
pub fn ipv4_udp(src: ([u8; 4], u16), dst: ([u8; 4], u16), payload: &[u8]) -> Vec<u8> {
    let udp_len = u16::try_from(8 + payload.len()).unwrap_or(u16::MAX);
    let total = udp_len.saturating_add(20);
    let mut ip = vec![0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, 17, 0, 0];
    ip.splice(2..4, total.to_be_bytes());
    ip.extend_from_slice(&src.0);
    ip.extend_from_slice(&dst.0);
    let hc = ones_complement(sum16(&ip));
    ip.splice(10..12, hc.to_be_bytes());
    let mut udp = Vec::with_capacity(usize::from(udp_len));
    udp.extend_from_slice(&src.1.to_be_bytes());
    udp.extend_from_slice(&dst.1.to_be_bytes());
    udp.extend_from_slice(&udp_len.to_be_bytes());
    udp.extend_from_slice(&[0, 0]);
    udp.extend_from_slice(payload);
    let pseudo = sum16(&src.0) + sum16(&dst.0) + 17 + u32::from(udp_len);
    let uc = match ones_complement(pseudo + sum16(&udp)) {
        0 => 0xffff,
        c => c,
    };
    udp.splice(6..8, uc.to_be_bytes());
    ip.extend_from_slice(&udp);
    ip
}

/// An Ethernet II frame carrying IPv4.
pub fn ethernet(dst: [u8; 6], src: [u8; 6], ip: &[u8]) -> Vec<u8> {
    let mut f = Vec::with_capacity(14 + ip.len());
    f.extend_from_slice(&dst);
    f.extend_from_slice(&src);
    f.extend_from_slice(&[0x08, 0x00]);
    f.extend_from_slice(ip);
    f
}

/// A MAC address as most controllers write the Calling-Station-Id (RFC 3580 §3.21).
pub fn station_id(mac: &[u8; 6]) -> String {
    mac.iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join("-")
}
