//! Reconstructed key exchanges: the 4-way handshake (initial, rekey, FT initial mobility
//! domain association) and the group key handshake, with their MIC verdicts.

use std::sync::Arc;

use rsn_crypto::Ptk;
use rsn_wire::{Akm, Cipher, MacAddr};

use crate::classify::MsgKind;
use crate::keys::KeySource;

/// The kind of an exchange (JSON `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Initial 4-way handshake after (re)association.
    FourWay,
    /// PTK rekey: a new 4-way handshake while a PTK is installed (IEEE 802.11-2020 12.7.6.1).
    Rekey,
    /// Group key handshake (IEEE 802.11-2020 12.7.7).
    Group,
    /// 4-way handshake of an FT initial mobility domain association (IEEE 802.11-2020 13.4.2).
    Ft4Way,
}

impl Kind {
    /// JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::FourWay => "4way",
            Kind::Rekey => "rekey",
            Kind::Group => "group",
            Kind::Ft4Way => "ft-4way",
        }
    }
}

/// MIC verdict of one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MicState {
    /// No MIC (M1; AEAD ciphers).
    Absent,
    /// No key to check it with.
    Unverified,
    /// Verified.
    Valid,
    /// Does not verify with any key material given.
    Invalid,
}

impl MicState {
    /// JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            MicState::Absent => "absent",
            MicState::Unverified => "unverified",
            MicState::Valid => "valid",
            MicState::Invalid => "invalid",
        }
    }
}

/// State of an exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Still going.
    Open,
    /// Final message seen (or proven by later traffic).
    Completed,
    /// Torn down, restarted or superseded without completing.
    Failed,
}

/// One EAPOL-Key message as it belongs to an exchange.
pub(crate) struct MsgRec {
    pub kind: MsgKind,
    pub frame: u64,
    pub ts_ns: i128,
    pub replay_counter: u64,
    pub encrypted: bool,
    pub retransmission: bool,
    pub mic: MicState,
    pub nonce: [u8; 32],
    /// Key descriptor version (bits 0-2 of Key Information).
    pub version: u8,
    pub mic_len: usize,
    /// The whole EAPOL frame, kept while its MIC is not yet decided (and for the diagnosis).
    pub raw: Option<Box<[u8]>>,
    /// Key data was unwrapped (M3/G1).
    pub unwrapped: bool,
    /// The unwrapped key data (secret: GTK/IGTK inside), kept for the diagnosis.
    pub plain: Option<zeroize::Zeroizing<Vec<u8>>>,
}

/// One reconstructed exchange.
pub(crate) struct Exchange {
    pub ap: MacAddr,
    pub sta: MacAddr,
    pub kind: Kind,
    pub akm: Option<Akm>,
    pub cipher: Option<Cipher>,
    pub messages: Vec<MsgRec>,
    pub state: State,
    pub reason: Option<String>,
    /// Association epoch of the pair when it started.
    pub epoch: u32,
    /// The PTK this exchange derived (pairwise), once a MIC verified with it.
    pub ptk: Option<Arc<Ptk>>,
    /// Where the PMK came from.
    pub source: Option<KeySource>,
    /// The PMK (for FT: XXKey) that verified, to re-derive per-message PTKs.
    pub key: Option<Arc<rsn_crypto::Pmk>>,
    /// The (ANonce, SNonce) of `ptk`.
    pub nonces: Option<([u8; 32], [u8; 32])>,
    /// Number of (candidates, anonces, snonces) last tried, to retry only on news.
    pub tried: (usize, usize, usize),
    /// PTK installed in the pair's key ring.
    pub installed: bool,
    /// Completion inferred from later traffic rather than seen (M4 missed by the sniffer).
    pub inferred: bool,
    /// The (Re)Association Request this exchange follows, if seen.
    pub assoc: Option<crate::engine::AssocInfo>,
    /// Index of the pair's previous pairwise exchange.
    pub previous: Option<usize>,
}

impl Exchange {
    pub fn new(ap: MacAddr, sta: MacAddr, kind: Kind, epoch: u32) -> Self {
        Exchange {
            ap,
            sta,
            kind,
            akm: None,
            cipher: None,
            messages: Vec::new(),
            state: State::Open,
            reason: None,
            epoch,
            ptk: None,
            source: None,
            key: None,
            nonces: None,
            tried: (0, 0, 0),
            installed: false,
            inferred: false,
            assoc: None,
            previous: None,
        }
    }

    pub fn has(&self, k: MsgKind) -> bool {
        self.messages.iter().any(|m| m.kind == k)
    }

    pub fn counters_of(&self, k: MsgKind) -> Vec<u64> {
        self.messages
            .iter()
            .filter(|m| m.kind == k)
            .map(|m| m.replay_counter)
            .collect()
    }

    /// ANonces to try for the PTK: the M1 answered by the M2 (same replay counter) first,
    /// then the other M1s (newest first), then M3's.
    pub fn anonces(&self) -> Vec<[u8; 32]> {
        let mut out: Vec<[u8; 32]> = Vec::new();
        let m2_rcs = self.counters_of(MsgKind::M2);
        let mut push = |n: [u8; 32]| {
            if n != [0u8; 32] && !out.contains(&n) {
                out.push(n);
            }
        };
        for m in self.messages.iter().rev() {
            if m.kind == MsgKind::M1 && m2_rcs.contains(&m.replay_counter) {
                push(m.nonce);
            }
        }
        for m in self.messages.iter().rev() {
            if m.kind == MsgKind::M1 {
                push(m.nonce);
            }
        }
        for m in &self.messages {
            if m.kind == MsgKind::M3 {
                push(m.nonce);
            }
        }
        out
    }

    /// SNonces of the M2s, newest first.
    pub fn snonces(&self) -> Vec<[u8; 32]> {
        let mut out: Vec<[u8; 32]> = Vec::new();
        for m in self.messages.iter().rev() {
            if m.kind == MsgKind::M2 && m.nonce != [0u8; 32] && !out.contains(&m.nonce) {
                out.push(m.nonce);
            }
        }
        out
    }

    /// Close as failed (if still open).
    pub fn fail(&mut self, why: impl Into<String>) {
        if self.state == State::Open {
            self.state = State::Failed;
            self.reason = Some(why.into());
        }
    }
}
