//! IEEE 802.11 MAC header (IEEE 802.11-2020 9.2.3, 9.2.4, 9.3).
//!
//! [`Header`] is a checked view over a whole MPDU (header and body, no FCS); [`HeaderRepr`]
//! is the parsed header. The header length follows from the Frame Control field alone
//! ([`FrameControl::header_len`]), so the view never reads past its buffer.

use crate::codec::{array_at, open_code, Reader, Writer};
use crate::{Error, MacAddr, Result};

open_code! {
    /// Frame type: bits 2-3 of Frame Control (IEEE 802.11-2020 9.2.4.1.3, Table 9-1).
    FrameType(u8) {
        /// Management frame.
        MANAGEMENT = 0;
        /// Control frame.
        CONTROL = 1;
        /// Data frame.
        DATA = 2;
        /// Extension frame (DMG beacon, S1G beacon).
        EXTENSION = 3;
    }
}

/// Subtype values (IEEE 802.11-2020 Table 9-1), grouped by frame type.
pub mod subtype {
    /// Management subtypes.
    pub mod mgmt {
        /// Association Request.
        pub const ASSOC_REQ: u8 = 0;
        /// Association Response.
        pub const ASSOC_RESP: u8 = 1;
        /// Reassociation Request.
        pub const REASSOC_REQ: u8 = 2;
        /// Reassociation Response.
        pub const REASSOC_RESP: u8 = 3;
        /// Probe Request.
        pub const PROBE_REQ: u8 = 4;
        /// Probe Response.
        pub const PROBE_RESP: u8 = 5;
        /// Timing Advertisement.
        pub const TIMING_ADV: u8 = 6;
        /// Beacon.
        pub const BEACON: u8 = 8;
        /// ATIM.
        pub const ATIM: u8 = 9;
        /// Disassociation.
        pub const DISASSOC: u8 = 10;
        /// Authentication.
        pub const AUTH: u8 = 11;
        /// Deauthentication.
        pub const DEAUTH: u8 = 12;
        /// Action.
        pub const ACTION: u8 = 13;
        /// Action No Ack.
        pub const ACTION_NO_ACK: u8 = 14;
    }
    /// Control subtypes.
    pub mod ctrl {
        /// Trigger.
        pub const TRIGGER: u8 = 2;
        /// Beamforming Report Poll.
        pub const BF_REPORT_POLL: u8 = 4;
        /// VHT/HE NDP Announcement.
        pub const NDP_ANNOUNCEMENT: u8 = 5;
        /// Control Frame Extension.
        pub const FRAME_EXTENSION: u8 = 6;
        /// Control Wrapper.
        pub const WRAPPER: u8 = 7;
        /// Block Ack Request.
        pub const BLOCK_ACK_REQ: u8 = 8;
        /// Block Ack.
        pub const BLOCK_ACK: u8 = 9;
        /// PS-Poll.
        pub const PS_POLL: u8 = 10;
        /// RTS.
        pub const RTS: u8 = 11;
        /// CTS.
        pub const CTS: u8 = 12;
        /// Ack.
        pub const ACK: u8 = 13;
        /// CF-End.
        pub const CF_END: u8 = 14;
        /// CF-End + CF-Ack.
        pub const CF_END_ACK: u8 = 15;
    }
    /// Data subtypes. Bit 3 (value 8) marks QoS, bit 2 (value 4) marks "no data".
    pub mod data {
        /// Data.
        pub const DATA: u8 = 0;
        /// Null (no data).
        pub const NULL: u8 = 4;
        /// QoS Data.
        pub const QOS_DATA: u8 = 8;
        /// QoS Data + CF-Ack.
        pub const QOS_DATA_CF_ACK: u8 = 9;
        /// QoS Data + CF-Poll.
        pub const QOS_DATA_CF_POLL: u8 = 10;
        /// QoS Data + CF-Ack + CF-Poll.
        pub const QOS_DATA_CF_ACK_POLL: u8 = 11;
        /// QoS Null (no data).
        pub const QOS_NULL: u8 = 12;
        /// QoS CF-Poll (no data).
        pub const QOS_CF_POLL: u8 = 14;
        /// QoS CF-Ack + CF-Poll (no data).
        pub const QOS_CF_ACK_POLL: u8 = 15;
    }
}

/// The Frame Control field, as the little-endian `u16` it is on the wire
/// (IEEE 802.11-2020 9.2.4.1).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FrameControl(pub u16);

macro_rules! fc_flags {
    ($($(#[$m:meta])* $get:ident, $set:ident = $bit:expr;)*) => {
        $(
            $(#[$m])*
            pub const fn $get(&self) -> bool {
                self.0 & (1 << $bit) != 0
            }
            /// Return a copy with this flag set to `v`.
            #[must_use]
            pub const fn $set(self, v: bool) -> Self {
                FrameControl(if v { self.0 | (1 << $bit) } else { self.0 & !(1 << $bit) })
            }
        )*
    };
}

impl FrameControl {
    /// Frame Control for `(type, subtype)`, protocol version 0, no flags.
    pub const fn new(ftype: FrameType, subtype: u8) -> Self {
        FrameControl((((subtype & 0x0f) as u16) << 4) | (((ftype.0 & 0x03) as u16) << 2))
    }
    /// From the two octets as they appear on the wire.
    pub const fn from_bytes(b: [u8; 2]) -> Self {
        FrameControl(u16::from_le_bytes(b))
    }
    /// The two octets as they appear on the wire.
    pub const fn to_bytes(self) -> [u8; 2] {
        self.0.to_le_bytes()
    }
    /// Protocol Version, bits 0-1 (IEEE 802.11-2020 9.2.4.1.2).
    pub const fn protocol_version(&self) -> u8 {
        (self.0 & 0x3) as u8
    }
    /// Type, bits 2-3 (IEEE 802.11-2020 9.2.4.1.3).
    pub const fn frame_type(&self) -> FrameType {
        FrameType(((self.0 >> 2) & 0x3) as u8)
    }
    /// Subtype, bits 4-7.
    pub const fn subtype(&self) -> u8 {
        ((self.0 >> 4) & 0xf) as u8
    }
    fc_flags! {
        /// To DS, bit 8 (IEEE 802.11-2020 9.2.4.1.4).
        to_ds, with_to_ds = 8;
        /// From DS, bit 9.
        from_ds, with_from_ds = 9;
        /// More Fragments, bit 10 (9.2.4.1.5).
        more_frag, with_more_frag = 10;
        /// Retry, bit 11 (9.2.4.1.6).
        retry, with_retry = 11;
        /// Power Management, bit 12 (9.2.4.1.7).
        pwr_mgt, with_pwr_mgt = 12;
        /// More Data, bit 13 (9.2.4.1.8).
        more_data, with_more_data = 13;
        /// Protected Frame, bit 14 (9.2.4.1.9).
        protected, with_protected = 14;
        /// +HTC / Order, bit 15 (9.2.4.1.10).
        order, with_order = 15;
    }
    /// Management frame.
    pub const fn is_mgmt(&self) -> bool {
        self.frame_type().0 == FrameType::MANAGEMENT.0
    }
    /// Control frame.
    pub const fn is_ctrl(&self) -> bool {
        self.frame_type().0 == FrameType::CONTROL.0
    }
    /// Data frame (any subtype).
    pub const fn is_data(&self) -> bool {
        self.frame_type().0 == FrameType::DATA.0
    }
    /// Data frame of a QoS subtype: a QoS Control field follows the addresses
    /// (IEEE 802.11-2020 9.2.4.5).
    pub const fn is_qos_data(&self) -> bool {
        self.is_data() && self.subtype() & 0x8 != 0
    }
    /// Data frame subtype that carries no frame body (Null, QoS Null, CF-Poll ...).
    pub const fn is_null_data(&self) -> bool {
        self.is_data() && self.subtype() & 0x4 != 0
    }
    /// Both To DS and From DS set: the four-address format (IEEE 802.11-2020 9.3.2.1).
    pub const fn has_addr4(&self) -> bool {
        self.is_data() && self.to_ds() && self.from_ds()
    }
    /// HT Control field present: Order bit set on a QoS data frame or a management frame
    /// (IEEE 802.11-2020 9.2.4.1.10, 9.2.4.6).
    pub const fn has_ht_control(&self) -> bool {
        self.order() && (self.is_qos_data() || self.is_mgmt())
    }
    /// The layout of the header this Frame Control announces.
    pub const fn layout(&self) -> Layout {
        let t = self.frame_type().0;
        if t == FrameType::MANAGEMENT.0 {
            // IEEE 802.11-2020 9.3.3.2: FC, Duration, A1, A2, A3, Seq, [HTC].
            Layout::new(true, true, true, false, false, self.order())
        } else if t == FrameType::DATA.0 {
            // IEEE 802.11-2020 9.3.2.1: FC, Dur, A1, A2, A3, Seq, [A4], [QoS], [HTC].
            let qos = self.subtype() & 0x8 != 0;
            Layout::new(
                true,
                true,
                true,
                self.to_ds() && self.from_ds(),
                qos,
                qos && self.order(),
            )
        } else if t == FrameType::CONTROL.0 {
            // IEEE 802.11-2020 9.3.1: CTS and Ack carry only RA; Control Wrapper and
            // Control Frame Extension are exposed with their remainder as the body.
            let s = self.subtype();
            let ta = !matches!(s, 0 | 1 | 3 | 6 | 7 | 12 | 13);
            Layout::new(ta, false, false, false, false, false)
        } else {
            // Extension frames (DMG/S1G beacons): FC, Duration/Reserved, first address.
            Layout::new(false, false, false, false, false, false)
        }
    }
    /// Length of the MAC header implied by this Frame Control.
    pub const fn header_len(&self) -> usize {
        self.layout().len
    }
}

impl core::fmt::Debug for FrameControl {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "FrameControl({:?}/{} flags={:#04x})",
            self.frame_type(),
            self.subtype(),
            self.0 >> 8
        )
    }
}

/// Which optional header fields a frame has, and the resulting header length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Address 2 present.
    pub addr2: bool,
    /// Address 3 present.
    pub addr3: bool,
    /// Sequence Control present.
    pub seq_ctrl: bool,
    /// Address 4 present.
    pub addr4: bool,
    /// QoS Control present.
    pub qos: bool,
    /// HT Control present.
    pub ht_control: bool,
    /// Total header length.
    pub len: usize,
}

impl Layout {
    const fn new(addr2: bool, addr3: bool, seq: bool, addr4: bool, qos: bool, htc: bool) -> Self {
        let mut len = 10;
        if addr2 {
            len += 6;
        }
        if addr3 {
            len += 6;
        }
        if seq {
            len += 2;
        }
        if addr4 {
            len += 6;
        }
        if qos {
            len += 2;
        }
        if htc {
            len += 4;
        }
        Layout {
            addr2,
            addr3,
            seq_ctrl: seq,
            addr4,
            qos,
            ht_control: htc,
            len,
        }
    }
    const fn addr4_at(&self) -> usize {
        24
    }
    const fn qos_at(&self) -> usize {
        if self.addr4 {
            30
        } else {
            24
        }
    }
    const fn htc_at(&self) -> usize {
        self.len - 4
    }
}

/// Sequence Control field (IEEE 802.11-2020 9.2.4.4).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Debug)]
pub struct SeqControl(pub u16);

impl SeqControl {
    /// From sequence number (12 bits) and fragment number (4 bits).
    pub const fn new(seq: u16, frag: u8) -> Self {
        SeqControl(((seq & 0x0fff) << 4) | (frag as u16 & 0xf))
    }
    /// Fragment Number, bits 0-3.
    pub const fn fragment(&self) -> u8 {
        (self.0 & 0xf) as u8
    }
    /// Sequence Number, bits 4-15.
    pub const fn sequence(&self) -> u16 {
        self.0 >> 4
    }
}

/// QoS Control field (IEEE 802.11-2020 9.2.4.5).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Debug)]
pub struct QosControl(pub u16);

impl QosControl {
    /// TID, bits 0-3 (9.2.4.5.2).
    pub const fn tid(&self) -> u8 {
        (self.0 & 0xf) as u8
    }
    /// EOSP, bit 4.
    pub const fn eosp(&self) -> bool {
        self.0 & 0x10 != 0
    }
    /// Ack Policy, bits 5-6 (9.2.4.5.4).
    pub const fn ack_policy(&self) -> u8 {
        ((self.0 >> 5) & 0x3) as u8
    }
    /// A-MSDU Present, bit 7 (9.2.4.5.9).
    pub const fn amsdu_present(&self) -> bool {
        self.0 & 0x80 != 0
    }
    /// Bits 8-15 (TXOP limit, queue size, mesh control present ...).
    pub const fn high_octet(&self) -> u8 {
        (self.0 >> 8) as u8
    }
}

mod field {
    use core::ops::Range;
    pub const FRAME_CONTROL: usize = 0;
    pub const DURATION: Range<usize> = 2..4;
    pub const ADDR1: usize = 4;
    pub const ADDR2: usize = 10;
    pub const ADDR3: usize = 16;
    pub const SEQ_CTRL: usize = 22;
}

/// A checked view of an 802.11 MPDU: MAC header plus body (no FCS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Header<T> {
    /// Wrap `buffer` after checking that it holds at least the header its Frame Control
    /// announces. Afterwards no accessor panics.
    pub fn new_checked(buffer: T) -> Result<Self> {
        let b = buffer.as_ref();
        let fc = FrameControl::from_bytes(array_at(b, field::FRAME_CONTROL));
        if b.len() < 2 || b.len() < fc.header_len() {
            return Err(Error::Truncated);
        }
        Ok(Header { buffer })
    }
    fn b(&self) -> &[u8] {
        self.buffer.as_ref()
    }
    fn mac(&self, at: usize) -> MacAddr {
        MacAddr(array_at(self.b(), at))
    }
    /// Frame Control.
    pub fn frame_control(&self) -> FrameControl {
        FrameControl::from_bytes(array_at(self.b(), field::FRAME_CONTROL))
    }
    /// Layout of this header.
    pub fn layout(&self) -> Layout {
        self.frame_control().layout()
    }
    /// Header length.
    pub fn header_len(&self) -> usize {
        self.layout().len
    }
    /// Duration/ID field (IEEE 802.11-2020 9.2.4.2).
    pub fn duration(&self) -> u16 {
        u16::from_le_bytes(array_at(self.b(), field::DURATION.start))
    }
    /// Address 1 (always present; the receiver address).
    pub fn addr1(&self) -> MacAddr {
        self.mac(field::ADDR1)
    }
    /// Address 2, if the frame type has one.
    pub fn addr2(&self) -> Option<MacAddr> {
        self.layout().addr2.then(|| self.mac(field::ADDR2))
    }
    /// Address 3, if present.
    pub fn addr3(&self) -> Option<MacAddr> {
        self.layout().addr3.then(|| self.mac(field::ADDR3))
    }
    /// Address 4 (four-address data frames only).
    pub fn addr4(&self) -> Option<MacAddr> {
        let l = self.layout();
        l.addr4.then(|| self.mac(l.addr4_at()))
    }
    /// Sequence Control, if present.
    pub fn seq_ctrl(&self) -> Option<SeqControl> {
        self.layout()
            .seq_ctrl
            .then(|| SeqControl(u16::from_le_bytes(array_at(self.b(), field::SEQ_CTRL))))
    }
    /// QoS Control (QoS data subtypes only).
    pub fn qos_control(&self) -> Option<QosControl> {
        let l = self.layout();
        l.qos
            .then(|| QosControl(u16::from_le_bytes(array_at(self.b(), l.qos_at()))))
    }
    /// HT Control (+HTC frames only), as the little-endian u32 on the wire.
    pub fn ht_control(&self) -> Option<u32> {
        let l = self.layout();
        l.ht_control
            .then(|| u32::from_le_bytes(array_at(self.b(), l.htc_at())))
    }
    /// Receiver address (Address 1).
    pub fn ra(&self) -> MacAddr {
        self.addr1()
    }
    /// Transmitter address (Address 2), when the frame has one.
    pub fn ta(&self) -> Option<MacAddr> {
        self.addr2()
    }
    /// Destination address per To/From DS (IEEE 802.11-2020 Table 9-30 / 9.3.3.2).
    pub fn da(&self) -> Option<MacAddr> {
        let fc = self.frame_control();
        if fc.is_mgmt() || (fc.is_data() && !fc.to_ds()) {
            Some(self.addr1())
        } else if fc.is_data() {
            self.addr3()
        } else {
            None
        }
    }
    /// Source address per To/From DS (IEEE 802.11-2020 Table 9-30).
    pub fn sa(&self) -> Option<MacAddr> {
        let fc = self.frame_control();
        if fc.is_mgmt() || (fc.is_data() && !fc.from_ds()) {
            self.addr2()
        } else if fc.is_data() && !fc.to_ds() {
            self.addr3()
        } else if fc.is_data() {
            self.addr4()
        } else {
            None
        }
    }
    /// BSSID per To/From DS (IEEE 802.11-2020 Table 9-30); `None` for four-address
    /// frames and control frames.
    pub fn bssid(&self) -> Option<MacAddr> {
        let fc = self.frame_control();
        if fc.is_mgmt() {
            return self.addr3();
        }
        if !fc.is_data() {
            return None;
        }
        match (fc.to_ds(), fc.from_ds()) {
            (false, false) => self.addr3(),
            (false, true) => self.addr2(),
            (true, false) => Some(self.addr1()),
            (true, true) => None,
        }
    }
    /// The frame body: everything after the header (for protected frames this starts with
    /// the CCMP/GCMP/TKIP header).
    pub fn body(&self) -> &[u8] {
        self.b().get(self.header_len()..).unwrap_or(&[])
    }
    /// The header octets.
    pub fn header_bytes(&self) -> &[u8] {
        self.b().get(..self.header_len()).unwrap_or(&[])
    }
    /// Consume the view.
    pub fn into_inner(self) -> T {
        self.buffer
    }
}

/// Parsed MAC header. Optional fields are `Some` exactly when the Frame Control's
/// [`Layout`] says they are present; [`emit`](HeaderRepr::emit) writes zeros for a
/// required field left `None` and ignores fields the layout has no room for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HeaderRepr {
    /// Frame Control.
    pub frame_control: FrameControl,
    /// Duration/ID.
    pub duration: u16,
    /// Address 1.
    pub addr1: MacAddr,
    /// Address 2.
    pub addr2: Option<MacAddr>,
    /// Address 3.
    pub addr3: Option<MacAddr>,
    /// Sequence Control.
    pub seq_ctrl: Option<SeqControl>,
    /// Address 4.
    pub addr4: Option<MacAddr>,
    /// QoS Control.
    pub qos_control: Option<QosControl>,
    /// HT Control.
    pub ht_control: Option<u32>,
}

impl HeaderRepr {
    /// Parse from a checked view.
    pub fn parse<T: AsRef<[u8]>>(h: &Header<T>) -> Result<Self> {
        Ok(HeaderRepr {
            frame_control: h.frame_control(),
            duration: h.duration(),
            addr1: h.addr1(),
            addr2: h.addr2(),
            addr3: h.addr3(),
            seq_ctrl: h.seq_ctrl(),
            addr4: h.addr4(),
            qos_control: h.qos_control(),
            ht_control: h.ht_control(),
        })
    }
    /// Parse the header at the start of `buf`; returns it and the body.
    pub fn parse_bytes(buf: &[u8]) -> Result<(Self, &[u8])> {
        let h = Header::new_checked(buf)?;
        let body = buf.get(h.header_len()..).unwrap_or(&[]);
        Ok((Self::parse(&h)?, body))
    }
    /// Header length.
    pub fn buffer_len(&self) -> usize {
        self.frame_control.header_len()
    }
    /// Write the header at the start of `buf`.
    pub fn emit(&self, buf: &mut [u8]) -> Result<()> {
        let l = self.frame_control.layout();
        let mut w = Writer::new(buf);
        w.put(&self.frame_control.to_bytes())?;
        w.u16_le(self.duration)?;
        w.put(&self.addr1.0)?;
        if l.addr2 {
            w.put(&self.addr2.unwrap_or_default().0)?;
        }
        if l.addr3 {
            w.put(&self.addr3.unwrap_or_default().0)?;
        }
        if l.seq_ctrl {
            w.u16_le(self.seq_ctrl.unwrap_or_default().0)?;
        }
        if l.addr4 {
            w.put(&self.addr4.unwrap_or_default().0)?;
        }
        if l.qos {
            w.u16_le(self.qos_control.unwrap_or_default().0)?;
        }
        if l.ht_control {
            w.u32_le(self.ht_control.unwrap_or_default())?;
        }
        Ok(())
    }
    /// Header followed by `body` in a new vector.
    pub fn to_vec_with_body(&self, body: &[u8]) -> Result<alloc::vec::Vec<u8>> {
        let n = self.buffer_len();
        let mut v = alloc::vec![0u8; n];
        self.emit(&mut v)?;
        v.extend_from_slice(body);
        Ok(v)
    }
}

/// Parse just the Frame Control of a frame, if it has two octets.
pub fn frame_control_of(buf: &[u8]) -> Result<FrameControl> {
    let mut r = Reader::new(buf);
    Ok(FrameControl::from_bytes(r.array()?))
}

#[cfg(test)]
#[path = "ieee80211_tests.rs"]
mod tests;
