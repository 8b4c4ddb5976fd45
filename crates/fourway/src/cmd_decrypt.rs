//! `fourway decrypt`: write a capture in which every protected frame that could be
//! decrypted is replaced by its plaintext (Protected bit cleared, security header and MIC
//! removed); everything else unchanged.
//!
//! The output is written to a temporary file beside the target and renamed into place only
//! when complete: a full disk, an I/O error or Ctrl-C never leave a partial capture behind.
//! Outputs that are not regular files (`/dev/stdout`, a pipe) are written directly.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use rsn_analyzer::Analyzer;
use rsn_capture::PcapngWriter;

use crate::cli::DecryptArgs;
use crate::{capture, Outcome};

/// Where the bytes go while being written, and what to do at the end.
enum Target {
    /// A temporary file renamed to `dest` on success, removed otherwise.
    Temp { tmp: PathBuf, dest: PathBuf },
    /// A special file (device, FIFO) written directly.
    Direct,
}

impl Target {
    fn open(dest: &Path) -> anyhow::Result<(Target, File)> {
        let name = dest.display();
        let special = std::fs::metadata(dest).is_ok_and(|m| !m.is_file());
        if special {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(dest)
                .with_context(|| format!("{name}: cannot open for writing"))?;
            return Ok((Target::Direct, f));
        }
        let file_name = dest
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        let tmp = dest.with_file_name(format!(".{file_name}.fourway-{}.tmp", std::process::id()));
        let f = File::create(&tmp)
            .with_context(|| format!("{name}: cannot create (temporary file {})", tmp.display()))?;
        Ok((
            Target::Temp {
                tmp,
                dest: dest.to_path_buf(),
            },
            f,
        ))
    }

    fn commit(self) -> anyhow::Result<()> {
        if let Target::Temp { tmp, dest } = self {
            std::fs::rename(&tmp, &dest).with_context(|| {
                format!(
                    "{}: cannot move the finished output into place",
                    dest.display()
                )
            })?;
        }
        Ok(())
    }

    fn discard(self) {
        if let Target::Temp { tmp, .. } = self {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// Run `decrypt`.
pub fn run(args: DecryptArgs) -> anyhow::Result<Outcome> {
    let keys = args.keys.material()?;
    let enterprise = args.keys.enterprise()?;
    let mut analyzer = Analyzer::new(keys);
    if let Some((collector, radius_names)) = enterprise {
        let mut names = vec![args.input.display().to_string()];
        names.extend(radius_names);
        analyzer.set_capture_names(names);
        analyzer.set_enterprise(collector);
    }
    let out_name = args.output.display().to_string();
    let (target, file) = Target::open(&args.output)?;
    let written = write_all(&args, &mut analyzer, file, &out_name);
    if let Err(e) = written {
        target.discard();
        return Err(e);
    }
    if crate::interrupted() {
        target.discard();
        eprintln!("{out_name}: interrupted (Ctrl-C): no output written");
        return Ok(Outcome::Interrupted);
    }
    target.commit()?;
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

fn write_all(
    args: &DecryptArgs,
    analyzer: &mut Analyzer,
    file: File,
    out_name: &str,
) -> anyhow::Result<()> {
    let mut writer = PcapngWriter::new(BufWriter::new(file))
        .with_context(|| format!("{out_name}: write failed"))?;
    let mut buf = Vec::new();
    capture::run(&args.input, analyzer, |r| {
        let data: &[u8] = match (r.decrypted, r.dot11) {
            (Some(plain), Some((off, _len, has_fcs))) => {
                buf.clear();
                buf.extend_from_slice(r.record.data.get(..off).unwrap_or(&[]));
                buf.extend_from_slice(plain);
                if has_fcs {
                    // Keep the radio header's "FCS at end" promise with a valid FCS.
                    buf.extend_from_slice(&crc32fast::hash(plain).to_le_bytes());
                }
                &buf
            }
            _ => r.record.data,
        };
        writer
            .write_record(r.record, data)
            .with_context(|| format!("{out_name}: write failed"))?;
        Ok(())
    })?;
    let mut inner = writer
        .into_inner()
        .with_context(|| format!("{out_name}: write failed"))?;
    inner
        .flush()
        .with_context(|| format!("{out_name}: write failed"))?;
    let file = inner
        .into_inner()
        .map_err(|e| e.into_error())
        .with_context(|| format!("{out_name}: write failed"))?;
    file.sync_all()
        .or_else(|e| {
            if e.kind() == std::io::ErrorKind::InvalidInput {
                Ok(())
            } else {
                Err(e)
            }
        })
        .with_context(|| format!("{out_name}: write failed"))?;
    Ok(())
}
