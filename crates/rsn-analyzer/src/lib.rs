//! `rsn-analyzer`: reconstruct, verify, decrypt and diagnose RSN key exchanges from capture
//! records. No I/O: records in ([`Analyzer::push`]), [`report::Report`] out
//! ([`Analyzer::finish`]).
#![forbid(unsafe_code)]

pub mod classify;
mod engine;
pub mod enterprise;
mod exchange;
pub mod keyfile;
pub mod keys;
mod keyslot;
pub mod report;
mod tdls;

pub use engine::{Analyzer, FrameIn, Limits, Link, SkipKind};
pub use keys::{KeyMaterial, KeySource, PassphraseEntry};
