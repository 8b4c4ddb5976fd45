//! One passing and failing cases per validator, built with `EapolKeyRepr`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use alloc::vec;
use alloc::vec::Vec;

use rsn_crypto::{derive_ptk, Pmk, Ptk};
use rsn_wire::eapol::EapolKeyRepr;
use rsn_wire::{Akm, Cipher, MacAddr};

use super::*;
use crate::config::{FtPmkidPolicy, SecureBitPolicy};
use crate::frames::{self, Shape};

const AA: MacAddr = MacAddr([2, 0, 0, 0, 0, 1]);
const SPA: MacAddr = MacAddr([2, 0, 0, 0, 0, 2]);
const RSNE: [u8; 22] = [
    0x30, 0x14, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 2, 0, 0,
];

fn suite() -> Suite {
    Suite::psk_ccmp()
}

fn ptk() -> Ptk {
    let pmk = Pmk::from_slice(&[3; 32]).unwrap();
    derive_ptk(
        &pmk,
        Akm::PSK,
        Cipher::CCMP128,
        &AA,
        &SPA,
        &[1; 32],
        &[2; 32],
    )
    .unwrap()
}

/// Emit with MIC and parse back, as a receiver sees it.
fn sealed(r: &EapolKeyRepr, p: Option<&Ptk>) -> EapolKeyRepr {
    EapolKeyRepr::parse_bytes(&frames::seal(&suite(), r, p.map(|p| &p.kck)), 16).unwrap()
}

fn m1() -> EapolKeyRepr {
    frames::base(&suite(), 2, Shape::m1(false), 16, 5, [1; 32])
}

fn m1x(offered: &[[u8; 16]]) -> M1Check<'_> {
    M1Check {
        suite: suite(),
        last_replay_counter: Some(4),
        rekey: false,
        secure_bit: SecureBitPolicy::MODERN,
        protection: Protection::default(),
        offered_pmkids: offered,
    }
}

#[test]
fn m1_rules() {
    assert_eq!(check_m1(&m1(), &m1x(&[])), Ok(()));
    let x = M1Check {
        last_replay_counter: Some(5),
        ..m1x(&[])
    };
    assert_eq!(
        check_m1(&m1(), &x),
        Err(Violation::ReplayCounterNotIncreasing {
            msg: Msg::M1,
            last: 5,
            got: 5
        })
    );
    let mut zero = m1();
    zero.key_nonce = [0; 32];
    assert_eq!(
        check_m1(&zero, &m1x(&[])),
        Err(Violation::ZeroNonce { msg: Msg::M1 })
    );
    let mut mic = m1();
    mic.key_info = mic.key_info.with_key_mic(true);
    assert_eq!(
        check_m1(&mic, &m1x(&[])),
        Err(Violation::KeyInfoAnomaly {
            msg: Msg::M1,
            what: KeyInfoAnomaly::MicBit
        })
    );
    let mut bogus = m1();
    bogus.key_data = frames::key_data(&[rsn_wire::kde::KeyDataItem::Kde(
        rsn_wire::kde::Kde::Pmkid([0; 16]),
    )])
    .to_vec();
    assert_eq!(
        check_m1(&bogus, &m1x(&[[9; 16]])),
        Err(Violation::BogusPmkid)
    );
    let rekey = M1Check {
        rekey: true,
        protection: Protection {
            required: true,
            frame_protected: false,
        },
        ..m1x(&[])
    };
    assert_eq!(
        check_m1(&m1(), &rekey),
        Err(Violation::UnprotectedEapol { msg: Msg::M1 })
    );
    let strict = M1Check {
        rekey: true,
        secure_bit: SecureBitPolicy::STRICT_MODERN,
        ..m1x(&[])
    };
    assert_eq!(
        check_m1(&m1(), &strict),
        Err(Violation::SecureBitMismatch {
            msg: Msg::M1,
            expected: true
        })
    );
}

fn m2(secure: bool, key_data: &[u8]) -> EapolKeyRepr {
    let mut r = frames::base(&suite(), 2, Shape::m2(secure), 0, 5, [2; 32]);
    r.key_data = key_data.to_vec();
    r
}

fn m2x<'a>(kck: &'a rsn_crypto::Kck) -> M2Check<'a> {
    M2Check {
        suite: suite(),
        replay_counter: 5,
        rekey: false,
        secure_bit: SecureBitPolicy::MODERN,
        protection: Protection::default(),
        kck: Some(kck),
        previous_kck: None,
        assoc_rsne: Some(&RSNE),
        ft: None,
    }
}

#[test]
fn m2_rules() {
    let p = ptk();
    let good = sealed(&m2(false, &RSNE), Some(&p));
    assert_eq!(check_m2(&good, &m2x(&p.kck)), Ok(()));
    let unsigned = sealed(&m2(false, &RSNE), None);
    assert_eq!(
        check_m2(&unsigned, &m2x(&p.kck)),
        Err(Violation::MicInvalid { msg: Msg::M2 })
    );
    let x = M2Check {
        replay_counter: 6,
        ..m2x(&p.kck)
    };
    assert!(matches!(
        check_m2(&good, &x),
        Err(Violation::ReplayCounterMismatch {
            expected: 6,
            got: 5,
            ..
        })
    ));
    let mut other = RSNE;
    other[7] = 8;
    let bad = sealed(&m2(false, &other), Some(&p));
    assert_eq!(
        check_m2(&bad, &m2x(&p.kck)),
        Err(Violation::RsneMismatch { msg: Msg::M2 })
    );
    let none = sealed(&m2(false, &[]), Some(&p));
    assert_eq!(
        check_m2(&none, &m2x(&p.kck)),
        Err(Violation::RsneMissing { msg: Msg::M2 })
    );
    let secure = sealed(&m2(true, &RSNE), Some(&p));
    assert_eq!(
        check_m2(&secure, &m2x(&p.kck)),
        Err(Violation::KeyInfoAnomaly {
            msg: Msg::M2,
            what: KeyInfoAnomaly::Secure
        })
    );
}

#[test]
fn m2_ft_pmkid_list() {
    let p = ptk();
    let name = [0x77; 16];
    let mde = frames::mde([0x12, 0x34], 1);
    let fte = frames::assoc_resp_fte(16, AA, b"r0kh");
    let kd = |ids: Vec<[u8; 16]>| {
        let mut v = frames::rsne_with_pmkids(&RSNE, ids).unwrap();
        v.extend_from_slice(&mde);
        v.extend_from_slice(&fte);
        v
    };
    let ft = |policy| FtM2Check {
        pmk_r1_name: name,
        mde: &mde,
        fte: &fte,
        assoc_pmkids: &[[0x55; 16]],
        policy,
    };
    let x = |policy| M2Check {
        ft: Some(ft(policy)),
        ..m2x(&p.kck)
    };
    let one = sealed(&m2(false, &kd(vec![name])), Some(&p));
    assert_eq!(check_m2(&one, &x(FtPmkidPolicy::Strict)), Ok(()));
    let two = sealed(&m2(false, &kd(vec![name, [0x55; 16]])), Some(&p));
    assert_eq!(
        check_m2(&two, &x(FtPmkidPolicy::Strict)),
        Err(Violation::FtPmkidList { count: 2 })
    );
    assert_eq!(check_m2(&two, &x(FtPmkidPolicy::Lenient)), Ok(()));
    let wrong = sealed(&m2(false, &kd(vec![[1; 16]])), Some(&p));
    assert_eq!(
        check_m2(&wrong, &x(FtPmkidPolicy::Strict)),
        Err(Violation::FtPmkr1NameMismatch { msg: Msg::M2 })
    );
    let mut no_mde = frames::rsne_with_pmkids(&RSNE, vec![name]).unwrap();
    no_mde.extend_from_slice(&fte);
    let f = sealed(&m2(false, &no_mde), Some(&p));
    assert_eq!(
        check_m2(&f, &x(FtPmkidPolicy::Strict)),
        Err(Violation::FtElementMismatch {
            msg: Msg::M2,
            element: FtElement::Mde
        })
    );
}

fn m3(p: &Ptk, anonce: [u8; 32], gtk: bool) -> EapolKeyRepr {
    let s = suite();
    let mut r = frames::base(&s, 2, Shape::M3, 16, 6, anonce);
    let mut plain = RSNE.to_vec();
    if gtk {
        plain.extend_from_slice(&frames::key_data(&[frames::gtk_kde(1, &[0xab; 16])]));
    }
    frames::put_encrypted_key_data(&s, &mut r, &p.kek, &plain, [0; 16]);
    sealed(&r, Some(p))
}

fn m3x<'a>(p: &'a Ptk, anonce: &'a [u8; 32]) -> M3Check<'a> {
    M3Check {
        suite: suite(),
        anonce,
        last_replay_counter: Some(5),
        protection: Protection::default(),
        kck: Some(&p.kck),
        kek: Some(&p.kek),
        beacon_rsne: Some(&RSNE),
        ft: None,
    }
}

#[test]
fn m3_rules() {
    let p = ptk();
    let a = [1; 32];
    let keys = open_m3(&m3(&p, a, true), &m3x(&p, &a)).unwrap();
    assert_eq!(
        keys.gtk.map(|g| (g.key_id, g.gtk.expose_secret().to_vec())),
        Some((1, vec![0xab; 16]))
    );
    assert_eq!(
        check_m3(&m3(&p, [9; 32], true), &m3x(&p, &a)),
        Err(Violation::AnonceChanged)
    );
    assert_eq!(
        check_m3(&m3(&p, a, false), &m3x(&p, &a)),
        Err(Violation::MissingGtk { msg: Msg::M3 })
    );
    let other = derive_ptk(
        &Pmk::from_slice(&[4; 32]).unwrap(),
        Akm::PSK,
        Cipher::CCMP128,
        &AA,
        &SPA,
        &a,
        &a,
    )
    .unwrap();
    let x = M3Check {
        kck: None,
        kek: Some(&other.kek),
        ..m3x(&p, &a)
    };
    assert_eq!(
        check_m3(&m3(&p, a, true), &x),
        Err(Violation::KeyDataDecryptFailed { msg: Msg::M3 })
    );
    let x = M3Check {
        kck: Some(&other.kck),
        ..m3x(&p, &a)
    };
    assert_eq!(
        check_m3(&m3(&p, a, true), &x),
        Err(Violation::MicInvalid { msg: Msg::M3 })
    );
    let mut beacon = RSNE;
    beacon[21] = 0x80;
    let x = M3Check {
        beacon_rsne: Some(&beacon),
        ..m3x(&p, &a)
    };
    assert_eq!(
        check_m3(&m3(&p, a, true), &x),
        Err(Violation::RsneMismatch { msg: Msg::M3 })
    );
    let mut short = m3(&p, a, true);
    short.key_length = 32;
    assert!(matches!(
        check_m3(&short, &m3x(&p, &a)),
        Err(Violation::KeyInfoAnomaly {
            what: KeyInfoAnomaly::KeyLength {
                expected: 16,
                got: 32
            },
            ..
        })
    ));
}

#[test]
fn m4_and_g2_rules() {
    let p = ptk();
    let x = ReplyCheck {
        suite: suite(),
        replay_counter: 6,
        protection: Protection::default(),
        kck: Some(&p.kck),
    };
    let m4 = sealed(
        &frames::base(&suite(), 2, Shape::M4, 0, 6, [0; 32]),
        Some(&p),
    );
    assert_eq!(check_m4(&m4, &x), Ok(()));
    let mut nonce = frames::base(&suite(), 2, Shape::M4, 0, 6, [0; 32]);
    nonce.key_nonce[0] = 1;
    assert!(matches!(
        check_m4(&sealed(&nonce, Some(&p)), &x),
        Err(Violation::KeyInfoAnomaly {
            what: KeyInfoAnomaly::NonceInM4,
            ..
        })
    ));
    let unprotected = ReplyCheck {
        protection: Protection {
            required: true,
            frame_protected: false,
        },
        ..x
    };
    assert_eq!(
        check_m4(&m4, &unprotected),
        Err(Violation::UnprotectedEapol { msg: Msg::M4 })
    );
    let g2 = sealed(
        &frames::base(&suite(), 2, Shape::G2, 0, 6, [0; 32]),
        Some(&p),
    );
    assert_eq!(check_g2(&g2, &x), Ok(()));
    assert_eq!(
        check_g2(
            &g2,
            &ReplyCheck {
                replay_counter: 7,
                ..x
            }
        ),
        Err(Violation::ReplayCounterMismatch {
            msg: Msg::G2,
            expected: 7,
            got: 6
        })
    );
    assert_eq!(
        check_g2(&m4, &x),
        Err(Violation::KeyInfoAnomaly {
            msg: Msg::G2,
            what: KeyInfoAnomaly::KeyType
        })
    );
}

#[test]
fn g1_rules() {
    let p = ptk();
    let s = Suite {
        group_mgmt: Some(Cipher::BIP_CMAC128),
        ..suite()
    };
    let g1 = |igtk_id: Option<u16>| {
        let mut r = frames::base(&s, 2, Shape::G1, 16, 7, [0; 32]);
        let mut items = vec![frames::gtk_kde(2, &[0xcd; 16])];
        if let Some(id) = igtk_id {
            items.push(frames::igtk_kde(id, [0; 6], &[0xef; 16]));
        }
        frames::put_encrypted_key_data(&s, &mut r, &p.kek, &frames::key_data(&items), [0; 16]);
        EapolKeyRepr::parse_bytes(&frames::seal(&s, &r, Some(&p.kck)), 16).unwrap()
    };
    let x = G1Check {
        suite: s,
        last_replay_counter: Some(6),
        protection: Protection {
            required: true,
            frame_protected: true,
        },
        kck: Some(&p.kck),
        kek: Some(&p.kek),
    };
    let keys = open_g1(&g1(Some(4)), &x).unwrap();
    assert_eq!(keys.igtk.map(|i| i.key_id), Some(4));
    assert_eq!(
        check_g1(&g1(None), &x),
        Err(Violation::MissingIgtk { msg: Msg::G1 })
    );
    assert_eq!(
        check_g1(&g1(Some(0x0400)), &x),
        Err(Violation::BadGtkKde {
            msg: Msg::G1,
            problem: KdeProblem::IgtkKeyId(0x0400)
        })
    );
    let old = G1Check {
        last_replay_counter: Some(7),
        ..x
    };
    assert!(matches!(
        check_g1(&g1(Some(4)), &old),
        Err(Violation::ReplayCounterNotIncreasing { .. })
    ));
}

#[test]
fn violation_metadata() {
    use rsn_wire::ReasonCode;
    let v = Violation::FtPmkidList { count: 2 };
    assert_eq!(
        (v.reason_code(), v.finding_code(), v.clause()),
        (ReasonCode::PREV_AUTH_NOT_VALID, "ft-pmkid-list", "13.4.2")
    );
    assert!(v.is_fatal());
    let v = Violation::MicInvalid { msg: Msg::M2 };
    assert_eq!(
        (v.reason_code(), v.is_fatal()),
        (ReasonCode::FOURWAY_HANDSHAKE_TIMEOUT, false)
    );
    assert_eq!(
        Violation::RsneMismatch { msg: Msg::M3 }.reason_code(),
        ReasonCode::IE_IN_4WAY_DIFFERS
    );
    assert_eq!(
        Violation::HandshakeTimeout { msg: Msg::G1 }.reason_code(),
        ReasonCode::GROUP_KEY_UPDATE_TIMEOUT
    );
    assert_eq!(
        alloc::format!("{}", Violation::AnonceChanged),
        "ANonce in message 3/4 differs from message 1/4"
    );
}
