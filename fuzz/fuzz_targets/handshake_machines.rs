//! Both `rsn-handshake` machines against arbitrary input. The first byte picks the machine
//! under test (Authenticator or Supplicant); its genuine peer (same PMK) runs beside it.
//! Then records (1-octet tag, 2-octet length, body) drive the machine under test with:
//! the peer's next genuine EAPOL frame, as is or XOR-ed with the body (mutations of real
//! M1..M4/G1/G2 with valid structure), arbitrary EAPOL bytes (clear or protected),
//! timeouts, rekey and group-rekey starts, deauthentications, Michael MIC failures. What
//! the machine under test transmits goes to the peer. Nothing may panic.
#![no_main]

use std::collections::VecDeque;

use libfuzzer_sys::fuzz_target;
use rsn_crypto::Pmk;
use rsn_handshake::{
    Action, AuthConfig, Authenticator, Input, Instant, PmkSource, Suite, SupConfig, Supplicant,
};
use rsn_wire::{MacAddr, ReasonCode};

const RSNE: [u8; 22] = [
    0x30, 0x14, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 2, 0, 0,
];

enum M {
    A(Authenticator),
    S(Supplicant),
}

impl M {
    fn handle(&mut self, now: Instant, i: Input<'_>) {
        match self {
            M::A(a) => a.handle(now, i),
            M::S(s) => s.handle(now, i),
        }
    }
    fn poll(&mut self) -> Option<Action> {
        match self {
            M::A(a) => a.poll_action(),
            M::S(s) => s.poll_action(),
        }
    }
    fn timeout(&self) -> Option<Instant> {
        match self {
            M::A(a) => a.poll_timeout(),
            M::S(s) => s.poll_timeout(),
        }
    }
    /// Drain the actions; transmitted frames go to `out`.
    fn drain(&mut self, out: &mut VecDeque<(Vec<u8>, bool)>) {
        while let Some(a) = self.poll() {
            if let Action::Transmit { frame, protect } = a {
                if out.len() < 64 {
                    out.push_back((frame, protect));
                }
            }
        }
    }
}

fn nonces(seed: u8) -> impl FnMut(&mut [u8]) + Send {
    let mut ctr = seed;
    move |b: &mut [u8]| {
        for x in b {
            ctr = ctr.wrapping_add(13);
            *x = ctr;
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&role, mut rest)) = data.split_first() else {
        return;
    };
    let pmk = Pmk::from_slice(&[7u8; 32]).expect("pmk");
    let (aa, spa) = (MacAddr([2, 0, 0, 0, 0, 1]), MacAddr([2, 0, 0, 0, 0, 2]));
    let ap = Authenticator::new(
        AuthConfig::new(Suite::psk_ccmp(), RSNE.to_vec(), PmkSource::Pmk(pmk.clone())),
        aa,
        spa,
        RSNE.to_vec(),
        Box::new(nonces(1)),
    );
    let sta = Supplicant::new(
        SupConfig::new(Suite::psk_ccmp(), PmkSource::Pmk(pmk), RSNE.to_vec(), RSNE.to_vec()),
        aa,
        spa,
        Box::new(nonces(2)),
    );
    let (Ok(ap), Ok(sta)) = (ap, sta) else {
        return;
    };
    let (mut dut, mut peer) = if role & 1 == 0 {
        (M::A(ap), M::S(sta))
    } else {
        (M::S(sta), M::A(ap))
    };
    let mut now = Instant::ZERO;
    let mut to_peer = VecDeque::new();
    let mut to_dut = VecDeque::new();
    match &mut dut {
        M::A(_) => dut.handle(now, Input::Start),
        M::S(_) => {
            dut.handle(now, Input::Start);
            peer.handle(now, Input::Start);
        }
    }
    dut.drain(&mut to_peer);
    peer.drain(&mut to_dut);
    while rest.len() >= 3 {
        let (tag, len) = (rest[0], usize::from(u16::from_le_bytes([rest[1], rest[2]])));
        let end = (3 + len.min(1024)).min(rest.len());
        let body = &rest[3..end];
        rest = &rest[end..];
        // The peer answers what the machine under test sent.
        while let Some((f, p)) = to_peer.pop_front() {
            peer.handle(now, Input::Eapol { frame: &f, protected: p });
            peer.drain(&mut to_dut);
        }
        match tag % 10 {
            0..=2 => {
                if let Some((mut f, p)) = to_dut.pop_front() {
                    if tag % 10 != 0 {
                        let n = f.len().max(1);
                        for (i, b) in body.iter().enumerate() {
                            if let Some(x) = f.get_mut(i % n) {
                                *x ^= *b;
                            }
                        }
                    }
                    dut.handle(now, Input::Eapol { frame: &f, protected: p });
                }
            }
            3 | 4 => dut.handle(now, Input::Eapol { frame: body, protected: tag % 10 == 4 }),
            5 => {
                if let Some(t) = dut.timeout() {
                    now = t;
                }
                dut.handle(now, Input::Timeout);
                if let Some(t) = peer.timeout() {
                    if t <= now {
                        peer.handle(now, Input::Timeout);
                        peer.drain(&mut to_dut);
                    }
                }
            }
            6 => dut.handle(now, Input::StartRekey),
            7 => dut.handle(now, Input::StartGroupRekey),
            8 => dut.handle(
                now,
                Input::Deauthenticated(ReasonCode(u16::from(body.first().copied().unwrap_or(1)))),
            ),
            _ => dut.handle(
                now,
                Input::MichaelMicFailure {
                    pairwise: body.first().is_some_and(|b| b & 1 == 1),
                },
            ),
        }
        dut.drain(&mut to_peer);
    }
});
