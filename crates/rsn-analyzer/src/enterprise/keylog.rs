//! The NSS key log format (`SSLKEYLOGFILE`, FreeRADIUS `tls_keylog_file`, hostapd,
//! wpa_supplicant): `LABEL <client random hex> <secret hex>` per line, `#` comments.

use std::collections::HashMap;

use zeroize::Zeroizing;

/// The secrets logged for one TLS session, by client random.
#[derive(Default, Clone)]
pub struct KeyLogEntry {
    /// `CLIENT_RANDOM`: the TLS 1.0–1.2 master secret (48 octets).
    pub master_secret: Option<Zeroizing<Vec<u8>>>,
    /// `EXPORTER_SECRET`: the TLS 1.3 exporter master secret.
    pub exporter_secret: Option<Zeroizing<Vec<u8>>>,
}

/// A parsed key log.
#[derive(Default, Clone)]
pub struct KeyLog {
    entries: HashMap<[u8; 32], KeyLogEntry>,
    /// Lines with a label this tool has no use for (TLS 1.3 traffic secrets, ...).
    pub other_lines: usize,
}

impl core::fmt::Debug for KeyLog {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KeyLog")
            .field("sessions", &self.entries.len())
            .finish()
    }
}

/// A line that is not in the key log format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyLogError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub problem: String,
}

impl core::fmt::Display for KeyLogError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "line {}: {}", self.line, self.problem)
    }
}

impl KeyLog {
    /// Parse the text of a key log. Unknown labels are counted, not errors (the format
    /// grows); a known label with bad hex is an error naming its line.
    pub fn parse(text: &str) -> Result<KeyLog, KeyLogError> {
        let mut log = KeyLog::default();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |problem: &str| KeyLogError {
                line: i + 1,
                problem: problem.into(),
            };
            let mut it = line.split_ascii_whitespace();
            let (Some(label), Some(cr), Some(secret)) = (it.next(), it.next(), it.next()) else {
                return Err(err("expected: LABEL <client random> <secret>"));
            };
            if label != "CLIENT_RANDOM" && label != "EXPORTER_SECRET" {
                log.other_lines += 1;
                continue;
            }
            let cr: [u8; 32] = hex::decode(cr)
                .ok()
                .and_then(|v| v.try_into().ok())
                .ok_or_else(|| err("the client random is not 64 hex digits"))?;
            let secret =
                Zeroizing::new(hex::decode(secret).map_err(|_| err("the secret is not hex"))?);
            let e = log.entries.entry(cr).or_default();
            if label == "CLIENT_RANDOM" {
                if secret.len() != 48 {
                    return Err(err(
                        "a CLIENT_RANDOM master secret is 48 octets (96 hex digits)",
                    ));
                }
                e.master_secret = Some(secret);
            } else {
                if secret.len() != 32 && secret.len() != 48 {
                    return Err(err("an EXPORTER_SECRET is 32 or 48 octets"));
                }
                e.exporter_secret = Some(secret);
            }
        }
        Ok(log)
    }

    /// Sessions in the log.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// No sessions.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The secrets of the session with this client random.
    pub fn get(&self, client_random: &[u8; 32]) -> Option<&KeyLogEntry> {
        self.entries.get(client_random)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        let cr = "11".repeat(32);
        let text = format!(
            "# comment\nCLIENT_RANDOM {cr} {}\nCLIENT_HANDSHAKE_TRAFFIC_SECRET {cr} {}\nEXPORTER_SECRET {cr} {}\n",
            "22".repeat(48),
            "33".repeat(32),
            "44".repeat(32)
        );
        let log = KeyLog::parse(&text).ok().unwrap_or_default();
        assert_eq!(log.len(), 1);
        assert_eq!(log.other_lines, 1);
        let e = log.get(&[0x11; 32]).cloned().unwrap_or_default();
        assert!(e.master_secret.is_some() && e.exporter_secret.is_some());
        let bad = KeyLog::parse(&format!("CLIENT_RANDOM {cr} 22\n")).err();
        assert_eq!(bad.map(|e| e.line), Some(1));
        assert!(KeyLog::parse("CLIENT_RANDOM zz 00\n").is_err());
    }
}
