//! pcapng writer (little-endian, one section). Output is a pure function of the
//! calls made: no clock, host name or OS string is written.

use std::fmt;
use std::io::{self, Write};

use crate::reader::{Record, MAX_BLOCK_LEN};
use crate::LinkType;

/// `if_tsresol` for microseconds (the pcapng default).
pub const TSRESOL_MICROS: u8 = 6;
/// `if_tsresol` for nanoseconds.
pub const TSRESOL_NANOS: u8 = 9;

const SHB_TYPE: u32 = 0x0A0D_0D0A;
const IDB_TYPE: u32 = 0x0000_0001;
const EPB_TYPE: u32 = 0x0000_0006;
const USER_APPL: &[u8] = b"fourway rsn-capture";

/// Why a packet could not be written.
#[derive(Debug)]
#[non_exhaustive]
pub enum WriteError {
    /// The underlying writer failed.
    Io(io::Error),
    /// `write_packet` named an interface that `add_interface` did not return.
    UnknownInterface(u32),
    /// The timestamp is negative or does not fit 64 bits of the interface's units.
    TimestampOutOfRange(i128),
    /// The packet does not fit a block of at most [`MAX_BLOCK_LEN`] octets.
    PacketTooLarge(usize),
    /// `if_tsresol` names a resolution finer than 1 unit per 2^64 per second.
    BadTsresol(u8),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Io(e) => write!(f, "I/O error: {e}"),
            WriteError::UnknownInterface(i) => write!(f, "no interface {i} was added"),
            WriteError::TimestampOutOfRange(t) => {
                write!(
                    f,
                    "timestamp {t} ns cannot be written (negative or too large)"
                )
            }
            WriteError::PacketTooLarge(n) => write!(f, "packet of {n} octets is too large"),
            WriteError::BadTsresol(r) => write!(f, "unsupported if_tsresol {r:#04x}"),
        }
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WriteError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for WriteError {
    fn from(e: io::Error) -> Self {
        WriteError::Io(e)
    }
}

/// Input interface, link type and FCS length of a copied-through record.
type CopyKey = (u32, LinkType, Option<u8>);

#[derive(Clone, Copy, Debug)]
struct OutIface {
    units_per_sec: u128,
}

/// Writes a pcapng stream: a section header at construction, then interfaces and
/// Enhanced Packet Blocks.
pub struct PcapngWriter<W: Write> {
    out: W,
    interfaces: Vec<OutIface>,
    /// Copy-through map: (input interface, link type, FCS length) → output interface.
    copy_map: Vec<(CopyKey, u32)>,
    scratch: Vec<u8>,
}

impl<W: Write> fmt::Debug for PcapngWriter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PcapngWriter")
            .field("interfaces", &self.interfaces.len())
            .finish_non_exhaustive()
    }
}

fn pad4(n: usize) -> usize {
    (4 - n % 4) % 4
}

fn push_option(buf: &mut Vec<u8>, code: u16, value: &[u8]) {
    buf.extend_from_slice(&code.to_le_bytes());
    buf.extend_from_slice(&(value.len() as u16).to_le_bytes());
    buf.extend_from_slice(value);
    buf.extend(std::iter::repeat_n(0u8, pad4(value.len())));
}

impl<W: Write> PcapngWriter<W> {
    /// Start a pcapng stream on `out`: writes the Section Header Block.
    pub fn new(out: W) -> Result<PcapngWriter<W>, WriteError> {
        let mut w = PcapngWriter {
            out,
            interfaces: Vec::new(),
            copy_map: Vec::new(),
            scratch: Vec::with_capacity(4096),
        };
        let mut body = Vec::new();
        body.extend_from_slice(&0x1A2B_3C4Du32.to_le_bytes());
        body.extend_from_slice(&1u16.to_le_bytes()); // major
        body.extend_from_slice(&0u16.to_le_bytes()); // minor
        body.extend_from_slice(&(-1i64).to_le_bytes()); // section length: unspecified
        push_option(&mut body, 4, USER_APPL); // shb_userappl
        push_option(&mut body, 0, &[]); // opt_endofopt
        w.block(SHB_TYPE, &body, &[])?;
        Ok(w)
    }

    /// Declare an interface; returns its id for [`PcapngWriter::write_packet`].
    /// `snaplen` 0 means no limit; `tsresol` is the pcapng `if_tsresol` octet
    /// ([`TSRESOL_MICROS`], [`TSRESOL_NANOS`], or 0x80|n for 2^-n s).
    pub fn add_interface(
        &mut self,
        link_type: LinkType,
        snaplen: u32,
        tsresol: u8,
    ) -> Result<u32, WriteError> {
        self.add_interface_fcs(link_type, snaplen, tsresol, None)
    }

    /// Like [`PcapngWriter::add_interface`], also writing `if_fcslen` when given.
    pub fn add_interface_fcs(
        &mut self,
        link_type: LinkType,
        snaplen: u32,
        tsresol: u8,
        fcs_len: Option<u8>,
    ) -> Result<u32, WriteError> {
        let n = u32::from(tsresol & 0x7f);
        let ups = if tsresol & 0x80 == 0 {
            10u128.checked_pow(n)
        } else {
            2u128.checked_pow(n)
        }
        .filter(|u| *u <= u128::from(u64::MAX))
        .ok_or(WriteError::BadTsresol(tsresol))?;
        let id = u32::try_from(self.interfaces.len())
            .map_err(|_| WriteError::UnknownInterface(u32::MAX))?;
        let mut body = Vec::new();
        body.extend_from_slice(&link_type.0.to_le_bytes());
        body.extend_from_slice(&0u16.to_le_bytes());
        body.extend_from_slice(&snaplen.to_le_bytes());
        push_option(&mut body, 9, &[tsresol]); // if_tsresol
        if let Some(f) = fcs_len {
            push_option(&mut body, 13, &[f]); // if_fcslen
        }
        push_option(&mut body, 0, &[]);
        self.block(IDB_TYPE, &body, &[])?;
        self.interfaces.push(OutIface { units_per_sec: ups });
        Ok(id)
    }

    /// Write one packet as an Enhanced Packet Block. `orig_len` below
    /// `data.len()` is raised to `data.len()`.
    pub fn write_packet(
        &mut self,
        if_id: u32,
        ts_ns: i128,
        data: &[u8],
        orig_len: u32,
    ) -> Result<(), WriteError> {
        let iface = *self
            .interfaces
            .get(if_id as usize)
            .ok_or(WriteError::UnknownInterface(if_id))?;
        let ns = u128::try_from(ts_ns).map_err(|_| WriteError::TimestampOutOfRange(ts_ns))?;
        let units = ns
            .checked_mul(iface.units_per_sec)
            .map(|v| v / 1_000_000_000)
            .and_then(|v| u64::try_from(v).ok())
            .ok_or(WriteError::TimestampOutOfRange(ts_ns))?;
        if data.len() > MAX_BLOCK_LEN - 64 {
            return Err(WriteError::PacketTooLarge(data.len()));
        }
        let caplen = data.len() as u32;
        let mut hdr = Vec::with_capacity(20);
        hdr.extend_from_slice(&if_id.to_le_bytes());
        hdr.extend_from_slice(&((units >> 32) as u32).to_le_bytes());
        hdr.extend_from_slice(&(units as u32).to_le_bytes());
        hdr.extend_from_slice(&caplen.to_le_bytes());
        hdr.extend_from_slice(&orig_len.max(caplen).to_le_bytes());
        self.block(EPB_TYPE, &hdr, data)?;
        Ok(())
    }

    /// Copy a record through, with its link type, FCS length and timestamp
    /// (written in nanoseconds, so nothing is rounded), and `data` in place of its
    /// bytes (the `decrypt` command passes the modified frame). Output interfaces
    /// are created on first use, in order of appearance, one per distinct (input
    /// interface, link type, FCS length). The original length keeps the snapped
    /// part: `orig_len - record.data.len() + data.len()`.
    pub fn write_record(&mut self, record: &Record<'_>, data: &[u8]) -> Result<(), WriteError> {
        let key = (record.interface, record.link_type, record.fcs_len);
        let if_id = match self.copy_map.iter().find(|(k, _)| *k == key) {
            Some((_, id)) => *id,
            None => {
                let id =
                    self.add_interface_fcs(record.link_type, 0, TSRESOL_NANOS, record.fcs_len)?;
                self.copy_map.push((key, id));
                id
            }
        };
        let snapped = record.orig_len.saturating_sub(record.data.len() as u32);
        let orig_len = snapped.saturating_add(u32::try_from(data.len()).unwrap_or(u32::MAX));
        self.write_packet(if_id, record.ts_ns, data, orig_len)
    }

    /// Flush the underlying writer.
    pub fn flush(&mut self) -> Result<(), WriteError> {
        self.out.flush()?;
        Ok(())
    }

    /// Flush and return the underlying writer.
    pub fn into_inner(mut self) -> Result<W, WriteError> {
        self.out.flush()?;
        Ok(self.out)
    }

    /// Write a block: type, total length, `head`, `data` padded to 4, total length.
    fn block(&mut self, block_type: u32, head: &[u8], data: &[u8]) -> Result<(), WriteError> {
        let pad = pad4(data.len());
        let total = 12 + head.len() + data.len() + pad;
        let total32 = u32::try_from(total).map_err(|_| WriteError::PacketTooLarge(data.len()))?;
        let s = &mut self.scratch;
        s.clear();
        s.extend_from_slice(&block_type.to_le_bytes());
        s.extend_from_slice(&total32.to_le_bytes());
        s.extend_from_slice(head);
        s.extend_from_slice(data);
        s.resize(s.len() + pad, 0);
        s.extend_from_slice(&total32.to_le_bytes());
        self.out.write_all(s)?;
        Ok(())
    }
}
