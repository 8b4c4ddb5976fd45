//! pcapng writer: round trips through our reader, copy-through of a real capture,
//! determinism, and tshark acceptance.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::Cursor;
use std::path::PathBuf;

use rsn_capture::{
    CaptureReader, LinkType, PcapngWriter, WriteError, TSRESOL_MICROS, TSRESOL_NANOS,
};

type Row = (u64, i128, u32, LinkType, u32, Option<u8>, Vec<u8>);

fn read_back(bytes: Vec<u8>) -> Vec<Row> {
    let mut r = CaptureReader::new(Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    while let Some(x) = r.next_record() {
        let rec = x.unwrap();
        out.push((
            rec.frame,
            rec.ts_ns,
            rec.interface,
            rec.link_type,
            rec.orig_len,
            rec.fcs_len,
            rec.data.to_vec(),
        ));
    }
    assert_eq!(r.stats().skipped_blocks, 0);
    out
}

fn synthetic() -> Vec<u8> {
    let mut w = PcapngWriter::new(Vec::new()).unwrap();
    let a = w
        .add_interface(LinkType::IEEE802_11_RADIOTAP, 65535, TSRESOL_MICROS)
        .unwrap();
    let b = w
        .add_interface(LinkType::ETHERNET, 0, TSRESOL_NANOS)
        .unwrap();
    assert_eq!((a, b), (0, 1));
    // Lengths 0..=9 exercise every padding.
    for n in 0..10u8 {
        let data: Vec<u8> = (0..n).collect();
        w.write_packet(
            u32::from(n % 2),
            1_600_000_000_000_000_000 + i128::from(n) * 1000,
            &data,
            u32::from(n) + 5,
        )
        .unwrap();
    }
    w.into_inner().unwrap()
}

#[test]
fn round_trip_and_padding() {
    let bytes = synthetic();
    assert_eq!(bytes.len() % 4, 0);
    let rows = read_back(bytes);
    assert_eq!(rows.len(), 10);
    for (i, row) in rows.iter().enumerate() {
        let n = i as u8;
        let lt = if n % 2 == 0 {
            LinkType::IEEE802_11_RADIOTAP
        } else {
            LinkType::ETHERNET
        };
        assert_eq!(
            row,
            &(
                u64::from(n) + 1,
                1_600_000_000_000_000_000 + i128::from(n) * 1000,
                u32::from(n % 2),
                lt,
                u32::from(n) + 5,
                None,
                (0..n).collect::<Vec<u8>>()
            )
        );
    }
}

#[test]
fn deterministic_output() {
    assert_eq!(synthetic(), synthetic());
}

#[test]
fn writer_errors() {
    let mut w = PcapngWriter::new(Vec::new()).unwrap();
    assert!(matches!(
        w.write_packet(0, 0, &[1], 1),
        Err(WriteError::UnknownInterface(0))
    ));
    let i = w
        .add_interface(LinkType::IEEE802_11, 0, TSRESOL_MICROS)
        .unwrap();
    assert!(matches!(
        w.write_packet(i, -1, &[1], 1),
        Err(WriteError::TimestampOutOfRange(-1))
    ));
    assert!(matches!(
        w.add_interface(LinkType::IEEE802_11, 0, 30),
        Err(WriteError::BadTsresol(30))
    ));
}

fn corpus(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/captures")
        .join(file)
}

/// Copy every record of real captures through the writer (as `decrypt` will) and
/// read them back: same link type, timestamp, bytes and lengths.
#[test]
fn copy_through_real_captures() {
    for file in [
        "wpa-Induction.pcap",
        "wpa.cap",
        "eap-test.dump",
        "wpa3-sae.pcapng",
    ] {
        let copy = || {
            let mut r = CaptureReader::open(corpus(file)).unwrap();
            let mut w = PcapngWriter::new(Vec::new()).unwrap();
            let mut orig = Vec::new();
            while let Some(x) = r.next_record() {
                let rec = x.unwrap();
                w.write_record(&rec, rec.data).unwrap();
                orig.push((
                    rec.frame,
                    rec.ts_ns,
                    rec.link_type,
                    rec.orig_len,
                    rec.data.to_vec(),
                ));
            }
            (w.into_inner().unwrap(), orig)
        };
        let (bytes, orig) = copy();
        assert_eq!(bytes, copy().0, "{file}: deterministic");
        let back: Vec<_> = read_back(bytes)
            .into_iter()
            .map(|r| (r.0, r.1, r.3, r.4, r.6))
            .collect();
        assert_eq!(back, orig, "{file}");
    }
}

/// Modified frames keep the snapped part of the original length.
#[test]
fn copy_through_with_modified_data() {
    let mut r = CaptureReader::open(corpus("wpa2.eapol.cap")).unwrap();
    let mut w = PcapngWriter::new(Vec::new()).unwrap();
    let rec = r.next_record().unwrap().unwrap();
    let shorter = &rec.data[..rec.data.len() - 8];
    w.write_record(&rec, shorter).unwrap();
    let back = read_back(w.into_inner().unwrap());
    assert_eq!(back[0].6, shorter);
    assert_eq!(back[0].4, rec.orig_len - 8);
}

/// tshark must open what we write. Skipped (with a message) without tshark,
/// unless CI=true.
#[test]
fn tshark_reads_written_files() {
    let have_tshark = std::process::Command::new("tshark")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !have_tshark {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("tshark is required in CI (CI=true) but was not found");
        }
        eprintln!("skipping tshark_reads_written_files: tshark not installed");
        return;
    }
    let dir = std::env::temp_dir().join(format!("rsn-capture-tshark-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Synthetic file and a copy-through of a real capture.
    let mut r = CaptureReader::open(corpus("wpa-Induction.pcap")).unwrap();
    let mut w = PcapngWriter::new(Vec::new()).unwrap();
    while let Some(x) = r.next_record() {
        let rec = x.unwrap();
        w.write_record(&rec, rec.data).unwrap();
    }
    for (name, bytes, frames, first_time) in [
        ("synthetic.pcapng", synthetic(), 10, "1600000000.000000000"),
        (
            "induction.pcapng",
            w.into_inner().unwrap(),
            1093,
            "1167891285.859308000",
        ),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = std::process::Command::new("tshark")
            .args(["-n", "-r"])
            .arg(&path)
            .args(["-T", "fields", "-e", "frame.time_epoch"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{name}: {stderr}");
        assert!(
            !stderr.contains("appears to be damaged"),
            "{name}: {stderr}"
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines.len(), frames, "{name}");
        assert_eq!(lines[0], first_time, "{name}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
