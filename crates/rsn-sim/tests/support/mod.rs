//! Shared by the closed-loop tests of `rsn-sim` and `fourway` (included by path): run a
//! shipped scenario with its wired side, and the key material a receiver of the network's
//! keys holds — the passphrase/PMK, or for 802.1X networks with an AAA server, the RADIUS
//! capture and its secret, read as `fourway analyze --radius W --radius-secret S` reads them.
#![allow(dead_code, clippy::unwrap_used)]

use rsn_analyzer::enterprise::{Capture, Collector, EnterpriseConfig, RadiusSecret};
use rsn_analyzer::{KeyMaterial, PassphraseEntry};
use rsn_crypto::{Passphrase, Pmk};
use rsn_sim::{run_with_wired, PcapngSink, Scenario, Truth, VecSink};

/// The air capture, the wired (RADIUS) frames of 802.1X scenarios with an AAA server, and
/// the truth.
pub fn simulate_wired(name: &str, seed: u64) -> (Vec<u8>, VecSink, Truth) {
    let b = rsn_sim::builtin(name).unwrap();
    let sc = Scenario::from_toml(b.toml).unwrap();
    let mut sink = PcapngSink::new(Vec::new()).unwrap();
    let mut wired = VecSink::default();
    let truth = run_with_wired(&sc, seed, &mut sink, &mut wired).unwrap();
    (sink.into_inner().unwrap(), wired, truth)
}

/// For scenarios with an AAA server: the PMKs come from the wired RADIUS capture and the
/// secret, as `fourway analyze --radius wired.pcapng --radius-secret S` reads them.
pub fn radius_collector(wired: &VecSink, truth: &Truth) -> Option<Collector> {
    if truth.aaa.is_empty() {
        return None;
    }
    let mut c = Collector::new(EnterpriseConfig {
        secrets: truth
            .aaa
            .iter()
            .map(|a| RadiusSecret {
                nas: None,
                secret: zeroize::Zeroizing::new(a.secret.as_bytes().to_vec()),
            })
            .collect(),
        ..Default::default()
    });
    c.set_capture(Capture::Radius(0));
    for (i, (ts, f)) in wired.frames.iter().enumerate() {
        // Ethernet II: the IPv4 packet after 14 octets.
        c.push_ip(i as u64 + 1, i128::from(*ts), &f[14..]);
    }
    Some(c)
}

pub fn keys_of(truth: &Truth) -> KeyMaterial {
    let mut k = KeyMaterial::default();
    for n in &truth.networks {
        if let Some(p) = &n.passphrase {
            k.passphrases.push(PassphraseEntry {
                passphrase: Passphrase::new(p).unwrap(),
                ssid: Some(n.ssid.as_bytes().to_vec()),
            });
        }
        if let Some(h) = &n.pmk {
            k.pmks
                .push(Pmk::from_slice(&hex::decode(h).unwrap()).unwrap());
        }
    }
    k
}
