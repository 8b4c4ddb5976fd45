//! `rsn-wire`: checked, zero-copy views and parsed representations of the IEEE 802.11
//! frames, elements and EAPOL messages that RSN key management lives in.
//!
//! Two levels, after smoltcp's `wire` module:
//! * `Packet<T: AsRef<[u8]>>`-style views (`new_checked` validates lengths once, accessors
//!   then never panic), and
//! * `Repr` types with `parse` / `buffer_len` / `emit` that round-trip byte-identically.
//!
//! No crypto lives here, and nothing in this crate panics on any input.
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

mod codec;

pub mod eapol;
pub mod element;
pub mod ieee80211;
pub mod kde;
pub mod llc;
pub mod mac;
pub mod mgmt;
pub mod reason;
pub mod suite;

pub use mac::MacAddr;
pub use reason::{ReasonCode, StatusCode};
pub use suite::{Akm, Cipher, SuiteSelector};

/// Errors from parsing wire data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The buffer ends before the structure does.
    Truncated,
    /// A field holds a value that makes the structure impossible to parse.
    Malformed,
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Error::Truncated => f.write_str("truncated"),
            Error::Malformed => f.write_str("malformed"),
        }
    }
}

impl core::error::Error for Error {}

/// Result type of this crate.
pub type Result<T> = core::result::Result<T, Error>;
