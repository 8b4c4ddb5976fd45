//! Property tests over the Pair harness.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use core::time::Duration;

use common::*;
use proptest::prelude::*;
use rsn_handshake::*;
use rsn_wire::{Akm, Cipher, ReasonCode};

fn suites() -> impl Strategy<Value = Suite> {
    prop_oneof![
        Just(suite(Akm::PSK, Cipher::CCMP128)),
        Just(suite(Akm::PSK, Cipher::TKIP)),
        Just(suite(Akm::SAE, Cipher::GCMP256)),
        Just(Suite {
            group_mgmt: Some(Cipher::BIP_CMAC128),
            ..suite(Akm::PSK_SHA256, Cipher::CCMP128)
        }),
    ]
}

fn pair(s: Suite, seed: u64, air: AirConfig) -> Pair {
    let (a, st) = configs(s, PmkSource::Pmk(pmk(7)), PmkSource::Pmk(pmk(7)));
    let mut p = Pair::new(a, st, seed);
    p.air = air;
    p
}

/// Nothing is ever installed twice, and both sides hold the same keys.
fn assert_same_keys_no_reinstall(p: &Pair) {
    let (a, s) = (
        Pair::installs_ptk(&p.ap_log),
        Pair::installs_ptk(&p.sta_log),
    );
    assert_eq!(a, s);
    let mut tks: Vec<_> = s.iter().map(|(tk, _)| tk.clone()).collect();
    tks.dedup();
    assert_eq!(tks.len(), s.len(), "a PTK was reinstalled");
    let (ga, gs) = (
        Pair::installs_gtk(&p.ap_log),
        Pair::installs_gtk(&p.sta_log),
    );
    assert_eq!(ga, gs);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Loss below the retry budget (at most 3 frames lost in a run), with random delay
    /// (round trip below the first 100 ms timeout), reordering and duplication: the
    /// initial handshake, a PTK rekey and a GTK rekey all complete with the same keys on
    /// both sides and nothing reinstalled. Excluded: loss of the *rekey* M4, which without
    /// Extended Key ID is unrecoverable by design (failure catalog B2; see
    /// `faults.rs::rekey_m4_loss_is_fatal_without_extended_key_id`).
    #[test]
    fn bounded_loss_always_completes(
        s in suites(),
        seed in any::<u64>(),
        drops in proptest::collection::vec((0usize..6, 0usize..2), 0..=3),
        delay_ms in 0u64..20,
        jitter_ms in 0u64..25,
        dup in 0u32..300,
    ) {
        let air = AirConfig {
            loss_permille: 0,
            delay: Duration::from_millis(delay_ms),
            jitter: Duration::from_millis(jitter_ms),
            dup_permille: dup,
        };
        let mut p = pair(s, seed, air);
        const KINDS: [(Dir, &str); 6] = [
            (Dir::ToSta, "M1"), (Dir::ToAp, "M2"), (Dir::ToSta, "M3"),
            (Dir::ToAp, "M4"), (Dir::ToSta, "G1"), (Dir::ToAp, "G2"),
        ];
        for (k, n) in drops {
            let (d, kind) = KINDS[k];
            if (kind, n) != ("M4", 1) {
                p.drop_list.push((d, kind, n));
            }
        }
        p.start();
        p.ap_input(Input::StartRekey);
        p.ap_input(Input::StartGroupRekey);
        prop_assert!(Pair::failure(&p.ap_log).is_none(), "{:?} lost={:?}", Pair::failure(&p.ap_log), p.lost);
        prop_assert_eq!(
            Pair::completed(&p.ap_log),
            vec![Handshake::FourWay { rekey: false }, Handshake::FourWay { rekey: true }, Handshake::Group]
        );
        assert_same_keys_no_reinstall(&p);
        prop_assert_eq!(Pair::installs_ptk(&p.sta_log).len(), 2);
    }

    /// Any random loss: both sides end in a defined state within bounded time — both
    /// established with the same keys, or both failed with the AP's timeout reason.
    #[test]
    fn any_loss_ends_defined(s in suites(), seed in any::<u64>(), loss in 0u32..700) {
        let air = AirConfig { loss_permille: loss, delay: Duration::from_millis(2), ..Default::default() };
        let mut p = pair(s, seed, air);
        p.ap.handle(p.now, Input::Start);
        p.run_for(Duration::from_secs(10));
        prop_assert!(p.now <= Instant::from_millis(10_000));
        match Pair::failure(&p.ap_log) {
            None => {
                prop_assert_eq!(p.ap.state(), AuthState::PtkInitDone);
                prop_assert_eq!(p.sta.state(), SupState::Established);
                assert_same_keys_no_reinstall(&p);
            }
            Some((reason, v)) => {
                prop_assert_eq!(reason, ReasonCode::FOURWAY_HANDSHAKE_TIMEOUT);
                let timed_out = matches!(v, Some(Violation::HandshakeTimeout { .. }));
                prop_assert!(timed_out);
                prop_assert_eq!(p.sta.state(), SupState::Failed);
                prop_assert!(!p.lost.is_empty());
            }
        }
    }

    /// Every fault switch (with random delay and seed): both sides end in a defined state
    /// within bounded time, and a failure carries the expected reason code.
    #[test]
    fn every_fault_ends_defined(fault in 0usize..14, seed in any::<u64>(), delay_ms in 0u64..50) {
        let s = suite(Akm::PSK, Cipher::CCMP128);
        let (mut a, mut st) = configs(s, PmkSource::Pmk(pmk(7)), PmkSource::Pmk(pmk(7)));
        let expected: Option<ReasonCode> = match fault {
            0 => { st.faults.stale_ptk_on_rekey = true; Some(ReasonCode::FOURWAY_HANDSHAKE_TIMEOUT) }
            1 => { st.faults.ignore_m3 = true; Some(ReasonCode::FOURWAY_HANDSHAKE_TIMEOUT) }
            2 => { st.faults.ignore_g1 = true; Some(ReasonCode::GROUP_KEY_UPDATE_TIMEOUT) }
            3 => { st.faults.reinstall_on_m3_retransmit = true; None }
            4 => { st.faults.install_ptk_delay = Some(Duration::from_millis(200)); None }
            5 => { st.faults.zero_tk = true; Some(ReasonCode::FOURWAY_HANDSHAKE_TIMEOUT) }
            6 => { st.faults.wrong_replay_counter_in_m2 = true; Some(ReasonCode::FOURWAY_HANDSHAKE_TIMEOUT) }
            7 => { st.faults.snonce_per_retransmission = true; None }
            8 => { a.faults.change_anonce_in_m3 = true; Some(ReasonCode::FOURWAY_HANDSHAKE_TIMEOUT) }
            9 => { a.faults.new_anonce_per_m1_retry = true; None }
            10 => { a.faults.replay_counter_not_incrementing = true; Some(ReasonCode::FOURWAY_HANDSHAKE_TIMEOUT) }
            11 => { a.faults.late_install = Some(Duration::from_millis(300)); None }
            12 => { st.faults.unprotected_eapol = true; Some(ReasonCode::FOURWAY_HANDSHAKE_TIMEOUT) }
            _ => { st.pmk = PmkSource::Pmk(pmk(8)); Some(ReasonCode::FOURWAY_HANDSHAKE_TIMEOUT) }
        };
        let mut p = Pair::new(a, st, seed);
        p.air.delay = Duration::from_millis(delay_ms);
        p.ap.handle(p.now, Input::Start);
        p.run_for(Duration::from_secs(10));
        if Pair::failure(&p.ap_log).is_none() {
            p.ap.handle(p.now, Input::StartRekey);
            p.run_for(Duration::from_secs(10));
        }
        if Pair::failure(&p.ap_log).is_none() {
            p.ap.handle(p.now, Input::StartGroupRekey);
            p.run_for(Duration::from_secs(10));
        }
        prop_assert!(p.now <= Instant::from_millis(30_000));
        prop_assert_eq!(Pair::failure(&p.ap_log).map(|f| f.0), expected);
        match expected {
            Some(r) => {
                prop_assert_eq!(p.ap.state(), AuthState::Failed);
                prop_assert_eq!(p.sta.state(), SupState::Failed);
                prop_assert_eq!(Pair::failure(&p.sta_log).map(|f| f.0), Some(r));
            }
            None => {
                prop_assert_eq!(p.ap.state(), AuthState::PtkInitDone);
                prop_assert_eq!(p.sta.state(), SupState::Established);
            }
        }
    }
}

proptest! {
    /// The fuzz target `handshake_machines` as a proptest: after a genuine start, arbitrary
    /// EAPOL bytes (clear or protected), timeouts and rekey starts never panic either machine,
    /// and every action drains.
    #[test]
    fn machines_take_arbitrary_eapol(
        inputs in proptest::collection::vec((0u8..6, proptest::collection::vec(any::<u8>(), 0..140)), 0..16),
        seed in any::<u64>(),
    ) {
        let mut p = pair(suite(Akm::PSK, Cipher::CCMP128), seed, AirConfig::default());
        p.ap.handle(p.now, Input::Start);
        p.drive();
        for (tag, bytes) in &inputs {
            let i = match tag {
                0 | 1 => Input::Eapol { frame: bytes, protected: *tag == 1 },
                2 => Input::Timeout,
                3 => Input::StartRekey,
                _ => Input::StartGroupRekey,
            };
            if tag % 2 == 0 {
                p.sta.handle(p.now, i);
            } else {
                p.ap.handle(p.now, i);
            }
            while p.ap.poll_action().is_some() {}
            while p.sta.poll_action().is_some() {}
        }
    }
}
