//! Property tests: no input makes the reader or decap panic; our radiotap walker
//! agrees with the `radiotap` crate where the crate is used.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::Cursor;

use proptest::prelude::*;
use rsn_capture::{decap, CaptureReader, DecapStats, LinkType};

fn drain(bytes: Vec<u8>) {
    let Ok(mut r) = CaptureReader::new(Cursor::new(bytes)) else {
        return;
    };
    let mut d = DecapStats::default();
    let mut n = 0u64;
    while let Some(x) = r.next_record() {
        if let Ok(rec) = x {
            d.add(&rec.decap());
            n += 1;
        }
    }
    assert_eq!(d.total(), n);
    assert_eq!(r.stats().records, n);
}

const PCAP_LE: [u8; 24] = [
    0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 127, 0, 0, 0,
];
const PCAPNG_SHB: [u8; 28] = [
    0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 28, 0, 0, 0,
];

fn link_type() -> impl Strategy<Value = LinkType> {
    prop_oneof![
        Just(LinkType::IEEE802_11),
        Just(LinkType::IEEE802_11_RADIOTAP),
        Just(LinkType::PPI),
        Just(LinkType::IEEE802_11_AVS),
        Just(LinkType::IEEE802_11_PRISM),
        Just(LinkType::ETHERNET),
        any::<u16>().prop_map(LinkType),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn reader_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        drain(bytes);
    }

    #[test]
    fn reader_never_panics_behind_a_pcap_header(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut v = PCAP_LE.to_vec();
        v.extend(bytes);
        drain(v);
    }

    #[test]
    fn reader_never_panics_behind_a_pcapng_header(
        link in any::<u16>(),
        opts in proptest::collection::vec(any::<u8>(), 0..16),
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let mut v = PCAPNG_SHB.to_vec();
        // An IDB with arbitrary option bytes (length kept consistent).
        let body_len = 8 + opts.len().div_ceil(4) * 4;
        let total = (12 + body_len) as u32;
        v.extend_from_slice(&1u32.to_le_bytes());
        v.extend_from_slice(&total.to_le_bytes());
        v.extend_from_slice(&link.to_le_bytes());
        v.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        v.extend_from_slice(&opts);
        v.resize(v.len() + (body_len - 8 - opts.len()), 0);
        v.extend_from_slice(&total.to_le_bytes());
        v.extend(bytes);
        drain(v);
    }

    #[test]
    fn decap_never_panics(lt in link_type(), bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = decap(lt, &bytes);
        let _ = rsn_capture::decap_with(lt, &bytes, rsn_capture::DecapOptions { fcs_len: Some(4) });
    }

    /// Single-word radiotap headers (fields 0..=22, the ones the crate knows), the
    /// case where `decap` uses the crate: our walker must read the same values.
    #[test]
    fn radiotap_walker_agrees_with_the_crate(
        present in 0u32..(1 << 23),
        fields in proptest::collection::vec(any::<u8>(), 0..80),
    ) {
        let mut hdr = vec![0u8, 0, 0, 0];
        hdr.extend_from_slice(&present.to_le_bytes());
        hdr.extend_from_slice(&fields);
        let len = hdr.len() as u16;
        hdr[2..4].copy_from_slice(&len.to_le_bytes());
        if let Some(via_crate) = rsn_capture::__private::radiotap_via_crate(&hdr) {
            let walked = rsn_capture::__private::radiotap_via_walker(&hdr);
            prop_assert_eq!(via_crate, walked);
        }
    }
}

/// The comparison above is not vacuous: the crate parses most such headers.
#[test]
fn radiotap_crate_parses_most_single_word_headers() {
    let mut seed: u64 = 0x5eed;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as u32
    };
    let (mut parsed, mut agreed) = (0, 0);
    for _ in 0..1000 {
        let present = next() & ((1 << 23) - 1);
        let mut hdr = vec![0u8, 0, 0, 0];
        hdr.extend_from_slice(&present.to_le_bytes());
        hdr.extend((0..80).map(|_| next() as u8));
        let len = hdr.len() as u16;
        hdr[2..4].copy_from_slice(&len.to_le_bytes());
        if let Some(c) = rsn_capture::__private::radiotap_via_crate(&hdr) {
            parsed += 1;
            if c == rsn_capture::__private::radiotap_via_walker(&hdr) {
                agreed += 1;
            }
        }
    }
    assert!(parsed > 300, "crate parsed only {parsed} of 1000");
    assert_eq!(parsed, agreed);
}
