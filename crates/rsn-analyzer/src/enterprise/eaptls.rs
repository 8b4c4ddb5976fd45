//! EAP-TLS / PEAP / TTLS conversations: reassemble the TLS handshake bytes each side sends
//! (RFC 5216 §3.1 fragmentation: L, M, S flags) far enough to read the ClientHello and
//! ServerHello in clear: client random, server random, cipher suite, negotiated version.
//! Everything after the hellos is encrypted or irrelevant and is not buffered.

use rsn_crypto::eap::TlsEapMethod;

/// The random of a HelloRetryRequest (RFC 8446 §4.1.3): not a real ServerHello.
const HRR_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// Octets of handshake stream kept per direction: far more than two hellos need.
const MAX_BUF: usize = 64 * 1024;

/// One direction's TLS byte stream.
#[derive(Default)]
struct Flow {
    /// Record-layer bytes received so far (bounded).
    records: Vec<u8>,
    /// EAP Identifier of the last fragment appended (EAP retransmissions repeat it).
    last_id: Option<u8>,
}

/// What a conversation learned.
#[derive(Default)]
pub(crate) struct TlsConv {
    pub method: Option<TlsEapMethod>,
    flows: [Flow; 2],
    pub client_random: Option<[u8; 32]>,
    pub server_random: Option<[u8; 32]>,
    pub suite: Option<u16>,
    /// Negotiated protocol version (0x0301..0x0304).
    pub version: Option<u16>,
    /// Frame of the first EAP-TLS packet.
    pub first_frame: u64,
    /// Frame last seen (for bounding the table).
    pub last_frame: u64,
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

impl TlsConv {
    /// Both hellos read.
    pub fn complete(&self) -> bool {
        self.client_random.is_some() && self.server_random.is_some() && self.version.is_some()
    }

    /// Feed one EAP packet (RFC 3748 §4): Code, Identifier, Length, Type, Type-Data.
    pub fn eap(&mut self, frame: u64, from_server: bool, eap: &[u8]) {
        self.last_frame = frame;
        let (Some(&code), Some(&id), Some(len)) = (eap.first(), eap.get(1), be16(eap, 2)) else {
            return;
        };
        // Only Request (1) and Response (2) carry a Type.
        if !(code == 1 || code == 2) {
            return;
        }
        let eap = eap.get(..usize::from(len).min(eap.len())).unwrap_or(eap);
        let Some(method) = eap.get(4).copied().and_then(TlsEapMethod::from_type) else {
            return;
        };
        if self.first_frame == 0 {
            self.first_frame = frame;
        }
        self.method = Some(method);
        let Some(&flags) = eap.get(5) else {
            return;
        };
        // RFC 5216 §3.1: L (length included), M (more fragments), S (start).
        let data_at = if flags & 0x80 != 0 { 10 } else { 6 };
        let data = eap.get(data_at..).unwrap_or_default();
        if self.complete() || data.is_empty() {
            return;
        }
        let flow = &mut self.flows[usize::from(from_server)];
        if flow.last_id == Some(id) {
            return; // a retransmission of the fragment already appended
        }
        flow.last_id = Some(id);
        if flow.records.len() + data.len() > MAX_BUF {
            return;
        }
        flow.records.extend_from_slice(data);
        self.parse(from_server);
    }

    fn parse(&mut self, from_server: bool) {
        // Handshake messages may span records: join the fragments of consecutive
        // handshake records (content type 22), stopping at anything else.
        let recs = &self.flows[usize::from(from_server)].records;
        let mut hs = Vec::new();
        let mut at = 0usize;
        while let (Some(&ct), Some(len)) = (recs.get(at), be16(recs, at + 3)) {
            let Some(frag) = recs.get(at + 5..at + 5 + usize::from(len)) else {
                break;
            };
            if ct != 22 {
                break;
            }
            hs.extend_from_slice(frag);
            at += 5 + usize::from(len);
        }
        let mut at = 0usize;
        while let (Some(&t), Some(hi), Some(lo)) = (hs.get(at), hs.get(at + 1), be16(&hs, at + 2)) {
            let len = (usize::from(*hi) << 16) | usize::from(lo);
            let Some(body) = hs.get(at + 4..at + 4 + len) else {
                break;
            };
            match (t, from_server) {
                (1, false) => {
                    if let Some(r) = body.get(2..34).and_then(|r| <[u8; 32]>::try_from(r).ok()) {
                        self.client_random = Some(r);
                    }
                }
                (2, true) => self.server_hello(body),
                _ => {}
            }
            at += 4 + len;
        }
    }

    fn server_hello(&mut self, body: &[u8]) {
        let Some(random) = body.get(2..34).and_then(|r| <[u8; 32]>::try_from(r).ok()) else {
            return;
        };
        if random == HRR_RANDOM {
            return;
        }
        let legacy = be16(body, 0);
        let sid = usize::from(body.get(34).copied().unwrap_or(0));
        let at = 35 + sid;
        let suite = be16(body, at);
        let mut version = legacy;
        // Extensions after compression (1 octet): supported_versions (43) names TLS 1.3.
        if let Some(ext_len) = be16(body, at + 3) {
            let exts = body
                .get(at + 5..at + 5 + usize::from(ext_len))
                .unwrap_or_default();
            let mut e = 0usize;
            while let (Some(t), Some(l)) = (be16(exts, e), be16(exts, e + 2)) {
                if t == 43 {
                    if let Some(v) = be16(exts, e + 4) {
                        version = Some(v);
                    }
                }
                e += 4 + usize::from(l);
            }
        }
        self.server_random = Some(random);
        self.suite = suite;
        self.version = version;
    }
}
