//! `fourway simulate`: run a scenario (shipped or a TOML file) and write the capture
//! (pcapng, radiotap) and the truth file (JSON, see `rsn_sim::truth`).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use rsn_sim::{
    builtin, builtins, run, run_with_wired, CountingSink, PcapngSink, Scenario, Truth, DEFAULT_SEED,
};

use crate::{usage, Outcome};

/// `fourway simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// List the shipped scenarios, one line each.
    #[arg(long, conflicts_with = "scenario")]
    pub list: bool,
    /// A shipped scenario's name, or the path of a scenario TOML file.
    #[arg(
        long,
        short = 's',
        value_name = "NAME|FILE",
        required_unless_present = "list"
    )]
    pub scenario: Option<String>,
    /// Seed of the run: the same scenario and seed give a byte-identical capture.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Write the capture here (pcapng, radiotap link type); `-` writes to stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write the ground truth here (JSON).
    #[arg(long, value_name = "FILE")]
    pub truth: Option<PathBuf>,
    /// Write the wired side here (pcapng, Ethernet): the RADIUS traffic between the APs and
    /// the AAA server of 802.1X scenarios (`aaa` in the scenario).
    #[arg(long, value_name = "FILE")]
    pub wired: Option<PathBuf>,
    /// Override the number of clients (of the scenario's first client group).
    #[arg(long, value_name = "N")]
    pub clients: Option<u32>,
    /// Override the unicast data: N frames in total, spread evenly over the clients.
    #[arg(long, value_name = "N")]
    pub frames: Option<u64>,
    /// Override the number of APs of every network (clients are spread over them).
    #[arg(long, value_name = "N")]
    pub aps: Option<u32>,
    /// Override the AKM of every network (psk, psk-sha256, ft-psk, 8021x, 8021x-sha256,
    /// ft-8021x, sae).
    #[arg(long, value_name = "NAME")]
    pub akm: Option<String>,
    /// Override the pairwise and group cipher of every network (ccmp, ccmp-256, gcmp,
    /// gcmp-256, tkip).
    #[arg(long, value_name = "NAME")]
    pub cipher: Option<String>,
    /// Turn Protected Management Frames on (IGTK in M3).
    #[arg(long)]
    pub pmf: bool,
}

fn load(arg: &str) -> anyhow::Result<Scenario> {
    let text = if let Some(b) = builtin(arg) {
        b.toml.to_string()
    } else if arg.ends_with(".toml") || arg.contains('/') || std::path::Path::new(arg).is_file() {
        std::fs::read_to_string(arg).with_context(|| format!("--scenario {arg}"))?
    } else {
        let names: Vec<&str> = builtins().iter().map(|b| b.name).collect();
        return Err(usage(
            "--scenario",
            format!(
                "no scenario {arg:?} (shipped: {}; or give a .toml file)",
                names.join(", ")
            ),
        ));
    };
    Scenario::from_toml(&text).map_err(|e| usage("--scenario", format!("{arg}: {e}")))
}

/// Run `fourway simulate`.
pub fn run_cmd(args: SimulateArgs) -> anyhow::Result<Outcome> {
    if args.list {
        let mut out = std::io::stdout().lock();
        for b in builtins() {
            let d = Scenario::from_toml(b.toml)
                .map(|s| s.description)
                .unwrap_or_default();
            writeln!(out, "{:26} {d}", b.name)?;
        }
        return Ok(Outcome::Clean);
    }
    let Some(name) = args.scenario.as_deref() else {
        return Err(usage("--scenario", "required"));
    };
    let mut sc = load(name)?;
    if let Some(n) = args.clients {
        if n == 0 {
            return Err(usage("--clients", "must be at least 1"));
        }
        sc.set_clients(n);
    }
    if let Some(n) = args.aps {
        if n == 0 || n > 4096 {
            return Err(usage("--aps", "must be 1-4096"));
        }
        sc.set_aps(n);
    }
    if args.akm.is_some() || args.cipher.is_some() || args.pmf {
        sc.set_suite(
            args.akm.as_deref(),
            args.cipher.as_deref(),
            args.pmf.then_some(true),
        )
        .map_err(|e| usage("--akm/--cipher", e))?;
    }
    if let Some(f) = args.frames {
        sc.set_total_frames(f);
    }
    if args.wired.is_some() && sc.networks.iter().all(|n| n.aaa.is_none()) {
        return Err(usage(
            "--wired",
            format!(
                "scenario {:?} has no AAA server (no `aaa` in any [[network]]): nothing goes on the wire",
                sc.name
            ),
        ));
    }
    let wired: Option<Box<dyn Write>> = match args.wired.as_deref() {
        Some(p) => {
            let f = File::create(p).with_context(|| format!("{}", p.display()))?;
            Some(Box::new(BufWriter::with_capacity(1 << 20, f)))
        }
        None => None,
    };
    let names = [args.output.as_deref(), args.wired.as_deref()]
        .iter()
        .flatten()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let truth = match args.output.as_deref() {
        Some(p) if p.as_os_str() == "-" => {
            let out = BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
            simulate_into(&sc, args.seed, Box::new(out), wired)?
        }
        Some(p) => {
            let f = File::create(p).with_context(|| format!("{}", p.display()))?;
            simulate_into(
                &sc,
                args.seed,
                Box::new(BufWriter::with_capacity(1 << 20, f)),
                wired,
            )
            .with_context(|| names.clone())?
        }
        None if wired.is_some() => simulate_into(&sc, args.seed, Box::new(std::io::sink()), wired)
            .with_context(|| names.clone())?,
        None => {
            run(&sc, args.seed, &mut CountingSink::default()).map_err(|e| anyhow::anyhow!("{e}"))?
        }
    };
    if let Some(p) = &args.truth {
        let f = File::create(p).with_context(|| format!("{}", p.display()))?;
        let mut w = BufWriter::new(f);
        serde_json::to_writer_pretty(&mut w, &truth)?;
        writeln!(w)?;
        w.flush().with_context(|| format!("{}", p.display()))?;
    }
    let h = truth.handshakes;
    eprintln!(
        "{}: seed {}, {} frames, {} protected, {} decryptable; {} handshakes ({} completed, {} failed, {} incomplete); findings: {}",
        truth.scenario,
        truth.seed,
        truth.frames,
        truth.protected_frames,
        truth.decryptable_frames,
        h.total,
        h.completed,
        h.failed,
        h.incomplete,
        findings_line(&truth),
    );
    Ok(Outcome::Clean)
}

fn simulate_into<'a>(
    sc: &Scenario,
    seed: u64,
    out: Box<dyn Write + 'a>,
    wired: Option<Box<dyn Write>>,
) -> anyhow::Result<Truth> {
    let e = |e: &dyn std::fmt::Display| anyhow::anyhow!("{e}");
    let mut sink = PcapngSink::new(out).map_err(|x| e(&x))?;
    let truth = match wired {
        Some(w) => {
            let mut ws = PcapngSink::ethernet(w).map_err(|x| e(&x))?;
            let t = run_with_wired(sc, seed, &mut sink, &mut ws).map_err(|x| e(&x))?;
            ws.into_inner().map_err(|x| e(&x))?.flush()?;
            t
        }
        None => run(sc, seed, &mut sink).map_err(|x| e(&x))?,
    };
    sink.into_inner().map_err(|x| e(&x))?.flush()?;
    Ok(truth)
}

fn findings_line(t: &Truth) -> String {
    if t.expected_findings.is_empty() {
        return "none".into();
    }
    let mut codes: Vec<&str> = t
        .expected_findings
        .iter()
        .map(|f| f.code.as_str())
        .collect();
    codes.dedup();
    codes.join(", ")
}
