//! EAPOL-Key message classification (M1..M4, G1, G2, requests).
//!
//! `failure-catalog.md` §1: M2 and M4 are *not* told apart by the Secure bit or by empty key
//! data alone. The rules here, in order:
//! 1. Request bit ⇒ a request (MIC failure report when Error is set too).
//! 2. Key Type 0 (group) ⇒ G1 when Key Ack is set, else G2.
//! 3. Key Ack set ⇒ M3 with the MIC bit or the Install bit (AEAD/FILS frames carry no MIC
//!    but M3 installs the PTK), else M1.
//! 4. Key Ack clear: M2 or M4. The replay counter decides first: an M2 echoes the counter of an
//!    M1 of the exchange, an M4 the counter of an M3 (IEEE 802.11-2020 12.7.6.3 / 12.7.6.5).
//!    Without that context: an all-zero Key Nonce ⇒ M4 (wlantest's rule, robust against MLO's
//!    M4 KDEs); a non-zero nonce with key data ⇒ M2; a non-zero nonce and no key data ⇒ M4
//!    when Secure is set (hostapd's rule), else M2.

/// What an EAPOL-Key frame is, by its role in the exchanges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MsgKind {
    /// 4-way handshake message 1 (authenticator → supplicant).
    M1,
    /// 4-way handshake message 2.
    M2,
    /// 4-way handshake message 3.
    M3,
    /// 4-way handshake message 4.
    M4,
    /// Group key handshake message 1.
    G1,
    /// Group key handshake message 2.
    G2,
    /// EAPOL-Key request from the supplicant (rekey request; MIC failure report with Error).
    Request,
}

impl MsgKind {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            MsgKind::M1 => "M1",
            MsgKind::M2 => "M2",
            MsgKind::M3 => "M3",
            MsgKind::M4 => "M4",
            MsgKind::G1 => "G1",
            MsgKind::G2 => "G2",
            MsgKind::Request => "request",
        }
    }

    /// Sent by the authenticator.
    pub fn from_authenticator(self) -> bool {
        matches!(self, MsgKind::M1 | MsgKind::M3 | MsgKind::G1)
    }
}

/// The facts classification looks at.
#[derive(Debug, Clone, Copy)]
pub struct KeyFacts {
    /// Key Type bit (pairwise).
    pub pairwise: bool,
    /// Key Ack bit.
    pub ack: bool,
    /// Key MIC bit.
    pub mic: bool,
    /// Secure bit.
    pub secure: bool,
    /// Install bit.
    pub install: bool,
    /// Request bit.
    pub request: bool,
    /// The Key Nonce is all zero.
    pub zero_nonce: bool,
    /// Key Data Length is zero.
    pub empty_key_data: bool,
    /// Replay counter.
    pub replay_counter: u64,
}

/// Replay counters of the authenticator messages of the open exchange, to tell M2 from M4.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// Replay counters of M1s of the open exchange.
    pub m1_counters: &'a [u64],
    /// Replay counters of M3s of the open exchange.
    pub m3_counters: &'a [u64],
}

/// Classify one EAPOL-Key frame.
pub fn classify(f: &KeyFacts, ctx: Context<'_>) -> MsgKind {
    if f.request {
        return MsgKind::Request;
    }
    if !f.pairwise {
        return if f.ack { MsgKind::G1 } else { MsgKind::G2 };
    }
    if f.ack {
        return if f.mic || f.install {
            MsgKind::M3
        } else {
            MsgKind::M1
        };
    }
    let echoes_m1 = ctx.m1_counters.contains(&f.replay_counter);
    let echoes_m3 = ctx.m3_counters.contains(&f.replay_counter);
    match (echoes_m1, echoes_m3) {
        (true, false) => return MsgKind::M2,
        (false, true) => return MsgKind::M4,
        _ => {}
    }
    if f.zero_nonce {
        MsgKind::M4
    } else if !f.empty_key_data {
        MsgKind::M2
    } else if f.secure {
        MsgKind::M4
    } else {
        MsgKind::M2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(
        ack: bool,
        mic: bool,
        secure: bool,
        zero_nonce: bool,
        empty: bool,
        rc: u64,
    ) -> KeyFacts {
        KeyFacts {
            pairwise: true,
            ack,
            mic,
            secure,
            install: ack && mic,
            request: false,
            zero_nonce,
            empty_key_data: empty,
            replay_counter: rc,
        }
    }

    #[test]
    fn basic_shapes() {
        let c = Context::default();
        assert_eq!(
            classify(&facts(true, false, false, false, true, 1), c),
            MsgKind::M1
        );
        assert_eq!(
            classify(&facts(false, true, false, false, false, 1), c),
            MsgKind::M2
        );
        assert_eq!(
            classify(&facts(true, true, true, false, false, 2), c),
            MsgKind::M3
        );
        assert_eq!(
            classify(&facts(false, true, true, true, true, 2), c),
            MsgKind::M4
        );
    }

    #[test]
    fn rekey_m2_with_secure_and_no_key_data_is_still_m2_by_replay_counter() {
        // Windows 10 / hostapd >= 2022: Secure set on rekey M2.
        let f = facts(false, true, true, false, true, 7);
        let ctx = Context {
            m1_counters: &[7],
            m3_counters: &[],
        };
        assert_eq!(classify(&f, ctx), MsgKind::M2);
    }

    #[test]
    fn m4_with_nonzero_nonce_by_replay_counter() {
        let f = facts(false, true, true, false, false, 8);
        let ctx = Context {
            m1_counters: &[7],
            m3_counters: &[8],
        };
        assert_eq!(classify(&f, ctx), MsgKind::M4);
    }

    #[test]
    fn group_and_request() {
        let mut g = facts(true, true, true, false, false, 3);
        g.pairwise = false;
        assert_eq!(classify(&g, Context::default()), MsgKind::G1);
        g.ack = false;
        assert_eq!(classify(&g, Context::default()), MsgKind::G2);
        g.request = true;
        assert_eq!(classify(&g, Context::default()), MsgKind::Request);
    }
}
