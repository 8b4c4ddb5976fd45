//! Configuration of both machines: keys, timers, interoperability policies and the fault
//! switches the simulator uses to reproduce field failures.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use rsn_crypto::Pmk;
use rsn_wire::MacAddr;

use crate::suite::Suite;

/// Entropy for nonces, GTKs and RC4 key IVs. The machines never read an RNG: the caller
/// injects one (seeded for the simulator, the OS RNG for a real device).
pub trait NonceSource {
    /// Fill `out` with fresh random octets.
    fn fill(&mut self, out: &mut [u8]);
}

impl<F: FnMut(&mut [u8])> NonceSource for F {
    fn fill(&mut self, out: &mut [u8]) {
        self(out)
    }
}

/// A boxed [`NonceSource`].
pub type Nonces = Box<dyn NonceSource + Send>;

/// EAPOL-Key retransmission schedule (IEEE 802.11-2020 12.7.6.6 and 12.7.7.3:
/// dot11RSNAConfigPairwiseUpdateTimeout/Count, dot11RSNAConfigGroupUpdateTimeout/Count).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retransmit {
    /// Wait after the first transmission of a request.
    pub first: Duration,
    /// Wait after each retransmission.
    pub subsequent: Duration,
    /// Transmissions in total (first one included) before giving up.
    pub attempts: u32,
}

impl Retransmit {
    /// hostapd's pairwise schedule: first M1/M3 timeout 100 ms
    /// (`eapol_key_timeout_first`), then 1 s (`eapol_key_timeout_subseq`), 4 transmissions
    /// (`wpa_pairwise_update_count`, the standard's dot11RSNAConfigPairwiseUpdateCount
    /// default is 3).
    pub const HOSTAPD_PAIRWISE: Retransmit = Retransmit {
        first: Duration::from_millis(100),
        subsequent: Duration::from_millis(1000),
        attempts: 4,
    };
    /// hostapd's group schedule: first G1 timeout 500 ms (`eapol_key_timeout_first_group`),
    /// then 1 s, 4 transmissions (`wpa_group_update_count`).
    pub const HOSTAPD_GROUP: Retransmit = Retransmit {
        first: Duration::from_millis(500),
        subsequent: Duration::from_millis(1000),
        attempts: 4,
    };
    /// Wait after transmission number `n` (1-based).
    pub fn wait_after(&self, n: u32) -> Duration {
        if n <= 1 {
            self.first
        } else {
            self.subsequent
        }
    }
}

/// FT M2 PMKID list (failure catalog E1): what the authenticator accepts in the RSNE of
/// message 2/4 of an FT initial mobility domain association.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FtPmkidPolicy {
    /// Exactly `[PMKR1Name]` (hostapd before Feb 2024, `ft_check_msg_2_of_4`; IEEE
    /// 802.11-2020 13.4.2 / 12.7.6.3). Anything else: `Violation::FtPmkidList`,
    /// deauthentication with reason 2.
    #[default]
    Strict,
    /// PMKR1Name must be listed; other entries are accepted if the (Re)AssocReq listed
    /// them (hostapd 9929426b9, 2024: "the standard is somewhat unclear").
    Lenient,
}

/// Secure bit on PTK-rekey M1/M2 (failure catalog A13): 12.7.2 reads as Secure=1 once a
/// PTKSA exists, the 12.7.6 message descriptions show Secure=0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecureBitPolicy {
    /// Secure bit this side sets on rekey M1 (authenticator) / M2 (supplicant).
    pub set_on_rekey: bool,
    /// `Some(b)`: discard rekey M1/M2 whose Secure bit is not `b` (iwd's strict period);
    /// `None`: accept either (hostapd, wpa_supplicant).
    pub require_on_rekey: Option<bool>,
}

impl SecureBitPolicy {
    /// hostapd / wpa_supplicant since May 2022 (bc3699179): send 1, accept both.
    pub const MODERN: SecureBitPolicy = SecureBitPolicy {
        set_on_rekey: true,
        require_on_rekey: None,
    };
    /// Older implementations: send 0 (12.7.6 figures), accept both.
    pub const LEGACY: SecureBitPolicy = SecureBitPolicy {
        set_on_rekey: false,
        require_on_rekey: None,
    };
    /// Send 0 and require 0 (a strict reading of 12.7.6).
    pub const STRICT_LEGACY: SecureBitPolicy = SecureBitPolicy {
        set_on_rekey: false,
        require_on_rekey: Some(false),
    };
    /// Send 1 and require 1 (a strict reading of 12.7.2).
    pub const STRICT_MODERN: SecureBitPolicy = SecureBitPolicy {
        set_on_rekey: true,
        require_on_rekey: Some(true),
    };
}

impl Default for SecureBitPolicy {
    fn default() -> Self {
        SecureBitPolicy::MODERN
    }
}

/// FT key hierarchy inputs (IEEE 802.11-2020 12.7.1.7): both sides derive PMK-R0,
/// PMK-R1 and PMKR1Name from these.
#[derive(Clone, Debug)]
pub struct FtParams {
    /// XXKey: the PSK for FT-PSK, the PMK for FT-SAE, `xxkey_from_msk` for FT-802.1X.
    pub xxkey: Pmk,
    /// SSID.
    pub ssid: Vec<u8>,
    /// Mobility domain identifier.
    pub mdid: [u8; 2],
    /// FT Capability and Policy octet of the MDE.
    pub ft_capability: u8,
    /// R0KH-ID (1-48 octets, often the NAS identifier).
    pub r0kh_id: Vec<u8>,
    /// R1KH-ID (6 octets, often the BSSID).
    pub r1kh_id: MacAddr,
}

/// Where the PMK comes from.
#[derive(Clone, Debug)]
pub enum PmkSource {
    /// The PMK itself: the PSK, the PMK from 802.1X (MSK), or the PMK from SAE/OWE.
    Pmk(Pmk),
    /// FT initial mobility domain association: PMK-R0/R1 from the XXKey.
    Ft(FtParams),
}

/// A configuration the machines cannot run with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// AKM outside the supported table (FILS, PASN, ...).
    UnsupportedAkm,
    /// Cipher not usable here.
    UnsupportedCipher,
    /// PMK length does not fit the suite.
    PmkLength,
    /// The PMK is all zero (failure catalog A17).
    ZeroPmk,
    /// FT AKM without [`PmkSource::Ft`], or the reverse.
    FtMismatch,
    /// An RSNE given in the configuration does not parse.
    BadRsne,
    /// Key derivation failed (bad R0KH-ID length, SSID too long, ...).
    KeyDerivation,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConfigError::UnsupportedAkm => "unsupported AKM",
            ConfigError::UnsupportedCipher => "unsupported cipher",
            ConfigError::PmkLength => "PMK length does not fit the AKM",
            ConfigError::ZeroPmk => "all-zero PMK",
            ConfigError::FtMismatch => "FT AKM and PMK source disagree",
            ConfigError::BadRsne => "RSNE does not parse",
            ConfigError::KeyDerivation => "key derivation failed",
        })
    }
}

impl core::error::Error for ConfigError {}

/// Supplicant fault switches. Default: all off, a conforming supplicant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SupplicantFaults {
    /// Windows 7 SP1 before KB3094412 (failure catalog B1): on a PTK-rekey M2, compute the
    /// MIC with the *previous* PTK's KCK and set the Secure bit.
    pub stale_ptk_on_rekey: bool,
    /// FT initial MD association: list these PMKIDs in the M2 RSNE after PMKR1Name
    /// (Intel/Windows, failure catalog E1).
    pub extra_pmkids_in_ft_m2: Vec<[u8; 16]>,
    /// Never answer message 3/4 (failure catalog A14).
    pub ignore_m3: bool,
    /// Never answer group message 1/2 (failure catalog C1).
    pub ignore_g1: bool,
    /// KRACK-vulnerable (CVE-2017-13077, failure catalog V1): on a retransmitted M3 after
    /// the PTK is installed, install it again (`InstallPtk { reset_pn: true }`); likewise
    /// reinstall a GTK that a retransmitted G1 carries again.
    pub reinstall_on_m3_retransmit: bool,
    /// Install the new PTK this long after sending M4 (keeps the old key meanwhile; the
    /// TKIP re-authentication story, failure catalog B2/B5).
    pub install_ptk_delay: Option<Duration>,
    /// Install an all-zero TK (KRACK on wpa_supplicant 2.4/2.5, failure catalog D2).
    pub zero_tk: bool,
    /// Put the M1 replay counter plus one into M2 (failure catalog A11).
    pub wrong_replay_counter_in_m2: bool,
    /// Draw a new SNonce for every M1, retransmissions included (failure catalog A10).
    pub snonce_per_retransmission: bool,
    /// Send rekey M2/M4 and G2 unprotected while a PTK is installed (failure catalog B3).
    pub unprotected_eapol: bool,
}

/// Authenticator fault switches. Default: all off, a conforming authenticator.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthenticatorFaults {
    /// Put a fresh ANonce into M3 (failure catalog A8).
    pub change_anonce_in_m3: bool,
    /// Draw a new ANonce for every M1 retransmission (failure catalog A9).
    pub new_anonce_per_m1_retry: bool,
    /// Put a random PMKID KDE into M1 (failure catalog A16).
    pub bogus_pmkid_in_m1: bool,
    /// Reuse the replay counter on retransmissions and for M3 (failure catalog A11).
    pub replay_counter_not_incrementing: bool,
    /// PTK rekey: install the new TK when sending M3 instead of after M4 (failure
    /// catalog B2: frames under the new TK before the supplicant has it).
    pub early_install: bool,
    /// Install the new TK this long after M4 arrived (failure catalog B2, the other way).
    pub late_install: Option<Duration>,
    /// Send rekey M1/M3 and G1 unprotected while a PTK is installed (failure catalog B3).
    pub unprotected_eapol: bool,
}

/// Authenticator configuration (one BSS).
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// Negotiated suites.
    pub suite: Suite,
    /// The RSNE (whole element) of the Beacon/Probe Response; M3 carries it.
    pub beacon_rsne: Vec<u8>,
    /// A fresh PMK (PSK, or from 802.1X/SAE just completed), or the FT key hierarchy.
    /// `None`: only a PMKSA cache hit can start the handshake.
    pub pmk: Option<PmkSource>,
    /// Cached PMKs (PMKSA caching; with OKC the PMKs of the whole mobility group): one is
    /// used if the PMKID for (AA, SPA) matches a PMKID of the (Re)AssocReq
    /// (IEEE 802.11-2020 12.6.10.3).
    pub pmksa_cache: Vec<Pmk>,
    /// Put a PMKID KDE into M1 (hostapd: for 802.1X, SAE and FT, never for PSK, because
    /// it enables offline guessing). Always sent on a PMKSA cache hit.
    pub pmkid_kde_in_m1: bool,
    /// EAPOL protocol version of transmitted frames (hostapd `eapol_version`, default 2).
    pub eapol_version: u8,
    /// M1/M3 retransmission (dot11RSNAConfigPairwiseUpdateTimeout/Count).
    pub pairwise_retransmit: Retransmit,
    /// G1 retransmission (dot11RSNAConfigGroupUpdateTimeout/Count).
    pub group_retransmit: Retransmit,
    /// Secure bit on rekey M1 / required on rekey M2.
    pub secure_bit: SecureBitPolicy,
    /// FT M2 PMKID list policy.
    pub ft_pmkid_policy: FtPmkidPolicy,
    /// Start a group key handshake with a new GTK this often (hostapd `wpa_group_rekey`).
    pub gtk_rekey_interval: Option<Duration>,
    /// Replay counter of the first M1 (counters only increase afterwards).
    pub initial_replay_counter: u64,
    /// Fault switches.
    pub faults: AuthenticatorFaults,
}

impl AuthConfig {
    /// Defaults: hostapd timers, EAPOL version 2, modern Secure bit, strict FT PMKID list.
    pub fn new(suite: Suite, beacon_rsne: Vec<u8>, pmk: PmkSource) -> Self {
        AuthConfig {
            suite,
            beacon_rsne,
            pmkid_kde_in_m1: !suite.akm.is_psk(),
            pmk: Some(pmk),
            pmksa_cache: Vec::new(),
            eapol_version: 2,
            pairwise_retransmit: Retransmit::HOSTAPD_PAIRWISE,
            group_retransmit: Retransmit::HOSTAPD_GROUP,
            secure_bit: SecureBitPolicy::MODERN,
            ft_pmkid_policy: FtPmkidPolicy::Strict,
            gtk_rekey_interval: None,
            initial_replay_counter: 1,
            faults: AuthenticatorFaults::default(),
        }
    }
}
