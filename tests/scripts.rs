//! The helper scripts' own logic, without their long runs: which binaries `scripts/demo` uses
//! (it reuses a release build newer than the sources instead of building a debug one), and how
//! `scripts/test` refuses an old default Terraform, counts skips and failures, and closes.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn script(name: &str) -> Command {
    let mut cmd = Command::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts").join(name));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn demo_print_binaries(target_dir: &Path, args: &[&str]) -> String {
    let out = script("demo")
        .args(args)
        .arg("--print-binaries")
        .env("CARGO_TARGET_DIR", target_dir)
        .env_remove("DEMO_RELEASE")
        .output()
        .expect("run scripts/demo");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "scripts/demo --print-binaries failed:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

fn fake_release_build(target_dir: &Path) {
    let release = target_dir.join("release");
    std::fs::create_dir_all(&release).unwrap();
    for bin in ["terraform-provider-level27", "level27-sandbox"] {
        let path = release.join(bin);
        std::fs::write(&path, "#!/bin/sh\n").unwrap();
        let status = Command::new("chmod").arg("+x").arg(&path).status().unwrap();
        assert!(status.success());
    }
}

#[test]
fn demo_reuses_a_current_release_build_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path();
    let release = target.join("release/terraform-provider-level27");
    let debug = target.join("debug/terraform-provider-level27");

    // No release build: a debug build is made.
    let out = demo_print_binaries(target, &[]);
    assert!(out.contains(&format!("provider: {}", debug.display())), "{out}");
    assert!(out.contains("would build: cargo build\n"), "{out}");

    // A release build newer than every source: used as it is, not rebuilt.
    fake_release_build(target);
    let out = demo_print_binaries(target, &[]);
    assert!(out.contains(&format!("provider: {}", release.display())), "{out}");
    assert!(!out.contains("would build"), "{out}");
    assert!(out.contains("reused"), "{out}");

    // An old release build: a debug build again, unless --release is asked for.
    let old = Command::new("touch")
        .args(["-d", "2001-01-01"])
        .arg(&release)
        .arg(target.join("release/level27-sandbox"))
        .status()
        .unwrap();
    assert!(old.success());
    let out = demo_print_binaries(target, &[]);
    assert!(out.contains(&format!("provider: {}", debug.display())), "{out}");
    let out = demo_print_binaries(target, &["--release"]);
    assert!(out.contains(&format!("provider: {}", release.display())), "{out}");
    assert!(out.contains("would build: cargo build --release"), "{out}");
}

#[test]
fn test_script_refuses_a_default_terraform_below_1_5() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("terraform");
    std::fs::write(&fake, "#!/bin/sh\necho 'Terraform v1.4.7'\necho 'on linux_amd64'\n").unwrap();
    assert!(Command::new("chmod").arg("+x").arg(&fake).status().unwrap().success());
    let out = script("test")
        .env("TERRAFORM", &fake)
        .output()
        .expect("run scripts/test");
    let all = text(&out);
    assert!(!out.status.success(), "{all}");
    assert!(
        all.contains("Terraform v1.4.7") && all.contains("1.5 or newer"),
        "says which Terraform it refuses and what it needs: {all}"
    );
    assert!(!all.contains("==> cargo"), "refused before running anything: {all}");
}

/// A cargo test log: one binary with a failure, one with an ignored test.
const FAILED_RUN: &str = "\
running 3 tests
test a ... ok
test b ... FAILED
test c ... ok

test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.10s

running 2 tests
test d ... ok
test e ... ignored

test result: ok. 1 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s
";

fn summarize(log: &str, skips: &Path) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("cargo-test.log");
    std::fs::write(&log_path, log).unwrap();
    let out = script("test")
        .arg("--summarize")
        .arg(&log_path)
        .arg(skips)
        .output()
        .expect("run scripts/test --summarize");
    (out.status.success(), text(&out))
}

#[test]
fn test_script_counts_failures_and_every_skip_the_harness_reports() {
    let dir = tempfile::tempdir().unwrap();
    let skips = dir.path().join("skips.log");
    std::env::set_var("LEVEL27_E2E_SKIP_LOG", &skips);
    // What the e2e tests report: a skipped step, and a test skipped as a whole.
    common::skip_step("lifecycle", "import {} block", "needs Terraform >= 1.5, this is 1.4.7");
    if std::env::var_os("TERRAFORM_1_0").is_none()
        && std::env::var_os("CI").is_none()
        && std::env::var_os("LEVEL27_E2E_REQUIRE_TF_1_0").is_none()
    {
        assert!(common::Terraform::v1_0("lifecycle_terraform_1_0").is_none());
    } else {
        std::fs::write(
            &skips,
            format!(
                "{}lifecycle_terraform_1_0: skipped: TERRAFORM_1_0 not set\n",
                std::fs::read_to_string(&skips).unwrap()
            ),
        )
        .unwrap();
    }
    std::env::remove_var("LEVEL27_E2E_SKIP_LOG");

    let (ok, out) = summarize(FAILED_RUN, &skips);
    assert!(!ok, "a failed test fails the run: {out}");
    assert!(
        out.contains("lifecycle: import {} block: skipped: needs Terraform >= 1.5"),
        "{out}"
    );
    assert!(out.contains("lifecycle_terraform_1_0: skipped: "), "{out}");
    // 3 passed, less the test skipped as a whole; 1 ignored and 2 skips.
    assert_eq!(out.lines().last(), Some("2 passed, 1 failed, 3 skipped"), "{out}");

    let passing = FAILED_RUN.replace(
        "test result: FAILED. 2 passed; 1 failed;",
        "test result: ok. 3 passed; 0 failed;",
    );
    let none = dir.path().join("no-skips.log");
    let (ok, out) = summarize(&passing, &none);
    assert!(ok, "{out}");
    assert_eq!(out.lines().last(), Some("4 passed, 0 failed, 1 skipped"), "{out}");
}

/// A release is cut from a clean tree of tracked sources: a committed interpreter cache (left by
/// running a script's Python) would ship stale bytecode in source archives, and one left
/// untracked would make `scripts/release` refuse the tree as dirty.
#[test]
fn no_build_artefact_is_tracked_or_left_unignored() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tracked = Command::new("git")
        .args(["ls-files"])
        .current_dir(root)
        .output()
        .expect("git");
    let tracked = String::from_utf8_lossy(&tracked.stdout);
    let artefacts: Vec<&str> = tracked
        .lines()
        .filter(|f| f.contains("__pycache__/") || f.ends_with(".pyc"))
        .collect();
    assert!(artefacts.is_empty(), "tracked build artefacts: {artefacts:?}");
    let ignored = Command::new("git")
        .args([
            "check-ignore",
            "-q",
            "--no-index",
            "scripts/__pycache__/bench.cpython-311.pyc",
        ])
        .current_dir(root)
        .status()
        .expect("git");
    assert!(ignored.success(), ".gitignore covers Python caches");
}
