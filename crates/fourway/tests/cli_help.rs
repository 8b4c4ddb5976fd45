//! The CLI feels finished: every help fits one screen and shows an example; colors follow
//! `--color` and `NO_COLOR`; `--quiet` prints nothing; completions and the man page generate.

use std::path::PathBuf;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_fourway");
/// One screen.
const MAX_LINES: usize = 40;

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(BIN);
    c.args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// Subcommand names listed under "Commands:" in a help text.
fn commands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

fn capture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/captures")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn every_help_fits_one_screen_and_shows_an_example() {
    let top = stdout(&run(&["--help"], &[("COLUMNS", "100")]));
    assert!(top.lines().count() <= MAX_LINES, "fourway --help:\n{top}");
    let subs = commands(&top);
    for s in ["analyze", "decrypt", "simulate", "keys", "completions"] {
        assert!(subs.iter().any(|x| x == s), "{s} not listed:\n{top}");
    }
    let mut pages = Vec::new();
    for s in &subs {
        assert!(
            top.contains(&format!("fourway {s} ")),
            "fourway --help has no example for {s}:\n{top}"
        );
        pages.push(vec![s.clone()]);
        let help = stdout(&run(&[s, "--help"], &[("COLUMNS", "100")]));
        for sub in commands(&help) {
            pages.push(vec![s.clone(), sub]);
        }
    }
    pages.push(vec!["man".into()]);
    assert!(pages.len() >= 11, "{pages:?}");
    for p in &pages {
        let mut args: Vec<&str> = p.iter().map(String::as_str).collect();
        args.push("--help");
        for cols in ["100", "80"] {
            let help = stdout(&run(&args, &[("COLUMNS", cols)]));
            let n = help.lines().count();
            eprintln!(
                "fourway {} --help: {n} lines at {cols} columns",
                p.join(" ")
            );
            if cols == "100" {
                assert!(
                    n <= MAX_LINES,
                    "fourway {} --help: {n} lines:\n{help}",
                    p.join(" ")
                );
            }
            assert!(
                help.contains("Example"),
                "fourway {} --help has no example",
                p.join(" ")
            );
            assert!(
                help.contains(&format!("fourway {}", p.join(" "))),
                "fourway {} --help: no example of its own",
                p.join(" ")
            );
        }
    }
}

#[test]
fn colors_follow_the_flag_and_no_color() {
    let cap = capture("test1.pcap");
    let args = [
        "analyze",
        cap.as_str(),
        "--passphrase",
        "15211521",
        "--ssid",
        "ogogo",
    ];
    let with = |extra: &[&str], env: &[(&str, &str)]| {
        let mut a = args.to_vec();
        a.extend(extra);
        let o = run(&a, env);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        stdout(&o)
    };
    let never = with(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]);
    assert!(
        !never.contains('\x1b'),
        "--color never printed escape codes"
    );
    assert!(never.starts_with("Verdict\n"), "verdicts first:\n{never}");
    let always = with(&["--color", "always"], &[]);
    assert!(
        always.contains("\x1b["),
        "--color always printed no escape codes"
    );
    assert_eq!(
        strip(&always),
        never,
        "colors change nothing but the escape codes"
    );
    // auto: a pipe is not a terminal; CLICOLOR_FORCE forces, NO_COLOR wins over it.
    assert!(!with(&[], &[]).contains('\x1b'));
    assert!(with(&[], &[("CLICOLOR_FORCE", "1")]).contains('\x1b'));
    assert!(!with(&[], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]).contains('\x1b'));
    // JSON never carries escape codes.
    assert!(!with(&["--json", "--color", "always"], &[]).contains('\x1b'));
}

fn strip(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\x1b' {
            for d in it.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn quiet_prints_nothing_and_keeps_the_exit_code() {
    let cap = capture("test1.pcap");
    for extra in [&[][..], &["--json"][..]] {
        let mut a = vec!["analyze", cap.as_str(), "--quiet"];
        a.extend(extra);
        let o = run(&a, &[]);
        assert_eq!(o.status.code(), Some(1));
        assert!(o.stdout.is_empty(), "--quiet printed: {}", stdout(&o));
    }
    let clean = capture("wpa-Induction.pcap");
    let o = run(
        &[
            "analyze",
            clean.as_str(),
            "-q",
            "--passphrase",
            "Induction",
            "--ssid",
            "Coherer",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty());
}

#[test]
fn completions_and_man_page_generate() {
    for (shell, needle) in [
        ("bash", "_fourway"),
        ("zsh", "#compdef fourway"),
        ("fish", "complete -c fourway"),
    ] {
        let o = run(&["completions", shell], &[]);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let s = stdout(&o);
        assert!(
            s.contains(needle) && s.contains("analyze") && s.contains("html"),
            "{shell}:\n{s}"
        );
    }
    assert_eq!(run(&["completions", "tcsh"], &[]).status.code(), Some(2));
    let man = stdout(&run(&["man"], &[]));
    assert!(man.contains(".TH fourway"), "{man}");
    assert!(man.contains("analyze"));
    let man = stdout(&run(&["man", "analyze"], &[]));
    assert!(
        man.contains(".TH fourway-analyze") && man.contains("html"),
        "{man}"
    );
    assert_eq!(run(&["man", "nope"], &[]).status.code(), Some(2));
}
