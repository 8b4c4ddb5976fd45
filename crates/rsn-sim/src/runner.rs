//! The scenario runner: a virtual clock, an event queue, the real `rsn-handshake`
//! machines (one Authenticator and one Supplicant per client), the data plane of every
//! station, a lossy medium and a sniffer. Shaped like quinn-proto's test `Pair`: drive
//! each machine, deliver what it transmitted after the medium's delay, fire its timers.
//! No I/O: captured frames go to a [`FrameSink`].

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap};
use std::fmt;
use std::time::Duration;

use rand_chacha::ChaCha20Rng;
use rand_core::RngCore;
use rsn_crypto::mic::{compute_mic, EAPOL_KEY_MIC_OFFSET};
use rsn_crypto::{psk_from_passphrase, Passphrase, Pmk};
use rsn_handshake::{
    Action, AuthConfig, AuthState, Authenticator, AuthenticatorFaults, FtParams, FtPmkidPolicy,
    Handshake, Input, Instant, PmkSource, Suite, SupConfig, Supplicant, SupplicantFaults,
};
use rsn_wire::eapol::{DescriptorType, EapolKeyRepr, KeyDescriptorVersion, KeyInfo};
use rsn_wire::llc::ETHERTYPE_EAPOL;
use rsn_wire::{Akm, Cipher, MacAddr, ReasonCode};
use zeroize::Zeroizing;

use crate::air::{self, BssElements, Dir};
use crate::datakey::DataKey;
use crate::observer::{Basis, PairKeys};
use crate::rng::{self, stream, MachineNonces};
use crate::scenario::{parse_mdid, ClientSpec, DropSpec, Scenario};
use crate::sink::FrameSink;
use crate::truth::{
    push_range, ClientTruth, FaultTruth, FindingTruth, HandshakeTruth, NetworkTruth, Truth,
};

/// Capture timestamps start here (2023-11-14T22:13:20Z), in ns.
pub const EPOCH_NS: u64 = 1_700_000_000_000_000_000;

/// The seed `fourway simulate` uses without `--seed`.
pub const DEFAULT_SEED: u64 = 0x4657_4159; // "FWAY"

/// Why a run stopped.
#[derive(Debug)]
#[non_exhaustive]
pub enum SimError<E> {
    /// The scenario's keys or suites are not usable (bad hex, a suite the machines reject).
    Config(String),
    /// The sink failed.
    Sink(E),
}

impl<E: fmt::Display> fmt::Display for SimError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::Config(s) => write!(f, "scenario: {s}"),
            SimError::Sink(e) => write!(f, "capture output: {e}"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for SimError<E> {}

fn cfg_err<E>(s: impl Into<String>) -> SimError<E> {
    SimError::Config(s.into())
}

/// Run `scenario` with `seed`, streaming the capture into `sink`.
///
/// # Errors
/// An unusable scenario, or the sink's error.
pub fn run<S: FrameSink>(
    scenario: &Scenario,
    seed: u64,
    sink: &mut S,
) -> Result<Truth, SimError<S::Error>> {
    let mut sim = Sim::new(scenario, seed)?;
    sim.run(sink)?;
    Ok(sim.finish())
}

/// Message kinds, for drops and fault bookkeeping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Msg {
    M1,
    M2,
    M3,
    M4,
    G1,
    G2,
    Request,
}

impl Msg {
    fn index(self) -> usize {
        match self {
            Msg::M1 => 0,
            Msg::M2 => 1,
            Msg::M3 => 2,
            Msg::M4 => 3,
            Msg::G1 => 4,
            Msg::G2 => 5,
            Msg::Request => 6,
        }
    }
    fn name(self) -> &'static str {
        ["m1", "m2", "m3", "m4", "g1", "g2", "request"]
            .get(self.index())
            .copied()
            .unwrap_or("")
    }
    /// Classify an EAPOL-Key frame by its Key Information bits and nonce
    /// (failure catalog §1 table).
    fn classify(eapol: &[u8]) -> Option<Msg> {
        let ki = KeyInfo(u16::from_be_bytes([*eapol.get(5)?, *eapol.get(6)?]));
        let nonce_zero = eapol.get(17..49)?.iter().all(|b| *b == 0);
        Some(match (ki.request(), ki.key_type_pairwise(), ki.key_ack()) {
            (true, _, _) => Msg::Request,
            (false, true, true) if ki.key_mic() => Msg::M3,
            (false, true, true) => Msg::M1,
            (false, true, false) if nonce_zero => Msg::M4,
            (false, true, false) => Msg::M2,
            (false, false, true) => Msg::G1,
            (false, false, false) => Msg::G2,
        })
    }
}

/// An installed temporal key of one transmitter.
struct TxKey {
    key: DataKey,
    tk: Zeroizing<Vec<u8>>,
    key_id: u8,
    /// Next PN to use.
    next_pn: u64,
    /// Highest PN used so far under these key octets (survives a reinstallation).
    max_pn: u64,
    zero: bool,
    derivable: bool,
}

impl TxKey {
    fn new(cipher: Cipher, tk: &[u8], key_id: u8) -> Option<Self> {
        Some(TxKey {
            key: DataKey::new(cipher, tk).ok()?,
            tk: Zeroizing::new(tk.to_vec()),
            key_id,
            next_pn: 1,
            max_pn: 0,
            zero: tk.iter().all(|b| *b == 0),
            derivable: false,
        })
    }
    /// Take the next PN; `true` if it was used before under this key (keystream reuse).
    fn take_pn(&mut self) -> (u64, bool) {
        let pn = self.next_pn;
        self.next_pn += 1;
        let reuse = pn <= self.max_pn;
        self.max_pn = self.max_pn.max(pn);
        (pn, reuse)
    }
}

struct Net {
    ssid: Vec<u8>,
    suite: Suite,
    basis: Basis,
    beacon_rsne: Vec<u8>,
    mdid: Option<[u8; 2]>,
    r0kh_id: Vec<u8>,
    policy: FtPmkidPolicy,
    auth_faults: AuthenticatorFaults,
    auth_fault_names: Vec<&'static str>,
    pmkid_kde: Option<bool>,
    tkip: bool,
}

struct Bss {
    net: usize,
    bssid: MacAddr,
    seq: u16,
    elements: BssElements,
    group_prefix: Zeroizing<Vec<u8>>,
    gtk: Option<TxKey>,
    /// GTKs a key holder can learn from the capture.
    derivable_gtks: Vec<Zeroizing<Vec<u8>>>,
    group_left: u64,
    next_aid: u16,
    mic_failures: Vec<u64>,
    countermeasures_until: Option<u64>,
    links: Vec<usize>,
}

/// Bookkeeping of the exchange a link is in, for capture-loss evidence.
#[derive(Default)]
struct ExchangeLog {
    frames: Vec<u64>,
    sniffer_missed: bool,
}

struct Link {
    idx: usize,
    group: usize,
    sta: MacAddr,
    bss: usize,
    aid: u16,
    epoch: u32,
    up: bool,
    joins: u32,
    auth: Option<Authenticator>,
    sup: Option<Supplicant>,
    ap_ptk: Option<TxKey>,
    sta_ptk: Option<TxKey>,
    sta_seq: u16,
    data_left: u64,
    data_n: u64,
    timers: [Option<u64>; 2],
    msg_tx: [u32; 7],
    /// What a holder of the network's keys can derive for this pair.
    obs: PairKeys,
    /// The station's own view (its PMK, every frame it sent or received).
    sta_view: PairKeys,
    client_pmk: PmkSource,
    wrong_key: bool,
    assoc_rsne: Vec<u8>,
    rekeying: bool,
    open_4way: bool,
    open_group: bool,
    last_m3_frame: Option<u64>,
    exchange: ExchangeLog,
    michael_lag: Option<(u64, [u8; 8], [u8; 8])>,
    sta_mic_failures: u32,
    request_rc: u64,
    tags: BTreeMap<&'static str, Vec<u64>>,
    sup_faults: SupplicantFaults,
    sup_fault_names: Vec<&'static str>,
    michael_lag_ms: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Ap,
    Sta,
}

enum Ev {
    Beacon(usize),
    Join(usize),
    Deliver {
        link: usize,
        epoch: u32,
        to: Side,
        eapol: Vec<u8>,
        key: Option<Zeroizing<Vec<u8>>>,
    },
    Timer {
        link: usize,
        epoch: u32,
        side: Side,
    },
    Data {
        link: usize,
        epoch: u32,
    },
    GroupData(usize),
    Script {
        link: usize,
        epoch: u32,
        action: Script,
    },
}

#[derive(Clone, Copy)]
enum Script {
    Rekey,
    GroupRekey,
    Deauth,
}

struct Item {
    t: u64,
    seq: u64,
    ev: Ev,
}

impl PartialEq for Item {
    fn eq(&self, o: &Self) -> bool {
        (self.t, self.seq) == (o.t, o.seq)
    }
}
impl Eq for Item {}
impl PartialOrd for Item {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Item {
    fn cmp(&self, o: &Self) -> Ordering {
        // Min-heap on (time, insertion order).
        (o.t, o.seq).cmp(&(self.t, self.seq))
    }
}

/// Codes whose exchange ends in a deauthentication: the Deauthentication frame is part of
/// their evidence.
const ENDS_IN_DEAUTH: &[&str] = &[
    "stale-ptk",
    "ft-pmkid-list",
    "wrong-psk",
    "replay-counter",
    "anonce-changed",
    "m3-unanswered",
    "group-key-timeout",
    "michael-mic-failure",
];

struct Sim<'s> {
    sc: &'s Scenario,
    seed: u64,
    nets: Vec<Net>,
    bsss: Vec<Bss>,
    links: Vec<Link>,
    queue: BinaryHeap<Item>,
    seq: u64,
    /// Pending events other than beacons (beacons stop when nothing else is left).
    active: u64,
    now: u64,
    end: u64,
    last_ts: u64,
    frames: u64,
    air_rng: ChaCha20Rng,
    sniff_rng: ChaCha20Rng,
    filler: Vec<u8>,
    buf: Vec<u8>,
    enc: Vec<u8>,
    cap: Vec<u8>,
    truth: Truth,
    hs: HandshakeTruth,
}

fn mac(prefix: [u8; 2], n: u64) -> MacAddr {
    let b = n.to_be_bytes();
    MacAddr([prefix[0], prefix[1], b[4], b[5], b[6], b[7]])
}

fn parse_pmk<E>(hexs: &str, what: &str) -> Result<Pmk, SimError<E>> {
    let v = Zeroizing::new(
        hex::decode(hexs.trim()).map_err(|_| cfg_err(format!("{what}: PMK is not hex")))?,
    );
    Pmk::from_slice(&v).map_err(|e| cfg_err(format!("{what}: {e}")))
}

fn pmk_from<E>(
    passphrase: Option<&str>,
    pmk: Option<&str>,
    ssid: &[u8],
    what: &str,
) -> Result<Pmk, SimError<E>> {
    match (passphrase, pmk) {
        (_, Some(h)) => parse_pmk(h, what),
        (Some(p), None) => {
            let p = Passphrase::new(p).map_err(|e| cfg_err(format!("{what}: passphrase: {e}")))?;
            psk_from_passphrase(&p, ssid).map_err(|e| cfg_err(format!("{what}: {e}")))
        }
        (None, None) => Err(cfg_err(format!("{what}: no key"))),
    }
}

impl<'s> Sim<'s> {
    fn new<E>(sc: &'s Scenario, seed: u64) -> Result<Self, SimError<E>> {
        sc.validate().map_err(|e| cfg_err(e.0))?;
        let mut nets = Vec::new();
        let mut bsss = Vec::new();
        let mut gk_rng = rng::stream(seed, stream::GROUP_KEYS);
        let mut truth = Truth {
            scenario: sc.name.clone(),
            seed,
            ..Default::default()
        };
        for (ni, n) in sc.networks.iter().enumerate() {
            let what = format!("network {ni}");
            let akm: Akm = n.akm.parse().map_err(|_| cfg_err(format!("{what}: AKM")))?;
            let pairwise: Cipher = n
                .pairwise
                .parse()
                .map_err(|_| cfg_err(format!("{what}: cipher")))?;
            let group: Cipher = n
                .group
                .parse()
                .map_err(|_| cfg_err(format!("{what}: cipher")))?;
            let ssid = n.ssid.as_bytes().to_vec();
            let pmk = pmk_from(n.passphrase.as_deref(), n.pmk.as_deref(), &ssid, &what)?;
            let suite = Suite {
                akm,
                pairwise,
                group,
                group_mgmt: n.pmf.then_some(Cipher::BIP_CMAC128),
                pmk_len: pmk.len(),
            };
            suite
                .validate()
                .map_err(|e| cfg_err(format!("{what}: {e}")))?;
            let (basis, mdid, r0kh_id, policy) = match &n.ft {
                Some(ft) => {
                    let mdid = parse_mdid(&ft.mdid).map_err(|e| cfg_err(e.0))?;
                    let r0 = ft.r0kh_id.as_bytes().to_vec();
                    let policy = if ft.pmkid_policy == "lenient" {
                        FtPmkidPolicy::Lenient
                    } else {
                        FtPmkidPolicy::Strict
                    };
                    (
                        Basis::Ft {
                            xxkey: pmk,
                            ssid: ssid.clone(),
                            mdid,
                            r0kh_id: r0.clone(),
                        },
                        Some(mdid),
                        r0,
                        policy,
                    )
                }
                None => (Basis::Pmk(pmk), None, Vec::new(), FtPmkidPolicy::Strict),
            };
            let beacon_rsne = air::rsne(akm, pairwise, group, n.pmf, None);
            let f = &n.faults;
            let auth_faults = AuthenticatorFaults {
                change_anonce_in_m3: f.change_anonce_in_m3,
                new_anonce_per_m1_retry: f.new_anonce_per_m1_retry,
                bogus_pmkid_in_m1: f.bogus_pmkid_in_m1,
                replay_counter_not_incrementing: f.replay_counter_not_incrementing,
                early_install: f.early_install,
                late_install: f.late_install_ms.map(Duration::from_millis),
                unprotected_eapol: f.unprotected_eapol,
            };
            let mut nt = NetworkTruth {
                ssid: n.ssid.clone(),
                passphrase: n.passphrase.clone(),
                pmk: n.pmk.clone(),
                akm: n.akm.clone(),
                pairwise: n.pairwise.clone(),
                group: n.group.clone(),
                ..Default::default()
            };
            for a in 0..n.aps {
                let bssid = mac([0x02, 0x00], ((ni as u64 + 1) << 16) | u64::from(a) << 8);
                nt.bssids.push(bssid.to_string());
                let glen = suite.gtk_len() + suite.igtk_len().unwrap_or(0);
                let mut prefix = Zeroizing::new(vec![0u8; glen]);
                gk_rng.fill_bytes(&mut prefix);
                bsss.push(Bss {
                    net: ni,
                    bssid,
                    seq: 0,
                    elements: BssElements {
                        ssid: ssid.clone(),
                        rsne: beacon_rsne.clone(),
                        mde: mdid.map(air::mde),
                    },
                    group_prefix: prefix,
                    gtk: None,
                    derivable_gtks: Vec::new(),
                    group_left: n.group_data.frames,
                    next_aid: 1,
                    mic_failures: Vec::new(),
                    countermeasures_until: None,
                    links: Vec::new(),
                });
            }
            nt.bssid = nt.bssids.first().cloned().unwrap_or_default();
            truth.networks.push(nt);
            nets.push(Net {
                ssid,
                suite,
                basis,
                beacon_rsne,
                mdid,
                r0kh_id,
                policy,
                auth_faults,
                auth_fault_names: f.active(),
                pmkid_kde: n.pmkid_kde_in_m1,
                tkip: pairwise.normalized() == Cipher::TKIP,
            });
        }
        let mut sim = Sim {
            sc,
            seed,
            nets,
            bsss,
            links: Vec::new(),
            queue: BinaryHeap::new(),
            seq: 0,
            active: 0,
            now: 0,
            end: sc.duration_ms.saturating_mul(1000),
            last_ts: 0,
            frames: 0,
            air_rng: rng::stream(seed, stream::AIR),
            sniff_rng: rng::stream(seed, stream::SNIFFER),
            filler: Vec::new(),
            buf: Vec::with_capacity(4096),
            enc: Vec::with_capacity(4096),
            cap: Vec::with_capacity(4096),
            truth,
            hs: HandshakeTruth::default(),
        };
        let mut prng = rng::stream(seed, stream::PAYLOAD);
        sim.filler = vec![0u8; 2400];
        prng.fill_bytes(&mut sim.filler);
        // Clients, spread round-robin over their network's APs.
        let mut per_net = vec![0u64; sim.nets.len()];
        for (gi, c) in sc.clients.iter().enumerate() {
            for k in 0..c.count {
                let idx = sim.links.len();
                let aps: Vec<usize> = sim
                    .bsss
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| b.net == c.network)
                    .map(|(i, _)| i)
                    .collect();
                let slot = per_net.get(c.network).copied().unwrap_or(0);
                if let Some(p) = per_net.get_mut(c.network) {
                    *p += 1;
                }
                let Some(&bss) = aps.get((slot % aps.len().max(1) as u64) as usize) else {
                    return Err(cfg_err("network without APs"));
                };
                let link = sim.new_link(idx, gi, c, bss)?;
                sim.links.push(link);
                if let Some(b) = sim.bsss.get_mut(bss) {
                    b.links.push(idx);
                }
                let t = c.join_ms * 1000 + u64::from(k) * c.join_spacing_us;
                sim.push(t, Ev::Join(idx));
            }
        }
        for i in 0..sim.bsss.len() {
            // Beacons start at TBTT 0, APs 1 ms apart.
            sim.push_beacon(i as u64 * 1000, i);
            if sim.bsss.get(i).is_some_and(|b| b.group_left > 0) {
                let start = sc
                    .networks
                    .get(sim.bsss[i].net)
                    .map_or(0, |n| n.group_data.start_ms * 1000);
                sim.push(start, Ev::GroupData(i));
            }
        }
        Ok(sim)
    }

    fn new_link<E>(
        &mut self,
        idx: usize,
        group: usize,
        c: &ClientSpec,
        bss: usize,
    ) -> Result<Link, SimError<E>> {
        let b = self.bsss.get(bss).ok_or_else(|| cfg_err("no AP"))?;
        let net = self.nets.get(b.net).ok_or_else(|| cfg_err("no network"))?;
        let sta = mac([0x02, 0x01], idx as u64);
        let what = format!("client {idx}");
        let wrong_key = c.passphrase.is_some() || c.pmk.is_some();
        let client_basis = if wrong_key {
            let pmk = pmk_from(c.passphrase.as_deref(), c.pmk.as_deref(), &net.ssid, &what)?;
            match &net.basis {
                Basis::Ft {
                    ssid,
                    mdid,
                    r0kh_id,
                    ..
                } => Basis::Ft {
                    xxkey: pmk,
                    ssid: ssid.clone(),
                    mdid: *mdid,
                    r0kh_id: r0kh_id.clone(),
                },
                Basis::Pmk(_) => Basis::Pmk(pmk),
            }
        } else {
            net.basis.clone()
        };
        let client_pmk = match &client_basis {
            Basis::Pmk(p) => PmkSource::Pmk(p.clone()),
            Basis::Ft {
                xxkey,
                ssid,
                mdid,
                r0kh_id,
            } => PmkSource::Ft(FtParams {
                xxkey: xxkey.clone(),
                ssid: ssid.clone(),
                mdid: *mdid,
                ft_capability: 0,
                r0kh_id: r0kh_id.clone(),
                r1kh_id: b.bssid,
            }),
        };
        // PMKIDs of the (Re)AssocReq.
        let mut pmkids = None;
        if c.offer_pmkid.is_some() {
            if let Basis::Pmk(p) = &client_basis {
                // The PMKID this client cached for another AP of the network (SKC), where
                // this AP derives the one for itself (OKC): IEEE 802.11-2020 12.6.10.3.
                let other = self
                    .bsss
                    .iter()
                    .find(|o| o.net == b.net && o.bssid != b.bssid)
                    .map_or(mac([0x02, 0x00], 0xffff_ff00), |o| o.bssid);
                if let Ok(id) = rsn_crypto::pmkid(net.suite.akm, p, &other, &sta) {
                    pmkids = Some(vec![id]);
                }
            }
        }
        let assoc_rsne = air::rsne(
            net.suite.akm,
            net.suite.pairwise,
            net.suite.group,
            net.suite.group_mgmt.is_some(),
            pmkids,
        );
        let f = &c.faults;
        let mut frng = rng::stream(self.seed, stream::LINK_BASE - 1 - idx as u64);
        let extra: Vec<[u8; 16]> = (0..f.extra_pmkids_in_ft_m2)
            .map(|_| {
                let mut p = [0u8; 16];
                frng.fill_bytes(&mut p);
                p
            })
            .collect();
        let sup_faults = SupplicantFaults {
            stale_ptk_on_rekey: f.stale_ptk_on_rekey,
            extra_pmkids_in_ft_m2: extra,
            ignore_m3: f.ignore_m3,
            ignore_g1: f.ignore_g1,
            reinstall_on_m3_retransmit: f.reinstall_on_m3_retransmit,
            install_ptk_delay: f.install_ptk_delay_ms.map(Duration::from_millis),
            zero_tk: f.zero_tk,
            wrong_replay_counter_in_m2: f.wrong_replay_counter_in_m2,
            snonce_per_retransmission: f.snonce_per_retransmission,
            unprotected_eapol: f.unprotected_eapol,
        };
        let obs = PairKeys::new(&net.basis, net.suite, b.bssid, sta);
        let sta_view = PairKeys::new(&client_basis, net.suite, b.bssid, sta);
        let mut sup_fault_names = f.active();
        if wrong_key {
            sup_fault_names.push("wrong_key");
        }
        if c.offer_pmkid.is_some() {
            sup_fault_names.push("offer_pmkid");
        }
        Ok(Link {
            idx,
            group,
            sta,
            bss,
            aid: 0,
            epoch: 0,
            up: false,
            joins: 0,
            auth: None,
            sup: None,
            ap_ptk: None,
            sta_ptk: None,
            sta_seq: 0,
            data_left: c.data.frames,
            data_n: 0,
            timers: [None, None],
            msg_tx: [0; 7],
            obs,
            sta_view,
            client_pmk,
            wrong_key,
            assoc_rsne,
            rekeying: false,
            open_4way: false,
            open_group: false,
            last_m3_frame: None,
            exchange: ExchangeLog::default(),
            michael_lag: None,
            sta_mic_failures: 0,
            request_rc: 0,
            tags: BTreeMap::new(),
            sup_faults,
            sup_fault_names,
            michael_lag_ms: f.michael_key_lag_ms,
        })
    }

    fn push(&mut self, t: u64, ev: Ev) {
        if !matches!(ev, Ev::Beacon(_)) {
            self.active += 1;
        }
        self.seq += 1;
        self.queue.push(Item {
            t,
            seq: self.seq,
            ev,
        });
    }

    fn push_beacon(&mut self, t: u64, bss: usize) {
        self.push(t, Ev::Beacon(bss));
    }

    fn run<S: FrameSink>(&mut self, sink: &mut S) -> Result<(), SimError<S::Error>> {
        while let Some(item) = self.queue.pop() {
            if item.t > self.end {
                break;
            }
            if !matches!(item.ev, Ev::Beacon(_)) {
                self.active = self.active.saturating_sub(1);
            }
            self.now = self.now.max(item.t);
            match item.ev {
                Ev::Beacon(b) => self.beacon(sink, b)?,
                Ev::Join(l) => self.join(sink, l)?,
                Ev::Deliver {
                    link,
                    epoch,
                    to,
                    eapol,
                    key,
                } => self.deliver(sink, link, epoch, to, &eapol, key)?,
                Ev::Timer { link, epoch, side } => {
                    let armed = self.links.get(link).and_then(|l| l.timers[side as usize]);
                    if self.link_live(link, epoch) && armed == Some(item.t) {
                        if let Some(l) = self.links.get_mut(link) {
                            l.timers[side as usize] = None;
                        }
                        self.drive(sink, link, side, Input::Timeout)?;
                    }
                }
                Ev::Data { link, epoch } => self.data(sink, link, epoch)?,
                Ev::GroupData(b) => self.group_data(sink, b)?,
                Ev::Script {
                    link,
                    epoch,
                    action,
                } => self.script(sink, link, epoch, action)?,
            }
        }
        Ok(())
    }

    fn link_live(&self, link: usize, epoch: u32) -> bool {
        self.links
            .get(link)
            .is_some_and(|l| l.up && l.epoch == epoch)
    }

    // ------------------------------------------------------------------ capture

    /// Put one frame on the air as the sniffer sees it. Returns its frame number, or
    /// `None` when the sniffer missed it.
    fn capture<S: FrameSink>(
        &mut self,
        sink: &mut S,
        frame: &[u8],
        missed: bool,
    ) -> Result<Option<u64>, SimError<S::Error>> {
        let ts = self.now.max(self.last_ts + 1);
        self.last_ts = ts;
        let lost =
            self.sc.sniffer.loss > 0.0 && rng::unit(&mut self.sniff_rng) < self.sc.sniffer.loss;
        if missed || lost {
            return Ok(None);
        }
        self.cap.clear();
        self.cap.extend_from_slice(&air::RADIOTAP);
        self.cap.extend_from_slice(frame);
        sink.frame(EPOCH_NS + ts * 1000, &self.cap)
            .map_err(SimError::Sink)?;
        self.frames += 1;
        Ok(Some(self.frames))
    }

    /// Frames of the air, captured in `self.buf` (plaintext) or `self.enc` (protected).
    fn capture_buf<S: FrameSink>(
        &mut self,
        sink: &mut S,
        protected: bool,
        missed: bool,
    ) -> Result<Option<u64>, SimError<S::Error>> {
        let frame = if protected {
            std::mem::take(&mut self.enc)
        } else {
            std::mem::take(&mut self.buf)
        };
        let r = self.capture(sink, &frame, missed);
        if protected {
            self.enc = frame;
        } else {
            self.buf = frame;
        }
        r
    }

    /// Whether one delivery to the receiver is lost; lost attempts are retried by the MAC
    /// with the Retry bit and the same sequence number, each attempt captured (callers
    /// account for the frames numbered after the first). Returns whether the frame
    /// finally arrived.
    fn medium<S: FrameSink>(
        &mut self,
        sink: &mut S,
        protected: bool,
        forced_loss: bool,
    ) -> Result<bool, SimError<S::Error>> {
        let p = self.sc.air.loss;
        let mut attempts = 0;
        loop {
            let lost = forced_loss || (p > 0.0 && rng::unit(&mut self.air_rng) < p);
            if !lost {
                return Ok(true);
            }
            if attempts >= self.sc.air.retries {
                return Ok(false);
            }
            attempts += 1;
            let f = if protected {
                &mut self.enc
            } else {
                &mut self.buf
            };
            air::set_retry(f);
            self.capture_buf(sink, protected, false)?;
        }
    }

    fn account_protected(&mut self, n: Option<u64>, decryptable: bool) {
        if let Some(n) = n {
            self.truth.protected_frames += 1;
            if decryptable {
                self.truth.decryptable_frames += 1;
                push_range(&mut self.truth.decryptable, n);
            }
        }
    }

    // ------------------------------------------------------------------ management

    fn beacon<S: FrameSink>(&mut self, sink: &mut S, b: usize) -> Result<(), SimError<S::Error>> {
        let Some(bss) = self.bsss.get_mut(b) else {
            return Ok(());
        };
        bss.seq = bss.seq.wrapping_add(1);
        self.buf.clear();
        let interval = self
            .sc
            .networks
            .get(bss.net)
            .map_or(100, |n| n.beacon_interval_ms);
        let tu = u16::try_from(interval * 1000 / 1024).unwrap_or(100).max(1);
        air::beacon(
            &mut self.buf,
            bss.bssid,
            bss.seq,
            self.now,
            tu,
            &bss.elements,
        );
        self.capture_buf(sink, false, false)?;
        if interval > 0 && self.active > 0 {
            self.push_beacon(self.now + interval * 1000, b);
        }
        Ok(())
    }

    fn ap_seq(&mut self, b: usize) -> u16 {
        self.bsss.get_mut(b).map_or(0, |x| {
            x.seq = x.seq.wrapping_add(1);
            x.seq
        })
    }

    fn sta_seq(&mut self, l: usize) -> u16 {
        self.links.get_mut(l).map_or(0, |x| {
            x.sta_seq = x.sta_seq.wrapping_add(1);
            x.sta_seq
        })
    }

    fn tag(&mut self, l: usize, code: &'static str, n: Option<u64>) {
        if let (Some(link), Some(n)) = (self.links.get_mut(l), n) {
            let v = link.tags.entry(code).or_default();
            if v.len() < 4096 {
                v.push(n);
            }
        }
    }

    fn join<S: FrameSink>(&mut self, sink: &mut S, l: usize) -> Result<(), SimError<S::Error>> {
        let Some(link) = self.links.get(l) else {
            return Ok(());
        };
        let b = link.bss;
        let Some(bss) = self.bsss.get(b) else {
            return Ok(());
        };
        // TKIP countermeasures: no associations for 60 s (IEEE 802.11-2020 12.5.2.4.3).
        if let Some(until) = bss.countermeasures_until.filter(|u| *u > self.now) {
            self.push(until, Ev::Join(l));
            return Ok(());
        }
        let (bssid, sta, net_i) = (bss.bssid, link.sta, bss.net);
        let Some(net) = self.nets.get(net_i) else {
            return Ok(());
        };
        let ssid = net.ssid.clone();
        let mde = net.mdid.map(air::mde);
        let suite = net.suite;
        let fte = mde
            .as_ref()
            .map(|_| air::assoc_resp_fte(suite.mic_len(), bssid, &net.r0kh_id));
        let assoc_rsne = link.assoc_rsne.clone();
        // Open System authentication, then association (IEEE 802.11-2020 11.3).
        let s = self.sta_seq(l);
        self.buf.clear();
        air::auth(&mut self.buf, bssid, sta, bssid, s, 1);
        self.capture_buf(sink, false, false)?;
        self.now += 200;
        let s = self.ap_seq(b);
        self.buf.clear();
        air::auth(&mut self.buf, sta, bssid, bssid, s, 2);
        self.capture_buf(sink, false, false)?;
        self.now += 200;
        let s = self.sta_seq(l);
        self.buf.clear();
        air::assoc_req(
            &mut self.buf,
            sta,
            bssid,
            s,
            &ssid,
            &assoc_rsne,
            mde.as_deref(),
        );
        let n = self.capture_buf(sink, false, false)?;
        if self
            .links
            .get(l)
            .is_some_and(|x| x.sup_fault_names.contains(&"offer_pmkid"))
        {
            self.tag(l, "pmkid-mismatch", n);
        }
        self.now += 200;
        let aid = self.bsss.get_mut(b).map_or(1, |x| {
            let a = x.next_aid;
            x.next_aid = x.next_aid.wrapping_add(1).max(1);
            a
        });
        let s = self.ap_seq(b);
        self.buf.clear();
        air::assoc_resp(
            &mut self.buf,
            sta,
            bssid,
            s,
            aid,
            mde.as_deref().zip(fte.as_deref()),
        );
        self.capture_buf(sink, false, false)?;
        self.now += 200;

        // The machines of this association.
        let Some(net) = self.nets.get(net_i) else {
            return Ok(());
        };
        let prefix = self
            .bsss
            .get(b)
            .map(|x| x.group_prefix.clone())
            .unwrap_or_default();
        let Some(link) = self.links.get_mut(l) else {
            return Ok(());
        };
        link.epoch += 1;
        link.joins += 1;
        link.aid = aid;
        let id = stream::LINK_BASE + ((l as u64) << 9 | u64::from(link.epoch & 0xff) << 1);
        let auth_src = match &net.basis {
            Basis::Pmk(p) => PmkSource::Pmk(p.clone()),
            Basis::Ft {
                xxkey,
                ssid,
                mdid,
                r0kh_id,
            } => PmkSource::Ft(FtParams {
                xxkey: xxkey.clone(),
                ssid: ssid.clone(),
                mdid: *mdid,
                ft_capability: 0,
                r0kh_id: r0kh_id.clone(),
                r1kh_id: bssid,
            }),
        };
        let mut acfg = AuthConfig::new(suite, net.beacon_rsne.clone(), auth_src);
        acfg.faults = net.auth_faults.clone();
        acfg.ft_pmkid_policy = net.policy;
        if let Some(k) = net.pmkid_kde {
            acfg.pmkid_kde_in_m1 = k;
        }
        let an = MachineNonces::new(prefix, rng::stream(self.seed, id));
        let auth = Authenticator::new(acfg, bssid, sta, assoc_rsne.clone(), Box::new(an))
            .map_err(|e| cfg_err(format!("authenticator for client {l}: {e}")))?;
        let mut scfg = SupConfig::new(
            suite,
            link.client_pmk.clone(),
            assoc_rsne,
            net.beacon_rsne.clone(),
        );
        scfg.faults = link.sup_faults.clone();
        let sn = MachineNonces::new(Zeroizing::new(Vec::new()), rng::stream(self.seed, id + 1));
        let sup = Supplicant::new(scfg, bssid, sta, Box::new(sn))
            .map_err(|e| cfg_err(format!("supplicant of client {l}: {e}")))?;
        link.auth = Some(auth);
        link.sup = Some(sup);
        link.up = true;
        link.timers = [None, None];
        let epoch = link.epoch;
        let first = link.joins == 1;
        let data_left = link.data_left;
        let group = link.group;
        let join_t = self.now;
        self.drive(sink, l, Side::Ap, Input::Start)?;
        if let Some(c) = self.sc.clients.get(group) {
            if data_left > 0 {
                self.push(join_t + c.data.start_ms * 1000, Ev::Data { link: l, epoch });
            }
            if first {
                for e in &c.events {
                    let action = match e.action.as_str() {
                        "rekey" => Script::Rekey,
                        "group-rekey" => Script::GroupRekey,
                        _ => Script::Deauth,
                    };
                    self.push(
                        join_t + e.at_ms * 1000,
                        Ev::Script {
                            link: l,
                            epoch,
                            action,
                        },
                    );
                }
            }
        }
        Ok(())
    }

    fn script<S: FrameSink>(
        &mut self,
        sink: &mut S,
        l: usize,
        epoch: u32,
        a: Script,
    ) -> Result<(), SimError<S::Error>> {
        if !self.link_live(l, epoch) {
            return Ok(());
        }
        match a {
            Script::Rekey => self.drive(sink, l, Side::Ap, Input::StartRekey),
            Script::GroupRekey => self.drive(sink, l, Side::Ap, Input::StartGroupRekey),
            Script::Deauth => {
                if let Some(s) = self.links.get_mut(l).and_then(|x| x.sup.as_mut()) {
                    s.deauthenticate(ReasonCode::DEAUTH_LEAVING);
                }
                self.drive(sink, l, Side::Sta, Input::Timeout)
            }
        }
    }

    // ------------------------------------------------------------------ machines

    /// Feed one input to one machine, then carry out everything it asks for.
    fn drive<S: FrameSink>(
        &mut self,
        sink: &mut S,
        l: usize,
        side: Side,
        input: Input<'_>,
    ) -> Result<(), SimError<S::Error>> {
        let now = Instant::from_micros(self.now);
        let Some(link) = self.links.get_mut(l) else {
            return Ok(());
        };
        let mut actions = Vec::new();
        match side {
            Side::Ap => {
                let Some(a) = link.auth.as_mut() else {
                    return Ok(());
                };
                let before = a.state();
                a.handle(now, input);
                let after = a.state();
                while let Some(x) = a.poll_action() {
                    actions.push(x);
                }
                // Exchanges as the authenticator runs them.
                if after == AuthState::PtkStart && before != AuthState::PtkStart {
                    if link.open_4way {
                        self.hs.failed += 1;
                    }
                    self.hs.total += 1;
                    self.hs.four_way += 1;
                    link.open_4way = true;
                    link.rekeying = before != AuthState::Initialize;
                    link.exchange = ExchangeLog::default();
                }
                if after == AuthState::RekeyNegotiating && before != AuthState::RekeyNegotiating {
                    self.hs.total += 1;
                    self.hs.group += 1;
                    link.open_group = true;
                }
            }
            Side::Sta => {
                let Some(s) = link.sup.as_mut() else {
                    return Ok(());
                };
                s.handle(now, input);
                while let Some(x) = s.poll_action() {
                    actions.push(x);
                }
            }
        }
        for a in actions {
            self.act(sink, l, side, a)?;
        }
        self.rearm(l);
        Ok(())
    }

    fn rearm(&mut self, l: usize) {
        let Some(link) = self.links.get_mut(l) else {
            return;
        };
        if !link.up {
            return;
        }
        let epoch = link.epoch;
        let want = [
            link.auth.as_ref().and_then(Authenticator::poll_timeout),
            link.sup.as_ref().and_then(Supplicant::poll_timeout),
        ];
        let mut pushes = Vec::new();
        for (i, w) in want.into_iter().enumerate() {
            let w = w.map(Instant::as_micros);
            if w.is_some() && w != link.timers[i] {
                link.timers[i] = w;
                if let Some(t) = w {
                    pushes.push((t.max(self.now), i));
                }
            }
        }
        for (t, i) in pushes {
            let side = if i == 0 { Side::Ap } else { Side::Sta };
            self.push(
                t,
                Ev::Timer {
                    link: l,
                    epoch,
                    side,
                },
            );
        }
    }

    fn act<S: FrameSink>(
        &mut self,
        sink: &mut S,
        l: usize,
        side: Side,
        a: Action,
    ) -> Result<(), SimError<S::Error>> {
        match a {
            Action::Transmit { frame, protect } => self.send_eapol(sink, l, side, &frame, protect),
            Action::InstallPtk {
                tk,
                cipher,
                key_id,
                reset_pn,
            } => {
                self.install_ptk(l, side, tk.expose_secret(), cipher, key_id, reset_pn);
                Ok(())
            }
            Action::InstallGtk { gtk, key_id, .. } => {
                if side == Side::Ap {
                    let b = self.links.get(l).map(|x| x.bss);
                    let cipher = self
                        .links
                        .get(l)
                        .and_then(|x| self.bsss.get(x.bss))
                        .and_then(|b| self.nets.get(b.net))
                        .map(|n| n.suite.group);
                    if let (Some(bss), Some(cipher)) =
                        (b.and_then(|b| self.bsss.get_mut(b)), cipher)
                    {
                        let same = bss
                            .gtk
                            .as_ref()
                            .is_some_and(|g| g.tk.as_slice() == gtk.expose_secret());
                        if !same {
                            bss.gtk = TxKey::new(cipher, gtk.expose_secret(), key_id);
                        }
                    }
                }
                Ok(())
            }
            Action::Deauthenticate(reason) => self.deauth(sink, l, side, reason),
            Action::Completed(h) => {
                if let Some(link) = self.links.get_mut(l) {
                    if side == Side::Ap {
                        match h {
                            Handshake::FourWay { .. } => {
                                if link.open_4way {
                                    self.hs.completed += 1;
                                }
                                link.open_4way = false;
                                link.rekeying = false;
                                let ex = std::mem::take(&mut link.exchange);
                                if ex.sniffer_missed {
                                    link.tags
                                        .entry("capture-loss")
                                        .or_default()
                                        .extend(ex.frames);
                                }
                            }
                            Handshake::Group => {
                                if link.open_group {
                                    self.hs.completed += 1;
                                }
                                link.open_group = false;
                            }
                        }
                    }
                }
                Ok(())
            }
            Action::Failed { .. } => {
                self.link_down(l);
                Ok(())
            }
            // Discarded / Warning / InstallIgtk: nothing on the air.
            _ => Ok(()),
        }
    }

    fn install_ptk(
        &mut self,
        l: usize,
        side: Side,
        tk: &[u8],
        cipher: Cipher,
        key_id: u8,
        reset_pn: bool,
    ) {
        let now = self.now;
        let Some(link) = self.links.get_mut(l) else {
            return;
        };
        let slot = match side {
            Side::Ap => &mut link.ap_ptk,
            Side::Sta => &mut link.sta_ptk,
        };
        let prev_tk = slot.as_ref().map(|k| k.tk.clone());
        match slot {
            Some(k) if k.tk.as_slice() == tk => {
                // The same key again: only the KRACK-vulnerable fault resets the PN
                // (IEEE 802.11-2020 12.7.6.4: a key is never reinstalled).
                if reset_pn {
                    k.next_pn = 1;
                    let m3 = link.last_m3_frame;
                    if side == Side::Sta {
                        if let Some(n) = m3 {
                            link.tags.entry("key-reinstallation").or_default().push(n);
                        }
                    }
                }
            }
            _ => {
                *slot = TxKey::new(cipher, tk, key_id);
                if side == Side::Sta {
                    if let (Some(ms), Some(old)) = (link.michael_lag_ms, prev_tk) {
                        if cipher.normalized() == Cipher::TKIP && old.len() == 32 {
                            let mut rx = [0u8; 8];
                            let mut tx = [0u8; 8];
                            rx.copy_from_slice(old.get(16..24).unwrap_or(&[0; 8]));
                            tx.copy_from_slice(old.get(24..32).unwrap_or(&[0; 8]));
                            link.michael_lag = Some((now + ms * 1000, rx, tx));
                        }
                    }
                }
            }
        }
    }

    fn link_down(&mut self, l: usize) {
        let rejoin = self
            .links
            .get(l)
            .and_then(|x| self.sc.clients.get(x.group))
            .and_then(|c| c.rejoin_after_ms);
        let Some(link) = self.links.get_mut(l) else {
            return;
        };
        if !link.up {
            return;
        }
        link.up = false;
        if link.open_4way {
            self.hs.failed += 1;
            link.open_4way = false;
        }
        if link.open_group {
            self.hs.failed += 1;
            link.open_group = false;
        }
        let ex = std::mem::take(&mut link.exchange);
        if ex.sniffer_missed {
            link.tags
                .entry("capture-loss")
                .or_default()
                .extend(ex.frames);
        }
        link.auth = None;
        link.sup = None;
        link.ap_ptk = None;
        link.sta_ptk = None;
        link.michael_lag = None;
        link.rekeying = false;
        link.timers = [None, None];
        let joins = link.joins;
        if let Some(ms) = rejoin {
            if joins < 2 {
                self.push(self.now + ms * 1000, Ev::Join(l));
            }
        }
    }

    fn deauth<S: FrameSink>(
        &mut self,
        sink: &mut S,
        l: usize,
        side: Side,
        reason: ReasonCode,
    ) -> Result<(), SimError<S::Error>> {
        let Some(link) = self.links.get(l) else {
            return Ok(());
        };
        if !link.up {
            return Ok(());
        }
        let (b, sta) = (link.bss, link.sta);
        let Some(bssid) = self.bsss.get(b).map(|x| x.bssid) else {
            return Ok(());
        };
        self.buf.clear();
        match side {
            Side::Ap => {
                let s = self.ap_seq(b);
                air::deauth(&mut self.buf, sta, bssid, bssid, s, reason.0);
            }
            Side::Sta => {
                let s = self.sta_seq(l);
                air::deauth(&mut self.buf, bssid, sta, bssid, s, reason.0);
            }
        }
        let n = self.capture_buf(sink, false, false)?;
        let codes: Vec<&'static str> = self
            .links
            .get(l)
            .map(|x| {
                x.tags
                    .keys()
                    .copied()
                    .filter(|c| ENDS_IN_DEAUTH.contains(c))
                    .collect()
            })
            .unwrap_or_default();
        for c in codes {
            self.tag(l, c, n);
        }
        // The peer learns of it (deauthentication is not lost: it is retried until acked).
        let peer = match side {
            Side::Ap => Side::Sta,
            Side::Sta => Side::Ap,
        };
        self.now += 100;
        self.drive(sink, l, peer, Input::Deauthenticated(reason))?;
        self.link_down(l);
        Ok(())
    }

    // ------------------------------------------------------------------ EAPOL

    fn drop_matches(list: &[DropSpec], client: usize, msg: Msg, nth: u32) -> bool {
        list.iter().any(|d| {
            d.client as usize == client && d.msg == msg.name() && (d.nth == 0 || d.nth == nth)
        })
    }

    fn send_eapol<S: FrameSink>(
        &mut self,
        sink: &mut S,
        l: usize,
        side: Side,
        eapol: &[u8],
        protect: bool,
    ) -> Result<(), SimError<S::Error>> {
        let Some(link) = self.links.get_mut(l) else {
            return Ok(());
        };
        if !link.up {
            return Ok(());
        }
        let msg = Msg::classify(eapol);
        let nth = match msg {
            Some(m) => {
                let c = &mut link.msg_tx[m.index()];
                *c += 1;
                *c
            }
            None => 0,
        };
        if side == Side::Sta {
            link.sta_view.on_eapol(eapol);
        }
        let (b, sta) = (link.bss, link.sta);
        let Some(bss) = self.bsss.get(b) else {
            return Ok(());
        };
        let bssid = bss.bssid;
        let seq = match side {
            Side::Ap => self.ap_seq(b),
            Side::Sta => self.sta_seq(l),
        };
        self.buf.clear();
        let mut body = Vec::with_capacity(eapol.len() + 8);
        body.extend_from_slice(&air::llc(ETHERTYPE_EAPOL));
        body.extend_from_slice(eapol);
        let dir = if side == Side::Ap { Dir::Down } else { Dir::Up };
        air::data(&mut self.buf, dir, bssid, sta, bssid, seq, &body);
        // Protect under the sender's installed PTK (PTK rekey, group key handshake).
        let Some(link) = self.links.get_mut(l) else {
            return Ok(());
        };
        let key = if side == Side::Ap {
            link.ap_ptk.as_mut()
        } else {
            link.sta_ptk.as_mut()
        };
        let mut used: Option<Zeroizing<Vec<u8>>> = None;
        let mut derivable = false;
        if let (true, Some(k)) = (protect, key) {
            let (pn, _) = k.take_pn();
            if k.key
                .encrypt(&self.buf, pn, k.key_id, &mut self.enc)
                .is_ok()
            {
                if !k.derivable {
                    k.derivable = link.obs.has_tk(&k.tk);
                }
                derivable = k.derivable;
                used = Some(k.tk.clone());
            }
        }
        let protected = used.is_some();
        let client = l;
        let missed = msg.is_some_and(|m| Self::drop_matches(&self.sc.sniffer.drop, client, m, nth));
        let n = self.capture_buf(sink, protected, missed)?;
        if protected {
            self.account_protected(n, derivable);
        }
        let Some(link) = self.links.get_mut(l) else {
            return Ok(());
        };
        if missed {
            link.exchange.sniffer_missed = true;
        }
        if let Some(n) = n {
            link.exchange.frames.push(n);
        }
        // What a key holder learns from it.
        if n.is_some() && (!protected || derivable) {
            let (gtks, _) = link.obs.on_eapol(eapol);
            if let Some(bss) = self.bsss.get_mut(b) {
                for g in gtks {
                    if !bss
                        .derivable_gtks
                        .iter()
                        .any(|x| x.as_slice() == g.as_slice())
                    {
                        bss.derivable_gtks.push(g);
                    }
                }
            }
        }
        self.tag_eapol(l, msg, n, protected);
        // The medium.
        let forced = msg.is_some_and(|m| Self::drop_matches(&self.sc.air.drop, client, m, nth));
        let retry_start = self.frames;
        let arrived = self.medium(sink, protected, forced)?;
        for rn in retry_start + 1..=self.frames {
            if protected {
                self.account_protected(Some(rn), derivable);
            }
            if let Some(link) = self.links.get_mut(l) {
                link.exchange.frames.push(rn);
            }
        }
        if arrived {
            let epoch = self.links.get(l).map_or(0, |x| x.epoch);
            let to = if side == Side::Ap {
                Side::Sta
            } else {
                Side::Ap
            };
            let t = self.last_ts + self.sc.air.delay_us;
            self.push(
                t,
                Ev::Deliver {
                    link: l,
                    epoch,
                    to,
                    eapol: eapol.to_vec(),
                    key: used,
                },
            );
        }
        Ok(())
    }

    fn tag_eapol(&mut self, l: usize, msg: Option<Msg>, n: Option<u64>, protected: bool) {
        let Some(link) = self.links.get(l) else {
            return;
        };
        let Some(net) = self.bsss.get(link.bss).and_then(|b| self.nets.get(b.net)) else {
            return;
        };
        let sf = &link.sup_fault_names;
        let af = &net.auth_fault_names;
        let mut codes: Vec<&'static str> = Vec::new();
        match msg {
            Some(Msg::M1) => {
                if af.contains(&"change_anonce_in_m3") {
                    codes.push("anonce-changed");
                }
                if af.contains(&"new_anonce_per_m1_retry") {
                    codes.push("stale-anonce");
                }
                if af.contains(&"bogus_pmkid_in_m1") {
                    codes.push("bogus-pmkid");
                }
                if af.contains(&"replay_counter_not_incrementing") {
                    codes.push("replay-counter");
                }
                if sf.contains(&"offer_pmkid") && link.msg_tx[0] == 1 {
                    codes.push("pmkid-mismatch");
                }
            }
            Some(Msg::M2) => {
                if sf.contains(&"stale_ptk_on_rekey") && link.rekeying {
                    codes.push("stale-ptk");
                }
                if sf.contains(&"extra_pmkids_in_ft_m2") {
                    codes.push("ft-pmkid-list");
                }
                if link.wrong_key {
                    codes.push("wrong-psk");
                }
                if sf.contains(&"wrong_replay_counter_in_m2") {
                    codes.push("replay-counter");
                }
                if sf.contains(&"snonce_per_retransmission") {
                    codes.push("snonce-changed");
                }
            }
            Some(Msg::M3) => {
                if af.contains(&"change_anonce_in_m3") {
                    codes.push("anonce-changed");
                }
                if af.contains(&"replay_counter_not_incrementing") {
                    codes.push("replay-counter");
                }
                if sf.contains(&"ignore_m3") {
                    codes.push("m3-unanswered");
                }
            }
            Some(Msg::G1) if sf.contains(&"ignore_g1") => codes.push("group-key-timeout"),
            _ => {}
        }
        if link.rekeying
            && !protected
            && (af.contains(&"unprotected_eapol") || sf.contains(&"unprotected_eapol"))
        {
            codes.push("rekey-unprotected-eapol");
        }
        let is_m3 = msg == Some(Msg::M3);
        for c in codes {
            self.tag(l, c, n);
        }
        if is_m3 {
            if let (Some(link), Some(n)) = (self.links.get_mut(l), n) {
                link.last_m3_frame = Some(n);
            }
        }
    }

    fn deliver<S: FrameSink>(
        &mut self,
        sink: &mut S,
        l: usize,
        epoch: u32,
        to: Side,
        eapol: &[u8],
        key: Option<Zeroizing<Vec<u8>>>,
    ) -> Result<(), SimError<S::Error>> {
        if !self.link_live(l, epoch) {
            return Ok(());
        }
        let Some(link) = self.links.get_mut(l) else {
            return Ok(());
        };
        if let Some(k) = &key {
            // The receiver decrypts with the key it has installed; under any other key the
            // frame is dropped (IEEE 802.11-2020 12.5.3.4.4).
            let have = if to == Side::Ap {
                link.ap_ptk.as_ref()
            } else {
                link.sta_ptk.as_ref()
            };
            if have.is_none_or(|h| h.tk.as_slice() != k.as_slice()) {
                return Ok(());
            }
        }
        if to == Side::Sta {
            link.sta_view.on_eapol(eapol);
        }
        if to == Side::Ap && Msg::classify(eapol) == Some(Msg::Request) {
            // A Michael MIC Failure Report (EAPOL-Key Error + Request): the AP's TKIP
            // countermeasure logic counts it (IEEE 802.11-2020 12.5.2.4.3).
            let b = link.bss;
            self.michael_failure_at_ap(sink, b)?;
        }
        if !self.link_live(l, epoch) {
            return Ok(());
        }
        self.drive(
            sink,
            l,
            to,
            Input::Eapol {
                frame: eapol,
                protected: key.is_some(),
            },
        )
    }

    // ------------------------------------------------------------------ TKIP

    /// One Michael MIC failure detected at (or reported to) an AP: the second within 60 s
    /// starts countermeasures: every TKIP client is deauthenticated (reason 14) and no
    /// association is accepted for 60 s (IEEE 802.11-2020 12.5.2.4.3).
    fn michael_failure_at_ap<S: FrameSink>(
        &mut self,
        sink: &mut S,
        b: usize,
    ) -> Result<(), SimError<S::Error>> {
        let now = self.now;
        let Some(bss) = self.bsss.get_mut(b) else {
            return Ok(());
        };
        bss.mic_failures
            .retain(|t| now.saturating_sub(*t) < 60_000_000);
        bss.mic_failures.push(now);
        if bss.mic_failures.len() < 2 || bss.countermeasures_until.is_some_and(|u| u > now) {
            return Ok(());
        }
        bss.countermeasures_until = Some(now + 60_000_000);
        bss.mic_failures.clear();
        for l in bss.links.clone() {
            if let Some(a) = self
                .links
                .get_mut(l)
                .filter(|x| x.up)
                .and_then(|x| x.auth.as_mut())
            {
                a.deauthenticate(ReasonCode::MICHAEL_MIC_FAILURE);
                self.drive(sink, l, Side::Ap, Input::Timeout)?;
            }
        }
        Ok(())
    }

    /// The station detected a Michael failure on a received frame: it sends a Michael MIC
    /// Failure Report, an EAPOL-Key request with Error and Request set, MIC under its
    /// current KCK, protected under its current TK (IEEE 802.11-2020 12.7.2, 12.5.2.4.1).
    /// The report is built here because `rsn-handshake` has no input for it.
    fn michael_failure_at_sta<S: FrameSink>(
        &mut self,
        sink: &mut S,
        l: usize,
    ) -> Result<(), SimError<S::Error>> {
        let Some(link) = self.links.get_mut(l) else {
            return Ok(());
        };
        link.sta_mic_failures += 1;
        if link.sta_mic_failures > 2 {
            return Ok(());
        }
        let Some(net) = self.bsss.get(link.bss).and_then(|b| self.nets.get(b.net)) else {
            return Ok(());
        };
        let suite = net.suite;
        let Some(tk) = link.sta_ptk.as_ref().map(|k| k.tk.clone()) else {
            return Ok(());
        };
        let Some(kck) = link.sta_view.kck_for_tk(&tk) else {
            return Ok(());
        };
        let Ok(alg) = suite.mic_algorithm() else {
            return Ok(());
        };
        link.request_rc += 1;
        let ki = KeyInfo(0)
            .with_descriptor_version(KeyDescriptorVersion(suite.descriptor_version()))
            .with_key_type_pairwise(true)
            .with_key_mic(true)
            .with_secure(true)
            .with_error(true)
            .with_request(true);
        let repr = EapolKeyRepr {
            protocol_version: 2,
            descriptor_type: DescriptorType::RSN,
            key_info: ki,
            replay_counter: link.request_rc,
            mic: vec![0; suite.mic_len()],
            ..Default::default()
        };
        let Ok(mut frame) = repr.to_vec() else {
            return Ok(());
        };
        if let Ok(m) = compute_mic(alg, kck, &frame, EAPOL_KEY_MIC_OFFSET) {
            if let Some(dst) =
                frame.get_mut(EAPOL_KEY_MIC_OFFSET..EAPOL_KEY_MIC_OFFSET + m.as_bytes().len())
            {
                dst.copy_from_slice(m.as_bytes());
            }
        }
        let before = self.frames;
        self.send_eapol(sink, l, Side::Sta, &frame, true)?;
        for n in before + 1..=self.frames {
            self.tag(l, "michael-mic-failure", Some(n));
        }
        Ok(())
    }

    // ------------------------------------------------------------------ data

    /// An MSDU of `min..=max` octets into `self.enc`: LLC/SNAP, IPv4 (header checksum
    /// filled in), UDP (checksum 0: none), the frame counter, filler.
    fn payload(&mut self, n: u64, min: u16, max: u16, src_host: u64) {
        let span = u64::from(max.saturating_sub(min)) + 1;
        let len = u64::from(min.max(36)) + (n.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 40) % span;
        let ip_len = u16::try_from(len - 8).unwrap_or(28);
        let h = src_host.to_be_bytes();
        let mut ip = [
            0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, h[5], h[6], h[7], 10, 255, 0, 1,
        ];
        ip[2..4].copy_from_slice(&ip_len.to_be_bytes());
        ip[4..6].copy_from_slice(&(n as u16).to_be_bytes());
        let sum = ip
            .chunks_exact(2)
            .map(|c| u32::from(u16::from_be_bytes([c[0], c[1]])))
            .sum::<u32>();
        let sum = (sum & 0xffff) + (sum >> 16);
        let sum = !(((sum & 0xffff) + (sum >> 16)) as u16);
        ip[10..12].copy_from_slice(&sum.to_be_bytes());
        let udp_len = ip_len - 20;
        self.enc.clear();
        self.enc.extend_from_slice(&air::llc(0x0800));
        self.enc.extend_from_slice(&ip);
        self.enc.extend_from_slice(&[0x13, 0x89, 0x13, 0x89]);
        self.enc.extend_from_slice(&udp_len.to_be_bytes());
        self.enc.extend_from_slice(&[0, 0]);
        self.enc.extend_from_slice(&n.to_be_bytes());
        let rest = usize::from(udp_len).saturating_sub(16);
        let off = (n as usize).wrapping_mul(31) % 64;
        self.enc
            .extend_from_slice(self.filler.get(off..off + rest).unwrap_or(&[]));
    }

    fn data<S: FrameSink>(
        &mut self,
        sink: &mut S,
        l: usize,
        epoch: u32,
    ) -> Result<(), SimError<S::Error>> {
        if !self.link_live(l, epoch) {
            return Ok(());
        }
        let Some(link) = self.links.get(l) else {
            return Ok(());
        };
        let Some(c) = self.sc.clients.get(link.group) else {
            return Ok(());
        };
        if link.data_left == 0 {
            return Ok(());
        }
        let (interval, min, max) = (c.data.interval_us, c.data.min_len, c.data.max_len);
        let dir = match c.data.direction.as_str() {
            "up" => Dir::Up,
            "down" => Dir::Down,
            _ if link.data_n % 2 == 0 => Dir::Up,
            _ => Dir::Down,
        };
        let has_key = match dir {
            Dir::Up => link.sta_ptk.is_some(),
            Dir::Down => link.ap_ptk.is_some(),
        };
        if !has_key {
            // The controlled port is closed: try again later.
            self.push(self.now + interval, Ev::Data { link: l, epoch });
            return Ok(());
        }
        let n = link.data_n;
        let (b, sta) = (link.bss, link.sta);
        let seq = match dir {
            Dir::Up => self.sta_seq(l),
            Dir::Down => self.ap_seq(b),
        };
        let Some(bssid) = self.bsss.get(b).map(|x| x.bssid) else {
            return Ok(());
        };
        self.payload(n, min, max, l as u64 + 2);
        let body = std::mem::take(&mut self.enc);
        self.buf.clear();
        air::data(
            &mut self.buf,
            dir,
            bssid,
            sta,
            mac([0x02, 0xfe], 1),
            seq,
            &body,
        );
        self.enc = body;
        let now = self.now;
        let Some(link) = self.links.get_mut(l) else {
            return Ok(());
        };
        link.data_n += 1;
        link.data_left -= 1;
        let lag = link.michael_lag.filter(|(until, _, _)| *until > now);
        let (tx, rx) = match dir {
            Dir::Up => (
                link.sta_ptk.as_mut(),
                link.ap_ptk.as_ref().map(|k| k.tk.clone()),
            ),
            Dir::Down => (
                link.ap_ptk.as_mut(),
                link.sta_ptk.as_ref().map(|k| k.tk.clone()),
            ),
        };
        let Some(k) = tx else { return Ok(()) };
        let (pn, reuse) = k.take_pn();
        let stale_michael = matches!(dir, Dir::Up) && lag.is_some();
        let r = match (stale_michael, lag) {
            (true, Some((_, _, tx_mic))) => {
                k.key
                    .encrypt_tkip_with_michael(&self.buf, &tx_mic, pn, k.key_id, &mut self.enc)
            }
            _ => k.key.encrypt(&self.buf, pn, k.key_id, &mut self.enc),
        };
        if r.is_err() {
            return Ok(());
        }
        if !k.derivable {
            k.derivable = link.obs.has_tk(&k.tk);
        }
        let zero = k.zero;
        let derivable = k.derivable && !stale_michael;
        // Does the receiver hold the key this frame is under?
        let mismatch = rx.as_ref().is_some_and(|r| r.as_slice() != k.tk.as_slice());
        let rx_zero = rx.as_ref().is_some_and(|r| r.iter().all(|x| *x == 0));
        // Around a rekey: the receiver holds a PTK, just not this one (failure catalog
        // B2/D4). Before the first install there is no PTK to switch from.
        let switch = mismatch && !zero && !rx_zero;
        let n_frame = self.capture_buf(sink, true, false)?;
        self.account_protected(n_frame, derivable);
        if zero {
            if let Some(n) = n_frame {
                self.truth.zero_tk_frames += 1;
                push_range(&mut self.truth.zero_tk, n);
            }
            self.tag(l, "zero-tk", n_frame);
        }
        if switch {
            self.tag(l, "rekey-key-switch", n_frame);
        }
        if reuse {
            self.tag(l, "pn-reuse", n_frame);
        }
        if stale_michael {
            if n_frame.is_some() {
                self.truth.michael_failure_frames += 1;
            }
            self.tag(l, "michael-mic-failure", n_frame);
        }
        let before = self.frames;
        let arrived = self.medium(sink, true, false)?;
        for rn in before + 1..=self.frames {
            self.account_protected(Some(rn), derivable);
            if stale_michael {
                self.truth.michael_failure_frames += 1;
            }
        }
        // The receiver's TKIP checks.
        if arrived && !mismatch && rx.is_some() {
            match dir {
                Dir::Up if stale_michael => {
                    let b = self.links.get(l).map_or(0, |x| x.bss);
                    self.michael_failure_at_ap(sink, b)?;
                }
                Dir::Down if lag.is_some() => self.michael_failure_at_sta(sink, l)?,
                _ => {}
            }
        }
        if self.links.get(l).is_some_and(|x| x.data_left > 0) {
            self.push(self.now + interval, Ev::Data { link: l, epoch });
        }
        Ok(())
    }

    fn group_data<S: FrameSink>(
        &mut self,
        sink: &mut S,
        b: usize,
    ) -> Result<(), SimError<S::Error>> {
        let Some(bss) = self.bsss.get(b) else {
            return Ok(());
        };
        let Some(spec) = self.sc.networks.get(bss.net).map(|n| n.group_data.clone()) else {
            return Ok(());
        };
        if bss.group_left == 0 {
            return Ok(());
        }
        let any_client = bss.links.iter().any(|l| {
            self.links
                .get(*l)
                .is_some_and(|x| x.up && x.sta_ptk.is_some())
        });
        if bss.gtk.is_none() || !any_client {
            if self.active > 0 {
                self.push(self.now + spec.interval_us, Ev::GroupData(b));
            }
            return Ok(());
        }
        let bssid = bss.bssid;
        let n = spec.frames - bss.group_left;
        let seq = self.ap_seq(b);
        self.payload(n | 1 << 40, spec.min_len, spec.max_len, 1);
        let body = std::mem::take(&mut self.enc);
        self.buf.clear();
        air::data(
            &mut self.buf,
            Dir::Down,
            bssid,
            MacAddr::BROADCAST,
            mac([0x02, 0xfe], 1),
            seq,
            &body,
        );
        self.enc = body;
        let Some(bss) = self.bsss.get_mut(b) else {
            return Ok(());
        };
        bss.group_left -= 1;
        let Some(k) = bss.gtk.as_mut() else {
            return Ok(());
        };
        let (pn, _) = k.take_pn();
        if k.key
            .encrypt(&self.buf, pn, k.key_id, &mut self.enc)
            .is_err()
        {
            return Ok(());
        }
        if !k.derivable {
            let tk = k.tk.clone();
            k.derivable = bss
                .derivable_gtks
                .iter()
                .any(|g| g.as_slice() == tk.as_slice());
        }
        let derivable = k.derivable;
        let left = bss.group_left;
        // Group-addressed frames are not acknowledged: one transmission.
        let nf = self.capture_buf(sink, true, false)?;
        self.account_protected(nf, derivable);
        if left > 0 {
            self.push(self.now + spec.interval_us, Ev::GroupData(b));
        }
        Ok(())
    }

    // ------------------------------------------------------------------ truth

    fn finish(mut self) -> Truth {
        let mut t = std::mem::take(&mut self.truth);
        t.frames = self.frames;
        let mut hs = self.hs;
        for link in &self.links {
            hs.incomplete += u64::from(link.open_4way) + u64::from(link.open_group);
        }
        t.handshakes = hs;
        let mut findings: BTreeMap<(String, String, String), Vec<u64>> = BTreeMap::new();
        for link in &self.links {
            let Some(bss) = self.bsss.get(link.bss) else {
                continue;
            };
            let Some(net) = self.nets.get(bss.net) else {
                continue;
            };
            let (ap, sta) = (bss.bssid.to_string(), link.sta.to_string());
            let cspec = self.sc.clients.get(link.group);
            t.clients.push(ClientTruth {
                sta: sta.clone(),
                ap: ap.clone(),
                network: bss.net,
                passphrase: cspec.and_then(|c| c.passphrase.clone()),
            });
            let mut configured: Vec<(&str, &str, &'static str)> = Vec::new();
            for n in &link.sup_fault_names {
                let role = match *n {
                    "wrong_key" | "offer_pmkid" => "config",
                    "michael_key_lag" => "station",
                    _ => "supplicant",
                };
                configured.push((role, n, sup_code(n)));
            }
            for n in &net.auth_fault_names {
                configured.push(("authenticator", n, auth_code(n)));
            }
            if self
                .sc
                .sniffer
                .drop
                .iter()
                .any(|d| d.client as usize == link.idx)
            {
                configured.push(("sniffer", "drop", "capture-loss"));
            }
            for (role, name, code) in &configured {
                let mut frames = link.tags.get(code).cloned().unwrap_or_default();
                frames.sort_unstable();
                frames.dedup();
                t.faults.push(FaultTruth {
                    role: (*role).into(),
                    name: (*name).into(),
                    ap: ap.clone(),
                    sta: sta.clone(),
                    code: (*code).into(),
                    frames,
                });
            }
            for (code, frames) in &link.tags {
                if frames.is_empty() {
                    continue;
                }
                findings
                    .entry(((*code).to_string(), ap.clone(), sta.clone()))
                    .or_default()
                    .extend(frames);
            }
            let _ = net.tkip;
        }
        for ((code, ap, sta), mut frames) in findings {
            frames.sort_unstable();
            frames.dedup();
            t.expected_findings.push(FindingTruth {
                code,
                ap,
                sta,
                frames,
            });
        }
        t
    }
}

/// The finding code a supplicant (or client configuration) fault produces.
fn sup_code(name: &str) -> &'static str {
    match name {
        "stale_ptk_on_rekey" => "stale-ptk",
        "extra_pmkids_in_ft_m2" => "ft-pmkid-list",
        "ignore_m3" => "m3-unanswered",
        "ignore_g1" => "group-key-timeout",
        "reinstall_on_m3_retransmit" => "key-reinstallation",
        "install_ptk_delay" => "rekey-key-switch",
        "zero_tk" => "zero-tk",
        "wrong_replay_counter_in_m2" => "replay-counter",
        "snonce_per_retransmission" => "snonce-changed",
        "unprotected_eapol" => "rekey-unprotected-eapol",
        "michael_key_lag" => "michael-mic-failure",
        "wrong_key" => "wrong-psk",
        "offer_pmkid" => "pmkid-mismatch",
        _ => "",
    }
}

/// The finding code an authenticator fault produces.
fn auth_code(name: &str) -> &'static str {
    match name {
        "change_anonce_in_m3" => "anonce-changed",
        "new_anonce_per_m1_retry" => "stale-anonce",
        "bogus_pmkid_in_m1" => "bogus-pmkid",
        "replay_counter_not_incrementing" => "replay-counter",
        "early_install" | "late_install" => "rekey-key-switch",
        "unprotected_eapol" => "rekey-unprotected-eapol",
        _ => "",
    }
}
