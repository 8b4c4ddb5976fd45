//! `fourway keys`: the PMK / PTK / PMKID / FT / MIC calculator.
//!
//! Output: `name=hex` lines, or one JSON object with `--json`. This command exists to print
//! keys, so it prints them (the analyzer redacts unless `--show-keys`).

use anyhow::Context as _;
use rsn_crypto::mic::{self, MicAlgorithm};
use rsn_crypto::{ft, suites, CryptoError, Msk, Passphrase, Pmk, PmkR1};
use rsn_wire::eapol::EapolKey;
use rsn_wire::{Akm, Cipher};

use crate::cli::KeysCmd;
use crate::hexarg::{akm_arg, cipher_arg, hex_arg, mac_arg};
use crate::{usage, Outcome};

/// Ordered `name=value` output.
struct Out {
    json: bool,
    fields: Vec<(&'static str, String)>,
}

impl Out {
    fn new(json: bool) -> Self {
        Out {
            json,
            fields: Vec::new(),
        }
    }
    fn hex(&mut self, name: &'static str, bytes: &[u8]) {
        self.fields.push((name, hex::encode(bytes)));
    }
    fn text(&mut self, name: &'static str, v: impl Into<String>) {
        self.fields.push((name, v.into()));
    }
    fn print(self) -> anyhow::Result<()> {
        use std::io::Write;
        let mut stdout = std::io::stdout().lock();
        if self.json {
            let mut map = serde_json::Map::new();
            for (k, v) in self.fields {
                let value = match v.as_str() {
                    "true" => serde_json::Value::Bool(true),
                    "false" => serde_json::Value::Bool(false),
                    _ => serde_json::Value::String(v),
                };
                map.insert(k.to_string(), value);
            }
            writeln!(stdout, "{}", serde_json::Value::Object(map))?;
        } else {
            for (k, v) in self.fields {
                writeln!(stdout, "{k}={v}")?;
            }
        }
        Ok(())
    }
}

fn passphrase_arg(s: &str) -> anyhow::Result<Passphrase> {
    // IEEE 802.11-2020 J.4.1: 8..63 ASCII characters, each 32..126.
    if !(8..=63).contains(&s.len()) {
        return Err(usage(
            "--passphrase",
            format!(
                "must be 8 to 63 printable ASCII characters, got {} characters",
                s.chars().count()
            ),
        ));
    }
    if let Some(c) = s.chars().find(|c| !(' '..='~').contains(c)) {
        return Err(usage(
            "--passphrase",
            format!("must be printable ASCII; {c:?} is not"),
        ));
    }
    Passphrase::new(s).map_err(|e| usage("--passphrase", e))
}

fn ssid_arg(s: &str) -> anyhow::Result<&[u8]> {
    let b = s.as_bytes();
    if b.len() > 32 {
        return Err(usage(
            "--ssid",
            format!("an SSID is at most 32 octets, got {}", b.len()),
        ));
    }
    Ok(b)
}

fn nonce_arg(arg: &str, s: &str) -> anyhow::Result<[u8; 32]> {
    let v = hex_arg(arg, s, &[32])?;
    let mut out = [0u8; 32];
    out.copy_from_slice(&v);
    Ok(out)
}

fn pmk_arg(arg: &str, s: &str) -> anyhow::Result<Pmk> {
    let v = zeroize::Zeroizing::new(hex_arg(arg, s, &[32, 48, 64])?);
    Pmk::from_slice(&v).map_err(|e| usage(arg, e))
}

/// An AKM with a defined PTK derivation in our tables.
fn known_akm(arg: &str, s: &str) -> anyhow::Result<(Akm, suites::AkmParams)> {
    let akm = akm_arg(arg, s)?;
    let params = suites::akm_params(akm).ok_or_else(|| {
        usage(
            arg,
            format!("AKM {akm} has no key derivation fourway implements (FILS, PASN, TDLS, ...)"),
        )
    })?;
    Ok((akm, params))
}

fn pairwise_cipher(arg: &str, s: &str) -> anyhow::Result<Cipher> {
    let c = cipher_arg(arg, s)?;
    match suites::cipher_params(c) {
        Some(p) if p.encrypts && p.tk_len >= 16 => Ok(c),
        _ => Err(usage(
            arg,
            format!("{s} is not a pairwise cipher (ccmp, ccmp-256, gcmp, gcmp-256, tkip)"),
        )),
    }
}

fn crypto_err(arg: &str, e: CryptoError) -> anyhow::Error {
    usage(arg, e)
}

fn push_ptk(out: &mut Out, ptk: &rsn_crypto::Ptk) {
    out.hex("kck", ptk.kck.expose_secret());
    out.hex("kek", ptk.kek.expose_secret());
    out.hex("tk", ptk.tk.expose_secret());
    if let Some(kdk) = &ptk.kdk {
        out.hex("kdk", kdk.expose_secret());
    }
    if let (Some(tx), Some(rx)) = (ptk.tkip_tx_mic_key(), ptk.tkip_rx_mic_key()) {
        out.hex("tkip_tx_mic", &tx);
        out.hex("tkip_rx_mic", &rx);
    }
}

/// Run a `keys` subcommand.
pub fn run(cmd: KeysCmd) -> anyhow::Result<Outcome> {
    match cmd {
        KeysCmd::Pmk {
            ssid,
            passphrase,
            out,
        } => {
            let ssid = ssid_arg(&ssid)?;
            let pass = passphrase_arg(&passphrase)?;
            let pmk = rsn_crypto::psk_from_passphrase(&pass, ssid)
                .map_err(|e| crypto_err("--passphrase", e))?;
            let mut o = Out::new(out.json);
            o.hex("pmk", pmk.expose_secret());
            o.print()?;
        }
        KeysCmd::Ptk {
            akm,
            cipher,
            pmk,
            aa,
            spa,
            anonce,
            snonce,
            kdk,
            out,
        } => {
            let (akm, params) = known_akm("--akm", &akm)?;
            let cipher = pairwise_cipher("--cipher", &cipher)?;
            let pmk = pmk_arg("--pmk", &pmk)?;
            let aa = mac_arg("--aa", &aa)?;
            let spa = mac_arg("--spa", &spa)?;
            let anonce = nonce_arg("--anonce", &anonce)?;
            let snonce = nonce_arg("--snonce", &snonce)?;
            let mut o = Out::new(out.json);
            if params.is_ft() {
                // IEEE 802.11-2020 12.7.1.7.5: the FT PTK is derived from PMK-R1; for FT AKMs
                // --pmk is taken as PMK-R1.
                let r1 =
                    PmkR1::from_slice(pmk.expose_secret()).map_err(|e| crypto_err("--pmk", e))?;
                let (ptk, _) =
                    ft::derive_ft_ptk(akm, cipher, &r1, &[0u8; 16], &snonce, &anonce, &aa, &spa)
                        .map_err(|e| crypto_err("--akm", e))?;
                push_ptk(&mut o, &ptk);
            } else {
                let kdk_len = if kdk { params.kdk_len } else { 0 };
                let ptk = rsn_crypto::derive_ptk_with_kdk(
                    &pmk, akm, cipher, &aa, &spa, &anonce, &snonce, kdk_len,
                )
                .map_err(|e| crypto_err("--pmk", e))?;
                push_ptk(&mut o, &ptk);
            }
            o.print()?;
        }
        KeysCmd::Pmkid {
            pmk,
            aa,
            spa,
            akm,
            out,
        } => {
            let (akm, _) = known_akm("--akm", &akm)?;
            let pmk = pmk_arg("--pmk", &pmk)?;
            let aa = mac_arg("--aa", &aa)?;
            let spa = mac_arg("--spa", &spa)?;
            let id = rsn_crypto::pmkid(akm, &pmk, &aa, &spa).map_err(|e| match e {
                CryptoError::UnsupportedAkm => usage(
                    "--akm",
                    format!("the PMKID of {akm} is not HMAC(PMK, \"PMK Name\" || AA || SPA): FT uses PMKR0Name/PMKR1Name (fourway keys ft), SAE and OWE derive it from their exchange"),
                ),
                e => crypto_err("--pmk", e),
            })?;
            let mut o = Out::new(out.json);
            o.hex("pmkid", &id);
            o.print()?;
        }
        KeysCmd::Ft {
            ssid,
            mdid,
            r0kh_id,
            r1kh_id,
            aa,
            spa,
            passphrase,
            psk,
            msk,
            akm,
            cipher,
            anonce,
            snonce,
            out,
        } => {
            let ssid_b = ssid_arg(&ssid)?;
            let mdid_v = hex_arg("--mdid", &mdid, &[2])?;
            let mdid_b = [mdid_v[0], mdid_v[1]];
            let r0kh = r0kh_id_arg(&r0kh_id)?;
            let r1kh = mac_arg("--r1kh-id", &r1kh_id)?;
            let aa = mac_arg("--aa", &aa)?;
            let spa = mac_arg("--spa", &spa)?;
            let default_akm = if msk.is_some() { "ft-8021x" } else { "ft-psk" };
            let (akm, _) = known_akm("--akm", akm.as_deref().unwrap_or(default_akm))?;
            if !akm.is_ft() {
                return Err(usage("--akm", format!("{akm} is not an FT AKM")));
            }
            let xxkey = match (passphrase, psk, msk) {
                (Some(p), None, None) => {
                    let pass = passphrase_arg(&p)?;
                    rsn_crypto::psk_from_passphrase(&pass, ssid_b)
                        .map_err(|e| crypto_err("--passphrase", e))?
                }
                (None, Some(h), None) => pmk_arg("--psk", &h)?,
                (None, None, Some(h)) => {
                    let v = zeroize::Zeroizing::new(hex_arg("--msk", &h, &[])?);
                    let msk = Msk::from_slice(&v).map_err(|e| usage("--msk", e))?;
                    ft::xxkey_from_msk(akm, &msk).map_err(|e| crypto_err("--msk", e))?
                }
                _ => {
                    return Err(usage(
                        "--passphrase/--psk/--msk",
                        "give exactly one of them",
                    ))
                }
            };
            let (r0, r0_name) = ft::derive_pmk_r0(akm, &xxkey, ssid_b, mdid_b, &r0kh, &spa)
                .map_err(|e| crypto_err("--r0kh-id", e))?;
            let (r1, r1_name) = ft::derive_pmk_r1(akm, &r0, &r0_name, &r1kh, &spa)
                .map_err(|e| crypto_err("--r1kh-id", e))?;
            let mut o = Out::new(out.json);
            o.hex("xxkey", xxkey.expose_secret());
            o.hex("pmk_r0", r0.expose_secret());
            o.hex("pmk_r0_name", &r0_name);
            o.hex("pmk_r1", r1.expose_secret());
            o.hex("pmk_r1_name", &r1_name);
            match (anonce, snonce) {
                (Some(a), Some(s)) => {
                    let anonce = nonce_arg("--anonce", &a)?;
                    let snonce = nonce_arg("--snonce", &s)?;
                    let cipher = pairwise_cipher("--cipher", cipher.as_deref().unwrap_or("ccmp"))?;
                    let (ptk, name) =
                        ft::derive_ft_ptk(akm, cipher, &r1, &r1_name, &snonce, &anonce, &aa, &spa)
                            .map_err(|e| crypto_err("--akm", e))?;
                    push_ptk(&mut o, &ptk);
                    o.hex("ptk_name", &name);
                }
                (None, None) => {}
                _ => return Err(usage("--anonce/--snonce", "give both to derive the FT PTK")),
            }
            o.print()?;
        }
        KeysCmd::Mic {
            akm,
            kck,
            frame,
            out,
        } => {
            let (akm, params) = known_akm("--akm", &akm)?;
            let frame = hex_arg("--frame", &frame, &[])?;
            // Accept the frame with its LLC/SNAP header too.
            let frame =
                match frame.strip_prefix(&[0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x88, 0x8e][..]) {
                    Some(rest) => rest.to_vec(),
                    None => frame,
                };
            let view = EapolKey::new_checked(&frame[..], params.mic_len).map_err(|e| {
                usage(
                    "--frame",
                    format!(
                        "not an EAPOL-Key frame with a {}-octet MIC: {e}",
                        params.mic_len
                    ),
                )
            })?;
            let version = view.key_info().descriptor_version().0;
            let alg: MicAlgorithm = params.mic_algorithm(version).ok_or_else(|| {
                usage(
                    "--frame",
                    format!("key descriptor version {version} does not go with AKM {akm}"),
                )
            })?;
            let kck_v = zeroize::Zeroizing::new(hex_arg("--kck", &kck, &[16, 24, 32])?);
            let kck = rsn_crypto::Kck::from_slice(&kck_v).map_err(|e| usage("--kck", e))?;
            let need = mic::EAPOL_KEY_MIC_OFFSET + alg.mic_len();
            if frame.len() < need {
                return Err(usage(
                    "--frame",
                    format!(
                        "{} octets: too short for an EAPOL-Key frame with a {}-octet MIC",
                        frame.len(),
                        alg.mic_len()
                    ),
                ));
            }
            let computed = mic::compute_mic(alg, &kck, &frame, mic::EAPOL_KEY_MIC_OFFSET)
                .context("computing the MIC")?;
            let matches = mic::verify_mic(alg, &kck, &frame, mic::EAPOL_KEY_MIC_OFFSET).is_ok();
            let mut o = Out::new(out.json);
            o.hex("mic", computed.as_bytes());
            o.text("match", if matches { "true" } else { "false" });
            o.print()?;
        }
    }
    Ok(Outcome::Clean)
}

/// R0KH-ID: text (a NAS identifier), or `hex:...` for arbitrary octets; 1..48 octets.
fn r0kh_id_arg(s: &str) -> anyhow::Result<Vec<u8>> {
    let v = match s.strip_prefix("hex:") {
        Some(h) => hex_arg("--r0kh-id", h, &[])?,
        None => s.as_bytes().to_vec(),
    };
    if v.is_empty() || v.len() > 48 {
        return Err(usage(
            "--r0kh-id",
            format!("an R0KH-ID is 1 to 48 octets, got {}", v.len()),
        ));
    }
    Ok(v)
}
