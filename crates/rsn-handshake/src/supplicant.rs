//! The Supplicant: 4-way handshake, PTK rekey and group key handshake
//! (IEEE 802.11-2020 12.7.6, 12.7.7; wpa_supplicant `wpa.c`).
//!
//! Same call order as [`crate::Authenticator`]. The supplicant has no retransmission
//! timers of its own (12.7.6: the Authenticator retransmits); its only timer is the
//! delayed key installation of the `install_ptk_delay` fault.

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use rsn_crypto::{Gtk, Igtk, Kck, Ptk, Tk};
use rsn_wire::eapol::EapolKeyRepr;
use rsn_wire::{MacAddr, ReasonCode};

use crate::config::{ConfigError, Nonces, PmkSource, SecureBitPolicy, SupplicantFaults};
use crate::frames::{self, Shape};
use crate::io::{Action, Handshake, Input};
use crate::keys::{rsne_pmkids, FtContext, KeyBasis};
use crate::suite::Suite;
use crate::time::Instant;
use crate::validate::{self, G1Check, GroupKeys, M1Check, M3Check, Protection};
use crate::violation::{Msg, Violation};

/// Supplicant configuration (one association).
#[derive(Debug, Clone)]
pub struct SupConfig {
    /// Negotiated suites.
    pub suite: Suite,
    /// PMK (PSK, 802.1X, SAE) or FT key hierarchy.
    pub pmk: PmkSource,
    /// RSNE (whole element) this STA sent in its (Re)AssocReq; M2 repeats it. Its PMKID
    /// list names the PMKSAs offered for caching.
    pub assoc_rsne: Vec<u8>,
    /// RSNE (whole element) of the AP's Beacon/Probe Response; M3 must carry it.
    pub beacon_rsne: Vec<u8>,
    /// EAPOL protocol version of transmitted frames.
    pub eapol_version: u8,
    /// Secure bit on rekey M2 / required on rekey M1.
    pub secure_bit: SecureBitPolicy,
    /// Fault switches.
    pub faults: SupplicantFaults,
}

impl SupConfig {
    /// Defaults: EAPOL version 2, modern Secure bit, no faults.
    pub fn new(suite: Suite, pmk: PmkSource, assoc_rsne: Vec<u8>, beacon_rsne: Vec<u8>) -> Self {
        SupConfig {
            suite,
            pmk,
            assoc_rsne,
            beacon_rsne,
            eapol_version: 2,
            secure_bit: SecureBitPolicy::MODERN,
            faults: SupplicantFaults::default(),
        }
    }
}

/// Coarse state, for tests and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupState {
    /// Waiting for M1 (no PTK yet).
    AwaitM1,
    /// M2 sent, waiting for M3.
    AwaitM3,
    /// PTK and GTK installed.
    Established,
    /// Deauthenticated.
    Failed,
}

/// M2 sent. `tptk` is the PTK of *this* exchange (the TPTK of 12.7.10), derived from its
/// ANonce and SNonce; nothing of an earlier PTK is reachable from here — except the KCK
/// that the Windows 7 fault deliberately keeps.
struct AwaitM3 {
    anonce: [u8; 32],
    snonce: [u8; 32],
    tptk: Ptk,
    rekey: bool,
    stale_kck: Option<Kck>,
}

struct Established {
    ptk: Ptk,
    anonce: [u8; 32],
    via_rekey: bool,
}

enum State {
    AwaitM1,
    AwaitM3(AwaitM3),
    Established(Established),
    Failed,
}

/// Sans-IO Supplicant.
pub struct Supplicant {
    cfg: SupConfig,
    aa: MacAddr,
    spa: MacAddr,
    basis: KeyBasis,
    ft: Option<FtContext>,
    offered_pmkids: Vec<[u8; 16]>,
    nonces: Nonces,
    state: State,
    /// Highest replay counter accepted (IEEE 802.11-2020 12.7.2 c)).
    last_rc: Option<u64>,
    installed_gtk: Option<Gtk>,
    installed_igtk: Option<Igtk>,
    pending_install: Option<(Instant, Tk)>,
    /// Replay counter of the supplicant's own EAPOL-Key requests.
    request_rc: u64,
    actions: VecDeque<Action>,
}

impl Supplicant {
    /// A supplicant `spa` associated to `aa`, waiting for M1.
    ///
    /// # Errors
    /// A configuration the machine cannot run.
    pub fn new(
        cfg: SupConfig,
        aa: MacAddr,
        spa: MacAddr,
        nonces: Nonces,
    ) -> Result<Self, ConfigError> {
        let (basis, ft) = KeyBasis::new(&cfg.pmk, &cfg.suite, &aa, &spa)?;
        let offered_pmkids = rsne_pmkids(&cfg.assoc_rsne)?;
        rsne_pmkids(&cfg.beacon_rsne)?;
        Ok(Supplicant {
            cfg,
            aa,
            spa,
            basis,
            ft,
            offered_pmkids,
            nonces,
            state: State::AwaitM1,
            last_rc: None,
            installed_gtk: None,
            installed_igtk: None,
            pending_install: None,
            request_rc: 0,
            actions: VecDeque::new(),
        })
    }

    /// Coarse state.
    pub fn state(&self) -> SupState {
        match self.state {
            State::AwaitM1 => SupState::AwaitM1,
            State::AwaitM3(_) => SupState::AwaitM3,
            State::Established(_) => SupState::Established,
            State::Failed => SupState::Failed,
        }
    }

    /// PMKR1Name of an FT association.
    pub fn pmk_r1_name(&self) -> Option<[u8; 16]> {
        self.ft.as_ref().map(|f| f.pmk_r1_name)
    }

    /// Next action to carry out.
    pub fn poll_action(&mut self) -> Option<Action> {
        self.actions.pop_front()
    }

    /// When to call `handle(now, Input::Timeout)` next.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.pending_install.as_ref().map(|(t, _)| *t)
    }

    /// Feed one input.
    pub fn handle(&mut self, now: Instant, input: Input<'_>) {
        if let Some((t, tk)) = self.pending_install.take() {
            if now >= t {
                self.push_install(tk, true);
            } else {
                self.pending_install = Some((t, tk));
            }
        }
        match input {
            Input::Eapol { frame, protected } => self.on_eapol(now, frame, protected),
            Input::Deauthenticated(reason) if !matches!(self.state, State::Failed) => {
                self.state = State::Failed;
                self.pending_install = None;
                self.actions.push_back(Action::Failed {
                    reason,
                    violation: None,
                });
            }
            Input::MichaelMicFailure { pairwise } => self.report_michael_failure(pairwise),
            // The Authenticator drives the handshakes.
            _ => {}
        }
    }

    fn fail(&mut self, v: Violation) {
        let reason = v.reason_code();
        self.state = State::Failed;
        self.pending_install = None;
        self.actions.push_back(Action::Deauthenticate(reason));
        self.actions.push_back(Action::Failed {
            reason,
            violation: Some(v),
        });
    }

    fn reject(&mut self, state: State, v: Violation) {
        if v.is_fatal() {
            self.fail(v);
        } else {
            self.state = state;
            self.actions.push_back(Action::Discarded(v));
        }
    }

    fn push_install(&mut self, tk: Tk, reset_pn: bool) {
        self.actions.push_back(Action::InstallPtk {
            tk,
            cipher: self.cfg.suite.pairwise,
            key_id: 0,
            reset_pn,
        });
    }

    fn transmit(&mut self, repr: &EapolKeyRepr, kck: Option<&Kck>, answer_protected: bool) {
        let frame = frames::seal(&self.cfg.suite, repr, kck);
        // Answer in kind: a request that came under the current TK is answered under it
        // (IEEE 802.11-2020 12.7.6.1); the fault sends rekey replies in the clear.
        let protect = answer_protected && !self.cfg.faults.unprotected_eapol;
        self.actions.push_back(Action::Transmit { frame, protect });
    }

    fn on_eapol(&mut self, now: Instant, frame: &[u8], protected: bool) {
        let suite = self.cfg.suite;
        let repr = match validate::parse_frame(frame, &suite, Msg::M1) {
            Ok(r) => r,
            Err(v) => return self.actions.push_back(Action::Discarded(v)),
        };
        let ki = repr.key_info;
        let msg = match (ki.key_type_pairwise(), ki.key_mic()) {
            (true, false) => Msg::M1,
            (true, true) => Msg::M3,
            (false, _) => Msg::G1,
        };
        if !ki.key_ack() {
            let msg = if msg == Msg::G1 { Msg::G2 } else { Msg::M2 };
            return self
                .actions
                .push_back(Action::Discarded(Violation::UnexpectedMessage { msg }));
        }
        match (core::mem::replace(&mut self.state, State::Failed), msg) {
            (State::Failed, _) => {}
            (state, Msg::M1) => self.on_m1(state, &repr, protected),
            (State::AwaitM3(s), Msg::M3) => self.on_m3(now, s, &repr, protected),
            (State::Established(e), Msg::M3) => self.on_m3_again(e, &repr, protected),
            (State::Established(e), Msg::G1) => self.on_g1(e, &repr, protected),
            (state, msg) => {
                self.state = state;
                self.actions
                    .push_back(Action::Discarded(Violation::UnexpectedMessage { msg }));
            }
        }
    }

    fn on_m1(&mut self, state: State, m1: &EapolKeyRepr, protected: bool) {
        let suite = self.cfg.suite;
        let rekey = match &state {
            State::Established(_) => true,
            State::AwaitM3(s) => s.rekey,
            _ => false,
        };
        let x = M1Check {
            suite,
            last_replay_counter: self.last_rc,
            rekey,
            secure_bit: self.cfg.secure_bit,
            protection: Protection {
                required: rekey,
                frame_protected: protected,
            },
            offered_pmkids: &self.offered_pmkids,
        };
        match validate::check_m1(m1, &x) {
            Ok(()) => {}
            // Like iwd: a bogus PMKID KDE is noted, and the handshake goes on.
            Err(v @ Violation::BogusPmkid) => self.actions.push_back(Action::Warning(v)),
            Err(v) => return self.reject(state, v),
        }
        self.last_rc = Some(m1.replay_counter);
        let anonce = m1.key_nonce;
        // IEEE 802.11-2020 12.7.6.3: one SNonce per handshake; a retransmitted M1 (same
        // ANonce) is answered with the same SNonce (wpa_supplicant `renew_snonce`).
        let (snonce, stale_kck) = match state {
            State::AwaitM3(s)
                if s.anonce == anonce && !self.cfg.faults.snonce_per_retransmission =>
            {
                (s.snonce, s.stale_kck)
            }
            State::AwaitM3(s) => (self.fresh_nonce(), s.stale_kck),
            State::Established(e) if self.cfg.faults.stale_ptk_on_rekey => {
                (self.fresh_nonce(), Some(e.ptk.kck.clone()))
            }
            _ => (self.fresh_nonce(), None),
        };
        let Some(tptk) = self
            .basis
            .ptk(&suite, &self.aa, &self.spa, &anonce, &snonce)
        else {
            self.state = State::AwaitM1;
            return;
        };
        self.send_m2(m1, &snonce, &tptk, rekey, stale_kck.as_ref(), protected);
        self.state = State::AwaitM3(AwaitM3 {
            anonce,
            snonce,
            tptk,
            rekey,
            stale_kck,
        });
    }

    fn fresh_nonce(&mut self) -> [u8; 32] {
        let mut n = [0u8; 32];
        self.nonces.fill(&mut n);
        n
    }

    fn send_m2(
        &mut self,
        m1: &EapolKeyRepr,
        snonce: &[u8; 32],
        tptk: &Ptk,
        rekey: bool,
        stale_kck: Option<&Kck>,
        protected: bool,
    ) {
        let suite = self.cfg.suite;
        let faults = &self.cfg.faults;
        // Windows 7 (failure catalog B1): stale KCK and Secure bit on the rekey M2.
        let stale = if rekey { stale_kck } else { None };
        let secure = (rekey && self.cfg.secure_bit.set_on_rekey) || stale.is_some();
        let rc = if faults.wrong_replay_counter_in_m2 {
            m1.replay_counter.wrapping_add(1)
        } else {
            m1.replay_counter
        };
        let mut m2 = frames::base(
            &suite,
            self.cfg.eapol_version,
            Shape::m2(secure),
            0,
            rc,
            *snonce,
        );
        // IEEE 802.11-2020 12.7.6.3: Key Data = the (Re)AssocReq RSNE; for FT (13.4.2)
        // with PMKID List [PMKR1Name], followed by MDE and FTE.
        m2.key_data = match &self.ft {
            Some(ft) => {
                let mut list = alloc::vec![ft.pmk_r1_name];
                list.extend_from_slice(&faults.extra_pmkids_in_ft_m2);
                let mut kd =
                    frames::rsne_with_pmkids(&self.cfg.assoc_rsne, list).unwrap_or_default();
                kd.extend_from_slice(&ft.mde);
                kd.extend_from_slice(&ft.fte);
                kd
            }
            None => self.cfg.assoc_rsne.clone(),
        };
        let kck = stale.unwrap_or(&tptk.kck);
        self.transmit(&m2, Some(kck), protected);
    }

    fn m3_check<'a>(
        &'a self,
        ptk: &'a Ptk,
        anonce: &'a [u8; 32],
        rekey: bool,
        protected: bool,
    ) -> M3Check<'a> {
        M3Check {
            suite: self.cfg.suite,
            anonce,
            last_replay_counter: self.last_rc,
            protection: Protection {
                required: rekey,
                frame_protected: protected,
            },
            kck: Some(&ptk.kck),
            kek: Some(&ptk.kek),
            beacon_rsne: Some(&self.cfg.beacon_rsne),
            ft: self.ft.as_ref().map(FtContext::m3_check),
        }
    }

    fn send_m4(&mut self, m3: &EapolKeyRepr, ptk: &Ptk, protected: bool) {
        let suite = self.cfg.suite;
        // IEEE 802.11-2020 12.7.6.5: M4 = {Secure, MIC, Pairwise}, replay counter of M3,
        // zero nonce, no key data.
        let m4 = frames::base(
            &suite,
            self.cfg.eapol_version,
            Shape::M4,
            0,
            m3.replay_counter,
            [0; 32],
        );
        self.transmit(&m4, Some(&ptk.kck), protected);
    }

    fn on_m3(&mut self, now: Instant, s: AwaitM3, m3: &EapolKeyRepr, protected: bool) {
        if self.cfg.faults.ignore_m3 {
            self.state = State::AwaitM3(s);
            return;
        }
        let res = validate::open_m3(m3, &self.m3_check(&s.tptk, &s.anonce, s.rekey, protected));
        let keys = match res {
            Ok(k) => k,
            Err(v) => return self.reject(State::AwaitM3(s), v),
        };
        self.last_rc = Some(m3.replay_counter);
        self.send_m4(m3, &s.tptk, protected);
        // IEEE 802.11-2020 12.7.6.4: after M4, MLME-SETKEYS for the PTK (this exchange's
        // TPTK becomes the PTK), then the GTK/IGTK.
        let tk = if self.cfg.faults.zero_tk {
            Tk::from_slice(&alloc::vec![0u8; s.tptk.tk.len()]).unwrap_or_else(|_| s.tptk.tk.clone())
        } else {
            s.tptk.tk.clone()
        };
        match self.cfg.faults.install_ptk_delay {
            Some(d) => self.pending_install = Some((now + d, tk)),
            None => self.push_install(tk, true),
        }
        self.install_group(keys, false);
        self.actions
            .push_back(Action::Completed(Handshake::FourWay { rekey: s.rekey }));
        self.state = State::Established(Established {
            ptk: s.tptk,
            anonce: s.anonce,
            via_rekey: s.rekey,
        });
    }

    /// A retransmitted M3 after the PTK is installed (the M4 was lost): answer with a new
    /// M4, never reinstall the key (KRACK defence, IEEE 802.11-2020 12.7.6.4 NOTE and the
    /// 2017 errata: an installed key is not installed again).
    fn on_m3_again(&mut self, e: Established, m3: &EapolKeyRepr, protected: bool) {
        let res = validate::open_m3(
            m3,
            &self.m3_check(&e.ptk, &e.anonce, e.via_rekey, protected),
        );
        let keys = match res {
            Ok(k) => k,
            Err(v) => return self.reject(State::Established(e), v),
        };
        self.last_rc = Some(m3.replay_counter);
        self.send_m4(m3, &e.ptk, protected);
        if self.cfg.faults.reinstall_on_m3_retransmit {
            // KRACK-vulnerable: reinstall the PTK, which resets the PN (CVE-2017-13077).
            self.push_install(e.ptk.tk.clone(), true);
            self.install_group(keys, true);
        }
        self.state = State::Established(e);
    }

    fn install_group(&mut self, keys: GroupKeys, force: bool) {
        if let Some(g) = keys.gtk {
            // A GTK already installed is not installed again (KRACK defence,
            // CVE-2017-13078/13080).
            if force || self.installed_gtk.as_ref() != Some(&g.gtk) {
                self.installed_gtk = Some(g.gtk.clone());
                self.actions.push_back(Action::InstallGtk {
                    gtk: g.gtk,
                    key_id: g.key_id,
                    rsc: g.rsc,
                });
            }
        }
        if let Some(i) = keys.igtk {
            if force || self.installed_igtk.as_ref() != Some(&i.igtk) {
                self.installed_igtk = Some(i.igtk.clone());
                self.actions.push_back(Action::InstallIgtk {
                    igtk: i.igtk,
                    key_id: i.key_id,
                    ipn: i.ipn,
                });
            }
        }
    }

    fn on_g1(&mut self, e: Established, g1: &EapolKeyRepr, protected: bool) {
        if self.cfg.faults.ignore_g1 {
            self.state = State::Established(e);
            return;
        }
        let x = G1Check {
            suite: self.cfg.suite,
            last_replay_counter: self.last_rc,
            protection: Protection {
                required: true,
                frame_protected: protected,
            },
            kck: Some(&e.ptk.kck),
            kek: Some(&e.ptk.kek),
        };
        let keys = match validate::open_g1(g1, &x) {
            Ok(k) => k,
            Err(v) => return self.reject(State::Established(e), v),
        };
        self.last_rc = Some(g1.replay_counter);
        let suite = self.cfg.suite;
        // IEEE 802.11-2020 12.7.7.3: G2 = {Secure, MIC}, replay counter of G1.
        let g2 = frames::base(
            &suite,
            self.cfg.eapol_version,
            Shape::G2,
            0,
            g1.replay_counter,
            [0; 32],
        );
        self.transmit(&g2, Some(&e.ptk.kck), protected);
        let force = self.cfg.faults.reinstall_on_m3_retransmit;
        self.install_group(keys, force);
        self.actions.push_back(Action::Completed(Handshake::Group));
        self.state = State::Established(e);
    }

    /// A Michael MIC failure report (IEEE 802.11-2020 12.7.2: EAPOL-Key with Request, Error,
    /// Key MIC and Secure set, Key Type naming the failing key; MIC under the current KCK),
    /// sent under the current TK. Only with an established PTK: without one there is no key
    /// whose Michael MIC could fail.
    fn report_michael_failure(&mut self, pairwise: bool) {
        let State::Established(e) = &self.state else {
            return;
        };
        let kck = e.ptk.kck.clone();
        self.request_rc = self.request_rc.wrapping_add(1);
        let suite = self.cfg.suite;
        let mut r = frames::base(
            &suite,
            self.cfg.eapol_version,
            Shape::G2,
            0,
            self.request_rc,
            [0; 32],
        );
        r.key_info = r
            .key_info
            .with_key_type_pairwise(pairwise)
            .with_request(true)
            .with_error(true);
        self.transmit(&r, Some(&kck), true);
    }

    /// Deauthenticate locally.
    pub fn deauthenticate(&mut self, reason: ReasonCode) {
        if !matches!(self.state, State::Failed) {
            self.state = State::Failed;
            self.pending_install = None;
            self.actions.push_back(Action::Deauthenticate(reason));
            self.actions.push_back(Action::Failed {
                reason,
                violation: None,
            });
        }
    }
}
