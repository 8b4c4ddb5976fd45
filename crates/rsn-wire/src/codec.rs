//! Panic-free cursor helpers shared by every parser and emitter in this crate.
//!
//! Decoding is linear (s2n-quic style): each read hands back the value and advances, so
//! there is no index arithmetic to get wrong. Both types only ever use `get`/`split_at_checked`.

use crate::{Error, Result};

/// A forward-only reader over a byte slice.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Reader { buf }
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }
    /// Everything not read yet.
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.buf
    }
    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let (a, b) = self.buf.split_at_checked(n).ok_or(Error::Truncated)?;
        self.buf = b;
        Ok(a)
    }
    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let s = self.take(N)?;
        s.try_into().map_err(|_| Error::Truncated)
    }
    pub(crate) fn u8(&mut self) -> Result<u8> {
        let [b] = self.array::<1>()?;
        Ok(b)
    }
    pub(crate) fn u16_le(&mut self) -> Result<u16> {
        Ok(u16::from_le_bytes(self.array()?))
    }
    pub(crate) fn u16_be(&mut self) -> Result<u16> {
        Ok(u16::from_be_bytes(self.array()?))
    }
    pub(crate) fn u32_le(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }
}

/// A forward-only writer into a caller-provided buffer.
#[derive(Debug)]
pub(crate) struct Writer<'a> {
    buf: &'a mut [u8],
    pos: usize,
    count_only: bool,
}

impl<'a> Writer<'a> {
    pub(crate) fn new(buf: &'a mut [u8]) -> Self {
        Writer {
            buf,
            pos: 0,
            count_only: false,
        }
    }
    /// A writer that only counts: lets one `write` function serve both `buffer_len` and `emit`.
    pub(crate) fn counting() -> Writer<'static> {
        Writer {
            buf: Default::default(),
            pos: 0,
            count_only: true,
        }
    }
    /// Octets written (or counted) so far.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }
    pub(crate) fn put(&mut self, b: &[u8]) -> Result<()> {
        let end = self.pos.checked_add(b.len()).ok_or(Error::Truncated)?;
        if self.count_only {
            self.pos = end;
            return Ok(());
        }
        let dst = self.buf.get_mut(self.pos..end).ok_or(Error::Truncated)?;
        dst.copy_from_slice(b);
        self.pos = end;
        Ok(())
    }
    pub(crate) fn u8(&mut self, v: u8) -> Result<()> {
        self.put(&[v])
    }
    pub(crate) fn u16_le(&mut self, v: u16) -> Result<()> {
        self.put(&v.to_le_bytes())
    }
    pub(crate) fn u16_be(&mut self, v: u16) -> Result<()> {
        self.put(&v.to_be_bytes())
    }
    pub(crate) fn u32_le(&mut self, v: u32) -> Result<()> {
        self.put(&v.to_le_bytes())
    }
    pub(crate) fn u64_be(&mut self, v: u64) -> Result<()> {
        self.put(&v.to_be_bytes())
    }
    /// Write a list count as a little-endian u16; `Malformed` if it does not fit.
    pub(crate) fn count_le(&mut self, n: usize) -> Result<()> {
        self.u16_le(u16::try_from(n).map_err(|_| Error::Malformed)?)
    }
}

/// Read `N` octets at `range` of `buf`, or zeros if out of range (only used by views whose
/// length was checked at construction, so the fallback is unreachable in practice).
pub(crate) fn array_at<const N: usize>(buf: &[u8], start: usize) -> [u8; N] {
    start
        .checked_add(N)
        .and_then(|end| buf.get(start..end))
        .and_then(|s| s.try_into().ok())
        .unwrap_or([0; N])
}

/// `buf[start..end]` or the empty slice.
pub(crate) fn slice(buf: &[u8], start: usize, end: usize) -> &[u8] {
    buf.get(start..end).unwrap_or(&[])
}

/// Run `f` against a counting writer and return the length it would write. (If `f` fails on
/// an unrepresentable value, the count stops there and the matching `emit` fails too.)
pub(crate) fn count(f: impl FnOnce(&mut Writer<'_>) -> Result<()>) -> usize {
    let mut w = Writer::counting();
    let _ = f(&mut w);
    w.pos()
}

/// Emit `len` bytes with `f` into a fresh vector.
pub(crate) fn to_vec(
    len: usize,
    f: impl FnOnce(&mut [u8]) -> Result<()>,
) -> Result<alloc::vec::Vec<u8>> {
    let mut v = alloc::vec![0u8; len];
    f(&mut v)?;
    Ok(v)
}

/// Defines an open code newtype: named consts, `name()`, Display (name or number), Debug.
macro_rules! open_code {
    ($(#[$m:meta])* $name:ident($int:ty) { $($(#[$cm:meta])* $konst:ident = $val:expr;)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(pub $int);

        impl $name {
            $($(#[$cm])* pub const $konst: $name = $name($val);)*

            /// The constant's name, if this value has one.
            pub fn name(&self) -> Option<&'static str> {
                match self.0 {
                    $(v if v == $val => Some(stringify!($konst)),)*
                    _ => None,
                }
            }
        }

        impl From<$int> for $name {
            fn from(v: $int) -> Self {
                $name(v)
            }
        }

        impl From<$name> for $int {
            fn from(v: $name) -> Self {
                v.0
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                match self.name() {
                    Some(n) => write!(f, "{} ({})", self.0, n),
                    None => write!(f, "{}", self.0),
                }
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                match self.name() {
                    Some(n) => write!(f, "{}::{}", stringify!($name), n),
                    None => write!(f, "{}({})", stringify!($name), self.0),
                }
            }
        }
    };
}
pub(crate) use open_code;
