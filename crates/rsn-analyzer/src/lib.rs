//! `rsn-analyzer`: Reconstruct, verify, decrypt and diagnose RSN key exchanges from capture records (no I/O)
#![forbid(unsafe_code)]
