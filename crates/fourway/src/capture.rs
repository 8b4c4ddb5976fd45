//! Reading a capture into the analyzer: the one loop `analyze` and `decrypt` share.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::anyhow;
use rsn_analyzer::{Analyzer, FrameIn, Link, SkipKind};
use rsn_capture::{CaptureReader, DecapError, Decapsulated, FcsStatus, ReadErrorKind, Record};

/// What the loop hands to a per-record callback (for `decrypt`).
pub struct RecordOut<'a, 'r> {
    /// The record as read.
    pub record: &'a Record<'r>,
    /// Offset of the 802.11 frame inside the record data, its length, and whether an FCS
    /// follows it.
    pub dot11: Option<(usize, usize, bool)>,
    /// The decrypted 802.11 frame, when the analyzer decrypted this record.
    pub decrypted: Option<&'a [u8]>,
}

/// Run every record of `path` through `analyzer`. A file that cannot be read at all is an
/// error (exit 2); problems after the first good record are counted and reported instead.
pub fn run(
    path: &Path,
    analyzer: &mut Analyzer,
    mut each: impl FnMut(RecordOut<'_, '_>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let name = path.display().to_string();
    let mut reader = if path.as_os_str() == "-" {
        CaptureReader::new(std::io::stdin())
    } else {
        CaptureReader::open(path)
    }
    .map_err(|e| anyhow!("{name}: {e}"))?;
    let mut good = 0u64;
    // A progress bar on stderr for long files, only when stderr is a terminal.
    let size = std::fs::metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    let progress = (std::io::stderr().is_terminal()
        && size.is_none_or(|s| s > 64 << 20)
        && !reader.is_compressed())
    .then(|| {
        let bar = match size {
            Some(s) => indicatif::ProgressBar::new(s),
            None => indicatif::ProgressBar::new_spinner(),
        };
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    while let Some(r) = reader.next_record() {
        if crate::interrupted() {
            break;
        }
        let rec = match r {
            Ok(rec) => rec,
            Err(e) => {
                if e.is_fatal() && good == 0 {
                    return Err(anyhow!("{name}: {e}"));
                }
                let kind = match e.kind {
                    ReadErrorKind::Truncated { .. } => SkipKind::Truncated,
                    _ => SkipKind::CorruptBlock,
                };
                analyzer.skip(e.frame, Some(e.offset), kind, format!("{name}: {e}"));
                if e.is_fatal() {
                    break;
                }
                continue;
            }
        };
        good += 1;
        if good % 65536 == 0 {
            if let Some(p) = &progress {
                p.set_position(rec.offset);
                p.set_message(format!("{good} frames"));
            }
        }
        let (dot11, decrypted) = match rec.decap() {
            Ok(Decapsulated::Dot11 { frame, fcs, .. }) => {
                let off = (frame.as_ptr() as usize).saturating_sub(rec.data.as_ptr() as usize);
                let has_fcs = rec.data.len() >= off + frame.len() + 4 && fcs != FcsStatus::Absent;
                let f = FrameIn {
                    number: rec.frame,
                    ts_ns: rec.ts_ns,
                    link: Link::Dot11 {
                        frame,
                        fcs_bad: fcs == FcsStatus::Bad,
                    },
                };
                (Some((off, frame.len(), has_fcs)), analyzer.push(&f))
            }
            Ok(Decapsulated::Ethernet {
                dst,
                src,
                ethertype,
                payload,
                ..
            }) => {
                let f = FrameIn {
                    number: rec.frame,
                    ts_ns: rec.ts_ns,
                    link: Link::Ethernet {
                        dst,
                        src,
                        ethertype,
                        payload,
                    },
                };
                (None, analyzer.push(&f))
            }
            Err(e) => {
                let kind = match e {
                    DecapError::UnknownLinkType(_) => SkipKind::UnknownLinkType,
                    _ => SkipKind::BadRadioHeader,
                };
                analyzer.skip(
                    rec.frame,
                    Some(rec.offset),
                    kind,
                    format!("{name}: frame {}: {e}", rec.frame),
                );
                (None, None)
            }
        };
        each(RecordOut {
            record: &rec,
            dot11,
            decrypted,
        })?;
    }
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    Ok(())
}

/// Read a wired capture for RADIUS into `collector` (Ethernet, Linux cooked, raw IP).
/// Records that cannot be read are noted in the collector's problems, never dropped
/// silently.
pub fn read_radius(
    path: &Path,
    collector: &mut rsn_analyzer::enterprise::Collector,
) -> anyhow::Result<()> {
    let name = path.display().to_string();
    let mut reader = CaptureReader::open(path).map_err(|e| anyhow!("{name}: {e}"))?;
    let mut good = 0u64;
    while let Some(r) = reader.next_record() {
        if crate::interrupted() {
            break;
        }
        let rec = match r {
            Ok(rec) => rec,
            Err(e) => {
                if e.is_fatal() && good == 0 {
                    return Err(anyhow!("{name}: {e}"));
                }
                collector.note(e.frame, format!("{name}: {e}"));
                if e.is_fatal() {
                    break;
                }
                continue;
            }
        };
        good += 1;
        match rec.decap() {
            Ok(Decapsulated::Ethernet {
                ethertype, payload, ..
            }) if ethertype == 0x0800 || ethertype == 0x86dd => {
                collector.push_ip(rec.frame, rec.ts_ns, payload);
            }
            Ok(_) => {}
            Err(_) => {
                if let Some(ip) = rsn_analyzer::enterprise::ip_of_link(rec.link_type.0, rec.data) {
                    collector.push_ip(rec.frame, rec.ts_ns, ip);
                }
            }
        }
    }
    Ok(())
}
