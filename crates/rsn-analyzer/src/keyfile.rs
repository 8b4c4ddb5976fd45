//! Wireshark's `80211_keys` file format, so users reuse the key files they already have.
//!
//! Each line is `"type","value"` with type `wpa-pwd` (`passphrase` or `passphrase:ssid`,
//! `%xx` escapes allowed as in Wireshark), `wpa-psk` (64 hex digits), `tk` (a TK or GTK in hex),
//! `msk` (hex). `wep` entries are recognised and ignored. `#` starts a comment.

use zeroize::Zeroizing;

/// The kind of one key file entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// `wpa-pwd`: passphrase, optionally with `:ssid`.
    WpaPwd,
    /// `wpa-psk`: a 256-bit PSK/PMK in hex.
    WpaPsk,
    /// `tk`: a temporal key (pairwise or group) in hex.
    Tk,
    /// `msk`: an EAP MSK in hex.
    Msk,
}

/// One entry of a key file. The value is secret: zeroized on drop, never printed.
pub struct KeyFileEntry {
    /// What it is.
    pub kind: KeyKind,
    /// The passphrase (WpaPwd) or the hex string (others), unescaped.
    pub value: Zeroizing<String>,
    /// The SSID of a `wpa-pwd` entry, unescaped, if given.
    pub ssid: Option<Vec<u8>>,
    /// 1-based line number.
    pub line: usize,
}

impl core::fmt::Debug for KeyFileEntry {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KeyFileEntry")
            .field("kind", &self.kind)
            .field("line", &self.line)
            .finish_non_exhaustive()
    }
}

/// An error in a key file, naming the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFileError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub problem: String,
}

impl core::fmt::Display for KeyFileError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "line {}: {}", self.line, self.problem)
    }
}

impl std::error::Error for KeyFileError {}

/// Parse a whole key file. Unknown entry types are errors (a typo must not silently drop a key);
/// `wep` entries are skipped.
pub fn parse_key_file(text: &str) -> Result<Vec<KeyFileEntry>, KeyFileError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let fields = split_csv(l).map_err(|problem| KeyFileError { line, problem })?;
        let (kind, value) = match fields.as_slice() {
            [k, v, ..] => (k.as_str(), v),
            _ => {
                return Err(KeyFileError {
                    line,
                    problem: "expected \"type\",\"value\"".into(),
                })
            }
        };
        let kind = match kind.to_ascii_lowercase().as_str() {
            "wpa-pwd" => KeyKind::WpaPwd,
            "wpa-psk" => KeyKind::WpaPsk,
            "tk" => KeyKind::Tk,
            "msk" => KeyKind::Msk,
            "wep" => continue,
            other => {
                return Err(KeyFileError {
                    line,
                    problem: format!(
                        "unknown key type '{other}' (expected wpa-pwd, wpa-psk, tk, msk or wep)"
                    ),
                })
            }
        };
        let (value, ssid) = if kind == KeyKind::WpaPwd {
            // Wireshark splits at the first unescaped ':'; escaped colons are %3a.
            match value.split_once(':') {
                Some((p, s)) => (
                    unescape(p).map_err(|problem| KeyFileError { line, problem })?,
                    Some(unescape(s).map_err(|problem| KeyFileError { line, problem })?),
                ),
                None => (
                    unescape(value).map_err(|problem| KeyFileError { line, problem })?,
                    None,
                ),
            }
        } else {
            (value.as_bytes().to_vec(), None)
        };
        let value = Zeroizing::new(String::from_utf8(value).map_err(|_| KeyFileError {
            line,
            problem: "value is not valid UTF-8".into(),
        })?);
        out.push(KeyFileEntry {
            kind,
            value,
            ssid,
            line,
        });
    }
    Ok(out)
}

fn split_csv(l: &str) -> Result<Vec<Zeroizing<String>>, String> {
    let mut fields = Vec::new();
    let mut chars = l.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut f = Zeroizing::new(String::new());
        if chars.peek() == Some(&'"') {
            chars.next();
            let mut closed = false;
            while let Some(c) = chars.next() {
                if c == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        f.push('"');
                    } else {
                        closed = true;
                        break;
                    }
                } else {
                    f.push(c);
                }
            }
            if !closed {
                return Err("unterminated quote".into());
            }
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' {
                    break;
                }
                f.push(c);
                chars.next();
            }
            let t = Zeroizing::new(f.trim().to_string());
            f = t;
        }
        fields.push(f);
        match chars.next() {
            None => return Ok(fields),
            Some(',') => continue,
            Some(c) => return Err(format!("unexpected '{c}' after a quoted field")),
        }
    }
}

fn unescape(s: &str) -> Result<Vec<u8>, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            let hex = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("bad %-escape at character {}", i + 1))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wireshark_key_file() {
        let text = "# keys\n\"wpa-pwd\",\"Induction:Coherer\"\n\"wpa-pwd\",\"a%3ab:my ssid\"\n\"wpa-psk\",\"a288fcf0caaacda9a9f58633ff35e8992a01d9c10ba5e02efdf8cb5d730ce7bc\"\n\"tk\",\"15798d511beae0028313c8ab32f12c7e\"\n\"wep\",\"0102030405\"\n\"msk\",\"00\"\n\"wpa-pwd\",\"nossid\"\n";
        let e = parse_key_file(text).unwrap();
        assert_eq!(e.len(), 6);
        assert_eq!(e[0].kind, KeyKind::WpaPwd);
        assert_eq!(e[0].value.as_str(), "Induction");
        assert_eq!(e[0].ssid.as_deref(), Some(&b"Coherer"[..]));
        assert_eq!(e[1].value.as_str(), "a:b");
        assert_eq!(e[1].ssid.as_deref(), Some(&b"my ssid"[..]));
        assert_eq!(e[2].kind, KeyKind::WpaPsk);
        assert_eq!(e[3].kind, KeyKind::Tk);
        assert_eq!(e[4].kind, KeyKind::Msk);
        assert_eq!(e[5].ssid, None);
        assert_eq!(e[5].line, 8);
        assert!(!format!("{:?}", e[0]).contains("Induction"));
    }

    #[test]
    fn errors_name_the_line() {
        let err = parse_key_file("\n\"wpa-pwdx\",\"a\"").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(parse_key_file("\"wpa-pwd\",\"abc").is_err());
        assert!(parse_key_file("\"wpa-pwd\"").is_err());
    }
}
