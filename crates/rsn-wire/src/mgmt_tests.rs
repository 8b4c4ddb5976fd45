#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
use super::*;
use crate::element::{id, ElementBody, RsneRepr};
use alloc::vec;
use proptest::collection::vec as pvec;
use proptest::prelude::*;

#[test]
fn beacon_with_rsne() {
    let mut b = vec![1, 0, 0, 0, 0, 0, 0, 0, 0x64, 0, 0x11, 0x04];
    b.extend_from_slice(b"\x00\x07TestWPA");
    b.extend_from_slice(&hex::decode("30140100000fac040100000fac040100000fac020000").unwrap());
    let m = MgmtRepr::parse(st::BEACON, &b).unwrap();
    let MgmtRepr::Beacon(bc) = m else { panic!() };
    assert_eq!((bc.timestamp, bc.beacon_interval), (1, 100));
    assert!(bc.capability.ess() && bc.capability.privacy() && bc.capability.short_slot_time());
    let rsn = Elements::find(bc.elements, id::RSN).unwrap();
    assert!(RsneRepr::parse_element(&rsn).is_ok());
    assert_eq!(m.elements().unwrap().count(), 2);
    let mut out = vec![0; m.buffer_len()];
    m.emit(&mut out).unwrap();
    assert_eq!(out, b);
}

#[test]
fn auth_deauth_ft_action() {
    let sae = [3u8, 0, 1, 0, 0, 0, 19, 0, 0xaa, 0xbb];
    let MgmtRepr::Auth(a) = MgmtRepr::parse(st::AUTH, &sae).unwrap() else {
        panic!()
    };
    assert_eq!(
        (a.algorithm, a.transaction, a.status),
        (AuthAlgorithm::SAE, 1, StatusCode::SUCCESS)
    );
    assert_eq!(a.sae_body(), Some(&sae[6..]));
    assert!(MgmtRepr::Auth(a).elements().is_none());
    let d = MgmtRepr::parse(st::DEAUTH, &[15, 0]).unwrap();
    assert_eq!(
        d,
        MgmtRepr::Deauth {
            reason: ReasonCode::FOURWAY_HANDSHAKE_TIMEOUT,
            rest: &[]
        }
    );
    assert_eq!(MgmtRepr::parse(st::DISASSOC, &[1]), Err(Error::Truncated));
    // FT Response with status 53 (INVALID_PMKID).
    let mut ft = vec![6u8, 2];
    ft.extend_from_slice(&[1; 6]);
    ft.extend_from_slice(&[2; 6]);
    ft.extend_from_slice(&[53, 0, 54, 3, 0x12, 0x34, 1]);
    let MgmtRepr::Action(act) = MgmtRepr::parse(st::ACTION, &ft).unwrap() else {
        panic!()
    };
    assert!(act.is_robust());
    let f = act.ft().unwrap().unwrap();
    assert_eq!(f.action, ft_action::RESPONSE);
    assert_eq!(f.status, Some(StatusCode::INVALID_PMKID));
    assert_eq!(
        (f.sta_addr, f.target_ap),
        (MacAddr([1; 6]), MacAddr([2; 6]))
    );
    assert_eq!(f.elements, &[54, 3, 0x12, 0x34, 1]);
    let mut out = vec![0; f.buffer_len()];
    f.emit(&mut out).unwrap();
    assert_eq!(out, &ft[1..]);
    // Reassociation request.
    let mut rr = vec![0x31, 0x04, 10, 0];
    rr.extend_from_slice(&[9; 6]);
    let MgmtRepr::ReassocReq {
        current_ap,
        listen_interval,
        ..
    } = MgmtRepr::parse(st::REASSOC_REQ, &rr).unwrap()
    else {
        panic!()
    };
    assert_eq!((current_ap, listen_interval), (MacAddr([9; 6]), 10));
}

proptest! {
    #[test]
    fn parse_emit_identical(subtype in 0u8..16, b in pvec(any::<u8>(), 0..64)) {
        if let Ok(m) = MgmtRepr::parse(subtype, &b) {
            prop_assert_eq!(m.subtype(), subtype);
            let mut out = vec![0; m.buffer_len()];
            m.emit(&mut out).unwrap();
            prop_assert_eq!(&out, &b);
            prop_assert_eq!(MgmtRepr::parse(subtype, &out).unwrap(), m);
            if let Some(es) = m.elements() { for e in es { if e.is_err() { break; } } }
            if let MgmtRepr::Action(a) = m {
                if let Some(Ok(f)) = a.ft() {
                    let mut o = vec![0; f.buffer_len()];
                    f.emit(&mut o).unwrap();
                    prop_assert_eq!(&o[..], a.body);
                    prop_assert_eq!(FtActionRepr::parse(&o).unwrap(), f);
                }
            }
        }
    }

    #[test]
    fn no_panic_any_subtype(subtype in any::<u8>(), b in pvec(any::<u8>(), 0..32)) {
        let _ = MgmtRepr::parse(subtype, &b);
        let _ = FtActionRepr::parse(&b);
    }
}
