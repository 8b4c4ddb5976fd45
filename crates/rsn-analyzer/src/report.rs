//! The analysis report: what `fourway analyze --json` prints.
//!
//! # JSON format (a contract)
//!
//! The fields below are relied on by scripts and outside checks: fields may be *added*,
//! never renamed or removed.
//!
//! ```text
//! { "summary": { "frames": N, "eapol_key_frames": N, "protected_frames": N, "decrypted_frames": N,
//!                "handshakes": { "total": N, "completed": N, "failed": N } },
//!   "handshakes": [ { "ap": "MAC", "sta": "MAC", "kind": "4way|rekey|group|ft-4way",
//!                     "akm": "00-0f-ac:2", "cipher": "00-0f-ac:4",
//!                     "messages": [ { "msg": "M1|M2|M3|M4|G1|G2", "frame": N,
//!                                     "mic": "valid|invalid|absent|unverified" } ],
//!                     "outcome": "completed|failed|incomplete" } ],
//!   "findings": [ { "code": "…", "severity": "…", "blame": "…", "ap": "MAC", "sta": "MAC",
//!                   "frames": [N], "clause": "…", "summary": "…", "evidence": ["…"] } ] }
//! ```
//!
//! Frame numbers are 1-based, as Wireshark counts them. `decrypted_frames` counts protected
//! frames whose decryption passed its integrity check.

use serde::Serialize;

/// The whole report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Counts over the whole capture.
    pub summary: Summary,
    /// Networks (BSSes) seen.
    pub networks: Vec<Network>,
    /// Per (AP, client) pair.
    pub clients: Vec<Client>,
    /// One verdict per client in plain words, worst first.
    pub verdicts: Vec<Verdict>,
    /// Every key exchange reconstructed, in order of its first frame.
    pub handshakes: Vec<Handshake>,
    /// Diagnoses.
    pub findings: Vec<Finding>,
    /// Problems with the input itself (corrupt blocks, undecodable frames), each naming a frame.
    pub input_problems: Vec<InputProblem>,
    /// 802.1X key discovery (`--radius`, `--tls-keylog`), when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enterprise: Option<Enterprise>,
}

/// What the RADIUS captures and the TLS key log gave.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Enterprise {
    /// Counters.
    #[serde(flatten)]
    pub stats: crate::enterprise::EnterpriseStats,
    /// Every EAP session that produced an MSK.
    pub sessions: Vec<EapSession>,
    /// Clock agreement between each RADIUS capture and the analyzed one.
    pub clocks: Vec<ClockAlignment>,
    /// Problems met while looking (wrong secret, session not in the key log, ...).
    pub problems: Vec<EnterpriseProblem>,
}

/// One EAP session with its MSK.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EapSession {
    /// Client address, when bound.
    pub sta: Option<String>,
    /// "radius" or "tls-keylog".
    pub origin: String,
    /// The capture holding the frame that delivered the key.
    pub capture: String,
    /// Access-Accept (RADIUS) or EAP-Success frame.
    pub frame: u64,
    /// Its time in its capture's clock, seconds since the Unix epoch.
    pub timestamp: f64,
    /// EAP identity / RADIUS User-Name.
    pub identity: Option<String>,
    /// The NAS (RADIUS client) address.
    pub nas: Option<String>,
    /// TLS method and version, when known.
    pub tls: Option<String>,
    /// Both routes (RADIUS and key log) gave this MSK.
    pub confirmed: bool,
    /// Handshakes (indices into `handshakes`) whose MICs verified with it.
    pub handshakes: Vec<usize>,
    /// The MSK, only with `--show-keys`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msk: Option<String>,
}

/// How a RADIUS capture's clock relates to the analyzed capture's, from the handshakes that
/// follow each Access-Accept.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ClockAlignment {
    /// The RADIUS capture.
    pub capture: String,
    /// Handshakes matched to an Access-Accept of it.
    pub handshakes: u64,
    /// Handshake start minus Access-Accept time, milliseconds: median, min, max.
    pub delay_ms_median: f64,
    /// Smallest delay.
    pub delay_ms_min: f64,
    /// Largest delay.
    pub delay_ms_max: f64,
    /// Whether the clocks agree (every handshake within 5 s after its Access-Accept).
    pub agree: bool,
    /// In words.
    pub note: String,
}

/// A problem of the 802.1X key discovery.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EnterpriseProblem {
    /// Capture name.
    pub capture: String,
    /// Frame number in it.
    pub frame: u64,
    /// What.
    pub problem: String,
}

/// Counts over the whole capture.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Records read from the capture.
    pub frames: u64,
    /// EAPOL-Key frames, including those found inside decrypted frames (PTK rekeys).
    pub eapol_key_frames: u64,
    /// 802.11 frames with the Protected bit set.
    pub protected_frames: u64,
    /// Protected frames whose decryption passed its integrity check.
    pub decrypted_frames: u64,
    /// Handshake counts.
    pub handshakes: HandshakeCounts,
    /// Protected frames whose decryption was attempted with a key and failed its check.
    pub decrypt_failures: u64,
    /// Protected frames for which no key was known.
    pub no_key_frames: u64,
    /// 802.11 MAC retries (Retry bit, same sequence number as the previous frame from that
    /// transmitter): not protocol retransmissions.
    pub mac_retries: u64,
    /// Frames with a bad FCS: counted and kept out of every crypto check.
    pub bad_fcs_frames: u64,
    /// Records the reader skipped or could not decode, by reason.
    pub skipped: Skipped,
    /// Frames whose PN did not increase under one key (replays or reuse), per direction.
    pub pn_replays: u64,
    /// Client state evicted under the state cap (least recently seen first).
    pub evicted_clients: u64,
    /// Group-addressed Deauthentication/Disassociation frames whose BIP MIC (IEEE 802.11-2020
    /// 12.5.4) verified under an IGTK from the capture.
    pub bip_valid: u64,
    /// ... whose BIP MIC did not verify, or whose IPN did not increase: forged or replayed;
    /// clients with PMF ignore them, so they end no association in the diagnosis.
    pub bip_invalid: u64,
    /// ... carrying a BIP MIC that could not be checked (no IGTK known).
    pub bip_unverified: u64,
    /// The state cap: (AP, client) pairs tracked at once.
    pub max_clients: u64,
    /// BSSes evicted under their cap.
    pub evicted_bss: u64,
    /// Times a bounded lookup table (MAC-retry sequence numbers, PN states) was reset full.
    pub table_resets: u64,
    /// Timestamps that go backwards (merged or reordered files).
    pub timestamps_backwards: u64,
    /// Records with a zero timestamp.
    pub timestamps_zero: u64,
    /// The run was interrupted (Ctrl-C) before the end of the capture: partial results.
    pub interrupted: bool,
    /// False when timestamps are broken: timing-based conclusions (retransmission intervals,
    /// "deauthenticated N ms later") are then unreliable.
    pub timing_reliable: bool,
}

/// Handshake counts.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct HandshakeCounts {
    /// All reconstructed exchanges.
    pub total: u64,
    /// Ended with the final message (M4 / G2) or proven complete by later traffic.
    pub completed: u64,
    /// Ended without completing (rejected, torn down, restarted).
    pub failed: u64,
    /// Still open at the end of the capture.
    pub incomplete: u64,
}

/// Records skipped, by reason.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Skipped {
    /// Corrupt or unreadable capture blocks.
    pub corrupt_blocks: u64,
    /// Records cut short (e.g. the last record of a truncated file).
    pub truncated_records: u64,
    /// Records with a link type fourway does not decode.
    pub unknown_link_type: u64,
    /// Records whose radio header could not be decoded.
    pub bad_radio_header: u64,
    /// 802.11 frames too short or malformed to parse.
    pub malformed_80211: u64,
    /// EAPOL frames that could not be parsed.
    pub malformed_eapol: u64,
    /// A-MSDUs whose subframe lengths run past the frame (the rest of the A-MSDU skipped).
    pub malformed_amsdu: u64,
}

/// A BSS.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Network {
    /// BSSID.
    pub bssid: String,
    /// SSID as text (lossy UTF-8), if seen.
    pub ssid: Option<String>,
    /// SSID octets in hex, when they are not valid UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssid_hex: Option<String>,
    /// "rsn", "wpa" (WPA1 vendor element) or "open".
    pub security: String,
    /// AKM selectors offered.
    pub akms: Vec<String>,
    /// Pairwise cipher selectors offered.
    pub pairwise_ciphers: Vec<String>,
    /// Group data cipher selector.
    pub group_cipher: Option<String>,
    /// Group management cipher selector (PMF).
    pub group_mgmt_cipher: Option<String>,
    /// "disabled", "capable" or "required".
    pub pmf: String,
    /// Mobility domain identifier (FT), hex.
    pub mdid: Option<String>,
    /// First frame announcing it.
    pub first_frame: u64,
    /// Runs of group-addressed data from the AP that decrypted under a GTK (key "gtk").
    pub group_timeline: Vec<Run>,
    /// Group keys learned from M3/G1 (key id, hex), only with `--show-keys`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gtks: Vec<(u8, String)>,
}

/// A client of an AP.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Client {
    /// AP (BSSID).
    pub ap: String,
    /// Client address.
    pub sta: String,
    /// The AKM negotiated in the (Re)Association Request, if seen.
    pub akm: Option<String>,
    /// The pairwise cipher negotiated.
    pub cipher: Option<String>,
    /// Where its PMK came from ("passphrase", "psk", "msk", "radius", "tls-keylog", or null
    /// when none verified).
    pub pmk_source: Option<String>,
    /// Where exactly, in words ("RADIUS Access-Accept at frame 12 of wired.pcapng, ...").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pmk_origin: Option<String>,
    /// For a client whose PMK was not found: what would provide it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pmk_hint: Option<String>,
    /// Protected frames of this pair.
    pub protected_frames: u64,
    /// Of which decrypted.
    pub decrypted_frames: u64,
    /// Timeline events: (re)association, authentication, deauthentication with reasons.
    pub events: Vec<Event>,
    /// Which PTK each direction used for its data, as runs of frames: around a rekey this
    /// shows when each side switched keys.
    pub key_timeline: Vec<KeyRun>,
    /// Runs of this pair's data frames sent with no protection at all (key "none").
    pub plain_timeline: Vec<Run>,
}

/// A run of consecutive frames in one direction under one kind of key (or none).
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    /// "ap" or "sta".
    pub from: String,
    /// First frame of the run.
    pub first_frame: u64,
    /// Last frame of the run.
    pub last_frame: u64,
    /// Frames in the run.
    pub frames: u64,
}

/// A run of consecutive protected frames in one direction under the PTK of one handshake.
#[derive(Debug, Clone, Serialize)]
pub struct KeyRun {
    /// "ap" (AP → client) or "sta" (client → AP).
    pub from: String,
    /// Index into `handshakes` of the handshake whose PTK protected these frames.
    pub handshake: usize,
    /// First frame of the run.
    pub first_frame: u64,
    /// Last frame of the run.
    pub last_frame: u64,
    /// Frames in the run.
    pub frames: u64,
}

/// A timeline event of a client.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// Frame number.
    pub frame: u64,
    /// Time offset from the first frame of the capture, in seconds.
    pub time: f64,
    /// "auth", "assoc-req", "assoc-resp", "reassoc-req", "reassoc-resp", "deauth", "disassoc".
    pub kind: String,
    /// Who sent it: "ap" or "sta".
    pub from: String,
    /// Detail: algorithm, status or reason code with its name.
    pub detail: String,
}

/// One reconstructed key exchange.
#[derive(Debug, Clone, Serialize)]
pub struct Handshake {
    /// AP (authenticator) address.
    pub ap: String,
    /// Client (supplicant) address.
    pub sta: String,
    /// "4way", "rekey", "group" or "ft-4way".
    pub kind: String,
    /// AKM selector, when known.
    pub akm: Option<String>,
    /// Pairwise cipher selector, when known.
    pub cipher: Option<String>,
    /// Its messages in capture order (MAC retries excluded).
    pub messages: Vec<Message>,
    /// "completed", "failed" or "incomplete".
    pub outcome: String,
    /// Why it failed or is incomplete, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The key material that verified its MICs ("passphrase", "psk", "msk", ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_source: Option<String>,
    /// Index into `enterprise.sessions` of the EAP session whose MSK keyed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eap_session: Option<usize>,
    /// Messages the sniffer missed that later frames prove were sent (e.g. "M4").
    pub inferred: Vec<String>,
    /// Codes of the findings whose evidence frames are this handshake's messages.
    pub findings: Vec<String>,
    /// The derived keys, only when asked for (`--show-keys`): never otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keys: Option<Keys>,
}

/// Keys of a handshake, in hex (only with `--show-keys`).
#[derive(Debug, Clone, Serialize)]
pub struct Keys {
    /// PMK (for FT: XXKey).
    pub pmk: String,
    /// KCK.
    pub kck: String,
    /// KEK.
    pub kek: String,
    /// TK.
    pub tk: String,
}

/// One message of a key exchange.
#[derive(Debug, Clone, Serialize)]
pub struct Message {
    /// "M1".."M4", "G1", "G2".
    pub msg: String,
    /// Frame number (1-based).
    pub frame: u64,
    /// "valid", "invalid", "absent" or "unverified".
    pub mic: String,
    /// Time offset from the first frame of the capture, in seconds.
    pub time: f64,
    /// EAPOL-Key replay counter.
    pub replay_counter: u64,
    /// True when it travelled inside a protected (encrypted) frame.
    pub encrypted: bool,
    /// True when it repeats an earlier message of the exchange (protocol retransmission).
    pub retransmission: bool,
}

/// The verdict on one client.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// AP address.
    pub ap: String,
    /// Client address.
    pub sta: String,
    /// Severity of the worst finding ("info" when none).
    pub severity: String,
    /// One sentence a network engineer understands.
    pub verdict: String,
    /// Codes of the client's findings.
    pub findings: Vec<String>,
}

/// A diagnosis.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Code from findings.md.
    pub code: String,
    /// "critical", "major", "minor" or "info".
    pub severity: String,
    /// "client", "ap", "infra", "config", "ambiguous", "capture" or "attack".
    pub blame: String,
    /// AP address.
    pub ap: String,
    /// Client address.
    pub sta: String,
    /// Evidence frames (1-based).
    pub frames: Vec<u64>,
    /// The IEEE 802.11-2020 clause the rule lives in.
    pub clause: String,
    /// One line for a network engineer.
    pub summary: String,
    /// Evidence lines.
    pub evidence: Vec<String>,
}

/// A problem with the input, located.
#[derive(Debug, Clone, Serialize)]
pub struct InputProblem {
    /// Frame number the problem concerns (or the last good frame before it).
    pub frame: u64,
    /// Byte offset in the file, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// What is wrong.
    pub problem: String,
}
