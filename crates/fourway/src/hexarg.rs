//! Parsing of hex, MAC and suite arguments with messages that name the argument.

use rsn_wire::{Akm, Cipher, MacAddr};

use crate::usage;

/// Decode a hex argument (`:`/`-`/space separators allowed), optionally of an exact length.
pub fn hex_arg(arg: &str, s: &str, lens: &[usize]) -> anyhow::Result<Vec<u8>> {
    let clean: String = s
        .trim()
        .trim_start_matches("0x")
        .chars()
        .filter(|c| !matches!(c, ':' | '-' | ' '))
        .collect();
    if let Some(bad) = clean.chars().find(|c| !c.is_ascii_hexdigit()) {
        return Err(usage(arg, format!("'{bad}' is not a hex digit")));
    }
    if clean.len() % 2 != 0 {
        return Err(usage(
            arg,
            format!("odd number of hex digits ({})", clean.len()),
        ));
    }
    let bytes = hex::decode(&clean).map_err(|e| usage(arg, e))?;
    if !lens.is_empty() && !lens.contains(&bytes.len()) {
        let want: Vec<String> = lens.iter().map(|l| format!("{}", l * 2)).collect();
        return Err(usage(
            arg,
            format!(
                "expected {} hex digits, got {}",
                want.join(" or "),
                clean.len()
            ),
        ));
    }
    Ok(bytes)
}

/// Parse a MAC address argument.
pub fn mac_arg(arg: &str, s: &str) -> anyhow::Result<MacAddr> {
    s.parse::<MacAddr>().map_err(|e| usage(arg, e))
}

/// Parse an AKM by name or selector; only suites with a defined derivation are accepted.
pub fn akm_arg(arg: &str, s: &str) -> anyhow::Result<Akm> {
    let akm = s.parse::<Akm>().map_err(|_| {
        let names: Vec<&str> = Akm::KNOWN.iter().filter_map(|a| a.name()).collect();
        usage(
            arg,
            format!(
                "unknown AKM '{s}' (names: {}; or a selector such as 00-0f-ac:2)",
                names.join(", ")
            ),
        )
    })?;
    Ok(akm)
}

/// Parse a pairwise cipher by name or selector.
pub fn cipher_arg(arg: &str, s: &str) -> anyhow::Result<Cipher> {
    s.parse::<Cipher>().map_err(|_| {
        usage(
            arg,
            format!("unknown cipher '{s}' (ccmp, ccmp-256, gcmp, gcmp-256, tkip, or a selector such as 00-0f-ac:4)"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_errors_name_the_argument() {
        let e = hex_arg("--pmk", "abc", &[32]).unwrap_err().to_string();
        assert!(e.contains("--pmk") && e.contains("odd"), "{e}");
        let e = hex_arg("--pmk", "zz", &[32]).unwrap_err().to_string();
        assert!(e.contains("not a hex digit"), "{e}");
        let e = hex_arg("--pmk", "00", &[32]).unwrap_err().to_string();
        assert!(e.contains("expected 64"), "{e}");
        assert_eq!(hex_arg("--x", "0a:0B", &[]).unwrap(), vec![10, 11]);
    }
}
