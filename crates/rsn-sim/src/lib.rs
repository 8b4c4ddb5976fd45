//! `rsn-sim`: field failures of the WPA/WPA2/WPA3 key handshakes reproduced as real
//! captures, with the ground truth of what was injected.
//!
//! A [`Scenario`] (TOML, s2n-quic-sim `plans/` style) describes networks, clients, their
//! data and timeline, and the faults switched on in each role. [`run`] plays it on a
//! virtual clock with a seeded ChaCha20 RNG through a lossy medium, driving the real
//! `rsn-handshake` Authenticator and Supplicant of every client (faults go in through
//! their named fault hooks: `AuthenticatorFaults`, `SupplicantFaults`), protects data
//! under the keys the machines install (CCMP, GCMP, TKIP, with per-key packet numbers),
//! and hands every frame the sniffer captured, radiotap header included, to a
//! [`FrameSink`]. The [`Truth`] it returns says what a receiver holding the network's
//! keys can decrypt, how many handshakes ran, every injected fault with its frames, and
//! the finding codes a correct diagnosis names.
//!
//! Contracts:
//! * **Deterministic**: same scenario and seed ⇒ byte-identical capture and truth.
//! * **No I/O**: frames go to the sink ([`PcapngSink`] adapts any `Write`); the caller
//!   opens files. Nothing reads the clock or the OS RNG.
//! * **Streaming**: the capture is never held in memory.
//!
//! ```
//! use rsn_sim::{builtin, run, CountingSink, Scenario};
//!
//! let sc = Scenario::from_toml(builtin("clean").unwrap().toml).unwrap();
//! let mut sink = CountingSink::default();
//! let truth = run(&sc, 1, &mut sink).unwrap();
//! assert_eq!(truth.frames, sink.frames);
//! assert!(truth.decryptable_frames > 0);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod air;
mod builtin;
mod datakey;
mod observer;
pub mod radius;
mod rng;
mod runner;
pub mod scenario;
mod sink;
pub mod truth;

pub use builtin::{builtin, builtins, Builtin};
pub use runner::{run, run_with_wired, SimError, DEFAULT_SEED, EPOCH_NS};
pub use scenario::{Scenario, ScenarioError};
pub use sink::{CountingSink, Discard, FrameSink, PcapngSink, VecSink};
pub use truth::Truth;
