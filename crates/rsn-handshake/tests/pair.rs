//! Supplicant ↔ Authenticator over the in-memory air: clean handshakes for every
//! supported suite, PTK/GTK rekey, FT, PMKSA caching/OKC.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use core::time::Duration;

use common::*;
use rsn_crypto::Pmk;
use rsn_handshake::*;
use rsn_wire::{Akm, Cipher};

/// Both sides completed the initial 4-way handshake, installed the same TK and the same
/// GTK, and nothing was installed twice.
fn assert_clean(p: &Pair) {
    assert_eq!(
        Pair::completed(&p.ap_log),
        [Handshake::FourWay { rekey: false }],
        "{:?}",
        p.ap_log
    );
    assert_eq!(
        Pair::completed(&p.sta_log),
        [Handshake::FourWay { rekey: false }],
        "{:?}",
        p.sta_log
    );
    let (a, s) = (
        Pair::installs_ptk(&p.ap_log),
        Pair::installs_ptk(&p.sta_log),
    );
    assert_eq!(a.len(), 1);
    assert_eq!(a, s);
    assert_eq!(
        Pair::installs_gtk(&p.ap_log),
        Pair::installs_gtk(&p.sta_log)
    );
    assert_eq!(p.ap.state(), AuthState::PtkInitDone);
    assert_eq!(p.sta.state(), SupState::Established);
}

fn run_suite(s: Suite) -> Pair {
    let (a, st) = configs(
        s,
        PmkSource::Pmk(Pmk::from_slice(&vec![9; s.pmk_len]).unwrap()),
        PmkSource::Pmk(Pmk::from_slice(&vec![9; s.pmk_len]).unwrap()),
    );
    let mut p = Pair::new(a, st, 1);
    p.start();
    assert_clean(&p);
    p
}

#[test]
fn clean_psk_ccmp() {
    let p = run_suite(suite(Akm::PSK, Cipher::CCMP128));
    // Descriptor version 2, HMAC-SHA1 MIC, AES key wrap; no PMKID KDE for PSK.
    let m1 = &p.frames(Dir::ToSta, "M1")[0];
    assert_eq!(m1[6] & 7, 2);
    assert_eq!(&m1[97..99], &[0, 0]);
}

#[test]
fn clean_every_suite() {
    for s in [
        suite(Akm::PSK_SHA256, Cipher::CCMP128),
        suite(Akm::IEEE8021X, Cipher::GCMP256),
        suite(Akm::IEEE8021X_SHA256, Cipher::CCMP256),
        suite(Akm::SAE, Cipher::CCMP128),
        suite(Akm::PSK, Cipher::TKIP),
        Suite {
            akm: Akm::SUITE_B_192,
            pairwise: Cipher::GCMP256,
            group: Cipher::GCMP256,
            group_mgmt: Some(Cipher::BIP_GMAC256),
            pmk_len: 48,
        },
        Suite {
            group_mgmt: Some(Cipher::BIP_CMAC128),
            ..suite(Akm::PSK_SHA256, Cipher::CCMP128)
        },
    ] {
        let p = run_suite(s);
        let m3 = &p.frames(Dir::ToSta, "M3")[0];
        assert_eq!(
            u32::from(m3[6] & 7),
            u32::from(s.descriptor_version()),
            "{s:?}"
        );
        if s.group_mgmt.is_some() {
            assert!(p
                .sta_log
                .iter()
                .any(|l| matches!(l.action, Action::InstallIgtk { key_id: 4, .. })));
        }
    }
}

#[test]
fn ptk_rekey_runs_protected_with_fresh_keys() {
    let mut p = run_suite(suite(Akm::PSK, Cipher::CCMP128));
    p.ap_input(Input::StartRekey);
    let (a, s) = (
        Pair::installs_ptk(&p.ap_log),
        Pair::installs_ptk(&p.sta_log),
    );
    assert_eq!(a.len(), 2);
    assert_eq!(a, s);
    assert_ne!(a[0].0, a[1].0, "rekey yields a new TK");
    assert_eq!(
        Pair::completed(&p.sta_log).last(),
        Some(&Handshake::FourWay { rekey: true })
    );
    // IEEE 802.11-2020 12.7.6.1: every rekey EAPOL-Key frame travels under the old TK.
    let rekey: Vec<_> = p.sent.iter().skip(4).collect();
    assert_eq!(rekey.len(), 4);
    assert!(rekey.iter().all(|(_, _, _, protected)| *protected));
    // Modern Secure-bit policy: Secure set on rekey M1 and M2.
    assert!(rekey[0].2[6] & 0x02 != 0 && rekey[1].2[6] & 0x02 != 0);
    assert!(p.undecryptable.is_empty());
}

#[test]
fn group_rekey_installs_new_gtk_on_both_sides() {
    let mut p = run_suite(Suite {
        group_mgmt: Some(Cipher::BIP_CMAC128),
        ..suite(Akm::PSK, Cipher::CCMP128)
    });
    p.ap_input(Input::StartGroupRekey);
    let (a, s) = (
        Pair::installs_gtk(&p.ap_log),
        Pair::installs_gtk(&p.sta_log),
    );
    assert_eq!(a, s);
    assert_eq!(a.len(), 2);
    assert_eq!(a[1].1, 2, "key ID alternates");
    assert!(p
        .sta_log
        .iter()
        .any(|l| matches!(l.action, Action::InstallIgtk { key_id: 5, .. })));
    assert_eq!(Pair::completed(&p.ap_log).last(), Some(&Handshake::Group));
}

#[test]
fn gtk_rekey_interval_starts_group_handshakes() {
    let s = suite(Akm::PSK, Cipher::CCMP128);
    let (mut a, st) = configs(s, PmkSource::Pmk(pmk(3)), PmkSource::Pmk(pmk(3)));
    a.gtk_rekey_interval = Some(Duration::from_secs(10));
    let mut p = Pair::new(a, st, 5);
    p.ap.handle(p.now, Input::Start);
    p.run_for(Duration::from_secs(35));
    let groups = Pair::completed(&p.sta_log)
        .iter()
        .filter(|h| **h == Handshake::Group)
        .count();
    assert_eq!(groups, 3);
}

#[test]
fn ft_psk_initial_mobility_domain_association() {
    let s = suite(Akm::FT_PSK, Cipher::CCMP128);
    let (a, st) = configs(s, PmkSource::Ft(ft_params(4)), PmkSource::Ft(ft_params(4)));
    let mut p = Pair::new(a, st, 2);
    p.start();
    assert_clean(&p);
    let name = p.sta.pmk_r1_name().unwrap();
    // M2 key data: RSNE with PMKID List [PMKR1Name], MDE, FTE.
    let m2 = &p.frames(Dir::ToAp, "M2")[0];
    let kd = &m2[99..];
    assert_eq!(
        rsn_wire::element::Elements::find(kd, 48).map(|e| e.data[e.data.len() - 16..].to_vec()),
        Some(name.to_vec())
    );
    assert!(rsn_wire::element::Elements::find(kd, 54).is_some());
    assert!(rsn_wire::element::Elements::find(kd, 55).is_some());
}

#[test]
fn pmksa_cache_hit_with_okc_sends_pmkid_kde() {
    let s = suite(Akm::IEEE8021X, Cipher::CCMP128);
    let cached = pmk(0x44);
    // OKC: the PMK came from another AP of the mobility group; the PMKID is computed
    // for this AA.
    let id = rsn_crypto::pmkid(s.akm, &cached, &AA, &SPA).unwrap();
    let r = rsne(&s, Some(vec![id]));
    let mut a = AuthConfig::new(s, rsne(&s, None), PmkSource::Pmk(pmk(0x45)));
    a.pmk = None;
    a.pmksa_cache = vec![pmk(0x11), cached.clone()];
    let st = SupConfig::new(s, PmkSource::Pmk(cached), r, rsne(&s, None));
    let mut p = Pair::new(a, st, 3);
    p.start();
    assert_clean(&p);
    assert_eq!(
        rsn_wire::kde::find_pmkid(&p.frames(Dir::ToSta, "M1")[0][99..]),
        Some(id)
    );
    assert!(Pair::warnings(&p.sta_log).is_empty());
}

#[test]
fn handshake_survives_loss_of_each_message_once() {
    for (dir, k) in [
        (Dir::ToSta, "M1"),
        (Dir::ToAp, "M2"),
        (Dir::ToSta, "M3"),
        (Dir::ToAp, "M4"),
    ] {
        let s = suite(Akm::PSK, Cipher::CCMP128);
        let (a, st) = configs(s, PmkSource::Pmk(pmk(3)), PmkSource::Pmk(pmk(3)));
        let mut p = Pair::new(a, st, 9);
        p.drop_list.push((dir, k, 0));
        p.start();
        assert_clean(&p);
    }
}

#[test]
fn deterministic_for_a_seed() {
    let run = |seed| {
        let s = suite(Akm::PSK, Cipher::CCMP128);
        let (a, st) = configs(s, PmkSource::Pmk(pmk(3)), PmkSource::Pmk(pmk(3)));
        let mut p = Pair::new(a, st, seed);
        p.air.loss_permille = 200;
        p.start();
        p.sent
            .iter()
            .map(|(t, _, f, _)| (*t, f.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(run(77), run(77));
    assert_ne!(run(77), run(78));
}

/// TKIP: a Michael MIC failure the supplicant's MAC detects goes to the authenticator as a
/// MIC failure report (EAPOL-Key Request+Error, MIC under the KCK, under the TK); the
/// authenticator reports it up (countermeasures are BSS-wide), and a replayed report is
/// discarded.
#[test]
fn michael_mic_failure_reports_go_through_the_machines() {
    let mut p = run_suite(suite(Akm::PSK, Cipher::TKIP));
    let reported = |log: &[Logged]| {
        log.iter()
            .filter(|l| {
                matches!(
                    l.action,
                    Action::MichaelMicFailureReported { pairwise: true }
                )
            })
            .count()
    };
    p.sta
        .handle(p.now, Input::MichaelMicFailure { pairwise: true });
    p.run();
    assert_eq!(reported(&p.ap_log), 1, "{:?}", p.ap_log);
    let reports: Vec<(Vec<u8>, bool)> = p
        .sent
        .iter()
        .filter(|(_, d, f, _)| {
            // Key Information bit 11: Request.
            *d == Dir::ToAp && f.get(5).is_some_and(|b| b & 0x08 != 0)
        })
        .map(|(_, _, f, prot)| (f.clone(), *prot))
        .collect();
    let (report, protected) = reports.last().cloned().unwrap();
    assert!(protected, "the report travels under the TK");
    // The same report again: a replay, discarded.
    p.ap.handle(
        p.now,
        Input::Eapol {
            frame: &report,
            protected: true,
        },
    );
    p.run();
    assert_eq!(reported(&p.ap_log), 1);
    assert!(Pair::discarded(&p.ap_log)
        .iter()
        .any(|v| matches!(v, Violation::ReplayCounterNotIncreasing { .. })));
    // A second failure: a fresh report with a higher counter.
    p.sta
        .handle(p.now, Input::MichaelMicFailure { pairwise: true });
    p.run();
    assert_eq!(reported(&p.ap_log), 2);
}
