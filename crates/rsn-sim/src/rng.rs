//! Entropy: one seed, independent ChaCha20 streams per consumer (smoltcp netsim, quinn
//! `rng_seed`). A consumer's stream does not depend on how much the others drew, so
//! adding a client does not change the nonces of the clients before it.

use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
use rsn_handshake::NonceSource;
use zeroize::Zeroizing;

/// Stream numbers of the fixed consumers.
pub(crate) mod stream {
    /// The medium (loss decisions).
    pub const AIR: u64 = 1;
    /// The sniffer (capture loss).
    pub const SNIFFER: u64 = 2;
    /// Group keys of the BSSs.
    pub const GROUP_KEYS: u64 = 3;
    /// Payload filler.
    pub const PAYLOAD: u64 = 4;
    /// AAA servers: MSKs, Request Authenticators, MPPE salts.
    pub const AAA: u64 = 5;
    /// Per-link machine streams start here: `LINK_BASE + 2 * link + role`.
    pub const LINK_BASE: u64 = 1 << 20;
}

/// A seeded ChaCha20 stream.
pub(crate) fn stream(seed: u64, id: u64) -> ChaCha20Rng {
    let mut r = ChaCha20Rng::seed_from_u64(seed);
    r.set_stream(id);
    r
}

/// A uniform draw in [0, 1).
pub(crate) fn unit(r: &mut ChaCha20Rng) -> f64 {
    // 53 random bits → [0, 1).
    (r.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// The [`NonceSource`] handed to one machine: first the octets of `prefix` (the BSS's
/// group keys, so every authenticator of a BSS hands out the same GTK), then its own
/// ChaCha20 stream.
pub(crate) struct MachineNonces {
    prefix: Zeroizing<Vec<u8>>,
    pos: usize,
    rng: ChaCha20Rng,
}

impl MachineNonces {
    pub(crate) fn new(prefix: Zeroizing<Vec<u8>>, rng: ChaCha20Rng) -> Self {
        MachineNonces {
            prefix,
            pos: 0,
            rng,
        }
    }
}

impl NonceSource for MachineNonces {
    fn fill(&mut self, out: &mut [u8]) {
        let mut i = 0;
        while i < out.len() && self.pos < self.prefix.len() {
            if let (Some(o), Some(p)) = (out.get_mut(i), self.prefix.get(self.pos)) {
                *o = *p;
            }
            i += 1;
            self.pos += 1;
        }
        if let Some(rest) = out.get_mut(i..) {
            self.rng.fill_bytes(rest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_then_stream() {
        let mut n = MachineNonces::new(Zeroizing::new(vec![1, 2, 3]), stream(9, 5));
        let mut a = [0u8; 2];
        n.fill(&mut a);
        assert_eq!(a, [1, 2]);
        let mut b = [0u8; 4];
        n.fill(&mut b);
        assert_eq!(b[0], 3);
        let mut r = stream(9, 5);
        let mut want = [0u8; 3];
        r.fill_bytes(&mut want);
        assert_eq!(&b[1..], &want);
    }

    #[test]
    fn streams_are_independent_and_reproducible() {
        let (mut a, mut b, mut c) = (stream(1, 1), stream(1, 2), stream(1, 1));
        let (x, y, z) = (a.next_u64(), b.next_u64(), c.next_u64());
        assert_ne!(x, y);
        assert_eq!(x, z);
        let u = unit(&mut a);
        assert!((0.0..1.0).contains(&u));
    }
}
