//! Pair harness (quinn-proto `tests/util.rs` style): a supplicant and an authenticator over
//! an in-memory air with seeded loss, delay, reordering and duplication, on a virtual
//! clock. Frames sent with `protect: true` carry the sender's installed TK; the receiver
//! can read them only if it has the same TK installed (PTK0 rekey semantics).
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use core::time::Duration;

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use rsn_crypto::Pmk;
use rsn_handshake::*;
use rsn_wire::element::{ElementBody, RsneRepr};
use rsn_wire::{Akm, Cipher, MacAddr};

pub const AA: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 0x01]);
pub const SPA: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 0x02]);

pub fn nonces(seed: u64) -> Nonces {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    Box::new(move |b: &mut [u8]| rng.fill_bytes(b))
}

pub fn pmk(b: u8) -> Pmk {
    Pmk::from_slice(&[b; 32]).unwrap()
}

pub fn rsne(suite: &Suite, pmkids: Option<Vec<[u8; 16]>>) -> Vec<u8> {
    let caps = if suite.group_mgmt.is_some() {
        0x0080
    } else {
        0
    };
    RsneRepr {
        version: 1,
        group_data_cipher: Some(suite.group),
        pairwise_ciphers: Some(vec![suite.pairwise]),
        akms: Some(vec![suite.akm]),
        capabilities: Some(rsn_wire::element::RsnCapabilities(caps)),
        pmkids: pmkids.or_else(|| suite.group_mgmt.map(|_| vec![])),
        group_mgmt_cipher: suite.group_mgmt,
        extra: vec![],
    }
    .to_element_vec()
    .unwrap()
}

pub fn suite(akm: Akm, pairwise: Cipher) -> Suite {
    Suite {
        akm,
        pairwise,
        group: pairwise,
        group_mgmt: None,
        pmk_len: 32,
    }
}

pub fn ft_params(psk: u8) -> FtParams {
    FtParams {
        xxkey: pmk(psk),
        ssid: b"TestFT".to_vec(),
        mdid: [0x12, 0x34],
        ft_capability: 1,
        r0kh_id: b"dummy0".to_vec(),
        r1kh_id: AA,
    }
}

/// Configurations for a PSK-style association where both sides hold `ap_pmk`/`sta_pmk`.
pub fn configs(suite: Suite, ap: PmkSource, sta: PmkSource) -> (AuthConfig, SupConfig) {
    let r = rsne(&suite, None);
    (
        AuthConfig::new(suite, r.clone(), ap),
        SupConfig::new(suite, sta, r.clone(), r),
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    ToSta,
    ToAp,
}

/// Message kind from the raw frame (for logs and targeted drops).
pub fn kind(frame: &[u8]) -> &'static str {
    let ki = u16::from_be_bytes([frame[5], frame[6]]);
    let (p, ack, mic) = (ki & 0x8 != 0, ki & 0x80 != 0, ki & 0x100 != 0);
    let zero_nonce = frame[17..49].iter().all(|b| *b == 0);
    match (p, ack, mic) {
        (true, true, false) => "M1",
        (true, true, true) => "M3",
        (true, false, _) if zero_nonce => "M4",
        (true, false, _) => "M2",
        (false, true, _) => "G1",
        (false, false, _) => "G2",
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct AirConfig {
    /// Loss probability per frame, per mille.
    pub loss_permille: u32,
    /// Base one-way delay.
    pub delay: Duration,
    /// Extra random delay up to this (reordering).
    pub jitter: Duration,
    /// Duplication probability, per mille.
    pub dup_permille: u32,
}

struct InFlight {
    at: Instant,
    seq: u64,
    dir: Dir,
    frame: Vec<u8>,
    tk: Option<Vec<u8>>,
}

#[derive(Debug, Clone)]
pub struct Logged {
    pub at: Instant,
    pub action: Action,
}

pub struct Pair {
    pub ap: Authenticator,
    pub sta: Supplicant,
    pub now: Instant,
    pub air: AirConfig,
    rng: ChaCha8Rng,
    seq: u64,
    flight: Vec<InFlight>,
    pub ap_tk: Option<Vec<u8>>,
    pub sta_tk: Option<Vec<u8>>,
    pub ap_log: Vec<Logged>,
    pub sta_log: Vec<Logged>,
    /// (direction, kind) of every frame the air lost.
    pub lost: Vec<(Dir, &'static str)>,
    /// (direction, kind) of protected frames the receiver could not decrypt.
    pub undecryptable: Vec<(Dir, &'static str)>,
    /// Every frame put on the air: (time, direction, frame, protected).
    pub sent: Vec<(Instant, Dir, Vec<u8>, bool)>,
    /// Drop the n-th (0-based, per kind and direction) frame of a kind: (dir, kind, n).
    pub drop_list: Vec<(Dir, &'static str, usize)>,
    counts: Vec<(Dir, &'static str, usize)>,
}

impl Pair {
    pub fn new(ap_cfg: AuthConfig, sta_cfg: SupConfig, seed: u64) -> Self {
        let assoc = sta_cfg.assoc_rsne.clone();
        let ap = Authenticator::new(ap_cfg, AA, SPA, assoc, nonces(seed ^ 0xa5a5)).unwrap();
        let sta = Supplicant::new(sta_cfg, AA, SPA, nonces(seed ^ 0x5a5a)).unwrap();
        Pair {
            ap,
            sta,
            now: Instant::ZERO,
            air: AirConfig {
                delay: Duration::from_millis(1),
                ..Default::default()
            },
            rng: ChaCha8Rng::seed_from_u64(seed),
            seq: 0,
            flight: Vec::new(),
            ap_tk: None,
            sta_tk: None,
            ap_log: Vec::new(),
            sta_log: Vec::new(),
            lost: Vec::new(),
            undecryptable: Vec::new(),
            sent: Vec::new(),
            drop_list: Vec::new(),
            counts: Vec::new(),
        }
    }

    fn permille(&mut self, p: u32) -> bool {
        p > 0 && (self.rng.next_u32() % 1000) < p
    }

    fn put_on_air(&mut self, dir: Dir, frame: Vec<u8>, protect: bool) {
        let k = kind(&frame);
        let tk = if protect {
            match dir {
                Dir::ToSta => self.ap_tk.clone(),
                Dir::ToAp => self.sta_tk.clone(),
            }
        } else {
            None
        };
        self.sent.push((self.now, dir, frame.clone(), protect));
        let n = match self
            .counts
            .iter_mut()
            .find(|(d, kk, _)| *d == dir && *kk == k)
        {
            Some(c) => {
                c.2 += 1;
                c.2 - 1
            }
            None => {
                self.counts.push((dir, k, 1));
                0
            }
        };
        if self.drop_list.contains(&(dir, k, n)) || self.permille(self.air.loss_permille) {
            self.lost.push((dir, k));
            return;
        }
        let copies = if self.permille(self.air.dup_permille) {
            2
        } else {
            1
        };
        for _ in 0..copies {
            let jitter = if self.air.jitter.is_zero() {
                0
            } else {
                self.rng.next_u64() % (self.air.jitter.as_micros() as u64 + 1)
            };
            let at = self.now + self.air.delay + Duration::from_micros(jitter);
            self.seq += 1;
            self.flight.push(InFlight {
                at,
                seq: self.seq,
                dir,
                frame: frame.clone(),
                tk: tk.clone(),
            });
        }
    }

    /// Carry out pending actions of both sides (until none are left).
    pub fn drive(&mut self) {
        loop {
            let mut any = false;
            while let Some(a) = self.ap.poll_action() {
                any = true;
                self.ap_log.push(Logged {
                    at: self.now,
                    action: a.clone(),
                });
                match a {
                    Action::Transmit { frame, protect } => {
                        self.put_on_air(Dir::ToSta, frame, protect)
                    }
                    Action::InstallPtk { tk, .. } => self.ap_tk = Some(tk.expose_secret().to_vec()),
                    Action::Deauthenticate(r) => {
                        self.sta.handle(self.now, Input::Deauthenticated(r))
                    }
                    _ => {}
                }
            }
            while let Some(a) = self.sta.poll_action() {
                any = true;
                self.sta_log.push(Logged {
                    at: self.now,
                    action: a.clone(),
                });
                match a {
                    Action::Transmit { frame, protect } => {
                        self.put_on_air(Dir::ToAp, frame, protect)
                    }
                    Action::InstallPtk { tk, .. } => {
                        self.sta_tk = Some(tk.expose_secret().to_vec())
                    }
                    Action::Deauthenticate(r) => {
                        self.ap.handle(self.now, Input::Deauthenticated(r))
                    }
                    _ => {}
                }
            }
            if !any {
                return;
            }
        }
    }

    fn deliver_due(&mut self) -> bool {
        let mut due: Vec<InFlight> = Vec::new();
        let mut i = 0;
        while i < self.flight.len() {
            if self.flight[i].at <= self.now {
                due.push(self.flight.swap_remove(i));
            } else {
                i += 1;
            }
        }
        due.sort_by_key(|p| (p.at, p.seq));
        let any = !due.is_empty();
        for p in due {
            let rx_tk = match p.dir {
                Dir::ToSta => &self.sta_tk,
                Dir::ToAp => &self.ap_tk,
            };
            let protected = p.tk.is_some();
            if protected && p.tk.as_ref() != rx_tk.as_ref() {
                self.undecryptable.push((p.dir, kind(&p.frame)));
                continue;
            }
            let input = Input::Eapol {
                frame: &p.frame,
                protected,
            };
            match p.dir {
                Dir::ToSta => self.sta.handle(self.now, input),
                Dir::ToAp => self.ap.handle(self.now, input),
            }
            self.drive();
        }
        any
    }

    /// Run until nothing is in flight and no timer is armed, or until `limit` has passed.
    pub fn run_for(&mut self, limit: Duration) {
        let end = self.now + limit;
        loop {
            self.drive();
            self.deliver_due();
            self.drive();
            let next = [
                self.ap.poll_timeout(),
                self.sta.poll_timeout(),
                self.flight.iter().map(|p| p.at).min(),
            ]
            .into_iter()
            .flatten()
            .min();
            let Some(next) = next else { return };
            if next > end {
                self.now = end;
                return;
            }
            self.now = self.now.max(next);
            self.ap.handle(self.now, Input::Timeout);
            self.sta.handle(self.now, Input::Timeout);
        }
    }

    pub fn run(&mut self) {
        self.run_for(Duration::from_secs(60));
    }

    pub fn start(&mut self) {
        self.ap.handle(self.now, Input::Start);
        self.run();
    }

    pub fn ap_input(&mut self, input: Input<'_>) {
        self.ap.handle(self.now, input);
        self.run();
    }

    pub fn installs_ptk(log: &[Logged]) -> Vec<(Vec<u8>, bool)> {
        log.iter()
            .filter_map(|l| match &l.action {
                Action::InstallPtk { tk, reset_pn, .. } => {
                    Some((tk.expose_secret().to_vec(), *reset_pn))
                }
                _ => None,
            })
            .collect()
    }

    pub fn installs_gtk(log: &[Logged]) -> Vec<(Vec<u8>, u8)> {
        log.iter()
            .filter_map(|l| match &l.action {
                Action::InstallGtk { gtk, key_id, .. } => {
                    Some((gtk.expose_secret().to_vec(), *key_id))
                }
                _ => None,
            })
            .collect()
    }

    pub fn completed(log: &[Logged]) -> Vec<Handshake> {
        log.iter()
            .filter_map(|l| match l.action {
                Action::Completed(h) => Some(h),
                _ => None,
            })
            .collect()
    }

    pub fn failure(log: &[Logged]) -> Option<(rsn_wire::ReasonCode, Option<Violation>)> {
        log.iter().find_map(|l| match &l.action {
            Action::Failed { reason, violation } => Some((*reason, violation.clone())),
            _ => None,
        })
    }

    pub fn discarded(log: &[Logged]) -> Vec<Violation> {
        log.iter()
            .filter_map(|l| match &l.action {
                Action::Discarded(v) => Some(v.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn warnings(log: &[Logged]) -> Vec<Violation> {
        log.iter()
            .filter_map(|l| match &l.action {
                Action::Warning(v) => Some(v.clone()),
                _ => None,
            })
            .collect()
    }

    /// Frames of one kind put on the air in one direction.
    pub fn frames(&self, dir: Dir, k: &str) -> Vec<Vec<u8>> {
        self.sent
            .iter()
            .filter(|(_, d, f, _)| *d == dir && kind(f) == k)
            .map(|(_, _, f, _)| f.clone())
            .collect()
    }
}
