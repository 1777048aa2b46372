//! `scripts/release`: the packages it writes are what the registry and provider mirrors expect,
//! and Terraform (1.11 and 1.0) installs one from a filesystem mirror with a plain
//! `terraform init` (no `dev_overrides`), records its hash in `.terraform.lock.hcl` and applies the
//! quickstart with it.
//!
//! Building a release binary here would take minutes, so the script packages the binary cargo
//! built for this test run (`--binary`); the build step of the script is the same `cargo build`.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const NAME: &str = "terraform-provider-level27";
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Terraform's name for this machine's platform (`linux_amd64`).
fn platform() -> String {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    format!("{os}_{arch}")
}

fn prefix() -> String {
    format!("{NAME}_{VERSION}")
}

/// Runs `scripts/release --draft --binary <the test's provider> --out <out> <extra>`: a draft,
/// since the checkout under test need not be a releasable state (a clean, tagged tree whose
/// CHANGELOG has the version's notes); `release_refuses_what_would_not_be_a_release` tests those
/// refusals on a repository of its own.
fn release(out: &Path, extra: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut cmd = Command::new(root().join("scripts/release"));
    cmd.args(["--draft", "--binary", PROVIDER_BIN, "--out"])
        .arg(out)
        .args(extra)
        .current_dir(root());
    for (k, v) in env {
        cmd.env(k, v);
    }
    run_with_timeout(cmd, format!("scripts/release {extra:?}"), Duration::from_secs(300))
}

/// A zip's entries (name, unix mode, sha256), its own sha256, and the `h1:` hash Terraform
/// computes for the unpacked package (sha256 over the sorted `<sha256>  <name>` lines, base64),
/// plus the sha256 of `files`. Read with python3, which the release script needs anyway.
fn inspect(zip: &Path, files: &[&Path]) -> Value {
    const SCRIPT: &str = r#"
import base64, hashlib, json, sys, zipfile
path, files = sys.argv[1], sys.argv[2:]
entries, lines = [], []
with zipfile.ZipFile(path) as z:
    for i in sorted(z.infolist(), key=lambda i: i.filename):
        h = hashlib.sha256(z.read(i)).hexdigest()
        entries.append({"name": i.filename, "mode": (i.external_attr >> 16) & 0o7777, "sha256": h})
        lines.append(f"{h}  {i.filename}\n")
sha = lambda p: hashlib.sha256(open(p, "rb").read()).hexdigest()
print(json.dumps({
    "entries": entries,
    "sha256": sha(path),
    "h1": "h1:" + base64.b64encode(hashlib.sha256("".join(lines).encode()).digest()).decode(),
    "files": {f: sha(f) for f in files},
}))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(SCRIPT)
        .arg(zip)
        .args(files)
        .output()
        .expect("python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

fn listing(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn release_packages_the_tested_binary_with_checksums_and_manifest() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = release(out_dir.path(), &[], &[]).assert_ok();
    let p = prefix();
    let zip_name = format!("{p}_{}.zip", platform());
    assert_eq!(
        listing(out_dir.path()),
        [
            zip_name.clone(),
            format!("{p}_SHA256SUMS"),
            format!("{p}_manifest.json")
        ]
        .into_iter()
        .collect(),
        "{}",
        out.dump()
    );
    // Without a key it says so, and it names the platforms it did not build.
    out.assert_contains("not signed: no --sign KEYID given");
    for other in ["linux_arm64", "darwin_amd64", "darwin_arm64", "windows_amd64"] {
        if other != platform() {
            out.assert_contains(&format!("skipped: {other}:"));
        }
    }

    let zip = out_dir.path().join(&zip_name);
    let manifest = out_dir.path().join(format!("{p}_manifest.json"));
    let info = inspect(&zip, &[Path::new(PROVIDER_BIN), &manifest]);
    let entries = info["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "one file in the zip: {info}");
    assert_eq!(entries[0]["name"], format!("{NAME}_v{VERSION}"), "{info}");
    assert_eq!(
        entries[0]["mode"], 0o755,
        "the binary is executable once unpacked: {info}"
    );
    assert_eq!(
        entries[0]["sha256"], info["files"][PROVIDER_BIN],
        "the zip holds the given binary unchanged"
    );

    let sums = fs::read_to_string(out_dir.path().join(format!("{p}_SHA256SUMS"))).unwrap();
    let expected = format!(
        "{}  {zip_name}\n{}  {p}_manifest.json\n",
        info["sha256"].as_str().unwrap(),
        info["files"][manifest.to_str().unwrap()].as_str().unwrap()
    );
    assert_eq!(sums, expected);

    let manifest: Value = serde_json::from_str(&fs::read_to_string(&manifest).unwrap()).unwrap();
    let source: Value =
        serde_json::from_str(&fs::read_to_string(root().join("terraform-registry-manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest, source);
    assert_eq!(manifest["metadata"]["protocol_versions"], serde_json::json!(["6.0"]));

    // A second run replaces the files of the same version instead of adding to them.
    fs::write(out_dir.path().join(format!("{p}_darwin_arm64.zip")), b"stale").unwrap();
    release(out_dir.path(), &[], &[]).assert_ok();
    assert_eq!(listing(out_dir.path()).len(), 3, "{:?}", listing(out_dir.path()));
}

/// A repository of its own for the release script: a copy of the script, a package of this
/// name at `version` (nothing to build: the tests package a prebuilt binary, or fake cargo's
/// build), the registry manifest and `changelog`, committed.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new(version: &str, changelog: &str) -> Repo {
        let dir = tempfile::Builder::new().prefix("l27-release-repo-").tempdir().unwrap();
        let p = dir.path();
        fs::create_dir_all(p.join("scripts")).unwrap();
        fs::create_dir_all(p.join("src")).unwrap();
        fs::copy(root().join("scripts/release"), p.join("scripts/release")).unwrap();
        fs::copy(
            root().join("terraform-registry-manifest.json"),
            p.join("terraform-registry-manifest.json"),
        )
        .unwrap();
        fs::write(
            p.join("Cargo.toml"),
            format!("[package]\nname = \"{NAME}\"\nversion = \"{version}\"\nedition = \"2021\"\n"),
        )
        .unwrap();
        fs::write(p.join("src/main.rs"), "fn main() {}\n").unwrap();
        fs::write(p.join(".gitignore"), "/target\n/Cargo.lock\n").unwrap();
        fs::write(p.join("CHANGELOG.md"), changelog).unwrap();
        let repo = Repo { dir };
        repo.git(&["init", "-q"]);
        repo.commit("first");
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) {
        let out = Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.invalid",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(self.path())
            .output()
            .expect("git");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
    }

    /// Its `scripts/release --out <out> <args>` with `env`.
    fn release(&self, out: &Path, args: &[&str], env: &[(&str, String)]) -> Output {
        let mut cmd = Command::new(self.path().join("scripts/release"));
        cmd.arg("--out").arg(out).args(args).current_dir(self.path());
        for (k, v) in env {
            cmd.env(k, v);
        }
        run_with_timeout(cmd, format!("scripts/release {args:?}"), Duration::from_secs(120))
    }
}

const RELEASED: &str = "# Changelog\n\n## [Unreleased]\n\n## [9.9.9] - 2026-12-06\n\n### Added\n\n- Everything.\n";

#[test]
fn release_refuses_what_would_not_be_a_release() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path();
    let binary = ["--binary", PROVIDER_BIN];
    let refused = |repo: &Repo, why: &str| {
        let run = repo.release(out, &binary, &[]).assert_failed();
        run.assert_contains("not a releasable state");
        run.assert_contains(why);
        run.assert_contains("--draft");
        assert!(
            !out.exists() || listing(out).is_empty(),
            "nothing is written: {:?}",
            listing(out)
        );
        // A draft packages anyway, saying the same.
        let draft_dir = tempfile::tempdir().unwrap();
        let mut args = vec!["--draft"];
        args.extend(binary);
        let draft = repo.release(draft_dir.path(), &args, &[]).assert_ok();
        draft.assert_contains(&format!("draft: {}", why.split(':').next().unwrap()));
        assert_eq!(listing(draft_dir.path()).len(), 3, "{}", draft.dump());
    };

    // The version has no notes; then [Unreleased] still lists changes.
    let repo = Repo::new(
        "9.9.9",
        "# Changelog\n\n## [Unreleased]\n\n## [9.9.8] - 2026-11-01\n\n- Old.\n",
    );
    refused(&repo, "CHANGELOG.md has no `## [9.9.9] - <date>` section");
    fs::write(
        repo.path().join("CHANGELOG.md"),
        format!("{RELEASED}\n## [9.9.8]\n\n- Old.\n")
            .replace("## [Unreleased]\n", "## [Unreleased]\n\n- Not yet released.\n"),
    )
    .unwrap();
    repo.commit("unreleased entries");
    refused(&repo, "CHANGELOG.md lists 1 change(s) under [Unreleased]");

    // A clean, consistent tree releases; a change left uncommitted does not.
    fs::write(repo.path().join("CHANGELOG.md"), RELEASED).unwrap();
    repo.commit("notes");
    let first = repo.release(out, &binary, &[]).assert_ok();
    first.assert_contains("CHANGELOG.md [9.9.9]: 1 entries");
    first.assert_contains("HEAD is not tagged v9.9.9 yet");
    first.assert_not_contains("draft:");
    let sums = out.join(format!("{NAME}_9.9.9_SHA256SUMS"));
    let first_sums = fs::read_to_string(&sums).unwrap();
    fs::write(repo.path().join("src/main.rs"), "fn main() { println!(); }\n").unwrap();
    fs::remove_dir_all(out).unwrap();
    refused(
        &repo,
        "the working tree has uncommitted changes or untracked files (1 path(s), e.g. src/main.rs)",
    );
    repo.git(&["checkout", "--", "src/main.rs"]);

    // Tags: HEAD tagged with another version; the version tagged on another commit.
    repo.git(&["tag", "v9.9.10"]);
    refused(&repo, "HEAD is tagged v9.9.10 but Cargo.toml says 9.9.9");
    repo.git(&["tag", "-d", "v9.9.10"]);
    repo.git(&["tag", "v9.9.9"]);
    // Tagged as released, twice: the same binary gives the same files, byte for byte.
    repo.release(out, &binary, &[])
        .assert_ok()
        .assert_not_contains("not tagged");
    assert_eq!(fs::read_to_string(&sums).unwrap(), first_sums);
    repo.commit("after the release");
    fs::remove_dir_all(out).unwrap();
    refused(&repo, "v9.9.9 is already the tag of commit");
}

/// What the script's build step runs, through a `cargo` and a `rustup` of the test's on PATH: the
/// release build is `--locked` and remaps the checkout's and CARGO_HOME's paths out of the binary;
/// an installed cross target without its linker is skipped before compiling, saying what to
/// install or set; one whose linker is given is built with it and packaged (`.exe` on Windows).
#[test]
fn release_builds_remap_machine_paths_and_need_a_linker_per_cross_target() {
    let repo = Repo::new("9.9.9", RELEASED);
    let bin = tempfile::tempdir().unwrap();
    let log = bin.path().join("cargo.log");
    let host = String::from_utf8(Command::new("rustc").arg("-vV").output().unwrap().stdout).unwrap();
    let host = host.lines().find_map(|l| l.strip_prefix("host: ")).unwrap().to_string();
    let real_cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let script = |name: &str, body: &str| {
        let path = bin.path().join(name);
        fs::write(&path, format!("#!/bin/sh\n{body}")).unwrap();
        fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    };
    script(
        "cargo",
        r#"[ "$1" = build ] || exec "$REAL_CARGO" "$@"
echo "build $* flags=$(printf '%s' "$CARGO_ENCODED_RUSTFLAGS" | tr '\037' ' ') $(env | grep '^CARGO_TARGET_.*_LINKER=' | tr '\n' ' ')" >>"$FAKE_LOG"
dir=target/release
case "$*" in *--target*) triple="${*##*--target }"; dir="target/${triple%% *}/release" ;; esac
mkdir -p "$dir" && cp "$FAKE_BINARY" "$dir/terraform-provider-level27" && cp "$FAKE_BINARY" "$dir/terraform-provider-level27.exe"
"#,
    );
    script(
        "rustup",
        &format!("printf '%s\\n' {host} aarch64-unknown-linux-gnu x86_64-apple-darwin x86_64-pc-windows-gnu\n"),
    );
    let path = format!("{}:{}", bin.path().display(), std::env::var("PATH").unwrap());
    let out_dir = tempfile::tempdir().unwrap();
    let env = [
        ("PATH", path),
        ("REAL_CARGO", real_cargo),
        ("FAKE_LOG", log.to_string_lossy().into_owned()),
        ("FAKE_BINARY", PROVIDER_BIN.to_string()),
        ("CARGO_HOME", "/opt/cargo-home".to_string()),
        (
            "CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER",
            "/opt/mingw/bin/gcc".to_string(),
        ),
    ];
    let run = repo.release(out_dir.path(), &[], &env).assert_ok();
    let log = fs::read_to_string(&log).unwrap();
    let root = repo.path().to_string_lossy().into_owned();
    let host_build = log
        .lines()
        .find(|l| !l.contains("--target"))
        .unwrap_or_else(|| panic!("no host build:\n{log}"));
    assert!(host_build.contains("--release --locked"), "{host_build}");
    assert!(
        host_build.contains(&format!(
            "--remap-path-prefix={root}={NAME} --remap-path-prefix=/opt/cargo-home=cargo"
        )),
        "{host_build}"
    );
    // No macOS linker on a Linux machine: skipped before any build, saying what to set.
    if !host.ends_with("-apple-darwin") {
        run.assert_contains("skipped: darwin_amd64: Rust target x86_64-apple-darwin is installed, but no macOS linker: set CARGO_TARGET_X86_64_APPLE_DARWIN_LINKER");
        assert!(!log.contains("apple-darwin"), "{log}");
    }
    if Command::new("sh")
        .args(["-c", "command -v aarch64-linux-gnu-gcc"])
        .output()
        .unwrap()
        .status
        .success()
    {
        skip_step(
            "release_builds_remap_machine_paths_and_need_a_linker_per_cross_target",
            "arm64 linker missing",
            "aarch64-linux-gnu-gcc is installed here",
        );
    } else if host != "aarch64-unknown-linux-gnu" {
        run.assert_contains("skipped: linux_arm64: Rust target aarch64-unknown-linux-gnu is installed, but no linker aarch64-linux-gnu-gcc: install it (Debian/Ubuntu: apt-get install gcc-aarch64-linux-gnu) or set CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER");
        assert!(!log.contains("aarch64-unknown-linux-gnu"), "{log}");
    }
    // The given linker is used, and the Windows binary is packaged with its .exe.
    let windows = log
        .lines()
        .find(|l| l.contains("--target x86_64-pc-windows-gnu"))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(
        windows.contains("CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=/opt/mingw/bin/gcc"),
        "{windows}"
    );
    assert!(windows.contains("--remap-path-prefix"), "{windows}");
    run.assert_contains("built:   windows_amd64");
    let zip = out_dir.path().join(format!("{NAME}_9.9.9_windows_amd64.zip"));
    let info = inspect(&zip, &[]);
    assert_eq!(info["entries"][0]["name"], format!("{NAME}_v9.9.9.exe"), "{info}");
}

#[test]
fn release_help_is_printed_and_succeeds() {
    let out = Command::new(root().join("scripts/release"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success(), "--help exits 0");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Usage: scripts/release") && text.contains("--draft"),
        "{text}"
    );
    let wrong = Command::new(root().join("scripts/release"))
        .arg("--nope")
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("unknown argument --nope"));
}

#[test]
fn release_refuses_a_binary_that_is_not_there() {
    let out_dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(root().join("scripts/release"));
    cmd.args(["--binary", "no/such/binary", "--out"])
        .arg(out_dir.path())
        .current_dir(root());
    let out = run_with_timeout(
        cmd,
        "scripts/release --binary no/such/binary".into(),
        Duration::from_secs(60),
    );
    out.assert_failed().assert_contains("is not an executable file");
    assert!(listing(out_dir.path()).is_empty());
}

#[test]
fn release_signs_the_checksums_with_the_given_key() {
    let test = "release_signs_the_checksums_with_the_given_key";
    if Command::new("gpg").arg("--version").output().is_err() {
        skip_step(test, "signing", "gpg is not installed");
        return;
    }
    let home = tempfile::Builder::new().prefix("l27-gpg-").tempdir().unwrap();
    let gpg = |args: &[&str]| {
        let mut cmd = Command::new("gpg");
        cmd.args(["--batch", "--no-tty"])
            .args(args)
            .env("GNUPGHOME", home.path());
        run_with_timeout(cmd, format!("gpg {args:?}"), Duration::from_secs(120))
    };
    let uid = "Level27 release test <release-test@example.invalid>";
    gpg(&["--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign", "never"]).assert_ok();

    let out_dir = tempfile::tempdir().unwrap();
    release(
        out_dir.path(),
        &["--sign", "release-test@example.invalid"],
        &[("GNUPGHOME", home.path())],
    )
    .assert_ok()
    .assert_contains("signed ");
    let sums = out_dir.path().join(format!("{}_SHA256SUMS", prefix()));
    let sig = out_dir.path().join(format!("{}_SHA256SUMS.sig", prefix()));
    gpg(&["--verify", sig.to_str().unwrap(), sums.to_str().unwrap()]).assert_ok();
    // The signature covers the checksums: a changed file no longer verifies.
    fs::write(&sums, format!("{}tampered\n", fs::read_to_string(&sums).unwrap())).unwrap();
    gpg(&["--verify", sig.to_str().unwrap(), sums.to_str().unwrap()]).assert_failed();

    let mut kill = Command::new("gpgconf");
    kill.args(["--kill", "gpg-agent"]).env("GNUPGHOME", home.path());
    let _ = run_with_timeout(kill, "gpgconf --kill gpg-agent".into(), Duration::from_secs(30));
}

/// A filesystem mirror (packed layout) holding the release zip, and a CLI configuration using
/// only that mirror for this provider.
struct Mirror {
    _dir: tempfile::TempDir,
    cli_config: PathBuf,
    zip_sha256: String,
    h1: String,
    other_sha256: String,
}

fn mirror() -> Mirror {
    let dir = tempfile::Builder::new().prefix("l27-mirror-").tempdir().unwrap();
    let dist = dir.path().join("dist");
    release(&dist, &[], &[]).assert_ok();
    let zip_name = format!("{}_{}.zip", prefix(), platform());
    let pkg_dir = dir.path().join("mirror/registry.terraform.io/level27/level27");
    fs::create_dir_all(&pkg_dir).unwrap();
    fs::copy(dist.join(&zip_name), pkg_dir.join(&zip_name)).unwrap();
    let manifest = dist.join(format!("{}_manifest.json", prefix()));
    let info = inspect(&pkg_dir.join(&zip_name), &[&manifest]);
    // The checksum Terraform would get from the release's SHA256SUMS through a registry.
    let sums = fs::read_to_string(dist.join(format!("{}_SHA256SUMS", prefix()))).unwrap();
    let zip_sha256 = sums
        .lines()
        .find_map(|l| l.strip_suffix(&format!("  {zip_name}")))
        .unwrap_or_else(|| panic!("no {zip_name} in SHA256SUMS:\n{sums}"))
        .to_string();
    assert_eq!(zip_sha256, info["sha256"].as_str().unwrap());
    let cli_config = dir.path().join("terraformrc");
    fs::write(
        &cli_config,
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path    = {}\n    include = [\"registry.terraform.io/level27/level27\"]\n  }}\n}}\n",
            Value::String(dir.path().join("mirror").to_string_lossy().into_owned())
        ),
    )
    .unwrap();
    Mirror {
        _dir: dir,
        cli_config,
        zip_sha256,
        h1: info["h1"].as_str().unwrap().to_string(),
        other_sha256: info["files"][manifest.to_str().unwrap()].as_str().unwrap().to_string(),
    }
}

/// The hashes `.terraform.lock.hcl` records for this provider, after checking its version.
fn locked_hashes(tf: &Tf) -> BTreeSet<String> {
    let lock = tf.read(".terraform.lock.hcl");
    let block = lock
        .split("provider \"registry.terraform.io/level27/level27\" {")
        .nth(1)
        .unwrap_or_else(|| panic!("no level27 provider in the lock file:\n{lock}"));
    assert!(
        block.contains(&format!("version = \"{VERSION}\"")),
        "lock file version:\n{lock}"
    );
    block
        .split('"')
        .filter(|s| s.starts_with("h1:") || s.starts_with("zh:"))
        .map(str::to_string)
        .collect()
}

fn lock_file(hash: &str) -> String {
    format!(
        "provider \"registry.terraform.io/level27/level27\" {{\n  version = \"{VERSION}\"\n  hashes = [\n    \"{hash}\",\n  ]\n}}\n"
    )
}

fn install_from_mirror_and_apply(label: &str, terraform: Terraform) {
    let m = mirror();
    let sb = Sandbox::start();
    let quickstart = fs::read_to_string(root().join("examples/quickstart/main.tf")).unwrap();
    let mut tf = Tf::with(label, terraform.clone(), Some(&sb));
    // Replaces the harness's dev_overrides configuration: only the mirror, as a user would have.
    tf.set_env("TF_CLI_CONFIG_FILE", Some(m.cli_config.to_str().unwrap()));
    tf.write_main(&quickstart);

    let init = tf.run(&["init"]).assert_ok();
    init.assert_not_contains("overrides");
    init.assert_contains(&format!("Installing level27/level27 v{VERSION}"));
    assert_eq!(
        locked_hashes(&tf),
        [m.h1.clone()].into_iter().collect(),
        "a filesystem mirror gives Terraform no signed checksums, so it records the package's h1: hash"
    );
    let installed = tf.dir.join(format!(
        ".terraform/providers/registry.terraform.io/level27/level27/{VERSION}/{}/{NAME}_v{VERSION}",
        platform()
    ));
    assert!(installed.is_file(), "{} is not installed", installed.display());

    let log = tf.scratch("provider.log");
    tf.set_env("TF_LOG_PROVIDER", Some("info"))
        .set_env("TF_LOG_PATH", Some(log.to_str().unwrap()));
    tf.apply();
    let log_text = fs::read_to_string(&log).unwrap_or_default();
    assert!(
        log_text
            .lines()
            .any(|l| l.contains("plugin serving") && l.contains(&format!("version={VERSION}"))),
        "the provider logs its version at startup; the log:\n{log_text}"
    );
    tf.set_env("TF_LOG_PROVIDER", None).set_env("TF_LOG_PATH", None);
    tf.assert_plan_empty(&format!("{label}: quickstart with the mirrored provider"));
    let (major, minor, patch) = terraform.version;
    let agent = format!("{NAME}/{VERSION} Terraform/{major}.{minor}.{patch}");
    let agents = sb.requests()["userAgents"].clone();
    assert!(
        agents.as_object().is_some_and(|m| m.contains_key(&agent)),
        "requests carry User-Agent {agent:?}: {agents}"
    );
    tf.destroy();

    // A lock file holding the zip's SHA256SUMS entry (what `terraform init` records from a
    // registry) accepts the mirrored package and gains its h1: hash ...
    let mut pinned = tf.fresh(&format!("{label}-zh"));
    pinned.set_env("TF_CLI_CONFIG_FILE", Some(m.cli_config.to_str().unwrap()));
    pinned.write_main(&quickstart);
    pinned.write(".terraform.lock.hcl", &lock_file(&format!("zh:{}", m.zip_sha256)));
    pinned.run(&["init"]).assert_ok();
    assert_eq!(
        locked_hashes(&pinned),
        [format!("zh:{}", m.zip_sha256), m.h1.clone()].into_iter().collect()
    );
    // ... and one holding another file's checksum refuses it.
    let mut wrong = pinned.fresh(&format!("{label}-wrong"));
    wrong.set_env("TF_CLI_CONFIG_FILE", Some(m.cli_config.to_str().unwrap()));
    wrong.write_main(&quickstart);
    wrong.write(".terraform.lock.hcl", &lock_file(&format!("zh:{}", m.other_sha256)));
    let refused = wrong.run(&["init"]).assert_failed();
    let words = refused.all().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("doesn't match any of the checksums"),
        "expected a checksum mismatch:\n{}",
        refused.dump()
    );
}

#[test]
fn terraform_installs_the_release_from_a_filesystem_mirror() {
    install_from_mirror_and_apply("mirror", Terraform::default_bin());
}

#[test]
fn terraform_1_0_installs_the_release_from_a_filesystem_mirror() {
    if let Some(tf) = Terraform::v1_0("terraform_1_0_installs_the_release_from_a_filesystem_mirror") {
        install_from_mirror_and_apply("mirror-1.0", tf);
    }
}
