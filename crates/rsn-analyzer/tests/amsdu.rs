//! A-MSDUs (IEEE 802.11-2020 9.3.2.2.2): EAPOL in any subframe is found; subframe lengths
//! that run past the frame are counted and reported, never read past the end.

use rsn_analyzer::{Analyzer, FrameIn, KeyMaterial, Link};

fn amsdu_frame(subframes: &[Vec<u8>]) -> Vec<u8> {
    // QoS Data, To DS, A-MSDU Present (QoS Control bit 7).
    let mut f = vec![0x88, 0x01, 0, 0];
    f.extend_from_slice(&[2, 0, 0, 0, 0, 1]);
    f.extend_from_slice(&[2, 0, 0, 0, 0, 2]);
    f.extend_from_slice(&[2, 0, 0, 0, 0, 1]);
    f.extend_from_slice(&[0x10, 0, 0x80, 0]);
    for (i, s) in subframes.iter().enumerate() {
        f.extend_from_slice(s);
        if i + 1 < subframes.len() {
            while (f.len() - 26) % 4 != 0 {
                f.push(0);
            }
        }
    }
    f
}

fn subframe(msdu: &[u8], len: Option<u16>) -> Vec<u8> {
    let mut s = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2];
    s.extend_from_slice(&len.unwrap_or(msdu.len() as u16).to_be_bytes());
    s.extend_from_slice(msdu);
    s
}

fn m1() -> Vec<u8> {
    let mut e = vec![
        0xaa, 0xaa, 3, 0, 0, 0, 0x88, 0x8e, 2, 3, 0, 95, 2, 0x00, 0x8a, 0, 16,
    ];
    e.extend_from_slice(&1u64.to_be_bytes());
    e.extend_from_slice(&[0x33; 32]);
    e.extend_from_slice(&[0; 16 + 8 + 8 + 16 + 2]);
    e
}

fn run(frame: &[u8]) -> rsn_analyzer::report::Report {
    let mut a = Analyzer::new(KeyMaterial::default());
    a.push(&FrameIn {
        number: 1,
        ts_ns: 1,
        link: Link::Dot11 {
            frame,
            fcs_bad: false,
        },
    });
    a.finish()
}

#[test]
fn eapol_in_the_second_subframe_is_found() {
    let ip = subframe(&[0xaa, 0xaa, 3, 0, 0, 0, 8, 0, 0x45, 0, 0, 20, 0], None);
    let r = run(&amsdu_frame(&[ip, subframe(&m1(), None)]));
    assert_eq!(r.summary.eapol_key_frames, 1);
    assert_eq!(r.summary.skipped.malformed_amsdu, 0);
}

#[test]
fn lying_subframe_lengths_are_counted() {
    for len in [200u16, u16::MAX] {
        let r = run(&amsdu_frame(&[subframe(&m1(), Some(len))]));
        assert_eq!(r.summary.eapol_key_frames, 0);
        assert_eq!(r.summary.skipped.malformed_amsdu, 1);
        assert!(
            r.input_problems[0].problem.contains("runs past the frame"),
            "{:?}",
            r.input_problems
        );
    }
    // A subframe header cut short after a good subframe.
    let mut f = amsdu_frame(&[subframe(&m1(), None)]);
    f.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    let r = run(&f);
    assert_eq!(r.summary.eapol_key_frames, 1);
    assert_eq!(r.summary.skipped.malformed_amsdu, 1);
}
