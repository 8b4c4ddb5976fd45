//! The scenarios shipped inside the binary (`crates/rsn-sim/scenarios/*.toml`), so
//! `fourway simulate --scenario clean` works from any directory.

/// A shipped scenario.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    /// Name (`--scenario NAME`).
    pub name: &'static str,
    /// The TOML text.
    pub toml: &'static str,
}

macro_rules! scenarios {
    ($($name:literal),* $(,)?) => {
        &[$(Builtin { name: $name, toml: include_str!(concat!("../scenarios/", $name, ".toml")) }),*]
    };
}

const BUILTINS: &[Builtin] = scenarios![
    "clean",
    "wrong-psk",
    "win7-stale-ptk-rekey",
    "ft-two-pmkids",
    "tkip-reauth-mic-failures",
    "rekey-key-switch",
    "anonce-changed",
    "replay-counter",
    "krack-m3-reinstall",
    "zero-tk",
    "m3-unanswered",
    "capture-loss",
    "okc-pmkid-mismatch",
    "group-key-timeout",
    "bogus-pmkid",
    "rekey-unprotected-eapol",
    "snonce-changed",
    "stale-anonce",
    "ft-two-pmkids-8021x",
    "stale-pmk-8021x",
];

/// Every shipped scenario, in a fixed order.
pub fn builtins() -> &'static [Builtin] {
    BUILTINS
}

/// A shipped scenario by name.
pub fn builtin(name: &str) -> Option<Builtin> {
    BUILTINS.iter().copied().find(|b| b.name == name)
}
