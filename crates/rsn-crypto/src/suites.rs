//! Suite tables: what an AKM or a cipher suite implies.
//!
//! Sources: IEEE 802.11-2020 Table 9-151 (AKM suite selectors: KDF, key lengths),
//! Table 12-8 (integrity and key-wrap algorithms), Table 12-7 (cipher key lengths),
//! cross-checked with hostapd `src/common/wpa_common.c` (`wpa_kck_len`, `wpa_kek_len`,
//! `wpa_mic_len`, `wpa_use_akm_defined`, `wpa_use_cmac`, `wpa_eapol_key_mic`).

use rsn_wire::{Akm, Cipher};

use crate::kdf::Kdf;
use crate::mic::MicAlgorithm;

/// How the EAPOL-Key MIC algorithm is chosen for an AKM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MicRule {
    /// AKMs 00-0f-ac:1/2 and WPA1: the frame's Key Descriptor Version decides
    /// (1 = HMAC-MD5 with a TKIP pairwise cipher, 2 = HMAC-SHA-1-128 otherwise;
    /// IEEE 802.11-2020 12.7.2 b) 1)).
    ByDescriptorVersion,
    /// Key Descriptor Version 3, AES-128-CMAC (AKMs 3-7).
    Version3,
    /// Key Descriptor Version 0: the AKM defines the algorithm.
    AkmDefined(MicAlgorithm),
}

/// How a PMKID is formed for an AKM (IEEE 802.11-2020 12.7.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PmkidRule {
    /// Truncate-128(HMAC-SHA-1(PMK, "PMK Name" || AA || SPA)).
    HmacSha1,
    /// Truncate-128(HMAC-SHA-256(PMK, "PMK Name" || AA || SPA)).
    HmacSha256,
    /// Truncate-128(HMAC-SHA-384(PMK, "PMK Name" || AA || SPA)).
    HmacSha384,
    /// FT: the PMKID is PMKR0Name / PMKR1Name (IEEE 802.11-2020 12.7.1.7).
    FtKeyName,
    /// SAE: from the SAE exchange (IEEE 802.11-2020 12.4.5.4).
    Sae,
    /// OWE: Truncate-128(Hash(C || A)) (RFC 8110 4.4).
    Owe,
}

/// What an AKM suite implies for key derivation and EAPOL-Key protection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct AkmParams {
    /// The AKM.
    pub akm: Akm,
    /// KDF for the PTK (and FT key hierarchy).
    pub kdf: Kdf,
    /// EAPOL-Key MIC rule.
    pub mic: MicRule,
    /// MIC length in octets (for `ByDescriptorVersion`, 16 for both versions).
    pub mic_len: usize,
    /// KCK length in octets.
    pub kck_len: usize,
    /// KEK length in octets.
    pub kek_len: usize,
    /// KDK length in octets when a KDK is derived (IEEE 802.11az 12.7.1.3): hash length.
    pub kdk_len: usize,
    /// PMK length in octets.
    pub pmk_len: usize,
    /// PMKID rule.
    pub pmkid: PmkidRule,
    /// Key Data encryption: `true` = AES key wrap always; `false` = by descriptor version
    /// (1 = RC4, 2 = AES key wrap).
    pub aes_key_wrap: bool,
}

impl AkmParams {
    /// The MIC algorithm for a frame carrying `descriptor_version` (0..=3).
    pub fn mic_algorithm(&self, descriptor_version: u8) -> Option<MicAlgorithm> {
        match self.mic {
            MicRule::ByDescriptorVersion => match descriptor_version {
                1 | 2 => MicAlgorithm::from_descriptor_version(descriptor_version),
                _ => None,
            },
            MicRule::Version3 => (descriptor_version == 3).then_some(MicAlgorithm::AesCmac128),
            MicRule::AkmDefined(a) => (descriptor_version == 0).then_some(a),
        }
    }

    /// The key descriptor version a conforming frame carries (None: depends on the cipher).
    pub fn descriptor_version(&self) -> Option<u8> {
        match self.mic {
            MicRule::ByDescriptorVersion => None,
            MicRule::Version3 => Some(3),
            MicRule::AkmDefined(_) => Some(0),
        }
    }

    /// Is the PTK derived by an FT rule (IEEE 802.11-2020 12.7.1.7)?
    pub fn is_ft(&self) -> bool {
        self.akm.is_ft()
    }
}

#[allow(clippy::too_many_arguments)]
const fn p(
    akm: Akm,
    kdf: Kdf,
    mic: MicRule,
    mic_len: usize,
    kck_len: usize,
    kek_len: usize,
    pmk_len: usize,
    pmkid: PmkidRule,
    aes_key_wrap: bool,
) -> AkmParams {
    let kdk_len = match kdf {
        Kdf::PrfSha1 | Kdf::KdfSha256 => 32,
        Kdf::KdfSha384 => 48,
        Kdf::KdfSha512 => 64,
    };
    AkmParams {
        akm,
        kdf,
        mic,
        mic_len,
        kck_len,
        kek_len,
        kdk_len,
        pmk_len,
        pmkid,
        aes_key_wrap,
    }
}

/// Parameters of an AKM with its default PMK length (for SAE-EXT-KEY and OWE: group 19,
/// 32-octet PMK). `None` for AKMs outside the table (FILS, PASN, TDLS peer keys, ...).
///
/// Covered: 00-0f-ac:1-9, 11-13, 18-20, 23-25 and WPA1 00-50-f2:1/2.
pub fn akm_params(akm: Akm) -> Option<AkmParams> {
    akm_params_for_pmk(akm, None)
}

/// Parameters of an AKM for a PMK of `pmk_len` octets: SAE-EXT-KEY (24, 25) and OWE (18)
/// take their hash from the group, visible as the PMK length (hostapd `wpa_kck_len`,
/// `wpa_mic_len`: KCK = MIC = PMK length / 2). Other AKMs ignore `pmk_len`.
pub fn akm_params_for_pmk(akm: Akm, pmk_len: Option<usize>) -> Option<AkmParams> {
    use MicAlgorithm as M;
    use PmkidRule as I;
    let sha1_by_version = |a| {
        p(
            a,
            Kdf::PrfSha1,
            MicRule::ByDescriptorVersion,
            16,
            16,
            16,
            32,
            I::HmacSha1,
            false,
        )
    };
    let v3 = |a, pmkid| {
        p(
            a,
            Kdf::KdfSha256,
            MicRule::Version3,
            16,
            16,
            16,
            32,
            pmkid,
            true,
        )
    };
    let sha384 = |a, pmkid| {
        p(
            a,
            Kdf::KdfSha384,
            MicRule::AkmDefined(M::HmacSha384_192),
            24,
            24,
            32,
            48,
            pmkid,
            true,
        )
    };
    // Group-dependent hash (SAE-EXT-KEY, OWE): IEEE 802.11-2020 12.4.2 / Table 9-151 note.
    let by_group = |a, pmkid| match pmk_len.unwrap_or(32) {
        32 => Some(p(
            a,
            Kdf::KdfSha256,
            MicRule::AkmDefined(M::HmacSha256_128),
            16,
            16,
            16,
            32,
            pmkid,
            true,
        )),
        48 => Some(p(
            a,
            Kdf::KdfSha384,
            MicRule::AkmDefined(M::HmacSha384_192),
            24,
            24,
            32,
            48,
            pmkid,
            true,
        )),
        64 => Some(p(
            a,
            Kdf::KdfSha512,
            MicRule::AkmDefined(M::HmacSha512_256),
            32,
            32,
            32,
            64,
            pmkid,
            true,
        )),
        _ => None,
    };
    match akm {
        // IEEE 802.11-2020 Table 9-151 rows 1, 2; 12.7.2: version 1 (HMAC-MD5/RC4) with TKIP,
        // version 2 (HMAC-SHA-1-128/AES key wrap) otherwise. WPA1 follows the same rule.
        Akm::IEEE8021X | Akm::PSK | Akm::WPA1_IEEE8021X | Akm::WPA1_PSK => {
            Some(sha1_by_version(akm))
        }
        // Rows 3, 4: FT over 802.1X / PSK, SHA-256, AES-128-CMAC (descriptor version 3).
        Akm::FT_IEEE8021X | Akm::FT_PSK => Some(v3(akm, I::FtKeyName)),
        // Rows 5, 6: SHA-256 variants, AES-128-CMAC (descriptor version 3).
        Akm::IEEE8021X_SHA256 | Akm::PSK_SHA256 => Some(v3(akm, I::HmacSha256)),
        // Row 7: TDLS (TPK handshake uses AES-128-CMAC, descriptor version 3).
        Akm::TDLS => Some(v3(akm, I::HmacSha256)),
        // Rows 8, 9: SAE / FT-SAE: AKM-defined (version 0) AES-128-CMAC, KDF-SHA-256
        // (hostapd wpa_eapol_key_mic: "AES-CMAC (AKM-defined - SAE)").
        Akm::SAE => Some(p(
            akm,
            Kdf::KdfSha256,
            MicRule::AkmDefined(M::AesCmac128),
            16,
            16,
            16,
            32,
            I::Sae,
            true,
        )),
        Akm::FT_SAE => Some(p(
            akm,
            Kdf::KdfSha256,
            MicRule::AkmDefined(M::AesCmac128),
            16,
            16,
            16,
            32,
            I::FtKeyName,
            true,
        )),
        // Row 11: Suite B: HMAC-SHA-256-128, KDF-SHA-256.
        Akm::SUITE_B => Some(p(
            akm,
            Kdf::KdfSha256,
            MicRule::AkmDefined(M::HmacSha256_128),
            16,
            16,
            16,
            32,
            I::HmacSha256,
            true,
        )),
        // Row 12: Suite B 192-bit: HMAC-SHA-384-192, KCK 24, KEK 32, PMK 48.
        Akm::SUITE_B_192 => Some(sha384(akm, I::HmacSha384)),
        // Row 13: FT over 802.1X SHA-384.
        Akm::FT_IEEE8021X_SHA384 => Some(sha384(akm, I::FtKeyName)),
        // Row 18: OWE, hash by group.
        Akm::OWE => by_group(akm, I::Owe),
        // Rows 19, 20: FT-PSK SHA-384, PSK SHA-384.
        Akm::FT_PSK_SHA384 => Some(sha384(akm, I::FtKeyName)),
        Akm::PSK_SHA384 => Some(sha384(akm, I::HmacSha384)),
        // Row 23: 802.1X SHA-384 (hostapd WPA_KEY_MGMT_IEEE8021X_SHA384).
        Akm::IEEE8021X_SHA384 => Some(sha384(akm, I::HmacSha384)),
        // Rows 24, 25: SAE-EXT-KEY / FT-SAE-EXT-KEY, hash by group.
        Akm::SAE_EXT_KEY => by_group(akm, I::Sae),
        Akm::FT_SAE_EXT_KEY => by_group(akm, I::FtKeyName),
        _ => None,
    }
}

/// The MIC algorithm for an EAPOL-Key frame: AKM, the frame's Key Descriptor Version, and
/// (for SAE-EXT-KEY/OWE) the PMK length.
pub fn mic_algorithm(
    akm: Akm,
    descriptor_version: u8,
    pmk_len: Option<usize>,
) -> Option<MicAlgorithm> {
    akm_params_for_pmk(akm, pmk_len)?.mic_algorithm(descriptor_version)
}

/// What kind of protection a cipher suite provides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CipherKind {
    /// WEP-40 (identification only).
    Wep40,
    /// WEP-104 (identification only).
    Wep104,
    /// TKIP.
    Tkip,
    /// CCMP-128.
    Ccmp128,
    /// CCMP-256.
    Ccmp256,
    /// GCMP-128.
    Gcmp128,
    /// GCMP-256.
    Gcmp256,
    /// BIP-CMAC-128.
    BipCmac128,
    /// BIP-CMAC-256.
    BipCmac256,
    /// BIP-GMAC-128.
    BipGmac128,
    /// BIP-GMAC-256.
    BipGmac256,
}

/// What a cipher suite implies (IEEE 802.11-2020 Table 12-7 and 12.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct CipherParams {
    /// Kind.
    pub kind: CipherKind,
    /// Temporal key length in octets (TKIP: 32 incl. both Michael keys).
    pub tk_len: usize,
    /// MIC length in octets (TKIP: Michael, 8; WEP: 0).
    pub mic_len: usize,
    /// Length of the per-MPDU header after the MAC header (IV/ExtIV, CCMP/GCMP header);
    /// for BIP the whole MME element (ID, length, key id, IPN, MIC).
    pub header_len: usize,
    /// ICV length (TKIP, WEP: 4).
    pub icv_len: usize,
    /// Whether frames are encrypted (false for BIP: integrity only).
    pub encrypts: bool,
}

/// Parameters of a cipher suite; WPA1 selectors map to their RSN equivalents.
pub fn cipher_params(cipher: Cipher) -> Option<CipherParams> {
    let c = |kind, tk_len, mic_len, header_len, icv_len, encrypts| CipherParams {
        kind,
        tk_len,
        mic_len,
        header_len,
        icv_len,
        encrypts,
    };
    Some(match cipher.normalized() {
        // IEEE 802.11-2020 12.3.2: WEP IV 4 octets, ICV 4.
        Cipher::WEP40 => c(CipherKind::Wep40, 5, 0, 4, 4, true),
        Cipher::WEP104 => c(CipherKind::Wep104, 13, 0, 4, 4, true),
        // 12.5.2.2: IV/KeyID + Extended IV (8), Michael 8, ICV 4; TK 256 bits.
        Cipher::TKIP => c(CipherKind::Tkip, 32, 8, 8, 4, true),
        // 12.5.3.2: CCMP header 8; MIC 8 (CCMP-128) / 16 (CCMP-256).
        Cipher::CCMP128 => c(CipherKind::Ccmp128, 16, 8, 8, 0, true),
        Cipher::CCMP256 => c(CipherKind::Ccmp256, 32, 16, 8, 0, true),
        // 12.5.5.2: GCMP header 8, MIC 16.
        Cipher::GCMP128 => c(CipherKind::Gcmp128, 16, 16, 8, 0, true),
        Cipher::GCMP256 => c(CipherKind::Gcmp256, 32, 16, 8, 0, true),
        // 9.4.2.54: MME length 16 (BIP-CMAC-128) or 24 (others), plus 2 header octets.
        Cipher::BIP_CMAC128 => c(CipherKind::BipCmac128, 16, 8, 18, 0, false),
        Cipher::BIP_CMAC256 => c(CipherKind::BipCmac256, 32, 16, 26, 0, false),
        Cipher::BIP_GMAC128 => c(CipherKind::BipGmac128, 16, 16, 26, 0, false),
        Cipher::BIP_GMAC256 => c(CipherKind::BipGmac256, 32, 16, 26, 0, false),
        _ => return None,
    })
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

    #[test]
    fn table_spot_checks() {
        let psk = akm_params(Akm::PSK).unwrap();
        assert_eq!(psk.mic_algorithm(1), Some(MicAlgorithm::HmacMd5));
        assert_eq!(psk.mic_algorithm(2), Some(MicAlgorithm::HmacSha1_128));
        assert_eq!(psk.mic_algorithm(3), None);
        let sae = akm_params(Akm::SAE).unwrap();
        assert_eq!(sae.mic_algorithm(0), Some(MicAlgorithm::AesCmac128));
        let b192 = akm_params(Akm::SUITE_B_192).unwrap();
        assert_eq!((b192.kck_len, b192.kek_len, b192.mic_len), (24, 32, 24));
        assert_eq!(
            mic_algorithm(Akm::SAE_EXT_KEY, 0, Some(48)),
            Some(MicAlgorithm::HmacSha384_192)
        );
        assert!(akm_params(Akm::FILS_SHA256).is_none());
        assert_eq!(cipher_params(Cipher::WPA1_TKIP).unwrap().tk_len, 32);
        assert_eq!(cipher_params(Cipher::GCMP256).unwrap().mic_len, 16);
    }
}
