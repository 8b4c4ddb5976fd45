//! State-machine attacks, after krackattacks-scripts and hostapd's hwsim security tests:
//! an attacker on the air (or, for forged frames, an insider holding the PSK) feeds each
//! machine frames it must refuse. Each test names the role attacked, the expected refusal
//! (the `Violation`, whether the frame is silently discarded or the association is torn
//! down, and the reason code) and checks that no key is (re)installed by the attack and that
//! the machine stays usable or is torn down as the standard requires.
//!
//! Not modelled: FT over-the-air / over-the-DS reassociation (the machines run the FT
//! *initial* mobility domain association only), so "replayed FT Reassociation" is tested as
//! the replay of the FT 4-way handshake's Message 3 to an established FT supplicant, the
//! nearest thing they implement (the KRACK FT variant reinstalls the PTK on a replayed
//! Reassociation Response; here a replayed M3 must not).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::*;
use rsn_crypto::keywrap::{aes_unwrap, aes_wrap};
use rsn_crypto::mic::{compute_mic, MicAlgorithm, EAPOL_KEY_MIC_OFFSET};
use rsn_crypto::{derive_ptk, Ptk};
use rsn_handshake::*;
use rsn_wire::eapol::{EapolKeyRepr, KeyInfo};
use rsn_wire::{Akm, Cipher, ReasonCode};

/// Key Information bits (IEEE 802.11-2020 Figure 12-33).
const KI_INSTALL: u16 = 0x0040;
const KI_ACK: u16 = 0x0080;
const KI_MIC: u16 = 0x0100;
const KI_SECURE: u16 = 0x0200;
const KI_ENC: u16 = 0x1000;

fn psk() -> Suite {
    suite(Akm::PSK, Cipher::CCMP128)
}

fn psk_pair(seed: u64) -> Pair {
    let (a, s) = configs(psk(), PmkSource::Pmk(pmk(3)), PmkSource::Pmk(pmk(3)));
    Pair::new(a, s, seed)
}

/// A handshake run for 50 ms with the first `kind` frame in `dir` lost: the attacker holds
/// it (and knows the nonces so far).
fn stalled(seed: u64, dir: Dir, kind: &'static str) -> Pair {
    let mut p = psk_pair(seed);
    p.drop_list.push((dir, kind, 0));
    p.ap.handle(p.now, Input::Start);
    p.run_for(core::time::Duration::from_millis(50));
    p
}

/// The AP sent M1, which never reached the supplicant (the attacker has it).
fn m1_held_back(seed: u64) -> Pair {
    let mut p = psk_pair(seed);
    p.drop_list.push((Dir::ToSta, "M1", 0));
    p.ap.handle(p.now, Input::Start);
    p.drive();
    p
}

/// A completed WPA2-PSK association.
fn established() -> Pair {
    let mut p = psk_pair(21);
    p.start();
    assert_eq!(p.sta.state(), SupState::Established);
    assert_eq!(p.ap.state(), AuthState::PtkInitDone);
    p
}

fn nonce(f: &[u8]) -> [u8; 32] {
    f[17..49].try_into().unwrap()
}

/// The PTK of the pair's (first) handshake, as an insider holding the PSK derives it.
fn ptk_of(p: &Pair) -> Ptk {
    let an = nonce(&p.frames(Dir::ToSta, "M1")[0]);
    let sn = nonce(&p.frames(Dir::ToAp, "M2")[0]);
    derive_ptk(&pmk(3), Akm::PSK, Cipher::CCMP128, &AA, &SPA, &an, &sn).unwrap()
}

/// Re-emit `template` after `edit`, key data replaced by `plain` wrapped under the KEK (if
/// given), MIC recomputed with the KCK when the MIC bit is set (else zeroed).
fn forge(
    ptk: &Ptk,
    template: &[u8],
    edit: impl FnOnce(&mut EapolKeyRepr),
    plain: Option<&[u8]>,
) -> Vec<u8> {
    let mut r = EapolKeyRepr::parse_bytes(template, 16).unwrap();
    edit(&mut r);
    if let Some(kd) = plain {
        r.key_data = aes_wrap(&ptk.kek, kd).unwrap();
    }
    r.mic = vec![0; 16];
    let mut v = r.to_vec().unwrap();
    if r.key_info.0 & KI_MIC != 0 {
        let m = compute_mic(
            MicAlgorithm::HmacSha1_128,
            &ptk.kck,
            &v,
            EAPOL_KEY_MIC_OFFSET,
        )
        .unwrap();
        v[EAPOL_KEY_MIC_OFFSET..EAPOL_KEY_MIC_OFFSET + 16].copy_from_slice(m.as_bytes());
    }
    v
}

/// The plaintext key data of a genuine M3/G1.
fn key_data(ptk: &Ptk, frame: &[u8]) -> Vec<u8> {
    let r = EapolKeyRepr::parse_bytes(frame, 16).unwrap();
    aes_unwrap(&ptk.kek, &r.key_data).unwrap().to_vec()
}

/// Deliver `frame` to the supplicant (or the authenticator); the actions it took.
fn inject(p: &mut Pair, to_sta: bool, frame: &[u8], protected: bool) -> Vec<Action> {
    let (before_s, before_a) = (p.sta_log.len(), p.ap_log.len());
    let input = Input::Eapol { frame, protected };
    if to_sta {
        p.sta.handle(p.now, input);
    } else {
        p.ap.handle(p.now, input);
    }
    p.drive();
    let log = if to_sta {
        &p.sta_log[before_s..]
    } else {
        &p.ap_log[before_a..]
    };
    let _ = before_a;
    log.iter().map(|l| l.action.clone()).collect()
}

fn installs(actions: &[Action]) -> usize {
    actions
        .iter()
        .filter(|a| {
            matches!(
                a,
                Action::InstallPtk { .. } | Action::InstallGtk { .. } | Action::InstallIgtk { .. }
            )
        })
        .count()
}

fn transmits(actions: &[Action]) -> Vec<Vec<u8>> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Transmit { frame, .. } => Some(frame.clone()),
            _ => None,
        })
        .collect()
}

fn discarded(actions: &[Action]) -> Vec<Violation> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Discarded(v) => Some(v.clone()),
            _ => None,
        })
        .collect()
}

fn failed(actions: &[Action]) -> Option<(ReasonCode, Option<Violation>)> {
    actions.iter().find_map(|a| match a {
        Action::Failed { reason, violation } => Some((*reason, violation.clone())),
        _ => None,
    })
}

// ---------------------------------------------------------------- KRACK: retransmitted M3

#[test]
fn retransmitted_m3_is_answered_but_the_ptk_is_not_reinstalled() {
    // Supplicant. The attacker blocks M4 so the AP retransmits M3 with a new replay
    // counter (IEEE 802.11-2020 12.7.6.4); the supplicant must answer with M4 but must not
    // reinstall the PTK (no nonce/PN reset: the KRACK key reinstallation).
    let mut p = psk_pair(22);
    p.drop_list.push((Dir::ToAp, "M4", 0));
    p.start();
    let m3s = p.frames(Dir::ToSta, "M3");
    assert_eq!(m3s.len(), 2, "the AP retransmitted M3");
    assert_eq!(Pair::installs_ptk(&p.sta_log).len(), 1);
    // The attacker replays the retransmitted M3 once more, later (its counter is no longer
    // fresh): discarded, no answer, no install.
    let acts = inject(&mut p, true, &m3s[1], false);
    assert_eq!(installs(&acts), 0, "{acts:?}");
    assert!(transmits(&acts).is_empty(), "{acts:?}");
    assert!(
        matches!(
            discarded(&acts)[..],
            [Violation::ReplayCounterNotIncreasing { msg: Msg::M3, .. }]
        ),
        "{acts:?}"
    );
    assert_eq!(p.sta.state(), SupState::Established);
}

#[test]
fn replayed_m2_and_m4_do_not_reinstall_at_the_authenticator() {
    // Authenticator: the counterpart of the KRACK M3 replay. After completion a replayed M4
    // (old replay counter) and a replayed M2 are discarded; no PTK is installed again.
    let mut p = established();
    assert_eq!(Pair::installs_ptk(&p.ap_log).len(), 1);
    for k in ["M4", "M2"] {
        let f = p.frames(Dir::ToAp, k)[0].clone();
        let acts = inject(&mut p, false, &f, false);
        assert_eq!(installs(&acts), 0, "{k}: {acts:?}");
        assert!(transmits(&acts).is_empty(), "{k}: {acts:?}");
        assert!(!discarded(&acts).is_empty(), "{k}: {acts:?}");
        assert!(failed(&acts).is_none(), "{k}: {acts:?}");
    }
    assert_eq!(p.ap.state(), AuthState::PtkInitDone);
    assert_eq!(Pair::installs_ptk(&p.ap_log).len(), 1);
}

// ---------------------------------------------------------------- retransmitted G1

#[test]
fn retransmitted_g1_is_answered_but_the_gtk_is_not_reinstalled() {
    // Supplicant. Group rekey; the attacker blocks G2 so the AP retransmits G1; the
    // supplicant answers both but installs the new GTK once (its RSC is not reset).
    let mut p = psk_pair(23);
    p.start();
    let gtks_before = Pair::installs_gtk(&p.sta_log).len();
    p.drop_list.push((Dir::ToAp, "G2", 0));
    p.ap_input(Input::StartGroupRekey);
    let g1s = p.frames(Dir::ToSta, "G1");
    assert_eq!(g1s.len(), 2, "the AP retransmitted G1");
    assert_eq!(p.frames(Dir::ToAp, "G2").len(), 2, "both G1s answered");
    assert_eq!(Pair::installs_gtk(&p.sta_log).len(), gtks_before + 1);
    // A replay of the first G1 (old replay counter), protected as the AP sent it.
    let acts = inject(&mut p, true, &g1s[0], true);
    assert_eq!(installs(&acts), 0, "{acts:?}");
    assert!(transmits(&acts).is_empty(), "{acts:?}");
    assert!(
        matches!(
            discarded(&acts)[..],
            [Violation::ReplayCounterNotIncreasing { msg: Msg::G1, .. }]
        ),
        "{acts:?}"
    );
}

#[test]
fn replayed_g2_does_not_complete_a_second_group_handshake() {
    // Authenticator: a replayed G2 after the group handshake completed is discarded.
    let mut p = established();
    p.ap_input(Input::StartGroupRekey);
    let done = Pair::completed(&p.ap_log).len();
    let g2 = p.frames(Dir::ToAp, "G2")[0].clone();
    let acts = inject(&mut p, false, &g2, true);
    assert!(!discarded(&acts).is_empty(), "{acts:?}");
    assert_eq!(Pair::completed(&p.ap_log).len(), done);
    assert_eq!(p.ap.state(), AuthState::PtkInitDone);
}

#[test]
fn g1_with_the_same_gtk_and_a_stale_rsc_does_not_reopen_the_replay_window() {
    // Supplicant. An insider re-sends the current GTK in a fresh G1 (new replay counter,
    // valid MIC) whose Key RSC is lower than the one installed: reinstalling would reset the
    // receive sequence counter and let old group frames be replayed (KRACK group variant).
    let mut p = established();
    p.ap_input(Input::StartGroupRekey);
    let ptk = ptk_of(&p);
    let g1 = p.frames(Dir::ToSta, "G1").last().unwrap().clone();
    let plain = key_data(&ptk, &g1);
    let installs_before = Pair::installs_gtk(&p.sta_log).len();
    let forged = forge(
        &ptk,
        &g1,
        |r| {
            r.replay_counter += 10;
            r.key_rsc = [0; 8];
        },
        Some(&plain),
    );
    let acts = inject(&mut p, true, &forged, true);
    // Its MIC verifies (the forgery is an insider's), so it is answered with G2 ...
    assert_eq!(transmits(&acts).len(), 1, "{acts:?}");
    // ... but the key it names is already installed: no reinstall, RSC kept.
    assert_eq!(
        installs(&acts),
        0,
        "same GTK: no reinstall, RSC kept: {acts:?}"
    );
    assert_eq!(Pair::installs_gtk(&p.sta_log).len(), installs_before);
}

// ---------------------------------------------------------------- replayed FT (re)association

#[test]
fn replayed_ft_m3_does_not_reinstall_the_ptk() {
    // FT initial mobility domain association (IEEE 802.11-2020 13.4.2); the attacker
    // replays the FT 4-way's M3 to the established supplicant.
    let s = suite(Akm::FT_PSK, Cipher::CCMP128);
    let (a, st) = configs(s, PmkSource::Ft(ft_params(3)), PmkSource::Ft(ft_params(3)));
    let mut p = Pair::new(a, st, 24);
    p.start();
    assert_eq!(p.sta.state(), SupState::Established);
    let m3 = p.frames(Dir::ToSta, "M3")[0].clone();
    let acts = inject(&mut p, true, &m3, false);
    assert_eq!(installs(&acts), 0, "{acts:?}");
    assert!(transmits(&acts).is_empty(), "{acts:?}");
    assert!(!discarded(&acts).is_empty(), "{acts:?}");
    assert_eq!(Pair::installs_ptk(&p.sta_log).len(), 1);
}

// ---------------------------------------------------------------- messages out of order

#[test]
fn m4_without_m2_is_refused_by_the_authenticator() {
    // Authenticator in PTKSTART (M1 sent, no M2 yet) receives an M4-shaped frame (copied
    // from another association): there is no PTK to check its MIC with; discarded, no
    // install, and the handshake goes on (times out with reason 15 if nothing valid comes).
    let donor = established();
    let m4 = donor.frames(Dir::ToAp, "M4")[0].clone();
    let mut p = psk_pair(25);
    p.ap.handle(p.now, Input::Start);
    p.drive();
    assert_eq!(p.ap.state(), AuthState::PtkStart);
    let acts = inject(&mut p, false, &m4, false);
    assert_eq!(installs(&acts), 0, "{acts:?}");
    assert!(!discarded(&acts).is_empty(), "{acts:?}");
    assert!(!Pair::completed(&p.ap_log)
        .iter()
        .any(|h| matches!(h, Handshake::FourWay { .. })));
    assert_eq!(p.ap.state(), AuthState::PtkStart);
    // The genuine supplicant still completes.
    p.run();
    assert_eq!(p.ap.state(), AuthState::PtkInitDone);
}

#[test]
fn m3_without_m1_is_refused_by_the_supplicant() {
    // Supplicant (the counterpart: a message 3 before any message 1).
    let donor = established();
    let m3 = donor.frames(Dir::ToSta, "M3")[0].clone();
    let mut p = psk_pair(26);
    p.sta.handle(p.now, Input::Start);
    let acts = inject(&mut p, true, &m3, false);
    assert_eq!(installs(&acts), 0, "{acts:?}");
    assert!(transmits(&acts).is_empty(), "{acts:?}");
    assert!(!discarded(&acts).is_empty(), "{acts:?}");
    assert_eq!(p.sta.state(), SupState::AwaitM1);
}

// ---------------------------------------------------------------- Encrypted Key Data without MIC

#[test]
fn m3_with_encrypted_key_data_and_no_mic_is_refused() {
    // Supplicant. An M3 whose Key MIC bit is clear but whose key data is encrypted (the
    // unauthenticated-key-data attack; only FILS/AEAD AKMs may do that): nothing installed.
    let mut p = stalled(27, Dir::ToSta, "M3");
    assert_eq!(p.sta.state(), SupState::AwaitM3);
    let ptk = ptk_of(&p);
    let m3 = p.frames(Dir::ToSta, "M3")[0].clone();
    let plain = key_data(&ptk, &m3);
    let forged = forge(
        &ptk,
        &m3,
        |r| r.key_info = KeyInfo(r.key_info.0 & !KI_MIC),
        Some(&plain),
    );
    let acts = inject(&mut p, true, &forged, false);
    assert_eq!(installs(&acts), 0, "{acts:?}");
    assert!(transmits(&acts).is_empty(), "{acts:?}");
    assert!(!discarded(&acts).is_empty(), "{acts:?}");
    assert_eq!(p.sta.state(), SupState::AwaitM3);
}

#[test]
fn m1_with_encrypted_key_data_installs_nothing() {
    // Supplicant. Message 1 never carries encrypted key data (IEEE 802.11-2020 12.7.6.2);
    // one that does is refused, or at most answered as a plain M1: never a key install.
    let mut p = m1_held_back(28);
    let m1 = p.frames(Dir::ToSta, "M1")[0].clone();
    p.sta.handle(p.now, Input::Start);
    let ptk = ptk_of_any();
    let forged = forge(
        &ptk,
        &m1,
        |r| r.key_info = KeyInfo(r.key_info.0 | KI_ENC),
        Some(&[0xdd; 24]),
    );
    let acts = inject(&mut p, true, &forged, false);
    assert_eq!(installs(&acts), 0, "{acts:?}");
    assert!(!discarded(&acts).is_empty(), "{acts:?}");
}

#[test]
fn m2_with_encrypted_key_data_and_no_mic_is_refused_by_the_authenticator() {
    // Authenticator: an M2 without MIC (and with the Encrypted Key Data bit) never
    // authenticates the supplicant.
    let mut p = stalled(29, Dir::ToAp, "M2");
    let m2 = p.frames(Dir::ToAp, "M2")[0].clone();
    let ptk = ptk_of(&p);
    let forged = forge(
        &ptk,
        &m2,
        |r| r.key_info = KeyInfo((r.key_info.0 & !KI_MIC) | KI_ENC),
        None,
    );
    let acts = inject(&mut p, false, &forged, false);
    assert_eq!(installs(&acts), 0, "{acts:?}");
    assert!(transmits(&acts).iter().all(|f| kind(f) != "M3"), "{acts:?}");
    assert!(!discarded(&acts).is_empty(), "{acts:?}");
}

/// A PTK for frames no real exchange keys (M1 has no MIC; the KEK only wraps junk).
fn ptk_of_any() -> Ptk {
    derive_ptk(
        &pmk(9),
        Akm::PSK,
        Cipher::CCMP128,
        &AA,
        &SPA,
        &[1; 32],
        &[2; 32],
    )
    .unwrap()
}

// ---------------------------------------------------------------- nonces

#[test]
fn all_zero_anonce_is_refused() {
    // Supplicant: an M1 with an all-zero ANonce (a broken or malicious RNG; 12.7.5).
    let mut p = m1_held_back(30);
    let m1 = p.frames(Dir::ToSta, "M1")[0].clone();
    p.sta.handle(p.now, Input::Start);
    let forged = forge(&ptk_of_any(), &m1, |r| r.key_nonce = [0; 32], None);
    let acts = inject(&mut p, true, &forged, false);
    assert!(transmits(&acts).is_empty(), "{acts:?}");
    assert!(
        matches!(
            discarded(&acts)[..],
            [Violation::ZeroNonce { msg: Msg::M1 }]
        ),
        "{acts:?}"
    );
}

#[test]
fn all_zero_snonce_is_refused_by_the_authenticator() {
    // Authenticator: an insider's M2 with an all-zero SNonce and a MIC that verifies under
    // the PTK those nonces give.
    let mut p = stalled(31, Dir::ToAp, "M2");
    let an = nonce(&p.frames(Dir::ToSta, "M1")[0]);
    let m2 = p.frames(Dir::ToAp, "M2")[0].clone();
    let zero_ptk =
        derive_ptk(&pmk(3), Akm::PSK, Cipher::CCMP128, &AA, &SPA, &an, &[0; 32]).unwrap();
    let forged = forge(&zero_ptk, &m2, |r| r.key_nonce = [0; 32], None);
    let acts = inject(&mut p, false, &forged, false);
    assert_eq!(installs(&acts), 0, "{acts:?}");
    assert!(transmits(&acts).iter().all(|f| kind(f) != "M3"), "{acts:?}");
    assert!(
        matches!(
            discarded(&acts)[..],
            [Violation::ZeroNonce { msg: Msg::M2 }]
        ),
        "{acts:?}"
    );
}

#[test]
fn a_repeated_anonce_still_gives_a_fresh_ptk() {
    // Supplicant: a PTK rekey whose M1 repeats the previous ANonce (an AP with a stuck
    // RNG). The standard does not make the supplicant refuse it; what matters is that the
    // supplicant's fresh SNonce gives a new PTK, so no keystream is reused.
    let mut p = established();
    let first_tk = Pair::installs_ptk(&p.sta_log)[0].0.clone();
    let m1 = p.frames(Dir::ToSta, "M1")[0].clone();
    let forged = forge(&ptk_of_any(), &m1, |r| r.replay_counter += 5, None);
    let acts = inject(&mut p, true, &forged, true);
    let m2s = transmits(&acts);
    assert_eq!(m2s.len(), 1, "answered: {acts:?}");
    assert_ne!(
        nonce(&m2s[0]),
        nonce(&p.frames(Dir::ToAp, "M2")[0]),
        "new SNonce"
    );
    assert_eq!(installs(&acts), 0, "nothing installed before M3");
    let _ = first_tk;
}

// ---------------------------------------------------------------- replay counters

#[test]
fn replay_counter_going_backwards_or_equal_is_refused() {
    // Supplicant (IEEE 802.11-2020 12.7.2: the Key Replay Counter of a received message
    // must be greater than any accepted before). After the association (counter 2 in M3),
    // M1s with counters 0, 1 and 2 are discarded; after one with u64::MAX is accepted, a
    // "rolled over" counter 0 is discarded too.
    let mut p = established();
    let m1 = p.frames(Dir::ToSta, "M1")[0].clone();
    for rc in [0u64, 1, 2] {
        let f = forge(&ptk_of_any(), &m1, |r| r.replay_counter = rc, None);
        let acts = inject(&mut p, true, &f, true);
        assert!(transmits(&acts).is_empty(), "rc {rc}: {acts:?}");
        assert!(
            matches!(
                discarded(&acts)[..],
                [Violation::ReplayCounterNotIncreasing { msg: Msg::M1, .. }]
            ),
            "rc {rc}: {acts:?}"
        );
    }
    let f = forge(&ptk_of_any(), &m1, |r| r.replay_counter = u64::MAX, None);
    assert_eq!(
        transmits(&inject(&mut p, true, &f, true)).len(),
        1,
        "u64::MAX is greater"
    );
    let f = forge(&ptk_of_any(), &m1, |r| r.replay_counter = 0, None);
    let acts = inject(&mut p, true, &f, true);
    assert!(transmits(&acts).is_empty(), "no rollover: {acts:?}");
    assert!(!discarded(&acts).is_empty());
}

#[test]
fn m2_with_a_replay_counter_the_authenticator_did_not_send_is_refused() {
    // Authenticator: M2's replay counter must be the one of the M1 it answers (12.7.6.3).
    let mut p = stalled(32, Dir::ToAp, "M2");
    let ptk = ptk_of(&p);
    let m2 = p.frames(Dir::ToAp, "M2")[0].clone();
    for rc in [0u64, 7, u64::MAX] {
        let f = forge(&ptk, &m2, |r| r.replay_counter = rc, None);
        let acts = inject(&mut p, false, &f, false);
        assert!(
            transmits(&acts).iter().all(|x| kind(x) != "M3"),
            "rc {rc}: {acts:?}"
        );
        assert!(
            matches!(
                discarded(&acts)[..],
                [Violation::ReplayCounterMismatch { msg: Msg::M2, .. }]
            ),
            "rc {rc}: {acts:?}"
        );
    }
}

// ---------------------------------------------------------------- PMKID injection

#[test]
fn injected_pmkid_in_m1_is_a_warning_not_a_key() {
    // Supplicant: an M1 carrying a PMKID KDE that names no PMKSA the supplicant offered
    // (hcxdumptool-style injection, or a confused AP). Like iwd, a supplicant that offered
    // PMKIDs warns (bogus-pmkid, 12.7.6.2) and goes on with the PMK it has; one that offered
    // none has nothing to compare and just answers. Nothing is derived from the PMKID.
    for offered in [true, false] {
        let s = psk();
        let r = rsne(&s, None);
        let mine = rsn_crypto::pmkid(Akm::PSK, &pmk(3), &AA, &SPA).unwrap();
        let assoc = if offered {
            rsne(&s, Some(vec![mine]))
        } else {
            r.clone()
        };
        let a = AuthConfig::new(s, r.clone(), PmkSource::Pmk(pmk(3)));
        let st = SupConfig::new(s, PmkSource::Pmk(pmk(3)), assoc, r);
        let mut p = Pair::new(a, st, 33);
        p.drop_list.push((Dir::ToSta, "M1", 0));
        p.ap.handle(p.now, Input::Start);
        p.drive();
        let m1 = p.frames(Dir::ToSta, "M1")[0].clone();
        p.sta.handle(p.now, Input::Start);
        let mut kde = vec![0xdd, 0x14, 0x00, 0x0f, 0xac, 0x04];
        kde.extend_from_slice(&[0x77; 16]);
        let forged = forge(&ptk_of_any(), &m1, |r| r.key_data = kde, None);
        let acts = inject(&mut p, true, &forged, false);
        let warned = acts
            .iter()
            .any(|a| matches!(a, Action::Warning(Violation::BogusPmkid)));
        assert_eq!(warned, offered, "offered {offered}: {acts:?}");
        assert_eq!(transmits(&acts).len(), 1, "answered with M2: {acts:?}");
        assert_eq!(installs(&acts), 0);
    }
}

#[test]
fn unknown_pmkid_in_the_association_is_refused_by_an_authenticator_without_fallback() {
    // Authenticator: the (Re)Association Request names a PMKID the AP has no PMKSA for and
    // the AKM has no full handshake to fall back to (PMKSA caching with SAE/802.1X): reason
    // 53 (invalid PMKID), as hostapd does. With PSK the PMK is known, so the handshake
    // simply runs (tested as okc_pmkid_mismatch in faults.rs).
    let s = psk();
    let assoc = rsne(&s, Some(vec![[0x66; 16]]));
    let r = rsne(&s, None);
    let mut cfg = AuthConfig::new(s, r.clone(), PmkSource::Pmk(pmk(3)));
    // No fresh PMK (no EAP/SAE run for this association): only a PMKSA cache hit could
    // start the handshake, and the cache holds another PMK.
    cfg.pmk = None;
    cfg.pmksa_cache = vec![pmk(4)];
    let mut ap = Authenticator::new(cfg, AA, SPA, assoc, nonces(34)).unwrap();
    ap.handle(Instant::ZERO, Input::Start);
    let mut acts = Vec::new();
    while let Some(a) = ap.poll_action() {
        acts.push(a);
    }
    assert_eq!(
        failed(&acts),
        Some((ReasonCode::INVALID_PMKID, Some(Violation::PmkidUnknown))),
        "{acts:?}"
    );
    assert!(transmits(&acts).is_empty());
}

// ---------------------------------------------------------------- RSNE downgrade

#[test]
fn downgraded_rsne_in_m3_tears_the_association_down_with_reason_17() {
    // Supplicant: M3's RSNE differs from the Beacon's (here TKIP offered as pairwise, the
    // downgrade attack); MIC valid (insider with the PSK). IEEE 802.11-2020 12.7.6.4: the
    // supplicant deauthenticates with reason 17 (IE in 4-way handshake different).
    let mut p = stalled(35, Dir::ToSta, "M3");
    let ptk = ptk_of(&p);
    let m3 = p.frames(Dir::ToSta, "M3")[0].clone();
    let mut plain = key_data(&ptk, &m3);
    // The RSNE comes first in M3's key data: pairwise suite 00-0f-ac:4 → 00-0f-ac:2.
    assert_eq!(plain[0], 0x30);
    let at = plain.windows(4).position(|w| w == [1, 0, 0, 0x0f]).unwrap() + 5;
    assert_eq!(plain[at], 4);
    plain[at] = 2;
    let forged = forge(&ptk, &m3, |r| r.replay_counter += 1, Some(&plain));
    let acts = inject(&mut p, true, &forged, false);
    assert_eq!(installs(&acts), 0, "{acts:?}");
    assert!(
        acts.iter()
            .any(|a| matches!(a, Action::Deauthenticate(ReasonCode::IE_IN_4WAY_DIFFERS))),
        "{acts:?}"
    );
    assert_eq!(
        failed(&acts).map(|f| f.0),
        Some(ReasonCode::IE_IN_4WAY_DIFFERS),
        "{acts:?}"
    );
    assert_eq!(p.sta.state(), SupState::Failed);
}

#[test]
fn m2_rsne_differing_from_the_association_tears_it_down() {
    // Authenticator: M2's RSNE differs from the (Re)Association Request's (downgrade of the
    // client's offer); MIC valid. hostapd disconnects with reason 2 (previous
    // authentication no longer valid); the violation is RsneMismatch (finding rsne-mismatch).
    let mut p = stalled(36, Dir::ToAp, "M2");
    let ptk = ptk_of(&p);
    let m2 = p.frames(Dir::ToAp, "M2")[0].clone();
    let mut kd = EapolKeyRepr::parse_bytes(&m2, 16).unwrap().key_data;
    let at = kd.windows(4).position(|w| w == [1, 0, 0, 0x0f]).unwrap() + 5;
    kd[at] = 2;
    let forged = forge(&ptk, &m2, |r| r.key_data = kd, None);
    let acts = inject(&mut p, false, &forged, false);
    assert_eq!(installs(&acts), 0, "{acts:?}");
    let (reason, v) = failed(&acts).expect("torn down");
    assert_eq!(reason, ReasonCode::PREV_AUTH_NOT_VALID);
    assert!(
        matches!(v, Some(Violation::RsneMismatch { msg: Msg::M2 })),
        "{v:?}"
    );
    assert_eq!(v.unwrap().finding_code(), "rsne-mismatch");
    assert_eq!(p.ap.state(), AuthState::Failed);
}

#[test]
fn install_bit_and_secure_bit_attacks_on_m3() {
    // Supplicant: an insider's M3 without the Install bit, or without Secure, is refused
    // (key-info-anomaly), never installed.
    for clear in [KI_INSTALL, KI_SECURE, KI_ACK] {
        let mut p = stalled(37, Dir::ToSta, "M3");
        let ptk = ptk_of(&p);
        let m3 = p.frames(Dir::ToSta, "M3")[0].clone();
        let plain = key_data(&ptk, &m3);
        let forged = forge(
            &ptk,
            &m3,
            |r| r.key_info = KeyInfo(r.key_info.0 & !clear),
            Some(&plain),
        );
        let acts = inject(&mut p, true, &forged, false);
        assert_eq!(installs(&acts), 0, "bit {clear:#x}: {acts:?}");
        assert!(
            !discarded(&acts).is_empty() || failed(&acts).is_some(),
            "bit {clear:#x}: {acts:?}"
        );
    }
}

#[test]
fn the_authenticator_replay_counter_never_wraps() {
    // Authenticator: replay counter at the top of its range. It saturates instead of
    // wrapping to 0 (a wrapped counter would let old frames replay): the rekey M1 repeats
    // u64::MAX, which the supplicant refuses, so the rekey fails by timeout (reason 15)
    // rather than succeed with a reused counter.
    let (mut a, s) = configs(psk(), PmkSource::Pmk(pmk(3)), PmkSource::Pmk(pmk(3)));
    a.initial_replay_counter = u64::MAX - 1;
    let mut p = Pair::new(a, s, 38);
    p.start();
    assert_eq!(p.sta.state(), SupState::Established);
    p.ap_input(Input::StartRekey);
    for f in &p.sent {
        let rc = u64::from_be_bytes(f.2[9..17].try_into().unwrap());
        assert!(rc >= u64::MAX - 1, "counter wrapped: {rc}");
    }
    assert!(Pair::discarded(&p.sta_log).iter().any(|v| matches!(
        v,
        Violation::ReplayCounterNotIncreasing { msg: Msg::M1, .. }
    )));
    assert_eq!(
        Pair::failure(&p.ap_log).map(|f| f.0),
        Some(ReasonCode::FOURWAY_HANDSHAKE_TIMEOUT)
    );
}
