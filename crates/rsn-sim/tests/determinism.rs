//! Same scenario + seed ⇒ byte-identical capture and truth; another seed ⇒ other nonces.

use rsn_sim::{builtin, builtins, run, PcapngSink, Scenario, VecSink};

fn capture(name: &str, seed: u64) -> (Vec<u8>, String) {
    let sc = Scenario::from_toml(builtin(name).unwrap().toml).unwrap();
    let mut sink = PcapngSink::new(Vec::new()).unwrap();
    let truth = run(&sc, seed, &mut sink).unwrap();
    (
        sink.into_inner().unwrap(),
        serde_json::to_string(&truth).unwrap(),
    )
}

/// The ANonces of every M1 (radiotap 15 + MAC header 24 + LLC 8, then EAPOL-Key).
fn anonces(name: &str, seed: u64) -> Vec<Vec<u8>> {
    let sc = Scenario::from_toml(builtin(name).unwrap().toml).unwrap();
    let mut sink = VecSink::default();
    run(&sc, seed, &mut sink).unwrap();
    sink.frames
        .iter()
        .filter_map(|(_, f)| {
            let eapol = f.get(15 + 24 + 8..)?;
            (f.get(15 + 24..15 + 32)? == [0xaa, 0xaa, 3, 0, 0, 0, 0x88, 0x8e]
                && eapol.get(6)? & 0x80 != 0)
                .then(|| eapol.get(17..49).map(<[u8]>::to_vec))
                .flatten()
        })
        .collect()
}

#[test]
fn same_seed_same_bytes() {
    for b in builtins() {
        let (a, ta) = capture(b.name, 7);
        let (c, tc) = capture(b.name, 7);
        assert!(a == c, "{}: captures differ", b.name);
        assert_eq!(ta, tc, "{}: truths differ", b.name);
    }
}

#[test]
fn other_seed_other_nonces() {
    let a = anonces("clean", 1);
    let b = anonces("clean", 2);
    assert!(!a.is_empty());
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_ne!(x, y);
    }
    let (ca, _) = capture("clean", 1);
    let (cb, _) = capture("clean", 2);
    assert_ne!(ca, cb);
}

#[test]
fn every_scenario_parses_and_runs_with_several_seeds() {
    for b in builtins() {
        let sc = Scenario::from_toml(b.toml).unwrap();
        assert_eq!(sc.name, b.name, "file name and scenario name agree");
        assert!(!sc.description.is_empty());
        for seed in [0, 1, u64::MAX] {
            let mut sink = VecSink::default();
            let t = run(&sc, seed, &mut sink).unwrap();
            assert_eq!(t.frames, sink.frames.len() as u64);
            assert!(t.decryptable_frames <= t.protected_frames);
            // Timestamps never go backwards.
            assert!(
                sink.frames.windows(2).all(|w| w[0].0 <= w[1].0),
                "{}",
                b.name
            );
        }
    }
}

#[test]
fn overrides_scale_clients_and_frames() {
    let mut sc = Scenario::from_toml(builtin("clean").unwrap().toml).unwrap();
    sc.set_clients(10);
    sc.set_total_frames(1000);
    let mut sink = VecSink::default();
    let t = run(&sc, 3, &mut sink).unwrap();
    assert_eq!(t.clients.len(), 10);
    assert_eq!(t.handshakes.completed, 10);
    // 1000 unicast + 20 broadcast, all decryptable.
    assert_eq!(t.protected_frames, 1020);
    assert_eq!(t.decryptable_frames, 1020);
}

#[test]
fn bad_scenarios_are_rejected() {
    for (toml, what) in [
        ("name='x'\ndescription='y'\n", "no network"),
        ("name='x'\ndescription='y'\n[[network]]\nssid='a'\n", "no key"),
        ("name='x'\ndescription='y'\n[[network]]\nssid='a'\npassphrase='12345678'\nakm='nope'\n", "akm"),
        ("name='x'\ndescription='y'\n[[network]]\nssid='a'\npassphrase='12345678'\nakm='ft-psk'\n", "ft"),
        ("name='x'\ndescription='y'\n[[network]]\nssid='a'\npassphrase='12345678'\nbogus=1\n", "unknown field"),
        ("name='x'\ndescription='y'\n[[network]]\nssid='a'\npassphrase='12345678'\n[[client]]\nnetwork=3\n", "network index"),
    ] {
        assert!(Scenario::from_toml(toml).is_err(), "{what}");
    }
}

/// The wired (RADIUS) capture of 802.1X scenarios is deterministic too, and scenarios
/// without an AAA server put nothing on the wire.
#[test]
fn wired_capture_is_deterministic() {
    let wired = |name: &str, seed: u64| {
        let sc = Scenario::from_toml(builtin(name).unwrap().toml).unwrap();
        let mut air = VecSink::default();
        let mut w = PcapngSink::ethernet(Vec::new()).unwrap();
        let truth = rsn_sim::run_with_wired(&sc, seed, &mut air, &mut w).unwrap();
        (w.into_inner().unwrap(), truth.wired_frames)
    };
    for name in ["ft-two-pmkids-8021x", "stale-pmk-8021x"] {
        let (a, n) = wired(name, 7);
        assert!(n >= 4, "{name}: {n} wired frames");
        assert_eq!(a, wired(name, 7).0, "{name}: wired captures differ");
        assert_ne!(a, wired(name, 8).0, "{name}: another seed, same MSKs");
    }
    assert_eq!(wired("clean", 7).1, 0);
}
