//! `fourway decrypt`: write a capture in which every protected frame that could be
//! decrypted is replaced by its plaintext (Protected bit cleared, security header and MIC
//! removed); everything else unchanged.

use std::fs::File;
use std::io::BufWriter;

use anyhow::Context as _;
use rsn_analyzer::Analyzer;
use rsn_capture::PcapngWriter;

use crate::cli::DecryptArgs;
use crate::{capture, Outcome};

/// Run `decrypt`.
pub fn run(args: DecryptArgs) -> anyhow::Result<Outcome> {
    let keys = args.keys.material()?;
    let mut analyzer = Analyzer::new(keys);
    let out_name = args.output.display().to_string();
    let file = File::create(&args.output).with_context(|| format!("{out_name}: cannot create"))?;
    let mut writer = PcapngWriter::new(BufWriter::new(file))
        .with_context(|| format!("{out_name}: cannot write"))?;
    let mut buf = Vec::new();
    let result = capture::run(&args.input, &mut analyzer, |r| {
        let data: &[u8] = match (r.decrypted, r.dot11) {
            (Some(plain), Some((off, len, has_fcs))) => {
                buf.clear();
                buf.extend_from_slice(r.record.data.get(..off).unwrap_or(&[]));
                buf.extend_from_slice(plain);
                if has_fcs {
                    // Keep the radio header's "FCS at end" promise with a valid FCS.
                    buf.extend_from_slice(&crc32fast::hash(plain).to_le_bytes());
                }
                let _ = len;
                &buf
            }
            _ => r.record.data,
        };
        writer
            .write_record(r.record, data)
            .with_context(|| format!("{out_name}: write failed"))?;
        Ok(())
    });
    let finish = writer
        .into_inner()
        .map_err(anyhow::Error::from)
        .and_then(|w| w.into_inner().map_err(|e| anyhow::anyhow!("{e}")));
    if let Err(e) = result.and(
        finish
            .map(|_| ())
            .with_context(|| format!("{out_name}: write failed")),
    ) {
        // Never leave a partial file behind.
        let _ = std::fs::remove_file(&args.output);
        return Err(e);
    }
    let report = analyzer.finish();
    let s = &report.summary;
    eprintln!(
        "{}: {} frames, {} protected, {} decrypted → {}",
        args.input.display(),
        s.frames,
        s.protected_frames,
        s.decrypted_frames,
        out_name
    );
    Ok(Outcome::Clean)
}
