//! Where an 802.1X PMK comes from: the MSK an AAA server hands the authenticator in a
//! RADIUS Access-Accept (RFC 2548 MS-MPPE keys, RFC 2865/3579 authenticators), and the MSK
//! both EAP peers derive from their TLS session (EAP-TLS, PEAP, TTLS: RFC 5216, RFC 5281,
//! RFC 9190, RFC 9427) — computable from an NSS key log.
//!
//! The TLS PRFs are written here on top of `hmac`/`hkdf`: no RustCrypto crate offers the
//! TLS 1.0/1.2 PRF, and the TLS 1.3 exporter is three HKDF-Expand-Label calls. Each is
//! checked in the tests against rustls' own `export_keying_material`.

use alloc::vec::Vec;

use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha1::Sha1;
use sha2::{Sha256, Sha384};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::secret::Msk;
use crate::{CryptoError, Result};

/// Octets of a RADIUS header (Code, Identifier, Length, Authenticator).
pub const RADIUS_HEADER_LEN: usize = 20;

/// The Response Authenticator of a RADIUS Access-Accept/Reject/Challenge (RFC 2865 §3):
/// MD5(Code | Identifier | Length | Request Authenticator | Attributes | Secret).
/// `packet` is the whole response as sent; its own authenticator field is ignored.
pub fn radius_response_authenticator(
    packet: &[u8],
    request_authenticator: &[u8; 16],
    secret: &[u8],
) -> Result<[u8; 16]> {
    let (Some(head), Some(attrs)) = (packet.get(..4), packet.get(RADIUS_HEADER_LEN..)) else {
        return Err(CryptoError::InvalidLength {
            what: "RADIUS packet",
            len: packet.len(),
        });
    };
    let mut h = Md5::new();
    h.update(head);
    h.update(request_authenticator);
    h.update(attrs);
    h.update(secret);
    Ok(h.finalize().into())
}

/// Whether a RADIUS response's authenticator verifies with `secret` (constant time).
pub fn radius_response_ok(packet: &[u8], request_authenticator: &[u8; 16], secret: &[u8]) -> bool {
    let Some(got) = packet.get(4..RADIUS_HEADER_LEN) else {
        return false;
    };
    radius_response_authenticator(packet, request_authenticator, secret)
        .map(|want| bool::from(want.as_slice().ct_eq(got)))
        .unwrap_or(false)
}

/// Message-Authenticator (RFC 3579 §3.2): HMAC-MD5 over the packet with the attribute's
/// value zeroed; in a response, the Request Authenticator stands in the header.
/// `packet` must already hold 16 zero octets where the attribute value goes, and for a
/// response the request's authenticator in octets 4..20.
pub fn radius_message_authenticator(packet: &[u8], secret: &[u8]) -> Result<[u8; 16]> {
    let mut mac =
        <Hmac<Md5> as Mac>::new_from_slice(secret).map_err(|_| CryptoError::InvalidKeyLength {
            what: "RADIUS secret",
            len: secret.len(),
        })?;
    mac.update(packet);
    Ok(mac.finalize().into_bytes().into())
}

/// Why an MS-MPPE key did not decrypt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MppeError {
    /// Attribute value shorter than salt + one block, or not salt + a multiple of 16.
    Length(usize),
    /// The salt's most significant bit is clear (RFC 2548 §2.4.2 requires it set).
    Salt,
    /// The decrypted key-length octet or padding is inconsistent: the shared secret (or
    /// the Request Authenticator) is not the one the server used.
    WrongSecret,
}

impl core::fmt::Display for MppeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            MppeError::Length(n) => {
                write!(f, "MS-MPPE key attribute of {n} octets: not salt + n×16")
            }
            MppeError::Salt => write!(f, "MS-MPPE key salt without its high bit set"),
            MppeError::WrongSecret => write!(
                f,
                "MS-MPPE key does not decrypt to a valid length and padding: wrong RADIUS secret"
            ),
        }
    }
}

/// The RFC 2548 §2.4.2 keystream step: MD5(S | x | y).
fn mppe_block(secret: &[u8], x: &[u8], y: &[u8]) -> [u8; 16] {
    let mut h = Md5::new();
    h.update(secret);
    h.update(x);
    h.update(y);
    h.finalize().into()
}

/// Decrypt an MS-MPPE-Send-Key / MS-MPPE-Recv-Key value (RFC 2548 §2.4.2–2.4.3): `value`
/// is Salt (2 octets) ‖ String. b(1) = MD5(S + R + A), c(i) = p(i) ⊕ b(i),
/// b(i) = MD5(S + c(i-1)); the plaintext is Key-Length ‖ Key ‖ zero padding.
pub fn mppe_decrypt(
    secret: &[u8],
    request_authenticator: &[u8; 16],
    value: &[u8],
) -> core::result::Result<Zeroizing<Vec<u8>>, MppeError> {
    let (Some(salt), Some(ct)) = (value.get(..2), value.get(2..)) else {
        return Err(MppeError::Length(value.len()));
    };
    if ct.is_empty() || ct.len() % 16 != 0 {
        return Err(MppeError::Length(value.len()));
    }
    if salt.first().is_none_or(|s| s & 0x80 == 0) {
        return Err(MppeError::Salt);
    }
    let mut plain = Zeroizing::new(Vec::with_capacity(ct.len()));
    let mut b = mppe_block(secret, request_authenticator, salt);
    for chunk in ct.chunks(16) {
        plain.extend(chunk.iter().zip(b.iter()).map(|(c, k)| c ^ k));
        b = mppe_block(secret, chunk, &[]);
    }
    let key_len = usize::from(*plain.first().ok_or(MppeError::WrongSecret)?);
    let Some(rest) = plain.get(1..) else {
        return Err(MppeError::WrongSecret);
    };
    // A real key is at least 16 octets (RFC 3079 keys; EAP gives 32) and the padding that
    // fills the last block is zero: anything else means the keystream was wrong.
    if key_len < 16 || key_len > rest.len() || rest.len() - key_len >= 16 {
        return Err(MppeError::WrongSecret);
    }
    if rest
        .get(key_len..)
        .is_some_and(|pad| pad.iter().any(|b| *b != 0))
    {
        return Err(MppeError::WrongSecret);
    }
    Ok(Zeroizing::new(
        rest.get(..key_len).unwrap_or_default().to_vec(),
    ))
}

/// Encrypt an MS-MPPE key (the AAA server's side of [`mppe_decrypt`]); `salt`'s high bit
/// is forced on. Used by the simulator's AAA server and by tests.
pub fn mppe_encrypt(
    secret: &[u8],
    request_authenticator: &[u8; 16],
    salt: [u8; 2],
    key: &[u8],
) -> Result<Vec<u8>> {
    let key_len = u8::try_from(key.len()).map_err(|_| CryptoError::InvalidLength {
        what: "MS-MPPE key",
        len: key.len(),
    })?;
    let salt = [salt[0] | 0x80, salt[1]];
    let mut plain = Zeroizing::new(Vec::with_capacity(key.len() + 16));
    plain.push(key_len);
    plain.extend_from_slice(key);
    while plain.len() % 16 != 0 {
        plain.push(0);
    }
    let mut out = Vec::with_capacity(2 + plain.len());
    out.extend_from_slice(&salt);
    let mut b = mppe_block(secret, request_authenticator, &salt);
    for chunk in plain.chunks(16) {
        let c: Vec<u8> = chunk.iter().zip(b.iter()).map(|(p, k)| p ^ k).collect();
        b = mppe_block(secret, &c, &[]);
        out.extend_from_slice(&c);
    }
    Ok(out)
}

/// MSK from the two MS-MPPE keys of an Access-Accept. RFC 3748 §7.10 / RFC 5216 §2.3 via
/// RFC 3580: the MSK is MS-MPPE-Recv-Key ‖ MS-MPPE-Send-Key (32 + 32 octets for EAP-TLS).
pub fn msk_from_mppe(recv_key: &[u8], send_key: &[u8]) -> Result<Msk> {
    let mut m = Zeroizing::new(Vec::with_capacity(recv_key.len() + send_key.len()));
    m.extend_from_slice(recv_key);
    m.extend_from_slice(send_key);
    Msk::from_slice(&m)
}

/// The hash of a TLS PRF / HKDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsHash {
    /// TLS 1.0 / 1.1: the MD5 ⊕ SHA-1 PRF (RFC 2246 §5).
    Md5Sha1,
    /// SHA-256 (TLS 1.2 default PRF; TLS 1.3 `*_SHA256` suites).
    Sha256,
    /// SHA-384 (`*_SHA384` suites).
    Sha384,
}

impl TlsHash {
    /// The hash of a TLS 1.2 or 1.3 cipher suite's PRF (RFC 5246 §5: SHA-256 unless the
    /// suite says otherwise; the `_SHA384` suites use SHA-384).
    pub fn of_suite(suite: u16) -> TlsHash {
        match suite {
            // TLS_AES_256_GCM_SHA384, and the TLS 1.2 *_SHA384 suites (RFC 5289, 5288).
            0x1302 | 0x009d | 0x009f | 0x00a3 | 0x00a5 | 0x00a7 | 0x00a9 | 0x00ab | 0x00ad
            | 0x00af | 0x00b1 | 0x00b3 | 0x00b5 | 0x00b7 | 0x00b9 | 0xc024 | 0xc028 | 0xc02c
            | 0xc030 | 0xc02a | 0xc02e | 0xc026 | 0xc032 | 0xc0ad | 0xc0af => TlsHash::Sha384,
            _ => TlsHash::Sha256,
        }
    }

    fn len(self) -> usize {
        match self {
            TlsHash::Sha384 => 48,
            _ => 32,
        }
    }
}

macro_rules! p_hash {
    ($hash:ty, $secret:expr, $seed:expr, $out:expr) => {{
        let base = <Hmac<$hash> as Mac>::new_from_slice($secret).map_err(|_| {
            CryptoError::InvalidKeyLength {
                what: "TLS PRF secret",
                len: $secret.len(),
            }
        })?;
        // RFC 5246 §5: A(0) = seed, A(i) = HMAC(secret, A(i-1));
        // P_hash = HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed) + ...
        let mut a = {
            let mut m = base.clone();
            m.update($seed);
            m.finalize().into_bytes()
        };
        let mut filled = 0usize;
        while filled < $out.len() {
            let mut m = base.clone();
            m.update(&a);
            m.update($seed);
            let block = m.finalize().into_bytes();
            for (o, b) in $out.iter_mut().skip(filled).zip(block.iter()) {
                *o ^= *b;
            }
            filled += block.len();
            let mut m = base.clone();
            m.update(&a);
            a = m.finalize().into_bytes();
        }
    }};
}

/// The TLS PRF (RFC 5246 §5 for 1.2, RFC 2246 §5 for 1.0/1.1): fills `out` with
/// PRF(secret, label, seed). `out` is XOR-accumulated, so it is zeroed first.
pub fn tls_prf(
    hash: TlsHash,
    secret: &[u8],
    label: &[u8],
    seed: &[u8],
    out: &mut [u8],
) -> Result<()> {
    out.fill(0);
    let mut ls = Zeroizing::new(Vec::with_capacity(label.len() + seed.len()));
    ls.extend_from_slice(label);
    ls.extend_from_slice(seed);
    match hash {
        TlsHash::Sha256 => p_hash!(Sha256, secret, &ls, out),
        TlsHash::Sha384 => p_hash!(Sha384, secret, &ls, out),
        TlsHash::Md5Sha1 => {
            // S1 and S2 are the two halves of the secret, sharing the middle octet when
            // its length is odd.
            let half = secret.len().div_ceil(2);
            let s1 = secret.get(..half).unwrap_or_default();
            let s2 = secret.get(secret.len() - half..).unwrap_or_default();
            p_hash!(Md5, s1, &ls, out);
            p_hash!(Sha1, s2, &ls, out);
        }
    }
    Ok(())
}

/// HKDF-Expand-Label (RFC 8446 §7.1).
pub fn tls13_hkdf_expand_label(
    hash: TlsHash,
    secret: &[u8],
    label: &[u8],
    context: &[u8],
    out: &mut [u8],
) -> Result<()> {
    let bad = |what, len| CryptoError::InvalidLength { what, len };
    let len = u16::try_from(out.len()).map_err(|_| bad("HKDF output", out.len()))?;
    let full_label = 6 + label.len();
    let ll = u8::try_from(full_label).map_err(|_| bad("HKDF label", label.len()))?;
    let cl = u8::try_from(context.len()).map_err(|_| bad("HKDF context", context.len()))?;
    let mut info = Vec::with_capacity(4 + full_label + context.len());
    info.extend_from_slice(&len.to_be_bytes());
    info.push(ll);
    info.extend_from_slice(b"tls13 ");
    info.extend_from_slice(label);
    info.push(cl);
    info.extend_from_slice(context);
    let r = match hash {
        TlsHash::Sha256 => hkdf::Hkdf::<Sha256>::from_prk(secret)
            .map_err(|_| bad("HKDF PRK", secret.len()))?
            .expand(&info, out),
        TlsHash::Sha384 => hkdf::Hkdf::<Sha384>::from_prk(secret)
            .map_err(|_| bad("HKDF PRK", secret.len()))?
            .expand(&info, out),
        TlsHash::Md5Sha1 => return Err(bad("TLS 1.3 hash", 0)),
    };
    r.map_err(|_| bad("HKDF output", out.len()))
}

fn digest(hash: TlsHash, data: &[u8]) -> Vec<u8> {
    match hash {
        TlsHash::Sha384 => Sha384::digest(data).to_vec(),
        _ => Sha256::digest(data).to_vec(),
    }
}

/// The TLS 1.3 exporter (RFC 8446 §7.5): HKDF-Expand-Label(Derive-Secret(exporter_secret,
/// label, ""), "exporter", Hash(context), len). `exporter_secret` is the key log's
/// `EXPORTER_SECRET`.
pub fn tls13_exporter(
    hash: TlsHash,
    exporter_secret: &[u8],
    label: &[u8],
    context: &[u8],
    out: &mut [u8],
) -> Result<()> {
    let mut derived = Zeroizing::new(alloc::vec![0u8; hash.len()]);
    let empty = digest(hash, &[]);
    tls13_hkdf_expand_label(hash, exporter_secret, label, &empty, &mut derived)?;
    let ctx = digest(hash, context);
    tls13_hkdf_expand_label(hash, &derived, b"exporter", &ctx, out)
}

/// EAP methods whose MSK comes from the TLS session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsEapMethod {
    /// EAP-TLS (type 13).
    Tls,
    /// EAP-TTLS (type 21).
    Ttls,
    /// PEAP (type 25), without cryptobinding (with it, [MS-PEAP] mixes in the inner
    /// method's keys, which a TLS key log does not reveal).
    Peap,
}

impl TlsEapMethod {
    /// From the EAP Type.
    pub fn from_type(t: u8) -> Option<TlsEapMethod> {
        match t {
            13 => Some(TlsEapMethod::Tls),
            21 => Some(TlsEapMethod::Ttls),
            25 => Some(TlsEapMethod::Peap),
            _ => None,
        }
    }
    /// The EAP Type.
    pub fn type_code(self) -> u8 {
        match self {
            TlsEapMethod::Tls => 13,
            TlsEapMethod::Ttls => 21,
            TlsEapMethod::Peap => 25,
        }
    }
    /// The TLS 1.0–1.2 PRF label of the method's keying material.
    fn tls12_label(self) -> &'static [u8] {
        match self {
            // RFC 5281 §8.
            TlsEapMethod::Ttls => b"ttls keying material",
            // RFC 5216 §2.3 (PEAPv0 uses EAP-TLS's label).
            _ => b"client EAP encryption",
        }
    }
}

/// MSK of a TLS 1.0–1.2 session (RFC 5216 §2.3, RFC 5281 §8): the first 64 octets of
/// PRF(master_secret, label, client.random ‖ server.random).
pub fn eap_msk_tls12(
    method: TlsEapMethod,
    hash: TlsHash,
    master_secret: &[u8],
    client_random: &[u8; 32],
    server_random: &[u8; 32],
) -> Result<Msk> {
    let mut seed = [0u8; 64];
    seed[..32].copy_from_slice(client_random);
    seed[32..].copy_from_slice(server_random);
    let mut km = Zeroizing::new([0u8; 128]);
    tls_prf(
        hash,
        master_secret,
        method.tls12_label(),
        &seed,
        km.as_mut_slice(),
    )?;
    Msk::from_slice(km.get(..64).unwrap_or_default())
}

/// MSK of a TLS 1.3 session (RFC 9190 §2.3, RFC 9427 §2.1): the first 64 octets of
/// TLS-Exporter("EXPORTER_EAP_TLS_Key_Material", Type-Code, 128).
pub fn eap_msk_tls13(method: TlsEapMethod, hash: TlsHash, exporter_secret: &[u8]) -> Result<Msk> {
    let mut km = Zeroizing::new([0u8; 128]);
    tls13_exporter(
        hash,
        exporter_secret,
        b"EXPORTER_EAP_TLS_Key_Material",
        &[method.type_code()],
        km.as_mut_slice(),
    )?;
    Msk::from_slice(km.get(..64).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn mppe_round_trip_and_wrong_secret() {
        let ra = [7u8; 16];
        let key = [0x5au8; 32];
        let enc = mppe_encrypt(b"s3cret", &ra, [0x12, 0x34], &key).unwrap();
        assert_eq!(enc.len(), 2 + 48);
        assert_eq!(&*mppe_decrypt(b"s3cret", &ra, &enc).unwrap(), &key);
        assert_eq!(
            mppe_decrypt(b"other", &ra, &enc),
            Err(MppeError::WrongSecret)
        );
        assert_eq!(
            mppe_decrypt(b"s3cret", &ra, &enc[..20]),
            Err(MppeError::Length(20))
        );
        let mut bad_salt = enc.clone();
        bad_salt[0] &= 0x7f;
        assert_eq!(
            mppe_decrypt(b"s3cret", &ra, &bad_salt),
            Err(MppeError::Salt)
        );
    }

    #[test]
    fn tls12_prf_rfc_test_vector() {
        // The widely used TLS 1.2 PRF-SHA256 test vector (IETF TLS WG mailing list,
        // "PRF Testvector for the standard", also in Go's crypto/tls tests).
        let secret = hex::decode("9bbe436ba940f017b17652849a71db35").unwrap();
        let seed = hex::decode("a0ba9f936cda311827a6f796ffd5198c").unwrap();
        let mut out = [0u8; 100];
        tls_prf(TlsHash::Sha256, &secret, b"test label", &seed, &mut out).unwrap();
        assert_eq!(
            hex::encode(out),
            "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66"
        );
    }
}
