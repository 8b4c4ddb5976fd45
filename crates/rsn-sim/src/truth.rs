//! The ground truth of one run: what was configured, what was injected, and what a
//! receiver holding the network's keys must be able to do with the capture. Serialized as
//! JSON by `fourway simulate --truth`; the format is a contract (fields are only added).
//!
//! ```json
//! {
//!   "scenario": "win7-stale-ptk-rekey", "seed": 1, "frames": 57,
//!   "networks": [{ "ssid": "corp", "bssid": "02:00:00:00:01:00", "bssids": ["02:00:00:00:01:00"],
//!                  "passphrase": "...", "pmk": null, "akm": "psk", "pairwise": "ccmp", "group": "ccmp" }],
//!   "clients": [{ "sta": "02:00:00:01:00:00", "ap": "02:00:00:00:01:00", "network": 0 }],
//!   "protected_frames": 40, "decryptable_frames": 31, "decryptable": [[9, 30], [33, 42]],
//!   "zero_tk_frames": 0, "zero_tk": [], "michael_failure_frames": 0,
//!   "handshakes": { "total": 2, "completed": 1, "failed": 1, "incomplete": 0, "four_way": 2, "group": 0 },
//!   "faults": [{ "role": "supplicant", "name": "stale_ptk_on_rekey", "ap": "...", "sta": "...",
//!                "code": "stale-ptk", "frames": [33, 35, 37, 39, 41] }],
//!   "expected_findings": [{ "code": "stale-ptk", "ap": "...", "sta": "...", "frames": [33, 35, 37, 39, 41] }]
//! }
//! ```
//!
//! Frame numbers are 1-based, as Wireshark counts them. `decryptable` lists the
//! decryptable frames as inclusive ranges.

use serde::Serialize;

/// The truth of one run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Truth {
    /// Scenario name.
    pub scenario: String,
    /// Seed of the run.
    pub seed: u64,
    /// Frames in the capture.
    pub frames: u64,
    /// Networks, with the key material a receiver needs.
    pub networks: Vec<NetworkTruth>,
    /// Clients and the AP each associated to.
    pub clients: Vec<ClientTruth>,
    /// Frames with the Protected bit set.
    pub protected_frames: u64,
    /// Protected frames whose MIC verifies under a key derivable from the network's
    /// passphrase/PMK via the handshakes in the capture.
    pub decryptable_frames: u64,
    /// The decryptable frames, as inclusive ranges of frame numbers.
    pub decryptable: Vec<[u64; 2]>,
    /// Protected frames under an all-zero TK (they decrypt with the zero key, not with
    /// the network's keys; not in `decryptable_frames`).
    pub zero_tk_frames: u64,
    /// The zero-TK frames, as inclusive ranges.
    pub zero_tk: Vec<[u64; 2]>,
    /// TKIP frames whose ICV verifies but whose Michael MIC does not (not decryptable).
    pub michael_failure_frames: u64,
    /// Key exchanges as the authenticators ran them.
    pub handshakes: HandshakeTruth,
    /// Every injected fault and the frames it concerns.
    pub faults: Vec<FaultTruth>,
    /// Findings (codes of findings.md) a correct diagnosis names, per (AP, client).
    pub expected_findings: Vec<FindingTruth>,
    /// AAA servers of 802.1X networks (`aaa` in the scenario).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aaa: Vec<AaaTruth>,
    /// Every EAP session an AAA server ran, with the MSK it delivered.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub eap_sessions: Vec<EapSessionTruth>,
    /// Frames in the wired (RADIUS) capture.
    #[serde(skip_serializing_if = "is_zero")]
    pub wired_frames: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// An AAA server and its RADIUS client.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AaaTruth {
    /// Index of the network.
    pub network: usize,
    /// RADIUS shared secret.
    pub secret: String,
    /// The AP's (NAS) address.
    pub nas_ip: String,
    /// The server's address.
    pub server_ip: String,
    /// Wired clock minus air clock (ms).
    pub clock_offset_ms: i64,
}

/// One EAP session.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EapSessionTruth {
    /// Index of the network.
    pub network: usize,
    /// AP the client associated to.
    pub ap: String,
    /// Client address (also the Calling-Station-Id).
    pub sta: String,
    /// EAP identity.
    pub identity: String,
    /// The MSK, hex (64 octets).
    pub msk: String,
    /// Frame number of the Access-Request in the wired capture.
    pub request_frame: u64,
    /// Frame number of the Access-Accept in the wired capture.
    pub accept_frame: u64,
    /// The client keyed its handshake with this session's PMK (false: it kept an older one).
    pub used_by_client: bool,
}

/// A network.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NetworkTruth {
    /// SSID.
    pub ssid: String,
    /// BSSID of its first AP.
    pub bssid: String,
    /// Every AP's BSSID.
    pub bssids: Vec<String>,
    /// Passphrase (PSK AKMs).
    pub passphrase: Option<String>,
    /// PMK in hex (when given instead of a passphrase).
    pub pmk: Option<String>,
    /// AKM name.
    pub akm: String,
    /// Pairwise cipher name.
    pub pairwise: String,
    /// Group cipher name.
    pub group: String,
}

/// A client.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ClientTruth {
    /// Client address.
    pub sta: String,
    /// BSSID it associated to.
    pub ap: String,
    /// Network index.
    pub network: usize,
    /// The client's own passphrase when it differs from the network's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passphrase: Option<String>,
}

/// Handshake counts.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct HandshakeTruth {
    /// All exchanges (4-way, PTK rekey, group key).
    pub total: u64,
    /// Ended with the final message accepted.
    pub completed: u64,
    /// Ended without completing (rejected, timed out, torn down).
    pub failed: u64,
    /// Still running when the run ended.
    pub incomplete: u64,
    /// 4-way handshakes (PTK rekeys included).
    pub four_way: u64,
    /// Group key handshakes.
    pub group: u64,
}

/// One injected fault.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FaultTruth {
    /// `supplicant`, `authenticator`, `station` (data plane), `air`, `sniffer` or `config`.
    pub role: String,
    /// The switch (`rsn_handshake` fault field name, or the scenario's).
    pub name: String,
    /// AP address.
    pub ap: String,
    /// Client address.
    pub sta: String,
    /// Finding code it should produce.
    pub code: String,
    /// Frames it concerns.
    pub frames: Vec<u64>,
}

/// An expected finding.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct FindingTruth {
    /// Finding code (findings.md).
    pub code: String,
    /// AP address.
    pub ap: String,
    /// Client address.
    pub sta: String,
    /// Evidence frames.
    pub frames: Vec<u64>,
}

impl Truth {
    /// Is frame `n` decryptable?
    pub fn is_decryptable(&self, n: u64) -> bool {
        self.decryptable.iter().any(|[a, b]| (*a..=*b).contains(&n))
    }

    /// Is frame `n` protected under an all-zero TK?
    pub fn is_zero_tk(&self, n: u64) -> bool {
        self.zero_tk.iter().any(|[a, b]| (*a..=*b).contains(&n))
    }

    /// Every decryptable frame number, in order.
    pub fn decryptable_numbers(&self) -> impl Iterator<Item = u64> + '_ {
        self.decryptable.iter().flat_map(|[a, b]| *a..=*b)
    }
}

/// Append frame `n` to a range list kept in increasing order.
pub(crate) fn push_range(v: &mut Vec<[u64; 2]>, n: u64) {
    if let Some(last) = v.last_mut() {
        if last[1] + 1 == n {
            last[1] = n;
            return;
        }
    }
    v.push([n, n]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_merge_consecutive_frames() {
        let mut v = Vec::new();
        for n in [3, 4, 5, 7, 9, 10] {
            push_range(&mut v, n);
        }
        assert_eq!(v, vec![[3, 5], [7, 7], [9, 10]]);
        let t = Truth {
            decryptable: v,
            ..Default::default()
        };
        assert!(t.is_decryptable(4) && !t.is_decryptable(6));
        assert_eq!(
            t.decryptable_numbers().collect::<Vec<_>>(),
            vec![3, 4, 5, 7, 9, 10]
        );
    }
}
