//! Builders for synthetic capture files.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

pub struct Pcap {
    pub big_endian: bool,
    pub nanos: bool,
    pub buf: Vec<u8>,
}

impl Pcap {
    pub fn new(big_endian: bool, nanos: bool, link_type: u32) -> Pcap {
        let mut p = Pcap {
            big_endian,
            nanos,
            buf: Vec::new(),
        };
        let magic: u32 = if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 };
        p.u32(magic);
        p.u16(2);
        p.u16(4);
        p.u32(0);
        p.u32(0);
        p.u32(65535);
        p.u32(link_type);
        p
    }
    fn u16(&mut self, v: u16) {
        let b = if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        self.buf.extend_from_slice(&b);
    }
    fn u32(&mut self, v: u32) {
        let b = if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        self.buf.extend_from_slice(&b);
    }
    pub fn record(&mut self, sec: u32, frac: u32, orig_len: u32, data: &[u8]) -> &mut Self {
        self.u32(sec);
        self.u32(frac);
        self.u32(data.len() as u32);
        self.u32(orig_len);
        self.buf.extend_from_slice(data);
        self
    }
}

/// pcapng builder; each section has its own byte order.
pub struct Pcapng {
    pub big_endian: bool,
    pub buf: Vec<u8>,
}

fn pad4(n: usize) -> usize {
    (4 - n % 4) % 4
}

impl Pcapng {
    pub fn new() -> Pcapng {
        Pcapng {
            big_endian: false,
            buf: Vec::new(),
        }
    }
    fn u16b(&self, v: u16) -> [u8; 2] {
        if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }
    fn u32b(&self, v: u32) -> [u8; 4] {
        if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }
    pub fn block(&mut self, block_type: u32, body: &[u8]) -> &mut Self {
        let total = (12 + body.len() + pad4(body.len())) as u32;
        let t = self.u32b(block_type);
        let l = self.u32b(total);
        self.buf.extend_from_slice(&t);
        self.buf.extend_from_slice(&l);
        self.buf.extend_from_slice(body);
        self.buf.extend(std::iter::repeat_n(0, pad4(body.len())));
        self.buf.extend_from_slice(&l);
        self
    }
    pub fn option(&self, out: &mut Vec<u8>, code: u16, value: &[u8]) {
        out.extend_from_slice(&self.u16b(code));
        out.extend_from_slice(&self.u16b(value.len() as u16));
        out.extend_from_slice(value);
        out.extend(std::iter::repeat_n(0, pad4(value.len())));
    }
    pub fn shb(&mut self, big_endian: bool) -> &mut Self {
        self.big_endian = big_endian;
        let mut b = Vec::new();
        b.extend_from_slice(&self.u32b(0x1A2B_3C4D));
        b.extend_from_slice(&self.u16b(1));
        b.extend_from_slice(&self.u16b(0));
        b.extend_from_slice(&(-1i64).to_le_bytes());
        self.block(0x0A0D_0D0A, &b)
    }
    /// IDB with raw option list (code, value).
    pub fn idb(&mut self, link_type: u16, snaplen: u32, opts: &[(u16, Vec<u8>)]) -> &mut Self {
        let mut b = Vec::new();
        b.extend_from_slice(&self.u16b(link_type));
        b.extend_from_slice(&self.u16b(0));
        b.extend_from_slice(&self.u32b(snaplen));
        if !opts.is_empty() {
            for (c, v) in opts {
                self.option(&mut b, *c, v);
            }
            self.option(&mut b, 0, &[]);
        }
        self.block(1, &b)
    }
    pub fn epb(&mut self, if_id: u32, ts: u64, orig_len: u32, data: &[u8]) -> &mut Self {
        let mut b = Vec::new();
        b.extend_from_slice(&self.u32b(if_id));
        b.extend_from_slice(&self.u32b((ts >> 32) as u32));
        b.extend_from_slice(&self.u32b(ts as u32));
        b.extend_from_slice(&self.u32b(data.len() as u32));
        b.extend_from_slice(&self.u32b(orig_len));
        b.extend_from_slice(data);
        b.extend(std::iter::repeat_n(0, pad4(data.len())));
        self.block(6, &b)
    }
    pub fn spb(&mut self, orig_len: u32, data: &[u8]) -> &mut Self {
        let mut b = Vec::new();
        b.extend_from_slice(&self.u32b(orig_len));
        b.extend_from_slice(data);
        self.block(3, &b)
    }
    /// Obsolete Packet Block (type 2).
    pub fn pb(&mut self, if_id: u16, ts: u64, orig_len: u32, data: &[u8]) -> &mut Self {
        let mut b = Vec::new();
        b.extend_from_slice(&self.u16b(if_id));
        b.extend_from_slice(&self.u16b(0));
        b.extend_from_slice(&self.u32b((ts >> 32) as u32));
        b.extend_from_slice(&self.u32b(ts as u32));
        b.extend_from_slice(&self.u32b(data.len() as u32));
        b.extend_from_slice(&self.u32b(orig_len));
        b.extend_from_slice(data);
        b.extend(std::iter::repeat_n(0, pad4(data.len())));
        self.block(2, &b)
    }
}

/// A reader that hands out at most `n` octets per `read`, like a slow pipe.
pub struct Trickle {
    pub data: Vec<u8>,
    pub pos: usize,
    pub n: usize,
}

impl std::io::Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let k = self.n.min(buf.len()).min(self.data.len() - self.pos);
        buf[..k].copy_from_slice(&self.data[self.pos..self.pos + k]);
        self.pos += k;
        Ok(k)
    }
}

/// A minimal 802.11 frame (a null-data frame header): frame control + 22 octets.
pub fn dot11_frame(seed: u8) -> Vec<u8> {
    let mut f = vec![0x48, 0x01];
    f.extend((0..22).map(|i| seed.wrapping_add(i)));
    f
}

/// Append the little-endian CRC-32 FCS.
pub fn with_fcs(frame: &[u8]) -> Vec<u8> {
    let mut v = frame.to_vec();
    v.extend_from_slice(&crc32fast::hash(frame).to_le_bytes());
    v
}
