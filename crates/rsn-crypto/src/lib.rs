//! `rsn-crypto`: the RSN key hierarchy, EAPOL-Key MICs, key-data protection and the data and
//! management frame ciphers (CCMP, GCMP, TKIP, BIP) of IEEE 802.11, built on RustCrypto.
//!
//! * Secrets are types ([`secret`]): zeroized on drop, no bytes in `Debug`, constant-time
//!   equality, bytes only through `expose_secret()`.
//! * Suite tables ([`suites`]): what an AKM or cipher suite implies (KDF, MIC algorithm,
//!   key lengths).
//! * Key derivation: [`psk_from_passphrase`], [`prf_sha1`], [`kdf_sha256`], [`kdf_sha384`],
//!   [`derive_ptk`], [`pmkid`], and the FT hierarchy in [`ft`].
//! * EAPOL-Key MIC ([`mic`]) and key-data wrapping ([`keywrap`]).
//! * Frame protection with reusable key objects: [`ccmp::CcmpKey`], [`gcmp::GcmpKey`],
//!   [`tkip::TkipKey`], [`bip::BipKey`]; header helpers in [`frame`].
//!
//! Nothing in this crate panics on any input, prints, or performs I/O.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

pub mod bip;
pub mod ccmp;
pub mod eap;
mod error;
pub mod frame;
pub mod ft;
pub mod gcmp;
pub mod kdf;
pub mod keywrap;
pub mod mic;
pub mod ptk;
pub mod secret;
pub mod suites;
pub mod tkip;

pub use error::CryptoError;
pub use kdf::{kdf_sha256, kdf_sha384, kdf_sha512, pbkdf2_sha1, prf_sha1, psk_from_passphrase};
pub use ptk::{derive_ptk, derive_ptk_with_kdk, pmkid, Pmkid};
pub use secret::{Gtk, Igtk, Kck, Kdk, Kek, Msk, Passphrase, Pmk, PmkR0, PmkR1, Ptk, Tk};
pub use suites::{akm_params, cipher_params, AkmParams, CipherParams};

/// Result type of this crate.
pub type Result<T> = core::result::Result<T, CryptoError>;
