//! `rsn-analyzer`: reconstruct, verify, decrypt and diagnose RSN key exchanges from capture
//! records. No I/O: records in, [`report::Report`] out.
#![forbid(unsafe_code)]

pub mod classify;
pub mod keyfile;
pub mod report;
