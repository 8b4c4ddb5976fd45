//! Where captured frames go. The runner is sans-IO: it hands every frame the sniffer
//! captured to a [`FrameSink`]; the caller decides what that means (a pcapng stream, a
//! vector in a test, a counter).

use std::io::Write;

use rsn_capture::{LinkType, PcapngWriter, WriteError, TSRESOL_NANOS};

/// Receives the capture, frame by frame, in order.
pub trait FrameSink {
    /// The sink's error.
    type Error;
    /// One captured frame: a radiotap header followed by the 802.11 frame (no FCS); on the
    /// wired side, an Ethernet frame.
    /// `ts_ns`: nanoseconds since the Unix epoch.
    ///
    /// # Errors
    /// Whatever the sink cannot do; the run stops with it.
    fn frame(&mut self, ts_ns: u64, data: &[u8]) -> Result<(), Self::Error>;
}

/// A pcapng stream (one interface, link type 127 radiotap, nanosecond timestamps) over
/// any writer: the simulator's bytes go straight through, nothing is held in memory.
pub struct PcapngSink<W: Write> {
    w: PcapngWriter<W>,
    ifc: u32,
}

impl<W: Write> PcapngSink<W> {
    /// Write the section and interface headers.
    ///
    /// # Errors
    /// The writer failed.
    pub fn new(out: W) -> Result<Self, WriteError> {
        let mut w = PcapngWriter::new(out)?;
        let ifc = w.add_interface(LinkType::IEEE802_11_RADIOTAP, 65535, TSRESOL_NANOS)?;
        Ok(PcapngSink { w, ifc })
    }

    /// The same for the wired side: one interface of link type Ethernet (the simulator's
    /// RADIUS capture).
    ///
    /// # Errors
    /// The writer failed.
    pub fn ethernet(out: W) -> Result<Self, WriteError> {
        let mut w = PcapngWriter::new(out)?;
        let ifc = w.add_interface(LinkType::ETHERNET, 65535, TSRESOL_NANOS)?;
        Ok(PcapngSink { w, ifc })
    }

    /// Flush and return the writer.
    ///
    /// # Errors
    /// The writer failed.
    pub fn into_inner(self) -> Result<W, WriteError> {
        self.w.into_inner()
    }
}

impl<W: Write> FrameSink for PcapngSink<W> {
    type Error = WriteError;
    fn frame(&mut self, ts_ns: u64, data: &[u8]) -> Result<(), WriteError> {
        let len = u32::try_from(data.len()).map_err(|_| WriteError::PacketTooLarge(data.len()))?;
        self.w.write_packet(self.ifc, i128::from(ts_ns), data, len)
    }
}

/// Keeps every frame in memory (tests, small scenarios).
#[derive(Debug, Default, Clone)]
pub struct VecSink {
    /// `(timestamp ns, radiotap + 802.11 frame)`.
    pub frames: Vec<(u64, Vec<u8>)>,
}

impl FrameSink for VecSink {
    type Error = core::convert::Infallible;
    fn frame(&mut self, ts_ns: u64, data: &[u8]) -> Result<(), Self::Error> {
        self.frames.push((ts_ns, data.to_vec()));
        Ok(())
    }
}

/// Counts frames and octets only.
#[derive(Debug, Default, Clone, Copy)]
pub struct CountingSink {
    /// Frames.
    pub frames: u64,
    /// Octets.
    pub bytes: u64,
}

impl FrameSink for CountingSink {
    type Error = core::convert::Infallible;
    fn frame(&mut self, _ts_ns: u64, data: &[u8]) -> Result<(), Self::Error> {
        self.frames += 1;
        self.bytes += data.len() as u64;
        Ok(())
    }
}

/// Drops every frame: the wired side of [`crate::run`], where nobody asked for it.
pub struct Discard<E>(core::marker::PhantomData<E>);

impl<E> Default for Discard<E> {
    fn default() -> Self {
        Discard(core::marker::PhantomData)
    }
}

impl<E> FrameSink for Discard<E> {
    type Error = E;
    fn frame(&mut self, _ts_ns: u64, _data: &[u8]) -> Result<(), E> {
        Ok(())
    }
}
