//! Management frame bodies (IEEE 802.11-2020 9.3.3): fixed fields (9.4.1) followed by an
//! element area that is kept as a borrowed slice (so unknown elements survive untouched;
//! walk it with [`Elements`]).

use crate::codec::{count, open_code, Reader, Writer};
use crate::element::Elements;
use crate::ieee80211::subtype::mgmt as st;
use crate::{Error, MacAddr, ReasonCode, Result, StatusCode};

open_code! {
    /// Authentication Algorithm Number (IEEE 802.11-2020 9.4.1.1).
    AuthAlgorithm(u16) {
        /// Open System.
        OPEN = 0;
        /// Shared Key.
        SHARED_KEY = 1;
        /// Fast BSS Transition.
        FT = 2;
        /// Simultaneous Authentication of Equals.
        SAE = 3;
        /// FILS shared key authentication without PFS.
        FILS_SK = 4;
        /// FILS shared key authentication with PFS.
        FILS_SK_PFS = 5;
        /// FILS public key authentication.
        FILS_PK = 6;
        /// PASN.
        PASN = 7;
        /// Cisco LEAP (vendor, seen in the wild).
        LEAP = 128;
    }
}

/// Action frame categories (IEEE 802.11-2020 Table 9-51), the ones RSN analysis looks at.
pub mod category {
    /// Spectrum management.
    pub const SPECTRUM_MGMT: u8 = 0;
    /// QoS.
    pub const QOS: u8 = 1;
    /// Block Ack.
    pub const BLOCK_ACK: u8 = 3;
    /// Public.
    pub const PUBLIC: u8 = 4;
    /// Radio Measurement.
    pub const RADIO_MEASUREMENT: u8 = 5;
    /// Fast BSS Transition.
    pub const FAST_BSS_TRANSITION: u8 = 6;
    /// SA Query.
    pub const SA_QUERY: u8 = 8;
    /// Protected Dual of Public Action.
    pub const PROTECTED_DUAL: u8 = 9;
    /// WNM.
    pub const WNM: u8 = 10;
    /// TDLS.
    pub const TDLS: u8 = 12;
    /// Self-protected (mesh peering).
    pub const SELF_PROTECTED: u8 = 15;
    /// Vendor-specific protected.
    pub const VENDOR_SPECIFIC_PROTECTED: u8 = 126;
    /// Vendor-specific.
    pub const VENDOR_SPECIFIC: u8 = 127;
}

/// Capability Information field (IEEE 802.11-2020 9.4.1.4).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Debug)]
pub struct Capability(pub u16);

impl Capability {
    /// ESS (bit 0).
    pub const fn ess(&self) -> bool {
        self.0 & 1 != 0
    }
    /// IBSS (bit 1).
    pub const fn ibss(&self) -> bool {
        self.0 & 2 != 0
    }
    /// Privacy (bit 4): WEP/RSN required.
    pub const fn privacy(&self) -> bool {
        self.0 & 0x10 != 0
    }
    /// Short Preamble (bit 5).
    pub const fn short_preamble(&self) -> bool {
        self.0 & 0x20 != 0
    }
    /// Spectrum Management (bit 8).
    pub const fn spectrum_mgmt(&self) -> bool {
        self.0 & 0x100 != 0
    }
    /// QoS (bit 9).
    pub const fn qos(&self) -> bool {
        self.0 & 0x200 != 0
    }
    /// Short Slot Time (bit 10).
    pub const fn short_slot_time(&self) -> bool {
        self.0 & 0x400 != 0
    }
    /// Radio Measurement (bit 12).
    pub const fn radio_measurement(&self) -> bool {
        self.0 & 0x1000 != 0
    }
}

/// Beacon / Probe Response fixed fields (IEEE 802.11-2020 9.3.3.2, 9.3.3.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BeaconRepr<'a> {
    /// Timestamp (TSF).
    pub timestamp: u64,
    /// Beacon Interval (TUs).
    pub beacon_interval: u16,
    /// Capability Information.
    pub capability: Capability,
    /// Elements.
    pub elements: &'a [u8],
}

/// (Re)Association Response fixed fields (IEEE 802.11-2020 9.3.3.6, 9.3.3.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AssocRespRepr<'a> {
    /// Capability Information.
    pub capability: Capability,
    /// Status Code.
    pub status: StatusCode,
    /// Association ID (raw field; the AID is the low 14 bits).
    pub aid: u16,
    /// Elements.
    pub elements: &'a [u8],
}

/// Authentication frame (IEEE 802.11-2020 9.3.3.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AuthRepr<'a> {
    /// Authentication Algorithm Number.
    pub algorithm: AuthAlgorithm,
    /// Authentication Transaction Sequence Number.
    pub transaction: u16,
    /// Status Code.
    pub status: StatusCode,
    /// Everything after the three fixed fields: elements for Open/Shared Key/FT/FILS; for SAE
    /// the commit/confirm fields (Finite Cyclic Group, scalar, element, ...) kept raw.
    pub body: &'a [u8],
}

impl<'a> AuthRepr<'a> {
    /// The body as elements (not meaningful for SAE, whose body is not an element area).
    pub fn elements(&self) -> Elements<'a> {
        Elements::new(self.body)
    }
    /// SAE commit/confirm body, if this is SAE.
    pub fn sae_body(&self) -> Option<&'a [u8]> {
        (self.algorithm == AuthAlgorithm::SAE).then_some(self.body)
    }
}

/// FT Action frame codes (IEEE 802.11-2020 9.6.8.1, Table 9-409).
pub mod ft_action {
    /// FT Request.
    pub const REQUEST: u8 = 1;
    /// FT Response.
    pub const RESPONSE: u8 = 2;
    /// FT Confirm.
    pub const CONFIRM: u8 = 3;
    /// FT Ack.
    pub const ACK: u8 = 4;
}

/// FT Action frame after the Category octet (IEEE 802.11-2020 9.6.8.2-9.6.8.5): FT Action,
/// STA Address, Target AP Address, Status Code (Response and Ack only), elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FtActionRepr<'a> {
    /// FT Action code.
    pub action: u8,
    /// STA Address.
    pub sta_addr: MacAddr,
    /// Target AP Address.
    pub target_ap: MacAddr,
    /// Status Code (present for FT Response and FT Ack).
    pub status: Option<StatusCode>,
    /// Elements (RSNE, MDE, FTE, Timeout Interval, RIC).
    pub elements: &'a [u8],
}

impl<'a> FtActionRepr<'a> {
    /// Parse the octets after the Category field.
    pub fn parse(body: &'a [u8]) -> Result<Self> {
        let mut r = Reader::new(body);
        let action = r.u8()?;
        let sta_addr = MacAddr(r.array()?);
        let target_ap = MacAddr(r.array()?);
        let status = match action {
            ft_action::RESPONSE | ft_action::ACK => Some(StatusCode(r.u16_le()?)),
            _ => None,
        };
        Ok(FtActionRepr {
            action,
            sta_addr,
            target_ap,
            status,
            elements: r.rest(),
        })
    }
    fn write(&self, w: &mut Writer<'_>) -> Result<()> {
        w.u8(self.action)?;
        w.put(&self.sta_addr.0)?;
        w.put(&self.target_ap.0)?;
        if let Some(s) = self.status {
            w.u16_le(s.0)?;
        }
        w.put(self.elements)
    }
    /// Octets after the Category field.
    pub fn buffer_len(&self) -> usize {
        count(|w| self.write(w))
    }
    /// Write the octets after the Category field.
    pub fn emit(&self, buf: &mut [u8]) -> Result<()> {
        self.write(&mut Writer::new(buf))
    }
}

/// Action frame (IEEE 802.11-2020 9.3.3.14): Category and the rest, raw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ActionRepr<'a> {
    /// Category.
    pub category: u8,
    /// Octets after the Category (action code first, for most categories).
    pub body: &'a [u8],
}

impl<'a> ActionRepr<'a> {
    /// Action code (first octet after the category), if any.
    pub fn action(&self) -> Option<u8> {
        self.body.first().copied()
    }
    /// Robust action category (protected when MFP is in use, IEEE 802.11-2020 Table 9-51).
    pub fn is_robust(&self) -> bool {
        !matches!(
            self.category,
            category::PUBLIC | 7 | 11 | 15 | 20 | 22 | category::VENDOR_SPECIFIC
        )
    }
    /// Parse as an FT Action frame, if the category is Fast BSS Transition.
    pub fn ft(&self) -> Option<Result<FtActionRepr<'a>>> {
        (self.category == category::FAST_BSS_TRANSITION).then(|| FtActionRepr::parse(self.body))
    }
}

/// A management frame body, by subtype.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MgmtRepr<'a> {
    /// Beacon.
    Beacon(BeaconRepr<'a>),
    /// Probe Response.
    ProbeResp(BeaconRepr<'a>),
    /// Probe Request: elements only.
    ProbeReq {
        /// Elements.
        elements: &'a [u8],
    },
    /// Association Request.
    AssocReq {
        /// Capability Information.
        capability: Capability,
        /// Listen Interval.
        listen_interval: u16,
        /// Elements.
        elements: &'a [u8],
    },
    /// Reassociation Request.
    ReassocReq {
        /// Capability Information.
        capability: Capability,
        /// Listen Interval.
        listen_interval: u16,
        /// Current AP Address.
        current_ap: MacAddr,
        /// Elements.
        elements: &'a [u8],
    },
    /// Association Response.
    AssocResp(AssocRespRepr<'a>),
    /// Reassociation Response.
    ReassocResp(AssocRespRepr<'a>),
    /// Authentication.
    Auth(AuthRepr<'a>),
    /// Deauthentication: Reason Code, then elements (vendor, MME).
    Deauth {
        /// Reason Code.
        reason: ReasonCode,
        /// Octets after the Reason Code.
        rest: &'a [u8],
    },
    /// Disassociation: Reason Code, then elements.
    Disassoc {
        /// Reason Code.
        reason: ReasonCode,
        /// Octets after the Reason Code.
        rest: &'a [u8],
    },
    /// Action.
    Action(ActionRepr<'a>),
    /// Action No Ack.
    ActionNoAck(ActionRepr<'a>),
    /// Any other subtype (ATIM, Timing Advertisement, reserved), raw.
    Other {
        /// Subtype.
        subtype: u8,
        /// Body.
        body: &'a [u8],
    },
}

impl<'a> MgmtRepr<'a> {
    /// Parse the body of a management frame of `subtype`. For a protected (encrypted) frame,
    /// decrypt first: this parses plaintext.
    pub fn parse(subtype: u8, body: &'a [u8]) -> Result<Self> {
        let mut r = Reader::new(body);
        let cap = |r: &mut Reader<'a>| r.u16_le().map(Capability);
        Ok(match subtype {
            st::BEACON | st::PROBE_RESP => {
                let b = BeaconRepr {
                    timestamp: u64::from_le_bytes(r.array()?),
                    beacon_interval: r.u16_le()?,
                    capability: cap(&mut r)?,
                    elements: r.rest(),
                };
                if subtype == st::BEACON {
                    MgmtRepr::Beacon(b)
                } else {
                    MgmtRepr::ProbeResp(b)
                }
            }
            st::PROBE_REQ => MgmtRepr::ProbeReq { elements: body },
            st::ASSOC_REQ => MgmtRepr::AssocReq {
                capability: cap(&mut r)?,
                listen_interval: r.u16_le()?,
                elements: r.rest(),
            },
            st::REASSOC_REQ => MgmtRepr::ReassocReq {
                capability: cap(&mut r)?,
                listen_interval: r.u16_le()?,
                current_ap: MacAddr(r.array()?),
                elements: r.rest(),
            },
            st::ASSOC_RESP | st::REASSOC_RESP => {
                let a = AssocRespRepr {
                    capability: cap(&mut r)?,
                    status: StatusCode(r.u16_le()?),
                    aid: r.u16_le()?,
                    elements: r.rest(),
                };
                if subtype == st::ASSOC_RESP {
                    MgmtRepr::AssocResp(a)
                } else {
                    MgmtRepr::ReassocResp(a)
                }
            }
            st::AUTH => MgmtRepr::Auth(AuthRepr {
                algorithm: AuthAlgorithm(r.u16_le()?),
                transaction: r.u16_le()?,
                status: StatusCode(r.u16_le()?),
                body: r.rest(),
            }),
            st::DEAUTH => MgmtRepr::Deauth {
                reason: ReasonCode(r.u16_le()?),
                rest: r.rest(),
            },
            st::DISASSOC => MgmtRepr::Disassoc {
                reason: ReasonCode(r.u16_le()?),
                rest: r.rest(),
            },
            st::ACTION | st::ACTION_NO_ACK => {
                let a = ActionRepr {
                    category: r.u8()?,
                    body: r.rest(),
                };
                if subtype == st::ACTION {
                    MgmtRepr::Action(a)
                } else {
                    MgmtRepr::ActionNoAck(a)
                }
            }
            s if s > 15 => return Err(Error::Malformed),
            s => MgmtRepr::Other { subtype: s, body },
        })
    }

    /// The management subtype of this body.
    pub fn subtype(&self) -> u8 {
        match self {
            MgmtRepr::Beacon(_) => st::BEACON,
            MgmtRepr::ProbeResp(_) => st::PROBE_RESP,
            MgmtRepr::ProbeReq { .. } => st::PROBE_REQ,
            MgmtRepr::AssocReq { .. } => st::ASSOC_REQ,
            MgmtRepr::ReassocReq { .. } => st::REASSOC_REQ,
            MgmtRepr::AssocResp(_) => st::ASSOC_RESP,
            MgmtRepr::ReassocResp(_) => st::REASSOC_RESP,
            MgmtRepr::Auth(_) => st::AUTH,
            MgmtRepr::Deauth { .. } => st::DEAUTH,
            MgmtRepr::Disassoc { .. } => st::DISASSOC,
            MgmtRepr::Action(_) => st::ACTION,
            MgmtRepr::ActionNoAck(_) => st::ACTION_NO_ACK,
            MgmtRepr::Other { subtype, .. } => *subtype,
        }
    }

    /// The element area, for subtypes that have one (Auth: non-SAE only).
    pub fn elements(&self) -> Option<Elements<'a>> {
        let e = match self {
            MgmtRepr::Beacon(b) | MgmtRepr::ProbeResp(b) => b.elements,
            MgmtRepr::ProbeReq { elements }
            | MgmtRepr::AssocReq { elements, .. }
            | MgmtRepr::ReassocReq { elements, .. } => elements,
            MgmtRepr::AssocResp(a) | MgmtRepr::ReassocResp(a) => a.elements,
            MgmtRepr::Auth(a) if a.algorithm != AuthAlgorithm::SAE => a.body,
            MgmtRepr::Deauth { rest, .. } | MgmtRepr::Disassoc { rest, .. } => rest,
            _ => return None,
        };
        Some(Elements::new(e))
    }

    fn write(&self, w: &mut Writer<'_>) -> Result<()> {
        match self {
            MgmtRepr::Beacon(b) | MgmtRepr::ProbeResp(b) => {
                w.put(&b.timestamp.to_le_bytes())?;
                w.u16_le(b.beacon_interval)?;
                w.u16_le(b.capability.0)?;
                w.put(b.elements)
            }
            MgmtRepr::ProbeReq { elements } => w.put(elements),
            MgmtRepr::AssocReq {
                capability,
                listen_interval,
                elements,
            } => {
                w.u16_le(capability.0)?;
                w.u16_le(*listen_interval)?;
                w.put(elements)
            }
            MgmtRepr::ReassocReq {
                capability,
                listen_interval,
                current_ap,
                elements,
            } => {
                w.u16_le(capability.0)?;
                w.u16_le(*listen_interval)?;
                w.put(&current_ap.0)?;
                w.put(elements)
            }
            MgmtRepr::AssocResp(a) | MgmtRepr::ReassocResp(a) => {
                w.u16_le(a.capability.0)?;
                w.u16_le(a.status.0)?;
                w.u16_le(a.aid)?;
                w.put(a.elements)
            }
            MgmtRepr::Auth(a) => {
                w.u16_le(a.algorithm.0)?;
                w.u16_le(a.transaction)?;
                w.u16_le(a.status.0)?;
                w.put(a.body)
            }
            MgmtRepr::Deauth { reason, rest } | MgmtRepr::Disassoc { reason, rest } => {
                w.u16_le(reason.0)?;
                w.put(rest)
            }
            MgmtRepr::Action(a) | MgmtRepr::ActionNoAck(a) => {
                w.u8(a.category)?;
                w.put(a.body)
            }
            MgmtRepr::Other { body, .. } => w.put(body),
        }
    }

    /// Body length.
    pub fn buffer_len(&self) -> usize {
        count(|w| self.write(w))
    }
    /// Write the body at the start of `buf`.
    pub fn emit(&self, buf: &mut [u8]) -> Result<()> {
        self.write(&mut Writer::new(buf))
    }
}

#[cfg(test)]
#[path = "mgmt_tests.rs"]
mod tests;
