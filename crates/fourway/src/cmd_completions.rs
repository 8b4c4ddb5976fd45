//! `fourway completions SHELL` and `fourway man [SUBCOMMAND]`: generated from the CLI
//! definition, so they never drift from it.

use std::io::Write;

use clap::CommandFactory;

use crate::{cli::Cli, usage, Outcome};

/// Print a completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<Outcome> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "fourway", &mut buf);
    let mut out = std::io::stdout().lock();
    out.write_all(&buf)?;
    out.flush()?;
    Ok(Outcome::Clean)
}

/// Print the man page (roff) of fourway, or of one subcommand.
pub fn man(subcommand: Option<&str>) -> anyhow::Result<Outcome> {
    let cmd = Cli::command();
    let page = match subcommand {
        None => clap_mangen::Man::new(cmd),
        Some(name) => {
            let sub = cmd
                .find_subcommand(name)
                .cloned()
                .ok_or_else(|| usage("SUBCOMMAND", format!("no subcommand {name:?}")))?;
            let full = format!("fourway-{}", sub.get_name());
            clap_mangen::Man::new(sub).title(full)
        }
    };
    let mut buf = Vec::new();
    page.render(&mut buf)?;
    let mut out = std::io::stdout().lock();
    out.write_all(&buf)?;
    out.flush()?;
    Ok(Outcome::Clean)
}
