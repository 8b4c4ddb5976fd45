//! Streaming capture reader: pcap (both byte orders, micro- and nanosecond magic,
//! the "modified" Kuznetzov variant), pcapng (several sections and interfaces;
//! Enhanced, Simple and obsolete Packet Blocks), transparently gunzipped, from any
//! [`Read`].
//!
//! Block syntax is parsed by `pcap-parser`; this module owns what that crate leaves
//! to its caller: the buffer (grown on demand up to [`MAX_BLOCK_LEN`], so memory
//! stays bounded whatever the file size), the per-section interface table
//! (link type, `if_tsresol`, `if_tsoffset`, `if_fcslen`), timestamps normalised
//! to nanoseconds, frame numbering, and recovery: a corrupt block whose length is
//! readable is skipped and counted, never silently dropped.
//!
//! We do not use `pcap_parser::PcapNGReader` itself: its constructor needs the whole
//! section header in the first `read` (a pipe or a gzip stream may return less),
//! it cannot tell "the block is longer than the buffer" from "the block claims a
//! length that its contents contradict" (both surface as `Incomplete`), and its
//! timestamp helpers overflow on hostile `if_tsoffset`/`if_tsresol` values. We
//! frame each block ourselves from its length field, and hand exactly that block to
//! `pcap_parser::parse_block_le`/`_be` (or `parse_pcap_frame*`).

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use pcap_parser::pcapng::Block;

use crate::decap::{decap_with, DecapError, DecapOptions, Decapsulated};
use crate::LinkType;

/// Largest block (pcapng) or record (pcap, header included) the reader will buffer:
/// 16 MiB. Larger ones are skipped using their length and counted in
/// [`ReaderStats::oversized_records`].
pub const MAX_BLOCK_LEN: usize = 16 * 1024 * 1024;

const INITIAL_BUF: usize = 256 * 1024;

const SHB_MAGIC: u32 = 0x0A0D_0D0A;
const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;
const OBSOLETE_PB_TYPE: u32 = 0x0000_0002;
const EPB_DATA_OFFSET: usize = 28;
const SPB_DATA_OFFSET: usize = 12;
const PB_DATA_OFFSET: usize = 28;

/// One packet record, borrowed from the reader's buffer until the next call to
/// [`CaptureReader::next_record`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    /// Frame number, 1-based and counting only records yielded, as Wireshark does.
    pub frame: u64,
    /// Capture time in nanoseconds since the Unix epoch, after the interface's
    /// `if_tsresol` and `if_tsoffset`. Simple Packet Blocks have no timestamp: 0.
    pub ts_ns: i128,
    /// Interface id within the current pcapng section (always 0 for pcap).
    pub interface: u32,
    /// Link-layer header type of `data`.
    pub link_type: LinkType,
    /// Length of the packet on the wire (may exceed `data.len()` if snapped).
    pub orig_len: u32,
    /// Octets of FCS at the end of `data` when the file says so (pcapng `if_fcslen`
    /// or `epb_flags`, pcap link-type FCS bits); `None` when the file does not say.
    pub fcs_len: Option<u8>,
    /// Byte offset of the record's block in the (decompressed) input.
    pub offset: u64,
    /// The captured bytes, starting with the link-layer header.
    pub data: &'a [u8],
}

impl<'a> Record<'a> {
    /// [`decap_with`] using this record's link type and FCS length.
    pub fn decap(&self) -> Result<Decapsulated<'a>, DecapError> {
        decap_with(
            self.link_type,
            self.data,
            DecapOptions {
                fcs_len: self.fcs_len,
            },
        )
    }
}

/// Counters kept by the reader so that nothing is lost silently.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReaderStats {
    /// Packet records yielded.
    pub records: u64,
    /// Octets consumed from the (decompressed) input.
    pub bytes: u64,
    /// pcapng Section Header Blocks seen.
    pub sections: u64,
    /// pcapng Interface Description Blocks seen.
    pub interfaces: u64,
    /// Blocks or records skipped because they were corrupt, too large, or named
    /// an interface the section does not declare.
    pub skipped_blocks: u64,
    /// Of `skipped_blocks`: those longer than [`MAX_BLOCK_LEN`].
    pub oversized_records: u64,
    /// Of `skipped_blocks`: packet blocks naming an undeclared interface.
    pub unknown_interface: u64,
    /// Records or blocks cut short by the end of the input (normally the last one).
    pub truncated_records: u64,
    /// Records yielded whose link type [`crate::decap`] does not support.
    pub unknown_link_types: u64,
    /// pcapng blocks without packets that were read and ignored (statistics, name
    /// resolution, decryption secrets, custom and unknown blocks).
    pub ignored_blocks: u64,
}

/// The container format detected at open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CaptureFormat {
    /// Classic pcap.
    Pcap {
        /// Big-endian file.
        big_endian: bool,
        /// Nanosecond magic (`a1b23c4d`).
        nanosecond: bool,
        /// Kuznetzov's "modified" pcap (`a1b2cd34`, 24-octet record headers).
        modified: bool,
        /// Link type from the file header.
        link_type: LinkType,
        /// Snapshot length from the file header.
        snaplen: u32,
    },
    /// pcapng.
    Pcapng,
}

/// Why reading failed or skipped something.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReadErrorKind {
    /// I/O error from the underlying reader (including a corrupt gzip stream). Fatal.
    Io(io::Error),
    /// The input does not start with a pcap, pcapng or gzip magic. Fatal.
    NotACapture {
        /// The first octets of the input (fewer if it was shorter).
        magic: [u8; 4],
        /// Input length if shorter than 4 octets.
        len: usize,
    },
    /// The file header (pcap) or first block header (pcapng) is cut short. Fatal.
    TruncatedHeader,
    /// A pcapng block length below 12 or not a multiple of 4, or a section header
    /// with an invalid byte-order magic: the next block cannot be found. Fatal.
    BadBlockLength {
        /// Block type as read (little-endian).
        block_type: u32,
        /// The length field.
        length: u32,
    },
    /// A block or record whose contents contradict its length was skipped.
    CorruptBlock {
        /// Block type (pcapng) or 0 (pcap record).
        block_type: u32,
    },
    /// A block or record longer than [`MAX_BLOCK_LEN`] was skipped.
    RecordTooLarge {
        /// Its length in octets.
        length: u64,
    },
    /// A packet block names an interface its section does not declare; skipped.
    UnknownInterface {
        /// The interface id.
        interface: u32,
    },
    /// The input ends inside a record or block; it is dropped and counted.
    Truncated {
        /// Octets present.
        have: u64,
        /// Octets the record or block needs.
        need: u64,
    },
}

/// A reading error: where (byte offset in the decompressed input, frame number the
/// next record would get) and why.
#[derive(Debug)]
pub struct ReadError {
    /// Byte offset of the offending block or record.
    pub offset: u64,
    /// Number the next yielded record would have (records yielded so far + 1).
    pub frame: u64,
    /// The reason.
    pub kind: ReadErrorKind,
}

impl ReadError {
    /// Fatal errors end reading (nothing more can be read); the others were
    /// counted in [`ReaderStats`] and reading goes on (or, for
    /// [`ReadErrorKind::Truncated`], has reached the end).
    pub fn is_fatal(&self) -> bool {
        matches!(
            self.kind,
            ReadErrorKind::Io(_)
                | ReadErrorKind::NotACapture { .. }
                | ReadErrorKind::TruncatedHeader
                | ReadErrorKind::BadBlockLength { .. }
        )
    }
}

impl fmt::Display for ReadErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadErrorKind::Io(e) => write!(f, "I/O error: {e}"),
            ReadErrorKind::NotACapture { magic, len } => {
                let shown = magic.get(..*len.min(&4)).unwrap_or(&[]);
                write!(f, "not a capture file (pcap, pcapng or gzip): starts with {shown:02x?}")
            }
            ReadErrorKind::TruncatedHeader => write!(f, "file header cut short"),
            ReadErrorKind::BadBlockLength { block_type, length } => write!(
                f,
                "block type {block_type:#010x} has invalid length {length}: cannot find the next block"
            ),
            ReadErrorKind::CorruptBlock { block_type } => {
                write!(f, "corrupt block (type {block_type:#010x}) skipped")
            }
            ReadErrorKind::RecordTooLarge { length } => write!(
                f,
                "record of {length} octets exceeds the {MAX_BLOCK_LEN}-octet limit; skipped"
            ),
            ReadErrorKind::UnknownInterface { interface } => write!(
                f,
                "packet names interface {interface}, which its section does not declare; skipped"
            ),
            ReadErrorKind::Truncated { have, need } => write!(
                f,
                "input ends inside a record ({have} of {need} octets); record dropped"
            ),
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "at byte {} (frame {}): {}",
            self.offset, self.frame, self.kind
        )
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ReadErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Interface {
    link_type: LinkType,
    snaplen: u32,
    /// Timestamp units per second.
    units_per_sec: u128,
    ts_offset_s: i64,
    fcs_len: Option<u8>,
}

#[derive(Debug)]
enum Format {
    Pcap {
        big_endian: bool,
        nanosecond: bool,
        modified: bool,
        link_type: LinkType,
        snaplen: u32,
        fcs_len: Option<u8>,
    },
    Pcapng {
        big_endian: bool,
        interfaces: Vec<Interface>,
    },
}

/// Metadata of a located record; its bytes are `buf[start + data_off ..][..data_len]`.
struct Located {
    data_off: usize,
    data_len: usize,
    ts_ns: i128,
    interface: u32,
    link_type: LinkType,
    orig_len: u32,
    fcs_len: Option<u8>,
    offset: u64,
}

/// Streaming reader over one capture. See the module documentation.
pub struct CaptureReader {
    src: Box<dyn Read + Send>,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    src_eof: bool,
    /// Stream offset of `buf[start]`.
    pos: u64,
    /// Octets of the record last returned, consumed at the next call.
    pending: usize,
    format: Format,
    compressed: bool,
    frame: u64,
    stats: ReaderStats,
    done: bool,
}

impl fmt::Debug for CaptureReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaptureReader")
            .field("format", &self.format)
            .field("compressed", &self.compressed)
            .field("pos", &self.pos)
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

fn rd_u32(b: &[u8], at: usize, big_endian: bool) -> Option<u32> {
    let a: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(if big_endian {
        u32::from_be_bytes(a)
    } else {
        u32::from_le_bytes(a)
    })
}

fn rd_u16(b: &[u8], at: usize, big_endian: bool) -> Option<u16> {
    let a: [u8; 2] = b.get(at..at.checked_add(2)?)?.try_into().ok()?;
    Some(if big_endian {
        u16::from_be_bytes(a)
    } else {
        u16::from_le_bytes(a)
    })
}

/// Units per second of a pcapng `if_tsresol` value; `None` if absurd.
fn units_per_sec(tsresol: u8) -> Option<u128> {
    let n = u32::from(tsresol & 0x7f);
    if tsresol & 0x80 == 0 {
        10u128.checked_pow(n)
    } else {
        2u128.checked_pow(n)
    }
}

/// Nanoseconds since the epoch from a count of `units_per_sec` units plus an offset
/// in seconds. Saturating: never overflows (the inputs are at most 64 bits).
fn to_ns(units: u64, units_per_sec: u128, offset_s: i64) -> i128 {
    let ups = units_per_sec.max(1);
    let ns = u128::from(units).saturating_mul(1_000_000_000) / ups;
    let ns = i128::try_from(ns).unwrap_or(i128::MAX);
    ns.saturating_add(i128::from(offset_s).saturating_mul(1_000_000_000))
}

impl CaptureReader {
    /// Open a capture file; `-` means standard input. Gzip is detected by content.
    pub fn open(path: impl AsRef<Path>) -> Result<CaptureReader, ReadError> {
        let path = path.as_ref();
        if path.as_os_str() == "-" {
            return CaptureReader::new(io::stdin());
        }
        let file = File::open(path).map_err(|e| ReadError {
            offset: 0,
            frame: 1,
            kind: ReadErrorKind::Io(e),
        })?;
        CaptureReader::new(file)
    }

    /// Read a capture from any reader. Reads just enough to recognise the format
    /// (gzip is unwrapped); fails with a fatal [`ReadError`] if it is not a capture.
    pub fn new(input: impl Read + Send + 'static) -> Result<CaptureReader, ReadError> {
        let mut r = CaptureReader {
            src: Box::new(input),
            buf: vec![0; INITIAL_BUF],
            start: 0,
            end: 0,
            src_eof: false,
            pos: 0,
            pending: 0,
            format: Format::Pcapng {
                big_endian: false,
                interfaces: Vec::new(),
            },
            compressed: false,
            frame: 0,
            stats: ReaderStats::default(),
            done: false,
        };
        r.fill(4).map_err(|e| r.err(ReadErrorKind::Io(e)))?;
        if r.window().starts_with(&[0x1f, 0x8b]) {
            // gzip (RFC 1952 ID1 ID2). Put back what we read and decode the rest;
            // MultiGzDecoder also reads concatenated members, as gzip(1) does.
            let prefix = r.window().to_vec();
            let rest = std::mem::replace(&mut r.src, Box::new(io::empty()));
            r.src = Box::new(flate2::read::MultiGzDecoder::new(
                io::Cursor::new(prefix).chain(rest),
            ));
            r.start = 0;
            r.end = 0;
            r.src_eof = false;
            r.compressed = true;
            r.fill(4).map_err(|e| r.err(ReadErrorKind::Io(e)))?;
        }
        let w = r.window();
        let mut magic = [0u8; 4];
        for (m, b) in magic.iter_mut().zip(w) {
            *m = *b;
        }
        let len = w.len().min(4);
        let m_le = u32::from_le_bytes(magic);
        match m_le {
            SHB_MAGIC => {
                if !r.fill(12).map_err(|e| r.err(ReadErrorKind::Io(e)))? {
                    return Err(r.err(ReadErrorKind::TruncatedHeader));
                }
                let bom = rd_u32(r.window(), 8, false);
                let big_endian = bom == Some(BYTE_ORDER_MAGIC.swap_bytes());
                if bom != Some(BYTE_ORDER_MAGIC) && !big_endian {
                    return Err(r.err(ReadErrorKind::NotACapture { magic, len }));
                }
                // The whole section header must be there; the block loop parses it.
                let shb_len = rd_u32(r.window(), 4, big_endian).unwrap_or(0) as usize;
                if (12..=MAX_BLOCK_LEN).contains(&shb_len)
                    && !r.fill(shb_len).map_err(|e| r.err(ReadErrorKind::Io(e)))?
                {
                    return Err(r.err(ReadErrorKind::TruncatedHeader));
                }
            }
            0xa1b2_c3d4 | 0xa1b2_3c4d | 0xa1b2_cd34 | 0xd4c3_b2a1 | 0x4d3c_b2a1 => {
                if !r.fill(24).map_err(|e| r.err(ReadErrorKind::Io(e)))? {
                    return Err(r.err(ReadErrorKind::TruncatedHeader));
                }
                let hdr = match pcap_parser::parse_pcap_header(r.window()) {
                    Ok((_, h)) => h,
                    Err(_) => return Err(r.err(ReadErrorKind::NotACapture { magic, len })),
                };
                // The link-type field's upper bits may carry an FCS length
                // (libpcap pcap-common.h: LT_FCS_LENGTH_PRESENT / LT_FCS_LENGTH, in
                // 16-bit words).
                let net = hdr.network.0 as u32;
                let fcs_len = (net & 0x0400_0000 != 0).then(|| ((net >> 28) & 0xf) as u8 * 2);
                r.format = Format::Pcap {
                    big_endian: hdr.is_bigendian(),
                    nanosecond: hdr.is_nanosecond_precision(),
                    modified: hdr.is_modified_format(),
                    link_type: LinkType((net & 0xffff) as u16),
                    snaplen: hdr.snaplen,
                    fcs_len,
                };
                r.consume(24);
            }
            _ => return Err(r.err(ReadErrorKind::NotACapture { magic, len })),
        }
        Ok(r)
    }

    /// The container format.
    pub fn format(&self) -> CaptureFormat {
        match &self.format {
            Format::Pcap {
                big_endian,
                nanosecond,
                modified,
                link_type,
                snaplen,
                ..
            } => CaptureFormat::Pcap {
                big_endian: *big_endian,
                nanosecond: *nanosecond,
                modified: *modified,
                link_type: *link_type,
                snaplen: *snaplen,
            },
            Format::Pcapng { .. } => CaptureFormat::Pcapng,
        }
    }

    /// Whether the input was gzip-compressed.
    pub fn is_compressed(&self) -> bool {
        self.compressed
    }

    /// Counters so far.
    pub fn stats(&self) -> &ReaderStats {
        &self.stats
    }

    /// The next packet record, a recoverable error (counted; call again), a fatal
    /// error (then `None`), or `None` at the end of the input.
    ///
    /// The record borrows the reader's buffer: no frame is copied.
    #[allow(clippy::should_implement_trait)]
    pub fn next_record(&mut self) -> Option<Result<Record<'_>, ReadError>> {
        if self.pending > 0 {
            let n = self.pending;
            self.pending = 0;
            self.consume(n);
        }
        if self.done {
            return None;
        }
        let loc = match self.advance() {
            Ok(Some(loc)) => loc,
            Ok(None) => {
                self.done = true;
                return None;
            }
            Err(e) => {
                if e.is_fatal() || matches!(e.kind, ReadErrorKind::Truncated { .. }) {
                    self.done = true;
                }
                return Some(Err(e));
            }
        };
        let from = self.start.saturating_add(loc.data_off);
        let to = from.saturating_add(loc.data_len);
        let Some(data) = self.buf.get(from..to) else {
            // Unreachable by construction (the block was bounds-checked); report
            // rather than panic.
            self.done = true;
            return Some(Err(ReadError {
                offset: loc.offset,
                frame: self.frame.saturating_add(1),
                kind: ReadErrorKind::CorruptBlock { block_type: 0 },
            }));
        };
        self.frame += 1;
        self.stats.records += 1;
        if !loc.link_type.is_supported() {
            self.stats.unknown_link_types += 1;
        }
        Some(Ok(Record {
            frame: self.frame,
            ts_ns: loc.ts_ns,
            interface: loc.interface,
            link_type: loc.link_type,
            orig_len: loc.orig_len,
            fcs_len: loc.fcs_len,
            offset: loc.offset,
            data,
        }))
    }

    // ---- buffer management ------------------------------------------------------

    fn window(&self) -> &[u8] {
        self.buf.get(self.start..self.end).unwrap_or(&[])
    }

    fn avail(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    fn err(&self, kind: ReadErrorKind) -> ReadError {
        ReadError {
            offset: self.pos,
            frame: self.frame.saturating_add(1),
            kind,
        }
    }

    fn consume(&mut self, n: usize) {
        let n = n.min(self.avail());
        self.start += n;
        self.pos += n as u64;
        self.stats.bytes += n as u64;
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
    }

    /// Make at least `need` octets available; `Ok(false)` if the input ends first.
    fn fill(&mut self, need: usize) -> io::Result<bool> {
        while self.avail() < need {
            if self.src_eof {
                return Ok(false);
            }
            if self.buf.len().saturating_sub(self.start) < need || self.end == self.buf.len() {
                // Compact, then grow if the block still does not fit.
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
                if self.buf.len() < need {
                    let new_len = need.max(self.buf.len().saturating_mul(2).min(MAX_BLOCK_LEN));
                    self.buf.resize(new_len, 0);
                }
            }
            let Some(space) = self.buf.get_mut(self.end..) else {
                return Ok(false);
            };
            let room = space.len();
            match self.src.read(space) {
                Ok(0) => self.src_eof = true,
                Ok(n) => self.end += n.min(room),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // A gzip stream cut short: treat as the end of the input, so the
                // partial record is reported as truncated like in a plain file.
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => self.src_eof = true,
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }

    /// Discard `n` octets (possibly more than fit in the buffer). `Ok(false)` if
    /// the input ends first.
    fn skip(&mut self, n: u64) -> io::Result<bool> {
        let k = usize::try_from(n).unwrap_or(usize::MAX).min(self.avail());
        self.consume(k);
        let mut left = n - k as u64;
        while left > 0 {
            if self.src_eof {
                return Ok(false);
            }
            self.start = 0;
            self.end = 0;
            let chunk = usize::try_from(left)
                .unwrap_or(usize::MAX)
                .min(self.buf.len());
            let Some(space) = self.buf.get_mut(..chunk) else {
                return Ok(false);
            };
            match self.src.read(space) {
                Ok(0) => self.src_eof = true,
                Ok(r) => {
                    left = left.saturating_sub(r as u64);
                    self.pos += r as u64;
                    self.stats.bytes += r as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => self.src_eof = true,
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }

    /// End of input inside a record of `need` octets: drop what is there, count it.
    fn truncated(&mut self, need: u64) -> ReadError {
        let e = self.err(ReadErrorKind::Truncated {
            have: self.avail() as u64,
            need,
        });
        self.stats.truncated_records += 1;
        let n = self.avail();
        self.consume(n);
        e
    }

    fn io_err(&self, e: io::Error) -> ReadError {
        self.err(ReadErrorKind::Io(e))
    }

    fn too_large(&mut self, length: u64) -> ReadError {
        let e = self.err(ReadErrorKind::RecordTooLarge { length });
        match self.skip(length) {
            Ok(true) => {
                self.stats.skipped_blocks += 1;
                self.stats.oversized_records += 1;
                e
            }
            Ok(false) => {
                self.stats.truncated_records += 1;
                ReadError {
                    kind: ReadErrorKind::Truncated {
                        have: self.pos.saturating_sub(e.offset),
                        need: length,
                    },
                    ..e
                }
            }
            Err(io) => self.io_err(io),
        }
    }

    // ---- record location ----------------------------------------------------------

    fn advance(&mut self) -> Result<Option<Located>, ReadError> {
        match self.format {
            Format::Pcap { .. } => self.advance_pcap(),
            Format::Pcapng { .. } => self.advance_pcapng(),
        }
    }

    fn advance_pcap(&mut self) -> Result<Option<Located>, ReadError> {
        let Format::Pcap {
            big_endian,
            nanosecond,
            modified,
            link_type,
            snaplen: _,
            fcs_len,
        } = self.format
        else {
            return Ok(None);
        };
        let hdr_len: usize = if modified { 24 } else { 16 };
        if !self.fill(hdr_len).map_err(|e| self.io_err(e))? {
            if self.avail() == 0 {
                return Ok(None);
            }
            return Err(self.truncated(hdr_len as u64));
        }
        let w = self.window();
        let caplen = rd_u32(w, 8, big_endian).unwrap_or(0);
        let total = hdr_len as u64 + u64::from(caplen);
        if total > MAX_BLOCK_LEN as u64 {
            return Err(self.too_large(total));
        }
        let total = total as usize;
        if !self.fill(total).map_err(|e| self.io_err(e))? {
            return Err(self.truncated(total as u64));
        }
        let rec = self.window().get(..total).unwrap_or(&[]);
        let parsed = if modified {
            pcap_parser::parse_pcap_frame_modified(rec)
        } else if big_endian {
            pcap_parser::parse_pcap_frame_be(rec)
        } else {
            pcap_parser::parse_pcap_frame(rec)
        };
        let (ts_sec, ts_frac, orig_len, data_len) = match parsed {
            Ok((_, b)) => (b.ts_sec, b.ts_usec, b.origlen, b.data.len()),
            Err(_) => {
                let e = self.err(ReadErrorKind::CorruptBlock { block_type: 0 });
                self.consume(total);
                self.stats.skipped_blocks += 1;
                return Err(e);
            }
        };
        let frac_ns = if nanosecond {
            i128::from(ts_frac)
        } else {
            i128::from(ts_frac) * 1000
        };
        let loc = Located {
            data_off: hdr_len,
            data_len,
            ts_ns: i128::from(ts_sec) * 1_000_000_000 + frac_ns,
            interface: 0,
            link_type,
            orig_len,
            fcs_len,
            offset: self.pos,
        };
        self.pending = total;
        Ok(Some(loc))
    }

    fn advance_pcapng(&mut self) -> Result<Option<Located>, ReadError> {
        loop {
            if !self.fill(12).map_err(|e| self.io_err(e))? {
                if self.avail() == 0 {
                    return Ok(None);
                }
                return Err(self.truncated(12));
            }
            let w = self.window();
            let block_type = rd_u32(w, 0, false).unwrap_or(0);
            let mut big_endian = match &self.format {
                Format::Pcapng { big_endian, .. } => *big_endian,
                Format::Pcap { .. } => return Ok(None),
            };
            if block_type == SHB_MAGIC {
                // A section header sets the byte order of everything up to the next.
                match rd_u32(w, 8, false) {
                    Some(BYTE_ORDER_MAGIC) => big_endian = false,
                    Some(m) if m == BYTE_ORDER_MAGIC.swap_bytes() => big_endian = true,
                    _ => {
                        return Err(self.err(ReadErrorKind::BadBlockLength {
                            block_type,
                            length: rd_u32(w, 4, false).unwrap_or(0),
                        }))
                    }
                }
            }
            let length = rd_u32(w, 4, big_endian).unwrap_or(0);
            if length < 12 || length % 4 != 0 {
                return Err(self.err(ReadErrorKind::BadBlockLength { block_type, length }));
            }
            if length as usize > MAX_BLOCK_LEN {
                return Err(self.too_large(u64::from(length)));
            }
            let len = length as usize;
            if !self.fill(len).map_err(|e| self.io_err(e))? {
                return Err(self.truncated(u64::from(length)));
            }
            let offset = self.pos;
            let block = self.window().get(..len).unwrap_or(&[]);
            let parsed = if big_endian {
                pcap_parser::parse_block_be(block)
            } else {
                pcap_parser::parse_block_le(block)
            };
            // What to do with the block, decided while it is borrowed.
            enum Step {
                Section,
                Interface(Interface),
                Packet {
                    if_id: u32,
                    units: Option<u64>,
                    orig_len: u32,
                    data_off: usize,
                    data_len: usize,
                    fcs_len: Option<u8>,
                },
                Ignore,
                Corrupt,
            }
            let step = match parsed {
                Ok((_, Block::SectionHeader(_))) => Step::Section,
                Ok((_, Block::InterfaceDescription(idb))) => {
                    let mut iface = Interface {
                        link_type: LinkType(idb.linktype.0 as u16),
                        snaplen: idb.snaplen,
                        units_per_sec: 1_000_000,
                        ts_offset_s: 0,
                        fcs_len: None,
                    };
                    for opt in &idb.options {
                        match opt.code.0 {
                            // if_tsresol (pcapng 4.2): default 6 = microseconds.
                            9 => {
                                if let Some(ups) = opt.value.first().and_then(|r| units_per_sec(*r))
                                {
                                    iface.units_per_sec = ups;
                                }
                            }
                            // if_fcslen: octets of FCS at the end of each packet.
                            13 => iface.fcs_len = opt.value.first().copied(),
                            // if_tsoffset: seconds added to every timestamp.
                            14 => {
                                if let Some(a) =
                                    opt.value.get(..8).and_then(|s| <[u8; 8]>::try_from(s).ok())
                                {
                                    iface.ts_offset_s = if big_endian {
                                        i64::from_be_bytes(a)
                                    } else {
                                        i64::from_le_bytes(a)
                                    };
                                }
                            }
                            _ => {}
                        }
                    }
                    Step::Interface(iface)
                }
                Ok((_, Block::EnhancedPacket(epb))) => {
                    // epb_flags (option 2), bits 5-8: FCS length in octets, 0 = unknown.
                    let fcs_len = epb
                        .options
                        .iter()
                        .find(|o| o.code.0 == 2)
                        .and_then(|o| rd_u32(&o.value, 0, big_endian))
                        .map(|f| ((f >> 5) & 0xf) as u8)
                        .filter(|n| *n != 0);
                    Step::Packet {
                        if_id: epb.if_id,
                        units: Some((u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low)),
                        orig_len: epb.origlen,
                        data_off: EPB_DATA_OFFSET,
                        data_len: (epb.caplen as usize).min(epb.data.len()),
                        fcs_len,
                    }
                }
                Ok((_, Block::SimplePacket(spb))) => Step::Packet {
                    if_id: 0,
                    units: None,
                    orig_len: spb.origlen,
                    data_off: SPB_DATA_OFFSET,
                    // Captured length = min(original length, block room, snaplen).
                    data_len: (spb.origlen as usize).min(spb.data.len()),
                    fcs_len: None,
                },
                Ok((_, Block::Unknown(ub))) if ub.block_type == OBSOLETE_PB_TYPE => {
                    // Obsolete Packet Block (pcapng appendix): interface id (16),
                    // drops count (16), timestamp (2x32), caplen, origlen, data.
                    let c = ub.data;
                    match (
                        rd_u16(c, 0, big_endian),
                        rd_u32(c, 4, big_endian),
                        rd_u32(c, 8, big_endian),
                        rd_u32(c, 12, big_endian),
                        rd_u32(c, 16, big_endian),
                    ) {
                        (Some(if_id), Some(hi), Some(lo), Some(caplen), Some(orig))
                            if (caplen as usize) <= c.len().saturating_sub(20) =>
                        {
                            Step::Packet {
                                if_id: u32::from(if_id),
                                units: Some((u64::from(hi) << 32) | u64::from(lo)),
                                orig_len: orig,
                                data_off: PB_DATA_OFFSET,
                                data_len: caplen as usize,
                                fcs_len: None,
                            }
                        }
                        _ => Step::Corrupt,
                    }
                }
                Ok(_) => Step::Ignore,
                Err(_) => Step::Corrupt,
            };
            let Format::Pcapng {
                big_endian: section_be,
                interfaces,
            } = &mut self.format
            else {
                return Ok(None);
            };
            match step {
                Step::Section => {
                    *section_be = big_endian;
                    interfaces.clear();
                    self.stats.sections += 1;
                    self.consume(len);
                }
                Step::Interface(iface) => {
                    interfaces.push(iface);
                    self.stats.interfaces += 1;
                    self.consume(len);
                }
                Step::Ignore => {
                    self.stats.ignored_blocks += 1;
                    self.consume(len);
                }
                Step::Corrupt => {
                    let e = self.err(ReadErrorKind::CorruptBlock { block_type });
                    self.stats.skipped_blocks += 1;
                    self.consume(len);
                    return Err(e);
                }
                Step::Packet {
                    if_id,
                    units,
                    orig_len,
                    data_off,
                    data_len,
                    fcs_len,
                } => {
                    let Some(iface) = interfaces.get(if_id as usize).copied() else {
                        let e = self.err(ReadErrorKind::UnknownInterface { interface: if_id });
                        self.stats.skipped_blocks += 1;
                        self.stats.unknown_interface += 1;
                        self.consume(len);
                        return Err(e);
                    };
                    let data_len = if units.is_none() && iface.snaplen != 0 {
                        data_len.min(iface.snaplen as usize)
                    } else {
                        data_len
                    };
                    let ts_ns = units
                        .map(|u| to_ns(u, iface.units_per_sec, iface.ts_offset_s))
                        .unwrap_or(0);
                    self.pending = len;
                    return Ok(Some(Located {
                        data_off,
                        data_len,
                        ts_ns,
                        interface: if_id,
                        link_type: iface.link_type,
                        orig_len,
                        fcs_len: fcs_len.or(iface.fcs_len),
                        offset,
                    }));
                }
            }
        }
    }
}
