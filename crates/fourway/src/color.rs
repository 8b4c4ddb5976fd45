//! Terminal colors: `--color auto|always|never`; `auto` colors only a terminal, and
//! respects `NO_COLOR` / `CLICOLOR_FORCE` (through `anstream`).

use anstyle::{AnsiColor, Style};

/// When to color the text report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    // No per-value help: clap then lists the values on one line.
    Auto,
    Always,
    Never,
}

impl ColorWhen {
    /// The `anstream` choice: escape codes are stripped from the output when it says so.
    pub fn choice(self) -> anstream::ColorChoice {
        match self {
            ColorWhen::Auto => anstream::ColorChoice::Auto,
            ColorWhen::Always => anstream::ColorChoice::AlwaysAnsi,
            ColorWhen::Never => anstream::ColorChoice::Never,
        }
    }
}

fn fg(c: AnsiColor) -> Style {
    Style::new().fg_color(Some(c.into()))
}

/// Style of a severity.
pub fn severity(s: &str) -> Style {
    match s {
        "critical" => fg(AnsiColor::Red).bold(),
        "major" => fg(AnsiColor::Red),
        "minor" => fg(AnsiColor::Yellow),
        "info" => fg(AnsiColor::Cyan),
        _ => Style::new(),
    }
}

/// Style of a MIC verdict.
pub fn mic(s: &str) -> Style {
    match s {
        "valid" => fg(AnsiColor::Green),
        "invalid" => fg(AnsiColor::Red).bold(),
        "unverified" => fg(AnsiColor::Yellow),
        _ => Style::new(),
    }
}

/// Style of a handshake outcome.
pub fn outcome(s: &str) -> Style {
    match s {
        "completed" => fg(AnsiColor::Green),
        "failed" => fg(AnsiColor::Red).bold(),
        _ => fg(AnsiColor::Yellow),
    }
}

/// Headings.
pub fn heading() -> Style {
    Style::new().bold().underline()
}

/// Secondary text.
pub fn dim() -> Style {
    Style::new().dimmed()
}

/// `text` in `style` (escape codes, stripped later when colors are off).
pub fn paint(style: Style, text: impl std::fmt::Display) -> String {
    format!("{}{text}{}", style.render(), style.render_reset())
}
