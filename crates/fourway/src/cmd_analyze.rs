//! `fourway analyze`: reconstruct, verify, decrypt and diagnose every key exchange.

use std::io::Write;

use rsn_analyzer::report::Report;
use rsn_analyzer::Analyzer;

use crate::cli::AnalyzeArgs;
use crate::{capture, text, Outcome};

/// Run `analyze`.
pub fn run(args: AnalyzeArgs) -> anyhow::Result<Outcome> {
    let keys = args.keys.material()?;
    let mut analyzer = Analyzer::new(keys);
    analyzer.set_diagnosis(!args.no_diagnosis);
    analyzer.set_show_keys(args.show_keys);
    capture::run(&args.capture, &mut analyzer, |_| Ok(()))?;
    let mut report = analyzer.finish();
    // Ctrl-C: report what was read so far, and say so.
    report.summary.interrupted = crate::interrupted();
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        text::render(&mut out, &args.capture.display().to_string(), &report)?;
    }
    out.flush()?;
    if report.summary.interrupted {
        return Ok(Outcome::Interrupted);
    }
    Ok(outcome(&report))
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
