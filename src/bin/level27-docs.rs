//! Writes the registry documentation (`docs/`) from the provider's schema, the hand-written
//! parts in `templates/` and the examples in `examples/`.
//!
//! `cargo run --bin level27-docs` regenerates; `--check` only reports what differs (exit 1).

use level27::docs;
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let check = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--check") => true,
        Some(other) => {
            eprintln!("level27-docs: unknown argument {other:?}\nusage: level27-docs [--check]");
            return ExitCode::from(2);
        }
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let result = docs::generate(root).and_then(|pages| {
        if check {
            docs::drift(root, &pages).map(|d| d.changed.into_iter().chain(d.stale).collect::<Vec<_>>())
        } else {
            docs::write(root, &pages)
        }
    });
    match result {
        Ok(paths) if paths.is_empty() => {
            println!("docs/ is up to date");
            ExitCode::SUCCESS
        }
        Ok(paths) => {
            for p in &paths {
                println!("{} {p}", if check { "differs:" } else { "updated:" });
            }
            if check {
                eprintln!("docs/ is stale: run `{}`", docs::REGENERATE);
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("level27-docs: {e}");
            ExitCode::FAILURE
        }
    }
}
