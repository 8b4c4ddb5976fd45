//! Key material from the command line (`--passphrase/--ssid`, `--pmk`, `--msk`, `--tk`,
//! `--keys FILE`), shared by `analyze` and `decrypt`.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use rsn_analyzer::enterprise::{Capture, Collector, EnterpriseConfig, KeyLog, RadiusSecret};
use rsn_analyzer::keyfile::{parse_key_file, KeyKind};
use rsn_analyzer::{KeyMaterial, PassphraseEntry};
use rsn_crypto::{Msk, Passphrase, Pmk, Tk};

use crate::hexarg::hex_arg;
use crate::usage;

/// Key material options.
#[derive(Debug, Args, Default)]
pub struct KeyArgs {
    /// WPA passphrase (repeatable; paired with --ssid, else tried with every SSID)
    #[arg(long, value_name = "PASS")]
    pub passphrase: Vec<String>,
    /// SSID of the passphrases (one for all, or one per --passphrase)
    #[arg(long, value_name = "SSID")]
    pub ssid: Vec<String>,
    /// PMK or PSK in hex (64 or 96 hex digits; repeatable).
    #[arg(long, value_name = "HEX")]
    pub pmk: Vec<String>,
    /// EAP MSK in hex (128+ hex digits; repeatable): PMK = its first 256 bits
    #[arg(long, value_name = "HEX")]
    pub msk: Vec<String>,
    /// TK or GTK in hex (repeatable): decrypts frames without a handshake
    #[arg(long, value_name = "HEX")]
    pub tk: Vec<String>,
    /// Wireshark 80211_keys file (wpa-pwd, wpa-psk, tk, msk lines)
    #[arg(long, value_name = "FILE")]
    pub keys: Option<PathBuf>,
    /// Old passphrases, one per line: only to explain a failing MIC, never to decrypt
    #[arg(long, value_name = "FILE")]
    pub candidates: Option<PathBuf>,
    /// Wired capture of the RADIUS traffic (repeatable): each Access-Accept's MSK keys its client
    #[arg(long, value_name = "FILE")]
    pub radius: Vec<PathBuf>,
    /// RADIUS shared secret (repeatable: each NAS's is found by its authenticator)
    #[arg(long, value_name = "SECRET")]
    pub radius_secret: Vec<String>,
    /// File of `NAS-IP SECRET` lines, one per RADIUS client
    #[arg(long, value_name = "FILE")]
    pub radius_secrets: Option<PathBuf>,
    /// UDP port to read as RADIUS besides 1812/1645, or `any` (repeatable)
    #[arg(long, value_name = "PORT|any")]
    pub radius_port: Vec<String>,
    /// NSS TLS key log: MSKs of the EAP-TLS/TTLS/PEAP sessions in the captures
    #[arg(long, value_name = "FILE")]
    pub tls_keylog: Option<PathBuf>,
}

fn passphrase(arg: &str, s: &str) -> anyhow::Result<Passphrase> {
    Passphrase::new(s).map_err(|e| usage(arg, format!("{e} (8 to 63 printable ASCII characters)")))
}

impl KeyArgs {
    /// The 802.1X key discovery asked for, with the `--radius` captures already read; and
    /// the display names of those captures (in order). `None` when nothing was asked.
    pub fn enterprise(&self) -> anyhow::Result<Option<(Collector, Vec<String>)>> {
        let mut cfg = EnterpriseConfig::default();
        for s in &self.radius_secret {
            if s.is_empty() {
                return Err(usage("--radius-secret", "empty secret"));
            }
            cfg.secrets.push(RadiusSecret {
                nas: None,
                secret: zeroize::Zeroizing::new(s.as_bytes().to_vec()),
            });
        }
        if let Some(path) = &self.radius_secrets {
            let text =
                zeroize::Zeroizing::new(std::fs::read_to_string(path).with_context(|| {
                    format!("{}: cannot read the RADIUS secrets file", path.display())
                })?);
            for (i, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let at = |what: &str| {
                    usage(
                        "--radius-secrets",
                        format!("{}: line {}: {what}", path.display(), i + 1),
                    )
                };
                let (ip, secret) = line
                    .split_once(char::is_whitespace)
                    .ok_or_else(|| at("expected `NAS-IP SECRET`"))?;
                let nas: std::net::IpAddr =
                    ip.parse().map_err(|_| at("not an IPv4 or IPv6 address"))?;
                let secret = secret.trim();
                if secret.is_empty() {
                    return Err(at("empty secret"));
                }
                cfg.secrets.push(RadiusSecret {
                    nas: Some(nas),
                    secret: zeroize::Zeroizing::new(secret.as_bytes().to_vec()),
                });
            }
        }
        for p in &self.radius_port {
            if p == "any" {
                cfg.any_port = true;
            } else {
                cfg.extra_ports.push(
                    p.parse()
                        .map_err(|_| usage("--radius-port", "a UDP port number or `any`"))?,
                );
            }
        }
        if let Some(path) = &self.tls_keylog {
            let text = zeroize::Zeroizing::new(
                std::fs::read_to_string(path)
                    .with_context(|| format!("{}: cannot read the TLS key log", path.display()))?,
            );
            let log = KeyLog::parse(&text)
                .map_err(|e| usage("--tls-keylog", format!("{}: {e}", path.display())))?;
            cfg.keylog = Some(log);
        }
        if !self.radius.is_empty() && cfg.secrets.is_empty() && cfg.keylog.is_none() {
            return Err(usage(
                "--radius",
                "give the RADIUS shared secret (--radius-secret or --radius-secrets) to decrypt the MS-MPPE keys, or --tls-keylog",
            ));
        }
        if cfg.secrets.is_empty() && cfg.keylog.is_none() {
            return Ok(None);
        }
        let mut c = Collector::new(cfg);
        let mut names = Vec::new();
        for (i, path) in self.radius.iter().enumerate() {
            let idx = u8::try_from(i).map_err(|_| usage("--radius", "at most 255 captures"))?;
            c.set_capture(Capture::Radius(idx));
            crate::capture::read_radius(path, &mut c)?;
            names.push(path.display().to_string());
        }
        Ok(Some((c, names)))
    }

    /// Resolve into key material; errors name the argument (or the file and line).
    pub fn material(&self) -> anyhow::Result<KeyMaterial> {
        let mut k = KeyMaterial::default();
        let ssids: Vec<Option<Vec<u8>>> = match (self.passphrase.len(), self.ssid.len()) {
            (_, 0) => vec![None; self.passphrase.len()],
            (n, 1) => vec![Some(self.ssid[0].as_bytes().to_vec()); n],
            (n, m) if n == m => self
                .ssid
                .iter()
                .map(|s| Some(s.as_bytes().to_vec()))
                .collect(),
            (n, m) => {
                return Err(usage(
                    "--ssid",
                    format!(
                    "{m} SSIDs for {n} passphrases: give one SSID for all, or one per passphrase"
                ),
                ))
            }
        };
        for s in self.ssid.iter() {
            if s.len() > 32 {
                return Err(usage(
                    "--ssid",
                    format!("an SSID is at most 32 octets, got {}", s.len()),
                ));
            }
        }
        for (p, ssid) in self.passphrase.iter().zip(ssids) {
            k.passphrases.push(PassphraseEntry {
                passphrase: passphrase("--passphrase", p)?,
                ssid,
            });
        }
        for p in &self.pmk {
            let v = zeroize::Zeroizing::new(hex_arg("--pmk", p, &[32, 48])?);
            k.pmks
                .push(Pmk::from_slice(&v).map_err(|e| usage("--pmk", e))?);
        }
        for m in &self.msk {
            let v = zeroize::Zeroizing::new(hex_arg("--msk", m, &[])?);
            k.msks.push(
                Msk::from_slice(&v)
                    .map_err(|e| usage("--msk", format!("{e} (an MSK is at least 64 octets)")))?,
            );
        }
        for t in &self.tk {
            let v = zeroize::Zeroizing::new(hex_arg("--tk", t, &[16, 32])?);
            k.tks
                .push(Tk::from_slice(&v).map_err(|e| usage("--tk", e))?);
        }
        if let Some(path) = &self.keys {
            let text = zeroize::Zeroizing::new(
                std::fs::read_to_string(path)
                    .with_context(|| format!("{}: cannot read the key file", path.display()))?,
            );
            let entries = parse_key_file(&text)
                .map_err(|e| usage("--keys", format!("{}: {e}", path.display())))?;
            for e in entries {
                let at = |what: String| {
                    usage(
                        "--keys",
                        format!("{}: line {}: {what}", path.display(), e.line),
                    )
                };
                match e.kind {
                    KeyKind::WpaPwd => k.passphrases.push(PassphraseEntry {
                        passphrase: Passphrase::new(&e.value).map_err(|x| at(x.to_string()))?,
                        ssid: e.ssid.clone(),
                    }),
                    KeyKind::WpaPsk => {
                        let v = zeroize::Zeroizing::new(
                            hex_arg("wpa-psk", &e.value, &[32, 48])
                                .map_err(|x| at(x.to_string()))?,
                        );
                        k.pmks
                            .push(Pmk::from_slice(&v).map_err(|x| at(x.to_string()))?);
                    }
                    KeyKind::Tk => {
                        let v = zeroize::Zeroizing::new(
                            hex_arg("tk", &e.value, &[16, 32]).map_err(|x| at(x.to_string()))?,
                        );
                        k.tks
                            .push(Tk::from_slice(&v).map_err(|x| at(x.to_string()))?);
                    }
                    KeyKind::Msk => {
                        let v = zeroize::Zeroizing::new(
                            hex_arg("msk", &e.value, &[]).map_err(|x| at(x.to_string()))?,
                        );
                        k.msks
                            .push(Msk::from_slice(&v).map_err(|x| at(x.to_string()))?);
                    }
                }
            }
        }
        if let Some(path) = &self.candidates {
            let text =
                zeroize::Zeroizing::new(std::fs::read_to_string(path).with_context(|| {
                    format!("{}: cannot read the candidates file", path.display())
                })?);
            for (i, line) in text.lines().enumerate() {
                let line_no = i + 1;
                // Only a line ending is stripped: spaces may belong to a passphrase.
                let p = line.strip_suffix('\r').unwrap_or(line);
                if p.is_empty() || p.starts_with('#') {
                    continue;
                }
                let pass = Passphrase::new(p).map_err(|e| {
                    usage(
                        "--candidates",
                        format!("{}: line {line_no}: {e}", path.display()),
                    )
                })?;
                k.candidates.push((pass, line_no));
            }
        }
        Ok(k)
    }
}
