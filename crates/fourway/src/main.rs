//! `fourway`: find out why Wi-Fi clients fail the WPA/WPA2/WPA3 key handshake.
//!
//! This binary is the only place with printing, files and exit codes. Exit policy lives in
//! exactly one place, [`main`]: 0 clean, 1 problems found, 2 usage or I/O error; a broken
//! pipe ends the program quietly.
#![forbid(unsafe_code)]

mod capture;
mod cli;
mod cmd_analyze;
mod cmd_completions;
mod cmd_decrypt;
mod cmd_keys;
mod cmd_simulate;
mod color;
mod hexarg;
mod html;
mod keyargs;
mod text;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// What a command reports to `main`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to report (exit 0).
    Clean,
    /// Problems were found (exit 1).
    Problems,
    /// Stopped by SIGINT after printing what it had (exit 130, as shells report it).
    Interrupted,
}

static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Has the user pressed Ctrl-C (SIGINT)? Long loops check this and stop early.
pub fn interrupted() -> bool {
    INTERRUPTED.load(std::sync::atomic::Ordering::Relaxed)
}

/// A usage error: one line on stderr naming the argument, exit code 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Shorthand for a usage error about one argument.
pub fn usage(arg: &str, what: impl std::fmt::Display) -> anyhow::Error {
    anyhow::Error::new(UsageError(format!("{arg}: {what}")))
}

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    // The first Ctrl-C asks the running command to stop and report what it has; a second
    // one ends the process at once.
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, std::sync::atomic::Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
    match cli::run(args) {
        Ok(Outcome::Clean) => ExitCode::from(0),
        Ok(Outcome::Problems) => ExitCode::from(1),
        Ok(Outcome::Interrupted) => ExitCode::from(130),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::from(0);
            }
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "fourway: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            // serde_json wraps the io::Error without exposing it as a source.
            || e.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}
