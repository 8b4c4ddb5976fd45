//! `rsn-capture`: Streaming pcap/pcapng reading and writing with 802.11 link-layer decapsulation
#![forbid(unsafe_code)]
