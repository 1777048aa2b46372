//! The helper scripts' own logic, without their long runs: which binaries `scripts/demo` uses
//! (it reuses a release build newer than the sources instead of building a debug one).

use std::path::Path;
use std::process::Command;

fn demo_print_binaries(target_dir: &Path, args: &[&str]) -> String {
    let out = Command::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/demo"))
        .args(args)
        .arg("--print-binaries")
        .env("CARGO_TARGET_DIR", target_dir)
        .env_remove("DEMO_RELEASE")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
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
