//! The AAA side of 802.1X networks: before each 4-way handshake, an (abbreviated) EAP
//! exchange on the air — Request/Identity, Response/Identity, Success — and its RADIUS round
//! trip on the wire, whose Access-Accept delivers a fresh MSK in MS-MPPE keys. The PMK (for
//! FT: the XXKey) of the association comes from that MSK (IEEE 802.11-2020 12.7.1.3,
//! 12.7.1.7.3). The EAP frames are sent reliably (not through the lossy medium).

#[allow(clippy::wildcard_imports)]
use super::*;
use crate::radius;

/// Ethernet addresses of the NAS (AP) and the AAA server on the wire.
const NAS_MAC: [u8; 6] = [0x02, 0xaa, 0, 0, 0, 0x02];
const AAA_MAC: [u8; 6] = [0x02, 0xaa, 0, 0, 0, 0x0a];

/// An EAP session waiting for the AAA server's answer.
pub(super) struct Pending {
    /// The Access-Accept, as an Ethernet frame.
    accept: Vec<u8>,
    /// The EAP-Success it carries, relayed on the air.
    success: [u8; 4],
    msk: Zeroizing<Vec<u8>>,
    request_frame: u64,
    identity: String,
    offset: i64,
}

impl Sim<'_> {
    /// An EAPOL-EAP frame (EAPOL version 2, IEEE 802.1X-2020 11.3) on the air.
    fn eap_on_air<S: FrameSink>(
        &mut self,
        sink: &mut S,
        l: usize,
        from_ap: bool,
        eap: &[u8],
    ) -> Result<(), SimError<S::Error>> {
        let Some(link) = self.links.get(l) else {
            return Ok(());
        };
        let (b, sta) = (link.bss, link.sta);
        let Some(bssid) = self.bsss.get(b).map(|x| x.bssid) else {
            return Ok(());
        };
        let seq = if from_ap {
            self.ap_seq(b)
        } else {
            self.sta_seq(l)
        };
        let mut body = Vec::with_capacity(eap.len() + 12);
        body.extend_from_slice(&air::llc(ETHERTYPE_EAPOL));
        body.extend_from_slice(&[2, 0]);
        body.extend_from_slice(&u16::try_from(eap.len()).unwrap_or(0).to_be_bytes());
        body.extend_from_slice(eap);
        self.buf.clear();
        let dir = if from_ap { Dir::Down } else { Dir::Up };
        air::data(&mut self.buf, dir, bssid, sta, bssid, seq, &body);
        // No virtual time passes: the join is played out at once while other clients'
        // events wait in the queue, so it must not crowd the clock (a 4 000-client scenario
        // joins a client every 2 ms); the sniffer's timestamps still increase.
        self.capture_buf(sink, false, false)?;
        Ok(())
    }

    /// A wired frame at the current time (plus the wired capture's clock offset); returns
    /// its frame number in the wired capture.
    fn wire(&mut self, offset_ms: i64, frame: Vec<u8>) -> u64 {
        let ts = (EPOCH_NS + self.now * 1000).saturating_add_signed(offset_ms * 1_000_000);
        self.wired.push((ts, frame));
        self.truth.wired_frames += 1;
        self.truth.wired_frames
    }

    /// Start the EAP exchange of link `l`'s new association if its network has an AAA
    /// server: the identity exchange on the air and the Access-Request on the wire. The
    /// Access-Accept follows 1 ms later ([`Sim::aaa_accept`]). Returns whether it started.
    pub(super) fn eap_request<S: FrameSink>(
        &mut self,
        sink: &mut S,
        l: usize,
    ) -> Result<bool, SimError<S::Error>> {
        let Some(link) = self.links.get(l) else {
            return Ok(false);
        };
        let (b, sta, idx) = (link.bss, link.sta, link.idx);
        let Some(bss) = self.bsss.get(b) else {
            return Ok(false);
        };
        let (net_i, bssid) = (bss.net, bss.bssid);
        let Some(spec) = self.sc.networks.get(net_i).and_then(|n| n.aaa.as_ref()) else {
            return Ok(false);
        };
        let Some((nas_ip, srv_ip)) = spec.addrs() else {
            return Ok(false);
        };
        let secret = spec.secret.as_bytes().to_vec();
        let offset = spec.clock_offset_ms;
        let Some(net) = self.nets.get(net_i) else {
            return Ok(false);
        };
        let ssid = net.ssid.clone();
        let identity = format!("client-{idx}@fourway.example");
        // RFC 3748 §5.1: Identity exchange.
        let eap_id = 1u8;
        self.eap_on_air(sink, l, true, &[1, eap_id, 0, 5, 1])?;
        let mut resp = vec![2, eap_id, 0, 0, 1];
        resp.extend_from_slice(identity.as_bytes());
        let n = u16::try_from(resp.len()).unwrap_or(0).to_be_bytes();
        resp.splice(2..4, n);
        self.eap_on_air(sink, l, false, &resp)?;

        // The RADIUS round trip (RFC 3579 §2.1).
        let mut msk = Zeroizing::new(vec![0u8; 64]);
        self.aaa_rng.fill_bytes(&mut msk);
        let mut ra = [0u8; 16];
        self.aaa_rng.fill_bytes(&mut ra);
        let mut salts = [[0u8; 2]; 2];
        for s in &mut salts {
            self.aaa_rng.fill_bytes(s);
        }
        let rid = self.radius_ids.get(net_i).copied().unwrap_or(0);
        if let Some(x) = self.radius_ids.get_mut(net_i) {
            *x = x.wrapping_add(1);
        }
        let called = format!(
            "{}:{}",
            radius::station_id(&bssid.0),
            String::from_utf8_lossy(&ssid)
        );
        let calling = radius::station_id(&sta.0);
        let req = radius::access_request(
            &radius::Request {
                id: rid,
                authenticator: ra,
                user: identity.as_bytes(),
                nas_ip,
                called: called.as_bytes(),
                calling: calling.as_bytes(),
                eap: &resp,
            },
            &secret,
        );
        let nas_port = 50_000 + u16::from(rid % 64);
        let ip = radius::ipv4_udp((nas_ip, nas_port), (srv_ip, 1812), &req);
        let request_frame = self.wire(offset, radius::ethernet(AAA_MAC, NAS_MAC, &ip));
        let success = [3u8, eap_id.wrapping_add(1), 0, 4];
        let acc = radius::access_response(
            radius::ACCESS_ACCEPT,
            rid,
            ra,
            identity.as_bytes(),
            Some((&msk, salts)),
            &success,
            &secret,
        );
        let ip = radius::ipv4_udp((srv_ip, 1812), (nas_ip, nas_port), &acc);
        if let Some(link) = self.links.get_mut(l) {
            link.aaa_pending = Some(Pending {
                accept: radius::ethernet(NAS_MAC, AAA_MAC, &ip),
                success,
                msk,
                request_frame,
                identity,
                offset,
            });
        }
        Ok(true)
    }

    /// The Access-Accept of link `l`'s pending EAP session: on the wire, then EAP-Success on
    /// the air. Returns the key bases of the authenticator and of the supplicant.
    pub(super) fn aaa_accept<S: FrameSink>(
        &mut self,
        sink: &mut S,
        l: usize,
    ) -> Result<Option<(Basis, Basis)>, SimError<S::Error>> {
        let Some(link) = self.links.get_mut(l) else {
            return Ok(None);
        };
        let Some(p) = link.aaa_pending.take() else {
            return Ok(None);
        };
        let (b, sta) = (link.bss, link.sta);
        let Some(bss) = self.bsss.get(b) else {
            return Ok(None);
        };
        let (net_i, bssid) = (bss.net, bss.bssid);
        let Some(net) = self.nets.get(net_i) else {
            return Ok(None);
        };
        let (suite, ssid, net_basis) = (net.suite, net.ssid.clone(), net.basis.clone());
        let accept_frame = self.wire(p.offset, p.accept);
        self.eap_on_air(sink, l, true, &p.success)?;
        let (msk, identity, request_frame) = (p.msk, p.identity, p.request_frame);

        // The keys of this association: the AP's from this session; the client's too,
        // unless it keeps the previous session's (stale PMK fault).
        let ap_basis = basis_of(&net_basis, suite, &ssid, &msk);
        let Some(link) = self.links.get_mut(l) else {
            return Ok(None);
        };
        let stale =
            link.sup_fault_names.contains(&"stale_pmk_after_reauth") && !link.msks.is_empty();
        let client_basis = match link.msks.last() {
            Some(prev) if stale => basis_of(&net_basis, suite, &ssid, prev),
            _ => ap_basis.clone(),
        };
        link.stale_pmk = stale;
        link.msks.push(msk.clone());
        self.truth.eap_sessions.push(crate::truth::EapSessionTruth {
            network: net_i,
            ap: bssid.to_string(),
            sta: sta.to_string(),
            identity,
            msk: hex::encode(msk.as_slice()),
            request_frame,
            accept_frame,
            used_by_client: !stale,
        });
        Ok(Some((ap_basis, client_basis)))
    }
}

/// PMK = L(MSK, 0, PMK_bits) (IEEE 802.11-2020 12.7.1.3); FT: XXKey = the second 256 bits
/// of the MSK, or the first 384 for the SHA-384 FT AKM (12.7.1.7.3).
fn basis_of(net_basis: &Basis, suite: Suite, ssid: &[u8], msk: &[u8]) -> Basis {
    let placeholder = || match net_basis {
        Basis::Pmk(p) => p.clone(),
        Basis::Ft { xxkey, .. } => xxkey.clone(),
    };
    match net_basis {
        Basis::Ft { mdid, r0kh_id, .. } => {
            let xxkey = rsn_crypto::Msk::from_slice(msk)
                .ok()
                .and_then(|m| rsn_crypto::ft::xxkey_from_msk(suite.akm, &m).ok())
                .unwrap_or_else(placeholder);
            Basis::Ft {
                xxkey,
                ssid: ssid.to_vec(),
                mdid: *mdid,
                r0kh_id: r0kh_id.clone(),
            }
        }
        Basis::Pmk(_) => Basis::Pmk(
            msk.get(..suite.pmk_len)
                .and_then(|k| Pmk::from_slice(k).ok())
                .unwrap_or_else(placeholder),
        ),
    }
}
