//! Pure validators for the six EAPOL-Key messages. The state machines call them on every
//! received frame, and the analyzer calls them on captured frames: live behaviour and
//! offline diagnosis share one rule book.
//!
//! Each `check_*` returns the *first* rule the frame breaks, in the order the reference
//! implementations test them (Key Information, protection, replay counter, MIC, nonces,
//! key data). Context that a caller does not have (no KCK: a capture without keys) is
//! `None`, and the rules that need it are skipped.

use alloc::vec::Vec;

use rsn_crypto::{Gtk, Igtk, Kck, Kek};
use rsn_wire::eapol::{DescriptorType, EapolKeyRepr};
use rsn_wire::element::{id, ElementBody, FteRepr, RsneRepr};
use rsn_wire::kde::{find_element, Kde, KeyDataItem, KeyDataItems};
use rsn_wire::MacAddr;
use zeroize::Zeroizing;

use crate::config::{FtPmkidPolicy, SecureBitPolicy};
use crate::frames::{self, Shape};
use crate::suite::Suite;
use crate::violation::{FtElement, KdeProblem, KeyInfoAnomaly, Msg, Violation};

/// Whether a frame had to arrive protected, and whether it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Protection {
    /// A PTK is in use for this exchange (PTK rekey, group key handshake): the frame must
    /// arrive under it.
    pub required: bool,
    /// The frame arrived protected.
    pub frame_protected: bool,
}

/// Parse a whole EAPOL-Key frame with the suite's MIC length.
///
/// # Errors
/// [`Violation::Malformed`] if it does not parse.
pub fn parse_frame(frame: &[u8], suite: &Suite, msg: Msg) -> Result<EapolKeyRepr, Violation> {
    EapolKeyRepr::parse_bytes(frame, suite.mic_len()).map_err(|_| Violation::Malformed { msg })
}

fn anomaly(msg: Msg, what: KeyInfoAnomaly) -> Violation {
    Violation::KeyInfoAnomaly { msg, what }
}

/// IEEE 802.11-2020 12.7.2: Descriptor Type, Key Descriptor Version, and the Key
/// Information bits of each message (12.7.6.2-12.7.6.5, 12.7.7.2-12.7.7.3).
fn check_shape(
    r: &EapolKeyRepr,
    suite: &Suite,
    msg: Msg,
    shape: Shape,
    check_secure: bool,
) -> Result<(), Violation> {
    // IEEE 802.11-2020 12.7.2 a): Descriptor Type 2 for RSN.
    if r.descriptor_type != DescriptorType::RSN {
        return Err(anomaly(
            msg,
            KeyInfoAnomaly::DescriptorType(r.descriptor_type.0),
        ));
    }
    let ki = r.key_info;
    // IEEE 802.11-2020 12.7.2 b) 1): the version follows the AKM and pairwise cipher.
    let expected = suite.descriptor_version();
    if ki.descriptor_version().0 != expected {
        return Err(anomaly(
            msg,
            KeyInfoAnomaly::DescriptorVersion {
                expected,
                got: ki.descriptor_version().0,
            },
        ));
    }
    // IEEE 802.11-2020 12.7.2 h): the Key MIC field length is the AKM's.
    if r.mic.len() != suite.mic_len() {
        return Err(anomaly(msg, KeyInfoAnomaly::MicLength));
    }
    let checks = [
        (
            ki.key_type_pairwise() == shape.pairwise,
            KeyInfoAnomaly::KeyType,
        ),
        (ki.key_ack() == shape.ack, KeyInfoAnomaly::Ack),
        (ki.key_mic() == shape.mic, KeyInfoAnomaly::MicBit),
        (ki.install() == shape.install, KeyInfoAnomaly::Install),
        (
            ki.encrypted_key_data() == shape.enc,
            KeyInfoAnomaly::EncryptedKeyData,
        ),
        (!ki.request() && !ki.error(), KeyInfoAnomaly::RequestOrError),
        (
            !check_secure || ki.secure() == shape.secure,
            KeyInfoAnomaly::Secure,
        ),
    ];
    match checks.iter().find(|(ok, _)| !ok) {
        Some((_, what)) => Err(anomaly(msg, *what)),
        None => Ok(()),
    }
}

/// IEEE 802.11-2020 12.7.6.1 (and 12.7.2): once a PTK is installed, EAPOL-Key frames of a
/// rekey or group key handshake travel protected under it.
fn check_protection(p: Protection, msg: Msg) -> Result<(), Violation> {
    if p.required && !p.frame_protected {
        return Err(Violation::UnprotectedEapol { msg });
    }
    Ok(())
}

/// IEEE 802.11-2020 12.7.2 c): the Supplicant accepts a frame from the Authenticator only
/// if its replay counter is greater than any it accepted before.
fn check_increasing(msg: Msg, last: Option<u64>, got: u64) -> Result<(), Violation> {
    match last {
        Some(last) if got <= last => Err(Violation::ReplayCounterNotIncreasing { msg, last, got }),
        _ => Ok(()),
    }
}

/// IEEE 802.11-2020 12.7.2 c): the Authenticator accepts a reply only with the replay
/// counter of the request it sent last.
fn check_matches(msg: Msg, expected: u64, got: u64) -> Result<(), Violation> {
    if got != expected {
        return Err(Violation::ReplayCounterMismatch { msg, expected, got });
    }
    Ok(())
}

fn check_mic(
    r: &EapolKeyRepr,
    suite: &Suite,
    msg: Msg,
    kck: Option<&Kck>,
    previous_kck: Option<&Kck>,
) -> Result<(), Violation> {
    let Some(kck) = kck else { return Ok(()) };
    if frames::mic_ok(suite, r, kck) {
        return Ok(());
    }
    // Analyzer only: a MIC that verifies with the previous PTK's KCK (failure catalog B1).
    if previous_kck.is_some_and(|old| frames::mic_ok(suite, r, old)) {
        return Err(Violation::StalePtk { msg });
    }
    Err(Violation::MicInvalid { msg })
}

/// IEEE 802.11-2020 12.7.2 b) 5): Secure on a rekey M1/M2, under this side's reading.
fn check_secure(
    r: &EapolKeyRepr,
    msg: Msg,
    rekey: bool,
    policy: SecureBitPolicy,
) -> Result<(), Violation> {
    let secure = r.key_info.secure();
    if !rekey {
        // IEEE 802.11-2020 12.7.6.2/12.7.6.3: Secure = 0 before the initial exchange completes.
        if secure {
            return Err(anomaly(msg, KeyInfoAnomaly::Secure));
        }
        return Ok(());
    }
    match policy.require_on_rekey {
        Some(expected) if expected != secure => Err(Violation::SecureBitMismatch { msg, expected }),
        _ => Ok(()),
    }
}

/// What [`check_m1`] needs to know.
#[derive(Debug, Clone, Copy)]
pub struct M1Check<'a> {
    /// Negotiated suites.
    pub suite: Suite,
    /// Highest replay counter the supplicant accepted so far.
    pub last_replay_counter: Option<u64>,
    /// M1 of a PTK rekey (a PTK is installed).
    pub rekey: bool,
    /// The supplicant's Secure-bit policy.
    pub secure_bit: SecureBitPolicy,
    /// Protection of the frame.
    pub protection: Protection,
    /// PMKIDs the supplicant listed in its (Re)AssocReq.
    pub offered_pmkids: &'a [[u8; 16]],
}

/// Validate message 1/4 (IEEE 802.11-2020 12.7.6.2).
///
/// # Errors
/// The first rule broken. [`Violation::BogusPmkid`] comes last: every other rule held.
pub fn check_m1(m1: &EapolKeyRepr, x: &M1Check<'_>) -> Result<(), Violation> {
    let msg = Msg::M1;
    check_shape(m1, &x.suite, msg, Shape::m1(false), false)?;
    check_secure(m1, msg, x.rekey, x.secure_bit)?;
    check_protection(x.protection, msg)?;
    check_increasing(msg, x.last_replay_counter, m1.replay_counter)?;
    // IEEE 802.11-2020 12.7.6.2: the ANonce is a fresh random value.
    if m1.key_nonce == [0; 32] {
        return Err(Violation::ZeroNonce { msg });
    }
    // IEEE 802.11-2020 12.7.6.2: a PMKID KDE names the PMKSA; it must be one offered.
    if !x.offered_pmkids.is_empty() {
        if let Some(p) = rsn_wire::kde::find_pmkid(&m1.key_data) {
            if p == [0; 16] || !x.offered_pmkids.contains(&p) {
                return Err(Violation::BogusPmkid);
            }
        }
    }
    Ok(())
}

/// FT part of [`M2Check`].
#[derive(Debug, Clone, Copy)]
pub struct FtM2Check<'a> {
    /// PMKR1Name of this association.
    pub pmk_r1_name: [u8; 16],
    /// The MDE (whole element) of the (Re)Association.
    pub mde: &'a [u8],
    /// The FTE (whole element) of the (Re)Association Response.
    pub fte: &'a [u8],
    /// PMKIDs of the (Re)AssocReq RSNE.
    pub assoc_pmkids: &'a [[u8; 16]],
    /// What the authenticator accepts in the PMKID list.
    pub policy: FtPmkidPolicy,
}

/// What [`check_m2`] needs to know.
#[derive(Debug, Clone, Copy)]
pub struct M2Check<'a> {
    /// Negotiated suites.
    pub suite: Suite,
    /// Replay counter of the M1 the authenticator sent last.
    pub replay_counter: u64,
    /// M2 of a PTK rekey.
    pub rekey: bool,
    /// The authenticator's Secure-bit policy.
    pub secure_bit: SecureBitPolicy,
    /// Protection of the frame.
    pub protection: Protection,
    /// KCK of the PTK from this exchange's ANonce and the M2's SNonce.
    pub kck: Option<&'a Kck>,
    /// Analyzer only: the previous PTK's KCK, to tell [`Violation::StalePtk`].
    pub previous_kck: Option<&'a Kck>,
    /// RSNE (whole element) of the (Re)AssocReq.
    pub assoc_rsne: Option<&'a [u8]>,
    /// FT initial mobility domain association.
    pub ft: Option<FtM2Check<'a>>,
}

/// Validate message 2/4 (IEEE 802.11-2020 12.7.6.3).
///
/// # Errors
/// The first rule broken.
pub fn check_m2(m2: &EapolKeyRepr, x: &M2Check<'_>) -> Result<(), Violation> {
    let msg = Msg::M2;
    check_shape(m2, &x.suite, msg, Shape::m2(false), false)?;
    check_protection(x.protection, msg)?;
    check_matches(msg, x.replay_counter, m2.replay_counter)?;
    if m2.key_nonce == [0; 32] {
        return Err(Violation::ZeroNonce { msg });
    }
    // IEEE 802.11-2020 12.7.6.3: the Authenticator silently discards M2 with a bad MIC.
    check_mic(m2, &x.suite, msg, x.kck, x.previous_kck)?;
    check_secure(m2, msg, x.rekey, x.secure_bit)?;
    // IEEE 802.11-2020 12.7.6.3: the RSNE in M2 bitwise matches the (Re)AssocReq RSNE
    // (for FT, up to the PMKID list, 13.4.2).
    let Some(rsne) = find_element(&m2.key_data, id::RSN) else {
        return Err(Violation::RsneMissing { msg });
    };
    let Some(ft) = x.ft else {
        if let Some(assoc) = x.assoc_rsne {
            if assoc.get(2..) != Some(rsne.data) {
                return Err(Violation::RsneMismatch { msg });
            }
        }
        return Ok(());
    };
    let got = RsneRepr::parse(rsne.data).map_err(|_| Violation::RsneMismatch { msg })?;
    if let Some(assoc) = x.assoc_rsne {
        let want = assoc
            .get(2..)
            .and_then(|d| RsneRepr::parse(d).ok())
            .ok_or(Violation::RsneMismatch { msg })?;
        if !frames::rsne_eq_except_pmkids(&got, &want) {
            return Err(Violation::RsneMismatch { msg });
        }
    }
    check_ft_m2_pmkids(got.pmkid_list(), &ft)?;
    // IEEE 802.11-2020 13.4.2: MDE and FTE as in the (Re)Association.
    let same = |eid: u8, want: &[u8]| {
        find_element(&m2.key_data, eid).is_some_and(|e| want.get(2..) == Some(e.data))
    };
    if !same(id::MOBILITY_DOMAIN, ft.mde) {
        return Err(Violation::FtElementMismatch {
            msg,
            element: FtElement::Mde,
        });
    }
    if !same(id::FAST_BSS_TRANSITION, ft.fte) {
        return Err(Violation::FtElementMismatch {
            msg,
            element: FtElement::Fte,
        });
    }
    Ok(())
}

/// IEEE 802.11-2020 13.4.2 with 12.7.6.3: the PMKID List of M2 in an FT initial MD
/// association is `[PMKR1Name]` (strict), or holds PMKR1Name plus PMKIDs of the
/// (Re)AssocReq (lenient, hostapd since 2024).
fn check_ft_m2_pmkids(list: &[[u8; 16]], ft: &FtM2Check<'_>) -> Result<(), Violation> {
    let has_name = list.contains(&ft.pmk_r1_name);
    match ft.policy {
        FtPmkidPolicy::Strict if list.len() != 1 => {
            Err(Violation::FtPmkidList { count: list.len() })
        }
        _ if !has_name => Err(Violation::FtPmkr1NameMismatch { msg: Msg::M2 }),
        FtPmkidPolicy::Lenient
            if list
                .iter()
                .any(|p| *p != ft.pmk_r1_name && !ft.assoc_pmkids.contains(p)) =>
        {
            Err(Violation::FtPmkidList { count: list.len() })
        }
        _ => Ok(()),
    }
}

/// A GTK with its Key ID and RSC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupKey {
    /// The GTK.
    pub gtk: Gtk,
    /// Key ID (1-3).
    pub key_id: u8,
    /// Receive sequence counter.
    pub rsc: u64,
}

/// An IGTK with its Key ID and IPN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrityKey {
    /// The IGTK.
    pub igtk: Igtk,
    /// Key ID (4 or 5).
    pub key_id: u16,
    /// IPN.
    pub ipn: [u8; 6],
}

/// Group keys delivered by M3 or G1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupKeys {
    /// GTK (None only when the caller had no KEK).
    pub gtk: Option<GroupKey>,
    /// IGTK when PMF is in use.
    pub igtk: Option<IntegrityKey>,
}

/// FT part of [`M3Check`].
#[derive(Debug, Clone, Copy)]
pub struct FtM3Check<'a> {
    /// PMKR1Name of this association.
    pub pmk_r1_name: [u8; 16],
    /// The MDE (whole element) of the association.
    pub mde: &'a [u8],
    /// R0KH-ID of the association.
    pub r0kh_id: &'a [u8],
    /// R1KH-ID of the association.
    pub r1kh_id: MacAddr,
}

/// What [`check_m3`] needs to know.
#[derive(Debug, Clone, Copy)]
pub struct M3Check<'a> {
    /// Negotiated suites.
    pub suite: Suite,
    /// ANonce of the M1 the supplicant answered.
    pub anonce: &'a [u8; 32],
    /// Highest replay counter the supplicant accepted so far.
    pub last_replay_counter: Option<u64>,
    /// Protection of the frame.
    pub protection: Protection,
    /// KCK of this exchange's PTK.
    pub kck: Option<&'a Kck>,
    /// KEK of this exchange's PTK.
    pub kek: Option<&'a Kek>,
    /// RSNE (whole element) of the Beacon/Probe Response.
    pub beacon_rsne: Option<&'a [u8]>,
    /// FT initial mobility domain association.
    pub ft: Option<FtM3Check<'a>>,
}

/// Validate message 3/4 (IEEE 802.11-2020 12.7.6.4).
///
/// # Errors
/// The first rule broken.
pub fn check_m3(m3: &EapolKeyRepr, x: &M3Check<'_>) -> Result<(), Violation> {
    open_m3(m3, x).map(|_| ())
}

/// [`check_m3`], returning the group keys M3 delivers.
///
/// # Errors
/// The first rule broken.
pub fn open_m3(m3: &EapolKeyRepr, x: &M3Check<'_>) -> Result<GroupKeys, Violation> {
    let msg = Msg::M3;
    check_shape(m3, &x.suite, msg, Shape::M3, true)?;
    // IEEE 802.11-2020 12.7.6.4: Key Length is the pairwise cipher's key length.
    let expected = x.suite.pairwise_key_len();
    if m3.key_length != expected {
        return Err(anomaly(
            msg,
            KeyInfoAnomaly::KeyLength {
                expected,
                got: m3.key_length,
            },
        ));
    }
    check_protection(x.protection, msg)?;
    check_increasing(msg, x.last_replay_counter, m3.replay_counter)?;
    check_mic(m3, &x.suite, msg, x.kck, None)?;
    // IEEE 802.11-2020 12.7.6.4: the Supplicant discards M3 whose ANonce differs from M1's.
    if &m3.key_nonce != x.anonce {
        return Err(Violation::AnonceChanged);
    }
    let Some(kek) = x.kek else {
        return Ok(GroupKeys {
            gtk: None,
            igtk: None,
        });
    };
    let plain = frames::decrypt_key_data(&x.suite, m3, kek)
        .ok_or(Violation::KeyDataDecryptFailed { msg })?;
    check_m3_elements(&plain, x)?;
    group_keys(&plain, &x.suite, msg, m3.rsc_u64())
}

/// IEEE 802.11-2020 12.7.6.4: the RSNE in M3 matches the Beacon/Probe Response; for FT
/// (13.4.2) its PMKID List is `[PMKR1Name]` and MDE, R0KH-ID, R1KH-ID match.
fn check_m3_elements(plain: &[u8], x: &M3Check<'_>) -> Result<(), Violation> {
    let msg = Msg::M3;
    if KeyDataItems::new(plain).any(|i| i.is_err()) {
        return Err(Violation::KeyDataMalformed { msg });
    }
    let Some(rsne) = find_element(plain, id::RSN) else {
        return Err(Violation::RsneMissing { msg });
    };
    let Some(ft) = x.ft else {
        if let Some(beacon) = x.beacon_rsne {
            if beacon.get(2..) != Some(rsne.data) {
                return Err(Violation::RsneMismatch { msg });
            }
        }
        return Ok(());
    };
    let got = RsneRepr::parse(rsne.data).map_err(|_| Violation::RsneMismatch { msg })?;
    if let Some(beacon) = x
        .beacon_rsne
        .and_then(|b| b.get(2..))
        .and_then(|d| RsneRepr::parse(d).ok())
    {
        if !frames::rsne_eq_except_pmkids(&got, &beacon) {
            return Err(Violation::RsneMismatch { msg });
        }
    }
    if got.pmkid_list() != [ft.pmk_r1_name] {
        return Err(Violation::FtPmkr1NameMismatch { msg });
    }
    if find_element(plain, id::MOBILITY_DOMAIN).is_none_or(|e| ft.mde.get(2..) != Some(e.data)) {
        return Err(Violation::FtElementMismatch {
            msg,
            element: FtElement::Mde,
        });
    }
    let fte = find_element(plain, id::FAST_BSS_TRANSITION)
        .and_then(|e| FteRepr::parse_with_mic_len(e.data, x.suite.mic_len()).ok())
        .ok_or(Violation::FtElementMismatch {
            msg,
            element: FtElement::Fte,
        })?;
    if fte.r0kh_id() != Some(ft.r0kh_id) {
        return Err(Violation::FtElementMismatch {
            msg,
            element: FtElement::R0khId,
        });
    }
    if fte.r1kh_id() != Some(ft.r1kh_id) {
        return Err(Violation::FtElementMismatch {
            msg,
            element: FtElement::R1khId,
        });
    }
    Ok(())
}

/// GTK and IGTK KDEs of decrypted key data (IEEE 802.11-2020 12.7.2, Figures 12-36, 12-43).
fn group_keys(plain: &[u8], suite: &Suite, msg: Msg, rsc: u64) -> Result<GroupKeys, Violation> {
    let items: Vec<KeyDataItem<'_>> = KeyDataItems::new(plain).flatten().collect();
    let bad = |problem| Violation::BadGtkKde { msg, problem };
    let (key_id, gtk) = items
        .iter()
        .find_map(|i| match i {
            KeyDataItem::Kde(Kde::Gtk { flags, gtk, .. }) => Some((flags & 3, *gtk)),
            _ => None,
        })
        .ok_or(Violation::MissingGtk { msg })?;
    if key_id == 0 {
        return Err(bad(KdeProblem::GtkKeyIdZero));
    }
    if gtk.len() != suite.gtk_len() {
        return Err(bad(KdeProblem::GtkLength));
    }
    let gtk = Gtk::from_slice(gtk).map_err(|_| bad(KdeProblem::GtkLength))?;
    let mut out = GroupKeys {
        gtk: Some(GroupKey { gtk, key_id, rsc }),
        igtk: None,
    };
    let Some(igtk_len) = suite.igtk_len() else {
        return Ok(out);
    };
    // IEEE 802.11-2020 12.7.6.4 / 12.7.7.2: with management frame protection the IGTK KDE
    // travels with the GTK.
    let (key_id, ipn, igtk) = items
        .iter()
        .find_map(|i| match i {
            KeyDataItem::Kde(Kde::Igtk { key_id, ipn, igtk }) => Some((*key_id, *ipn, *igtk)),
            _ => None,
        })
        .ok_or(Violation::MissingIgtk { msg })?;
    if key_id != 4 && key_id != 5 {
        return Err(bad(KdeProblem::IgtkKeyId(key_id)));
    }
    if igtk.len() != igtk_len {
        return Err(bad(KdeProblem::IgtkLength));
    }
    let igtk = Igtk::from_slice(igtk).map_err(|_| bad(KdeProblem::IgtkLength))?;
    out.igtk = Some(IntegrityKey { igtk, key_id, ipn });
    Ok(out)
}

/// What [`check_m4`] and [`check_g2`] need to know.
#[derive(Debug, Clone, Copy)]
pub struct ReplyCheck<'a> {
    /// Negotiated suites.
    pub suite: Suite,
    /// Replay counter of the M3 / G1 the authenticator sent last.
    pub replay_counter: u64,
    /// Protection of the frame.
    pub protection: Protection,
    /// KCK of the PTK in use.
    pub kck: Option<&'a Kck>,
}

/// Validate message 4/4 (IEEE 802.11-2020 12.7.6.5).
///
/// # Errors
/// The first rule broken.
pub fn check_m4(m4: &EapolKeyRepr, x: &ReplyCheck<'_>) -> Result<(), Violation> {
    let msg = Msg::M4;
    check_shape(m4, &x.suite, msg, Shape::M4, true)?;
    // IEEE 802.11-2020 12.7.6.5: Key Nonce 0.
    if m4.key_nonce != [0; 32] {
        return Err(anomaly(msg, KeyInfoAnomaly::NonceInM4));
    }
    check_protection(x.protection, msg)?;
    check_matches(msg, x.replay_counter, m4.replay_counter)?;
    check_mic(m4, &x.suite, msg, x.kck, None)
}

/// What [`check_g1`] needs to know.
#[derive(Debug, Clone, Copy)]
pub struct G1Check<'a> {
    /// Negotiated suites.
    pub suite: Suite,
    /// Highest replay counter the supplicant accepted so far.
    pub last_replay_counter: Option<u64>,
    /// Protection of the frame.
    pub protection: Protection,
    /// KCK of the installed PTK.
    pub kck: Option<&'a Kck>,
    /// KEK of the installed PTK.
    pub kek: Option<&'a Kek>,
}

/// Validate group message 1/2 (IEEE 802.11-2020 12.7.7.2).
///
/// # Errors
/// The first rule broken.
pub fn check_g1(g1: &EapolKeyRepr, x: &G1Check<'_>) -> Result<(), Violation> {
    open_g1(g1, x).map(|_| ())
}

/// [`check_g1`], returning the group keys.
///
/// # Errors
/// The first rule broken.
pub fn open_g1(g1: &EapolKeyRepr, x: &G1Check<'_>) -> Result<GroupKeys, Violation> {
    let msg = Msg::G1;
    check_shape(g1, &x.suite, msg, Shape::G1, true)?;
    check_protection(x.protection, msg)?;
    check_increasing(msg, x.last_replay_counter, g1.replay_counter)?;
    check_mic(g1, &x.suite, msg, x.kck, None)?;
    let Some(kek) = x.kek else {
        return Ok(GroupKeys {
            gtk: None,
            igtk: None,
        });
    };
    let plain: Zeroizing<Vec<u8>> = frames::decrypt_key_data(&x.suite, g1, kek)
        .ok_or(Violation::KeyDataDecryptFailed { msg })?;
    if KeyDataItems::new(&plain).any(|i| i.is_err()) {
        return Err(Violation::KeyDataMalformed { msg });
    }
    group_keys(&plain, &x.suite, msg, g1.rsc_u64())
}

/// Validate group message 2/2 (IEEE 802.11-2020 12.7.7.3).
///
/// # Errors
/// The first rule broken.
pub fn check_g2(g2: &EapolKeyRepr, x: &ReplyCheck<'_>) -> Result<(), Violation> {
    let msg = Msg::G2;
    check_shape(g2, &x.suite, msg, Shape::G2, true)?;
    check_protection(x.protection, msg)?;
    check_matches(msg, x.replay_counter, g2.replay_counter)?;
    check_mic(g2, &x.suite, msg, x.kck, None)
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
