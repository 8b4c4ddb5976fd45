//! Hostile captures (issue 8): a good WPA2 association (the simulator's `clean` scenario)
//! with hostile records spliced in — station floods, lying EAPOL-Key lengths, zero- and
//! one-octet frames, A-MSDUs with lying subframe lengths, thousands of pcapng interfaces, a
//! 4 GiB block length, pcap records longer than the snap length, timestamps going backwards,
//! frame numbers past 2^32. For each: `fourway analyze` does not crash, stays inside a 1 GiB
//! address space, counts and reports what it skipped, and still analyzes the good frames.
//! Everything is generated here; nothing big is committed.

use std::io::Write;
use std::process::{Command, Stdio};

use rsn_capture::{CaptureReader, Decapsulated};

const BIN: &str = env!("CARGO_BIN_EXE_fourway");
const STA_FAKE: [u8; 6] = [0x02, 0x66, 0, 0, 0, 1];

/// The good capture: (timestamp ns, radiotap record) of every frame, and its passphrase/SSID.
struct Good {
    recs: Vec<(u64, Vec<u8>)>,
    pass: String,
    ssid: String,
    ap: [u8; 6],
    sta: [u8; 6],
}

fn good() -> Good {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let k = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir();
    let cap = dir.join(format!("fourway-hostile-{}-{k}.pcapng", std::process::id()));
    let truth = dir.join(format!("fourway-hostile-{}-{k}.json", std::process::id()));
    let st = Command::new(BIN)
        .args(["simulate", "--scenario", "clean", "-o"])
        .arg(&cap)
        .arg("--truth")
        .arg(&truth)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
    let t: serde_json::Value = serde_json::from_slice(&std::fs::read(&truth).unwrap()).unwrap();
    let mut r = CaptureReader::open(&cap).unwrap();
    let mut recs = Vec::new();
    while let Some(rec) = r.next_record() {
        let rec = rec.unwrap();
        recs.push((rec.ts_ns as u64, rec.data.to_vec()));
    }
    let mac = |s: &str| -> [u8; 6] {
        let v: Vec<u8> = s
            .split(':')
            .map(|x| u8::from_str_radix(x, 16).unwrap())
            .collect();
        v.try_into().unwrap()
    };
    let _ = std::fs::remove_file(&cap);
    let _ = std::fs::remove_file(&truth);
    Good {
        recs,
        pass: t["networks"][0]["passphrase"].as_str().unwrap().into(),
        ssid: t["networks"][0]["ssid"].as_str().unwrap().into(),
        ap: mac(t["clients"][0]["ap"].as_str().unwrap()),
        sta: mac(t["clients"][0]["sta"].as_str().unwrap()),
    }
}

// ------------------------------------------------------------ pcapng by hand

fn block(out: &mut Vec<u8>, t: u32, body: &[u8]) {
    let len = 12 + body.len().div_ceil(4) * 4;
    out.extend_from_slice(&t.to_le_bytes());
    out.extend_from_slice(&(len as u32).to_le_bytes());
    out.extend_from_slice(body);
    out.resize(out.len() + (body.len().div_ceil(4) * 4 - body.len()), 0);
    out.extend_from_slice(&(len as u32).to_le_bytes());
}

fn shb(out: &mut Vec<u8>) {
    let mut b = vec![];
    b.extend_from_slice(&0x1a2b_3c4du32.to_le_bytes());
    b.extend_from_slice(&[1, 0, 0, 0]);
    b.extend_from_slice(&u64::MAX.to_le_bytes());
    block(out, 0x0a0d_0d0a, &b);
}

/// IDB with a nanosecond timestamp resolution.
fn idb(out: &mut Vec<u8>, link: u16) {
    let mut b = vec![];
    b.extend_from_slice(&link.to_le_bytes());
    b.extend_from_slice(&[0, 0]);
    b.extend_from_slice(&65535u32.to_le_bytes());
    b.extend_from_slice(&[9, 0, 1, 0, 9, 0, 0, 0, 0, 0, 0, 0]);
    block(out, 1, &b);
}

fn epb(out: &mut Vec<u8>, ifc: u32, ts: u64, data: &[u8]) {
    let mut b = vec![];
    b.extend_from_slice(&ifc.to_le_bytes());
    b.extend_from_slice(&((ts >> 32) as u32).to_le_bytes());
    b.extend_from_slice(&(ts as u32).to_le_bytes());
    b.extend_from_slice(&(data.len() as u32).to_le_bytes());
    b.extend_from_slice(&(data.len() as u32).to_le_bytes());
    b.extend_from_slice(data);
    block(out, 6, &b);
}

/// The good capture as pcapng, with `hostile(i)` records after good record i.
fn pcapng(g: &Good, mut hostile: impl FnMut(usize, u64, &mut Vec<u8>)) -> Vec<u8> {
    let mut out = Vec::new();
    shb(&mut out);
    idb(&mut out, 127);
    for (i, (ts, d)) in g.recs.iter().enumerate() {
        epb(&mut out, 0, *ts, d);
        hostile(i, *ts, &mut out);
    }
    out
}

// ------------------------------------------------------------ frames

const RADIOTAP: [u8; 8] = [0, 0, 8, 0, 0, 0, 0, 0];

fn radiotap(frame: &[u8]) -> Vec<u8> {
    let mut v = RADIOTAP.to_vec();
    v.extend_from_slice(frame);
    v
}

/// A data frame from `sta` to the AP (To DS), QoS when `qos` (with A-MSDU when `amsdu`).
fn data_up(ap: [u8; 6], sta: [u8; 6], qos: Option<bool>, body: &[u8]) -> Vec<u8> {
    let subtype = if qos.is_some() { 0x88 } else { 0x08 };
    let mut f = vec![subtype, 0x01, 0, 0];
    f.extend_from_slice(&ap);
    f.extend_from_slice(&sta);
    f.extend_from_slice(&ap);
    f.extend_from_slice(&[0x10, 0]);
    if let Some(amsdu) = qos {
        f.extend_from_slice(&[if amsdu { 0x80 } else { 0 }, 0]);
    }
    f.extend_from_slice(body);
    radiotap(&f)
}

fn llc_eapol(eapol: &[u8]) -> Vec<u8> {
    let mut b = vec![0xaa, 0xaa, 0x03, 0, 0, 0, 0x88, 0x8e];
    b.extend_from_slice(eapol);
    b
}

/// An EAPOL-Key M2-shaped frame with `mic_len` octets of MIC and `key_data`, whose Key Data
/// Length field says `kd_len` and whose EAPOL body length says `body_len`.
fn eapol_key(mic_len: usize, key_data: &[u8], kd_len: u16, body_len: Option<u16>) -> Vec<u8> {
    let mut k = vec![2u8, 3, 0, 0, 2, 0x01, 0x0a, 0, 16];
    k.extend_from_slice(&1u64.to_be_bytes());
    k.extend_from_slice(&[0x5a; 32]);
    k.extend_from_slice(&[0; 16 + 8 + 8]);
    k.extend(std::iter::repeat_n(0x11, mic_len));
    k.extend_from_slice(&kd_len.to_be_bytes());
    k.extend_from_slice(key_data);
    let bl = body_len.unwrap_or((k.len() - 4) as u16);
    k[2..4].copy_from_slice(&bl.to_be_bytes());
    k
}

fn deauth(ap: [u8; 6], sta: [u8; 6]) -> Vec<u8> {
    let mut f = vec![0xc0, 0, 0, 0];
    f.extend_from_slice(&ap);
    f.extend_from_slice(&sta);
    f.extend_from_slice(&ap);
    f.extend_from_slice(&[0, 0, 7, 0]);
    radiotap(&f)
}

fn assoc_req(ap: [u8; 6], sta: [u8; 6]) -> Vec<u8> {
    let mut f = vec![0x00, 0, 0, 0];
    f.extend_from_slice(&ap);
    f.extend_from_slice(&sta);
    f.extend_from_slice(&ap);
    f.extend_from_slice(&[0, 0, 0x11, 0x04, 10, 0, 0, 4]);
    f.extend_from_slice(b"evil");
    f.extend_from_slice(&[
        0x30, 20, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 2, 0, 0,
    ]);
    radiotap(&f)
}

// ------------------------------------------------------------ running

struct Out {
    code: i32,
    json: serde_json::Value,
    stderr: String,
}

/// `fourway analyze - --json` on `bytes` (stdin), in a 1 GiB address space.
fn analyze(g: &Good, bytes: &[u8]) -> Out {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 1048576; exec {BIN} analyze - --json --passphrase '{}' --ssid '{}'",
            g.pass, g.ssid
        ))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let data = bytes.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "exit {code} (signal: {:?}): {stderr}",
        out.status
    );
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    Out { code, json, stderr }
}

/// The good association is still fully analyzed: its handshake completed with verified
/// MICs and every protected frame of the baseline decrypted.
fn intact(base: &Out, o: &Out, g: &Good) {
    intact_except(base, o, g, &[]);
}

/// [`intact`], where the frames `injected` (spoofed into the good association) may carry
/// invalid MICs.
fn intact_except(base: &Out, o: &Out, g: &Good, injected: &[u64]) {
    let sta = g
        .sta
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":");
    let hs: Vec<&serde_json::Value> = o.json["handshakes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["sta"] == sta.as_str())
        .collect();
    assert!(
        !hs.is_empty(),
        "the good client's handshake is gone: {}",
        o.json["handshakes"]
    );
    assert!(hs.iter().any(|h| h["outcome"] == "completed"), "{hs:?}");
    for h in &hs {
        for m in h["messages"].as_array().unwrap() {
            let n = m["frame"].as_u64().unwrap();
            assert!(m["mic"] != "invalid" || injected.contains(&n), "{m}");
        }
    }
    assert_eq!(
        o.json["summary"]["decrypted_frames"], base.json["summary"]["decrypted_frames"],
        "decryption of the good frames changed"
    );
    assert_eq!(o.code, base.code, "{}", o.stderr);
}

fn skipped(o: &Out, what: &str) -> u64 {
    o.json["summary"]["skipped"][what].as_u64().unwrap()
}

fn problems(o: &Out) -> String {
    o.json["input_problems"].to_string()
}

#[test]
fn hostile_records_are_counted_and_the_good_frames_still_analyzed() {
    let g = good();
    let base = analyze(&g, &pcapng(&g, |_, _, _| {}));
    assert!(base.json["summary"]["decrypted_frames"].as_u64().unwrap() > 0);
    let n = g.recs.len();

    // Zero-length, one-octet and garbage records after every good frame.
    let o = analyze(
        &g,
        &pcapng(&g, |i, ts, out| {
            epb(out, 0, ts, &[]);
            epb(out, 0, ts, &[0]);
            epb(out, 0, ts, &[(i as u8) | 0x80; 7]);
        }),
    );
    intact(&base, &o, &g);
    assert_eq!(o.json["summary"]["frames"].as_u64().unwrap(), 4 * n as u64);
    assert!(
        skipped(&o, "bad_radio_header") >= 2 * n as u64,
        "{}",
        o.json["summary"]
    );

    // EAPOL-Key frames whose length fields lie, from a fake station and one inside the good
    // association between its messages.
    let lies: Vec<Vec<u8>> = vec![
        eapol_key(16, &[0x30, 2, 1, 0], 4000, None), // key data length past the frame
        eapol_key(24, &[], 0, None),                 // MIC length of another AKM
        eapol_key(16, &[0xdd, 0xff, 0, 0x0f, 0xac, 1], 6, None), // KDE length overflow
        eapol_key(16, &[0xdd, 8, 0x30, 6, 0xdd, 4, 0x30, 2, 1, 0], 10, None), // nested elements
        eapol_key(16, &[], 0, Some(u16::MAX)),       // EAPOL body length past the frame
        eapol_key(0, &[], 0, Some(2)),               // body shorter than the fixed fields
    ];
    let o = analyze(
        &g,
        &pcapng(&g, |i, ts, out| {
            if i == 8 {
                for l in &lies {
                    epb(out, 0, ts, &data_up(g.ap, STA_FAKE, None, &llc_eapol(l)));
                    epb(out, 0, ts, &data_up(g.ap, g.sta, None, &llc_eapol(l)));
                }
            }
        }),
    );
    // Good records 1..=9, then the lies (frames 10..=21): the spoofed ones of the good
    // client are M2s with garbage MICs, reported as such.
    let injected: Vec<u64> = (10..=21).collect();
    intact_except(&base, &o, &g, &injected);
    // Spoofed M2s with garbage MICs are not the client's doing: nobody blames it.
    let sta = g
        .sta
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":");
    for f in o.json["findings"].as_array().unwrap() {
        assert!(f["sta"] != sta.as_str() || f["severity"] == "info", "{f}");
    }
    assert!(skipped(&o, "malformed_eapol") >= 2, "{}", o.json["summary"]);

    // A-MSDUs with lying subframe lengths (and a sane one carrying EAPOL garbage).
    let mut sub = vec![0u8; 12];
    sub.extend_from_slice(&0xfff0u16.to_be_bytes());
    sub.extend_from_slice(&[0xaa; 20]);
    let mut cut = vec![0u8; 10];
    cut.truncate(10);
    let o = analyze(
        &g,
        &pcapng(&g, |i, ts, out| {
            if i == 5 {
                epb(out, 0, ts, &data_up(g.ap, STA_FAKE, Some(true), &sub));
                epb(out, 0, ts, &data_up(g.ap, STA_FAKE, Some(true), &cut));
            }
        }),
    );
    intact(&base, &o, &g);
    assert_eq!(skipped(&o, "malformed_amsdu"), 2, "{}", o.json["summary"]);
    assert!(problems(&o).contains("A-MSDU subframe"), "{}", problems(&o));

    // Timestamps going backwards: said, and the analysis is otherwise the same.
    let o = analyze(
        &g,
        &pcapng(&g, |i, _, out| {
            if i == 3 {
                epb(out, 0, 1, &deauth(g.ap, STA_FAKE));
            }
        }),
    );
    intact(&base, &o, &g);
    assert!(o.json["summary"]["timestamps_backwards"].as_u64().unwrap() >= 1);
    assert_eq!(o.json["summary"]["timing_reliable"], false);
}

#[test]
fn pcapng_with_thousands_of_interfaces_and_a_4_gib_block() {
    let g = good();
    let base = analyze(&g, &pcapng(&g, |_, _, _| {}));
    // 5000 interfaces declared before the traffic (all radiotap; the good frames on #4999).
    let mut out = Vec::new();
    shb(&mut out);
    for _ in 0..5000 {
        idb(&mut out, 127);
    }
    for (ts, d) in &g.recs {
        epb(&mut out, 4999, *ts, d);
    }
    intact(&base, &analyze(&g, &out), &g);

    // A block claiming 4 GiB after the good frames: nothing that large is allocated; the
    // problem is reported with its offset; the frames before it are analyzed.
    let mut out = pcapng(&g, |_, _, _| {});
    out.extend_from_slice(&6u32.to_le_bytes());
    out.extend_from_slice(&0xffff_fff0u32.to_le_bytes());
    out.extend_from_slice(&[0u8; 64]);
    let o = analyze(&g, &out);
    intact(&base, &o, &g);
    let p = problems(&o);
    assert!(p.contains("4294967280") || p.contains("limit"), "{p}");
}

#[test]
fn pcap_records_longer_than_the_snap_length() {
    let g = good();
    let base = analyze(&g, &pcapng(&g, |_, _, _| {}));
    // pcap, snaplen 256; one record claims caplen 70000 (> snaplen, > 65535).
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    out.extend_from_slice(&[2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    out.extend_from_slice(&256u32.to_le_bytes());
    out.extend_from_slice(&127u32.to_le_bytes());
    let rec = |out: &mut Vec<u8>, ts: u64, caplen: u32, data: &[u8]| {
        out.extend_from_slice(&((ts / 1_000_000_000) as u32).to_le_bytes());
        out.extend_from_slice(&(((ts / 1000) % 1_000_000) as u32).to_le_bytes());
        out.extend_from_slice(&caplen.to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(data);
    };
    for (i, (ts, d)) in g.recs.iter().enumerate() {
        rec(&mut out, *ts, d.len() as u32, d);
        if i == 6 {
            // Claims 300 octets (> snaplen 256) and carries them: read, counted as given.
            rec(&mut out, *ts, 300, &[0u8; 300]);
        }
    }
    // The last record claims 70000 octets and the file ends: truncated, reported.
    rec(&mut out, 0, 70_000, &[0u8; 16]);
    out.truncate(out.len() - 4);
    let o = analyze(&g, &out);
    intact(&base, &o, &g);
    assert!(
        skipped(&o, "truncated_records") + skipped(&o, "corrupt_blocks") >= 1,
        "{}",
        o.json["summary"]
    );
}

#[test]
fn station_and_deauthentication_floods_are_bounded() {
    // 150 000 fake stations associating and deauthenticating before and after the good
    // association, streamed on stdin: the client table stays at its cap (evictions counted)
    // and the good association is analyzed.
    let g = good();
    let base = analyze(&g, &pcapng(&g, |_, _, _| {}));
    let flood = |out: &mut Vec<u8>, ts: u64, from: u32| {
        for k in from..from + 75_000 {
            let b = k.to_be_bytes();
            let sta = [0x02, 0x77, b[0], b[1], b[2], b[3]];
            if k % 2 == 0 {
                epb(out, 0, ts, &assoc_req(g.ap, sta));
            } else {
                epb(out, 0, ts, &deauth(g.ap, sta));
            }
        }
    };
    let last = g.recs.len() - 1;
    let bytes = pcapng(&g, |i, ts, out| {
        if i == 0 {
            flood(out, ts, 0);
        }
        if i == last {
            flood(out, ts, 75_000);
        }
    });
    let o = analyze(&g, &bytes);
    intact(&base, &o, &g);
    let s = &o.json["summary"];
    assert!(s["evicted_clients"].as_u64().unwrap() > 0, "{s}");
    assert!(
        o.json["clients"].as_array().unwrap().len() as u64 <= s["max_clients"].as_u64().unwrap()
    );
}

#[test]
fn frame_numbers_past_2_pow_32_are_kept_exactly() {
    // A capture longer than 2^32 records cannot be generated in a test; the analyzer takes
    // the reader's u64 frame numbers: pushed from 2^32 + 1 on, they come out unchanged.
    use rsn_analyzer::{Analyzer, FrameIn, KeyMaterial, Link, PassphraseEntry};
    let g = good();
    let mut keys = KeyMaterial::default();
    keys.passphrases.push(PassphraseEntry {
        passphrase: rsn_crypto::Passphrase::new(&g.pass).unwrap(),
        ssid: Some(g.ssid.as_bytes().to_vec()),
    });
    let mut a = Analyzer::new(keys);
    let base = 1u64 << 32;
    for (i, (ts, d)) in g.recs.iter().enumerate() {
        let Ok(Decapsulated::Dot11 { frame, .. }) =
            rsn_capture::decap(rsn_capture::LinkType::IEEE802_11_RADIOTAP, d)
        else {
            panic!("record {i}")
        };
        a.push(&FrameIn {
            number: base + i as u64 + 1,
            ts_ns: i128::from(*ts),
            link: Link::Dot11 {
                frame,
                fcs_bad: false,
            },
        });
    }
    let r = a.finish();
    let h = &r.handshakes[0];
    assert_eq!(h.outcome, "completed");
    assert!(
        h.messages.iter().all(|m| m.frame > base),
        "{:?}",
        h.messages
    );
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains(&format!("\"frame\":{}", h.messages[0].frame)));
}
