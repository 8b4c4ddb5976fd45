//! The Authenticator: 4-way handshake, PTK rekey and group key handshake for one
//! Supplicant (IEEE 802.11-2020 12.7.6, 12.7.7; the state names follow the
//! Authenticator state machine of 12.7.10 / hostapd `wpa_auth.c`).
//!
//! Call order (quinn-proto style): feed inputs with [`Authenticator::handle`], then drain
//! [`Authenticator::poll_action`] until `None`, then arm a timer for
//! [`Authenticator::poll_timeout`] and call `handle(now, Input::Timeout)` when it fires.

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use rsn_crypto::{Gtk, Igtk, Ptk};
use rsn_wire::eapol::EapolKeyRepr;
use rsn_wire::kde::{Kde, KeyDataItem};
use rsn_wire::{MacAddr, ReasonCode};

use crate::config::{AuthConfig, ConfigError, Nonces, PmkSource};
use crate::frames::{self, Shape};
use crate::io::{Action, Handshake, Input};
use crate::keys::{rsne_pmkids, FtContext, KeyBasis};
use crate::suite::Suite;
use crate::time::Instant;
use crate::validate::{self, GroupKey, IntegrityKey, M2Check, Protection, ReplyCheck};
use crate::violation::{Msg, Violation};

/// Coarse state, for tests and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthState {
    /// Waiting for [`Input::Start`].
    Initialize,
    /// M1 sent, waiting for M2.
    PtkStart,
    /// M3 sent, waiting for M4.
    PtkInitNegotiating,
    /// PTK installed; group key handshake idle.
    PtkInitDone,
    /// PTK installed; G1 sent, waiting for G2.
    RekeyNegotiating,
    /// Deauthenticated.
    Failed,
}

struct Outstanding {
    rc: u64,
    sent: u32,
    deadline: Instant,
}

/// M1 sent. Holds only this exchange's ANonce: no PTK exists yet, and the previous PTK
/// (on a rekey) was dropped when this state was entered.
struct PtkStart {
    anonce: [u8; 32],
    rekey: bool,
    out: Outstanding,
}

/// M3 sent with the PTK derived from this exchange's nonces.
struct PtkInitNegotiating {
    anonce: [u8; 32],
    ptk: Ptk,
    rekey: bool,
    installed_early: bool,
    out: Outstanding,
}

enum GroupHs {
    Idle,
    AwaitG2 {
        keys: (GroupKey, Option<IntegrityKey>),
        out: Outstanding,
    },
}

struct PtkInitDone {
    ptk: Ptk,
    rekey: bool,
    install_at: Option<Instant>,
    group: GroupHs,
}

enum State {
    Initialize,
    PtkStart(PtkStart),
    PtkInitNegotiating(PtkInitNegotiating),
    PtkInitDone(PtkInitDone),
    Failed,
}

/// Sans-IO Authenticator for one Supplicant.
pub struct Authenticator {
    cfg: AuthConfig,
    aa: MacAddr,
    spa: MacAddr,
    assoc_rsne: Vec<u8>,
    assoc_pmkids: Vec<[u8; 16]>,
    basis: Option<(KeyBasis, bool)>,
    ft: Option<FtContext>,
    nonces: Nonces,
    state: State,
    gtk: GroupKey,
    igtk: Option<IntegrityKey>,
    replay_counter: u64,
    next_group_rekey: Option<Instant>,
    /// Highest replay counter of the supplicant's requests accepted.
    last_request_rc: Option<u64>,
    actions: VecDeque<Action>,
}

impl Authenticator {
    /// An authenticator for the Supplicant `spa` that associated to `aa` with the RSNE
    /// `assoc_rsne` (whole element, as in its (Re)AssocReq). The GTK (and IGTK) are drawn
    /// from `nonces`.
    ///
    /// # Errors
    /// A configuration the machine cannot run (unsupported suite, bad PMK, bad RSNE).
    pub fn new(
        cfg: AuthConfig,
        aa: MacAddr,
        spa: MacAddr,
        assoc_rsne: Vec<u8>,
        mut nonces: Nonces,
    ) -> Result<Self, ConfigError> {
        cfg.suite.validate()?;
        let assoc_pmkids = rsne_pmkids(&assoc_rsne)?;
        // IEEE 802.11-2020 12.6.10.3: a PMKID of the (Re)AssocReq that names a cached PMKSA
        // selects it; otherwise the fresh PMK (if any) is used.
        let mut basis = None;
        for pmk in &cfg.pmksa_cache {
            let src = PmkSource::Pmk(pmk.clone());
            let Ok((b, _)) = KeyBasis::new(&src, &cfg.suite, &aa, &spa) else {
                continue;
            };
            if b.pmkid(&cfg.suite, &aa, &spa)
                .is_some_and(|p| assoc_pmkids.contains(&p))
            {
                basis = Some((b, true));
                break;
            }
        }
        let mut ft = None;
        if basis.is_none() {
            if let Some(src) = &cfg.pmk {
                let (b, f) = KeyBasis::new(src, &cfg.suite, &aa, &spa)?;
                basis = Some((b, false));
                ft = f;
            }
        }
        let gtk = new_gtk(&cfg.suite, &mut nonces, 1).ok_or(ConfigError::UnsupportedCipher)?;
        let igtk = match cfg.suite.igtk_len() {
            Some(n) => Some(new_igtk(n, &mut nonces, 4).ok_or(ConfigError::UnsupportedCipher)?),
            None => None,
        };
        Ok(Authenticator {
            replay_counter: cfg.initial_replay_counter.saturating_sub(1),
            cfg,
            aa,
            spa,
            assoc_rsne,
            assoc_pmkids,
            basis,
            ft,
            nonces,
            state: State::Initialize,
            gtk,
            igtk,
            next_group_rekey: None,
            last_request_rc: None,
            actions: VecDeque::new(),
        })
    }

    /// Coarse state.
    pub fn state(&self) -> AuthState {
        match &self.state {
            State::Initialize => AuthState::Initialize,
            State::PtkStart(_) => AuthState::PtkStart,
            State::PtkInitNegotiating(_) => AuthState::PtkInitNegotiating,
            State::PtkInitDone(d) if matches!(d.group, GroupHs::AwaitG2 { .. }) => {
                AuthState::RekeyNegotiating
            }
            State::PtkInitDone(_) => AuthState::PtkInitDone,
            State::Failed => AuthState::Failed,
        }
    }

    /// The current GTK (the one M3 delivers).
    pub fn gtk(&self) -> &GroupKey {
        &self.gtk
    }

    /// Next action to carry out.
    pub fn poll_action(&mut self) -> Option<Action> {
        self.actions.pop_front()
    }

    /// When to call `handle(now, Input::Timeout)` next.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match &self.state {
            State::PtkStart(s) => Some(s.out.deadline),
            State::PtkInitNegotiating(s) => Some(s.out.deadline),
            State::PtkInitDone(d) => {
                let g = match &d.group {
                    GroupHs::AwaitG2 { out, .. } => Some(out.deadline),
                    GroupHs::Idle => self.next_group_rekey,
                };
                [g, d.install_at].into_iter().flatten().min()
            }
            State::Initialize | State::Failed => None,
        }
    }

    /// Feed one input.
    pub fn handle(&mut self, now: Instant, input: Input<'_>) {
        self.on_timers(now);
        match input {
            Input::Start => self.start(now),
            Input::Eapol { frame, protected } => self.on_eapol(now, frame, protected),
            // A supplicant input: nothing for the authenticator to do.
            Input::Timeout | Input::MichaelMicFailure { .. } => {}
            Input::StartRekey => self.start_rekey(now),
            Input::StartGroupRekey => self.start_group_rekey(now),
            Input::Deauthenticated(reason) => {
                if !matches!(self.state, State::Failed) {
                    self.state = State::Failed;
                    self.actions.push_back(Action::Failed {
                        reason,
                        violation: None,
                    });
                }
            }
        }
    }

    fn fail(&mut self, v: Violation) {
        let reason = v.reason_code();
        self.state = State::Failed;
        self.actions.push_back(Action::Deauthenticate(reason));
        self.actions.push_back(Action::Failed {
            reason,
            violation: Some(v),
        });
    }

    fn next_rc(&mut self, retransmission_of: Option<u64>) -> u64 {
        // IEEE 802.11-2020 12.7.2 c): a new replay counter for every EAPOL-Key request,
        // retransmissions included (the fault reuses it, failure catalog A11).
        if let (true, Some(rc)) = (
            self.cfg.faults.replay_counter_not_incrementing,
            retransmission_of,
        ) {
            return rc;
        }
        self.replay_counter = self.replay_counter.saturating_add(1);
        self.replay_counter
    }

    fn nonce(&mut self) -> [u8; 32] {
        let mut n = [0u8; 32];
        self.nonces.fill(&mut n);
        n
    }

    fn start(&mut self, now: Instant) {
        if !matches!(self.state, State::Initialize) {
            return;
        }
        if self.basis.is_none() {
            return self.fail(Violation::PmkidUnknown);
        }
        self.actions.push_back(Action::InstallGtk {
            gtk: self.gtk.gtk.clone(),
            key_id: self.gtk.key_id,
            rsc: self.gtk.rsc,
        });
        if let Some(i) = &self.igtk {
            self.actions.push_back(Action::InstallIgtk {
                igtk: i.igtk.clone(),
                key_id: i.key_id,
                ipn: i.ipn,
            });
        }
        self.begin_4way(now, false);
    }

    fn start_rekey(&mut self, now: Instant) {
        // IEEE 802.11-2020 12.7.6.1: a PTK rekey is a new 4-way handshake under the
        // installed PTK. Moving out of PtkInitDone drops the old PTK here: the new
        // exchange starts from a fresh key context.
        if let State::PtkInitDone(PtkInitDone {
            group: GroupHs::Idle,
            ..
        }) = &self.state
        {
            self.begin_4way(now, true);
        }
    }

    fn begin_4way(&mut self, now: Instant, rekey: bool) {
        let anonce = self.nonce();
        let rc = self.next_rc(None);
        self.send_m1(anonce, rc, rekey);
        let deadline = now + self.cfg.pairwise_retransmit.wait_after(1);
        self.state = State::PtkStart(PtkStart {
            anonce,
            rekey,
            out: Outstanding {
                rc,
                sent: 1,
                deadline,
            },
        });
    }

    fn protect(&self, rekey: bool) -> bool {
        rekey && !self.cfg.faults.unprotected_eapol
    }

    fn send_m1(&mut self, anonce: [u8; 32], rc: u64, rekey: bool) {
        let suite = self.cfg.suite;
        // IEEE 802.11-2020 12.7.6.2: M1 = {Ack, Pairwise, ANonce, optional PMKID KDE}.
        let secure = rekey && self.cfg.secure_bit.set_on_rekey;
        let mut m1 = frames::base(
            &suite,
            self.cfg.eapol_version,
            Shape::m1(secure),
            suite.pairwise_key_len(),
            rc,
            anonce,
        );
        let mut pmkid = None;
        if let Some((b, cached)) = &self.basis {
            if self.cfg.pmkid_kde_in_m1 || *cached {
                pmkid = b.pmkid(&suite, &self.aa, &self.spa);
            }
        }
        if self.cfg.faults.bogus_pmkid_in_m1 {
            let mut p = [0u8; 16];
            self.nonces.fill(&mut p);
            pmkid = Some(p);
        }
        if let Some(p) = pmkid {
            m1.key_data = frames::key_data(&[KeyDataItem::Kde(Kde::Pmkid(p))]).to_vec();
        }
        let frame = frames::seal(&suite, &m1, None);
        let protect = self.protect(rekey);
        self.actions.push_back(Action::Transmit { frame, protect });
    }

    fn send_m3(&mut self, ptk: &Ptk, anonce: [u8; 32], rc: u64, rekey: bool) {
        let suite = self.cfg.suite;
        let nonce = if self.cfg.faults.change_anonce_in_m3 {
            self.nonce()
        } else {
            anonce
        };
        let mut m3 = frames::base(
            &suite,
            self.cfg.eapol_version,
            Shape::M3,
            suite.pairwise_key_len(),
            rc,
            nonce,
        );
        // IEEE 802.11-2020 12.7.6.4: Key RSC is the GTK's starting sequence number.
        m3.key_rsc = self.gtk.rsc.to_le_bytes();
        let rsne = match &self.ft {
            // IEEE 802.11-2020 13.4.2: in an FT initial MD association M3's RSNE carries
            // PMKR1Name, followed by the MDE and the FTE.
            Some(ft) => {
                frames::rsne_with_pmkids(&self.cfg.beacon_rsne, alloc::vec![ft.pmk_r1_name])
                    .unwrap_or_default()
            }
            None => self.cfg.beacon_rsne.clone(),
        };
        let mut plain = rsne;
        if let Some(ft) = &self.ft {
            plain.extend_from_slice(&ft.mde);
            plain.extend_from_slice(&ft.fte);
        }
        let gtk = self.gtk.gtk.clone();
        let mut items = alloc::vec![frames::gtk_kde(self.gtk.key_id, gtk.expose_secret())];
        let igtk = self.igtk.clone();
        if let Some(i) = &igtk {
            items.push(frames::igtk_kde(i.key_id, i.ipn, i.igtk.expose_secret()));
        }
        plain.extend_from_slice(&frames::key_data(&items));
        let plain = zeroize::Zeroizing::new(plain);
        let mut iv = [0u8; 16];
        if suite.rc4_key_data() {
            self.nonces.fill(&mut iv);
        }
        frames::put_encrypted_key_data(&suite, &mut m3, &ptk.kek, &plain, iv);
        let frame = frames::seal(&suite, &m3, Some(&ptk.kck));
        let protect = self.protect(rekey);
        self.actions.push_back(Action::Transmit { frame, protect });
    }

    fn send_g1(&mut self, ptk: &Ptk, keys: &(GroupKey, Option<IntegrityKey>), rc: u64) {
        let suite = self.cfg.suite;
        // IEEE 802.11-2020 12.7.7.2: G1 = {Secure, MIC, Ack, EncKeyData, GTK KDE [IGTK KDE]}.
        let mut g1 = frames::base(
            &suite,
            self.cfg.eapol_version,
            Shape::G1,
            suite.gtk_len().try_into().unwrap_or(0),
            rc,
            [0; 32],
        );
        g1.key_rsc = keys.0.rsc.to_le_bytes();
        let mut items = alloc::vec![frames::gtk_kde(keys.0.key_id, keys.0.gtk.expose_secret())];
        if let Some(i) = &keys.1 {
            items.push(frames::igtk_kde(i.key_id, i.ipn, i.igtk.expose_secret()));
        }
        let plain = frames::key_data(&items);
        let mut iv = [0u8; 16];
        if suite.rc4_key_data() {
            self.nonces.fill(&mut iv);
        }
        frames::put_encrypted_key_data(&suite, &mut g1, &ptk.kek, &plain, iv);
        let frame = frames::seal(&suite, &g1, Some(&ptk.kck));
        let protect = !self.cfg.faults.unprotected_eapol;
        self.actions.push_back(Action::Transmit { frame, protect });
    }

    fn start_group_rekey(&mut self, now: Instant) {
        let State::PtkInitDone(PtkInitDone {
            group: GroupHs::Idle,
            ..
        }) = &self.state
        else {
            return;
        };
        let key_id = if self.gtk.key_id == 1 { 2 } else { 1 };
        let Some(gtk) = new_gtk(&self.cfg.suite, &mut self.nonces, key_id) else {
            return;
        };
        let igtk = match self
            .igtk
            .as_ref()
            .map(|i| (i.igtk.len(), if i.key_id == 4 { 5 } else { 4 }))
        {
            Some((n, id)) => new_igtk(n, &mut self.nonces, id),
            None => None,
        };
        let keys = (gtk, igtk);
        let rc = self.next_rc(None);
        let State::PtkInitDone(done) = core::mem::replace(&mut self.state, State::Failed) else {
            return;
        };
        self.send_g1(&done.ptk, &keys, rc);
        let deadline = now + self.cfg.group_retransmit.wait_after(1);
        self.state = State::PtkInitDone(PtkInitDone {
            group: GroupHs::AwaitG2 {
                keys,
                out: Outstanding {
                    rc,
                    sent: 1,
                    deadline,
                },
            },
            ..done
        });
    }

    fn on_timers(&mut self, now: Instant) {
        let pairwise = self.cfg.pairwise_retransmit;
        let group = self.cfg.group_retransmit;
        match core::mem::replace(&mut self.state, State::Failed) {
            State::PtkStart(mut s) if now >= s.out.deadline => {
                // IEEE 802.11-2020 12.7.6.6: retransmit M1 until the update count is spent,
                // then deauthenticate with reason 15.
                if s.out.sent >= pairwise.attempts {
                    return self.fail(Violation::HandshakeTimeout { msg: Msg::M1 });
                }
                if self.cfg.faults.new_anonce_per_m1_retry {
                    s.anonce = self.nonce();
                }
                s.out.rc = self.next_rc(Some(s.out.rc));
                s.out.sent += 1;
                s.out.deadline = now + pairwise.wait_after(s.out.sent);
                self.send_m1(s.anonce, s.out.rc, s.rekey);
                self.state = State::PtkStart(s);
            }
            State::PtkInitNegotiating(mut s) if now >= s.out.deadline => {
                if s.out.sent >= pairwise.attempts {
                    return self.fail(Violation::HandshakeTimeout { msg: Msg::M3 });
                }
                s.out.rc = self.next_rc(Some(s.out.rc));
                s.out.sent += 1;
                s.out.deadline = now + pairwise.wait_after(s.out.sent);
                self.send_m3(&s.ptk, s.anonce, s.out.rc, s.rekey);
                self.state = State::PtkInitNegotiating(s);
            }
            State::PtkInitDone(mut d) => {
                if d.install_at.is_some_and(|t| now >= t) {
                    d.install_at = None;
                    self.install_ptk(&d.ptk);
                }
                match d.group {
                    GroupHs::AwaitG2 { keys, mut out } if now >= out.deadline => {
                        // IEEE 802.11-2020 12.7.7.3: G1 retries spent → reason 16.
                        if out.sent >= group.attempts {
                            return self.fail(Violation::HandshakeTimeout { msg: Msg::G1 });
                        }
                        out.rc = self.next_rc(Some(out.rc));
                        out.sent += 1;
                        out.deadline = now + group.wait_after(out.sent);
                        self.send_g1(&d.ptk, &keys, out.rc);
                        d.group = GroupHs::AwaitG2 { keys, out };
                        self.state = State::PtkInitDone(d);
                    }
                    g => {
                        let due = matches!(g, GroupHs::Idle)
                            && self.next_group_rekey.is_some_and(|t| now >= t);
                        d.group = g;
                        self.state = State::PtkInitDone(d);
                        if due {
                            self.next_group_rekey = self.cfg.gtk_rekey_interval.map(|i| now + i);
                            self.start_group_rekey(now);
                        }
                    }
                }
            }
            s => self.state = s,
        }
    }

    fn install_ptk(&mut self, ptk: &Ptk) {
        self.actions.push_back(Action::InstallPtk {
            tk: ptk.tk.clone(),
            cipher: self.cfg.suite.pairwise,
            key_id: 0,
            reset_pn: true,
        });
    }

    fn on_michael_report(&mut self, repr: &EapolKeyRepr, pairwise: bool) {
        let State::PtkInitDone(d) = &self.state else {
            return self
                .actions
                .push_back(Action::Discarded(Violation::UnexpectedMessage {
                    msg: Msg::M2,
                }));
        };
        if !frames::mic_ok(&self.cfg.suite, repr, &d.ptk.kck) {
            return self
                .actions
                .push_back(Action::Discarded(Violation::MicInvalid { msg: Msg::M2 }));
        }
        if self
            .last_request_rc
            .is_some_and(|last| repr.replay_counter <= last)
        {
            return self.actions.push_back(Action::Discarded(
                Violation::ReplayCounterNotIncreasing {
                    msg: Msg::M2,
                    last: self.last_request_rc.unwrap_or(0),
                    got: repr.replay_counter,
                },
            ));
        }
        self.last_request_rc = Some(repr.replay_counter);
        self.actions
            .push_back(Action::MichaelMicFailureReported { pairwise });
    }

    fn on_eapol(&mut self, now: Instant, frame: &[u8], protected: bool) {
        let suite = self.cfg.suite;
        let guess = match &self.state {
            State::PtkInitNegotiating(_) => Msg::M4,
            State::PtkInitDone(_) => Msg::G2,
            _ => Msg::M2,
        };
        let repr = match validate::parse_frame(frame, &suite, guess) {
            Ok(r) => r,
            Err(v) => return self.actions.push_back(Action::Discarded(v)),
        };
        let ki = repr.key_info;
        // A Michael MIC failure report (IEEE 802.11-2020 12.7.2): Request and Error set, MIC
        // under the current KCK, a request replay counter above any seen.
        if ki.request() && ki.error() && !ki.key_ack() {
            return self.on_michael_report(&repr, ki.key_type_pairwise());
        }
        let msg = match (ki.key_type_pairwise(), repr.key_nonce == [0; 32]) {
            (false, _) => Msg::G2,
            (true, true)
                if matches!(
                    self.state,
                    State::PtkInitNegotiating(_) | State::PtkInitDone(_)
                ) =>
            {
                Msg::M4
            }
            (true, _) => Msg::M2,
        };
        if ki.key_ack() {
            return self
                .actions
                .push_back(Action::Discarded(Violation::UnexpectedMessage { msg }));
        }
        match (core::mem::replace(&mut self.state, State::Failed), msg) {
            (State::PtkStart(s), Msg::M2) => self.on_m2(now, s, &repr, protected),
            (State::PtkInitNegotiating(s), Msg::M4) => self.on_m4(now, s, &repr, protected),
            (State::PtkInitDone(d), Msg::G2) => self.on_g2(now, d, &repr, protected),
            (state, msg) => {
                self.state = state;
                self.actions
                    .push_back(Action::Discarded(Violation::UnexpectedMessage { msg }));
            }
        }
    }

    fn on_m2(&mut self, now: Instant, s: PtkStart, m2: &EapolKeyRepr, protected: bool) {
        let suite = self.cfg.suite;
        // IEEE 802.11-2020 12.7.6.3: the PTK comes from this exchange's ANonce and the
        // SNonce of this M2 (PTKCALCNEGOTIATING) — never from an earlier exchange.
        let ptk = self
            .basis
            .as_ref()
            .and_then(|(b, _)| b.ptk(&suite, &self.aa, &self.spa, &s.anonce, &m2.key_nonce));
        let x = M2Check {
            suite,
            replay_counter: s.out.rc,
            rekey: s.rekey,
            secure_bit: self.cfg.secure_bit,
            protection: Protection {
                required: s.rekey,
                frame_protected: protected,
            },
            kck: ptk.as_ref().map(|p| &p.kck),
            previous_kck: None,
            assoc_rsne: Some(&self.assoc_rsne),
            ft: self
                .ft
                .as_ref()
                .map(|f| f.m2_check(&self.assoc_pmkids, self.cfg.ft_pmkid_policy)),
        };
        let res = validate::check_m2(m2, &x);
        let Some(ptk) = ptk else {
            self.state = State::PtkStart(s);
            return;
        };
        match res {
            Err(v) if v.is_fatal() => self.fail(v),
            Err(v) => {
                self.state = State::PtkStart(s);
                self.actions.push_back(Action::Discarded(v));
            }
            Ok(()) => {
                let rc = if self.cfg.faults.replay_counter_not_incrementing {
                    s.out.rc
                } else {
                    self.next_rc(None)
                };
                self.send_m3(&ptk, s.anonce, rc, s.rekey);
                let installed_early = s.rekey && self.cfg.faults.early_install;
                if installed_early {
                    self.install_ptk(&ptk);
                }
                let deadline = now + self.cfg.pairwise_retransmit.wait_after(1);
                self.state = State::PtkInitNegotiating(PtkInitNegotiating {
                    anonce: s.anonce,
                    ptk,
                    rekey: s.rekey,
                    installed_early,
                    out: Outstanding {
                        rc,
                        sent: 1,
                        deadline,
                    },
                });
            }
        }
    }

    fn on_m4(&mut self, now: Instant, s: PtkInitNegotiating, m4: &EapolKeyRepr, protected: bool) {
        let x = ReplyCheck {
            suite: self.cfg.suite,
            replay_counter: s.out.rc,
            protection: Protection {
                required: s.rekey,
                frame_protected: protected,
            },
            kck: Some(&s.ptk.kck),
        };
        match validate::check_m4(m4, &x) {
            Err(v) => {
                self.state = State::PtkInitNegotiating(s);
                self.actions.push_back(Action::Discarded(v));
            }
            Ok(()) => {
                // IEEE 802.11-2020 12.7.6.5: on a valid M4 the Authenticator installs the
                // PTK (MLME-SETKEYS) and opens the controlled port.
                let mut install_at = None;
                if !s.installed_early {
                    match (s.rekey, self.cfg.faults.late_install) {
                        (true, Some(d)) => install_at = Some(now + d),
                        _ => self.install_ptk(&s.ptk),
                    }
                }
                self.actions
                    .push_back(Action::Completed(Handshake::FourWay { rekey: s.rekey }));
                if self.next_group_rekey.is_none() {
                    self.next_group_rekey = self.cfg.gtk_rekey_interval.map(|i| now + i);
                }
                self.state = State::PtkInitDone(PtkInitDone {
                    ptk: s.ptk,
                    rekey: s.rekey,
                    install_at,
                    group: GroupHs::Idle,
                });
            }
        }
    }

    fn on_g2(&mut self, _now: Instant, mut d: PtkInitDone, g2: &EapolKeyRepr, protected: bool) {
        let GroupHs::AwaitG2 { keys, out } = d.group else {
            d.group = GroupHs::Idle;
            self.state = State::PtkInitDone(d);
            self.actions
                .push_back(Action::Discarded(Violation::UnexpectedMessage {
                    msg: Msg::G2,
                }));
            return;
        };
        let x = ReplyCheck {
            suite: self.cfg.suite,
            replay_counter: out.rc,
            protection: Protection {
                required: true,
                frame_protected: protected,
            },
            kck: Some(&d.ptk.kck),
        };
        match validate::check_g2(g2, &x) {
            Err(v) => {
                d.group = GroupHs::AwaitG2 { keys, out };
                self.actions.push_back(Action::Discarded(v));
            }
            Ok(()) => {
                let (gtk, igtk) = keys;
                self.actions.push_back(Action::InstallGtk {
                    gtk: gtk.gtk.clone(),
                    key_id: gtk.key_id,
                    rsc: gtk.rsc,
                });
                if let Some(i) = &igtk {
                    self.actions.push_back(Action::InstallIgtk {
                        igtk: i.igtk.clone(),
                        key_id: i.key_id,
                        ipn: i.ipn,
                    });
                }
                self.gtk = gtk;
                if igtk.is_some() {
                    self.igtk = igtk;
                }
                self.actions.push_back(Action::Completed(Handshake::Group));
                d.group = GroupHs::Idle;
            }
        }
        let _ = d.rekey;
        self.state = State::PtkInitDone(d);
    }

    /// Has the association ended (deauthenticated)?
    pub fn is_failed(&self) -> bool {
        matches!(self.state, State::Failed)
    }

    /// The supplicant's address.
    pub fn spa(&self) -> MacAddr {
        self.spa
    }

    /// Deauthenticate locally (e.g. the operator kicked the station).
    pub fn deauthenticate(&mut self, reason: ReasonCode) {
        if !matches!(self.state, State::Failed) {
            self.state = State::Failed;
            self.actions.push_back(Action::Deauthenticate(reason));
            self.actions.push_back(Action::Failed {
                reason,
                violation: None,
            });
        }
    }
}

fn new_gtk(suite: &Suite, nonces: &mut Nonces, key_id: u8) -> Option<GroupKey> {
    let mut b = zeroize::Zeroizing::new([0u8; 32]);
    let buf = b.get_mut(..suite.gtk_len())?;
    nonces.fill(buf);
    Some(GroupKey {
        gtk: Gtk::from_slice(buf).ok()?,
        key_id,
        rsc: 0,
    })
}

fn new_igtk(len: usize, nonces: &mut Nonces, key_id: u16) -> Option<IntegrityKey> {
    let mut b = zeroize::Zeroizing::new([0u8; 32]);
    let buf = b.get_mut(..len)?;
    nonces.fill(buf);
    Some(IntegrityKey {
        igtk: Igtk::from_slice(buf).ok()?,
        key_id,
        ipn: [0; 6],
    })
}
