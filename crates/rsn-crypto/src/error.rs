//! The one error type of this crate.

use core::fmt;

/// Everything that can go wrong in `rsn-crypto`.
///
/// Verification failures (`MicMismatch`, `DecryptFailed`, `IcvMismatch`, `MichaelMismatch`,
/// `IntegrityCheckFailed`) are distinct from malformed input (`Truncated`, `InvalidLength`,
/// ...), so an analyzer can tell "wrong key or tampered frame" from "not a frame we handle".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CryptoError {
    /// A key or secret of the wrong length for its use.
    InvalidKeyLength {
        /// Which key.
        what: &'static str,
        /// The length given, in octets.
        len: usize,
    },
    /// A passphrase outside 8..=63 characters (IEEE 802.11-2020 J.4.1).
    PassphraseLength(usize),
    /// A passphrase with a character outside printable ASCII 32..=126 (IEEE 802.11-2020 J.4.1).
    PassphraseCharacter,
    /// An SSID longer than 32 octets (IEEE 802.11-2020 9.4.2.2).
    SsidTooLong(usize),
    /// An input or output of a length the algorithm cannot handle.
    InvalidLength {
        /// Which input or output.
        what: &'static str,
        /// The length given, in octets.
        len: usize,
    },
    /// The input ends before the structure it should hold.
    Truncated {
        /// What was being read.
        what: &'static str,
    },
    /// The AKM suite is not in the suite table or has no rule for this operation.
    UnsupportedAkm,
    /// The cipher suite is not supported for this operation.
    UnsupportedCipher,
    /// The key descriptor version has no MIC algorithm for this AKM.
    UnsupportedDescriptorVersion(u8),
    /// The frame type (control frame, or a frame kind this operation does not take).
    UnsupportedFrame,
    /// The Protected Frame bit is clear on a frame given for decryption.
    NotProtected,
    /// The ExtIV bit is clear in a CCMP/GCMP/TKIP header (IEEE 802.11-2020 12.5.3.2).
    ExtIvNotSet,
    /// The EAPOL-Key MIC does not match.
    MicMismatch,
    /// AES key unwrap integrity check failed (RFC 3394 2.2.3): wrong KEK or corrupted data.
    IntegrityCheckFailed,
    /// CCMP/GCMP authentication failed: wrong TK, wrong AAD/nonce, or a modified frame.
    DecryptFailed,
    /// TKIP: the WEP ICV (CRC-32) does not match: wrong key or corrupted frame.
    IcvMismatch,
    /// TKIP: ICV correct but the Michael MIC is wrong: a Michael MIC failure
    /// (IEEE 802.11-2020 12.5.2.4: counts toward countermeasures).
    MichaelMismatch,
    /// TKIP: a fragment of an MSDU; Michael is over the reassembled MSDU.
    Fragmented,
    /// BIP: the last element of the frame body is not a well-formed MME.
    MmeMissing,
    /// BIP: the MME MIC does not match.
    BipMicMismatch,
}

impl fmt::Display for CryptoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CryptoError::InvalidKeyLength { what, len } => {
                write!(f, "invalid {what} length: {len} octets")
            }
            CryptoError::PassphraseLength(n) => {
                write!(f, "passphrase must be 8 to 63 characters, got {n}")
            }
            CryptoError::PassphraseCharacter => {
                f.write_str("passphrase must be printable ASCII (32..=126)")
            }
            CryptoError::SsidTooLong(n) => write!(f, "SSID longer than 32 octets: {n}"),
            CryptoError::InvalidLength { what, len } => {
                write!(f, "invalid {what} length: {len} octets")
            }
            CryptoError::Truncated { what } => write!(f, "truncated {what}"),
            CryptoError::UnsupportedAkm => f.write_str("unsupported AKM suite"),
            CryptoError::UnsupportedCipher => f.write_str("unsupported cipher suite"),
            CryptoError::UnsupportedDescriptorVersion(v) => {
                write!(
                    f,
                    "no MIC algorithm for key descriptor version {v} with this AKM"
                )
            }
            CryptoError::UnsupportedFrame => f.write_str("unsupported frame type"),
            CryptoError::NotProtected => f.write_str("Protected Frame bit not set"),
            CryptoError::ExtIvNotSet => f.write_str("ExtIV bit not set"),
            CryptoError::MicMismatch => f.write_str("EAPOL-Key MIC mismatch"),
            CryptoError::IntegrityCheckFailed => {
                f.write_str("AES key unwrap integrity check failed")
            }
            CryptoError::DecryptFailed => f.write_str("decryption failed (MIC mismatch)"),
            CryptoError::IcvMismatch => f.write_str("TKIP ICV mismatch"),
            CryptoError::MichaelMismatch => f.write_str("TKIP Michael MIC failure"),
            CryptoError::Fragmented => f.write_str("fragmented MSDU: Michael needs reassembly"),
            CryptoError::MmeMissing => f.write_str("no Management MIC element"),
            CryptoError::BipMicMismatch => f.write_str("BIP MIC mismatch"),
        }
    }
}

impl core::error::Error for CryptoError {}
