//! EAPOL-Key Key Data protection (IEEE 802.11-2020 12.7.2 b) and 12.7.2 j)).
//!
//! * Descriptor versions 2, 3 and AKM-defined: AES key wrap (RFC 3394) with the KEK, after
//!   padding the Key Data to a multiple of 8 octets, at least 16.
//! * Descriptor version 1: ARC4 keyed with EAPOL-Key IV || KEK, first 256 octets of
//!   keystream discarded.

use aes_kw::{KekAes128, KekAes192, KekAes256};
use cipher::{KeyInit, StreamCipher};
use rc4::Rc4;
use zeroize::Zeroizing;

use crate::secret::Kek;
use crate::{CryptoError, Result};

/// Pad Key Data for AES key wrap (IEEE 802.11-2020 12.7.2 j)): when shorter than 16 octets
/// or not a multiple of 8, append 0xdd and then zeros up to the next multiple of 8 (min 16).
pub fn pad_key_data(key_data: &[u8]) -> Zeroizing<alloc::vec::Vec<u8>> {
    let mut v = Zeroizing::new(key_data.to_vec());
    if v.len() < 16 || v.len() % 8 != 0 {
        v.push(0xdd);
        while v.len() < 16 || v.len() % 8 != 0 {
            v.push(0);
        }
    }
    v
}

/// AES key wrap of Key Data with the KEK (16, 24 or 32 octets... 802.11 KEKs are 16 or 32),
/// padding first per [`pad_key_data`]. Output is 8 octets longer than the padded input.
pub fn aes_wrap(kek: &Kek, key_data: &[u8]) -> Result<alloc::vec::Vec<u8>> {
    let padded = pad_key_data(key_data);
    aes_wrap_raw(kek.expose_secret(), &padded)
}

/// RFC 3394 AES key wrap without 802.11 padding (input a multiple of 8, at least 16 octets).
pub fn aes_wrap_raw(kek: &[u8], data: &[u8]) -> Result<alloc::vec::Vec<u8>> {
    if data.len() < 16 || data.len() % 8 != 0 {
        return Err(CryptoError::InvalidLength {
            what: "key wrap input",
            len: data.len(),
        });
    }
    let mut out = alloc::vec![0u8; data.len() + 8];
    let r = match kek.len() {
        16 => KekAes128::new(kek.into()).wrap(data, &mut out),
        24 => KekAes192::new(kek.into()).wrap(data, &mut out),
        32 => KekAes256::new(kek.into()).wrap(data, &mut out),
        n => {
            return Err(CryptoError::InvalidKeyLength {
                what: "KEK",
                len: n,
            })
        }
    };
    r.map_err(|_| CryptoError::InvalidLength {
        what: "key wrap input",
        len: data.len(),
    })?;
    Ok(out)
}

/// AES key unwrap of Key Data (RFC 3394 2.2.2). Returns the padded plaintext as sent
/// (a KDE parser stops at the 0xdd padding); [`CryptoError::IntegrityCheckFailed`] when the
/// integrity check value does not come out as A6A6A6A6A6A6A6A6 (wrong KEK or corruption).
pub fn aes_unwrap(kek: &Kek, wrapped: &[u8]) -> Result<Zeroizing<alloc::vec::Vec<u8>>> {
    aes_unwrap_raw(kek.expose_secret(), wrapped)
}

/// [`aes_unwrap`] with a raw KEK of 16, 24 or 32 octets.
pub fn aes_unwrap_raw(kek: &[u8], wrapped: &[u8]) -> Result<Zeroizing<alloc::vec::Vec<u8>>> {
    if wrapped.len() < 24 || wrapped.len() % 8 != 0 {
        return Err(CryptoError::InvalidLength {
            what: "wrapped key data",
            len: wrapped.len(),
        });
    }
    let mut out = Zeroizing::new(alloc::vec![0u8; wrapped.len() - 8]);
    let r = match kek.len() {
        16 => KekAes128::new(kek.into()).unwrap(wrapped, &mut out),
        24 => KekAes192::new(kek.into()).unwrap(wrapped, &mut out),
        32 => KekAes256::new(kek.into()).unwrap(wrapped, &mut out),
        n => {
            return Err(CryptoError::InvalidKeyLength {
                what: "KEK",
                len: n,
            })
        }
    };
    match r {
        Ok(()) => Ok(out),
        Err(aes_kw::Error::IntegrityCheckFailed) => Err(CryptoError::IntegrityCheckFailed),
        Err(_) => Err(CryptoError::InvalidLength {
            what: "wrapped key data",
            len: wrapped.len(),
        }),
    }
}

/// ARC4 Key Data encryption of descriptor version 1 (IEEE 802.11-2020 12.7.2 b) 1) i)):
/// key = EAPOL-Key IV || KEK (IV first, 32 octets), the first 256 keystream octets
/// discarded, then XOR in place (encryption and decryption are the same operation).
pub fn rc4_key_data(kek: &Kek, key_iv: &[u8; 16], data: &mut [u8]) -> Result<()> {
    let k = kek.expose_secret();
    if k.len() != 16 {
        return Err(CryptoError::InvalidKeyLength {
            what: "KEK",
            len: k.len(),
        });
    }
    let mut key = Zeroizing::new([0u8; 32]);
    for (d, s) in key.iter_mut().zip(key_iv.iter().chain(k.iter())) {
        *d = *s;
    }
    let mut rc4 = <Rc4<cipher::consts::U32> as KeyInit>::new((&*key).into());
    let mut discard = [0u8; 256];
    rc4.apply_keystream(&mut discard);
    rc4.apply_keystream(data);
    Ok(())
}
