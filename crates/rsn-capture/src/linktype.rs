//! Link-layer header types (the `LINKTYPE_*` registry shared by pcap and pcapng).

use core::fmt;

/// A link-layer header type: an open set, so unknown values survive reading and
/// writing unchanged. Debug and Display print the name where one is known.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct LinkType(pub u16);

impl LinkType {
    /// `LINKTYPE_NULL` (BSD loopback). Not decapsulated.
    pub const NULL: LinkType = LinkType(0);
    /// `LINKTYPE_ETHERNET`: Ethernet II, optionally with 802.1Q tags.
    pub const ETHERNET: LinkType = LinkType(1);
    /// `LINKTYPE_IEEE802_11`: a bare 802.11 MAC frame.
    pub const IEEE802_11: LinkType = LinkType(105);
    /// `LINKTYPE_IEEE802_11_PRISM`: 144-octet Prism monitor-mode header, then 802.11.
    pub const IEEE802_11_PRISM: LinkType = LinkType(119);
    /// `LINKTYPE_IEEE802_11_RADIOTAP`: radiotap header, then 802.11.
    pub const IEEE802_11_RADIOTAP: LinkType = LinkType(127);
    /// `LINKTYPE_IEEE802_11_AVS`: AVS monitor-mode header (64 octets in v1), then 802.11.
    pub const IEEE802_11_AVS: LinkType = LinkType(163);
    /// `LINKTYPE_PPI`: Per-Packet Information header, then the frame of its inner link type.
    pub const PPI: LinkType = LinkType(192);

    /// The link types [`crate::decap`] understands.
    pub const SUPPORTED: [LinkType; 6] = [
        LinkType::ETHERNET,
        LinkType::IEEE802_11,
        LinkType::IEEE802_11_PRISM,
        LinkType::IEEE802_11_RADIOTAP,
        LinkType::IEEE802_11_AVS,
        LinkType::PPI,
    ];

    /// Whether [`crate::decap`] can decapsulate this link type.
    pub fn is_supported(self) -> bool {
        LinkType::SUPPORTED.contains(&self)
    }

    /// The registry name (`"IEEE802_11_RADIOTAP"`), if this crate knows it.
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            LinkType::NULL => "NULL",
            LinkType::ETHERNET => "ETHERNET",
            LinkType::IEEE802_11 => "IEEE802_11",
            LinkType::IEEE802_11_PRISM => "IEEE802_11_PRISM",
            LinkType::IEEE802_11_RADIOTAP => "IEEE802_11_RADIOTAP",
            LinkType::IEEE802_11_AVS => "IEEE802_11_AVS",
            LinkType::PPI => "PPI",
            _ => return None,
        })
    }
}

impl fmt::Display for LinkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{n} ({})", self.0),
            None => write!(f, "unknown ({})", self.0),
        }
    }
}

impl fmt::Debug for LinkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
