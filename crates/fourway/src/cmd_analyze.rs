//! `fourway analyze`: reconstruct, verify, decrypt and diagnose every key exchange.

use std::io::Write;

use rsn_analyzer::report::Report;
use rsn_analyzer::Analyzer;

use crate::cli::AnalyzeArgs;
use crate::{capture, text, Outcome};

/// Run `analyze`.
pub fn run(args: AnalyzeArgs) -> anyhow::Result<Outcome> {
    let keys = args.keys.material()?;
    let enterprise = args.keys.enterprise()?;
    let mut analyzer = Analyzer::new(keys);
    if let Some((collector, radius_names)) = enterprise {
        let mut names = vec![args.capture.display().to_string()];
        names.extend(radius_names);
        analyzer.set_capture_names(names);
        analyzer.set_enterprise(collector);
    }
    analyzer.set_diagnosis(!args.no_diagnosis);
    analyzer.set_show_keys(args.show_keys);
    capture::run(&args.capture, &mut analyzer, |_| Ok(()))?;
    let mut report = analyzer.finish();
    // Ctrl-C: report what was read so far, and say so.
    report.summary.interrupted = crate::interrupted();
    let name = args.capture.display().to_string();
    if let Some(path) = &args.html {
        write_html(path, &name, &report)?;
    }
    // `--html -` puts the HTML on stdout: the text report stays out of it.
    let html_on_stdout = args.html.as_ref().is_some_and(|p| p.as_os_str() == "-");
    if !args.quiet && !html_on_stdout {
        let mut out = std::io::stdout().lock();
        if args.json {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
            out.flush()?;
        } else {
            let mut out = anstream::AutoStream::new(out, args.color.choice());
            text::render(&mut out, &name, &report)?;
            out.flush()?;
        }
    }
    if report.summary.interrupted {
        return Ok(Outcome::Interrupted);
    }
    Ok(outcome(&report))
}

/// Write the HTML report to `path` (`-` is stdout).
fn write_html(path: &std::path::Path, name: &str, report: &Report) -> anyhow::Result<()> {
    if path.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        crate::html::render(&mut out, name, report)?;
        return Ok(out.flush()?);
    }
    let shown = path.display();
    let f = std::fs::File::create(path).map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
    let mut w = std::io::BufWriter::new(f);
    crate::html::render(&mut w, name, report)
        .and_then(|()| w.flush())
        .map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
    Ok(())
}

/// Exit policy: 1 when any finding is major or critical.
pub fn outcome(report: &Report) -> Outcome {
    if report
        .findings
        .iter()
        .any(|f| f.severity == "major" || f.severity == "critical")
    {
        Outcome::Problems
    } else {
        Outcome::Clean
    }
}
