//! What goes into the machines ([`Input`]) and what comes out ([`Action`]).

use alloc::vec::Vec;

use rsn_crypto::{Gtk, Igtk, Tk};
use rsn_wire::{Cipher, ReasonCode};

use crate::violation::Violation;

/// An input to [`crate::Authenticator::handle`] or [`crate::Supplicant::handle`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Input<'a> {
    /// The (re)association completed (and, for 802.1X, the PMK is available): the
    /// authenticator sends M1; the supplicant starts waiting for it.
    Start,
    /// An EAPOL frame (EAPOL header included, plaintext). `protected`: it arrived inside a
    /// protected (encrypted) data frame, i.e. under the current TK.
    Eapol {
        /// The frame.
        frame: &'a [u8],
        /// Arrived protected.
        protected: bool,
    },
    /// Nothing arrived; time passed (call when `now` reaches [`crate::Authenticator::poll_timeout`]).
    Timeout,
    /// Authenticator: start a PTK rekey (a new 4-way handshake under the installed PTK).
    StartRekey,
    /// Authenticator: generate a new GTK and run the group key handshake.
    StartGroupRekey,
    /// The peer sent a Deauthentication (or Disassociation) with this reason.
    Deauthenticated(ReasonCode),
    /// Supplicant: the MAC detected a TKIP Michael MIC failure on a received MSDU; the
    /// supplicant reports it to the authenticator (IEEE 802.11-2020 12.7.2: an EAPOL-Key
    /// request with Error set; TKIP countermeasures procedures). `pairwise`: under the PTK
    /// (else a group key).
    MichaelMicFailure {
        /// The failure was under the pairwise key.
        pairwise: bool,
    },
}

/// Which handshake completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Handshake {
    /// 4-way handshake; `rekey` for a PTK rekey under an installed PTK.
    FourWay {
        /// A PTK rekey.
        rekey: bool,
    },
    /// Group key handshake.
    Group,
}

/// An output of the machines, taken with `poll_action()`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Send this EAPOL frame. `protect`: send it under the current TK (PTK rekey, group
    /// key handshake); `false`: in the clear.
    Transmit {
        /// The EAPOL frame (EAPOL header included).
        frame: Vec<u8>,
        /// Send under the currently installed TK.
        protect: bool,
    },
    /// Configure the pairwise temporal key (MLME-SETKEYS). `reset_pn`: the transmit PN and
    /// receive replay counters restart at zero (always true for a new key; true for a
    /// *reinstalled* key only in the KRACK-vulnerable fault).
    InstallPtk {
        /// The TK.
        tk: Tk,
        /// Pairwise cipher.
        cipher: Cipher,
        /// Key ID (0 without Extended Key ID).
        key_id: u8,
        /// Reset the PN / replay counters.
        reset_pn: bool,
    },
    /// Configure a group temporal key with its receive sequence counter.
    InstallGtk {
        /// The GTK.
        gtk: Gtk,
        /// Key ID (1-3).
        key_id: u8,
        /// Key RSC (the next PN expected, little-endian value).
        rsc: u64,
    },
    /// Configure an integrity group temporal key (PMF).
    InstallIgtk {
        /// The IGTK.
        igtk: Igtk,
        /// Key ID (4 or 5).
        key_id: u16,
        /// IPN.
        ipn: [u8; 6],
    },
    /// Send a Deauthentication with this reason.
    Deauthenticate(ReasonCode),
    /// A received frame was silently discarded (IEEE 802.11-2020 12.7.6: bad MIC, replay
    /// counter, ...): the handshake goes on.
    Discarded(Violation),
    /// The peer deviated but the handshake goes on (e.g. a bogus PMKID KDE in M1).
    Warning(Violation),
    /// A handshake completed.
    Completed(Handshake),
    /// Authenticator: the supplicant sent a valid Michael MIC failure report. TKIP
    /// countermeasures are BSS-wide (two failures within 60 s stop TKIP for the whole BSS),
    /// so they belong to whoever runs the authenticators; this machine only reports.
    MichaelMicFailureReported {
        /// The report concerned the pairwise key.
        pairwise: bool,
    },
    /// The association is over: `violation` says why (`None`: the peer deauthenticated).
    Failed {
        /// Reason code sent or received.
        reason: ReasonCode,
        /// The cause, if this side detected one.
        violation: Option<Violation>,
    },
}
