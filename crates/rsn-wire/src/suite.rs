//! Cipher and AKM suite selectors (IEEE 802.11-2020 9.4.2.24.2 / 9.4.2.24.3).
//!
//! Both are *open*: any selector survives parse and emit, the known ones have names.
//! Text forms: the selector as `00-0f-ac:2` (the form fourway's JSON uses), or a name.

use core::fmt;
use core::str::FromStr;

/// The IEEE 802.11 OUI used by RSN suite selectors.
pub const OUI_IEEE: [u8; 3] = [0x00, 0x0f, 0xac];
/// Microsoft's OUI, used by the pre-RSN WPA1 vendor element.
pub const OUI_MSFT: [u8; 3] = [0x00, 0x50, 0xf2];

/// A 4-octet suite selector: OUI followed by a suite type.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SuiteSelector {
    /// Organizationally unique identifier.
    pub oui: [u8; 3],
    /// Suite type.
    pub suite_type: u8,
}

impl SuiteSelector {
    /// Selector with the IEEE OUI.
    pub const fn ieee(t: u8) -> Self {
        SuiteSelector {
            oui: OUI_IEEE,
            suite_type: t,
        }
    }
    /// Selector with Microsoft's (WPA1) OUI.
    pub const fn wpa1(t: u8) -> Self {
        SuiteSelector {
            oui: OUI_MSFT,
            suite_type: t,
        }
    }
    /// From the four octets as they appear on the wire.
    pub const fn from_bytes(b: [u8; 4]) -> Self {
        SuiteSelector {
            oui: [b[0], b[1], b[2]],
            suite_type: b[3],
        }
    }
    /// The four octets as they appear on the wire.
    pub const fn to_bytes(self) -> [u8; 4] {
        [self.oui[0], self.oui[1], self.oui[2], self.suite_type]
    }
}

impl fmt::Display for SuiteSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02x}-{:02x}-{:02x}:{}",
            self.oui[0], self.oui[1], self.oui[2], self.suite_type
        )
    }
}

impl fmt::Debug for SuiteSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Error parsing a suite from text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseSuiteError;

impl fmt::Display for ParseSuiteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown suite: give a name (e.g. psk, ccmp) or a selector (e.g. 00-0f-ac:2)")
    }
}

impl core::error::Error for ParseSuiteError {}

impl FromStr for SuiteSelector {
    type Err = ParseSuiteError;
    /// `00-0f-ac:2`, `00:0f:ac:2`, `000fac:2`, `00-0f-ac-02`, `000fac02`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (oui_part, ty_part) = if let Some((a, b)) = s.rsplit_once(':') {
            if a.chars().filter(|c| c.is_ascii_hexdigit()).count() == 6 {
                (a, Some(b))
            } else {
                (s, None)
            }
        } else {
            (s, None)
        };
        let digits: alloc::vec::Vec<u8> = oui_part
            .chars()
            .filter(|c| !matches!(c, '-' | ':' | '.'))
            .map(|c| c.to_digit(16).map(|d| d as u8))
            .collect::<Option<_>>()
            .ok_or(ParseSuiteError)?;
        match (digits.as_slice(), ty_part) {
            ([a, b, c, d, e, g], Some(t)) => {
                let suite_type = t.trim().parse::<u8>().map_err(|_| ParseSuiteError)?;
                Ok(SuiteSelector {
                    oui: [a << 4 | b, c << 4 | d, e << 4 | g],
                    suite_type,
                })
            }
            ([a, b, c, d, e, g, h, i], None) => Ok(SuiteSelector {
                oui: [a << 4 | b, c << 4 | d, e << 4 | g],
                suite_type: h << 4 | i,
            }),
            _ => Err(ParseSuiteError),
        }
    }
}

macro_rules! open_suite {
    ($(#[$m:meta])* $name:ident { $($(#[$cm:meta])* $konst:ident = $sel:expr, $text:literal;)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub SuiteSelector);

        impl $name {
            $($(#[$cm])* pub const $konst: $name = $name($sel);)*

            /// Every suite with a name, in table order.
            pub const KNOWN: &'static [$name] = &[$($name::$konst),*];

            /// The short name (`psk`, `ccmp`, ...), if this selector is a known one.
            pub fn name(&self) -> Option<&'static str> {
                match *self {
                    $(x if x == $name::$konst => Some($text),)*
                    _ => None,
                }
            }

            /// Look a suite up by short name (case-insensitive).
            pub fn from_name(s: &str) -> Option<$name> {
                $(if s.eq_ignore_ascii_case($text) { return Some($name::$konst); })*
                None
            }

            /// The selector.
            pub const fn selector(&self) -> SuiteSelector {
                self.0
            }
        }

        impl From<SuiteSelector> for $name {
            fn from(s: SuiteSelector) -> Self {
                $name(s)
            }
        }

        impl fmt::Display for $name {
            /// Always the selector form (`00-0f-ac:2`): stable in JSON.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(n) => write!(f, "{}({})", n, self.0),
                    None => write!(f, "{}", self.0),
                }
            }
        }

        impl FromStr for $name {
            type Err = ParseSuiteError;
            /// A name (`psk`) or a selector (`00-0f-ac:2`).
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                if let Some(k) = $name::from_name(s.trim()) {
                    return Ok(k);
                }
                s.parse::<SuiteSelector>().map($name)
            }
        }
    };
}

open_suite! {
    /// Authentication and key management suite (IEEE 802.11-2020 Table 9-151).
    Akm {
        /// 802.1X with PMKSA caching, SHA-1 (00-0f-ac:1).
        IEEE8021X = SuiteSelector::ieee(1), "8021x";
        /// PSK, SHA-1 (00-0f-ac:2).
        PSK = SuiteSelector::ieee(2), "psk";
        /// FT over 802.1X, SHA-256 (00-0f-ac:3).
        FT_IEEE8021X = SuiteSelector::ieee(3), "ft-8021x";
        /// FT with PSK (00-0f-ac:4).
        FT_PSK = SuiteSelector::ieee(4), "ft-psk";
        /// 802.1X, SHA-256 (00-0f-ac:5).
        IEEE8021X_SHA256 = SuiteSelector::ieee(5), "8021x-sha256";
        /// PSK, SHA-256 (00-0f-ac:6).
        PSK_SHA256 = SuiteSelector::ieee(6), "psk-sha256";
        /// TDLS TPK handshake (00-0f-ac:7).
        TDLS = SuiteSelector::ieee(7), "tdls";
        /// SAE (00-0f-ac:8).
        SAE = SuiteSelector::ieee(8), "sae";
        /// FT over SAE (00-0f-ac:9).
        FT_SAE = SuiteSelector::ieee(9), "ft-sae";
        /// APPeerKey (00-0f-ac:10).
        AP_PEERKEY = SuiteSelector::ieee(10), "ap-peerkey";
        /// Suite B, 802.1X, SHA-256 (00-0f-ac:11).
        SUITE_B = SuiteSelector::ieee(11), "suite-b";
        /// Suite B 192-bit, 802.1X, SHA-384 (00-0f-ac:12).
        SUITE_B_192 = SuiteSelector::ieee(12), "suite-b-192";
        /// FT over 802.1X, SHA-384 (00-0f-ac:13).
        FT_IEEE8021X_SHA384 = SuiteSelector::ieee(13), "ft-8021x-sha384";
        /// FILS SHA-256 (00-0f-ac:14).
        FILS_SHA256 = SuiteSelector::ieee(14), "fils-sha256";
        /// FILS SHA-384 (00-0f-ac:15).
        FILS_SHA384 = SuiteSelector::ieee(15), "fils-sha384";
        /// FT-FILS SHA-256 (00-0f-ac:16).
        FT_FILS_SHA256 = SuiteSelector::ieee(16), "ft-fils-sha256";
        /// FT-FILS SHA-384 (00-0f-ac:17).
        FT_FILS_SHA384 = SuiteSelector::ieee(17), "ft-fils-sha384";
        /// OWE (00-0f-ac:18).
        OWE = SuiteSelector::ieee(18), "owe";
        /// FT with PSK, SHA-384 (00-0f-ac:19).
        FT_PSK_SHA384 = SuiteSelector::ieee(19), "ft-psk-sha384";
        /// PSK, SHA-384 (00-0f-ac:20).
        PSK_SHA384 = SuiteSelector::ieee(20), "psk-sha384";
        /// PASN (00-0f-ac:21).
        PASN = SuiteSelector::ieee(21), "pasn";
        /// 802.1X, SHA-384 (00-0f-ac:23).
        IEEE8021X_SHA384 = SuiteSelector::ieee(23), "8021x-sha384";
        /// SAE with group-dependent hash (00-0f-ac:24).
        SAE_EXT_KEY = SuiteSelector::ieee(24), "sae-ext-key";
        /// FT over SAE with group-dependent hash (00-0f-ac:25).
        FT_SAE_EXT_KEY = SuiteSelector::ieee(25), "ft-sae-ext-key";
        /// WPA1 (pre-RSN) 802.1X (00-50-f2:1).
        WPA1_IEEE8021X = SuiteSelector::wpa1(1), "wpa-8021x";
        /// WPA1 (pre-RSN) PSK (00-50-f2:2).
        WPA1_PSK = SuiteSelector::wpa1(2), "wpa-psk";
    }
}

impl Akm {
    /// Fast BSS transition (802.11r) AKMs.
    pub fn is_ft(&self) -> bool {
        matches!(
            *self,
            Akm::FT_IEEE8021X
                | Akm::FT_PSK
                | Akm::FT_SAE
                | Akm::FT_IEEE8021X_SHA384
                | Akm::FT_FILS_SHA256
                | Akm::FT_FILS_SHA384
                | Akm::FT_PSK_SHA384
                | Akm::FT_SAE_EXT_KEY
        )
    }
    /// AKMs whose PMK comes from a pre-shared key (passphrase or PSK).
    pub fn is_psk(&self) -> bool {
        matches!(
            *self,
            Akm::PSK
                | Akm::FT_PSK
                | Akm::PSK_SHA256
                | Akm::FT_PSK_SHA384
                | Akm::PSK_SHA384
                | Akm::WPA1_PSK
        )
    }
    /// SAE-based AKMs.
    pub fn is_sae(&self) -> bool {
        matches!(
            *self,
            Akm::SAE | Akm::FT_SAE | Akm::SAE_EXT_KEY | Akm::FT_SAE_EXT_KEY
        )
    }
    /// 802.1X (EAP) AKMs: the PMK comes from the MSK.
    pub fn is_8021x(&self) -> bool {
        matches!(
            *self,
            Akm::IEEE8021X
                | Akm::FT_IEEE8021X
                | Akm::IEEE8021X_SHA256
                | Akm::SUITE_B
                | Akm::SUITE_B_192
                | Akm::FT_IEEE8021X_SHA384
                | Akm::IEEE8021X_SHA384
                | Akm::WPA1_IEEE8021X
        )
    }
    /// The pre-RSN WPA1 AKMs (Microsoft OUI).
    pub fn is_wpa1(&self) -> bool {
        self.0.oui == OUI_MSFT
    }
}

open_suite! {
    /// Cipher suite (IEEE 802.11-2020 Table 9-149).
    Cipher {
        /// Use the group cipher suite (00-0f-ac:0).
        USE_GROUP = SuiteSelector::ieee(0), "use-group";
        /// WEP-40 (00-0f-ac:1), identification only.
        WEP40 = SuiteSelector::ieee(1), "wep-40";
        /// TKIP (00-0f-ac:2).
        TKIP = SuiteSelector::ieee(2), "tkip";
        /// CCMP-128 (00-0f-ac:4).
        CCMP128 = SuiteSelector::ieee(4), "ccmp";
        /// WEP-104 (00-0f-ac:5), identification only.
        WEP104 = SuiteSelector::ieee(5), "wep-104";
        /// BIP-CMAC-128 (00-0f-ac:6).
        BIP_CMAC128 = SuiteSelector::ieee(6), "bip-cmac-128";
        /// Group addressed traffic not allowed (00-0f-ac:7).
        GROUP_NOT_ALLOWED = SuiteSelector::ieee(7), "no-group";
        /// GCMP-128 (00-0f-ac:8).
        GCMP128 = SuiteSelector::ieee(8), "gcmp";
        /// GCMP-256 (00-0f-ac:9).
        GCMP256 = SuiteSelector::ieee(9), "gcmp-256";
        /// CCMP-256 (00-0f-ac:10).
        CCMP256 = SuiteSelector::ieee(10), "ccmp-256";
        /// BIP-GMAC-128 (00-0f-ac:11).
        BIP_GMAC128 = SuiteSelector::ieee(11), "bip-gmac-128";
        /// BIP-GMAC-256 (00-0f-ac:12).
        BIP_GMAC256 = SuiteSelector::ieee(12), "bip-gmac-256";
        /// BIP-CMAC-256 (00-0f-ac:13).
        BIP_CMAC256 = SuiteSelector::ieee(13), "bip-cmac-256";
        /// WPA1 WEP-40 (00-50-f2:1).
        WPA1_WEP40 = SuiteSelector::wpa1(1), "wpa-wep-40";
        /// WPA1 TKIP (00-50-f2:2).
        WPA1_TKIP = SuiteSelector::wpa1(2), "wpa-tkip";
        /// WPA1 CCMP (00-50-f2:4).
        WPA1_CCMP = SuiteSelector::wpa1(4), "wpa-ccmp";
        /// WPA1 WEP-104 (00-50-f2:5).
        WPA1_WEP104 = SuiteSelector::wpa1(5), "wpa-wep-104";
    }
}

impl Cipher {
    /// Map the WPA1 selectors onto their RSN equivalents (same algorithm).
    pub fn normalized(self) -> Cipher {
        match self {
            Cipher::WPA1_WEP40 => Cipher::WEP40,
            Cipher::WPA1_TKIP => Cipher::TKIP,
            Cipher::WPA1_CCMP => Cipher::CCMP128,
            Cipher::WPA1_WEP104 => Cipher::WEP104,
            c => c,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn text_forms() {
        assert_eq!("psk".parse::<Akm>(), Ok(Akm::PSK));
        assert_eq!("00-0f-ac:2".parse::<Akm>(), Ok(Akm::PSK));
        assert_eq!("000fac02".parse::<Akm>(), Ok(Akm::PSK));
        assert_eq!("00-50-f2:2".parse::<Akm>(), Ok(Akm::WPA1_PSK));
        assert_eq!(Akm::FT_PSK.to_string(), "00-0f-ac:4");
        assert_eq!("ccmp-256".parse::<Cipher>(), Ok(Cipher::CCMP256));
        assert_eq!("00-0f-ac:99".parse::<Akm>().map(|a| a.name()), Ok(None));
        assert!("nonsense".parse::<Akm>().is_err());
    }
}
