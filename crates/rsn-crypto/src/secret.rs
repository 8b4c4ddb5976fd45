//! Secret key types.
//!
//! Every type here keeps its octets in a fixed array (no heap), zeroizes it on drop, prints
//! only its type name and length in `Debug`, compares in constant time, and hands out its
//! bytes only through the loud `expose_secret()`.

use core::fmt;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::CryptoError;

macro_rules! secret_type {
    ($(#[$m:meta])* $name:ident, $max:expr, $what:literal, |$l:ident| $ok:expr) => {
        $(#[$m])*
        #[derive(Clone)]
        pub struct $name {
            bytes: [u8; $max],
            len: usize,
        }

        impl $name {
            /// Largest length this type holds, in octets.
            pub const MAX_LEN: usize = $max;

            /// Copy a key from `bytes`, checking its length.
            pub fn from_slice(bytes: &[u8]) -> Result<Self, CryptoError> {
                let $l = bytes.len();
                if !($ok) || $l > $max {
                    return Err(CryptoError::InvalidKeyLength { what: $what, len: $l });
                }
                let mut out = $name { bytes: [0u8; $max], len: $l };
                if let Some(dst) = out.bytes.get_mut(..$l) {
                    dst.copy_from_slice(bytes);
                }
                Ok(out)
            }

            /// The key octets. Named loudly: every call site is a place where a secret leaves
            /// its type.
            pub fn expose_secret(&self) -> &[u8] {
                self.bytes.get(..self.len).unwrap_or(&[])
            }

            /// Length in octets.
            pub fn len(&self) -> usize {
                self.len
            }

            /// Always false for a constructed key (kept for API symmetry with slices).
            pub fn is_empty(&self) -> bool {
                self.len == 0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({} octets)"), self.len)
            }
        }

        impl ConstantTimeEq for $name {
            fn ct_eq(&self, other: &Self) -> subtle::Choice {
                // The lengths are not secret; the octets are compared in constant time.
                let same_len = subtle::Choice::from(u8::from(self.len == other.len));
                same_len & self.bytes.ct_eq(&other.bytes)
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                bool::from(self.ct_eq(other))
            }
        }
        impl Eq for $name {}

        impl Zeroize for $name {
            fn zeroize(&mut self) {
                self.bytes.zeroize();
                self.len.zeroize();
            }
        }

        impl Drop for $name {
            fn drop(&mut self) {
                self.zeroize();
            }
        }

        impl ZeroizeOnDrop for $name {}

        impl TryFrom<&[u8]> for $name {
            type Error = CryptoError;
            fn try_from(b: &[u8]) -> Result<Self, CryptoError> {
                $name::from_slice(b)
            }
        }
    };
}

secret_type!(
    /// Pairwise master key: 32 octets (PSK, 802.1X, SAE group 19), 48 (SHA-384 AKMs,
    /// SAE/OWE group 20) or 64 (SAE/OWE group 21). IEEE 802.11-2020 12.7.1.3.
    Pmk, 64, "PMK", |l| l == 32 || l == 48 || l == 64
);
secret_type!(
    /// EAP master session key: at least 64 octets (RFC 3748 7.10, IEEE 802.11-2020 12.7.1.3).
    Msk, 128, "MSK", |l| l >= 64
);
secret_type!(
    /// Key confirmation key: 16, 24 or 32 octets (IEEE 802.11-2020 12.7.1.3, Table 12-11).
    Kck, 32, "KCK", |l| l == 16 || l == 24 || l == 32
);
secret_type!(
    /// Key encryption key: 16, 32 or 64 octets (IEEE 802.11-2020 Table 12-11).
    Kek, 64, "KEK", |l| l == 16 || l == 32 || l == 64
);
secret_type!(
    /// Key derivation key (IEEE 802.11az): 32 or 48 octets, or any length up to 64.
    Kdk, 64, "KDK", |l| l >= 16
);
secret_type!(
    /// Temporal key: 5/13 (WEP, identification only), 16 (CCMP-128, GCMP-128), 32 (TKIP
    /// incl. Michael keys, CCMP-256, GCMP-256). IEEE 802.11-2020 Table 12-7.
    Tk, 32, "TK", |l| l == 5 || l == 13 || l == 16 || l == 32
);
secret_type!(
    /// Group temporal key: 16 or 32 octets (TKIP GTK includes its Michael keys).
    Gtk, 32, "GTK", |l| l == 5 || l == 13 || l == 16 || l == 32
);
secret_type!(
    /// Integrity group temporal key (BIP): 16 or 32 octets. IEEE 802.11-2020 12.7.1.5.
    Igtk, 32, "IGTK", |l| l == 16 || l == 32
);
secret_type!(
    /// FT PMK-R0: 32 or 48 octets (64 for FT-SAE-EXT-KEY group 21). IEEE 802.11-2020 12.7.1.7.3.
    PmkR0, 64, "PMK-R0", |l| l == 32 || l == 48 || l == 64
);
secret_type!(
    /// FT PMK-R1: 32 or 48 octets (64 for FT-SAE-EXT-KEY group 21). IEEE 802.11-2020 12.7.1.7.4.
    PmkR1, 64, "PMK-R1", |l| l == 32 || l == 48 || l == 64
);

impl Tk {
    /// TKIP: the 16-octet temporal encryption key (TK bits 0..127).
    pub fn tkip_encryption_key(&self) -> Option<&[u8]> {
        (self.len == 32).then(|| self.bytes.get(..16)).flatten()
    }
    /// TKIP: Michael key for frames the Authenticator transmits (TK bits 128..191,
    /// IEEE 802.11-2020 12.8.1, "Tx MIC key" as seen by the AP).
    pub fn tkip_tx_mic_key(&self) -> Option<[u8; 8]> {
        (self.len == 32)
            .then(|| self.bytes.get(16..24)?.try_into().ok())
            .flatten()
    }
    /// TKIP: Michael key for frames the Supplicant transmits (TK bits 192..255).
    pub fn tkip_rx_mic_key(&self) -> Option<[u8; 8]> {
        (self.len == 32)
            .then(|| self.bytes.get(24..32)?.try_into().ok())
            .flatten()
    }
}

/// A passphrase for WPA-PSK: 8 to 63 printable ASCII characters (IEEE 802.11-2020 J.4.1).
#[derive(Clone)]
pub struct Passphrase {
    bytes: [u8; 63],
    len: usize,
}

impl Passphrase {
    /// Validate and store a passphrase.
    pub fn new(s: &str) -> Result<Self, CryptoError> {
        let b = s.as_bytes();
        // IEEE 802.11-2020 J.4.1: "a sequence of between 8 and 63 ASCII-encoded characters",
        // "each character ... has an encoding in the range of 32 to 126 (decimal)".
        if !(8..=63).contains(&b.len()) {
            return Err(CryptoError::PassphraseLength(s.chars().count()));
        }
        if !b.iter().all(|&c| (32..=126).contains(&c)) {
            return Err(CryptoError::PassphraseCharacter);
        }
        let mut out = Passphrase {
            bytes: [0u8; 63],
            len: b.len(),
        };
        if let Some(dst) = out.bytes.get_mut(..b.len()) {
            dst.copy_from_slice(b);
        }
        Ok(out)
    }

    /// The passphrase octets.
    pub fn expose_secret(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }

    /// Length in characters (= octets).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Never true for a validated passphrase.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Passphrase({} octets)", self.len)
    }
}

impl ConstantTimeEq for Passphrase {
    fn ct_eq(&self, other: &Self) -> subtle::Choice {
        subtle::Choice::from(u8::from(self.len == other.len)) & self.bytes.ct_eq(&other.bytes)
    }
}
impl PartialEq for Passphrase {
    fn eq(&self, other: &Self) -> bool {
        bool::from(self.ct_eq(other))
    }
}
impl Eq for Passphrase {}

impl Drop for Passphrase {
    fn drop(&mut self) {
        self.bytes.zeroize();
        self.len.zeroize();
    }
}
impl ZeroizeOnDrop for Passphrase {}

/// Pairwise transient key, split into its parts (IEEE 802.11-2020 12.7.1.3):
/// `KCK || KEK || TK [|| KDK]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Ptk {
    /// Key confirmation key (EAPOL-Key MIC).
    pub kck: Kck,
    /// Key encryption key (EAPOL-Key Key Data).
    pub kek: Kek,
    /// Temporal key (for TKIP: 16-octet key, Tx Michael key, Rx Michael key).
    pub tk: Tk,
    /// Key derivation key, when one was derived (IEEE 802.11az).
    pub kdk: Option<Kdk>,
}

impl Ptk {
    /// Split `KCK || KEK || TK [|| KDK]` octets into a PTK.
    pub fn from_parts(
        bytes: &[u8],
        kck_len: usize,
        kek_len: usize,
        tk_len: usize,
        kdk_len: usize,
    ) -> Result<Self, CryptoError> {
        let total = kck_len + kek_len + tk_len + kdk_len;
        if bytes.len() != total {
            return Err(CryptoError::InvalidLength {
                what: "PTK",
                len: bytes.len(),
            });
        }
        let (kck, rest) = bytes.split_at(kck_len);
        let (kek, rest) = rest.split_at(kek_len);
        let (tk, kdk) = rest.split_at(tk_len);
        Ok(Ptk {
            kck: Kck::from_slice(kck)?,
            kek: Kek::from_slice(kek)?,
            tk: Tk::from_slice(tk)?,
            kdk: if kdk_len == 0 {
                None
            } else {
                Some(Kdk::from_slice(kdk)?)
            },
        })
    }

    /// TKIP Michael key for Authenticator-transmitted frames (TK bits 128..191).
    pub fn tkip_tx_mic_key(&self) -> Option<[u8; 8]> {
        self.tk.tkip_tx_mic_key()
    }

    /// TKIP Michael key for Supplicant-transmitted frames (TK bits 192..255).
    pub fn tkip_rx_mic_key(&self) -> Option<[u8; 8]> {
        self.tk.tkip_rx_mic_key()
    }

    /// Total length in octets.
    pub fn len(&self) -> usize {
        self.kck.len() + self.kek.len() + self.tk.len() + self.kdk.as_ref().map_or(0, Kdk::len)
    }

    /// Never true.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Debug for Ptk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ptk")
            .field("kck", &self.kck)
            .field("kek", &self.kek)
            .field("tk", &self.tk)
            .field("kdk", &self.kdk)
            .finish()
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
mod tests {
    use super::*;
    use alloc::format;

    #[test]
    fn debug_shows_no_bytes() {
        let k = Kck::from_slice(&[0xab; 16]).unwrap();
        assert_eq!(format!("{k:?}"), "Kck(16 octets)");
        let p = Passphrase::new("password").map_err(|_| ());
        assert_eq!(format!("{:?}", p), "Ok(Passphrase(8 octets))");
    }

    #[test]
    fn passphrase_rules() {
        assert_eq!(
            Passphrase::new("short").err(),
            Some(CryptoError::PassphraseLength(5))
        );
        assert_eq!(
            Passphrase::new("tab\there!").err(),
            Some(CryptoError::PassphraseCharacter)
        );
        assert!(Passphrase::new(&"x".repeat(63)).is_ok());
        assert!(Passphrase::new(&"x".repeat(64)).is_err());
        assert!(Pmk::from_slice(&[0; 31]).is_err());
        assert!(Pmk::from_slice(&[1; 32]) != Pmk::from_slice(&[2; 32]));
    }
}
