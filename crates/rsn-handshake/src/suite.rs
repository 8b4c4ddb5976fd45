//! The negotiated suites and what they imply for EAPOL-Key frames
//! (IEEE 802.11-2020 12.7.2 b) 1), Table 12-8; hostapd `wpa_auth.c` key descriptor choice).

use rsn_crypto::mic::MicAlgorithm;
use rsn_crypto::suites::{akm_params_for_pmk, cipher_params, AkmParams, MicRule};
use rsn_wire::eapol::KeyDescriptorVersion;
use rsn_wire::{Akm, Cipher};

use crate::config::ConfigError;

/// AKM, ciphers and PMK length of one association.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Suite {
    /// AKM suite.
    pub akm: Akm,
    /// Pairwise cipher suite.
    pub pairwise: Cipher,
    /// Group data cipher suite.
    pub group: Cipher,
    /// Group management cipher suite when PMF (IEEE 802.11w) is in use.
    pub group_mgmt: Option<Cipher>,
    /// PMK length in octets (32; 48 for the SHA-384 AKMs and SAE/OWE group 20).
    pub pmk_len: usize,
}

impl Suite {
    /// WPA2-PSK with CCMP-128 (the most common case).
    pub const fn psk_ccmp() -> Self {
        Suite {
            akm: Akm::PSK,
            pairwise: Cipher::CCMP128,
            group: Cipher::CCMP128,
            group_mgmt: None,
            pmk_len: 32,
        }
    }

    /// The AKM's parameters, or `UnsupportedAkm`.
    pub fn params(&self) -> Result<AkmParams, ConfigError> {
        akm_params_for_pmk(self.akm, Some(self.pmk_len)).ok_or(ConfigError::UnsupportedAkm)
    }

    /// Key Descriptor Version a conforming frame carries: 0 for AKM-defined (SAE, Suite B,
    /// ...), 3 for AKMs 3-6, otherwise 1 with a TKIP pairwise cipher and 2 with any other
    /// (IEEE 802.11-2020 12.7.2 b) 1)).
    pub fn descriptor_version(&self) -> u8 {
        match self.params().map(|p| p.mic) {
            Ok(MicRule::Version3) => KeyDescriptorVersion::AES_128_CMAC.0,
            Ok(MicRule::AkmDefined(_)) => KeyDescriptorVersion::AKM_DEFINED.0,
            _ if self.pairwise.normalized() == Cipher::TKIP => KeyDescriptorVersion::HMAC_MD5_RC4.0,
            _ => KeyDescriptorVersion::HMAC_SHA1_AES.0,
        }
    }

    /// The EAPOL-Key MIC algorithm.
    pub fn mic_algorithm(&self) -> Result<MicAlgorithm, ConfigError> {
        self.params()?
            .mic_algorithm(self.descriptor_version())
            .ok_or(ConfigError::UnsupportedAkm)
    }

    /// Key MIC field length.
    pub fn mic_len(&self) -> usize {
        self.mic_algorithm().map_or(16, MicAlgorithm::mic_len)
    }

    /// Key Data is RC4-encrypted (descriptor version 1) rather than AES-key-wrapped.
    pub fn rc4_key_data(&self) -> bool {
        self.descriptor_version() == KeyDescriptorVersion::HMAC_MD5_RC4.0
            && !self.params().is_ok_and(|p| p.aes_key_wrap)
    }

    /// Pairwise TK length: the Key Length field of M1 and M3 (IEEE 802.11-2020 12.7.6.2).
    pub fn pairwise_key_len(&self) -> u16 {
        cipher_params(self.pairwise).map_or(0, |c| u16::try_from(c.tk_len).unwrap_or(0))
    }

    /// GTK length of the group cipher.
    pub fn gtk_len(&self) -> usize {
        cipher_params(self.group).map_or(16, |c| c.tk_len)
    }

    /// IGTK length of the group management cipher, if PMF is in use.
    pub fn igtk_len(&self) -> Option<usize> {
        self.group_mgmt.and_then(cipher_params).map(|c| c.tk_len)
    }

    /// Check that every suite is one this crate can run.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.mic_algorithm()?;
        let c = cipher_params(self.pairwise).ok_or(ConfigError::UnsupportedCipher)?;
        if !c.encrypts || c.tk_len < 16 {
            return Err(ConfigError::UnsupportedCipher);
        }
        if cipher_params(self.group).is_none() {
            return Err(ConfigError::UnsupportedCipher);
        }
        if self.group_mgmt.is_some() && self.igtk_len().is_none() {
            return Err(ConfigError::UnsupportedCipher);
        }
        Ok(())
    }
}
