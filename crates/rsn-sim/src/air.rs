//! What goes on the air: 802.11 frames (IEEE 802.11-2020 9.2-9.3) built into caller
//! buffers, and the radiotap header the sniffer puts in front of each.

use rsn_wire::element::{ElementBody, FtSubelement, FteRepr, MdeRepr, RsnCapabilities, RsneRepr};
use rsn_wire::{Akm, Cipher, MacAddr};

/// Radiotap header of every captured frame (radiotap.org): version 0, length 15, present
/// = Flags | Rate | Channel | dBm Antenna Signal; no FCS; 24 Mb/s; 2437 MHz (channel 6),
/// 2 GHz OFDM; -42 dBm.
pub const RADIOTAP: [u8; 15] = [
    0x00, 0x00, 15, 0x00, // version, pad, length
    0x2e, 0x00, 0x00, 0x00, // present: bits 1, 2, 3, 5
    0x00, // flags
    48,   // rate, 500 kb/s units
    0x85, 0x09, 0xc0, 0x00, // 2437 MHz, 2 GHz | OFDM
    0xd6, // -42 dBm
];

/// Channel announced in the DS Parameter Set.
pub const CHANNEL: u8 = 6;

/// Frame Control octet 0 values (type and subtype, protocol version 0).
pub mod fc {
    /// Association Request.
    pub const ASSOC_REQ: u8 = 0x00;
    /// Association Response.
    pub const ASSOC_RESP: u8 = 0x10;
    /// Beacon.
    pub const BEACON: u8 = 0x80;
    /// Authentication.
    pub const AUTH: u8 = 0xb0;
    /// Deauthentication.
    pub const DEAUTH: u8 = 0xc0;
    /// Data.
    pub const DATA: u8 = 0x08;
    /// Frame Control octet 1: To DS.
    pub const TO_DS: u8 = 0x01;
    /// Frame Control octet 1: From DS.
    pub const FROM_DS: u8 = 0x02;
    /// Frame Control octet 1: Retry.
    pub const RETRY: u8 = 0x08;
    /// Frame Control octet 1: Protected Frame.
    pub const PROTECTED: u8 = 0x40;
}

/// LLC/SNAP header for an EtherType (IEEE 802.11-2020 9.3.2.1 body, RFC 1042).
pub fn llc(ethertype: u16) -> [u8; 8] {
    let [a, b] = ethertype.to_be_bytes();
    [0xaa, 0xaa, 0x03, 0, 0, 0, a, b]
}

/// Append a 3-address MAC header (24 octets).
pub fn header(
    out: &mut Vec<u8>,
    fc0: u8,
    fc1: u8,
    a1: MacAddr,
    a2: MacAddr,
    a3: MacAddr,
    seq: u16,
) {
    out.extend_from_slice(&[fc0, fc1, 0x3a, 0x01]);
    out.extend_from_slice(&a1.0);
    out.extend_from_slice(&a2.0);
    out.extend_from_slice(&a3.0);
    out.extend_from_slice(&((seq & 0x0fff) << 4).to_le_bytes());
}

/// Set the Retry bit of a frame built by [`header`].
pub fn set_retry(frame: &mut [u8]) {
    if let Some(b) = frame.get_mut(1) {
        *b |= fc::RETRY;
    }
}

/// Supported Rates element: 6, 9, 12, 18, 24, 36, 48, 54 Mb/s (6, 12, 24 basic).
const RATES: [u8; 10] = [1, 8, 0x8c, 0x12, 0x98, 0x24, 0xb0, 0x48, 0x60, 0x6c];

/// What a BSS advertises.
#[derive(Debug, Clone)]
pub struct BssElements {
    /// SSID octets.
    pub ssid: Vec<u8>,
    /// The RSNE (whole element) of Beacons and Probe Responses.
    pub rsne: Vec<u8>,
    /// The MDE (whole element) of an FT BSS.
    pub mde: Option<Vec<u8>>,
}

/// The RSNE (whole element) for one AKM and cipher pair, with optional PMKIDs; PMF
/// capable+required with BIP-CMAC-128 when `pmf`.
pub fn rsne(
    akm: Akm,
    pairwise: Cipher,
    group: Cipher,
    pmf: bool,
    pmkids: Option<Vec<[u8; 16]>>,
) -> Vec<u8> {
    // RSN Capabilities: bit 6 MFPR, bit 7 MFPC (IEEE 802.11-2020 9.4.2.24.4).
    let caps = if pmf { 0x00c0 } else { 0 };
    let r = RsneRepr {
        version: 1,
        group_data_cipher: Some(group),
        pairwise_ciphers: Some(vec![pairwise]),
        akms: Some(vec![akm]),
        capabilities: Some(RsnCapabilities(caps)),
        pmkids: if pmkids.is_some() || pmf {
            Some(pmkids.unwrap_or_default())
        } else {
            None
        },
        group_mgmt_cipher: if pmf { Some(Cipher::BIP_CMAC128) } else { None },
        extra: Vec::new(),
    };
    r.to_element_vec().unwrap_or_default()
}

/// The MDE (whole element): MDID and FT Capability and Policy (FT over DS not set).
pub fn mde(mdid: [u8; 2]) -> Vec<u8> {
    MdeRepr {
        mdid,
        ft_capability: 0,
        extra: Vec::new(),
    }
    .to_element_vec()
    .unwrap_or_default()
}

/// The FTE of the (Re)Association Response of an FT initial mobility domain association
/// (IEEE 802.11-2020 13.4.2): zero MIC and nonces, R1KH-ID and R0KH-ID.
pub fn assoc_resp_fte(mic_len: usize, r1kh_id: MacAddr, r0kh_id: &[u8]) -> Vec<u8> {
    FteRepr {
        mic_control: 0,
        mic: vec![0; mic_len],
        anonce: [0; 32],
        snonce: [0; 32],
        subelements: vec![
            FtSubelement::R1khId(r1kh_id),
            FtSubelement::R0khId(r0kh_id.to_vec()),
        ],
    }
    .to_element_vec()
    .unwrap_or_default()
}

fn ssid_element(out: &mut Vec<u8>, ssid: &[u8]) {
    out.push(0);
    out.push(u8::try_from(ssid.len()).unwrap_or(32));
    out.extend_from_slice(ssid.get(..32).unwrap_or(ssid));
}

/// Capability Information: ESS | Privacy.
const CAPABILITY: u16 = 0x0011;

/// A Beacon (IEEE 802.11-2020 9.3.3.2).
pub fn beacon(
    out: &mut Vec<u8>,
    bssid: MacAddr,
    seq: u16,
    tsf_us: u64,
    interval_tu: u16,
    e: &BssElements,
) {
    header(out, fc::BEACON, 0, MacAddr::BROADCAST, bssid, bssid, seq);
    out.extend_from_slice(&tsf_us.to_le_bytes());
    out.extend_from_slice(&interval_tu.to_le_bytes());
    out.extend_from_slice(&CAPABILITY.to_le_bytes());
    ssid_element(out, &e.ssid);
    out.extend_from_slice(&RATES);
    out.extend_from_slice(&[3, 1, CHANNEL]);
    out.extend_from_slice(&e.rsne);
    if let Some(m) = &e.mde {
        out.extend_from_slice(m);
    }
}

/// Open System Authentication (algorithm 0), transaction `transaction`, status success.
pub fn auth(
    out: &mut Vec<u8>,
    da: MacAddr,
    sa: MacAddr,
    bssid: MacAddr,
    seq: u16,
    transaction: u16,
) {
    header(out, fc::AUTH, 0, da, sa, bssid, seq);
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&transaction.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
}

/// Association Request with the STA's RSNE (and MDE for FT).
pub fn assoc_req(
    out: &mut Vec<u8>,
    sta: MacAddr,
    bssid: MacAddr,
    seq: u16,
    ssid: &[u8],
    rsne: &[u8],
    mde: Option<&[u8]>,
) {
    header(out, fc::ASSOC_REQ, 0, bssid, sta, bssid, seq);
    out.extend_from_slice(&CAPABILITY.to_le_bytes());
    out.extend_from_slice(&10u16.to_le_bytes());
    ssid_element(out, ssid);
    out.extend_from_slice(&RATES);
    out.extend_from_slice(rsne);
    if let Some(m) = mde {
        out.extend_from_slice(m);
    }
}

/// Association Response, status success, with the MDE and FTE of an FT initial mobility
/// domain association.
pub fn assoc_resp(
    out: &mut Vec<u8>,
    sta: MacAddr,
    bssid: MacAddr,
    seq: u16,
    aid: u16,
    ft: Option<(&[u8], &[u8])>,
) {
    header(out, fc::ASSOC_RESP, 0, sta, bssid, bssid, seq);
    out.extend_from_slice(&CAPABILITY.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&(0xc000 | (aid & 0x3fff)).to_le_bytes());
    out.extend_from_slice(&RATES);
    if let Some((mde, fte)) = ft {
        out.extend_from_slice(mde);
        out.extend_from_slice(fte);
    }
}

/// Deauthentication with a reason code.
pub fn deauth(out: &mut Vec<u8>, da: MacAddr, sa: MacAddr, bssid: MacAddr, seq: u16, reason: u16) {
    header(out, fc::DEAUTH, 0, da, sa, bssid, seq);
    out.extend_from_slice(&reason.to_le_bytes());
}

/// Direction of a data frame within a BSS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// Client to AP (To DS).
    Up,
    /// AP to client (From DS).
    Down,
}

/// A plaintext data frame: header, then `body` (LLC/SNAP included).
/// `peer` is the client (Up: transmitter; Down: receiver, or broadcast); `far` the
/// address beyond the DS (Address 3).
pub fn data(
    out: &mut Vec<u8>,
    dir: Dir,
    bssid: MacAddr,
    peer: MacAddr,
    far: MacAddr,
    seq: u16,
    body: &[u8],
) {
    match dir {
        Dir::Up => header(out, fc::DATA, fc::TO_DS, bssid, peer, far, seq),
        Dir::Down => header(out, fc::DATA, fc::FROM_DS, peer, bssid, far, seq),
    }
    out.extend_from_slice(body);
}
