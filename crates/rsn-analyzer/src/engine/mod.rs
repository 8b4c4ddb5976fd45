//! The analyzer: records in, state per BSS and per (AP, client), report out. No I/O.

use std::collections::HashMap;

use rsn_crypto::{Kck, Kek, Ptk};
use rsn_wire::element::{MdeRepr, RsneRepr, WpaIeRepr};
use rsn_wire::ieee80211::{FrameType, Header};
use rsn_wire::llc::{LlcSnap, ETHERTYPE_EAPOL};
use rsn_wire::{Akm, Cipher, MacAddr};

use crate::exchange::{Exchange, State};
use crate::keys::{KeyMaterial, KeySource, PmkCache};
use crate::keyslot::{ciphers_for_len, KeySlot};
use crate::report::{self, Report, Summary};

mod dataplane;
mod diagnose;
mod eapol;
mod enterprise;
mod ladder;
mod mgmt;

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
    /// (AP, client) pairs tracked at once; beyond it the least recently seen are evicted.
    pub max_clients: usize,
    /// BSSes tracked at once (least recently announced evicted).
    pub max_bss: usize,
    /// Transmitters whose last sequence number is kept for MAC-retry detection, and
    /// (key, transmitter, TID) packet-number states: each table is reset when it fills.
    pub max_table: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_problems: 1000,
            max_exchanges: 100_000,
            max_clients: 32_768,
            max_bss: 16_384,
            max_table: 262_144,
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
    gtks: Vec<GroupKey>,
    /// Elements seen last time, to skip re-parsing identical beacons.
    last_elements: Vec<u8>,
    /// Frame counter when last announced.
    last_seen: u64,
    /// Group-addressed data from the AP decrypted under a GTK, as runs (first, last, count).
    group_runs: Vec<(u64, u64, u64)>,
    /// IGTKs learned from M3/G1, newest first.
    igtks: Vec<IgtkSlot>,
}

/// An IGTK of a BSS, for BIP.
struct IgtkSlot {
    key_id: u16,
    raw: zeroize::Zeroizing<Vec<u8>>,
    key: rsn_crypto::bip::BipKey,
    /// Highest IPN accepted (replay check, IEEE 802.11-2020 12.5.4.4).
    ipn: u64,
}

/// A group key of a BSS.
struct GroupKey {
    key_id: u8,
    key: zeroize::Zeroizing<Vec<u8>>,
    slot: KeySlot,
}

/// The state of one (AP, client) pair.
struct Pair {
    /// Frame counter when last seen (for least-recently-seen eviction).
    last_seen: u64,
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
    /// The most recent pairwise exchange (late retransmissions attach to it).
    last: Option<usize>,
    /// Zero-TK probes left for this pair (bounds the cost on captures without keys).
    zero_tk_budget: u32,
    /// Installed PTKs, newest first (old and new both kept across rekeys).
    ptks: Vec<PtkSlot>,
    /// (Re)association counter: a new association starts a new key context.
    epoch: u32,
    events: Vec<report::Event>,
    protected: u64,
    decrypted: u64,
    /// Index into `ptks` that decrypted last, per direction.
    last_hit: [usize; 2],
    /// Diagnosis evidence gathered while reading.
    ev: Evidence,
}

/// What the diagnosis needs to know about a pair beyond its exchanges.
#[derive(Default)]
pub(crate) struct Evidence {
    /// The last (Re)Association Request: frame, time, RSNE octets, PMKIDs, MDID.
    pub assoc: Option<AssocInfo>,
    /// Deauthentication / Disassociation frames.
    pub deauths: Vec<Deauth>,
    /// Which PTK each direction used, as runs of consecutive frames.
    pub key_runs: Vec<KeyRun>,
    /// Unprotected data frames, as runs: (from client, first, last, count).
    pub plain_runs: Vec<(bool, u64, u64, u64)>,
    /// TKIP frames whose ICV verified but whose Michael MIC did not: (frame, from client).
    pub michael_failures: Vec<(u64, bool)>,
    /// EAPOL-Key requests: (frame, Error bit set, Key Type pairwise).
    pub eapol_requests: Vec<(u64, bool, bool)>,
    /// Frames that decrypted only under an all-zero TK: (frame, from client).
    pub zero_tk: Vec<(u64, bool)>,
    /// (Key slot, transmitter, TID, PN) used for two different frames: (frame, earlier frame, from client).
    pub pn_reuse: Vec<(u64, u64, bool)>,
    /// Unicast frames the pair's keys could not decrypt: (frame, from client).
    pub undecryptable: Vec<(u64, bool)>,
}

/// A (Re)Association Request.
#[derive(Clone)]
pub(crate) struct AssocInfo {
    pub frame: u64,
    pub rsne: Option<Vec<u8>>,
    pub pmkids: Vec<[u8; 16]>,
    pub mdid: Option<[u8; 2]>,
}

/// A Deauthentication or Disassociation.
#[derive(Clone, Copy)]
pub(crate) struct Deauth {
    pub frame: u64,
    pub ts_ns: i128,
    pub reason: u16,
    pub from_ap: bool,
    pub disassoc: bool,
}

/// A run of frames in one direction protected under the PTK of one exchange.
#[derive(Clone, Copy)]
pub(crate) struct KeyRun {
    pub from_sta: bool,
    pub exchange: usize,
    pub first: u64,
    pub last: u64,
    pub count: u64,
}

/// Bound on evidence items kept per list (the rest are counted by the summary only).
const EVIDENCE_CAP: usize = 4096;

/// Extend the last run if `n` continues it (same key, nothing else in between), else start
/// one: (first, last, count).
pub(crate) fn extend_run(runs: &mut Vec<(u64, u64, u64)>, n: u64) {
    match runs.last_mut() {
        Some(r) => {
            r.1 = n;
            r.2 += 1;
        }
        None => Evidence::push_capped(runs, (n, n, 1)),
    }
}

impl Evidence {
    /// Record an unprotected data frame of the pair.
    pub(crate) fn plain_use(&mut self, n: u64, from_sta: bool) {
        if let Some(r) = self.plain_runs.iter_mut().rev().find(|r| r.0 == from_sta) {
            // A protected frame in the same direction since ends the run.
            let later = self
                .key_runs
                .iter()
                .any(|k| k.from_sta == from_sta && k.last > r.2);
            if !later {
                r.2 = n;
                r.3 += 1;
                return;
            }
        }
        Self::push_capped(&mut self.plain_runs, (from_sta, n, n, 1));
    }

    pub(crate) fn push_capped<T>(v: &mut Vec<T>, item: T) {
        if v.len() < EVIDENCE_CAP {
            v.push(item);
        }
    }

    /// Record that frame `n` from one side used the PTK of `exchange`.
    pub(crate) fn key_use(&mut self, n: u64, from_sta: bool, exchange: usize) {
        if let Some(r) = self
            .key_runs
            .iter_mut()
            .rev()
            .find(|r| r.from_sta == from_sta)
        {
            if r.exchange == exchange {
                r.last = n;
                r.count += 1;
                return;
            }
        }
        Self::push_capped(
            &mut self.key_runs,
            KeyRun {
                from_sta,
                exchange,
                first: n,
                last: n,
                count: 1,
            },
        );
    }
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
            last_seen: 0,
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
            last: None,
            zero_tk_budget: ZERO_TK_BUDGET,
            ptks: Vec::new(),
            epoch: 0,
            events: Vec::new(),
            protected: 0,
            decrypted: 0,
            last_hit: [0, 0],
            ev: Evidence::default(),
        }
    }
}

/// Undecryptable frames per pair tried with an all-zero TK (failure-catalog D2); more are
/// tried after each deauthentication/disassociation, where Kr00k frames appear.
const ZERO_TK_BUDGET: u32 = 256;

/// PN state of one (key, transmitter, TID): the highest PN, and the PNs seen first and most
/// recently with a tag of their ciphertext, to tell keystream reuse from retransmission.
#[derive(Default)]
struct PnState {
    last: u64,
    first: Vec<(u64, u64, [u8; 8])>,
    recent: std::collections::VecDeque<(u64, u64, [u8; 8])>,
}

/// PNs remembered from the start of a key's life (a reinstalled key restarts there).
const PN_FIRST: usize = 64;
/// PNs remembered from the recent past.
const PN_RECENT: usize = 256;

impl PnState {
    /// Only the replay rule: is `pn` above the highest seen (CCMP/GCMP replay detection)?
    fn advance(&mut self, pn: u64) -> (Option<u64>, bool) {
        if pn <= self.last && self.last != 0 {
            (None, true)
        } else {
            self.last = pn;
            (None, false)
        }
    }

    /// Record `pn` of frame `n` with ciphertext tag `tag`. Returns the earlier frame when the
    /// same PN protected different ciphertext (keystream reuse), and whether the PN failed to
    /// increase.
    fn record(&mut self, pn: u64, n: u64, tag: [u8; 8]) -> (Option<u64>, bool) {
        let not_increasing = pn <= self.last && (self.last != 0 || !self.first.is_empty());
        let mut reuse = None;
        if not_increasing {
            let seen = self
                .first
                .iter()
                .chain(self.recent.iter())
                .find(|(p, _, _)| *p == pn);
            if let Some((_, frame, t)) = seen {
                if *t != tag {
                    reuse = Some(*frame);
                }
            }
        } else {
            self.last = pn;
        }
        if self.first.len() < PN_FIRST {
            self.first.push((pn, n, tag));
        } else {
            if self.recent.len() == PN_RECENT {
                self.recent.pop_front();
            }
            self.recent.push_back((pn, n, tag));
        }
        (reuse, not_increasing)
    }
}

/// One verdict per client, in plain words, worst first.
fn verdicts(r: &Report) -> Vec<report::Verdict> {
    let mut out: Vec<report::Verdict> = Vec::new();
    // Indexed by (AP, client): a capture with thousands of clients must not compare every
    // client with every finding and handshake.
    let mut findings_of: HashMap<(&str, &str), Vec<&report::Finding>> = HashMap::new();
    for f in &r.findings {
        findings_of.entry((&f.ap, &f.sta)).or_default().push(f);
    }
    let mut handshakes_of: HashMap<(&str, &str), Vec<&report::Handshake>> = HashMap::new();
    for h in &r.handshakes {
        handshakes_of.entry((&h.ap, &h.sta)).or_default().push(h);
    }
    for c in &r.clients {
        let key = (c.ap.as_str(), c.sta.as_str());
        let mine: Vec<&report::Finding> = findings_of.get(&key).cloned().unwrap_or_default();
        let worst = mine
            .iter()
            .min_by_key(|f| diagnose::severity_rank(&f.severity));
        let hs: Vec<&report::Handshake> = handshakes_of.get(&key).cloned().unwrap_or_default();
        let (severity, text) = match worst {
            Some(f) if f.severity != "info" => (f.severity.clone(), f.summary.clone()),
            _ => {
                let done = hs.iter().filter(|h| h.outcome == "completed").count();
                let text = if hs.is_empty() {
                    "no key exchange captured".to_string()
                } else if done == hs.len() {
                    format!(
                        "{} key exchange(s), all completed{}",
                        hs.len(),
                        if c.protected_frames > 0 {
                            format!(
                                "; {}/{} protected frames decrypted",
                                c.decrypted_frames, c.protected_frames
                            )
                        } else {
                            String::new()
                        }
                    )
                } else {
                    format!("{done} of {} key exchange(s) completed; nothing in the frames explains the rest", hs.len())
                };
                (
                    "info".to_string(),
                    worst
                        .map(|f| format!("{text} ({})", f.summary))
                        .unwrap_or(text),
                )
            }
        };
        out.push(report::Verdict {
            ap: c.ap.clone(),
            sta: c.sta.clone(),
            severity,
            verdict: text,
            findings: mine.iter().map(|f| f.code.clone()).collect(),
        });
    }
    out.sort_by_key(|v| diagnose::severity_rank(&v.severity));
    out
}

/// Maximum PTKs kept per pair.
const PTK_RING: usize = 4;
/// Maximum group keys kept per BSS.
const GTK_RING: usize = 8;

/// The analyzer.
pub struct Analyzer {
    /// Diagnosis on (the default): evidence gathering while reading, findings at the end.
    diagnosis: bool,
    /// Put derived keys into the report (`--show-keys`); off by default.
    show_keys: bool,
    keys: KeyMaterial,
    pmks: PmkCache,
    limits: Limits,
    bss: HashMap<MacAddr, Bss>,
    pairs: HashMap<(MacAddr, MacAddr), Pair>,
    exchanges: Vec<Exchange>,
    /// Last sequence control per transmitter, for MAC retry detection.
    last_seq: HashMap<MacAddr, u16>,
    /// Last PN per (key slot, transmitter, TID).
    pn: HashMap<(u32, MacAddr, u8), PnState>,
    /// All-zero TKs of every cipher (Kr00k, KRACK variants).
    zero_tks: Vec<KeySlot>,
    user_tks: Vec<KeySlot>,
    /// TDLS direct-link keys by (lower, higher) station address.
    tdls: HashMap<(MacAddr, MacAddr), KeySlot>,
    next_slot: u32,
    summary: Summary,
    first_ts: Option<i128>,
    last_ts: i128,
    input_problems: Vec<report::InputProblem>,
    out: Vec<u8>,
    /// RADIUS / EAP-TLS key discovery, when asked for (`--radius`, `--tls-keylog`).
    enterprise: Option<crate::enterprise::Collector>,
    /// Display names of the captures (main first, then the `--radius` ones).
    capture_names: Vec<String>,
    /// Clock offset of each `--radius` capture, estimated before the diagnosis.
    skews: HashMap<crate::enterprise::Capture, i128>,
}

impl Analyzer {
    /// An analyzer holding `keys`.
    pub fn new(keys: KeyMaterial) -> Self {
        Self::with_limits(keys, Limits::default())
    }

    /// An analyzer with explicit limits.
    pub fn with_limits(keys: KeyMaterial, limits: Limits) -> Self {
        let mut a = Analyzer {
            diagnosis: true,
            show_keys: false,
            keys,
            pmks: PmkCache::default(),
            limits,
            bss: HashMap::new(),
            pairs: HashMap::new(),
            exchanges: Vec::new(),
            last_seq: HashMap::new(),
            pn: HashMap::new(),
            zero_tks: Vec::new(),
            user_tks: Vec::new(),
            tdls: HashMap::new(),
            next_slot: 1,
            summary: Summary::default(),
            first_ts: None,
            last_ts: i128::MIN,
            input_problems: Vec::new(),
            out: Vec::with_capacity(4096),
            enterprise: None,
            capture_names: Vec::new(),
            skews: HashMap::new(),
        };
        for (c, len) in [
            (Cipher::CCMP128, 16),
            (Cipher::GCMP128, 16),
            (Cipher::TKIP, 32),
            (Cipher::CCMP256, 32),
            (Cipher::GCMP256, 32),
        ] {
            let id = a.slot_id();
            if let Some(s) = KeySlot::new(id, c, &vec![0u8; len]) {
                a.zero_tks.push(s);
            }
        }
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

    /// Look for 802.1X keys in this capture too (RADIUS on Ethernet records, EAP-TLS in
    /// EAPOL) with `collector`, which may already hold sessions from other captures (a
    /// `--radius` file read before this one): those are tried from the first frame on.
    pub fn set_enterprise(&mut self, mut collector: crate::enterprise::Collector) {
        collector.set_capture(crate::enterprise::Capture::Main);
        for x in collector.take_new() {
            self.keys.add_session(x.clone());
        }
        self.enterprise = Some(collector);
    }

    /// Names of the captures, for the report: the analyzed one, then the `--radius` ones in
    /// the order they were read.
    pub fn set_capture_names(&mut self, names: Vec<String>) {
        self.capture_names = names;
    }

    /// Move the sessions the collector completed into the key material.
    fn take_sessions(&mut self) {
        if let Some(c) = &mut self.enterprise {
            for x in c.take_new() {
                self.keys.add_session(x.clone());
            }
        }
    }

    /// Include derived keys (PMK, KCK, KEK, TK, GTKs) in the report. Off by default: keys
    /// never reach an output unless the user asks.
    pub fn set_show_keys(&mut self, on: bool) {
        self.show_keys = on;
    }

    /// The pair's state, created if new; evicts the least recently seen pairs when the table
    /// is full so memory stays bounded under a flood of fake stations.
    fn pair(&mut self, key: (MacAddr, MacAddr)) -> &mut Pair {
        if !self.pairs.contains_key(&key) && self.pairs.len() >= self.limits.max_clients.max(1) {
            self.evict_pairs();
        }
        let now = self.summary.frames;
        let p = self.pairs.entry(key).or_insert_with(Pair::new);
        p.last_seen = now;
        p
    }

    /// Drop the least recently seen eighth of the pairs (their exchanges stay in the report).
    fn evict_pairs(&mut self) {
        let n = (self.limits.max_clients / 8).max(1);
        let mut ages: Vec<(u64, (MacAddr, MacAddr))> =
            self.pairs.iter().map(|(k, p)| (p.last_seen, *k)).collect();
        ages.sort_unstable();
        for (_, k) in ages.into_iter().take(n) {
            if let Some(p) = self.pairs.remove(&k) {
                for i in [p.open, p.open_group].into_iter().flatten() {
                    if let Some(x) = self.exchanges.get_mut(i) {
                        x.fail("the client's state was evicted (too many stations in the capture)");
                    }
                }
                self.summary.evicted_clients += 1;
            }
        }
    }

    /// Keep the other tables bounded: a full table is reset (counted), never grown.
    fn bound_tables(&mut self) {
        let cap = self.limits.max_table.max(1);
        if self.last_seq.len() > cap {
            self.last_seq.clear();
            self.summary.table_resets += 1;
        }
        if self.pn.len() > cap {
            self.pn.clear();
            self.summary.table_resets += 1;
        }
        if self.bss.len() > self.limits.max_bss.max(1) {
            let n = (self.limits.max_bss / 8).max(1);
            let mut ages: Vec<(u64, MacAddr)> =
                self.bss.iter().map(|(k, b)| (b.last_seen, *k)).collect();
            ages.sort_unstable();
            for (_, k) in ages.into_iter().take(n) {
                self.bss.remove(&k);
                self.summary.evicted_bss += 1;
            }
        }
    }

    /// An unprotected data frame between an AP and a client it knows: part of the key
    /// timeline (key "none").
    fn plain_data(&mut self, n: u64, h: &Header<&[u8]>) {
        let (Some(ta), ra) = (h.ta(), h.ra()) else {
            return;
        };
        let key = if self.pairs.contains_key(&(ta, ra)) {
            (ta, ra)
        } else if self.pairs.contains_key(&(ra, ta)) {
            (ra, ta)
        } else {
            return;
        };
        if let Some(p) = self.pairs.get_mut(&key) {
            p.ev.plain_use(n, ta == key.1);
        }
    }

    /// Turn the diagnosis (data-plane evidence and findings) off, e.g. to measure what it
    /// costs. Reconstruction, MIC verification and decryption are unaffected.
    pub fn set_diagnosis(&mut self, on: bool) {
        self.diagnosis = on;
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
        // Broken timestamps make timing conclusions unreliable (failure-catalog X4).
        if f.ts_ns == 0 {
            self.summary.timestamps_zero += 1;
        }
        if f.ts_ns < self.last_ts {
            self.summary.timestamps_backwards += 1;
        }
        self.last_ts = f.ts_ns;
        if self.summary.frames % 4096 == 0 {
            self.bound_tables();
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
                } else if ethertype == 0x0800 || ethertype == 0x86dd {
                    // RADIUS between the authenticator and the AAA server.
                    if let Some(c) = &mut self.enterprise {
                        c.push_ip(f.number, f.ts_ns, payload);
                        self.take_sessions();
                    }
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
                if !fc.is_null_data() && h.qos_control().is_some_and(|q| q.amsdu_present()) {
                    let (ta, ra) = (h.ta().unwrap_or(MacAddr::ZERO), h.ra());
                    for payload in self.amsdu_eapol(n, h.body()) {
                        self.eapol(n, ts, ta, ra, &payload, false, mac_retry);
                    }
                } else if !fc.is_null_data() {
                    let body = h.body();
                    if self.diagnosis && !mac_retry && eapol_payload(body).is_none() {
                        self.plain_data(n, &h);
                    }
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

    /// Finish: the report.
    pub fn finish(mut self) -> Report {
        let mut r = Report::default();
        if self.diagnosis {
            r.findings = self.diagnose();
            if self.summary.timestamps_backwards > 0 || self.summary.timestamps_zero > 0 {
                for f in &mut r.findings {
                    f.evidence.push("the capture's timestamps are broken (zero or going backwards): any time interval above is unreliable".into());
                }
            }
        }
        // Findings by (AP, client), parsed back from their strings once.
        let mut findings_by_pair: HashMap<(MacAddr, MacAddr), Vec<usize>> = HashMap::new();
        for (i, f) in r.findings.iter().enumerate() {
            if let (Ok(ap), Ok(sta)) = (f.ap.parse::<MacAddr>(), f.sta.parse::<MacAddr>()) {
                findings_by_pair.entry((ap, sta)).or_default().push(i);
            }
        }
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
                eap_session: x.source.and_then(|s| s.session()),
                inferred: if x.inferred {
                    vec!["M4".to_string()]
                } else {
                    Vec::new()
                },
                keys: match (&x.ptk, &x.key, self.show_keys) {
                    (Some(p), Some(k), true) => Some(report::Keys {
                        pmk: hex::encode(k.expose_secret()),
                        kck: hex::encode(p.kck.expose_secret()),
                        kek: hex::encode(p.kek.expose_secret()),
                        tk: hex::encode(p.tk.expose_secret()),
                    }),
                    _ => None,
                },
                findings: findings_by_pair
                    .get(&(x.ap, x.sta))
                    .into_iter()
                    .flatten()
                    .filter_map(|i| r.findings.get(*i))
                    .filter(|f| {
                        f.frames
                            .iter()
                            .any(|n| x.messages.iter().any(|m| m.frame == *n))
                    })
                    .map(|f| f.code.clone())
                    .collect(),
            });
        }
        let mut bss: Vec<(&MacAddr, &Bss)> = self.bss.iter().collect();
        bss.sort_by_key(|(m, b)| (b.first_frame, **m));
        for (mac, b) in bss {
            if b.first_frame == 0 && b.ssid.is_none() && b.rsne.is_none() {
                continue;
            }
            let mut n = network(mac, b);
            n.group_timeline = b
                .group_runs
                .iter()
                .map(|&(first, last, count)| report::Run {
                    from: "ap".into(),
                    first_frame: first,
                    last_frame: last,
                    frames: count,
                })
                .collect();
            if self.show_keys {
                n.gtks = b
                    .gtks
                    .iter()
                    .map(|g| (g.key_id, hex::encode(g.key.as_slice())))
                    .collect();
            }
            r.networks.push(n);
        }
        let mut pairs: Vec<(&(MacAddr, MacAddr), &Pair)> = self.pairs.iter().collect();
        pairs.sort_by_key(|(k, _)| **k);
        let with_exchanges: std::collections::HashSet<(MacAddr, MacAddr)> =
            self.exchanges.iter().map(|x| (x.ap, x.sta)).collect();
        for ((ap, sta), p) in pairs {
            if p.events.is_empty() && p.protected == 0 && !with_exchanges.contains(&(*ap, *sta)) {
                continue;
            }
            r.clients.push(report::Client {
                ap: ap.to_string(),
                sta: sta.to_string(),
                akm: p.akm.map(|a| a.to_string()),
                cipher: p.cipher.map(|c| c.to_string()),
                pmk_source: p.verified_source.map(|s| s.label().to_string()),
                pmk_origin: p.verified_source.and_then(|s| self.pmk_origin(s)),
                pmk_hint: if p.verified_source.is_none() {
                    self.pmk_hint(*sta, p.akm)
                } else {
                    None
                },
                protected_frames: p.protected,
                decrypted_frames: p.decrypted,
                events: p.events.clone(),
                plain_timeline: p
                    .ev
                    .plain_runs
                    .iter()
                    .map(|&(from_sta, first, last, count)| report::Run {
                        from: if from_sta { "sta" } else { "ap" }.into(),
                        first_frame: first,
                        last_frame: last,
                        frames: count,
                    })
                    .collect(),
                key_timeline: p
                    .ev
                    .key_runs
                    .iter()
                    .map(|k| report::KeyRun {
                        from: if k.from_sta { "sta" } else { "ap" }.into(),
                        handshake: k.exchange,
                        first_frame: k.first,
                        last_frame: k.last,
                        frames: k.count,
                    })
                    .collect(),
            });
        }
        r.verdicts = verdicts(&r);
        r.enterprise = self.enterprise_report();
        self.summary.max_clients = self.limits.max_clients as u64;
        self.summary.timing_reliable =
            self.summary.timestamps_backwards == 0 && self.summary.timestamps_zero == 0;
        r.summary = self.summary;
        r.input_problems = self.input_problems;
        r
    }
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
