//! 802.1X key material found where it lives: the MSK a RADIUS server hands the
//! authenticator (MS-MPPE keys of an Access-Accept, RFC 2548 / RFC 3580), and the MSK both
//! EAP peers derive from their TLS session, computed from an NSS key log (RFC 5216,
//! RFC 5281, RFC 9190, RFC 9427).
//!
//! A [`Collector`] is fed the records of a wired capture (RADIUS over UDP) and the EAPOL
//! EAP packets of the air capture; each completed EAP session becomes an [`EapSession`]
//! bound to the client's MAC address (Calling-Station-Id, or the EAPOL source) and to the
//! time its key was delivered. The analyzer tries each client's sessions as PMK sources.

mod eaptls;
pub mod keylog;
mod net;
pub(crate) mod radius;

use std::collections::HashMap;
use std::net::IpAddr;

use rsn_crypto::eap::{self as ceap, TlsEapMethod, TlsHash};
use rsn_crypto::Msk;
use rsn_wire::MacAddr;
use zeroize::Zeroizing;

pub use keylog::{KeyLog, KeyLogError};
pub use net::ip_of_link;
pub use radius::mac_from_station_id;

use eaptls::TlsConv;
use radius::Packet;

/// A RADIUS shared secret, optionally for one NAS (RADIUS client) address.
pub struct RadiusSecret {
    /// The NAS it belongs to; `None`: tried with every NAS.
    pub nas: Option<IpAddr>,
    /// The secret.
    pub secret: Zeroizing<Vec<u8>>,
}

impl core::fmt::Debug for RadiusSecret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RadiusSecret")
            .field("nas", &self.nas)
            .finish_non_exhaustive()
    }
}

/// What to look for.
#[derive(Debug, Default)]
pub struct EnterpriseConfig {
    /// RADIUS shared secrets.
    pub secrets: Vec<RadiusSecret>,
    /// More UDP ports to read as RADIUS besides 1812 and 1645.
    pub extra_ports: Vec<u16>,
    /// Read every UDP datagram as a possible RADIUS packet.
    pub any_port: bool,
    /// An NSS key log for EAP-TLS/PEAP/TTLS sessions.
    pub keylog: Option<KeyLog>,
}

/// Which capture a frame number refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Capture {
    /// The capture being analyzed.
    Main,
    /// The n-th `--radius` capture.
    Radius(u8),
}

/// How an MSK was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// MS-MPPE keys of a RADIUS Access-Accept.
    Radius,
    /// Derived from the TLS session through the key log.
    TlsKeylog,
}

impl Origin {
    /// JSON name (also the client's `pmk_source`).
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Radius => "radius",
            Origin::TlsKeylog => "tls-keylog",
        }
    }
}

/// One EAP session that produced an MSK.
#[derive(Clone)]
pub struct EapSession {
    /// The client (supplicant), when known.
    pub sta: Option<MacAddr>,
    /// The MSK.
    pub msk: Msk,
    /// How it was obtained.
    pub origin: Origin,
    /// Where the key was delivered: Access-Accept or EAP-Success.
    pub capture: Capture,
    /// Its frame number in that capture.
    pub frame: u64,
    /// Its timestamp (in that capture's clock).
    pub ts_ns: i128,
    /// EAP identity (RADIUS User-Name).
    pub identity: Option<String>,
    /// The NAS that asked (RADIUS).
    pub nas: Option<IpAddr>,
    /// TLS version and EAP method, when derived from a TLS session.
    pub tls: Option<String>,
    /// The other route gave the same MSK too (RADIUS and key log agree).
    pub confirmed: bool,
}

impl core::fmt::Debug for EapSession {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EapSession")
            .field("sta", &self.sta)
            .field("origin", &self.origin)
            .field("capture", &self.capture)
            .field("frame", &self.frame)
            .finish_non_exhaustive()
    }
}

/// Counters.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct EnterpriseStats {
    /// UDP datagrams on RADIUS ports.
    pub radius_packets: u64,
    /// Of which not parseable as RADIUS.
    pub radius_malformed: u64,
    /// Access-Requests.
    pub access_requests: u64,
    /// Access-Challenges.
    pub access_challenges: u64,
    /// Access-Accepts.
    pub access_accepts: u64,
    /// Access-Rejects.
    pub access_rejects: u64,
    /// Responses with no Access-Request seen (the capture started mid-exchange).
    pub unmatched_responses: u64,
    /// Responses whose authenticator verifies with none of the secrets given.
    pub wrong_secret: u64,
    /// Access-Accepts seen when no secret was given.
    pub accepts_without_secret: u64,
    /// Access-Accepts with a valid authenticator but no MS-MPPE keys.
    pub accepts_without_keys: u64,
    /// MS-MPPE keys that failed to decrypt although the authenticator verified.
    pub mppe_errors: u64,
    /// IP fragments skipped (RADIUS is not reassembled across IP fragments).
    pub ip_fragments: u64,
    /// Sessions in the key log.
    pub keylog_sessions: u64,
    /// EAP-TLS/PEAP/TTLS conversations seen.
    pub tls_conversations: u64,
    /// Of which the key log had the secrets for.
    pub tls_matched: u64,
    /// MSKs recovered (after removing duplicates).
    pub msks: u64,
}

/// Conversations are tracked per NAS and client on the wire, per AP and client on the air.
#[derive(Clone, PartialEq, Eq, Hash)]
enum ConvKey {
    Air(MacAddr, MacAddr),
    Radius(Option<IpAddr>, MacAddr),
    RadiusUser(Option<IpAddr>, Vec<u8>),
}

/// A pending Access-Request.
struct Req {
    authenticator: [u8; 16],
    sta: Option<MacAddr>,
    user: Option<String>,
    conv: Option<ConvKey>,
}

/// Bound on pending requests and conversations (a flood must not grow them without end).
const MAX_PENDING: usize = 65_536;

/// Gathers EAP sessions from RADIUS and EAP-TLS traffic.
pub struct Collector {
    cfg: EnterpriseConfig,
    capture: Capture,
    pending: HashMap<(IpAddr, u16, IpAddr, u16, u8), Req>,
    convs: HashMap<ConvKey, TlsConv>,
    /// The secret that verified for each NAS.
    nas_secret: HashMap<IpAddr, usize>,
    sessions: Vec<EapSession>,
    /// `sessions` by client.
    by_sta: HashMap<Option<MacAddr>, Vec<usize>>,
    handed: usize,
    stats: EnterpriseStats,
    /// Problems, each with the capture and frame.
    pub problems: Vec<(Capture, u64, String)>,
    wrong_secret_nas: Vec<IpAddr>,
}

impl core::fmt::Debug for Collector {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Collector")
            .field("sessions", &self.sessions.len())
            .finish_non_exhaustive()
    }
}

impl Collector {
    /// A collector reading the main capture.
    pub fn new(cfg: EnterpriseConfig) -> Collector {
        let stats = EnterpriseStats {
            keylog_sessions: cfg.keylog.as_ref().map_or(0, |k| k.len() as u64),
            ..EnterpriseStats::default()
        };
        Collector {
            cfg,
            capture: Capture::Main,
            pending: HashMap::new(),
            convs: HashMap::new(),
            nas_secret: HashMap::new(),
            sessions: Vec::new(),
            by_sta: HashMap::new(),
            handed: 0,
            stats,
            problems: Vec::new(),
            wrong_secret_nas: Vec::new(),
        }
    }

    /// Frames pushed from now on belong to `capture`.
    pub fn set_capture(&mut self, capture: Capture) {
        self.capture = capture;
        self.pending.clear();
    }

    /// Counters.
    pub fn stats(&self) -> &EnterpriseStats {
        &self.stats
    }

    /// Every session so far.
    pub fn sessions(&self) -> &[EapSession] {
        &self.sessions
    }

    /// Sessions completed since the last call.
    pub fn take_new(&mut self) -> &[EapSession] {
        let from = self.handed;
        self.handed = self.sessions.len();
        self.sessions.get(from..).unwrap_or_default()
    }

    /// Whether any RADIUS secret or key log was given.
    pub fn is_configured(&self) -> bool {
        !self.cfg.secrets.is_empty() || self.cfg.keylog.is_some()
    }

    fn is_radius_port(&self, p: u16) -> bool {
        radius::is_radius_port(p) || self.cfg.extra_ports.contains(&p)
    }

    /// An IPv4/IPv6 packet (from Ethernet, Linux cooked or raw-IP records).
    pub fn push_ip(&mut self, frame: u64, ts_ns: i128, ip: &[u8]) {
        let u = match net::udp(ip) {
            Ok(u) => u,
            Err(net::IpSkip::Fragment) => {
                self.stats.ip_fragments += 1;
                return;
            }
            Err(_) => return,
        };
        if !(self.cfg.any_port || self.is_radius_port(u.sport) || self.is_radius_port(u.dport)) {
            return;
        }
        let Some(p) = Packet::parse(u.payload) else {
            if !self.cfg.any_port {
                self.stats.radius_packets += 1;
                self.stats.radius_malformed += 1;
                self.problem(
                    frame,
                    "UDP datagram on a RADIUS port is not a RADIUS packet (length out of bounds)"
                        .into(),
                );
            }
            return;
        };
        if !matches!(
            p.code,
            radius::ACCESS_REQUEST
                | radius::ACCESS_ACCEPT
                | radius::ACCESS_REJECT
                | radius::ACCESS_CHALLENGE
        ) {
            return;
        }
        self.stats.radius_packets += 1;
        if !p.attrs_ok() {
            self.stats.radius_malformed += 1;
            self.problem(frame, format!("RADIUS packet (code {}, identifier {}) with an attribute length past its end: attributes after it ignored", p.code, p.id));
        }
        if p.code == radius::ACCESS_REQUEST {
            self.access_request(frame, &u, &p);
        } else {
            self.access_response(frame, ts_ns, &u, &p);
        }
    }

    fn access_request(&mut self, frame: u64, u: &net::Udp<'_>, p: &Packet<'_>) {
        self.stats.access_requests += 1;
        let sta = p
            .attr(radius::CALLING_STATION_ID)
            .and_then(mac_from_station_id);
        let user = p
            .attr(radius::USER_NAME)
            .map(|v| String::from_utf8_lossy(v).into_owned());
        let conv = match (sta, p.attr(radius::USER_NAME)) {
            (Some(s), _) => Some(ConvKey::Radius(Some(u.src), s)),
            (None, Some(n)) => Some(ConvKey::RadiusUser(Some(u.src), n.to_vec())),
            (None, None) => None,
        };
        let eap = p.eap();
        if let (Some(c), false) = (&conv, eap.is_empty()) {
            self.feed_tls(c.clone(), frame, false, &eap);
        }
        if self.pending.len() >= MAX_PENDING {
            self.pending.clear();
        }
        self.pending.insert(
            (u.src, u.sport, u.dst, u.dport, p.id),
            Req {
                authenticator: p.authenticator,
                sta,
                user,
                conv,
            },
        );
    }

    fn access_response(&mut self, frame: u64, ts_ns: i128, u: &net::Udp<'_>, p: &Packet<'_>) {
        match p.code {
            radius::ACCESS_ACCEPT => self.stats.access_accepts += 1,
            radius::ACCESS_REJECT => self.stats.access_rejects += 1,
            _ => self.stats.access_challenges += 1,
        }
        let key = (u.dst, u.dport, u.src, u.sport, p.id);
        let Some(req) = (if p.code == radius::ACCESS_CHALLENGE {
            self.pending.get(&key).map(|r| Req {
                authenticator: r.authenticator,
                sta: r.sta,
                user: r.user.clone(),
                conv: r.conv.clone(),
            })
        } else {
            self.pending.remove(&key)
        }) else {
            self.stats.unmatched_responses += 1;
            return;
        };
        let nas = u.dst;
        let eap = p.eap();
        if let (Some(c), false) = (&req.conv, eap.is_empty()) {
            self.feed_tls(c.clone(), frame, true, &eap);
        }
        if p.code != radius::ACCESS_ACCEPT {
            return;
        }
        // The key log route: the TLS session of this conversation, ended by this Accept.
        if let Some(c) = &req.conv {
            self.finish_tls(c, frame, ts_ns, req.sta, req.user.clone(), Some(nas));
        }
        if self.cfg.secrets.is_empty() {
            self.stats.accepts_without_secret += 1;
            return;
        }
        // RFC 2865 §3: the Response Authenticator proves the secret; try the one that
        // worked for this NAS first, then those for this NAS, then the rest.
        let mut order: Vec<usize> = Vec::new();
        if let Some(i) = self.nas_secret.get(&nas) {
            order.push(*i);
        }
        for (i, s) in self.cfg.secrets.iter().enumerate() {
            if s.nas == Some(nas) && !order.contains(&i) {
                order.push(i);
            }
        }
        for (i, s) in self.cfg.secrets.iter().enumerate() {
            if s.nas.is_none() && !order.contains(&i) {
                order.push(i);
            }
        }
        let secret = order.into_iter().find(|i| {
            self.cfg
                .secrets
                .get(*i)
                .is_some_and(|s| ceap::radius_response_ok(p.raw, &req.authenticator, &s.secret))
        });
        let Some(si) = secret else {
            self.stats.wrong_secret += 1;
            if !self.wrong_secret_nas.contains(&nas) {
                self.wrong_secret_nas.push(nas);
                self.problem(frame, format!(
                    "RADIUS Access-Accept (identifier {}) from {} to NAS {nas}: its Response Authenticator verifies with none of the RADIUS secrets given: the secret for this NAS is wrong, so its MS-MPPE keys cannot be decrypted (no MIC verdict is drawn from them)",
                    p.id, u.src
                ));
            }
            return;
        };
        self.nas_secret.insert(nas, si);
        let Some(secret) = self.cfg.secrets.get(si).map(|s| s.secret.clone()) else {
            return;
        };
        let (Some(recv), Some(send)) = (
            p.microsoft(radius::MS_MPPE_RECV_KEY),
            p.microsoft(radius::MS_MPPE_SEND_KEY),
        ) else {
            self.stats.accepts_without_keys += 1;
            self.problem(frame, format!("RADIUS Access-Accept (identifier {}) carries no MS-MPPE-Recv-Key/Send-Key: no MSK for this client", p.id));
            return;
        };
        let keys = ceap::mppe_decrypt(&secret, &req.authenticator, recv)
            .and_then(|r| ceap::mppe_decrypt(&secret, &req.authenticator, send).map(|s| (r, s)));
        let msk = match keys {
            Ok((r, s)) => ceap::msk_from_mppe(&r, &s).ok(),
            Err(e) => {
                self.stats.mppe_errors += 1;
                self.problem(
                    frame,
                    format!("RADIUS Access-Accept (identifier {}): {e}", p.id),
                );
                return;
            }
        };
        let Some(msk) = msk else {
            self.stats.mppe_errors += 1;
            self.problem(frame, format!("RADIUS Access-Accept (identifier {}): MS-MPPE keys too short for an MSK (64 octets)", p.id));
            return;
        };
        if req.sta.is_none() {
            self.problem(frame, format!("RADIUS Access-Accept (identifier {}): the Access-Request had no Calling-Station-Id with a MAC address: its MSK is tried for every client", p.id));
        }
        self.add(EapSession {
            sta: req.sta,
            msk,
            origin: Origin::Radius,
            capture: self.capture,
            frame,
            ts_ns,
            identity: req.user,
            nas: Some(nas),
            tls: None,
            confirmed: false,
        });
    }

    /// An EAPOL packet of type EAP-Packet (IEEE 802.1X-2020 11.3) between `ta` and `ra`.
    pub fn push_eapol_eap(
        &mut self,
        frame: u64,
        ts_ns: i128,
        ta: MacAddr,
        ra: MacAddr,
        eap: &[u8],
    ) {
        let Some(&code) = eap.first() else {
            return;
        };
        // RFC 3748 §4: Requests, Success and Failure come from the authenticator.
        let from_auth = code != 2;
        let (ap, sta) = if from_auth { (ta, ra) } else { (ra, ta) };
        let key = ConvKey::Air(ap, sta);
        match code {
            1 | 2 => self.feed_tls(key, frame, from_auth, eap),
            3 => self.finish_tls(&key, frame, ts_ns, Some(sta), None, None),
            _ => {
                self.convs.remove(&key);
            }
        }
    }

    fn feed_tls(&mut self, key: ConvKey, frame: u64, from_server: bool, eap: &[u8]) {
        // An EAP-Response/Identity starts a new authentication (RFC 3748 §5.1): whatever
        // was gathered for this client before (a failed or unfinished attempt) is stale.
        if eap.first() == Some(&2) && eap.get(4) == Some(&1) {
            self.convs.remove(&key);
            return;
        }
        // Only EAP-TLS-based methods are worth a conversation.
        if self.cfg.keylog.is_none()
            || eap
                .get(4)
                .copied()
                .and_then(TlsEapMethod::from_type)
                .is_none()
        {
            return;
        }
        if !self.convs.contains_key(&key) && self.convs.len() >= MAX_PENDING {
            // Drop the stalest conversation.
            if let Some(k) = self
                .convs
                .iter()
                .min_by_key(|(_, c)| c.last_frame)
                .map(|(k, _)| k.clone())
            {
                self.convs.remove(&k);
            }
        }
        let conv = self.convs.entry(key).or_default();
        if conv.first_frame == 0 {
            self.stats.tls_conversations += 1;
        }
        conv.eap(frame.max(1), from_server, eap);
    }

    fn finish_tls(
        &mut self,
        key: &ConvKey,
        frame: u64,
        ts_ns: i128,
        sta: Option<MacAddr>,
        identity: Option<String>,
        nas: Option<IpAddr>,
    ) {
        let Some(conv) = self.convs.remove(key) else {
            return;
        };
        let Some(log) = &self.cfg.keylog else {
            return;
        };
        let (Some(cr), Some(sr), Some(version), Some(method)) = (
            conv.client_random,
            conv.server_random,
            conv.version,
            conv.method,
        ) else {
            self.problem(frame, "EAP success after a TLS exchange whose hellos were not captured: no client random to look up in the key log".into());
            return;
        };
        let Some(entry) = log.get(&cr) else {
            self.problem(
                frame,
                format!(
                    "EAP-TLS session (first frame {}, client random {}…) is not in the TLS key log",
                    conv.first_frame,
                    hex::encode(cr.get(..8).unwrap_or_default())
                ),
            );
            return;
        };
        let hash = TlsHash::of_suite(conv.suite.unwrap_or(0));
        let (msk, label) = if version >= 0x0304 {
            let Some(s) = &entry.exporter_secret else {
                self.problem(frame, "TLS 1.3 EAP session: the key log has no EXPORTER_SECRET line for its client random".into());
                return;
            };
            (ceap::eap_msk_tls13(method, hash, s), "TLS 1.3")
        } else {
            let Some(ms) = &entry.master_secret else {
                self.problem(frame, "TLS 1.2 EAP session: the key log has no CLIENT_RANDOM line for its client random".into());
                return;
            };
            let h = if version >= 0x0303 {
                hash
            } else {
                TlsHash::Md5Sha1
            };
            let l = match version {
                0x0303 => "TLS 1.2",
                0x0302 => "TLS 1.1",
                _ => "TLS 1.0",
            };
            (ceap::eap_msk_tls12(method, h, ms, &cr, &sr), l)
        };
        let Ok(msk) = msk else {
            return;
        };
        self.stats.tls_matched += 1;
        let m = match method {
            TlsEapMethod::Tls => "EAP-TLS",
            TlsEapMethod::Ttls => "EAP-TTLS",
            TlsEapMethod::Peap => "PEAP",
        };
        self.add(EapSession {
            sta,
            msk,
            origin: Origin::TlsKeylog,
            capture: self.capture,
            frame,
            ts_ns,
            identity,
            nas,
            tls: Some(format!("{m} over {label}")),
            confirmed: false,
        });
    }

    fn add(&mut self, s: EapSession) {
        // The RADIUS and key-log routes of the same session give the same MSK: keep one.
        // Both routes bind the session to the same client: compare within it only.
        let same = self.by_sta.get(&s.sta).and_then(|v| {
            v.iter().copied().find(|i| {
                self.sessions
                    .get(*i)
                    .is_some_and(|p| p.msk.expose_secret() == s.msk.expose_secret())
            })
        });
        if let Some(prev) = same.and_then(|i| self.sessions.get_mut(i)) {
            prev.confirmed |= prev.origin != s.origin;
            if prev.tls.is_none() {
                prev.tls = s.tls;
            }
            return;
        }
        self.stats.msks += 1;
        self.by_sta
            .entry(s.sta)
            .or_default()
            .push(self.sessions.len());
        self.sessions.push(s);
    }

    /// Note a problem of the current capture at `frame` (unreadable records of a RADIUS
    /// capture: counted there, not lost).
    pub fn note(&mut self, frame: u64, text: String) {
        self.problem(frame, text);
    }

    fn problem(&mut self, frame: u64, text: String) {
        if self.problems.len() < 1024 {
            self.problems.push((self.capture, frame, text));
        }
    }
}
