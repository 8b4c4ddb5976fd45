//! `rsn-handshake`: sans-IO IEEE 802.11 RSN Supplicant and Authenticator state machines
//! (4-way handshake, PTK rekey, group key handshake, FT initial mobility domain
//! association, PMKSA caching/OKC), and the pure validators `check_m1`..`check_m4`,
//! `check_g1`, `check_g2` that the analyzer applies to captured frames.
//!
//! Contracts:
//! * **No I/O, no clock, no RNG.** Time comes in as [`Instant`], entropy through a
//!   [`NonceSource`]; the same inputs give byte-identical outputs.
//! * **State is consumed on transition** (rustls `ClientState`): each state struct holds
//!   exactly the data that exists at that point. A PTK rekey starts from a fresh key
//!   context, so the Windows 7 stale-PTK bug cannot happen by accident (only the
//!   [`SupplicantFaults::stale_ptk_on_rekey`] switch keeps the old KCK, on purpose).
//! * **Never panics** on any input; no `unsafe`.
//! * **One vocabulary of faults**: every refusal is a [`Violation`] with its reason code,
//!   finding code and clause of IEEE 802.11-2020.
//!
//! ```
//! use rsn_handshake::{Action, AuthConfig, Authenticator, Input, Instant, PmkSource, SupConfig, Supplicant, Suite};
//! use rsn_crypto::Pmk;
//! use rsn_wire::MacAddr;
//!
//! let rsne = vec![0x30, 0x14, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 2, 0, 0];
//! let pmk = Pmk::from_slice(&[7u8; 32]).unwrap();
//! let (aa, spa) = (MacAddr([2, 0, 0, 0, 0, 1]), MacAddr([2, 0, 0, 0, 0, 2]));
//! let mut ctr = 0u8;
//! let nonces = move |b: &mut [u8]| { for x in b { ctr = ctr.wrapping_add(1); *x = ctr; } };
//! let mut ap = Authenticator::new(
//!     AuthConfig::new(Suite::psk_ccmp(), rsne.clone(), PmkSource::Pmk(pmk.clone())),
//!     aa, spa, rsne.clone(), Box::new(nonces)).unwrap();
//! let mut sta = Supplicant::new(
//!     SupConfig::new(Suite::psk_ccmp(), PmkSource::Pmk(pmk), rsne.clone(), rsne),
//!     aa, spa, Box::new(nonces)).unwrap();
//! let now = Instant::ZERO;
//! ap.handle(now, Input::Start);
//! let mut done = 0;
//! for _ in 0..4 {
//!     while let Some(a) = ap.poll_action() {
//!         if let Action::Transmit { ref frame, protect } = a { sta.handle(now, Input::Eapol { frame, protected: protect }); }
//!         if let Action::Completed(_) = a { done += 1; }
//!     }
//!     while let Some(a) = sta.poll_action() {
//!         if let Action::Transmit { ref frame, protect } = a { ap.handle(now, Input::Eapol { frame, protected: protect }); }
//!         if let Action::Completed(_) = a { done += 1; }
//!     }
//! }
//! assert_eq!(done, 2);
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

mod authenticator;
mod config;
mod frames;
mod io;
mod keys;
mod suite;
mod supplicant;
mod time;
pub mod validate;
mod violation;

pub use authenticator::{AuthState, Authenticator};
pub use config::{
    AuthConfig, AuthenticatorFaults, ConfigError, FtParams, FtPmkidPolicy, NonceSource, Nonces,
    PmkSource, Retransmit, SecureBitPolicy, SupplicantFaults,
};
pub use io::{Action, Handshake, Input};
pub use suite::Suite;
pub use supplicant::{SupConfig, SupState, Supplicant};
pub use time::Instant;
pub use validate::{
    check_g1, check_g2, check_m1, check_m2, check_m3, check_m4, GroupKey, GroupKeys, IntegrityKey,
};
pub use violation::{FtElement, KdeProblem, KeyInfoAnomaly, Msg, Violation};
