//! The PMK side of one association: a plain PMK or the FT key hierarchy, and the FT
//! elements both sides exchange (IEEE 802.11-2020 12.7.1.3, 12.7.1.7, 13.4.2).

use alloc::vec::Vec;

use rsn_crypto::ft::{derive_ft_ptk, derive_pmk_r0, derive_pmk_r1};
use rsn_crypto::{derive_ptk, pmkid, Pmk, PmkR1, Ptk};
use rsn_wire::element::{ElementBody, RsneRepr};
use rsn_wire::MacAddr;

use crate::config::{ConfigError, FtParams, PmkSource};
use crate::frames;
use crate::suite::Suite;
use crate::validate::{FtM2Check, FtM3Check};

/// FT values of an initial mobility domain association.
#[derive(Debug, Clone)]
pub(crate) struct FtContext {
    pub pmk_r1_name: [u8; 16],
    /// Whole MDE.
    pub mde: Vec<u8>,
    /// Whole FTE of the (Re)Association Response (repeated in M2 and M3).
    pub fte: Vec<u8>,
    pub r0kh_id: Vec<u8>,
    pub r1kh_id: MacAddr,
}

impl FtContext {
    pub(crate) fn m2_check<'a>(
        &'a self,
        assoc_pmkids: &'a [[u8; 16]],
        policy: crate::FtPmkidPolicy,
    ) -> FtM2Check<'a> {
        FtM2Check {
            pmk_r1_name: self.pmk_r1_name,
            mde: &self.mde,
            fte: &self.fte,
            assoc_pmkids,
            policy,
        }
    }
    pub(crate) fn m3_check(&self) -> FtM3Check<'_> {
        FtM3Check {
            pmk_r1_name: self.pmk_r1_name,
            mde: &self.mde,
            r0kh_id: &self.r0kh_id,
            r1kh_id: self.r1kh_id,
        }
    }
}

/// What the PTK is derived from.
#[derive(Debug, Clone)]
pub(crate) enum KeyBasis {
    /// PMK (PSK, 802.1X, SAE): PTK by IEEE 802.11-2020 12.7.1.3.
    Pmk(Pmk),
    /// PMK-R1: PTK by IEEE 802.11-2020 12.7.1.7.5.
    Ft(PmkR1, [u8; 16]),
}

impl KeyBasis {
    /// Resolve a PMK source for (AA, SPA), deriving the FT hierarchy when needed.
    pub(crate) fn new(
        src: &PmkSource,
        suite: &Suite,
        aa: &MacAddr,
        spa: &MacAddr,
    ) -> Result<(Self, Option<FtContext>), ConfigError> {
        suite.validate()?;
        match src {
            PmkSource::Pmk(pmk) => {
                if suite.akm.is_ft() {
                    return Err(ConfigError::FtMismatch);
                }
                check_pmk(pmk, suite)?;
                Ok((KeyBasis::Pmk(pmk.clone()), None))
            }
            PmkSource::Ft(ft) => {
                if !suite.akm.is_ft() {
                    return Err(ConfigError::FtMismatch);
                }
                check_pmk(&ft.xxkey, suite)?;
                let (r1, name) = ft_r1(suite, ft, spa)?;
                let ctx = FtContext {
                    pmk_r1_name: name,
                    mde: frames::mde(ft.mdid, ft.ft_capability),
                    fte: frames::assoc_resp_fte(suite.mic_len(), ft.r1kh_id, &ft.r0kh_id),
                    r0kh_id: ft.r0kh_id.clone(),
                    r1kh_id: ft.r1kh_id,
                };
                let _ = aa;
                Ok((KeyBasis::Ft(r1, name), Some(ctx)))
            }
        }
    }

    /// PTK of one exchange (fresh for every pair of nonces: nothing is cached).
    pub(crate) fn ptk(
        &self,
        suite: &Suite,
        aa: &MacAddr,
        spa: &MacAddr,
        anonce: &[u8; 32],
        snonce: &[u8; 32],
    ) -> Option<Ptk> {
        match self {
            KeyBasis::Pmk(pmk) => {
                derive_ptk(pmk, suite.akm, suite.pairwise, aa, spa, anonce, snonce).ok()
            }
            KeyBasis::Ft(r1, name) => {
                derive_ft_ptk(suite.akm, suite.pairwise, r1, name, snonce, anonce, aa, spa)
                    .ok()
                    .map(|(p, _)| p)
            }
        }
    }

    /// PMKID naming this PMKSA: PMKID (12.7.1.3) or PMKR1Name (12.7.1.7.4).
    pub(crate) fn pmkid(&self, suite: &Suite, aa: &MacAddr, spa: &MacAddr) -> Option<[u8; 16]> {
        match self {
            KeyBasis::Pmk(pmk) => pmkid(suite.akm, pmk, aa, spa).ok(),
            KeyBasis::Ft(_, name) => Some(*name),
        }
    }
}

fn check_pmk(pmk: &Pmk, suite: &Suite) -> Result<(), ConfigError> {
    // IEEE 802.11-2020 12.7.1.3: a PMK of the AKM's length; an all-zero one is a fault
    // (failure catalog A17).
    if pmk.len() != suite.pmk_len {
        return Err(ConfigError::PmkLength);
    }
    if pmk.expose_secret().iter().all(|b| *b == 0) {
        return Err(ConfigError::ZeroPmk);
    }
    Ok(())
}

/// PMK-R0 → PMK-R1 for S0KH-ID = S1KH-ID = SPA (IEEE 802.11-2020 12.7.1.7.3-4).
fn ft_r1(suite: &Suite, ft: &FtParams, spa: &MacAddr) -> Result<(PmkR1, [u8; 16]), ConfigError> {
    let (r0, r0_name) = derive_pmk_r0(suite.akm, &ft.xxkey, &ft.ssid, ft.mdid, &ft.r0kh_id, spa)
        .map_err(|_| ConfigError::KeyDerivation)?;
    derive_pmk_r1(suite.akm, &r0, &r0_name, &ft.r1kh_id, spa)
        .map_err(|_| ConfigError::KeyDerivation)
}

/// PMKIDs listed in an RSNE element (header included).
pub(crate) fn rsne_pmkids(rsne_element: &[u8]) -> Result<Vec<[u8; 16]>, ConfigError> {
    let data = rsne_element.get(2..).ok_or(ConfigError::BadRsne)?;
    Ok(RsneRepr::parse(data)
        .map_err(|_| ConfigError::BadRsne)?
        .pmkid_list()
        .to_vec())
}
