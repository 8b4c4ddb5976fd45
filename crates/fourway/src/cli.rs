//! The command line: syntax only here; each command's module resolves and runs it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::keyargs::KeyArgs;

use crate::Outcome;

/// Find out why Wi-Fi clients fail the WPA/WPA2/WPA3 key handshake.
#[derive(Debug, Parser)]
#[command(name = "fourway", version, about, long_about = None)]
#[command(
    after_help = "Examples:\n  fourway analyze air.pcapng --passphrase 'secret pass' --ssid Corp --html report.html\n  fourway decrypt air.pcapng -o plain.pcapng --passphrase 'secret pass' --ssid Corp\n  fourway simulate --scenario ft-two-pmkids -o ft.pcapng\n  fourway keys pmk --ssid Coherer --passphrase Induction\n  fourway completions bash > /etc/bash_completion.d/fourway\n\nExit codes: 0 clean, 1 problems found, 2 usage or I/O error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Reconstruct, verify, decrypt and diagnose every key exchange in a capture.
    #[command(
        after_help = "Examples:\n  fourway analyze air.pcapng --passphrase 'secret pass' --ssid Corp\n  fourway analyze air.pcapng --radius wired.pcapng --radius-secret S --json\n  tcpdump -i mon0 -w - | fourway analyze -"
    )]
    Analyze(AnalyzeArgs),
    /// Write a copy of a capture with every frame that could be decrypted in plaintext.
    #[command(
        after_help = "Example:\n  fourway decrypt air.pcapng -o plain.pcapng --passphrase 'secret pass' --ssid Corp"
    )]
    Decrypt(DecryptArgs),
    /// Reproduce a field failure as a capture (pcapng), with the truth of what was injected.
    #[command(
        after_help = "Examples:\n  fourway simulate --list\n  fourway simulate --scenario win7-stale-ptk-rekey -o win7.pcapng --truth win7.json\n  fourway simulate --scenario clean --clients 1000 --frames 1000000 -o big.pcapng"
    )]
    Simulate(crate::cmd_simulate::SimulateArgs),
    /// PMK / PTK / PMKID / FT / MIC calculator.
    #[command(
        subcommand,
        after_help = "Example:\n  fourway keys pmk --ssid Coherer --passphrase Induction"
    )]
    Keys(KeysCmd),
    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  fourway completions bash > /etc/bash_completion.d/fourway"
    )]
    Completions {
        /// bash, elvish, fish, powershell or zsh.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), generated from this command line.
    #[command(hide = true, after_help = "Example:\n  fourway man | man -l -")]
    Man {
        /// A subcommand's page instead (e.g. analyze).
        subcommand: Option<String>,
    },
}

/// `fourway analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Capture file (pcap or pcapng, optionally gzip-compressed); `-` reads stdin.
    pub capture: PathBuf,
    #[command(flatten)]
    pub keys: KeyArgs,
    /// Print one JSON document (a stable format)
    #[arg(long)]
    pub json: bool,
    /// Skip the diagnosis (to measure its cost): reconstruction and decryption only.
    #[arg(long, hide = true)]
    pub no_diagnosis: bool,
    /// Show derived keys (PMK, KCK, KEK, TK, GTK, MSK): no output has them otherwise
    #[arg(long)]
    pub show_keys: bool,
    /// Also write a self-contained HTML report (ladders, key timelines, findings)
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Print nothing on stdout (the exit code still tells the outcome).
    #[arg(short, long)]
    pub quiet: bool,
    /// Color the text report (auto: on a terminal without NO_COLOR)
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    pub color: crate::color::ColorWhen,
}

/// `fourway decrypt`.
#[derive(Debug, Args)]
pub struct DecryptArgs {
    /// Capture file to decrypt; `-` reads stdin.
    pub input: PathBuf,
    /// Output pcapng file.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    #[command(flatten)]
    pub keys: KeyArgs,
}

/// Output format shared by the key calculator.
#[derive(Debug, Args)]
pub struct KeysOut {
    /// Print one JSON object instead of name=hex lines.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum KeysCmd {
    /// PMK (PSK) from passphrase and SSID (PBKDF2-HMAC-SHA1, 4096 iterations).
    #[command(after_help = "Example:\n  fourway keys pmk --ssid IEEE --passphrase password")]
    Pmk {
        #[arg(long)]
        ssid: String,
        #[arg(long)]
        passphrase: String,
        #[command(flatten)]
        out: KeysOut,
    },
    /// PTK (KCK, KEK, TK, KDK) from PMK, addresses and nonces.
    #[command(
        after_help = "Example:\n  fourway keys ptk --akm psk --cipher ccmp --pmk 0dc0…af --aa a0:a1:a1:a3:a4:a5 \\\n      --spa b0:b1:b2:b3:b4:b5 --anonce e0e1…05 --snonce c0c1…e5"
    )]
    Ptk {
        /// AKM by name (psk, psk-sha256, ft-psk, 8021x, sae, owe, suite-b-192, ...) or selector (00-0f-ac:2).
        #[arg(long)]
        akm: String,
        /// Pairwise cipher by name (ccmp, ccmp-256, gcmp, gcmp-256, tkip) or selector.
        #[arg(long)]
        cipher: String,
        /// PMK in hex (64 or 96 hex digits); for FT AKMs, PMK-R1.
        #[arg(long)]
        pmk: String,
        /// Authenticator address (the AP / BSSID).
        #[arg(long)]
        aa: String,
        /// Supplicant address (the client).
        #[arg(long)]
        spa: String,
        /// ANonce (64 hex digits).
        #[arg(long)]
        anonce: String,
        /// SNonce (64 hex digits).
        #[arg(long)]
        snonce: String,
        /// Also derive the KDK (IEEE 802.11az secure LTF).
        #[arg(long)]
        kdk: bool,
        #[command(flatten)]
        out: KeysOut,
    },
    /// PMKID = Truncate-128(HMAC-Hash(PMK, "PMK Name" || AA || SPA)).
    #[command(
        after_help = "Example:\n  fourway keys pmkid --pmk 88f4…35dc --aa fc:69:0c:15:82:64 --spa f4:74:7f:87:f9:f4"
    )]
    Pmkid {
        #[arg(long)]
        pmk: String,
        #[arg(long)]
        aa: String,
        #[arg(long)]
        spa: String,
        /// AKM (selects SHA-1 or SHA-256/384); default psk.
        #[arg(long, default_value = "psk")]
        akm: String,
        #[command(flatten)]
        out: KeysOut,
    },
    /// FT key hierarchy: PMK-R0, PMKR0Name, PMK-R1, PMKR1Name.
    #[command(
        after_help = "Example:\n  fourway keys ft --ssid TestFT --mdid 1234 --r0kh-id dummy0 --r1kh-id 02:00:00:00:00:00 \\\n      --aa 02:00:00:00:00:00 --spa 02:00:00:00:02:00 --psk bccd…94f0"
    )]
    Ft {
        #[arg(long)]
        ssid: String,
        /// Mobility domain identifier (4 hex digits, as it appears in the MDE).
        #[arg(long)]
        mdid: String,
        /// R0 key holder ID (NAS identifier), as text.
        #[arg(long = "r0kh-id")]
        r0kh_id: String,
        /// R1 key holder ID (a MAC address, usually the BSSID).
        #[arg(long = "r1kh-id")]
        r1kh_id: String,
        /// Authenticator address (BSSID).
        #[arg(long)]
        aa: String,
        /// Supplicant address.
        #[arg(long)]
        spa: String,
        /// Passphrase (FT-PSK).
        #[arg(long, group = "secret")]
        passphrase: Option<String>,
        /// PSK in hex (FT-PSK).
        #[arg(long, group = "secret")]
        psk: Option<String>,
        /// MSK in hex (FT-802.1X: XXKey is its second 256 bits).
        #[arg(long, group = "secret")]
        msk: Option<String>,
        /// AKM; default ft-psk (or ft-8021x with --msk).
        #[arg(long)]
        akm: Option<String>,
        /// Pairwise cipher for the FT PTK (with --anonce and --snonce); default ccmp.
        #[arg(long)]
        cipher: Option<String>,
        /// ANonce: also derive the FT PTK.
        #[arg(long)]
        anonce: Option<String>,
        /// SNonce: also derive the FT PTK.
        #[arg(long)]
        snonce: Option<String>,
        #[command(flatten)]
        out: KeysOut,
    },
    /// EAPOL-Key MIC of a frame (its MIC field is zeroed before computing).
    #[command(
        after_help = "Example:\n  fourway keys mic --akm psk --kck 379f…0ec8 --frame 0103007502010a…"
    )]
    Mic {
        #[arg(long)]
        akm: String,
        /// KCK in hex.
        #[arg(long)]
        kck: String,
        /// The whole EAPOL frame (from the 802.1X header on) in hex.
        #[arg(long)]
        frame: String,
        #[command(flatten)]
        out: KeysOut,
    },
}

/// Run the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Keys(k) => crate::cmd_keys::run(k),
        Command::Analyze(a) => crate::cmd_analyze::run(a),
        Command::Decrypt(d) => crate::cmd_decrypt::run(d),
        Command::Simulate(s) => crate::cmd_simulate::run_cmd(s),
        Command::Completions { shell } => crate::cmd_completions::completions(shell),
        Command::Man { subcommand } => crate::cmd_completions::man(subcommand.as_deref()),
    }
}
