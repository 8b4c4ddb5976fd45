//! The analyzer: records in, state per BSS and per (AP, client), report out. No I/O.

use std::collections::HashMap;
use std::sync::Arc;

use rsn_crypto::frame::MAX_PN;
use rsn_crypto::{ft, keywrap, mic, suites, CryptoError, Kck, Kek, Ptk};
use rsn_wire::eapol::{DescriptorType, EapolKey, EapolPacket, EapolType};
use rsn_wire::element::{id as eid, ElementBody, Elements, FteRepr, MdeRepr, RsneRepr, WpaIeRepr};
use rsn_wire::ieee80211::{FrameType, Header};
use rsn_wire::kde::{Kde, KeyDataItem, KeyDataItems};
use rsn_wire::llc::{LlcSnap, ETHERTYPE_EAPOL};
use rsn_wire::mgmt::MgmtRepr;
use rsn_wire::{Akm, Cipher, MacAddr};

use crate::classify::{classify, Context, KeyFacts, MsgKind};
use crate::exchange::{Exchange, Kind, MicState, MsgRec, State};
use crate::keys::{Candidate, KeyMaterial, KeySource, PmkCache};
use crate::keyslot::{ciphers_for_len, KeySlot};
use crate::report::{self, Report, Summary};

/// One capture record, decapsulated.
#[derive(Debug, Clone, Copy)]
pub struct FrameIn<'a> {
    /// Frame number, 1-based as Wireshark counts.
    pub number: u64,
    /// Timestamp, nanoseconds since the epoch.
    pub ts_ns: i128,
    /// The frame.
    pub link: Link<'a>,
}

/// What the link layer carried.
#[derive(Debug, Clone, Copy)]
pub enum Link<'a> {
    /// An 802.11 MAC frame without FCS.
    Dot11 {
        /// The frame.
        frame: &'a [u8],
        /// The FCS was present and wrong (or flagged bad): kept out of every crypto check.
        fcs_bad: bool,
    },
    /// An Ethernet frame (EAPOL on the wired side of an AP or controller).
    Ethernet {
        /// Destination.
        dst: MacAddr,
        /// Source.
        src: MacAddr,
        /// EtherType.
        ethertype: u16,
        /// Payload.
        payload: &'a [u8],
    },
}

/// Why a record was skipped before it reached the analyzer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipKind {
    /// A corrupt capture block.
    CorruptBlock,
    /// A record cut short.
    Truncated,
    /// A link type fourway does not decode.
    UnknownLinkType,
    /// A radio header (radiotap, PPI, AVS, Prism) that could not be decoded.
    BadRadioHeader,
}

/// Limits that keep memory bounded.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Input problems listed individually (the rest are only counted).
    pub max_input_problems: usize,
    /// Key exchanges kept for the report.
    pub max_exchanges: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_problems: 1000,
            max_exchanges: 100_000,
        }
    }
}

/// A BSS as announced in Beacons and Probe Responses.
#[derive(Default)]
struct Bss {
    ssid: Option<Vec<u8>>,
    rsne: Option<RsneRepr>,
    wpa: Option<WpaIeRepr>,
    mde: Option<MdeRepr>,
    first_frame: u64,
    /// Group keys, newest first: (key id, slot).
    gtks: Vec<(u8, KeySlot)>,
    /// Elements seen last time, to skip re-parsing identical beacons.
    last_elements: Vec<u8>,
}

/// The state of one (AP, client) pair.
struct Pair {
    akm: Option<Akm>,
    cipher: Option<Cipher>,
    group_cipher: Option<Cipher>,
    ssid: Option<Vec<u8>>,
    wpa1: bool,
    mdid: Option<[u8; 2]>,
    r0kh_id: Option<Vec<u8>>,
    r1kh_id: Option<MacAddr>,
    verified_source: Option<KeySource>,
    open: Option<usize>,
    open_group: Option<usize>,
    /// Installed PTKs, newest first (old and new both kept across rekeys).
    ptks: Vec<PtkSlot>,
    /// (Re)association counter: a new association starts a new key context.
    epoch: u32,
    events: Vec<report::Event>,
    protected: u64,
    decrypted: u64,
    /// Index into `ptks` (or usize::MAX for the pending PTK) that decrypted last, per direction.
    last_hit: [usize; 2],
}

struct PtkSlot {
    slot: KeySlot,
    exchange: usize,
    kck: Kck,
    kek: Kek,
}

impl Pair {
    fn new() -> Self {
        Pair {
            akm: None,
            cipher: None,
            group_cipher: None,
            ssid: None,
            wpa1: false,
            mdid: None,
            r0kh_id: None,
            r1kh_id: None,
            verified_source: None,
            open: None,
            open_group: None,
            ptks: Vec::new(),
            epoch: 0,
            events: Vec::new(),
            protected: 0,
            decrypted: 0,
            last_hit: [0, 0],
        }
    }
}

/// Maximum PTKs kept per pair.
const PTK_RING: usize = 4;
/// Maximum group keys kept per BSS.
const GTK_RING: usize = 8;

/// The analyzer.
pub struct Analyzer {
    keys: KeyMaterial,
    pmks: PmkCache,
    limits: Limits,
    bss: HashMap<MacAddr, Bss>,
    pairs: HashMap<(MacAddr, MacAddr), Pair>,
    exchanges: Vec<Exchange>,
    /// Last sequence control per transmitter, for MAC retry detection.
    last_seq: HashMap<MacAddr, u16>,
    /// Last PN per (key slot, transmitter, TID).
    pn: HashMap<(u32, MacAddr, u8), u64>,
    user_tks: Vec<KeySlot>,
    /// TDLS direct-link keys by (lower, higher) station address.
    tdls: HashMap<(MacAddr, MacAddr), KeySlot>,
    next_slot: u32,
    summary: Summary,
    first_ts: Option<i128>,
    input_problems: Vec<report::InputProblem>,
    out: Vec<u8>,
}

impl Analyzer {
    /// An analyzer holding `keys`.
    pub fn new(keys: KeyMaterial) -> Self {
        Self::with_limits(keys, Limits::default())
    }

    /// An analyzer with explicit limits.
    pub fn with_limits(keys: KeyMaterial, limits: Limits) -> Self {
        let mut a = Analyzer {
            keys,
            pmks: PmkCache::default(),
            limits,
            bss: HashMap::new(),
            pairs: HashMap::new(),
            exchanges: Vec::new(),
            last_seq: HashMap::new(),
            pn: HashMap::new(),
            user_tks: Vec::new(),
            tdls: HashMap::new(),
            next_slot: 1,
            summary: Summary::default(),
            first_ts: None,
            input_problems: Vec::new(),
            out: Vec::with_capacity(4096),
        };
        let tks: Vec<Vec<u8>> = a
            .keys
            .tks
            .iter()
            .map(|t| t.expose_secret().to_vec())
            .collect();
        for tk in tks {
            for c in ciphers_for_len(tk.len()) {
                let id = a.slot_id();
                if let Some(s) = KeySlot::new(id, *c, &tk) {
                    a.user_tks.push(s);
                }
            }
        }
        a
    }

    fn slot_id(&mut self) -> u32 {
        let id = self.next_slot;
        self.next_slot = self.next_slot.wrapping_add(1);
        id
    }

    fn time(&self, ts: i128) -> f64 {
        let base = self.first_ts.unwrap_or(ts);
        (ts - base) as f64 / 1e9
    }

    fn problem(&mut self, frame: u64, offset: Option<u64>, problem: String) {
        if self.input_problems.len() < self.limits.max_input_problems {
            self.input_problems.push(report::InputProblem {
                frame,
                offset,
                problem,
            });
        }
    }

    /// Account for a record that could not be decoded; it still counts as a frame.
    pub fn skip(&mut self, frame: u64, offset: Option<u64>, kind: SkipKind, problem: String) {
        let s = &mut self.summary.skipped;
        match kind {
            SkipKind::CorruptBlock => s.corrupt_blocks += 1,
            SkipKind::Truncated => s.truncated_records += 1,
            SkipKind::UnknownLinkType => s.unknown_link_type += 1,
            SkipKind::BadRadioHeader => s.bad_radio_header += 1,
        }
        if matches!(kind, SkipKind::UnknownLinkType | SkipKind::BadRadioHeader) {
            self.summary.frames += 1;
        }
        self.problem(frame, offset, problem);
    }

    /// Process one record. Returns the decrypted 802.11 frame (Protected bit cleared,
    /// security header and MIC removed) when the record was a protected frame that decrypted.
    pub fn push(&mut self, f: &FrameIn<'_>) -> Option<&[u8]> {
        self.summary.frames += 1;
        if self.first_ts.is_none() {
            self.first_ts = Some(f.ts_ns);
        }
        match f.link {
            Link::Dot11 { frame, fcs_bad } => self.dot11(f.number, f.ts_ns, frame, fcs_bad),
            Link::Ethernet {
                dst,
                src,
                ethertype,
                payload,
            } => {
                if ethertype == ETHERTYPE_EAPOL {
                    self.eapol(f.number, f.ts_ns, src, dst, payload, false, false);
                }
                None
            }
        }
    }

    fn dot11(&mut self, n: u64, ts: i128, frame: &[u8], fcs_bad: bool) -> Option<&[u8]> {
        let Ok(h) = Header::new_checked(frame) else {
            self.summary.skipped.malformed_80211 += 1;
            return None;
        };
        let fc = h.frame_control();
        // IEEE 802.11-2020 9.2.4.1.2: Protocol Version 0 is the only one defined; anything else
        // is a garbled frame (wpa-Induction has several with a bad FCS).
        if fc.protocol_version() != 0 {
            self.summary.skipped.malformed_80211 += 1;
            if fcs_bad {
                self.summary.bad_fcs_frames += 1;
            }
            return None;
        }
        // Protection only has a meaning on management and data frames (IEEE 802.11-2020
        // 9.2.4.1.9); garbled frames of other types are not counted.
        if fc.protected() && (fc.is_mgmt() || fc.is_data()) {
            self.summary.protected_frames += 1;
        }
        if fcs_bad {
            // Bad FCS: counted, kept out of every crypto and protocol check.
            self.summary.bad_fcs_frames += 1;
            return None;
        }
        // IEEE 802.11-2020 10.3.2.14: a retry repeats the sequence control of the last frame
        // from the same transmitter; it is the same MPDU, not a protocol retransmission.
        let mut mac_retry = false;
        if let (Some(ta), Some(sc)) = (h.ta(), h.seq_ctrl()) {
            if !fc.is_ctrl() {
                let prev = self.last_seq.insert(ta, sc.0);
                if fc.retry() && prev == Some(sc.0) {
                    mac_retry = true;
                    self.summary.mac_retries += 1;
                }
            }
        }
        match fc.frame_type() {
            FrameType::MANAGEMENT => {
                if fc.protected() {
                    return self.protected(n, ts, &h, mac_retry);
                }
                if !mac_retry {
                    self.mgmt(n, ts, &h);
                }
                None
            }
            FrameType::DATA => {
                if fc.protected() {
                    return self.protected(n, ts, &h, mac_retry);
                }
                if !fc.is_null_data() {
                    let body = h.body();
                    if let Some(payload) = eapol_payload(body) {
                        let (ta, ra) = (h.ta().unwrap_or(MacAddr::ZERO), h.ra());
                        self.eapol(n, ts, ta, ra, payload, false, mac_retry);
                    } else if let Some(payload) = snap_payload(body, crate::tdls::ETHERTYPE_TDLS) {
                        self.tdls_frame(payload);
                    }
                }
                None
            }
            _ => None,
        }
    }

    // ---------------------------------------------------------------- management frames

    fn mgmt(&mut self, n: u64, ts: i128, h: &Header<&[u8]>) {
        let fc = h.frame_control();
        let Ok(m) = MgmtRepr::parse(fc.subtype(), h.body()) else {
            self.summary.skipped.malformed_80211 += 1;
            return;
        };
        let a1 = h.addr1();
        let a2 = h.addr2().unwrap_or(MacAddr::ZERO);
        let bssid = h.addr3().unwrap_or(a2);
        let time = self.time(ts);
        match m {
            MgmtRepr::Beacon(b) | MgmtRepr::ProbeResp(b) => self.bss_update(n, a2, b.elements),
            MgmtRepr::AssocReq { elements, .. } | MgmtRepr::ReassocReq { elements, .. } => {
                let reassoc = matches!(m, MgmtRepr::ReassocReq { .. });
                let pair = self.pairs.entry((a1, a2)).or_insert_with(Pair::new);
                pair.epoch = pair.epoch.wrapping_add(1);
                let mut detail = String::new();
                if let Some(e) = Elements::find(elements, eid::SSID) {
                    pair.ssid = Some(e.data.to_vec());
                }
                if let Some(r) = Elements::find(elements, eid::RSN)
                    .and_then(|e| RsneRepr::parse_element(&e).ok())
                {
                    pair.akm = r.akm_list().first().copied();
                    pair.cipher = r.pairwise_list().first().copied();
                    pair.group_cipher = r.group_data_cipher;
                    pair.wpa1 = false;
                    if let Some(a) = pair.akm {
                        detail = format!("AKM {}", akm_text(a));
                    }
                    if !r.pmkid_list().is_empty() {
                        detail.push_str(&format!(", {} PMKID(s)", r.pmkid_list().len()));
                    }
                } else if let Some(w) = Elements::find_vendor(elements, [0x00, 0x50, 0xf2], 1)
                    .and_then(|e| WpaIeRepr::parse(e.data).ok())
                {
                    pair.akm = w.akms.as_ref().and_then(|l| l.first().copied());
                    pair.cipher = w.pairwise_ciphers.as_ref().and_then(|l| l.first().copied());
                    pair.group_cipher = w.group_cipher;
                    pair.wpa1 = true;
                    detail = "WPA1".into();
                }
                if let Some(md) = Elements::find(elements, eid::MOBILITY_DOMAIN)
                    .and_then(|e| MdeRepr::parse_element(&e).ok())
                {
                    pair.mdid = Some(md.mdid);
                }
                let kind = if reassoc { "reassoc-req" } else { "assoc-req" };
                pair.events.push(report::Event {
                    frame: n,
                    time,
                    kind: kind.into(),
                    from: "sta".into(),
                    detail,
                });
                // A new association starts a new key context: open exchanges end here.
                if let Some(i) = pair.open.take() {
                    if let Some(x) = self.exchanges.get_mut(i) {
                        x.fail(format!("the client (re)associated at frame {n}"));
                    }
                }
                if let Some(i) = pair.open_group.take() {
                    if let Some(x) = self.exchanges.get_mut(i) {
                        x.fail(format!("the client (re)associated at frame {n}"));
                    }
                }
            }
            MgmtRepr::AssocResp(r) | MgmtRepr::ReassocResp(r) => {
                let reassoc = matches!(m, MgmtRepr::ReassocResp(_));
                let pair = self.pairs.entry((a2, a1)).or_insert_with(Pair::new);
                if let Some(fte) = Elements::find(r.elements, eid::FAST_BSS_TRANSITION)
                    .and_then(|e| FteRepr::parse(e.data).ok())
                {
                    if let Some(id) = fte.r0kh_id() {
                        pair.r0kh_id = Some(id.to_vec());
                    }
                    pair.r1kh_id = fte.r1kh_id().or(pair.r1kh_id);
                }
                let kind = if reassoc {
                    "reassoc-resp"
                } else {
                    "assoc-resp"
                };
                pair.events.push(report::Event {
                    frame: n,
                    time,
                    kind: kind.into(),
                    from: "ap".into(),
                    detail: format!("status {}", r.status),
                });
            }
            MgmtRepr::Auth(a) => {
                // Which side is the AP: the BSSID.
                let (ap, sta, from) = if a2 == bssid {
                    (a2, a1, "ap")
                } else {
                    (a1, a2, "sta")
                };
                let pair = self.pairs.entry((ap, sta)).or_insert_with(Pair::new);
                pair.events.push(report::Event {
                    frame: n,
                    time,
                    kind: "auth".into(),
                    from: from.into(),
                    detail: format!(
                        "algorithm {}, transaction {}, status {}",
                        a.algorithm, a.transaction, a.status
                    ),
                });
            }
            MgmtRepr::Deauth { reason, .. } | MgmtRepr::Disassoc { reason, .. } => {
                let deauth = matches!(m, MgmtRepr::Deauth { .. });
                let (ap, sta, from) = if a2 == bssid {
                    (a2, a1, "ap")
                } else {
                    (a1, a2, "sta")
                };
                let kind = if deauth { "deauth" } else { "disassoc" };
                let detail = format!("reason {reason}");
                let mut targets: Vec<(MacAddr, MacAddr)> = Vec::new();
                if sta.is_group() {
                    targets.extend(self.pairs.keys().filter(|(a, _)| *a == ap).copied());
                } else {
                    self.pairs.entry((ap, sta)).or_insert_with(Pair::new);
                    targets.push((ap, sta));
                }
                for key in targets {
                    if let Some(pair) = self.pairs.get_mut(&key) {
                        pair.events.push(report::Event {
                            frame: n,
                            time,
                            kind: kind.into(),
                            from: from.into(),
                            detail: detail.clone(),
                        });
                        for i in [pair.open.take(), pair.open_group.take()]
                            .into_iter()
                            .flatten()
                        {
                            if let Some(x) = self.exchanges.get_mut(i) {
                                x.fail(format!("{kind} at frame {n} ({from}, reason {reason})"));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn bss_update(&mut self, n: u64, bssid: MacAddr, elements: &[u8]) {
        let b = self.bss.entry(bssid).or_insert_with(|| Bss {
            first_frame: n,
            ..Bss::default()
        });
        if b.last_elements == elements {
            return;
        }
        b.last_elements = elements.to_vec();
        if let Some(e) = Elements::find(elements, eid::SSID) {
            // Hidden SSIDs (empty or zero-filled) do not replace a known one.
            if !e.data.is_empty() && e.data.iter().any(|c| *c != 0) {
                b.ssid = Some(e.data.to_vec());
            }
        }
        if let Some(r) =
            Elements::find(elements, eid::RSN).and_then(|e| RsneRepr::parse_element(&e).ok())
        {
            b.rsne = Some(r);
        }
        if let Some(w) = Elements::find_vendor(elements, [0x00, 0x50, 0xf2], 1)
            .and_then(|e| WpaIeRepr::parse(e.data).ok())
        {
            b.wpa = Some(w);
        }
        if let Some(m) = Elements::find(elements, eid::MOBILITY_DOMAIN)
            .and_then(|e| MdeRepr::parse_element(&e).ok())
        {
            b.mde = Some(m);
        }
    }

    // ---------------------------------------------------------------- protected frames

    fn protected(&mut self, n: u64, ts: i128, h: &Header<&[u8]>, mac_retry: bool) -> Option<&[u8]> {
        let mpdu = (*h).into_inner();
        let ra = h.addr1();
        let ta = h.addr2()?;
        let body = h.body();
        let key_id = body.get(3).map(|b| b >> 6).unwrap_or(0);
        let tid = h.qos_control().map(|q| q.tid()).unwrap_or(0);
        let mut out = std::mem::take(&mut self.out);
        let mut hit: Option<(u32, u64, bool)> = None; // (slot id, pn, zero tk)
        let mut tried = false;
        let mut pair_key = None;
        if ra.is_group() {
            // Group-addressed: the GTK of the BSS (the transmitter is the AP).
            let bssid = if h.frame_control().from_ds() {
                ta
            } else {
                h.addr3().unwrap_or(ta)
            };
            if let Some(b) = self.bss.get(&bssid) {
                for (kid, slot) in &b.gtks {
                    if *kid != key_id {
                        continue;
                    }
                    tried = true;
                    if let Ok(d) = slot.decrypt(mpdu, false, &mut out) {
                        hit = Some((slot.id, d.pn, slot.all_zero));
                        break;
                    }
                }
            }
        } else if !h.frame_control().to_ds()
            && !h.frame_control().from_ds()
            && self.tdls.contains_key(&sorted(ta, ra))
        {
            // A TDLS direct link: protected with the TPK (IEEE 802.11-2016 12.7.9).
            if let Some(slot) = self.tdls.get(&sorted(ta, ra)) {
                tried = true;
                if let Ok(d) = slot.decrypt(mpdu, false, &mut out) {
                    hit = Some((slot.id, d.pn, slot.all_zero));
                }
            }
        } else {
            let key = if self.pairs.contains_key(&(ta, ra)) {
                Some((ta, ra))
            } else if self.pairs.contains_key(&(ra, ta)) {
                Some((ra, ta))
            } else {
                None
            };
            if let Some(k) = key {
                pair_key = Some(k);
                let from_supplicant = ta == k.1;
                let dir = usize::from(from_supplicant);
                let pair = self.pairs.get_mut(&k)?;
                pair.protected += 1;
                // The key that worked last for this direction first, then the others.
                let mut order: Vec<usize> = (0..pair.ptks.len()).collect();
                if let Some(p) = order.iter().position(|i| *i == pair.last_hit[dir]) {
                    order.swap(0, p);
                }
                for i in order {
                    let Some(s) = pair.ptks.get(i) else { continue };
                    tried = true;
                    if let Ok(d) = s.slot.decrypt(mpdu, from_supplicant, &mut out) {
                        hit = Some((s.slot.id, d.pn, s.slot.all_zero));
                        pair.last_hit[dir] = i;
                        break;
                    }
                }
                if hit.is_none() {
                    // The PTK of a handshake still open (M4 not seen yet, or missed).
                    if let Some(x) = pair.open.and_then(|i| self.exchanges.get(i)) {
                        if let (Some(ptk), Some(c)) = (x.ptk.clone(), x.cipher.or(pair.cipher)) {
                            let id = self.next_slot;
                            if let Some(slot) = KeySlot::new(id, c, ptk.tk.expose_secret()) {
                                tried = true;
                                if let Ok(d) = slot.decrypt(mpdu, from_supplicant, &mut out) {
                                    self.next_slot += 1;
                                    hit = Some((slot.id, d.pn, slot.all_zero));
                                    let ex = pair.open.unwrap_or(0);
                                    install_ptk(pair, slot, ex, &ptk);
                                    pair.last_hit[dir] = 0;
                                    if let Some(x) = self.exchanges.get_mut(ex) {
                                        x.installed = true;
                                        if x.state == State::Open && x.kind != Kind::Group {
                                            x.state = State::Completed;
                                            x.inferred = true;
                                            x.reason = Some(format!(
                                                "Message 4 not captured: frame {n} is protected with this handshake's new PTK, so the handshake completed"
                                            ));
                                        }
                                    }
                                    pair.open = None;
                                }
                            }
                        }
                    }
                }
            }
        }
        if hit.is_none() && !self.user_tks.is_empty() {
            let from_supplicant = h.frame_control().to_ds() && !h.frame_control().from_ds();
            for s in &self.user_tks {
                tried = true;
                if let Ok(d) = s.decrypt(mpdu, from_supplicant, &mut out) {
                    hit = Some((s.id, d.pn, s.all_zero));
                    break;
                }
            }
        }
        let Some((slot, pn, _zero)) = hit else {
            if tried {
                self.summary.decrypt_failures += 1;
            } else {
                self.summary.no_key_frames += 1;
            }
            self.out = out;
            return None;
        };
        self.summary.decrypted_frames += 1;
        if let Some(k) = pair_key {
            if let Some(p) = self.pairs.get_mut(&k) {
                p.decrypted += 1;
            }
        }
        if !mac_retry && pn <= MAX_PN {
            // IEEE 802.11-2020 12.5.3.4.4: PNs increase per (key, transmitter, TID).
            let last = self.pn.insert((slot, ta, tid), pn);
            if last.is_some_and(|l| pn <= l) {
                self.summary.pn_replays += 1;
            }
        }
        // A PTK rekey travels inside protected frames (failure-catalog §1).
        if h.frame_control().is_data() && !h.frame_control().is_null_data() {
            let hl = h.header_len();
            if let Some(payload) = out.get(hl..).and_then(eapol_payload) {
                let payload = payload.to_vec();
                self.eapol(n, ts, ta, ra, &payload, true, mac_retry);
            } else if let Some(payload) = out
                .get(hl..)
                .and_then(|b| snap_payload(b, crate::tdls::ETHERTYPE_TDLS))
            {
                let payload = payload.to_vec();
                self.tdls_frame(&payload);
            }
        }
        self.out = out;
        Some(&self.out)
    }

    // ---------------------------------------------------------------- EAPOL

    #[allow(clippy::too_many_arguments)]
    fn eapol(
        &mut self,
        n: u64,
        ts: i128,
        ta: MacAddr,
        ra: MacAddr,
        payload: &[u8],
        encrypted: bool,
        mac_retry: bool,
    ) {
        let Ok(pkt) = EapolPacket::new_checked(payload) else {
            self.summary.skipped.malformed_eapol += 1;
            self.problem(n, None, "EAPOL frame too short".into());
            return;
        };
        if pkt.packet_type() != EapolType::KEY {
            return;
        }
        self.summary.eapol_key_frames += 1;
        if mac_retry {
            return;
        }
        // The MIC length follows from the AKM (failure-catalog §1); before the AKM is known,
        // from the lengths the frame itself declares.
        let akm = self
            .pairs
            .get(&(ta, ra))
            .or_else(|| self.pairs.get(&(ra, ta)))
            .and_then(|p| p.akm);
        let mut mic_len = akm
            .and_then(suites::akm_params)
            .map(|p| p.mic_len)
            .unwrap_or(16);
        let cands = rsn_wire::eapol::candidate_mic_lens(payload);
        if !cands.contains(&mic_len) {
            if let Some(c) = cands.first() {
                mic_len = *c;
            }
        }
        let Ok(k) = EapolKey::new_checked(payload, mic_len) else {
            self.summary.skipped.malformed_eapol += 1;
            self.problem(
                n,
                None,
                format!("EAPOL-Key frame malformed (MIC length {mic_len})"),
            );
            return;
        };
        let dt = k.descriptor_type();
        if dt != DescriptorType::RSN && dt != DescriptorType::WPA {
            self.problem(
                n,
                None,
                format!(
                    "EAPOL-Key descriptor type {} not RSN (2) or WPA (254)",
                    dt.0
                ),
            );
            return;
        }
        let info = k.key_info();
        let facts = KeyFacts {
            pairwise: info.key_type_pairwise(),
            ack: info.key_ack(),
            mic: info.key_mic(),
            secure: info.secure(),
            request: info.request(),
            zero_nonce: k.key_nonce() == [0u8; 32],
            empty_key_data: k.key_data_len() == 0,
            replay_counter: k.replay_counter(),
        };
        // Roles from the Key Ack bit: the authenticator sends Ack=1 messages.
        let (auth, supp) = if facts.ack && !facts.request {
            (ta, ra)
        } else {
            (ra, ta)
        };
        let pkey = (auth, supp);
        self.pairs.entry(pkey).or_insert_with(Pair::new);
        let open =
            self.pairs
                .get(&pkey)
                .and_then(|p| if facts.pairwise { p.open } else { p.open_group });
        let (m1s, m3s) = match open.and_then(|i| self.exchanges.get(i)) {
            Some(x) => (x.counters_of(MsgKind::M1), x.counters_of(MsgKind::M3)),
            None => (Vec::new(), Vec::new()),
        };
        let kind = classify(
            &facts,
            Context {
                m1_counters: &m1s,
                m3_counters: &m3s,
            },
        );
        if kind == MsgKind::Request {
            let time = self.time(ts);
            if let Some(p) = self.pairs.get_mut(&pkey) {
                let what = if info.error() {
                    "MIC failure report (EAPOL-Key Error+Request)"
                } else {
                    "EAPOL-Key request"
                };
                p.events.push(report::Event {
                    frame: n,
                    time,
                    kind: "eapol-request".into(),
                    from: "sta".into(),
                    detail: what.into(),
                });
            }
            return;
        }
        let frame_bytes = k.frame().unwrap_or(payload);
        let rec = MsgRec {
            kind,
            frame: n,
            ts_ns: ts,
            replay_counter: facts.replay_counter,
            encrypted,
            retransmission: false,
            mic: if facts.mic && mic_len > 0 {
                MicState::Unverified
            } else {
                MicState::Absent
            },
            nonce: k.key_nonce(),
            version: info.descriptor_version().0,
            mic_len,
            raw: Some(frame_bytes.to_vec().into_boxed_slice()),
            unwrapped: false,
        };
        if kind == MsgKind::M2 {
            self.learn_from_m2(pkey, k.key_data(), dt == DescriptorType::WPA);
        }
        if kind == MsgKind::M3 {
            self.learn_from_m3(pkey, k.key_data(), info.encrypted_key_data());
        }
        let idx = self.place(pkey, rec, encrypted);
        if let Some(i) = idx {
            self.resolve(i);
        }
    }

    /// Put a message into its exchange (starting one when needed); returns the exchange index.
    fn place(
        &mut self,
        pkey: (MacAddr, MacAddr),
        mut rec: MsgRec,
        encrypted: bool,
    ) -> Option<usize> {
        let pair = self.pairs.get_mut(&pkey)?;
        let group = matches!(rec.kind, MsgKind::G1 | MsgKind::G2);
        let open = if group { pair.open_group } else { pair.open };
        let open_ok = open.filter(|i| {
            self.exchanges
                .get(*i)
                .is_some_and(|x| x.state == State::Open && x.epoch == pair.epoch)
        });
        let start_new = match (rec.kind, open_ok.and_then(|i| self.exchanges.get(i))) {
            (_, None) => true,
            // A new M1 after M3 (or with a new ANonce after M3) starts a new exchange.
            (MsgKind::M1, Some(x)) => x.has(MsgKind::M3) || x.has(MsgKind::M4),
            (MsgKind::G1, Some(x)) => {
                x.has(MsgKind::G2)
                    || !x
                        .messages
                        .iter()
                        .any(|m| m.kind == MsgKind::G1 && m.raw_key_data_eq(&rec))
            }
            _ => false,
        };
        let idx = if start_new {
            if let Some(old) = open_ok.and_then(|i| self.exchanges.get_mut(i)) {
                old.fail(format!(
                    "superseded by a new exchange at frame {}",
                    rec.frame
                ));
            }
            if self.exchanges.len() >= self.limits.max_exchanges {
                return None;
            }
            let kind = if group {
                Kind::Group
            } else if encrypted
                || pair.ptks.iter().any(|p| {
                    self.exchanges
                        .get(p.exchange)
                        .is_some_and(|x| x.epoch == pair.epoch)
                })
            {
                Kind::Rekey
            } else if pair.akm.is_some_and(|a| a.is_ft()) {
                Kind::Ft4Way
            } else {
                Kind::FourWay
            };
            let mut x = Exchange::new(pkey.0, pkey.1, kind, pair.epoch);
            x.akm = pair.akm;
            x.cipher = if group {
                pair.group_cipher
            } else {
                pair.cipher
            };
            self.exchanges.push(x);
            let i = self.exchanges.len() - 1;
            if group {
                pair.open_group = Some(i);
            } else {
                pair.open = Some(i);
            }
            i
        } else {
            open_ok?
        };
        let x = self.exchanges.get_mut(idx)?;
        rec.retransmission = x.messages.iter().any(|m| m.kind == rec.kind);
        if x.akm.is_none() {
            x.akm = pair.akm;
        }
        if x.cipher.is_none() && !group {
            x.cipher = pair.cipher;
        }
        let kind = rec.kind;
        x.messages.push(rec);
        match kind {
            MsgKind::M4 | MsgKind::G2 => {
                if x.state == State::Open {
                    x.state = State::Completed;
                }
                if group {
                    pair.open_group = None;
                }
            }
            _ => {}
        }
        Some(idx)
    }

    fn learn_from_m2(&mut self, pkey: (MacAddr, MacAddr), key_data: &[u8], wpa1: bool) {
        let Some(pair) = self.pairs.get_mut(&pkey) else {
            return;
        };
        for item in KeyDataItems::new(key_data).flatten() {
            match item {
                KeyDataItem::Element(e) if e.id == eid::RSN => {
                    if let Ok(r) = RsneRepr::parse_element(&e) {
                        if pair.akm.is_none() {
                            pair.akm = r.akm_list().first().copied();
                        }
                        if pair.cipher.is_none() {
                            pair.cipher = r.pairwise_list().first().copied();
                        }
                        if pair.group_cipher.is_none() {
                            pair.group_cipher = r.group_data_cipher;
                        }
                    }
                }
                KeyDataItem::Element(e) if e.id == eid::MOBILITY_DOMAIN => {
                    if let Ok(m) = MdeRepr::parse_element(&e) {
                        pair.mdid = Some(m.mdid);
                    }
                }
                KeyDataItem::Element(e) if e.id == eid::FAST_BSS_TRANSITION => {
                    if let Ok(f) = FteRepr::parse(e.data) {
                        if let Some(id) = f.r0kh_id() {
                            pair.r0kh_id = Some(id.to_vec());
                        }
                        pair.r1kh_id = f.r1kh_id().or(pair.r1kh_id);
                    }
                }
                KeyDataItem::Kde(Kde::Other {
                    oui: [0x00, 0x50, 0xf2],
                    data_type: 1,
                    data,
                }) if wpa1 || pair.akm.is_none() => {
                    let mut body = vec![0x00, 0x50, 0xf2, 0x01];
                    body.extend_from_slice(data);
                    if let Ok(w) = WpaIeRepr::parse(&body) {
                        pair.wpa1 = true;
                        if pair.akm.is_none() {
                            pair.akm = w.akms.as_ref().and_then(|l| l.first().copied());
                        }
                        if pair.cipher.is_none() {
                            pair.cipher =
                                w.pairwise_ciphers.as_ref().and_then(|l| l.first().copied());
                        }
                        if pair.group_cipher.is_none() {
                            pair.group_cipher = w.group_cipher;
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// A TDLS frame (through the AP): a verified Setup Confirm establishes a TPK.
    fn tdls_frame(&mut self, payload: &[u8]) {
        if let Some(t) = crate::tdls::tpk_from_confirm(payload) {
            let id = self.slot_id();
            if let Some(slot) = KeySlot::new(id, t.cipher, &t.tk) {
                self.tdls.insert(sorted(t.initiator, t.responder), slot);
            }
        }
    }

    fn learn_from_m3(&mut self, _pkey: (MacAddr, MacAddr), _key_data: &[u8], _encrypted: bool) {}

    /// Derive the PTK of a pairwise exchange when enough is known, then decide its MICs.
    fn resolve(&mut self, idx: usize) {
        let Some(x) = self.exchanges.get(idx) else {
            return;
        };
        if x.kind == Kind::Group {
            self.resolve_group(idx);
            return;
        }
        let pkey = (x.ap, x.sta);
        if x.ptk.is_none() {
            self.derive(idx);
        }
        let Some(x) = self.exchanges.get_mut(idx) else {
            return;
        };
        let have_candidates = x.tried.0 > 0;
        let Some(ptk) = x.ptk.clone() else {
            if have_candidates {
                for m in &mut x.messages {
                    if m.mic == MicState::Unverified && m.kind != MsgKind::M1 {
                        m.mic = MicState::Invalid;
                    }
                }
            }
            return;
        };
        let mut gtk_data: Vec<(Vec<u8>, u8, [u8; 16])> = Vec::new();
        let akm = x.akm;
        for m in &mut x.messages {
            if matches!(m.mic, MicState::Unverified | MicState::Invalid) {
                if let Some(raw) = &m.raw {
                    m.mic = match verify(akm, m.version, &ptk.kck, raw) {
                        Ok(()) => MicState::Valid,
                        Err(_) => MicState::Invalid,
                    };
                }
            }
            if m.kind == MsgKind::M3 && m.mic == MicState::Valid && !m.unwrapped {
                m.unwrapped = true;
                if let Some(raw) = &m.raw {
                    if let Ok(k) = EapolKey::new_checked(&raw[..], m.mic_len) {
                        gtk_data.push((k.key_data().to_vec(), m.version, k.key_iv()));
                    }
                }
            }
        }
        let ap = x.ap;
        let group_cipher = self.pairs.get(&pkey).and_then(|p| p.group_cipher);
        for (data, version, iv) in gtk_data {
            if let Some(plain) = unwrap_key_data(akm, version, &ptk.kek, &iv, &data) {
                self.install_gtks_from_kdes(ap, &plain, group_cipher);
            }
        }
        // Completed with M4: install the PTK in the pair's ring.
        let Some(x) = self.exchanges.get_mut(idx) else {
            return;
        };
        if x.state == State::Completed && !x.installed {
            x.installed = true;
            let c = x.cipher;
            let id = self.next_slot;
            if let Some(pair) = self.pairs.get_mut(&pkey) {
                if let Some(slot) = c
                    .or(pair.cipher)
                    .and_then(|c| KeySlot::new(id, c, ptk.tk.expose_secret()))
                {
                    self.next_slot += 1;
                    install_ptk(pair, slot, idx, &ptk);
                }
                if pair.open == Some(idx) {
                    pair.open = None;
                }
            }
        }
    }

    /// Try every candidate PMK with the exchange's nonces until a MIC verifies.
    fn derive(&mut self, idx: usize) {
        let Some(x) = self.exchanges.get(idx) else {
            return;
        };
        let (ap, sta) = (x.ap, x.sta);
        let anonces = x.anonces();
        let snonces = x.snonces();
        if anonces.is_empty() || snonces.is_empty() {
            return;
        }
        // The message to test: M2, else M3, else M4 (with its raw frame).
        let probe = [MsgKind::M2, MsgKind::M3, MsgKind::M4]
            .iter()
            .find_map(|k| {
                x.messages
                    .iter()
                    .find(|m| m.kind == *k && m.raw.is_some() && m.mic != MicState::Absent)
            });
        let Some(probe) = probe else { return };
        let probe_raw: Vec<u8> = probe.raw.as_deref().unwrap_or(&[]).to_vec();
        let probe_version = probe.version;
        let pair = self.pairs.get(&(ap, sta));
        let akm = x.akm.or(pair.and_then(|p| p.akm));
        let cipher = x.cipher.or(pair.and_then(|p| p.cipher));
        let ssid = pair
            .and_then(|p| p.ssid.clone())
            .or_else(|| self.bss.get(&ap).and_then(|b| b.ssid.clone()));
        let known_source = pair.and_then(|p| p.verified_source);
        let ft_ids = pair.map(|p| FtIds {
            mdid: p.mdid.or(self
                .bss
                .get(&ap)
                .and_then(|b| b.mde.as_ref().map(|m| m.mdid))),
            r0kh_id: p.r0kh_id.clone(),
            r1kh_id: p.r1kh_id,
        });
        let mut cands = self.pmks.candidates(&self.keys, ssid.as_deref(), akm);
        if let Some(s) = known_source {
            cands.sort_by_key(|c| c.source != s);
        }
        let tried = (cands.len(), anonces.len(), snonces.len());
        if tried == x.tried {
            return;
        }
        // Algorithms to try: the AKM's (or, unknown, what the descriptor version implies).
        let akms: Vec<Akm> = match akm {
            Some(a) => vec![a],
            None => match probe_version {
                1 => vec![Akm::PSK],
                2 => vec![Akm::PSK, Akm::IEEE8021X],
                3 => vec![Akm::PSK_SHA256],
                _ => vec![Akm::SAE, Akm::PSK_SHA256],
            },
        };
        let ciphers: Vec<Cipher> = match cipher {
            Some(c) => vec![c.normalized()],
            None if probe_version == 1 => vec![Cipher::TKIP],
            None => vec![Cipher::CCMP128],
        };
        let mut found: Option<(Arc<Ptk>, KeySource, Akm, Cipher)> = None;
        'search: for c in &cands {
            for a in &akms {
                for ci in &ciphers {
                    for an in &anonces {
                        for sn in &snonces {
                            let Some(ptk) = derive_one(
                                c,
                                *a,
                                *ci,
                                ap,
                                sta,
                                an,
                                sn,
                                ssid.as_deref(),
                                ft_ids.as_ref(),
                            ) else {
                                continue;
                            };
                            if verify(Some(*a), probe_version, &ptk.kck, &probe_raw).is_ok() {
                                found = Some((Arc::new(ptk), c.source, *a, *ci));
                                break 'search;
                            }
                        }
                    }
                }
            }
        }
        let Some(x) = self.exchanges.get_mut(idx) else {
            return;
        };
        x.tried = tried;
        if let Some((ptk, source, a, c)) = found {
            x.ptk = Some(ptk);
            x.source = Some(source);
            x.akm = Some(a);
            x.cipher = Some(c);
            if let Some(p) = self.pairs.get_mut(&(ap, sta)) {
                p.verified_source = Some(source);
                p.akm.get_or_insert(a);
                p.cipher.get_or_insert(c);
            }
        }
    }

    fn resolve_group(&mut self, idx: usize) {
        let Some(x) = self.exchanges.get(idx) else {
            return;
        };
        let (ap, sta) = (x.ap, x.sta);
        let Some(pair) = self.pairs.get(&(ap, sta)) else {
            return;
        };
        // The KCK/KEK of the installed PTKs (newest first), then of a PTK still pending.
        let mut keys: Vec<(Kck, Kek)> = pair
            .ptks
            .iter()
            .map(|p| (p.kck.clone(), p.kek.clone()))
            .collect();
        if let Some(ptk) = pair
            .open
            .and_then(|i| self.exchanges.get(i))
            .and_then(|o| o.ptk.clone())
        {
            keys.push((ptk.kck.clone(), ptk.kek.clone()));
        }
        let wpa1 = pair.wpa1;
        let group_cipher = pair.group_cipher.or_else(|| {
            self.bss.get(&ap).and_then(|b| {
                b.rsne
                    .as_ref()
                    .and_then(|r| r.group_data_cipher)
                    .or(b.wpa.as_ref().and_then(|w| w.group_cipher))
            })
        });
        let akm = pair.akm;
        if keys.is_empty() {
            return;
        }
        let mut installs: Vec<(u8, Vec<u8>)> = Vec::new();
        let mut kde_installs: Vec<Vec<u8>> = Vec::new();
        let Some(x) = self.exchanges.get_mut(idx) else {
            return;
        };
        for m in &mut x.messages {
            if !matches!(m.mic, MicState::Unverified | MicState::Invalid) {
                continue;
            }
            let Some(raw) = &m.raw else { continue };
            let mut verdict = MicState::Invalid;
            for (kck, kek) in &keys {
                if verify(akm, m.version, kck, raw).is_ok() {
                    verdict = MicState::Valid;
                    if m.kind == MsgKind::G1 && !m.unwrapped {
                        m.unwrapped = true;
                        if let Ok(k) = EapolKey::new_checked(&raw[..], m.mic_len) {
                            if let Some(plain) =
                                unwrap_key_data(akm, m.version, kek, &k.key_iv(), k.key_data())
                            {
                                if wpa1 || k.descriptor_type() == DescriptorType::WPA {
                                    // WPA1: the key data is the bare GTK; its index is in Key Information.
                                    let len = usize::from(k.key_length()).min(plain.len());
                                    installs.push((
                                        k.key_info().key_index(),
                                        plain.get(..len).unwrap_or(&[]).to_vec(),
                                    ));
                                } else {
                                    kde_installs.push(plain.to_vec());
                                }
                            }
                        }
                    }
                    break;
                }
            }
            m.mic = verdict;
        }
        for (kid, gtk) in installs {
            self.install_gtk(ap, kid, &gtk, group_cipher);
        }
        for plain in kde_installs {
            self.install_gtks_from_kdes(ap, &plain, group_cipher);
        }
    }

    fn install_gtks_from_kdes(&mut self, ap: MacAddr, plain: &[u8], group_cipher: Option<Cipher>) {
        let mut gtks = Vec::new();
        for item in KeyDataItems::new(plain).flatten() {
            if let KeyDataItem::Kde(kde @ Kde::Gtk { gtk, .. }) = item {
                gtks.push((kde.gtk_key_id().unwrap_or(0), gtk.to_vec()));
            }
        }
        for (kid, g) in gtks {
            self.install_gtk(ap, kid, &g, group_cipher);
        }
    }

    fn install_gtk(&mut self, ap: MacAddr, key_id: u8, gtk: &[u8], cipher: Option<Cipher>) {
        let mut ciphers: Vec<Cipher> = cipher.map(|c| vec![c.normalized()]).unwrap_or_default();
        for c in ciphers_for_len(gtk.len()) {
            if !ciphers.contains(c) {
                ciphers.push(*c);
            }
        }
        let id = self.slot_id();
        let b = self.bss.entry(ap).or_default();
        if b.gtks
            .iter()
            .any(|(k, s)| *k == key_id && slot_matches(s, gtk))
        {
            return;
        }
        for c in ciphers {
            if let Some(slot) = KeySlot::new(id, c, gtk) {
                b.gtks.insert(0, (key_id, slot));
                b.gtks.truncate(GTK_RING);
                return;
            }
        }
    }

    /// Finish: the report.
    pub fn finish(mut self) -> Report {
        let mut r = Report::default();
        for x in &self.exchanges {
            let outcome = match x.state {
                State::Completed => "completed",
                State::Failed => "failed",
                State::Open => "incomplete",
            };
            match x.state {
                State::Completed => self.summary.handshakes.completed += 1,
                State::Failed => self.summary.handshakes.failed += 1,
                State::Open => self.summary.handshakes.incomplete += 1,
            }
            self.summary.handshakes.total += 1;
            let base = self.first_ts.unwrap_or(0);
            r.handshakes.push(report::Handshake {
                ap: x.ap.to_string(),
                sta: x.sta.to_string(),
                kind: x.kind.as_str().into(),
                akm: x.akm.map(|a| a.to_string()),
                cipher: x.cipher.map(|c| c.to_string()),
                messages: x
                    .messages
                    .iter()
                    .map(|m| report::Message {
                        msg: m.kind.as_str().into(),
                        frame: m.frame,
                        mic: m.mic.as_str().into(),
                        time: (m.ts_ns - base) as f64 / 1e9,
                        replay_counter: m.replay_counter,
                        encrypted: m.encrypted,
                        retransmission: m.retransmission,
                    })
                    .collect(),
                outcome: outcome.into(),
                reason: x.reason.clone(),
                key_source: x.source.map(|s| s.label().to_string()),
            });
        }
        let mut bss: Vec<(&MacAddr, &Bss)> = self.bss.iter().collect();
        bss.sort_by_key(|(m, b)| (b.first_frame, **m));
        for (mac, b) in bss {
            if b.first_frame == 0 && b.ssid.is_none() && b.rsne.is_none() {
                continue;
            }
            r.networks.push(network(mac, b));
        }
        let mut pairs: Vec<(&(MacAddr, MacAddr), &Pair)> = self.pairs.iter().collect();
        pairs.sort_by_key(|(k, _)| **k);
        for ((ap, sta), p) in pairs {
            if p.events.is_empty()
                && p.protected == 0
                && !self.exchanges.iter().any(|x| x.ap == *ap && x.sta == *sta)
            {
                continue;
            }
            r.clients.push(report::Client {
                ap: ap.to_string(),
                sta: sta.to_string(),
                akm: p.akm.map(|a| a.to_string()),
                cipher: p.cipher.map(|c| c.to_string()),
                pmk_source: p.verified_source.map(|s| s.label().to_string()),
                protected_frames: p.protected,
                decrypted_frames: p.decrypted,
                events: p.events.clone(),
            });
        }
        r.summary = self.summary;
        r.input_problems = self.input_problems;
        r
    }
}

fn slot_matches(_s: &KeySlot, _gtk: &[u8]) -> bool {
    false
}

fn install_ptk(pair: &mut Pair, slot: KeySlot, exchange: usize, ptk: &Ptk) {
    pair.ptks.insert(
        0,
        PtkSlot {
            slot,
            exchange,
            kck: ptk.kck.clone(),
            kek: ptk.kek.clone(),
        },
    );
    pair.ptks.truncate(PTK_RING);
    pair.last_hit = [0, 0];
}

/// The EAPOL payload behind an LLC/SNAP header with EtherType 0x888e.
fn eapol_payload(body: &[u8]) -> Option<&[u8]> {
    snap_payload(body, ETHERTYPE_EAPOL)
}

/// The payload behind an LLC/SNAP header with `ethertype`.
fn snap_payload(body: &[u8], ethertype: u16) -> Option<&[u8]> {
    let llc = LlcSnap::new_checked(body).ok()?;
    if llc.ethertype() != ethertype || llc.dsap() != 0xaa {
        return None;
    }
    body.get(8..)
}

fn sorted(a: MacAddr, b: MacAddr) -> (MacAddr, MacAddr) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

fn akm_text(a: Akm) -> String {
    match a.name() {
        Some(n) => format!("{n} ({a})"),
        None => a.to_string(),
    }
}

/// Verify an EAPOL-Key MIC with the algorithm the AKM and descriptor version call for.
fn verify(akm: Option<Akm>, version: u8, kck: &Kck, raw: &[u8]) -> Result<(), CryptoError> {
    let alg = match akm.and_then(suites::akm_params) {
        Some(p) => p
            .mic_algorithm(version)
            .or_else(|| mic::MicAlgorithm::from_descriptor_version(version)),
        None => mic::MicAlgorithm::from_descriptor_version(version),
    }
    .ok_or(CryptoError::UnsupportedAkm)?;
    mic::verify_mic(alg, kck, raw, mic::EAPOL_KEY_MIC_OFFSET)
}

/// Unwrap EAPOL-Key key data: RC4 for descriptor version 1, AES key wrap otherwise
/// (IEEE 802.11-2020 12.7.2 b) 1)).
fn unwrap_key_data(
    akm: Option<Akm>,
    version: u8,
    kek: &Kek,
    iv: &[u8; 16],
    data: &[u8],
) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    let aes = akm
        .and_then(suites::akm_params)
        .is_some_and(|p| p.aes_key_wrap)
        || version != 1;
    if aes {
        keywrap::aes_unwrap(kek, data).ok()
    } else {
        let mut v = zeroize::Zeroizing::new(data.to_vec());
        keywrap::rc4_key_data(kek, iv, &mut v).ok()?;
        Some(v)
    }
}

/// The FT key holder names of an association (IEEE 802.11-2020 12.7.1.7).
struct FtIds {
    mdid: Option<[u8; 2]>,
    r0kh_id: Option<Vec<u8>>,
    r1kh_id: Option<MacAddr>,
}

/// Derive one PTK candidate (FT or not).
#[allow(clippy::too_many_arguments)]
fn derive_one(
    c: &Candidate,
    akm: Akm,
    cipher: Cipher,
    ap: MacAddr,
    sta: MacAddr,
    anonce: &[u8; 32],
    snonce: &[u8; 32],
    ssid: Option<&[u8]>,
    ft_ids: Option<&FtIds>,
) -> Option<Ptk> {
    if akm.is_ft() {
        // IEEE 802.11-2020 12.7.1.7: XXKey → PMK-R0 → PMK-R1 → PTK.
        let FtIds {
            mdid,
            r0kh_id: r0kh,
            r1kh_id: r1kh,
        } = ft_ids?;
        let (r0, r0n) =
            ft::derive_pmk_r0(akm, &c.key, ssid?, (*mdid)?, r0kh.as_deref()?, &sta).ok()?;
        let r1kh = r1kh.unwrap_or(ap);
        let (r1, r1n) = ft::derive_pmk_r1(akm, &r0, &r0n, &r1kh, &sta).ok()?;
        return ft::derive_ft_ptk(akm, cipher, &r1, &r1n, snonce, anonce, &ap, &sta)
            .ok()
            .map(|(p, _)| p);
    }
    let a = if akm.is_wpa1() { Akm::PSK } else { akm };
    rsn_crypto::derive_ptk(&c.key, a, cipher, &ap, &sta, anonce, snonce).ok()
}

fn network(mac: &MacAddr, b: &Bss) -> report::Network {
    let (ssid, ssid_hex) = match &b.ssid {
        Some(s) => match std::str::from_utf8(s) {
            Ok(t) => (Some(t.to_string()), None),
            Err(_) => (
                Some(String::from_utf8_lossy(s).into_owned()),
                Some(hex::encode(s)),
            ),
        },
        None => (None, None),
    };
    let mut n = report::Network {
        bssid: mac.to_string(),
        ssid,
        ssid_hex,
        security: "open".into(),
        pmf: "disabled".into(),
        first_frame: b.first_frame,
        ..Default::default()
    };
    if let Some(r) = &b.rsne {
        n.security = "rsn".into();
        n.akms = r.akm_list().iter().map(|a| a.to_string()).collect();
        n.pairwise_ciphers = r.pairwise_list().iter().map(|c| c.to_string()).collect();
        n.group_cipher = r.group_data_cipher.map(|c| c.to_string());
        n.group_mgmt_cipher = r.group_mgmt_cipher.map(|c| c.to_string());
        if let Some(caps) = r.capabilities {
            n.pmf = if caps.mfpr() {
                "required"
            } else if caps.mfpc() {
                "capable"
            } else {
                "disabled"
            }
            .into();
        }
    } else if let Some(w) = &b.wpa {
        n.security = "wpa".into();
        n.akms = w.akms.iter().flatten().map(|a| a.to_string()).collect();
        n.pairwise_ciphers = w
            .pairwise_ciphers
            .iter()
            .flatten()
            .map(|c| c.to_string())
            .collect();
        n.group_cipher = w.group_cipher.map(|c| c.to_string());
    }
    n.mdid = b.mde.as_ref().map(|m| hex::encode(m.mdid));
    n
}

impl MsgRec {
    /// Same key data as another G1 (a retransmission carries the same wrapped GTK).
    fn raw_key_data_eq(&self, other: &MsgRec) -> bool {
        let get = |m: &MsgRec| -> Option<Vec<u8>> {
            let raw = m.raw.as_deref()?;
            EapolKey::new_checked(raw, m.mic_len)
                .ok()
                .map(|k| k.key_data().to_vec())
        };
        get(self) == get(other)
    }
}
