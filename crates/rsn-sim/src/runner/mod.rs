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
use rsn_crypto::{psk_from_passphrase, Passphrase, Pmk};
use rsn_handshake::{
    Action, AuthConfig, AuthState, Authenticator, AuthenticatorFaults, FtParams, FtPmkidPolicy,
    Handshake, Input, Instant, PmkSource, Suite, SupConfig, Supplicant, SupplicantFaults,
};
use rsn_wire::eapol::KeyInfo;
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

mod aaa;
mod data;
mod eapol;
mod findings;
mod machines;
mod mgmt;
mod setup;

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
    /// The wired sink failed.
    WiredSink(String),
}

impl<E: fmt::Display> fmt::Display for SimError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::Config(s) => write!(f, "scenario: {s}"),
            SimError::Sink(e) => write!(f, "capture output: {e}"),
            SimError::WiredSink(e) => write!(f, "wired capture output: {e}"),
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
    run_with_wired(
        scenario,
        seed,
        sink,
        &mut crate::sink::Discard::<core::convert::Infallible>::default(),
    )
}

/// [`run`], and the wired side of 802.1X networks with an AAA server (RADIUS between the
/// APs and the server, Ethernet frames) into `wired`.
///
/// # Errors
/// An unusable scenario, or a sink's error.
pub fn run_with_wired<S: FrameSink, W: FrameSink>(
    scenario: &Scenario,
    seed: u64,
    sink: &mut S,
    wired: &mut W,
) -> Result<Truth, SimError<S::Error>>
where
    W::Error: fmt::Display,
{
    let mut sim = Sim::new(scenario, seed)?;
    sim.run(sink, wired)?;
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
    tags: BTreeMap<&'static str, Vec<u64>>,
    sup_faults: SupplicantFaults,
    sup_fault_names: Vec<&'static str>,
    michael_lag_ms: Option<u64>,
    /// MSKs of this client's EAP sessions, oldest first (802.1X with an AAA server).
    msks: Vec<Zeroizing<Vec<u8>>>,
    /// This association's handshake is keyed by the client with an older session's PMK.
    stale_pmk: bool,
    /// The EAP session waiting for its Access-Accept.
    aaa_pending: Option<aaa::Pending>,
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
    /// The AAA server's Access-Accept for a link's pending EAP session.
    AaaAccept {
        link: usize,
        aid: u16,
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
    /// Wired (RADIUS) frames waiting for the wired sink: (timestamp ns, Ethernet frame).
    wired: Vec<(u64, Vec<u8>)>,
    aaa_rng: ChaCha20Rng,
    /// RADIUS Identifier of the next Access-Request, per network.
    radius_ids: Vec<u8>,
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

    fn run<S: FrameSink, W: FrameSink>(
        &mut self,
        sink: &mut S,
        wired: &mut W,
    ) -> Result<(), SimError<S::Error>>
    where
        W::Error: fmt::Display,
    {
        while let Some(item) = self.queue.pop() {
            for (ts, f) in self.wired.drain(..) {
                wired
                    .frame(ts, &f)
                    .map_err(|e| SimError::WiredSink(e.to_string()))?;
            }
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
                Ev::AaaAccept { link, aid } => self.aaa_accepted(sink, link, aid)?,
            }
        }
        for (ts, f) in self.wired.drain(..) {
            wired
                .frame(ts, &f)
                .map_err(|e| SimError::WiredSink(e.to_string()))?;
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
        "stale_pmk_after_reauth" => "stale-pmk",
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
