//! Every fault switch, its effect on the wire and the peer's reaction — the simulator's
//! scenarios in miniature.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use core::time::Duration;

use common::*;
use rsn_crypto::derive_ptk;
use rsn_handshake::validate::{M2Check, Protection};
use rsn_handshake::*;
use rsn_wire::eapol::EapolKeyRepr;
use rsn_wire::{Akm, Cipher, ReasonCode};

fn psk() -> Suite {
    suite(Akm::PSK, Cipher::CCMP128)
}

fn pair_with(s: Suite, f: impl FnOnce(&mut AuthConfig, &mut SupConfig)) -> Pair {
    let (mut a, mut st) = configs(s, PmkSource::Pmk(pmk(3)), PmkSource::Pmk(pmk(3)));
    f(&mut a, &mut st);
    Pair::new(a, st, 11)
}

fn ap_failure(p: &Pair) -> (ReasonCode, Violation) {
    let (r, v) = Pair::failure(&p.ap_log).expect("AP failed");
    (r, v.expect("AP names the cause"))
}

/// The supplicant ends in the defined Failed state with the AP's reason.
fn sta_deauthed(p: &Pair, reason: ReasonCode) {
    assert_eq!(p.sta.state(), SupState::Failed);
    assert_eq!(Pair::failure(&p.sta_log).map(|f| f.0), Some(reason));
}

#[test]
fn wrong_psk() {
    let (a, st) = configs(psk(), PmkSource::Pmk(pmk(3)), PmkSource::Pmk(pmk(4)));
    let mut p = Pair::new(a, st, 1);
    p.start();
    // IEEE 802.11-2020 12.7.6.3: M2 with a bad MIC is discarded; M1 is retransmitted
    // (4 transmissions: 100 ms, then 1 s apart) and the AP gives up with reason 15.
    assert_eq!(p.frames(Dir::ToSta, "M1").len(), 4);
    assert_eq!(
        Pair::discarded(&p.ap_log),
        vec![Violation::MicInvalid { msg: Msg::M2 }; 4]
    );
    let (r, v) = ap_failure(&p);
    assert_eq!(
        (r, v.clone()),
        (
            ReasonCode::FOURWAY_HANDSHAKE_TIMEOUT,
            Violation::HandshakeTimeout { msg: Msg::M1 }
        )
    );
    assert_eq!(Pair::discarded(&p.ap_log)[0].finding_code(), "wrong-psk");
    assert_eq!(p.now, Instant::from_millis(3100));
    sta_deauthed(&p, ReasonCode::FOURWAY_HANDSHAKE_TIMEOUT);
}

#[test]
fn win7_stale_ptk_on_rekey() {
    let mut p = pair_with(psk(), |_, st| st.faults.stale_ptk_on_rekey = true);
    p.start();
    assert_eq!(
        Pair::completed(&p.ap_log).len(),
        1,
        "initial handshake is unaffected"
    );
    p.ap_input(Input::StartRekey);
    let rekey_m2s = p.frames(Dir::ToAp, "M2").split_off(1);
    assert_eq!(rekey_m2s.len(), 4);
    // The AP sees only an invalid MIC, ignores the M2, resends M1 and finally deauths.
    assert!(Pair::discarded(&p.ap_log)
        .iter()
        .all(|v| *v == Violation::MicInvalid { msg: Msg::M2 }));
    assert_eq!(
        ap_failure(&p),
        (
            ReasonCode::FOURWAY_HANDSHAKE_TIMEOUT,
            Violation::HandshakeTimeout { msg: Msg::M1 }
        )
    );
    sta_deauthed(&p, ReasonCode::FOURWAY_HANDSHAKE_TIMEOUT);
    // The analyzer, holding both PTKs, names the cause: the MIC verifies with the old KCK.
    let s = psk();
    let key = |f: &Vec<u8>| EapolKeyRepr::parse_bytes(f, 16).unwrap();
    let (m1s, m2s) = (p.frames(Dir::ToSta, "M1"), p.frames(Dir::ToAp, "M2"));
    let old = derive_ptk(
        &pmk(3),
        s.akm,
        s.pairwise,
        &AA,
        &SPA,
        &key(&m1s[0]).key_nonce,
        &key(&m2s[0]).key_nonce,
    )
    .unwrap();
    let (m1, m2) = (key(&m1s[1]), key(&rekey_m2s[0]));
    let new = derive_ptk(
        &pmk(3),
        s.akm,
        s.pairwise,
        &AA,
        &SPA,
        &m1.key_nonce,
        &m2.key_nonce,
    )
    .unwrap();
    assert!(m2.key_info.secure(), "Secure bit set on the rekey M2");
    let x = M2Check {
        suite: s,
        replay_counter: m1.replay_counter,
        rekey: true,
        secure_bit: SecureBitPolicy::MODERN,
        protection: Protection {
            required: true,
            frame_protected: true,
        },
        kck: Some(&new.kck),
        previous_kck: Some(&old.kck),
        assoc_rsne: None,
        ft: None,
    };
    let v = check_m2(&m2, &x).unwrap_err();
    assert_eq!(
        (v.clone(), v.finding_code()),
        (Violation::StalePtk { msg: Msg::M2 }, "stale-ptk")
    );
}

fn ft_pair(policy: FtPmkidPolicy, extra: [u8; 16], in_assoc: bool) -> Pair {
    let s = suite(Akm::FT_PSK, Cipher::CCMP128);
    let (mut a, mut st) = configs(s, PmkSource::Ft(ft_params(4)), PmkSource::Ft(ft_params(4)));
    a.ft_pmkid_policy = policy;
    st.faults.extra_pmkids_in_ft_m2 = vec![extra];
    if in_assoc {
        st.assoc_rsne = rsne(&s, Some(vec![extra]));
    }
    let mut p = Pair::new(a, st, 6);
    p.start();
    p
}

#[test]
fn ft_two_pmkids_strict_ap_deauthenticates_after_a_valid_m2() {
    let p = ft_pair(FtPmkidPolicy::Strict, [0xee; 16], true);
    let (r, v) = ap_failure(&p);
    // hostapd (before 2024): ft_check_msg_2_of_4 fails → wpa_sta_disconnect(reason 2).
    assert_eq!(v, Violation::FtPmkidList { count: 2 });
    assert_eq!(
        (r, v.finding_code()),
        (ReasonCode::PREV_AUTH_NOT_VALID, "ft-pmkid-list")
    );
    // The MIC was valid: no M2 was discarded for its MIC, and no M3 was sent.
    assert!(Pair::discarded(&p.ap_log).is_empty());
    assert!(p.frames(Dir::ToSta, "M3").is_empty());
    sta_deauthed(&p, ReasonCode::PREV_AUTH_NOT_VALID);
}

#[test]
fn ft_two_pmkids_lenient_ap_completes() {
    let p = ft_pair(FtPmkidPolicy::Lenient, [0xee; 16], true);
    assert_eq!(
        Pair::completed(&p.ap_log),
        [Handshake::FourWay { rekey: false }]
    );
    assert_eq!(
        Pair::installs_ptk(&p.ap_log),
        Pair::installs_ptk(&p.sta_log)
    );
    // Lenient still refuses a PMKID the AssocReq never listed.
    let p = ft_pair(FtPmkidPolicy::Lenient, [0xee; 16], false);
    assert_eq!(ap_failure(&p).1, Violation::FtPmkidList { count: 2 });
}

#[test]
fn anonce_changed_in_m3() {
    let mut p = pair_with(psk(), |a, _| a.faults.change_anonce_in_m3 = true);
    p.start();
    assert_eq!(
        Pair::discarded(&p.sta_log),
        vec![Violation::AnonceChanged; 4]
    );
    let (r, v) = ap_failure(&p);
    assert_eq!(
        (r, v.finding_code()),
        (ReasonCode::FOURWAY_HANDSHAKE_TIMEOUT, "m3-unanswered")
    );
    assert!(Pair::installs_ptk(&p.sta_log).is_empty());
}

#[test]
fn replay_counter_not_incrementing() {
    let mut p = pair_with(psk(), |a, _| {
        a.faults.replay_counter_not_incrementing = true
    });
    p.start();
    assert!(matches!(
        Pair::discarded(&p.sta_log)[0],
        Violation::ReplayCounterNotIncreasing {
            msg: Msg::M3,
            last: 1,
            got: 1
        }
    ));
    assert_eq!(ap_failure(&p).0, ReasonCode::FOURWAY_HANDSHAKE_TIMEOUT);
}

#[test]
fn wrong_replay_counter_in_m2() {
    let mut p = pair_with(psk(), |_, st| st.faults.wrong_replay_counter_in_m2 = true);
    p.start();
    assert!(matches!(
        Pair::discarded(&p.ap_log)[0],
        Violation::ReplayCounterMismatch {
            msg: Msg::M2,
            expected: 1,
            got: 2
        }
    ));
    assert_eq!(
        Pair::discarded(&p.ap_log)[0].finding_code(),
        "replay-counter"
    );
    assert_eq!(ap_failure(&p).0, ReasonCode::FOURWAY_HANDSHAKE_TIMEOUT);
}

#[test]
fn krack_m3_retransmission_is_answered_but_never_reinstalled() {
    let mut p = pair_with(psk(), |_, _| {});
    p.drop_list.push((Dir::ToAp, "M4", 0));
    p.start();
    assert_eq!(p.frames(Dir::ToSta, "M3").len(), 2);
    assert_eq!(p.frames(Dir::ToAp, "M4").len(), 2);
    assert_eq!(Pair::installs_ptk(&p.sta_log).len(), 1);
    assert_eq!(Pair::installs_gtk(&p.sta_log).len(), 1);
    assert_eq!(Pair::completed(&p.ap_log).len(), 1);
}

#[test]
fn krack_vulnerable_supplicant_reinstalls_and_resets_pn() {
    let mut p = pair_with(psk(), |_, st| st.faults.reinstall_on_m3_retransmit = true);
    p.drop_list.push((Dir::ToAp, "M4", 0));
    p.start();
    let installs = Pair::installs_ptk(&p.sta_log);
    assert_eq!(installs.len(), 2);
    assert_eq!(
        installs[0], installs[1],
        "same key installed again, PN reset"
    );
    assert!(installs[1].1);
    assert_eq!(Pair::installs_gtk(&p.sta_log).len(), 2);
}

#[test]
fn zero_tk_breaks_protected_traffic() {
    let mut p = pair_with(psk(), |_, st| st.faults.zero_tk = true);
    p.start();
    assert_eq!(Pair::installs_ptk(&p.sta_log)[0].0, vec![0u8; 16]);
    assert_ne!(Pair::installs_ptk(&p.ap_log)[0].0, vec![0u8; 16]);
    // The AP's next protected frame (a G1) cannot be read by the STA: reason 16.
    p.ap_input(Input::StartGroupRekey);
    assert_eq!(p.undecryptable.len(), 4);
    assert_eq!(
        ap_failure(&p),
        (
            ReasonCode::GROUP_KEY_UPDATE_TIMEOUT,
            Violation::HandshakeTimeout { msg: Msg::G1 }
        )
    );
}

#[test]
fn m3_unanswered() {
    let mut p = pair_with(psk(), |_, st| st.faults.ignore_m3 = true);
    p.start();
    assert_eq!(p.frames(Dir::ToSta, "M3").len(), 4);
    let (r, v) = ap_failure(&p);
    assert_eq!(
        (r, v.finding_code(), v.clause()),
        (
            ReasonCode::FOURWAY_HANDSHAKE_TIMEOUT,
            "m3-unanswered",
            "12.7.6.6"
        )
    );
    sta_deauthed(&p, ReasonCode::FOURWAY_HANDSHAKE_TIMEOUT);
}

#[test]
fn group_key_timeout() {
    let mut p = pair_with(psk(), |_, st| st.faults.ignore_g1 = true);
    p.start();
    let t0 = p.now;
    p.ap_input(Input::StartGroupRekey);
    assert_eq!(p.frames(Dir::ToSta, "G1").len(), 4);
    let (r, v) = ap_failure(&p);
    assert_eq!(
        (r, v.finding_code()),
        (ReasonCode::GROUP_KEY_UPDATE_TIMEOUT, "group-key-timeout")
    );
    // 500 ms, then 1 s per retry (hostapd).
    assert_eq!(
        p.now.saturating_duration_since(t0),
        Duration::from_millis(3500)
    );
    sta_deauthed(&p, ReasonCode::GROUP_KEY_UPDATE_TIMEOUT);
}

#[test]
fn okc_pmkid_mismatch_without_fresh_pmk() {
    let s = suite(Akm::IEEE8021X, Cipher::CCMP128);
    let cached = pmk(0x44);
    // The STA computed its PMKID for another AP (SKC), so the AP finds no PMKSA.
    let other_aa = rsn_wire::MacAddr([2, 0, 0, 0, 0, 9]);
    let id = rsn_crypto::pmkid(s.akm, &cached, &other_aa, &SPA).unwrap();
    let mut a = AuthConfig::new(s, rsne(&s, None), PmkSource::Pmk(pmk(1)));
    a.pmk = None;
    a.pmksa_cache = vec![cached.clone()];
    let st = SupConfig::new(
        s,
        PmkSource::Pmk(cached),
        rsne(&s, Some(vec![id])),
        rsne(&s, None),
    );
    let mut p = Pair::new(a, st, 3);
    p.start();
    let (r, v) = ap_failure(&p);
    assert_eq!(
        (r, v.finding_code()),
        (ReasonCode::INVALID_PMKID, "pmkid-mismatch")
    );
    assert!(p.sent.is_empty());
}

#[test]
fn bogus_pmkid_in_m1_is_a_warning() {
    let s = suite(Akm::IEEE8021X, Cipher::CCMP128);
    let offered = rsn_crypto::pmkid(s.akm, &pmk(3), &AA, &SPA).unwrap();
    let mut p = pair_with(s, |a, st| {
        a.faults.bogus_pmkid_in_m1 = true;
        st.assoc_rsne = rsne(&s, Some(vec![offered]));
    });
    p.start();
    assert_eq!(Pair::warnings(&p.sta_log), [Violation::BogusPmkid]);
    assert_eq!(Pair::warnings(&p.sta_log)[0].finding_code(), "bogus-pmkid");
    assert_eq!(Pair::completed(&p.sta_log).len(), 1);
}

#[test]
fn new_anonce_per_m1_retry() {
    let mut p = pair_with(psk(), |a, _| a.faults.new_anonce_per_m1_retry = true);
    p.drop_list.push((Dir::ToAp, "M2", 0));
    p.start();
    let m1s = p.frames(Dir::ToSta, "M1");
    assert_ne!(
        m1s[0][17..49],
        m1s[1][17..49],
        "ANonce changed between M1 retries"
    );
    assert_eq!(
        Pair::installs_ptk(&p.ap_log),
        Pair::installs_ptk(&p.sta_log)
    );
}

#[test]
fn snonce_per_retransmission() {
    for fault in [false, true] {
        let mut p = pair_with(psk(), |_, st| st.faults.snonce_per_retransmission = fault);
        p.drop_list.push((Dir::ToAp, "M2", 0));
        p.start();
        let m2s = p.frames(Dir::ToAp, "M2");
        assert_eq!(m2s[0][17..49] != m2s[1][17..49], fault);
        assert_eq!(
            Pair::installs_ptk(&p.ap_log),
            Pair::installs_ptk(&p.sta_log)
        );
    }
}

#[test]
fn tkip_reauth_install_ptk_delay_keeps_old_key() {
    let s = suite(Akm::PSK, Cipher::TKIP);
    let mut p = pair_with(s, |_, st| {
        st.faults.install_ptk_delay = Some(Duration::from_millis(300))
    });
    p.start();
    p.ap_input(Input::StartRekey);
    let sta = Pair::installs_ptk(&p.sta_log);
    assert_eq!(sta.len(), 2);
    let ap_at = p
        .ap_log
        .iter()
        .filter(|l| matches!(l.action, Action::InstallPtk { .. }))
        .nth(1)
        .unwrap()
        .at;
    let sta_at = p
        .sta_log
        .iter()
        .filter(|l| matches!(l.action, Action::InstallPtk { .. }))
        .nth(1)
        .unwrap()
        .at;
    assert!(sta_at.saturating_duration_since(ap_at) >= Duration::from_millis(299));
}

#[test]
fn rekey_early_install_on_ap_loses_the_first_m4() {
    let mut p = pair_with(psk(), |a, _| a.faults.early_install = true);
    p.start();
    p.ap_input(Input::StartRekey);
    // The AP switched to the new TK when sending M3: the STA's M4 (under the old TK) is
    // unreadable; the retransmitted M3 travels under the new TK, which the STA has by then.
    assert_eq!(p.undecryptable, vec![(Dir::ToAp, "M4")]);
    assert_eq!(Pair::installs_ptk(&p.ap_log).len(), 2);
    assert_eq!(
        Pair::completed(&p.ap_log).last(),
        Some(&Handshake::FourWay { rekey: true })
    );
}

#[test]
fn rekey_late_install_on_ap() {
    let mut p = pair_with(psk(), |a, _| {
        a.faults.late_install = Some(Duration::from_secs(2))
    });
    p.start();
    p.ap_input(Input::StartRekey);
    let at: Vec<_> = p
        .ap_log
        .iter()
        .filter(|l| matches!(l.action, Action::InstallPtk { .. }))
        .map(|l| l.at)
        .collect();
    let done = p
        .ap_log
        .iter()
        .rev()
        .find(|l| matches!(l.action, Action::Completed(_)))
        .unwrap()
        .at;
    assert_eq!(
        at[1].saturating_duration_since(done),
        Duration::from_secs(2)
    );
}

#[test]
fn unprotected_rekey_eapol_is_discarded() {
    let mut p = pair_with(psk(), |_, st| st.faults.unprotected_eapol = true);
    p.start();
    p.ap_input(Input::StartRekey);
    let d = Pair::discarded(&p.ap_log);
    assert_eq!(d[0], Violation::UnprotectedEapol { msg: Msg::M2 });
    assert_eq!(d[0].finding_code(), "rekey-unprotected-eapol");
    assert_eq!(ap_failure(&p).0, ReasonCode::FOURWAY_HANDSHAKE_TIMEOUT);
    // And the other way round: the STA drops an unprotected rekey M1.
    let mut p = pair_with(psk(), |a, _| a.faults.unprotected_eapol = true);
    p.start();
    p.ap_input(Input::StartRekey);
    assert_eq!(
        Pair::discarded(&p.sta_log)[0],
        Violation::UnprotectedEapol { msg: Msg::M1 }
    );
}

#[test]
fn secure_bit_policies() {
    // Both readings accepted: completes.
    let mut p = pair_with(psk(), |a, _| a.secure_bit = SecureBitPolicy::LEGACY);
    p.start();
    p.ap_input(Input::StartRekey);
    assert_eq!(Pair::completed(&p.ap_log).len(), 2);
    // A strict legacy AP against a modern STA: the rekey M2 is refused.
    let mut p = pair_with(psk(), |a, _| a.secure_bit = SecureBitPolicy::STRICT_LEGACY);
    p.start();
    p.ap_input(Input::StartRekey);
    let d = Pair::discarded(&p.ap_log);
    assert_eq!(
        d[0],
        Violation::SecureBitMismatch {
            msg: Msg::M2,
            expected: false
        }
    );
    assert_eq!(d[0].finding_code(), "secure-bit-ambiguity");
    assert_eq!(ap_failure(&p).0, ReasonCode::FOURWAY_HANDSHAKE_TIMEOUT);
}

#[test]
fn rsne_mismatch_in_m2() {
    let s = psk();
    let mut p = pair_with(s, |_, st| {
        // The STA puts a different RSNE into M2 than into its AssocReq.
        st.assoc_rsne = rsne(
            &Suite {
                pairwise: Cipher::GCMP128,
                ..s
            },
            None,
        );
    });
    // The AP was told the AssocReq RSNE of `configs`, i.e. the CCMP one.
    p.ap = Authenticator::new(
        AuthConfig::new(s, rsne(&s, None), PmkSource::Pmk(pmk(3))),
        AA,
        SPA,
        rsne(&s, None),
        nonces(1),
    )
    .unwrap();
    p.start();
    let (r, v) = ap_failure(&p);
    assert_eq!(
        (r, v.clone(), v.finding_code()),
        (
            ReasonCode::PREV_AUTH_NOT_VALID,
            Violation::RsneMismatch { msg: Msg::M2 },
            "rsne-mismatch"
        )
    );
}

#[test]
fn rekey_m4_loss_is_fatal_without_extended_key_id() {
    // PTK0 rekey (failure catalog B2): the STA installs the new TK right after M4; if that
    // M4 is lost, the AP's M3 retransmissions travel under the old TK, which the STA no
    // longer has. The AP times out with reason 15; no key is ever reinstalled.
    let mut p = pair_with(psk(), |_, _| {});
    p.drop_list.push((Dir::ToAp, "M4", 1));
    p.start();
    p.ap_input(Input::StartRekey);
    assert_eq!(p.undecryptable, vec![(Dir::ToSta, "M3"); 3]);
    assert_eq!(
        ap_failure(&p),
        (
            ReasonCode::FOURWAY_HANDSHAKE_TIMEOUT,
            Violation::HandshakeTimeout { msg: Msg::M3 }
        )
    );
    assert_eq!(Pair::installs_ptk(&p.sta_log).len(), 2);
}
