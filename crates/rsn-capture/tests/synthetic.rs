//! Synthetic captures built here: every container variant, broken inputs, and
//! decapsulation of every supported link type.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::io::{Cursor, Write};

use common::{dot11_frame, with_fcs, Pcap, Pcapng, Trickle};
use rsn_capture::{
    decap, decap_with, CaptureFormat, CaptureReader, DecapError, DecapOptions, Decapsulated,
    FcsStatus, Layer, LinkType, RadioHeader, ReadErrorKind, MAX_BLOCK_LEN,
};

/// (frame, ts_ns, interface, link type, orig_len, fcs_len, data) of every record.
type Row = (u64, i128, u32, LinkType, u32, Option<u8>, Vec<u8>);

fn read_rows(bytes: Vec<u8>) -> (Vec<Row>, Vec<ReadErrorKind>, rsn_capture::ReaderStats) {
    let mut r = CaptureReader::new(Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    let mut errs = Vec::new();
    while let Some(x) = r.next_record() {
        match x {
            Ok(rec) => out.push((
                rec.frame,
                rec.ts_ns,
                rec.interface,
                rec.link_type,
                rec.orig_len,
                rec.fcs_len,
                rec.data.to_vec(),
            )),
            Err(e) => errs.push(e.kind),
        }
    }
    (out, errs, *r.stats())
}

#[test]
fn pcap_all_byte_orders_and_resolutions() {
    for big_endian in [false, true] {
        for nanos in [false, true] {
            let mut p = Pcap::new(big_endian, nanos, 105);
            p.record(1_700_000_000, 123_456, 24, &dot11_frame(1))
                .record(1_700_000_001, 999, 100, &dot11_frame(2));
            let r = CaptureReader::new(Cursor::new(p.buf.clone())).unwrap();
            assert_eq!(
                r.format(),
                CaptureFormat::Pcap {
                    big_endian,
                    nanosecond: nanos,
                    modified: false,
                    link_type: LinkType::IEEE802_11,
                    snaplen: 65535
                }
            );
            let (rows, errs, stats) = read_rows(p.buf);
            assert!(errs.is_empty());
            let unit = if nanos { 1 } else { 1000 };
            assert_eq!(
                rows,
                vec![
                    (
                        1,
                        1_700_000_000_000_000_000 + 123_456 * unit,
                        0,
                        LinkType::IEEE802_11,
                        24,
                        None,
                        dot11_frame(1)
                    ),
                    (
                        2,
                        1_700_000_001_000_000_000 + 999 * unit,
                        0,
                        LinkType::IEEE802_11,
                        100,
                        None,
                        dot11_frame(2)
                    ),
                ]
            );
            assert_eq!(stats.records, 2);
            assert_eq!(stats.bytes, 24 + 2 * (16 + 24));
        }
    }
}

#[test]
fn pcap_header_fcs_bits_give_fcs_len() {
    // libpcap LT_FCS_DATAFLAG (0x04000000) with 2 words of FCS (0x20000000).
    let mut p = Pcap::new(false, false, 105 | 0x0400_0000 | 0x2000_0000);
    p.record(0, 0, 28, &with_fcs(&dot11_frame(3)));
    let mut r = CaptureReader::new(Cursor::new(p.buf)).unwrap();
    let rec = r.next_record().unwrap().unwrap();
    assert_eq!(rec.link_type, LinkType::IEEE802_11);
    assert_eq!(rec.fcs_len, Some(4));
    match rec.decap().unwrap() {
        Decapsulated::Dot11 { frame, fcs, .. } => {
            assert_eq!(frame, &dot11_frame(3)[..]);
            assert_eq!(fcs, FcsStatus::Good);
        }
        d => panic!("{d:?}"),
    }
}

#[test]
fn pcapng_two_sections_interfaces_link_types_and_tsresol() {
    let mut g = Pcapng::new();
    g.shb(false)
        // if 0: radiotap, microseconds (default tsresol)
        .idb(127, 0, &[])
        // if 1: Ethernet, nanoseconds
        .idb(1, 0, &[(9, vec![9])])
        .epb(0, 1_000_000_123_456, 40, &radiotap_min(&dot11_frame(1)))
        .epb(1, 2_000_000_000_000_000_007, 60, &ethernet_eapol())
        // second section, big-endian: if 0 is now bare 802.11 with 2^-20 s
        // units, a 100 s offset and 4 octets of FCS.
        .shb(true)
        .idb(
            105,
            0,
            &[
                (9, vec![0x80 | 20]),
                (13, vec![4]),
                (14, 100i64.to_be_bytes().to_vec()),
            ],
        )
        .epb(0, 3 << 20, 28, &with_fcs(&dot11_frame(2)))
        // Simple Packet Block: interface 0 of this section, no timestamp.
        .spb(28, &with_fcs(&dot11_frame(3)));
    let (rows, errs, stats) = read_rows(g.buf);
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(stats.sections, 2);
    assert_eq!(stats.interfaces, 3);
    let summary: Vec<_> = rows
        .iter()
        .map(|r| (r.0, r.1, r.2, r.3, r.4, r.5))
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                1,
                1_000_000_123_456_000,
                0,
                LinkType::IEEE802_11_RADIOTAP,
                40,
                None
            ),
            (
                2,
                2_000_000_000_000_000_007,
                1,
                LinkType::ETHERNET,
                60,
                None
            ),
            (3, 103_000_000_000, 0, LinkType::IEEE802_11, 28, Some(4)),
            (4, 0, 0, LinkType::IEEE802_11, 28, Some(4)),
        ]
    );
    // if_fcslen lets decap strip and check the FCS of the bare 802.11 frames.
    for (row, seed) in rows[2..].iter().zip([2u8, 3]) {
        let d = decap_with(row.3, &row.6, DecapOptions { fcs_len: row.5 }).unwrap();
        assert_eq!(
            d,
            Decapsulated::Dot11 {
                radio: Default::default(),
                frame: &dot11_frame(seed),
                fcs: FcsStatus::Good
            }
        );
    }
}

#[test]
fn simple_packet_block_respects_snaplen() {
    let mut g = Pcapng::new();
    g.shb(false).idb(105, 10, &[]).spb(24, &dot11_frame(1));
    let (rows, errs, _) = read_rows(g.buf);
    assert!(errs.is_empty());
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].6, dot11_frame(1)[..10].to_vec());
    assert_eq!(rows[0].4, 24);
}

#[test]
fn obsolete_packet_block() {
    let mut g = Pcapng::new();
    g.shb(false)
        .idb(105, 0, &[])
        .pb(0, 5_000_000, 24, &dot11_frame(7));
    let (rows, errs, _) = read_rows(g.buf);
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(
        rows,
        vec![(
            1,
            5_000_000_000,
            0,
            LinkType::IEEE802_11,
            24,
            None,
            dot11_frame(7)
        )]
    );
}

#[test]
fn ignored_and_corrupt_blocks_are_counted() {
    let mut g = Pcapng::new();
    g.shb(false).idb(105, 0, &[]);
    // Interface Statistics Block: ignored.
    g.block(5, &[0u8; 12]);
    // EPB whose caplen exceeds its block: corrupt, skipped.
    let mut bad = Vec::new();
    for v in [0u32, 0, 0, 1000, 1000] {
        bad.extend_from_slice(&v.to_le_bytes());
    }
    bad.extend_from_slice(&[0u8; 8]);
    g.block(6, &bad);
    // EPB naming interface 5: skipped.
    g.epb(5, 0, 24, &dot11_frame(1));
    g.epb(0, 0, 24, &dot11_frame(2));
    let (rows, errs, stats) = read_rows(g.buf);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, 1, "skipped blocks take no frame number");
    assert!(matches!(
        errs[0],
        ReadErrorKind::CorruptBlock { block_type: 6 }
    ));
    assert!(matches!(
        errs[1],
        ReadErrorKind::UnknownInterface { interface: 5 }
    ));
    assert_eq!(stats.ignored_blocks, 1);
    assert_eq!(stats.skipped_blocks, 2);
    assert_eq!(stats.unknown_interface, 1);
}

#[test]
fn bad_block_length_is_fatal() {
    let mut g = Pcapng::new();
    g.shb(false).idb(105, 0, &[]);
    g.buf.extend_from_slice(&6u32.to_le_bytes());
    g.buf.extend_from_slice(&13u32.to_le_bytes());
    g.buf.extend_from_slice(&[0u8; 16]);
    let mut r = CaptureReader::new(Cursor::new(g.buf)).unwrap();
    let e = r.next_record().unwrap().unwrap_err();
    assert!(e.is_fatal());
    assert!(matches!(
        e.kind,
        ReadErrorKind::BadBlockLength {
            block_type: 6,
            length: 13
        }
    ));
    assert!(r.next_record().is_none());
}

#[test]
fn large_records_grow_the_buffer_and_oversized_ones_are_skipped() {
    let big = vec![0xab; 1 << 20]; // 1 MiB > the initial 256 KiB buffer
    let huge = vec![0xcd; MAX_BLOCK_LEN + 1];
    let mut p = Pcap::new(false, false, 105);
    p.record(1, 0, big.len() as u32, &big)
        .record(2, 0, huge.len() as u32, &huge)
        .record(3, 0, 24, &dot11_frame(1));
    let (rows, errs, stats) = read_rows(p.buf);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].6.len(), big.len());
    assert_eq!(rows[1].1, 3_000_000_000);
    assert_eq!(rows[1].0, 2);
    assert!(matches!(errs[0], ReadErrorKind::RecordTooLarge { .. }));
    assert_eq!(stats.oversized_records, 1);
    assert_eq!(stats.skipped_blocks, 1);
}

#[test]
fn short_reads_are_handled() {
    let mut g = Pcapng::new();
    g.shb(false).idb(127, 0, &[]);
    for i in 0..50 {
        g.epb(0, i, 40, &radiotap_min(&dot11_frame(i as u8)));
    }
    let data = g.buf.clone();
    for n in [1, 3, 7, 64] {
        let mut r = CaptureReader::new(Trickle {
            data: data.clone(),
            pos: 0,
            n,
        })
        .unwrap();
        let mut k = 0;
        while let Some(x) = r.next_record() {
            let rec = x.unwrap();
            assert_eq!(rec.data, &radiotap_min(&dot11_frame(k as u8))[..]);
            k += 1;
        }
        assert_eq!(k, 50);
    }
}

#[test]
fn gzip_input_is_unwrapped() {
    let mut p = Pcap::new(false, false, 105);
    for i in 0..100u8 {
        p.record(u32::from(i), 0, 24, &dot11_frame(i));
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&p.buf).unwrap();
    let gz = gz.finish().unwrap();
    assert_eq!(&gz[..2], &[0x1f, 0x8b]);
    let r = CaptureReader::new(Cursor::new(gz.clone())).unwrap();
    assert!(r.is_compressed());
    let (rows, errs, stats) = read_rows(gz.clone());
    assert!(errs.is_empty());
    assert_eq!(rows.len(), 100);
    assert_eq!(rows[99].6, dot11_frame(99));
    assert_eq!(
        stats.bytes,
        p.buf.len() as u64,
        "offsets count decompressed bytes"
    );

    // A gzip stream cut short reads like a truncated file: no panic, the
    // complete records come out, the partial one is counted.
    let cut = &gz[..gz.len() * 2 / 3];
    let (rows, errs, _) = read_rows(cut.to_vec());
    assert!(!rows.is_empty() && rows.len() < 100);
    assert!(errs.len() <= 1, "{errs:?}");
}

#[test]
fn garbage_and_empty_input_are_not_captures() {
    for bad in [
        &b""[..],
        &b"ab"[..],
        &b"hello, world, this is text"[..],
        &[0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0][..],
    ] {
        let e = CaptureReader::new(Cursor::new(bad.to_vec())).unwrap_err();
        assert!(e.is_fatal());
        assert!(
            matches!(e.kind, ReadErrorKind::NotACapture { .. }),
            "{bad:?}: {e}"
        );
        assert_eq!(e.offset, 0);
    }
    // Garbage that is gzip: a corrupt deflate stream is an I/O error, fatal.
    let e = CaptureReader::new(Cursor::new(vec![
        0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
    ]))
    .unwrap_err();
    assert!(e.is_fatal(), "{e}");
}

/// Cut a small pcap and a small pcapng at every byte offset: never a panic; a cut
/// inside the file header is fatal, a cut inside a record yields the records
/// before it and one counted truncation.
#[test]
fn truncated_at_every_offset() {
    let mut p = Pcap::new(false, false, 127);
    p.record(1, 0, 40, &radiotap_min(&dot11_frame(1)));
    let first = p.buf.len();
    p.record(2, 0, 40, &radiotap_min(&dot11_frame(2)));
    let pcap_ends = [24, first, p.buf.len()];

    let mut g = Pcapng::new();
    g.shb(false);
    let shb_end = g.buf.len();
    g.idb(127, 0, &[]);
    let hdr_end = g.buf.len();
    g.epb(0, 1, 40, &radiotap_min(&dot11_frame(1)));
    let first_end = g.buf.len();
    g.epb(0, 2, 40, &radiotap_min(&dot11_frame(2)));
    let ng_ends = vec![shb_end, hdr_end, first_end, g.buf.len()];

    // (file, block boundaries, record ends)
    for (file, ends, record_ends) in [
        (p.buf, pcap_ends.to_vec(), pcap_ends[1..].to_vec()),
        (g.buf, ng_ends.clone(), ng_ends[2..].to_vec()),
    ] {
        let min_header = ends[0];
        for cut in 0..=file.len() {
            let prefix = file[..cut].to_vec();
            let r = CaptureReader::new(Cursor::new(prefix.clone()));
            let mut r = match r {
                Ok(r) => r,
                Err(e) => {
                    assert!(cut < min_header, "cut {cut}: {e}");
                    assert!(e.is_fatal());
                    continue;
                }
            };
            assert!(cut >= min_header, "cut {cut} opened");
            let mut records = 0;
            let mut truncs = 0;
            while let Some(x) = r.next_record() {
                match x {
                    Ok(_) => records += 1,
                    Err(e) => {
                        assert!(
                            matches!(e.kind, ReadErrorKind::Truncated { .. }),
                            "cut {cut}: {e}"
                        );
                        truncs += 1;
                    }
                }
            }
            let complete = record_ends.iter().filter(|e| **e <= cut).count();
            assert_eq!(records, complete, "cut {cut}");
            let at_boundary = ends.contains(&cut);
            assert_eq!(truncs, usize::from(!at_boundary), "cut {cut}");
            assert_eq!(r.stats().truncated_records, truncs as u64);
        }
    }
}

// ---- decapsulation -------------------------------------------------------------------------

/// radiotap header with Flags (0x10 FCS at end when `fcs`) and Channel 2437 MHz,
/// dBm signal -42: present = Flags | Channel | dBm signal.
fn radiotap(flags: u8, frame: &[u8]) -> Vec<u8> {
    let mut v = vec![0, 0, 16, 0];
    v.extend_from_slice(&(0b10_1010u32).to_le_bytes());
    v.push(flags); // Flags at 8
    v.push(0); // pad to 2
    v.extend_from_slice(&2437u16.to_le_bytes()); // Channel at 10
    v.extend_from_slice(&0x00a0u16.to_le_bytes());
    v.push((-42i8) as u8); // dBm antenna signal at 14
    v.push(0); // pad to 16 (it_len)
    v.extend_from_slice(frame);
    v
}

/// Smallest radiotap header (no fields), then the frame.
fn radiotap_min(frame: &[u8]) -> Vec<u8> {
    let mut v = vec![0, 0, 8, 0, 0, 0, 0, 0];
    v.extend_from_slice(frame);
    v
}

fn ethernet_eapol() -> Vec<u8> {
    let mut v = vec![
        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    ];
    v.extend_from_slice(&[0x88, 0x8e, 1, 3, 0, 4, 1, 2, 3, 4]);
    v
}

#[test]
fn radiotap_fcs_flags() {
    let f = dot11_frame(9);
    let good = radiotap(0x10, &with_fcs(&f));
    let mut wrong = with_fcs(&f);
    *wrong.last_mut().unwrap() ^= 1;
    let wrong = radiotap(0x10, &wrong);
    let flagged = radiotap(0x50, &with_fcs(&f));
    let flag_only = radiotap(0x40, &f);
    let none = radiotap(0x00, &f);
    for (bytes, want) in [
        (&good, FcsStatus::Good),
        (&wrong, FcsStatus::Bad),
        (&flagged, FcsStatus::Bad),
        (&flag_only, FcsStatus::Bad),
        (&none, FcsStatus::Absent),
    ] {
        match decap(LinkType::IEEE802_11_RADIOTAP, bytes).unwrap() {
            Decapsulated::Dot11 { radio, frame, fcs } => {
                assert_eq!(frame, &f[..]);
                assert_eq!(fcs, want);
                assert_eq!(radio.header, RadioHeader::Radiotap);
                assert_eq!(radio.channel_mhz, Some(2437));
                assert_eq!(radio.signal_dbm, Some(-42));
            }
            d => panic!("{d:?}"),
        }
    }
}

/// Extended presence bitmap with a second radiotap namespace (per-antenna signal)
/// and a vendor namespace: the crate path is bypassed, our walker reads it.
#[test]
fn radiotap_extended_bitmap_and_vendor_namespace() {
    let w0: u32 = (1 << 1) | (1 << 3) | (1 << 5) | (1 << 29) | (1 << 31); // Flags, Channel, signal; next: radiotap NS
    let w1: u32 = (1 << 5) | (1 << 11) | (1 << 30) | (1 << 31); // per-antenna signal, antenna; next: vendor NS
    let w2: u32 = 1; // vendor field bit 0 (opaque)
    let mut v = vec![0, 0, 0, 0];
    for w in [w0, w1, w2] {
        v.extend_from_slice(&w.to_le_bytes());
    }
    // offset 16
    v.push(0x10); // Flags
    v.push(0);
    v.extend_from_slice(&5180u16.to_le_bytes()); // Channel at 18
    v.extend_from_slice(&0x0140u16.to_le_bytes());
    v.push((-60i8) as u8); // signal at 22
    v.push((-70i8) as u8); // per-antenna signal at 23 (ignored: not the first)
    v.push(1); // antenna at 24
    v.push(0); // align 2
    v.extend_from_slice(&[0x00, 0x11, 0x22, 0x01, 3, 0]); // vendor NS at 26: OUI, subns, skip 3
    v.extend_from_slice(&[0xee, 0xee, 0xee]); // vendor data
    let it_len = v.len() as u16;
    v[2..4].copy_from_slice(&it_len.to_le_bytes());
    let f = dot11_frame(4);
    v.extend_from_slice(&with_fcs(&f));
    match decap(LinkType::IEEE802_11_RADIOTAP, &v).unwrap() {
        Decapsulated::Dot11 { radio, frame, fcs } => {
            assert_eq!(frame, &f[..]);
            assert_eq!(fcs, FcsStatus::Good);
            assert_eq!(radio.channel_mhz, Some(5180));
            assert_eq!(radio.signal_dbm, Some(-60));
            assert_eq!(radio.antenna, Some(1));
            assert_eq!(radio.flags, Some(0x10));
        }
        d => panic!("{d:?}"),
    }
}

#[test]
fn ppi_80211_common() {
    let f = dot11_frame(5);
    for (ppi_flags, body, want) in [
        (0x0001u16, with_fcs(&f), FcsStatus::Good),
        (0x0005, with_fcs(&f), FcsStatus::Bad),
        (0x0000, f.clone(), FcsStatus::Absent),
    ] {
        let mut v = vec![0, 0, 32, 0];
        v.extend_from_slice(&105u32.to_le_bytes());
        v.extend_from_slice(&2u16.to_le_bytes());
        v.extend_from_slice(&20u16.to_le_bytes());
        v.extend_from_slice(&77u64.to_le_bytes()); // TSF
        v.extend_from_slice(&ppi_flags.to_le_bytes());
        v.extend_from_slice(&108u16.to_le_bytes()); // 54 Mb/s
        v.extend_from_slice(&2462u16.to_le_bytes());
        v.extend_from_slice(&0u16.to_le_bytes());
        v.extend_from_slice(&[0, 0, (-50i8) as u8, (-95i8) as u8]);
        v.extend_from_slice(&body);
        match decap(LinkType::PPI, &v).unwrap() {
            Decapsulated::Dot11 { radio, frame, fcs } => {
                assert_eq!(frame, &f[..]);
                assert_eq!(fcs, want);
                assert_eq!(radio.header, RadioHeader::Ppi);
                assert_eq!(radio.tsft, Some(77));
                assert_eq!(radio.rate_kbps, Some(54_000));
                assert_eq!(radio.channel_mhz, Some(2462));
                assert_eq!(radio.signal_dbm, Some(-50));
                assert_eq!(radio.noise_dbm, Some(-95));
            }
            d => panic!("{d:?}"),
        }
    }
}

fn avs_header() -> Vec<u8> {
    let mut v = Vec::new();
    for x in [0x8021_1001u32, 64] {
        v.extend_from_slice(&x.to_be_bytes());
    }
    v.extend_from_slice(&1234u64.to_be_bytes()); // mactime
    v.extend_from_slice(&0u64.to_be_bytes()); // hosttime
    for x in [
        0u32,
        6,
        110,
        0,
        0,
        2,
        (-40i32) as u32,
        (-90i32) as u32,
        0,
        0,
    ] {
        v.extend_from_slice(&x.to_be_bytes()); // phytype, channel, rate (100 kb/s), ...
    }
    assert_eq!(v.len(), 64);
    v
}

#[test]
fn avs_and_prism() {
    let f = dot11_frame(6);
    let mut avs = avs_header();
    avs.extend_from_slice(&f);
    for lt in [LinkType::IEEE802_11_AVS, LinkType::IEEE802_11_PRISM] {
        match decap(lt, &avs).unwrap() {
            Decapsulated::Dot11 { radio, frame, .. } => {
                assert_eq!(frame, &f[..]);
                assert_eq!(radio.header, RadioHeader::Avs);
                assert_eq!(radio.tsft, Some(1234));
                assert_eq!(radio.channel_mhz, Some(2437));
                assert_eq!(radio.rate_kbps, Some(11_000));
                assert_eq!(radio.signal_dbm, Some(-40));
            }
            d => panic!("{d:?}"),
        }
    }
    // Prism, both host byte orders.
    for big_endian in [false, true] {
        let u32b = |x: u32| {
            if big_endian {
                x.to_be_bytes()
            } else {
                x.to_le_bytes()
            }
        };
        let u16b = |x: u16| {
            if big_endian {
                x.to_be_bytes()
            } else {
                x.to_le_bytes()
            }
        };
        let mut v = Vec::new();
        v.extend_from_slice(&u32b(0x44));
        v.extend_from_slice(&u32b(144));
        v.extend_from_slice(b"wlan0\0\0\0\0\0\0\0\0\0\0\0");
        for (i, val) in [0u32, 99, 11, 0, 0, (-55i32) as u32, 0, 22, 0, 24]
            .into_iter()
            .enumerate()
        {
            v.extend_from_slice(&u32b(0x1041 + i as u32));
            v.extend_from_slice(&u16b(0));
            v.extend_from_slice(&u16b(4));
            v.extend_from_slice(&u32b(val));
        }
        assert_eq!(v.len(), 144);
        v.extend_from_slice(&f);
        match decap(LinkType::IEEE802_11_PRISM, &v).unwrap() {
            Decapsulated::Dot11 { radio, frame, .. } => {
                assert_eq!(frame, &f[..]);
                assert_eq!(radio.header, RadioHeader::Prism);
                assert_eq!(radio.tsft, Some(99));
                assert_eq!(radio.channel_mhz, Some(2462));
                assert_eq!(radio.signal_dbm, Some(-55));
                assert_eq!(radio.rate_kbps, Some(11_000));
            }
            d => panic!("{d:?}"),
        }
        // A Prism header that is too short or has the wrong length.
        assert_eq!(
            decap(LinkType::IEEE802_11_PRISM, &v[..100]),
            Err(DecapError::Truncated {
                layer: Layer::Prism,
                need: 144,
                have: 100
            })
        );
        let mut w = v.clone();
        w[4..8].copy_from_slice(&u32b(140));
        assert!(matches!(
            decap(LinkType::IEEE802_11_PRISM, &w),
            Err(DecapError::Malformed {
                layer: Layer::Prism,
                ..
            })
        ));
    }
}

#[test]
fn ethernet_with_vlan_tags() {
    let mut v = vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    v.extend_from_slice(&[0x88, 0xa8, 0x00, 0x64]); // S-tag VLAN 100
    v.extend_from_slice(&[0x81, 0x00, 0x20, 0x07]); // C-tag VLAN 7, PCP 1
    v.extend_from_slice(&[0x88, 0x8e, 2, 3, 0, 0]);
    match decap(LinkType::ETHERNET, &v).unwrap() {
        Decapsulated::Ethernet {
            dst,
            src,
            vlan,
            ethertype,
            payload,
            fcs,
        } => {
            assert_eq!(dst.to_string(), "01:02:03:04:05:06");
            assert_eq!(src.to_string(), "07:08:09:0a:0b:0c");
            assert_eq!(vlan, Some(100));
            assert_eq!(ethertype, 0x888e);
            assert_eq!(payload, &[2, 3, 0, 0]);
            assert_eq!(fcs, FcsStatus::Absent);
        }
        d => panic!("{d:?}"),
    }
    assert!(matches!(
        decap(LinkType::ETHERNET, &v[..13]),
        Err(DecapError::Truncated {
            layer: Layer::Ethernet,
            ..
        })
    ));
}

#[test]
fn unknown_link_types_and_short_frames() {
    assert_eq!(
        decap(LinkType::NULL, &[1, 2, 3]),
        Err(DecapError::UnknownLinkType(LinkType::NULL))
    );
    assert_eq!(
        decap(LinkType(228), &[1, 2, 3]),
        Err(DecapError::UnknownLinkType(LinkType(228)))
    );
    assert!(matches!(
        decap(LinkType::IEEE802_11, &[0x80]),
        Err(DecapError::Truncated {
            layer: Layer::Ieee80211,
            need: 2,
            have: 1
        })
    ));
    // FCS flagged but the frame is shorter than the FCS.
    assert!(decap(LinkType::IEEE802_11_RADIOTAP, &radiotap(0x10, &[1, 2])).is_err());
    // Unsupported link types are counted by the reader.
    let mut p = Pcap::new(false, false, 0);
    p.record(0, 0, 4, &[2, 0, 0, 0]);
    let (rows, _, stats) = read_rows(p.buf);
    assert_eq!(rows.len(), 1);
    assert_eq!(stats.unknown_link_types, 1);
}
