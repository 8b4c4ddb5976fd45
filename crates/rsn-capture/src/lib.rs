//! `rsn-capture`: streaming pcap/pcapng reading and writing with 802.11
//! link-layer decapsulation.
//!
//! - [`CaptureReader`] reads pcap and pcapng (gzip-compressed or not, from a file,
//!   standard input or any [`std::io::Read`]) in bounded memory and yields
//!   [`Record`]s that borrow its buffer. Corrupt and truncated records are skipped,
//!   reported as recoverable [`ReadError`]s and counted in [`ReaderStats`].
//! - [`decap`] / [`decap_with`] turn a record's bytes into a [`Decapsulated`]
//!   802.11 frame (radiotap, PPI, AVS, Prism or bare) with [`RadioInfo`] and an
//!   [`FcsStatus`], or an Ethernet frame for captures taken on the wired side.
//! - [`PcapngWriter`] writes pcapng deterministically, either packet by packet or
//!   copying records through with their link type and timestamp.
//!
//! Nothing here panics on any input: untrusted bytes are only read through
//! checked accessors (`unwrap`, `expect` and indexing are denied by lint).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod decap;
mod linktype;
mod radio;
mod reader;
mod writer;

pub use decap::{
    decap, decap_with, DecapError, DecapOptions, DecapStats, Decapsulated, FcsStatus, Layer,
    RadioHeader, RadioInfo,
};
pub use linktype::LinkType;
pub use radio::PRISM_HEADER_LEN;
pub use reader::{
    CaptureFormat, CaptureReader, ReadError, ReadErrorKind, ReaderStats, Record, MAX_BLOCK_LEN,
};
pub use writer::{PcapngWriter, WriteError, TSRESOL_MICROS, TSRESOL_NANOS};

/// Exposed for the property test that checks our radiotap walker against the
/// `radiotap` crate; not a stable API.
#[doc(hidden)]
pub mod __private {
    /// Radio info from the `radiotap` crate (single-word headers only), if it parses.
    pub fn radiotap_via_crate(hdr: &[u8]) -> Option<crate::RadioInfo> {
        crate::radio::radiotap_crate_only(hdr)
    }
    /// Radio info from our own walker.
    pub fn radiotap_via_walker(hdr: &[u8]) -> crate::RadioInfo {
        crate::radio::radiotap_walk(hdr)
    }
}
