//! [`Violation`]: everything a peer (or a captured frame) can do wrong in the 4-way and
//! group key handshakes, in the style of rustls `PeerMisbehaved`.
//!
//! Each variant knows
//! * the reason code the side that detects it ends up sending ([`Violation::reason_code`]),
//!   following hostapd (authenticator) and wpa_supplicant (supplicant) where they differ
//!   from the standard's silence;
//! * whether the receiver discards the frame silently and keeps waiting
//!   ([`Violation::is_fatal`] false: the handshake then ends by timeout, reason 15 or 16)
//!   or aborts at once;
//! * the finding code of `findings.md` ([`Violation::finding_code`]) and the clause of
//!   IEEE 802.11-2020 the rule lives in ([`Violation::clause`]).

use core::fmt;

use rsn_wire::ReasonCode;

/// Which EAPOL-Key message a violation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Msg {
    /// 4-way handshake message 1 (Authenticator → Supplicant).
    M1,
    /// 4-way handshake message 2.
    M2,
    /// 4-way handshake message 3.
    M3,
    /// 4-way handshake message 4.
    M4,
    /// Group key handshake message 1.
    G1,
    /// Group key handshake message 2.
    G2,
}

impl Msg {
    /// Group key handshake message?
    pub const fn is_group(self) -> bool {
        matches!(self, Msg::G1 | Msg::G2)
    }
    /// Sent by the Authenticator?
    pub const fn from_authenticator(self) -> bool {
        matches!(self, Msg::M1 | Msg::M3 | Msg::G1)
    }
    fn name(self) -> &'static str {
        match self {
            Msg::M1 => "message 1/4",
            Msg::M2 => "message 2/4",
            Msg::M3 => "message 3/4",
            Msg::M4 => "message 4/4",
            Msg::G1 => "group message 1/2",
            Msg::G2 => "group message 2/2",
        }
    }
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A Key Information bit or fixed field that contradicts the message's role
/// (IEEE 802.11-2020 12.7.2, 12.7.6.2-12.7.6.5, 12.7.7.2-12.7.7.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyInfoAnomaly {
    /// Descriptor Type is neither RSN (2) nor, for WPA1, 254.
    DescriptorType(u8),
    /// Key Descriptor Version differs from the one the AKM and cipher require.
    DescriptorVersion {
        /// Required version.
        expected: u8,
        /// Version in the frame.
        got: u8,
    },
    /// Key Type (pairwise/group) wrong for the message.
    KeyType,
    /// Key Ack wrong for the message.
    Ack,
    /// Key MIC bit wrong for the message.
    MicBit,
    /// Install bit wrong for the message.
    Install,
    /// Secure bit wrong for the message (outside the rekey ambiguity, see
    /// [`Violation::SecureBitMismatch`]).
    Secure,
    /// Encrypted Key Data bit wrong for the message.
    EncryptedKeyData,
    /// Request or Error bit set in a handshake message.
    RequestOrError,
    /// Key Length differs from the pairwise cipher's TK length.
    KeyLength {
        /// Required.
        expected: u16,
        /// In the frame.
        got: u16,
    },
    /// M4 carries a non-zero Key Nonce.
    NonceInM4,
    /// The Key MIC field length does not fit the AKM.
    MicLength,
}

impl fmt::Display for KeyInfoAnomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyInfoAnomaly::DescriptorType(t) => write!(f, "descriptor type {t}"),
            KeyInfoAnomaly::DescriptorVersion { expected, got } => {
                write!(f, "key descriptor version {got}, expected {expected}")
            }
            KeyInfoAnomaly::KeyType => f.write_str("key type bit"),
            KeyInfoAnomaly::Ack => f.write_str("Key Ack bit"),
            KeyInfoAnomaly::MicBit => f.write_str("Key MIC bit"),
            KeyInfoAnomaly::Install => f.write_str("Install bit"),
            KeyInfoAnomaly::Secure => f.write_str("Secure bit"),
            KeyInfoAnomaly::EncryptedKeyData => f.write_str("Encrypted Key Data bit"),
            KeyInfoAnomaly::RequestOrError => f.write_str("Request/Error bit"),
            KeyInfoAnomaly::KeyLength { expected, got } => {
                write!(f, "key length {got}, expected {expected}")
            }
            KeyInfoAnomaly::NonceInM4 => f.write_str("non-zero Key Nonce in message 4/4"),
            KeyInfoAnomaly::MicLength => f.write_str("Key MIC field length"),
        }
    }
}

/// Which FT element of the 4-way handshake disagrees (IEEE 802.11-2020 13.4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FtElement {
    /// Mobility Domain element missing or different.
    Mde,
    /// Fast BSS Transition element missing or different.
    Fte,
    /// R0KH-ID subelement missing or different.
    R0khId,
    /// R1KH-ID subelement missing or different.
    R1khId,
}

/// What is wrong with a GTK or IGTK KDE (IEEE 802.11-2020 12.7.2, Figures 12-36, 12-43).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KdeProblem {
    /// GTK length does not fit the group cipher.
    GtkLength,
    /// GTK Key ID 0 (reserved for pairwise keys without Extended Key ID).
    GtkKeyIdZero,
    /// IGTK Key ID not 4 or 5 (byte-swapped KeyIDs 0x0400/0x0500 land here).
    IgtkKeyId(u16),
    /// IGTK length does not fit the group management cipher.
    IgtkLength,
}

/// A violation of the RSN key handshakes, as detected live by a state machine or offline
/// by the analyzer on a captured frame.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Violation {
    /// The EAPOL-Key frame does not parse with the negotiated MIC length.
    Malformed {
        /// Message the receiver was expecting.
        msg: Msg,
    },
    /// A well-formed message that this side does not expect in its current state.
    UnexpectedMessage {
        /// The message.
        msg: Msg,
    },
    /// Key Information or a fixed field contradicts the message's role.
    KeyInfoAnomaly {
        /// The message.
        msg: Msg,
        /// What is wrong.
        what: KeyInfoAnomaly,
    },
    /// Supplicant: replay counter not greater than one already accepted.
    ReplayCounterNotIncreasing {
        /// The message.
        msg: Msg,
        /// Highest counter accepted before.
        last: u64,
        /// Counter in the frame.
        got: u64,
    },
    /// Authenticator: replay counter differs from the message it sent last.
    ReplayCounterMismatch {
        /// The message.
        msg: Msg,
        /// Counter of the outstanding request.
        expected: u64,
        /// Counter in the frame.
        got: u64,
    },
    /// The Key MIC does not verify with the KCK of this exchange.
    MicInvalid {
        /// The message.
        msg: Msg,
    },
    /// The Key MIC verifies only with the KCK of the previous PTK (Windows 7 rekey bug).
    /// Only the analyzer, which holds both keys, can tell; a machine sees `MicInvalid`.
    StalePtk {
        /// The message.
        msg: Msg,
    },
    /// M3's ANonce differs from M1's.
    AnonceChanged,
    /// A retransmitted M2 carries a different SNonce.
    SnonceChanged,
    /// An all-zero ANonce or SNonce.
    ZeroNonce {
        /// The message.
        msg: Msg,
    },
    /// The handshake ran on an all-zero PMK (configuration or firmware fault).
    ZeroPmk,
    /// Secure bit on a rekey M1/M2 differs from this side's reading of the standard
    /// ([`crate::SecureBitPolicy`]); an ambiguity, not a clear fault.
    SecureBitMismatch {
        /// The message.
        msg: Msg,
        /// Secure bit this side requires.
        expected: bool,
    },
    /// EAPOL-Key frame received unprotected while a PTK is installed.
    UnprotectedEapol {
        /// The message.
        msg: Msg,
    },
    /// RSNE missing from M2/M3 key data.
    RsneMissing {
        /// The message.
        msg: Msg,
    },
    /// RSNE in M2 differs from the (Re)AssocReq, or in M3 from the Beacon/Probe Response.
    RsneMismatch {
        /// The message.
        msg: Msg,
    },
    /// FT initial MD association: M2's RSNE PMKID list is not exactly `[PMKR1Name]`.
    FtPmkidList {
        /// Number of PMKIDs in the list.
        count: usize,
    },
    /// FT: the PMKID in M2/M3 is not the PMKR1Name of this association.
    FtPmkr1NameMismatch {
        /// The message.
        msg: Msg,
    },
    /// FT: MDE, FTE, R0KH-ID or R1KH-ID in M2/M3 differs from the (Re)Association.
    FtElementMismatch {
        /// The message.
        msg: Msg,
        /// Which one.
        element: FtElement,
    },
    /// No GTK KDE in M3 (RSN, pairwise keys in use) or G1.
    MissingGtk {
        /// The message.
        msg: Msg,
    },
    /// GTK KDE present but unusable.
    BadGtkKde {
        /// The message.
        msg: Msg,
        /// What is wrong.
        problem: KdeProblem,
    },
    /// PMF negotiated but no IGTK KDE in M3/G1.
    MissingIgtk {
        /// The message.
        msg: Msg,
    },
    /// Key data does not decrypt (AES key unwrap integrity check) with the KEK.
    KeyDataDecryptFailed {
        /// The message.
        msg: Msg,
    },
    /// Key data does not parse as elements and KDEs.
    KeyDataMalformed {
        /// The message.
        msg: Msg,
    },
    /// Authenticator: the PMKIDs of the (Re)AssocReq match no cached PMKSA and no fresh
    /// PMK is available.
    PmkidUnknown,
    /// Supplicant: M1's PMKID KDE is zero or matches no PMKID it offered.
    BogusPmkid,
    /// The peer did not answer in time (IEEE 802.11-2020 12.7.6.6 / 12.7.7.3).
    HandshakeTimeout {
        /// The message that went unanswered.
        msg: Msg,
    },
}

impl Violation {
    /// Reason code of the Deauthentication this violation leads to.
    ///
    /// Non-fatal violations (the frame is discarded) lead there by timeout: 15 (4-way
    /// handshake timeout) or 16 (group key handshake timeout). Fatal ones use what hostapd
    /// sends when the authenticator detects them (`wpa_sta_disconnect(..,
    /// WLAN_REASON_PREV_AUTH_NOT_VALID)` for an RSNE mismatch in M2 and for every
    /// `ft_check_msg_2_of_4` failure, `wpa_auth.c` / `wpa_auth_ft.c`) and what
    /// wpa_supplicant sends when the supplicant does (`WLAN_REASON_IE_IN_4WAY_DIFFERS`
    /// for M3 element mismatches, `wpa.c wpa_report_ie_mismatch`).
    pub fn reason_code(&self) -> ReasonCode {
        use Violation as V;
        let timeout = |m: &Msg| {
            if m.is_group() {
                ReasonCode::GROUP_KEY_UPDATE_TIMEOUT
            } else {
                ReasonCode::FOURWAY_HANDSHAKE_TIMEOUT
            }
        };
        match self {
            V::Malformed { msg }
            | V::UnexpectedMessage { msg }
            | V::KeyInfoAnomaly { msg, .. }
            | V::ReplayCounterNotIncreasing { msg, .. }
            | V::ReplayCounterMismatch { msg, .. }
            | V::MicInvalid { msg }
            | V::StalePtk { msg }
            | V::ZeroNonce { msg }
            | V::SecureBitMismatch { msg, .. }
            | V::UnprotectedEapol { msg }
            | V::KeyDataDecryptFailed { msg }
            | V::HandshakeTimeout { msg } => timeout(msg),
            V::AnonceChanged | V::SnonceChanged => ReasonCode::FOURWAY_HANDSHAKE_TIMEOUT,
            V::RsneMissing { msg: Msg::M2 }
            | V::RsneMismatch { msg: Msg::M2 }
            | V::FtPmkidList { .. }
            | V::FtPmkr1NameMismatch { msg: Msg::M2 }
            | V::FtElementMismatch { msg: Msg::M2, .. } => ReasonCode::PREV_AUTH_NOT_VALID,
            V::RsneMissing { .. }
            | V::RsneMismatch { .. }
            | V::FtPmkr1NameMismatch { .. }
            | V::FtElementMismatch { .. } => ReasonCode::IE_IN_4WAY_DIFFERS,
            V::MissingGtk { .. }
            | V::BadGtkKde { .. }
            | V::MissingIgtk { .. }
            | V::KeyDataMalformed { .. }
            | V::ZeroPmk => ReasonCode::UNSPECIFIED,
            V::PmkidUnknown | V::BogusPmkid => ReasonCode::INVALID_PMKID,
        }
    }

    /// Does the detecting side abort the handshake at once (true), or discard the frame
    /// and keep waiting (false)?
    ///
    /// IEEE 802.11-2020 12.7.6.3-12.7.6.5: frames with a bad MIC or replay counter are
    /// silently discarded; an RSNE mismatch aborts (MLME-DEAUTHENTICATE.request).
    pub fn is_fatal(&self) -> bool {
        use Violation as V;
        match self {
            V::RsneMissing { .. }
            | V::RsneMismatch { .. }
            | V::FtPmkidList { .. }
            | V::FtPmkr1NameMismatch { .. }
            | V::FtElementMismatch { .. }
            | V::MissingGtk { .. }
            | V::BadGtkKde { .. }
            | V::MissingIgtk { .. }
            | V::KeyDataMalformed { .. }
            | V::ZeroPmk
            | V::PmkidUnknown
            | V::HandshakeTimeout { .. } => true,
            V::Malformed { .. }
            | V::UnexpectedMessage { .. }
            | V::KeyInfoAnomaly { .. }
            | V::ReplayCounterNotIncreasing { .. }
            | V::ReplayCounterMismatch { .. }
            | V::MicInvalid { .. }
            | V::StalePtk { .. }
            | V::AnonceChanged
            | V::SnonceChanged
            | V::ZeroNonce { .. }
            | V::SecureBitMismatch { .. }
            | V::UnprotectedEapol { .. }
            | V::KeyDataDecryptFailed { .. }
            | V::BogusPmkid => false,
        }
    }

    /// Finding code (`findings.md`).
    pub fn finding_code(&self) -> &'static str {
        use Violation as V;
        match self {
            V::Malformed { .. } | V::UnexpectedMessage { .. } | V::KeyInfoAnomaly { .. } => {
                "key-info-anomaly"
            }
            V::ZeroNonce { .. } | V::KeyDataDecryptFailed { .. } | V::KeyDataMalformed { .. } => {
                "key-info-anomaly"
            }
            V::ReplayCounterNotIncreasing { .. } | V::ReplayCounterMismatch { .. } => {
                "replay-counter"
            }
            V::MicInvalid { msg: Msg::M2 } => "wrong-psk",
            V::MicInvalid { .. } => "mic-unverifiable",
            V::StalePtk { .. } => "stale-ptk",
            V::AnonceChanged => "anonce-changed",
            V::SnonceChanged => "snonce-changed",
            V::ZeroPmk => "zero-pmk",
            V::SecureBitMismatch { .. } => "secure-bit-ambiguity",
            V::UnprotectedEapol { .. } => "rekey-unprotected-eapol",
            V::RsneMissing { .. } | V::RsneMismatch { .. } => "rsne-mismatch",
            V::FtPmkidList { .. } => "ft-pmkid-list",
            V::FtPmkr1NameMismatch { .. } | V::FtElementMismatch { .. } => "ft-element-mismatch",
            V::MissingGtk { .. } | V::BadGtkKde { .. } | V::MissingIgtk { .. } => {
                "group-key-anomaly"
            }
            V::PmkidUnknown => "pmkid-mismatch",
            V::BogusPmkid => "bogus-pmkid",
            V::HandshakeTimeout { msg: Msg::M3 } => "m3-unanswered",
            V::HandshakeTimeout { msg: Msg::G1 } => "group-key-timeout",
            V::HandshakeTimeout { .. } => "handshake-timeout",
        }
    }

    /// The clause of IEEE 802.11-2020 the violated rule lives in.
    pub fn clause(&self) -> &'static str {
        use Violation as V;
        let by_msg = |m: &Msg| match m {
            Msg::M1 => "12.7.6.2",
            Msg::M2 => "12.7.6.3",
            Msg::M3 => "12.7.6.4",
            Msg::M4 => "12.7.6.5",
            Msg::G1 => "12.7.7.2",
            Msg::G2 => "12.7.7.3",
        };
        match self {
            V::Malformed { .. } | V::KeyInfoAnomaly { .. } => "12.7.2",
            V::UnexpectedMessage { msg }
            | V::MicInvalid { msg }
            | V::StalePtk { msg }
            | V::ZeroNonce { msg }
            | V::KeyDataDecryptFailed { msg }
            | V::KeyDataMalformed { msg }
            | V::RsneMissing { msg }
            | V::RsneMismatch { msg }
            | V::MissingGtk { msg }
            | V::BadGtkKde { msg, .. }
            | V::MissingIgtk { msg } => by_msg(msg),
            V::ReplayCounterNotIncreasing { .. } | V::ReplayCounterMismatch { .. } => "12.7.2",
            V::AnonceChanged => "12.7.6.4",
            V::SnonceChanged => "12.7.6.3",
            V::ZeroPmk => "12.7.1.3",
            V::SecureBitMismatch { .. } => "12.7.2",
            V::UnprotectedEapol { .. } => "12.7.6.1",
            V::FtPmkidList { .. } | V::FtPmkr1NameMismatch { .. } | V::FtElementMismatch { .. } => {
                "13.4.2"
            }
            V::PmkidUnknown | V::BogusPmkid => "12.7.1.3",
            V::HandshakeTimeout { msg } if msg.is_group() => "12.7.7.3",
            V::HandshakeTimeout { .. } => "12.7.6.6",
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Violation as V;
        match self {
            V::Malformed { msg } => write!(f, "malformed EAPOL-Key frame (expected {msg})"),
            V::UnexpectedMessage { msg } => write!(f, "unexpected {msg} in this state"),
            V::KeyInfoAnomaly { msg, what } => write!(f, "{msg}: {what}"),
            V::ReplayCounterNotIncreasing { msg, last, got } => write!(
                f,
                "{msg}: replay counter {got} did not increase (last accepted {last})"
            ),
            V::ReplayCounterMismatch { msg, expected, got } => write!(
                f,
                "{msg}: replay counter {got}, outstanding request has {expected}"
            ),
            V::MicInvalid { msg } => write!(f, "invalid MIC in {msg}"),
            V::StalePtk { msg } => write!(f, "{msg}: MIC computed with the previous PTK's KCK"),
            V::AnonceChanged => f.write_str("ANonce in message 3/4 differs from message 1/4"),
            V::SnonceChanged => f.write_str("SNonce changed between message 2/4 retransmissions"),
            V::ZeroNonce { msg } => write!(f, "{msg}: all-zero nonce"),
            V::ZeroPmk => f.write_str("handshake uses an all-zero PMK"),
            V::SecureBitMismatch { msg, expected } => write!(
                f,
                "{msg}: Secure bit {}, this side requires {} on rekey",
                u8::from(!expected),
                u8::from(*expected)
            ),
            V::UnprotectedEapol { msg } => {
                write!(f, "{msg} received unprotected while a PTK is installed")
            }
            V::RsneMissing { msg } => write!(f, "{msg}: no RSNE in key data"),
            V::RsneMismatch { msg: Msg::M2 } => {
                f.write_str("RSNE in message 2/4 differs from the (Re)Association Request")
            }
            V::RsneMismatch { msg } => {
                write!(f, "RSNE in {msg} differs from the Beacon/Probe Response")
            }
            V::FtPmkidList { count } => write!(
                f,
                "FT: message 2/4 RSNE lists {count} PMKIDs, expected exactly [PMKR1Name]"
            ),
            V::FtPmkr1NameMismatch { msg } => write!(f, "FT: PMKR1Name mismatch in {msg}"),
            V::FtElementMismatch { msg, element } => {
                write!(
                    f,
                    "FT: {element:?} in {msg} differs from the (Re)Association"
                )
            }
            V::MissingGtk { msg } => write!(f, "{msg}: no GTK KDE"),
            V::BadGtkKde { msg, problem } => write!(f, "{msg}: bad group key KDE ({problem:?})"),
            V::MissingIgtk { msg } => write!(f, "{msg}: PMF negotiated but no IGTK KDE"),
            V::KeyDataDecryptFailed { msg } => write!(f, "{msg}: key data does not decrypt"),
            V::KeyDataMalformed { msg } => write!(f, "{msg}: key data does not parse"),
            V::PmkidUnknown => f.write_str("no PMKSA matches the PMKIDs of the association"),
            V::BogusPmkid => f.write_str("PMKID KDE in message 1/4 matches no offered PMKID"),
            V::HandshakeTimeout { msg } => write!(f, "no answer to {msg} after all retries"),
        }
    }
}

impl core::error::Error for Violation {}
