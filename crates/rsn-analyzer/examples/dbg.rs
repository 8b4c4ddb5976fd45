//! Development aid: per-frame protected/decrypted lists of a capture.
use rsn_analyzer::{Analyzer, FrameIn, KeyMaterial, Link, PassphraseEntry};
use rsn_capture::{CaptureReader, Decapsulated, FcsStatus};
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mut keys = KeyMaterial::default();
    if args.len() > 3 {
        keys.passphrases.push(PassphraseEntry {
            passphrase: rsn_crypto::Passphrase::new(&args[2]).unwrap(),
            ssid: Some(args[3].as_bytes().to_vec()),
        });
    }
    let mut a = Analyzer::new(keys);
    let mut r = CaptureReader::open(&args[1]).unwrap();
    while let Some(rec) = r.next_record() {
        let rec = rec.unwrap();
        if let Ok(Decapsulated::Dot11 { frame, fcs, .. }) = rec.decap() {
            let prot = frame.len() > 1 && frame[1] & 0x40 != 0;
            let d = a
                .push(&FrameIn {
                    number: rec.frame,
                    ts_ns: rec.ts_ns,
                    link: Link::Dot11 {
                        frame,
                        fcs_bad: fcs == FcsStatus::Bad,
                    },
                })
                .is_some();
            if prot {
                println!(
                    "{} {} {:?} fc={:02x}",
                    rec.frame,
                    if d { "dec" } else { "enc" },
                    fcs,
                    frame[0]
                );
            }
        }
    }
}
