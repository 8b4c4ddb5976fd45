//! Scenarios as data (s2n-quic-sim `plans/*.toml`): networks, clients, their data, the
//! timeline, and the faults switched on in each role. Parsing validates everything the
//! runner relies on, so a scenario that parses runs. Unknown fields are errors.
//!
//! ```toml
//! name = "win7-stale-ptk-rekey"
//! description = "one line for --list"
//! duration_ms = 10000                      # virtual time cap
//!
//! [[network]]                              # one SSID; repeat for more
//! ssid = "corp"
//! passphrase = "rekey every twelve hours"  # or pmk = "<64 hex>"
//! akm = "psk"                              # psk, psk-sha256, ft-psk, 8021x, 8021x-sha256, ft-8021x, sae
//! pairwise = "ccmp"                        # ccmp, ccmp-256, gcmp, gcmp-256, tkip
//! group = "ccmp"
//! pmf = false
//! aps = 1                                  # BSSIDs serving the SSID
//! group_data = { frames = 20, interval_us = 10000 }
//! # ft = { mdid = "a1b2", r0kh_id = "r0kh.example", pmkid_policy = "strict" }
//! faults = { early_install = true }        # rsn_handshake::AuthenticatorFaults, by name
//!
//! [[client]]                               # a group of identical clients
//! count = 1
//! # passphrase = "wrong"                   # the client's own key (wrong PSK)
//! data = { frames = 60, interval_us = 10000, direction = "both" }
//! events = [{ at_ms = 300, action = "rekey" }]   # rekey, group-rekey, deauth
//! rejoin_after_ms = 2000
//! faults = { stale_ptk_on_rekey = true }   # rsn_handshake::SupplicantFaults, by name
//!
//! [air]                                    # the medium
//! loss = 0.0
//! drop = [{ client = 0, msg = "m4", nth = 1 }]
//!
//! [sniffer]                                # capture faults: frames missing from the capture only
//! drop = [{ client = 0, msg = "m2" }]
//! ```

use core::fmt;

use rsn_wire::{Akm, Cipher};
use serde::Deserialize;

/// A whole scenario, as read from TOML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name (`clean`, `wrong-psk`, ...).
    pub name: String,
    /// One line for `fourway simulate --list`.
    pub description: String,
    /// Virtual time the run lasts (ms); the run also ends early once nothing is left to do.
    #[serde(default = "default_duration")]
    pub duration_ms: u64,
    /// Networks (one SSID each, one or more APs).
    #[serde(rename = "network")]
    pub networks: Vec<NetworkSpec>,
    /// Client groups.
    #[serde(rename = "client", default)]
    pub clients: Vec<ClientSpec>,
    /// The radio medium between the stations.
    #[serde(default)]
    pub air: AirSpec,
    /// The capturing station (faults here drop frames from the capture only).
    #[serde(default)]
    pub sniffer: SnifferSpec,
}

fn default_duration() -> u64 {
    10_000
}

/// One network: an SSID served by `aps` access points.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSpec {
    /// SSID.
    pub ssid: String,
    /// Passphrase (PSK AKMs): the PMK is PBKDF2 of it and the SSID.
    #[serde(default)]
    pub passphrase: Option<String>,
    /// PMK in hex (802.1X AKMs: the PMK from the AAA server; or a raw PSK).
    #[serde(default)]
    pub pmk: Option<String>,
    /// AKM name (`psk`, `psk-sha256`, `ft-psk`, `8021x`, `8021x-sha256`, `ft-8021x`, `sae`).
    #[serde(default = "default_akm")]
    pub akm: String,
    /// Pairwise cipher name (`ccmp`, `ccmp-256`, `gcmp`, `gcmp-256`, `tkip`).
    #[serde(default = "default_cipher")]
    pub pairwise: String,
    /// Group data cipher name.
    #[serde(default = "default_cipher")]
    pub group: String,
    /// Protected Management Frames (802.11w): an IGTK in M3 and BIP-CMAC-128 in the RSNE.
    #[serde(default)]
    pub pmf: bool,
    /// Number of APs (BSSIDs) serving this SSID; clients are spread over them.
    #[serde(default = "one")]
    pub aps: u32,
    /// Beacon interval (ms; 0: no beacons except the first one of each AP).
    #[serde(default = "default_beacon")]
    pub beacon_interval_ms: u64,
    /// Broadcast data frames each AP sends under the GTK.
    #[serde(default)]
    pub group_data: DataSpec,
    /// FT (802.11r) parameters; required with an FT AKM.
    #[serde(default)]
    pub ft: Option<FtSpec>,
    /// Put a PMKID KDE into M1 (default: for 802.1X, SAE and FT AKMs, never for PSK).
    #[serde(default)]
    pub pmkid_kde_in_m1: Option<bool>,
    /// Authenticator fault switches (`rsn_handshake::AuthenticatorFaults`).
    #[serde(default)]
    pub faults: AuthFaultSpec,
    /// 802.1X with an AAA server: every association runs an EAP exchange whose MSK keys
    /// it, delivered in a RADIUS Access-Accept on the wired side (`run_with_wired`).
    #[serde(default)]
    pub aaa: Option<AaaSpec>,
}

/// The AAA server of an 802.1X network and its RADIUS client (the AP, as NAS).
///
/// The EAP method is abbreviated: EAP-Request/Identity, EAP-Response/Identity, then the
/// server's Access-Accept with EAP-Success and a fresh 64-octet MSK in its MS-MPPE keys. No
/// TLS runs (the key log route is tested with a real TLS library in `rsn-analyzer`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AaaSpec {
    /// RADIUS shared secret between the AP and the server.
    pub secret: String,
    /// The AP's (NAS) IPv4 address.
    #[serde(default = "default_nas_ip")]
    pub nas_ip: String,
    /// The AAA server's IPv4 address.
    #[serde(default = "default_server_ip")]
    pub server_ip: String,
    /// The wired capture's clock minus the air capture's (ms): a RADIUS capture taken on a
    /// server whose clock differs.
    #[serde(default)]
    pub clock_offset_ms: i64,
}

fn default_nas_ip() -> String {
    "10.0.0.2".into()
}
fn default_server_ip() -> String {
    "10.0.0.10".into()
}

impl AaaSpec {
    /// The two addresses, parsed.
    pub fn addrs(&self) -> Option<([u8; 4], [u8; 4])> {
        let nas: std::net::Ipv4Addr = self.nas_ip.parse().ok()?;
        let srv: std::net::Ipv4Addr = self.server_ip.parse().ok()?;
        Some((nas.octets(), srv.octets()))
    }
}

fn default_akm() -> String {
    "psk".into()
}
fn default_cipher() -> String {
    "ccmp".into()
}
fn one() -> u32 {
    1
}
fn default_beacon() -> u64 {
    100
}

/// FT (802.11r) mobility domain parameters.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FtSpec {
    /// Mobility domain identifier, 4 hex digits.
    pub mdid: String,
    /// R0KH-ID (the NAS identifier).
    pub r0kh_id: String,
    /// FT M2 PMKID list policy of the APs: `strict` (exactly [PMKR1Name]) or `lenient`.
    #[serde(default = "default_policy")]
    pub pmkid_policy: String,
}

fn default_policy() -> String {
    "strict".into()
}

/// Authenticator faults, by their names in `rsn_handshake::AuthenticatorFaults`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthFaultSpec {
    /// Put a fresh ANonce into M3.
    #[serde(default)]
    pub change_anonce_in_m3: bool,
    /// New ANonce on every M1 retransmission.
    #[serde(default)]
    pub new_anonce_per_m1_retry: bool,
    /// Random PMKID KDE in M1.
    #[serde(default)]
    pub bogus_pmkid_in_m1: bool,
    /// Reuse the replay counter.
    #[serde(default)]
    pub replay_counter_not_incrementing: bool,
    /// PTK rekey: install the new TK when sending M3.
    #[serde(default)]
    pub early_install: bool,
    /// PTK rekey: install the new TK this long after M4 (ms).
    #[serde(default)]
    pub late_install_ms: Option<u64>,
    /// Rekey EAPOL in the clear.
    #[serde(default)]
    pub unprotected_eapol: bool,
}

impl AuthFaultSpec {
    /// Names of the switches that are on.
    pub fn active(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        for (on, n) in [
            (self.change_anonce_in_m3, "change_anonce_in_m3"),
            (self.new_anonce_per_m1_retry, "new_anonce_per_m1_retry"),
            (self.bogus_pmkid_in_m1, "bogus_pmkid_in_m1"),
            (
                self.replay_counter_not_incrementing,
                "replay_counter_not_incrementing",
            ),
            (self.early_install, "early_install"),
            (self.late_install_ms.is_some(), "late_install"),
            (self.unprotected_eapol, "unprotected_eapol"),
        ] {
            if on {
                v.push(n);
            }
        }
        v
    }
}

/// Supplicant faults, by their names in `rsn_handshake::SupplicantFaults`, plus the
/// data-plane faults of the simulated station.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupFaultSpec {
    /// Rekey M2 with the previous PTK's KCK and the Secure bit (Windows 7 SP1).
    #[serde(default)]
    pub stale_ptk_on_rekey: bool,
    /// FT initial MD association: this many extra PMKIDs in the M2 RSNE after PMKR1Name.
    #[serde(default)]
    pub extra_pmkids_in_ft_m2: u32,
    /// Never answer M3.
    #[serde(default)]
    pub ignore_m3: bool,
    /// Never answer G1.
    #[serde(default)]
    pub ignore_g1: bool,
    /// KRACK-vulnerable: reinstall the PTK (PN reset) on a retransmitted M3.
    #[serde(default)]
    pub reinstall_on_m3_retransmit: bool,
    /// Install the new PTK this long after sending M4 (ms).
    #[serde(default)]
    pub install_ptk_delay_ms: Option<u64>,
    /// Install an all-zero TK.
    #[serde(default)]
    pub zero_tk: bool,
    /// Put the M1 replay counter plus one into M2.
    #[serde(default)]
    pub wrong_replay_counter_in_m2: bool,
    /// New SNonce for every M1, retransmissions included.
    #[serde(default)]
    pub snonce_per_retransmission: bool,
    /// Rekey EAPOL in the clear.
    #[serde(default)]
    pub unprotected_eapol: bool,
    /// TKIP data plane (simulated station, not the key machine): after a new PTK is
    /// installed, the driver keeps the previous Michael keys this long (ms), so its own
    /// frames carry a Michael MIC under the old key and frames it receives fail Michael.
    #[serde(default)]
    pub michael_key_lag_ms: Option<u64>,
    /// 802.1X with an AAA server: after a re-authentication the client keeps the PMK of
    /// its previous EAP session (the AP uses the new one).
    #[serde(default)]
    pub stale_pmk_after_reauth: bool,
}

impl SupFaultSpec {
    /// Names of the switches that are on.
    pub fn active(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        for (on, n) in [
            (self.stale_ptk_on_rekey, "stale_ptk_on_rekey"),
            (self.extra_pmkids_in_ft_m2 > 0, "extra_pmkids_in_ft_m2"),
            (self.ignore_m3, "ignore_m3"),
            (self.ignore_g1, "ignore_g1"),
            (
                self.reinstall_on_m3_retransmit,
                "reinstall_on_m3_retransmit",
            ),
            (self.install_ptk_delay_ms.is_some(), "install_ptk_delay"),
            (self.zero_tk, "zero_tk"),
            (
                self.wrong_replay_counter_in_m2,
                "wrong_replay_counter_in_m2",
            ),
            (self.snonce_per_retransmission, "snonce_per_retransmission"),
            (self.unprotected_eapol, "unprotected_eapol"),
            (self.michael_key_lag_ms.is_some(), "michael_key_lag"),
            (self.stale_pmk_after_reauth, "stale_pmk_after_reauth"),
        ] {
            if on {
                v.push(n);
            }
        }
        v
    }
}

/// A group of identical clients.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSpec {
    /// How many clients this group has.
    #[serde(default = "one")]
    pub count: u32,
    /// Index of the network they join.
    #[serde(default)]
    pub network: usize,
    /// The client's own passphrase when it differs from the network's (wrong PSK).
    #[serde(default)]
    pub passphrase: Option<String>,
    /// The client's own PMK (hex) when it differs from the network's.
    #[serde(default)]
    pub pmk: Option<String>,
    /// When the first client of the group starts joining (ms).
    #[serde(default = "default_join")]
    pub join_ms: u64,
    /// Spacing between the joins of the group's clients (µs).
    #[serde(default = "default_spacing")]
    pub join_spacing_us: u64,
    /// Unicast data per client.
    #[serde(default)]
    pub data: DataSpec,
    /// Timeline per client (times relative to its join).
    #[serde(default)]
    pub events: Vec<EventSpec>,
    /// Offer in the (Re)AssocReq the PMKID this client cached for *another* AP of the
    /// network (an SKC entry where the AP expects OKC): `other-ap`.
    #[serde(default)]
    pub offer_pmkid: Option<String>,
    /// After being deauthenticated, join again after this long (ms).
    #[serde(default)]
    pub rejoin_after_ms: Option<u64>,
    /// Supplicant (and station data-plane) faults.
    #[serde(default)]
    pub faults: SupFaultSpec,
}

fn default_join() -> u64 {
    20
}
fn default_spacing() -> u64 {
    2_000
}

/// A data stream.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataSpec {
    /// Frames to send (per client for unicast, per AP for group data).
    #[serde(default)]
    pub frames: u64,
    /// Start, relative to the client's join (unicast) or to the start of the run (group).
    #[serde(default = "default_data_start")]
    pub start_ms: u64,
    /// Interval between frames (µs).
    #[serde(default = "default_interval")]
    pub interval_us: u64,
    /// `both` (alternating), `up` (client to AP) or `down` (AP to client).
    #[serde(default = "default_direction")]
    pub direction: String,
    /// Smallest MSDU (octets, LLC included).
    #[serde(default = "default_min_len")]
    pub min_len: u16,
    /// Largest MSDU.
    #[serde(default = "default_max_len")]
    pub max_len: u16,
}

impl Default for DataSpec {
    fn default() -> Self {
        DataSpec {
            frames: 0,
            start_ms: default_data_start(),
            interval_us: default_interval(),
            direction: default_direction(),
            min_len: default_min_len(),
            max_len: default_max_len(),
        }
    }
}

fn default_data_start() -> u64 {
    50
}
fn default_interval() -> u64 {
    2_000
}
fn default_direction() -> String {
    "both".into()
}
fn default_min_len() -> u16 {
    64
}
fn default_max_len() -> u16 {
    512
}

/// One step of a client's timeline.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSpec {
    /// When, relative to the client's join (ms).
    pub at_ms: u64,
    /// `rekey` (the AP starts a PTK rekey), `group-rekey` (the AP starts a group key
    /// handshake with a new GTK), `deauth` (the client leaves, reason 3).
    pub action: String,
}

/// The medium.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AirSpec {
    /// Probability that one transmission attempt is lost for its receiver (the MAC retries
    /// up to `retries` times, Retry bit set, same sequence number).
    #[serde(default)]
    pub loss: f64,
    /// MAC retransmissions after a lost attempt.
    #[serde(default = "default_retries")]
    pub retries: u32,
    /// Propagation and processing delay before a receiver acts on a frame (µs).
    #[serde(default = "default_delay")]
    pub delay_us: u64,
    /// Targeted losses: every attempt of the named message is lost for the receiver.
    #[serde(default)]
    pub drop: Vec<DropSpec>,
}

impl Default for AirSpec {
    fn default() -> Self {
        AirSpec {
            loss: 0.0,
            retries: default_retries(),
            delay_us: default_delay(),
            drop: Vec::new(),
        }
    }
}

fn default_retries() -> u32 {
    3
}
fn default_delay() -> u64 {
    300
}

/// The sniffer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnifferSpec {
    /// Probability the sniffer misses any one frame.
    #[serde(default)]
    pub loss: f64,
    /// Targeted misses.
    #[serde(default)]
    pub drop: Vec<DropSpec>,
}

/// "The `nth` transmission of message `msg` of client `client`" (0-based client index over
/// all groups; `nth` 1-based, 0 = every one).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DropSpec {
    /// Client index.
    #[serde(default)]
    pub client: u32,
    /// `m1`..`m4`, `g1`, `g2`.
    pub msg: String,
    /// Which transmission (1-based; 0: all).
    #[serde(default = "one")]
    pub nth: u32,
}

/// Why a scenario cannot run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError(pub String);

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScenarioError {}

fn err(s: impl Into<String>) -> ScenarioError {
    ScenarioError(s.into())
}

/// Message names a [`DropSpec`] may use.
pub const MSG_NAMES: &[&str] = &["m1", "m2", "m3", "m4", "g1", "g2"];

impl Scenario {
    /// Parse and validate a scenario.
    ///
    /// # Errors
    /// TOML syntax, unknown fields, or values the runner cannot use.
    pub fn from_toml(text: &str) -> Result<Scenario, ScenarioError> {
        let s: Scenario = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        s.validate()?;
        Ok(s)
    }

    /// Check the values the runner relies on.
    ///
    /// # Errors
    /// The first problem found.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        if self.networks.is_empty() {
            return Err(err("a scenario needs at least one [[network]]"));
        }
        for (i, n) in self.networks.iter().enumerate() {
            let akm: Akm = n
                .akm
                .parse()
                .map_err(|_| err(format!("network {i}: unknown AKM {:?}", n.akm)))?;
            for c in [&n.pairwise, &n.group] {
                c.parse::<Cipher>()
                    .map_err(|_| err(format!("network {i}: unknown cipher {c:?}")))?;
            }
            if n.ssid.is_empty() || n.ssid.len() > 32 {
                return Err(err(format!("network {i}: SSID must be 1-32 octets")));
            }
            match (&n.passphrase, &n.pmk, &n.aaa) {
                (Some(_), None, None) | (None, Some(_), None) | (None, None, Some(_)) => {}
                (_, _, Some(_)) => {
                    return Err(err(format!(
                        "network {i}: with an AAA server the PMKs come from its EAP sessions: no passphrase or pmk"
                    )))
                }
                _ => {
                    return Err(err(format!(
                        "network {i}: give exactly one of passphrase and pmk"
                    )))
                }
            }
            if let Some(a) = &n.aaa {
                if !akm.is_8021x() || akm.is_psk() {
                    return Err(err(format!(
                        "network {i}: an AAA server needs an 802.1X AKM"
                    )));
                }
                if a.secret.is_empty() || a.addrs().is_none() {
                    return Err(err(format!(
                        "network {i}: aaa needs a secret and IPv4 addresses"
                    )));
                }
            }
            if akm.is_ft() != n.ft.is_some() {
                return Err(err(format!(
                    "network {i}: an FT AKM needs [network.ft] and the reverse"
                )));
            }
            if n.aps == 0 || n.aps > 4096 {
                return Err(err(format!("network {i}: aps must be 1-4096")));
            }
            if let Some(ft) = &n.ft {
                parse_mdid(&ft.mdid)?;
                if !matches!(ft.pmkid_policy.as_str(), "strict" | "lenient") {
                    return Err(err(format!(
                        "network {i}: pmkid_policy is strict or lenient"
                    )));
                }
            }
            check_data(&n.group_data, &format!("network {i} group_data"))?;
        }
        for (i, c) in self.clients.iter().enumerate() {
            if c.network >= self.networks.len() {
                return Err(err(format!("client group {i}: no network {}", c.network)));
            }
            check_data(&c.data, &format!("client group {i} data"))?;
            for e in &c.events {
                if !matches!(e.action.as_str(), "rekey" | "group-rekey" | "deauth") {
                    return Err(err(format!(
                        "client group {i}: unknown event action {:?}",
                        e.action
                    )));
                }
            }
            let aaa = self
                .networks
                .get(c.network)
                .is_some_and(|n| n.aaa.is_some());
            if c.faults.stale_pmk_after_reauth && !aaa {
                return Err(err(format!(
                    "client group {i}: stale_pmk_after_reauth needs a network with an AAA server"
                )));
            }
            if let Some(o) = &c.offer_pmkid {
                if o != "other-ap" {
                    return Err(err(format!(
                        "client group {i}: offer_pmkid is \"other-ap\""
                    )));
                }
            }
        }
        for d in self.air.drop.iter().chain(&self.sniffer.drop) {
            if !MSG_NAMES.contains(&d.msg.as_str()) {
                return Err(err(format!("drop: unknown message {:?}", d.msg)));
            }
        }
        for p in [self.air.loss, self.sniffer.loss] {
            if !(0.0..1.0).contains(&p) {
                return Err(err("loss probabilities must be in [0, 1)"));
            }
        }
        Ok(())
    }

    /// Total number of clients.
    pub fn client_count(&self) -> u64 {
        self.clients.iter().map(|c| u64::from(c.count)).sum()
    }

    /// Override the number of clients: the first client group gets `n` clients.
    pub fn set_clients(&mut self, n: u32) {
        if let Some(c) = self.clients.first_mut() {
            c.count = n;
        }
    }

    /// Override the number of APs of every network.
    pub fn set_aps(&mut self, n: u32) {
        for net in &mut self.networks {
            net.aps = n;
        }
    }

    /// Override the suites of every network: AKM, cipher (pairwise and group), PMF.
    /// Switching to a non-PSK AKM turns a passphrase into the PMK it gives (the PSK), so
    /// the truth names the key a receiver needs; switching to an FT AKM adds a default
    /// mobility domain.
    ///
    /// # Errors
    /// The result does not validate (unknown names, a key that does not derive).
    pub fn set_suite(
        &mut self,
        akm: Option<&str>,
        cipher: Option<&str>,
        pmf: Option<bool>,
    ) -> Result<(), ScenarioError> {
        for (i, net) in self.networks.iter_mut().enumerate() {
            if let Some(a) = akm {
                let parsed: Akm = a.parse().map_err(|_| err(format!("unknown AKM {a:?}")))?;
                net.akm = a.to_string();
                if !parsed.is_psk() {
                    if let Some(p) = net.passphrase.take() {
                        let pass = rsn_crypto::Passphrase::new(&p)
                            .map_err(|e| err(format!("network {i}: {e}")))?;
                        let pmk = rsn_crypto::psk_from_passphrase(&pass, net.ssid.as_bytes())
                            .map_err(|e| err(format!("network {i}: {e}")))?;
                        net.pmk = Some(hex::encode(pmk.expose_secret()));
                    }
                }
                if parsed.is_ft() && net.ft.is_none() {
                    net.ft = Some(FtSpec {
                        mdid: "a1b2".into(),
                        r0kh_id: "r0kh.fourway.example".into(),
                        pmkid_policy: default_policy(),
                    });
                }
                if !parsed.is_ft() {
                    net.ft = None;
                }
            }
            if let Some(c) = cipher {
                net.pairwise = c.to_string();
                net.group = c.to_string();
                if c.parse::<Cipher>()
                    .is_ok_and(|c| c.normalized() == Cipher::TKIP)
                {
                    // tshark (4.0) does not decrypt TKIP group-addressed frames, and a
                    // TKIP network's group traffic is TKIP: keep the capture checkable.
                    net.group_data.frames = 0;
                }
            }
            if let Some(p) = pmf {
                net.pmf = p;
            }
        }
        self.validate()
    }

    /// Override the data: `total` unicast frames spread evenly over all clients
    /// (the rounding remainder is dropped, so every client sends the same number).
    pub fn set_total_frames(&mut self, total: u64) {
        let n = self.client_count().max(1);
        for c in &mut self.clients {
            c.data.frames = total / n;
        }
    }
}

fn check_data(d: &DataSpec, what: &str) -> Result<(), ScenarioError> {
    if !matches!(d.direction.as_str(), "both" | "up" | "down") {
        return Err(err(format!("{what}: direction is both, up or down")));
    }
    if d.min_len < 16 || d.max_len < d.min_len || d.max_len > 2304 {
        return Err(err(format!(
            "{what}: need 16 <= min_len <= max_len <= 2304"
        )));
    }
    if d.interval_us == 0 && d.frames > 0 {
        return Err(err(format!("{what}: interval_us must be positive")));
    }
    Ok(())
}

/// Parse a mobility domain identifier (4 hex digits, as written: `a1b2` → `[0xa1, 0xb2]`).
///
/// # Errors
/// Not 4 hex digits.
pub fn parse_mdid(s: &str) -> Result<[u8; 2], ScenarioError> {
    let v = hex::decode(s).map_err(|_| err(format!("mdid {s:?}: 4 hex digits")))?;
    <[u8; 2]>::try_from(v.as_slice()).map_err(|_| err(format!("mdid {s:?}: 4 hex digits")))
}
